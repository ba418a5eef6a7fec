"""The command line: exit codes, messages, help text for every command."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialogcode.cli import cli

from conftest import BAD, make_study

README = Path(__file__).parent.parent / "README.md"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def all_commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path, command", list(all_commands()), ids=lambda x: str(x))
def test_every_command_has_help_and_is_in_the_readme(path, command):
    assert command.help and len(command.help) > 40
    assert run(*path, "--help").exit_code == 0
    assert f"dialogcode {' '.join(path)}" in README.read_text(encoding="utf-8")


def test_init_scaffolds_a_study_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "study"
    result = run("init", target, "--title", "Pilot's study")
    assert result.exit_code == 0, result.output
    config = (target / "dialogcode.yaml").read_text(encoding="utf-8")
    assert "# Coding unit" in config and "Pilot's study" in config
    assert (target / "manifest.csv").read_text().startswith("file,site,event_type,date")
    assert {p.name for p in (target / "codebooks").iterdir()} >= {"community_factors.yaml"}
    assert (target / "transcripts").is_dir() and (target / "out").is_dir()
    again = run("init", target)
    assert again.exit_code == 2
    assert (f"Error: {target / 'dialogcode.yaml'}: a study already exists here; dialogcode "
            "init never overwrites one") in again.output


def test_ingest_prints_summary_and_writes_tables(tmp_path, format_dir):
    manifest = ("file,site,event_type,date\nzoom.vtt,Fresno,coaching_call,2019-02-06\n"
                "otter.txt,Oakland,site_visit_dialogue,2019-05-15\n")
    root = make_study(tmp_path / "s", {"zoom.vtt": format_dir / "zoom.vtt",
                                       "otter.txt": format_dir / "otter.txt"}, manifest)
    result = run("ingest", root, "--quiet")
    assert result.exit_code == 0 and result.output == ""
    result = run("ingest", root)
    assert result.exit_code == 0, result.output
    assert re.search(r"Fresno\s+coaching_call\s+1\s+2\s+2\s+\d+", result.output)
    assert "Total: 2 documents, 5 turns, 4 speakers" in result.output
    for name in ("documents", "segments"):
        assert (root / "out" / f"{name}.parquet").is_file()
        assert (root / "out" / f"{name}.csv").is_file()


@pytest.mark.parametrize("name, message", [
    ("empty.txt", "transcripts/empty.txt: file is empty"),
    ("binary.txt", "transcripts/binary.txt: binary file"),
    ("broken_timestamps.vtt", "transcripts/broken_timestamps.vtt:8: broken timestamp"),
    ("no_text_column.csv", "transcripts/no_text_column.csv:1: no text column"),
    ("latin1.txt", "transcripts/latin1.txt:1: not valid utf-8"),
])
def test_bad_input_exits_1_with_file_and_line_and_no_traceback(tmp_path, name, message):
    root = make_study(tmp_path / "s", {name: BAD / name}, None)
    result = run("ingest", root, "--quiet")
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert "Traceback" not in result.output


def test_manifest_naming_a_missing_file_exits_1(tmp_path, format_dir):
    root = make_study(tmp_path / "s", {"zoom.vtt": format_dir / "zoom.vtt"},
                      "file,site\nzoom.vtt,Fresno\ngone.txt,Oakland\n")
    result = run("ingest", root)
    assert result.exit_code == 1
    assert (f"manifest.csv:3 [file]: file 'gone.txt' is not in {root / 'transcripts'}"
            in result.output)


def test_duplicate_document_exits_1(tmp_path, format_dir):
    root = make_study(tmp_path / "s", {"a.vtt": format_dir / "zoom.vtt",
                                       "b.vtt": format_dir / "zoom.vtt"}, None)
    result = run("ingest", root)
    assert result.exit_code == 1
    assert "transcripts/b.vtt: duplicate document: same text as transcripts/a.vtt" in result.output


def test_skip_bad_continues_and_lists_what_it_skipped(tmp_path, format_dir):
    root = make_study(tmp_path / "s", {"good.vtt": format_dir / "zoom.vtt",
                                       "empty.txt": BAD / "empty.txt"}, None)
    result = run("ingest", root, "--skip-bad")
    assert result.exit_code == 0
    assert "Skipped bad files (1):\n  transcripts/empty.txt: file is empty" in result.output
    assert "Total: 1 documents" in result.output


def test_bad_usage_exits_2(tmp_path):
    assert run("ingest", tmp_path, "--unit", "paragraph").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_missing_study_is_a_usage_error(tmp_path):
    result = run("ingest", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert (f"Error: {tmp_path / 'nowhere'}: no such folder; give a study folder, or create "
            f"a study with `dialogcode init {tmp_path / 'nowhere'}`") in result.output


def test_run_without_any_codebook_says_what_to_list(tmp_path):
    study = make_study(tmp_path / "study", {"call.txt": "P1: We need housing.\nP2: Yes.\n"},
                       None)
    result = CliRunner().invoke(cli, ["run", str(study), "-q"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {study / 'dialogcode.yaml'}: `codebooks:` lists no codebook, so there are "
        "no codes to build the tables, lessons and report from; list your codebook files "
        "there (for example codebooks/*.yaml)")
