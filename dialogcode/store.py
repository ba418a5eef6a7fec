"""Reading and writing the study's tables in out/ (Parquet, plus CSV for people).

CSV cells that start with ``= + - @``, a tab or a CR get a leading ``'`` so that a
spreadsheet never runs a formula taken from a transcript (and so do cells that already
start with ``'`` and then one of these, so :func:`unneutralize` can take exactly one
away again).

Every output is written to a temporary file beside it, unique to the process, which then
replaces it in one step (:func:`replacing`): a reader or a crash never sees half a file,
and two processes never write into the same temporary.

A table is either one file, ``out/<name>.parquet`` (with ``out/<name>.csv`` beside it),
as the local engine writes it, or a Parquet dataset, a folder ``out/<name>/`` of parts
``part-00000.parquet`` ..., as the Dask engine's workers write it (docs/scale.md; pandas
and ``dask.dataframe.read_parquet`` both read such a folder). :func:`read_table` reads
either; writing one form removes the other, so a study holds one. A dataset is written
into a hidden folder that replaces the old one only when every part is there
(:func:`replacing_dataset`).
"""
from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
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
    it is removed and ``path`` stays as it was. The new file keeps the permissions of
    the file it replaces (a codebook shared with a group stays so). An OSError of the
    writing (a full disk, no permission) names ``path``, not the temporary file; a
    missing folder is made."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:      # a file where a folder on the way should be
        raise NotADirectoryError(errno.ENOTDIR, "a file, not a folder", exc.filename) \
            from None
    temporary = temporary_beside(path)
    try:
        yield temporary
        if path.is_file() and not path.is_symlink():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except OSError as exc:
        if exc.filename not in (None, str(temporary)):
            raise
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise OSError(exc.errno, f"cannot write: {reason}", str(path)) from exc
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
    if is_dataset(out / name):
        shutil.rmtree(out / name)
    return [parquet, csv]


# a dataset's rows are put back in its table's order on reading, for tables whose order
# is a sort (each part holds whole documents and is sorted already)
DATASET_ORDER = {"codings": ["doc_id", "start", "code_id"]}
# rows a part of a table read in parts holds (before it is rounded to whole documents)
PART_ROWS = 50_000


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def is_dataset(path: Path) -> bool:
    """True when ``path`` is a folder of Parquet parts (:func:`part_name`)."""
    return path.is_dir() and next(path.glob("part-*.parquet"), None) is not None


def table_path(out: Path, name: str) -> Path:
    """Where table ``name`` is: the dataset folder ``out/<name>/`` when there is one,
    else ``out/<name>.parquet`` (which may not exist yet). When both are there (a write
    stopped before it removed the other form) the one written last."""
    folder, single = out / name, out / f"{name}.parquet"
    if not is_dataset(folder):
        return single
    if single.is_file() and single.stat().st_mtime_ns > folder.stat().st_mtime_ns:
        return single
    return folder


@contextmanager
def replacing_dataset(out: Path, name: str) -> Iterator[Path]:
    """Yield a hidden folder to write the parts of dataset ``out/<name>/`` into; when
    the block ends without an error the folder replaces ``out/<name>/`` (and the single
    files ``out/<name>.parquet`` and ``.csv`` go), otherwise it is removed and the table
    stays as it was. Readers never see a dataset with parts missing: between the two
    renames there is none, and a reader is told to run the stage again."""
    out.mkdir(parents=True, exist_ok=True)
    unique = f"{os.getpid()}-{secrets.token_hex(4)}"
    temporary, old = out / f".{name}.{unique}.tmp", out / f".{name}.{unique}.old"
    temporary.mkdir()
    try:
        yield temporary
        if (out / name).exists():
            os.replace(out / name, old)
        os.replace(temporary, out / name)
        for single in (out / f"{name}.parquet", out / f"{name}.csv"):
            single.unlink(missing_ok=True)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _read_dataset(folder: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """The parts of ``folder`` in order as one table; columns that are empty in some
    parts take the type the others give them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(part, columns=columns)
              for part in sorted(folder.glob("part-*.parquet"))]
    schema = pa.unify_schemas([t.schema for t in tables], promote_options="permissive")
    table = pa.concat_tables([t.cast(schema) for t in tables])
    df = table.to_pandas()
    df.index = pd.RangeIndex(len(df))
    if name in DATASET_ORDER:
        df = df.sort_values(DATASET_ORDER[name], kind="stable", ignore_index=True)
    return df


def read_part(path: Path, *, hint: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one Parquet part of a dataset (on a worker); raise DialogcodeError saying
    which command to run again when it is damaged."""
    try:
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError) as exc:
        raise DialogcodeError(f"damaged, cannot be read ({exc}); run `{hint}` again",
                              file=path) from None


def _existing(out: Path, name: str, hint: str) -> Path:
    path = table_path(out, name)
    if not path.exists():
        raise DialogcodeError(f"{path} does not exist yet; run `{hint}` first")
    return path


def read_table(out: Path, name: str, *, hint: str, columns: list[str] | None = None
               ) -> pd.DataFrame:
    """Read table ``name`` (``out/<name>.parquet`` or the dataset ``out/<name>/``), only
    ``columns`` when given; raise DialogcodeError saying which command makes it when it
    is missing or damaged or lacks one of ``columns``."""
    path = _existing(out, name, hint)
    try:
        return _read_dataset(path, name, columns) if path.is_dir() else \
            pd.read_parquet(path, columns=columns)
    except (OSError, ValueError) as exc:
        raise DialogcodeError(f"damaged, cannot be read ({exc}); run `{hint}` again",
                              file=path) from None


def table_rows(out: Path, name: str, *, hint: str) -> int:
    """The number of rows of table ``name``, from its Parquet metadata (nothing else is
    read); errors as :func:`read_table`'s."""
    import pyarrow.parquet as pq

    path = _existing(out, name, hint)
    try:
        return sum(pq.ParquetFile(file).metadata.num_rows for file in
                   (sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]))
    except (OSError, ValueError) as exc:
        raise DialogcodeError(f"damaged, cannot be read ({exc}); run `{hint}` again",
                              file=path) from None


def read_parts(out: Path, name: str, *, hint: str, columns: list[str],
               rows: int = PART_ROWS) -> Iterator[pd.DataFrame]:
    """Table ``name`` (as :func:`read_table` finds it), ``columns`` only, a part of about
    ``rows`` rows at a time: each part holds every row of its documents (the rows of
    one ``doc_id``, which must be among ``columns``, are together in the table, as
    ingest writes them), so that a big table is never in memory whole. Raises
    DialogcodeError as :func:`read_table` does, and when a document's rows are not
    together."""
    import pyarrow.parquet as pq

    path = _existing(out, name, hint)
    done: set[str] = set()
    for file in sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]:
        try:
            reader = pq.ParquetFile(file)
            missing = [c for c in columns if c not in reader.schema_arrow.names]
            if missing:
                raise DialogcodeError(f"written by an older dialogcode (no column "
                                      f"{', '.join(missing)}); run `{hint}` again", file=file)
            held = None     # the rows of the last document read, which may go on
            for batch in reader.iter_batches(batch_size=rows, columns=columns):
                frame = batch.to_pandas()
                if held is not None:
                    frame = pd.concat([held, frame], ignore_index=True)
                others = frame["doc_id"].ne(frame["doc_id"].iat[-1]).to_numpy().nonzero()[0]
                cut = others[-1] + 1 if len(others) else 0
                if cut:
                    yield _whole_documents(frame.iloc[:cut], done, file, hint)
                held = frame.iloc[cut:].reset_index(drop=True)
            if held is not None:
                yield _whole_documents(held, done, file, hint)
        except (OSError, ValueError) as exc:
            raise DialogcodeError(f"damaged, cannot be read ({exc}); run `{hint}` again",
                                  file=file) from None


def _whole_documents(part: pd.DataFrame, done: set[str], file: Path, hint: str
                     ) -> pd.DataFrame:
    """``part``, after checking that no document of it had rows in an earlier part."""
    doc_ids = set(part["doc_id"].unique().tolist())
    if doc_ids & done:
        raise DialogcodeError(f"the rows of document {min(doc_ids & done)} are not "
                              f"together; run `{hint}` again", file=file)
    done |= doc_ids
    return part
