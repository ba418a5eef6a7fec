"""Does `review export --next` pick the codings that help most? (bench/README.md)

Simulates the learning loop with a human coder as the oracle, cross-validated by
document: in each outer fold (the folds `dialogcode evaluate` makes) the test documents
are never coded nor seen by the model. On the training documents a person starts from
a seed of whole documents (the same for every strategy), then each round codes ``N``
more segments chosen by a strategy, their reference codings are revealed (a partly read
document counts only its read segments), the model is retrained with the product's own
fit (`learn`, the study's settings) on the codebook examples, the other coders' codings
outside the test documents (on the sample, codings/team.csv's 33 documents) and the
revealed segments, each code's cut checked on the `learn: reference` coder's revealed
labels as `learn` checks it, and rules + model are scored on the test documents
(micro precision, recall and F1 of every coding as applied, as `evaluate` counts them).

Strategies, on the same folds and seed documents:

  next    the product's choice: :func:`dialogcode.active.next_items`, what
          `review export --next` and the browser's queue call, given the current model;
  random  segments drawn at random (several seeds);
  docs    whole documents read in a fixed order (the seed documents' order), what a
          researcher does without the tool.

Counts are pooled over folds (and averaged over the random seeds) before the figures
are computed. The study is the sample study against codings/reader.csv, or the
human-coded answers (bench/learn.py) against their human coder.

    python bench/active.py [--only sample|answers] [--n 25] [--rounds 12] [--folds 5]
                           [--seeds 5] [--seed-docs 2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dialogcode import Study, load_corpus  # noqa: E402
from dialogcode.active import next_items  # noqa: E402
from dialogcode.codebook import load_codebooks  # noqa: E402
from dialogcode.coders import read_coder  # noqa: E402
from dialogcode.coding import code_corpus  # noqa: E402
from dialogcode.learned import fit_training, reference_training, segment_scores  # noqa: E402
from dialogcode.tables import descendants, substantive  # noqa: E402
from dialogcode.training import read_segments, training_data  # noqa: E402
from learn import answers_study, sample_study  # noqa: E402


class Loop:
    """One study's simulation: the reference's truth on the substantive segments it read,
    the rules' codings, the study's training data (every coder `learn` learns from, which
    must include the reference, and the codebook examples) and the `learn: reference`
    coder's own (:func:`~dialogcode.learned.reference_training`, None without one)."""

    def __init__(self, study: Study, reference: str):
        self.study = study
        self.settings = study.config.learn
        corpus = load_corpus(study)
        self.segments, self.documents = corpus.segments, corpus.documents
        self.book = load_codebooks(study.codebook_files())
        self.cache = study.out / "cache"
        self.rules = code_corpus(self.segments, self.documents, self.book,
                                 model=study.config.model, cache_dir=self.cache)
        self.data = training_data(study, self.segments, self.book, documents=self.documents)
        self.judged = reference_training(study, corpus, self.book)
        truth = read_coder(study.root / "codings" / f"{reference}.csv", self.segments)
        self.test = self.segments[substantive(self.segments) & self.segments["seg_id"].isin(
            read_segments(truth, self.segments))].reset_index(drop=True)
        codes = self.data.codes
        index = {c: i for i, c in enumerate(codes)}
        position = {s: i for i, s in enumerate(self.test["seg_id"])}
        self.truth = np.zeros((len(self.test), len(codes)), dtype=bool)
        unknown = np.zeros_like(self.truth)
        self.ruled = np.zeros_like(self.truth)
        for seg_id, code_id in zip(truth["seg_id"], truth["code_id"]):
            if seg_id not in position or code_id not in self.book.codes:
                continue
            if code_id in index:
                self.truth[position[seg_id], index[code_id]] = True
            else:       # a category: which of its codes applies is unknown (as evaluate)
                unknown[position[seg_id], [index[c] for c in descendants(self.book, code_id)
                                           if c in index]] = True
        self.known = ~unknown | self.truth
        for seg_id, code_id in zip(self.rules["seg_id"], self.rules["code_id"]):
            if seg_id in position and code_id in index:
                self.ruled[position[seg_id], index[code_id]] = True

    def folds(self, k: int) -> list[set[str]]:
        """Each outer fold's test documents, as `dialogcode evaluate` splits them."""
        splits = GroupKFold(n_splits=k).split(self.test, groups=self.test["doc_id"])
        return [set(self.test["doc_id"].iloc[rows]) for _, rows in splits]

    def fit(self, coded: set[str], held: set[str]):
        """The product's fit on the codebook examples, the ``coded`` segments and the
        other coders' segments outside the ``held`` documents (a segment the reference
        read counts once it is coded, whoever else coded it)."""
        hidden = np.isin(self.data.item_ids, list(set(self.test["seg_id"]) - coded))
        rows = np.flatnonzero((self.data.origin == "example")
                              | ~(np.isin(self.data.doc_ids, list(held)) | hidden))
        s = self.settings
        return fit_training(self.data.subset(rows), self.book, model=self.study.config.model,
                            semantic=s.semantic, min_precision=s.min_precision,
                            threshold=s.threshold, min_positives=s.min_positives,
                            folds=s.folds, judged=self.judged)

    def counts(self, models, held: set[str]) -> np.ndarray:
        """(tp, fp, fn) of rules + model on the ``held`` documents."""
        rows = self.test.index[self.test["doc_id"].isin(held)].to_numpy()
        usable, scores = segment_scores(models, self.segments[self.segments["doc_id"].isin(
            held)], self.documents, self.rules, cache_dir=self.cache)
        scores = scores[usable["seg_id"].isin(self.test["seg_id"].iloc[rows]).to_numpy()]
        predicted = self.ruled[rows] | (scores >= models.thresholds[None, :])
        truth, known = self.truth[rows], self.known[rows]
        return np.array([(predicted & truth).sum(), (predicted & ~truth & known).sum(),
                         (~predicted & truth).sum()])


def run_fold(loop: Loop, held: set[str], strategy: str, seed: int, args,
             picks: list[bool]) -> list[np.ndarray]:
    """Counts after each round (round 0: the seed documents only). For `next`, appends
    to ``picks`` whether each pick holds a rule coding of a code with no model."""
    pool = loop.test[~loop.test["doc_id"].isin(held)]
    order = list(np.random.default_rng(0).permutation(sorted(set(pool["doc_id"]))))
    reading = pool.assign(rank=pool["doc_id"].map({d: i for i, d in enumerate(order)})
                          ).sort_values(["rank", "ordinal"], kind="stable")["seg_id"].tolist()
    coded = set(pool.loc[pool["doc_id"].isin(order[:args.seed_docs]), "seg_id"])
    train_segments = loop.segments[loop.segments["doc_id"].isin(set(pool["doc_id"]))]
    rng = np.random.default_rng(seed)
    out = []
    for round_ in range(args.rounds + 1):
        models = loop.fit(coded, held)
        out.append(np.append(loop.counts(models, held), len(coded)))
        left = [s for s in reading if s not in coded]
        if round_ == args.rounds or not left:
            break
        if strategy == "next":
            chosen = next_items(models, train_segments, loop.documents, loop.rules, coded,
                                args.n, cache_dir=loop.cache)
            picked = list(dict.fromkeys(chosen["seg_id"]))
            rare = chosen[(chosen["source"] == "rule") & chosen["score"].isna()]
            picks += [s in set(rare["seg_id"]) for s in picked]
        elif strategy == "random":
            picked = list(rng.choice(left, size=min(args.n, len(left)), replace=False))
        else:
            picked = left[:args.n]
        coded |= set(picked)
    return out


def table(results: dict[str, list[list[np.ndarray]]]) -> pd.DataFrame:
    """results: strategy -> per seed, per fold, a rounds x (tp, fp, fn, coded) array.
    Counts are summed over folds, then averaged over seeds."""
    rows = []
    for strategy, seeds in results.items():
        rounds = min(len(r) for folds in seeds for r in folds)
        pooled = np.mean([np.sum([r[:rounds] for r in folds], axis=0) for folds in seeds],
                         axis=0)
        n_folds = len(seeds[0])
        for n, (tp, fp, fn, coded) in enumerate(pooled):
            rows.append({"round": n, "strategy": strategy, "coded": coded / n_folds,
                         "precision": tp / (tp + fp) if tp + fp else np.nan,
                         "recall": tp / (tp + fn), "f1": 2 * tp / (2 * tp + fp + fn)})
    frame = pd.DataFrame(rows)
    return frame.pivot(index="round", columns="strategy",
                       values=["coded", "precision", "recall", "f1"]).round(3)


def f1(counts: np.ndarray) -> float:
    tp, fp, fn = counts[:3]
    return 2 * tp / (2 * tp + fp + fn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sample", "answers"], default="sample")
    parser.add_argument("--n", type=int, default=25, help="segments coded per round")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5, help="seeds of the random strategy")
    parser.add_argument("--seed-docs", type=int, default=2,
                        help="whole documents coded before the first round")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only == "sample":
            loop = Loop(sample_study(Path(tmp) / "sample"), "reader")
        else:
            loop = Loop(answers_study(Path(tmp) / "answers"), "human")
        folds = loop.folds(args.folds)
        results: dict[str, list] = {}
        picks: list[bool] = []
        for strategy, seeds in (("next", [0]), ("random", range(args.seeds)), ("docs", [0])):
            results[strategy] = []
            for seed in seeds:
                results[strategy].append([])
                for f, held in enumerate(folds):
                    results[strategy][-1].append(run_fold(loop, held, strategy, seed, args,
                                                            picks))
                    print(f"{strategy}, seed {seed}, fold {f}: "
                          f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    print(f"{args.only}: {len(folds)} folds by document, {args.seed_docs} seed documents, "
          f"{args.n} segments a round, random over {args.seeds} seeds, "
          f"{time.perf_counter() - start:.0f} s")
    figures = table(results)
    print(figures.to_string())
    spread = [[f1(np.sum([r[n] for r in folds], axis=0)) for folds in results["random"]]
              for n in range(len(figures))]
    print("random, F1 over seeds (min - max) by round: " + ", ".join(
        f"{min(v):.3f}-{max(v):.3f}" for v in spread))
    print(f"next: {np.mean(picks):.0%} of {len(picks)} picks hold a rule coding of a code "
          "too rare for a model")


if __name__ == "__main__":
    main()
