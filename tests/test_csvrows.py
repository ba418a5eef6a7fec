"""The CSV files a researcher gives (manifest, coder files, imported codings, review
decisions, transcripts) refused in plain words when they are saved as UTF-16 or open
with a blank line."""
import codecs
import io
from functools import partial

import openpyxl
import pytest

from dialogcode.coders import coder_table
from dialogcode.csvrows import csv_text
from dialogcode.errors import DialogcodeError
from dialogcode.formats import read_document
from dialogcode.importers.tabular import read_rows
from dialogcode.manifest import load_manifest
from dialogcode.review import csv_table

READERS = {"manifest": lambda path: load_manifest(path, path.parent),
           "coder file": coder_table, "codings": read_rows, "decisions": csv_table}
SAVE_AS = "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))"


@pytest.mark.parametrize("encode", [partial(str.encode, encoding="utf-16"),
                                    partial(str.encode, encoding="utf-16-le")],
                         ids=["with a byte-order mark", "without"])
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_utf16_csv_says_it_is_utf16_and_how_to_save_it(tmp_path, reader, encode):
    # it was "not UTF-8 text (byte 0xff)", or without a mark a row of NUL characters
    path = tmp_path / "sheet.csv"
    path.write_bytes(encode("file\tsegment\tcode\ncall.txt\t1\trent\n"))
    with pytest.raises(DialogcodeError) as error:
        READERS[reader](path)
    assert str(error.value) == (f"{path}: the file is UTF-16 text (as Excel's \"Unicode "
                                f"Text\" saves), not UTF-8; {SAVE_AS}")


@pytest.mark.parametrize("reader", sorted(READERS) + ["transcript"])
@pytest.mark.parametrize("blank", ["\n", ",,\n"])
def test_a_csv_whose_first_line_is_blank_says_the_header_is_missing(tmp_path, reader, blank):
    # it was "3 values for 0 columns" at line 2
    path = tmp_path / "sheet.csv"
    path.write_text(blank + "file,speaker,text\ncall.txt,P1,rent\n", encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        (READERS.get(reader) or read_document)(path)
    assert str(error.value) == (f"{path}:1: the header row is empty: a CSV file's first "
                                "line names its columns; remove any blank lines above them")


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["file", "segment", "code"])
    book.active.append(["call.txt", 1, "rent"])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


@pytest.mark.parametrize("data, line", [
    (b"file,segment,code\ncall.txt,1,rent\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\n", 2),
    (b"\x00" * 64, 1), ("workbook", 1)], ids=["padded UTF-8", "zeros", "xlsx named .csv"])
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_csv_with_nul_bytes_is_not_text_not_utf16(tmp_path, reader, data, line):
    # NULs a quarter of the file were "UTF-16 text (as Excel's "Unicode Text" saves)"
    path = tmp_path / "sheet.csv"
    path.write_bytes(workbook_bytes() if data == "workbook" else data)
    with pytest.raises(DialogcodeError) as error:
        READERS[reader](path)
    assert str(error.value) == (f"{path}:{line}: a NUL byte: the file is not CSV text (an "
                                f"Excel workbook named .csv?); {SAVE_AS}")


def test_a_utf8_mark_written_twice_is_dropped(tmp_path):
    # it was "the file is UTF-8 text (...), not UTF-8"
    path = tmp_path / "sheet.csv"
    path.write_bytes(codecs.BOM_UTF8 * 2 + b"file,code\ncall.txt,rent\n")
    assert csv_text(path, DialogcodeError) == "file,code\ncall.txt,rent\n"


def test_excels_sep_line_is_not_read_as_the_header(tmp_path):
    # `sep=,` (a line Excel writes and reads as the separator) was taken for the header:
    # "no text column; columns are: sep=, ."
    path = tmp_path / "call.csv"
    path.write_text("sep=,\r\nspeaker,text\r\nP1,Rent is high.\r\nP2,Wages are low.\r\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, b.line, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", 3, "Rent is high."), ("P2", 4, "Wages are low.")]
    coders = tmp_path / "ana.csv"
    coders.write_text("sep=,\nseg_id,code_id\ncall:t1,risk\n", encoding="utf-8")
    table = coder_table(coders)
    assert table.to_dict("index") == {3: {"seg_id": "call:t1", "code_id": "risk"}}


@pytest.mark.parametrize("reader", sorted(READERS) + ["transcript"])
def test_a_sep_line_naming_another_separator_says_so(tmp_path, reader):
    path = tmp_path / "sheet.csv"
    path.write_text("sep=;\nfile;speaker;text\ncall.txt;P1;rent\n", encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        (READERS.get(reader) or read_document)(path)
    assert str(error.value) == (f"{path}:1: the first line, 'sep=;', says the values are "
                                "separated by ';', not commas; save the file as "
                                "comma-separated CSV (in Excel: CSV UTF-8)")


@pytest.mark.parametrize("header, row, column", [
    ("seg_id,code_id,", "call:t1,risk,housing", 3),
    ("seg_id,code_id,,", "call:t1,risk,,housing", 4),
    (",seg_id,code_id", "first,call:t1,risk", 1)],
    ids=["a second code typed beside the first", "further right",
         "a first column that is no pandas index"])
def test_a_value_in_a_column_without_a_name_is_an_error_at_its_line(tmp_path, header, row,
                                                                     column):
    # columns without a name were left out with whatever they held: a coder's second
    # code (or the rest of a value holding a comma) was dropped without a word
    path = tmp_path / "ana.csv"
    path.write_text(f"{header}\n{row}\n" + "call:t2,risk\n".replace(
        "call", "," * header.startswith(",") + "call", 1), encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        coder_table(path)
    value = row.split(",")[column - 1]
    assert str(error.value) == (
        f"{path}:2: {value!r} is in column {column}, which has no name in the header; "
        "name the column, or put a value that holds a comma in quotes")


def test_a_transcripts_words_in_a_column_without_a_name_are_an_error(tmp_path):
    # `P1,Rent is high, really high,` under `speaker,text,` (Excel's trailing column):
    # the turn was "Rent is high", the rest dropped without a word
    path = tmp_path / "call.csv"
    path.write_text("speaker,text,\nP1,Rent is high, really high,\nP2,Wages.,\n",
                    encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:2: 'really high' is in column 3, which has no name in the header; name "
        "the column, or put a value that holds a comma in quotes")
    path.write_text(",speaker,text,\n0,P1,Rent is high.,\n1,P2,Wages.,\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "Rent is high."), ("P2", "Wages.")]


def test_a_transcripts_words_cut_by_a_comma_into_a_named_column_are_an_error(tmp_path):
    # `P1,We went there, and then we left` under `speaker,text,notes`: the turn was
    # "We went there", the rest in the notes column, which is not read, with only a note
    # that the column is not read
    path = tmp_path / "call.csv"
    path.write_text("speaker,text,notes\nP1,We went there, and then we left,\n"
                    "P2,Where?,nodded\nP1,\"Quoted, fine\",\n", encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:2: 'and then we left' in column 'notes' reads as the rest of the text "
        "'We went there', cut at a comma (a space after it, and the text does not end a "
        "sentence); put a text that holds a comma in quotes, or if it is a note, write it "
        "without a space after the comma")


@pytest.mark.parametrize("rows", [
    "P1,We went there.,\nP2,Where?, nodded\n",     # a note after a whole sentence
    "P1,We went there,and then\nP2,Where?,nodded\n",     # no space: as a program writes
    "P1, We went there, and\nP2, Where?, nodded\n"],     # every value after a space
    ids=["after a sentence", "no space", "spaces everywhere"])
def test_a_short_note_in_a_named_column_beside_the_text_is_read_as_before(tmp_path, rows):
    path = tmp_path / "call.csv"
    path.write_text("speaker,text,notes\n" + rows, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        (row.split(",")[0], row.split(",")[1].strip()) for row in rows.splitlines()]
    assert any("column 'notes' is not read" in str(note) for note in parsed.notes)


@pytest.mark.parametrize("row", [
    "We went there, and then we left,P1,\n",     # the notes column left empty
    "We went there, and then we left,P1\n",     # its comma left out
    "We went there, and then, we left,P1,\n"],     # two commas, P1 two columns on
    ids=["empty notes", "no notes", "two commas"])
def test_a_transcripts_words_cut_by_a_comma_into_the_speaker_column_are_an_error(
        tmp_path, row):
    # under `text,speaker,notes`, the rest of the text was read as the speaker and P1,
    # pushed into the notes column, not read: a turn of speaker `and then we left`
    path = tmp_path / "call.csv"
    path.write_text("text,speaker,notes,code\n" + row + "Where?,P2,,\nTo the hall.,P1,,\n",
                    encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    rest, column = ("and then", "code") if "then," in row else ("and then we left", "notes")
    assert str(error.value) == (
        f"{path}:2: {rest!r} in column 'speaker' reads as the rest of the text "
        f"'We went there', cut at a comma, and 'P1' in column {column!r} as its speaker; "
        "put a text that holds a comma in quotes")


@pytest.mark.parametrize("rows", [
    "hello, host, guest\nwhere?, guest, host\nyes., aide, guest\n",    # to whom, each
    "Hello, Guest, P1\nWhere?, P2,\nHere, P1,\n",    # a one-off speaker named so
    "hello, host, guest\nwhere?, guest,\nhi, host,\n",     # the speaker speaks again
    "hello, host, guest\nwhere?, guest,\nhi, aide, host\nyes., host,\n",     # to whom, twice
    "Hello.,Host,\nHi there, Guest,\nBye.,Host,\n"],     # a guest who speaks once
    ids=["addressees", "a name", "known speaker", "two addressees", "a one-off speaker"])
def test_a_speaker_beside_a_text_without_a_full_stop_is_read_as_before(tmp_path, rows):
    path = tmp_path / "call.csv"
    path.write_text("text,speaker,to\n" + rows, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        (row.split(",")[1].strip(), row.split(",")[0]) for row in rows.splitlines()]
    assert not [note for note in parsed.notes if "cut at a comma" in str(note)]


@pytest.mark.parametrize("row, rest, who", [
    ("Thanks, Maria,P1,\n", "Maria", "P1"),      # the rest written like a name
    ("We went there, P2,P1,\n", "P2", "P1"),     # the rest another row's speaker
    ("We went there, and then we left,Guest,\n", "and then we left", "Guest")],
    ids=["a name", "a speaker", "a speaker who speaks once"])
def test_a_text_cut_into_the_speaker_column_with_a_comma_more_than_every_row_is_an_error(
        tmp_path, row, rest, who):
    # every other row has a value for each column, this one a value more: the speaker
    # was 'Maria' (or 'P2', or 'and then we left' where Guest speaks only here), P1
    # pushed into the notes, which are not read, with no word
    path = tmp_path / "call.csv"
    text = row.split(",")[0]
    path.write_text("text,speaker,notes\n" + row + "Where?,P2,\nTo the hall.,P1,\n",
                    encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:2: {rest!r} in column 'speaker' reads as the rest of the text {text!r}, "
        "cut at a comma (the row has a value more than the columns, as no other row has), "
        f"and {who!r} in column 'notes' as its speaker; put a text that holds a comma in "
        "quotes, or if it holds none, remove the comma more at the row's end")


def test_a_row_with_a_comma_more_at_its_end_is_read_once_it_is_removed(tmp_path):
    # an honest row, the guest's name after a space and a stray comma at its end, was
    # refused with no word of what else to do than quote a text that holds no comma
    path = tmp_path / "call.csv"
    rows = "Hello.,Host,\nHi there, Guest,{}\nBye.,Host,\n"
    path.write_text("text,speaker,to\n" + rows.format(","), encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value).endswith("or if it holds none, remove the comma more at the "
                                     "row's end")
    path.write_text("text,speaker,to\n" + rows.format(""), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["Host", "Guest", "Host"]


@pytest.mark.parametrize("row, rest, who", [
    ("Thanks, Maria,P1\n", "Maria", "P1"),
    ("We went there, and then we left,Guest\n", "and then we left", "Guest")],
    ids=["a name", "a speaker who speaks once"])
def test_a_text_that_may_be_cut_into_the_speaker_column_is_noted(tmp_path, row, rest, who):
    # the rest after a space, as no other row's speaker is written: read as before, but
    # with no word the speaker was 'Maria', P1 unread in the notes
    path = tmp_path / "call.csv"
    text = row.split(",")[0]
    path.write_text("text,speaker,notes\n" + row + "Where?,P2\nTo the hall.,P1\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][0] == (rest, text)
    assert (f"line 2: read with the speaker {rest!r}; if that is the rest of the text "
            f"{text!r}, cut at a comma (a space after it, as no other row's speaker has), "
            f"and {who!r} in column 'notes' its speaker, put a text that holds a comma in "
            "quotes") in [str(note) for note in parsed.notes]


@pytest.mark.parametrize("rows, noted", [
    ("Thanks, Maria,P1\nWhere?,P2\nBye, Maria,P1\nTo the hall.,P1\n", [2, 4]),
    ("Thanks, Maria,P1\nWhere?,P2\nWe went there, and then we left,Guest\nTo the hall.,P1\n",
     [2, 4])],
    ids=["twice", "two ways"])
def test_each_text_that_may_be_cut_into_the_speaker_column_is_noted(tmp_path, rows, noted):
    # each row that may be cut took the other for a column of addressees: no note, the
    # turns read silently with the speakers 'Maria' or 'and then we left'
    path = tmp_path / "call.csv"
    path.write_text("text,speaker,notes\n" + rows, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [note.line for note in parsed.notes if "cut at a comma" in str(note)] == noted


@pytest.mark.parametrize("rows", [
    "Thanks, Maria, P1\nWhere?, P2,\nTo the hall., P1,\n",     # the notes left empty
    "Thanks, Maria, P1\nWhere?, P2\nTo the hall., P1\n",     # their comma left out
    "Thanks, Maria, P1\nWhere?, P2, laughs\nTo the hall., P1\n"],     # a note elsewhere
    ids=["empty notes", "no notes", "a note"])
def test_a_text_cut_into_the_speaker_column_where_every_value_follows_a_space_is_an_error(
        tmp_path, rows):
    # typed with a space after every comma, no row's speaker stands out by its space:
    # the turn 'Thanks' was read silently as Maria's, P1 unread in the notes
    path = tmp_path / "call.csv"
    path.write_text("text, speaker, notes\n" + rows, encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:2: 'Maria' in column 'speaker' reads as the rest of the text 'Thanks', "
        "cut at a comma ('Maria' speaks only here, and every other speaker is written like "
        "a role or number), and 'P1' in column 'notes' as its speaker; put a text that "
        "holds a comma in quotes, or if 'P1' is to whom the words are said, name the "
        "column `to`, not 'notes'")
    path.write_text('text, speaker, notes\n"Thanks, Maria", P1\n' + rows.split("\n", 1)[1],
                    encoding="utf-8")
    parsed, _ = read_document(path)
    first = parsed.blocks[0]
    assert (first.speaker, parsed.text[first.start:first.end]) == ("P1", "Thanks, Maria")
    assert not [note for note in parsed.notes if "cut at a comma" in str(note)]


@pytest.mark.parametrize("text, rest, message", [
    ("Thanks", "Maria", "'Maria' in column 'speaker' reads as the rest of the text "
     "'Thanks', cut at a comma ('Maria' speaks only here"),
    ("So", "and then we left", "'and then we left' in column 'speaker' reads as the rest "
     "of the text 'So', cut at a comma, and 'P1' in column 'notes' as its speaker")],
    ids=["a name", "words"])
def test_a_text_cut_into_the_speaker_column_after_a_column_before_it_is_an_error(
        tmp_path, text, rest, message):
    # typed with a space after every comma and a time first, the text too follows a
    # space: 'Thanks' was read silently as Maria's turn, even 'So' as the turn of a
    # speaker 'and then we left'
    path = tmp_path / "call.csv"
    later = "0:02, Where?, P2,\n0:03, To the hall., P1,\n"
    path.write_text(f"start, text, speaker, notes\n0:01, {text}, {rest}, P1\n{later}",
                    encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value).startswith(f"{path}:2: {message}")
    # a quote after a space is read as part of the text: the advice says where it goes
    assert "put a text that holds a comma in quotes with no space before the opening " \
        "quote" in str(error.value)
    path.write_text(f'start, text, speaker, notes\n0:01,"{text}, {rest}", P1\n{later}',
                    encoding="utf-8")
    parsed, _ = read_document(path)
    first = parsed.blocks[0]
    assert (first.speaker, parsed.text[first.start:first.end]) == ("P1", f"{text}, {rest}")
    # a note typed after a space as the text is, after a text without a full stop, is
    # read quietly as a note
    path.write_text("speaker, text, notes\nP1, yeah, laughs\nP2, Where?,\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "yeah"), ("P2", "Where?")]
    assert not [note for note in parsed.notes if "cut at a comma" in str(note)]


def test_a_text_that_may_be_cut_where_every_value_follows_a_space_is_noted(tmp_path):
    # speakers named, not numbered: Maria may be a guest who speaks once, so the row is
    # read as written, with a note naming it
    path = tmp_path / "call.csv"
    path.write_text("text, speaker, notes\nThanks, Maria, Ana\nWhere?, Ben,\n"
                    "To the hall., Ana,\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Maria", "Thanks"), ("Ben", "Where?"), ("Ana", "To the hall.")]
    assert ("line 2: read with the speaker 'Maria'; if that is the rest of the text "
            "'Thanks', cut at a comma, and 'Ana' in column 'notes' its speaker, put a text "
            "that holds a comma in quotes, or if 'Ana' is to whom the words are said, name "
            "the column `to`, not 'notes'") in [str(note) for note in parsed.notes]
    # cut twice alike, each row took the other for a row of addressees: read silently
    path.write_text("text, speaker, notes\nThanks, Maria, P1\nWhere?, P2,\n"
                    "Thanks, Maria, P1\nTo the hall., P1,\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [note.line for note in parsed.notes if "cut at a comma" in str(note)] == [2, 4]


@pytest.mark.parametrize("header, rows", [
    ("text, speaker, to", "Hello, Guest, P1\nWhere?, P2,\nHere, P1,\n"),
    ("text, speaker, addressee", "Thanks, Maria, Ana\nWhere?, Ben,\nTo the hall., Ana,\n"),
    ("text, speaker, notes", "Hello, Ana, \nHi Ana, Ben, laughs\nSo, Ana, Ben\nYes, Ben, Ana\n"),
    ("text, speaker, notes", "Hello, Ana, \nHi Ana, Ben, laughs\nYes, Ana, \n")],
    ids=["to whom", "an addressee", "addressees in notes", "names"])
def test_an_honest_table_where_every_value_follows_a_space_is_read_quietly(
        tmp_path, header, rows):
    path = tmp_path / "call.csv"
    path.write_text(f"{header}\n{rows}", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        (row.split(",")[1].strip(), row.split(",")[0]) for row in rows.splitlines()]
    assert not [note for note in parsed.notes if "cut at a comma" in str(note)]
