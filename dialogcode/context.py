"""A segment seen with the talk around it: neighbour smoothing and topic boundaries.

A turn alone ("Yes, I agree") says little about the theme; the turns around it say
more. :func:`smooth` replaces each segment's vector with a distance-weighted mean of
itself and its neighbours in the same document (weight ``DECAY ** distance``); in a
short document the weights fall faster (:func:`decay`), so that one that changes topic
is not one blend.
:func:`boundaries` finds where the talk changes topic, TextTiling-style (Hearst 1997):
at every gap between two consecutive segments of a document, the cosine similarity of
the mean vectors of the ``window`` segments before and after it; a gap is a boundary
when its *depth* (how far the similarity falls below the highest similarity on each
side before it rises again) stands out (above mean + :data:`CUTOFF` x standard
deviation of the document's depths, and above :data:`MIN_DEPTH`) and the runs it makes are at least
:data:`MIN_RUN` segments long. Segments between two boundaries form a *run*.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter
from sklearn.preprocessing import normalize

DECAY = 0.95      # weight of a neighbour at distance d: DECAY ** d
CUTOFF = 0.5      # boundary when depth > mean + CUTOFF x std of the document's depths
MIN_RUN = 5       # segments in the shortest run
MIN_DEPTH = 0.05  # ... and depth above this (a homogeneous document stays one run)
WINDOW = 10       # segments on each side of a gap compared to find a boundary
SHARE = 0.25      # the weights' scale (1 / (1 - decay)) at most this share of a document


def _documents(doc_ids: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each document's rows; rows must be grouped by document."""
    starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
    return list(zip(starts, np.r_[starts[1:], len(doc_ids)]))


def decay(length: int, share: float = SHARE) -> float:
    """The weight's decay per segment in a document of ``length`` segments:
    :data:`DECAY`, or steeper in a short document, so that the weights' scale
    (1 / (1 - decay): 20 segments at 0.95) is at most ``share`` of the document and a
    short document that changes topic is not one blend (0: each segment alone)."""
    return min(DECAY, max(0.0, 1 - 1 / (share * length)))


def smooth(vectors: np.ndarray, doc_ids: np.ndarray, window: int,
           share: float = SHARE) -> np.ndarray:
    """Each row replaced by the L2-normalised, distance-weighted sum of the rows at most
    ``window`` positions away in the same document, weight :func:`decay` ** distance
    (rows in document order, grouped by document). ``window=0`` returns the rows
    unchanged. Linear in the rows, whatever the window: a decayed running sum each way
    (:func:`_trailing`)."""
    if window <= 0 or not len(vectors):
        return vectors
    x = vectors.astype(np.float64)
    out = x.copy()
    for start, end in _documents(doc_ids):
        rate, block = decay(end - start, share), x[start:end]
        if rate > 0:
            out[start:end] = (_trailing(block, rate, window)
                              + _trailing(block[::-1], rate, window)[::-1] - block)
    return normalize(out).astype(np.float32)


def _trailing(x: np.ndarray, rate: float, window: int) -> np.ndarray:
    """Row i: the sum of rate ** (i - j) * x[j] over i - window <= j <= i, from one
    running sum (``lfilter``) less what came before the window."""
    total = lfilter([1.0], [1.0, -rate], x, axis=0)
    if len(x) > window + 1:
        total[window + 1:] -= rate ** (window + 1) * total[:-(window + 1)]
    return total


def group_means(vectors: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The L2-normalised mean vector of each group (``groups``: 0, 1, ... per row), as
    float32: a run of talk as one unit, a document as a segment's context."""
    sums = np.zeros((groups.max() + 1 if len(groups) else 0, vectors.shape[1]), np.float64)
    np.add.at(sums, groups, vectors)
    return normalize(sums).astype(np.float32)


def boundaries(vectors: np.ndarray, doc_ids: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Run number of every row (rows in document order, grouped by document): a new
    run starts at each document and at each topic boundary found (see module doc)."""
    runs = np.zeros(len(vectors), dtype=np.int64)
    run = 0
    for start, end in _documents(doc_ids):
        cuts = _cuts(vectors[start:end], window)
        for i in range(start, end):
            if i > start and (i - start) in cuts:
                run += 1
            runs[i] = run
        run += 1
    return runs


def _cuts(x: np.ndarray, window: int) -> set[int]:
    """Row positions (within one document) where a new run starts."""
    n = len(x)
    if n < 2 * MIN_RUN:
        return set()
    sums = np.vstack([np.zeros((1, x.shape[1]), dtype=np.float64), np.cumsum(x, axis=0)])
    gaps = np.arange(1, n)
    before = sums[gaps] - sums[np.maximum(gaps - window, 0)]
    after = sums[np.minimum(gaps + window, n)] - sums[gaps]
    similarity = (normalize(before) * normalize(after)).sum(axis=1)
    depth = np.array([_depth(similarity, i) for i in range(len(similarity))])
    cutoff = max(depth.mean() + CUTOFF * depth.std(), MIN_DEPTH)
    cuts: list[int] = []
    for i in np.argsort(-depth, kind="stable"):
        position = int(gaps[i])
        if depth[i] <= cutoff:
            break
        edges = sorted([0, n, *cuts, position])
        if min(np.diff(edges)) >= MIN_RUN:
            cuts.append(position)
    return set(cuts)


def _depth(similarity: np.ndarray, i: int) -> float:
    """How far ``similarity[i]`` lies below the peaks on its left and right."""
    left = i
    while left > 0 and similarity[left - 1] >= similarity[left]:
        left -= 1
    right = i
    while right < len(similarity) - 1 and similarity[right + 1] >= similarity[right]:
        right += 1
    return float(similarity[left] + similarity[right] - 2 * similarity[i])
