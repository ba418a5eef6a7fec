"""dialogcode import-codings on tests/data/evidence-study (4 documents; codebook with
risk.housing "Housing", risk.money "Money", connection "Connection").

Offsets used below (normalised text, end exclusive):

    north/kickoff  "rent" 48-52 (t2, also at 115 in t3), "evicted" 83-90,
                   "Wages are low" 97-110, "rent is late" 115-127 (t3); 141 characters
    north/closing  "Neighbours" 42-52 (t2); "P2: " label at 79, t3 is 83-123
    south/visit    "Debt is the worry" 36-53 (t2); t3 "Our neighbours ... evicted" 71-113
    south/closing  "together every week" 12-31 (t1)
"""
import random
import re
import shutil
import signal
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coders import CODER_COLUMNS, CodingsError, read_coder
from dialogcode.importers import archive, import_codings
from dialogcode.importers.base import Documents
from dialogcode.importers.locate import _end_distances, _start_for, locate
from dialogcode.ingest import Corpus, ingest, load_corpus, write_corpus

from conftest import corpus_and_codebook, imported, ingested_evidence

DATA = Path(__file__).parent / "data"
FIXTURES = DATA / "importers"
PROJECT_XSD = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project.xsd"
NS = "urn:QDA-XML:project:1.0"


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    return ingested_evidence(tmp_path_factory.mktemp("importers") / "study")


@pytest.fixture(scope="module")
def loaded(study):
    return corpus_and_codebook(study)


def run(*args):
    return CliRunner().invoke(cli, ["import-codings", *map(str, args)])


def rows(result):
    return [(r.seg_id, r.code_id, None if pd.isna(r.start) else int(r.start),
             None if pd.isna(r.end) else int(r.end))
            for r in result.codings.itertuples()]


def check_quotes(result, loaded):
    texts = dict(zip(loaded[0].documents["doc_id"], loaded[0].documents["text"]))
    shas = dict(zip(loaded[0].documents["doc_id"], loaded[0].documents["sha256"]))
    assert list(result.codings.columns) == CODER_COLUMNS
    for r in result.codings.itertuples():
        assert r.sha256 == shas[r.doc_id] and r.source == "human:tester"
        if not pd.isna(r.start):
            assert r.quote == texts[r.doc_id][r.start:r.end]


def fails(result, *expected, code=1):
    """The CLI exited ``code`` (1: bad data, 2: bad usage) and named every expected
    ``file:line`` (or text)."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, (text, result.output)


# ----------------------------------------------------------------------------- tables

def test_offsets_table(loaded):
    result = imported(FIXTURES / "offsets.csv", loaded)
    assert result.format == "offsets" and result.located == {}
    # the last row starts on the speaker label "P2: ", so it belongs to the turn t3
    assert rows(result) == [
        ("north/kickoff:t2", "risk.housing", 48, 52),
        ("north/kickoff:t2", "risk.housing", 83, 90),     # label "Housing"
        ("south/visit:t2", "risk.money", 36, 53),
        ("north/closing:t3", "connection", 79, 123),
        ("north/closing:t3", "risk.housing", 79, 123)]
    check_quotes(result, loaded)
    assert result.codings["quote"].tolist()[:2] == ["rent", "evicted"]


def test_quotes_table_counts_levels_and_lists_fuzzy_matches(loaded):
    result = imported(FIXTURES / "quotes.csv", loaded)
    assert result.format == "quotes"
    assert rows(result) == [
        ("north/kickoff:t2", "risk.housing", 44, 65),     # exact
        ("south/visit:t2", "risk.money", 36, 53),         # curly quotes, two spaces
        ("south/visit:t3", "connection", 71, 113),        # "evcited": one typo
        ("south/closing:t1", "connection", 12, 31)]       # by source path
    assert result.located == {"exact": 2, "tolerant": 1, "fuzzy": 1}
    assert result.codings["quote"].tolist()[1:3] == [
        "Debt is the worry", "Our neighbours helped when we were evicted"]
    assert len(result.fuzzy) == 1 and result.fuzzy[0].line == 4
    check_quotes(result, loaded)


def test_quotes_xlsx_tolerant_across_lines_and_punctuation(loaded, tmp_path):
    path = tmp_path / "quotes.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Document", "Quote", "Code_ID"])
    book.active.append(["north/kickoff", "so rent is late — P1: mm hm", "risk.housing"])
    book.active.append(["north/kickoff", "'The RENT keeps\r\nrising'", "risk.housing"])
    book.save(path)
    result = imported(path, loaded)
    # the first quote runs on into P1's "Mm-hm" (t4): it codes both turns, a row each
    assert rows(result) == [("north/kickoff:t3", "risk.housing", 112, 128),
                            ("north/kickoff:t4", "risk.housing", 134, 139),
                            ("north/kickoff:t2", "risk.housing", 44, 65)]
    assert result.codings["quote"].tolist() == ["so rent is late.", "Mm-hm",
                                                "The rent keeps rising"]
    assert result.located == {"exact": 0, "tolerant": 2, "fuzzy": 0}
    assert [(p.line, p.message) for p in result.crossing] == [
        (2, "the span 112-139 codes each segment it covers words of: north/kickoff:t3, "
            "north/kickoff:t4")]


def test_a_span_codes_each_segment_it_covers_words_of(loaded, tmp_path):
    # north/kickoff: t2 44-91 "The rent keeps rising and families get evicted.",
    # t3 97-128 "Wages are low, so rent is late.", t4 134-139 "Mm-hm"
    path = tmp_path / "offsets.csv"
    path.write_text("document,start,end,code\n"
                    "north/kickoff,60,139,risk.housing\n"    # over three turns
                    "north/kickoff,112,135,risk.money\n"     # into t4's first letter only
                    "north/kickoff,127,139,connection\n"     # from t3's full stop only
                    "north/kickoff,99,101,risk.money\n",     # a piece of one word of t3
                    encoding="utf-8")
    result = imported(path, loaded)
    assert rows(result) == [("north/kickoff:t2", "risk.housing", 60, 91),
                            ("north/kickoff:t3", "risk.housing", 97, 128),
                            ("north/kickoff:t4", "risk.housing", 134, 139),
                            ("north/kickoff:t3", "risk.money", 112, 135),
                            ("north/kickoff:t4", "connection", 127, 139),
                            ("north/kickoff:t3", "risk.money", 99, 101)]
    assert [p.line for p in result.crossing] == [2]


def test_segment_tables_by_seg_id_and_by_turn(loaded, tmp_path):
    result = imported(FIXTURES / "segments.csv", loaded)
    assert rows(result) == [("north/kickoff:t2", "risk.housing", None, None),
                            ("north/kickoff:t3", "risk.housing", None, None),
                            ("north/kickoff:t3", "risk.money", None, None),
                            ("south/visit:t3", "connection", None, None)]
    # each row's segment text, which shows later whether its seg_id still names it
    assert list(result.codings["quote"]) == [
        "The rent keeps rising and families get evicted.", "Wages are low, so rent is late.",
        "Wages are low, so rent is late.", "Our neighbours helped when we were evicted."]
    path = tmp_path / "turns.xlsx"
    book = openpyxl.Workbook()
    for line in (["document", "turn", "code"], ["north/closing", 2, "connection"],
                 ["south/closing.txt", 1.0, "CONNECTION; risk.money"]):
        book.active.append(line)
    book.save(path)
    result = imported(path, loaded)
    assert rows(result) == [("north/closing:t2", "connection", None, None),
                            ("south/closing:t1", "connection", None, None),
                            ("south/closing:t1", "risk.money", None, None)]


def with_preamble(tmp_path):
    """(corpus, codebook) of the evidence study with a preamble opening south/closing,
    which becomes its segment t1."""
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    closing = root / "transcripts" / "south" / "closing.txt"
    closing.write_text("Recorded at the library.\n\n" + closing.read_text())
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    return load_corpus(opened), load_codebooks(opened.codebook_files())


def test_turn_numbers_past_a_preamble_or_heading_are_refused_as_ambiguous(tmp_path):
    # dialogcode numbers the preamble turn 1, so a person's "turn 2" (the second spoken
    # turn) would silently land on the turn before the one they coded
    loaded = with_preamble(tmp_path)
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\nsouth/closing,1,connection\n"
                    "south/closing,2,connection\nnorth/closing,2,connection\n",
                    encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    for line, turn in ((2, 1), (3, 2)):
        assert (f"{path}:{line}: turn {turn} of south/closing is ambiguous: dialogcode "
                f"counts its preamble as turn 1, a person may not; give the seg_id instead "
                f"(dialogcode's turn {turn} is south/closing:t{turn})") in message
    assert f"{path}:4" not in message
    path.write_text("seg_id,code\nsouth/closing:t2,connection\n", encoding="utf-8")
    assert rows(imported(path, loaded)) == [("south/closing:t2", "connection", None, None)]


def test_turn_numbers_past_a_turn_cut_in_pieces_are_refused_as_ambiguous(tmp_path):
    # a note in brackets taken out of P1's turn makes it three segments, each counted as
    # a turn: a person's "turn 3" (P3's) silently coded the note, and "turn 2" coded
    # P1's words before the note only; so with a long turn cut for its length
    root = ingested_evidence(tmp_path / "study")
    (root / "transcripts" / "south" / "visit.txt").write_text(
        "Coach: Tell me about the year.\n\nP1: Debt is the worry. [Note: the group "
        "paused] Wages too.\n\nP3: Our neighbours helped when we were evicted.\n",
        encoding="utf-8")
    (root / "transcripts" / "north" / "closing.txt").write_text(
        "P1: " + "We talked a long time. " * 60 + "\n\nP2: Thanks.\n", encoding="utf-8")
    with (root / "dialogcode.yaml").open("a", encoding="utf-8") as config:
        config.write("max_segment_chars: 1000\n")
    assert CliRunner().invoke(cli, ["ingest", "--unit", "sentence", str(root), "-q"]
                              ).exit_code == 0
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\nsouth/visit,1,connection\n"
                    "south/visit,2,risk.money\nsouth/visit,3,connection\n"
                    "north/closing,2,connection\nsouth/closing,2,connection\n",
                    encoding="utf-8")
    result = run(path, root, "--coder", "ana")
    assert result.exit_code == 1 and "Traceback" not in result.output
    fails(result,
          "turns.csv:3: turn 2 of south/visit is ambiguous: dialogcode counts the pieces "
          "of a turn cut by a note or another speaker's words in brackets (or for its length, "
          "or at a time written in it) as turns of their own, "
          "from turn 2, a person may not; give the seg_id instead (dialogcode's turn 2 is "
          "south/visit:s2)",
          "turns.csv:4: turn 3 of south/visit is ambiguous",
          "turns.csv:5: turn 2 of north/closing is ambiguous: dialogcode counts the pieces "
          "of a turn cut by a note or another speaker's words in brackets (or for its length, "
          "or at a time written in it) as turns of their own, "
          "from turn 1")
    assert "turns.csv:2" not in result.output and "turns.csv:6" not in result.output
    # the row's text shows which turn it means
    path.write_text("document,turn,text,code\n"
                    "south/visit,3,[Note: the group paused],connection\n", encoding="utf-8")
    assert run(path, root, "--coder", "ana").exit_code == 0
    assert pd.read_csv(root / "codings" / "ana.csv")["seg_id"].tolist() == ["south/visit:s3"]


def test_turn_numbers_past_an_interjection_in_brackets_are_refused_as_ambiguous(tmp_path):
    # the coach's `[Coach: go on]` inside P1's turn is a turn of the coach's, P1's words
    # around it two turns: a person's "turn 3" (P3's) silently coded the coach's words
    root = ingested_evidence(tmp_path / "study")
    (root / "transcripts" / "south" / "visit.txt").write_text(
        "Coach: Tell me about the year.\n\nP1: Debt is the worry [Coach: go on] and "
        "wages too.\n\nP3: Our neighbours helped when we were evicted.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\nsouth/visit,1,connection\n"
                    "south/visit,3,connection\n", encoding="utf-8")
    result = run(path, root, "--coder", "ana")
    fails(result,
          "turns.csv:3: turn 3 of south/visit is ambiguous: dialogcode counts the pieces "
          "of a turn cut by a note or another speaker's words in brackets (or for its "
          "length, or at a time written in it) as turns of their own, from turn 2, a "
          "person may not; give the seg_id instead (dialogcode's turn 3 is south/visit:t3)")
    assert "turns.csv:2" not in result.output


def test_a_span_over_an_interjection_in_brackets_codes_the_speakers_words_only(tmp_path):
    # P1's quote `Debt is the worry [Coach: go on] and wages too.` coded the coach's
    # `go on`, a turn of the coach's since ingest cuts P1's turn around it, as P1's theme
    root = ingested_evidence(tmp_path / "study")
    text = ("Coach: Tell me about the year.\n\nP1: Debt is the worry [Coach: go on] and "
            "wages too.\n\nP3: Our neighbours helped when we were evicted.\n")
    (root / "transcripts" / "south" / "visit.txt").write_text(text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    start, end = text.index("Debt"), text.index("too.") + 4
    path = tmp_path / "offsets.csv"
    path.write_text(f"document,start,end,code\nsouth/visit,{start},{end},risk.money\n"
                    f"south/visit,{text.index('go on')},{text.index('go on') + 5},connection\n",
                    encoding="utf-8")
    result = run(path, root, "--coder", "ana")
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(root / "codings" / "ana.csv")
    assert list(zip(coded["seg_id"], coded["code_id"], coded["quote"])) == [
        ("south/visit:t2", "risk.money", "Debt is the worry"),
        ("south/visit:t4", "risk.money", "and wages too."),
        ("south/visit:t3", "connection", "go on")]
    # a coder's file in codings/ with the same span reads it the same way
    span = tmp_path / "codings" / "ben.csv"
    span.parent.mkdir()
    span.write_text(f"seg_id,code_id,start,end\nsouth/visit:t2,risk.money,{start},{end}\n",
                    encoding="utf-8")
    read = read_coder(span, load_corpus(Study.open(root)).segments)
    assert read["seg_id"].tolist() == ["south/visit:t2", "south/visit:t4"]


def test_every_row_naming_a_turn_the_document_lacks_is_refused_with_its_turn_count(
        tmp_path):
    # each such row is refused on its own line, saying how many turns the document
    # has (the count is kept per document: counting the study's turns for every row
    # took hours for 50,000 rows of a large study; a benchmark matter, not timed here)
    from dialogcode.importers.tabular import read_table

    n = 300
    documents = pd.DataFrame({"doc_id": ["d"], "text": ["P1: Yes.\n\n" * n],
                              "sha256": ["0" * 64], "source_path": ["d.txt"],
                              "format": ["text"]})
    segments = pd.DataFrame({
        "seg_id": [f"d:t{k}" for k in range(1, n + 1)], "doc_id": "d",
        "ordinal": range(1, n + 1), "turn": pd.array(range(1, n + 1), dtype="Int64"),
        "kind": "turn", "codable": True, "speaker": "P1",
        "start": range(4, 10 * n, 10), "end": range(8, 10 * n, 10),
        "line": pd.array(range(1, 2 * n, 2), dtype="Int64")})
    docs = Documents(Corpus(documents, segments))
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\n" + "".join(f"d,{n + k},yes\n" for k in
                                                     range(1, 41)), encoding="utf-8")
    reading = read_table(path, docs)
    assert len(reading.problems) == 40 and not reading.found
    assert str(reading.problems[0]).endswith(f"document d has no turn '{n + 1}': it has "
                                             f"{n} turns, numbered from 1")
    assert str(reading.problems[-1]).endswith(f"document d has no turn '{n + 40}': it has "
                                              f"{n} turns, numbered from 1")

def test_a_segment_table_of_turns_imported_after_ingest_by_sentence_says_so(tmp_path):
    # each row was refused as a bare "unknown seg_id", as if the sheet were mistyped
    root = ingested_evidence(tmp_path / "study")
    assert CliRunner().invoke(cli, ["ingest", "--unit", "sentence", str(root), "-q"]
                              ).exit_code == 0
    path = tmp_path / "turns.csv"
    path.write_text("seg_id,code\nnorth/kickoff:t2,risk.housing\nnorth/kickoff:t3,"
                    "connection\nnorth/kickoff:s99,connection\n", encoding="utf-8")
    result = run(path, root, "--coder", "ana")
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line, seg_id in ((2, "north/kickoff:t2"), (3, "north/kickoff:t3")):
        assert (f"turns.csv:{line}: unknown seg_id {seg_id!r}: it names a turn, and "
                "north/kickoff is cut into sentences now (north/kickoff:s1, ...)"
                in result.output)
    # a sentence the document does not have is only unknown
    assert "turns.csv:4: unknown seg_id 'north/kickoff:s99'\n" in result.output


def test_a_turn_number_codes_the_turns_sentences_in_a_study_cut_into_sentences(tmp_path):
    # "turn 3" was read as the third sentence: P1's "Wages too." in south/visit, not
    # P3's turn the coder coded, and a coding of P1's turn coded its first sentence only
    root = ingested_evidence(tmp_path / "study")
    closing = root / "transcripts" / "south" / "closing.txt"
    closing.write_text("Recorded at the library. Ten came.\n\n" + closing.read_text(),
                       encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", "--unit", "sentence", str(root), "-q"]
                              ).exit_code == 0
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,text,code\n"
                    "south/visit,3,,connection\n"
                    "south/visit,2,P1: Debt is the worry. Wages too.,risk.money\n"
                    "south/closing,2,We meet together every week.,connection\n",
                    encoding="utf-8")
    result = run(path, root, "--coder", "ana")
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(root / "codings" / "ana.csv")
    assert list(zip(coded["seg_id"], coded["code_id"])) == [
        ("south/visit:s4", "connection"), ("south/visit:s2", "risk.money"),
        ("south/visit:s3", "risk.money"), ("south/closing:s3", "connection")]
    assert coded["start"].isna().all()      # each sentence coded whole
    # the same refusals as for turns: a turn the document does not have, another
    # turn's text, and a number a person counting only spoken turns may mean otherwise
    path.write_text("document,turn,text,code\nsouth/visit,4,,connection\n"
                    "south/visit,3,Debt is the worry. Wages too.,connection\n"
                    "south/closing,2,,connection\n", encoding="utf-8")
    fails(run(path, root, "--coder", "bob"),
          "turns.csv:2: document south/visit has no turn '4': it has 3 turns, numbered "
          "from 1",
          "turns.csv:3: the text in this row is not the text of turn 3 of south/visit "
          "(south/visit:s4)",
          "turns.csv:4: turn 2 of south/closing is ambiguous: dialogcode counts its "
          "preamble as turn 1, a person may not; give the seg_id instead (dialogcode's "
          "turn 2 is south/closing:s3)")
    # a sheet of the sentences with each one's turn (as out/segments.csv has them) was
    # refused as if the transcript had changed since
    path.write_text("document,turn,text,code\nsouth/visit,2,Wages too.,risk.money\n",
                    encoding="utf-8")
    fails(run(path, root, "--coder", "dan"),
          "turns.csv:2: the text in this row is that of south/visit:s3 alone, a sentence of "
          "turn 2 of south/visit (south/visit:s2 to south/visit:s3), and a row naming a turn "
          "codes each of its sentences: give the sentence's seg_id instead of its turn "
          "(columns seg_id, code), or the whole turn's text")
    # cut into sections, a turn lies inside a section of several: it was the nth section
    assert CliRunner().invoke(cli, ["ingest", "--unit", "section", str(root), "-q"]
                              ).exit_code == 0
    path.write_text("document,turn,code\nsouth/visit,1,connection\n", encoding="utf-8")
    fails(run(path, root, "--coder", "cy"),
          "turns.csv:2: document south/visit is cut into sections of several turns now, so "
          "turn '1' names no segment of it: give the seg_id of its section, or ingest with "
          "`unit: turn`")


def test_turn_numbers_need_segments_that_number_turns(loaded, tmp_path):
    # segments ingested before each segment's turn was recorded cannot tell a turn's
    # sentences: ingest again rather than read the turn as the nth segment
    corpus, book = loaded
    older = Corpus(corpus.documents, corpus.segments.drop(columns="turn"))
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\nnorth/kickoff,2,connection\n", encoding="utf-8")
    with pytest.raises(CodingsError, match=r"turns.csv:2: the segments were written by an "
                       r"older dialogcode, which did not number each segment's turn: run "
                       r"`dialogcode ingest` again"):
        imported(path, (older, book))


def test_turn_numbers_past_a_preamble_are_taken_when_the_text_shows_the_turn(tmp_path):
    # a coding sheet made from the segments (document, turn, text) is not ambiguous: its
    # text cell says which turn the number means, and a person's own count is refused
    loaded = with_preamble(tmp_path)
    segments = loaded[0].segments.set_index("seg_id")["text"]
    path = tmp_path / "turns.csv"
    pd.DataFrame({"document": ["south/closing"] * 2, "turn": [1, 2],
                  "text": [segments["south/closing:t1"], segments["south/closing:t2"]],
                  "code": ["", "connection"]}).to_csv(path, index=False)
    result = imported(path, loaded)
    coded = result.codings.dropna(subset=["code_id"])
    assert list(zip(coded["seg_id"], coded["code_id"])) == [("south/closing:t2",
                                                             "connection")]
    assert result.read == 1     # the preamble, read with nothing coded
    pd.DataFrame({"document": ["south/closing"], "turn": [1],
                  "text": [segments["south/closing:t2"]],
                  "code": ["connection"]}).to_csv(path, index=False)
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert f"{path}:2: the text in this row is not the text of turn 1" in str(error.value)


def test_a_turns_text_shows_nothing_when_the_next_turn_says_the_same(tmp_path):
    # "Yes." twice running: a person's spoken turn 2 (dialogcode's turn 3) has the text
    # of dialogcode's turn 2 as well, so the text cannot tell which turn is meant
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "south" / "closing.txt").write_text(
        "Recorded at the library.\n\nP1: Yes.\n\nP2: Yes.\n\nP1: We meet every week.\n",
        encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,text,code\nsouth/closing,2,Yes.,connection\n"
                    "south/closing,4,We meet every week.,connection\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert f"{path}:2: turn 2 of south/closing is ambiguous" in str(error.value)
    assert f"{path}:3" not in str(error.value)


def test_a_coding_of_a_preamble_is_refused_but_it_may_be_marked_read(tmp_path):
    # the rules never code a preamble and the tables leave it out of their totals, so a
    # coding there would be counted over a total that does not hold it
    loaded = with_preamble(tmp_path)
    path = tmp_path / "quotes.csv"
    path.write_text("document,quote,code\nsouth/closing,at the library,connection\n"
                    "south/closing,every week,connection\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert (f"{path}:2: south/closing:t1 is a preamble, which is never coded "
            "(`code_preamble: true` in dialogcode.yaml codes preambles and headings)"
            ) in str(error.value)
    assert f"{path}:3" not in str(error.value)
    path.write_text("seg_id,code\nsouth/closing:t1,\nsouth/closing:t2,connection\n",
                    encoding="utf-8")
    codings = imported(path, loaded).codings
    assert codings["seg_id"].tolist() == ["south/closing:t1", "south/closing:t2"]
    assert codings["code_id"].isna().tolist() == [True, False]


def test_a_span_over_a_preamble_and_a_turn_codes_the_turn(tmp_path):
    loaded = with_preamble(tmp_path)
    segments = loaded[0].segments.set_index("seg_id")
    end = int(segments.at["south/closing:t2", "end"])
    path = tmp_path / "offsets.csv"
    path.write_text(f"document,start,end,code\nsouth/closing,0,{end},connection\n",
                    encoding="utf-8")
    result = imported(path, loaded)
    assert rows(result) == [("south/closing:t2", "connection",
                             int(segments.at["south/closing:t2", "start"]), end)]
    assert result.crossing[0].message.endswith(
        "codes each segment it covers words of: south/closing:t2 (not south/closing:t1, "
        "never coded)")


def test_a_decimal_number_in_a_workbooks_code_column_is_refused(loaded, tmp_path):
    # Excel stores the code 1.10 as the number 1.1, which is another code of this book
    codebook = tmp_path / "numbered.yaml"
    codebook.write_text("codebook: numbered\ntitle: Numbered\ncodes:\n  - id: '1'\n    label: Themes\n"
                        "    codable: false\n    codes:\n"
                        "      - {id: '1.1', label: Rent, definition: Rent.}\n"
                        "      - {id: '1.10', label: Wages, definition: Wages.}\n",
                        encoding="utf-8")
    book = load_codebooks([codebook])
    path = tmp_path / "numbers.xlsx"
    sheet = openpyxl.Workbook()
    for line in (["seg_id", "code"], ["north/kickoff:t3", 1.10], ["north/kickoff:t2", "1.1"]):
        sheet.active.append(line)
    sheet.save(path)
    with pytest.raises(CodingsError) as error:
        import_codings(path, loaded[0], book, coder="tester")
    assert (f"{path}:2: the code cell holds the number 1.1, which may be code 1.1 or 1.10: "
            "a spreadsheet drops a code's trailing zeros (1.10 becomes 1.1); format the "
            "column as text") in str(error.value)
    assert f"{path}:3" not in str(error.value)


def test_a_decimal_number_standing_for_one_code_is_read_as_that_code(loaded, tmp_path):
    # a numbered codebook typed into a workbook: 1.2 can only be code 1.2, and 1.1 only
    # 1.10 when the codebook has no 1.1; the codes must not be typed again as text
    codebook = tmp_path / "numbered.yaml"
    codebook.write_text("codebook: numbered\ntitle: Numbered\ncodes:\n  - id: '1'\n"
                        "    label: Themes\n    codable: false\n    codes:\n"
                        "      - {id: '1.10', label: Rent, definition: Rent.}\n"
                        "      - {id: '1.2', label: Wages, definition: Wages.}\n",
                        encoding="utf-8")
    book = load_codebooks([codebook])
    path = tmp_path / "numbers.xlsx"
    sheet = openpyxl.Workbook()
    for line in (["seg_id", "code"], ["north/kickoff:t2", 1.10], ["north/kickoff:t3", 1.2]):
        sheet.active.append(line)
    sheet.save(path)
    result = import_codings(path, loaded[0], book, coder="tester")
    assert rows(result) == [("north/kickoff:t2", "1.10", None, None),
                            ("north/kickoff:t3", "1.2", None, None)]


def test_a_workbook_with_merged_cells_is_refused(loaded, tmp_path):
    # a code cell merged over three rows holds its value in the first row only: the
    # other two would import as "read, nothing applies" and their codings vanish
    path = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    for line in (["document", "quote", "code"], ["north/kickoff", "evicted", "risk.housing"],
                 ["north/kickoff", "Wages are low", None], ["south/visit", "Debt", None]):
        book.active.append(line)
    book.active.merge_cells("C2:C4")
    book.save(path)
    with pytest.raises(CodingsError, match="merged cells C2:C4: only the first cell of a "
                                           "merged range holds its value"):
        imported(path, loaded)


def test_written_file_reads_back_and_reimport_needs_replace(study):
    source = FIXTURES / "offsets.csv"
    first = run(source, study, "--coder", "ann")
    assert first.exit_code == 0, first.output
    assert "Imported 5 codings (offsets)" in first.output and "ann.csv" in first.output
    written = pd.read_csv(study / "codings" / "ann.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == CODER_COLUMNS
    assert written.loc[0, ["start", "end", "quote", "source"]].tolist() == \
        ["48", "52", "rent", "human:ann"]
    segments = pd.read_parquet(study / "out" / "segments.parquet")
    assert len(read_coder(study / "codings" / "ann.csv", segments)) == 5
    fails(run(source, study, "--coder", "ann"),
          "ann.csv: ann.csv exists; choose another coder name or replace it", code=2)
    assert run(source, study, "--coder", "ann", "--replace").exit_code == 0


# ----------------------------------------------------------------------------- mapping

def test_mapping_files_csv_and_yaml(loaded):
    result = imported(FIXTURES / "named.csv", loaded, mapping=FIXTURES / "mapping.csv")
    assert [r[1] for r in rows(result)] == ["risk.housing", "risk.housing", "risk.money",
                                           "connection"]
    with pytest.raises(CodingsError) as error:
        imported(FIXTURES / "named.csv", loaded, mapping=FIXTURES / "mapping.yaml")
    assert [str(p) for p in error.value.problems] == [
        f"{FIXTURES / 'named.csv'}:5: unmapped code 'Zusammen' (1 coding, first here): "
        "not a code id or label of the codebook; map it with --map"]
    result = imported(FIXTURES / "named.csv", loaded, mapping=FIXTURES / "mapping.yaml",
                      skip_unmapped=True)
    assert len(result.codings) == 3 and len(result.unmapped) == 1


def test_unmapped_names_are_all_listed_with_counts(study):
    result = run(FIXTURES / "named.csv", study, "--coder", "x")
    fails(result, "3 problems", "named.csv:2: unmapped code 'Wohnen' (2 codings",
          "named.csv:4: unmapped code 'Geld' (1 coding", "named.csv:5: unmapped code 'Zus")
    assert not (study / "codings" / "x.csv").exists()


def test_an_unmapped_name_close_to_a_code_id_is_suggested(study, tmp_path):
    source = tmp_path / "typo.csv"
    source.write_text("seg_id,code_id\nnorth/kickoff:t2,Risk.Housing\n", encoding="utf-8")
    fails(run(source, study, "--coder", "x"),
          "typo.csv:2: unmapped code 'Risk.Housing' (1 coding, first here): not a code id "
          "or label of the codebook (did you mean risk.housing?); map it with --map")


def test_bad_mapping_target_names_the_mapping_line(study):
    result = run(FIXTURES / "named.csv", study, "--coder", "x", "--map",
                 FIXTURES / "bad_mapping.csv")
    fails(result, "bad_mapping.csv:3: 'risk.cash' (for 'Geld') is not a code id")
    assert "unmapped" not in result.output      # reported once, as the mapping's fault


# ----------------------------------------------------------------------------- bad tables

def test_bad_offsets_every_problem_at_once(study):
    fails(run(FIXTURES / "bad_offsets.csv", study, "--coder", "x"), "3 problems",
          "bad_offsets.csv:3: unknown document 'north/kickof'",
          "bad_offsets.csv:4: offsets 130-500 out of range", "<= 141",
          "bad_offsets.csv:5: offsets 10-5 out of range")


def test_a_turn_number_past_the_documents_last_says_how_many_turns_it_has(loaded, tmp_path):
    # the message said only that turns are numbered from 1, not where they end
    corpus, _ = loaded
    count = int((corpus.segments["doc_id"] == "north/kickoff").sum())
    path = tmp_path / "turns.csv"
    path.write_text(f"document,turn,code\nnorth/kickoff,{count},connection\n"
                    f"north/kickoff,{count + 1},connection\nnorth/kickoff,0,connection\n",
                    encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert [str(problem) for problem in error.value.problems] == [
        f"{path}:{line}: document north/kickoff has no turn {turn!r}: it has {count} turns, "
        "numbered from 1" for line, turn in ((3, str(count + 1)), (4, "0"))]


def test_unfound_and_ambiguous_quotes_fail_unless_skipped(study, loaded):
    source = FIXTURES / "bad_quotes.csv"
    # the first quote spans two lines of the CSV, so the ambiguous one is on line 4
    fails(run(source, study, "--coder", "x"),
          "bad_quotes.csv:2: UNFOUND: quote in north/kickoff is not in the text",
          "bad_quotes.csv:4: AMBIGUOUS: quote in north/kickoff found 2 times")
    result = imported(source, loaded, skip_unlocated=True)
    assert rows(result) == [("south/visit:t2", "risk.money", 36, 53)]
    assert [p.line for p in result.unlocated] == [2, 4]
    skipped = run(source, study, "--coder", "skipper", "--skip-unlocated")
    assert skipped.exit_code == 0 and "UNFOUND" in skipped.output


def test_fuzzy_needs_the_threshold(loaded, tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text("document,quote,code\nnorth/kickoff,families get evcited,Housing\n"
                    "north/kickoff,families got rehoused,Housing\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert [(p.line, p.message[:8]) for p in error.value.problems] == [(3, "UNFOUND:")]
    path.write_text("document,quote,code\nnorth/kickoff,families get evcited,Housing\n",
                    encoding="utf-8")
    result = imported(path, loaded)
    assert rows(result) == [("north/kickoff:t2", "risk.housing", 70, 90)]
    assert result.located["fuzzy"] == 1


def test_fuzzy_level_finds_every_close_place_and_says_ambiguous():
    text = "P1: We pay the rent late.\n\nP2: We paid the rent late.\n"
    found = locate("we pai the rent late", text)
    assert (found.level, found.spans) == ("fuzzy", [(4, 24), (31, 52)])
    found = locate("We pay the rent lte!", text)      # 1 edit in 19; 3 to the second
    assert (found.level, found.spans, found.similarity) == ("fuzzy", [(4, 24)], 0.947)


def test_a_fuzzy_match_is_whole_words():
    # 'Wges' is one edit from 'ages' as from 'Wages', and 'ages ...' is nearer the
    # quote's length: the coding started inside the word
    text = "P1: Mm-hm.\n\nP2: Wages are low, so rent is late.\n"
    found = locate("Wges are low, so rent is late.", text)
    assert found.level == "fuzzy"
    assert [text[start:end] for start, end in found.spans] == [
        "Wages are low, so rent is late"]


def test_a_quote_is_found_at_word_edges_before_inside_a_word(tmp_path):
    # "rent rules hurt families" was found exactly inside P1's "cur|rent rules hurt
    # families" rather than as P2's "Rent rules hurt families" (another case): the code
    # went to P1's turn without a word; and "rent" (in both) was ambiguous
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    text = "P1: The current rules hurt families.\n\nP2: Rent rules hurt families.\n"
    (root / "transcripts" / "north" / "kickoff.txt").write_text(text, encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code\nnorth/kickoff,rent rules hurt families,"
                     "risk.housing\nnorth/kickoff,rent,risk.money\n", encoding="utf-8")
    result = imported(sheet, corpus_and_codebook(root))
    at = text.index("Rent")
    assert rows(result) == [("north/kickoff:t2", "risk.housing", at, at + 24),
                            ("north/kickoff:t2", "risk.money", at, at + 4)]
    # a piece of a word, found nowhere at word edges, is still found
    assert locate("evict", "P1: They get evicted.\n").spans == [(13, 18)]


@pytest.mark.parametrize("text, quote, placed", [
    # without spaces between words, a run of letters runs to the next punctuation: the
    # match was widened to the whole clause ('我们的' and 'か心配です' coded too)
    ("P1: 我们的房租每个月都在上涨，所以很担心。\n", "房租每个月都在上张", "房租每个月都在上涨"),
    ("P1: 家賃が毎月上がっているので来月払えるか心配です。\n", "毎月上がっているので来月払えx",
     "毎月上がっているので来月払える"),
    # a quote that starts inside a word as the coder marked it, not as a typo
    ("P1: The wages are low.\n", "ages are lw", "ages are low"),
], ids=["chinese", "japanese", "inside-a-word"])
def test_a_fuzzy_match_is_widened_only_where_the_quote_fits_as_well(text, quote, placed):
    found = locate(quote, text)
    assert found.level == "fuzzy"
    assert [text[start:end] for start, end in found.spans] == [placed]


@pytest.mark.parametrize("anchored", [False, True])
def test_edit_distances_agree_with_the_textbook_table(anchored):
    # anchored: from the text's first character (a stretch's start is found with it)
    random.seed(7)
    for _ in range(300):
        pattern = "".join(random.choices("ab c", k=random.randint(1, 9)))
        text = "".join(random.choices("abc d", k=random.randint(0, 30)))
        table, expected = list(range(len(pattern) + 1)), []
        for column, char in enumerate(text, start=1):
            row = [column if anchored else 0]
            for i, p in enumerate(pattern, start=1):
                row.append(min(table[i] + 1, row[i - 1] + 1, table[i - 1] + (p != char)))
            expected.append(row[-1])
            table = row
        assert _end_distances(pattern, text, anchored=anchored) == expected


def test_a_fuzzy_match_s_start_is_the_one_the_textbook_table_finds():
    # the start search as it was before the bit vectors: the quote backwards against the
    # text backwards from the end, a row of the table per character taken, keeping the
    # fewest edits, then the length nearest the quote's; quotes past one machine word
    # (64), at the text's very start, in repeated text and beyond ASCII
    def by_table(pattern, text, end, limit):
        backwards = pattern[::-1]
        previous, best = list(range(len(pattern) + 1)), (len(pattern), len(pattern), 0)
        for taken, char in enumerate(text[max(0, end - len(pattern) - limit):end][::-1],
                                     start=1):
            row = [taken]
            for i, p in enumerate(backwards, start=1):
                row.append(min(previous[i] + 1, row[i - 1] + 1, previous[i - 1] + (p != char)))
            best = min(best, (row[-1], abs(taken - len(pattern)), taken))
            previous = row
        return best[0], end - best[2]

    random.seed(11)
    for _ in range(300):
        letters = random.choice(["ab ", "rent is late ", "aé ü", "房租上涨 "])
        pattern = "".join(random.choices(letters, k=random.choice([1, 7, 64, 65, 130])))
        text = "".join(random.choices(letters, k=random.randint(0, 40)))
        at = random.choice([0, len(text)])
        text = text[:at] + pattern + text[at:]
        text = text * random.choice([1, 2])
        for end in {len(text), len(pattern), random.randint(1, len(text))}:
            limit = random.randint(0, len(pattern) // 4 + 1)
            assert _start_for(pattern, text, end, limit) == by_table(pattern, text, end, limit)


def test_unrecognised_table_and_missing_columns(study, tmp_path):
    path = tmp_path / "what.csv"
    path.write_text("file,label\nx,y\n", encoding="utf-8")
    fails(run(path, study, "--coder", "x"), "what.csv:1: cannot tell what this table holds")
    path.write_text("document,quote\nnorth/kickoff,rent\n", encoding="utf-8")
    fails(run(path, study, "--coder", "x"), "what.csv:1: missing column(s) code_id")


# ----------------------------------------------------------------------------- markup

def test_inline_markup(loaded):
    result = imported(FIXTURES / "kickoff.md", loaded)      # file name -> north/kickoff
    assert result.format == "markup"
    assert rows(result) == [("north/kickoff:t2", "risk.housing", 48, 52),
                            ("north/kickoff:t2", "risk.housing", 83, 90),
                            ("north/kickoff:t3", "risk.money", 97, 110),
                            ("north/kickoff:t3", "risk.housing", 115, 127),
                            ("north/kickoff:t3", "risk.money", 115, 127)]
    check_quotes(result, loaded)


@pytest.mark.parametrize("gate", ["mask", "off"])
def test_messages_show_transcript_text_only_as_a_short_masked_excerpt(study, tmp_path,
                                                                       gate):
    # an error message goes to a terminal (and into logs): transcript text shows only
    # with the study's privacy scan at hand, masked as its outputs are, and short
    copy = tmp_path / "study"
    shutil.copytree(study, copy)
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code\nnorth/kickoff,rent,Housing\n"
                     "north/kickoff,The rent keeps rising and families get evicted from "
                     "their homes by landlords,Housing\n", encoding="utf-8")
    markup = FIXTURES / "kickoff_changed.md"
    args = ("--coder", "x", "--document", "north/kickoff")
    # no scan yet: where, never what
    result = run(sheet, copy, *args)
    fails(result, "quotes.csv:2: AMBIGUOUS: quote in north/kickoff found 2 times",
          "quotes.csv:3: UNFOUND: quote in north/kickoff is not in the text")
    assert "rent" not in result.output.replace(str(copy), "")
    assert "raising" not in run(markup, copy, *args).output
    (copy / "privacy.yaml").write_text("always: [rent]\n", encoding="utf-8")
    config = copy / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"privacy: {{gate: {gate}}}\n",
                      encoding="utf-8")
    assert CliRunner().invoke(cli, ["privacy", "scan", str(copy), "-q"]).exit_code == 0
    term = "[PLACE OR TERM]" if gate == "mask" else "rent"
    result = run(sheet, copy, *args)
    fails(result, f"quotes.csv:2: AMBIGUOUS: quote ('{term}') in north/kickoff found 2 times")
    unfound = re.search(r"quotes.csv:3: UNFOUND: quote \('(.*)'\) in north/kickoff is not "
                        "in the text", result.output)
    assert unfound and unfound[1].startswith(f"The {term} keeps rising and")
    assert unfound[1].endswith("…") and len(unfound[1]) <= 40
    fails(run(markup, copy, *args),
          "kickoff_changed.md:3: the text differs from document north/kickoff at line 3, "
          f"column 48: here ('P1: The {term} keeps raising a")


def scanned_copy(study, tmp_path, term: str):
    """A copy of ``study`` whose privacy scan found ``term`` (privacy.yaml ``always:``)."""
    copy = tmp_path / "study"
    shutil.copytree(study, copy)
    (copy / "privacy.yaml").write_text(f"always: [{term}]\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["privacy", "scan", str(copy), "-q"]).exit_code == 0
    return copy


def test_an_excerpt_never_shows_part_of_a_masked_term_its_window_cuts(study, tmp_path):
    # the span 74-90 starts inside "families" (70-78): the excerpt shows the term's
    # label, not its tail "lies"
    copy = scanned_copy(study, tmp_path, "families")
    sheet = tmp_path / "offsets.csv"
    sheet.write_text("document,start,end,quote,code\n"
                     "north/kickoff,74,90,other words,Housing\n", encoding="utf-8")
    result = run(sheet, copy, "--coder", "x")
    fails(result, "offsets.csv:2: the quote ('other words') is not the text at 74-90 of "
                  "north/kickoff ('[PLACE OR TERM] get evicted')")
    assert "lies" not in result.output.replace(str(copy), "")


def test_an_excerpt_masks_a_finding_in_any_case_the_coder_wrote_it(study, tmp_path):
    # the scan found "rent" as the transcript writes it; a coder's quote in capitals or
    # with a capital still shows only the label in the message (whole words only)
    copy = scanned_copy(study, tmp_path, "rent")
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code\nnorth/kickoff,The RENT went sky high,Housing\n"
                     "north/kickoff,Rent went up; parents rented out rooms,Housing\n",
                     encoding="utf-8")
    result = run(sheet, copy, "--coder", "x")
    fails(result, "quotes.csv:2: UNFOUND: quote ('The [PLACE OR TERM] went sky high') in "
                  "north/kickoff is not in the text",
          "quotes.csv:3: UNFOUND: quote ('[PLACE OR TERM] went up; parents rented")
    assert "RENT" not in result.output


def test_a_cell_of_words_where_a_number_belongs_is_shown_as_transcript_text_is(study,
                                                                              tmp_path):
    # a quote put in the start or turn column (a comma left unquoted shifts a CSV row's
    # cells) was shown whole and unmasked; it is shown as an excerpt of the transcript
    # is: masked, cut short, and not at all without the study's privacy scan
    offsets = tmp_path / "offsets.csv"
    offsets.write_text("document,start,end,code\n"
                       "north/kickoff,The rent keeps rising and families get evicted.,52,"
                       "Housing\n", encoding="utf-8")
    turns = tmp_path / "turns.csv"
    turns.write_text("document,turn,code\nnorth/kickoff,The rent keeps rising,Housing\n"
                     "north/kickoff,12,Housing\n", encoding="utf-8")
    plain = ingested_evidence(tmp_path / "plain")       # never scanned
    fails(run(offsets, plain, "--coder", "x"),
          "offsets.csv:2: the start cell holds no whole number")
    result = run(turns, plain, "--coder", "x")
    fails(result, "turns.csv:2: document north/kickoff has no turn: it has 4 turns",
          "turns.csv:3: document north/kickoff has no turn '12': it has 4 turns")
    assert "rent" not in result.output.replace(str(tmp_path), "")
    copy = scanned_copy(study, tmp_path, "rent")
    result = run(offsets, copy, "--coder", "x")
    fails(result, "offsets.csv:2: the start cell ('The [PLACE OR TERM] keeps rising and "
                  "fa…') holds no whole number")
    fails(run(turns, copy, "--coder", "x"), "turns.csv:2: document north/kickoff has no "
                                            "turn ('The [PLACE OR TERM] keeps rising'): it")
    assert "rent" not in result.output.replace(str(tmp_path), "")


def test_a_number_cell_written_as_a_spreadsheet_writes_it_is_shown_without_a_scan(
        tmp_path):
    # 48.0 (a whole number written by a spreadsheet or pandas) is no transcript text:
    # hidden as if it were a quote, "has no turn" read as if turn 2 did not exist
    offsets = tmp_path / "offsets.csv"
    offsets.write_text("document,start,end,code\nnorth/kickoff,48.0,52.0,Housing\n",
                       encoding="utf-8")
    turns = tmp_path / "turns.csv"
    turns.write_text("document,turn,code\nnorth/kickoff,2.0,Housing\n"
                     "north/kickoff,,Housing\n", encoding="utf-8")
    quotes = tmp_path / "quotes.csv"
    quotes.write_text("document,quote,line,code\nnorth/kickoff,rent,3.0,Housing\n",
                      encoding="utf-8")
    plain = ingested_evidence(tmp_path / "plain")       # never scanned
    fails(run(offsets, plain, "--coder", "x"),
          "offsets.csv:2: the start cell '48.0' and the end cell '52.0' hold no whole "
          "number")
    fails(run(turns, plain, "--coder", "x"),
          "turns.csv:2: document north/kickoff has no turn '2.0': it has 4 turns",
          "turns.csv:3: document north/kickoff has no turn '': it has 4 turns")
    fails(run(quotes, plain, "--coder", "x"),
          "quotes.csv:2: the line cell '3.0' holds no whole number")


def test_a_seg_id_or_document_cell_of_words_is_shown_as_transcript_text_is(study,
                                                                           tmp_path):
    # a quote in the seg_id or document column (its columns swapped) was shown whole and
    # unmasked after "unknown seg_id" or "unknown document"; a cell with the form of a
    # seg_id or a document's name is still shown as written
    segments = tmp_path / "segments.csv"
    segments.write_text("seg_id,code\nThe rent keeps rising,Housing\n"
                        "north/kickoff:t99,Housing\n", encoding="utf-8")
    quotes = tmp_path / "quotes.csv"
    quotes.write_text("document,quote,code\nThe rent keeps rising,rent,Housing\n"
                      "north/kickof,rent,Housing\n", encoding="utf-8")
    plain = ingested_evidence(tmp_path / "plain")       # never scanned
    result = run(segments, plain, "--coder", "x")
    fails(result, "segments.csv:2: unknown seg_id\n",
          "segments.csv:3: unknown seg_id 'north/kickoff:t99'\n")
    assert "rent" not in result.output.replace(str(tmp_path), "")
    result = run(quotes, plain, "--coder", "x")
    fails(result, "quotes.csv:2: unknown document (documents: north/closing",
          "quotes.csv:3: unknown document 'north/kickof' (documents: north/closing")
    assert "rent" not in result.output.replace(str(tmp_path), "")
    copy = scanned_copy(study, tmp_path, "rent")
    result = run(segments, copy, "--coder", "x")
    fails(result, "segments.csv:2: unknown seg_id ('The [PLACE OR TERM] keeps rising')\n")
    fails(run(quotes, copy, "--coder", "x"),
          "quotes.csv:2: unknown document ('The [PLACE OR TERM] keeps rising') (documents")
    assert "rent" not in result.output.replace(str(tmp_path), "")
    # a cell with the form of a name is shown as written but for what the scan found in
    # it (a speaker's name typed in the document column showed whole)
    named = tmp_path / "named.csv"
    named.write_text("document,quote,code\nrent,rent,Housing\n", encoding="utf-8")
    fails(run(named, copy, "--coder", "x"),
          "named.csv:2: unknown document '[PLACE OR TERM]' (documents")
    named.write_text("seg_id,code\nrent:t2,Housing\n", encoding="utf-8")
    fails(run(named, copy, "--coder", "x"),
          "named.csv:2: unknown seg_id '[PLACE OR TERM]:t2'")


def test_an_unmapped_code_cell_of_a_sentence_is_shown_as_transcript_text_is(study,
                                                                          tmp_path):
    # a quote shifted into the code column was shown whole and unmasked after "unmapped
    # code"; a cell that reads as a code name is shown as written, as --map needs it
    sheet = tmp_path / "segments.csv"
    sheet.write_text("seg_id,code\nnorth/kickoff:t2,The rent keeps rising and families "
                     "get evicted.\nnorth/kickoff:t2,Risk: rent & wages\n", encoding="utf-8")
    plain = ingested_evidence(tmp_path / "plain")       # never scanned
    result = run(sheet, plain, "--coder", "x")
    fails(result, "segments.csv:2: unmapped code (1 coding, first here)",
          "segments.csv:3: unmapped code 'Risk: rent & wages' (1 coding, first here)")
    assert "keeps" not in result.output.replace(str(tmp_path), "")
    copy = scanned_copy(study, tmp_path, "rent")
    result = run(sheet, copy, "--coder", "x")
    fails(result, "segments.csv:2: unmapped code ('The [PLACE OR TERM] keeps rising and "
                  "fa…') (1 coding",
          "segments.csv:3: unmapped code 'Risk: [PLACE OR TERM] & wages' (1 coding")


def test_a_cell_of_no_known_document_shows_nothing_where_a_document_is_withheld(
        study, tmp_path):
    # its words may be those of the document withheld whole, which no message shows
    copy = scanned_copy(study, tmp_path, "rent")
    decisions = pd.read_csv(copy / "out" / "privacy.csv", dtype=str, keep_default_na=False)
    decisions.loc[decisions.index[0], "decision"] = "redact-document"
    decisions.to_csv(copy / "privacy-decisions.csv", index=False)
    assert CliRunner().invoke(cli, ["privacy", "scan", str(copy), "-q"]).exit_code == 0
    segments = tmp_path / "segments.csv"
    segments.write_text("seg_id,code\nWe keep going,Housing\n", encoding="utf-8")
    result = run(segments, copy, "--coder", "x")
    fails(result, "segments.csv:2: unknown seg_id\n")
    assert "keep going" not in result.output.replace(str(tmp_path), "")


def test_inline_markup_text_differs(study, tmp_path):
    fails(run(FIXTURES / "kickoff_changed.md", study, "--coder", "x", "--document",
              "north/kickoff"),
          "kickoff_changed.md:3: the text differs from document north/kickoff at line 3, "
          "column 48\n")
    closing = tmp_path / "closing.md"
    closing.write_text("x", encoding="utf-8")
    fails(run(closing, study, "--coder", "x"), "fits several documents (north/closing, "
                                               "south/closing); say which with --document")


# ----------------------------------------------------------------------------- REFI-QDA

def guid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


CODES = f"""<CodeBook><Codes>
    <Code guid="{guid('risks')}" name="Risks" isCodable="false">
      <Code guid="{guid('housing')}" name="Housing" isCodable="true"/>
      <Code guid="{guid('money')}" name="Money" isCodable="true"/>
    </Code>
    <Code guid="{guid('together')}" name="Togetherness" isCodable="true">
      <Description>dialogcode id: connection</Description>
    </Code>
  </Codes></CodeBook>"""


def selection(start: int, end: int, *codes: str) -> str:
    codings = "".join(f'<Coding guid="{guid(f"c{start}{c}")}"><CodeRef targetGUID='
                      f'"{guid(c)}"/></Coding>' for c in codes)
    return (f'<PlainTextSelection guid="{guid(f"s{start}-{end}")}" startPosition="{start}" '
            f'endPosition="{end}">{codings}</PlainTextSelection>')


def write_qdpx(path: Path, sources: str, members: dict[str, str | bytes]) -> str:
    """A .qdpx with ``project.qde`` (codebook CODES, then ``sources``) and ``members``;
    returns the project XML."""
    project = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="{NS}" '
               f'name="Pilot" origin="tests">\n  {CODES}\n  <Sources>\n{sources}\n  '
               "</Sources>\n</Project>\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive_file:
        archive_file.writestr("project.qde", project)
        for name, data in members.items():
            archive_file.writestr(zipfile.ZipInfo(name), data)
    return project


def line_of(xml: str, text: str) -> int:
    return xml[:xml.index(text)].count("\n") + 1


def good_project(tmp_path: Path, loaded) -> tuple[Path, str]:
    texts = dict(zip(loaded[0].documents["doc_id"], loaded[0].documents["text"]))
    kickoff = texts["north/kickoff"].replace("\n", "\r\n")    # as a Windows tool stores it
    sources = (
        # matched by text; offsets count the CRs: "rent" 48-52 is 50-54, "evicted" 85-92
        f'    <TextSource guid="{guid("k")}" name="Kick-off interview" '
        f'plainTextPath="internal://{guid("k")}.txt">'
        f'{selection(50, 54, "housing")}{selection(85, 92, "housing", "together")}'
        "</TextSource>\n"
        # matched by name, text inline
        f'    <TextSource guid="{guid("v")}" name="south/visit.txt"><PlainTextContent>'
        f'{texts["south/visit"]}</PlainTextContent>{selection(36, 53, "money")}'
        "</TextSource>\n"
        # no codings: not matched to anything, and not needed
        f'    <TextSource guid="{guid("n")}" name="memo"><PlainTextContent>A memo'
        "</PlainTextContent></TextSource>")
    path = tmp_path / "pilot.qdpx"
    xml = write_qdpx(path, sources, {f"sources/{guid('k')}.txt": kickoff.encode("utf-8")})
    return path, xml


def test_qdpx_project(loaded, tmp_path):
    path, xml = good_project(tmp_path, loaded)
    result = imported(path, loaded)
    assert result.format == "qdpx" and not result.ignored
    assert rows(result) == [("north/kickoff:t2", "risk.housing", 48, 52),
                            ("north/kickoff:t2", "risk.housing", 83, 90),
                            ("north/kickoff:t2", "connection", 83, 90),
                            ("south/visit:t2", "risk.money", 36, 53)]
    check_quotes(result, loaded)


def test_qdpx_codings_of_nobody_are_listed_when_a_user_is_chosen(loaded, tmp_path):
    # a tool that records no creatingUser: --user cannot choose these, so they are left
    # out, and said so rather than dropped without a word
    text = dict(zip(loaded[0].documents["doc_id"], loaded[0].documents["text"]))
    ana = selection(36, 53, "money").replace("<PlainTextSelection ",
                                              f'<PlainTextSelection creatingUser="{guid("ana")}" ')
    source = (f'<TextSource guid="{guid("v")}" name="south/visit"><PlainTextContent>'
              f'{text["south/visit"]}</PlainTextContent>{ana}{selection(71, 113, "together")}'
              "</TextSource>")
    path = tmp_path / "users.qdpx"
    project = write_qdpx(path, source, {}).replace(
        "<CodeBook>", f'<Users><User guid="{guid("ana")}" name="ana"/></Users><CodeBook>')
    with zipfile.ZipFile(path, "w") as archive_file:
        archive_file.writestr("project.qde", project)
    result = imported(path, loaded, user="ana")
    assert rows(result) == [("south/visit:t2", "risk.money", 36, 53)]
    assert [p.message for p in result.ignored] == [
        "TextSource 'south/visit': a coding without a creatingUser; not imported with --user"]


def test_qdpx_codings_of_several_users_are_not_credited_to_one_coder(study, loaded,
                                                                      tmp_path):
    # two people's codings imported without --user made one coder file, which agree,
    # learn and evaluate then took for one person's coding
    text = dict(zip(loaded[0].documents["doc_id"], loaded[0].documents["text"]))
    ana = selection(36, 53, "money").replace(
        "<PlainTextSelection ", f'<PlainTextSelection creatingUser="{guid("ana")}" ')
    bo = selection(71, 113, "together").replace(
        "<PlainTextSelection ", f'<PlainTextSelection creatingUser="{guid("bo")}" ')
    source = (f'<TextSource guid="{guid("v")}" name="south/visit"><PlainTextContent>'
              f'{text["south/visit"]}</PlainTextContent>{ana}{bo}</TextSource>')
    path = tmp_path / "team.qdpx"
    project = write_qdpx(path, source, {}).replace(
        "<CodeBook>", f'<Users><User guid="{guid("ana")}" name="ana"/><User guid='
                      f'"{guid("bo")}" name="bo"/></Users><CodeBook>')
    with zipfile.ZipFile(path, "w") as archive_file:
        archive_file.writestr("project.qde", project)
    fails(run(path, study, "--coder", "team"),
          "team.qdpx!project.qde: the codings were made by 2 users (ana 1, bo 1), and a "
          "coder file holds one person's coding: import each with --user NAME as a coder "
          "of its own (or name several --user to import them together as one coder)")
    assert rows(imported(path, loaded, user="bo")) == [("south/visit:t3", "connection", 71, 113)]
    assert len(imported(path, loaded, user=["ana", "bo"]).codings) == 2


@pytest.mark.skipif(not PROJECT_XSD.is_file(), reason="REFI-QDA schemas absent")
def test_qdpx_fixture_is_valid_refi_qda(loaded, tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    _, xml = good_project(tmp_path, loaded)
    xmlschema.XMLSchema(str(PROJECT_XSD)).validate(xml)


def test_qdpx_source_with_the_name_but_not_the_text(study, tmp_path):
    sources = (f'    <TextSource guid="{guid("c")}" name="north/closing"><PlainTextContent>'
               "Facilitator: What changed?\n\nP1: Nothing.\n</PlainTextContent>"
               f'{selection(0, 5, "housing")}</TextSource>\n'
               f'    <TextSource guid="{guid("u")}" name="elsewhere"><PlainTextContent>'
               f'Unknown text</PlainTextContent>{selection(0, 7, "money")}</TextSource>')
    path = tmp_path / "changed.qdpx"
    xml = write_qdpx(path, sources, {})
    closing, elsewhere = line_of(xml, 'name="north/closing"'), line_of(xml, 'name="elsewhere"')
    fails(run(path, study, "--coder", "x"),
          f"changed.qdpx!project.qde:{closing}: TextSource 'north/closing': refused: named "
          "like document north/closing but its text differs",
          f"changed.qdpx!project.qde:{elsewhere}: TextSource 'elsewhere': matches no document")


@pytest.mark.parametrize("member, reason", [
    ("../evil.txt", "a '..' component"),
    ("/etc/evil.txt", "an absolute path"),
    ("C:/evil.txt", "a drive letter"),
    ("sources/../../evil.txt", "a '..' component"),
])
def test_hostile_qdpx_member_names(study, tmp_path, member, reason):
    path = tmp_path / "hostile.qdpx"
    write_qdpx(path, "", {member: b"owned"})
    fails(run(path, study, "--coder", "x"),
          f"hostile.qdpx: refused member {member!r}: {reason}")
    assert not (tmp_path / "evil.txt").exists()


def test_oversized_qdpx_members_are_refused_before_reading(study, tmp_path, monkeypatch):
    path = tmp_path / "big.qdpx"
    write_qdpx(path, "", {"sources/big.txt": b"x" * 5000})
    limited = shutil.copytree(study, tmp_path / "limited")
    with (limited / "dialogcode.yaml").open("a") as config:
        config.write("limits: {member_mb: 0.004, unpacked_mb: 0.0045}\n")
    read = []
    monkeypatch.setattr(archive.SafeArchive, "read", lambda self, name: read.append(name))
    fails(run(path, limited, "--coder", "x"), "2 problems",
          "big.qdpx: refused member 'sources/big.txt': 5000 bytes unpacked (limit member_mb: "
          "0.004; see docs/limits.md to raise it)",
          "big.qdpx: refused: ")
    assert read == []


def test_qdpx_xml_with_entities_is_refused(study, tmp_path):
    path = tmp_path / "entity.qdpx"
    with zipfile.ZipFile(path, "w") as archive_file:
        archive_file.writestr("p.qde", '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "b">]>'
                                       f'<Project xmlns="{NS}" name="x">&a;</Project>')
    fails(run(path, study, "--coder", "x"), "entity.qdpx!p.qde:1: refused: the XML declares")


def test_coder_name_is_a_file_name(study):
    fails(run(FIXTURES / "offsets.csv", study, "--coder", "../escape"),
          "Error: coder name '../escape': use letters, digits, '_' and '-', starting with a "
          "letter or digit, at most 64 characters (and not 'rules')", code=2)
    fails(run(FIXTURES / "offsets.csv", study, "--coder", "rules"), "coder name 'rules'",
          code=2)
    fails(run(FIXTURES / "offsets.csv", study, "--coder", "ana\n"), "coder name 'ana\\n'",
          code=2)
    assert not list(study.glob("codings/ana*"))


def test_a_workbook_with_formulas_but_no_saved_values_is_refused(loaded, tmp_path):
    # a workbook a program wrote keeps no value for its formulas: the code cell would
    # read as empty, "read, nothing applies", and the coding vanish
    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    for line in (["document", "quote", "code", "id"],
                 ["north/kickoff", "evicted", "=D2", "risk.housing"]):
        book.active.append(line)
    book.save(path)
    with pytest.raises(CodingsError, match=r"formula cells without a saved value \(C2\)"):
        imported(path, loaded)


def test_a_segment_tables_text_column_must_be_its_segments_text(loaded, tmp_path):
    # seg_ids (and turn numbers) follow the turns' positions: a sheet made before a turn
    # was added to the transcript would put each coding on the turn before its own
    path = tmp_path / "sheet.csv"
    path.write_text("seg_id,text,code\n"
                    "north/kickoff:t2,the RENT keeps rising - and families get evicted,"
                    "risk.housing\n"
                    "north/kickoff:t3,\"Wages are low, so rent is [NAME]\",risk.money\n"
                    "south/visit:t3,Debt is the worry.,connection\n"
                    "south/visit:t2,,risk.money\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    # its words are in the document (t2's first sentence): not necessarily an edit
    assert (f"{path}:4: the text in this row is not the text of south/visit:t3: its words "
            "are in the document, cut into other segments now: seg_ids and turn numbers "
            "follow the segments' positions") in message
    assert all(f"{path}:{line}" not in message for line in (2, 3, 5))
    path.write_text("document,turn,text,code\nnorth/kickoff,3,Mm-hm.,risk.money\n",
                    encoding="utf-8")
    with pytest.raises(CodingsError, match="not the text of turn 3 of north/kickoff"):
        imported(path, loaded)


def test_segment_rows_without_their_text_are_noted_as_unconfirmed(study, tmp_path):
    # rows naming a seg_id alone were stamped with today's sha256 without a word, though
    # nothing shows the coder read the turn that seg_id names now
    path = tmp_path / "sheet.csv"
    path.write_text("seg_id,text,code\nnorth/kickoff:t2,,risk.housing\n"
                    "north/kickoff:t3,\"Wages are low, so rent is late.\",risk.money\n",
                    encoding="utf-8")
    result = run(path, study, "--coder", "blind")
    assert result.exit_code == 0, result.output
    assert ("Note: 1 row(s) name a segment without its text, so nothing shows which turn "
            "the coder read") in result.output
    # its seg_id alone is stamped with the turn as cut now, which a cut since (not only
    # an edit) may have moved
    assert "or cut into turns otherwise (a newer dialogcode, `speakers:`), add a text " \
        "column" in " ".join(result.output.split())
    path.write_text("seg_id,text,code\n"
                    "north/kickoff:t3,\"Wages are low, so rent is late.\",risk.money\n",
                    encoding="utf-8")
    result = run(path, study, "--coder", "seen")
    assert result.exit_code == 0 and "Note" not in result.output, result.output


def test_a_segment_tables_text_masked_by_blocks_is_its_segments_text(loaded, tmp_path):
    # a coding sheet made from the database's segments, where the privacy gate writes a
    # block for each character of a name ("Neighbours" in north/closing:t2)
    text = loaded[0].segments.set_index("seg_id")["text"]["north/closing:t2"]
    assert "Neighbours" in text
    masked = text.replace("Neighbours", "\u2588" * len("Neighbours"))
    path = tmp_path / "sheet.csv"
    pd.DataFrame({"seg_id": ["north/closing:t2", "north/closing:t3"],
                  "text": [masked, masked], "code": ["connection", "connection"]}
                 ).to_csv(path, index=False)
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert f"{path}:3: the text in this row is not the text of north/closing:t3" \
        in str(error.value)
    assert f"{path}:2" not in str(error.value)


def test_a_text_cell_with_many_labels_is_checked_at_once(loaded, tmp_path):
    # a turn listing names, masked, in a sheet whose turns moved: checked by trying every
    # way to place the labels, the import would never end
    path = tmp_path / "sheet.csv"
    names = ", ".join(["[NAME]"] * 12)
    path.write_text(f'seg_id,text,code\nnorth/closing:t3,"We {names} and more",'
                    "connection\n", encoding="utf-8")
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the text check did not end"))
    signal.alarm(60)
    try:
        with pytest.raises(CodingsError, match="not the text of north/closing:t3"):
            imported(path, loaded)
    finally:
        signal.alarm(0)


def test_a_segment_tables_text_may_hold_the_speaker_label(loaded, tmp_path):
    # a coding sheet pasted from the transcript: "P1: The rent ..." is t2's text
    path = tmp_path / "sheet.csv"
    path.write_text("seg_id,text,code\n"
                    "north/kickoff:t2,P1: The rent keeps rising and families get evicted.,"
                    "risk.housing\n"
                    "north/kickoff:t3,P1: The rent keeps rising and families get evicted.,"
                    "risk.money\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert f"{path}:3: the text in this row is not the text of north/kickoff:t3" \
        in str(error.value)
    assert f"{path}:2" not in str(error.value)


def test_the_label_allowed_before_a_segment_is_not_the_pieces_of_its_turn(tmp_path):
    # a long turn is cut in pieces on one line: the text before the last piece on its
    # line is the other pieces' text, not a label, so the whole turn is not its text
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    turn = " ".join(f"Sentence {i} says the rent went up again." for i in range(60))
    (root / "transcripts" / "south" / "closing.txt").write_text(
        f"P1: Hello.\n\nP2: {turn}\n\nP1: Bye.\n", encoding="utf-8")
    with (root / "dialogcode.yaml").open("a", encoding="utf-8") as config:
        config.write("\nmax_segment_chars: 1000\n")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    pieces = loaded[0].segments.query("doc_id == 'south/closing'")["seg_id"].tolist()
    assert len(pieces) == 5     # Hello, three pieces of the long turn, Bye
    first = Documents(loaded[0]).segment_text(pieces[1])
    path = tmp_path / "sheet.csv"
    path.write_text(f'seg_id,text,code\n{pieces[1]},"P2: {first}",risk.housing\n'
                    f'{pieces[3]},"P2: {turn}",risk.housing\n', encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert f"{path}:3: the text in this row is not the text of {pieces[3]}" \
        in str(error.value)
    assert f"{path}:2" not in str(error.value)


def test_a_segment_tables_document_must_agree_with_its_seg_id(loaded, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("document,seg_id,code\nsouth/visit,north/kickoff:t3,risk.money\n"
                    "north/kickoff.txt,north/kickoff:t2,risk.housing\n"
                    "nowhere,north/kickoff:t2,risk.money\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    assert (f"{path}:2: seg_id north/kickoff:t3 is in document north/kickoff, but the row "
            "names document 'south/visit'") in message
    assert f"{path}:4: unknown document 'nowhere'" in message
    assert f"{path}:3" not in message


def test_a_table_with_both_code_and_code_id_columns_is_refused(loaded, tmp_path):
    # which of the two holds the coding? reading one would drop the other's codes
    path = tmp_path / "sheet.csv"
    path.write_text("seg_id,code,code_id\nnorth/kickoff:t2,Housing,risk.money\n",
                    encoding="utf-8")
    with pytest.raises(CodingsError, match="columns code and code_id both hold codes: "
                                           "keep one"):
        imported(path, loaded)


def test_two_spans_over_the_same_turns_code_each_turn_once(loaded, tmp_path):
    # north/kickoff: t2 44-91, t3 97-128, t4 134-139 (as above)
    path = tmp_path / "offsets.csv"
    path.write_text("document,start,end,code\n"
                    "north/kickoff,60,139,risk.housing\n"    # t2, t3, t4
                    "north/kickoff,100,139,risk.housing\n"   # t3 and t4 again
                    "north/kickoff,99,120,risk.money\n"      # in t3 alone
                    "north/kickoff,80,139,risk.money\n",     # t2, and t3 and t4 again
                    encoding="utf-8")
    assert rows(imported(path, loaded)) == [
        ("north/kickoff:t2", "risk.housing", 60, 91),
        ("north/kickoff:t3", "risk.housing", 97, 128),
        ("north/kickoff:t4", "risk.housing", 134, 139),
        ("north/kickoff:t3", "risk.money", 99, 120),
        ("north/kickoff:t2", "risk.money", 80, 91),
        ("north/kickoff:t4", "risk.money", 134, 139)]


def test_an_apostrophe_inside_a_word_is_no_word_edge_and_its_form_does_not_matter():
    # "don" was found at word edges in "don't" (the apostrophe read as an edge), so the
    # coder's "don" went to P1's contraction, not to P2's "Don"
    text = "P1: I don't know.\n\nP2: Don said so.\n"
    assert locate("don", text).spans == [(text.index("Don"), text.index("Don") + 3)]
    text = "P1: Maria's house is big.\n\nP2: Maria said so.\n"
    assert locate("Maria", text).spans == [(text.index("Maria said"), text.index(" said"))]
    # a curly apostrophe is a straight one: the quote was found only in the turn
    # written as the coder typed it, though both turns say the same words
    text = "P1: I don't know.\n\nP2: I don’t know.\n"
    for quote in ("I don't know", "I don’t know"):
        assert len(locate(quote, text).spans) == 2
    text = "P1: I don’t know.\n\nP2: Rent is high.\n"
    assert locate("I don't know", text).spans == [(4, 16)]
    # a piece of a word found nowhere at word edges is still found, as "evict"
    assert locate("on", "P1: I don't know.\n").spans == [(7, 9)]


@pytest.fixture(scope="module")
def repeated(tmp_path_factory):
    """A study whose kickoff has "Yes." said by P1 and P2 and "Rent is high." said twice
    by P1 (lines 3, 5, 7 and 9), then a turn of P2's over lines 11 and 12."""
    root = tmp_path_factory.mktemp("repeated") / "study"
    shutil.copytree(DATA / "evidence-study", root)
    text = ("Facilitator: Is rent a worry?\n\nP1: Yes.\n\nP2: Yes.\n\nP1: Rent is high.\n\n"
            "P1: Rent is high.\n\nP2: Rent is low.\nWe pay late.\n")
    (root / "transcripts" / "north" / "kickoff.txt").write_text(text, encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    return text, corpus_and_codebook(root)


def test_a_quote_of_a_whole_turn_said_twice_is_placed_by_the_rows_speaker_or_line(
        repeated, tmp_path):
    # "Yes." is two whole turns: quoting more is no help, and the row's speaker and line
    # columns were not read; the message said only "found 2 times"
    text, loaded = repeated
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code,speaker,line\n"
                     "north/kickoff,Yes.,risk.housing,P2,\n"
                     "north/kickoff,Rent is high.,risk.money,,9\n"
                     "north/kickoff,Yes.,risk.money,p1:,3\n"
                     # in a plain-text transcript, the line the words are on will do
                     "north/kickoff,We pay late.,risk.money,,12\n", encoding="utf-8")
    result = imported(sheet, loaded)
    late = text.index("We pay")
    second = text.index("Yes.", text.index("P2"))
    last = text.rindex("Rent is high")
    assert rows(result) == [
        ("north/kickoff:t3", "risk.housing", second, second + 4),
        ("north/kickoff:t5", "risk.money", last, last + 13),
        ("north/kickoff:t2", "risk.money", text.index("Yes."), text.index("Yes.") + 4),
        ("north/kickoff:t6", "risk.money", late, late + 12)]


def test_an_ambiguous_quote_says_which_turns_it_is_in_and_what_to_write(repeated, tmp_path):
    text, loaded = repeated
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code\nnorth/kickoff,Yes.,risk.housing\n"
                     "north/kickoff,Rent is high.,risk.money\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(sheet, loaded)
    yes, rent = (problem.message for problem in error.value.problems)
    first, second = text.index("Yes."), text.index("Yes.", text.index("P2"))
    assert (f"found 2 times (exact match): north/kickoff:t2 (line 3) at {first}-"
            f"{first + 4}, north/kickoff:t3 (line 5) at {second}-{second + 4}") in yes
    assert "a speaker column" in yes and "a line column" in yes and "start,end" in yes
    # both said by P1: the speaker cannot tell them apart, the line can
    assert "a speaker column" not in rent and "a line column (7 or 9)" in rent


def test_a_rows_speaker_or_line_that_fits_no_place_of_its_quote_is_refused(
        repeated, tmp_path):
    # the speaker column was not read: a quote found only in P1's turn went there, though
    # the row says P2 said it
    text, loaded = repeated
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code,speaker,line\n"
                     "north/kickoff,Is rent a worry,risk.housing,P2,\n"
                     "north/kickoff,Yes.,risk.money,P2,3\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(sheet, loaded)
    assert [(problem.line, problem.message.split(" does")[0].split(":")[0]) for problem in
            error.value.problems] == [(2, "the row's speaker"), (3, "AMBIGUOUS")]
    assert "north/kickoff:t1 (line 1)" in error.value.problems[0].message
    # (the speaker shown only with the study's privacy scan, as its outputs show it)
    assert ("none of them fitting the row's speaker and line '3' (correct or empty "
            "it)") in error.value.problems[1].message


def test_a_row_of_an_offsets_table_may_leave_start_and_end_to_its_quote(repeated, tmp_path):
    # every row of a table with start and end columns needed offsets: a coder told to
    # give one ambiguous quote's start and end had to find every other row's too
    text, loaded = repeated
    second = text.index("Yes.", text.index("P2"))
    sheet = tmp_path / "quotes.csv"
    sheet.write_text(f"document,start,end,quote,code\nnorth/kickoff,{second},{second + 4},"
                     "Yes.,risk.housing\nnorth/kickoff,,,Is rent a worry,risk.money\n",
                     encoding="utf-8")
    assert rows(imported(sheet, loaded)) == [
        ("north/kickoff:t3", "risk.housing", second, second + 4),
        ("north/kickoff:t1", "risk.money", 13, 28)]


def test_a_rows_speaker_shows_in_a_message_only_masked_as_the_outputs_mask_it(study,
                                                                            tmp_path):
    # the row's speaker cell went into the message as typed: "speaker 'Ben Ortiz'" on
    # the terminal of a study whose outputs show that speaker as [NAME]
    copy = tmp_path / "study"
    shutil.copytree(study, copy)
    (copy / "transcripts" / "north" / "kickoff.txt").write_text(
        "Facilitator: Is rent a worry?\n\nMaria Lopez: Yes.\n\nBen Ortiz: Yes.\n\n"
        "Maria Lopez: Rent is high.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(copy), "-q"]).exit_code == 0
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code,speaker,line\n"
                     "north/kickoff,Yes.,risk.housing,Maria Lopez,5\n"
                     "north/kickoff,Rent is high.,risk.money,Ben Ortiz,7\n",
                     encoding="utf-8")
    args = (sheet, copy, "--coder", "x")
    # no scan yet: where, never what
    result = run(*args)
    fails(result, "quotes.csv:2: AMBIGUOUS", "none of them fitting the row's speaker "
          "and line '5' (correct", "quotes.csv:3: the row's speaker and line '7' do not fit")
    for name in ("Lopez", "Ben", "Ortiz", "Maria"):
        assert name not in result.output.replace(str(copy), ""), name
    assert CliRunner().invoke(cli, ["privacy", "scan", str(copy), "-q"]).exit_code == 0
    result = run(*args)
    fails(result, "the row's speaker '[NAME]' and line '5' (correct",
          "quotes.csv:3: the row's speaker '[NAME]' and line '7' do not fit where")
    for name in ("Lopez", "Ben", "Ortiz", "Maria"):
        assert name not in result.output.replace(str(copy), ""), name


def test_a_word_after_an_elided_one_is_a_word_of_its_own():
    # "l'homme" is two words, "l'" and "homme": the quote "homme dit non" went to the
    # one place without the article, though it is said in both turns
    text = "P1: L'homme dit non.\n\nP2: Un homme dit non.\n"
    assert len(locate("homme dit non", text).spans) == 2
    text = "P1: C’est vrai.\n\nP2: Il est vrai.\n"
    assert len(locate("est vrai", text).spans) == 2
    # a word before the apostrophe is still not whole: "don" is not found in "don't"
    text = "P1: I don't know.\n\nP2: Don said so.\n"
    assert locate("don", text).spans == [(text.index("Don"), text.index("Don") + 3)]


def test_a_line_cell_that_is_no_number_is_refused_as_such(repeated, tmp_path):
    # "line 'three'" was read as a line that fits no place: the row was listed as
    # ambiguous, or as not fitting where its quote is, not as a cell to correct
    text, loaded = repeated
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code,line\nnorth/kickoff,Yes.,risk.housing,three\n"
                     "north/kickoff,We pay late.,risk.money,11-12\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(sheet, loaded)
    assert [(problem.line, problem.message) for problem in error.value.problems] == [
        (line, "the line cell holds no whole number: give the line of the transcript "
               "the quote's turn starts on, or leave it empty") for line in (2, 3)]


def test_an_offsets_tables_rows_placed_by_their_quotes_are_counted_as_located(repeated,
                                                                               tmp_path):
    # the summary's "Quotes located: ..." was left out for an offsets table, though its
    # rows without start and end were placed by their quotes (one fuzzily)
    text, loaded = repeated
    sheet = tmp_path / "offsets.csv"
    sheet.write_text("document,start,end,quote,code\nnorth/kickoff,13,28,,risk.housing\n"
                     "north/kickoff,,,Is rent a worry,risk.money\n"
                     "north/kickoff,,,We pay lte,risk.money\n", encoding="utf-8")
    result = imported(sheet, loaded)
    assert result.located == {"exact": 1, "tolerant": 0, "fuzzy": 1}
    assert len(result.fuzzy) == 1


@pytest.mark.parametrize("before, after", [
    ("P1: hi\vthere\nfoo\n", "\nP2: Rent is high.\n"),
    # the only separator in the last turn, after the last turn's start: the guard that
    # compared each turn's line as read with its line as written saw none
    ("Facilitator: Hello.\n\nP1: hi\u2028there\nfoo\n", "")])
def test_a_quotes_own_line_is_counted_as_an_editor_shows_it(tmp_path, before, after):
    # a vertical tab or line separator is read as a line break but no editor shows
    # one: the row naming line 4 (the second "Yes.") was coded on the first, on line 3,
    # counted as line 4 in the text as read
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    text = before + "Yes.\nYes.\n" + after
    path = root / "transcripts" / "north" / "kickoff.txt"
    path.write_text(text, encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = corpus_and_codebook(root)
    document = loaded[0].text("north/kickoff")
    second = document.rindex("Yes.")
    line = text.count("\n", 0, text.rindex("Yes.")) + 1
    sheet = tmp_path / "quotes.csv"
    sheet.write_text(f"document,quote,code,line\nnorth/kickoff,Yes.,risk.housing,{line}\n",
                     encoding="utf-8")
    assert [(start, end) for *_, start, end in rows(imported(sheet, loaded))] == [
        (second, second + 4)]
    # the transcript changed since ingest: its lines are not counted, and it says so
    path.write_text(text.replace("hi", "hello"), encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(sheet, loaded)
    assert "AMBIGUOUS" in error.value.problems[0].message
    assert ("compared with the line each turn starts on only, not the line the quote is "
            f"on: {path} has changed since `dialogcode ingest`") in \
        error.value.problems[0].message


@pytest.mark.parametrize("change, why", [
    # a cue file saved as .txt: its text is rebuilt from the cues, so the file's lines
    # are not its lines, though nothing changed
    (None, "its text is rebuilt from "),
    # another file listed in the manifest was removed: this one did not change
    ("manifest", "has problems now (run `dialogcode ingest` to see them)"),
    # the manifest gives the file an encoding it was not read in at ingest
    # (the reason is not told: it quotes a word of the talk, here a name, unmasked)
    ("encoding", "no longer reads as cp1252 text (run `dialogcode ingest` to see why)"),
    ("gone", "cannot be read")])
def test_a_quotes_own_line_not_counted_says_truly_why(tmp_path, change, why):
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    path = root / "transcripts" / "north" / "kickoff.txt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nP1: Yes. José.\n\n"
                    "2\n00:00:03,000 --> 00:00:04,000\nP2: Yes.\n", encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = corpus_and_codebook(root)
    manifest = root / "manifest.csv"
    if change == "manifest":
        (root / "transcripts" / "south" / "closing.txt").unlink()
    elif change == "encoding":
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "file,", "encoding,file,").replace("\nnorth/kickoff", "\ncp1252,north/kickoff")
            .replace("\nnorth/closing", "\n,north/closing").replace("\nsouth", "\n,south"),
            encoding="utf-8")
    elif change == "gone":
        path.unlink()
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code,line\nnorth/kickoff,Yes.,risk.housing,7\n",
                     encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(sheet, loaded)
    message = error.value.problems[0].message
    assert "AMBIGUOUS" in message and why in message
    assert change == "gone" or "gone or changed" not in message
    assert "José" not in message


def test_a_rows_speaker_is_read_as_the_transcripts_label_is(tmp_path):
    # a speaker typed with its accent decomposed (as macOS writes a file name) or with
    # two spaces was refused as another speaker, shown the same in the message
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "north" / "kickoff.txt").write_text(
        "Facilitator: Is rent a worry?\n\nJosé Ruiz: Yes.\n\nP2: Yes.\n", encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    sheet = tmp_path / "quotes.csv"
    sheet.write_text("document,quote,code,speaker\nnorth/kickoff,Yes.,risk.housing,"
                     "Jose\u0301  Ruiz\n", encoding="utf-8")
    result = imported(sheet, corpus_and_codebook(root))
    assert [seg for seg, *_ in rows(result)] == ["north/kickoff:t2"]
