"""Word ``.docx`` transcripts: paragraphs (``P2: text``) or tables of
timestamp | speaker | text rows.

A table is a turn table when its header row names a text column (see
:mod:`~dialogcode.formats.columns`), or, without a header row, when its columns look like
time | speaker | text or speaker | text. Paragraphs before the first turn table become
the preamble; paragraphs and other tables after it are read like a ``.txt`` file
(turns, headings, sections), so no text is left out. Paragraphs in a Heading or Title
style are headings.

The file is checked against the limits (:mod:`dialogcode.limits`) before python-docx
opens it, and python-docx is only asked for the paragraphs' style and the tables' cells
(the text is read as Word shows it, :mod:`~dialogcode.formats.wordtext`): whatever it
raises on a damaged file becomes an IngestError.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from functools import partial

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import OpcError
from docx.oxml.exceptions import XmlchemyError
from docx.oxml.ns import qn
from lxml.etree import LxmlError

from ..errors import IngestError, Problem
from ..limits import DEFAULT, Limits, open_zip, scan_xml
from ..normalize import normalize_text, unify_line_breaks
from .base import ParsedDocument, TextBuilder
from .clock import backwards, clock_times
from .columns import find_columns, guess_columns, parse_time
from .speakers import Note
from .tables import one_text_column, speakerless_notes, time_unit
from .wordtext import MergedDown, block_items, paragraph_text, table_rows

WHAT = "Word .docx file"
# what python-docx raises on a file whose parts are not what Word writes (LookupError:
# KeyError, IndexError, an unknown encoding)
DAMAGED = (OpcError, PythonDocxError, XmlchemyError, LxmlError, zipfile.BadZipFile,
           zlib.error, EOFError, LookupError, ValueError, AttributeError, TypeError)


@dataclass(frozen=True)
class _Paragraph:
    text: str
    heading: bool     # in a Heading or Title style


@dataclass
class _Text:
    """Paragraphs (and tables that are not turn tables) as lines of text."""

    lines: list[str] = field(default_factory=list)
    styled: set[int] = field(default_factory=set)   # numbers of heading lines, from 1
    first: int = 1                                  # the document line of lines[0]

    def body(self) -> tuple[str, int]:
        """The text without the empty lines around it, and how many lead it."""
        joined = "\n".join(self.lines)
        return joined.strip("\n") + "\n", len(joined) - len(joined.lstrip("\n"))


def _content(data: bytes, source: str, limits: Limits) -> list[_Paragraph | list[list[str]]]:
    """The document body in order: paragraphs, and tables as rows of cell texts."""
    stream = io.BytesIO(data)
    with open_zip(stream, source, WHAT, limits, IngestError) as archive:
        scan_xml(archive, source, limits, IngestError)
    try:
        document = docx.Document(stream)
        # style names by id, looked up once: python-docx's Paragraph.style searches every
        # style for a paragraph without one, which is slow for long documents
        names = {style.style_id: style.name or "" for style in document.styles}
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        default_name = (default.name if default is not None else "") or ""
        items: list[_Paragraph | list[list[str]]] = []
        for item in block_items(document.element.body):
            if item.tag == qn("w:tbl"):
                items.append(table_rows(item))
            else:
                style = names.get(item.style) or default_name
                items.append(_Paragraph(paragraph_text(item),
                                        style.startswith(("Heading", "Title"))))
        return items
    except DAMAGED as exc:
        reason = ("it is not a Word document" if "is not a Word file" in str(exc)
                  else f"its parts are not what Word writes ({type(exc).__name__}: {exc})")
        raise IngestError(f"not a readable {WHAT}: {reason}", file=source) from None


def parse_docx(data: bytes, source: str, columns: dict[str, str] | None = None, *,
               forced: frozenset[str] = frozenset(), limits: Limits = DEFAULT,
               turn_times: str | None = None) -> ParsedDocument:
    """Blocks of the Word document in ``data``; raises IngestError naming ``source``.
    ``turn_times``: what its paragraphs' turn times are (:func:`~.parse_text`)."""
    from . import parse_text as parse_plain  # paragraphs are parsed as plain text

    parse_text = partial(parse_plain, turn_times=turn_times)

    builder: TextBuilder | None = None
    text = _Text()
    notes: list[Note] = []
    for item in _content(data, source, limits):
        if isinstance(item, list):
            table = _turn_table(item, columns, source)
            if table is not None:
                rows, first, found, per_second, note = table
                if builder is None:
                    builder = TextBuilder(preamble="\n".join(text.lines))
                else:
                    _add_text(builder, text, source, forced, parse_text, notes)
                notes += _add_turns(builder, rows, first, found, per_second, source,
                                    turn_times)
                notes += [note] if note else []
                text = _Text(first=text.first + len(text.lines) + len(item))
                continue
            new = [unify_line_breaks(normalize_text("\t".join(row))) for row in item]
        else:
            new = [unify_line_breaks(normalize_text(item.text))]
            if item.heading and new[0].strip():
                text.styled.add(len(text.lines) + 1)
        text.lines.extend(line for piece in new for line in piece.split("\n"))
    if builder is None:
        return _paragraphs(text, source, forced, parse_text)
    _add_text(builder, text, source, forced, parse_text, notes)
    parsed = builder.build()
    parsed.notes = notes + parsed.notes
    return parsed


def _paragraphs(text: _Text, source: str, forced, parse_text, *, after_talk: bool = False,
                shift: int = 0) -> ParsedDocument:
    """Paragraphs read like a .txt file, lines numbered from their first non-empty one;
    a line a note names in its words is ``shift`` lines further down (the document's)."""
    body, lead = text.body()
    if not body.strip():
        raise IngestError("the Word document has no text", file=source)
    return parse_text(body, source, "txt", forced=forced, after_talk=after_talk,
                      headings=frozenset(n - lead for n in text.styled),
                      shown=lambda line: line + shift)


def _add_text(builder: TextBuilder, text: _Text, source: str, forced, parse_text,
              notes: list[Note]) -> None:
    """Paragraphs after a turn table, read like a .txt file, appended to ``builder``."""
    body, lead = text.body()
    if not body.strip():
        return
    shift = text.first - 1 + lead
    try:
        parsed = _paragraphs(text, source, forced, parse_text, after_talk=True, shift=shift)
    except IngestError as exc:      # a turn time's line (out of order), in the document
        raise IngestError([replace(problem, line=problem.line and problem.line + shift)
                           for problem in exc.problems]) from None
    builder.add_parsed(parsed, shift)
    notes += [Note(note.line + shift, note.message) for note in parsed.notes]


def _turn_table(rows: list[list[str]], columns: dict[str, str] | None, source: str):
    """(rows, number of the first, roles, the start and end columns' units (1000 for
    milliseconds, else 1), note) when ``rows`` is a turn table, else None. Times are
    milliseconds as in a CSV table (:func:`~.tables.time_unit`); the note says so, or
    how a table without a header row was read. Raises IngestError for a start column
    named as milliseconds beside an end column that is not, or the other way round, and
    for words in a second column named like the text (:func:`~.tables.one_text_column`)."""
    found = find_columns(rows[0] if rows else [], columns, source, required=False)
    if found is not None:
        cells = lambda row, role: (row[found[role]] if role in found  # noqa: E731
                                   and found[role] < len(row) else None)
        talk = [(number, row) for number, row in enumerate(rows[1:], start=2)
                if (cells(row, "text") or "").strip()
                and not isinstance(cells(row, "text"), MergedDown)]
        one_text_column(rows[0], found, list(enumerate(rows[1:], start=2)), columns, source)
        per_second, evidence = time_unit(rows[0], found, talk, cells, source)
        return (rows[1:], 2, found, per_second,
                Note(talk[0][0], evidence) if evidence else None)
    found = guess_columns(rows)
    if found is None:
        return None
    layout = " | ".join(role if role != "start" else "time"
                        for role in sorted(found, key=found.get))
    return (rows, 1, found, {"start": 1, "end": 1},
            Note(1, f"a table without a header row read as {layout}"))


def _add_turns(builder: TextBuilder, rows: list[list[str]], first: int,
               found: dict[str, int], per_second: dict[str, float], source: str,
               turn_times: str | None = None) -> list[Note]:
    """Turns from table ``rows``, the first of them row number ``first``, a note for
    each row with words but no text (a part title spanning the table) and one for rows
    without a speaker among rows with one (:func:`~.tables.speakerless_notes`). Raises
    IngestError listing every row whose time cannot be read or that ends before it
    starts, as a CSV table does, and, as for a paragraph's
    turn times, for a first time from 05:00:00 to 06:59:59 without AM or PM unless
    ``turn_times`` says what it is. Times of day and dates are read from the first
    row's (:mod:`~.clock`), with a note, unless ``turn_times`` says they are
    ``"offsets"``; ``"clock"`` reads them so whatever the first's hour. A start before
    the one above it is noted (:func:`~.clock.backwards`)."""
    problems, notes, talk, speakerless, starts = [], [], 0, [], []

    def cell(row: list[str], role: str) -> str | None:
        return row[found[role]] if found.get(role, len(row)) < len(row) else None

    timed = [(number, cell(row, "start"), cell(row, "end"))
             for number, row in enumerate(rows, start=first)
             if (cell(row, "text") or "").strip()
             and not isinstance(cell(row, "text"), MergedDown)]
    clock, said = (clock_times(timed, source, turn_times=turn_times)
                   if "start" in found and timed and set(per_second.values()) == {1}
                   else (None, None))
    notes += [Note(timed[0][0], said)] if said else []
    for number, row in enumerate(rows, start=first):
        speaker, text, start, end = (cell(row, role)
                                     for role in ("speaker", "text", "start", "end"))
        if isinstance(text, MergedDown):     # read in the row it is merged down from
            continue
        words = [cell.strip() for cell in row if cell.strip()]
        if not (text or "").strip() and words:
            notes.append(Note(number, f"table row with no text ({' | '.join(words)[:60]!r}), "
                                      "so no turn: move it out of the table or into the text "
                                      "column if it is talk"))
            continue
        try:
            times = [clock(value, number) if clock else
                     parse_time(value, source, number, per_second=per_second[role])
                     for value, role in ((start, "start"), (end, "end"))]
        except IngestError as exc:
            problems += exc.problems
            continue
        if None not in times and times[1] < times[0]:
            problems.append(Problem(f"the end time {end.strip()!r} is before the start "
                                    f"time {start.strip()!r}", source, number))
            continue
        starts.append((number, (start or "").strip(), times[0], (speaker or "").strip()))
        # a cell's paragraphs are read as lines, as the document's are: a page break in
        # one is a line break of the turn, not a form feed
        builder.add(speaker, unify_line_breaks(text or ""), time_start=times[0],
                    time_end=times[1], line=number)
        if (text or "").strip():
            talk += 1
            speakerless += [] if (speaker or "").strip() else [number]
    if problems:
        raise IngestError(problems)
    notes += speakerless_notes(speakerless, talk) if "speaker" in found else []
    notes += backwards(
        [(number, stamp) for number, stamp, *_ in starts], [at for *_, at, _ in starts],
        offsets=clock is None, speakers=[who for *_, who in starts])
    return sorted(notes, key=lambda note: note.line)
