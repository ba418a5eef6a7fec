"""The matching engine: a codebook compiled once into spaCy matchers.

Terms go into two ``PhraseMatcher``s (``LOWER`` and ``LEMMA``), token patterns into a
``Matcher``; proximity rules pair phrase hits within a token window, and exclusions
veto hits near a veto phrase. Overlapping hits of one code in one segment merge into
one span, so nothing is double counted. A document's segments are matched in one doc
(:meth:`CompiledCodebook.match_segments`), each as if it stood alone.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, ORTH, SENT_START
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .codebook import Code, Codebook
from .errors import CodebookError
from .regexes import regex_problem, regexes_in, with_bounded_regexes


@dataclass(frozen=True)
class Hit:
    code_id: str
    rule_id: str        # e.g. "term:getting evicted", "tokens:2", "near:1"; merged: "a;b"
    start: int          # token offsets into the segment doc
    end: int


def check_patterns(code: Code) -> list[tuple[str, str]]:
    """Every problem with ``code``'s token and dependency patterns (spaCy's own
    validation, plus regex safety) as (pattern, message) pairs, the pattern named like
    ``tokens[1]``. A pattern with a refused regex is not handed to spaCy, which fails on
    an invalid one."""
    problems = []
    matcher = Matcher(Vocab(), validate=True)
    dependency_matcher = DependencyMatcher(Vocab(), validate=True)
    for kind, patterns, add, what in (
            ("tokens", code.tokens, matcher.add, "token"),
            ("dependencies", code.dependencies, dependency_matcher.add, "dependency")):
        for index, pattern in enumerate(patterns, start=1):
            where = f"{kind}[{index}]"
            if not pattern:
                problems.append((where, f"{where} is empty"))
                continue
            refused = [(where, f"{where}: {why}") for regex in regexes_in(pattern)
                       for why in [regex_problem(regex)] if why]
            if _uses_morph(pattern):
                refused.append((where, f"{where} uses MORPH, which `dialogcode code` does "
                                       "not keep for matching; use TAG (e.g. VBD for the "
                                       "past tense) or LEMMA instead"))
            problems.extend(refused)
            if refused:
                continue
            try:
                add(f"p{index}", [pattern])
            except (MatchPatternError, ValueError, TypeError, KeyError) as exc:
                detail = " ".join(str(exc).split())
                problems.append((where, f"{where} is not a valid spaCy {what} pattern: "
                                        f"{detail}"))
    return problems


def _uses_morph(pattern) -> bool:
    """True when a token of ``pattern`` (or a dependency pattern's RIGHT_ATTRS) tests
    MORPH: the token cache `code` matches on holds no morphology, so such a pattern
    would never match there while kwic and patch, which parse again, match it."""
    tokens = pattern if isinstance(pattern, list) else []
    for token in tokens:
        attrs = token.get("RIGHT_ATTRS", token) if isinstance(token, dict) else {}
        if isinstance(attrs, dict) and any(str(key).upper() == "MORPH" for key in attrs):
            return True
    return False


class CompiledCodebook:
    """A codebook's patterns compiled against one pipeline's vocabulary."""

    def __init__(self, book: Codebook, nlp: Language):
        self.book, self.nlp = book, nlp
        vocab = nlp.vocab
        self._phrase = {"lower": PhraseMatcher(vocab, attr="LOWER"),
                        "lemma": PhraseMatcher(vocab, attr="LEMMA")}
        self._dependencies = DependencyMatcher(vocab)
        self._keys: dict[int, tuple[str, str, str]] = {}   # key -> (code, rule, role)
        self._veto_keys: set[int] = set()
        # token patterns run only on segments holding all their required literal tokens
        self._token_patterns: list[tuple[str, Matcher, int | None]] = []
        self._requires: list[list[tuple[int, tuple[int, ...]]]] = []   # (attr, any of)
        self._literals: dict[int, set[int]] = {LOWER: set(), LEMMA: set(), ORTH: set()}

        self._near: dict[tuple[str, str], object] = {}
        self._vetoes: dict[tuple[str, str], object] = {}
        phrases: dict[str, list[tuple[str, str]]] = {"lower": [], "lemma": []}
        for code in book.codes.values():
            if not code.codable:
                continue
            for term, mode in code.terms:
                phrases[mode].append((self._key(code.id, f"term:{term}", "hit"), term))
            limit = book.regex_token_limit(code.id)
            for index, pattern in enumerate(code.tokens, start=1):
                self._add_token_pattern(self._key(code.id, f"tokens:{index}", "hit"),
                                        with_bounded_regexes(pattern, limit))
            for index, pattern in enumerate(code.dependencies, start=1):
                if not nlp.has_pipe("parser"):
                    raise CodebookError(
                        f"dependency patterns need a pipeline with a parser; set `model:` "
                        f"to one (e.g. en_core_web_sm), not {nlp.meta.get('name')!r}",
                        file=book.sources.get(code.codebook), line=code.line)
                self._dependencies.add(self._key(code.id, f"dependencies:{index}", "hit"),
                                       [with_bounded_regexes(pattern, limit)])
            for index, rule in enumerate(code.near, start=1):
                rule_id = f"near:{index}"
                self._near[(code.id, rule_id)] = rule
                for role, terms in (("a", rule.a), ("b", rule.b)):
                    key = self._key(code.id, rule_id, role)
                    phrases[rule.match].extend((key, t) for t in terms)
            for index, rule in enumerate(code.exclude, start=1):
                rule_id = f"exclude:{index}"
                self._vetoes[(code.id, rule_id)] = rule
                key = self._key(code.id, rule_id, "veto")
                phrases[rule.match].extend((key, t) for t in rule.terms)
        self._literal_arrays = {attr: numpy.array(sorted(values), dtype=numpy.uint64)
                                for attr, values in self._literals.items() if values}
        for mode, items in phrases.items():
            texts = [text for _, text in items]
            docs = nlp.pipe(texts) if mode == "lemma" else map(nlp.make_doc, texts)
            grouped: dict[str, list[Doc]] = defaultdict(list)
            for (key, _), doc in zip(items, docs):
                grouped[key].append(doc)
            for key, pattern_docs in grouped.items():
                self._phrase[mode].add(key, pattern_docs)

    def _add_token_pattern(self, key: str, pattern: list[dict]) -> None:
        """Register a token pattern with what it requires: for each token that must be
        present, the literal values (``LOWER``, ``LEMMA``, ``ORTH``/``TEXT``, a string
        or ``{IN: [...]}``) one of which a segment must hold for the pattern to match."""
        matcher = Matcher(self.nlp.vocab)
        matcher.add(key, [pattern])
        self._token_patterns.append((key, matcher, _max_length(pattern)))
        requires = []
        for spec in pattern:
            if _optional(spec.get("OP")):
                continue
            for name, attr in (("LOWER", LOWER), ("LEMMA", LEMMA), ("ORTH", ORTH),
                               ("TEXT", ORTH)):
                value = spec.get(name)
                values = [value] if isinstance(value, str) else (
                    value["IN"] if isinstance(value, dict) and list(value) == ["IN"] else None)
                if values and all(isinstance(v, str) for v in values):
                    hashes = tuple(self.nlp.vocab.strings.add(v) for v in values)
                    requires.append((attr, hashes))
                    self._literals[attr].update(hashes)
        self._requires.append(requires)

    def _match_tokens(self, doc: Doc, bounds: numpy.ndarray, owner: numpy.ndarray
                      ) -> list[tuple[int, int, int]]:
        """Token-pattern matches in ``doc``. A pattern runs only in segments (tokens
        ``bounds[i]:bounds[i + 1]``; ``owner`` is the segment of every token) holding
        one of the values of each of its required tokens, and there only on the windows
        around its rarest required token that a match through it could cover (the
        whole segment when the pattern's length is unbounded)."""
        present: dict[tuple[int, int], list[int]] = defaultdict(list)   # -> positions
        if self._literal_arrays:
            attrs = list(self._literal_arrays)
            columns = doc.to_array(attrs).reshape(len(doc), len(attrs))
            for column, (attr, literals) in enumerate(self._literal_arrays.items()):
                values = columns[:, column]
                nearest = numpy.minimum(numpy.searchsorted(literals, values), len(literals) - 1)
                places = numpy.flatnonzero(literals[nearest] == values)
                for value, position in zip(values[places].tolist(), places.tolist()):
                    present[(attr, value)].append(position)
        found = []
        for (_, matcher, longest), requires in zip(self._token_patterns, self._requires):
            if requires:
                places = [[p for v in values for p in present.get((attr, v), ())]
                          for attr, values in requires]
                segments = set(owner[places[0]].tolist()) if all(places) else set()
                for more in places[1:]:
                    segments &= set(owner[more].tolist())
                if not segments:
                    continue
                anchors = [p for p in min(places, key=len) if owner[p] in segments]
            else:
                segments, anchors = set(range(len(bounds) - 1)), []
            if longest is None or not requires:
                windows = [(int(bounds[s]), int(bounds[s + 1])) for s in segments]
            else:
                windows = [(max(int(bounds[owner[p]]), p - longest + 1),
                            min(int(bounds[owner[p] + 1]), p + longest)) for p in anchors]
            for start, end in _merge_windows(windows):
                if end > start:
                    found.extend((k, start + s, start + e)
                                 for k, s, e in matcher(doc[start:end]))
        return found

    def _key(self, code_id: str, rule_id: str, role: str) -> str:
        name = f"{code_id}\x1f{rule_id}\x1f{role}"
        key = self.nlp.vocab.strings.add(name)
        self._keys[key] = (code_id, rule_id, role)
        if role == "veto":
            self._veto_keys.add(key)
        return name

    def match(self, doc: Doc) -> list[Hit]:
        """Hits in one segment doc, after proximity pairing, vetoes and merging."""
        return self.match_segments(doc, [0, len(doc)]).get(0, [])

    def match_segments(self, doc: Doc, bounds) -> dict[int, list[Hit]]:
        """Hits in a doc of consecutive segments, segment ``i`` being tokens
        ``bounds[i]:bounds[i + 1]``: {segment: its hits (token offsets into ``doc``)},
        for segments with hits. Each segment is matched as if it were a doc of its own:
        matches crossing a segment boundary are dropped, and proximity rules, vetoes
        and merging apply within a segment."""
        bounds = numpy.asarray(bounds, dtype=numpy.int64)
        owner = numpy.repeat(numpy.arange(len(bounds) - 1), numpy.diff(bounds))
        found = [*self._phrase["lower"](doc), *self._phrase["lemma"](doc)]
        if len(self._dependencies):
            found.extend((key, min(ids), max(ids) + 1)
                         for key, ids in self._dependencies(doc))
        if self._token_patterns:
            found.extend(self._match_tokens(doc, bounds, owner))
        by_segment: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        coding = set()      # segments with more than vetoes
        for key, start, end in found:
            segment = int(owner[start])
            if end <= bounds[segment + 1]:
                by_segment[segment].append((key, start, end))
                if key not in self._veto_keys:
                    coding.add(segment)
        # sentence boundaries as spaCy's has_annotation("SENT_START") sees them in a doc
        # of the segment alone: set on a token after its first, or a parse
        boundaries = doc.to_array([SENT_START, DEP]).reshape(len(doc), 2) != 0
        boundaries[bounds[:-1][bounds[:-1] < len(doc)], 0] = False
        found_hits = {}
        for segment in sorted(coding):
            start, end = bounds[segment], bounds[segment + 1]
            hits = self._segment_hits(doc, by_segment[segment],
                                      lambda: bool(boundaries[start:end].any()))
            if hits:
                found_hits[segment] = hits
        return found_hits

    def _segment_hits(self, doc: Doc, found, annotated) -> list[Hit]:
        """One segment's hits from its raw matches, after pairing, vetoes and merging;
        ``annotated()`` tells whether the segment has sentence boundaries set."""
        hits: list[Hit] = []
        near_parts: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
        vetoes: dict[str, list[tuple[object, int, int]]] = defaultdict(list)
        for key, start, end in found:
            code_id, rule_id, role = self._keys[key]
            if role == "hit":
                hits.append(Hit(code_id, rule_id, start, end))
            elif role == "veto":
                vetoes[code_id].append((self._vetoes[(code_id, rule_id)], start, end))
            else:
                near_parts[(code_id, rule_id)][role == "b"].append((start, end))
        if near_parts:
            hits.extend(self._pair(doc, near_parts, annotated))
        if vetoes:
            hits = [h for h in hits if not _vetoed(h, vetoes.get(h.code_id, ()))]
        return _merge(hits)

    def _pair(self, doc: Doc, near_parts, annotated) -> list[Hit]:
        hits = []
        for (code_id, rule_id), (a_spans, b_spans) in near_parts.items():
            rule = self._near[(code_id, rule_id)]
            for a_start, a_end in a_spans:
                for b_start, b_end in b_spans:
                    gap = max(b_start - a_end, a_start - b_end, 0)
                    overlap = a_start < b_end and b_start < a_end
                    if overlap or gap > rule.within:
                        continue
                    start, end = min(a_start, b_start), max(a_end, b_end)
                    if rule.scope == "sentence" and _crosses_sentence(doc, start, end, annotated()):
                        continue
                    hits.append(Hit(code_id, rule_id, start, end))
        return hits


_SENTENCE_END = frozenset(Sentencizer.default_punct_chars)


def _crosses_sentence(doc: Doc, start: int, end: int, annotated: bool) -> bool:
    """Whether tokens start..end span a sentence boundary: the parser's or senter's
    boundaries when the pipeline sets them (``annotated``), else sentence-final
    punctuation inside the span (the rule spaCy's sentencizer applies)."""
    if annotated:
        return any(doc[i].is_sent_start for i in range(start + 1, end))
    return any(doc[i].text in _SENTENCE_END for i in range(start, end - 1))


def _optional(op) -> bool:
    """Whether a token with this ``OP`` may be absent from a match."""
    if op in ("?", "*", "!"):
        return True
    if isinstance(op, str) and op.startswith("{"):
        low = op.strip("{}").split(",")[0].strip()
        return not low or int(low) == 0
    return False


def _max_length(pattern: list[dict]) -> int | None:
    """Most tokens ``pattern`` can match, or None when unbounded (``*``, ``+``, ``{n,}``)."""
    total = 0
    for spec in pattern:
        op = spec.get("OP")
        if op in ("*", "+"):
            return None
        if isinstance(op, str) and op.startswith("{"):
            bound = op.strip("{}").split(",")[-1].strip()
            if not bound:
                return None
            total += int(bound)
        else:
            total += 1
    return total


def _merge_windows(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping windows joined (windows of one segment only ever overlap)."""
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _vetoed(hit: Hit, vetoes) -> bool:
    for rule, start, end in vetoes:
        if start < hit.end and hit.start < end:
            return True
        before = 0 <= hit.start - end <= rule.window
        after = 0 <= start - hit.end <= rule.window
        if (rule.side in ("before", "both") and before) or \
                (rule.side in ("after", "both") and after):
            return True
    return False


def _merge(hits: list[Hit]) -> list[Hit]:
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
