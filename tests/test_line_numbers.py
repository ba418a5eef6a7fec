"""Line numbers are those an editor or ``grep -n`` shows: only LF, CRLF and a lone CR end a
line of the file, though a line or paragraph separator, a vertical tab, NEL or a form
feed inside a line parts turns as a line break does."""
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.coders import coder_path, read_coder
from dialogcode.errors import IngestError
from dialogcode.formats import read_document
from dialogcode.ingest import load_corpus

from conftest import ingested_evidence, make_study


def editor_line(raw: str, at: str) -> int:
    """The line an editor shows ``at`` on (its first occurrence in ``raw``)."""
    return len(re.findall(r"\r\n|\r|\n", raw[:raw.index(at)])) + 1


def ingested(tmp_path, name: str, raw: str):
    root = make_study(tmp_path / "s", {name: raw.encode("utf-8")}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root), "-q"])
    return root, result


TALK = ("Focus group, site A\u2028Recorded in May\x0bSynthetic fixture\n\n"
        "P1: We lost the apartment\x85in May.\n"
        "P2: Then my cousin took us in.\u2029P1: Before that we slept in the car.\n"
        "P2: That winter\fwas hard.\n"
        "P1: We moved in March.\n")


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_turns_line_is_the_line_an_editor_shows_it_on(tmp_path, end):
    # each separator before a turn was counted as a line: every later turn's `line`
    # pointed below it in the file (P1's last turn at line 11 of a 6-line file)
    raw = TALK.replace("\n", end)
    root, result = ingested(tmp_path, "talk.txt", raw)
    assert result.exit_code == 0, result.output
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    assert list(zip(segments["speaker"].fillna(""), segments["line"])) == [
        ("", 1), ("P1", 3), ("P2", 4), ("P1", 4), ("P2", 5), ("P1", 6)]
    assert segments["line"].iloc[-1] == editor_line(raw, "P1: We moved")
    # the separators still part turns and lines as before
    assert list(segments["text"].iloc[1:3]) == ["We lost the apartment\nin May.",
                                                 "Then my cousin took us in."]


def test_a_refused_turn_time_names_the_line_an_editor_shows(tmp_path):
    raw = ("Synthetic fixture\u2028Recorded in May\n\n"
           "[00:00:05] P1: We lost the apartment\x0bin May.\u2028It was hard.\n"
           "[00:00:09] P2: Then my cousin took us in.\n"
           "[2:15 PM] P1: Before that we slept in the car.\n")
    _, result = ingested(tmp_path, "talk.txt", raw)
    assert result.exit_code != 0
    assert f"talk.txt:{editor_line(raw, '[2:15 PM]')}: cannot read time '2:15 PM'" \
        in result.output
    assert editor_line(raw, "[2:15 PM]") == 5


CUES = ("WEBVTT\n\n"
        "1\n00:00:01.000 --> 00:00:04.000\nP1: We lost the apartment\u2028in May.\n\n"
        "2\n00:00:05.000 --> 00:00:08.000\nP2: Then my cousin\x0btook us in.\x85Yes.\n\n"
        "3\n00:00:09.000 --> 00:00:12.000\nP1: Before that we slept in the car.\n")


def test_a_caption_turns_line_is_the_line_an_editor_shows_it_on(tmp_path):
    root, result = ingested(tmp_path, "talk.vtt", CUES)
    assert result.exit_code == 0, result.output
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    assert list(zip(segments["speaker"], segments["line"])) == [
        ("P1", 4), ("P2", 8), ("P1", 12)]
    assert segments["line"].iloc[-1] == editor_line(CUES, "00:00:09.000")


def test_a_refused_caption_timing_names_the_line_an_editor_shows(tmp_path):
    raw = CUES + "\n4\n00:00:13.000 --> 00:00:1x.000\nP2: That winter was hard.\n"
    _, result = ingested(tmp_path, "talk.vtt", raw)
    assert result.exit_code != 0
    assert f"talk.vtt:{editor_line(raw, '00:00:13.000')}: broken timestamp" in result.output
    assert editor_line(raw, "00:00:13.000") == 16


def test_an_inline_markup_copys_problems_name_the_lines_an_editor_shows(tmp_path):
    talk = ("Synthetic fixture.\n\nP1: We lost the apartment in May.\u2028P2: Then my "
            "cousin took us in.\x0bP1: Before that we slept\u2028in the car.\n"
            "P2: That winter was hard.\n")
    root, result = ingested(tmp_path, "talk.txt", talk)
    assert result.exit_code == 0, result.output
    markup = tmp_path / "talk.md"
    for copy, said in [(talk.replace("That winter", "**That winter**<sup></sup>"),
                        "<sup></sup> names no code"),
                       (talk.replace("hard", "cold"),
                        "the text differs from document talk at line 4, column")]:
        markup.write_bytes(copy.encode("utf-8"))
        result = CliRunner().invoke(cli, ["import-codings", str(markup), str(root),
                                          "--coder", "x"])
        assert result.exit_code != 0
        assert f"talk.md:{editor_line(copy, 'That winter')}: {said}" in result.output


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_bad_byte_or_nul_is_named_at_the_line_an_editor_shows(tmp_path, end):
    # with lone CR line ends (classic Mac), both were named at line 1
    raw = end.join(["Synthetic fixture", "P1: Rent went up.", "P2: Caf\u00e9.", ""])
    path = tmp_path / "talk.txt"
    for data, encoding, said in [
            (raw.encode("cp1252"), "utf-8", "not valid utf-8: byte 0xe9 at column 8"),
            (raw.replace("\u00e9", "\x00").encode("utf-16"), "utf-16", "a NUL character")]:
        path.write_bytes(data)
        with pytest.raises(IngestError) as info:
            read_document(path, source="talk.txt", encoding=encoding)
        assert str(info.value).startswith(f"talk.txt:3: {said}")


def test_turns_on_one_line_of_the_file_are_no_interjection_in_a_span_over_them(tmp_path):
    # P2's turn between P1's on one line of the file (vertical tabs part them) was read
    # as P2 cutting into P1's turn in brackets: a span over the three left P2's out
    talk = ("Synthetic fixture.\n\nP1: We lost the apartment in May.\x0bP2: Then my cousin "
            "took us in.\x0bP1: Before that we slept in the car.\n")
    root, result = ingested(tmp_path, "talk.txt", talk)
    assert result.exit_code == 0, result.output
    opened = Study.open(root)
    segments = load_corpus(opened).segments
    assert list(segments["line"]) == [1, 3, 3, 3]
    turns = segments[segments["speaker"].notna()]
    (root / "codings").mkdir()
    coder_path(opened, "x").write_text(
        f"seg_id,code_id,start,end\ntalk:t2,c,{turns['start'].min()},{turns['end'].max()}\n",
        encoding="utf-8")
    rows = read_coder(coder_path(opened, "x"), segments)
    assert list(rows["seg_id"]) == ["talk:t2", "talk:t3", "talk:t4"]


def notes_of(tmp_path, name: str, raw: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(raw.encode("utf-8"))
    return [str(note) for note in read_document(path)[0].notes]


def test_a_note_names_in_its_words_the_lines_an_editor_shows(tmp_path):
    # the lines a note names in its words were counted with the separators as lines
    clocked = ("Synthetic fixture\u2028Recorded in May\x0bat the library\n\n"
               "[09:30:05] P1: We lost the apartment.\n[09:31:10] P2: Then my cousin took us "
               "in.\n[23:59:00] P1: Late.\n[00:01:00] P2: Past midnight.\n")
    assert any("the first, 09:30:05 on line 3," in note and "from line 6 (00:01:00)" in note
               for note in notes_of(tmp_path, "talk.txt", clocked))
    tabbed = ("Synthetic fixture\u2028Recorded in May\n"
              "P1\tWe lost the apartment.\nP2\tThen my cousin took us in.\n"
              "P1\tBefore that\twe slept in the car.\nP2\tThat winter was hard.\n")
    assert any("(line 4 has more fields" in note
               for note in notes_of(tmp_path, "tabbed.txt", tabbed))
    cues = CUES.replace("P2: Then my cousin", "Then my cousin").replace(
        "P1: Before", "Before")
    assert any("(8, 12)" in note for note in notes_of(tmp_path, "talk.vtt", cues))


def test_a_turn_after_a_vertical_tab_cut_by_a_note_makes_later_turn_numbers_ambiguous(
        tmp_path):
    # the note taken out of P1's turn had no read_line (its turn's pieces did): turns on
    # one line of the file, it was not seen as a piece of P1's turn, and a person's
    # "turn 3" (P3's) silently coded the note
    root = ingested_evidence(tmp_path / "study")
    (root / "transcripts" / "south" / "visit.txt").write_text(
        "Coach: Tell me about the year.\x0bP1: Debt is the worry. [Note: the group "
        "paused] Wages too.\n\nP3: Our neighbours helped when we were evicted.\n",
        encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\nsouth/visit,3,connection\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(root), "--coder",
                                      "ana"])
    assert result.exit_code == 1, result.output
    assert ("turns.csv:2: turn 3 of south/visit is ambiguous: dialogcode counts the pieces "
            "of a turn cut by a note") in result.output


@pytest.mark.parametrize("marker", ["\n[00:12:31] ", "\x0b[00:12:31] ", "\u2028",
                                    "\n00:12:31 "])
def test_a_time_marker_opening_a_line_of_a_turn_makes_later_turn_numbers_ambiguous(
        tmp_path, marker):
    # P1's words after a time alone at the start of a line are a turn of their own, as
    # after one inside the line; but they were not seen as a piece of P1's turn, and a
    # person's "turn 3" (P3's) silently coded P1's words after the time
    root = ingested_evidence(tmp_path / "study")
    marker = marker if marker != "\u2028" else "\u2028(00:12:31)\u2028"
    (root / "transcripts" / "south" / "visit.txt").write_text(
        f"Coach: Tell me about the year.\nP1: Debt is the worry.{marker}Wages too.\n"
        "P3: Our neighbours helped when we were evicted.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    segments = load_corpus(Study.open(root)).segments
    assert segments.loc[segments["seg_id"] == "south/visit:t3", "time_start"].item() == 751
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code\nsouth/visit,3,connection\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(root), "--coder",
                                      "ana"])
    assert result.exit_code == 1, result.output
    assert ("turns.csv:2: turn 3 of south/visit is ambiguous: dialogcode counts the pieces "
            "of a turn cut") in result.output


# (a time alone on its line, the only one in the file, stays words: test_time_marks.py)
@pytest.mark.parametrize("marker", ["[00:12:31] ", "\n[00:12:31] ", "\x0b00:12:31 "])
def test_the_summary_counts_a_turn_a_time_marker_parts_as_one(tmp_path, marker):
    # after a time alone at the start of a line, P1's words were counted as a turn of
    # their own (after one inside the line, not): a marker every minute of a long answer
    # made as many turns
    from dialogcode.ingest import ingest, summarize
    root = make_study(tmp_path / "s", {"talk.txt": (
        f"Coach: Tell me about the year.\nP1: Debt is the worry.{marker}Wages too.\n"
        "P3: Our neighbours helped when we were evicted.\n")}, None)
    for unit in ("turn", "sentence"):
        corpus = ingest(Study.open(root), unit=unit)
        assert corpus.segments["time_start"].tolist()[-2] == 751
        assert summarize(corpus)["turns"].tolist() == [3], unit


def test_a_tabbed_files_note_counts_the_lines_an_editor_shows(tmp_path):
    # a line separator or vertical tab inside a line was counted as a line of its own:
    # "4 of 7 lines" of a file of five
    tabbed = ("Synthetic fixture\u2028Recorded in May\n"
              "P1\tWe lost the apartment.\x0bIn May.\nP2\tThen my cousin took us in.\n"
              "P1\tBefore that\twe slept in the car.\nP2\tThat winter was hard.\n")
    assert any(note.startswith("line 2: 4 of 5 lines are a name, a tab and text")
               for note in notes_of(tmp_path, "tabbed.txt", tabbed))


@pytest.mark.parametrize("gap", ["\u2028", "\x0b", "\x85", "\f"])
def test_an_inline_markup_copys_difference_is_at_the_column_an_editor_shows(tmp_path, gap):
    # the column was counted from the last line separator before the difference, and
    # without the markup written before it on the line: "column 13" for a word at 69
    talk = (f"Synthetic fixture.\r\n\r\nP1: We lost the apartment in May.{gap}P2: Then my "
            "cousin took us in.\r\nP1: Done.\r\n")
    root, result = ingested(tmp_path, "talk.txt", talk)
    assert result.exit_code == 0, result.output
    copy = ("\ufeff" + talk.replace("apartment", "**apartment**<sup>housing</sup>")
            .replace("cousin", "uncle"))
    markup = tmp_path / "talk.md"
    markup.write_bytes(copy.encode("utf-8"))
    result = CliRunner().invoke(cli, ["import-codings", str(markup), str(root),
                                      "--coder", "x"])
    assert result.exit_code != 0
    line = editor_line(copy, "uncle")
    column = copy.index("uncle") - copy.rindex("\n", 0, copy.index("uncle"))
    assert (line, column) == (3, 69)
    assert (f"talk.md:{line}: the text differs from document talk at line {line}, "
            f"column {column}") in result.output


CODEBOOK = ("\ufeffcodebook: c\r\ntitle: T\r\ncodes:\r\n  - id: a.one\r\n    label: One\r\n"
            "    definition: \"Talk about one\u2028thing,\x85said\u2029twice.\"\r\n"
            "    patterns: {terms: [one]}\r\n"
            "  - id: a.one\r\n    label: Two\r\n    definition: Two.\r\n")


def validated(tmp_path, text: str | bytes) -> str:
    path = tmp_path / "cb.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    result = CliRunner().invoke(cli, ["codebook", "validate", str(path)])
    assert result.exit_code != 0
    return result.output


def test_a_codebooks_errors_name_the_line_and_column_an_editor_shows(tmp_path):
    # YAML ends a line at a line separator, NEL and paragraph separator too: every
    # problem below a definition holding one was named lines below its place
    assert editor_line(CODEBOOK, "label: Two") == 9
    assert "cb.yaml:8 [a.one]: duplicate code id (first defined at " in validated(
        tmp_path, CODEBOOK)
    unclosed = CODEBOOK.replace("label: Two", "label: [Two")
    assert "cb.yaml:9:12: the [ opened here is never closed with ]" in validated(
        tmp_path, unclosed)
    tabbed = CODEBOOK.replace("Two.", "Two\x0b.")
    assert "cb.yaml:10:20: the character #x000b is not allowed" in validated(
        tmp_path, tabbed.replace("\r\n", "\r"))
    bad = CODEBOOK.replace("Two.", "D\u00e9j\u00e0 vu \udcff").encode("utf-8", "surrogateescape")
    assert "cb.yaml:10: not UTF-8 text (byte 0xff at column 25)" in validated(tmp_path, bad)


def test_a_csv_files_bad_byte_is_named_at_the_line_an_editor_shows(tmp_path):
    # with lone CR line ends (as Excel for Mac saves CSV), it was named at line 1
    from dialogcode.csvrows import csv_text
    from dialogcode.coders import CodingsError

    path = tmp_path / "x.csv"
    for data, said in [(b"seg_id,code_id\rtalk:t1,a\rtalk:t2,caf\xe9\r", "not UTF-8 text"),
                       (b"seg_id,code_id\rtalk:t1,a\rtalk:t2,\x00\r", "a NUL byte")]:
        path.write_bytes(data)
        with pytest.raises(CodingsError) as info:
            csv_text(path, CodingsError)
        assert str(info.value).startswith(f"{path}:3: {said}")


def test_xml_that_is_not_well_formed_is_named_at_the_column_an_editor_shows(tmp_path):
    # the parser's column counts from 0: "column 39" for the name an editor shows at 40
    path = tmp_path / "book.qdc"
    path.write_bytes(("\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
                      "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\">\r\n"
                      "<Codes><Code name=\"Caf\u00e9\u2028x\" guid=\"g1\">"
                      "</Codes></CodeBook>\r\n").encode("utf-8"))
    result = CliRunner().invoke(cli, ["codebook", "import", str(path), "-o",
                                      str(tmp_path / "book.yaml")])
    assert result.exit_code != 0
    written = path.read_bytes().decode("utf-8-sig").split("\r\n")[2]
    assert written.index("</Codes>") == 37
    assert "book.qdc:3: not well-formed XML: mismatched tag at column 40" in result.output


def test_xml_with_a_byte_order_mark_is_named_at_the_column_an_editor_shows(tmp_path):
    # the parser counts the byte-order mark as a character of line 1: "column 7" for
    # the tag an editor shows at 6
    path = tmp_path / "book.qdc"
    path.write_bytes("\ufeff<a></b>".encode("utf-8"))
    result = CliRunner().invoke(cli, ["codebook", "import", str(path), "-o",
                                      str(tmp_path / "book.yaml")])
    assert result.exit_code != 0
    assert "book.qdc:1: not well-formed XML: mismatched tag at column 6" in result.output
