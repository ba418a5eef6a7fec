"""Excel workbooks: a sheet per table with a styled, frozen header row, filters,
column widths, number formats (shares as percentages, their changes in percentage
points, other decimals to 3 places), row heights that fit wrapped text, a print setup
(landscape, one page wide, the header row repeated on every page) and optional
drop-down lists.

Text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) is
written as a text cell with Excel's quote prefix: it shows as written and never runs.
Control characters, which a workbook cannot hold (a form feed pasted from a PDF), are
written as their visible symbols (``␌``), one for one (:func:`dialogcode.safexml.xml_text`).
"""
from __future__ import annotations

import math
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .formats.tables import escaped
from .safexml import xml_text
from .store import FORMULA_START, replacing

EXCEL_MAX_CELL = 32_767
EXCEL_MAX_ROWS = 1_048_576     # rows of a sheet, the header row included
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_WRAP = Alignment(wrap_text=True, vertical="top")
# `change` cells hold percentage points (a % format would show 0.05 as "+5.0%", which
# reads as a relative change): 0.05 is written 5.0 and shown "+5.0 pts"
PERCENT, CHANGE, DECIMALS = "0.0%", '+0.0" pts";-0.0" pts";0.0" pts"', "0.000"
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409       # points; Excel's limit is 409
_WIDE = {"quote", "text", "definition", "when_to_use", "when_not_to_use", "statement",
         "context_before", "context_after", "description"}


def number_format(column: str, series: pd.Series) -> str | None:
    """Excel's format for a column: shares (``share``, ``*_share``) as percentages,
    ``change`` (of shares) as signed percentage points (its cells hold points: see
    :data:`CHANGE`), other decimals with 3 places."""
    if not pd.api.types.is_float_dtype(series):
        return None
    if column == "change":
        return CHANGE
    return PERCENT if column == "share" or column.endswith("_share") else DECIMALS


def cell_text(value: str) -> str:
    """``value`` as a workbook cell holds it: characters XML cannot hold as symbols, cut
    (ending `` [truncated]``) past Excel's limit, and text that would read as an escaped
    character (``_x000D_``) escaped so that it reads as written (:func:`escaped`)."""
    value = xml_text(value)
    if len(value) > EXCEL_MAX_CELL:
        value = value[:EXCEL_MAX_CELL - 20] + " [truncated]"
    return escaped(value)


def _cell(sheet, value, *, header=False, wrap=False, style=None):
    """``value`` as written to the sheet: itself, or a styled cell when it needs a
    style (header, wrapped text, a number format) or a quote prefix."""
    formula = isinstance(value, str) and value.startswith(FORMULA_START)
    if not (header or wrap or formula or (style and isinstance(value, float))):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if style and isinstance(value, float):
        cell.number_format = style
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = formula
    if header:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    elif wrap:
        cell.alignment = _WRAP
    return cell


def plain(value):
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def plain_values(series: pd.Series) -> list:
    """:func:`plain` of every value of ``series``, a column at a time."""
    if series.dtype == object:
        return [plain(v) for v in series]
    return series.astype(object).where(series.notna(), None).tolist()


def _values(series: pd.Series) -> list:
    """A column's cells as Python values, text made fit for a workbook (each distinct
    text once)."""
    values = plain_values(series)
    texts = {v: cell_text(v) for v in {v for v in values if isinstance(v, str)}}
    return [texts[v] if isinstance(v, str) else v for v in values]


def _sheet(book: Workbook, name: str, table: pd.DataFrame,
           choices: dict[str, tuple[str, ...]] | None = None, *, pages: int = 0) -> None:
    """One sheet of ``table``, prepared a column at a time (a large table has a million
    cells), printed one page wide and ``pages`` pages tall (0: as many as it takes)."""
    sheet = book.create_sheet(name[:31])
    columns = [str(c) for c in table.columns]
    for column, allowed in (choices or {}).items():
        letter = get_column_letter(columns.index(column) + 1)
        validation = DataValidation(type="list", formula1=f'"{",".join(allowed)}"',
                                    allow_blank=True, showErrorMessage=True,
                                    error=f"Choose {' or '.join(allowed)}, or leave empty.")
        validation.add(f"{letter}2:{letter}{max(len(table) + 1, 2)}")
        sheet.data_validations.append(validation)
    cells, lines = [], [1] * len(table)
    for index, column in enumerate(columns):
        series = table.iloc[:, index]
        style = number_format(column, series)
        if style == CHANGE:             # a share's change, in percentage points; one that
            series = (series * 100).round(6)    # shows as 0.0 is 0, not "-0.0 pts"
            series = series.mask(series.abs() < 0.05, 0.0)
        values = _values(series)
        lengths = pd.Series([0 if v is None else len(str(v)) for v in values], dtype=float)
        sample = lengths.quantile(0.9) if len(table) else 0
        width = 60 if column in _WIDE else min(max(len(column), int(sample)) + 2, 40)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
        wrap = column in _WIDE
        if wrap:
            lines = [max(most, _lines(v, width)) for most, v in zip(lines, values)]
        cells.append([_cell(sheet, v, wrap=wrap, style=style) for v in values])
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, pages
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if len(columns):
        sheet.auto_filter.ref = (f"A1:{get_column_letter(len(columns))}"
                                 f"{max(len(table) + 1, 2)}")
    sheet.append([_cell(sheet, cell_text(c), header=True) for c in columns])
    for number, count in enumerate(lines, start=2):
        if count > 1:
            sheet.row_dimensions[number].height = min(LINE_HEIGHT * count, MAX_ROW_HEIGHT)
    for row in zip(*cells):
        sheet.append(list(row))


def _lines(value, width: int) -> int:
    """Lines a wrapped cell of ``width`` characters needs for ``value``."""
    if not isinstance(value, str):
        return 1
    return sum(max(1, math.ceil(len(line) / max(width - 2, 1)))
               for line in value.split("\n"))


def write_workbook(path: Path, tables: dict[str, pd.DataFrame],
                   readme: pd.DataFrame | None = None,
                   choices: dict[str, dict[str, tuple[str, ...]]] | None = None, *,
                   max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """One .xlsx: a README sheet first (when given), then a sheet per table, each with a
    styled, frozen header row, filters and column widths. ``choices`` adds drop-down
    lists: {sheet: {column: allowed values}}. A table longer than a sheet holds
    (``max_rows`` rows, the header included: Excel's limit) is split over sheets
    ``name``, ``name 2``, ... and the README says which rows each holds."""
    book = Workbook(write_only=True)
    sheets, notes = {}, []
    for name, table in tables.items():
        size = max_rows - 1
        for part, first in enumerate(range(0, max(len(table), 1), size), start=1):
            sheet = name if part == 1 else f"{name[:31 - len(str(part)) - 1]} {part}"
            sheets[sheet] = (table.iloc[first:first + size], name)
            if len(table) > size:
                notes.append((sheet, f"Rows {first + 1:,} to {min(first + size, len(table)):,}"
                                     f" of {name} ({len(table):,} rows; a sheet holds "
                                     f"{size:,}, the Parquet and SQLite files hold all)."))
    if readme is not None:
        _sheet(book, "README", pd.concat([readme, pd.DataFrame(notes, columns=readme.columns)],
                                         ignore_index=True) if notes else readme, pages=1)
    for sheet, (table, name) in sheets.items():
        _sheet(book, sheet, table, (choices or {}).get(name))
    with replacing(path) as temporary:
        raw = temporary.with_name(temporary.name + ".raw")
        try:
            book.save(raw)
            _without_timestamps(raw, temporary)
        finally:
            raw.unlink(missing_ok=True)
    return path


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def _without_timestamps(source_path: Path, target_path: Path) -> None:
    """Copy the saved workbook with fixed times in its zip entries and document
    properties, so the same tables give a byte-identical file; members are streamed,
    never read whole into memory (a large sheet is hundreds of MB of XML)."""
    with zipfile.ZipFile(source_path) as source, \
            zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z", source.read(info))
                target.writestr(member, data)
                continue
            with source.open(info) as reading, target.open(
                    member, "w", force_zip64=info.file_size >= zipfile.ZIP64_LIMIT) as writing:
                shutil.copyfileobj(reading, writing, 1 << 20)
