"""Words for people: display names of ids (event types, phases), counted nouns, changes
in percentage points and quoted speech."""
from __future__ import annotations

import math
from collections import Counter

PHASE_NAMES = {"kickoff": "Kick-off", "mid-year": "Mid-year", "closing": "Closing"}


def display_name(value) -> str:
    """A manifest value as a person reads it: ``coaching_call`` -> ``Coaching call``,
    ``kickoff`` -> ``Kick-off``; empty or missing values give ``(none)``."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing or str(value).strip() == "":
        return "(none)"
    text = str(value)
    if text in PHASE_NAMES:
        return PHASE_NAMES[text]
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def counted(number: int, noun: str) -> str:
    """``1 site``, ``2 sites``, ``1,200 segments``."""
    return f"{number:,} {noun if number == 1 else noun + 's'}"


def points(change) -> str:
    """A change of shares (0.041) in signed percentage points to one decimal, as the
    workbook's format shows it too: ``+4.1 pts``, ``-5.3 pts``, and ``0.0 pts`` for any
    change that rounds to zero (never ``-0.0``); ``""`` when missing."""
    if change is None or change != change:
        return ""
    text = f"{change * 100:+.1f}"
    return ("0.0" if float(text) == 0 else text) + " pts"


def quoted(text: str) -> str:
    """``text`` in curly quote marks, unless it already opens and closes with marks."""
    if text[:1] in "\"“" and text[-1:] in "\"”" and len(text) > 1:
        return text
    return f"“{text}”"


def distinct_labels(labels: dict[str, str], parents: dict[str, str | None]) -> dict[str, str]:
    """Each code's label (``labels``: code_id -> label) as people read it where no id
    stands beside it (charts, the report's tables): a label that several codes share
    (the values ``Low`` and ``High`` of two rating variables, an ``Other`` under each
    theme) gets its parent's label in brackets, ``Low (Confidence)``, or the code's id
    when it has none of another label or that still leaves two alike."""
    counts = Counter(labels.values())
    named = {}
    for code, label in labels.items():
        parent = labels.get(parents.get(code))
        named[code] = label if counts[label] == 1 else (
            f"{label} ({parent if parent and parent != label else code})")
    again = Counter(named.values())
    return {code: label if again[label] == 1 else f"{labels[code]} ({code})"
            for code, label in named.items()}
