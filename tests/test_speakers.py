"""Speakers a user can trust: a fresh study in three formats ingests with every turn on
the right speaker, the guesses are listed for a person to check, listed speakers win,
and preambles and headings are kept but never coded."""
import docx
import pytest
from click.testing import CliRunner

from dialogcode import Study, ingest
from dialogcode.cli import cli

from conftest import make_study

TXT = ("Listening session with the Fresno promotoras\n"
       "Transcribed by program staff.\n\n"
       "Evaluator: What is hardest for families here?\n\n"
       "Maria: Housing. Three families in one apartment.\n\n"
       "Evaluator: And for the men you work with?\n\n"
       "Luis: Money. Wages are low and the contractor keeps half.\n"
       "Next steps: we call the union.\n\n"
       "Maria: And nobody trusts the police.\n\n"
       "Closing convening\n\n"
       "Evaluator: Thank you all.\n")
VTT = ("WEBVTT\n\n"
       "1\n00:00:01.000 --> 00:00:04.000\nEvaluator: What changed this year?\n\n"
       "2\n00:00:04.000 --> 00:00:09.000\nAna Ruiz: People still don't call anyone.\n\n"
       "3\n00:00:09.000 --> 00:00:12.000\nEvaluator: Why not?\n\n"
       "4\n00:00:12.000 --> 00:00:15.000\nEvaluator: Is that shame?\n")
ROWS = [("00:00:05", "Evaluator", "What did the year change for you?"),
        ("00:00:12", "Tomas", "The elders talk about it now, at the mosque."),
        ("00:00:30", "Evaluator", "And the young men?"),
        ("00:00:41", "Tomas", "They come to the soccer nights.")]
MANIFEST = ("file,site,event_type,date\n"
            "session.txt,Fresno,site_visit_dialogue,2019-06-05\n"
            "call.vtt,Fresno,coaching_call,2019-07-24\n"
            "breakout.docx,San Diego,closing_convening,2019-10-09\n")


def headerless_docx(path):
    document = docx.Document()
    document.add_paragraph("Closing convening: San Diego breakout", style="Title")
    table = document.add_table(rows=0, cols=3)
    for row in ROWS:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.save(path)
    return path


@pytest.fixture
def fresh(tmp_path):
    return make_study(tmp_path / "study", {"session.txt": TXT, "call.vtt": VTT,
                                           "breakout.docx": headerless_docx(tmp_path / "b.docx")},
                      MANIFEST)


def test_a_fresh_three_format_study_puts_every_turn_on_its_speaker(fresh):
    segments = ingest(Study.open(fresh)).segments
    turns = segments[segments["kind"] == "turn"]
    said = {doc: list(zip(group["speaker"], group["text"]))
            for doc, group in turns.groupby("doc_id", sort=False)}
    assert said["session"] == [
        ("Evaluator", "What is hardest for families here?"),
        ("Maria", "Housing. Three families in one apartment."),
        ("Evaluator", "And for the men you work with?"),
        ("Luis", "Money. Wages are low and the contractor keeps half.\n"
                 "Next steps: we call the union."),
        ("Maria", "And nobody trusts the police."),
        ("Evaluator", "Thank you all.")]
    assert said["call"] == [("Evaluator", "What changed this year?"),
                            ("Ana Ruiz", "People still don't call anyone."),
                            ("Evaluator", "Why not? Is that shame?")]
    assert said["breakout"] == [(speaker, text) for _, speaker, text in ROWS]


def test_preamble_and_headings_are_kept_but_not_codable(fresh):
    segments = ingest(Study.open(fresh)).segments
    other = segments[segments["kind"] != "turn"]
    assert list(zip(other["seg_id"], other["kind"], other["text"], other["codable"])) == [
        ("breakout:t1", "preamble", "Closing convening: San Diego breakout", False),
        ("session:t1", "preamble", "Listening session with the Fresno promotoras\n"
                                   "Transcribed by program staff.", False),
        ("session:t7", "heading", "Closing convening", False)]
    assert segments.loc[segments["kind"] == "turn", "codable"].all()
    with open(fresh / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("code_preamble: true\n")
    assert ingest(Study.open(fresh)).segments["codable"].all()


def test_documents_table_records_the_guesses(fresh):
    documents = ingest(Study.open(fresh)).documents.set_index("doc_id")
    assert documents.at["session", "speaker_notes"] == (
        "line 10: `Luis:` is used once and taken as a speaker; "
        "line 11: `Next steps:` read as text, not as a speaker; "
        "line 15: `Closing convening` read as a heading, not as talk")
    assert documents.at["call", "speaker_notes"] == (
        "line 9: `Ana Ruiz:` is used once and taken as a speaker")
    assert documents.at["breakout", "speaker_notes"] == (
        "line 1: a table without a header row read as time | speaker | text")


def test_ingest_summary_lists_every_guess_with_file_and_line(fresh):
    result = CliRunner().invoke(cli, ["ingest", str(fresh)])
    assert result.exit_code == 0, result.output
    assert (
        "Notes on how the files were read (5):\n"
        "  transcripts/breakout.docx:1: a table without a header row read as "
        "time | speaker | text\n"
        "  transcripts/call.vtt:9: `Ana Ruiz:` is used once and taken as a speaker\n"
        "  transcripts/session.txt:10: `Luis:` is used once and taken as a speaker\n"
        "  transcripts/session.txt:11: `Next steps:` read as text, not as a speaker\n"
        "  transcripts/session.txt:15: `Closing convening` read as a heading, not as talk\n"
        "List a label under `speakers:` in dialogcode.yaml, or in the manifest's "
        "`speakers` column, to make it a speaker.\n") in result.output


def test_a_table_with_no_speaker_column_gets_its_own_fix_not_the_label_hint(tmp_path):
    root = make_study(tmp_path / "s", {"survey.csv": "ID,Respondent,text\n1,R1,Rent is up.\n"},
                      None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    assert ("transcripts/survey.csv:1: no speaker column among ID, Respondent: no turn has "
            "a speaker; map one with speaker_column in the manifest") in result.output
    assert "List a label" not in result.output


def test_speakers_listed_in_config_or_manifest_are_speakers(tmp_path):
    notes = ("We met in the church hall after the service.\n"
             "About twelve people came, most of them promotoras.\n"
             "Luis: said the wages are the real problem.\n"
             "Rosa: said the rent is.\n"
             "The pastor offered the hall for the next circle.\n")
    root = make_study(tmp_path / "s", {"a.txt": notes, "b.txt": notes.replace("hall", "room")},
                      "file,site,speakers\na.txt,Fresno,Rosa; Luis\nb.txt,Fresno,\n")
    segments = ingest(Study.open(root)).segments
    assert list(segments.loc[segments["doc_id"] == "a", "speaker"].dropna()) == ["Luis", "Rosa"]
    assert segments.loc[segments["doc_id"] == "b", "speaker"].isna().all()
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("speakers: [Luis]\n")
    corpus = ingest(Study.open(root))
    b = corpus.segments[corpus.segments["doc_id"] == "b"]
    assert list(b["speaker"].dropna()) == ["Luis"]
    assert [str(n) for n in corpus.speaker_notes] == [
        "transcripts/b.txt:4: `Rosa:` read as text, not as a speaker"]


def test_section_unit_splits_a_transcript_at_its_headings(fresh):
    segments = ingest(Study.open(fresh), unit="section").segments
    session = segments[segments["doc_id"] == "session"]
    assert list(zip(session["kind"], session["codable"], session["text"].str[:20])) == [
        ("preamble", False, "Listening session wi"), ("section", True, "What is hardest for "),
        ("heading", False, "Closing convening"), ("section", True, "Thank you all.")]


def test_a_note_every_file_of_a_study_gets_is_listed_once(tmp_path):
    # a study of speech-to-text exports, each with a confidence column, listed the same
    # long note once per file, burying the notes about speaker labels
    files = {f"call_{k}.csv": f"speaker,text,confidence\nP1,Rent is high {k}.,0.9\n"
             for k in range(1, 6)}
    files["session.txt"] = "P1: Rent is high.\nMaria: Yes.\n"
    root = make_study(tmp_path / "s", files, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Notes on how the files were read")[1].splitlines()
    assert listed[:3] == [
        " (2):",
        "  transcripts/call_1.csv:1, transcripts/call_2.csv:1, transcripts/call_3.csv:1 and "
        "2 more: column 'confidence' is not read (dialogcode reads each turn's speaker, text, "
        "start and end); if it holds one of those, map it with speaker_column, text_column, "
        "start_column or end_column in the manifest",
        "  transcripts/session.txt:2: `Maria:` is used once and taken as a speaker"]
