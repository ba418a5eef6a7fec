"""A time written inside a plain-text turn, with no label after it: ``P1: we went there.
[00:12:31] And then we left.``, or ``00:12:31`` alone on a line of the turn. A time in
brackets, or with seconds where a transcriber puts one (opening the turn's words or a
paragraph, alone on its line, between sentences, or between the times of its turn and
the next), is a marker the transcriber wrote, not talk: the turn is parted there, into
two turns of its speaker, the words after it with that time as their ``time_start``. The
marker stays in the document's text, in no turn, as a label does. Inside a line, a time
in round brackets is a marker only with seconds (``not before (10:30)`` may be said);
alone on its line, in either brackets. A time as someone says it (``we meet at 10:30``,
``my best was 3:12:45 that day``, ``10:30:00 PM`` with no brackets) stays talk, and so
do one inside other brackets (``[Note: at 00:12:31 we paused]``), one with seconds
glued to other marks (``#00:00:12-3#``, ``at 00:12:31.``), one followed by marks and
no words (``look at [00:12:31].``), times that are all a turn says (``[Maria]
10:15:40`` answering when to meet) and, with a note, a time with seconds and no
brackets alone on its line after a turn's words that is the only time in the file
(``the log says`` / ``10:30:00``): a transcriber who marks times marks more than one."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from .columns import clock_seconds
from .labels import CLOCK, STAMP, Turn
from .lines import SENTENCE_END, line_at, rest_of_line
from .leads import STAMP_LINE, not_talk, time_line_above
from .speakers import Note

MARK = re.compile(
    rf"\[[ \t]*(?P<square>{STAMP})[ \t]*\]|\([ \t]*(?P<round>{STAMP})[ \t]*\)"
    # with seconds, standing apart: not part of a longer number or time (`1:02:03:04`,
    # `00:12:31.5x`), nor glued to a mark (f4transkript's `#00:00:12-3#`, `00:12:31.`),
    # nor with AM or PM, a time of day said (`10:30:00 PM`), nor a caption cue's start
    # (`00:00:03,000 --> 00:00:04,500`)
    rf"|(?<!\S)(?P<bare>(?=\d{{1,2}}:\d{{2}}:\d{{2}}){CLOCK})(?!\S)"
    r"(?![ \t]*(?:[AaPp]\.?[Mm](?!\w)|-->))")
WORD = re.compile(r"\w")
PARAGRAPH_END = re.compile(r"\n[ \t]*\n[ \t]*$")     # a blank line, then maybe spaces
NEXT = re.compile(r"\s*(\S)")      # the first character after spaces, line breaks too
SOUND = re.compile(r"[(\[][^()\[\]\n]*[)\]]")     # `[Pause]`, `(laughs)`: nobody's words
ASIDES = re.compile(rf"(?:{SOUND.pattern}\s*)+$")     # `(laughs) [coughs]` ending words
NEAR = 80       # characters before a time read to tell where it stands


def time_marks(text: str, turns: list[Turn], stops: list[int]
               ) -> tuple[list[Turn], list[Note]]:
    """``turns`` (in order) and, for each marker inside a speaker's turn, a turn of
    that speaker from it, its time the marker's, all in order; and a note on a time
    alone on its line read as words (:func:`_said_alone`). A turn's words run to the
    next turn or to one of ``stops`` (a heading's or an observer's line), or to the
    time alone on the line above it where turns have their times so (that time is the
    heading's, :func:`~.plaintext.parse_turns`)."""
    stamped = any(turn.lead is not None for turn in turns)
    bounds = sorted({turn.start if turn.lead is None else turn.lead for turn in turns}
                    | {time_line_above(text, at) if stamped else at for at in stops})
    found = []
    # each turn's time and the next turn's, a marker's time between them
    windows, later = [], None
    for turn in reversed(turns):
        windows.append((clock_seconds(turn.stamp), later))
        later = later if windows[-1][0] is None else windows[-1][0]
    for turn, window in zip(turns, reversed(windows)):
        if not turn.speaker:
            continue
        k = bisect_right(bounds, turn.body)
        stop = bounds[k] if k < len(bounds) else len(text)
        # one followed by marks and no words (`[00:12:31].`) stays in the words before it,
        # as does one followed by a sound's mark alone, its time (`[Crosstalk] 10:16:10`
        # / `[Pause] 10:16:12`: no time of the pause)
        marks, upto = [], stop
        for m in reversed([m for m in MARK.finditer(text, turn.body, stop)
                           if _marker(text, m, (turn.body, stop), window)]):
            if WORD.search(SOUND.sub("", text[m.end():upto])) \
                    or not text[m.end():upto].strip():
                marks.insert(0, m)
                upto = m.start()
        words = "".join(text[start:end] for start, end in zip(
            [turn.body, *(m.end() for m in marks)], [*(m.start() for m in marks), stop]))
        if WORD.search(words):
            found += [(m, Turn(m.start(), m.end(), turn.speaker,
                               m["square"] or m["round"] or m["bare"], within=turn.start,
                               ends=not WORD.search(text, m.end(), upto)))
                      for m, upto in zip(marks, [*(m.start() for m in marks[1:]), stop])]
    turns, found, notes = _said_alone(text, turns, found, bounds)
    return sorted(turns + found, key=lambda turn: turn.start), notes


def _said_alone(text: str, turns: list[Turn], found: list[tuple[re.Match, Turn]],
                bounds: list[int]) -> tuple[list[Turn], list[Turn], list[Note]]:
    """``turns`` and the markers ``found`` in them (each with its match), less the time
    that is the only one in the file when it is written with seconds, without brackets,
    alone on a line after a turn's words: a marker there (``the log says`` /
    ``10:30:00`` / ``and we left``), or the time of the turn below (``it was`` /
    ``10:30:00`` / ``P2: ...``). A transcriber who marks times marks more than one, and
    someone may read one out; so it is left in the words of the turn it is in, with a
    note, where it would have parted the turn or timed the one below. One opening a
    turn's words (``P1:`` / ``00:12:31`` / ``we went there``), or below a heading or an
    observer's line (one of ``bounds``, where turns' words end), follows no words said:
    it stays a marker, or the time of the turn below."""
    stamped = [k for k, turn in enumerate(turns) if turn.stamp]
    if len(stamped) + len(found) != 1:
        return turns, [turn for _, turn in found], []
    if found:
        (m, marker), = found
        said = next(turn for turn in turns if turn.start == marker.within)
        alone = (m["bare"] and not text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip()
                 and not rest_of_line(text, m.end()).strip()
                 and WORD.search(text, said.body, m.start()))
        if not alone:
            return turns, [marker], []
        at, stamp, whose = m.start(), m["bare"], marker.speaker
    else:
        k = stamped[0]
        turn = turns[k]
        if k == 0 or turn.lead is None or not turns[k - 1].speaker \
                or text[turn.lead:turn.start].lstrip().startswith(("[", "(")) \
                or bounds[bisect_right(bounds, turns[k - 1].body)] != turn.lead \
                or not WORD.search(text, turns[k - 1].body, turn.lead):
            return turns, [], []
        at, stamp, whose = turn.lead, turn.stamp, turns[k - 1].speaker
        turns = [*turns[:k], replace(turn, lead=None, stamp=None), *turns[k + 1:]]
    return turns, [], [Note(line_at(text, at), (
        f"`{stamp}` alone on its line is read as words of {whose}'s turn, not as a time "
        "marker: it is the only time in the file, written as someone may say it; if it "
        f"marks where in the recording the words after it start, write it in brackets "
        f"(`[{stamp}]`)"))]


def _marker(text: str, m: re.Match, words: tuple[int, int],
            window: tuple[float | None, float | None]) -> bool:
    """Whether the time ``m``, in the words of a turn (from, to), is a marker: in
    square brackets; in round ones with seconds, alone on its line or all the label's
    line holds after the label (Rev's ``Interviewer: (00:00)``); bare (with
    seconds) at a break in the talk (:func:`_at_break`) or between the times of its turn
    and the next, ``window``, and not inside a bracket left open before it on its line
    (``[inaudible 00:12:31]``, closed or not)."""
    start = text.rfind("\n", 0, m.start()) + 1
    if m["round"] and m["round"].count(":") < 2:
        end = text.find("\n", m.end())
        return bool(STAMP_LINE.fullmatch(text, start, len(text) if end < 0 else end)) or (
            not text[words[0]:m.start()].strip() and "\n" not in text[words[0]:m.start()]
            and not rest_of_line(text, m.end()).strip())
    before = text[start:m.start()]
    return not m["bare"] or (before.count("[") <= before.count("]")
                             and before.count("(") <= before.count(")")
                             and (_at_break(text, m, *words) or _within(m["bare"], window)))


def _at_break(text: str, m: re.Match, body: int, stop: int) -> bool:
    """Whether the bare time ``m`` stands where a transcriber writes one, not inside
    running words (``my best was 3:12:45 that day``, ``we met at 10:30:00 sharp``): it
    opens the turn's words (from ``body`` to ``stop``, maybe after an aside:
    ``[laughs]``) or a paragraph of them, or is alone on its line, or opens its line
    written as a recording's time, from 0 (``we went there`` / ``00:12:31 and then``,
    not ``we met at`` / ``10:30:00 sharp``), or stands between sentences: the words
    before it end one (maybe an aside after it), and those after it, on its line or
    the next, open one, as anything but a lower-case letter does (``We went there.
    00:12:31 And then``, ``(laughs)``, ``¿Y?``, ``然后``), or go on after a recording's
    time (``We went there... 00:12:31 and then``), as after a time said to open a
    sentence (``I ran it. 3:12:45 was my best``) they do not."""
    said = text[max(body, m.start() - NEAR):m.start()]     # the words just before it
    talk = ASIDES.sub("", said)         # and before an aside after them
    line = max(text.rfind("\n", 0, m.start()) + 1, body)
    after = rest_of_line(text, m.end()).strip()
    recorded = m["bare"].startswith("0")       # 00:12:31, as nobody writes a time said
    if (m.start() - body <= NEAR and not talk.strip()) or (
            not text[line:m.start()].strip()
            and (not after or recorded or PARAGRAPH_END.search(said))):
        return True
    following = NEXT.match(text, m.end(), stop)
    ended = SENTENCE_END.search(said) or SENTENCE_END.search(talk)
    return bool(ended and following) and (not following[1].islower() or recorded)


def _within(stamp: str, window: tuple[float | None, float | None]) -> bool:
    """Whether the time ``stamp`` lies in ``window``, both its ends known."""
    seconds = clock_seconds(stamp)
    return None not in (seconds, *window) and window[0] <= seconds <= window[1]


def time_heading(text: str, start: int, end: int, starts: frozenset[int]) -> bool:
    """Whether the heading line ``text[start:end]`` is a time alone, no heading inside
    a turn: written as nobody says one (``00:13:05``, ``[10:30]``), a marker; as
    someone says it (``10:30``), the turn's words when words follow it that open no turn
    (one of ``starts``: ``the bus came at`` / ``10:30`` / ``and we left``). One so said
    between turns (``Tom: Hi.`` / ``10:30`` / ``Maria: ...``) heads those below it."""
    if not STAMP_LINE.fullmatch(text, start, end):
        return False
    after = NEXT.match(text, end)
    return not_talk(text[start:end]) or (after is not None and after.start(1) not in starts)
