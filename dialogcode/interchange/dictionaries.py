"""Dictionary imports: quanteda-style YAML and LIWC ``.dic``.

Entries without wildcards become terms; glob wildcards (``abus*``, ``?``) become spaCy
token patterns with an anchored, nest-free ``REGEX`` on the lower-cased token.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import CodebookError
from ..yamlsrc import load_yaml
from . import slug, unique_id


def entry_pattern(entry: str) -> str | list[dict]:
    """A term, or a token pattern when ``entry`` has ``*`` or ``?`` wildcards."""
    entry = " ".join(str(entry).split()).lower()
    if not any(c in entry for c in "*?"):
        return entry
    tokens = []
    for word in entry.split(" "):
        if any(c in word for c in "*?"):
            regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in word)
            tokens.append({"LOWER": {"REGEX": f"^{regex}$"}})
        else:
            tokens.append({"LOWER": word})
    return tokens


def _patterns(entries: list[str]) -> dict:
    terms, tokens = [], []
    for entry in entries:
        pattern = entry_pattern(entry)
        (terms if isinstance(pattern, str) else tokens).append(pattern)
    patterns: dict = {}
    if terms:
        patterns["terms"] = terms
    if tokens:
        patterns["tokens"] = tokens
    return patterns


def _book(path: Path, codes: list[dict], kind: str) -> dict:
    return {"codebook": slug(path.stem), "title": path.stem,
            "description": f"Imported from {path.name} ({kind}); review before use.",
            "codes": codes}


def import_quanteda(path: Path) -> dict:
    """Codebook data from a quanteda-style YAML dictionary (key: [entries] or nested
    keys). Raises CodebookError naming the line of anything else."""
    path = Path(path)
    data = load_yaml(path, CodebookError)
    if not isinstance(data, dict) or not data:
        raise CodebookError("a dictionary is a mapping of keys to lists of entries",
                            file=path, line=1)
    taken: set[str] = set()

    def codes_of(mapping, parent_id):
        out = []
        for key, value in mapping.items():
            code_id = unique_id(f"{parent_id}.{slug(str(key))}" if parent_id
                                else slug(str(key)), taken)
            item: dict = {"id": code_id, "label": str(key)}
            if isinstance(value, dict):
                item["codable"] = False
                item["codes"] = codes_of(value, code_id)
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                item["patterns"] = _patterns(value)
            else:
                line = mapping.lines.get(key) if hasattr(mapping, "lines") else None
                raise CodebookError(f"{key!r} must hold a list of entries or nested keys",
                                    file=path, line=line)
            out.append(item)
        return out

    return _book(path, codes_of(data, None), "quanteda dictionary")


def import_liwc(path: Path) -> dict:
    """Codebook data from a LIWC ``.dic``: a ``%``-delimited header of category numbers
    and names, then one word per line followed by its category numbers (or names)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"not UTF-8 (byte 0x{exc.object[exc.start]:02x}); convert the "
                            "file to UTF-8 first", file=path) from None
    lines = text.replace("\r\n", "\n").split("\n")
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        raise CodebookError("no category header: expected it between two lines holding "
                            "only %", file=path, line=1)
    categories: dict[str, str] = {}
    for number in range(marks[0] + 1, marks[1]):
        parts = lines[number].split()
        if len(parts) < 2:
            raise CodebookError(f"header line {lines[number]!r} is not `number name`",
                                file=path, line=number + 1)
        categories[parts[0]] = " ".join(parts[1:])
    names = set(categories.values())
    entries: dict[str, list[str]] = {name: [] for name in categories.values()}
    for number in range(marks[1] + 1, len(lines)):
        parts = lines[number].split("\t") if "\t" in lines[number] else lines[number].split()
        parts = [p.strip() for p in parts if p.strip()]
        if not parts:
            continue
        word, labels = parts[0], parts[1:]
        if not labels:
            raise CodebookError(f"{word!r} has no category", file=path, line=number + 1)
        for label in labels:
            name = categories.get(label) or (label if label in names else None)
            if name is None:
                raise CodebookError(f"unknown category {label!r} for {word!r}", file=path,
                                    line=number + 1)
            entries[name].append(word)
    taken: set[str] = set()
    codes = [{"id": unique_id(slug(name), taken), "label": name, "patterns": _patterns(words)}
             for name, words in entries.items() if words]
    return _book(path, codes, "LIWC dictionary")
