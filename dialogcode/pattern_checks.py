"""A code's token and dependency patterns checked when its codebook is loaded: spaCy's
own validation, regexes that are safe to run, and what `dialogcode code` could never
match (a MORPH test, a word with its contraction as one token)."""
from __future__ import annotations

import re

from spacy.errors import MatchPatternError
from spacy.matcher import DependencyMatcher, Matcher
from spacy.vocab import Vocab

from .codebook import Code
from .regexes import CONTRACTION, regex_problem, regexes_in


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
            if kind == "tokens":
                refused += [(where, f'{where}: "{value}" is two tokens, as a contraction is '
                                    f'split off its word: name each, "{value[:at]}" then '
                                    f'"{value[at:]}"') for value, at in _split_words(pattern)]
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


def _split_words(pattern: list) -> list[tuple[str, int]]:
    """The literal LOWER, ORTH or TEXT values of a token pattern that hold a word and a
    contraction ("company'll"), which no token is since they are split (nlp.py), each
    with where the contraction starts."""
    found = []
    for token in (t for t in pattern if isinstance(t, dict)):
        for name in ("LOWER", "ORTH", "TEXT"):
            value = token.get(name)
            values = [value] if isinstance(value, str) else (
                value.get("IN") if isinstance(value, dict) else None)
            for text in values if isinstance(values, list) else ():
                split = re.search(CONTRACTION, text) if isinstance(text, str) else None
                found += [(text, split.start())] if split else []
    return found


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
