"""Learned coding of a study: train on what its people coded, then code with the model.

`dialogcode learn` calls :func:`learn_study`; `dialogcode code` calls
:func:`model_codings` when ``out/model/`` holds a model, adding a coding with
``source`` ``model`` and its probability as ``score`` wherever a code's model reaches its
threshold and the rules did not already code that segment with that code.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook
from .errors import DialogcodeError
from .coding import CODING_COLUMNS
from .ingest import Corpus
from .learn import (MODEL_FOLDER, CodeModels, check_fits, fit_models, load_models,
                    read_texts, save_models)
from .study import Study
from .tables import substantive
from .training import TrainingData, training_data


def model_folder(study: Study) -> Path:
    return study.out / MODEL_FOLDER


def has_training(study: Study) -> bool:
    """True when the study has coder files or review decisions to learn from."""
    from .coders import coder_names
    from .review import DECISIONS
    return bool(coder_names(study)) or (study.root / DECISIONS).is_file()


def learn_study(study: Study, corpus: Corpus, book: Codebook, *, model: str | None = None,
                progress=None) -> CodeModels:
    """Train on the study's examples, coder files and decisions (see
    :mod:`dialogcode.training`), store the model in ``out/model/`` and return it."""
    settings = study.config.learn
    model = model or study.config.model
    data = training_data(study, corpus.segments, book)
    if not len(data.item_ids):
        raise DialogcodeError("nothing to learn from: the codebooks have no examples and "
                              "there are no coder files in codings/ and no decisions.csv; "
                              "code some documents by hand (docs/review.md) first")
    models = fit_training(data, book, model=model, semantic=settings.semantic,
                          min_precision=settings.min_precision,
                          min_positives=settings.min_positives, folds=settings.folds,
                          progress=progress)
    used = set(data.doc_ids[data.origin == "segment"])
    hashes = corpus.documents.set_index("doc_id")["sha256"]
    models.meta = {"codebook_version": book.version, "training": data.digest(),
                   "items": len(data.item_ids), "segments": data.n_segments,
                   "min_precision": settings.min_precision,
                   "documents": {d: hashes[d] for d in sorted(used)}}
    save_models(models, model_folder(study))
    return models


def fit_training(data: TrainingData, book: Codebook, *, model: str, semantic: str,
                 min_precision: float, min_positives: int, folds: int, progress=None
                 ) -> CodeModels:
    """:func:`~dialogcode.learn.fit_models` on ``data``, reading its texts first."""
    features = read_texts(data.texts, book, model)
    return fit_models(data, features, semantic=semantic, model=model,
                      min_precision=min_precision, min_positives=min_positives,
                      folds=folds, progress=progress)


def segment_scores(models: CodeModels, segments: pd.DataFrame, rules: pd.DataFrame,
                   book: Codebook) -> tuple[pd.DataFrame, np.ndarray]:
    """(the substantive segments, their probabilities: segments x ``models.codes``).
    Rule hits come from the ``rules`` codings of each segment."""
    usable = segments[substantive(segments)].reset_index(drop=True)
    coded = rules.groupby("seg_id")["code_id"].agg(set)
    features = read_texts(usable["text"].tolist(), book, models.featurizer.model,
                          hits=[coded.get(s, set()) for s in usable["seg_id"]])
    return usable, models.scores(models.featurizer.transform(features))


def model_codings(study: Study, corpus: Corpus, book: Codebook, rules: pd.DataFrame, *,
                  model: str) -> pd.DataFrame:
    """Codings (:data:`~dialogcode.coding.CODING_COLUMNS`) of the study's model: one per
    (segment, code) scored at least the code's threshold and not coded by ``rules``.
    Empty when the study has no model; raises ModelError when the model does not fit."""
    folder = model_folder(study)
    if not (folder / "model.json").is_file():
        return pd.DataFrame(columns=CODING_COLUMNS)
    models = load_models(folder)
    check_fits(models, book, corpus.documents, model, folder)
    return codings_from_scores(models, corpus.segments, rules, book)


def codings_from_scores(models: CodeModels, segments: pd.DataFrame, rules: pd.DataFrame,
                        book: Codebook) -> pd.DataFrame:
    usable, scores = segment_scores(models, segments, rules, book)
    coded = set(zip(rules["seg_id"], rules["code_id"]))
    rows = []
    for j, code_id in enumerate(models.codes):
        threshold = models.thresholds[j]
        if np.isnan(threshold) or code_id not in book.codes:
            continue
        version = book.version_of(code_id)
        for i in np.flatnonzero(scores[:, j] >= threshold):
            seg = usable.iloc[i]
            if (seg["seg_id"], code_id) in coded:
                continue
            rows.append((seg["seg_id"], seg["doc_id"], code_id, int(seg["start"]),
                         int(seg["end"]), seg["text"], "model", "model",
                         round(float(scores[i, j]), 4), version))
    return pd.DataFrame(rows, columns=CODING_COLUMNS)


def with_model(study: Study, corpus: Corpus, book: Codebook, rules: pd.DataFrame, *,
               model: str) -> pd.DataFrame:
    """Rule ``codings`` plus :func:`model_codings`, sorted like the codings table."""
    learned = model_codings(study, corpus, book, rules, model=model)
    if learned.empty:
        return rules
    both = pd.concat([rules, learned], ignore_index=True)
    return both.sort_values(["doc_id", "start", "code_id"], kind="stable", ignore_index=True)

