"""Coder file rows read after the study was re-cut: the same text cut into other segments
(``max_segment_chars:``, ``unit:`` or ``speakers:`` in dialogcode.yaml changed, or a
newer dialogcode reads a transcript otherwise), so that a seg_id names another segment
than the one coded. A quote without a span then tells where its words are now: the
segment whose whole text it is, or failing one, the segments whose words it is
(:func:`dialogcode.coded_text.changed_rows` says which, and whether the row's sha256
shows the transcript unchanged, so a re-cut is not taken for an edit).

The importers' helpers are imported where used: dialogcode.importers imports
dialogcode.coders, which imports this module through dialogcode.coded_text.
"""
from __future__ import annotations

import pandas as pd

SETTINGS = ("`max_segment_chars:`, `unit:` or `speakers:` in dialogcode.yaml changed, or "
            "a newer dialogcode reads the transcript otherwise")
MOVE = ("give each row the seg_id its words are in now (named here), or ingest with the "
        "settings it was coded on; importing the coder's work again helps only from a file "
        "that places codings by quote or offsets (a quotes table, a REFI-QDA project), not "
        "by seg_id")


class Places:
    """Where the quotes of a coder file's rows are in their document's ``segments``
    (``seg_id``, ``doc_id``, ``start``, ``text``, ``speaker``) now."""

    def __init__(self, segments: pd.DataFrame):
        order = segments.sort_values(["doc_id", "start"])
        speakers = (order["speaker"].fillna("").astype(str) if "speaker" in order
                    else pd.Series("", order.index))
        self._docs: dict[str, list[tuple[str, str, str]]] = {}
        for doc, seg, text, speaker in zip(order["doc_id"], order["seg_id"], order["text"],
                                           speakers):
            self._docs.setdefault(doc, []).append((seg, text, speaker))
        self._keys: dict[str, dict[str, list[str]]] = {}     # doc -> folded text -> segs

    def _by_text(self, doc_id: str) -> dict[str, list[str]]:
        """The segments of ``doc_id`` by their folded text, with its speaker label and
        without (built once per document: a big coder file is looked up, not scanned)."""
        from .importers.locate import fold

        if doc_id not in self._keys:
            keys: dict[str, list[str]] = {}
            for seg, text, speaker in self._docs.get(doc_id, []):
                for form in {fold(text)[0].strip(), fold(f"{speaker}: {text}")[0].strip()}:
                    keys.setdefault(form, []).append(seg)
            self._keys[doc_id] = keys
        return self._keys[doc_id]

    def whole(self, quote: str, doc_id: str) -> list[str]:
        """The segments of ``doc_id`` whose whole text (with its speaker label or not)
        ``quote`` is, case, spacing and punctuation aside (a privacy label standing for
        any words: :func:`~dialogcode.importers.tabular.same_text`)."""
        from .importers.locate import fold
        from .importers.tabular import HIDDEN, same_text

        if not quote.strip():
            return []
        if HIDDEN.search(quote) is None and not quote.endswith(" [truncated]"):
            return list(self._by_text(doc_id).get(fold(quote)[0].strip(), []))
        return [seg for seg, text, speaker in self._docs.get(doc_id, [])
                if same_text(quote, text) or same_text(quote, f"{speaker}: {text}")]

    def holding(self, quote: str, doc_id: str, fits) -> list[str]:
        """:meth:`whole`, or failing any, the segments of ``doc_id`` whose words ``quote``
        is as ``fits(quote, text, speaker)`` tells."""
        return self.whole(quote, doc_id) or [
            seg for seg, text, speaker in self._docs.get(doc_id, [])
            if fits(quote, text, speaker)]


def moved(lines: list[int], now: dict[int, list[str]]) -> str:
    """Where the words of the rows on ``lines`` are now (``now``: line -> seg_ids), for
    a message; "" when nowhere."""
    found = [(line, now[line]) for line in lines if now.get(line)]
    if not found:
        return ""
    if len(lines) == 1:
        return f" but of {' and '.join(found[0][1][:3])}"
    shown = ", ".join(f"line {line}: {' and '.join(segs[:3])}" for line, segs in found[:5])
    return f" (the text of another segment now: {shown}{', ...' if len(found) > 5 else ''})"


def own_words(lines: list[int]) -> str:
    """What to add to a message for the rows on ``lines`` whose quote is words of their
    seg_id's segment as well as the whole text of another: the coding may be right."""
    if not lines:
        return ""
    which = (f"line {lines[0]}" if len(lines) == 1 else
             f"lines {', '.join(map(str, lines[:5]))}{', ...' if len(lines) > 5 else ''}")
    return (f". The quote of {which} is also words of its seg_id's segment (a short turn "
            "said again inside a longer one): if the row codes those words there, leave "
            "its seg_id and give their start and end (offsets into the document) instead")


def recut_text(subject: str, where: str) -> str:
    """The one wording of rows (``subject``: ``the row of document 'x' was coded``) whose
    sha256 shows their document unchanged while their quote is not the text of their
    seg_id (``where``: :func:`moved`)."""
    return (f"{subject} on the same text cut into other segments (the sha256 is the "
            f"document's, so the transcript did not change, but the quote is not the text "
            f"of the seg_id{where}): the segments were cut otherwise since the coding "
            f"({SETTINGS}), so a seg_id names another segment now; {MOVE}")


def either_text(subject: str, where: str) -> str:
    """The one wording of rows without a sha256 whose quote is the text of another
    segment than their seg_id's (``where``: :func:`moved`): a re-cut or an edit."""
    return (f"{subject} on other text (the row's quote is not the text of its seg_id"
            f"{where}): either the transcript was edited since, or its segments were cut "
            f"otherwise ({SETTINGS}); either way a seg_id names another segment now. If "
            f"the transcript is unchanged, {MOVE}; if it was edited, re-code, or import "
            "the coder's work again (`dialogcode import-codings`)")


def unmatched_text(subject: str) -> str:
    """The one wording of rows whose sha256 shows their document unchanged while their
    quote is the text of no segment of it: the quote was not copied from the transcript."""
    return (f"{subject} with a quote that is not the transcript's words, neither its "
            "seg_id's nor another segment's (the sha256 is the document's, so the "
            "transcript did not change since): copy the quote from the transcript "
            "(out/segments.csv), or leave the cell empty")


def span_moved(segments: pd.DataFrame, doc_id: str, start: float, end: float) -> str:
    """What follows "the span lies outside segment X" for a span of ``doc_id`` from
    ``start`` to ``end``: the segments of ``segments`` it lies in now, as after a re-cut
    or an edit before it, or that it would quote other words when it lies in none."""
    near = segments.loc[(segments["doc_id"] == doc_id) & (segments["start"] < end)
                        & (segments["end"] > start), "seg_id"].tolist()
    if not near:
        return "; it would quote other words"
    return (f"; it lies in {' and '.join(near[:3])} now: a seg_id names a segment by its "
            "position, which moves when the transcript is edited before it or its segments "
            f"are cut otherwise ({SETTINGS}); if the span's words are the ones coded, give "
            "the row that seg_id")
