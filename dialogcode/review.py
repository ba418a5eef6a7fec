"""Review decisions: people accept or reject rule codings and suggestions, and the final
codings follow.

A decision is about a code on a segment, ``(seg_id, code_id)``, not about one matched
span, so it survives codebook edits that move or add matches. Decisions live in the
study's ``decisions.csv`` (:data:`DECISION_COLUMNS`), which only `dialogcode review
import` adds to, from a sheet a person filled in. Each decision keeps who made it and
when; text is kept as written (decisions.csv, like every CSV dialogcode writes,
neutralises what a spreadsheet would run as a formula, and reading it back undoes it).

Final codings = rule and model codings, minus rejected ones, plus every accepted code
no rule or model coding holds (a suggestion, a code a reviewer added, a model or rule
coding no longer made: an accept is a person's judgement of the passage, which `learn`
and `evaluate` learn from too), plus the human codings of the coders named in
``final_coders`` (dialogcode.yaml).
"""
from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .coded_text import changed_hashes
from .coders import CodingsError, chosen_coders, coder_path, not_in_codebook, read_coder
from .csvrows import read_csv_file
from .errors import DialogcodeError, DialogcodeWarning, Problem, read_all, warn
from .segment import other_unit
from .store import read_table, unneutralize
from .study import Study

DECISIONS = "decisions.csv"
DECISION_COLUMNS = ["seg_id", "code_id", "decision", "source", "reviewer", "note", "sha256",
                    "decided_at", "start", "end", "segment"]
REQUIRED = ["seg_id", "code_id", "decision"]
CHOICES = ("accept", "reject")
PROPOSALS = ("suggestion", "model", "reviewer")   # codes a sheet's row or the browser proposes
SOURCES = ("rule", *PROPOSALS)
_BOUNDS = re.compile(r"\d+-\d+")
KEPT = "the rules no longer make it: kept, as the reviewer accepted it"
MOVED = "segments changed: the seg_id names other words now"


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
    table = pd.DataFrame([values[:len(header)] for _, values in rows],
                         columns=own_line(header), dtype=str)
    return table.assign(line=[number for number, _ in rows])


def own_line(header: list[str]) -> list[str]:
    """``header`` with a person's own column headed ``line``, where a table read for
    messages numbers its rows, named with its place (``line (column 3)``): read as a
    column not known, not overwritten unsaid."""
    return [f"{c} (column {i + 1})" if c == "line" else c for i, c in enumerate(header)]


def load_decisions(study: Study) -> pd.DataFrame:
    """The study's decisions (empty when there are none yet), with a ``line`` column;
    cells as they were before :func:`~dialogcode.decision_log.write_decisions`
    neutralised them, and an accepted row without a source (written by hand) a code a
    reviewer added (source ``reviewer``), as a sheet's row without one is. Raises
    ReviewError naming the line of every row that is not a decision (see
    :func:`csv_table`; an empty seg_id or code_id, a decision other than accept or
    reject, an accept whose source is not in :data:`SOURCES`, a ``segment`` that is not
    ``start-end``) and any column missing or not known."""
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
    table[DECISION_COLUMNS] = table[DECISION_COLUMNS].map(unneutralize)
    problems = []
    for row in table.itertuples():
        empty = [c for c in ("seg_id", "code_id") if not getattr(row, c).strip()]
        if empty:
            problems.append(Problem(f"empty {' and '.join(empty)}", str(path), row.line))
        if row.decision not in CHOICES:
            problems.append(Problem(f"decision must be accept or reject, not "
                                    f"{row.decision!r}", str(path), row.line))
        if row.decision == "accept" and row.source.strip() not in ("", *SOURCES):
            # read as none of them, the accepted code would be left out of the codings
            problems.append(Problem(f"source must be {', '.join(SOURCES)} or empty (a code "
                                    f"a reviewer added), not {row.source!r}", str(path),
                                    row.line))
        span = (row.start.strip(), row.end.strip())
        if span != ("", "") and not (all(v.isdigit() for v in span)
                                     and int(span[0]) < int(span[1])):
            problems.append(Problem(f"start {span[0]!r} and end {span[1]!r} must both be "
                                    "empty (the whole segment) or offsets with start < end",
                                    str(path), row.line))
        if row.segment.strip() and not _BOUNDS.fullmatch(row.segment.strip()):
            problems.append(Problem(f"segment {row.segment!r} must be empty or the decided "
                                    "segment's start-end (`126-161`)", str(path), row.line))
    # one row per code on a segment, as review import and the browser write it: two
    # (files pasted together, a hand edit) would be read one way here, another there
    twice = table[table.duplicated(["seg_id", "code_id"], keep=False)]
    for (seg, code), group in twice.groupby(["seg_id", "code_id"], sort=False):
        problems.append(Problem(f"{code} is decided twice on {seg} (lines "
                                f"{', '.join(map(str, group['line']))}); keep one row",
                                str(path), group["line"].iloc[-1]))
    if problems:
        raise ReviewError(problems)
    added = (table["decision"] == "accept") & (table["source"].str.strip() == "")
    return table.assign(source=table["source"].mask(added, "reviewer"))


def doc_ids_of(seg_ids: pd.Series) -> pd.Series:
    """The doc_id each seg_id names (``doc_id:t3`` and the like), whether or not the
    study has that document."""
    return seg_ids.str.rsplit(":", n=1).str[0]


def segment_places(seg_ids: pd.Series, segments: pd.DataFrame) -> pd.Series:
    """What a decision records in its ``segment`` column for each of ``seg_ids``: the
    segment's ``start-end`` in its document now (``126-161``), or empty for a seg_id
    ``segments`` does not have."""
    at = pd.Index(segments["seg_id"]).get_indexer(seg_ids)
    starts, ends = (segments[c].to_numpy()[np.maximum(at, 0)] for c in ("start", "end"))
    return pd.Series([f"{int(a)}-{int(b)}" if i >= 0 else ""
                      for i, a, b in zip(at, starts, ends)], index=seg_ids.index, dtype=object)


def _on_current_text(decisions: pd.DataFrame, documents: pd.DataFrame,
                     segments: pd.DataFrame) -> pd.Series:
    """True for each decision made on its document's text as it is now (or recorded
    without the document's sha256) and on its seg_id's segment as ``segments`` cut it now
    (or recorded without it, as before dialogcode recorded it: a DialogcodeWarning counts
    those), and for one naming no document of ``documents``, which
    :func:`check_decisions` reports as naming an unknown segment."""
    return ~(changed_hashes(decisions["sha256"], doc_ids_of(decisions["seg_id"]), documents)
             | _moved(decisions, segments))


def _moved(decisions: pd.DataFrame, segments: pd.DataFrame) -> pd.Series:
    """True for each decision whose seg_id names another segment than the one decided
    (its recorded ``segment`` bounds), or none now while its document is cut into
    segments of the same unit: its document was cut otherwise since (a newer dialogcode,
    another setting). A seg_id naming a segment of another unit is not moved here:
    :func:`check_decisions` reports it."""
    recorded = decisions["segment"].fillna("").str.strip()
    if len(decisions) and (recorded == "").any():
        warn(DialogcodeWarning(
            f"{DECISIONS}: {int((recorded == '').sum())} decision(s) carry no `segment` "
            "(written by hand, or before dialogcode recorded it), so it cannot tell whether "
            "their seg_id still names the segment decided: a seg_id follows the segments' "
            "positions, which a newer dialogcode or another setting may cut otherwise in an "
            "unchanged transcript. Decisions made since record it. To have these checked, "
            "if the turns are cut as when they were decided (no newer dialogcode, no change "
            "of `speakers:` since), write each one's segment start-end from "
            "out/segments.csv (`126-161`); else decide them again"))
    checked = recorded != ""
    if not checked.any():
        return checked
    now = segment_places(decisions.loc[checked, "seg_id"], segments)
    moved = checked & (recorded != now.reindex(decisions.index, fill_value=""))
    gone = moved & now.reindex(decisions.index, fill_value="x").eq("")
    if gone.any():
        docs = set(segments["doc_id"])
        seg_ids = decisions.loc[gone, "seg_id"]
        other = other_unit(seg_ids, segments)
        moved[gone] = [s not in other and d in docs
                       for s, d in zip(seg_ids, doc_ids_of(seg_ids))]
    return moved


def in_force(decisions: pd.DataFrame, documents: pd.DataFrame, segments: pd.DataFrame
             ) -> pd.DataFrame:
    """The decisions that count: those made on their document's text as it is now, on
    the segment their seg_id names in ``segments`` now. seg_ids follow the segments'
    positions, so after a transcript is edited and ingested again, or cut into segments
    otherwise (a newer dialogcode, another setting), a decision's seg_id may name another
    turn than the one decided; such a decision stays in decisions.csv, listed by `code`,
    until the segment is decided again."""
    return decisions[_on_current_text(decisions, documents, segments)]


def without_rejected(codings: pd.DataFrame, study: Study, documents: pd.DataFrame,
                     segments: pd.DataFrame) -> pd.DataFrame:
    """``codings`` less the (seg_id, code_id) pairs rejected by the decisions in force."""
    decisions = in_force(load_decisions(study), documents, segments)
    rejected = decisions.loc[decisions["decision"] == "reject", ["seg_id", "code_id"]]
    if rejected.empty:
        return codings
    pairs = pd.MultiIndex.from_frame(codings[["seg_id", "code_id"]])
    return codings[~pairs.isin(pd.MultiIndex.from_frame(rejected))]


def held_source(sources: pd.Series) -> pd.Series:
    """The source each accepted code of ``sources`` (decisions' ``source``) shows in the
    final codings, sheets and browser once no rule or model coding holds it:
    ``suggestion`` for an accepted suggestion, else ``reviewer``: a code a reviewer added,
    a rule or model coding the rules or the model no longer make, and a ``--next``
    sheet's ``listed`` code (recorded as ``reviewer``; as ``model`` from a sheet that
    said ``model`` for it), which the model never made (nothing makes it; the reviewer's
    accept holds it). While a rule or the model makes it, it is their coding, with their
    source."""
    return sources.where(sources == "suggestion", "reviewer")


def orphaned(decisions: pd.DataFrame, rules: pd.DataFrame, documents: pd.DataFrame,
             segments: pd.DataFrame, codes: set[str] | None = None) -> pd.DataFrame:
    """Decisions whose coding changed, with the reason: the rule or model coding a
    ``reject`` judges is no longer produced (after a codebook edit); a reject written by
    hand without a source judges a code no rule or model proposes there (nothing to
    reject); an accepted rule coding the rules no longer make (:data:`KEPT`: it stays a
    final coding, see :func:`final_codings`; an accepted model coding is not listed, as
    the model's codings change at each `learn`, and a ``--next`` sheet that said
    ``model`` for a ``listed`` code had it recorded so), unless it is on a preamble or
    heading (by ``segments``' kind and codable), which the tables refuse; the code is not
    in ``codes`` (the codebook's ids, when given; the tables, `learn` and `evaluate`
    refuse the row); the seg_id names a segment of another unit than ``segments`` are
    cut into now (:func:`other_unit`; the tables refuse the row); their document's text
    changed, or the segments it is cut into (:data:`MOVED`; see :func:`in_force`). They
    all stay in decisions.csv."""
    present = set(zip(rules["seg_id"], rules["code_id"]))
    changed = changed_hashes(decisions["sha256"], doc_ids_of(decisions["seg_id"]), documents)
    moved = _moved(decisions, segments) & ~changed
    gone = pd.Series([(s, c) not in present for s, c in
                      zip(decisions["seg_id"], decisions["code_id"])], index=decisions.index,
                     dtype=bool)
    source = decisions["source"].fillna("").str.strip()
    rejected = decisions["decision"] == "reject"
    reason = pd.Series("", index=decisions.index)
    reason[gone & rejected & ~source.isin(PROPOSALS)] = "coding no longer produced"
    reason[gone & rejected & (source == "")] = ("nothing to reject: no rule or model "
                                                "proposes this code here")
    reason[gone & ~rejected & (source == "rule")] = KEPT
    kinds = segments.loc[~segments["codable"]].set_index("seg_id")["kind"]
    quiet = gone & ~rejected & decisions["seg_id"].isin(kinds.index)
    reason[quiet] = [f"a {kinds[s]}, which is never coded: reject the code or delete the row"
                     for s in decisions.loc[quiet, "seg_id"]]
    if codes is not None:
        reason[~decisions["code_id"].isin(codes)] = "code not in the codebook"
    # decided on turns, the study ingested by sentences since
    why = other_unit(decisions.loc[~decisions["seg_id"].isin(segments["seg_id"]), "seg_id"],
                     segments)
    unit = decisions["seg_id"].isin(why.keys())
    reason[unit] = [f"unknown seg_id{why[s]}" for s in decisions.loc[unit, "seg_id"]]
    reason[changed] = "document text changed"
    reason[moved] = MOVED
    return decisions.assign(reason=reason)[reason != ""].reset_index(drop=True)


def shown_seg_ids(study: Study, segments: pd.DataFrame, seg_ids) -> dict[str, str]:
    """How a message shows each of ``seg_ids``, cells of a sheet a person filled in that
    name no segment (and may hold a quote put in the wrong column), after the words
    "unknown seg_id": as `import-codings` shows its seg_id cells
    (:meth:`~dialogcode.importers.base.Documents.unknown`: as written when it has the
    form of a seg_id, else masked and cut short as transcript text, nothing without the
    study's privacy scan). Reads the corpus and the scan only when there are some."""
    seg_ids = set(seg_ids)
    if not seg_ids:
        return {}
    from .importers.base import Documents
    from .ingest import load_corpus
    from .privacy.gate import saved_masker

    docs = Documents(load_corpus(study), saved_masker(study, segments))
    return {seg_id: docs.unknown(seg_id, seg_id=True) for seg_id in seg_ids}


def check_decisions(study: Study, decisions: pd.DataFrame, segments: pd.DataFrame,
                    codes: set[str] | None) -> pd.DataFrame:
    """``decisions`` (of :func:`load_decisions`), once no row names an unknown segment
    or (with ``codes``, the codebook's ids) code; raises ReviewError naming the line of
    every such row."""
    path = str(study.root / DECISIONS)
    known = set(segments["seg_id"])
    # decided on turns, read once the study is ingested by sentences (or the other way
    # round): the transcripts did not change, the unit did
    unknown = decisions.loc[~decisions["seg_id"].isin(known), "seg_id"]
    why = other_unit(unknown, segments)
    shown = shown_seg_ids(study, segments, unknown)
    problems = []
    for row in decisions.itertuples():
        if row.seg_id not in known:
            problems.append(Problem(f"unknown seg_id{shown[row.seg_id]}" + (
                why.get(row.seg_id) or "; the transcripts changed since this decision, or "
                "it was typed by hand: fix or delete the row"), path, row.line))
        if codes is not None and row.code_id not in codes:
            problems.append(Problem(not_in_codebook(row.code_id), path, row.line))
    if problems:
        raise ReviewError(problems)
    return decisions


def final_codings(study: Study, segments: pd.DataFrame, documents: pd.DataFrame,
                  rules: pd.DataFrame | None = None, codes: set[str] | None = None
                  ) -> pd.DataFrame:
    """Rule and model codings minus rejected, plus every accepted code no rule or model
    coding holds, with its :func:`held_source` (whole-segment codings, or the words a
    reviewer coded, taken from decisions.csv itself so they survive a deleted ``out/``;
    not one made on its document's earlier text, :func:`in_force`) and the codings
    of ``final_coders`` (whose code ids must be in ``codes``; CodingsError names each
    line coding a preamble or heading, which the tables leave out). Every quote that is not a
    rule's or the model's is the document's text at the coding's span (the segment's,
    without one), whatever a coder file's ``quote`` column says. An accepted code held by
    no rule or model coding on a preamble or heading is refused likewise, naming its line
    of decisions.csv."""
    if rules is None:
        rules = read_table(study.out, "codings", hint="dialogcode code")
    coders = final_coders(study)
    decisions, *humans = read_all([
        partial(check_decisions, study, in_force(load_decisions(study), documents, segments),
                segments, codes),
        *(partial(read_coder, coder_path(study, coder), segments, coder, codes, documents,
                  study) for coder in coders)])
    rejected = set(zip(*decisions[decisions["decision"] == "reject"][["seg_id",
                                                                     "code_id"]].values.T))
    keep = pd.Series([(s, c) not in rejected for s, c in zip(rules["seg_id"],
                                                               rules["code_id"])],
                     index=rules.index, dtype=bool)
    parts = [rules[keep]]
    bounds = segments.set_index("seg_id")
    present = set(zip(parts[0]["seg_id"], parts[0]["code_id"]))
    accepted = decisions[(decisions["decision"] == "accept")
                         & decisions["seg_id"].isin(bounds.index)]
    accepted = accepted[[(s, c) not in present for s, c in
                         zip(accepted["seg_id"], accepted["code_id"])]]
    if len(accepted):
        parts.append(pd.DataFrame({
            "seg_id": accepted["seg_id"], "code_id": accepted["code_id"],
            "source": held_source(accepted["source"]),
            "rule_id": held_source(accepted["source"]),
            "start": pd.to_numeric(accepted["start"], errors="coerce"),
            "end": pd.to_numeric(accepted["end"], errors="coerce")}))
    def never_coded(seg: str) -> str:
        return (f"{seg} is a {bounds.at[seg, 'kind']}, which is never coded (`code_preamble: "
                "true` in dialogcode.yaml codes preambles and headings)")

    # the tables leave preambles and headings out of their totals (an accept made while
    # code_preamble was true: a rule coded them then)
    quiet = [Problem(f"{never_coded(row.seg_id)}; reject the code or delete the row",
                     str(study.root / DECISIONS), int(row.line))
             for row in accepted.itertuples() if not bounds.at[row.seg_id, "codable"]]
    for coder, human in zip(coders, humans):
        coded = human.dropna(subset=["code_id"])
        quiet += [Problem(never_coded(seg), human.attrs["file"], int(line))
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
