"""Choosing the units of an agreement study: which segments count.

Therapist codes scored on client turns, or one site's talk mixed with another's, change
what an agreement figure means, so the units are chosen and named. Each filter takes
glob patterns (``P*``, ``client``; case does not matter): a segment passes a filter when
it matches any of its patterns, and is a unit when it passes every filter given.
"""
from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

import pandas as pd

from ..errors import ArgumentError
from .coverage import listed

# columns whose values are listed in a message: ids, places, kinds, dates and counts; the
# values of any other (speaker labels, headings, the words, a document's title, a
# manifest's own columns) may name people, and no privacy gate masks a message: counted
_LISTED = frozenset({"seg_id", "doc_id", "unit", "ordinal", "turn", "kind", "start", "end",
                     "n_words", "backchannel", "time_start", "time_end", "line", "read_line",
                     "codable", "site", "event_type", "date", "phase", "format",
                     "n_segments"})


class SelectionError(ArgumentError):
    """A unit filter names no column, is not COLUMN=VALUE, or leaves no segment (bad
    usage, exit 2)."""


@dataclass(frozen=True)
class Selection:
    """The chosen segments and how they were chosen (``"all segments"`` when no filter)."""

    seg_ids: pd.Index
    description: str


def _matches(values: pd.Series, patterns: list[str]) -> pd.Series:
    folded = values.fillna("").astype(str).str.casefold()
    keys = pd.unique(folded)
    hits = {key for key in keys if any(fnmatchcase(key, p.casefold()) for p in patterns)}
    return folded.isin(hits)


def parse_where(items) -> list[tuple[str, str]]:
    """[(column, value pattern)] from ``COLUMN=VALUE`` strings."""
    pairs = []
    for item in items:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise SelectionError(f"--where {item!r}: write COLUMN=VALUE, e.g. speaker=P3")
        pairs.append((column.strip(), value.strip()))
    return pairs


def select_units(segments: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                 speaker=(), site=(), event_type=(), document=(), where=()) -> Selection:
    """The segments that pass every filter given: ``speaker`` (segment speaker label),
    ``site`` and ``event_type`` (document columns), ``document`` (doc_id) and ``where``
    (``COLUMN=VALUE`` on any segment or document column). Raises SelectionError for an
    unknown column or when no segment is left."""
    filters: dict[str, list[str]] = {}
    for column, patterns in (("speaker", speaker), ("site", site),
                             ("event_type", event_type), ("doc_id", document)):
        filters.setdefault(column, []).extend(patterns)
    for column, pattern in parse_where(where):
        filters.setdefault(column, []).append(pattern)
    filters = {column: patterns for column, patterns in filters.items() if patterns}
    doc_columns = set(documents.columns) if documents is not None else set()
    unknown = [c for c in filters if c not in segments and c not in doc_columns]
    if unknown:
        known = sorted((set(segments.columns) | doc_columns) - {"text"})
        raise SelectionError(f"no column {unknown[0]!r} in the segments or documents "
                             f"(columns: {', '.join(known)})")
    passes = {}
    for column, patterns in filters.items():
        if column in segments:
            passes[column] = _matches(segments[column], patterns)
        else:
            chosen = documents.loc[_matches(documents[column], patterns), "doc_id"]
            passes[column] = segments["doc_id"].isin(set(chosen))
    described = {column: f"{column} {' or '.join(patterns)}"
                 for column, patterns in filters.items()}
    keep = pd.Series(True, index=segments.index)
    for passed in passes.values():
        keep &= passed
    description = "; ".join(described.values()) or "all segments"
    if not keep.any():
        raise SelectionError(f"no segment matches {description}"
                              + _found(segments, documents, passes, described))
    return Selection(pd.Index(segments.loc[keep, "seg_id"]), description)


def _found(segments: pd.DataFrame, documents: pd.DataFrame | None,
           passes: dict[str, pd.Series], described: dict[str, str]) -> str:
    """What each filter could have matched: its column's values, most common first, in
    the segments the other filters pass (in all segments where they pass none); of a
    column that may hold people's names (speaker labels, headings, titles, a manifest's
    own columns), how many there are."""
    said = []
    for column in passes:
        others = pd.Series(True, index=segments.index)
        for other, passed in passes.items():
            if other != column:
                others &= passed
        where = " and ".join(d for c, d in described.items() if c != column)
        if not others.any():
            others, where = pd.Series(True, index=segments.index), ""
        values = (segments.loc[others, column] if column in segments else
                  segments.loc[others, ["doc_id"]].merge(documents, on="doc_id")[column])
        counts = values.fillna("").astype(str).value_counts()
        found = (f"{column} values: {listed(counts.index, 10)}" if column in _LISTED else
                 f"{len(counts)} {column} value(s), none matching: see the "
                 f"{'segments' if column in segments else 'documents'} table")
        said.append((f"with {where}, " if where else "") + found)
    return f" ({'; '.join(said)})"
