"""Learned coding of a study: train on what its people coded, then code with the model.

`dialogcode learn` calls :func:`learn_study`; `dialogcode code` calls
:func:`applied_model` (notebooks :func:`with_model`) when ``out/model/`` holds a model that
fits the study (:func:`study_model`), adding a coding with
``source`` ``model`` and its probability as ``score`` wherever a code's model reaches its
threshold and the rules did not already code that segment with that code.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook
from .coders import chosen_coders, coder_names, coder_path, read_coder
from .coding import CODING_COLUMNS, TOKENISATION
from .config import LearnSettings
from .errors import DialogcodeError, DialogcodeWarning, warn
from .features import segment_terms
from .ingest import Corpus, load_corpus
from .learn import CodeModels, TextFeatures, fit_models, read_texts
from .model_file import MODEL_FOLDER, ModelError, check_fits, load_models, save_models
from .review import DECISIONS
from .scopes import coder_scopes
from .stamps import pipeline_stamp
from .study import Study
from .tables import substantive
from .training import TrainingData, learning_coders, read_segments, training_data


def model_folder(study: Study) -> Path:
    return study.out / MODEL_FOLDER


def trained_on(study: Study) -> str | None:
    """The training-set digest of the study's stored model, None without a readable one
    (`evaluate` records the digest of what it trained on, so the report can tell when the
    model changed since)."""
    try:
        return load_models(model_folder(study)).meta.get("training")
    except ModelError:
        return None


def model_digest(data: TrainingData, settings: LearnSettings, model: str, *,
                 judged: TrainingData | None) -> str:
    """Which model training on ``data`` makes: a hash of the training set's digest, the
    spaCy pipeline ``model`` (its stamp, the same wherever the study is), the
    tokenisation (:data:`~dialogcode.coding.TOKENISATION`), the
    ``learn:`` settings that shape the fit (features, how thresholds are chosen,
    min_precision, min_positives) and the reference coder's labels that check the cuts
    (``judged``, :func:`reference_training`; None when no reference is used, so a
    reference that ``learn: coders`` sets aside changes nothing).
    `learn` records it as ``training`` in model.json, `code` in each model coding's
    ``rule_id`` and `evaluate` in evaluation.json, so the report tells a model trained
    on other codings, with other settings or by a dialogcode that tokenised otherwise,
    from the one the figures describe."""
    shaped = (data.digest(), pipeline_stamp(model), TOKENISATION, settings.semantic,
              settings.threshold, settings.min_precision, settings.min_positives,
              None if judged is None else judged.digest())
    return hashlib.sha256(repr(shaped).encode()).hexdigest()[:16]


def coded_by(codings: pd.DataFrame) -> str | None:
    """The digest (:func:`model_digest`) of the model that made the model codings in
    ``codings`` (their ``rule_id`` is ``model:<digest>``), None without model codings or
    for ones written before the digest was recorded (``rule_id`` ``model``)."""
    made = codings.loc[codings["source"] == "model", "rule_id"].dropna().unique()
    digests = sorted(r.removeprefix("model:") for r in made if r.startswith("model:"))
    return digests[0] if digests else None


def segment_unit(segments: pd.DataFrame) -> str | None:
    """The unit the segments are cut into: the finest of their ``unit`` values (sentence,
    turn, section), as field notes are cut into sections whatever ``unit:`` says; None
    for no segments."""
    units = set(segments["unit"])
    return next((u for u in ("sentence", "turn", "section") if u in units), None)


def has_training(study: Study) -> bool:
    """True when the study has coder files or review decisions to learn from."""
    return bool(coder_names(study)) or (study.root / DECISIONS).is_file()


def learn_study(study: Study, corpus: Corpus, book: Codebook, *, model: str | None = None,
                progress=None, run=None) -> CodeModels:
    """:func:`fit_study`, stored in ``out/model/``."""
    models = fit_study(study, corpus, book, model=model, progress=progress, run=run)
    save_models(models, model_folder(study))
    return models


def fit_study(study: Study, corpus: Corpus, book: Codebook, *, model: str | None = None,
              progress=None, run=None) -> CodeModels:
    """What `dialogcode learn` stores: models trained on the study's examples, coder files
    and decisions (see :mod:`dialogcode.training`) with its ``learn:`` settings, each
    code's cut checked and its status worded as ``learn:`` and ``coders:`` say; nothing
    written. ``run`` runs the codes' fits elsewhere (:func:`dialogcode.learn.fit_models`)."""
    settings = study.config.learn
    model = model or study.config.model
    data = training_data(study, corpus.segments, book, documents=corpus.documents)
    if not len(data.item_ids):
        # decisions.csv may be there, deciding only preambles, headings or backchannels
        raise DialogcodeError("nothing to learn from: the codebooks have no examples, and "
                              "no coder file in codings/ or decision in decisions.csv codes "
                              "a segment the models learn from (preambles, headings and "
                              "backchannels teach them nothing); code some documents by "
                              "hand (docs/review.md) first")
    judged = reference_training(study, corpus, book)
    models = fit_training(data, book, model=model, semantic=settings.semantic,
                          judged=judged, unsought=unsought_codes(study, book, data.codes),
                          reference=None if judged is None else settings.reference,
                          min_precision=settings.min_precision,
                          threshold=settings.threshold,
                          min_positives=settings.min_positives, folds=settings.folds,
                          progress=progress, run=run)
    used = set(data.doc_ids[data.origin == "segment"])
    hashes = corpus.documents.set_index("doc_id")["sha256"]
    models.meta = {"codebook_version": book.version, "pipeline": pipeline_stamp(model),
                   "tokenisation": TOKENISATION,
                   "training": model_digest(data, settings, model, judged=judged),
                   "unit": segment_unit(corpus.segments),
                   "items": len(data.item_ids), "segments": data.n_segments,
                   "min_precision": settings.min_precision, "threshold": settings.threshold,
                   "reference": None if judged is None else settings.reference,
                   "documents": {d: hashes[d] for d in sorted(used)}}
    return models


def reference_training(study: Study, corpus: Corpus, book: Codebook
                       ) -> TrainingData | None:
    """What the coder named by ``learn: reference`` said of the segments that coder read
    (:func:`~dialogcode.training.training_data` of that coder's file alone, review
    decisions in force applied), whose labels alone check each code's threshold
    (:func:`fit_training`): not another coder's of the same segments. None when no
    reference is set, or when ``learn: coders`` leaves the reference out (the models do
    not learn from its segments, so the cuts are checked on every human-coded segment,
    as without a reference). Raises CodingsError when the coder has no file."""
    coder = study.config.learn.reference
    if not coder:
        return None
    chosen_coders(study, [coder], "learn: reference")
    if coder not in learning_coders(study):
        return None
    codings = read_coder(coder_path(study, coder), corpus.segments, coder, set(book.codes),
                         corpus.documents, study)
    read = read_segments(codings, corpus.segments)
    data = training_data(study, corpus.segments, book, coders=[coder],
                         documents=corpus.documents)
    # a set lookup: np.isin of object arrays compares every pair (30 s at 50,000 segments)
    held = np.fromiter((item in read for item in data.item_ids), bool, len(data.item_ids))
    return data.subset(np.flatnonzero((data.origin == "segment") & held))


def unsought_codes(study: Study, book: Codebook, codes: list[str]) -> dict[str, list[str]]:
    """Each of ``codes`` that a coder learned from did not look for (``coders:`` in
    dialogcode.yaml), with those coders."""
    scopes = coder_scopes(study, book)
    coders = [coder for coder in learning_coders(study) if coder in scopes]
    blind = {code: [coder for coder in coders if code not in scopes[coder]] for code in codes}
    return {code: named for code, named in blind.items() if named}


def judged_labels(data: TrainingData, reference: TrainingData) -> np.ndarray:
    """``data``'s items x codes: ``reference``'s label of each segment it holds, -1
    (not judged) elsewhere."""
    position = {item: i for i, item in enumerate(reference.item_ids)}
    labels = np.full(data.labels.shape, -1, dtype=np.int8)
    pairs = [(row, position[item]) for row, (item, origin)
             in enumerate(zip(data.item_ids, data.origin))
             if origin == "segment" and item in position]
    if pairs:
        rows, found = (list(side) for side in zip(*pairs))
        labels[rows] = reference.labels[found]
    return labels


def fit_training(data: TrainingData, book: Codebook, *, model: str, semantic: str,
                 min_precision: float, min_positives: int, folds: int,
                 threshold: str = "precision", judged: TrainingData | None = None,
                 reference: str | None = None, unsought: dict[str, list[str]] | None = None,
                 progress=None, run=None) -> CodeModels:
    """:func:`~dialogcode.learn.fit_models` on ``data``, reading its texts first; with
    ``judged`` (:func:`reference_training`) thresholds are checked on the segments that
    coder read, against that coder's labels alone (``reference``, its name); ``unsought``
    (:func:`unsought_codes`) words the statuses of codes a coder did not look for."""
    features = read_texts(data.texts, book, model)
    if judged is not None and judged.codes != data.codes:
        raise ValueError("the reference coder's training data has other codes")
    judged = None if judged is None else judged_labels(data, judged)
    return fit_models(data, features, semantic=semantic, model=model,
                      min_precision=min_precision, threshold=threshold,
                      min_positives=min_positives, judged=judged, unsought=unsought,
                      reference=reference,
                      folds=folds, progress=progress, run=run)


def segment_scores(models: CodeModels, segments: pd.DataFrame, documents: pd.DataFrame,
                   rules: pd.DataFrame, *, cache_dir: Path | None = None
                   ) -> tuple[pd.DataFrame, np.ndarray]:
    """(the substantive ``segments``, their probabilities: segments x ``models.codes``).
    Terms come through the coding token cache (``cache_dir``); rule hits from the
    ``rules`` codings of each segment."""
    terms = segment_terms(segments, documents, model=models.featurizer.model,
                          cache_dir=cache_dir).terms
    usable = segments[substantive(segments)].reset_index(drop=True)
    coded = rules.groupby("seg_id")["code_id"].agg(set)
    features = TextFeatures([terms[s] for s in usable["seg_id"]],
                            [coded.get(s, set()) for s in usable["seg_id"]],
                            usable["text"].tolist())
    return usable, models.scores(models.featurizer.transform(features))


def study_model(study: Study, book: Codebook, documents: pd.DataFrame, *, model: str,
                unit: str | None) -> CodeModels | None:
    """The learned model stored in the study's out/model/, to code its segments (of
    ``unit``, in ``documents``) with ``book`` and the spaCy pipeline ``model``; None,
    with a DialogcodeWarning saying why and what to run, when it does not fit them
    (trained under another codebook version, pipeline, tokenisation or unit, on documents
    changed since, of another model format, unreadable: :func:`~dialogcode.model_file.check_fits`).
    Then only the rules code: `dialogcode code`, its Dask engine and :func:`with_model`
    decide here alike."""
    folder = model_folder(study)
    try:
        models = load_models(folder)
        check_fits(models, book, documents, model, folder, unit=unit)
    except ModelError as exc:
        warn(DialogcodeWarning(f"the learned model was not applied, only the rules: {exc}"))
        return None
    return models


def codings_from_scores(models: CodeModels, segments: pd.DataFrame,
                        documents: pd.DataFrame, rules: pd.DataFrame, book: Codebook, *,
                        cache_dir: Path | None = None) -> pd.DataFrame:
    """Model codings: every (substantive segment, code of ``book``) scored at least the
    code's threshold and not already coded by ``rules``."""
    usable, scores = segment_scores(models, segments, documents, rules, cache_dir=cache_dir)
    coded = set(zip(rules["seg_id"], rules["code_id"]))
    parts = []
    for j, code_id in enumerate(models.codes):
        if np.isnan(models.thresholds[j]) or code_id not in book.codes:
            continue
        hits = np.flatnonzero(scores[:, j] >= models.thresholds[j])
        hits = [i for i in hits if (usable["seg_id"].iat[i], code_id) not in coded]
        chosen = usable.iloc[hits]
        parts.append(pd.DataFrame({
            "seg_id": chosen["seg_id"], "doc_id": chosen["doc_id"], "code_id": code_id,
            "start": chosen["start"].astype("int64"), "end": chosen["end"].astype("int64"),
            "quote": chosen["text"], "source": "model",
            "rule_id": f"model:{models.meta.get('training', '')}",
            "score": scores[hits, j].round(4), "codebook_version": book.version_of(code_id)}))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=CODING_COLUMNS)
    return pd.concat(parts, ignore_index=True)[CODING_COLUMNS]


def applied_model(study: Study, corpus: Corpus | None, book: Codebook, rules: pd.DataFrame,
                  *, model: str) -> tuple[pd.DataFrame, CodeModels | None]:
    """(rule ``codings`` plus the codings of the study's learned model on ``corpus``
    (None: the one ingest wrote, read only when there is a model), sorted like the
    codings table; the model applied, None when only the rules coded). A model coding
    is one per (segment, code) scored at least the code's threshold and not coded by
    ``rules``. A model that does not fit is not applied, with a DialogcodeWarning
    (:func:`study_model`)."""
    if not (model_folder(study) / "model.json").is_file():
        return rules, None
    corpus = corpus if corpus is not None else load_corpus(study)
    models = study_model(study, book, corpus.documents, model=model,
                         unit=segment_unit(corpus.segments))
    if models is None:
        return rules, None
    learned = codings_from_scores(models, corpus.segments, corpus.documents, rules, book,
                                  cache_dir=study.out / "cache")
    if learned.empty:
        return rules, models
    both = pd.concat([rules, learned], ignore_index=True)
    return both.sort_values(["doc_id", "start", "code_id"], kind="stable",
                            ignore_index=True), models


def with_model(study: Study, corpus: Corpus | None, book: Codebook, rules: pd.DataFrame, *,
               model: str) -> pd.DataFrame:
    """Rule ``codings`` plus the learned model's, as `dialogcode code` writes them (see
    :func:`applied_model`): a model that no longer fits the study is not applied, and a
    DialogcodeWarning says why and to run `dialogcode learn` again."""
    return applied_model(study, corpus, book, rules, model=model)[0]
