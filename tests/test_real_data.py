"""Ingest on real public data from ../shared/data (skipped when that folder is absent)."""
from pathlib import Path

import pytest

from dialogcode import IngestError, Study, ingest

from conftest import make_study

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
HEARING = SHARED / "nyc-housing-hearing" / "transcript.json"
ANSWERS = SHARED / "human-coded-answers" / "bopp_test.csv"


@pytest.mark.skipif(not HEARING.is_file(), reason="shared data not present")
def test_hearing_sentence_rows_become_turns_with_exact_offsets(tmp_path):
    manifest = "file,site,event_type,date\nhearing.json,New York,public_hearing,2024-07-10\n"
    corpus = ingest(Study.open(make_study(tmp_path / "s", {"hearing.json": HEARING}, manifest)))
    segments, text = corpus.segments, corpus.text("hearing")
    assert 130_000 < corpus.documents["n_words"].iloc[0] < 140_000
    assert len(segments) < 11_133 / 3          # consecutive rows of a speaker are one turn
    assert (segments["speaker"] != segments["speaker"].shift()).all()
    assert all(text[s:e] == t for s, e, t in zip(segments["start"], segments["end"],
                                                  segments["text"]))
    first = segments.iloc[0]
    assert first["text"].startswith("Good morning, everyone. Welcome.")
    assert first["time_start"] == pytest.approx(454.01694)


@pytest.mark.skipif(not ANSWERS.is_file(), reason="shared data not present")
def test_cp1252_answers_need_their_encoding_named(tmp_path):
    root = make_study(tmp_path / "s", {"answers.csv": ANSWERS}, None)
    (root / "dialogcode.yaml").write_text("manifest: null\ncolumns: {text: experience}\n",
                                          encoding="utf-8")
    with pytest.raises(IngestError, match="not valid utf-8.*set `encoding: cp1252`"):
        ingest(Study.open(root))
    (root / "dialogcode.yaml").write_text(
        "manifest: null\nencoding: cp1252\ncolumns: {text: experience}\n", encoding="utf-8")
    corpus = ingest(Study.open(root))
    assert len(corpus.segments) == 174
    assert corpus.segments["speaker"].isna().all()
