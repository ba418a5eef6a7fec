"""Which segments a coder's span codes: one rule for every way a span comes in (an
import, a coder file with offsets, codings given to `agree` by offsets alone).

A span codes each segment of which it covers a whole word (a run of letters and
digits) or all of the text: a quote over three sentences codes all three, and one that
only grazes a segment (its leading space, a full stop, the first letters of a word)
does not code it. A span covering no whole word of any segment (a piece of one word)
codes the segment it is given in, or starts in. Another speaker's words in brackets
that cut a turn in two (``P1: Debt [Coach: go on] and wages``: :func:`interjections`)
are not coded by a span that codes the turn's words beside them: they are the quoted
speaker's passage, not the interjector's words. A coder file's offsets that are no span
of the segment their seg_id names are refused (:func:`span_problems`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .recut import span_moved
from .segment import turn_lines

_WORD = re.compile(r"\w+")


def codes(start: int, end: int, seg_start: int, seg_end: int, text: str) -> bool:
    """Whether the span ``start``-``end`` codes the segment ``seg_start``-``seg_end``
    whose text is ``text`` (its document's ``text[seg_start:seg_end]``): it covers all
    of it or a whole word of it."""
    if not (seg_start < end and start < seg_end):
        return False
    return start <= seg_start and seg_end <= end or any(
        start <= seg_start + word.start() and seg_start + word.end() <= end
        for word in _WORD.finditer(text))


def covered_segments(start: int, end: int, segments: Iterable[tuple[int, int, str, str]],
                     cut: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """The seg_ids, in the order given, of ``segments`` (start, end, seg_id, text) that
    the span ``start``-``end`` codes (:func:`codes`), but for an interjection of ``cut``
    (:func:`interjections`) beside a piece of its turn it codes; empty when it covers no
    whole word of any."""
    coded = [seg_id for seg_start, seg_end, seg_id, text in segments
             if codes(start, end, seg_start, seg_end, text)]
    return [seg for seg in coded if not set((cut or {}).get(seg, ())) & set(coded)]


def interjections(segments) -> dict[str, tuple[str, str]]:
    """seg_id -> the segments just before and after it, of a segments table (sorted by
    document and start), where those two are one speaker's on its line and it is
    another speaker's: their words in brackets that cut the turn (``[Coach: go on]``).
    Empty without the ``line`` and ``speaker`` columns."""
    if not {"line", "speaker"} <= set(segments):
        return {}
    # a missing line or speaker (pandas' NA, which cannot be compared) as None
    known = lambda values: values.astype(object).where(values.notna(), None)  # noqa: E731
    rows = list(zip(segments["doc_id"], known(turn_lines(segments)), known(segments["speaker"]),
                    segments["seg_id"]))
    return {seg: (a[3], b[3]) for a, (doc, line, who, seg), b in zip(rows, rows[1:], rows[2:])
            if line is not None and a[0] == doc == b[0] and a[1] == line == b[1]
            and a[2] == b[2] != who and isinstance(who, str) and isinstance(a[2], str)}


def span_problems(table: pd.DataFrame, bounds: np.ndarray, known: np.ndarray,
                  doc_ids: np.ndarray, segments: pd.DataFrame) -> list[tuple[int, str]]:
    """(line, why) for each row whose offsets are not a span of its segment: one
    offset without the other, not whole numbers with 0 <= start < end, or a span not
    overlapping the segment its ``seg_id`` names (``bounds``, its start and end per row,
    where ``known``; ``doc_ids``, its document), whose words are another's of
    ``segments`` (:func:`~.recut.span_moved`), or none."""
    found = []
    for line, seg, a, b, (seg_start, seg_end), ok, doc in zip(
            table.index, table["seg_id"], table["start"], table["end"], bounds, known,
            doc_ids):
        if pd.isna(a) and pd.isna(b):
            continue
        if pd.isna(a) or pd.isna(b):
            found.append((line, "give both start and end, or neither (the whole segment)"))
        elif not (float(a).is_integer() and float(b).is_integer() and 0 <= a < b):
            found.append((line, f"start {a:g} and end {b:g}: give whole numbers with 0 <= "
                                "start < end"))
        elif ok and not (a < seg_end and b > seg_start):
            found.append((line, f"the span {a:g}-{b:g} lies outside segment {seg} "
                                f"({seg_start:g}-{seg_end:g})"
                                + span_moved(segments, doc, a, b)))
    return found
