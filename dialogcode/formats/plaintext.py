"""Plain-text transcripts: ``P3: ...``, ``[P3] ...`` or ``#P3: ...`` turns (``**P3:**`` in
Markdown bold too), a label maybe indented or with a time (``[00:01:05] P3: ...``, ``P3 (1:05): ...``; ``[P3] 00:01:05`` alone on
its line, or ``00:01:05`` on the line above the label, when most turns have one written
alike: the turn's start), or ``P3<tab>...`` lines (a table exported as text); also
after a list or quote marker (``- **P3:** ...``, ``> P3: ...``, in Markdown and in plain
text as notes apps write it). Lines opening with a kind of field-note entry used twice
or more (``Observation: ...``), written like the turns, are an observer's, no speaker's
(:func:`observer_lines`).

A turn runs from its label to the next speaker line or heading, so it may span several
lines and paragraphs. Lines before the first speaker become a ``preamble`` block. A
heading after the first turn (see :func:`heading_lines`) becomes a ``heading`` block;
paragraphs after it that no speaker opens are a ``section`` under it (field notes
written into a transcript), and later turns carry it as their ``section``.

Which labels are speakers is decided from the whole file's shape
(:mod:`~dialogcode.formats.speakers`): it is *dense* when most paragraphs open with a
label (turns separated by blank lines; a one-off label then counts only at the start of
a paragraph), or else when most non-blank lines do (one turn per line), or when turns
are not paragraphs, at least ten labels are used and nine in ten of them are roles,
listed, or used twice or more (turns wrapped over several lines).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from . import speakers
from .base import Block, ParsedDocument
from .columns import DEFAULTS, column_key
from .speakers import Label, Note

CLOCK = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"     # 0:49, 00:03:15, 1:02:03.5
BOLD = r"(?P<bold>\*\*|__)"     # Markdown bold around a label: **P3:** or **P3**:
TURN = re.compile(     # a label, maybe indented, maybe with a time before it or in it
    rf"^[ \t]*(?:[\[(]?(?P<before>{CLOCK})[\])]?[ \t]+)?"
    rf"(?:\[(?P<bracket>[^\]\n]{{1,40}})\](?:[ \t]*(?P<after>{CLOCK})[ \t]*$)?[ \t]*"
    r"|#(?P<hash>[^\s#:][^:\n]{0,39}):[ \t]*"
    rf"|{BOLD}?(?P<colon>[^\W\d_][^:\n]{{0,39}}?)(?:[ \t]*[\[(](?P<inside>{CLOCK})[\])])?"
    r"(?(bold)(?::(?P=bold)|(?P=bold):)|:)(?:[ \t]+|$))",   # bold closed round the label
    re.MULTILINE,
)
HEADING = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<title>.+?)[ \t#]*$", re.MULTILINE)  # ## Notes
BOLD_LINE = re.compile(r"^(\*\*|__)(\S(?:.*\S)?)\1$")      # a line wholly in bold
TABBED = re.compile(r"^[ \t]*(?P<label>[^\t\n]{1,40}?)[ ]*\t+\S", re.MULTILINE)  # P1<tab>...
# a line of two fields, a label at the line start, tabs, then words without a tab (but
# tabs after them: an empty last column)
TAB_TURN = re.compile(
    r"^(?P<label>[^\s][^\t\n]{0,39}?)[ ]*\t+(?P<words>[^\t\n]*[^\s])[ \t]*$", re.MULTILINE)
# a Markdown list or quote marker opening a line: `- `, `* `, `1. `, `> `, `> - `
MARKER = re.compile(r"^[ \t]*(?:(?:>[ \t]*)+(?:(?:[-*+]|\d{1,3}[.)])[ \t]+)?"
                    r"|(?:[-*+]|\d{1,3}[.)])[ \t]+)", re.MULTILINE)
QUOTE_END = re.compile(r"(?:\n[ \t>]*)+$")    # lines of Markdown quote marks alone, at the end
STAMP_LINE = re.compile(rf"[ \t]*[\[(]?(?P<stamp>{CLOCK})[\])]?[ \t]*")   # a line of a time alone
HEADING_WORDS, HEADING_CHARS = 6, 60
RECURRING = 10      # labels of recurring speakers that make a file of wrapped turns dense
LATER_STAMPS = 3    # times above later turns only that are turn times, not answers
NOT_HEADING_END = tuple(".,;:!?…\"'”’")


@dataclass(frozen=True)
class Turn:
    start: int      # offset of the speaker's line
    body: int       # offset of the text after the label
    speaker: str
    time: float | None = None   # seconds, from ``[00:01:05] P1:`` or ``P1 (1:05):``
    lead: int | None = None     # offset of a line of its time alone just above the label


def seconds(stamp: str) -> float:
    """``"1:02:13"``, ``"0:49"`` or ``"00:01:09,5"`` as seconds."""
    total = 0.0
    for part in stamp.replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return total


def _seconds(match: re.Match) -> float | None:
    stamp = match["before"] or match["inside"] or match["after"]
    return seconds(stamp) if stamp else None


def line_at(text: str, offset: int) -> int:
    """The line (from 1) of ``text`` that ``offset`` is on."""
    return bisect_left(_newlines(text), offset) + 1


@lru_cache(maxsize=4)
def _newlines(text: str) -> list[int]:
    """Offsets of the line breaks of ``text``, found once per text (so that numbering
    every block of a long file does not count its lines again each time)."""
    return [match.start() for match in re.finditer("\n", text)]


def span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of ``text``."""
    found, offset = [], 0
    for line in text.split("\n"):
        found.append((offset, line))
        offset += len(line) + 1
    return found


def _paragraph_starts(lines: list[tuple[int, str]]) -> set[int]:
    """Offsets of the lines that open a paragraph (non-blank after a blank or the start)."""
    starts, previous = set(), ""
    for offset, line in lines:
        if line.strip() and not previous.strip():
            starts.add(offset)
        previous = line
    return starts


def _labels(text: str, forced: frozenset[str]) -> tuple[list[re.Match], list[Label], bool]:
    """Every label at a line start, as matches and :class:`Label`, and whether the file
    is dense (see the module docstring)."""
    lines = _lines(text)
    starts = _paragraph_starts(lines)
    matches = list(TURN.finditer(text))
    names = [(m["bracket"] or m["hash"] or m["colon"]).strip() for m in matches]
    entries = _entries(names, forced)
    usable = [m.start() for m, name in zip(matches, names)
              if name in forced or speakers.plausible(name) or name in entries]
    opening = sum(offset in starts for offset in usable)
    by_paragraph = opening * 2 > len(usable) and opening * 2 > len(starts)
    by_line = len(usable) * 2 > sum(1 for _, line in lines if line.strip())
    # turns on lines of their own (not paragraphs) wrapped over several lines: the labels
    # are nearly all of recurring speakers
    recurring, kept = _recurring(names, forced)
    by_speakers = (opening * 2 <= len(usable) and recurring >= RECURRING
                   and recurring * 10 >= kept * 9)
    shown = [f"[{name}]" if m["bracket"] else f"#{name}:" if m["hash"] else f"{name}:"
             for m, name in zip(matches, names)]
    labels = [Label(name, label, line_at(text, m.start()),
                    m.start() in starts if by_paragraph else True)
              for m, name, label in zip(matches, names, shown)]
    return matches, labels, by_paragraph or by_line or by_speakers


def _entries(names: list[str], forced: frozenset[str]) -> set[str]:
    """The kinds of field-note entry among the labels ``names`` (every use) that open
    units of a transcript as its turns do: used twice or more, not listed, beside a
    recurring speaker (a role, listed, or used twice or more). An observer's lines
    between the turns keep the file dense, so a one-off ``Ana Ruiz:`` among them stays
    a speaker; in field notes without one, a quoted ``Ana:`` does not become one."""
    counts = Counter(names)
    if not any(name in forced or (speakers.plausible(name) and (
            counts[name] >= 2 or speakers.ROLE.match(name))) for name in counts):
        return set()
    return {name for name in counts if counts[name] >= 2 and name not in forced
            and speakers.CATEGORY.match(name)}


def _recurring(names: list[str], forced: frozenset[str]) -> tuple[int, int]:
    """How many of the labels ``names`` (every use) that could be speakers, a header's
    fields aside, are of recurring speakers (roles, listed, or used twice or more), and
    how many could be speakers."""
    counts = Counter(name for name in names if name in forced or speakers.plausible(name))
    kept = [name for name in names if name in forced or (
        speakers.plausible(name) and not speakers.header_field(name, counts[name]))]
    return sum(counts[name] >= 2 or name in forced or bool(speakers.ROLE.match(name))
               for name in kept), len(kept)


def _unlike_speakers(text: str, matches: list[re.Match], labels: list[Label],
                     chosen: list[bool], forced: frozenset[str]) -> list[bool]:
    """``chosen`` less the labels written unlike the speaker lines: indented deeper than
    the least indented role or label used twice, or with a time before it unless most
    of the chosen labels have one. A ``Tom: ...`` quoted or a ``Budget: ...``
    listed inside a turn, or an agenda's ``10:30 Break: ...`` read out in one, is text
    of that turn. A role, a listed speaker or a label opening a paragraph stays a
    speaker."""
    counts = Counter(label.name for label in labels)
    indents = [len(m[0]) - len(m[0].lstrip(" \t")) for m in matches]
    strong = [indent for indent, label, keep in zip(indents, labels, chosen)
              if keep and (speakers.ROLE.match(label.name) or counts[label.name] >= 2)]
    level = min(strong, default=max(indents, default=0))
    timed = [m["before"] is not None for m, keep in zip(matches, chosen) if keep]
    clocked = sum(timed) * 2 > len(timed)
    starts = _paragraph_starts(_lines(text))
    return [keep and ((indent <= level and (clocked or m["before"] is None))
                      or label.name in forced or m.start() in starts
                      or bool(speakers.ROLE.match(label.name)))
            for m, label, keep, indent in zip(matches, labels, chosen, indents)]


def find_turns(text: str, forced: frozenset[str] = frozenset()
               ) -> tuple[list[Turn], list[Note]]:
    """Every speaker line, and notes on the labels used once or read as text.
    ``forced``: labels that are speakers wherever they open a line."""
    matches, labels, dense = _labels(text, forced)
    chosen = _unlike_speakers(text, matches, labels,
                              speakers.decide(labels, dense=dense, forced=forced), forced)
    kept = [(m, label.name) for m, label, keep in zip(matches, labels, chosen) if keep]
    timed = _timed_after([m for m, _ in kept])
    turns = [Turn(m.start(), m.end(), name, _seconds(m)) if m["after"] is None or m in timed
             else Turn(m.start(), m.start("after"), name, None) for m, name in kept]
    return _stamped(text, turns), speakers.notes(labels, chosen, forced=forced)


def _timed_after(matches: list[re.Match]) -> set[re.Match]:
    """The ``[Name] 10:15:32`` labels whose time alone after them is the turn's time:
    when most turns are written so, those with a time written like most of them. Else,
    or written unlike them, the time is the turn's talk (``[Maria] 9:30`` answering
    when to meet)."""
    after = [m for m in matches if m["after"] is not None]
    if len(after) * 2 <= len(matches):
        return set()
    shape = Counter(_shape(m["after"]) for m in after).most_common(1)[0][0]
    return {m for m in after if _shape(m["after"]) == shape}


def _shape(stamp: str) -> str:
    """How a time is written, digits aside (``00:01:15`` and ``10:30`` differ)."""
    return re.sub(r"\d", "9", stamp)


def _stamped(text: str, turns: list[Turn]) -> list[Turn]:
    """``turns``, each with the time on a line of its own just above its label
    (``00:01:15`` then ``P1: ...``) as its time, when most turns have one, the first
    among them or :data:`LATER_STAMPS` or more: that line then belongs to no turn, where
    it was read as the last words of the turn before. One or two times only above later
    turns are the last words of the turns before them (``When do we meet?`` / ``10:30``
    in a three-turn exchange), where a transcript whose first turn starts at 0 has
    none above it.
    A time written unlike most of them (``10:30`` among ``00:01:15``), or not opening a
    paragraph where most do, is talk of the turn before (``we meet at`` / ``10:30``)."""
    found = []
    talk = len(text) - len(text.lstrip())       # where the first words are
    for k, turn in enumerate(turns):
        above = text.rfind("\n", 0, max(turn.start - 1, 0)) + 1
        match = STAMP_LINE.fullmatch(text, above, turn.start - 1) if turn.start else None
        if match and turn.time is None:
            opens = above <= talk or text.endswith("\n", 0, above - 1)
            found.append((k, above, match["stamp"], opens))
    shapes = Counter(_shape(stamp) for _, _, stamp, _ in found)
    shape = shapes.most_common(1)[0][0] if shapes else None
    paragraphs = sum(opens for *_, opens in found) * 2 > len(found)
    stamps = {k: (above, seconds(stamp)) for k, above, stamp, opens in found
              if _shape(stamp) == shape and (opens or not paragraphs)}
    if len(stamps) * 2 <= len(turns) or (0 not in stamps and len(stamps) < LATER_STAMPS):
        return turns
    return [replace(turn, lead=stamps[k][0], time=stamps[k][1]) if k in stamps else turn
            for k, turn in enumerate(turns)]


def marked_turns(text: str, turns: list[Turn], forced: frozenset[str] = frozenset(),
                 *, markdown: bool = True) -> tuple[list[Turn], list[Note]]:
    """``turns`` of a Markdown or plain-text file and those whose label follows a list
    or quote marker (``- **P1:** ...``, ``> P1: ...``): a label in bold or (in a
    ``markdown`` file) in a quote, or a listed one; where ``turns`` is empty (a file
    written as a list), also a plain one that is a role or in a list whose plain labels
    are at least half of recurring speakers (used twice or more: ``- Ana Ruiz: ...``
    answering ``- Facilitator: ...``). Beside turns outside lists, a plain list is a
    header's or a speaker's words (``- Maria: tenant`` among the participants, ``-
    Rent: too high``). And notes on those used once, and on plain list labels left as
    text beside list items taken as turns (their words are the turn's above) or naming
    a speaker or role. A plain label in a list of one-off labels (``- Weather: rain``)
    is a field of notes, not a speaker's."""
    masked = MARKER.sub(lambda m: " " * len(m[0]), text)    # offsets stay the same
    if masked == text:
        return turns, []
    known = forced | {turn.speaker for turn in turns}
    starts = {turn.start for turn in turns}
    found, notes = find_turns(masked, known)
    marked = [(turn, MARKER.match(text, turn.start)) for turn in found]
    marked = [(turn, mark[0]) for turn, mark in marked if mark and turn.start not in starts]
    plain = [turn for turn, mark in marked      # in plain text `> ` quotes, as in email
             if (">" not in mark or not markdown)
             and not text.startswith(("**", "__"), turn.start + len(mark))]
    recurring, _ = _recurring([turn.speaker for turn in plain], forced)
    names = bool(plain) and recurring * 2 >= len(plain)
    # beside turns outside lists, a plain list is a header's or a speaker's (`- Maria:
    # tenant` among the participants, `- Rent: too high`, a recap's `- Maria: rent`)
    more = [turn for turn, _ in marked if turn not in plain or turn.speaker in forced
            or (not turns and (names or speakers.ROLE.match(turn.speaker)))]
    lines = {line_at(text, turn.start) for turn in more}
    left = [Note(line_at(text, turn.start), f"`{turn.speaker}:` {speakers.AS_TEXT}")
            for turn in plain if turn not in more and (
                more or turn.speaker in known or speakers.ROLE.match(turn.speaker))]
    return (sorted(turns + more, key=lambda turn: turn.start),
            [note for note in notes if note.line in lines] + left)


def tabbed_turns(text: str, forced: frozenset[str], labelled: list[Turn]
                 ) -> tuple[list[Turn], list[Note]] | None:
    """Turns of a file whose lines are mostly a name, a tab and words (``P1<tab>We need
    housing.``, a transcript exported as a table), or ``labelled`` turns (``Name:``):
    when nine in ten of the names are roles, listed, or used twice or more, as a
    dialogue's speakers are (an agenda or a field-note table names each thing once). A
    first such line naming columns (``Speaker<tab>Text``) is no turn; a line without a
    tab is words of the turn before, and one of :func:`entry_lines` an observer's. Else
    None (see :func:`tabbed_lines`), as when any other line has a tab (a third field, a
    tab in the words, no name): it would be glued to the turn before."""
    starts = {turn.start for turn in labelled}
    known = starts | set(entry_lines(text, forced))      # an observer's lines too
    found = [m for m in TAB_TURN.finditer(text)
             if (m["label"] in forced or speakers.plausible(m["label"]))
             and any(c.isalpha() for c in m["label"]) and m.start() not in starts]
    tabbed = sum(1 for offset, line in _lines(text)
                 if "\t" in line.rstrip() and offset not in known)
    if found and _column_names(found[0]):
        found = found[1:]
        tabbed -= 1
    lines = sum(1 for _, line in _lines(text) if line.strip())
    if (len(found) < 2 or (len(found) + len(starts)) * 2 <= lines
            or len(found) < tabbed):
        return None
    labels = [Label(m["label"], f"{m['label']}<tab>", line_at(text, m.start()))
              for m in found]
    recurring, kept = _recurring([label.name for label in labels], forced)
    if recurring * 10 < kept * 9:
        return None
    chosen = speakers.decide(labels, dense=True, forced=forced)
    turns = [Turn(m.start(), m.start("words"), label.name)
             for m, label, keep in zip(found, labels, chosen) if keep]
    note = Note(labels[0].line, (
        f"{len(turns)} lines read as turns, each a speaker, a tab and the words "
        f"(`{labels[0].name}` then a tab); if a name is not a speaker, write the file as "
        "field notes without tabs"))
    return turns, [note, *speakers.notes(labels, chosen, forced=forced)]


def _column_names(match: re.Match) -> bool:
    """Whether a tabbed line names a table's columns: ``Speaker<tab>Text``."""
    return (column_key(match["label"]) in DEFAULTS["speaker"]
            and column_key(match["words"]) in DEFAULTS["text"])


def tabbed_lines(text: str) -> list[Note]:
    """A note for text read as field notes whose lines are mostly a name, a tab and text
    (``P1<tab>We need housing.``, a table pasted as text): no label opens them, so
    their speakers are not read."""
    found = [m for m in TABBED.finditer(text) if speakers.plausible(m["label"])]
    lines = sum(1 for line in text.split("\n") if line.strip())
    if len(found) < 2 or len(found) * 2 <= lines:
        return []
    other = next((number for number, (_, line) in enumerate(_lines(text), start=1)
                  if "\t" in line.rstrip() and not TAB_TURN.fullmatch(line)), None)
    return [Note(line_at(text, found[0].start()), (
        f"{len(found)} of {lines} lines are a name, a tab and text (`{found[0]['label']}` "
        "then a tab), as a table pasted as text: read as field notes, without speakers"
        + (f" (line {other} has more fields, a tab in its words or no name)" if other else "")
        + "; if they are turns, save the table as .csv with speaker and text columns, or "
        "write each as `Name: text`"))]


@lru_cache(maxsize=4)
def entry_lines(text: str, forced: frozenset[str] = frozenset()) -> dict[int, str]:
    """The lines opening with a label that names a kind of field-note entry
    (:data:`~.speakers.CATEGORY`, ``Observation: ...``, ``- Observation: ...`` or
    ``Observation<tab>...``) used on two lines or more and not listed as a speaker:
    their offsets, in order, -> the label. In a transcript each is an observer's entry,
    no speaker's words. Found once per text (the caller must not change it)."""
    listed = MARKER.sub(lambda m: " " * len(m[0]), text)     # `- Observation: ...` too
    uses = {m.start(): m["label"] for m in TAB_TURN.finditer(text)}
    uses.update((m.start(), (m["colon"] or m["bracket"] or m["hash"]).strip())
                for m in TURN.finditer(listed))
    uses = {at: name for at, name in sorted(uses.items())
            if name not in forced and speakers.CATEGORY.match(name)}
    counts = Counter(uses.values())
    return {at: name for at, name in uses.items() if counts[name] >= 2}


def observer_lines(text: str, turns: list[Turn], forced: frozenset[str] = frozenset()
                   ) -> list[int]:
    """The offsets of the :func:`entry_lines` written like a line of ``turns``, with its
    indent and its list or quote marker or none: an observer's lines between the turns.
    Indented deeper, or a list item among plain turns, an entry is words of the turn it
    is in (P3's ``- Idea: a bus pass``)."""
    forms = {_form(text, turn.start) for turn in turns}
    return [at for at in entry_lines(text, forced) if _form(text, at) in forms]


def _form(text: str, start: int) -> tuple[int, bool]:
    """How the line at ``start`` opens: its indent, and whether a list or quote marker
    follows it."""
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    return len(line) - len(line.lstrip(" \t")), bool(MARKER.match(line))


def category_notes(text: str, forced: frozenset[str] = frozenset()) -> list[Note]:
    """One note naming the labels of :func:`entry_lines`: read as kinds of field-note
    entry, never as speakers, unless the study lists them."""
    entries = entry_lines(text, forced)
    if not entries:
        return []
    counts = Counter(entries.values())
    shown = ", ".join(f"`{name}` ({counts[name]} lines)" for name in counts)
    return [Note(line_at(text, next(iter(entries))), (
        f"{shown} read as kinds of field-note entry, not as speakers; if one is a "
        "speaker, list it under `speakers:`"))]


def missed_speakers(text: str, forced: frozenset[str] = frozenset()) -> list[Note]:
    """Notes for a document read as field notes: labels written like names, which may
    be speakers that were missed."""
    _, labels, _ = _labels(text, forced)
    return speakers.notes(labels, [False] * len(labels), forced=forced, transcript=False)


def _heading_shaped(line: str) -> bool:
    bare = BOLD_LINE.sub(r"\2", line)      # a heading in Markdown bold: **Part 2: Rent**
    words = bare.split()
    return (0 < len(words) <= HEADING_WORDS and len(bare) <= HEADING_CHARS
            and (bare[0].isupper() or bare[0].isdigit())
            and not bare.endswith(NOT_HEADING_END) and not TURN.match(line))


def heading_lines(text: str, styled: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of every heading line: a short line standing alone as a paragraph,
    starting with a capital or digit and not ending like a sentence (``Site visit``,
    ``Closing convening``), or a line whose number is in ``styled`` (Word headings)."""
    lines = _lines(text)
    found = []
    for number, (offset, line) in enumerate(lines, start=1):
        alone = ((number == 1 or not lines[number - 2][1].strip())
                 and (number == len(lines) or not lines[number][1].strip()))
        if line.strip() and ((number in styled) or (alone and _heading_shaped(line.strip()))):
            found.append(span(text, offset, offset + len(line)))
    return found


def mostly_turns(text: str, turns: list[Turn], forced: frozenset[str] = frozenset()
                 ) -> bool:
    """Whether ``turns`` open most paragraphs of ``text``, or most of its lines,
    Markdown headings aside, and at least half are of recurring speakers (roles,
    listed, or used twice or more, as a facilitator between people who speak once): a
    transcript, not field notes quoting a few people or listing fields
    (``Weather: rain``)."""
    lines = [(offset, line) for offset, line in _lines(text) if not HEADING.match(line)]
    opened = {_opening(turn) for turn in turns}
    paragraphs = _paragraph_starts(lines)
    opening = sum(offset in opened for offset in paragraphs)
    recurring, _ = _recurring([turn.speaker for turn in turns], forced)
    return bool(turns) and recurring * 2 >= len(turns) and (
        opening * 2 > len(paragraphs)
        or len(turns) * 2 > sum(1 for _, line in lines if line.strip()))


def markdown_headings(text: str, *, alone: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every Markdown heading line (``## Part 2``); with ``alone``, of
    those standing alone as a paragraph and titled like a heading, from a capital or a
    digit and not ending like a sentence (in a plain-text file a ``# ...`` line inside a
    turn, ``# of people: 40`` or ``# We counted them.``, is the transcriber's)."""
    found = []
    for m in HEADING.finditer(text):
        above = text.rfind("\n", 0, max(m.start() - 1, 0)) + 1
        below = text.find("\n", m.end() + 1)
        title = m["title"]
        if not alone or ((m.start() == 0 or not text[above:m.start()].strip())
                         and not text[m.end():len(text) if below < 0 else below].strip()
                         and (title[0].isupper() or title[0].isdigit())
                         and not title.endswith(NOT_HEADING_END)):
            found.append((m.start(), m.end()))
    return found


def _opening(turn: Turn) -> int:
    """Where the lines of ``turn`` begin: its time line above the label, else the label."""
    return turn.start if turn.lead is None else turn.lead


def parse_turns(text: str, turns: list[Turn], notes: list[Note] | None = None,
                headings: list[tuple[int, int]] | None = None, *,
                after_talk: bool = False, markdown: bool = False) -> ParsedDocument:
    """Split normalised ``text`` into preamble, turn, heading and section blocks;
    ``headings`` before the first turn stay in the preamble, unless the text comes
    ``after_talk`` (paragraphs after a Word turn table): it then has no preamble, and
    its lines before the first turn or heading are a section. Headings are noted as
    guesses, but for Markdown headings in a ``markdown`` file (headings by their marks,
    and there lines of quote marks alone ending a block are nobody's words); the title
    of a Markdown heading (``## Part 2``) is the section of the turns under it. A turn
    without a speaker (an observer's :func:`observer_lines`, its label kept) is a section
    up to the next turn or heading."""
    blocks: list[Block] = []
    notes = list(notes or [])
    first = _opening(turns[0]) if turns else len(text)
    if after_talk:
        first = min([first, *(s for s, _ in headings or ())])
    start, end = span(text, 0, first)
    if end > start:
        blocks.append(Block("section" if after_talk else "preamble", start, end,
                            line=line_at(text, start)))
    speaker_lines = {turn.start for turn in turns}
    marks = sorted([(_opening(turn), turn.body, turn) for turn in turns]
                   + [(s, e, None) for s, e in headings or ()
                      if s >= first and s not in speaker_lines], key=lambda m: m[0])
    section = None
    for i, (mark, after, turn) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        line = line_at(text, mark if turn is None else turn.start)
        if turn is None:
            marked = HEADING.fullmatch(text, mark, after)
            section = marked["title"] if marked else text[mark:after]
            blocks.append(Block("heading", mark, after, line=line))
            if not (marked and markdown):
                notes.append(Note(line, f"`{text[mark:after]}` {speakers.AS_HEADING}"))
        start, end = span(text, after, stop)
        if markdown:        # quote marks alone after the words join a quote's paragraphs
            start, end = span(text, start, start + len(QUOTE_END.sub("", text[start:end])))
        if end > start and turn is not None and turn.speaker:
            blocks.append(Block("turn", start, end, turn.speaker, section,
                                time_start=turn.time, line=line))
        elif end > start:
            blocks.append(Block("section", start, end, section=section,
                                line=line_at(text, start)))
    return ParsedDocument(text, blocks, notes=sorted(notes, key=lambda n: n.line))
