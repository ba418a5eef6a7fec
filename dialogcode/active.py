"""Which segments a person should code next: those the models are least sure of (measured,
no better than random segments or whole documents: bench/README.md, `bench/active.py`).

Each segment nobody has coded or decided on gets a value per code: how uncertain the
code's model is there (1 at its threshold, falling to 0 at a score of 0 or 1), weighed up
for codes with few positives (``1 / sqrt(1 + positives)``). Codes too rare for a model
count as uncertain wherever their rules match. A segment's value is its largest per-code
value; segments are then taken greedily, each pick halving the value of the other
segments of its document and taking a fifth off those of its site, so a round spreads
over documents and sites.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .learn import CodeModels
from .learned import segment_scores

PROPOSED_PER_SEGMENT = 3   # the highest-scoring codes with a model shown besides those proposed
LISTED = "listed"          # their source: listed for a person to judge, proposed by nobody


def coded_or_decided(study, segments: pd.DataFrame, documents: pd.DataFrame,
                     decisions: pd.DataFrame | None = None) -> set[str]:
    """The seg_ids a person has coded or decided, which :func:`next_items` passes over:
    those of review ``decisions`` (default: the study's decisions in force) and every
    segment of a document a coder in codings/ coded (a coder file leaves out the
    segments its coder read and found nothing in). Raises CodingsError for a bad coder
    file, ReviewError for a bad decisions.csv."""
    from .coders import coder_names, coder_path, read_coder
    from .review import in_force, load_decisions

    if decisions is None:
        decisions = in_force(load_decisions(study), documents, segments)
    known = set(decisions["seg_id"])
    for coder in coder_names(study):
        human = read_coder(coder_path(study, coder), segments, coder, documents=documents,
                           study=study)
        known |= set(segments.loc[segments["doc_id"].isin(set(human["doc_id"].dropna())),
                                  "seg_id"])
    return known


def next_items(models: CodeModels, segments: pd.DataFrame, documents: pd.DataFrame,
               codings: pd.DataFrame, known: set[str], n: int, *, cache_dir=None
               ) -> pd.DataFrame:
    """Review rows for the ``n`` most useful segments not in ``known`` (segments already
    coded or decided): for each, every code the rules or the model propose there plus
    the :data:`PROPOSED_PER_SEGMENT` best-scoring others, with ``source`` (``rule``,
    ``model`` or, for those others, which the model never coded: scored below its
    threshold, or with no threshold, :data:`LISTED`), ``score`` and ``value``, the
    segment's usefulness."""
    rules = codings[codings["source"] == "rule"]
    usable, scores = segment_scores(models, segments, documents, rules, cache_dir=cache_dir)
    open_rows = ~usable["seg_id"].isin(known).to_numpy()
    thresholds = np.where(np.isnan(models.thresholds), 0.5, models.thresholds)
    spread = np.maximum(thresholds, 1 - thresholds)
    uncertainty = 1 - np.abs(scores - thresholds) / spread
    positives = models.stats.set_index("code_id")["positives"].reindex(models.codes)
    weight = 1 / np.sqrt(1 + positives.fillna(0).to_numpy(dtype=float))
    ruled = set(zip(rules["seg_id"], rules["code_id"]))
    modelled = ~np.isnan(models.thresholds)
    for j, code_id in enumerate(models.codes):
        if not modelled[j]:
            uncertainty[:, j] = [1.0 if (s, code_id) in ruled else 0.0
                                 for s in usable["seg_id"]]
    value = (uncertainty * weight).max(axis=1)
    value[~open_rows] = -1
    sites = usable["doc_id"].map(documents.set_index("doc_id")["site"]).fillna("").to_numpy()
    docs = usable["doc_id"].to_numpy()
    chosen: list[int] = []
    current = value.copy()
    for _ in range(min(n, int(open_rows.sum()))):
        pick = int(np.argmax(current))
        if current[pick] < 0:
            break
        chosen.append(pick)
        current[pick] = -1
        current = np.where((docs == docs[pick]) & (current > 0), current * 0.5, current)
        current = np.where((sites == sites[pick]) & (current > 0), current * 0.8, current)
    return _rows(chosen, usable, scores, models, ruled, value)


def _rows(chosen, usable, scores, models, ruled, value) -> pd.DataFrame:
    fitted = np.any(models.coef != 0, axis=1)    # a code too rare for a model has no score
    rows = []
    for i in chosen:
        seg_id = usable["seg_id"].iloc[i]
        best = [j for j in np.argsort(-scores[i], kind="stable").tolist() if fitted[j]]
        best = set(best[:PROPOSED_PER_SEGMENT])
        for j, code_id in enumerate(models.codes):
            proposed = scores[i, j] >= models.thresholds[j]
            if (seg_id, code_id) in ruled or proposed or j in best:
                source = ("rule" if (seg_id, code_id) in ruled else
                          "model" if proposed else LISTED)
                rows.append({"seg_id": seg_id, "code_id": code_id, "source": source,
                             "score": round(float(scores[i, j]), 4) if fitted[j] else None,
                             "value": round(float(value[i]), 4)})
    return pd.DataFrame(rows, columns=["seg_id", "code_id", "source", "score", "value"])
