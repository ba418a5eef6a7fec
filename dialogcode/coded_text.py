"""Whether a coder file's rows were coded on the text the segments hold now.

A transcript edited and ingested again after a coder file was made shifts its turns:
``north/kickoff:t2`` may then name another turn than the one coded, and the codings
would silently credit other words. A row is checked by what it carries: its
``sha256`` (the document's hash when it was coded) against the document's, and its
``quote`` against the transcript: with a span, the document's text there; without
one, words of the segment's text (whole words, in order), words that start in it (or
on its own speaker label, before all its words) and run on into the next segment (as a
quote counts in the segment it starts in), or the whole turn or its first words after
its speaker label (the time written beside the label quoted or not, AM or PM too). A
quote running into the segment from the one before, or starting on another turn's label,
is refused: it is what a row looks like after an edit shifted the turns by one.
Case, spacing and punctuation aside; a privacy label (``[NAME]``) or a run of blocks in
a quote copied from a masked output stands for any words
(:func:`dialogcode.importers.tabular.same_text`). A row with neither cannot be checked
(docs/review.md). A quote without a span that runs on, word for word, into the next
segments is given the span it covers (:func:`dialogcode.run_on.run_on_spans`), so that
it codes each of them as a span given by offsets does; one running on other than as the
transcript does codes its own segment only, and a warning names its line.

The importers' helpers are imported where used: dialogcode.importers imports
dialogcode.coders, which imports this module.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import Problem
from .quote_words import OPENING_LABEL, opens_turn, runs_on, within
from .recut import Places, either_text, moved, own_words, recut_text, unmatched_text

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


def _quote_fits(quote: str, span: str | None, text: str, speaker: str) -> bool:
    """Whether ``quote`` is the transcript's ``span`` (the text at the row's span, from
    the speaker label or on into the next turn as the span lies), or holds it (a span a
    character short); without a span, whether it is words of the segment's ``text``,
    starts in them and runs on into the next segment, or is the whole turn or its first
    words after its ``speaker`` label (:func:`~.quote_words.opens_turn`)."""
    from .importers.locate import fold
    from .importers.tabular import same_text

    if span is not None:      # as import-codings writes it, or as a person may
        return (quote == span or same_text(quote, span)
                or fold(span)[0].strip() in fold(quote)[0])
    return (within(quote, text) or runs_on(quote, text, speaker)
            or same_text(quote, f"{speaker}: {text}") or opens_turn(quote, text, speaker))


def _relabelled(quote: str, text: str, speaker: str) -> str | None:
    """The speaker label (of four words at most) ``quote``, a quote without a span,
    opens on, when it is not the turn's ``speaker`` and the words after it fit the turn's
    ``text`` (:func:`_quote_fits`): a label retyped (``Participant 1:`` for ``P1:``),
    not a turn of other words."""
    from .importers.locate import fold

    found = OPENING_LABEL.match(quote)
    if (found is None or len(found.group(1).split()) > 4
            or fold(found.group(1))[0].strip() == fold(speaker)[0].strip()):
        return None
    rest = quote[found.end():]
    return found.group(1) if rest.strip() and _quote_fits(rest, None, text, speaker) else None


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


def _whole_elsewhere(quote: str, text: str, speaker: str, doc_id: str, seg_id: str,
                     places: Places) -> bool:
    """Whether ``quote``, words of its segment's ``text`` but not all of it, is the whole
    text of another segment of its document."""
    from .importers.tabular import same_text

    return not (same_text(quote, text) or same_text(quote, f"{speaker}: {text}")) and any(
        seg != seg_id for seg in places.whole(quote, doc_id))


def _other_rows(table: pd.DataFrame, rows: np.ndarray, doc_id: str, path: str,
                places: Places, hashed: bool, unchanged: np.ndarray, within: np.ndarray
                ) -> Problem:
    """The problem of the rows ``rows`` of document ``doc_id`` coded on other text or on
    other segments (:func:`changed_rows`): its sha256 differs (``hashed``: some row's
    does), or the quote is not its seg_id's text, with where its words are now
    (:class:`~dialogcode.recut.Places`), the document unchanged (``unchanged``) or not
    known to be, and which of them quote words of their seg_id too (``within``:
    :func:`~dialogcode.recut.own_words`)."""
    lines = sorted(table.index[rows])
    subject = f"{_rows(lines, doc_id)} {'were' if len(lines) > 1 else 'was'} coded"
    if hashed:
        return Problem(other_text(subject, REIMPORT), path, int(lines[0]))
    seg_ids = table.loc[lines, "seg_id"].str.strip()
    now = {line: [seg for seg in places.holding(
        table.at[line, "quote"], doc_id, lambda q, t, s: _quote_fits(q, None, t, s))
        if seg != seg_ids[line]] for line in lines[:SHOWN] if pd.isna(table.at[line, "start"])}
    where = moved(lines, now)
    if unchanged[rows].all():
        text = recut_text(subject, where) if where else unmatched_text(subject)
    elif where:
        text = either_text(subject, where)
    else:
        text = other_text(subject, REIMPORT, "the row's quote is not the text of its seg_id")
    return Problem(text + own_words(sorted(table.index[rows & within])), path, int(lines[0]))


def changed_rows(table: pd.DataFrame, path: str, segments: pd.DataFrame,
                 found: np.ndarray, documents: pd.DataFrame | None = None, study=None
                 ) -> list[Problem]:
    """One problem per document for the rows of a coder file ``table`` (text cells
    indexed by line, ``start``/``end`` numbers) coded on other text: a ``sha256``
    other than the document's in ``documents`` (when given), or a ``quote`` that is
    not the transcript's text (the document's at the row's span when ``documents`` hold
    their text). Told apart, as the text did not change: with ``study``, rows whose
    sha256 is the one its exports show for a masked document (:func:`masked_copies`);
    quotes without a span holding their turn's words after a speaker label other than
    the turn's (:func:`_relabelled`). ``found`` is each row's position in ``segments``
    (-1 for a row not to check here, such as an unknown seg_id)."""
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
    within = np.zeros(len(table), dtype=bool)    # quoted, yet words of their seg_id
    labels: dict[int, tuple[str, str]] = {}    # row -> (label quoted, the turn's speaker)
    places = Places(segments)
    if "quote" in table:
        texts = segments["text"].to_numpy()[position]
        speakers = segments["speaker"].fillna("").astype(str).to_numpy()[position]
        seg_ids = segments["seg_id"].to_numpy()[position]
        spans = _spans(table, segments, position, documents)
        for i, (ok, quote, span, text, speaker) in enumerate(zip(
                known, table["quote"].fillna(""), spans, texts, speakers)):
            if not (ok and quote.strip()):
                continue
            if not _quote_fits(quote, span, text, speaker):
                said = None if span is not None or hashed[i] else _relabelled(
                    quote, text, speaker)
                if said is None:
                    quoted[i] = True
                else:
                    labels[i] = (said, speaker)
            elif span is None and not hashed[i]:
                # words of its segment that are another segment's whole text: after a
                # re-cut, the short turn coded ("Mm-hm.") said again in the one named now
                quoted[i] = within[i] = _whole_elsewhere(quote, text, speaker, doc_ids[i],
                                                         seg_ids[i], places)
    # rows without a span whose sha256 shows the transcript unchanged: a quote not of
    # their seg_id shows the segments cut otherwise since (a span's offsets are not)
    unchanged = known & ~hashed & ~copied & (documents is not None) & (
        table["sha256"].fillna("").str.strip().ne("").to_numpy() if "sha256" in table
        else False) & table["start"].isna().to_numpy()
    problems = []
    for doc_id in sorted(set(doc_ids[copied])):
        lines = sorted(table.index[copied & (doc_ids == doc_id)])
        verb = "carry" if len(lines) > 1 else "carries"
        problems.append(Problem(masked_text(f"{_rows(lines, doc_id)} {verb}", study), path,
                                int(lines[0])))
    for doc_id in sorted(set(doc_ids[hashed | quoted])):
        mine = doc_ids == doc_id
        for rows in (mine & quoted & unchanged, mine & (hashed | quoted & ~unchanged)):
            if rows.any():
                problems.append(_other_rows(table, rows, doc_id, path, places,
                                            (mine & hashed).any(), unchanged, within))
    relabelled = np.isin(np.arange(len(table)), list(labels))
    for doc_id in sorted(set(doc_ids[relabelled])):
        rows = np.flatnonzero(relabelled & (doc_ids == doc_id))
        said, speaker = labels[int(rows[0])]
        lines = sorted(table.index[rows])
        label = f"the speaker label {said!r}, where the transcript has " + (
            repr(speaker) if speaker else "none")
        problems.append(Problem(
            (f"the row of document {doc_id!r} quotes its turn's words after {label}"
             if len(rows) == 1 else
             f"{_rows(lines, doc_id)} quote their turn's words after another speaker label "
             f"than the transcript's (first: {label})")
            + ": write the label as the transcript does, or leave it out", path,
            int(lines[0])))
    return problems
