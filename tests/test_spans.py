"""A coder's span over several segments codes each segment it covers words of, in every
reader of coder files: read_coder, training positives, agreement (dialogcode.spans).

The evidence fixture's north/kickoff: t2 44-91 "The rent keeps rising and families get
evicted.", t3 97-128 "Wages are low, so rent is late.", t4 134-139 "Mm-hm"."""
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coders import coder_path, identical_files, read_coder
from dialogcode.ingest import load_corpus
from dialogcode.spans import covered_segments
from dialogcode.training import training_data

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
T2, T3, T4 = (f"north/kickoff:{t}" for t in ("t2", "t3", "t4"))


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("spans") / "study"
    shutil.copytree(FIXTURE, root)
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    (root / "codings").mkdir(exist_ok=True)
    # sam marks one span over t2, t3 and t4; ann codes the three turns one by one
    coder_path(Study.open(root), "sam").write_text(
        "seg_id,code_id,start,end\n"
        f"{T2},risk.housing,60,139\n"
        f"{T3},risk.money,112,135\n"          # runs into t4's first letter only
        f"{T3},connection,127,139\n", encoding="utf-8")   # t3's full stop, then t4
    coder_path(Study.open(root), "ann").write_text(
        "seg_id,code_id\n"
        f"{T2},risk.housing\n{T3},risk.housing\n{T4},risk.housing\n"
        f"{T3},risk.money\n{T4},connection\n", encoding="utf-8")
    return root


def test_the_rule_covers_words_not_a_grazed_edge():
    segments = [(0, 10, "a", "One thing."), (11, 21, "b", "Two things"),
                (22, 24, "c", "..")]
    assert covered_segments(4, 16, segments) == ["a", "b"]     # "thing", "Two"
    assert covered_segments(9, 21, segments) == ["b"]          # a's full stop only
    assert covered_segments(0, 12, segments) == ["a"]          # b's "T" only
    assert covered_segments(1, 3, segments) == []              # a piece of "One"
    assert covered_segments(15, 24, segments) == ["b", "c"]    # c wholly, no word


def test_a_coder_files_span_reads_as_a_row_per_segment_it_covers(study):
    opened = Study.open(study)
    segments = load_corpus(opened).segments
    rows = read_coder(coder_path(opened, "sam"), segments)
    assert [(r.Index, r.seg_id, r.code_id, int(r.start), int(r.end), pd.isna(r.quote))
            for r in rows.itertuples()] == [
        (2, T2, "risk.housing", 60, 91, True),
        (2, T3, "risk.housing", 97, 128, True),
        (2, T4, "risk.housing", 134, 139, True),
        (3, T3, "risk.money", 112, 135, True),
        (4, T4, "connection", 127, 139, True)]     # one segment: as import-codings


def test_training_counts_the_span_in_every_segment_it_covers(study):
    opened = Study.open(study)
    opened.config.learn.coders = ["sam"]
    segments = load_corpus(opened).segments
    data = training_data(opened, segments, load_codebooks(opened.codebook_files()))
    labels = pd.DataFrame(data.labels, index=data.item_ids, columns=data.codes)
    # t4, "Mm-hm", is a backchannel, which is not learned from
    assert labels.loc[[T2, T3], "risk.housing"].tolist() == [1, 1]
    assert labels.loc[[T2, T3], "risk.money"].tolist() == [0, 1]
    assert labels.loc[[T2, T3], "connection"].tolist() == [0, 0]   # t3's full stop only


def test_agreement_compares_every_segment_the_span_covers(study):
    result = CliRunner().invoke(cli, ["agree", "sam", "ann", "-s", str(study),
                                      "--draws", "0"])
    assert result.exit_code == 0, result.output
    assert "0 disagreements" in result.output
    table = pd.read_csv(study / "out" / "agreement" / "sam-vs-ann.csv")
    codes = table[table["kind"] == "code"].set_index("code_id")
    assert codes.loc[["connection", "risk.housing", "risk.money"],
                     "percent_agreement"].tolist() == [1.0, 1.0, 1.0]


def test_a_span_the_file_already_codes_segment_by_segment_counts_once(study, tmp_path):
    # an import before spans were cut wrote the span in t2 alone; the coder then added
    # t3 (the whole turn) and t4 (its span), as that import's summary asked to check
    opened = Study.open(study)
    path = tmp_path / "old.csv"
    path.write_text("seg_id,code_id,start,end\n"
                    f"{T2},risk.housing,60,139\n{T3},risk.housing,,\n"
                    f"{T4},risk.housing,134,139\n"
                    f"{T3},risk.money,100,139\n{T2},risk.money,60,139\n",   # two spans
                    encoding="utf-8")
    rows = read_coder(path, load_corpus(opened).segments)
    pairs = list(zip(rows["seg_id"], rows["code_id"]))
    assert sorted(pairs) == sorted([(T2, "risk.housing"), (T3, "risk.housing"),
                                    (T4, "risk.housing"), (T2, "risk.money"),
                                    (T3, "risk.money"), (T4, "risk.money")])


def test_a_span_and_its_parts_per_segment_are_flagged_as_the_same_coding(study):
    # sam's file as an import before spans were cut wrote it, and as one writes it now
    opened = Study.open(study)
    now = study / "codings" / "sam_now.csv"
    now.write_text("seg_id,code_id,start,end\n"
                   f"{T2},risk.housing,60,91\n{T3},risk.housing,97,128\n"
                   f"{T4},risk.housing,134,139\n{T3},risk.money,112,135\n"
                   f"{T4},connection,127,139\n", encoding="utf-8")
    try:
        warnings = identical_files(opened, ["sam", "sam_now"],
                                   load_corpus(opened).segments)
    finally:
        now.unlink()
    assert len(warnings) == 1 and "hold the same codings" in warnings[0]


def test_two_spans_from_one_segment_over_the_next_code_each_segment_once(study, tmp_path):
    # each span's part in t2 gave way to the other span's whole extent, so t2 lost the
    # code (import-codings kept one)
    opened = Study.open(study)
    path = tmp_path / "two.csv"
    path.write_text("seg_id,code_id,start,end\n"
                    f"{T2},risk.money,60,139\n{T2},risk.money,65,120\n", encoding="utf-8")
    rows = read_coder(path, load_corpus(opened).segments)
    assert sorted(zip(rows["seg_id"], rows["code_id"])) == [
        (T2, "risk.money"), (T3, "risk.money"), (T4, "risk.money")]
