"""Property-based tests (Hypothesis): whatever bytes a transcript holds, reading it gives
either blocks and segments whose text is exactly the document's slice, or a clean
IngestError, never another exception; a Word document loses none of its words; the quote
locator only ever returns spans that hold the quote. Examples are few and have no
deadline, so the suite stays quick."""
import io
import json
import re
import tempfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dialogcode.errors import IngestError
from dialogcode.formats import read_document
from dialogcode.importers.locate import (
    EXACT,
    FUZZY,
    MIN_SIMILARITY,
    TOLERANT,
    fold,
    locate,
)
from dialogcode.normalize import normalize_text, unify_line_breaks
from dialogcode.segment import segment_document

QUICK = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(QUICK, max_examples=25)
MANY = settings(QUICK, max_examples=200)
# pieces of every text format, so that generated files get past the first checks
PIECES = ["P1: ", "Facilitator: ", "[P2] ", "#P3: ", "Luis: ", "Site visit", "\n", "\n\n",
          "\r\n", "\r", " ", "\t", "WEBVTT\n\n", "1\n", "00:00:01,000 --> 00:00:02,000\n",
          "00:00:03.500 --> 00:00:04.000\n", "NOTE x\n\n", "<v Ana>", "</v>", "Ana  0:49\n",
          "## Setting\n", "speaker,text,start\n", '"', ",", "{", "}", "[", "]", ":",
          '{"speaker": "P1", "text": "hi", "start": 1}', "NaN", "-1", "e\u0301", "\u00e9",
          "\x0c", "\x00", "\ufeff", "\u2028", "words and more words. ", "Yes."]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30).map("".join)
LINES = TEXT.map(lambda text: "\n".join(line for line in text.splitlines() if line.strip()))
STAMP = st.builds("{:02d}:{:02d}:{:02d}{}{:03d}".format, st.integers(0, 1100), st.integers(0, 60),
                  st.integers(0, 60), st.sampled_from([",", "."]), st.integers(0, 999))
CUE = st.builds("{}\n{} --> {}\n{}".format, st.integers(1, 99) | st.just("x"), STAMP, STAMP,
                LINES | TEXT)
CUES = st.builds(lambda gap, cues: gap.join(cues), st.sampled_from(["\n\n", "\n"]),
                 st.lists(CUE, max_size=6))
VALUE = st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.lists(
    st.integers(), max_size=2)
OBJECTS = st.lists(st.dictionaries(st.sampled_from(["speaker", "text", "start", "end", "x"]),
                                   VALUE, max_size=5), max_size=6)
CELLS = st.lists(st.lists(LINES | TEXT | STAMP, min_size=1, max_size=3), max_size=6)
HEADER = st.sampled_from(["speaker,text", "speaker,text,start", "text,end", "who"])
CSV = st.builds(lambda header, rows, quote: "\n".join(
    [header, *(",".join(f"{quote}{cell}{quote}" for cell in row) for row in rows)]),
    HEADER, CELLS, st.sampled_from(["", '"']))
STRUCTURED = {"vtt": st.builds("{}{}".format, st.sampled_from(["WEBVTT\n\n", "WEBVTT\n"]), CUES),
              "srt": CUES, "csv": CSV, "json": OBJECTS.map(json.dumps),
              "jsonl": OBJECTS.map(lambda items: "\n".join(map(json.dumps, items)))}
TEXT_FORMATS = ["txt", "md", "vtt", "srt", "csv", "json", "jsonl"]


def check(parsed) -> None:
    """Blocks and segments are non-empty, trimmed, ordered slices of the text."""
    text = parsed.text
    previous = 0
    for block in parsed.blocks:
        assert previous <= block.start < block.end <= len(text)
        piece = text[block.start:block.end]
        assert piece == piece.strip()
        previous = block.end
    for unit in ("turn", "section"):
        for row in segment_document("d", parsed, unit):
            assert row["text"] == text[row["start"]:row["end"]] and row["text"]


def read_bytes(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t.{suffix}"
        path.write_bytes(data)
        return read_document(path)


@pytest.mark.parametrize("suffix", TEXT_FORMATS)
@QUICK
@given(data=st.data())
def test_any_bytes_give_exact_slices_or_a_clean_error(suffix, data):
    text = STRUCTURED.get(suffix, TEXT) | TEXT
    data = data.draw(text.map(lambda text: text.encode("utf-8")) | st.binary(max_size=300))
    try:
        parsed, _ = read_bytes(data, suffix)
    except IngestError as exc:
        assert exc.problems and all(p.file for p in exc.problems)
        return
    check(parsed)


@QUICK
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(["docx", "xlsx"]))
def test_any_bytes_as_a_word_or_excel_file_give_a_clean_error(data, suffix):
    with pytest.raises(IngestError):
        read_bytes(data, suffix)


WORDS = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                min_size=1, max_size=12)
PARAGRAPH = st.lists(WORDS | st.sampled_from(["P1:", "Luis:", "Facilitator:"]),
                     max_size=8).map(" ".join)
ROW = st.tuples(st.sampled_from(["P1", "P2", "Facilitator"]), PARAGRAPH)
ITEMS = st.lists(st.tuples(st.sampled_from(["paragraph", "heading", "table"]), PARAGRAPH,
                           st.lists(ROW, max_size=4)), min_size=1, max_size=6)


def word_file(items) -> bytes:
    document = docx.Document()
    for kind, text, rows in items:
        if kind == "table":
            table = document.add_table(rows=1, cols=2)
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Speaker", "Text"
            for speaker, said in rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = speaker, said
        else:
            document.add_paragraph(text, style="Heading 1" if kind == "heading" else None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@FEW
@given(items=ITEMS)
@example(items=[("paragraph", "A 0:", [])])    # a label of two words, as "Speaker 1:"
def test_a_word_document_keeps_every_word(items):
    written = [text for kind, text, _ in items if kind != "table"]
    written += [part for kind, _, rows in items if kind == "table"
                for speaker, said in rows if said.strip() for part in (speaker, said)]
    try:
        parsed, _ = read_bytes(word_file(items), "docx")
    except IngestError as exc:
        assert str(exc).endswith(("no text found", "the Word document has no text"))
        # labels only: "P1:", "A :" with a space before its colon, or a label of a few
        # words, as "Speaker 1:" or "Ana Lima:" are, a paragraph to itself
        assert not any(re.sub(r"\S+\s*:", " ", re.sub(r"^[^\W\d_][^:]{0,39}:", " ", part))
                       .strip() for part in written)
        return
    check(parsed)
    words = normalize_text(parsed.text).split()
    for word in normalize_text(" ".join(written)).split():
        assert word in words or any(word in w for w in words), word


CELL = st.none() | st.integers(-10, 10**6) | st.floats(allow_nan=True) | TEXT.map(
    lambda t: "".join(c for c in t if c.isprintable()))


@FEW
@given(header=st.permutations(["speaker", "text", "start"]),
       rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6))
def test_any_workbook_gives_exact_slices_or_a_clean_error(header, rows):
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    try:
        parsed, _ = read_bytes(out.getvalue(), "xlsx")
    except IngestError:
        return
    check(parsed)


DOCUMENT = TEXT.map(normalize_text)


@MANY
@given(text=DOCUMENT, quote=TEXT)
def test_the_locator_returns_only_spans_that_hold_the_quote(text, quote):
    found = locate(quote, text)
    wanted = normalize_text(quote).strip()
    for start, end in found.spans:
        assert 0 <= start < end <= len(text)
        if found.level == EXACT:    # as written, or its line breaks read as ingest's
            assert text[start:end] in (wanted, unify_line_breaks(wanted).strip())
        elif found.level == TOLERANT:
            assert fold(text[start:end])[0].strip() == fold(wanted)[0].strip()
    if found.level == FUZZY:
        assert found.similarity >= MIN_SIMILARITY
    if wanted and wanted in text:   # or, found as written inside a word only, a match
        assert found.level == EXACT or (  # of the folded quote at word edges elsewhere
            found.level == TOLERANT and found.spans)


@MANY
@given(text=DOCUMENT, data=st.data())
def test_a_slice_of_the_document_is_found_where_it_is(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quote = text[start:end]
    found = locate(quote, text)
    if not quote.strip() or normalize_text(quote) != quote:
        return
    left = start + len(quote) - len(quote.lstrip())
    right = end - len(quote) + len(quote.rstrip())
    if any(0 < edge < len(text) and text[edge - 1].isalnum() and text[edge].isalnum()
           for edge in (left, right)):
        # a slice cutting a word: where its words stand whole (the same words
        # folded) comes first, as a coder quotes words, not pieces of them
        assert found.level in (EXACT, TOLERANT) and found.spans
        return
    assert found.level == EXACT
    assert any(text[s:e] == quote.strip() for s, e in found.spans)
