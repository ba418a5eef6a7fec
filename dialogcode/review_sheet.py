"""The review sheet: the rows a person decides on (rule and model codings and
suggestions, or with ``--next`` the segments whose coding would help the models most),
written as .xlsx or .csv, and read back into decisions (:mod:`dialogcode.review` keeps
those and makes the final codings from them)."""
from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from .codebook import Code
from .coders import check_name
from .errors import Problem
from .formats.tables import xlsx_rows
from .importers.tabular import code_numbers
from .limits import DEFAULT, Limits
from .review import (CHOICES, PROPOSALS, REQUIRED, ReviewError, csv_table, held_source,
                     own_line, segment_places, shown_seg_ids)
from .safexml import xml_text
from .segment import other_unit
from .sheet_stamps import STAMP, added_blind, copied_texts, shown_text, stale_rows
from .store import read_table, safe_for_spreadsheet, unneutralize, write_csv
from .study import Study
from .workbook import write_workbook

SHEET_COLUMNS = ["seg_id", "code_id", "label", "source", "matched", "score", "speaker",
                 "site", "doc_id", "text", "decision", "note"]


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


def with_added(items: pd.DataFrame, decisions: pd.DataFrame, segments: pd.DataFrame,
               documents: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """``items`` (:func:`review_items`) followed by a row for each accepted decision (of
    ``decisions``, those in force) on a code nobody proposed on its segment: a code a
    reviewer added, a ``--next`` sheet's ``listed`` code, or a rule or model coding the
    rules or the model no longer make. Each is a final coding with its
    :func:`~dialogcode.review.held_source`, which a sheet then shows and can reject
    again. One on a code ``labels`` (the codebook's codes) does not hold, or on a preamble
    or heading, is left out: its import would refuse the row as shown, and the tables name
    its line of decisions.csv for a person to fix."""
    accepted = decisions[decisions["decision"] == "accept"].drop_duplicates(
        ["seg_id", "code_id"], keep="last")
    listed = set(zip(items["seg_id"], items["code_id"]))
    known = set(segments.loc[segments["codable"], "seg_id"])
    added = accepted[[(s, c) not in listed and s in known and c in labels for s, c in
                      zip(accepted["seg_id"], accepted["code_id"])]]
    if added.empty:
        return items
    rows = review_items(added.assign(quote="", score=float("nan"),
                                     source=held_source(added["source"]))[
        ["seg_id", "code_id", "source", "quote", "score"]], None, segments, documents,
        labels, decisions)
    return pd.concat([items, rows.assign(matched="")], ignore_index=True)


def cleared(sheet: pd.DataFrame, path: Path, decisions: pd.DataFrame, reviewer: str
            ) -> list[Problem]:
    """The rows of ``sheet`` without a decision whose code and segment have one made by
    ``reviewer`` in ``decisions`` (those in force), which an import leaves standing: a
    cell cleared in the sheet takes no decision back. Another reviewer's decisions are
    left out: a sheet split between reviewers leaves the others' rows empty."""
    decisions = decisions[decisions["reviewer"].fillna("").str.strip() == reviewer]
    standing = decisions.drop_duplicates(["seg_id", "code_id"], keep="last").set_index(
        ["seg_id", "code_id"])["decision"]
    empty = sheet[sheet["decision"].str.strip() == ""]
    return [Problem(f"{row.code_id} on {row.seg_id} stays "
                    f"{standing[(row.seg_id, row.code_id)]}", str(path), row.line)
            for row in empty.itertuples() if (row.seg_id, row.code_id) in standing.index]


def added_undecided(sheet: pd.DataFrame, path: Path) -> list[Problem]:
    """The rows of ``sheet`` a person added (no ``source``, which `review export` writes
    on every row) with a code but no decision: they decide nothing."""
    if "source" not in sheet:
        return []
    added = sheet[(sheet["decision"].str.strip() == "") & (sheet["source"].str.strip() == "")
                  & (sheet["code_id"].str.strip() != "")]
    return [Problem(f"{row.code_id} on {row.seg_id}", str(path), row.line)
            for row in added.itertuples()]


def left_for_good(sheet: pd.DataFrame, path: Path, decisions: pd.DataFrame,
                  proposed: dict[tuple[str, str], str]) -> list[Problem]:
    """A problem per segment with a decision in ``decisions`` whose exported rows in
    ``sheet`` (with a ``source``) leave a code without a decision that is neither decided
    there nor ``proposed`` (:func:`proposals`): a ``--next`` sheet's ``listed`` codes. No
    later sheet or page lists them (``--next`` passes over decided segments), so the
    models would never learn whether they apply there."""
    if "source" not in sheet:
        return []
    decided = set(zip(decisions["seg_id"], decisions["code_id"]))
    segments = set(decisions["seg_id"])
    empty = sheet[(sheet["decision"].str.strip() == "") & (sheet["source"].str.strip() != "")]
    left = empty.loc[[s in segments and (s, c) not in decided and (s, c) not in proposed
                      for s, c in zip(empty["seg_id"], empty["code_id"])]]
    return [Problem(f"{seg_id}: {', '.join(group['code_id'])}", str(path),
                    int(group["line"].iloc[0]))
            for seg_id, group in left.groupby("seg_id", sort=False)]


def unread_columns(sheet: pd.DataFrame, path: Path) -> list[Problem]:
    """A problem for each column of ``sheet`` (:func:`read_sheet`) that is not one of
    :data:`SHEET_COLUMNS` and holds something, at the first line holding it: an import
    keeps nothing of it, so a reviewer's "comments" column would be lost unsaid."""
    problems = []
    for i, name in enumerate(sheet.columns):
        if name in (*SHEET_COLUMNS, STAMP, "line"):
            continue
        filled = sheet.iloc[:, i].str.strip() != ""
        if filled.any():
            named = (f"column {name!r}" if name else
                     f"a column without a heading (column {i + 1})")
            problems.append(Problem(
                f"{named} is not read: its {int(filled.sum())} filled cell(s) are not kept; "
                "write what belongs with a decision in the `note` column and import the "
                "sheet again", str(path), int(sheet["line"][filled].iloc[0])))
    return problems


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
        table = pd.DataFrame(rows[1:], columns=_headings(header, path), dtype=object)
        table = table.fillna("").astype(str).assign(line=range(2, len(table) + 2))
    else:
        table = csv_table(path)
        table.columns = [*_headings(list(table.columns.drop("line")), path), "line"]
        table[table.columns.drop("line")] = table.drop(columns="line").map(unneutralize)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ReviewError(f"missing column(s) {', '.join(missing)}", file=path, line=1)
    return table


def _headings(header: list[str], path: Path) -> list[str]:
    """A sheet's column headings, each of :data:`SHEET_COLUMNS` and :data:`STAMP` as
    written by an export however a person retyped its case (`Note`, `STAMP`: read as
    another column, a note was dropped and a stamp not checked), and a person's own
    column headed ``line`` named with its place
    (:func:`~dialogcode.review.own_line`), which :func:`unread_columns` then names;
    raises ReviewError when two headings name one column."""
    known = {c.casefold(): c for c in (*SHEET_COLUMNS, STAMP)}
    header = [known.get(c.casefold(), c) for c in own_line(header)]
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise ReviewError(f"column(s) {', '.join(map(repr, twice))} appear twice; keep "
                          "one of each", file=path, line=1)
    return header


def unimported(sheet: pd.DataFrame, decisions: pd.DataFrame) -> int:
    """How many decided rows of ``sheet`` are not in ``decisions`` as they stand (with
    their note, when the sheet has a note column: one written after the import), and
    undecided rows with a note (which `review import` asks to decide)."""
    decided = sheet[sheet["decision"].str.strip() != ""]
    known = dict(zip(zip(decisions["seg_id"], decisions["code_id"], decisions["decision"]),
                     decisions["note"].fillna("").astype(str).str.strip()))
    noted = (sheet["decision"].str.strip() == "") & \
        sheet.get("note", pd.Series("", sheet.index)).str.strip().ne("")
    keys = zip(decided["seg_id"], decided["code_id"], decided["decision"].str.strip().str.lower())
    notes = decided["note"].str.strip() if "note" in decided else [None] * len(decided)
    return int(noted.sum()) + sum(key not in known or note not in (None, known[key],
                                                                   xml_text(known[key]))
                                  for key, note in zip(keys, notes))


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


def decision_source(proposed: str | None, shown: str) -> str:
    """The source a decision records: that of the rule or model coding or suggestion
    proposing its code on its segment (``proposed``), else the ``model`` or
    ``suggestion`` a sheet's row or the browser's queue shows for it (``shown``: one no
    longer proposed), else ``reviewer``: a code a reviewer added (or a row whose code a
    person changed), and a code a ``--next`` sheet lists only to be judged (``listed``),
    which nobody proposes there. One rule for `review import` and the browser."""
    return proposed or (shown if shown in PROPOSALS else "reviewer")


def sheet_decisions(study: Study, sheet: pd.DataFrame, path: Path, segments: pd.DataFrame,
                    documents: pd.DataFrame, reviewer: str, codes: Mapping[str, Code],
                    proposed: dict[tuple[str, str], str], stamp_key: bytes | None
                    ) -> pd.DataFrame:
    """The decided rows of a filled sheet of ``study`` as decisions by ``reviewer``,
    made now.

    Every bad row is reported: a decision other than accept or reject, a note without
    a decision, an unknown segment (saying so when its document is cut into another
    unit now, :func:`~dialogcode.segment.other_unit`; a cell of words, such as a quote,
    shown as :func:`~dialogcode.review.shown_seg_ids` shows it) or code, a doc_id not the
    segment's, a category (``codable: false``) or a preamble or heading accepted, a code
    on a segment decided
    both ways or with two notes, a ``text`` cell that does not show its segment's text
    (as an export shows it: masked, in a workbook cell; whatever privacy findings were
    decided since), a row :func:`~dialogcode.sheet_stamps.stale_rows` finds (by ``stamp_key``). ``codes`` are the codebook's,
    by id. Each decision's source is :func:`decision_source` of the code proposed on
    the segment in ``proposed`` (:func:`proposals`) and the sheet's ``source``: a row whose code a
    person changed, or a sheet without its source column, cannot pass an added code off
    as a rule coding (which would then never count), and a ``--next`` sheet's ``listed``
    code is recorded as the reviewer's, not the model's."""
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
    # a sheet exported before the study was ingested with another unit
    unknown = decided.loc[~decided["seg_id"].isin(known.index), "seg_id"]
    why = other_unit(unknown, segments)
    shown = shown_seg_ids(study, segments, unknown)
    problems += [Problem(f"unknown seg_id{shown[row.seg_id]}{why.get(row.seg_id, '')}",
                         str(path), row.line)
                 for row in decided.itertuples() if row.seg_id not in known.index]
    if "doc_id" in decided:
        problems += [Problem(f"seg_id {row.seg_id} is in document {known[row.seg_id]}, but "
                             f"the row's doc_id is {row.doc_id.strip()!r}", str(path),
                             row.line)
                     for row in decided.itertuples() if row.seg_id in known.index
                     and row.doc_id.strip() not in ("", known[row.seg_id])]
    problems += [Problem(f"unknown code {row.code_id!r}{_likely(row.code_id, codes)}",
                         str(path), row.line)
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
    # a row copied from another segment's shows that segment's text and speaker too:
    # its stamp's problem says what happened
    stamped, copies = stale_rows(sheet, path, segments, documents, stamp_key)
    copied = sheet["line"].isin(copies)
    # seg_ids follow the turns' positions: after a transcript is edited and ingested
    # again, the same seg_id may be another turn than the one the reviewer read; and the
    # same words may be another speaker's turn now ("Yes." said twice): a cut into turns
    # otherwise since (a newer dialogcode, `speakers:`) moves the seg_ids under an
    # unchanged text, and the text cell alone may not show it
    texts, speakers = (sheet.get(c, pd.Series("", sheet.index)) for c in ("text", "speaker"))
    other_text = pd.Series([s in known.index and not shown_text(t, segment.at[s, "text"])
                            for s, t in zip(sheet["seg_id"], texts)], index=sheet.index)
    other_speaker = pd.Series([s in known.index and not shown_text(t, _speaker(segment, s))
                               for s, t in zip(sheet["seg_id"], speakers)], index=sheet.index)
    # without a stamp, a row copied from another's shows that row's text
    problems_copied, more = copied_texts(sheet, path, other_text & ~copied, segments)
    copied |= sheet["line"].isin(more)
    problems += problems_copied
    read = (sheet["decision"] != "") & ~copied
    problems += [Problem(f"the text in this row is not the text of {row.seg_id} now: "
                         "was its transcript changed and ingested again since the sheet "
                         "was written, or the cell edited? Export the sheet again, or "
                         "restore the cell", str(path), row.line)
                 for row in sheet[read & other_text].itertuples()]
    problems += [Problem(f"the speaker in this row is not the speaker of {row.seg_id} "
                         "now: were its transcript's turns cut otherwise (a newer "
                         "dialogcode, `speakers:`) or its text changed since the sheet "
                         "was written, or the cell edited? Export the sheet again, or "
                         "restore the cell", str(path), row.line)
                 for row in sheet[read & other_speaker].itertuples()]
    problems += stamped + added_blind(sheet, path, segments, documents, stamp_key,
                                      other_text | other_speaker, copied)
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
        "source": [decision_source(proposed.get(key), said)
                   for key, said in zip(zip(decided["seg_id"], decided["code_id"]),
                                        decided.get("source", pd.Series("", decided.index)
                                                    ).str.strip().str.lower())],
        "reviewer": reviewer, "note": decided["note"] if "note" in decided else None,
        "sha256": decided["seg_id"].map(known).map(hashes),
        "decided_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "segment": segment_places(decided["seg_id"], segments),
    }).drop_duplicates(["seg_id", "code_id"], keep="last").reset_index(drop=True)


def _likely(code_id: str, codes: Mapping[str, Code]) -> str:
    """``; did you mean '...'?`` naming the code id ``code_id`` was most likely meant to
    be (another case, a typo), or nothing."""
    ids = {c.casefold(): c for c in codes}
    close = difflib.get_close_matches(code_id.strip().casefold(), list(ids), n=1,
                                      cutoff=0.8)
    return f"; did you mean {ids[close[0]]!r}?" if close else ""


def _speaker(segments: pd.DataFrame, seg_id: str) -> str:
    speaker = segments.at[seg_id, "speaker"]
    return speaker if isinstance(speaker, str) else ""


def write_sheet(path: Path, items: pd.DataFrame) -> Path:
    """The review sheet: .xlsx with an accept/reject drop-down, or .csv."""
    if path.suffix.lower() == ".xlsx":
        return write_workbook(path, {"review": items}, choices={"review": {"decision": CHOICES}})
    return write_csv(safe_for_spreadsheet(items), path)


def next_review_items(study: Study, corpus, book, codings: pd.DataFrame,
                      decisions: pd.DataFrame, labels: dict[str, str], n: int
                      ) -> tuple[pd.DataFrame, str | None]:
    """(review rows (:func:`review_items`) for the ``n`` segments nobody coded or decided
    that the learned models are least sure of, why they are fewer than ``n`` segments or
    None) for `review export --next` and the browser's queue. Needs `dialogcode learn`;
    raises ReviewError when there is nothing to propose."""
    from .active import coded_or_decided, next_items, open_segments
    from .analysis import check_current
    from .model_file import check_fits, load_models
    from .learned import model_folder, segment_unit
    from .tables import substantive

    folder = model_folder(study)
    models = load_models(folder)
    check_fits(models, book, corpus.documents, study.config.model, folder,
               unit=segment_unit(corpus.segments))
    check_current(study, codings, book, corpus)     # the rules' hits are model features
    known, covered = coded_or_decided(study, corpus.segments, corpus.documents, book,
                                      decisions)
    chosen = next_items(models, corpus.segments, corpus.documents, codings, known, n,
                        covered=covered, cache_dir=study.out / "cache")
    substantive_ids = corpus.segments.loc[substantive(corpus.segments), "seg_id"]
    open_rows = open_segments(models, substantive_ids, codings[codings["source"] == "rule"],
                              known, covered)
    left = int(open_rows.sum())
    partly = int(substantive_ids[open_rows].isin(covered).sum())
    if chosen.empty and not left:
        raise ReviewError("every segment has been coded or decided (but backchannels, "
                          "preambles and headings): --next has nothing left to pick; "
                          "`dialogcode review export` without --next lists the codings "
                          "to review")
    untrained = (f"no code has a model (each needs learn: min_positives, now "
                 f"{study.config.learn.min_positives}, positive examples; `dialogcode "
                 "learn` lists each code's)")
    if chosen.empty:
        # an empty sheet ("Wrote 0 rows") left a person waiting on a queue that never fills
        raise ReviewError(
            f"nothing to propose on the segments nobody has coded yet: {untrained} and no "
            "rule matches them. Code whole documents first (a coder file in codings/, or "
            "`dialogcode review serve` by document), then run `dialogcode learn` again")
    quotes = codings.loc[codings["source"] == "rule", ["seg_id", "code_id", "quote"]]
    chosen = chosen.merge(quotes, on=["seg_id", "code_id"], how="left")  # a rule's matches
    items = review_items(chosen.fillna({"quote": ""}), None, corpus.segments,
                         corpus.documents, labels, decisions)
    found = items["seg_id"].nunique()
    # a segment is left out of a round only when no code has a model to list there and no
    # rule codes it; else the round is short of segments nobody coded or decided
    why = (None if found >= n else
           f"{untrained}, so only the {found} segment(s) a rule codes are proposed, of "
           f"{left} nobody has coded or decided" if found < min(n, left) else
           f"only {left} segment(s) nobody has coded or decided are left (backchannels, "
           "preambles and headings aside)")
    if why and partly:
        why += f"; {partly} of them coded for some codes only (coders: in dialogcode.yaml)"
    return items, why
