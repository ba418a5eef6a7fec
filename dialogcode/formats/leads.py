"""A turn's time written alone on the line above its label (``00:01:15`` then ``P1:
...``), its lead (:attr:`~.labels.Turn.lead`), and how a time is written."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .labels import STAMP, Turn

STAMP_LINE = re.compile(rf"[ \t]*[\[(]?(?P<stamp>{STAMP})[\])]?[ \t]*")   # a line of a time alone
# a time alone on its line (as a paragraph, or below words, as Google Meet writes it), then
# blank lines up to the end (of the text searched)
TIME_THEN_BLANK = re.compile(rf"(?:^|\n)(?P<line>{STAMP_LINE.pattern})\n(?:[ \t]*\n)+$")
LATER_STAMPS = 3    # times above later turns only that are turn times, not answers


def time_shape(stamp: str) -> str:
    """How a time is written, digits, the first field's width and AM or PM aside
    (``00:01:15`` and ``10:30`` differ; ``9:59:00`` and ``10:00:00``, or ``10:30 AM``
    and ``9:45 p.m.``, do not)."""
    bare = re.sub(r"[ \t]*[ap]\.?m\.?$", " m", stamp, flags=re.IGNORECASE)
    return re.sub(r"\d", "9", re.sub(r"^\d{1,2}", "9", bare))


def with_leads(text: str, turns: list[Turn]) -> list[Turn]:
    """``turns``, each with the time on a line of its own just above its label
    (``00:01:15`` then ``P1: ...``) as its time, when most turns have one, the first
    among them or :data:`LATER_STAMPS` or more: that line then belongs to no turn, where
    it was read as the last words of the turn before. One or two times only above later
    turns are the last words of the turns before them (``When do we meet?`` / ``10:30``
    in a three-turn exchange), where a transcript whose first turn starts at 0 has
    none above it.
    A time written unlike most of them (``10:30`` among ``00:01:15``), or not opening a
    paragraph where most do, is talk of the turn before (``we meet at`` / ``10:30``).
    Where most turns have their time on the label's line (``[00:12:00] P1: ...``), a
    time alone opening the paragraph of a turn without one, written like theirs, is
    that turn's. A time in brackets or with seconds (``[00:12:31]``, ``00:12:31``),
    which nobody says, is always the turn's below it (:func:`not_talk`), also with
    blank lines between: as a paragraph of its own just above the label's (no heading,
    then), or below the words of the turn above (Google Meet's ``00:05:00`` every few
    minutes)."""
    found = []
    talk = len(text) - len(text.lstrip())       # where the first words are
    for k, turn in enumerate(turns):
        above = text.rfind("\n", 0, max(turn.start - 1, 0)) + 1
        match = STAMP_LINE.fullmatch(text, above, turn.start - 1) if turn.start else None
        if match and turn.stamp is None:
            opens = above <= talk or text.endswith("\n", 0, above - 1)
            found.append((k, above, match["stamp"], opens))
    shapes = Counter(time_shape(stamp) for _, _, stamp, _ in found)
    shape = shapes.most_common(1)[0][0] if shapes else None
    paragraphs = sum(opens for *_, opens in found) * 2 > len(found)
    stamps = {k: (above, stamp) for k, above, stamp, opens in found
              if time_shape(stamp) == shape and (opens or not paragraphs)}
    if len(stamps) * 2 <= len(turns) or (0 not in stamps and len(stamps) < LATER_STAMPS):
        # most turns with their time on the label's line: a time alone opening the
        # paragraph of one without (`[00:12:05]` then `Visitor: ...`), written like
        # theirs, is its time
        written = Counter(time_shape(turn.stamp) for turn in turns if turn.stamp)
        usual = written.most_common(1)[0][0] if sum(written.values()) * 2 > len(turns) \
            else None
        stamps = {k: (above, stamp) for k, above, stamp, opens in found
                  if opens and time_shape(stamp) == usual}
    # a time in brackets or with seconds (`[00:12:31]`, `00:12:31`) is never talk, nor
    # a heading as a paragraph of its own above the label
    stamps |= {k: (above, stamp) for k, above, stamp, _ in found
               if k not in stamps and not_talk(text[above:turns[k].start])}
    for k, turn in enumerate(turns):
        window = max(turn.start - 200, 0)
        alone = TIME_THEN_BLANK.search(text, window, turn.start) if turn.stamp is None else None
        if k not in stamps and alone and not_talk(alone["line"]):
            stamps[k] = (alone.start("line"), alone["stamp"])
    return [replace(turn, lead=stamps[k][0], stamp=stamps[k][1]) if k in stamps else turn
            for k, turn in enumerate(turns)]


def not_talk(line: str) -> bool:
    """Whether ``line``, a time alone, is written as nobody says one: in brackets
    (``[00:12:31]``, ``(10:30)``) or with seconds (``00:12:31``)."""
    line = line.strip()
    return line.startswith(("[", "(")) or line.count(":") == 2


def time_line_above(text: str, at: int) -> int:
    """Where the line just above offset ``at`` starts when it holds a time alone
    (``00:12:05``), else ``at``."""
    above = text.rfind("\n", 0, max(at - 1, 0)) + 1
    return above if at and STAMP_LINE.fullmatch(text, above, at - 1) else at
