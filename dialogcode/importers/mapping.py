"""From the names a coder used to the codebook's code ids.

A name is mapped, in this order: by the mapping file (``--map``), as a code id of the
codebook, or as a code's label (exact, case-insensitive, when only one code has it).
Anything else is *unmapped*: reported with how many codings use it and where it is
first used, never guessed.
"""
from __future__ import annotations

import difflib

from pathlib import Path

from ..codebook import Codebook
from ..coders import CodingsError
from ..errors import Problem
from ..tables import ancestors
from ..yamlsrc import line_of, load_yaml
from .base import Found
from .tabular import read_rows


def load_mapping(path: Path, book: Codebook
                 ) -> tuple[dict[str, str | None], list[Problem]]:
    """(name -> code id, problems) from a CSV (``name,code_id``) or YAML (``name:
    code_id``) file. Every target must be a code id of ``book``; a name whose target is
    not is mapped to None (its problem is reported once, here)."""
    source = str(path)
    pairs: list[tuple[str, str, int | None]] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        data = load_yaml(path, CodingsError)
        if not isinstance(data, dict):
            raise CodingsError("a YAML mapping file holds `name: code_id` lines", file=path)
        pairs = [(str(name), "" if target is None else str(target), line_of(data, name))
                 for name, target in data.items()]
    else:
        header, rows = read_rows(path, codes=book.codes)
        missing = [c for c in ("name", "code_id") if c not in header]
        if missing:
            raise CodingsError(f"missing column(s) {', '.join(missing)}; a mapping file has "
                               "columns name,code_id", file=path, line=1)
        pairs = [(row["name"], row["code_id"], line) for line, row in rows]
    mapping: dict[str, str | None] = {}
    problems: list[Problem] = []
    for name, target, line in pairs:
        name, target = name.strip(), target.strip()
        if not name or not target:
            problems.append(Problem("a mapping needs both a name and a code_id", source, line))
        elif target not in book.codes:
            mapping[name] = None
            problems.append(Problem(f"{target!r} (for {name!r}) is not a code id of the "
                                    "codebook", source, line))
        elif mapping.get(name, target) != target:
            problems.append(Problem(f"{name!r} is mapped twice ({mapping[name]}, {target})",
                                    source, line))
        else:
            mapping[name] = target
    return mapping, problems


def moved_codes(found: list[Found], parents: dict[str, str], mapped: dict[str, str],
                mapping: dict[str, str | None], book: Codebook
                ) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) for the code names mapped by their label (not by the mapping
    file or a code id) that the file puts under a parent (``parents``, code name -> its
    parent's name). A problem where that parent is none of the code's ancestors in
    ``book`` (by id or label, or mapped to one): "Housing" under "Resilience" in a
    project is not ``risk.housing`` under "Risks" just because the labels match. A note
    where it is one above the code's parent: the file leaves out a level ("Housing"
    under "Risks", where the codebook has Risks > Economic > Housing)."""
    problems, notes = [], []
    for name, parent in parents.items():
        if name not in mapped or name in mapping or name in book.codes:
            continue
        code = book.codes[mapped[name]]
        above = [book.codes[c] for c in ancestors(book, code.id)[1:]]
        at = next((k for k, ours in enumerate(above) if mapping.get(parent) == ours.id
                   or parent.casefold() in (ours.label.strip().casefold(), ours.id)), None)
        if not above or at == 0:
            continue
        first = next(item for item in found if item.code == name)
        path = " > ".join(c.label for c in [*reversed(above), code])
        if at is not None:
            left_out = ", ".join(repr(c.label) for c in reversed(above[:at]))
            notes.append(Problem(
                f"code {name!r} under {parent!r} in the file read as {code.id} ({path} in "
                f"the codebook): the file leaves out {left_out}", first.file, first.line))
            continue
        problems.append(Problem(
            f"code {name!r} is under {parent!r} in the file, but {code.id}, the code with "
            f"that label, is {path} in the codebook; if it is that code, map it with --map "
            f"(a CSV with the lines `name,code_id` and `{name},{code.id}`), or if "
            f"{parent!r} is {above[0].id} under another name, map that "
            f"(`{parent},{above[0].id}`)", first.file, first.line))
    return problems, notes


def map_names(found: list[Found], book: Codebook, mapping: dict[str, str | None]
              ) -> tuple[dict[str, str], list[Problem]]:
    """(name -> code id for every name that maps, one problem per unmapped name; names
    the mapping sends to None are neither)."""
    labels: dict[str, list[str]] = {}
    for code in book.codes.values():
        labels.setdefault(code.label.strip().casefold(), []).append(code.id)
    uses: dict[str, list[Found]] = {}
    for item in found:
        uses.setdefault(item.code, []).append(item)
    mapped: dict[str, str] = {}
    unmapped: list[Problem] = []
    for name, items in uses.items():
        by_label = labels.get(name.casefold(), [])
        if name in mapping:
            if mapping[name] is not None:
                mapped[name] = mapping[name]
        elif name in book.codes:
            mapped[name] = name
        elif len(by_label) == 1:
            mapped[name] = by_label[0]
        else:
            why = (f"the label of several codes ({', '.join(by_label)})" if by_label
                   else "not a code id or label of the codebook" + _close(name, book))
            first = items[0]
            unmapped.append(Problem(
                f"unmapped code {name!r} ({len(items)} coding{'s' * (len(items) != 1)}, "
                f"first here): {why}; map it with --map", first.file, first.line))
    return mapped, unmapped


def _close(name: str, book: Codebook) -> str:
    """`` (did you mean ...?)`` naming the code ids closest to ``name``, or nothing."""
    ids = {code_id.casefold(): code_id for code_id in book.codes}
    close = difflib.get_close_matches(name.casefold(), list(ids), n=2, cutoff=0.75)
    return f" (did you mean {' or '.join(ids[c] for c in close)}?)" if close else ""
