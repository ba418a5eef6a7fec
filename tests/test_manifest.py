"""The manifest: every mistake a new user made that used to pass silently, and hostile
rows and transcript files, each reported with its line and a fix."""
import os

import pytest
from click.testing import CliRunner

from dialogcode import IngestError, ManifestError, Study, ingest
from dialogcode.cli import cli
from dialogcode.ingest import DOCUMENT_COLUMNS
from dialogcode.manifest import COMPUTED, OPTIONS, STANDARD, date_problem, load_manifest

from conftest import make_study

HEADER = "file,site,event_type,date\n"
GOOD = "call_01.vtt,Fresno,coaching_call,2019-02-06\n"


@pytest.fixture
def folder(tmp_path, format_dir):
    """A transcripts folder with call_01.vtt, visit.txt and a sub-folder."""
    root = make_study(tmp_path / "s", {"call_01.vtt": format_dir / "zoom.vtt",
                                       "visit.txt": format_dir / "otter.txt",
                                       "north/notes.md": format_dir / "notes.md"}, HEADER)
    return root / "transcripts"


def problems(folder, text, name="manifest.csv"):
    path = folder.parent / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_manifest(path, folder)
    return [str(p).replace(str(path), name).replace(str(folder), "TRANSCRIPTS")
            for p in info.value.problems]


@pytest.mark.parametrize("text, expected", [
    # Excel in many languages saves CSV separated by semicolons: the message named the
    # missing `file` column, not the separator
    ("file;site;event_type;date\ncall_01.vtt;Fresno;coaching_call;2019-02-06\n",
     ["manifest.csv:1: the header is one column, 'file;site;event_type;date': its names are "
      "separated by ';', not commas; save the file as comma-separated CSV (in Excel: CSV "
      "UTF-8)"]),
    ("file,site,event type,date\n" + GOOD,
     ["manifest.csv:1 [event type]: unknown column 'event type': did you mean 'event_type'? "
      "(columns not close to a known name are kept as document attributes)"]),
    ("file,Site,event_type,date,titel,cohort\n" + GOOD[:-1] + ",Kick-off,A\n",
     ["manifest.csv:1 [Site]: unknown column 'Site': did you mean 'site'? (columns not close "
      "to a known name are kept as document attributes)",
      "manifest.csv:1 [titel]: unknown column 'titel': did you mean 'title'? (columns not "
      "close to a known name are kept as document attributes)"]),
    ("file,sha256,n_words,speaker\ncall_01.vtt,x,3,P1\n",
     [f"manifest.csv:1 [{c}]: column '{c}' is one dialogcode computes for its tables; rename "
      f"it (for example manifest_{c})" for c in ("n_words", "sha256", "speaker")]),
    ("file,site,site\ncall_01.vtt,Fresno,Oakland\n",
     ["manifest.csv:1 [site]: column 'site' appears twice in the header"]),
    (HEADER + GOOD + "visit.txt,fresno,Coaching Call,2019-02-07\n"
     "north/notes.md,Fresno,coaching call,2019-02-08\n",
     ["manifest.csv:3 [event_type]: event_type 'Coaching Call' differs from 'coaching_call' "
      "(line 2) only in case, spaces or punctuation; write it the same way in every row",
      "manifest.csv:3 [site]: site 'fresno' differs from 'Fresno' (line 2) only in case, "
      "spaces or punctuation; write it the same way in every row",
      "manifest.csv:4 [event_type]: event_type 'coaching call' differs from 'coaching_call' "
      "(line 2) only in case, spaces or punctuation; write it the same way in every row"]),
    (HEADER + "call_01.vtt,Fresno,coaching_call,2024-02-30\nvisit.txt,Fresno,x,20190101\n"
     "north/notes.md,Fresno,x,2019-W01-1\n",
     ["manifest.csv:2 [date]: date '2024-02-30' is not a day in the calendar: February 2024 "
      "has 29 days",
      "manifest.csv:3 [date]: date '20190101' is not YYYY-MM-DD",
      "manifest.csv:4 [date]: date '2019-W01-1' is not YYYY-MM-DD"]),
    (HEADER + "call_01.vtt,Fresno,coaching_call,\nvisit.txt,,x,2019-01-01\n"
     "north/notes.md,Fresno,x\n",
     ["manifest.csv:2 [date]: no date given (YYYY-MM-DD; if no file has a date, leave the date column out)",
      "manifest.csv:3 [site]: no site given",
      "manifest.csv:4 [date]: no date given (YYYY-MM-DD; if no file has a date, leave the date column out)"]),
    (HEADER + "call_1.vtt,Fresno,coaching_call,2019-02-06\nnotes.md,Fresno,x,2019-01-01\n"
     "zzz.txt,Fresno,x,2019-01-01\n",
     ["manifest.csv:2 [file]: file 'call_1.vtt' is not in TRANSCRIPTS; did you mean "
      "'call_01.vtt'?",
      "manifest.csv:3 [file]: file 'notes.md' is not in TRANSCRIPTS; did you mean "
      "'north/notes.md'?",
      "manifest.csv:4 [file]: file 'zzz.txt' is not in TRANSCRIPTS"]),
    ("file\n../../../etc/passwd\n/etc/passwd\nC:/Windows/win.ini\nnorth\nnorth/../visit.txt\n",
     ["manifest.csv:2 [file]: file '../../../etc/passwd' is refused (a '..' component); give "
      "its path inside the transcripts folder",
      "manifest.csv:3 [file]: file '/etc/passwd' is refused (an absolute path); give its path "
      "inside the transcripts folder",
      "manifest.csv:4 [file]: file 'C:/Windows/win.ini' is refused (a drive letter); give its "
      "path inside the transcripts folder",
      "manifest.csv:5 [file]: file 'north' is a folder; name a transcript file in it",
      "manifest.csv:6 [file]: file 'north/../visit.txt' is refused (a '..' component); give "
      "its path inside the transcripts folder"]),
    (HEADER + 'call_01.vtt,"Fresno,coaching_call,2019-02-06\nvisit.txt,Fresno,x,2019-01-01\n'
     "north/notes.md,Fresno,x,2019-01-02\n",
     ["manifest.csv:2: a quote (\") on this line is not closed before line 4, so lines 2-4 "
      "were read as one row; close the quote (write \"\" for a quote inside a quoted value)"]),
    (HEADER + "call_01.vtt,Fresno,coaching_call,2019-02-06,Kick-off, day one\n",
     ["manifest.csv:2: 6 values for 4 columns; put a value that holds a comma in quotes"]),
])
def test_csv_manifest_mistakes_are_reported_with_line_and_fix(folder, text, expected):
    assert problems(folder, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("- file: call_01.vtt\n  site: [Fresno, Oakland]\n  event_type: {a: 1}\n"
     "  date: 2019-13-45\n  title: yes\n",
     ["manifest.yaml:2 [site]: site is a list; give one value",
      "manifest.yaml:3 [event_type]: event_type is a mapping; give one value",
      "manifest.yaml:4 [date]: date '2019-13-45' is not a day in the calendar: there is no "
      "month 13",
      "manifest.yaml:5 [title]: title reads as true (YAML reads yes, no, on, off as true or "
      "false); put the value in quotes"]),
    ("- file: call_01.vtt\n- just text\n- file: [visit.txt]\n",
     ["manifest.yaml:2: each entry must be a mapping of columns to values (file: ..., "
      "site: ...)",
      "manifest.yaml:3 [file]: file is a list; give one value"]),
    ("call_01.vtt: Fresno\nvisit.txt: {true: x, date: 0000-01-01}\n",
     ["manifest.yaml:1: the entry of 'call_01.vtt' must be a mapping of columns to values "
      "({site: ..., date: ...})",
      "manifest.yaml:2: True is not a column name",
      "manifest.yaml:2 [date]: date '0000-01-01' is not a day in the calendar: there is no "
      "year 0"]),
])
def test_yaml_manifest_mistakes_are_reported_with_line_and_fix(folder, text, expected):
    assert problems(folder, text, "manifest.yaml") == expected


def test_a_file_named_with_decomposed_accents_is_the_file_the_manifest_names(folder):
    # A transcript copied from a Mac has its accents decomposed (e + U+0301); the
    # manifest, typed, has them composed: "file 'Café.txt' is not in ...; did you mean
    # 'Café.txt'?"
    import unicodedata

    on_disk = unicodedata.normalize("NFD", "Caf\u00e9 call.txt")
    (folder / on_disk).write_text("P1: Rent.\nP2: Yes.\n", encoding="utf-8")
    path = folder.parent / "manifest.csv"
    path.write_text(HEADER + "Caf\u00e9 call.txt,Fresno,coaching_call,2019-02-06\n",
                    encoding="utf-8")
    assert [entry.file for entry in load_manifest(path, folder)] == [on_disk]


def test_a_file_listed_in_both_unicode_forms_is_listed_twice(folder):
    # One row typed, one pasted from a Mac: both named the one file, read with the
    # attributes of one row or the other, without a word.
    import unicodedata

    on_disk = unicodedata.normalize("NFD", "Caf\u00e9 call.txt")
    (folder / on_disk).write_text("P1: Rent.\nP2: Yes.\n", encoding="utf-8")
    text = (HEADER + "Caf\u00e9 call.txt,Fresno,coaching_call,2019-02-06\n"
            + on_disk + ",Oakland,coaching_call,2019-02-06\n")
    assert problems(folder, text) == [
        f"manifest.csv:3 [file]: {on_disk!r} is listed twice (first on line 2)"]


def test_a_file_written_with_dot_slash_is_the_file_and_is_listed_once(folder):
    # `./visit.txt` passed the manifest's checks but matched no document: visit.txt was
    # ingested without its site, "no manifest row"; beside `visit.txt` the second row's
    # attributes were dropped without a word
    (folder.parent / "manifest.csv").write_text(
        HEADER + "./visit.txt,Oakland,site_visit,2019-03-01\n"
        "north//notes.md,Fresno,site_visit,2019-03-02\n", encoding="utf-8")
    documents = ingest(Study.open(folder.parent)).documents.set_index("source_path")
    assert documents.loc["visit.txt", "site"] == "Oakland"
    assert documents.loc["north/notes.md", "site"] == "Fresno"
    text = HEADER + "visit.txt,Fresno,coaching_call,2019-02-06\n./visit.txt,Oakland,x,2019-02-06\n"
    assert problems(folder, text) == [
        "manifest.csv:3 [file]: 'visit.txt' is listed twice (first on line 2)"]


def test_a_value_in_a_column_without_a_name_is_a_problem_at_its_line(folder):
    # Excel's trailing empty column: `visit.txt,...,2019-03-01,Oakland, CA` (an unquoted
    # comma) or a note typed beside the row was dropped without a word
    assert problems(folder, HEADER.replace("\n", ",\n")
                    + "visit.txt,Oakland,site_visit,2019-03-01, CA\n") == [
        "manifest.csv:2: 'CA' is in column 5, which has no name in the header; name the "
        "column, or put a value that holds a comma in quotes"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_manifest_saved_as_windows_csv_names_its_line_and_the_fix(folder, bom):
    # The message was Python's ("'utf-8' codec can't decode byte 0xe3 in position 37:
    # invalid continuation byte"), with no line and no fix; after a UTF-8 byte-order mark
    # it named the byte three bytes before.
    path = folder.parent / "manifest.csv"
    path.write_bytes(bom + (HEADER + "call_01.vtt,S\u00e3o Paulo,coaching_call,2019-02-06\n")
                     .encode("cp1252"))
    with pytest.raises(ManifestError) as info:
        load_manifest(path, folder)
    assert str(info.value) == (f"{path}:2: not UTF-8 text (byte 0xe3); save it as CSV UTF-8 "
                               "(Excel's plain CSV writes accented letters in another "
                               "encoding)")


@pytest.mark.parametrize("value, reason", [
    ("2019-02-28", None), ("2024-02-29", None),
    ("2023-02-29", "date '2023-02-29' is not a day in the calendar: February 2023 has 28 days"),
    ("2019-04-31", "date '2019-04-31' is not a day in the calendar: April 2019 has 30 days"),
    ("2019-00-10", "date '2019-00-10' is not a day in the calendar: there is no month 0"),
    ("2019-2-6", "date '2019-2-6' is not YYYY-MM-DD"),
    ("٢٠١٩-٠٢-٠٦", "date '٢٠١٩-٠٢-٠٦' is not YYYY-MM-DD"),
])
def test_dates_are_days_of_the_calendar_written_yyyy_mm_dd(value, reason):
    assert date_problem(value) == reason


def test_every_column_dialogcode_computes_is_reserved():
    computed = set(DOCUMENT_COLUMNS) - set(STANDARD) - OPTIONS
    assert computed <= set(COMPUTED)


def test_links_out_of_the_transcripts_folder_and_bad_names_are_refused(folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("P1: not for the corpus\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    (folder / "inside.txt").symlink_to(folder / "visit.txt")
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("P1: hi\n", encoding="utf-8")
    study = Study.open(folder.parent)
    with pytest.raises(IngestError) as info:
        ingest(study)
    assert sorted(str(p) for p in info.value.problems) == [
        "transcripts/caf\\xe9.txt: the file name is not valid UTF-8; rename the file",
        f"transcripts/elsewhere: a link to {tmp_path}, outside the transcripts folder; copy "
        "it into the folder instead",
        f"transcripts/passwd.txt: a link to {secret}, outside the transcripts folder; copy it "
        "into the folder instead",
        "transcripts/visit.txt: duplicate document: same text as transcripts/inside.txt"]
    corpus = ingest(study, skip_bad=True)
    assert "not for the corpus" not in "".join(corpus.documents["text"])
    assert len(corpus.skipped) == 4
    result = CliRunner().invoke(cli, ["ingest", str(folder.parent), "-q"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "transcripts/caf\\xe9.txt: the file name is not valid UTF-8" in result.output
    result = CliRunner().invoke(cli, ["run", str(folder.parent), "-q"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert problems(folder, "file\npasswd.txt\n") == [
        f"manifest.csv:2 [file]: a link to {secret}, outside the transcripts folder; copy it "
        "into the folder instead"]


def test_a_new_users_manifest_fails_with_every_fix_at_once(folder):
    (folder.parent / "manifest.csv").write_text(
        "file,site,event type,date\ncall_1.vtt,Fresno,coaching_call,2024-02-30\n"
        "visit.txt,fresno,Coaching Call,\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(folder.parent)])
    assert result.exit_code == 1
    manifest = folder.parent / "manifest.csv"
    assert result.output == (
        "Error: 5 problems:\n"
        f"  {manifest}:1 [event type]: unknown column 'event type': did you mean "
        "'event_type'? (columns not close to a known name are kept as document attributes)\n"
        f"  {manifest}:2 [date]: date '2024-02-30' is not a day in the calendar: February "
        "2024 has 29 days\n"
        f"  {manifest}:2 [file]: file 'call_1.vtt' is not in {folder}; did you mean "
        "'call_01.vtt'?\n"
        f"  {manifest}:3 [date]: no date given (YYYY-MM-DD; if no file has a date, leave the date column out)\n"
        f"  {manifest}:3 [site]: site 'fresno' differs from 'Fresno' (line 2) only in case, "
        "spaces or punctuation; write it the same way in every row\n")


def test_an_event_named_for_some_documents_of_a_site_and_day_must_be_named_for_all(folder):
    # `event` tells two gatherings of one site on one day apart; a document of that day
    # without one would be counted as a third event, so the manifest says which is missing
    assert problems(folder, "file,site,event_type,date,event\n"
                    "call_01.vtt,Fresno,coaching_call,2019-02-06,morning call\n"
                    "visit.txt,Fresno,site_visit_dialogue,2019-02-06,\n"
                    "north/notes.md,Fresno,site_visit_notes,2019-02-06,Afternoon visit\n") == [
        "manifest.csv:3 [event]: no event given, while line 2 names one ('morning call') for "
        "Fresno on 2019-02-06: name the event of every document of that site and day, or of "
        "none (then they are one event)"]


def test_an_event_column_is_kept_as_a_document_attribute(tmp_path, format_dir):
    root = make_study(tmp_path / "s", {"call.vtt": format_dir / "zoom.vtt",
                                       "visit.txt": format_dir / "otter.txt"},
                      "file,site,event_type,date,event\n"
                      "call.vtt,Fresno,coaching_call,2019-02-06,morning call\n"
                      "visit.txt,Fresno,site_visit_dialogue,2019-02-06,afternoon visit\n")
    documents = ingest(Study.open(root)).documents.set_index("doc_id")
    assert documents["event"].to_dict() == {"call": "morning call", "visit": "afternoon visit"}


def test_yaml_ids_and_sites_are_read_as_written(folder):
    # YAML read `010` as the number 8, `0x1A` as 26, `1_000` as 1000 and `1.0e+3` as
    # 1000.0: the documents got other ids and sites than the file gave, as the CSV
    # manifest never did
    path = folder.parent / "manifest.yaml"
    path.write_text("- file: call_01.vtt\n  doc_id: 010\n  site: 1.0e+3\n  phase: 1.50\n"
                    "- file: visit.txt\n  doc_id: 0x1A\n  site: 1_000\n"
                    "- file: north/notes.md\n  doc_id: 007\n  site: 12:30\n", encoding="utf-8")
    entries = load_manifest(path, folder)
    assert [(e.doc_id, e.attributes["site"]) for e in entries] == [
        ("010", "1.0e+3"), ("0x1A", "1_000"), ("007", "12:30")]
    assert entries[0].attributes["phase"] == "1.50"


@pytest.mark.parametrize("column, meant", [
    ("id", "doc_id"), ("document_id", "doc_id"), ("roles", "speaker_roles"),
    ("staff_speakers", "speaker_roles")])
def test_an_earlier_layouts_ids_and_roles_are_not_kept_as_attributes(folder, column, meant):
    # a manifest written for an earlier layout (`id`, `roles`) was read without a word:
    # its ids and speaker roles were kept as plain document attributes, the documents
    # named after their files and every speaker a participant
    assert problems(folder, f"file,{column}\ncall_01.vtt,P1: facilitator\n") == [
        f"manifest.csv:1 [{column}]: column {column!r} is not read as {meant}: rename it "
        f"{meant} (or, to keep it as a document attribute, another name such as "
        f"manifest_{column})"]


def test_a_yaml_manifest_with_a_version_and_a_list_of_documents_is_refused(folder):
    # `version: 1.0` over `documents: [...]` read as two files named version and
    # documents
    assert problems(folder, "version: 1.0\ndocuments:\n  - file: call_01.vtt\n"
                            "    doc_id: A1\n", "manifest.yaml") == [
        "manifest.yaml:1: a YAML manifest is the list of entries (- file: ..., site: ...), "
        "or a mapping of each file to its entry; this one has 'version' and 'documents' "
        "(a list) at the top: remove 'version' and make the list under 'documents' the "
        "whole file"]


def test_a_file_of_the_mapping_form_whose_entry_is_a_list_is_a_problem_at_its_line(folder):
    # a file's entry written with a dash (a list) in the {file: {...}} form was taken for
    # a list of documents under a key: the message said to remove the other files and
    # make that file's list the whole manifest
    assert problems(folder, "call_01.vtt:\n  site: Fresno\nvisit.txt:\n  - site: Oakland\n"
                            "    date: 2019-02-06\n", "manifest.yaml") == [
        "manifest.yaml:3: the entry of 'visit.txt' must be a mapping of columns to values "
        "({site: ..., date: ...})"]


def test_a_file_written_with_backslashes_is_the_file(folder):
    # a manifest written on Windows (`north\notes.md`) named no file on Linux or a Mac
    path = folder.parent / "manifest.csv"
    path.write_text(HEADER + "north\\notes.md,Fresno,site_visit,2019-03-02\n",
                    encoding="utf-8")
    assert [entry.file for entry in load_manifest(path, folder)] == ["north/notes.md"]
    assert problems(folder, HEADER + "north\\notes.md,Fresno,site_visit,2019-03-02\n"
                    "north/notes.md,Fresno,site_visit,2019-03-02\n") == [
        "manifest.csv:3 [file]: 'north/notes.md' is listed twice (first on line 2)"]
