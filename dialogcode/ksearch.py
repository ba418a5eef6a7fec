"""Choosing k and fitting k-means for :mod:`dialogcode.cluster`.

Each k is fitted with :data:`SEEDS` seeds; the k report gives the silhouette of the
best run (lowest inertia), the stability (mean adjusted Rand index between the runs)
and the smallest cluster. k-means starts from the codes' centroids (up to half of k)
and k-means++ for the rest. docs/clustering.md explains the report.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

SEEDS = 3                    # runs per k in the k search
LARGE = 20_000               # above this many segments: MiniBatchKMeans
SILHOUETTE_SAMPLE = 3_000    # silhouette is computed on a sample of this many
MAX_ITER = 100               # k-means iterations at most (smoothed vectors converge slowly)
TOLERANCE = 0.2             # the smallest k scoring within this share of the best is chosen
K_REPORT_COLUMNS = ["k", "silhouette", "stability", "smallest", "score", "chosen"]


def _plus_plus(x: np.ndarray, fixed: np.ndarray, n_new: int, rng) -> np.ndarray:
    """k-means++ (greedy, as scikit-learn does it) for ``n_new`` centres, given the
    ``fixed`` ones: new centres come from segments far from every centre so far."""
    centres = list(fixed)
    trials = 2 + int(np.log(len(fixed) + n_new))
    if not centres:
        centres.append(x[rng.integers(len(x))])
        n_new -= 1
    norms = (x ** 2).sum(axis=1)

    def squared(points):   # squared distances of every segment to each of ``points``
        points = np.atleast_2d(points)
        return np.maximum(norms[:, None] + (points ** 2).sum(axis=1) - 2 * x @ points.T, 0)

    closest = squared(np.asarray(centres)).min(axis=1)
    for _ in range(n_new):
        weights = closest / closest.sum() if closest.sum() > 0 else None
        candidates = rng.choice(len(x), size=trials, p=weights)
        distances = np.minimum(closest[:, None], squared(x[candidates]))
        best = int(np.argmin(distances.sum(axis=0)))
        centres.append(x[candidates[best]])
        closest = distances[:, best]
    return np.asarray(centres, dtype=x.dtype)


def fit(x: np.ndarray, k: int, seeds: np.ndarray, seed: int, weights=None):
    """(labels, inertia) of k-means on ``x`` (rows weighted by ``weights``) starting
    from the code ``seeds``."""
    init = _plus_plus(x, seeds, k - len(seeds), np.random.default_rng(seed))
    model = (MiniBatchKMeans(k, init=init, n_init=1, batch_size=4096, random_state=seed)
             if len(x) > LARGE else KMeans(k, init=init, n_init=1, max_iter=MAX_ITER,
                                           random_state=seed))
    labels = model.fit_predict(x, sample_weight=weights)
    return labels, float(model.inertia_)


def seed_codes(x: np.ndarray, centroids: np.ndarray, k: int) -> list[int]:
    """Indexes of the codes that start a cluster: at most k // 2, those that are the
    nearest code of most segments among the half of the segments closest to any code
    (and of at least 2)."""
    if not len(centroids):
        return []
    similarity = x @ centroids.T
    nearest = similarity.argmax(axis=1)
    best = similarity[np.arange(len(x)), nearest]
    close = best >= np.median(best)
    votes = np.bincount(nearest[close], minlength=len(centroids))
    ranked = [i for i in np.argsort(-votes, kind="stable") if votes[i] >= 2]
    return ranked[:k // 2]


def _search(x, weights, centroids, ks, seed, min_size):
    """The k report, the chosen k, and per k the labels and seed of the run (of
    :data:`SEEDS`) with the lowest inertia. A k whose smallest cluster holds fewer
    than ``min_size`` segments is chosen only when no k avoids that."""
    rows, fits = [], {}
    for k in ks:
        seeds = centroids[seed_codes(x, centroids, k)]
        runs = [fit(x, k, seeds, seed + i, weights) for i in range(SEEDS)]
        best = min(range(SEEDS), key=lambda i: (runs[i][1], i))
        labels = runs[best][0]
        silhouette = (silhouette_score(x, labels, sample_size=min(SILHOUETTE_SAMPLE, len(x)),
                                       random_state=seed)
                      if 1 < len(set(labels)) < len(x) else np.nan)
        stability = np.mean([adjusted_rand_score(runs[i][0], runs[j][0])
                             for i in range(SEEDS) for j in range(i + 1, SEEDS)])
        sizes = np.bincount(labels, weights=weights, minlength=k)
        rows.append((k, round(float(silhouette), 4), round(float(stability), 4),
                     int(sizes.min())))
        fits[k] = (labels, seed + best)
    report = pd.DataFrame(rows, columns=K_REPORT_COLUMNS[:4])
    report["score"] = (report["silhouette"].fillna(-1) * report["stability"]).round(4)
    report, chosen = _rechoose(report, min_size)
    return report, fits, chosen


def search_k(units, weights, centroids, k, k_range, seed, min_size):
    """(k report, fits, chosen k, notes): ``k`` fixed, searched in ``k_range``, or
    ``"auto"``: the range widened (down to 2, up to doubling) while the best k is at
    one of its ends and a wider range is possible."""
    most = max(2, min(len(units) - 1, int(np.sum(weights) // max(min_size, 1))))
    if k not in (None, "auto"):
        return (*_search(units, weights, centroids, [k], seed, min_size), [])
    low, high = max(2, k_range[0]), max(2, min(k_range[1], most))
    tried, notes = {}, []
    if low > high:
        notes.append(f"the k range starts at {low}, but {int(np.sum(weights))} segments "
                     f"in clusters of at least {min_size} allow at most {high}: k={high} "
                     "was searched instead")
        low = high
    while True:
        ks = [v for v in range(low, high + 1) if v not in tried]
        report, fits, chosen = _search(units, weights, centroids, ks, seed, min_size)
        tried.update({row.k: (row, fits[row.k]) for row in report.itertuples(index=False)})
        report = pd.DataFrame([tried[v][0] for v in sorted(tried)]).drop(columns="chosen")
        report, chosen = _rechoose(report, min_size)
        fits = {v: tried[v][1] for v in tried}
        at_top, at_bottom = chosen == high and high < most, chosen == low and low > 2
        if k != "auto" or not (at_top or at_bottom):
            break
        low, high = (2, high) if at_bottom else (low, min(most, 2 * high))
    if k is None and len(report) > 1:
        if chosen == high and high < most:
            notes.append(f"the best k ({chosen}) is the top of the range searched: "
                         "try --k auto or a wider --k-range")
        elif chosen == low and low > 2:
            notes.append(f"the best k ({chosen}) is the bottom of the range searched: "
                         "try --k auto or a wider --k-range")
    return report, fits, chosen, notes


def _rechoose(report: pd.DataFrame, min_size: int) -> tuple[pd.DataFrame, int]:
    """``report`` with its ``chosen`` column, and the chosen k: among the k whose
    smallest cluster holds ``min_size`` segments (any k if none does), the smallest
    whose score is within :data:`TOLERANCE` of the best."""
    usable = report[report["smallest"] >= min_size]
    usable = report if usable.empty else usable
    best = usable["score"].max()
    chosen = int(usable.loc[usable["score"] >= best - TOLERANCE * abs(best), "k"].min())
    return report.assign(chosen=report["k"] == chosen), chosen
