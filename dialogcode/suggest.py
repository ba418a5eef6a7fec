"""Suggestions: codes a classifier proposes for segments the rules did not code.

One scikit-learn ``LogisticRegression`` per code (``class_weight="balanced"``) learns
from the accepted codings (rule codings plus chosen human codings, minus rejected
ones) on the segments' TF-IDF features (:mod:`dialogcode.features`). Every segment is
scored by a model that did not see it (:data:`FOLDS`-fold cross-fitting), so a
segment's own "not coded" label cannot hide it. A suggestion is a (segment, code) the
rules did not code, scored at least ``threshold``, with the terms that weighed most.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from .codebook import Codebook
from .errors import DialogcodeError
from .features import SegmentTerms, segment_terms, term_features
from .tables import rolled_up, substantive, tree_order

MIN_POSITIVES = 5     # codes with fewer accepted segments are skipped
FOLDS = 5
TOP_TERMS = 5
SUGGESTION_COLUMNS = ["seg_id", "doc_id", "code_id", "score", "terms", "source", "text"]


@dataclass
class Suggestions:
    """``table``: :data:`SUGGESTION_COLUMNS`; ``skipped``: codes without a model
    (code_id, positives, reason)."""

    table: pd.DataFrame
    skipped: pd.DataFrame


def accepted_codings(codings: pd.DataFrame, human: pd.DataFrame | None = None,
                     rejected: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distinct (seg_id, code_id) pairs: rule ``codings`` plus ``human`` codings
    (rows with a code), less the ``rejected`` (seg_id, code_id) pairs."""
    tables = [codings[["seg_id", "code_id"]]]
    if human is not None:
        tables.append(human.loc[human["code_id"].notna(), ["seg_id", "code_id"]])
    pairs = pd.concat(tables, ignore_index=True).drop_duplicates(ignore_index=True)
    if rejected is not None and len(rejected):
        drop = pd.MultiIndex.from_frame(rejected[["seg_id", "code_id"]])
        pairs = pairs[~pd.MultiIndex.from_frame(pairs).isin(drop)]
    return pairs.reset_index(drop=True)


def suggest_codes(segments: pd.DataFrame, documents: pd.DataFrame, codings: pd.DataFrame,
                  book: Codebook, *, human: pd.DataFrame | None = None,
                  rejected: pd.DataFrame | None = None, threshold: float = 0.5,
                  seed: int = 0, model: str = "blank", cache_dir=None,
                  terms: SegmentTerms | None = None, progress: bool = False) -> Suggestions:
    """Suggest codes for segments (backchannels and preambles left out) that ``codings``
    (the rule and model codings, rejected ones included: they are not proposed again)
    and ``human`` did not code with them (nor with a sub-code), scored at least
    ``threshold``. The classifiers learn from :func:`accepted_codings`. Same inputs and
    ``seed`` give the same table. Raises DialogcodeError for a threshold outside (0, 1)."""
    if not 0 < threshold < 1:
        raise DialogcodeError(f"threshold must be between 0 and 1, not {threshold}")
    usable = segments[substantive(segments)]
    if terms is None:
        terms = segment_terms(segments, documents, model=model, cache_dir=cache_dir,
                              progress=progress)
    features = term_features(terms, usable["seg_id"])
    row = {s: i for i, s in enumerate(features.seg_ids)}
    positives = accepted_codings(codings, human, rejected)
    positives = positives[positives["seg_id"].isin(row)].groupby("code_id")["seg_id"].agg(set)
    given = codings if human is None else pd.concat(
        [codings, human[human["code_id"].notna()]], ignore_index=True)
    carried = rolled_up(given, book).groupby("code_id")["seg_id"].agg(set)
    words = np.array([terms.display(t) for t in features.vocabulary], dtype=object)
    found, skipped = [], []
    for code in (c for _, c in book.tree() if c.codable):
        labels = np.zeros(len(row), dtype=int)
        labels[[row[s] for s in positives.get(code.id, ())]] = 1
        count = int(labels.sum())
        if count < MIN_POSITIVES:
            skipped.append((code.id, count, f"fewer than {MIN_POSITIVES} coded segments"))
            continue
        if len(labels) - count < MIN_POSITIVES:
            skipped.append((code.id, count, f"fewer than {MIN_POSITIVES} segments without it"))
            continue
        exclude = carried.get(code.id, set()) | positives.get(code.id, set())
        open_rows = np.array([s not in exclude for s in features.seg_ids])
        for index, score, top in _cross_fit(features.tfidf, labels, open_rows, threshold,
                                            words, seed):
            found.append((features.seg_ids[index], code.id, round(score, 4), top))
    table = pd.DataFrame(found, columns=["seg_id", "code_id", "score", "terms"])
    context = segments[["seg_id", "doc_id", "text"]]
    table = table.merge(context, on="seg_id", how="left").assign(source="suggestion")
    order = tree_order(book)
    position = dict(zip(segments["seg_id"], range(len(segments))))
    table = (table.assign(_code=table["code_id"].map(order), _seg=table["seg_id"].map(position))
             .sort_values(["_code", "score", "_seg"], ascending=[True, False, True],
                          kind="stable", ignore_index=True))
    return Suggestions(table.reindex(columns=SUGGESTION_COLUMNS),
                       pd.DataFrame(skipped, columns=["code_id", "positives", "reason"]))


def _cross_fit(x, labels, open_rows, threshold, words, seed):
    """(row, score, top terms) of open rows scoring at least ``threshold``, each scored
    by a model trained on the other folds."""
    smaller = min(int(labels.sum()), int(len(labels) - labels.sum()))
    folds = StratifiedKFold(n_splits=min(FOLDS, smaller), shuffle=True,
                            random_state=seed)
    results = []
    for train, test in folds.split(np.zeros(len(labels)), labels):
        model = LogisticRegression(class_weight="balanced", max_iter=1000)
        model.fit(x[train], labels[train])
        test = test[open_rows[test]]
        if not len(test):
            continue
        scores = model.predict_proba(x[test])[:, 1]
        keep = scores >= threshold
        coefficients = model.coef_.ravel()
        for index, score in zip(test[keep], scores[keep]):
            start, end = x.indptr[index], x.indptr[index + 1]
            columns = x.indices[start:end]
            weight = x.data[start:end] * coefficients[columns]
            best = [columns[i] for i in np.argsort(-weight, kind="stable")[:TOP_TERMS]
                    if weight[i] > 0]
            results.append((int(index), float(score), "; ".join(words[best])))
    return sorted(results)
