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
from .speakers import Note

KEEP_APART = "set merge_turns: false to keep rows apart"


def rows_to_document(header: list, rows: list[tuple[int, list]], source: str,
                     columns: dict[str, str] | None, *, merge: bool = True,
                     rows_are: str = "rows") -> ParsedDocument:
    """Build a document from (line, row) pairs under ``header``.

    Consecutive rows of one speaker become one turn unless ``merge`` is False; the
    document then carries one note saying so (``rows_are`` names the rows in it:
    rows, lines or items).
    """
    found = find_columns(header, columns, source)
    builder = TextBuilder(merge=merge)
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
    parsed = builder.build()
    parsed.notes = merge_notes(builder.merged, rows_are)
    return parsed


def merge_notes(merged: list[tuple[str, int, int, int]], rows_are: str = "rows"
                ) -> list[Note]:
    """One note for a document whose rows were merged (``TextBuilder.merged``): the run
    when there is one; the counts and the first run when there are more."""
    if not merged:
        return []
    speaker, first, last, _ = merged[0]
    run = f"{rows_are} {first}-{last} of speaker {speaker}"
    if len(merged) == 1:
        return [Note(first, f"{run} merged into one turn; {KEEP_APART}")]
    rows = sum(count for *_, count in merged)
    return [Note(first, f"{rows} {rows_are} merged into {len(merged)} turns, each run of "
                        f"one speaker's {rows_are} into one (the first: {run}); "
                        f"{KEEP_APART}")]


def parse_csv(text: str, source: str, columns: dict[str, str] | None = None, *,
              merge: bool = True) -> ParsedDocument:
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
    return rows_to_document(header, rows, source, columns, merge=merge)


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


def parse_xlsx(path: Path, source: str, columns: dict[str, str] | None = None, *,
               merge: bool = True) -> ParsedDocument:
    values = xlsx_rows(path, source)
    if not values:
        raise IngestError("the workbook's first sheet is empty", file=source)
    rows = [(number, row) for number, row in enumerate(values[1:], start=2)]
    return rows_to_document(values[0], rows, source, columns, merge=merge)


def parse_json(text: str, source: str, columns: dict[str, str] | None = None, *,
               lines: bool = False, merge: bool = True) -> ParsedDocument:
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
    return rows_to_document(keys, rows, source, columns, merge=merge,
                            rows_are="lines" if lines else "items")
