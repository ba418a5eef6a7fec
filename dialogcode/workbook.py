"""Excel workbooks: a sheet per table with a styled, frozen header row, filters,
column widths, number formats (shares as percentages, other decimals to 3 places), row
heights that fit wrapped text, a print setup (landscape, one page wide, the header row
repeated on every page) and optional drop-down lists.

Text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) is
written as a text cell with Excel's quote prefix: it shows as written and never runs.
Control characters, which a workbook cannot hold (a form feed pasted from a PDF), are
written as their visible symbols (``␌``), one for one (:func:`dialogcode.safexml.xml_text`).
"""
from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .safexml import xml_text
from .store import FORMULA_START, replacing

EXCEL_MAX_CELL = 32_767
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_WRAP = Alignment(wrap_text=True, vertical="top")
PERCENT, CHANGE, DECIMALS = "0.0%", "+0.0%;-0.0%;0.0%", "0.000"
LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409       # points; Excel's limit is 409
_WIDE = {"quote", "text", "definition", "when_to_use", "when_not_to_use", "statement",
         "context_before", "context_after", "description"}


def number_format(column: str, series: pd.Series) -> str | None:
    """Excel's format for a column: shares (``share``, ``*_share``) as percentages,
    ``change`` (of shares) as signed percentages, other decimals with 3 places."""
    if not pd.api.types.is_float_dtype(series):
        return None
    if column == "change":
        return CHANGE
    return PERCENT if column == "share" or column.endswith("_share") else DECIMALS


def _cell(sheet, value, *, header=False, wrap=False, style=None):
    if isinstance(value, str):
        value = xml_text(value)
        if len(value) > EXCEL_MAX_CELL:
            value = value[:EXCEL_MAX_CELL - 20] + " [truncated]"
    formula = isinstance(value, str) and value.startswith(FORMULA_START)
    if not (header or wrap or formula or (style and isinstance(value, float))):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if style and isinstance(value, float):
        cell.number_format = style
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_START)
    if header:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    elif wrap:
        cell.alignment = _WRAP
    return cell


def plain(value):
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _sheet(book: Workbook, name: str, table: pd.DataFrame,
           choices: dict[str, tuple[str, ...]] | None = None) -> None:
    sheet = book.create_sheet(name[:31])
    columns = [str(c) for c in table.columns]
    for column, allowed in (choices or {}).items():
        letter = get_column_letter(columns.index(column) + 1)
        validation = DataValidation(type="list", formula1=f'"{",".join(allowed)}"',
                                    allow_blank=True, showErrorMessage=True,
                                    error=f"Choose {' or '.join(allowed)}, or leave empty.")
        validation.add(f"{letter}2:{letter}{max(len(table) + 1, 2)}")
        sheet.data_validations.append(validation)
    widths = {}
    for index, column in enumerate(columns, start=1):
        lengths = table[column].map(lambda v: 0 if plain(v) is None else len(str(v)))
        sample = lengths.quantile(0.9) if len(table) else 0
        width = 60 if column in _WIDE else min(max(len(column), int(sample)) + 2, 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
        widths[column] = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if len(columns):
        sheet.auto_filter.ref = (f"A1:{get_column_letter(len(columns))}"
                                 f"{max(len(table) + 1, 2)}")
    sheet.append([_cell(sheet, c, header=True) for c in columns])
    wrap = [c in _WIDE for c in columns]
    styles = [number_format(c, table[c]) for c in columns]
    wide = [c for c in columns if c in _WIDE]
    for number, row in enumerate(table.itertuples(index=False, name=None), start=2):
        values = [plain(v) for v in row]
        if wide:
            lines = max(_lines(values[columns.index(c)], widths[c]) for c in wide)
            if lines > 1:
                sheet.row_dimensions[number].height = min(LINE_HEIGHT * lines,
                                                          MAX_ROW_HEIGHT)
        sheet.append([_cell(sheet, v, wrap=w, style=f) for v, w, f in zip(values, wrap,
                                                                             styles)])


def _lines(value, width: int) -> int:
    """Lines a wrapped cell of ``width`` characters needs for ``value``."""
    if not isinstance(value, str):
        return 1
    return sum(max(1, math.ceil(len(line) / max(width - 2, 1)))
               for line in value.split("\n"))


def write_workbook(path: Path, tables: dict[str, pd.DataFrame],
                   readme: pd.DataFrame | None = None,
                   choices: dict[str, dict[str, tuple[str, ...]]] | None = None) -> Path:
    """One .xlsx: a README sheet first (when given), then a sheet per table, each with a
    styled, frozen header row, filters and column widths. ``choices`` adds drop-down
    lists: {sheet: {column: allowed values}}."""
    book = Workbook(write_only=True)
    if readme is not None:
        _sheet(book, "README", readme)
    for name, table in tables.items():
        _sheet(book, name, table, (choices or {}).get(name))
    with replacing(path) as temporary:
        book.save(temporary)
        _without_timestamps(temporary)
    return path


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


def _without_timestamps(path: Path) -> None:
    """Rewrite the saved workbook with fixed times in its zip entries and document
    properties, so the same tables give a byte-identical file."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)
