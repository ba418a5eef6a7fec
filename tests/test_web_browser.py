"""`dialogcode review serve` in headless Chromium (Playwright driving the system
`chromium`; skipped where it is not installed): the keyboard and mouse actions of a
reviewer, and what lands in decisions.csv."""
import csv
import shutil
import threading
from pathlib import Path

import pytest

pytest.importorskip("flask")
playwright = pytest.importorskip("playwright.sync_api")

from click.testing import CliRunner  # noqa: E402

from dialogcode import Study  # noqa: E402
from dialogcode.cli import cli  # noqa: E402
from dialogcode.web import make_server  # noqa: E402

from test_web import SCRIPT_TURN, build_study, export_next  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
# how long an action or an expect() waits: expect() does not follow the page's default
# timeout but keeps its own 5 s, and on a loaded 2-core machine a status line can take
# seconds to show (the page's script, the server thread and the suite share the cores)
WAIT_MS = 15_000
playwright.expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_study(tmp_path_factory.mktemp("browser") / "built")


@pytest.fixture
def served(built, tmp_path):
    """A copy of the study served on a free port in a thread: (study folder, url)."""
    study = Path(shutil.copytree(built, tmp_path / "study"))
    server = make_server(Study.open(study), reviewer="ana")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield study, server.url
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def decisions(study: Path) -> dict:
    with (study / "decisions.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["seg_id"], r["code_id"]): r for r in csv.DictReader(handle)}


def open_kickoff(page):
    """Click the North kick-off document in the list and wait until its page has loaded.
    Its chips are there before the page's script has run, and a key pressed then is
    lost: with the script late (a loaded machine) the status never showed, however
    long a test waited for it."""
    page.get_by_role("link", name="North kick-off").click()
    page.wait_for_url("**/doc/north/kickoff")       # and its load event: the script ran


def chip(page, seg_id: str, code_id: str):
    return page.locator(f'.chip[data-seg="{seg_id}"][data-code="{code_id}"]')


def test_review_a_document_with_the_keyboard(served, page):
    study, url = served
    page.goto(url)
    assert page.url.endswith("/") and "token" not in page.url
    open_kickoff(page)
    # j goes to the first code; a accepts it and moves on; r rejects the next one
    page.keyboard.press("j")
    first = chip(page, "north/kickoff:t2", "risk.housing")
    playwright.expect(first).to_be_focused()
    page.keyboard.press("a")
    playwright.expect(first).to_have_class("chip accept")
    playwright.expect(page.locator("#status")).to_contain_text(
        "Saved")
    second = chip(page, "north/kickoff:t3", "risk.money")
    playwright.expect(second).to_be_focused()
    page.keyboard.press("r")
    playwright.expect(second).to_have_class("chip reject")
    # a note on the rejected code: n, type, Enter
    second.focus()
    page.keyboard.press("n")
    page.keyboard.type("wages, not money worries")
    page.keyboard.press("Enter")
    playwright.expect(second.locator(".note-text")).to_have_text("wages, not money worries")
    # a code on the words selected with the mouse: c, type to filter, Enter
    words = page.locator('.turn[data-seg="north/kickoff:t1"] .text')
    words.dblclick(position={"x": 4, "y": 8})        # selects the first word, "What"
    page.keyboard.press("c")
    page.keyboard.type("connect")
    page.keyboard.press("Enter")
    added = chip(page, "north/kickoff:t1", "connection")
    playwright.expect(added).to_have_count(1)         # the page reloaded with it
    playwright.expect(page.locator("#status")).to_contain_text("accept connection")
    # everything is in decisions.csv, and the page shows it after a reload
    saved = decisions(study)
    assert {k: v["decision"] for k, v in saved.items()} == {
        ("north/kickoff:t2", "risk.housing"): "accept",
        ("north/kickoff:t3", "risk.money"): "reject",
        ("north/kickoff:t1", "connection"): "accept"}
    assert saved[("north/kickoff:t3", "risk.money")]["note"] == "wages, not money worries"
    span = saved[("north/kickoff:t1", "connection")]
    assert span["source"] == "reviewer" and span["reviewer"] == "ana"
    document = Study.open(study)
    text = (Path(document.transcripts) / "north" / "kickoff.txt").read_text(encoding="utf-8")
    assert text[int(span["start"]):int(span["end"])] == "What"
    page.reload()
    playwright.expect(chip(page, "north/kickoff:t2", "risk.housing")).to_have_class(
        "chip accept")
    playwright.expect(chip(page, "north/kickoff:t3", "risk.money")).to_have_class(
        "chip reject")
    playwright.expect(page.locator('.turn[data-seg="north/kickoff:t1"] mark')).to_have_text(
        "What")


def test_the_whole_turn_gets_a_code_with_the_keyboard_alone(served, page):
    study, url = served
    page.goto(url.replace("/?", "/doc/south/visit?"))
    page.keyboard.press("j")                          # the first code, on turn t2
    page.keyboard.press("c")
    page.keyboard.type("o")                           # Housing, Money, Connection...
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#code-list li.chosen").inner_text()
    page.keyboard.press("Enter")
    playwright.expect(page.locator("#status")).to_contain_text("Saved")
    ((seg_id, code_id), row), = decisions(study).items()
    assert seg_id == "south/visit:t2" and f"({code_id})" in chosen
    assert (row["start"], row["end"], row["decision"]) == ("", "", "accept")


def test_markup_in_a_turn_is_shown_as_text(served, page):
    study, url = served
    page.goto(url.replace("/?", "/doc/north/markup?"))
    turn = page.locator('.turn[data-seg="north/markup:t2"] .text')
    playwright.expect(turn).to_have_text(SCRIPT_TURN)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".text b").count() == 0


def test_a_browser_without_the_token_is_refused(served, browser):
    study, url = served
    context = browser.new_context()
    try:
        response = context.new_page().goto(url.split("?")[0])
        assert response.status == 403
        assert "open the address" in response.text()
    finally:
        context.close()


def test_two_tabs_never_lose_a_decision(served, page):
    study, url = served
    page.goto(url.replace("/?", "/doc/north/kickoff?"))
    other = page.context.new_page()                  # a second tab, opened at the same time
    other.goto(page.url)
    chip(page, "north/kickoff:t3", "risk.money").focus()
    page.keyboard.press("a")
    playwright.expect(page.locator("#status")).to_contain_text("accept risk.money")
    chip(other, "north/kickoff:t3", "risk.housing").focus()   # the stale tab: another code
    other.keyboard.press("a")
    playwright.expect(other.locator("#status")).to_contain_text("accept risk.housing")
    chip(other, "north/kickoff:t3", "risk.money").focus()     # and the same code, later
    other.keyboard.press("r")
    playwright.expect(other.locator("#status")).to_contain_text("reject risk.money")
    assert {k: v["decision"] for k, v in decisions(study).items()} == {
        ("north/kickoff:t3", "risk.money"): "reject",
        ("north/kickoff:t3", "risk.housing"): "accept"}
    with (study / "decisions-history.csv").open(encoding="utf-8") as handle:
        history = [(r["code_id"], r["decision"]) for r in csv.DictReader(handle)]
    assert history == [("risk.money", "accept"), ("risk.housing", "accept"),
                       ("risk.money", "reject")]
    page.reload()
    playwright.expect(chip(page, "north/kickoff:t3", "risk.money")).to_have_class(
        "chip reject")


def test_a_page_drawn_before_a_run_moved_its_turns_saves_nothing(served, page):
    study, url = served
    page.goto(url.replace("/?", "/doc/north/kickoff?"))
    shown = chip(page, "north/kickoff:t2", "risk.housing")     # "The rent keeps rising"
    transcript = study / "transcripts" / "north" / "kickoff.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace(
        "P1: The rent", "P3: Thanks for coming.\n\nP1: The rent", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(study), "-q"])
    assert result.exit_code == 0, result.output
    shown.focus()                          # t2 is now "Wages are low, so rent is late."
    page.keyboard.press("a")
    playwright.expect(page.locator("#status")).to_contain_text("reload the page")
    playwright.expect(shown).to_have_class("chip open")
    assert not (study / "decisions.csv").exists()
    page.reload()
    moved = chip(page, "north/kickoff:t3", "risk.housing")
    moved.focus()
    page.keyboard.press("a")
    playwright.expect(moved).to_have_class("chip accept")
    assert list(decisions(study)) == [("north/kickoff:t3", "risk.housing")]


def test_the_queue_walks_the_segments_review_export_next_chooses(built, tmp_path, page):
    study = Path(shutil.copytree(built, tmp_path / "study"))
    sheet = export_next(study, tmp_path / "next.csv")
    with sheet.open(encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    server = make_server(Study.open(study), reviewer="bo", queue_size=3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(server.url.replace("/?", "/queue?"))
        proposals = page.locator(".turn:not(.context) .chip")
        assert [(c.get_attribute("data-seg"), c.get_attribute("data-code"))
                for c in proposals.all()] == [(r["seg_id"], r["code_id"]) for r in expected]
        page.keyboard.press("j")
        for n in range(len(expected)):              # the keyboard alone: a, a, a, ...
            page.keyboard.press("a")
            playwright.expect(page.locator(".chip.accept")).to_have_count(n + 1)
    finally:
        server.shutdown()
        server.server_close()
    saved = decisions(study)
    assert all(saved[(r["seg_id"], r["code_id"])]["reviewer"] == "bo" for r in expected)
    assert len(saved) == 3 + len(expected)


def test_a_selection_codes_its_words_without_the_spaces_around_them(served, page):
    study, url = served
    page.goto(url.replace("/?", "/doc/south/visit?"))
    page.evaluate("""() => {
        const node = document.querySelector('.turn[data-seg="south/visit:t1"] .text').firstChild;
        const at = node.textContent.indexOf(" about ");
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 7);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    page.keyboard.press("c")
    playwright.expect(page.locator("#code-target")).to_contain_text("about")
    page.keyboard.type("connection")
    page.keyboard.press("Enter")
    playwright.expect(chip(page, "south/visit:t1", "connection")).to_have_count(1)
    row = decisions(study)[("south/visit:t1", "connection")]
    text = (study / "transcripts" / "south" / "visit.txt").read_text(encoding="utf-8")
    assert text[int(row["start"]):int(row["end"])] == "about"


def test_a_decision_that_cannot_be_saved_says_why_on_the_page(served, page):
    # the server answers a full disk or a folder in the history's place with the file and
    # its error, as JSON; the page must show that, not a bare status code, and keep the
    # code undecided
    study, url = served
    history = study / "decisions-history.csv"
    history.mkdir()
    page.goto(url)
    open_kickoff(page)
    first = chip(page, "north/kickoff:t2", "risk.housing")
    first.focus()
    playwright.expect(first).to_be_focused()
    page.keyboard.press("a")
    status = page.locator("#status")
    playwright.expect(status).to_have_text(
        f"Not saved: {history}: cannot write: Is a directory; no decision was recorded "
        "(decisions.csv is as it was)")
    playwright.expect(status).to_have_class("bad")
    playwright.expect(first).not_to_have_class("chip accept")
    assert not (study / "decisions.csv").exists()


def test_a_decision_on_a_code_taken_out_of_the_codebook_is_deleted_with_r(served, page):
    # its chip "not in the codebook" could not be decided, while the tables refuse the
    # row until it is gone
    study, url = served
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/closing:t2,connection,accept,rule,bo\n",
                                         encoding="utf-8")
    book = study / "codebook.yaml"
    text = book.read_text(encoding="utf-8")
    book.write_text(text[:text.index("  - id: connection")], encoding="utf-8")
    (study / "lessons.yaml").unlink()              # its lesson names the code too
    assert CliRunner().invoke(cli, ["code", str(study), "-q"]).exit_code == 0
    page.goto(url.replace("/?", "/doc/north/closing?"))
    gone = chip(page, "north/closing:t2", "connection")
    playwright.expect(gone.locator('[data-act="accept"]')).to_have_count(0)
    gone.focus()
    page.keyboard.press("r")
    playwright.expect(gone).to_have_count(0)
    playwright.expect(page.locator("#status")).to_have_text(
        "Deleted from decisions.csv: the decision on connection on north/closing:t2 (not in "
        "the codebook)")
    assert decisions(study) == {}
    result = CliRunner().invoke(cli, ["tables", str(study), "-q"])
    assert result.exit_code == 0, result.output
