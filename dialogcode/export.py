"""Exports: CSV and Parquet files, one Excel workbook, one SQLite database.

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
CR) are neutralised: in CSV with a leading ``'``; in Excel they are written as text
cells with Excel's quote prefix, so the cell shows the text as it was and never runs.
"""
from __future__ import annotations

import sqlite3
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .analysis import TABLES, Evidence
from .store import FORMULA_START, safe_for_spreadsheet

EXCEL_MAX_CELL = 32_767
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_WRAP = Alignment(wrap_text=True, vertical="top")
_WIDE = {"quote", "text", "definition", "when_to_use", "when_not_to_use", "statement",
         "context_before", "context_after", "description"}


def _cell(sheet, value, *, header=False, wrap=False):
    if isinstance(value, str) and len(value) > EXCEL_MAX_CELL:
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


def _plain(value):
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _sheet(book: Workbook, name: str, table: pd.DataFrame) -> None:
    sheet = book.create_sheet(name[:31])
    columns = [str(c) for c in table.columns]
    for index, column in enumerate(columns, start=1):
        lengths = table[column].map(lambda v: 0 if _plain(v) is None else len(str(v)))
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
        sheet.append([_cell(sheet, _plain(v), wrap=w) for v, w in zip(row, wrap)])


def write_workbook(path: Path, tables: dict[str, pd.DataFrame], readme: pd.DataFrame
                   ) -> Path:
    """One .xlsx: a README sheet first, then a sheet per table, each with a styled,
    frozen header row, filters and column widths."""
    book = Workbook(write_only=True)
    _sheet(book, "README", readme)
    for name, table in tables.items():
        _sheet(book, name, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    book.save(temporary)
    temporary.replace(path)
    return path


_FOREIGN_KEYS = {
    "segments": {"doc_id": "documents(doc_id)"},
    "codings": {"seg_id": "segments(seg_id)", "doc_id": "documents(doc_id)",
                "code_id": "codebook(code_id)"},
    "codebook": {"parent_id": "codebook(code_id)"},
}
_PRIMARY_KEYS = {"documents": "doc_id", "segments": "seg_id", "codebook": "code_id"}


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    return "TEXT"


def _create(connection: sqlite3.Connection, name: str, table: pd.DataFrame) -> None:
    columns = [f'"{c}" {_sql_type(table[c])}'
               + (" PRIMARY KEY" if _PRIMARY_KEYS.get(name) == c else "")
               for c in table.columns]
    columns += [f'FOREIGN KEY ("{c}") REFERENCES {target}'
                for c, target in _FOREIGN_KEYS.get(name, {}).items() if c in table]
    connection.execute(f'CREATE TABLE "{name}" ({", ".join(columns)})')
    marks = ", ".join("?" * len(table.columns))
    rows = (tuple(_plain(v) for v in row) for row in table.itertuples(index=False, name=None))
    connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def write_sqlite(path: Path, core: dict[str, pd.DataFrame],
                 tables: dict[str, pd.DataFrame]) -> Path:
    """A SQLite database: the core tables (documents, segments, codings, codebook) with
    primary and foreign keys, checked on insert, plus every analysis table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    connection = sqlite3.connect(temporary)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        for name in ("documents", "codebook", "segments", "codings"):
            _create(connection, name, core[name])
        for name, table in tables.items():
            _create(connection, name, table)
        connection.execute('CREATE INDEX codings_code ON codings (code_id)')
        connection.execute('CREATE INDEX codings_seg ON codings (seg_id)')
        connection.commit()
    finally:
        connection.close()
    temporary.replace(path)
    return path


FORMATS = ("csv", "parquet", "xlsx", "sqlite")
WORKBOOK, DATABASE = "workbook.xlsx", "study.sqlite"


def core_tables(evidence: Evidence) -> dict[str, pd.DataFrame]:
    """documents, segments, codings and the flattened codebook."""
    return {"documents": evidence.documents, "segments": evidence.segments,
            "codings": evidence.codings, "codebook": evidence.book.to_frame()}


def readme_sheet(title: str, evidence: Evidence) -> pd.DataFrame:
    """The workbook's first sheet: what the study is and what each sheet holds."""
    rows = [("study", title), ("made by", f"dialogcode {version('dialogcode')}"),
            ("codebook version", evidence.book.version),
            ("columns", "Every column is documented in dialogcode's docs/tables.md."),
            ("codebook", "The codebook sheet holds every code with its definition.")]
    rows += [(name, TABLES.get(name, "")) for name in ("codebook", *evidence.tables,
                                                       "codings")]
    return pd.DataFrame(rows, columns=["sheet", "description"])


def export(evidence: Evidence, folder: Path, formats: tuple[str, ...], *, title: str
           ) -> list[Path]:
    """Write ``formats`` (any of :data:`FORMATS`) of the study's tables into ``folder``:
    csv/ and parquet/ hold a file per table; workbook.xlsx has a README sheet, the
    codebook, each analysis table and the codings; study.sqlite has everything."""
    core, tables = core_tables(evidence), evidence.tables
    every = {**core, **tables}
    paths: list[Path] = []
    if "csv" in formats:
        (folder / "csv").mkdir(parents=True, exist_ok=True)
        for name, table in every.items():
            path = folder / "csv" / f"{name}.csv"
            safe_for_spreadsheet(table.drop(columns="text") if name == "documents"
                                 else table).to_csv(path, index=False, lineterminator="\n")
            paths.append(path)
    if "parquet" in formats:
        (folder / "parquet").mkdir(parents=True, exist_ok=True)
        for name, table in every.items():
            table.to_parquet(folder / "parquet" / f"{name}.parquet", index=False)
            paths.append(folder / "parquet" / f"{name}.parquet")
    if "xlsx" in formats:
        sheets = {"codebook": core["codebook"], **tables, "codings": core["codings"]}
        paths.append(write_workbook(folder / WORKBOOK, sheets, readme_sheet(title, evidence)))
    if "sqlite" in formats:
        paths.append(write_sqlite(folder / DATABASE, core, tables))
    return paths
