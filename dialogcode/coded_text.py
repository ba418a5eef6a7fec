"""Whether a coder file's rows were coded on the text the segments hold now.

A transcript edited and ingested again after a coder file was made shifts its turns:
``north/kickoff:t2`` may then name another turn than the one coded, and the codings
would silently credit other words. A row is checked by what it carries: its
``sha256`` (the document's hash when it was coded) against the document's, and its
``quote`` against the transcript: with a span, the document's text there; without
one, words of the segment's text (whole words, in order), words that start in it and
run on into the next segment (as a quote counts in the segment it starts in), or the
whole turn with its speaker label. A quote running into the segment from the one
before is refused: it is what a row looks like after an edit shifted the turns by one.
Case, spacing and punctuation aside; a privacy label (``[NAME]``) or a run of blocks in
a quote copied from a masked output stands for any words
(:func:`dialogcode.importers.tabular.same_text`). A row with neither cannot be checked
(docs/review.md).

The importers' helpers are imported where used: dialogcode.importers imports
dialogcode.coders, which imports this module.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import Problem

SHOWN = 5       # lines listed per document
SHA_DIFFERS = "its sha256 differs from the document's"
REIMPORT = "re-code, or import the coder's work again (`dialogcode import-codings`)"


def changed_hashes(given, doc_ids, documents: pd.DataFrame) -> np.ndarray:
    """True for each row that carries a document hash (``given``; empty or missing:
    none) other than the ``sha256`` in ``documents`` of its document (``doc_ids``). A
    row of a document not in ``documents`` is False: the checks of unknown seg_ids and
    documents report it. The one test of a sha256 for coder files, agreement codings,
    exports and review decisions."""
    now = pd.Series(np.asarray(doc_ids, dtype=object)).map(
        documents.set_index("doc_id")["sha256"]).to_numpy()
    given = pd.Series(np.asarray(given, dtype=object)).fillna("").astype(str).str.strip()
    given = given.to_numpy()
    return (given != "") & pd.notna(now) & (given != now)


def masked_copies(given, doc_ids, documents: pd.DataFrame, study, segments: pd.DataFrame
                  ) -> np.ndarray:
    """True for each row whose hash (``given``) is not its document's in ``documents``
    but that of the document's masked text, as an export's documents table shows it
    (:func:`~dialogcode.privacy.gate.shown_hashes` of ``study``): copied from there, not
    made on other text."""
    from .privacy.gate import shown_hashes

    changed = changed_hashes(given, doc_ids, documents)
    if not changed.any():
        return changed
    doc_ids = np.asarray(doc_ids, dtype=object)
    shown = shown_hashes(study, segments,
                         documents[documents["doc_id"].isin(set(doc_ids[changed]))])
    given = pd.Series(np.asarray(given, dtype=object)).fillna("").astype(str).str.strip()
    return changed & (given.to_numpy() == pd.Series(doc_ids).map(shown).to_numpy())


def masked_text(subject: str, study) -> str:
    """The one wording of ``subject`` (``the row of document 'x' carries``) holding the
    hash an export shows for a masked document (:func:`masked_copies`)."""
    return (f"{subject} the sha256 of the document's masked text, as an export's documents "
            "table shows it (the privacy gate masks this document; that hash changes "
            "whenever a privacy decision does), not of the transcript, which did not "
            f"change: copy the document's sha256 from {study.out / 'documents.csv'} (the "
            "raw one) instead")


def other_text(subject: str, remedy: str, why: str = SHA_DIFFERS) -> str:
    """The one wording of work done on a document's earlier text: ``subject`` (``the
    row of document 'x' was coded``) on other text (``why``), what that means, and
    ``remedy``."""
    return (f"{subject} on other text ({why}): the transcript changed since, so a seg_id "
            f"may now name another turn; {remedy}")


def _within(quote: str, text: str) -> bool:
    """Whether the words of ``quote`` (its parts between privacy labels) are whole words
    of ``text``, in order: a part of the text, never a word cut short."""
    from .importers.locate import fold
    from .importers.tabular import HIDDEN

    said, at = f" {fold(text)[0].strip()} ", 0
    for piece in (fold(part)[0].strip() for part in HIDDEN.split(quote)):
        if piece:
            at = said.find(f" {piece} ", at)
            if at < 0:
                return False
            at += len(piece) + 1
    return True


def _runs_on(quote: str, text: str) -> bool:
    """Whether ``quote`` starts inside ``text`` and runs on past its end: it begins
    (up to a privacy label it may hold) with all of ``text`` or its last words, at
    least two (one word in common is too likely by chance)."""
    from .importers.locate import fold
    from .importers.tabular import HIDDEN

    words, quoted = fold(text)[0].split(), fold(HIDDEN.split(quote)[0])[0].split()
    starts = range(max(len(words) - 1, 1))
    return bool(quoted) and any(words[k:] == quoted[:len(words) - k]
                                for k in starts if words[k] == quoted[0])


def _quote_fits(quote: str, span: str | None, text: str, speaker: str) -> bool:
    """Whether ``quote`` is the transcript's ``span`` (the text at the row's span, from
    the speaker label or on into the next turn as the span lies), or holds it (a span a
    character short); without a span, whether it is words of the segment's ``text``,
    starts in them and runs on into the next segment, or is the whole turn with its
    ``speaker`` label."""
    from .importers.locate import fold
    from .importers.tabular import same_text

    if span is not None:      # as import-codings writes it, or as a person may
        return (quote == span or same_text(quote, span)
                or fold(span)[0].strip() in fold(quote)[0])
    return (_within(quote, text) or _runs_on(quote, text)
            or same_text(quote, f"{speaker}: {text}"))


def _spans(table: pd.DataFrame, segments: pd.DataFrame, position: np.ndarray,
           documents: pd.DataFrame | None) -> list[str | None]:
    """Each row's transcript text at its span (None without one): the document's text
    there, or without ``documents``' text the part of the span in its segment."""
    full = {}
    if documents is not None and "text" in documents:
        full = dict(zip(documents["doc_id"], documents["text"]))
    spans = []
    for a, b, doc_id, text, (s, e) in zip(
            table["start"], table["end"], segments["doc_id"].to_numpy()[position],
            segments["text"].to_numpy()[position],
            segments[["start", "end"]].to_numpy(dtype=float)[position]):
        if np.isnan(a) or np.isnan(b):
            spans.append(None)
        elif doc_id in full:
            spans.append(full[doc_id][int(a):int(b)])
        else:
            spans.append(text[int(max(a, s) - s):int(min(b, e) - s)])
    return spans


def _rows(lines: list[int], doc_id: str) -> str:
    """``the row of document 'x'``, or ``3 rows of document 'x' (lines 2, 5, 9)``."""
    if len(lines) == 1:
        return f"the row of document {doc_id!r}"
    more = f" and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    return (f"{len(lines)} rows of document {doc_id!r} (lines "
            f"{', '.join(map(str, lines[:SHOWN]))}{more})")


def changed_rows(table: pd.DataFrame, path: str, segments: pd.DataFrame,
                 found: np.ndarray, documents: pd.DataFrame | None = None, study=None
                 ) -> list[Problem]:
    """One problem per document for the rows of a coder file ``table`` (text cells
    indexed by line, ``start``/``end`` numbers) coded on other text: a ``sha256``
    other than the document's in ``documents`` (when given), or a ``quote`` that is
    not the transcript's text (the document's at the row's span when ``documents`` hold
    their text). With ``study``, rows whose sha256 is the one its exports show for a
    masked document are told apart (:func:`masked_copies`). ``found`` is each row's
    position in ``segments`` (-1 for a row not to check here, such as an unknown
    seg_id)."""
    known = found >= 0
    position = np.maximum(found, 0)
    doc_ids = segments["doc_id"].to_numpy()[position]
    hashed = np.zeros(len(table), dtype=bool)
    copied = np.zeros(len(table), dtype=bool)
    if documents is not None and "sha256" in table:
        hashed = known & changed_hashes(table["sha256"], doc_ids, documents)
        if study is not None and hashed.any():
            copied = known & masked_copies(table["sha256"], doc_ids, documents, study,
                                           segments)
            hashed = hashed & ~copied
    quoted = np.zeros(len(table), dtype=bool)
    if "quote" in table:
        texts = segments["text"].to_numpy()[position]
        speakers = segments["speaker"].fillna("").astype(str).to_numpy()[position]
        spans = _spans(table, segments, position, documents)
        for i, (ok, quote, span, text, speaker) in enumerate(zip(
                known, table["quote"].fillna(""), spans, texts, speakers)):
            if ok and quote.strip():
                quoted[i] = not _quote_fits(quote, span, text, speaker)
    problems = []
    for doc_id in sorted(set(doc_ids[copied])):
        lines = sorted(table.index[copied & (doc_ids == doc_id)])
        verb = "carry" if len(lines) > 1 else "carries"
        problems.append(Problem(masked_text(f"{_rows(lines, doc_id)} {verb}", study), path,
                                int(lines[0])))
    for doc_id in sorted(set(doc_ids[hashed | quoted])):
        mine = doc_ids == doc_id
        lines = sorted(table.index[mine & (hashed | quoted)])
        why = (SHA_DIFFERS if (mine & hashed).any() else
               "the row's quote is not the text of its seg_id")
        verb = "were" if len(lines) > 1 else "was"
        problems.append(Problem(other_text(f"{_rows(lines, doc_id)} {verb} coded", REIMPORT,
                                           why), path, int(lines[0])))
    return problems
