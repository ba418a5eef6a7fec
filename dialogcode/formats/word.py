"""Word ``.docx`` transcripts: paragraphs (``P2: text``) or a table of
timestamp | speaker | text rows (paragraphs before the table become the preamble).

A table is a turn table when its header row names a text column (see
:mod:`~dialogcode.formats.columns`), or, without a header row, when its columns look like
time | speaker | text or speaker | text. Paragraphs in a Heading or Title style are
headings."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table

from ..errors import IngestError
from ..normalize import normalize_text
from .base import ParsedDocument, TextBuilder
from .columns import find_columns, guess_columns, parse_time
from .speakers import Note

ROLES = ("start", "speaker", "text")


def parse_docx(path: Path, source: str, columns: dict[str, str] | None = None, *,
               forced: frozenset[str] = frozenset()) -> ParsedDocument:
    from . import parse_text  # plain paragraphs are parsed as plain text

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"not a readable Word .docx file ({exc})", file=source) from None
    paragraphs: list[str] = []
    styled: set[int] = set()
    lines = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = [[cell.text for cell in row.cells] for row in item.rows]
            found = find_columns(rows[0] if rows else [], columns, source, required=False)
            if found is not None:
                return _table(rows[1:], 2, found, "\n".join(paragraphs), source)
            found = guess_columns(rows)
            if found is not None:
                parsed = _table(rows, 1, found, "\n".join(paragraphs), source)
                layout = " | ".join(role if role != "start" else "time"
                                    for role in sorted(found, key=found.get))
                parsed.notes.append(Note(1, f"a table without a header row read as {layout}"))
                return parsed
            new = [normalize_text("\t".join(row)) for row in rows]
        else:
            new = [normalize_text(item.text)]
            style = item.style.name if item.style is not None else ""
            if style.startswith(("Heading", "Title")) and new[0].strip():
                styled.add(lines + 1)
        paragraphs.extend(new)
        lines += sum(p.count("\n") + 1 for p in new)
    joined = "\n".join(paragraphs)
    lead = len(joined) - len(joined.lstrip("\n"))
    text = joined.strip("\n") + "\n"
    if not text.strip():
        raise IngestError("the Word document has no text", file=source)
    return parse_text(text, source, "txt", forced=forced,
                      headings=frozenset(n - lead for n in styled))


def _table(rows: list[list[str]], first: int, found: dict[str, int], preamble: str,
           source: str) -> ParsedDocument:
    """Turns from table ``rows``, the first of them row number ``first``."""
    builder = TextBuilder(preamble=preamble)
    for number, row in enumerate(rows, start=first):
        time = parse_time(row[found["start"]], source, number) if "start" in found else None
        speaker = row[found["speaker"]] if "speaker" in found else None
        builder.add(speaker, row[found["text"]], time_start=time, line=number)
    return builder.build()
