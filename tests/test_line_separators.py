"""Line breaks written otherwise than LF (a line or paragraph separator, a vertical tab,
a form feed, a Word page break) read as line breaks in transcripts, as text in table and
JSON values, with quotes and offsets exact."""
import docx
import pandas as pd
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_BREAK

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.ingest import load_corpus

from conftest import make_study
from test_line_breaks import code, coded


# line breaks written otherwise: a paragraph separator (U+2029), a line separator
# (U+2028), a vertical tab (Word's manual line break in a .txt export), a form feed (a
# page break) alone or beside a line break, as the separators may be
BREAKS = ["\u2029", "\u2028", "\x0b", "\f", "\n\f", "\f\n", "\u2029\n", "\n\u2028"]
COUSIN_BOOK = """codebook: c
title: C
codes:
  - id: support.family
    label: Family support
    patterns:
      terms: [my cousin]
  - id: housing.car
    label: Living in a car
    patterns:
      terms: [in the car]
"""


def turns_split_by(tmp_path, gap):
    root = make_study(tmp_path / "s", {"talk.txt": (
        f"Synthetic fixture.\n\nP1: We lost the apartment in May.{gap}P2: Then my cousin "
        f"took us in.{gap}P1: Before that we slept{gap}in the car.\n")}, None)
    (tmp_path / "breaks.yaml").write_text(COUSIN_BOOK, encoding="utf-8")
    return root


@pytest.mark.parametrize("gap", BREAKS)
def test_a_label_after_another_line_break_opens_a_turn_of_its_speaker(tmp_path, gap):
    # a label after the break was read as text of the turn before: P2's words credited
    # to P1; every break reads as one line break, so a phrase runs across it
    root = turns_split_by(tmp_path, gap)
    codings = code(root)
    segments = pd.read_parquet(root / "out" / "segments.parquet").dropna(subset="speaker")
    assert list(zip(segments["speaker"], segments["text"])) == [
        ("P1", "We lost the apartment in May."), ("P2", "Then my cousin took us in."),
        ("P1", "Before that we slept\nin the car.")]
    text = load_corpus(Study.open(root)).text("talk")
    assert coded(codings) == [("talk:t3", "support.family", "my cousin"),
                              ("talk:t4", "housing.car", "in the car")]
    for row in codings.itertuples():
        assert text[row.start:row.end] == row.quote
    for row in segments.itertuples():
        assert text[row.start:row.end] == row.text


@pytest.mark.parametrize("gap", ["\u2029", "\x0b", "\f"])
def test_sentences_after_another_line_break_are_cut_at_their_own_offsets(tmp_path, gap):
    root = turns_split_by(tmp_path, gap)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("unit: sentence\n")
    codings = code(root)
    segments = pd.read_parquet(root / "out" / "segments.parquet").dropna(subset="speaker")
    text = load_corpus(Study.open(root)).text("talk")
    assert segments["speaker"].tolist() == ["P1", "P2", "P1"]
    assert [text[s:e] for s, e in zip(segments["start"], segments["end"])] == \
        segments["text"].tolist()
    assert [(row.quote, text[row.start:row.end]) for row in codings.itertuples()] == [
        ("my cousin", "my cousin"), ("in the car", "in the car")]


@pytest.mark.parametrize("name, content", [
    ("talk.csv", 'speaker,text\nP1,We lost the apartment.\u2028P2: Then my cousin\u2029took us in.'
                 '\x0bOkay.\fYes.\nP2,Right.\n'),
    ("talk.json", '[{"speaker": "P1", "text": "We lost the apartment.\u2028P2: Then my cousin'
                  '\u2029took us in."}, {"speaker": "P2", "text": "Right."}]')])
def test_line_separators_in_a_table_or_json_value_are_text_of_its_turn(tmp_path, name, content):
    root = make_study(tmp_path / "s", {name: content}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root), "-q"])
    assert result.exit_code == 0, result.output
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    assert segments["speaker"].tolist() == ["P1", "P2"]
    assert segments["text"].iat[0].startswith("We lost the apartment. P2: Then my cousin took")


def _coded_docx(tmp_path, document) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The speakers' turns and the codings of a study of ``document`` saved as talk.docx,
    coded with COUSIN_BOOK; every coding's quote checked against its offsets."""
    document.save(tmp_path / "talk.docx")
    root = make_study(tmp_path / "s", {"talk.docx": tmp_path / "talk.docx"}, None)
    (tmp_path / "breaks.yaml").write_text(COUSIN_BOOK, encoding="utf-8")
    codings = code(root)
    segments = pd.read_parquet(root / "out" / "segments.parquet").dropna(subset="speaker")
    text = load_corpus(Study.open(root)).text("talk")
    assert [text[row.start:row.end] for row in codings.itertuples()] == \
        codings["quote"].tolist()
    return segments["text"].tolist(), coded(codings)


@pytest.mark.parametrize("kind", [WD_BREAK.PAGE, WD_BREAK.COLUMN])
def test_a_page_break_inside_a_word_paragraph_parts_its_words(tmp_path, kind):
    # python-docx reads a page or column break as nothing: "slept" and "in" were one
    # word, and the phrase across them not found; at a paragraph's end it adds nothing
    document = docx.Document()
    document.add_paragraph("Synthetic fixture.")
    document.add_paragraph("P1: We lost the apartment in May.").add_run().add_break(kind)
    paragraph = document.add_paragraph("P2: Before that we slept")
    paragraph.add_run().add_break(kind)
    paragraph.add_run("in the car.")
    document.add_paragraph("P1: Then my cousin took us in.")
    turns, codings = _coded_docx(tmp_path, document)
    assert turns == ["We lost the apartment in May.", "Before that we slept\nin the car.",
                     "Then my cousin took us in."]
    assert codings == [("talk:t3", "housing.car", "in the car"),
                       ("talk:t4", "support.family", "my cousin")]


def test_a_page_break_in_a_word_turn_table_cell_is_a_line_break_of_its_turn(tmp_path):
    # in a text cell of two paragraphs the break was stored as a form feed, a control
    # character in the turn's text where a paragraph has a line break
    document = docx.Document()
    document.add_paragraph("Synthetic fixture.")
    table = document.add_table(rows=3, cols=2)
    for row, (speaker, words) in enumerate([("Speaker", "Text"), ("P1", "Before that we slept"),
                                            ("P2", "Then my cousin took us in.")]):
        table.cell(row, 0).text, table.cell(row, 1).text = speaker, words
    cell = table.cell(1, 1)
    cell.paragraphs[0].add_run().add_break(WD_BREAK.PAGE)
    cell.paragraphs[0].add_run("in the car.")
    cell.add_paragraph("Then a shelter.")
    turns, codings = _coded_docx(tmp_path, document)
    assert turns == ["Before that we slept\nin the car.\nThen a shelter.",
                     "Then my cousin took us in."]
    assert codings == [("talk:t2", "housing.car", "in the car"),
                       ("talk:t3", "support.family", "my cousin")]


def test_inline_markup_of_a_transcript_with_a_line_separator_imports_at_its_offsets(tmp_path):
    # the markup copy keeps the separator the transcript was written with; read as
    # ingest reads the transcript, its text is the document's
    root = turns_split_by(tmp_path, "\u2028")
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "codebooks: []", f"codebooks: [{tmp_path / 'breaks.yaml'}]"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    markup = tmp_path / "talk.md"
    markup.write_text((root / "transcripts" / "talk.txt").read_text(encoding="utf-8").replace(
        "my cousin", "**my cousin**<sup>support.family</sup>"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(markup), str(root), "--coder", "x"])
    assert result.exit_code == 0, result.output
    codings = pd.read_csv(root / "codings" / "x.csv")
    text = load_corpus(Study.open(root)).text("talk")
    assert list(zip(codings["seg_id"], codings["quote"])) == [("talk:t3", "my cousin")]
    assert text[codings["start"].item():codings["end"].item()] == "my cousin"


def test_an_offsets_table_quoting_a_line_separator_as_the_transcript_wrote_it_imports(
        tmp_path):
    # a table written from the text as an earlier release stored it, the separator kept:
    # its offsets are still those of the text (the separator is stored as one LF)
    root = turns_split_by(tmp_path, "\u2028")
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "codebooks: []", f"codebooks: [{tmp_path / 'breaks.yaml'}]"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    text = load_corpus(Study.open(root)).text("talk")
    start = text.index("we slept")
    sheet = tmp_path / "offsets.csv"
    sheet.write_text("document,start,end,quote,code\n"
                     f"talk,{start},{start + 19},we slept\u2028in the car,housing.car\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(sheet), str(root), "--coder", "x"])
    assert result.exit_code == 0, result.output
    codings = pd.read_csv(root / "codings" / "x.csv")
    assert list(zip(codings["start"], codings["end"], codings["quote"])) == [
        (start, start + 19, "we slept\nin the car")]


@pytest.mark.parametrize("gap", ["\u2028", "\x0b"])
def test_a_quotes_table_quoting_a_line_separator_is_located_exactly_and_whole(
        tmp_path, gap):
    # the quote as the transcript wrote it was located only tolerantly, and its closing
    # full stop was left out of the coding
    root = turns_split_by(tmp_path, gap)
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "codebooks: []", f"codebooks: [{tmp_path / 'breaks.yaml'}]"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    sheet = tmp_path / "quotes.csv"
    sheet.write_text(f'document,quote,code\ntalk,"we slept{gap}in the car.",housing.car\n',
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(sheet), str(root), "--coder", "x"])
    assert result.exit_code == 0, result.output
    assert "1 exact, 0 tolerant" in result.output
    codings = pd.read_csv(root / "codings" / "x.csv")
    text = load_corpus(Study.open(root)).text("talk")
    assert list(codings["quote"]) == ["we slept\nin the car."]
    assert text[codings["start"].item():codings["end"].item()] == "we slept\nin the car."


@pytest.mark.parametrize("gap", ["\u2029\n", "\n\u2029", "\u2028\n", "\x0b\n"])
def test_a_separator_beside_a_line_end_of_a_caption_is_no_blank_line(tmp_path, gap):
    # read as a line break of its own, a paragraph separator before a cue's line end
    # made a blank line inside the cue, which ended it: "cue has no timing line"
    root = make_study(tmp_path / "s", {"talk.vtt": (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nP1: We lost the apartment."
        f"{gap}We slept in the car.\n\n2\n00:00:05.000 --> 00:00:08.000\n"
        "P2: Then my cousin took us in.\n")}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root), "-q"])
    assert result.exit_code == 0, result.output
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    assert list(zip(segments["speaker"], segments["text"])) == [
        ("P1", "We lost the apartment. We slept in the car."),
        ("P2", "Then my cousin took us in.")]
