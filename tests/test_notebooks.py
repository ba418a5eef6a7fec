"""The notebooks run top to bottom from a clean kernel on the sample study, and are
stored without outputs."""
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_quickstart.ipynb", "02_explore_themes.ipynb",
                                           "03_lessons_evidence.ipynb",
                                           "04_active_learning.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_shows_its_tables_and_figures(path):
    notebook = nbformat.read(path, as_version=4)
    # The timeout catches a hung kernel; it is not a speed test (a busy 2-core machine
    # can take minutes over the cross-validation in notebook 04).
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], \
        "progress noise on stderr"
    tables = [o for o in outputs if "text/html" in o.get("data", {})
              and "<table" in o["data"]["text/html"]]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    expected = {"01_quickstart": (5, 1), "02_explore_themes": (6, 4),
                "03_lessons_evidence": (4, 0), "04_active_learning": (4, 1)}[path.stem]
    assert len(tables) >= expected[0] and len(figures) >= expected[1], (len(tables),
                                                                        len(figures))


def test_the_lessons_notebook_gives_the_figures_of_the_command(tmp_path):
    # the notebook exports the workbook for the report team into the study's out/: coded
    # by the rules alone while `dialogcode code` adds the learned model, it replaced the
    # workbook of `dialogcode run` with other figures than the report's
    from click.testing import CliRunner

    from dialogcode.cli import cli
    from test_sample_study import sample_copy

    study = sample_copy(tmp_path / "corpora" / "sample-study")
    for command in ("learn", "code", "lessons"):
        result = CliRunner().invoke(cli, [command, str(study), "-q"])
        assert result.exit_code == 0, result.output
    expected = pd.read_csv(study / "out" / "tables" / "lessons.csv")
    path = next(p for p in NOTEBOOKS if p.stem == "03_lessons_evidence")
    notebook = nbformat.read(path, as_version=4)
    (tmp_path / "notebooks").mkdir()
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "notebooks")}}).execute()
    exported = pd.read_excel(study / "out" / "workbook.xlsx", sheet_name="lessons")
    columns = ["lesson_id", "sites", "events", "documents", "segments", "speakers"]
    pd.testing.assert_frame_equal(exported[columns], expected[columns])


@pytest.mark.parametrize("stem", ["01_quickstart", "03_lessons_evidence"])
def test_a_notebook_opens_the_study_dialogcode_study_names(stem, tmp_path, monkeypatch):
    # an analyst points the notebooks at their own study; they opened the sample's path
    # whatever was asked, and showed its documents and wrote into its out/
    import shutil

    study = tmp_path / "mine"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", study)
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == stem)
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    shown = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "")
                    for cell in notebook.cells if cell.cell_type == "code"
                    for o in cell.outputs)
    assert str(study) in shown or "north/kickoff" in shown, shown[:2000]
    assert "sample-study" not in shown and "Fresno" not in shown
    if stem == "03_lessons_evidence":
        exported = pd.read_excel(study / "out" / "workbook.xlsx", sheet_name="lessons")
        assert list(exported["lesson_id"]) == ["connection-grew", "money-south",
                                               "leads-on-risk"]


def test_the_quickstart_counts_what_the_tables_count_after_review(tmp_path, monkeypatch):
    # a reviewer rejected every coding of one code: the tables and the report leave them
    # out, and the quickstart, which says its counts are the report's, counted them
    import shutil

    from click.testing import CliRunner

    from dialogcode.cli import cli

    study = tmp_path / "mine"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", study)
    runner = CliRunner()
    for command in (["ingest"], ["code"], ["review", "export", "-o", str(tmp_path / "r.csv")]):
        assert runner.invoke(cli, [*command, str(study)]).exit_code == 0
    sheet = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    rejected = sheet["code_id"].value_counts().index[0]
    sheet["decision"] = sheet["code_id"].map({rejected: "reject"}).fillna("accept")
    sheet.to_csv(tmp_path / "r.csv", index=False)
    for command in (["review", "import", str(tmp_path / "r.csv"), str(study)],
                    ["tables", str(study), "-q"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
    expected = pd.read_csv(study / "out" / "tables" / "code_by_site.csv")
    assert expected.loc[expected["code_id"] == rejected, "segments"].sum() == 0
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == "01_quickstart")
    notebook = nbformat.read(path, as_version=4)
    shown = tmp_path / "by_site.csv"
    notebook.cells.append(nbformat.v4.new_code_cell(f"by_site.to_csv({str(shown)!r})"))
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    columns = ["code_id", "site", "segments", "documents", "speakers", "group_segments"]
    pd.testing.assert_frame_equal(pd.read_csv(shown)[columns], expected[columns])


@pytest.mark.parametrize("stem", ["01_quickstart", "02_explore_themes"])
def test_a_notebook_shows_a_residual_name_as_its_label(stem, tmp_path, monkeypatch):
    # every command's output passes the privacy gate, but the notebooks called the
    # library directly: saved with their outputs and shared, they showed the name in the
    # segments, the quotes, keyword in context and the texts the rules matched
    import shutil

    study = tmp_path / "named"
    shutil.copytree(Path(__file__).parent / "data" / "evidence-study", study)
    # at the start of a turn, so a table's column cut at 50 characters still shows it
    for path, turn in (("north/closing.txt", "P1: Neighbours"), ("south/visit.txt", "P3: Our")):
        transcript = study / "transcripts" / path
        text = transcript.read_text(encoding="utf-8")
        assert text.count(turn) == 1
        transcript.write_text(text.replace(turn, turn[:4] + "I told Rosalind, call "
                                           "559-555-0143. " + turn[4:]), encoding="utf-8")
    (study / "codings").mkdir()
    (study / "codings" / "reader.csv").write_text(
        "seg_id,code_id\nsouth/visit:t3,risk.housing\nnorth/closing:t2,connection\n",
        encoding="utf-8")
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == stem)
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    shown = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "")
                    + o.get("data", {}).get("text/html", "")
                    for cell in notebook.cells if cell.cell_type == "code"
                    for o in cell.outputs)
    assert "Rosalind" not in shown and "555-0143" not in shown
    assert "I told [NAME], call [PHONE]." in shown
    if stem == "02_explore_themes":     # the study has too few uncoded segments: it failed
        assert ("No clusters: only 0 segment(s) with content words in scope 'residual'; "
                "clustering needs at least 3; the clustering cells below are skipped."
                in shown)


def test_what_to_code_next_passes_over_every_coders_documents(tmp_path, monkeypatch):
    # `review export --next` passes over every document a coder in codings/ coded; the
    # notebook passed over the reference coder's alone, so with a second coder's file it
    # proposed segments of documents that coder had already coded
    from dialogcode import Study
    from dialogcode.ingest import load_corpus
    from test_sample_study import sample_copy

    root = sample_copy(tmp_path / "sample")
    config = root / "dialogcode.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  reference: reader\n" in text
    config.write_text(text.replace("  reference: reader\n",      # trains on the reader alone
                                   "  reference: reader\n  coders: [reader]\n"),
                      encoding="utf-8")
    segments = load_corpus(Study.open(root)).segments
    reader = pd.read_csv(root / "codings" / "reader.csv")
    uncoded = [d for d in segments["doc_id"].unique()
               if d not in set(segments.loc[segments["seg_id"].isin(reader["seg_id"]),
                                            "doc_id"])]
    left, others = uncoded[-1], uncoded[:-1]
    first = segments[segments["doc_id"].isin(others)].groupby("doc_id")["seg_id"].first()
    pd.DataFrame({"seg_id": first.to_numpy(), "code_id": reader["code_id"][0]}).to_csv(
        root / "codings" / "other.csv", index=False)
    monkeypatch.setenv("DIALOGCODE_STUDY", str(root))
    path = next(p for p in NOTEBOOKS if p.stem == "04_active_learning")
    notebook = nbformat.read(path, as_version=4)
    # the cross-validation is left out: it takes minutes and chooses nothing
    notebook.cells = [c for c in notebook.cells if c.cell_type != "code"
                      or not ("evaluate(" in c.source or "result." in c.source)]
    chosen = tmp_path / "chosen.csv"
    notebook.cells.append(nbformat.v4.new_code_cell(f"chosen.to_csv({str(chosen)!r})"))
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    picked = pd.read_csv(chosen)["seg_id"]
    assert len(picked) and set(segments.set_index("seg_id").loc[picked, "doc_id"]) == {left}


def test_the_quickstart_on_a_study_whose_model_is_stale_warns_and_counts_the_rules(
        tmp_path, monkeypatch):
    # the codebook was edited after `dialogcode learn`: `code` warns and codes with the
    # rules alone, and the quickstart stopped with the model's "run `dialogcode learn`
    # again"; now it shows the same warning and the tables' figures
    from click.testing import CliRunner

    from dialogcode.cli import cli
    from test_learning import learning_study

    study = learning_study(tmp_path / "study")
    runner = CliRunner()
    assert runner.invoke(cli, ["learn", str(study), "-q"]).exit_code == 0
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, eviction]"))
    coded = runner.invoke(cli, ["code", str(study), "-q"])
    assert coded.exit_code == 0 and coded.stderr.startswith("Warning: the learned model "
                                                            "was not applied")
    assert runner.invoke(cli, ["tables", str(study), "-q"]).exit_code == 0
    expected = pd.read_csv(study / "out" / "tables" / "code_by_site.csv")
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == "01_quickstart")
    notebook = nbformat.read(path, as_version=4)
    shown = tmp_path / "by_site.csv"
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"by_site.to_csv({str(shown)!r})\n'model' in set(codings['source'])"))
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    said = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "DialogcodeWarning: " + coded.stderr.removeprefix("Warning: ").strip() in said
    assert outputs[-1]["data"]["text/plain"] == "False"        # no model coding
    columns = ["code_id", "site", "segments", "documents", "speakers", "group_segments"]
    pd.testing.assert_frame_equal(pd.read_csv(shown)[columns], expected[columns])


def test_the_notebooks_figures_are_those_evaluate_writes_beside_a_reference_of_some_codes(
        tmp_path, monkeypatch):
    # the reference looked for economic control alone (coders: in dialogcode.yaml): the
    # notebook scored it on housing too, where the rules' codings all counted as wrong, and
    # showed other overall figures than `dialogcode evaluate`, with nothing to say why
    from click.testing import CliRunner

    from dialogcode.cli import cli
    from test_coder_scopes import control_only
    from test_learning import learning_study

    study = learning_study(tmp_path / "study")
    control_only(study)
    for command in (["code"], ["evaluate", "--reference", "ana"]):
        result = CliRunner().invoke(cli, [*command, str(study), "-q"])
        assert result.exit_code == 0, result.output
    said = re.search(r"Not scored: .*? count nothing\.", " ".join(result.output.split()))
    expected = pd.read_csv(study / "out" / "evaluation" / "per_code.csv")
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == "04_active_learning")
    notebook = nbformat.read(path, as_version=4)
    cut = next(i for i, c in enumerate(notebook.cells) if "overall = " in c.source)
    shown = tmp_path / "overall.csv"
    notebook.cells = [*notebook.cells[:cut + 1],
                      nbformat.v4.new_code_cell(f"overall.to_csv({str(shown)!r}, index=False)")]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    columns = ["method", "coded", "precision", "recall", "f1", "alpha"]
    pd.testing.assert_frame_equal(
        pd.read_csv(shown)[columns],
        expected.loc[expected["code_id"] == "(all codes)", columns].reset_index(drop=True))
    printed = "".join(o.get("text", "") for o in notebook.cells[cut].outputs)
    assert said.group() in " ".join(printed.split())     # the command's sentence, word for word


def test_the_notebooks_models_say_what_learn_says_of_a_code_the_reference_did_not_look_for(
        tmp_path, monkeypatch):
    # `learn: reference` ana looked for economic control alone: the notebook's status for
    # housing read "the reference coder never gave it", as if ana had read and refused it,
    # where `dialogcode learn` says she did not look for it
    from click.testing import CliRunner

    from dialogcode.cli import cli
    from dialogcode.learned import load_models
    from test_coder_scopes import two_coders
    from test_learning import learning_study

    study = learning_study(tmp_path / "study")
    two_coders(study, "risk.control")
    result = CliRunner().invoke(cli, ["learn", str(study), "-q"])
    assert result.exit_code == 0, result.output
    expected = load_models(study / "out" / "model").stats
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == "04_active_learning")
    notebook = nbformat.read(path, as_version=4)
    cut = next(i for i, c in enumerate(notebook.cells) if "models = " in c.source)
    shown = tmp_path / "stats.csv"
    notebook.cells = [*notebook.cells[:cut + 1], nbformat.v4.new_code_cell(
        f"models.stats.to_csv({str(shown)!r}, index=False)")]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    columns = ["code_id", "threshold", "status"]
    pd.testing.assert_frame_equal(pd.read_csv(shown)[columns],
                                  expected[columns].reset_index(drop=True))


def test_the_learning_notebook_names_its_reference_and_warns_as_the_commands_do(
        tmp_path, monkeypatch):
    # notebook 04 said "against the reader" whatever coder it evaluated against, and gave
    # none of the warnings `learn` and `evaluate` give of coder files without quotes
    import shutil

    from click.testing import CliRunner

    from dialogcode.cli import cli
    from test_learning import learning_study

    study = learning_study(tmp_path / "study")
    shutil.copy(study / "codings" / "ana.csv", study / "codings" / "bo.csv")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("folds: 3}", "folds: 3, reference: bo}"))
    learned = CliRunner().invoke(cli, ["learn", str(study), "-q"])
    assert learned.exit_code == 0, learned.output
    warned = [line for line in learned.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warned) == 2 and all("neither a quote nor a sha256" in w for w in warned)
    monkeypatch.setenv("DIALOGCODE_STUDY", str(study))
    path = next(p for p in NOTEBOOKS if p.stem == "04_active_learning")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    assert "Reference coder: bo\n" in printed
    assert all(warning + "\n" in printed for warning in warned), printed
