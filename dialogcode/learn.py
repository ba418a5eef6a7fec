"""Learned coding: one logistic regression per code, trained on what people coded.

Features of a text: the lemma TF-IDF of its content words (:mod:`dialogcode.features`),
a semantic representation (:mod:`dialogcode.semantic`) and whether the code's rules
matched it.
Thresholds are chosen on cross-validated scores (folds by document, codebook examples
always in training): by default each code's lowest score whose precision reaches
``min_precision``; with ``threshold="f1"`` one score for all codes, the one of best
micro F1 of rules + model. The scores are checked against every human-coded segment,
or, given a reference coder (``learn: reference``), against that coder's segments only:
the cut then answers to the coder the study takes as right, whoever else's coding the
model learned from. A code with no threshold, or with fewer than
``min_positives`` positive items or fewer than :data:`MIN_CHECKED` human-coded
segments to check its threshold on, codes nothing and is listed with the reason.

A model is stored as plain arrays and JSON in ``out/model/`` (never a pickle: a study
folder is shared, and loading a pickle runs code), with the codebook version, the
pipeline, the tokenisation, the training set's hash and the SHA-256 of every document
it learned from; a model that does not fit the study as it is now is refused, never
applied.
"""
from __future__ import annotations

import json
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize

from .codebook import Codebook
from .coding import TOKENISATION
from .config import Semantic
from .errors import DialogcodeError
from .features import _TermReader
from .nlp import load_pipeline, matching_components
from .patterns import CompiledCodebook
from .semantic import WORDLLAMA_DIM, spacy_vectors, wordllama_vectors
from .stamps import pipeline_name, pipeline_stamp
from .store import replacing
from .training import TrainingData

MODEL_FOLDER = "model"
FORMAT = 4      # 4: the pipeline's stamp; 3: no document context (format 2 had it)
LSA_DIMENSIONS = 100
INNER_FOLDS = 5
STAT_COLUMNS = ["code_id", "positives", "negatives", "segments", "threshold", "cv_precision",
                "cv_recall", "cv_checked", "status"]


class ModelError(DialogcodeError):
    """A stored model is missing, corrupt, or does not fit the study as it is now."""


def _identity(terms):
    return terms


@dataclass
class TextFeatures:
    """What a batch of texts looks like to a model: terms, the codes whose rules matched
    each text, and the texts themselves."""

    terms: list[list[str]]
    hits: list[set[str]]
    texts: list[str]


def read_texts(texts: list[str], book: Codebook, model: str) -> TextFeatures:
    """Tokenise training ``texts`` once: their content-word terms and
    the codes their rules match (the same matching as `dialogcode code`). Corpus segments go through
    :func:`dialogcode.learned.segment_scores` and the token cache instead."""
    nlp = load_pipeline(model)
    compiled = CompiledCodebook(book, nlp)
    reader, surfaces = _TermReader(nlp), defaultdict(Counter)
    terms, hits = [], []
    for doc in nlp.pipe(texts, batch_size=256, disable=matching_components(nlp)):
        terms.append(reader.read(doc, surfaces)[0])
        hits.append({hit.code_id for hit in compiled.match(doc)})
    return TextFeatures(terms, hits, list(texts))


@dataclass
class Featurizer:
    """Turns :class:`TextFeatures` into one sparse row per text: TF-IDF, semantic
    vector, then one rule-hit column per code."""

    vocabulary: np.ndarray
    idf: np.ndarray
    semantic: str
    model: str
    codes: list[str]
    svd: np.ndarray | None = None         # LSA components (lsa only)

    @classmethod
    def fit(cls, features: TextFeatures, codes: list[str], *, semantic: str, model: str,
            seed: int = 0) -> "Featurizer":
        counts = CountVectorizer(analyzer=_identity, dtype=np.float32)
        try:
            matrix = counts.fit_transform(features.terms)
        except ValueError:
            raise DialogcodeError("no content words in the training texts") from None
        idf = TfidfTransformer(sublinear_tf=True).fit(matrix).idf_.astype(np.float32)
        featurizer = cls(counts.get_feature_names_out(), idf, semantic, model, list(codes))
        if semantic == "lsa":
            tfidf = featurizer.tfidf(features.terms)
            dims = min(LSA_DIMENSIONS, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
            if dims >= 2:
                svd = TruncatedSVD(n_components=dims, random_state=seed).fit(tfidf)
                featurizer.svd = svd.components_.astype(np.float32)
        return featurizer

    def tfidf(self, terms: list[list[str]]) -> sparse.csr_matrix:
        counts = CountVectorizer(analyzer=_identity, vocabulary=self.vocabulary,
                                 dtype=np.float32).transform(terms).tocsr()
        counts.data = 1 + np.log(counts.data)
        return normalize(counts.multiply(self.idf).tocsr()).astype(np.float32)

    def semantic_vectors(self, features: TextFeatures, tfidf: sparse.csr_matrix
                         ) -> np.ndarray | None:
        if self.semantic == "lsa":
            return normalize(tfidf @ self.svd.T) if self.svd is not None else None
        if self.semantic == "wordllama":
            return wordllama_vectors(features.texts)
        if self.semantic == "spacy":
            return spacy_vectors(features.texts, self.model)
        return None

    def transform(self, features: TextFeatures) -> sparse.csr_matrix:
        tfidf = self.tfidf(features.terms)
        parts = [tfidf]
        vectors = self.semantic_vectors(features, tfidf)
        if vectors is not None:
            parts.append(sparse.csr_matrix(vectors.astype(np.float32)))
        column = {c: i for i, c in enumerate(self.codes)}
        rows = [i for i, hit in enumerate(features.hits) for c in hit if c in column]
        cols = [column[c] for hit in features.hits for c in hit if c in column]
        parts.append(sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                                       shape=(len(features.hits), len(self.codes))))
        return sparse.hstack(parts, format="csr", dtype=np.float32)


@dataclass
class CodeModels:
    """Fitted models: a coefficient row, intercept and threshold (NaN: codes nothing)
    per code, the featurizer, and what they were trained on."""

    featurizer: Featurizer
    coef: np.ndarray
    intercept: np.ndarray
    thresholds: np.ndarray
    stats: pd.DataFrame
    meta: dict = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return self.featurizer.codes

    def scores(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Probabilities, texts x codes (NaN for codes without a model)."""
        logits = matrix @ self.coef.T + self.intercept
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-logits))


def _fit_one(x, y, seed: int) -> LogisticRegression:
    # liblinear: about 7x less CPU than lbfgs on these small, wide problems, with the
    # same cross-validated F1 (bench/README.md)
    return LogisticRegression(class_weight="balanced", solver="liblinear", max_iter=2000,
                              random_state=seed).fit(x, y)


# human-coded segments a code's threshold is checked on, at the least: a precision seen
# on five segments (four of them the code's) is no measure, and set a cut that coded
# two thirds of a study
MIN_CHECKED = 20


def _threshold(scores: np.ndarray, labels: np.ndarray, min_precision: float):
    """(threshold, precision, recall) of the lowest cut whose precision reaches
    ``min_precision`` with at least two true positives; NaNs when none does."""
    if labels.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], np.cumsum(labels[order])
    taken = np.arange(1, len(order) + 1)
    run_end = np.r_[ranked[1:] != ranked[:-1], True]     # cut only between distinct scores
    ok = np.flatnonzero(run_end & (hits >= min_precision * taken) & (hits >= 2))
    if not len(ok):
        return float("nan"), float("nan"), float("nan")
    cut = ok[-1]
    return float(ranked[cut]), float(hits[cut] / taken[cut]), float(hits[cut] / labels.sum())


def _shared_cut(scores: np.ndarray, labels: np.ndarray, ruled: np.ndarray) -> float:
    """The one cut, for every code, of best micro F1 of rules + model over the pooled
    cross-validated (segment, code) ``scores``, where ``ruled`` pairs count as coded
    whatever their score; NaN when no cut does better than the rules alone."""
    rule_tp, rule_coded = int((labels & ruled).sum()), int(ruled.sum())
    positives = int(labels.sum())
    scores, labels = scores[~ruled], labels[~ruled]
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], np.cumsum(labels[order])
    taken = np.arange(1, len(order) + 1)
    run_end = np.r_[ranked[1:] != ranked[:-1], True]
    f1 = (rule_tp + hits) / (rule_coded + taken + positives)       # half of F1
    f1 = np.where(run_end, f1, -1.0)
    if not len(order) or f1.max() <= rule_tp / max(rule_coded + positives, 1):
        return float("nan")
    return float(ranked[np.argmax(f1)])


def fit_models(data: TrainingData, features: TextFeatures, *, semantic: str, model: str,
               min_precision: float = 0.75, threshold: str = "precision",
               min_positives: int = 8, folds: int = INNER_FOLDS, seed: int = 0,
               judged: np.ndarray | None = None, progress=None, run=None) -> CodeModels:
    """Fit a model per code of ``data`` and choose thresholds by cross-validation (folds
    by document): with ``threshold`` ``precision`` each code's own by
    :func:`_threshold`, with ``f1`` one for all codes by :func:`_shared_cut`, on the
    human-coded segments or, given ``judged`` (``data``'s items x codes: the reference
    coder's own labels, -1 where that coder did not read the item), on that coder's
    segments alone, against that coder's labels (not the other coders' of the same
    segments).
    ``features`` are :func:`read_texts` of ``data.texts``. The codes' fits
    (:func:`fit_code`) run in this process, or through ``run(function, jobs, shared=)``,
    which gives ``function(*shared, *job)`` for every job in order (on Dask:
    :func:`dialogcode.engine.run_tasks`)."""
    featurizer = Featurizer.fit(features, data.codes, semantic=semantic, model=model,
                                seed=seed)
    matrix = featurizer.transform(features)
    n_codes, width = len(data.codes), matrix.shape[1]
    coef = np.zeros((n_codes, width), dtype=np.float32)
    intercept = np.full(n_codes, -50.0, dtype=np.float32)     # no model: never scores
    thresholds = np.full(n_codes, np.nan)
    segment_rows = data.origin == "segment"
    groups = np.where(segment_rows, data.doc_ids, data.item_ids)
    rows, jobs = [], {}
    for j, code_id in enumerate(data.codes):
        known = data.labels[:, j] >= 0
        y = data.labels[:, j]
        positives, negatives = int((y == 1).sum()), int((y == 0).sum())
        checked = known & segment_rows
        cut_on = checked if judged is None else checked & (judged[:, j] >= 0)
        rows.append(dict(code_id=code_id, positives=positives, negatives=negatives,
                         segments=int((checked & (y == 1)).sum()), threshold=np.nan,
                         cv_precision=np.nan, cv_recall=np.nan,
                         cv_checked=int(cut_on.sum())))
        if positives < min_positives or negatives < 2:
            rows[j]["status"] = (f"too few positives (< {min_positives})"
                                 if positives < min_positives else "too few negatives")
        elif cut_on.sum() < MIN_CHECKED:
            rows[j]["status"] = (f"{int(cut_on.sum())} human-coded segments"
                                 f"{'' if judged is None else ' of the reference coder'} to "
                                 f"check it on (< {MIN_CHECKED})")
        else:
            jobs[j] = (y, known, checked)
    shared = (matrix, groups, folds, seed)
    if run is None:
        fitted = [fit_code(*shared, *job) for job in (progress or list)(list(jobs.values()))]
    else:
        fitted = run(fit_code, list(jobs.values()), shared=shared)
    fitted = dict(zip(jobs, fitted))
    stats, checked_scores = [], {}
    for j, code_id in enumerate(data.codes):
        row = rows[j]
        if j not in jobs:
            stats.append(row)
            continue
        y, _, checked = jobs[j]
        coef[j], intercept[j], oof = fitted[j]
        if oof is None:
            stats.append({**row, "status": _unchecked(y, checked, groups)})
            continue
        ruled = np.array([code_id in hit for hit in features.hits])
        if judged is not None:
            y, checked = judged[:, j], checked & (judged[:, j] >= 0)
            if not (y[checked] == 1).any():
                stats.append({**row, "status": "the reference coder never gave it, so no "
                              "cut can be checked"})
                continue
        checked_scores[j] = (oof[checked], y[checked] == 1, ruled[checked])
        if threshold == "precision":
            cut, precision, recall = _threshold(oof[checked], y[checked], min_precision)
            row.update(threshold=cut, cv_precision=precision, cv_recall=recall)
            thresholds[j] = cut
        stats.append({**row, "status": "codes" if not np.isnan(row["threshold"]) else
                      f"precision {min_precision:.2f} not reached"})
    if threshold == "f1" and checked_scores:
        cut = _shared_cut(*(np.concatenate(parts) for parts in zip(*checked_scores.values())))
        for j, (scores, labels, _) in checked_scores.items():
            coded = scores >= cut
            thresholds[j] = cut
            stats[j].update(threshold=cut, status="codes" if not np.isnan(cut) else
                            "the rules alone score a better F1",
                            cv_precision=(coded & labels).sum() / coded.sum()
                            if coded.any() else np.nan,
                            cv_recall=(coded & labels).sum() / labels.sum())
    table = pd.DataFrame(stats, columns=STAT_COLUMNS)
    return CodeModels(featurizer, coef, intercept, thresholds, table)


def _unchecked(y, checked, groups) -> str:
    """Why a code's threshold could not be cross-validated (:func:`_out_of_fold` None)."""
    if not (y[checked] == 1).any():
        return "no human-coded segment has it, so no threshold can be checked"
    return ("its human-coded segments are all in 1 document; cross-validation by "
            "document needs coded segments in 2 or more: code some in another document")


def fit_code(matrix, groups, folds: int, seed: int, y, known, checked):
    """One code's fit: (coefficients, intercept) of its model on the ``known`` rows of
    ``matrix`` with labels ``y``, and :func:`_out_of_fold` scores."""
    fitted = _fit_one(matrix[known], y[known], seed)
    return (fitted.coef_.ravel(), fitted.intercept_[0],
            _out_of_fold(matrix, y, known, checked, groups, folds, seed))


def _out_of_fold(matrix, y, known, checked, groups, folds, seed) -> np.ndarray | None:
    """Scores of the ``checked`` rows, each from a model that did not see its group;
    None when the checked rows hold no positive or fewer than two groups."""
    rows = np.flatnonzero(checked)
    if not (y[rows] == 1).any() or len(set(groups[rows])) < 2:
        return None
    scores = np.full(len(y), np.nan)
    splitter = GroupKFold(n_splits=min(folds, len(set(groups[rows]))))
    for _, test in splitter.split(rows, groups=groups[rows]):
        held = rows[test]
        train = known.copy()
        train[np.isin(groups, groups[held])] = False
        if len(set(y[train])) < 2:
            continue
        scores[held] = _fit_one(matrix[train], y[train], seed).predict_proba(
            matrix[held])[:, 1]
    return np.nan_to_num(scores, nan=0.0)


# --- storing and loading -----------------------------------------------------------

def save_models(models: CodeModels, folder: Path) -> list[Path]:
    """Write ``model.npz`` (arrays, no pickles) and ``model.json`` to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    f = models.featurizer
    arrays = {"vocabulary": np.asarray(f.vocabulary, dtype=str), "idf": f.idf,
              "coef": models.coef, "intercept": models.intercept,
              "thresholds": models.thresholds}
    if f.svd is not None:
        arrays["svd"] = f.svd
    npz, meta = folder / "model.npz", folder / "model.json"
    with replacing(npz) as temporary:
        np.savez_compressed(temporary, **arrays)
    record = {"format": FORMAT, "dialogcode": version("dialogcode"), "codes": f.codes,
              "semantic": f.semantic, "model": pipeline_name(f.model), **models.meta,
              "stats": json.loads(models.stats.to_json(orient="records"))}
    with replacing(meta) as temporary:
        temporary.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return [meta, npz]


def load_models(folder: Path) -> CodeModels:
    """Read a model written by :func:`save_models`. Raises ModelError, naming the file,
    when it is missing, corrupt or not a dialogcode model. Its featurizer's ``model`` is
    the pipeline's name (model.json holds no folder's path); :func:`check_fits` sets the
    study's pipeline there before it reads any text."""
    meta_path, npz_path = folder / "model.json", folder / "model.npz"
    if not meta_path.is_file() or not npz_path.is_file():
        raise ModelError("no learned model yet; run `dialogcode learn` first", file=folder)

    def unreadable(why, path):
        return ModelError(f"not a readable dialogcode model ({why}); delete {folder} and "
                          "run `dialogcode learn` again", file=path)

    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise unreadable(exc, meta_path) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("format"), int):
        raise unreadable("not a dialogcode model", meta_path)
    if meta["format"] != FORMAT:
        raise ModelError(f"the model is of format {meta['format']} (from another "
                         f"dialogcode version); this version reads format {FORMAT}: "
                         "run `dialogcode learn` again", file=meta_path)
    codes, semantic, stats = meta.get("codes"), meta.get("semantic"), meta.get("stats", [])
    if not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)
            and semantic in get_args(Semantic) and isinstance(meta.get("model"), str)
            and isinstance(meta.get("pipeline"), str)
            and isinstance(meta.get("documents", {}), dict)
            and isinstance(stats, list) and all(isinstance(row, dict) for row in stats)):
        raise unreadable("its codes, semantic features, pipeline, documents or statistics "
                         "are missing or of the wrong kind", meta_path)
    try:
        with np.load(npz_path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        _check_arrays(arrays, len(codes), semantic)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
        raise unreadable(exc, npz_path) from None
    featurizer = Featurizer(arrays["vocabulary"].astype(object), arrays["idf"], semantic,
                            meta["model"], codes,
                            arrays.get("svd") if semantic == "lsa" else None)
    stats = pd.DataFrame(stats, columns=STAT_COLUMNS)
    return CodeModels(featurizer, arrays["coef"], arrays["intercept"], arrays["thresholds"],
                      stats, {k: v for k, v in meta.items() if k not in ("stats",)})


def _check_arrays(arrays: dict[str, np.ndarray], n_codes: int, semantic: str) -> None:
    """Raise ValueError unless ``arrays`` are those :func:`save_models` writes for
    ``n_codes`` codes: a text vocabulary, and numbers of the shapes it implies."""
    missing = [k for k in ("vocabulary", "idf", "coef", "intercept", "thresholds")
               if k not in arrays]
    if missing:
        raise ValueError(f"no {', '.join(missing)} array")
    if arrays["vocabulary"].ndim != 1 or arrays["vocabulary"].dtype.kind != "U":
        raise ValueError("the vocabulary is not a list of terms")
    terms = len(arrays["vocabulary"])
    svd = arrays.get("svd") if semantic == "lsa" else None
    width = terms + (svd.shape[0] if svd is not None and svd.ndim == 2 else 0) + n_codes
    width += WORDLLAMA_DIM if semantic == "wordllama" else 0
    if semantic == "spacy":     # the width of the pipeline's vectors is not stored
        coef = arrays["coef"]
        width = coef.shape[1] if coef.ndim == 2 and coef.shape[1] > width else -1
    shapes = {"idf": (terms,), "intercept": (n_codes,), "thresholds": (n_codes,)}
    if svd is not None:
        shapes["svd"] = (svd.shape[0] if svd.ndim == 2 else -1, terms)
    shapes["coef"] = (n_codes, width)
    for name, shape in shapes.items():
        array = arrays[name]
        if array.dtype.kind != "f" or array.shape != shape:
            raise ValueError(f"array {name} is not numbers of shape {shape}")


def check_fits(models: CodeModels, book: Codebook, documents: pd.DataFrame, model: str,
               folder: Path, *, unit: str | None = None) -> None:
    """Refuse a model made for another codebook version, pipeline (by its stamp, so the
    same pipeline folder wherever the study now is fits), tokenisation (how text is split
    into words and lemmatised: :data:`~dialogcode.coding.TOKENISATION`; a model that did
    not record it too) or document text, or (given the ``unit`` the study's segments are
    cut into now) for other segments; a model that fits reads the texts with ``model``."""
    meta = models.meta
    fix = "; run `dialogcode learn` again"
    if unit is not None and meta.get("unit", unit) != unit:
        raise ModelError(f"the model was trained on segments of unit {meta['unit']!r}, the "
                         f"study's segments are now of unit {unit!r}{fix}",
                         file=folder / "model.json")
    if meta.get("codebook_version") != book.version:
        raise ModelError(f"the model was trained with codebook version "
                         f"{meta.get('codebook_version')}, the codebooks are now version "
                         f"{book.version}{fix}", file=folder / "model.json")
    if meta.get("pipeline") != (stamp := pipeline_stamp(model)):
        raise ModelError(f"the model was trained with spaCy pipeline {meta.get('pipeline')!r}, "
                         f"the study now uses {stamp!r}{fix}", file=folder / "model.json")
    if (then := meta.get("tokenisation")) != TOKENISATION:
        raise ModelError(f"the model learned from text another dialogcode version split "
                         f"into words otherwise (tokenisation {then or 'not recorded'}, "
                         f"this one {TOKENISATION}: line breaks, contractions or lemmas)"
                         f"{fix}",
                         file=folder / "model.json")
    hashes = documents.set_index("doc_id")["sha256"].to_dict()
    changed = sorted(d for d, h in meta.get("documents", {}).items() if hashes.get(d) != h)
    if changed:
        raise ModelError(f"{len(changed)} document(s) it learned from changed or are gone "
                         f"({', '.join(changed[:3])}){fix}", file=folder / "model.json")
    models.featurizer.model = model     # the same pipeline, where the study now has it
