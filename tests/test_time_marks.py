"""A time written inside a plain-text turn (``P1: we went there. [00:12:31] And then we
left.``, or alone on a line of the turn) is a marker, not talk: the turn is parted
there, the words after it with that time."""
import math

import docx

import pytest
from click.testing import CliRunner

from dialogcode import Study, ingest
from dialogcode.ingest import load_corpus
from dialogcode.cli import cli
from dialogcode.coders import read_coder
from dialogcode.formats import parse_text, read_document

from conftest import make_study


def read(text: str, turn_times: str | None = None) -> list[tuple]:
    parsed = parse_text(text, "call.txt", "txt", turn_times=turn_times)
    return [(b.kind, b.speaker, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks]


def test_a_time_inside_a_turn_parts_it_and_times_the_words_after_it(tmp_path):
    # the marker was in P1's words, so in quotes, in the text rules and what the model
    # read, and its time was lost
    root = make_study(tmp_path / "study", {"call.txt": (
        "P1: We went there. [00:12:31] And then we left.\nP2: Where?\n"
        "P1: To the hall.\n00:13:05\nIt was closed.\n")}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    segments = ingest(Study.open(root)).segments
    assert [(speaker, text, None if math.isnan(time) else time) for speaker, text, time
            in zip(segments["speaker"], segments["text"], segments["time_start"])] == [
        ("P1", "We went there.", None), ("P1", "And then we left.", 751.0),
        ("P2", "Where?", None), ("P1", "To the hall.", None),
        ("P1", "It was closed.", 785.0)]


@pytest.mark.parametrize("text", [
    "[00:12:00] P1: To the hall.\n00:12:31\nIt was closed.\n[00:13:00] P2: Oh.\n",
    "[00:12:00] P1: To the hall.\n\n00:12:31\n\nIt was closed.\n\n[00:13:00] P2: Oh.\n",
    "[00:12:00] P1: To the hall. (00:12:31) It was closed.\n[00:13:00] P2: Oh.\n",
    "[00:12:00] P1: To the hall. 00:12:31 It was closed.\n[00:13:00] P2: Oh.\n"],
    ids=["a line", "a paragraph", "in round brackets", "with seconds"])
def test_a_time_alone_or_inside_a_line_of_a_turn_is_a_marker(text):
    # a time alone as a paragraph was a heading: P1's words after it nobody's
    assert read(text) == [("turn", "P1", "To the hall.", 720.0),
                          ("turn", "P1", "It was closed.", 751.0),
                          ("turn", "P2", "Oh.", 780.0)]


def test_a_time_inside_a_turn_is_read_as_the_turn_times_are():
    # times of day, from the first turn's: the marker too
    assert read("[09:30:00] P1: We went there. [09:31:00] And then we left.\n"
                "[09:32:00] P2: Where?\n") == [
        ("turn", "P1", "We went there.", 0.0), ("turn", "P1", "And then we left.", 60.0),
        ("turn", "P2", "Where?", 120.0)]


@pytest.mark.parametrize("text, said", [
    ("P1: We meet at 10:30 then.\nP2: Fine.\n", "We meet at 10:30 then."),
    ("P1: We meet at\n10:30\nP2: Fine.\n", "We meet at\n10:30"),
    ("P1: Yes [Note: at 00:12:31 we paused] and no.\nP2: Fine.\n",
     "Yes [Note: at 00:12:31 we paused] and no."),
    ("P1: Yes [inaudible 00:12:31] and no.\nP2: Fine.\n",
     "Yes [inaudible 00:12:31] and no."),
    ("P1: Yes [inaudible 00:12:31 and no.\nP2: Fine.\n",
     "Yes [inaudible 00:12:31 and no."),
    # f4transkript's and f5transcript's end of a paragraph, `#00:00:12-3#`: parted at
    # its time, the turn was `How was it? #`, then a turn `-3#` timed 12 s
    ("P1: How was it? #00:00:12-3#\nP2: Fine.\n", "How was it? #00:00:12-3#"),
    ("P1: Look at {00:12:31} there.\nP2: Fine.\n", "Look at {00:12:31} there."),
    ("P1: It starts at 00:12:31.\nP2: Fine.\n", "It starts at 00:12:31."),
    # no words after it but a mark: a turn of `.` timed 751 s
    ("P1: Look at [00:12:31].\nP2: Fine.\n", "Look at [00:12:31]."),
    ("P1: Yes. [00:12:31] ...\nP2: Fine.\n", "Yes. [00:12:31] ...")],
    ids=["plain time", "plain time alone", "in a note", "in a transcriber's bracket",
         "in a bracket left open", "f4transkript's mark", "in braces",
         "ending a sentence", "before a full stop", "before dots"])
def test_a_time_someone_says_stays_talk(text, said):
    assert read(text) == [("turn", "P1", said, None), ("turn", "P2", "Fine.", None)]


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_a_time_as_someone_says_it_alone_as_a_paragraph_of_a_turn_stays_talk(fmt):
    # `10:30` as a paragraph of its own in Maria's turn was read as a heading: her words
    # after it a section of nobody's
    parsed = parse_text("Maria: the bus came at\n\n10:30\n\nand we left.\nTom: okay.\n"
                        "Maria: then what\n", "call." + fmt, fmt)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Maria", "the bus came at\n\n10:30\n\nand we left."),
        ("turn", "Tom", "okay."), ("turn", "Maria", "then what")]
    assert [str(note) for note in parsed.notes] == [
        "line 6: `Tom:` is used once and taken as a speaker"]


def test_a_time_as_someone_says_it_alone_between_turns_heads_them():
    # `10:30` as a paragraph between Tom's turn and Maria's was added to Tom's words,
    # without a note
    parsed = parse_text("Maria: Hello.\nTom: Hi there.\n\n10:30\n\nMaria: Break is over.\n"
                        "Tom: Good.\n", "call.txt", "txt")
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Maria", "Hello."), ("turn", "Tom", "Hi there."), ("heading", None, "10:30"),
        ("turn", "Maria", "Break is over."), ("turn", "Tom", "Good.")]
    assert [str(note) for note in parsed.notes] == [
        "line 4: `10:30` read as a heading, not as talk"]


def notes(text: str) -> list[str]:
    return [str(note) for note in parse_text(text, "call.txt", "txt").notes]


def test_a_time_before_the_one_above_it_is_noted_naming_both(tmp_path):
    # a marker earlier than its own turn's time, and a typo among the turn times, were
    # kept without a word: durations and anything sorted by time silently wrong
    text = ("[00:30:00] P1: We went there.\n\n[00:31:00] P2: Yes. [00:01:00] Oh.\n\n"
            "[00:31:05] P1: And then.\n\n[00:13:10] P2: We left.\n\n"
            "[00:31:40] P1: More.\n")
    assert [time for *_, time in read(text)] == [1800.0, 1860.0, 60.0, 1865.0, 790.0,
                                                 1900.0]      # kept as written
    root = make_study(tmp_path / "study", {"call.txt": text}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("call.txt:3: time 00:01:00 is before the time above it, 00:31:00 (line 3): "
            "kept as written") in said
    assert "correct it; so is 1 more time, before the time above it (line 7)" in said
    assert said.count("call.txt:") == 1


def test_many_times_before_the_one_above_them_are_one_note_listing_lines(tmp_path):
    # 20 turns of a second clock: 20 notes of three lines each buried the summary
    stamp = lambda t: f"[{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}]"  # noqa: E731
    text = "\n".join(f"{stamp(1800 + 30 * k if k % 2 == 0 else 130 + 30 * k)} "
                     f"P{1 + k % 2}: Words {k}.\n" for k in range(40))
    said = notes(text)
    assert said == [note for note in said if "before the time above" not in note] + [
        "line 3: time 00:02:40 is before the time above it, 00:30:00 (line 1): kept as "
        "written, so durations and anything sorted by time take this turn out of order; "
        "if it is a typo, correct it; so are 19 more times, each before the time above "
        "it (lines 7, 11, 15, 19, 23 and 14 more)"]


@pytest.mark.parametrize("text", [
    # a second recording's clock starting again, in a turn or at a turn
    "[00:30:00] P1: We went there.\n[00:31:00] P2: Yes. [00:00:00] Part two.\n"
    "[00:00:40] P1: Go on.\n",
    "[00:30:00] P1: We went there.\n[00:31:00] P2: Yes.\n[00:00:05] P1: Part two.\n"
    "[00:00:40] P2: Go on.\n",
    "[09:30:00] P1: We went there.\n[23:59:00] P2: Late.\n[00:01:00] P1: Past midnight.\n"],
    ids=["restart at a marker", "restart at a turn", "past midnight"])
def test_a_clock_started_again_or_past_midnight_is_not_noted(text):
    assert not [note for note in notes(text) if "before the time above" in note]


def test_a_time_of_day_before_the_one_above_it_is_noted():
    # after the first turn's time but before the one above it: read without a word
    assert any(note.startswith("line 3: time 09:35:00 is before the time above it, "
                               "09:40:00 (line 2)")
               for note in notes("[09:30:00] P1: We went there.\n[09:40:00] P2: Yes.\n"
                                 "[09:35:00] P1: Typo.\n"))


@pytest.mark.parametrize("mark", ["", "[00:12:31] "], ids=["no marker", "a marker"])
def test_a_span_over_a_turn_parted_by_a_marker_skips_an_interjection(tmp_path, mark):
    # P1's turn ends its line with the coach's `[Coach: go on]` and goes on below past
    # a marker: the interjection was not seen, and a span over P1's words coded the
    # coach's too
    text = ("Coach: Tell me about the year.\n\nP1: Debt is the worry [Coach: go on]\n"
            f"{mark}and wages too.\n\nP3: Our neighbours helped.\n")
    root = make_study(tmp_path / "study", {"call.txt": text}, None)
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    segments = load_corpus(Study.open(root)).segments
    path = tmp_path / "x.csv"
    path.write_text(f"seg_id,code_id,start,end\ncall:t2,c,{text.index('Debt')},"
                    f"{text.index('too.') + 4}\n", encoding="utf-8")
    assert list(read_coder(path, segments)["seg_id"]) == ["call:t2", "call:t4"]


def test_a_time_before_the_one_above_it_in_a_word_files_paragraphs_names_its_lines(tmp_path):
    # paragraphs after a turn table: the line named in the note's words was counted
    # from the paragraphs' first, not the document's
    document = docx.Document()
    table = document.add_table(rows=0, cols=3)
    for row in [("Time", "Speaker", "Text"), ("00:00:01", "P1", "Hello there."),
                ("00:00:05", "P2", "Hi.")]:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    for line in ["Part two", "[00:30:00] P1: We went there.", "[00:31:05] P2: Yes.",
                 "[00:13:10] P1: Typo.", "[00:31:40] P2: More."]:
        document.add_paragraph(line)
    document.save(tmp_path / "call.docx")
    said = [str(note) for note in read_document(tmp_path / "call.docx")[0].notes]
    assert any(note.startswith("line 7: time 00:13:10 is before the time above it, "
                               "00:31:05 (line 6)") for note in said), said


def test_a_time_ending_a_turn_is_no_start_a_later_turn_can_be_before():
    # each turn's start and end written, and P2 starting as P1 finishes: P2's time was
    # noted as out of order against P1's end, though every turn starts after the last
    text = ("[00:10:01] P1: Hello there, how are you? [00:10:06]\n\n"
            "[00:10:05] P2: Fine, thanks. [00:10:09]\n\n[00:10:10] P1: Good. [00:10:12]\n")
    assert [time for *_, time in read(text)] == [601.0, 605.0, 610.0]
    assert not [note for note in notes(text) if "before the time above" in note]
    # a typo among the starts is still noted
    assert any(note.startswith("line 5: time 00:01:10 is before the time above it, "
                               "00:10:05 (line 3)")
               for note in notes(text.replace("[00:10:10]", "[00:01:10]")))


@pytest.mark.parametrize("text, said", [
    ("P1: My best was 3:12:45 that day.\nP2: Fine.\n", "My best was 3:12:45 that day."),
    ("P1: We met at 10:30:00 sharp.\nP2: Fine.\n", "We met at 10:30:00 sharp."),
    ("P1: The video at 1:02:10 shows it.\nP2: Fine.\n", "The video at 1:02:10 shows it."),
    ("P1: We met at\n10:30:00 sharp.\nP2: Fine.\n", "We met at\n10:30:00 sharp."),
    ("P1: I ran it. 3:12:45 was my best.\nP2: Fine.\n", "I ran it. 3:12:45 was my best."),
    ("P1: My best was 3:12:45\nP2: Fine.\n", "My best was 3:12:45"),
    ("P1: What was my time? 3:12:45\nP2: Fine.\n", "What was my time? 3:12:45")],
    ids=["inside words", "before a word", "a video's time", "opening a line mid-sentence",
         "after a sentence, then lower case", "ending a sentence unfinished",
         "after a sentence, ending the turn"])
def test_a_time_with_seconds_inside_running_words_stays_words(text, said):
    # parted as a marker: `My best was` then `that day.` timed 11565 s, the time in
    # no turn, so never quoted or coded, and a wrong time_start
    assert read(text) == [("turn", "P1", said, None), ("turn", "P2", "Fine.", None)]


def test_a_time_someone_says_in_a_timed_transcript_stays_words():
    assert read("[00:12:00] P1: We met at 10:30:00 sharp.\n[00:13:00] P2: Fine.\n") == [
        ("turn", "P1", "We met at 10:30:00 sharp.", 720.0), ("turn", "P2", "Fine.", 780.0)]


@pytest.mark.parametrize("text, before, after", [
    ("P1: We went there. 00:12:31 And then we left.\nP2: Fine.\n",
     "We went there.", "And then we left."),
    ("P1: We went there.\n00:12:31 And then we left.\nP2: Fine.\n",
     "We went there.", "And then we left."),
    ("P1: we went there\n\n00:12:31 and then we left.\n\nP2: Fine.\n",
     "we went there", "and then we left."),
    ("P1: we went there\n00:12:31 and then we left\nP2: Fine.\n",
     "we went there", "and then we left")],
    ids=["between sentences", "opening a line after a sentence", "opening a paragraph",
         "opening a line, written as a recording's"])
def test_a_bare_time_with_seconds_at_a_break_in_the_talk_is_a_marker(text, before, after):
    assert read(text) == [("turn", "P1", before, None), ("turn", "P1", after, 751.0),
                          ("turn", "P2", "Fine.", None)]


def test_bare_times_alone_on_their_lines_are_markers_where_the_file_has_more_than_one():
    assert read("P1: we went there\n00:12:31\nand then we left\n"
                "P2: Fine.\n00:13:02\nWhat next?\n") == [
        ("turn", "P1", "we went there", None), ("turn", "P1", "and then we left", 751.0),
        ("turn", "P2", "Fine.", None), ("turn", "P2", "What next?", 782.0)]


@pytest.mark.parametrize("text, said, line, time, whose", [
    ("P1: the bus came at\n10:30:00\nand we left.\nP2: Fine.\n",
     [("P1", "the bus came at\n10:30:00\nand we left."), ("P2", "Fine.")], 2, "10:30:00", "P1"),
    ("P1: the bus came at\n\n10:30:00\n\nand we left.\n\nP2: Fine.\n",
     [("P1", "the bus came at\n\n10:30:00\n\nand we left."), ("P2", "Fine.")], 3, "10:30:00",
     "P1"),
    ("P1: When was it?\nP2: the log says\n00:12:31\nP1: Oh.\n",
     [("P1", "When was it?"), ("P2", "the log says\n00:12:31"), ("P1", "Oh.")], 3, "00:12:31",
     "P2")],
    ids=["a line of a turn", "a paragraph of a turn", "above the next label"])
def test_the_only_time_in_a_file_alone_on_its_line_stays_words_with_a_note(
        text, said, line, time, whose):
    # read as a marker: the turn parted there and the time in no turn's words, or the
    # last words of P2 taken for the time of P1's turn below, all times of day from it
    parsed = parse_text(text, "call.txt", "txt")
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start)
            for b in parsed.blocks] == [(speaker, words, None) for speaker, words in said]
    assert [str(note) for note in parsed.notes if time in str(note)] == [(
        f"line {line}: `{time}` alone on its line is read as words of {whose}'s turn, not "
        "as a time marker: it is the only time in the file, written as someone may say "
        "it; if it marks where in the recording the words after it start, write it in "
        f"brackets (`[{time}]`)")]


@pytest.mark.parametrize("mark, time", [("[10:30:00]", 0.0), ("(10:30:00)", 0.0),
                                        ("[10:30]", 630.0)])
def test_the_only_time_in_a_file_in_brackets_alone_on_its_line_is_a_marker(mark, time):
    # a time of day from the first turn's, as 00:00:00; minutes and seconds as written
    assert read(f"P1: the bus came at\n{mark}\nand we left.\nP2: Fine.\n") == [
        ("turn", "P1", "the bus came at", None), ("turn", "P1", "and we left.", time),
        ("turn", "P2", "Fine.", None)]


def test_the_only_time_in_a_file_opening_a_turns_words_times_them():
    # it follows no words anyone said: it was read as words of P1's, with a note
    assert read("P1:\n00:12:31\nwe went there.\nP2: Fine.\n") == [
        ("turn", "P1", "we went there.", 751.0), ("turn", "P2", "Fine.", None)]


@pytest.mark.parametrize("above", ["PART TWO\n\n", "Observation: they laugh.\n"],
                         ids=["a heading", "an observer's line"])
def test_the_only_time_in_a_file_below_no_turns_words_times_the_turn_below(above):
    # the note said it was read as words of P2's turn, where it was left in a section of
    # nobody's words above P1's turn, which lost its time
    parsed = parse_text(f"P1: hi there.\nP2: Fine.\n\n{above}00:12:31\nP1: ok.\nP2: yes.\n"
                        "Observation: quiet.\n", "call.txt", "txt")
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start) for b in parsed.blocks
            if b.kind == "turn"] == [("P1", "hi there.", None), ("P2", "Fine.", None),
                                     ("P1", "ok.", 751.0), ("P2", "yes.", None)]
    assert "00:12:31" not in "".join(parsed.text[b.start:b.end] for b in parsed.blocks)
    assert not any("00:12:31" in str(note) for note in parsed.notes)


@pytest.mark.parametrize("words, before, after", [
    ("We went there. 00:12:31 (laughs) And then we left.",
     "We went there.", "(laughs) And then we left."),
    ("We went there. 00:12:31 [inaudible] and then we left.",
     "We went there.", "[inaudible] and then we left."),
    ('We went there. 00:12:31 "Go," she said.', "We went there.", '"Go," she said.'),
    ("Fuimos allí. 00:12:31 ¿Y entonces?", "Fuimos allí.", "¿Y entonces?"),
    ("我们去了。 00:12:31 然后我们走了。", "我们去了。", "然后我们走了。"),
    ("We went there. 00:12:31\nAnd then we left.", "We went there.", "And then we left."),
    ("We went there... 00:12:31 and then we left.", "We went there...", "and then we left."),
    ("We went there. (laughs) 00:12:31 And then we left.", "We went there. (laughs)",
     "And then we left."),
    ("We went there. [laughs]\n00:12:31 And then we left.", "We went there. [laughs]",
     "And then we left.")],
    ids=["an aside", "a bracket, then lower case", "a quote", "an inverted question mark",
         "a full-width full stop", "the next line", "a recording's time, then lower case",
         "after an aside", "a line after an aside"])
def test_a_bare_time_between_sentences_is_a_marker_whatever_opens_the_next(
        words, before, after):
    # no capital letter after it on its line: the marker was left in P1's words
    # (quoted, coded) and the words after it lost its time
    assert read(f"P1: {words}\nP2: Fine.\n") == [
        ("turn", "P1", before, None), ("turn", "P1", after, 751.0),
        ("turn", "P2", "Fine.", None)]


@pytest.mark.parametrize("opening", ["", "[laughs] "], ids=["alone", "after an aside"])
def test_a_time_opening_a_turn_is_its_marker(opening):
    assert read(f"P1: Hello.\nP2: {opening}00:12:31 We went there.\nP1: Oh.\n") == [
        ("turn", "P1", "Hello.", None), *[("turn", "P2", opening.strip(), None)] * bool(opening),
        ("turn", "P2", "We went there.", 751.0), ("turn", "P1", "Oh.", None)]


def test_times_opening_the_lines_of_a_transcript_without_full_stops_are_markers():
    # as speech-to-text writes a line a time: the time opening P1's second line was
    # left in P1's words, the line without its time
    assert read("P1: 00:00:00 hello and welcome\n00:00:04 this is the show\n"
                "P2: 00:00:09 thanks for having me\n") == [
        ("turn", "P1", "hello and welcome", 0.0), ("turn", "P1", "this is the show", 4.0),
        ("turn", "P2", "thanks for having me", 9.0)]


def test_a_time_someone_says_stays_in_the_segments_words(tmp_path):
    root = make_study(tmp_path / "study", {"call.txt": (
        "P1: My best was 3:12:45 that day.\nP2: We met at 10:30:00 sharp.\n"
        "P1: The video at 1:02:10 shows it.\n")}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    segments = ingest(Study.open(root)).segments
    assert list(segments["text"]) == ["My best was 3:12:45 that day.",
                                      "We met at 10:30:00 sharp.",
                                      "The video at 1:02:10 shows it."]
    assert segments["time_start"].isna().all()
    assert "before the time above" not in result.output


def test_a_time_between_its_turns_times_inside_running_words_is_a_marker():
    # lower case, no full stops, as speech-to-text writes: the time lies between its
    # turn's and the next turn's, as a marker's does and a time someone says hardly can
    text = ("00:12:00 P1: so we went there 00:12:31 and then we left\n"
            "00:13:00 P2: we met at 10:30:00 sharp\n00:14:00 P1: oh\n")
    assert read(text) == [("turn", "P1", "so we went there", 720.0),
                          ("turn", "P1", "and then we left", 751.0),
                          ("turn", "P2", "we met at 10:30:00 sharp", 780.0),
                          ("turn", "P1", "oh", 840.0)]


def test_a_time_with_am_or_pm_inside_a_timed_turn_stays_words():
    assert read("00:12:00 P1: we met at 10:30:00 PM sharp\n00:13:00 P2: oh\n") == [
        ("turn", "P1", "we met at 10:30:00 PM sharp", 720.0), ("turn", "P2", "oh", 780.0)]


@pytest.mark.parametrize("said", [
    "10:30:00 PM is when we met.", "We got there.\n10:30:00 p.m. Nobody was in.",
    "We got there. 9:15:00 AM The door was shut."],
    ids=["opening the turn", "opening a line after a sentence", "between sentences"])
def test_a_bare_time_with_am_or_pm_stays_words_wherever_it_stands(said):
    # nobody marks a recording so: the time left P1's words and the words after it were
    # timed 0 s, a time of day from itself
    assert read(f"P1: {said}\nP2: Fine.\n") == [("turn", "P1", said, None),
                                                ("turn", "P2", "Fine.", None)]


def test_a_caption_cues_timing_in_a_text_file_is_no_marker():
    # subtitles saved as .txt: the cue's start opening its line was read as a marker,
    # a turn of P1 saying '--> 00:00:04,500' timed 3 s
    # (below a title: opening with its first cue, the file is read as captions)
    cues = ("1\n00:00:01,000 --> 00:00:02,000\nP1: Rent went up.\n\n"
            "2\n00:00:03,000 --> 00:00:04,500\nP2: Again?\n")
    assert read("Call with tenants\n\n" + cues)[1:] == [
        ("turn", "P1", "Rent went up.\n\n2\n00:00:03,000 --> 00:00:04,500", None),
        ("turn", "P2", "Again?", None)]
    assert read(cues) == [("turn", "P1", "Rent went up.", 1.0), ("turn", "P2", "Again?", 3.0)]


def test_a_time_in_round_brackets_after_the_label_times_the_words_below_it():
    # Rev's `Interviewer: (00:00)` with the words on the next line kept `(00:00)` in the
    # speaker's words, and the turn had no time
    assert read("Interviewer: (00:00)\nHow did it start?\n\n"
                "Respondent: (00:04)\nWe started in the spring.\n\n"
                "Interviewer: (00:09)\nAnd then?\n") == [
        ("turn", "Interviewer", "How did it start?", 0.0),
        ("turn", "Respondent", "We started in the spring.", 4.0),
        ("turn", "Interviewer", "And then?", 9.0)]


def test_a_time_in_round_brackets_with_words_after_it_on_the_labels_line_stays_talk():
    assert read("P1: (10:30) works for me.\nP2: Fine.\nP1: Good.\n")[0] == (
        "turn", "P1", "(10:30) works for me.", None)


@pytest.mark.parametrize("mark", ["[00:12:31]", "  (00:12:31)"])
def test_the_only_time_in_a_file_in_brackets_above_a_label_is_that_turns(mark):
    assert read(f"P1: When was it?\nP2: the log says\n{mark}\nP1: Oh.\n") == [
        ("turn", "P1", "When was it?", None), ("turn", "P2", "the log says", None),
        ("turn", "P1", "Oh.", 751.0)]
