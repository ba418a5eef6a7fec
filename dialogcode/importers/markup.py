"""Inline markup: a Markdown or text copy of one transcript in which each coded span is
written ``**span text**<sup>code; code</sup>``.

Removing the markup must give back the document's text exactly (only the whitespace at
the very end may differ; line breaks are read as ingest reads a transcript's,
:func:`~dialogcode.normalize.unify_line_breaks`); otherwise nothing is imported and the
error names the first line and column that differ (as an editor shows them in the file,
markup included). Bold text not followed by ``<sup>`` is ordinary text and must be in
the document too. A span cannot contain ``*``, and ``<sup>`` stays on one line.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from ..coders import CodingsError
from ..errors import ArgumentError, Problem
from ..normalize import decode, read_lines, shown_place
from .base import Documents, Found, Reading, first_difference, split_codes

MARK = re.compile(r"\*\*([^*]+)\*\*<sup>([^<\n]*)</sup>")
SUFFIXES = (".md", ".markdown", ".txt", ".text")


def document_of(path: Path, docs: Documents, document: str | None) -> str:
    """The document a markup file copies: ``document`` when given, else the one its
    file name names (``kickoff.md`` or ``kickoff.txt.md`` for ``north/kickoff``, when no
    other document has that name)."""
    if document:
        doc_id, why = docs.resolve(document)
        if doc_id is None:
            raise ArgumentError(f"--document: {why}", file=path)
        return doc_id
    name = path.name[:-len(path.suffix)] if path.suffix.lower() in SUFFIXES else path.name
    doc_id, _ = docs.resolve(name)
    if doc_id is not None:
        return doc_id
    matches = docs.named(name)
    if len(matches) == 1:
        return matches[0]
    found = f"fits several documents ({', '.join(matches)})" if matches else \
        "names no document"
    raise CodingsError(f"the file name {name!r} {found}; say which with --document",
                       file=path)


def read_markup(path: Path, docs: Documents, document: str | None = None) -> Reading:
    """Codings from an inline-markup copy of one document (see the module doc)."""
    try:
        written = decode(path.read_bytes(), str(path))
        raw, lines = read_lines(written)   # as ingest reads it
    except OSError as exc:
        raise CodingsError(f"cannot read: {exc.strerror or exc}", file=path) from None
    doc_id = document_of(path, docs, document)
    source = str(path)
    reading = Reading("markup")
    pieces: list[str] = []
    starts: list[tuple[int, int]] = []    # (offset in the text, in `raw`) of each piece
    length = position = 0
    for mark in MARK.finditer(raw):
        before, span = raw[position:mark.start()], mark.group(1)
        start = length + len(before)
        pieces += [before, span]
        starts += [(length, position), (start, mark.start(1))]
        length, position = start + len(span), mark.end()
        line = lines[raw.count("\n", 0, mark.start())]
        codes = split_codes(mark.group(2))
        if not codes:
            reading.problems.append(Problem("<sup></sup> names no code", source, line))
        elif not span.strip():
            reading.problems.append(Problem("a marked span holds no text", source, line))
        reading.found += [Found(doc_id, code, source, line, start, length)
                          for code in codes if span.strip()]
    plain = "".join(pieces) + raw[position:]
    starts.append((length, position))
    text = docs.text[doc_id]
    if plain.rstrip() != text.rstrip():
        def shown(offset: int) -> tuple[int, int]:
            at, in_raw = starts[bisect_right(starts, (offset, len(raw))) - 1]
            return shown_place(written, in_raw + offset - at)
        line, message = first_difference(plain, text, doc_id, docs, shown)
        if "**" in message or "<sup>" in message:
            message += " (write marked spans as **span text**<sup>code; code</sup>)"
        raise CodingsError(message, file=path, line=line)
    if not reading.found and not reading.problems:
        raise CodingsError("no marked spans (**span text**<sup>code</sup>) in the file",
                           file=path)
    return reading

