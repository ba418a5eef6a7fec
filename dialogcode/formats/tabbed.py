"""Transcripts exported as tab-separated text: ``P1<tab>We need housing.``"""
from __future__ import annotations

import re
from collections.abc import Callable

from . import speakers
from .columns import DEFAULTS, column_key
from .entries import entry_lines
from .headings import recap_lines
from .labels import CLOCK, TAB_TURN, Turn, count_recurring
from .lines import line_at, lines_of
from .speakers import Label, Note

# P1<tab>..., or a time before it (NVivo): 0:00:01.0<tab>P1<tab>...
TABBED = re.compile(rf"^[ \t]*(?:(?P<time>{CLOCK})[ \t]*\t+)?(?P<label>[^\t\n]{{1,40}}?)[ ]*\t+\S",
                    re.MULTILINE)
TIME_FIELD = re.compile(rf"^[ \t]*{CLOCK}[ \t]*\t+(?=[^\t\n]*\t)")  # 0:00:01.0<tab> before a name


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
    tabbed = sum(1 for offset, line in lines_of(text)
                 if "\t" in line.rstrip() and offset not in known)
    if found and _column_names(found[0]):
        found = found[1:]
        tabbed -= 1
    lines = sum(1 for _, line in lines_of(text) if line.strip())
    if (len(found) < 2 or (len(found) + len(starts)) * 2 <= lines
            or len(found) < tabbed):
        return None
    labels = [Label(m["label"], f"{m['label']}<tab>", line_at(text, m.start()))
              for m in found]
    recurring, kept = count_recurring([label.name for label in labels], forced)
    if recurring * 10 < kept * 9:
        return None
    chosen = speakers.decide(labels, dense=True, forced=forced)
    # a member of staff's notes (`Facilitator Notes<tab>...`) are a recap's heading and
    # its words (:func:`~.headings.recap_lines`), no speaker's
    talk = [(m.start(), m.start("words"), label.name)
            for m, label, keep in zip(found, labels, chosen) if keep]
    recaps = frozenset(line_at(text, at) for at, _ in recap_lines(text, forced, talk + [
        (turn.start, turn.body, turn.speaker) for turn in labelled]))
    chosen = [keep and label.line not in recaps for label, keep in zip(labels, chosen)]
    turns = [Turn(m.start(), m.start("words"), label.name)
             for m, label, keep in zip(found, labels, chosen) if keep]
    note = Note(labels[0].line, (
        f"{len(turns)} lines read as turns, each a speaker, a tab and the words "
        f"(`{labels[0].name}` then a tab); if a name is not a speaker, write the file as "
        "field notes without tabs"))
    return turns, [note, *speakers.notes(labels, chosen, forced=forced, entries=recaps)]


def _column_names(match: re.Match) -> bool:
    """Whether a tabbed line names a table's columns: ``Speaker<tab>Text``."""
    return (column_key(match["label"]) in DEFAULTS["speaker"]
            and column_key(match["words"]) in DEFAULTS["text"])


def tabbed_lines(text: str, shown: Callable[[int], int] | None = None) -> list[Note]:
    """A note for text read as field notes whose lines are mostly a name, a tab and text
    (``P1<tab>We need housing.``, a table pasted as text, maybe with a time before the
    name, ``0:00:01.0<tab>P1<tab>...``): no label opens them, so
    their speakers are not read. ``shown``: the line of the file, as an editor shows
    it, of a line of ``text`` (:func:`~dialogcode.normalize.read_lines`): the lines
    the note counts and names are the file's."""
    show = shown or (lambda number: number)
    found = [m for m in TABBED.finditer(text) if speakers.plausible(m["label"])]
    named = len({show(line_at(text, m.start())) for m in found})
    lines = len({show(number) for number, (_, line) in enumerate(lines_of(text), start=1)
                 if line.strip()})
    if named < 2 or named * 2 <= lines:
        return []
    other = next((number for number, (_, line) in enumerate(lines_of(text), start=1)
                  if "\t" in line.rstrip()
                  and not TAB_TURN.fullmatch(TIME_FIELD.sub("", line, count=1))), None)
    first = found[0]
    shape, example = (("a time, a name", f"{first['time']}<tab>{first['label']}")
                      if first["time"] else ("a name", first["label"]))
    return [Note(line_at(text, first.start()), (
        f"{named} of {lines} lines are {shape}, a tab and text (`{example}` "
        "then a tab), as a table pasted as text: read as field notes, without speakers"
        + (f" (line {show(other)} has more fields, a tab in its words or no name)"
           if other else "")
        + "; if they are turns, save the table as .csv with speaker and text columns, or "
        "write each as `Name: text`"))]
