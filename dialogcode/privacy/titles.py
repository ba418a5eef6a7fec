"""Names after a title: a surname of the lists after a title of office, rank or kin
("Officer Baker", "Sgt. Hall", "the detectives Wood and Park"), and a calendar or
compass word after a title or a word of address ("Mister West", "Officer Friday"), a
name there only (docs/privacy.md)."""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from ..formats.speakers import PARTICLES
from .identifiers import Hit
from .letters import LOWER, MARK, NAME, UPPER, spellings
from .readings import ABBREVIATED, COLOURS, reads_as_word
from .words import (ADDRESS, CALENDAR_WORDS, CONTRACTION, NOT_NAMES, RANKS,
                    TITLE_WORDS, everyday, first_names, last_names, nfc_lower)

# a word of address: abbreviated, with a full stop or not ("Mr.", "Ms"), or whole
# ("Miss", "Señora"), capitalised or not; "Don" only capitalised
ADDRESSED = (rf"(?<!\w)(?:(?:{spellings(ABBREVIATED)})\.?|"
             rf"(?:{spellings(ADDRESS[len(ABBREVIATED):])}|Don))(?!\w|{MARK})")
# a capitalised word after a word of address ("Mr. West")
ADDRESSED_WORD = re.compile(rf"{ADDRESSED}[^\S\n]+({NAME})(?![\w-]|{MARK})")
# a surname of the lists that is also an everyday word after a capitalised title of
# office, rank or kin ("Sergeant Black said", "Officer Baker", "Commissioner Park",
# "Council Member Brown"), or abbreviated ("Sgt. Hall": :data:`~.words.RANKS`), or after
# a title of office in lower case ("the officer Baker", "mayor Long"); not after one that
# is as often an adjective opening a sentence ("Major Green spaces"), nor, but for a
# colour, after a royal title ("King Day") (a lookahead: "Then Detective Hall" holds two
# pairs)
_TITLED = re.compile(rf"\b(?=([A-Za-z][a-z]+)(\.?)[^\S\n]+({NAME})(?![\w-]|{MARK}))")
_TITLES = TITLE_WORDS - {"general", "major", "principal"}
# the titles of office or rank read as one in lower case too (not "miss" of "I miss
# Church", nor kin: "my mom Said"), and in the plural before names ("Officers Baker and
# Hall", "the detectives Wood, Long and Park", "Councilmen Long and Hall")
_OFFICES = frozenset((
    "commissioner", "councilmember", "councilman", "councilwoman", "mayor", "senator",
    "governor", "president", "officer", "detective", "sergeant", "captain", "lieutenant",
    "judge", "professor", "assemblymember", "assemblyman", "assemblywoman",
    "superintendent", "inspector", "commander", "congressman", "congresswoman",
    "congressmember", "alderman", "alderwoman", "councilor", "councillor", "ambassador",
    "colonel", "admiral", "sheriff", "marshal", "trooper", "corporal", "chancellor",
    "pastor", "reverend", "bishop", "deacon", "rabbi", "imam"))
_PLURAL = re.compile(rf"\b([A-Za-z][a-z]+(?:s|men))[^\S\n]+({NAME}(?:(?:,[^\S\n]+|,?"
                     rf"[^\S\n]+and[^\S\n]+){NAME})+)(?![\w-]|{MARK})")
# the detector of a surname so found (a colour too): masked, as a word of a name the
# study knows, only where the text writes it as a name ("Park" of "Commissioner Park",
# not of "Park Avenue": masking.py)
TITLED = "title"
# the detector of a calendar or compass word after a title or a word of address
# ("Mister West", "Ms. North", "Officer Friday"): masked there, and before a verb of
# speaking (:func:`named_there`), never elsewhere ("the Upper West Side", "in March":
# masking.py)
AFTER_TITLE = "after-title"
# words of address (written out or abbreviated) after which any capitalised word is a
# name, as the ``trigger`` detector takes one after "Mr.": "Mister Gold", "MR. GOLD",
# "DR. STRANGE" (not "Miss", a verb too: "I MISS SCHOOL")
_MISTER = frozenset(("mister", "missus", "mr", "mrs", "ms", "mx", "dr"))
_ROYAL = frozenset(("king", "queen", "prince", "princess", "lord", "lady", "dame"))
# a title in capitals before a word or two in capitals, as transcripts write a name
# beside a speaker's or in shouted talk ("OFFICER BAKER", "MR. JONES", "SGT. HALL",
# "OFFICER O'BRIEN"); the
# surnames of the lists that are as often a verb there ("THE MAYOR SAID")
_IN_CAPITALS = rf"(?:{UPPER}['\u2019])?{UPPER}(?:{UPPER}|{MARK})+(?:['-]{UPPER}+)?"
_VERB_SURNAMES = frozenset(("said", "read", "made", "were", "sang", "bore"))
# a plural title of office in capitals before names in capitals ("OFFICERS BAKER AND
# WEST", "DETECTIVES HALL, NORTH AND PARK"), as :data:`_PLURAL` in title case
# (a name of the list: a word in capitals that is no "AND")
_LISTED_CAPITALS = rf"(?<![\w'-])(?!AND(?![\w'-])){_IN_CAPITALS}"
_PLURAL_CAPITALS = re.compile(
    rf"(?<![\w'-])([A-Z]{{2,}}(?:S|MEN))[^\S\n]+({_LISTED_CAPITALS}(?:(?:,[^\S\n]+|,?"
    rf"[^\S\n]+AND[^\S\n]+){_LISTED_CAPITALS})+)(?![\w-]|{MARK})")
_CAPITALS = re.compile(rf"(?<![\w'-])(?=([A-Z]{{2,}})\.?[^\S\n]+({_IN_CAPITALS})"
                       rf"(?:[^\S\n]+({_IN_CAPITALS}))?(?![\w-]|{MARK}))")
# a capitalised everyday word after it: a place's or a thing's name ("Baker Street")
_GOES_ON = re.compile(rf"[^\S\n]+({UPPER}{LOWER}+)")
# a title in any case, or a word of address as the detector reads one (:data:`ADDRESSED`:
# "Don" capitalised too), right before a word (the gate's reading of an ``after-title``
# word)
_TITLE_BEFORE = re.compile(r"(?:(?<![\w'-])(?i:{})\.?|{})[^\S\n]+\Z".format("|".join(
    sorted(map(re.escape, TITLE_WORDS | RANKS.keys()), key=len, reverse=True)), ADDRESSED))


# a verb of speaking right after a word ("West said", "West, she said"): the person a
# title named, named again ("Mister West ... Later West said no")
_SPEAKS_AFTER = re.compile(r"(?:,? (?:she|he|they))? (?i:said|says|told|asked)\b")


# a plural title of office and the names after it before a word ("Officers Baker and
# West", "the detectives Wood, North", "OFFICERS BAKER AND"): the word is a name of that
# list
_PLURAL_BEFORE = re.compile(
    rf"(?<![\w'-])(?:([A-Za-z][a-z]+(?:s|men))[^\S\n]+(?:{NAME}(?:,[^\S\n]+|,?[^\S\n]+"
    rf"and[^\S\n]+))*|([A-Z]{{2,}}(?:S|MEN))[^\S\n]+(?:{_LISTED_CAPITALS}(?:,[^\S\n]+|,?"
    rf"[^\S\n]+AND[^\S\n]+))*)\Z")


def _singular(word: str) -> str:
    """A plural title in lower case in the singular ("councilmen", "officers")."""
    return re.sub("men$", "man", word).removesuffix("s")


def _plural_office(word: str) -> bool:
    return _singular(word.lower()) in _OFFICES


def after_title(text: str, start: int) -> bool:
    """Whether a title or a word of address, in any case, stands right before
    ``text[start:]`` ("Mister West", "mr. West", "OFFICER West"), or a plural title of
    office with the names after it ("Officers Baker and West")."""
    if _TITLE_BEFORE.search(text, max(0, start - 30), start) is not None:
        return True
    plural = _PLURAL_BEFORE.search(text, max(0, start - 120), start)
    return plural is not None and _plural_office(plural[1] or plural[2])


def named_there(text: str, start: int, end: int) -> bool:
    """Whether a calendar or compass word found after a title (:data:`AFTER_TITLE`) is
    that person's name at ``text[start:end]``: a title stands before it (:func:`after_title`)
    or a verb of speaking follows it ("Later West said no", "Friday asked")."""
    return after_title(text, start) or _SPEAKS_AFTER.match(text, end) is not None


def spoken_hits(text: str, words: set[str]) -> list[Hit]:
    """The places in ``text`` where one of ``words`` (calendar or compass words found
    after a title somewhere in the study) stands before a verb of speaking
    (:func:`named_there`: "Later West said no"; not "the Upper West Side"), but where
    the text reads it as the month it also is ("in May, she said"), as the gate does."""
    if not words:
        return []
    pattern = re.compile(r"(?<![\w'-])(?:{})(?![\w-]|{})".format(
        "|".join(map(re.escape, sorted(words, key=len, reverse=True))), MARK))
    return [(m.start(), m.end(), "name", AFTER_TITLE) for m in pattern.finditer(text)
            if _SPEAKS_AFTER.match(text, m.end())
            and not reads_as_word(text, m.start(), m.end())]


def _titled(text: str, m: re.Match) -> str | None:
    """The detector of the word after a title (``m``, a :data:`_TITLED` match), or None
    when it is no name there: after a title of :data:`_TITLES` (in lower case, of
    :data:`_OFFICES`), a calendar or compass word (:data:`AFTER_TITLE`, not after a
    royal title: "King Friday", nor where a month reads as one: "Judge May 15"), or a surname (:func:`_surname_there`, a royal title only
    before a colour); neither before a capitalised everyday word ("Officer West Side")."""
    title = RANKS.get(m[1].lower(), "" if m[2] else m[1].lower())
    if title not in _TITLES or (m[1].islower() and title not in _OFFICES):
        return None
    if nfc_lower(m[3]) in CALENDAR_WORDS:
        return AFTER_TITLE if (title not in _ROYAL and not _goes_on(text, m.end(3))
                               and not reads_as_word(text, m.start(3), m.end(3))) else None
    if title in _MISTER and _no_other_word(nfc_lower(m[3])) and not _goes_on(text, m.end(3)):
        return TITLED
    if not _surname_there(text, m.start(3), m.end(3), title not in _ROYAL):
        return None
    return TITLED


def _no_other_word(word: str) -> bool:
    """Whether ``word`` (in lower case), after a title, is no title, stop word, particle,
    word of :data:`~.words.NOT_NAMES` nor contraction (:data:`~.words.CONTRACTION`:
    "I'LL" of "OFFICER I'LL BE BRIEF"): a name there when the title is one of
    :data:`_MISTER`."""
    return not (word in TITLE_WORDS or word in STOP_WORDS or word in PARTICLES
                or word in NOT_NAMES or CONTRACTION.fullmatch(word))


def _in_capitals(text: str, m: re.Match) -> list[Hit]:
    """The names after a title in capitals (``m``, a :data:`_CAPITALS` match): a title of
    :data:`_TITLES` (a word of address or a rank abbreviated too: "MR.", "SGT"), not a
    royal one, before a word in capitals that is a calendar or compass word
    (:data:`AFTER_TITLE`), a colour not read as the colour, or another word
    that is no stop word, title, particle, verb (:data:`_VERB_SURNAMES`: "THE MAYOR
    SAID") nor everyday word but a first name or surname of the lists ("BAKER", "JONES",
    "GARODNICK", "MARIA"; :data:`TITLED`), right after one of :data:`_MISTER` an
    everyday word too ("MR. GOLD"), and the word after it too when it is so ("OFFICER
    MARIA BAKER"; not "MR. JONES SAID"; a calendar or compass word there with the name
    before it, as one finding: "MARIA WEST")."""
    title = m[1].lower() if m[1].lower() in TITLE_WORDS else RANKS.get(m[1].lower())
    if title not in _TITLES or title in _ROYAL:
        return []
    hits = []
    for group in (2, 3):
        if m[group] is None:
            break
        start, end = m.start(group), m.end(group)
        word = nfc_lower(m[group])
        if word in CALENDAR_WORDS or word in COLOURS:
            if reads_as_word(text, start, end):
                break
            if word in COLOURS:
                hits.append((start, end, "name", TITLED))
            else:
                # after a name ("OFFICER MARIA WEST"), with it, as "Maria West" is found
                # whole: the gate masks an after-title word alone after a title only
                hits.append((start if group == 2 else m.start(2), end, "name",
                             AFTER_TITLE if group == 2 else TITLED))
            continue
        if (not _no_other_word(word) or word in _VERB_SURNAMES
                or (everyday(word) and word not in last_names() | first_names()
                    and not (group == 2 and title in _MISTER))):
            break
        hits.append((start, end, "name", TITLED))
    return hits


def _goes_on(text: str, end: int) -> bool:
    """Whether a capitalised everyday word that is no stop word follows ``end``: a
    place's or a thing's name ("Baker Street", "Park Avenue")."""
    after = _GOES_ON.match(text, end)
    return bool(after and everyday(after[1]) and nfc_lower(after[1]) not in STOP_WORDS)


def _surname_there(text: str, start: int, end: int, any_surname: bool = True) -> bool:
    """Whether ``text[start:end]``, after a title, is a surname there: a colour not read
    as the colour; (``any_surname``) another surname of the lists that is no title, stop
    word, particle ("De" of "Mister De Blasio") nor calendar or compass word
    (:data:`NOT_NAMES`), before no capitalised everyday word ("Baker Street", "Park
    Avenue")."""
    word = nfc_lower(text[start:end])
    if word in COLOURS:
        return not reads_as_word(text, start, end)
    return (any_surname and word in last_names() and word not in TITLE_WORDS
            and word not in NOT_NAMES and word not in STOP_WORDS and word not in PARTICLES
            and not _goes_on(text, end))


def titled_forms(word: str) -> set[str]:
    """A word found after a title (:data:`TITLED`) as written and, written in capitals,
    capitalised too ("JONES" of "MR. JONES" stands for "Jones": "Jones said")."""
    return {word, word.title()} if word.isupper() else {word}


def is_title(word: str) -> bool:
    """Whether ``word`` is a title (:data:`~.words.TITLE_WORDS`), abbreviated
    (:data:`~.words.RANKS`: "Sgt") or plural ("Councilmen", "Officers")."""
    word = nfc_lower(word)
    return (word in TITLE_WORDS or word in RANKS
            or _singular(word) in TITLE_WORDS)


def title_hits(text: str) -> list[Hit]:
    """The names after a title (:data:`_TITLED`), after a plural title of office
    (:data:`_PLURAL`: each surname of "Officers Baker and Hall"; in capitals,
    :data:`_PLURAL_CAPITALS`: "OFFICERS BAKER AND WEST"), or after a title in capitals
    (:data:`_CAPITALS`)."""
    hits = [(m.start(3), m.end(3), "name", detector) for m in _TITLED.finditer(text)
            if (detector := _titled(text, m)) is not None]
    plurals = [(m, NAME) for m in _PLURAL.finditer(text)] + [
        (m, _LISTED_CAPITALS) for m in _PLURAL_CAPITALS.finditer(text)]
    for m, word in plurals:
        if not _plural_office(m[1]):
            continue
        for n in re.finditer(word, m[2]):
            start, end = m.start(2) + n.start(), m.start(2) + n.end()
            if nfc_lower(n[0]) in CALENDAR_WORDS:
                # "Officers Baker and West": a compass word there, as after "Officer"
                if not _goes_on(text, end) and not reads_as_word(text, start, end):
                    hits.append((start, end, "name", AFTER_TITLE))
            elif _surname_there(text, start, end):
                hits.append((start, end, "name", TITLED))
    return hits + [hit for m in _CAPITALS.finditer(text) for hit in _in_capitals(text, m)]
