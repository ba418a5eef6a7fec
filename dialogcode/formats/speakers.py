"""Deciding whether ``Label:`` at the start of a line is a speaker.

A label counts when it looks like a role (``P3``, ``Facilitator``, ``Speaker 2``,
``Oakland-P1`` ...) or is used as a label at least twice in the document, so that a
one-off ``Next steps: ...`` line in a turn is not mistaken for a new speaker.
De-identification placeholders such as ``[NAME]`` are never speakers.
"""
from __future__ import annotations

import re
from collections import Counter

ROLE = re.compile(
    r"^(?:[A-Za-z]+[- ])?(?:P|Participant|Speaker|Respondent|Interviewee|Person)\s*\d+$"
    r"|^(?:Co-?)?(?:Facilitator|Moderator|Interviewer|Coach|Host|Note-?taker|Staff|Evaluator)"
    r"(?:\s*\d+)?$|^Unknown(?: Speaker)?$",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(
    r"^(?:NAME|ORG|ORGANIZATION|CITY|PLACE|LOCATION|DATE|ADDRESS|PHONE|EMAIL|REDACTED|"
    r"INAUDIBLE|CROSSTALK|LAUGHTER|LAUGHS|PAUSE|SIC|UNCLEAR|MUSIC|SILENCE)(?:\s*\d+)?$",
    re.IGNORECASE,
)
LABEL_CHARS = re.compile(r"^[\w][\w .'()&/-]{0,39}$")


def plausible(label: str) -> bool:
    label = label.strip()
    return (bool(LABEL_CHARS.match(label)) and len(label.split()) <= 4
            and not PLACEHOLDER.match(label))


def accepted(labels: list[str]) -> set[str]:
    """The labels among ``labels`` (all candidate uses, in order) that are speakers."""
    counts = Counter(labels)
    return {label for label, n in counts.items()
            if plausible(label) and (ROLE.match(label) or n >= 2)}
