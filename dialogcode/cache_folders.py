"""The token cache's folders (``out/cache/<key>/``, :class:`dialogcode.coding.DocCache`):
each is marked with the pipeline it tokenised with, and a run that makes the folder of
a new key removes the folders that key supersedes.

A key changes with the cache's format or the pipeline's version; the folder of the old
key is then never read again. Superseded folders are those beside the new one that are
marked with the same ``model`` (a pipeline name or folder, as dialogcode.yaml gives it)
and another key, and unmarked folders named like keys that hold nothing but token files
of some cache format (written before folders were marked). The new folder, the folders of other pipelines
and anything else in the cache folder are left alone.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from pathlib import Path

MARK = "cache.json"
KEY_NAME = re.compile(r"[0-9a-f]{12}")
# a token file of any cache format: a document's SHA-256, its unit, ... (hidden while
# written)
TOKEN_FILE = re.compile(r"\.?[0-9a-f]{64}-.+")


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
    ``model``'s; when this call makes it, remove the folders it supersedes. A folder
    made before folders were marked is marked now, so it is never taken for a stale one."""
    if folder.is_dir():
        if _mark(folder) is None:
            _write_mark(folder, model, folder.name)
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    # made whole under another name, so no one sees it unmarked
    made = folder.with_name(f".{folder.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    made.mkdir()
    _write_mark(made, model, folder.name)
    try:
        os.rename(made, folder)
    except OSError:             # another process made it first: it prunes
        shutil.rmtree(made, ignore_errors=True)
        return
    prune_superseded(folder, model)


def prune_superseded(folder: Path, model: str) -> None:
    """Remove the folders beside ``folder`` that its key supersedes for ``model``."""
    for other in sorted(folder.parent.iterdir()):
        if other == folder or not other.is_dir() or not KEY_NAME.fullmatch(other.name):
            continue
        mark = _mark(other)
        if mark is None and (other / MARK).exists():
            continue                # a mark that does not read: not ours to judge
        if (mark is not None and mark.get("model") == model) or (
                mark is None and all(TOKEN_FILE.fullmatch(p.name) for p in other.iterdir())):
            shutil.rmtree(other, ignore_errors=True)
