"""Speaker roles: who is a facilitator, coach or evaluator (staff), and who a
participant, so that exemplar quotes can prefer participants' words.

A speaker's role comes from, first to last:

1. the manifest's ``speaker_roles`` column for that file (``Maria: facilitator;
   Tom: coach``; a mapping in a YAML manifest), labels matched exactly, in any case;
2. ``speaker_roles:`` in dialogcode.yaml (speaker label glob patterns, in any case, to
   roles: ``{"Facilitator*": facilitator, "LA-P*": participant}``), in the order given;
3. :data:`DEFAULT_ROLES` (``Facilitator``, ``Coach 2``, ``Lead evaluator``,
   ``Recorder``... by their usual labels, as words anywhere in the label: ``Stafford``
   is no staff);
4. ``evaluator`` for a label naming notes (:func:`names_notes`: ``Group notes``,
   ``Debrief Notes``, ``Ana's notes``, not ``Kim Goodnote``);

and is ``participant`` for any other label. Text with no speaker (field notes) has no
role.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import get_args

import pandas as pd

from .config import Role

ROLES = get_args(Role)
STAFF = frozenset(ROLES) - {"participant"}
USUAL_LABELS = {
    "facilitator": "facilitator", "co-facilitator": "facilitator",
    "moderator": "facilitator", "host": "facilitator", "staff": "facilitator",
    "staffer": "facilitator", "coach": "coach", "evaluator": "evaluator",
    "interviewer": "evaluator", "note taker": "evaluator", "note-taker": "evaluator",
    "notetaker": "evaluator",
    "observer": "evaluator", "recorder": "evaluator", "scribe": "evaluator",
    "researcher": "evaluator", "minute taker": "evaluator", "minute-taker": "evaluator",
}
# each usual label as a word, alone or plural, anywhere in the label: after nothing or
# anything but a letter, then nothing or anything but a letter ("Staff 2", "Host-A",
# "Coaches", "Lead facilitator", "Coaching staff"), so that "Stafford" or "Hostetler"
# stay participants
DEFAULT_ROLES = {
    before + word + after: role for label, role in USUAL_LABELS.items()
    for word in (label, label + ("es" if label.endswith("ch") else "s"))
    for before in ("", "*[!a-z]") for after in ("", "[!a-z]*")
}
# a capital after a small letter starts a word for the usual labels: "FacilitatorA" and
# "CoachB" are "Facilitator A" and "Coach B", while "Stafford" stays one word
WORD_START = re.compile(r"(?<=[a-z])(?=[A-Z])")
# a label naming notes, as a table's speaker column may ("Group notes", "Debrief Notes",
# "Site Visit Notes (JS)", "Notes 2"): the word notes, note or minutes first, or last
# as a word of its own (a number or a note in brackets after it aside): "Goodnote" and
# "Banknotes" are names. "Comments" are not notes: "Public comments" and "Comments from
# the floor" are the public's words
NOTES_FIRST = re.compile(r"(?:notes?|minutes)\b", re.IGNORECASE)
NOTES_LAST = re.compile(r"(?<![^\W_])(?:notes?|minutes)(?:[\W_]*(?:\d+|\([^()]*\)))?$",
                        re.IGNORECASE)
MANIFEST_COLUMN = "speaker_roles"


def names_notes(label: str) -> bool:
    """Whether ``label`` names notes (:data:`NOTES_FIRST`, :data:`NOTES_LAST`) rather than
    a person."""
    return bool(NOTES_FIRST.match(label) or NOTES_LAST.search(label))


def parse_roles(text: str) -> tuple[dict[str, str], list[str]]:
    """A manifest cell ``Maria: facilitator; Tom: coach`` as {label: role}, and the
    problems found in it (a pair without ``:``, an empty label, an unknown role)."""
    roles, problems = {}, []
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        label, colon, role = pair.rpartition(":")
        label, role = label.strip(), role.strip().lower()
        if not colon or not label:
            problems.append(f"{pair!r} is not 'label: role' (pairs are separated by ;)")
        elif role not in ROLES:
            problems.append(f"{label!r} has role {role!r}; use one of "
                            f"{', '.join(ROLES)}")
        else:
            roles[label] = role
    return roles, problems


@dataclass(frozen=True)
class SpeakerRoles:
    """The roles of a study's speakers: ``patterns`` (the study's, then the defaults)
    and, per document, the manifest's labels."""

    patterns: tuple[tuple[str, str], ...] = tuple(DEFAULT_ROLES.items())
    documents: dict[str, dict[str, str]] = field(default_factory=dict)

    def role(self, doc_id: str, speaker) -> str | None:
        """The role of ``speaker`` in document ``doc_id``; None for no speaker."""
        if not isinstance(speaker, str) or not speaker.strip():
            return None
        label = speaker.strip().lower()
        found = self.documents.get(doc_id, {}).get(label)
        if found:
            return found
        words = WORD_START.sub(" ", speaker.strip())
        lowered = words.lower()
        return next((role for pattern, role in self.patterns
                     if fnmatch.fnmatchcase(label, pattern)
                     or (pattern in DEFAULT_ROLES and fnmatch.fnmatchcase(lowered, pattern))),
                    "evaluator" if names_notes(words) else "participant")

    def of(self, frame: pd.DataFrame) -> pd.Series:
        """The role of each row of a frame with ``doc_id`` and ``speaker`` (each label
        worked out once, and once per document that the manifest gives roles: a corpus
        has many turns and few speakers)."""
        pairs = [(d if d in self.documents else "", s)
                 for d, s in zip(frame["doc_id"], frame["speaker"])]
        roles = {pair: self.role(*pair) for pair in dict.fromkeys(pairs)}
        return pd.Series([roles[pair] for pair in pairs], index=frame.index, dtype=object)


def speaker_roles(configured: dict[str, str] | None = None,
                  documents: pd.DataFrame | None = None) -> SpeakerRoles:
    """The roles of ``speaker_roles:`` in dialogcode.yaml (before the defaults) and of
    the documents' ``speaker_roles`` column (as the manifest gave it, validated)."""
    patterns = [(p.strip().lower(), r) for p, r in (configured or {}).items()]
    patterns += [item for item in DEFAULT_ROLES.items() if item[0] not in dict(patterns)]
    per_document = {}
    if documents is not None and MANIFEST_COLUMN in documents:
        for doc_id, text in zip(documents["doc_id"], documents[MANIFEST_COLUMN]):
            if isinstance(text, str) and text.strip():
                per_document[doc_id] = {k.lower(): v for k, v in parse_roles(text)[0].items()}
    return SpeakerRoles(tuple(patterns), per_document)
