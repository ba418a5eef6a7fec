"""Speaker labels: which hold a person's name ("Rosalba Mendez:", "Council Member Tomasz
Nowak:" its last words, "ROSALBA MENDEZ:" read in title case), which name a role
("Project Manager:", "Faith Leader:") or an organisation ("Open New York:"), and where a
named label is first written in each document (docs/privacy.md, the ``speaker``
detector)."""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS

from ..formats.speakers import PARTICLES, ROLE
from .detect import _NAME, _SURNAME, UPPER
from .ner import PLACEHOLDER
from .readings import ABBREVIATED, NAME_OR_WORD, RACE_WORDS
from .words import NOT_NAMES, TITLE_WORDS, everyday, first_names, last_names, \
    nfc_lower, ordinary


# a label's title of address, abbreviated, before a name ("Rev. Peter Cook"), and an
# initial ("Ari S", "Mary J. Blige")
_TITLED = re.compile(rf"(?:{'|'.join((*ABBREVIATED, 'Hon'))})\. (?=\S)")
_INITIAL = re.compile(rf"{UPPER}\.?")
# a role label's parts that may name its person: a word before a participant's number
# ("Rosa P2", as :data:`~..formats.speakers.ROLE` allows "Group-P1") and a note in
# brackets ("P1 (translated)", "Interviewer (Maria Lopez)")
_ASIDE = re.compile(r"\A[A-Za-z]+[- ](?=(?i:P|Participant|Speaker|Respondent|Interviewee|"
                    r"Person)\s*\d)|\s*\([^()]*\)\Z")
# a role's noun, by its ending: Leader, Manager, Director, Organizer, Advocate, Tenant,
# Resident, Representative, Volunteer, Chairman, Chair
_ROLE_NOUN = re.compile(r"(?:er|or|ist|ant|ent|ate|ive|eer|ian|ee|man|woman|person|chair)\Z",
                        re.IGNORECASE)


@lru_cache(maxsize=4096)
def _looks_like_a_name(label: str, plain: bool = False) -> bool:
    """A person's name written as a label: after an abbreviated title ("Rev.", "Dr.",
    "Hon."), one to three capitalised words, with surname particles ("Lo van der
    Valk") and at most one initial ("Ari S") among them, where (:func:`_first_is_a_name`)
    the first word is no English word or is a first name of the lists, or, of two words
    or more, no word is a title and the last is no role's noun: an everyday word of
    three letters or more that is no listed surname, and at most one word is an everyday
    word of three letters or more on no list of names ("Olive Freud", "Salinas Miranda", "Sunny Ng"; not "Project
    Manager", "Council Member", "Faith Leader", "Grad A", "Open New York").
    ``plain``: only names whose first word says so (the words after a label's first
    words that are no title: "New York" of "City Club of New York" is no name)."""
    titled = _TITLED.match(label)
    words = label[titled.end() if titled else 0:].split()
    if not words or PLACEHOLDER.match(label) or words[0] in PARTICLES \
            or words[-1] in PARTICLES or sum(bool(_INITIAL.fullmatch(w)) for w in words) > 1:
        return False
    core = [w for w in words if w not in PARTICLES and not _INITIAL.fullmatch(w)]
    if not (0 < len(core) <= 3 and re.fullmatch(_NAME, core[0])
            and all(re.fullmatch(_SURNAME, w) for w in core[1:])):
        return False
    last = core[-1].lower()
    return _first_is_a_name(core) or (
        not plain and len(core) > 1 and not any(nfc_lower(w) in TITLE_WORDS | NOT_NAMES | STOP_WORDS
                                  for w in core)
        and not (everyday(last) and len(last) > 2 and last not in last_names())
        and sum(len(w) > 2 and everyday(w) and nfc_lower(w) not in first_names()
                and nfc_lower(w) not in last_names() for w in core) < 2)


def _first_is_a_name(words: list[str]) -> bool:
    """The first word of capitalised ``words`` is no English word or, alone or
    before surnames, a first name of the lists even when it is one, or a name that is
    also a modal or a month ("Grace", "Will", "Robert Press", "Mark Levine", "Will
    Park", "May Chen"); when that first name is also an everyday word, a later word that
    is an everyday word and no listed surname makes the words a role ("Faith Leader",
    "Grant Manager"; not "Grace Baker")."""
    # a word of race is read as an English word: "Latina Mother" is a role, "Latina
    # Ortiz" a name by its surname
    first = nfc_lower(words[0])
    if not (ordinary(words[0]) or first in RACE_WORDS) or (len(words) == 1 and (
            first in first_names() or words[0].lower() in NAME_OR_WORD)):
        return True
    return (len(words) > 1 and (words[0].lower() in first_names()
                                or words[0].lower() in NAME_OR_WORD)
            and (not everyday(words[0])
                 or all(not everyday(w) or w.lower() in last_names() for w in words[1:])))


@lru_cache(maxsize=4096)
def name_in_label(label: str) -> str | None:
    """The name a speaker label holds: the label when it looks like one
    (:func:`_looks_like_a_name`: "Rev. Peter Cook", "Olive Freud" whole), else its last
    words that do after a title or role ("Council Member Tomasz Nowak": the name only,
    so no quote shows "Council Member [NAME] Nowak"; after a word that is no title,
    only a name whose first word says so: not "New York" of "City Club of New York"),
    or one surname of the lists that is no title after a
    title ("Commissioner Hall", "Council Member Baker": :data:`~.words.TITLE_WORDS`;
    not "Chief Judge"); None when no part of it does ("Project Manager", "Member
    Services"). A name written surname first, "Ruiz, Ana" as Teams and directories
    write it, is the label whole."""
    surname, comma, given = label.partition(", ")
    if comma and _looks_like_a_name(f"{given} {surname}"):
        return label
    words = list(re.finditer(r"\S+", label))
    for i, word in enumerate(words):
        rest = label[word.start():]
        after_title = i > 0 and nfc_lower(words[i - 1][0]) in TITLE_WORDS
        if _looks_like_a_name(rest, plain=i > 0 and not after_title) or (
                i == len(words) - 1 and i > 0 and re.fullmatch(_SURNAME, rest)
                and after_title and nfc_lower(rest) in last_names() - TITLE_WORDS):
            return rest
    return None


def name_in_any_case(label: str) -> str | None:
    """:func:`name_in_label` of a label written in capitals or in lower case read as its
    words capitalised, each part of them after a hyphen or an apostrophe too, and
    particles in lower case ("LO VAN DER VALK", "MICHAEL O'REILLY", "LAYLA LAW-GISIKO"),
    the name as written ("ROSALBA MENDEZ", "rosalba mendez", "COUNCIL MEMBER TOMASZ
    NOWAK" gives "TOMASZ NOWAK"); one word in capitals only when
    it is a first name or a surname of the lists ("ROSALBA", "TOM", "MENDEZ"; not "PM",
    "NYCHA": acronyms), and never a role ("FACILITATOR", "PROJECT MANAGER")."""
    if not (label.isupper() or label.islower()):
        return name_in_label(label)
    cased = re.sub(r"\S+", lambda m: m[0].lower() if m.start() and m[0].lower() in PARTICLES
                   else m[0].title(), label)
    if len(cased) != len(label) or (label.isupper() and len(label.split()) == 1 and not (
            nfc_lower(label) in first_names() or nfc_lower(label) in last_names()
            or label.lower() in NAME_OR_WORD)):
        return None
    name = name_in_label(cased)
    return None if name is None else label[len(label) - len(name):]


def role_label(label: str) -> bool:
    """Whether a speaker ``label`` names a role, not a person: one of the usual roles
    (:data:`~..formats.speakers.ROLE`: "Interviewer", "Facilitator 2"), or no name in
    it (:func:`name_in_label`) and two or three capitalised everyday words, none a
    surname of the lists ("Project Manager", "User Interface" of the AMI meetings,
    "Faith Leader"), where one is a first name of the lists only when the last is a
    role's noun ("Faith Leader", "Grant Manager"; not "Iris Bloom", "Dawn Light": a
    person's). Such a label is no name where a trigger finds it in the text: "I'm
    Project Manager" would have masked the label in every turn. One everyday word is no
    role so: a person may be called by it ("Sunny:", "River:", with "I'm Sunny")."""
    if not isinstance(label, str) or not label.split():
        return False
    words = label.split()
    return ROLE.match(label) is not None or (
        1 < len(words) <= 3 and name_in_label(label) is None
        and all(re.fullmatch(_NAME, w) and everyday(w) and nfc_lower(w) not in last_names()
                for w in words)
        and (_ROLE_NOUN.search(words[-1]) is not None
             or not any(nfc_lower(w) in first_names() for w in words)))


def role_labels(segments: pd.DataFrame) -> frozenset[str]:
    """The speaker labels of ``segments`` that name a role (:func:`role_label`), without
    a word before a participant's number or a note in brackets, which may name the
    person ("Rosa P2" gives "P2", "Interviewer (Maria Lopez)" "Interviewer", so the name
    is masked as any is)."""
    return frozenset() if "speaker" not in segments else frozenset(
        _ASIDE.sub("", label) for label in segments["speaker"].dropna().unique()
        if role_label(label))


def speaker_findings(segments: pd.DataFrame, documents: pd.DataFrame) -> list[tuple]:
    """Speaker labels that look like real names ("Rosa", not "P3" or "Facilitator"):
    the first place each is written in each document, found just before a turn."""
    texts = documents.set_index("doc_id")["text"]
    rows, seen = [], set()
    for seg_id, doc_id, start, speaker in zip(*(segments[c].tolist() for c in (
            "seg_id", "doc_id", "start", "speaker"))):
        label = name_in_any_case(speaker.strip()) if isinstance(speaker, str) else None
        if label is None or (doc_id, speaker) in seen or doc_id not in texts.index:
            continue
        where = texts[doc_id].rfind(label, max(0, int(start) - 200), int(start))
        if where >= 0:
            seen.add((doc_id, speaker))
            rows.append((seg_id, doc_id, where, where + len(label), label, "name", "speaker"))
    return rows
