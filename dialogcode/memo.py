"""Values remembered for 64-bit keys (string hashes) in two sorted arrays, so that the
values of many keys at once are found with one binary search and only keys not met
before are computed (a dict look-up per key costs more for whole documents)."""
from __future__ import annotations

from typing import Callable

import numpy


class SortedMemo:
    def __init__(self, dtype):
        self.keys = numpy.zeros(0, dtype=numpy.uint64)
        self.values = numpy.zeros(0, dtype=dtype)

    def clear(self) -> None:
        self.keys, self.values = self.keys[:0], self.values[:0]

    def get(self, keys: numpy.ndarray, compute: Callable[[numpy.ndarray], numpy.ndarray]
            ) -> numpy.ndarray:
        """The values of ``keys`` (uint64, distinct) in their order; ``compute`` gives
        those of keys not met before (an array of values in the order of its keys)."""
        known = self.keys
        places = numpy.searchsorted(known, keys)
        if not len(known) or (known[numpy.minimum(places, len(known) - 1)] != keys).any():
            new = numpy.setdiff1d(keys, known)
            at = numpy.searchsorted(known, new)
            self.keys = numpy.insert(known, at, new)
            self.values = numpy.insert(self.values, at, compute(new))
            places = numpy.searchsorted(self.keys, keys)
        return self.values[places]
