"""Review decisions: people accept or reject rule codings and suggestions, and the final
codings follow.

A decision is about a code on a segment, ``(seg_id, code_id)``, not about one matched
span, so it survives codebook edits that move or add matches. Decisions live in the
study's ``decisions.csv`` (:data:`DECISION_COLUMNS`), which only `dialogcode review
import` adds to, from a sheet a person filled in. Each decision keeps who made it and
when; text is stored as written (CSV review sheets neutralise formulas, and reading
them back undoes it).

Final codings = rule and model codings, minus rejected ones, plus accepted suggestions
(and accepted model codings the model no longer makes), plus the human codings of the
coders named in ``final_coders`` (dialogcode.yaml).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd
from .codebook import Code
from .coders import CodingsError, check_name, chosen_coders, coder_path, read_coder
from .csvrows import read_csv_file
from .errors import DialogcodeError, Problem
from .formats.tables import xlsx_rows
from .importers.tabular import code_numbers, same_text
from .limits import DEFAULT, Limits
from .safexml import xml_text
from .workbook import write_workbook
from .store import read_table, safe_for_spreadsheet, unneutralize, write_csv
from .study import Study

DECISIONS = "decisions.csv"
DECISION_COLUMNS = ["seg_id", "code_id", "decision", "source", "reviewer", "note", "sha256",
                    "decided_at", "start", "end"]
HISTORY = "decisions-history.csv"
REQUIRED = ["seg_id", "code_id", "decision"]
SHEET_COLUMNS = ["seg_id", "code_id", "label", "source", "matched", "score", "speaker",
                 "site", "doc_id", "text", "decision", "note"]
CHOICES = ("accept", "reject")
PROPOSALS = ("suggestion", "model", "reviewer")   # accepted ones stay final codings on their own


class ReviewError(DialogcodeError):
    """A review sheet or decisions file is malformed."""


def csv_table(path: Path) -> pd.DataFrame:
    """A CSV file as text cells with a ``line`` column (where each row starts). Raises
    ReviewError naming the line of a row whose fields do not match the header, a header
    naming a column twice, or a file that is not UTF-8 CSV (:func:`read_csv_file`)."""
    header, rows = read_csv_file(path, ReviewError)
    if not header:
        return pd.DataFrame(columns=["line"])
    short = [Problem(f"{len(values)} fields, but the header has {len(header)}", str(path),
                     number) for number, values in rows if len(values) < len(header)]
    if short:
        raise ReviewError(short)
    table = pd.DataFrame([values[:len(header)] for _, values in rows], columns=header,
                         dtype=str)
    return table.assign(line=[number for number, _ in rows])


def load_decisions(study: Study) -> pd.DataFrame:
    """The study's decisions (empty when there are none yet), with a ``line`` column.
    Raises ReviewError naming the line of every row that is not a decision (see
    :func:`csv_table`; an empty seg_id or code_id, a decision other than accept or
    reject) and any column missing or not known."""
    path = study.root / DECISIONS
    if not path.is_file():
        return pd.DataFrame(columns=[*DECISION_COLUMNS, "line"])
    table = csv_table(path)
    columns = [c for c in table.columns if c != "line"]
    if not columns:
        return pd.DataFrame(columns=[*DECISION_COLUMNS, "line"])
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [repr(c) for c in columns if c not in DECISION_COLUMNS]
    wrong = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
        [f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
    if wrong:
        raise ReviewError(f"{'; '.join(wrong)}; the columns are {','.join(DECISION_COLUMNS)}",
                          file=path, line=1)
    table = table.reindex(columns=[*DECISION_COLUMNS, "line"], fill_value="")
    problems = []
    for row in table.itertuples():
        empty = [c for c in ("seg_id", "code_id") if not getattr(row, c).strip()]
        if empty:
            problems.append(Problem(f"empty {' and '.join(empty)}", str(path), row.line))
        if row.decision not in CHOICES:
            problems.append(Problem(f"decision must be accept or reject, not "
                                    f"{row.decision!r}", str(path), row.line))
        span = (row.start.strip(), row.end.strip())
        if span != ("", "") and not (all(v.isdigit() for v in span)
                                     and int(span[0]) < int(span[1])):
            problems.append(Problem(f"start {span[0]!r} and end {span[1]!r} must both be "
                                    "empty (the whole segment) or offsets with start < end",
                                    str(path), row.line))
    if problems:
        raise ReviewError(problems)
    return table


def load_suggestions(study: Study) -> pd.DataFrame | None:
    """``out/suggestions.parquet`` from `dialogcode suggest`, when it exists."""
    if not (study.out / "suggestions.parquet").is_file():
        return None
    return read_table(study.out, "suggestions", hint="dialogcode suggest")


def review_items(rules: pd.DataFrame, suggestions: pd.DataFrame | None,
                 segments: pd.DataFrame, documents: pd.DataFrame, labels: dict[str, str],
                 decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per (segment, code) to review (:data:`SHEET_COLUMNS`): codings (rule ones
    with their matched text, model ones with their score), then suggestions with their
    score; earlier decisions filled in."""
    grouped = rules.groupby(["seg_id", "code_id"], sort=False)
    items = grouped.agg(matched=("quote", " | ".join), source=("source", "first"),
                        score=("score", "max")).reset_index()
    items.loc[items["source"] == "model", "matched"] = ""
    if suggestions is not None and len(suggestions):
        extra = suggestions.rename(columns={"terms": "matched"})[
            ["seg_id", "code_id", "matched", "score"]].assign(source="suggestion")
        items = pd.concat([items, extra], ignore_index=True)
    context = segments[["seg_id", "doc_id", "speaker", "text"]].merge(
        documents[["doc_id", "site"]], on="doc_id", how="left")
    items = items.merge(context, on="seg_id", how="left")
    items["label"] = items["code_id"].map(labels)
    previous = decisions.drop_duplicates(["seg_id", "code_id"], keep="last")
    items = items.merge(previous[["seg_id", "code_id", "decision", "note"]],
                        on=["seg_id", "code_id"], how="left")
    return items.reindex(columns=SHEET_COLUMNS).fillna({"decision": "", "note": ""})


def read_sheet(path: Path, limits: Limits = DEFAULT, codes=()) -> pd.DataFrame:
    """A filled review sheet (.xlsx, checked against ``limits``, a number in its code_id
    column read as the id of ``codes`` it stands for,
    :func:`~dialogcode.importers.tabular.code_numbers`; or .csv) with a ``line`` column
    for messages; the cells of a .csv sheet as they were before :func:`write_sheet`
    neutralised them."""
    if path.suffix.lower() == ".xlsx":
        rows = xlsx_rows(path, str(path), ReviewError, limits, unmerged=True)
        if not rows:
            raise ReviewError("the sheet is empty", file=path)
        numbers = code_numbers(rows, path, codes)
        if numbers:
            raise ReviewError(numbers)
        header = ["" if c is None else str(c).strip() for c in rows[0]]
        twice = sorted({c for c in header if c and header.count(c) > 1})
        if twice:
            raise ReviewError(f"column(s) {', '.join(map(repr, twice))} appear twice; keep "
                              "one of each", file=path, line=1)
        table = pd.DataFrame(rows[1:], columns=header, dtype=object)
        table = table.fillna("").astype(str).assign(line=range(2, len(table) + 2))
    else:
        table = csv_table(path)
        table[table.columns.drop("line")] = table.drop(columns="line").map(unneutralize)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ReviewError(f"missing column(s) {', '.join(missing)}", file=path, line=1)
    return table


def unimported(sheet: pd.DataFrame, decisions: pd.DataFrame) -> int:
    """How many decided rows of ``sheet`` are not in ``decisions`` as they stand, and
    undecided rows with a note (which `review import` asks to decide)."""
    decided = sheet[sheet["decision"].str.strip() != ""]
    known = set(zip(decisions["seg_id"], decisions["code_id"], decisions["decision"]))
    noted = (sheet["decision"].str.strip() == "") & \
        sheet.get("note", pd.Series("", sheet.index)).str.strip().ne("")
    return int(noted.sum()) + sum((s, c, d.strip().lower()) not in known for s, c, d in
                                  zip(decided["seg_id"], decided["code_id"],
                                      decided["decision"]))


def proposals(codings: pd.DataFrame, suggestions: pd.DataFrame | None
              ) -> dict[tuple[str, str], str]:
    """(seg_id, code_id) -> source (rule, model or suggestion) of every code proposed on
    a segment, codings before suggestions, as :func:`review_items` lists them."""
    found: dict[tuple[str, str], str] = {}
    for seg_id, code_id, source in zip(codings["seg_id"], codings["code_id"],
                                       codings["source"]):
        found.setdefault((seg_id, code_id), source)
    if suggestions is not None:
        for key in zip(suggestions["seg_id"], suggestions["code_id"]):
            found.setdefault(key, "suggestion")
    return found


def sheet_decisions(sheet: pd.DataFrame, path: Path, segments: pd.DataFrame,
                    documents: pd.DataFrame, reviewer: str, codes: Mapping[str, Code],
                    proposed: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The decided rows of a filled sheet as decisions by ``reviewer``, made now.

    Every bad row is reported: a decision other than accept or reject, a note without
    a decision, an unknown segment or code, a doc_id not the segment's, a category
    (``codable: false``) or a preamble or heading accepted, a code on a segment decided
    both ways or with two notes, a ``text`` cell that does not show its segment's text
    (as an export shows it: masked, in a workbook cell; whatever privacy findings were
    decided since). ``codes`` are the codebook's, by id. Each decision's source
    is that of the code proposed on the segment in ``proposed`` (:func:`proposals`);
    for a code not proposed there, the sheet's ``model`` or ``suggestion`` (a
    ``--next`` sheet's other codes), otherwise ``reviewer``: a row whose code a person
    changed, or a sheet without its source column, cannot pass an added code off as a
    rule coding (which would then never count)."""
    if reviewer:
        check_name(reviewer, "reviewer")
    sheet = sheet.assign(decision=sheet["decision"].str.strip().str.lower())
    decided = sheet[sheet["decision"] != ""]
    problems = [Problem(f"decision must be accept or reject, not {row.decision!r}",
                        str(path), row.line, row.seg_id)
                for row in decided.itertuples() if row.decision not in CHOICES]
    if "note" in sheet:     # a note is kept with a decision; alone it would be lost
        problems += [Problem("a note without a decision: accept or reject the code, or "
                             "clear the note", str(path), row.line, row.seg_id)
                     for row in sheet[sheet["decision"] == ""].itertuples()
                     if row.note.strip()]
    known = segments.set_index("seg_id")["doc_id"]
    problems += [Problem(f"unknown seg_id {row.seg_id!r}", str(path), row.line)
                 for row in decided.itertuples() if row.seg_id not in known.index]
    if "doc_id" in decided:
        problems += [Problem(f"seg_id {row.seg_id} is in document {known[row.seg_id]}, but "
                             f"the row's doc_id is {row.doc_id.strip()!r}", str(path),
                             row.line)
                     for row in decided.itertuples() if row.seg_id in known.index
                     and row.doc_id.strip() not in ("", known[row.seg_id])]
    problems += [Problem(f"unknown code {row.code_id!r}", str(path), row.line)
                 for row in decided.itertuples() if row.code_id not in codes]
    accepted = decided[decided["decision"] == "accept"]
    problems += [Problem(f"{row.code_id} is a category (codable: false), which is never "
                         "coded; accept one of its codes", str(path), row.line)
                 for row in accepted.itertuples()
                 if row.code_id in codes and not codes[row.code_id].codable]
    segment = segments.set_index("seg_id")
    problems += [Problem(f"{row.seg_id} is a {segment.at[row.seg_id, 'kind']}, which is "
                         "never coded", str(path), row.line)
                 for row in accepted.itertuples()
                 if row.seg_id in known.index and not segment.at[row.seg_id, "codable"]]
    if "text" in decided:
        # seg_ids follow the turns' positions: after a transcript is edited and ingested
        # again, the same seg_id may be another turn than the one the reviewer read
        problems += [Problem(f"the text in this row is not the text of {row.seg_id} now: "
                             "was its transcript changed and ingested again since the sheet "
                             "was written, or the cell edited? Export the sheet again, or "
                             "restore the cell", str(path), row.line)
                     for row in decided.itertuples() if row.seg_id in known.index
                     and not _shown_text(row.text, segment.at[row.seg_id, "text"])]
    notes = decided["note"].str.strip() if "note" in decided else pd.Series("", decided.index)
    twice = decided.assign(note=notes).groupby(["seg_id", "code_id"]).filter(
        lambda g: g["decision"].nunique() > 1 or g["note"].nunique() > 1)
    for (seg, code), group in twice.groupby(["seg_id", "code_id"], sort=False):
        how = ("both accepted and rejected" if group["decision"].nunique() > 1
               else "decided with different notes")
        problems.append(Problem(f"{code} is {how} on {seg} (lines "
                                f"{', '.join(map(str, group['line']))}); keep one",
                                str(path), group["line"].iloc[-1]))
    if problems:
        raise ReviewError(problems)
    hashes = documents.set_index("doc_id")["sha256"]
    return pd.DataFrame({
        "seg_id": decided["seg_id"], "code_id": decided["code_id"],
        "decision": decided["decision"],
        "source": [proposed.get(key) or (said if said in PROPOSALS else "reviewer")
                   for key, said in zip(zip(decided["seg_id"], decided["code_id"]),
                                        decided.get("source", pd.Series("", decided.index)
                                                    ).str.strip().str.lower())],
        "reviewer": reviewer, "note": decided["note"] if "note" in decided else None,
        "sha256": decided["seg_id"].map(known).map(hashes),
        "decided_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }).drop_duplicates(["seg_id", "code_id"], keep="last").reset_index(drop=True)


def _shown_text(cell: str, text: str) -> bool:
    """Whether a sheet's ``text`` cell shows a segment's ``text`` as an export wrote it,
    privacy-masked (:func:`~dialogcode.importers.tabular.same_text`) and, in a workbook,
    with the characters XML cannot hold made visible."""
    return same_text(cell, text) or same_text(cell, xml_text(text))


def merge_decisions(old: pd.DataFrame, new: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``old`` with ``new`` added. A new decision on the same (seg_id, code_id) with
    another decision or note replaces the old one; one that repeats it (a sheet showing
    earlier decisions, imported again) leaves the old one as it is, with its reviewer and
    time; a note of None (a sheet without a note column) keeps the note decided before.
    Returns the table, the rows of ``new`` that were added or changed, and counts of
    added, changed and unchanged rows."""
    def spans(table):
        return [tuple(_offset(v) for v in pair) for pair in
                zip(table["start"], table["end"])] if "start" in table else \
            [("", "")] * len(table)

    before = {(s, c): (d, n, span, h) for s, c, d, n, span, h in
              zip(old["seg_id"], old["code_id"], old["decision"], old["note"], spans(old),
                  old["sha256"])}
    # a sheet without a note column (None) keeps the notes written before
    new = new.assign(note=[before.get((s, c), ("", "", None, ""))[1] if n is None else n
                           for s, c, n in zip(new["seg_id"], new["code_id"], new["note"])])

    def same(key, decision, note, span, sha256):
        # a row without a span (a review sheet) leaves the span decided before alone;
        # one made on the document's text as it is now confirms a decision made on
        # other text (see in_force)
        d, n, old_span, old_sha256 = before[key]
        return ((d, n) == (decision, note) and (span == ("", "") or span == old_span)
                and sha256 in ("", old_sha256))

    status = [("added" if (s, c) not in before else
               "unchanged" if same((s, c), d, n, span, h) else "changed")
              for s, c, d, n, span, h in zip(new["seg_id"], new["code_id"], new["decision"],
                                             new["note"], spans(new),
                                             new["sha256"].fillna(""))]
    counts = {name: status.count(name) for name in ("added", "changed", "unchanged")}
    fresh = new.loc[[s != "unchanged" for s in status]]
    merged = pd.concat([old, fresh]).drop_duplicates(["seg_id", "code_id"], keep="last")
    return merged.reindex(columns=DECISION_COLUMNS).reset_index(drop=True), fresh, counts


def _offset(value) -> str:
    """A span offset as decisions.csv writes it: digits, or empty for none."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return str(int(float(text))) if text else ""


def write_sheet(path: Path, items: pd.DataFrame) -> Path:
    """The review sheet: .xlsx with an accept/reject drop-down, or .csv."""
    if path.suffix.lower() == ".xlsx":
        return write_workbook(path, {"review": items}, choices={"review": {"decision": CHOICES}})
    return write_csv(safe_for_spreadsheet(items), path)


def write_decisions(study: Study, decisions: pd.DataFrame) -> Path:
    return write_csv(decisions, study.root / DECISIONS)


def record_decisions(study: Study, new: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Add ``new`` decisions to the study (:func:`merge_decisions`): decisions.csv is
    replaced in one step and the added or changed rows are appended to
    decisions-history.csv, so that when two people decide the same code on the same
    segment, the later decision holds and both are kept. The caller holds the study's
    lock. Returns the merged decisions and the counts."""
    merged, fresh, counts = merge_decisions(load_decisions(study), new)
    if len(fresh):
        write_decisions(study, merged)
        path = study.root / HISTORY
        header = not path.is_file() or path.stat().st_size == 0
        text = fresh.reindex(columns=DECISION_COLUMNS).to_csv(index=False, header=header,
                                                              lineterminator="\n")
        with path.open("a", encoding="utf-8", newline="") as history:
            history.write(text)
            history.flush()
            os.fsync(history.fileno())
    return merged, counts


def doc_ids_of(seg_ids: pd.Series) -> pd.Series:
    """The doc_id each seg_id names (``doc_id:t3`` and the like), whether or not the
    study has that document."""
    return seg_ids.str.rsplit(":", n=1).str[0]


def _on_current_text(decisions: pd.DataFrame, documents: pd.DataFrame) -> pd.Series:
    """True for each decision made on its document's text as it is now (or recorded
    without the document's sha256), and for one naming no document of ``documents``,
    which :func:`check_decisions` reports as naming an unknown segment."""
    now = doc_ids_of(decisions["seg_id"]).map(documents.set_index("doc_id")["sha256"])
    return decisions["sha256"].eq("") | now.isna() | decisions["sha256"].eq(now)


def in_force(decisions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The decisions that count: those made on their document's text as it is now. seg_ids
    follow the turns' positions, so after a transcript is edited and ingested again a
    decision's seg_id may name another turn than the one decided; such a decision stays
    in decisions.csv, listed by `code`, until the segment is decided again."""
    return decisions[_on_current_text(decisions, documents)]


def orphaned(decisions: pd.DataFrame, rules: pd.DataFrame, documents: pd.DataFrame
             ) -> pd.DataFrame:
    """Decisions that no longer apply, with the reason: the rule coding they judge is no
    longer produced (after a codebook edit), or their document's text changed (see
    :func:`in_force`). Accepted suggestions stay final codings on their own. They all
    stay in decisions.csv."""
    present = set(zip(rules["seg_id"], rules["code_id"]))
    changed = ~_on_current_text(decisions, documents)
    gone = [(s, c) not in present and source not in PROPOSALS for s, c, source in
            zip(decisions["seg_id"], decisions["code_id"], decisions["source"])]
    reason = pd.Series("", index=decisions.index)
    reason[gone] = "coding no longer produced"
    reason[changed] = "document text changed"
    return decisions.assign(reason=reason)[reason != ""].reset_index(drop=True)


def check_decisions(study: Study, decisions: pd.DataFrame, segments: pd.DataFrame,
                    codes: set[str] | None) -> pd.DataFrame:
    """``decisions`` (of :func:`load_decisions`), once no row names an unknown segment
    or (with ``codes``, the codebook's ids) code; raises ReviewError naming the line of
    every such row."""
    path = str(study.root / DECISIONS)
    known = set(segments["seg_id"])
    problems = []
    for row in decisions.itertuples():
        if row.seg_id not in known:
            problems.append(Problem(f"unknown seg_id {row.seg_id!r}; the transcripts changed "
                                    "since this decision, or it was typed by hand: fix or "
                                    "delete the row", path, row.line))
        if codes is not None and row.code_id not in codes:
            problems.append(Problem(f"code {row.code_id!r} is not in the codebook; rename it "
                                    "to a code id of the codebook or delete the row", path,
                                    row.line))
    if problems:
        raise ReviewError(problems)
    return decisions


def final_codings(study: Study, segments: pd.DataFrame, documents: pd.DataFrame,
                  rules: pd.DataFrame | None = None, codes: set[str] | None = None
                  ) -> pd.DataFrame:
    """Rule and model codings minus rejected, plus accepted suggestions and model
    codings the model no longer makes (whole-segment codings,
    taken from decisions.csv itself so they survive a deleted ``out/``) and the codings
    of ``final_coders`` (whose code ids must be in ``codes``; CodingsError names each
    line coding a preamble or heading, which the tables leave out). Every quote that is not a
    rule's or the model's is the document's text at the coding's span (the segment's,
    without one), whatever a coder file's ``quote`` column says."""
    if rules is None:
        rules = read_table(study.out, "codings", hint="dialogcode code")
    decisions = check_decisions(study, in_force(load_decisions(study), documents), segments,
                                codes)
    rejected = set(zip(*decisions[decisions["decision"] == "reject"][["seg_id",
                                                                     "code_id"]].values.T))
    keep = pd.Series([(s, c) not in rejected for s, c in zip(rules["seg_id"],
                                                               rules["code_id"])],
                     index=rules.index, dtype=bool)
    parts = [rules[keep]]
    bounds = segments.set_index("seg_id")
    present = set(zip(parts[0]["seg_id"], parts[0]["code_id"]))
    accepted = decisions[(decisions["decision"] == "accept")
                         & decisions["source"].isin(PROPOSALS)
                         & decisions["seg_id"].isin(bounds.index)]
    accepted = accepted[[(s, c) not in present for s, c in
                         zip(accepted["seg_id"], accepted["code_id"])]]
    if len(accepted):
        parts.append(pd.DataFrame({
            "seg_id": accepted["seg_id"], "code_id": accepted["code_id"],
            "source": accepted["source"], "rule_id": accepted["source"],
            "start": pd.to_numeric(accepted["start"], errors="coerce"),
            "end": pd.to_numeric(accepted["end"], errors="coerce")}))
    quiet = []
    for coder in final_coders(study):
        human = read_coder(coder_path(study, coder), segments, coder, codes, documents)
        coded = human.dropna(subset=["code_id"])
        # the tables leave preambles and headings out of their totals
        quiet += [Problem(f"{seg} is a {bounds.at[seg, 'kind']}, which is never coded "
                          "(`code_preamble: true` in dialogcode.yaml codes preambles and "
                          "headings)", human.attrs["file"], int(line))
                  for line, seg in coded["seg_id"].items() if not bounds.at[seg, "codable"]]
        # quoted from the document, as import-codings writes it, never from the file
        parts.append(coded.assign(rule_id=f"human:{coder}", quote=None))
    if quiet:
        raise CodingsError(quiet)
    final = pd.concat([parts[0], *(p for p in parts[1:] if len(p))], ignore_index=True)
    final = final.reindex(columns=rules.columns)
    final["doc_id"] = final["seg_id"].map(bounds["doc_id"])
    final["start"] = final["start"].fillna(final["seg_id"].map(bounds["start"]))
    final["end"] = final["end"].fillna(final["seg_id"].map(bounds["end"]))
    final[["start", "end"]] = final[["start", "end"]].astype("int64")
    texts = documents.set_index("doc_id")["text"]
    missing = final["quote"].isna()
    final.loc[missing, "quote"] = [texts[d][a:b] for d, a, b in zip(
        final.loc[missing, "doc_id"], final.loc[missing, "start"], final.loc[missing, "end"])]
    return final.sort_values(["doc_id", "start", "code_id"], kind="stable", ignore_index=True)


def final_coders(study: Study) -> list[str]:
    """Coders whose files join the final codings: ``final_coders`` in dialogcode.yaml,
    or every coder in codings/ when it is not set."""
    return chosen_coders(study, study.config.final_coders, "final_coders")


def next_review_items(study: Study, corpus, book, codings: pd.DataFrame,
                      decisions: pd.DataFrame, labels: dict[str, str], n: int) -> pd.DataFrame:
    """Review rows (:func:`review_items`) for the ``n`` segments nobody coded or decided
    whose coding would help the learned models most (`review export --next`, the
    browser's queue). Needs `dialogcode learn`."""
    from .active import next_items
    from .analysis import check_current
    from .coders import coder_names
    from .learn import check_fits, load_models
    from .learned import model_folder, segment_unit

    folder = model_folder(study)
    models = load_models(folder)
    check_fits(models, book, corpus.documents, study.config.model, folder,
               unit=segment_unit(corpus.segments))
    check_current(study, codings, book, corpus)     # the rules' hits are model features
    known = set(decisions["seg_id"])
    for coder in coder_names(study):
        human = read_coder(coder_path(study, coder), corpus.segments, coder,
                           documents=corpus.documents)
        known |= set(corpus.segments.loc[corpus.segments["doc_id"].isin(
            set(human["doc_id"].dropna())), "seg_id"])
    chosen = next_items(models, corpus.segments, corpus.documents, codings, known, n,
                        cache_dir=study.out / "cache")
    quotes = codings.loc[codings["source"] == "rule", ["seg_id", "code_id", "quote"]]
    chosen = chosen.merge(quotes, on=["seg_id", "code_id"], how="left")  # a rule's matches
    return review_items(chosen.fillna({"quote": ""}), None, corpus.segments,
                        corpus.documents, labels, decisions)
