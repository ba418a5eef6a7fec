"""Exemplar quotes. Speaker roles (facilitator, coach, evaluator, participant) from the manifest or
dialogcode.yaml: validated with the file and line, shown beside quotes and codings, and
exemplar quotes prefer participants' words."""
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study, ingest
from dialogcode.analysis import study_evidence
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.errors import ConfigError, ManifestError
from dialogcode.export import workbook_sheets
from dialogcode.lessons import LessonsError
from dialogcode.report import render_study_report
from dialogcode.roles import speaker_roles

from conftest import make_study

CODEBOOK = Path(__file__).parent / "data" / "evidence-study" / "codebook.yaml"
TURNS = ("Maria: Rent went up twice this year and three families on my street were "
         "evicted before the winter came.\n\n"
         "Lead: The rent is the thing, the rent decides who stays here and who has to go "
         "away from the neighbourhood.\n\n"
         "Facilitator: Rent keeps coming up in every one of these calls, so we will keep "
         "a list of the rent stories.\n\n"
         "P1: The landlord raised the rent again and we nearly left.\n")


def _study(root, config="", manifest_roles="Maria: facilitator"):
    make_study(root, {"call.txt": TURNS},
               "file,site,event_type,date,speaker_roles\n"
               f"call.txt,North,coaching_call,2019-01-10,{manifest_roles}\n")
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text(
        "title: Roles\ncodebooks: [codebook.yaml]\n" + config, encoding="utf-8")
    return Study.open(root)


def _evidence(study):
    corpus = ingest(study)
    codings = code_corpus(corpus.segments, corpus.documents,
                          load_codebooks(study.codebook_files()))
    return study_evidence(study, corpus=corpus, codings=codings, privacy=False)


def test_roles_come_from_the_manifest_then_the_config_then_the_usual_labels():
    roles = speaker_roles({"lead": "coach", "P*": "participant", "Facil*": "evaluator"})
    assert roles.role("d", "Lead") == "coach"               # any case
    assert roles.role("d", "Facilitator") == "evaluator"    # the study's before defaults
    assert roles.role("d", "Co-facilitator 2") == "facilitator"     # a default pattern
    assert roles.role("d", "Maria") == "participant" and roles.role("d", None) is None


def test_a_manifest_role_holds_in_its_file_only_for_every_turn():
    # roles are worked out once per label: Maria facilitates call 1 and is a
    # participant in call 2, turn after turn
    documents = pd.DataFrame({"doc_id": ["call1", "call2"],
                              "speaker_roles": ["Maria: facilitator", ""]})
    segments = pd.DataFrame({"doc_id": ["call1", "call2"] * 3,
                             "speaker": ["Maria", "Maria", "Coach", "Coach", None, "P1"]})
    assert speaker_roles({"P*": "coach"}, documents).of(segments).tolist() == [
        "facilitator", "participant", "coach", "coach", None, "coach"]


def test_exemplars_prefer_participants_and_show_each_speakers_role(tmp_path):
    study = _study(tmp_path / "s", "speaker_roles:\n  Lead: coach\n")
    evidence = _evidence(study)
    housing = evidence.tables["exemplars"].query("code_id == 'risk.housing'")
    assert housing["speaker"].tolist()[0] == "P1"           # the only participant first
    roles = dict(zip(housing["speaker"], housing["role"]))   # three quotes a code
    assert roles["P1"] == "participant" and set(roles.values()) <= {
        "participant", "facilitator", "coach"}
    assert {"Maria": "facilitator", "Lead": "coach"}.items() & roles.items()
    codings = workbook_sheets(evidence)["codings"]
    assert codings.columns[codings.columns.get_loc("speaker") + 1] == "role"
    assert set(zip(codings["speaker"], codings["role"])) >= {("Maria", "facilitator"),
                                                             ("P1", "participant")}


def test_without_roles_maria_is_a_participant_and_comes_first(tmp_path):
    study = _study(tmp_path / "s", manifest_roles="")
    housing = _evidence(study).tables["exemplars"].query("code_id == 'risk.housing'")
    assert housing["speaker"].tolist() == ["Maria", "Lead", "P1"]     # by score alone
    assert set(housing["role"]) == {"participant"}


@pytest.mark.parametrize("cell, message", [
    ("Maria: boss", "'Maria' has role 'boss'; use one of facilitator, coach, evaluator, "
                    "participant"),
    ("Maria facilitator", "'Maria facilitator' is not 'label: role'")])
def test_a_bad_manifest_role_is_named_with_its_line(tmp_path, cell, message):
    with pytest.raises(ManifestError) as error:
        _evidence(_study(tmp_path / "s", manifest_roles=cell))
    assert message in str(error.value) and "manifest.csv:2" in str(error.value)


def test_a_bad_config_role_is_named_with_its_line(tmp_path):
    root = tmp_path / "s"
    _study(root)
    (root / "dialogcode.yaml").write_text(
        "title: Roles\ncodebooks: [codebook.yaml]\nspeaker_roles:\n  Lead: boss\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "dialogcode.yaml:4" in result.output and "'participant'" in result.output


def test_the_usual_labels_are_words_so_names_that_start_like_them_are_participants():
    # "Stafford" or "Hostetler" (pseudonyms) are people, not staff or hosts: their words
    # must not be held back as staff's nor left out of a lesson's participants
    roles = speaker_roles()
    for label in ("Stafford", "Hostetler", "Coachman", "Staffan"):
        assert roles.role("d", label) == "participant", label
    for label, role in (("Staff", "facilitator"), ("staff 2", "facilitator"),
                        ("Host-A", "facilitator"), ("Hosts", "facilitator"),
                        ("Coach_1", "coach"), ("Coaches", "coach"),
                        ("Note taker (Ana)", "evaluator"), ("Facilitator1", "facilitator")):
        assert roles.role("d", label) == role, label


def test_a_note_taker_written_with_a_hyphen_is_staff():
    # `Note-taker:` is a speaker's role in a transcript, as `Note taker` is, but was a
    # participant: the note-taker's words quoted first as a participant's, and a table's
    # `Note-taker's notes` speaker too
    roles = speaker_roles()
    for label in ("Note-taker", "note-taker 2", "Note-takers", "Note-taker's notes"):
        assert roles.role("d", label) == "evaluator", label


def test_a_usual_label_as_a_word_later_in_the_label_is_staff():
    # "Coaching staff" was a coach when the usual labels were prefixes; as words only at
    # the start it, "Lead facilitator" or "Site coach" became participants, their words
    # quoted as participants' and counted in participant lessons
    roles = speaker_roles()
    for label, role in (("Coaching staff", "facilitator"), ("Lead Facilitator", "facilitator"),
                        ("Site Coach", "coach"), ("Maria (staff)", "facilitator"),
                        ("Co-host", "facilitator"), ("Program staff 2", "facilitator")):
        assert roles.role("d", label) == role, label
    for label in ("Mr Stafford", "Ann Hostetler", "J. Coachman", "Participant 3"):
        assert roles.role("d", label) == "participant", label


def test_usual_labels_followed_by_a_capital_are_staff_as_before():
    # "FacilitatorA", "CoachB" label two facilitators or coaches, as "Facilitator A":
    # they were staff when the usual labels were prefixes and must stay staff
    roles = speaker_roles()
    for label, role in (("FacilitatorA", "facilitator"), ("CoachB", "coach"),
                        ("HostA", "facilitator"), ("InterviewerB", "evaluator"),
                        ("StaffMember", "facilitator")):
        assert roles.role("d", label) == role, label
    for label in ("Stafford", "Hostetler", "STAFFORD", "Coachman"):
        assert roles.role("d", label) == "participant", label
    # a study's own pattern sees the label as written, not split
    assert speaker_roles({"facilitator a": "coach"}).role("d", "FacilitatorA") == "facilitator"


def test_config_roles_are_read_in_any_case_and_labels_as_text():
    from dialogcode.config import Config

    config = Config(speaker_roles={"Maria": "Facilitator", 1: " COACH "})
    assert config.speaker_roles == {"Maria": "facilitator", "1": "coach"}


def test_the_old_staff_speakers_key_says_what_to_write_instead(tmp_path):
    root = tmp_path / "s"
    _study(root)
    (root / "dialogcode.yaml").write_text(
        "title: Roles\ncodebooks: [codebook.yaml]\nstaff_speakers: [Lead, Host*]\n",
        encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        Study.open(root)
    text = " ".join(str(error.value).split())
    assert "dialogcode.yaml:3" in text
    assert "speaker_roles: {'Lead': facilitator, 'Host*': facilitator}" in text


def test_a_quotes_context_keeps_balanced_quote_marks(tmp_path):
    root = make_study(tmp_path / "s", {"t.txt": (
        "P1: Rent went up twice and we were nearly evicted last winter.\n\n"
        'Facilitator: Good. "Not sure yet" goes on the paper.\n')}, None)
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text("title: T\ncodebooks: [codebook.yaml]\n"
                                          "manifest: null\n", encoding="utf-8")
    quotes = _evidence(Study.open(root)).tables["exemplars"]
    first = quotes[quotes["code_id"] == "risk.housing"].iloc[0]
    assert first["context_after"] == "Facilitator: Good."   # not 'Good. "'


def test_a_quotes_context_is_the_talk_around_it_not_a_backchannel(tmp_path):
    # "Facilitator: Mm-hmm." stood as the context of the quote, in place of the question
    # it answered and the talk that followed
    root = make_study(tmp_path / "s", {"t.txt": (
        "Facilitator: What pushed families out this year?\n\n"
        "P2: Yeah.\n\n"
        "P1: Rent went up twice and we were nearly evicted last winter.\n\n"
        "Facilitator: Mm-hmm.\n\n"
        "P3: The landlord sold the building.\n")}, None)
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text("title: T\ncodebooks: [codebook.yaml]\n"
                                          "manifest: null\n", encoding="utf-8")
    quotes = _evidence(Study.open(root)).tables["exemplars"]
    first = quotes[quotes["code_id"] == "risk.housing"].iloc[0]
    assert first["quote"].startswith("Rent went up twice")
    assert first["context_before"] == "Facilitator: What pushed families out this year?"
    assert first["context_after"] == "P3: The landlord sold the building."


def test_a_lesson_can_take_the_words_of_speakers_with_a_role(tmp_path):
    study = _study(tmp_path / "s", "speaker_roles:\n  Lead: coach\n")
    (study.root / "lessons.yaml").write_text(
        "lessons:\n"
        "  - id: rent-from-coaches\n"
        "    statement: Coaches keep rent on the table.\n"
        "    evidence:\n"
        "      - codes: [risk.housing]\n"
        "        roles: [coach, facilitator]\n", encoding="utf-8")
    evidence = _evidence(Study.open(study.root))
    assert evidence.tables["lessons"].loc[0, "segments"] == 3   # Lead, Maria, Facilitator
    assert set(evidence.tables["lesson_quotes"]["speaker"]) == {"Lead", "Maria",
                                                                "Facilitator"}


def test_an_unknown_lesson_role_names_the_known_ones(tmp_path):
    study = _study(tmp_path / "s")
    (study.root / "lessons.yaml").write_text(
        "lessons:\n  - id: x\n    statement: X.\n    evidence:\n"
        "      - codes: [risk.housing]\n        roles: [coaches]\n", encoding="utf-8")
    with pytest.raises(LessonsError) as error:
        _evidence(Study.open(study.root))
    assert "unknown role 'coaches'" in str(error.value)
    assert "coach, evaluator, facilitator, participant" in str(error.value)


def test_a_manifest_role_for_a_speaker_the_file_does_not_have_is_said(tmp_path):
    study = _study(tmp_path / "s", manifest_roles="Mria: facilitator; Lead: coach")
    corpus = ingest(study)
    (note,) = [n for n in corpus.speaker_notes if "speaker_roles" in n.message]
    assert note.line == 2 and str(note.file).endswith("manifest.csv")
    assert note.message.startswith("speaker_roles gives 'Mria' a role, but no speaker of "
                                   "call.txt is called that (speakers: ")
    assert "Mria" in corpus.documents["speaker_notes"].iloc[0]
    result = CliRunner().invoke(cli, ["ingest", str(study.root)])
    assert result.exit_code == 0 and "speaker_roles gives 'Mria' a role" in result.output


def test_a_quote_without_a_speaker_is_credited_to_no_one(tmp_path):
    # a site visit's notes have no speaker: their quotes must not be put in anyone's
    # mouth (nor in one called "notes") in the tables, the workbook or the report
    root = make_study(tmp_path / "s", {"visit-notes.md": (
        "# Site visit\n\nRent went up twice this year and three families were evicted "
        "before the winter came.\n")},
        "file,site,event_type,date\nvisit-notes.md,North,site_visit_notes,2019-03-01\n")
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text("title: Notes\ncodebooks: [codebook.yaml]\n",
                                          encoding="utf-8")
    (root / "lessons.yaml").write_text(
        "lessons:\n  - id: rent\n    statement: Rent drove people out.\n    evidence:\n"
        "      - codes: [risk.housing]\n", encoding="utf-8")
    evidence = _evidence(Study.open(root))
    for table in ("exemplars", "lesson_quotes"):
        quotes = evidence.tables[table]
        assert len(quotes) and quotes["speaker"].isna().all() and quotes["role"].isna().all()
    sheets = workbook_sheets(evidence)
    assert sheets["exemplars"]["speaker"].isna().all()
    page = " ".join(render_study_report(evidence, "T").split())
    # the code's quote, its parent's and the lesson's
    assert page.count("no speaker, Site visit notes, North, 2019-03-01") == 3
    assert "notes, Site visit notes" not in page


def test_an_undated_study_credits_quotes_without_a_dangling_comma_and_draws_no_phases(tmp_path):
    # Meetings without dates (a manifest with no date column): the report credited each
    # quote as "P1, Coaching call, North, " and a lesson quote the same way.
    root = make_study(tmp_path / "s", {"call.txt": TURNS},
                      "file,site,event_type\ncall.txt,North,coaching_call\n")
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text("title: Undated\ncodebooks: [codebook.yaml]\n",
                                          encoding="utf-8")
    (root / "lessons.yaml").write_text(
        "lessons:\n  - id: rent\n    statement: Rent drove people out.\n    evidence:\n"
        "      - codes: [risk.housing]\n", encoding="utf-8")
    page = " ".join(render_study_report(_evidence(Study.open(root)), "T").split())
    assert page.count("Maria, Coaching call, North · <code>call</code>") == 3
    assert "North, ·" not in page
    # and no document has a phase: the change section says so instead of an empty line
    # chart and a phase heatmap reading "Nothing coded yet" in a coded study
    change = page[page.index('<section id="change">'):]
    change = change[:change.index("</section>")]
    assert "<img" not in change
    assert "No document has a phase, so there is no change to show" in change


@pytest.mark.parametrize("manifest, credit", [
    ("file,site,event_type\ncall.txt,North,coaching_call\n", "Maria, Coaching call, North ·"),
    ("file,event_type,date\ncall.txt,coaching_call,2019-01-10\n",
     "Maria, Coaching call, 2019-01-10 ·"),
    ("file,event_type\ncall.txt,coaching_call\n", "Maria, Coaching call ·"),
    # no event type either: the credit read "Maria, (none)"
    ("file\ncall.txt\n", "Maria ·")])
def test_a_quote_is_credited_with_what_its_document_has(tmp_path, manifest, credit):
    root = make_study(tmp_path / "s", {"call.txt": TURNS}, manifest)
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text("title: T\ncodebooks: [codebook.yaml]\n",
                                          encoding="utf-8")
    page = " ".join(render_study_report(_evidence(Study.open(root)), "T").split())
    assert f'<div class="meta">{credit} <code>call</code>' in page
    assert "(none)" not in page.split('id="codes"')[1] and ", ·" not in page
