"""Word ``.docx`` transcripts: paragraphs (``P2: text``) or a table of
timestamp | speaker | text rows (paragraphs before the table become the preamble)."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table

from ..errors import IngestError
from ..normalize import normalize_text
from .base import ParsedDocument, TextBuilder
from .columns import find_columns, parse_time


def parse_docx(path: Path, source: str, columns: dict[str, str] | None = None) -> ParsedDocument:
    from . import parse_text  # plain paragraphs are parsed as plain text

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"not a readable Word .docx file ({exc})", file=source) from None
    paragraphs: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [[cell.text for cell in row.cells] for row in item.rows]
            found = find_columns(rows[0] if rows else [], columns, source, required=False)
            if found is not None:
                return _table(rows, found, "\n".join(paragraphs), source)
            paragraphs.extend("\t".join(row) for row in rows)
        else:
            paragraphs.append(item.text)
    text = normalize_text("\n".join(paragraphs)).strip("\n") + "\n"
    if not text.strip():
        raise IngestError("the Word document has no text", file=source)
    return parse_text(text, source, "txt")


def _table(rows: list[list[str]], found: dict[str, int], preamble: str,
           source: str) -> ParsedDocument:
    builder = TextBuilder(preamble=preamble)
    for number, row in enumerate(rows[1:], start=2):
        time = parse_time(row[found["start"]], source, number) if "start" in found else None
        speaker = row[found["speaker"]] if "speaker" in found else None
        builder.add(speaker, row[found["text"]], time_start=time, line=number)
    return builder.build()
