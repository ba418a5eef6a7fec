"""Limits on what reading one untrusted file may cost, checked in one place.

Every transcript reader goes through these checks before a parser sees the file, and
each refusal names the limit and its value (docs/limits.md lists them all):

- :func:`check_size`: the file's size on disk (``file_mb``).
- :func:`open_zip`: a zip-based file (``.docx``, ``.xlsx``, ``.qdpx``) is checked from
  its listing before any member is unpacked: names that are absolute, have a drive
  letter or a ``..`` component, symbolic links, encrypted members, too many members
  (``members``), a member that unpacks to more than ``member_mb`` or expands more than
  ``ratio`` times, and all members together over ``unpacked_mb``. Python's zipfile
  never unpacks more than a member's listed size, so the listing bounds the work.
- :func:`scan_xml`: the XML parts of a ``.docx`` or ``.xlsx`` are streamed through
  expat before python-docx or openpyxl builds anything from them: more than
  ``xml_elements`` elements in all, nesting deeper than ``depth``, a DTD, or XML that is
  not well-formed is refused with the part and its line.
- :func:`check_json_depth`: JSON nested deeper than ``depth``.

The defaults suit any real transcript; a study can raise them under ``limits:`` in
dialogcode.yaml (:class:`Limits`).
"""
from __future__ import annotations

import re
import stat
import zipfile
import zlib
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from pydantic import BaseModel, ConfigDict, Field

from .errors import DialogcodeError, Problem
from .paths import unsafe_name

MB = 1_000_000
RATIO_FROM = MB             # members smaller than this may expand any number of times
XML_SUFFIXES = (".xml", ".rels")


class Limits(BaseModel):
    """The ``limits:`` keys of dialogcode.yaml."""

    model_config = ConfigDict(extra="forbid")
    file_mb: float = Field(default=50, gt=0)
    unpacked_mb: float = Field(default=1000, gt=0)
    member_mb: float = Field(default=200, gt=0)
    ratio: float = Field(default=200, gt=1)
    members: int = Field(default=10_000, ge=1)
    xml_elements: int = Field(default=1_000_000, ge=1)
    cells: int = Field(default=1_000_000, ge=1)
    depth: int = Field(default=100, ge=2)


DEFAULT = Limits()


def over(name: str, limits: Limits) -> str:
    """The end of a refusal: which limit, its value, where to raise it."""
    value = getattr(limits, name)
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"(limit {name}: {shown}; see docs/limits.md to raise it)"


def check_size(path: Path, source: str, limits: Limits = DEFAULT,
               error: type[DialogcodeError] = DialogcodeError) -> None:
    """Raise ``error`` when the file at ``path`` is larger than ``file_mb``."""
    size = path.stat().st_size
    if size > limits.file_mb * MB:
        raise error(f"refused: the file is {size / MB:.3g} MB {over('file_mb', limits)}",
                    file=source)


def zip_problems(infos: list[zipfile.ZipInfo], source: str, limits: Limits = DEFAULT
                 ) -> list[Problem]:
    """What is wrong with a zip archive's listing (see the module doc)."""
    problems: list[Problem] = []
    if len(infos) > limits.members:
        problems.append(Problem(f"refused: {len(infos)} members {over('members', limits)}",
                                source))
    for info in infos[:limits.members]:
        why = unsafe_name(info.filename)
        if why is None and stat.S_ISLNK(info.external_attr >> 16):
            why = "a symbolic link"
        if why is None and info.flag_bits & 0x1:
            why = "it is encrypted"
        if why is None and info.file_size > limits.member_mb * MB:
            why = f"{info.file_size} bytes unpacked {over('member_mb', limits)}"
        if why is None and info.file_size > RATIO_FROM and \
                info.file_size > limits.ratio * max(info.compress_size, 1):
            why = (f"it expands {info.file_size // max(info.compress_size, 1)} times "
                   f"{over('ratio', limits)}")
        if why:
            problems.append(Problem(f"refused member {info.filename!r}: {why}", source))
    total = sum(info.file_size for info in infos)
    if total > limits.unpacked_mb * MB:
        problems.append(Problem(f"refused: {total} bytes unpacked in all "
                                f"{over('unpacked_mb', limits)}", source))
    return problems


def open_zip(file: Path | BinaryIO, source: str, what: str, limits: Limits = DEFAULT,
             error: type[DialogcodeError] = DialogcodeError) -> zipfile.ZipFile:
    """``file`` opened as a zip archive whose listing passed :func:`zip_problems`.

    ``what`` names the format for the message when it is not a zip archive at all
    (``"Word .docx file"``). Raises ``error`` naming ``source``.
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise error(f"not a readable {what}: {_not_zip(file, exc)}", file=source) from None
    problems = zip_problems(archive.infolist(), source, limits)
    if problems:
        archive.close()
        raise error(problems)
    return archive


def _not_zip(file: Path | BinaryIO, exc: Exception) -> str:
    """Why a file is not a zip archive, in words."""
    try:
        with open(file, "rb") if isinstance(file, Path) else nullcontext(file) as stream:
            stream.seek(0)
            head = stream.read(8)
    except OSError:
        return str(exc)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("it is an older Office file or protected with a password; save it again "
                "in the current format without a password")
    if not head:
        return "the file is empty"
    return f"it is damaged, cut short or not a zip archive ({exc})"


class _Counter:
    """expat handlers counting elements and depth against the limits."""

    def __init__(self, limits: Limits):
        self.limits, self.elements, self.depth = limits, 0, 0

    def start(self, name, attributes) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > self.limits.xml_elements:
            raise _Refused(f"more than {self.limits.xml_elements} XML elements "
                           f"{over('xml_elements', self.limits)}")
        if self.depth > self.limits.depth:
            raise _Refused(f"XML nested more than {self.limits.depth} levels deep "
                           f"{over('depth', self.limits)}")

    def end(self, name) -> None:
        self.depth -= 1

    @staticmethod
    def doctype(*args) -> None:
        raise _Refused("the XML declares a DTD, which Office files never do")


class _Refused(Exception):
    pass


def scan_xml(archive: zipfile.ZipFile, source: str, limits: Limits = DEFAULT,
             error: type[DialogcodeError] = DialogcodeError) -> None:
    """Stream every XML part of ``archive`` through expat (see the module doc). Raises
    ``error`` naming ``source``, the part and its line."""
    counter = _Counter(limits)
    for info in archive.infolist():
        if not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        parser = expat.ParserCreate()
        parser.StartElementHandler, parser.EndElementHandler = counter.start, counter.end
        parser.StartDoctypeDeclHandler = counter.doctype
        try:
            with archive.open(info) as member:
                while chunk := member.read(MB):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Refused as exc:
            raise error(f"refused: {info.filename}, line {parser.CurrentLineNumber}: {exc}",
                        file=source) from None
        except expat.ExpatError as exc:
            raise error(f"damaged: {info.filename}, line {exc.lineno}: not well-formed XML "
                        f"({expat.ErrorString(exc.code)})", file=source) from None
        except (LookupError, ValueError) as exc:     # an encoding expat cannot read
            raise error(f"damaged: {info.filename}: its XML cannot be read ({exc})",
                        file=source) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError) as exc:
            raise error(f"damaged: cannot unpack {info.filename} ({exc})",
                        file=source) from None
        counter.depth = 0


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def check_json_depth(text: str, source: str, limits: Limits = DEFAULT,
                     error: type[DialogcodeError] = DialogcodeError, line: int = 1) -> None:
    """Raise ``error`` at the line where JSON ``text`` (starting on ``line``) nests
    deeper than ``depth``; Python's json module would give up with a RecursionError."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limits.depth:
                at = line + text.count("\n", 0, token.start())
                raise error(f"refused: JSON nested more than {limits.depth} levels deep "
                            f"{over('depth', limits)}", file=source, line=at)
        elif bracket in ("]", "}"):
            depth -= 1
