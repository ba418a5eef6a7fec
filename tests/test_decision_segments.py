"""Review decisions and coder files made on one cut of a transcript into turns, read
once the same text is cut otherwise (here `speakers:` lists a label, as a newer
dialogcode or another setting may cut it): every later seg_id names another turn."""
import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.errors import ArgumentError
from dialogcode.ingest import load_corpus
from dialogcode.review import final_codings
from dialogcode.web.pages import ReviewData

CODEBOOK = """codebook: drift
title: Drift
codes:
  - id: housing
    label: Housing
    patterns: {terms: [rent]}
  - id: money
    label: Money
    patterns: {terms: [wages]}
"""
# with `speakers: [Tom]`, Tom's line is a turn of its own and every turn after it moves
TRANSCRIPT = """Facilitator: Hello all, the rent first.

P1: The rent keeps rising.
    Tom: you are late with the rent, said the landlord.

P2: Wages are low.

P3: Wages and rent, both.
"""


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def study(tmp_path):
    root = tmp_path / "study"
    (root / "transcripts").mkdir(parents=True)
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (root / "dialogcode.yaml").write_text(
        "title: Drift\ncodebooks: [codebook.yaml]\nmanifest: null\n"
        "privacy: {gate: 'off'}\n", encoding="utf-8")
    (root / "transcripts" / "call.txt").write_text(TRANSCRIPT, encoding="utf-8")
    ingest_and_code(root)
    return root


def ingest_and_code(root: Path) -> None:
    for command in ("ingest", "code"):
        result = invoke(command, root, "-q")
        assert result.exit_code == 0, result.output


def cut_otherwise(root: Path) -> None:
    """List Tom as a speaker and code again: the transcript is unchanged."""
    with (root / "dialogcode.yaml").open("a", encoding="utf-8") as handle:
        handle.write("speakers: [Tom]\n")
    ingest_and_code(root)


def decide(root: Path, decisions: dict[tuple[str, str], str], sheet=None) -> Path:
    """Export a csv review sheet (showing earlier decisions), fill in ``decisions``;
    import it unless ``sheet``."""
    path = root / "review.csv"
    assert invoke("review", "export", root, "-o", path).exit_code == 0
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        row["decision"] = decisions.get((row["seg_id"], row["code_id"]), row["decision"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    if sheet is None:
        result = invoke("review", "import", path, root, "--reviewer", "ana")
        assert result.exit_code == 0, result.output
    return path


def final(root: Path):
    opened = Study.open(root)
    corpus = load_corpus(opened)
    codings = final_codings(opened, corpus.segments, corpus.documents)
    return codings.merge(corpus.segments[["seg_id", "speaker"]], on="seg_id")


def test_a_decision_whose_turn_moved_in_an_unchanged_transcript_stops_counting(study):
    segments = load_corpus(Study.open(study)).segments.set_index("seg_id")
    assert segments.at["call:t4", "speaker"] == "P3"
    # P3's wages are judged no money risk; the facilitator's turn will not move
    decide(study, {("call:t4", "money"): "reject", ("call:t1", "housing"): "reject",
                   ("call:t2", "housing"): "accept"})
    cut_otherwise(study)
    segments = load_corpus(Study.open(study)).segments.set_index("seg_id")
    assert list(segments.loc[["call:t3", "call:t4", "call:t5"], "speaker"]) == [
        "Tom", "P2", "P3"]
    # the reject does not fall on P2's turn, call:t4 now, nor stay on P3's
    codings = final(study)
    money = codings.loc[codings["code_id"] == "money", ["seg_id", "speaker"]]
    assert sorted(money.itertuples(index=False, name=None)) == [("call:t4", "P2"),
                                                                 ("call:t5", "P3")]
    assert "call:t1" not in set(codings.loc[codings["code_id"] == "housing", "seg_id"])
    result = invoke("code", study)
    assert result.exit_code == 0
    assert "call:t4  money    reject    segments changed: the seg_id names other words now" \
        in result.output
    # P1's turn lost Tom's line: its bounds changed, so its accept waits too
    assert "call:t2  housing  accept    segments changed" in result.output
    assert "call:t1" not in result.output and "carry no `segment`" not in result.output
    # the sheet shows P3's turn undecided; deciding it again counts
    sheet = decide(study, {}, sheet=False)
    rows = {(r["seg_id"], r["code_id"]): r for r in csv.DictReader(sheet.open())}
    assert rows[("call:t5", "money")]["decision"] == ""
    assert rows[("call:t1", "housing")]["decision"] == "reject"
    decide(study, {("call:t5", "money"): "reject"})
    codings = final(study)
    assert list(codings.loc[codings["code_id"] == "money", "speaker"]) == ["P2"]


def test_decisions_written_before_the_segment_column_keep_the_old_rule(study):
    decide(study, {("call:t4", "money"): "reject"})
    path = study / "decisions.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != "segment"])
        writer.writeheader()
        writer.writerows([{k: v for k, v in r.items() if k != "segment"} for r in rows])
    result = invoke("code", study)
    assert result.exit_code == 0
    assert result.output.count("carry no `segment`") == 1
    assert "decisions.csv: 1 decision(s) carry no `segment`" in result.output
    # today's bounds confirm a decision only if the turns were not cut otherwise since
    assert ("if the turns are cut as when they were decided (no newer dialogcode, no change "
            "of `speakers:` since), write each one's segment start-end") in result.output
    # today's rule: the document's text is unchanged, so the reject counts
    assert "call:t4" not in set(final(study).query("code_id == 'money'")["seg_id"])
    # a sheet showing it, imported again, records its segment and keeps who decided it
    sheet = decide(study, {("call:t4", "money"): "reject"}, sheet=False)
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert "0 new, 0 changed, 1 unchanged" in result.output
    assert "carry no `segment`" not in result.output      # the import gave it one
    (row,) = csv.DictReader(path.open(encoding="utf-8"))
    assert (row["reviewer"], row["decided_at"], row["segment"]) == (
        "ana", rows[0]["decided_at"], rows[0]["segment"])
    assert "carry no `segment`" not in invoke("code", study).output


def test_a_sheet_exported_before_the_turns_moved_is_refused(study):
    sheet = decide(study, {("call:t4", "money"): "reject"}, sheet=False)
    cut_otherwise(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert "the text in this row is not the text of call:t4 now" in result.output
    assert not (study / "decisions.csv").exists()


def test_a_hand_written_segment_that_is_not_bounds_is_refused(study):
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,segment\ncall:t3,money,reject,P3's turn\n",
        encoding="utf-8")
    result = invoke("tables", study)
    assert result.exit_code == 1
    assert "decisions.csv:2: segment \"P3's turn\" must be empty or the decided " \
        "segment's start-end" in result.output


def test_an_imported_coder_file_of_seg_ids_is_checked_after_the_turns_moved(study):
    table = study / "ana.csv"
    table.write_text("seg_id,code\ncall:t4,money\ncall:t3,\n", encoding="utf-8")
    result = invoke("import-codings", table, study, "--coder", "ana")
    assert result.exit_code == 0, result.output
    written = list(csv.DictReader((study / "codings" / "ana.csv").open(encoding="utf-8")))
    assert [r["quote"] for r in written] == ["Wages and rent, both.", "Wages are low."]
    assert invoke("tables", study, "-q").exit_code == 0
    cut_otherwise(study)
    result = invoke("tables", study)
    assert result.exit_code == 1
    assert "codings/ana.csv:2:" in result.output
    # a re-cut, not an edit: the rows' words are in other segments now, named
    assert "coded on the same text cut into other segments" in result.output
    assert "line 2: call:t5, line 3: call:t4" in result.output


def test_a_review_page_drawn_before_the_turns_moved_saves_nothing(study):
    data = ReviewData(Study.open(study), reviewer="ana")
    (shown,) = {t["sha256"] for t in data.document("call")["turns"]}
    cut_otherwise(study)
    with pytest.raises(ArgumentError, match="reload the page"):
        data.decide("call:t4", "money", "reject", sha256=shown)
    assert not (study / "decisions.csv").exists()
    turns = data.document("call")["turns"]
    assert [t["speaker"] for t in turns][3] == "P2"
    data.decide("call:t4", "money", "accept", sha256=turns[3]["sha256"])
    (row,) = csv.DictReader((study / "decisions.csv").open(encoding="utf-8"))
    assert row["segment"] == "129-143"


def test_a_history_begun_before_the_segment_column_stays_one_table(study):
    old = "seg_id,code_id,decision,source,reviewer,note,sha256,decided_at,start,end\n"
    (study / "decisions-history.csv").write_text(old, encoding="utf-8")
    decide(study, {("call:t4", "money"): "reject"})
    with (study / "decisions-history.csv").open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert [len(line) for line in lines] == [10, 10]
    assert lines[1][:3] == ["call:t4", "money", "reject"]


def test_a_sheet_row_whose_words_another_speaker_says_now_is_refused(tmp_path, study):
    # "Yes, rent." is said by P2 and by P3: once Tom's line is a turn of its own, the
    # sheet's call:t4 (P3's) names P2's turn, whose text is the same
    (study / "transcripts" / "call.txt").write_text(
        "Facilitator: Rent first.\n\nP1: Yes, rent.\n    Tom: the rent is late.\n\n"
        "P2: Yes, rent.\n\nP3: Yes, rent.\n", encoding="utf-8")
    ingest_and_code(study)
    sheet = decide(study, {("call:t4", "housing"): "reject"}, sheet=False)
    rows = {r["seg_id"]: r for r in csv.DictReader(sheet.open(encoding="utf-8"))}
    assert (rows["call:t4"]["speaker"], rows["call:t4"]["text"]) == ("P3", "Yes, rent.")
    cut_otherwise(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert "review.csv:" in result.output
    assert "the speaker in this row is not the speaker of call:t4 now" in result.output
    assert not (study / "decisions.csv").exists()
    # exported now, the sheet imports, the reject on P3's turn (call:t5)
    sheet.unlink()
    decide(study, {("call:t5", "housing"): "reject"})
    codings = final(study)
    assert sorted(codings.loc[codings["code_id"] == "housing", "speaker"]) == [
        "Facilitator", "P1", "P2", "Tom"]


def export_blind(root: Path, suffix: str, decisions: dict[tuple[str, str], str],
                 dropped: tuple[str, ...], emptied: tuple[str, ...] = ()) -> Path:
    """Export a review sheet, fill in ``decisions`` and delete the ``dropped`` columns
    and empty the ``emptied`` ones, as a reviewer tidying the sheet may."""
    path = root / f"review{suffix}"
    assert invoke("review", "export", root, "-o", path).exit_code == 0
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        sheet = book["review"]
        header = [c.value for c in sheet[1]]
        seg, code, decision = (header.index(n) for n in ("seg_id", "code_id", "decision"))
        for row in sheet.iter_rows(min_row=2):
            row[decision].value = decisions.get((row[seg].value, row[code].value))
            for name in emptied:
                row[header.index(name)].value = None
        for name in sorted(dropped, key=header.index, reverse=True):
            sheet.delete_cols(header.index(name) + 1)
        book.save(path)
        return path
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        row["decision"] = decisions.get((row["seg_id"], row["code_id"]), "")
        row.update({name: "" for name in emptied})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c not in dropped])
        writer.writeheader()
        writer.writerows([{k: v for k, v in r.items() if k not in dropped} for r in rows])
    return path


def edit_transcript(root: Path) -> None:
    """A line added at the top of the transcript: every turn moves by one."""
    path = root / "transcripts" / "call.txt"
    path.write_text("Host: Welcome.\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    ingest_and_code(root)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("change", [cut_otherwise, edit_transcript])
def test_a_sheet_without_its_text_and_speaker_is_refused_by_its_stamp(study, suffix,
                                                                       change):
    # without the text and speaker cells, P3's reject landed on the turn call:t4 names now
    sheet = export_blind(study, suffix, {("call:t4", "money"): "reject"},
                         dropped=("text", "speaker"))
    change(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:" in result.output
    said = " ".join(result.output.split())
    if change is edit_transcript:
        assert "this row was exported before call was changed or cut into segments " \
            "otherwise" in said
        assert "call:t4 may name another turn now than the one decided" in said
    else:       # the same words, a turn on: the stamp names the turn the row showed
        assert "this row's stamp is not call:t4's but call:t5's now: was call cut into " \
            "segments otherwise since the sheet was exported (a newer dialogcode, " \
            "`speakers:`), so that the turn this row shows is call:t5 now, or was the row " \
            "copied or moved from a row of call:t5 and its seg_id changed?" in said
    assert not (study / "decisions.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_sheet_exported_now_imports_without_its_text_and_speaker(study, suffix):
    sheet = export_blind(study, suffix, {("call:t4", "money"): "reject"},
                         dropped=("text", "speaker"))
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert "call:t4" not in set(final(study).query("code_id == 'money'")["seg_id"])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("dropped, emptied", [(("text", "speaker", "stamp"), ()),
                                              ((), ("text", "speaker", "stamp"))])
def test_an_exported_row_with_nothing_to_check_its_segment_by_is_refused(
        study, suffix, dropped, emptied):
    sheet = export_blind(study, suffix, {("call:t4", "money"): "reject"}, dropped, emptied)
    cut_otherwise(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:" in result.output
    assert "nothing shows that call:t4 is still the segment this row was decided on" \
        in result.output
    assert not (study / "decisions.csv").exists()


@pytest.mark.parametrize("columns", [
    "seg_id,code_id,decision,source,reviewer,note,sha256,decided_at,start,end",
    "seg_id,code_id,decision,source,reviewer,note,sha256,decided_at,start,end,segment"])
def test_a_history_saved_by_excel_with_a_byte_order_mark_stays_one_table(study, columns):
    # Excel's CSV UTF-8 writes a BOM, CRLF line ends and may leave the last line open;
    # read with the mark, the header named none of dialogcode's columns and the rows
    # were appended with all of them, under the wrong headings
    old = f"\ufeff{columns}\r\ncall:t1,housing,accept,rule,bo,,,2026-01-01T10:00:00+00:00,,"
    old += "," * (columns.count(",") - 9)
    (study / "decisions-history.csv").write_bytes(old.encode("utf-8"))
    decide(study, {("call:t4", "money"): "reject"})
    with (study / "decisions-history.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert [(r["seg_id"], r["code_id"], r["decision"], r["reviewer"]) for r in lines] == [
        ("call:t1", "housing", "accept", "bo"), ("call:t4", "money", "reject", "ana")]
    assert all(None not in r and None not in r.values() for r in lines)
    assert lines[1]["decided_at"].startswith("20")


def test_a_decisions_file_saved_with_a_byte_order_mark_is_read(study):
    decide(study, {("call:t4", "money"): "reject"})
    path = study / "decisions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert "call:t4" not in set(final(study).query("code_id == 'money'")["seg_id"])
    decide(study, {("call:t1", "housing"): "reject"})
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["seg_id"], r["decision"]) for r in rows] == [("call:t4", "reject"),
                                                            ("call:t1", "reject")]


def test_a_history_not_saved_as_utf8_is_named_and_nothing_is_recorded(study):
    history = study / "decisions-history.csv"
    history.write_bytes("seg_id,code_id,decision,note\ncall:t1,housing,accept,déjà\n"
                        .encode("cp1252"))
    sheet = decide(study, {("call:t4", "money"): "reject"}, sheet=False)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{history}:2: not UTF-8 text" in result.output
    assert not (study / "decisions.csv").exists()


def test_a_stamp_confirms_no_guess_at_the_masked_transcript(tmp_path):
    # a sheet masks the names; a stamp made of the transcript's own hash and the
    # segment's bounds (both known to one who guesses the names) would confirm the
    # guess. The same transcript in two studies: each study's stamps are its own
    stamps = []
    for name in ("one", "two"):
        root = tmp_path / name
        (root / "transcripts").mkdir(parents=True)
        (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
        (root / "dialogcode.yaml").write_text(
            "title: Drift\ncodebooks: [codebook.yaml]\nmanifest: null\n", encoding="utf-8")
        (root / "transcripts" / "call.txt").write_text(TRANSCRIPT, encoding="utf-8")
        ingest_and_code(root)
        sheet = decide(root, {}, sheet=False)
        stamps.append([row["stamp"] for row in csv.DictReader(sheet.open(encoding="utf-8"))])
    assert len(stamps[0]) == len(stamps[1]) > 0 and all(stamps[0]) and all(stamps[1])
    assert not set(stamps[0]) & set(stamps[1])
    # and the study's own stamps stay the same from one export to the next
    assert [row["stamp"] for row in csv.DictReader(decide(root, {}, sheet=False).open(
        encoding="utf-8"))] == stamps[1]


def test_a_stamped_sheet_is_refused_once_the_study_key_is_gone(study):
    sheet = export_blind(study, ".csv", {("call:t4", "money"): "reject"}, dropped=())
    (study / "review.key").unlink()
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:" in result.output
    assert "the stamp column cannot be checked: review.key" in result.output
    assert not (study / "decisions.csv").exists()
