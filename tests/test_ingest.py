"""Ingest: documents and segments tables, offsets, stable ids, manifest checks."""
import json
import shutil

import pandas as pd
import pytest

from dialogcode import ConfigError, IngestError, ManifestError, Study, ingest
from dialogcode.ingest import summarize

from conftest import BAD, make_study

MANIFEST = ("file,site,event_type,date,title,cohort\n"
            "turns_colon.txt,Oakland,kickoff_convening,2018-11-14,Kick-off,A\n"
            "zoom.vtt,Fresno,coaching_call,2019-02-06,Coaching,B\n"
            "notes.md,Fresno,site_visit_notes,2019-06-05,Notes,B\n")


@pytest.fixture
def study(tmp_path, format_dir):
    files = {name: format_dir / name for name in ("turns_colon.txt", "zoom.vtt", "notes.md")}
    return Study.open(make_study(tmp_path / "study", files, MANIFEST))


def test_every_segment_is_an_exact_slice_of_its_document(tmp_path, format_dir):
    files = {p.stem + "_" + p.suffix[1:] + p.suffix: p for p in format_dir.iterdir()}
    corpus = ingest(Study.open(make_study(tmp_path / "s", files, None)))
    assert len(corpus.documents) == len(files)
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    for unit in ("turn", "sentence", "section"):
        segments = ingest(Study.open(tmp_path / "s"), unit=unit).segments
        assert len(segments) > 0
        for row in segments.itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text


def test_documents_carry_manifest_attributes_and_hash(study):
    corpus = ingest(study)
    doc = corpus.documents.set_index("doc_id").loc["zoom"]
    assert (doc["site"], doc["event_type"], doc["date"], doc["cohort"]) == (
        "Fresno", "coaching_call", "2019-02-06", "B")
    assert doc["format"] == "vtt" and len(doc["sha256"]) == 64
    assert doc["n_words"] > 0 and doc["source_path"] == "zoom.vtt"


def test_backchannel_turns_are_flagged_not_dropped(study):
    segments = ingest(study).segments
    mm = segments[segments["text"] == "Mm-hmm."]
    assert len(mm) == 1 and bool(mm["backchannel"].iloc[0])
    assert not segments[segments["speaker"] == "Facilitator"]["backchannel"].any()


def test_seg_ids_stay_the_same_when_files_are_added(study, format_dir):
    before = ingest(study).segments.set_index("seg_id")["text"]
    shutil.copy(format_dir / "captions.srt", study.transcripts / "aaa_first.srt")
    with open(study.manifest, "a", encoding="utf-8") as handle:
        handle.write("aaa_first.srt,Oakland,coaching_call,2019-01-01,Extra,A\n")
    after = ingest(study).segments.set_index("seg_id")["text"]
    assert before.to_dict().items() <= after.to_dict().items()
    assert "turns_colon:t2" in before.index


def test_notes_become_section_segments_and_keep_headings(study):
    segments = ingest(study).segments
    notes = segments[segments["doc_id"] == "notes"]
    assert set(notes["unit"]) == {"section"}
    assert list(notes["section"].dropna()) == ["Setting", "What we heard", "Follow-ups"]


def test_each_segment_names_the_turn_it_lies_in(tmp_path, format_dir):
    # a coder's "turn 3" must find the third turn's sentences, not the third sentence
    files = {p.stem + "_" + p.suffix[1:] + p.suffix: p for p in format_dir.iterdir()}
    root = make_study(tmp_path / "s", files, None)
    by_unit = {unit: ingest(Study.open(root), unit=unit).segments
               for unit in ("turn", "sentence", "section")}
    turns = by_unit["turn"]
    assert turns["turn"].tolist() == turns["ordinal"].tolist()
    bounds = {(r.doc_id, r.turn): (r.start, r.end) for r in turns.itertuples()}
    sentences = by_unit["sentence"]
    assert sentences["turn"].notna().all()
    for row in sentences.itertuples():
        start, end = bounds[(row.doc_id, row.turn)]
        assert start <= row.start and row.end <= end, row.seg_id
    assert set(zip(sentences["doc_id"], sentences["turn"])) == set(bounds)
    sections = by_unit["section"]
    for row in sections.itertuples():    # a section of one turn names it, of several none
        inside = [key for key, (start, end) in bounds.items()
                  if key[0] == row.doc_id and row.start <= start and end <= row.end]
        if len(inside) == 1:
            assert row.turn == inside[0][1], row.seg_id
        else:
            assert pd.isna(row.turn), row.seg_id


def test_sentence_unit_splits_turns_and_keeps_speaker(study):
    segments = ingest(study, unit="sentence").segments
    facilitator = segments[(segments["doc_id"] == "turns_colon")
                           & (segments["speaker"] == "Facilitator")]
    assert list(facilitator["text"]) == ["Welcome, everyone.",
                                         "Let's start with what\nsafety means to you."]
    assert facilitator["seg_id"].str.contains(":s").all()


def test_a_sentence_after_a_line_break_starts_at_its_first_word(tmp_path):
    # A sentence starting a new line of a turn began with the line break.
    root = make_study(tmp_path / "s", {"call.txt": "P1: Rent is up.\nFamilies move out.\n"
                                                   "P2: Yes.\n"}, None)
    segments = ingest(Study.open(root), unit="sentence").segments
    assert list(segments["text"]) == ["Rent is up.", "Families move out.", "Yes."]


def test_summary_counts_turns_not_sentences(study):
    from dialogcode.ingest import summarize

    by_turn, by_sentence = (summarize(ingest(study, unit=unit)) for unit in ("turn", "sentence"))
    assert by_sentence["turns"].sum() == by_turn["turns"].sum()
    assert len(ingest(study, unit="sentence").segments) > by_turn["turns"].sum()


def test_summary_counts_each_voice_of_a_cue_as_a_turn(tmp_path):
    # Turns were counted by the line they start on: two voices of one cue (one line)
    # were one turn.
    from dialogcode.ingest import summarize

    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>Hi.</v> <v Ben>Hello.</v>\n\n"
           "00:00:05.000 --> 00:00:09.000\n<v Ana>We need housing. And jobs.</v>\n")
    study = Study.open(make_study(tmp_path / "study", {"call.vtt": vtt},
                                  "file,site,event_type\ncall.vtt,Fresno,coaching_call\n"))
    for unit in ("turn", "sentence"):
        assert summarize(ingest(study, unit=unit))["turns"].tolist() == [3], unit


def test_summary_counts_no_speaker_as_no_speaker(tmp_path):
    # Turns without a speaker (survey answers, unlabelled cues) were counted as one
    # speaker per document.
    from dialogcode.ingest import summarize

    answers = "text\nThe rent is too high.\nWe need jobs.\n"
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>Hi.</v>\n\n"
           "00:00:05.000 --> 00:00:09.000\n[music]\n")
    study = Study.open(make_study(tmp_path / "study", {"answers.csv": answers, "call.vtt": vtt},
                                  "file,site,event_type\nanswers.csv,Fresno,survey\n"
                                  "call.vtt,Fresno,coaching_call\n"))
    summary = summarize(ingest(study)).set_index("event_type")
    assert summary["speakers"].to_dict() == {"coaching_call": 1, "survey": 0}
    assert summary["turns"].to_dict() == {"coaching_call": 2, "survey": 2}


def test_a_long_preamble_is_noted_since_it_is_never_coded(tmp_path):
    # Talk before the first label that was found (here a speaker written unlike the
    # others) became the preamble: hundreds of words left uncoded without a word.
    talk = "We talked about the rent and the evictions in the county. " * 20
    transcript = f"Site visit, Fresno\n\n{talk}\n\nP1: Thanks.\nP2: Yes, housing.\n"
    short = "Site visit, Fresno, 5 June 2019.\n\nP1: Thanks.\nP2: Yes, housing.\n"
    root = make_study(tmp_path / "study", {"visit.txt": transcript, "call.txt": short},
                      "file,site,event_type\nvisit.txt,Fresno,site_visit\n"
                      "call.txt,Fresno,coaching_call\n")
    notes = ingest(Study.open(root)).documents.set_index("doc_id")["speaker_notes"]
    assert notes.to_dict() == {
        "call": "", "visit": "line 1: 223 words before the first turn read as the preamble, "
        "which is never coded; if it is talk, start it with its speaker's label, or set "
        "code_preamble: true in dialogcode.yaml"}
    with (root / "dialogcode.yaml").open("a", encoding="utf-8") as config:
        config.write("code_preamble: true\n")
    assert not ingest(Study.open(root)).documents["speaker_notes"].any()


def test_unmapped_files_are_reported_and_still_ingested(study, format_dir):
    shutil.copy(format_dir / "turns.json", study.transcripts / "extra.json")
    (study.transcripts / "readme.pdf").write_bytes(b"%PDF")
    corpus = ingest(study)
    messages = {(p.file, p.message.split(":")[0]) for p in corpus.warnings}
    assert ("transcripts/extra.json", "no manifest row") in messages
    assert ("no manifest row: ingested without site, event or date; list "
            "extra.json in manifest.csv") in {p.message for p in corpus.warnings}
    assert ("transcripts/readme.pdf", "not a transcript format; ignored") in messages
    assert "extra" in set(corpus.documents["doc_id"])


def test_manifest_problems_are_all_reported_with_lines(tmp_path, format_dir):
    manifest = ("file,site,event_type,date\n"
                "zoom.vtt,Fresno,coaching_call,2019-02-31\n"
                "missing.txt,Oakland,kickoff_convening,2018-11-14\n"
                "zoom.vtt,Fresno,coaching_call,2019-02-06\n")
    root = make_study(tmp_path / "s", {"zoom.vtt": format_dir / "zoom.vtt"}, manifest)
    with pytest.raises(ManifestError) as info:
        ingest(Study.open(root))
    found = {(p.line, p.key) for p in info.value.problems}
    assert found == {(2, "date"), (3, "file"), (4, "file")}


@pytest.mark.parametrize("name, message, line", [
    ("empty.txt", "file is empty", None),
    ("binary.txt", "binary file", None),
    ("broken_timestamps.vtt", "broken timestamp", 8),
    ("backwards.vtt", "cue ends before it starts", 8),
    ("no_text_column.csv", "no text column", 1),
    ("latin1.txt", "not valid utf-8", 1),
    ("invalid.json", "invalid JSON", 2),
])
def test_bad_file_names_file_line_and_reason(tmp_path, name, message, line):
    root = make_study(tmp_path / "s", {name: BAD / name}, None)
    with pytest.raises(IngestError) as info:
        ingest(Study.open(root))
    [problem] = info.value.problems
    assert problem.file == f"transcripts/{name}"
    assert message in problem.message
    assert problem.line == line


def test_every_bad_file_is_reported_at_once(tmp_path, format_dir):
    files = {p.name: p for p in BAD.iterdir()}
    files["good.vtt"] = format_dir / "zoom.vtt"
    root = make_study(tmp_path / "s", files, None)
    with pytest.raises(IngestError) as info:
        ingest(Study.open(root))
    assert {p.file for p in info.value.problems} == {f"transcripts/{n}" for n in BAD.iterdir()
                                                     for n in [n.name]}
    corpus = ingest(Study.open(root), skip_bad=True)
    assert list(corpus.documents["doc_id"]) == ["good"]
    assert len(corpus.skipped) == len(list(BAD.iterdir()))


def test_duplicate_document_is_refused(tmp_path, format_dir):
    root = make_study(tmp_path / "s", {"a.vtt": format_dir / "zoom.vtt",
                                       "copy/b.vtt": format_dir / "zoom.vtt"}, None)
    with pytest.raises(IngestError, match="duplicate document: same text as transcripts/a.vtt"):
        ingest(Study.open(root))


def test_identical_texts_with_their_own_manifest_ids_are_separate_documents(tmp_path):
    # survey answers such as "N/A" are legitimately the same text in several documents
    manifest = "file,doc_id,site\nq1.txt,answer-1,North\nq2.txt,answer-2,South\n"
    root = make_study(tmp_path / "s", {"q1.txt": "P1: N/A\n", "q2.txt": "P1: N/A\n"},
                      manifest)
    corpus = ingest(Study.open(root))
    assert list(corpus.documents["doc_id"]) == ["answer-1", "answer-2"]
    assert corpus.documents["sha256"].nunique() == 1


def test_latin1_file_reads_when_manifest_sets_encoding(tmp_path):
    manifest = "file,site,encoding\nlatin1.txt,Fresno,cp1252\n"
    root = make_study(tmp_path / "s", {"latin1.txt": BAD / "latin1.txt"}, manifest)
    corpus = ingest(Study.open(root))
    assert "café" in corpus.segments["text"].iloc[0]


def test_config_problems_are_reported_with_lines(tmp_path):
    (tmp_path / "dialogcode.yaml").write_text(
        "title: x\nunit: paragraph\ncolumns:\n  speeker: Who\nencoding: klingon\n",
        encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        Study.open(tmp_path)
    found = {(p.line, p.key) for p in info.value.problems}
    assert found == {(2, "unit"), (4, "columns.speeker"), (5, "encoding")}


def test_yaml_manifest_works_and_reports_lines(tmp_path, format_dir):
    root = make_study(tmp_path / "s", {"zoom.vtt": format_dir / "zoom.vtt",
                                       "notes.md": format_dir / "notes.md"}, None)
    (root / "manifest.yaml").write_text(
        "- file: zoom.vtt\n  site: Fresno\n  event_type: coaching_call\n  date: 2019-02-06\n"
        "- file: notes.md\n  site: Fresno\n  date: 2019-06-5\n  format: pdf\n",
        encoding="utf-8")
    (root / "dialogcode.yaml").write_text("manifest: manifest.yaml\n", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        ingest(Study.open(root))
    assert {(p.line, p.key) for p in info.value.problems} == {
        (5, "event_type"), (7, "date"), (8, "format")}
    (root / "manifest.yaml").write_text(
        "zoom.vtt: {site: Fresno, event_type: coaching_call, date: 2019-02-06}\n"
        "notes.md: {site: Fresno, event_type: site_visit_notes, date: 2019-06-05}\n",
        encoding="utf-8")
    documents = ingest(Study.open(root)).documents.set_index("doc_id")
    assert documents.at["zoom", "date"] == "2019-02-06"
    assert documents.at["notes", "event_type"] == "site_visit_notes"


def test_words_count_what_was_said_not_the_speaker_labels(tmp_path):
    # a JSON transcript gets its labels written before each turn in the document text;
    # "60 meetings, 600,042 words" counted "Project Manager" 41,820 times over
    turns = [{"speaker": "Project Manager", "text": "We need a remote control."},
             {"speaker": "User Interface", "text": "Buttons should be big."},
             {"speaker": "Project Manager", "text": "Agreed."}]
    study = Study.open(make_study(tmp_path / "s", {"m.json": json.dumps(turns)}, None))
    corpus = ingest(study)
    said = sum(len(turn["text"].split()) for turn in turns)        # 5 + 4 + 1
    assert "Project Manager: We need" in corpus.documents["text"].iloc[0]
    assert corpus.documents["n_words"].tolist() == [said]
    assert summarize(corpus)["words"].tolist() == [said]


def ingest_cli(tmp_path, name: str, text: str, config: str = ""):
    """``dialogcode ingest`` of a study holding one transcript ``text`` as ``name``
    (``config`` added to its dialogcode.yaml): the result, and each segment's (kind,
    speaker, text, time_start)."""
    from click.testing import CliRunner

    from dialogcode.cli import cli

    root = make_study(tmp_path / "study", {name: text}, None)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as handle:
        handle.write(config)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    if result.exit_code:
        return result, []
    segments = ingest(Study.open(root)).segments
    return result, [(row.kind, row.speaker if isinstance(row.speaker, str) else None,
                     row.text, None if row.time_start != row.time_start else row.time_start)
                    for row in segments.itertuples()]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_one_off_speaker_under_a_time_line_has_their_own_turn(tmp_path, gap):
    # `[00:12:05]` then `Visitor: Can I come in?`: not dense enough for a one-off label
    # (the times, not the labels, opened the paragraphs), so the visitor's words and
    # their time were the facilitator's, noted only as "read as text"
    turns = [("Facilitator", "Welcome back, everyone."), ("Visitor", "Can I come in?"),
             ("Facilitator", "Yes, please sit down."), ("P1", "Rent keeps going up."),
             ("Facilitator", "Thank you.")]
    text = gap.join(f"[00:12:{5 * k:02d}]\n{speaker}: {words}"
                    for k, (speaker, words) in enumerate(turns))
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert segments == [("turn", speaker, words, 720.0 + 5 * k)
                        for k, (speaker, words) in enumerate(turns)]
    line = 4 if gap == "\n" else 5
    assert f"visit.txt:{line}: `Visitor:` is used once and taken as a speaker" in result.output


def test_one_off_labels_under_times_in_field_notes_stay_notes(tmp_path):
    # no speaker recurs: an observer's timed entries are no one's turns
    text = ("Visit notes\n\n10:15\nArrival: We met in the library.\n\n10:40\n"
            "Discussion: The group talked about rent.\n\n11:30\nDeparture: We left.\n")
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert [speaker for _, speaker, _, _ in segments] == [None, None]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_recap_label_with_words_after_it_is_the_speakers_words(tmp_path, gap):
    # Maria reading her group's notes aloud, `Group Notes: ...` on a line of its own:
    # written like a name, it was a one-off speaker "Group Notes" who took her words
    text = gap.join(["Facilitator: Maria, can you read them?", "Maria: Sure, here they are.",
                     "Group Notes: Rent is too high.", "Facilitator: Thank you.",
                     "Maria: Welcome."]) + "\n"
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert [(speaker, words) for _, speaker, words, _ in segments] == [
        ("Facilitator", "Maria, can you read them?"),
        ("Maria", f"Sure, here they are.{gap}Group Notes: Rent is too high."),
        ("Facilitator", "Thank you."), ("Maria", "Welcome.")]
    line = 3 if gap == "\n" else 5
    assert f"visit.txt:{line}: `Group Notes:` read as text, not as a speaker" in result.output


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_recap_headings_used_twice_are_headings_not_a_speaker(tmp_path, gap):
    # a `Group notes:` recap alone on its line after each part of the talk: used twice,
    # it was a speaker "Group notes" whose turns were the recaps, without a note
    text = gap.join(["Facilitator: What got in the way?", "P1: Rent.", "Group notes:",
                     "Rent is the main barrier.", "Facilitator: Next, wages.", "P2: Too low.",
                     "Group notes:", "Wages are too low."]) + "\n"
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert [(kind, speaker, words) for kind, speaker, words, _ in segments] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "P1", "Rent."),
        ("heading", None, "Group notes:"), ("section", None, "Rent is the main barrier."),
        ("turn", "Facilitator", "Next, wages."), ("turn", "P2", "Too low."),
        ("heading", None, "Group notes:"), ("section", None, "Wages are too low.")]
    lines = (3, 7) if gap == "\n" else (5, 13)
    for line in lines:
        assert f"visit.txt:{line}: `Group notes:` read as a heading, not as talk" in result.output


def test_an_observers_line_under_a_time_line_keeps_its_time(tmp_path):
    # times above every label: the observer's `[00:12:05]` was read as the last words
    # of the facilitator's turn, and quoted as such
    text = ("[00:12:00]\nFacilitator: Welcome.\n\n[00:12:05]\nInterpretation: she reads it "
            "as final.\n\n[00:12:10]\nP1: Rent.\n\n[00:12:20]\nFacilitator: Thanks.\n")
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert segments == [
        ("turn", "Facilitator", "Welcome.", 720.0),
        ("section", None, "[00:12:05]\nInterpretation: she reads it as final.", None),
        ("turn", "P1", "Rent.", 730.0), ("turn", "Facilitator", "Thanks.", 740.0)]


def test_a_one_off_speaker_under_a_time_line_among_timed_labels_has_that_time(tmp_path):
    # the other turns' times on their label lines (`[00:12:00] Facilitator: ...`): the
    # visitor got a turn without a time, and `[00:12:05]` stayed the last words of the
    # facilitator's turn, quoted as such
    text = ("[00:12:00] Facilitator: Welcome back.\n\n[00:12:05]\nVisitor: Can I come in?"
            "\n\n[00:12:10] Facilitator: Yes, sit down.\n\n[00:12:20] P1: Rent keeps going "
            "up.\n\n[00:12:30] Facilitator: Thanks.\n")
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert segments == [("turn", "Facilitator", "Welcome back.", 720.0),
                        ("turn", "Visitor", "Can I come in?", 725.0),
                        ("turn", "Facilitator", "Yes, sit down.", 730.0),
                        ("turn", "P1", "Rent keeps going up.", 740.0),
                        ("turn", "Facilitator", "Thanks.", 750.0)]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_facilitator_notes_after_a_participants_turn_are_not_her_words(tmp_path, gap):
    # `Facilitator Notes: ...` after Maria's turn was her talk: her quotes and codes
    text = gap.join(["Facilitator: What got in the way?", "Maria: Rent, mostly.",
                     "Facilitator Notes: Maria was upset about the eviction.",
                     "Facilitator: Thank you."]) + "\n"
    result, segments = ingest_cli(tmp_path, "visit.txt", text)
    assert result.exit_code == 0, result.output
    assert [(kind, speaker, words) for kind, speaker, words, _ in segments] == [
        ("turn", "Facilitator", "What got in the way?"), ("turn", "Maria", "Rent, mostly."),
        ("heading", None, "Facilitator Notes:"),
        ("section", None, "Maria was upset about the eviction."),
        ("turn", "Facilitator", "Thank you.")]
    line = 3 if gap == "\n" else 5
    assert (f"visit.txt:{line}: `Facilitator Notes:` read as a heading, not as talk"
            in result.output)


STACKED = ("INTERVIEWER\nWhat is hardest here for families?\n\nRESPONDENT\nHousing. The rent "
           "doubled.\n\nINTERVIEWER\nAnd work?\n\nRESPONDENT\nWages are low.\n")


def test_labels_alone_above_the_words_are_noted_and_the_summary_names_the_unit(tmp_path):
    # a transcript written with each label alone on its line, no colon, is read as field
    # notes: both speakers' words one section, with no word said; and the summary said
    # "(section)" for a study coded by turns, the unit of its first document
    from click.testing import CliRunner

    from dialogcode.cli import cli

    root = make_study(tmp_path / "s", {"a_interview.txt": STACKED,
                                       "b_call.txt": "P1: Rent.\nP2: Wages.\n"}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert result.exit_code == 0, result.output
    assert ("transcripts/a_interview.txt:1: `INTERVIEWER` (2 lines), `RESPONDENT` (2 lines) "
            "stand alone on a line above words, as speakers' labels written without a "
            "colon: read as field notes, their words are not told apart by speaker; if "
            "they are speakers, write each label with a colon (`INTERVIEWER: ...`)"
            ) in " ".join(result.output.split())
    assert "Total: 2 documents, 2 turns, 2 speakers, 21 words; 3 segments (section: 1, " \
        "turn: 2)." in result.output
    root = make_study(tmp_path / "n", {"a_interview.txt": STACKED}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root)])
    assert "Total: 1 documents, 0 turns, 0 speakers, 19 words; 1 segments (section)." \
        in result.output


@pytest.mark.parametrize("dash", ["-", "\u2013"], ids=["hyphen", "en dash"])
def test_labels_before_a_dash_are_noted(tmp_path, dash):
    # `Maria – Housing.` lines: both speakers' words one section, with no word said
    text = "".join(f"{who} {dash} {said}\n" for who, said in [
        ("Interviewer", "What is hardest?"), ("Maria Lopez", "Housing."),
        ("Interviewer", "And work?"), ("Maria Lopez", "Wages are low.")])
    corpus = ingest(Study.open(make_study(tmp_path / "s", {"talk.txt": text}, None)))
    assert [str(n) for n in corpus.speaker_notes] == [
        "transcripts/talk.txt:1: `Interviewer` (2 lines), `Maria Lopez` (2 lines) open "
        "lines before a dash, as speakers' labels written without a colon: read as field "
        "notes, their words are not told apart by speaker; if they are speakers, write "
        "each label with a colon (`Interviewer: ...`)"]


@pytest.mark.parametrize("line", [
    "[12/03/2024, 10:01:{at}] {who}: {said}",       # WhatsApp
    "12/03/2024, 10:{at} - {who}: {said}",          # WhatsApp, other locales
    "10:01:{at} From {who} to Everyone: {said}"],   # a Zoom chat
    ids=["WhatsApp", "WhatsApp with a dash", "Zoom chat"])
def test_labels_after_a_date_or_time_are_noted(tmp_path, line):
    # a chat export: both speakers' words one section of nobody's, without a note
    text = "".join(line.format(at=f"{k:02d}", who=who, said=said) + "\n" for k, (who, said) in
                   enumerate([("Ana Ruiz", "What is hardest?"), ("Bo Chen", "Housing."),
                              ("Ana Ruiz", "And work?"), ("Bo Chen", "Wages are low.")]))
    corpus = ingest(Study.open(make_study(tmp_path / "s", {"chat.txt": text}, None)))
    assert [str(n) for n in corpus.speaker_notes] == [
        "transcripts/chat.txt:1: `Ana Ruiz` (2 lines), `Bo Chen` (2 lines) open lines "
        "after a date or time, as a chat export writes speakers' labels: read as field "
        "notes, their words are not told apart by speaker; if they are speakers, write "
        "each line as a turn (`[10:01:05] Ana Ruiz: ...`)"]


@pytest.mark.parametrize("text", [
    "SETTING\nA library meeting room.\n\nMOOD\nCalm, then tense.\n",
    "Arrival\nWe met in the library.\n\nDeparture\nWe left at noon.\n",
    "Agenda\nBudget - too low\nHousing - rents up\nNext steps - call the county\n"],
    ids=["headings in capitals used once", "headings", "a list of items and dashes"])
def test_field_notes_headed_by_titles_get_no_note_on_labels(tmp_path, text):
    corpus = ingest(Study.open(make_study(tmp_path / "s", {"notes.txt": text}, None)))
    assert not [n for n in corpus.speaker_notes if "without a colon" in str(n)]


def test_a_speaker_numbered_1_and_1_0_is_one_speaker_with_the_manifest_s_role(tmp_path):
    # pandas writes a column of numbers with gaps as floats: speaker 1 written 1 in one
    # row and 1.0 in another (or 1.0 in a workbook or CSV) was two speakers, each turn of
    # theirs split in two in every count, and the manifest's `1: facilitator` did not
    # reach the 1.0 rows, which were counted as a participant's words
    from openpyxl import Workbook

    from dialogcode.roles import speaker_roles

    book = Workbook()
    for row in (["speaker", "text"], [1.0, "Welcome back."], [2, "The rent went up."],
                [1, "Say more?"], [2.0, "We moved."]):
        book.active.append(row)
    book.save(tmp_path / "sheet.xlsx")
    files = {"items.json": json.dumps([{"speaker": 1, "text": "Welcome."},
                                       {"speaker": 2.0, "text": "The rent went up."},
                                       {"speaker": 1.0, "text": "Say more?"},
                                       {"speaker": "2", "text": "We moved."}]),
             "rows.csv": "speaker,text\n1.0,Welcome again.\n2.0,The rent went up.\n"
                         "1,Say more?\n2.00,We moved.\n",
             "sheet.xlsx": tmp_path / "sheet.xlsx"}
    manifest = "file,site,event_type,speaker_roles\n" + "".join(
        f"{name},A,call,1: facilitator\n" for name in files)
    corpus = ingest(Study.open(make_study(tmp_path / "s", files, manifest)))
    segments = corpus.segments
    assert {doc: list(group["speaker"]) for doc, group in segments.groupby("doc_id")} == {
        doc: ["1", "2", "1", "2"] for doc in ("items", "rows", "sheet")}
    roles = speaker_roles(None, corpus.documents).of(segments)
    assert list(roles[segments["doc_id"] == "items"]) == [
        "facilitator", "participant", "facilitator", "participant"]
    assert not [str(n) for n in corpus.speaker_notes if "speaker_roles" in str(n)]
