"""Words for people: display names of ids (event types, phases), counted nouns and
quoted speech."""
from __future__ import annotations

PHASE_NAMES = {"kickoff": "Kick-off", "mid-year": "Mid-year", "closing": "Closing"}


def display_name(value) -> str:
    """A manifest value as a person reads it: ``coaching_call`` -> ``Coaching call``,
    ``kickoff`` -> ``Kick-off``; empty or missing values give ``(none)``."""
    if value is None or value != value or str(value).strip() == "":
        return "(none)"
    text = str(value)
    if text in PHASE_NAMES:
        return PHASE_NAMES[text]
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 site``, ``2 sites``, ``1,200 segments`` (``plural`` for irregular nouns)."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def quoted(text: str) -> str:
    """``text`` in curly quote marks, unless it already opens and closes with marks."""
    if text[:1] in "\"“" and text[-1:] in "\"”" and len(text) > 1:
        return text
    return f"“{text}”"
