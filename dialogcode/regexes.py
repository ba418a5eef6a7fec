"""The regexes of token patterns (``{LOWER: {REGEX: ...}}``): checked before use, and
bounded in the length of what they search.

Python's ``re`` backtracks, so a regex that can match one string in many ways can take
minutes on one token of forty characters (``(a|aa)*c`` on a run of a's).
:func:`regex_problem` reads the parsed pattern (``re._parser``, the parser behind
``re.compile``) and refuses a regex when

- a repeated group can match nothing (``(a?){25}``),
- a repeated group has alternatives that can begin with the same character
  (``(a.|.b)*``),
- a repeated group can match the same text in more than one way, within one repetition
  or across two (``(a+)+``, ``(a|aa)*``, ``(\\w+\\s?)+``, ``(\\sa*\\w?)+``), or
- variable-length parts in a row can match the same characters, so a token can be split
  between them in more than :data:`MAX_SPLITS` ways (``.*.*``, ``a.*a.*z``; a part with
  ``*``, ``+`` or ``{m,}`` counts as :data:`UNBOUNDED` ways, ``a?`` as two).

Character sets are compared on a sample alphabet (ASCII, a few other letters, digits and
spaces, and every character the regex names); the check errs towards refusing, and the
length bound covers whatever it misses. Possessive repeats (``a*+``) and atomic groups
(``(?>...)``) never give back what they matched, so they are exempt (their insides are
still checked). As a second line, :func:`bounded_regex` rewrites a regex so that it
fails at once on a string longer than the codebook's ``regex_token_limit``: whatever a
regex does, it works on a bounded string.
"""
from __future__ import annotations

import re
import re._parser as sre  # the parser behind re.compile (Python 3.11+)

# a spoken contraction at the end of a word ("company'll", "people’ve", "John'd"):
# spaCy's exceptions split these off pronouns only. At least three letters before it and
# all in one case, as names ("Sa'd", "Da'Ve", "Dell'Re") and spellings ("ya'll", "ma'm")
# are no contraction: split, their "'d" or "'ll" would match a lemma "would" or "will"
CONTRACTION = r"(?<=[^\W\d_]{3})['’](?:ll|d|ve|re|m|LL|D|VE|RE|M)$"

MAX_LENGTH = 200        # characters in one regex
MAX_SPLITS = 10_000     # ways a token may be split between variable parts in a row
UNBOUNDED = 1_000       # ways counted for a part repeated with *, + or {m,}

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_SAMPLE = frozenset(map(chr, range(128))) | frozenset("éÉßΩω٣\u00a0\u2019中\u2028")
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
               sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
               sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_GLOBAL_FLAGS = re.compile(r"(?:\(\?[aiLmsux]+\))*")

EMPTY = "repeats a group that can match nothing, like (a?){25}"
ALTERNATIVES = "repeats alternatives that can begin with the same character, like (a.|.b)*"
SELF = ("repeats a group whose repetitions can match the same text in more than one "
        "way, like (a+)+ or (a|aa)*")
ADJACENT = (r"has variable-length parts in a row that can match the same characters, "
            r"like .*.* or a.*a.*z, so a token splits between them in too many ways")


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused (invalid, longer than :data:`MAX_LENGTH`, or able to
    backtrack catastrophically), or None."""
    if len(pattern) > MAX_LENGTH:
        return f"regex longer than {MAX_LENGTH} characters"
    try:
        parsed = sre.parse(pattern)
        re.compile(pattern)
    except (re.error, OverflowError) as exc:
        return f"invalid regex {pattern!r}: {exc}"
    reason = _Analysis(parsed).problem(parsed)
    if reason is None:
        return None
    return (f"regex {pattern!r} could backtrack catastrophically (minutes on one long "
            f"token): it {reason}; rewrite it (see Regexes in docs/codebooks.md)")


def bounded_regex(pattern: str, limit: int) -> str:
    """``pattern`` rewritten so that searching a string longer than ``limit`` characters
    fails after reading ``limit + 1`` of them, while shorter strings match exactly as
    ``re.search(pattern, ...)`` does."""
    flags = _GLOBAL_FLAGS.match(pattern).group()
    close = "\n)" if re.compile(pattern).flags & re.VERBOSE else ")"   # after a # comment
    return rf"{flags}\A(?![\s\S]{{{limit + 1}}})[\s\S]*?(?:{pattern[len(flags):]}{close}"


def regexes_in(pattern) -> list[str]:
    """Every regex in a spaCy token pattern (or any part of one): the strings under a
    ``REGEX`` key, in any letter case (``{REGEX: {IN: [...]}}`` holds several)."""
    found: list[str] = []
    _rewrite(pattern, lambda regex: found.append(regex) or regex)
    return found


def with_bounded_regexes(pattern, limit: int):
    """A copy of a token pattern (or any part of one) whose regexes are
    :func:`bounded_regex` with ``limit``."""
    return _rewrite(pattern, lambda regex: bounded_regex(regex, limit))


def _rewrite(value, change, inside: bool = False):
    """A copy of ``value`` with ``change`` applied to every string under a REGEX key."""
    if isinstance(value, dict):
        return {key: _rewrite(inner, change,
                              inside or (isinstance(key, str) and key.upper() == "REGEX"))
                for key, inner in value.items()}
    if isinstance(value, list):
        return [_rewrite(inner, change, inside) for inner in value]
    return change(value) if inside and isinstance(value, str) else value


def _flat(items) -> list:
    """The parts of a sequence, with the contents of plain groups spliced in."""
    out = []
    for part in items:
        out.extend(_flat(part[1][3]) if part[0] is sre.SUBPATTERN else [part])
    return out


class _Analysis:
    """Widths and character sets of the parts of one parsed regex."""

    def __init__(self, parsed):
        self.state = parsed.state
        named = set(_SAMPLE)
        for op, av in _leaves(parsed):
            if op in (sre.LITERAL, sre.NOT_LITERAL):
                named.add(chr(av))
            elif op is sre.RANGE:
                named.update((chr(av[0]), chr(av[1])))
        self.ignorecase = bool(parsed.state.flags & re.IGNORECASE) or any(
            op is sre.SUBPATTERN and av[1] & re.IGNORECASE for op, av in _walk(parsed))
        if self.ignorecase:
            named.update(v for c in list(named) for v in (c.lower(), c.upper()) if len(v) == 1)
        self.alphabet = frozenset(named)
        # per part (keyed by id: the parsed tree outlives the analysis)
        self._widths: dict[int, tuple[int, int]] = {}
        self._sets: dict[int, frozenset] = {}
        self._variables: dict[int, bool] = {}
        self._edges: dict[tuple[int, int], frozenset] = {}

    # ------------------------------------------------------------------ the rules

    def problem(self, items) -> str | None:
        """The first rule the sequence ``items``, or any part inside it, breaks."""
        parts = _flat(items)
        if self._splits(parts) > MAX_SPLITS:
            return ADJACENT
        for part in parts:
            op, av = part
            found = self._repeat_problem(_flat(av[2])) if op in _REPEATS and av[1] > 1 \
                else None
            for sequence in _sequences(part):
                found = found or self.problem(sequence)
            if found:
                return found
        return None

    def _repeat_problem(self, body: list) -> str | None:
        if self._width(body)[0] == 0:
            return EMPTY
        if any(op is sre.BRANCH and self._alternatives_overlap(av[1]) for op, av in body):
            return ALTERNATIVES
        twice, size = body + body, len(body)    # one repetition, and the next
        if any(self._variable(twice[i]) and self._variable(twice[j])
               and self._trade(twice, i, j)
               for i in range(size) for j in range(i + 1, i + size + 1)):
            return SELF
        return None

    def _splits(self, parts: list) -> int:
        """Most ways a string splits between chained variable parts of ``parts`` (or the
        first count past :data:`MAX_SPLITS`)."""
        ways: dict[int, int] = {}
        for j, part in enumerate(parts):
            if self._variable(part):
                low, high = self._width([part])
                before = max((ways[i] for i in ways if self._trade(parts, i, j)), default=1)
                ways[j] = before * min(high - low + 1, UNBOUNDED)
                if ways[j] > MAX_SPLITS:
                    break
        return max(ways.values(), default=1)

    def _trade(self, parts: list, i: int, j: int) -> bool:
        """Whether variable parts i < j can hand characters to each other: both can match
        some character that every required part between them can match too, part i can
        run on into what follows it, and part j can take over what precedes it."""
        first, last = self._chars(parts[i]), self._chars(parts[j])
        shared = first & last
        if not shared or any(self._width([part])[0] > 0 and not self._chars(part) & shared
                             for part in parts[i + 1:j]):
            return False
        return bool(self._edge(parts[i + 1:j + 1], 0) & first) and \
            bool(self._edge(parts[i:j], -1) & last)

    # ------------------------------------------------------------------ properties

    def _variable(self, part) -> bool:
        """Whether a part can match strings of several lengths *and* give characters
        back to its neighbours (a branch of fixed-length alternatives that begin
        differently cannot)."""
        if id(part) not in self._variables:
            self._variables[id(part)] = self._is_variable(part)
        return self._variables[id(part)]

    def _is_variable(self, part) -> bool:
        op, av = part
        if op in (sre.POSSESSIVE_REPEAT, sre.ATOMIC_GROUP) or op in _ZERO_WIDTH:
            return False
        low, high = self._width([part])
        if low == high:
            return False
        if op is sre.BRANCH:
            return self._alternatives_overlap(av[1]) or any(
                self._width(alt)[0] == 0 or any(map(self._variable, _flat(alt)))
                for alt in av[1])
        return True

    def _alternatives_overlap(self, alternatives) -> bool:
        firsts = [self._edge(_flat(alt), 0) for alt in alternatives]
        return any(a & b for n, a in enumerate(firsts) for b in firsts[n + 1:])

    def _width(self, parts: list) -> tuple[int, int]:
        """(fewest, most) characters the sequence ``parts`` matches."""
        key = id(parts[0]) if len(parts) == 1 else None
        if key in self._widths:
            return self._widths[key]
        width = sre.SubPattern(self.state, list(parts)).getwidth()
        if key is not None:
            self._widths[key] = width
        return width

    def _edge(self, parts: list, side: int) -> frozenset:
        """Characters the sequence ``parts`` can begin with (side 0) or end with (-1)."""
        found: frozenset = frozenset()
        for part in (parts if side == 0 else reversed(parts)):
            found |= self._part_edge(part, side)
            if self._width([part])[0] > 0:
                break
        return found

    def _part_edge(self, part, side: int) -> frozenset:
        key = (id(part), side)
        if key not in self._edges:
            op, av = part
            if op in _ZERO_WIDTH or (op in _REPEATS + (sre.POSSESSIVE_REPEAT,) and not av[1]):
                found = frozenset()
            elif op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.GROUPREF):
                found = self._chars(part)
            else:
                found = frozenset().union(*(self._edge(_flat(sequence), side)
                                            for sequence in _sequences(part)))
            self._edges[key] = found
        return self._edges[key]

    def _chars(self, part) -> frozenset:
        """Every character ``part`` can consume (lookarounds consume none)."""
        key = id(part)
        if key not in self._sets:
            op, av = part
            if op in _ZERO_WIDTH:
                found = frozenset()
            elif op is sre.GROUPREF:
                found = self.alphabet
            elif op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
                found = self._leaf_set(op, av)
            else:
                found = frozenset().union(*(self._chars(inner) for sequence in
                                            _sequences(part) for inner in sequence))
            self._sets[key] = found
        return self._sets[key]

    def _leaf_set(self, op, av) -> frozenset:
        if op is sre.ANY:
            return self.alphabet - {"\n"}
        if op is sre.LITERAL:
            return self._cased({chr(av)})
        if op is sre.NOT_LITERAL:
            return self.alphabet - self._cased({chr(av)})
        negate = bool(av) and av[0][0] is sre.NEGATE
        found: set = set()
        for item_op, item in av[1:] if negate else av:
            if item_op is sre.LITERAL:
                found.add(chr(item))
            elif item_op is sre.RANGE:
                found.update(c for c in self.alphabet if item[0] <= ord(c) <= item[1])
            else:
                regex = _CATEGORIES.get(item)
                found.update(c for c in self.alphabet if regex is None or re.fullmatch(regex, c))
        return self.alphabet - self._cased(found) if negate else self._cased(found)

    def _cased(self, chars: set) -> frozenset:
        if not self.ignorecase:
            return frozenset(chars)
        return frozenset(c for c in self.alphabet
                         if {c, c.lower(), c.upper(), c.swapcase()} & chars)


def _sequences(part) -> list:
    """The sequences directly inside a compound part (lookaround contents included)."""
    op, av = part
    if op in _REPEATS or op is sre.POSSESSIVE_REPEAT:
        return [av[2]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.BRANCH:
        return list(av[1])
    if op is sre.GROUPREF_EXISTS:
        return [sub for sub in av[1:] if sub is not None]
    return []


def _walk(items):
    """Every part of a parsed regex, at any depth."""
    for part in items:
        yield part
        for sequence in _sequences(part):
            yield from _walk(sequence)


def _leaves(items):
    """Literals and ranges anywhere in a parsed regex (inside character classes too)."""
    for op, av in _walk(items):
        if op in (sre.LITERAL, sre.NOT_LITERAL):
            yield op, av
        elif op is sre.IN:
            yield from ((o, a) for o, a in av if o in (sre.LITERAL, sre.RANGE))
