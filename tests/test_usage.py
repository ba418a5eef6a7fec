"""Finding the study, and bad usage (exit 2) told apart from bad data (exit 1)."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.errors import ArgumentError, ConfigError, StudyNotFound

from conftest import make_study

MANIFEST = "file,site,event_type,date\nzoom.vtt,Fresno,coaching_call,2019-02-06\n"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def study(tmp_path, format_dir):
    return make_study(tmp_path / "s", {"zoom.vtt": format_dir / "zoom.vtt"}, MANIFEST)


def test_without_a_study_argument_the_study_above_is_found(study, monkeypatch):
    monkeypatch.chdir(study / "transcripts")
    result = invoke("ingest")
    assert result.exit_code == 0, result.output
    assert (study / "out" / "documents.parquet").is_file()
    assert not (study / "transcripts" / "out").exists()
    assert Study.open().root == study.resolve()



def test_a_pipeline_folder_in_dialogcode_yaml_is_read_from_the_study_folder(study, tmp_path,
                                                                             monkeypatch):
    # `model: pipeline` was looked for in the working directory: the study coded from its
    # own folder and failed ("not installed") from anywhere else, or silently took
    # another pipeline of that name there
    import spacy

    nlp = spacy.blank("en")
    nlp.meta["name"] = "saved"
    nlp.to_disk(study / "pipeline")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "model: pipeline\nprivacy:\n  model: pipeline\n",
                      encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    opened = Study.open(study)
    assert opened.config.model == opened.config.privacy.model == str(study.resolve() / "pipeline")
    result = invoke("ingest", study, "-q")
    assert result.exit_code == 0, result.output
    result = invoke("code", study, "-q")
    assert result.exit_code == 0, result.output
    assert Study.open(study / "dialogcode.yaml").config.model == opened.config.model
    # an installed package's name stays a name
    config.write_text(config.read_text().replace("model: pipeline\nprivacy", "model: blank\n"
                                                 "privacy"), encoding="utf-8")
    assert Study.open(study).config.model == "blank"


def test_no_study_here_or_above(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("ingest")
    assert result.exit_code == 2
    assert (f"Error: no dialogcode.yaml in {tmp_path} or any folder above it; give the study "
            "folder, or create a study with `dialogcode init DIR`") in result.output


@pytest.mark.parametrize("where, message", [
    ("nowhere", "{path}: no such folder; give a study folder, or create a study with "
                "`dialogcode init {path}`"),
    ("s/transcripts", "{path}: a folder inside the study {root}, not a study; give the study "
                      "folder, or leave the study out to find it from here"),
    ("s/manifest.csv", "{path}: a file inside the study {root}, not a study; give the study "
                       "folder, or leave the study out to find it from here"),
    ("empty", "{path}: a folder without a dialogcode.yaml, not a study; give a study folder, "
              "or create a study with `dialogcode init DIR`"),
])
def test_a_path_that_is_not_a_study_is_bad_usage(study, tmp_path, where, message):
    (tmp_path / "empty").mkdir()
    path = tmp_path / where
    with pytest.raises(StudyNotFound) as info:
        Study.open(path)
    expected = message.format(path=path, root=study.resolve())
    assert str(info.value) == expected
    result = invoke("tables", path)
    assert result.exit_code == 2 and f"Error: {expected}\n" in result.output


def test_init_into_a_non_empty_folder_is_bad_usage(study):
    result = invoke("init", study / "transcripts")
    assert result.exit_code == 2
    assert (f"Error: {study / 'transcripts'}: folder is not empty; choose a new folder for "
            "the study") in result.output
    result = invoke("init", study / "manifest.csv")
    assert result.exit_code == 2
    assert (f"Error: {study / 'manifest.csv'}: a file; choose a new folder for the study"
            in result.output)


def test_an_output_folder_outside_the_study_needs_allow_outside(study, tmp_path):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "output: ../elsewhere\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Study.open(study).check_output_inside()
    message = (f"{config}:3: output '../elsewhere' is outside the study folder "
               f"({tmp_path / 'elsewhere'}); write a folder inside it, or pass "
               "--allow-outside to write there anyway")
    assert str(info.value) == message
    result = invoke("ingest", study, "-q")
    assert result.exit_code == 1 and f"Error: {message}\n" in result.output
    assert not (tmp_path / "elsewhere").exists()
    result = invoke("ingest", study, "-q", "--allow-outside")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "documents.parquet").is_file()
    result = invoke("agree", "rules", "rules2", "-s", study)
    assert result.exit_code == 1 and f"Error: {message}\n" in result.output


@pytest.mark.parametrize("args, message", [
    (["evaluate", "{study}", "--reference", "nobody"],
     "Error: {study}/codings/nobody.csv: no codings/nobody.csv (coders: none)"),
    (["kwic", "rent", "{study}", "--limit", "-1"],
     "Error: Invalid value for '--limit': -1 is not in the range x>=0."),
    (["kwic", "rent", "{study}", "--width", "0"],
     "Error: Invalid value for '--width': 0 is not in the range x>=1."),
    (["import-codings", "{study}/coded.md", "{study}", "--coder", "a", "--document", "zom"],
     "Error: {study}/coded.md: --document: unknown document 'zom' (documents: zoom)"),
])
def test_option_values_that_name_nothing_are_bad_usage(study, args, message):
    assert invoke("ingest", study, "-q").exit_code == 0
    assert invoke("code", study, "-q").exit_code == 0
    (study / "coded.md").write_text("**Welcome**<sup>x</sup>\n", encoding="utf-8")
    result = invoke(*(a.format(study=study) for a in args))
    assert result.exit_code == 2, result.output
    assert message.format(study=study) in result.output
    assert "Traceback" not in result.output


def test_run_names_the_config_key_of_a_reference_without_a_coder_file(study):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "learn:\n  reference: nobody\n", encoding="utf-8")
    result = invoke("run", study, "-q")
    assert result.exit_code == 1
    assert (f"Error: {config}: learn: reference: no codings/nobody.csv (coders: none)"
            in result.output)


def test_usage_errors_are_argument_errors_and_config_errors_stay_data():
    assert issubclass(StudyNotFound, ArgumentError) and issubclass(StudyNotFound, ConfigError)
    assert not issubclass(ConfigError, ArgumentError)


def test_a_file_that_cannot_be_written_is_named_without_a_traceback(tmp_path):
    book = Path(__file__).parent / "data" / "evidence-study" / "codebook.yaml"
    target = tmp_path / "missing" / "book.qdc"
    result = invoke("codebook", "export", book, "-o", target)
    assert result.exit_code == 1
    assert result.output == f"Error: {target}: No such file or directory\n"
