"""Kinds of field-note entry (``Observation: ...``) written among a transcript's turns:
an observer's lines, no speaker's."""
from __future__ import annotations

from collections import Counter

from ..memo import last_texts
from . import speakers
from .labels import MARKER, TAB_TURN, TURN, Turn
from .lines import line_at, lines_of, paragraph_starts
from .speakers import Note


@last_texts(4)
def entry_lines(text: str, forced: frozenset[str] = frozenset()) -> dict[int, str]:
    """The lines opening with a label that names a kind of field-note entry
    (:data:`~.speakers.CATEGORY`, ``Observation: ...``, ``- Observation: ...`` or
    ``Observation<tab>...``), not listed as a speaker, used on two lines or more, or
    once after a recurring speaker's label when only an observer writes it
    (:data:`~.speakers.OBSERVER`: ``Interpretation:``, ``Quote:``, ``Context:``; before
    any, it is a header's line), opening a paragraph where most speakers' labels do
    (inside a turn's paragraph, ``Note: phones off.`` is the speaker's): their offsets,
    in order, -> the label. In a transcript each is an observer's entry, no speaker's
    words. Found once per text (the caller must not change it)."""
    listed = MARKER.sub(lambda m: " " * len(m[0]), text)     # `- Observation: ...` too
    uses = {m.start(): m["label"] for m in TAB_TURN.finditer(text)}
    uses.update((m.start(), (m["colon"] or m["bracket"] or m["hash"]).strip())
                for m in TURN.finditer(listed))
    # recurring speakers' labels (roles, listed, or used twice): a one-off `Maria (P3):
    # agreed to be recorded.` in a header starts no talk
    named = Counter(uses.values())
    talking = [at for at, name in uses.items() if name in forced or (
        speakers.plausible(name) and (named[name] >= 2 or speakers.ROLE.match(name)))]
    talk = min(talking, default=len(text))
    starts = paragraph_starts(lines_of(listed))
    paragraphs = sum(at in starts for at in talking) * 2 > len(talking)
    uses = {at: name for at, name in sorted(uses.items())
            if name not in forced and speakers.CATEGORY.match(name)}
    counts = Counter(uses.values())
    return {at: name for at, name in uses.items()
            if counts[name] >= 2 or (at > talk and speakers.OBSERVER.match(name)
                                     and (at in starts or not paragraphs))}


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
    shown = ", ".join(f"`{name}` ({counts[name]} line{'s' if counts[name] > 1 else ''})"
                      for name in counts)
    return [Note(line_at(text, next(iter(entries))), (
        f"{shown} read as kinds of field-note entry, not as speakers; if one is a "
        "speaker, list it under `speakers:`"))]
