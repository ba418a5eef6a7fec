"""The spaCy pipeline. Default: ``spacy.blank("en")`` + a lookup lemmatizer from
spacy-lookups-data + the rule-based sentencizer, so nothing is downloaded. Any
installed pipeline can be named instead (``model: en_core_web_sm``)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

import numpy
import pandas as pd
import spacy
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from .errors import ConfigError, IngestError
from .memo import SortedMemo
from .regexes import CONTRACTION

BLANK = "blank"
_LEMMATIZERS = ("lemmatizer", "trainable_lemmatizer", "dialogcode_lemmatizer")
# components that matching and sentence splitting never need
_UNNEEDED = ("ner", "textcat", "textcat_multilabel", "entity_linker", "entity_ruler",
             "span_ruler", "spancat")


# line breaks: a run of whitespace holding two of them is a blank line (texts are
# normalised to LF at ingest; the others are rarer ways of writing one)
_BREAKS = "\n\r\x85\u2028\u2029"
_INLINE = f"[^\\S{_BREAKS}]"     # whitespace other than a line break
# a run of whitespace between two words other than one space that holds no blank line:
# a line break in a hard-wrapped line, a tab, two spaces, a space before a line break;
# a character class first (then the look-behind), which is what makes it fast
_JOINED = re.compile(rf"\s(?<=\S\s)(?!(?<=\x20)\S)(?:(?<=[{_BREAKS}]){_INLINE}*+"
                     rf"|(?<![{_BREAKS}]){_INLINE}*+(?:[{_BREAKS}]{_INLINE}*+)?)(?=\S)")


class SpacedTokenizer:
    """A pipeline's tokenizer run on a copy of the text in which each run of
    whitespace between two words that holds no blank line (a line break, a tab, two
    spaces, a space before a line break) is one plain space: spaCy's tokenizer would
    make it a token, and a phrase, a token pattern or a veto window would not run
    across it. A blank line (two line breaks) stays a token, so no phrase joins two
    paragraphs. Offsets into the doc (``idx``, ``start_char``) are offsets into that
    copy: :func:`text_offsets` turns them into offsets into the text, from which quotes
    are cut. Sentences are split on the text as written (:func:`sentence_docs`)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        return self.tokenizer(_JOINED.sub(" ", text))


def text_offsets(text: str, offsets) -> list[int]:
    """``offsets`` into the copy of ``text`` that :class:`SpacedTokenizer` tokenises (a
    token's ``idx``, a span's ``start_char`` or ``end_char``) as offsets into ``text``:
    an offset after a run of whitespace read as one space moves on by the characters
    the run lost."""
    runs = numpy.array([m.span() for m in _JOINED.finditer(text)], dtype=numpy.int64)
    offsets = numpy.asarray(offsets, dtype=numpy.int64)
    if not len(runs):
        return offsets.tolist()
    lost = numpy.cumsum(runs[:, 1] - runs[:, 0] - 1)     # up to the end of each run
    places = runs[:, 0] - numpy.concatenate(([0], lost[:-1]))   # each run's in the copy
    before = numpy.searchsorted(places, offsets)    # runs whose space comes before
    return (offsets + numpy.concatenate(([0], lost))[before]).tolist()


def split_contractions(tokenizer) -> None:
    """Make ``tokenizer`` split 'll, 'd, 've, 're and 'm (or with ’) off the end of any
    word, as its exceptions do for pronouns, so "company'll" is *company* + *'ll* and a
    term "company" matches it. Words it has an exception for (*ma'am*, *y'all*) and
    "'s" are left as they were; so is a tokenizer without suffix rules (a whitespace or
    a Chinese one)."""
    suffixes = getattr(getattr(tokenizer, "suffix_search", None), "__self__", None)
    if not isinstance(suffixes, re.Pattern):
        return
    tokenizer.suffix_search = re.compile(f"{suffixes.pattern}|{CONTRACTION}",
                                         suffixes.flags).search


class LowercaseLookupLemmatizer:
    """Lemmatizer using spacy-lookups-data's English lookup table on the lower-cased
    form, so "Evicted" and "evicted" share the lemma "evict" (spaCy's stock lookup
    lemmatizer leaves capitalised words alone). Works on token arrays with the lemma of
    each word looked up once and remembered, because this runs on every word of the
    corpus, mostly in short docs (one per turn)."""

    def __init__(self, vocab, keep_given: bool = False):
        self.vocab = vocab
        self.keep_given = keep_given    # leave the lemmas other components gave
        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self._lemmas: dict[int, int] = {}   # LOWER hash -> LEMMA hash
        self._long = SortedMemo(numpy.uint64)   # the same, for long arrays

    def _lemma(self, lower: int) -> int:
        found = self._lemmas.get(lower)
        if found is None:
            text = self.vocab.strings[lower]
            found = self._lemmas[lower] = self.vocab.strings.add(self.table.get(text, text))
        return found

    def lemmas(self, lowers: numpy.ndarray) -> numpy.ndarray:
        """The LEMMA hashes of tokens whose LOWER hashes are ``lowers``. A long array (a
        whole document's) is looked up one distinct value at a time, with a binary
        search among the words met so far, and only words not met before one by one."""
        if len(lowers) <= 256:
            return self._lookup(lowers)
        codes, distinct = pd.factorize(lowers)
        return self._long.get(distinct, self._lookup)[codes]

    def _lookup(self, lowers: numpy.ndarray) -> numpy.ndarray:
        known = self._lemmas
        return numpy.array([known.get(h) or self._lemma(h) for h in lowers.tolist()],
                           dtype=numpy.uint64)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) and self.keep_given:
            # a lemma the pipeline already gave (its tokenizer's, an attribute_ruler's)
            # stays: only the words without one are looked up
            lemmas = doc.to_array(LEMMA)
            unset = lemmas == 0
            lemmas[unset] = self.lemmas(doc.to_array(LOWER)[unset])
            doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        elif len(doc):
            doc.from_array([LEMMA], self.lemmas(doc.to_array(LOWER)).reshape(-1, 1))
        return doc


@Language.factory("dialogcode_lemmatizer", default_config={"keep_given": False})
def _make_lemmatizer(nlp: Language, name: str, keep_given: bool
                     ) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, keep_given)


@lru_cache(maxsize=4)
def load_pipeline(model: str = BLANK) -> Language:
    """Return the pipeline named ``model`` (cached), ready to tokenise, lemmatise
    and split sentences, its tokenizer a :class:`SpacedTokenizer` that splits
    contractions off any word (:func:`split_contractions`). Raises ConfigError
    when the model is not installed."""
    if model == BLANK:
        nlp = spacy.blank("en")
        split_contractions(nlp.tokenizer)
        nlp.tokenizer = SpacedTokenizer(nlp.tokenizer)
        nlp.add_pipe("dialogcode_lemmatizer", name="lemmatizer")
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        nlp = spacy.load(model, exclude=[c for c in _UNNEEDED])
    except OSError:
        raise ConfigError(f"spaCy pipeline {model!r}, named by `model:` in dialogcode.yaml, "
                          "is not installed; install its package, or write "
                          f"`model: {BLANK}` there (no download needed)") from None
    split_contractions(nlp.tokenizer)
    nlp.tokenizer = SpacedTokenizer(nlp.tokenizer)
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    if not any(nlp.get_pipe_meta(name).factory in _LEMMATIZERS for name in nlp.pipe_names):
        # lemma terms need lemmas (spaCy refuses a lemma matcher without them): a
        # pipeline saved without a lemmatizer gets the default pipeline's lookup one,
        # for the words none of its components gave a lemma
        nlp.add_pipe("dialogcode_lemmatizer", config={"keep_given": True})
    return nlp


def sentence_docs(nlp: Language, texts: Iterable[str], *, disable: Iterable[str] = ()
                  ) -> Iterator[Doc]:
    """``nlp.pipe(texts)`` for splitting sentences (``nlp`` from :func:`load_pipeline`):
    each text tokenised as written, without :class:`SpacedTokenizer`'s spaces, as
    sentence splitting reads a line break (after "He left." a list's "- " on the next
    line starts the next sentence, not ends this one)."""
    return nlp.pipe((nlp.tokenizer.tokenizer(text) for text in texts), disable=list(disable))


def pipeline_id(model: str) -> str:
    """A string naming the pipeline and its version, for cache keys (a folder's with
    :func:`~dialogcode.stamps.pipeline_stamp`, so one saved again there is another)."""
    from .stamps import pipeline_stamp

    nlp = load_pipeline(model)
    return f"{pipeline_stamp(model)}:{nlp.meta.get('name')}:{nlp.meta.get('version')}:" \
           f"{spacy.__version__}:" + ",".join(nlp.pipe_names)


def matching_components(nlp: Language) -> list[str]:
    """Components to disable when tokenising for matching: sentence splitting is not
    needed (proximity rules check sentence ends within the matched span)."""
    return [name for name in ("sentencizer",) if nlp.has_pipe(name)]


def lemmatizer_only(nlp: Language) -> bool:
    """Whether the only component run for matching is the lookup lemmatizer (the blank
    pipeline), which sets each token's lemma from the token alone: it may then run
    once on a doc of many segments instead of once per segment."""
    skipped = matching_components(nlp)
    return all(isinstance(component, LowercaseLookupLemmatizer)
               for name, component in nlp.pipeline if name not in skipped)


def check_lengths(segments, nlp: Language) -> None:
    """Raise IngestError when a segment's text is longer than ``nlp`` takes at once
    (``nlp.max_length``). Ingest keeps segments within ``max_segment_chars``, at most
    spaCy's default limit, so this catches segments ingested before that limit existed,
    or a pipeline with a lower limit; the limit itself is never raised."""
    lengths = segments["text"].str.len()
    if len(lengths) and lengths.max() > nlp.max_length:
        seg_id, length = segments.at[lengths.idxmax(), "seg_id"], lengths.max()
        raise IngestError(f"segment {seg_id} has {length:,} characters, more than the "
                          f"{nlp.max_length:,} the spaCy pipeline takes at once; run "
                          "`dialogcode ingest` again to split it (max_segment_chars in "
                          "dialogcode.yaml, docs/limits.md)")
