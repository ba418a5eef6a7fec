"""Field notes in Markdown or plain text: each heading's body is a ``section`` block.

A Markdown heading (``## Setting``) is not a block: its title is the ``section`` of the
block under it. A plain heading (a short line standing alone, such as ``Site visit``,
or a Word heading, see :func:`~dialogcode.formats.headings.heading_lines`) is a
``heading`` block of its own, so its text stays in the segments but is never coded.
"""
from __future__ import annotations

import re
from collections import Counter

from . import speakers
from .base import Block, ParsedDocument
from .headings import HEADING, heading_lines
from .lines import line_at, span

# a line alone after a blank line (or opening the text), the words right below it
ALONE_ABOVE = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*(?P<name>[^\n]{1,40}?)[ \t]*\n(?=[ \t]*\S)")
# a label and a dash opening a line: `Maria – Housing.`
DASH_LABEL = re.compile(r"^[ \t]*(?P<name>[^\W\d_][^\n:]{0,39}?)[ \t]+[-\u2013\u2014][ \t]+\S",
                        re.MULTILINE)
# a label after a date or time opening a line, as chats are exported: `[12/03/2024,
# 10:01:05] Ana Ruiz:`, `12/03/2024, 10:01 - Ana Ruiz:`, `10:01:05 From Ana Ruiz to Everyone:`
CHAT_LABEL = re.compile(r"^[ \t]*\[?(?:[\d/.-]{6,10},?[ \t]+)?\d{1,2}:\d{2}(?::\d{2})?"
                        r"(?:[ \t]*[AaPp]\.?[Mm]\.?)?\]?[ \t]*(?:[-\u2013][ \t]*)?(?:From[ \t]+)?"
                        r"(?P<name>[^\W\d_][^\n:]{0,39}?)(?:[ \t]+to[ \t]+[^\n:]{1,40}?)?[ \t]*:",
                        re.MULTILINE)


def find_headings(text: str) -> list[re.Match]:
    return list(HEADING.finditer(text))


def parse_notes(text: str, styled: frozenset[int] = frozenset()) -> ParsedDocument:
    """Preamble, heading and section blocks; ``styled``: numbers of lines that are
    headings by their Word style."""
    marked = [(m.start(), m.end(), m["title"], False) for m in find_headings(text)]
    plain = [(s, e, text[s:e], True) for s, e in heading_lines(text, styled)
             if not any(ms <= s < me for ms, me, _, _ in marked)]
    marks = sorted(marked + plain)
    blocks: list[Block] = []
    first = marks[0][0] if marks else len(text)
    start, end = span(text, 0, first)
    if end > start:
        kind = "preamble" if marks else "section"
        blocks.append(Block(kind, start, end, line=line_at(text, start)))
    for i, (mark, after, title, own_block) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if own_block:
            blocks.append(Block("heading", mark, after, line=line_at(text, mark)))
        start, end = span(text, after, stop)
        if end > start:
            blocks.append(Block("section", start, end, section=title,
                                line=line_at(text, start if own_block else mark)))
    return ParsedDocument(text, blocks, kind="notes")


def stacked_labels(text: str) -> list[speakers.Note]:
    """Notes for field notes whose paragraphs or lines open with a speaker's label
    written without a colon: alone on its line above the words (``INTERVIEWER``), or
    before a dash (``Maria – Housing.``), as some transcripts are written, or after a
    date or time, as chats are exported (``[12/03/2024, 10:01:05] Maria:``): roles, or
    names used so twice or more (in capitals, alone on a line). Read as field notes,
    every speaker's words are one section; the note says how to write them as turns."""
    return [note for note in (
        _labels_without_colon(text, ALONE_ABOVE, "stand alone on a line above words",
                              capitals=True),
        _labels_without_colon(text, DASH_LABEL, "open lines before a dash",
                              capitals=False),
        _labels_without_colon(text, CHAT_LABEL, "open lines after a date or time",
                              capitals=False, chat=True)) if note]


def _labels_without_colon(text: str, pattern: re.Pattern, where: str, *, capitals: bool,
                          chat: bool = False) -> speakers.Note | None:
    found = [(m["name"], line_at(text, m.start("name"))) for m in pattern.finditer(text)]
    uses = Counter(name for name, _ in found)
    kept = [(name, line) for name, line in found if speakers.plausible(name) and (
        speakers.ROLE.match(name) or (uses[name] > 1 and (
            name.isupper() if capitals else speakers.name_like(name))))]
    if len(kept) < 2:
        return None
    named = ", ".join(f"`{name}` ({uses[name]} line{'s' * (uses[name] > 1)})"
                      for name in dict.fromkeys(name for name, _ in kept))
    written, fix = (("as a chat export writes speakers' labels",
                      f"each line as a turn (`[10:01:05] {kept[0][0]}: ...`)") if chat else
                     ("as speakers' labels written without a colon",
                      f"each label with a colon (`{kept[0][0]}: ...`)"))
    return speakers.Note(kept[0][1], (
        f"{named} {where}, {written}: read as field notes, their words are not told "
        f"apart by speaker; if they are speakers, write {fix}"))
