"""dialogcode: qualitative coding of dialogue transcripts.

The library behind the ``dialogcode`` command; notebooks call the same functions::

    from dialogcode import Study, ingest
    study = Study.open("corpora/sample-study")
    corpus = ingest(study)
"""
from .errors import (CodebookError, ConfigError, DialogcodeError, IngestError, ManifestError,
                     Problem)
from .ingest import Corpus, ingest, load_corpus, summarize, write_corpus
from .study import Study, init_study

__all__ = ["Study", "init_study", "ingest", "load_corpus", "write_corpus", "summarize",
           "Corpus", "DialogcodeError", "ConfigError", "IngestError", "ManifestError",
           "CodebookError", "Problem"]
