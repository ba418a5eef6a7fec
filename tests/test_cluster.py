"""Clustering, the codebook patch, `codebook merge` and suggestions.

Most tests use a synthetic corpus written here: four topics of 15 turns each (housing,
soccer, gardening and the housing talk of `gap`, which avoids the words the housing
code matches), spread over three sites. The codebook covers housing only, through the
terms "rent" and "evicted"."""
import hashlib
import random
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import spacy
from click.testing import CliRunner
from pandas.testing import assert_frame_equal

from dialogcode.cli import cli
from dialogcode.cluster import GAP_DISTANCE, cluster_segments
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.errors import ConfigError, DialogcodeError
from dialogcode.patch import codebook_patch, patch_yaml, term_reach
from dialogcode.suggest import suggest_codes

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
# the synthetic corpora below interleave topics turn by turn: each turn is clustered alone
ALONE = {"context": 0, "boundaries": False}
WORDS = {
    "housing": ["rent", "landlord", "apartment", "lease", "tenants", "deposit", "housing",
                "evicted", "building", "repairs"],
    "gap": ["landlord", "apartment", "lease", "tenants", "deposit", "housing", "building",
            "repairs", "mortgage"],
    "soccer": ["soccer", "coaches", "league", "players", "field", "practice", "referee",
               "season", "goalie", "tournament"],
    "garden": ["garden", "harvest", "tomatoes", "seeds", "compost", "planting", "beds",
               "squash", "watering", "greenhouse"],
}
CODEBOOK = """\
codebook: test
title: Test codebook
codes:
  # the only theme the rules know
  - id: risk.housing
    label: Housing
    patterns:
      terms: [rent, evicted]
      exclude: [{terms: [signed], window: 2, side: before}]
  - id: money
    label: Money
    patterns: {terms: [wages]}
"""


def make_corpus(texts: dict[str, list[str]]):
    """Segments and documents tables for {doc_id: [turn, ...]}, as ingest makes them."""
    segments, documents = [], []
    for number, (doc_id, turns) in enumerate(texts.items()):
        text = "\n\n".join(turns)
        offset = 0
        for ordinal, turn in enumerate(turns, start=1):
            segments.append({
                "seg_id": f"{doc_id}:t{ordinal}", "doc_id": doc_id, "unit": "turn",
                "ordinal": ordinal, "kind": "turn", "codable": True,
                "speaker": f"P{ordinal % 3 + 1}",
                "section": None, "start": offset, "end": offset + len(turn), "text": turn,
                "n_words": len(turn.split()), "backchannel": False, "time_start": None,
                "time_end": None, "line": ordinal})
            offset += len(turn) + 2
        documents.append({"doc_id": doc_id, "site": ["North", "South", "East"][number % 3],
                          "event_type": "coaching_call", "date": "2019-05-05",
                          "sha256": hashlib.sha256(text.encode()).hexdigest()})
    return pd.DataFrame(segments), pd.DataFrame(documents)


def topic_turns(topic: str, n: int, rng: random.Random) -> list[str]:
    words = [w for w in WORDS[topic] if topic != "housing" or w not in ("rent", "evicted")]
    turns = []
    for _ in range(n):
        picked = rng.sample(words, 6)
        if topic == "housing":
            picked[rng.randrange(6)] = rng.choice(["rent", "evicted"])
        turns.append(f"The {picked[0]} and the {picked[1]} for {picked[2]}, "
                     f"{picked[3]} with {picked[4]} and {picked[5]}.")
    return turns


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "codebook.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return load_codebooks(path)


def synthetic(book, topics=("housing", "soccer", "garden"), n=15):
    rng = random.Random(7)
    docs = {}
    for topic in topics:
        for index, turn in enumerate(topic_turns(topic, n, rng)):
            docs.setdefault(f"doc{index % 5}", []).append(turn)
    segments, documents = make_corpus(docs)
    return segments, documents, code_corpus(segments, documents, book)


def topic_of(segments, text_words):
    """seg_id -> the first topic of ``text_words`` whose words the segment uses."""
    return {s: next((t for t, words in text_words.items() if set(words) & set(text.split())),
                    None)
            for s, text in zip(segments["seg_id"], segments["text"].str.replace(r"[.,]", "",
                                                                                regex=True))}


def test_residual_clusters_recover_the_uncovered_topics_as_new_themes(book):
    segments, documents, codings = synthetic(book)
    result = cluster_segments(segments, documents, codings, book, k_range=(2, 5), **ALONE)
    assert result.k_report.loc[result.k_report["chosen"], "k"].tolist() == [2]
    assert set(result.k_report.columns) == {"k", "silhouette", "stability", "smallest",
                                            "score", "chosen"}
    topics = topic_of(segments, {t: WORDS[t] for t in ("soccer", "garden")})
    assigned = result.assignments.assign(topic=result.assignments["seg_id"].map(topics))
    assert len(assigned) == 30 and not assigned["seg_id"].isin(codings["seg_id"]).any()
    assert assigned.groupby("cluster_id")["topic"].nunique().tolist() == [1, 1]
    clusters = result.clusters.set_index("cluster_id")
    assert clusters["kind"].tolist() == ["new theme", "new theme"]
    for cluster_id, group in assigned.groupby("cluster_id"):
        label = clusters.at[cluster_id, "terms"].split("; ")
        assert set(label[:5]) <= set(WORDS[group["topic"].iloc[0]])
        assert clusters.at[cluster_id, "quotes"].count("\n") == 2     # three quotes
        assert (clusters.at[cluster_id, "sites"], clusters.at[cluster_id, "size"]) == (3, 15)


def test_a_study_without_sites_has_its_clusters_in_no_site(book):
    # the tables, the lessons and the report count no site in a study without a site
    # column; its clusters said they spanned 1 site (the empty one)
    segments, documents, codings = synthetic(book)
    result = cluster_segments(segments, documents.assign(site=""), codings, book,
                              k_range=(2, 5), **ALONE)
    assert len(result.clusters) and (result.clusters["sites"] == 0).all()

def test_housing_talk_without_the_code_words_is_a_pattern_gap(book):
    segments, documents, codings = synthetic(book, ("housing", "gap", "soccer", "garden"))
    result = cluster_segments(segments, documents, codings, book, k=3, **ALONE)
    topics = topic_of(segments, {t: WORDS[t] for t in ("soccer", "garden", "gap")})
    assigned = result.assignments.assign(topic=result.assignments["seg_id"].map(topics))
    clusters = result.clusters.set_index("cluster_id")
    gap_cluster = assigned.loc[assigned["topic"] == "gap", "cluster_id"].mode()[0]
    assert (assigned.loc[assigned["cluster_id"] == gap_cluster, "topic"] == "gap").all()
    assert clusters.at[gap_cluster, "kind"] == "pattern gap"
    assert clusters.at[gap_cluster, "nearest_code"] == "risk.housing"
    assert clusters.at[gap_cluster, "distance"] <= GAP_DISTANCE
    assert (clusters.drop(index=gap_cluster)["kind"] == "new theme").all()

    patch = codebook_patch(result, segments, documents, codings, book)
    proposed = [p for p in patch["proposed_terms"] if p["cluster"] == gap_cluster]
    assert proposed and all(p["code"] == "risk.housing" and p["keep"] is False
                            for p in proposed)
    assert {p["term"] for p in proposed} <= set(WORDS["gap"]) - {"rent", "evicted"}
    assert all(p["extra_segments"] > 0 for p in proposed)
    assert [c["terms"][0] in WORDS["soccer"] + WORDS["garden"] for c in patch["new_codes"]] \
        == [True, True]
    assert all(c["id"].startswith("theme.") for c in patch["new_codes"])
    text = patch_yaml(patch)
    assert text.startswith("# Codebook patch") and "keep: true" in text   # the instructions
    assert "keep: false" in text and "keep: true" not in text.split("\nscope:")[1]



def test_a_proposed_terms_examples_come_from_the_cluster_that_proposes_it(book):
    # the examples were the term's first extra segments in the corpus, wherever they
    # were: on the NYC hearing 29 of 31 proposed terms showed two segments of the
    # hearing's opening (another cluster) as the examples of their pattern gap
    segments, documents, codings = synthetic(book, ("housing", "gap", "soccer", "garden"))
    asides = [f"The soccer coaches, the league players and the referee at goalie practice "
              f"on the field, then the {a} and the {b} for the tournament season."
              for a, b in [("landlord", "apartment"), ("lease", "tenants"),
                           ("deposit", "housing"), ("building", "repairs"),
                           ("mortgage", "landlord"), ("apartment", "lease"),
                           ("tenants", "deposit"), ("housing", "building"),
                           ("repairs", "mortgage")]]
    texts = {d: asides * (d == "doc0") + group["text"].tolist()
             for d, group in segments.groupby("doc_id", sort=True)}
    segments, documents = make_corpus(texts)
    codings = code_corpus(segments, documents, book)
    result = cluster_segments(segments, documents, codings, book, k=3, **ALONE)
    cluster_of = result.assignments.set_index("seg_id")["cluster_id"]
    asides = set(segments["seg_id"].iloc[:9])
    assert cluster_of[list(asides)].nunique() == 1      # the asides are soccer talk
    patch = codebook_patch(result, segments, documents, codings, book)
    proposed = [p for p in patch["proposed_terms"]
                if p["cluster"] != cluster_of[next(iter(asides))]]
    assert proposed
    for entry in proposed:
        examples = [e["seg_id"] for e in entry["examples"]]
        assert len(examples) == 2 and not set(examples) & asides, entry
        assert (cluster_of[examples] == entry["cluster"]).all(), entry

def test_a_k_range_that_cannot_be_searched_is_refused_or_told(book):
    # cluster_segments(k_range=(5, 3)) clustered into 3 without a word, and a range above
    # what the segments allow was silently replaced by the largest k they do
    segments, documents, codings = synthetic(book)
    with pytest.raises(DialogcodeError, match=r"k_range must be \(low, high\) with 2 <= "
                                              r"low <= high, not \(5, 3\)"):
        cluster_segments(segments, documents, codings, book, k_range=(5, 3), **ALONE)
    result = cluster_segments(segments, documents, codings, book, k_range=(40, 50), **ALONE)
    assert ("the k range starts at 40, but 30 segments in clusters of at least 5 allow at "
            "most 6: k=6 was searched instead") in result.notes
    assert result.k_report["k"].tolist() == [6]


def test_same_input_and_seed_give_identical_tables(book):
    segments, documents, codings = synthetic(book, ("housing", "gap", "soccer", "garden"))
    first = cluster_segments(segments, documents, codings, book, seed=3)
    again = cluster_segments(segments, documents, codings, book, seed=3)
    for name in ("clusters", "assignments", "k_report", "quotes"):
        assert_frame_equal(getattr(first, name), getattr(again, name))


def test_scope_all_and_scope_code_and_bad_input(book):
    segments, documents, codings = synthetic(book, ("housing", "soccer"))
    everything = cluster_segments(segments, documents, codings, book, scope="all", k=2,
                                  **ALONE)
    assert len(everything.assignments) == 30
    housing = cluster_segments(segments, documents, codings, book, scope="risk.housing", k=2,
                               **ALONE)
    assert set(housing.assignments["seg_id"]) == set(codings["seg_id"])
    with pytest.raises(DialogcodeError, match="neither residual nor all nor a code id"):
        cluster_segments(segments, documents, codings, book, scope="risk.hosuing")
    with pytest.raises(DialogcodeError, match="k must be between 2 and 14"):
        cluster_segments(segments, documents, codings, book, k=20)


def test_term_reach_counts_extra_segments_by_lemma_with_exclusions(book):
    segments, documents = make_corpus({"d": [
        "We pay the rent on the lease every month.",        # t1 coded housing already
        "The lease ended in May for that family.",          # t2 extra
        "Two leases ran out and wages are owed there.",     # t3 extra, carries money
        "They signed the lease yesterday at the office.",   # t4 vetoed by the exclusion
        "Our garden grows tomatoes and squash this year.",  # t5 no match
    ]})
    codings = code_corpus(segments, documents, book)
    reach = term_reach([("risk.housing", "lease"), ("risk.housing", "rent")], segments,
                       documents, codings, book).set_index("term")
    assert reach.loc["lease", "extra"] == ["d:t2", "d:t3"]
    assert reach.loc["lease", "matched"] == 3      # t1 carries the code already
    assert (reach.loc["lease", "extra_segments"],
            reach.loc["lease", "extra_with_other_codes"]) == (2, 1)
    assert reach.loc["rent", "extra_segments"] == 0


def test_suggest_proposes_the_code_for_a_segment_that_belongs_to_it(book):
    rng = random.Random(3)
    turns = topic_turns("housing", 12, rng) + topic_turns("soccer", 12, rng) \
        + topic_turns("garden", 12, rng)
    turns += ["Our landlord wants the apartment lease and deposit for the tenants' building.",
              "Our referee and the goalie argued about the tournament season again.",
              "The wages of the players and the coaches were late again."]
    segments, documents = make_corpus({f"doc{i}": turns[i::4] for i in range(4)})
    codings = code_corpus(segments, documents, book)
    housing_seg = segments.loc[segments["text"].str.startswith("Our landlord"), "seg_id"].item()
    soccer_seg = segments.loc[segments["text"].str.startswith("Our referee"), "seg_id"].item()
    result = suggest_codes(segments, documents, codings, book)
    table = result.table
    assert list(table.columns) == ["seg_id", "doc_id", "code_id", "score", "terms", "source",
                                   "text"]
    hit = table[table["seg_id"] == housing_seg]
    assert hit["code_id"].tolist() == ["risk.housing"] and hit["score"].item() >= 0.5
    assert set(hit["terms"].item().split("; ")) <= set(WORDS["gap"])
    assert soccer_seg not in set(table["seg_id"])
    assert not table["seg_id"].isin(codings.loc[codings["code_id"] == "risk.housing",
                                                "seg_id"]).any()
    assert (table["source"] == "suggestion").all()
    assert result.skipped[["code_id", "positives"]].values.tolist() == [["money", 1]]
    again = suggest_codes(segments, documents, codings, book)
    assert_frame_equal(table, again.table)
    rejected = pd.DataFrame({"seg_id": codings["seg_id"], "code_id": codings["code_id"]})
    assert suggest_codes(segments, documents, codings, book, rejected=rejected).skipped[
        "code_id"].tolist() == ["risk.housing", "money"]



def test_suggest_does_not_propose_a_code_whose_sub_code_a_person_gave(tmp_path):
    # a rule's sub-code kept its parent from being proposed, a person's did not: the
    # segment a coder had coded housing.lease came back as a suggestion of housing
    path = tmp_path / "book.yaml"
    path.write_text("codebook: t\ntitle: T\ncodes:\n  - id: housing\n    label: Housing\n"
                    "    patterns: {terms: [rent, evicted]}\n    codes:\n"
                    "      - id: housing.lease\n        label: Lease\n"
                    "        patterns: {terms: [notarized]}\n", encoding="utf-8")
    nested = load_codebooks(path)
    rng = random.Random(3)
    turns = topic_turns("housing", 12, rng) + topic_turns("soccer", 12, rng) \
        + topic_turns("garden", 12, rng)
    turns += ["Our landlord wants the apartment lease and deposit for the tenants' building."]
    segments, documents = make_corpus({f"doc{i}": turns[i::4] for i in range(4)})
    codings = code_corpus(segments, documents, nested)
    lease = segments.loc[segments["text"].str.startswith("Our landlord")]
    assert suggest_codes(segments, documents, codings, nested).table["seg_id"].isin(
        lease["seg_id"]).any()                              # uncoded, it is proposed
    human = lease[["seg_id", "doc_id"]].assign(code_id="housing.lease")
    table = suggest_codes(segments, documents, codings, nested, human=human).table
    assert not table["seg_id"].isin(lease["seg_id"]).any()


def test_suggest_skips_a_code_on_nearly_every_segment(book):
    rng = random.Random(4)
    turns = topic_turns("housing", 20, rng) + topic_turns("soccer", 2, rng)
    segments, documents = make_corpus({"doc0": turns})
    codings = code_corpus(segments, documents, book)
    skipped = suggest_codes(segments, documents, codings, book).skipped
    housing = skipped.set_index("code_id").loc["risk.housing"]
    assert housing["reason"] == "fewer than 5 segments without it"


def test_spacy_vectors_backend_needs_a_pipeline_with_vectors(book, tmp_path):
    segments, documents, codings = synthetic(book)
    with pytest.raises(ConfigError, match="'blank' has no word vectors"):
        cluster_segments(segments, documents, codings, book, backend="spacy-vectors")
    nlp = spacy.blank("en")
    nlp.add_pipe("dialogcode_lemmatizer", name="lemmatizer")
    for topic, axis in (("soccer", 0), ("garden", 1), ("housing", 2)):
        for word in WORDS[topic]:
            nlp.vocab.set_vector(word, np.eye(3, dtype="float32")[axis])
    nlp.to_disk(tmp_path / "vectors")
    result = cluster_segments(segments, documents, codings, book, backend="spacy-vectors",
                              model=str(tmp_path / "vectors"), k=2, **ALONE)
    topics = topic_of(segments, {t: WORDS[t] for t in ("soccer", "garden")})
    purity = result.assignments.assign(topic=result.assignments["seg_id"].map(topics))
    assert purity.groupby("cluster_id")["topic"].nunique().tolist() == [1, 1]


# --- the command line ----------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def evidence_study(tmp_path):
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    assert run("run", root, "-q").exit_code == 0
    return root


def test_cluster_command_writes_tables_map_and_patch(evidence_study):
    alone = ["--context", "0", "--no-boundaries"]
    result = run("cluster", evidence_study, "--scope", "all", "--k", "2", *alone)
    assert result.exit_code == 0, result.output
    folder = evidence_study / "out" / "clusters"
    assert "Left out 6 segment(s) of the scope: 5 short, 1 backchannel." in result.output
    left_out = pd.read_csv(folder / "left_out.csv").set_index("seg_id")["reason"]
    assert (left_out["south/closing:t2"], left_out["north/kickoff:t4"]) == ("short",
                                                                            "backchannel")
    for name in ("clusters", "assignments", "k_report", "quotes", "left_out"):
        assert (folder / f"{name}.csv").is_file() and (folder / f"{name}.parquet").is_file()
    assert (folder / "map.png").read_bytes()[:4] == b"\x89PNG"
    assert (evidence_study / "out" / "suggestions.yaml").read_text().startswith("# Codebook")
    assert "2 clusters of 6 segments (scope all)" in result.output
    clusters = pd.read_parquet(folder / "clusters.parquet")
    assert clusters["size"].sum() == 6
    # a patch a person has started to review is not overwritten
    patch = evidence_study / "out" / "suggestions.yaml"
    patch.write_text(patch.read_text().replace("keep: false", "keep: true", 1))
    again = run("cluster", evidence_study, "--scope", "all", "--k", "2", *alone)
    assert again.exit_code == 2
    assert (f"Error: {patch}: 1 entries are marked `keep: true`: merge them with `dialogcode "
            "codebook merge` (or copy the file) first, or pass --force to overwrite"
            ) in again.output
    assert run("cluster", evidence_study, "--scope", "all", "--k", "2", *alone,
               "--force").exit_code == 0
    auto = run("cluster", evidence_study, "--scope", "all", "--k", "auto", "--min-size",
               "1", *alone, "--force")
    assert auto.exit_code == 0, auto.output
    assert set(pd.read_csv(folder / "k_report.csv")["k"]) >= {2, 3}


def test_cluster_command_errors(evidence_study):
    bad = run("cluster", evidence_study, "--scope", "risk.hosing")
    assert bad.exit_code == 2
    assert "'risk.hosing' is neither residual, all nor a code id" in bad.output
    assert "did you mean risk.housing" in bad.output
    empty = run("cluster", evidence_study)      # every long turn is coded
    assert empty.exit_code == 1
    assert "only 0 segment(s) with content words in scope 'residual'" in empty.output
    assert "Traceback" not in empty.output
    assert run("cluster", evidence_study, "--k-range", "9").exit_code == 2
    assert "'many' is neither a number nor auto" in run("cluster", evidence_study, "--k",
                                                        "many").output
    vectors = run("cluster", evidence_study, "--scope", "all", "--backend", "spacy-vectors")
    assert vectors.exit_code == 1 and "has no word vectors" in vectors.output



@pytest.mark.parametrize("command", ["cluster", "suggest"])
def test_cluster_and_suggest_refuse_codings_of_an_earlier_codebook(evidence_study, command):
    # after a codebook edit (a merged patch) without `dialogcode code`, the residual and
    # the suggestions came silently from the codings of the codebook before it
    book = evidence_study / "codebook.yaml"
    book.write_text(book.read_text().replace("terms: [rent, evicted]",
                                             "terms: [rent, evicted, landlord]"))
    result = run(command, evidence_study, "-q")
    assert result.exit_code == 1, result.output
    assert ("the codings were made with another version of the codebooks, or before one "
            "was added or taken out; run `dialogcode code` (or `dialogcode run`) "
            "first") in result.output
    assert str(evidence_study / "out" / "codings") in result.output
    assert run("code", evidence_study, "-q").exit_code == 0
    assert run(command, evidence_study, "-q", *(["--scope", "all", "--k", "2"]
                                                if command == "cluster" else [])).exit_code == 0


def add_extra_codebook(study, code: str, label: str, terms: str):
    """Add a second codebook, extra.yaml, of one code matching ``terms``, to the study's
    `codebooks:`."""
    (study / "extra.yaml").write_text(
        f"codebook: extra\ntitle: Extra\ncodes:\n  - id: {code}\n    label: {label}\n"
        f"    patterns: {{terms: [{terms}]}}\n", encoding="utf-8")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("[codebook.yaml]",
                                                 "[codebook.yaml, extra.yaml]"))


@pytest.mark.parametrize("command", ["cluster", "suggest"])
def test_cluster_and_suggest_with_a_subset_of_the_codebooks_say_so(evidence_study, command):
    # coded with every codebook, then `--codebook` one of them: refused, but the message
    # spoke of another version of the codebooks, not of the codebooks given
    add_extra_codebook(evidence_study, "garden", "Garden", "garden")
    assert run("code", evidence_study, "-q").exit_code == 0
    result = run(command, evidence_study, "-q", "--codebook", evidence_study / "codebook.yaml")
    assert result.exit_code == 1, result.output
    assert ("the codings were made with other codebooks (evidence, extra) than the ones "
            "given (evidence, by --codebook or the study's `codebooks:`): give the ones "
            "they were made with, or run `dialogcode code` (or `dialogcode run`) with these "
            "first") in result.output
    assert str(evidence_study / "out" / "codings") in result.output


@pytest.mark.parametrize("command", ["cluster", "suggest"])
def test_cluster_and_suggest_refuse_codings_made_before_a_codebook_was_added(
        evidence_study, command):
    # only the versions the codings carry were compared: a codebook added to the study
    # since `dialogcode code` (no coding of it yet) passed, and its codes' talk was
    # clustered as residual and its codes skipped as never coded, without a word
    options = ["--scope", "all", "--k", "2", "--force"] if command == "cluster" else []
    book = evidence_study / "codebook.yaml"
    book.write_text("# a comment changes no coding\n" + book.read_text())
    assert run(command, evidence_study, "-q", *options).exit_code == 0   # not for a comment
    add_extra_codebook(evidence_study, "help", "Help", "neighbours, helped")
    result = run(command, evidence_study, "-q", *options)
    assert result.exit_code == 1, result.output
    assert "or before one was added or taken out" in result.output
    assert run("code", evidence_study, "-q").exit_code == 0
    assert run(command, evidence_study, "-q", *options).exit_code == 0


def test_suggest_command_writes_the_review_file(evidence_study):
    result = run("suggest", evidence_study)
    assert result.exit_code == 0, result.output
    assert "Skipped 3 code(s) with fewer than 5 coded segments" in result.output
    table = pd.read_parquet(evidence_study / "out" / "suggestions.parquet")
    assert list(table.columns) == ["seg_id", "doc_id", "code_id", "score", "terms", "source",
                                   "text"]
    assert run("suggest", evidence_study, "--threshold", "1.5").exit_code == 2



def test_suggest_says_why_each_code_was_skipped(tmp_path):
    # a code on nearly every segment was listed as having "fewer than 5 coded segments"
    from conftest import make_study

    turns = [f"P{i % 3 + 1}: The rent on the {w} went up again this spring for us."
             for i, w in enumerate(["flat", "house", "room", "garage", "trailer", "unit"])]
    turns += ["P1: Our garden harvest was good with tomatoes and squash this year.",
              "P2: The soccer league practice moved to the field by the school."]
    root = make_study(tmp_path / "s", {"talk.txt": "\n\n".join(turns) + "\n"},
                      "file,site,event_type,date\ntalk.txt,North,coaching_call,2019-06-05\n")
    (root / "codebook.yaml").write_text(
        "codebook: t\ntitle: T\ncodes:\n  - id: rent\n    label: Rent\n"
        "    patterns: {terms: [rent]}\n  - id: money\n    label: Money\n"
        "    patterns: {terms: [wages]}\n", encoding="utf-8")
    book = ["--codebook", root / "codebook.yaml"]
    assert run("ingest", root, "-q").exit_code == 0
    assert run("code", root, "-q", *book).exit_code == 0
    result = run("suggest", root, *book)
    assert result.exit_code == 0, result.output
    assert "Skipped 1 code(s) with fewer than 5 coded segments: money" in result.output
    assert "Skipped 1 code(s) with fewer than 5 segments without it: rent" in result.output


# --- codebook merge -------------------------------------------------------------------

TARGET = """\
codebook: test
title: Test codebook
codes:
  # a comment the person wrote
  - id: risk
    label: Risks
    codable: false
    codes:
      - id: risk.housing
        label: Housing
        patterns:
          terms: [rent, evicted]   # keep these
      - id: risk.money
        label: Money
        patterns: {terms: [wages]}
"""


def write_patch_file(path: Path, *, new_id="theme.soccer") -> Path:
    path.write_text(f"""\
# a patch
scope: residual
proposed_terms:
  - keep: true
    code: risk.housing
    term: landlord
    match: lemma
    extra_segments: 3
  - keep: false
    code: risk.money
    term: debt
  - keep: true
    code: elsewhere.code
    term: lease
new_codes:
  - keep: true
    id: {new_id}
    label: Soccer / coaches
    parent: risk
    terms: [soccer, coaches]
    match: lemma
""", encoding="utf-8")
    return path


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(TARGET, encoding="utf-8")
    return path


def test_merge_applies_kept_entries_and_keeps_comments(tmp_path, target):
    patch = write_patch_file(tmp_path / "patch.yaml")
    dry = run("codebook", "merge", patch, target, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would apply: added term 'landlord' to risk.housing" in dry.output
    assert target.read_text() == TARGET
    result = run("codebook", "merge", patch, target)
    assert result.exit_code == 0, result.output
    assert "Applied: added code theme.soccer (Soccer / coaches) under risk" in result.output
    assert "Skipped: term 'lease': code elsewhere.code is not defined in book.yaml" \
        in result.output
    assert "Merged 2 change(s)" in result.output
    text = target.read_text()
    assert "  # a comment the person wrote\n" in text
    assert re.search(r"terms: \[rent, evicted, \{term: landlord, match: lemma\}\] +# keep these",
                     text)
    assert "terms: [wages]}" in text                     # not kept: debt is not added
    book = load_codebooks(target)
    assert book.codes["theme.soccer"].parent == "risk"
    assert book.codes["theme.soccer"].terms == [("soccer", "lemma"), ("coaches", "lemma")]
    assert ("landlord", "lemma") in book.codes["risk.housing"].terms
    again = run("codebook", "merge", patch, target)
    assert "Skipped: new code theme.soccer is already in" in again.output
    assert "Skipped: term 'landlord' is already a term of risk.housing" in again.output
    assert "Nothing merged" in again.output and again.exit_code == 0
    assert target.read_text() == text


@pytest.mark.parametrize("new_id, message", [
    ("risk.money", "new code 'risk.money' already exists"),
    ("Bad Id", "the merged codebook would be invalid, so it was not written"),
])
def test_merge_refuses_and_leaves_the_codebook_untouched(tmp_path, target, new_id, message):
    patch = write_patch_file(tmp_path / "patch.yaml", new_id=new_id)
    result = run("codebook", "merge", patch, target)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert target.read_text() == TARGET
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.yaml", "patch.yaml"]


def test_merge_reports_a_malformed_patch_with_its_line(tmp_path, target):
    patch = tmp_path / "patch.yaml"
    patch.write_text("proposed_terms:\n  - keep: true\n    term: lease\n", encoding="utf-8")
    result = run("codebook", "merge", patch, target)
    assert result.exit_code == 1
    assert f"{patch}:2" in result.output and "proposed_terms.0.code" in result.output


def test_a_codebook_given_as_the_patch_is_refused(tmp_path, target):
    # the two files swapped: the codebook read as a patch with no entry kept, exit 0
    patch = write_patch_file(tmp_path / "patch.yaml")
    result = run("codebook", "merge", target, patch)
    assert result.exit_code == 1
    assert (f"{target}:1: a codebook patch is a mapping with new_codes and proposed_terms "
            "(written by `dialogcode cluster`)") in result.output
    assert target.read_text() == TARGET

def test_a_misspelt_key_in_a_patch_is_refused_not_ignored(tmp_path, target):
    # the patch's entries carry keys for people (cluster, examples ...) that merge
    # ignores; `kep: true` was ignored too, and the term the person kept left out
    patch = write_patch_file(tmp_path / "patch.yaml")
    patch.write_text(patch.read_text().replace("  - keep: true\n    code: risk.housing",
                                               "  - kep: true\n    code: risk.housing")
                     .replace("    label: Soccer", "    lable: Soccer"), encoding="utf-8")
    result = run("codebook", "merge", patch, target)
    assert result.exit_code == 1
    assert f"{patch}:4 [proposed_terms.0.kep]: unknown key; did you mean 'keep'?" in (
        result.output)
    assert f"{patch}:18 [new_codes.0.lable]: unknown key; did you mean 'label'?" in (
        result.output)
    assert target.read_text() == TARGET


def test_a_segment_whose_codings_were_all_rejected_is_residual(evidence_study):
    # a reviewer rejected the rule codings of three turns: the talk is uncoded, so it
    # belongs to the residual (it was neither clustered nor listed as left out)
    rejected = ["north/kickoff:t2,risk.housing", "south/visit:t2,risk.money",
                "north/closing:t2,connection"]
    (evidence_study / "decisions.csv").write_text(
        "seg_id,code_id,decision\n" + "".join(f"{r},reject\n" for r in rejected),
        encoding="utf-8")
    result = run("cluster", evidence_study, "--k", "2", "--min-size", "1",
                 "--context", "0", "--no-boundaries")
    assert result.exit_code == 0, result.output
    assigned = pd.read_csv(evidence_study / "out" / "clusters" / "assignments.csv")
    assert sorted(assigned["seg_id"]) == sorted(r.split(",")[0] for r in rejected)


def test_the_scope_help_says_what_the_residual_leaves_out():
    # the residual leaves out model codings and what people coded, and takes back
    # rejected codings; the help said "no rule coding"
    help_text = " ".join(run("cluster", "--help").output.split())
    assert ("residual (nothing coded: no rule or model coding left after review, nothing "
            "people coded)") in help_text
