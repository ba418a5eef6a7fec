"""dialogcode: qualitative coding of dialogue transcripts.

The library behind the ``dialogcode`` command; notebooks call the same functions::

    from dialogcode import Study, ingest
    study = Study.open("corpora/sample-study")
    corpus = ingest(study)

The names below are imported on first use, so that ``import dialogcode`` (and so the
command line) does not load pandas and spaCy before it needs them.
"""
import importlib
import sys
import types

from .errors import (CodebookError, ConfigError, DialogcodeError, IngestError, ManifestError,
                     Problem)

_LAZY = {"Study": "study", "init_study": "study", "ingest": "ingest",
         "load_corpus": "ingest", "write_corpus": "ingest", "summarize": "ingest",
         "Corpus": "ingest"}

__all__ = ["Study", "init_study", "ingest", "load_corpus", "write_corpus", "summarize",
           "Corpus", "DialogcodeError", "ConfigError", "IngestError", "ManifestError",
           "CodebookError", "Problem"]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps ``dialogcode.ingest`` the function: importing the submodule of that name
    would otherwise bind the module over it, as Python does for every submodule."""

    def __setattr__(self, name: str, value) -> None:
        if not (name in _LAZY and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
