"""A note in brackets inside a turn: ``P2: I agree. [Note: the group paused]``,
``(Facilitator note: P2 was upset)``. A member of staff or the transcriber wrote it, not
the speaker, so it is taken out of the turn as a section of nobody's words (its brackets
kept), as a caption cue of ``[music]`` alone is a turn without a speaker; the speaker's
words after it are their turn again. Other brackets (``[laughter]``, ``[NAME]``, ``(ph)``)
stay in the turn.

A note is a bracket opening with a label and a colon, the label named like a recap
(:data:`~.speakers.RECAP`: ``Note``, ``Facilitator note``, ``Notes from the observer``)
or like an observer's kind of entry (:data:`~.speakers.OBSERVER`: ``Observer comment``,
``Context``), or a transcriber's, translator's, interpreter's or editor's note or
comment, but for a quote (``[Quote: ...]``, which may hold the speaker's words).

A bracket opening with another speaker's label (``P3: we went there [Facilitator: go
on] and then ...``: a speaker of the document, a listed one or a role) is that
speaker's interjection: a turn of theirs, between the two turns of the speaker's words;
but for words all in quotation marks (``[Facilitator: "come back"]``), the speaker quoting.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .base import Block, ParsedDocument
from .lines import span
from .speakers import OBSERVER, RECAP, ROLE, Note

BRACKETED = re.compile(r"\[(?P<square>[^\[\]\n:]{1,40}):[^\[\]\n]{0,500}\]"
                       r"|\((?P<round>[^()\n:]{1,40}):[^()\n]{0,500}\)")
WORD = re.compile(r"\w")
QUOTE = re.compile(r"(?:direct )?quotes?\b", re.IGNORECASE)
# words all in quotation marks: the speaker quoting someone (`[Facilitator: "come back"]`)
QUOTED = re.compile(r"\s*[\"“‘'][^\n]*[\"”’'][.,!?…]?\s*$")
# whoever wrote the transcript down: ``[Transcriber's note: ...]``, ``[Translator note: ...]``
WRITERS = re.compile(r"(?:transcriber|translator|interpreter|editor)(?:['’]s|s['’]?)? "
                     r"(?:notes?|comments?)$", re.IGNORECASE)


def is_aside(label: str) -> bool:
    """Whether a bracket opening with ``label`` and a colon is a note, not talk."""
    label = " ".join(label.split())
    return (bool(RECAP.match(label) or OBSERVER.match(label) or WRITERS.match(label))
            and not QUOTE.match(label))


def split_asides(parsed: ParsedDocument, forced: frozenset[str] = frozenset()
                 ) -> ParsedDocument:
    """``parsed`` with each note in brackets inside a speaker's turn made a section of
    its own, and each bracket in which another speaker interrupts (``[Facilitator: go
    on]``: a speaker of the document, one of ``forced`` or a role) a turn of theirs,
    its words without the label and brackets; the turn's words before and after it
    turns of that speaker (the first with the turn's start time, the last with its end
    time; a note or interjection that is all the turn has its times), and a note on each."""
    text, blocks, notes = parsed.text, [], []
    known = forced | {block.speaker for block in parsed.blocks if block.speaker}
    for block in parsed.blocks:
        found = []
        for m in BRACKETED.finditer(text, block.start, block.end) if block.speaker else ():
            label = " ".join((m["square"] or m["round"]).split())
            if is_aside(label):
                found.append((m, m.start(), m.end(), "section", None))
            elif label != block.speaker and (label in known or ROLE.match(label)):
                words = span(text, m.end("square" if m["square"] else "round") + 1,
                             m.end() - 1)
                if not QUOTED.match(text, *words):
                    found.append((m, *words, "turn", label))
        if not found:
            blocks.append(block)
            continue
        pieces, at = [], block.start
        for m, start, end, kind, speaker in found:
            pieces.append((*span(text, at, m.start()), "turn", block.speaker))
            pieces.append((start, end, kind, speaker))
            at = m.end()
        pieces.append((*span(text, at, block.end), "turn", block.speaker))
        # punctuation alone left before, between or after notes (`[Note: ...].`, `—
        # [Note: ...]`) is no talk: it goes with the note beside it, not a turn of `.`
        # (beside another speaker's words only, it is left out)
        for k, (start, end, kind, speaker) in enumerate(pieces):
            if speaker == block.speaker and end > start and not WORD.search(text, start, end):
                near = k - 1 if k else 1
                if pieces[near][2] == "section":
                    pieces[near] = (min(start, pieces[near][0]), max(end, pieces[near][1]),
                                    "section", None)
                pieces[k] = (start, start, kind, speaker)
        talk = [k for k, (start, end, kind, speaker) in enumerate(pieces)
                if speaker == block.speaker and end > start]
        for k, (start, end, kind, speaker) in enumerate(pieces):
            if kind == "section":    # a turn of a note alone: the note has its times
                blocks.append(Block("section", start, end, section=block.section,
                                    time_start=None if talk else block.time_start,
                                    time_end=None if talk else block.time_end,
                                    line=block.line, read_line=block.read_line))
            elif end > start:
                # another speaker's words that are all the turn has: the turn's times
                own = speaker == block.speaker or not talk
                blocks.append(replace(
                    block, start=start, end=end, speaker=speaker,
                    time_start=block.time_start if own and k == (talk or [k])[0] else None,
                    time_end=block.time_end if own and k == (talk or [k])[-1] else None))
        notes += [Note(block.line or 1, f"`{m[0]}` in {block.speaker}'s turn read as "
                       + (f"a turn of {speaker}'s" if speaker else
                          f"a note of nobody's, not as {block.speaker}'s words"))
                  for m, *_, speaker in found]
    if not notes:
        return parsed
    return replace(parsed, blocks=blocks,
                   notes=sorted([*parsed.notes, *notes], key=lambda n: n.line))
