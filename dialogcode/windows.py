"""Where token patterns of bounded length could match in a doc of segments: windows
around the places of each pattern's rarest required token that hold every other token
it requires, found for all patterns at once with arrays (a loop per pattern cost more
than spaCy's ``Matcher`` itself)."""
from __future__ import annotations

import numpy


def _ranges(firsts: numpy.ndarray, counts: numpy.ndarray) -> numpy.ndarray:
    """``firsts[i], firsts[i] + 1, ..., firsts[i] + counts[i] - 1`` for every i, one
    after the other."""
    ends = numpy.cumsum(counts)
    return numpy.repeat(firsts - ends + counts, counts) + numpy.arange(ends[-1] if len(ends)
                                                                        else 0)


def anchored_windows(patterns: numpy.ndarray, pair_first: numpy.ndarray,
                     pair_requirement: numpy.ndarray, longest: numpy.ndarray,
                     present: numpy.ndarray, requirement: numpy.ndarray,
                     position: numpy.ndarray, owner: numpy.ndarray, bounds: numpy.ndarray
                     ) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """The windows to run ``patterns`` on: (pattern, start, end) arrays, by pattern and
    then token order, overlapping windows of a pattern joined.

    Pattern ``p`` requires ``pair_requirement[pair_first[p]:pair_first[p + 1]]`` (at
    least one requirement, none twice) and matches at most ``longest[p]`` tokens. A
    doc's tokens satisfying requirements are ``position`` (token offsets), grouped by
    ``requirement`` (sorted) and in token order within each group; ``present[r, s]``
    tells whether requirement ``r`` is satisfied in segment ``s``, which is tokens
    ``bounds[s]:bounds[s + 1]``; ``owner`` is the segment of every token. A match
    holds a place of each required token, so it lies within ``longest`` tokens of a
    place of the pattern's rarest one (its anchor) and within the anchor's segment;
    of those windows, only the ones holding every required token are kept."""
    counts = pair_first[patterns + 1] - pair_first[patterns]
    requires = pair_requirement[_ranges(pair_first[patterns], counts)]
    longest = longest[patterns]
    n_patterns = len(patterns)
    firsts = numpy.cumsum(counts) - counts
    pattern_of = numpy.repeat(numpy.arange(n_patterns), counts)
    if not n_patterns:
        return patterns, numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.int64)
    # the segments holding every requirement of a pattern
    segments = numpy.logical_and.reduceat(present[requires], firsts, axis=0)
    # the rarest requirement of each (the first of the rarest, in requires' order)
    edges = numpy.searchsorted(requirement, numpy.arange(len(present) + 1))
    sizes = numpy.diff(edges)
    order = numpy.lexsort((numpy.arange(len(requires)), sizes[requires], pattern_of))
    rarest = order[firsts]
    # its places in segments holding every requirement: the anchors
    anchored = requires[rarest]
    anchors = position[_ranges(edges[anchored], sizes[anchored])]
    pattern = numpy.repeat(numpy.arange(n_patterns), sizes[anchored])
    chosen = segments[pattern, owner[anchors]]
    anchors, pattern = anchors[chosen], pattern[chosen]
    segment = owner[anchors]
    starts = numpy.maximum(bounds[segment], anchors - longest[pattern] + 1)
    ends = numpy.minimum(bounds[segment + 1], anchors + longest[pattern])
    # every other requirement of its pattern, for every window
    window = numpy.repeat(numpy.arange(len(anchors)), counts[pattern])
    pairs = _ranges(firsts[pattern], counts[pattern])
    others = pairs != rarest[pattern[window]]
    window, other = window[others], requires[pairs[others]]
    # the number of places of each of those in the window, from the places of all
    # requirements in one sorted array
    span = len(owner) + 1
    keys = requirement.astype(numpy.int64) * span + position
    held = numpy.searchsorted(keys, other * span + ends[window]) > \
        numpy.searchsorted(keys, other * span + starts[window])
    keep = (numpy.bincount(window[~held], minlength=len(anchors)) == 0) & (ends > starts)
    pattern, starts, ends = pattern[keep], starts[keep], ends[keep]
    # joined where they overlap (both ends rise within a pattern)
    opens = numpy.ones(len(starts), dtype=bool)
    opens[1:] = (pattern[1:] != pattern[:-1]) | (starts[1:] >= ends[:-1])
    closes = numpy.ones(len(starts), dtype=bool)
    closes[:-1] = opens[1:]
    return patterns[pattern[opens]], starts[opens], ends[closes]
