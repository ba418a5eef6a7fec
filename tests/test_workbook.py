"""The workbook writer: cells prepared a column at a time, sheets split at the row
limit, timestamps fixed while streaming the zip."""
import zipfile

import openpyxl
import pandas as pd

from dialogcode.workbook import EXCEL_MAX_CELL, write_workbook


def test_cells_keep_their_values_types_and_protections(tmp_path):
    table = pd.DataFrame({
        "code_id": ["a", "=HYPERLINK(\"x\")", None],
        "quote": ["line one\nline two\nline three", "form\ffeed", "x" * (EXCEL_MAX_CELL + 5)],
        "count": pd.array([1, None, 3], dtype="Int64"),
        "share": [0.25, float("nan"), 1.0],
        "flag": [True, False, True],
    })
    path = write_workbook(tmp_path / "w.xlsx", {"t": table})
    sheet = openpyxl.load_workbook(path)["t"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["a", "line one\nline two\nline three", 1, 0.25, True]
    assert rows[1][:4] == ['=HYPERLINK("x")', "form\u240cfeed", None, None]
    assert sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert rows[2][0] is None and rows[2][2] == 3 and rows[2][4] is True
    assert len(rows[2][1]) <= EXCEL_MAX_CELL and rows[2][1].endswith("[truncated]")
    assert sheet["D2"].number_format == "0.0%" and sheet["B2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height == 45      # three wrapped lines


def test_a_table_longer_than_a_sheet_is_split_and_the_readme_says_so(tmp_path):
    long = pd.DataFrame({"n": range(7), "text": [f"row {i}" for i in range(7)]})
    short = pd.DataFrame({"n": [1]})
    readme = pd.DataFrame([("long", "Seven rows."), ("short", "One row.")],
                          columns=["sheet", "description"])
    path = write_workbook(tmp_path / "w.xlsx", {"long": long, "short": short}, readme,
                          max_rows=4)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", "long", "long 2", "long 3", "short"]
    parts = [[row[0] for row in book[name].iter_rows(min_row=2, values_only=True)]
             for name in ("long", "long 2", "long 3")]
    assert parts == [[0, 1, 2], [3, 4, 5], [6]]
    notes = {row[0]: row[1] for row in book["README"].iter_rows(min_row=2, values_only=True)}
    assert notes["long 2"].startswith("Rows 4 to 6 of long (7 rows; a sheet holds 3")
    assert notes["short"] == "One row." and "long 3" in notes


def test_the_same_tables_give_the_same_bytes(tmp_path):
    table = pd.DataFrame({"text": [f"turn {i}" for i in range(2000)], "n": range(2000)})
    first = write_workbook(tmp_path / "a.xlsx", {"t": table}).read_bytes()
    second = write_workbook(tmp_path / "b.xlsx", {"t": table}).read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.xlsx") as saved:
        assert {info.date_time for info in saved.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in saved.read("docProps/core.xml")
        assert saved.testzip() is None


def test_text_that_looks_like_an_escaped_character_reads_back_as_written(tmp_path):
    # A workbook escapes a carriage return as _x000D_, and a reader (Excel, and
    # dialogcode's) reads any _xHHHH_ as its character; written as given, a turn that
    # held '_x000D_' (text a tool read from an Excel export without unescaping) came
    # back from a review sheet as a line break, and its text cell was refused as
    # changed. Excel writes a literal '_x' as '_x005F_x'.
    from dialogcode.formats.tables import xlsx_rows

    texts = ["rent is up_x000D_ again", "file_x0041_.txt", "_x005F_x0041_", "_x0041_x0042_",
             "cr\rand_x00"]
    path = write_workbook(tmp_path / "w.xlsx", {"t": pd.DataFrame({"text": texts})})
    assert [row[0] for row in xlsx_rows(path, str(path))[1:]] == texts
