"""Agreement coefficients, computed from reliability data reduced to a *tally*: the
distinct units (each coder's value, or missing) with how many units have each.

Every coefficient is a function of the tally, so a bootstrap that resamples units is a
multinomial draw of the tally's counts, and codes over 100,000 segments with three
coders reduce to at most 27 distinct units. Definitions (q values; n_uc the coders giving
unit u value c; m_u the coders giving u a value; *pairable* units have m_u >= 2,
*complete* units a value from every coder):

- **percent agreement**: share of pairable units where every value is the same.
- **Brennan-Prediger**: (P_a - 1/q) / (1 - 1/q), P_a the mean over pairable units of
  sum_c n_uc (n_uc - 1) / (m_u (m_u - 1)) (Gwet's form for missing values).
- **Fleiss' kappa** (1971), on complete units: (P - P_e) / (1 - P_e), P the mean of
  sum_c n_uc (n_uc - 1) / (m (m - 1)), P_e = sum_c p_c^2 with p_c the share of values c.
- **Cohen's kappa** of two coders, and **Light's kappa** (the mean of Cohen's kappa over
  every pair of coders), on complete units.
- **Krippendorff's alpha**: 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck, with o the
  coincidence matrix of the pairable units, n_c its margins, n = sum n_c and d the
  nominal, ordinal or interval difference (Krippendorff 2011, *Computing Krippendorff's
  alpha-reliability*).

A coefficient is NaN when it is 0/0: no units, or no variation (every value the same),
which gives no evidence that coders can tell the values apart.

Intervals: percentile 95% intervals. Alpha's follows Hayes and Krippendorff (2007) as
Krippendorff's *Algorithm for bootstrapping a distribution of alpha* gives it: M pairs
of values are drawn from the coincidence matrix (a multinomial draw), the expected
disagreement is kept, draws below -1 count as -1 and draws whose pairs all share one
value (no variation) as 0. M is the pairs of values coded, sum_u m_u (m_u - 1) / 2 over
the pairable units (:func:`value_pairs`). The algorithm's M = n (coders - 1) / 2 is that
number when no value is missing, and more when some are: four coders reading in pairs
would draw three times the pairs coded, and an interval about 0.58 as wide (in
simulation covering the true alpha 76-79 times in 100, not 95; drawing the pairs coded,
94-95). With three or more values to a unit, whose pairs are not independent, the
interval is still narrower than resampling units gives (in simulation of three coders,
88 in 100 either way). The algorithm (and Hayes' KALPHA macro) also caps M at 25 x the
non-zero cells of the matrix, a limit on computing time: on a code over 400 segments it
would draw 100 pairs, and over 100,000 segments still 100, making the interval as wide
as a 100-pair study's. Drawing M pairs at once costs nothing, so there is no cap here;
where the cap does not bind and no value is missing (small complete studies) the
intervals are the same. The other coefficients resample units.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import DialogcodeError

LEVELS = ("nominal", "ordinal", "interval")
CONFIDENCE = (2.5, 97.5)
_CELLS_PER_CHUNK = 4_000_000          # draws x unit types held at once in a bootstrap


@dataclass(frozen=True)
class Tally:
    """Distinct units: ``types`` (units x coders: value index 0..values-1, -1 missing)
    and ``counts`` (how many units are of each type)."""

    types: np.ndarray
    counts: np.ndarray
    values: int

    @property
    def coders(self) -> int:
        return self.types.shape[1]


def tally(labels: np.ndarray, values: int) -> Tally:
    """The tally of a units x coders array of value indices (-1 missing)."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.ndim != 2:
        raise DialogcodeError("reliability data must be a 2-D array")
    coders = labels.shape[1]
    if coders and (values + 1) ** coders < 2 ** 62:
        ids = (labels + 1) @ (values + 1) ** np.arange(coders, dtype=np.int64)
        unique, counts = np.unique(ids, return_counts=True)
        return from_ids(unique, counts, coders, values)
    types, counts = np.unique(labels, axis=0, return_counts=True)
    return Tally(types.reshape(-1, coders), counts, values)


def from_ids(ids: np.ndarray, counts: np.ndarray, coders: int, values: int) -> Tally:
    """A tally from unit types written as numbers in base ``values + 1`` (digit k is
    coder k's value + 1, 0 for missing)."""
    digits = (np.asarray(ids, dtype=np.int64)[:, None]
              // (values + 1) ** np.arange(coders, dtype=np.int64)) % (values + 1)
    return Tally(digits - 1, np.asarray(counts), values)


def combine(tallies: list[Tally]) -> Tally:
    """One tally of all the units of several (same coders, same values)."""
    first = tallies[0]
    return tally_weighted(np.concatenate([t.types for t in tallies]),
                          np.concatenate([t.counts for t in tallies]), first.values)


def tally_weighted(types: np.ndarray, counts: np.ndarray, values: int) -> Tally:
    unique, inverse = np.unique(types, axis=0, return_inverse=True)
    return Tally(unique.reshape(-1, types.shape[1]),
                 np.bincount(inverse.ravel(), weights=counts).astype(np.int64), values)


class _Parts:
    """Per unit type: values counted, whether pairable or complete, agreement."""

    def __init__(self, data: Tally):
        types, q = data.types, data.values
        self.q, self.coders = q, data.coders
        self.onehot = [np.eye(q + 1)[types[:, k] + 1][:, 1:] for k in range(data.coders)]
        self.n = np.sum(self.onehot, axis=0) if data.coders else np.zeros((len(types), q))
        self.m = self.n.sum(axis=1)
        self.pairable = (self.m >= 2).astype(float)
        self.complete = (self.m == data.coders).astype(float)
        self.unanimous = self.pairable * (self.n.max(axis=1, initial=0) == self.m)
        pairs = (self.n * (self.n - 1)).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.pair_agreement = np.where(self.m >= 2, pairs / (self.m * (self.m - 1)), 0)
        self.types = types


def _divide(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, np.nan, a / np.where(b == 0, 1, b))


def _chance_corrected(observed, chance):
    chance = np.asarray(chance, dtype=float)
    return np.where(np.isclose(chance, 1), np.nan,
                    _divide(observed - chance, 1 - np.where(np.isclose(chance, 1), 0, chance)))


def _pair_kappa(parts: _Parts, weights: np.ndarray, i: int, j: int) -> np.ndarray:
    mask = parts.complete
    units = weights @ mask
    same = (parts.types[:, i] == parts.types[:, j]) * mask
    first = _divide(weights @ (parts.onehot[i] * mask[:, None]), units[:, None])
    second = _divide(weights @ (parts.onehot[j] * mask[:, None]), units[:, None])
    return _chance_corrected(_divide(weights @ same, units), (first * second).sum(axis=1))


def unit_statistics(data: Tally, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Every coefficient but alpha for each row of ``weights`` (draws x unit types: how
    many units of each type)."""
    parts = _Parts(data)
    pairable = weights @ parts.pairable
    pairwise = _divide(weights @ parts.pair_agreement, pairable)
    q = parts.q
    out = {"percent_agreement": _divide(weights @ parts.unanimous, pairable),
           "brennan_prediger": _divide(pairwise - 1 / q, 1 - 1 / q) if q > 1
           else np.full(len(weights), np.nan)}
    complete = weights @ parts.complete
    coders = parts.coders
    agreement = _divide(weights @ (parts.complete * (parts.n * (parts.n - 1)).sum(axis=1)),
                        complete * coders * (coders - 1))
    shares = _divide(weights @ (parts.n * parts.complete[:, None]), complete[:, None] * coders)
    out["fleiss_kappa"] = _chance_corrected(agreement, (shares ** 2).sum(axis=1))
    if coders == 2:
        out["cohen_kappa"] = _pair_kappa(parts, weights, 0, 1)
    elif coders > 2:
        out["light_kappa"] = np.mean([_pair_kappa(parts, weights, i, j)
                                      for i, j in combinations(range(coders), 2)], axis=0)
    return out


def coincidences(data: Tally) -> np.ndarray:
    """Krippendorff's values x values coincidence matrix of the pairable units."""
    parts = _Parts(data)
    keep = parts.m >= 2
    n, m, counts = parts.n[keep], parts.m[keep], data.counts[keep]
    weighted = n * (counts / (m - 1))[:, None]
    return weighted.T @ n - np.diag(weighted.sum(axis=0))


def differences(totals: np.ndarray, level: str, numbers: np.ndarray | None = None
                ) -> np.ndarray:
    """Krippendorff's squared difference d_ck between values: nominal (0 or 1), interval
    ((v_c - v_k)^2, ``numbers`` giving v) or ordinal (from the value totals n_c, values
    ranked by ``numbers``)."""
    size = len(totals)
    if level == "nominal":
        return 1 - np.eye(size)
    if numbers is None:
        raise DialogcodeError(f"{level} alpha needs numeric values")
    numbers = np.asarray(numbers, dtype=float)
    if level == "interval":
        return (numbers[:, None] - numbers[None, :]) ** 2
    order = np.argsort(numbers, kind="stable")
    ranked = np.asarray(totals, dtype=float)[order]
    cumulative = np.concatenate([[0], np.cumsum(ranked)])
    low, high = np.minimum.outer(np.arange(size), np.arange(size)), \
        np.maximum.outer(np.arange(size), np.arange(size))
    spans = cumulative[high + 1] - cumulative[low] - (ranked[low] + ranked[high]) / 2
    result = np.empty((size, size))
    result[np.ix_(order, order)] = spans ** 2
    return result


def alpha_from(matrix: np.ndarray, delta: np.ndarray) -> float:
    """Krippendorff's alpha of a coincidence matrix; NaN without variation."""
    totals = matrix.sum(axis=0)
    n = totals.sum()
    expected = totals @ delta @ totals
    if n < 2 or np.isclose(expected, 0):
        return float("nan")
    return float(1 - (n - 1) * (matrix * delta).sum() / expected)


def value_pairs(values: np.ndarray, counts: np.ndarray | None = None) -> int:
    """The pairs of values coded, sum_u m_u (m_u - 1) / 2, of units with ``values`` m_u
    (units with fewer than two pair with none), each unit ``counts`` times (default
    once): the pairs :func:`alpha_interval` draws."""
    values = np.asarray(values, dtype=float)
    counts = np.ones(len(values)) if counts is None else np.asarray(counts, dtype=float)
    return round(float((counts * values * np.maximum(values - 1, 0)).sum() / 2))


def alpha_interval(matrix: np.ndarray, delta: np.ndarray, pairs: int, draws: int,
                   rng: np.random.Generator) -> tuple[float, float]:
    """Hayes and Krippendorff's bootstrap 95% interval of alpha (see the module doc),
    drawing ``pairs`` pairs of values (:func:`value_pairs` of the data). Pairs of
    different values are drawn by their difference (pairs with the same difference
    count alike), pairs of one value cell by cell (a draw of pairs all in one cell has
    no variation), which is the same draw as cell by cell, and cheap for groups of
    hundreds of codes."""
    totals = matrix.sum(axis=0)
    n = totals.sum()
    expected = totals @ delta @ totals / (n * (n - 1)) if n > 1 else 0
    if draws <= 0 or np.isclose(expected, 0) or not np.isfinite(expected) or pairs < 1:
        return float("nan"), float("nan")
    low, high = np.tril_indices(len(totals), k=-1)
    differences_, where = np.unique(delta[low, high], return_inverse=True)
    apart = np.bincount(where.ravel(), weights=2 * matrix[low, high],
                        minlength=len(differences_))
    probability = np.clip(np.concatenate([np.diag(matrix), apart]), 0, None)
    probability /= probability.sum()
    counts = rng.multinomial(pairs, probability, size=draws)
    same = len(totals)
    alphas = 1 - counts[:, same:] @ differences_ / (pairs * expected)
    alphas = np.maximum(alphas, -1.0)
    alphas[(counts[:, :same] == pairs).any(axis=1)] = 0.0
    return tuple(float(v) for v in np.percentile(alphas, CONFIDENCE))


def unit_intervals(data: Tally, draws: int, rng: np.random.Generator
                   ) -> dict[str, tuple[float, float]]:
    """Percentile 95% intervals of :func:`unit_statistics`, resampling pairable units."""
    pairable = _Parts(data).m >= 2
    kept = Tally(data.types[pairable], data.counts[pairable], data.values)
    total = int(kept.counts.sum())
    if draws <= 0 or total == 0:
        return {}
    share = kept.counts / total
    chunk = max(1, _CELLS_PER_CHUNK // max(1, len(share)))
    results: dict[str, list[np.ndarray]] = {}
    for start in range(0, draws, chunk):
        weights = rng.multinomial(total, share, size=min(chunk, draws - start))
        for name, values in unit_statistics(kept, weights.astype(float)).items():
            results.setdefault(name, []).append(values)
    intervals = {}
    for name, parts in results.items():
        values = np.concatenate(parts)
        values = values[np.isfinite(values)]
        intervals[name] = (tuple(float(v) for v in np.percentile(values, CONFIDENCE))
                           if len(values) else (float("nan"), float("nan")))
    return intervals


# Coefficients of coders x units arrays (the layout of the krippendorff package), for
# notebooks and for checking against other implementations.

def _reliability(data, level: str = "nominal") -> tuple[Tally, np.ndarray | None]:
    """Tally of a coders x units array (NaN or None missing) and the values' numbers."""
    values = np.asarray(data, dtype=object)
    if values.ndim != 2:
        raise DialogcodeError("reliability data must be a 2-D coders x units array")
    flat = pd.Series(values.ravel())
    missing = flat.isna().to_numpy()
    if level == "nominal":
        codes, categories = pd.factorize(flat)
        numbers = None
    else:
        numeric = pd.to_numeric(flat, errors="coerce").to_numpy(dtype=float)
        if np.isnan(numeric[~missing]).any():
            raise DialogcodeError(f"{level} alpha needs numeric values")
        categories, codes = np.unique(numeric[~missing], return_inverse=True)
        full = np.full(len(flat), -1)
        full[~missing] = codes
        codes, numbers = full, categories
    labels = np.where(missing, -1, codes).reshape(values.shape).T
    return tally(labels, max(len(categories), 1)), numbers


def krippendorff_alpha(data, level: str = "nominal") -> float:
    """Krippendorff's alpha of a coders x units array (NaN or None for missing values) at
    ``level`` nominal, ordinal or interval (these two need numbers)."""
    if level not in LEVELS:
        raise DialogcodeError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    counted, numbers = _reliability(data, level)
    matrix = coincidences(counted)
    return alpha_from(matrix, differences(matrix.sum(axis=0), level, numbers))


def _single(data, name: str) -> float:
    counted, _ = _reliability(data)
    return float(unit_statistics(counted, counted.counts[None, :].astype(float))[name][0])


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two aligned label vectors; pairs with a missing label are dropped.
    NaN when no pairs are left or both coders used the same single label throughout."""
    if len(a) != len(b):
        raise DialogcodeError(f"label vectors differ in length ({len(a)} and {len(b)})")
    return _single([list(a), list(b)], "cohen_kappa")


def fleiss_kappa(data) -> float:
    """Fleiss' kappa of a coders x units array, on the units every coder rated."""
    return _single(data, "fleiss_kappa")


def light_kappa(data) -> float:
    """Light's kappa (mean pairwise Cohen's kappa) of three or more coders, on the units
    every coder rated."""
    return _single(data, "light_kappa")


def percent_agreement(data) -> float:
    """Share of units with two or more values where all values are the same."""
    return _single(data, "percent_agreement")


def brennan_prediger(data, values: int | None = None) -> float:
    """Brennan and Prediger's kappa with ``values`` categories (default: those used)."""
    counted, _ = _reliability(data)
    if values is not None:
        counted = Tally(counted.types, counted.counts, values)
    return float(unit_statistics(counted, counted.counts[None, :].astype(float))
                 ["brennan_prediger"][0])
