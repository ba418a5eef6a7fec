"""A study on a read-only share: the commands that only read (kwic, agree and review
export writing elsewhere) work on it, after an upgrade too; the others say why not."""
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import read_only
from dialogcode.cli import cli

EVIDENCE = Path(__file__).parent / "data" / "evidence-study"


def run(*args):
    return CliRunner().invoke(cli, [*args])


@pytest.fixture
def coded(tmp_path) -> Path:
    """The evidence study with a residual name in a turn, ingested, coded and scanned
    (by kwic), with a coder file to compare with the rules."""
    root = tmp_path / "e"
    shutil.copytree(EVIDENCE, root)
    visit = root / "transcripts" / "south" / "visit.txt"
    visit.write_text(visit.read_text() + "P4: I told Rosalind the rent is late again.\n")
    for command in ("ingest", "code"):
        assert run(command, str(root), "-q").exit_code == 0
    seg_id = pd.read_parquet(root / "out" / "segments.parquet")["seg_id"].iloc[0]
    (root / "codings").mkdir()
    (root / "codings" / "ana.csv").write_text(f"seg_id,code_id\n{seg_id},connection\n",
                                              encoding="utf-8")
    return root


def folders(root: Path) -> list[Path]:
    return [root, *(p for p in root.rglob("*") if p.is_dir())]


def test_the_first_command_after_an_upgrade_reads_a_read_only_out(coded, tmp_path,
                                                                  monkeypatch):
    # the scan's key holds the detectors' version: after an upgrade it differs, the
    # scan's files were rewritten though they hold the same findings, and kwic and
    # agree failed on a read-only out/ naming out/privacy.parquet
    import dialogcode.privacy as privacy

    version = privacy._VERSION
    monkeypatch.setattr(privacy, "_VERSION", "privacy-0")       # the version before
    assert run("kwic", "rent", str(coded)).exit_code == 0
    monkeypatch.setattr(privacy, "_VERSION", version)           # upgraded
    out = coded / "out"
    key = (out / "privacy.key").read_text()
    with read_only(*folders(out)):
        listing = run("kwic", "rent", str(coded))
        agreed = run("agree", "rules", "ana", "-s", str(coded), "-o", str(tmp_path / "a.csv"))
    assert listing.exit_code == 0, listing.output
    assert "[NAME] the [rent] is late" in listing.stdout
    warning = (f"Warning: {out / 'privacy.parquet'}: could not be updated (")
    assert listing.stderr.count(warning) == 1, listing.stderr
    assert agreed.exit_code == 0, agreed.output
    assert warning in agreed.stderr
    assert (out / "privacy.key").read_text() == key             # nothing was written
    # once out/ can be written, the next command brings the files up to date
    assert run("kwic", "rent", str(coded)).stderr == ""
    assert (out / "privacy.key").read_text() != key


def test_findings_that_changed_are_not_left_out_of_a_read_only_out(coded, tmp_path):
    # privacy.csv is what a person copies to decide: a scan that finds something else
    # than the file holds fails naming it rather than going on with a stale file
    assert run("kwic", "rent", str(coded)).exit_code == 0
    visit = coded / "transcripts" / "south" / "visit.txt"
    visit.write_text(visit.read_text() + "P5: Marisol came too.\n")
    assert run("ingest", str(coded), "-q").exit_code == 0
    with read_only(*folders(coded / "out")):
        result = run("agree", "rules", "ana", "-s", str(coded), "-o", str(tmp_path / "a.csv"))
    assert result.exit_code == 1
    assert f"Error: {coded / 'out' / 'privacy.parquet'}: cannot write" in result.output
    assert "Traceback" not in result.output


def test_a_wholly_read_only_study_is_read_without_its_lock(coded, tmp_path):
    # the lock file could not be made in a read-only study folder, so every command
    # failed there, kwic and agree too; a command that writes says why it cannot
    assert run("kwic", "rent", str(coded)).exit_code == 0
    with read_only(*folders(coded)):
        listing = run("kwic", "rent", str(coded))
        agreed = run("agree", "rules", "ana", "-s", str(coded), "-o", str(tmp_path / "a.csv"))
        sheet = run("review", "export", str(coded), "-o", str(tmp_path / "sheet.csv"))
        tables = run("tables", str(coded), "-q")
    assert listing.exit_code == 0, listing.output
    assert "[NAME] the [rent] is late" in listing.output
    assert agreed.exit_code == 0, agreed.output
    assert (tmp_path / "a.csv").is_file()
    assert sheet.exit_code == 0, sheet.output
    # the sheet's stamps need the study's review.key, which a read-only folder cannot hold
    assert "so review.key cannot be made there: the sheet has no stamp column" in sheet.output
    assert "stamp" not in (tmp_path / "sheet.csv").read_text(encoding="utf-8").split("\n")[0]
    assert tables.exit_code == 1
    assert f"Error: {coded / '.dialogcode.lock'}: cannot create the study's lock file (" \
        in tables.output
    assert f"in {coded}: this command writes to the study, so its folder must be writable" \
        in tables.output
    assert not (coded / ".dialogcode.lock").exists()


def test_a_reading_command_still_waits_for_a_running_writer(coded, monkeypatch):
    # read without its lock, a command still does not read a study another running
    # process holds (it may be halfway through writing it)
    import json
    import os
    import socket

    (coded / ".dialogcode.lock").write_text(json.dumps(
        {"pid": os.getppid(), "host": socket.gethostname(), "command": "dialogcode run",
         "since": "2026-11-30T17:00:00+00:00", "token": "0"}), encoding="utf-8")
    monkeypatch.setenv("DIALOGCODE_LOCK_WAIT", "0.2")
    with read_only(*folders(coded)):
        result = run("kwic", "rent", str(coded))
    assert result.exit_code == 1
    assert "the study is in use by process" in result.output
    assert "(`dialogcode run`" in result.output


def test_a_reading_command_writing_into_the_study_needs_its_lock(coded):
    # `agree` and `review export` without -o write into out/: in a study whose folder is
    # read-only but whose out/ can be written they wrote there without the lock, beside
    # a `run` of someone who may write the folder
    assert run("kwic", "rent", str(coded)).exit_code == 0
    with read_only(coded):
        agreed = run("agree", "rules", "ana", "-s", str(coded))
        sheet = run("review", "export", str(coded))
    for result in (agreed, sheet):
        assert result.exit_code == 1, result.output
        assert "cannot create the study's lock file" in result.output


def test_kwic_reads_a_read_only_out_whose_token_cache_is_gone(coded):
    # the token cache is a cache: kwic tokenised a document the cache lacked and then
    # failed writing it to a read-only out/ (a traceback naming out/cache/...tokens)
    assert run("kwic", "rent", str(coded)).exit_code == 0          # scanned, up to date
    shutil.rmtree(coded / "out" / "cache")
    (coded / "out" / "cache").mkdir()
    with read_only(*folders(coded / "out")):
        listing = run("kwic", "rent", str(coded))
    assert listing.exit_code == 0, listing.output
    assert "[NAME] the [rent] is late" in listing.stdout
    assert listing.stderr.count("the token cache could not be written") == 1, listing.stderr


def test_a_warning_during_coding_starts_a_line_of_its_own_not_the_progress_bars(coded):
    # warnings print where they arise: the token cache's came after the progress bar's
    # text on its line ("... 0/4 [00:00<?, ?doc/s]Warning: ..."), the bar then drawn below
    shutil.rmtree(coded / "out" / "cache")
    (coded / "out" / "cache").mkdir()
    with read_only(coded / "out" / "cache"):
        result = run("code", str(coded))
    assert result.exit_code == 0, result.output
    assert result.stderr.count("the token cache could not be written") == 1, result.stderr
    before = result.stderr.split("Warning: ")[0]
    assert before.endswith(("\n", "\r")) and "code:" in before, repr(result.stderr)
