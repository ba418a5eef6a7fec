"""The notebooks run top to bottom from a clean kernel on the sample study, and are
stored without outputs."""
from pathlib import Path

import nbformat
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
