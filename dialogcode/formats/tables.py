"""CSV, XLSX, JSON and JSONL transcripts: one row (or object) per turn or per sentence."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl

from ..errors import DialogcodeError, IngestError
from .base import ParsedDocument, TextBuilder
from .columns import find_columns, parse_time


def rows_to_document(header: list, rows: list[tuple[int, list]], source: str,
                     columns: dict[str, str] | None) -> ParsedDocument:
    """Build a document from (line, row) pairs under ``header``."""
    found = find_columns(header, columns, source)
    builder = TextBuilder()
    for line, row in rows:
        cell = lambda role: row[found[role]] if role in found and found[role] < len(row) else None  # noqa: E731
        text = cell("text")
        if text is None or str(text).strip() == "":
            continue
        speaker = cell("speaker")
        builder.add(str(speaker) if speaker not in (None, "") else None, str(text),
                    time_start=parse_time(cell("start"), source, line),
                    time_end=parse_time(cell("end"), source, line), line=line)
    if not builder.blocks:
        raise IngestError("no rows with text", file=source)
    return builder.build()


def parse_csv(text: str, source: str, columns: dict[str, str] | None = None) -> ParsedDocument:
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        rows = []
        line = reader.line_num + 1
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise IngestError(f"CSV error: {exc}", file=source, line=reader.line_num) from None
    return rows_to_document(header, rows, source, columns)


def xlsx_rows(path: Path, source: str, error: type[DialogcodeError] = IngestError
              ) -> list[list]:
    """The cell values of the first sheet of an .xlsx workbook, row by row."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise error(f"not a readable .xlsx workbook ({exc})", file=source) from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def parse_xlsx(path: Path, source: str, columns: dict[str, str] | None = None) -> ParsedDocument:
    values = xlsx_rows(path, source)
    if not values:
        raise IngestError("the workbook's first sheet is empty", file=source)
    rows = [(number, row) for number, row in enumerate(values[1:], start=2)]
    return rows_to_document(values[0], rows, source, columns)


def parse_json(text: str, source: str, columns: dict[str, str] | None = None, *,
               lines: bool = False) -> ParsedDocument:
    items: list[tuple[int, object]] = []
    try:
        if lines:
            for number, raw in enumerate(text.split("\n"), start=1):
                if raw.strip():
                    items.append((number, json.loads(raw)))
        else:
            data = json.loads(text)
            if isinstance(data, dict):
                data = next((v for v in data.values() if isinstance(v, list)), None)
            if not isinstance(data, list):
                raise IngestError("expected a JSON list of {speaker, text, start, end} "
                                  "objects", file=source)
            items = [(index + 1, item) for index, item in enumerate(data)]
    except json.JSONDecodeError as exc:
        line = exc.lineno if not lines else number
        raise IngestError(f"invalid JSON: {exc.msg}", file=source, line=line) from None
    bad = [n for n, item in items if not isinstance(item, dict)]
    if bad:
        where = "line" if lines else "item"
        raise IngestError(f"{where}s {', '.join(map(str, bad[:10]))} are not JSON objects",
                          file=source)
    keys: list[str] = []
    for _, item in items:
        keys.extend(k for k in item if k not in keys)
    rows = [(n, [item.get(k) for k in keys]) for n, item in items]
    return rows_to_document(keys, rows, source, columns)
