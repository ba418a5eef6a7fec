"""The spaCy pipeline. Default: ``spacy.blank("en")`` + a lookup lemmatizer from
spacy-lookups-data + the rule-based sentencizer, so nothing is downloaded. Any
installed pipeline can be named instead (``model: en_core_web_sm``)."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Token

from .errors import ConfigError

BLANK = "blank"
# components that matching and sentence splitting never need
_UNNEEDED = ("ner", "textcat", "textcat_multilabel", "entity_linker", "entity_ruler",
             "span_ruler", "spancat")


class LowercaseLookupLemmatizer(Lemmatizer):
    """Lookup lemmatizer that looks up the lower-cased form, so "Evicted" and
    "evicted" share the lemma "evict" (the stock one leaves capitalised words alone)."""

    def lookup_lemmatize(self, token: Token) -> list[str]:
        table = self.lookups.get_table("lemma_lookup", {})
        return [table.get(token.lower_, token.lower_)]


@Language.factory("dialogcode_lemmatizer")
def _make_lemmatizer(nlp: Language, name: str) -> LowercaseLookupLemmatizer:
    return LowercaseLookupLemmatizer(nlp.vocab, None, name, mode="lookup")


@lru_cache(maxsize=4)
def load_pipeline(model: str = BLANK) -> Language:
    """Return the pipeline named ``model`` (cached), ready to tokenise, lemmatise
    and split sentences. Raises ConfigError when the model is not installed."""
    if model == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("dialogcode_lemmatizer", name="lemmatizer")
        nlp.add_pipe("sentencizer")
        nlp.initialize()
        return nlp
    try:
        nlp = spacy.load(model, exclude=[c for c in _UNNEEDED])
    except OSError:
        raise ConfigError(f"spaCy pipeline {model!r} is not installed; install its package, "
                          f"or use `model: {BLANK}` (no download needed)") from None
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    return nlp


def pipeline_id(model: str) -> str:
    """A string naming the pipeline and its version, for cache keys."""
    nlp = load_pipeline(model)
    return f"{model}:{nlp.meta.get('name')}:{nlp.meta.get('version')}:{spacy.__version__}:" \
           + ",".join(nlp.pipe_names)
