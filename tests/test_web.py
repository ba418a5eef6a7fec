"""`dialogcode review serve` without a browser: the guards, the pages and the decisions
they write, through Flask's test client (the browser itself: test_web_browser.py)."""
import csv
import shutil
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("flask")

from dialogcode import Study  # noqa: E402
from dialogcode.cli import cli  # noqa: E402
from dialogcode.ingest import load_corpus  # noqa: E402
from dialogcode.lock import study_lock  # noqa: E402
from dialogcode.review import final_codings, load_decisions  # noqa: E402
from dialogcode.store import part_name, read_table, replacing_dataset  # noqa: E402
from dialogcode.web import make_server  # noqa: E402
from dialogcode.web.app import HEADER, create_app  # noqa: E402
from dialogcode.web.pages import ReviewData  # noqa: E402

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
TOKEN = "test-token-0123456789"
PORT = 5123
BASE = f"http://127.0.0.1:{PORT}"
SCRIPT_TURN = "<script>window.pwned = 1</script> the rent & <b>wages</b>"


def export_next(study: Path, sheet: Path) -> Path:
    """Three review decisions, `learn`, then `review export --next 3` to ``sheet``."""
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision\nnorth/kickoff:t2,risk.housing,accept\n"
        "north/kickoff:t3,risk.money,accept\nsouth/visit:t3,risk.housing,reject\n",
        encoding="utf-8")
    for command in (["learn", str(study)],
                    ["review", "export", "--next", "3", str(study), "-o", str(sheet)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
    return sheet


def build_study(root: Path) -> Path:
    """The evidence fixture plus a document whose first turn holds markup, coded."""
    shutil.copytree(FIXTURE, root)
    (root / "transcripts" / "north" / "markup.txt").write_text(
        f"Markup call, March 2019\n\nP1: {SCRIPT_TURN}\n\nP2: Neighbours came together.\n",
        encoding="utf-8")
    with (root / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("north/markup.txt,North,coaching_call,2019-03-03,Markup call,mid-year\n")
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("web") / "built")


@pytest.fixture
def study(built, tmp_path):
    return Path(shutil.copytree(built, tmp_path / "study"))


@pytest.fixture
def client(study):
    app = create_app(ReviewData(Study.open(study), reviewer="ana"), token=TOKEN)
    app.config["PORT"] = PORT
    client = app.test_client()
    assert client.get(f"/?token={TOKEN}", base_url=BASE).status_code == 303
    return client


def post(client, body, **headers):
    """``body`` sent as the page does, with the hash of the segment's document that the
    page of that document shows now, unless ``body`` gives one."""
    headers = {HEADER: TOKEN, **headers}
    if isinstance(body, dict) and "sha256" not in body:
        page = client.get(f"/doc/{body['seg_id'].rsplit(':', 1)[0]}", base_url=BASE).text
        if 'data-sha="' in page:
            body = {**body, "sha256": page.split('data-sha="', 1)[1][:64]}
    return client.post("/api/decide", json=body, base_url=BASE, headers=headers)


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_request_needs_the_token(study):
    app = create_app(ReviewData(Study.open(study)), token=TOKEN)
    app.config["PORT"] = PORT
    client = app.test_client()
    assert client.get("/", base_url=BASE).status_code == 403
    assert client.get("/doc/north/kickoff", base_url=BASE).status_code == 403
    assert client.get("/static/review.js", base_url=BASE).status_code == 403
    assert client.get("/?token=wrong", base_url=BASE).status_code == 403
    entry = client.get(f"/doc/north/kickoff?token={TOKEN}", base_url=BASE)
    assert entry.status_code == 303 and entry.location.endswith("/doc/north/kickoff")
    assert "HttpOnly" in entry.headers["Set-Cookie"] and "SameSite=Strict" in \
        entry.headers["Set-Cookie"]
    page = client.get("/doc/north/kickoff", base_url=BASE)
    assert page.status_code == 200 and "families get" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_another_host_name_is_refused(client):
    """A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) is refused."""
    assert client.get("/", base_url=f"http://evil.example:{PORT}").status_code == 403
    assert client.get(f"/?token={TOKEN}", base_url=f"http://evil.example:{PORT}"
                      ).status_code == 403
    assert client.get(f"/?token={TOKEN}", base_url=f"http://localhost:{PORT}"
                      ).status_code == 303


def test_a_post_needs_the_header_token_json_and_our_origin(client, study):
    body = {"seg_id": "north/kickoff:t2", "code_id": "risk.housing", "decision": "reject"}
    assert client.post("/api/decide", json=body, base_url=BASE).status_code == 403
    assert post(client, body, Origin="http://evil.example").status_code == 403
    form = client.post("/api/decide", data=body, base_url=BASE, headers={HEADER: TOKEN})
    assert form.status_code == 403
    assert not (study / "decisions.csv").exists()
    answer = post(client, body, Origin=BASE)
    assert answer.status_code == 200, answer.text
    assert answer.json["saved"]["decision"] == "reject"


def test_the_document_list_shows_progress_by_site_and_event(client):
    before = client.get("/", base_url=BASE).text
    assert "North" in before and "kickoff_convening" in before
    assert "0 of 3" in before        # north/kickoff: three rule codings to decide
    post(client, {"seg_id": "north/kickoff:t2", "code_id": "risk.housing",
                  "decision": "accept"})
    assert "1 of 3" in client.get("/", base_url=BASE).text
    # a code a reviewer added, in brackets; rejected again (or a --next sheet's other
    # code rejected), nobody added it: the list said "(+1)" all the same
    post(client, {"seg_id": "north/kickoff:t4", "code_id": "connection",
                  "decision": "accept"})
    assert "1 of 3 (+1)" in client.get("/", base_url=BASE).text
    post(client, {"seg_id": "north/kickoff:t4", "code_id": "connection",
                  "decision": "reject"})
    page = client.get("/", base_url=BASE).text
    assert "1 of 3" in page and "(+1)" not in page


def test_transcript_text_is_escaped(client):
    page = client.get("/doc/north/markup", base_url=BASE).text
    assert "<script>window.pwned" not in page and "<b>wages</b>" not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "&lt;b&gt;" in page and "&amp;" in page
    preamble = page[page.index('id="north/markup:t1"'):page.index('id="north/markup:t2"')]
    assert "Markup call, March 2019" in preamble and "nan" not in preamble
    assert "+ code" not in preamble           # a preamble is never coded


def test_findings_of_the_privacy_check_are_blocks_in_the_review_pages(study):
    (study / "privacy.yaml").write_text("always: [Neighbours]\n", encoding="utf-8")
    app = create_app(ReviewData(Study.open(study)), token=TOKEN)
    app.config["PORT"] = PORT
    client = app.test_client()
    client.get(f"/?token={TOKEN}", base_url=BASE)
    page = client.get("/doc/north/markup", base_url=BASE).text
    assert "Neighbours" not in page and "\u2588" * len("Neighbours") + "</mark> came" in page
    assert CliRunner().invoke(cli, ["privacy", "scan", str(study)]).exit_code == 0
    findings = rows(study / "out" / "privacy.csv")
    with (study / "privacy-decisions.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ["doc_id", "start", "end", "text", "decision", "reason"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**f, "decision": "keep", "reason": "a common word"} for f in findings)
    # a finding decided keep is shown as written (the page is read again: no restart)
    assert ">Neighbours</mark> came" in client.get("/doc/north/markup", base_url=BASE).text


def test_documents_are_found_by_id_and_never_by_path(client):
    assert client.get("/doc/north/nothing", base_url=BASE).status_code == 404
    assert client.get("/doc/../../dialogcode.yaml", base_url=BASE).status_code == 404
    assert client.get("/doc/%2e%2e/manifest.csv", base_url=BASE).status_code == 404


def test_decisions_land_in_decisions_csv_as_review_import_writes_them(client, study):
    post(client, {"seg_id": "north/kickoff:t2", "code_id": "risk.housing",
                  "decision": "reject"})
    noted = post(client, {"seg_id": "north/kickoff:t2", "code_id": "risk.housing",
                          "decision": "reject", "note": "=about prices, not housing"})
    assert noted.json["saved"]["note"] == "=about prices, not housing"
    (row,) = rows(study / "decisions.csv")      # neutralised for spreadsheets
    assert (row["decision"], row["source"], row["reviewer"], row["note"]) == \
        ("reject", "rule", "ana", "'=about prices, not housing")
    assert load_decisions(Study.open(study))["note"].tolist() == ["=about prices, not housing"]
    assert row["decided_at"] and len(row["sha256"]) == 64
    # the spreadsheet route reads it: the export shows it, the final codings follow it
    sheet = study / "out" / "sheet.csv"
    result = CliRunner().invoke(cli, ["review", "export", str(study), "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    exported = {(r["seg_id"], r["code_id"]): r for r in rows(sheet)}
    assert exported[("north/kickoff:t2", "risk.housing")]["decision"] == "reject"
    corpus = load_corpus(Study.open(study))
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    assert not ((final["seg_id"] == "north/kickoff:t2")
                & (final["code_id"] == "risk.housing")).any()


def test_a_decision_on_a_masked_document_counts(study):
    # the pages show a finding as blocks, but a decision made there is on the
    # transcript's text: it carries the document's own hash, so it stays in force
    (study / "privacy.yaml").write_text("always: [families]\n", encoding="utf-8")
    app = create_app(ReviewData(Study.open(study), reviewer="ana"), token=TOKEN)
    app.config["PORT"] = PORT
    client = app.test_client()
    client.get(f"/?token={TOKEN}", base_url=BASE)
    assert "families" not in client.get("/doc/north/kickoff", base_url=BASE).text
    answer = post(client, {"seg_id": "north/kickoff:t2", "code_id": "risk.housing",
                           "decision": "reject"})
    assert answer.status_code == 200, answer.text
    corpus = load_corpus(Study.open(study))
    (row,) = rows(study / "decisions.csv")
    assert row["sha256"] == corpus.documents.set_index("doc_id").at["north/kickoff", "sha256"]
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    assert not ((final["seg_id"] == "north/kickoff:t2")
                & (final["code_id"] == "risk.housing")).any()
    # and the pages show it decided
    page = client.get("/doc/north/kickoff", base_url=BASE).text
    assert 'data-decision="reject"' in page


def test_a_code_added_to_a_span_is_a_final_coding_of_that_span(client, study):
    text = "Tell me about the year."
    start = text.index("the year")
    answer = post(client, {"seg_id": "south/visit:t1", "code_id": "connection",
                           "decision": "accept", "start": start, "end": start + 8})
    assert answer.status_code == 200, answer.text
    (row,) = rows(study / "decisions.csv")
    assert row["source"] == "reviewer" and int(row["end"]) - int(row["start"]) == 8
    page = client.get("/doc/south/visit", base_url=BASE).text
    assert ('data-codes="connection" title="Connection (connection): People standing with '
            'each other."') in page and ">the year</mark>" in page
    corpus = load_corpus(Study.open(study))
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    added = final[(final["seg_id"] == "south/visit:t1") & (final["code_id"] == "connection")]
    assert added["quote"].tolist() == ["the year"]
    whole = post(client, {"seg_id": "south/visit:t1", "code_id": "risk.money",
                          "decision": "accept"})
    assert whole.status_code == 200
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    assert final.loc[final["code_id"] == "risk.money", "quote"].str.contains(text).any()
    # the same code drawn again on other words moves the span (not "unchanged")
    start = text.index("Tell me")
    again = post(client, {"seg_id": "south/visit:t1", "code_id": "connection",
                          "decision": "accept", "start": start, "end": start + 7})
    assert again.status_code == 200 and again.json["saved"]["changed"], again.text
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    added = final[(final["seg_id"] == "south/visit:t1") & (final["code_id"] == "connection")]
    assert added["quote"].tolist() == ["Tell me"]


def test_two_tabs_last_decision_holds_and_both_are_kept(client, study):
    key = {"seg_id": "north/kickoff:t3", "code_id": "risk.money"}
    post(client, {**key, "decision": "accept"})
    post(client, {"seg_id": "north/kickoff:t3", "code_id": "risk.housing",
                  "decision": "accept"})
    post(client, {**key, "decision": "reject"})        # the other tab, later
    current = {(r["seg_id"], r["code_id"]): r["decision"] for r in rows(study / "decisions.csv")}
    assert current == {("north/kickoff:t3", "risk.money"): "reject",
                       ("north/kickoff:t3", "risk.housing"): "accept"}
    history = [(r["code_id"], r["decision"]) for r in rows(study / "decisions-history.csv")]
    assert history == [("risk.money", "accept"), ("risk.housing", "accept"),
                       ("risk.money", "reject")]
    post(client, {**key, "decision": "reject"})        # the same again: nothing new
    assert len(rows(study / "decisions-history.csv")) == 3
    # the first tab, still showing accept, adds a note: the other tab's reject stands
    answer = post(client, {**key, "decision": None, "note": "good example"})
    assert answer.status_code == 200 and answer.json["saved"]["decision"] == "reject"
    current = {(r["seg_id"], r["code_id"]): (r["decision"], r["note"])
               for r in rows(study / "decisions.csv")}
    assert current[("north/kickoff:t3", "risk.money")] == ("reject", "good example")


def test_bad_decisions_are_refused_and_nothing_is_written(client, study):
    for body, status, words in [
            ({"seg_id": "north/kickoff:t9", "code_id": "risk.money", "decision": "accept"},
             409, "unknown segment"),
            ({"seg_id": "north/kickoff:t3", "code_id": "risk", "decision": "accept"},
             409, "not a codable code"),
            ({"seg_id": "north/kickoff:t3", "code_id": "risk.money", "decision": "maybe"},
             409, "accept or reject"),
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": "accept",
              "start": 3, "end": 300}, 409, "outside the segment"),
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": "accept",
              "start": "3", "end": 5}, 400, "whole numbers"),
            ({"seg_id": "north/markup:t1", "code_id": "connection", "decision": "accept"},
             409, "a preamble, which is never coded"),
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": None,
              "note": "why"}, 409, "accept or reject the code first"),
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": None},
             400, "the note alone"),
            (["not", "an", "object"], 400, "JSON object"),
            # half of a surrogate pair is valid JSON but no file can hold it (a 500 error),
            # true is no offset, and a start without an end was dropped without a word
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": "accept",
              "note": "broken emoji \ud83d"}, 400, "note text"),
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": "accept",
              "start": True, "end": 5}, 400, "whole numbers"),
            ({"seg_id": "south/visit:t1", "code_id": "connection", "decision": "accept",
              "start": 3}, 400, "(both or neither)")]:
        answer = post(client, body)
        assert answer.status_code == status and words in answer.json["error"], answer.text
    assert not (study / "decisions.csv").exists()


def test_a_decision_on_a_code_taken_out_of_the_codebook_can_be_deleted(client, study):
    # the page showed the accept as a chip "not in the codebook" that could not be
    # decided ("not a codable code"), while the tables refuse the row until it is gone
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/closing:t2,connection,accept,rule,bo\n"
                                         "north/kickoff:t2,risk.housing,reject,rule,bo\n",
                                         encoding="utf-8")
    book = study / "codebook.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text[:text.index("  - id: connection")], encoding="utf-8")
    (study / "lessons.yaml").unlink()              # its lesson names the code too
    assert CliRunner().invoke(cli, ["code", str(study), "-q"]).exit_code == 0
    assert CliRunner().invoke(cli, ["tables", str(study), "-q"]).exit_code == 1
    page = client.get("/doc/north/closing", base_url=BASE).text
    chip = page.split('data-seg="north/closing:t2" data-code="connection"', 1)[1]
    chip = chip.split("</li>", 1)[0]
    assert "not in the codebook: the tables and learn refuse its decision until it is " \
           "deleted (reject it here)" in chip
    assert 'title="Delete this decision from decisions.csv (r): its code is not in the ' \
           'codebook"' in chip and 'data-act="accept"' not in chip
    seg = {"seg_id": "north/closing:t2", "code_id": "connection"}
    for decision in ("accept", None):
        answer = post(client, {**seg, "decision": decision, "note": "x"})
        assert answer.status_code == 409 and answer.json["error"] == (
            "code 'connection' is not in the codebook: reject it to delete its decision, "
            "or give it the code's new id in decisions.csv if it was renamed")
    answer = post(client, {**seg, "decision": "reject"})
    assert answer.status_code == 200, answer.text
    assert answer.json["saved"]["removed"] is True
    assert [(r["seg_id"], r["code_id"]) for r in rows(study / "decisions.csv")] == \
        [("north/kickoff:t2", "risk.housing")]
    last = rows(study / "decisions-history.csv")[-1]   # who deleted it, and when
    assert (last["seg_id"], last["code_id"], last["decision"], last["reviewer"]) == \
        ("north/closing:t2", "connection", "reject", "ana")
    assert 'data-code="connection"' not in client.get("/doc/north/closing",
                                                      base_url=BASE).text
    result = CliRunner().invoke(cli, ["tables", str(study), "-q"])
    assert result.exit_code == 0, result.output
    # a code nobody decided is still no code to decide
    answer = post(client, {**seg, "decision": "reject"})
    assert answer.status_code == 409 and "not a codable code" in answer.json["error"]


def test_a_decision_whose_history_cannot_be_written_names_the_file(client, study):
    history = study / "decisions-history.csv"
    history.mkdir()                       # as a file without write permission would be
    answer = post(client, {"seg_id": "north/kickoff:t3", "code_id": "risk.money",
                           "decision": "accept"})
    assert answer.status_code == 500
    assert answer.json["error"] == (f"{history}: cannot write: Is a directory; no decision "
                                    "was recorded (decisions.csv is as it was)")
    assert not (study / "decisions.csv").exists()


def test_a_decision_waits_for_a_command_holding_the_study(client, study, monkeypatch):
    monkeypatch.setenv("DIALOGCODE_LOCK_WAIT", "0")
    with study_lock(study, "dialogcode run"):
        answer = post(client, {"seg_id": "north/kickoff:t3", "code_id": "risk.money",
                               "decision": "accept"})
    assert answer.status_code == 409 and "in use by" in answer.json["error"]
    assert not (study / "decisions.csv").exists()


def test_the_queue_scores_the_real_text_while_the_pages_show_blocks(study, tmp_path):
    # the queue scores segments with the models and the token cache: it must read the
    # text as ingested (the cache is keyed by the document's hash, so masked tokens
    # stored there would change later codings), while the pages show the blocks
    sheet = export_next(study, tmp_path / "next.csv")
    before = read_table(study / "out", "codings", hint="run")
    (study / "privacy.yaml").write_text("always: [rent, evicted, wages]\n", encoding="utf-8")
    shutil.rmtree(study / "out" / "cache")
    data = ReviewData(Study.open(study), queue_size=3)
    chosen = [(t["seg_id"], c["code_id"]) for entry in data.queue() for t in entry["turns"]
              if not t["context"] for c in t["chips"]]
    expected = rows(sheet)
    assert chosen == [(r["seg_id"], r["code_id"]) for r in expected]
    assert "rent" not in " ".join(data.tables().segments["text"])
    # a queue proposal decided in the browser keeps its source, as review import does
    (page_sha,) = {t["sha256"] for entry in data.queue() for t in entry["turns"]
                   if t["seg_id"] == expected[0]["seg_id"]}
    data.decide(expected[0]["seg_id"], expected[0]["code_id"], "accept", sha256=page_sha)
    (saved,) = [r for r in rows(study / "decisions.csv")
                if (r["seg_id"], r["code_id"]) == (expected[0]["seg_id"],
                                                   expected[0]["code_id"])]
    assert saved["source"] == expected[0]["source"] != "reviewer"
    assert CliRunner().invoke(cli, ["code", str(study), "-q"]).exit_code == 0
    after = read_table(study / "out", "codings", hint="run")
    key = ["seg_id", "code_id", "start", "end"]
    assert after[key].sort_values(key).values.tolist() == \
        before[key].sort_values(key).values.tolist()


def test_the_queue_marks_the_codes_the_model_did_not_propose_as_listed(tmp_path):
    # the queue's best-scoring others, scored below their thresholds and never coded,
    # showed as `model 0.12` chips, and a decision on one was recorded as the model's
    from test_learning import learning_study
    study = learning_study(tmp_path / "study")
    sheet = tmp_path / "next.csv"
    for command in (["run", str(study), "-q"],
                    ["review", "export", "--next", "10", str(study), "-o", str(sheet)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
    sheet = rows(sheet)
    listed = [r for r in sheet if r["source"] == "listed"]
    codings = read_table(study / "out", "codings", hint="run")
    assert listed and not set(zip(codings["seg_id"], codings["code_id"])) & {
        (r["seg_id"], r["code_id"]) for r in listed}
    app = create_app(ReviewData(Study.open(study), reviewer="ana", queue_size=10),
                     token=TOKEN)
    app.config["PORT"] = PORT
    client = app.test_client()
    assert client.get(f"/?token={TOKEN}", base_url=BASE).status_code == 303
    page = client.get("/queue", base_url=BASE).text
    assert "Listed for you to judge" in page
    chips = {}
    for chip in page.split('<li class="chip ')[1:]:
        seg, code = (chip.split(f'{name}="', 1)[1].split('"', 1)[0]
                     for name in ("data-seg", "data-code"))
        chips[(seg, code)] = chip.split('class="source"', 1)[1].split(">", 1)[1].split()[0]
    assert chips == {(r["seg_id"], r["code_id"]): r["source"] for r in sheet}
    # decided in the browser, it is recorded as the reviewer's (as review import
    # records it), with the words the reviewer marked
    first = listed[0]
    text = load_corpus(Study.open(study)).segments.set_index("seg_id").at[
        first["seg_id"], "text"]
    page_sha = page.split(f'data-seg="{first["seg_id"]}" data-sha="', 1)[1][:64]
    answer = post(client, {"seg_id": first["seg_id"], "code_id": first["code_id"],
                           "decision": "accept", "start": 0, "end": len(text.split()[0]),
                           "sha256": page_sha})
    assert answer.status_code == 200, answer.text
    (saved,) = rows(study / "decisions.csv")
    assert (saved["seg_id"], saved["code_id"], saved["source"]) == (
        first["seg_id"], first["code_id"], "reviewer")
    assert saved["start"] != "" and saved["end"] != ""
    # and the queue, drawn again after the decision, highlights those words, as the
    # document's page does: they showed only there, as if the marking had been lost
    for address in ("/queue", f"/doc/{first['doc_id']}"):
        page = client.get(address, base_url=BASE).text
        turn = page.split(f'id="{first["seg_id"]}" data-seg=', 1)[1]
        turn = turn.split('<div class="text">', 1)[1].split("</div>", 1)[0]
        assert f'data-codes="{first["code_id"]}"' in turn, address


def test_the_queue_says_what_it_needs(client):
    page = client.get("/queue", base_url=BASE).text
    assert "no learned model yet; run `dialogcode learn` first" in page


def test_review_import_keeps_the_history_too(study, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("seg_id,code_id,decision\nnorth/kickoff:t3,risk.money,reject\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(sheet), str(study)])
    assert result.exit_code == 0, result.output
    assert [r["decision"] for r in rows(study / "decisions-history.csv")] == ["reject"]


def test_the_server_listens_on_loopback_only(study):
    server = make_server(Study.open(study))
    try:
        host, port = server.socket.getsockname()[:2]
        assert host == "127.0.0.1" and server.url.startswith(f"http://127.0.0.1:{port}/?token=")
        assert len(server.url.split("token=")[1]) >= 32
        own = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                         socket.AF_INET)}
        for address in own - {"127.0.0.1"}:     # this machine's other addresses
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((address, port), timeout=2).close()
    finally:
        server.server_close()


def test_serve_refuses_a_bad_reviewer_name(study):
    result = CliRunner().invoke(cli, ["review", "serve", str(study), "--reviewer", "a b"])
    assert result.exit_code == 2 and "reviewer name 'a b'" in result.output


@pytest.mark.parametrize("span", ["3,", "a,5", "5,3"])
def test_a_span_in_decisions_csv_must_be_two_offsets(study, span):
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256,decided_at,start,end\n"
        f"south/visit:t1,connection,accept,reviewer,ana,,,,{span}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "export", str(study)])
    assert result.exit_code == 1
    assert "decisions.csv:2: start" in result.output and "start < end" in result.output


def test_serve_says_what_is_missing(study, tmp_path, monkeypatch):
    (study / "out" / "codings.parquet").unlink()
    result = CliRunner().invoke(cli, ["review", "serve", str(study)])
    assert result.exit_code == 1 and "run `dialogcode code` first" in result.output
    monkeypatch.setitem(sys.modules, "werkzeug.serving", None)     # Flask not installed
    result = CliRunner().invoke(cli, ["review", "serve", str(study)])
    assert result.exit_code == 2 and "pip install 'dialogcode[web]'" in result.output


def test_serve_refuses_an_output_folder_outside_the_study(study):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "output: ../elsewhere\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "serve", str(study)])
    assert result.exit_code == 1 and "--allow-outside" in result.output


def test_decisions_sent_at_the_same_time_are_all_kept(study):
    """Many tabs at once: the server takes the study's lock for each decision."""
    import http.client
    import json
    import threading
    from concurrent.futures import ThreadPoolExecutor

    server = make_server(Study.open(study), reviewer="ana")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_port
    token = server.url.split("token=")[1]
    try:
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        first.request("GET", f"/?token={token}")
        cookie = first.getresponse().getheader("Set-Cookie").split(";")[0]
        segments = [f"north/kickoff:t{n}" for n in range(1, 5)] + \
            [f"south/visit:t{n}" for n in range(1, 4)]
        wanted = [(s, c, "accept" if (i + j) % 2 else "reject")
                  for i, s in enumerate(segments)
                  for j, c in enumerate(["risk.housing", "risk.money", "connection"])]

        def stamp(doc_id):      # as the document's page carries it
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", f"/doc/{doc_id}", headers={"Cookie": cookie})
            page = connection.getresponse().read().decode()
            return page.split('data-sha="', 1)[1][:64]

        hashes = {doc_id: stamp(doc_id) for doc_id in ("north/kickoff", "south/visit")}

        def send(decision):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("POST", "/api/decide", json.dumps(dict(zip(
                ("seg_id", "code_id", "decision"), decision),
                sha256=hashes[decision[0].split(":")[0]])), {
                "Cookie": cookie, HEADER: token, "Content-Type": "application/json"})
            return connection.getresponse().status

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(send, wanted)) == {200}
    finally:
        server.shutdown()
        server.server_close()
    saved = {(r["seg_id"], r["code_id"], r["decision"]) for r in rows(study / "decisions.csv")}
    assert saved == set(wanted)
    assert len(rows(study / "decisions-history.csv")) == len(wanted)


def test_the_pages_read_a_dataset_table_again_when_a_run_replaces_it(study):
    # under the Dask engine a table is a folder of parts, replaced whole by a re-run
    data = ReviewData(Study.open(study))
    codings = data.tables().codings
    assert len(codings) > 2
    for rows in (codings.iloc[:2], codings.iloc[:1]):
        with replacing_dataset(study / "out", "codings") as folder:
            rows.to_parquet(folder / part_name(0), index=False)
        assert len(data.tables().codings) == len(rows)


def test_a_page_drawn_before_its_transcript_changed_saves_nothing(client, study):
    # the page showed t2 as "The rent keeps rising ..."; a turn inserted above it and a
    # new run made t2 "Wages are low ...": a click on the old page landed there
    page = client.get("/doc/north/kickoff", base_url=BASE).text
    shown = page.split('data-seg="north/kickoff:t2"', 1)[1].split('data-sha="', 1)[1][:64]
    transcript = study / "transcripts" / "north" / "kickoff.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace(
        "P1: The rent", "P3: Thanks for coming.\n\nP1: The rent", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(study), "-q"])
    assert result.exit_code == 0, result.output
    answer = post(client, {"seg_id": "north/kickoff:t2", "code_id": "risk.housing",
                           "decision": "accept", "sha256": shown})
    assert answer.status_code == 409, answer.text
    assert "reload the page" in answer.json["error"]
    assert not (study / "decisions.csv").exists()
    # drawn again, the page names the turn as it is now, and the click is saved there
    page = client.get("/doc/north/kickoff", base_url=BASE).text
    now = page.split('data-seg="north/kickoff:t3"', 1)[1].split('data-sha="', 1)[1][:64]
    assert now != shown
    answer = post(client, {"seg_id": "north/kickoff:t3", "code_id": "connection",
                           "decision": "accept", "sha256": now})
    assert answer.status_code == 200, answer.text
    corpus = load_corpus(Study.open(study))
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    (quote,) = final.loc[(final["doc_id"] == "north/kickoff")
                         & (final["code_id"] == "connection"), "quote"]
    assert "The rent keeps rising" in quote


def test_a_page_drawn_before_a_privacy_decision_still_saves(study):
    # the page showed "families" as blocks; the term was then dropped, so the page
    # drawn now shows the word: the transcript did not change, and the click is saved
    (study / "privacy.yaml").write_text("always: [families]\n", encoding="utf-8")
    app = create_app(ReviewData(Study.open(study), reviewer="ana"), token=TOKEN)
    app.config["PORT"] = PORT
    client = app.test_client()
    client.get(f"/?token={TOKEN}", base_url=BASE)
    page = client.get("/doc/north/kickoff", base_url=BASE).text
    assert "families" not in page
    shown = page.split('data-seg="north/kickoff:t2"', 1)[1].split('data-sha="', 1)[1][:64]
    (study / "privacy.yaml").write_text("always: []\n", encoding="utf-8")
    assert "families" in client.get("/doc/north/kickoff", base_url=BASE).text
    answer = post(client, {"seg_id": "north/kickoff:t2", "code_id": "risk.housing",
                           "decision": "reject", "sha256": shown})
    assert answer.status_code == 200, answer.text
    (row,) = rows(study / "decisions.csv")
    assert row["decision"] == "reject"
    # the page never shows the transcript's own hash, which the masked text hides
    raw = load_corpus(Study.open(study)).documents.set_index("doc_id")["sha256"]
    assert raw["north/kickoff"] not in page


def test_a_span_code_rejected_and_accepted_again_in_a_sheet_keeps_its_words(client, study):
    # a sheet has no span columns: its rejection replaced the row and dropped the span,
    # so accepting the code again coded the whole turn
    text = "Tell me about the year."
    start = text.index("the year")
    answer = post(client, {"seg_id": "south/visit:t1", "code_id": "connection",
                           "decision": "accept", "start": start, "end": start + 8})
    assert answer.status_code == 200, answer.text
    (row,) = rows(study / "decisions.csv")
    span = (row["start"], row["end"])          # document offsets
    sheet = study / "out" / "review.csv"
    assert CliRunner().invoke(cli, ["review", "export", str(study), "-o", str(sheet),
                                    "--code", "connection"]).exit_code == 0
    lines = sheet.read_text(encoding="utf-8").splitlines()
    (i,) = [n for n, line in enumerate(lines) if line.startswith("south/visit:t1,")]
    lines[i] = lines[i].replace(",accept,", ",reject,")
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # then, changing their mind, added again as docs/review.md says: a row with accept
    again = study / "again.csv"
    again.write_text("seg_id,code_id,decision\nsouth/visit:t1,connection,accept\n",
                     encoding="utf-8")
    for path, decision in ((sheet, "reject"), (again, "accept")):
        result = CliRunner().invoke(cli, ["review", "import", str(path), str(study),
                                          "--reviewer", "bo"])
        assert "0 new, 1 changed" in result.output, result.output
        (row,) = rows(study / "decisions.csv")
        assert (row["decision"], row["start"], row["end"]) == (decision, *span)
    page = client.get("/doc/south/visit", base_url=BASE).text
    assert 'data-codes="connection" title="Connection (connection): People standing with ' \
        'each other." style="--c: #d4a6c8">the year</mark>' in page
    corpus = load_corpus(Study.open(study))
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    added = final[(final["seg_id"] == "south/visit:t1") & (final["code_id"] == "connection")]
    assert added["quote"].tolist() == ["the year"]


def test_a_code_a_reviewer_added_then_rejected_shows_as_rejected(client, study):
    # it vanished from the page, so the reviewer could neither see the rejection nor
    # take it back from the chip
    text = "Tell me about the year."
    start = text.index("the year")
    chip = 'class="chip reject" tabindex="0" data-seg="south/visit:t1" data-code="connection"'
    for decision in ("accept", "reject"):
        answer = post(client, {"seg_id": "south/visit:t1", "code_id": "connection",
                               "decision": decision, "start": start, "end": start + 8})
        assert answer.status_code == 200, answer.text
    page = client.get("/doc/south/visit", base_url=BASE).text
    assert chip in page
    assert '<mark class="span rejected" data-codes="connection"' in page   # its words
    # accepted again from its chip (no span sent), it codes the same words
    answer = post(client, {"seg_id": "south/visit:t1", "code_id": "connection",
                           "decision": "accept"})
    assert answer.status_code == 200, answer.text
    corpus = load_corpus(Study.open(study))
    final = final_codings(Study.open(study), corpus.segments, corpus.documents)
    added = final[(final["seg_id"] == "south/visit:t1") & (final["code_id"] == "connection")]
    assert added["quote"].tolist() == ["the year"]
