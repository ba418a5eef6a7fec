"""The command line starts without loading the heavy libraries it does not need; the
library's names stay importable from the package."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CODEBOOKS = sorted(str(p) for p in (ROOT / "dialogcode" / "data" / "codebooks").glob(
    "*.yaml"))
HEAVY = ("spacy", "sklearn", "matplotlib", "pandas", "scipy")


def fresh_python(code: str, cwd: Path) -> dict:
    """Run ``code`` in a new interpreter; it prints a JSON object, returned here."""
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


LOADED = ("import json, sys; print(json.dumps({'loaded': sorted(m for m in sys.modules "
          "if m.split('.')[0] in %r or m.startswith('en_core')), "
          "'pipelines': 'dialogcode.nlp' in sys.modules}))" % (HEAVY,))


def test_importing_the_cli_loads_no_heavy_library(tmp_path):
    loaded = fresh_python("import dialogcode.cli\n" + LOADED, tmp_path)
    assert loaded == {"loaded": [], "pipelines": False}


def test_help_of_every_command_works_without_heavy_libraries(tmp_path):
    code = """
import contextlib, io
from dialogcode.cli import cli
def commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))
paths = [(), *commands(cli)]
for path in paths:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli([*path, "--help"], prog_name="dialogcode", standalone_mode=False)
    assert out.getvalue().startswith("Usage: dialogcode"), path
    assert "Show this message and exit" in out.getvalue(), path
print(len(paths))
""" + LOADED
    loaded = fresh_python(code, tmp_path)
    assert loaded == {"loaded": [], "pipelines": False}


def test_root_help_lists_every_command_with_its_short_help(tmp_path):
    from click.testing import CliRunner

    from dialogcode.cli import cli

    rows = CliRunner().invoke(cli, ["--help"]).output.split("Commands:")[1].splitlines()
    listed = {row.split()[0]: " ".join(row.split()[1:4]) for row in rows if row.strip()}
    assert listed == {name: " ".join(command.help.split()[:3])
                      for name, command in cli.commands.items()}


def test_init_and_codebook_validate_load_no_spacy_pipeline_nor_matplotlib(tmp_path):
    code = f"""
from dialogcode.cli import cli
cli(["init", "study"], standalone_mode=False)
cli(["codebook", "validate", *{CODEBOOKS!r}], standalone_mode=False)
""" + LOADED
    loaded = fresh_python(code, tmp_path)
    assert (tmp_path / "study" / "dialogcode.yaml").is_file()
    assert not loaded["pipelines"]
    assert not {"matplotlib", "sklearn", "en_core_web_sm"} & {m.split(".")[0]
                                                             for m in loaded["loaded"]}


@pytest.mark.parametrize("first", ["", "import dialogcode.ingest\n",
                                   "from dialogcode.ingest import load_corpus\n"])
def test_library_names_import_from_the_package_whatever_was_imported_first(tmp_path,
                                                                           first):
    code = first + """
import json
import dialogcode
from dialogcode import Corpus, IngestError, Study, ingest, init_study, load_corpus
print(json.dumps({"ingest": ingest.__module__ + "." + ingest.__name__,
                  "callable": callable(ingest), "same": dialogcode.ingest is ingest,
                  "all": all(hasattr(dialogcode, name) for name in dialogcode.__all__)}))
"""
    assert fresh_python(code, tmp_path) == {"ingest": "dialogcode.ingest.ingest",
                                            "callable": True, "same": True, "all": True}


def test_unknown_names_are_still_errors(tmp_path):
    code = """
import json
try:
    from dialogcode import no_such_name
    print(json.dumps("imported"))
except ImportError as exc:
    print(json.dumps(type(exc).__name__))
"""
    assert fresh_python(code, tmp_path) == "ImportError"
