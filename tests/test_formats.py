"""Each transcript format, read from a fixture file, gives the expected turns with exact offsets."""
import pytest

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


def test_configured_encoding_reads_latin1(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("P1: Caf\u00e9 con leche.\nP2: S\u00ed.\n".encode("latin-1"))
    parsed, _ = read_document(path, encoding="cp1252")
    assert parsed.text[parsed.blocks[0].start:parsed.blocks[0].end] == "Caf\u00e9 con leche."


def test_csv_columns_can_be_mapped(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Who,Comment\nP1,Hello\nP2,Hi\n", encoding="utf-8")
    parsed, _ = read_document(path, columns={"speaker": "Who", "text": "comment"})
    assert [(b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("P1", "Hello"), ("P2", "Hi")]
