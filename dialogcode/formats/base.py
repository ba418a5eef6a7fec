"""What every format reader returns: normalised text plus blocks with offsets.

A *block* is a turn (one speaker's uninterrupted talk), a preamble (lines before the
first speaker), a heading (a title line between turns or sections) or a section (a
heading's body in field notes). Offsets are code points into ``ParsedDocument.text``,
end exclusive, and ``text[start:end]`` is the block's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..normalize import normalize_text
from .speakers import Note

# kinds of block that are kept but never coded, quoted or counted (unless configured)
NOT_TALK = ("preamble", "heading")


@dataclass
class Block:
    kind: str                       # turn | preamble | heading | section
    start: int
    end: int
    speaker: str | None = None
    section: str | None = None      # heading a section block sits under
    time_start: float | None = None  # seconds, when the source has timestamps
    time_end: float | None = None
    line: int | None = None         # line (or row) in the source file
    # line of the text as read, where a line separator (vertical tab, ...) inside a line
    # of the file starts one too: it tells turns on one line of the file apart
    read_line: int | None = None


@dataclass
class ParsedDocument:
    text: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = "transcript"         # transcript | notes
    notes: list[Note] = field(default_factory=list)   # guesses worth a person's check


class TextBuilder:
    """Renders turns from structured sources (VTT, CSV, JSON, Word tables) as
    ``Speaker: text`` paragraphs and records each turn's offsets.

    Consecutive pieces from one named speaker are joined into one turn, as captions
    split a turn into many cues, unless ``merge`` is False; pieces without a speaker
    stay apart. ``merged`` lists each run of joined pieces as (speaker, first line, last
line, number of pieces).
    """

    def __init__(self, preamble: str | None = None, *, merge: bool = True):
        self._parts: list[str] = []
        self._length = 0
        self._merge = merge
        self.blocks: list[Block] = []
        self.merged: list[tuple[str, int | None, int | None, int]] = []
        self._joined: Block | None = None    # the block merged[-1] grew
        self._joinable = False      # the last block is a turn that a next piece may join
        if preamble and preamble.strip():
            self._new_block("preamble", None, normalize_text(preamble).strip(), None, None, None)

    def add(self, speaker: str | None, text: str, *, time_start: float | None = None,
            time_end: float | None = None, line: int | None = None) -> None:
        text = " ".join(normalize_text(text).split()) if "\n" not in text else \
            normalize_text(text).strip()
        speaker = " ".join(normalize_text(speaker).split()) if speaker else None
        if not text:
            return
        last = self.blocks[-1] if self._joinable else None
        if self._merge and last is not None and speaker and last.speaker == speaker:
            if self._joined is last:
                self.merged[-1] = (speaker, last.line, line, self.merged[-1][3] + 1)
            else:
                self.merged.append((speaker, last.line, line, 2))
                self._joined = last
            self._emit(" " + text)
            last.end = self._length
            if time_end is not None:
                # a row going back in time (a typo, a clock started again) leaves the turn
                # without a known end, never one before its start
                last.time_end = (time_end if last.time_start is None
                                 or time_end >= last.time_start else None)
            return
        self._new_block("turn", speaker, text, time_start, time_end, line)
        self._joinable = True

    def add_parsed(self, parsed: ParsedDocument, line_offset: int = 0) -> None:
        """Append the text and blocks of a document parsed on its own (paragraphs after
        a Word turn table), its lines moved down by ``line_offset``. Coming after talk,
        its preamble is a section."""
        if self._parts:
            self._emit("\n\n")
        base = self._length
        self._emit(parsed.text.rstrip())
        for block in parsed.blocks:
            kind = "section" if block.kind == "preamble" else block.kind
            self.blocks.append(replace(block, kind=kind, start=block.start + base,
                                       end=block.end + base,
                                       line=None if block.line is None
                                       else block.line + line_offset,
                                       read_line=None if block.read_line is None
                                       else block.read_line + line_offset))
        self._joinable = False

    def _new_block(self, kind, speaker, text, time_start, time_end, line):
        if self._parts:
            self._emit("\n\n")
        if speaker:
            self._emit(f"{speaker}: ")
        start = self._length
        self._emit(text)
        self.blocks.append(Block(kind, start, self._length, speaker, None,
                                 time_start, time_end, line))

    def _emit(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def build(self) -> ParsedDocument:
        return ParsedDocument("".join(self._parts) + "\n", self.blocks)
