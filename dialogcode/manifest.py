"""The corpus manifest (CSV or YAML): which file is which site, event and date.

Columns: ``file`` (required, relative to the transcripts folder), ``site``,
``event_type``, ``date`` (YYYY-MM-DD), ``title``; optional ``doc_id``, ``format``,
``encoding``, ``speaker_column``/``text_column``/``start_column``/``end_column``,
``speakers`` (labels that are speakers in this file, separated by ``;``); any
other column is kept as a document attribute. Validated as a whole: every problem is
reported with its line.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ManifestError, Problem
from .formats import FORMATS, LAYOUTS
from .yamlsrc import line_of, load_yaml

STANDARD = ("site", "event_type", "date", "title")
COLUMN_KEYS = {"speaker_column": "speaker", "text_column": "text",
               "start_column": "start", "end_column": "end"}
OPTIONS = {"file", "doc_id", "format", "encoding", "speakers", *COLUMN_KEYS}


@dataclass
class Entry:
    file: str
    line: int
    doc_id: str | None = None
    format: str | None = None
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    speakers: frozenset[str] = frozenset()
    attributes: dict[str, str] = field(default_factory=dict)


def _rows(path: Path) -> list[tuple[int, dict]]:
    if path.suffix.lower() in (".yaml", ".yml"):
        data = load_yaml(path, ManifestError)
        if isinstance(data, dict):  # {file: {site: ..}} form
            return [(line_of(data, key) or 0, {"file": key, **(value or {})})
                    for key, value in data.items()]
        if not isinstance(data, list):
            raise ManifestError("a YAML manifest is a list of {file, site, event_type, "
                                "date, ...} entries", file=path, line=1)
        return [(line_of(data, i) or 0, item if isinstance(item, dict) else {"": item})
                for i, item in enumerate(data)]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the manifest as UTF-8 text: {exc}", file=path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or "file" not in [f.strip() for f in reader.fieldnames]:
        raise ManifestError(f"the manifest needs a `file` column; it has: "
                            f"{', '.join(reader.fieldnames or []) or '(nothing)'}",
                            file=path, line=1)
    rows, line = [], 2
    for row in reader:
        rows.append((line, {k.strip(): (v or "").strip() for k, v in row.items() if k}))
        line = reader.line_num + 1
    return rows


def load_manifest(path: Path, transcripts: Path) -> list[Entry]:
    """Read and validate the manifest; file paths are checked against ``transcripts``.

    Raises ManifestError listing every problem (missing file, duplicate row, bad date,
    unknown format or encoding) with its line.
    """
    source = str(path)
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path):
        def bad(message, key=None, row=row, line=line):
            problems.append(Problem(message, source, line_of(row, key) or line, key))

        unknown = [k for k in row if not isinstance(k, str) or not k]
        if unknown:
            bad("not a mapping of column names to values")
            continue
        file = str(row.get("file") or "").strip()
        if not file:
            bad("no file given", "file")
            continue
        if file in seen:
            bad(f"{file!r} is listed twice (first on line {seen[file]})", "file")
            continue
        seen[file] = line
        if not (transcripts / file).is_file():
            bad(f"names a missing file: {transcripts / file}", "file")
        entry = Entry(file, line, doc_id=str(row.get("doc_id") or "").strip() or None)
        fmt = str(row.get("format") or "").strip() or None
        if fmt and fmt not in (*FORMATS, *LAYOUTS):
            bad(f"unknown format {fmt!r}; use one of {', '.join((*FORMATS, *LAYOUTS))}",
                "format")
        entry.format = fmt
        encoding = str(row.get("encoding") or "").strip() or None
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                bad(f"unknown encoding {encoding!r}", "encoding")
        entry.encoding = encoding
        entry.columns = {role: str(row[key]).strip() for key, role in COLUMN_KEYS.items()
                         if str(row.get(key) or "").strip()}
        listed = row.get("speakers") or []
        listed = listed if isinstance(listed, list) else str(listed).split(";")
        entry.speakers = frozenset(str(s).strip() for s in listed if str(s).strip())
        date = row.get("date")
        if isinstance(date, dt.date):
            date = date.isoformat()
        if date not in (None, ""):
            try:
                dt.date.fromisoformat(str(date))
            except ValueError:
                bad(f"date {date!r} is not YYYY-MM-DD", "date")
        entry.attributes = {k: ("" if v is None else str(v)) for k, v in row.items()
                            if k not in OPTIONS}
        entries.append(entry)
    if problems:
        raise ManifestError(problems)
    return entries
