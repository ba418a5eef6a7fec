"""Excel workbooks: a sheet per table with a styled, frozen header row, filters,
column widths and optional drop-down lists.

Text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or CR) is
written as a text cell with Excel's quote prefix: it shows as written and never runs.
Control characters, which a workbook cannot hold (a form feed pasted from a PDF), are
written as their visible symbols (``␌``), one for one (:func:`dialogcode.safexml.xml_text`).
"""
from __future__ import annotations

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
_WIDE = {"quote", "text", "definition", "when_to_use", "when_not_to_use", "statement",
         "context_before", "context_after", "description"}


def _cell(sheet, value, *, header=False, wrap=False):
    if isinstance(value, str):
        value = xml_text(value)
        if len(value) > EXCEL_MAX_CELL:
            value = value[:EXCEL_MAX_CELL - 20] + " [truncated]"
    if not (header or wrap or (isinstance(value, str) and value.startswith(FORMULA_START))):
        return value
    cell = WriteOnlyCell(sheet, value=value)
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
    for index, column in enumerate(columns, start=1):
        lengths = table[column].map(lambda v: 0 if plain(v) is None else len(str(v)))
        sample = lengths.quantile(0.9) if len(table) else 0
        width = 60 if column in _WIDE else min(max(len(column), int(sample)) + 2, 40)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if len(columns):
        sheet.auto_filter.ref = (f"A1:{get_column_letter(len(columns))}"
                                 f"{max(len(table) + 1, 2)}")
    sheet.append([_cell(sheet, c, header=True) for c in columns])
    wrap = [c in _WIDE for c in columns]
    for row in table.itertuples(index=False, name=None):
        sheet.append([_cell(sheet, plain(v), wrap=w) for v, w in zip(row, wrap)])


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
