"""How well `dialogcode cluster` recovers the topics people marked in real meetings.

    python bench/themes.py [--seeds 3] [--meetings N] [--write]

Data: ``../shared/data/meeting-topics`` (60 AMI and ICSI meetings, the human topic of
every turn; see its README). The data defines no development/test split, so this script
fixes one before any tuning: in each corpus (AMI product meetings, ICSI research
meetings) the meetings are sorted by name and every third one (the 3rd, 6th, ...) is
held out. Everything in dialogcode was developed on the 40 development meetings; the
20 held-out ones are reported separately and were not looked at while choosing
constants.

Turns scored in each meeting: those with a human topic (not ``none``), not a
backchannel (:func:`dialogcode.segment.is_backchannel`) and at least
:data:`dialogcode.cluster.MIN_WORDS` words. ``k`` is the number of human topics among
them. Every method clusters the same turns of one meeting at a time with the same k:

- ``dialogcode``: :func:`dialogcode.cluster.cluster_segments` with ``scope="all"``,
  no codebook and its defaults (context, no boundaries); ``dialogcode, same decay
  everywhere`` with ``context_share=math.inf`` (the weights do not fall faster in a
  short meeting, as before); ``dialogcode, boundaries``
  the same with ``boundaries=True`` (runs of talk clustered whole); ``dialogcode,
  wordllama`` with ``semantic="wordllama"`` (WordLlama embeddings added to the lemma
  TF-IDF); ``dialogcode, no
  context`` with ``context=0`` (each turn alone, as before issue 19, but with
  procedural talk and names left out);
- ``tfidf+kmeans``: scikit-learn ``TfidfVectorizer`` (English stop words, sublinear
  tf) and ``KMeans`` (n_init 10);
- ``tfidf+svd+kmeans``: the same TF-IDF reduced by ``TruncatedSVD`` (100 dimensions
  or fewer), rows L2-normalised, then ``KMeans``;
- ``blocks``: the turns in meeting order cut into k runs of equal length.

dialogcode leaves some of these turns out (procedural talk, no content word). Every
method is scored ONLY on the turns that every dialogcode variant clustered, the same
subset for all methods (the baselines and blocks cluster just that subset; k stays the
number of human topics among all the scored turns), so no method is scored on a turn
another skipped and none is given a guess for a turn it left out.

**Short documents** (``--halves``, a second table): a short call that moves from one
topic to another must not become one cluster. From each meeting, every pair of
consecutive human topic runs (4 scored turns or more each) gives one document of up to
10 scored turns from the end of the first and up to 10 from the start of the second;
a meeting's documents are clustered together, k = the topics among them. Methods:
``dialogcode`` (defaults), ``dialogcode, same decay everywhere``
(``context_share=math.inf``: the weights do not fall faster in a short document, as
before) and ``tfidf+kmeans``; blocks are not defined across documents.

Scores: adjusted Rand index and normalised mutual information of each meeting's clusters
against its human topics, averaged over the seeds, then mean and median over meetings.
Curly-brace transcription marks of the corpus (``{vocalsound}``, ``{disfmarker}``) are
removed from the text before anything sees it. With ``--write`` the table goes into
bench/README.md between the ``themes`` markers.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode.cluster import MIN_WORDS, cluster_segments  # noqa: E402
from dialogcode.codebook import Codebook  # noqa: E402
from dialogcode.features import segment_terms  # noqa: E402
from dialogcode.normalize import count_words  # noqa: E402
from dialogcode.segment import is_backchannel  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "meeting-topics"
README = ROOT / "bench" / "README.md"
MARK = re.compile(r"\{\w+\}")
METHODS = ("dialogcode", "dialogcode, same decay everywhere", "dialogcode, boundaries",
           "dialogcode, wordllama",
           "dialogcode, no context", "tfidf+kmeans", "tfidf+svd+kmeans", "blocks")
HALF = 10          # scored turns from each side of a topic change in a short document


def split(names: list[str]) -> dict[str, str]:
    """``dev`` or ``test`` for each meeting: every third one of each corpus held out."""
    corpora = defaultdict(list)
    for name in sorted(names):
        corpora[name.startswith("B")].append(name)
    return {name: "test" if i % 3 == 2 else "dev"
            for group in corpora.values() for i, name in enumerate(group)}


def load_meetings() -> list[tuple[str, pd.DataFrame, pd.DataFrame, np.ndarray]]:
    """(meeting, segments, documents, topic of every segment) for each meeting; the
    segments are all its turns, the topics those of the scored turns (None otherwise)."""
    topics = defaultdict(dict)
    with open(DATA / "topics.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            topics[row["document"]][int(row["turn"])] = row["topic"]
    with open(DATA / "manifest.csv", newline="", encoding="utf-8") as handle:
        manifest = {row["file"]: row for row in csv.DictReader(handle)}
    meetings = []
    for file in sorted(manifest):
        turns = json.loads((DATA / "transcripts" / file).read_text(encoding="utf-8"))
        doc_id = file.removesuffix(".json")
        rows, offset, labels = [], 0, []
        for ordinal, turn in enumerate(turns, start=1):
            text = " ".join(MARK.sub(" ", turn["text"]).split())
            words = count_words(text)
            backchannel = is_backchannel(text)
            rows.append((f"{doc_id}:t{ordinal}", doc_id, "turn", ordinal, "turn", True,
                         turn["speaker"], offset, offset + len(text), text, words,
                         backchannel))
            offset += len(text) + 2
            topic = topics[file].get(ordinal, "none")
            labels.append(topic if topic != "none" and words >= MIN_WORDS
                          and not backchannel else None)
        segments = pd.DataFrame(rows, columns=["seg_id", "doc_id", "unit", "ordinal", "kind",
                                               "codable", "speaker", "start", "end", "text",
                                               "n_words", "backchannel"])
        sha = hashlib.sha256("\n\n".join(segments["text"]).encode()).hexdigest()
        documents = pd.DataFrame([{"doc_id": doc_id, "site": manifest[file]["site"],
                                   "event_type": manifest[file]["event_type"], "date": "",
                                   "sha256": sha}])
        meetings.append((doc_id, segments, documents, np.array(labels, dtype=object)))
    return meetings


def run_dialogcode(segments, documents, k, seed, terms, **options) -> dict[int, int]:
    """The cluster of each turn dialogcode clustered, by ordinal."""
    result = cluster_segments(segments, documents, segments.iloc[:0].assign(code_id=""),
                              Codebook({}), scope="all", k=k, seed=seed, terms=terms,
                              **options)
    ordinal = segments.set_index("seg_id")["ordinal"]
    return dict(zip(result.assignments["seg_id"].map(ordinal),
                    result.assignments["cluster_id"]))


def run_kmeans(texts: list[str], k: int, seed: int, svd: bool) -> np.ndarray:
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    if svd:
        dims = min(100, x.shape[1] - 1, x.shape[0] - 1)
        x = normalize(TruncatedSVD(dims, random_state=seed).fit_transform(x))
    return KMeans(k, n_init=10, random_state=seed).fit_predict(x)


def blocks(n: int, k: int) -> np.ndarray:
    return np.minimum(np.arange(n) * k // n, k - 1)


VARIANTS = {"dialogcode": {}, "dialogcode, same decay everywhere": {"context_share": math.inf},
            "dialogcode, boundaries": {"boundaries": True},
            "dialogcode, wordllama": {"semantic": "wordllama"},
            "dialogcode, no context": {"context": 0}}
HALVES_VARIANTS = {"dialogcode": {}, "dialogcode, same decay everywhere":
                   {"context_share": math.inf}}
HALVES_METHODS = (*HALVES_VARIANTS, "tfidf+kmeans")


def halves(segments, documents, topics):
    """(segments, documents, topics) of the meeting's short documents: one per pair of
    consecutive topic runs (of 4 scored turns or more), the last :data:`HALF` scored
    turns of the first run's second half and the first of the next run's first half."""
    scored = np.flatnonzero(topics != None)  # noqa: E711 (elementwise)
    change = np.flatnonzero(topics[scored][1:] != topics[scored][:-1]) + 1
    runs = np.split(scored, change)
    rows, ids = [], []
    for j in range(len(runs) - 1):
        first, second = runs[j], runs[j + 1]
        if min(len(first), len(second)) < 4:
            continue
        take = np.r_[first[len(first) // 2:][-HALF:], second[:len(second) // 2][:HALF]]
        rows += take.tolist()
        ids += [f"{documents['doc_id'].iloc[0]}-{j}"] * len(take)
    parts = segments.iloc[rows].assign(doc_id=ids).reset_index(drop=True)
    docs = pd.concat([documents.assign(doc_id=d) for d in dict.fromkeys(ids)],
                     ignore_index=True)
    return parts, docs, topics[rows]


def score_meeting(segments, documents, topics, seeds, terms, variants=VARIANTS,
                  baselines=("tfidf+kmeans", "tfidf+svd+kmeans", "blocks")
                  ) -> dict[str, tuple]:
    """Scores of every method on the scored turns that every dialogcode run clustered."""
    scored = np.flatnonzero(topics != None)  # noqa: E711 (elementwise)
    k = len(set(topics[scored]))
    runs = {(method, seed): run_dialogcode(segments, documents, k, seed, terms, **options)
            for seed in seeds for method, options in variants.items()}
    ordinals = segments["ordinal"].to_numpy()
    kept = [i for i in scored if all(ordinals[i] in run for run in runs.values())]
    truth = topics[kept].astype(str)
    texts = segments["text"].to_numpy()[kept].tolist()
    results = defaultdict(list)
    for seed in seeds:
        found = {method: np.array([runs[method, seed][ordinals[i]] for i in kept])
                 for method in variants}
        found |= {method: run_kmeans(texts, k, seed, svd=method == "tfidf+svd+kmeans")
                  if method != "blocks" else blocks(len(kept), k) for method in baselines}
        for method, labels in found.items():
            results[method].append((adjusted_rand_score(truth, labels),
                                    normalized_mutual_info_score(truth, labels)))
    return {m: tuple(np.mean(v, axis=0)) for m, v in results.items()} | {
        "_k": k, "_turns": len(kept), "_scored": len(scored)}


def table(rows: list[dict], part: str, methods=METHODS) -> pd.DataFrame:
    frame = pd.DataFrame([r for r in rows if r["part"] == part])
    out = []
    for method in methods:
        ari = frame[method].map(lambda v: v[0])
        nmi = frame[method].map(lambda v: v[1])
        out.append({"method": method, "ARI mean": ari.mean(), "ARI median": ari.median(),
                    "NMI mean": nmi.mean(), "NMI median": nmi.median()})
    return pd.DataFrame(out).round(3)


def markdown(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(frame.columns) + " |",
             "|---|" + "---:|" * (len(frame.columns) - 1)]
    lines += ["| " + " | ".join(v if isinstance(v, str) else f"{v:.3f}" for v in row) + " |"
              for row in frame.values]
    return "\n".join(lines)


def report(rows, methods, what: str, seeds) -> list[str]:
    """Print the development and held-out tables; their markdown sections."""
    sections = []
    for part, title in (("dev", "development"), ("test", "held-out")):
        if any(r["part"] == part for r in rows):
            n = sum(r["part"] == part for r in rows)
            frame = table(rows, part, methods)
            print(f"\n{title} {what} ({n}), ARI / NMI within each meeting, "
                  f"{len(seeds)} seeds:\n{frame.to_string(index=False)}")
            kept = sum(r["_turns"] for r in rows if r["part"] == part)
            total = sum(r["_scored"] for r in rows if r["part"] == part)
            print(f"scored on {kept} of {total} turns (those dialogcode clustered)")
            sections.append(f"**{title.capitalize()} {what} ({n}), scored on {kept} of "
                            f"{total} turns**\n\n{markdown(frame)}")
    return sections


def write(mark: str, sections: list[str]) -> None:
    """Put ``sections`` into bench/README.md between the ``mark`` markers."""
    text = README.read_text(encoding="utf-8")
    begin, end = f"<!-- {mark} -->", f"<!-- /{mark} -->"
    body = "\n\n".join(sections)
    if begin in text:
        head, rest = text.split(begin, 1)
        text = f"{head}{begin}\n{body}\n{end}{rest.split(end, 1)[1]}"
    else:
        text = f"{text.rstrip()}\n\n{begin}\n{body}\n{end}\n"
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--meetings", type=int, default=0, help="only the first N (a quick look)")
    parser.add_argument("--only", choices=["meetings", "halves"],
                        help="run one of the two tables (default: both)")
    parser.add_argument("--write", action="store_true", help="write the tables to bench/README.md")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} is missing: this benchmark needs ../shared/data/meeting-topics")
    meetings = load_meetings()
    parts = split([m[0] for m in meetings])
    if args.meetings:
        meetings = meetings[:args.meetings]
    seeds = list(range(args.seeds))
    rows, short, start = [], [], time.perf_counter()
    for name, segments, documents, topics in meetings:
        if args.only != "halves":
            terms = segment_terms(segments, documents)
            result = score_meeting(segments, documents, topics, seeds, terms)
            rows.append({"meeting": name, "part": parts[name], **result})
            print(f"{name:8} {parts[name]:4} k={result['_k']:2} "
                  f"turns={result['_turns']:4}/{result['_scored']:4}  "
                  + "  ".join(f"{m}: {result[m][0]:.3f}/{result[m][1]:.3f}" for m in METHODS),
                  flush=True)
        if args.only != "meetings":
            parts_, docs, tops = halves(segments, documents, topics)
            if len(docs) < 2:
                continue
            result = score_meeting(parts_, docs, tops, seeds, segment_terms(parts_, docs),
                                   HALVES_VARIANTS, ("tfidf+kmeans",))
            short.append({"meeting": name, "part": parts[name], **result})
            print(f"{name:8} {parts[name]:4} short documents: {len(docs)}, k={result['_k']:2}  "
                  + "  ".join(f"{m}: {result[m][0]:.3f}/{result[m][1]:.3f}"
                              for m in HALVES_METHODS), flush=True)
    meeting_sections = report(rows, METHODS, "meetings", seeds)
    short_sections = report(short, HALVES_METHODS, "meetings cut into short documents", seeds)
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.write:
        if rows:
            write("themes", meeting_sections)
        if short:
            write("themes-halves", short_sections)


if __name__ == "__main__":
    main()
