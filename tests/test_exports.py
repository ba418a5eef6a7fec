"""Exports (CSV, Parquet, Excel, SQLite), the HTML report and `dialogcode run`."""
import base64
import csv
import shutil
import sqlite3
import warnings
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.charts import code_heatmap, phase_lines, png_data_uri
from dialogcode.cli import cli
from dialogcode.report import SECTIONS

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
HOSTILE = ['=HYPERLINK("http://example.invalid","click")', "+1", "@SUM(A1)", "- yeah"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The evidence fixture plus a transcript whose turns look like formulas, run once."""
    root = tmp_path_factory.mktemp("run") / "study"
    shutil.copytree(FIXTURE, root)
    (root / "transcripts" / "south" / "hostile.txt").write_text(
        "".join(f"P{n}: {text}\n\n" for n, text in enumerate(HOSTILE, 1)), encoding="utf-8")
    with (root / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("south/hostile.txt,South,site_visit_dialogue,2019-05-06,Hostile,"
                       "mid-year\n")
    # the hostile cells hold a URL and a handle, which the privacy gate would mask; this
    # fixture is about formulas, so its never: list spares them (docs/privacy.md)
    (root / "privacy.yaml").write_text("never: [example.invalid, '@SUM']\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(root)])
    assert result.exit_code == 0, result.output
    return root, result.output


def test_run_builds_everything_and_says_where(built):
    root, output = built
    out = root / "out"
    for name in ("report.html", "workbook.xlsx", "study.sqlite", "tables/code_by_site.csv",
                 "tables/exemplars.parquet", "tables/lessons.csv", "codings.parquet"):
        assert (out / name).is_file(), name
    assert f"Report:   {out / 'report.html'}" in output
    assert f"Workbook: {out / 'workbook.xlsx'}" in output


def test_run_skips_stages_whose_inputs_did_not_change(built, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    runner = CliRunner()
    again = runner.invoke(cli, ["run", str(root)])
    assert again.exit_code == 0
    for stage in ("ingest", "code", "evidence"):
        assert f"{stage}: up to date, skipped" in again.output
    # a lessons edit re-runs only the evidence stage
    lessons = root / "lessons.yaml"
    lessons.write_text(lessons.read_text().replace("Connection grew", "Ties grew"))
    edited = runner.invoke(cli, ["run", str(root), "-q"])
    assert "ingest: up to date" in edited.output and "code: up to date" in edited.output
    assert "evidence: up to date" not in edited.output
    assert "Ties grew" in pd.read_csv(root / "out" / "tables" / "lessons.csv")["statement"][0]
    # a deleted output is rebuilt; --force re-runs everything
    (root / "out" / "report.html").unlink()
    assert "evidence: up to date" not in runner.invoke(cli, ["run", str(root)]).output
    assert (root / "out" / "report.html").is_file()
    forced = runner.invoke(cli, ["run", str(root), "--force", "-q"])
    assert "up to date" not in forced.output


def test_run_shows_each_step_on_stderr_and_quiet_silences_it(built, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    loud = CliRunner().invoke(cli, ["run", str(root), "--force"])
    assert loud.exit_code == 0, loud.output
    for bar, step in [("ingest:", ""), ("code:", ""), ("tables:", "exemplar quotes"),
                      ("export:", "xlsx"), ("report:", "site")]:
        assert bar in loud.stderr and step in loud.stderr
    assert "Report:" not in loud.stderr            # the summary stays on stdout
    quiet = CliRunner().invoke(cli, ["run", str(root), "--force", "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


@pytest.mark.parametrize("command, bar", [("export", "export:"), ("report", "report:")])
def test_export_and_report_show_progress_unless_quiet(built, tmp_path, command, bar):
    target = ["-o", str(tmp_path / ("out" if command == "export" else "r.html"))]
    loud = CliRunner().invoke(cli, [command, str(built[0]), *target])
    assert loud.exit_code == 0 and "tables:" in loud.stderr and bar in loud.stderr
    quiet = CliRunner().invoke(cli, [command, str(built[0]), *target, "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_workbook_sheets_styling_and_formula_neutralisation(built):
    book = openpyxl.load_workbook(built[0] / "out" / "workbook.xlsx")
    assert book.sheetnames[:3] == ["README", "codebook", "codebook_summary"]
    assert {"code_by_site", "cooccurrence", "exemplars", "lessons", "coded_segments",
            "codings"} <= set(book.sheetnames)
    readme = {row[0]: row[1] for row in book["README"].iter_rows(min_row=2, values_only=True)}
    assert readme["study"] == "Evidence fixture" and "exemplars" in readme
    sheet = book["coded_segments"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].font.b and sheet.column_dimensions["A"].width > 10
    texts = {sheet.cell(r, header.index("text") + 1) for r in range(2, sheet.max_row + 1)}
    hostile = {c.value: c for c in texts if c.value in HOSTILE}
    assert set(hostile) == set(HOSTILE)        # read back as the plain text it was
    for cell in hostile.values():
        assert cell.data_type == "s" and cell.quotePrefix   # a string, never a formula


def test_csv_export_neutralises_formulas_and_parquet_keeps_text(built, tmp_path):
    result = CliRunner().invoke(cli, ["export", str(built[0]), "--to", "csv", "--to",
                                      "parquet", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with (tmp_path / "csv" / "segments.csv").open(encoding="utf-8") as handle:
        texts = {row["text"] for row in csv.DictReader(handle)}
    assert {"'" + text for text in HOSTILE} <= texts
    segments = pd.read_parquet(tmp_path / "parquet" / "segments.parquet")
    assert set(HOSTILE) <= set(segments["text"])
    assert (tmp_path / "csv" / "code_by_site.csv").is_file()
    assert "text" not in pd.read_csv(tmp_path / "csv" / "documents.csv").columns


def test_sqlite_has_core_tables_with_foreign_keys(built):
    connection = sqlite3.connect(built[0] / "out" / "study.sqlite")
    keys = {(table, row[3], row[2]) for table in ("segments", "codings", "codebook")
            for row in connection.execute(f"PRAGMA foreign_key_list({table})")}
    assert ("segments", "doc_id", "documents") in keys
    assert {("codings", "seg_id", "segments"), ("codings", "code_id", "codebook"),
            ("codebook", "parent_id", "codebook")} <= keys
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    count = connection.execute(
        "SELECT count(*) FROM codings JOIN segments USING (seg_id) "
        "JOIN documents ON documents.doc_id = segments.doc_id "
        "WHERE documents.site = 'North' AND codings.code_id = 'risk.housing'").fetchone()
    assert count == (4,)    # kickoff t2 twice, kickoff t3, closing t3
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    assert {"code_by_site", "lessons", "exemplars"} <= tables
    connection.close()


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.images, self.links, self.stylesheets = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "img":
            self.images.append(attrs["src"])
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag in ("link", "script"):
            self.stylesheets.append(attrs)


def test_report_is_self_contained_with_every_section(built):
    html = (built[0] / "out" / "report.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert set(SECTIONS) <= page.ids
    assert len(page.images) == 4        # site heatmap, phase lines, phase heatmap, co-occurrence
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG")
    assert page.stylesheets == [] and all(link.startswith("#") for link in page.links)
    assert "http://" not in html.replace("http://example.invalid", "")
    assert "https://" not in html
    # quotes and lessons made it in, escaped
    assert "Neighbours check on each other now." in html
    assert "thin: 1 site" in html and "Connection grew over the year." in html


def test_report_command_writes_where_asked(built, tmp_path):
    target = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(built[0]), "-o", str(target)])
    assert result.exit_code == 0 and target.is_file()


def test_tables_before_coding_says_what_to_run(tmp_path):
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    result = CliRunner().invoke(cli, ["tables", str(root)])
    assert result.exit_code == 1 and "dialogcode ingest" in result.output


def test_a_study_without_lessons_or_codings_in_common_still_reports(tmp_path):
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "lessons.yaml").unlink()
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    html = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert "This study has no lessons.yaml yet" in html
    assert "No human codings in" in html
    assert not (root / "out" / "tables" / "lessons.csv").exists()
    assert "lessons" not in openpyxl.load_workbook(root / "out" / "workbook.xlsx").sheetnames


@pytest.mark.parametrize("terms", ["[zzzz]", "[rent]"], ids=["no codings", "no pairs"])
def test_small_studies_build_everything(tmp_path, terms):
    """A codebook that codes nothing, or codes that never share a segment (so no
    co-occurrence and lessons without evidence), still gives every table and report."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    book = root / "codebook.yaml"
    text = book.read_text().replace("terms: [rent, evicted]", f"terms: {terms}")
    book.write_text(text.replace("terms: [wages, debt]", "terms: [zzzy]")
                    .replace("terms: [neighbours, together]", "terms: [zzzx]"))
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    lessons = pd.read_csv(root / "out" / "tables" / "lessons.csv").set_index("lesson_id")
    assert lessons.loc["connection-grew", "flag"] == "no evidence"
    page = _Page()
    page.feed((root / "out" / "report.html").read_text(encoding="utf-8"))
    assert set(SECTIONS) <= page.ids
    assert pd.read_csv(root / "out" / "tables" / "cooccurrence.csv").empty


def test_run_redoes_a_stage_whose_outputs_another_command_rewrote(built, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "--unit", "sentence", "-q"]).exit_code == 0
    result = runner.invoke(cli, ["run", str(root), "-q"])
    assert "ingest: up to date" not in result.output
    assert set(pd.read_parquet(root / "out" / "segments.parquet")["unit"]) == {"turn"}


def test_tables_refuse_codings_of_another_codebook_version(built, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    book = root / "codebook.yaml"
    book.write_text(book.read_text().replace("label: Money", "label: Money matters"))
    result = CliRunner().invoke(cli, ["tables", str(root)])
    assert result.exit_code == 1 and "run `dialogcode code`" in result.output


def test_the_workbook_is_byte_identical_for_the_same_tables(built, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        result = CliRunner().invoke(cli, ["export", str(built[0]), "--to", "xlsx", "-o",
                                          str(folder)])
        assert result.exit_code == 0, result.output
    assert (first / "workbook.xlsx").read_bytes() == (second / "workbook.xlsx").read_bytes()
    # no clock time is written, so the files also match across seconds and days
    with zipfile.ZipFile(first / "workbook.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2
    assert openpyxl.load_workbook(first / "workbook.xlsx")["README"]["A1"].value == "sheet"


def test_charts_of_many_codes_with_long_names_draw_without_warnings():
    # a flat imported codebook: 40 top-level codes, long ids and labels, one phase
    codes = [f"imported_dictionary.category_number_{n}_with_a_long_name" for n in range(40)]
    table = pd.DataFrame({"code_id": codes, "parent_id": None, "codable": True,
                          "label": [f"{c.replace('_', ' ')} (from the LIWC dictionary)"
                                    for c in codes],
                          "phase": "kickoff", "share": 0.1, "segments": 3})
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # matplotlib warns when labels crowd out the axes
        for figure in (code_heatmap(table, "phase"), phase_lines(table)):
            assert png_data_uri(figure).startswith("data:image/png;base64,")
