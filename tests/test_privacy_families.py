"""A family called by a surname the study masks ("the Browns", "the Bakers' house") is
masked too, and words of race stay words: a speaker called Brown or a "Ms. White" made
"the Browns moved" show the surname the rest of the study hides."""
import pandas as pd
from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [*args])


def shown_in(root, term: str) -> str:
    result = run("kwic", term, str(root), "--width", "200")
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_family_called_by_a_masked_surname_is_masked(tmp_path):
    # with a speaker Dana Brown, a speaker Jo Baker and "Ms. White" in the talk, "the
    # Browns", "the Bakers" and "the Whites'" were shown as written
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Dana Brown: The rezoning hurts.\n"
        "Jo Baker: The rezoning is late.\n"
        "P4: Ms. White spoke on the rezoning.\n"
        "P4: The Browns moved after the rezoning. We met the Bakers at the rezoning.\n"
        "P4: After the rezoning, the Browns' dog and the Whites' house were gone.\n"
        "P4: Our Browns fans hate the rezoning, and the Black residents too.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert sorted(found.loc[found["detector"] == "family", "text"]) == [
        "Bakers", "Browns", "Browns", "Whites"]
    shown = shown_in(root, "rezoning")
    for masked in ("The [NAME] moved after the [rezoning]", "met the [NAME] at the",
                   "the [NAME]' dog and the [NAME]' house"):
        assert masked in shown, masked
    # no "the" before: a plural that is no family (a team), and a colour as before
    assert "Our Browns fans hate the [rezoning], and the Black residents too" in shown
    out = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(out), "-q").exit_code == 0
    copy = (out / "hearing.txt").read_text(encoding="utf-8")
    assert "Browns" not in copy.replace("Our Browns fans", "") and "Whites" not in copy
    assert "Bakers" not in copy

