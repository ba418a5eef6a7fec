"""The library's exceptions. Only the CLI turns them into messages and exit codes.

Every error carries a list of :class:`Problem` so that a whole input can be validated
and every problem reported at once, each with its file, line and key where known.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, and where."""

    message: str
    file: str | None = None
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        if self.key:
            where = f"{where} [{self.key}]" if where else f"[{self.key}]"
        return f"{where}: {self.message}" if where else self.message


class DialogcodeError(Exception):
    """Base class: bad data given to the toolkit (CLI exit code 1)."""

    def __init__(self, problems: list[Problem] | str, *, file: str | Path | None = None,
                 line: int | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, str(file) if file else None, line)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(DialogcodeError):
    """The study folder or its dialogcode.yaml is wrong."""


class ManifestError(DialogcodeError):
    """The manifest is malformed or disagrees with the transcript files."""


class IngestError(DialogcodeError):
    """A transcript file cannot be read or parsed."""


class CodebookError(DialogcodeError):
    """A codebook is malformed, or its examples fail."""
