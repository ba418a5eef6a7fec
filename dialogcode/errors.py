"""The library's exceptions. Only the CLI turns them into messages and exit codes.

Every error carries a list of :class:`Problem` so that a whole input can be validated
and every problem reported at once, each with its file, line, column and key where known.
:class:`ArgumentError` marks bad usage (a path or name given by the caller that names
nothing) as opposed to bad data; the CLI exits 2 for it and 1 for the others.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
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
    each distinct one once, on stderr, where it is raised)."""


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
