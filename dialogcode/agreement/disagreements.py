"""The tables for a reconciliation meeting: where coders differ, segment by segment, and
how the values of each variable are confused."""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

MISSING = "-"
YES_NO = ("no", "yes")      # a code's cells: index 0 not applied, 1 applied


def disagreement_table(items: list[tuple[str, str, np.ndarray, np.ndarray, tuple]],
                       units: pd.DataFrame, coders: list[str]) -> pd.DataFrame:
    """One row per unit and code or variable where coders differ, in segment order.
    ``items`` holds (code_id, kind, unit indices, units x coders value indices (-1
    missing), the values' names): a code's values are :data:`YES_NO`. The columns other
    than the segment's are categorical (few distinct values, however many rows)."""
    columns = ["seg_id", "doc_id", "speaker", "code_id", "kind", *coders, "values", "text"]
    items = [item for item in items if len(item[2])]
    if not items:
        return pd.DataFrame(columns=columns)
    categories = pd.Index(list(dict.fromkeys(v for item in items for v in item[4])))
    unit = np.concatenate([item[2] for item in items])
    which = np.concatenate([np.full(len(item[2]), n, dtype=np.int32)
                            for n, item in enumerate(items)])
    cells = np.concatenate([np.where(item[3] >= 0, categories.get_indexer(
        np.asarray(item[4], dtype=object))[np.maximum(item[3], 0)], -1) for item in items])
    names = pd.Index(sorted({item[0] for item in items}))
    name_of = names.get_indexer([item[0] for item in items])
    kinds = pd.Index(sorted({item[1] for item in items}))
    kind_of = kinds.get_indexer([item[1] for item in items])
    order = np.lexsort((name_of[which], unit))
    unit, which, cells = unit[order], which[order], cells[order]
    table = units[["seg_id", "doc_id", "speaker", "text"]].take(unit).reset_index(drop=True)
    table["code_id"] = pd.Categorical.from_codes(name_of[which], categories=names)
    table["kind"] = pd.Categorical.from_codes(kind_of[which], categories=kinds)
    for k, name in enumerate(coders):
        table[name] = pd.Categorical.from_codes(cells[:, k], categories=categories)
    combinations_, inverse = np.unique(cells, axis=0, return_inverse=True)
    summaries = ["; ".join(f"{name}: {MISSING if v < 0 else categories[v]}"
                           for name, v in zip(coders, combination))
                 for combination in combinations_]
    table["values"] = pd.Categorical.from_codes(inverse.ravel(), categories=summaries)
    return table[columns]


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
