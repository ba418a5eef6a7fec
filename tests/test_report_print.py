"""The sample study printed: its report to PDF by headless Chromium, as a report writer
would print it on A4 or Letter (page 1 opens with the validity box, contents and
overview; no chart is split across pages; no page is left nearly empty; the appendix
reads across the page), skipped where Chromium is not installed (.ci/run installs it);
and its workbook, by the page count Excel's fit-to-width would give."""
import math
import re
import shutil
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from matplotlib.figure import Figure
from openpyxl.utils import get_column_letter

from dialogcode import Study, ingest
from dialogcode.analysis import study_evidence
from dialogcode.browser import PAPERS, chromium, print_pdf
from dialogcode.charts import png_data_uri
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.export import export
from dialogcode.report import render_report, render_study_report, write_report

SAMPLE = Path(__file__).parent.parent / "corpora" / "sample-study"
needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample study's evidence, built in a copy (ingest, rule coding, tables)."""
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
    return study, study_evidence(study, corpus=corpus, codings=codings)


def _pages(pdf: Path) -> list[dict]:
    """Each page's text, size, images and lowest ink (points from the top)."""
    with pdfplumber.open(pdf) as document:
        return [{"text": page.extract_text() or "", "height": page.height,
                 "width": page.width, "images": page.images,
                 "bottom": max([w["bottom"] for w in page.extract_words()]
                               + [i["bottom"] for i in page.images], default=0)}
                for page in document.pages]


@pytest.fixture(scope="module", params=PAPERS)
def printed(request, sample):
    """(paper, pages, charts in the HTML) of the report printed on one paper."""
    if chromium() is None:
        pytest.skip("chromium is not installed")
    study, evidence = sample
    report = write_report(study.root / "report.html",
                          render_study_report(evidence, study.config.title))
    pdf = print_pdf(report, report.with_name(f"report-{request.param}.pdf"), request.param)
    charts = len(re.findall(r'<img src="data:image/png', report.read_text(encoding="utf-8")))
    return request.param, _pages(pdf), charts


@needs_chromium
def test_a_chart_taller_than_the_space_left_would_show_on_two_pages(tmp_path):
    """What the chart check below looks for: Chromium moves an image that does not fit
    the rest of a page to the next, but one taller than a page (as the phase heatmap
    of 40 codes was) it cuts in two, and pdfplumber then finds it on both pages."""
    image = png_data_uri(Figure(figsize=(1, 4)))
    html = tmp_path / "tall.html"
    html.write_text(f'<p>Text</p><img src="{image}" style="width: 2in; height: 12in">',
                    encoding="utf-8")
    pages = _pages(print_pdf(html, tmp_path / "tall.pdf"))
    shown = [page for page in pages if page["images"]]
    assert len(shown) == 2 and sum(len(page["images"]) for page in pages) == 2
    assert shown[0]["images"][0]["bottom"] > shown[0]["height"]     # cut at the page end


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


def _printed_pages(sheet) -> int:
    """Pages Excel prints ``sheet`` on, on Letter: its page setup's orientation and
    margins, fit to ``fitToWidth`` pages wide (Excel scales down to 10% at most),
    column widths at 7 pixels a character plus 5 (Calibri 11), default rows 15 points."""
    setup, margins = sheet.page_setup, sheet.page_margins
    wide, tall = (11.0, 8.5) if setup.orientation == "landscape" else (8.5, 11.0)
    width = (wide - margins.left - margins.right) * 72
    height = (tall - margins.top - margins.bottom) * 72
    columns = sum((sheet.column_dimensions[get_column_letter(c)].width or 8.43) * 7 + 5
                  for c in range(1, sheet.max_column + 1)) * 0.75
    rows = sum(sheet.row_dimensions[r].height or 15 for r in range(1, sheet.max_row + 1))
    scale = 1.0
    if sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth:
        scale = min(1.0, setup.fitToWidth * width / columns)
        if setup.fitToHeight:
            scale = min(scale, setup.fitToHeight * height / rows)
        scale = max(0.1, scale)
    return math.ceil(rows * scale / height) * math.ceil(columns * scale / width)


def test_the_workbook_prints_in_a_reasonable_number_of_pages(sample, tmp_path):
    study, evidence = sample
    path, = export(evidence, tmp_path, ("xlsx",), title=study.config.title)
    pages = {sheet.title: _printed_pages(sheet)
             for sheet in openpyxl.load_workbook(path).worksheets}
    assert sum(pages.values()) <= 150, pages           # 1,127 before its page setup
    assert pages["README"] == 1 and pages["codebook"] <= 5, pages


def test_the_opening_box_names_at_most_fifteen_codes_a_level(sample):
    """So that page 1 keeps its overview with an imported codebook of 190 codes."""
    study, evidence = sample
    names = [f"Imported category {n}" for n in range(190)]
    trust = {"paragraph": "Checked.", "levels": {"low": names, "good": names[:2]},
             "stale": ""}
    html = " ".join(render_report("T", evidence.documents, evidence.segments,
                                  evidence.codings, evidence.book, evidence.tables,
                                  trust, lessons=evidence.lessons).split())
    assert "Imported category 14; and 175 more codes" in html
    assert "Imported category 15;" not in html
    assert "<strong>good</strong>: Imported category 0; Imported category 1</li>" in html
