"""Coders' files: human codings kept in the study's ``codings/`` folder, one CSV per
coder (the codings `dialogcode agree` compares by name: :mod:`dialogcode.named_codings`).

A coder file has at least ``seg_id`` and ``code_id``; the full form (written by
`dialogcode import-codings`) is :data:`CODER_COLUMNS`. Rows with offsets mark a span;
rows without them code the whole segment. A row with an empty ``code_id`` says the
segment was read and nothing applied (which segments count as read for agreement:
:mod:`dialogcode.agreement.coverage`).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .coded_text import changed_rows
from .csvrows import read_csv_file
from .errors import ArgumentError, DialogcodeError, Problem
from .run_on import run_on_spans
from .segment import other_unit
from .spans import covered_segments, interjections, span_problems
from .store import write_csv
from .study import Study

CODER_COLUMNS = ["seg_id", "doc_id", "code_id", "start", "end", "quote", "source", "sha256"]
CODINGS_FOLDER = "codings"
RULES = "rules"
MACHINE_SOURCES = ("rule", "model", "suggestion")    # sources naming no coder
NAME = re.compile(r"[^\W_][\w-]{0,63}")    # a letter or digit, then up to 63 more or _ -


class CodingsError(DialogcodeError):
    """A coder's file is unreadable or does not fit the corpus."""


def check_name(name: str, what: str) -> None:
    """Raise ArgumentError unless ``name``, a ``coder``'s or ``reviewer``'s (``what``), is
    letters, digits, ``_`` and ``-``, starting with a letter or digit, at most 64
    characters: a coder's name becomes a file name, ``codings/<name>.csv``, and both are
    written into tables. ``rules`` names the rule codings, so no coder has it."""
    if not NAME.fullmatch(name) or (what == "coder" and name == RULES):
        raise ArgumentError(f"{what} name {name!r}: use letters, digits, '_' and '-', "
                            "starting with a letter or digit, at most 64 characters"
                            + (f" (and not {RULES!r})" if what == "coder" else ""))


def coder_path(study: Study, coder: str) -> Path:
    return study.root / CODINGS_FOLDER / f"{coder}.csv"


def coder_names(study: Study) -> list[str]:
    """Coders with a file in ``codings/``, sorted; hidden files and the ``~$`` lock files
    of a spreadsheet holding a coder's file open left out, as among the transcripts.
    Raises CodingsError for a file named ``rules.csv`` (``rules`` names the rule
    codings, which would stand in for it) and for a ``.csv`` there that is not a file."""
    folder = study.root / CODINGS_FOLDER
    paths = sorted(p for p in folder.glob("*.csv") if not p.name.startswith(("~$", "."))
                   ) if folder.is_dir() else []
    stray = next((p for p in paths if not p.is_file()), None)
    if stray:
        raise CodingsError("a folder (or a link to nothing), not a coder file; move it out "
                           f"of {CODINGS_FOLDER}/", file=stray)
    names = [p.stem for p in paths]
    if RULES in names:
        raise CodingsError(f"{RULES!r} names the rule codings, so no coder's file can have "
                           "that name: rename it", file=coder_path(study, RULES))
    return names


def chosen_coders(study: Study, chosen: list[str] | None, key: str) -> list[str]:
    """The coders named by the config key ``key`` (``chosen``), or every coder file in
    codings/ when it is unset. Raises CodingsError naming a coder without a file."""
    names = coder_names(study)
    if chosen is None:
        return names
    unknown = [c for c in chosen if c not in names]
    if unknown:
        raise CodingsError(f"{key}: no codings/{unknown[0]}.csv ({coders_known(names)})",
                           file=study.root / "dialogcode.yaml")
    return list(chosen)


IMPORT_HINT = ("`dialogcode import-codings FILE --coder NAME` brings a person's coding in "
               "as codings/NAME.csv")


def coders_known(names: list[str]) -> str:
    """The coders there are, for a message naming one that has no file; with none, how a
    person's coding gets there."""
    return f"coders: {', '.join(names)}" if names else f"coders: none; {IMPORT_HINT}"


def write_coder(study: Study, coder: str, codings: pd.DataFrame, *, replace: bool = False
                ) -> Path:
    """Write ``codings`` (:data:`CODER_COLUMNS`) as ``codings/<coder>.csv``; refuses to
    overwrite an existing file unless ``replace`` (ArgumentError). Raises ArgumentError
    for a coder name that is not one (:func:`check_name`)."""
    check_name(coder, "coder")
    path = coder_path(study, coder)
    if path.exists() and not replace:
        raise ArgumentError(f"{path.name} exists; choose another coder name or replace it",
                           file=path)
    return write_csv(codings.reindex(columns=CODER_COLUMNS), path)


def not_in_codebook(code: str) -> str:
    """What to do with a row of a person's file (a coder file, decisions.csv) naming the
    code ``code``, which the codebook does not have (a typo, or a codebook edit that
    renamed or took out the code): one wording for every such file."""
    return (f"code {code!r} is not in the codebook: change it to one of its code ids (the "
            "code's new id, if it was renamed there), or delete the row if the code was "
            "taken out")


def read_coder(path: Path, segments: pd.DataFrame, coder: str | None = None,
               codes: set[str] | None = None, documents: pd.DataFrame | None = None,
               study: Study | None = None) -> pd.DataFrame:
    """Read a coder file and check it against ``segments`` (and the code ids ``codes``
    when given; rows coded on other text by their quote and, with ``documents``, their
    sha256, told from a hash copied from ``study``'s exports when it is given:
    :mod:`dialogcode.coded_text`): every problem names the file's line. Adds doc_id and
    ``source`` ``human:<coder>``."""
    coder = coder or path.stem
    table = coder_table(path)
    missing = [c for c in ("seg_id", "code_id") if c not in table]
    if missing:
        raise CodingsError(f"missing column(s) {', '.join(missing)}; a coder file needs "
                           "seg_id and code_id", file=path, line=1)
    doc_of = segments.set_index("seg_id")["doc_id"]
    found = doc_of.index.get_indexer(table["seg_id"])
    unknown = table.loc[found < 0, "seg_id"]
    why = other_unit(unknown, segments)
    problems = [Problem(f"unknown seg_id {seg!r}{why.get(seg, '')}", str(path), int(i))
                for i, seg in unknown.items()]
    if "doc_id" in table:
        given = table["doc_id"].str.strip()
        actual = pd.Series(doc_of.to_numpy()[found], index=table.index)
        wrong = (found >= 0) & given.ne("") & given.ne(actual)
        problems += [Problem(f"seg_id {table.at[i, 'seg_id']} is in document {actual[i]}, "
                             f"but the row's doc_id is {given[i]!r}", str(path), int(i))
                     for i in table.index[wrong]]
    if codes is not None:
        bad = table["code_id"].ne("") & ~table["code_id"].isin(codes)
        problems += [Problem(not_in_codebook(code), str(path), int(i))
                     for i, code in table.loc[bad, "code_id"].items()]
    unreadable = set()
    for column in ("start", "end"):
        raw = table[column].str.strip() if column in table else pd.Series("", table.index)
        table[column] = pd.to_numeric(raw, errors="coerce")
        wrong = raw[raw.ne("") & table[column].isna()]
        problems += [Problem(f"{column} {value!r} is not a number", str(path), int(i))
                     for i, value in wrong.items()]
        unreadable |= set(wrong.index)
    bounds = segments[["start", "end"]].to_numpy(dtype=float)[np.maximum(found, 0)]
    spans = span_problems(table, bounds, found >= 0, doc_of.to_numpy()[np.maximum(found, 0)],
                           segments)
    problems += [Problem(why, str(path), int(line)) for line, why in spans
                 if line not in unreadable]
    problems += _repeats(table, str(path)) + _several_coders(table, str(path))
    bad = table.index.isin([problem.line for problem in problems])
    problems += changed_rows(table, str(path), segments, np.where(bad, -1, found),
                             documents, study)
    if problems:
        raise CodingsError(problems)
    table["doc_id"] = doc_of.to_numpy()[found]
    table["source"] = f"human:{coder}"
    for column in ("code_id", "quote", "sha256"):
        if column in table:
            table[column] = table[column].replace("", None)
    coded = per_segment(run_on_spans(table.reindex(columns=CODER_COLUMNS), segments,
                                      str(path)), segments)
    coded.attrs["file"] = str(path)     # the index is the line the row starts on
    return coded


def per_segment(coded: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """``coded`` with each span that runs past its segment over words of others (a file
    written by hand, or by an import before spans were cut per segment) as a row for
    every segment it codes (:mod:`dialogcode.spans`: each it covers words of, skipping
    preambles and headings other than its own), the span cut to the segment and a quote
    to its words, on the line of the row it came from; a span coding one segment, not
    its own (its full stop, then the next turn), moves there as it is, as
    `import-codings` writes it. A part of which the file already
    codes words with the same code (the whole segment, or a span overlapping it) is
    left out: a coder who added a row for each segment the span runs into, or two spans
    over the same segments, get it counted once there."""
    order = segments.sort_values(["doc_id", "start"])
    doc, docs = pd.factorize(order["doc_id"])
    shift = np.int64(1) << 40          # offsets below 2**40: (document, offset) as one key
    starts = doc * shift + order["start"].to_numpy(np.int64)
    ends = doc * shift + order["end"].to_numpy(np.int64)
    has_span = coded["code_id"].notna() & coded["start"].notna() & coded["end"].notna()
    key = docs.get_indexer(coded["doc_id"]) * shift
    first = np.searchsorted(ends, key + coded["start"].fillna(0).to_numpy(np.int64), "right")
    after = np.searchsorted(starts, key + coded["end"].fillna(0).to_numpy(np.int64), "left")
    several = has_span.to_numpy() & (after - first > 1)    # overlaps segments beside its own
    if not several.any():
        return coded
    codable = (order["codable"].astype(bool).to_numpy() if "codable" in order
               else np.ones(len(order), dtype=bool))
    seg_ids, texts = order["seg_id"].to_numpy(), order["text"].to_numpy()
    seg_starts, seg_ends = order["start"].to_numpy(int), order["end"].to_numpy(int)
    bounds = dict(zip(seg_ids, zip(seg_starts, seg_ends)))
    cut = interjections(order)
    touched = set().union(*(seg_ids[lo:hi] for lo, hi in
                            zip(first[several], after[several])))
    read = []                       # (line, row, the segments it codes, candidates)
    for line, row, lo, hi in zip(coded.index[several], coded[several].to_dict("records"),
                                 first[several], after[several]):
        candidates = [(int(a), int(b), seg, text) for a, b, seg, text, ok in zip(
            seg_starts[lo:hi], seg_ends[lo:hi], seg_ids[lo:hi], texts[lo:hi], codable[lo:hi])
            if ok or seg == row["seg_id"]]
        read.append((line, row, covered_segments(int(row["start"]), int(row["end"]),
                                                 candidates, cut) or [row["seg_id"]],
                     candidates))
    # (seg_id, code_id) -> spans coded there by rows coding one segment, kept whole
    held: dict[tuple, list[tuple[int, int]]] = {}
    whole = coded[coded["seg_id"].isin(touched) & ~several]
    for seg, code, start, end in zip(whole["seg_id"], whole["code_id"], whole["start"],
                                     whole["end"]):
        held.setdefault((seg, code), []).append(
            bounds[seg] if pd.isna(start) else (int(start), int(end)))
    for _, row, segs, _ in read:
        if len(segs) == 1:
            held.setdefault((segs[0], row["code_id"]), []).append((row["start"], row["end"]))
    parts, lines = [], []
    for line, row, segs, candidates in read:
        if len(segs) == 1:          # its own segment's, or moved there as it is
            parts.append({**row, "seg_id": segs[0]})
            lines.append(line)
            continue
        for a, b, seg, text in candidates:
            cut = (max(int(row["start"]), a), min(int(row["end"]), b))
            given = held.setdefault((seg, row["code_id"]), [])
            if seg not in segs or any(s < cut[1] and cut[0] < e for s, e in given):
                continue
            given.append(cut)
            parts.append({**row, "seg_id": seg, "start": cut[0], "end": cut[1],
                          "quote": text[cut[0] - a:cut[1] - a]
                          if pd.notna(row["quote"]) else row["quote"]})
            lines.append(line)
    split = pd.DataFrame(parts, index=lines, columns=coded.columns)
    return pd.concat([coded[~several], split]).sort_index(kind="stable")


def _repeats(table: pd.DataFrame, file: str) -> list[Problem]:
    """A problem for each row giving a code on a segment or span that an earlier row
    gave it: a repeated row would be counted as a second coding in the final codings."""
    coded = table[table["code_id"].ne("")]
    sources = (coded["source"].str.strip() if "source" in coded
               else pd.Series("", index=coded.index))
    coders = _coders(sources)
    first: dict[tuple, int] = {}
    problems = []
    for line, seg, code, start, end in zip(coded.index, coded["seg_id"], coded["code_id"],
                                           coded["start"], coded["end"]):
        whole = pd.isna(start) and pd.isna(end)
        key = (seg, code) if whole else (seg, code, start, end)
        if key in first:
            where = "segment" if whole else "span"
            two = {sources[first[key]], sources[line]}
            remedy = (f"the rows name two sources ({', '.join(sorted(two))}), but a coder "
                      "file is one coder's: give each coder a file of their own"
                      if len({coders[first[key]], coders[line]} - {""}) > 1
                      else "delete one, or it counts as two codings")
            problems.append(Problem(f"repeats line {first[key]} (the same code on the same "
                                    f"{where}); {remedy}", file, int(line)))
        first.setdefault(key, int(line))
    return problems


def _several_coders(table: pd.DataFrame, file: str) -> list[Problem]:
    """A problem when the ``source`` column names more than one coder (``human:ana``
    and ``ben`` name two; ``Ana`` and ``human: ana`` one; empty cells and the toolkit's
    own sources, ``rule``, ``model`` and ``suggestion``, none): rows of several coders
    merged into one file would all be credited to the file's coder, so agreement,
    learning and evaluation would take two people's coding for one person's."""
    if "source" not in table:
        return []
    named = table["source"].str.strip()
    coder = _coders(named)
    named = named[coder.ne("")]
    first = named.groupby(coder[named.index], sort=False).head(1)
    if len(first) < 2:
        return []
    found = ", ".join(f"{source} (from line {line})" for line, source in first.items())
    return [Problem(f"the source column names {len(first)} coders: {found}; a coder file "
                    "is one coder's, and these rows would all be credited to one person. "
                    "Give each coder a file of their own, codings/<coder>.csv, holding "
                    "only their rows", file, int(first.index[1]))]


def _coders(sources: pd.Series) -> pd.Series:
    """The coder each ``source`` cell names, case and spaces aside (``human: Ana`` and
    ``ana`` both ``ana``); empty for an empty cell or one of the toolkit's own sources
    (:data:`MACHINE_SOURCES`), which name no coder."""
    coder = sources.str.strip().str.removeprefix("human:").str.strip().str.casefold()
    return coder.where(~coder.isin(MACHINE_SOURCES), "")


def coder_table(path: Path) -> pd.DataFrame:
    """A coder file as text cells indexed by the line each row starts on, read strictly
    (:func:`~dialogcode.csvrows.read_csv_file`): a stray quote is an error at its line,
    never rows run together."""
    header, rows = read_csv_file(path, CodingsError)
    return pd.DataFrame([values[:len(header)] + [""] * (len(header) - len(values))
                         for _, values in rows], columns=header,
                        index=[line for line, _ in rows], dtype=str)
