"""Talk that is not a theme, and words that never make a theme's label.

*Procedural* talk runs the conversation rather than carrying a theme: greetings,
passing the turn, "thank you, Chair", "can you hear me", short agreement. A segment is
procedural when, once the words of :data:`PROCEDURE_WORDS` and :data:`FILLER_WORDS` are
left out of its terms, fewer than :data:`MIN_CONTENT` distinct content lemmas remain
("Okay. I think all my other points have been answered, Chair." has none). Clustering
leaves such segments out (and counts them); labels and quotes never come from them.

*Names* never make a label: the words of the study's speaker labels that are names
(not a role's everyday words: "Marketing", "Community Member"; a word of the name
lists is a name: "Johnson", "Judge", and so is every word of a label the privacy gate
reads as a name: "Chin" of "Margaret Chin"), and words the
documents write capitalised in the middle of a sentence most of the time (people's
and places' names as transcribed). Nor do *marks*: words written inside a short
parenthesis most of the time, as transcribers note what is not speech ("(coughs)",
"(applause)", "(clears throat)"); square brackets and short curly braces
(``[inaudible]``, ``{vocalsound}``: :func:`dialogcode.features.mark_end`) are never
read for terms. Nor do *sounds*: words without a vowel or of one letter repeated that
the documents do not write in capitals ("mmm", "nnn", "th" of a cut-off "th- the";
"XML" and "AA" are acronyms; in captions without capitals, general English tells),
cut-off words no dictionary knows that the speaker restarts ("tha- that", "becau
because"), a letter drawn out ("sooo"), informal spellings of stop words, numbers
that count ("seven", "seven months"; not "zero tolerance", nor "Section 8"), and a
word said twice ("resident resident"): :func:`non_theme`, :func:`theme_terms` and
:func:`sound_words`. Nor do *lone numbers*: a term with digits that fewer than
:data:`NUMBER_VOICES` speakers say, or one conversation only (a flat "4B", a username
"maria88"): :func:`lone_numbers`.

*Common English* words lead a label only when no more specific term scores near them:
:func:`specificity` weighs a term by how rare its words are in general English, from
the word probabilities that spacy-lookups-data ships (``lexeme_prob``), whatever the
corpus.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd
from spacy.lang.en.lex_attrs import _ordinal_words, like_num
from spacy.lang.en.stop_words import STOP_WORDS

from .features import SegmentTerms

RARE_LOGPROB = -12.0     # words this rare in general English (1 in 160,000) or rarer are
                         # fully specific; commoner ones weigh (log p / this) squared
MIN_CONTENT = 2          # distinct content lemmas a segment needs to carry a theme
NAME_SHARE = 0.5         # capitalised mid-sentence at least this often -> a name (in a short
                         # parenthesis -> a transcription mark)

# words of running a meeting: greeting, thanking, turn passing, agreeing, the call itself
PROCEDURE_WORDS = frozenset("""
chair chairman chairwoman chairperson chairs madam mister mr mrs ms sir colleague member
everybody everyone folk guy thank thanks appreciate welcome hello hi morning afternoon
evening goodbye bye cheer congratulation sorry pardon excuse apology apologise apologize
agree disagree absolutely exactly definitely correct fine yes no yeah nope okay alright ok
hear mute unmute microphone mic screen share slide minute second moment question point
answer comment ahead turn floor item agenda meeting today tonight time start begin
finish close open continue end recognize recognise proceed floor hand raise wait
""".split())
# words that say nothing about the topic in any conversation
FILLER_WORDS = frozenset("""
yes yeah yep sorry please pretty anyway kinda sorta stuff thing something anything
honestly seriously totally literally basically really actually
everything nothing someone somebody anybody bit lot gonna wanna gotta uh um hmm mm
okay alright ok oh ah eh ha haha huh wow cool nice great good fine sure right probably maybe
gon wan na ta laughs laughter crosstalk inaudible
kay nah yup ooh oops whoa aha duh blah
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_LABEL_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*")    # P1 of a speaker label too
_MID_CAPITAL = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")   # McCarthy too
_ENTRY = re.compile(r'"([a-z][a-z\'-]*)":\s*(-[0-9.]+)')   # a lower-case word's log prob
_MARK = re.compile(r"\(\s*([A-Za-z]+(?:[ '-][A-Za-z]+){0,2})\s*\)")   # up to 3 words
_CASED_ENTRY = re.compile(r'^\s*"([A-Z]{2,}|[a-z]{2,})":\s*(-[0-9.]+)', re.MULTILINE)
_CAPITALS = re.compile(r"\b[A-Z]{2,}s?\b")    # TV, TVs
_VOWEL = re.compile(r"[aeiouy]")
_DRAWN_OUT = re.compile(r"([^\W\d])\1\1")     # a letter, not a digit: "1000x" is no sound
_BRACKETED = re.compile(r"\[[^\]]*\]|\{[^}]*\}")   # [inaudible], {disfmarker}: not words
_LETTERS = re.compile(r"[a-z][a-z']*")
RESTART_SHARE = 0.25     # a word no dictionary knows, restarted at least this often -> cut off
NUMBER_VOICES = 3        # speakers who must say a term with digits (in 2 documents if there
                         # are several): one person's flat or username ("4B", "maria88") is not
_NAMING = frozenset(_ordinal_words) | {"zero"}   # number words that name, not count


def non_theme(word: str) -> bool:
    """True for a word (lower-case lemma or surface form) that carries no theme in any
    talk: a procedural or filler word, an informal spelling of a stop word (spaCy's
    norm table: *cuz*, *cos* -> because), or a letter drawn out (*sooo*, *hmmm*, a
    "BEEEEEEP" in capitals too; a word of one letter repeated is :func:`sound_words`'s)."""
    return (word in PROCEDURE_WORDS or word in FILLER_WORDS or word in _informal_stop_words()
            or (_DRAWN_OUT.search(word) is not None and len(set(word)) > 1))


def theme_terms(terms: SegmentTerms, banned: set[str] = frozenset()) -> SegmentTerms:
    """``terms`` without the words of :func:`non_theme`, nor ``banned`` terms or words,
    nor the bigrams holding any of them, whether as lemmas or as the form a label shows
    (the lemma ``meet`` shown as *meeting*, ``bite`` as *bit*), nor a bigram of one word
    said twice, nor a term of number words only (spaCy's ``like_num``: *seven*, *fifth*)
    or holding one that counts (*seven months*, *million dollars*); an ordinal or *zero*
    beside another word names a thing (*second chance*, *fifth grade*, *zero
    tolerance*), and so do digits written as digits after a capitalised word (*section
    8* of "Section 8", the only digits :func:`~dialogcode.features.segment_terms` puts
    beside a word; an ordinal the lemmatizer reads as digits, *fifth* -> 5, still
    counts)."""
    decided: dict[str, bool] = {}

    def keep(term: str) -> bool:
        if term not in decided:
            lemmas, shown = term.split(), terms.display(term).split()
            decided[term] = (term not in banned and len(set(lemmas)) == len(lemmas)
                             and not all(like_num(w) for w in lemmas)
                             and not any(like_num(w) and w not in _NAMING
                                         and not (w.isdigit() and s.isdigit())
                                         for w, s in zip(lemmas, shown))
                             and not any(non_theme(w) or w in banned
                                         for w in lemmas + shown))
        return decided[term]

    kept = {seg_id: [t for t in found if keep(t)] for seg_id, found in terms.terms.items()}
    return SegmentTerms(kept, terms.surfaces, terms.vectors)


def lone_numbers(segments: pd.DataFrame, terms: SegmentTerms) -> set[str]:
    """The terms holding a digit (:func:`~dialogcode.features.named_number`: *covid-19*,
    *485x*; *section 8*) that fewer than :data:`NUMBER_VOICES` speakers say, a speaker
    being a speaker label of one document (the document when it has none): a number
    that names a thing people talk about is said by several (the NYC hearing's *485x*
    by 8), while a flat (*4B*, *apt 4b*), a username (*maria88*), a case number
    (*AB123*) or a postcode (*E1 6AN*) is one person's, which the privacy scan does not
    find. In a study of several documents such a term must also be said in two of them
    at least: one conversation's case number, however many speak of it, is no theme."""
    numbers = {term for term in terms.surfaces if any(c.isdigit() for c in term)}
    if not numbers:
        return set()
    speakers = segments["speaker"].astype("string").str.strip().fillna("").tolist()
    voices = dict(zip(segments["seg_id"], zip(segments["doc_id"], speakers)))
    said = {term: set() for term in numbers}
    for seg_id, voice in voices.items():
        for term in numbers.intersection(terms.terms.get(seg_id, ())):
            said[term].add(voice)
    documents = 2 if segments["doc_id"].nunique() > 1 else 1
    return {term for term, who in said.items() if len(who) < NUMBER_VOICES
            or len({doc for doc, _ in who}) < documents}


def procedural(segments: pd.DataFrame, terms: SegmentTerms) -> pd.Series:
    """True (indexed like ``segments``) for segments with fewer than
    :data:`MIN_CONTENT` distinct content lemmas once procedural and filler words are
    left out (``terms`` as given by :func:`theme_terms`)."""
    def content(seg_id: str) -> int:
        return len({t for t in terms.terms.get(seg_id, ()) if " " not in t})

    return segments["seg_id"].map(content) < MIN_CONTENT


def name_words(segments: pd.DataFrame, terms: SegmentTerms) -> set[str]:
    """Lower-cased words that are names: words of the speaker labels other than a
    role's everyday words (not "User Interface", "Marketing", "Community Member"; but
    "Claire", "Grace" and "Johnson", a first name or a surname of the name lists being a
    name even when a dictionary knows it: :func:`~dialogcode.privacy.words.first_names`,
    :func:`~dialogcode.privacy.words.last_names`, so a role that is also a surname,
    "Judge", stays a name), every word of the name the privacy gate reads in a label
    (:func:`~dialogcode.privacy.labels.name_in_any_case`: "Chin" of "Margaret Chin"
    and of "Council Member Margaret Chin", "Press" of "Robert Press", surnames that are
    everyday words on no list; "P1", a participant's code, is no word either), first
    names that are not also English words
    (:func:`~dialogcode.privacy.words.plain_first_name`, however a transcript writes
    them: "eva"), and the terms written capitalised after a lower-case word or a comma
    (mid-sentence) in at least :data:`NAME_SHARE` of all their occurrences (and at
    least twice)."""
    from .privacy.labels import name_in_any_case
    from .privacy.words import everyday, first_names, last_names, plain_first_name

    names = set()
    for label in segments["speaker"].dropna().astype(str).str.strip().unique():
        named = set(_LABEL_WORD.findall(name_in_any_case(label) or ""))
        names.update(w.lower() for w in _LABEL_WORD.findall(label)
                     if len(w) > 1 and (w in named or not everyday(w)
                                        or w.lower() in first_names()
                                        or w.lower() in last_names()))
    upper = Counter(w.lower() for w in _MID_CAPITAL.findall("\n".join(segments["text"])))
    for term, forms in terms.surfaces.items():
        if " " in term:
            continue
        if plain_first_name(term):
            names.add(term)
            names.update(forms)
            continue
        count = sum(upper[form] for form in forms)
        if count >= 2 and count >= NAME_SHARE * sum(forms.values()):
            names.add(term)
            names.update(forms)
    return names


def mark_words(segments: pd.DataFrame, terms: SegmentTerms) -> set[str]:
    """Lower-cased words that are transcription marks: terms written inside a
    parenthesis of at most three words ("(coughs)", "(clears throat)") in at least
    :data:`NAME_SHARE` of their occurrences."""
    inside = Counter(w.lower() for mark in _MARK.findall("\n".join(segments["text"]))
                     for w in _WORD.findall(mark))
    marks = set()
    for term, forms in terms.surfaces.items():
        if " " in term:
            continue
        count = sum(inside[form] for form in forms)
        if count and count >= NAME_SHARE * sum(forms.values()):
            marks.add(term)
            marks.update(forms)
    return marks


def sound_words(segments: pd.DataFrame, terms: SegmentTerms) -> set[str]:
    """Lower-cased words that are sounds or cut-off words, not terms: words without a
    vowel (a, e, i, o, u, y) or of one letter repeated, written in capitals (an acronym:
    *XML*, *TV* or *TVs*, *NSF*, *AA*) in fewer than :data:`NAME_SHARE` of their
    occurrences: *mmm*, *nnn*, *hmm*, *sh*, *th* of "th the", *aa*. When the documents
    write no word in capitals at all (captions in small letters), general English
    decides instead (:func:`_acronyms`: *ptsd*, *tv* are acronyms, *th*, *mmm* not).
    And cut-off words with a vowel: words of no dictionary (not
    :func:`~dialogcode.privacy.words.everyday`) that the speaker restarts, the next
    word beginning with them, in at least :data:`RESTART_SHARE` of their occurrences
    (:func:`_restarts`: *tha* of "tha- that", *wha*, *becau*); a real word said again
    longer ("the plan planning") is a dictionary's word and stays."""
    from .privacy.words import everyday

    texts = segments["text"].tolist()
    capitals = Counter(w.lower() for w in _CAPITALS.findall("\n".join(texts)))
    acronyms = frozenset() if capitals else _acronyms()
    seen, restarted = _restarts(texts)
    sounds = set()
    for term, forms in terms.surfaces.items():
        if " " in term:
            continue
        restarts = sum(restarted[form] for form in forms)
        if (restarts and restarts >= RESTART_SHARE * sum(seen[form] for form in forms)
                and not any(everyday(w) for w in [term, *forms])):
            sounds.add(term)
            sounds.update(forms)
            continue
        if any(c.isdigit() for c in term) or not (
                all(_VOWEL.search(w) is None for w in [term, *forms])
                or len(set(term)) == 1 or len(set(terms.display(term))) == 1):
            continue
        if (term not in acronyms
                and sum(capitals[form] for form in forms) < NAME_SHARE * sum(forms.values())):
            sounds.add(term)
            sounds.update(forms)
    return sounds


def _restarts(texts: list[str]) -> tuple[Counter, Counter]:
    """(occurrences, restarts) of every lower-cased word of ``texts``: a restart is an
    occurrence whose next word (past hyphens, dashes and marks in brackets) is longer
    and begins with it: "tha - that", "becau {disfmarker} because"."""
    seen, restarted = Counter(), Counter()
    for text in texts:
        words = _LETTERS.findall(_BRACKETED.sub(" ", text.lower()))
        for word, after in zip(words, words[1:] + [""]):
            seen[word] += 1
            if len(after) > len(word) and after.startswith(word):
                restarted[word] += 1
    return seen, restarted


def hyphenated(term: str, texts: list[str]) -> str:
    """``term`` as the texts write it when most of its occurrences are part of a
    hyphenated word ("term care" in "long-term care" -> ``long-term care``)."""
    pattern = re.compile(r"(?<![\w-])((?:[A-Za-z]+-)*)" + r"\s+".join(map(re.escape,
                                                                          term.split()))
                         + r"((?:-[A-Za-z]+)*)(?![\w-])", re.IGNORECASE)
    forms = Counter()
    for text in texts:
        for match in pattern.finditer(text):
            forms[match.group(0).lower()] += 1
    if not forms:
        return term
    best, count = forms.most_common(1)[0]
    return best if "-" in best and count * 2 > sum(forms.values()) else term


@lru_cache(maxsize=1)
def _acronyms() -> frozenset[str]:
    """Lower-case words without a vowel or of one letter repeated that spacy-lookups-data's
    English ``lexeme_prob`` (web text) holds in capitals at least twice as often as in
    small letters: *ptsd*, *tv*, *hpd*, *aa*; not *th*, *mmm*, *hmm*, *sh*, *mm*."""
    from importlib.resources import files

    path = files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as handle:
        text = handle.read()
    logprob = {word: float(value) for word, value in _CASED_ENTRY.findall(text)
               if _VOWEL.search(word.lower()) is None or len(set(word.lower())) == 1}
    return frozenset(word.lower() for word, value in logprob.items() if word.isupper()
                     and value - logprob.get(word.lower(), -np.inf) >= np.log(2))


@lru_cache(maxsize=1)
def _informal_stop_words() -> frozenset[str]:
    """Lower-case spellings that spacy-lookups-data's English ``lexeme_norm`` table
    normalises to stop words (*cuz*, *cos* -> because; *plz* -> please)."""
    from importlib.resources import files

    path = files("spacy_lookups_data") / "data" / "en_lexeme_norm.json.gz"
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as handle:
        norms = json.load(handle)
    return frozenset(word.lower() for word, norm in norms.items()
                     if all(w in STOP_WORDS for w in norm.lower().split()))


@lru_cache(maxsize=1)
def _english_logprob() -> dict[str, float]:
    """spacy-lookups-data's English ``lexeme_prob`` (natural log of a word's probability),
    only the words commoner than :data:`RARE_LOGPROB` (the rest weigh 1 anyway)."""
    from importlib.resources import files

    path = files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as handle:
        text = handle.read()    # read as text: a json.load of its million words takes 200 MiB
    return {word: float(logprob) for word, logprob in _ENTRY.findall(text)
            if float(logprob) > RARE_LOGPROB}


def specificity(terms: list[str]) -> np.ndarray:
    """Per term, a weight in (0, 1] for how specific it is in general English: the mean
    log probability of its words (spacy-lookups-data's ``lexeme_prob``; a word missing
    from the table is rare) over :data:`RARE_LOGPROB`, squared and at most 1. *real*
    weighs 0.44, *people* 0.26, *committee* 1."""
    table = _english_logprob()
    logprob = np.array([np.mean([min(table.get(w, RARE_LOGPROB), 0.0) for w in t.split()])
                        for t in terms], dtype=float)
    return np.minimum(logprob / RARE_LOGPROB, 1.0) ** 2
