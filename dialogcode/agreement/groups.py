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
from scipy import sparse


def group_coincidences(unit: np.ndarray, coder: np.ndarray, child: np.ndarray, coders: int,
                       size: int) -> tuple[np.ndarray, sparse.csr_matrix]:
    """(coincidence matrix, unit totals: a sparse units x children matrix of the units
    with two or more coders) of the children applied (``unit``, ``coder``, ``child``
    index arrays) among ``size`` children. Sorted arrays and sparse matrices, so a group
    of 300 codes over 100,000 segments is cheap."""
    key = np.unique((np.asarray(unit, dtype=np.int64) * coders + coder) * size + child)
    if not len(key):
        return np.zeros((size, size)), sparse.csr_matrix((0, size))
    judgement_key, child, total = key // size, (key % size).astype(np.int32), len(key)
    del key
    starts = np.flatnonzero(np.r_[True, judgement_key[1:] != judgement_key[:-1]])
    judgement = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, total]))
    unit_of = judgement_key[starts] // coders                  # per judgement, sorted
    first = np.flatnonzero(np.r_[True, unit_of[1:] != unit_of[:-1]])
    judges = np.diff(np.r_[first, len(unit_of)])               # per unit
    unit_index = np.repeat(np.arange(len(first)), judges)      # per judgement
    keep = judges[unit_index] >= 2                             # per judgement
    kept_units, row = np.unique(unit_index[keep], return_inverse=True)
    per_judgement = np.diff(np.r_[starts, total])
    weights = sparse.csr_matrix((1 / per_judgement[judgement], (judgement, child)),
                                shape=(len(starts), size))[keep]
    owner = sparse.csr_matrix((np.ones(len(row)), (row, np.arange(len(row)))),
                              shape=(len(kept_units), len(row)))
    totals = (owner @ weights).tocsr()                         # units x children
    m = judges[kept_units].astype(float)
    matrix = np.asarray(((sparse.diags(1 / (m - 1)) @ totals).T @ totals).todense())
    squared = weights.copy()
    squared.data *= np.repeat(1 / (m[row] - 1), np.diff(weights.indptr))
    matrix -= np.asarray((squared.T @ weights).todense())
    return matrix.reshape(size, size), totals
