"""Coding throughput and memory benchmark (issue targets in bench/README.md).

Times, in one process, on each of two corpora of about 1M words (short meeting turns
and the long turns of a hearing):
  (a) the baseline: one compiled regex per code over each segment,
  (b) cold coding: tokenise + lemmatise + match, cache empty,
  (c) warm re-coding: the tokenised corpus read back from the cache, then matched,
  (d) the exact-string ceiling: one pyahocorasick automaton over the same words
      (optional: `pip install -e '.[bench]'`),
prints words/second and the ratios to the baseline, of wall and of CPU time (absolute
times drift on shared machines; ratios are what the targets are about), checks that the rules find every
match the baseline finds; then measures, in child processes, the peak memory of cold
coding at 1M and 5M words of short turns (in-process, and `dialogcode code` on an
ingested study), and `dialogcode run` on a study of 1M words of short turns.

Corpora: the real meeting turns and NYC housing hearing in ../shared/data when present
(the hearing's sentence rows joined into turns), else the bundled sample study;
repeated to the wanted size. Codebook: the shipped codebooks.

    python bench/run.py [--words 1000000] [--corpora short,hearing]
        [--memory-words 1000000,5000000] [--no-memory] [--run-words 1000000]
        [--only coding,memory,run]
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
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

DATA = ROOT.parent / "shared" / "data"
HEARING = DATA / "nyc-housing-hearing" / "transcript.json"
MEETINGS = DATA / "meeting-topics" / "transcripts"
DOC_WORDS = 5000
# issue targets: (cold, warm) ratios to the regex baseline, per corpus
TARGETS = {"hearing": (10, 25), "short": (5, 15)}


def source_turns(corpus: str = "hearing") -> tuple[str, list[tuple[str, str]]]:
    """(name, [(speaker, text)]) of real dialogue to build a corpus from: ``hearing``
    (long turns) or ``short`` (meeting turns of about 15 words)."""
    if corpus == "short" and MEETINGS.is_dir():
        turns = [(row["speaker"], row["text"]) for path in sorted(MEETINGS.glob("*.json"))
                 for row in json.loads(path.read_text(encoding="utf-8"))]
        return "AMI/ICSI meeting turns (real, QMSum meeting-topics)", turns
    if corpus == "hearing" and HEARING.is_file():
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
                                          "text", "n_words"]).assign(codable=True)
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


def automaton(book: Codebook):
    """The exact-string ceiling: one Aho-Corasick automaton (pyahocorasick) over every
    code's lower-cased terms and proximity words, or None when it is not installed."""
    try:
        import ahocorasick
    except ImportError:
        return None
    words: dict[str, set[str]] = {}
    for code in book.codes.values():
        for word in [t for t, _ in code.terms] + [w for r in code.near for w in r.a + r.b]:
            words.setdefault(word.lower(), set()).add(code.id)
    found = ahocorasick.Automaton()
    for word, codes in words.items():
        found.add_word(word, (len(word), sorted(codes)))
    found.make_automaton()
    return found


def run_automaton(segments: pd.DataFrame, found) -> int:
    """Whole-word matches of the automaton in every segment (lower-cased)."""
    count = 0
    for text in segments["text"]:
        text = text.lower()
        for end, (length, codes) in found.iter(text):
            start = end - length + 1
            if (start == 0 or not text[start - 1].isalnum()) and \
                    (end + 1 == len(text) or not text[end + 1].isalnum()):
                count += len(codes)
    return count


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
    """``function``'s result and the (wall, CPU) seconds it took: CPU time moves less
    than wall time when other jobs share the machine."""
    began, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - began, time.process_time() - cpu)


def status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in MiB.
    Peaks are read as VmHWM, not ``getrusage``'s ``ru_maxrss``: Linux carries that over
    an exec from the forked copy of the parent, so a child started by a big benchmark
    process reported the parent's size as its own peak."""
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE).group(1)) / 1024


def memory_child(corpus: str, words: int) -> None:
    """Cold-code ``words`` words of ``corpus``; print the process's peak resident memory
    and what coding itself adds: the peak while coding (the kernel's high-water mark,
    reset once the corpus tables, codebooks and spaCy are loaded) less the memory in use
    before it (MiB)."""
    _, turns = source_turns(corpus)
    segments, documents = build_corpus(turns, words)
    book = load_codebooks(sorted((ROOT / "codebooks").glob("*.yaml")))
    code_corpus(segments.head(50), documents, book)
    gc.collect()
    loaded, before = status_mib("VmRSS"), status_mib("VmHWM")
    Path("/proc/self/clear_refs").write_text("5")     # reset the high-water mark
    with tempfile.TemporaryDirectory() as cache:
        code_corpus(segments, documents, book, cache_dir=Path(cache))
    print(json.dumps({"words": int(segments["n_words"].sum()), "loaded_mib": loaded,
                      "coding_mib": status_mib("VmHWM") - loaded,
                      "peak_mib": max(before, status_mib("VmHWM"))}))


def write_study(folder: Path, corpus: str, words: int) -> int:
    """A study folder of plain-text transcripts (``Speaker: text`` paragraphs, documents
    of ~5k words) built from ``corpus``, coded with the shipped codebooks; its words."""
    _, turns = source_turns(corpus)
    segments, documents = build_corpus(turns, words)
    (folder / "transcripts").mkdir(parents=True)
    manifest = ["file,site,event_type,date"]
    for doc_id, group in segments.groupby("doc_id", sort=False):
        speakers = group["speaker"].str.replace(r"[^A-Za-z]", "", regex=True).str[:20]
        lines = "\n\n".join(f"{s or 'Speaker'}: {t}" for s, t in zip(speakers, group["text"]))
        # a title line of its own, or ingest refuses the repeats as duplicate documents
        (folder / "transcripts" / f"{doc_id}.txt").write_text(
            f"Bench meeting {doc_id}.\n\n{lines}\n", encoding="utf-8")
        manifest.append(f"{doc_id}.txt,site{len(manifest) % 7},meeting,2024-01-01")
    (folder / "manifest.csv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    (folder / "dialogcode.yaml").write_text(
        f"title: bench\ntranscripts: transcripts\nmanifest: manifest.csv\ncodebooks:\n"
        f"  - {ROOT / 'codebooks'}/*.yaml\nunit: turn\nmodel: blank\noutput: out\n",
        encoding="utf-8")
    return int(segments["n_words"].sum())


def code_child(folder: str) -> None:
    """`dialogcode code FOLDER` (an ingested study, cache empty) in this process; print
    its peak memory (MiB)."""
    from dialogcode.cli import cli
    cli.main(["code", folder, "--quiet"], standalone_mode=False)
    print(json.dumps({"peak_mib": status_mib("VmHWM")}))


def run_child(folder: str) -> None:
    """`dialogcode run FOLDER` in this process; print wall and CPU seconds (the
    process's whole life, imports included) and peak memory (MiB)."""
    from dialogcode.cli import cli
    began = time.perf_counter()
    cli.main(["run", folder, "--quiet"], standalone_mode=False)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": time.perf_counter() - began, "peak_mib": status_mib("VmHWM"),
                      "cpu_seconds": usage.ru_utime + usage.ru_stime}))


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_corpus(corpus: str, words: int, book: Codebook) -> None:
    """Time the baseline, the Aho-Corasick ceiling, cold and warm coding on ``corpus``."""
    name, turns = source_turns(corpus)
    segments, documents = build_corpus(turns, words)
    words = int(segments["n_words"].sum())
    print(f"\n== {corpus}: {name}; {words:,} words, {len(segments):,} segments "
          f"({words / len(segments):.1f} words each), {len(documents)} documents")
    baseline, t_regex = timed(run_baseline, segments, baseline_regexes(book))
    found = automaton(book)
    t_aho = timed(run_automaton, segments, found)[1] if found is not None else None
    with tempfile.TemporaryDirectory() as cache:
        cache = Path(cache)
        cold, t_cold = timed(code_corpus, segments, documents, book, cache_dir=cache)
        warm, t_warm = timed(code_corpus, segments, documents, book, cache_dir=cache)
        plain, _ = timed(code_corpus, segments, documents, term_only(book), cache_dir=cache)
    assert warm.equals(cold), "warm re-coding must give the same codings as cold coding"
    matched, total, missed = coverage(baseline, plain, segments)
    rows = [("regex baseline (one regex per code)", t_regex),
            ("cold coding (tokenise + lemma + match)", t_cold),
            ("warm re-coding (from cache)", t_warm)]
    if t_aho is not None:
        rows.append(("pyahocorasick ceiling (exact strings)", t_aho))
    print(f"{'stage':<42} {'seconds':>8} {'words/s':>12} {'x baseline':>11} "
          f"{'CPU s':>8} {'x baseline':>11}")
    for label, (seconds, cpu) in rows:
        print(f"{label:<42} {seconds:>8.2f} {words / seconds:>12,.0f} "
              f"{t_regex[0] / seconds:>10.1f}x {cpu:>8.2f} {t_regex[1] / cpu:>10.1f}x")
    if t_aho is None:
        print("pyahocorasick ceiling: not installed (pip install -e '.[bench]')")
    print(f"codings: {len(cold):,} (rules); baseline regex matches: {total:,}; found by the "
          f"term rules: {matched:,} ({100 * matched / max(total, 1):.2f}%)")
    for seg_id, code_id, start, end in missed[:10]:
        text = segments.set_index("seg_id").at[seg_id, "text"]
        print(f"  missed {code_id}: {text[max(0, start - 20):end + 20]!r}")
    cold_target, warm_target = TARGETS[corpus]
    for clock, name in ((0, "wall"), (1, "CPU")):
        cold_x, warm_x = t_regex[clock] / t_cold[clock], t_regex[clock] / t_warm[clock]
        print(f"targets ({name} time): cold >= {cold_target}x: "
              f"{'met' if cold_x >= cold_target else 'NOT met'}; warm >= {warm_target}x: "
              f"{'met' if warm_x >= warm_target else 'NOT met'}")
    print(f"every baseline match found: {'met' if not missed else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--corpora", default="short,hearing",
                        help="comma-separated: short (meeting turns), hearing (long turns)")
    parser.add_argument("--memory-words", default="1000000,5000000")
    parser.add_argument("--memory-corpus", default="short")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--run-words", default="1000000",
                        help="comma-separated sizes of short-turn studies to time "
                             "`dialogcode run` on; empty for none")
    parser.add_argument("--only", default="coding,memory,run",
                        help="comma-separated parts to run: coding (the ratios), memory, run")
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--run-child", help=argparse.SUPPRESS)
    parser.add_argument("--code-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        return memory_child(args.memory_child[0], int(args.memory_child[1]))
    if args.code_child:
        return code_child(args.code_child)
    if args.run_child:
        return run_child(args.run_child)

    only = set(args.only.split(","))
    book = load_codebooks(sorted((ROOT / "codebooks").glob("*.yaml")))
    codable = [c for c in book.codes.values() if c.codable]
    print(f"codebook: {len(codable)} codes, {sum(len(c.terms) for c in codable)} terms, "
          f"{sum(len(c.tokens) + len(c.near) for c in codable)} token/proximity rules, "
          f"{sum(len(c.exclude) for c in codable)} exclusions; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    code_corpus(build_corpus(source_turns()[1], 500)[0], build_corpus(source_turns()[1], 500)[1],
                book)  # load the pipeline once, untimed
    for corpus in args.corpora.split(",") if "coding" in only else ():
        bench_corpus(corpus, args.words, book)
    if not args.no_memory and "memory" in only:
        from dialogcode.cli import cli
        print(f"\npeak memory of cold coding, {args.memory_corpus} turns (separate processes):")
        peaks, commands = [], []
        for size in [int(s) for s in args.memory_words.split(",")]:
            result = child("--memory-child", args.memory_corpus, str(size))
            peaks.append(result["peak_mib"])
            print(f"  {result['words']:>12,} words: peak {result['peak_mib']:>5.0f} MiB; "
                  f"tables, codebooks and spaCy loaded {result['loaded_mib']:>5.0f} MiB, "
                  f"coding adds {result['coding_mib']:>4.0f} MiB")
            with tempfile.TemporaryDirectory() as folder:
                write_study(Path(folder), args.memory_corpus, size)
                cli.main(["ingest", folder, "--quiet"], standalone_mode=False)
                commands.append(child("--code-child", folder)["peak_mib"])
            print(f"  {'':>12}        `dialogcode code` on the ingested study (cache empty): "
                  f"peak {commands[-1]:>5.0f} MiB")
        if len(peaks) >= 2:
            print(f"  peak growth from first to last: coding in-process "
                  f"{100 * (peaks[-1] / peaks[0] - 1):+.0f}%, `dialogcode code` "
                  f"{100 * (commands[-1] / commands[0] - 1):+.0f}% (target: at most +30%: "
                  f"{'met' if commands[-1] <= 1.3 * commands[0] else 'NOT met'})")
    for size in [int(s) for s in args.run_words.split(",") if s] if "run" in only else ():
        with tempfile.TemporaryDirectory() as folder:
            words = write_study(Path(folder), "short", size)
            result = child("--run-child", folder)
        print(f"`dialogcode run`, {words:,} words of short turns: {result['seconds']:.1f} s "
              f"({result['cpu_seconds']:.1f} s of CPU), peak {result['peak_mib']:.0f} MiB "
              f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
