"""Which stages of `dialogcode run` are up to date.

A stage's *fingerprint* hashes the content of everything it reads (files and
settings); its *code* hashes what does the work (:func:`toolkit`: the toolkit's source
and the versions of the libraries and of the spaCy pipeline that compute its results).
After a stage succeeds, its fingerprint, its code and the size, modification time and SHA-256 of every file it
wrote (every file in the folders it wrote) are saved in ``out/stamps.json``. Next time
the stage is skipped only when the fingerprint and the code are the same and each of
those files is still there as it was written (a file with another time is hashed
again). So an upgrade, or an edit of the toolkit's code, runs every stage again, and an
output deleted, truncated, or rewritten by a single command with other settings
(`dialogcode ingest --unit sentence`, `dialogcode code --codebook ...`) makes it run
again. Because later stages fingerprint the tables earlier stages wrote, a stage that
re-runs but writes identical tables does not wake the next one.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .store import replacing

NAME = "stamps.json"
CODED_WITH = "coded_with"   # not a stage: the learned model `code` last applied
PACKAGE = Path(__file__).parent
# the libraries whose upgrade can change what a stage computes: spacy-lookups-data holds
# the lemmas the default pipeline matches, wordllama the vectors of `semantic: wordllama`
LIBRARIES = ("numpy", "pandas", "pyarrow", "scikit-learn", "scipy", "spacy",
             "spacy-lookups-data", "wordllama")


PIPELINE_BYTES = 64 * 2**20     # files of a pipeline folder hashed whole, up to this size


@cache
def toolkit(model: str = "blank") -> str:
    """SHA-256 of the code behind every stage: every file of the dialogcode package
    (source, templates, data), the installed versions of :data:`LIBRARIES` and the
    spaCy pipeline ``model`` (:func:`pipeline_stamp`). Any change of it (an upgrade, a
    pipeline saved again in its folder, a `git pull` of an
    editable install, an edit) runs every stage again once: a stage's tables are then
    those its current code writes."""
    digest = hashlib.sha256(version("dialogcode").encode())
    for file in _files(PACKAGE):
        if file.suffix != ".pyc":
            digest.update(f"\0file {file.relative_to(PACKAGE).as_posix()}\0".encode())
            digest.update(file.read_bytes())
    for package in LIBRARIES:
        digest.update(f"\0{package} {_version(package)}".encode())
    digest.update(f"\0pipeline {pipeline_stamp(model)}".encode())
    return digest.hexdigest()


def _version(package: str) -> str:
    """``package``'s installed version, or ``absent``."""
    try:
        return version(package)
    except (PackageNotFoundError, ValueError):
        return "absent"


def pipeline_name(model: str) -> str:
    """Which spaCy pipeline ``model`` is by name, the same wherever the study is and
    whatever its version: the default's or an installed package's name as given, a
    folder's own name (``model: /path/to/pipeline`` is ``pipeline``). Looked for as
    spaCy loads them: the default pipeline and an installed package before a folder of
    that name. Files a study carries to other machines (model.json, evaluation.json, the
    token cache's marks) name a pipeline so, or by its :func:`pipeline_stamp`."""
    if model == "blank" or _installed(model) or not Path(model).is_dir():
        return model
    return Path(model).resolve().name


def pipeline_stamp(model: str) -> str:
    """Which spaCy pipeline ``model`` is, cheaply: an installed package's name and
    version; a folder's :func:`pipeline_name`, and ``name`` and
    ``version`` from its meta.json with a hash of the names and sizes of its files and
    the bytes of those up to :data:`PIPELINE_BYTES` (weights trained again keep their
    size; large word vectors are left at their size), so a pipeline saved again over the
    folder is another pipeline, and the same folder in a study moved or copied elsewhere
    the same one; ``absent`` for neither. The default (``blank``) is spacy.blank("en")
    with the lookup lemmas of spacy-lookups-data: both versions, since an upgrade of
    either may tokenise or lemmatise otherwise (token caches and models made before are
    then not used)."""
    if model == "blank":
        return f"blank (spaCy {_version('spacy')}, spacy-lookups-data " \
               f"{_version('spacy-lookups-data')})"
    if installed := _installed(model):
        return f"{model} {installed}"
    folder = Path(model)
    if folder.is_dir():
        digest = hashlib.sha256()
        for file in _files(folder):
            name = file.relative_to(folder).as_posix()
            size = file.stat().st_size
            digest.update(f"\0{name} {size}".encode())
            if size <= PIPELINE_BYTES:
                digest.update(_sha256(file).encode())
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            named = f"{meta.get('name')} {meta.get('version')}"
        except (OSError, ValueError, AttributeError):
            named = "without a readable meta.json"
        return f"{pipeline_name(model)} (folder: {named}, {digest.hexdigest()[:16]})"
    return f"{model} absent"


def _installed(model: str) -> str | None:
    """The version of the installed package ``model``, None when there is none."""
    try:
        return version(model)
    except (PackageNotFoundError, ValueError):
        return None


def fingerprint(*parts: str | Path | None) -> str:
    """SHA-256 over strings and the bytes of files (a missing file hashes as absent; a
    folder, such as a Parquet dataset, as its files in order)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path) and part.is_dir():
            for file in _files(part):
                digest.update(f"\0file {file.relative_to(part).as_posix()}\0".encode())
                digest.update(file.read_bytes())
        elif isinstance(part, Path):
            digest.update(f"\0file {part.name}\0".encode())
            digest.update(part.read_bytes() if part.is_file() else b"\0absent")
        else:
            digest.update(f"\0{part}".encode())
    return digest.hexdigest()


class Stamps:
    """The fingerprints of the stages last completed in ``out``, and what they wrote."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / NAME
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        self.saved = saved if isinstance(saved, dict) else {}

    def current(self, stage: str, key: str, code: str) -> bool:
        """True when ``stage`` last completed with inputs ``key`` and the code ``code``
        (:func:`toolkit`), and every file it wrote is as it wrote it."""
        saved = self.saved.get(stage)
        return (isinstance(saved, dict) and saved.get("inputs") == key
                and not self.recoded(stage, code)
                and isinstance(saved.get("outputs"), dict) and not self.damaged(stage))

    def recoded(self, stage: str, code: str) -> bool:
        """True when ``stage`` last completed with code other than ``code``, or with a
        toolkit that did not record its code."""
        saved = self.saved.get(stage)
        return isinstance(saved, dict) and saved.get("code") != code

    def damaged(self, stage: str) -> list[Path]:
        """The files ``stage`` wrote when it last completed that are missing or changed."""
        saved = self.saved.get(stage)
        outputs = saved.get("outputs") if isinstance(saved, dict) else None
        if not isinstance(outputs, dict):
            return []
        return [self.out / name for name, seen in outputs.items()
                if not _unchanged(self.out / name, seen)]

    def record(self, stage: str, key: str, code: str, outputs: list[Path]) -> None:
        """Save that ``stage`` completed with inputs ``key`` and code ``code`` and wrote
        ``outputs`` (files, or folders whose files all count), all inside ``out``."""
        self._save(stage, {"inputs": key, "code": code, "outputs": self._states(outputs)})

    def record_model(self, training: str, codings: list[Path]) -> None:
        """Save that `dialogcode code` wrote ``codings`` (the codings table's files)
        applying the learned model of training digest ``training``
        (:func:`~dialogcode.learned.model_digest`; "" for the rules alone), which says
        so even when the model coded nothing."""
        self._save(CODED_WITH, {"model": training, "outputs": self._states(codings)})

    def coded_with(self) -> str | None:
        """The training digest of the learned model `dialogcode code` applied when it
        wrote the codings table as it is now, "" when it coded with the rules alone;
        None when that was not recorded or the table changed since."""
        saved = self.saved.get(CODED_WITH)
        if not (isinstance(saved, dict) and isinstance(saved.get("model"), str)
                and saved.get("outputs")) or self.damaged(CODED_WITH):
            return None
        return saved["model"]

    def _states(self, outputs: list[Path]) -> dict:
        files = sorted({f for path in outputs for f in _files(path)})
        return {f.relative_to(self.out).as_posix(): _state(f) for f in files}

    def _save(self, name: str, entry: dict) -> None:
        """Write ``entry`` under ``name``, over the file as it is now: `run` and the
        `code` it runs each record their own entries."""
        self.saved = {**Stamps(self.out).saved, name: entry}
        with replacing(self.path) as temporary:
            temporary.write_text(json.dumps(self.saved, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")


def _files(path: Path) -> list[Path]:
    """The files of a folder (not hidden ones, nor those in hidden folders such as .git),
    or ``path`` itself."""
    if path.is_dir():
        return [f for f in sorted(path.rglob("*")) if f.is_file() and not any(
            part.startswith(".") for part in f.relative_to(path).parts)]
    return [path] if path.is_file() else []


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _state(path: Path) -> list:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns, _sha256(path)]


def _unchanged(path: Path, seen) -> bool:
    """True when ``path`` has the size and content recorded in ``seen`` (its content is
    hashed only when its time differs)."""
    if not (isinstance(seen, list) and len(seen) == 3):
        return False
    size, time, digest = seen
    try:
        status = path.stat()
        return status.st_size == size and (status.st_mtime_ns == time
                                           or _sha256(path) == digest)
    except OSError:
        return False
