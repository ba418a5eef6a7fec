"""One command at a time per study: a lock file in the study folder.

A command that works on a study holds ``.dialogcode.lock`` in its folder while it runs;
the file says who holds it (process id, host, command, since when). Another command
waits up to :data:`WAIT` seconds (or ``DIALOGCODE_LOCK_WAIT``) for it, then refuses,
naming the lock and its holder. A lock whose process no longer runs on this machine (it
crashed or was killed) is taken over. On Windows, and for a lock taken on another
machine, whether the holder still runs cannot be told, so such a lock is never taken
over: the message says to delete it. A command that only reads may read a study none
of whose folders can be written (a colleague's study on a read-only share) without the
lock.
"""
from __future__ import annotations

import errno
import json
import os
import secrets
import socket
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .errors import DialogcodeError

LOCK = ".dialogcode.lock"
# what creating a file in a folder one may not write raises: no permission, a
# read-only file system
_READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)
WAIT = 10.0
WAIT_VARIABLE = "DIALOGCODE_LOCK_WAIT"


class LockedError(DialogcodeError):
    """Another process is working on the study, or the lock cannot be taken."""


@contextmanager
def study_lock(root: Path, command: str = "dialogcode", *, wait: float | None = None,
               reading: bool = False) -> Iterator[Path | None]:
    """Hold the lock of the study in folder ``root`` for the block, waiting up to
    ``wait`` seconds (default: ``DIALOGCODE_LOCK_WAIT`` or :data:`WAIT`) for another
    holder. Yields the lock's path. With ``reading`` (a command that may write nothing
    in the study), a study where the lock cannot be made and no folder can be written (a
    read-only share) is read without it, once no running process holds it; then yields
    None. Raises LockedError."""
    path = Path(root) / LOCK
    wait = _wait() if wait is None else wait
    mine = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
            "token": secrets.token_hex(8)}
    held = _take(path, mine, wait, reading)
    try:
        yield path if held else None
    finally:
        if held and (_holder(path) or {}).get("token") == mine["token"]:
            path.unlink(missing_ok=True)


def _take(path: Path, mine: dict, wait: float, reading: bool) -> bool:
    """Take the lock for :func:`study_lock`: True when taken, False when ``reading``
    goes on without it in a study where it cannot be made and no folder can be written
    (:func:`_read_only`: `agree` without -o still writes its tables into ``out/``)."""
    deadline = time.monotonic() + wait
    read_only = None                # whether the study is wholly read-only, once asked
    while True:
        try:
            if _create(path, mine):
                return True
            unwritable = False
        except OSError as exc:
            if read_only is None:
                read_only = (reading and exc.errno in _READ_ONLY
                             and _read_only(path.parent))
            if not read_only:
                raise LockedError(
                    f"cannot create the study's lock file ({exc.strerror}) in {path.parent}"
                    + (": this command writes to the study, so its folder must be "
                       "writable (`kwic`, `agree -o` and `review export -o` to a file "
                       "elsewhere read a study none of whose folders can be written)"
                       if exc.errno in _READ_ONLY else ""), file=path) from None
            unwritable = True
        holder = _holder(path)
        if holder is None or _stale(holder):
            if unwritable:          # nobody writes the study: read it as it is
                return False
            if holder is not None and _holder(path) == holder:  # nobody took it over
                _remove(path)
            continue
        if time.monotonic() >= deadline:
            raise LockedError(_refusal(holder, wait), file=path)
        time.sleep(0.1)


def _read_only(root: Path) -> bool:
    """True when no folder of the study in ``root`` can be written (a read-only share),
    so a command that reads it cannot write into it either."""
    return not any(os.access(folder, os.W_OK) for folder, _, _ in os.walk(root))


def _wait() -> float:
    raw = os.environ.get(WAIT_VARIABLE, "")
    if not raw.strip():
        return WAIT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds >= 0:
        raise LockedError(f"{WAIT_VARIABLE} must be a number of seconds, not {raw!r}")
    return seconds


def _create(path: Path, record: dict) -> bool:
    """Create the lock holding ``record``; False when it exists already. Raises
    OSError when it cannot be made."""
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as lock:
        json.dump(record, lock)
    return True


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise LockedError(f"cannot remove the lock its ended process left ({exc.strerror})",
                          file=path) from None


def _holder(path: Path) -> dict | None:
    """The lock's record; None when there is no lock, {} when it cannot be read (it is
    being written, or is damaged)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _stale(record: dict) -> bool:
    """True when the lock's process ran on this machine and has ended."""
    pid = record.get("pid")
    if os.name == "nt" or record.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:        # runs, as another user
        return False
    return False


def _refusal(holder: dict, wait: float) -> str:
    who = (f"process {holder['pid']} on {holder.get('host', '?')} "
           f"(`{holder.get('command', '?')}`, since {holder.get('since', '?')})"
           if "pid" in holder else "an unknown process (the lock file cannot be read)")
    return (f"the study is in use by {who}; waited {wait:g} s. Run the command again when "
            "it has finished; if that process no longer runs, delete this file")
