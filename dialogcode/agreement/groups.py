"""cu-alpha of a group of codes that need not exclude each other (ATLAS.ti's semantic
domains; Krippendorff et al. 2016's agreement on codes within a domain).

The units are the segments where at least two coders applied some code of the group;
the values are the group's children (a code below a child counts as the child). Each
coder's judgement of a unit weighs 1, shared equally by the children they applied: w_ic
= 1/k_i for each of the k_i children coder i applied to unit u. With m_u coders using
the group in u, the coincidences are

    o_ck = sum_u  1/(m_u - 1)  sum_{i != j} w_ic w_jk

and cu-alpha = 1 - (n - 1) sum_{c != k} o_ck / sum_{c != k} n_c n_k, with n_c = sum_k
o_ck and n = sum_c n_c = sum_u m_u. When every coder applies one child per unit this is
nominal alpha over those units, which ATLAS.ti's cu-alpha is for exclusive domains.
Whether coders agree that the group applies at all is the parent's own row with
``--roll-up``; cu-alpha asks only which children.

Worked example (docs/review.md): three segments, coders A and B, children x, y, z.
s1: A {x}, B {x}; s2: A {x, y}, B {y}; s3: A {z}, B {y}. m_u = 2 everywhere, so
o = sum over units of (a b^T + b a^T): s1 gives o_xx = 2; s2 gives o_xy = o_yx = 1/2
and o_yy = 1; s3 gives o_zy = o_yz = 1. So n_x = 2.5, n_y = 2.5, n_z = 1, n = 6; the
observed disagreement sum_{c!=k} o_ck = 3, the expected sum_{c!=k} n_c n_k = 36 - (6.25 +
6.25 + 1) = 22.5, and cu-alpha = 1 - 5 x 3 / 22.5 = 1/3.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .scheme import Variable


def group_coincidences(presence: pd.DataFrame, group: Variable, coders: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(coincidence matrix, unit totals: units with two or more coders x children) of
    ``presence`` (unit, coder, code_id rows) for ``group``."""
    size = len(group.values)
    rows = presence[presence["code_id"].isin(group.members)]
    chosen = pd.DataFrame({"unit": rows["unit"].to_numpy(), "coder": rows["coder"].to_numpy(),
                           "child": rows["code_id"].map(group.members).to_numpy()}
                          ).drop_duplicates()
    by_judgement = chosen.groupby(["unit", "coder"])["child"]
    chosen["weight"] = 1 / by_judgement.transform("size")
    judges = chosen.groupby("unit")["coder"].transform("nunique")
    chosen = chosen[judges >= 2].assign(judges=judges[judges >= 2])
    if chosen.empty:
        return np.zeros((size, size)), np.zeros((0, size))
    units, unit_index = np.unique(chosen["unit"], return_inverse=True)
    judgement = chosen.groupby(["unit", "coder"]).ngroup().to_numpy()
    weights = np.zeros((judgement.max() + 1, size))
    np.add.at(weights, (judgement, chosen["child"].to_numpy()), chosen["weight"].to_numpy())
    judgement_unit = np.zeros(len(weights), dtype=int)
    judgement_unit[judgement] = unit_index
    totals = np.zeros((len(units), size))
    np.add.at(totals, judgement_unit, weights)
    m = np.bincount(judgement_unit, minlength=len(units)).astype(float)
    matrix = (totals / (m - 1)[:, None]).T @ totals \
        - (weights / (m[judgement_unit] - 1)[:, None]).T @ weights
    return matrix, totals
