"""Which stages of `dialogcode run` are up to date.

A stage's *fingerprint* hashes the content of everything it reads (files and settings)
plus the dialogcode version. After a stage succeeds, its fingerprint and one of the
outputs it wrote are saved in ``out/stamps.json``; next time the stage is skipped when
both are unchanged, so an output deleted, or rewritten by a single command with other
settings (`dialogcode ingest --unit sentence`, `dialogcode code --codebook ...`), makes
it run again. Because later stages fingerprint the tables earlier stages wrote, a stage
that re-runs but writes identical tables does not wake the next one.
"""
from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from .store import replacing

NAME = "stamps.json"


def fingerprint(*parts: str | Path | None) -> str:
    """SHA-256 over strings and the bytes of files (a missing file hashes as absent)."""
    digest = hashlib.sha256(version("dialogcode").encode())
    for part in parts:
        if isinstance(part, Path):
            digest.update(f"\0file {part.name}\0".encode())
            digest.update(part.read_bytes() if part.is_file() else b"\0absent")
        else:
            digest.update(f"\0{part}".encode())
    return digest.hexdigest()


class Stamps:
    """The fingerprints of the stages last completed in ``out``."""

    def __init__(self, out: Path):
        self.path = out / NAME
        try:
            self.saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.saved = {}

    def current(self, stage: str, key: str, outputs: list[Path]) -> bool:
        """True when ``stage`` last completed with ``key`` and wrote ``outputs`` as they
        are now."""
        return self.saved.get(stage) == {"inputs": key, "outputs": fingerprint(*outputs)}

    def record(self, stage: str, key: str, outputs: list[Path]) -> None:
        self.saved[stage] = {"inputs": key, "outputs": fingerprint(*outputs)}
        with replacing(self.path) as temporary:
            temporary.write_text(json.dumps(self.saved, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")
