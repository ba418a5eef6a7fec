"""A coder's quote held against a segment's words: whole words of it in order, a
quote running on past its end, and a quote opening on the turn's speaker label with
the time a transcript writes beside it (``[10:05 AM] P1:``, ``P1 (10:05):``, as ingest
reads one: formats/labels.py).

The importers' helpers are imported where used: dialogcode.importers imports
dialogcode.coders, which imports this module through dialogcode.coded_text.
"""
from __future__ import annotations

import re

from .formats.labels import COLON, STAMP


def within(quote: str, text: str) -> bool:
    """Whether the words of ``quote`` (its parts between privacy labels) are whole words
    of ``text``, in order: a part of the text, never a word cut short."""
    from .importers.locate import fold, fold_segment
    from .importers.tabular import HIDDEN

    said, at = f" {fold_segment(text)[0].strip()} ", 0
    for piece in (fold(part)[0].strip() for part in HIDDEN.split(quote)):
        if piece:
            at = said.find(f" {piece} ", at)
            if at < 0:
                return False
            at += len(piece) + 1
    return True


def past_time(words: list, at: int) -> int:
    """Where ``words`` (folded) go on after the time written from ``at`` (words of
    digits, then AM or PM: ``10 05 am``, ``2 15 p m``), or ``at`` without one."""
    end = at
    while end < len(words) and words[end] is not None and words[end].isdigit():
        end += 1
    if end > at:
        for meridiem in (["am"], ["pm"], ["a", "m"], ["p", "m"]):
            if words[end:end + len(meridiem)] == meridiem:
                return end + len(meridiem)
    return end


def after_label(quoted: list[str], label: list[str]) -> range:
    """Where the turn's words may start in a quote's words ``quoted`` (folded) opening
    on the turn's speaker ``label`` (its folded words), with a time before it or beside
    it or none (``[10:05 AM] P1:``, ``P1 (10:05):``): right after the label, or after
    the time's words or some of them (a turn may begin with a number); empty when the
    quote does not open on the label."""
    at = past_time(quoted, 0)
    if not label or quoted[at:at + len(label)] != label:
        return range(0)
    at += len(label)
    return range(at, past_time(quoted, at) + 1)


def opens_turn(quote: str, text: str, speaker: str) -> bool:
    """Whether ``quote`` is the turn's ``speaker`` label (with its time or not) and then
    words of the segment's ``text`` from its first on: the label is not text a coder
    coded (``P1: The rent went up`` of a turn going on)."""
    from .importers.locate import fold, fold_segment
    from .importers.tabular import HIDDEN

    first = HIDDEN.split(quote)[0]
    quoted, words = fold(first)[0].split(), fold_segment(text)[0].split()
    label = fold_segment(speaker)[0].split()
    tail = quote[len(first):]       # from the first privacy label on
    return any((said or tail.strip()) and words[:len(said)] == said
               and within(" ".join(said) + tail, text)
               for said in (quoted[i:] for i in after_label(quoted, label)))


def runs_on(quote: str, text: str, speaker: str = "") -> bool:
    """Whether ``quote`` starts inside ``text`` and runs on past its end: it begins
    (up to a privacy label it may hold) with all of ``text`` or its last words, at
    least two (one word in common is too likely by chance), or with the turn's
    ``speaker`` label (the time a transcript writes beside it quoted or not) and then
    all of ``text``. A ``text`` without a word (``...``) has none for a quote to start
    in."""
    from .importers.locate import fold, fold_segment
    from .importers.tabular import HIDDEN

    words, quoted = fold_segment(text)[0].split(), fold(HIDDEN.split(quote)[0])[0].split()
    if not (quoted and words):
        return False
    label = fold_segment(speaker)[0].split()
    if any(quoted[i:i + len(words)] == words for i in after_label(quoted, label)):
        return True     # the turn from its label on
    starts = range(max(len(words) - 1, 1))
    return any(words[k:] == quoted[:len(words) - k] for k in starts if words[k] == quoted[0])


# a speaker label opening a quote, with the time a transcript may write before it or in
# it (``[10:05 AM] P1:``, ``P1 (10:05 AM):``), as ingest reads one (formats/labels.py)
OPENING_LABEL = re.compile(rf"\s*(?:[\[(]?{STAMP}[\])]?\s+)?"
                           rf"([^{COLON}\s][^{COLON}\n]{{0,40}}?)"
                           rf"(?:\s*[\[(]{STAMP}[\])])?\s*(?::\s+|\uff1a\s*)")
