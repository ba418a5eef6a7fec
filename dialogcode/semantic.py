"""Semantic representations of text for learned coding, all offline.

- ``lsa``: the study's own latent semantic analysis (TruncatedSVD of the lemma TF-IDF),
  fitted by :mod:`dialogcode.learn` and stored with the model. Always available.
- ``wordllama``: WordLlama's 256-dimension static token embeddings (mean-pooled),
  whose weights and tokenizer ship inside the ``wordllama`` wheel. They are loaded from
  that package's own folder; nothing is downloaded, or even attempted
  (``pip install 'dialogcode[semantic]'``).
- ``spacy``: the mean word vector of the configured spaCy pipeline, when it has vectors.
- ``none``: no semantic features (lemma TF-IDF and rule hits only).

bench/README.md compares them against human coding.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
from sklearn.preprocessing import normalize

from .errors import ConfigError

REPRESENTATIONS = ("lsa", "wordllama", "spacy", "none")
WORDLLAMA_CONFIG = "l2_supercat"
WORDLLAMA_DIM = 256


@lru_cache(maxsize=1)
def _wordllama():
    try:
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    except ImportError:
        raise ConfigError("WordLlama features (`semantic: wordllama` under `learn:` in "
                          "dialogcode.yaml, or `cluster --semantic wordllama`) need the "
                          "semantic extra: pip install 'dialogcode[semantic]'; or write "
                          "`semantic: lsa` there, which needs nothing more") from None
    package = resources.files("wordllama")
    weights = package / "weights" / f"{WORDLLAMA_CONFIG}_{WORDLLAMA_DIM}.safetensors"
    tokenizer = package / "tokenizers" / f"{WORDLLAMA_CONFIG}_tokenizer_config.json"
    if not (weights.is_file() and tokenizer.is_file()):
        raise ConfigError(f"the installed wordllama package has no {weights.name} or "
                          f"{tokenizer.name} in its own folder; reinstall it from its wheel")
    with safe_open(str(weights), framework="np", device="cpu") as tensors:
        table = tensors.get_tensor("embedding.weight")
    return WordLlamaInference(table, Tokenizer.from_file(str(tokenizer)))


def wordllama_vectors(texts: list[str]) -> np.ndarray:
    """L2-normalised WordLlama embeddings of ``texts`` (n x 256, float32)."""
    if not texts:
        return np.zeros((0, WORDLLAMA_DIM), dtype=np.float32)
    vectors = _wordllama().embed(list(texts), norm=False)
    return normalize(np.asarray(vectors, dtype=np.float32)).astype(np.float32)


def spacy_vectors(texts: list[str], model: str) -> np.ndarray:
    """L2-normalised mean word vectors of ``texts`` from the spaCy pipeline ``model``.
    Raises ConfigError when the pipeline has no vectors."""
    from .features import has_vectors
    from .nlp import load_pipeline

    nlp = load_pipeline(model)
    if not has_vectors(nlp):
        raise ConfigError(f"spaCy pipeline {model!r} has no word vectors; choose "
                          "`semantic: lsa` or `semantic: wordllama`, or a pipeline with vectors")
    rows = [doc.vector for doc in nlp.pipe(texts, disable=list(nlp.pipe_names))]
    matrix = np.vstack(rows) if rows else np.zeros((0, nlp.vocab.vectors.shape[1]))
    return normalize(matrix).astype(np.float32)
