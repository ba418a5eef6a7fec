"""Hits: a code's match in a segment (token offsets), and the rules that combine the
matchers' hits into codings: a proximity rule's sentence scope, exclusions' windows,
and overlapping hits of one code merged into one span so nothing is counted twice.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

_SENTENCE_END = frozenset(Sentencizer.default_punct_chars)


@dataclass(frozen=True)
class Hit:
    code_id: str
    rule_id: str        # e.g. "term:getting evicted", "tokens:2", "near:1"; merged: "a;b"
    start: int          # token offsets into the segment doc
    end: int


def crosses_sentence(doc: Doc, start: int, end: int, annotated: bool) -> bool:
    """Whether tokens start..end span a sentence boundary: the parser's or senter's
    boundaries when the pipeline sets them (``annotated``), else sentence-final
    punctuation inside the span (the rule spaCy's sentencizer applies)."""
    if annotated:
        return any(doc[i].is_sent_start for i in range(start + 1, end))
    return any(doc[i].text in _SENTENCE_END for i in range(start, end - 1))


def vetoed(hit: Hit, vetoes) -> bool:
    for rule, start, end in vetoes:
        if start < hit.end and hit.start < end:
            return True
        before = 0 <= hit.start - end <= rule.window
        after = 0 <= start - hit.end <= rule.window
        if (rule.side in ("before", "both") and before) or \
                (rule.side in ("after", "both") and after):
            return True
    return False


def merge_hits(hits: list[Hit]) -> list[Hit]:
    """Union overlapping hits of the same code; rule ids of merged hits are joined."""
    merged: list[Hit] = []
    by_code: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_code[hit.code_id].append(hit)
    for code_id, items in by_code.items():
        items.sort(key=lambda h: (h.start, h.end))
        start, end, rules = items[0].start, items[0].end, [items[0].rule_id]
        for hit in items[1:]:
            if hit.start < end:
                end = max(end, hit.end)
                if hit.rule_id not in rules:
                    rules.append(hit.rule_id)
            else:
                merged.append(Hit(code_id, ";".join(rules), start, end))
                start, end, rules = hit.start, hit.end, [hit.rule_id]
        merged.append(Hit(code_id, ";".join(rules), start, end))
    return merged
