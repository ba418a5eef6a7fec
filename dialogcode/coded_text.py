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
segments is given the span it covers (:func:`run_on_spans`), so that it codes each of
them as a span given by offsets does; one running on other than as the transcript does
codes its own segment only, and a warning names its line.

The importers' helpers are imported where used: dialogcode.importers imports
dialogcode.coders, which imports this module.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import DialogcodeWarning, Problem, warn
from .quote_words import OPENING_LABEL, after_label, opens_turn, past_time, within
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


def _runs_on(quote: str, text: str, speaker: str = "") -> bool:
    """Whether ``quote`` starts inside ``text`` and runs on past its end: it begins
    (up to a privacy label it may hold) with all of ``text`` or its last words, at
    least two (one word in common is too likely by chance), or with the turn's
    ``speaker`` label (the time a transcript writes beside it quoted or not) and then
    all of ``text``. A ``text`` without a word (``...``) has none for a quote to start
    in."""
    from .importers.locate import fold, fold_segment
    from .importers.tabular import HIDDEN

    words, quoted = fold_segment(text)[0].split(), fold(HIDDEN.split(quote)[0])[0].split()
    if not (quoted and words):
        return False
    label = fold_segment(speaker)[0].split()
    if any(quoted[i:i + len(words)] == words for i in after_label(quoted, label)):
        return True     # the turn from its label on
    starts = range(max(len(words) - 1, 1))
    return any(words[k:] == quoted[:len(words) - k] for k in starts if words[k] == quoted[0])


WILD_WORDS = 20     # words a privacy label in a quote may stand for, at most


def run_on_spans(table: pd.DataFrame, segments: pd.DataFrame, file: str | None = None
                 ) -> pd.DataFrame:
    """``table`` (a coder file's rows: ``seg_id``, ``code_id``, ``start``, ``end``,
    ``quote``; empty cells missing) with offsets for each coded row whose quote, given
    without them, starts in its segment (or on its speaker label, before all its words)
    and runs on, word for word, into the next segment(s) of the document (a speaker label
    between them, and the time written beside it, in the quote or not): the span from the
    quote's first word of a turn's text to its last, so that it codes each segment it
    covers a whole word of (:mod:`dialogcode.spans`), as a span given by offsets does. A
    quote within its segment, or not going on as the document does, stays a coding of its
    segment; with ``file`` (the coder file, ``table`` indexed by its lines), one
    :class:`~dialogcode.errors.DialogcodeWarning` names the rows whose quote ran on past
    their segment other than as the document does (the coder meant more turns than are
    coded), unless the quote only ends on the next turn's speaker label."""
    if "quote" not in table:
        return table
    quoted = table["quote"].map(lambda quote: isinstance(quote, str) and bool(quote.strip()))
    bare = table["code_id"].notna() & quoted & table["start"].isna() & table["end"].isna()
    if not bare.any():
        return table
    order = segments.sort_values(["doc_id", "start"])
    speakers = (order["speaker"] if "speaker" in order else pd.Series(None, order.index))
    layout = (order["doc_id"].tolist(), order["start"].astype(int).tolist(),
              order["end"].astype(int).tolist(), order["text"].tolist(),
              [str(s) if pd.notna(s) else "" for s in speakers])
    place = dict(zip(order["seg_id"], range(len(order))))
    spans, strayed, last = {}, [], set()
    for line, seg_id, quote in zip(table.index[bare], table.loc[bare, "seg_id"],
                                   table.loc[bare, "quote"]):
        span, stray = _run_on(quote, layout, place[seg_id]) if seg_id in place else (
            None, False)
        if span is not None:
            spans[line] = span
        elif stray:
            strayed.append(int(line))
            at = place[seg_id]
            if at + 1 == len(layout[0]) or layout[0][at + 1] != layout[0][at]:
                last.add(int(line))
    if file is not None and strayed:
        warn(DialogcodeWarning(str(Problem(_strayed(strayed, last), file, strayed[0]))))
    if not spans:
        return table
    found = pd.DataFrame(spans.values(), index=list(spans), columns=["start", "end"])
    return table.assign(start=table["start"].fillna(found["start"]),
                        end=table["end"].fillna(found["end"]))


def _strayed(lines: list[int], last: set[int]) -> str:
    """What was done with the rows on ``lines``, whose quotes ran on past their turn
    other than as the transcript goes on (those on ``last`` past the last turn of their
    document, where it does not go on), and what to do (:func:`run_on_spans`)."""
    done = ("coded on its own turn only; quote the words as the transcript has them, or "
            "give start and end")
    # a retyped speaker label is named: the next turn's words may be quoted right
    going = ("not as the transcript goes on (the next turns' words, and their speaker "
             "labels if quoted, as the transcript writes them")
    if len(lines) == 1:
        if last:
            return f"the quote runs on past its turn, the last of its document: {done}"
        return f"the quote runs on past its turn but {going}): {done}"
    more = f" and {len(lines) - SHOWN} more" if len(lines) > SHOWN else ""
    rows = f"{len(lines)} rows' quotes (lines {', '.join(map(str, lines[:SHOWN]))}{more})"
    if len(last) == len(lines):
        return f"{rows} run on past their turn, the last of their document: each {done}"
    past = "; after a document's last turn there are none" if last else ""
    return f"{rows} run on past their turn but {going}{past}): each {done}"


def _tokens(text: str, offset: int) -> list[tuple[str, int, int]]:
    """(folded word, start, end) of each word of ``text``, which starts at ``offset``."""
    from .importers.locate import fold_segment

    folded, index = fold_segment(text)
    return [(m.group(), offset + index[m.start()], offset + index[m.end() - 1] + 1)
            for m in re.finditer(r"\S+", folded)]


def _run_on(quote: str, layout: tuple[list, ...], at: int
            ) -> tuple[tuple[int, int] | None, bool]:
    """The span (start, end) of ``quote`` starting in segment ``at`` of ``layout`` (the
    segments' doc_ids, starts, ends, texts and speakers, sorted by document and start),
    or on its label before its first word, and running on past its end word for word,
    from the segment's word it starts on; or None; and whether, without such a
    span, the quote runs on past the segment's end all the same, other than on to the
    next turn's speaker label alone (:func:`run_on_spans`)."""
    from .importers.locate import fold
    from .importers.tabular import HIDDEN

    docs, starts, ends, texts, speakers = layout
    if not _runs_on(quote, texts[at], speakers[at]) or within(quote, texts[at]):
        return None, False
    pieces = [fold(piece)[0].split() for piece in HIDDEN.split(quote)]
    words = [w for piece in pieces[:1] for w in piece] + [
        w for piece in pieces[1:] for w in [None, *piece]]     # None: a privacy label
    need = len(words) + WILD_WORDS * words.count(None)
    after = []       # (word, start, end, the words of the label it starts, if it does)
    said = 0         # the words of the turns' texts in it, which the labels are not
    gaps = []        # where in it a turn's label starts and where its text does
    for j in range(at + 1, len(docs)):
        if docs[j] != docs[at] or said >= need:
            break
        label = _label(speakers[j])
        text = _tokens(texts[j], starts[j])
        gaps += [len(after), len(after) + len(label)]
        after += label + [(*token, None) for token in text]
        said += len(text)
    own, fits = _tokens(texts[at], starts[at]), False
    label = _label(speakers[at])      # opening the quote, with its time or not
    opens = bool(label) and (words[0] == label[0][0] or words[0].isdigit())
    for k in range(max(len(own) - 1, 1)):
        head = label if k == 0 and opens else []
        if own[k][0] != words[0] and not head:
            continue
        stream = head + [(*token, None) for token in own[k:]] + after
        end = _walk(words, stream, {gap + len(head) + len(own) - k for gap in gaps}
                    | ({0, len(head)} if head else set()))
        if not end:
            continue
        # its last word of a turn's text, not of a speaker label it ends on: past the
        # segment's end, the span runs from the turn's word it starts on to it; else
        # the quote ends on the next label
        last = next(token for token in reversed(stream[:end]) if token[1] < token[2])
        if last[2] > ends[at]:
            return (own[k][1], last[2]), False
        fits = True
    return None, not fits


def _label(speaker: str) -> list[tuple]:
    """The tokens of a turn's ``speaker`` label, for :func:`_walk`: its folded words,
    each without a width (a span never ends on one), the first telling how many they
    are."""
    from .importers.locate import fold_segment

    words = fold_segment(speaker)[0].split()
    return [(word, 0, 0, None if i else len(words)) for i, word in enumerate(words)]


def _walk(words: list, stream: list, gaps: set[int] = frozenset()) -> int | None:
    """How many tokens of ``stream`` ``words`` take, from the first on: each word the
    next token's, None any 1 to :data:`WILD_WORDS` tokens, and a speaker label (as many
    tokens as the fourth field of its first says) left out or quoted whole; None when
    they do not go on so. At ``gaps`` (where a turn's label or text starts), words of
    digits alone, then AM or PM, are the time a transcript writes there (``[00:01:05]
    P2:``, ``Facilitator  0:49``, ``P2 (10:05 AM):``), which the turns' texts and labels
    do not hold: taken, not matched."""
    stack, seen = [(0, 0)], set()
    while stack:
        i, p = stack.pop()
        if (i, p) in seen:
            continue
        seen.add((i, p))
        if i == len(words):
            return p
        if p in gaps:       # the time's words, or some (a turn may begin with a number)
            stack += [(j, p) for j in range(i + 1, past_time(words, i) + 1)]
        if p >= len(stream):
            continue
        word, _, _, label = stream[p]
        if label is not None:
            stack.append((i, p + label))     # tried last: the label left out
        if words[i] is None:
            stack += [(i + 1, q) for q in
                      range(min(len(stream), p + WILD_WORDS), p, -1)]
        elif word == words[i]:
            stack.append((i + 1, p + 1))
    return None


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
    return (within(quote, text) or _runs_on(quote, text, speaker)
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
