"""Dask engine benchmark (issue 17): ingest + coding words/s on the local engine and on
Dask LocalClusters of 1 and 2 worker processes, on the same corpus in one run, with the
ratios to the local engine (absolute times drift on shared machines), peak memory per
worker, the scheduler's overhead per task, a projection to 32 workers, the counting
tables from Dask group-bys against pandas, and the sample study's per-code model fits
on each cluster against this process.

Corpus: a study of .txt transcripts of ~5,000 words each built from the real NYC
housing hearing in ../shared/data (the bundled sample study's turns when absent),
repeated to --words; each file opens with its own title line so no two are the same.
Codebook: the shipped codebooks. Every run starts with an empty token cache (cold).

    python bench/dask.py [--words 5000000] [--workers 1,2]
"""
from __future__ import annotations

import argparse
import importlib.util
import resource
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
# this file's folder off the path, so that `import dask` finds Dask, not this file
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import distributed  # noqa: E402

from dialogcode import Study, ingest  # noqa: E402
from dialogcode.codebook import load_codebooks  # noqa: E402
from dialogcode.coding import code_corpus  # noqa: E402
from dialogcode.dask_tables import counting_on_dask  # noqa: E402
from dialogcode.engine import run_tasks  # noqa: E402
from dialogcode.engine_stages import code_on_dask, ingest_on_dask  # noqa: E402
from dialogcode.ingest import load_corpus, write_corpus  # noqa: E402
from dialogcode.learn import fit_models, read_texts  # noqa: E402
from dialogcode.learned import judged_labels, reference_training  # noqa: E402
from dialogcode.normalize import count_words  # noqa: E402
from dialogcode.store import read_table, write_table  # noqa: E402
from dialogcode.tables import counting_tables  # noqa: E402
from dialogcode.training import training_data  # noqa: E402

DOC_WORDS = 5000
SAMPLE = ROOT / "corpora" / "sample-study"


def source_turns():
    """bench/run.py's real dialogue, so both benchmarks code the same words."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.source_turns()


def build_study(folder: Path, words: int) -> int:
    """A study in ``folder`` of about ``words`` words; returns the words written."""
    _, turns = source_turns()
    (folder / "transcripts").mkdir(parents=True)
    shutil.copytree(ROOT / "codebooks", folder / "codebooks")
    (folder / "dialogcode.yaml").write_text("title: Dask benchmark\nmanifest: null\n"
                                            "lessons: null\n", encoding="utf-8")
    total, n, doc = 0, 0, 0
    while total < words:
        lines, doc_words = [f"Session {doc:05d} of the benchmark corpus."], 0
        while doc_words < DOC_WORDS:
            speaker, text = turns[n % len(turns)]
            n += 1
            lines.append(f"Speaker {speaker or 'X'}: {text}")
            doc_words += count_words(text)
        (folder / "transcripts" / f"doc{doc:05d}.txt").write_text("\n".join(lines) + "\n",
                                                                  encoding="utf-8")
        total, doc = total + doc_words, doc + 1
    return total


class Learning:
    """The sample study's training data, features and reference coder's labels, made
    once; :meth:`fit` fits its per-code models as `learn` does (each cut checked on the
    `learn: reference` coder's labels) in this process or on a cluster (the bench corpus
    has no human coding to learn from)."""

    def __init__(self, folder: Path):
        shutil.copytree(ROOT / "codebooks", folder / "codebooks")
        shutil.copytree(SAMPLE, folder / "studies" / "sample",
                        ignore=shutil.ignore_patterns("out"))
        study = Study.open(folder / "studies" / "sample")
        book = load_codebooks(study.codebook_files())
        corpus = ingest(study)
        self.data = training_data(study, corpus.segments, book, documents=corpus.documents)
        reference = reference_training(study, corpus, book)
        self.judged = None if reference is None else judged_labels(self.data, reference)
        self.settings, self.model = study.config.learn, study.config.model
        self.features = read_texts(self.data.texts, book, self.model)

    def fit(self, client=None) -> tuple[float, object]:
        run = None if client is None else partial(run_tasks, client, desc="learn",
                                                  progress=False)
        began = time.perf_counter()
        models = fit_models(self.data, self.features, semantic=self.settings.semantic,
                            model=self.model, min_precision=self.settings.min_precision,
                            threshold=self.settings.threshold,
                            min_positives=self.settings.min_positives,
                            folds=self.settings.folds, judged=self.judged, run=run)
        return time.perf_counter() - began, models


def fresh_out(study: Study) -> None:
    shutil.rmtree(study.out, ignore_errors=True)


def local_engine(study: Study, book) -> dict:
    fresh_out(study)
    began = time.perf_counter()
    corpus = ingest(study)
    write_corpus(corpus, study.out)
    ingested = time.perf_counter()
    codings = code_corpus(corpus.segments, corpus.documents, book,
                          cache_dir=study.out / "cache")
    write_table(codings, study.out, "codings")
    done = time.perf_counter()
    return {"ingest": ingested - began, "code": done - ingested, "codings": codings,
            "peak_mib": [_peak_rss_mib()]}


def _peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike getrusage's ru_maxrss, not
    carried over from the parent of a spawned worker)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def task_seconds(stream: list[dict]) -> float:
    """Seconds the workers spent computing the tasks of a task stream."""
    return sum(s["stop"] - s["start"] for task in stream for s in task["startstops"]
               if s["action"] == "compute")


def dask_engine(study: Study, book, workers: int, learning: Learning, local_models
                ) -> dict:
    fresh_out(study)
    began = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        started = time.perf_counter()
        with distributed.get_task_stream(client) as ingest_stream:
            ingest_on_dask(study, client)
        ingested = time.perf_counter()
        with distributed.get_task_stream(client) as code_stream:
            codings, _ = code_on_dask(study, client, book, model="blank")
        done = time.perf_counter()
        peaks = list(client.run(_peak_rss_mib).values())
        overhead = scheduler_overhead(client)
        tables = counting_seconds(study, client, book, codings)
        learned, models = learning.fit(client)
        for name in ("coef", "intercept", "thresholds"):
            assert (getattr(models, name).tobytes()
                    == getattr(local_models, name).tobytes()), name
    return {"startup": started - began, "ingest": ingested - started,
            "code": done - ingested, "codings": codings, "peak_mib": peaks,
            "ingest_compute": task_seconds(ingest_stream.data),
            "code_compute": task_seconds(code_stream.data),
            "parts": len(code_stream.data), "overhead": overhead, "tables": tables,
            "learn": learned}


def counting_seconds(study: Study, client, book, codings) -> dict:
    """Seconds to count the codebook summary and code by site, event type and phase
    with pandas (the tables in memory) and with Dask group-bys (the segments read from
    their dataset), which must give the same tables."""
    corpus = load_corpus(study)
    began = time.perf_counter()
    pandas = counting_tables(codings, corpus.segments, corpus.documents, book)
    counted = time.perf_counter()
    on_dask = counting_on_dask(client, study.out / "segments", codings, corpus.segments,
                               corpus.documents, book)
    done = time.perf_counter()
    for name, table in pandas.items():
        pd.testing.assert_frame_equal(on_dask[name], table)
    return {"pandas": counted - began, "dask": done - counted,
            "segments": len(corpus.segments)}


def _noop(i: int) -> int:
    return i


def scheduler_overhead(client, tasks: int = 400) -> float:
    """Seconds per task that submitting, scheduling and gathering costs on its own (a
    task that does nothing)."""
    began = time.perf_counter()
    client.gather(client.map(_noop, range(tasks), pure=False))
    return (time.perf_counter() - began) / tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=5_000_000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "study"
        words = build_study(folder, args.words)
        study = Study.open(folder)
        book = load_codebooks(study.codebook_files())
        files = len(list((folder / "transcripts").iterdir()))
        print(f"corpus: {words:,} words in {files:,} .txt files; "
              f"{len(book.codes)} codes\n")
        local = local_engine(study, book)
        learning = Learning(Path(tmp) / "learning")
        learning.fit()          # once untimed: the first loads the semantic model
        local["learn"], local_models = learning.fit()
        with threadpool_limits(limits=1):   # BLAS on one thread, as on a Dask worker
            local["learn_1"] = learning.fit()[0]
        fitted = int((~local_models.stats["status"].str.startswith("too few")).sum())
        runs = {"local": local}
        for n in [int(w) for w in args.workers.split(",")]:
            runs[f"dask-local {n}"] = dask_engine(study, book, n, learning, local_models)
            pd.testing.assert_frame_equal(runs[f"dask-local {n}"]["codings"],
                                          local["codings"])
            assert read_table(study.out, "codings", hint="").shape == local["codings"].shape
        print("codings identical to the local engine's on every engine (row for row)\n")
        base = local["ingest"] + local["code"]
        print("| engine | ingest s | code s | ingest+code words/s | x local | "
              "peak MiB per process |")
        print("|---|---:|---:|---:|---:|---|")
        for name, run in runs.items():
            total = run["ingest"] + run["code"]
            print(f"| {name} | {run['ingest']:.1f} | {run['code']:.1f} | "
                  f"{words / total:,.0f} | {base / total:.2f}x | "
                  f"{', '.join(f'{p:.0f}' for p in run['peak_mib'])} |")
        print()
        for name, run in runs.items():
            if name == "local":
                continue
            compute = run["ingest_compute"] + run["code_compute"]
            n = len(run["peak_mib"])
            wall = run["ingest"] + run["code"]
            serial = wall - compute / n
            print(f"{name}: cluster start {run['startup']:.1f} s; {run['parts']} parts per "
                  f"stage; workers computed {compute:.1f} s "
                  f"({words / compute:,.0f} words/s per worker); driver and scheduling "
                  f"outside the tasks {serial:.1f} s; scheduler overhead "
                  f"{run['overhead'] * 1000:.1f} ms per task")
            tables = run["tables"]
            print(f"{name}: counting tables of {tables['segments']:,} segments: pandas "
                  f"{tables['pandas']:.2f} s, Dask group-bys {tables['dask']:.2f} s "
                  f"({tables['pandas'] / tables['dask']:.2f}x pandas' speed), same tables")
            print(f"{name}: fitting the sample study's models ({fitted} codes, each "
                  f"with its cross-validation folds): {run['learn']:.1f} s on the cluster; "
                  f"in this process {local['learn']:.1f} s "
                  f"({local['learn'] / run['learn']:.2f}x), with BLAS on one thread "
                  f"{local['learn_1']:.1f} s ({local['learn_1'] / run['learn']:.2f}x); "
                  "the same models")
        one = runs.get("dask-local 1")
        if one:
            rate = words / (one["ingest_compute"] + one["code_compute"])
            serial = one["ingest"] + one["code"] - (one["ingest_compute"]
                                                    + one["code_compute"])
            for target, workers in ((words, 32), (100_000_000, 32)):
                # parts per stage: 4 MB each, at least four per worker (engine_stages)
                parts = max(one["parts"] * target / words, 4 * workers)
                driver = serial * target / words
                seconds = driver + target / (workers * rate) + 2 * parts * one["overhead"]
                print(f"projection, {target:,} words on {workers} workers: "
                      f"{driver:.0f} s driver + {target / (workers * rate):.0f} s on the "
                      f"workers + {2 * parts * one['overhead']:.1f} s scheduling "
                      f"({2 * parts:.0f} tasks) = {seconds:.0f} s "
                      f"({target / seconds:,.0f} words/s)")


if __name__ == "__main__":
    main()
