"""Plain-text transcripts: ``P3: ...``, ``[P3] ...`` or ``#P3: ...`` turns (``**P3:**`` in
Markdown bold too), a label maybe indented or with a time (``[00:01:05] P3: ...``, ``P3
(1:05): ...``; ``[P3] 00:01:05`` alone on its line, or ``00:01:05`` on the line above
the label, when most turns have one written alike: the turn's start), or ``P3<tab>...``
lines (a table exported as text, :mod:`~.tabbed`); also after a list or quote marker
(``- **P3:** ...``, ``> P3: ...``, in Markdown and in plain text as notes apps write
it). Lines opening with a kind of field-note entry used twice or more (``Observation:
...``), written like the turns, are an observer's, no speaker's
(:func:`~.entries.observer_lines`).

A turn runs from its label to the next speaker line or heading, so it may span several
lines and paragraphs. Lines before the first speaker become a ``preamble`` block. A
heading after the first turn (see :func:`~.headings.heading_lines`) becomes a
``heading`` block; paragraphs after it that no speaker opens are a ``section`` under it
(field notes written into a transcript), and later turns carry it as their ``section``.

Which labels are speakers is decided from the whole file's shape
(:mod:`~dialogcode.formats.speakers`): it is *dense* when most paragraphs open with a
label (turns separated by blank lines; a one-off label then counts only at the start of
a paragraph, or below a time alone that opens one: :func:`_time_lines`), or else when
most non-blank lines do (one turn per line), or when turns are not paragraphs, at least
ten labels are used and nine in ten of them are roles, listed, or used twice or more
(turns wrapped over several lines).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from . import speakers
from .base import Block, ParsedDocument
from ..errors import IngestError
from .clock import MERIDIEM, backwards, clock_times
from .columns import parse_time
from .entries import entry_lines
from .headings import HEADING, recap_lines
from .labels import (MARKER, TURN, Turn, above_words, count_recurring, without_colon,
                     words_after)
from .leads import STAMP_LINE, time_line_above, time_shape, with_leads
from .lines import line_at, lines_of, paragraph_starts, span
from .speakers import Label, Note, wordless_note

QUOTE_END = re.compile(r"(?:\n[ \t>]*)+$")    # lines of Markdown quote marks alone, at the end
RECURRING = 10      # labels of recurring speakers that make a file of wrapped turns dense


def _stamp(match: re.Match) -> str | None:
    return match["before"] or match["inside"] or match["outside"] or match["after"]


def _labels(text: str, forced: frozenset[str]
            ) -> tuple[list[re.Match], list[Label], bool, set[int]]:
    """Every label at a line start, as matches and :class:`Label`, whether the file is
    dense (see the module docstring), and where its paragraphs open (a label under a
    time alone, :func:`_time_lines`, opening the paragraph its time opens)."""
    lines = lines_of(text)
    matches = list(TURN.finditer(text))
    names = [(m["bracket"] or m["hash"] or m["colon"]).strip() for m in matches]
    recurring, kept = count_recurring(names, forced)
    timed = _time_lines(text, matches) if recurring else {}
    starts = {timed.get(start, start) for start in paragraph_starts(lines)}
    entries = _entries(names, forced)
    usable = [m.start() for m, name in zip(matches, names)
              if name in forced or speakers.plausible(name) or name in entries]
    opening = sum(offset in starts for offset in usable)
    by_paragraph = opening * 2 > len(usable) and opening * 2 > len(starts)
    # a time alone above a label is no line of its own
    by_line = len(usable) * 2 > sum(1 for _, line in lines if line.strip()) - len(timed)
    # turns on lines of their own (not paragraphs) wrapped over several lines: the labels
    # are nearly all of recurring speakers
    by_speakers = (opening * 2 <= len(usable) and recurring >= RECURRING
                   and recurring * 10 >= kept * 9)
    shown = [f"[{name}]" if m["bracket"] else f"#{name}:" if m["hash"] else
             m[0].strip() if m["nocolon"] is not None else f"{name}:"
             for m, name in zip(matches, names)]
    labels = [Label(name, label, line_at(text, m.start()),
                    m.start() in starts if by_paragraph else True)
              for m, name, label in zip(matches, names, shown)]
    return matches, labels, by_paragraph or by_line or by_speakers, starts


def _time_lines(text: str, matches: list[re.Match]) -> dict[int, int]:
    """Lines of a time alone just above a label of ``matches`` (``[00:12:05]`` then
    ``Visitor: ...``): the time line's offset -> the label's. :func:`_labels` asks only
    in a file where a speaker recurs (a role, listed, or used twice or more): such a
    time opens the label's turn, where field notes whose times head one-off labels
    (``10:15`` then ``Arrival: ...``) stay notes."""
    found = {}
    for m in matches:
        above = text.rfind("\n", 0, max(m.start() - 1, 0)) + 1
        if m.start() and STAMP_LINE.fullmatch(text, above, m.start() - 1):
            found[above] = m.start()
    return found


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


def _unlike_speakers(starts: set[int], matches: list[re.Match], labels: list[Label],
                     chosen: list[bool], forced: frozenset[str]) -> list[bool]:
    """``chosen`` less the labels written unlike the speaker lines: indented deeper than
    the least indented role or label used twice, or with a time before it unless most
    of the chosen labels have one. A ``Tom: ...`` quoted or a ``Budget: ...``
    listed inside a turn, or an agenda's ``10:30 Break: ...`` read out in one, is text
    of that turn. A role, a listed speaker or a label opening a paragraph (one of
    ``starts``) stays a speaker."""
    counts = Counter(label.name for label in labels)
    indents = [len(m[0]) - len(m[0].lstrip(" \t")) for m in matches]
    strong = [indent for indent, label, keep in zip(indents, labels, chosen)
              if keep and (speakers.ROLE.match(label.name) or counts[label.name] >= 2)]
    level = min(strong, default=max(indents, default=0))
    timed = [m["before"] is not None for m, keep in zip(matches, chosen) if keep]
    clocked = sum(timed) * 2 > len(timed)
    return [keep and ((indent <= level and (clocked or m["before"] is None))
                      or label.name in forced or m.start() in starts
                      or bool(speakers.ROLE.match(label.name)))
            for m, label, keep, indent in zip(matches, labels, chosen, indents)]


def find_turns(text: str, forced: frozenset[str] = frozenset()
               ) -> tuple[list[Turn], list[Note]]:
    """Every speaker line, and notes on the labels used once or read as text.
    ``forced``: labels that are speakers wherever they open a line."""
    matches, labels, dense, starts = _labels(text, forced)
    chosen = _unlike_speakers(starts, matches, labels,
                              speakers.decide(labels, dense=dense, forced=forced), forced)
    written, _ = without_colon(matches, [label.name for label in labels], forced)
    chosen = above_words(text, matches, [keep and ok for keep, ok in zip(chosen, written)])
    talk = [(m.start(), m.end(), label.name)
            for m, label, keep in zip(matches, labels, chosen) if keep]
    recaps = frozenset(line_at(text, start) for start, _ in recap_lines(text, forced, talk))
    chosen = [keep and label.line not in recaps for label, keep in zip(labels, chosen)]
    chosen = _timed_once(matches, labels, chosen)
    kept = [(m, label.name) for m, label, keep in zip(matches, labels, chosen) if keep]
    timed = _timed_after([m for m, _ in kept])
    turns = [Turn(m.start(), m.end(), name, _stamp(m)) if m["after"] is None or m in timed
             else Turn(m.start(), m.start("after"), name, None) for m, name in kept]
    # `**Ana Ruiz** 00:14 The funding ...` beside such labels alone on their line
    inline = words_after(text, matches, [label.name for label in labels], chosen, forced)
    turns = sorted(turns + [Turn(m.start(), m.end(), name, m["before"] or m["outside"])
                            for m, name, keep in inline if keep], key=lambda t: t.start)
    uses = sorted([*zip(labels, chosen), *((Label(name, m[0].strip(), line_at(
        text, m.start())), keep) for m, name, keep in inline)], key=lambda use: use[0].line)
    entries = frozenset(line_at(text, at) for at in entry_lines(text, forced))
    return with_leads(text, turns), speakers.notes(
        [label for label, _ in uses], [keep for _, keep in uses], forced=forced,
        entries=entries | recaps)


def _timed_after(matches: list[re.Match]) -> set[re.Match]:
    """The ``[Name] 10:15:32`` labels whose time alone after them is the turn's time:
    when most turns are written so, those with a time written like most of them. Else,
    or written unlike them, the time is the turn's talk (``[Maria] 9:30`` answering
    when to meet)."""
    after = [m for m in matches if m["after"] is not None]
    if len(after) * 2 <= len(matches):
        return set()
    shape = Counter(time_shape(m["after"]) for m in after).most_common(1)[0][0]
    return {m for m in after if time_shape(m["after"]) == shape}


def _timed_once(matches: list[re.Match], labels: list[Label], chosen: list[bool]
                ) -> list[bool]:
    """``chosen`` and the one-off ``[Name] 10:15:45`` labels written like a name (maybe
    with a note in brackets: ``[Ana Ruiz (she/her)]``), no header's field or recap, with
    a time written like those most chosen labels have after them (:func:`_timed_after`),
    as Zoom writes each turn: someone who speaks once, not words of the turn above."""
    shapes = {time_shape(m["after"]) for m in _timed_after(
        [m for m, keep in zip(matches, chosen) if keep])}
    return [keep or (m["bracket"] is not None and m["after"] is not None
                     and time_shape(m["after"]) in shapes and speakers.plausible(label.name)
                     and not speakers.header_field(label.name, 1)
                     and speakers.name_like(speakers.NOTE_AFTER.sub("", label.name)))
            for m, label, keep in zip(matches, labels, chosen)]


def read_times(text: str, turns: list[Turn], source: str, turn_times: str | None = None,
               shown: Callable[[int], int] | None = None) -> tuple[list[Turn], list[Note]]:
    """``turns`` with their times as seconds from the recording's start: offsets as
    written (``[00:01:05] P1:``), or times of day (``[09:30:05]`` at 07:00 or later,
    ``(2:15 PM)``) from the first turn's, with a note, by the rules of a table's start
    column (:mod:`~.clock`). ``turn_times``: what the study says they are,
    ``"offsets"`` (but for times with AM or PM) or ``"clock"`` (times of day whatever
    the hour); None to tell from the times. Raises IngestError naming the line of a time
    that is none, is out of order among times of day, or has AM or PM among offsets, of
    a first time from 05:00:00 to 06:59:59 when ``turn_times`` is None
    (:data:`~.clock.SURE_FROM_HOUR`), and of a first time that is no time of day
    (``9:30``, minutes and seconds) when it is ``"clock"``. A time before the one above
    it (a typo, a marker earlier than its turn's time) is kept, with a note
    (:func:`~.clock.backwards`). ``shown``: the line a note names for a line of
    ``text`` (:func:`~.clock.clock_times`)."""
    rows = [(line_at(text, _opening(turn)), turn.stamp, None) for turn in turns]
    marked = [(line, stamp) for line, stamp, _ in rows if stamp and MERIDIEM.match(stamp)]
    bare = [(line, None if stamp and MERIDIEM.match(stamp) else stamp, None)
            for line, stamp, _ in rows]
    first = next(((line, stamp) for line, stamp, _ in rows if stamp), None)
    # the times without AM or PM alone offsets (`[00:00:49]`, `[0:49]`, or any by
    # turn_times: offsets): a time of day among them is refused at its line, not the
    # first's for being unlike it. Alone from 05:00:00 to 06:59:59 they may be either
    # (an error): beside times with AM or PM they are times of day, refused below for
    # not saying AM or PM
    try:
        offsets = bool(marked) and first not in marked and (
            turn_times == "offsets" or clock_times(bare, source, unit="turn")[0] is None)
    except IngestError:
        offsets = False
    if offsets:
        line, stamp = marked[0]
        raise IngestError(f"cannot read time {stamp!r}: a time of day among times into "
                          "the recording (the first turn's is not one): write every "
                          "turn's time alike", file=source, line=line)
    read, note = clock_times(rows, source, unit="turn", turn_times=turn_times, shown=shown)
    timed = [replace(turn, time=read(stamp, line) if read else parse_time(stamp, source, line))
             if stamp else turn for turn, (line, stamp, _) in zip(turns, rows)]
    # a time ending a turn's words starts none: a turn after it may start before it
    order = backwards([(line, stamp) for line, stamp, _ in rows],
                      [None if turn.ends else turn.time for turn in timed],
                      offsets=read is None, shown=shown)
    clocked = [Note(first[0], note)] if read is not None else []
    return timed, clocked + order


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
    recurring, _ = count_recurring([turn.speaker for turn in plain], forced)
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


def missed_speakers(text: str, forced: frozenset[str] = frozenset()) -> list[Note]:
    """Notes for a document read as field notes: labels written like names, which may
    be speakers that were missed."""
    matches, labels, _, _ = _labels(text, forced)
    _, unsure = without_colon(matches, [label.name for label in labels], forced)
    labels = [label for k, label in enumerate(labels) if k not in unsure]
    return speakers.notes(labels, [False] * len(labels), forced=forced, transcript=False)


def observer_turns(text: str, turns: list[Turn], offsets: list[int]) -> list[Turn]:
    """An observer's lines at ``offsets`` (:func:`~.entries.observer_lines`) as turns
    without a speaker, each from its time alone on the line above where ``turns`` have
    their times so (``[00:12:05]`` then ``Interpretation: ...``): the time is the
    entry's, not the last words of the turn before."""
    stamped = any(turn.lead is not None for turn in turns)
    found = []
    for at in offsets:
        start = time_line_above(text, at) if stamped else at
        found.append(Turn(start, start, ""))
    return found


def mostly_turns(text: str, turns: list[Turn], forced: frozenset[str] = frozenset()
                 ) -> bool:
    """Whether ``turns`` open most paragraphs of ``text``, or most of its lines,
    Markdown headings aside, and at least half are of recurring speakers (roles,
    listed, or used twice or more, as a facilitator between people who speak once): a
    transcript, not field notes quoting a few people or listing fields
    (``Weather: rain``)."""
    lines = [(offset, line) for offset, line in lines_of(text) if not HEADING.match(line)]
    opened = {_opening(turn) for turn in turns}
    paragraphs = paragraph_starts(lines)
    opening = sum(offset in opened for offset in paragraphs)
    recurring, _ = count_recurring([turn.speaker for turn in turns], forced)
    return bool(turns) and recurring * 2 >= len(turns) and (
        opening * 2 > len(paragraphs)
        or len(turns) * 2 > sum(1 for _, line in lines if line.strip()))


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
    # where each turn has its time alone on the line above its label, such a time above
    # a heading (`00:45:10` then `Facilitator Notes:`) is the heading's, not words of
    # the turn before: the heading's lines start there
    stamped = any(turn.lead is not None for turn in turns)
    leads = {turn.lead for turn in turns}       # a time alone above a turn is no heading
    marks = sorted([(_opening(turn), turn.body, turn, turn.start) for turn in turns]
                   + [(time_line_above(text, s) if stamped else s, e, None, s)
                      for s, e in headings or ()
                      if s >= first and s not in speaker_lines
                      and text.rfind("\n", 0, s) + 1 not in leads],
                   key=lambda m: m[0])
    section, unsaid = None, []      # unsaid: lines of labels without words
    # labels whose words follow a time written in the turn (`P1: [00:00:05] We start.`)
    pieced = {turn.within for *_, turn, _ in marks if turn is not None}
    for i, (mark, after, turn, label) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        line = line_at(text, label)
        if turn is None:
            marked = HEADING.fullmatch(text, label, after)
            title = text[label:after]
            section = marked["title"] if marked else title
            blocks.append(Block("heading", mark, after, line=line))
            if not (marked and markdown):
                notes.append(Note(line, f"`{title}` {speakers.AS_HEADING}"))
        start, end = span(text, after, stop)
        if markdown:        # quote marks alone after the words join a quote's paragraphs
            start, end = span(text, start, start + len(QUOTE_END.sub("", text[start:end])))
        if end > start and turn is not None and turn.speaker:
            # a piece after a time written in a turn is on its turn's line as read: a
            # turn of pieces, as those cut by another speaker's words in brackets
            blocks.append(Block("turn", start, end, turn.speaker, section,
                                time_start=turn.time, line=line, read_line=None
                                if turn.within is None else line_at(text, turn.within)))
        elif end > start:
            blocks.append(Block("section", start, end, section=section,
                                line=line_at(text, start)))
        elif (turn is not None and turn.speaker and turn.within is None
              and turn.start not in pieced):
            unsaid.append(line)
    if unsaid:
        notes.append(wordless_note(unsaid, "speaker labels", "with no words"))
    return ParsedDocument(text, blocks, notes=sorted(notes, key=lambda n: n.line))
