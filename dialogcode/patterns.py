"""The matching engine: a codebook compiled once into spaCy matchers.

Terms go into two ``PhraseMatcher``s (``LOWER`` and ``LEMMA``), token patterns into a
``Matcher``; proximity rules pair phrase hits within a token window, and exclusions
veto hits near a veto phrase. Overlapping hits of one code in one segment merge into
one span, so nothing is double counted (how hits combine: :mod:`dialogcode.hits`). A
document's segments are matched in one doc (:meth:`CompiledCodebook.match_segments`),
each as if it stood alone.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import chain

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc

from .codebook import Codebook
from .errors import CodebookError
from .hits import Hit, crosses_sentence, merge_hits, vetoed
from .regexes import with_bounded_regexes
from .windows import anchored_windows


class CompiledCodebook:
    """A codebook's patterns compiled against one pipeline's vocabulary."""

    def __init__(self, book: Codebook, nlp: Language):
        self.book, self.nlp = book, nlp
        vocab = nlp.vocab
        self._phrase = {"lower": PhraseMatcher(vocab, attr="LOWER"),
                        "lemma": PhraseMatcher(vocab, attr="LEMMA")}
        self._dependencies = DependencyMatcher(vocab)
        self._keys: dict[int, tuple[str, str, str]] = {}   # key -> (code, rule, role)
        # token patterns run only on segments holding all their required literal tokens:
        # a requirement is (attr, any of these values); each pattern lists its own
        self._token_patterns: list[tuple[Matcher, int | None]] = []   # (its matcher, longest)
        self._requirements: dict[tuple[int, tuple[int, ...]], int] = {}
        self._requires: list[list[int]] = []
        self._ends: list[tuple[int | None, int | None]] = []   # of the first, last token

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
        self._index_keys()
        self._index_requirements()
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
        self._token_patterns.append((matcher, _max_length(pattern)))
        requires, first, last = [], None, None
        for place, spec in enumerate(pattern):
            if _optional(spec.get("OP")):
                continue
            for name, attr in (("LOWER", LOWER), ("LEMMA", LEMMA), ("ORTH", ORTH),
                               ("TEXT", ORTH)):
                value = spec.get(name)
                values = [value] if isinstance(value, str) else (
                    value["IN"] if isinstance(value, dict) and list(value) == ["IN"] else None)
                if values and all(isinstance(v, str) for v in values):
                    hashes = tuple(self.nlp.vocab.strings.add(v) for v in values)
                    requires.append(self._requirements.setdefault(
                        (attr, hashes), len(self._requirements)))
                    first = requires[-1] if place == 0 else first
                    last = requires[-1] if place == len(pattern) - 1 else last
        self._requires.append(requires)
        self._ends.append((first, last))

    def _index_keys(self) -> None:
        """The match keys sorted, with a row per key of its role (an index into
        :data:`_ROLES`), code and rule (numbered per code and per code and rule id), so
        that matches are sorted out with arrays rather than one by one."""
        hashes = sorted(self._keys)
        codes: dict[str, int] = {}
        rules: dict[tuple[str, str], int] = {}
        table = []
        for key in hashes:
            code_id, rule_id, role = self._keys[key]
            table.append((_ROLES.index(role), codes.setdefault(code_id, len(codes)),
                          rules.setdefault((code_id, rule_id), len(rules))))
        self._key_hashes = numpy.array(hashes, dtype=numpy.uint64)
        self._key_table = numpy.array(table, dtype=numpy.int64).reshape(-1, 3)

    def _index_requirements(self) -> None:
        """Per token attribute, the sorted literal values some requirement names and,
        for each, the requirements it satisfies; per pattern, which requirements it
        needs (a row of ``_needs``)."""
        satisfies: dict[int, dict[int, set[int]]] = {LOWER: {}, LEMMA: {}, ORTH: {}}
        for (attr, hashes), requirement in self._requirements.items():
            for value in hashes:
                satisfies[attr].setdefault(value, set()).add(requirement)
        self._literal_attrs = [attr for attr, values in satisfies.items() if values]
        self._literal_values, satisfied, offset = [], [[]], 0
        for attr in self._literal_attrs:
            values = sorted(satisfies[attr])
            # which low bits some value has: a token whose low bits no value has is
            # not searched for
            low_bits = numpy.zeros(_LOW_BITS + 1, dtype=bool)
            low_bits[numpy.array(values, dtype=numpy.uint64) & _LOW_BITS] = True
            self._literal_values.append((numpy.array(values, dtype=numpy.uint64), offset,
                                         low_bits))
            satisfied.extend(sorted(satisfies[attr][v]) for v in values)
            offset += len(values)
        # literal i satisfies requirements _satisfied[_starts[i]:_starts[i + 1]]
        self._starts = numpy.cumsum([0] + [len(r) for r in satisfied[1:]]).astype(numpy.int64)
        self._satisfied = numpy.array([r for rs in satisfied for r in rs], dtype=numpy.int64)
        self._needs = numpy.zeros((len(self._requires), len(self._requirements)), dtype=bool)
        for pattern, requires in enumerate(self._requires):
            self._needs[pattern, requires] = True
        # patterns of bounded length with requirements, and those requirements (each
        # once, in the pattern's order) as one array: for :func:`anchored_windows`
        longest = [length for _, length in self._token_patterns]
        self._bounded = numpy.array([n is not None and bool(r)
                                     for n, r in zip(longest, self._requires)], dtype=bool)
        self._longest = numpy.array([n or 0 for n in longest], dtype=numpy.int64)
        unique = [list(dict.fromkeys(requires)) for requires in self._requires]
        self._pair_first = numpy.cumsum([0] + [len(r) for r in unique]).astype(numpy.int64)
        self._pair_requirement = numpy.array([r for rs in unique for r in rs], dtype=numpy.int64)

    def _match_tokens(self, doc: Doc, columns: numpy.ndarray, bounds: numpy.ndarray,
                      owner: numpy.ndarray) -> list[tuple[int, int, int]]:
        """Token-pattern matches in ``doc`` (``columns``: its tokens' values of
        ``_literal_attrs``). A pattern runs only in segments (tokens ``bounds[i]:bounds[i
        + 1]``; ``owner`` is the segment of every token) holding one of the values of
        each of its required tokens, and there only on the windows around its rarest
        required token that a match through it could cover and that hold every
        required token (the whole segment when the pattern's length is unbounded)."""
        n_segments = len(bounds) - 1
        if self._literal_attrs:
            literals, positions = [], []
            for tokens, (values, offset, low_bits) in zip(numpy.ascontiguousarray(columns.T),
                                                          self._literal_values):
                places = numpy.flatnonzero(low_bits[tokens & _LOW_BITS])
                nearest = numpy.minimum(numpy.searchsorted(values, tokens[places]),
                                        len(values) - 1)
                same = values[nearest] == tokens[places]
                literals.append(nearest[same] + offset)
                positions.append(places[same])
            literal, position = numpy.concatenate(literals), numpy.concatenate(positions)
        else:
            literal = position = numpy.zeros(0, dtype=numpy.int64)
        # one row per (requirement, token satisfying it), grouped by requirement
        counts = self._starts[literal + 1] - self._starts[literal]
        firsts = numpy.repeat(self._starts[literal] - (numpy.cumsum(counts) - counts), counts)
        requirement = self._satisfied[firsts + numpy.arange(int(counts.sum()))]
        position = numpy.repeat(position, counts)
        # (as the smallest integer type, which numpy sorts stably by radix)
        order = numpy.argsort(requirement.astype(numpy.min_scalar_type(len(self._requirements))),
                              kind="stable")
        requirement, position = requirement[order], position[order]
        edges = numpy.searchsorted(requirement, numpy.arange(len(self._requirements) + 1))
        present = numpy.zeros((len(self._requirements), n_segments), dtype=bool)
        present[requirement, owner[position]] = True
        candidates = numpy.flatnonzero(~(self._needs & ~present.any(axis=1)).any(axis=1))
        windows: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for pattern, start, end in zip(*(array.tolist() for array in anchored_windows(
                candidates[self._bounded[candidates]], self._pair_first,
                self._pair_requirement, self._longest, present, requirement, position,
                owner, bounds))):
            windows[pattern].append((start, end))
        found = []
        # the patterns whose requirements all occur somewhere in the doc
        for pattern in candidates.tolist():
            if self._bounded[pattern]:
                spans = windows.get(pattern, ())
            else:
                spans = self._unbounded_windows(pattern, present, position, edges, bounds)
            matcher = self._token_patterns[pattern][0]
            for start, end in spans:
                found.extend((k, start + s, start + e) for k, s, e in matcher(doc[start:end]))
        return found

    def _unbounded_windows(self, pattern: int, present: numpy.ndarray,
                           position: numpy.ndarray, edges: numpy.ndarray,
                           bounds: numpy.ndarray) -> list[tuple[int, int]]:
        """The windows to run a pattern of unbounded length, or without requirements,
        on (see :meth:`_match_tokens`): the segments holding every requirement, each
        from the first token's first place to the last token's last (a match starts
        and ends on them)."""
        requires = self._requires[pattern]
        chosen = numpy.flatnonzero(present[requires].all(axis=0))
        starts, ends = bounds[chosen], bounds[chosen + 1]
        first, last = self._ends[pattern]
        if first is not None:
            places = position[edges[first]:edges[first + 1]]
            starts = places[numpy.searchsorted(places, starts)]
        if last is not None:
            places = position[edges[last]:edges[last + 1]]
            ends = places[numpy.searchsorted(places, ends) - 1] + 1
        # kept when they hold every required token
        keep = ends > starts
        for other in set(requires):
            places = position[edges[other]:edges[other + 1]]
            keep &= numpy.searchsorted(places, starts) < numpy.searchsorted(places, ends)
        return list(zip(starts[keep].tolist(), ends[keep].tolist()))

    def _key(self, code_id: str, rule_id: str, role: str) -> str:
        name = f"{code_id}\x1f{rule_id}\x1f{role}"
        key = self.nlp.vocab.strings.add(name)
        self._keys[key] = (code_id, rule_id, role)
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
        n_segments = len(bounds) - 1
        owner = numpy.repeat(numpy.arange(n_segments), numpy.diff(bounds))
        columns = doc.to_array([SENT_START, DEP, *self._literal_attrs])
        found = [*self._phrase["lower"](doc), *self._phrase["lemma"](doc)]
        if len(self._dependencies):
            found.extend((key, min(ids), max(ids) + 1)
                         for key, ids in self._dependencies(doc))
        if self._token_patterns:
            found.extend(self._match_tokens(doc, columns[:, 2:], bounds, owner))
        if not found:
            return {}
        # Only what can make or veto a hit goes on: matches inside one segment that
        # are hits, halves of a proximity rule whose other half is in the segment too,
        # and vetoes of a code that has one of those there.
        table = numpy.fromiter(chain.from_iterable(found), dtype=numpy.uint64,
                              count=3 * len(found)).reshape(-1, 3)
        role, code, rule = self._key_table[numpy.searchsorted(self._key_hashes, table[:, 0])].T
        starts, ends = table[:, 1].astype(numpy.int64), table[:, 2].astype(numpy.int64)
        where = owner[starts]
        inside = ends <= bounds[where + 1]
        pairs = rule * n_segments + where
        paired = numpy.isin(pairs, numpy.intersect1d(pairs[inside & (role == _A)],
                                                     pairs[inside & (role == _B)]))
        making = inside & ((role == _HIT) | paired)
        codes = code * n_segments + where
        vetoing = inside & (role == _VETO) & numpy.isin(codes, codes[making])
        kept = numpy.flatnonzero(making | vetoing)
        kept = kept[numpy.argsort(where[kept], kind="stable")]
        # whether each segment has sentence boundaries as spaCy's
        # has_annotation("SENT_START") sees them in a doc of the segment alone: set on a
        # token after its first, or a parse
        boundaries = columns[:, :2] != 0
        boundaries[bounds[:-1][bounds[:-1] < len(doc)], 0] = False
        marked = numpy.concatenate(([0], numpy.cumsum(boundaries.any(axis=1))))
        annotated = (marked[bounds[1:]] > marked[bounds[:-1]]).tolist()
        found_hits = {}
        groups, firsts = numpy.unique(where[kept], return_index=True)
        for segment, rows in zip(groups.tolist(), numpy.split(kept, firsts[1:])):
            hits = self._segment_hits(doc, [found[i] for i in rows.tolist()],
                                      annotated[segment])
            if hits:
                found_hits[segment] = hits
        return found_hits

    def _segment_hits(self, doc: Doc, found, annotated: bool) -> list[Hit]:
        """One segment's hits from its raw matches, after pairing, vetoes and merging;
        ``annotated`` tells whether the segment has sentence boundaries set."""
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
            hits = [h for h in hits if not vetoed(h, vetoes.get(h.code_id, ()))]
        return merge_hits(hits)

    def _pair(self, doc: Doc, near_parts, annotated: bool) -> list[Hit]:
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
                    if rule.scope == "sentence" and crosses_sentence(doc, start, end, annotated):
                        continue
                    hits.append(Hit(code_id, rule_id, start, end))
        return hits


_ROLES = ("hit", "a", "b", "veto")
_LOW_BITS = numpy.uint64(0xFFFF)   # of a token's hash, to rule most tokens out at once
_HIT, _A, _B, _VETO = range(len(_ROLES))


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
