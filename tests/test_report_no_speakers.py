"""The report of a study whose segments have no speakers (survey answers, field notes)
counts no speakers: "146 segments in 61 documents, 1 site, 0 speakers" read as a fault."""
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"
LESSONS = """lessons:
  - id: crowding
    statement: Families share homes.
    evidence:
      - codes: [housing.insecurity]
"""


def report(tmp_path, answers):
    root = make_study(tmp_path / "s", answers, "file,site\n" + "".join(
        f"{name},North\n" for name in answers))
    (root / "codebooks").mkdir()
    shutil.copy(SMALL, root / "codebooks" / "small.yaml")
    (root / "dialogcode.yaml").write_text("title: Answers\ncodebooks: [codebooks/*.yaml]\n",
                                          encoding="utf-8")
    (root / "lessons.yaml").write_text(LESSONS, encoding="utf-8")
    for command in ("ingest", "code", "report"):
        result = CliRunner().invoke(cli, [command, str(root), "-q"])
        assert result.exit_code == 0, result.output
    return " ".join((root / "out" / "report.html").read_text(encoding="utf-8").split())


def test_answers_without_speakers_are_counted_without_a_speaker_count(tmp_path):
    words = report(tmp_path, {"a1.txt": "Three families share one apartment now.\n",
                              "a2.txt": "They got evicted in May, three families at once.\n"})
    assert "2 segments in 2 documents, 1 site; 3 codings." in words
    assert "2 segments in 2 documents, 2 events, 1 site." in words     # the lesson
    assert "0 speakers" not in words
    assert '<div class="meta">no speaker, North · <code>a1</code>' in words   # credited to no one


def test_talk_with_speakers_still_counts_them(tmp_path):
    words = report(tmp_path, {"a1.txt": "P1: Three families share one apartment now.\n\n"
                                        "P2: They got evicted in May.\n"})
    assert "2 segments in 1 document, 1 site, 2 speakers; 2 codings." in words
    assert "2 segments from 2 speakers in 1 document, 1 event, 1 site." in words
