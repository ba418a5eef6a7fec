"""Otter-style exports: a ``Name  0:49`` line (or ``Name (0:49)``, ``Name [00:00:49]``,
as other services write it), then the turn's text."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from . import speakers
from .base import Block, ParsedDocument
from .clock import backwards
from .columns import parse_time
from .headings import heading_shaped, recap_lines
from .labels import CLOCK, TURN
from .lines import line_at, span
from .speakers import Note

# `Name  0:49`, `Name (0:49)`, `Name [00:00:49]`, maybe with a dash or bar between
# (`Name - 0:49`, Fireflies); or the time first, `[00:00:49] Name` or `00:00:49 Name`
# (Trint, Happy Scribe), with words on the line below, not opening with a time (lines
# of timed talk)
HEADER = re.compile(rf"^(?:(?P<label>\S[^\n]{{0,39}}?)(?:[ \t]+[-\u2013\u2014|])?[ \t]+"
                    rf"(?:(?P<ts>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)"
                    rf"|\((?P<round>{CLOCK})\)|\[(?P<square>{CLOCK})\])"
                    rf"|(?:\[(?P<lead>{CLOCK})\]|(?P<bare>\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?))"
                    rf"[ \t]+(?P<named>[^\s\[][^\n]{{0,39}}?)[ \t]*(?=\n[ \t]*(?!\[?\d{{1,2}}:\d{{2}})\S))"
                    rf"[ \t]*$",
                    re.MULTILINE)
BOLD_NAME = re.compile(r"(\*\*|__)[^*_\s][^*_\n]*(?<!\s)\1")    # `**Ana Ruiz**`
BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)*")     # a line's end and the blank lines after it


def _label(header: re.Match) -> str:
    """The speaker's label of a header line."""
    return (header["label"] or header["named"]).strip()


def _stamp(header: re.Match) -> str:
    return (header["ts"] or header["round"] or header["square"] or header["lead"]
            or header["bare"])


def header_lines(text: str) -> list[re.Match]:
    """Every line of ``text`` written as an Otter header (:data:`HEADER`): the one scan
    of it that the functions below choose from."""
    return list(HEADER.finditer(text))


def find_headers(text: str, lines: list[re.Match], forced: frozenset[str] = frozenset()
                 ) -> list[re.Match]:
    """The ``Name  0:49`` lines of ``text`` (among its :func:`header_lines`, ``lines``),
    and its ``Name (0:49)`` lines when some of those are of a role or a recurring label
    (``Speaker 1 (00:05)``): then each of them whose label is a role, recurs or is
    written like a name; so too ``[00:00:05] Ana Ruiz`` lines, when every such label is
    a role, of two words or more or one of ``forced``,
    the study's speakers (``[09:15] Budget`` twice is a heading of notes). A heading or a
    line of talk ending in a time in brackets (``Arrival (09:15)``, ``not really
    (11:00)``), or after one (``[10:15] Arrival``), is not a speaker's, nor is such a line
    above a turn of a label used twice or a role's (``Break (00:12:31)`` above
    ``P1: ...``: a heading among turns)."""
    above = {m.start() for m in _above_turns(text, lines)}
    found = [m for m in lines if speakers.plausible(_label(m)) and m.start() not in above]
    counts = Counter(_label(m) for m in found if not m["ts"])
    usual = {name for name in counts if counts[name] >= 2 or speakers.ROLE.match(name)}
    found = [m for m in found if m["ts"] or (usual and (
        _label(m) in usual or speakers.name_like(_label(m))))]
    # the time first: a speaker's name in full or a role (`[00:00:05] Ana Ruiz`), as
    # those services write them, where a word alone is a heading of notes or an agenda
    # (`[09:15] Budget` twice)
    if any(m["named"] and not _full_name(_label(m), forced) for m in found):
        found = [m for m in found if not m["named"]]
    return found


def _full_name(label: str, forced: frozenset[str]) -> bool:
    """Whether ``label``, after a time (``[00:00:05] Ana Ruiz``), is a speaker's as
    services writing the time first write one: a role, a name of two words or more, or
    one of ``forced``."""
    return bool(speakers.ROLE.match(label)) or len(label.split()) > 1 or label in forced


def one_word_names(text: str, lines: list[re.Match], forced: frozenset[str] = frozenset(),
                   markdown: bool = False) -> list[Note]:
    """A note for text read as field notes with three or more ``[00:00:05] Maria``
    lines (a time, then a name, above the words; among its :func:`header_lines`,
    ``lines``), some of one word not in ``forced``, whose names are mostly used so twice
    or more, one coming back after another (``Maria``, ``Jon``, ``Maria``: a heading
    used twice in a row, ``Tour``, ``Tour``, is none), as Happy Scribe or Trint write
    speakers' names: they are read as headings
    (:func:`find_headers`; in Markdown, never as speakers, listed or not)."""
    found = [m for m in lines if m["named"] and speakers.plausible(_label(m))]
    names = [_label(m) for m in found]
    counts = Counter(names)
    back = any(name in names[:k - 1] and name != names[k - 1]
               for k, name in enumerate(names) if k >= 2)
    single = [m for m in found
              if not _full_name(_label(m), frozenset() if markdown else forced)]
    if not single or not back or 2 * sum(n for n in counts.values() if n >= 2) <= len(found):
        return []
    advice = (f"write each turn as `{_label(single[0])}: ...` (or save the file as .txt and "
              "list them under `speakers:`)" if markdown else
              f"list them under `speakers:` (or write each turn as `{_label(single[0])}: ...`)")
    return [Note(line_at(text, single[0].start()), (
        f"{len(single)} line{'s are' if len(single) > 1 else ' is'} a time and one word "
        f"above the words (`{single[0][0].strip()}`), as Happy Scribe or Trint write a "
        "speaker's name: they are read as headings of field notes, without speakers; "
        f"if they are speakers, {advice}"))]


def timed_headings(text: str, lines: list[re.Match]) -> list[tuple[int, int]]:
    """(start, end) of the lines, among its :func:`header_lines` (``lines``), with a
    time in brackets or first (``Break (00:12:31)``,
    ``[00:12:31] Break``) just above a turn of a label used twice or a role's: headings
    among turns (:func:`find_headers` takes none of them for a speaker's), when they
    open a paragraph and their words are titled like a heading (``P1: We met at`` /
    ``10:30:00 sharp.`` is talk)."""
    return [(m.start(), m.end()) for m in _above_turns(text, lines)
            if not text[text.rfind("\n", 0, max(m.start() - 1, 0)) + 1:m.start()].strip()
            and heading_shaped(_label(m))]


def _above_turns(text: str, lines: list[re.Match]) -> list[re.Match]:
    """The header lines ``lines``, but ``Name  0:49`` ones, just above a turn of a label
    used twice or a role's (:func:`_above_a_turn`)."""
    found = [m for m in lines if not m["ts"] and speakers.plausible(_label(m))]
    if not found:
        return []
    labels = Counter(m["colon"].strip() for m in TURN.finditer(text) if m["colon"])
    talking = {name for name, uses in labels.items() if speakers.plausible(name) and (
        uses >= 2 or speakers.ROLE.match(name))}
    return [m for m in found if _above_a_turn(text, m, talking)]


def _above_a_turn(text: str, header: re.Match, talking: set[str]) -> bool:
    """Whether the first words below ``header`` open with a ``Name:`` label of
    ``talking``: the file's labels used twice or more, or roles."""
    below = BLANK_LINES.match(text, header.end())
    turn = below and TURN.match(text, below.end())
    return bool(turn and turn["colon"] and turn["colon"].strip() in talking)


def markdown_note(text: str, lines: list[re.Match]) -> list[Note]:
    """A note for a Markdown file read as field notes that has the speaker lines of an
    Otter export (:func:`find_headers` among its :func:`header_lines`, ``lines``): a .md
    file is never read as one."""
    headers = find_headers(text, lines)
    if len(headers) < 2:
        return bold_names(text, lines)
    return [Note(line_at(text, headers[0].start()), (
        f"{len(headers)} lines are a speaker's name and a time above the words "
        f"(`{headers[0][0].strip()}`), as an Otter export writes them: a Markdown file is "
        "read as field notes, without speakers; save it as .txt to read its turns"))]


def bold_names(text: str, lines: list[re.Match]) -> list[Note]:
    """A note for a file (Markdown, or a text file it was pasted into) read as field
    notes with two or more lines of a name in bold and a time, and no colon, above the
    words (``**Ana Ruiz** (00:01)``; among its :func:`header_lines`, ``lines``): a
    speaker's label a colon would make one (``**Ana Ruiz** (00:01):``)."""
    found = [m for m in lines
             if m["label"] and BOLD_NAME.fullmatch(_label(m))
             and speakers.plausible(_label(m)[2:-2]) and (m["round"] or m["square"])]
    if len(found) < 2:
        return []
    return [Note(line_at(text, found[0].start()), (
        f"{len(found)} lines are a name in bold and a time above the words "
        f"(`{found[0][0].strip()}`): they are read as field notes, without speakers; "
        f"write a colon after each one's time (`{found[0][0].strip()}: ...`) to read "
        "its turns"))]


def parse_otter(text: str, source: str, headers: list[re.Match],
                shown: Callable[[int], int] | None = None) -> ParsedDocument:
    """Turns from the ``Name  0:49`` lines (``headers``, :func:`find_headers`), and a recap's
    heading after a turn (``Facilitator Notes:``, :func:`~.headings.recap_lines`) with the
    section of nobody's words under it, up to the next ``Name  0:49`` line; later turns
    carry it as their ``section`` (even listed under ``speakers:``: a label is no speaker
    here, and it would be words of the turn above). Raises IngestError naming the line
    of a time that is none (``0:75``, ``00:75:00``). A turn ends at the next one's time
    (none if that is earlier). A time before the one above it is
    noted (:func:`~.clock.backwards`); ``shown``: the line the note names in its words
    for a line of ``text``."""
    blocks: list[Block] = []
    first = headers[0].start() if headers else len(text)
    start, end = span(text, 0, first)
    if end > start:
        blocks.append(Block("preamble", start, end, line=line_at(text, start)))
    recaps = [(at, stop, None) for at, stop in recap_lines(
        text, talk=[(h.start(), h.end(), _label(h)) for h in headers]) if at > first]
    marks = sorted([(h.start(), h.end(), h) for h in headers] + recaps, key=lambda m: m[0])
    notes, section = [], None
    for i, (mark, after, header) in enumerate(marks):
        start, end = span(text, after, marks[i + 1][0] if i + 1 < len(marks) else len(text))
        line = line_at(text, mark)
        if header is None:
            section = text[mark:after]
            blocks.append(Block("heading", mark, after, line=line))
            notes.append(Note(line, f"`{section}` {speakers.AS_HEADING}"))
            if end > start:
                blocks.append(Block("section", start, end, section=section,
                                    line=line_at(text, start)))
            continue
        nxt = next((m for _, _, m in marks[i + 1:] if m is not None), None)
        if end > start:
            # a turn ends where the next begins, unless that is earlier (a typo, a second
            # recording): then its end is unknown, never a negative duration
            at, until = _time(text, header, source), _time(text, nxt, source) if nxt else None
            blocks.append(Block("turn", start, end, _label(header), section,
                                time_start=at,
                                time_end=until if until is not None and until >= at else None,
                                line=line))
    order = backwards([(line_at(text, h.start()), _stamp(h))
                       for h in headers], [_time(text, h, source) for h in headers],
                      offsets=True, shown=shown)
    notes = sorted(notes + order, key=lambda n: n.line)
    return ParsedDocument(text, blocks, notes=notes)


def _time(text: str, header: re.Match, source: str) -> float:
    return parse_time(_stamp(header), source,
                      line_at(text, header.start()))
