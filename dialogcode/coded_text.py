"""Whether a coder file's rows were coded on the text the segments hold now.

A transcript edited and ingested again after a coder file was made shifts its turns:
``north/kickoff:t2`` may then name another turn than the one coded, and the codings
would silently credit other words. A row is checked by what it carries: its
``sha256`` (the document's hash when it was coded) against the document's, and its
``quote`` against the segment's text. A row with neither cannot be checked
(docs/review.md).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import Problem

WORDS = re.compile(r"[\W_]+")
SHOWN = 5       # lines listed per document


def _plain(text: str) -> str:
    """``text`` in lower case with every run of spaces and punctuation one space, so a
    hand-copied quote matches the transcript whatever its spacing."""
    return WORDS.sub(" ", text.casefold()).strip()


def _quote_fits(quote: str, start: float, end: float, text: str, seg_start: float,
                seg_end: float) -> bool:
    """True when ``quote`` is the segment's ``text`` where its span lies over the
    segment (the span may start on the speaker label or run into the next turn), or,
    without a span, when one holds the other."""
    if np.isnan(start) or np.isnan(end):
        mine, said = _plain(quote), _plain(text)
        return mine in said or said in mine
    part = _plain(text[int(max(start, seg_start) - seg_start):
                       int(min(end, seg_end) - seg_start)])
    return part in _plain(quote)


def changed_rows(table: pd.DataFrame, path: str, segments: pd.DataFrame,
                 found: np.ndarray, documents: pd.DataFrame | None = None
                 ) -> list[Problem]:
    """One problem per document for the rows of a coder file ``table`` (text cells
    indexed by line, ``start``/``end`` numbers) coded on other text: a ``sha256``
    other than the document's in ``documents`` (when given), or a ``quote`` that is
    not the text at the row's span. ``found`` is each row's position in ``segments``
    (-1 for an unknown seg_id, which is not checked here)."""
    known = found >= 0
    position = np.maximum(found, 0)
    doc_ids = segments["doc_id"].to_numpy()[position]
    hashed = np.zeros(len(table), dtype=bool)
    if documents is not None and "sha256" in table:
        hashes = documents.set_index("doc_id")["sha256"]
        given = table["sha256"].fillna("").str.strip().to_numpy()
        now = pd.Series(doc_ids).map(hashes).to_numpy()
        hashed = known & (given != "") & pd.notna(now) & (given != now)
    quoted = np.zeros(len(table), dtype=bool)
    if "quote" in table:
        texts = segments["text"].to_numpy()[position]
        bounds = segments[["start", "end"]].to_numpy(dtype=float)[position]
        quoted = np.array([bool(ok and quote.strip()) and not _quote_fits(
                               quote, float(a), float(b), text, s, e)
                           for ok, quote, a, b, text, (s, e) in zip(
                               known, table["quote"].fillna(""), table["start"],
                               table["end"], texts, bounds)], dtype=bool)
    problems = []
    for doc_id in sorted(set(doc_ids[hashed | quoted])):
        mine = doc_ids == doc_id
        lines = sorted(table.index[mine & (hashed | quoted)])
        why = ("its sha256 differs from the document's" if (mine & hashed).any() else
               "the row's quote is not the text of its seg_id")
        more = f" and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
        rows = (f"{len(lines)} rows of document {doc_id!r} (lines "
                f"{', '.join(map(str, lines[:SHOWN]))}{more}) were" if len(lines) > 1
                else f"the row of document {doc_id!r} was")
        problems.append(Problem(
            f"{rows} coded on other text ({why}): the transcript changed since, so a "
            "seg_id may now name another turn; re-code, or import the coder's work "
            "again (`dialogcode import-codings`)", path, int(lines[0])))
    return problems
