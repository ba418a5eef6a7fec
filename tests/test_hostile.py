"""Hostile and broken transcripts (issue 20): each one is refused with a message naming
the file and what is wrong (exit 1), or, with --skip-bad, left out and listed, and never
ends in a traceback or runs away. Files over a limit are refused before a parser sees
them, naming the limit."""
import io
import random
import shutil
import zipfile

import docx
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from tests.conftest import (
    DATA,
    make_study,
    write_docx_paragraphs,
    write_docx_table,
    write_xlsx,
)

GOOD = "Facilitator: What changed this year?\n\nP1: The circles.\n"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
LIMIT = "see docs/limits.md to raise it)"


def docx_bytes(tmp_path) -> bytes:
    return write_docx_paragraphs(tmp_path / "base.docx").read_bytes()


def xlsx_bytes(tmp_path) -> bytes:
    return write_xlsx(tmp_path / "base.xlsx").read_bytes()


def replaced(data: bytes, member: str, content: bytes | None) -> bytes:
    """The zip ``data`` with ``member`` replaced by ``content`` (left out for None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
        if content is not None:
            target.writestr(member, content)
    return out.getvalue()


def body(inner: str) -> bytes:
    return f'<w:document {W}><w:body>{inner}</w:body></w:document>'.encode()


def added(data: bytes, info: zipfile.ZipInfo, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as target:
        target.writestr(info, content)
    return out.getvalue()


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def corrupted(data: bytes, member: str) -> bytes:
    """``data`` with bytes in the middle of ``member``'s compressed data changed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 16]) + \
        data[middle + 16:]


def sheet(rows: str, dimension: str = "") -> bytes:
    return f"{SHEET}{dimension}<sheetData>{rows}</sheetData></worksheet>".encode()


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def turn_workbook(tmp_path, speakers, texts, merge=None) -> bytes:
    """An .xlsx transcript: a speaker | text row per turn, ``merge`` a range to merge."""
    book = openpyxl.Workbook()
    book.active.append(["speaker", "text"])
    for row in zip(speakers, texts):
        book.active.append(list(row))
    if merge:
        book.active.merge_cells(merge)
    book.save(tmp_path / "turns.xlsx")
    return (tmp_path / "turns.xlsx").read_bytes()


# name -> (file, its bytes from tmp_path, dialogcode.yaml limits or None, the message
# after "transcripts/<file>", or a tuple of its parts)
CASES = {
    "empty docx": ("a.docx", lambda t: b"", None,
                   ": not a readable Word .docx file: the file is empty"),
    "random bytes docx": ("a.docx", lambda t: random.Random(1).randbytes(3000), None,
                          ": not a readable Word .docx file: it is damaged, cut short or not "
                          "a zip archive (File is not a zip file)"),
    "truncated docx": ("a.docx", lambda t: docx_bytes(t)[:20000], None,
                       ": not a readable Word .docx file: it is damaged, cut short or not a "
                       "zip archive"),
    "password-protected docx": ("a.docx", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64,
                                None, ": not a readable Word .docx file: it is an older "
                                "Office file or protected with a password; save it again in "
                                "the current format without a password"),
    "malformed docx XML": ("a.docx", lambda t: replaced(
        docx_bytes(t), "word/document.xml", body("<w:p><w:r><w:t>P1: hi</w:t></w:p>")), None,
        ": damaged: word/document.xml, line 1: not well-formed XML (mismatched tag)"),
    "corrupted docx member": ("a.docx", lambda t: corrupted(docx_bytes(t),
                                                             "word/styles.xml"), None,
                              ": damaged: "),
    "docx without its document part": ("a.docx", lambda t: replaced(
        docx_bytes(t), "word/document.xml", None), None,
        ": not a readable Word .docx file: its parts are not what Word writes (KeyError: "),
    "xlsx renamed .docx": ("a.docx", xlsx_bytes, None,
                           ": not a readable Word .docx file: it is not a Word document"),
    "docx member outside the archive": ("a.docx", lambda t: added(
        docx_bytes(t), zipfile.ZipInfo("../../evil.xml"), b"<x/>"), None,
        ": refused member '../../evil.xml': a '..' component"),
    "docx symbolic link member": ("a.docx", lambda t: added(
        docx_bytes(t), symlink("word/link.xml"), b"/etc/passwd"), None,
        ": refused member 'word/link.xml': a symbolic link"),
    "docx zip bomb": ("a.docx", lambda t: replaced(
        docx_bytes(t), "word/document.xml",
        body("<w:p><w:r><w:t>P1: hi</w:t></w:r></w:p>" + " " * 3_000_000)), None,
        (": refused member 'word/document.xml': it expands ", " times (limit ratio: 200; "
         + LIMIT)),
    "docx XML nested deep": ("a.docx", lambda t: replaced(
        docx_bytes(t), "word/document.xml", body("<w:p>" + "<w:r>" * 150 + "</w:r>" * 150
                                                 + "</w:p>")), None,
        ": refused: word/document.xml, line 1: XML nested more than 100 levels deep "
        "(limit depth: 100; " + LIMIT),
    "docx billion laughs": ("a.docx", lambda t: replaced(
        docx_bytes(t), "word/document.xml",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        + body("<w:p><w:r><w:t>&b;</w:t></w:r></w:p>")), None,
        ": refused: word/document.xml, line 1: the XML declares a DTD, which Office files "
        "never do"),
    "docx of many elements": ("a.docx", lambda t: replaced(
        docx_bytes(t), "word/document.xml", body("<w:p/>" * 5000)),
        "{xml_elements: 20000}", ": refused: word/document.xml, line 1: more than 20000 XML "
        "elements (limit xml_elements: 20000; " + LIMIT),
    # a speaker merged down two rows read the second row as a turn without a speaker, and
    # a formula no spreadsheet had calculated dropped its row, both without a word
    "xlsx speaker merged down two rows": ("a.xlsx", lambda t: turn_workbook(
        t, ["P1", None, "P2"], ["Rent is up.", "Evictions too.", "Yes."], "A2:A3"), None,
        ": merged cells A2:A3: only the first cell of a merged range holds its value"),
    "xlsx formula without a saved value": ("a.xlsx", lambda t: turn_workbook(
        t, ["P1", "P2"], ["Rent is up.", '=A2&" said so"']), None,
        ": formula cells without a saved value (B3), which would be read as empty"),
    "truncated xlsx": ("a.xlsx", lambda t: xlsx_bytes(t)[:3000], None,
                       ": not a readable .xlsx workbook: it is damaged, cut short or not a "
                       "zip archive"),
    "random bytes xlsx": ("a.xlsx", lambda t: random.Random(2).randbytes(3000), None,
                          ": not a readable .xlsx workbook: it is damaged, cut short or not "
                          "a zip archive"),
    "xlsx shared strings bomb": ("a.xlsx", lambda t: replaced(
        xlsx_bytes(t), "xl/sharedStrings.xml",
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * 2_000_000 + b"</sst>"), None,
        (": refused member 'xl/sharedStrings.xml': it expands ", " times (limit ratio: 200; "
         + LIMIT)),
    "xlsx row a billion rows down": ("a.xlsx", lambda t: replaced(
        xlsx_bytes(t), "xl/worksheets/sheet1.xml",
        sheet(f'<row r="1">{cell("A1", "text")}</row>'
              f'<row r="1000000000">{cell("A1000000000", "x")}</row>')),
        "{cells: 1000}", ": refused: the first sheet has more than 1000 cells (limit cells: "
        "1000; " + LIMIT),
    "xlsx declared as a million rows by 16384 columns": ("a.xlsx", lambda t: replaced(
        xlsx_bytes(t), "xl/worksheets/sheet1.xml",
        sheet(f'<row r="1">{cell("A1", "text")}</row><row r="3">{cell("XFD3", "x")}</row>',
              '<dimension ref="A1:XFD1048576"/>')),
        "{cells: 10000}", ": refused: the first sheet has more than 10000 cells (limit "
        "cells: 10000; " + LIMIT),
    "file over file_mb": ("a.txt", lambda t: (GOOD * 100).encode(), "{file_mb: 0.001}",
                          ": refused: the file is 0.0055 MB (limit file_mb: 0.001; " + LIMIT),
    "JSON nested 100,000 deep": ("a.json", lambda t: b"[" * 100_000 + b"]" * 100_000, None,
                                 ":1: refused: JSON nested more than 100 levels deep (limit "
                                 "depth: 100; " + LIMIT),
    "JSONL line nested deep": ("a.jsonl", lambda t: b'{"speaker": "P1", "text": "hi"}\n'
                               + b"[" * 200 + b"]" * 200 + b"\n", None,
                               ":2: refused: JSON nested more than 100 levels deep"),
    "JSON number of 5,000 digits": ("a.json", lambda t: b'[{"speaker": "P1", "text": "hi", '
                                    b'"start": 1' + b"0" * 5000 + b"}]", None,
                                    ": invalid JSON: a number too long to read"),
    "JSON infinite time": ("a.json", lambda t: b'[{"speaker": "P1", "text": "hi", '
                           b'"start": NaN}, {"speaker": "P2", "text": "yo", '
                           b'"start": Infinity}]', None,
                           ":2: cannot read time 'inf': a time in a recording is from 0 to "
                           "1000 hours"),
    "JSONL line that is a list": ("a.jsonl", lambda t: b'{"speaker": "P1", "text": "hi"}\n'
                                  b"[1, 2]\n", None, ":2: not a JSON object"),
    "JSON item that is a number": ("a.json", lambda t: b'[{"speaker": "P1", "text": "hi"}, 7]',
                                   None, ": item 2 is not a JSON object"),
    "JSON text that is an object": ("a.json", lambda t: b'[{"speaker": "P1", "text": '
                                    b'{"a": 1}}]', None,
                                    ":1: the text is a JSON object, not text"),
    "CSV time of 10^20 hours": ("a.csv", lambda t: b"speaker,text,start\nP1,hi,0\n"
                                b"P2,yo,100000000000000000000:00:00\nP1,ok,-5\n", None,
                                ":3: cannot read time '100000000000000000000:00:00': a time "
                                "in a recording is from 0 to 1000 hours"),
    "CSV unbalanced quote": ("a.csv", lambda t: b'speaker,text\nP1,"Rent went up\nP2,Again\n'
                             b'P1,"Yes," she said\n', None,
                             ':2: a quote (") on this line is not closed before line 4, so '
                             "lines 2-4 were read as one row; close the quote (write \"\" "
                             "for a quote inside a quoted value)"),
    "CSV quote never closed": ("a.csv", lambda t: b'speaker,text\nP1,hi\nP2,"Rent went up\n',
                               None, ":3: a quote (\") on this line is never closed"),
    "CSV text after a closing quote": ("a.csv", lambda t: b'speaker,text\nP1,"Yes," she said\n',
                                       None, ":2: text after a closing quote; put the whole "
                                       "value in quotes"),
    "CSV comma in an unquoted value": ("a.csv", lambda t: b"speaker,text\nP1,Rent, again\n",
                                       None, ":2: 3 values for 2 columns; put a value that "
                                       "holds a comma in quotes"),
    "SRT time of a million hours": ("a.srt", lambda t: b"1\n999999:00:01,000 --> "
                                    b"999999:00:02,000\nP1: hi\n", None,
                                    ":2: cue time '999999:00:01,000 --> 999999:00:02,000': a "
                                    "time in a recording is from 0 to 1000 hours"),
    "SRT without blank lines and a broken timing": ("a.srt", lambda t: b"1\n00:00:01,000 --> "
                                                    b"00:00:02,000\nP1: hi\n2\n00:00:03 --> "
                                                    b"00:00:04,000\nP2: yo\n", None,
                                                    ":5: broken timestamp: '00:00:03 --> "
                                                    "00:00:04,000'"),
    "CSV separated by tabs": ("a.csv", lambda t: b"speaker\ttext\nP1\tRent, again\n", None,
                              ":1: the header is one column, 'speaker\\ttext': its names are "
                              "separated by '\\t', not commas"),
    "binary text file": ("a.txt", lambda t: b"P1: \x00\x01\x02" * 10, None,
                         ": binary file, not text"),
    "NUL byte past the first 8 KiB": ("a.txt", lambda t: b"P1: rent\n" * 1000 + b"P2: a\x00b\n",
                                      None, ":1001: a NUL character, read as utf-8: the file "
                                      "is not text, or not in that encoding"),
    "UTF-16 file": ("a.txt", lambda t: "P1: rent\n".encode("utf-16"), None,
                    ": the file starts with a UTF-16 byte-order mark, so it is UTF-16 text, not "
                    "utf-8; set `encoding: utf-16` for it"),
    "empty text file": ("a.txt", lambda t: b"  \n", None, ": file is empty"),
}


def study_with(tmp_path, name, data, limits):
    root = make_study(tmp_path / "study", {"good.txt": GOOD, name: data}, None)
    if limits:
        with (root / "dialogcode.yaml").open("a", encoding="utf-8") as config:
            config.write(f"limits: {limits}\n")
    return root


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_transcript_is_refused_naming_the_file(tmp_path, case):
    name, build, limits, message = CASES[case]
    root = study_with(tmp_path, name, build(tmp_path), limits)
    first, *rest = (message,) if isinstance(message, str) else message
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for part in (f"transcripts/{name}{first}", *rest):
        assert part in result.output, result.output
    skipped = invoke("ingest", root, "-q", "--skip-bad")
    assert skipped.exit_code == 0, skipped.output
    assert "Skipped bad files (" in skipped.output
    assert f"\n  transcripts/{name}{first}" in skipped.output


def test_run_with_skip_bad_lists_every_hostile_file_and_codes_the_rest(tmp_path):
    files = {"good.txt": GOOD}
    for number, case in enumerate(sorted(CASES)):
        name, build, limits, _ = CASES[case]
        if limits is None:
            files[f"{number:02d}-{name}"] = build(tmp_path)
    root = make_study(tmp_path / "study", files, None)
    shutil.copy(DATA / "codebooks" / "small.yaml", root)
    (root / "dialogcode.yaml").write_text("title: Hostile\ncodebooks: [small.yaml]\n"
                                          "manifest: null\n", encoding="utf-8")
    result = invoke("run", root, "-q", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Skipped bad files (" in result.output
    assert all(f"transcripts/{name}:" in result.output for name in files if name != "good.txt")


def test_truncated_qdpx_is_refused_naming_the_file(tmp_path):
    root = make_study(tmp_path / "study", {"good.txt": GOOD}, None)
    assert invoke("ingest", root, "-q").exit_code == 0
    project = tmp_path / "coder.qdpx"
    project.write_bytes(docx_bytes(tmp_path)[:5000])
    result = invoke("import-codings", project, root, "--coder", "ana")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{project}: not a readable REFI-QDA project (.qdpx): it is damaged, cut short "
            "or not a zip archive") in result.output


def test_limits_in_dialogcode_yaml_are_checked(tmp_path):
    root = study_with(tmp_path, "a.txt", GOOD, "{file_mb: -1, ratio: lots, sizes: 3}")
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "[limits.file_mb]: Input should be greater than 0" in result.output
    assert "[limits.ratio]: Input should be a valid number" in result.output
    assert "[limits.sizes]: unknown key" in result.output


def test_text_after_a_word_turn_table_is_kept(tmp_path):
    path = write_docx_table(tmp_path / "t.docx")
    document = docx.Document(str(path))
    document.add_paragraph("Debrief", style="Heading 2")
    document.add_paragraph("The group asked for the next circle in May.")
    document.add_paragraph("P2: One more thing: the clinic stays open late.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Budget", "4,000"
    document.add_paragraph("Closing remarks.")
    document.save(str(path))
    root = make_study(tmp_path / "study", {"t.docx": path}, None)
    assert invoke("ingest", root, "-q").exit_code == 0
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    got = list(zip(segments["kind"], segments["speaker"].fillna(""), segments["text"],
                   segments["line"].fillna(0)))
    assert got == [
        ("preamble", "", "Synthetic fixture: kick-off breakout.", 0),
        ("turn", "Facilitator", "What does prevention mean here?", 2),
        ("turn", "P1", "Policing, mostly. That's what people know.", 3),
        ("turn", "P2", "Or nothing at all.", 5),
        ("heading", "", "Debrief", 7),
        ("section", "", "The group asked for the next circle in May.", 8),
        ("turn", "P2", "One more thing: the clinic stays open late.\nBudget\t4,000\n"
                       "Closing remarks.", 9)]


def test_captions_without_blank_lines_are_cut_at_their_timing_lines(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nP1: Rent went up.\n2\n"
                    "00:00:03,000 --> 00:00:04,500\nP2: Again?\n3\n00:00:05,000 --> "
                    "00:00:06,000\nP1: Again.\n", encoding="utf-8")
    from dialogcode.formats import read_document
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end, b.line)
            for b in parsed.blocks] == [("P1", "Rent went up.", 1.0, 2.0, 2),
                                        ("P2", "Again?", 3.0, 4.5, 5),
                                        ("P1", "Again.", 5.0, 6.0, 8)]
    assert "-->" not in parsed.text


def test_every_time_problem_of_a_table_is_listed(tmp_path):
    book = openpyxl.Workbook()
    for row in (["Time", "Speaker", "Text"], ["nan", "P1", "hi"], ["0:01", "P2", "ok"],
                ["-3", "P1", "yo"], [1e30, "P2", "so"]):
        book.active.append(row)
    book.save(tmp_path / "t.xlsx")
    root = make_study(tmp_path / "study", {"t.xlsx": tmp_path / "t.xlsx"}, None)
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  transcripts/t.xlsx:2: cannot read time 'nan': a time in a recording is from 0 to "
        "1000 hours",
        "  transcripts/t.xlsx:4: cannot read time '-3': a time in a recording is from 0 to "
        "1000 hours",
        "  transcripts/t.xlsx:5: cannot read time '1e+30': a time in a recording is from 0 to "
        "1000 hours"]


def test_a_loop_of_links_is_refused_naming_the_file(tmp_path):
    root = make_study(tmp_path / "study", {"good.txt": GOOD}, None)
    (root / "transcripts" / "a.txt").symlink_to("b.txt")
    (root / "transcripts" / "b.txt").symlink_to("a.txt")
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("transcripts/a.txt: a symbolic link that leads back to itself (a loop of "
            "links); remove it") in result.output
    manifest = "file,site\na.txt,Fresno\ngood.txt,Fresno\n"
    (root / "manifest.csv").write_text(manifest, encoding="utf-8")
    (root / "dialogcode.yaml").write_text("title: Loop\ncodebooks: []\n", encoding="utf-8")
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("manifest.csv:2 [file]: a symbolic link that leads back to itself (a loop of "
            "links); remove it") in result.output


@pytest.mark.parametrize("make", ["pipe", "link to nothing"])
def test_what_is_not_a_regular_file_is_refused_not_passed_over(tmp_path, make):
    # a pipe or a broken link among the transcripts, or named by the manifest, was left
    # out without a word (the study ingested without that document)
    import os
    root = make_study(tmp_path / "study", {"good.txt": GOOD}, None)
    odd = root / "transcripts" / "odd.txt"
    os.mkfifo(odd) if make == "pipe" else odd.symlink_to("gone.txt")
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    reason = ("not a regular file (a link to nothing, a pipe or a device), which ingest "
              "cannot read; remove it or put the transcript there")
    assert f"transcripts/odd.txt: {reason}" in result.output
    (root / "manifest.csv").write_text("file,site\nodd.txt,Fresno\ngood.txt,Fresno\n",
                                       encoding="utf-8")
    (root / "dialogcode.yaml").write_text("title: Odd\ncodebooks: []\n", encoding="utf-8")
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"manifest.csv:2 [file]: file 'odd.txt' is {reason}" in result.output


@pytest.mark.parametrize("make", ["pipe", "link to nothing"])
def test_what_is_not_a_regular_file_nor_named_as_a_transcript_is_ignored_with_a_warning(
        tmp_path, make):
    # a link to nothing that a sync tool leaves (or a pipe) named as no transcript is,
    # like any other file of that name, ignored with a warning: no transcript is lost,
    # and refusing it stopped the whole ingest
    import os
    root = make_study(tmp_path / "study", {"good.txt": GOOD}, None)
    odd = root / "transcripts" / "minutes.pdf"
    os.mkfifo(odd) if make == "pipe" else odd.symlink_to("gone.pdf")
    result = invoke("ingest", root, "-q")
    assert result.exit_code == 0, result.output
    assert "transcripts/minutes.pdf: not a transcript format; ignored" in result.output
    assert len(pd.read_parquet(root / "out" / "documents.parquet")) == 1
