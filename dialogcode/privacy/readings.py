"""First names that are also a modal verb or a month ("Will", "May", "June", "April",
"August"), surnames that are also a colour ("Brown", "Green"), and whether a text reads
one as that word where it stands: the detectors find such a name only where the text
says a person is meant, and the gate leaves the word where it is clearly the word
("Will we", "in June", "Black and Brown families"), so one person called June does not
mask every month (docs/privacy.md)."""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

# first names that are also a modal verb or a month: names only where the text says a
# person is meant (a trigger, a vocative, "Will and I", a speaker label), and not where
# it reads as the word (:func:`reads_as_word`); "will" also inside a sentence, where
# the modal is never capitalised
NAME_OR_WORD = {"will": "modal", "may": "modal month", "june": "month", "april": "month",
                "august": "month"}
# surnames that are also a colour: names only where the text does not read them as the
# colour (:func:`reads_as_word`: "Black and Brown families", "the Green spaces")
COLOURS = frozenset(("black", "brown", "white", "green", "gray", "grey"))
# the names that a text may read as the word they also are
READABLE = frozenset(NAME_OR_WORD) | COLOURS
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|"
           "november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")
# words of address abbreviated before a name ("Mr. Lee", "Sra Lupe": detect.py's triggers)
ABBREVIATED = ("Mr", "Mrs", "Ms", "Mx", "Dr", "Rev", "Sr", "Sra", "Srta", "Mme", "Mlle")
# before a modal that asks: the start of a clause (of the text or line, after its
# punctuation, a quote or dash, or a conjunction: "Thanks. Will we", "So, May I", "and
# Will they"), not a trigger nor a word of address ("told Will we", "Mr. May I")
_MODAL_BEFORE = re.compile(r"(?:(?:^|[.!?,;:\"'(\u2014\u2013\u2018\u2019\u201c\u201d-])"
                           r"|\b(?i:and|but|or|so|then|now|well|okay|ok|also))"
                           r"[^\S\n]*\Z", re.MULTILINE)
_TITLE_BEFORE = re.compile(rf"\b(?i:{'|'.join(ABBREVIATED)})\.[^\S\n]*\Z")
# after a modal, its subject: "Will we", "May I", "Will the city"
_MODAL_AFTER = re.compile(r"[^\S\n]+(?i:i|you|we|they|he|she|it|that|this|there|these|"
                          r"those|the|a|an|my|your|our|their|his|her|its|someone|somebody|"
                          r"anyone|anybody|everyone|everybody|people|all|any|some|not|be|"
                          r"have)\b")
# around a month: a day or year ("May 15", "June, 2019", "15 May"), "of" ("June of last
# year", "end of May"), a word of time before it ("in May", "since June", "last April"),
# another month ("May and June", "April to May")
_MONTH_AFTER = re.compile(rf"[^\S\n]*,?[^\S\n]*\d|[^\S\n]+(?i:of)\b|[^\S\n]*(?:-|\u2013|,|"
                          rf"(?i:to|through|thru|and|or)\b)[^\S\n]*(?i:{_MONTHS})\b")
_MONTH_BEFORE = re.compile(rf"(?:\b(?i:in|by|since|until|till|through|from|during|before|"
                           rf"after|last|next|this|every|each|early|late|mid|of|around|"
                           rf"past|throughout|the)[^\S\n]+|\d[^\S\n]*|\b(?i:{_MONTHS})\.?"
                           rf"[^\S\n]*(?:-|\u2013|,|(?i:to|through|thru|and|or)\b)[^\S\n]*)\Z")

# a colour in a series of words of race or colour ("Black and Brown", "Black, Brown, and
# Indigenous", "Brown and Latino") before a plural of people or things ("families", "New
# Yorkers", "low-income families", "Brown-owned businesses", "bins"): the colour, not
# people called Brown and White ("Brown and White wants", "Brown and Green Partners",
# "Brown and White reports" are people and their work); before a plural of people only
# when a word of the series is "Black" or a word of race that is no colour ("Brown and
# White residents" may be two people so named, "Black and Brown families" hardly)
_OR = r"[^\S\n]*(?:,?[^\S\n]*\b(?i:and|or)\b|-(?i:and|or)-|[,/&\u2013-])[^\S\n]*"
_OF_RACE = "black|indigenous|latino|latina|latinx|latine|hispanic|asian|native"
_RACE = "(?i:" + "|".join(sorted(COLOURS | set(_OF_RACE.split("|")))) + ")"
_SAYS_RACE = re.compile(rf"\b(?i:{_OF_RACE})\b")
# words of race that no list of English words holds: the plurals never a name
# (words.NOT_NAMES: "Hispanics", "Asians", "Latinos"); the singulars no name by their
# capital alone ("Black and Latina women", "Latinx youth": detect.py's proper nouns),
# but a name after a trigger or in a speaker label, as a person may be called Latina
RACE_NOUNS = ("latinos", "latinas", "latines", "hispanics", "asians", "chicanos",
              "chicanas")
RACE_WORDS = frozenset(("latino", "latina", "latinx", "latine", "chicano", "chicana",
                        "chicanx", *RACE_NOUNS))
# an English word of a people: of five letters or more ending so ("Mexican", "Haitian",
# "Korean", "Chinese", "Irish"), or one of these; not "Malachi", "Rani", "Nan", "Sultan",
# first names of no list that end in -i or -an too
_OF_A_PEOPLE = re.compile(r"[^\W\d_]{2,}(?:[ie]an|can|ese|ish)")
_PEOPLES = frozenset((
    "afghan", "afghani", "arab", "azeri", "bahraini", "bangladeshi", "bengali",
    "caribbean", "cuban", "dutch", "emirati", "filipina", "filipino", "french", "german",
    "greek", "guatemalan", "honduran", "iraqi", "israeli", "kenyan", "kuwaiti", "libyan",
    "nepali", "omani",
    "pakistani", "punjabi", "qatari", "rwandan", "salvadoran", "samoan", "saudi",
    "somali", "thai", "tibetan", "ugandan", "venezuelan", "welsh", "yemeni"))
# a people of two words whose words no list of English words holds, capitalised, in
# the singular or the plural ("I'm Puerto Rican", "Sri Lankans"): no name, though each
# word looks like one
_PEOPLES_OF_TWO = re.compile(r"(?<![\w'-])(?:Puerto Rican|Costa Rican|Sri Lankan|"
                             r"Cape Verdean|Sierra Leonean|New Zealander)s?(?![\w'-])")


def peoples_of_two(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that name a people of two words (:data:`_PEOPLES_OF_TWO`)."""
    return [m.span() for m in _PEOPLES_OF_TWO.finditer(text)]


_SERIES_BEFORE = re.compile(rf"(?:\b{_RACE}{_OR})+\Z")
_SERIES_AFTER = re.compile(rf"(?:{_OR}{_RACE}\b)*")
_OWNED = re.compile(r"-(?i:owned|led)\b")      # "Black and Brown-owned businesses"
# a plural of people or things a colour describes; of a family (group 1: after "the", a
# family of that name: "the Brown kids", "the Brown parents"); "community", a singular
# (group 2), only after a series ("Black and Brown community"; "the Black community" in
# a study with a speaker called Black is that person's); of things (group 3: "Green and
# Brown bins" need no word of race)
_PLURAL = re.compile(
    r"[^\S\n]+(?:(?:[a-z]+-[a-z]+|young|older|elderly|working|poor|"
    r"local|immigrant|low|lower|middle|income|class)[^\S\n]+){0,2}"
    r"(?:(families|households|kids|children|boys|girls|brothers|sisters|twins|parents|"
    r"cousins|sons|daughters|siblings|relatives|grandparents|grandchildren|grandkids|"
    r"nephews|nieces|homes|houses)|(community)|residents|communities|people|persons|folks|"
    r"folk|men|women|youth|students|tenants|renters|homeowners|owners|workers|voters|"
    r"neighbou?rs|neighbou?rhoods|individuals|populations|businesses|bodies|"
    r"[A-Z][a-z]+[ice]ans|New[^\S\n]+[A-Z][a-z]+ers|"
    r"(spaces|roofs|jobs|areas|zones|belts|corridors|buildings|lines|bins|bags|boxes|"
    r"lights|walls|doors|cards|cars|trucks|shirts|signs|stickers|dots|tiles|bricks|"
    r"fields|pages))\b(?!['\u2019])")
# before a series, what makes it a family's before a plural of family ("the Brown and
# White kids") or its first colour a surname: a word of address ("Ms. Brown and White
# residents"), a title in any case ("council member Brown", "mister Brown"), a
# capitalised word that is no stop word ("Mister Brown", "Dana Brown")
_FAMILY_BEFORE = re.compile(r"\b(?i:the|these|those|both)[^\S\n]+\Z")
_NAMED_BEFORE = re.compile(rf"\b(?:(?:{'|'.join(ABBREVIATED)})\.|([\w']+))[^\S\n]+\Z")
# a colour alone as an adjective: after a determiner or quantifier before a plural of
# people or things ("the Green spaces", "more Green spaces"), not of a family ("the
# Brown kids") nor another plural ("the Brown reports") nor a word in the singular ("the
# Brown residence", "the Green child": a person's)
# a colour written in lower case joined to one ("White or black?", "black and White"):
# only the colour is so written, never a person
_LOWER_COLOUR = r"(?:black|brown|white|green|gr[ae]y|red|blue|yellow|orange|purple|pink)\b"
_JOINED = r"(?:or|and|nor|to|on|vs\.?|versus)"
_COLOUR_AFTER = re.compile(rf"[^\S\n]*,?[^\S\n]+{_JOINED}[^\S\n]+{_LOWER_COLOUR}")
_COLOUR_BEFORE = re.compile(rf"\b{_LOWER_COLOUR},?[^\S\n]+{_JOINED}[^\S\n]+\Z")
_DETERMINER = re.compile(r"\b(?i:the|a|an|these|those|our|their|your|its|more|most|many|"
                         r"much|some|all|any|other|few|fewer|less|every|each|such|several|"
                         r"both)[^\S\n]+\Z")


def reads_as_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]``, a first name that is also a modal or a month
    ("Will", "May", "June", "April", "August"), reads there as that word: a modal opening
    a question or clause before its subject ("Will we", "So, May I"; not after a
    trigger or a word of address, where no modal can stand: "told May I would", "Mr.
    Will we"), a month beside a day, year, word of time or other month ("in June", "May
    15", "April to May"); a surname that is also a colour ("Brown", "Green", "White")
    beside another word of race or colour before a plural of things, or of people when
    the series holds Black or a word of race that is no colour (:func:`_in_series`:
    "Black and Brown families", "Black, Brown and Indigenous communities"; not "Brown
    and White said", "Brown and White reports", "Brown and White residents", "Ms. Black
    and Brown families", "the Black and Brown kids") or after a determiner before a
    plural of people or things ("the Green spaces", "more Green spaces"; not "the Brown
    kids", "the Brown reports", "the Brown residence", "the Black community"), or alone
    before a plural of people, family or things where a clause opens or after a word in
    lower case that no name follows (:func:`_alone`: "White residents moved out",
    "For Black residents", "I met with Black residents"; not "told White residents",
    "Mr. Black kids", "Brown-owned shops", at the start of ``text``; but "Black-owned
    businesses"), or joined to a colour in lower case, after no title ("White or
    black?", "black and White"; not "Mister White or black").
    False for every other word (of none of :data:`READABLE`, so no caller asks that
    first). The detectors and the gate's masking ask the same question, so a name found
    is a name masked."""
    word = text[start:end].lower()
    before = text[max(0, start - 30):start]
    if word in COLOURS:
        if _COLOUR_AFTER.match(text, end) or _COLOUR_BEFORE.search(before):
            from .titles import after_title

            return not after_title(text, start)
        series = _in_series(text, start, end)
        # "Black-owned businesses": of race, where "Brown-owned shops" may be Brown's
        owned = _OWNED.match(text, end) if word == "black" else None
        plural = _PLURAL.match(text, owned.end() if owned else end)
        if series is not None or plural is None or plural[2]:
            return bool(series)
        if _DETERMINER.search(before):
            return not plural[1]
        return _alone(text, start, end)
    reading = NAME_OR_WORD.get(word, "")
    return bool(("modal" in reading and _MODAL_AFTER.match(text, end)
                 and _MODAL_BEFORE.search(before) and not _TITLE_BEFORE.search(before))
                or ("month" in reading and (_MONTH_AFTER.match(text, end)
                                            or _MONTH_BEFORE.search(before))))


def _in_series(text: str, start: int, end: int) -> bool | None:
    """None when the colour ``text[start:end]`` stands in no series of words of race or
    colour; else True when the colour ``text[start:end]`` stands in a series of words of race or
    colour before a plural of things ("Green and Brown bins") or, when it holds "Black"
    or a word of race that is no colour, of people ("Black and Brown families"; not
    "Brown and White residents"), the series after no word of address nor capitalised
    word that is no stop word nor title ("Ms. Black and Brown families", "council member
    Brown and Black residents") and, before a plural of family, after no "the" ("the
    Black and Brown kids")."""
    from .words import TITLE_WORDS, nfc_lower

    before = _SERIES_BEFORE.search(text, max(0, start - 60), start)
    first = start if before is None else before.start()
    after = _SERIES_AFTER.match(text, end).end()
    if before is None and after == end:
        return None
    owned = _OWNED.match(text, after)
    plural = _PLURAL.match(text, owned.end() if owned else after)
    if plural is None or not (plural[3] or _SAYS_RACE.search(text, first, after)):
        return False
    if plural[1] and _FAMILY_BEFORE.search(text, max(0, first - 10), first):
        return False
    named = _NAMED_BEFORE.search(text, max(0, first - 30), first)
    if named is None:
        return True
    word = None if named[1] is None else nfc_lower(named[1])
    return word is not None and word not in TITLE_WORDS and (
        not named[1][0].isupper() or word in STOP_WORDS)


def says_what(word: str) -> bool:
    """Whether ``word``, capitalised after "I'm" or "I am", says what one is, not who:
    a colour or a word of race ("I'm Black", "I am Latina", "I'm Indigenous"), or an
    English word of a people (:data:`_PEOPLES`, or of :data:`_OF_A_PEOPLE` an adjective
    of WordNet, not a noun only: "Hadrian" is an emperor's name, "Valerian" a plant's)
    that is no first name nor surname of the lists ("I'm Mexican", "I'm Haitian", "I'm
    Pakistani"; not "I'm Christian", "I'm Baker", "I'm Malachi", "I'm Rani", "I'm
    Hadrian", "I'm Valerian")."""
    from .words import adjective, first_names, last_names, nfc_lower

    lower = nfc_lower(word)
    return (lower in COLOURS or lower in _OF_RACE.split("|") or lower in RACE_WORDS
            or lower in _PEOPLES
            or (_OF_A_PEOPLE.fullmatch(lower) is not None and adjective(lower)
                and lower not in first_names() and lower not in last_names()))


# before a colour alone: a clause's opening (a line's start, a label's colon, a
# sentence's or clause's punctuation, a quote or dash), or a word in lower case; the
# words after which a name is meant ("told White residents", "thanks Brown kids")
_CLAUSE_BEFORE = re.compile(r"(?:(?<=\n)|[.!?;:,\"(\u2014\u2013\u201c-]|"
                            r"\b([a-z][\w'\u2019]*))[^\S\n]*\Z")
# a word of address with its full stop ("Mr. Black kids"), or one spoken to ("Thanks,
# Brown kids")
_SPOKEN_TO = re.compile(r"\b(?i:thanks|thank you|hi|hey|hello|dear|okay|ok|yes|no)"
                        r"[^\S\n]*,[^\S\n]*\Z")
# a plural that is as often a verb, the colour before it a surname, its subject ("Then
# White signs the lease", "So Green lights the project", "Brown kids me about it")
_VERB_AFTER = re.compile(r"[^\S\n]+(?:(?:signs|lines|pages|fields|lights|boxes|bags|cards|"
                         r"tiles|dots|homes|houses)|kids[^\S\n]+(?i:me|us|him|them))\b")
# a capitalised word and "and" or "or" before a colour alone: a name, unless a stop word
# or a word of race or a people (:func:`says_what`)
_PAIRED = re.compile(r"\b([A-Z][\w'\u2019]*)[^\S\n]+(?:and|or)[^\S\n]+\Z")
_NAME_AFTER = frozenset(("told", "tell", "tells", "asked", "ask", "asks", "called", "call",
                         "named", "thank", "thanks", "hi", "hey", "hello", "dear", "ms",
                         "mr", "mrs", "dr", "miss"))


def _alone(text: str, start: int, end: int) -> bool:
    """Whether a colour alone before a plural of people, family or things (no series,
    no determiner) at ``text[start:end]`` reads as the colour: a clause opens before
    it, or a word in lower case that is no title nor word after which a name is meant
    ("White residents moved out", "For Black residents", "I met with Black residents";
    not "told White residents", "council member Brown kids", "Mr. Black kids", "Thanks,
    Brown kids", "Ms. Jones and White residents"), and the plural is no word as often a verb (:data:`_VERB_AFTER`: "Then
    White signs the lease"); at the start of ``text``, which may be cut from a sentence
    anywhere (a table's cell), it is the name."""
    from .words import TITLE_WORDS

    if _VERB_AFTER.match(text, end) or _TITLE_BEFORE.search(text, max(0, start - 30), start) or _SPOKEN_TO.search(
            text, max(0, start - 30), start):
        return False
    before = _CLAUSE_BEFORE.search(text, max(0, start - 30), start)
    if before is None:
        named = _NAMED_BEFORE.search(text, max(0, start - 30), start)
        # a capitalised stop word: "For Black residents", "And White residents"
        return bool(named and named[1] and named[1].lower() in STOP_WORDS
                    and named[1].lower() not in _NAME_AFTER)
    if before[1] in ("and", "or"):
        # "Ms. Jones and White residents": two people, maybe; not "Latinos and White"
        pair = _PAIRED.search(text, max(0, start - 40), start)
        if pair and pair[1].lower() not in STOP_WORDS and not says_what(pair[1]):
            return False
    return before[1] is None or (before[1] not in _NAME_AFTER
                                 and before[1] not in TITLE_WORDS)
