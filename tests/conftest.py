import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import docx
import openpyxl
import pytest

DATA = Path(__file__).parent / "data"
FORMATS = DATA / "formats"
BAD = DATA / "bad"
EVIDENCE = DATA / "evidence-study"


def write_docx_paragraphs(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Synthetic fixture: closing breakout.")
    document.add_paragraph("P1: We finally have the school district at the table.")
    document.add_paragraph("P2: And the clinic, which I didn't expect.")
    document.add_paragraph("P1: Right.")
    document.save(path)
    return path


def write_docx_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Synthetic fixture: kick-off breakout.")
    table = document.add_table(rows=1, cols=3)
    for cell, name in zip(table.rows[0].cells, ("Time", "Speaker", "Text")):
        cell.text = name
    for row in (("00:00:05", "Facilitator", "What does prevention mean here?"),
                ("00:00:15", "P1", "Policing, mostly."),
                ("00:00:20", "P1", "That's what people know."),
                ("00:01:02", "P2", "Or nothing at all.")):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    document.save(path)
    return path


def write_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Time", "Speaker", "Text"])
    sheet.append(["00:00:01", "Coach", "How did the elders respond?"])
    sheet.append(["00:00:09", "P1", "They want to host the next circle."])
    book.save(path)
    return path


@pytest.fixture
def format_dir(tmp_path) -> Path:
    """Every format fixture in one folder, with the Word and Excel ones written fresh."""
    folder = tmp_path / "formats"
    shutil.copytree(FORMATS, folder)
    write_docx_paragraphs(folder / "paragraphs.docx")
    write_docx_table(folder / "table.docx")
    write_xlsx(folder / "turns.xlsx")
    return folder


def make_study(root: Path, files: dict[str, Path | str | bytes], manifest: str | None) -> Path:
    """A study folder with the given transcripts and manifest text."""
    (root / "transcripts").mkdir(parents=True)
    for name, content in files.items():
        target = root / "transcripts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    config = "title: Test study\ncodebooks: []\n"
    if manifest is None:
        config += "manifest: null\n"
    else:
        (root / "manifest.csv").write_text(manifest, encoding="utf-8")
    (root / "dialogcode.yaml").write_text(config, encoding="utf-8")
    return root


@contextmanager
def read_only(*folders: Path):
    """The ``folders`` unwritable for the block (no file can be made, replaced or removed
    in them), as on a read-only share: by their permissions, or, for root, whom
    permissions do not stop, made immutable (chattr +i); the test is skipped where
    neither can be done."""
    if os.geteuid() != 0:
        modes = {folder: folder.stat().st_mode for folder in folders}
        for folder in folders:
            folder.chmod(0o555)
        try:
            yield
        finally:
            for folder, mode in modes.items():
                folder.chmod(mode)
        return
    made = []
    try:
        for folder in folders:
            if shutil.which("chattr") is None or subprocess.run(
                    ["chattr", "+i", str(folder)], capture_output=True).returncode:
                pytest.skip("running as root, and chattr +i cannot make a folder read-only here")
            made.append(folder)
        yield
    finally:
        # every folder given back before saying which could not be (an immutable folder
        # left behind can be removed by no one but root, with chattr -i)
        kept = [folder for folder in made
                if subprocess.run(["chattr", "-i", str(folder)]).returncode]
        assert not kept, f"chattr -i failed on {kept}"


def ingested_evidence(root: Path) -> Path:
    """A copy of tests/data/evidence-study at ``root``, ingested (the importer tests'
    study: 4 documents, codebook risk.housing, risk.money, connection)."""
    from dialogcode import Study
    from dialogcode.ingest import ingest, write_corpus

    shutil.copytree(EVIDENCE, root)
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    return root


def run_evidence(root: Path) -> Path:
    """A copy of tests/data/evidence-study at ``root`` after `dialogcode run` (the review
    tests' study)."""
    from click.testing import CliRunner

    from dialogcode.cli import cli

    shutil.copytree(EVIDENCE, root)
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    return root


def corpus_and_codebook(root: Path):
    """(corpus, codebook) of the ingested study at ``root``."""
    from dialogcode import Study
    from dialogcode.codebook import load_codebooks
    from dialogcode.ingest import load_corpus

    opened = Study.open(root)
    return load_corpus(opened), load_codebooks(opened.codebook_files())


def imported(source, loaded, **options):
    """``import_codings`` of ``source`` into ``loaded`` (corpus, codebook), as coder
    "tester" unless ``coder`` is given."""
    from dialogcode.importers import import_codings

    corpus, book = loaded
    options.setdefault("coder", "tester")
    return import_codings(source, corpus, book, **options)
