"""Which words are names and which are English words, for the detectors
(detect.py), the gate and cluster labels: Faker's first names and surnames, spaCy's
English words, the words of address, contractions and the words never taken for a name
(docs/privacy.md)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from .readings import ABBREVIATED, RACE_NOUNS

# the words that make an English contraction with "'t" (or "’t"): "Don" of "Don't",
# "Doesn" of "Doesn't", "Can" of "Can't"; there such a word is no name (though Don, Can
# and Shan are names elsewhere). Only these: "Jan't" or "Mark't" is a name and a stray
# apostrophe. _NAME also never ends inside a word (a backtrack to "Do" of "Don't")
_BEFORE_NT = ("ain", "aren", "can", "couldn", "daren", "didn", "doesn", "don", "hadn",
              "hasn", "haven", "isn", "mightn", "mustn", "needn", "oughtn", "shan",
              "shouldn", "wasn", "weren", "won", "wouldn")
# at the end of a word, "'t" when the word is one of _BEFORE_NT (in any case)
CONTRACTED = ("(?:" + "|".join(rf"(?<=(?i:\b{w}))" for w in _BEFORE_NT)
              + r")['\u2019][tT]\b")
# a contraction written without its apostrophe, as informal transcripts do ("Im",
# "Youll", "Hed", "Didnt"): an English word, no name
_UNMARKED = re.compile("(?:{})t|(?:i|you|we|they)(?:ll|d|ve|re|m)|(?:he|she|it|that|there|"
                       "what|who)(?:ll|d|s)".format("|".join(_BEFORE_NT)))
# a contraction written with its apostrophe, in lower case ("don't", "i'll", "we're",
# "y'all"): no name, as a word in capitals after a title may be ("OFFICER I'LL BE BRIEF")
CONTRACTION = re.compile(r"y['\u2019]all|[^\W\d_]+['\u2019](?:t|ll|ve|re|m|d)")


# words of address before a name in English talk of many communities, each capitalised
# or not ("Mrs. Lee", "Ms Lee", "la señora García", "Tía Lupe", "Frau Weber", "Ông Minh");
# the abbreviations with or without a full stop; "Don" only capitalised ("don" is an
# English verb)
ADDRESS = ABBREVIATED + (
    "Miss", "Auntie", "Aunty", "Uncle", "Pastor", "Reverend", "Imam", "Sheikh", "Hajji",
    "Haji", "Señor", "Señora", "Señorita", "Doña", "Tío", "Tía", "Senhor", "Senhora", "Dona",
    "Monsieur", "Madame", "Herr", "Frau", "Signor", "Signora", "Ông", "Bà")
# no name themselves: "Señora", "Tía" or "Ông" is not masked beside the name
ADDRESS_WORDS = frozenset(unicodedata.normalize("NFC", word.lower()) for word in ADDRESS)
# the words of address and titles of office, rank or kin before a surname, in lower
# case: "Commissioner Park", "Mister Hall", "Council Member Long"
TITLE_WORDS = frozenset((*ADDRESS_WORDS,
    "mister", "missus", "commissioner", "councilmember", "councilman", "councilwoman",
    "member", "chair", "chairman", "chairwoman", "chairperson", "mayor", "senator",
    "governor", "president", "director", "officer", "detective", "sergeant", "captain",
    "lieutenant", "judge", "justice", "professor", "coach", "principal", "father",
    "mother", "brother", "sister", "bishop", "deacon", "rabbi", "elder", "assemblymember",
    "assemblyman", "assemblywoman", "representative", "secretary", "speaker", "trustee",
    "superintendent", "inspector", "nurse", "doctor", "dean", "chief", "deputy",
    "commander", "agent", "minister", "comptroller", "congressman", "congresswoman",
    "congressmember", "alderman", "alderwoman", "councilor", "councillor", "ambassador",
    "general", "colonel", "major", "admiral", "sheriff", "marshal", "warden", "trooper",
    "corporal", "attorney", "counselor", "chancellor", "provost", "supervisor", "vicar",
    "cantor", "madam", "sir", "dame", "lord", "lady", "king", "queen", "prince",
    "princess", "aunt", "cousin", "grandma", "grandpa", "grandmother", "grandfather",
    "granny", "nana", "mama", "papa", "mom", "dad"))
# titles of rank or office abbreviated, with or without a full stop, and the title each
# stands for ("Sgt. Hall", "Det Hall", "Rep. Long")
RANKS = {"ofc": "officer", "sgt": "sergeant", "det": "detective", "lt": "lieutenant",
         "capt": "captain", "cpt": "captain", "cmdr": "commander", "cpl": "corporal",
         "col": "colonel", "adm": "admiral", "insp": "inspector", "supt": "superintendent",
         "rep": "representative", "sen": "senator", "gov": "governor", "pres": "president",
         "prof": "professor", "atty": "attorney", "amb": "ambassador", "dep": "deputy"}
# calendar and compass words (and two of languages), capitalised but no name alone:
# a name only where a title stands before it ("Mister West", "Officer Friday") or, so
# found, a verb of speaking after it ("West said"; titles.py's ``after-title``)
CALENDAR_WORDS = frozenset((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "east", "west", "north", "south", "english",
    "spanish"))
# words never taken for a name alone (and plurals of race: "Latinos", "Hispanics")
NOT_NAMES = {"i", "the", "a", "an", "she", "he", "they", "we", "you", "it", "everyone",
             "everybody", "someone", "somebody", "nobody", "no", "one", "that", "this",
             "and", "but", "so", "then", "my", "our", "her", "his", "their", "yes",
             "okay", "well", "because", "when", "if", "who", "ha", "yep", "yup", "nope",
             "hmm", "mhm", "mm", "uh", "um",
             "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays",
             "sundays", *CALENDAR_WORDS, *RACE_NOUNS}


# the locales of Faker's person providers whose first names the ``name-list`` detector
# knows: English, Spanish, Portuguese, French, German, Italian, Polish, Romanian,
# Turkish, Indonesian, Vietnamese and African (Swahili, Yoruba, Igbo, Hausa, Twi, Zulu)
# names; Faker's catch-all ``en`` list (6,800 names, many of them titles and nouns) is
# left out
NAME_LOCALES = ("en_US", "en_GB", "en_IE", "en_IN", "en_KE", "en_NG", "en_PK", "es_MX",
                "es_ES", "es_CO", "es_AR", "pt_BR", "fr_FR", "de_DE", "it_IT", "pl_PL",
                "ro_RO", "tr_TR", "id_ID", "vi_VN", "sw", "yo_NG", "ig_NG", "ha_NG", "tw_GH",
                "zu_ZA")
# list entries that are titles or common nouns before a name, never a name alone
_TITLES = {"pastor", "imam", "queen", "lady", "junior", "man", "job", "jail", "nail",
           "sad", "said", "server", "sever", "wage", "raid", "loot", "harm", "harsh", "edit",
           "forum", "canal", "divan", "salami", "safari", "corona", "mad", "toy", "till",
           "peer", "sole", "kaiser", "duke", "earl"}


# a listed name of one word: of letters, an apostrophe inside too ("O'Brien", "D’Arcy")
_LISTED_NAME = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def _listed(attributes: tuple[str, ...]) -> set[str]:
    """The names (lower case, one word of letters, an apostrophe inside too: "o'brien")
    that Faker ships for :data:`NAME_LOCALES` in these ``attributes`` of its person
    providers, read offline (no faker.Faker)."""
    from importlib import import_module

    names = set()
    for locale in NAME_LOCALES:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        for attribute in attributes:
            values = getattr(provider, attribute, None)
            if isinstance(values, (dict, list, tuple)):
                names.update(n.lower().replace("\u2019", "'") for n in values
                             if isinstance(n, str) and n[:1].isupper()
                             and _LISTED_NAME.fullmatch(n))
    return names


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The first names of :func:`_listed`, less titles, stop words and the like."""
    names = _listed(("first_names", "first_names_female", "first_names_male"))
    return frozenset(names - _TITLES - NOT_NAMES - STOP_WORDS)


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """The surnames of :func:`_listed` ("baker", "miller", "levine")."""
    return frozenset(_listed(("last_names",)))


@lru_cache(maxsize=1)
def _english_words():
    """English words as spaCy's lookup data knows them: the lookup lemmatizer's
    inflected forms and their lemmas, and WordNet's index of base forms (nouns, verbs,
    adjectives, adverbs: "cautious", "affordable", "eighteen", "kenya"). A capitalised
    word among them is taken for an ordinary word, not a name, unless a trigger or the
    name list says otherwise."""
    from spacy.lookups import load_lookups

    lookups = load_lookups("en", ["lemma_lookup", "lemma_index"])
    table, index = lookups.get_table("lemma_lookup"), lookups.get_table("lemma_index")
    words = set(table.values())
    for key in index.keys():        # the table's keys are hashes: ask it with `in`
        words.update(index[key])
    return table, frozenset(words)

# a surname's prefix before its capital, as :data:`~.letters.NAME` reads one ("O'Brien",
# "D’Angelo", "McCoy", "MacDonald")
_PREFIXED = re.compile(r"(?:[^\W\d_]['\u2019]|Ma?c)[^\W\d_](?<![a-z])")
# the prefixes of given names and surnames written before a capital in one word
# ("DeShawn", "LaKeisha", "DaQuan", "JoAnn", "TaShawn", "ReShonda", "MarQuis", "DeLeon",
# "VanHorn"), as :data:`~.letters.NAME` reads them: before a capitalised rest of three
# letters or more
CAMEL_PREFIXES = ("De", "Da", "Di", "Du", "La", "Le", "Lu", "Ja", "Jo", "Ke", "Ka", "Sha",
                  "Ty", "Ta", "Ra", "Re", "Ro", "Na", "Mar", "Van", "Von", "St")
_CAMEL = re.compile(r"(?:{})([^\W\d_]{{3,}})".format("|".join(CAMEL_PREFIXES)))


def _camel_rest(word: str) -> str | None:
    """The capitalised rest of ``word`` after a prefix of :data:`CAMEL_PREFIXES`
    ("Shawn" of "DeShawn", "Baby" of "DaBaby"), or None."""
    camel = _CAMEL.fullmatch(unicodedata.normalize("NFC", word))
    rest = camel and camel[1]
    return rest if rest and rest[0].isupper() and rest[1:].islower() else None


def ordinary(word: str) -> bool:
    """True when the first word of ``word``, in lower case, is an English word (of
    :func:`_english_words`), a stop word, a calendar or compass word ("mark", "will",
    "may"), a word of address ("señora", "tía"), or a contraction written without its
    apostrophe ("im", "didnt"), so in lower case it is not taken for a name; never one
    written with a surname's prefix ("O'Brien", "McCoy": WordNet holds "o'brien"); one
    written with a prefix of :data:`CAMEL_PREFIXES` only when the rest is an everyday
    word and no first name of the lists ("DaBaby", "KaBoom", "DeLuxe"; not "DeShawn",
    "DeLeon", "DeRay", "LaGuardia")."""
    if _PREFIXED.match(word):
        return False
    rest = _camel_rest(word.split()[0])
    if rest is not None:
        # the rest a word, not a name (WordNet holds "shawn", "leon"): "DaBaby"
        return everyday(rest) and nfc_lower(rest) not in first_names()
    first = unicodedata.normalize("NFC", word.split()[0].lower())
    table, words = _english_words()
    return (first in NOT_NAMES or first in ADDRESS_WORDS or first in STOP_WORDS
            or first in words or first in table
            or _UNMARKED.fullmatch(first) is not None)


@lru_cache(maxsize=1)
def _lemmas() -> frozenset[str]:
    return frozenset(_english_words()[0].values())


@lru_cache(maxsize=1)
def _adjectives() -> frozenset[str]:
    """The adjectives of WordNet's index of base forms ("haitian", "mexican"; not
    "hadrian", a noun only)."""
    from spacy.lookups import load_lookups

    return frozenset(load_lookups("en", ["lemma_index"]).get_table("lemma_index")["adj"])


def adjective(word: str) -> bool:
    """True for an adjective of WordNet's index (:func:`_adjectives`), in any case."""
    return word.lower() in _adjectives()


def everyday(word: str) -> bool:
    """True for a word of the lookup lemmatizer ("leader", "manager", "press"): an
    everyday word, not one of the surnames WordNet's index also holds ("greenberg")."""
    lower = word.lower()
    return lower in _english_words()[0] or lower in _lemmas()


def plain_first_name(word: str) -> bool:
    """True for a lower-case word that is a first name of :func:`first_names`, not also
    an English word ("eva", "claire"; not "grace" or "mark") and not written in lower
    case more often than capitalised in general English (:func:`_usually_lower`: "meta",
    "dom", "una" are words in lower case)."""
    return word in first_names() and not ordinary(word) and word not in _usually_lower()


@lru_cache(maxsize=1)
def _usually_lower() -> frozenset[str]:
    """The first names that spacy-lookups-data's English ``lexeme_prob`` (word
    frequencies of web text) holds more often in lower case than capitalised: there the
    lower-case word is another word ("meta", "dom", "luz", "una"), not the name. Only
    names it holds in both forms: a name it holds only in lower case ("araceli",
    "amparo") is not known to be a word."""
    import gzip
    from importlib.resources import files

    path = files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as handle:
        text = handle.read()
    names = first_names()
    # one entry a line; a key opening with an escaped quote ("\"John") is another word
    logprob = {word: float(value) for word, value in
               re.findall(r'^\s*"([A-Za-z]+)":\s*(-[0-9.]+)', text, re.MULTILINE)
               if word.lower() in names}
    return frozenset(word for word, value in logprob.items() if word.islower()
                     and value > logprob.get(word.capitalize(), 0.0))


def nfc_lower(word: str) -> str:
    """``word`` in lower case and composed (NFC), its apostrophes straight, as the name
    list holds it ("josé", "o'brien" of "O’Brien")."""
    return unicodedata.normalize("NFC", word.lower()).replace("\u2019", "'")
