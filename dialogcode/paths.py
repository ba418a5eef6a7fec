"""Paths from untrusted places: manifest rows, archive members, a transcripts folder.

dialogcode reads transcripts only as regular files inside the transcripts folder: a
name that is absolute or climbs out with ``..``, a symbolic link whose target lies
outside the folder, and a file name that is not valid UTF-8 are refused with a reason.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import printable


def unsafe_name(name: str) -> str | None:
    """What makes a relative path from an untrusted source unsafe (``"an absolute
    path"``, ``"a drive letter"``, ``"a '..' component"``, ``"a NUL character"``), or
    None when it stays inside the folder it is read against."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")):
        return "an absolute path"
    if re.match(r"^[A-Za-z]:", name):
        return "a drive letter"
    if ".." in parts:
        return "a '..' component"
    if "\x00" in name:
        return "a NUL character"
    return None


NOT_A_FILE = ("not a regular file (a link to nothing, a pipe or a device), which ingest "
              "cannot read; remove it or put the transcript there")


def refused_file(path: Path, folder: Path) -> str | None:
    """Why dialogcode will not read ``path`` found in (or named under) ``folder``: a
    name that is not UTF-8, a link leading outside ``folder`` or round a loop; None
    when it may."""
    relative = str(path.relative_to(folder))
    if printable(relative) != relative:
        return "the file name is not valid UTF-8; rename the file"
    try:
        target = path.resolve()
    except (RuntimeError, OSError):     # a loop of links (RuntimeError before 3.13)
        return "a symbolic link that leads back to itself (a loop of links); remove it"
    if not target.is_relative_to(folder.resolve()):
        return (f"a link to {printable(str(target))}, outside the transcripts folder; "
                "copy it into the folder instead")
    return None
