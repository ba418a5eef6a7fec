"""The Dask engine (issue 17): the same tables as the local engine, from real Dask
clusters on this machine (127.0.0.1 only), when a worker dies mid-run too; datasets are
renamed into place only when complete; and the configuration and its errors."""
import os
import shutil
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from dialogcode import Study  # noqa: E402
from dialogcode.cli import cli  # noqa: E402
from dialogcode.analysis import study_evidence  # noqa: E402
from dialogcode.codebook import load_codebooks  # noqa: E402
from dialogcode.dask_tables import counting_for, counting_on_dask  # noqa: E402
from dialogcode.coding import code_corpus  # noqa: E402
from dialogcode.engine_stages import code_on_dask, ingest_on_dask  # noqa: E402
from dialogcode.errors import ConfigError, DialogcodeError, IngestError  # noqa: E402
from dialogcode.engine import dask_client, study_engine  # noqa: E402
from dialogcode.ingest import ingest, write_corpus  # noqa: E402
from dialogcode.store import part_name, read_table, replacing_dataset  # noqa: E402
from dialogcode.tables import counting_tables  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample-study"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def copy_sample(tmp_path: Path, name: str) -> Path:
    """The sample study under tmp_path/studies/NAME, its codebooks where
    ``../../codebooks`` finds them, without out/."""
    if not (tmp_path / "codebooks").exists():
        shutil.copytree(ROOT / "codebooks", tmp_path / "codebooks")
    study = tmp_path / "studies" / name
    shutil.copytree(SAMPLE, study, ignore=shutil.ignore_patterns("out"))
    return study


def local_cluster(processes: bool):
    return distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=processes,
                                    protocol="tcp", host="127.0.0.1",
                                    dashboard_address=None)


@pytest.fixture(scope="module")
def threads():
    """Two Dask workers in this process: quick to start, the same task code."""
    with local_cluster(False) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def sample_local(tmp_path_factory):
    """The sample study's tables from the local engine."""
    study = Study.open(copy_sample(tmp_path_factory.mktemp("local"), "sample"))
    corpus = ingest(study)
    book = load_codebooks(study.codebook_files())
    return corpus, book, code_corpus(corpus.segments, corpus.documents, book)


def test_sample_study_on_two_workers_gives_the_local_tables_row_for_row(
        tmp_path, threads, sample_local):
    corpus, book, codings = sample_local
    study = Study.open(copy_sample(tmp_path, "sample"))
    distributed_corpus = ingest_on_dask(study, threads)
    assert len(list((study.out / "segments").glob("part-*.parquet"))) >= 4
    assert not (study.out / "segments.parquet").exists()
    coded, models = code_on_dask(study, threads, book, model="blank")
    assert models is None and len(coded) > 500
    pd.testing.assert_frame_equal(distributed_corpus.documents, corpus.documents)
    pd.testing.assert_frame_equal(distributed_corpus.segments, corpus.segments)
    assert distributed_corpus.warnings == corpus.warnings
    assert distributed_corpus.speaker_notes == corpus.speaker_notes
    pd.testing.assert_frame_equal(coded, codings)
    # what every later stage reads is the same table, and pandas reads the dataset too
    pd.testing.assert_frame_equal(read_table(study.out, "codings", hint="code"), codings)
    assert len(pd.read_parquet(study.out / "codings")) == len(codings)


class KillOnce(distributed.WorkerPlugin):
    """Ends its worker's process abruptly when the worker starts the second task of a
    run, once per run (a marker file says it happened)."""

    def __init__(self, marker: str):
        self.marker, self.started = marker, 0

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing":
            self.started += 1
            if self.started == 2 and not os.path.exists(self.marker):
                Path(self.marker).touch()
                os._exit(1)


def test_a_worker_killed_mid_run_is_replaced_and_the_codings_are_the_same(
        tmp_path, sample_local):
    corpus, book, codings = sample_local
    study = Study.open(copy_sample(tmp_path, "sample"))
    with local_cluster(True) as cluster, \
            dask_client(study_engine(study, cluster.scheduler_address)) as client:
        # the study is pointed at an existing cluster, as with --scheduler
        ingest_on_dask(study, client)
        marker = tmp_path / "killed"
        client.register_plugin(KillOnce(str(marker)))
        coded, _ = code_on_dask(study, client, book, model="blank")
        assert marker.exists()          # a worker did die during coding
    pd.testing.assert_frame_equal(coded, codings)


def test_a_failed_run_leaves_the_last_complete_dataset_and_no_partial_one(
        tmp_path, threads, sample_local):
    corpus, book, _ = sample_local
    study = Study.open(copy_sample(tmp_path, "sample"))
    ingest_on_dask(study, threads)
    before = read_table(study.out, "segments", hint="ingest")
    # a transcript that cannot be read fails the whole ingest after the other parts
    # were written: none of them may become visible
    (study.transcripts / "zz-broken.docx").write_bytes(b"not a word file")
    with pytest.raises(IngestError, match="zz-broken.docx"):
        ingest_on_dask(study, threads)
    pd.testing.assert_frame_equal(read_table(study.out, "segments", hint="ingest"), before)
    assert sorted(p.name for p in study.out.iterdir()) == ["documents", "segments"]
    # coding that fails in one task after others wrote their parts: no codings appear
    (study.out / "segments" / "part-00001.parquet").write_bytes(b"PAR1 cut short")
    with pytest.raises(DialogcodeError, match="part-00001.parquet.*run `dialogcode ingest"):
        code_on_dask(study, threads, book, model="blank")
    assert sorted(p.name for p in study.out.iterdir()) == ["cache", "documents", "segments"]


def test_switching_engines_keeps_one_form_of_each_table(tmp_path, threads, sample_local):
    corpus, book, _ = sample_local
    study = Study.open(copy_sample(tmp_path, "sample"))
    write_corpus(corpus, study.out)
    with pytest.raises(DialogcodeError, match="ingested by the local engine"):
        code_on_dask(study, threads, book, model="blank")
    ingest_on_dask(study, threads)
    assert not (study.out / "segments.parquet").exists()
    assert not (study.out / "segments.csv").exists()
    write_corpus(corpus, study.out)
    assert not (study.out / "segments").exists()
    pd.testing.assert_frame_equal(read_table(study.out, "segments", hint="ingest"),
                                  corpus.segments)


def test_a_write_stopped_before_removing_the_other_form_reads_the_newer(tmp_path):
    out, older, newer = tmp_path / "out", pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [3]})
    with replacing_dataset(out, "segments") as folder:
        older.to_parquet(folder / part_name(0), index=False)
    # the single file written, the run stopped before it removed the dataset
    newer.to_parquet(out / "segments.parquet", index=False)
    stamp = (out / "segments").stat().st_mtime_ns
    os.utime(out / "segments.parquet", ns=(stamp + 10**9, stamp + 10**9))
    pd.testing.assert_frame_equal(read_table(out, "segments", hint="ingest"), newer)
    # and the other way round: the dataset is the newer
    os.utime(out / "segments", ns=(stamp + 2 * 10**9, stamp + 2 * 10**9))
    pd.testing.assert_frame_equal(read_table(out, "segments", hint="ingest"), older)


CODEBOOK = """\
codebook: test
title: Dask test codebook
codes:
  - id: risk.housing
    label: Housing
    definition: Rent and evictions.
    patterns: {terms: [rent, evicted]}
  - id: risk.control
    label: Economic control
    definition: A partner controls money, cars or work so the other cannot leave.
    examples:
      - "He hides the car keys and keeps all the cash."
      - "She never sees her own wages, he takes the whole check."
"""
CONTROL = ["He keeps the money and the truck keys, so she cannot go anywhere.",
           "She has to ask him for every dollar, he checks the receipts.",
           "He took her paycheck and gave her an allowance for groceries.",
           "He controls the bank card and the phone bill, she has nothing."]
OTHER = ["The rent went up again and two families were evicted.",
         "We met at the library on Tuesday and planned the agenda.",
         "The coaching call starts at ten, please bring the work plan.",
         "Thanks everyone, let's take a short break before the next item.",
         "The school counselor will join the next community meeting."]


def _small_study(root: Path, engine: str) -> Path:
    """A study of eight generated calls whose every third turn is economic control, one
    coder's file for five of them (so `run` learns a model of each code) and a codebook
    of two codes."""
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    (root / "codebooks" / "test.yaml").write_text(CODEBOOK, encoding="utf-8")
    rows, coded = ["file,site,event_type,date"], ["seg_id,code_id"]
    for doc in range(8):
        turns = [f"P{i % 3 + 1}: " + (CONTROL[(doc + i) % 4] if i % 3 == 0 else
                                      OTHER[(doc * 3 + i) % 5]) for i in range(10)]
        (root / "transcripts" / f"call{doc}.txt").write_text("\n".join(turns) + "\n",
                                                             encoding="utf-8")
        rows.append(f"call{doc}.txt,{'North' if doc % 2 else 'South'},coaching_call,"
                    f"2019-0{doc + 1}-10")
        if doc < 5:
            coded += [f"call{doc}:t{i + 1},risk.control" for i in range(0, 10, 3)]
            coded += [f"call{doc}:t{i + 1},risk.housing" for i in range(10)
                      if i % 3 and (doc * 3 + i) % 5 == 0]        # the rent turns
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "codings").mkdir()
    (root / "codings" / "ana.csv").write_text("\n".join(coded) + "\n", encoding="utf-8")
    (root / "dialogcode.yaml").write_text(
        "title: Dask test\nlessons: null\nlearn: {min_positives: 4, folds: 3, "
        f"semantic: lsa}}\nengine: {engine}\n", encoding="utf-8")
    return root


def test_run_with_dask_local_gives_the_local_report(tmp_path, threads):
    local = _small_study(tmp_path / "local", "local")
    # counting tables from Dask group-bys whatever the size
    dask = _small_study(tmp_path / "dask", "{kind: dask-local, workers: 2, "
                                           "dask_tables_from: 0}")
    results = [invoke("run", study, "-q") for study in (local, dask)]
    assert [r.exit_code for r in results] == [0, 0], [r.output for r in results]
    assert (dask / "out" / "codings").is_dir() and not (dask / "out" / "codings.parquet"
                                                       ).exists()
    codings = [read_table(s / "out", "codings", hint="code") for s in (local, dask)]
    assert (codings[0]["source"] == "model").any()       # the learned model coded too
    pd.testing.assert_frame_equal(*codings)
    for table in ("codebook_summary", "code_by_site", "code_by_event_type",
                  "code_by_phase"):
        pd.testing.assert_frame_equal(*(pd.read_parquet(s / "out" / "tables" / f"{table}.parquet")
                                        for s in (local, dask)))
    reports = [(s / "out" / "report.html").read_text(encoding="utf-8") for s in (local, dask)]
    assert reports[0] == reports[1]
    # run again: every stage is up to date, the datasets fingerprinted as they are
    again = invoke("run", dask)
    assert again.exit_code == 0 and again.output.count("up to date, skipped") >= 4
    # the local study run on a Dask cluster: ingest runs again, as datasets, by itself
    moved = invoke("run", local, "-q", "--scheduler", threads.scheduler.address)
    assert moved.exit_code == 0, moved.output
    assert "ingest: up to date" not in moved.output and (local / "out" / "segments").is_dir()
    pd.testing.assert_frame_equal(read_table(local / "out", "codings", hint="code"),
                                  codings[1])


def test_a_model_of_turns_is_not_applied_to_sentences_on_dask(tmp_path, threads):
    root = _small_study(tmp_path / "s", "{kind: dask-local, workers: 2}")
    assert invoke("run", root, "-q").exit_code == 0
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "unit: sentence\n")
    assert invoke("ingest", root, "-q").exit_code == 0     # the same texts, other segments
    result = invoke("code", root, "-q")
    assert result.exit_code == 0, result.output
    assert "trained on segments of unit 'turn', the study's segments are now of unit " \
        "'sentence'" in result.stderr
    assert set(read_table(root / "out", "codings", hint="code")["source"]) == {"rule"}


def test_engine_settings_and_their_errors(tmp_path, monkeypatch):
    root = _small_study(tmp_path / "s", "dask")
    with pytest.raises(ConfigError, match="engine: dask needs `scheduler: ADDRESS`"):
        study_engine(Study.open(root))
    result = invoke("ingest", root)
    assert result.exit_code == 1 and "dialogcode.yaml:4" in result.output
    assert study_engine(Study.open(root), "tcp://127.0.0.1:1").scheduler == "tcp://127.0.0.1:1"
    # an address Dask cannot read is named: exit 2 for --scheduler, 1 in dialogcode.yaml
    for address in ("notanaddress", "foo://x:1", "tcp://h:notaport"):
        result = invoke("ingest", root, "--scheduler", address)
        assert result.exit_code == 2 and f"'{address}' is not a Dask scheduler address" \
            in result.output and "Traceback" not in result.output
        (root / "dialogcode.yaml").write_text(f"engine:\n  kind: dask\n  scheduler: "
                                              f"{address}\n", encoding="utf-8")
        result = invoke("ingest", root)
        assert result.exit_code == 1 and "dialogcode.yaml:1" in result.output \
            and f"'{address}' is not a Dask scheduler address" in result.output
    (root / "dialogcode.yaml").write_text("engine: {kind: spark}\n", encoding="utf-8")
    result = invoke("ingest", root)
    assert result.exit_code == 1 and "engine.kind" in result.output
    (root / "dialogcode.yaml").write_text("engine: dask-local\n", encoding="utf-8")
    assert study_engine(Study.open(root)).kind == "dask-local"
    monkeypatch.setitem(sys.modules, "distributed", None)    # as if the extra is missing
    with pytest.raises(DialogcodeError, match=r"pip install 'dialogcode\[dask\]'"):
        with dask_client(study_engine(Study.open(root))):
            pass
    result = invoke("ingest", root)
    assert result.exit_code == 1 and "dialogcode[dask]" in result.output


def test_skip_bad_keeps_and_refuses_the_same_files_as_the_local_engine(tmp_path, threads):
    """The first of two files sharing a document id cannot be read, so the second keeps
    the id; a third file repeats another's text. Both engines list the same problems,
    in the same order, and keep the same documents, segments and notes."""
    roots = [_small_study(tmp_path / name, "local") for name in ("local", "dask")]
    for root in roots:
        (root / "transcripts" / "call0.docx").write_bytes(b"not a word file")
        shutil.copy(root / "transcripts" / "call1.txt", root / "transcripts" / "copy.txt")
    local_study, dask_study = (Study.open(root) for root in roots)
    with pytest.raises(IngestError) as local_error:
        ingest(local_study)
    with pytest.raises(IngestError) as dask_error:
        ingest_on_dask(dask_study, threads)
    assert dask_error.value.problems == local_error.value.problems
    local = ingest(local_study, skip_bad=True)
    on_dask = ingest_on_dask(dask_study, threads, skip_bad=True)
    messages = [p.message for p in on_dask.skipped]
    assert len(messages) == 2 and "same text as transcripts/call1.txt" in messages[1]
    assert "call0" in set(on_dask.documents["doc_id"])       # from call0.txt
    assert on_dask.skipped == local.skipped
    assert on_dask.speaker_notes == local.speaker_notes
    pd.testing.assert_frame_equal(on_dask.documents, local.documents)
    pd.testing.assert_frame_equal(on_dask.segments, local.segments)


def test_counting_tables_from_dask_group_bys_equal_the_pandas_ones(tmp_path, threads):
    """On the sample study ingested and coded on Dask, the codebook summary and code by
    site, event type and phase from Dask DataFrame group-bys over the datasets are the
    pandas tables, cell for cell; pandas is used below `dask_tables_from` segments and
    for the local engine."""
    root = copy_sample(tmp_path, "sample")
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("engine: {kind: dask-local, dask_tables_from: 100}\n")
    # two coaching calls of no phase: a group left out alike
    manifest = pd.read_csv(root / "manifest.csv", dtype=str, keep_default_na=False)
    calls = manifest.index[manifest["event_type"] == "coaching_call"][:2]
    manifest.loc[calls, "phase"] = ""
    manifest.to_csv(root / "manifest.csv", index=False)
    study = Study.open(root)
    corpus = ingest_on_dask(study, threads)
    book = load_codebooks(study.codebook_files())
    coded, _ = code_on_dask(study, threads, book, model="blank")
    on_dask = counting_for(study, corpus.segments, lambda: threads)
    assert on_dask.func is counting_on_dask
    assert counting_for(study, corpus.segments.iloc[:99], lambda: threads) is counting_tables
    assert counting_for(study, corpus.segments, None) is counting_tables
    assert counting_for(study, corpus.segments, lambda: None) is counting_tables
    # the final codings, which a reviewer's rejection makes differ from the dataset's
    (root / "decisions.csv").write_text("seg_id,code_id,decision\n"
                                        f"{coded['seg_id'][0]},{coded['code_id'][0]},reject\n",
                                        encoding="utf-8")
    evidence = study_evidence(study, corpus=corpus, privacy=False, dask=lambda: threads)
    # a rejection takes every coding of its code in its segment (a rule may code it twice)
    rejected = (coded["seg_id"] == coded["seg_id"][0]) & (coded["code_id"] == coded["code_id"][0])
    assert len(evidence.codings) == len(coded) - rejected.sum()
    pandas = counting_tables(evidence.codings, corpus.segments, corpus.documents, book)
    computed = on_dask(evidence.codings, corpus.segments, corpus.documents, book)
    assert list(computed) == list(pandas) == ["codebook_summary", "code_by_site",
                                              "code_by_event_type", "code_by_phase"]
    assert evidence.tables["code_by_phase"]["group_segments"].sum() < (
        evidence.tables["code_by_event_type"]["group_segments"].sum())   # calls without
    for name, table in pandas.items():
        assert table["segments"].sum() > 100, name
        pd.testing.assert_frame_equal(computed[name], table, obj=name)
        pd.testing.assert_frame_equal(evidence.tables[name], table, obj=name)


def test_learn_on_dask_fits_the_model_of_the_local_engine(tmp_path, threads):
    """`learn --scheduler` fits each code's model and cross-validation folds as a task:
    the stored model is the local engine's, array for array, and it says where it ran."""
    import json

    import numpy as np

    roots = [_small_study(tmp_path / name, "local") for name in ("local", "dask")]
    for root in roots:
        assert invoke("ingest", root, "-q").exit_code == 0
    local = invoke("learn", roots[0])
    on_dask = invoke("learn", roots[1], "--scheduler", threads.scheduler.address)
    assert [local.exit_code, on_dask.exit_code] == [0, 0], on_dask.output
    assert "fitted on the Dask cluster, one task per code" in on_dask.output
    assert "Dask" not in local.output
    # the same per-code table (training sizes, thresholds, cross-validated figures)
    table = [r.output[r.output.index("code_id"):r.output.index("Wrote ")]
             for r in (local, on_dask)]
    assert table[1].startswith(table[0])
    models = [root / "out" / "model" for root in roots]
    records = [json.loads((m / "model.json").read_text(encoding="utf-8")) for m in models]
    assert records[0] == records[1]
    assert [s["positives"] >= 4 for s in records[0]["stats"]] == [True, True]
    arrays = [np.load(m / "model.npz") for m in models]
    assert sorted(arrays[0].files) == sorted(arrays[1].files)
    for name in arrays[0].files:
        np.testing.assert_array_equal(arrays[0][name], arrays[1][name], err_msg=name)
    assert np.abs(arrays[0]["coef"]).sum() > 0


def test_counting_on_dask_without_a_manifest_equals_pandas(tmp_path, threads):
    """No manifest: no site or event type, no phase at all; the tables still match."""
    root = _small_study(tmp_path / "s", "local")
    (root / "manifest.csv").unlink()
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("manifest: null\n")
    study = Study.open(root)
    corpus = ingest_on_dask(study, threads)
    book = load_codebooks(study.codebook_files())
    coded, _ = code_on_dask(study, threads, book, model="blank")
    pandas = counting_tables(coded, corpus.segments, corpus.documents, book)
    computed = counting_on_dask(threads, study.out / "segments", coded, corpus.segments,
                                corpus.documents, book)
    assert pandas["code_by_phase"].empty and pandas["codebook_summary"]["segments"].sum()
    for name, table in pandas.items():
        pd.testing.assert_frame_equal(computed[name], table, obj=name)


def test_a_warning_raised_on_a_worker_is_printed_once_as_the_commands_are(tmp_path):
    from conftest import read_only

    root = _small_study(tmp_path / "s", "{kind: dask-local, workers: 2}")
    assert invoke("ingest", root, "-q").exit_code == 0
    (root / "out" / "cache").mkdir(exist_ok=True)
    with read_only(root / "out" / "cache"):
        result = invoke("code", root)
    assert result.exit_code == 0, result.output
    # each worker printed it on its own stderr, as Python's raw warning with its source
    # line, after a progress bar's text (on a remote cluster, on another machine)
    assert result.stderr.count("the token cache could not be written") == 1, result.stderr
    assert "Warning: " in result.stderr and "warnings.warn" not in result.stderr


def test_a_warning_is_relayed_when_a_worker_runs_two_tasks_at_once():
    # `dask worker` without --nthreads 1 runs tasks in threads: catch_warnings, the
    # whole process's, lost the second task's warning when the first ended meanwhile
    # (it printed raw on the worker). Each task keeps its own now, whatever another
    # thread does with the process's warning filters meanwhile
    import threading
    import time
    import warnings

    from dialogcode.engine import _warned
    from dialogcode.errors import DialogcodeWarning, warn

    first_in, second_in = threading.Event(), threading.Event()

    def first():
        first_in.set()
        second_in.wait(5)
        with warnings.catch_warnings():         # as a library may, in its own thread
            warnings.simplefilter("ignore")
            warn(DialogcodeWarning("the first task's warning"))
            time.sleep(0.1)
        return "first"

    def second():
        first_in.wait(5)
        second_in.set()
        time.sleep(0.05)
        warn(DialogcodeWarning("the second task's warning"))    # the first ignores all
        time.sleep(0.3)          # the first task has ended meanwhile
        warn(DialogcodeWarning("the second task's last warning"))
        return "second"

    results = {}
    threads = [threading.Thread(target=lambda f=f: results.update({f.__name__: _warned(f)}))
               for f in (first, second)]
    with warnings.catch_warnings(record=True) as printed:     # on the worker's stderr
        warnings.simplefilter("always")
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [(result, [str(w) for w in raised]) for result, raised in
            (results["first"], results["second"])] == [
        ("first", ["the first task's warning"]),
        ("second", ["the second task's warning", "the second task's last warning"])]
    assert not [w for w in printed if issubclass(w.category, DialogcodeWarning)]


BOTH = threading.Barrier(2, timeout=20)     # two tasks of a worker in this process


def _warning_task(name: str) -> str:
    """A task that warns while another runs at once (:data:`BOTH` waits for both)."""
    from dialogcode.errors import DialogcodeWarning, warn

    BOTH.wait()
    warn(DialogcodeWarning(f"{name}'s warning"))
    BOTH.wait()             # the other has warned too, in its own thread
    return name


def test_two_tasks_at_once_on_one_worker_each_bring_back_their_own_warnings():
    # the same on a real worker of two threads: both run at once, each warns, and each
    # result carries its own warning alone
    from dialogcode.engine import _warned

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        futures = [client.submit(_warned, _warning_task, name, pure=False)
                   for name in "ab"]
        done = [(result, [str(w) for w in raised])
                for result, raised in client.gather(futures)]
    assert done == [("a", ["a's warning"]), ("b", ["b's warning"])]


def test_every_dialogcode_warning_is_raised_through_errors_warn():
    # a task relays only the warnings raised with errors.warn: one raised with
    # warnings.warn on a worker prints there, on another process's (or machine's)
    # stderr, and the command never shows it (privacy's scan raised its own so)
    import ast

    raw = []
    for path in sorted((ROOT / "dialogcode").rglob("*.py")):
        if path.name == "errors.py" and path.parent.name == "dialogcode":
            continue                # the one place warnings.warn is called
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "warn" and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "warnings"
            imported = isinstance(node, ast.ImportFrom) and node.module == "warnings"
            if called or imported:
                raw.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert raw == []
