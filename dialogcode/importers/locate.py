"""Finding a coder's quote in a document's text, at three levels, never guessing.

1. **exact**: the quote (outer whitespace removed), as written or with its line breaks
   read as ingest reads a transcript's (:func:`~dialogcode.normalize.unify_line_breaks`),
   occurs in the text as written.
2. **tolerant**: both are *folded*: case-folded, every run of whitespace or punctuation
   (including any quote marks, apostrophes, dashes and ellipses) read as one space. So
   ``“Rent keeps  rising” -`` finds ``rent keeps rising``. The match maps back to exact
   offsets in the original text, from its first to its last letter or digit. A quote
   that runs from one turn into the next may leave out what lies between the two
   segments (the speaker label, blank lines): failing the text as it is, the folded
   text with that read as white space is searched.
3. **fuzzy**: the folded quote is matched against every stretch of the folded text by
   edit distance (insertions, deletions and substitutions of single characters, found
   for all stretches at once with Myers' bit-vector algorithm). Similarity is
   ``1 - edits / length of the folded quote``; a stretch counts when it is at least
   :data:`MIN_SIMILARITY` (0.85: one typo in a quote of 7 characters or more, 3 in 20,
   15 in 100). Of equally close stretches the one nearest the quote's length is taken,
   and widened to whole words where it starts or ends inside one and the quote fits the
   wider stretch as well (no more edits).

At the exact and tolerant levels a place must start and end at word edges (``rent
rules`` is not found in ``current rules``; an apostrophe between letters is inside its
word, so ``don`` is not found in ``don't`` nor ``Maria`` in ``Maria's``, though
``homme`` is in ``l'homme``); only when neither level finds the quote so,
the places either finds inside words are taken (``evict`` in ``evicted``: a piece of a
word quoted). The first level that finds the quote decides. Found at more than one
place there (places that do not overlap) it is *ambiguous*; found nowhere it is
*unfound*; either way no offsets are returned. An apostrophe is the same at every level
whether straight or curly (:data:`APOSTROPHES`).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..memo import last_texts
from ..normalize import normalize_text, unify_line_breaks
from .positions import in_word

EXACT, TOLERANT, FUZZY = "exact", "tolerant", "fuzzy"
LEVELS = (EXACT, TOLERANT, FUZZY)
MIN_SIMILARITY = 0.85
# forms of the apostrophe (a word processor curls what a coder types straight), each
# read as the straight one; between letters, one is inside its word ("don't")
APOSTROPHES = "'\u2019\u2018\u02bc"
_STRAIGHT = str.maketrans({mark: "'" for mark in APOSTROPHES})


@dataclass(frozen=True)
class Location:
    """Where a quote was found: ``spans`` holds one (start, end) when located, several
    when ambiguous, none when unfound. ``level`` is None when unfound."""

    level: str | None
    spans: list[tuple[int, int]] = field(default_factory=list)
    similarity: float = 1.0

    @property
    def located(self) -> bool:
        return len(self.spans) == 1


@lru_cache(maxsize=None)     # one entry per character ever read
def _separator(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] == "P" or \
        unicodedata.category(char) == "Sk"


def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """(folded text, index of the original character behind each folded character)."""
    chars: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        if _separator(char):
            if chars and chars[-1] != " ":
                chars.append(" ")
                index.append(position)
            continue
        for piece in char.casefold():
            chars.append(piece)
            index.append(position)
    return "".join(chars), tuple(index)


fold_document = last_texts(8)(fold)   # each document is folded once per import
# a segment's text, folded once for the check of a coder file's rows on it and their
# placement when they run on (dialogcode.coded_text, dialogcode.run_on); known by its
# characters, as it is cut from its document anew for each row (a turn: short to compare)
fold_segment = lru_cache(maxsize=1024)(fold)


@last_texts(8)
def _fold_without(text: str, between: tuple[tuple[int, int], ...]
                  ) -> tuple[str, tuple[int, ...]]:
    """:func:`fold` of ``text`` with the characters of the spans ``between`` read as
    white space (offsets unchanged)."""
    chars = list(text)
    for start, end in between:
        chars[start:end] = " " * (end - start)
    return fold("".join(chars))


@last_texts(8)
def _straight(text: str) -> str:
    """``text`` with every apostrophe straight (offsets unchanged)."""
    return text.translate(_STRAIGHT)


def _occurrences(needle: str, haystack: str) -> list[tuple[int, int]]:
    spans, at = [], haystack.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = haystack.find(needle, at + 1)
    return spans


def _end_distances(pattern: str, text: str, *, anchored: bool = False) -> list[int]:
    """For each end ``j`` (1..len(text)): the fewest edits (insertions, deletions,
    substitutions) turning ``pattern`` into some ``text[i:j]`` (with ``anchored``, into
    ``text[:j]``). Myers' bit-vector algorithm: one pass over the text, the pattern's
    columns held in one integer; anchored, each column's top cell is one more than the
    one before (Hyyro's carry into the horizontal differences)."""
    size = len(pattern)
    full, top = (1 << size) - 1, 1 << (size - 1)
    positions: dict[str, int] = {}
    for i, char in enumerate(pattern):
        positions[char] = positions.get(char, 0) | (1 << i)
    plus, minus, score = full, 0, size
    scores = []
    for char in text:
        equal = positions.get(char, 0)
        vertical = equal | minus
        horizontal = ((((equal & plus) + plus) & full) ^ plus) | equal
        h_plus = minus | (~(horizontal | plus) & full)
        h_minus = plus & horizontal
        if h_plus & top:
            score += 1
        elif h_minus & top:
            score -= 1
        h_plus, h_minus = ((h_plus << 1) | anchored) & full, (h_minus << 1) & full
        plus, minus = h_minus | (~(vertical | h_plus) & full), h_plus & vertical
        scores.append(score)
    return scores


def _start_for(pattern: str, text: str, end: int, limit: int) -> tuple[int, int]:
    """(edits, start) of the ``text[start:end]`` closest to ``pattern``, preferring the
    length nearest the pattern's on ties: the distances of the pattern backwards to the
    text read backwards from ``end``."""
    size = len(pattern)
    window = text[max(0, end - size - limit):end][::-1]
    distances = _end_distances(pattern[::-1], window, anchored=True)
    edits, _, taken = min([(size, size, 0)] + [
        (edits, abs(taken - size), taken)
        for taken, edits in enumerate(distances, start=1)])
    return edits, end - taken


def _fuzzy(quote: str, key: str, threshold: float) -> list[tuple[float, int, int]]:
    """(similarity, start, end) of the closest stretch of ``key`` at each separate place
    where ``1 - edits / len(quote)`` reaches ``threshold``."""
    limit = int(len(quote) * (1 - threshold) + 1e-9)
    if limit == 0:
        return []
    scores = _end_distances(quote, key)
    ends = [j for j in range(1, len(key) + 1) if scores[j - 1] <= limit    # low points
            and (j == 1 or scores[j - 2] >= scores[j - 1])
            and (j == len(key) or scores[j] >= scores[j - 1])]
    candidates = []
    for end in ends:
        edits, start = _start_for(quote, key, end, limit)
        while key[start] == " ":
            start += 1
        while key[end - 1] == " ":
            end -= 1
        candidates.append((1 - edits / len(quote), start, end))
    candidates.sort(key=lambda c: (-c[0], abs(c[2] - c[1] - len(quote)), c[1]))
    places: list[tuple[float, int, int]] = []
    for score, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in places):
            places.append((score, start, end))
    return places


def locate(quote: str, text: str, *, min_similarity: float = MIN_SIMILARITY,
           between: tuple[tuple[int, int], ...] = ()) -> Location:
    """Find ``quote`` in ``text`` (a document's normalised text); see the module doc.
    ``between`` are the spans between its segments, which a tolerant match may leave
    out."""
    written = normalize_text(quote).strip()
    quote = unify_line_breaks(written).strip()
    if not quote:
        return Location(None)
    # as written (a table's value keeps a line separator as text), or as ingest reads it
    straight = _straight(text)
    exact = sorted({*_occurrences(written.translate(_STRAIGHT), straight),
                    *_occurrences(quote.translate(_STRAIGHT), straight)})
    whole = _at_word_edges(exact, text)
    if whole:
        return Location(EXACT, whole)
    key, index = fold_document(text)
    folded = fold(quote)[0].strip()
    if not folded:
        return Location(EXACT, exact) if exact else Location(None)

    def original(start: int, end: int) -> tuple[int, int]:
        return index[start], index[end - 1] + 1

    tolerant = [original(s, e) for s, e in _occurrences(folded, key)]
    if not tolerant and between:
        without, index_without = _fold_without(text, between)
        tolerant = [(index_without[s], index_without[e - 1] + 1)
                    for s, e in _occurrences(folded, without)]
    whole = _at_word_edges(tolerant, text)
    if whole:
        return Location(TOLERANT, whole)
    if exact or tolerant:     # found only inside words: a piece of a word quoted
        return Location(EXACT, exact) if exact else Location(TOLERANT, tolerant)
    places = _fuzzy(folded, key, min_similarity)
    if not places:
        return Location(None)
    return Location(FUZZY, [_whole_words(folded, text, *original(s, e))
                            for _, s, e in places], round(places[0][0], 3))


def _cuts(before: str, after: str) -> bool:
    """Whether an edge between the characters ``before`` and ``after`` falls inside a
    word of a language written with spaces (one without, whose letters are of the
    category Lo, shows no word edges)."""
    return (in_word(before) and in_word(after)
            and "Lo" not in (unicodedata.category(before), unicodedata.category(after)))


def _inner_apostrophe(text: str, at: int) -> bool:
    """Whether ``text[at]`` is an apostrophe between letters (``don't``, ``Maria's``)."""
    return (0 < at < len(text) - 1 and text[at] in APOSTROPHES
            and in_word(text[at - 1]) and in_word(text[at + 1]))


def word_edge(text: str, at: int) -> bool:
    """Whether offset ``at`` of ``text`` falls between words, not inside one: an
    apostrophe between letters is inside its word, so the letters before it are no
    word (``don`` of ``don't``, ``Maria`` of ``Maria's``), but those after it may be
    one (``homme`` of ``l'homme``, an elided article before it)."""
    return at <= 0 or at >= len(text) or not (
        _cuts(text[at - 1], text[at]) or _inner_apostrophe(text, at))


def _at_word_edges(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The ``spans`` of ``text`` that start and end at word edges, none inside a word."""
    return [(start, end) for start, end in spans
            if word_edge(text, start) and word_edge(text, end)]


def _whole_words(quote: str, text: str, start: int, end: int) -> tuple[int, int]:
    """``start`` and ``end`` moved out to the edges of the words they fall inside, each
    where ``text[start:end]`` then takes no more edits from the folded ``quote`` (a
    language written without spaces has no word edges to find)."""
    def edits(s: int, e: int) -> int:
        stretch = fold(text[s:e])[0].strip()
        return _end_distances(quote, stretch, anchored=True)[-1] if stretch else len(quote)

    wide = start
    while wide > 0 and in_word(text[wide - 1]) and in_word(text[wide]):
        wide -= 1
    if wide < start and edits(wide, end) <= edits(start, end):
        start = wide
    wide = end
    while wide < len(text) and in_word(text[wide]) and in_word(text[wide - 1]):
        wide += 1
    if wide > end and edits(start, wide) <= edits(start, end):
        end = wide
    return start, end
