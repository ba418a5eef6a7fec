"""Coded-segment exports of other QDA tools, read as quotes tables (docs/interchange.md).

Each tool's export names the document, holds the coded text and names the code(s); the
text is located in the document by :mod:`.locate`, as a quotes table's ``quote`` is.
Positions the tools write (MAXQDA's Beginning/End, ATLAS.ti's Start/End, Dedoose's
Excerpt Range) count paragraphs or the tool's own characters, so they are never taken
for offsets; a paragraph number only chooses among the places of a text found at
several (:func:`_by_paragraph`).

- **maxqda**: coded segments (Excel): ``Document name``, ``Segment``, ``Code`` (one code
  a row, its path ``Parent > Child`` or ``Parent\\Child``); ``Document group`` names the
  document's folder where the name alone does not tell the document.
- **atlasti**: quotations (Excel): ``Document``, ``Quotation Content``, ``Codes`` (one
  code a line; a line ``a; b`` or ``a, b`` is split only when the pieces are codes and
  the line is not, and listed to check, :func:`~.mapping.split_names`).
- **taguette**: highlights (CSV or Excel): ``document``, ``content``, ``tag`` (one row
  per tag); ``tag_parent`` gives the tag's parent, which must agree with the codebook
  (a tag name under two parents is read as two paths, ``Parent > tag``, :func:`_under`).
- **dedoose**: excerpts (Excel): ``Media Title``, ``Excerpt Copy`` and a column
  ``Code: NAME Applied`` per code holding True or False.

A column naming who coded (:data:`CREATORS`) with more than one name is refused unless
``--user`` chooses whose rows to read: one coder file is one person's coding. A table
with all the columns of a dialogcode table kind is read as that kind
(:func:`.tabular.read_table`), one with all those of two tools is refused.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from ..coders import CodingsError
from ..errors import Problem
from ..memo import last_texts
from .base import Documents, Found, Reading
from .locate import Location, locate

MAX_CODE_COLUMNS = 100      # a wide (Dedoose) layout with more code columns is refused
CREATORS = ("excerpt creator", "created by", "author", "coder")
APPLIED = re.compile(r"^code: (.+) applied$", re.IGNORECASE)
NAMED = re.compile(r"^code: (.+) (?:weight|range)$")


@dataclass(frozen=True)
class Layout:
    """Where one tool's export keeps each thing (lower-cased column names)."""

    tool: str
    row: str                    # what one row of the export is
    document: str
    quote: str
    code: str | None            # None: one True/False column per code (Dedoose)
    group: str | None = None    # the document's folder (MAXQDA's document group)
    parent: str | None = None   # the code's parent (Taguette's tag_parent)
    paragraph: str | None = None    # the paragraph the text starts in
    lines: bool = False         # several codes in the code cell, one a line


LAYOUTS = {
    "maxqda": Layout("MAXQDA coded segments", "coded segment", "document name",
                     "segment", "code", group="document group", paragraph="beginning"),
    "atlasti": Layout("ATLAS.ti quotations", "quotation", "document",
                      "quotation content", "codes", lines=True, paragraph="start"),
    "taguette": Layout("Taguette highlights", "highlight", "document", "content", "tag",
                       parent="tag_parent"),
    "dedoose": Layout("Dedoose excerpts", "excerpt", "media title", "excerpt copy", None),
}


def _wanted(layout: Layout) -> list[str]:
    return [layout.document, layout.quote, layout.code or "code: NAME applied"]


def _missing(layout: Layout, header: list[str]) -> list[str]:
    have = set(header) | {"code: NAME applied" for h in header if APPLIED.match(h)}
    return [column for column in _wanted(layout) if column not in have]


def exports() -> str:
    """Each tool's format name and the columns its export needs, for messages."""
    return "; ".join(f"--format {name}: {', '.join(_wanted(layout))}"
                     for name, layout in LAYOUTS.items())


def layout_of(header: list[str], path: Path, fmt: str | None) -> str | None:
    """The tool whose export ``header`` is (``fmt`` when given), or None for a table of
    dialogcode's own kinds. A header holding part of a tool's columns is refused, naming
    the columns found and the ones wanted."""
    if fmt in LAYOUTS:
        missing = _missing(LAYOUTS[fmt], header)
        if missing:
            raise CodingsError(
                f"missing column(s) {', '.join(missing)} for {LAYOUTS[fmt].tool} "
                f"(columns: {', '.join(h for h in header if h)}); the export needs "
                f"{', '.join(_wanted(LAYOUTS[fmt]))}, or rename the columns to "
                "document,quote,code and drop --format", file=path, line=1)
        return fmt
    if fmt is not None:
        return None
    whole = [name for name, layout in LAYOUTS.items() if not _missing(layout, header)]
    if len(whole) > 1:
        tools = " and of ".join(LAYOUTS[name].tool for name in whole)
        raise CodingsError(f"the columns are those of {tools}: give --format "
                           f"({', '.join(whole)})", file=path, line=1)
    if whole:
        return whole[0]
    if {"quote", "seg_id", "turn"} & set(header) or {"start", "end"} <= set(header):
        return None
    for name, layout in LAYOUTS.items():
        distinctive = [c for c in _wanted(layout)[1:] if c not in ("document", "code")]
        missing = _missing(layout, header)
        if len(missing) < len(_wanted(layout)) and not set(missing) >= set(distinctive):
            raise CodingsError(
                f"this looks like {layout.tool} but lacks column(s) {', '.join(missing)} "
                f"(columns: {', '.join(h for h in header if h)}); give --format {name} "
                f"once the export has {', '.join(_wanted(layout))}", file=path, line=1)
    return None


def _codes(layout: Layout, original: dict[str, str], row: dict[str, str], line: int,
           reading: Reading, source: str, docs: Documents, doc_id: str | None
           ) -> list[str]:
    """The code names of one row ([] when it codes nothing); a code column's cell
    holding other words is shown as the text of the row's document ``doc_id`` (None:
    not known) is (:meth:`.base.Documents.number`)."""
    if layout.code is None:
        names = []
        for column, name in original.items():
            if not APPLIED.match(column):
                continue
            value = row.get(column, "").strip().lower()
            if value not in ("true", "false"):
                reading.problems.append(Problem(
                    f"column {name!r}: the cell{docs.number(row.get(column, ''), doc_id)} "
                    "is neither True nor False; each code column of a Dedoose export must "
                    "hold one of them", source, line))
            elif value == "true":
                names.append(APPLIED.match(name).group(1).strip())
        return names
    cell = row[layout.code]
    if layout.lines:
        return [piece.strip() for piece in cell.splitlines() if piece.strip()]
    return [cell.strip()] if cell.strip() else []


def _document(layout: Layout, row: dict[str, str], docs: Documents
              ) -> tuple[str | None, str]:
    """(doc_id, "") of the row's document: named by its group and name (MAXQDA's
    ``north`` and ``kickoff``), by its doc_id or path, or by its file name alone when no
    other document has it; (None, why not), also when its group and name tell one
    document and its name alone (a doc_id) another."""
    name = row[layout.document].strip()
    group = row.get(layout.group or "", "").strip()
    doc_id, why = docs.resolve(name)
    grouped = docs.resolve(f"{group}/{name}")[0] if group else None
    if grouped is not None and doc_id not in (None, grouped):
        return None, (f"document {name!r} of the group {group!r} fits {grouped} (the "
                      f"group as its folder) and {doc_id} (the name alone): rename it in "
                      "the export to the doc_id")
    if grouped is not None:
        doc_id, why = grouped, None
    matches = [] if doc_id is not None else docs.named(name)
    if len(matches) == 1:
        return matches[0], ""
    if matches:
        return None, (f"document {name!r} fits several documents ({', '.join(matches)})"
                      + (f", none in the group{docs.unknown(group)}" if group else "")
                      + ": rename it in the export to the doc_id")
    return doc_id, why or ""


@last_texts(4)
def _lines(text: str) -> tuple[list[int], list[int], list[int]]:
    """For each line of ``text``: its start, how many lines with text come before it,
    and the number of the block of lines between blank lines it is in (read once per
    document, not once per place a quote is found)."""
    starts, before, blocks = [], [], []
    filled = block = at = 0
    previous = False
    for line in text.split("\n"):
        full = bool(line.strip())
        block += full and not previous
        starts.append(at)
        before.append(filled)
        blocks.append(block)
        filled += full
        previous = full
        at += len(line) + 1
    return starts, before, blocks


def _paragraphs(text: str, at: int) -> set[int]:
    """The numbers a tool may give the paragraph holding offset ``at``: counting every
    line, only the lines with text, or the blocks of lines between blank lines (a turn
    wrapped over several lines is one); which a tool does is not documented."""
    starts, before, blocks = _lines(text)
    line = bisect_right(starts, at) - 1
    return {line + 1, before[line] + 1, blocks[line]}


def _by_paragraph(layout: Layout, column: str, row: dict[str, str], found: Location,
                  doc_id: str, docs: Documents, reading: Reading, source: str, line: int
                  ) -> tuple[tuple[int, int] | None, str]:
    """(the one place, "") of a quote ``found`` at several that is in the paragraph the
    row's Beginning (MAXQDA) or Start (ATLAS.ti), named ``column`` in the file, names,
    whichever way the tool counts paragraphs: in the file's lines as an editor shows
    them or, where a line separator, vertical tab, NEL or form feed was read as a line
    break, which a tool may count as one too, in the lines as read
    (:meth:`.base.Documents.shown_lines`). Else (None, why the paragraph number placed it
    not, for the message listing the quote, "" when the quote is not ambiguous or the
    row names no paragraph): it is no number, the document is not a plain-text file
    kept as written (:data:`.base.AS_WRITTEN`) or its lines cannot be counted
    (:meth:`.base.Documents.unshown`), or not exactly one place fits (the quote is then
    located, or listed, as any is)."""
    cell = row.get(layout.paragraph or "", "").strip()
    if len(found.spans) < 2 or not cell:
        return None, ""
    told = f"the row's {column}{docs.number(cell, doc_id)}"
    if not cell.isdecimal():
        return None, f"{told} is no paragraph number"
    shown = docs.shown_lines(doc_id)
    if shown is None:
        return None, f"{told} is not used: " + (
            docs.unshown(doc_id) or f"the text of a {docs.formats[doc_id]} transcript is "
            "rebuilt from its file, so the tool's paragraphs are not its lines")
    texts = {shown, docs.text[doc_id]}
    fits = [span for span in found.spans
            if any(int(cell) in _paragraphs(text, span[0]) for text in texts)]
    if len(fits) != 1:
        return None, (f"{told} is the paragraph of {len(fits)} of them, each counted "
                      "another way" if fits else f"{told} is the paragraph of none of "
                      "them, whichever way paragraphs are counted")
    reading.located[found.level] += 1
    reading.notes.append(Problem(
        f"the text is found {len(found.spans)} times; taken at {fits[0][0]}-{fits[0][1]}, "
        f"the one in paragraph {cell} ({layout.paragraph})", source, line))
    return fits[0], ""


def _creators(header: list[str], rows, path: Path, users, reading: Reading) -> list:
    """``rows`` of the chosen ``users``, or all of them when one person made them all;
    with ``users``, a row naming nobody is listed as ignored (no one chose it)."""
    column = next((c for c in CREATORS if c in header), None)
    if column is None:
        if users:
            raise CodingsError("--user chooses rows by a column naming who coded "
                               f"({', '.join(CREATORS)}), which this export lacks",
                               file=path)
        return rows
    counts = Counter(row[column].strip() for _, row in rows)
    counts.pop("", None)
    if users:
        unknown = [u for u in users if u not in counts]
        if unknown:
            raise CodingsError(f"no rows by {', '.join(map(repr, unknown))} in column "
                               f"{column!r} (it names {', '.join(sorted(counts))})",
                               file=path)
        reading.ignored += [Problem(f"no name in column {column!r}: not imported with "
                                    "--user", str(path), line)
                            for line, row in rows if not row[column].strip()]
        return [(line, row) for line, row in rows if row[column].strip() in users]
    if len(counts) > 1:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(counts.items()))
        raise CodingsError(f"column {column!r} names several coders: {listed}; one coder "
                           "file is one person's coding: give --user NAME", file=path)
    return rows


def read_export(path: Path, name: str, names: list[str], rows, docs: Documents,
                users, place) -> Reading:
    """Codings from a tool's export: ``names`` its header as written, ``rows`` as
    :func:`.tabular.read_rows` gives them; ``place`` is the quotes table's locator
    (:func:`.tabular._place`)."""
    layout = LAYOUTS[name]
    header = [n.strip().lower() for n in names]
    original = {h: n.strip() for h, n in zip(header, names) if h}
    source = str(path)
    reading = Reading(name)
    if layout.code is None:
        columns = [c for c in header if APPLIED.match(c)]
        stray = [c for c in header if c.startswith("code:") and not APPLIED.match(c)
                 and not NAMED.match(c)]
        if stray or len(columns) > MAX_CODE_COLUMNS:
            raise CodingsError(
                (f"column(s) {', '.join(stray)} are not 'Code: NAME Applied'" if stray else
                 f"{len(columns)} code columns (more than {MAX_CODE_COLUMNS})")
                + ": a Dedoose export is read only with one True/False column per code; "
                "export the excerpts with fewer codes, or as a table of document,quote,"
                "code", file=path, line=1)
        weights = [c for c in header if NAMED.match(c) and c.endswith(" weight")]
        if weights:
            reading.notes.append(Problem(f"the weights in {len(weights)} column(s) "
                                         f"({weights[0]!r}, ...) are not read: a coding "
                                         "is there or not", source, 1))
    under: list[str] = []       # the parent (Taguette's tag_parent) of each found
    for line, row in _creators(header, rows, path, users, reading):
        doc_id, why = _document(layout, row, docs)
        codes = _codes(layout, original, row, line, reading, source, docs, doc_id)
        if not codes:
            reading.ignored.append(Problem(f"no code on this {layout.row}", source, line))
            continue
        if doc_id is None:
            reading.problems.append(Problem(why, source, line))
            continue
        found = locate(row[layout.quote], docs.text[doc_id],
                       between=docs.between.get(doc_id, ()))
        span, unplaced = _by_paragraph(layout, original.get(layout.paragraph or "", ""),
                                       row, found, doc_id, docs, reading, source, line)
        quoted = {"document": doc_id, "quote": row[layout.quote]}
        where = (doc_id, *span, []) if span else \
            place("quotes", quoted, line, docs, reading, source, found, export=unplaced)
        if where is None:
            continue
        doc_id, start, end, _ = where
        reading.found += [Found(doc_id, code, source, line, start, end) for code in codes]
        under += [row.get(layout.parent or "", "").strip()] * len(codes)
    reading.found, reading.parents = _under(reading.found, under)
    return reading


def _under(found: list[Found], under: list[str]) -> tuple[list[Found], dict[str, str]]:
    """(``found``, code name -> its parent's name) from the parent each coding's code is
    ``under`` ("" for none): a name the file puts under two parents (Taguette's Housing
    under Risks and under Resilience) names two codes, so each of its codings is named
    by its path ``Parent > Name`` instead (mapped by :func:`.mapping.code_of`), as a
    REFI-QDA project's are; any other name keeps its parent for the parent check
    (:func:`.mapping.moved_codes`)."""
    parents: dict[str, set[str]] = {}
    for item, parent in zip(found, under):
        parents.setdefault(item.code, set()).add(parent)
    twice = {name for name, them in parents.items() if len(them) > 1}
    found = [replace(item, code=f"{parent} > {item.code}")
             if item.code in twice and parent else item
             for item, parent in zip(found, under)]
    return found, {name: min(them) for name, them in parents.items()
                   if name not in twice and min(them)}
