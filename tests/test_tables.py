"""Analysis tables, exemplar quotes and lessons on a study small enough to count by hand.

tests/data/evidence-study has 12 turns in 4 documents (North: kick-off 4 turns with one
backchannel, closing 3; South: site visit 3, closing 2). The rules code:

    north/kickoff:t2  P1  risk.housing x2 (rent, evicted)
    north/kickoff:t3  P2  risk.housing (rent), risk.money (Wages)
    north/closing:t2  P1  connection (Neighbours)
    north/closing:t3  P2  connection (together), risk.housing (rent)
    south/visit:t2    P1  risk.money x2 (Debt, Wages)
    south/visit:t3    P3  connection (neighbours), risk.housing (evicted)
    south/closing:t1  P1  connection (together)
"""
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.analysis import study_evidence
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coding import code_corpus
from dialogcode.export import readme_sheet, workbook_sheets
from dialogcode.ingest import ingest
from dialogcode.lessons import LessonsError, assemble, load_lessons
from dialogcode.quotes import exemplar_quotes
from dialogcode.report import render_report, render_study_report
from dialogcode.roles import speaker_roles
from dialogcode.tables import (code_by, codebook_summary, coded_segments, cooccurrence,
                               cooccurrence_matrix, document_phases)
from dialogcode.workbook import write_workbook

FIXTURE = Path(__file__).parent / "data" / "evidence-study"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence") / "study"
    shutil.copytree(FIXTURE, root)
    study = Study.open(root)
    corpus = ingest(study)
    book = load_codebooks(study.codebook_files())
    codings = code_corpus(corpus.segments, corpus.documents, book)
    return study_evidence(study, corpus=corpus, codings=codings)


def coded_copy(tmp_path: Path) -> tuple[Path, CliRunner]:
    """A copy of the evidence study, ingested and coded, and a runner for more commands."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    assert runner.invoke(cli, ["code", str(root), "-q"]).exit_code == 0
    return root, runner

def tables_after_coding(root: Path):
    """`dialogcode tables` on the study ``root`` once ingested and coded: its result."""
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    assert runner.invoke(cli, ["code", str(root), "-q"]).exit_code == 0
    return runner.invoke(cli, ["tables", str(root), "-q"])


def with_a_title_line(tmp_path: Path):
    """A copy of the evidence study whose north kick-off opens with a title line (a
    preamble, never coded), ingested: (study, corpus, codebook)."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("North kick-off on rent and wages, January 2019\n\n"
                       + kickoff.read_text(encoding="utf-8"), encoding="utf-8")
    study = Study.open(root)
    return study, ingest(study), load_codebooks(study.codebook_files())

def row(table, **where):
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    assert mask.sum() == 1, where
    return table[mask].iloc[0]


def test_code_by_site_counts_segments_documents_speakers_and_share(evidence):
    table = code_by(evidence.codings, evidence.segments, evidence.documents, evidence.book)
    # North has 7 segments; housing in kickoff t2, t3 and closing t3: 3 segments,
    # 2 documents, 3 speakers (P1 and P2 of the kick-off are not P2 of the closing)
    housing = row(table, code_id="risk.housing", site="North")
    assert (housing.segments, housing.documents, housing.speakers) == (3, 2, 3)
    assert (housing.group_segments, housing.share) == (7, round(3 / 7, 4))
    assert row(table, code_id="risk.housing", site="South").share == 0.2  # 1 of 5
    # the category rolls up its sub-codes; kickoff t3 has both and counts once
    north = row(table, code_id="risk", site="North")
    assert (north.segments, north.documents, north.speakers) == (3, 2, 3)
    south = row(table, code_id="risk", site="South")
    assert (south.segments, south.share) == (2, 0.4)    # visit t2 (money), t3 (housing)
    assert len(table) == 4 * 2                        # every code x site, zeros kept


def test_code_by_phase_follows_the_year(evidence):
    table = code_by(evidence.codings, evidence.segments, evidence.documents, evidence.book,
                    "phase")
    housing = table[table["code_id"] == "risk.housing"]
    assert housing["phase"].tolist() == ["kickoff", "mid-year", "closing"]
    # kickoff 2 of 4 segments, mid-year 1 of 3, closing 1 of 5
    assert housing["share"].tolist() == [0.5, round(1 / 3, 4), 0.2]
    with pytest.raises(ValueError):
        code_by(evidence.codings, evidence.segments, evidence.documents, evidence.book,
                "speaker")


def test_phases_come_from_event_types_and_dates_without_a_phase_column():
    documents = pd.DataFrame({
        "event_type": ["kickoff_convening", "coaching_call", "coaching_call",
                       "coaching_call", "closing_convening", "notes"],
        "date": ["2019-01-01", "2019-02-01", "2019-06-01", "2019-12-01", "2019-12-15", ""]})
    # the calls between the kick-off and the closing convening are mid-year, however
    # near either (thirds of the year put the first at kick-off and the last at closing)
    assert document_phases(documents).tolist()[:5] == ["kickoff", "mid-year", "mid-year",
                                                       "mid-year", "closing"]
    assert pd.isna(document_phases(documents).iloc[5])
    # without both events, thirds of the date range
    thirds = documents.assign(event_type="coaching_call")
    assert document_phases(thirds).tolist()[:5] == ["kickoff", "kickoff", "mid-year",
                                                    "closing", "closing"]
    # answers to a survey on one day: no year to split into kick-off and closing (every
    # answer was a "kick-off" one); given on the day of a closing convening, they are
    # answers at closing, as the convening is
    one_day = pd.DataFrame({"event_type": ["survey", "survey"], "date": ["2024-01-01"] * 2})
    assert document_phases(one_day).isna().all()
    closing_day = pd.concat([one_day, pd.DataFrame({"event_type": ["closing_convening"],
                                                    "date": ["2024-01-01"]})],
                            ignore_index=True)
    assert document_phases(closing_day).tolist() == ["closing"] * 3


def test_a_study_over_two_or_three_days_has_a_phase_per_day():
    # thirds of Monday to Friday put Tuesday at kick-off with Monday; a meeting held on
    # three days has a first, a middle and a last day, and one on two days no middle
    two = pd.DataFrame({"event_type": "session",
                        "date": ["2024-03-04", "2024-03-04", "2024-03-08", "2024-03-08"]})
    assert document_phases(two).tolist() == ["kickoff", "kickoff", "closing", "closing"]
    three = pd.DataFrame({"event_type": "session",
                          "date": ["2024-03-04", "2024-03-05", "2024-03-05", "2024-03-08"]})
    assert document_phases(three).tolist() == ["kickoff", "mid-year", "mid-year", "closing"]
    # a closing session on the second day: the day's other documents are at closing
    # too, never a day in two phases
    named = three.assign(event_type=["session", "closing_session", "site_visit", "session"])
    assert document_phases(named).tolist() == ["kickoff", "closing", "closing", "closing"]


def test_a_date_holding_a_closing_event_is_wholly_at_closing_over_a_year():
    # the site visit on the day of the closing convening was part of the closing,
    # though the date falls short of the last third of the year
    documents = pd.DataFrame({
        "event_type": ["coaching_call", "coaching_call", "closing_convening",
                       "site_visit_dialogue", "coaching_call"],
        "date": ["2019-01-01", "2019-04-01", "2019-07-01", "2019-07-01", "2019-12-31"]})
    assert document_phases(documents).tolist() == ["kickoff", "kickoff", "closing",
                                                   "closing", "closing"]


def test_each_sites_kickoff_and_closing_events_bound_its_phases():
    # the bundled sample study's manifest gives the phases its authors meant: with the
    # column dropped, the events put every document where they did (thirds of the year
    # put 27 of its 56 documents, calls and visits between the convenings, at kick-off
    # or closing)
    manifest = pd.read_csv(Path(__file__).parents[1] / "corpora" / "sample-study"
                           / "manifest.csv", dtype=str)
    meant = manifest.pop("phase")
    assert document_phases(manifest).tolist() == meant.tolist()
    # a site's own events bound its documents; a site without its own kick-off or
    # closing (cross-site calls; the West, which joined late and has not closed) takes
    # the study's first kick-off or last closing
    documents = pd.DataFrame({
        "site": ["North", "North", "North", "South", "South", "South", "all", "all",
                 "West", "West", "West"],
        "event_type": ["kickoff_convening", "coaching_call", "closing_convening",
                       "kickoff_convening", "coaching_call", "closing_convening",
                       "community_of_practice", "community_of_practice",
                       "coaching_call", "kickoff_convening", "coaching_call"],
        "date": ["2019-01-01", "2019-05-01", "2019-09-01", "2019-04-01", "2019-10-01",
                 "2019-12-01", "2019-02-01", "2019-11-01", "2019-05-01", "2019-06-01",
                 "2019-11-01"]})
    assert document_phases(documents).tolist() == [
        "kickoff", "mid-year", "closing", "kickoff", "mid-year", "closing", "mid-year",
        "mid-year", "kickoff", "kickoff", "mid-year"]


def test_another_sites_kickoff_on_a_date_leaves_this_sites_documents_to_their_date():
    # cohorts starting apart: the South's kick-off convening falls mid-year, the day of
    # a North coaching call, which stays mid-year; the South's visit that day is kick-off
    documents = pd.DataFrame({
        "site": ["North", "North", "South", "South", "North"],
        "event_type": ["kickoff_convening", "coaching_call", "kickoff_convening",
                       "site_visit_notes", "closing_convening"],
        "date": ["2019-01-01", "2019-06-01", "2019-06-01", "2019-06-01", "2019-12-31"]})
    assert document_phases(documents).tolist() == ["kickoff", "mid-year", "kickoff",
                                                   "kickoff", "closing"]


def test_event_types_decide_a_phase_only_when_they_name_a_kickoff_or_closing():
    # "disclosure" and "closed" hold the letters of "clos" but name no closing: their
    # dates decide, as for any other event type
    documents = pd.DataFrame({
        "event_type": ["Kick-off meeting", "disclosure_training", "closed_group",
                       "coaching_call", "close_out_call", "closing_convening"],
        "date": ["2019-06-01", "2019-01-15", "2019-06-15", "2019-12-01", "2019-01-20",
                 "2019-02-01"]})
    assert document_phases(documents).tolist() == ["kickoff", "kickoff", "mid-year",
                                                   "closing", "closing", "closing"]


def test_event_types_naming_a_close_or_closure_are_closings_as_before():
    # "clos" in the letters made these closings before event types were read as words;
    # as words they still name a closing, whatever their date
    documents = pd.DataFrame({
        "event_type": ["program_closure", "year close", "Close-Out", "coaching_call",
                       "enclosure_visit"],
        "date": ["2019-01-10", "2019-01-12", "2019-01-14", "2019-12-01", "2019-01-11"]})
    assert document_phases(documents).tolist() == ["closing", "closing", "closing",
                                                   "closing", "kickoff"]


def test_event_types_joined_in_camel_case_or_plural_name_their_phase():
    # "ClosingConvening" or "closings" were closings by the letters "clos" and must stay
    # so as words ("KickoffMeeting" always was a kick-off); "closed" still is not
    documents = pd.DataFrame({
        "event_type": ["ClosingConvening", "FinalClosing", "closings", "closeouts",
                       "YearKickoff", "coaching_call", "ClosedGroup", "Enclosure"],
        "date": ["2019-01-10", "2019-01-11", "2019-01-12", "2019-01-13", "2019-12-01",
                 "2019-06-01", "2019-01-14", "2019-01-15"]})
    assert document_phases(documents).tolist() == ["closing", "closing", "closing",
                                                   "closing", "kickoff", "mid-year",
                                                   "kickoff", "kickoff"]


def test_cooccurrence_jaccard_and_c_coefficient(evidence):
    table = cooccurrence(evidence.codings, evidence.book)
    pair = row(table, code_a="risk.housing", code_b="connection")
    # both in north/closing:t3 and south/visit:t3; housing in 4 segments with 5 codings,
    # connection in 4 segments with 4 codings
    assert (pair.both, pair.segments_a, pair.segments_b) == (2, 4, 4)
    assert pair.jaccard == round(2 / (4 + 4 - 2), 4)
    assert pair.c_coefficient == round(2 / (5 + 4 - 2), 4)
    money = row(table, code_a="risk.money", code_b="risk.housing")
    assert (money.both, money.jaccard, money.c_coefficient) == (1, 0.2, round(1 / 7, 4))
    assert table[(table.code_a == "risk.money") & (table.code_b == "connection")].empty
    matrix = cooccurrence_matrix(evidence.codings, evidence.book).set_index("code_id")
    assert matrix.at["risk.housing", "risk.housing"] == 4
    assert matrix.at["connection", "risk.housing"] == 2


def test_coded_segments_one_row_per_segment_for_pivoting(evidence):
    table = coded_segments(evidence.codings, evidence.segments, evidence.documents,
                           evidence.book)
    assert len(table) == 12 and table["seg_id"].is_unique
    kickoff = row(table, seg_id="north/kickoff:t3")
    assert kickoff.codes == "risk.money; risk.housing"   # as applied, in text order
    assert (kickoff["risk"], kickoff["risk.housing"], kickoff["risk.money"],
            kickoff["connection"]) == (1, 1, 1, 0)
    assert (kickoff.site, kickoff.phase, kickoff.event_type) == ("North", "kickoff",
                                                                "kickoff_convening")
    assert row(table, seg_id="north/kickoff:t1").n_codes == 0


def test_codebook_summary_counts(evidence):
    table = codebook_summary(evidence.codings, evidence.segments, evidence.documents,
                             evidence.book).set_index("code_id")
    assert table.loc["risk.housing", ["codings", "segments", "documents", "sites"]].tolist() \
        == [5, 4, 3, 2]
    assert table.loc["risk", "codings"] == 0 and table.loc["risk", "segments"] == 5
    assert table.loc["risk.money", "depth"] == 1
    assert table.loc["risk.housing", "definition"] == "Rent and evictions."


def test_exemplar_quotes_are_exact_spread_and_in_context(evidence):
    quotes = exemplar_quotes(evidence.codings, evidence.segments, evidence.documents,
                             evidence.book, per_code=2)
    texts = evidence.documents.set_index("doc_id")["text"]
    for quote in quotes.itertuples():
        assert texts[quote.doc_id][quote.start:quote.end] == quote.quote
    housing = quotes[quotes["code_id"] == "risk.housing"]
    assert len(housing) == 2 and housing["site"].nunique() == 2   # spread over sites
    visit = row(quotes, code_id="risk.money", seg_id="south/visit:t2")
    assert visit.context_before == "Coach: Tell me about the year."
    assert visit.context_after == "P3: Our neighbours helped when we were evicted."
    assert set(quotes["code_id"]) == {"risk", "risk.housing", "risk.money", "connection"}


def test_lessons_evidence_change_and_thin_flags(evidence):
    lessons = evidence.tables["lessons"].set_index("lesson_id")
    grew = lessons.loc["connection-grew"]
    # connection: 4 segments in 3 events at both sites; 0 of 4 kickoff segments,
    # 3 of 5 closing segments
    assert (grew.sites, grew.events, grew.segments) == (2, 3, 4)
    assert (grew.kickoff_share, grew.closing_share, grew.change) == (0.0, 0.6, 0.6)
    assert grew.flag == ""
    assert lessons.loc["money-south", "flag"] == "thin: 1 site; thin: 1 event"
    # the title from lessons.yaml, else the id
    assert (grew.title, lessons.loc["money-south", "title"]) == ("Neighbours drew closer",
                                                                  "money-south")
    # risk (rolled up) said by P1: north/kickoff:t2 and south/visit:t2; the shares count
    # P1's segments only: 1 of P1's 2 at kick-off, 0 of 2 at closing
    leads = lessons.loc["leads-on-risk"]
    assert (leads.segments, leads.sites, leads.change) == (2, 2, -0.5)
    quotes = evidence.tables["lesson_quotes"]
    assert set(quotes[quotes.lesson_id == "leads-on-risk"]["seg_id"]) == {
        "north/kickoff:t2", "south/visit:t2"}


def test_lesson_by_phase_has_a_row_for_every_lesson_and_phase_zeros_included(evidence):
    # as code_by_phase: a phase without support is a 0, not a missing row that a pivot
    # or chart would skip (connection-grew has no kick-off segment, lessons says 0.0)
    by_phase = evidence.tables["lesson_by_phase"]
    lessons = evidence.tables["lessons"]["lesson_id"].tolist()
    assert list(zip(by_phase["lesson_id"], by_phase["phase"])) == [
        (lesson, phase) for lesson in lessons for phase in ("kickoff", "mid-year", "closing")]
    kickoff = row(by_phase, lesson_id="connection-grew", phase="kickoff")
    assert (kickoff.segments, kickoff.phase_segments, kickoff.share) == (0, 4, 0.0)
    closing = row(by_phase, lesson_id="connection-grew", phase="closing")
    assert (closing.segments, closing.phase_segments, closing.share) == (3, 5, 0.6)


def test_lessons_say_which_filters_their_evidence_passed(evidence):
    # money-south counts risk.money in the South only: its "thin: 1 site" comes from
    # the filter, and the lessons table and the report must say so
    lessons = evidence.tables["lessons"].set_index("lesson_id")
    assert lessons.loc["money-south", "filters"] == "risk.money where sites: South"
    assert lessons.loc["leads-on-risk", "filters"] == "risk where roles: lead"
    assert lessons.loc["connection-grew", "filters"] == ""
    # the report words them for people, codes by their labels as everywhere else in it
    page = " ".join(render_study_report(evidence, "T").split())
    assert ("Evidence (Money): 2 segments" not in page
            and "Evidence (Money; only Money where sites: South)" in page
            and "only Risks where roles: lead" in page and "risk.money where" not in page)


@pytest.mark.parametrize("patterns", [["P1"], ["p1"], [" P1 "], ["p[1]"]])
def test_lesson_role_patterns_match_speakers_in_any_case_as_speaker_roles_do(
        evidence, patterns):
    # speaker_roles: matches labels in any case; a lessons.yaml role written in another
    # case than the transcripts' labels must find the same speakers, not silently none
    spec = evidence.lessons.model_copy(update={"roles": {"lead": patterns}})
    mixed = evidence.segments.assign(speaker=evidence.segments["speaker"].str.lower())
    for segments in (evidence.segments, mixed):
        result = assemble(spec, evidence.codings, segments, evidence.documents,
                          evidence.book)
        leads = result.summary.set_index("lesson_id").loc["leads-on-risk"]
        assert (leads.segments, leads.sites) == (2, 2)


def test_undated_documents_are_each_their_own_event(evidence):
    # an event is (site, event type, date); without a date two calls of one site are
    # not known to be one event, so they must not be merged into one (a false "thin")
    undated = evidence.documents.assign(event_type="meeting", date=None, phase=None)
    spec = evidence.lessons
    result = assemble(spec, evidence.codings, evidence.segments, undated, evidence.book)
    grew = result.summary.set_index("lesson_id").loc["connection-grew"]
    assert grew.events == grew.documents == 3
    page = " ".join(render_report("T", undated, evidence.segments, evidence.codings,
                                  evidence.book, evidence.tables,
                                  lessons=evidence.lessons).split())
    assert "from 2 sites and 4 events of 1 kind." in page


def test_a_site_visits_dialogue_and_field_notes_are_one_event(evidence):
    # the notes of a visit have their own event type (site_visit_notes, as in the sample
    # study); keyed on the event type too, one visit counted as two events, so a lesson
    # resting on one visit escaped its "thin: 1 event" flag
    notes = evidence.documents.copy()
    notes.loc[notes["doc_id"] == "south/closing", ["event_type", "date"]] = [
        "site_visit_notes", "2019-05-05"]
    result = assemble(evidence.lessons, evidence.codings, evidence.segments, notes,
                      evidence.book)
    lessons = result.summary.set_index("lesson_id")
    assert (lessons.loc["connection-grew", "documents"],
            lessons.loc["connection-grew", "events"]) == (3, 2)
    assert lessons.loc["money-south", "flag"] == "thin: 1 site; thin: 1 event"
    page = " ".join(render_report("T", notes, evidence.segments, evidence.codings,
                                  evidence.book, evidence.tables,
                                  lessons=evidence.lessons).split())
    assert "from 2 sites and 3 events of 4 kinds, 2019-01-10 to 2019-10-10." in page


def test_the_report_says_how_many_documents_have_no_phase(evidence):
    # a blank phase in the manifest keeps a document out of every phase's shares: the
    # report must not present the change over the year as if it covered them
    documents = evidence.documents.assign(phase=["kickoff", "", "closing", "closing"])
    segments = evidence.segments
    left_out = int((segments["codable"] & (segments["doc_id"] == documents["doc_id"][1])).sum())
    page = " ".join(render_report("T", documents, segments, evidence.codings, evidence.book,
                                  evidence.tables, lessons=evidence.lessons).split())
    assert (f"1 document with no phase ({left_out} codable segments) is left out of the "
            "shares by phase") in page
    assert "no date (or one date for the whole study)" in page
    page = " ".join(render_study_report(evidence, "T").split())
    assert "no phase" not in page


def test_a_lesson_filtered_to_some_phases_reports_no_change_from_a_phase_it_left_out(
        evidence):
    # counted at closing only, its kick-off share is 0 by its own filter: a "+60 pts"
    # change over the year would be an artefact, so there is none
    from dialogcode.lessons import Evidence, Lesson, LessonsFile
    spec = LessonsFile(lessons=[
        Lesson(id="late", statement="Closing only.",
               evidence=[Evidence(codes=["connection"], phases=["closing"])]),
        Lesson(id="either", statement="Closing, or any phase for money.",
               evidence=[Evidence(codes=["connection"], phases=["closing"]),
                         Evidence(codes=["risk.money"])])])
    result = assemble(spec, evidence.codings, evidence.segments, evidence.documents,
                      evidence.book).summary.set_index("lesson_id")
    late = result.loc["late"]
    assert late.closing_share == 0.6
    assert pd.isna(late.kickoff_share) and pd.isna(late.change)
    assert pd.notna(result.loc["either", "change"])


def test_a_lesson_filtered_to_event_types_of_one_phase_reports_no_change(evidence):
    # closing convenings happen only at closing: a kick-off share of 0 by the lesson's
    # own event type filter is no change over the year either
    from dialogcode.lessons import Evidence, Lesson, LessonsFile
    spec = LessonsFile(lessons=[
        Lesson(id="at-closings", statement="Said at closing convenings.",
               evidence=[Evidence(codes=["connection"], event_types=["closing_convening"])]),
        Lesson(id="north", statement="Said in the North.",
               evidence=[Evidence(codes=["connection"], sites=["North"])])])
    result = assemble(spec, evidence.codings, evidence.segments, evidence.documents,
                      evidence.book)
    summary = result.summary.set_index("lesson_id")
    assert summary.at["at-closings", "closing_share"] == 0.6
    assert pd.isna(summary.at["at-closings", "kickoff_share"])
    assert pd.isna(summary.at["at-closings", "change"])
    by_phase = result.by_phase.set_index(["lesson_id", "phase"])
    assert pd.isna(by_phase.at[("at-closings", "kickoff"), "share"])
    # the North has documents at kick-off and closing: both shares, and the change
    assert pd.notna(summary.at["north", "change"])


def test_lesson_by_phase_gives_no_share_for_a_phase_the_lessons_filters_leave_out(
        evidence):
    # lessons.csv gives a closing-only lesson no kick-off share; lesson_by_phase (pivoted
    # in the notebooks, charted by readers) must not give it a 0 there either, or the
    # artefact change from 0 comes back
    from dialogcode.lessons import Evidence, Lesson, LessonsFile
    spec = LessonsFile(lessons=[
        Lesson(id="late", statement="Closing only.",
               evidence=[Evidence(codes=["connection"], phases=["closing"])]),
        Lesson(id="all", statement="Any phase.", evidence=[Evidence(codes=["connection"])])])
    by_phase = assemble(spec, evidence.codings, evidence.segments, evidence.documents,
                        evidence.book).by_phase.set_index(["lesson_id", "phase"])
    assert by_phase.at[("late", "closing"), "share"] == 0.6
    assert by_phase.loc["late", "share"].drop("closing").isna().all()
    assert by_phase.at[("late", "kickoff"), "phase_segments"] == 0
    assert by_phase.at[("all", "kickoff"), "share"] == 0.0

def test_a_lessons_filters_are_worded_from_lessons_yaml_not_from_their_text(evidence):
    # the report split the filters text on " | " and "; ": a site named with either
    # came out garbled ("Oak | Pine" gave "Pine where : ")
    from dialogcode.analysis import build_tables
    from dialogcode.lessons import Evidence, Lesson, LessonsFile
    site = "Oak | Pine; East"
    documents = evidence.documents.replace({"site": {"South": site}})
    spec = LessonsFile(lessons=[Lesson(id="oak", statement="Money in the oaks.", evidence=[
        Evidence(codes=["risk.money"], sites=[site], phases=["closing"])])])
    tables = build_tables(documents, evidence.segments, evidence.codings, evidence.book,
                          spec)
    assert tables["lessons"].at[0, "filters"] == (
        "risk.money where sites: Oak | Pine; East; phases: closing")
    page = " ".join(render_report("T", documents, evidence.segments, evidence.codings,
                                  evidence.book, tables, lessons=spec).split())
    assert "only Money where sites: Oak | Pine; East; phases: Closing)" in page
    with pytest.raises(ValueError, match="lessons they came from"):
        render_report("T", documents, evidence.segments, evidence.codings, evidence.book,
                      tables)


def _evidence_with_lessons(tmp_path, lessons_yaml):
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "lessons.yaml").write_text(lessons_yaml, encoding="utf-8")
    study = Study.open(root)
    corpus = ingest(study)
    book = load_codebooks(study.codebook_files())
    return study_evidence(study, corpus=corpus,
                          codings=code_corpus(corpus.segments, corpus.documents, book))


def test_a_filtered_lessons_shares_count_the_segments_its_filters_admit(tmp_path):
    # a lesson about the North: 2 of the North's 3 closing segments support it (not 2 of
    # the 5 closing segments of both sites), and the report and workbook say the same
    evidence = _evidence_with_lessons(
        tmp_path, "lessons:\n  - id: north\n    statement: The North drew closer.\n"
        "    evidence:\n      - codes: [connection]\n        sites: [North]\n")
    by_phase = evidence.tables["lesson_by_phase"].set_index("phase")
    assert by_phase.loc["closing", ["segments", "phase_segments"]].tolist() == [2, 3]
    assert by_phase.loc["kickoff", ["segments", "phase_segments"]].tolist() == [0, 4]
    assert by_phase.loc["closing", "share"] == 0.6667
    assert pd.isna(by_phase.loc["mid-year", "share"])     # the North had no mid-year
    north = evidence.tables["lessons"].iloc[0]
    assert (north.kickoff_share, north.closing_share, north.change) == (0.0, 0.6667, 0.6667)
    page = " ".join(render_study_report(evidence, "T").split())
    assert ("Share of the segments its filters admit 0.0% (0 of 4) at kick-off, 66.7% (2 of 3) "
            "at closing" in page)
    path = write_workbook(tmp_path / "w.xlsx", workbook_sheets(evidence))
    sheet = openpyxl.load_workbook(path)["lessons"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index("closing_share") + 1).value == 0.6667


def test_a_lesson_with_an_unfiltered_item_is_not_said_to_count_what_filters_admit(
        tmp_path):
    # one evidence item without filters admits every segment: the shares are of all the
    # phase's segments, and the report must not suggest they are of the North's only
    evidence = _evidence_with_lessons(
        tmp_path, "lessons:\n  - id: both\n    statement: Closer.\n    evidence:\n"
        "      - codes: [connection]\n        sites: [North]\n      - codes: [risk]\n")
    both = evidence.tables["lessons"].iloc[0]
    assert both.filters and both.kickoff_share is not None
    page = " ".join(render_study_report(evidence, "T").split())
    assert (f"Share of segments {both.kickoff_share:.1%} (" in page
            and f"{both.closing_share:.1%} (" in page)
    assert "its filters admit" not in page


def test_bad_lessons_file_lists_every_problem_with_its_line(evidence, tmp_path):
    bad = tmp_path / "lessons.yaml"
    bad.write_text("lessons:\n"
                   "  - id: one\n"
                   "    statement: A.\n"
                   "    evidence:\n"
                   "      - codes: [risk.hosing]\n"
                   "        sites: [Nowhere]\n"
                   "  - id: two\n"
                   "    evidence: []\n", encoding="utf-8")
    with pytest.raises(LessonsError) as caught:
        load_lessons(bad, evidence.book, evidence.documents)
    assert [str(p).split(":", 1)[1] for p in caught.value.problems] == [
        "7 [lessons.1.statement]: Field required",
        "8 [lessons.1.evidence]: List should have at least 1 item after validation, not 0"]
    bad.write_text(bad.read_text().replace("  - id: two\n    evidence: []\n", ""))
    with pytest.raises(LessonsError) as caught:
        load_lessons(bad, evidence.book, evidence.documents)
    messages = [str(p) for p in caught.value.problems]
    assert any(":5" in m and "unknown code 'risk.hosing'; did you mean 'risk.housing'?" in m
               for m in messages)
    assert any(":6" in m and "unknown site 'Nowhere' (known: " in m for m in messages)


def test_lessons_problems_come_in_line_order(evidence, tmp_path):
    bad = tmp_path / "lessons.yaml"
    bad.write_text("lessons:\n"
                   "  - id: one\n"
                   "    statement: A.\n"
                   "    evidence:\n"
                   "      - sites: [Nowhere]\n"
                   "        codes: [risk.hosing]\n"
                   "  - id: one\n"
                   "    statement: B.\n"
                   "    evidence:\n"
                   "      - codes: [risk]\n"
                   "        roles: [nobody]\n", encoding="utf-8")
    with pytest.raises(LessonsError) as caught:
        load_lessons(bad, evidence.book, evidence.documents)
    assert [(p.line, p.message.split(" '")[0]) for p in caught.value.problems] == [
        (5, "unknown site"), (6, "unknown code"), (7, "duplicate lesson id"),
        (11, "unknown role")]


def test_lessons_command(tmp_path):
    root, runner = coded_copy(tmp_path)
    result = runner.invoke(cli, ["lessons", str(root)])
    assert result.exit_code == 0, result.output
    assert "money-south" in result.output and "thin: 1 site" in result.output
    assert (root / "out" / "tables" / "lessons.csv").is_file()
    (root / "lessons.yaml").unlink()
    result = runner.invoke(cli, ["lessons", str(root)])
    assert result.exit_code == 1 and "no lessons file" in result.output
    # the default lessons.yaml may be absent, but a lessons file named in dialogcode.yaml
    # that is not there was passed over by `run` and `tables` ("No lessons.yaml")
    assert runner.invoke(cli, ["tables", str(root), "-q"]).exit_code == 0
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "lessons: lessons.yaml\n", encoding="utf-8")
    assert runner.invoke(cli, ["tables", str(root), "-q"]).exit_code == 0   # as init writes
    config.write_text(config.read_text().replace("lessons: lessons.yaml\n", ""),
                      encoding="utf-8")
    config.write_text(config.read_text() + "lessons: lesson.yaml\n", encoding="utf-8")
    line = config.read_text().count("\n")
    for command in ("tables", "run", "lessons"):
        result = runner.invoke(cli, [command, str(root), "-q"])
        assert result.exit_code == 1
        assert (f"Error: {config}:{line} [lessons]: lessons 'lesson.yaml' is not a file in "
                f"{root}; write it (see docs/lessons.md), or `lessons: null` for none\n"
                == result.output)


def test_header_lines_are_not_coded_or_quoted_unless_the_study_says_so(tmp_path):
    from conftest import make_study
    root = make_study(tmp_path / "s", {"t.txt": "Notes on rent, taken at the meeting.\n\n"
                                                "P2: The rent doubled this spring.\n"},
                      None)
    shutil.copy(FIXTURE / "codebook.yaml", root / "codebook.yaml")
    book = load_codebooks(root / "codebook.yaml")
    corpus = ingest(Study.open(root))
    codings = code_corpus(corpus.segments, corpus.documents, book)
    assert list(codings["quote"]) == ["rent"] and list(codings["seg_id"]) == ["t:t2"]
    quotes = exemplar_quotes(codings, corpus.segments, corpus.documents, book)
    assert set(quotes["quote"]) == {"The rent doubled this spring."}
    assert set(quotes["context_before"]) == {""}     # the header is no context either
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("code_preamble: true\n")
    corpus = ingest(Study.open(root))
    codings = code_corpus(corpus.segments, corpus.documents, book)
    assert list(codings["seg_id"]) == ["t:t1", "t:t2"]


def test_exemplars_prefer_participants_words_and_keep_quote_marks_balanced(tmp_path):
    from conftest import make_study
    opener = ("No problem. So this is our first coaching call, and we will talk about rent "
              "and what rent means for the families here.")
    root = make_study(tmp_path / "s", {"t.txt": (
        f"Facilitator: {opener}\n\n"
        "P1: Rent went up twice and we were nearly evicted last winter.\n\n"
        'P2: The landlord raised the rent again, and that scared all of us."\n\n'
        'P3: “The rent is fine now, for this year at least.\n')}, None)
    shutil.copy(FIXTURE / "codebook.yaml", root / "codebook.yaml")
    book = load_codebooks(root / "codebook.yaml")
    corpus = ingest(Study.open(root))
    codings = code_corpus(corpus.segments, corpus.documents, book)
    quotes = exemplar_quotes(codings, corpus.segments, corpus.documents, book, per_code=4)
    housing = quotes[quotes["code_id"] == "risk.housing"].set_index("rank")
    assert housing.loc[1, "speaker"] == "P1"
    assert housing["speaker"].iloc[-1] == "Facilitator"   # the opener only when nothing is left
    text = corpus.documents.set_index("doc_id").at["t", "text"]
    for quote in housing.itertuples():
        assert text[quote.start:quote.end] == quote.quote       # offsets stay exact
        assert quote.quote.count('"') % 2 == 0 and "“" not in quote.quote
    # a study names its own staff (speaker_roles in dialogcode.yaml)
    mine = exemplar_quotes(codings, corpus.segments, corpus.documents, book, per_code=4,
                           roles=speaker_roles({"p1": "coach", "P2": "evaluator"}))
    assert mine.loc[mine["code_id"] == "risk.housing", "speaker"].iloc[0] == "P3"
    assert {"The landlord raised the rent again, and that scared all of us.",
            "The rent is fine now, for this year at least."} <= set(housing["quote"])


def test_preambles_and_headings_are_not_coded_nor_counted_in_denominators(tmp_path):
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("North kick-off on rent and wages, January 2019\n\n"
                       + kickoff.read_text(encoding="utf-8") + "\nReport-out\n",
                       encoding="utf-8")
    study = Study.open(root)
    corpus = ingest(study)
    north = corpus.segments[corpus.segments["doc_id"] == "north/kickoff"]
    assert list(north["kind"]) == ["preamble", "turn", "turn", "turn", "turn", "heading"]
    book = load_codebooks(study.codebook_files())
    codings = code_corpus(corpus.segments, corpus.documents, book)
    assert not codings["seg_id"].isin(north.loc[~north["codable"], "seg_id"]).any()
    evidence = study_evidence(study, corpus=corpus, codings=codings)
    housing = row(code_by(evidence.codings, evidence.segments, evidence.documents, book),
                  code_id="risk.housing", site="North")
    assert (housing.segments, housing.group_segments, housing.share) == (3, 7, round(3 / 7, 4))
    grew = evidence.tables["lessons"].set_index("lesson_id").loc["connection-grew"]
    assert (grew.kickoff_share, grew.closing_share) == (0.0, 0.6)
    assert len(evidence.tables["coded_segments"]) == 12


def test_codings_on_a_preamble_stay_in_the_codings_but_no_count_outgrows_its_total(
        tmp_path):
    # the tables count codable segments only (their totals, coded_segments, quotes):
    # codings on a preamble given to the library (a coder file's are refused before,
    # tests/test_review.py) stay in the codings but count nowhere, so shares stay
    # within their totals and every table agrees
    study, corpus, book = with_a_title_line(tmp_path)
    segments = corpus.segments.set_index("seg_id")
    added = pd.DataFrame([
        {"seg_id": seg, "doc_id": "north/kickoff", "code_id": code, "source": "ana",
         "start": segments.at[seg, "start"], "end": segments.at[seg, "end"],
         "quote": segments.at[seg, "text"]}
        for seg, code in (("north/kickoff:t1", "risk.housing"),
                          ("north/kickoff:t1", "connection"),
                          ("north/kickoff:t3", "risk.housing"))])
    assert not segments.at["north/kickoff:t1", "codable"]
    codings = pd.concat([code_corpus(corpus.segments, corpus.documents, book), added],
                        ignore_index=True)
    evidence = study_evidence(study, corpus=corpus, codings=codings)
    assert (evidence.codings["seg_id"] == "north/kickoff:t1").sum() == 2
    tables = evidence.tables
    housing = row(tables["code_by_site"], code_id="risk.housing", site="North")
    assert (housing.segments, housing.group_segments, housing.share) == (3, 7, round(3 / 7, 4))
    summary = tables["codebook_summary"].set_index("code_id")
    by_site = tables["code_by_site"].groupby("code_id")["segments"].sum()
    assert (summary["segments"] == by_site.reindex(summary.index)).all()
    assert summary.at["risk.housing", "codings"] == 6   # 5 by the rules, 1 by ana on t3
    assert "north/kickoff:t1" not in set(tables["coded_segments"]["seg_id"])
    coded = int((tables["coded_segments"]["n_codes"] > 0).sum())
    page = " ".join(render_study_report(evidence, "T").split())
    assert f"of which {coded} carry at least one code" in page
    pairs = tables["cooccurrence"]
    both = pairs[(pairs["code_a"] == "risk.housing") & (pairs["code_b"] == "connection")]
    segments = tables["coded_segments"]
    assert both["both"].tolist() == [int(((segments["risk.housing"] == 1)
                                          & (segments["connection"] == 1)).sum())]


def test_the_reports_site_table_counts_the_segments_the_shares_are_of(tmp_path):
    # a preamble is a segment but not a codable one: the report's site table must give
    # the totals its heatmap's shares divide by (code_by_site's group_segments)
    study, corpus, book = with_a_title_line(tmp_path)
    evidence = study_evidence(study, corpus=corpus,
                              codings=code_corpus(corpus.segments, corpus.documents, book))
    page = render_study_report(evidence, "T")
    totals = evidence.tables["code_by_site"].groupby("site")["group_segments"].max()
    assert totals["North"] == 7
    cells = re.findall(r"<td>(North|South)</td><td[^>]*>\d+</td>\s*<td[^>]*>[\d,]+</td>"
                       r"<td[^>]*>(\d+)</td>", page)
    assert {site: int(n) for site, n in cells} == totals.to_dict()
    segments = len(evidence.segments)
    codable = int(evidence.segments["codable"].sum())
    assert codable == segments - 1
    assert (f"They were cut into {segments} segments, {codable} of them codable"
            in " ".join(page.split()))


def test_a_manifest_column_named_like_a_code_is_refused_naming_the_column(tmp_path):
    # coded_segments has a 0/1 column per code beside the document attributes: an
    # attribute called `connection` would clash with the code's column
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    manifest = root / "manifest.csv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text("\n".join([lines[0] + ",connection"]
                                  + [line + ",strong" for line in lines[1:]]) + "\n",
                        encoding="utf-8")
    result = tables_after_coding(root)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"{manifest}:1 [connection]: column 'connection' is also a code id" in result.output


def test_a_yaml_manifest_column_named_like_a_code_is_refused_at_its_line(tmp_path):
    # the error said line 1 for every manifest: line 1 of a YAML manifest is its first
    # entry's `- file:`, not the line that gives the clashing column
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    rows = pd.read_csv(root / "manifest.csv", dtype=str).to_dict("records")
    rows[1]["connection"] = "strong"        # the second entry only
    manifest = root / "manifest.yaml"
    manifest.write_text(yaml.safe_dump(rows, sort_keys=False), encoding="utf-8")
    (root / "manifest.csv").unlink()
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "manifest: manifest.yaml\n",
                      encoding="utf-8")
    line = manifest.read_text(encoding="utf-8").splitlines().index("  connection: strong")
    result = tables_after_coding(root)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert (f"{manifest}:{line + 1} [connection]: column 'connection' is also a code id"
            in result.output)


@pytest.mark.parametrize("code_id", ["backchannel", "speaker", "site", "phase"])
def test_a_code_named_like_a_coded_segments_column_is_refused_naming_the_code(tmp_path,
                                                                             code_id):
    # coded_segments has a 0/1 column per code beside the segments' own columns: a code
    # "backchannel" (a code a conversation analyst may well use) crashed the tables with
    # a pyarrow traceback; "site" was sent to rename a manifest column it cannot rename
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    codebook = root / "codebook.yaml"
    for name in ("codebook.yaml", "lessons.yaml"):
        path = root / name
        path.write_text(path.read_text(encoding="utf-8").replace("connection", code_id),
                        encoding="utf-8")
    result = tables_after_coding(root)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert (f"{codebook}:16 [{code_id}]: code id {code_id!r} is also a column of the "
            "coded_segments table") in result.output


def test_tables_refuse_codings_made_before_the_transcripts_changed(tmp_path):
    # ingest after an edit shifts the turns: the old codings' seg_ids would credit a
    # quote to whoever now speaks turn 2
    root, runner = coded_copy(tmp_path)
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("P9: Before we start.\n\n" + kickoff.read_text(encoding="utf-8"),
                       encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1, result.output
    assert (f"{root / 'out' / 'codings.parquet'}: 4 codings in north/kickoff no longer "
            "match its text" in result.output and "dialogcode code" in result.output)
    assert runner.invoke(cli, ["code", str(root), "-q"]).exit_code == 0
    assert runner.invoke(cli, ["tables", str(root), "-q"]).exit_code == 0


CODED_TURN_2 = {   # north/kickoff:t2, P1's turn: a coder file row as people write them
    "quote": "seg_id,code_id,quote\n"
             "north/kickoff:t2,risk.housing,\"the rent keeps rising,  and families get "
             "EVICTED\"\n",
    "span": "seg_id,code_id,start,end,quote\n"
            "north/kickoff:t2,risk.housing,40,64,P1: The rent keeps rising\n",
    "sha256": "seg_id,code_id,sha256\nnorth/kickoff:t2,risk.housing,{sha}\n",
}


@pytest.mark.parametrize("kind", CODED_TURN_2)
def test_a_coder_file_made_before_the_transcript_changed_is_refused(tmp_path, kind):
    # a turn put before P1's shifts the turns: the coder's north/kickoff:t2 would then
    # silently code the facilitator's question instead of P1's words
    root, runner = coded_copy(tmp_path)
    sha = pd.read_parquet(root / "out" / "documents.parquet").set_index("doc_id").at[
        "north/kickoff", "sha256"]
    coder = root / "codings" / "ana.csv"
    coder.parent.mkdir()
    coder.write_text(CODED_TURN_2[kind].format(sha=sha), encoding="utf-8")
    # as coded, the row fits: a quote in other case and spacing is the same words
    assert runner.invoke(cli, ["tables", str(root), "-q"]).exit_code == 0
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("Facilitator: Welcome.\n\n" + kickoff.read_text(encoding="utf-8"),
                       encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    assert runner.invoke(cli, ["code", str(root), "-q"]).exit_code == 0
    # a row with no sha256 cannot tell an edit from a re-cut: its message names both, and
    # where the quoted words are now
    why = {"sha256": "(its sha256 differs from the document's): the transcript changed since",
           "span": "(the row's quote is not the text of its seg_id): the transcript changed "
                   "since",
           "quote": "(the row's quote is not the text of its seg_id but of north/kickoff:t3)"
                    ": either the transcript was edited since, or its segments were cut "
                    "otherwise"}[kind]
    for command in ("tables", "learn"):
        result = runner.invoke(cli, [command, str(root), "-q"])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), \
            result.output
        assert (f"{coder}:2: the row of document 'north/kickoff' was coded on other text "
                f"{why}" in result.output)


def test_stale_codings_in_a_dataset_folder_are_named_where_they_are(tmp_path):
    # the Dask engine writes the codings as out/codings/part-*.parquet: the error must
    # name that folder, not an out/codings.parquet that does not exist
    root, runner = coded_copy(tmp_path)
    single = root / "out" / "codings.parquet"
    (root / "out" / "codings").mkdir()
    single.rename(root / "out" / "codings" / "part-00000.parquet")
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("P9: Before we start.\n\n" + kickoff.read_text(encoding="utf-8"),
                       encoding="utf-8")
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1, result.output
    assert f"{root / 'out' / 'codings'}: 4 codings in north/kickoff" in result.output
    assert not single.exists()


def test_codings_of_a_document_taken_out_say_so_not_that_it_changed(tmp_path):
    # a transcript taken out of the study is not "changed": the message must not send
    # the user looking for an edit in a file that is gone
    root, runner = coded_copy(tmp_path)
    manifest = root / "manifest.csv"
    manifest.write_text("".join(line for line in manifest.read_text(encoding="utf-8")
                                .splitlines(keepends=True) if "south/visit" not in line),
                        encoding="utf-8")
    (root / "transcripts" / "south" / "visit.txt").unlink()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1, result.output
    assert "in south/visit are of a document no longer in the corpus" in result.output
    assert "changed" not in result.output


def test_rules_against_a_coder_count_a_code_with_its_sub_codes(tmp_path):
    # the report counts a code with its sub-codes, and so does `evaluate`; the "Rules and
    # human coders" table judged a parent on the codings of the parent alone, so a coder's
    # `risk` on turns the rules coded risk.housing and risk.money read as all missed
    root, runner = coded_copy(tmp_path)
    book = root / "codebook.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("    codable: false\n", ""),
                    encoding="utf-8")
    assert runner.invoke(cli, ["code", str(root), "-q"]).exit_code == 0
    coder = root / "codings" / "ana.csv"
    coder.parent.mkdir()
    coder.write_text("seg_id,code_id\nnorth/kickoff:t2,risk\nnorth/kickoff:t3,risk.money\n"
                     "north/kickoff:t3,connection\n", encoding="utf-8")
    agreement = study_evidence(Study.open(root)).tables["agreement"].set_index("code_id")
    risk = agreement.loc["risk"]
    assert (risk["both"], risk["only_first"], risk["only_second"]) == (2, 0, 0)
    assert (risk["precision"], risk["recall"]) == (1.0, 1.0)
    money = agreement.loc["risk.money"]      # a code without sub-codes: as applied
    assert (money["both"], money["only_first"], money["only_second"]) == (1, 0, 0)
    # all codes pooled count each coding once, as applied (as evaluate's do), of the codes
    # the rules apply: the coder's risk.money and connection (risk itself has no patterns:
    # the rules apply its sub-codes, never it); the rules' risk.housing x2 and risk.money
    pooled = agreement.loc["(all codes)"]
    assert (pooled["both"], pooled["only_first"], pooled["only_second"]) == (1, 2, 1)
    # the report's table says so: its parent row is not what `agree` gives as applied
    page = " ".join(render_study_report(study_evidence(Study.open(root)), "T").split())
    assert ("A code with sub-codes is judged with them (a segment has it when it carries "
            "the code or a sub-code), as its counts are, but only with those the rules can "
            "apply") in page


def test_the_report_shows_a_coder_beside_rules_that_coded_nothing(tmp_path):
    # a codebook without patterns (imported from a spreadsheet, coded by people and the
    # learned model): the rules code nothing, the agreement table has no precision
    # column, and the report stopped with a template traceback
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "codebook.yaml").write_text(
        "codebook: evidence\ntitle: Evidence fixture codebook\ncodes:\n"
        "  - id: risk\n    label: Risks\n    definition: Rent and wages.\n",
        encoding="utf-8")
    (root / "lessons.yaml").unlink()
    coder = root / "codings" / "ana.csv"
    coder.parent.mkdir()
    coder.write_text("seg_id,code_id\nnorth/kickoff:t2,risk\nnorth/kickoff:t3,risk\n",
                     encoding="utf-8")
    runner = CliRunner()
    for command in ("ingest", "code", "report"):
        result = runner.invoke(cli, [command, str(root), "-q"])
        assert result.exit_code == 0, result.output
    report = (root / "out" / "report.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>Risks</td>.*?</tr>", report, flags=re.S)[0]
    cells = re.findall(r'<td class="n">(.*?)</td>', row)
    assert cells[3:] == ["—", "0.000", "0.000"]     # precision, recall, F1


def test_a_coder_file_with_only_its_header_does_not_stop_the_report(tmp_path):
    # a colleague's file made ready before they start coding (its header alone) stopped
    # `report` and `run`: "the coders have no document in common"; it is left out of the
    # rules-versus-coders table with a warning, and the other coder is still compared
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "codings").mkdir()
    (root / "codings" / "ana.csv").write_text("seg_id,code_id\nnorth/kickoff:t2,risk\n",
                                              encoding="utf-8")
    (root / "codings" / "ben.csv").write_text("seg_id,code_id\n", encoding="utf-8")
    runner = CliRunner()
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["report", str(root), "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count(f"{root / 'codings' / 'ben.csv'}: holds no codings yet, so "
                               "the rules are not compared with ben") == 1, result.stderr
    report = (root / "out" / "report.html").read_text(encoding="utf-8")
    assert "Rules against coder 'ana'" in report and "against ben" not in report
    # a warning prints where it arises, in order with the command's other output (it
    # came after the last line, below the files written, apart from the stage it is of)
    result = runner.invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    said = [n for n, line in enumerate(lines) if line.startswith("Warning: ") and
            "ben.csv: holds no codings yet" in line]
    assert len(said) == 1, result.output
    stage = next(n for n, line in enumerate(lines) if line.startswith("evidence:"))
    written = next(n for n, line in enumerate(lines) if line.startswith("Report:"))
    assert stage < said[0] < written, result.output


def test_the_report_says_a_codes_segments_take_its_sub_codes_and_its_codings_do_not(
        tmp_path):
    # collab.sector_engagement read "238 segments ...; 55 codings": fewer codings than
    # segments, since the segments take the sub-codes and the codings are its own
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    book = root / "codebook.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("    codable: false\n", ""),
                    encoding="utf-8")
    for command in ("ingest", "code", "report"):
        assert CliRunner().invoke(cli, [command, str(root), "-q"]).exit_code == 0
    page = " ".join((root / "out" / "report.html").read_text(encoding="utf-8").split())
    assert ("5 segments (with its sub-codes) in 3 documents, 2 sites, 5 speakers; "
            "0 codings of the code itself.") in page
    assert "2 segments in 2 documents, 2 sites, 2 speakers; 3 codings." in page   # money


def test_the_reports_cooccurrence_table_says_it_takes_every_code(evidence):
    # the caption above it speaks of the chart's codes used most; the table's pairs come
    # from all codes (the sample's first pair, housing sector and housing security, is of
    # two codes outside the chart)
    page = " ".join(render_study_report(evidence, "T").split())
    pairs = evidence.tables["cooccurrence"]
    shown = len(pairs[pairs["code_a"] < pairs["code_b"]].head(15))
    assert (f"The {shown} pairs of codes, among all codes, with the highest Jaccard index"
            in page)


def test_the_reports_privacy_note_writes_both_counts_alike(evidence):
    # the hearing's report read "2,765 candidates found ..., 2765 not yet reviewed"
    from dialogcode.privacy.gate import GateResult

    page = " ".join(render_report("T", evidence.documents, evidence.segments,
                                  evidence.codings, evidence.book, evidence.tables,
                                  lessons=evidence.lessons,
                                  privacy=GateResult("mask", 2765, 2765)).split())
    assert "2,765 candidates found by" in page and "2,765 not yet reviewed" in page


def test_an_event_column_separates_two_gatherings_of_one_site_on_one_day(evidence):
    # events are (site, date): a visit and a convening of one site on one day were one
    # event; the manifest's optional `event` column names each gathering apart
    same_day = evidence.documents.copy()
    same_day.loc[same_day["doc_id"] == "south/visit", "date"] = "2019-10-10"
    named = same_day.assign(event=same_day["doc_id"].map(
        {"south/visit": "morning visit", "south/closing": "afternoon convening"}).fillna(""))
    counts = []
    for documents in (same_day, named):
        result = assemble(evidence.lessons, evidence.codings, evidence.segments, documents,
                          evidence.book)
        grew = result.summary.set_index("lesson_id").loc["connection-grew"]
        page = " ".join(render_report("T", documents, evidence.segments, evidence.codings,
                                      evidence.book, evidence.tables,
                                      lessons=evidence.lessons).split())
        counts.append((grew.documents, grew.events, re.search(r"and (\d) events", page)[1]))
    assert counts == [(3, 2, "3"), (3, 3, "4")]


def _with_the_visit_in_no_phase(tmp_path):
    """A copy of the evidence study whose South site visit has no phase, with a lesson
    on money, and its evidence."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    manifest = root / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("South site visit,mid-year",
                                                     "South site visit,"))
    (root / "lessons.yaml").write_text(
        "lessons:\n  - id: money\n    statement: Money worries.\n    evidence:\n"
        "      - codes: [risk.money]\n", encoding="utf-8")
    study = Study.open(root)
    corpus = ingest(study)
    book = load_codebooks(study.codebook_files())
    return root, study_evidence(study, corpus=corpus, codings=code_corpus(
        corpus.segments, corpus.documents, book))


def test_a_lessons_shares_have_their_counts_and_say_what_no_phase_leaves_out(tmp_path):
    # report staff read "0.0% at kick-off, 0.0% at closing" as "never raised": with the
    # South's visit in no phase, the lesson's support there counts in neither share, and
    # the report must give each share's count and say how many supporting segments it
    # leaves out
    root, evidence = _with_the_visit_in_no_phase(tmp_path)
    lesson = evidence.tables["lessons"].iloc[0]
    by_phase = evidence.tables["lesson_by_phase"].set_index("phase")
    unphased = int(lesson.segments - by_phase["segments"].sum())
    assert unphased > 0 and lesson.no_phase_segments == unphased
    page = " ".join(render_study_report(evidence, "T").split())
    kickoff, closing = (by_phase.loc[p, ["segments", "phase_segments"]] for p in
                        ("kickoff", "closing"))
    assert (f"Share of segments {lesson.kickoff_share:.1%} ({kickoff.segments} of "
            f"{kickoff.phase_segments}) at kick-off, {lesson.closing_share:.1%} "
            f"({closing.segments} of {closing.phase_segments}) at closing") in page
    assert (f"{unphased} supporting segment{'s' * (unphased != 1)} of {lesson.segments} "
            f"{'is' if unphased == 1 else 'are'} in documents with no phase, so in neither "
            "share.") in page
    for command in ("ingest", "code"):
        assert CliRunner().invoke(cli, [command, str(root), "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["lessons", str(root)])
    assert result.exit_code == 0, result.output
    assert ("1 lesson(s) with evidence in documents with no phase, in no change: "
            f"money ({unphased} of {lesson.segments} segments)") in result.output


def test_the_workbook_says_what_its_tables_by_phase_leave_out(tmp_path):
    # the report says how many documents have no phase; the workbook's code_by_phase and
    # lesson_by_phase sheets, read alone, looked like the whole study
    _, evidence = _with_the_visit_in_no_phase(tmp_path)
    segments = evidence.segments
    left_out = int((segments["codable"] & (segments["doc_id"] == "south/visit")).sum())
    readme = readme_sheet("T", evidence).set_index("sheet")["description"]
    note = (f"1 document with no phase ({left_out} codable segments) is in none of its "
            "rows")
    assert note in readme["code_by_phase"] and note in readme["lesson_by_phase"]
    # the reasons the report gives, one date for the whole study among them
    assert "no date (or one date for the whole study)" in readme["code_by_phase"]
    assert "no phase" not in readme["code_by_site"]
    assert "no phase" not in readme_sheet("T", _evidence_with_lessons(
        tmp_path / "dated", "lessons:\n  - id: a\n    statement: A.\n    evidence:\n"
        "      - codes: [risk]\n")).set_index("sheet")["description"].str.cat()


@pytest.mark.parametrize("by", ["site", "event_type"])
def test_a_study_without_sites_or_event_types_still_counts_its_codings(evidence, by):
    # a manifest without a site (or event type) column left every document in the group
    # "", which the tables dropped: code_by_site had no rows and the report's heatmap
    # said "Nothing coded yet" over a study with hundreds of codings
    documents = evidence.documents.assign(**{by: ""})
    table = code_by(evidence.codings, evidence.segments, documents, evidence.book, by)
    summary = evidence.tables["codebook_summary"].set_index("code_id")
    assert set(table[by]) == {""}
    counted = table.set_index("code_id")
    assert (counted["segments"] == summary.loc[counted.index, "segments"]).all()
    assert counted["segments"].sum() > 0
    assert (counted["group_segments"] == int(evidence.segments["codable"].sum())).all()


def test_a_study_without_sites_counts_no_site_for_its_codes_and_lessons(evidence):
    # the report's overview said "from 0 sites" while each code said "1 site" and each
    # lesson "thin: 1 site": the empty site of a manifest without sites was counted
    from dialogcode.coding import coding_summary

    documents = evidence.documents.assign(site="")
    summary = codebook_summary(evidence.codings, evidence.segments, documents, evidence.book)
    assert summary["segments"].sum() > 0 and (summary["sites"] == 0).all()
    assert (coding_summary(evidence.codings, evidence.book, documents)["sites"] == 0).all()
    lessons = assemble(evidence.lessons, evidence.codings, evidence.segments, documents,
                       evidence.book).summary
    assert (lessons["sites"] == 0).all()
    supported = lessons[lessons["segments"] > 0]
    # no site threshold where there are no sites (every lesson failed it)
    assert len(supported) and not supported["flag"].str.contains("site").any()
    page = " ".join(render_report("T", documents, evidence.segments, evidence.codings,
                                  evidence.book, evidence.tables,
                                  lessons=evidence.lessons).split())
    assert "from 0 sites and" in page


def test_the_phase_heatmap_caption_names_the_phases_the_study_has(evidence, tmp_path):
    # the caption read "kick-off, mid-year, closing" over a heatmap of two columns when
    # the study had no mid-year
    def caption(page):
        return re.search(r"<figcaption>Every code by phase \(([^)]*)\)\.</figcaption>",
                         " ".join(page.split()))[1]

    assert caption(render_study_report(evidence, "T")) == "Kick-off, Mid-year, Closing"
    _, two = _with_the_visit_in_no_phase(tmp_path)
    assert set(two.tables["code_by_phase"]["phase"]) == {"kickoff", "closing"}
    assert caption(render_study_report(two, "T")) == "Kick-off, Closing"


def test_quotes_from_long_turns_never_start_or_end_inside_a_transcriber_mark(tmp_path):
    from conftest import make_study
    filler = " ".join(["and we talked about the weather and the garden"] * 7)
    root = make_study(tmp_path / "s", {"t.txt": (
        f"P1: Okay. {{vocalsound}} The rent doubled this spring. {filler}. Yeah. "
        "[inaudible] Right.\n")}, None)
    shutil.copy(FIXTURE / "codebook.yaml", root / "codebook.yaml")
    book = load_codebooks(root / "codebook.yaml")
    corpus = ingest(Study.open(root))
    codings = code_corpus(corpus.segments, corpus.documents, book)
    assert corpus.segments["n_words"].iloc[0] > 60       # a long turn: quoted by sentence
    quotes = exemplar_quotes(codings, corpus.segments, corpus.documents, book)
    text = corpus.documents.set_index("doc_id").at["t", "text"]
    for quote in quotes.itertuples():
        assert text[quote.start:quote.end] == quote.quote
        assert quote.quote.startswith("{vocalsound} The rent doubled")
        assert quote.context_before == ""       # the filler "Okay." passed over, no turn before
        assert not quote.quote.endswith("{") and "vocalsound}" not in quote.context_before


def test_a_study_without_sites_flags_no_lesson_for_its_sites(tmp_path):
    # every lesson of a study without a site column was flagged "thin: 0 sites", its
    # strongest evidence too, so the flag said nothing; events still count
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    manifest = pd.read_csv(root / "manifest.csv")
    manifest.drop(columns="site").to_csv(root / "manifest.csv", index=False)
    (root / "lessons.yaml").write_text(
        "thresholds: {min_sites: 2, min_events: 2}\n"
        "lessons:\n"
        "  - id: connection-grew\n    statement: Connection grew.\n"
        "    evidence:\n      - codes: [connection]\n"
        "  - id: money\n    statement: Money worries.\n"
        "    evidence:\n      - codes: [risk.money]\n        event_types: [site_visit_dialogue]\n",
        encoding="utf-8")
    study = Study.open(root)
    corpus = ingest(study)
    codings = code_corpus(corpus.segments, corpus.documents,
                          load_codebooks(study.codebook_files()))
    lessons = study_evidence(study, corpus=corpus, codings=codings
                             ).tables["lessons"].set_index("lesson_id")
    assert lessons.loc["connection-grew", "sites"] == 0
    assert lessons.loc["connection-grew", "flag"] == ""
    assert lessons.loc["money", "flag"] == "thin: 1 event"


def test_a_quote_counts_its_words_as_its_segment_does(tmp_path):
    from conftest import make_study
    said = "P1: Rent -- it went up -- twice ... so we moved, you know? The rent.\n"
    root = make_study(tmp_path / "s", {"t.txt": said}, None)
    shutil.copy(FIXTURE / "codebook.yaml", root / "codebook.yaml")
    book = load_codebooks(root / "codebook.yaml")
    corpus = ingest(Study.open(root))
    codings = code_corpus(corpus.segments, corpus.documents, book)
    quotes = exemplar_quotes(codings, corpus.segments, corpus.documents, book)
    segment = corpus.segments.set_index("seg_id").loc["t:t1"]
    assert set(quotes["quote"]) == {segment["text"]}
    # split on spaces, the dashes and dots were words: 15 for the segment's 12
    assert set(quotes["n_words"]) == {segment["n_words"]} == {12}
