"""CSV text read row by row, each row with its line, and the mistakes that make
Python's csv module read something other than what was written reported at their line
instead of passing silently:

- a quote that is never closed, or closed only lines later, so that the rows after it
  are read as one value;
- text after a closing quote (``"Hello," she said``), which the csv module would glue
  to the value without its quotes;
- a row with more values than the header has columns (a comma in an unquoted value),
  whose extra values would be dropped;
- a header that is one column holding semicolons or tabs (a file separated by them, as
  Excel writes CSV in some languages), which would be read as one column;
- an empty header (a blank first line), which would leave the rows without columns.

A CSV file is UTF-8: one saved as UTF-16 (Excel's "Unicode Text") is named so.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from .errors import DialogcodeError, Problem
from .normalize import byte_order_mark, place_after

SAVE_AS = "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))"
EXCEL_SEP = re.compile(r"sep=.,?")     # a first line Excel reads as the separator
QUOTE_FIX = "close the quote (write \"\" for a quote inside a quoted value)"


def read_csv(text: str, source: str, *, multiline: bool = True
             ) -> tuple[list[str] | None, list[tuple[int, list[str]]], list[Problem]]:
    """(header, [(line, values)], problems) of CSV ``text``; rows without any value are
    left out. A value may span lines (a quoted value with line breaks) only when
    ``multiline``; otherwise a row spanning lines is reported as an unclosed quote.
    The header is None when it cannot be read (its problem is in the list)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_problem(str(exc), source, start, reader.line_num))
            if header is None:
                return None, rows, problems
            continue
        end = reader.line_num
        spans = end > start or any("\n" in v or "\r" in v for v in values)
        if not multiline and spans:
            problems.append(_runaway(source, start, end))
            if header is None:
                return None, rows, problems
        elif header is None:
            if start == 1 and EXCEL_SEP.fullmatch(",".join(values)):
                if values[0][4:] in ("", ","):     # Excel's `sep=,` line: no data
                    continue
                return None, rows, [Problem(
                    f"the first line, {values[0]!r}, says the values are separated by "
                    f"{values[0][4:]!r}, not commas; save the file as comma-separated CSV "
                    "(in Excel: CSV UTF-8)", source, start)]
            if len(values) == 1 and (other := next((c for c in ";\t" if c in values[0]),
                                                   None)):
                return None, rows, [Problem(
                    f"the header is one column, {values[0].strip()[:60]!r}: its names are "
                    f"separated by {other!r}, not commas; save the file as comma-separated "
                    "CSV (in Excel: CSV UTF-8)", source, start)]
            if not any(value.strip() for value in values):
                return None, rows, [Problem(
                    "the header row is empty: a CSV file's first line names its columns; "
                    "remove any blank lines above them", source, start)]
            header = values
        elif any(value.strip() for value in values[len(header):]):
            problems.append(Problem(f"{len(values)} values for {len(header)} columns; put a "
                                    "value that holds a comma in quotes", source, start))
        elif any(value.strip() for value in values):
            rows.append((start, values))
    return header or [], rows, problems


def _runaway(source: str, start: int, end: int) -> Problem:
    return Problem(f"a quote (\") on this line is not closed before line {end}, so lines "
                   f"{start}-{end} were read as one row; {QUOTE_FIX}", source, start)


def _problem(error: str, source: str, start: int, end: int) -> Problem:
    """The plain-words problem of a row the csv module refused, read from line
    ``start`` to ``end``."""
    if end > start:
        return _runaway(source, start, end)
    if error.startswith("',' expected after"):
        return Problem("text after a closing quote; put the whole value in quotes and write "
                       "\"\" for a quote inside it", source, start)
    if error == "unexpected end of data":
        return Problem(f"a quote (\") on this line is never closed; {QUOTE_FIX}", source, start)
    if error.startswith("field larger than field limit"):
        return Problem(f"a value here runs past {csv.field_size_limit()} characters, the most "
                       f"a CSV value may hold; if a quote (\") is left open, {QUOTE_FIX}",
                       source, start)
    return Problem(f"cannot read this line as CSV: {error}", source, start)


def csv_text(path: Path, error: type[DialogcodeError]) -> str:
    """The text of the UTF-8 CSV file ``path`` (its UTF-8 byte-order marks dropped).
    Raises ``error`` naming the file for one that cannot be read or is UTF-16 or UTF-32
    (as Excel's "Unicode Text" saves), with the line of the first NUL byte of one that is
    not text (an Excel workbook named .csv), or of the first byte that is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", file=path) from None
    while raw.startswith(codecs.BOM_UTF8):      # a mark written twice too
        raw = raw.removeprefix(codecs.BOM_UTF8)     # bad bytes placed right
    wide = byte_order_mark(raw) or ("UTF-16" if _utf16(raw) else None)
    if wide:
        raise error(f"the file is {wide} text (as Excel's \"Unicode Text\" saves), not "
                    f"UTF-8; {SAVE_AS}", file=path)
    if b"\x00" in raw:
        raise error("a NUL byte: the file is not CSV text (an Excel workbook named .csv?); "
                    f"{SAVE_AS}", file=path, line=_line_of(raw, raw.index(0)))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as CSV UTF-8 "
                    "(Excel's plain CSV writes accented letters in another encoding)",
                    file=path, line=_line_of(raw, exc.start)) from None


def _line_of(raw: bytes, at: int) -> int:
    """The line an editor shows byte ``at`` of ``raw`` on (LF, CRLF and a lone CR, as
    Excel for Mac writes, end a line)."""
    return place_after(raw[:at].decode("utf-8", "replace"))[0]


def _utf16(raw: bytes) -> bool:
    """Whether ``raw``, without a byte-order mark, is UTF-16: the high byte of each
    Latin letter, digit or comma is NUL, so a quarter or more of its bytes are NULs, all
    but a few of them at even offsets or all at odd ones (NULs in a run, as padding in
    a UTF-8 file or a binary one, fall on both)."""
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    return max(even, odd) * 4 >= len(raw) > 0 and min(even, odd) * 10 < max(even, odd)


def nameless_values(header: list[str], rows: list[tuple[int, list[str]]], source: str
                    ) -> list[Problem]:
    """A problem for each value of ``rows`` in a column without a name in ``header``
    (the rest of a value holding a comma, a coder's second code), but in a first
    column of whole numbers (a pandas index)."""
    index = bool(header) and not header[0].strip() and all(
        values[0].strip().isdigit() for _, values in rows if values and values[0].strip())
    return [Problem(
        f"{value.strip()!r} is in column {i + 1}, which has no name in the header; name "
        "the column, or put a value that holds a comma in quotes", source, line)
        for line, values in rows for i, value in enumerate(values[:len(header)])
        if not header[i].strip() and value.strip() and not (i == 0 and index)]


def read_csv_file(path: Path, error: type[DialogcodeError]
                  ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, values)]) of the UTF-8 CSV file ``path`` read strictly by
    :func:`read_csv`, columns without a name left out (a spreadsheet's trailing empty
    columns, a pandas index: a first column of whole numbers); a file :func:`csv_text`
    refuses, or that has a column named twice, a value in another column without a name
    (a coder's second code, the rest of a value holding a comma) or a row
    :func:`read_csv` refuses raises ``error`` naming the file and line, so that no row
    is swallowed or split without a word."""
    header, rows, problems = read_csv(csv_text(path, error), str(path))
    header = [name.strip() for name in header or []]    # None: its problem is listed
    problems += [Problem(f"column {name!r} appears twice", str(path), 1)
                 for name in sorted({n for n in header if n and header.count(n) > 1})]
    problems += nameless_values(header, rows, str(path))
    if problems:
        raise error(problems)
    named = [i for i, name in enumerate(header) if name]
    rows = [(line, [values[i] for i in named if i < len(values)]) for line, values in rows]
    return [header[i] for i in named], [row for row in rows if any(map(str.strip, row[1]))]
