"""A turn time before the one above it, in captions, Otter exports, tables (CSV, XLSX,
JSON) and Word turn tables, is kept as written with a note naming its line and both
times, as in plain text (:func:`dialogcode.formats.clock.backwards`); a clock started
again is not noted. A time that ends before it starts is refused."""
import json

import docx
import openpyxl
import pytest

from dialogcode.errors import IngestError
from dialogcode.formats import read_document

BACK = "is before the time above it"


def notes(path) -> list[str]:
    return [str(note) for note in read_document(path)[0].notes]


def vtt(*times: str) -> str:
    return "WEBVTT\n\n" + "".join(f"{start} --> {start[:-3]}999\nP{k % 2 + 1}: Words {k}.\n\n"
                                  for k, start in enumerate(times))


def srt(*times: str) -> str:
    return "".join(f"{k + 1}\n{start} --> {start[:-3]}999\nP{k % 2 + 1}: Words {k}.\n\n"
                   for k, start in enumerate(times))


@pytest.mark.parametrize("name, text, line, time, above, at", [
    # a cue at 00:01:00 after one at 00:31:00: the typo's turn was silently out of order
    ("call.vtt", vtt("00:30:00.000", "00:31:00.000", "00:01:00.000", "00:31:40.000"),
     9, "00:01:00.000", "00:31:00.000", 6),
    ("call.srt", srt("00:30:00,000", "00:31:00,000", "00:13:10,000", "00:31:40,000"),
     10, "00:13:10,000", "00:31:00,000", 6),
])
def test_a_cue_before_the_one_above_it_is_noted(tmp_path, name, text, line, time, above, at):
    (tmp_path / name).write_text(text, encoding="utf-8")
    said = notes(tmp_path / name)
    assert [note for note in said if BACK in note] == [
        f"line {line}: time {time} {BACK}, {above} (line {at}): kept as written, so "
        "durations and anything sorted by time take this turn out of order; if it is a "
        "typo, correct it"]


def test_captions_started_again_are_not_noted(tmp_path):
    (tmp_path / "call.vtt").write_text(vtt("00:30:00.000", "00:31:00.000", "00:00:02.000",
                                           "00:00:40.000"), encoding="utf-8")
    assert not [note for note in notes(tmp_path / "call.vtt") if BACK in note]


def test_an_otter_time_before_the_one_above_it_is_noted(tmp_path):
    (tmp_path / "call.txt").write_text(
        "Ana  30:00\nWe went there.\n\nBo  31:05\nYes.\n\nAna  13:10\nTypo.\n\n"
        "Bo  31:40\nMore.\n\nAna  0:05\nA second recording.\n", encoding="utf-8")
    parsed, fmt = read_document(tmp_path / "call.txt")
    assert fmt == "txt" and [b.time_start for b in parsed.blocks] == [1800, 1865, 790,
                                                                       1900, 5]
    assert [str(note) for note in parsed.notes if BACK in str(note)] == [
        f"line 7: time 13:10 {BACK}, 31:05 (line 4): kept as written, so durations and "
        "anything sorted by time take this turn out of order; if it is a typo, correct it"]


ROWS = [("00:30:00", "Ana", "We went there."), ("00:31:05", "Bo", "Yes."),
        ("00:13:10", "Ana", "Typo."), ("00:31:40", "Bo", "More."),
        ("00:00:05", "Ana", "A second recording.")]


def write_table(path, rows):
    if path.suffix == ".csv":
        path.write_text("start,speaker,text\n" + "".join(",".join(row) + "\n" for row in rows),
                        encoding="utf-8")
    elif path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        book.active.append(["start", "speaker", "text"])
        for row in rows:
            book.active.append(list(row))
        book.save(path)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(dict(zip(["start", "speaker", "text"], row))) + "\n"
                                for row in rows), encoding="utf-8")
    else:
        document = docx.Document()
        table = document.add_table(rows=0, cols=len(rows[0]))
        for row in [("Time", "Speaker", "Text", "End")[:len(rows[0])], *rows]:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = value
        document.save(path)


@pytest.mark.parametrize("name, line", [("call.csv", 4), ("call.xlsx", 4),
                                        ("call.jsonl", 3), ("call.docx", 4)])
def test_a_row_before_the_one_above_it_is_noted_naming_its_line(tmp_path, name, line):
    # a typo in a start column was kept without a word: wrong order, wrong durations
    write_table(tmp_path / name, ROWS)
    parsed, _ = read_document(tmp_path / name)
    assert [b.time_start for b in parsed.blocks] == [1800, 1865, 790, 1900, 5]
    assert [str(note) for note in parsed.notes if BACK in str(note)] == [
        f"line {line}: time 00:13:10 {BACK}, 00:31:05 (line {line - 1}): kept as written, "
        "so durations and anything sorted by time take this turn out of order; if it is "
        "a typo, correct it; if the rows are not in time order (sorted by speaker), sort "
        "them by start time"]


def test_a_word_table_row_ending_before_it_starts_is_refused(tmp_path):
    # kept silently, with a negative duration; a CSV row so is refused
    write_table(tmp_path / "call.docx", [("00:00:01", "Ana", "Hello.", "00:00:04"),
                                         ("00:00:09", "Bo", "Hi.", "00:00:05")])
    with pytest.raises(IngestError) as info:
        read_document(tmp_path / "call.docx")
    assert str(info.value) == (f"{tmp_path / 'call.docx'}:3: the end time '00:00:05' is "
                               "before the start time '00:00:09'")


def test_a_cue_ending_before_it_starts_is_refused_showing_its_times(tmp_path):
    (tmp_path / "call.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAna: Hi.\n\n"
                                       "00:00:09.000 --> 00:00:05.000\nBo: Hi.\n",
                                       encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read_document(tmp_path / "call.vtt")
    assert str(info.value) == (f"{tmp_path / 'call.vtt'}:6: cue ends before it starts: "
                               "'00:00:09.000 --> 00:00:05.000'")


def test_an_otter_turn_before_a_time_going_back_has_no_end(tmp_path):
    # its end is the next turn's time: 13:10 after 31:05 gave it a negative duration
    (tmp_path / "call.txt").write_text(
        "Ana  30:00\nWe went there.\n\nBo  31:05\nYes.\n\nAna  13:10\nTypo.\n\n"
        "Bo  31:40\nMore.\n\nAna  0:05\nA second recording.\n", encoding="utf-8")
    parsed, _ = read_document(tmp_path / "call.txt")
    assert [(b.time_start, b.time_end) for b in parsed.blocks] == [
        (1800, 1865), (1865, None), (790, 1900), (1900, None), (5, None)]


@pytest.mark.parametrize("name", ["call.csv", "call.jsonl", "call.docx"])
def test_a_table_sorted_by_speaker_is_noted(tmp_path, name):
    # each speaker's rows together, as some tools export them: the second speaker's first
    # row, 00:00:02, was taken for a clock started again, and nothing was said while
    # each speaker's rows were merged into one turn across the other's
    write_table(tmp_path / name, [("00:00:01", "Ana", "We went there."),
                                  ("00:00:12", "Ana", "And then."),
                                  ("00:01:10", "Ana", "Later."),
                                  ("00:00:02", "Bo", "Mm."),
                                  ("00:00:13", "Bo", "Yes.")])
    line = 4 if name.endswith(".jsonl") else 5     # a JSON Lines file has no header line
    assert [note for note in notes(tmp_path / name) if BACK in note] == [
        f"line {line}: time 00:00:02 {BACK}, 00:01:10 (line {line - 1}): kept as written, "
        "so durations and anything sorted by time take this turn out of order; if it is a "
        "typo, correct it; if the rows are not in time order (sorted by speaker), sort them "
        "by start time"]


def test_rows_merged_across_a_time_going_back_have_no_end(tmp_path):
    # one speaker's rows merged into one turn took the last row's end: 00:00:12 for a
    # turn starting at 00:01:40, a negative duration
    (tmp_path / "call.csv").write_text(
        "start,end,speaker,text\n00:01:40,00:01:44,Ana,We went there.\n"
        "00:00:10,00:00:12,Ana,Typo or a second part.\n00:02:00,00:02:05,Bo,Yes.\n"
        "00:02:10,00:02:15,Bo,Sure.\n", encoding="utf-8")
    parsed, _ = read_document(tmp_path / "call.csv")
    assert [(b.time_start, b.time_end) for b in parsed.blocks] == [(100, None), (120, 135)]
