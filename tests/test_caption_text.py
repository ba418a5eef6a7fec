"""Captions saved as text: a Teams Word transcript (a timing line, the speaker's name on
a line of its own, the words), an SRT or WebVTT file saved as .txt."""
import docx
import pytest

from dialogcode.formats import read_document

TEAMS = [("0:0:0.0 --> 0:0:14.500", "Ruiz, Ana", "Welcome to the hearing."),
         ("0:0:15.0 --> 0:1:0.0", "Chen, Bo", "Thank you. The rent went up."),
         ("0:1:2.0 --> 0:1:5.0", "Ruiz, Ana", "Noted.")]
TURNS = [("Ruiz, Ana", "Welcome to the hearing.", 0.0, 14.5),
         ("Chen, Bo", "Thank you. The rent went up.", 15.0, 60.0),
         ("Ruiz, Ana", "Noted.", 62.0, 65.0)]


def turns_of(path):
    parsed, _ = read_document(path)
    return [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks], parsed


@pytest.mark.parametrize("blank", [True, False], ids=["cues apart", "cues together"])
def test_a_teams_word_transcript_is_read_as_turns_of_its_speakers(tmp_path, blank):
    # a Word transcript as Teams wrote it (timing line, name, words) was one section of
    # nobody's words, its timing lines and names counted and coded as talk, without a note
    document = docx.Document()
    for cue in TEAMS:
        for paragraph in cue + (("",) if blank else ()):
            document.add_paragraph(paragraph)
    document.save(tmp_path / "t.docx")
    turns, parsed = turns_of(tmp_path / "t.docx")
    assert turns == TURNS
    assert [b.line for b in parsed.blocks] == ([1, 5, 9] if blank else [1, 4, 7])


def test_a_teams_transcript_saved_as_text_is_read_as_turns(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("\n\n".join("\n".join(cue) for cue in TEAMS) + "\n", encoding="utf-8")
    assert turns_of(path)[0] == TURNS


@pytest.mark.parametrize("head,stamp", [("", "00:00:0{}.000"), ("WEBVTT\n\n", "00:00:0{}.000"),
                                        ("", "00:00:0{},000"),
                                        ("\n\nWEBVTT\n\n", "00:00:0{}.000")],
                         ids=["numbered cues", "WebVTT", "SRT", "WebVTT below a blank line"])
def test_captions_saved_as_text_are_read_as_captions(tmp_path, head, stamp):
    # the timing lines and cue numbers of captions saved as .txt were talk, in one turn
    cues = [("P1", "We need housing.", 1), ("P2", "Agreed.", 3), ("P1", "Wages too.", 5)]
    path = tmp_path / "t.txt"
    path.write_text(head + "\n\n".join(
        f"{k}\n{stamp.format(at)} --> {stamp.format(at + 1)}\n{who}: {said}"
        for k, (who, said, at) in enumerate(cues, 1)) + "\n", encoding="utf-8")
    assert turns_of(path)[0] == [(who, said, at, at + 1) for who, said, at in cues]


def test_two_line_subtitles_keep_their_first_line_as_words(tmp_path):
    # a cue's first line is a speaker's name only when every cue has one written like a
    # name, and some name recurs: subtitles of two lines each keep both as words
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello There\nGeneral Kenobi\n\n"
                    "2\n00:00:03,000 --> 00:00:04,000\nYou Are\nA Bold One\n",
                    encoding="utf-8")
    assert [said for _, said, *_ in turns_of(path)[0]] == [
        "Hello There General Kenobi", "You Are A Bold One"]


@pytest.mark.parametrize("suffix", [".srt", ".vtt"])
@pytest.mark.parametrize("firsts", [("Okay", "Right", "Okay", "Right"),
                                    ("Okay.", "Right.", "Okay.", "Right."),
                                    ("Okay", "Right", "Okay", None)],
                         ids=["words", "sentences", "most cues"])
def test_two_line_subtitles_opening_with_a_word_of_talk_keep_it_as_words(
        tmp_path, suffix, firsts):
    # every cue's first line `Okay` or `Right` was read as a speaker of that name, its
    # words the rest of the cue's; or with one cue unlike them, a note told the user to
    # give it its name line
    rests = ["let's get started then.", "so the first item is rent.",
             "and the second is repairs.", "Who wants to begin?"]
    stamp = "00:00:0{},000" if suffix == ".srt" else "00:00:0{}.000"
    cues = ["\n".join(line for line in (first, rest) if line)
            for first, rest in zip(firsts, rests)]
    path = tmp_path / f"t{suffix}"
    path.write_text(("WEBVTT\n\n" if suffix == ".vtt" else "") + "\n\n".join(
        f"{k}\n{stamp.format(2 * k)} --> {stamp.format(2 * k + 1)}\n{cue}"
        for k, cue in enumerate(cues, 1)) + "\n", encoding="utf-8")
    turns, parsed = turns_of(path)
    assert [(speaker, said) for speaker, said, *_ in turns] == [
        (None, " ".join(cue.split())) for cue in cues]
    assert not any("name" in str(note) for note in parsed.notes)


def _two_line_cues(path, firsts):
    """Four cues of ``path`` (.srt, .vtt or .txt), each a first line of ``firsts`` in
    turn above a line in lower case."""
    rests = ["for coming today.", "it was nothing.", "again for the help.",
             "really it was fine."]
    stamp = "00:00:0{},000" if path.suffix == ".srt" else "00:00:0{}.000"
    path.write_text(("WEBVTT\n\n" if path.suffix == ".vtt" else "") + "\n\n".join(
        f"{k}\n{stamp.format(2 * k)} --> {stamp.format(2 * k + 1)}\n{first}\n{rest}"
        for k, (first, rest) in enumerate(zip(firsts * 2, rests), 1)) + "\n",
        encoding="utf-8")
    return rests


@pytest.mark.parametrize("suffix", [".srt", ".vtt", ".txt"])
@pytest.mark.parametrize("firsts", [("Thank you", "Oh no"), ("And I", "So I"),
                                    ("Uh-huh", "Mm-hmm"), ("Thank You", "Oh god"),
                                    ("Yeah Yeah", "Oh Okay")])
def test_two_line_subtitles_opening_with_two_words_of_talk_keep_them_as_words(
        tmp_path, suffix, firsts):
    # each cue's first line `Thank you` or `Oh no` was read as a speaker of that name,
    # without a note: the words of a subtitle broken after its first two words
    rests = _two_line_cues(tmp_path / f"t{suffix}", firsts)
    turns, parsed = turns_of(tmp_path / f"t{suffix}")
    assert [(speaker, said) for speaker, said, *_ in turns] == [
        (None, f"{first} {rest}") for first, rest in zip(firsts * 2, rests)]
    assert not any("name" in str(note) for note in parsed.notes)


@pytest.mark.parametrize("suffix", [".srt", ".txt"])
@pytest.mark.parametrize("firsts", [("Ana Ruiz", "Oh Min-su"), ("Speaker 1", "Interviewer"),
                                    ("Ana de la Cruz", "Kim Lee (guest)"),
                                    ("Will Park", "May Chen"),
                                    ("Ana I. Ruiz", "I Wayan Sudirta"),
                                    # read as talk by a lower-case word, a pronoun or a
                                    # filler, every cue's name was lost into its words
                                    ("Jan op den Akker", "Joan Miró i Ferrà"),
                                    ("My Nguyen", "Hans zu Putlitz"), ("Ha", "Minh"),
                                    # a given name "My" written last, descent words
                                    ("Nguyen Thi My", "Moshe ben David"),
                                    ("Hilma af Klint", "Ana Ruiz")])
def test_name_lines_that_share_words_with_talk_still_name_their_cues(
        tmp_path, suffix, firsts):
    rests = _two_line_cues(tmp_path / f"t{suffix}", firsts)
    assert [(speaker, said) for speaker, said, *_ in turns_of(tmp_path / f"t{suffix}")[0]] \
        == list(zip(firsts * 2, rests))


def test_a_teams_cue_without_a_name_line_is_noted(tmp_path):
    # one cue without its name line (or without words) left every cue's name read as
    # its words, in turns without a speaker, without a note
    path = tmp_path / "t.txt"
    path.write_text("\n\n".join("\n".join(cue) for cue in TEAMS)
                    + "\n\n0:1:6.0 --> 0:1:8.0\nAnd wages.\n", encoding="utf-8")
    turns, parsed = turns_of(path)
    assert turns[0] == (None, "Ruiz, Ana Welcome to the hearing.", 0.0, 14.5)
    assert [str(note) for note in parsed.notes] == [
        "line 13: 3 of 4 cues open with a speaker's name on a line of its own (`Ruiz, "
        "Ana`), as a Teams transcript writes them, but this one does not: every cue's "
        "name is read as its words, in a turn without a speaker; give each cue its "
        "speaker's name line"]


def test_a_teams_name_with_a_note_in_brackets_names_its_cue(tmp_path):
    # one guest's `Lee, Kim (Guest)` left every cue's name line read as words
    path = tmp_path / "t.txt"
    cues = [*TEAMS, ("0:1:6.0 --> 0:1:9.0", "Kim Lee (Guest)", "Thanks.")]
    path.write_text("\n\n".join("\n".join(cue) for cue in cues) + "\n", encoding="utf-8")
    assert turns_of(path)[0] == [*TURNS, ("Kim Lee (Guest)", "Thanks.", 66.0, 69.0)]


@pytest.mark.parametrize("suffix", [".srt", ".vtt"])
def test_a_label_in_brackets_with_a_colon_names_its_cue(tmp_path, suffix):
    # WhisperX writes its speakers so: `[SPEAKER_00]: ...`; every cue was a turn without
    # a speaker, the labels in its words, without a note
    stamp = "00:00:0{},000" if suffix == ".srt" else "00:00:0{}.000"
    cues = [("SPEAKER_00", "We need housing."), ("SPEAKER_01", "Agreed."),
            ("SPEAKER_00", "Wages too.")]
    path = tmp_path / f"t{suffix}"
    path.write_text(("WEBVTT\n\n" if suffix == ".vtt" else "") + "\n\n".join(
        f"{k}\n{stamp.format(k)} --> {stamp.format(k + 1)}\n[{who}]: {said}"
        for k, (who, said) in enumerate(cues, 1)) + "\n", encoding="utf-8")
    assert [(who, said) for who, said, *_ in turns_of(path)[0]] == cues


def test_a_sound_in_brackets_stays_in_the_words(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\n[Music] la la\n\n"
                    "2\n00:00:03,000 --> 00:00:04,000\n[Music] la la la\n", encoding="utf-8")
    assert [(who, said) for who, said, *_ in turns_of(path)[0]] == [
        (None, "[Music] la la"), (None, "[Music] la la la")]


def test_captions_below_a_title_are_noted(tmp_path):
    # a title above a Teams transcript's cues made it field notes: its timing lines and
    # names one section of nobody's words, without a note
    path = tmp_path / "t.txt"
    path.write_text("Housing hearing\n\n" + "\n\n".join("\n".join(cue) for cue in TEAMS) + "\n",
                    encoding="utf-8")
    parsed, _ = read_document(path)
    assert {b.speaker for b in parsed.blocks} == {None}
    note = ("3 caption timing lines (`{}`) read as words: captions saved as text are read "
            "as captions when the file opens with its first cue (or WEBVTT): remove the lines "
            "above the first cue")
    assert [str(n) for n in parsed.notes] == ["line 3: " + note.format("0:0:0.0 --> 0:0:14.500")]
    # so too Zoom's cues (`Name: text`) below a title, read as turns
    path.write_text("Housing hearing\n\n" + "\n\n".join(
        f"{k}\n00:00:0{k}.000 --> 00:00:0{k + 1}.000\n{who}: Words." for k, who in
        enumerate(["Ana", "Bo", "Ana"], 1)) + "\n", encoding="utf-8")
    parsed, _ = read_document(path)
    assert "line 4: " + note.format("00:00:01.000 --> 00:00:02.000") in [
        str(n) for n in parsed.notes]
