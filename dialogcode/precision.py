"""Whether a precision can be said: the rule `learn`, `evaluate` and the report share.

A precision of ``correct`` of ``coded`` codings is too few to say when its 95% Wilson
score interval is wider than :data:`MAX_WIDTH`: 3 of 4 (0.30 to 0.95) and 9 of 12
(0.47 to 0.91) are, 26 of 34 (0.60 to 0.88) is not. Every precision of 5 codings or
fewer is. The interval is of the codings as if drawn one by one (not the bootstrap over
documents of `evaluate`, which on two codings in one document reads 1.0 to 1.0).
"""
from __future__ import annotations

import numpy as np

# the normal quantile of a two-sided 95% interval
Z = 1.959964
# the widest 95% interval of a precision that is said: about 0.2 either side of it
MAX_WIDTH = 0.4
# the rule, as the commands and the report word it after a precision too few to say
RULE = f"with a 95% Wilson interval wider than {MAX_WIDTH:.1f}"


def wilson(correct, coded):
    """(low, high) of the 95% Wilson score interval of ``correct`` of ``coded`` (counts
    or arrays of them); NaN where ``coded`` is 0."""
    correct, coded = np.asarray(correct, dtype=float), np.asarray(coded, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = correct / coded
        centre = (share + Z * Z / (2 * coded)) / (1 + Z * Z / coded)
        half = Z * np.sqrt(share * (1 - share) / coded + Z * Z / (4 * coded * coded)) / (
            1 + Z * Z / coded)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def too_few_to_say(correct, coded):
    """Whether a precision of ``correct`` of ``coded`` codings (counts, or columns of
    them) is too few to say: :data:`RULE` (of none there is no precision to say)."""
    low, high = wilson(correct, coded)
    return (np.asarray(coded) > 0) & (high - low > MAX_WIDTH)


def interval(correct, coded) -> str:
    """The 95% Wilson interval of ``correct`` of ``coded`` codings, in words."""
    low, high = wilson(correct, coded)
    return f"{low:.2f} to {high:.2f}"
