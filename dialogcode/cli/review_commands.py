"""review export / review import, and agree."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..choices import AGREEMENT_UNITS
from ..errors import ArgumentError
from . import cli
from .options import (ALLOW_OUTSIDE, allow_outside_option, check_codes, echo_problems,
                      echo_table, file_named, seed_option, shown, study_argument, study_option,
                      table_text, warn)

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study


@cli.group()
def review():
    """Accept or reject rule codings and suggestions in a sheet, then import the
    decisions (decisions.csv), or in the browser (review serve). Final codings = rule and
    model codings - rejected + every other accepted code + human codings."""


@review.command("export")
@study_argument
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              callback=file_named(".xlsx", ".csv", what="a review sheet"),
              help="Sheet to write, .xlsx (with an accept/reject drop-down) or .csv "
                   "(default: out/review.xlsx).")
@click.option("--undecided", is_flag=True, help="Only rows without a decision yet.")
@click.option("--code", "codes", multiple=True, help="Only this code (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite a sheet holding decisions not yet "
                                            "imported.")
@click.option("--next", "next_n", type=click.IntRange(1), metavar="N",
              help="Instead, the N segments nobody coded that the learned models are "
                   "least sure of, with every code proposed there and the best-scoring "
                   "others (source `listed`: the model did not code them): decide each "
                   "one shown for a segment you decide (needs `dialogcode learn`).")
def review_export(study, output, undecided, codes, force, next_n):
    """Write a review sheet for STUDY: one row per code on a segment (rule and model
    codings, then suggestions from `dialogcode suggest`), with the segment's text and any
    earlier decision. Fill the `decision` column with accept or reject; add a row with
    accept to give a segment a code nobody proposed. With --next N, the sheet holds the
    N segments its models are least sure of (docs/review.md)."""
    from ..codebook import load_codebooks
    from ..ingest import load_corpus
    from ..review import in_force, load_decisions
    from ..review_sheet import (load_suggestions, next_review_items, read_sheet,
                                review_items, unimported, with_added, write_sheet)
    from ..sheet_stamps import KEY, STAMP, sheet_stamps, stamp_key
    from ..store import read_table
    from ..study import Study

    from ..privacy.gate import mask_for_reading

    opened = Study.open(study)
    target = output or opened.out / "review.xlsx"
    opened.check_outside_transcripts(target)
    decisions = load_decisions(opened)
    if target.is_file() and not force:
        pending = unimported(read_sheet(target, opened.config.limits), decisions)
        if pending:
            # an import refusing a row says to export again: that sheet goes elsewhere
            raise ArgumentError(f"holds {pending} decision(s) not yet imported; run `dialogcode "
                              "review import` on it first, write the new sheet to another "
                              "file (-o), or pass --force", file=target)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    check_codes(codes, book.codes)
    codings = read_table(opened.out, "codings", hint="dialogcode code")
    labels = {c.id: c.label for c in book.codes.values()}
    # the others wait to be decided again
    decisions = in_force(decisions, corpus.documents, corpus.segments)
    if next_n:
        items, fewer = next_review_items(opened, corpus, book, codings, decisions, labels,
                                         next_n)
        found = items["seg_id"].nunique()     # before --code leaves some out
    else:
        items = with_added(review_items(codings, load_suggestions(opened), corpus.segments,
                                        corpus.documents, labels, decisions),
                           decisions, corpus.segments, corpus.documents, labels)
    if undecided:
        items = items[items["decision"] == ""]
    if codes:
        items = items[items["code_id"].isin(codes)]
    items = mask_for_reading(opened, items, corpus.segments, corpus.documents)
    # import refuses a row whose segment moved since (its stamp is another now)
    key = stamp_key(opened, create=True)
    if key is None:
        click.echo(f"Note: {opened.root} is read-only, so {KEY} cannot be made there: the "
                   f"sheet has no {STAMP} column, and review import checks its rows by "
                   "their text and speaker only", err=True)
    else:
        items = items.assign(**{STAMP: sheet_stamps(items["seg_id"], corpus.segments,
                                                    corpus.documents, key)})
    path = write_sheet(target, items.reset_index(drop=True))
    segments = f" for {items['seg_id'].nunique()} segments" if next_n else ""
    click.echo(f"Wrote {len(items)} rows to review{segments} to {shown(path)}")
    if next_n and fewer:
        click.echo(f"{next_n} segments asked for, {found} found: {fewer}")


@review.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@study_argument
@click.option("--reviewer", default="", help="Name recorded with each decision.")
def review_import(sheet, study, reviewer):
    """Read the decisions in a filled review SHEET into STUDY's decisions.csv. A new
    decision on the same code and segment replaces the old one; nothing else changes."""
    from ..codebook import load_codebooks
    from ..ingest import load_corpus
    from ..decision_log import record_decisions
    from ..review import DECISIONS, in_force
    from ..review_sheet import (added_undecided, cleared, left_for_good, load_suggestions,
                                proposals, read_sheet, sheet_decisions, unread_columns)
    from ..sheet_stamps import stamp_key
    from ..store import read_table
    from ..study import Study

    opened = Study.open(study)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    proposed = proposals(read_table(opened.out, "codings", hint="dialogcode code"),
                         load_suggestions(opened))
    table = read_sheet(sheet, opened.config.limits, book.codes)
    new = sheet_decisions(opened, table, sheet, corpus.segments, corpus.documents, reviewer,
                          book.codes, proposed, stamp_key(opened))
    merged, counts = record_decisions(opened, new)
    # read once the import gave the decisions it repeats their segment (in_force warns
    # of those without one)
    in_force_now = in_force(merged, corpus.documents, corpus.segments)
    standing = cleared(table, sheet, in_force_now, reviewer)
    click.echo(f"{counts['added']} new, {counts['changed']} changed, {counts['unchanged']} "
               f"unchanged decisions; {len(merged)} in {shown(opened.root / DECISIONS)}")
    if len(table) and (table["decision"].str.strip() == "").all():
        click.echo(f"None of the sheet's {len(table)} rows has a decision: choose accept or "
                   "reject in its decision column, save the sheet and import it again")
    echo_problems("Rows left without a decision that have one in decisions.csv, which "
                  "stands (a cleared cell takes no decision back; choose accept or reject "
                  "to change it)", standing)
    echo_problems("Rows added without a decision, which decide nothing (type accept to "
                  "add the code)", added_undecided(table, sheet))
    echo_problems("Codes left empty on segments with a decision, which no later sheet "
                  "lists (--next passes over decided segments): the models learn nothing "
                  "of them there; reject those that do not apply",
                  left_for_good(table, sheet, in_force_now, proposed))
    echo_problems("Columns the import does not read", unread_columns(table, sheet))
    echo_orphaned(opened, corpus.documents, set(book.codes))


@review.command("serve")
@click.argument("study", required=False, type=click.Path(path_type=str))
@click.option("--reviewer", default="", help="Name recorded with each decision.")
@click.option("--port", default=0, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (default: a free one).")
@click.option("--next", "next_n", default=50, show_default=True, type=click.IntRange(1),
              metavar="N", help="Segments in the queue page, as `review export --next N` "
                                "chooses them (needs `dialogcode learn`).")
@click.option("--open", "open_browser", is_flag=True, help="Open the address in the browser.")
@allow_outside_option
@click.pass_context
def review_serve(ctx, study, reviewer, port, next_n, open_browser):
    """Review STUDY in the browser: documents by site and event, each transcript with its
    codes highlighted, and the queue of `review export --next`. Accept, reject, add
    codes and notes with the mouse or the keyboard; each is written at once to
    decisions.csv, as `review import` writes it. Listens on 127.0.0.1 only; the address
    printed carries a secret token. Unlike other commands it does not hold the study
    while it runs: each decision waits for a command working on the study. Stop with
    Ctrl-C. Needs `pip install 'dialogcode[web]'` (docs/review.md)."""
    import webbrowser

    from ..coders import check_name
    from ..study import Study
    from ..web import make_server

    if reviewer:
        check_name(reviewer, "reviewer")
    opened = Study.open(study)
    opened.check_output_inside(allow_outside=bool(ctx.meta.get(ALLOW_OUTSIDE)))
    server = make_server(opened, reviewer=reviewer, port=port, queue_size=next_n)
    click.echo(f"Review at {server.url}\n(this address holds the key to the study: share "
               "it with nobody; Ctrl-C stops)")
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def echo_orphaned(study: Study, documents=None, codes: set[str] | None = None) -> None:
    """List, as warnings on stderr, decisions whose coding disappeared, whose code left
    the codebook (``codes``, its ids, when given), whose seg_id names a segment of
    another unit than the study is cut into now, or whose document changed
    (``documents``: the documents table, or at least its doc_id and sha256; default: the
    study's), and apart from them the accepted rule codings the rules no longer make,
    which stay final codings (but on a preamble or heading, listed with the others)."""
    from ..review import KEPT, load_decisions, orphaned
    from ..store import read_table

    decisions = load_decisions(study)
    if decisions.empty:
        return
    if documents is None:
        documents = read_table(study.out, "documents", hint="dialogcode ingest",
                               columns=["doc_id", "sha256"])
    segments = read_table(study.out, "segments", hint="dialogcode ingest",
                          columns=["seg_id", "doc_id", "kind", "codable", "start", "end"])
    listed = orphaned(decisions, read_table(study.out, "codings", hint="dialogcode code"),
                      documents, segments, codes)
    kept, lost = listed[listed["reason"] == KEPT], listed[listed["reason"] != KEPT]
    if len(kept):
        warn(f"{len(kept)} accepted rule coding(s) are no longer made by the rules; a "
             "reviewer accepted each, so each stays in the final codings (and in what "
             "`learn` learns from) on its whole segment, shown as the reviewer's (source "
             "`reviewer`). Reject any that is wrong there:\n"
             + table_text(kept[["seg_id", "code_id", "reviewer"]]))
    if len(lost):
        warn(f"{len(lost)} review decision(s) no longer apply (kept in decisions.csv; "
             "where the document text or its segments changed, the segment waits to be "
             "decided again: `dialogcode review export` shows it as it is now; a code not "
             "in the codebook stops the tables, `learn` and `evaluate` until its row names "
             "the code's new id or is deleted):\n"
             + table_text(lost[["seg_id", "code_id", "decision", "reason"]]))


@cli.command("agree")
@click.argument("names", nargs=-1, required=True)
@study_option
@click.option("--unit", type=click.Choice(AGREEMENT_UNITS), default="segment",
              show_default=True,
              help="segment: a code is present or not in each segment; span: present "
                   "when the coder's spans cover --min-overlap of all coders' spans of "
                   "the code in the segment.")
@click.option("--min-overlap", default=0.5, show_default=True, type=click.FloatRange(0, 1,
              min_open=True), help="Overlap rule for --unit span.")
@click.option("--reference", help="The coder taken as right, for precision, recall and F1.")
@click.option("--code", "codes", multiple=True,
              help="Only this code, variable or group (repeatable).")
@click.option("--speaker", multiple=True, help="Units: segments of this speaker label "
                                               "(glob such as 'P*'; repeatable).")
@click.option("--site", multiple=True, help="Units: segments of documents of this site.")
@click.option("--event-type", multiple=True, help="Units: documents of this event type.")
@click.option("--document", multiple=True, help="Units: documents whose doc_id matches.")
@click.option("--where", multiple=True, metavar="COLUMN=VALUE",
              help="Units: segments whose segment or document COLUMN matches VALUE.")
@click.option("--roll-up", is_flag=True, help="A sub-code also counts for its parents.")
@click.option("--level", type=click.Choice(["nominal", "ordinal", "interval"]),
              default="nominal", show_default=True,
              help="The alpha a numeric variable's verdict uses.")
@click.option("--draws", default=1000, show_default=True, type=click.IntRange(0),
              help="Bootstrap draws for the 95% intervals (0: none).")
@seed_option("Bootstrap seed.")
@click.option("--min-units", default=10, show_default=True, type=click.IntRange(1),
              help="Units with the code (or a less common value) needed for a verdict.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              callback=file_named(".xlsx", ".csv", what="an agreement table"),
              help="Write the tables to this .xlsx or .csv (disagreements go to "
                   "<name>-disagreements.csv) instead of out/agreement/.")
def agree_command(names, study, unit, min_overlap, reference, codes, speaker, site,
                  event_type, document, where, roll_up, level, draws, seed, min_units,
                  output):
    """Agreement between two or more codings of the same documents: NAMES are `rules`
    (out/codings.parquet), coders in codings/ (e.g. `reader`) or coder CSV files.
    A row per code, per variable (a parent marked `exclusive: true`) and per group of
    codes (cu-alpha): percent agreement, Cohen's (two coders) or Fleiss' and Light's
    kappa, Brennan-Prediger, Krippendorff's alpha with bootstrap 95% intervals, the
    units counted and a verdict; plus the segments where coders differ, for the
    reconciliation meeting (docs/review.md)."""
    from ..agreement import agree, select_units
    from ..codebook import load_codebooks
    from ..coders import RULES
    from ..named_codings import identical_files, named_codings, unchecked_files
    from ..ingest import load_corpus
    from ..privacy.gate import mask_for_reading
    from ..scopes import coder_of, coder_scopes, undeclared_notes
    from ..study import Study
    from ..trust import rule_less, rule_less_groups, rules_chains, without_rules

    if len(set(names)) < len(names) or len(names) < 2:
        raise click.UsageError("give at least two different codings to compare")
    opened = Study.open(study)
    if output is not None:
        opened.check_outside_transcripts(output)
    corpus = load_corpus(opened)
    twice = identical_files(opened, names, corpus.segments) + unchecked_files(opened, names)
    book = load_codebooks(opened.codebook_files())
    check_codes(codes, set(book.codes))
    selection = select_units(corpus.segments, corpus.documents, speaker=speaker, site=site,
                             event_type=event_type, document=document, where=where)
    codings = {name: named_codings(opened, name, corpus.segments, corpus.documents)
               for name in names}
    # the rules never apply a human-only code: no verdict on them there, nor in the pool
    # (people's agreement on it, when two or more people are compared); rolled up, a
    # parent is judged on the codes below it that the rules can apply
    people = rule_less(book, rolled_up=roll_up) if RULES in names else set()
    declared = coder_scopes(opened, book)
    scopes = {name: declared[coder_of(opened, name)] for name in names
              if coder_of(opened, name) in declared}
    result = agree(codings, corpus.segments, unit=unit, reference=reference,
                   codes=list(codes) or None, documents=corpus.documents,
                   min_overlap=min_overlap, book=book, selection=selection,
                   roll_up=roll_up, level=level, draws=draws, seed=seed,
                   min_units=min_units, unpooled=people, scopes=scopes,
                   rules=RULES if RULES in names else None,
                   chains=rules_chains(book) if RULES in names else None,
                   unpooled_applied=rule_less(book) if RULES in names else set())
    result.per_code = without_rules(result.per_code, people, len(names),
                                    rule_less_groups(book) if RULES in names else ())
    result.notes += undeclared_notes(opened, book, names, "`agree` judges {coder} on "
                                     "every code, and counts the others' codings of the "
                                     "rest as disagreements")
    result.disagreements = mask_for_reading(opened, result.disagreements, corpus.segments,
                                            corpus.documents)
    del codings, corpus                 # what is left to do needs only the result
    click.echo(f"Units: {result.selection}; {result.shared:,} segment(s) in "
               f"{result.shared_documents:,} document(s) read by two or more coders "
               f"({result.units:,} in {result.documents:,} by one or more). Coders: "
               f"{', '.join(result.coders)}.")
    echo_table(agreement_summary(result, level, reference, draws))
    for note in result.notes:
        click.echo(f"Note: {note}")
    for warning in twice:
        warn(warning)
    paths = write_agreement(opened, names, result, output)
    click.echo(f"{len(result.disagreements)} disagreements. Wrote "
               f"{', '.join(shown(p) for p in paths)}")


def agreement_summary(result, level: str, reference: str | None, draws: int):
    """The printed columns: units, agreement, a kappa, alpha with its interval, verdict."""
    import pandas as pd

    table = result.per_code
    kappa = "cohen_kappa" if len(result.coders) == 2 else "fleiss_kappa"
    alphas = ["krippendorff_alpha"] + ([f"alpha_{level}"] if f"alpha_{level}" in table
                                       else [])
    columns = ["code_id"] + (["kind"] if set(table["kind"]) - {"code", "pooled"} else [])
    summary = table[columns + ["units", "percent_agreement", kappa, *alphas]].round(3)
    for alpha in alphas if draws else []:
        low, high = table[f"{alpha}_low"], table[f"{alpha}_high"]
        summary.insert(summary.columns.get_loc(alpha) + 1, f"{alpha.split('_')[-1]} 95% CI",
                       [f"[{a:.3f}, {b:.3f}]" if pd.notna(a) else ""
                        for a, b in zip(low, high)])
    summary["verdict"] = table["verdict"]
    if reference:
        # blank where no row has one (a coder who coded nothing: precision is 0/0)
        summary = summary.join(table.reindex(columns=["precision", "recall", "f1"]).round(3))
    return summary


def distinct_safe(table: pd.DataFrame) -> pd.DataFrame:
    """``safe_for_spreadsheet`` applied to each column's distinct values: a disagreements
    table repeats each segment's text once per code it differs on."""
    import numpy as np
    import pandas as pd

    from ..store import safe_for_spreadsheet

    columns = {}
    for column in table.columns:
        codes, uniques = pd.factorize(table[column])
        safe = safe_for_spreadsheet(pd.DataFrame({column: pd.Series(uniques, dtype=object)}))
        columns[column] = np.append(safe[column].to_numpy(dtype=object), None)[codes]
    return pd.DataFrame(columns, columns=table.columns)


def write_agreement(study: Study, names, result, output: Path | None) -> list[Path]:
    """The agreement table, the disagreements, a confusion matrix (CSV and chart) per
    variable and the notes, in out/agreement/ or next to ``output`` (one workbook for
    .xlsx)."""
    import pandas as pd

    from ..charts import confusion_chart
    from ..store import replacing, write_csv
    from ..workbook import write_workbook

    confusion = {f"confusion {variable}"[:31]: matrix.reset_index()
                 for variable, matrix in result.confusion.items()}
    if output is not None and output.suffix.lower() == ".xlsx":
        return [write_workbook(output, {"agreement": result.per_code,
                                        "disagreements": result.disagreements,
                                        **confusion,
                                        "notes": pd.DataFrame({"note": result.notes})})]
    if output is None:
        output = study.out / "agreement" / f"{'-vs-'.join(Path(n).stem for n in names)}.csv"
    second = output.with_name(output.stem + "-disagreements.csv")
    write_csv(result.per_code, output)
    write_csv(distinct_safe(result.disagreements), second)
    notes = output.with_name(output.stem + "-notes.txt")   # written empty: none stale
    with replacing(notes) as temporary:
        temporary.write_text("".join(f"{note}\n" for note in result.notes), encoding="utf-8")
    paths = [output, second, notes]
    for variable, matrix in result.confusion.items():
        stem = output.with_name(f"{output.stem}-confusion-{variable}")
        with replacing(stem.with_suffix(".csv")) as temporary:
            matrix.to_csv(temporary, lineterminator="\n")
        with replacing(stem.with_suffix(".png")) as temporary:
            confusion_chart(matrix, variable, result.coders).savefig(
                temporary, dpi=120, metadata={"Software": None})
        paths += [stem.with_suffix(".csv"), stem.with_suffix(".png")]
    return paths
