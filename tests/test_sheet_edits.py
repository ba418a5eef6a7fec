"""A review sheet edited by hand in a spreadsheet before `review import`: rows copied to
another segment, columns deleted or renamed, on the evidence fixture (see the table at the
top of test_tables.py)."""
import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli

from conftest import run_evidence


@pytest.fixture
def study(tmp_path):
    return run_evidence(tmp_path / "study")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def exported(study: Path) -> tuple[Path, list[dict]]:
    sheet = study / "review.csv"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    return sheet, list(csv.DictReader(sheet.open(encoding="utf-8")))


def save(sheet: Path, rows: list[dict], columns=None) -> None:
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns or list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def decisions(study: Path) -> list[tuple[str, str, str, str]]:
    if not (study / "decisions.csv").exists():
        return []
    return [(r["seg_id"], r["code_id"], r["decision"], r["source"])
            for r in csv.DictReader((study / "decisions.csv").open(encoding="utf-8"))]


def test_a_row_copied_to_another_segment_is_told_so_and_what_to_do(study):
    # a reviewer copies the row of north/closing:t2 and types north/closing:t1 to add
    # the code there: the import said the sheet was exported before the transcript
    # changed, and that its text and speaker were changed or the transcript edited
    sheet, rows = exported(study)
    assert (rows[0]["seg_id"], rows[0]["code_id"]) == ("north/closing:t2", "connection")
    save(sheet, [*rows, {**rows[0], "seg_id": "north/closing:t1", "decision": "accept"}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:12: this row's stamp is north/closing:t2's (as on line 2), not "
            "north/closing:t1's: was the row copied or moved from a row of north/closing:t2 "
            "and its seg_id changed? To decide connection on north/closing:t2, restore the "
            "row's seg_id; to add it to north/closing:t1, clear the row's source, stamp, "
            "text and speaker cells (a row you add names the segment as it is now)"
            ) in " ".join(result.output.split())
    assert "exported before" not in result.output
    assert "the text in this row" not in result.output           # one message, the cause
    assert "the speaker in this row" not in result.output
    assert decisions(study) == []
    # done as it says, the code is added to north/closing:t1
    save(sheet, [*rows, {**rows[0], "seg_id": "north/closing:t1", "decision": "accept",
                         "source": "", "stamp": "", "text": "", "speaker": ""}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert decisions(study) == [("north/closing:t1", "connection", "accept", "reviewer")]


def test_a_row_moved_to_a_segment_of_another_document_names_the_stamps_segment(study):
    sheet, rows = exported(study)
    (line,) = [i + 2 for i, r in enumerate(rows) if r["seg_id"] == "south/closing:t1"]
    rows[line - 2].update({"seg_id": "north/kickoff:t4", "doc_id": "", "decision": "reject"})
    save(sheet, rows, [c for c in rows[0] if c not in ("text", "speaker")])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:{line}: this row's stamp is south/closing:t1's, not "
            "north/kickoff:t4's: was the row copied or moved from a row of south/closing:t1 "
            "and its seg_id changed?") in " ".join(result.output.split())
    assert "exported before" not in result.output
    assert decisions(study) == []


def edit_kickoff(study: Path) -> None:
    """A turn added at the top of north/kickoff: each of its seg_ids names the turn
    before it."""
    kickoff = study / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("Host: Welcome, all.\n\n" + kickoff.read_text(encoding="utf-8"),
                       encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0


@pytest.mark.parametrize("changed", [False, True])
@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_sheet_without_the_columns_that_check_its_rows_is_refused(study, changed, how):
    # source, stamp, text and speaker gone, every row read as a code a person added on
    # the segment its seg_id names now: the reject of housing on the turn the sheet
    # showed as north/kickoff:t2 landed on the facilitator's question, t2 now
    sheet, rows = exported(study)
    checks = ["source", "stamp", "text", "speaker"]
    for row in rows:
        row["decision"] = {("north/kickoff:t2", "risk.housing"): "reject"}.get(
            (row["seg_id"], row["code_id"]), "")
        if how == "emptied":
            row.update(dict.fromkeys(checks, ""))
    save(sheet, rows, [c for c in rows[0] if how == "emptied" or c not in checks])
    if changed:
        edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = "deleted" if how == "deleted" else "empty in every row"
    assert (f"{sheet}:1: this sheet's source, stamp, text and speaker columns are {said}, so "
            "nothing shows which rows were exported and which were added, nor that a "
            "seg_id still names the turn its row was exported for") in \
        " ".join(result.output.split())
    assert "export the sheet again" in result.output
    assert decisions(study) == []


def test_a_sheet_written_by_hand_of_ids_and_decisions_is_read(study, tmp_path):
    sheet = tmp_path / "mine.csv"
    sheet.write_text("seg_id,code_id,decision\nnorth/kickoff:t2,risk.housing,reject\n"
                     "north/kickoff:t1,connection,accept\n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert decisions(study) == [("north/kickoff:t2", "risk.housing", "reject", "rule"),
                                ("north/kickoff:t1", "connection", "accept", "reviewer")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_heading_retyped_in_another_case_or_with_spaces_is_still_read(study, suffix):
    # a `Note ` heading: the note was dropped (named as a column not read) and a
    # `Stamp` one was not checked
    sheet = study / f"review{suffix}"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    if suffix == ".csv":
        rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
        for row in rows:
            if (row["seg_id"], row["code_id"]) == ("north/kickoff:t2", "risk.housing"):
                row.update(decision="reject", note="about rent")
        renamed = {"note": "Note ", "decision": "Decision", "stamp": "STAMP"}
        save(sheet, [{renamed.get(k, k): v for k, v in r.items()} for r in rows])
    else:
        book = openpyxl.load_workbook(sheet)
        ws = book["review"]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if (row[0].value, row[1].value) == ("north/kickoff:t2", "risk.housing"):
                row[header.index("decision")].value = "reject"
                row[header.index("note")].value = "about rent"
        for name, new in {"note": "Note ", "decision": "Decision", "stamp": "STAMP"}.items():
            ws.cell(1, header.index(name) + 1).value = new
        book.save(sheet)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert "not read" not in result.output
    assert [(r["seg_id"], r["decision"], r["note"]) for r in
            csv.DictReader((study / "decisions.csv").open(encoding="utf-8"))] == [
        ("north/kickoff:t2", "reject", "about rent")]


def test_a_heading_retyped_beside_the_same_one_is_refused(study, tmp_path):
    sheet = tmp_path / "twice.csv"
    sheet.write_text("seg_id,code_id,decision,note,Note\n"
                     "north/kickoff:t2,risk.housing,reject,a,b\n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:1: column(s) 'note' appear twice" in result.output
    assert decisions(study) == []


def test_a_stamp_column_retyped_in_capitals_still_refuses_a_moved_row(study):
    sheet, rows = exported(study)
    for row in rows:
        if (row["seg_id"], row["code_id"]) == ("north/kickoff:t2", "risk.housing"):
            row["decision"] = "reject"
    save(sheet, [{("STAMP" if k == "stamp" else k): v for k, v in r.items()} for r in rows],
         [c if c != "stamp" else "STAMP" for c in rows[0] if c not in ("text", "speaker")])
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "this row was exported before north/kickoff was changed" in result.output
    assert decisions(study) == []


def test_a_column_of_the_reviewers_headed_line_is_named_as_not_read(study):
    # the import numbers the rows in a column of that name: the reviewer's own was
    # overwritten, and never named among the columns not read
    sheet, rows = exported(study)
    for row in rows:
        row["line"] = ""
    rows[3].update(decision="reject", line="transcript line 12")
    save(sheet, rows)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert (f"{sheet}:5: column 'line (column 14)' is not read: its 1 filled cell(s) are "
            "not kept") in result.output


def test_a_row_whose_stamp_is_not_that_of_its_segments_other_rows_says_so(study):
    # a stamp no segment has now, beside rows of the same seg_id with another: the row
    # was copied from a row since deleted, or its stamp typed over
    sheet, rows = exported(study)
    assert [r["seg_id"] for r in rows[1:3]] == ["north/closing:t3"] * 2
    rows[2].update(stamp="s0123456789a", decision="reject")
    save(sheet, rows)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:4: this row's stamp is not that of north/closing:t3's row on line 3: "
            "was the row copied or moved from another segment's row and its seg_id "
            "changed? Restore it as exported, or to add it to north/closing:t3, clear") in \
        " ".join(result.output.split())
    assert decisions(study) == []


@pytest.mark.parametrize("stamped", [True, False])
def test_a_row_emptied_to_add_a_code_is_refused_when_its_transcript_changed(study, stamped):
    # the row of north/kickoff:t2 emptied of its source, stamp, text and speaker reads as
    # a code added on the segment as it is now; after a turn is added at the top of the
    # transcript, that is the facilitator's question, and the reject landed there unsaid.
    # The other rows of north/kickoff show the change: their stamps (or, in a sheet
    # exported without stamps from a read-only study, their text) are not their
    # segments' now
    sheet, rows = exported(study)
    assert rows[3]["seg_id"] == "north/kickoff:t2"
    rows[3].update(decision="reject", source="", stamp="", text="", speaker="")
    save(sheet, rows, [c for c in rows[0] if stamped or c != "stamp"])
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:5: this row names north/kickoff:t2 as it is now, but north/kickoff "
            "was changed or cut into segments otherwise since the sheet was exported (line "
            "6 shows it)") in " ".join(result.output.split())
    assert decisions(study) == []


def test_a_row_copied_in_a_sheet_without_stamps_is_told_so(study):
    # a sheet exported from a read-only study has no stamp column: the copied row was
    # told its transcript had changed, or its text and speaker cells were edited
    sheet, rows = exported(study)
    save(sheet, [*rows, {**rows[0], "seg_id": "north/closing:t1", "decision": "accept"}],
         [c for c in rows[0] if c != "stamp"])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:12: the text in this row is not that of north/closing:t1 but that of "
            "line 2, a row of north/closing:t2: was the row copied or moved from there and "
            "its seg_id changed? To decide connection on north/closing:t2, restore the "
            "row's seg_id; to add it to north/closing:t1, clear the row's source, text and "
            "speaker cells") in " ".join(result.output.split())
    assert "the speaker in this row" not in result.output
    assert decisions(study) == []


def test_a_copied_row_does_not_show_its_document_changed(study):
    # the copied row's stamp is not its segment's, as after a change of the transcript;
    # a code added beside it on the same document is not refused for that
    sheet, rows = exported(study)
    added = {**dict.fromkeys(rows[0], ""), "seg_id": "north/closing:t3",
             "code_id": "risk.money", "decision": "accept"}
    save(sheet, [*rows, {**rows[0], "seg_id": "north/closing:t1", "decision": "accept"},
                 added])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:12: this row's stamp is north/closing:t2's" in result.output
    assert f"{sheet}:13" not in result.output
    save(sheet, [*rows, added])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output


def test_a_row_moved_in_a_sheet_without_stamps_names_the_segment_it_came_from(study):
    # no row of the sheet is left with its text: the import said the transcript had
    # changed or the cell was edited, though the text is south/closing:t1's as it is
    sheet, rows = exported(study)
    (line,) = [i + 2 for i, r in enumerate(rows) if r["seg_id"] == "south/closing:t1"]
    rows[line - 2].update({"seg_id": "north/kickoff:t4", "doc_id": "", "decision": "reject"})
    save(sheet, rows, [c for c in rows[0] if c != "stamp"])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:{line}: the text in this row is not that of north/kickoff:t4 but that "
            "of south/closing:t1 now: was the row copied or moved from a row of "
            "south/closing:t1 and its seg_id changed? To decide connection on "
            "south/closing:t1, restore the row's seg_id; to add it to north/kickoff:t4, "
            "clear the row's source, text and speaker cells") in " ".join(result.output.split())
    assert "was its transcript changed" not in result.output
    assert decisions(study) == []


def test_a_row_moved_within_its_document_in_a_sheet_without_stamps_names_both_causes(study):
    # north/kickoff:t2's only row given north/kickoff:t1: a move, or a cut otherwise
    # since the export; its speaker is another's too, which says nothing more
    sheet, rows = exported(study)
    assert rows[3]["seg_id"] == "north/kickoff:t2"
    rows[3].update(seg_id="north/kickoff:t1", decision="reject")
    save(sheet, rows, [c for c in rows[0] if c != "stamp"])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert (f"{sheet}:5: the text in this row is not that of north/kickoff:t1 but that of "
            "north/kickoff:t2 now: was north/kickoff cut into segments otherwise or changed "
            "since the sheet was exported") in said
    assert ("or was the row copied or moved from a row of north/kickoff:t2 and its seg_id "
            "changed?") in said
    assert "the speaker in this row" not in result.output
    assert decisions(study) == []


def test_rows_of_an_edited_transcript_without_stamps_are_not_called_moved(study):
    # after a turn added at the top, each row's text is the next turn's: the document
    # changed, which the other rows of it show
    sheet, rows = exported(study)
    for row in rows:
        if row["seg_id"].startswith("north/kickoff:"):
            row["decision"] = "accept"
    save(sheet, rows, [c for c in rows[0] if c != "stamp"])
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:5: the text in this row is not the text of north/kickoff:t2 now: was "
            "its transcript changed") in " ".join(result.output.split())
    assert "moved" not in result.output
    assert decisions(study) == []


def test_a_row_added_on_a_document_without_rows_is_refused_once_transcripts_changed(study):
    # a sheet of connection's rows has none of north/kickoff: the row added to code the
    # rent turn, north/kickoff:t2 when exported, landed on the facilitator's question
    # after a turn was added at the top, with nothing said
    sheet = study / "review.csv"
    assert invoke("review", "export", study, "--code", "connection", "-o", sheet
                  ).exit_code == 0
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert not any(r["doc_id"] == "north/kickoff" for r in rows)
    added = {**dict.fromkeys(rows[0], ""), "seg_id": "north/kickoff:t2",
             "code_id": "risk.money", "decision": "accept"}
    save(sheet, [*rows, added])
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:{len(rows) + 2}: this row names north/kickoff:t2 as it is now, but "
            "the study's transcripts were changed, added or cut into segments otherwise "
            "since the sheet was exported (the stamp on line 2 shows it), and no row of the "
            "sheet shows whether north/kickoff was") in " ".join(result.output.split())
    # a sheet holding decisions not yet imported is not exported again over: the row
    # goes first
    assert ("delete this row and import the sheet, then add the row to a sheet exported "
            "again, or write the turn's text in the row's text cell") in " ".join(
                result.output.split())
    assert decisions(study) == []
    # its text written in, the row is checked by it: the rent turn is north/kickoff:t3 now
    save(sheet, [*rows, {**added, "text": "The rent keeps rising and families get evicted."}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "the text in this row is not" in result.output
    save(sheet, [*rows, {**added, "seg_id": "north/kickoff:t3",
                         "text": "The rent keeps rising and families get evicted."}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert decisions(study) == [("north/kickoff:t3", "risk.money", "accept", "reviewer")]


def test_a_row_added_to_a_sheet_of_an_unchanged_study_is_read(study):
    sheet = study / "review.csv"
    assert invoke("review", "export", study, "--code", "connection", "-o", sheet
                  ).exit_code == 0
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    save(sheet, [*rows, {**dict.fromkeys(rows[0], ""), "seg_id": "north/kickoff:t2",
                         "code_id": "risk.money", "decision": "accept"}])
    assert invoke("run", study, "-q").exit_code == 0        # ran again, nothing changed
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert decisions(study) == [("north/kickoff:t2", "risk.money", "accept", "reviewer")]


def test_a_row_added_after_a_turn_cut_in_two_is_refused_though_its_rows_did_not_move(study):
    # the sheet's row of north/extra:t1 is the same segment after max_segment_chars cut
    # the long turn after it in two; the row added for the last turn, t3 when exported,
    # landed on the long turn's second half unsaid
    with (study / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("north/extra.txt,North,kickoff_convening,2019-01-11,Extra,kickoff\n")
    (study / "transcripts" / "north" / "extra.txt").write_text(
        "P1: The rent is late.\n\nP2: " + "The streets were quiet that day. " * 40 +
        "\n\nP1: Wages are low.\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    sheet, rows = exported(study)
    rows = [r for r in rows if r["seg_id"] == "north/extra:t1"]
    assert [r["code_id"] for r in rows] == ["risk.housing"]
    save(sheet, [*rows, {**dict.fromkeys(rows[0], ""), "seg_id": "north/extra:t3",
                         "code_id": "connection", "decision": "accept"}])
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "max_segment_chars: 1000\n",
                      encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("review", "export", study, "-o", study / "now.csv").exit_code == 0
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:3: this row names north/extra:t3 as it is now, but north/extra was "
            "changed or cut into segments otherwise since the sheet was exported (line 2 "
            "shows it)") in " ".join(result.output.split())
    assert ("delete this row and import the sheet, then add the row to a sheet exported "
            "again, or write the turn's text in the row's text cell") in " ".join(
                result.output.split())
    assert decisions(study) == []


def test_a_sheet_exported_before_stamps_had_their_document_and_study_parts_is_read(study):
    # its stamps are the segment's part alone: read as before, a moved row refused
    sheet, rows = exported(study)
    for row in rows:
        row["stamp"] = row["stamp"][:12]
        row["decision"] = "reject" if row["seg_id"] == "north/kickoff:t2" else ""
    save(sheet, rows)
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:5: this row was exported before north/kickoff was changed" in \
        " ".join(result.output.split())
    for row in rows:
        row["decision"] = "reject" if row["seg_id"] == "south/visit:t2" else ""
    save(sheet, rows)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert decisions(study) == [("south/visit:t2", "risk.money", "reject", "rule")]


def test_a_row_of_an_edited_transcript_without_stamps_whose_words_are_said_elsewhere_too(
        study):
    # north/kickoff:t3's words are said in north/closing too: after a turn added at the
    # top of north/kickoff, they are north/kickoff:t4's and north/closing:t4's. The
    # import said only that the row was copied or moved, and to clear its cells to add
    # it to north/kickoff:t3 (the rent turn now), not that the transcript had changed
    closing = study / "transcripts" / "north" / "closing.txt"
    closing.write_text(closing.read_text(encoding="utf-8") +
                       "\n\nP2: Wages are low, so rent is late.\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    sheet, rows = exported(study)
    rows = [{**r, "decision": "reject"} for r in rows
            if (r["seg_id"], r["code_id"]) == ("north/kickoff:t3", "risk.money")]
    save(sheet, rows, [c for c in rows[0] if c != "stamp"])
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert (f"{sheet}:2: the text in this row is not that of north/kickoff:t3 but that of "
            "north/closing:t4 or north/kickoff:t4 now: was north/kickoff cut into segments "
            "otherwise or changed since the sheet was exported (a newer dialogcode, "
            "`speakers:`), so that the turn this row shows is north/kickoff:t4 now, or was "
            "the row copied or moved") in said
    assert "After a new cut or an edit, export the sheet again" in said
    assert decisions(study) == []


def test_a_row_without_stamps_is_not_called_copied_from_a_row_of_another_speaker(study):
    # north/closing's P3 says north/kickoff:t3's words (P2's) and its row is in the
    # sheet: after a turn added at the top of north/kickoff, north/kickoff:t3's row was
    # called copied from north/closing:t4's, which shows another speaker
    closing = study / "transcripts" / "north" / "closing.txt"
    closing.write_text(closing.read_text(encoding="utf-8") +
                       "\n\nP3: Wages are low, so rent is late.\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    sheet, rows = exported(study)
    rows = [{**r, "decision": "reject" if r["seg_id"] == "north/kickoff:t3" else ""}
            for r in rows if r["code_id"] == "risk.money"
            and r["seg_id"] in ("north/kickoff:t3", "north/closing:t4")]
    assert [r["speaker"] for r in rows] == ["P3", "P2"]
    save(sheet, rows, [c for c in rows[0] if c != "stamp"])
    edit_kickoff(study)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert (f"{sheet}:3: the text in this row is not that of north/kickoff:t3 but that of "
            "north/kickoff:t4 now: was north/kickoff cut into segments otherwise or changed "
            "since the sheet was exported") in said
    assert "north/closing:t4" not in said
    assert decisions(study) == []


def yes_twice(study: Path, top: str = "", said: str = "Yes.") -> None:
    """north/kickoff with ``said`` by P2 then by P1 (t4 and t5), after ``top``."""
    (study / "transcripts" / "north" / "kickoff.txt").write_text(
        top + "Facilitator: What worries people here?\n\n"
        "P1: The rent keeps rising and families get evicted.\n\n"
        f"Facilitator: Do you agree?\n\nP2: {said}\n\nP1: {said}\n\n"
        "P2: Wages are low, so rent is late.\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0


def test_a_row_added_with_a_text_said_in_other_turns_too_is_not_taken_for_its_segment(
        study):
    # the row added to code P1's "Yes." (north/kickoff:t5) after its text: once a turn
    # was added at the top, t5 is P2's "Yes.", and the text cell, the same words, let the
    # decision land there unsaid
    yes_twice(study)
    sheet, rows = exported(study)
    added = {**dict.fromkeys(rows[0], ""), "seg_id": "north/kickoff:t5",
             "code_id": "connection", "decision": "accept", "text": "Yes."}
    save(sheet, [*rows, added])
    yes_twice(study, "Host: Welcome, all.\n\n")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert (f"{sheet}:{len(rows) + 2}: this row names north/kickoff:t5 as it is now, but "
            "north/kickoff was changed or cut into segments otherwise since the sheet was "
            "exported (line ") in said
    assert ("its text is that of north/kickoff:t6 too, which it does not tell apart: "
            "delete this row and import the sheet, then add the row to a sheet exported "
            "again, or write the turn's speaker in the row's speaker cell too") in said
    assert decisions(study) == []
    # its speaker written in, the row is checked by it: P1's "Yes." is t6 now
    save(sheet, [*rows, {**added, "speaker": "P1"}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "the speaker in this row is not" in result.output
    save(sheet, [*rows, {**added, "seg_id": "north/kickoff:t6", "speaker": "P1"}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert ("north/kickoff:t6", "connection", "accept", "reviewer") in decisions(study)


def test_a_row_added_with_a_text_said_in_other_turns_too_is_not_told_to_fill_a_deleted_column(
        study):
    yes_twice(study)
    sheet, rows = exported(study)
    save(sheet, [*rows, {**dict.fromkeys(rows[0], ""), "seg_id": "north/kickoff:t5",
                         "code_id": "connection", "decision": "accept", "text": "Yes."}],
         [c for c in rows[0] if c != "speaker"])
    yes_twice(study, "Host: Welcome, all.\n\n")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    # the sheet has no speaker cell to write the turn's speaker in
    assert ("its text is that of north/kickoff:t6 too, which it does not tell apart: "
            "delete this row and import the sheet, then add the row to a sheet exported "
            "again") in said
    assert "speaker cell" not in said
    assert decisions(study) == []


def test_a_row_added_with_a_text_said_in_other_turns_too_is_read_when_nothing_changed(
        study):
    yes_twice(study)
    sheet, rows = exported(study)
    save(sheet, [*rows, {**dict.fromkeys(rows[0], ""), "seg_id": "north/kickoff:t5",
                         "code_id": "connection", "decision": "accept", "text": "Yes."}])
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert decisions(study) == [("north/kickoff:t5", "connection", "accept", "reviewer")]


def test_an_exported_row_without_its_stamp_whose_text_other_turns_say_too_is_refused(study):
    # P1's "Yes, together." (north/kickoff:t5, coded connection) decided on a sheet whose
    # stamp and speaker columns were deleted: once a turn was added at the top, t5 is
    # P2's "Yes, together.", and the text cell, the same words, let the decision land
    # there unsaid
    yes_twice(study, said="Yes, together.")
    sheet, rows = exported(study)
    (line,) = [i + 2 for i, r in enumerate(rows) if r["seg_id"] == "north/kickoff:t5"]
    rows[line - 2]["decision"] = "reject"
    save(sheet, rows, [c for c in rows[0] if c not in ("stamp", "speaker")])
    yes_twice(study, "Host: Welcome, all.\n\n", said="Yes, together.")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert (f"{sheet}:{line}: this row's stamp is empty (or its column deleted), but "
            "north/kickoff was changed or cut into segments otherwise since the sheet was "
            "exported (line ") in said
    assert ("so north/kickoff:t5 may name another turn now than the one you meant, and its "
            "text is that of north/kickoff:t6 too, which it does not tell apart: copy its "
            "stamp cell back from the sheet as exported, or export the sheet again and "
            "decide the row there") in said
    assert decisions(study) == []
