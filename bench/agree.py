"""Agreement at scale (issue target in bench/README.md): 300 codes x 3 coders x 100,000
segments in under 1 GB peak and well under a minute.

Builds synthetic codings in a fresh process (2,000 documents of 50 segments; each code
has a base rate between 0.2% and 5%; each coder finds a true coding with probability
0.8 and adds false ones at a tenth of the base rate), then times `agree()` with 1,000
bootstrap draws and reports peak resident memory. The same process times the reference
the numbers are checked against, the `krippendorff` package on a dense coders x units
array per code, for 10 codes, and prints the ratio. Then the same data as a study (the
codes as children of one category, so its cu-alpha is computed too; coder files in
codings/) and `dialogcode agree coder1 coder2 coder3` end to end, in a fresh process:
reading the files, the tables and writing them.

    python bench/agree.py [--segments 100000] [--codes 300] [--coders 3] [--draws 1000]
"""
from __future__ import annotations

import argparse
import json
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

from dialogcode.agreement import agree  # noqa: E402
from dialogcode.ingest import Corpus, write_corpus  # noqa: E402

PER_DOCUMENT = 50


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(segments: int, codes: int, coders: int, seed: int = 0):
    """(segments table, coder name -> codings) for the benchmark."""
    rng = np.random.default_rng(seed)
    seg_ids = np.array([f"doc{i // PER_DOCUMENT:05d}:t{i % PER_DOCUMENT + 1}"
                        for i in range(segments)], dtype=object)
    docs = np.array([s.split(":")[0] for s in seg_ids], dtype=object)
    table = pd.DataFrame({"seg_id": seg_ids, "doc_id": docs,
                          "start": np.arange(segments) % PER_DOCUMENT * 100,
                          "end": np.arange(segments) % PER_DOCUMENT * 100 + 90,
                          "speaker": np.where(np.arange(segments) % 2, "P1", "P2"),
                          "text": "a segment of synthetic dialogue"})
    names = [f"code.c{i:03d}" for i in range(codes)]
    rates = rng.uniform(0.002, 0.05, size=codes)
    truth = [np.flatnonzero(rng.random(segments) < rate) for rate in rates]
    codings = {}
    for k in range(coders):
        rows_seg, rows_code = [], []
        for name, rate, true in zip(names, rates, truth):
            found = true[rng.random(len(true)) < 0.8]
            extra = np.flatnonzero(rng.random(segments) < rate / 10)
            units = np.union1d(found, extra)
            rows_seg.append(units)
            rows_code.append(np.full(len(units), name, dtype=object))
        units = np.concatenate(rows_seg)
        codings[f"coder{k + 1}"] = pd.DataFrame({"seg_id": seg_ids[units],
                                                 "doc_id": docs[units],
                                                 "code_id": np.concatenate(rows_code)})
    return table, codings


def child(options: dict) -> None:
    """Build the data, time agree() and the reference; print one JSON line."""
    segments, codings = synthetic(options["segments"], options["codes"], options["coders"])
    before = peak_mib()
    start = time.perf_counter()
    result = agree(codings, segments, draws=options["draws"])
    seconds = time.perf_counter() - start
    import krippendorff
    units = pd.Index(segments["seg_id"])
    reference_codes = sorted(set(result.per_code.loc[result.per_code["kind"] == "code",
                                                     "code_id"]))[:10]
    start = time.perf_counter()
    worst = 0.0
    for code in reference_codes:
        dense = np.zeros((len(codings), len(units)))
        for k, coding in enumerate(codings.values()):
            dense[k, units.get_indexer(coding.loc[coding["code_id"] == code, "seg_id"])] = 1
        expected = krippendorff.alpha(reliability_data=dense, level_of_measurement="nominal")
        got = result.per_code.set_index("code_id").loc[code, "krippendorff_alpha"]
        worst = max(worst, abs(expected - got))
    reference = (time.perf_counter() - start) / len(reference_codes) * options["codes"]
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), "inputs_mib": before,
                      "rows": len(result.per_code), "codings": sum(map(len, codings.values())),
                      "disagreements": len(result.disagreements),
                      "reference_seconds": reference, "worst_difference": worst}))


def study_of(folder: Path, options: dict) -> None:
    """The benchmark data as a study: corpus tables in out/, coder files in codings/."""
    segments, codings = synthetic(options["segments"], options["codes"], options["coders"])
    docs = segments.drop_duplicates("doc_id")["doc_id"]
    documents = pd.DataFrame({"doc_id": docs, "site": "", "event_type": "", "date": "",
                              "title": "", "source_path": docs + ".txt", "format": "txt",
                              "sha256": docs, "n_words": 0, "n_segments": PER_DOCUMENT,
                              "text": ""})
    segments = segments.assign(unit="turn", ordinal=segments.groupby("doc_id").cumcount() + 1,
                               kind="turn", codable=True, section="", n_words=5)
    write_corpus(Corpus(documents, segments), folder / "out")
    (folder / "dialogcode.yaml").write_text("title: agreement benchmark\n"
                                           "codebooks: [codebook.yaml]\nmanifest: null\n")
    children = "".join(f"      - {{id: code.c{i:03d}, label: Code {i}}}\n"
                       for i in range(options["codes"]))
    (folder / "codebook.yaml").write_text(
        "codebook: bench\ntitle: Benchmark\ncodes:\n  - id: code\n    label: Codes\n"
        f"    codable: false\n    codes:\n{children}")
    (folder / "codings").mkdir()
    for name, coding in codings.items():
        coding[["seg_id", "code_id"]].to_csv(folder / "codings" / f"{name}.csv", index=False)


def command_line(options: dict) -> dict:
    """Seconds and peak memory of `dialogcode agree` on the study, in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        study_of(Path(folder), options)
        names = [f"coder{k + 1}" for k in range(options["coders"])]
        command = [sys.executable, "-m", "dialogcode", "agree", *names, "-s", folder,
                   "--draws", str(options["draws"])]
        runner = ("import json, resource, subprocess, sys, time; start = time.perf_counter(); "
                  "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
                  "print(json.dumps({'seconds': time.perf_counter() - start, 'code': "
                  "done.returncode, 'peak_mib': resource.getrusage(resource.RUSAGE_CHILDREN)"
                  ".ru_maxrss / 1024, 'out': done.stdout[-400:] + done.stderr[-400:]}))")
        out = subprocess.run([sys.executable, "-c", runner, *command], check=True,
                             capture_output=True, text=True,
                             env={"PYTHONPATH": str(ROOT), "PATH": ""}).stdout
        return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--codes", type=int, default=300)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    options = {"segments": args.segments, "codes": args.codes, "coders": args.coders,
               "draws": args.draws}
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(options)],
                         check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"{args.codes} codes x {args.coders} coders x {args.segments:,} segments, "
          f"{figures['codings']:,} codings, {args.draws} bootstrap draws")
    print(f"agree():              {figures['seconds']:8.1f} s, peak memory "
          f"{figures['peak_mib']:,.0f} MiB (inputs alone {figures['inputs_mib']:,.0f} MiB)")
    print(f"krippendorff package: {figures['reference_seconds']:8.1f} s for alpha alone "
          f"(dense array per code, timed on 10 codes): "
          f"{figures['reference_seconds'] / figures['seconds']:.1f}x agree()'s time")
    print(f"rows {figures['rows']}, disagreements {figures['disagreements']:,}, largest "
          f"alpha difference from the package {figures['worst_difference']:.1e}")
    run = command_line(options)
    if run["code"]:
        sys.exit(f"dialogcode agree failed:\n{run['out']}")
    print(f"dialogcode agree:     {run['seconds']:8.1f} s, peak memory {run['peak_mib']:,.0f} MiB "
          "(reading coder files, codebook and corpus, writing the tables)")


if __name__ == "__main__":
    main()
