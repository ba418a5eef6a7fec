"""The codings `dialogcode agree` compares, by name: ``rules`` (the rule codings) or a
coder's file (a coder in ``codings/``, or the path of one); and the warnings for coder
files named there or to learn from whose figures would mislead: one passed twice, rows
that show no text they were coded on.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .coders import (CODER_COLUMNS, IMPORT_HINT, RULES, coder_names, coder_path, coder_table,
                     per_segment, read_coder)
from .errors import ArgumentError, printable
from .run_on import run_on_spans
from .store import read_table
from .study import Study


def covering_all(rules: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Rule codings plus a row with no segment and no code (a document marker) for every
    document they did not code: the rules read every document, so where they found
    nothing that is "read, nothing applied", not missing (see
    :mod:`dialogcode.agreement.coverage`)."""
    uncoded = sorted(set(segments["doc_id"]) - set(rules["doc_id"]))
    markers = pd.DataFrame({"seg_id": None, "doc_id": uncoded, "code_id": None})
    return pd.concat([rules, markers], ignore_index=True) if len(markers) else rules


def coder_file(study: Study, name: str) -> Path | None:
    """The coder file a codings name stands for (None for ``rules``): a coder in
    ``codings/`` or the path of a coder file. Raises ArgumentError for a name that is
    none of these."""
    if name == RULES:
        return None
    path = Path(name) if name.endswith(".csv") else coder_path(study, name)
    if not path.is_file() and Path(name).is_dir():    # a STUDY where other commands take it
        raise ArgumentError(f"{name!r} is a folder, not codings: give the study with "
                            f"-s/--study (`dialogcode agree rules CODER -s {name}`)")
    if not path.is_file():
        coders = coder_names(study)
        known = ", ".join([RULES, *coders]) + ("" if coders else f"; {IMPORT_HINT}")
        raise ArgumentError(f"no codings named {name!r} (known: {known})", file=path)
    return path


def named_codings(study: Study, name: str, segments: pd.DataFrame,
                  documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Codings by name: ``rules`` (the rule codings of out/codings.parquet, covering every
    document; the learned model's are left out, as a model trained on a coder agrees with
    itself: `dialogcode evaluate` measures it), a coder in ``codings/``, or the path of a
    coder file, checked against ``documents`` when given (:func:`read_coder`). Raises
    ArgumentError for a name that is none of these."""
    path = coder_file(study, name)
    if path is None:
        codings = read_table(study.out, "codings", hint="dialogcode code")
        return covering_all(codings[codings["source"] == "rule"], segments)
    return read_coder(path, segments, path.stem, documents=documents, study=study)


def identical_files(study: Study, names, segments: pd.DataFrame) -> list[str]:
    """A warning for each coder file named that holds the same codings as an earlier
    one: the same rows (seg_id, code_id, start, end) in any order and whatever its other
    columns hold (one file imported under two names differs in its ``source``; a coder's
    own table and its import in their columns), a span of a whole segment (of
    ``segments``) being the same as a coding of the segment without one (a REFI-QDA
    round trip makes one the other), and a span over several segments the same as its
    parts, one per segment (:func:`~dialogcode.coders.per_segment`; a file imported
    before spans were cut per segment and its import now). Two coders may code exactly
    alike, but the same coding passed twice agrees with itself perfectly, so `agree`
    says so beside its figures."""
    bounds = {(seg, float(a), float(b)) for seg, a, b in
              zip(segments["seg_id"], segments["start"], segments["end"])}
    doc_of = segments.set_index("seg_id")["doc_id"]
    seen: dict[frozenset, Path] = {}
    warnings = []
    for name in names:
        path = coder_file(study, name)
        if path is None:
            continue
        table = coder_table(path).reindex(columns=CODER_COLUMNS, fill_value="")
        table["seg_id"] = table["seg_id"].str.strip()
        table["code_id"] = table["code_id"].str.strip().replace("", None)
        table["doc_id"] = table["seg_id"].map(doc_of)
        for column in ("start", "end"):
            table[column] = pd.to_numeric(table[column].str.strip(), errors="coerce")
        table = per_segment(run_on_spans(table, segments).assign(quote=None),
                             segments)                  # as read_coder reads it
        rows = [(seg, code, *((-1.0, -1.0) if (seg, a, b) in bounds else (a, b)))
                for seg, code, a, b in zip(table["seg_id"], table["code_id"].fillna(""),
                                           table["start"].fillna(-1), table["end"].fillna(-1))]
        codings = frozenset(rows)
        if codings in seen:
            warnings.append(printable(
                f"{path} and {seen[codings]} hold the same codings: one coder's work "
                "passed twice agrees with itself perfectly, so these figures say nothing "
                "about agreement unless two coders really coded exactly alike"))
        seen.setdefault(codings, path)
    return warnings


def unchecked_files(study: Study, names) -> list[str]:
    """A warning for each coder file named (coders, or paths of coder files; ``rules``
    is skipped) with rows that carry neither a ``quote`` nor a ``sha256``: nothing in
    them shows what text they were coded on, so an edit of a transcript since
    (:mod:`dialogcode.coded_text`) cannot be caught. A seg_id names a turn by its
    position (``doc:t3``, the third), whatever that turn says now. And one for rows
    with a ``sha256`` but neither a quote nor a span: an edit is caught, but not the
    same text cut into other turns since (a newer dialogcode, ``speakers:``)."""
    warnings = []
    for name in names:
        path = coder_file(study, name)
        if path is None:
            continue
        table = coder_table(path).reindex(columns=["quote", "sha256", "start"],
                                          fill_value="")
        unquoted = table["quote"].str.strip().eq("")
        hashed = table["sha256"].str.strip().ne("")
        bare = int((unquoted & ~hashed).sum())
        if bare:
            warnings.append(printable(
                f"{path}: {_share(bare, len(table))} neither a quote nor a sha256, so an edit "
                "of a transcript since the coding cannot be caught: a seg_id names a turn by "
                "its position (`doc:t3`, the document's third), and after an edit may name "
                "another turn and credit its codes to other words. If the transcripts are "
                "unchanged since the coding and cut into the same turns (no newer "
                "dialogcode, no change of `speakers:`), add a quote column holding each "
                "row's segment text from out/segments.csv, so that a later edit is caught; "
                "else import the coder's work again with its quotes (`dialogcode "
                "import-codings`)"))
        cut = int((unquoted & hashed & table["start"].str.strip().eq("")).sum())
        if cut:
            warnings.append(printable(
                f"{path}: {_share(cut, len(table))} a sha256 but no quote: an edit of a "
                "transcript is caught, but not the same text cut into other turns since (a "
                "newer dialogcode, `speakers:` in dialogcode.yaml), after which a seg_id "
                "names another turn. If the turns are cut as when they were coded (no newer "
                "dialogcode, no change of `speakers:` since), add a quote column holding "
                "each row's segment text from out/segments.csv; else its text would stamp "
                "the turns as they are now: import the coder's work again from what shows "
                "the words coded (their quotes or project; `dialogcode import-codings`)"))
    return warnings


def _share(rows: int, total: int) -> str:
    return "every row carries" if rows == total else f"{rows} of {total} rows carry"
