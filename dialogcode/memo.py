"""Values remembered: for 64-bit keys (string hashes) in two sorted arrays, so that the
values of many keys at once are found with one binary search and only keys not met
before are computed (a dict look-up per key costs more for whole documents); and for
the last few texts a function was given (:func:`last_texts`)."""
from __future__ import annotations

import threading
from functools import wraps
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


def last_texts(size: int) -> Callable[[Callable], Callable]:
    """Decorator remembering a function's results for the last ``size`` calls with
    other texts or arguments: its first argument, a text, known by identity (``is``),
    never compared, its other arguments (positional) by ``==``. A text equal to one
    remembered but another object is computed again, once, and then remembered too.
    (``functools.lru_cache`` compares an equal text character by character on every
    call, so numbering the lines of a file read twice took time in the square of its
    length.) A text is held while remembered, so no other object takes its place."""
    def decorate(function: Callable) -> Callable:
        remembered: list[tuple] = []        # (text, other arguments, result), latest first
        lock = threading.Lock()

        @wraps(function)
        def cached(text, *args):
            with lock:
                for at, (known, known_args, result) in enumerate(remembered):
                    if known is text and known_args == args:
                        remembered.insert(0, remembered.pop(at))
                        return result
            result = function(text, *args)
            with lock:
                remembered.insert(0, (text, args, result))
                del remembered[size:]
            return result
        return cached
    return decorate
