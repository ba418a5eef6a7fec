"""Detectors of candidate identifiers in segment text (docs/privacy.md).

Each detector returns ``(start, end, kind, detector)`` tuples with offsets into the text
it was given; :func:`find_in_segments` turns them into document offsets. Kinds: ``name``,
``phone``, ``email``, ``url``, ``handle``, ``address``, ``zip``, ``dob``, ``id``,
``term`` (a study's ``always:`` term). The check is a safety net for transcripts
already de-identified, not de-identification: it proposes candidates for a person to
decide, and errs on the side of proposing.
"""
from __future__ import annotations

import re
from bisect import bisect_right

import pandas as pd
from spacy.lang.en.stop_words import STOP_WORDS

from .identifiers import IDENTIFIER_SIGNS, Hit, identifier_hits
from .letters import LOWER, MARK, UPPER
from .letters import NAME as _NAME
from .ner import ner_hits, ner_pipeline
from .readings import (NAME_OR_WORD, RACE_WORDS, peoples_of_two, reads_as_word,
                       says_what)
from .titles import (ADDRESSED, ADDRESSED_WORD, AFTER_TITLE, TITLED, is_title,
                     spoken_hits, title_hits, titled_forms)
from .words import (CALENDAR_WORDS, CONTRACTED, NOT_NAMES, everyday, first_names,
                    last_names, nfc_lower, ordinary)

FINDING_COLUMNS = ["seg_id", "doc_id", "start", "end", "text", "kind", "detector"]
KINDS = ["name", "phone", "email", "url", "handle", "address", "zip", "dob", "id", "term"]


# a label's later words, or a name after a word of address: a name, or a surname such
# as McCoy, O'Reilly, DiBenedetto, with a part after a hyphen ("LaTonya-Marie")
_SURNAME = rf"{UPPER}{LOWER}*(?:'?{UPPER}{LOWER}+)+(?:-{UPPER}{LOWER}+)?|{_NAME}"
# names after words that introduce one: strong triggers take any capitalised word,
# weak ones only words that are not ordinary English words
# "miss" in lower case is the verb too: no word of address after its subject, a modal
# or "to" ("I miss Christmas", "you'll miss New York", "don't miss Thanksgiving")
_MISSING = re.compile(r"\b(?:i|you|we|they|he|she|it|people|ll|d|t|will|would|can|could|"
                      r"might|must|should|to|not|never|really|also|still|always|just|"
                      r"gonna|wanna|gotta)[^\S\n]+\Z", re.IGNORECASE)
_STRONG = re.compile(rf"(?:\b(?i:my name is|my name's|call me)|\b(?:I'm|I am|told)|"
                     rf"{ADDRESSED})[^\S\n]+((?:{_SURNAME})(?: (?:{_SURNAME}))?)")
_SELF = re.compile(r"I'm|I am")


def _missing(text: str, start: int) -> bool:
    """Whether a word of address at ``start`` is "miss" in lower case read as the verb
    (:data:`_MISSING`)."""
    return text.startswith("miss", start) and bool(
        _MISSING.search(text, max(0, start - 20), start))


_ARTICLE = re.compile(r"\b(?i:a|an|one|the|another|every|each|some|no)[^\S\n]+\Z")
_WEAK = re.compile(rf"\b(?:ask|asked|with|(?i:my|her|his|our|their) (?:cousin|"
                   rf"sister|brother|friend|wife|husband|son|daughter|aunt|uncle|mother|"
                   rf"father|mom|dad|neighbou?r|niece|nephew|grandmother|grandfather|"
                   rf"boyfriend|girlfriend|partner|ex|coworker|roommate)) ({_NAME})")
# a name that says something: "Lupe, she said", "Maria told us"
_SPEAKS = re.compile(rf"\b({_NAME})(?:, (?:she|he|they))? (?:said|says|told|asked|"
                     rf"explained|shared)\b")
# a name spoken to ("Thanks, Will.", "Hi June", "Okay, Mark!") or with the speaker
# ("Will and I went", "me and May")
_VOCATIVE = re.compile(rf"(?:\b(?i:hi|hey|hello|thanks|thank you|bye|goodbye|welcome|"
                       rf"morning|congratulations|congrats|sorry|okay|ok|yes|no),?[^\S\n]+|"
                       rf"(?<=[,;] ))({_NAME})(?=[^\S\n]*(?:[.!?,]|\n|\Z))")
# a capitalised word next, after a title's abbreviation's full stop or not ("Sgt. Hall")
_NAME_NEXT = re.compile(rf"\.?[^\S\n]+{UPPER}")
_WITH_ME = re.compile(rf"\b({_NAME}) and (?:I|me|myself)\b|\b(?i:me) and ({_NAME})\b")
# a capitalised word inside a sentence (after a lower-case word or a comma) that is not
# an English word: a name or a place when no NER pipeline is there to say which
_PROPER = re.compile(rf"(?:(?<={LOWER} )|(?<=[,;] ))({_NAME})(?!\w)")
# a capitalised word of any letters inside a sentence, for the name list ("Adán")
_LISTED = re.compile(rf"(?:(?<={LOWER} )|(?<=[,;] ))(?!{LOWER})([^\W\d_](?:[^\W\d_]|{MARK})+)"
                     rf"(?![\w-]|{MARK}|{CONTRACTED})")
# a capitalised word opening a sentence: a candidate only when the corpus never writes
# it in lower case either (names are not written so; "Honestly" is, somewhere)
# (``joined``: also at the start of each text of a :data:`_JOIN`-joined text)
_START = {False: "^", True: r"(?:^|(?<=\x00\n))"}
_OPENING = {joined: re.compile(rf"(?:{start}|(?<=[.?!] )|(?<=[.?!]\n))({_NAME})(?![\w:])")
            for joined, start in _START.items()}
# "Rose, she said": a name even when it is an English word (interjections left out)
_SAID = {joined: re.compile(rf"(?:{start}|(?<=[.?!] ))({_NAME}), (?:she|he) "
                           rf"(?:said|says|told)\b") for joined, start in _START.items()}
INTERJECTIONS = {"yeah", "well", "okay", "so", "and", "but", "then", "now", "no", "yes",
                 "oh", "um", "uh", "right", "honestly", "anyway", "again", "later",
                 "once", "sure", "today", "yesterday", "first", "finally"}


def _person(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` (a word a trigger, a vocative or "and I" says is a
    person's) is a listed first name, or one that is also a modal or month which does
    not read as that word here (:func:`reads_as_word`)."""
    word = nfc_lower(text[start:end])
    if word in NAME_OR_WORD:
        return not reads_as_word(text, start, end)
    return word in first_names()


def pattern_hits(text: str, lower: frozenset[str] | set[str] = frozenset()) -> list[Hit]:
    """Patterned identifiers and trigger-phrase names in ``text``; ``lower`` holds the
    words the corpus writes in lower case somewhere (sentence openings in it are not
    names)."""
    return identifier_hits(text) + _names(text, lower)


def _names(text: str, lower: frozenset[str] | set[str], joined: bool = False) -> list[Hit]:
    """Names in ``text`` (after a trigger, inside or opening a sentence, on the name
    list); each needs a capital. ``joined``: ``text`` is texts joined by :data:`_JOIN`."""
    opening, said = _OPENING[joined], _SAID[joined]
    hits = [(m.start(1), m.end(1), "name", "trigger") for m in _STRONG.finditer(text)
            if not _missing(text, m.start())
            and (m.group(1).split()[0].lower() not in NOT_NAMES
                 or _person(text, m.start(1), m.start(1) + len(m.group(1).split()[0])))
            # "I'm Black", "I am Latina", "I'm Asian American": what one is, not who
            # ("I'm Latina Ortiz" is who)
            and not (_SELF.match(m[0]) and all(map(says_what, m.group(1).split())))]
    # after a weak trigger or speaking: a word that is no English word, or a first name
    # even when it is one ("my son Will", "Rose said", "June told us"); a word of race
    # after an article is none ("a Latina said")
    for pattern in (_WEAK, _SPEAKS):
        hits += [(m.start(1), m.end(1), "name", "trigger") for m in pattern.finditer(text)
                 if (not ordinary(m.group(1)) or _person(text, m.start(1), m.end(1)))
                 and not (nfc_lower(m.group(1)) in RACE_WORDS
                          and _ARTICLE.search(text, max(0, m.start(1) - 12), m.start(1)))]
    hits += [(m.start(g), m.end(g), "name", "trigger") for pattern in (_VOCATIVE, _WITH_ME)
             for m in pattern.finditer(text) for g in range(1, pattern.groups + 1)
             if m.group(g) and _person(text, m.start(g), m.end(g))]
    hits += title_hits(text)
    # a calendar or compass word after a word of address, a name there only ("Mr. West",
    # "Ms. North"; "Mrs. May" is a trigger's, as a name that is also a month)
    hits += [(m.start(1), m.end(1), "name", AFTER_TITLE) for m in ADDRESSED_WORD.finditer(text)
             if nfc_lower(m[1]) in CALENDAR_WORDS - NAME_OR_WORD.keys()
             and not _missing(text, m.start())]
    hits += [(m.start(1), m.end(1), "name", "proper-noun") for m in _PROPER.finditer(text)
             if not ordinary(m.group(1)) and nfc_lower(m.group(1)) not in RACE_WORDS
             and not (is_title(m.group(1)) and _NAME_NEXT.match(text, m.end(1)))]
    # a listed first name inside a sentence, even when it is an English word ("with
    # Rose"); "Will" there too, but as a modal before its subject ("so, Will we")
    names = first_names()
    hits += [(m.start(1), m.end(1), "name", "name-list") for m in _LISTED.finditer(text)
             if m.group(1)[0].isupper() and (nfc_lower(m.group(1)) in names or (
                 NAME_OR_WORD.get(m.group(1).lower()) == "modal"
                 and not reads_as_word(text, m.start(1), m.end(1))))]
    openings = list(opening.finditer(text))
    hits += [(m.start(1), m.end(1), "name", "name-list") for m in openings
             if nfc_lower(m.group(1)) in names and not ordinary(m.group(1))]
    if lower:
        hits += [(m.start(1), m.end(1), "name", "proper-noun") for m in openings
                 if m.group(1).lower() not in lower and not ordinary(m.group(1))
                 and nfc_lower(m.group(1)) not in RACE_WORDS]
    hits += [(m.start(1), m.end(1), "name", "trigger") for m in said.finditer(text)
             if m.group(1).lower() not in INTERJECTIONS | NOT_NAMES
             or _person(text, m.start(1), m.end(1))]
    # no word of a people of two words ("I'm Puerto Rican", "Sri Lankan families")
    peoples = peoples_of_two(text)
    hits = [h for h in hits if not any(a <= h[0] and h[1] <= b for a, b in peoples)]
    return _with_surnames(text, hits)


# a capitalised word right after a name (one space between), and the words that follow
# a name without being its surname ("Jane Said", "Rose And", "Mark Um")
_NEXT_WORD = re.compile(rf" ({_SURNAME})(?![\w-]|{MARK}|{CONTRACTED})")
_AFTER_NAMES = frozenset(("said", "says", "told", "asked", "explained", "shared"))
# the word right before a name (one space between): its first name, when it is one
_WORD_BEFORE = re.compile(rf"(?<![\w'-])({_NAME}) \Z")


def _with_surnames(text: str, hits: list[Hit]) -> list[Hit]:
    """``hits``, and for each name of one or two words followed by surnames that no hit
    found, the whole name of up to three words too ("Jane Jacobs" beside "Jane": masked
    whole, never "[NAME] Jacobs", while "Jane" alone stays masked where no surname
    follows); so too a listed first name right before a name found alone ("Rosa
    Delgado said", where "said" finds "Delgado": never "Rosa [NAME] said"). A surname: a
    calendar or compass word (:func:`_calendar_surname`: "Kanye West"), or a capitalised
    word after one space that is no word of :data:`NOT_NAMES`, :data:`INTERJECTIONS`, :data:`_AFTER_NAMES` or the stop words,
    and no everyday word unless it is a listed surname ("Grace Baker", not "Rose Garden"
    nor "Staten Island")."""
    found = {start for start, _, kind, _ in hits if kind == "name"}
    whole = []
    for start, end, kind, detector in hits:
        if kind != "name":
            continue
        last = end
        # a name of at most three words ("Jane Jacobs Brown", "Mrs. Mary Ann Jacobs")
        for _ in range(3 - len(text[start:end].split())):
            after = _NEXT_WORD.match(text, last)
            if after is None or after.start(1) in found or not (
                    takes_surname(after[1]) or _calendar_surname(after[1])):
                break
            last = after.end(1)
        first = start
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before is not None and before.start(1) not in found \
                and len(text[start:last].split()) < 3 and takes_surname(text[start:end]) \
                and nfc_lower(before[1]) not in INTERJECTIONS | _AFTER_NAMES | STOP_WORDS \
                and _person(text, before.start(1), before.end(1)):
            first = before.start(1)
        if last > end or first < start:
            whole.append((first, last, kind, detector))
    return hits + whole


def _calendar_surname(word: str) -> bool:
    """Whether a capitalised calendar or compass ``word`` after a name is its surname
    ("Kanye West", "Ana March"): masked with it there, not alone elsewhere ("the Upper
    West Side"); "May" after a name is as often the modal ("Thanks Rose May I ask")."""
    return nfc_lower(word) in CALENDAR_WORDS and nfc_lower(word) != "may"


def takes_surname(word: str) -> bool:
    """Whether a capitalised ``word`` after a name is taken for its surname
    (:func:`_with_surnames`)."""
    word = nfc_lower(word)
    return not (word in NOT_NAMES or word in INTERJECTIONS or word in _AFTER_NAMES
                or word in STOP_WORDS) and (not everyday(word) or word in last_names())


# between texts scanned as one: no pattern matches across it, and to every pattern each
# text's start and end look as a text's own (nothing word-like, no space, a line break)
_JOIN = "\n\x00\n"
_BATCH = 200


def hits_by_text(texts: list[str], lower: frozenset[str] | set[str] = frozenset()
                 ) -> list[list[Hit]]:
    """:func:`pattern_hits` of each of ``texts`` (the same hits in the same order): the
    patterns run over the texts that can hold what they find (a digit, an @ or a web
    address; a capital, or a letter outside ASCII), :data:`_BATCH` texts at a time
    joined by :data:`_JOIN`, not a dozen scans per text. A text holding ``\\x00`` is
    scanned alone."""
    patterned: list[list[Hit]] = [[] for _ in texts]
    named: list[list[Hit]] = [[] for _ in texts]
    for i, text in enumerate(texts):
        if "\x00" in text:
            patterned[i], named[i] = identifier_hits(text), _names(text, lower)
    _joined_hits(texts, [i for i, t in enumerate(texts) if "\x00" not in t
                         and IDENTIFIER_SIGNS.search(t)], identifier_hits, patterned)
    _joined_hits(texts, [i for i, t in enumerate(texts) if "\x00" not in t
                         and (t != t.lower() or not t.isascii())],
                 lambda text: _names(text, lower, joined=True), named)
    return [a + b for a, b in zip(patterned, named)]


def _joined_hits(texts: list[str], which: list[int], find, found: list[list[Hit]]) -> None:
    """``find`` over the texts ``which`` of ``texts`` joined, :data:`_BATCH` at a time;
    each hit added to ``found`` at its text, with offsets into it."""
    for first in range(0, len(which), _BATCH):
        batch = which[first:first + _BATCH]
        starts, at = [], 0
        for i in batch:
            starts.append(at)
            at += len(texts[i]) + len(_JOIN)
        for start, end, kind, detector in find(_JOIN.join(texts[i] for i in batch)):
            k = bisect_right(starts, start) - 1
            found[batch[k]].append((start - starts[k], end - starts[k], kind, detector))


_CANDIDATE = re.compile(r"[0-9@]|www\.|https?:")
def term_pattern(terms: list[str]) -> re.Pattern | None:
    """One case-insensitive, word-bounded pattern matching any of ``terms``."""
    terms = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)",
                      re.IGNORECASE)


def find_in_segments(segments: pd.DataFrame, *, model: str = "blank",
                     always: list[str] = (), never: list[str] = (),
                     documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Candidate identifiers in every segment, as a table of :data:`FINDING_COLUMNS`
    with document offsets (a segment's ``start`` plus the offset in its text). The same
    span found by several detectors is one row whose ``detector`` names them all
    (``ner+trigger``); a span overlapping a ``never`` term is left out. With
    ``documents`` (their ``text``), speaker labels that look like names are found too.
    """
    from .known import family_hits, family_names, known_hits, known_pattern, name_words
    from .labels import role_labels, speaker_findings

    texts = segments["text"].tolist()
    nlp = ner_pipeline(model)
    ner = ner_hits(nlp.pipe(texts, batch_size=64)) if nlp is not None else [[]] * len(texts)
    always_re, never_re = term_pattern(list(always)), term_pattern(list(never))
    # words written in lower case somewhere, outside emails, URLs and handles
    lower = set(re.findall(r"(?<![\w.@/])[a-z][a-z'-]*\b(?![.@/]\w)", "\n".join(texts)))
    # every pattern needs a capital, a digit, an @ or a web address: skip text without
    # (a capital in any script: "Óscar", "Łukasz")
    candidates = [i for i, text in enumerate(texts)
                  if text != text.lower() or _CANDIDATE.search(text)]
    patterned: list[list[Hit]] = [[]] * len(texts)
    for i, found in zip(candidates, hits_by_text([texts[i] for i in candidates], lower)):
        patterned[i] = found
    roles = term_pattern(list(role_labels(segments)))
    found_hits = []
    for text, found, entities in zip(texts, patterned, ner):
        hits = [] if always_re is None else [(m.start(), m.end(), "term", "privacy.yaml")
                                             for m in always_re.finditer(text)]
        hits += found + entities
        if never_re is not None:
            hits = [h for h in hits if h[3] == "privacy.yaml" or not _spared(h, text, never_re)]
        if roles is not None:     # a role label named in the talk: "I'm Faith Leader"
            hits = [h for h in hits if h[3] == "privacy.yaml" or not _spared(h, text, roles)]
        found_hits.append(hits)
    speakers = [] if documents is None or "speaker" not in segments else [
        row for row in speaker_findings(segments, documents)
        if never_re is None or not never_re.search(row[4])]
    # the words of the names found so far, found alone too, and their families: "the
    # Browns" (known.py)
    names = [text[s:e] for text, hits in zip(texts, found_hits) for s, e, kind, _ in hits
             if kind == "name"]
    # (a word after a title in capitals, "JONES" of "MR. JONES", as written and
    # capitalised: "Jones said")
    surnames = frozenset(
        form for text, hits in zip(texts, found_hits) for s, e, _, detector in hits
        if detector == TITLED and " " not in text[s:e]
        for form in titled_forms(text[s:e]))
    words = name_words(names, [row[4] for row in speakers]) | surnames
    pattern = known_pattern(words)
    families = family_names(words | {name for name in names if " " not in name})
    # a calendar or compass word found after a title, found again before a verb of
    # speaking ("Mister West ... Later West said no"; titles.py)
    titled = {text[s:e] for text, hits in zip(texts, found_hits) for s, e, _, detector in hits
              if detector == AFTER_TITLE}
    rows = []
    for seg_id, doc_id, offset, text, hits in zip(
            *(segments[c].tolist() for c in ("seg_id", "doc_id", "start")), texts, found_hits):
        if pattern is not None:
            # with the first name before a surname found so ("Nina Chen")
            hits = hits + _with_surnames(text, _unclaimed(
                known_hits(text, pattern, surnames), hits, text, never_re))
        hits = hits + _unclaimed(spoken_hits(text, titled), hits, text, never_re)
        if families:
            # not where another detector found a name: "the Adams administration"
            hits = hits + _unclaimed(family_hits(text, families), hits, text, never_re)
        merged: dict[tuple[int, int], tuple[str, list[str]]] = {}
        for start, end, kind, detector in hits:
            kind0, detectors = merged.setdefault((start, end), (kind, []))
            if detector not in detectors:
                detectors.append(detector)
        for (start, end), (kind, detectors) in sorted(merged.items()):
            rows.append((seg_id, doc_id, int(offset) + start, int(offset) + end,
                         text[start:end], kind, "+".join(sorted(detectors))))
    return pd.DataFrame(rows + speakers, columns=FINDING_COLUMNS)


def _unclaimed(found: list[Hit], hits: list[Hit], text: str,
               never: re.Pattern | None) -> list[Hit]:
    """The hits of ``found`` that overlap none of ``hits`` nor stand in a ``never`` term
    (:func:`_spared`)."""
    return [h for h in found if not any(h[0] < e and s < h[1] for s, e, _, _ in hits)
            and (never is None or not _spared(h, text, never))]


def _spared(hit: Hit, text: str, never: re.Pattern) -> bool:
    """Whether ``hit`` overlaps a ``never:`` term in ``text``."""
    return any(hit[0] < m.end() and m.start() < hit[1] for m in never.finditer(text))
