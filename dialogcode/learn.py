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
segments to check its threshold on, codes nothing and is listed with the reason. A
code whose cut coded too few held-out segments to say its cross-validated precision
(:mod:`dialogcode.precision`) keeps its cut, and is listed (:func:`too_few_coded`).

Stored, loaded and checked against the study by :mod:`dialogcode.model_file`.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize

from .codebook import Codebook
from .errors import DialogcodeError
from .features import _TermReader
from .nlp import load_pipeline, matching_components
from .patterns import CompiledCodebook
from .precision import too_few_to_say
from .semantic import spacy_vectors, wordllama_vectors
from .training import TrainingData

LSA_DIMENSIONS = 100
INNER_FOLDS = 5
STAT_COLUMNS = ["code_id", "positives", "negatives", "segments", "threshold", "cv_precision",
                "cv_recall", "cv_coded", "cv_checked", "status"]


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


def too_few_coded(stats: pd.DataFrame) -> pd.Series:
    """Which codes of ``stats`` (:attr:`CodeModels.stats`) the model codes with a cut
    whose cross-validated precision is of too few held-out codings (``cv_coded``, of
    which ``cv_precision`` were right) to say it
    (:func:`~dialogcode.precision.too_few_to_say`): the cut stands (thresholds are not
    changed by it), but its precision is not a measure. A cut that coded none of the
    held-out segments (``threshold: f1``'s one cut can) has no precision to say."""
    coded = stats["cv_coded"].fillna(0).to_numpy(dtype=float)
    right = np.round(stats["cv_precision"].fillna(0).to_numpy(dtype=float) * coded)
    return stats["status"].eq("codes") & pd.Series(
        (coded == 0) | too_few_to_say(right, coded), index=stats.index)


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
               judged: np.ndarray | None = None, reference: str | None = None,
               unsought: dict[str, list[str]] | None = None, progress=None,
               run=None) -> CodeModels:
    """Fit a model per code of ``data`` and choose thresholds by cross-validation (folds
    by document): with ``threshold`` ``precision`` each code's own by
    :func:`_threshold`, with ``f1`` one for all codes by :func:`_shared_cut`, on the
    human-coded segments or, given ``judged`` (``data``'s items x codes: the reference
    coder's own labels, -1 where that coder did not read the item), on that coder's
    segments alone, against that coder's labels (not the other coders' of the same
    segments), ``reference`` that coder's name. ``unsought`` maps a code to the coders
    learned from who did not look for it (``coders:`` in dialogcode.yaml), for the
    statuses: a code the reference did not look for gets :func:`not_sought`.
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
    rows, jobs, unsought = [], {}, unsought or {}
    for j, code_id in enumerate(data.codes):
        known = data.labels[:, j] >= 0
        y = data.labels[:, j]
        positives, negatives = int((y == 1).sum()), int((y == 0).sum())
        checked = known & segment_rows
        cut_on = checked if judged is None else checked & (judged[:, j] >= 0)
        rows.append(dict(code_id=code_id, positives=positives, negatives=negatives,
                         segments=int((checked & (y == 1)).sum()), threshold=np.nan,
                         cv_precision=np.nan, cv_recall=np.nan, cv_coded=0,
                         cv_checked=int(cut_on.sum())))
        blind = unsought.get(code_id, [])
        if reference in blind and cut_on.sum() < MIN_CHECKED:
            # more coding of the others gives it no cut: the reference must look for it
            rows[j]["status"] = not_sought(reference, int(cut_on.sum()))
        elif positives < min_positives or negatives < 2:
            rows[j]["status"] = (f"too few positives (< {min_positives}"
                                 f"{_blind(blind)})" if positives < min_positives
                                 else "too few negatives")
        elif cut_on.sum() < MIN_CHECKED:
            rows[j]["status"] = (f"{int(cut_on.sum())} human-coded segments"
                                 f"{'' if judged is None else ' of the reference coder'} to "
                                 f"check it on (< {MIN_CHECKED}"
                                 f"{'' if judged is not None else _blind(blind)})")
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
                stats.append({**row, "status": not_sought(reference, int(checked.sum()))
                              if reference in unsought.get(code_id, []) else
                              "the reference coder never gave it, so no cut can be checked"})
                continue
        checked_scores[j] = (oof[checked], y[checked] == 1, ruled[checked])
        if threshold == "precision":
            cut, precision, recall = _threshold(oof[checked], y[checked], min_precision)
            row.update(threshold=cut, cv_precision=precision, cv_recall=recall,
                       cv_coded=int((oof[checked] >= cut).sum()))
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
                            cv_recall=(coded & labels).sum() / labels.sum(),
                            cv_coded=int(coded.sum()))
    table = pd.DataFrame(stats, columns=STAT_COLUMNS)
    return CodeModels(featurizer, coef, intercept, thresholds, table)


# the status of a code the reference coder did not look for, which `learn` and `code`
# recognise to say what to do
NOT_SOUGHT = "(learn: reference) did not look for it"


def not_sought(reference: str, decided: int) -> str:
    """The status of a code ``reference`` (``learn: reference``) did not look for, on
    ``decided`` of whose segments review decisions alone say whether it applies (with
    :data:`MIN_CHECKED` of them or more, none accepting it)."""
    said = f"{reference} {NOT_SOUGHT} (coders: in dialogcode.yaml)"
    if not decided:
        return f"{said}, so no cut can be checked"
    if decided < MIN_CHECKED:
        return (f"{said}: {decided} of {reference}'s segments decided in review to check "
                f"it on (< {MIN_CHECKED})")
    return (f"{said}, and no review decision on {reference}'s segments accepts it, so no "
            "cut can be checked")


def _blind(coders: list[str]) -> str:
    """What a status adds when ``coders`` learned from did not look for the code."""
    if not coders:
        return ""
    return (f"; {', '.join(coders)} did not look for it: coders: in dialogcode.yaml")


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
