"""Coder files read after the study was re-cut: the same transcripts cut into other
segments (`max_segment_chars:`, `speakers:`, a newer dialogcode), so that a seg_id names
another segment than the one coded, told apart from a transcript that was edited.

north/kickoff, as written here, cut with the default settings:

    t1  Facilitator  "What worries people here?"
    t2  P1           a long turn (about 1,300 characters) ending "... he said mm-hm."
    t3  P2           "Mm-hm."
    t4  P1           "Wages are low, so rent is late."

With ``max_segment_chars: 1000`` the long turn is cut in two (t2, t3), so "Mm-hm." is t4
and "Wages are low" t5; the second piece of the long turn holds the words "mm-hm".
"""
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
LONG = ("The rent keeps rising and families get evicted. " * 26
        + "When we asked the landlord about it he said mm-hm.")


CODED = "seg_id,code\nnorth/kickoff:t3,connection\nnorth/kickoff:t4,risk.money\n"


def _study(tmp_path: Path, coded: str = CODED) -> tuple[Path, CliRunner]:
    """The evidence study with the kickoff above, ingested, and ana's coding (``coded``;
    by default of t3, "Mm-hm.", and t4) imported as `import-codings` writes it (quotes
    and sha256)."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "transcripts" / "north" / "kickoff.txt").write_text(
        f"Facilitator: What worries people here?\n\nP1: {LONG}\n\nP2: Mm-hm.\n\n"
        "P1: Wages are low, so rent is late.\n", encoding="utf-8")
    runner = CliRunner()
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    sheet = tmp_path / "ana.csv"
    sheet.write_text(coded, encoding="utf-8")
    result = runner.invoke(cli, ["import-codings", str(sheet), str(root), "--coder", "ana"])
    assert result.exit_code == 0, result.output
    return root, runner


def _recut(root: Path, runner: CliRunner) -> None:
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "max_segment_chars: 1000\n",
                      encoding="utf-8")
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    segments = pd.read_parquet(root / "out" / "segments.parquet").set_index("seg_id")
    assert segments.at["north/kickoff:t4", "text"] == "Mm-hm."
    assert "mm-hm" in segments.at["north/kickoff:t3", "text"]


def test_a_short_whole_turn_coded_before_a_re_cut_is_not_credited_to_another_segment(
        tmp_path):
    # "Mm-hm." (P2's turn) coded on t3 was read as words of the new t3, the long turn's
    # second piece, which says "mm-hm": the code went silently to P1's words
    root, runner = _study(tmp_path, "seg_id,code\nnorth/kickoff:t3,connection\n")
    _recut(root, runner)
    result = runner.invoke(cli, ["agree", "ana", "rules", "--study", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "ana.csv:2:" in result.output
    assert "north/kickoff:t4" in result.output     # where its words are now


def test_a_re_cut_is_not_reported_as_an_edited_transcript(tmp_path):
    # the rows carry the document's sha256, which did not change: the segments were cut
    # otherwise, the transcript was not edited ("the transcript changed since" sent the
    # user to look for an edit that was never made)
    root, runner = _study(tmp_path)
    _recut(root, runner)
    result = runner.invoke(cli, ["agree", "ana", "rules", "--study", str(root)])
    assert result.exit_code == 1
    assert "transcript changed" not in result.output
    assert ("ana.csv:2: 2 rows of document 'north/kickoff' (lines 2, 3) were coded on the "
            "same text cut into other segments (the sha256 is the document's, so the "
            "transcript did not change") in result.output
    assert "north/kickoff:t5" in result.output


def test_an_edited_transcript_is_reported_as_edited_not_re_cut(tmp_path):
    root, runner = _study(tmp_path)
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text(kickoff.read_text(encoding="utf-8").replace("Wages are low",
                                                                   "Pay is low"),
                       encoding="utf-8")
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["agree", "ana", "rules", "--study", str(root)])
    assert result.exit_code == 1
    assert "transcript changed" in result.output
    assert "cut into other segments" not in result.output


@pytest.mark.parametrize("sha", [False, True])
def test_a_quote_found_in_another_segment_names_it(tmp_path, sha):
    """Without a sha256 the quote alone shows where its words are now: both causes are
    named, with the segment holding them."""
    root, runner = _study(tmp_path)
    coder = root / "codings" / "ana.csv"
    table = pd.read_csv(coder, dtype=str, keep_default_na=False)
    if not sha:
        table = table.drop(columns="sha256")
    table.to_csv(coder, index=False)
    _recut(root, runner)
    result = runner.invoke(cli, ["agree", "ana", "rules", "--study", str(root)])
    assert result.exit_code == 1
    assert "line 2: north/kickoff:t4, line 3: north/kickoff:t5" in result.output
    assert ("the transcript did not change" in result.output) is sha
    assert ("either the transcript was edited since, or its segments were cut otherwise"
            in result.output) is not sha


def test_a_segment_sheet_made_before_a_re_cut_names_the_segment_its_text_is_now(tmp_path):
    # a sheet's text cell that is another segment's text now was met with "was the
    # transcript changed since the sheet was made?", though only the cut changed
    root, runner = _study(tmp_path)
    _recut(root, runner)
    sheet = tmp_path / "sheet.csv"
    for table, line in (("seg_id,text,code\nnorth/kickoff:t3,Mm-hm.,connection\n",
                         "it is the text of north/kickoff:t4 now"),
                        ("document,turn,text,code\nnorth/kickoff,4,\"Wages are low, so rent "
                         "is late.\",risk.money\n", "it is the text of north/kickoff:t5 now")):
        sheet.write_text(table, encoding="utf-8")
        result = runner.invoke(cli, ["import-codings", str(sheet), str(root), "--coder", "ben"])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "sheet.csv:2: the text in this row is not the text of " in result.output
        assert line in result.output
        assert "cut otherwise (`max_segment_chars:`" in result.output
        assert "was the transcript changed" not in result.output


def test_a_span_coded_before_a_re_cut_names_the_segment_it_lies_in_now(tmp_path):
    # "the span lies outside segment t4; it would quote other words" sent the user to
    # correct a span that was right: only the seg_id moved
    root, runner = _study(tmp_path)
    text = (root / "transcripts" / "north" / "kickoff.txt").read_text(encoding="utf-8")
    at = text.index("Wages are low")
    (root / "codings" / "ana.csv").write_text(
        f"seg_id,code_id,start,end,quote\nnorth/kickoff:t4,risk.money,{at},{at + 13},"
        "Wages are low\n", encoding="utf-8")
    _recut(root, runner)
    result = runner.invoke(cli, ["agree", "ana", "rules", "--study", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"ana.csv:2: the span {at}-{at + 13} lies outside segment north/kickoff:t4"
            in result.output)
    assert "it lies in north/kickoff:t5 now" in result.output
    assert "cut otherwise (`max_segment_chars:`" in result.output


def test_a_quote_is_found_as_the_whole_text_of_its_segment_among_many():
    # the re-cut check looks each quote up in an index of its document's segments (it
    # compared each with every segment: minutes for 5,000 rows); speed is for the
    # benchmarks, this checks the look-up finds the one segment, label or not
    from dialogcode.recut import Places

    turns = 300
    segments = pd.DataFrame({
        "doc_id": "north/kickoff", "seg_id": [f"north/kickoff:t{i}" for i in range(turns)],
        "start": range(turns), "speaker": "P1",
        "text": [f"Turn {i} says the rent keeps rising." for i in range(turns)]})
    places = Places(segments)
    found = [places.whole(f"turn {i} says the rent keeps rising", "north/kickoff")
             for i in range(turns)]
    assert found == [[f"north/kickoff:t{i}"] for i in range(turns)]
    assert places.whole("P1: Turn 8 says the rent keeps rising.", "north/kickoff") == [
        "north/kickoff:t8"]
    assert places.whole("Turn 8 says", "north/kickoff") == []
    assert places.whole("Turn 8 says the rent keeps rising.", "south/kickoff") == []


def test_a_quote_that_is_words_of_its_seg_id_and_another_turn_is_not_called_another_text(
        tmp_path):
    # "Yes." coded on P1's "Yes. The rent ..." while P2's turn is "Yes.": the message said
    # the quote "is not the text of its seg_id but of t3" and to give each row that
    # seg_id, sending a right coding to P2's turn
    root, runner = _study(tmp_path)
    (root / "transcripts" / "north" / "kickoff.txt").write_text(
        "Facilitator: Do you agree?\n\nP1: Yes. The rent keeps rising.\n\nP2: Yes.\n",
        encoding="utf-8")
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    (root / "codings" / "ana.csv").write_text(
        "seg_id,code_id,quote\nnorth/kickoff:t2,risk.money,Yes.\n"
        "north/kickoff:t3,connection,Yes.\n", encoding="utf-8")
    result = runner.invoke(cli, ["agree", "ana", "rules", "--study", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "ana.csv:2:" in result.output and "ana.csv:3" not in result.output
    assert ("The quote of line 2 is also words of its seg_id's segment" in " ".join(
        result.output.split()))
    assert "leave its seg_id and give their start and end" in " ".join(result.output.split())
