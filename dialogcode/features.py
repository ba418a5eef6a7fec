"""Segment features for clustering and suggestions: content lemmas, TF-IDF, a dense
embedding, and class-based TF-IDF terms that label a group of segments.

A segment's *terms* are the lemmas of its content words, lower-cased, leaving out stop
words, numbers (but not a word of letters and digits that names a thing, "covid-19",
"485x": :func:`named_number`), punctuation, transcription marks in brackets (see
:func:`mark_end`: placeholders such as ``[NAME]``, marks such as ``{vocalsound}``), the
fillers of :data:`FILLERS` and the talk words of :data:`DIALOGUE_WORDS`; plus the
bigrams of two such lemmas that stand next to each other in the text, and a number
written after a capitalised word mid-sentence with that word ("Section 8" ->
``section 8``, never the number alone), so every term can be matched back with a lemma
``PhraseMatcher``. Tokens come from the coding cache
(:class:`~dialogcode.coding.DocCache`) when it holds the documents.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from spacy.attrs import LEMMA, LOWER
from spacy.lang.en.stop_words import STOP_WORDS

from .coding import DocCache, segment_docs
from .errors import ConfigError, DialogcodeError
from .nlp import load_pipeline
from .progress import progress_bar

# disfluencies and conversational fillers, matched on lower-cased words
FILLERS = ("um", "uh", "er", "ah", "oh", "hmm", "mm", "mhm", "huh", "yeah", "yep", "yup",
           "okay", "ok", "like", "gonna", "wanna", "gotta", "really", "just", "actually",
           "basically", "literally", "stuff", "thing", "you know", "kind of", "sort of",
           "i mean", "i think", "i guess", "a lot", "a bit")
# words of any conversation, whatever its topic
DIALOGUE_WORDS = ("know", "think", "want", "come", "talk", "tell", "let", "ask", "thank",
                  "hear", "right", "maybe", "lot", "sure", "guess", "mean", "good", "great",
                  "little", "need", "way")
DIMENSIONS = 100        # TruncatedSVD components (fewer for small data)
# what transcribers write inside these is never read for terms: [inaudible], [NAME],
# {vocalsound}, {disfmarker} (the AMI and ICSI meeting corpora)
MARK_CLOSERS = {"[": "]", "{": "}"}
CURLY_MARK_WORDS = 3    # a longer text in curly braces is read: a quote, not a mark
# a word of letters and digits names a thing (covid-19, 485x, r6, 32bj) unless a part of
# it counts, dates or times: an ordinal (2nd), a decade or plural (1960s, mid-90s), a time
# (10pm, 3pm-5pm, 12noon), a multiple (3x), thousands (100k), an age, a duration or a
# measure (18yo, 25yrs, 3hrs, 10mins, 6mo, 2wks, 5lbs, 6ft, 10km); a decimal counts too
# (9.30am, 1.5x, 2.5k)
_LETTERS_AND_DIGITS = re.compile(r"(?=.*[a-z])(?=.*\d)[a-z\d]+(?:[-/.][a-z\d]+)*")
_COUNTING = re.compile(r"\d+(?:st|nd|rd|th|s|am|pm|noon|k|m|yo|yrs?|hrs?|mins?|secs?|mos?"
                       r"|wks?|days?|lbs?|oz|ft|in|km|kg|mg|ml|cm|mm|mph|ish)|\d{1,2}x")
_PARTS = re.compile(r"[-/.]")
_DECIMAL = re.compile(r"\d\.\d")
NAMING_DIGITS = 3   # more digits than this are an identifier's (a case number, a plate,
                    # "AB12345"), which the privacy scan does not find, or a year
_SENTENCE_END = frozenset(".?!:;")
# a number after these is a date ("August 2019", "June 26"), not a thing's name
_DATE_WORDS = frozenset("""january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday
thursday friday saturday sunday mon tue tues wed weds thu thur thurs fri sat sun""".split())


@dataclass
class SegmentTerms:
    """Terms of every segment, and the surface forms seen for each term."""

    terms: dict[str, list[str]]
    surfaces: dict[str, Counter] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)   # spacy-vectors only

    def display(self, term: str) -> str:
        """The most frequent way ``term`` was written (``heal`` -> ``healing``)."""
        forms = self.surfaces.get(term)
        return min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0] if forms else term


class _TermReader:
    """Turns spaCy docs into term lists, deciding each distinct word once."""

    def __init__(self, nlp):
        self.strings = nlp.vocab.strings
        self._kept: dict[tuple[int, int], str | None] = {}
        phrases = [f.split() for f in FILLERS if " " in f]
        self.phrases = {words[0]: [p for p in phrases if p[0] == words[0]] for words in phrases}
        self.single = {f for f in FILLERS if " " not in f} | set(DIALOGUE_WORDS)

    def _lemma(self, lower: int, lemma: int) -> str | None:
        key = (lower, lemma)
        if key not in self._kept:
            text, base = self.strings[lower], self.strings[lemma].lower()
            good = ((text.isalpha() or named_number(text)) and len(base) > 1
                    and text not in STOP_WORDS and base not in STOP_WORDS
                    and text not in self.single and base not in self.single)
            self._kept[key] = base if good else None
        return self._kept[key]

    def read(self, doc, surfaces: dict[str, Counter]) -> tuple[list[str], list[int]]:
        """(terms, positions of the kept unigrams) of one doc."""
        arrays = doc.to_array([LOWER, LEMMA])
        lowers = [self.strings[h] for h in arrays[:, 0].tolist()]
        unigrams: list[tuple[int, str]] = []
        skip, inside = 0, -1
        for i, (lower, (lower_hash, lemma_hash)) in enumerate(zip(lowers, arrays.tolist())):
            if skip:
                skip -= 1
                continue
            if i <= inside:
                continue
            if lower in MARK_CLOSERS:
                inside = mark_end(lowers, i)
                continue
            phrase = next((p for p in self.phrases.get(lower, ())
                           if lowers[i:i + len(p)] == p), None)
            if phrase:
                skip = len(phrase) - 1
                continue
            lemma = self._lemma(lower_hash, lemma_hash)
            if lemma:
                unigrams.append((i, lemma))
                surfaces[lemma][lower] += 1
        terms = [lemma for _, lemma in unigrams]
        kept = dict(unigrams)
        for (i, a), (j, b) in zip(unigrams, unigrams[1:]):
            if j == i + 1:
                bigram = f"{a} {b}"
                terms.append(bigram)
                surfaces[bigram][f"{lowers[i]} {lowers[j]}"] += 1
        for i, lower in enumerate(lowers):
            if (lower.isdigit() and len(lower) <= NAMING_DIGITS and i - 1 in kept
                    and _titled(doc, i - 1)):
                bigram = f"{kept[i - 1]} {lower}"
                terms.append(bigram)
                surfaces[bigram][f"{lowers[i - 1]} {lower}"] += 1
        return terms, [i for i, _ in unigrams]


def named_number(word: str) -> bool:
    """True for a lower-case word of letters and digits that names a thing ("covid-19",
    "485x", "r6", "32bj"), not one that counts, dates or times ("2nd", "1960s", "10pm",
    "3x", "100k", nor with such a part or a decimal: "mid-90s", "3pm-5pm", "18yo",
    "10mins", "9.30am"), nor one of more than :data:`NAMING_DIGITS` digits ("ab12345")."""
    return (_LETTERS_AND_DIGITS.fullmatch(word) is not None
            and not any(_COUNTING.fullmatch(part) for part in _PARTS.split(word))
            and _DECIMAL.search(word) is None
            and sum(c.isdigit() for c in word) <= NAMING_DIGITS)


def _titled(doc, i: int) -> bool:
    """True when ``doc[i]`` is written with a capital in the middle of a sentence, as a
    word titling the number after it ("Section 8", "District 13", "Board 11"; not a
    month or a day of a date, "August 2019")."""
    return (doc[i].text[:1].isupper() and doc[i].lower_ not in _DATE_WORDS and i > 0
            and doc[i - 1].text not in _SENTENCE_END and "\n" not in doc[i - 1].text)


def mark_end(lowers: list[str], i: int) -> int:
    """Where the transcription mark opened by the bracket at ``lowers[i]`` ends (the
    index of its closing bracket): a square bracket closed later in the segment, or a
    curly brace closed after at most :data:`CURLY_MARK_WORDS` tokens; -1 when the
    bracket opens no mark, so an unclosed one does not hide the rest of the segment."""
    closer = MARK_CLOSERS[lowers[i]]
    try:
        end = lowers.index(closer, i + 1)
    except ValueError:
        return -1
    return end if closer == "]" or end - i - 1 <= CURLY_MARK_WORDS else -1


def code_terms(code, nlp) -> set[str]:
    """A code's terms (and proximity terms) lower-cased, as written and as lemmas,
    to compare with segment terms."""
    texts = [t for t, _ in code.terms] + [t for rule in code.near for t in rule.a + rule.b]
    known = {t.lower() for t in texts}
    known |= {" ".join(token.lemma_.lower() for token in doc) for doc in nlp.pipe(texts)}
    return known


def has_vectors(nlp) -> bool:
    return nlp.vocab.vectors.shape[0] > 0 and nlp.vocab.vectors.shape[1] > 0


def segment_terms(segments: pd.DataFrame, documents: pd.DataFrame, *, model: str = "blank",
                  cache_dir=None, vectors: bool = False, progress: bool = False
                  ) -> SegmentTerms:
    """The terms of every segment (tokenised through the coding cache), and with
    ``vectors`` the mean word vector of its content words. Raises ConfigError when
    ``vectors`` is asked of a pipeline that has none."""
    nlp = load_pipeline(model)
    if vectors and not has_vectors(nlp):
        raise ConfigError(f"spaCy pipeline {model!r} has no word vectors; name an installed "
                          "pipeline with vectors (e.g. en_core_web_md) with --model, or use "
                          "--backend tfidf")
    reader, surfaces = _TermReader(nlp), defaultdict(Counter)
    result = SegmentTerms({}, surfaces)
    batches = segment_docs(segments, documents, nlp, DocCache(cache_dir, model))
    for group, docs in progress_bar(batches, desc="terms", enabled=progress, unit="doc",
                                    total=segments["doc_id"].nunique()):
        for seg_id, doc in zip(group["seg_id"], docs):
            terms, positions = reader.read(doc, surfaces)
            result.terms[seg_id] = terms
            if vectors:
                rows = [doc[i].vector for i in positions if doc[i].has_vector]
                if rows:
                    result.vectors[seg_id] = np.mean(rows, axis=0)
    return result


@dataclass
class Features:
    """Features of a set of segments (rows in ``seg_ids`` order).

    ``counts``: term counts (sparse); ``tfidf``: sublinear TF-IDF, rows L2-normalised;
    ``vectors``: dense float32 rows, L2-normalised (SVD of the TF-IDF, or word vectors).
    """

    seg_ids: np.ndarray
    vocabulary: np.ndarray
    counts: sparse.csr_matrix
    tfidf: sparse.csr_matrix
    vectors: np.ndarray | None = None


def _identity(terms):
    return terms


def term_features(terms: SegmentTerms, seg_ids) -> Features:
    """Counts and TF-IDF of ``seg_ids`` (terms in fewer than 2 segments, or in more than
    half of them, are left out once there are 20 segments or more). Segments left
    without any term are dropped. Raises DialogcodeError when no term is left."""
    seg_ids = np.asarray(list(seg_ids), dtype=object)
    big = len(seg_ids) >= 20
    vectorizer = CountVectorizer(analyzer=_identity, min_df=2 if big else 1,
                                 max_df=0.5 if big else 1.0, dtype=np.float32)
    try:
        counts = vectorizer.fit_transform([terms.terms[s] for s in seg_ids]).tocsr()
    except ValueError:
        raise DialogcodeError(f"no content words left in the {len(seg_ids)} segments once "
                              "stop words and fillers are removed") from None
    keep = np.flatnonzero(counts.getnnz(axis=1) > 0)
    counts = counts[keep]
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    return Features(seg_ids[keep], vectorizer.get_feature_names_out(), counts,
                    tfidf.astype(np.float32))


def embed(features: Features, *, seed: int = 0, backend: str = "tfidf",
          terms: SegmentTerms | None = None) -> Features:
    """``features`` with dense ``vectors``: TruncatedSVD of the TF-IDF (at most
    :data:`DIMENSIONS` components), or the segments' mean word vectors
    (``backend="spacy-vectors"``; segments without any vector are dropped)."""
    if backend == "spacy-vectors":
        keep = np.array([s in terms.vectors for s in features.seg_ids], dtype=bool)
        subset = _rows(features, np.flatnonzero(keep))
        matrix = np.vstack([terms.vectors[s] for s in subset.seg_ids]) if keep.any() \
            else np.zeros((0, 1))
        subset.vectors = normalize(matrix).astype(np.float32)
        return subset
    n, width = features.tfidf.shape
    dims = min(DIMENSIONS, width - 1, n - 1)
    if dims < 2:
        matrix = features.tfidf.toarray()
    else:
        svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=5,
                           random_state=seed)
        matrix = svd.fit_transform(features.tfidf)
    vectors = normalize(matrix).astype(np.float32)
    keep = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    subset = _rows(features, keep)
    subset.vectors = vectors[keep]
    return subset


def _rows(features: Features, index: np.ndarray) -> Features:
    vectors = features.vectors[index] if features.vectors is not None else None
    return Features(features.seg_ids[index], features.vocabulary, features.counts[index],
                    features.tfidf[index], vectors)


def class_terms(counts: sparse.csr_matrix, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Class-based TF-IDF (c-TF-IDF, as in BERTopic): one row per class, the term's share
    of the class's words times log(1 + average words per class / the term's count in
    all classes)."""
    members = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                                shape=(n_classes, len(labels)))
    per_class = np.asarray((members @ counts).todense(), dtype=float)
    totals = per_class.sum(axis=0)
    average = per_class.sum() / max(n_classes, 1)
    idf = np.log1p(average / np.maximum(totals, 1))
    share = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    return share * idf


_SUFFIXES = ("izations", "ization", "ations", "ation", "ments", "ment", "ings", "ing",
             "ers", "er", "ies", "ive", "ity", "al", "ed", "es", "s", "y")


def stem(word: str) -> str:
    """A crude stem, only to tell that two terms are forms of one word
    (organize / organizer / organization)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[:-len(suffix)].rstrip("e")
    return word.rstrip("e")


def diverse_terms(scores: np.ndarray, vocabulary: np.ndarray, n: int = 6, *,
                  bigram_share: float = 0.5) -> list[str]:
    """The ``n`` best-scoring terms, at most one per stem. The best bigram goes first
    when it scores at least ``bigram_share`` of the best unigram; its words then cover
    their unigrams."""
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
    unigrams = [i for i in order if " " not in vocabulary[i]]
    bigrams = [i for i in order if " " in vocabulary[i]]
    ranked = order
    if bigrams and unigrams and scores[bigrams[0]] >= bigram_share * scores[unigrams[0]]:
        ranked = [bigrams[0]] + [i for i in order if i != bigrams[0]]
    chosen, covered = [], set()
    for i in ranked:
        stems = {stem(w) for w in vocabulary[i].split()}
        if stems & covered:
            continue
        chosen.append(vocabulary[i])
        covered |= stems
        if len(chosen) == n:
            break
    return chosen
