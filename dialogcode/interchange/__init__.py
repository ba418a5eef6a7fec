"""Codebook interchange with other tools.

- :mod:`.qdc`: REFI-QDA codebooks (``.qdc``) for NVivo, ATLAS.ti, MAXQDA, QualCoder:
  export a loaded codebook, import one as codebook data.
- :mod:`.dictionaries`: quanteda-style YAML dictionaries and LIWC ``.dic`` files.

Importers return *codebook data*: plain dicts in the YAML format of docs/codebooks.md,
meant to be written with :func:`write_codebook_yaml`, validated with ``load_codebooks``
and then reviewed by a person. The helpers here (ids, YAML writing) are shared.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from ..store import replacing

__all__ = ["slug", "unique_id", "codebook_id", "write_codebook_yaml"]


def slug(text: str, fallback: str = "code") -> str:
    """One id part from any name: ASCII lower case letters, digits and ``_``.

    Accents are dropped ("Économie" -> "economie"); anything else becomes ``_``.
    A name with nothing left (all punctuation, or a non-Latin script) gives ``fallback``.
    """
    ascii_text = (unicodedata.normalize("NFKD", str(text))
                  .encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or fallback


def codebook_id(path: Path) -> str:
    """A codebook id from a file name: its stem, lower case, ``[a-z0-9_]``."""
    return slug(Path(path).stem, fallback="imported")


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... whichever is not in ``taken``; the result
    is added to ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


class _Flow(list):
    """A list written in YAML flow style (one token pattern on one line)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=True))

_Dumper.add_representer(
    str, lambda dumper, data: dumper.represent_scalar(
        "tag:yaml.org,2002:str", data, style="|" if "\n" in data else None))


def _plain(value, key=None):
    """Plain dicts/lists/str (yaml's safe dumper refuses subclasses), with token
    patterns marked for flow style."""
    if isinstance(value, dict):
        return {str(k): _plain(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if key == "tokens":
            return [_Flow(_plain(item)) if isinstance(item, (list, tuple)) else _plain(item)
                    for item in value]
        return [_plain(item) for item in value]
    return value


def write_codebook_yaml(data: dict, path: Path) -> None:
    """Write codebook data as a UTF-8 YAML file, keys in the order given (a safe
    dumper; token patterns on one line each, multi-line text as literal blocks)."""
    text = yaml.dump(_plain(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=88)
    with replacing(Path(path)) as temporary:     # a failed write leaves an older file
        temporary.write_text(text, encoding="utf-8")
