"""A study folder: dialogcode.yaml, manifest, transcripts/, codebooks/, out/."""
from __future__ import annotations

import glob
import html
import json
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .config import CONFIG_NAME, Config, load_config
from .errors import ConfigError

DATA = resources.files("dialogcode") / "data"


@dataclass
class Study:
    """An opened study: its folder and validated configuration."""

    root: Path
    config: Config

    @classmethod
    def open(cls, path: str | Path = ".") -> "Study":
        """Open the study whose folder (or dialogcode.yaml) is ``path``.

        Raises ConfigError when there is no dialogcode.yaml or it is invalid.
        """
        path = Path(path)
        config_path = path if path.is_file() else path / CONFIG_NAME
        if not config_path.is_file():
            raise ConfigError(f"no {CONFIG_NAME} here; create a study with "
                              f"`dialogcode init {path}`", file=path)
        return cls(config_path.parent.resolve(), load_config(config_path))

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
        """lessons.yaml when the config names one and it exists."""
        path = self.path(self.config.lessons) if self.config.lessons else None
        return path if path is not None and path.is_file() else None

    @property
    def out(self) -> Path:
        return self.path(self.config.output)

    def codebook_files(self) -> list[Path]:
        """Codebook files matched by the config's globs, in a stable order."""
        files: list[Path] = []
        for pattern in self.config.codebooks:
            matched = sorted(Path(p).resolve() for p in glob.glob(str(self.root / pattern),
                                                                    recursive=True))
            if not matched:
                raise ConfigError(f"codebooks: {pattern!r} matches no file",
                                  file=self.root / CONFIG_NAME)
            files.extend(m for m in matched if m not in files)
        return files

    def __repr__(self) -> str:
        return f"Study({self.config.title!r}, root={str(self.root)!r})"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
                       for k, v in self.config.model_dump().items())
        return (f"<b>dialogcode study</b> <code>{html.escape(str(self.root))}</code>"
                f"<table>{rows}</table>")


def init_study(directory: str | Path, *, title: str | None = None) -> Path:
    """Scaffold a study folder and return its path.

    Writes dialogcode.yaml (commented), an empty manifest.csv, transcripts/, out/ and
    codebooks/ holding copies of the shipped codebooks. Raises ConfigError when the
    folder already holds a study, or is a non-empty folder.
    """
    directory = Path(directory)
    if (directory / CONFIG_NAME).exists():
        raise ConfigError("a study already exists here; dialogcode init never overwrites "
                          "one", file=directory / CONFIG_NAME)
    if directory.exists() and any(directory.iterdir()):
        raise ConfigError("folder is not empty; choose a new folder for the study",
                          file=directory)
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
