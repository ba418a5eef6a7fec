"""Learned coding against human coding, cross-validated by document (bench/README.md).

For each semantic representation (none, lsa, wordllama) and each threshold rule
(`learn: threshold` precision or f1), runs `dialogcode evaluate`'s cross-validation on

  sample   the bundled sample study against codings/reader.csv (12 documents);
  answers  ../shared/data/human-coded-answers (real, not written for this toolkit):
           90 answers with human-coded spans (inline markup), one document per answer,
           cut into sentences, the code descriptions imported as a spreadsheet codebook
           (human-only codes, no patterns), the spans imported with `import-codings`;

and prints micro precision, recall and F1 of rules, model, rules + model and the plain
scikit-learn baseline (TF-IDF + one balanced logistic regression per code) on the same
folds, and the time `learn` + applying the model take on the sample study (with its
ratio to rule coding from an empty token cache, timed in the same process).

    python bench/learn.py [--only sample|answers] [--semantic lsa,wordllama,none]
                          [--threshold precision,f1]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode import Study, ingest, load_corpus, write_corpus  # noqa: E402
from dialogcode.codebook import load_codebooks  # noqa: E402
from dialogcode.coders import CodingsError, write_coder  # noqa: E402
from dialogcode.coding import code_corpus  # noqa: E402
from dialogcode.evaluate import ALL, study_evaluation  # noqa: E402
from dialogcode.importers import import_codings  # noqa: E402
from dialogcode.interchange import write_codebook_yaml  # noqa: E402
from dialogcode.interchange.spreadsheet import import_spreadsheet  # noqa: E402
from dialogcode.learned import learn_study, with_model  # noqa: E402

ANSWERS = ROOT.parent / "shared" / "data" / "human-coded-answers"


def sample_study(folder: Path) -> Study:
    """A copy of the bundled sample study in ``folder``, ingested."""
    shutil.copytree(ROOT / "corpora" / "sample-study", folder,
                    ignore=shutil.ignore_patterns("out"))
    config = folder / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "../../codebooks", str(ROOT / "codebooks")), encoding="utf-8")
    study = Study.open(folder)
    write_corpus(ingest(study), study.out)
    return study


def answers_study(folder: Path) -> Study:
    """A study of the human-coded answers: a .txt per answer, sentences as segments."""
    coded = pd.read_csv(ANSWERS / "bopp_test_coded_texts.csv", encoding="utf-8")
    (folder / "transcripts").mkdir(parents=True)
    (folder / "codebooks").mkdir()
    (folder / "markup").mkdir()
    rows = []
    for n, (text, markup) in enumerate(zip(coded["text"], coded["coded_text"]), start=1):
        name = f"answer{n:03d}"
        (folder / "transcripts" / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / "markup" / f"{name}.md").write_text(markup, encoding="utf-8")
        rows.append((f"{name}.txt", "answers", "survey", "2024-01-01"))
    pd.DataFrame(rows, columns=["file", "site", "event_type", "date"]).to_csv(
        folder / "manifest.csv", index=False)
    descriptions = pd.read_csv(ANSWERS / "bopp_test_code_descriptions.csv")
    descriptions.rename(columns={"description": "definition"}).to_csv(
        folder / "codebooks.csv", index=False)
    write_codebook_yaml(import_spreadsheet(folder / "codebooks.csv"),
                        folder / "codebooks" / "answers.yaml")
    (folder / "dialogcode.yaml").write_text("title: answers\nunit: sentence\n"
                                            "lessons: null\n", encoding="utf-8")
    study = Study.open(folder)
    corpus = ingest(study)
    write_corpus(corpus, study.out)
    book = load_codebooks(study.codebook_files())
    parts, refused = [], 0
    for path in sorted((folder / "markup").glob("*.md")):
        try:
            result = import_codings(path, corpus, book, coder="human", fmt="markup",
                                    document=path.stem, skip_unlocated=True,
                                    skip_unmapped=True)
        except CodingsError:      # the coder's copy differs from the answer's text
            refused += 1
            continue
        parts.append(result.codings)
    codings = pd.concat(parts, ignore_index=True)
    write_coder(study, "human", codings)
    print(f"answers: {len(parts)} coded answers imported ({refused} refused: the coded copy "
          f"differs from the text), {len(codings)} codings of "
          f"{codings['code_id'].nunique()} codes, {len(corpus.segments)} sentences")
    return study


def cross_validate(study: Study, reference: str, semantic: str, threshold: str
                   ) -> pd.DataFrame:
    """The overall figures of `dialogcode evaluate`'s cross-validation against
    ``reference`` (:func:`~dialogcode.evaluate.study_evaluation`, coder scopes and all),
    with ``semantic`` and ``threshold`` as the study's `learn:` settings."""
    corpus = load_corpus(study)
    book = load_codebooks(study.codebook_files())
    rules = code_corpus(corpus.segments, corpus.documents, book, model=study.config.model,
                        cache_dir=study.out / "cache")
    study.config.learn.semantic, study.config.learn.threshold = semantic, threshold
    table = study_evaluation(study, reference, rules, corpus=corpus, book=book)[0].per_code
    return table[table["code_id"] == ALL][["method", "precision", "recall", "f1",
                                           "f1_low", "f1_high"]]


def learn_time(study: Study, semantic: str) -> tuple[float, float, float]:
    """(wall-clock, CPU) seconds of `learn` + applying the model (CPU time is steadier
    on a shared machine), and the CPU seconds of the baseline measured just before in
    this process: rule coding of the same study from an empty token cache."""
    study.config.learn.semantic = semantic
    corpus = load_corpus(study)
    book = load_codebooks(study.codebook_files())
    cpu = time.process_time()
    with tempfile.TemporaryDirectory() as cache:
        code_corpus(corpus.segments, corpus.documents, book, model=study.config.model,
                    cache_dir=Path(cache))
    baseline = time.process_time() - cpu
    rules = code_corpus(corpus.segments, corpus.documents, book, model=study.config.model,
                        cache_dir=study.out / "cache")
    start, cpu = time.perf_counter(), time.process_time()
    learn_study(study, corpus, book)
    with_model(study, corpus, book, rules, model=study.config.model)
    return time.perf_counter() - start, time.process_time() - cpu, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sample", "answers"])
    parser.add_argument("--semantic", default="none,lsa,wordllama")
    parser.add_argument("--threshold", default="precision,f1")
    args = parser.parse_args()
    semantics = args.semantic.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        studies = []
        if args.only in (None, "sample"):
            studies.append(("sample study vs reader", sample_study(Path(tmp) / "sample"),
                            "reader"))
        if args.only in (None, "answers") and ANSWERS.is_dir():
            studies.append(("human-coded answers", answers_study(Path(tmp) / "answers"),
                            "human"))
        for name, study, reference in studies:
            for semantic in semantics:
                for threshold in args.threshold.split(","):
                    table = cross_validate(study, reference, semantic, threshold)
                    print(f"\n{name}, semantic={semantic}, threshold={threshold}", flush=True)
                    print(table.round(3).to_string(index=False), flush=True)
        if args.only in (None, "sample"):
            for semantic in semantics:
                wall, cpu, baseline = learn_time(studies[0][1], semantic)
                print(f"learn + apply on the sample study, {semantic}: {wall:.1f} s "
                      f"({cpu:.1f} s of CPU, {cpu / baseline:.2f}x the CPU of rule coding "
                      f"from an empty cache, {baseline:.1f} s, in this process)")


if __name__ == "__main__":
    main()
