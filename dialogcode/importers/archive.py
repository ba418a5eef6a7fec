"""Reading an untrusted zip archive (a ``.qdpx`` project) safely, in memory.

Before any member is read, the whole listing is checked by
:func:`dialogcode.limits.open_zip` (names, links, encryption, member count, unpacked
sizes and expansion ratio; docs/limits.md). Nothing is ever extracted to disk, and
reads stop at the declared size.
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..coders import CodingsError
from ..limits import DEFAULT, Limits, open_zip


class SafeArchive:
    """An open zip whose listing passed the checks above; members are read by name."""

    def __init__(self, path: Path, limits: Limits = DEFAULT):
        self.source = str(path)
        self._zip = open_zip(path, self.source, "REFI-QDA project (.qdpx)", limits,
                             CodingsError)
        self.names = {info.filename.replace("\\", "/"): info
                      for info in self._zip.infolist() if not info.is_dir()}

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
