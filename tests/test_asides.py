"""A note in brackets inside a turn (`[Note: the group paused]`, `(Facilitator note:
...)`) is no speaker's words: a section of nobody's, the speaker's words around it
their turns; other brackets (`[laughter]`, `[NAME]`) stay in the turn."""
import json
import shutil

import docx
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.formats import read_document

from conftest import EVIDENCE, make_study

TURNS = [("Facilitator", "What got in the way?"),
         ("P2", "I agree {note} and my wages are low."),
         ("Facilitator", "Thank you.")]


def _write(path, turns):
    if path.suffix == ".docx":
        document = docx.Document()
        for speaker, words in turns:
            document.add_paragraph(f"{speaker}: {words}")
        document.save(path)
    elif path.suffix == ".csv":
        pd.DataFrame(turns, columns=["speaker", "text"]).to_csv(path, index=False)
    elif path.suffix == ".json":
        path.write_text(json.dumps([{"speaker": s, "text": t} for s, t in turns]),
                        encoding="utf-8")
    elif path.suffix == ".vtt":
        path.write_text("WEBVTT\n\n" + "".join(
            f"00:00:0{k}.000 --> 00:00:0{k + 1}.000\n{s}: {t}\n\n"
            for k, (s, t) in enumerate(turns)), encoding="utf-8")
    else:
        path.write_text("\n\n".join(f"{s}: {t}" for s, t in turns) + "\n", encoding="utf-8")


def _read(path, note):
    _write(path, [(s, t.format(note=note)) for s, t in TURNS])
    parsed, _ = read_document(path)
    return parsed, [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]


@pytest.mark.parametrize("note", ["[Note: the group paused over the rent]",
                                  "(Facilitator note: the group paused over the rent)",
                                  "[Observer comment: the group paused over the rent]",
                                  "[Notes from the note-taker: the group paused]",
                                  "[Transcriber's note: the recording cuts out]"])
@pytest.mark.parametrize("name", ["t.txt", "t.md", "t.docx", "t.csv", "t.json", "t.vtt"])
def test_a_note_in_brackets_inside_a_turn_is_nobodys_words(tmp_path, name, note):
    # the note was P2's words: quoted as hers, coded on her turn
    parsed, blocks = _read(tmp_path / name, note)
    assert blocks == [("turn", "Facilitator", "What got in the way?"),
                      ("turn", "P2", "I agree"), ("section", None, note),
                      ("turn", "P2", "and my wages are low."),
                      ("turn", "Facilitator", "Thank you.")]
    assert [n.message for n in parsed.notes if "note of nobody's" in n.message] == [
        f"`{note}` in P2's turn read as a note of nobody's, not as P2's words"]


@pytest.mark.parametrize("aside", ["[laughter]", "[NAME]", "[inaudible 00:01:05]", "(ph)",
                                   "[Quote: we are not alone]", "(as in: the old one)",
                                   "[crosstalk]", "[Translation: a bus pass]"])
def test_other_brackets_stay_in_the_turn(tmp_path, aside):
    parsed, blocks = _read(tmp_path / "t.txt", aside)
    assert blocks[1] == ("turn", "P2", f"I agree {aside} and my wages are low.")
    assert len(blocks) == 3


def test_a_note_in_brackets_is_not_coded_on_the_speakers_turn(tmp_path):
    # rent, a code's term, only in the facilitator's bracketed note: P2's turn was
    # coded risk.housing and quoted for it
    turns = [("Facilitator", "What got in the way?"),
             ("P2", "I agree. [Facilitator note: P2 was evicted over the rent] My wages "
                    "are low."), ("Facilitator", "Thank you.")]
    root = make_study(tmp_path / "s", {}, "file,site,event_type,date\n"
                      "call.txt,North,coaching_call,2019-01-10\n")
    _write(root / "transcripts" / "call.txt", turns)
    shutil.copy(EVIDENCE / "codebook.yaml", root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text(
        "title: Asides\ncodebooks: [codebook.yaml]\nprivacy: {gate: 'off'}\n",
        encoding="utf-8")
    for command in ("ingest", "code"):
        result = CliRunner().invoke(cli, [command, "-q", str(root)])
        assert result.exit_code == 0, result.output
    segments = pd.read_csv(root / "out" / "segments.csv")
    codings = pd.read_csv(root / "out" / "codings.csv").merge(
        segments[["seg_id", "speaker"]], on="seg_id")
    housing = codings[codings["code_id"] == "risk.housing"]
    assert housing["speaker"].isna().all() and len(housing) >= 1
    assert set(codings.loc[codings["code_id"] == "risk.money", "speaker"]) == {"P2"}


def test_the_turns_times_stay_at_its_ends_and_a_turn_of_a_note_alone_is_no_turn(tmp_path):
    # the turn's times stay on its first and last words; a row holding only a note is
    # no turn of P2's, the note keeps the row's times
    path = tmp_path / "t.json"
    path.write_text(json.dumps([
        {"speaker": "P1", "text": "Rent. [Note: P1 points at the board] Deposits too.",
         "start": 1, "end": 9},
        {"speaker": "P2", "text": "(Facilitator note: P2 left the room)", "start": 10,
         "end": 12}]), encoding="utf-8")
    parsed, _ = read_document(path)
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks] == [
        ("turn", "P1", "Rent.", 1.0, None),
        ("section", None, "[Note: P1 points at the board]", None, None),
        ("turn", "P1", "Deposits too.", None, 9.0),
        ("section", None, "(Facilitator note: P2 left the room)", 10.0, 12.0)]


@pytest.mark.parametrize("name", ["t.txt", "t.json"])
def test_punctuation_left_by_a_note_goes_with_the_note_not_a_turn_of_its_own(tmp_path, name):
    # `We left [Note: ...].` gave P2 a turn `.`: a segment of her words with none in it,
    # and a row of a note alone with its full stop lost its times to that `.`
    path = tmp_path / name
    turns = [("P2", "We left [Note: P2 points at the door]."),
             ("P1", "(Facilitator note: P1 left the room).")]
    if name == "t.json":
        path.write_text(json.dumps([{"speaker": s, "text": t, "start": k * 10 + 1,
                                     "end": k * 10 + 9} for k, (s, t) in enumerate(turns)]),
                        encoding="utf-8")
    else:
        _write(path, turns)
    parsed, _ = read_document(path)
    blocks = [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks]
    assert blocks == [("turn", "P2", "We left"),
                      ("section", None, "[Note: P2 points at the door]."),
                      ("section", None, "(Facilitator note: P1 left the room).")]
    if name == "t.json":
        assert [(b.time_start, b.time_end) for b in parsed.blocks] == [
            (1.0, 9.0), (None, None), (11.0, 19.0)]


@pytest.mark.parametrize("name", ["t.txt", "t.docx", "t.json"])
@pytest.mark.parametrize("said, who", [("[Facilitator: go on]", "Facilitator"),
                                       ("(P1: me too)", "P1")])
def test_a_speaker_in_brackets_inside_a_turn_is_a_turn_of_theirs(tmp_path, name, said, who):
    # `P2: we went there [Facilitator: go on] and ...`: the facilitator's words were P2's,
    # quoted and coded as hers
    path = tmp_path / name
    _write(path, [("Facilitator", "What got in the way?"),
                  ("P1", "Rent."),
                  ("P2", f"We went there {said} and my wages are low [laughs]."),
                  ("Facilitator", "Thank you.")])
    parsed, _ = read_document(path)
    words = said[said.index(":") + 2:-1]
    assert [(b.kind, b.speaker, parsed.text[b.start:b.end]) for b in parsed.blocks] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."),
        ("turn", "P2", "We went there"), ("turn", who, words),
        ("turn", "P2", "and my wages are low [laughs]."),
        ("turn", "Facilitator", "Thank you.")]
    assert f"`{said}` in P2's turn read as a turn of {who}'s" in [
        n.message for n in parsed.notes]


def test_a_bracket_naming_nobody_who_speaks_stays_in_the_turn(tmp_path):
    # only a speaker of the document, a listed one or a role interrupts: `[Rent: 900]`
    # is the speaker's words
    parsed, blocks = _read(tmp_path / "t.txt", "[Rent: 900 a month]")
    assert blocks[1] == ("turn", "P2", "I agree [Rent: 900 a month] and my wages are low.")


@pytest.mark.parametrize("said", ['[Facilitator: "come back"]', "(P1: ‘no way’)"])
def test_a_speaker_in_brackets_quoted_by_the_speaker_stays_the_speakers_words(tmp_path, said):
    # `she said [Facilitator: "come back"]`: words all in quotation marks are the speaker
    # quoting someone, not an interjection; they were made a turn of the facilitator's
    parsed, blocks = _read(tmp_path / "t.txt", said)
    assert blocks[1] == ("turn", "P2", f"I agree {said} and my wages are low.")
    assert not [n for n in parsed.notes if "read as a turn of" in n.message]


def test_an_interjection_that_is_all_the_turn_has_keeps_the_turns_times(tmp_path):
    # a cue `P2: [Facilitator: go on]` lost its times: the facilitator's turn had none
    path = tmp_path / "t.vtt"
    _write(path, [("Facilitator", "What got in the way?"), ("P2", "[Facilitator: go on]"),
                  ("P1", "Rent.")])
    parsed, _ = read_document(path)
    assert [(b.speaker, parsed.text[b.start:b.end], b.time_start, b.time_end)
            for b in parsed.blocks] == [("Facilitator", "What got in the way?", 0.0, 1.0),
                                        ("Facilitator", "go on", 1.0, 2.0),
                                        ("P1", "Rent.", 2.0, 3.0)]
