"""Where things are in a text: lines, paragraphs and their offsets."""
from __future__ import annotations

import re
from bisect import bisect_left

from ..memo import last_texts

# the end of a sentence, maybe inside quotes or brackets, then maybe spaces: `Where?`,
# `"Go."`, `(laughs.)`, `走了。`, `「好！」`
SENTENCE_END = re.compile(r"[.?!…。？！][\"'”’)\]」』）]*\s*$")


def line_at(text: str, offset: int) -> int:
    """The line (from 1) of ``text`` that ``offset`` is on."""
    return bisect_left(_newlines(text), offset) + 1


@last_texts(4)
def _newlines(text: str) -> list[int]:
    """Offsets of the line breaks of ``text``, found once per text (so that numbering
    every block of a long file does not count its lines again each time)."""
    return [match.start() for match in re.finditer("\n", text)]


def rest_of_line(text: str, offset: int) -> str:
    """``text`` from ``offset`` to the end of its line (without copying the rest of a
    long text, as ``text[offset:].split("\\n", 1)[0]`` would)."""
    end = text.find("\n", offset)
    return text[offset:len(text) if end < 0 else end]


def span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def lines_of(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of ``text``."""
    found, offset = [], 0
    for line in text.split("\n"):
        found.append((offset, line))
        offset += len(line) + 1
    return found


def paragraph_starts(lines: list[tuple[int, str]]) -> set[int]:
    """Offsets of the lines that open a paragraph (non-blank after a blank or the start)."""
    starts, previous = set(), ""
    for offset, line in lines:
        if line.strip() and not previous.strip():
            starts.add(offset)
        previous = line
    return starts
