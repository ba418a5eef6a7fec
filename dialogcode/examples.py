"""Running a codebook's examples and counter-examples through the matcher."""
from __future__ import annotations

import pandas as pd

from .codebook import Codebook
from .nlp import load_pipeline, text_offsets
from .patterns import CompiledCodebook

EXAMPLE_COLUMNS = ["code_id", "kind", "text", "passed", "matched"]


def test_examples(book: Codebook, *, model: str = "blank") -> pd.DataFrame:
    """One row per example (must be coded) and counter-example (must not be) of every
    code with patterns (a human-only code's examples teach the learned model instead).

    ``passed`` says whether it behaved; ``matched`` shows what the code matched in it
    (quotes and rule ids), which is what a failing example needs to be fixed.
    """
    nlp = load_pipeline(model)
    compiled = CompiledCodebook(book, nlp)
    cases = [(code.id, kind, text) for code in book.codes.values()
             if code.codable and not code.human_only
             for kind, texts in (("example", code.examples),
                                 ("counter_example", code.counter_examples))
             for text in texts]
    rows = []
    for (code_id, kind, text), doc in zip(cases, nlp.pipe(t for _, _, t in cases)):
        hits = [h for h in compiled.match(doc) if h.code_id == code_id]
        quoted = []     # as written
        for hit in hits:
            span = doc[hit.start:hit.end]
            start, end = text_offsets(text, [span.start_char, span.end_char])
            quoted.append(f"{text[start:end]!r} ({hit.rule_id})")
        matched = "; ".join(quoted)
        rows.append((code_id, kind, text, bool(hits) == (kind == "example"), matched))
    return pd.DataFrame(rows, columns=EXAMPLE_COLUMNS)


test_examples.__test__ = False  # not a pytest test, despite the name
