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
from .headings import after_sentence, heading_shaped, recap_lines
from .labels import CLOCK, TURN, Turn, count_recurring, full_name
from .lines import line_at, lines_of, paragraph_starts, span
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


def find_headers(text: str, forced: frozenset[str] = frozenset()) -> list[re.Match]:
    """The ``Name  0:49`` lines of ``text``, and its ``Name (0:49)`` lines when some of
    those are of a role, a recurring label or one of ``forced`` (``Speaker 1
    (00:05)``): then each of them
    whose label is a role, recurs or is written like a name; so too ``[00:00:05] Ana Ruiz``
    lines, when every such label is a role, of two words or more or one of ``forced``,
    the study's speakers (``[09:15] Budget`` twice is a heading of notes). A heading or a
    line of talk ending in a time in brackets (``Arrival (09:15)``, ``not really
    (11:00)``), or after one (``[10:15] Arrival``), is not a speaker's, nor is such a line
    above a turn of a label used twice or a role's (``Break (00:12:31)`` above
    ``P1: ...``: a heading among turns)."""
    above = {m.start() for m in _above_turns(text)}
    found = [m for m in HEADER.finditer(text)
             if speakers.plausible(_label(m)) and m.start() not in above]
    counts = Counter(_label(m) for m in found if not m["ts"])
    usual = {name for name in counts
             if counts[name] >= 2 or speakers.ROLE.match(name) or name in forced}
    found = [m for m in found if m["ts"] or (usual and (
        _label(m) in usual or speakers.name_like(_label(m))))]
    # the time first: a speaker's name in full or a role (`[00:00:05] Ana Ruiz`), as
    # those services write them, where a word alone is a heading of notes or an agenda
    # (`[09:15] Budget` twice)
    if any(m["named"] and not full_name(_label(m), forced) for m in found):
        found = [m for m in found if not m["named"]]
    return found


def one_word_names(text: str, forced: frozenset[str] = frozenset(),
                   markdown: bool = False, *, among_turns: bool = False) -> list[Note]:
    """A note for text read as field notes (or, ``among_turns``, as turns:
    :func:`times_then_names`) with three or more ``[00:00:05] Maria`` lines (a time,
    then a name, above the words), some of one word not in ``forced``, whose names are
    mostly used so twice or more, one coming back after another (``Maria``, ``Jon``,
    ``Maria``: a heading used twice in a row, ``Tour``, ``Tour``, is none), as Happy
    Scribe or Trint write speakers' names: they are read as headings
    (:func:`find_headers`; in ``markdown``, a Markdown file without ``Name:`` turns
    beside them, :func:`beside_turns`, never as speakers, listed or not)."""
    _, single = _one_word_lines(text, frozenset() if markdown else forced)
    if not single:
        return []
    advice = (f"write each turn as `{_label(single[0])}: ...` (or save the file as .txt and "
              "list them under `speakers:`)" if markdown else
              f"list them under `speakers:` (or write each turn as `{_label(single[0])}: ...`)")
    return [Note(line_at(text, single[0].start()), (
        f"{len(single)} line{'s are' if len(single) > 1 else ' is'} a time and one word "
        f"above the words (`{single[0][0].strip()}`), as Happy Scribe or Trint write a "
        "speaker's name: they are read as headings "
        f"{'among the turns' if among_turns else 'of field notes'}, without speakers; "
        f"if they are speakers, {advice}"))]


def _one_word_lines(text: str, forced: frozenset[str]) -> tuple[list[re.Match], list[re.Match]]:
    """The lines :func:`one_word_names` notes, all of them and those of one word not in
    ``forced``; none when it notes none."""
    found = [m for m in HEADER.finditer(text) if m["named"] and speakers.plausible(_label(m))]
    names = [_label(m) for m in found]
    counts = Counter(names)
    back = any(name in names[:k - 1] and name != names[k - 1]
               for k, name in enumerate(names) if k >= 2)
    single = [m for m in found if not full_name(_label(m), forced)]
    if not single or not back or 2 * sum(n for n in counts.values() if n >= 2) <= len(found):
        return [], []
    return found, single


def beside_turns(text: str, headers: list[re.Match], turns: list[Turn],
                 forced: frozenset[str]) -> bool:
    """Whether the ``headers`` (:func:`find_headers`) of ``text`` are all of a time then
    a name (``[00:00:05] Ana Ruiz``) beside two or more ``turns`` (``Name:`` labels) of
    recurring speakers, of roles or ``forced`` or opening paragraphs (``Facilitator:
    ...``): a transcript of both kinds (:func:`times_then_names`), where other ``Name:``
    lines in a header's paragraph are its speaker's words, others quoted, as in an
    export (``Landlord: pay now.``)."""
    starts = paragraph_starts(lines_of(text))
    return all(h["named"] for h in headers) and count_recurring(
        [t.speaker for t in turns if (t.start if t.lead is None else t.lead) in starts
         or speakers.ROLE.match(t.speaker) or t.speaker in forced], forced)[0] >= 2


def times_then_names(text: str, headers: list[re.Match], forced: frozenset[str]
                     ) -> tuple[list[Turn], list[tuple[int, int]], list[Note]]:
    """In a transcript of ``Name:`` turns, its lines of a time then a name above the
    words (``[00:00:05] Ana Ruiz``), else the words of the turn above: turns of that
    speaker from that time when :func:`find_headers` takes them (``headers``); else
    the (start, end) of those :func:`one_word_names` notes (``[00:00:05] Maria``), read
    as headings, their words nobody's, with its note; else a note on those written like
    a name and opening a paragraph, read as a time in the turn above and its words."""
    named = [Turn(h.start(), h.end(), _label(h), _stamp(h)) for h in headers if h["named"]]
    if named:
        return named, [], []
    found, _ = _one_word_lines(text, forced)
    if found:
        return [], [(m.start(), m.end()) for m in found], one_word_names(
            text, forced, among_turns=True)
    above = {m.start() for m in _above_turns(text)}
    loose = [m for m in HEADER.finditer(text) if m["named"] and m.start() not in above
             and speakers.plausible(_label(m)) and speakers.name_like(_label(m))
             and _opens_paragraph(text, m.start())]
    if not loose:
        return [], [], []
    more = f" and {len(loose) - 1} more" if len(loose) > 1 else ""
    return [], [], [Note(line_at(text, loose[0].start()), (
        f"`{loose[0][0].strip()}`{more}, a time and a name above the words, "
        f"{'are' if more else 'is'} read as a time in the turn above and its words: if "
        f"`{_label(loose[0])}` is a speaker, list the names under `speakers:` (or write "
        f"each turn as `{_label(loose[0])}: ...`)"))]


def _opens_paragraph(text: str, at: int) -> bool:
    """Whether the line starting at offset ``at`` opens the text or follows a blank
    line."""
    return not text[text.rfind("\n", 0, max(at - 1, 0)) + 1:at].strip()


def timed_headings(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines with a time in brackets or first (``Break (00:12:31)``,
    ``[00:12:31] Break``) just above a turn of a label used twice or a role's: headings
    among turns (:func:`find_headers` takes none of them for a speaker's), when their
    words are titled like a heading and they open a paragraph or follow a sentence's end
    on the line above, squeezed between turns (``P1: We stop.`` / ``Break (00:12:31)``
    / ``P2: ...``); a line of a turn's sentence is talk (``P1: We met at`` /
    ``10:30:00 sharp.``, ``P1: we stop for a`` / ``Break (00:12:31)``)."""
    return [(m.start(), m.end()) for m in _above_turns(text)
            if (_opens_paragraph(text, m.start()) or after_sentence(text, m.start()))
            and heading_shaped(_label(m))]


def _above_turns(text: str) -> list[re.Match]:
    """The header lines, but ``Name  0:49`` ones, just above a turn of a label used
    twice or a role's (:func:`_above_a_turn`)."""
    found = [m for m in HEADER.finditer(text) if not m["ts"] and speakers.plausible(_label(m))]
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


def markdown_note(text: str) -> list[Note]:
    """A note for a Markdown file read as field notes that has the speaker lines of an
    Otter export (:func:`find_headers`): a .md file is never read as one."""
    headers = find_headers(text)
    if len(headers) < 2:
        return bold_names(text)
    return [Note(line_at(text, headers[0].start()), (
        f"{len(headers)} lines are a speaker's name and a time above the words "
        f"(`{headers[0][0].strip()}`), as an Otter export writes them: a Markdown file is "
        "read as field notes, without speakers; save it as .txt to read its turns"))]


def bold_names(text: str) -> list[Note]:
    """A note for a file (Markdown, or a text file it was pasted into) read as field
    notes with two or more lines of a name in bold and a time, and no colon, above the
    words (``**Ana Ruiz** (00:01)``), each used once (names that recur are labels so
    written, :func:`~.labels.without_colon`): a speaker's label a colon would make one
    (``**Ana Ruiz** (00:01):``)."""
    found = [m for m in HEADER.finditer(text)
             if m["label"] and BOLD_NAME.fullmatch(_label(m))
             and speakers.plausible(_label(m)[2:-2]) and (m["round"] or m["square"])]
    if len(found) < 2:
        return []
    return [Note(line_at(text, found[0].start()), (
        f"{len(found)} lines are a name in bold and a time above the words "
        f"(`{found[0][0].strip()}`): they are read as field notes, without speakers; "
        f"write a colon after each one's time (`{found[0][0].strip()}: ...`) to read "
        "its turns"))]


def parse_otter(text: str, source: str, headers: list[re.Match] | None = None,
                shown: Callable[[int], int] | None = None) -> ParsedDocument:
    """Turns from the ``Name  0:49`` lines (``headers``, found if None), and a recap's
    heading after a turn (``Facilitator Notes:``, :func:`~.headings.recap_lines`) with the
    section of nobody's words under it, up to the next ``Name  0:49`` line; later turns
    carry it as their ``section`` (even listed under ``speakers:``: a label is no speaker
    here, and it would be words of the turn above). Raises IngestError naming the line
    of a time that is none (``0:75``, ``00:75:00``). A turn ends at the next one's time
    (none if that is earlier). A time before the one above it is
    noted (:func:`~.clock.backwards`); ``shown``: the line the note names in its words
    for a line of ``text``."""
    headers = find_headers(text) if headers is None else headers
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
