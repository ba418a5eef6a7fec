"""Notes written as a speaker in a table's speaker column (CSV, XLSX, JSON, Word table):
the row is a turn, so the label's role decides whether its words are quoted as a
participant's. A label naming notes or a note-taking role is staff (an evaluator)."""
import json
import shutil

import docx
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.roles import speaker_roles

from conftest import EVIDENCE, make_study

# every row codes as risk.housing (rent); the participants' words are P1's, those of
# two people whose names end in a notes word's letters, and the public's comments
ROWS = [("P1", "The landlord raised the rent again and we nearly left the street."),
        ("Observer notes", "Rent came up again; the room went quiet for a while."),
        ("Group notes", "Rent is the main worry of the group, three families evicted."),
        ("Researcher notes", "Rent stories dominate; ask about evictions next time."),
        ("Site Visit Notes", "Two rent strikes on the block, one family evicted."),
        ("Recorder", "Noting that rent was raised by everyone at the table."),
        ("Scribe", "Rent and evictions written on the board."),
        ("Facilitator Notes", "Rent keeps coming up in every one of these calls."),
        ("Debrief Notes", "Rent was the first thing everyone raised at the debrief."),
        ("Session notes", "Rent again; two evictions this month on the east side."),
        ("Visit Notes", "The rent board office was closed when we visited."),
        ("Kim Goodnote", "My rent doubled and my sister was evicted in March."),
        ("Noa Banknotes", "We were evicted when the rent went past what we earn."),
        ("Comments from the floor", "Nobody can pay this rent, we are all being evicted."),
        ("Public comments", "The rent goes up every year and wages stay the same.")]
PARTICIPANTS = {"P1", "Kim Goodnote", "Noa Banknotes", "Comments from the floor",
                "Public comments"}
NOTES = {"Observer notes", "Group notes", "Researcher notes", "Site Visit Notes",
         "Recorder", "Scribe", "Debrief Notes", "Session notes", "Visit Notes"}


def _csv(path):
    pd.DataFrame(ROWS, columns=["speaker", "text"]).to_csv(path, index=False)


def _xlsx(path):
    book = openpyxl.Workbook()
    book.active.append(["Speaker", "Text"])
    for row in ROWS:
        book.active.append(list(row))
    book.save(path)


def _docx(path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Speaker", "Text"
    for speaker, text in ROWS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = speaker, text
    document.save(path)


def _json(path):
    path.write_text(json.dumps([{"speaker": s, "text": t} for s, t in ROWS]),
                    encoding="utf-8")


WRITERS = {"csv": _csv, "xlsx": _xlsx, "docx": _docx, "json": _json}


def _tables(tmp_path, ext, manifest_roles="", config=""):
    """The exemplars, lesson quotes, lessons and the workbook's codings `dialogcode run`
    writes for a study of one table transcript, its lesson on participants' words."""
    root = make_study(tmp_path / "s", {}, "file,site,event_type,date,speaker_roles\n"
                      f"call.{ext},North,coaching_call,2019-01-10,{manifest_roles}\n")
    WRITERS[ext](root / "transcripts" / f"call.{ext}")
    shutil.copy(EVIDENCE / "codebook.yaml", root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text(
        "title: Roles\ncodebooks: [codebook.yaml]\nprivacy: {gate: 'off'}\n" + config,
        encoding="utf-8")
    (root / "lessons.yaml").write_text(
        "lessons:\n  - id: rent\n    statement: Rent drove people out.\n    evidence:\n"
        "      - codes: [risk.housing]\n        roles: [participant]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "-q", str(root)])
    assert result.exit_code == 0, result.output
    read = lambda name: pd.read_csv(root / "out" / "tables" / f"{name}.csv")  # noqa: E731
    codings = pd.read_excel(root / "out" / "workbook.xlsx", sheet_name="codings")
    return read("exemplars"), read("lesson_quotes"), read("lessons"), codings


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_notes_written_as_a_speaker_are_no_participants_quotes(tmp_path, ext):
    # "Observer notes", "Group notes", "Recorder"... were participants: their notes were
    # a lesson's participant quotes and ranked with the participants' words (and so
    # were "Debrief Notes", "Session notes", "Visit Notes": notes of what they are of)
    exemplars, lesson_quotes, lessons, codings = _tables(tmp_path, ext)
    # three quotes each, all participants'
    assert set(lesson_quotes["speaker"]) <= PARTICIPANTS and len(lesson_quotes) == 3
    assert set(lesson_quotes["role"]) == {"participant"}
    assert lessons.loc[0, "segments"] == len(PARTICIPANTS)
    housing = exemplars[exemplars["code_id"] == "risk.housing"]
    assert set(housing["speaker"]) <= PARTICIPANTS and len(housing) == 3
    roles = dict(zip(codings["speaker"], codings["role"]))
    assert roles == {**dict.fromkeys(PARTICIPANTS, "participant"),
                     **dict.fromkeys(NOTES, "evaluator"), "Facilitator Notes": "facilitator"}


def test_a_role_given_by_the_manifest_or_the_study_wins(tmp_path):
    _, lesson_quotes, lessons, _ = _tables(
        tmp_path, "csv", manifest_roles="Group notes: participant",
        config="speaker_roles:\n  Recorder: participant\n")
    assert lessons.loc[0, "segments"] == len(PARTICIPANTS) + 2
    assert set(lesson_quotes["speaker"]) <= PARTICIPANTS | {"Group notes", "Recorder"}
    assert set(lesson_quotes["role"]) == {"participant"}


def test_labels_naming_notes_or_a_note_taker_are_evaluators_names_are_not():
    roles = speaker_roles()
    for label in ("Notes", "Notes 2", "Field notes", "Site visit notes", "GROUP NOTES",
                  "GroupNotes", "Meeting Notes (JS)", "Observer's notes", "observer",
                  "Observers", "Recorder 2", "Scribe (Ana)", "Researcher", "Minute taker",
                  "Minute-taker", "Minutes", "Meeting minutes", "Note", "Group note",
                  "Debrief Notes", "Session notes", "Visit Notes", "Planning Notes 2",
                  "Ana's notes", "Ana Notes", "AnaNotes", "JS Notes (draft)"):
        assert roles.role("d", label) == "evaluator", label
    for label in ("Kim Goodnote", "Noa Banknotes", "Notley", "Scribner", "Ana Recordero",
                  "Minutelli", "P3", "Comments from the floor", "Public comments",
                  "Audience Comments"):
        assert roles.role("d", label) == "participant", label
    # a person whose surname is Notes is named so in the manifest
    documents = pd.DataFrame({"doc_id": ["d"], "speaker_roles": ["Ana Notes: participant"]})
    assert speaker_roles(documents=documents).role("d", "Ana Notes") == "participant"
    # a role the label names first
    assert roles.role("d", "Coach notes") == "coach"
    assert roles.role("d", "Facilitator Notes") == "facilitator"
