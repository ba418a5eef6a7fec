"""merge_turns: consecutive table rows of one speaker are one turn (and a note says so),
or, with merge_turns: false, each row is its own turn."""
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_study

from dialogcode import ManifestError, Study, ingest
from dialogcode.cli import cli
from dialogcode.formats import read_document

CSV = ("start,speaker,text\n"
       "00:00:01,Facilitator,What changed this year?\n"
       "00:00:05,P2,Mm-hmm.\n"
       "00:00:07,P2,The elders' council started meeting.\n"
       "00:00:15,Facilitator,Who came?\n")
JSONL = ('{"speaker": "P1", "text": "Circles helped us heal.", "start": 0, "end": 3}\n'
         '{"speaker": "P1", "text": "Slowly.", "start": 3, "end": 4}\n'
         '{"speaker": "P2", "text": "Not everyone trusts them yet.", "start": 4, "end": 6}\n'
         '{"speaker": "P1", "text": "True.", "start": 6, "end": 7}\n'
         '{"speaker": "P1", "text": "But more do.", "start": 7, "end": 8}\n'
         '{"speaker": "P1", "text": "Every month.", "start": 8, "end": 9}\n')
KEEP = "set merge_turns: false to keep rows apart"
CSV_NOTE = f"line 3: rows 3-4 of speaker P2 merged into one turn; {KEEP}"
JSONL_NOTE = ("line 1: 5 lines merged into 2 turns, each run of one speaker's lines into "
              f"one (the first: lines 1-2 of speaker P1); {KEEP}")
MERGED = {
    "call": [("Facilitator", "What changed this year?", 2),
             ("P2", "Mm-hmm. The elders' council started meeting.", 3),
             ("Facilitator", "Who came?", 5)],
    "circle": [("P1", "Circles helped us heal. Slowly.", 1),
               ("P2", "Not everyone trusts them yet.", 3),
               ("P1", "True. But more do. Every month.", 4)],
}
APART = {
    "call": [("Facilitator", "What changed this year?", 2), ("P2", "Mm-hmm.", 3),
             ("P2", "The elders' council started meeting.", 4),
             ("Facilitator", "Who came?", 5)],
    "circle": [("P1", "Circles helped us heal.", 1), ("P1", "Slowly.", 2),
               ("P2", "Not everyone trusts them yet.", 3), ("P1", "True.", 4),
               ("P1", "But more do.", 5), ("P1", "Every month.", 6)],
}


def table_study(tmp_path, config="", manifest=None):
    root = make_study(tmp_path / "study", {"call.csv": CSV, "circle.jsonl": JSONL}, manifest)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as handle:
        handle.write(config)
    return Study.open(root)


def turns(corpus, doc_id):
    """(speaker, text, line) of a document's segments, after checking that every
    segment's text is its document's slice."""
    text = corpus.text(doc_id)
    segments = corpus.segments[corpus.segments["doc_id"] == doc_id]
    for row in segments.itertuples():
        assert text[row.start:row.end] == row.text
    return [(row.speaker, row.text, row.line) for row in segments.itertuples()]


def notes(corpus):
    return dict(zip(corpus.documents["doc_id"], corpus.documents["speaker_notes"]))


def test_rows_of_one_speaker_are_merged_by_default_and_the_merge_is_noted(tmp_path):
    corpus = ingest(table_study(tmp_path))
    assert {doc: turns(corpus, doc) for doc in MERGED} == MERGED
    assert corpus.text("call") == ("Facilitator: What changed this year?\n\n"
                                   "P2: Mm-hmm. The elders' council started meeting.\n\n"
                                   "Facilitator: Who came?\n")
    assert notes(corpus) == {"call": CSV_NOTE, "circle": JSONL_NOTE}
    assert dict(zip(corpus.documents["doc_id"], corpus.documents["n_segments"])) == {
        "call": 3, "circle": 3}
    assert list(map(str, corpus.speaker_notes)) == [
        "transcripts/call.csv:3: " + CSV_NOTE.removeprefix("line 3: "),
        "transcripts/circle.jsonl:1: " + JSONL_NOTE.removeprefix("line 1: ")]
    merged = corpus.segments.set_index("seg_id").loc["circle:t1"]
    assert (merged["time_start"], merged["time_end"]) == (0, 4)


def test_merge_turns_false_keeps_every_row_a_turn_without_notes(tmp_path):
    corpus = ingest(table_study(tmp_path, "merge_turns: false\n"))
    assert {doc: turns(corpus, doc) for doc in APART} == APART
    assert corpus.text("call") == ("Facilitator: What changed this year?\n\nP2: Mm-hmm.\n\n"
                                   "P2: The elders' council started meeting.\n\n"
                                   "Facilitator: Who came?\n")
    assert notes(corpus) == {"call": "", "circle": ""}
    assert corpus.speaker_notes == []


@pytest.mark.parametrize("config, value, merged", [
    ("", "false", "circle"),                     # the manifest turns merging off for call
    ("merge_turns: false\n", "TRUE", "call"),    # ... or on, against dialogcode.yaml
])
def test_the_manifest_sets_merge_turns_per_file(tmp_path, config, value, merged):
    manifest = f"file,merge_turns\ncall.csv,{value}\ncircle.jsonl,\n"
    corpus = ingest(table_study(tmp_path, config, manifest))
    expected = {doc: (MERGED if doc == merged else APART)[doc] for doc in MERGED}
    assert {doc: turns(corpus, doc) for doc in MERGED} == expected


def test_a_yaml_manifest_takes_a_boolean_merge_turns(tmp_path):
    root = table_study(tmp_path).root
    (root / "dialogcode.yaml").write_text("codebooks: []\nmanifest: manifest.yaml\n",
                                          encoding="utf-8")
    (root / "manifest.yaml").write_text(
        "- file: call.csv\n  merge_turns: no\n- file: circle.jsonl\n  merge_turns: yes\n",
        encoding="utf-8")
    corpus = ingest(Study.open(root))
    assert {doc: turns(corpus, doc) for doc in MERGED} == {"call": APART["call"],
                                                           "circle": MERGED["circle"]}


def test_a_merge_turns_that_is_not_true_or_false_is_a_manifest_error(tmp_path):
    study = table_study(tmp_path, manifest="file,merge_turns\ncall.csv,maybe\n")
    with pytest.raises(ManifestError) as error:
        ingest(study)
    assert str(error.value) == (f"{study.manifest}:2 [merge_turns]: merge_turns 'maybe' "
                                "is not true or false")


def test_ingest_prints_the_merge_note_without_the_speaker_label_hint(tmp_path):
    study = table_study(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", str(study.root)])
    assert result.exit_code == 0, result.output
    assert ("Notes on how the files were read (2):\n"
            f"  transcripts/call.csv:3: rows 3-4 of speaker P2 merged into one turn; {KEEP}\n"
            "  transcripts/circle.jsonl:1: 5 lines merged into 2 turns, each run of one "
            f"speaker's lines into one (the first: lines 1-2 of speaker P1); {KEEP}\n"
            "Wrote ") in result.output
    assert "List a label" not in result.output


def test_a_merge_turns_in_dialogcode_yaml_that_is_not_a_boolean_is_refused(tmp_path):
    root = make_study(tmp_path / "study", {"call.csv": CSV}, None)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as handle:
        handle.write("merge_turns: maybe\n")
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 1
    assert result.output == (f"Error: {root / 'dialogcode.yaml'}:4 [merge_turns]: "
                             "Input should be a valid boolean, unable to interpret input\n")


@pytest.mark.parametrize("merge, expected, note", [
    (True, [("P1", "They want to host. Next month.", 2)],
     ["line 2: rows 2-3 of speaker P1 merged into one turn; " + KEEP]),
    (False, [("P1", "They want to host.", 2), ("P1", "Next month.", 3)], []),
])
def test_xlsx_rows_follow_merge_turns(tmp_path, merge, expected, note):
    book = openpyxl.Workbook()
    for row in (["Speaker", "Text"], ["P1", "They want to host."], ["P1", "Next month."]):
        book.active.append(row)
    book.save(tmp_path / "circle.xlsx")
    parsed, _ = read_document(tmp_path / "circle.xlsx", merge_turns=merge)
    assert [(b.speaker, parsed.text[b.start:b.end], b.line) for b in parsed.blocks] == expected
    assert list(map(str, parsed.notes)) == note


def test_a_row_with_a_speaker_and_no_text_is_no_turn_and_a_note_says_turns_shift(tmp_path):
    # the ICSI meetings hold items like {"speaker": "PhD A", "text": ""}: each later turn
    # of the document was numbered one less than its item, silently, so a table of topics
    # by item number coded the turn after the one meant
    items = ('{"speaker": "P1", "text": "Circles helped us heal."}\n'
             '{"speaker": "P2", "text": ""}\n'
             '{"speaker": "P3", "text": "Not everyone trusts them yet."}\n'
             '{"speaker": "", "text": ""}\n'
             '{"speaker": "P1", "text": "True."}\n')
    root = make_study(tmp_path / "study", {"circle.jsonl": items}, None)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as handle:
        handle.write("merge_turns: false\n")
    corpus = ingest(Study.open(root))
    assert turns(corpus, "circle") == [("P1", "Circles helped us heal.", 1),
                                       ("P3", "Not everyone trusts them yet.", 3),
                                       ("P1", "True.", 5)]
    assert notes(corpus) == {"circle": (
        "line 2: 1 line with a speaker and no text (2) is no turn, so the turns after it "
        "are numbered without it: a table of codes by turn number (`document, turn, "
        "code`) must count turns, not lines")}
