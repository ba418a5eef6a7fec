"""Cutting a parsed document into segments: turns, sentences or sections.

Every segment has ``text == document_text[start:end]``. ``seg_id`` is
``<doc_id>:<t|s|x><ordinal>``, so it depends only on the document and the position,
never on which other files are in the corpus. A turn or section longer than
``max_segment_chars`` is cut into several segments (:func:`split_long_blocks`).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from .config import MAX_SEGMENT_CHARS
from .formats import ParsedDocument
from .formats.base import NOT_TALK, Block
from .normalize import count_words

_BACKCHANNEL = re.compile(
    r"^(?:(?:mm+|m+-?hm+|mhm+|uh-?huh|uh|um|hmm+|yeah|yep|yes|yup|right|okay|ok|sure|"
    r"exactly|true|totally|absolutely|agreed|wow|oh|ah|ha|haha|cool|great|nice|thanks|"
    r"thank you|got it|i see|for sure|no|nope|same)[\s.,!?…-]*)+$",
    re.IGNORECASE,
)
_YES_NO = re.compile(r"\b(?:yes|yeah|yep|yup|no|nope)\b", re.IGNORECASE)
COLUMNS = ["seg_id", "doc_id", "unit", "ordinal", "turn", "kind", "speaker", "section", "start",
           "end", "text", "n_words", "backchannel", "time_start", "time_end", "line",
           "read_line"]


SEGMENT_KINDS = {"t": "turn", "s": "sentence", "x": "section"}     # a seg_id's letter


def other_unit(seg_ids, segments) -> dict[str, str]:
    """For each of ``seg_ids`` (which name no segment of the ``segments`` table) whose
    document is cut into segments of another kind now, as a coder file or review decisions
    made on turns are once `ingest --unit sentence` ran, why it names none, to follow
    "unknown seg_id"."""
    wanted = {seg_id.rpartition(":")[0] for seg_id in seg_ids}
    ids = segments.loc[segments["doc_id"].isin(wanted), "seg_id"]
    kinds: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for seg_id in ids:
        doc_id, _, position = seg_id.rpartition(":")
        kinds.setdefault(doc_id, set()).add(position[:1])
        first.setdefault(doc_id, seg_id)
    reasons = {}
    for seg_id in seg_ids:
        doc_id, _, position = seg_id.rpartition(":")
        letter = position[:1]
        if (letter in SEGMENT_KINDS and position[1:].isdigit() and doc_id in kinds
                and letter not in kinds[doc_id]):
            now = " and ".join(f"{SEGMENT_KINDS.get(k, k)}s" for k in sorted(kinds[doc_id]))
            reasons[seg_id] = (
                f": it names a {SEGMENT_KINDS[letter]}, and {doc_id} is cut into {now} now "
                f"({first[doc_id]}, ...): the file was written on the segments of another "
                "unit; ingest with that unit (`unit:` in dialogcode.yaml, `ingest --unit`), "
                "or code or decide these segments anew")
    return reasons


def turn_lines(segments):
    """The line each segment's turn or section starts on as the text is read, so that
    turns on one line of the file (parted by a line separator) are on lines of their
    own: ``read_line`` where the table has it, else ``line``. Pieces of a turn cut by a
    note in brackets, for its length or at a time written in it share it."""
    if "read_line" not in segments:
        return segments["line"]
    return segments["read_line"].fillna(segments["line"])


def is_filler(text: str) -> bool:
    """True for text of acknowledgements and fillers only, however many ("Um . Yeah .
    Okay . Right . Sure .")."""
    return bool(_BACKCHANNEL.match(text.strip()))


def is_answer(text: str) -> bool:
    """True for a turn of fillers only that says yes or no ("No.", "Yeah, yeah.",
    "Nope."): after a question, its answer; "Mm-hm." and "Right." are no answer."""
    return is_filler(text) and _YES_NO.search(text) is not None


def is_backchannel(text: str, n_words: int | None = None) -> bool:
    """Very short acknowledgement turns ("Mm-hmm.", "Yeah, right.") are flagged, never
    dropped. ``n_words``: the text's :func:`count_words`, when known."""
    n_words = count_words(text) if n_words is None else n_words
    return n_words <= 4 and is_filler(text)


def _row(doc_id, unit, ordinal, turn: int | None, block: Block, text: str, start: int,
         end: int) -> dict:
    piece = text[start:end]
    n_words = count_words(piece)
    return {
        "seg_id": f"{doc_id}:{unit[0] if unit != 'section' else 'x'}{ordinal}",
        "doc_id": doc_id, "unit": unit, "ordinal": ordinal, "turn": turn, "kind": block.kind,
        "speaker": block.speaker, "section": block.section, "start": start, "end": end,
        "text": piece, "n_words": n_words,
        "backchannel": block.kind == "turn" and is_backchannel(piece, n_words),
        "time_start": block.time_start, "time_end": block.time_end, "line": block.line,
        "read_line": block.read_line,
    }


def _section_blocks(parsed: ParsedDocument) -> list[Block]:
    """Notes' blocks as they are; a transcript's turns joined into one section per run
    between its preamble and headings (which stay blocks of their own)."""
    if parsed.kind == "notes":
        return parsed.blocks
    blocks: list[Block] = []
    for block in parsed.blocks:
        last = blocks[-1] if blocks else None
        if block.kind in NOT_TALK:
            blocks.append(block)
        elif last is not None and last.kind == "section":
            last.end, last.time_end = block.end, block.time_end
        else:
            blocks.append(Block("section", block.start, block.end, line=block.line,
                                section=block.section, time_start=block.time_start,
                                time_end=block.time_end, read_line=block.read_line))
    return blocks


_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
_SENTENCE_END = re.compile(r"[.!?…][\"')\]”’]*(?=\s)")
_SPACE = re.compile(r"\s")
_SPACES = re.compile(r"\s*")


def split_long_blocks(blocks: list[Block], text: str, limit: int) -> list[Block]:
    """``blocks``, with each block longer than ``limit`` characters cut into pieces of
    at most ``limit`` (spaCy takes at most a million characters at once). A cut goes at
    the last paragraph break in the second half of the allowed length, else the last
    sentence end there, else the last whitespace, else (``limit`` characters without
    any) at the limit. Whitespace at a cut belongs to neither piece; every other
    character is in exactly one. Pieces keep the block's speaker, section, times and
    line."""
    out = []
    for block in blocks:
        start = block.start
        while block.end - start > limit:
            stop, cut = start + limit, None
            for pattern, edge, least in ((_PARAGRAPH, 0, limit // 2),
                                         (_SENTENCE_END, 1, limit // 2), (_SPACE, 0, 1)):
                for match in pattern.finditer(text, start + least, stop + 1):
                    cut = match.span()[edge]
                if cut is not None:
                    break
            resume = stop if cut is None else _SPACES.match(text, cut, block.end).end()
            cut = stop if cut is None else start + len(text[start:cut].rstrip())
            out.append(replace(block, start=start, end=cut))
            start = resume
        out.append(replace(block, start=start) if start != block.start else block)
    return out


# a transcriber's mark: at most MARK_WORDS words in braces, brackets or parentheses on
# one line ("{vocalsound}", "[inaudible]", "(laughs)"); longer, it is talk
_MARK = re.compile(r"\{[^{}\n]*\}|\[[^\[\]\n]*\]|\([^()\n]*\)")
MARK_WORDS = 3
_WORD = re.compile(r"\w")


def _is_mark(match: re.Match) -> bool:
    return len(match[0][1:-1].split()) <= MARK_WORDS


def sentence_spans(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """The spans of the sentences of ``text`` that the pipeline starts at ``starts``, with
    every transcriber's mark kept whole: a sentence start inside a mark, or just after
    an opening bracket, moves to the mark's or bracket's start (spaCy's sentencizer
    starts one after "{" of "Okay. {vocalsound} So"), and a sentence of marks with no
    word outside them joins the next sentence (the one before, at the end; it stays
    alone only when it is all the text)."""
    marks = [m.span() for m in _MARK.finditer(text) if _is_mark(m)]
    if not marks and "(" not in text and "[" not in text and "{" not in text:
        return list(zip(starts, starts[1:] + [len(text)]))
    opens = [a for a, _ in marks]
    words = _MARK.sub(lambda m: " " * len(m[0]) if _is_mark(m) else m[0], text)

    def outside(start: int) -> int:
        i = bisect_right(opens, start) - 1
        if i >= 0 and start < marks[i][1]:
            return opens[i]
        while start > 0 and text[start - 1] in "([{":   # "no. (She left. ...)"
            start -= 1
        return start

    bounds = sorted({outside(start) for start in starts} | {0, len(text)})
    spans, joining = [], None
    for start, end in zip(bounds, bounds[1:]):
        start = start if joining is None else joining
        first_mark = bisect_left(opens, start)
        if first_mark == len(opens) or opens[first_mark] >= end \
                or _WORD.search(words, start, end):
            spans.append((start, end))
            joining = None
        else:
            joining = start
    if joining is not None:
        spans[-1:] = [(spans[-1][0] if spans else joining, len(text))]
    return spans


def segment_document(doc_id: str, parsed: ParsedDocument, unit: str, nlp=None, *,
                     max_chars: int = MAX_SEGMENT_CHARS) -> list[dict]:
    """Segment rows (dicts with :data:`COLUMNS`) for one document.

    ``nlp`` (a pipeline with sentence boundaries) is needed for ``unit="sentence"``.
    Field notes have no turns: under ``turn`` their sections are the segments. No
    segment is longer than ``max_chars`` (:func:`split_long_blocks`). A segment's
    ``turn`` is the ordinal under ``unit="turn"`` of the segment holding it (the turn a
    sentence is in), None for a section of several turns.
    """
    text = parsed.text
    turns = split_long_blocks(parsed.blocks, text, max_chars)
    blocks = split_long_blocks(_section_blocks(parsed), text, max_chars) \
        if unit == "section" else turns
    unit_of = "section" if unit == "section" or parsed.kind == "notes" and unit == "turn" else unit
    rows: list[dict] = []
    if unit != "sentence":
        starts = [turn.start for turn in turns]
        for ordinal, block in enumerate(blocks, start=1):
            at = bisect_right(starts, block.start) - 1      # the turn a section starts in
            turn = ordinal if blocks is turns else (
                at + 1 if at >= 0 and block.end <= turns[at].end else None)
            rows.append(_row(doc_id, unit_of, ordinal, turn, block, text, block.start,
                             block.end))
        return rows
    from .nlp import sentence_docs      # spaCy is imported only for sentence units

    docs = sentence_docs(nlp, (text[b.start:b.end] for b in blocks))
    for turn, (block, doc) in enumerate(zip(blocks, docs), start=1):
        for first, last in sentence_spans(text[block.start:block.end],
                                      [sent.start_char for sent in doc.sents]):
            start, end = block.start + first, block.start + last
            while end > start and text[end - 1].isspace():
                end -= 1
            while start < end and text[start].isspace():   # a line break after a sentence
                start += 1
            if end > start:
                rows.append(_row(doc_id, "sentence", len(rows) + 1, turn, block, text, start,
                                 end))
    return rows
