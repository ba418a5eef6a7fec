"""A study folder: dialogcode.yaml, manifest, transcripts/, codebooks/, out/."""
from __future__ import annotations

import glob
import html
import json
import shutil
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from .config import CONFIG_NAME, Config, config_line, load_config
from .errors import ArgumentError, ConfigError, DialogcodeError, Problem, StudyNotFound

DATA = resources.files("dialogcode") / "data"


@dataclass
class Study:
    """An opened study: its folder and validated configuration."""

    root: Path
    config: Config

    @classmethod
    def open(cls, path: str | Path | None = None) -> "Study":
        """Open the study whose folder (or dialogcode.yaml) is ``path``; without a path,
        the study holding the working directory, found there or in a folder above it
        (as git finds a repository).

        A ``model:`` (or ``privacy: model:``) naming a folder of a saved pipeline in
        the study folder becomes its absolute path, so the study codes the same from any
        working directory (an installed package of that name still comes first, as
        spaCy loads them).

        Raises StudyNotFound (an ArgumentError) when there is no study there, ConfigError
        when its dialogcode.yaml is invalid.
        """
        config_path = find_config(path)
        root = config_path.parent.resolve()
        config = load_config(config_path)
        privacy = config.privacy.model_copy(
            update={"model": _pipeline_folder(config.privacy.model, root)})
        return cls(root, config.model_copy(update={
            "model": _pipeline_folder(config.model, root), "privacy": privacy}))

    def path(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    @property
    def transcripts(self) -> Path:
        return self.path(self.config.transcripts)

    @property
    def manifest(self) -> Path | None:
        return self.path(self.config.manifest) if self.config.manifest else None

    @property
    def lessons(self) -> Path | None:
        """lessons.yaml when the config names one and it exists. Raises ConfigError when
        dialogcode.yaml sets ``lessons:`` to another file that is not there (the default,
        lessons.yaml, which `dialogcode init` writes into the config, may be absent)."""
        path = self.path(self.config.lessons) if self.config.lessons else None
        default = Config.model_fields["lessons"].default
        if path is not None and not path.is_file() and self.config.lessons != default:
            raise self.config_error(f"lessons {self.config.lessons!r} is not a file in "
                                    f"{self.root}; write it (see docs/lessons.md), or "
                                    "`lessons: null` for none", "lessons")
        return path if path is not None and path.is_file() else None

    @property
    def out(self) -> Path:
        return self.path(self.config.output)

    def check_output_inside(self, *, allow_outside: bool = False) -> None:
        """Raise ConfigError when ``output:`` is inside the transcripts folder (ingest
        would read the tables written there as transcripts) or names a file, and, unless
        ``allow_outside`` (the CLI's ``--allow-outside``), when it points outside the
        study folder, so that a study folder from elsewhere cannot make dialogcode write
        over other files."""
        config = self.root / CONFIG_NAME
        if self.out.is_relative_to(self.transcripts):
            raise self.config_error(f"output {self.config.output!r} is inside the "
                                    "transcripts folder, where ingest would read the "
                                    "tables written as transcripts; write a folder "
                                    "outside it", "output")
        if self.out.exists() and not self.out.is_dir():
            raise self.config_error(f"output {self.config.output!r} is a file, not a "
                                    "folder; name a folder", "output")
        if not allow_outside and not self.out.is_relative_to(self.root):
            raise ConfigError(f"output {self.config.output!r} is outside the study folder "
                              f"({self.out}); write a folder inside it, or pass "
                              "--allow-outside to write there anyway",
                              file=config, line=config_line(config, "output"))

    def config_error(self, message: str, key: str) -> ConfigError:
        """A ConfigError naming dialogcode.yaml, the line of top-level ``key`` and the key."""
        config = self.root / CONFIG_NAME
        return ConfigError([Problem(message, str(config), config_line(config, key), key)])

    def check_outside_transcripts(self, path: Path) -> None:
        """Raise DialogcodeError naming ``path`` (a file or folder a command was told to
        write) when it is inside the transcripts folder: that folder holds people's files
        only, and `ingest` would read a file written there as a transcript."""
        if Path(path).resolve().is_relative_to(self.transcripts.resolve()):
            raise DialogcodeError("refused: inside the transcripts folder, which holds "
                                  "people's files and which dialogcode never writes to "
                                  "(ingest would read what is written there as a "
                                  "transcript); choose a path outside it", file=Path(path))

    def codebook_files(self) -> list[Path]:
        """Codebook files matched by the config's globs, in a stable order."""
        files: list[Path] = []
        for pattern in self.config.codebooks:
            matched = [Path(p) for p in glob.glob(str(self.root / pattern), recursive=True)]
            if not matched:
                raise self.config_error(f"{pattern!r} matches no file in {self.root}; name "
                                        "the codebook files (a glob such as "
                                        "codebooks/*.yaml) relative to the study folder",
                                        "codebooks")
            if all(m.is_dir() for m in matched):
                raise self.config_error(f"{pattern!r} names the folder {matched[0]}, not "
                                        "codebook files; name the files in it, such as "
                                        f"{pattern.rstrip('/')}/*.yaml", "codebooks")
            # folders a recursive glob (codebooks/**) matches besides the files
            stray = sorted(m for m in matched if not m.is_file()
                           and not (m.is_dir() and "**" in pattern))
            if stray:
                raise self.config_error(f"{pattern!r} matches {stray[0]}, which is not a "
                                        "codebook file (a folder, or a link to nothing); "
                                        "move it or name the codebook files", "codebooks")
            found = sorted(m.resolve() for m in matched if m.is_file())
            files.extend(m for m in found if m not in files)
        return files

    def __repr__(self) -> str:
        return f"Study({self.config.title!r}, root={str(self.root)!r})"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
                       for k, v in self.config.model_dump().items())
        return (f"<b>dialogcode study</b> <code>{html.escape(str(self.root))}</code>"
                f"<table>{rows}</table>")


def _pipeline_folder(model: str | None, root: Path) -> str | None:
    """``model`` as the absolute path of the folder ``root / model`` when there is one
    and no installed package is named ``model``; else as it is."""
    if model is None or model == "blank" or not (root / model).is_dir():
        return model
    try:
        metadata.version(model)
        return model
    except (metadata.PackageNotFoundError, ValueError):
        return str((root / model).resolve())


def find_config(path: str | Path | None = None) -> Path:
    """The dialogcode.yaml of the study at ``path`` (its folder or the file itself), or
    with no path, of the working directory or the nearest folder above it holding one.

    Raises StudyNotFound saying what ``path`` is instead, and which study holds it.
    """
    if path is None:
        here = Path.cwd()
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).is_file():
                return folder / CONFIG_NAME
        raise StudyNotFound(f"no {CONFIG_NAME} in {here} or any folder above it; give "
                            "the study folder, or create a study with `dialogcode init "
                            "DIR`")
    path = Path(path)
    if path.is_file() and path.suffix.lower() in (".yaml", ".yml"):
        return path
    if (path / CONFIG_NAME).is_file():
        return path / CONFIG_NAME
    if not path.exists():
        raise StudyNotFound("no such folder; give a study folder, or create a study with "
                            f"`dialogcode init {path}`", file=path)
    what = "a file" if path.is_file() else "a folder"
    holder = next((folder for folder in path.resolve().parents
                   if (folder / CONFIG_NAME).is_file()), None)
    if holder is not None:
        raise StudyNotFound(f"{what} inside the study {holder}, not a study; give the "
                            "study folder, or leave the study out to find it from here",
                            file=path)
    raise StudyNotFound(f"{what} without a {CONFIG_NAME}, not a study; give a study "
                        "folder, or create a study with `dialogcode init DIR`", file=path)


def init_study(directory: str | Path, *, title: str | None = None) -> Path:
    """Scaffold a study folder and return its path.

    Writes dialogcode.yaml (commented), an empty manifest.csv, transcripts/, out/ and
    codebooks/ holding copies of the shipped codebooks. Raises ArgumentError when the
    folder already holds a study, or is a file, a broken link or a non-empty folder.
    """
    directory = Path(directory)
    if (directory / CONFIG_NAME).exists():
        raise ArgumentError("a study already exists here; dialogcode init never overwrites "
                            "one", file=directory / CONFIG_NAME)
    if directory.is_symlink() and not directory.exists():
        raise ArgumentError("a link to nothing; choose a new folder for the study",
                            file=directory)
    if directory.is_file() or (directory.exists() and any(directory.iterdir())):
        raise ArgumentError(f"{'a file' if directory.is_file() else 'folder is not empty'}"
                            "; choose a new folder for the study", file=directory)
    (directory / "transcripts").mkdir(parents=True)
    (directory / "out").mkdir()
    shutil.copytree(str(DATA / "codebooks"), directory / "codebooks",
                    ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))
    template = (DATA / "dialogcode.yaml").read_text(encoding="utf-8")
    if title:
        template = template.replace("title: Untitled study", f"title: {json.dumps(title)}")
    (directory / CONFIG_NAME).write_text(template, encoding="utf-8")
    (directory / "manifest.csv").write_text((DATA / "manifest.csv").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    return directory
