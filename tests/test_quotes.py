"""Exemplar quotes: how they are picked (spread over speakers, procedural talk after
participants' words) and the context shown around them."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dialogcode import Study, ingest
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.quotes import aside, exemplar_quotes, pick_quotes

from conftest import make_study

CODEBOOK = Path(__file__).parent / "data" / "evidence-study" / "codebook.yaml"


def _candidate(quote, speaker, doc_id, score):
    return {"code_id": "risk.housing", "quote": quote, "context_before": "",
            "context_after": "", "speaker": speaker, "site": "North", "event_type": "",
            "phase": "", "date": "", "doc_id": doc_id, "seg_id": f"{doc_id}:t0",
            "start": 0, "end": len(quote), "n_words": 14, "score": score,
            "speaker_key": None if speaker is None else f"{doc_id}\x00{speaker}"}


def _first_housing_quote(tmp_path, text):
    """The first exemplar quote of risk.housing in a study of one transcript ``text``."""
    root = make_study(tmp_path / "s", {"t.txt": text}, None)
    shutil.copy(CODEBOOK, root / "codebook.yaml")
    (root / "dialogcode.yaml").write_text("title: T\ncodebooks: [codebook.yaml]\n"
                                          "manifest: null\n", encoding="utf-8")
    study = Study.open(root)
    corpus = ingest(study)
    book = load_codebooks(study.codebook_files())
    codings = code_corpus(corpus.segments, corpus.documents, book)
    quotes = exemplar_quotes(codings, corpus.segments, corpus.documents, book)
    return quotes[quotes["code_id"] == "risk.housing"].iloc[0]


def test_field_notes_without_a_speaker_are_not_all_one_speaker():
    # two field notes (no speaker) from two visits: the second was marked down as the
    # same speaker as the first, and a weaker participant quote took its place
    candidates = pd.DataFrame([
        _candidate("Families on the block said the rent doubled after the sale.", None,
                   "notes1", 0.80),
        _candidate("P1 said the rent was late again and the landlord was angry.", "P1",
                   "call", 0.70),
        _candidate("At the second visit three households had been evicted already.", None,
                   "notes2", 0.78)])
    picked = pick_quotes(candidates, per_group=2)
    assert picked["doc_id"].tolist() == ["notes1", "notes2"]


@pytest.mark.parametrize("text", [
    "Okay, this is the kick-off meeting for our project, so let me start.",
    "Um well this is the kick off meeting for the new remote control.",
    "So this is our second meeting and I might be a bit all over the place.",
    "Okay. This is our final meeting, the detailed design meeting.",
    "I'll have a little presentation for us, for our kick-off meeting.",
    "So just to kick off the meeting, we are working for a new company.",
    "Okay, let me kick off the meeting.",
    "This is our first meeting of the year.",
    "Hi all , welcome to the first session .",
    "Okay, welcome back.",
    "Good morning and welcome.",
])
def test_running_the_meeting_is_procedural_talk(text):
    assert aside(pd.Series([None]), pd.Series([text])).tolist() == [True]


@pytest.mark.parametrize("text", [
    "The meeting with the landlord went badly and we left with nothing.",
    "This is the first meeting where the landlord actually listened to us.",
    "They kicked off the eviction process the week after the meeting.",
    "At our last meeting with the council the rent freeze was voted down.",
    "This is the first meeting with the council that actually went well for us.",
    "This is the first meeting in years where the landlord showed up at all.",
    "This is the third meeting this month that the city cancelled on us.",
    "This is the first meeting my husband came to, and he spoke up.",
    "This kick-off meeting was a waste of time for the tenants.",
    # a clause going on "of ..." with content, and kicking off a meeting told of
    "This is the first meeting of the collaborative since the fire, and people are angry.",
    "We had to kick off the meeting without the mayor because the fire closed the road.",
    "Nobody on the council wanted to kick off the meeting.",
    # a welcome that greets nobody
    "The landlord made us feel welcome.",
    "We were welcome to stay until the building was sold.",
    "The rent freeze was a welcome change for the families.",
])
def test_talk_about_a_meeting_is_not_procedural(text):
    assert aside(pd.Series([None]), pd.Series([text])).tolist() == [False]


def test_a_quotes_context_within_its_turn_is_talk_not_a_filler(tmp_path):
    # the sentence before the quote in its own turn was "Um ." (AMI style) and the one
    # after "Yeah .": the report showed them as the quote's context
    first = _first_housing_quote(tmp_path, (
        "Facilitator: What pushed families out this year?\n\n"
        "P1: I think it was the landlords . Um . Rent went up twice and we were nearly "
        "evicted last winter . Yeah . We moved in with my sister after that , all five "
        "of us in two small rooms , and the children changed schools in the middle of "
        "the year , which was hard on them and on us , and my husband lost his second "
        "job because the bus from there takes an hour .\n"))
    assert first["quote"].startswith("Rent went up twice")
    assert first["context_before"] == "I think it was the landlords ."
    assert first["context_after"].startswith("We moved in with my sister")


def test_a_turn_of_fillers_only_is_passed_over_for_the_talk_beyond_it(tmp_path):
    # the turns either side of the quote were only fillers ("Um . Yeah . Okay . Right .
    # Sure .", too long for a backchannel): the context showed "P2: Sure ." and "P3: Uh ."
    first = _first_housing_quote(tmp_path, (
        "P0: The landlord sold the building in March .\n\n"
        "P2: Um . Yeah . Okay . Right . Sure .\n\n"
        "P1: Rent went up twice and we were nearly evicted last winter .\n\n"
        "P3: Uh . Yeah . Right . Okay . Um .\n\n"
        "P4: I lost my flat as well .\n"))
    assert first["quote"].startswith("Rent went up twice")
    assert first["context_before"] == "P0: The landlord sold the building in March ."
    assert first["context_after"] == "P4: I lost my flat as well ."


@pytest.mark.parametrize("answer, after", [
    ("No .", "P1: No ."), ("Yeah , yeah .", "P1: Yeah , yeah ."),
    # the answer goes on: its first sentence of talk alone read as though nobody said no
    ("No . Most of us fell behind and borrowed from family .",
     "P1: No . Most of us fell behind and borrowed from family ."),
    # a backchannel answers nothing: the talk beyond it is the context
    ("Mm-hm .", "P4: I lost my flat as well ."),
])
def test_a_yes_or_no_answering_a_quoted_question_is_its_context(tmp_path, answer, after):
    # the question's answer, "No .", is a backchannel by its length: the context showed
    # the talk after it, as though nobody had answered
    first = _first_housing_quote(tmp_path, (
        "P0: The landlord sold the building in March .\n\n"
        "Facilitator: Did anyone on your block manage to pay the rent after the sale ?\n\n"
        f"P1: {answer}\n\n"
        "P4: I lost my flat as well .\n"))
    assert first["quote"].startswith("Did anyone on your block")
    assert first["context_after"] == after


def test_a_yes_after_a_statement_is_no_context(tmp_path):
    first = _first_housing_quote(tmp_path, (
        "P1: Rent went up twice and we were nearly evicted last winter .\n\n"
        "P3: Yes .\n\n"
        "P4: I lost my flat as well .\n"))
    assert first["context_after"] == "P4: I lost my flat as well ."
