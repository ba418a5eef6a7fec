"""Evidence for `dialogcode cluster` and `dialogcode suggest` (see docs/clustering.md).

    python bench/cluster.py loco [--k-range 4:16]
        Leave-one-code-out on the sample study: for every code with at least 8 coded
        segments, drop its codings and the code, cluster the residual, and score the
        cluster that best matches the code's segments in that residual (F1). Prints the
        per-code table and the median F1. Then the precision of `suggest` (default
        threshold, rule codings only) against the human coding codings/reader.csv on
        the 12 documents it covers.

    python bench/cluster.py gaps
        Calibrates the pattern-gap distance, leave-one-code-out (see :func:`gaps`).

    python bench/cluster.py speed [--segments 100000]
        Builds a corpus of 100,000 segments from sentences of the sample study (and of
        the NYC housing hearing in ../shared/data when present), codes it once (as
        `dialogcode run` would, filling the token cache), then times in a fresh process:
        reading terms from the cache, clustering with k fixed (with and without
        context), clustering with the defaults of `dialogcode cluster` (context, k
        search), and building the patch; prints wall and CPU seconds, the ratio to a
        scikit-learn TF-IDF + MiniBatchKMeans baseline timed in the same process,
        segments per second, the load average and peak memory.

Run `dialogcode run corpora/sample-study -q` first. Nothing here is a timed test.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.cluster import MiniBatchKMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from dialogcode import Study, load_corpus  # noqa: E402
from dialogcode.cluster import cluster_segments  # noqa: E402
from dialogcode.codebook import Codebook, load_codebooks  # noqa: E402
from dialogcode.coding import code_corpus  # noqa: E402
from dialogcode.features import segment_terms  # noqa: E402
from dialogcode.nlp import load_pipeline  # noqa: E402
from dialogcode.patch import codebook_patch  # noqa: E402
from dialogcode.store import read_table  # noqa: E402
from dialogcode.suggest import suggest_codes  # noqa: E402
from dialogcode.tables import rolled_up  # noqa: E402

SAMPLE = ROOT / "corpora" / "sample-study"
HEARING = ROOT.parent / "shared" / "data" / "nyc-housing-hearing" / "transcript.json"
MIN_CODED = 8


def sample_study():
    study = Study.open(SAMPLE)
    corpus = load_corpus(study)
    codings = read_table(study.out, "codings", hint="dialogcode run corpora/sample-study")
    return study, corpus, codings, load_codebooks(study.codebook_files())


def without(book: Codebook, code_id: str) -> Codebook:
    return Codebook({k: c for k, c in book.codes.items() if k != code_id}, book.versions,
                    book.titles, book.sources)


def best_match(assignments: pd.DataFrame, target: set[str]) -> dict:
    """The cluster with the best F1 against ``target`` (seg_ids)."""
    best = {"cluster_id": None, "size": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    for cluster_id, group in assignments.groupby("cluster_id"):
        hits = len(set(group["seg_id"]) & target)
        if hits:
            f1 = 2 * hits / (len(group) + len(target))
            if f1 > best["f1"]:
                best = {"cluster_id": cluster_id, "size": len(group),
                        "precision": hits / len(group), "recall": hits / len(target),
                        "f1": f1}
    return best


def loco(k_range: tuple[int, int]) -> None:
    study, corpus, codings, book = sample_study()
    segments, documents = corpus.segments, corpus.documents
    terms = segment_terms(segments, documents, model=study.config.model,
                          cache_dir=study.out / "cache")
    coded = codings.groupby("code_id")["seg_id"].nunique()
    rows = []
    for code_id in sorted(coded[coded >= MIN_CODED].index):
        rest = codings[codings["code_id"] != code_id]
        result = cluster_segments(segments, documents, rest, without(book, code_id),
                                  k_range=k_range, terms=terms)
        target = set(codings.loc[codings["code_id"] == code_id, "seg_id"]) \
            & set(result.assignments["seg_id"])
        best = best_match(result.assignments, target)
        cluster = result.clusters.set_index("cluster_id")
        found = best["cluster_id"]
        rows.append({"code_id": code_id, "coded": int(coded[code_id]),
                     "in_residual": len(target), "residual": len(result.assignments),
                     "k": int(result.k_report.loc[result.k_report["chosen"], "k"].iloc[0]),
                     "cluster_size": best["size"],
                     "precision": round(best["precision"], 3),
                     "recall": round(best["recall"], 3), "f1": round(best["f1"], 3),
                     "kind": cluster.at[found, "kind"] if found else "",
                     "nearest_code": cluster.at[found, "nearest_code"] if found else ""})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False))
    print(f"\nLeave-one-code-out, {len(table)} codes with >= {MIN_CODED} coded segments, "
          f"k-range {k_range[0]}:{k_range[1]}: MEDIAN F1 = {table['f1'].median():.3f} "
          f"(mean {table['f1'].mean():.3f})")
    suggest_precision(study, corpus, codings, book, terms)


def suggest_precision(study, corpus, codings, book, terms) -> None:
    # rule codings only: the sample's model codings are learned from reader.csv itself,
    # so with them in, suggest would be scored on what the reader's own codings left over
    codings = codings[codings["source"] == "rule"]
    reader = pd.read_csv(study.root / "codings" / "reader.csv", dtype=str)
    reader["doc_id"] = reader["seg_id"].map(corpus.segments.set_index("seg_id")["doc_id"])
    applied = set(map(tuple, rolled_up(reader, book)[["seg_id", "code_id"]].values))
    documents = set(reader["doc_id"])
    result = suggest_codes(corpus.segments, corpus.documents, codings, book, terms=terms)
    mine = result.table[result.table["doc_id"].isin(documents)]
    right = sum((s, c) in applied for s, c in zip(mine["seg_id"], mine["code_id"]))
    rules = codings[codings["doc_id"].isin(documents)].drop_duplicates(["seg_id", "code_id"])
    rules_right = sum((s, c) in applied for s, c in zip(rules["seg_id"], rules["code_id"]))
    print(f"suggest (threshold 0.5, trained on rule codings only): {len(result.table)} "
          f"suggestions, {len(mine)} in the {len(documents)} documents of "
          f"codings/reader.csv; PRECISION = {right / max(len(mine), 1):.3f} "
          f"({right} of {len(mine)} applied by the reader, sub-codes counting for parents)")
    print(f"  for comparison, the rules' precision on the same documents: "
          f"{rules_right / len(rules):.3f} ({rules_right} of {len(rules)})")


def gaps(rounds: int = 20) -> None:
    """Calibrate the pattern-gap distance on the sample study, leave-one-code-out.

    For every code with at least MIN_CODED coded segments, in the features clustering
    uses (scope all, the segments' own vectors): *a gap* is what a cluster of the
    code's talk looks like while the code is in the codebook: the centroid of a random
    half of its segments against the code's centroid made from the other half (median
    over ``rounds`` splits); *a new theme* is what it looks like once the code is left
    out: the centroid of all its segments against the nearest centroid of the other
    codes. The threshold that classifies the most of both kinds right is printed."""
    from dialogcode.cluster import GAP_DISTANCE, MIN_CODE_SEGMENTS, scope_mask
    from dialogcode.features import embed, term_features
    from dialogcode.talk import name_words, procedural, theme_terms

    study, corpus, codings, book = sample_study()
    segments = corpus.segments
    terms = segment_terms(segments, corpus.documents, model=study.config.model,
                          cache_dir=study.out / "cache")
    terms = theme_terms(terms, name_words(segments, terms))
    usable = scope_mask(segments, codings, book, "all") & ~procedural(segments, terms)
    features = embed(term_features(terms, segments.loc[usable, "seg_id"]))
    row = {s: i for i, s in enumerate(features.seg_ids)}
    applied = rolled_up(codings, book)
    members = {c: np.array(sorted({row[s] for s in g if s in row}))
               for c, g in applied.groupby("code_id")["seg_id"]}
    centroid = {c: unit(features.vectors[m].mean(axis=0)) for c, m in members.items()
                if len(m) >= MIN_CODE_SEGMENTS}
    rng = np.random.default_rng(0)
    rows = []
    for code_id, index in sorted(members.items()):
        if len(index) < MIN_CODED:
            continue
        halves = []
        for _ in range(rounds):
            shuffled = rng.permutation(index)
            a, b = shuffled[:len(index) // 2], shuffled[len(index) // 2:]
            halves.append(1 - unit(features.vectors[a].mean(axis=0))
                          @ unit(features.vectors[b].mean(axis=0)))
        family = {code_id, *(c for c in centroid if c.startswith(code_id + ".")
                             or code_id.startswith(c + "."))}
        others = [c for c in centroid if c not in family]
        nearest = min(others, key=lambda c: 1 - centroid[code_id] @ centroid[c])
        rows.append({"code_id": code_id, "segments": len(index),
                     "gap": round(float(np.median(halves)), 3), "nearest_other": nearest,
                     "new_theme": round(float(1 - centroid[code_id] @ centroid[nearest]), 3)})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False))
    values = np.sort(np.r_[table["gap"], table["new_theme"]])
    cuts = (values[1:] + values[:-1]) / 2
    right = [((table["gap"] <= c).sum() + (table["new_theme"] > c).sum()) for c in cuts]
    best = cuts[int(np.argmax(right))]
    print(f"\n{len(table)} codes: gap distance median {table['gap'].median():.3f} "
          f"(max {table['gap'].max():.3f}); left-out code to its nearest other code median "
          f"{table['new_theme'].median():.3f} (min {table['new_theme'].min():.3f}).")
    print(f"Best threshold {best:.3f}: {max(right)} of {2 * len(table)} right "
          f"(GAP_DISTANCE in use: {GAP_DISTANCE}; at it: "
          f"{(table['gap'] <= GAP_DISTANCE).sum()} gaps and "
          f"{(table['new_theme'] > GAP_DISTANCE).sum()} new themes of {len(table)} right)")


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(np.linalg.norm(vector), 1e-12)


def sentences() -> list[str]:
    nlp = load_pipeline("blank")
    _, corpus, _, _ = sample_study()
    texts = corpus.segments.loc[corpus.segments["kind"] != "preamble", "text"].tolist()
    pool = [s.text.strip() for doc in nlp.pipe(texts) for s in doc.sents]
    if HEARING.is_file():
        pool += [row["text"].strip() for row in json.loads(HEARING.read_text("utf-8"))]
    return [s for s in pool if len(s.split()) >= 3]


def build_corpus(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` segments of 1 to 3 random sentences, 50 to a document, five sites."""
    pool, rng = sentences(), random.Random(seed)
    segments, documents = [], []
    for first in range(0, n, 50):
        doc_id, turns = f"doc{first // 50:05d}", []
        for ordinal in range(1, min(50, n - first) + 1):
            turns.append(" ".join(rng.choice(pool) for _ in range(rng.randint(1, 3))))
        offset = 0
        for ordinal, text in enumerate(turns, start=1):
            segments.append((f"{doc_id}:t{ordinal}", doc_id, "turn", ordinal, "turn", True,
                             f"P{ordinal % 4 + 1}", offset, offset + len(text), text,
                             len(text.split()), False))
            offset += len(text) + 2
        documents.append((doc_id, ["Fresno", "Oakland", "Los Angeles", "San Diego",
                                   "McKinleyville"][len(documents) % 5], "coaching_call",
                          "2019-05-05",
                          hashlib.sha256("\n\n".join(turns).encode()).hexdigest()))
    return (pd.DataFrame(segments, columns=["seg_id", "doc_id", "unit", "ordinal", "kind",
                                            "codable", "speaker", "start", "end", "text",
                                            "n_words", "backchannel"]),
            pd.DataFrame(documents, columns=["doc_id", "site", "event_type", "date",
                                             "sha256"]))


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        segments, documents = build_corpus(n)
        book = load_codebooks(Study.open(SAMPLE).codebook_files())
        start = time.perf_counter()
        codings = code_corpus(segments, documents, book, cache_dir=folder / "cache")
        print(f"corpus: {len(segments):,} segments, {segments['n_words'].sum():,} words, "
              f"{len(documents):,} documents; coded once in "
              f"{time.perf_counter() - start:.1f} s (not part of the clustering figures)")
        segments.to_parquet(folder / "segments.parquet")
        documents.to_parquet(folder / "documents.parquet")
        codings.to_parquet(folder / "codings.parquet")
        subprocess.run([sys.executable, __file__, "speed-run", str(folder)], check=True)


def speed_run(folder: Path) -> None:
    """The timed part, in a fresh process so that peak memory is its own."""
    segments = pd.read_parquet(folder / "segments.parquet")
    documents = pd.read_parquet(folder / "documents.parquet")
    codings = pd.read_parquet(folder / "codings.parquet")
    book = load_codebooks(Study.open(SAMPLE).codebook_files())
    cache = folder / "cache"
    loaded = peak_mib()
    timings = []

    def timed(label, work):
        wall, cpu = time.perf_counter(), time.process_time()
        out = work()
        timings.append((label, time.perf_counter() - wall, time.process_time() - cpu))
        return out

    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    timed("terms, cold (tokenise + lemmatise, no cache)",
          lambda: segment_terms(segments, documents))
    terms = timed("terms from the token cache",
                  lambda: segment_terms(segments, documents, cache_dir=cache))
    texts = segments["text"].tolist()
    timed("baseline", lambda: MiniBatchKMeans(12, n_init=1, batch_size=4096, random_state=0)
          .fit(TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)))
    baseline = timings.pop()[1]
    for label, options in (("cluster, k fixed (k=12)", {"k": 12}),
                           ("cluster, k search 4:16 (the defaults)", {}),
                           ("cluster, k fixed, no context", {"k": 12, "context": 0})):
        result = timed(label, lambda: cluster_segments(segments, documents, codings, book,
                                                       terms=terms, **options))
        print(f"  {label}: {len(result.assignments):,} segments in scope, "
              f"{len(result.clusters)} clusters", flush=True)
    patch = timed("codebook patch (matching every proposal)",
                  lambda: codebook_patch(result, segments, documents, codings, book,
                                         cache_dir=cache))
    print(f"load average after: {os.getloadavg()[0]:.1f} (the 2 cores are shared: wall "
          "seconds grow with the load; CPU seconds of this process much less)")
    print(f"{'baseline: scikit-learn TF-IDF + MiniBatchKMeans':<45} {baseline:7.1f} s   "
          f"(k=12, all {len(segments):,} segments)")
    for label, seconds, cpu in timings:
        print(f"{label:<45} {seconds:7.1f} s wall {cpu:7.1f} s CPU   "
              f"{seconds / baseline:5.1f}x baseline, {len(segments) / seconds:,.0f} segments/s")
    for label, step in (("cached", timings[1]), ("cold", timings[0])):
        print(f"{'terms (' + label + ') + cluster with k search':<45} "
              f"{step[1] + timings[3][1]:7.1f} s wall {step[2] + timings[3][2]:7.1f} s CPU"
              "   (target < 60 s)")
    print(f"peak memory of this process: {peak_mib():.0f} MiB ({loaded:.0f} MiB after "
          f"loading the tables and codebooks); patch: {len(patch['new_codes'])} new codes, "
          f"{len(patch['proposed_terms'])} terms")
    print(f"machine: {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}"
          f" cores; numpy {np.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["loco", "gaps", "speed", "speed-run"])
    parser.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--k-range", default="4:16")
    parser.add_argument("--segments", type=int, default=100_000)
    args = parser.parse_args()
    if args.mode == "loco":
        low, high = (int(x) for x in args.k_range.split(":"))
        loco((low, high))
    elif args.mode == "gaps":
        gaps()
    elif args.mode == "speed":
        speed(args.segments)
    else:
        speed_run(Path(args.folder))


if __name__ == "__main__":
    main()
