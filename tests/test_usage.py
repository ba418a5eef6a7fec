"""Finding the study, and bad usage (exit 2) told apart from bad data (exit 1)."""
import shutil
import sys
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
    (study / "gone").symlink_to(study / "nowhere")
    result = invoke("init", study / "gone")
    assert result.exit_code == 2        # was "File exists", exit 1
    assert (f"Error: {study / 'gone'}: a link to nothing; choose a new folder for the study"
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


@pytest.mark.parametrize("output, message", [
    ("transcripts/out", "output 'transcripts/out' is inside the transcripts folder, where "
                        "ingest would read the tables written as transcripts; write a "
                        "folder outside it"),
    ("manifest.csv", "output 'manifest.csv' is a file, not a folder; name a folder")])
def test_an_output_folder_in_the_transcripts_or_that_is_a_file_is_refused(study, output,
                                                                          message):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + f"output: {output}\n", encoding="utf-8")
    before = sorted(p.relative_to(study) for p in study.rglob("*"))
    for allow in ([], ["--allow-outside"]):
        result = invoke("ingest", study, "-q", *allow)
        assert result.exit_code == 1
        assert f"Error: {config}:3 [output]: {message}\n" in result.output
    assert sorted(p.relative_to(study) for p in study.rglob("*")) == before


@pytest.mark.parametrize("args, message", [
    (["evaluate", "{study}", "--reference", "nobody"],
     "Error: {study}/codings/nobody.csv: no codings/nobody.csv (coders: none; "
     "`dialogcode import-codings FILE --coder NAME` brings a person's coding in as "
     "codings/NAME.csv)"),
    (["agree", "rules", "nobody", "-s", "{study}"],
     "Error: {study}/codings/nobody.csv: no codings named 'nobody' (known: rules; "
     "`dialogcode import-codings FILE --coder NAME` brings a person's coding in as "
     "codings/NAME.csv)"),
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
    assert (f"Error: {config}: learn: reference: no codings/nobody.csv (coders: none; "
            "`dialogcode import-codings FILE --coder NAME`") in result.output


def test_usage_errors_are_argument_errors_and_config_errors_stay_data():
    assert issubclass(StudyNotFound, ArgumentError) and issubclass(StudyNotFound, ConfigError)
    assert not issubclass(ConfigError, ArgumentError)


def test_a_file_that_cannot_be_written_is_named_without_a_traceback(tmp_path):
    book = Path(__file__).parent / "data" / "evidence-study" / "codebook.yaml"
    (tmp_path / "notes").write_text("a file, not a folder\n", encoding="utf-8")
    result = invoke("codebook", "export", book, "-o", tmp_path / "notes" / "book.qdc")
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'notes'}: a file, not a folder\n"
    # a missing folder is made, as for every output
    result = invoke("codebook", "export", book, "-o", tmp_path / "missing" / "book.qdc")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "missing" / "book.qdc").is_file()


def test_a_misspelt_config_key_names_its_line_and_the_key_meant(study):
    config = study / "dialogcode.yaml"
    config.write_text("title: Test study\ncodebooks: []\nunti: turn\nlearn:\n"
                      "  min_precison: 0.8\n  treshold: f1\nengine:\n  speed: 3\n",
                      encoding="utf-8")
    result = invoke("ingest", study, "-q")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 4 problems:\n"
        f"  {config}:3 [unti]: unknown key; did you mean 'unit'?\n"
        f"  {config}:5 [learn.min_precison]: unknown key; did you mean 'min_precision'?\n"
        f"  {config}:6 [learn.treshold]: unknown key; did you mean 'threshold'?\n"
        f"  {config}:8 [engine.speed]: unknown key; the keys here are dask_tables_from, kind, "
        "partition_mb, scheduler, workers\n")


def test_a_config_pipeline_that_is_not_installed_says_where_it_is_named(study):
    assert invoke("ingest", study, "-q").exit_code == 0
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "model: en_core_web_nothere\n", encoding="utf-8")
    result = invoke("code", study, "-q")
    assert result.exit_code == 1
    assert result.output == (
        "Error: spaCy pipeline 'en_core_web_nothere', named by `model:` in dialogcode.yaml, "
        "is not installed; install its package, or write `model: blank` there (no download "
        "needed)\n")


def test_a_missing_semantic_extra_names_the_setting_and_the_install(tmp_path, monkeypatch):
    from dialogcode import semantic

    root = tmp_path / "study"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", root)
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "learn: {semantic: wordllama}\n", encoding="utf-8")
    assert invoke("ingest", root, "-q").exit_code == 0
    (root / "codings").mkdir()
    (root / "codings" / "ann.csv").write_text("seg_id,code_id\nnorth/kickoff:t1,connection\n",
                                             encoding="utf-8")
    monkeypatch.setitem(sys.modules, "wordllama.inference", None)   # as if not installed
    semantic._wordllama.cache_clear()
    result = invoke("learn", root, "-q")
    semantic._wordllama.cache_clear()
    assert result.exit_code == 1
    assert result.output == (
        "Error: WordLlama features (`semantic: wordllama` under `learn:` in dialogcode.yaml, "
        "or `cluster --semantic wordllama`) need the semantic extra: pip install "
        "'dialogcode[semantic]'; or write `semantic: lsa` there, which needs nothing more\n")


@pytest.mark.parametrize("args", [
    ("report", "{study}", "-o", "{study}/transcripts/report.html"),
    ("review", "export", "{study}", "-o", "{study}/transcripts/review.csv"),
    ("agree", "rules", "ann", "--study", "{study}", "-o", "{study}/transcripts/agree.csv"),
    ("export", "{study}", "--to", "csv", "-o", "{study}/transcripts/tables"),
    ("export", "{study}", "--to", "qdpx", "-o", "{study}/transcripts/study.qdpx"),
])
def test_an_output_named_inside_the_transcripts_folder_is_refused(tmp_path, args):
    # a sheet or table written there would be read as a transcript by the next ingest
    study = tmp_path / "study"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", study)
    assert invoke("ingest", study, "-q").exit_code == 0
    assert invoke("code", study, "-q").exit_code == 0
    (study / "codings").mkdir()
    (study / "codings" / "ann.csv").write_text("seg_id,code_id\nnorth/kickoff:t1,connection\n",
                                              encoding="utf-8")
    before = sorted((study / "transcripts").rglob("*"))
    result = invoke(*(a.format(study=study) for a in args))
    assert result.exit_code == 1
    assert (f"Error: {args[-1].format(study=study)}: refused: inside the transcripts folder, "
            "which holds people's files and which dialogcode never writes to (ingest would "
            "read what is written there as a transcript); choose a path outside it"
            ) in result.output
    assert "Traceback" not in result.output
    assert sorted((study / "transcripts").rglob("*")) == before


BOOK = Path(__file__).parent / "data" / "evidence-study" / "codebook.yaml"


@pytest.mark.parametrize("args, target, expected", [
    (("report", "{study}"), "r.txt", "an HTML report, so its name must end in .html"),
    (("review", "export", "{study}"), "sheet",
     "a review sheet, so its name must end in .xlsx or .csv"),
    (("agree", "rules", "ann", "--study", "{study}"), "agreement",
     "an agreement table, so its name must end in .xlsx or .csv"),
    (("export", "{study}", "--to", "qdpx"), "project.txt",
     "a REFI-QDA project, so its name must end in .qdpx"),
    (("export", "{study}", "--to", "qdpx"), "project",
     "a REFI-QDA project, so its name must end in .qdpx"),
    (("export", "{study}", "--to", "csv"), "tables.xlsx",
     "with table formats, -o is a folder (a file is for --to qdpx alone)"),
    (("codebook", "export", str(BOOK)), "book.xml",
     "a REFI-QDA codebook, so its name must end in .qdc"),
    (("codebook", "import", str(BOOK)), "book.txt",
     "a codebook, so its name must end in .yaml or .yml"),
], ids=["report", "review export", "agree", "qdpx", "qdpx without", "export tables",
        "codebook export", "codebook import"])
def test_an_output_file_named_with_another_extension_is_refused(tmp_path, args, target,
                                                                expected):
    # `export --to qdpx -o x.txt` wrote a zip named .txt, `agree -o name` a CSV named
    # without .csv: the extension is never added, a name that contradicts it is refused
    study = tmp_path / "study"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", study)
    result = invoke(*(a.format(study=study) for a in args), "-o", tmp_path / target)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert expected in " ".join(result.output.split())
    assert not (tmp_path / target).exists()
    assert not (study / "out").exists() or not any((study / "out").iterdir())


@pytest.mark.parametrize("key, wrong, command, message", [
    ("codebooks", "[codebook/*.yaml]", "code",
     "'codebook/*.yaml' matches no file in {root}; name the codebook files (a glob such as "
     "codebooks/*.yaml) relative to the study folder"),
    ("codebooks", "[transcripts]", "code",
     "'transcripts' names the folder {root}/transcripts, not codebook files; name the files "
     "in it, such as transcripts/*.yaml"),
    ("transcripts", "transcript", "ingest",
     "the transcripts folder {root}/transcript does not exist; create it, or name the "
     "folder that holds the transcripts"),
    ("manifest", "manifests.csv", "ingest",
     "{root}/manifests.csv does not exist; write the manifest there, or `manifest: null` "
     "for none"),
    ("manifest", "transcripts", "ingest",
     "{root}/transcripts is a folder; write the manifest there, or `manifest: null` for "
     "none"),
    ("transcripts", "manifest.csv", "ingest",
     "the transcripts folder {root}/manifest.csv is a file, not a folder; create it, or "
     "name the folder that holds the transcripts"),
])
def test_a_config_path_that_names_nothing_gives_its_line(study, key, wrong, command, message):
    assert invoke("ingest", study, "-q").exit_code == 0
    config = study / "dialogcode.yaml"
    config.write_text(f"title: Test study\n{key}: {wrong}\n", encoding="utf-8")
    result = invoke(command, study, "-q")
    assert result.exit_code == 1
    assert result.output == f"Error: {config}:2 [{key}]: {message.format(root=study)}\n"


@pytest.mark.parametrize("stray", ["a folder", "a broken link"])
def test_a_codebook_glob_matching_what_is_not_a_file_is_refused(study, stray):
    # the match was dropped without a word and the study coded without that codebook
    assert invoke("ingest", study, "-q").exit_code == 0
    (study / "codebooks").mkdir()
    shutil.copy(Path(__file__).parent / "data" / "codebooks" / "small.yaml",
                study / "codebooks")
    old = study / "codebooks" / "old.yaml"
    old.mkdir() if stray == "a folder" else old.symlink_to("gone.yaml")
    config = study / "dialogcode.yaml"
    config.write_text("title: Test study\ncodebooks: [codebooks/*.yaml]\n", encoding="utf-8")
    result = invoke("code", study, "-q")
    assert result.exit_code == 1
    assert result.output == (f"Error: {config}:2 [codebooks]: 'codebooks/*.yaml' matches "
                             f"{old}, which is not a codebook file (a folder, or a link to "
                             "nothing); move it or name the codebook files\n")
    assert not (study / "out" / "codings.parquet").exists()

def test_kwic_of_a_misspelt_code_id_names_the_code_meant(tmp_path):
    # matched as a phrase, it found nothing and said "0 matches" as if the code had none
    study = tmp_path / "study"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", study)
    assert invoke("ingest", study, "-q").exit_code == 0
    result = invoke("kwic", "risk.mony", study)
    assert result.exit_code == 2
    assert ("Invalid value for 'TERM_OR_CODE': 'risk.mony' is not a code id of the codebook; "
            "did you mean risk.money, risk.housing, risk?") in result.output
    assert invoke("kwic", "risk.money", study).exit_code == 0
    # code ids are lower case: one written in capitals is an id, not a phrase found nowhere
    result = invoke("kwic", "Risk.Money", study)
    assert result.exit_code == 2
    assert "'Risk.Money' is not a code id of the codebook; did you mean risk.money" in (
        result.output)
