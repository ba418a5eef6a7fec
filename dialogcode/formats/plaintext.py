"""Plain-text transcripts: ``P3: ...``, ``[P3] ...`` or ``#P3: ...`` turns.

A turn runs from its label to the next speaker line, so it may span several lines
and paragraphs. Lines before the first speaker become a ``preamble`` block.
"""
from __future__ import annotations

import re

from . import speakers
from .base import Block, ParsedDocument

TURN = re.compile(
    r"^(?:\[(?P<bracket>[^\]\n]{1,40})\][ \t]*"
    r"|#(?P<hash>[^\s#:][^:\n]{0,39}):[ \t]*"
    r"|(?P<colon>[^\W\d_][^:\n]{0,39}):(?:[ \t]+|$))",
    re.MULTILINE,
)


def find_turns(text: str) -> list[tuple[int, int, str]]:
    """(line start, text start, speaker) for every accepted speaker line."""
    hits = [(m.start(), m.end(), (m["bracket"] or m["hash"] or m["colon"]).strip())
            for m in TURN.finditer(text)]
    keep = speakers.accepted([label for _, _, label in hits])
    return [hit for hit in hits if hit[2] in keep]


def span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_turns(text: str, turns: list[tuple[int, int, str]] | None = None) -> ParsedDocument:
    """Split normalised ``text`` into preamble and turn blocks."""
    turns = find_turns(text) if turns is None else turns
    blocks: list[Block] = []
    first = turns[0][0] if turns else len(text)
    start, end = span(text, 0, first)
    if end > start:
        blocks.append(Block("preamble", start, end, line=line_at(text, start)))
    for i, (line_start, body, label) in enumerate(turns):
        stop = turns[i + 1][0] if i + 1 < len(turns) else len(text)
        start, end = span(text, body, stop)
        if end > start:
            blocks.append(Block("turn", start, end, label, line=line_at(text, line_start)))
    return ParsedDocument(text, blocks)
