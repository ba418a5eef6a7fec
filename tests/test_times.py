"""Times of table and JSON transcripts: seconds, clock times, and milliseconds (named so,
or plain `start`/`end` whose speaking rate as seconds is impossible)."""
import datetime
import json

import pytest
from click.testing import CliRunner

from dialogcode import IngestError, Study, ingest
from dialogcode.cli import cli
from dialogcode.formats import read_document

from conftest import make_study

TALK = [("A", "Thanks for joining. Let's start with the housing update from each site."),
        ("B", "Sure. We placed eleven families this month, mostly through the landlord fund."),
        ("A", "That's great. What got in the way for the others?"),
        ("B", "Mostly deposits. Two landlords backed out after the inspection."),
        ("C", "Same for us, and the waiting list for vouchers is still six months long.")]
# where each turn starts and ends in a 20-minute call, in milliseconds
SPANS = [(1230, 5870), (6400, 11900), (12480, 15010), (15700, 19950), (612300, 617450)]


def assemblyai(spans=SPANS) -> str:
    """An AssemblyAI-style transcript response: utterances with times in milliseconds."""
    return json.dumps({
        "id": "5551722-f677-48a2-b3cb-2c4a3c9a2e1f", "status": "completed",
        "language_code": "en_us", "audio_duration": 1204,
        "text": " ".join(text for _, text in TALK),
        "utterances": [{"speaker": speaker, "text": text, "start": start, "end": end,
                        "confidence": 0.93, "words": words(speaker, text, start, end)}
                       for (speaker, text), (start, end) in zip(TALK, spans)],
        "words": [word for (speaker, text), (start, end) in zip(TALK, spans)
                  for word in words(speaker, text, start, end)]})


def words(speaker, text, start, end) -> list[dict]:
    """The word objects of an utterance, its time shared out evenly."""
    each = (end - start) // len(text.split())
    return [{"text": word, "start": start + k * each, "end": start + (k + 1) * each,
             "confidence": 0.9, "speaker": speaker} for k, word in enumerate(text.split())]


def csv(header: str, spans) -> str:
    return header + "\n" + "".join(f"{speaker},{start},{end},\"{text}\"\n"
                                   for (speaker, text), (start, end) in zip(TALK, spans))


def times(path):
    parsed, _ = read_document(path)
    return [(b.time_start, b.time_end) for b in parsed.blocks], [str(n) for n in parsed.notes]


def seconds(spans):
    return [(start / 1000, end / 1000) for start, end in spans]


def test_assemblyai_json_times_are_read_as_milliseconds_and_ingest_says_so(tmp_path):
    root = make_study(tmp_path / "study", {"call.json": assemblyai()}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    note = ("start/end times read as milliseconds: all are whole numbers, and as seconds "
            "the median turn would be spoken at 0.003 words a second (2.6 as milliseconds)")
    assert f"call.json:1: {note}" in result.output
    assert "List a label under `speakers:`" not in result.output     # no label to settle
    corpus = ingest(Study.open(root))
    segments = corpus.segments
    assert list(zip(segments["time_start"], segments["time_end"])) == seconds(SPANS)
    assert corpus.documents["speaker_notes"][0].startswith(f"line 1: {note}")


@pytest.mark.parametrize("header", ["speaker,start_ms,end_ms,text",
                                    "speaker,startMs,endMs,text",
                                    "speaker,Offset ms,End ms,text"])
def test_columns_named_as_milliseconds_are_read_so(tmp_path, header):
    path = tmp_path / "call.csv"
    path.write_text(csv(header, SPANS), encoding="utf-8")
    assert times(path) == (seconds(SPANS), [])


def test_plain_csv_times_in_milliseconds_are_read_so_with_a_note(tmp_path):
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", SPANS), encoding="utf-8")
    found, notes = times(path)
    assert found == seconds(SPANS)
    assert len(notes) == 1 and notes[0].startswith("line 2: start/end times read as "
                                                   "milliseconds")


@pytest.mark.parametrize("spans", [
    [(1, 6), (6, 12), (12, 15), (16, 20), (612, 617)],     # whole seconds
    [(1.2, 5.9), (6.4, 11.9), (12.5, 15.0), (15.7, 20.0), (612.3, 617.5)],
    # whole numbers, but 5 to 10 words a millisecond: no reading makes them ms
    [(1, 3), (4, 5), (6, 7), (8, 9), (10, 12)],
], ids=["whole seconds", "decimal seconds", "too fast for milliseconds"])
def test_times_in_seconds_are_read_as_seconds(tmp_path, spans):
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", spans), encoding="utf-8")
    assert times(path) == ([(float(s), float(e)) for s, e in spans], [])


def test_a_time_past_the_limit_that_may_be_milliseconds_says_how_to_mark_it(tmp_path):
    # one word in three units: as milliseconds 333 words a second, so left as seconds
    path = tmp_path / "call.csv"
    path.write_text("speaker,start,end,text\nA,3700000,3700003,Hello\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert str(caught.value) == (
        f"{path}:2: cannot read time '3700000': a time in a recording is from 0 to 1000 "
        "hours; if the times are milliseconds, name the columns `start_ms` and `end_ms`")


def word_table(path, header, spans):
    """A Word document of one turn table: ``header`` (start, maybe end, speaker, text)
    over a row per turn of TALK at ``spans``."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=len(header))
    for row in [header, *[(str(start), *([str(end)] if len(header) == 4 else []), speaker,
                           text) for (speaker, text), (start, end) in zip(TALK, spans)]]:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.save(path)
    return path


def test_a_word_table_with_a_time_column_named_as_milliseconds(tmp_path):
    path = word_table(tmp_path / "call.docx", ("Start ms", "Speaker", "Text"), SPANS)
    assert [start for start, _ in times(path)[0]] == [start for start, _ in seconds(SPANS)]


def test_plain_word_table_times_in_milliseconds_are_read_so_with_a_note(tmp_path):
    # a Word table's plain start column of milliseconds was read as seconds (1230 ms as
    # 20 minutes) and its end column not at all, where a CSV table's was checked
    path = word_table(tmp_path / "call.docx", ("Start", "End", "Speaker", "Text"), SPANS)
    found, notes = times(path)
    assert found == seconds(SPANS)
    assert len(notes) == 1 and notes[0].startswith("line 2: start/end times read as "
                                                   "milliseconds")
    spans = [(1, 6), (6, 12), (12, 15), (16, 20), (612, 617)]       # whole seconds
    path = word_table(tmp_path / "call.docx", ("Start", "End", "Speaker", "Text"), spans)
    assert times(path) == ([(float(s), float(e)) for s, e in spans], [])


def test_a_word_table_with_one_time_column_named_as_milliseconds_is_refused(tmp_path):
    path = word_table(tmp_path / "call.docx", ("Start ms", "End", "Speaker", "Text"), SPANS)
    with pytest.raises(IngestError, match="the start column 'Start ms' is named as "
                                          "milliseconds but the end column 'End' is not"):
        read_document(path)


def test_whole_seconds_with_an_end_time_on_one_long_row_stay_seconds(tmp_path):
    # whole-second starts on every row, an end only on the closing row, which runs to the
    # end of a two-hour recording: one row's rate says nothing about the others' unit
    path = tmp_path / "call.csv"
    starts = [1, 6, 12, 16, 612]
    path.write_text("speaker,start,end,text\n" + "".join(
        f"{speaker},{start},{'7200' if k == 4 else ''},\"{text}\"\n"
        for k, ((speaker, text), start) in enumerate(zip(TALK, starts))), encoding="utf-8")
    found, notes = times(path)
    assert [start for start, _ in found] == [float(s) for s in starts]
    assert found[-1][1] == 7200.0 and notes == []


@pytest.mark.parametrize("entities", [[], [{"entity_type": "location", "text": "New York",
                                             "start": 7000, "end": 7900}]])
def test_assemblyai_response_without_speaker_labels_is_one_turn_of_its_words(tmp_path,
                                                                              entities):
    # no speaker labels: `utterances` is null and the words have no speaker, so each word
    # was a turn of its own; entity detection adds `entities`, whose texts run to more
    # than one word but are names, not the talk
    response = json.loads(assemblyai())
    response["utterances"] = None
    response["words"] = [dict(word, speaker=None) for word in response["words"]]
    response["entities"] = entities
    path = tmp_path / "call.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks] == [(None, response["text"], 1.23,
                                        response["words"][-1]["end"] / 1000)]
    assert [str(note).split(":")[1] for note in parsed.notes] == [
        " start/end times read as milliseconds",
        f" {len(response['words'])} single words without speakers read as one turn without "
        "a speaker (each word would be a turn of its own)",
        " column 'confidence' is not read (dialogcode reads each turn's speaker, text, start "
        "and end); if it holds one of those, map it with speaker_column, text_column, "
        "start_column or end_column in the manifest"]


@pytest.mark.parametrize("table", ["text\nYes\nNo\nMaybe\n",
                                   "text,start,end\nMendota,521,528\nLupe,1452,1456\nArcata,1147,1153\n"])
def test_one_word_rows_without_times_in_order_are_not_joined_as_words(tmp_path, table):
    # one-word answers without times, or names out of time order (a table of places and
    # names found), were joined into one turn as a speech-to-text tool's words
    path = tmp_path / "t.csv"
    path.write_text(table, encoding="utf-8")
    parsed, _ = read_document(path)
    rows = [line.split(",")[0] for line in table.split("\n")[1:-1]]
    assert [parsed.text[b.start:b.end] for b in parsed.blocks] == rows
    assert not any("single words" in note.message for note in parsed.notes)


def test_words_with_speakers_but_no_utterances_are_joined_into_the_speakers_turns(tmp_path):
    response = json.loads(assemblyai())
    response["utterances"] = None
    path = tmp_path / "call.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == TALK


@pytest.mark.parametrize("start, end", [("Start (ms)", "End (ms)"), ("Begin [ms]", "Stop [ms]"),
                                        ("Start in ms", "End in ms")])
def test_mapped_columns_marked_as_milliseconds_in_brackets_are_read_so(tmp_path, start, end):
    # a start column mapped from "Start (ms)" was read as seconds: 1230 ms as 20 minutes
    path = tmp_path / "call.csv"
    path.write_text(csv(f"speaker,{start},{end},text", SPANS), encoding="utf-8")
    parsed, _ = read_document(path, columns={"start": start})
    assert [b.time_start for b in parsed.blocks] == [s for s, _ in seconds(SPANS)]


def test_a_unix_time_is_not_taken_for_milliseconds(tmp_path):
    # a chat export's Unix times (seconds since 1970) were told to be named as ms, which
    # would read them as offsets of some 470 hours into a recording
    path = tmp_path / "chat.csv"
    path.write_text("speaker,timestamp,text\nA,1700000000,Hello all\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert str(caught.value) == (
        f"{path}:2: cannot read time '1700000000': a time in a recording is from 0 to 1000 "
        "hours; this looks like a date and time (a Unix time), not an offset into the "
        "recording: give the time from its start")


def test_assemblyai_response_with_entities_is_read_from_its_utterances(tmp_path):
    response = json.loads(assemblyai())
    response["entities"] = [{"entity_type": "location", "text": "New York", "start": 7000,
                             "end": 7900}]
    path = tmp_path / "call.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    assert times(path)[0] == seconds(SPANS)


def test_one_time_column_named_as_milliseconds_and_the_other_not_is_refused(tmp_path):
    # start_ms beside a plain end read the start as ms and the end as seconds: a turn
    # from 1.23 s to 5870 s
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start_ms,end,text", SPANS), encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert str(caught.value) == (
        f"{path}:1: the start column 'start_ms' is named as milliseconds but the end column "
        "'end' is not; name both so (`start_ms`, `end_ms`), or neither if both are seconds")


def test_a_table_of_single_words_is_one_turn_even_with_short_rows(tmp_path):
    # the first word's row ends before the end column: joining the words failed with
    # an IndexError (a traceback)
    path = tmp_path / "words.csv"
    path.write_text("text,speaker,start,end\nHello,,0\nworld,,1,5\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_end) for b in parsed.blocks] == [
        (None, "Hello world", 5.0)]


def test_plain_times_in_fractions_of_a_day_are_read_so_with_a_note(tmp_path):
    # a spreadsheet's times saved without their time format (0.000868 for 00:01:15) were
    # read as seconds: every turn within the recording's first second
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text",
                        [(repr(start / 86400), repr(end / 86400)) for start, end in
                         [(75, 80), (81, 87), (88, 91), (95, 99), (612, 617)]]),
                    encoding="utf-8")
    found, notes = times(path)
    assert found == [(75.0, 80.0), (81.0, 87.0), (88.0, 91.0), (95.0, 99.0), (612.0, 617.0)]
    assert len(notes) == 1 and notes[0].startswith("line 2: start/end times read as "
                                                   "fractions of a day")
    path.write_text(csv("speaker,start,end,text", [(0.1, 0.2), (0.3, 0.5), (0.6, 0.9),
                                                   (0.9, 0.95), (0.95, 0.99)]),
                    encoding="utf-8")     # too fast as days too: left as seconds
    assert times(path)[1] == []


def time_book(path, cells, number_format):
    """An .xlsx transcript whose start/end cells hold ``cells`` in ``number_format``."""
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["speaker", "text", "start", "end"])
    for (speaker, text), (start, end) in zip(TALK, cells):
        sheet.append([speaker, text, start, end])
        for cell in sheet[sheet.max_row][2:]:
            cell.number_format = number_format
    book.save(path)
    return path


def test_spreadsheet_durations_past_a_day_are_read(tmp_path):
    # a day-long recording's times typed as 25:00:05 are a duration ([h]:mm:ss), which
    # openpyxl gives as a timedelta of 1 day, 1:00:05: that was refused as no time
    days = [(1 + k / 1440, 1 + (k + 0.5) / 1440) for k in range(3)]
    parsed, _ = read_document(time_book(tmp_path / "t.xlsx", days, "[h]:mm:ss"))
    assert [(b.time_start, b.time_end) for b in parsed.blocks] == [
        (86400.0, 86430.0), (86460.0, 86490.0), (86520.0, 86550.0)]


@pytest.mark.parametrize("cells, number_format, why", [
    # in a time-of-day format (h:mm:ss) a time past 24 hours shows wrapped (30:00:00 as
    # 06:00:00) and openpyxl gives a date in 1900: read either way, a time could be wrong
    ([(0.5, 1.25)], "h:mm:ss",
     "'1900-01-01 06:00:00': a time past 24 hours in a time-of-day format (h:mm:ss) shows "
     "wrapped round the clock (30:00:00 as 06:00:00); format the column as a duration, "
     "[h]:mm:ss, and check the times"),
    ([(datetime.datetime(2019, 6, 5), None), (datetime.datetime(2019, 6, 5), None)],
     "yyyy-mm-dd", "the start column holds dates ('2019-06-05 00:00:00'), not times: map "
     "the time column as start, or leave the start column out")])
def test_spreadsheet_dates_are_refused_with_what_to_do(tmp_path, cells, number_format, why):
    path = time_book(tmp_path / "t.xlsx", cells, number_format)
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == f"{path}:2: " + (
        why if why.startswith("the start") else f"cannot read time {why}")


# a call from 09:30:05 in the morning, as a note-taker's sheet or a meeting tool logs it
CLOCK = [(9, 30, 5), (9, 30, 40), (9, 31, 2), (9, 31, 30), (9, 40, 15)]
FROM_FIRST = [0.0, 35.0, 57.0, 85.0, 610.0]


def clock_cells(kind: str) -> list:
    if kind == "time":
        return [datetime.time(*hms) for hms in CLOCK]
    if kind == "datetime":
        return [datetime.datetime(2019, 6, 5, *hms) for hms in CLOCK]
    return ["{:02d}:{:02d}:{:02d}".format(*hms) for hms in CLOCK]


@pytest.mark.parametrize("kind, number_format", [
    ("time", "hh:mm:ss"), ("datetime", "yyyy-mm-dd hh:mm:ss"), ("text", "@")])
def test_spreadsheet_times_of_day_are_read_from_the_first_turn(tmp_path, kind, number_format):
    # start times of day (09:30:05 ...) were read as offsets into the recording: the
    # first words nine and a half hours in, every quote cited there
    starts = clock_cells(kind)
    path = time_book(tmp_path / "t.xlsx", [(start, None) for start in starts],
                     number_format)
    parsed, _ = read_document(path)
    assert [b.time_start for b in parsed.blocks] == FROM_FIRST
    kind_said = "are dates and times" if kind == "datetime" else "read as times of day"
    assert [str(n) for n in parsed.notes][0].startswith(f"line 2: start/end times {kind_said}")


def test_csv_times_of_day_and_dates_and_times_are_read_from_the_first_turn(tmp_path):
    path = tmp_path / "call.csv"
    ends = ["09:30:39", "09:31:01", "09:31:29", "09:31:50", "09:41:00"]
    path.write_text(csv("speaker,start,end,text", zip(clock_cells("text"), ends)),
                    encoding="utf-8")
    found, notes = times(path)
    assert found == [(0.0, 34.0), (35.0, 56.0), (57.0, 84.0), (85.0, 105.0), (610.0, 655.0)]
    assert notes == [
        "line 2: start/end times read as times of day (the first, 09:30:05 on line 2, is "
        "past 07:00:00, hours into a recording): times in the recording are given from "
        "the first row's start, as 00:00:00; if they are offsets into the recording, give "
        "them as a duration ([h]:mm:ss) or in seconds, or set turn_times: offsets"]
    path.write_text(csv("speaker,start,end,text", [
        (f"2019-06-05T{start}", f"2019-06-05T{end}")
        for start, end in zip(clock_cells("text"), ends)]), encoding="utf-8")
    found, notes = times(path)
    assert found[:2] == [(0.0, 34.0), (35.0, 56.0)]
    assert notes[0].startswith("line 2: start/end times are dates and times: read as times "
                               "in the recording from the first row's, 2019-06-05 09:30:05 "
                               "(line 2), as 00:00:00")


def test_word_table_times_of_day_are_read_from_the_first_turn(tmp_path):
    path = word_table(tmp_path / "call.docx", ("Time", "Speaker", "Text"),
                      [(start, None) for start in clock_cells("text")])
    found, notes = times(path)
    assert [start for start, _ in found] == FROM_FIRST
    assert notes[0].startswith("line 2: start/end times read as times of day")


def test_times_early_in_a_recording_stay_offsets(tmp_path):
    # 00:01:15 or a video's 01:00:00 time code are where in the recording, as before
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("01:00:05", "01:00:10"), ("01:00:12", "01:00:20"), ("01:00:21", "01:00:30"),
        ("01:00:31", "01:00:40"), ("01:02:00", "01:02:09")]), encoding="utf-8")
    found, notes = times(path)
    assert found[0] == (3605.0, 3610.0) and notes == []


def test_a_time_of_day_before_the_first_turn_is_refused(tmp_path):
    # out of time order: read from the first turn, it would be negative
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("09:30:05", ""), ("09:29:00", ""), ("09:31:00", ""), ("09:32:00", ""),
        ("09:33:00", "")]), encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:3: cannot read time '09:29:00': before the first row's start, 09:30:05, "
        "from which the times are read: put the rows in time order")


def test_offsets_past_24_hours_are_not_times_of_day(tmp_path):
    # a later part of a long hearing, 05:10:00 into it: 25:00:00 is no time of day, yet
    # the column was read from its first row, every quote cited five hours early
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("05:10:00", ""), ("05:20:00", ""), ("12:00:00", ""), ("18:00:00", ""),
        ("25:00:00", "")]), encoding="utf-8")
    found, notes = times(path)
    assert [start for start, _ in found] == [18600.0, 19200.0, 43200.0, 64800.0, 90000.0]
    assert notes == []


def test_times_of_day_past_midnight_are_read_as_the_next_day(tmp_path):
    # a hearing running late (the real one in the shared data ends at 12:55 AM): the
    # first time after midnight was refused as before the first row's start
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("23:50:00", "23:55:00"), ("23:59:30", "00:00:10"), ("00:02:00", "00:03:00"),
        ("00:04:00", ""), ("00:10:00", "")]), encoding="utf-8")
    found, notes = times(path)
    assert found == [(0.0, 300.0), (570.0, 610.0), (720.0, 780.0), (840.0, None),
                     (1200.0, None)]
    assert notes[0].endswith("; from line 4 (00:02:00) on, the times are past midnight, "
                             "read as the next day")


def test_csv_times_with_am_or_pm_are_read_as_times_of_day(tmp_path):
    # a transcriber's sheet typed 9:30:05 AM: refused as no time ("use seconds or
    # HH:MM:SS"); seconds may be left out, and a.m. written with dots
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("9:30:05 AM", "9:30:39 AM"), ("9:30:40 am", ""), ("9:31:02 a.m.", ""),
        ("11:59 AM", "12:00:30 PM"), ("2:15 PM", "2:16 p.m.")]), encoding="utf-8")
    found, notes = times(path)
    assert found == [(0.0, 34.0), (35.0, None), (57.0, None), (8935.0, 9025.0),
                     (17095.0, 17155.0)]
    assert notes == [
        "line 2: start/end times read as times of day (the first, 9:30:05 AM on line 2, is "
        "written with AM or PM): times in the recording are given from the first row's "
        "start, as 00:00:00; if they are offsets into the recording, give them as a "
        "duration ([h]:mm:ss) or in seconds"]
    # AM or PM says a time of day even early in the day, and 12 AM is midnight
    path.write_text(csv("speaker,start,end,text", [
        ("11:58 PM", ""), ("11:59 PM", ""), ("12:00 AM", ""), ("12:30:10 AM", ""),
        ("1:00 AM", "")]), encoding="utf-8")
    found, notes = times(path)
    assert [start for start, _ in found] == [0.0, 60.0, 120.0, 1930.0, 3720.0]
    assert notes[0].endswith("; from line 4 (12:00 AM) on, the times are past midnight, "
                             "read as the next day")


def test_spreadsheet_cells_with_am_or_pm_are_read_as_times_of_day(tmp_path):
    # typed into text cells as a transcriber wrote them, or time cells shown with AM/PM
    texts = ["9:30:05 AM", "9:30:40 AM", "9:31:02 AM", "9:31:30 AM", "9:40:15 AM"]
    for cells, number_format in ((texts, "@"), (clock_cells("time"), "h:mm:ss AM/PM")):
        path = time_book(tmp_path / "t.xlsx", [(start, None) for start in cells],
                         number_format)
        found, notes = times(path)
        assert [start for start, _ in found] == FROM_FIRST
        assert notes[0].startswith("line 2: start/end times read as times of day")


@pytest.mark.parametrize("cell, why", [
    ("9:31:02", "the start times are each a time of day with AM or PM (the first 9:30:05 "
                "AM), and this is not one written alike"),
    ("13:00 PM", "a time with AM or PM runs from 12:00 AM (midnight) to 11:59:59 PM")])
def test_a_time_without_am_or_pm_among_them_is_refused(tmp_path, cell, why):
    # 9:31:02 among AM/PM times could be morning or evening: ambiguous, not guessed
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("9:30:05 AM", ""), ("9:30:40 AM", ""), (cell, ""), ("9:31:30 AM", ""),
        ("9:40:15 AM", "")]), encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == f"{path}:4: cannot read time {cell!r}: {why}"


@pytest.mark.parametrize("cell", ["75", "45:10"])
def test_a_start_written_otherwise_among_times_of_day_is_refused(tmp_path, cell):
    # a number or mm:ss among starts written as times of day: the column was read as
    # offsets, 09:30:05 as 9.5 hours into the recording and 75 as 75 seconds, unsaid
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("09:30:05", ""), ("09:30:40", ""), (cell, ""), ("09:31:30", ""),
        ("09:40:15", "")]), encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:4: cannot read time {cell!r}: the start times are each a time of day "
        "(the first 09:30:05), and this is not one written alike")


@pytest.mark.parametrize("start, end", [("12.5", "10"), ("09:31:00", "09:30:40")])
def test_a_row_ending_before_it_starts_is_refused(tmp_path, start, end):
    # the turn was given a negative length in the segments table, unsaid
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("09:30:05" if ":" in start else "1", ""), (start, end), ("", ""),
        ("", ""), ("", "")]), encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (f"{path}:3: the end time {end!r} is before the start "
                                f"time {start!r}")


def test_a_twelve_hour_time_past_noon_without_pm_says_to_add_am_or_pm(tmp_path):
    # 1:05:00 after 12:10:00 on a 12-hour clock: "put the rows in time order" alone sent
    # the reader to reorder rows that were in order
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("11:45:00", ""), ("12:10:00", ""), ("1:05:00", ""), ("", ""), ("", "")]),
        encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:4: cannot read time '1:05:00': before the first row's start, 11:45:00, "
        "from which the times are read: put the rows in time order, or if the times are "
        "on a 12-hour clock, write AM or PM after each (1:05:00 PM)")


def test_a_time_of_day_among_dates_and_times_is_named_not_the_first_date(tmp_path):
    # the error named the first row's date and time as unreadable ('use seconds or
    # HH:MM:SS'), not the row written otherwise
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("2019-06-05 09:30:00", ""), ("2019-06-05 09:30:40", ""), ("09:31:00", ""),
        ("", ""), ("", "")]), encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:4: cannot read time '09:31:00': the start times are each a date and time "
        "(the first 2019-06-05 09:30:00), and this is not one written alike")


@pytest.mark.parametrize("cell", ["09:75:00", "09:31:60"])
def test_a_time_of_day_with_60_minutes_or_seconds_or_more_is_refused(tmp_path, cell):
    # 09:75:00 was read as 10:15:00 without a word: a typo, no time of day
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [
        ("09:30:05", ""), (cell, ""), ("", ""), ("", ""), ("", "")]), encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (f"{path}:3: cannot read time {cell!r}: minutes and "
                                "seconds run from 00 to 59")


# plain-text turn times: the same rules as a table's start column, a turn for a row
SPEAKERS = ["P1", "P2", "P1", "P2", "P3"]


def transcript(path, stamps, form="[{}] {}: {}"):
    """A plain-text transcript of :data:`TALK`, each turn's time written as ``form``."""
    path.write_text("\n".join(form.format(stamp, f"P{'ABC'.index(speaker) + 1}", text)
                              for stamp, (speaker, text) in zip(stamps, TALK)) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    return ([(b.speaker, b.time_start) for b in parsed.blocks],
            [str(n) for n in parsed.notes])


def test_ingest_reads_a_plain_text_transcripts_times_of_day_and_says_so(tmp_path):
    text = "".join(f"[{stamp}] P{'ABC'.index(speaker) + 1}: {words}\n"
                   for stamp, (speaker, words) in zip(clock_cells("text"), TALK))
    root = make_study(tmp_path / "study", {"call.txt": text}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    assert "call.txt:1: turn times read as times of day (the first, 09:30:05" in result.output
    assert list(ingest(Study.open(root)).segments["time_start"]) == FROM_FIRST


@pytest.mark.parametrize("form", [
    "[{}] {}: {}", "{} {}: {}", "{1} ({0}): {2}", "[{1}] {0}\n{2}", "{}\n{}: {}"])
def test_plain_text_times_of_day_are_read_from_the_first_turn(tmp_path, form):
    # [09:30:05] P1: ... was read as nine and a half hours into the recording
    found, notes = transcript(tmp_path / "call.txt", clock_cells("text"), form)
    assert found == list(zip(SPEAKERS, FROM_FIRST))
    assert notes == [
        "line 1: turn times read as times of day (the first, 09:30:05 on line 1, is past "
        "07:00:00, hours into a recording): times in the recording are given from the "
        "first turn's start, as 00:00:00; if they are offsets into the recording, each is "
        "read 09:30:05 earlier"]


def test_plain_text_offsets_stay_offsets(tmp_path):
    # a recording's times from 00:00:00, or a video's from 01:00:00, and minutes and
    # seconds (09:30 as a table's 09:30 is, Rev's `(09:30)`) are where in the recording
    for stamps, found in (
            (["00:00:05", "00:00:12", "00:00:30", "00:00:41", "00:10:00"], [5, 12, 30, 41, 600]),
            (["01:00:05", "01:00:12", "01:00:30", "01:00:41", "01:10:00"],
             [3605, 3612, 3630, 3641, 4200]),
            (["09:30", "09:41", "10:02", "10:30", "11:15"], [570, 581, 602, 630, 675])):
        assert transcript(tmp_path / "call.txt", stamps) == (list(zip(SPEAKERS, found)), [])


def test_plain_text_times_with_am_or_pm_open_turns_as_times_of_day(tmp_path):
    # `(2:15 PM) Ana: ...` was not read as a turn at all: the file became one block
    found, notes = transcript(tmp_path / "call.txt",
                              ["11:58 PM", "11:59 p.m.", "12:00 AM", "12:30:10 am", "1:00 AM"],
                              "({}) {}: {}")
    assert found == list(zip(SPEAKERS, [0.0, 60.0, 120.0, 1930.0, 3720.0]))
    assert notes == [
        "line 1: turn times read as times of day (the first, 11:58 PM on line 1, is written "
        "with AM or PM): times in the recording are given from the first turn's start, as "
        "00:00:00; from line 3 (12:00 AM) on, the times are past midnight, read as the next "
        "day"]


def test_plain_text_times_of_day_past_midnight_are_read_as_the_next_day(tmp_path):
    found, notes = transcript(tmp_path / "call.txt",
                              ["23:50:00", "23:59:30", "00:02:00", "00:04:00", "00:10:00"])
    assert found == list(zip(SPEAKERS, [0.0, 570.0, 720.0, 840.0, 1200.0]))
    assert notes[0].endswith("; from line 3 (00:02:00) on, the times are past midnight, "
                             "read as the next day")


@pytest.mark.parametrize("stamp, why", [
    ("09:29:00", "before the first turn's start, 09:30:05, from which the times are read: "
                 "put the turns in time order"),
    ("13:00 PM", "a time with AM or PM runs from 12:00 AM (midnight) to 11:59:59 PM")])
def test_a_plain_text_turn_time_out_of_order_or_no_time_is_refused(tmp_path, stamp, why):
    path = tmp_path / "call.txt"
    with pytest.raises(IngestError) as error:
        transcript(path, ["09:30:05", "09:30:40", stamp, "09:31:30", "09:40:15"])
    assert str(error.value) == f"{path}:3: cannot read time {stamp!r}: {why}"


@pytest.mark.parametrize("offsets", [["0:49", "1:05"], ["00:00:49", "00:01:05"]])
def test_a_plain_text_time_with_am_or_pm_among_offsets_is_refused(tmp_path, offsets):
    # read as no time before: `(2:15 PM) P2:` was no turn, its words glued to P1's;
    # among offsets written h:mm:ss the error named line 1's time as the one unlike
    # the times of day
    path = tmp_path / "call.txt"
    with pytest.raises(IngestError) as error:
        transcript(path, [*offsets, "2:15 PM", "00:01:30", "00:01:45"])
    assert str(error.value) == (
        f"{path}:3: cannot read time '2:15 PM': a time of day among times into the "
        "recording (the first turn's is not one): write every turn's time alike")


def test_an_early_time_beside_times_with_am_or_pm_is_refused_for_not_saying_which(tmp_path):
    # beside 5:11 AM, 05:10:00 is a time of day lacking AM or PM: asking for turn_times
    # first (may it be an offset?) sent the user round twice
    path = tmp_path / "call.txt"
    with pytest.raises(IngestError) as error:
        transcript(path, ["05:10:00", "5:11 AM", "5:12 AM"])
    assert str(error.value) == (
        f"{path}:1: cannot read time '05:10:00': the start times are each a time of day "
        "with AM or PM (the first 05:10:00), and this is not one written alike")


@pytest.mark.parametrize("form", ["[{1}] {0}\n{2}", "{}\n{}: {}"])
def test_plain_text_times_whose_hour_gains_a_digit_are_all_turn_times(tmp_path, form):
    # 9:59:10 then 10:00:05 were written unlike each other: the turns before ten o'clock
    # lost their times, which became words of the turn above, and the first time of
    # day read from was the first after ten
    found, notes = transcript(tmp_path / "call.txt",
                              ["9:58:00", "9:59:10", "10:00:05", "10:01:00", "10:02:30"], form)
    assert found == list(zip(SPEAKERS, [0.0, 70.0, 125.0, 180.0, 270.0]))
    assert notes[0].startswith("line 1: turn times read as times of day (the first, 9:58:00")


def test_a_word_turn_time_out_of_order_below_a_turn_table_is_refused_at_its_line(tmp_path):
    # the paragraphs after a table are read as plain text: the error counted its lines
    # from the first paragraph after the table (line 4), not the document's (line 9)
    import docx

    document = docx.Document()
    document.add_paragraph("Focus group, part 1")
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate([("Time", "Speaker", "Text"), ("00:00:05", "P1", "Rent is up."),
                             ("00:00:12", "P2", "Mine too."), ("00:00:30", "P1", "Again.")]):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    for line in ("Part 2, after the break", "[09:30:05] P1: Back again.", "[09:30:40] P2: Yes.",
                 "[09:29:00] P1: Out of order.", "[09:31:00] P2: Fine."):
        document.add_paragraph(line)
    path = tmp_path / "group.docx"
    document.save(path)
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value).startswith(f"{path}:9: cannot read time '09:29:00': before the "
                                       "first turn's start")


# offsets with 60 minutes or seconds or more: 00:01:75 was read as 135 seconds, 00:75:00
# as 75 minutes, without a word; minutes alone (mm:ss) may pass 59 in a long recording
OFFSETS = ["00:00:05", "00:00:12", "00:00:30", "00:00:41", "00:10:00"]


@pytest.mark.parametrize("cell, why", [("00:01:75", "minutes and seconds"),
                                       ("00:75:00", "minutes and seconds"),
                                       ("1:75", "seconds")])
def test_an_offset_with_60_minutes_or_seconds_or_more_is_refused(tmp_path, cell, why):
    rows = [(start, "") for start in OFFSETS[:2] + [cell] + OFFSETS[3:]]
    table = tmp_path / "call.csv"
    table.write_text(csv("speaker,start,end,text", rows), encoding="utf-8")
    turns = tmp_path / "call.json"
    turns.write_text(json.dumps([{"speaker": speaker, "text": text, "start": start}
                                 for (speaker, text), (start, _) in zip(TALK, rows)]),
                     encoding="utf-8")
    plain = tmp_path / "call.txt"
    for path, line in ((table, 4), (turns, 3), (plain, 3)):
        with pytest.raises(IngestError) as error:
            transcript(path, OFFSETS[:2] + [cell] + OFFSETS[3:]) if path == plain \
                else read_document(path)
        assert str(error.value) == (f"{path}:{line}: cannot read time {cell!r}: {why} run "
                                    "from 00 to 59")


@pytest.mark.parametrize("stamp, why", [("0:75", "seconds"),
                                         ("00:75:00", "minutes and seconds")])
def test_an_otter_time_with_60_minutes_or_seconds_or_more_is_refused(tmp_path, stamp, why):
    path = tmp_path / "call.txt"
    path.write_text(f"P1  0:03\nRent is up.\n\nP2  {stamp}\nDeposits too.\n\n"
                    "P1  80:10\nAgain.\n", encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == f"{path}:4: cannot read time {stamp!r}: {why} run from 00 to 59"
    # minutes and seconds alone may pass 59 minutes: 80:10 is 4,810 seconds
    path.write_text(path.read_text(encoding="utf-8").replace(stamp, "0:49"), encoding="utf-8")
    assert [start for start, _ in times(path)[0]] == [3, 49, 4810]


def test_minutes_and_seconds_past_an_hour_are_read(tmp_path):
    # mm:ss of a long recording: 75:10 is 75 minutes 10 seconds
    stamps = ["58:00", "59:30", "60:05", "75:10", "99:59"]
    path = tmp_path / "call.csv"
    path.write_text(csv("speaker,start,end,text", [(s, "") for s in stamps]), encoding="utf-8")
    assert [start for start, _ in times(path)[0]] == [3480, 3570, 3605, 4510, 5999]
    assert transcript(tmp_path / "call.txt", stamps)[0] == list(
        zip(SPEAKERS, [3480, 3570, 3605, 4510, 5999]))


@pytest.mark.parametrize("timing", ["00:00:01,000 --> 00:00:75,000",
                                    "00:75:01,000 --> 00:75:02,000"])
def test_a_caption_time_with_60_minutes_or_seconds_or_more_is_refused(tmp_path, timing):
    path = tmp_path / "call.srt"
    path.write_text(f"1\n00:00:00,000 --> 00:00:01,000\nP1: hi\n\n2\n{timing}\nP2: yo\n",
                    encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (f"{path}:6: cue time {timing!r}: minutes and seconds run "
                                "from 00 to 59")


PART_TWO = "[05:10:00] P1: We are back.\n[05:10:30] P2: Rent again.\n[05:11:00] P1: Yes.\n"


def ingest_part_two(tmp_path, turn_times: str | None, *, in_config: bool = False):
    """``dialogcode ingest`` of a study holding :data:`PART_TWO`, ``turn_times`` given
    in its manifest (or in dialogcode.yaml): the result and the turns' times."""
    manifest = "file,turn_times\npart2.txt,{}\n".format(
        "" if in_config or turn_times is None else turn_times)
    root = make_study(tmp_path / "study", {"part2.txt": PART_TWO}, manifest)
    if in_config:
        with open(root / "dialogcode.yaml", "a", encoding="utf-8") as handle:
            handle.write(f"turn_times: {turn_times}\n")
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    if result.exit_code:
        return result, None
    return result, list(ingest(Study.open(root)).segments["time_start"])


def test_a_later_part_of_a_recording_from_05_00_is_not_guessed_a_time_of_day(tmp_path):
    # part 2 of a recording, from [05:10:00]: read as times of day from the first turn
    # (0, 30, 60), five hours of offset lost, with only a note
    result, _ = ingest_part_two(tmp_path, None)
    assert result.exit_code == 1
    assert ("Error: transcripts/part2.txt:1: cannot tell whether the turn times, from "
            "'05:10:00', are times of day or offsets into the recording (a later part of "
            "it): set turn_times: offsets or turn_times: clock for this file in the "
            "manifest, or in dialogcode.yaml") in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("in_config", [False, True])
@pytest.mark.parametrize("turn_times, found", [("offsets", [18600.0, 18630.0, 18660.0]),
                                               ("clock", [0.0, 30.0, 60.0])])
def test_turn_times_says_what_plain_text_turn_times_are(tmp_path, in_config, turn_times,
                                                         found):
    result, times = ingest_part_two(tmp_path, turn_times, in_config=in_config)
    assert result.exit_code == 0, result.output
    assert times == found
    assert ("turn times read as times of day" in result.output) == (turn_times == "clock")


def test_turn_times_as_offsets_keep_a_morning_time_where_it_is_in_the_recording(tmp_path):
    # 09:30:05 unset is a time of day (above); a nine-hour hearing's offsets say so
    path = tmp_path / "call.txt"
    path.write_text("[09:30:05] P1: Late now.\n[09:31:00] P2: Yes.\n", encoding="utf-8")
    parsed, _ = read_document(path, turn_times="offsets")
    assert [b.time_start for b in parsed.blocks] == [34205.0, 34260.0]
    assert parsed.notes == []


def test_a_manifest_turn_times_that_is_neither_is_refused(tmp_path):
    result, _ = ingest_part_two(tmp_path, "wall")
    assert result.exit_code == 1
    assert "manifest.csv:2 [turn_times]: turn_times 'wall' is not offsets or clock" in (
        result.output)


def test_turn_times_as_clock_refuses_times_that_are_no_time_of_day(tmp_path):
    # a meeting's `[9:30]`, `[9:45]` with turn_times: clock were read as minutes and
    # seconds (570 and 585 s: fifteen minutes apart read as fifteen seconds), the
    # setting dropped without a word
    path = tmp_path / "call.txt"
    path.write_text("Call notes\n[9:30] P1: We start.\n[9:45] P2: Rent.\n", encoding="utf-8")
    with pytest.raises(IngestError) as error:
        read_document(path, turn_times="clock")
    assert str(error.value) == (
        f"{path}:2: cannot read time '9:30' as a time of day (turn_times: clock): write "
        "the turn times h:mm:ss or with AM or PM, or set turn_times: offsets for this file")


@pytest.mark.parametrize("turn_times, found", [("offsets", [18600.0, 18630.0, 18660.0]),
                                               ("clock", [0.0, 30.0, 60.0])])
def test_turn_times_says_what_a_word_tables_times_are(tmp_path, turn_times, found):
    # turn_times: offsets was ignored for a Word file's time | speaker | text table: part
    # 2 of a recording from 05:10:00 was read from its first turn, five hours lost
    path = word_table(tmp_path / "part2.docx", ("Time", "Speaker", "Text"),
                      [(start, None) for start in ("05:10:00", "05:10:30", "05:11:00")])
    parsed, _ = read_document(path, turn_times=turn_times)
    assert [b.time_start for b in parsed.blocks][:3] == found
    assert [str(n) for n in parsed.notes if "times of day" in str(n)] == (
        [] if turn_times == "offsets" else [
            "line 2: start/end times read as times of day (the first, 05:10:00 on line 2, "
            "is one by turn_times: clock): times in the recording are given from the first "
            "row's start, as 00:00:00"])


def test_turn_times_as_clock_refuses_a_word_table_of_minutes_and_seconds(tmp_path):
    path = word_table(tmp_path / "call.docx", ("Time", "Speaker", "Text"),
                      [(start, None) for start in ("9:30", "9:45", "9:50")])
    with pytest.raises(IngestError) as error:
        read_document(path, turn_times="clock")
    assert str(error.value) == (
        f"{path}:2: cannot read time '9:30' as a time of day (turn_times: clock): write "
        "the start/end times h:mm:ss or with AM or PM, or set turn_times: offsets for this "
        "file")


@pytest.mark.parametrize("name, content", [
    ("call.csv", "speaker,text,start\nP1,We start.,75.5\nP2,Rent.,80\n"),
    ("call.json", '[{"speaker": "P1", "text": "We start.", "start": 75.5},\n'
                  ' {"speaker": "P2", "text": "Rent.", "start": 80}]')])
def test_turn_times_as_clock_says_a_number_of_seconds_is_an_offset(tmp_path, name, content):
    # a start column of seconds under turn_times: clock was told to be written h:mm:ss,
    # as if 75.5 were a time of day badly written; a number can only count from the
    # recording's start, so the fix is the setting, named with where it is set
    root = make_study(tmp_path / "study", {name: content}, f"file,turn_times\n{name},clock\n")
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 1
    assert (f"Error: transcripts/{name}:{2 if name.endswith('.csv') else 1}: cannot read "
            "time '75.5' as a time of day (turn_times: clock): a number counts time from "
            "the recording's start, never a time of day; set turn_times: offsets for this "
            "file in the manifest, or in dialogcode.yaml") in result.output
    assert "Traceback" not in result.output


# part 2 of a recording, or an early meeting: as in plain text, a table's first start
# from 05:00:00 to 06:59:59 may be either
EARLY = ["05:30:00", "05:30:30", "05:31:00"]


def said_transcript(path, stamps):
    """A transcript at ``path`` (plain text, a Word turn table, CSV, workbook of text
    cells or JSON list, by its suffix) whose turns start at ``stamps``, as written."""
    if path.suffix == ".txt":
        path.write_text("".join(f"[{stamp}] {speaker}: {text}\n"
                                for stamp, (speaker, text) in zip(stamps, TALK)),
                        encoding="utf-8")
    elif path.suffix == ".docx":
        word_table(path, ("Time", "Speaker", "Text"), [(s, None) for s in stamps])
    elif path.suffix == ".xlsx":
        time_book(path, [(s, None) for s in stamps], "@")
    elif path.suffix == ".csv":
        path.write_text(csv("speaker,start,end,text", [(s, "") for s in stamps]),
                        encoding="utf-8")
    else:
        path.write_text(json.dumps([{"speaker": speaker, "text": text, "start": start}
                                    for (speaker, text), start in zip(TALK, stamps)]),
                        encoding="utf-8")
    return path


def early_transcript(path):
    """A transcript at ``path`` (a Word turn table, CSV, workbook of time cells or JSON
    list, by its suffix) whose turns start at :data:`EARLY`."""
    if path.suffix == ".xlsx":
        return time_book(path, [(datetime.time.fromisoformat(s), None) for s in EARLY],
                         "hh:mm:ss")
    return said_transcript(path, EARLY)


@pytest.mark.parametrize("name, line", [("part2.docx", 2), ("part2.csv", 2),
                                        ("part2.xlsx", 2), ("part2.json", 1)])
def test_a_table_from_05_00_is_not_guessed_a_time_of_day(tmp_path, name, line):
    # a Word table (and a CSV, workbook or JSON list) whose first time was 05:30:00 was
    # read as times of day from the first row, five and a half hours of offset lost
    # with only a note, where a plain-text transcript's was refused
    path = early_transcript(tmp_path / name)
    with pytest.raises(IngestError) as error:
        read_document(path)
    assert str(error.value) == (
        f"{path}:{line}: cannot tell whether the start/end times, from '05:30:00', are "
        "times of day or offsets into the recording (a later part of it): set turn_times: "
        "offsets or turn_times: clock for this file in the manifest, or in dialogcode.yaml")


@pytest.mark.parametrize("name", ["part2.docx", "part2.csv", "part2.xlsx", "part2.json"])
@pytest.mark.parametrize("turn_times, found", [("offsets", [19800.0, 19830.0, 19860.0]),
                                               ("clock", [0.0, 30.0, 60.0])])
def test_turn_times_says_what_a_tables_times_are(tmp_path, name, turn_times, found):
    parsed, _ = read_document(early_transcript(tmp_path / name), turn_times=turn_times,
                              merge_turns=False)
    assert [b.time_start for b in parsed.blocks] == found
    assert any("read as times of day" in str(n) for n in parsed.notes) == (
        turn_times == "clock")


def test_times_that_say_what_they_are_from_05_00_are_read_without_asking(tmp_path):
    # with AM or PM, a time of day; a workbook's duration cells ([h]:mm:ss) and a
    # caption file's cue times, where in the recording
    path = word_table(tmp_path / "call.docx", ("Time", "Speaker", "Text"),
                      [(f"{s} AM", None) for s in EARLY])
    assert [start for start, _ in times(path)[0]] == [0.0, 30.0, 60.0]
    path = time_book(tmp_path / "part2.xlsx",
                     [((5.5 * 3600 + k * 30) / 86400, None) for k in range(3)], "[h]:mm:ss")
    assert [start for start, _ in times(path)[0]] == pytest.approx([19800, 19830, 19860])
    path = tmp_path / "part2.srt"
    path.write_text("1\n05:30:00,000 --> 05:30:04,000\nP1: We are back.\n\n"
                    "2\n05:30:30,000 --> 05:30:33,000\nP2: Rent again.\n", encoding="utf-8")
    assert times(path) == ([(19800.0, 19804.0), (19830.0, 19833.0)], [])


def test_ingest_refuses_a_word_table_from_05_00_until_turn_times_says(tmp_path):
    docx_file = early_transcript(tmp_path / "part2.docx")
    for turn_times in ("", "offsets"):
        root = make_study(tmp_path / f"study{turn_times}", {"part2.docx": docx_file},
                          f"file,turn_times\npart2.docx,{turn_times}\n")
        result = CliRunner().invoke(cli, ["ingest", str(root)])
        if not turn_times:
            assert result.exit_code == 1
            assert ("Error: transcripts/part2.docx:2: cannot tell whether the start/end "
                    "times, from '05:30:00', are times of day") in result.output
            assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    assert list(ingest(Study.open(root)).segments["time_start"]) == [19800.0, 19830.0,
                                                                      19860.0]


MARKED = ["9:30:05 AM", "9:30:35 AM", "9:31:05 AM"]
DATED = ["2019-06-05 09:30:05", "2019-06-05 09:30:35", "2019-06-05 09:31:05"]


@pytest.mark.parametrize("name, stamps", [
    *[(f"call.{suffix}", MARKED) for suffix in ("txt", "docx", "csv", "xlsx", "json")],
    *[(f"call.{suffix}", DATED) for suffix in ("docx", "csv", "xlsx", "json")]])
def test_turn_times_offsets_leaves_times_that_say_they_are_of_the_day(tmp_path, name,
                                                                      stamps):
    # turn_times: offsets (for part 2 of a recording, in dialogcode.yaml as the error
    # asking which suggests) made a CSV's `9:30:05 AM` or `2019-06-05 09:30:05` that
    # were read before "use seconds or HH:MM:SS": no offset says AM or PM or a date
    path = said_transcript(tmp_path / name, stamps)
    parsed, _ = read_document(path, turn_times="offsets", merge_turns=False)
    assert [b.time_start for b in parsed.blocks] == [0.0, 30.0, 60.0]
    assert any("09:30:05" in str(n) or "9:30:05 AM" in str(n) for n in parsed.notes)


def test_a_study_wide_turn_times_offsets_leaves_a_csv_of_dates_and_times_read(tmp_path):
    root = make_study(tmp_path / "study", {
        "part2.txt": PART_TWO,
        "call.csv": said_transcript(tmp_path / "call.csv", [
            "2019-06-05T09:30:05", "2019-06-05T09:30:35", "2019-06-05T09:31:05"])}, None)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as handle:
        handle.write("turn_times: offsets\n")
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    segments = ingest(Study.open(root)).segments
    assert {doc: list(times) for doc, times in segments.groupby("doc_id")["time_start"]} == {
        "call": [0.0, 30.0, 60.0], "part2": [18600.0, 18630.0, 18660.0]}


def test_turn_times_offsets_refuses_a_time_with_am_or_pm_among_them(tmp_path):
    # `[09:30:00]` said an offset beside `9:31 AM`: the error only said "use seconds or
    # HH:MM:SS", as if 9:31 AM were no time
    path = said_transcript(tmp_path / "call.txt", ["09:30:00", "09:30:30", "9:31 AM"])
    with pytest.raises(IngestError) as error:
        read_document(path, turn_times="offsets")
    assert str(error.value) == (
        f"{path}:3: cannot read time '9:31 AM': a time of day among times into the "
        "recording (the first turn's is not one): write every turn's time alike")
