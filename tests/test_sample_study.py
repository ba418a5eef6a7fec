"""The bundled sample study ingests cleanly and codes with exact offsets."""
from pathlib import Path

import pytest

from dialogcode import Study, ingest
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus

SAMPLE = Path(__file__).parent.parent / "corpora" / "sample-study"
DOMAIN_IDS = [
    "risk.harmful_norms", "resilience.equitable_norms", "risk.weak_social_networks",
    "resilience.social_cohesion", "risk.community_inaction", "resilience.community_action",
    "risk.harmful_retail_media", "resilience.healthy_media_environment",
    "risk.housing_insecurity", "resilience.housing_security", "risk.economic_insecurity",
    "resilience.economic_security", "healing.community_healing", "healing.survivor_support",
    "accountability.community_accountability", "accountability.punitive_response",
    "accountability.isolation", "connection.safety_through_connection",
    "collab.shared_understanding", "collab.sector_engagement", "collab.partnership_building",
    "collab.work_planning", "collab.community_of_practice", "collab.challenges",
    "collab.lessons_learned",
]


@pytest.fixture(scope="module")
def coded():
    study = Study.open(SAMPLE)
    corpus = ingest(study)
    book = load_codebooks(study.codebook_files())
    return corpus, book, code_corpus(corpus.segments, corpus.documents, book)


def test_every_file_is_in_the_manifest_and_every_event_type_is_there(coded):
    corpus, _, _ = coded
    assert corpus.warnings == [] and corpus.skipped == []
    assert len(corpus.documents) >= 15
    assert corpus.documents["n_words"].sum() >= 25_000
    assert set(corpus.documents["event_type"]) >= {
        "kickoff_convening", "community_of_practice", "coaching_call", "site_visit_dialogue",
        "site_visit_notes", "closing_convening"}
    assert corpus.documents["format"].nunique() >= 6


def test_every_coding_quotes_its_document_exactly(coded):
    corpus, book, codings = coded
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    assert len(codings) > 100
    for row in codings.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.quote
    assert set(codings["codebook_version"]) <= set(book.versions.values())


def test_the_fixed_codebook_ids_exist(coded):
    _, book, _ = coded
    missing = [code_id for code_id in DOMAIN_IDS if code_id not in book.codes]
    assert missing == []


def test_every_domain_code_occurs_in_the_sample(coded):
    _, _, codings = coded
    assert sorted(set(DOMAIN_IDS) - set(codings["code_id"])) == []


def test_title_lines_are_kept_but_never_coded_and_no_speaker_is_a_guess(coded):
    corpus, _, codings = coded
    titles = corpus.segments[~corpus.segments["codable"]]
    assert set(titles["kind"]) == {"preamble"} and len(titles) == 39
    assert titles["text"].str.startswith("Synthetic sample").all()
    assert not codings["seg_id"].isin(titles["seg_id"]).any()
    assert corpus.speaker_notes == []
