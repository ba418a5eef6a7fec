"""Which segments a person should code next: those the models are least sure of (measured,
no better than random segments or whole documents: bench/README.md, `bench/active.py`).

Each segment nobody has coded or decided on gets a value per code (a segment coded only
by coders who looked for some codes only, ``coders:`` in dialogcode.yaml, gets one for
the other codes, which `learn` takes as unknown there): how uncertain the code's model is
there (1 at its threshold, falling to 0 at a score of 0 or 1), weighed up
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


def coded_or_decided(study, segments: pd.DataFrame, documents: pd.DataFrame, book,
                     decisions: pd.DataFrame | None = None
                     ) -> tuple[set[str], dict[str, set[str]]]:
    """(the seg_ids a person has coded or decided, which :func:`next_items` passes over;
    the codes each other segment was coded for, where only coders who looked for some
    codes only read it). Coded: those of review ``decisions`` (default: the study's
    decisions in force), and every segment of a document a coder in codings/ coded (a
    coder file leaves out the segments its coder read and found nothing in) for the
    codes that coder looked for (every code, or those ``coders:`` in dialogcode.yaml
    lists: :mod:`dialogcode.scopes`), so that the others, unknown to `learn` there, can
    be asked about. Raises CodingsError for a bad coder file, ReviewError for a bad
    decisions.csv, ConfigError for a bad ``coders:``."""
    from .coders import coder_names, coder_path, read_coder
    from .review import in_force, load_decisions
    from .scopes import coder_scopes

    if decisions is None:
        decisions = in_force(load_decisions(study), documents, segments)
    known = set(decisions["seg_id"])
    scopes = coder_scopes(study, book)
    covered: dict[str, set[str]] = {}
    for coder in coder_names(study):
        human = read_coder(coder_path(study, coder), segments, coder, documents=documents,
                           study=study)
        read = segments.loc[segments["doc_id"].isin(set(human["doc_id"].dropna())), "seg_id"]
        if coder not in scopes:
            known |= set(read)
        for seg_id in read if coder in scopes else ():
            covered.setdefault(seg_id, set()).update(scopes[coder])
    codable = {code.id for code in book.codes.values() if code.codable}
    known |= {seg_id for seg_id, codes in covered.items() if codable <= codes}
    return known, {seg_id: codes for seg_id, codes in covered.items() if seg_id not in known}


def next_items(models: CodeModels, segments: pd.DataFrame, documents: pd.DataFrame,
               codings: pd.DataFrame, known: set[str], n: int, *,
               covered: dict[str, set[str]] | None = None, cache_dir=None) -> pd.DataFrame:
    """Review rows for the ``n`` most useful segments not in ``known`` (segments already
    coded or decided): for each, every code the rules or the model propose there plus
    the :data:`PROPOSED_PER_SEGMENT` best-scoring others, with ``source`` (``rule``,
    ``model`` or, for those others, which the model never coded: scored below its
    threshold, or with no threshold, :data:`LISTED`), ``score`` and ``value``, the
    segment's usefulness. The codes ``covered`` gives a segment (a coder who looked for
    some codes only coded them there: :func:`coded_or_decided`) add nothing to its
    value and are not listed."""
    rules = codings[codings["source"] == "rule"]
    usable, scores = segment_scores(models, segments, documents, rules, cache_dir=cache_dir)
    covered = covered or {}
    open_rows = open_segments(models, usable["seg_id"], rules, known, covered)
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
    for i, seg_id in enumerate(usable["seg_id"]):
        if seg_id in covered:
            uncertainty[i, [c in covered[seg_id] for c in models.codes]] = 0.0
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
    return _rows(chosen, usable, scores, models, ruled, value, covered)


def open_segments(models: CodeModels, seg_ids: pd.Series, rules: pd.DataFrame,
                  known: set[str], covered: dict[str, set[str]]) -> np.ndarray:
    """Which of ``seg_ids`` :func:`next_items` may pick: those not ``known``, and of
    those with ``covered`` codes, those where a code left has a model or a rule coding
    among ``rules`` (else nothing could be listed there, and the pick would take a place
    in the round for nothing)."""
    fitted = _fitted(models)
    ruled = set(zip(rules["seg_id"], rules["code_id"]))
    return np.array([seg_id not in known and (seg_id not in covered or any(
        (fitted[j] or (seg_id, code_id) in ruled) and code_id not in covered[seg_id]
        for j, code_id in enumerate(models.codes))) for seg_id in seg_ids], dtype=bool)


def _fitted(models: CodeModels) -> np.ndarray:
    """Which codes have a model (a code too rare for one has no weights, no score)."""
    return np.any(models.coef != 0, axis=1)


def _rows(chosen, usable, scores, models, ruled, value, covered) -> pd.DataFrame:
    fitted = _fitted(models)
    rows = []
    for i in chosen:
        seg_id = usable["seg_id"].iloc[i]
        asked = [code_id not in covered.get(seg_id, ()) for code_id in models.codes]
        best = [j for j in np.argsort(-scores[i], kind="stable").tolist()
                if fitted[j] and asked[j]]
        best = set(best[:PROPOSED_PER_SEGMENT])
        for j, code_id in enumerate(models.codes):
            proposed = scores[i, j] >= models.thresholds[j]
            if asked[j] and ((seg_id, code_id) in ruled or proposed or j in best):
                source = ("rule" if (seg_id, code_id) in ruled else
                          "model" if proposed else LISTED)
                rows.append({"seg_id": seg_id, "code_id": code_id, "source": source,
                             "score": round(float(scores[i, j]), 4) if fitted[j] else None,
                             "value": round(float(value[i]), 4)})
    return pd.DataFrame(rows, columns=["seg_id", "code_id", "source", "score", "value"])
