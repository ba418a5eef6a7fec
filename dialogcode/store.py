"""Reading and writing the study's tables in out/ (Parquet, plus CSV for people).

CSV cells that start with ``= + - @``, a tab or a CR get a leading ``'`` so that a
spreadsheet never runs a formula taken from a transcript.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import DialogcodeError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are neutralised (see :func:`neutralize`)."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralize)
    return out


def write_table(df: pd.DataFrame, out: Path, name: str, *, csv_drop: tuple[str, ...] = ()
                ) -> list[Path]:
    """Write ``out/<name>.parquet`` and ``out/<name>.csv``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    parquet, csv = out / f"{name}.parquet", out / f"{name}.csv"
    df.to_parquet(parquet, index=False)
    safe_for_spreadsheet(df.drop(columns=list(csv_drop), errors="ignore")).to_csv(
        csv, index=False, lineterminator="\n")
    return [parquet, csv]


def read_table(out: Path, name: str, *, hint: str) -> pd.DataFrame:
    """Read ``out/<name>.parquet``; raise DialogcodeError saying which command makes it."""
    path = out / f"{name}.parquet"
    if not path.is_file():
        raise DialogcodeError(f"{path} does not exist yet; run `{hint}` first")
    return pd.read_parquet(path)
