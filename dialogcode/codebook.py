"""Codebooks: YAML files a researcher writes, validated as a whole.

The format is documented in docs/codebooks.md. Loading reports every problem at once
with file, line and code id: unknown keys, duplicate ids, missing parents, cycles,
invalid spaCy token patterns and risky regexes. A codable code without patterns is a
*human-only* code: people code it and the learned model may learn it.
"""
from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Union

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import problems_from_validation
from .errors import CodebookError, Problem
from .yamlsrc import line_of, load_yaml

Match = Literal["lower", "lemma"]
ID_PATTERN = r"^[a-z0-9_]+(\.[a-z0-9_]+)*$"
REGEX_TOKEN_LIMIT = 100     # default: REGEX patterns skip longer tokens (docs/limits.md)
MAX_DEPTH = 20              # levels of codes under codes (docs/limits.md)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Term(_Strict):
    term: str = Field(min_length=1)
    match: Match | None = None


class Near(_Strict):
    a: list[str] = Field(min_length=1)
    b: list[str] = Field(min_length=1)
    within: int = Field(default=5, ge=0, le=100)
    scope: Literal["sentence", "segment"] = "sentence"
    match: Match | None = None


class Exclude(_Strict):
    terms: list[str] = Field(min_length=1)
    window: int = Field(default=3, ge=0, le=50)
    side: Literal["before", "after", "both"] = "both"
    match: Match | None = None


class Patterns(_Strict):
    match: Match | None = None
    terms: list[Union[str, Term]] = Field(default_factory=list)
    tokens: list[list[dict]] = Field(default_factory=list)
    dependencies: list[list[dict]] = Field(default_factory=list)
    near: list[Near] = Field(default_factory=list)
    exclude: list[Exclude] = Field(default_factory=list)

    @field_validator("terms", mode="before")
    @classmethod
    def _no_yaml_booleans(cls, terms):
        if isinstance(terms, list) and any(isinstance(t, bool) for t in terms):
            raise ValueError("a term reads as true/false: YAML takes bare yes, no, on, off "
                             "as booleans; put such terms in quotes (\"no\")")
        return terms

    @field_validator("terms")
    @classmethod
    def _no_blank_terms(cls, terms):
        if any(isinstance(t, str) and not t.strip() for t in terms):
            raise ValueError("terms must not be blank")
        return terms


class CodeSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    label: str
    parent: str | None = None
    codable: bool = True
    exclusive: bool = False   # children are the values of one variable (agreement)
    group: str | None = None
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    definition: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)
    patterns: Patterns = Field(default_factory=Patterns)
    codes: list[dict] = Field(default_factory=list)  # children, validated one by one


class BookSpec(_Strict):
    codebook: str = Field(pattern=ID_PATTERN)
    title: str
    description: str | None = None
    match: Match = "lower"
    regex_token_limit: int = Field(default=REGEX_TOKEN_LIMIT, ge=1, le=1000)
    codes: list[dict] = Field(min_length=1)


@dataclass
class Code:
    """One code of a codebook, with its patterns resolved (match modes filled in)."""

    id: str
    label: str
    codebook: str
    parent: str | None
    codable: bool
    group: str | None
    color: str | None
    definition: str | None
    when_to_use: str | None
    when_not_to_use: str | None
    examples: list[str]
    counter_examples: list[str]
    terms: list[tuple[str, str]]            # (term, lower|lemma)
    tokens: list[list[dict]]
    near: list[Near]
    exclude: list[Exclude]
    match: str
    line: int | None = None
    dependencies: list[list[dict]] = field(default_factory=list)
    pattern_lines: dict[str, int] = field(default_factory=dict)   # "tokens[1]" -> line
    exclusive: bool = False

    @property
    def n_patterns(self) -> int:
        return len(self.terms) + len(self.tokens) + len(self.near) + len(self.dependencies)

    @property
    def human_only(self) -> bool:
        """A codable code without patterns: people code it, and `dialogcode learn` may
        learn it from their codings; the rules never apply it."""
        return self.codable and not self.n_patterns


@dataclass
class Codebook:
    """One or more codebook files loaded together (ids are unique across them)."""

    codes: dict[str, Code] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)   # codebook id -> content hash
    titles: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)    # codebook id -> file
    regex_limits: dict[str, int] = field(default_factory=dict)  # codebook id -> limit

    def version_of(self, code_id: str) -> str:
        return self.versions[self.codes[code_id].codebook]

    def regex_token_limit(self, code_id: str) -> int:
        """Longest token (in characters) the REGEX patterns of ``code_id`` test."""
        return self.regex_limits.get(self.codes[code_id].codebook, REGEX_TOKEN_LIMIT)

    @property
    def version(self) -> str:
        """One hash over every loaded codebook's content."""
        joined = "\n".join(f"{k}:{v}" for k, v in sorted(self.versions.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:12]

    def versions_text(self) -> str:
        """Each codebook's id and version as the codings' ``codebook_version`` holds it:
        ``community_factors dcf6fd6c3c46; collaboration 38dedd117895``."""
        return "; ".join(f"{k} {v}" for k, v in self.versions.items())

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]

    def to_frame(self) -> pd.DataFrame:
        """The flattened codebook table (columns documented in docs/tables.md)."""
        rows = [{"code_id": c.id, "parent_id": c.parent, "label": c.label, "group": c.group,
                 "codebook": c.codebook, "codable": c.codable, "definition": c.definition,
                 "when_to_use": c.when_to_use, "when_not_to_use": c.when_not_to_use,
                 "n_patterns": c.n_patterns, "n_examples": len(c.examples),
                 "n_counter_examples": len(c.counter_examples), "color": c.color,
                 "codebook_version": self.versions[c.codebook]} for c in self.codes.values()]
        return pd.DataFrame(rows)

    def tree(self) -> list[tuple[int, Code]]:
        """(depth, code) in tree order."""
        out: list[tuple[int, Code]] = []

        def walk(parent, depth):
            for child in self.children(parent):
                out.append((depth, child))
                walk(child.id, depth + 1)
        walk(None, 0)
        return out

    def __repr__(self) -> str:
        return (f"Codebook({', '.join(self.titles.values())}: {len(self.codes)} codes, "
                f"version {self.version})")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td style='text-align:left;padding-left:{depth * 1.5}em'><code>"
            f"{html.escape(c.id)}</code></td><td style='text-align:left'>{html.escape(c.label)}"
            f"</td><td>{c.n_patterns}</td><td>{len(c.examples)}</td></tr>"
            for depth, c in self.tree())
        return (f"<b>{html.escape(repr(self))}</b><table><tr><th>code</th><th>label</th>"
                f"<th>patterns</th><th>examples</th></tr>{rows}</table>")


def content_hash(data) -> str:
    """A short hash of a codebook's content (formatting and comments do not count)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def load_codebooks(paths: list[Path] | Path) -> Codebook:
    """Load and validate codebook files together.

    Returns a :class:`Codebook`. Raises CodebookError listing every problem found in
    every file, each with file, line and code id.
    """
    from .pattern_checks import check_patterns  # needs spaCy; kept out of import time

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    book, problems = Codebook(), []
    lines: dict[str, tuple[str, int | None]] = {}
    for path in paths:
        source = str(path)
        try:
            data = load_yaml(Path(path), CodebookError)
        except CodebookError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(Problem("a codebook is a mapping with codebook, title and codes",
                                    source, 1))
            continue
        try:
            spec = BookSpec.model_validate(data)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, data, source, BookSpec))
            continue
        if spec.codebook in book.versions:
            problems.append(Problem(f"codebook id {spec.codebook!r} is loaded twice", source,
                                    line_of(data, "codebook"), "codebook"))
            continue
        book.versions[spec.codebook] = content_hash(data)
        book.titles[spec.codebook] = spec.title
        book.sources[spec.codebook] = source
        book.regex_limits[spec.codebook] = spec.regex_token_limit
        _add_codes(book, data["codes"], None, spec, source, problems, lines)
    for code in book.codes.values():
        source, line = lines[code.id]
        if code.parent and code.parent not in book.codes:
            problems.append(Problem(f"parent {code.parent!r} is not defined", source, line,
                                    code.id))
        if not code.codable and not book.children(code.id):
            problems.append(Problem("`codable: false` code has no child codes", source, line,
                                    code.id))
        if code.exclusive and len(book.children(code.id)) < 2:
            problems.append(Problem("`exclusive: true` code needs two or more child codes "
                                    "(its values)", source, line, code.id))
        for where, message in check_patterns(code):
            problems.append(Problem(message, source, code.pattern_lines.get(where, line),
                                    code.id))
    problems.extend(_ancestry(book, lines))
    if problems:
        raise CodebookError(problems)
    return book


def _add_codes(book, items, parent, spec, source, problems, lines):
    for index, item in enumerate(items):
        line = line_of(items, index)
        if not isinstance(item, dict):
            problems.append(Problem("a code is a mapping (id, label, ...)", source, line))
            continue
        code_id = item.get("id") if isinstance(item.get("id"), str) else None
        if code_id in lines:
            first = lines[code_id]
            problems.append(Problem(f"duplicate code id (first defined at {first[0]}:"
                                    f"{first[1]})", source, line, code_id))
            continue
        if code_id:
            lines[code_id] = (source, line)
        try:
            code = CodeSpec.model_validate(item)
        except ValidationError as exc:
            for problem in problems_from_validation(exc, item, source, CodeSpec):
                problems.append(Problem(problem.message, problem.file, problem.line,
                                        f"{code_id or '?'}: {problem.key}"))
            continue
        if parent and code.parent and code.parent != parent:
            problems.append(Problem(f"nested under {parent!r} but says parent "
                                    f"{code.parent!r}", source, line, code.id))
        default = code.patterns.match or spec.match
        terms = [(t, default) if isinstance(t, str) else (t.term, t.match or default)
                 for t in code.patterns.terms]
        near = [n.model_copy(update={"match": n.match or default}) for n in code.patterns.near]
        exclude = [e.model_copy(update={"match": e.match or "lower"})
                   for e in code.patterns.exclude]
        book.codes[code.id] = Code(
            code.id, code.label, spec.codebook, code.parent or parent, code.codable,
            code.group, code.color, code.definition, code.when_to_use, code.when_not_to_use,
            code.examples, code.counter_examples, terms, code.patterns.tokens, near, exclude,
            default, line, code.patterns.dependencies, _pattern_lines(item), code.exclusive)
        _add_codes(book, item.get("codes") or [], code.id, spec, source, problems, lines)


def _pattern_lines(item: dict) -> dict[str, int]:
    """Line of each token and dependency pattern of a code, keyed like "tokens[1]"."""
    patterns = item.get("patterns") or {}
    return {f"{kind}[{index}]": found for kind in ("tokens", "dependencies")
            for index in range(1, len(patterns.get(kind) or []) + 1)
            for found in [line_of(patterns.get(kind), index - 1)] if found}


def _ancestry(book: Codebook, lines) -> list[Problem]:
    """Parent cycles, and codes more than :data:`MAX_DEPTH` levels deep (each branch
    reported once, at its first code too deep). Walks parent links without recursion."""
    problems: list[Problem] = []
    depth: dict[str, int] = {}
    for code_id in book.codes:
        path, on_path, current = [], set(), code_id
        while current in book.codes and current not in depth and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = book.codes[current].parent
        if current in on_path:
            loop = path[path.index(current):]
            del path[len(path) - len(loop):]
            depth.update(dict.fromkeys(loop, 0))
            source, line = lines[current]
            problems.append(Problem(f"parent cycle: {' -> '.join(loop + [current])}", source,
                                    line, current))
        level = depth.get(current, 0)
        for ancestor in reversed(path):
            level += 1
            depth[ancestor] = level
            if level == MAX_DEPTH + 1:
                source, line = lines[ancestor]
                problems.append(Problem(f"nested more than {MAX_DEPTH} levels deep, the "
                                        "limit (see docs/limits.md)", source, line, ancestor))
    return problems
