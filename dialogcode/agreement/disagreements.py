"""The tables for a reconciliation meeting: where coders differ, segment by segment, and
how the values of each variable are confused."""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

MISSING = "-"


def _summary(coders: list[str], cells: np.ndarray) -> list[str]:
    return ["; ".join(f"{name}: {MISSING if value is None else value}"
                      for name, value in zip(coders, row)) for row in cells]


def disagreement_table(items: list[tuple[str, str, np.ndarray, np.ndarray]],
                       units: pd.DataFrame, coders: list[str]) -> pd.DataFrame:
    """One row per unit and code or variable where coders differ, in segment order.
    ``items`` holds (code_id, kind, unit indices, cells: units x coders of each coder's
    value, None where missing)."""
    columns = ["seg_id", "doc_id", "speaker", "code_id", "kind", *coders, "values", "text"]
    items = [item for item in items if len(item[2])]
    if not items:
        return pd.DataFrame(columns=columns)
    unit = np.concatenate([i[2] for i in items])
    names = np.concatenate([np.full(len(i[2]), i[0], dtype=object) for i in items])
    kinds = np.concatenate([np.full(len(i[2]), i[1], dtype=object) for i in items])
    cells = np.concatenate([i[3] for i in items]).astype(object)
    order = np.lexsort((names, unit))
    unit, names, kinds, cells = unit[order], names[order], kinds[order], cells[order]
    picked = units.iloc[unit]
    table = pd.DataFrame({"seg_id": picked["seg_id"].to_numpy(),
                          "doc_id": picked["doc_id"].to_numpy(),
                          "speaker": picked["speaker"].to_numpy(),
                          "code_id": names, "kind": kinds})
    for k, name in enumerate(coders):
        table[name] = cells[:, k]
    table["values"] = _summary(coders, cells)
    table["text"] = picked["text"].to_numpy()
    return table[columns]


def code_cells(digits: np.ndarray) -> np.ndarray:
    """Coder cells of a code: 1 -> yes, 0 -> no, -1 -> None."""
    cells = np.full(digits.shape, None, dtype=object)
    cells[digits == 1] = "yes"
    cells[digits == 0] = "no"
    return cells


def value_cells(labels: np.ndarray, values: tuple[str, ...]) -> np.ndarray:
    """Coder cells of a variable: the value's name, None where missing."""
    lookup = np.array([*values, None], dtype=object)
    return lookup[np.where(labels < 0, len(values), labels)]


def confusion(labels: np.ndarray, values: tuple[str, ...]) -> pd.DataFrame:
    """Values x values counts over every pair of coders (the earlier-named coder's value
    in the row) of the units both gave a value; with two coders, the usual confusion
    matrix of the first against the second."""
    size = len(values)
    counts = np.zeros((size, size), dtype=np.int64)
    for i, j in combinations(range(labels.shape[1]), 2):
        both = (labels[:, i] >= 0) & (labels[:, j] >= 0)
        np.add.at(counts, (labels[both, i], labels[both, j]), 1)
    return pd.DataFrame(counts, index=pd.Index(values, name="value"), columns=list(values))
