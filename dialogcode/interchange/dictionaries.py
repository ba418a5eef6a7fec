"""Dictionary imports: quanteda-style YAML dictionaries and LIWC ``.dic`` files.

Each dictionary key (quanteda) or category (LIWC) becomes a code; nested quanteda keys
become nested codes with dotted ids. Entries become patterns:

- an entry without wildcards is a term (whole tokens, case-insensitive);
- an entry with glob wildcards (``*`` any run of characters, ``?`` one character)
  becomes a spaCy token pattern with an anchored regex on the lower-cased token:
  ``abus*`` -> ``[{"LOWER": {"REGEX": "^abus"}}]``, ``*ing`` -> ``ing$``,
  ``violen?e`` -> ``^violen.e$``, ``a*b*c`` -> ``^a(?>.*?b).*c$``. Everything else in the
  word is escaped, and the regex never holds two stars that could backtrack against each
  other (so it passes the checks of :mod:`dialogcode.regexes`). A multi-word entry gives
  one token dict per word (words without wildcards are split the way spaCy's English
  tokenizer splits them).

A wildcard applies inside one spaCy token: ``don*`` matches "done" and "don" (of
"don't"), not "don't" as a whole. Categories without any entries are left out (a code
needs patterns); the codebook description names them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import CodebookError, Problem
from ..normalize import place_after
from ..regexes import regex_problem
from ..yamlerrors import explain
from ..yamlsrc import _Loader
from . import codebook_id, slug, unique_id

WILDCARDS = "*?"
_MAX_NODES = 1_000_000
_MAX_DEPTH = 20


@lru_cache(maxsize=1)
def _tokenizer():
    """spaCy's English tokenizer, splitting contractions as coding does (nlp.py)."""
    import spacy

    from ..nlp import split_contractions

    tokenizer = spacy.blank("en").tokenizer
    split_contractions(tokenizer)
    return tokenizer


def _glob_regex(word: str) -> str:
    """A glob as a regex that cannot backtrack catastrophically: ``abus*`` -> ``^abus``;
    ``*ing`` -> ``ing$``; ``violen?e`` -> ``^violen.e$``; ``a*b`` -> ``^a.*b$``. With more
    stars each middle piece is taken at its first place and kept there (an atomic group),
    which is how a glob matches: ``a*b*c`` -> ``^a(?>.*?b).*c$``."""
    pieces = ["".join("." if c == "?" else re.escape(c) for c in piece)
              for piece in re.split(r"\*+", word)]
    if len(pieces) == 1:
        return f"^{pieces[0]}$"
    first, *middle, last = pieces
    regex = f"^{first}" if first else ""
    for piece in middle:
        regex += f"(?>.*?{piece})" if regex else piece
    if last:
        regex += f".*{last}$" if regex else f"{last}$"
    return regex


def entry_pattern(entry: str) -> str | list[dict]:
    """A term for an entry without wildcards, else a spaCy token pattern (a list of
    token dicts). Raises ValueError for an entry that is blank, only wildcards, or so
    long that its regex would be refused."""
    words = str(entry).lower().split()
    if not words:
        raise ValueError("blank entry")
    if not any(c in WILDCARDS for c in "".join(words)):
        return " ".join(str(entry).split())
    tokens: list[dict] = []
    for word in words:
        if any(c in WILDCARDS for c in word):
            if not word.strip(WILDCARDS):
                raise ValueError(f"entry {entry!r} has a word that is only wildcards, which "
                                 "would match every token")
            regex = _glob_regex(word)
            problem = regex_problem(regex)
            if problem:
                raise ValueError(f"entry {entry!r}: {problem}")
            tokens.append({"LOWER": {"REGEX": regex}})
        else:
            tokens.extend({"LOWER": token.lower_} for token in _tokenizer()(word))
    return tokens


def patterns_of(entries: list[str]) -> dict:
    """``patterns`` for a code from its entries (duplicates dropped, order kept).
    Raises ValueError naming a bad entry."""
    terms: list[str] = []
    tokens: list[list[dict]] = []
    for entry in entries:
        pattern = entry_pattern(entry)
        target = terms if isinstance(pattern, str) else tokens
        if pattern not in target:
            target.append(pattern)
    patterns: dict = {}
    if terms:
        patterns["terms"] = terms
    if tokens:
        patterns["tokens"] = tokens
    return patterns


def _book(path: Path, codes: list[dict], kind: str, empty: list[str]) -> dict:
    note = (f" Left out for having no entries: {', '.join(empty)}." if empty else "")
    return {"codebook": codebook_id(path), "title": path.stem,
            "description": f"Imported from the {kind} {path.name}; review the patterns and "
                           f"add definitions, criteria and examples before use.{note}",
            "codes": codes}


# --------------------------------------------------------------------------- quanteda

def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = place_after(raw[:exc.start].decode("utf-8-sig"))[0]
        raise CodebookError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded); convert the file "
            "to UTF-8 first, e.g. `iconv -f cp1252 -t utf-8 IN > OUT` for an older Windows "
            "file", file=str(path), line=line) from None


def import_quanteda(path: Path) -> dict:
    """Codebook data from a quanteda-style YAML dictionary.

    The file is a mapping: a key holds a list of entries (a leaf code), a mapping of
    sub-keys (a category, ``codable: false``), or a list mixing entries and sub-key
    mappings (a code with patterns and child codes). Ids are dotted slugs of the keys
    (``harm: {abuse: [...]}`` -> ``harm.abuse``), made unique with ``_2``. Entries keep
    their text exactly as written (``no`` stays the word "no", not false). Raises
    CodebookError, with the line, for YAML errors and anything else.
    """
    path = Path(path)
    source = str(path)
    text = _read_text(path)
    loader = _Loader(text)      # SafeLoader, refusing deep nesting
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        reason, line, _ = explain(exc, text)
        raise CodebookError(f"YAML error: {reason}", file=source, line=line) from None
    finally:
        loader.dispose()

    def line(node) -> int:
        return loader.shown_line(node.start_mark)

    if not isinstance(root, yaml.MappingNode) or not root.value:
        raise CodebookError("a quanteda dictionary is a mapping of keys to lists of "
                            "entries (or to nested keys)", file=source,
                            line=line(root) if root is not None else 1)
    taken: set[str] = set()
    problems: list[Problem] = []
    visited = [0]

    def codes_of(mapping: yaml.MappingNode, parent_id: str | None,
                 depth: int = 1) -> list[dict]:
        if depth > _MAX_DEPTH:
            raise CodebookError(f"keys are nested more than {_MAX_DEPTH} deep", file=source,
                                line=line(mapping))
        out, seen = [], {}
        for key_node, value_node in mapping.value:
            visited[0] += 1
            if visited[0] > _MAX_NODES:
                raise CodebookError("the dictionary is too large (or expands aliases "
                                    "without end)", file=source, line=line(key_node))
            if not isinstance(key_node, yaml.ScalarNode) or not key_node.value.strip():
                problems.append(Problem("a dictionary key must be a non-empty name", source,
                                        line(key_node)))
                continue
            key = " ".join(key_node.value.split())
            if key in seen:
                problems.append(Problem(f"duplicate key {key!r} (first at line {seen[key]})",
                                        source, line(key_node)))
                continue
            seen[key] = line(key_node)
            code_id = unique_id(f"{parent_id}.{slug(key)}" if parent_id else slug(key),
                                taken)
            item: dict = {"id": code_id, "label": key}
            entries: list[str] = []
            children: list[dict] = []
            if isinstance(value_node, yaml.MappingNode):
                children = codes_of(value_node, code_id, depth + 1)
            elif isinstance(value_node, yaml.ScalarNode) and value_node.value.strip():
                entries.append(value_node.value)
            elif isinstance(value_node, yaml.SequenceNode):
                for entry in value_node.value:
                    visited[0] += 1
                    if isinstance(entry, yaml.ScalarNode):
                        if entry.value.strip():
                            entries.append(entry.value)
                    elif isinstance(entry, yaml.MappingNode):
                        children.extend(codes_of(entry, code_id, depth + 1))
                    else:
                        problems.append(Problem(f"an entry of {key!r} is a list; entries "
                                                "are words or phrases", source, line(entry)))
            if not entries and not children:
                problems.append(Problem(f"key {key!r} has no entries and no sub-keys",
                                        source, line(key_node)))
                continue
            if entries:
                try:
                    item["patterns"] = patterns_of(entries)
                except ValueError as exc:
                    problems.append(Problem(str(exc), source, line(value_node), key))
                    continue
            else:
                item["codable"] = False
            if children:
                item["codes"] = children
            out.append(item)
        return out

    codes = codes_of(root, None)
    if problems:
        raise CodebookError(problems)
    return _book(path, codes, "quanteda dictionary", [])


# --------------------------------------------------------------------------- LIWC

def import_liwc(path: Path) -> dict:
    """Codebook data from a LIWC ``.dic`` dictionary: one flat code per category.

    The header, between two lines holding only ``%``, maps category numbers to names
    (``1<TAB>posemo``); each following line is an entry and its categories
    (``happ*<TAB>1<TAB>31``). Spaces work as separators too; with tabs an entry may hold
    spaces (``kind of``). Categories may be given by name instead of number (LIWC2015
    style). Raises CodebookError naming the line for an unknown category, a malformed
    header or entry, and for a file that is not UTF-8 (a BOM is fine).
    """
    path = Path(path)
    source = str(path)
    lines = _read_text(path).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marks = [i for i, text in enumerate(lines) if text.strip() == "%"]
    if len(marks) < 2:
        raise CodebookError("no category header: a LIWC dictionary starts with category "
                            "numbers and names between two lines holding only %",
                            file=source, line=(marks[0] + 1) if marks else 1)
    problems: list[Problem] = []
    names: dict[str, str] = {}          # number (or any key) -> name
    header_line: dict[str, int] = {}
    for index in range(marks[0] + 1, marks[1]):
        text = lines[index]
        if not text.strip():
            continue
        parts = ([p.strip() for p in text.split("\t") if p.strip()] if "\t" in text
                 else text.split(None, 1))
        if len(parts) < 2:
            problems.append(Problem(f"header line {text.strip()!r} is not `number<TAB>name`",
                                    source, index + 1))
            continue
        number, name = parts[0], " ".join(parts[1].split())
        if number in names:
            problems.append(Problem(f"category {number} is declared twice (first at line "
                                    f"{header_line[number]})", source, index + 1))
            continue
        if name in names.values():
            problems.append(Problem(f"category name {name!r} is used twice", source,
                                    index + 1))
            continue
        names[number], header_line[number] = name, index + 1
    by_name = {name: name for name in names.values()}
    entries: dict[str, list[str]] = {name: [] for name in names.values()}

    def category(ref: str) -> str | None:
        return names.get(ref) or by_name.get(ref)

    for index in range(marks[1] + 1, len(lines)):
        text = lines[index]
        if not text.strip():
            continue
        if "\t" in text:
            fields = [p.strip() for p in text.split("\t")]
            word = fields[0]
            refs = [ref for field in fields[1:] if field
                    for ref in ([field] if category(field) else field.split())]
        else:
            parts = text.split()
            # categories are taken from the end; what is left is the (multi-word) entry
            cut = len(parts)
            while cut > 1 and (parts[cut - 1].isdigit() or category(parts[cut - 1])):
                cut -= 1
            word, refs = " ".join(parts[:cut]), parts[cut:]
        if not word:
            problems.append(Problem("entry line has no word", source, index + 1))
            continue
        if not refs:
            problems.append(Problem(f"entry {word!r} has no categories", source, index + 1))
            continue
        try:
            entry_pattern(word)
        except ValueError as exc:
            problems.append(Problem(str(exc), source, index + 1))
            continue
        for ref in refs:
            name = category(ref)
            if name is None:
                hint = (" (LIWC2007 conditional categories are not supported)"
                        if "(" in ref or ")" in ref or "/" in ref else
                        " (not declared in the header)")
                problems.append(Problem(f"unknown category {ref!r} for {word!r}{hint}",
                                        source, index + 1))
            elif word not in entries[name]:
                entries[name].append(word)
    if problems:
        raise CodebookError(problems)
    taken: set[str] = set()
    codes, empty = [], []
    for name, words in entries.items():
        if not words:
            empty.append(name)
            continue
        codes.append({"id": unique_id(slug(name), taken), "label": name,
                      "patterns": patterns_of(words)})
    if not codes:
        raise CodebookError("the dictionary has no entries", file=source,
                            line=marks[1] + 1)
    return _book(path, codes, "LIWC dictionary", empty)
