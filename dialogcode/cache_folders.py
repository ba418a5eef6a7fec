"""The token cache's folders (``out/cache/<key>/``, :class:`dialogcode.coding.DocCache`):
each is marked with the pipeline it tokenised with, and opening one removes the
folders its key has superseded.

A key changes with the cache's format or the pipeline's version; the folder of the old
key is then never read again by this version of dialogcode. A folder is removed only
when all of these hold: it is beside the folder opened, named like a key (not a link),
marked with the same pipeline (:func:`~dialogcode.stamps.pipeline_name`: a package's
name or a folder's own name, never its path, so a study moved or shared keeps its marks;
a mark an earlier version wrote with the folder's path counts by that path's last name)
and another key, unused for :data:`UNUSED_FOR` seconds (its mark is touched whenever it
is opened, so a run still reading it, or another dialogcode version that still uses it,
keeps it), and holding nothing but its mark and token files. Only those files are
deleted, one by one, never a folder's other content. Unmarked folders (from before
folders were marked, or someone else's), the folders of other pipelines and anything
else in the cache folder are left alone.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path, PurePath

from .stamps import pipeline_name

MARK = "cache.json"
KEY_NAME = re.compile(r"[0-9a-f]{12}")
# a token file of any cache format: a document's SHA-256, its unit, ... (a hidden one is
# being written, so its folder is in use)
TOKEN_FILE = re.compile(r"[0-9a-f]{64}-.+")
UNUSED_FOR = 24 * 3600


def _mark(folder: Path) -> dict | None:
    """The mark of ``folder`` (its model and key), or None when it has none or one that
    does not read."""
    try:
        mark = json.loads((folder / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return mark if isinstance(mark, dict) else None


def _write_mark(folder: Path, model: str, key: str) -> None:
    (folder / MARK).write_text(json.dumps({"model": model, "key": key}), encoding="utf-8")


def open_folder(folder: Path, model: str) -> None:
    """Make sure the cache folder ``folder`` (named for its key) exists and is marked as
    the spaCy pipeline ``model``'s, note that it is in use now, and remove the folders
    it supersedes. A folder made before folders were marked, or marked with the
    pipeline's full path, is marked now."""
    model = pipeline_name(model)
    if folder.is_dir():
        try:
            if (_mark(folder) or {}).get("model") != model:
                _write_mark(folder, model, folder.name)
            else:
                os.utime(folder / MARK)
        except OSError:             # a read-only cache: still readable
            pass
    else:
        folder.parent.mkdir(parents=True, exist_ok=True)
        # made whole under another name, so no one sees it unmarked
        made = folder.with_name(f".{folder.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        made.mkdir()
        _write_mark(made, model, folder.name)
        try:
            os.rename(made, folder)
        except OSError:             # another process made it first
            shutil.rmtree(made, ignore_errors=True)
    prune_superseded(folder, model)


def _superseded(other: Path, folder: Path, model: str, now: float) -> list[Path] | None:
    """The files of ``other`` to delete when it is a folder ``folder``'s key supersedes
    for ``model`` (see the module's docs), else None."""
    if other == folder or other.is_symlink() or not other.is_dir() \
            or not KEY_NAME.fullmatch(other.name):
        return None
    mark = _mark(other)
    if mark is None or _marked_name(mark.get("model")) != model \
            or mark.get("key") == folder.name:
        return None
    try:
        if now - (other / MARK).stat().st_mtime < UNUSED_FOR:
            return None
        files = list(other.iterdir())
    except OSError:
        return None
    if not all(f.is_file() and not f.is_symlink()
               and (f.name == MARK or TOKEN_FILE.fullmatch(f.name)) for f in files):
        return None
    return sorted(files, key=lambda f: f.name == MARK)     # the mark last


def _marked_name(marked) -> str | None:
    """The pipeline a mark names, as :func:`~dialogcode.stamps.pipeline_name` names it: a
    mark from an earlier version holds a pipeline folder's full path (perhaps of another
    machine, so the folder need not be there)."""
    if not isinstance(marked, str):
        return None
    return PurePath(marked).name if os.path.isabs(marked) else marked


def prune_superseded(folder: Path, model: str) -> None:
    """Remove the folders beside ``folder`` that its key supersedes for ``model`` (its
    :func:`~dialogcode.stamps.pipeline_name`)."""
    now = time.time()
    for other in sorted(folder.parent.iterdir()):
        files = _superseded(other, folder, model, now)
        for file in files or []:
            file.unlink(missing_ok=True)
        if files is not None:
            try:
                other.rmdir()
            except OSError:         # a file came meanwhile: the folder stays
                pass
