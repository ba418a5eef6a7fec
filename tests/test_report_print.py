"""The sample report printed to PDF by headless Chromium, as a report writer would print
it on A4 or Letter: page 1 opens with the validity box, contents and overview; no chart
is split across pages; no page is left nearly empty; the appendix reads across the page.
Skipped where Chromium is not installed (.ci/run installs it)."""
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest

from dialogcode import Study, ingest
from dialogcode.analysis import study_evidence
from dialogcode.browser import PAPERS, chromium, print_pdf
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.report import render_study_report, write_report

SAMPLE = Path(__file__).parent.parent / "corpora" / "sample-study"
pytestmark = pytest.mark.skipif(chromium() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The sample study's report, built in a copy (ingest, rule coding, tables)."""
    root = tmp_path_factory.mktemp("print") / "sample-study"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("out"))
    config = root / "dialogcode.yaml"
    codebooks = (SAMPLE.parent.parent / "codebooks").resolve()
    config.write_text(config.read_text(encoding="utf-8").replace(
        "../../codebooks/*.yaml", f"{codebooks}/*.yaml"), encoding="utf-8")
    study = Study.open(root)
    corpus = ingest(study)
    codings = code_corpus(corpus.segments, corpus.documents,
                          load_codebooks(study.codebook_files()))
    html = render_study_report(study_evidence(study, corpus=corpus, codings=codings),
                               study.config.title)
    return write_report(root / "report.html", html)


@pytest.fixture(scope="module", params=PAPERS)
def printed(request, report):
    """(pages' text, pages, page width and height, charts in the HTML) on one paper."""
    pdf = print_pdf(report, report.with_name(f"report-{request.param}.pdf"), request.param)
    charts = len(re.findall(r'<img src="data:image/png', report.read_text(encoding="utf-8")))
    with pdfplumber.open(pdf) as document:
        pages = [{"text": page.extract_text() or "", "height": page.height,
                  "width": page.width, "images": page.images,
                  "bottom": max([w["bottom"] for w in page.extract_words()]
                                + [i["bottom"] for i in page.images], default=0)}
                 for page in document.pages]
    return request.param, pages, charts


def test_page_one_holds_the_validity_box_contents_and_overview(printed):
    _, pages, _ = printed
    first = " ".join(pages[0]["text"].split())
    assert "How far to trust these codes." in first
    for entry in ("1. Study overview", "Codes by site", "Appendix: codebook"):
        assert entry in first                       # the contents
    assert "Study overview" in first and re.search(r"\d+ documents \([\d,]+ words\)", first)
    assert "Codebooks:" in first                    # the overview's last line


def test_the_report_prints_in_a_reasonable_number_of_pages(printed):
    paper, pages, _ = printed
    assert 5 <= len(pages) <= 40, (paper, len(pages))   # 43 before the print stylesheet


def test_no_page_is_left_nearly_empty(printed):
    paper, pages, _ = printed
    for number, page in enumerate(pages[:-1], 1):       # the last page ends where it ends
        assert page["bottom"] > 0.45 * page["height"], (paper, number, page["text"][:80])


def test_each_chart_lies_wholly_on_one_page(printed):
    paper, pages, charts = printed
    placed = [(number, image) for number, page in enumerate(pages, 1)
              for image in page["images"]]
    assert len(placed) == charts >= 3          # a chart split in two would show twice
    for number, image in placed:
        page = pages[number - 1]
        assert image["top"] >= 0 and image["bottom"] <= page["height"], (paper, number)
        assert image["x0"] >= 0 and image["x1"] <= page["width"], (paper, number)


def test_the_appendix_reads_across_the_page(printed):
    _, pages, _ = printed
    start = next(n for n, page in enumerate(pages) if "Appendix: codebook" in page["text"]
                 and n > 0)
    lines = [line for page in pages[start:] for line in page["text"].splitlines()]
    words = sorted(len(line.split()) for line in lines)
    assert len(lines) > 100 and words[len(words) // 2] >= 8   # not a 90-pixel column
