"""The rows of an agreement table: one per code, per variable, all codes pooled and per
group, each with its statistics, intervals, unit counts and verdict.

Every function takes the *presence* of codes as integers: a frame of ``unit`` (row of
the units table), ``coder_k`` (coder index) and ``code`` (index into ``names``, the code
ids used), and ``reads`` (units x coders: which units each coder read).
"""
from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .disagreements import YES_NO, confusion
from .groups import group_coincidences
from .scheme import Scheme, Variable
from .statistics import (Tally, alpha_from, alpha_interval, coincidences, combine,
                         differences, from_ids, tally, tally_weighted, unit_intervals,
                         unit_statistics, value_pairs)

ALL_CODES = "(all codes)"
# what the pooled row is, where a label stands beside code ids (report, workbook)
ALL_CODES_LABEL = "All codes pooled (every code and segment decision counted once)"
# the verdict of a code nobody applied on any unit: every figure would be 0/0 but percent
# agreement and Brennan-Prediger, whose 1.0 ("everyone left it out") read as perfect
NOBODY = "n/a: no one applied it"
_UNASSESSABLE = [f"{s}{end}" for s in ("percent_agreement", "brennan_prediger")
                 for end in ("", "_low", "_high")]
_STATISTICS = ["percent_agreement", "cohen_kappa", "light_kappa", "fleiss_kappa",
               "brennan_prediger", "krippendorff_alpha", "alpha_ordinal", "alpha_interval"]
COLUMNS = ["code_id", "kind", "values", "coders", "units", "pairable_values",
           "complete_units", "informative_units",
           *[f"{s}{end}" for s in _STATISTICS for end in ("", "_low", "_high")],
           "verdict", "both", "only_first", "only_second", "neither",
           "precision", "recall", "f1"]


# computed for every row (the kappa for its number of coders): kept even when undefined
# (0/0) in every row, as for coders who never varied, so the table says n/a, not nothing
_ALWAYS = {"percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"}


# counts of units: whole numbers, empty in a row they do not apply to (a group's)
_COUNTS = ["units", "complete_units", "informative_units", "both", "only_first",
           "only_second", "neither"]


def table_of(rows: list[dict]) -> pd.DataFrame:
    """The rows in :data:`COLUMNS` order, leaving out statistics that apply to no row;
    a count some row lacks is a nullable integer (not 10.0 in every other row)."""
    table = pd.DataFrame(rows)
    for column in _COUNTS:
        if column in table and table[column].isna().any():
            table[column] = table[column].astype("Int64")

    def shown(column: str) -> bool:
        base = column.removesuffix("_low").removesuffix("_high")
        return (column in ("code_id", "kind", "verdict") or base in _ALWAYS
                or table[base].notna().any())
    return table.reindex(columns=[c for c in COLUMNS if c in table and shown(c)])


def verdict(alpha: float, informative: int, min_units: int) -> str:
    """Krippendorff's thresholds, on alpha rounded to three decimals as it is reported,
    once ``min_units`` units carry a value other than the most common one."""
    if np.isnan(alpha):
        return "n/a"
    if informative < min_units:
        return "too few units"
    alpha = round(alpha, 3)
    return "reliable" if alpha >= 0.8 else "tentative" if alpha >= 0.667 else "do not rely"


def _rng(seed: int, kind: str, name: str) -> np.random.Generator:
    """A stream per row, so a row's interval does not depend on the other rows."""
    return np.random.default_rng([seed, zlib.crc32(f"{kind}:{name}".encode())])


def _alpha_columns(row: dict, matrix: np.ndarray, numbers, pairs: int, draws: int, rng
                   ) -> None:
    totals = matrix.sum(axis=0)
    for level in ("nominal", "ordinal", "interval") if numbers is not None else ("nominal",):
        column = "krippendorff_alpha" if level == "nominal" else f"alpha_{level}"
        delta = differences(totals, level, numbers)
        row[column] = alpha_from(matrix, delta)
        row[f"{column}_low"], row[f"{column}_high"] = (
            alpha_interval(matrix, delta, pairs, draws, rng) if np.isfinite(row[column])
            else (np.nan, np.nan))


def tally_row(data: Tally, numbers, *, level: str, draws: int, rng, min_units: int) -> dict:
    """Statistics, intervals, unit counts and verdict of one tally."""
    point = unit_statistics(data, data.counts[None, :].astype(float))
    intervals = unit_intervals(data, draws, rng)
    matrix = coincidences(data)
    valued = data.types >= 0
    pairable = valued.sum(axis=1) >= 2
    modal = int(np.argmax(matrix.sum(axis=0)))
    row = {"values": data.values, "coders": data.coders,
           "units": int(data.counts[pairable].sum()),
           "pairable_values": float(matrix.sum()),
           "complete_units": int(data.counts[valued.all(axis=1)].sum()),
           "informative_units": int(data.counts[pairable & (valued & (data.types != modal))
                                                .any(axis=1)].sum())}
    for name, values in point.items():
        row[name] = float(values[0])
        row[f"{name}_low"], row[f"{name}_high"] = intervals.get(name, (np.nan, np.nan))
    _alpha_columns(row, matrix, numbers, value_pairs(valued.sum(axis=1), data.counts),
                   draws, rng)
    judged = row["krippendorff_alpha"] if numbers is None or level == "nominal" \
        else row[f"alpha_{level}"]
    row["verdict"] = verdict(judged, row["informative_units"], min_units)
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


def member_lookup(names: pd.Index, members: dict[str, int]) -> np.ndarray:
    """members (code id -> value) as an array over ``names`` (-1: not a member)."""
    lookup = np.full(len(names) + 1, -1, dtype=np.int64)
    for code, value in members.items():
        if code in names:
            lookup[names.get_loc(code)] = value
    return lookup


def code_tallies(presence: pd.DataFrame, reads: np.ndarray, wanted: np.ndarray):
    """(tally, units where coders differ, their units x coders values 1/0/-1) for each
    code of ``wanted`` (indices into the presence's codes; -1 for a code nobody used)."""
    coders, size = reads.shape[1], len(reads)
    powers = 3 ** np.arange(coders, dtype=np.int64)
    base = reads.astype(np.int64) @ powers              # digit 1: read, 2: applied
    base_ids, base_counts = np.unique(base, return_counts=True)
    largest = max(presence["code"].to_numpy().max(initial=-1), wanted.max(initial=-1))
    order = np.full(largest + 2, -1, dtype=np.int64)
    order[wanted[wanted >= 0]] = np.flatnonzero(wanted >= 0)
    code = order[presence["code"].to_numpy()]
    keep = code >= 0
    key = code[keep] * size + presence["unit"].to_numpy()[keep]
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) \
        else np.zeros(0, dtype=np.int64)     # none of these codes applied by these coders
    keys = key[starts]
    added = np.add.reduceat(powers[presence["coder_k"].to_numpy()[keep][order]], starts) \
        if len(key) else np.zeros(0, dtype=np.int64)
    bounds = np.searchsorted(keys // max(size, 1), np.arange(len(wanted) + 1))
    for index in range(len(wanted)):
        units = keys[bounds[index]:bounds[index + 1]] % max(size, 1)
        old, new = base[units], base[units] + added[bounds[index]:bounds[index + 1]]
        ids, where = np.unique(np.concatenate([base_ids, old, new]), return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate(
            [base_counts, -np.ones(len(old)), np.ones(len(new))])).round().astype(np.int64)
        digits = (new[:, None] // powers) % 3 - 1
        differ = (digits == 1).any(axis=1) & (digits == 0).any(axis=1)
        yield from_ids(ids[counts > 0], counts[counts > 0], coders, 2), units[differ], \
            digits[differ]


def counts_for(code: str, scheme: Scheme, chains: Mapping[str, Sequence[str]] | None
               ) -> Sequence[str]:
    """The codes ``code`` counts for rolled up: those ``chains`` gives it (default:
    itself and its ancestors)."""
    if chains is not None and code in chains:
        return chains[code]
    return (code, *scheme.ancestors.get(code, ()))


def expand(presence: pd.DataFrame, names: pd.Index, scheme: Scheme,
           chains: Mapping[str, Sequence[str]] | None = None
           ) -> tuple[pd.DataFrame, pd.Index]:
    """Presence with each code counting for the codes ``chains`` gives it (default:
    itself and its ancestors: roll-up), and the enlarged code index."""
    targets = [(c, t) for c in names for t in counts_for(c, scheme, chains)]
    wider = pd.Index(list(dict.fromkeys([t for _, t in targets])))
    pairs = pd.DataFrame({"code": names.get_indexer([c for c, _ in targets]),
                          "target": wider.get_indexer([t for _, t in targets])})
    expanded = presence.merge(pairs, on="code").drop(columns="code")
    return expanded.rename(columns={"target": "code"}).drop_duplicates(
        ["unit", "coder_k", "code"]), wider


def variable_row(variable: Variable, presence, names, reads, seed, *, level, draws,
                 min_units, judging: np.ndarray | None = None):
    """(row, disagreement item, confusion matrix, note or None) of one variable; the
    row's figures are of the coders ``judging`` (a bool per coder; default all)."""
    value = member_lookup(names, variable.members)[presence["code"].to_numpy()]
    rows = presence[value >= 0]
    labels = np.full(reads.shape, -1, dtype=np.int64)
    labels[rows["unit"].to_numpy(), rows["coder_k"].to_numpy()] = value[value >= 0]
    numbers = np.array(variable.numbers) if variable.numbers is not None else None
    row = {"code_id": variable.id, "kind": "variable",
           **tally_row(tally(labels if judging is None or judging.sum() < 2
                             else labels[:, judging], len(variable.values)), numbers,
                       level=level,
                       draws=draws, rng=_rng(seed, "variable", variable.id),
                       min_units=min_units)}
    valued = labels >= 0
    differ = (valued.sum(axis=1) >= 2) & (np.where(valued, labels, -2).max(axis=1)
                                         != np.where(valued, labels, 1 << 40).min(axis=1))
    item = (variable.id, "variable", np.flatnonzero(differ), labels[differ], variable.names)
    silent = (reads & ~valued & valued.any(axis=1)[:, None]).sum()
    note = (f"{variable.id}: {silent} time(s) a coder gave no value to a segment they read "
            "and another coder valued; that is missing, not a disagreement (if the coder "
            "judged that no value applies, give the variable a value for it)"
            ) if silent else None
    return row, item, confusion(labels, variable.names), note


def judged_only(presence: pd.DataFrame, reads: np.ndarray, judging: np.ndarray
                ) -> tuple[pd.DataFrame, np.ndarray]:
    """``presence`` and ``reads`` of the coders ``judging`` (a bool per coder) alone: the
    others' codings left out and their units unread (a coder who did not look for a
    code is missing there, not "nothing applied")."""
    if judging.all():
        return presence, reads
    return presence[judging[presence["coder_k"].to_numpy()]], reads & judging


def _judged_by(data: Tally, units: np.ndarray, digits: np.ndarray, keep: np.ndarray):
    """``data``, ``units`` and ``digits`` of :func:`code_tallies` of the coders ``keep``
    (a bool per coder) alone: their tally (its kappa, intervals and complete units
    those of so many coders), the units where they differ, the others missing there."""
    digits = np.where(keep, digits, -1)
    differ = (digits == 1).any(axis=1) & (digits == 0).any(axis=1)
    return (tally_weighted(data.types[:, keep], data.counts, data.values), units[differ],
            digits[differ])


def _tallied(presence, names, reads, chosen: list[str], judging) -> dict:
    """Code -> :func:`code_tallies` of each code of ``chosen``, among the coders
    ``judging`` gives it (the others missing)."""
    by_coders: dict[tuple, list[str]] = {}
    for name in chosen:
        mask = judging(name) if judging else np.ones(reads.shape[1], dtype=bool)
        by_coders.setdefault(tuple(mask), []).append(name)
    tallied = {}
    for mask, codes in by_coders.items():
        part, seen = judged_only(presence, reads, np.array(mask))
        tallied.update(zip(codes, code_tallies(part, seen, names.get_indexer(codes))))
    return tallied


def _applied(data: Tally) -> bool:
    """Whether someone applied the code on a unit two coders read."""
    pairable = (data.types >= 0).sum(axis=1) >= 2
    return bool((pairable & (data.types == 1).any(axis=1)).any())


def _pooled(tallies: list[Tally], reference: int | None, seed, *, level, draws, min_units
            ) -> list[dict]:
    """The row of ``tallies`` pooled (none without any)."""
    if not tallies:
        return []
    pooled = combine(tallies)
    row = {"code_id": ALL_CODES, "kind": "pooled",
           **tally_row(pooled, None, level=level, draws=draws,
                       rng=_rng(seed, "pooled", ALL_CODES), min_units=min_units)}
    if pooled.coders == 2:
        _binary_counts(row, pooled, reference)
    return [row]


def code_rows(presence, names, reads, chosen: list[str], reference: int | None, seed,
              items: list, *, level, draws, min_units, unpooled=frozenset(),
              judging=None, without: int | None = None, apart=frozenset(), pool=True
              ) -> list[dict]:
    """A row per code of ``chosen`` and (with ``pool``) the pooled row of those not
    ``unpooled``; disagreements go to ``items``. ``judging`` (code id -> a bool per
    coder; default every coder) gives the coders judged on each code: a row of two or
    more of them is theirs alone (its kappa, intervals and complete units of so many
    coders; the pooled row still has every coder). With ``without`` (a coder's index)
    and two or more other coders, the ``apart`` codes' rows are the others' alone; with
    one other, their disagreements are not listed. A code nobody applied on a unit two
    coders read has no figures (verdict :data:`NOBODY`) and is left out of the pooled
    row."""
    tallied = _tallied(presence, names, reads, chosen, judging)
    rows, tallies = [], []
    coders = reads.shape[1]
    for name in chosen:
        data, units, digits = tallied.pop(name)
        pool_data = data                            # the pooled row's: every coder
        keep = judging(name) if judging else np.ones(coders, dtype=bool)
        if name in apart and without is not None and coders == 2:
            units, digits = units[:0], digits[:0]   # each of the coder's codings: noise
        elif name in apart and without is not None:
            keep[without] = False
            if keep.sum() < 2:                      # no two left: no figures (verdict)
                keep = np.arange(coders) != without
        if 2 <= keep.sum() < coders:
            data, units, digits = _judged_by(data, units, digits, keep)
        row = {"code_id": name, "kind": "code",
               **tally_row(data, None, level=level, draws=draws,
                           rng=_rng(seed, "code", name), min_units=min_units)}
        applied = _applied(data)
        if not applied:
            row.update(dict.fromkeys(_UNASSESSABLE, np.nan), verdict=NOBODY)
        if coders == 2:
            _binary_counts(row, data, reference)
        rows.append(row)
        tallies += [pool_data] if applied and name not in unpooled else []
        items.append((name, "code", units, digits, YES_NO))
    options = {"level": level, "draws": draws, "min_units": min_units}
    return rows + (_pooled(tallies, reference, seed, **options) if pool else [])


def pooled_row(presence, names, reads, chosen: list[str], reference: int | None, seed, *,
               level, draws, min_units, unpooled=frozenset(), judging=None) -> list[dict]:
    """The pooled row alone of the codes ``chosen`` not ``unpooled`` (as in
    :func:`code_rows`; none when no one applied any): beside rows rolled up, the
    pooled row of the codes as applied, each coding counted once."""
    tallied = _tallied(presence, names, reads, chosen, judging)
    return _pooled([data for name, (data, _, _) in tallied.items()
                    if name not in unpooled and _applied(data)], reference, seed,
                   level=level, draws=draws, min_units=min_units)


def group_row(group: Variable, presence, names, coders: int, seed, draws, min_units,
              judged: int | None = None) -> dict | None:
    """The cu-alpha row of a group, None when no unit has two coders using it; its
    ``coders`` are the ``judged`` (default all ``coders``)."""
    child = member_lookup(names, group.members)[presence["code"].to_numpy()]
    used = child >= 0
    matrix, totals = group_coincidences(presence["unit"].to_numpy()[used],
                                        presence["coder_k"].to_numpy()[used], child[used],
                                        coders, len(group.values))
    if not totals.shape[0]:
        return None
    others = np.arange(len(group.values)) != np.argmax(matrix.sum(axis=0))
    row = {"code_id": group.id, "kind": "group", "values": len(group.values),
           "coders": judged or coders, "units": totals.shape[0],
           "pairable_values": float(matrix.sum()),
           "informative_units": int((totals[:, others].getnnz(axis=1) > 0).sum())}
    _alpha_columns(row, matrix, None, value_pairs(np.asarray(totals.sum(axis=1)).ravel()),
                   draws, _rng(seed, "group", group.id))
    row["verdict"] = verdict(row["krippendorff_alpha"], row["informative_units"], min_units)
    return row


def only_child(group: Variable) -> str:
    """The child of a group whose members all fall under one (:func:`one_child_row`)."""
    return group.values[next(iter(group.members.values()))]


def one_child_row(group: Variable, presence, names, reads, seed, *, level, draws,
                  min_units, judging: np.ndarray) -> dict | None:
    """The row of a group left one child (against the rules: the one they can apply),
    whose cu-alpha would have no two codes to choose between: the agreement on that
    child present or not (a code below it counting for it), figures and intervals as
    its own row's, among the coders ``judging``. None when no one applied it."""
    present = presence[member_lookup(names, group.members)[presence["code"].to_numpy()]
                       >= 0].assign(code=0).drop_duplicates(["unit", "coder_k"])
    data, _, _ = next(code_tallies(present, reads, np.zeros(1, dtype=np.int64)))
    if 2 <= judging.sum() < len(judging):
        data = tally_weighted(data.types[:, judging], data.counts, data.values)
    if not _applied(data):
        return None
    child = only_child(group)
    row = {"code_id": group.id, "kind": "group",
           **tally_row(data, None, level=level, draws=draws, rng=_rng(seed, "code", child),
                       min_units=min_units)}
    row["verdict"] += f" (on {child} alone)"
    return row
