"""Intercoder agreement: how far two or more codings of the same documents agree.

Every (code, coder, segment) gets one value: 1 if the coder applied the code to the
segment, 0 if the coder coded the segment's document but not with this code, and missing
if the coder did not code that document at all. Agreement statistics use only segments
with values from at least two coders.

Where there is no variation at all (every value is the same category, e.g. a code that
nobody applied), Krippendorff's alpha and Cohen's kappa are 0/0. They are reported as NaN
with verdict ``n/a``, not as 1.0: identical codings that never use a code give no evidence
that coders can tell where it applies, so "reliable" would be false assurance. (The
``krippendorff`` package refuses such data and scikit-learn returns NaN too.) Percent
agreement is still reported, 1.0 in that case.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .choices import AGREEMENT_UNITS as UNITS
from .errors import ArgumentError, DialogcodeError, Problem

ALL_CODES = "(all codes)"
SEGMENT_COLUMNS = ["seg_id", "doc_id", "start", "end", "speaker", "text"]
_FIXED_COLUMNS = ["seg_id", "doc_id", "code_id", "speaker", "text", "coded_by"]


@dataclass
class Agreement:
    """Result of :func:`agree`: one row per code (plus all codes pooled), the segments
    where coders differ, the unit compared and the coders in mapping order."""

    per_code: pd.DataFrame
    disagreements: pd.DataFrame
    unit: str
    coders: list[str]


def _labels(data) -> np.ndarray:
    """Integer category labels of a 2-D array-like, -1 where a value is NaN or None."""
    values = np.asarray(data, dtype=object)
    if values.ndim != 2:
        raise DialogcodeError("reliability data must be a 2-D coders x units array")
    labels, _ = pd.factorize(values.ravel())
    return labels.reshape(values.shape)


def krippendorff_alpha(data) -> float:
    """Krippendorff's alpha for nominal data given as a coders x units array (NaN or None
    for missing values), computed from the coincidence matrix. Units with fewer than two
    values are dropped. NaN when there are no pairable values or only one category."""
    labels = _labels(data)
    coder_idx, unit_idx = np.nonzero(labels >= 0)
    counts = np.zeros((labels.shape[1], labels.max(initial=-1) + 1))   # units x categories
    np.add.at(counts, (unit_idx, labels[coder_idx, unit_idx]), 1)
    pairable = counts.sum(axis=1)
    counts, pairable = counts[pairable >= 2], pairable[pairable >= 2]
    weighted = counts / (pairable - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = coincidences.sum(axis=0)
    n = totals.sum()
    expected = n * n - (totals ** 2).sum()          # n(n-1) times expected disagreement
    if expected == 0:
        return float("nan")
    return float(1 - (n - 1) * (n - np.trace(coincidences)) / expected)


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two aligned label vectors; pairs with a missing label are dropped.
    NaN when no pairs are left or both coders used the same single label throughout."""
    if len(a) != len(b):
        raise DialogcodeError(f"label vectors differ in length ({len(a)} and {len(b)})")
    first, second = _labels([list(a), list(b)])
    both = (first >= 0) & (second >= 0)
    first, second = first[both], second[both]
    if not both.any():
        return float("nan")
    size = max(first.max(), second.max()) + 1
    chance = (np.bincount(first, minlength=size) @ np.bincount(second, minlength=size)
              / len(first) ** 2)
    if chance == 1:
        return float("nan")
    return float(((first == second).mean() - chance) / (1 - chance))


def _verdict(alpha: float) -> str:
    """Krippendorff's thresholds, on alpha rounded to three decimals as it is reported."""
    if np.isnan(alpha):
        return "n/a"
    alpha = round(alpha, 3)
    return "reliable" if alpha >= 0.8 else "tentative" if alpha >= 0.667 else "do not rely"


def _listed(ids: Sequence, limit: int = 5) -> str:
    return ", ".join(map(str, ids[:limit])) + (", ..." if len(ids) > limit else "")


def _argument_problems(codings: Mapping[str, pd.DataFrame], segments: pd.DataFrame,
                       unit: str, reference: str | None, min_overlap: float) -> list[Problem]:
    problems = []
    if len(codings) < 2:
        problems.append(Problem("agreement needs at least two codings"))
    if unit not in UNITS:
        problems.append(Problem(f"unit must be one of {', '.join(UNITS)}, not {unit!r}"))
    if reference is not None and (reference not in codings or len(codings) != 2):
        problems.append(Problem(f"reference {reference!r} must name one of exactly two codings"))
    if not 0 < min_overlap <= 1:
        problems.append(Problem(f"min_overlap must be in (0, 1], not {min_overlap}"))
    lacking = [c for c in SEGMENT_COLUMNS if c not in segments]
    if lacking:
        problems.append(Problem(f"segments table lacks column(s) {', '.join(lacking)}"))
    for name, coding in codings.items():
        if not isinstance(name, str) or not name or name in _FIXED_COLUMNS:
            problems.append(Problem(f"coder name {name!r} is empty or clashes with a column"))
        lacking = [c for c in ("doc_id", "code_id") if c not in coding]
        if "seg_id" not in coding and not {"start", "end"} <= set(coding):
            lacking.append("seg_id (or start and end)")
        if lacking:
            problems.append(Problem(f"coding lacks column(s) {', '.join(lacking)}", key=str(name)))
    return problems


def _hash_problems(name: str, coding: pd.DataFrame, documents: pd.DataFrame | None
                   ) -> list[Problem]:
    """One problem per document this coder coded against text other than ``documents``'."""
    if documents is None or "sha256" not in coding:
        return []
    seen = coding[["doc_id", "sha256"]].dropna().merge(
        documents[["doc_id", "sha256"]], on="doc_id", suffixes=("", "_now"))
    stale = seen.loc[seen["sha256"] != seen["sha256_now"], "doc_id"].unique()
    return [Problem(f"document {doc_id!r} was coded against different text (its sha256 "
                    "differs from the documents table); recode it or leave it out", key=name)
            for doc_id in stale]


def _locate(name: str, coding: pd.DataFrame, bounds: pd.DataFrame
            ) -> tuple[pd.DataFrame, list[Problem]]:
    """The coder's applied codes as (seg_id, doc_id, code_id, start, end), spans clipped to
    the segments they overlap, and what is wrong with the coding. Rows with a seg_id keep
    it (without offsets they cover the whole segment); rows without one are placed by
    offsets."""
    applied = coding[coding["code_id"].notna()]
    frame = pd.DataFrame({"given_doc": applied["doc_id"], "code_id": applied["code_id"]})
    for column, empty in (("seg_id", None), ("start", np.nan), ("end", np.nan)):
        frame[column] = applied[column] if column in applied else empty
    has_seg = frame["seg_id"].notna()
    unplaced = ~has_seg & (frame["start"].isna() | frame["end"].isna())
    by_seg = frame[has_seg].merge(bounds, on="seg_id", how="left", indicator=True)
    by_span = frame[~has_seg & ~unplaced].drop(columns="seg_id").merge(
        bounds, left_on="given_doc", right_on="doc_id")
    by_span = by_span[(by_span["start"] < by_span["seg_end"])
                      & (by_span["end"] > by_span["seg_start"])]
    checks = [
        ("unknown doc_id(s)", sorted(set(coding["doc_id"].dropna()) - set(bounds["doc_id"]))),
        ("unknown seg_id(s)", by_seg.loc[by_seg["_merge"] == "left_only", "seg_id"].unique()),
        ("seg_id(s) under another doc_id", by_seg.loc[
            (by_seg["_merge"] == "both") & (by_seg["doc_id"] != by_seg["given_doc"]),
            "seg_id"].unique()),
        ("row(s) with neither seg_id nor start/end", frame.index[unplaced]),
    ]
    problems = [Problem(f"{len(ids)} {what}: {_listed(list(ids))}", key=name)
                for what, ids in checks if len(ids)]
    located = pd.concat([by_seg[by_seg["_merge"] == "both"], by_span], ignore_index=True)
    located["start"] = located[["start", "seg_start"]].max(axis=1)
    located["end"] = located[["end", "seg_end"]].min(axis=1)
    return located[["seg_id", "doc_id", "code_id", "start", "end"]], problems


def _covered(spans: list[tuple[float, float]]) -> float:
    """Characters covered by the union of the [start, end) spans."""
    total, reach = 0.0, -np.inf
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def _span_presence(located: pd.DataFrame, min_overlap: float) -> pd.DataFrame:
    """(coder, seg_id, code_id) where the coder's spans of the code cover at least
    ``min_overlap`` of the union of all coders' spans of it within the segment."""
    spans = located[located["end"] > located["start"]].sort_values(["seg_id", "code_id"])
    rows = []
    keyed = zip(spans["seg_id"], spans["code_id"], spans["coder"], spans["start"], spans["end"])
    for (seg_id, code_id), group in groupby(keyed, key=itemgetter(0, 1)):
        by_coder: dict[str, list] = {}
        for *_, coder, start, end in group:
            by_coder.setdefault(coder, []).append((start, end))
        union = _covered([span for mine in by_coder.values() for span in mine])
        rows += [(coder, seg_id, code_id) for coder, mine in by_coder.items()
                 if _covered(mine) / union >= min_overlap]
    return pd.DataFrame(rows, columns=["coder", "seg_id", "code_id"])


def _values(presence: pd.DataFrame, coverage: Mapping[str, set], units: pd.DataFrame,
            coders: list[str], codes: list[str]) -> np.ndarray:
    """codes x coders x units: 1 applied, 0 not applied, NaN document not coded."""
    values = np.full((len(codes), len(coders), len(units)), np.nan)
    for k, name in enumerate(coders):
        values[:, k, units["doc_id"].isin(coverage[name]).to_numpy()] = 0.0
    present = presence[presence["code_id"].isin(codes)]
    values[pd.Index(codes).get_indexer(present["code_id"]),
           pd.Index(coders).get_indexer(present["coder"]),
           pd.Index(units["seg_id"]).get_indexer(present["seg_id"])] = 1.0
    return values


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def _stats(matrix: np.ndarray, reference: int | None) -> dict:
    """Agreement figures for one coders x units matrix of 1, 0 and NaN."""
    matrix = matrix[:, (~np.isnan(matrix)).sum(axis=0) >= 2]
    alpha = krippendorff_alpha(matrix)
    differ = (matrix == 1).any(axis=0) & (matrix == 0).any(axis=0)
    row = {"units": matrix.shape[1], "coders": matrix.shape[0],
           "percent_agreement": _ratio(int((~differ).sum()), matrix.shape[1]),
           "cohen_kappa": float("nan"), "krippendorff_alpha": alpha, "verdict": _verdict(alpha)}
    if matrix.shape[0] != 2:
        return row
    first, second = matrix == 1
    row.update(cohen_kappa=cohen_kappa(*matrix), both=int((first & second).sum()),
               only_first=int((first & ~second).sum()),
               only_second=int((~first & second).sum()), neither=int((~first & ~second).sum()))
    if reference is not None:
        hits = row["both"]
        missed, extra = ((row["only_first"], row["only_second"]) if reference == 0
                         else (row["only_second"], row["only_first"]))
        row.update(precision=_ratio(hits, hits + extra), recall=_ratio(hits, hits + missed),
                   f1=_ratio(2 * hits, 2 * hits + extra + missed))
    return row


def _disagreements(values: np.ndarray, units: pd.DataFrame, coders: list[str],
                   codes: list[str]) -> pd.DataFrame:
    """One row per (segment, code) where one coder applied the code and another did not."""
    differ = (values == 1).any(axis=1) & (values == 0).any(axis=1)      # codes x units
    unit_idx, code_idx = np.nonzero(differ.T)
    table = units.iloc[unit_idx][["seg_id", "doc_id", "speaker", "text"]].reset_index(drop=True)
    table.insert(2, "code_id", [codes[i] for i in code_idx])
    marks = values[code_idx, :, unit_idx]                               # rows x coders
    for k, name in enumerate(coders):
        table[name] = pd.array([None if np.isnan(v) else v == 1 for v in marks[:, k]],
                               dtype="boolean")
    table["coded_by"] = [", ".join(n for n, v in zip(coders, row) if v == 1) for row in marks]
    return table


def agree(codings: Mapping[str, pd.DataFrame], segments: pd.DataFrame, *,
          unit: str = "segment", reference: str | None = None,
          codes: Sequence[str] | None = None, documents: pd.DataFrame | None = None,
          min_overlap: float = 0.5) -> Agreement:
    """Agreement between two or more codings (coder name -> codings-shaped table with
    ``doc_id``, ``code_id`` and ``seg_id`` and/or ``start``/``end``) of the same segments.

    The units are the rows of ``segments`` whose document appears in any coding. A coder
    has values only for documents their table mentions (a row with an empty ``code_id``
    marks a document coded with nothing); for other documents they are missing, not
    "absent". Rows without a ``seg_id`` are placed in every segment of their document
    that their ``start``/``end`` overlaps.

    ``unit="segment"``: a coder applied code c to segment s if any of their rows of c lies
    in s. ``unit="span"``: a coder applied c to s only if their spans of c (clipped to s)
    cover at least ``min_overlap`` of the characters covered by the union of all coders'
    spans of c in s; rows with a seg_id but no offsets cover the whole segment.

    ``codes`` are the codes reported (default: every code any coder used). ``reference``
    (with exactly two coders) adds precision, recall and F1 of the other coder against
    it. With ``documents`` given, codings with a ``sha256`` column made against other text
    are refused. Raises :class:`DialogcodeError` listing every problem found
    (:class:`ArgumentError` for arguments that do not fit together).
    """
    problems = _argument_problems(codings, segments, unit, reference, min_overlap)
    if problems:
        raise ArgumentError(problems)
    coders = list(codings)
    bounds = segments[["seg_id", "doc_id", "start", "end"]].rename(
        columns={"start": "seg_start", "end": "seg_end"})
    frames = []
    for name, coding in codings.items():
        located, found = _locate(name, coding, bounds)
        problems += found + _hash_problems(name, coding, documents)
        frames.append(located.assign(coder=name))
    if problems:
        raise DialogcodeError(problems)
    located = pd.concat(frames, ignore_index=True)
    presence = (_span_presence(located, min_overlap) if unit == "span"
                else located[["coder", "seg_id", "code_id"]].drop_duplicates())
    coverage = {name: set(coding["doc_id"].dropna()) for name, coding in codings.items()}
    units = segments[segments["doc_id"].isin(set().union(*coverage.values()))
                     ].reset_index(drop=True)
    if codes is None:
        codes = sorted(set().union(*(c["code_id"].dropna() for c in codings.values())))
    codes = list(dict.fromkeys(codes))
    values = _values(presence, coverage, units, coders, codes)
    ref = coders.index(reference) if reference is not None else None
    rows = [{"code_id": code, **_stats(values[i], ref)} for i, code in enumerate(codes)]
    pooled = values.transpose(1, 0, 2).reshape(len(coders), -1)
    rows.append({"code_id": ALL_CODES, **_stats(pooled, ref)})
    return Agreement(per_code=pd.DataFrame(rows),
                     disagreements=_disagreements(values, units, coders, codes),
                     unit=unit, coders=coders)
