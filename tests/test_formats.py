"""Each transcript format, read from a fixture file, gives the expected turns with exact offsets."""
import json

import docx
import openpyxl
import pytest

from dialogcode.errors import DialogcodeError
from dialogcode.formats import read_document

# file -> (format, [(kind, speaker, text), ...]) for the first blocks
EXPECTED = {
    "turns_colon.txt": ("txt", [
        ("preamble", None, "Synthetic fixture: kick-off breakout, table 3.\nRecorded with consent."),
        ("turn", "Facilitator", "Welcome, everyone. Let's start with what\nsafety means to you."),
        ("turn", "P1", "For me it's, um, knowing my neighbours.\nNext steps: I'll call the school."),
        ("turn", "P2", "Mm-hmm."),
        ("turn", "P1", "And that [NAME] can walk home at night."),
    ]),
    "turns_bracket.txt": ("txt", [
        ("turn", "Facilitator", "Thanks for coming."),
        ("turn", "P1", "Glad to be here.\n[NAME] told me about it."),
        ("turn", "P2", "Same here,\ntruly."),
    ]),
    "turns_hash.txt": ("txt", [
        ("turn", "Facilitator", "First question."),
        ("turn", "P1", "Housing, definitely housing."),
        ("turn", "P2", "Yeah."),
    ]),
    "otter.txt": ("txt", [
        ("preamble", None, "Synthetic fixture, Otter export."),
        ("turn", "P1", "We started the coalition in 2015."),
        ("turn", "Facilitator", "And who was at the table then?\nAnyone from the schools?"),
        ("turn", "P1", "Mostly service providers."),
    ]),
    "zoom.vtt": ("vtt", [
        ("preamble", None, "Synthetic fixture, Zoom captions."),
        ("turn", "P1", "Thanks & welcome. Let's begin."),
        ("turn", "Coach", "Where are you with the work plan?"),
    ]),
    "teams.vtt": ("vtt", [
        ("turn", "P1", "Can everyone hear me?"),
        ("turn", "Facilitator", "Yes, loud and clear. Let's start with introductions."),
    ]),
    "captions.srt": ("srt", [
        ("turn", "P1", "Rent went up again. Three families share one apartment."),
        ("turn", "P2", "That's the whole block."),
    ]),
    "turns.csv": ("csv", [
        ("turn", "P1", "Wage theft is everywhere, honestly."),
        ("turn", "Facilitator", "Say more?"),
        ("turn", "P1", "They pay\nin cash, or not at all."),
    ]),
    "turns.json": ("json", [
        ("turn", "P1", "We need the churches at the table. And the barbershops."),
        ("turn", "Coach", "Who could introduce you?"),
    ]),
    "turns.jsonl": ("jsonl", [
        ("turn", "P1", "Circles helped us heal."),
        ("turn", "P2", "Not everyone trusts them yet."),
    ]),
    "notes.md": ("md", [
        ("preamble", None, "Synthetic fixture: site-visit field notes."),
        ("section", None, "We met in the church hall. About twelve people."),
        ("section", None, "- Overcrowded housing came up often.\n- People trust the promotoras."),
        ("section", None, "Send the coaching notes."),
    ]),
    "notes.txt": ("txt", [
        ("preamble", None, "Synthetic fixture: plain-text field notes."),
        ("section", None, "The youth soccer league is a hub."),
        ("section", None, "Men talked about shame."),
    ]),
    "paragraphs.docx": ("docx", [
        ("preamble", None, "Synthetic fixture: closing breakout."),
        ("turn", "P1", "We finally have the school district at the table."),
        ("turn", "P2", "And the clinic, which I didn't expect."),
        ("turn", "P1", "Right."),
    ]),
    "table.docx": ("docx", [
        ("preamble", None, "Synthetic fixture: kick-off breakout."),
        ("turn", "Facilitator", "What does prevention mean here?"),
        ("turn", "P1", "Policing, mostly. That's what people know."),
        ("turn", "P2", "Or nothing at all."),
    ]),
    "turns.xlsx": ("xlsx", [
        ("turn", "Coach", "How did the elders respond?"),
        ("turn", "P1", "They want to host the next circle."),
    ]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_format_gives_expected_blocks(format_dir, name):
    parsed, fmt = read_document(format_dir / name)
    expected_fmt, expected = EXPECTED[name]
    assert fmt == expected_fmt
    got = [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert got == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_block_offsets_point_into_normalised_text(format_dir, name):
    parsed, _ = read_document(format_dir / name)
    for block in parsed.blocks:
        piece = parsed.text[block.start:block.end]
        assert piece and piece == piece.strip()
    starts = [b.start for b in parsed.blocks]
    assert starts == sorted(starts)


def test_caption_times_are_attributes_not_text(format_dir):
    parsed, _ = read_document(format_dir / "zoom.vtt")
    first, second = [b for b in parsed.blocks if b.kind == "turn"]
    assert (first.time_start, first.time_end) == (1.0, 8.0)  # two cues joined
    assert (second.time_start, second.time_end) == (8.0, 62.25)
    assert "-->" not in parsed.text and "00:00" not in parsed.text


def test_otter_and_table_timestamps(format_dir):
    otter, _ = read_document(format_dir / "otter.txt")
    assert [b.time_start for b in otter.blocks if b.kind == "turn"] == [3, 49, 3733]
    table, _ = read_document(format_dir / "table.docx")
    assert [b.time_start for b in table.blocks if b.kind == "turn"] == [5, 15, 62]


def test_notes_keep_their_heading(format_dir):
    parsed, _ = read_document(format_dir / "notes.md")
    assert [b.section for b in parsed.blocks] == [None, "Setting", "What we heard", "Follow-ups"]
    assert parsed.kind == "notes"


def test_normalisation_bom_crlf_nfc_and_smart_quotes(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffP1: It\u2019s cafe\u0301 \u2014 “quoted”\r\nstill P1\r\nP2: ok\r\n"
                     .encode("utf-8"))
    parsed, _ = read_document(path)
    assert "\r" not in parsed.text and not parsed.text.startswith("\ufeff")
    first = parsed.blocks[0]
    assert parsed.text[first.start:first.end] == "It\u2019s caf\u00e9 \u2014 “quoted”\nstill P1"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_byte_not_utf8_is_named_at_its_line_and_column(tmp_path, bom):
    # After a UTF-8 byte-order mark the message named the byte three bytes before it.
    path = tmp_path / "t.txt"
    path.write_bytes(bom + "P1: Rent.\nP2: Caf\u00e9.\n".encode("cp1252"))
    with pytest.raises(DialogcodeError) as info:
        read_document(path)
    assert str(info.value).startswith(f"{path}:2: not valid utf-8: byte 0xe9 at column 8;")


def test_configured_encoding_reads_latin1(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("P1: Caf\u00e9 con leche.\nP2: S\u00ed.\n".encode("latin-1"))
    parsed, _ = read_document(path, encoding="cp1252")
    assert parsed.text[parsed.blocks[0].start:parsed.blocks[0].end] == "Caf\u00e9 con leche."


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "iso-8859-15"])
def test_a_utf8_file_set_to_a_legacy_encoding_is_refused(tmp_path, encoding):
    # a UTF-8 file without a byte-order mark, in a study set to cp1252, was read garbled
    # ('JosÃ©: ...'): its labels no labels, one section of nobody's words, no error
    path = tmp_path / "t.txt"
    path.write_bytes("Jos\u00e9: The caf\u00e9 rent.\nBo: Na\u00efve.\nJos\u00e9: ok\n".encode())
    with pytest.raises(DialogcodeError) as info:
        read_document(path, encoding=encoding)
    assert str(info.value) == (
        f"{path}:1: the file is UTF-8 text, not {encoding}: read as {encoding}, 'Jos\u00e9' "
        f"would be 'Jos\u00c3\u00a9'; set `encoding: utf-8` for it in the manifest")
    # a file in the encoding it is set to is read as before
    path.write_bytes("Jos\u00e9: The caf\u00e9 rent.\n".encode("cp1252"))
    assert read_document(path, encoding=encoding)[0].blocks[0].speaker == "Jos\u00e9"


def test_a_utf16_file_is_read_as_configured_and_never_as_another_encoding(tmp_path):
    # Set to cp1252 (as the message for a file that is not UTF-8 suggested), a UTF-16 file
    # was read as 'ÿþP\x001\x00...': one garbled segment, no speakers, no error.
    path = tmp_path / "t.txt"
    path.write_bytes("P1: Caf\u00e9 y renta.\r\nP2: S\u00ed.\r\n".encode("utf-16"))
    with pytest.raises(DialogcodeError, match="starts with a UTF-16 byte-order mark, so it is "
                       "UTF-16 text, not cp1252; set `encoding: utf-16`"):
        read_document(path, encoding="cp1252")
    # a UTF-8 file (its mark written by Notepad) set to cp1252 began with 'ï»¿' and had
    # every accent garbled ('CafÃ©'), without an error
    marked = tmp_path / "u.txt"
    marked.write_bytes("\ufeffP1: Caf\u00e9 y renta.\n".encode("utf-8"))
    with pytest.raises(DialogcodeError, match="starts with a UTF-8 byte-order mark, so it is "
                       "UTF-8 text, not cp1252; set `encoding: utf-8`"):
        read_document(marked, encoding="cp1252")
    # set to utf-16 (for every file, in dialogcode.yaml), a UTF-8 file, or a UTF-16 one
    # without a mark in the other byte order, was read as a line of CJK-looking letters
    for other in ("utf-8", "utf-16-be"):
        path.write_bytes("P1: Caf\u00e9 y renta.\nP2: S\u00ed.\n".encode(other))
        with pytest.raises(DialogcodeError, match="read as utf-16, it has no space or line "
                           "break: it is in another encoding"):
            read_document(path, encoding="utf-16")
    path.write_bytes("P1: Caf\u00e9 y renta.\r\nP2: S\u00ed.\r\n".encode("utf-16"))
    for encoding in ("utf-16", "utf-16-le"):
        parsed, _ = read_document(path, encoding=encoding)
        assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
            ("P1", "Caf\u00e9 y renta."), ("P2", "S\u00ed.")]


@pytest.mark.parametrize("content, turns", [
    ({"speakers": [{"id": 1, "name": "Ana"}], "turns": [{"speaker": "Ana", "text": "Rent."}]},
     [("Ana", "Rent.")]),
    ({"segments": [{"speaker": "A", "text": "Jobs."}], "word_segments": [{"word": "Jobs."}]},
     [("A", "Jobs.")]),
    ({"words": [{"speaker": "A", "text": "Jobs"}], "utterances": [{"speaker": "A", "text": "Jobs."}]},
     "the JSON object holds lists 'words', 'utterances', and each of them is a list of turns"),
])
def test_a_json_object_is_read_from_its_list_of_turns(tmp_path, content, turns):
    # The object's first list was read, whatever it held: a list of speakers before the
    # turns was refused as having no text column, and of two lists of turns the first
    # was taken without a word.

    path = tmp_path / "t.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    if isinstance(turns, str):
        with pytest.raises(DialogcodeError, match=turns):
            read_document(path)
        return
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == turns


def _rev(*monologues) -> dict:
    """Rev's JSON export of ``monologues``, each (speaker id, speaker_name or None,
    [(word, start, end), ...], punctuation after the words)."""
    def elements(words, last):
        out = []
        for k, (word, start, end) in enumerate(words):
            out += [{"type": "punct", "value": " "}] if k else []
            out.append({"type": "text", "value": word, "ts": start, "end_ts": end,
                        "confidence": 0.98})
        return out + [{"type": "punct", "value": last}]
    return {"speakers": [{"id": 0, "name": "Interviewer"}, {"id": 1, "name": "Maria"}],
            "monologues": [{"speaker": who, **({"speaker_name": name} if name else {}),
                            "elements": elements(words, last)}
                           for who, name, words, last in monologues]}


def test_a_rev_json_transcript_is_read_with_its_speakers_and_times(tmp_path):
    # Rev's export (`speakers` and `monologues` of word elements) was refused as an
    # object holding two lists, neither of them turns
    path = tmp_path / "rev.json"
    path.write_text(json.dumps(_rev(
        (0, "Interviewer", [("How", 0.5, 0.7), ("is", 0.7, 0.8), ("rent?", 0.8, 1.2)], ""),
        (1, None, [("High", 1.5, 1.9)], "."),      # named by the speakers list
        (2, "Speaker 3", [("Same", 2.5, 2.8), ("here", 2.8, 3.1)], "."),
        (1, "Maria", [("Really", 4.0, 4.4), ("high", 4.4, 4.9)], "!"))), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks] == [
        ("Interviewer", "How is rent?", 0.5, 1.2), ("Maria", "High.", 1.5, 1.9),
        ("Speaker 3", "Same here.", 2.5, 3.1), ("Maria", "Really high!", 4.0, 4.9)]
    assert parsed.notes == []


@pytest.mark.parametrize("monologue, message", [
    ('{"speaker": 0, "text": "Hello."}', "item 1 of 'monologues' has no list of 'elements'"),
    ('{"speaker": 0, "elements": [{"type": "text", "value": 5}]}',
     "item 1 of 'monologues' has element 1 that is not an object with a text 'value'"),
    ('{"speaker": 0, "elements": [{"type": "text", "value": "Hi", "value": "Bye"}]}',
     "item 1 gives the key 'value' twice")])
def test_a_rev_monologue_that_cannot_be_read_is_refused(tmp_path, monologue, message):
    # read as it was, the monologue would lose its words ("Hi") or be no turn at all
    path = tmp_path / "rev.json"
    path.write_text('{"monologues": [' + monologue + "]}", encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value).startswith(f"{path}: {message}")


def test_a_rev_list_of_speakers_that_is_no_list_is_refused(tmp_path):
    # it stopped ingest with a traceback (an int is not iterable)
    path = tmp_path / "rev.json"
    rev = _rev((0, None, [("Hi", 0.5, 0.9)], "."))
    path.write_text(json.dumps({**rev, "speakers": 2}), encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value) == f"{path}: 'speakers' is not a list of {{id, name}} objects"


@pytest.mark.parametrize("name, content, message", [
    ("t.json", '[{"speaker": "P1", "text": "We need housing.", "text": "And jobs."}]',
     "t.json: item 1 gives the key 'text' twice"),
    ("t.jsonl", '{"speaker": "P1", "text": "Rent."}\n{"speaker": "P2", "speaker": "P3", '
                '"text": "Yes."}\n', "t.jsonl:2: line 2 gives the key 'speaker' twice"),
])
def test_a_json_key_given_twice_is_refused(tmp_path, name, content, message):
    # json keeps the last value of a key given twice: "We need housing." was dropped, and
    # P2's turn credited to P3, without a word
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DialogcodeError, match=message):
        read_document(path)
    path.write_text(content.replace('"text": "And jobs."', '"text": "We need housing."')
                    .replace('"speaker": "P3"', '"speaker": "P2"'), encoding="utf-8")
    parsed, _ = read_document(path)        # the same value twice loses nothing
    assert parsed.text.startswith(("P1: We need housing.", "P1: Rent."))


def test_rows_without_a_speaker_among_rows_with_one_are_noted(tmp_path):
    # a table naming the speaker only when it changes: the rows under a speaker were
    # turns without one, their words credited to nobody, without a word
    path = tmp_path / "t.csv"
    path.write_text("speaker,text\nP1,We need housing.\n,It keeps getting worse.\n"
                    ",Every month.\nP2,And jobs.\n,Good ones.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["P1", None, None, "P2", None]
    assert [str(n) for n in parsed.notes] == [
        "line 3: 3 of 5 rows without a speaker (3, 4, 6) read as turns without one; if the "
        "table names the speaker only when it changes, fill it in on every row"]
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    for row in [("Speaker", "Text"), ("P1", "We need housing."), ("", "Every month."),
                ("P2", "And jobs.")]:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.save(tmp_path / "t.docx")
    parsed, _ = read_document(tmp_path / "t.docx")
    assert [str(n) for n in parsed.notes] == [
        "line 3: 1 of 3 rows without a speaker (3) read as turns without one; if the table "
        "names the speaker only when it changes, fill it in on every row"]


def test_a_row_repeating_the_header_is_refused(tmp_path):
    # two exports joined (`cat a.csv b.csv`): the second header was a turn of a speaker
    # named "Speaker" saying "Text"
    path = tmp_path / "t.csv"
    path.write_text("Speaker,Text\nP1,We need housing.\nP2,And jobs.\nspeaker,text\n"
                    "P1,Second call.\n", encoding="utf-8")
    with pytest.raises(DialogcodeError) as error:
        read_document(path)
    assert str(error.value) == (f"{path}:4: row 4 repeats the header: were tables joined into "
                                "one file? Remove the repeated header rows (or split the "
                                "file, one table per file)")
    path.write_text("Speaker,Text\nP1,Text\n", encoding="utf-8")   # a turn saying "Text"
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [("P1", "Text")]


def test_a_second_column_named_like_the_text_is_refused_unless_the_text_is_mapped(tmp_path):
    # `content` beside `text` (a translation, a cleaned copy) was left out without a word
    path = tmp_path / "t.csv"
    path.write_text("speaker,text,content\nP1,We need housing.,Necesitamos vivienda.\n"
                    "P2,And jobs.,\n", encoding="utf-8")
    with pytest.raises(DialogcodeError, match="t.csv:1: columns 'text' and 'content' could "
                                              "both be the text, and only 'text' would be read"):
        read_document(path)
    parsed, _ = read_document(path, columns={"text": "content"})
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "Necesitamos vivienda.")]
    path.write_text("speaker,text,content\nP1,We need housing.,\n", encoding="utf-8")
    parsed, _ = read_document(path)                # an empty second column loses nothing
    assert [parsed.text[b.start:b.end] for b in parsed.blocks] == ["We need housing."]
    path = tmp_path / "t.json"     # nor does a key of that name holding metadata
    path.write_text(json.dumps([{"speaker": "P1", "text": "We need housing.",
                                 "content": {"type": "audio", "id": 7}, "message": 3}]),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [parsed.text[b.start:b.end] for b in parsed.blocks] == ["We need housing."]
    document = docx.Document()
    table = document.add_table(rows=0, cols=3)
    for row in [("Speaker", "Transcript", "Text"), ("P1", "We need housing.", "Vivienda.")]:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.save(tmp_path / "t.docx")
    with pytest.raises(DialogcodeError, match="t.docx:1: columns 'Text' and 'Transcript' "
                                              "could both be the text"):
        read_document(tmp_path / "t.docx")


def test_column_names_with_spaces_are_read_and_a_missing_speaker_column_is_noted(tmp_path):
    # `Speaker Name` and `Start Time` were not recognised: every turn had no speaker and
    # no time, without a note.
    named = tmp_path / "named.csv"
    named.write_text("Speaker Name,Text,Start Time\nAna,Rent is up.,0:05\nBen,Yes.,0:09\n",
                     encoding="utf-8")
    parsed, _ = read_document(named)
    assert [(b.speaker, b.time_start) for b in parsed.blocks] == [("Ana", 5.0), ("Ben", 9.0)]
    assert parsed.notes == []
    survey = tmp_path / "survey.csv"
    survey.write_text("ID,Respondent,text\n1,R1,Rent is up.\n", encoding="utf-8")
    parsed, _ = read_document(survey)
    assert [b.speaker for b in parsed.blocks] == [None]
    assert [str(n) for n in parsed.notes] == [
        "line 1: no speaker column among ID, Respondent: no turn has a speaker; map one with "
        "speaker_column in the manifest or `columns: {speaker: ...}`"]


def test_json_keys_are_read_in_any_case_so_no_item_is_dropped(tmp_path):
    # An item written with `Speaker`/`Text` among items with `speaker`/`text` was read as
    # having no text and left out without a word.
    path = tmp_path / "t.json"
    path.write_text('[{"speaker": "Ana", "text": "Housing first."},'
                    ' {"Speaker": "Dee", "Text": "And jobs."}]', encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Ana", "Housing first."), ("Dee", "And jobs.")]
    path.write_text('[{"text": "one", "Text": "two"}]', encoding="utf-8")
    with pytest.raises(DialogcodeError, match="item 1 has two keys named 'text'"):
        read_document(path)


def test_two_text_columns_are_refused_not_half_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("speaker,text,Text\nAna,hello,\nBen,,hidden words\n", encoding="utf-8")
    with pytest.raises(DialogcodeError, match="2 columns are named 'text'") as error:
        read_document(path)
    assert error.value.problems[0].line == 1


def test_a_workbook_with_the_transcript_on_two_sheets_is_refused(tmp_path):
    # Only the first sheet was read: the rows on the second were dropped without a word.
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Speaker", "Text"])
    book.active.append(["Ana", "Part one."])
    book.create_sheet("Notes").append(["Recorded in the church hall."])
    path = tmp_path / "t.xlsx"
    book.save(path)
    parsed, _ = read_document(path)          # a notes sheet is not a transcript
    assert [parsed.text[b.start:b.end] for b in parsed.blocks] == ["Part one."]
    book.create_sheet("Part 2").append(["speaker", "text"])
    book["Part 2"].append(["Ben", "Part two."])
    book.save(path)
    with pytest.raises(DialogcodeError, match="sheet\\(s\\) 'Part 2' have the first sheet's "
                                              "columns, but only the first sheet is read"):
        read_document(path)


def test_cells_merged_across_a_row_read_as_they_look_and_merged_down_are_refused(tmp_path):
    # Any merged range refused the workbook, though a text merged over the next column
    # (a turn written wider than its cell) shows its value once, on its own row.
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Speaker", "Text", "Comment"])
    book.active.append(["Ana", "Rent is up again.", None])
    book.active.append(["Ben", "So are evictions.", "loud"])
    book.active.merge_cells("B2:C2")
    path = tmp_path / "t.xlsx"
    book.save(path)
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Ana", "Rent is up again."), ("Ben", "So are evictions.")]
    book.active.merge_cells("A3:A4")
    book.active.append([None, "And the bus fare."])
    book.save(path)
    with pytest.raises(DialogcodeError, match="merged cells A3:A4: only the first cell"):
        read_document(path)


def test_a_value_hidden_under_cells_merged_across_a_row_is_refused(tmp_path):
    # A spreadsheet may keep a cell's value when it is merged into its neighbour
    # (LibreOffice asks): the merge shows only the first value, but the hidden one was
    # read, here as the turn's start time.
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["speaker", "text", "start"])
    book.active.append(["Ana", "Rent is up again.", 5])
    book.active.append(["Ben", "So are evictions.", 7])
    path = tmp_path / "t.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="B3:C3"/>'
                         b"</mergeCells>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(DialogcodeError, match="merged cells B3:C3 \\(C3\\) hide a value"):
        read_document(path)


def test_csv_columns_can_be_mapped(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Who,Comment\nP1,Hello\nP2,Hi\n", encoding="utf-8")
    parsed, _ = read_document(path, columns={"speaker": "Who", "text": "comment"})
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "Hello"), ("P2", "Hi")]


def blocks_of(path, **options):
    parsed, _ = read_document(path, **options)
    return [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks], \
        [str(n) for n in parsed.notes]


@pytest.mark.parametrize("after", ["\u00a0", "\u202f", "\u00a0 ", "\u200b ", "\u200b",
                                   "\u200e\u00a0"],
                         ids=["no-break space", "narrow no-break space", "both",
                              "zero-width and a space", "zero-width space",
                              "direction mark and a no-break space"])
def test_a_no_break_space_or_invisible_character_after_the_labels_colon_opens_a_turn(
        tmp_path, after):
    # `P1:` then a no-break space (as Word and French typing write it) or a zero-width
    # space (text copied from a web page or chat) was no label: P1's words were credited
    # to P2, the speaker of the line above, without a note
    path = tmp_path / "t.txt"
    path.write_text(f"P1: We need housing.\nP2: Agreed.\nP1:{after}The rent doubled.\n"
                    "P2: Wages are low.\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("P1", "We need housing."), ("P2", "Agreed."), ("P1", "The rent doubled."),
        ("P2", "Wages are low.")]


@pytest.mark.parametrize("mark", ["\u200b", "\u200e", "\u00ad"],
                         ids=["zero-width space", "left-to-right mark", "soft hyphen"])
def test_an_invisible_character_beside_a_label_leaves_it_a_label(tmp_path, mark):
    # `P1` and a zero-width space or direction mark before its colon (text copied from a
    # web page or chat) was no label: P1's words were the turn above's, without a note
    path = tmp_path / "t.txt"
    path.write_text(f"P1: We need housing.\nP2: Agreed.\nP1{mark}: The rent doubled.\n"
                    f"P2: Yes.\n{mark}P1: Wages are low.\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("P1", "We need housing."), ("P2", "Agreed."), ("P1", "The rent doubled."),
        ("P2", "Yes."), ("P1", "Wages are low.")]


@pytest.mark.parametrize("layout", ["{who}: {said}\n", "{who}   {time}\n{said}\n\n"],
                         ids=["label", "Teams or Otter header"])
def test_a_name_written_surname_first_is_a_speaker(tmp_path, layout):
    # `Ruiz, Ana:` (as Teams writes names) was no label: her words were credited to the
    # speaker above, Ben, and her first turn was the preamble, without a note
    turns = [("Ruiz, Ana", "0:03", "We need housing."), ("Ben Lee", "0:10", "Agreed."),
             ("Ruiz, Ana", "0:15", "And wages."), ("Ben Lee", "1:02", "Yes.")]
    path = tmp_path / "t.txt"
    path.write_text("".join(layout.format(who=w, time=t, said=s) for w, t, s in turns),
                    encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [(w, s) for w, _, s in turns]


def test_a_name_written_surname_first_with_a_note_in_brackets_is_a_speaker(tmp_path):
    # `Ruiz, Ana (translated):` was no label, nor noted: her words were Ben's, the
    # speaker above; used once opening a paragraph, it is a speaker too (noted)
    path = tmp_path / "t.txt"
    path.write_text("Ben Lee: What changed?\nRuiz, Ana (translated): We need housing.\n"
                    "Ben Lee: Agreed.\nRuiz, Ana (translated): And wages.\n"
                    "Ben Lee: Yes.\n\nLopez, Eva (translated): Me too.\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Ben Lee", "What changed?"), ("Ruiz, Ana (translated)", "We need housing."),
        ("Ben Lee", "Agreed."), ("Ruiz, Ana (translated)", "And wages."),
        ("Ben Lee", "Yes."), ("Lopez, Eva (translated)", "Me too.")]
    assert notes == ["line 7: `Lopez, Eva (translated):` is used once and taken as a "
                     "speaker"]


def test_a_one_off_comma_and_note_opening_a_paragraph_is_talk_where_no_label_is_surname_first(
        tmp_path):
    # `So, Ana (laughing): you said wages.` in a file of `Ben Lee:` labels was taken as
    # a new speaker `So, Ana (laughing)`, Ben's words credited to them
    path = tmp_path / "t.txt"
    path.write_text("Ben Lee: What changed?\nAna Ruiz: We need housing.\nBen Lee: Agreed.\n"
                    "Ana Ruiz: And wages.\nBen Lee: Yes.\n\nSo, Ana (laughing): you said "
                    "wages.\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [b[1] for b in blocks][-1] == "Ben Lee"
    assert "So, Ana (laughing): you said wages." in blocks[-1][2]


@pytest.mark.parametrize("line, label", [
    ("Well, yes: I think that is right.", None), ("Okay, so: here it is.", None),
    ("However, Ana: you said wages.", "`However, Ana:` read as text, not as a speaker"),
    ("Smith, Jones and Co: they own it all.",
     "`Smith, Jones and Co:` read as text, not as a speaker")])
def test_talk_with_a_comma_before_a_colon_stays_the_speakers_words(tmp_path, line, label):
    # since names written surname first (`Ruiz, Ana:`) are labels, `However, Ana:` and
    # `Well, yes:` opening a line were speakers of their own: Ben's words were theirs
    path = tmp_path / "t.txt"
    path.write_text("Ruiz, Ana: We need housing.\nBen: Agreed.\nRuiz, Ana: And wages.\n"
                    f"Ben: Yes.\n\n{line}\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Ruiz, Ana", "We need housing."), ("Ben", "Agreed."), ("Ruiz, Ana", "And wages."),
        ("Ben", f"Yes.\n\n{line}")]
    assert notes == ([f"line 6: {label}"] if label else [])


@pytest.mark.parametrize("after", ["", " "], ids=["no space", "a space"])
def test_a_full_width_colon_after_the_label_opens_a_turn(tmp_path, after):
    # `P2：` (U+FF1A, as a CJK or mobile keyboard types it) was no label: P2's words were
    # credited to P1, the speaker of the line above, without a note
    path = tmp_path / "t.txt"
    path.write_text(f"主持人：{after}你好。\nP1: We need housing.\nP2：{after}Agreed.\n"
                    "**P1：** Wages are low.\n主持人：谢谢。\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("主持人", "你好。"), ("P1", "We need housing."), ("P2", "Agreed."),
        ("P1", "Wages are low."), ("主持人", "谢谢。")]


def test_a_full_width_colon_names_a_caption_cue_s_speaker(tmp_path):
    # Zoom cues `P2：text` were turns of no one, the label left in the words
    path = tmp_path / "zoom.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nP1: What changed?\n\n"
                    "2\n00:00:04.000 --> 00:00:09.000\nP2：People still don't call.\n",
                    encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("P1", "What changed?"), ("P2", "People still don't call.")]


def test_one_off_speaker_in_a_file_of_turns_is_a_speaker_and_noted(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Listening session, Fresno\n\n"
                    "Evaluator: What is hardest for families here?\n\n"
                    "Maria: Housing. Three families in one apartment.\n\n"
                    "Evaluator: And for the men?\n\n"
                    "Luis: Money. Wages are low.\nNext steps: we call the union.\n\n"
                    "Maria: And nobody trusts the police.\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert blocks[4] == ("turn", "Luis", "Money. Wages are low.\nNext steps: we call the union.")
    assert [b[1] for b in blocks] == [None, "Evaluator", "Maria", "Evaluator", "Luis", "Maria"]
    assert notes == ["line 9: `Luis:` is used once and taken as a speaker",
                     "line 10: `Next steps:` read as text, not as a speaker"]


def test_one_turn_per_line_file_takes_one_off_names_but_not_phrases(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Coach: How did the circle go?\nAna Ruiz: Eighteen women came.\n"
                    "Coach: Who led it?\nNext steps: call the pastor.\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Coach", "How did the circle go?"), ("Ana Ruiz", "Eighteen women came."),
        ("Coach", "Who led it?\nNext steps: call the pastor.")]
    assert notes == ["line 2: `Ana Ruiz:` is used once and taken as a speaker",
                     "line 4: `Next steps:` read as text, not as a speaker"]


def test_one_off_label_in_a_file_where_labels_are_rare_stays_text(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("We met in the church hall after the service.\n"
                    "About twelve people came, most of them promotoras.\n"
                    "Luis: said the wages are the real problem.\n"
                    "The pastor offered the hall for the next circle.\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [b[0] for b in blocks] == ["section"]
    assert notes == ["line 3: `Luis:` read as text, not as a speaker"]


def test_listed_speakers_are_speakers_even_once_and_placeholders_never_are(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("We met in the church hall after the service.\n"
                    "About twelve people came, most of them promotoras.\n"
                    "Luis: the wages are the real problem.\n"
                    "NAME: said the same.\n", encoding="utf-8")
    blocks, notes = blocks_of(path, speakers=frozenset({"Luis"}))
    assert blocks == [("preamble", None, "We met in the church hall after the service.\n"
                                         "About twelve people came, most of them promotoras."),
                      ("turn", "Luis", "the wages are the real problem.\nNAME: said the same.")]
    assert notes == []


def test_zoom_names_are_speakers_whatever_their_count_and_voice_tags_still_work(tmp_path):
    path = tmp_path / "zoom.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nEvaluator: What changed?\n\n"
                    "2\n00:00:04.000 --> 00:00:09.000\nAna Ruiz: People still don't call.\n\n"
                    "3\n00:00:09.000 --> 00:00:12.000\nEvaluator: Why not?\n\n"
                    "4\n00:00:12.000 --> 00:00:15.000\n<v Tomas>Shame.</v>\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Evaluator", "What changed?"), ("Ana Ruiz", "People still don't call."),
        ("Evaluator", "Why not?"), ("Tomas", "Shame.")]
    assert notes == ["line 9: `Ana Ruiz:` is used once and taken as a speaker"]


def test_a_zoom_speaker_named_surname_first_once_is_a_speaker(tmp_path):
    # a caption cue that names its speaker is no talk: `Ruiz, Ana:` once is hers, even
    # though a one-off `However, Ana:` in plain text is read as talk
    path = tmp_path / "zoom.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nEvaluator: What changed?\n\n"
                    "2\n00:00:04.000 --> 00:00:09.000\nRuiz, Ana: People still don't call.\n\n"
                    "3\n00:00:09.000 --> 00:00:12.000\nEvaluator: Why not?\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Evaluator", "What changed?"), ("Ruiz, Ana", "People still don't call."),
        ("Evaluator", "Why not?")]
    assert notes == ["line 9: `Ruiz, Ana:` is used once and taken as a speaker"]


def test_a_cue_with_two_voices_keeps_each_speakers_words(tmp_path):
    # Until 2026-11-30 only the first <v> span of a cue was read: the second speaker's
    # words were dropped, or (without </v>) credited to the first speaker.
    path = tmp_path / "teams.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>We need housing.</v>\n"
                    "<v Ben>And jobs too.</v>\n\n00:00:05.000 --> 00:00:08.000\n"
                    "- <v Ana>Hi there.\n- <v Ben>Hello.\n\n00:00:09.000 --> 00:00:12.000\n"
                    "[music] <v Ben>I agree.</v> (laughs)\n", encoding="utf-8")
    parsed, _ = read_document(path)
    got = [(b.speaker, b.line, b.time_start, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert got == [("Ana", 3, 1.0, "We need housing."), ("Ben", 5, 1.0, "And jobs too."),
                   ("Ana", 7, 5.0, "Hi there."), ("Ben", 9, 5.0, "Hello."),
                   (None, 11, 9.0, "[music]"), ("Ben", 11, 9.0, "I agree."),
                   (None, 11, 9.0, "(laughs)")]


def test_dashed_lines_keep_the_words_before_them_and_the_voice_they_are_in(tmp_path):
    # Splitting a cue at its dashed lines dropped the text before the first one, and
    # took a dashed list inside an open <v> span away from its speaker.
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>We need:\n- eggs\n"
                    "- milk</v>\n\n00:00:04.000 --> 00:00:06.000\nShopping list\n- bread\n"
                    "- rice\n\n00:00:06.000 --> 00:00:08.000\n<v Ben>OK.</v>\n",
                    encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Ana", "We need: eggs milk"), (None, "Shopping list"),
        (None, "bread"), (None, "rice"), ("Ben", "OK.")]


def test_subtitle_position_tags_are_not_text(tmp_path):
    # An SRT cue opening with a subtitle editor's {\an8} kept the tag as text, and its
    # speaker label, no longer at the start, was lost: the turn had no speaker.
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:04,000\n{\\an8}P1: We need housing.\n\n"
                    "2\n00:00:05,000 --> 00:00:08,000\nP2: {\\i1}Jobs{\\i0} too.\n",
                    encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [("P1", "We need housing."), ("P2", "Jobs too.")]


YOUTUBE = """WEBVTT
Kind: captions
Language: en

00:00:00.160 --> 00:00:02.270 align:start position:0%
 
so<00:00:00.480><c> today</c><00:00:00.799><c> we're</c><00:00:01.040><c> talking</c><00:00:01.360><c> about</c><00:00:01.760><c> rent</c>

00:00:02.270 --> 00:00:02.280 align:start position:0%
so today we're talking about rent
 

00:00:02.280 --> 00:00:04.950 align:start position:0%
so today we're talking about rent
and<00:00:02.560><c> how</c><00:00:02.800><c> it</c><00:00:03.040><c> keeps</c><00:00:03.360><c> rising</c>

00:00:04.950 --> 00:00:04.960 align:start position:0%
and how it keeps rising
 

00:00:04.960 --> 00:00:07.000 align:start position:0%
and how it keeps rising
every<00:00:05.200><c> year</c>
"""


def test_youtube_automatic_captions_are_read_once_each(tmp_path):
    # a line of a space in a cue ended it, so the next line was a cue without a timing
    # line (refused); and each rolled-up line repeated in the next cues would be read
    # two or three times, its codes counted as often
    path = tmp_path / "auto.vtt"
    path.write_text(YOUTUBE, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(parsed.text[b.start:b.end], b.time_start, b.line) for b in parsed.blocks] == [
        ("so today we're talking about rent", 0.16, 5),
        ("and how it keeps rising", pytest.approx(2.28), 13), ("every year", 4.96, 21)]
    assert [str(n) for n in parsed.notes] == [
        "line 5: 4 caption lines repeated from the cue before (rolled up, as automatic "
        "captions with times in their text are written) read once"]
    # without times in the cues' text, a line said twice running is kept
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nYes.\n\n"
                    "00:00:02.000 --> 00:00:03.000\nYes.\n \nNo.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [parsed.text[b.start:b.end] for b in parsed.blocks] == ["Yes.", "Yes. No."]


def test_subtitle_dashes_split_a_cue_between_its_speakers(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:04,000\nANA: We need housing.\n\n"
                    "2\n00:00:05,000 --> 00:00:08,000\n- BEN: I agree.\n- ANA: Good,\n"
                    "and jobs.\n\n3\n00:00:09,000 --> 00:00:10,000\n- a dash alone stays\n\n"
                    "4\n00:00:11,000 --> 00:00:14,000\nIt was\n-5 degrees, then\n-3.\n",
                    encoding="utf-8")
    blocks, notes = blocks_of(path, speakers=frozenset({"ANA", "BEN"}))
    assert [(b[1], b[2]) for b in blocks] == [
        ("ANA", "We need housing."), ("BEN", "I agree."), ("ANA", "Good, and jobs."),
        (None, "- a dash alone stays"), (None, "It was -5 degrees, then -3.")]
    # the two cues naming no one among named cues are words nobody is credited with
    assert notes == ["line 12: 2 of 4 cues without a speaker (12, 16) read as turns without "
                     "one; if the file names the speaker only when it changes, fill it in on "
                     "every cue"]


# a caption file's head and how it writes broadcast chevrons (`>>`): SubRip as is,
# WebVTT escaped
CAPTION_CHEVRONS = pytest.mark.parametrize("name, head, mark", [
    ("t.srt", "", ">>"), ("t.vtt", "WEBVTT\n\n", "&gt;&gt;")])


@CAPTION_CHEVRONS
def test_broadcast_chevrons_mark_each_new_speaker_of_a_cue(tmp_path, name, head, mark):
    # `>> ANA: ...`, as broadcast captions mark a change of speaker, was read as text of
    # a turn without a speaker, the label in it; a cue of two such lines is two people
    path = tmp_path / name
    path.write_text(f"{head}1\n00:00:01.000 --> 00:00:04.000\n{mark} ANA: We need housing.\n\n"
                    f"2\n00:00:05.000 --> 00:00:08.000\n{mark} BEN: I agree.\n{mark} ANA: Good,\n"
                    f"and jobs.\n\n3\n00:00:09.000 --> 00:00:10.000\n{mark} Someone else.\n",
                    encoding="utf-8")
    blocks, _ = blocks_of(path, speakers=frozenset({"ANA", "BEN"}))
    assert [(b[1], b[2]) for b in blocks] == [
        ("ANA", "We need housing."), ("BEN", "I agree."), ("ANA", "Good, and jobs."),
        (None, "Someone else.")]


@CAPTION_CHEVRONS
def test_a_label_after_broadcast_chevrons_names_the_speaker_even_used_once(
        tmp_path, name, head, mark):
    # without `speakers:`, `>> MARIA: ...` used once was a turn of nobody with `MARIA:`
    # in its words; `>>` inside a line (`... >> BEN: I agree.`) was left in the text,
    # BEN's words credited to the speaker before
    path = tmp_path / name
    path.write_text(f"{head}1\n00:00:01.000 --> 00:00:04.000\n{mark}MARIA: We need housing.\n"
                    f"\n2\n00:00:05.000 --> 00:00:08.000\nand jobs. {mark} BEN: I agree.\n\n"
                    f"3\n00:00:09.000 --> 00:00:10.000\n{mark}\nSomeone else.\n\n"
                    "4\n00:00:11.000 --> 00:00:12.000\nmore words\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("MARIA", "We need housing."), (None, "and jobs."), ("BEN", "I agree."),
        (None, "Someone else."), (None, "more words")]


@CAPTION_CHEVRONS
def test_chevrons_between_words_or_numbers_are_text_not_a_speaker_change(
        tmp_path, name, head, mark):
    # `it costs 5 >> 3` and `ok >>> fine` were cut in two, the words after the chevrons
    # a turn of nobody's, taken from the speaker who said them
    path = tmp_path / name
    path.write_text(f"{head}1\n00:00:01.000 --> 00:00:04.000\n{mark}ANA: it costs 5 {mark} 3"
                    f" others\n\n2\n00:00:05.000 --> 00:00:08.000\n{mark}BEN: ok {mark}> "
                    f"fine\n\n3\n00:00:09.000 --> 00:00:10.000\n{mark}ANA: yes. {mark} BEN: "
                    "no.\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("ANA", "it costs 5 >> 3 others"), ("BEN", "ok >>> fine"),
        ("ANA", "yes."), ("BEN", "no.")]


@pytest.mark.parametrize("lines", [
    ["[00:00:01] Facilitator: Welcome.", "[00:00:05] P1: We need housing.",
     "[00:01:09.5] P2: And jobs."],
    ["00:00:01 Facilitator: Welcome.", "00:00:05 P1: We need housing.",
     "0:01:09.5 P2: And jobs."],
    ["Facilitator (00:01): Welcome.", "P1 (00:05): We need housing.",
     "P2 [1:09.5]: And jobs."],
])
def test_timestamped_speaker_lines_are_turns_with_their_times(tmp_path, lines):
    # These exports were read as one block of field notes: no speakers, no times.
    path = tmp_path / "t.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, b.time_start, parsed.text[b.start:b.end])
            for b in parsed.blocks] == [
        ("turn", "Facilitator", 1.0, "Welcome."), ("turn", "P1", 5.0, "We need housing."),
        ("turn", "P2", 69.5, "And jobs.")]


def test_a_time_on_the_line_above_each_label_is_the_turns_time(tmp_path):
    # Each time was read as the last words of the turn before it, and no turn had a time.
    path = tmp_path / "t.txt"
    path.write_text("Call, 6 Feb\n\n00:00:01\nP1: We talked about rent.\n\n[00:00:15]\n"
                    "P2: Evictions, at\n10:30\nP1: More.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end], b.line, b.time_start)
            for b in parsed.blocks] == [
        ("preamble", None, "Call, 6 Feb", 1, None),
        ("turn", "P1", "We talked about rent.", 4, 1.0),
        ("turn", "P2", "Evictions, at\n10:30", 7, 15.0), ("turn", "P1", "More.", 9, None)]


@pytest.mark.parametrize("header", [
    "Location: Fresno\nAttendees: Facilitator, P1, P2\n",
    "Title: Kick-off breakout\nDate: 2019-03-03\n",
])
def test_a_transcripts_header_fields_are_its_preamble_not_speakers(tmp_path, header):
    # `Attendees:` and `Title:` were one-off speakers of a dense file: their values read
    # as talk (the date glued to the title's "turn"), a speaker named Title
    path = tmp_path / "t.txt"
    path.write_text(header + "\nFacilitator: Welcome, everyone.\nP1: Rent keeps rising.\n"
                    "Notes: the group agreed to meet again.\nP2: And wages do not.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("preamble", None, header.strip()), ("turn", "Facilitator", "Welcome, everyone."),
        ("turn", "P1", "Rent keeps rising."),
        ("section", None, "Notes: the group agreed to meet again."),    # an observer's
        ("turn", "P2", "And wages do not.")]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_speaker_named_like_a_header_field_who_speaks_twice_keeps_their_turns(tmp_path, gap):
    # `Subject:` answering `Interviewer:` (no speakers listed) was never a speaker: every
    # answer was glued into the question before it, without a note
    turns = [("Interviewer", "How was the move?"), ("Subject", "Hard on the kids."),
             ("Interviewer", "Why?"), ("Subject", "The school changed.")]
    path = tmp_path / "t.txt"
    path.write_text(gap.join(f"{speaker}: {text}\n" for speaker, text in turns), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == turns


def test_a_notes_label_inside_the_talk_is_an_observers_line_and_noted(tmp_path):
    # a one-off `Notes:` after the first turn was glued into it without the note every
    # other label read as text gets (then noted, still the facilitator's words: now an
    # observer's line); the header's fields before it stay unnoted
    path = tmp_path / "t.txt"
    path.write_text("Title: Group 3\n\nFacilitator: Welcome.\n\nNotes: two arrived late.\n\n"
                    "P1: Rent is the problem.\n\nFacilitator: Thanks.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        (None, "Title: Group 3"), ("Facilitator", "Welcome."), (None, "Notes: two arrived late."),
        ("P1", "Rent is the problem."), ("Facilitator", "Thanks.")]
    assert [str(n) for n in parsed.notes] == [
        "line 5: `Notes` (1 line) read as kinds of field-note entry, not as speakers; if one "
        "is a speaker, list it under `speakers:`"]


def test_a_one_off_speaker_in_turns_wrapped_over_lines_keeps_their_words(tmp_path):
    # turns on lines of their own, wrapped: few lines open with a label, so the file was
    # not dense, and a speaker who spoke once was glued into the turn before
    turns = [("Facilitator", "What got in the way of the housing work\nthis month, do you think?"),
             ("P1", "Mostly deposits, and two landlords\nbacked out after the inspection.")] * 6
    turns.insert(7, ("Luis", "The waiting list for vouchers is\nstill six months long."))
    path = tmp_path / "t.txt"
    path.write_text("".join(f"{speaker}: {text}\n" for speaker, text in turns), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == turns
    assert [str(n) for n in parsed.notes] == ["line 15: `Luis:` is used once and taken as a "
                                              "speaker"]


@pytest.mark.parametrize("stamps", [("(00:05)", "(00:09.5)"), ("[00:00:05]", "[00:00:09.5]")])
def test_a_name_and_a_bracketed_time_alone_on_a_line_open_a_turn(tmp_path, stamps):
    # `Speaker 1 (00:05)` above each turn's text: the file was read as field notes, one
    # section without a speaker or a note
    path = tmp_path / "t.txt"
    path.write_text(f"Speaker 1 {stamps[0]}\nHello there, welcome.\n\nAna Ruiz {stamps[1]}\n"
                    "Hi, thanks.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Speaker 1", "Hello there, welcome.", 5.0), ("Ana Ruiz", "Hi, thanks.", 9.5)]


@pytest.mark.parametrize("text, kind", [
    ("Visit to the union office.\n\nArrival (09:15)\nThe office was busy.\n\n"
     "Lunch break (12:30)\nWe ate with the organisers.\n", "notes"),
    ("P1: We met at the station.\nHard to say (10:30)\nP2: The meeting moved.\n"
     "Not really (11:00)\nP1: Right.\n", "transcript"),
])
def test_a_line_ending_in_a_bracketed_time_is_not_a_speaker_of_its_own(tmp_path, text, kind):
    # headings of field notes (`Arrival (09:15)`) and lines of talk ending in a time were
    # read as an Otter export: speakers named Arrival or Hard to say, the turns shifted
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == kind
    assert all(b.speaker in (None, "P1", "P2") for b in parsed.blocks)
    read = "".join(parsed.text[b.start:b.end] for b in parsed.blocks)
    assert [line for line in text.split("\n") if line.endswith(")") and line in read] == [
        line for line in text.split("\n") if line.endswith(")")]


def test_talk_ending_in_a_bracketed_time_stays_in_an_otter_like_turn(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Speaker 1 (00:05)\nWhen do we meet?\n\nSpeaker 2 (00:09)\nI said\n"
                    "not before (10:30)\nor so.\n\nSpeaker 1 (00:15)\nFine.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Speaker 1", "When do we meet?"), ("Speaker 2", "I said\nnot before (10:30)\nor so."),
        ("Speaker 1", "Fine.")]


@pytest.mark.parametrize("stamp", ["[00:00:{:02d}]", "[00:00:{:02d}.06]", "00:00:{:02d}"],
                         ids=["Trint", "Happy Scribe", "without brackets"])
def test_a_time_in_brackets_before_a_name_above_the_words_opens_its_turn(tmp_path, stamp):
    # `[00:00:01] Ana Ruiz` above her words (Trint, Happy Scribe) was no header: the file
    # was one section of nobody's words, its times and names read as talk, without a note
    turns = [("Ana Ruiz", "Welcome to the hearing.", 1), ("Bo Chen", "20% more rent.", 15),
             ("Ana Ruiz", "[laughs] Noted.", 42)]
    path = tmp_path / "t.txt"
    path.write_text("\n\n".join(f"{stamp.format(at)} {who}\n{said}" for who, said, at in turns)
                    + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], int(b.time_start), b.line)
            for b in parsed.blocks] == [(w, s, at, 1 + 3 * k)
                                         for k, (w, s, at) in enumerate(turns)]


def test_a_dash_between_a_name_and_its_time_is_not_the_name(tmp_path):
    # `Ana Ruiz - 00:00` (Fireflies) gave the speaker `Ana Ruiz -`
    path = tmp_path / "t.txt"
    path.write_text("Ana Ruiz - 00:00\nWelcome.\n\nBo Chen \u2013 00:15\nThe rent went up.\n\n"
                    "Ana Ruiz | 01:02\nNoted.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, b.time_start) for b in parsed.blocks] == [
        ("Ana Ruiz", 0), ("Bo Chen", 15), ("Ana Ruiz", 62)]


@pytest.mark.parametrize("heading", ["Break (00:{}:00)", "[00:{}:00] Break"])
def test_a_timed_heading_above_turns_is_no_speaker_of_them(tmp_path, heading):
    # `Break (00:12:00)` twice among `P1:` turns made the file an Otter export: every turn
    # after it was the words of a speaker `Break`, labels and all, without a note
    path = tmp_path / "t.txt"
    path.write_text(f"P1: We start.\nP2: Fine.\n\n{heading.format(12)}\nP1: We resume.\n"
                    f"P2: Yes.\n\n{heading.format(40)}\nP1: Again.\nP2: Ok.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    # and read so, the heading was the words of the turn above (`Fine.\n\nBreak`, its
    # time gone from the text) or a turn of P2 saying `Break`: it is a heading, time and all
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end], b.line)
            for b in parsed.blocks] == [
        ("turn", "P1", "We start.", 1), ("turn", "P2", "Fine.", 2),
        ("heading", None, heading.format(12), 4), ("turn", "P1", "We resume.", 5),
        ("turn", "P2", "Yes.", 6), ("heading", None, heading.format(40), 8),
        ("turn", "P1", "Again.", 9), ("turn", "P2", "Ok.", 10)]


@pytest.mark.parametrize("heading", ["Break (00:12:31)", "[00:12:31] Break"])
def test_a_timed_heading_squeezed_between_turns_is_a_heading(tmp_path, heading):
    # with no blank line around it, `Break (00:12:31)` after a turn's last sentence was
    # the words of that turn (`Let's pause.\nBreak`); a line of a turn's sentence ending
    # so stays its words
    path = tmp_path / "t.txt"
    path.write_text(f"Facilitator: Welcome.\nMaria: Rent went up.\nFacilitator: Let's pause."
                    f"\n{heading}\nMaria: We are back.\nFacilitator: Go on.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "Welcome."), ("turn", "Maria", "Rent went up."),
        ("turn", "Facilitator", "Let's pause."), ("heading", None, heading),
        ("turn", "Maria", "We are back."), ("turn", "Facilitator", "Go on.")]
    path.write_text(path.read_text(encoding="utf-8").replace("Let's pause.", "we stop for a"),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.kind for b in parsed.blocks} == {"turn"}
    assert [parsed.text[b.start:b.end] for b in parsed.blocks
            if b.speaker == "Facilitator" and b.line in (3, 4)] in (
        [["we stop for a\nBreak"], ["we stop for a", "Break"]][heading.startswith("[")],)


def test_a_header_above_words_opening_like_a_label_once_is_a_header(tmp_path):
    # words below a header that open like a label used nowhere else are its turn's words
    path = tmp_path / "t.txt"
    path.write_text("Speaker 1 (00:05)\nWelcome.\n\nSpeaker 2 (00:09)\nSo: we begin.\n\n"
                    "Speaker 1 (00:15)\nFine.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Speaker 1", "Welcome."), ("Speaker 2", "So: we begin."), ("Speaker 1", "Fine.")]


def test_a_colon_after_a_label_in_brackets_is_not_its_words(tmp_path):
    # `[SPEAKER_00]: ...` (WhisperX's text output): each turn's words began ': '
    path = tmp_path / "t.txt"
    path.write_text("[SPEAKER_00]: We need housing.\n[SPEAKER_01]: Agreed.\n"
                    "[SPEAKER_00]:\tWages too.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("SPEAKER_00", "We need housing."), ("SPEAKER_01", "Agreed."),
        ("SPEAKER_00", "Wages too.")]


def test_a_label_without_words_is_noted_as_no_turn(tmp_path):
    # `P2:` with nothing after it was dropped without a note: the turns after it were
    # numbered one less than a coder counting labels, so codes by turn number landed on
    # the turn before the one meant
    path = tmp_path / "t.txt"
    path.write_text("P1: First thing.\nP2:\nP1: Second thing.\nP2: ok\nP3:   \nP1: Yes.\n"
                    "P2: [00:00:05] Then rent.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["P1", "P1", "P2", "P1", "P2"]
    # (a label whose words follow a time written in the turn has them: no note)
    assert [str(n) for n in parsed.notes] == [
        "line 2: 2 speaker labels with no words (2, 5) are no turns, so the turns after "
        "them are numbered without them: a table of codes by turn number (`document, "
        "turn, code`) must count turns, not labels"]


def test_lines_of_timed_talk_are_no_headers(tmp_path):
    # a line of words after a time is a name above its turn only with words below it
    path = tmp_path / "t.txt"
    text = ("[00:00:05] Yeah\n[00:00:09] The rent went up again\n[00:00:12] Yeah\n"
            "[00:00:15] Wages did not\n")
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert "\n".join(parsed.text[b.start:b.end] for b in parsed.blocks) == text.strip()


def test_an_otter_export_saved_as_markdown_is_noted(tmp_path):
    # an Otter export saved as .md (a notes app) was one section of nobody's words,
    # without a note
    path = tmp_path / "t.md"
    path.write_text("Ana Ruiz [00:00:01]\nWelcome.\n\nBo Chen [00:00:15]\nThe rent went up.\n\n"
                    "Ana Ruiz [00:01:02]\nNoted.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert [str(n) for n in parsed.notes] == [
        "line 1: 3 lines are a speaker's name and a time above the words (`Ana Ruiz "
        "[00:00:01]`), as an Otter export writes them: a Markdown file is read as field "
        "notes, without speakers; save it as .txt to read its turns"]


@pytest.mark.parametrize("text", [
    "[10:15] Arrival\nWe met in the library.\n\n[10:45] Lunch\nRice and beans.\n",
    # one heading used twice made the notes an Otter export, each entry the words of a
    # speaker `Budget`, `Opening` or `Tour`, timed as minutes into a recording
    "Board meeting\n\n[09:00] Opening\nChair welcomes us.\n\n[09:15] Budget\nThe numbers."
    "\n\n[09:40] Housing\nDebate.\n\n[10:30] Budget\nRice and beans.\n",
    "Site 2\n\n09:00:00 Arrival\nWe got there.\n\n09:30:00 Tour\nThe manager.\n\n"
    "10:00:00 Tour\nRice and beans.\n"], ids=["one-off", "agenda", "with seconds"])
def test_timed_headings_of_field_notes_stay_headings(tmp_path, text):
    # times before one-off headings in brackets are notes' headings, no speakers
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert "".join(parsed.text[b.start:b.end] for b in parsed.blocks).count("Rice") == 1
    assert not parsed.notes     # no note that they may be speakers (`[00:00:05] Maria`)


@pytest.mark.parametrize("listed", [frozenset(), frozenset({"Facilitator Notes"})])
@pytest.mark.parametrize("notes", ["Facilitator Notes:\nMaria was upset.",
                                   "Facilitator Notes: Maria was upset."])
def test_staff_notes_after_a_turn_of_an_otter_export_are_nobodys_talk(tmp_path, notes,
                                                                      listed):
    # notes typed into an Otter export were the words of the speaker above: Maria's quotes
    # (listed under `speakers:` too: an Otter export's speakers are its `Name  0:49` lines)
    path = tmp_path / "t.txt"
    path.write_text(f"Facilitator  0:01\nWhat got in the way?\n\nMaria  0:05\nRent.\n\n"
                    f"{notes}\n\nFacilitator  0:30\nThank you.\n", encoding="utf-8")
    parsed, _ = read_document(path, speakers=listed)
    assert [(b.kind, b.speaker, b.section, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks] == [
        ("turn", "Facilitator", None, "What got in the way?", 1.0),
        ("turn", "Maria", None, "Rent.", 5.0),
        ("heading", None, None, "Facilitator Notes:", None),
        ("section", None, "Facilitator Notes:", "Maria was upset.", None),
        ("turn", "Facilitator", "Facilitator Notes:", "Thank you.", 30.0)]
    assert [str(n) for n in parsed.notes] == [
        "line 7: `Facilitator Notes:` read as a heading, not as talk"]


@pytest.mark.parametrize("label, gap", [("Facilitator comments:", " "),
                                        ("Facilitator notes -", " "),
                                        ("Notes (facilitator):", " "),
                                        ("Comments (facilitator):", " ")])
def test_staff_comments_or_notes_with_a_dash_in_an_otter_turn_are_nobodys_talk(
        tmp_path, label, gap):
    # under Maria's words in her turn's paragraph, they were Maria's words (so were
    # `Notes (facilitator): ...`)
    path = tmp_path / "t.txt"
    path.write_text(f"Facilitator  0:01\nWhat got in the way?\n\nMaria  0:05\nRent.\n"
                    f"{label}{gap}Maria was upset.\n\nFacilitator  0:30\nThank you.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "Maria", "Rent."),
        ("heading", None, label), ("section", None, "Maria was upset."),
        ("turn", "Facilitator", "Thank you.")]


def test_labels_in_markdown_bold_open_turns(tmp_path):
    # `**P1:**` (a transcript exported through Markdown) matched no label: the file was
    # one section of field notes, no speakers and no note
    path = tmp_path / "t.txt"
    path.write_text("**Facilitator:** Welcome, everyone.\n\n**P1**: Rent keeps rising.\n\n"
                    "__P2:__ And wages do not.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Facilitator", "Welcome, everyone."), ("P1", "Rent keeps rising."),
        ("P2", "And wages do not.")]


@pytest.mark.parametrize("name", ["t.md", "t.txt"])
def test_a_time_after_a_bold_label_opens_a_timed_turn(tmp_path, name):
    # `**Ana Ruiz** (00:01): ...` (a notes app's transcript) matched no label: the file
    # was one section of nobody's words, names and times read as talk, without a note
    path = tmp_path / name
    path.write_text("**Ana Ruiz** (00:01): Welcome.\n\n**Bo Chen** [00:15]: The rent went up."
                    "\n\n**Ana Ruiz** (01:02): Noted.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Ana Ruiz", "Welcome.", 1), ("Bo Chen", "The rent went up.", 15),
        ("Ana Ruiz", "Noted.", 62)]


def test_a_heading_in_markdown_bold_is_a_heading_not_a_speaker(tmp_path):
    # `**Part 2: Housing**`, bold round the whole line, was read as a bold label: turns of
    # speakers named Part 1 and Part 2 saying `Introductions**` and `Housing**`
    path = tmp_path / "t.txt"
    path.write_text("**Part 1: Introductions**\n\n**Facilitator:** Welcome.\n\n**P1:** Thanks."
                    "\n\n**Part 2: Housing**\n\n**Facilitator:** Rent?\n\n**P1:** It rises.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("preamble", None, "**Part 1: Introductions**"), ("turn", "Facilitator", "Welcome."),
        ("turn", "P1", "Thanks."), ("heading", None, "**Part 2: Housing**"),
        ("turn", "Facilitator", "Rent?"), ("turn", "P1", "It rises.")]


def test_lines_of_a_name_a_tab_and_text_are_turns(tmp_path):
    # a transcript exported as `Name<tab>text` lines (a table pasted as text) was one
    # section of field notes, its speakers lost; a header row is the preamble, a wrapped
    # line stays in its turn
    path = tmp_path / "t.txt"
    path.write_text("Speaker\tText\nFacilitator\tWelcome, everyone.\nP1\tRent keeps rising.\n"
                    "and wages do not.\nP2\tSame here.\nP1\tYes.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "transcript" and [
        (b.kind, b.speaker, parsed.text[b.start:b.end], b.line) for b in parsed.blocks] == [
        ("preamble", None, "Speaker\tText", 1), ("turn", "Facilitator", "Welcome, everyone.", 2),
        ("turn", "P1", "Rent keeps rising.\nand wages do not.", 3),
        ("turn", "P2", "Same here.", 5), ("turn", "P1", "Yes.", 6)]
    assert [str(n) for n in parsed.notes] == [
        "line 2: 4 lines read as turns, each a speaker, a tab and the words (`Facilitator` "
        "then a tab); if a name is not a speaker, write the file as field notes without tabs"]


@pytest.mark.parametrize("text", [
    # an agenda or field-note table: its names are used once each, no roles
    "Arrival\tWe met in the library.\nTour\tThe garden, the kitchen.\n"
    "Lunch\tShared with the youth group.\n",
    # field-note paragraphs indented with a tab, one with a tab inside
    "\tWe arrived at nine.\tThe room was full.\n\tP1 spoke first about rent.\n",
    # three fields: time, name, text
    "00:01\tP1\tHello.\n00:05\tP2\tHi.\n00:09\tP1\tRent?\n"])
def test_tabbed_lines_that_may_not_be_turns_stay_notes(tmp_path, text):
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)


@pytest.mark.parametrize("line", [
    "P1\tI said\tno more.",        # a tab inside the words
    "P1\t00:01\tI said no.",       # a third field
    "\tAnd wages are flat."])      # no name: whose words is a guess
def test_tabbed_turns_with_a_line_of_other_fields_stay_notes(tmp_path, line):
    # a line with a tab that is not a name, a tab and the words was glued to the turn
    # before: P1's words were credited to P2
    path = tmp_path / "t.txt"
    path.write_text(f"P1\tWe need housing.\nP2\tRent keeps rising.\n{line}\nP2\tRight.\n"
                    "P1\tYes.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)
    named = 4 if line.startswith("\t") else 5      # an indented line opens with no name
    assert [str(n) for n in parsed.notes] == [
        f"line 1: {named} of 5 lines are a name, a tab and text (`P1` then a tab), as a "
        "table pasted as text: read as field notes, without speakers (line 3 has more fields, a "
        "tab in its words or no name); if they are turns, save the table as .csv with "
        "speaker and text columns, or write each as `Name: text`"]


def test_tabbed_turns_after_a_labelled_header_line_are_turns(tmp_path):
    # `Interviewer: Maria Lopez` above the table was the one turn: every line of the
    # table glued to it, P1's words credited to the interviewer, without a note
    path = tmp_path / "t.txt"
    path.write_text("Interviewer: Maria Lopez\nDate: 2019-04-10\n\nSpeaker\tText\n"
                    "Interviewer\tWhat worries you?\nP1\tRent keeps rising.\n"
                    "Interviewer\tAnd wages?\nP1\tFlat.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks[1:]] == [
        ("Interviewer", "What worries you?"), ("P1", "Rent keeps rising."),
        ("Interviewer", "And wages?"), ("P1", "Flat.")]


def test_tabbed_turns_among_labels_followed_by_a_tab_are_turns(tmp_path):
    # `Interviewer:<tab>...` lines (a Word hanging indent) among `P1<tab>...` ones: the
    # P1 lines were glued to the interviewer's turns
    path = tmp_path / "t.txt"
    path.write_text("Interviewer:\tWhat worries you?\nP1\tRent keeps rising.\n"
                    "Interviewer:\tAnd wages?\nP1\tFlat.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Interviewer", "What worries you?"), ("P1", "Rent keeps rising."),
        ("Interviewer", "And wages?"), ("P1", "Flat.")]


@pytest.mark.parametrize("label", ["Facilitator Notes", "Facilitator comments"])
@pytest.mark.parametrize("last", ["", "{label}\tclose at 7.\n"])
def test_staff_notes_among_tabbed_turns_are_nobodys_talk(tmp_path, last, label):
    # `Facilitator Notes<tab>...` was the words of P1's turn (once) or a speaker of its
    # own (twice); `Facilitator comments<tab>...` too
    path = tmp_path / "t.txt"
    path.write_text("Facilitator\tWhat got in the way?\nP1\tRent.\n"
                    f"{label}\tP1 was upset.\nFacilitator\tThank you.\nP1\tBye.\n"
                    + last.format(label=label), encoding="utf-8")
    parsed, _ = read_document(path)
    notes = [("heading", None, label), ("section", None, "P1 was upset.")]
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."), *notes,
        ("turn", "Facilitator", "Thank you."), ("turn", "P1", "Bye."),
        *([("heading", None, label), ("section", None, "close at 7.")] if last else [])]
    assert [str(n) for n in parsed.notes][1:] == [
        f"line 3: `{label}` read as a heading, not as talk",
        *([f"line 6: `{label}` read as a heading, not as talk"] if last else [])]


def test_staff_notes_among_tabbed_turns_not_read_as_a_heading_are_not_dropped(tmp_path):
    # `facilitator notes<tab>...` in small letters is no heading where turns are lines:
    # left out of the turns all the same, its words were silently P1's
    path = tmp_path / "t.txt"
    path.write_text("Facilitator\tWhat got in the way?\nP1\tRent.\n"
                    "facilitator notes\tP1 was upset.\nFacilitator\tThank you.\nP1\tBye.\n"
                    "facilitator notes\tclose at 7.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][1:3] == [
        ("P1", "Rent."), ("facilitator notes", "P1 was upset.")]


def test_tabbed_turns_may_end_in_a_tab(tmp_path):
    # a table saved as text with an empty last column: a line ending in a tab was glued
    # to the turn before, P1's words credited to P2
    path = tmp_path / "t.txt"
    path.write_text("P1\tWe need housing.\nP2\tRent keeps rising.\nP1\tYes.\t\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "We need housing."), ("P2", "Rent keeps rising."), ("P1", "Yes.")]


def test_lines_of_a_name_a_tab_and_text_read_as_notes_are_noted(tmp_path):
    # names used once each, as a table pasted as text: field notes, and a note says so
    path = tmp_path / "t.txt"
    path.write_text("Arrival\tWe met in the library.\nTour\tThe garden, the kitchen.\n"
                    "Lunch\tShared with the youth group.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and [str(n) for n in parsed.notes] == [
        "line 1: 3 of 3 lines are a name, a tab and text (`Arrival` then a tab), as a "
        "table pasted as text: read as field notes, without speakers; if they are turns, "
        "save the table as .csv with speaker and text columns, or write each as `Name: text`"]


def test_lines_of_a_time_a_name_and_text_read_as_notes_are_noted(tmp_path):
    # an NVivo-style export (time, name, text, tab-separated) was one section of nobody's
    # words, its times and names read as talk, without a note
    path = tmp_path / "t.txt"
    path.write_text("0:00:01.0\tAna Ruiz\tWelcome.\n0:00:15.0\tBo Chen\tThe rent went up.\n"
                    "0:01:02.0\tAna Ruiz\tNoted.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and [str(n) for n in parsed.notes] == [
        "line 1: 3 of 3 lines are a time, a name, a tab and text (`0:00:01.0<tab>Ana Ruiz` "
        "then a tab), as a table pasted as text: read as field notes, without speakers; if "
        "they are turns, save the table as .csv with speaker and text columns, or write "
        "each as `Name: text`"]


FIELD_NOTES = [("Observation", "Mothers sat apart from fathers."),
               ("Setting", "Church hall, twelve people."),
               ("Observation", "The youth league is a hub."),
               ("Action item", "Send the coaching notes."),
               ("Observation", "Men talked about shame."),
               ("Action item", "Call the clinic."), ("Setting", "Rain all afternoon.")]
DIALOGUE = [("Facilitator", "What keeps people safe here?"),
            ("Elder", "The old ways. Families watching out."), ("Youth 2", "Phones, honestly."),
            ("Facilitator", "Say more?"), ("Youth 2", "Group chats say where not to go."),
            ("Elder", "That is watching out too.")]


@pytest.mark.parametrize("separator", ["\t", ": "])
def test_field_notes_whose_kinds_of_entry_recur_stay_notes(tmp_path, separator):
    # `Observation<tab>...` rows, each kind used twice or more as a dialogue's speakers
    # are: read as turns of a speaker "Observation", the visitor's notes quoted as talk
    path = tmp_path / "t.txt"
    path.write_text("".join(f"{kind}{separator}{words}\n" for kind, words in FIELD_NOTES),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)
    assert [str(n) for n in parsed.notes] == [
        "line 1: `Observation` (3 lines), `Setting` (2 lines), `Action item` (2 lines) "
        "read as kinds of field-note entry, not as speakers; if one is a speaker, list it "
        "under `speakers:`"]
    # listed as speakers, they are
    parsed, _ = read_document(path, speakers=frozenset({"Observation", "Setting",
                                                        "Action item"}))
    assert [b.speaker for b in parsed.blocks] == [kind for kind, _ in FIELD_NOTES]


@pytest.mark.parametrize("separator", ["\t", ": "])
def test_speakers_called_by_what_they_are_stay_speakers(tmp_path, separator):
    # the other way round: a facilitator, an elder and a youth are people speaking
    path = tmp_path / "t.txt"
    path.write_text("".join(f"{name}{separator}{words}\n" for name, words in DIALOGUE),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "transcript" and [
        (b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == DIALOGUE


@pytest.mark.parametrize("mark, separator", [("", "\t"), ("", ": "), ("- ", ": ")])
def test_kinds_of_field_note_entry_inside_a_transcript_are_nobodys_words(tmp_path, mark,
                                                                        separator):
    # an observer's `Observation: ...` lines among the turns were a speaker's turns;
    # they are notes between the turns, credited to no speaker
    path = tmp_path / "t.txt"
    lines = [("Facilitator", "What keeps people safe here?"),
             ("Observation", "the room went quiet."), ("Elder", "The old ways."),
             ("Facilitator", "Say more?"), ("Observation", "two youth left."),
             ("Elder", "Families watching out.")]
    path.write_text("".join(f"{mark}{label}{separator}{words}\n" for label, words in lines),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("section", None, f"{mark}{label}{separator}{words}") if label == "Observation"
        else ("turn", label, words) for label, words in lines]
    assert [str(n) for n in parsed.notes][-1] == (
        "line 2: `Observation` (2 lines) read as kinds of field-note entry, not as "
        "speakers; if one is a speaker, list it under `speakers:`")


@pytest.mark.parametrize("kind", ["Observation", "Time"])
def test_one_off_speakers_between_an_observers_entries_keep_their_words(tmp_path, kind):
    # the entries stopped counting as lines opened by a label, so the file was no
    # longer dense: Ana Ruiz and Luis, speaking once, became words of the speakerless
    # section above them
    lines = [("Facilitator", "Welcome everyone."), (kind, "room is full."),
             (kind, "two arrive late."), ("Ana Ruiz", "I am glad to be here."),
             (kind, "people nod."), (kind, "a phone rings."), ("Luis", "Me too."),
             ("Facilitator", "Let us start.")]
    path = tmp_path / "t.txt"
    for gap in ("\n", "\n\n"):
        path.write_text(gap.join(f"{label}: {words}" for label, words in lines) + "\n",
                        encoding="utf-8")
        parsed, _ = read_document(path)
        assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
            ("section", None, f"{label}: {words}") if label == kind
            else ("turn", label, words) for label, words in lines]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_an_observers_interpretation_quote_or_context_once_among_turns_is_nobodys_words(
        tmp_path, gap):
    # used once each, the researcher's `Interpretation:` and `Quote:` lines were words of
    # the turn above: Maria's turn held what the researcher made of it, Jorge's a quote
    # of Maria, both coded and quoted as theirs
    lines = [("Facilitator", "What brings you here today?"),
             ("Maria", "We need more housing. The rent went up again."),
             ("Interpretation", "Maria sees housing as the first priority."),
             ("Facilitator", "What else?"), ("Maria", "Deposits. Nobody has two months."),
             ("Jorge", "Same for us."), ("Quote", '"Nobody has two months."'),
             ("Context", "her building was sold last year."),
             ("Observer's comment", "the room went quiet."),
             ("Facilitator", "Thank you.")]
    path = tmp_path / "t.txt"
    path.write_text("Site visit, Oakland\n\n"
                    + gap.join(f"{label}: {words}" for label, words in lines) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    entries = ("Interpretation", "Quote", "Context", "Observer's comment")
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks[1:]] == [
        ("section", None, f"{label}: {words}") if label in entries
        else ("turn", label, words) for label, words in lines]
    assert [str(n) for n in parsed.notes if "field-note entry" in n.message] == [
        f"line {3 + 2 * len(gap)}: `Interpretation` (1 line), `Quote` (1 line), `Context` (1 "
        "line), `Observer's comment` (1 line) read as kinds of field-note entry, not as "
        "speakers; if one is a speaker, list it under `speakers:`"]
    assert not any("read as text" in n.message for n in parsed.notes)
    # a speaker the study lists under such a name keeps their turn
    parsed, _ = read_document(path, speakers=frozenset({"Quote"}))
    assert ("Quote", '"Nobody has two months."') in [
        (b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]


@pytest.mark.parametrize("label", ["O.C.", "Analytic memo", "Researcher's note", "Memo (JS)",
                                   "Methodological note", "Direct quote"])
def test_other_kinds_of_an_observers_entry_are_nobodys_words_once(tmp_path, label):
    # not known as kinds of entry: used twice, `O.C.:` or `Memo (JS):` was a speaker
    path = tmp_path / "t.txt"
    path.write_text(f"P1: Rent is up.\n{label}: she looked tired.\nP2: Mine too.\n"
                    f"P1: Again.\n{label}: he laughed.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "Rent is up."), (None, f"{label}: she looked tired."), ("P2", "Mine too."),
        ("P1", "Again."), (None, f"{label}: he laughed.")]


def test_one_interpretation_among_tabbed_turns_keeps_them_turns(tmp_path):
    # its line of other fields made the whole table field notes without speakers
    path = tmp_path / "t.txt"
    path.write_text("P1\tRent is up.\nP2\tMine too.\nInterpretation\tboth see rent first.\n"
                    "P1\tDeposits.\nP2\tYes.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "Rent is up."), ("P2", "Mine too."),
        (None, "Interpretation\tboth see rent first."), ("P1", "Deposits."), ("P2", "Yes.")]


def test_a_one_off_observers_line_in_a_header_or_a_speakers_list_stays_where_it_is(
        tmp_path):
    # before the first speaker a `Context:` line is the header's; a speaker's own
    # `Next steps:` line (a kind of entry a speaker may say) stays their words
    path = tmp_path / "t.txt"
    path.write_text("Title: Tenants' circle\nContext: second session\n\n"
                    "Facilitator: What now?\nMaria: I wrote it down.\n"
                    "Next steps: call the landlord.\nFacilitator: Thanks.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("preamble", None, "Title: Tenants' circle\nContext: second session"),
        ("turn", "Facilitator", "What now?"),
        ("turn", "Maria", "I wrote it down.\nNext steps: call the landlord."),
        ("turn", "Facilitator", "Thanks.")]


def test_a_one_off_observers_label_inside_a_turns_paragraph_stays_the_speakers(tmp_path):
    # turns written as paragraphs: the facilitator's `Note:` line and Maria reading a
    # letter aloud (`Quote: ...`) inside their paragraphs became observer's sections,
    # taking the words after them (`Also, we record.`, `That was all.`) from the
    # speaker; an `Interpretation:` paragraph of its own stays the observer's
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Welcome. A few rules.\nNote: phones off, please.\n"
                    "Also, we record.\n\nMaria: I have the letter here.\n"
                    "Quote: You must vacate by June 1.\nThat was all.\n\n"
                    "Interpretation: she reads it as final.\n\nFacilitator: Thank you.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Facilitator", "Welcome. A few rules.\nNote: phones off, please.\nAlso, we record."),
        ("Maria", "I have the letter here.\nQuote: You must vacate by June 1.\nThat was all."),
        (None, "Interpretation: she reads it as final."), ("Facilitator", "Thank you.")]
    assert [str(n) for n in parsed.notes] == [
        "line 2: `Note:` read as text, not as a speaker",
        "line 5: `Maria:` is used once and taken as a speaker",
        "line 6: `Quote:` read as text, not as a speaker",
        "line 9: `Interpretation` (1 line) read as kinds of field-note entry, not as "
        "speakers; if one is a speaker, list it under `speakers:`"]


RECAP_TALK = ["Facilitator: Anything else before we close?", "John: Rent is up.",
              "Maria: Deposits too.", "John: Only that the landlord fund helped three families.",
              "{line}", "The group agreed that rent is the main barrier.",
              "Maria will bring the voucher numbers.", "Facilitator: Thank you all."]


def recap_transcript(path, line: str):
    """:data:`RECAP_TALK` with ``line`` after John's last turn, read: paragraphs in a .txt
    or .md file, lines in a .lines.txt file, paragraphs of a .docx; and what separates
    them in the text read."""
    paragraphs = [p.format(line=line) for p in RECAP_TALK]
    between = "\n" if path.suffix == ".docx" or ".lines" in path.name else "\n\n"
    if path.suffix == ".docx":
        document = docx.Document()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        document.save(path)
    else:
        path.write_text(between.join(paragraphs) + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    return parsed, between


@pytest.mark.parametrize("heading", ["Notes from the facilitator:", "Summary of discussion:",
                                     "Facilitator's notes:", "**Facilitator's Notes:**"])
@pytest.mark.parametrize("name", ["t.txt", "t.md", "t.lines.txt", "t.docx"])
def test_a_recap_heading_after_the_talk_opens_a_section_of_nobodys_words(tmp_path, heading,
                                                                         name):
    # the heading and the recap under it were John's words: quotes credited him
    parsed, between = recap_transcript(tmp_path / name, heading)
    maria, line = (3, 5) if between == "\n" else (5, 9)
    assert [(b.kind, b.speaker, b.section, parsed.text[b.start:b.end])
            for b in parsed.blocks] == [
        ("turn", "Facilitator", None, "Anything else before we close?"),
        ("turn", "John", None, "Rent is up."), ("turn", "Maria", None, "Deposits too."),
        ("turn", "John", None, "Only that the landlord fund helped three families."),
        ("heading", None, None, heading),
        ("section", None, heading, f"The group agreed that rent is the main barrier."
                                   f"{between}Maria will bring the voucher numbers."),
        ("turn", "Facilitator", heading, "Thank you all.")]
    assert [str(n) for n in parsed.notes] == [
        f"line {maria}: `Maria:` is used once and taken as a speaker",
        f"line {line}: `{heading}` read as a heading, not as talk"]


@pytest.mark.parametrize("line", ["Here is what I think:", "Here are my notes:",
                                  "Group notes: ask about deposits.",
                                  "Comments from the floor: ask about deposits.",
                                  "Group notes - ask about deposits."])
@pytest.mark.parametrize("name", ["t.txt", "t.lines.txt", "t.docx"])
def test_a_speakers_line_ending_in_a_colon_stays_theirs(tmp_path, line, name):
    # a sentence of John's, or his group's notes read out with a turn after them, is
    # John's talk
    parsed, between = recap_transcript(tmp_path / name, line)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Facilitator", "Anything else before we close?"), ("John", "Rent is up."),
        ("Maria", "Deposits too."),
        ("John", between.join(["Only that the landlord fund helped three families.", line,
                               "The group agreed that rent is the main barrier.",
                               "Maria will bring the voucher numbers."])),
        ("Facilitator", "Thank you all.")]


@pytest.mark.parametrize("label", ["Facilitator Notes:", "Facilitator notes:",
                                   "Notes from the facilitator:", "Note-taker's notes:",
                                   "Note taker notes:", "Facilitator’s notes:",
                                   "Facilitators notes:", "Facilitator comments:",
                                   "Facilitator's comments:",
                                   "Comments from the note-taker:",
                                   "Comments (facilitator):"])
@pytest.mark.parametrize("name", ["t.txt", "t.md", "t.lines.txt", "t.docx"])
def test_staff_notes_with_words_on_the_label_line_are_nobodys_talk(tmp_path, label, name):
    # the facilitator's notes were the words of John's last turn: his quotes, his codes
    # (written `Facilitators notes:`, without the apostrophe, they still were; so were
    # `Facilitator comments:`, or `Comments (facilitator):`)
    parsed, between = recap_transcript(tmp_path / name, f"{label} ask about deposits.")
    line = 5 if between == "\n" else 9
    assert [(b.kind, b.speaker, b.section, parsed.text[b.start:b.end])
            for b in parsed.blocks][3:] == [
        ("turn", "John", None, "Only that the landlord fund helped three families."),
        ("heading", None, None, label),
        ("section", None, label, between.join([
            "ask about deposits.", "The group agreed that rent is the main barrier.",
            "Maria will bring the voucher numbers."])),
        ("turn", "Facilitator", label, "Thank you all.")]
    assert f"line {line}: `{label}` read as a heading, not as talk" in map(str, parsed.notes)


@pytest.mark.parametrize("label, gap", [
    ("[Facilitator Notes]", " "), ("Facilitator notes (JS):", " "),
    ("- Facilitator Notes:", " "), ("> Note-taker's notes:", " "),
    ("Facilitator Notes", "\n"), ("**Facilitator Notes**", "\n"),
    ("Facilitator notes -", " "), ("Note-taker's notes –", " ")])
@pytest.mark.parametrize("name", ["t.txt", "t.md", "t.lines.txt", "t.docx"])
def test_staff_notes_in_brackets_with_initials_or_without_a_colon_are_nobodys_talk(
        tmp_path, label, gap, name):
    # each was read as words of John's last turn (silently as a list item, without a
    # colon or with a dash in its place)
    parsed, between = recap_transcript(tmp_path / name, f"{label}{gap}ask about deposits.")
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][3:] == [
        ("turn", "John", "Only that the landlord fund helped three families."),
        ("heading", None, label),
        ("section", None, between.join([
            "ask about deposits.", "The group agreed that rent is the main barrier.",
            "Maria will bring the voucher numbers."])),
        ("turn", "Facilitator", "Thank you all.")]


def test_a_staff_notes_line_standing_alone_is_one_heading(tmp_path):
    # a title line and a recap's name at once: it was two heading segments, noted twice
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Welcome.\n\nP1: Rent is too high.\n\nFacilitator Notes\n\n"
                    "the group agreed.\n\nFacilitator: Bye.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][2:4] == [
        ("heading", None, "Facilitator Notes"), ("section", None, "the group agreed.")]
    assert [str(n) for n in parsed.notes] == [
        "line 5: `Facilitator Notes` read as a heading, not as talk"]


def test_speakers_whose_label_ends_in_notes_stay_speakers(tmp_path):
    # a person named Notes, and a label the study lists as a speaker
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Welcome.\n\nAna Notes: Rent is too high.\n\n"
                    "Staff Notes: We agree.\n\nAna Notes: Yes.\n", encoding="utf-8")
    parsed, _ = read_document(path, speakers=frozenset({"Staff Notes"}))
    assert [(b.kind, b.speaker) for b in parsed.blocks] == [
        ("turn", "Facilitator"), ("turn", "Ana Notes"), ("turn", "Staff Notes"),
        ("turn", "Ana Notes")]


def test_staff_notes_with_a_time_are_nobodys_talk(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("[00:00:01] Facilitator: Welcome.\n[00:00:05] P1: Rent is too high.\n"
                    "[00:01:00] Facilitator Notes: P1 was upset.\n"
                    "[00:01:30] Facilitator: Thank you.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "Welcome."), ("turn", "P1", "Rent is too high."),
        ("heading", None, "[00:01:00] Facilitator Notes:"),
        ("section", None, "P1 was upset."), ("turn", "Facilitator", "Thank you.")]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_staff_notes_under_a_time_line_keep_their_time_out_of_the_turn_above(tmp_path, gap):
    # each turn's time alone above its label: the notes' time was the last words of P1
    path = tmp_path / "t.txt"
    path.write_text(gap.join(["00:00:01\nFacilitator: Welcome.", "00:00:05\nP1: Rent is high.",
                              "00:01:00\nFacilitator Notes: P1 was upset.",
                              "00:01:30\nFacilitator: Thank you."]) + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, b.section, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks] == [
        ("turn", "Facilitator", None, "Welcome.", 1.0),
        ("turn", "P1", None, "Rent is high.", 5.0),
        ("heading", None, None, "00:01:00\nFacilitator Notes:", None),
        ("section", None, "Facilitator Notes:", "P1 was upset.", None),
        ("turn", "Facilitator", "Facilitator Notes:", "Thank you.", 90.0)]
    line = 6 if gap == "\n" else 8
    assert f"line {line}: `Facilitator Notes:` read as a heading, not as talk" in map(
        str, parsed.notes)


@pytest.mark.parametrize("between", ["\n", "\n\n"])
def test_facilitator_notes_after_the_facilitators_turn_and_twice_are_no_speakers(tmp_path,
                                                                               between):
    # used twice, `Facilitator Notes` was a speaker of its own; once, its words were
    # the facilitator's talk
    path = tmp_path / "t.txt"
    path.write_text(between.join([
        "Facilitator: What got in the way?", "P1: Rent.",
        "Facilitator Notes: P1 was upset.", "Facilitator: And wages?", "P2: Too low.",
        "Facilitator: Thank you.", "Facilitator Notes: close at 7."]) + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."),
        ("heading", None, "Facilitator Notes:"), ("section", None, "P1 was upset."),
        ("turn", "Facilitator", "And wages?"), ("turn", "P2", "Too low."),
        ("turn", "Facilitator", "Thank you."),
        ("heading", None, "Facilitator Notes:"), ("section", None, "close at 7.")]


@pytest.mark.parametrize("after", ["", "P2: And deposits too.\n"])
def test_staff_notes_on_a_line_of_a_turns_paragraph_are_nobodys_talk(tmp_path, after):
    # the facilitator's note under P2's words, in her paragraph, was P2's talk (and the
    # words she went on with after it too)
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: What got in the way?\n\nP1: Rent.\n\nP2: I agree.\n"
                    f"Facilitator notes: the group nodded.\n{after}\nFacilitator: And "
                    "wages?\n\nP1: Too low.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."),
        ("turn", "P2", "I agree."), ("heading", None, "Facilitator notes:"),
        ("section", None, "the group nodded."),
        *([("turn", "P2", "And deposits too.")] if after else []),
        ("turn", "Facilitator", "And wages?"), ("turn", "P1", "Too low.")]
    assert [str(n) for n in parsed.notes] == [
        "line 6: `Facilitator notes:` read as a heading, not as talk"]


@pytest.mark.parametrize("words", ["I read the\nFacilitator notes: they said rent.",
                                   "I agree.\nfacilitator notes: they said rent.",
                                   "I agree.\nGroup notes: rent is first."])
def test_a_notes_line_in_a_turns_paragraph_not_a_staff_note_stays_the_speakers(tmp_path,
                                                                               words):
    # wrapped mid-sentence, in small letters, or not naming staff: P2's own words
    path = tmp_path / "t.txt"
    path.write_text(f"Facilitator: What got in the way?\n\nP1: Rent.\n\nP2: {words}\n\n"
                    "Facilitator: And wages?\n\nP1: Too low.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][2] == (
        "turn", "P2", words)
    assert len(parsed.blocks) == 5


def test_group_notes_with_words_used_twice_are_no_speaker(tmp_path):
    # `Group notes: ...` after each part of the talk was a participant "Group notes"
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: What got in the way?\n\nP1: Rent.\n\nGroup notes: rent "
                    "first.\n\nFacilitator: And wages?\n\nP2: Too low.\n\nGroup notes: "
                    "wages too.\n\nFacilitator: Thank you.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."),
        ("heading", None, "Group notes:"), ("section", None, "rent first."),
        ("turn", "Facilitator", "And wages?"), ("turn", "P2", "Too low."),
        ("heading", None, "Group notes:"), ("section", None, "wages too."),
        ("turn", "Facilitator", "Thank you.")]


@pytest.mark.parametrize("name", ["t.md", "t.txt"])
def test_group_notes_used_twice_in_a_list_of_turns_are_no_ones_talk(tmp_path, name):
    # in a transcript written as a list, `- Group notes: ...` after each part of the talk
    # was a speaker "Group notes"; then silently the words of P1 and P2, without a note
    path = tmp_path / name
    path.write_text("- Facilitator: What got in the way?\n- P1: Rent.\n"
                    "- Group notes: rent first.\n- Facilitator: And wages?\n- P2: Too low.\n"
                    "- Group notes: wages too.\n- Facilitator: Thank you.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."),
        ("heading", None, "- Group notes:"), ("section", None, "rent first."),
        ("turn", "Facilitator", "And wages?"), ("turn", "P2", "Too low."),
        ("heading", None, "- Group notes:"), ("section", None, "wages too."),
        ("turn", "Facilitator", "Thank you.")]
    assert [str(n) for n in parsed.notes] == [
        "line 3: `- Group notes:` read as a heading, not as talk",
        "line 6: `- Group notes:` read as a heading, not as talk"]


@pytest.mark.parametrize("recap, blocks", [
    ("- Meeting notes: rent, then deposits.", [("heading", None, "- Meeting notes:"),
                                              ("section", None, "rent, then deposits.")]),
    ("- Summary of discussion:\n- rent, then deposits.", [
        ("heading", None, "- Summary of discussion:"),
        ("section", None, "- rent, then deposits.")])])
def test_a_recap_after_the_last_turn_of_a_list_of_turns_is_nobodys_talk(tmp_path, recap,
                                                                         blocks):
    # written as the turns are, as a list item, the recap was silently P1's words
    path = tmp_path / "t.md"
    path.write_text("- Facilitator: Anything else?\n- P1: Rent is up.\n- Facilitator: And?\n"
                    f"- P1: Deposits too.\n{recap}\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end])
            for b in parsed.blocks][3:] == [("turn", "P1", "Deposits too."), *blocks]
    assert [str(n) for n in parsed.notes] == [
        f"line 5: `{blocks[0][2]}` read as a heading, not as talk"]


def test_a_list_in_a_turn_beside_one_turn_written_as_a_list_item_stays_the_speakers(
        tmp_path):
    # one turn in bold after a list mark did not make the file a list of turns: P2's
    # own list, headed `- Summary of discussion:`, was taken from her as a recap
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Hi.\n\n- **P1:** Rent.\n\nFacilitator: What did you "
                    "write?\n\nP2: This:\n\n- Summary of discussion:\n- rent\n\n"
                    "Facilitator: Thanks.\n\nP2: Bye.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][3] == (
        "turn", "P2", "This:\n\n- Summary of discussion:\n- rent")


def test_a_wrapped_turn_line_starting_like_staff_notes_stays_the_speakers(tmp_path):
    # turns wrapped over lines: P1's `staff notes: nothing about rent ...` was cut from
    # her turn as a recap heading, her words a section of nobody's
    turns = ["Facilitator: What did you see in the\nreports this week?",
             "P1: Rent keeps going up and\nup every month."] * 6
    turns[5] = "P1: I looked at the\nstaff notes: nothing about rent, which\nsurprised me."
    path = tmp_path / "t.txt"
    path.write_text("\n".join(turns) + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][5] == (
        "turn", "P1", "I looked at the\nstaff notes: nothing about rent, which\nsurprised me.")
    assert not any(b.kind == "heading" for b in parsed.blocks)


def test_a_recap_with_words_after_the_last_turn_is_nobodys_talk(tmp_path):
    # `Meeting notes: ...` closing the file was the last speaker's words
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Anything else?\n\nJohn: Rent is up.\n\nMaria: Same.\n\n"
                    "Meeting notes: rent, then deposits.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][-3:] == [
        ("turn", "Maria", "Same."), ("heading", None, "Meeting notes:"),
        ("section", None, "rent, then deposits.")]


def test_a_recap_heading_inside_a_turns_paragraph_stays_the_speakers(tmp_path):
    # turns written as paragraphs: without a blank line above it, it is John's line
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Anything else?\n\nJohn: Rent is up.\n\nMaria: Same.\n\n"
                    "John: One more thing.\nSummary of discussion:\nrent, then deposits.\n\n"
                    "Facilitator: Thank you.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][3] == (
        "John", "One more thing.\nSummary of discussion:\nrent, then deposits.")


@pytest.mark.parametrize("text, line, speaker", [
    # a participant reading their group's summary aloud, turns as paragraphs
    ("Facilitator: Could someone read the notes?\n\nP1: Sure, I will read them.\n\n"
     "Summary:\n\nrent is high.\n\nP2: I agree.\n", 1, "P1"),
    # `Takeaways:` in a file of one turn per line, a turn after it
    ("Facilitator: What did you write?\nP1: Three things.\nTakeaways:\nrent is high.\n"
     "P2: I agree.\nFacilitator: Thanks.\n", 1, "P1"),
    # the first words of a turn whose label is alone on its line
    ("Facilitator: What did you write?\nP1:\nTakeaways:\nrent is high.\nP2: I agree.\n"
     "Facilitator: Thanks.\n", 1, "P1"),
    ("Facilitator: What did you write?\n\nP1:\nNotes from the facilitator:\nrent is "
     "high.\n\nP2: I agree.\n\nFacilitator: Thanks.\n", 1, "P1"),
    # a participant named Summary, their last turn's words below their label
    ("Facilitator: Go ahead.\n\nSummary: My name is Summary.\n\nFacilitator: And?\n\n"
     "Summary:\n\nrent is high.\n", 3, "Summary"),
])
def test_a_speakers_words_under_a_recap_like_label_stay_theirs(tmp_path, text, line, speaker):
    # each was read as a heading and a section of nobody's words: the speaker lost them
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert "heading" not in [b.kind for b in parsed.blocks]
    block = parsed.blocks[line]
    assert (block.speaker, parsed.text[block.start:block.end].split()[-3:]) == (
        speaker, ["rent", "is", "high."])


def test_a_bare_summary_after_the_last_turn_is_a_recap_heading(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Anything else?\n\nJohn: Rent is up.\n\nMaria: Same.\n\n"
                    "Summary:\n\nrent, then deposits.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][-2:] == [
        ("heading", None, "Summary:"), ("section", None, "rent, then deposits.")]


def test_a_headers_context_line_below_a_one_off_label_stays_in_the_preamble(tmp_path):
    # a header's `Maria (P3): agreed to be recorded.` (read as text) made the `Context:`
    # line below it an observer's section between the header and the first turn
    path = tmp_path / "t.txt"
    path.write_text("Interview with Maria\nMaria (P3): agreed to be recorded.\n"
                    "Context: follow-up to the first visit\n\nInterviewer: Welcome back.\n"
                    "P3: Thanks.\nInterviewer: How is the rent?\nP3: High.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, parsed.text[b.start:b.end]) for b in parsed.blocks[:2]] == [
        ("preamble", "Interview with Maria\nMaria (P3): agreed to be recorded.\n"
                     "Context: follow-up to the first visit"), ("turn", "Welcome back.")]
    assert not any("field-note entry" in n.message for n in parsed.notes)


def test_a_caption_cue_opening_with_an_observers_kind_of_entry_is_noted(tmp_path):
    # captions have no observer's entries: the note on the label read as text was lost
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nMaria: I have it.\n\n"
                    "2\n00:00:04.000 --> 00:00:08.000\nQuote: you must leave.\n\n"
                    "3\n00:00:08.000 --> 00:00:09.000\nMaria: That was all.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert "line 9: `Quote:` read as text, not as a speaker" in [str(n) for n in parsed.notes]


def test_field_notes_with_one_quoted_name_among_recurring_entries_stay_notes(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Observation: the hall is full.\n\nSetting: a church basement.\n\n"
                    "Ana: We come every week.\n\nObservation: tea is served.\n\n"
                    "Setting: chairs in a circle.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)


def test_a_speakers_bulleted_lists_in_a_txt_transcript_are_their_words(tmp_path):
    # `- Rent: ...` items listed by Maria in two turns recur, so they were taken for a
    # speaker `Rent`, given the list and the Food line, with no note
    path = tmp_path / "t.txt"
    turns = [("Interviewer", "What do you pay each month?"),
             ("Maria", "Here is my list:\n\n- Rent: too high\n- Food: expensive"),
             ("Interviewer", "And your partner?"),
             ("Maria", "Same kind:\n\n- Rent: also high\n- Food: cheaper"),
             ("Interviewer", "Thanks.")]
    path.write_text("\n\n".join(f"{name}: {words}" for name, words in turns) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == turns


def test_a_line_quoted_in_a_txt_transcript_stays_the_speakers_words(tmp_path):
    # Maria reads out a letter as an email-style quote: in .txt the quoted label was
    # taken for a speaker, Landlord, given the letter's words (in .md a quote is a turn)
    path = tmp_path / "t.txt"
    turns = [("Interviewer", "What did the letter say?"),
             ("Maria", "It said:\n\n> Landlord: you must leave by Friday."),
             ("Interviewer", "Wow. And then?"), ("Maria", "I called the number on it.")]
    path.write_text("\n\n".join(f"{name}: {words}" for name, words in turns) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == turns
    # a .txt written as quotes throughout is turns, as its labels recur
    path.write_text("> Ana: The rent.\n> Ben: Wages.\n> Ana: Both.\n> Ben: Yes.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["Ana", "Ben", "Ana", "Ben"]


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_list_items_among_a_transcripts_own_turns_stay_text(tmp_path, suffix):
    # a header's list of participants, and a facilitator's recap naming who said what:
    # their labels are speakers of the turns, so the items were taken as their turns
    # (Maria "said" her own description, and the facilitator's recap)
    path = tmp_path / f"t{suffix}"
    path.write_text("Focus group, north site\n\nParticipants:\n- Maria: tenant, two "
                    "children\n- Luis: organiser\n- Facilitator: Jo\n\n"
                    "Facilitator: Welcome. Who wants to start?\n\n"
                    "Maria: I will. Rent is the problem.\n\nLuis: For everyone here.\n\n"
                    "Facilitator: So we heard:\n- Maria: rent is too high\n"
                    "- Luis: it is everyone\n\nMaria: Yes.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("preamble", None, "Focus group, north site\n\nParticipants:\n- Maria: tenant, two "
                           "children\n- Luis: organiser\n- Facilitator: Jo"),
        ("turn", "Facilitator", "Welcome. Who wants to start?"),
        ("turn", "Maria", "I will. Rent is the problem."),
        ("turn", "Luis", "For everyone here."),
        ("turn", "Facilitator", "So we heard:\n- Maria: rent is too high\n"
                                "- Luis: it is everyone"),
        ("turn", "Maria", "Yes.")]
    assert [str(n) for n in parsed.notes][-2:] == [
        "line 15: `Maria:` read as text, not as a speaker",
        "line 16: `Luis:` read as text, not as a speaker"]


@pytest.mark.parametrize("item", ["  Idea: ", "- Idea: ", "* Idea: "])
def test_a_speakers_own_list_of_entry_kinds_stays_their_words(tmp_path, item):
    # P3 lists two ideas, indented or as list items under plain turns: the kinds of
    # entry were taken for an observer's lines, P3's ideas credited to no one
    path = tmp_path / "t.txt"
    turns = [("Facilitator", "Any ideas?"),
             ("P3", f"Two of them:\n{item}a bus pass\n{item}free childcare"),
             ("Facilitator", "Thanks."), ("P4", "I agree.")]
    path.write_text("\n".join(f"{name}: {words}" for name, words in turns) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", name, words) for name, words in turns]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_times_above_every_turn_but_the_first_are_turn_times(tmp_path, gap):
    # the first turn starts the recording without a time above it: every other turn's
    # time was read as the last words of the turn before, and no turn had a time
    turns = [("P1", "Welcome, let us start."), ("P2", "Thanks."), ("P1", "First, rent."),
             ("P2", "Forty answers.")]
    path = tmp_path / "t.txt"
    path.write_text(gap.join((f"00:00:{15 * k:02d}\n" if k else "") + f"{speaker}: {text}\n"
                             for k, (speaker, text) in enumerate(turns)), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        (speaker, text, 15.0 * k if k else None) for k, (speaker, text) in enumerate(turns)]


def test_times_answered_at_the_end_of_turns_of_a_short_exchange_stay_talk(tmp_path):
    # two of three turns had a time on the line above their label, so the answers
    # `10:30` and `11:00` left P1's and P2's talk and became the next turns' times
    path = tmp_path / "t.txt"
    path.write_text("P1: When do we meet?\n10:30\nP2: Is that not early?\n11:00\n"
                    "P1: Fine.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("P1", "When do we meet?\n10:30", None), ("P2", "Is that not early?\n11:00", None),
        ("P1", "Fine.", None)]
    path.write_text("10:29\nP1: When do we meet?\n10:30\nP2: Is that not early?\n11:00\n"
                    "P1: Fine.\n", encoding="utf-8")     # a time above every label
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("P1", "When do we meet?", 629.0), ("P2", "Is that not early?", 630.0),
        ("P1", "Fine.", 660.0)]


@pytest.mark.parametrize("gap, above", [("\n", "\n"), ("\n\n", "\n"), ("\n\n", "\n\n"),
                                        ("\n", "\n\n")],
                         ids=["lines", "paragraphs", "a paragraph of its own",
                              "below the words above, a blank line below"])
def test_a_time_in_brackets_or_with_seconds_alone_above_one_label_is_its_time(
        tmp_path, gap, above):
    # `[00:12:31]` or `00:14:02` alone on a line above a label, a turn or two only,
    # was read as the last words of the turn before: `we went there. [00:12:31]` (as
    # a paragraph of its own, a heading, noted, whose title the turns after carried)
    path = tmp_path / "t.txt"
    path.write_text(gap.join(["Facilitator: What happened?", "P1: We went there.",
                              f"[00:12:31]{above}Facilitator: Thanks.", "P2: Yes.",
                              f"00:14:02{above}P1: More.", "P2: Fine."]) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert not parsed.notes and {b.section for b in parsed.blocks} == {None}
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Facilitator", "What happened?", None), ("P1", "We went there.", None),
        ("Facilitator", "Thanks.", 751.0), ("P2", "Yes.", None), ("P1", "More.", 842.0),
        ("P2", "Fine.", None)]


def test_google_meet_time_lines_open_the_turns_below_them(tmp_path):
    # Google Meet writes a time every few minutes below a turn, a blank line after it:
    # the time was dropped from the text and no turn had it
    path = tmp_path / "t.txt"
    path.write_text("Budget meeting - Transcript\n00:00:00\n\nBo Chen: Good morning.\n"
                    "Ana Ruiz: Thanks Bo.\n00:05:00\n\nBo Chen: First item.\n"
                    "Ana Ruiz: Budget.\n00:10:00\n\nBo Chen: Done.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.line)
            for b in parsed.blocks] == [
        (None, "Budget meeting - Transcript", None, 1), ("Bo Chen", "Good morning.", 0.0, 4),
        ("Ana Ruiz", "Thanks Bo.", None, 5), ("Bo Chen", "First item.", 300.0, 8),
        ("Ana Ruiz", "Budget.", None, 9), ("Bo Chen", "Done.", 600.0, 12)]


def test_a_time_after_a_bracketed_label_is_the_turns_time(tmp_path):
    # `[Name] 10:15:32` (as Zoom saves captions) began each turn's text with its time;
    # a time of day, it is read from the first turn's (see test_times.py)
    path = tmp_path / "t.txt"
    path.write_text("[Ana Ruiz] 10:15:32\nWe talked about rent.\n\n[Ben Lee] 10:15:40\n"
                    "Evictions.\n\n[Ana Ruiz] 10:30 is when we meet.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Ana Ruiz", "We talked about rent.", 0.0), ("Ben Lee", "Evictions.", 8.0),
        ("Ana Ruiz", "10:30 is when we meet.", None)]
    notes = [str(n) for n in parsed.notes]
    assert notes[0].startswith("line 1: turn times read as times of day (the first, 10:15:32")
    assert notes[1:] == ["line 4: `[Ben Lee]` is used once and taken as a speaker"]


@pytest.mark.parametrize("label", ["[Ana Ruiz]", "[Ana]", "[Ana Ruiz (she/her)]"])
def test_a_bracketed_label_and_time_used_once_among_zooms_is_a_turn(tmp_path, label):
    # someone who speaks once in a Zoom transcript: their label was read as the last
    # words of Maria's turn, and their words, parted there by the time, as Maria's
    path = tmp_path / "t.txt"
    path.write_text("[Maria Lopez] 10:15:45\nHello everyone.\n[Tom Reed] 10:15:50\nHi.\n"
                    f"[Maria Lopez] 10:16:02\nLet us start.\n{label} 10:16:10\n"
                    "Sorry I am late.\n[Tom Reed] 10:16:20\nNo problem.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Maria Lopez", "Hello everyone.", 0.0), ("Tom Reed", "Hi.", 5.0),
        ("Maria Lopez", "Let us start.", 17.0), (label[1:-1], "Sorry I am late.", 25.0),
        ("Tom Reed", "No problem.", 35.0)]
    assert f"line 7: `{label}` is used once and taken as a speaker" in map(str, parsed.notes)


def test_a_bracketed_label_used_once_with_a_time_unlike_the_turns_stays_words(tmp_path):
    # `10:16` among `h:mm:ss` times is no time Zoom wrote: the line stays words, noted
    path = tmp_path / "t.txt"
    path.write_text("[Maria Lopez] 10:15:45\nHello everyone.\n[Tom Reed] 10:15:50\nHi.\n"
                    "[Maria Lopez] 10:16:02\nLet us start.\n[Ana Ruiz] 10:16\n"
                    "Sorry I am late.\n[Tom Reed] 10:16:20\nNo problem.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][2] == (
        "Maria Lopez", "Let us start.\n[Ana Ruiz] 10:16\nSorry I am late.")
    assert "line 7: `[Ana Ruiz]` read as text, not as a speaker" in map(str, parsed.notes)


@pytest.mark.parametrize("label, kind, note", [
    ("[Facilitator Notes]", "heading", "`[Facilitator Notes] 10:16:10` read as a heading"),
    ("[Group Notes]", "turn", "`[Group Notes]` read as text, not as a speaker")])
def test_a_recap_with_a_time_among_zoom_labels_is_no_speaker(tmp_path, label, kind, note):
    # read as a turn of a speaker named `Facilitator Notes` (without a note) or `Group
    # Notes`, the recap their words
    path = tmp_path / "t.txt"
    path.write_text("[Maria Lopez] 10:15:45\nHello everyone.\n[Tom Reed] 10:15:50\nHi.\n"
                    f"[Maria Lopez] 10:16:02\nLet us start.\n{label} 10:16:10\n"
                    "the group agreed.\n[Tom Reed] 10:16:20\nNo problem.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} <= {"Maria Lopez", "Tom Reed", None}
    assert parsed.blocks[3].kind == kind
    assert any(str(n).startswith(f"line 7: {note}") for n in parsed.notes)


@pytest.mark.parametrize("mark", ["[Cross Talk]", "[Background Noise]", "[Overlapping]",
                                  "[Audio Cuts Out]", "[Crosstalk]", "[Pause]"])
@pytest.mark.parametrize("uses", [1, 2])
def test_a_sound_with_a_time_among_zoom_labels_is_a_mark_not_a_speaker(tmp_path, mark, uses):
    # `[Cross Talk] 10:16:10` used once was a speaker `Cross Talk` of the next line's
    # words (noted as a name used once); used twice, a speaker without words, the mark lost
    path = tmp_path / "t.txt"
    again = f"{mark} 10:16:30\n" if uses == 2 else ""
    path.write_text("[Maria Lopez] 10:15:45\nHello everyone.\n[Tom Reed] 10:15:50\nHi.\n"
                    f"[Maria Lopez] 10:16:02\nLet us start.\n{mark} 10:16:10\n"
                    f"[Tom Reed] 10:16:20\nNo problem.\n{again}[Maria Lopez] 10:16:40\n"
                    "Good.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Maria Lopez", "Hello everyone."), ("Tom Reed", "Hi."),
        ("Maria Lopez", f"Let us start.\n{mark}"),
        ("Tom Reed", "No problem." + (f"\n{mark}" if uses == 2 else "")),
        ("Maria Lopez", "Good.")]
    assert not any(mark in str(note) or "no words" in str(note) for note in parsed.notes)


def test_sound_marks_in_a_row_among_zoom_labels_stay_in_the_turn_above(tmp_path):
    # `[Crosstalk] 10:16:10` / `[Pause] 10:16:12` parted Maria's turn at the first time:
    # `[Pause]` a piece of its own, timed at the crosstalk's 10:16:10
    path = tmp_path / "t.txt"
    path.write_text("[Maria Lopez] 10:15:45\nHello everyone.\n[Tom Reed] 10:15:50\nHi.\n"
                    "[Maria Lopez] 10:16:02\nLet us start.\n[Crosstalk] 10:16:10\n"
                    "[Pause] 10:16:12\n[Tom Reed] 10:16:20\nNo problem.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Maria Lopez", "Hello everyone.", 0.0), ("Tom Reed", "Hi.", 5.0),
        ("Maria Lopez", "Let us start.\n[Crosstalk] 10:16:10\n[Pause]", 17.0),
        ("Tom Reed", "No problem.", 35.0)]


@pytest.mark.parametrize("answer", ["9:30", "10:15:40"])
def test_a_time_answered_after_a_bracketed_label_stays_talk(tmp_path, answer):
    # `[Maria] 9:30` answering when to meet lost its words and got a time of 9:30 when
    # only a few turns are written with a time after the label, or it is unlike theirs.
    path = tmp_path / "t.txt"
    path.write_text("[Facilitator] When do we meet on Friday?\n[Maria] " + answer +
                    "\n[Facilitator] Great, see you then.\n[Maria] Thanks.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Facilitator", "When do we meet on Friday?", None), ("Maria", answer, None),
        ("Facilitator", "Great, see you then.", None), ("Maria", "Thanks.", None)]
    path.write_text("[Ana] 10:15:32\nWhen do we meet?\n[Ben] 10:15:40\nFriday.\n"
                    "[Ana] 10:15:45\nAt what time?\n[Ben] 9:30\n[Ana] 10:16:02\nGood.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("When do we meet?", 0.0), ("Friday.", 8.0), ("At what time?", 13.0),
        ("9:30", None), ("Good.", 30.0)]


def test_an_indented_label_starts_its_own_turn(tmp_path):
    # An indented `P2:` was read as more of P1's turn: P2's words credited to P1.
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Welcome.\n\nP1: We need housing.\n\n"
                    "   P2: And jobs.\n", encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Facilitator", "Welcome."), ("P1", "We need housing."), ("P2", "And jobs.")]


def test_a_label_indented_inside_a_turn_is_part_of_that_turn(tmp_path):
    # Once indented labels were read, a quoted exchange or an agenda indented inside a
    # turn became turns of their own: P1's words credited to "Tom", "Me" and "Budget".
    path = tmp_path / "t.txt"
    path.write_text("Interviewer: What happened?\n\nP1: He told me:\n    Tom: you are late.\n"
                    "    Me: I know.\n    Tom: again.\nThe agenda was:\n"
                    "    Budget: cut.\n    Budget: still open.\n\nInterviewer: Thanks.\n",
                    encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2].split("\n")[0]) for b in blocks] == [
        ("Interviewer", "What happened?"), ("P1", "He told me:"), ("Interviewer", "Thanks.")]
    assert "Tom: again." in blocks[1][2] and blocks[1][2].endswith("Budget: still open.")
    assert "line 4: `Tom:` read as text, not as a speaker" in notes


def test_a_timed_agenda_inside_an_untimed_transcript_is_text(tmp_path):
    # Once times before labels were read, an agenda read out in a turn became turns of
    # "Break" (used twice) and "Lunch": the facilitator's words credited to them.
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Welcome.\n\nP1: Thanks.\n\nP2: Hi.\n\nFacilitator: Here is "
                    "the day.\n9:00 Welcome: circle.\n10:30 Break: coffee.\n"
                    "12:00 Lunch: upstairs.\n15:00 Break: tea.\n\nP1: Sounds good.\n\n"
                    "P2: Yes.\n\nFacilitator: Great.\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [b[1] for b in blocks] == ["Facilitator", "P1", "P2", "Facilitator", "P1", "P2",
                                      "Facilitator"]
    assert blocks[3][2].endswith("15:00 Break: tea.")
    assert "line 9: `Break:` read as text, not as a speaker" in notes


def test_labels_indented_alike_are_speakers(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("  Ana: Hello.\n  Luis: Hi.\n  Ana: Bye.\n\n    Luis: Bye then.\n",
                    encoding="utf-8")
    blocks, _ = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Ana", "Hello."), ("Luis", "Hi."), ("Ana", "Bye."), ("Luis", "Bye then.")]


def test_a_role_with_a_note_in_brackets_is_a_speaker(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: What changed?\nP2: The circles.\n"
                    "P1 (translated): The elders help us.\n", encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert [(b[1], b[2]) for b in blocks] == [
        ("Facilitator", "What changed?"), ("P2", "The circles."),
        ("P1 (translated)", "The elders help us.")]
    assert notes == []


def test_caption_label_is_text_when_few_cues_name_a_speaker(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:04,000\nWelcome back to the program.\n\n"
                    "2\n00:00:04,000 --> 00:00:08,000\nRemember: the circle meets Thursday.\n\n"
                    "3\n00:00:08,000 --> 00:00:10,000\nThat is all for today.\n",
                    encoding="utf-8")
    blocks, notes = blocks_of(path)
    assert blocks[1] == ("turn", None, "Remember: the circle meets Thursday.")
    assert notes == ["line 7: `Remember:` read as text, not as a speaker"]


def test_heading_between_turns_is_its_own_block_and_not_talk(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Closing convening, Fresno table\n\nFacilitator: What changed?\n\n"
                    "P1: The circles.\n\nSite visit\n\nWe walked the block with the "
                    "promotoras.\n\nFacilitator: Thank you all.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    got = [(b.kind, b.speaker, b.section, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert got == [("preamble", None, None, "Closing convening, Fresno table"),
                   ("turn", "Facilitator", None, "What changed?"),
                   ("turn", "P1", None, "The circles."),
                   ("heading", None, None, "Site visit"),
                   ("section", None, "Site visit", "We walked the block with the promotoras."),
                   ("turn", "Facilitator", "Site visit", "Thank you all.")]
    assert [str(n) for n in parsed.notes] == [
        "line 7: `Site visit` read as a heading, not as talk"]


def test_plain_field_note_headings_are_heading_blocks(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Site visit\n\nWe met in the church hall. About twelve people.\n\n"
                    "What we heard\n\nOvercrowded housing came up often.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    got = [(b.kind, b.section, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert got == [("heading", None, "Site visit"),
                   ("section", "Site visit", "We met in the church hall. About twelve people."),
                   ("heading", None, "What we heard"),
                   ("section", "What we heard", "Overcrowded housing came up often.")]


def write_table_docx(path, rows, title="Closing convening: Fresno breakout"):
    document = docx.Document()
    document.add_paragraph(title, style="Title")
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    document.save(path)
    return path


TURN_ROWS = [("00:00:05", "Evaluator", "What did the year change for you?"),
             ("00:00:12", "Luis", "Money. Wages are low and the contractor keeps half."),
             ("00:00:30", "Evaluator", "And the circles?"),
             ("00:00:41", "Maria", "The circles are where women stop being alone.")]


@pytest.mark.parametrize("rows, layout", [
    (TURN_ROWS, "time | speaker | text"),
    ([row[1:] for row in TURN_ROWS], "speaker | text"),
])
def test_word_table_without_header_row_is_read_by_its_columns(tmp_path, rows, layout):
    parsed, fmt = read_document(write_table_docx(tmp_path / "t.docx", rows))
    got = [(b.kind, b.speaker, parsed.text[b.start:b.end], b.line) for b in parsed.blocks]
    assert got == [("preamble", None, "Closing convening: Fresno breakout", None),
                   *[("turn", row[-2], row[-1], n) for n, row in enumerate(rows, start=1)]]
    if layout.startswith("time"):
        assert [b.time_start for b in parsed.blocks[1:]] == [5, 12, 30, 41]
    assert [str(n) for n in parsed.notes] == [
        f"line 1: a table without a header row read as {layout}"]


def test_word_table_that_is_not_a_transcript_stays_text(tmp_path):
    rows = [("Budget", "4,000"), ("Volunteers", "14"), ("Families", "22")]
    parsed, _ = read_document(write_table_docx(tmp_path / "t.docx", rows, title="Figures"))
    assert [(b.kind, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("heading", "Figures"), ("section", "Budget\t4,000\nVolunteers\t14\nFamilies\t22")]


def test_a_word_turn_table_keeps_rows_in_content_controls_and_speakers_merged_down(tmp_path):
    # A row inside a content control (as form templates hold them) was dropped.
    from docx.oxml import parse_xml

    rows = [("Speaker", "Text"), ("Evaluator", "What changed?"), ("", "And the circles?"),
            ("Luis", "Wages are low.")]
    path = write_table_docx(tmp_path / "t.docx", rows)
    document = docx.Document(path)
    table = document.tables[0]
    table.cell(1, 0).merge(table.cell(2, 0))        # Evaluator's cell down two rows
    row = table._tbl.tr_lst[3]
    control = parse_xml(f"<w:sdt {W_NS}><w:sdtContent/></w:sdt>")
    row.addprevious(control)
    control[0].append(row)
    document.save(path)
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][1:] == [
        ("Evaluator", "What changed? And the circles?"), ("Luis", "Wages are low.")]


def test_a_word_text_cell_merged_down_is_read_once(tmp_path):
    # A text cell merged down two rows (two times, one answer) was read in both rows:
    # the answer twice in the turn.
    rows = [("Time", "Speaker", "Text"), ("0:01", "Ana", "Rent went up twice this year."),
            ("0:09", "Ana", ""), ("0:15", "Ben", "Yes.")]
    path = write_table_docx(tmp_path / "t.docx", rows)
    document = docx.Document(path)
    table = document.tables[0]
    table.cell(1, 2).merge(table.cell(2, 2))
    document.save(path)
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks][1:] == [("Ana", "Rent went up twice this year.", 1.0),
                                            ("Ben", "Yes.", 15.0)]
    assert parsed.notes == []


def test_a_word_turn_table_row_without_text_is_noted(tmp_path):
    # A part title spanning the table's columns was read in every column (a turn of a
    # speaker 'Part two'); read once, in the speaker column, its row has no text and
    # was dropped without a word.
    rows = [("Speaker", "Time", "Text"), ("Evaluator", "0:05", "What changed?"),
            ("Part two", "", ""), ("Luis", "0:12", "Wages are low.")]
    path = write_table_docx(tmp_path / "t.docx", rows)
    document = docx.Document(path)
    table = document.tables[0]
    table.cell(2, 0).merge(table.cell(2, 2)).text = "Part two"
    document.save(path)
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks][1:] == [
        ("Evaluator", "What changed?"), ("Luis", "Wages are low.")]
    assert [str(n) for n in parsed.notes] == [
        "line 3: table row with no text ('Part two'), so no turn: move it out of the table "
        "or into the text column if it is talk"]


def test_word_heading_style_between_turns_is_a_heading(tmp_path):
    document = docx.Document()
    document.add_paragraph("Closing convening", style="Title")
    document.add_paragraph("Facilitator: What changed?")
    document.add_paragraph("P1: The circles.")
    document.add_paragraph("Report-out", style="Heading 2")
    document.add_paragraph("P2: We keep meeting.")
    document.save(tmp_path / "t.docx")
    parsed, _ = read_document(tmp_path / "t.docx")
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("preamble", None, "Closing convening"), ("turn", "Facilitator", "What changed?"),
        ("turn", "P1", "The circles."), ("heading", None, "Report-out"),
        ("turn", "P2", "We keep meeting.")]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_word_text_is_read_as_word_shows_it(tmp_path):
    """Tracked changes read as accepted, content controls, fields and nested tables were
    dropped, and a cell spanning two columns was read twice."""
    from docx.oxml import parse_xml
    document = docx.Document()
    document.add_paragraph("P1: We need housing.")
    changed = document.add_paragraph("P2: The rent ")
    for xml in (f'<w:ins {W_NS} w:id="1" w:author="a"><w:r><w:t xml:space="preserve">went up '
                '</w:t></w:r></w:ins>',
                f'<w:del {W_NS} w:id="2" w:author="a"><w:r><w:delText>[Ana] </w:delText></w:r></w:del>',
                f'<w:fldSimple {W_NS} w:instr="DATE"><w:r><w:t>this year</w:t></w:r></w:fldSimple>'):
        changed._p.append(parse_xml(xml))
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(
        f'<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>P1: Wages are low.</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'))
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Budget"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "4,000"
    table.cell(1, 0).text, table.cell(1, 1).text = "Families", "22"
    table.cell(1, 2).add_table(rows=1, cols=1).cell(0, 0).text = "nested"
    document.add_paragraph("P2: After the table.")
    document.save(tmp_path / "t.docx")
    parsed, _ = read_document(tmp_path / "t.docx")
    assert parsed.text == ("P1: We need housing.\nP2: The rent went up this year\n"
                           "P1: Wages are low.\nBudget\t4,000\t\nFamilies\t22\t\nnested\n\n"
                           "P2: After the table.\n")


@pytest.mark.parametrize("name, text", [
    ("t.txt", "P1: Rent keeps rising.\n\nFacilitator: Why?\n\np1: The new owners.\n\n"
              "P1: And wages do not.\n"),
    ("t.csv", "speaker,text\nP1,Rent keeps rising.\nFacilitator,Why?\np1,The new owners.\n"
              "P1,And wages do not.\n")])
def test_a_role_written_in_two_cases_is_one_speaker(tmp_path, name, text):
    # `p1` and `P1` were two speakers: a role label is a code whose case means nothing
    # (two participants are numbered apart, never cased apart); the spelling used most wins
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks if b.kind == "turn"] == ["P1", "Facilitator",
                                                                       "P1", "P1"]
    line = 5 if name == "t.txt" else 4
    assert f"line {line}: `p1` (1 turn) read as `P1` (2 turns): the same role written in " \
           "another case" in [str(n) for n in parsed.notes]


def test_a_name_written_in_two_cases_stays_two_speakers_and_is_noted(tmp_path):
    # `AL` may be someone's initials beside an `Al`: merging two people would credit
    # quotes to the wrong one, so they stay apart, with a note to check
    path = tmp_path / "t.csv"
    path.write_text("speaker,text\nAl,Rent keeps rising.\nAL,Why?\nAl,The new owners.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["Al", "AL", "Al"]
    assert [str(n) for n in parsed.notes] == [
        "line 3: `AL` and `Al` differ only in case, read as different speakers; if they are "
        "one person, write one spelling (names differing in case are never merged, since "
        "one may be initials)"]


@pytest.mark.parametrize("listed, expected", [
    ({"p1", "P1"}, ["p1", "P1", "P1"]),      # both listed: the study says they differ
    ({"p1"}, ["p1", "p1", "p1"])])           # one listed: its spelling, though used less
def test_listed_spellings_of_a_role_decide(tmp_path, listed, expected):
    path = tmp_path / "t.csv"
    path.write_text("speaker,text\np1,Rent keeps rising.\nP1,Why?\nFacilitator,Go on.\n"
                    "P1,It doubled.\n", encoding="utf-8")
    parsed, _ = read_document(path, speakers=frozenset(listed))
    assert [b.speaker for b in parsed.blocks if b.speaker != "Facilitator"] == expected
    assert len(parsed.notes) == (len(listed) == 1)


MD_TRANSCRIPT = ("# Kick-off call, table 3\n\n**Facilitator:** Welcome, everyone.\n\n"
                 "**P1:** Thanks.\nGlad to be here.\n\n## Part 2: Housing\n\n"
                 "**Facilitator:** What about rent?\n\n**P1:** It rises.\n")


@pytest.mark.parametrize("name", ["t.md", "t.txt"])
def test_markdown_transcript_is_read_as_turns(tmp_path, name):
    # a .md transcript with a speaker label on most paragraphs was read as field notes
    # (one section per heading, its speakers lost); a `## Part 2` heading was talk of
    # the turn before in a .txt
    path = tmp_path / name
    path.write_text(MD_TRANSCRIPT, encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "transcript" and [
        (b.kind, b.speaker, parsed.text[b.start:b.end], b.section) for b in parsed.blocks] == [
        ("preamble", None, "# Kick-off call, table 3", None),
        ("turn", "Facilitator", "Welcome, everyone.", None),
        ("turn", "P1", "Thanks.\nGlad to be here.", None),
        ("heading", None, "## Part 2: Housing", None),
        ("turn", "Facilitator", "What about rent?", "Part 2: Housing"),
        ("turn", "P1", "It rises.", "Part 2: Housing")]
    # in plain text `## ...` was talk before; read as a heading, that guess is noted
    assert [str(n) for n in parsed.notes] == ([] if name == "t.md" else [
        "line 8: `## Part 2: Housing` read as a heading, not as talk"])


def test_markdown_turns_one_a_line_are_turns(tmp_path):
    path = tmp_path / "t.md"
    path.write_text("Ana: We need housing.\nBen: And wages.\nAna: Both.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Ana", "We need housing."), ("Ben", "And wages."), ("Ana", "Both.")]


def test_markdown_field_notes_with_a_few_quotes_stay_notes(tmp_path):
    # headings and bullets, two quoted lines: most of it is the visitor's own notes
    path = tmp_path / "t.md"
    path.write_text("# Site visit, Fresno\n\n## Setting\nWe met in the church hall.\n\n"
                    "## What we heard\n- Overcrowded housing came up often.\n"
                    "- People trust the promotoras.\n\nP1: Rent doubled.\n\nP2: Same here.\n\n"
                    "## Follow-ups\nSend the coaching notes.\n\nAsk about the clinic.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)
    assert [b.section for b in parsed.blocks] == ["Setting", "What we heard", "Follow-ups"]


@pytest.mark.parametrize("line", ["# of people who came: 40", "# We counted them all."])
def test_a_hash_line_alone_in_a_txt_turn_not_titled_like_a_heading_stays_talk(tmp_path,
                                                                             line):
    # a `# ...` paragraph of a turn was read as a heading: its words lost from P1's turn,
    # and its text the section of every later turn, without a note
    path = tmp_path / "t.txt"
    path.write_text(f"P1: We counted everyone.\n\n{line}\n\nP2: That is a lot.\n\n"
                    "P1: Yes it is.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end], b.section)
            for b in parsed.blocks] == [
        ("turn", "P1", f"We counted everyone.\n\n{line}", None),
        ("turn", "P2", "That is a lot.", None), ("turn", "P1", "Yes it is.", None)]


def test_a_quoted_label_in_a_markdown_transcript_is_a_turn(tmp_path):
    # `> P2: ...` (a Markdown quote) among `**P1:** ...` turns was glued to P1's turn:
    # P2's words credited to P1
    path = tmp_path / "t.md"
    path.write_text("# Site visit\n\n**Interviewer:** What worries you?\n\n**P1:** The rent."
                    "\n\n> P2: Wages are flat.\n\n**P1:** Yes.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        (None, "# Site visit"), ("Interviewer", "What worries you?"), ("P1", "The rent."),
        ("P2", "Wages are flat."), ("P1", "Yes.")]


def test_a_markdown_transcript_in_one_quote_keeps_no_quote_marks_between_turns(tmp_path):
    # `>` alone joins the paragraphs of a quote: it ended every turn's words
    path = tmp_path / "t.md"
    path.write_text("> Interviewer: What worries you?\n>\n> P1: The rent.\n> >\n"
                    "> Interviewer: And?\n>\n> P1: Wages.\n>\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("Interviewer", "What worries you?"), ("P1", "The rent."), ("Interviewer", "And?"),
        ("P1", "Wages.")]


def test_a_quoted_label_used_once_in_a_markdown_transcript_is_noted(tmp_path):
    # a quoted label is taken as a speaker even when used once: a guess, so noted
    path = tmp_path / "t.md"
    path.write_text("**P1:** The letter came.\n\n> Landlord: You must leave.\n\n"
                    "**P2:** When?\n\n**P1:** Friday.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["P1", "Landlord", "P2", "P1"]
    assert [str(n) for n in parsed.notes] == [
        "line 3: `Landlord:` is used once and taken as a speaker"]


@pytest.mark.parametrize("mark", ["- ", "* ", "> ", "1. "])
def test_a_markdown_transcript_of_list_items_or_quotes_is_read_as_turns(tmp_path, mark):
    # `- **P1:** ...` bullets or `> P1: ...` quotes: its speakers were lost, unnoted
    path = tmp_path / "t.md"
    label = "**{}:**" if mark != "> " else "{}:"
    path.write_text("# Interview\n\n" + "".join(
        f"{mark}{label.format(name)} {words}\n" for name, words in [
            ("Interviewer", "What worries you?"), ("Ana Ruiz", "The rent."),
            ("Interviewer", "And?"), ("Ana Ruiz", "Wages.")]), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks[1:]] == [
        ("Interviewer", "What worries you?"), ("Ana Ruiz", "The rent."),
        ("Interviewer", "And?"), ("Ana Ruiz", "Wages.")]


def test_markdown_notes_listing_fields_stay_notes(tmp_path):
    # `- Weather: rain` bullets are a visitor's notes, not people speaking
    path = tmp_path / "t.md"
    path.write_text("# Site visit\n\n- Weather: rain\n- Mood: calm\n- Food: tacos\n"
                    "- Turnout: twelve\n\nWe met in the hall.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("mark", ["- ", "* "])
def test_list_items_of_plain_labels_are_turns_in_txt_as_in_md(tmp_path, suffix, mark):
    # a notes app's export: `- Name: text` without bold. In .txt the list was field
    # notes, speakers lost; in .md Ana Ruiz's words were glued to the facilitator's turn
    path = tmp_path / f"t{suffix}"
    path.write_text("Kick-off, table 2\n\n" + "".join(
        f"{mark}{name}: {words}\n" for name, words in [
            ("Facilitator", "What worries you?"), ("Ana Ruiz", "The rent."),
            ("Facilitator", "And?"), ("Ana Ruiz", "Wages."), ("Tom", "Both.")]),
        encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("preamble", None, "Kick-off, table 2"),
        ("turn", "Facilitator", "What worries you?"), ("turn", "Ana Ruiz", "The rent."),
        ("turn", "Facilitator", "And?"), ("turn", "Ana Ruiz", "Wages."),
        ("turn", "Tom", "Both.")]
    assert [str(n) for n in parsed.notes] == ["line 7: `Tom:` is used once and taken as a "
                                              "speaker"]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_list_items_of_one_off_labels_stay_notes_and_left_labels_are_noted(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_text("- Weather: rain\n- Mood: calm\n- Food: tacos\n- Turnout: twelve\n\n"
                    "We met in the hall.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)
    # a facilitator's list item is a turn; the one-off labels after it, most of the
    # list, are not taken for speakers, and each is named where its words are the turn's
    path.write_text("- Facilitator: How was the walk?\n- Ana: Long.\n- Ben: Cold.\n"
                    "- Cy: Fine.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["Facilitator"]
    assert [str(n) for n in parsed.notes] == [
        f"line {k}: `{name}:` read as text, not as a speaker"
        for k, name in [(2, "Ana"), (3, "Ben"), (4, "Cy")]]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_field_notes_with_a_list_item_of_a_role_stay_notes(tmp_path, suffix):
    # a list turns a .txt file into turns only as it does a .md file: when its turns
    # open most of the file, not the facilitator's one line among the visitor's notes
    path = tmp_path / f"t{suffix}"
    path.write_text("Site visit notes\n\nWe met at the church.\n\n- Facilitator: opened "
                    "with a prayer\n- Food: tacos\n\nAfterwards we ate.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)


def test_markdown_notes_of_labels_used_once_stay_notes(tmp_path):
    # `Weather: rain` lines, each label once, were read as a transcript: the visitor's
    # paragraphs after them credited to a speaker `Turnout`
    path = tmp_path / "t.md"
    path.write_text("# Site visit, Fresno\n\nWeather: rain\nMood: calm\nFood: tacos\n"
                    "Turnout: twelve\n\nWe met in the hall. Everyone came.\n\nLater we ate.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert parsed.kind == "notes" and not any(b.speaker for b in parsed.blocks)


def test_a_markdown_focus_group_of_people_speaking_once_is_read_as_turns(tmp_path):
    # a facilitator between participants who each speak once: half the turns recur
    path = tmp_path / "t.md"
    path.write_text("".join(f"**Facilitator:** And you?\n\n**{name}:** Rent.\n\n"
                            for name in ["Ana", "Ben", "Cleo"]), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == [
        "Facilitator", "Ana", "Facilitator", "Ben", "Facilitator", "Cleo"]


def srt(*cues: str) -> str:
    return "\n\n".join(f"{k}\n00:00:{k:02d},000 --> 00:00:{k + 1:02d},000\n{text}"
                       for k, text in enumerate(cues, start=1)) + "\n"


def test_caption_cues_without_a_name_among_named_ones_are_noted(tmp_path):
    # a file naming the speaker only when it changes: the cue after ANA's is most likely
    # hers, but may be anyone's, so it is a turn without a speaker (never joined to hers)
    # and a note says so; a sound ([laughter]) is nobody's words and not counted
    path = tmp_path / "t.srt"
    path.write_text(srt("ANA: We need housing.", "and jobs too.", "BEN: Sure.", "[laughter]",
                        "ANA: Thanks.", "BEN: Bye."), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("ANA", "We need housing.", 1), (None, "and jobs too.", 2), ("BEN", "Sure.", 3),
        (None, "[laughter]", 4), ("ANA", "Thanks.", 5), ("BEN", "Bye.", 6)]
    assert [str(n) for n in parsed.notes] == [
        "line 6: 1 of 5 cues without a speaker (6) read as turns without one; if the file "
        "names the speaker only when it changes, fill it in on every cue"]


def test_caption_cues_that_name_no_one_are_a_turn_each_without_a_note(tmp_path):
    # subtitles that name no one (a video's captions): each cue a turn with its own time
    path = tmp_path / "t.srt"
    path.write_text(srt("Welcome back to the program.", "Rent is up again", "this year."),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks] == [(None, "Welcome back to the program.", 1, 2),
                                        (None, "Rent is up again", 2, 3), (None, "this year.", 3, 4)]
    assert not parsed.notes


def test_a_hash_line_inside_a_txt_turn_stays_talk(tmp_path):
    # in a .txt, only a Markdown heading standing alone is a heading; a `# ...` line
    # inside a turn is the transcriber's, and the words after it are still P1's
    path = tmp_path / "t.txt"
    path.write_text("P1: I think rent is high.\n# [crosstalk]\nand wages are low.\n\n"
                    "P2: Yes.\n\nP1: Sure.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "I think rent is high.\n# [crosstalk]\nand wages are low."), ("P2", "Yes."),
        ("P1", "Sure.")]


def test_a_workbook_cell_s_escaped_characters_are_read_as_the_characters(tmp_path):
    # A workbook stores a carriage return in a cell as _x000D_ (Excel, and XlsxWriter,
    # which writes Taguette's exports); openpyxl gives it as written, so a turn's text
    # read "rent_x000D_" where the transcriber had typed a line break
    import openpyxl

    book = openpyxl.Workbook()      # openpyxl writes the escape as it is given
    book.active.append(["Speaker", "Text"])
    book.active.append(["Ana", "Rent is up_x000D_\nagain._x0009_Yes."])
    path = tmp_path / "t.xlsx"
    book.save(path)
    parsed, _ = read_document(path)
    assert [parsed.text[b.start:b.end] for b in parsed.blocks] == [
        "Rent is up\nagain.\tYes."]


class CopyCountingText(str):
    """A text that counts the characters its slices copy: a stand-in for time that does
    not depend on how busy the machine is."""
    copied = 0

    def __getitem__(self, key):
        part = super().__getitem__(key)
        if isinstance(key, slice):
            CopyCountingText.copied += len(part)
        return part


def test_recap_headings_in_a_long_transcript_cost_time_in_proportion_to_its_length():
    # each recap line copied the rest of the text once per turn to see whether that
    # turn's label had words after it: 2,000 turns and 20 recaps copied 20,000 times
    # the text, and a 50,000-turn transcript with two recaps took 6 minutes to ingest
    from dialogcode.formats.headings import recap_lines
    from dialogcode.formats.labels import TURN

    parts = []
    for k in range(2000):
        parts.append(f"{('Facilitator', 'P1', 'P2')[k % 3]}: Rent is high in block {k}.")
        if k % 100 == 99:
            parts.append("Group notes:\nRent is the main barrier.")
    text = CopyCountingText("\n\n".join(parts) + "\n")
    talk = [(m.start(), m.end(), m["colon"].strip()) for m in TURN.finditer(text)
            if m["colon"] != "Group notes"]
    CopyCountingText.copied = 0
    found = recap_lines(text, talk=talk)
    assert [text[start:end] for start, end in found] == ["Group notes:"] * 20
    assert CopyCountingText.copied < 5 * len(text)


class CountingList(list):
    """A list that counts how often it is read through."""
    reads = 0

    def __iter__(self):
        CountingList.reads += 1
        return super().__iter__()


def test_many_staff_notes_in_a_long_transcript_cost_time_in_proportion_to_its_length():
    # each `Facilitator Notes: ...` line read every turn's label again: a 20,000-turn
    # transcript with a note every seven turns took a minute to read instead of 2 s
    from dialogcode.formats.headings import recap_lines
    from dialogcode.formats.labels import TURN

    parts = []
    for k in range(2000):
        parts.append(f"{('Facilitator', 'P1', 'P2')[k % 3]}: Rent is high in block {k}.")
        if k % 10 == 9:
            parts.append("Facilitator Notes: rent again.")
    text = "\n\n".join(parts) + "\n"
    talk = CountingList((m.start(), m.end(), m["colon"].strip()) for m in TURN.finditer(text)
                        if m["colon"] != "Facilitator Notes")
    CountingList.reads = 0
    found = recap_lines(text, talk=talk)
    assert [text[start:end] for start, end in found] == ["Facilitator Notes:"] * 200
    assert CountingList.reads < 10


@pytest.mark.parametrize("name, content", [
    ("t.csv", "speaker,text,confidence,channel\nP1,We need housing.,0.91,1\n"
              "P2,And jobs.,0.88,2\n"),
    ("t.json", json.dumps([{"speaker": "P1", "text": "We need housing.", "confidence": 0.91,
                            "channel": 1},
                           {"speaker": "P2", "text": "And jobs.", "confidence": 0.88}])),
])
def test_columns_that_are_not_read_are_named_once(tmp_path, name, content):
    # a transcript's other columns (a speech-to-text tool's confidence, a channel) were
    # left out without a word
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "We need housing."), ("P2", "And jobs.")]
    assert [str(n) for n in parsed.notes] == [
        "line 1: columns 'confidence', 'channel' are not read (dialogcode reads each turn's "
        "speaker, text, start and end); if one of them holds those, map it with "
        "speaker_column, text_column, start_column or end_column in the manifest"]
    workbook = openpyxl.Workbook()
    for row in [("Speaker", "Text", "Sentiment"), ("P1", "We need housing.", "neg")]:
        workbook.active.append(row)
    workbook.save(tmp_path / "t.xlsx")
    parsed, _ = read_document(tmp_path / "t.xlsx")
    assert [str(n) for n in parsed.notes] == [
        "line 1: column 'Sentiment' is not read (dialogcode reads each turn's speaker, text, "
        "start and end); if it holds one of those, map it with speaker_column, "
        "text_column, start_column or end_column in the manifest"]


def test_a_spreadsheet_column_without_a_name_that_holds_values_is_named_as_not_read(
        tmp_path):
    # a workbook column with values under an empty header cell was left out without a
    # word (a CSV one is refused as a value in a column without a name)
    workbook = openpyxl.Workbook()
    for row in [("Speaker", "Text", None, "Sentiment"), ("P1", "We need housing.", 0.9, "neg"),
                ("P2", "And jobs.", None, None)]:
        workbook.active.append(row)
    workbook.save(tmp_path / "t.xlsx")
    parsed, _ = read_document(tmp_path / "t.xlsx")
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "We need housing."), ("P2", "And jobs.")]
    assert [str(n) for n in parsed.notes] == [
        "line 1: columns 3 (no name), 'Sentiment' are not read (dialogcode reads each turn's "
        "speaker, text, start and end); if one of them holds those, map it with "
        "speaker_column, text_column, start_column or end_column in the manifest"]


@pytest.mark.parametrize("name, content", [
    ("t.json", '[{"speaker": NaN, "text": "We need housing."}, '
               '{"speaker": "P2", "text": "And jobs."}, {"speaker": "P3", "text": NaN}]'),
    ("t.jsonl", '{"speaker": NaN, "text": "We need housing."}\n'
                '{"speaker": "P2", "text": "And jobs."}\n{"speaker": "P3", "text": NaN}\n'),
    ("t.csv", "speaker,text\n,We need housing.\nP2,And jobs.\nP3,\n"),
])
def test_a_json_nan_speaker_or_text_is_missing_as_an_empty_csv_cell(tmp_path, name, content):
    # NaN (as numpy and pandas write a missing value to JSON) became the speaker "nan",
    # and a turn saying "nan"
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        (None, "We need housing."), ("P2", "And jobs.")]
    assert "nan" not in parsed.text
    rows, first = {"t.json": ("items", 1), "t.jsonl": ("lines", 1), "t.csv": ("rows", 2)}[name]
    assert [str(n).split(" (")[0] for n in parsed.notes] == [
        f"line {first}: 1 of 2 {rows} without a speaker",
        f"line {first + 2}: 1 {rows[:-1]} with a speaker and no text"]


@pytest.mark.parametrize("name, items", [
    ("t.json", lambda items: "[" + ", ".join(items) + "]"),
    ("t.jsonl", lambda items: "\n".join(items) + "\n"),
])
def test_a_json_nan_time_is_no_time_as_a_null_is(tmp_path, name, items):
    # a NaN start (as pandas writes a gap in a column of times) refused the whole file,
    # "cannot read time 'nan'", while a NaN speaker or text was read as missing; and a
    # NaN beside the same key in another case (`Start`) was "two keys named 'start'"
    path = tmp_path / name
    path.write_text(items([
        '{"speaker": "P1", "text": "We need housing.", "start": 1.5, "end": 4}',
        '{"speaker": "P2", "text": "And jobs.", "start": NaN, "end": NaN}',
        '{"speaker": "P1", "text": "Yes.", "Start": NaN, "start": 9, "end": null}']),
        encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks] == [("P1", "We need housing.", 1.5, 4.0),
                                        ("P2", "And jobs.", None, None),
                                        ("P1", "Yes.", 9.0, None)]
    assert parsed.notes == []


def test_a_json_column_of_nan_and_null_only_is_not_noted_as_not_read(tmp_path):
    # a column holding nothing but NaN (a start column pandas wrote empty, a confidence
    # column) was "column 'confidence' is not read", as though it held values
    path = tmp_path / "t.json"
    path.write_text(json.dumps([
        {"speaker": "P1", "text": "We need housing.", "start": float("nan"),
         "confidence": float("nan")},
        {"speaker": "P2", "text": "And jobs.", "start": None, "confidence": None}]),
        encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, b.time_start) for b in parsed.blocks] == [("P1", None), ("P2", None)]
    assert parsed.notes == []
    path.write_text(json.dumps([
        {"speaker": "P1", "text": "We need housing.", "confidence": float("nan")},
        {"speaker": "P2", "text": "And jobs.", "confidence": 0.9}]), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [str(n).split(" (")[0] for n in parsed.notes] == [
        "line 1: column 'confidence' is not read"]


HAPPY_SCRIBE = ("[00:00:05] Maria\nWe started in the spring.\n\n[00:00:09] Jon\n"
                "I joined later that year.\n\n[00:00:14] Maria\nThen the funding ran out.\n")


def test_a_time_and_one_word_above_the_words_is_noted(tmp_path):
    # Happy Scribe's `[00:00:05] Maria` lines were read as field notes without speakers
    # and without a note
    path = tmp_path / "t.txt"
    path.write_text(HAPPY_SCRIBE, encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert [str(n) for n in parsed.notes] == [
        "line 1: 3 lines are a time and one word above the words (`[00:00:05] Maria`), "
        "as Happy Scribe or Trint write a speaker's name: they are read as headings of "
        "field notes, without speakers; if they are speakers, list them under "
        "`speakers:` (or write each turn as `Maria: ...`)"]


def test_one_word_names_after_a_time_listed_as_speakers_are_read_as_turns(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(HAPPY_SCRIBE, encoding="utf-8")
    parsed, _ = read_document(path, speakers=frozenset({"Maria", "Jon"}))
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks] == [
        ("Maria", "We started in the spring.", 5.0), ("Jon", "I joined later that year.", 9.0),
        ("Maria", "Then the funding ran out.", 14.0)]
    assert not parsed.notes


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("label", ["**{}** ({})", "**{}** {}", "[{1}] **{0}**"])
def test_a_bold_name_and_a_time_above_the_words_opens_a_turn(tmp_path, label, suffix):
    # `**Ana Ruiz** 00:01` or `[00:01] **Ana Ruiz**` on its own line above the words
    # made one section of nobody's words, without a note (`**Ana Ruiz** (00:01)` was
    # noted); with a colon it was read with speakers
    path = tmp_path / f"t{suffix}"
    path.write_text(f"# Interview\n\n{label.format('Ana Ruiz', '00:01')}\nWe started in the "
                    f"spring.\nIt was hard.\n\n{label.format('Jon Bell', '00:09')}\nI joined "
                    f"later.\n\n{label.format('Ana Ruiz', '00:14')}\nThe funding ran out.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.line)
            for b in parsed.blocks] == [
        (None, "# Interview", None, 1),
        ("Ana Ruiz", "We started in the spring.\nIt was hard.", 1.0, 3),
        ("Jon Bell", "I joined later.", 9.0, 7), ("Ana Ruiz", "The funding ran out.", 14.0, 10)]
    assert [str(n) for n in parsed.notes] == [
        f"line 7: `{label.format('Jon Bell', '00:09')}` is used once and taken as a speaker"]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("text", [
    # headings of notes in bold with a time, each once
    ("# Site visit\n\n**Arrival** 09:15\nWe got there early.\n\n**Tour** (09:40)\nThe "
     "garden was big.\n"),
    # an agenda's word after a time, twice: no speaker, as `[09:15] Budget` is none
    ("# Board\n\n[09:00] **Budget**\nThe numbers.\n\n[09:40] **Housing**\nDebate.\n\n"
     "[10:30] **Budget**\nMore numbers.\n"),
    # a name in bold and a time within a line of words stays its words
    ("# Notes\n\n**Ana Ruiz** 00:01 said we start.\n\n**Jon Bell** 00:09 agreed.\n\n"
     "**Ana Ruiz** 00:14 left.\n")], ids=["one-off", "agenda", "in words"])
def test_bold_headings_with_a_time_are_no_speakers(tmp_path, text, suffix):
    path = tmp_path / f"t{suffix}"
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    # no note that a heading used once may be a speaker; a word used twice may be one
    assert [str(n).split("` ")[1] for n in parsed.notes] == (
        ["read as text, not as a speaker"] * 3 if "Budget" in text else [])


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("label", ["**{}** {}", "**{}** ({})", "[{1}] **{0}**"])
def test_a_bold_name_and_a_time_with_words_after_it_is_a_turn_beside_such_labels(
        tmp_path, label, suffix):
    # beside `**Ana Ruiz** 00:01` lines above the words, `**Ana Ruiz** 00:14 The funding
    # ran out.` was words of Jon's turn above, with a note that Ana Ruiz was used once
    def line(name, time, words=""):
        return label.format(name, time) + (f" {words}" if words else "")
    path = tmp_path / f"t{suffix}"
    path.write_text(f"{line('Ana Ruiz', '00:01')}\nWe started.\n\n{line('Jon Bell', '00:09')}\n"
                    f"I joined later.\n\n{line('Ana Ruiz', '00:14', 'The funding ran out.')}"
                    f"\n\n{line('Jon Bell', '00:20')}\nYes.\n\n"
                    f"{line('Tom Lee', '00:25', 'I agree.')}\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.line)
            for b in parsed.blocks] == [
        ("Ana Ruiz", "We started.", 1.0, 1), ("Jon Bell", "I joined later.", 9.0, 4),
        ("Ana Ruiz", "The funding ran out.", 14.0, 7),
        *([("Jon Bell", "Yes.", 20.0, 9), ("Jon Bell", "**Tom Lee** I agree.", 25.0, 12)]
          if label.startswith("[") else    # a time opening words in a turn: a piece of it
          [("Jon Bell", f"Yes.\n\n{line('Tom Lee', '00:25', 'I agree.')}", 20.0, 9)])]
    # a name no label so written alone has is the words of the turn it is in, noted
    assert [str(n) for n in parsed.notes] == [
        f"line 12: `{line('Tom Lee', '00:25')}` read as text, not as a speaker"]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_bold_names_and_times_with_no_words_below_are_words_of_the_turn(tmp_path, suffix,
                                                                       gap):
    # an agenda read out twice (`**Budget** 10:30` above `**Housing** 11:00` above
    # `Maria: ...`) was two labels with no words: the facilitator's words were lost
    agenda = f"{gap}**Budget** 10:30{gap}**Housing** 11:00{gap}"
    path = tmp_path / f"t{suffix}"
    path.write_text(f"Facilitator: Today we cover:{agenda}Maria: Sounds good.\n"
                    f"Facilitator: Great.\nMaria: Rent is high.\nFacilitator: To recap:"
                    f"{agenda}Maria: Thanks.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    said = [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert said == [
        ("Facilitator", f"Today we cover:{agenda.rstrip()}"), ("Maria", "Sounds good."),
        ("Facilitator", "Great."), ("Maria", "Rent is high."),
        ("Facilitator", f"To recap:{agenda.rstrip()}"), ("Maria", "Thanks.")]
    assert [str(n).split(": ", 1)[1] for n in parsed.notes] == [
        f"`**{item}** {time}` read as text, not as a speaker"
        for item, time in [("Budget", "10:30"), ("Housing", "11:00")] * 2]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_an_agenda_among_bold_name_turns_stays_words_of_the_turn(tmp_path, suffix):
    # among `**Ana Ruiz** 00:01` turns, an agenda's lines (`**Budget** 10:30` above
    # `**Transport** 11:00`) made `Budget` a speaker whose words were the next line
    path = tmp_path / f"t{suffix}"
    path.write_text("**Ana Ruiz** 00:01\nHello.\n\n**Bo Lee** 00:05\nHi.\n\n"
                    "**Ana Ruiz** 00:09\nThe agenda:\n\n**Budget** 10:30\n"
                    "**Transport** 11:00\n\n**Bo Lee** 00:20\nOk.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    said = [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert said == [("Ana Ruiz", "Hello."), ("Bo Lee", "Hi."),
                    ("Ana Ruiz", "The agenda:\n\n**Budget** 10:30\n**Transport** 11:00"),
                    ("Bo Lee", "Ok.")]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_a_bold_name_and_a_time_once_among_turns_is_noted(tmp_path, suffix):
    # `**Ana Ruiz** 00:01` once among `Name:` turns: her words are the facilitator's, which
    # went without a note
    path = tmp_path / f"t{suffix}"
    path.write_text("Facilitator: Welcome.\n\n**Ana Ruiz** 00:01\nWe started.\n\n"
                    "Facilitator: And then?\n\nMaria: It ran out.\n\nFacilitator: Thanks.\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["Facilitator", "Facilitator", "Maria",
                                                  "Facilitator"]
    assert [str(n) for n in parsed.notes][:1] == [
        "line 3: `**Ana Ruiz** 00:01` read as text, not as a speaker"]


def test_a_bold_name_after_a_time_of_one_word_is_a_speaker_when_listed(tmp_path):
    # `[00:01] **Maria**` may be an agenda's heading, as `[00:01] Maria`: listed, a speaker
    path = tmp_path / "t.md"
    path.write_text("[00:01] **Maria**\nWe started.\n\n[00:05] **Jon**\nI joined.\n\n"
                    "[00:09] **Maria**\nIt ran out.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert [str(n) for n in parsed.notes][:1] == [
        "line 1: `[00:01] **Maria**` read as text, not as a speaker"]
    parsed, _ = read_document(path, speakers=frozenset({"Maria", "Jon"}))
    assert [(b.speaker, b.time_start) for b in parsed.blocks] == [
        ("Maria", 1.0), ("Jon", 5.0), ("Maria", 9.0)]


def test_bold_names_and_times_used_once_in_a_text_file_are_noted(tmp_path):
    # two people speaking once each, `**Ana Ruiz** (00:01)` and `**Jon Bell** (00:09)`:
    # like headings of notes, they are no speakers, but a colon after each time makes
    # them labels, as in a .txt file a one-off label opening a paragraph is
    text = ("**Ana Ruiz** (00:01)\nWe started in the spring.\n\n**Jon Bell** (00:09)\n"
            "I joined later that year.\n")
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert [str(n) for n in parsed.notes] == [(
        "line 1: 2 lines are a name in bold and a time above the words (`**Ana Ruiz** "
        "(00:01)`): they are read as field notes, without speakers; write a colon after "
        "each one's time (`**Ana Ruiz** (00:01): ...`) to read its turns")]
    path.write_text(text.replace(")\n", "):\n"), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == ["Ana Ruiz", "Jon Bell"]


MIXED = ("Facilitator: Welcome. Let's start.\n\n[00:00:05] {0}\nWe started in the spring.\n\n"
         "Facilitator: And then?\n\n[00:00:20] {1}\nI joined later that year.\n\n"
         "[00:00:30] {0}\nThe funding ran out.\n\nFacilitator: Thank you.\n")


@pytest.mark.parametrize("names, listed, suffix", [
    (("Maria Diaz", "Jon Bell"), frozenset(), ".txt"),
    (("Maria Diaz", "Jon Bell"), frozenset(), ".md"),
    (("Maria", "Jon"), frozenset({"Maria", "Jon"}), ".txt"),
    (("Maria", "Jon"), frozenset(), ".txt")], ids=["full names", "md", "listed", "one word"])
def test_times_then_names_among_name_colon_turns(tmp_path, names, listed, suffix):
    # `[00:00:05] Maria` lines among `Facilitator:` turns were the words of the turn
    # above (Maria's words the facilitator's), without a note, as full names in a .md
    # file too; listed, or as full names in a .txt file, the file was read as an Otter
    # export: the facilitator's words were Maria's
    path = tmp_path / f"t{suffix}"
    path.write_text(MIXED.format(*names), encoding="utf-8")
    parsed, _ = read_document(path, speakers=listed)
    said = [(b.speaker, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks if b.kind != "heading"]
    # one word after a time may be an agenda's heading: unlisted, its words are nobody's
    maria, jon = names if listed or len(names[0].split()) > 1 else (None, None)
    assert said == [
        ("Facilitator", "Welcome. Let's start.", None),
        (maria, "We started in the spring.", 5.0 if maria else None),
        ("Facilitator", "And then?", None),
        (jon, "I joined later that year.", 20.0 if jon else None),
        (maria, "The funding ran out.", 30.0 if maria else None),
        ("Facilitator", "Thank you.", None)]
    assert [str(n) for n in parsed.notes][:1] == ([] if maria else [(
        "line 3: 3 lines are a time and one word above the words (`[00:00:05] Maria`), "
        "as Happy Scribe or Trint write a speaker's name: they are read as headings "
        "among the turns, without speakers; if they are speakers, list them under "
        "`speakers:` (or write each turn as `Maria: ...`)")])


def test_one_word_names_after_a_time_among_turns_in_markdown_get_advice_that_works(
        tmp_path):
    # `[00:00:05] Maria` lines among `Facilitator:` turns in a .md file: the note said
    # listing the names needed the file saved as .txt, where listing them reads them
    path = tmp_path / "t.md"
    path.write_text(MIXED.format("Maria", "Jon"), encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert [str(n) for n in parsed.notes if "Happy Scribe" in str(n)] == [
        "line 3: 3 lines are a time and one word above the words (`[00:00:05] Maria`), "
        "as Happy Scribe or Trint write a speaker's name: they are read as headings of "
        "field notes, without speakers; if they are speakers, list them under "
        "`speakers:` (or write each turn as `Maria: ...`)"]
    parsed, _ = read_document(path, speakers=frozenset({"Maria", "Jon"}))
    assert [(b.speaker, b.time_start) for b in parsed.blocks] == [
        ("Facilitator", None), ("Maria", 5.0), ("Facilitator", None), ("Jon", 20.0),
        ("Maria", 30.0), ("Facilitator", None)]


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_name_colon_lines_quoted_in_an_export_of_times_then_names_are_its_words(
        tmp_path, suffix):
    # a landlord quoted twice in Ana's words (`Landlord: pay now.`) made the file one of
    # turns of both kinds: her words were the landlord's; in a .md file too, which is
    # read as notes
    path = tmp_path / f"t{suffix}"
    path.write_text("[00:00:05] Ana Ruiz\nHe says:\nLandlord: pay now.\nThen, louder:\n"
                    "Landlord: pay now or leave.\n\n[00:00:20] Jon Bell\nSame here.\n\n"
                    "[00:00:30] Ana Ruiz\nWe went to the council.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    said = [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert said == ([
        ("Ana Ruiz", "He says:\nLandlord: pay now.\nThen, louder:\n"
                     "Landlord: pay now or leave."),
        ("Jon Bell", "Same here."),
        ("Ana Ruiz", "We went to the council.")] if suffix == ".txt"
        else [(None, parsed.text.strip())])


def test_times_then_names_among_role_turns_with_no_blank_lines(tmp_path):
    # a role's turns need not open paragraphs to be turns beside `[00:00:05] Ana Ruiz`
    path = tmp_path / "t.txt"
    path.write_text(MIXED.format("Maria Diaz", "Jon Bell").replace("\n\n", "\n"),
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert [b.speaker for b in parsed.blocks] == [
        "Facilitator", "Maria Diaz", "Facilitator", "Jon Bell", "Maria Diaz", "Facilitator"]


def test_two_times_then_names_among_name_colon_turns_are_noted(tmp_path):
    # `[00:00:05] Maria` and `[00:00:20] Jon` once each among `Facilitator:` turns: the
    # words below were the facilitator's without a note, and listing the names did not
    # read them
    path = tmp_path / "t.txt"
    path.write_text("Facilitator: Welcome.\n\n[00:00:05] Maria\nWe started in the spring.\n\n"
                    "Facilitator: And then?\n\n[00:00:20] Jon\nI joined later.\n\n"
                    "Facilitator: Thank you.\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert [str(n) for n in parsed.notes] == [
        "line 3: `[00:00:05] Maria` and 1 more, a time and a name above the words, are "
        "read as a time in the turn above and its words: if `Maria` is a speaker, list the "
        "names under `speakers:` (or write each turn as `Maria: ...`)"]
    parsed, _ = read_document(path, speakers=frozenset({"Maria", "Jon"}))
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks] == [
        ("Facilitator", "Welcome.", None), ("Maria", "We started in the spring.", 5.0),
        ("Facilitator", "And then?", None), ("Jon", "I joined later.", 20.0),
        ("Facilitator", "Thank you.", None)]
    assert not parsed.notes


@pytest.mark.parametrize("listed", [frozenset(), frozenset({"Maria"})])
def test_one_word_names_among_full_names_after_a_time_are_noted(tmp_path, listed):
    # `[00:00:05] Maria` with `[00:00:09] Jon Bell` (or with only Maria listed and Jon
    # not) was read as field notes without speakers and without a note
    path = tmp_path / "t.txt"
    other = "Jon" if listed else "Jon Bell"
    path.write_text(HAPPY_SCRIBE.replace("] Jon", "] " + other), encoding="utf-8")
    parsed, _ = read_document(path, speakers=listed)
    assert {b.speaker for b in parsed.blocks} == {None}
    assert [str(n).split(" (")[0] for n in parsed.notes] == [
        "line 1: 2 lines are a time and one word above the words" if not listed
        else "line 4: 1 line is a time and one word above the words"]


def test_one_word_names_after_a_time_in_markdown_are_noted_with_advice_that_works(tmp_path):
    # in a .md file, listing them under `speakers:` did not read them (and then hid
    # the note): the note said to list them
    path = tmp_path / "t.md"
    path.write_text(HAPPY_SCRIBE, encoding="utf-8")
    for listed in (frozenset(), frozenset({"Maria", "Jon"})):
        parsed, _ = read_document(path, speakers=listed)
        assert {b.speaker for b in parsed.blocks} == {None}
        assert [str(n) for n in parsed.notes] == [
            "line 1: 3 lines are a time and one word above the words (`[00:00:05] Maria`), "
            "as Happy Scribe or Trint write a speaker's name: they are read as headings of "
            "field notes, without speakers; if they are speakers, write each turn as "
            "`Maria: ...` (or save the file as .txt and list them under `speakers:`)"]
