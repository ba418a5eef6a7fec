"""Reading and writing the study's tables in out/ (Parquet, plus CSV for people).

CSV cells that start with ``= + - @``, a tab or a CR get a leading ``'`` so that a
spreadsheet never runs a formula taken from a transcript (and so do cells that already
start with ``'`` and then one of these, so :func:`unneutralize` can take exactly one
away again).

Every output is written to a temporary file beside it, unique to the process, which then
replaces it in one step (:func:`replacing`): a reader or a crash never sees half a file,
and two processes never write into the same temporary.
"""
from __future__ import annotations

import os
import re
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from .errors import DialogcodeError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALIZED = re.compile("'*[=+\\-@\t\r]")


def neutralize(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run (or such
    text already behind quotes)."""
    if isinstance(value, str) and _NEUTRALIZED.match(value):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """``value`` as it was before :func:`neutralize`."""
    return value[1:] if value.startswith("'") and _NEUTRALIZED.match(value, 1) else value


def safe_for_spreadsheet(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its text cells neutralised (see :func:`neutralize`): a new frame in
    which only the columns holding such text are rewritten."""
    changed = {}
    for column in df.columns:
        series = df[column]
        if series.dtype != object and pd.api.types.is_string_dtype(series):
            if not series.str.match(_NEUTRALIZED.pattern).fillna(False).any():
                continue
        elif series.dtype != object:
            continue
        changed[column] = series.map(neutralize)
    out = df.copy(deep=False)       # copy-on-write: the columns are shared until changed
    for column, values in changed.items():
        out[column] = values
    return out


def temporary_beside(path: Path) -> Path:
    """A hidden file name next to ``path``, unique to this process and call, ending in
    ``path``'s suffix (writers that add a missing suffix leave it alone)."""
    return path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
                          f"{path.suffix}")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path (:func:`temporary_beside`) to write ``path``'s new content
    to; when the block ends without an error it replaces ``path`` in one step, otherwise
    it is removed and ``path`` stays as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(path)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """``df`` as CSV at ``path``, as it is (no neutralising), replaced in one step."""
    with replacing(path) as temporary:
        df.to_csv(temporary, index=False, lineterminator="\n")
    return path


def write_table(df: pd.DataFrame, out: Path, name: str, *, csv_drop: tuple[str, ...] = ()
                ) -> list[Path]:
    """Write ``out/<name>.parquet`` and ``out/<name>.csv``; return the paths."""
    parquet, csv = out / f"{name}.parquet", out / f"{name}.csv"
    with replacing(parquet) as temporary:
        df.to_parquet(temporary, index=False)
    write_csv(safe_for_spreadsheet(df.drop(columns=list(csv_drop), errors="ignore")), csv)
    return [parquet, csv]


def read_table(out: Path, name: str, *, hint: str) -> pd.DataFrame:
    """Read ``out/<name>.parquet``; raise DialogcodeError saying which command makes it
    when it is missing or damaged."""
    path = out / f"{name}.parquet"
    if not path.is_file():
        raise DialogcodeError(f"{path} does not exist yet; run `{hint}` first")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise DialogcodeError(f"damaged, cannot be read ({exc}); run `{hint}` again",
                              file=path) from None
