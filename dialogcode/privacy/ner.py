"""spaCy's named entities for the ``ner`` detector (docs/privacy.md): the pipeline of a
study's model with only what its ``ner`` needs, and the PERSON entities it finds."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .identifiers import Hit

# a participant's code or a numbered speaker, no name ("P3", "AB", "Speaker 2")
PLACEHOLDER = re.compile(r"^(?:[A-Z]{1,3}\d*|P\d+|Speaker \d+)$")


def ner_hits(docs: Iterable) -> list[list[Hit]]:
    """PERSON entities of spaCy ``docs`` (placeholders such as ``P3`` left out)."""
    return [[(e.start_char, e.end_char, "name", "ner") for e in doc.ents
             if e.label_ == "PERSON" and not PLACEHOLDER.match(e.text.strip())
             and any(c.isupper() for c in e.text[:1])] for doc in docs]


@lru_cache(maxsize=2)
def ner_pipeline(model: str):
    """The spaCy pipeline ``model`` with only what its ``ner`` needs, or None when the
    model is ``blank`` or has no ``ner``. Raises ConfigError when it is not installed."""
    import spacy

    from ..errors import ConfigError
    from ..nlp import BLANK, split_contractions

    if model == BLANK:
        return None
    try:
        nlp = spacy.load(model, exclude=["parser", "lemmatizer", "attribute_ruler",
                                         "tagger", "senter", "textcat"])
    except OSError:
        raise ConfigError(f"spaCy pipeline {model!r} is not installed; install its package, "
                          "or set `privacy: model: blank` (patterns only)") from None
    split_contractions(nlp.tokenizer)   # "Ahmed'd" is no name to the ner, "Ahmed" is
    return nlp if nlp.has_pipe("ner") else None
