"""Which segments a coder's span codes: one rule for every way a span comes in (an
import, a coder file with offsets).

A span codes each segment of which it covers a whole word (a run of letters and
digits) or all of the text: a quote over three sentences codes all three, and one that
only grazes a segment (its leading space, a full stop, the first letters of a word)
does not code it. A span covering no whole word of any segment (a piece of one word)
codes the segment it is given in, or starts in.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def covered_segments(start: int, end: int,
                     segments: Iterable[tuple[int, int, str, str]]) -> list[str]:
    """The seg_ids, in the order given, of ``segments`` (start, end, seg_id, text, the
    segment's text being its document's ``text[start:end]``) that the span
    ``start``-``end`` codes by the rule above; empty when it covers no whole word."""
    coded = []
    for seg_start, seg_end, seg_id, text in segments:
        if not (seg_start < end and start < seg_end):
            continue
        if start <= seg_start and seg_end <= end or any(
                start <= seg_start + word.start() and seg_start + word.end() <= end
                for word in _WORD.finditer(text)):
            coded.append(seg_id)
    return coded
