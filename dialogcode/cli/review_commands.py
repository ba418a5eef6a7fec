"""review export / review import, and agree."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..choices import AGREEMENT_UNITS
from ..errors import ArgumentError
from . import cli
from .options import check_codes, echo_table, shown, study_argument, study_option

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study


@cli.group()
def review():
    """Accept or reject rule codings and suggestions in a sheet, then import the
    decisions (decisions.csv). Final codings = rules - rejected + accepted
    suggestions + human codings."""


@review.command("export")
@study_argument
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Sheet to write, .xlsx (with an accept/reject drop-down) or .csv "
                   "(default: out/review.xlsx).")
@click.option("--undecided", is_flag=True, help="Only rows without a decision yet.")
@click.option("--code", "codes", multiple=True, help="Only this code (repeatable).")
@click.option("--force", is_flag=True, help="Overwrite a sheet holding decisions not yet "
                                            "imported.")
@click.option("--next", "next_n", type=click.IntRange(1), metavar="N",
              help="Instead, the N segments nobody coded whose coding would help the "
                   "learned models most, with every code proposed there (needs `dialogcode "
                   "learn`).")
def review_export(study, output, undecided, codes, force, next_n):
    """Write a review sheet for STUDY: one row per code on a segment (rule and model
    codings, then suggestions from `dialogcode suggest`), with the segment's text and any
    earlier decision. Fill the `decision` column with accept or reject; add a row with
    accept to give a segment a code nobody proposed. With --next N, the sheet holds the
    N most useful segments to code next (docs/review.md)."""
    from ..codebook import load_codebooks
    from ..ingest import load_corpus
    from ..review import (load_decisions, load_suggestions, read_sheet,
                          review_items, unimported, write_sheet)
    from ..store import read_table
    from ..study import Study

    opened = Study.open(study)
    target = output or opened.out / "review.xlsx"
    decisions = load_decisions(opened)
    if target.is_file() and not force:
        pending = unimported(read_sheet(target), decisions)
        if pending:
            raise ArgumentError(f"holds {pending} decision(s) not yet imported; run `dialogcode "
                              "review import` on it first, or pass --force", file=target)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    check_codes(codes, book.codes)
    codings = read_table(opened.out, "codings", hint="dialogcode code")
    labels = {c.id: c.label for c in book.codes.values()}
    if next_n:
        items = next_sheet(opened, corpus, book, codings, decisions, labels, next_n)
    else:
        items = review_items(codings, load_suggestions(opened), corpus.segments,
                             corpus.documents, labels, decisions)
    if undecided:
        items = items[items["decision"] == ""]
    if codes:
        items = items[items["code_id"].isin(codes)]
    path = write_sheet(target, items.reset_index(drop=True))
    segments = f" for {items['seg_id'].nunique()} segments" if next_n else ""
    click.echo(f"Wrote {len(items)} rows to review{segments} to {shown(path)}")


def next_sheet(study: Study, corpus, book, codings, decisions, labels, n) -> pd.DataFrame:
    """Review rows for the n segments whose coding would help the models most."""
    from ..active import next_items
    from ..coders import coder_names, coder_path, read_coder
    from ..learn import check_fits, load_models
    from ..learned import model_folder
    from ..review import review_items

    folder = model_folder(study)
    models = load_models(folder)
    check_fits(models, book, corpus.documents, study.config.model, folder)
    known = set(decisions["seg_id"])
    for coder in coder_names(study):
        human = read_coder(coder_path(study, coder), corpus.segments, coder)
        known |= set(corpus.segments.loc[corpus.segments["doc_id"].isin(
            set(human["doc_id"].dropna())), "seg_id"])
    chosen = next_items(models, corpus.segments, corpus.documents, codings, known, n,
                        cache_dir=study.out / "cache")
    return review_items(chosen.assign(quote=""), None, corpus.segments, corpus.documents,
                        labels, decisions)


@review.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@study_argument
@click.option("--reviewer", default="", help="Name recorded with each decision.")
def review_import(sheet, study, reviewer):
    """Read the decisions in a filled review SHEET into STUDY's decisions.csv. A new
    decision on the same code and segment replaces the old one; nothing else changes."""
    from ..codebook import load_codebooks
    from ..ingest import load_corpus
    from ..review import (DECISIONS, load_decisions, merge_decisions, read_sheet,
                          sheet_decisions, write_decisions)
    from ..study import Study

    opened = Study.open(study)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    new = sheet_decisions(read_sheet(sheet), sheet, corpus.segments, corpus.documents,
                          reviewer, set(book.codes))
    merged, counts = merge_decisions(load_decisions(opened), new)
    if counts["added"] or counts["changed"]:
        write_decisions(opened, merged)
    click.echo(f"{counts['added']} new, {counts['changed']} changed, {counts['unchanged']} "
               f"unchanged decisions; {len(merged)} in {shown(opened.root / DECISIONS)}")
    echo_orphaned(opened, corpus)


def echo_orphaned(study: Study, corpus=None) -> None:
    """List decisions whose coding disappeared or whose document changed."""
    from ..ingest import load_corpus
    from ..review import load_decisions, orphaned
    from ..store import read_table

    decisions = load_decisions(study)
    if decisions.empty:
        return
    corpus = corpus or load_corpus(study)
    lost = orphaned(decisions, read_table(study.out, "codings", hint="dialogcode code"),
                    corpus.documents)
    if len(lost):
        click.echo(f"{len(lost)} review decision(s) no longer apply (kept in decisions.csv):")
        echo_table(lost[["seg_id", "code_id", "decision", "reason"]])


@cli.command("agree")
@click.argument("names", nargs=-1, required=True)
@study_option
@click.option("--unit", type=click.Choice(AGREEMENT_UNITS), default="segment", show_default=True,
              help="segment: a code is present or not in each segment; span: present "
                   "when the coder's spans cover --min-overlap of all coders' spans of "
                   "the code in the segment.")
@click.option("--min-overlap", default=0.5, show_default=True, type=click.FloatRange(0, 1,
              min_open=True), help="Overlap rule for --unit span.")
@click.option("--reference", help="The coder taken as right, for precision, recall and F1.")
@click.option("--code", "codes", multiple=True, help="Only this code (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the tables to this .xlsx or .csv (disagreements go to "
                   "<name>-disagreements.csv) instead of out/agreement/.")
def agree_command(names, study, unit, min_overlap, reference, codes, output):
    """Agreement between two or more codings of the same documents: NAMES are `rules`
    (out/codings.parquet), coders in codings/ (e.g. `reader`) or coder CSV files.
    Per code: percent agreement, Cohen's kappa (two coders), Krippendorff's alpha with a
    verdict, and with --reference precision, recall and F1; plus the segments where
    coders differ, for the reconciliation meeting."""
    from ..agreement import agree
    from ..codebook import load_codebooks
    from ..coders import named_codings
    from ..ingest import load_corpus
    from ..study import Study

    if len(set(names)) < len(names) or len(names) < 2:
        raise click.UsageError("give at least two different codings to compare")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    codings = {name: named_codings(opened, name, corpus.segments) for name in names}
    if codes:
        used = set().union(*(c["code_id"].dropna() for c in codings.values()))
        check_codes(codes, used | set(load_codebooks(opened.codebook_files()).codes))
    result = agree(codings, corpus.segments, unit=unit, reference=reference,
                   codes=list(codes) or None, documents=corpus.documents,
                   min_overlap=min_overlap)
    shown_columns = ["code_id", "units", "percent_agreement", "cohen_kappa",
                     "krippendorff_alpha", "verdict"]
    if reference:
        shown_columns += ["precision", "recall", "f1"]
    echo_table(result.per_code[shown_columns].round(3))
    paths = write_agreement(opened, names, result.per_code, result.disagreements, output)
    click.echo(f"{len(result.disagreements)} disagreements. Wrote "
               f"{', '.join(shown(p) for p in paths)}")


def write_agreement(study: Study, names, per_code: pd.DataFrame,
                    disagreements: pd.DataFrame, output: Path | None) -> list[Path]:
    from ..store import safe_for_spreadsheet
    from ..workbook import write_workbook

    if output is not None and output.suffix.lower() == ".xlsx":
        return [write_workbook(output, {"agreement": per_code,
                                        "disagreements": disagreements})]
    if output is None:
        output = study.out / "agreement" / f"{'-vs-'.join(Path(n).stem for n in names)}.csv"
    output.parent.mkdir(parents=True, exist_ok=True)
    second = output.with_name(output.stem + "-disagreements.csv")
    per_code.to_csv(output, index=False, lineterminator="\n")
    safe_for_spreadsheet(disagreements).to_csv(second, index=False, lineterminator="\n")
    return [output, second]
