"""Names the study knows: each word of a name that a speaker label or a finding of
several words holds ("Ben" of the speaker "Ben Ortiz", "Jacobs" of "Jane Jacobs"
found in the text) is a person's name, found alone where the text writes it as one,
even when it is also an English word ("Grace", "Mark", "Rich"; docs/privacy.md).

Written as a name (:func:`written_as_name`): capitalised as the finding writes it,
not inside a word nor a contraction; not a sentence's first word when it is an everyday
word, unless a sign of a person follows it (a possessive, a verb of speaking or of
coming and going, "and I"); not before a capitalised everyday word ("Grace Church",
"Rose Garden"); an everyday word not after a capitalised everyday word that is no
title ("Central Park", "City Hall"; but "Commissioner Park"); and a name that is also a
modal or a month not where the text reads it as that word (:mod:`.readings`).
"""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..formats.labels import TURN
from ..formats.speakers import PARTICLES, label_like
from .detect import INTERJECTIONS, MARK, Hit
from .readings import ABBREVIATED, COLOURS, reads_as_word
from .titles import is_title
from .words import (ADDRESS_WORDS, CONTRACTED, NOT_NAMES, RANKS, everyday,
                    first_names, last_names, nfc_lower, ordinary)

DETECTOR = "study-name"
# a family called by a surname found alone: "the Browns", "the Bakers' house"
FAMILY = "family"
# the end of a sentence, or of a line, just before a word: the word opens a sentence;
# so does the text's start, unless the text is a cell cut from a longer one
_OPENS = {cut: re.compile((r"(?:" if cut else r"(?:\A|")
                          + r"[.?!][\"'\u201d\u2019)]*[^\S\n]+|\n[^\S\n]*)\Z")
          for cut in (False, True)}
# the full stop of a title abbreviated ("Sgt. Hall", "Mr. Park"): no sentence's end
_ABBREVIATION = re.compile(r"(?<![\w'-])(?i:{})\.[^\S\n]+\Z".format("|".join(
    sorted((*RANKS, *(word.lower() for word in ABBREVIATED)), key=len, reverse=True))))
# after a sentence's first word, a sign that it is a person's name: "Ben's", "Ben
# said", "Grace arrived", "Mark and I"; the verb capitalised too, as a transcriber may
# write it ("Brown Said no": no longer proper noun, as "Baker Street" is)
_PERSON_AFTER = re.compile(
    r"['\u2019]s\b|,? (?:and (?:I|me)\b|(?:she|he|they) (?:said|says|told)\b|"
    r"(?i:said|says|told|asked|explained|shared|mentioned|thinks|thought|wants|wanted|"
    r"arrived|came|comes|went|goes|called|calls|emailed|texted|wrote|writes|agreed|"
    r"suggested|knows|knew|sent|left|joined|brought|invited)\b)")
# a word of a name
_WORD = re.compile(r"[^\W\d_][\w'-]*")
_NOT_ALONE = frozenset((*NOT_NAMES, *STOP_WORDS, *INTERJECTIONS, *PARTICLES, *ADDRESS_WORDS))
# a capitalised word right after (one space), or right before ("Central Park": a place
# when an everyday word that is no title, :data:`~.words.TITLE_WORDS`, goes before)
_NEXT = re.compile(r" ([^\W\d_][\w'-]*)")
# "of" and a capitalised word after a word (a line break between them too): "the Hall
# of Justice", "the Hall of the People" (a place's or an institution's name)
_OF_A_PLACE = re.compile(r"\s+of\s+(?:the\s+)?[^\W\d_a-z]")
_PREVIOUS = re.compile(r"(?<![\w'-])([^\W\d_][\w'-]*) \Z")
# a transcriber's mark in brackets right before a word ("[crosstalk] ", "[inaudible] "):
# the talk after it may open afresh, as after a label ("[crosstalk] Later Baker")
_AFTER_MARK = re.compile(r"\[[^\[\]\n]*\][^\S\n]+\Z")


def name_words(found: list[str], labels: list[str]) -> set[str]:
    """The words that stand alone for a person the study names: every word of a
    name-like speaker label of two or more words (``labels``: "Ben" and "Ortiz" of "Ben
    Ortiz:"), or of one word in capitals that is no English word ("MCKAY:"), and of a name of two or more words found in the text (``found``) that
    opens with a first name of the lists, that first name and the later words that are
    surnames of the lists and no everyday words ("Grace" and "Ortiz" of "Grace Ortiz";
    not "Park" of "Morris Park" nor "Brown" of "Russell Brown", as often a place's or a
    thing's word, nor "SmartKom" of "German SmartKom"). A word is capitalised,
    of letters (and ' or -), not all capitals (a label's word in capitals is read
    capitalised: "Rosalba" of "ROSALBA MENDEZ"), of two letters or more, and no stop
    word, interjection, particle ("De", "La", "Van") or word of address ("Señora")."""
    picked = [word.title() if word.isupper() else word
              for label in labels if len(label.split()) > 1 for word in label.split()]
    picked += [label.title() for label in labels
               if len(label.split()) == 1 and label.isupper() and not ordinary(label)]
    for name in found:
        first, *later = name.split()
        if later and nfc_lower(first) in first_names():
            picked += [first] + [word for word in later
                                 if nfc_lower(word) in last_names() and not everyday(word)]
    return {word for word in picked
            if len(word) > 1 and _WORD.fullmatch(word) and word[0].isupper()
            and not word.isupper() and nfc_lower(word) not in _NOT_ALONE}


def known_pattern(words: set[str]) -> re.Pattern | None:
    """One pattern of ``words`` standing alone as written (not inside a word, nor a
    contraction's first part: "Don't"), and, of a word of three letters or more that is
    no English word, in any case ("rosalba", "MENDEZ" of "Rosalba Mendez": a
    transcriber's lower-case label line, a name in capitals; "McKay", "DeLeon" of the
    labels "MCKAY", "CARLOS DELEON", read "Mckay", "Deleon")."""
    if not words:
        return None
    alternation = "|".join(re.escape(w) if len(w) < 3 or ordinary(w) else f"(?i:{re.escape(w)})"
                           for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'-])(?:{alternation})(?![\w-]|{MARK}|{CONTRACTED})")


def known_hits(text: str, pattern: re.Pattern,
               titled: frozenset[str] = frozenset()) -> list[Hit]:
    """The places in ``text`` where a word of ``pattern`` (:func:`known_pattern`) is
    written as a name (:func:`written_as_name`; ``titled``: the words found after a
    title)."""
    return [(m.start(), m.end(), "name", DETECTOR) for m in pattern.finditer(text)
            if written_as_name(text, m.start(), m.end(), titled=m[0] in titled)]


def written_as_name(text: str, start: int, end: int, *, cut: bool = False,
                    titled: bool = False) -> bool:
    """Whether ``text[start:end]``, a word of a name the study knows, is written there as
    the name: not opening a sentence (a title's abbreviation ends none: "Sgt. Hall") or
    line unless it is a colour or (``titled``) a surname found after a title (read by
    :func:`~.readings.reads_as_word` alone: "White or black?" is the colour, "White
    spoke first" and, with an "Officer Baker", "Baker works here" the name), no everyday
    word ("Ben", "Ortiz") or a sign of a person follows ("Grace's", "Mark said", "Rose
    arrived"); not before a capitalised everyday word ("Grace Church"), unless
    (``titled``) a sign of a person follows that word and "the" goes before neither
    ("White Ford called", with a "Mister White"; not "the White House said"); nor, when
    it is an everyday word, after "the" and before "of" and a capitalised word ("the
    Hall of Justice", "the Park of the Americas"); when it is an everyday word, not
    after a capitalised everyday word that is no title nor first name and does not open
    a sentence, ``text`` or the talk after a transcriber's mark in brackets ("Central
    Park", "City Hall"; but "Commissioner Park", "Grace Hall", "[crosstalk] Later
    Baker"; nor a colour: no place's name ends in one, "Public Advocate Brown"); not
    where it reads as the modal or month it also is ("Will we", "in May"). A word in
    capitals ("HALL" of "SGT. HALL") is read as the name wherever the text writes it
    so, as in a text in capitals every word is capitalised. The detector and the gate
    ask the same question, so a name found is a name masked. ``cut``: ``text`` may be
    cut from a longer one anywhere (a table's quote, context or match: the gate), so
    its own start is no sign of a sentence's, and a word there is read as a name."""
    if len(text[start:end]) > 1 and text[start:end].isupper():
        # in capitals ("SGT. HALL CAME"), every word is: no sign of a longer proper noun
        return not reads_as_word(text, start, end)
    if (_opens(text, start, cut) and everyday(text[start:end])
            and not titled and nfc_lower(text[start:end]) not in COLOURS
            and not _ABBREVIATION.search(text, max(0, start - 10), start)
            and not _PERSON_AFTER.match(text, end)):
        return False
    after = _NEXT.match(text, end)
    if (after is not None and after[1][0].isupper() and _proper_noun_goes_on(after[1])
            and not _PERSON_AFTER.match(text, end)
            and not (titled and _PERSON_AFTER.match(text, after.end())
                     and not _THE.search(text, max(0, start - 10), start))):
        return False
    if (everyday(text[start:end]) and _OF_A_PLACE.match(text, end)
            and _THE.search(text, max(0, start - 10), start)):
        return False
    before = _PREVIOUS.search(text, max(0, start - 40), start)
    if (before is not None and before[1][0].isupper() and len(before[1]) > 1
            and everyday(text[start:end]) and nfc_lower(text[start:end]) not in COLOURS
            and not _opens(text, before.start(), cut=False)
            and not _AFTER_MARK.search(text, max(0, before.start() - 200), before.start())
            and _proper_noun_goes_on(before[1]) and not is_title(before[1])
            and nfc_lower(before[1]) not in first_names()):
        return False
    return not reads_as_word(text, start, end)


def _opens(text: str, start: int, cut: bool = False) -> bool:
    """Whether the word at ``start`` opens a sentence, a line (:data:`_OPENS`) or a
    turn: a speaker label as ingest reads one (:data:`~dialogcode.formats.labels.TURN`:
    "P2: ", "**P2:** ", "[P2] ") at a line's start (or a text's, cut or not) just before
    it, as in the segment the scan reads ("P2: Later Baker"); written like a label
    (:func:`~dialogcode.formats.speakers.label_like`), not a transcriber's mark in
    brackets ("[crosstalk] Park stayed", "[cross talk]", "[NAME]"), after which the
    word is read as inside a sentence."""
    if _OPENS[cut].search(text, max(0, start - 8), start):
        return True
    line = text.rfind("\n", 0, start) + 1
    turn = TURN.match(text, line) if start - line <= 80 else None
    if turn is None or turn.end() != start:
        return False
    label = turn["bracket"] or turn["hash"] or turn["colon"]
    return label_like(label) and not (turn["bracket"] and label.strip()[:1].islower())


_IN_CAPITALS = re.compile(r"[^\W\d_][\w'\u2019-]*")
_AROUND = 250   # characters each side of a name in capitals read in lower case


def read_in_capitals(text: str, start: int, end: int) -> str | None:
    """``text`` as the gate reads a name found capitalised ("Hall") that stands in
    capitals at ``text[start:end]`` ("HALL"), so the rules of title case decide it: the
    name capitalised, the other words in capitals (the name's own "'S" too) in lower
    case, as in capitals no word before or after it tells a longer proper noun ("CITY
    HALL", "BAKER STREET") from talk ("I TOLD HALL", "BAKER WORKS HERE"): masked. None
    when a word changes length in another case."""
    def lowered(piece: str) -> str:
        return _IN_CAPITALS.sub(lambda m: m[0].lower() if len(m[0]) > 1 and m[0].isupper()
                                else m[0], piece)

    # the rules look a few words around it: lowering the whole text at each name made
    # a document in capitals take minutes
    near, far = max(0, start - _AROUND), min(len(text), end + _AROUND)
    read = (text[:near] + lowered(text[near:start]) + text[start:end].title()
            + lowered(text[start:far])[end - start:] + text[far:])
    return read if len(read) == len(text) else None


def _proper_noun_goes_on(word: str) -> bool:
    """Whether a capitalised ``word`` right after a known name's word makes them a
    longer proper noun: an everyday word ("Church", "Garden", "Park", although Faker
    lists Church and Park as surnames: the study knows the person by other words), not a
    stop word nor "I" ("Grace I think")."""
    lower = nfc_lower(word)
    return lower not in STOP_WORDS and lower not in NOT_NAMES and everyday(word)


def family_names(words: set[str]) -> frozenset[str]:
    """The plurals of ``words`` (names found alone: "Browns" of "Brown", "Jacobses" of
    "Jacobs"), as written, that :func:`family_hits` finds after "the"."""
    return frozenset(word + ("es" if re.search(r"(?:s|x|z|ch|sh)\Z", word) else "s")
                     for word in words
                     if _WORD.fullmatch(word) and word[0].isupper() and not word.isupper())


# a word after "the" (an apostrophe only inside it: "the O'Briens", "the Browns' dog"),
# a line break between them too (a transcript wrapped by hand)
_AFTER_THE = re.compile(rf"\b(?i:the)\s+([^\W\d_](?:[\w-]|['\u2019](?=\w))*)"
                        rf"(?![\w-]|{MARK})")


def family_hits(text: str, plurals: frozenset[str]) -> list[Hit]:
    """The places in ``text`` where one of ``plurals`` (:func:`family_names`) stands
    after "the", a family of that name ("the Browns moved", "the Whites' house"; not
    "Browns fans")."""
    return [(m.start(1), m.end(1), "name", FAMILY) for m in _AFTER_THE.finditer(text)
            if m[1] in plurals]


_THE = re.compile(r"\b(?i:the)\s+\Z")


def as_family(text: str, start: int, *, cut: bool = False) -> bool:
    """Whether a plural of a name at ``start`` stands after "the" (:func:`family_hits`);
    with ``cut`` (a cell cut from a longer text anywhere: the gate) also at the cell's
    start, where "the" may have stood."""
    return bool(_THE.search(text, max(0, start - 40), start)) or (
        cut and not text[:start].strip())
