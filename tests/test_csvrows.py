"""The CSV files a researcher gives (manifest, coder files, imported codings, review
decisions, transcripts) refused in plain words when they are saved as UTF-16 or open
with a blank line."""
from functools import partial

import pytest

from dialogcode.coders import coder_table
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
