"""Speed of the term reader (dialogcode/features.py) against an earlier commit's, in one
process, on the turns of the 60 meetings of ``../shared/data/meeting-topics`` and of the
NYC hearing (bench/README.md, "Term reader").

    python bench/term_reader.py [--against 3042a25] [--repeats 5]

Both readers read the same spaCy docs (the ``blank`` pipeline) in turn; each figure is
the best of ``--repeats`` CPU times, with a fresh reader each time (its word cache
filled as it reads). Prints the ratio of the current reader's time to the earlier one's
and how many turns got other terms.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode import features  # noqa: E402
from dialogcode.nlp import load_pipeline  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def earlier_features(commit: str, folder: Path):
    """dialogcode/features.py of ``commit``, imported as dialogcode._earlier_features."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:dialogcode/features.py"],
                            check=True, capture_output=True, text=True).stdout
    path = folder / "features.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("dialogcode._earlier_features", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def corpora() -> dict[str, list[str]]:
    """The turns' texts of the meetings and of the hearing (consecutive rows of one
    speaker)."""
    meetings = []
    for path in sorted((DATA / "meeting-topics" / "transcripts").glob("*.json")):
        meetings += [turn["text"] for turn in json.loads(path.read_text(encoding="utf-8"))]
    hearing, last = [], None
    rows = json.loads((DATA / "nyc-housing-hearing" / "transcript.json").read_text(
        encoding="utf-8"))
    for row in rows:
        if row["speaker"] == last:
            hearing[-1] += " " + row["text"]
        else:
            hearing.append(row["text"])
            last = row["speaker"]
    return {"meetings": meetings, "hearing": hearing}


def best_time(module, nlp, docs, repeats: int):
    times = []
    for _ in range(repeats):
        reader, surfaces = module._TermReader(nlp), defaultdict(Counter)
        start = time.process_time()
        terms = [reader.read(doc, surfaces)[0] for doc in docs]
        times.append(time.process_time() - start)
    return min(times), terms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="3042a25")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    nlp = load_pipeline("blank")
    with tempfile.TemporaryDirectory() as folder:
        earlier = earlier_features(args.against, Path(folder))
    for name, texts in corpora().items():
        docs = list(nlp.pipe(texts, batch_size=1000))
        before, old_terms = best_time(earlier, nlp, docs, args.repeats)
        now, new_terms = best_time(features, nlp, docs, args.repeats)
        differ = sum(a != b for a, b in zip(old_terms, new_terms))
        print(f"{name}: {len(docs)} turns, {sum(map(len, docs))} tokens; {args.against} "
              f"{before:.3f} s CPU, now {now:.3f} s, ratio {now / before:.2f}; "
              f"{differ} turns with other terms")


if __name__ == "__main__":
    main()
