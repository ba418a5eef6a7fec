"""Spreadsheet codebooks (CSV or XLSX, one code per row), the commonest form kept.

Header names are matched case-insensitively, with spaces, dashes and underscores alike:

- the code: ``code``, ``code_id``, ``id``, ``name`` or ``code name`` (required);
- ``label`` (or ``name``/``title`` when the code is in another column);
- ``definition`` or ``description``; ``when_to_use`` or ``inclusion``;
  ``when_not_to_use`` or ``exclusion``; ``example`` or ``examples`` (several separated
  by ``|``); ``parent`` or ``category`` (the parent's code or label).

Each row becomes a code without patterns, that is a human-only code that people code
and `dialogcode learn` may learn; a parent named only as a ``parent`` value becomes a
category. A code already written as an id (``risk.harmful_norms``) keeps it; any other
name is turned into one under its parent's id.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..codebook import ID_PATTERN
from ..csvrows import read_csv_file
from ..errors import CodebookError, Problem
from ..formats.tables import xlsx_rows
from . import codebook_id, slug, unique_id

ALIASES = {
    "code": ("code", "code_id", "id", "name", "code_name"),
    "label": ("label", "name", "title"),
    "definition": ("definition", "description"),
    "when_to_use": ("when_to_use", "inclusion", "inclusion_criteria"),
    "when_not_to_use": ("when_not_to_use", "exclusion", "exclusion_criteria"),
    "examples": ("examples", "example"),
    "parent": ("parent", "parent_code", "category"),
}


def _key(header) -> str:
    return re.sub(r"[\s\-_]+", "_", str(header or "").strip().lower())


def _rows(path: Path) -> list[tuple[int, list]]:
    """[(line, values)] of the spreadsheet, its header first."""
    if path.suffix.lower() == ".xlsx":
        return list(enumerate(xlsx_rows(path, str(path), CodebookError, unmerged=True),
                              start=1))
    header, rows = read_csv_file(path, CodebookError)
    return [(1, header)] + rows if header else []


def import_spreadsheet(path: Path) -> dict:
    """Codebook data from a CSV or XLSX codebook. Raises CodebookError listing every
    bad row (no code, a duplicate, a parent that is the code itself or part of a cycle)
    with its line; a parent with no row of its own becomes a category."""
    path = Path(path)
    rows = _rows(path)
    if not rows:
        raise CodebookError("the spreadsheet is empty", file=path)
    header = [_key(h) for h in rows[0][1]]
    columns: dict[str, int] = {}
    for field, names in ALIASES.items():
        found = next((header.index(n) for n in names if n in header
                      and header.index(n) not in columns.values()), None)
        if found is not None:
            columns[field] = found
    if "code" not in columns:
        raise CodebookError("no code column; name one `code` (or code_id, id, name)",
                            file=path, line=1)

    def cell(row, field):
        index = columns.get(field)
        value = row[index] if index is not None and index < len(row) else None
        return str(value).strip() if value is not None else ""

    problems, entries = [], []
    for line, row in rows[1:]:
        if not any(str(v or "").strip() for v in row):
            continue
        name = cell(row, "code")
        if not name:
            problems.append(Problem("this row has no code", str(path), line))
            continue
        entries.append((line, name, {f: cell(row, f) for f in ALIASES}))
    names = {name for _, name, _ in entries}
    labels = {values["label"]: name for _, name, values in entries if values["label"]}
    ids: dict[str, str] = {}
    taken: set[str] = set()
    codes: dict[str, dict] = {}
    order: list[str] = []

    def code_for(name: str, parent: str | None, values: dict | None) -> str:
        if name in ids:
            return ids[name]
        if re.fullmatch(ID_PATTERN, name):
            code_id = unique_id(name, taken)
        else:
            code_id = unique_id(f"{parent}.{slug(name)}" if parent else slug(name), taken)
        ids[name] = code_id
        data = {"id": code_id, "label": (values or {}).get("label") or name}
        for field in ("definition", "when_to_use", "when_not_to_use"):
            if values and values.get(field):
                data[field] = values[field]
        if values and values.get("examples"):
            data["examples"] = [e.strip() for e in values["examples"].split("|") if e.strip()]
        if values is None:
            data["codable"] = False
        codes[code_id] = {"data": data, "parent": parent}
        order.append(code_id)
        return code_id

    seen: set[str] = set()
    pending = list(entries)
    for _ in range(len(entries) + 1):            # parents first, however rows are ordered
        later = []
        for line, name, values in pending:
            parent_name = values["parent"]
            parent_name = labels.get(parent_name, parent_name)
            if name in seen:
                problems.append(Problem(f"code {name!r} appears twice", str(path), line))
                continue
            if parent_name == name:
                problems.append(Problem(f"code {name!r} is its own parent", str(path), line))
                continue
            if parent_name and parent_name in names and parent_name not in ids:
                later.append((line, name, values))
                continue
            parent = code_for(parent_name, None, None) if parent_name else None
            seen.add(name)
            code_for(name, parent, values)
        if len(later) == len(pending):
            problems += [Problem(f"parent {v['parent']!r} is part of a cycle", str(path), n)
                         for n, _, v in later]
            break
        pending = later
    if problems:
        raise CodebookError(problems)
    if not order:
        raise CodebookError("the spreadsheet has no codes", file=path)
    tree: list[dict] = []
    for code_id in order:
        entry = codes[code_id]
        siblings = tree if entry["parent"] is None else \
            codes[entry["parent"]]["data"].setdefault("codes", [])
        siblings.append(entry["data"])
    return {"codebook": codebook_id(path), "title": path.stem,
            "description": f"Imported from the spreadsheet {path.name}. Its codes have no "
                           "patterns: people code them and `dialogcode learn` learns them "
                           "from their codings; add patterns where a rule can find a code.",
            "codes": tree}
