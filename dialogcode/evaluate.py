"""How good the coding is: k-fold cross-validation by document against a reference coder.

The reference coder's documents are split into folds (the segments they read, as
:func:`~dialogcode.training.read_segments` says, are scored); for each fold, models are trained
on everything people coded *outside* its documents (all coders' files, decisions and the
codebook examples, thresholds chosen by an inner cross-validation on those documents
only), then the fold's substantive segments are coded and compared with the reference,
code by code. Methods compared on the same folds:

- ``rules``: the rule codings;
- ``model``: the learned models alone (at their chosen thresholds);
- ``rules+model``: either (what `dialogcode code` writes);
- ``baseline``: a plain scikit-learn pipeline trained on the same items: TF-IDF of the
  raw text and one balanced logistic regression per code, cut at 0.5.

Figures are pooled over folds; 95% intervals come from a bootstrap over documents. A
code with sub-codes is scored as the tables and the report count it, rolled up (a
segment has it when it carries the code or any sub-code), by the method and by the
reference alike; the ``(all codes)`` micro figures count every coding once, as applied.
"""
from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from .codebook import Codebook
from .coders import coder_names, coder_path, coders_known, read_coder
from .errors import ArgumentError, DialogcodeError
from .ingest import Corpus
from .learned import (fit_training, model_digest, reference_training, segment_scores,
                      unsought_codes)
from .precision import too_few_to_say
from .scopes import coder_scopes
from .stamps import pipeline_stamp
from .store import replacing, write_table
from .study import Study
from .tables import descendants, substantive
from .training import TrainingData, read_segments, training_data

METHODS = ("rules", "model", "rules+model", "baseline")
ALL = "(all codes)"
BOOTSTRAP = 1000
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


@dataclass
class Evaluation:
    """``per_code``: one row per (code, method) plus ``(all codes)`` (micro figures);
    ``curve``: F1 against the number of human-coded training segments (or None);
    ``folds``, ``documents``, ``segments``: the design."""

    per_code: pd.DataFrame
    curve: pd.DataFrame | None
    folds: int
    documents: int
    segments: int


def _alpha(tp, fp, fn, tn):
    """Krippendorff's alpha (nominal) of two codings of binary units from their counts."""
    n = 2.0 * (tp + fp + fn + tn)
    zeros, ones = 2.0 * tn + fp + fn, 2.0 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(zeros * ones > 0, 1 - (n - 1) * (fp + fn) / (zeros * ones), np.nan)


def _scores(counts: np.ndarray) -> dict[str, np.ndarray]:
    """precision, recall, F1 and alpha from counts [..., (tp, fp, fn, tn)]."""
    tp, fp, fn, tn = (counts[..., i].astype(float) for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {"precision": np.where(tp + fp > 0, tp / (tp + fp), np.nan),
                "recall": np.where(tp + fn > 0, tp / (tp + fn), np.nan),
                "f1": np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan),
                "alpha": _alpha(tp, fp, fn, tn)}


def _counts(predicted: np.ndarray, reference: np.ndarray, docs: np.ndarray,
            doc_list: list[str], known: np.ndarray) -> np.ndarray:
    """documents x codes x (tp, fp, fn, tn), over the ``known`` cells."""
    out = np.zeros((len(doc_list), reference.shape[1], 4), dtype=np.int64)
    index = {d: i for i, d in enumerate(doc_list)}
    rows = np.array([index[d] for d in docs])
    for k, cell in enumerate(((predicted & reference), (predicted & ~reference),
                              (~predicted & reference), (~predicted & ~reference))):
        np.add.at(out[:, :, k], rows, (cell & known).astype(np.int64))
    return out


def _baseline(train: TrainingData, texts: list[str], seed: int) -> np.ndarray:
    """The plain baseline's predictions (texts x codes)."""
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    x_train = vectorizer.fit_transform(train.texts)
    x_test = vectorizer.transform(texts)
    out = np.zeros((len(texts), len(train.codes)), dtype=bool)
    for j in range(len(train.codes)):
        known = train.labels[:, j] >= 0
        y = train.labels[known, j]
        if len(set(y)) < 2:
            continue
        model = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed)
        out[:, j] = model.fit(x_train[known], y).predict_proba(x_test)[:, 1] >= 0.5
    return out


def evaluate(data: TrainingData, segments: pd.DataFrame, documents: pd.DataFrame,
             rules: pd.DataFrame, book: Codebook, reference: pd.DataFrame, *, model: str,
             semantic: str, min_precision: float, min_positives: int,
             threshold: str = "precision", folds: int = 5,
             curve: bool = False, seed: int = 0, cache_dir=None, progress=None,
             judged: TrainingData | None = None, judged_by: str | None = None,
             unsought: dict[str, list[str]] | None = None,
             sought: Collection[str] | None = None) -> Evaluation:
    """Cross-validate by document against ``reference`` (a coder's codings as read by
    :func:`~dialogcode.coders.read_coder`); ``cache_dir`` is the coding token cache.
    ``data`` is the study's training data (it
    may include the reference coder: each fold leaves its documents out); with
    ``judged`` (:func:`~dialogcode.learned.reference_training`: ``learn: reference``'s
    coding, whoever ``reference`` is) each fold's thresholds are checked on that coder's
    training segments and labels, as `learn` checks them; ``judged_by`` (that coder's
    name) and ``unsought`` (:func:`~dialogcode.learned.unsought_codes`) word each fold's
    statuses as `learn` words them (they move no threshold). ``sought``: the codes the
    reference looked for, when not every code (``coders:``: :mod:`dialogcode.scopes`);
    the others are scored only where the reference gave them (nowhere from a coder
    file: :func:`~dialogcode.scopes.coder_scopes` refuses one giving them). Raises
    DialogcodeError when the reference covers fewer than two documents."""
    codes = data.codes
    test = segments[substantive(segments) & segments["seg_id"].isin(
        read_segments(reference, segments))].reset_index(drop=True)
    coded_docs = sorted(set(test["doc_id"]))
    if len(coded_docs) < 2:
        raise DialogcodeError(f"the reference coder coded {len(coded_docs)} document(s); "
                              "cross-validation by document needs two or more",
                              file=reference.attrs.get("file"))
    index = {c: i for i, c in enumerate(codes)}
    truth = np.zeros((len(test), len(codes)), dtype=bool)
    position = {s: i for i, s in enumerate(test["seg_id"])}
    for seg_id, code_id in zip(reference["seg_id"], reference["code_id"]):
        if seg_id in position and code_id in index:
            truth[position[seg_id], index[code_id]] = True
    # a category (codable: false) the reference gave says one of its codes applies, not
    # which: where the reference gave none of them, they are left out of the counts
    unknown = np.zeros_like(truth)
    for seg_id, code_id in zip(reference["seg_id"], reference["code_id"]):
        if seg_id in position and code_id in book.codes and code_id not in index:
            unknown[position[seg_id], [index[c] for c in descendants(book, code_id)
                                       if c in index]] = True
    if sought is not None:     # the reference said nothing of the codes not looked for
        unknown[:, [index[c] for c in codes if c not in sought]] = True
    known = ~unknown | truth
    ruled = np.zeros_like(truth)
    for seg_id, code_id in zip(rules["seg_id"], rules["code_id"]):
        if seg_id in position and code_id in index:
            ruled[position[seg_id], index[code_id]] = True
    k = min(folds, len(coded_docs))
    splits = list(GroupKFold(n_splits=k).split(test, groups=test["doc_id"]))
    fractions = CURVE_FRACTIONS if curve else (1.0,)
    predictions = {m: np.zeros_like(truth) for m in METHODS}
    curve_rows = []
    rng = np.random.default_rng(seed)
    steps = [(f, fraction) for f in range(k) for fraction in fractions]
    for f, fraction in (progress(steps) if progress else steps):
        held = set(test["doc_id"].iloc[splits[f][1]])
        rows = test.index[test["doc_id"].isin(held)].to_numpy()
        outside = np.array([d not in held for d in data.doc_ids])
        train_docs = sorted(set(data.doc_ids[outside & (data.origin == "segment")]))
        if fraction < 1.0:
            keep = set(rng.permutation(train_docs)[:max(1, round(fraction * len(train_docs)))])
            outside &= (data.origin == "example") | np.isin(data.doc_ids, list(keep))
        train = data.subset(np.flatnonzero(outside))
        models = fit_training(train, book, model=model, semantic=semantic,
                              min_precision=min_precision, threshold=threshold,
                              min_positives=min_positives,
                              folds=folds, judged=judged, reference=judged_by,
                              unsought=unsought)
        usable, scores = segment_scores(models, segments[segments["doc_id"].isin(held)],
                                        documents, rules, cache_dir=cache_dir)
        scores = scores[usable["seg_id"].isin(test["seg_id"].iloc[rows]).to_numpy()]
        learned = scores >= models.thresholds[None, :]      # False where no threshold
        fold = {"rules": ruled[rows], "model": learned, "rules+model": ruled[rows] | learned,
                "baseline": _baseline(train, test["text"].iloc[rows].tolist(), seed)}
        if fraction == 1.0:
            for method, predicted in fold.items():
                predictions[method][rows] = predicted
        for method, predicted in fold.items():
            tp = int((predicted & truth[rows]).sum())
            curve_rows.append({"fold": f, "fraction": fraction, "method": method,
                               "training_segments": train.n_segments, "tp": tp,
                               "fp": int((predicted & ~truth[rows] & known[rows]).sum()),
                               "fn": int((~predicted & truth[rows]).sum())})
    roll = np.array([[c in descendants(book, parent) for parent in codes] for c in codes])
    table = _per_code(predictions, truth, known, roll, test["doc_id"].to_numpy(), coded_docs,
                      codes, seed)
    curve_table = _curve(pd.DataFrame(curve_rows)) if curve else None
    return Evaluation(table, curve_table, k, len(coded_docs), len(test))


def _rolled(coded: np.ndarray, roll: np.ndarray) -> np.ndarray:
    """segments x codes: a code present where it or one of its sub-codes is
    (``roll[k, j]``: code k is code j or below it)."""
    return (coded.astype(np.int64) @ roll.astype(np.int64)) > 0


def _per_code(predictions, truth, known, roll, docs, documents, codes, seed
              ) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(documents), size=(BOOTSTRAP, len(documents)))
    weights = np.zeros((BOOTSTRAP, len(documents)))      # times each document is drawn
    np.add.at(weights, (np.arange(BOOTSTRAP)[:, None], draws), 1)
    rows = []
    # a code rolled up is known where its reference value is: positive, or every code
    # under it known
    rolled_known = ~_rolled(~known, roll) | _rolled(truth, roll)
    for method in METHODS:
        counts = _counts(_rolled(predictions[method], roll), _rolled(truth, roll), docs,
                         documents, rolled_known)                       # docs x codes x 4
        applied = _counts(predictions[method], truth, docs, documents, known).sum(
            axis=1, keepdims=True)
        per_code = np.concatenate([counts, applied], axis=1)
        point = _scores(per_code.sum(axis=0))
        sampled = _scores((weights @ per_code.reshape(len(documents), -1)).reshape(
            BOOTSTRAP, *per_code.shape[1:]))                            # B x codes+1
        for j, code_id in enumerate([*codes, ALL]):
            total = per_code[:, j].sum(axis=0)
            row = {"code_id": code_id, "method": method,
                   "reference_positives": int(total[0] + total[2]),
                   "coded": int(total[0] + total[1]), "both": int(total[0]),
                   "too_few_to_say": bool(too_few_to_say(total[0], total[0] + total[1]))}
            for name in ("precision", "recall", "f1", "alpha"):
                values = sampled[name][:, j]
                values = values[~np.isnan(values)]
                low, high = (np.percentile(values, [2.5, 97.5]) if len(values)
                             else (np.nan, np.nan))
                row.update({name: point[name][j], f"{name}_low": low, f"{name}_high": high})
            rows.append(row)
    return pd.DataFrame(rows)


def _curve(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby(["fraction", "method"], sort=True).agg(
        training_segments=("training_segments", "mean"), tp=("tp", "sum"), fp=("fp", "sum"),
        fn=("fn", "sum")).reset_index()
    grouped["f1"] = 2 * grouped["tp"] / (2 * grouped["tp"] + grouped["fp"] + grouped["fn"])
    grouped["training_segments"] = grouped["training_segments"].round().astype(int)
    return grouped[["fraction", "training_segments", "method", "f1"]]


def reference_codings(study, segments: pd.DataFrame, coder: str, codes: set[str],
                      documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The reference coder's file, checked (file and line of every bad row; against
    ``documents``' text when given); raises ArgumentError when ``coder`` has no file."""
    return read_coder(reference_path(study, coder), segments, coder, codes, documents,
                      study)


def reference_path(study, coder: str) -> Path:
    """The file of the reference ``coder``; raises ArgumentError when there is none."""
    path = coder_path(study, coder)
    if not path.is_file():
        raise ArgumentError(f"no codings/{coder}.csv ({coders_known(coder_names(study))})",
                            file=path)
    return path


def study_evaluation(study: Study, reference: str, rules: pd.DataFrame, *, corpus: Corpus,
                     book: Codebook, folds: int | None = None, curve: bool = False,
                     seed: int = 0, model: str | None = None, progress=None
                     ) -> tuple[Evaluation, dict]:
    """What `dialogcode evaluate` scores, and the design it records with it: the study's
    training data cross-validated against the coder ``reference`` (the file checked, the
    codes it looked for by ``coders:``, each fold's thresholds checked and worded as
    `learn` does them) with the study's ``learn:`` settings; ``rules``: the rule
    codings (the codings table's rows of source ``rule``, or
    :func:`~dialogcode.coding.code_corpus`'s). Writes nothing but the token cache."""
    settings = study.config.learn
    model = model or study.config.model
    data = training_data(study, corpus.segments, book, documents=corpus.documents)
    truth = reference_codings(study, corpus.segments, reference, set(book.codes),
                              corpus.documents)
    judged = reference_training(study, corpus, book)
    sought = coder_scopes(study, book).get(reference)
    result = evaluate(data, corpus.segments, corpus.documents, rules, book, truth,
                      model=model, semantic=settings.semantic,
                      min_precision=settings.min_precision, threshold=settings.threshold,
                      min_positives=settings.min_positives, folds=folds or settings.folds,
                      curve=curve, seed=seed, cache_dir=study.out / "cache",
                      progress=progress, judged=judged, sought=sought,
                      judged_by=None if judged is None else settings.reference,
                      unsought=unsought_codes(study, book, data.codes))
    design = {"reference": reference, "codebook_version": book.version,
              "training": model_digest(data, settings, model, judged=judged),
              "model": pipeline_stamp(model),   # never a folder's path: studies move
              "semantic": settings.semantic, "min_precision": settings.min_precision,
              "threshold": settings.threshold, "seed": seed,
              "not_sought": [c for c in data.codes if sought is not None and c not in sought]}
    return result, design


def not_scored(codes: list[str], reference: str) -> str:
    """Why the rows of ``codes`` (the design's ``not_sought``) are no figure: the coder
    ``reference`` did not look for them."""
    one = len(codes) == 1
    return (f"Not scored: {', '.join(codes)} ({reference} did not look for "
            f"{'it' if one else 'them'}, coders: in dialogcode.yaml): "
            f"{'its' if one else 'their'} rows count nothing.")


def write_evaluation(evaluation: Evaluation, folder, design: dict) -> list:
    """``per_code`` and ``curve`` tables (Parquet and CSV) and ``evaluation.json`` (the
    design: reference, folds, documents, segments, settings) in ``folder``."""
    for old in folder.glob("curve.*"):
        old.unlink()
    paths = write_table(evaluation.per_code, folder, "per_code")
    if evaluation.curve is not None:
        paths += write_table(evaluation.curve, folder, "curve")
    record = {**design, "folds": evaluation.folds, "documents": evaluation.documents,
              "segments": evaluation.segments}
    path = folder / "evaluation.json"
    with replacing(path) as temporary:
        temporary.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return [*paths, path]


def load_evaluation(folder) -> tuple[pd.DataFrame, dict] | None:
    """(per_code, design) written by :func:`write_evaluation`, or None."""
    path = folder / "evaluation.json"
    if not path.is_file() or not (folder / "per_code.parquet").is_file():
        return None
    try:
        return pd.read_parquet(folder / "per_code.parquet"), json.loads(
            path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DialogcodeError(f"cannot read the evaluation ({exc}); run `dialogcode "
                              "evaluate` again", file=path) from None
