"""The library's exceptions. Only the CLI turns them into messages and exit codes.

Every error carries a list of :class:`Problem` so that a whole input can be validated
and every problem reported at once, each with its file, line, column and key where known.
:class:`ArgumentError` marks bad usage (a path or name given by the caller that names
nothing) as opposed to bad data; the CLI exits 2 for it and 1 for the others.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def printable(text: str) -> str:
    """``text`` safe to print: bytes of a file name that are not UTF-8 (which Python
    holds as lone surrogates) shown as ``\\xNN``."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, and where."""

    message: str
    file: str | None = None
    line: int | None = None
    key: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
            where += f":{self.column}" if self.line and self.column else ""
        if self.key:
            where = f"{where} [{self.key}]" if where else f"[{self.key}]"
        return printable(f"{where}: {self.message}" if where else self.message)


class DialogcodeError(Exception):
    """Base class: bad data given to the toolkit (CLI exit code 1)."""

    def __init__(self, problems: list[Problem] | str, *, file: str | Path | None = None,
                 line: int | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, str(file) if file else None, line)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DialogcodeWarning(UserWarning):
    """Something the user should know that does not stop the command (the CLI prints
    each distinct one once, on stderr, where it is raised). Raised with :func:`warn`."""


# the warnings list of the relayed_warnings block this thread (or task) is in, if any
_RELAY: ContextVar[list[DialogcodeWarning] | None] = ContextVar("dialogcode_relay",
                                                                default=None)


def warn(warning: DialogcodeWarning, *, stacklevel: int = 1) -> None:
    """Raise ``warning`` (``warnings.warn``; ``stacklevel`` 1 names the caller's line),
    or, in a :func:`relayed_warnings` block of this thread or task, add it to that
    block's list instead."""
    relay = _RELAY.get()
    if relay is None:
        warnings.warn(warning, stacklevel=stacklevel + 1)
    else:
        relay.append(warning)


@contextmanager
def relayed_warnings() -> Iterator[list[DialogcodeWarning]]:
    """A list that receives every :func:`warn` of this block, in place of
    ``warnings.warn``, so that a Dask task's warnings go back to the command with its
    result. Per thread and per task (a context variable): another task running at the
    same time in another thread of the process keeps its own, which
    ``warnings.catch_warnings``, whose filters and hook are the whole process's, mixed
    up or lost. Threads the block starts itself do not relay (they start without it)."""
    raised: list[DialogcodeWarning] = []
    token = _RELAY.set(raised)
    try:
        yield raised
    finally:
        _RELAY.reset(token)


class ArgumentError(DialogcodeError):
    """Bad usage, not bad data: a path or name the caller gave names nothing usable
    (CLI exit code 2)."""


class ConfigError(DialogcodeError):
    """The study folder or its dialogcode.yaml is wrong."""


class StudyNotFound(ArgumentError, ConfigError):
    """The path given is not a study folder, nor inside one."""


class ManifestError(DialogcodeError):
    """The manifest is malformed or disagrees with the transcript files."""


class IngestError(DialogcodeError):
    """A transcript file cannot be read or parsed."""


class CodebookError(DialogcodeError):
    """A codebook is malformed, or its examples fail."""


def read_all(reads: Iterable[Callable[[], T]]) -> list[T]:
    """The results of ``reads`` (each reading a file people write), every one run even
    when one before it raised DialogcodeError: then raises one error, of the first one's
    class, with the problems of all, so that a code renamed in the codebook is reported
    in every file at once rather than one file per run."""
    results, errors = [], []
    for read in reads:
        try:
            results.append(read())
        except DialogcodeError as exc:
            errors.append(exc)
    if errors:
        raise type(errors[0])([problem for exc in errors for problem in exc.problems])
    return results
