"""privacy redact: masked copies keep each speaker's turns apart (named speakers are
numbered, not all made one `[NAME]`), in text, table and JSON transcripts."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli

NAMES = ["Rosalba Mendez", "Tomasz Nowak", "Amara Okafor"]
SAID = ["We started the food pantry in March.", "The rent went up again this year.",
        "Families are doubling up.", "", "I agree with Tomasz Nowak."]
WHO = [NAMES[0], NAMES[1], NAMES[0], "Facilitator", NAMES[2]]
MANIFEST = ("file,site,event_type\ncall.txt,A,call\nrows.csv,A,call\nitems.json,A,call\n"
            "notes.md,A,call\n")


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def turns(root):
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    return {doc: list(group["speaker"]) for doc, group in segments.groupby("doc_id")}


def test_masked_copies_read_back_with_the_same_turns_and_speakers_kept_apart(tmp_path):
    def said(n):      # four documents, no two alike
        return zip(WHO, SAID[:3] + [f"Thank you both {n} times.", SAID[4]])

    files = {"call.txt": "".join(f"{w}: {t}\n" for w, t in said(1)),
             "rows.csv": "speaker,text\n" + "".join(f'"{w}",{t}\n' for w, t in said(2)),
             "items.json": json.dumps([{"speaker": w, "text": t} for w, t in said(3)]),
             "notes.md": "".join(f"- **{w}:** {t}\n" for w, t in said(4))}
    root = make_study(tmp_path / "s", files, MANIFEST)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    found = set(pd.read_csv(root / "out" / "privacy.csv")["text"])
    assert set(NAMES) <= found
    masked = tmp_path / "masked"
    output = run("privacy", "redact", root, "--to", masked)
    assert "3 speaker label(s) holding a finding written as Speaker 1" in output
    assert (masked / "call.txt").read_text(encoding="utf-8").splitlines() == [
        "Speaker 1: We started the food pantry in March.",
        "Speaker 2: The rent went up again this year.",
        "Speaker 1: Families are doubling up.", "Facilitator: Thank you both 1 times.",
        "Speaker 3: I agree with [NAME]."]
    copy = make_study(tmp_path / "copy", {p.name: p.read_bytes() for p in masked.iterdir()},
                      MANIFEST)
    run("ingest", copy, "-q")
    expected = ["Speaker 1", "Speaker 2", "Speaker 1", "Facilitator", "Speaker 3"]
    # [NAME] for every named speaker merged the table's rows into one turn and made the
    # text file's `[NAME]:` lines no turns at all
    assert turns(copy) == {doc: expected for doc in ("call", "rows", "items", "notes")}
    texts = "\n".join(pd.read_parquet(copy / "out" / "documents.parquet")["text"])
    assert not [name for name in found if name in texts]


def test_a_speaker_label_already_in_the_study_is_never_given_to_another(tmp_path):
    said = "Speaker 1: We met.\nTomasz Nowak: The rent went up.\nSpeaker 1: Again.\n"
    root = make_study(tmp_path / "s", {"call.txt": said}, "file,site\ncall.txt,A\n")
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    run("privacy", "redact", root, "--to", tmp_path / "masked")
    assert (tmp_path / "masked" / "call.txt").read_text(encoding="utf-8") == (
        "Speaker 1: We met.\nSpeaker 2: The rent went up.\nSpeaker 1: Again.\n")


def redact_and_read_back(tmp_path, files, manifest, decisions=None):
    """Ingest, scan (and decide) a study of ``files``, redact it and ingest the copies:
    the copies' folder and their speakers by document."""
    root = make_study(tmp_path / "s", files, manifest)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    if decisions:
        from test_privacy import decide
        decide(root, decisions)
    masked = tmp_path / "masked"
    run("privacy", "redact", root, "--to", masked)
    copy = make_study(tmp_path / "copy", {p.name: p.read_bytes() for p in masked.iterdir()},
                      None)
    run("ingest", copy, "-q")
    return masked, turns(copy)


def test_labels_after_a_time_and_voices_with_a_class_are_numbered_where_they_stand(tmp_path):
    a, b = NAMES[:2]
    files = {"timed.txt": f"[00:00:05] {a}: We met in March.\n[00:00:09] {b}: The rent went "
                          f"up.\n[00:00:15] {a}: Families are doubling up.\n",
             "clock.txt": f"00:01:05 {a}: The pantry opened.\n00:01:09 {b}: Not on Sundays."
                          f"\n00:01:15 {a}: Then on Mondays.\n",
             "voices.vtt": f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v.loud {a}>Hi.</v> "
                           f"<v {b}>Hello there.</v>\n\n00:00:03.000 --> 00:00:04.000\n"
                           f"<v.quiet {a}>Are you well?</v>\n\n"}
    masked, speakers = redact_and_read_back(tmp_path, files, None)
    # a label after a time, or in a voice tag with a class or after another voice, was
    # masked to [NAME]: the copy read back with its turns joined or without speakers
    assert speakers == {"timed": ["Speaker 1", "Speaker 2", "Speaker 1"],
                        "clock": ["Speaker 1", "Speaker 2", "Speaker 1"],
                        "voices": ["Speaker 1", "Speaker 2", "Speaker 1"]}
    assert "[00:00:09] Speaker 2: The rent" in (masked / "timed.txt").read_text()


def test_a_label_with_a_zero_width_space_before_its_colon_is_numbered(tmp_path):
    # ingest reads `Name\u200b:` as Name's label; the copy kept the name there
    a, b = NAMES[:2]
    said = f"{a}\u200b: We met in March.\n{b}: The rent went up.\n{a}: Families are doubling up.\n"
    masked, speakers = redact_and_read_back(tmp_path, {"call.txt": said}, None)
    assert speakers == {"call": ["Speaker 1", "Speaker 2", "Speaker 1"]}
    assert a not in (masked / "call.txt").read_text()


def test_a_label_before_a_full_width_colon_is_numbered(tmp_path):
    # ingest reads `Name：` (U+FF1A) as Name's label; the copy kept the name there
    a, b = NAMES[:2]
    said = f"{a}：We met in March.\n{b}: The rent went up.\n{a}： Families are doubling up.\n"
    masked, speakers = redact_and_read_back(tmp_path, {"call.txt": said}, None)
    assert speakers == {"call": ["Speaker 1", "Speaker 2", "Speaker 1"]}
    assert a not in (masked / "call.txt").read_text()


def test_a_name_opening_a_line_of_talk_is_masked_not_numbered(tmp_path):
    a, b = NAMES[:2]
    said = f"{a}: We met.\n{b}: The rent went up.\n{a} told me she moved.\nFacilitator: Ok.\n"
    masked, speakers = redact_and_read_back(tmp_path, {"call.txt": said}, None)
    # numbered, the words about her would be tied to her own turns in the copy
    assert (masked / "call.txt").read_text().splitlines()[1:3] == [
        "Speaker 2: The rent went up.", "[NAME] told me she moved."]
    assert speakers == {"call": ["Speaker 1", "Speaker 2", "Facilitator"]}


def test_a_staff_label_keeps_its_role_beside_the_number_and_nothing_else(tmp_path):
    from dialogcode.roles import speaker_roles

    said = (f"Coach {NAMES[0]}: How did the circle go?\nDr. {NAMES[1]}: Eighteen came.\n"
            f"Coach {NAMES[0]}: Good.\n")
    masked, speakers = redact_and_read_back(tmp_path, {"call.txt": said}, None)
    # as Speaker 1 the coach's words would be a participant's in the copy's report
    assert speakers == {"call": ["Coach Speaker 1", "Speaker 2", "Coach Speaker 1"]}
    assert speaker_roles().role("call", speakers["call"][0]) == "coach"


def test_speakers_of_a_withheld_document_take_no_number(tmp_path):
    files = {"a-withheld.txt": f"{NAMES[0]}: We talked about the shelter.\n"
                               f"{NAMES[2]}: Yes.\n{NAMES[0]}: Again.\n",
             "b-call.txt": f"{NAMES[1]}: The rent went up.\nFacilitator: Thanks.\n"
                           f"{NAMES[1]}: Twice.\n"}
    masked, speakers = redact_and_read_back(
        tmp_path, files, "file,site\na-withheld.txt,A\nb-call.txt,A\n",
        {NAMES[0]: "redact-document"})
    # numbered over every document, the copy's first speaker was Speaker 3: two named
    # speakers, never shown, spoke first in a document withheld
    assert sorted(p.name for p in masked.iterdir()) == ["b-call.txt"]
    assert speakers == {"b-call": ["Speaker 1", "Facilitator", "Speaker 1"]}


def test_a_name_opening_a_cell_of_talk_in_a_table_is_masked_not_numbered(tmp_path):
    a, b = NAMES[:2]
    rows = (f'speaker,text\n{a},We met.\n"{b}",The rent went up.\n'
            f'Facilitator,"{a}, what do you think?"\n{a},"Yes, {b}"\n')
    masked, speakers = redact_and_read_back(tmp_path, {"rows.csv": rows}, None)
    assert (masked / "rows.csv").read_text().splitlines()[1:] == [
        "Speaker 1,We met.", '"Speaker 2",The rent went up.',
        'Facilitator,"[NAME], what do you think?"', 'Speaker 1,"Yes, [NAME]"']
    assert speakers == {"rows": ["Speaker 1", "Speaker 2", "Facilitator", "Speaker 1"]}


def test_a_label_in_a_cell_after_a_space_is_numbered(tmp_path):
    a, b = NAMES[:2]
    rows = f"start, speaker, text\n1, {a}, We met.\n2, {b} , The rent.\n3, {a}, Again.\n"
    masked, speakers = redact_and_read_back(tmp_path, {"rows.csv": rows}, None)
    # masked to [NAME], the three rows read back as one turn of one speaker
    assert (masked / "rows.csv").read_text().splitlines()[2] == "2, Speaker 2 , The rent."
    assert speakers == {"rows": ["Speaker 1", "Speaker 2", "Speaker 1"]}


def test_a_label_written_in_capitals_is_numbered_as_the_same_name_is(tmp_path):
    said = ("COACH ANA RUIZ: How did the circle go?\nROSALBA MENDEZ: Eighteen came.\n"
            "FACILITATOR: Thank you.\nROSALBA MENDEZ: And their children.\n")
    masked, speakers = redact_and_read_back(tmp_path, {"call.txt": said}, None)
    # read as no name at all, the capitals were left in the copies, the quotes and
    # the report's speaker column, while "Rosalba Mendez:" was masked
    assert speakers == {"call": ["Coach Speaker 1", "Speaker 2", "FACILITATOR",
                                 "Speaker 2"]}
    assert "MENDEZ" not in (masked / "call.txt").read_text()


def test_a_speaker_the_manifest_gives_a_staff_role_keeps_it_beside_the_number(tmp_path):
    from dialogcode.roles import speaker_roles

    a, b = NAMES[:2]
    files = {"call.txt": f"{a}: Welcome, all.\n{b}: The rent went up.\n{a}: Thank you.\n",
             "visit.txt": f"{b}: We met.\n{NAMES[2]}: The rent.\n"}
    manifest = (f"file,site,speaker_roles\ncall.txt,A,{a}: facilitator; {b}: coach\n"
                f"visit.txt,A,{NAMES[2]}: evaluator\n")
    masked, speakers = redact_and_read_back(tmp_path, files, manifest)
    # as Speaker 1 the facilitator's words were a participant's in the copy's report,
    # as no manifest can give the number a role without knowing whose it is; Tomasz
    # Nowak, a coach in one document and a participant in the other, is neither
    assert speakers == {"call": ["Facilitator Speaker 1", "Speaker 2",
                                 "Facilitator Speaker 1"],
                        "visit": ["Speaker 2", "Evaluator Speaker 3"]}
    assert speaker_roles().role("call", speakers["call"][0]) == "facilitator"


def test_a_speaker_after_a_line_separator_is_numbered_in_the_masked_copy(tmp_path):
    # ingest reads the label after the separator as a turn's; the copy must number it too
    text = "".join(f"{w}: {t}\u2028" for w, t in zip(WHO, SAID[:3] + ["Thank you.", SAID[4]]))
    root = make_study(tmp_path / "s", {"call.txt": text}, None)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    masked = tmp_path / "masked"
    run("privacy", "redact", root, "--to", masked)
    assert (masked / "call.txt").read_text(encoding="utf-8").splitlines() == [
        "Speaker 1: We started the food pantry in March.",
        "Speaker 2: The rent went up again this year.",
        "Speaker 1: Families are doubling up.", "Facilitator: Thank you.",
        "Speaker 3: I agree with [NAME]."]


def test_a_masked_copys_lines_are_the_originals_line_for_line(tmp_path):
    # a line separator, vertical tab, NEL or form feed inside a line was written as a
    # line break: a quote on line 4 of the transcript was on line 7 of the masked copy
    a, b, c = NAMES
    lines = ["Synthetic fixture\u2028Recorded in May", "",
             f"{a}: We started the food pantry in March.\u2028{b}: The rent went up.",
             f"{a}: Families are\x0bdoubling up.\x85Facilitator: Thank you.",
             f"{c}: I agree\fwith {b}.", f"\u2029{a}: Me too.\f", "Facilitator: Thanks."]
    original = "\ufeff" + "\r\n".join(lines) + "\r\n"
    root = make_study(tmp_path / "s", {"call.txt": original.encode("utf-8")}, None)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    masked = tmp_path / "masked"
    run("privacy", "redact", root, "--to", masked)
    copy = (masked / "call.txt").read_text(encoding="utf-8")
    assert copy.split("\n") == [
        "Synthetic fixture\u2028Recorded in May", "",
        "Speaker 1: We started the food pantry in March.\u2028Speaker 2: The rent went up.",
        "Speaker 1: Families are\x0bdoubling up.\x85Facilitator: Thank you.",
        "Speaker 3: I agree\fwith [NAME].", "\u2029Speaker 1: Me too.\f",
        "Facilitator: Thanks.", ""]
    copied = make_study(tmp_path / "copy", {"call.txt": copy}, None)
    run("ingest", copied, "-q")
    segments = [pd.read_parquet(study / "out" / "segments.parquet")
                for study in (root, copied)]
    assert list(segments[1]["line"]) == list(segments[0]["line"]) == [1, 3, 3, 4, 4, 5, 6, 7]
    assert list(segments[1]["speaker"].fillna("")) == [
        "", "Speaker 1", "Speaker 2", "Speaker 1", "Facilitator", "Speaker 3", "Speaker 1",
        "Facilitator"]


@pytest.mark.parametrize("gap", ["\u2028", "\x0b", "\x85", "\f", "\x1e"])
def test_a_masked_copy_masks_a_name_before_a_kept_separator_as_ingest_reads_it(tmp_path,
                                                                                 gap):
    # the copy was masked as written: "Will" before a line separator and "we" read as
    # the modal opening "Will we" and was left in, though the scan found it (ingest
    # reads a line break there, as before a LF, where it was masked)
    said = ("Will Harper: We started in March.\n"
            f"Facilitator: Thanks, Will{gap}we go on.\n"
            "Facilitator: Thanks, Will\nwe go on.\n")
    root = make_study(tmp_path / "s", {"call.txt": said}, None)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    masked = tmp_path / "masked"
    output = run("privacy", "redact", root, "--to", masked)
    assert (masked / "call.txt").read_text(encoding="utf-8").split("\n") == [
        "Speaker 1: We started in March.", f"Facilitator: Thanks, [NAME]{gap}we go on.",
        "Facilitator: Thanks, [NAME]", "we go on.", ""]
    assert "(3 findings masked;" in output


def test_a_name_wrapped_over_two_lines_is_masked_and_the_lines_stay(tmp_path):
    # "[NAME]" took the line end inside the name: every line below was one line up
    said = ("Will Harper: We started in March.\n"
            "Facilitator: I met Will\nHarper there.\n"
            "Will Harper: Yes.\n")
    root = make_study(tmp_path / "s", {"call.txt": said}, None)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    masked = tmp_path / "masked"
    run("privacy", "redact", root, "--to", masked)
    assert (masked / "call.txt").read_text(encoding="utf-8").split("\n") == [
        "Speaker 1: We started in March.", "Facilitator: I met [NAME]", " there.",
        "Speaker 1: Yes.", ""]
    rows = ('speaker,text\nWill Harper,We started.\nFacilitator,"I met Will\nHarper there."\n'
            "Will Harper,Yes.\n")
    root = make_study(tmp_path / "t", {"rows.csv": rows}, None)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    run("privacy", "redact", root, "--to", tmp_path / "rows")
    assert (tmp_path / "rows" / "rows.csv").read_text(encoding="utf-8").split("\n") == [
        "speaker,text", "Speaker 1,We started.", 'Facilitator,"I met [NAME]', ' there."',
        "Speaker 1,Yes.", ""]


def test_a_json_lines_copy_keeps_a_line_separator_inside_a_string(tmp_path):
    # the copy split the file at a line separator inside a string, as ingest does not:
    # a traceback (JSONDecodeError); blank lines were dropped, so line N moved up
    a = NAMES[0]
    rows = [{"speaker": a, "text": "We started\u2028in March."}, {},
            {"speaker": "Facilitator", "text": f"Thanks {a}\x85and all."}]
    written = "".join(json.dumps(row, ensure_ascii=False) + "\n" if row else "\n"
                      for row in rows)
    root = make_study(tmp_path / "s", {"call.jsonl": written}, None)
    run("ingest", root, "-q")
    run("privacy", "scan", root, "-q")
    masked = tmp_path / "masked"
    run("privacy", "redact", root, "--to", masked)
    lines = (masked / "call.jsonl").read_text(encoding="utf-8").split("\n")
    assert [json.loads(line) if line else {} for line in lines] == [
        {"speaker": "Speaker 1", "text": "We started\u2028in March."}, {},
        {"speaker": "Facilitator", "text": "Thanks [NAME]\x85and all."}, {}]
