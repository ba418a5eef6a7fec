"""`dialogcode code` reads the segments table a part of whole documents at a time, only
the columns coding needs: the codings must be those of coding the whole table at once."""
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study, ingest, write_corpus
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coding import CODING_INPUT_COLUMNS, code_corpus, code_parts
from dialogcode.errors import DialogcodeError
from dialogcode.store import part_name, read_parts, read_table, table_rows

from conftest import make_study
from test_codebook import SMALL

SAMPLE = Path(__file__).parent.parent / "corpora" / "sample-study"
HINT = "dialogcode ingest"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample study's corpus written to an out/ folder of its own: (out, corpus,
    the study's codebooks)."""
    study = Study.open(SAMPLE)
    corpus = ingest(study)
    out = tmp_path_factory.mktemp("out")
    write_corpus(corpus, out)
    return out, corpus, load_codebooks(study.codebook_files())


@pytest.mark.parametrize("rows", [1, 37])
def test_coding_in_parts_gives_the_codings_of_coding_at_once(sample, tmp_path, rows):
    out, corpus, book = sample
    whole = code_corpus(corpus.segments, corpus.documents, book, cache_dir=tmp_path / "whole")
    assert len(whole) > 500

    def parts():
        return read_parts(out, "segments", hint=HINT, columns=CODING_INPUT_COLUMNS, rows=rows)

    assert len(list(parts())) > 10
    cold = code_parts(parts(), corpus.documents, book, cache_dir=tmp_path / "parts")
    warm = code_parts(parts(), corpus.documents, book, cache_dir=tmp_path / "parts")
    pd.testing.assert_frame_equal(cold, whole)     # rows, order, dtypes
    pd.testing.assert_frame_equal(warm, whole)


@pytest.mark.parametrize("rows", [1, 37, 10_000])
def test_parts_hold_whole_documents_in_the_tables_order(sample, rows):
    out, corpus, _ = sample
    parts = list(read_parts(out, "segments", hint=HINT, columns=["doc_id", "seg_id", "text"],
                            rows=rows))
    owners = [set(part["doc_id"]) for part in parts]
    assert sum(len(o) for o in owners) == len(set.union(*owners)) == len(corpus.documents)
    if rows == 1:
        assert all(len(o) == 1 for o in owners)
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True),
                                  read_table(out, "segments", hint=HINT,
                                             columns=["doc_id", "seg_id", "text"]))
    assert table_rows(out, "segments", hint=HINT) == len(corpus.segments)


def test_a_dataset_is_read_in_parts_too(sample, tmp_path):
    """A table written by the Dask engine: a folder of parts, each of whole documents."""
    _, corpus, _ = sample
    (tmp_path / "segments").mkdir()
    doc_ids = corpus.segments["doc_id"].unique()
    for i, chosen in enumerate((doc_ids[:20], doc_ids[20:21], doc_ids[21:])):
        corpus.segments[corpus.segments["doc_id"].isin(chosen)].to_parquet(
            tmp_path / "segments" / part_name(i), index=False)
    parts = list(read_parts(tmp_path, "segments", hint=HINT, columns=CODING_INPUT_COLUMNS,
                            rows=50))
    assert len(parts) > 3
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True),
                                  corpus.segments[CODING_INPUT_COLUMNS])
    assert table_rows(tmp_path, "segments", hint=HINT) == len(corpus.segments)


@pytest.fixture
def ingested(tmp_path):
    turns = "\n\n".join(f"P{i % 3}: We fell behind on the rent and got evicted, turn {i}."
                        for i in range(12))
    root = make_study(tmp_path / "study", {f"{name}.txt": f"Meeting {name}.\n\n{turns}\n"
                                           for name in ("a", "b", "c")}, None)
    result = CliRunner().invoke(cli, ["ingest", str(root), "-q"])
    assert result.exit_code == 0, result.output
    return root


def test_code_reads_the_segments_in_parts_and_writes_the_codings_of_the_whole(ingested):
    result = CliRunner().invoke(cli, ["code", str(ingested), "--codebook", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "of 39 segments" in result.output
    study = Study.open(ingested)
    codings = read_table(study.out, "codings", hint="dialogcode code")
    segments = read_table(study.out, "segments", hint=HINT)
    documents = read_table(study.out, "documents", hint=HINT)
    expected = code_corpus(segments, documents, load_codebooks([SMALL]))
    assert len(codings) >= 3
    pd.testing.assert_frame_equal(codings, expected)


@pytest.mark.parametrize("damage, message", [
    ("apart", "the rows of document a are not together; run `dialogcode ingest` again"),
    ("old", "written by an older dialogcode (no column codable); run `dialogcode ingest` "
            "again"),
])
def test_a_segments_table_coding_cannot_read_in_parts_is_named(ingested, damage, message):
    path = ingested / "out" / "segments.parquet"
    segments = pd.read_parquet(path)
    if damage == "apart":   # a row of document a moved behind those of b and c
        segments = pd.concat([segments.iloc[1:], segments.iloc[:1]], ignore_index=True)
    else:
        segments = segments.drop(columns="codable")
    segments.to_parquet(path, index=False)
    result = CliRunner().invoke(cli, ["code", str(ingested), "--codebook", str(SMALL)])
    assert result.exit_code == 1
    assert message in result.output and "segments.parquet" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(DialogcodeError, match="segments.parquet"):
        list(read_parts(ingested / "out", "segments", hint=HINT,
                        columns=CODING_INPUT_COLUMNS, rows=5))


def test_coding_in_parts_with_worker_processes_gives_the_same_codings(sample, tmp_path):
    """`dialogcode code --jobs 2` tokenises each part's documents in two processes."""
    out, corpus, book = sample
    whole = code_corpus(corpus.segments, corpus.documents, book)
    parts = list(read_parts(out, "segments", hint=HINT, columns=CODING_INPUT_COLUMNS,
                            rows=600))
    assert len(parts) > 2
    cold = code_parts(parts, corpus.documents, book, cache_dir=tmp_path, n_process=2)
    warm = code_parts(parts, corpus.documents, book, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(cold, whole)
    pd.testing.assert_frame_equal(warm, whole)
