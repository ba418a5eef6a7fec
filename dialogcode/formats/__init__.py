"""Transcript formats. :func:`read_document` picks a reader by extension (or the
manifest's ``format``) and returns a :class:`ParsedDocument` with normalised text."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..errors import IngestError
from ..limits import DEFAULT, Limits, check_size
from ..normalize import decode, read_lines
from .asides import split_asides
from .base import Block, ParsedDocument
from .captions import caption_shaped, parse_captions, timing_note
from .entries import category_notes, observer_lines
from .headings import heading_lines, markdown_headings, recap_lines
from .jsonturns import parse_json
from .notes import parse_notes, stacked_labels
from .otter import (beside_turns, bold_names, find_headers, markdown_note, one_word_names,
                    parse_otter, timed_headings, times_then_names)
from .plaintext import (find_turns, marked_turns, missed_speakers, mostly_turns,
                        observer_turns, parse_turns, read_times)
from .speakers import one_spelling
from .tabbed import tabbed_lines, tabbed_turns
from .tables import parse_csv, parse_xlsx
from .timemarks import time_heading, time_marks
from .word import parse_docx

# format name -> file extensions
FORMATS = {
    "txt": (".txt", ".text"),
    "md": (".md", ".markdown"),
    "vtt": (".vtt",),
    "srt": (".srt",),
    "docx": (".docx",),
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "json": (".json",),
    "jsonl": (".jsonl", ".ndjson"),
}
# plain-text layouts that can be forced with the manifest's `format` column
LAYOUTS = ("turns", "otter", "notes")
EXTENSIONS = {ext: name for name, exts in FORMATS.items() for ext in exts}

__all__ = ["Block", "ParsedDocument", "FORMATS", "LAYOUTS", "EXTENSIONS", "read_document",
           "parse_text", "format_of"]


def format_of(path: Path) -> str | None:
    return EXTENSIONS.get(path.suffix.lower())


def parse_text(text: str, source: str, fmt: str, *, forced: frozenset[str] = frozenset(),
               headings: frozenset[int] = frozenset(), after_talk: bool = False,
               turn_times: str | None = None, shown: Callable[[int], int] | None = None
               ) -> ParsedDocument:
    """Parse already-decoded plain text: turns, Otter, or notes.

    A .txt file is read as Otter when it has ``Name  0:49`` lines (but for lines of a
    time then a name among ``Name:`` turns, of a .md file too: both are read as turns,
    :func:`~.otter.times_then_names`), as turns when it has
    speaker labels (unless it has Markdown headings and fewer than three turns), and as
    field notes otherwise. A .md file is read as turns only when they open most of its
    paragraphs or lines (:func:`~.plaintext.mostly_turns`), else as notes; so is a .txt
    file with labels after list or quote markers (``- P1: ...``), unless its other
    labels alone make it turns. ``forced``: labels that are speakers; ``headings``: numbers of lines that are headings (Word
    heading styles); ``after_talk``: the text follows talk, so it has no preamble (see
    :func:`~.plaintext.parse_turns`); ``turn_times``: whether turn times are
    ``"offsets"`` or ``"clock"`` times of day, None to tell from them
    (:func:`~.plaintext.read_times`); ``shown``: the line a note names in its words for
    a line of ``text`` (:func:`~dialogcode.normalize.read_lines`).
    """
    if fmt == "txt" and caption_shaped(text):
        return parse_captions(text, source, vtt=text.lstrip("\ufeff\n").startswith("WEBVTT"),
                              forced=forced, shown=shown)
    mixed = False
    if fmt not in ("notes", "otter"):
        headers = find_headers(text, forced) if fmt != "turns" else []
        turns, notes = find_turns(text, forced)
        # `[00:00:05] Ana Ruiz` lines among `Facilitator:` turns: both are speakers' (a
        # Markdown file is never read as an Otter export: without such turns, as notes)
        mixed = beside_turns(text, headers, turns, forced)
        if fmt != "md" and len(headers) >= 2 and not mixed:
            return parse_otter(text, source, headers, shown)
        named, timed, more = times_then_names(
            text, headers if mixed or fmt != "md" else [], forced) if turns else ([], [], [])
        turns, notes = sorted(turns + named, key=lambda t: t.start), notes + more
        plain = len(turns)
        turns, more = marked_turns(text, turns, forced,    # `- P1: ...`, `> P1: ...`
                                   markdown=fmt == "md")
        notes += more
        listed = len(turns) > plain
        tabbed = tabbed_turns(text, forced, turns)
        if tabbed:      # with any `Name:` lines above or among them
            turns, notes = sorted(turns + tabbed[0], key=lambda t: t.start), notes + tabbed[1]
            plain += len(tabbed[0])
        marked = markdown_headings(text)
        if (fmt == "turns" or ((fmt == "md" or listed) and mostly_turns(text, turns, forced))
                or (fmt != "md" and (plain >= 3 or (plain and not marked)))):
            marked = marked if fmt == "md" else markdown_headings(text, alone=True)
            # a time alone is no heading: written as nobody says one, a marker in a
            # turn; as someone says it (`10:30`), the turn's words, but between turns
            starts = frozenset(t.start if t.lead is None else t.lead for t in turns)
            found = [(s, e) for s, e in set(heading_lines(text, headings) + marked + recap_lines(
                text, forced, [(t.start, t.body, t.speaker) for t in turns])
                + timed_headings(text) + timed) if not time_heading(text, s, e, starts)]
            lines = observer_lines(text, turns, forced)
            turns, said = time_marks(text, turns, [s for s, _ in found] + lines)
            turns, clocked = read_times(text, turns, source, turn_times, shown)
            entries = observer_turns(text, turns, lines)
            return parse_turns(text, sorted(turns + entries, key=lambda t: t.start),
                               notes + said + clocked + category_notes(text, forced)
                               + timing_note(text), sorted(found),
                               after_talk=after_talk, markdown=fmt == "md")
    elif fmt == "otter":
        return parse_otter(text, source, find_headers(text, forced), shown)
    parsed = parse_notes(text, headings)
    parsed.notes = sorted(tabbed_lines(text, shown) + missed_speakers(text, forced)
                          + category_notes(text, forced) + stacked_labels(text)
                          # among `Name:` turns listing the names reads them in .md too
                          + one_word_names(text, forced, markdown=fmt == "md" and not mixed)
                          + (markdown_note(text) if fmt == "md" else bold_names(text))
                          + timing_note(text),
                          key=lambda note: note.line)
    return parsed


def read_document(path: Path, *, source: str | None = None, fmt: str | None = None,
                  encoding: str = "utf-8", columns: dict[str, str] | None = None,
                  speakers: frozenset[str] = frozenset(), merge_turns: bool = True,
                  turn_times: str | None = None, limits: Limits = DEFAULT
                  ) -> tuple[ParsedDocument, str]:
    """Read one transcript file; ``speakers`` are labels to take as speakers wherever
    they open a line or cue; ``merge_turns`` False keeps each row of a CSV, XLSX,
    JSON or JSONL file its own turn; ``turn_times`` says what a transcript's turn
    times are, ``"offsets"`` or ``"clock"`` times of day (:func:`~.clock.clock_times`),
    None to tell from them (a caption file's are offsets); ``limits`` bound what reading it
    may cost (:mod:`dialogcode.limits`).

    Returns the parsed document and its format name. Raises IngestError naming the
    file (and line where known) for anything it cannot read or that is over a limit.
    """
    source = source or str(path)
    fmt = fmt or format_of(path)
    if fmt is None:
        raise IngestError(f"unknown file type {path.suffix!r}; dialogcode reads "
                          f"{', '.join(sorted(EXTENSIONS))}", file=source)
    try:
        check_size(path, source, limits, IngestError)
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror}", file=source) from None
    if fmt == "docx":
        parsed = parse_docx(data, source, columns, forced=speakers, limits=limits,
                            turn_times=turn_times)
    elif fmt == "xlsx":
        parsed = parse_xlsx(data, source, columns, merge=merge_turns, limits=limits,
                            turn_times=turn_times)
    else:
        text = decode(data, source, encoding)
        if fmt == "csv":
            parsed = parse_csv(text, source, columns, merge=merge_turns,
                               turn_times=turn_times)
        elif fmt in ("json", "jsonl"):
            parsed = parse_json(text, source, columns, lines=fmt == "jsonl",
                                merge=merge_turns, limits=limits, turn_times=turn_times)
        elif fmt in ("vtt", "srt"):
            parsed = _by_file_lines(text, lambda text, shown: parse_captions(
                text, source, vtt=fmt == "vtt", forced=speakers, shown=shown))
        else:
            parsed = _by_file_lines(text, lambda text, shown: parse_text(
                text, source, fmt, forced=speakers, turn_times=turn_times, shown=shown))
    if not parsed.blocks:
        raise IngestError("no text found", file=source)
    return _one_spelling(split_asides(parsed, speakers), speakers), fmt


def _by_file_lines(text: str, parse: Callable[[str, Callable[[int], int]], ParsedDocument]
                   ) -> ParsedDocument:
    """``parse`` of ``text`` read as lines (:func:`~dialogcode.normalize.read_lines`),
    with the lines its blocks, notes and errors name those of the file, as an editor
    shows them: a line separator, vertical tab, NEL or form feed parts turns as a line
    break does, but starts no line of the file. ``parse`` is given the text and the
    function giving the file's line of a line of it, for lines a note names in its
    words."""
    text, lines = read_lines(text)

    def line(number):
        return lines[min(number, len(lines)) - 1] if number else number

    try:
        parsed = parse(text, line)
    except IngestError as exc:
        raise IngestError([replace(p, line=line(p.line)) for p in exc.problems]) from None
    return replace(parsed, blocks=[replace(b, line=line(b.line),
                                           read_line=b.read_line or b.line)
                                   for b in parsed.blocks],
                   notes=[replace(n, line=line(n.line)) for n in parsed.notes])


def _one_spelling(parsed: ParsedDocument, forced: frozenset[str]) -> ParsedDocument:
    """``parsed`` with a role written in two cases read as one speaker, and a note on
    that or on names written so (:func:`~.speakers.one_spelling`)."""
    mapping, notes = one_spelling([(b.speaker, b.line) for b in parsed.blocks if b.speaker],
                                  forced)
    if not notes:
        return parsed
    blocks = [replace(b, speaker=mapping.get(b.speaker, b.speaker)) for b in parsed.blocks]
    return replace(parsed, blocks=blocks,
                   notes=sorted([*parsed.notes, *notes], key=lambda n: n.line))
