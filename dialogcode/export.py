"""Exports: CSV and Parquet files, one Excel workbook, one SQLite database.

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
CR) are neutralised: in CSV with a leading ``'``, in Excel as quote-prefixed text cells
(see :mod:`dialogcode.workbook`).
"""
from __future__ import annotations

import sqlite3
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from .agreement.rows import ALL_CODES, ALL_CODES_LABEL
from .analysis import TABLES, Evidence
from .errors import DialogcodeError
from .progress import progress_steps
from .store import replacing, safe_for_spreadsheet, write_csv
from .tables import documents_without_phase, segment_frame
from .workbook import plain_values, write_workbook
from .wording import counted

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
    rows = zip(*(plain_values(table.iloc[:, i]) for i in range(len(table.columns))))
    connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def write_sqlite(path: Path, core: dict[str, pd.DataFrame],
                 tables: dict[str, pd.DataFrame]) -> Path:
    """A SQLite database: the core tables (documents, segments, codings, codebook) with
    primary and foreign keys, checked on insert, plus every analysis table."""
    with replacing(path) as temporary:
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
        except sqlite3.IntegrityError as exc:
            raise DialogcodeError(f"codings do not match the corpus or codebook ({exc}); "
                                  "re-run `dialogcode code` after editing codebooks") from None
        finally:
            connection.close()
    return path


WORKBOOK, DATABASE = "workbook.xlsx", "study.sqlite"
NOT_IN_WORKBOOK = "coded_segments"     # a row per segment: tables/, Parquet and SQLite


def core_tables(evidence: Evidence) -> dict[str, pd.DataFrame]:
    """documents, segments, codings and the flattened codebook."""
    return {"documents": evidence.documents, "segments": evidence.segments,
            "codings": evidence.codings, "codebook": evidence.book.to_frame()}


_LABELS = {"code_id": "label", "code_a": "label_a", "code_b": "label_b"}


def _for_people(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """``table`` with a label column after each code id column that has none."""
    table = table.copy()
    for column, name in _LABELS.items():
        if column in table and name not in table:
            table.insert(table.columns.get_loc(column) + 1, name, table[column].map(labels))
    return table


def workbook_sheets(evidence: Evidence) -> dict[str, pd.DataFrame]:
    """The workbook's sheets after the README: the codebook, each analysis table and the
    codings, with labels beside code ids and the site, event type, speaker and speaker's
    role of each coding."""
    core = core_tables(evidence)
    labels = {**core["codebook"].set_index("code_id")["label"].to_dict(),
              ALL_CODES: ALL_CODES_LABEL}
    where = segment_frame(evidence.segments, evidence.documents)[
        ["seg_id", "site", "event_type", "speaker"]]
    where = where.assign(role=None if evidence.roles is None
                         else where["seg_id"].map(evidence.roles))
    codings = core["codings"].merge(where, on="seg_id", how="left")
    after = codings.columns.get_loc("doc_id") + 1
    codings = codings[[*codings.columns[:after], "site", "event_type", "speaker", "role",
                       *core["codings"].columns[after:]]]
    sheets = {"codebook": core["codebook"], **evidence.tables, "codings": codings}
    sheets.pop(NOT_IN_WORKBOOK, None)
    return {name: _for_people(table, labels) for name, table in sheets.items()}


def readme_sheet(title: str, evidence: Evidence) -> pd.DataFrame:
    """The workbook's first sheet: what the study is and what each sheet holds."""
    rows = [("study", title), ("made by", f"dialogcode {version('dialogcode')}"),
            ("codebook versions", evidence.book.versions_text()),
            ("columns", "Every column is documented in dialogcode's docs/tables.md."),
            ("codebook", "Every code with its parent, definition and guidance.")]
    rows += [(name, TABLES[name] + (_no_phase(evidence) if "phase" in name else "")
              + (_out_of_date(evidence) if name == "evaluation" else ""))
             for name in evidence.tables if name != NOT_IN_WORKBOOK]
    rows += [("codings", "The final codings: rule and learned-model codings minus rejected "
                         "ones, plus every other code a reviewer accepted (source "
                         "`suggestion` or `reviewer`) and the final coders' codings (see "
                         "`source`), with each coding's site, event type, speaker and role."
                         # without an evaluation sheet, the note is on the codings alone
                         + ("" if "evaluation" in evidence.tables else _out_of_date(evidence))),
             (NOT_IN_WORKBOOK, f"Not in this workbook (a row per segment is too many for "
                               f"a sheet): tables/{NOT_IN_WORKBOOK}.csv opens in Excel for "
                               "pivot tables; also in the Parquet files and study.sqlite.")]
    return pd.DataFrame(rows, columns=["sheet", "description"])


def _out_of_date(evidence: Evidence) -> str:
    """Why the evaluation's figures do not describe the codings beside them (or, with no
    evaluation, why the codings are not those of the model in out/model), and the
    commands that bring them up to date, as the report's opening box says it, so a reader
    of the workbook alone does not cite an earlier model's figures or codings; "" when
    they are up to date."""
    trust = evidence.trust or {}
    if not trust.get("stale"):
        return ""
    return f" Out of date: {trust['stale']}; run {', then '.join(trust['commands'])}."


def _no_phase(evidence: Evidence) -> str:
    """What a table by phase leaves out: the documents in no phase, said as the report
    says it, so a reader of the workbook alone does not take its rows for the study."""
    unphased = documents_without_phase(evidence.documents)
    if not len(unphased):
        return ""
    segments = evidence.segments
    left_out = int((segments["codable"] & segments["doc_id"].isin(unphased)).sum())
    return (f" {counted(len(unphased), 'document')} with no phase ("
            f"{counted(left_out, 'codable segment')}) {'is' if len(unphased) == 1 else 'are'}"
            " in none of its rows: an empty phase in the manifest, or, with phases inferred,"
            " no date (or one date for the whole study) and an event type that names no"
            " kick-off or closing.")


def write_csvs(folder: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """A spreadsheet-safe CSV file per table (documents without their text)."""
    return [write_csv(safe_for_spreadsheet(table.drop(columns="text") if name == "documents"
                                           else table), folder / f"{name}.csv")
            for name, table in tables.items()]


def write_parquets(folder: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """A Parquet file per table."""
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.parquet"
        with replacing(path) as temporary:
            table.to_parquet(temporary, index=False)
        paths.append(path)
    return paths


def export(evidence: Evidence, folder: Path, formats: tuple[str, ...], *, title: str,
           progress: bool = False) -> list[Path]:
    """Write ``formats`` (any of :data:`~dialogcode.choices.EXPORT_FORMATS`) of the
    study's tables into ``folder``: csv/ and parquet/ hold a file per table; workbook.xlsx
    has a README sheet, the codebook, each analysis table and the codings; study.sqlite
    has everything. ``progress`` shows a bar on stderr."""
    core, tables = core_tables(evidence), evidence.tables
    every = {**core, **tables}
    writers = {
        "csv": lambda: write_csvs(folder / "csv", every),
        "parquet": lambda: write_parquets(folder / "parquet", every),
        "xlsx": lambda: [write_workbook(folder / WORKBOOK, workbook_sheets(evidence),
                                        readme_sheet(title, evidence))],
        "sqlite": lambda: [write_sqlite(folder / DATABASE, core, tables)],
    }
    paths: list[Path] = []
    for name in progress_steps([f for f in writers if f in formats], desc="export",
                               enabled=progress):
        paths += writers[name]()
    return paths
