"""Importing a human coder's work into the study as ``codings/<coder>.csv``.

Formats (docs/interchange.md): tables of offsets, quotes or segments (CSV or XLSX,
:mod:`.tabular`), inline markup in a copy of one transcript (:mod:`.markup`) and
REFI-QDA projects (:mod:`.qdpx`). Every reader gives :class:`.base.Found` codings with
the coder's code names; :mod:`.mapping` turns the names into code ids. Every problem of
a file is collected and raised together as one :class:`~dialogcode.coders.CodingsError`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..agreement.scheme import scheme_of
from ..choices import CODING_FORMATS as FORMATS
from ..codebook import Codebook
from ..coders import CODER_COLUMNS, CODINGS_FOLDER, CodingsError, check_name
from ..errors import ArgumentError, Problem
from ..ingest import Corpus
from ..limits import DEFAULT, Limits
from .base import Documents, Found, Reading
from .locate import LEVELS, MIN_SIMILARITY
from .mapping import load_mapping, map_names, moved_codes, split_names
from .markup import SUFFIXES as MARKUP_SUFFIXES
from .markup import read_markup
from .qdpx import read_qdpx
from .tabular import read_table
from .tools import LAYOUTS

if TYPE_CHECKING:
    from ..privacy.gate import Masker

__all__ = ["FORMATS", "MIN_SIMILARITY", "ImportResult", "import_codings"]

TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass
class ImportResult:
    """An import's codings (:data:`~dialogcode.coders.CODER_COLUMNS`) and what it did.

    ``located`` counts quotes found at each level (quotes tables, and offsets tables
    with rows placed by their quotes); ``fuzzy`` lists
    each fuzzy match for review; ``unlocated`` and ``unmapped`` list what was left out
    under ``skip_unlocated`` / ``skip_unmapped``; ``ignored`` lists parts of the file with
    nothing importable; ``duplicates`` counts identical rows dropped; ``read`` counts the
    segments marked read with nothing coded (rows with an empty ``code_id``);
    ``crossing`` lists spans over several segments (they code each segment they cover
    words of, :mod:`dialogcode.spans`, a row per segment); ``blind`` counts the rows of a segment table without a
    ``text`` cell, which are given the documents' sha256 as they are now, whatever text
    the coder read; ``notes`` says how the file was read where it could be read two ways
    (a REFI-QDA source's line breaks).
    """

    codings: pd.DataFrame
    format: str
    located: dict[str, int] = field(default_factory=dict)
    fuzzy: list[Problem] = field(default_factory=list)
    unlocated: list[Problem] = field(default_factory=list)
    unmapped: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)
    duplicates: int = 0
    read: int = 0
    crossing: list[Problem] = field(default_factory=list)
    blind: int = 0
    notes: list[Problem] = field(default_factory=list)


def _read(source: Path, docs: Documents, fmt: str | None, document: str | None,
          user: Sequence[str] | None, limits: Limits, codes) -> Reading:
    suffix = source.suffix.lower()
    if fmt is None and suffix not in (*TABLE_SUFFIXES, *MARKUP_SUFFIXES, ".qdpx"):
        raise CodingsError(f"cannot tell the format from the extension {suffix!r}; give "
                           f"--format ({', '.join(FORMATS)})", file=source)
    if fmt not in (None, *FORMATS):
        raise CodingsError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    if fmt == "qdpx" or (fmt is None and suffix == ".qdpx"):
        return read_qdpx(source, docs, user, limits)
    if fmt == "markup" or (fmt is None and suffix in MARKUP_SUFFIXES):
        if user is not None:
            raise CodingsError("a user can only be chosen in a REFI-QDA project (.qdpx) "
                               "or a tool's export with a column naming who coded",
                               file=source)
        return read_markup(source, docs, document)
    return read_table(source, docs, fmt, limits, codes, user)


def _where(problem: Problem) -> tuple[str, int]:
    return problem.file or "", problem.line or 0


def _rows(found: list[Found], mapped: dict[str, str], docs: Documents, coder: str
          ) -> tuple[list[dict], list[Found], list[Problem], list[Problem]]:
    """Coder-file rows (with the reading each came from) for the codings whose name maps
    and for segments marked read with no code, problems for spans that lie outside
    every segment or in a preamble or heading, and notes for spans over several
    segments. A span codes each segment it covers words of (:mod:`dialogcode.spans`),
    a row per segment with the span cut to it, once (:func:`_once`)."""
    rows, origins, problems, crossing, parts = [], [], [], [], []
    for item in found:
        if item.code and item.code not in mapped:
            continue
        seg_id, quote = item.seg_id, None
        if not item.code:
            segs = [seg_id] if seg_id else docs.segments_coded(item.doc_id, item.start,
                                                                item.end)
            rows += [{"seg_id": seg, "doc_id": item.doc_id, "code_id": None,
                      "quote": docs.segment_text(seg), "source": f"human:{coder}",
                      "sha256": docs.sha[item.doc_id]} for seg in segs]
            origins += [item] * len(segs)
            parts += [False] * len(segs)
            continue
        segs = [seg_id]
        if item.start is not None:
            text, span = docs.text[item.doc_id], (item.start, item.end)
            segs = docs.segments_coded(item.doc_id, item.start, item.end)
            if not segs:
                problems.append(Problem(f"the span {item.start}-{item.end} of {item.doc_id}"
                                        f"{docs.excerpt(text, item.doc_id, *span)} lies "
                                        "outside every segment", item.file, item.line))
                continue
        spoken = [seg for seg in segs if seg not in docs.quiet]
        if not spoken:      # the tables would count it, but not in their totals
            problems.append(Problem(f"{segs[0]} is a {docs.quiet[segs[0]]}, which is never "
                                    "coded (`code_preamble: true` in dialogcode.yaml codes "
                                    "preambles and headings)", item.file, item.line))
            continue
        if len(segs) > 1:
            crossing.append(Problem(f"the span {item.start}-{item.end}"
                                    f"{docs.excerpt(text, item.doc_id, *span)} codes each "
                                    f"segment it covers words of: {', '.join(spoken)}"
                                    + (f" (not {', '.join(s for s in segs if s in docs.quiet)}"
                                       ", never coded)" if len(spoken) < len(segs) else ""),
                                    item.file, item.line))
        for seg in spoken:
            # without a span, the segment's words: a seg_id names a segment by its
            # position, which a later ingest may cut otherwise in the same text
            start, end, quote = None, None, docs.segment_text(seg)
            if item.start is not None:
                _, seg_start, seg_end = docs.bounds(seg)
                start, end = max(item.start, seg_start), min(item.end, seg_end)
                if len(segs) == 1:      # a span starting on a speaker label keeps it
                    start, end = item.start, item.end
                quote = text[start:end]
            rows.append({"seg_id": seg, "doc_id": item.doc_id, "code_id": mapped[item.code],
                         "start": start, "end": end, "quote": quote,
                         "source": f"human:{coder}", "sha256": docs.sha[item.doc_id]})
            origins.append(item)
            parts.append(len(segs) > 1)
    kept = _once(rows, parts, docs)
    return ([row for row, keep in zip(rows, kept) if keep],
            [item for item, keep in zip(origins, kept) if keep], problems, crossing)


def _once(rows: list[dict], parts: list[bool], docs: Documents) -> list[bool]:
    """Which ``rows`` to keep: a part of a span over several segments (``parts``) is
    left out where another row already codes words of its segment with its code (a
    second span over the same segments, or one in that segment alone), so the coding
    counts once there; of identical parts the first is kept."""
    given: dict[tuple, list[tuple[int, int]]] = {}
    for row, part in zip(rows, parts):
        if not part and row["code_id"] is not None:
            span = ((row["start"], row["end"]) if row["start"] is not None
                    else docs.bounds(row["seg_id"])[1:])
            given.setdefault((row["seg_id"], row["code_id"]), []).append(span)
    kept = []
    for row, part in zip(rows, parts):
        spans = given.setdefault((row["seg_id"], row["code_id"]), [])
        keep = not part or not any(a < row["end"] and row["start"] < b for a, b in spans)
        if part and keep:
            spans.append((row["start"], row["end"]))
        kept.append(keep)
    return kept


def _two_values(rows: list[dict], origins: list[Found], book: Codebook) -> list[Problem]:
    """A problem for each coding that gives a segment a second value of a variable (the
    children of a parent marked ``exclusive: true``)."""
    problems, given = [], {}
    for variable in scheme_of(book).variables.values():
        for row, item in zip(rows, origins):
            value = variable.members.get(row["code_id"])
            if value is None:
                continue
            first = given.setdefault((variable.id, row["seg_id"]), (value, row, item))
            if first[0] != value:
                problems.append(Problem(
                    f"segment {row['seg_id']} gets two values of {variable.id}: "
                    f"{first[1]['code_id']} (line {first[2].line}) and {row['code_id']} "
                    "(a segment carries one at most)", item.file, item.line))
    return problems


def coded_ranges(ranges, docs: Documents) -> tuple[set[str], list[Problem]]:
    """The segments named by ``--coded-segments`` ranges: a document (doc_id or path) or
    ``FIRST..LAST`` (two seg_ids of one document, both included)."""
    ordinal = docs.ordinal
    chosen, problems = set(), []
    for text in ranges:
        first, dots, last = text.partition("..")
        if not dots:
            doc_id, why = docs.resolve(text)
            if doc_id is None:
                problems.append(Problem(f"--coded-segments {text!r}: {why}"))
            else:
                chosen |= {seg for seg, doc in docs.seg_doc.items() if doc == doc_id}
            continue
        first, last = first.strip(), last.strip()
        unknown = [s for s in (first, last) if s not in docs.seg_doc]
        if unknown or docs.seg_doc[first] != docs.seg_doc[last] \
                or ordinal[first] > ordinal[last]:
            problems.append(Problem(f"--coded-segments {text!r}: give FIRST..LAST, two "
                                    "seg_ids of one document in order"
                                    + (f" ({unknown[0]!r} is unknown)" if unknown else "")))
            continue
        doc = docs.seg_doc[first]
        chosen |= {seg for seg, d in docs.seg_doc.items()
                   if d == doc and ordinal[first] <= ordinal[seg] <= ordinal[last]}
    return chosen, problems


def _within(rows: list[dict], origins: list[Found], chosen: set[str], docs: Documents,
            coder: str) -> tuple[list[dict], list[Problem]]:
    """Markers for the chosen segments without a row (each with its segment's text as
    quote, as a row read whole has), and a problem for each row outside them."""
    problems = [Problem(f"{row['seg_id']} lies outside --coded-segments", item.file,
                        item.line) for row, item in zip(rows, origins)
                if row["seg_id"] not in chosen]
    have = {row["seg_id"] for row in rows}
    markers = [{"seg_id": seg, "doc_id": docs.seg_doc[seg], "code_id": None,
                "quote": docs.segment_text(seg), "source": f"human:{coder}",
                "sha256": docs.sha[docs.seg_doc[seg]]}
               for seg in sorted(chosen - have)]
    return markers, problems


def import_codings(source: Path, corpus: Corpus, book: Codebook, *, coder: str,
                   mapping: Path | None = None, fmt: str | None = None,
                   document: str | None = None, skip_unlocated: bool = False,
                   skip_unmapped: bool = False, user: str | Sequence[str] | None = None,
                   coded_segments: Sequence[str] = (),
                   limits: Limits = DEFAULT, mask: Masker | None = None) -> ImportResult:
    """Read a coder's file into coder-file rows for ``corpus``, code names mapped to the
    ids of ``book``.

    ``fmt`` is one of :data:`FORMATS` (default: from the extension, and for tables from
    the columns); ``document`` names the document of an inline-markup file (default:
    from its file name); ``mapping`` is a CSV or YAML file of name -> code id;
    ``user`` keeps only the codings of that user (name or id), or those users, of a
    REFI-QDA project, or the rows of a tool's export its creator column gives those
    names, and is needed when the codings were made by several users;
    ``limits`` bound what unpacking a project may cost (docs/limits.md); ``mask`` (the
    study's :func:`~dialogcode.privacy.gate.saved_masker`) masks the excerpts of the
    transcripts that messages show, and without it they show none.
    ``coded_segments`` (documents or ``FIRST..LAST`` seg_id ranges) says which segments
    the coder read: every coding must lie in them, and the rest of them are marked read
    with nothing coded. Raises CodingsError listing every problem of the file, including
    ambiguous or unfound quotes and unmapped names unless they are skipped, and a segment
    given two values of one variable; ArgumentError for a bad coder name or a missing
    ``source``.
    """
    check_name(coder, "coder")
    source = Path(source)
    if not source.is_file():
        raise ArgumentError("no such file", file=source)
    docs = Documents(corpus, mask)
    users = [user] if isinstance(user, str) else user
    reading = _read(source, docs, fmt, document, users, limits, book.codes)
    names, problems = load_mapping(Path(mapping), book) if mapping is not None else ({}, [])
    if reading.kind in LAYOUTS and LAYOUTS[reading.kind].lines:
        reading.found, doubtful, split = split_names(reading.found, book, names)
        problems += doubtful
        reading.notes += split
    mapped, unmapped = map_names([f for f in reading.found if f.code], book, names, docs)
    rows, origins, outside, crossing = _rows(reading.found, mapped, docs, coder)
    problems += reading.problems + outside + _two_values(rows, origins, book)
    moved, skipped = moved_codes(reading.found, reading.parents, mapped, names, book)
    problems += moved
    reading.notes += skipped
    if coded_segments:
        chosen, wrong = coded_ranges(coded_segments, docs)
        markers, stray = _within(rows, origins, chosen, docs, coder)
        problems += wrong + stray
        rows += markers
    problems += [] if skip_unlocated else reading.unlocated
    problems += [] if skip_unmapped else unmapped
    if problems:
        raise CodingsError(sorted(problems, key=_where))
    codings = pd.DataFrame(rows, columns=CODER_COLUMNS).astype({"start": "Int64",
                                                                "end": "Int64"})
    unique = codings.drop_duplicates(ignore_index=True)
    skipped = (reading.unlocated if skip_unlocated else []) + \
        (unmapped if skip_unmapped else [])
    if unique.empty and skipped:    # no coder file, so none to add a coding to by hand
        written = f"{CODINGS_FOLDER}/{coder}.csv"
        raise CodingsError(sorted(skipped, key=_where) + [Problem(
            f"nothing to import: each coding of the file was skipped (listed above), so "
            f"{written} is not written: correct the file"
            + (" (or map its code names with --map)" if skip_unmapped and unmapped else "")
            + f" and import it again, or write "
            f"{written} by hand with the columns seg_id,code_id,start,end,quote, a row "
            "per coding: the seg_id and offsets of the place meant (a quote found at "
            "several lists them), the code's id and the words coded", str(source))])
    if unique.empty:
        raise CodingsError("nothing to import: no codings left", file=source)
    located = {level: reading.located[level] for level in LEVELS} \
        if reading.kind in ("quotes", *LAYOUTS) or any(reading.located.values()) else {}
    read = unique.loc[unique["code_id"].isna(), "seg_id"].nunique()
    return ImportResult(unique, reading.kind, located, reading.fuzzy, reading.unlocated,
                        unmapped, reading.ignored, len(codings) - len(unique), read, crossing,
                        reading.blind, reading.notes)
