"""Coding throughput and memory benchmark (issue targets in bench/README.md).

Times, in one process and on one corpus of at least 1M words:
  (a) the baseline: one compiled regex per code over each segment,
  (b) cold coding: tokenise + lemmatise + match, cache empty,
  (c) warm re-coding: the tokenised corpus read back from the cache, then matched,
prints words/second and the ratios to the baseline (absolute times drift on shared
machines; ratios are what the targets are about), checks that the rules find every
match the baseline finds, then measures peak memory of cold coding at 1M and 5M words
in child processes.

Corpus: the real NYC housing hearing in ../shared/data when present (sentence rows
joined into turns), else the bundled sample study; repeated to the wanted size.
Codebook: the shipped codebooks.

    python bench/run.py [--words 1000000] [--memory-words 1000000,5000000] [--no-memory]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode import Study, ingest  # noqa: E402
from dialogcode.codebook import Codebook, load_codebooks  # noqa: E402
from dialogcode.coding import code_corpus  # noqa: E402
from dialogcode.normalize import count_words  # noqa: E402

HEARING = ROOT.parent / "shared" / "data" / "nyc-housing-hearing" / "transcript.json"
DOC_WORDS = 5000


def source_turns() -> tuple[str, list[tuple[str, str]]]:
    """(name, [(speaker, text)]) of real dialogue to build the corpus from."""
    if HEARING.is_file():
        rows = json.loads(HEARING.read_text(encoding="utf-8"))
        turns: list[tuple[str, str]] = []
        for row in rows:
            if turns and turns[-1][0] == row["speaker"]:
                turns[-1] = (row["speaker"], turns[-1][1] + " " + row["text"].strip())
            else:
                turns.append((row["speaker"], row["text"].strip()))
        return "NYC housing hearing (real, 2024)", turns
    corpus = ingest(Study.open(ROOT / "corpora" / "sample-study"))
    return "bundled sample study", list(zip(corpus.segments["speaker"].fillna(""),
                                            corpus.segments["text"]))


def build_corpus(turns, words: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Segments and documents tables of about ``words`` words (documents of ~5k words)."""
    segments, documents = [], []
    total, doc_index, doc_words, ordinal, offset, n = 0, 0, 0, 0, 0, 0
    while total < words:
        speaker, text = turns[n % len(turns)]
        n += 1
        doc_id = f"doc{doc_index:05d}"
        ordinal += 1
        count = count_words(text)
        segments.append((f"{doc_id}:t{ordinal}", doc_id, "turn", speaker, offset,
                         offset + len(text), text, count))
        offset += len(text) + 2
        total += count
        doc_words += count
        if doc_words >= DOC_WORDS:
            documents.append(doc_id)
            doc_index, doc_words, ordinal, offset = doc_index + 1, 0, 0, 0
    if not documents or documents[-1] != f"doc{doc_index:05d}":
        documents.append(f"doc{doc_index:05d}")
    seg = pd.DataFrame(segments, columns=["seg_id", "doc_id", "unit", "speaker", "start", "end",
                                          "text", "n_words"])
    docs = pd.DataFrame({"doc_id": documents, "site": "bench",
                         "sha256": [hashlib.sha256(d.encode()).hexdigest() for d in documents]})
    return seg, docs


def baseline_regexes(book: Codebook) -> dict[str, re.Pattern]:
    """One case-insensitive regex per code: its terms (and near rules' words) as whole words."""
    out = {}
    for code in book.codes.values():
        words = [t for t, _ in code.terms] + [w for rule in code.near for w in rule.a + rule.b]
        if words:
            alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
            out[code.id] = re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE)
    return out


def run_baseline(segments: pd.DataFrame, regexes) -> list[tuple[str, str, int, int]]:
    found = []
    for seg_id, text in zip(segments["seg_id"], segments["text"]):
        for code_id, regex in regexes.items():
            for m in regex.finditer(text):
                found.append((seg_id, code_id, m.start(), m.end()))
    return found


def term_only(book: Codebook) -> Codebook:
    """The codebook with its terms only (no vetoes, no proximity), so that the coverage
    check compares like with like: every term match the regex finds, spaCy must find."""
    codes = {k: type(c)(**{**c.__dict__, "exclude": [], "near": [], "tokens": []})
             for k, c in book.codes.items()}
    for code_id, code in codes.items():
        near_words = [w for rule in book.codes[code_id].near for w in rule.a + rule.b]
        code.terms = [(t, "lower") for t in dict.fromkeys([t for t, _ in code.terms] + near_words)]
    return Codebook(codes, book.versions, book.titles, book.sources)


def coverage(baseline, codings: pd.DataFrame, segments: pd.DataFrame) -> tuple[int, int, list]:
    """How many baseline matches a coding of the same code covers (same segment, overlapping)."""
    starts = dict(zip(segments["seg_id"], segments["start"]))
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for row in codings.itertuples():
        spans.setdefault((row.seg_id, row.code_id), []).append((row.start, row.end))
    missed = []
    for seg_id, code_id, start, end in baseline:
        absolute = (starts[seg_id] + start, starts[seg_id] + end)
        if not any(s < absolute[1] and absolute[0] < e for s, e in spans.get((seg_id, code_id), [])):
            missed.append((seg_id, code_id, start, end))
    return len(baseline) - len(missed), len(baseline), missed


def timed(function, *args, **kwargs):
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - began


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(words: int) -> None:
    """Cold-code ``words`` words and print the peak resident memory (MiB)."""
    _, turns = source_turns()
    segments, documents = build_corpus(turns, words)
    book = load_codebooks(sorted((ROOT / "codebooks").glob("*.yaml")))
    with tempfile.TemporaryDirectory() as cache:
        code_corpus(segments, documents, book, cache_dir=Path(cache))
    print(json.dumps({"words": int(segments["n_words"].sum()), "peak_mib": peak_rss_mib()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--memory-words", default="1000000,5000000")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        return memory_child(args.memory_child)

    name, turns = source_turns()
    segments, documents = build_corpus(turns, args.words)
    words = int(segments["n_words"].sum())
    book = load_codebooks(sorted((ROOT / "codebooks").glob("*.yaml")))
    codable = [c for c in book.codes.values() if c.codable]
    n_terms = sum(len(c.terms) for c in codable)
    print(f"corpus: {name}; {words:,} words, {len(segments):,} segments, "
          f"{len(documents)} documents")
    print(f"codebook: {len(codable)} codes, {n_terms} terms, "
          f"{sum(len(c.tokens) + len(c.near) for c in codable)} token/proximity rules")

    regexes = baseline_regexes(book)
    baseline, t_regex = timed(run_baseline, segments, regexes)
    with tempfile.TemporaryDirectory() as cache:
        cache = Path(cache)
        code_corpus(segments.head(50), documents, book)  # load the pipeline once, untimed
        cold, t_cold = timed(code_corpus, segments, documents, book, cache_dir=cache)
        warm, t_warm = timed(code_corpus, segments, documents, book, cache_dir=cache)
        plain, _ = timed(code_corpus, segments, documents, term_only(book), cache_dir=cache)
    assert warm.equals(cold), "warm re-coding must give the same codings as cold coding"
    found, total, missed = coverage(baseline, plain, segments)

    rows = [("regex baseline (one regex per code)", t_regex), ("cold coding (tokenise + lemma + "
            "match)", t_cold), ("warm re-coding (from cache)", t_warm)]
    print(f"\n{'stage':<42} {'seconds':>8} {'words/s':>12} {'x baseline':>11}")
    for label, seconds in rows:
        print(f"{label:<42} {seconds:>8.2f} {words / seconds:>12,.0f} {t_regex / seconds:>10.1f}x")
    print(f"\ncodings: {len(cold):,} (rules); baseline regex matches: {total:,}")
    print(f"baseline matches also found by the term rules: {found:,}/{total:,} "
          f"({100 * found / max(total, 1):.2f}%)")
    for seg_id, code_id, start, end in missed[:10]:
        text = segments.set_index("seg_id").at[seg_id, "text"]
        print(f"  missed {code_id}: {text[max(0, start - 20):end + 20]!r}")
    cold_ok, warm_ok = t_regex / t_cold >= 2, t_regex / t_warm >= 10
    print(f"targets: cold >= 2x baseline: {'met' if cold_ok else 'NOT met'}; "
          f"warm >= 10x baseline: {'met' if warm_ok else 'NOT met'}; "
          f"every baseline match found: {'met' if not missed else 'NOT met'}")
    if args.no_memory:
        return
    print("\npeak memory of cold coding (separate processes):")
    peaks = []
    for size in [int(s) for s in args.memory_words.split(",")]:
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(size)],
                             capture_output=True, text=True, check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        peaks.append(result["peak_mib"])
        print(f"  {result['words']:>12,} words: {result['peak_mib']:>7.0f} MiB")
    if len(peaks) >= 2:
        growth = 100 * (peaks[-1] / peaks[0] - 1)
        print(f"  growth: {growth:+.0f}% (target: under 500 MiB at 1M words, "
              f"at most +30% at 5M)")


if __name__ == "__main__":
    main()
