"""Where a REFI-QDA tool's text positions fall in dialogcode's text. A source's text as
stored becomes LF line ends (:func:`normalised`) in Unicode NFC (:func:`nfc_positions`),
read as lines where the transcript was (:func:`as_lines`), and its selections'
positions may have been counted in code points of the file (the
standard), with a CRLF as one (ATLAS.ti) or in UTF-16 units (an emoji as two):
:func:`countings_of` gives the ways that differ on a text, :func:`counting` tells which
one a source's selections were counted in, by how many of them each puts at word edges.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from ..normalize import read_places


def normalised(raw: str) -> tuple[str, list[int]]:
    """(text with LF line ends, positions in ``raw`` of the CRs dropped from CRLFs)."""
    dropped = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]
    return raw.replace("\r\n", "\n").replace("\r", "\n"), dropped


# a piece that NFC may change: a run of non-ASCII characters and the ASCII one before
# it. ASCII never composes with what precedes it, so each piece normalises on its own.
_PIECE = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")


def nfc_positions(text: str) -> tuple[str, Callable[[int], int | None]]:
    """(``text`` in Unicode NFC, the position in it of each position of ``text``, None
    for a position inside a character that NFC composes, such as between an e and its
    combining accent)."""
    if unicodedata.is_normalized("NFC", text):
        return text, lambda position: position
    changed: list[tuple[int, int, int, int, str]] = []   # start, end, new start, new end
    parts, done, shift = [], 0, 0
    for match in _PIECE.finditer(text):
        piece = match.group()
        nfc = unicodedata.normalize("NFC", piece)
        if nfc != piece:
            parts += [text[done:match.start()], nfc]
            done = match.end()
            changed.append((match.start(), match.end(), match.start() + shift,
                            match.start() + shift + len(nfc), piece))
            shift += len(nfc) - len(piece)
    starts = [start for start, *_ in changed]

    def position(at: int) -> int | None:
        k = bisect_right(starts, at) - 1
        if k < 0:
            return at
        start, end, new_start, new_end, piece = changed[k]
        if at >= end:
            return new_end + at - end
        head = unicodedata.normalize("NFC", piece[:at - start])
        if head + unicodedata.normalize("NFC", piece[at - start:]) != \
                unicodedata.normalize("NFC", piece):
            return None
        return new_start + len(head)

    return "".join(parts) + text[done:], position


def as_lines(text: str) -> tuple[str, Callable[[int], int]]:
    """(``text`` read as lines as ingest reads a plain-text transcript, each line break
    written otherwise than LF one LF, or nothing beside one
    (:func:`~dialogcode.normalize.read_lines`), the position in it of each position of
    ``text``: one beside a line break read as nothing is the same as the break's)."""
    read, places = read_places(text)
    if read == text:
        return text, lambda position: position
    return read, lambda position: bisect_left(places, position)


def at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is in range, neither starts nor ends inside a word,
    and does not start with white space (a selection may end with some: a double click
    takes the space after a word). A combining mark is part of its word: ``José``
    written decomposed ends with one, and a selection ending before it is inside."""
    def edge(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (in_word(text[i - 1]) and in_word(text[i]))

    return (0 <= start < end <= len(text) and edge(start) and edge(end)
            and not text[start].isspace())


def in_word(char: str) -> bool:
    """Whether ``char`` is a letter, a digit or a combining mark (an accent, decomposed)."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _utf16(text: str) -> Callable[[int], int | None]:
    """The code point position in ``text`` of each position counted in UTF-16 units
    (an emoji as two), None inside a character that takes two."""
    starts = [i + k for k, i in enumerate(i for i, c in enumerate(text) if ord(c) > 0xFFFF)]

    def position(at: int) -> int | None:
        before = bisect_left(starts, at)      # such characters starting before ``at``
        if before and starts[before - 1] + 1 == at:
            return None
        return at - before

    return position


def countings_of(raw: str, dropped: list[int], ours: bool
               ) -> dict[str, Callable[[int], int | None]]:
    """The ways a tool may have counted the positions in a source's text ``raw`` (as
    stored; ``dropped``, the CRs of its CRLFs), each as the position it gives in the
    text with LF line ends, None where it falls inside a character: the standard's code
    points of the file first, then those that differ on this text. ATLAS.ti counts a
    CRLF line break as one; a tool built on UTF-16 strings counts an emoji as two.
    ``ours``: the project is dialogcode's own export, which counts as the standard does."""
    def lf(at: int | None) -> int | None:
        return None if at is None else at - bisect_left(dropped, at)

    countings = {"code points": lf}
    if ours:
        return countings
    if dropped:
        countings["a CRLF line break as one"] = lambda at: at
    if any(ord(c) > 0xFFFF for c in raw):
        in_raw, in_lf = _utf16(raw), _utf16(raw.replace("\r\n", "\n"))
        countings["UTF-16 units (an emoji as two)"] = lambda at: lf(in_raw(at))
        if dropped:
            countings["UTF-16 units and a CRLF line break as one"] = in_lf
    return countings


def counting(text: str, countings: dict[str, Callable[[int], int | None]],
              spans: list[tuple[int, int]]) -> tuple[str | None, dict[str, int], int,
                                                     list[str]]:
    """Which of ``countings`` a source's selections (``spans``, as stored) were counted
    in, judged on those the ways place apart by how many each puts at word edges in
    ``text`` (LF line ends): the standard's (the first) when no other fits more, else
    the one that fits the most when it alone does and fits more than half of them;
    None when none is clear. Also how many each fits, how many the ways place apart,
    and the ways that place them otherwise than the one taken but fit as many."""
    placed = {name: [(f(a), f(b)) for a, b in spans] for name, f in countings.items()}
    told = [i for i in range(len(spans)) if len({p[i] for p in placed.values()}) > 1]
    fits = {name: sum(at_word_edges(text, *(-1 if x is None else x for x in p[i]))
                      for i in told) for name, p in placed.items()}
    best = [name for name in countings if fits[name] == max(fits.values())]
    standard = next(iter(countings))
    counted = (standard if standard in best else best[0]
               if 2 * fits[best[0]] > len(told) else None)
    rivals = [name for name in best if counted is None or placed[name] != placed[counted]]
    if counted not in (None, standard) and rivals:
        counted = None
    return counted, fits, len(told), rivals
