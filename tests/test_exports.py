"""Exports (CSV, Parquet, Excel, SQLite), the HTML report and `dialogcode run`."""
import base64
import dataclasses
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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from dialogcode import Study
from dialogcode.analysis import study_evidence
from dialogcode.charts import code_heatmap, cooccurrence_heatmap, phase_lines, png_data_uri
from dialogcode.cli import cli
from dialogcode.report import SECTIONS, render_report
from dialogcode.wording import quoted
from dialogcode.workbook import write_workbook

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


def test_the_help_of_lessons_and_of_run_names_what_they_write(built):
    """`lessons --help` named out/tables/lessons*.csv, which matches none of
    lesson_quotes.csv and lesson_by_phase.csv; `run --help` left out its evaluate stage."""
    written = {path.name for path in (built[0] / "out" / "tables").glob("lesson*.csv")}
    assert written == {"lessons.csv", "lesson_quotes.csv", "lesson_by_phase.csv"}
    shown = " ".join(CliRunner().invoke(cli, ["lessons", "--help"]).output.split())
    assert [name for name in sorted(written) if name not in shown] == []
    shown = " ".join(CliRunner().invoke(cli, ["run", "--help"]).output.split())
    assert "code, evaluate (with `learn: reference`" in shown


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
    # the first thing said, before seconds of imports
    assert loud.stderr.startswith(f"run: {root} (loading the toolkit)\n")
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


def test_workbook_readme_names_the_codebook_versions_its_codings_carry(built):
    # a reader filtering the codings sheet by the README's codebook version must find
    # the rows: one hash over all codebooks matched none of them
    book = openpyxl.load_workbook(built[0] / "out" / "workbook.xlsx")
    readme = {row[0]: row[1] for row in book["README"].iter_rows(min_row=2, values_only=True)}
    sheet = book["codings"]
    header = [c.value for c in sheet[1]]
    carried = {row[header.index("codebook_version")]
               for row in sheet.iter_rows(min_row=2, values_only=True)}
    codebooks = {row["codebook"]: row["codebook_version"]
                 for row in pd.read_csv(built[0] / "out" / "codebook.csv").to_dict("records")}
    assert readme["codebook versions"] == "; ".join(f"{k} {v}" for k, v in codebooks.items())
    assert carried - {None} <= set(codebooks.values())


def test_workbook_sheets_styling_and_formula_neutralisation(built):
    book = openpyxl.load_workbook(built[0] / "out" / "workbook.xlsx")
    assert book.sheetnames[:3] == ["README", "codebook", "codebook_summary"]
    assert {"code_by_site", "cooccurrence", "exemplars", "lessons", "codings"} <= set(
        book.sheetnames)
    readme = {row[0]: row[1] for row in book["README"].iter_rows(min_row=2, values_only=True)}
    assert readme["study"] == "Evidence fixture" and "exemplars" in readme
    # the codings sheet holds the learned model's codings too, once there is a model
    assert "rule and learned-model codings" in readme["codings"]
    # the per-segment table stays out of the workbook; the README says where it is
    assert "coded_segments" not in book.sheetnames
    assert "tables/coded_segments.csv" in readme["coded_segments"]
    assert (built[0] / "out" / "tables" / "coded_segments.csv").is_file()
    sheet = book["codings"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].font.b and sheet.column_dimensions["A"].width > 10
    segments = pd.read_parquet(built[0] / "out" / "segments.parquet")
    hostile = segments[segments["text"].isin(HOSTILE)]
    path = write_workbook(built[0] / "hostile.xlsx", {"segments": hostile})
    sheet = openpyxl.load_workbook(path)["segments"]
    header = [c.value for c in sheet[1]]
    texts = {sheet.cell(r, header.index("text") + 1) for r in range(2, sheet.max_row + 1)}
    found = {c.value: c for c in texts if c.value in HOSTILE}
    assert set(found) == set(HOSTILE)          # read back as the plain text it was
    for cell in found.values():
        assert cell.data_type == "s" and cell.quotePrefix   # a string, never a formula


def test_workbook_formats_labels_and_print_setup(built):
    book = openpyxl.load_workbook(built[0] / "out" / "workbook.xlsx")
    readme = [row[0] for row in book["README"].iter_rows(min_row=2, values_only=True)]
    assert set(book.sheetnames) - {"README"} <= set(readme)    # a line per sheet

    def rows(name):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        return header, [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]

    header, by_site = rows("code_by_site")
    assert header[:2] == ["code_id", "label"]
    housing = next(r for r in by_site if r["code_id"].value == "risk.housing"
                   and r["site"].value == "North")
    assert housing["label"].value == "Housing"
    assert (housing["share"].value, housing["share"].number_format) == (0.4286, "0.0%")
    _, pairs = rows("cooccurrence")
    assert pairs[0]["label_a"].value and pairs[0]["jaccard"].number_format == "0.000"
    # a change of shares is in percentage points, as the report and `lessons` say it:
    # connection-grew's share went from 0% to 60%, +60.0 points, never "+60.0%" (read
    # as a relative change) nor "+0.6"
    _, lessons = rows("lessons")
    grew = next(r for r in lessons if r["lesson_id"].value == "connection-grew")
    table = pd.read_csv(built[0] / "out" / "tables" / "lessons.csv").set_index("lesson_id")
    assert table.at["connection-grew", "change"] == 0.6
    assert grew["change"].value == 60.0
    assert grew["change"].number_format == '+0.0" pts";-0.0" pts";0.0" pts"'
    assert "%" not in grew["change"].number_format
    header, codings = rows("codings")
    assert header[:8] == ["seg_id", "doc_id", "site", "event_type", "speaker", "role",
                          "code_id", "label"]
    first = codings[0]
    assert (first["site"].value, first["speaker"].value, first["role"].value) == (
        "North", "P1", "participant")
    for sheet in book.worksheets:   # each prints one page wide, its header on every page
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        tall = 1 if sheet.title == "README" else 0     # the README on one page
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, tall)


def test_workbook_rows_are_tall_enough_for_wrapped_quotes(tmp_path):
    quotes = pd.DataFrame({"code_id": ["a", "b", "c"],
                           "quote": ["Short.", "word " * 58, "line one\nline two\nthree"]})
    sheet = openpyxl.load_workbook(write_workbook(tmp_path / "q.xlsx",
                                                  {"exemplars": quotes}))["exemplars"]
    heights = [sheet.row_dimensions[r].height for r in (2, 3, 4)]
    assert heights[0] is None                  # one line: Excel's default
    assert heights[1] >= 5 * 15                # 290 characters in a 60-wide column
    assert heights[2] == 3 * 15


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
    # "Wrote 34 files to OUT" sent the reader to a folder holding only csv/ and parquet/
    files = len(list((tmp_path / "csv").glob("*.csv")))
    assert (f"Wrote {files} files to {tmp_path / 'csv'}, {files} files to "
            f"{tmp_path / 'parquet'}") in result.output


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


def test_report_shows_labels_and_honest_counts(built):
    html = (built[0] / "out" / "report.html").read_text(encoding="utf-8")
    # lessons by their title (else the id), codes and event types by their names
    assert '<h3>Neighbours drew closer <code class="id">connection-grew</code></h3>' in html
    assert "<h3>money-south</h3>" in html
    assert "P3, Site visit dialogue, South" in html and ", site_visit_dialogue," not in html
    assert "<td>Connection</td><td>Housing</td>" in html     # co-occurring pairs
    # counts beside shares, small numbers marked, plurals right
    assert "50.0% (2 of 4)" in html and "60.0% (3 of 5)" in html
    assert "small numbers</span>: Kick-off and Closing" in html
    assert "1 segment from 1 speaker in\n1 document, 1 event,\n1 site." in html
    assert "1 sites" not in html and "1 segments" not in html
    assert "Phases are inferred" not in html        # the manifest gives them


def test_report_opens_with_how_many_codes_not_to_rely_on(built):
    evidence = study_evidence(Study.open(built[0]))
    agreement = pd.DataFrame({
        "coder": "sam", "code_id": ["connection", "risk.housing", "risk.money",
                                    "(all codes)"],
        "units": 12, "percent_agreement": 0.9, "krippendorff_alpha": [0.5, 0.3, None, 0.6],
        "verdict": ["do not rely", "do not rely", "too few units", "do not rely"],
        "precision": 0.5, "recall": 0.5, "f1": 0.5})
    html = render_report("T", evidence.documents, evidence.segments, evidence.codings,
                         evidence.book, {**evidence.tables, "agreement": agreement},
                         lessons=evidence.lessons)
    words = " ".join(html.split())
    assert ('<p class="flag">Against coder \'sam\', 2 of 2 codes with a verdict are "do not '
            'rely"') in words.replace("&#39;", "'").replace("&#34;", '"')
    assert "<td>Housing</td>" in words          # the agreement table names codes by label
    # with the learned model's codings counted, the line must not read as a verdict on them
    modelled = evidence.codings.assign(source="model")
    words = " ".join(render_report("T", evidence.documents, evidence.segments, modelled,
                                   evidence.book, {**evidence.tables, "agreement": agreement},
                                   lessons=evidence.lessons).split()).replace("&#39;", "'")
    assert ("For the rules alone (the learned model's codings left out), against coder "
            "'sam', 2 of 2 codes with a verdict are \"do not rely\" (Krippendorff's alpha "
            "below 0.667): a verdict on the rules' patterns, not on the counts below, which "
            "include the learned model's codings") in words.replace("&#34;", '"')
    assert '<p class="flag">For the rules alone' not in words


def test_the_trust_box_without_an_evaluation_is_not_contradicted_by_a_coders_agreement(built):
    # "This coding has not been checked against a person's coding." stood above
    # "Against sam's coding, 2 of 2 codes with a verdict are 'do not rely'"
    evidence = study_evidence(Study.open(built[0]))
    agreement = pd.DataFrame({"coder": "sam", "code_id": ["connection", "(all codes)"],
                              "units": 12, "percent_agreement": 0.9,
                              "krippendorff_alpha": [0.5, 0.5], "verdict": "do not rely",
                              "precision": 0.5, "recall": 0.5, "f1": 0.5})
    words = " ".join(render_report("T", evidence.documents, evidence.segments,
                                   evidence.codings, evidence.book,
                                   {**evidence.tables, "agreement": agreement},
                                   lessons=evidence.lessons).split()).replace("&#39;", "'")
    assert "Against coder 'sam', 1 of 1 code with a verdict is" in words
    assert "has not been checked against a person's coding. " not in words
    assert ("This coding has not been checked against a person's coding in "
            "cross-validation.") in words


def test_the_trust_box_says_what_its_list_is_about_before_the_rules_alone(built):
    # "2 of 2 ... do not rely" for the rules alone sat just above a list of good codes
    # (of the rules and the model together), which read as if the list contradicted it
    evidence = study_evidence(Study.open(built[0]))
    agreement = pd.DataFrame({
        "coder": "sam", "code_id": ["connection", "risk.housing", "(all codes)"],
        "units": 12, "percent_agreement": 0.9, "krippendorff_alpha": [0.5, 0.3, 0.6],
        "verdict": ["do not rely", "do not rely", "do not rely"],
        "precision": 0.5, "recall": 0.5, "f1": 0.5})
    trust = {"paragraph": "Checked.", "levels": {"good": ["Connection", "Housing"]},
             "stale": "", "commands": [], "reference": "sam"}
    box = " ".join(render_report(
        "T", evidence.documents, evidence.segments, evidence.codings.assign(source="model"),
        evidence.book, {**evidence.tables, "agreement": agreement}, trust,
        lessons=evidence.lessons).split()).replace("&#39;", "'")
    box = box[box.index('<div class="trust"'):box.index("</div>")]
    about = box.index("Code by code, the codings as made, by the rules and the learned model "
                      "together, against coder 'sam' in the same cross-validation (good: "
                      "Krippendorff's alpha at least 0.667; fair: at least 0.4; too few "
                      "to tell: the coder gave it fewer than 5 times, or a good or fair "
                      "alpha rests on a precision too few to say, its 95% Wilson interval "
                      "wider than 0.4):")
    listed = box.index("<strong>good</strong>: Connection; Housing")
    alone = box.index("That list is of the rules and the learned model together. For the "
                      "rules alone (the learned model's codings left out), against coder "
                      "'sam', 2 of 2 codes")
    assert about < listed < alone
    # by the rules alone, the list and the line are about the same codings
    rules = " ".join(render_report(
        "T", evidence.documents, evidence.segments, evidence.codings, evidence.book,
        {**evidence.tables, "agreement": agreement}, trust,
        lessons=evidence.lessons).split()).replace("&#39;", "'")
    assert ("Code by code, the rules' codings, against coder 'sam' in the same "
            "cross-validation") in rules
    assert rules.index("<strong>good</strong>") < rules.index(
        '<p class="flag">Against coder \'sam\', 2 of 2 codes')
    assert "That list is" not in rules


@pytest.mark.parametrize("quote, shown", [("Plain words.", "“Plain words.”"),
                                          ('"Already quoted."', '"Already quoted."'),
                                          ("“Curly too.”", "“Curly too.”")])
def test_report_quotes_never_double_their_quote_marks(quote, shown):
    assert quoted(quote) == shown


def test_report_marks_inferred_phases_and_takes_the_minimum_from_the_config(built,
                                                                             tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    manifest = pd.read_csv(root / "manifest.csv").drop(columns="phase")
    manifest.to_csv(root / "manifest.csv", index=False)
    with (root / "dialogcode.yaml").open("a", encoding="utf-8") as config:
        config.write("\nmin_segments: 4\n")
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    html = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert "Phases are inferred" in html
    # kick-off has 4 segments, closing 5: no phase is small numbers; the lesson on P1's
    # words counts P1's 2 segments at kick-off and 2 at closing, which are
    assert "small numbers</span>:" not in html
    lessons = html[html.index('<section id="lessons">'):]
    assert lessons.count("small numbers") == 1
    assert "small numbers" in lessons[lessons.index('id="lesson-leads-on-risk"'):]


@pytest.mark.parametrize("name", ["r.html", "r.htm"])
def test_report_command_writes_where_asked(built, tmp_path, name):
    target = tmp_path / name
    result = CliRunner().invoke(cli, ["report", str(built[0]), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


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
    page = _Page()
    page.feed(html)       # empty sections stay out of the contents
    assert "#lessons" not in page.links and "#agreement" not in page.links
    assert {"#overview", "#codes", "#codebook"} <= set(page.links)
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


def test_heatmaps_name_codes_by_label_and_groups_by_display_name():
    table = pd.DataFrame({"code_id": ["risk.money", "risk.money"], "parent_id": "risk",
                          "codable": True, "label": "Money worries",
                          "event_type": ["coaching_call", "site_visit_dialogue"],
                          "share": [0.5, 0.25], "segments": [2, 1]})
    axes = code_heatmap(table, "event_type").axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Money worries"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Coaching call",
                                                              "Site visit dialogue"]


# a flat imported codebook: 40 top-level codes, long ids and labels, one site and phase
LONG_CODES = [f"imported_dictionary.category_number_{n}_with_a_long_name" for n in range(40)]
MANY_CODES = pd.DataFrame({"code_id": LONG_CODES, "parent_id": None, "codable": True,
                           "label": [f"{c.replace('_', ' ')} (from the LIWC dictionary)"
                                     for c in LONG_CODES],
                           "site": "North", "phase": "kickoff", "share": 0.1,
                           "segments": 3})
ONE_SITE = pd.DataFrame({"code_id": ["risk", "risk.money"], "parent_id": [None, "risk"],
                         "codable": True, "label": ["Risks", "Money"], "site": "North",
                         "phase": "kickoff", "share": 0.5, "segments": 2})


def _drawn_texts(figure):
    """The figure's visible texts, leaving out tick labels outside the axis limits
    (matplotlib keeps those but never draws them)."""
    hidden = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick, where in zip(axis.get_major_ticks(), axis.get_majorticklocs()):
                if not low - 1e-9 <= where <= high + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return [text for text in figure.findobj(Text) if text.get_visible()
            and text.get_text().strip() and id(text) not in hidden]


@pytest.mark.parametrize("draw", [
    lambda: code_heatmap(ONE_SITE, "site"), lambda: code_heatmap(ONE_SITE, "phase"),
    lambda: phase_lines(ONE_SITE), lambda: code_heatmap(MANY_CODES, "site"),
    lambda: phase_lines(MANY_CODES),
    lambda: cooccurrence_heatmap(pd.DataFrame(
        [{"code_a": a, "code_b": b, "jaccard": 0.1, "both": 1, "segments_a": 3,
          "segments_b": 3} for a in LONG_CODES[:25] for b in LONG_CODES[:25] if a != b]),
        labels=dict(zip(MANY_CODES["code_id"], MANY_CODES["label"])))],
    ids=["one site", "one site by phase", "one site lines", "many codes",
         "many codes lines", "many codes co-occurrence"])
def test_every_text_of_a_chart_lies_inside_the_figure(draw):
    figure = draw()
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    inside = figure.bbox.padded(1)          # a pixel of rounding
    texts = _drawn_texts(figure)
    assert any(text.get_text().startswith(("Share of", "Change", "Co-occurrence"))
               for text in texts)           # the title is among them
    for text in texts:
        extent = text.get_window_extent(renderer)
        assert (extent.x0 >= inside.x0 and extent.y0 >= inside.y0
                and extent.x1 <= inside.x1 and extent.y1 <= inside.y1), text.get_text()


def test_charts_show_the_codes_used_most_and_say_how_many_more_there_are():
    table = pd.concat([MANY_CODES, MANY_CODES.assign(
        code_id=MANY_CODES["code_id"] + "_b", label=MANY_CODES["label"] + " b",
        segments=1)], ignore_index=True)
    table.loc[0, "segments"] = 0           # the first code is used least of all
    heatmap = code_heatmap(table, "site")
    rows = [t.get_text() for t in heatmap.axes[0].get_yticklabels()]
    assert len(rows) == 40 and table.loc[0, "label"] not in rows
    assert heatmap.get_suptitle().replace("\n", " ").endswith(
        "the 40 codes used most, 40 more in the workbook")
    lines = phase_lines(table)
    assert len(lines.axes[0].get_legend().get_texts()) == 12
    assert "68 more in the workbook" in lines.get_suptitle().replace("\n", " ")


def test_charts_of_many_codes_with_long_names_draw_without_warnings():
    table = MANY_CODES
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # matplotlib warns when labels crowd out the axes
        for figure in (code_heatmap(table, "phase"), phase_lines(table)):
            assert png_data_uri(figure).startswith("data:image/png;base64,")


def test_charts_of_no_codings_draw_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # an empty image makes matplotlib warn of singular limits
        figure = code_heatmap(ONE_SITE.iloc[0:0], "site")
        assert png_data_uri(figure).startswith("data:image/png;base64,")
        assert png_data_uri(phase_lines(ONE_SITE.iloc[0:0])).startswith("data:image/png")
    assert [t.get_text() for t in figure.axes[0].texts] == ["Nothing coded yet"]


def test_the_reports_tables_tell_apart_codes_that_share_a_label(built):
    # two codes labelled "Housing" both read "Housing" in the agreement table (and in
    # the co-occurrence pairs and lesson evidence), which name codes by label alone
    evidence = study_evidence(Study.open(built[0]))
    book = evidence.book
    book.codes["connection"] = dataclasses.replace(book.codes["connection"], label="Housing")
    agreement = pd.DataFrame({
        "coder": "sam", "code_id": ["risk.housing", "connection", "(all codes)"],
        "units": 12, "percent_agreement": 0.9, "krippendorff_alpha": 0.5,
        "verdict": "do not rely", "precision": 0.5, "recall": 0.5, "f1": 0.5})
    words = " ".join(render_report("T", evidence.documents, evidence.segments,
                                   evidence.codings, book,
                                   {**evidence.tables, "agreement": agreement},
                                   lessons=evidence.lessons).split())
    assert "<td>Housing (Risks)</td>" in words
    assert "<td>Housing (connection)</td>" in words
    assert "<td>Housing</td>" not in words
