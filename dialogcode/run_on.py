"""Quotes of a coder file given without offsets that run on past their segment into
the next ones, word for word as the transcript goes on (a speaker label between turns,
and the time written beside it, quoted or left out): each is given the span from its
first word of a turn's text to its last, so that it codes every segment it covers, as
a span given by offsets does (:func:`run_on_spans`). A privacy label in the quote stands
for up to :data:`WILD_WORDS` words.

The importers' helpers are imported where used: dialogcode.importers imports
dialogcode.coders, which imports this module.
"""
from __future__ import annotations

import re

import pandas as pd

from .coded_text import SHOWN
from .errors import DialogcodeWarning, Problem, warn
from .quote_words import past_time, runs_on, within

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
    if not runs_on(quote, texts[at], speakers[at]) or within(quote, texts[at]):
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
