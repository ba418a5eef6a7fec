"""Reading an untrusted zip archive (a ``.qdpx`` project) safely, in memory.

Before any member is read, the whole listing is checked and the archive refused if any
member has an absolute path, a drive letter, a ``..`` component or is a symbolic link,
if a member unpacks to more than :data:`MAX_MEMBER_BYTES` or expands more than
:data:`MAX_RATIO` times, if all members together unpack to more than
:data:`MAX_TOTAL_BYTES`, or if there are more than :data:`MAX_MEMBERS` members. Nothing
is ever extracted to disk, and reads stop at the declared size.
"""
from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path

from ..coders import CodingsError
from ..errors import Problem
from ..paths import unsafe_name

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 200 * 2**20
MAX_TOTAL_BYTES = 2**30
MAX_RATIO = 200           # uncompressed / compressed size, checked above 1 MiB


class SafeArchive:
    """An open zip whose listing passed the checks above; members are read by name."""

    def __init__(self, path: Path):
        self.source = str(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise CodingsError(f"not a readable zip archive ({exc})", file=path) from None
        infos = self._zip.infolist()
        problems: list[Problem] = []
        if len(infos) > MAX_MEMBERS:
            problems.append(Problem(f"refused: {len(infos)} members (at most {MAX_MEMBERS})",
                                    self.source))
        for info in infos[:MAX_MEMBERS]:
            why = unsafe_name(info.filename)
            if why is None and stat.S_ISLNK(info.external_attr >> 16):
                why = "a symbolic link"
            if why is None and info.file_size > MAX_MEMBER_BYTES:
                why = f"{info.file_size} bytes unpacked (at most {MAX_MEMBER_BYTES})"
            if why is None and info.file_size > 2**20 and \
                    info.file_size > MAX_RATIO * max(info.compress_size, 1):
                why = f"it expands {info.file_size // max(info.compress_size, 1)} times"
            if why:
                problems.append(Problem(f"refused member {info.filename!r}: {why}",
                                        self.source))
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            problems.append(Problem(f"refused: {total} bytes unpacked in all (at most "
                                    f"{MAX_TOTAL_BYTES})", self.source))
        if problems:
            self._zip.close()
            raise CodingsError(problems)
        self.names = {info.filename.replace("\\", "/"): info for info in infos
                      if not info.is_dir()}

    def read(self, name: str) -> bytes:
        """The bytes of member ``name`` (at most its declared size)."""
        info = self.names[name]
        try:
            with self._zip.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error) as exc:
            raise CodingsError(f"cannot read member {name!r} ({exc})",
                               file=self.source) from None
        if len(data) > info.file_size:
            raise CodingsError(f"refused member {name!r}: larger than its declared size",
                               file=self.source)
        return data

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafeArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
