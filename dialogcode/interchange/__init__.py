"""Codebooks to and from other tools: REFI-QDA codebooks (.qdc), quanteda YAML
dictionaries and LIWC .dic files. Importers return codebook data (plain dicts in the
YAML format of docs/codebooks.md) for a person to review."""
from __future__ import annotations

import re
from pathlib import Path

import yaml


def slug(text: str) -> str:
    """A code id part from any label: lower case, [a-z0-9_]."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "code"


def write_codebook_yaml(data: dict, path: Path) -> None:
    """Write codebook data as YAML (keys in the order given)."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    Path(path).write_text(text, encoding="utf-8")


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate
