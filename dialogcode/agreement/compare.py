"""agree(): the agreement of two or more codings of the same segments, as researchers
report it (docs/review.md): a row per code, per variable (an ``exclusive`` parent) and per
group of codes (cu-alpha), with kappas, alpha, bootstrap intervals and unit counts.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..errors import DialogcodeError, Problem
from .coverage import coverage_notes, hash_problems, listed, locate, span_presence
from .disagreements import code_cells, confusion, disagreement_table, value_cells
from .groups import group_coincidences
from .scheme import Scheme, scheme_of
from .statistics import (LEVELS, Tally, alpha_from, alpha_interval, coincidences, combine,
                         differences, from_ids, tally, unit_intervals, unit_statistics)
from .units import Selection

ALL_CODES = "(all codes)"
UNITS = ("segment", "span")
SEGMENT_COLUMNS = ["seg_id", "doc_id", "start", "end", "speaker", "text"]
MIN_UNITS = 10
DRAWS = 1000
_RESERVED = ["seg_id", "doc_id", "code_id", "kind", "speaker", "text", "values"]
_STATISTICS = ["percent_agreement", "cohen_kappa", "light_kappa", "fleiss_kappa",
               "brennan_prediger", "krippendorff_alpha", "alpha_ordinal", "alpha_interval"]
COLUMNS = ["code_id", "kind", "values", "coders", "units", "pairable_values",
           "complete_units", "informative_units",
           *[f"{s}{end}" for s in _STATISTICS for end in ("", "_low", "_high")],
           "verdict", "both", "only_first", "only_second", "neither",
           "precision", "recall", "f1"]


@dataclass
class Agreement:
    """Result of :func:`agree`: ``per_code`` (a row per variable, code, all codes pooled
    and group; columns in docs/review.md), the segments where coders differ, a confusion
    matrix per variable, what was compared and what a reader should know (``notes``)."""

    per_code: pd.DataFrame
    disagreements: pd.DataFrame
    unit: str
    coders: list[str]
    confusion: dict[str, pd.DataFrame] = field(default_factory=dict)
    selection: str = "all segments"
    units: int = 0
    documents: int = 0
    notes: list[str] = field(default_factory=list)


def _argument_problems(codings, segments, unit, reference, min_overlap, level, draws,
                       min_units) -> list[Problem]:
    problems = []
    if len(codings) < 2:
        problems.append(Problem("agreement needs at least two codings"))
    if unit not in UNITS:
        problems.append(Problem(f"unit must be one of {', '.join(UNITS)}, not {unit!r}"))
    if reference is not None and (reference not in codings or len(codings) != 2):
        problems.append(Problem(f"reference {reference!r} must name one of exactly two codings"))
    if not 0 < min_overlap <= 1:
        problems.append(Problem(f"min_overlap must be in (0, 1], not {min_overlap}"))
    if level not in LEVELS:
        problems.append(Problem(f"level must be one of {', '.join(LEVELS)}, not {level!r}"))
    if draws < 0 or min_units < 1:
        problems.append(Problem("draws must be 0 or more and min_units 1 or more"))
    lacking = [c for c in SEGMENT_COLUMNS if c not in segments]
    if lacking:
        problems.append(Problem(f"segments table lacks column(s) {', '.join(lacking)}"))
    for name, coding in codings.items():
        if not isinstance(name, str) or not name or name in _RESERVED:
            problems.append(Problem(f"coder name {name!r} is empty or clashes with a column"))
        lacking = [c for c in ("doc_id", "code_id") if c not in coding]
        if "seg_id" not in coding and not {"start", "end"} <= set(coding):
            lacking.append("seg_id (or start and end)")
        if lacking:
            problems.append(Problem(f"coding lacks column(s) {', '.join(lacking)}", key=str(name)))
    return problems


def _where(name: str, coding: pd.DataFrame, row) -> dict:
    """File and line of a coder-file row (read_coder keeps the file's row order as the
    index and the path in ``attrs``), else the coder's name as key."""
    if coding.attrs.get("file"):
        return {"file": coding.attrs["file"], "line": int(row) + 2}
    return {"key": name}


def _code_problems(name: str, coding: pd.DataFrame, scheme: Scheme) -> list[Problem]:
    if scheme.known is None:
        return []
    used = coding["code_id"].dropna()
    return [Problem(f"code {code!r} is not in the codebook", **_where(name, coding, row))
            for row, code in used[~used.isin(scheme.known)].items()]


def _conflicts(located: pd.DataFrame, codings, scheme: Scheme) -> list[Problem]:
    """A problem per coder row giving a unit a second value of one variable."""
    problems = []
    for variable in scheme.variables.values():
        rows = located[located["code_id"].isin(variable.members)]
        rows = rows.assign(value=rows["code_id"].map(variable.members))
        firsts = rows.drop_duplicates(["coder", "seg_id", "value"])
        doubled = firsts[firsts.duplicated(["coder", "seg_id"], keep="first")]
        for _, row in doubled.iterrows():
            earlier = firsts[(firsts["coder"] == row["coder"]) & (firsts["seg_id"] == row["seg_id"])
                             ].iloc[0]
            problems.append(Problem(
                f"segment {row['seg_id']} gets two values of {variable.id}: "
                f"{earlier['code_id']} and {row['code_id']} (a unit carries one at most)",
                **_where(row["coder"], codings[row["coder"]], row["row"])))
    return problems


def _requested(codes, scheme: Scheme) -> list[Problem]:
    if codes is None or scheme.known is None:
        return []
    return [Problem(f"unknown code {code!r}: not in the codebook") for code in codes
            if code not in scheme.known]


def _verdict(alpha: float, informative: int, min_units: int) -> str:
    """Krippendorff's thresholds, on alpha rounded to three decimals as it is reported."""
    if np.isnan(alpha):
        return "n/a"
    if informative < min_units:
        return "too few units"
    alpha = round(alpha, 3)
    return "reliable" if alpha >= 0.8 else "tentative" if alpha >= 0.667 else "do not rely"


def _informative(types: np.ndarray, counts: np.ndarray, modal: int) -> int:
    valued = types >= 0
    pairable = valued.sum(axis=1) >= 2
    return int(counts[pairable & (valued & (types != modal)).any(axis=1)].sum())


def _alpha_columns(row: dict, matrix: np.ndarray, numbers, coders: int, draws: int, rng
                   ) -> None:
    totals = matrix.sum(axis=0)
    for level in ("nominal", "ordinal", "interval") if numbers is not None else ("nominal",):
        column = "krippendorff_alpha" if level == "nominal" else f"alpha_{level}"
        delta = differences(totals, level, numbers)
        row[column] = alpha_from(matrix, delta)
        row[f"{column}_low"], row[f"{column}_high"] = (
            alpha_interval(matrix, delta, coders, draws, rng) if np.isfinite(row[column])
            else (np.nan, np.nan))


def _tally_row(data: Tally, numbers, *, level: str, draws: int, rng, min_units: int) -> dict:
    point = unit_statistics(data, data.counts[None, :].astype(float))
    intervals = unit_intervals(data, draws, rng)
    matrix = coincidences(data)
    valued = (data.types >= 0).sum(axis=1)
    row = {"values": data.values, "coders": data.coders,
           "units": int(data.counts[valued >= 2].sum()),
           "pairable_values": float(matrix.sum()),
           "complete_units": int(data.counts[valued == data.coders].sum()),
           "informative_units": _informative(data.types, data.counts,
                                             int(np.argmax(matrix.sum(axis=0))))}
    for name, values in point.items():
        row[name] = float(values[0])
        row[f"{name}_low"], row[f"{name}_high"] = intervals.get(name, (np.nan, np.nan))
    _alpha_columns(row, matrix, numbers, data.coders, draws, rng)
    judged = row["krippendorff_alpha"] if numbers is None or level == "nominal" \
        else row[f"alpha_{level}"]
    row["verdict"] = _verdict(judged, row["informative_units"], min_units)
    return row


def _binary_counts(row: dict, data: Tally, reference: int | None) -> None:
    """both / only_first / only_second / neither (two coders), and precision, recall and
    F1 of the other coder against ``reference``."""
    first, second = data.types[:, 0], data.types[:, 1]
    for name, mask in (("both", (first == 1) & (second == 1)),
                       ("only_first", (first == 1) & (second == 0)),
                       ("only_second", (first == 0) & (second == 1)),
                       ("neither", (first == 0) & (second == 0))):
        row[name] = int(data.counts[mask].sum())
    if reference is not None:
        hits = row["both"]
        missed, extra = ((row["only_first"], row["only_second"]) if reference == 0
                         else (row["only_second"], row["only_first"]))
        row.update(precision=hits / (hits + extra) if hits + extra else np.nan,
                   recall=hits / (hits + missed) if hits + missed else np.nan,
                   f1=2 * hits / (2 * hits + extra + missed) if hits + extra + missed
                   else np.nan)


def _rng(seed: int, kind: str, name: str) -> np.random.Generator:
    """A stream per row, so a row's interval does not depend on the other rows."""
    return np.random.default_rng([seed, zlib.crc32(f"{kind}:{name}".encode())])


def _code_tallies(presence: pd.DataFrame, reads: np.ndarray, codes: list[str]):
    """(code, tally, units where coders differ, their units x coders values 1/0/-1) per
    code, from the coders' read segments and the (unit, coder index, code_id) present."""
    coders = reads.shape[1]
    powers = 3 ** np.arange(coders, dtype=np.int64)
    base = reads.astype(np.int64) @ powers              # digit 1: read, 2: applied
    base_ids, base_counts = np.unique(base, return_counts=True)
    code = pd.Index(codes).get_indexer(presence["code_id"])
    keep = code >= 0
    key = code[keep].astype(np.int64) * len(reads) + presence["unit"].to_numpy()[keep]
    keys, inverse = np.unique(key, return_inverse=True)
    added = np.bincount(inverse, weights=powers[presence["coder_k"].to_numpy()[keep]]
                        ).astype(np.int64)
    bounds = np.searchsorted(keys // len(reads), np.arange(len(codes) + 1))
    for index, name in enumerate(codes):
        units = keys[bounds[index]:bounds[index + 1]] % len(reads)
        old, new = base[units], base[units] + added[bounds[index]:bounds[index + 1]]
        ids, where = np.unique(np.concatenate([base_ids, old, new]), return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate(
            [base_counts, -np.ones(len(old)), np.ones(len(new))])).round().astype(np.int64)
        digits = (new[:, None] // powers) % 3 - 1
        differ = (digits == 1).any(axis=1) & (digits == 0).any(axis=1)
        yield name, from_ids(ids[counts > 0], counts[counts > 0], coders, 2), \
            units[differ], digits[differ]


def _expand(presence: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Presence with each code also counting for its ancestors (roll-up)."""
    codes = presence["code_id"].unique()
    pairs = pd.DataFrame([(c, target) for c in codes
                          for target in (c, *scheme.ancestors.get(c, ()))],
                         columns=["code_id", "target"])
    expanded = presence.merge(pairs, on="code_id").drop(columns="code_id")
    return expanded.rename(columns={"target": "code_id"}).drop_duplicates(
        ["unit", "coder_k", "code_id"])


def _common_documents(read: dict[str, pd.DataFrame], units: pd.DataFrame) -> None:
    """Refuse coders who share no document among the units, listing each one's."""
    chosen = set(units["seg_id"])
    docs = {name: sorted(set(segs.loc[segs["seg_id"].isin(chosen), "doc_id"]))
            for name, segs in read.items()}
    seen: dict[str, int] = {}
    for names in docs.values():
        for doc in names:
            seen[doc] = seen.get(doc, 0) + 1
    if not any(n >= 2 for n in seen.values()):
        raise DialogcodeError([Problem("the coders have no document in common, so nothing "
                                       "can be compared")]
                              + [Problem(f"{name} coded {len(names)} document(s): "
                                         f"{listed(names, 10) or 'none'}")
                                 for name, names in docs.items()])


def agree(codings: Mapping[str, pd.DataFrame], segments: pd.DataFrame, *,
          unit: str = "segment", reference: str | None = None,
          codes: Sequence[str] | None = None, documents: pd.DataFrame | None = None,
          min_overlap: float = 0.5, book: Codebook | None = None,
          selection: Selection | None = None, roll_up: bool = False,
          level: str = "nominal", draws: int = DRAWS, seed: int = 0,
          min_units: int = MIN_UNITS) -> Agreement:
    """Agreement between two or more codings (coder name -> codings-shaped table with
    ``doc_id``, ``code_id`` and ``seg_id`` and/or ``start``/``end``) of the same segments.

    Which segments each coder read is in :mod:`.coverage`; unread segments are missing.
    The units are the segments of ``selection`` (default all) that someone read.
    ``unit="segment"``: a coder applied code c to segment s if any of their rows of c lies
    in s. ``unit="span"``: only if their spans of c (clipped to s) cover at least
    ``min_overlap`` of the characters covered by all coders' spans of c in s.

    With ``book``, an ``exclusive`` parent is one variable (a row, its values' confusion
    matrix) and other parents with two or more children get a cu-alpha row; coders' codes
    must be in the book. ``roll_up`` counts each code for its ancestors too. ``codes``
    chooses the rows (default: every code used in the units). ``level`` picks the alpha
    the verdict of a numeric variable uses. Intervals come from ``draws`` bootstrap draws
    seeded with ``seed`` (0 draws: none). A verdict needs ``min_units`` units where some
    coder gave a value other than the most common one. ``reference`` (with exactly two
    coders) adds precision, recall and F1 of the other coder. With ``documents``, codings
    whose ``sha256`` differs are refused. Raises DialogcodeError listing every problem.
    """
    problems = _argument_problems(codings, segments, unit, reference, min_overlap, level,
                                  draws, min_units)
    if problems:
        raise DialogcodeError(problems)
    scheme = scheme_of(book)
    coders = list(codings)
    bounds = segments[["seg_id", "doc_id", "start", "end"]].rename(
        columns={"start": "seg_start", "end": "seg_end"})
    frames, read = [], {}
    for name, coding in codings.items():
        located, read[name], found = locate(name, coding, bounds)
        problems += found + hash_problems(name, coding, documents) \
            + _code_problems(name, coding, scheme)
        frames.append(located.assign(coder=name))
    located = pd.concat(frames, ignore_index=True)
    problems += _requested(codes, scheme) + _conflicts(located, codings, scheme)
    if problems:
        raise DialogcodeError(problems)
    presence = (span_presence(located, min_overlap) if unit == "span"
                else located[["coder", "seg_id", "code_id"]].drop_duplicates())
    notes = coverage_notes(read, presence, segments)
    chosen = segments if selection is None else \
        segments[segments["seg_id"].isin(selection.seg_ids)]
    read_any = pd.concat([r["seg_id"] for r in read.values()]).unique()
    units = chosen[chosen["seg_id"].isin(read_any)].reset_index(drop=True)
    _common_documents(read, units)
    reads = np.column_stack([units["seg_id"].isin(read[name]["seg_id"]).to_numpy()
                             for name in coders])
    presence = presence.assign(unit=pd.Index(units["seg_id"]).get_indexer(presence["seg_id"]),
                               coder_k=pd.Index(coders).get_indexer(presence["coder"]))
    presence = presence[presence["unit"] >= 0]
    options = {"level": level, "draws": draws, "min_units": min_units}
    rows, items, matrices = [], [], {}
    for variable in _chosen_variables(scheme, presence, codes):
        row, item, matrix, note = _variable_row(variable, presence, reads, seed, **options)
        rows.append(row)
        items.append(item)
        matrices[variable.id] = matrix
        notes += [note] if note else []
    rows += _code_rows(presence, reads, scheme, codes, roll_up, reference, coders, seed,
                       items, **options)
    rows += _group_rows(scheme, presence, len(coders), codes, seed, draws, min_units)
    table = pd.DataFrame(rows)
    table = table.reindex(columns=[c for c in COLUMNS if c in table and _shown(c, table)])
    return Agreement(table, disagreement_table(items, units, coders), unit, coders,
                     matrices, selection.description if selection else "all segments",
                     len(units), units["doc_id"].nunique(), notes)


def _shown(column: str, table: pd.DataFrame) -> bool:
    """Statistics that apply to no row are left out (with their intervals)."""
    base = column.removesuffix("_low").removesuffix("_high")
    return column in ("code_id", "kind", "verdict") or table[base].notna().any()


def _chosen_variables(scheme: Scheme, presence: pd.DataFrame, codes):
    used = set(presence["code_id"])
    for variable in scheme.variables.values():
        wanted = (used & set(variable.members) if codes is None
                  else {variable.id, *variable.members} & set(codes))
        if wanted:
            yield variable


def _variable_row(variable, presence, reads, seed, *, level, draws, min_units):
    rows = presence[presence["code_id"].isin(variable.members)]
    labels = np.full(reads.shape, -1, dtype=np.int64)
    labels[rows["unit"].to_numpy(), rows["coder_k"].to_numpy()] = \
        rows["code_id"].map(variable.members).to_numpy()
    data = tally(labels, len(variable.values))
    numbers = np.array(variable.numbers) if variable.numbers is not None else None
    row = {"code_id": variable.id, "kind": "variable",
           **_tally_row(data, numbers, level=level, draws=draws,
                        rng=_rng(seed, "variable", variable.id), min_units=min_units)}
    valued = labels >= 0
    differ = (valued.sum(axis=1) >= 2) & (np.where(valued, labels, -2).max(axis=1)
                                         != np.where(valued, labels, 1 << 40).min(axis=1))
    item = (variable.id, "variable", np.flatnonzero(differ),
            value_cells(labels[differ], variable.names))
    silent = (reads & ~valued & valued.any(axis=1)[:, None]).sum()
    note = (f"{variable.id}: {silent} time(s) a coder gave no value to a segment they read "
            "and another coder valued; that is missing, not a disagreement (if the coder "
            "judged that no value applies, give the variable a value for it)"
            ) if silent else None
    return row, item, confusion(labels, variable.names), note


def _code_rows(presence, reads, scheme, codes, roll_up, reference, coders, seed, items, *,
               level, draws, min_units) -> list[dict]:
    members = scheme.variable_codes()
    if roll_up:
        presence = _expand(presence, scheme)
    presence = presence[~presence["code_id"].isin(members)]
    names = (sorted(set(presence["code_id"])) if codes is None
             else [c for c in dict.fromkeys(codes)
                   if c not in members and c not in scheme.variables])
    ref = coders.index(reference) if reference is not None else None
    rows, tallies = [], []
    for name, data, units, digits in _code_tallies(presence, reads, names):
        row = {"code_id": name, "kind": "code",
               **_tally_row(data, None, level=level, draws=draws,
                            rng=_rng(seed, "code", name), min_units=min_units)}
        if len(coders) == 2:
            _binary_counts(row, data, ref)
        rows.append(row)
        tallies.append(data)
        items.append((name, "code", units, code_cells(digits)))
    if tallies:
        pooled = combine(tallies)
        row = {"code_id": ALL_CODES, "kind": "pooled",
               **_tally_row(pooled, None, level=level, draws=draws,
                            rng=_rng(seed, "pooled", ALL_CODES), min_units=min_units)}
        if len(coders) == 2:
            _binary_counts(row, pooled, ref)
        rows.append(row)
    return rows


def _group_rows(scheme: Scheme, presence, coders: int, codes, seed, draws, min_units
                ) -> list[dict]:
    rows = []
    for group in scheme.groups.values():
        if codes is not None and group.id not in codes:
            continue
        matrix, totals = group_coincidences(presence, group, coders)
        if not len(totals):
            continue
        row = {"code_id": group.id, "kind": "group", "values": len(group.values),
               "coders": coders, "units": len(totals), "pairable_values": float(matrix.sum())}
        modal = int(np.argmax(matrix.sum(axis=0)))
        row["informative_units"] = int((np.delete(totals, modal, axis=1) > 0).any(axis=1).sum())
        _alpha_columns(row, matrix, None, coders, draws, _rng(seed, "group", group.id))
        row["verdict"] = _verdict(row["krippendorff_alpha"], row["informative_units"],
                                  min_units)
        rows.append(row)
    return rows
