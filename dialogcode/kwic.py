"""Keyword in context: what a term or a code matches across the corpus."""
from __future__ import annotations

import re

import pandas as pd

from .codebook import Codebook, Code
from .coding import DocCache, segment_docs
from .errors import DialogcodeError
from .nlp import load_pipeline, text_offsets
from .patterns import CompiledCodebook

KWIC_COLUMNS = ["doc_id", "site", "event_type", "speaker", "seg_id", "start", "end", "left",
                "match", "right", "code_id", "rule_id"]


def context(text: str) -> str:
    """``text`` (context beside a match) with each run of whitespace, line breaks
    included, shown as one space; a space at its edge stays, so the match is printed
    next to punctuation that follows it ("[Housing].") and apart from a word."""
    return re.sub(r"\s+", " ", text)


def term_codebook(term: str, *, lemma: bool = False) -> Codebook:
    """A one-code codebook that matches ``term`` (for looking up a word)."""
    code = Code(id="kwic", label=term, codebook="kwic", parent=None, codable=True, group=None,
                color=None, definition=None, when_to_use=None, when_not_to_use=None,
                examples=[], counter_examples=[], terms=[(term, "lemma" if lemma else "lower")],
                tokens=[], near=[], exclude=[], match="lower")
    return Codebook(codes={"kwic": code}, versions={"kwic": "-"}, titles={"kwic": term})


def kwic(segments: pd.DataFrame, documents: pd.DataFrame, book: Codebook, *,
         code_ids: list[str] | None = None, width: int = 60, model: str = "blank",
         cache_dir=None, every_segment: bool = False) -> pd.DataFrame:
    """Every match of ``book``'s codes (or only ``code_ids`` and their sub-codes) in the
    segments `dialogcode code` codes (``codable``: not preambles and headings), or with
    ``every_segment`` in all of them (a word looked up with :func:`term_codebook`), with
    ``width`` characters of context on each side (in them and in the match, each run of
    whitespace, line breaks included, shown as one space). Raises
    DialogcodeError naming any of ``code_ids`` that is not a code of ``book``."""
    unknown = [c for c in code_ids or () if c not in book.codes]
    if unknown:
        raise DialogcodeError(f"not a code id of the codebook: {', '.join(map(repr, unknown))}")
    nlp = load_pipeline(model)
    compiled = CompiledCodebook(book, nlp)
    wanted = None
    if code_ids:
        wanted = {c for c in book.codes for root in code_ids
                  if c == root or c.startswith(root + ".")}
    meta = documents.set_index("doc_id")
    rows = []
    for group, docs in segment_docs(segments, documents, nlp, DocCache(cache_dir, model)):
        for seg, doc in zip(group.itertuples(), docs):
            if not (every_segment or seg.codable):
                continue
            hits = [hit for hit in compiled.match(doc)
                    if wanted is None or hit.code_id in wanted]
            if not hits:
                continue
            # a segment's offsets mapped in one call: one per hit read a long notes
            # section's text once per hit
            text, spans = seg.text, [doc[hit.start:hit.end] for hit in hits]
            offsets = text_offsets(text, [o for s in spans for o in (s.start_char, s.end_char)])
            for hit, start, end in zip(hits, offsets[::2], offsets[1::2]):
                rows.append((seg.doc_id, meta.at[seg.doc_id, "site"],
                             meta.at[seg.doc_id, "event_type"], seg.speaker, seg.seg_id,
                             seg.start + start, seg.start + end,
                             context(text[max(0, start - width):start]),
                             context(text[start:end]), context(text[end:end + width]),
                             hit.code_id, hit.rule_id))
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)
