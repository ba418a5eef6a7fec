"""Deciding whether a label (``Name:`` at the start of a line or caption cue) is a speaker.

A label is a speaker when the study or the manifest lists it (``speakers:``), when it
looks like a role (``P3``, ``Facilitator``, ``Speaker 2``, ``Oakland-P1``, ``P4
(translated)`` ...), or when it is used as a label at least twice in the document. A
label used once is a speaker only in a *dense* document, where most paragraphs (or
lines, or cues) start with a label, and only where it opens such a unit; in a plain-text
file it must also be written like a name (``Luis``, ``Ana Ruiz``, not ``Next steps``).
So a one-off ``Next steps: ...`` line inside a turn is not mistaken for a new speaker.
De-identification placeholders such as ``[NAME]`` and kinds of field-note entry
(``Observation``, ``Action item``: :data:`CATEGORY`) are never speakers unless listed,
nor is a label named like a field of a header (``Title:``, ``Attendees:``, ``Summary:``)
or like a recap (``Group Notes:``) used once; used twice or more it is a speaker like
any other (``Subject:`` answering ``Interviewer:``), but for a recap saying whose or of
what (``Facilitator Notes:``, ``Group notes:``), a heading where it opens a paragraph
after the first turn (:func:`~.headings.recap_lines`).

A role written in two cases in one document (``p1``, ``P1``) is one speaker; names
differing only in case are noted, never merged (:func:`one_spelling`).

Every guess a person may want to check comes back as a :class:`Note`: each label used
once and taken as a speaker although it does not look like a role, and each label read
as text.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

ROLE = re.compile(    # a role, optionally with a note in brackets: ``P1 (translated)``
    r"^(?:(?:[A-Za-z]+[- ])?(?:P|Participant|Speaker|Respondent|Interviewee|Person)\s*\d+"
    r"|(?:Co-?)?(?:Facilitator|Moderator|Interviewer|Coach|Host|Note-?taker|Staff|Evaluator)"
    r"(?:\s*\d+)?|Unknown(?: Speaker)?)(?:\s*\([^()]{1,30}\))?$",
    re.IGNORECASE,
)
# the particles of surnames, no name alone ("van der Valk", "de la Cruz")
PARTICLES = ("de", "la", "le", "del", "della", "di", "da", "do", "dos", "das", "du", "van",
             "von", "der", "den", "ter", "ten", "bin", "ibn", "al", "el", "st", "mac")
PLACEHOLDER = re.compile(
    r"^(?:NAME|ORG|ORGANIZATION|CITY|PLACE|LOCATION|DATE|ADDRESS|PHONE|EMAIL|REDACTED|SIC|"
    # a transcriber's mark of a sound or of the recording (`[Cross Talk]`, `[Audio Cuts
    # Out]`): nobody's words, as a Zoom transcript writes one on a speaker's line
    r"INAUDIBLE|UNINTELLIGIBLE|INDISCERNIBLE|UNCLEAR|CROSS[- ]?TALK|"
    r"OVERLAPPING(?: (?:SPEECH|TALK|VOICES))?|LAUGHTER|LAUGHS|LAUGHING|APPLAUSE|"
    r"COUGH(?:S|ING)?|(?:LONG )?PAUSE|MUSIC|SILENCE|STATIC|NOISES?|BACKGROUND (?:NOISES?|"
    r"VOICES|CHATTER|CONVERSATIONS?|MUSIC)|TECHNICAL (?:DIFFICULTIES|ISSUES?)|"
    r"(?:AUDIO|VIDEO|SOUND|CONNECTION) (?:CUTS? OUT|DROPS?(?: OUT)?|BREAKS? UP|"
    r"GLITCH(?:ES)?|ISSUES?|LOST|FREEZES)|"
    r"(?:RECORDING|AUDIO|VIDEO) (?:STARTS|STARTED|STOPS|STOPPED|ENDS|ENDED|BEGINS|PAUSED|"
    r"RESUMES|RESUMED))(?:\s*\d+)?$",
    re.IGNORECASE,
)
# kinds of entry only an observer writes (``Interpretation: ...``, ``Quote: ...``), never
# a speaker's words even once
OBSERVER_WORDS = (
    r"Observations?|Observer'?s? (?:comments?|notes?)|O\.C\.|Field ?notes?|"
    r"(?:Analytic(?:al)? )?Memos?|(?:Theoretical |Methodological )?Notes?|"
    r"Researcher'?s? (?:comments?|notes?)|Reflections?|Impressions?|Interpretations?|"
    r"Analysis|Descriptions?|Context|Background|(?:Direct )?Quotes?")
# numbered, or with the writer's initials or a note in brackets: ``Memo 2``, ``O.C. (JS)``
ENTRY_END = r"(?:\s*\d+)?(?:\s*\([^()]{1,30}\))?$"
OBSERVER = re.compile(rf"^(?:{OBSERVER_WORDS}){ENTRY_END}", re.IGNORECASE)
# kinds of entry in field notes (``Observation: ...``, ``Action item<tab>...``): what an
# observer writes down, never who speaks (a Q&A's ``Question:``/``Answer:`` are
# speakers); but for :data:`OBSERVER`'s, a speaker may open a line of a turn with one
# (``Next steps: ...``)
CATEGORY = re.compile(
    rf"^(?:{OBSERVER_WORDS}|Setting|"
    r"Location|Date|Time|Weather|Mood|Atmosphere|Attendance|Activit(?:y|ies)|Topics?|"
    r"Themes?|Insights?|Findings?|Issues?|Concerns?|Challenges?|Strengths?|Ideas?|"
    r"Key points?|Highlights?|Takeaways?|Decisions?|Outcomes?|Recommendations?|"
    rf"Action(?: items?)?|Next steps?|Follow[- ]?ups?|To[- ]?dos?|Tasks?){ENTRY_END}",
    re.IGNORECASE,
)
# names of the fields a transcript's header gives (``Title: ...``, ``Attendees: ...``)
FIELD = re.compile(
    r"^(?:Title|Duration|Length|Venue|Site|Attendees|Participants|Present|"
    r"Absent|Recorded(?: by)?|Transcribed(?: by)?|Transcript|Subject|Agenda|Event|"
    r"Meeting|Language|Summary|Keywords)$",
    re.IGNORECASE,
)
# the heading of a facilitator's or note-taker's recap written after the talk, alone on
# its line (``Notes from the facilitator:``, ``Summary of discussion:``, ``Facilitator's
# notes:``): nobody's words (:func:`~.headings.recap_lines`); a speaker's ``Here is what
# I think:`` or ``Here are my notes:`` is not one; a bare ``Summary:`` (no ``whose`` or
# ``of`` words) may be a participant's reading aloud: a heading only after the last turn.
# ``staff``, ``by`` or ``in`` names a member of staff whose notes they are (``Facilitator
# Notes:``, ``Notes from the note-taker:``, ``Notes (facilitator):``, ``Facilitator
# comments:``, ``Comments (facilitator):``): no participant's words even with words after
# it on its line
STAFF_WORDS = (r"(?:co-?)?(?:facilitator|moderator|interviewer|note[- ]?taker|observer|"
               r"evaluator|coach|host|staff|researcher)")
# whose notes, after them: ``from the facilitator``, ``by the note-takers``
STAFF_OF = rf" (?:from|by|of) (?:the )?{STAFF_WORDS}s?['’]?s?"
RECAP = re.compile(
    rf"^(?P<whose>(?:the )?(?:(?P<staff>{STAFF_WORDS})|group|team|meeting|session|"
    r"discussion|closing|final)(?:['’]s|s['’]?)? )?"
    r"(?:notes?|summary|recap|minutes|debrief(?:ing)?|wrap-?up|takeaways?|highlights?"
    # comments only a member of staff's: `Comments from the floor` are the public's;
    # `Comments (facilitator)` names them in brackets
    rf"|(?(staff)comments?|comments?(?={STAFF_OF}(?:[ \t]*\(|$)"
    rf"|[ \t]*\((?:the )?{STAFF_WORDS}s?\)$)))"
    rf"(?P<of>(?P<by>{STAFF_OF})| (?:from|of|by|for|on) (?:the )?[\w'’ -]{{1,30}})?"
    # initials, or whose notes, in brackets: `Notes (JS)`, `Notes (facilitator)`
    rf"(?:[ \t]*\((?:(?:the )?(?P<in>{STAFF_WORDS})s?|[^()\n]{{1,30}})\))?$",
    re.IGNORECASE,
)
NOTE_AFTER = re.compile(r"\s*\([^()]{1,30}\)$")   # a note in brackets ending a label
# a label's characters; a comma too, as Teams and directories write names (`Ruiz, Ana`)
LABEL_CHARS = re.compile(r"^[\w][\w .,'()&/-]{0,39}$")
# how a note says a label was read as something else than a speaker: listing it under
# `speakers:` makes it one (the ingest summary says so only after such notes)
AS_TEXT = "read as text, not as a speaker"
AS_HEADING = "read as a heading, not as talk"


@dataclass(frozen=True)
class Label:
    """One use of a label: ``name`` as a speaker would be called, ``written`` as in the
    text (``Luis:``, ``[P1]``), its line, and whether it opens a paragraph, cue or (in
    files with one turn per line) a line."""

    name: str
    written: str
    line: int
    opens: bool = True


@dataclass(frozen=True)
class Note:
    """A guess about a document's layout, worth a person's check."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


# a whole number written as a float: `1.0`, as pandas writes a column of numbers with gaps
WHOLE_FLOAT = re.compile(r"(\d+)\.0+")


def cell_label(value: object) -> str:
    """A table's speaker cell (a JSON value, a workbook or CSV cell) as the speaker's
    label: a whole number written as a float (``1.0``, ``2.00``) as the integer's text
    (``1``), so that ``1`` and ``1.0`` are one speaker, as the manifest's ``1:`` names."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    whole = WHOLE_FLOAT.fullmatch(text.strip())
    return whole[1] if whole else text


@lru_cache(maxsize=4096)
def plausible(label: str) -> bool:
    """Whether ``label`` may be a speaker: :func:`label_like`, and not a kind of
    field-note entry (:data:`CATEGORY`)."""
    return label_like(label) and not CATEGORY.match(label.strip())


def label_like(label: str) -> bool:
    """Whether ``label`` is written like a label (a few words), not a de-identification
    placeholder."""
    label = label.strip()
    return (bool(LABEL_CHARS.match(label)) and len(label.split()) <= 4
            and not PLACEHOLDER.match(label) and ("," not in label or surname_first(label)))


def surname_first(label: str) -> bool:
    """Whether ``label`` holds a comma as a name written surname first does (``Ruiz,
    Ana``, ``Ruiz, Ana (translated)`` with a note in brackets): once, between two parts
    each :func:`name_like`; ``Well, yes`` and ``Okay, so`` are talk."""
    surname, comma, given = NOTE_AFTER.sub("", label).partition(", ")
    return bool(comma) and "," not in given and name_like(surname) and name_like(given)


def header_field(label: str, uses: int) -> bool:
    """Whether ``label``, used ``uses`` times in a document, is a field of its header
    (``Title:``, ``Attendees:``, ``Date:``): named like one, like a kind of field-note
    entry or like a recap (:data:`RECAP`, ``Group Notes:``, which a participant may
    read out in her turn), and used once."""
    label = " ".join(label.split())
    return uses < 2 and bool(FIELD.match(label) or CATEGORY.match(label) or RECAP.match(label))


def name_like(label: str) -> bool:
    """True for labels written like a name: every word capitalised (or a number), short
    particles (``de``, ``van``) aside. ``Ana Ruiz`` and ``P3`` are; ``Next steps`` is not."""
    words = label.split()
    if not words or not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    return all(w[0].isupper() or w[0].isdigit() or (w.islower() and len(w) <= 3)
               for w in words[1:])


def decide(labels: list[Label], *, dense: bool, forced: frozenset[str] = frozenset(),
           names_only: bool = True) -> list[bool]:
    """Which of ``labels`` (every use in a document, in order) are speakers.

    ``dense``: most units of the document open with a label. ``forced``: labels the
    study or manifest lists as speakers. ``names_only``: a one-off label must be
    :func:`name_like` (plain text; caption cues name speakers however they like).
    """
    counts = Counter(label.name for label in labels)
    # a file whose recurring labels are names written surname first (`Ruiz, Ana:`)
    surnamed = any(surname_first(name) for name, n in counts.items() if n >= 2)

    def speaker(label: Label) -> bool:
        if label.name in forced:
            return True
        if not plausible(label.name) or header_field(label.name, counts[label.name]):
            return False
        if ROLE.match(label.name) or counts[label.name] >= 2:
            return True
        # in plain text a one-off `However, Ana:` is talk: a name written surname first
        # must recur or end in a note in brackets, as only a label does (`Ruiz, Ana
        # (translated):`), where other labels are written surname first (`So, Ana
        # (laughing):` among `Ben Lee:` is talk); a caption cue that names its speaker,
        # as Zoom's do, is no talk
        return dense and label.opens and (not names_only or (
            "," not in label.name and name_like(label.name)
            or surnamed and bool(NOTE_AFTER.search(label.name))
            and surname_first(label.name)))

    return [speaker(label) for label in labels]


def wordless_note(lines: list[int], things: str, how: str) -> Note:
    """A note on ``things`` (``rows``, ``speaker labels``) at ``lines`` that are no turns
    for having no words (``how``): the turns after them are numbered without them."""
    shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
    one = len(lines) == 1
    return Note(lines[0], (
        f"{len(lines)} {things[:-1] if one else things} {how} ({shown}) "
        f"{'is no turn' if one else 'are no turns'}, so the turns after "
        f"{'it' if one else 'them'} are numbered without {'it' if one else 'them'}: a "
        "table of codes by turn number (`document, turn, code`) must count turns, not "
        f"{things.split()[-1]}"))


def notes(labels: list[Label], speakers: list[bool], *, forced: frozenset[str] = frozenset(),
          transcript: bool = True, entries: frozenset[int] = frozenset()) -> list[Note]:
    """Notes on the guesses among ``labels``: labels used once and taken as speakers
    (roles aside), and labels read as text, but for a header's fields before the first
    speaker, kinds of field-note entry used twice or more and labels on the lines
    ``entries`` (an observer's entries, noted together by
    :func:`~.entries.category_notes`). In a document read as field notes
    (``transcript`` false) only name-like labels are listed: they may be missed
    speakers."""
    counts = Counter(label.name for label in labels)
    first = next((k for k, is_speaker in enumerate(speakers) if is_speaker), len(labels))
    found = []
    for k, (label, is_speaker) in enumerate(zip(labels, speakers)):
        if (label.name in forced or not label_like(label.name)
                or (CATEGORY.match(label.name) and counts[label.name] > 1)
                or label.line in entries
                or (k < first and header_field(label.name, counts[label.name]))):
            continue
        if is_speaker and counts[label.name] == 1 and not ROLE.match(label.name):
            found.append(Note(label.line, f"`{label.written}` is used once and taken as a "
                                          "speaker"))
        elif not is_speaker and (transcript or name_like(label.name)):
            found.append(Note(label.line, f"`{label.written}` {AS_TEXT}"))
    return found


def one_spelling(turns: list[tuple[str, int | None]], forced: frozenset[str] = frozenset()
                 ) -> tuple[dict[str, str], list[Note]]:
    """How to read speakers written in more than one case, from ``turns`` (the speaker
    and line of each turn, in order): a mapping from each other spelling of a role
    (``p1`` beside ``P1``) to the one used most (the first of equals, or the one the
    study lists), and notes. A role is a code whose case means nothing. Names differing
    only in case (``Al``, ``AL``) are not merged, as one may be initials: they are noted.
    Spellings the study lists twice or more stay apart, without a note."""
    uses = Counter(speaker for speaker, _ in turns)
    first = {}
    for speaker, line in turns:
        first.setdefault(speaker, line)
    groups: dict[str, list[str]] = {}
    for speaker in first:
        groups.setdefault(speaker.casefold(), []).append(speaker)
    mapping, found = {}, []
    for spellings in groups.values():
        listed = [s for s in spellings if s in forced]
        if len(spellings) < 2 or len(listed) >= 2:
            continue
        main = listed[0] if listed else max(spellings, key=lambda s: uses[s])
        others = [s for s in spellings if s != main]
        if all(ROLE.match(s) for s in spellings):
            for other in others:
                mapping[other] = main
                found.append(Note(first[other] or 1, (
                    f"`{other}` ({_turns(uses[other])}) read as `{main}` "
                    f"({_turns(uses[main])}): the same role written in another case")))
        else:
            later = max(spellings, key=lambda s: first[s] or 0)
            shown = " and ".join(f"`{s}`" for s in sorted(spellings))
            found.append(Note(first[later] or 1, (
                f"{shown} differ only in case, read as different speakers; if they "
                "are one person, write one spelling (names differing in case are never "
                "merged, since one may be initials)")))
    return mapping, found


def _turns(count: int) -> str:
    return f"{count} turn" if count == 1 else f"{count} turns"
