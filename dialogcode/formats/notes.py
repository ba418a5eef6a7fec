"""Field notes in Markdown or plain text: each heading's body is a ``section`` block."""
from __future__ import annotations

import re

from .base import Block, ParsedDocument
from .plaintext import line_at, span

HEADING = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<title>.+?)[ \t#]*$", re.MULTILINE)


def find_headings(text: str) -> list[re.Match]:
    return list(HEADING.finditer(text))


def parse_notes(text: str) -> ParsedDocument:
    headings = find_headings(text)
    blocks: list[Block] = []
    first = headings[0].start() if headings else len(text)
    start, end = span(text, 0, first)
    if end > start:
        kind = "preamble" if headings else "section"
        blocks.append(Block(kind, start, end, line=line_at(text, start)))
    for i, heading in enumerate(headings):
        stop = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        start, end = span(text, heading.end(), stop)
        if end > start:
            blocks.append(Block("section", start, end, section=heading["title"],
                                line=line_at(text, heading.start())))
    return ParsedDocument(text, blocks, kind="notes")
