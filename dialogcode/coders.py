"""Coders' files: human codings kept in the study's ``codings/`` folder, one CSV per
coder, and the named codings that `dialogcode agree` compares.

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
from .errors import ArgumentError, DialogcodeError, Problem, printable
from .store import read_table, write_csv
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
    problems = [Problem(f"unknown seg_id {seg!r}", str(path), int(i))
                for i, seg in table.loc[found < 0, "seg_id"].items()]
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
    problems += [Problem(why, str(path), int(line)) for line, why in
                 _span_problems(table, bounds, found >= 0) if line not in unreadable]
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
    coded = table.reindex(columns=CODER_COLUMNS)
    coded.attrs["file"] = str(path)     # the index is the line the row starts on
    return coded


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


def _span_problems(table: pd.DataFrame, bounds: np.ndarray, known: np.ndarray
                   ) -> list[tuple[int, str]]:
    """(line, why) for each row whose offsets are not a span of its segment: one
    offset without the other, not whole numbers with 0 <= start < end, or a span that
    does not overlap the segment its ``seg_id`` names (``bounds``, that segment's start
    and end per row, where ``known``). Such a span would quote words of another
    segment, or none."""
    found = []
    for line, seg, a, b, (seg_start, seg_end), ok in zip(
            table.index, table["seg_id"], table["start"], table["end"], bounds, known):
        if pd.isna(a) and pd.isna(b):
            continue
        if pd.isna(a) or pd.isna(b):
            found.append((line, "give both start and end, or neither (the whole segment)"))
        elif not (float(a).is_integer() and float(b).is_integer() and 0 <= a < b):
            found.append((line, f"start {a:g} and end {b:g}: give whole numbers with 0 <= "
                                "start < end"))
        elif ok and not (a < seg_end and b > seg_start):
            found.append((line, f"the span {a:g}-{b:g} lies outside segment {seg} "
                                f"({seg_start:g}-{seg_end:g}); it would quote other words"))
    return found


def coder_table(path: Path) -> pd.DataFrame:
    """A coder file as text cells indexed by the line each row starts on, read strictly
    (:func:`~dialogcode.csvrows.read_csv_file`): a stray quote is an error at its line,
    never rows run together."""
    header, rows = read_csv_file(path, CodingsError)
    return pd.DataFrame([values[:len(header)] + [""] * (len(header) - len(values))
                         for _, values in rows], columns=header,
                        index=[line for line, _ in rows], dtype=str)


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
    round trip makes one the other). Two coders may code exactly alike, but the same
    coding passed twice agrees with itself perfectly, so `agree` says so beside its
    figures."""
    bounds = {(seg, float(a), float(b)) for seg, a, b in
              zip(segments["seg_id"], segments["start"], segments["end"])}
    seen: dict[frozenset, Path] = {}
    warnings = []
    for name in names:
        path = coder_file(study, name)
        if path is None:
            continue
        table = coder_table(path).reindex(columns=["seg_id", "code_id", "start", "end"],
                                          fill_value="")
        spans = [pd.to_numeric(table[c].str.strip(), errors="coerce").fillna(-1)
                 for c in ("start", "end")]
        rows = [(seg, code, *((-1.0, -1.0) if (seg, a, b) in bounds else (a, b)))
                for seg, code, a, b in zip(table["seg_id"].str.strip(),
                                           table["code_id"].str.strip(), *spans)]
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
    position (``doc:t3``, the third), whatever that turn says now."""
    warnings = []
    for name in names:
        path = coder_file(study, name)
        if path is None:
            continue
        table = coder_table(path).reindex(columns=["quote", "sha256"], fill_value="")
        bare = int((table["quote"].str.strip().eq("")
                    & table["sha256"].str.strip().eq("")).sum())
        if bare:
            rows = ("every row carries" if bare == len(table)
                    else f"{bare} of {len(table)} rows carry")
            warnings.append(printable(
                f"{path}: {rows} neither a quote nor a sha256, so an edit of a transcript "
                "since the coding cannot be caught: a seg_id names a turn by its position "
                "(`doc:t3`, the document's third), and after an edit may name another turn "
                "and credit its codes to other words. If the transcripts are unchanged since "
                "the coding, add a sha256 column holding each row's document sha256 from "
                "out/documents.csv, so that a later edit is caught; else import the "
                "coder's work again with its quotes (`dialogcode import-codings`)"))
    return warnings
