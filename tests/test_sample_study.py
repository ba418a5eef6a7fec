"""The bundled sample study ingests cleanly, codes with exact offsets and survives a
REFI-QDA round trip."""
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialogcode import Study, ingest
from dialogcode.agreement import agree
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coders import coder_path, read_coder
from dialogcode.coding import code_corpus
from dialogcode.ingest import load_corpus
from dialogcode.store import read_table

SAMPLE = Path(__file__).parent.parent / "corpora" / "sample-study"
PROJECT_XSD = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project.xsd"
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


def sample_copy(root: Path) -> Path:
    """The sample study's transcripts, manifest, lessons and coder file in ``root``,
    using the shipped codebooks, ingested."""
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("out"))
    config = (root / "dialogcode.yaml").read_text(encoding="utf-8")
    codebooks = (SAMPLE.parent.parent / "codebooks").resolve()
    (root / "dialogcode.yaml").write_text(
        config.replace("../../codebooks/*.yaml", f"{codebooks}/*.yaml"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    return root


def test_the_sample_study_goes_to_refi_qda_and_comes_back(tmp_path):
    """Rules and the reader's coding leave as a REFI-QDA project and come back, into a
    study built afresh from the same transcripts (nine formats), exactly."""
    def invoke(*args):
        result = CliRunner().invoke(cli, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result

    study = sample_copy(tmp_path / "study")
    invoke("code", study)
    project = tmp_path / "sample.qdpx"
    invoke("export", study, "--to", "qdpx", "--every-source", "-o", project)
    if PROJECT_XSD.is_file():
        xmlschema = pytest.importorskip("xmlschema")
        with zipfile.ZipFile(project) as archive:
            xmlschema.XMLSchema(str(PROJECT_XSD)).validate(
                archive.read("project.qde").decode("utf-8"))
    fresh = sample_copy(tmp_path / "fresh")
    shutil.rmtree(fresh / "codings")
    opened, back_study = Study.open(study), Study.open(fresh)
    segments = load_corpus(back_study).segments
    codings = read_table(opened.out, "codings", hint="")
    originals = {"rules": codings,
                 "reader": read_coder(coder_path(opened, "reader"), segments, "reader")}
    for user, original in originals.items():
        invoke("import-codings", project, fresh, "--coder", f"{user}_back", "--user", user)
        back = read_coder(coder_path(back_study, f"{user}_back"), segments)
        result = agree({user: original, "back": back}, segments,
                       documents=load_corpus(back_study).documents)
        assert (result.per_code["percent_agreement"] == 1.0).all(), user
    spans = ["seg_id", "code_id", "start", "end", "quote"]
    back = read_coder(coder_path(back_study, "rules_back"), segments)
    assert len(back) == len(codings)
    assert set(back[spans].itertuples(index=False)) == \
        set(codings[spans].itertuples(index=False))



def test_title_lines_are_kept_but_never_coded_and_no_speaker_is_a_guess(coded):
    corpus, _, codings = coded
    titles = corpus.segments[~corpus.segments["codable"]]
    assert set(titles["kind"]) == {"preamble"} and len(titles) == 39
    assert titles["text"].str.startswith("Synthetic sample").all()
    assert not codings["seg_id"].isin(titles["seg_id"]).any()
    # the only notes: table rows of one speaker joined into one turn (merge_turns: true)
    keep = "set merge_turns: false to keep rows apart"
    assert list(map(str, corpus.speaker_notes)) == [
        ("transcripts/los-angeles/2019-05-22_coaching-call.jsonl:9: lines 9-10 of speaker "
         f"P4 merged into one turn; {keep}"),
        ("transcripts/oakland/2019-06-26_coaching-call.csv:9: rows 9-10 of speaker P4 "
         f"merged into one turn; {keep}"),
        ("transcripts/san-diego/2019-10-09_closing-breakout.jsonl:2: 7 lines merged into "
         "3 turns, each run of one speaker's lines into one (the first: lines 2-3 of "
         f"speaker P1); {keep}")]
