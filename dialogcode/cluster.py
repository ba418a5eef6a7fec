"""Clustering segments to find what the codebook misses.

Segments in scope (by default the *residual*: segments nothing coded) are embedded
(:mod:`dialogcode.features`) and grouped with k-means. Up to half of the starting
centroids are codes of the codebook (the mean of the code's coded segments), the rest
are chosen by k-means++ among the segments, preferring those far from every code. Each
cluster is then compared with every code's centroid: close to a code it is a *pattern
gap* (talk the code is about that its patterns miss), far from all of them a *candidate
new theme*. Thresholds are the constants below; docs/clustering.md explains them and
every output column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .choices import BACKENDS, CLUSTER_SEMANTICS
from .codebook import Codebook
from .context import boundaries as find_runs
from .context import SHARE, group_means, smooth
from .errors import DialogcodeError
from .ksearch import fit, search_k, seed_codes
from .semantic import wordllama_vectors
from .talk import (hyphenated, lone_numbers, mark_words, name_words, procedural, sound_words,
                   specificity, theme_terms)
from .features import (Features, SegmentTerms, class_terms, diverse_terms, embed,
                       segment_terms, stem, term_features)
from .quotes import pick_quotes
from .roles import SpeakerRoles
from .tables import ancestors, descendants, named_count, segment_frame, substantive

CONTEXT = 50                 # segments on each side that a segment is seen with
MIN_SIZE = 5                 # segments in the smallest cluster (configurable)
MIN_WORDS = 6                # shorter turns are left out
MIN_CODE_SEGMENTS = 3        # a code needs this many coded segments to have a centroid
GAP_DISTANCE = 0.225         # cosine distance to a code's centroid: at most -> pattern gap
SEARCH_SAMPLE = 10_000       # the k search runs on a sample of this many segments
QUOTES, LABEL_TERMS = 3, 8
LABEL_SAMPLE = 300           # segments of a cluster searched for hyphenated forms
SCOPES = ("residual", "all")

CLUSTER_COLUMNS = ["cluster_id", "size", "label", "terms", "kind", "nearest_code",
                   "distance", "seeded_from", "cohesion", "sites", "documents", "quotes"]
ASSIGNMENT_COLUMNS = ["seg_id", "doc_id", "cluster_id", "distance", "x", "y"]
LEFT_OUT_COLUMNS = ["seg_id", "doc_id", "reason"]


class TooFewToCluster(DialogcodeError):
    """Fewer than 3 segments with content words in the scope: nothing to cluster (a small
    study, or one whose talk is nearly all coded)."""


@dataclass
class Clustering:
    """What :func:`cluster_segments` found. ``term_scores`` (clusters x vocabulary,
    c-TF-IDF) and ``term_segments`` (segments of each cluster holding each term) are
    rows in ``clusters`` order; ``features`` are those of every segment used (in
    scope, or coded with a code that has a centroid). The patch is built from them."""

    clusters: pd.DataFrame
    assignments: pd.DataFrame
    k_report: pd.DataFrame
    quotes: pd.DataFrame
    scope: str
    seed: int
    term_scores: np.ndarray
    term_segments: np.ndarray
    terms: SegmentTerms
    features: Features
    left_out: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=LEFT_OUT_COLUMNS))
    notes: list[str] = field(default_factory=list)


def scope_mask(segments: pd.DataFrame, codings: pd.DataFrame, book: Codebook, scope: str,
               *, usable_only: bool = True) -> pd.Series:
    """Which segments are clustered: not a backchannel or preamble, at least
    :data:`MIN_WORDS` words, and uncoded (``residual``), any (``all``), or carrying the
    code ``scope`` or one of its sub-codes (with ``usable_only=False``, whatever their
    kind and length). Raises DialogcodeError for an unknown scope."""
    usable = (substantive(segments) & (segments["n_words"] >= MIN_WORDS) if usable_only
              else pd.Series(True, index=segments.index))
    if scope == "residual":
        return usable & ~segments["seg_id"].isin(codings["seg_id"])
    if scope == "all":
        return usable
    if scope not in book.codes:
        raise DialogcodeError(f"scope {scope!r} is neither {' nor '.join(SCOPES)} nor a code "
                              "id of the codebook")
    coded = codings.loc[codings["code_id"].isin(descendants(book, scope)), "seg_id"]
    return usable & segments["seg_id"].isin(coded)


def _in_document_order(segments: pd.DataFrame, seg_ids: np.ndarray) -> np.ndarray:
    """Positions of ``seg_ids`` sorted by document (first appearance) and ordinal."""
    table = segments.set_index("seg_id").loc[seg_ids, ["doc_id", "ordinal"]]
    rank = {d: i for i, d in enumerate(pd.unique(segments["doc_id"]))}
    return np.lexsort((table["ordinal"].to_numpy(), table["doc_id"].map(rank).to_numpy()))


def _units(x: np.ndarray, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L2-normalised mean vector, number of segments) of every run."""
    return group_means(x, runs), np.bincount(runs).astype(np.float64)


@threadpool_limits.wrap(limits=1)
def cluster_segments(segments: pd.DataFrame, documents: pd.DataFrame, codings: pd.DataFrame,
                     book: Codebook, *, scope: str = "residual", k: int | str | None = None,
                     k_range: tuple[int, int] = (4, 16), min_size: int = MIN_SIZE,
                     seed: int = 0, context: int = CONTEXT, context_share: float = SHARE,
                     boundaries: bool = False,
                     backend: str = "tfidf", semantic: str = "none", model: str = "blank",
                     cache_dir=None, terms: SegmentTerms | None = None,
                     roles: SpeakerRoles = SpeakerRoles(), progress: bool = False
                     ) -> Clustering:
    """Cluster the segments in ``scope`` (see :func:`scope_mask`) of ``segments``.

    ``codings`` are what counts as coded (:func:`dialogcode.training.counted_as_coded`:
    they define the residual and the code centroids).
    Procedural talk (:func:`dialogcode.talk.procedural`) is left out and listed in
    ``left_out`` with the other segments of the scope not clustered. Each segment is
    represented with the ``context`` segments on each side of it in its document, their
    weights falling faster in a short document (their scale at most ``context_share`` of
    its segments in scope; ``math.inf``: the same decay everywhere; see
    :func:`dialogcode.context.smooth`; ``context=0``: alone); with ``boundaries`` the documents
    are first cut into runs of talk at topic changes (:func:`dialogcode.context.boundaries`)
    and whole runs are clustered. ``k`` fixes the number of clusters; ``None`` chooses
    it in ``k_range`` (both ends included): among the k whose clusters all hold at least
    ``min_size`` segments, the smallest whose silhouette x stability is within
    :data:`dialogcode.ksearch.TOLERANCE` of the best; ``"auto"`` also widens the
    range while the best k is at one of its ends. ``terms`` may be passed when already
    computed for these segments; ``roles`` (the study's speaker roles) put staff's
    words last among the quotes. ``semantic="wordllama"`` adds the segments' WordLlama
    embeddings (:func:`dialogcode.semantic.wordllama_vectors`) to the features, with
    the same weight. Same inputs and ``seed`` give identical tables. Raises
    TooFewToCluster when fewer than 3 segments are in scope; DialogcodeError for a bad scope, k,
    k_range, context, backend or semantic (ConfigError when wordllama is not
    installed).

    Runs on one thread (BLAS, OpenMP): its many small k-means fits, SVD and silhouettes
    gain little from a second one, and on a busy shared machine threads waiting for
    each other made the whole nearly 4x slower (bench/README.md, clustering).
    """
    if backend not in BACKENDS:
        raise DialogcodeError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if semantic not in CLUSTER_SEMANTICS:
        raise DialogcodeError(f"semantic must be one of {', '.join(CLUSTER_SEMANTICS)}, "
                              f"not {semantic!r}")
    if context < 0:
        raise DialogcodeError(f"context must be 0 or more segments, not {context}")
    if not context_share > 0:
        raise DialogcodeError(f"context_share must be above 0, not {context_share}")
    if isinstance(k, str) and k != "auto":
        raise DialogcodeError(f"k must be a number or 'auto', not {k!r}")
    if not 2 <= k_range[0] <= k_range[1]:
        raise DialogcodeError(f"k_range must be (low, high) with 2 <= low <= high, not "
                              f"{tuple(k_range)}")
    if terms is None:
        terms = segment_terms(segments, documents, model=model, cache_dir=cache_dir,
                              vectors=backend == "spacy-vectors", progress=progress)
    terms = theme_terms(terms, name_words(segments, terms) | mark_words(segments, terms)
                        | sound_words(segments, terms) | lone_numbers(segments, terms))
    wanted = scope_mask(segments, codings, book, scope, usable_only=False)
    talk = procedural(segments, terms)
    in_scope = scope_mask(segments, codings, book, scope) & ~talk
    excluded = set(ancestors(book, scope)) if scope in book.codes else set()
    applied = codings.loc[codings["code_id"].isin([c.id for c in book.codes.values()
                                                   if c.id not in excluded]),
                          ["seg_id", "code_id"]].drop_duplicates()
    scoped = set(segments.loc[in_scope, "seg_id"])
    usable = scope_mask(segments, codings, book, "all") & ~talk
    fit_ids = segments.loc[in_scope | (usable & segments["seg_id"].isin(applied["seg_id"])),
                           "seg_id"]
    features = embed(term_features(terms, fit_ids), seed=seed, backend=backend, terms=terms)
    if semantic == "wordllama":
        texts = segments.set_index("seg_id").loc[features.seg_ids, "text"].tolist()
        features.vectors = normalize(np.hstack([features.vectors, wordllama_vectors(texts)])
                                     ).astype(np.float32)
    rows = np.flatnonzero([s in scoped for s in features.seg_ids])
    left_out = _left_out(segments, wanted, talk, set(features.seg_ids[rows]))
    if len(rows) < 3:
        raise TooFewToCluster(f"only {len(rows)} segment(s) with content words in scope "
                              f"{scope!r}; clustering needs at least 3")
    rows = rows[_in_document_order(segments, features.seg_ids[rows])]
    doc_ids = segments.set_index("seg_id").loc[features.seg_ids[rows], "doc_id"].to_numpy()
    raw = features.vectors[rows]
    x = smooth(raw, doc_ids, context, context_share)
    notes = []
    runs = find_runs(raw, doc_ids) if boundaries else np.arange(len(rows))
    fewest = k + 1 if isinstance(k, int) else 3      # units k-means needs for a k
    if boundaries and runs.max() + 1 < fewest:
        notes.append(f"only {runs.max() + 1} run(s) of talk"
                     + (f" for k={k}" if isinstance(k, int) else "")
                     + ": segments were clustered one by one instead")
        runs = np.arange(len(rows))
    units, weights = _units(x, runs)
    code_ids, centroids = _code_centroids(features, applied)
    if isinstance(k, int) and not 2 <= k < len(units):
        raise DialogcodeError(f"k must be between 2 and {len(units) - 1} (the segments "
                              f"clustered less one), not {k}")
    sample, sample_weights = units, weights
    if len(units) > SEARCH_SAMPLE:
        pick = np.sort(np.random.default_rng(seed).choice(len(units), SEARCH_SAMPLE,
                                                          replace=False))
        sample, sample_weights = units[pick], weights[pick]
    report, fits, chosen, found = search_k(sample, sample_weights, centroids, k, k_range,
                                            seed, min_size)
    notes += found
    seeded = seed_codes(units, centroids, chosen)
    labels, best_seed = fits[chosen]
    if sample is not units:
        labels, _ = fit(units, chosen, centroids[seeded], best_seed, weights)
    labels = _merge_small(units, weights, labels, min_size, notes)
    result = _describe(segments, documents, features, rows, x, labels[runs], chosen,
                       [code_ids[i] for i in seeded], code_ids, centroids, report, terms,
                       scope, seed, roles)
    result.left_out, result.notes = left_out, notes
    return result


def _left_out(segments, wanted, talk, clustered) -> pd.DataFrame:
    """The segments of the scope that were not clustered, with the reason."""
    reason = np.select(
        [~segments["codable"].astype(bool), segments["backchannel"].astype(bool),
         segments["n_words"] < MIN_WORDS, talk],
        ["not talk", "backchannel", "short", "procedural"], "no content words")
    table = segments.assign(reason=reason)
    table = table[wanted & ~segments["seg_id"].isin(clustered)]
    return table[LEFT_OUT_COLUMNS].reset_index(drop=True)


def _merge_small(units, weights, labels, min_size, notes) -> np.ndarray:
    """``labels`` with the units of clusters under ``min_size`` segments moved to the
    nearest remaining cluster (smallest first), unless no cluster would remain."""
    labels = labels.copy()
    sizes = np.bincount(labels, weights=weights)
    small = [c for c in np.argsort(sizes, kind="stable") if 0 < sizes[c] < min_size]
    if not small or len(small) == np.count_nonzero(sizes):
        return labels
    big = [c for c in range(len(sizes)) if sizes[c] >= min_size]
    centres = normalize(np.vstack([units[labels == c].mean(axis=0) for c in big]))
    for c in small:
        members = labels == c
        labels[members] = np.asarray(big)[np.argmax(units[members] @ centres.T, axis=1)]
    notes.append(f"{len(small)} cluster(s) under {min_size} segments were merged into "
                 "their nearest cluster")
    return labels


def _code_centroids(features: Features, applied: pd.DataFrame):
    rows = pd.Index(features.seg_ids).get_indexer(applied["seg_id"])
    applied = applied.assign(row=rows)[rows >= 0]
    code_ids, centroids = [], []
    for code_id, group in applied.groupby("code_id", sort=True):
        if len(group) >= MIN_CODE_SEGMENTS:
            mean = features.vectors[group["row"].to_numpy()].mean(axis=0)
            code_ids.append(code_id)
            centroids.append(mean / max(np.linalg.norm(mean), 1e-12))
    width = features.vectors.shape[1]
    return code_ids, np.asarray(centroids, dtype=np.float32).reshape(-1, width)


def _describe(segments, documents, features, rows, x, labels, k, seeded, code_ids, centroids,
              report, terms, scope, seed, roles) -> Clustering:
    sizes = np.bincount(labels, minlength=k)
    first = np.array([np.flatnonzero(labels == c)[0] if sizes[c] else len(labels)
                      for c in range(k)])
    order = [c for c in np.lexsort((first, -sizes)) if sizes[c]]
    renumber = np.full(k, -1)
    renumber[order] = np.arange(len(order))
    labels = renumber[labels]
    n = len(order)
    centres = np.vstack([x[labels == c].mean(axis=0) for c in range(n)])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    similarity = (x * centres[labels]).sum(axis=1)
    counts = features.counts[rows]
    scores = class_terms(counts, labels, n)
    present = (counts > 0).astype(np.float32)
    member = np.zeros((n, len(labels)), dtype=np.float32)
    member[labels, np.arange(len(labels))] = 1
    term_segments = np.asarray(member @ present).astype(int)
    ids = features.seg_ids[rows]
    members = segment_frame(segments[segments["seg_id"].isin(ids)], documents)
    members = members.set_index("seg_id", drop=False).loc[ids]
    xy = (PCA(n_components=2, svd_solver="covariance_eigh").fit_transform(x)
          if x.shape[1] > 1 else np.hstack([x, np.zeros_like(x)]))
    assignments = pd.DataFrame({
        "seg_id": members["seg_id"].to_numpy(), "doc_id": members["doc_id"].to_numpy(),
        "cluster_id": labels + 1, "distance": np.round(1 - similarity, 4),
        "x": np.round(xy[:, 0], 4), "y": np.round(xy[:, 1], 4)}, columns=ASSIGNMENT_COLUMNS)
    # what a cluster is about: the mean of its segments' own vectors, without context;
    # its quotes are the segments whose own words are nearest it (a chat about the
    # weather inside a run of talk about rent is near the run's centre, not its theme)
    raw = features.vectors[rows]
    own = normalize(np.vstack([raw[labels == c].mean(axis=0) for c in range(n)]))
    quotes = _quotes(members, labels, (raw * own[labels]).sum(axis=1), roles)
    to_codes = own @ centroids.T if len(code_ids) else np.zeros((n, 0))
    specific = specificity(list(features.vocabulary))
    rows_out = []
    for c in range(n):
        inside = members[labels == c]
        nearest, distance = None, None
        if len(code_ids):
            best = int(np.argmax(to_codes[c]))
            nearest, distance = code_ids[best], round(float(1 - to_codes[c, best]), 4)
        top = _label_terms(scores[c] * specific, features.vocabulary, terms,
                           inside["text"].head(LABEL_SAMPLE).tolist())
        picked = quotes[quotes["cluster_id"] == c + 1]
        start = order[c]
        rows_out.append({
            "cluster_id": c + 1, "size": int(sizes[start]), "label": " / ".join(top[:3]),
            "terms": "; ".join(top),
            "kind": "pattern gap" if distance is not None and distance <= GAP_DISTANCE
            else "new theme",
            "nearest_code": nearest, "distance": distance,
            "seeded_from": seeded[start] if start < len(seeded) else None,
            "cohesion": round(float(similarity[labels == c].mean()), 4),
            "sites": int(named_count(inside["site"])),
            "documents": int(inside["doc_id"].nunique()),
            "quotes": quote_lines(picked)})
    return Clustering(pd.DataFrame(rows_out, columns=CLUSTER_COLUMNS), assignments, report,
                      quotes, scope, seed, scores, term_segments, terms, features)


def _label_terms(scores, vocabulary, terms, texts) -> list[str]:
    """Up to :data:`LABEL_TERMS` terms by ``scores`` (c-TF-IDF weighed by
    :func:`~dialogcode.talk.specificity`) in their written form, hyphenated words whole
    (``long-term care``), one per word stem."""
    chosen, covered = [], set()
    for term in diverse_terms(scores, vocabulary, 2 * LABEL_TERMS):
        shown = hyphenated(terms.display(term), texts)
        stems = {stem(w) for w in re.split(r"[\s-]+", shown) if w}
        if stems & covered:
            continue
        chosen.append(shown)
        covered |= stems
        if len(chosen) == LABEL_TERMS:
            break
    return chosen


def _quotes(members: pd.DataFrame, labels: np.ndarray, similar: np.ndarray,
            roles: SpeakerRoles) -> pd.DataFrame:
    """The clusters' representative quotes: the segments most ``similar`` to their
    cluster, spread across sites, speakers and documents
    (:func:`dialogcode.quotes.pick_quotes`)."""
    pool = members.assign(cluster_id=labels + 1, score=np.round(similar.astype(np.float64), 4))
    pool = (pool.sort_values(["cluster_id", "score"], ascending=[True, False], kind="stable")
            .groupby("cluster_id").head(20))
    pool = pool.assign(quote=pool["text"].str.split().str.join(" "))
    picked = pick_quotes(pool, QUOTES, key="cluster_id", roles=roles)
    return picked[["cluster_id", "rank", "seg_id", "doc_id", "site", "speaker", "score",
                   "quote"]].rename(columns={"score": "similarity"})


def quote_lines(quotes: pd.DataFrame) -> str:
    """A cluster's quotes (rows with ``seg_id`` and ``quote``) as the clusters table's
    ``quotes`` column shows them: one ``[seg_id] shortened quote`` line each."""
    return "\n".join(f"[{q.seg_id}] {shorten(q.quote)}" for q in quotes.itertuples())


def shorten(text: str, words: int = 40) -> str:
    """The first ``words`` words of ``text`` (whitespace collapsed)."""
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
