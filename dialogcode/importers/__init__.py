"""Importing a human coder's work into the study as ``codings/<coder>.csv``.

Formats (docs/interchange.md): tables of offsets, quotes or segments (CSV or XLSX,
:mod:`.tabular`), inline markup in a copy of one transcript (:mod:`.markup`) and
REFI-QDA projects (:mod:`.qdpx`). Every reader gives :class:`.base.Found` codings with
the coder's code names; :mod:`.mapping` turns the names into code ids. Every problem of
a file is collected and raised together as one :class:`~dialogcode.coders.CodingsError`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..codebook import Codebook
from ..coders import CODER_COLUMNS, CodingsError, check_name
from ..errors import ArgumentError, Problem
from ..ingest import Corpus
from ..limits import DEFAULT, Limits
from .base import Documents, Found, Reading
from .locate import LEVELS, MIN_SIMILARITY
from .mapping import load_mapping, map_names
from .markup import SUFFIXES as MARKUP_SUFFIXES
from .markup import read_markup
from .qdpx import read_qdpx
from .tabular import KINDS, read_table

__all__ = ["FORMATS", "MIN_SIMILARITY", "ImportResult", "import_codings"]

FORMATS = (*KINDS, "markup", "qdpx")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass
class ImportResult:
    """An import's codings (:data:`~dialogcode.coders.CODER_COLUMNS`) and what it did.

    ``located`` counts quotes found at each level (quotes tables only); ``fuzzy`` lists
    each fuzzy match for review; ``unlocated`` and ``unmapped`` list what was left out
    under ``skip_unlocated`` / ``skip_unmapped``; ``ignored`` lists parts of the file with
    nothing importable; ``duplicates`` counts identical rows dropped.
    """

    codings: pd.DataFrame
    format: str
    located: dict[str, int] = field(default_factory=dict)
    fuzzy: list[Problem] = field(default_factory=list)
    unlocated: list[Problem] = field(default_factory=list)
    unmapped: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)
    duplicates: int = 0


def _read(source: Path, docs: Documents, fmt: str | None, document: str | None,
          user: str | None, limits: Limits) -> Reading:
    suffix = source.suffix.lower()
    if fmt is None and suffix not in (*TABLE_SUFFIXES, *MARKUP_SUFFIXES, ".qdpx"):
        raise CodingsError(f"cannot tell the format from the extension {suffix!r}; give "
                           f"--format ({', '.join(FORMATS)})", file=source)
    if fmt not in (None, *FORMATS):
        raise CodingsError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    if fmt == "qdpx" or (fmt is None and suffix == ".qdpx"):
        return read_qdpx(source, docs, user, limits)
    if user is not None:
        raise CodingsError("a user can only be chosen in a REFI-QDA project (.qdpx)",
                           file=source)
    if fmt == "markup" or (fmt is None and suffix in MARKUP_SUFFIXES):
        return read_markup(source, docs, document)
    return read_table(source, docs, fmt)


def _where(problem: Problem) -> tuple[str, int]:
    return problem.file or "", problem.line or 0


def _rows(found: list[Found], mapped: dict[str, str], docs: Documents, coder: str
          ) -> tuple[list[dict], list[Problem]]:
    """Coder-file rows for the codings whose name maps, and problems for spans that lie
    outside every segment."""
    rows, problems = [], []
    for item in found:
        if item.code not in mapped:
            continue
        seg_id, quote = item.seg_id, None
        if item.start is not None:
            seg_id = docs.segment_of(item.doc_id, item.start, item.end)
            quote = docs.text[item.doc_id][item.start:item.end]
            if seg_id is None:
                problems.append(Problem(f"the span {item.start}-{item.end} of {item.doc_id} "
                                        f"({quote!r}) lies outside every segment",
                                        item.file, item.line))
                continue
        rows.append({"seg_id": seg_id, "doc_id": item.doc_id, "code_id": mapped[item.code],
                     "start": item.start, "end": item.end, "quote": quote,
                     "source": f"human:{coder}", "sha256": docs.sha[item.doc_id]})
    return rows, problems


def import_codings(source: Path, corpus: Corpus, book: Codebook, *, coder: str,
                   mapping: Path | None = None, fmt: str | None = None,
                   document: str | None = None, skip_unlocated: bool = False,
                   skip_unmapped: bool = False, user: str | None = None,
                   limits: Limits = DEFAULT) -> ImportResult:
    """Read a coder's file into coder-file rows for ``corpus``, code names mapped to the
    ids of ``book``.

    ``fmt`` is one of :data:`FORMATS` (default: from the extension, and for tables from
    the columns); ``document`` names the document of an inline-markup file (default:
    from its file name); ``mapping`` is a CSV or YAML file of name -> code id;
    ``user`` keeps only the codings of that user (name or id) of a REFI-QDA project;
    ``limits`` bound what unpacking a project may cost (docs/limits.md).
    Raises CodingsError listing every problem of the file, including ambiguous or
    unfound quotes and unmapped names unless they are skipped; ArgumentError for a bad
    coder name or a missing ``source``.
    """
    check_name(coder, "coder")
    source = Path(source)
    if not source.is_file():
        raise ArgumentError("no such file", file=source)
    docs = Documents(corpus)
    reading = _read(source, docs, fmt, document, user, limits)
    names, problems = load_mapping(Path(mapping), book) if mapping is not None else ({}, [])
    mapped, unmapped = map_names(reading.found, book, names)
    rows, outside = _rows(reading.found, mapped, docs, coder)
    problems += reading.problems + outside
    problems += [] if skip_unlocated else reading.unlocated
    problems += [] if skip_unmapped else unmapped
    if problems:
        raise CodingsError(sorted(problems, key=_where))
    codings = pd.DataFrame(rows, columns=CODER_COLUMNS).astype({"start": "Int64",
                                                                "end": "Int64"})
    unique = codings.drop_duplicates(ignore_index=True)
    if unique.empty:
        raise CodingsError("nothing to import: no codings left", file=source)
    located = {level: reading.located[level] for level in LEVELS} \
        if reading.kind == "quotes" else {}
    return ImportResult(unique, reading.kind, located, reading.fuzzy, reading.unlocated,
                        unmapped, reading.ignored, len(codings) - len(unique))
