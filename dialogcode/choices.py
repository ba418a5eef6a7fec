"""The values some command-line options choose from.

They live in a module that imports nothing, so that the command line can describe its
options (`dialogcode X --help`) without loading pandas, spaCy or scikit-learn; the
library modules that act on them import them from here.
"""

BACKENDS = ("tfidf", "spacy-vectors")               # features for clustering
CLUSTER_SEMANTICS = ("none", "wordllama")           # added to them by `cluster --semantic`
EXPORT_FORMATS = ("csv", "parquet", "xlsx", "sqlite")
AGREEMENT_UNITS = ("segment", "span")
CODING_FORMATS = ("offsets", "quotes", "segments", "markup", "qdpx",   # import-codings
                  "maxqda", "atlasti", "taguette", "dedoose")
