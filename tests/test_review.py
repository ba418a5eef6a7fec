"""Review decisions, final codings, human coder files and `dialogcode agree`, on the
evidence fixture (see the table at the top of test_tables.py)."""
import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.ingest import load_corpus
from dialogcode.review import final_codings, load_decisions

from conftest import run_evidence


@pytest.fixture
def study(tmp_path):
    return run_evidence(tmp_path / "study")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def fill(sheet_path: Path, decisions: dict[tuple[str, str], str]) -> None:
    book = openpyxl.load_workbook(sheet_path)
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    seg, code, decision = (header.index(n) for n in ("seg_id", "code_id", "decision"))
    for row in sheet.iter_rows(min_row=2):
        key = (row[seg].value, row[code].value)
        if key in decisions:
            row[decision].value = decisions[key]
    book.save(sheet_path)


def test_review_sheet_has_one_row_per_code_on_a_segment_and_a_dropdown(study):
    result = invoke("review", "export", study)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(study / "out" / "review.xlsx")
    sheet = book["review"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [c.value for c in sheet[1]]
    # 12 codings, but kickoff t2 has housing twice and visit t2 money twice
    assert len(rows) == 10
    kickoff = [r for r in rows if r[0] == "north/kickoff:t2"][0]
    assert kickoff[header.index("matched")] == "rent | evicted"
    assert kickoff[header.index("source")] == "rule"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"accept,reject"'
    letter = openpyxl.utils.get_column_letter(header.index("decision") + 1)
    assert str(validation.sqref) == f"{letter}2:{letter}11"


def test_a_review_sheet_is_read_within_the_study_limits(study):
    assert invoke("review", "export", study).exit_code == 0
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "limits: {cells: 50}\n")
    result = invoke("review", "import", study / "out" / "review.xlsx", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "refused: the first sheet has more than 50 cells (limit cells: 50" in result.output


def test_a_sheet_imported_before_it_was_filled_says_what_to_do(study):
    # "0 new, 0 changed, 0 unchanged decisions" alone left a newcomer who had not saved
    # the filled sheet with nothing to go on
    assert invoke("review", "export", study).exit_code == 0
    result = invoke("review", "import", study / "out" / "review.xlsx", study)
    assert result.exit_code == 0, result.output
    assert ("decisions.csv\nNone of the "
            "sheet's 10 rows has a decision: choose accept or reject in its decision "
            "column, save the sheet and import it again\n") in result.output
    fill(study / "out" / "review.xlsx", {("north/kickoff:t3", "risk.housing"): "reject"})
    result = invoke("review", "import", study / "out" / "review.xlsx", study)
    assert result.exit_code == 0, result.output
    assert "None of the sheet's" not in result.output


def test_rejections_leave_the_final_codings_and_decisions_survive(study):
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject",
                 ("north/closing:t2", "connection"): "Accept"})
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 0, result.output
    assert "2 new, 0 changed, 0 unchanged decisions" in result.output
    decisions = pd.read_csv(study / "decisions.csv")
    assert set(decisions["decision"]) == {"reject", "accept"}
    assert set(decisions["reviewer"]) == {"ana"}

    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    assert not ((final.seg_id == "north/kickoff:t3") & (final.code_id == "risk.housing")).any()
    assert len(final) == 11          # one of 12 rule codings rejected
    invoke("run", study, "-q")
    by_site = pd.read_csv(study / "out" / "tables" / "code_by_site.csv")
    north = by_site[(by_site.code_id == "risk.housing") & (by_site.site == "North")]
    assert north["segments"].item() == 2          # was 3

    # the sheet shows earlier decisions; changing one is counted as a change
    invoke("review", "export", study)
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "accept"})
    assert "0 new, 1 changed, 1 unchanged" in invoke("review", "import", sheet,
                                                     study).output

    # a codebook edit that removes the accepted coding keeps it (a person judged the
    # passage), says so and shows it as the reviewer's
    book = study / "codebook.yaml"
    book.write_text(book.read_text().replace("terms: [neighbours, together]",
                                             "terms: [together]"))
    result = invoke("code", study)
    assert "1 accepted rule coding(s) are no longer made by the rules" in result.output
    assert "north/closing:t2  connection  ana" in result.output
    assert "no longer apply" not in result.output
    assert len(pd.read_csv(study / "decisions.csv")) == 2
    # a warning, on stderr as every other warning: `code -q` prints nothing on stdout
    quiet = invoke("code", study, "-q")
    assert quiet.exit_code == 0 and quiet.stdout == "", quiet.stdout
    assert "Warning: 1 accepted rule coding(s)" in quiet.stderr


def test_an_accepted_rule_coding_the_rules_no_longer_make_stays_as_learn_learns_it(study):
    # learn trained on it as a positive while the tables dropped it
    from dialogcode.codebook import load_codebooks
    from dialogcode.training import training_data

    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer\n"
        "north/closing:t2,connection,accept,rule,ana\n"
        "north/kickoff:t3,risk.housing,reject,rule,ana\n")
    book = study / "codebook.yaml"
    book.write_text(book.read_text().replace("terms: [neighbours, together]",
                                             "terms: [together]"))
    assert invoke("run", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert not ((codings.seg_id == "north/closing:t2")
                & (codings.code_id == "connection")).any()
    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    kept = final[(final.seg_id == "north/closing:t2") & (final.code_id == "connection")]
    assert kept[["source", "rule_id"]].values.tolist() == [["reviewer", "reviewer"]]
    segment = corpus.segments.set_index("seg_id").loc["north/closing:t2"]
    assert kept["quote"].item() == segment["text"]
    data = training_data(opened, corpus.segments, load_codebooks(opened.codebook_files()))
    row = list(data.item_ids).index("north/closing:t2")
    assert data.labels[row, data.codes.index("connection")] == 1
    by_site = pd.read_csv(study / "out" / "tables" / "code_by_site.csv")
    assert by_site[(by_site.code_id == "connection") & (by_site.site == "North")
                   ]["segments"].item() >= 1
    # the sheet shows it as the reviewer's, to be rejected if it no longer applies
    assert invoke("review", "export", study, "-o", study / "out" / "r.csv").exit_code == 0
    sheet = pd.read_csv(study / "out" / "r.csv", dtype=str).fillna("")
    shown = sheet[(sheet.seg_id == "north/closing:t2") & (sheet.code_id == "connection")]
    assert shown[["source", "decision"]].values.tolist() == [["reviewer", "accept"]]


def test_a_decision_on_a_code_taken_out_of_the_codebook_is_not_kept_silently(study):
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/closing:t2,connection,accept,rule,ana\n")
    book = study / "codebook.yaml"
    text = book.read_text()
    book.write_text(text[:text.index("  - id: connection")])
    (study / "lessons.yaml").unlink()              # its lesson names the code too
    result = invoke("code", study, "-q")
    assert result.exit_code == 0, result.output
    assert "accepted rule coding" not in result.stderr
    assert ("north/closing:t2  connection  accept    code not in the codebook"
            in result.stderr)
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "code 'connection' is not in the codebook" in result.output


def test_a_code_taken_out_of_the_codebook_is_refused_one_way_saying_what_to_do(study):
    # a codebook edit renames or removes a code people had decided on and coded: the
    # decision and the coder file were refused in two wordings, the coder file's saying
    # nothing of what to do
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/kickoff:t3,risk.housing,reject,rule,ana\n"
                                         "north/closing:t2,connection,accept,rule,ana\n")
    coder = write_coder(study, "sam", "north/closing:t2,connection\n")
    book = study / "codebook.yaml"
    text = book.read_text()
    book.write_text(text[:text.index("  - id: connection")])
    (study / "lessons.yaml").unlink()              # its lesson names the code too
    assert invoke("code", study, "-q").exit_code == 0
    advice = ("code 'connection' is not in the codebook: change it to one of its code ids "
              "(the code's new id, if it was renamed there), or delete the row if the code "
              "was taken out")
    # both files in one run (decisions.csv's rows were reported first, the coder file's
    # only on the next run), by `tables`, `learn` and `suggest` alike
    for command in ("tables", "learn", "suggest"):
        result = invoke(command, study)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"{study / 'decisions.csv'}:3: {advice}" in result.output, command
        assert f"{coder}:2: {advice}" in result.output, command
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/kickoff:t3,risk.housing,reject,rule,ana\n")
    result = invoke("tables", study)
    assert result.exit_code == 1 and f"{coder}:2: {advice}" in result.output
    # done as it says, every command runs again
    coder.write_text("seg_id,code_id\nnorth/closing:t2,risk.money\n", encoding="utf-8")
    assert invoke("tables", study, "-q").exit_code == 0


def test_a_sheet_leaves_out_a_decision_on_a_code_taken_out_of_the_codebook(study):
    # export listed the accept on the removed code with its decision filled in, and
    # import then refused the sheet export itself wrote ("unknown code")
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/closing:t2,connection,accept,rule,ana\n")
    book = study / "codebook.yaml"
    text = book.read_text()
    book.write_text(text[:text.index("  - id: connection")])
    (study / "lessons.yaml").unlink()              # its lesson names the code too
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("review", "export", study).exit_code == 0
    sheet = study / "out" / "review.xlsx"
    rows = list(openpyxl.load_workbook(sheet)["review"].iter_rows(min_row=2,
                                                                  values_only=True))
    assert rows and not [r for r in rows if "connection" in r]
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed" in result.output
    # the decision stays in decisions.csv, for a person to rename or delete
    assert "connection" in (study / "decisions.csv").read_text(encoding="utf-8")


def test_an_accepted_rule_coding_of_a_preamble_no_longer_coded_is_named(study):
    # accepted while code_preamble was true; once false the rule no longer codes the
    # preamble, and the accept would have put a coding the tables never count there
    (study / "transcripts" / "north" / "notes.txt").write_text(
        "Rent notes, March 2019\n\nP1: Neighbours came.\n", encoding="utf-8")
    with (study / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("north/notes.txt,North,coaching_call,2019-03-03,Notes,mid-year\n")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "code_preamble: true\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert ((codings.seg_id == "north/notes:t1") & (codings.code_id == "risk.housing")).any()
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source,reviewer\n"
                                         "north/notes:t1,risk.housing,accept,rule,ana\n")
    config.write_text(config.read_text().replace("code_preamble: true\n", ""))
    assert invoke("ingest", study, "-q").exit_code == 0
    result = invoke("code", study, "-q")
    assert result.exit_code == 0
    # not listed as kept in the final codings, which the tables then refused
    assert "accepted rule coding" not in result.stderr
    assert ("north/notes:t1  risk.housing  accept    a preamble, which is never coded: "
            "reject the code or delete the row") in result.stderr
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{study / 'decisions.csv'}:2: north/notes:t1 is a preamble, which is never "
            "coded") in result.output
    assert "reject the code or delete the row" in result.output
    # learn left it out too, and said there was no decisions.csv
    result = invoke("learn", study)
    assert result.exit_code == 1 and "no coder file in codings/ or decision in " \
        "decisions.csv codes a segment the models learn from" in result.output
    # the sheet leaves it out: shown accepted there, its import refused the sheet
    # export itself wrote ("a preamble, which is never coded")
    assert invoke("review", "export", study).exit_code == 0
    sheet = study / "out" / "review.xlsx"
    rows = list(openpyxl.load_workbook(sheet)["review"].iter_rows(min_row=2,
                                                                  values_only=True))
    assert rows and not [r for r in rows if r[0] == "north/notes:t1"]
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output


def test_a_hand_written_reject_of_a_code_nobody_proposed_says_so(study):
    # listed as "coding no longer produced", it read as if a rule had once coded it
    (study / "decisions.csv").write_text("seg_id,code_id,decision\n"
                                         "north/kickoff:t2,connection,reject\n"
                                         "north/kickoff:t2,risk.housing,reject\n")
    result = invoke("code", study, "-q")
    assert result.exit_code == 0, result.output
    assert "Warning: 1 review decision(s) no longer apply" in result.stderr
    assert ("north/kickoff:t2  connection  reject    nothing to reject: no rule or model "
            "proposes this code here") in result.stderr
    assert "no longer produced" not in result.stderr and "risk.housing" not in result.stderr
    # a rule's coding rejected, then no longer produced, is still said to be gone
    (study / "decisions.csv").write_text("seg_id,code_id,decision,source\n"
                                         "north/kickoff:t2,connection,reject,rule\n")
    result = invoke("code", study, "-q")
    assert "connection  reject    coding no longer produced" in result.stderr


def test_bad_decisions_are_reported_with_their_line(study, tmp_path):
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,decision\n"
                     "north/kickoff:t2,risk.housing,accept\n"
                     "north/kickoff:t3,risk.money,maybe\n"
                     "nowhere:t1,risk.money,reject\n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert f"{sheet}:3 [north/kickoff:t3]: decision must be accept or reject, not 'maybe'" \
        in result.output
    assert f"{sheet}:4: unknown seg_id 'nowhere:t1'" in result.output
    assert not (study / "decisions.csv").exists()


def test_a_seg_id_cell_of_words_is_shown_as_transcript_text_is(study, tmp_path):
    # a quote pasted into the seg_id column of a review sheet or decisions.csv was shown
    # whole and unmasked after "unknown seg_id"; as `import-codings` shows such a cell,
    # it is masked and cut short, and not shown without the study's privacy scan
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,decision\n"
                     "The rent keeps rising,risk.housing,accept\n"
                     "nowhere:t1,risk.money,reject\n", encoding="utf-8")
    decisions = "seg_id,code_id,decision\nThe rent keeps rising,risk.housing,accept\n"
    for scan in (study / "out").glob("privacy.*"):      # as if never scanned
        scan.unlink()
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert f"{sheet}:2: unknown seg_id\n" in result.output
    assert f"{sheet}:3: unknown seg_id 'nowhere:t1'" in result.output
    assert "rent" not in result.output.replace(str(tmp_path), "")
    (study / "decisions.csv").write_text(decisions, encoding="utf-8")
    result = invoke("tables", study)
    assert result.exit_code == 1
    assert f"{study / 'decisions.csv'}:2: unknown seg_id; the transcripts changed" \
        in result.output
    assert "rent" not in result.output.replace(str(tmp_path), "")
    (study / "decisions.csv").unlink()
    (study / "privacy.yaml").write_text("always: [rent]\n", encoding="utf-8")
    assert invoke("privacy", "scan", study, "-q").exit_code == 0
    result = invoke("review", "import", sheet, study)
    assert f"{sheet}:2: unknown seg_id ('The [PLACE OR TERM] keeps rising')\n" in result.output
    (study / "decisions.csv").write_text(decisions, encoding="utf-8")
    result = invoke("tables", study)
    assert (f"{study / 'decisions.csv'}:2: unknown seg_id ('The [PLACE OR TERM] keeps "
            "rising'); the transcripts changed") in result.output
    assert "rent" not in result.output.replace(str(tmp_path), "")


def write_coder(study: Path, name: str, rows: str) -> Path:
    path = study / "codings" / f"{name}.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("seg_id,code_id\n" + rows, encoding="utf-8")
    return path


def test_human_codings_join_the_final_codings_unless_left_out(study):
    write_coder(study, "sam", "north/kickoff:t1,risk.money\nsouth/closing:t2,connection\n")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    segments = corpus.segments
    final = final_codings(opened, segments, corpus.documents)
    human = final[final["source"] == "human:sam"]
    assert list(human["seg_id"]) == ["north/kickoff:t1", "south/closing:t2"]
    texts = segments.set_index("seg_id")["text"]
    assert human["quote"].tolist() == [texts["north/kickoff:t1"], texts["south/closing:t2"]]
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "final_coders: []\n")
    assert len(final_codings(Study.open(study), segments, corpus.documents)) == 12
    config.write_text(config.read_text().replace("final_coders: []", "final_coders: [kim]"))
    result = invoke("tables", study)
    assert result.exit_code == 1 and "final_coders: no codings/kim.csv" in result.output


def test_a_coder_file_with_unknown_codes_or_segments_is_refused(study):
    path = write_coder(study, "sam", "north/kickoff:t1,risk.mony\nnorth/x:t9,connection\n")
    result = invoke("tables", study)
    assert result.exit_code == 1
    assert f"{path}:2: code 'risk.mony' is not in the codebook" in result.output
    assert f"{path}:3: unknown seg_id 'north/x:t9'" in result.output


def test_a_coder_file_with_a_stray_quote_is_refused_at_its_line(study):
    # pandas' loose reading would glue 'said' onto the code and run rows together;
    # the strict reader names the line instead of losing or merging a coding
    path = write_coder(study, "sam", 'north/kickoff:t1,"connection" said\n'
                                     'north/kickoff:t2,connection\n')
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:2: text after a closing quote" in result.output


def test_a_coder_file_giving_one_coding_twice_is_refused_at_the_repeat(study):
    # a row pasted twice joined the final codings twice: the code's codings in the
    # tables (codebook_summary, co-occurrence's c-coefficient) counted it twice
    path = write_coder(study, "sam", "north/kickoff:t1,connection\n"
                                     "north/kickoff:t2,connection\n"
                                     "north/kickoff:t1,connection\n")
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{path}:4: repeats line 2 (the same code on the same segment)"
            in result.output)
    # the same code on two spans of one segment is two codings, not a repeat
    segment = pd.read_parquet(study / "out" / "segments.parquet").set_index("seg_id").loc[
        "north/kickoff:t1"]
    a, b = int(segment["start"]), int(segment["end"])
    path.write_text(f"seg_id,code_id,start,end\nnorth/kickoff:t1,connection,{a},{a + 3}\n"
                    f"north/kickoff:t1,connection,{b - 3},{b}\n", encoding="utf-8")
    result = invoke("tables", study)
    assert result.exit_code == 0, result.output
    # two coders' rows merged into one file: keeping one row would lose who coded what
    path.write_text("seg_id,code_id,source\nnorth/kickoff:t1,connection,human:ana\n"
                    "north/kickoff:t1,connection,human:ben\n", encoding="utf-8")
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{path}:3: repeats line 2 (the same code on the same segment); the rows name "
            "two sources (human:ana, human:ben), but a coder file is one coder's: give each "
            "coder a file of their own") in " ".join(result.output.split())
    # one coder written two ways, or a row kept from the rules, is a plain repeat
    for other in ("human: Ana", "rule"):
        path.write_text("seg_id,code_id,source\nnorth/kickoff:t1,connection,human:ana\n"
                        f"north/kickoff:t1,connection,{other}\n", encoding="utf-8")
        result = invoke("tables", study)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert (f"{path}:3: repeats line 2 (the same code on the same segment); delete "
                "one, or it counts as two codings") in " ".join(result.output.split())


def test_a_coder_file_naming_several_coders_is_refused(study):
    # two coders' rows merged into one file, none repeated: every row was credited to
    # the file's coder, so agree compared two people's coding as one person's
    path = write_coder(study, "sam", "")
    path.write_text("seg_id,code_id,source\nnorth/kickoff:t1,connection,human:ana\n"
                    "north/kickoff:t2,connection,human:ana\n"
                    "north/closing:t2,connection,human:ben\n"
                    "south/visit:t3,connection,\n", encoding="utf-8")
    result = invoke("agree", "rules", "sam", "-s", study, "--min-units", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{path}:4: the source column names 2 coders: human:ana (from line 2), "
            "human:ben (from line 4); a coder file is one coder's") in result.output
    assert "Give each coder a file of their own" in " ".join(result.output.split())
    assert not (study / "out" / "agreement").exists()


@pytest.mark.parametrize("sources", [["human:sam", "human:sam"], ["", ""],
                                     ["human:ana", ""], ["ana", "human:ana"],
                                     ["human:Sam", "human: sam"], ["rule", "human:sam"],
                                     ["rule", "model"]],
                         ids=["the file's coder", "empty", "one other coder",
                              "one coder written two ways", "in another case and spacing",
                              "beside rows kept from the rules", "the toolkit's sources"])
def test_a_coder_file_naming_one_coder_or_none_reads(study, sources):
    path = write_coder(study, "sam", "")
    path.write_text("seg_id,code_id,source\n"
                    f"north/kickoff:t1,connection,{sources[0]}\n"
                    f"north/closing:t2,connection,{sources[1]}\n", encoding="utf-8")
    result = invoke("agree", "rules", "sam", "-s", study, "--min-units", "1")
    assert result.exit_code == 0, result.output
    assert (study / "out" / "agreement" / "rules-vs-sam.csv").is_file()


def test_agree_rules_against_a_coder(study):
    # sam agrees with the rules on connection everywhere; on housing sam misses
    # north/kickoff:t3 and adds north/kickoff:t1
    write_coder(study, "sam", "\n".join([
        "north/closing:t2,connection", "north/closing:t3,connection",
        "south/visit:t3,connection", "south/closing:t1,connection",
        "north/kickoff:t1,risk.housing", "north/kickoff:t2,risk.housing",
        "north/closing:t3,risk.housing", "south/visit:t3,risk.housing"]) + "\n")
    result = invoke("agree", "rules", "sam", "-s", study, "--reference", "sam",
                    "--code", "connection", "--code", "risk.housing", "--min-units", "1")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(study / "out" / "agreement" / "rules-vs-sam.csv").set_index("code_id")
    assert table.loc["connection", "krippendorff_alpha"] == 1.0
    assert table.loc["connection", "verdict"] == "reliable"
    # housing over 12 segments: both 3, rules only 1, sam only 1, neither 7
    housing = table.loc["risk.housing"]
    assert (housing.both, housing.only_first, housing.only_second, housing.neither) == \
        (3, 1, 1, 7)
    assert housing.percent_agreement == pytest.approx(10 / 12)
    assert housing.precision == housing.recall == pytest.approx(3 / 4)
    disagreements = pd.read_csv(study / "out" / "agreement" /
                                "rules-vs-sam-disagreements.csv")
    assert set(disagreements["seg_id"]) == {"north/kickoff:t1", "north/kickoff:t3"}
    # the report compares the rules with every coder
    invoke("run", study, "-q")
    assert "Rules against coder 'sam'" in (study / "out" / "report.html").read_text()


@pytest.mark.parametrize("before, after", [("", ",,"), (",", "")],
                         ids=["Excel's trailing columns without a name", "a pandas index"])
def test_a_coder_file_with_nameless_columns_reads_as_without(study, before, after):
    # two columns without a name ended in a traceback (cannot reindex on an axis with
    # duplicate labels) in agree, learn and run
    rows = ["north/kickoff:t1,risk.housing", "north/kickoff:t2,risk.housing",
            "south/visit:t3,connection"]
    index = iter(range(10)) if before else iter([""] * 10)
    path = write_coder(study, "sam", "")
    path.write_text("\n".join([f"{before}seg_id,code_id{after}",
                               *(f"{next(index)}{before}{row}{after}" for row in rows),
                               f"{before},{after}", ""]), encoding="utf-8")
    result = invoke("agree", "rules", "sam", "-s", study, "--min-units", "1")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(study / "out" / "agreement" / "rules-vs-sam.csv")
    write_coder(study, "sam", "\n".join(rows) + "\n")
    assert invoke("agree", "rules", "sam", "-s", study, "--min-units", "1").exit_code == 0
    pd.testing.assert_frame_equal(
        table, pd.read_csv(study / "out" / "agreement" / "rules-vs-sam.csv"))


def test_agree_needs_known_names(study):
    write_coder(study, "eve", "north/kickoff:t1,risk.money\n")
    result = invoke("agree", "rules", "nobody", "-s", study)
    assert result.exit_code == 2
    assert (f"Error: {study / 'codings' / 'nobody.csv'}: no codings named 'nobody' (known: "
            "rules, eve)") in result.output
    # a folder named like a coder file was listed as a known coder, then refused as none
    (study / "codings" / "ann.csv").mkdir()
    result = invoke("agree", "rules", "ann", "-s", study)
    assert result.exit_code == 1
    assert (f"Error: {study / 'codings' / 'ann.csv'}: a folder (or a link to nothing), not a "
            "coder file; move it out of codings/") in result.output
    (study / "codings" / "ann.csv").rmdir()
    assert invoke("agree", "rules", "-s", study).exit_code == 2
    result = invoke("agree", "rules", "eve", "-s", study, "--reference", "sam")
    assert result.exit_code == 2
    assert "Error: reference 'sam' is not one of the codings compared (rules, eve)" \
        in result.output
    write_coder(study, "ann", "north/kickoff:t1,risk.money\n")
    result = invoke("agree", "rules", "eve", "ann", "-s", study, "--reference", "eve")
    assert result.exit_code == 2
    assert ("Error: reference 'eve': precision, recall and F1 score one coding against "
            "another, so it needs exactly two codings, not 3") in result.output
    result = invoke("agree", "rules", "eve", "-s", study, "--code", "risk.hosing")
    assert result.exit_code == 2
    assert ("Error: Invalid value for '--code': 'risk.hosing' is not a code id of the "
            "codebook; did you mean risk.housing") in result.output


def test_accepted_suggestions_and_span_codings_join_the_final_codings(study):
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        "north/kickoff:t1,connection,accept,suggestion,ana,,\n"
        "north/kickoff:t4,connection,reject,suggestion,ana,,\n", encoding="utf-8")
    path = study / "codings" / "bob.csv"
    path.parent.mkdir()
    opened = Study.open(study)
    corpus = load_corpus(opened)
    texts = corpus.documents.set_index("doc_id")["text"]
    start = texts["north/closing"].index("the rent")
    path.write_text(f"seg_id,code_id,start,end\nsouth/visit:t2,risk.money,,\n"
                    f"north/closing:t3,risk.housing,{start},{start + 8}\n", encoding="utf-8")
    final = final_codings(opened, corpus.segments, corpus.documents)
    accepted = final[final["source"] == "suggestion"]
    assert accepted[["seg_id", "code_id"]].values.tolist() == [["north/kickoff:t1",
                                                                "connection"]]
    assert accepted["quote"].item() == "What worries people here?"
    span = final[(final["source"] == "human:bob") & (final["seg_id"] == "north/closing:t3")]
    assert (span["start"].item(), span["quote"].item()) == (start, "the rent")
    whole = final[(final["source"] == "human:bob") & (final["seg_id"] == "south/visit:t2")]
    assert whole["quote"].item() == "Debt is the worry. Wages too."
    # nothing in out/ is needed for the accepted suggestion to stay
    result = invoke("run", study, "-q")
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(study / "out" / "tables" / "coded_segments.csv").set_index("seg_id")
    assert coded.at["north/kickoff:t1", "connection"] == 1


def test_non_numeric_offsets_and_blank_hashes_in_a_coder_file(study):
    path = write_coder(study, "sam", "")
    path.write_text("seg_id,code_id,start,end,sha256\n"
                    "north/kickoff:t2,risk.housing,,,\n"
                    "north/kickoff:t3,risk.money,ten,20,\n", encoding="utf-8")
    result = invoke("agree", "rules", "sam", "-s", study)
    assert result.exit_code == 1 and f"{path}:3: start 'ten' is not a number" in result.output
    path.write_text("seg_id,code_id,start,end,sha256\nnorth/kickoff:t2,risk.housing,,,\n",
                    encoding="utf-8")
    assert invoke("agree", "rules", "sam", "-s", study).exit_code == 0


def test_rules_count_as_having_read_documents_where_they_found_nothing(study):
    # the rules coded nothing in south/closing:t2; a coder who codes it there is a
    # disagreement, not a unit without a rules value
    write_coder(study, "eve", "south/closing:t2,connection\n")
    result = invoke("agree", "rules", "eve", "-s", study, "--reference", "eve",
                    "--code", "connection")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(study / "out" / "agreement" / "rules-vs-eve.csv").set_index("code_id")
    # south/closing has 2 segments: t1 (rules only), t2 (eve only)
    assert table.loc["connection", ["units", "both", "only_first", "only_second"]].tolist() \
        == [2, 0, 1, 1]


def test_a_filled_sheet_is_not_overwritten_before_it_is_imported(study):
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    result = invoke("review", "export", study)
    assert result.exit_code == 2
    # an import refusing a row ("export the sheet again and decide the row there")
    # leaves its sheet's decisions not imported: the way out is named
    assert (f"Error: {sheet}: holds 1 decision(s) not yet imported; run `dialogcode review "
            "import` on it first, write the new sheet to another file (-o), or pass --force"
            ) in " ".join(result.output.split())
    assert invoke("review", "import", sheet, study).exit_code == 0
    assert invoke("review", "export", study).exit_code == 0     # imported: safe now
    broken = study / "broken.xlsx"
    broken.write_text("not a workbook")
    result = invoke("review", "import", broken, study)
    assert result.exit_code == 1 and "not a readable .xlsx workbook" in result.output


def test_a_note_written_on_an_imported_decision_is_not_overwritten(study):
    # the decision was imported; a note added to its row afterwards was lost unsaid
    # when the next export wrote over the sheet
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    assert invoke("review", "import", sheet, study).exit_code == 0
    book = openpyxl.load_workbook(sheet)
    rows = book["review"]
    header = [c.value for c in rows[1]]
    (row,) = [r for r in rows.iter_rows(min_row=2)
              if (r[header.index("seg_id")].value, r[header.index("code_id")].value)
              == ("north/kickoff:t3", "risk.housing")]
    row[header.index("note")].value = "a landlord, not the rent"
    book.save(sheet)
    result = invoke("review", "export", study)
    assert result.exit_code == 2
    assert f"Error: {sheet}: holds 1 decision(s) not yet imported" in result.output
    assert invoke("review", "import", sheet, study).exit_code == 0
    assert decisions_rows(study)[0]["note"] == "a landlord, not the rent"
    assert invoke("review", "export", study).exit_code == 0     # imported: safe now


def decisions_rows(study: Path) -> list[dict]:
    with (study / "decisions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_importing_a_sheet_again_keeps_each_decisions_reviewer_and_time(study):
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    (earlier,) = decisions_rows(study)
    assert earlier["reviewer"] == "ana" and earlier["decided_at"]
    path = study / "decisions.csv"
    path.write_text(path.read_text().replace(earlier["decided_at"], "2024-01-02T03:04:05Z"))

    invoke("review", "export", study)               # shows ana's decision, filled in
    fill(sheet, {("north/closing:t2", "connection"): "accept"})
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert "1 new, 0 changed, 1 unchanged decisions; 2 in" in result.output
    rows = {r["seg_id"]: r for r in decisions_rows(study)}
    assert (rows["north/kickoff:t3"]["reviewer"], rows["north/kickoff:t3"]["decided_at"]) \
        == ("ana", "2024-01-02T03:04:05Z")
    assert rows["north/closing:t2"]["reviewer"] == "bo"

    fill(sheet, {("north/kickoff:t3", "risk.housing"): "accept"})     # bo changes it
    assert "0 new, 1 changed, 1 unchanged" in invoke("review", "import", sheet, study,
                                                     "--reviewer", "bo").output
    assert {r["reviewer"] for r in decisions_rows(study)} == {"bo"}


def import_with_files_up_to(size: int, sheet: Path, study: Path):
    """`review import` of ``sheet`` in a process that cannot write a file past ``size``
    bytes (a full disk, for the files it writes)."""
    import os
    import resource
    import subprocess
    import sys

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return subprocess.run([sys.executable, "-m", "dialogcode", "review", "import",
                           str(sheet), str(study)], capture_output=True, text=True,
                          preexec_fn=limited,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})


def test_a_history_row_that_cannot_be_written_whole_is_not_left_half(study):
    # appending to decisions-history.csv on a full disk left half a row, which the next
    # decision's row then ran on from
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    history = study / "decisions-history.csv"
    row = history.read_text(encoding="utf-8").splitlines()[1]
    history.write_text(history.read_text(encoding="utf-8") + f"{row}\n" * 500,
                       encoding="utf-8")
    before, decided = history.read_bytes(), (study / "decisions.csv").read_bytes()
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "accept"})

    # a write past the history's size fails, as on a full disk
    result = import_with_files_up_to(len(before) + 20, sheet, study)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"Error: {history}: cannot write: File too large; no decision was recorded "
            "(decisions.csv is as it was)") in result.stderr
    assert history.read_bytes() == before
    assert (study / "decisions.csv").read_bytes() == decided


def test_a_new_history_that_cannot_be_written_whole_is_not_left_empty(study):
    # making decisions-history.csv and then failing to write its rows (a full disk) left
    # an empty file behind
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    history = study / "decisions-history.csv"
    whole = len(history.read_bytes())       # its header and a row like the next one
    history.unlink()
    decided = (study / "decisions.csv").read_bytes()
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "accept"})

    # the new history's row fails part-way, as on a full disk
    result = import_with_files_up_to(whole - 20, sheet, study)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"Error: {history}: cannot write: File too large; no decision was recorded "
            "(decisions.csv is as it was)") in result.stderr
    assert not history.exists()
    assert (study / "decisions.csv").read_bytes() == decided


def test_a_decisions_file_that_cannot_be_replaced_leaves_no_history_row(study):
    # the history is appended first: when decisions.csv then cannot be written, the
    # history must not keep a row (nor a file) for a decision that was not recorded
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    decisions = study / "decisions.csv"
    row = decisions.read_text(encoding="utf-8").splitlines()[1]
    many = "".join(row.replace("north/kickoff:t3", f"north/kickoff:t{i}x") + "\n"
                   for i in range(400))
    decisions.write_text(decisions.read_text(encoding="utf-8") + many, encoding="utf-8")
    decided = decisions.read_bytes()
    history = study / "decisions-history.csv"
    history.unlink()                        # the history is for people: one deleted it
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "accept"})

    # decisions.csv is too large to write again, as on a full disk
    result = import_with_files_up_to(len(decided) // 2, sheet, study)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"Error: {decisions}: cannot write: File too large; no decision was recorded "
            "(decisions-history.csv is as it was)") in result.stderr
    assert decisions.read_bytes() == decided and not history.exists()


def test_a_history_that_cannot_be_opened_is_named_and_nothing_is_recorded(study):
    # a folder in its place (as a file without write permission, or a full disk when the
    # file is made): the message was the rollback's, and decisions.csv had changed
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "reject"})
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    decided = (study / "decisions.csv").read_bytes()
    history = study / "decisions-history.csv"
    history.unlink()
    history.mkdir()
    fill(sheet, {("north/kickoff:t3", "risk.housing"): "accept"})
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"Error: {history}: cannot write: Is a directory; no decision was recorded "
            "(decisions.csv is as it was)") in result.output
    assert (study / "decisions.csv").read_bytes() == decided

def test_csv_sheets_round_trip_ids_and_notes_that_look_like_formulas(study):
    (study / "transcripts" / "-rf.txt").write_text("P1: The rent is due.\n", encoding="utf-8")
    with (study / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("-rf.txt,South,site_visit_dialogue,2019-05-06,Dash,mid-year\n")
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / "review.csv"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    text = sheet.read_text(encoding="utf-8")
    assert "\n'-rf:t1,risk.housing," in text             # neutralised for spreadsheets
    sheet.write_text(text.replace("\n'-rf:t1,risk.housing,Housing,rule,rent,,P1,South,'-rf,"
                                  "The rent is due.,,",
                                  "\n'-rf:t1,risk.housing,Housing,rule,rent,,P1,South,'-rf,"
                                  "The rent is due.,accept,'=SUM(A1) is due"), encoding="utf-8")
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 0, result.output
    (row,) = decisions_rows(study)      # neutralised in decisions.csv too, read as written
    assert (row["seg_id"], row["note"]) == ("'-rf:t1", "'=SUM(A1) is due")
    decided = load_decisions(Study.open(study))
    assert decided[["seg_id", "note"]].values.tolist() == [["-rf:t1", "=SUM(A1) is due"]]

    # exported again, to .csv and .xlsx, the decision reads back unchanged
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    assert "'-rf:t1" in sheet.read_text(encoding="utf-8")
    assert "0 new, 0 changed, 1 unchanged" in invoke("review", "import", sheet, study).output
    assert invoke("review", "export", study).exit_code == 0
    assert "0 new, 0 changed, 1 unchanged" in invoke("review", "import",
                                                     study / "out" / "review.xlsx",
                                                     study).output
    assert decisions_rows(study) == [row]


def test_a_csv_sheet_saved_with_semicolons_is_refused_with_a_message(study):
    # Excel in many languages saves CSV with semicolons (and a byte-order mark): the
    # import stopped with a TypeError traceback
    assert invoke("review", "export", study).exit_code == 0
    book = openpyxl.load_workbook(study / "out" / "review.xlsx")
    rows = [["" if v is None else v for v in row]
            for row in book["review"].iter_rows(values_only=True)]
    rows[1][rows[0].index("decision")] = "accept"
    sheet = study / "review.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, delimiter=";").writerows(rows)
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:1: the header is one column" in result.output
    assert "separated by ';', not commas" in result.output
    assert not (study / "decisions.csv").exists()


@pytest.mark.parametrize("content, message", [
    ("seg_id,code_id,decision\nnorth/kickoff:t2,risk.housing,accept,oops\n",
     "decisions.csv:2: 4 values for 3 columns; put a value that holds a comma in quotes"),
    ("seg_id,decision\nnorth/kickoff:t2,accept\n",
     "decisions.csv:1: missing column(s) code_id; the columns are seg_id,code_id,decision,"
     "source,reviewer,note,sha256,decided_at"),
    ("seg_id,code_id,decision,comment\nnorth/kickoff:t2,risk.housing,accept,ok\n",
     "decisions.csv:1: unknown column(s) 'comment'; the columns are"),
    ('seg_id,code_id,decision,note\nnorth/kickoff:t2,risk.housing,accept,"two\nlines"\n'
     "north/kickoff:t3,,maybe,\n",
     "2 problems:\n  {path}:4: empty code_id\n  {path}:4: decision must be accept or "
     "reject, not 'maybe'"),
    ("seg_id,code_id,seg_id\n", "decisions.csv:1: column 'seg_id' appears twice"),
    ("seg_id,code_id,decision\nnorth/kickoff:t2,caf\xe9,accept\n".encode("latin-1"),
     "decisions.csv:2: not UTF-8 text (byte 0xe9); save it as CSV UTF-8"),
    # after a byte-order mark the byte three bytes before the bad one was named
    (b"\xef\xbb\xbf" + "seg_id,code_id,decision\nnorth/kickoff:t2,caf\xe9,accept\n"
     .encode("latin-1"), "decisions.csv:2: not UTF-8 text (byte 0xe9); save it as CSV UTF-8"),
    # two rows of one code on one segment (two files pasted together) were read both
    # ways: the rule coding left out of the tables, the code positive in training
    ("seg_id,code_id,decision\nnorth/kickoff:t2,risk.housing,reject\n"
     "north/kickoff:t3,risk.money,accept\nnorth/kickoff:t2,risk.housing,accept\n",
     "decisions.csv:4: risk.housing is decided twice on north/kickoff:t2 (lines 2, 4); "
     "keep one row"),
    # a source misspelt was read as none of the toolkit's: the accepted code was dropped
    ("seg_id,code_id,decision,source\nnorth/kickoff:t1,connection,accept,Reviewer\n",
     "decisions.csv:2: source must be rule, suggestion, model, reviewer or empty (a code "
     "a reviewer added), not 'Reviewer'"),
], ids=["fields", "missing", "unknown", "rows", "twice", "encoding", "encoding after a mark",
        "decided twice", "source"])
def test_a_malformed_decisions_file_is_reported_with_its_line(study, content, message):
    path = study / "decisions.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    for command in (("review", "export", study), ("run", study, "-q")):
        result = invoke(*command)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert message.format(path=path) in result.output
    assert path.read_bytes() == (content if isinstance(content, bytes) else
                                 content.encode("utf-8"))


def test_a_sheet_deciding_a_code_both_ways_is_refused(study, tmp_path):
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,decision\n"
                     "north/kickoff:t2,risk.housing,accept\n"
                     "north/kickoff:t3,risk.money,accept\n"
                     "north/kickoff:t2,risk.housing,reject\n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert (f"{sheet}:4: risk.housing is both accepted and rejected on north/kickoff:t2 "
            "(lines 2, 4); keep one") in result.output


@pytest.mark.parametrize("name", ["ana\n", "../ana", "a/b", "_x", "x" * 65])
def test_reviewer_names_are_checked(study, tmp_path, name):
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,decision\nnorth/kickoff:t2,risk.housing,accept\n",
                     encoding="utf-8")
    result = invoke("review", "import", sheet, study, "--reviewer", name)
    assert result.exit_code == 2 and "Traceback" not in result.output     # bad usage
    assert (f"reviewer name {name!r}: use letters, digits, '_' and '-', starting with a "
            "letter or digit, at most 64 characters") in result.output
    assert not (study / "decisions.csv").exists()


def test_a_sheet_edited_by_hand_records_each_decision_under_its_real_source(study):
    """The source column is not trusted: a row whose code was changed, or a sheet whose
    source column was deleted, records an added code as the reviewer's, so it becomes a
    final coding (recorded as a rule decision it would never count)."""
    invoke("review", "export", study, "-o", study / "review.csv")
    with (study / "review.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    changed = next(r for r in rows if (r["seg_id"], r["code_id"])
                   == ("north/closing:t2", "connection"))
    changed["code_id"] = "risk.money"                  # the person corrects the code
    kept = next(r for r in rows if (r["seg_id"], r["code_id"])
                == ("north/kickoff:t2", "risk.housing"))
    for row in (changed, kept):
        row["decision"] = "accept"
    added = {"seg_id": "north/kickoff:t4", "code_id": "connection", "decision": "accept"}
    columns = [c for c in rows[0] if c != "source"]    # and deletes the source column
    with (study / "edited.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows([*rows, added])
    result = invoke("review", "import", study / "edited.csv", study, "--reviewer", "ana")
    assert result.exit_code == 0, result.output
    assert "no longer apply" not in result.output
    sources = {(r["seg_id"], r["code_id"]): r["source"] for r in decisions_rows(study)}
    assert sources == {("north/closing:t2", "risk.money"): "reviewer",
                       ("north/kickoff:t2", "risk.housing"): "rule",
                       ("north/kickoff:t4", "connection"): "reviewer"}
    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    coded = set(zip(final["seg_id"], final["code_id"]))
    assert {("north/closing:t2", "risk.money"), ("north/kickoff:t4", "connection"),
            ("north/closing:t2", "connection")} <= coded       # the rule's stays undecided
    assert len(final) == 14                                   # 12 rule codings + 2 added


def test_a_workbook_sheet_naming_a_column_twice_is_refused(study):
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    book = openpyxl.load_workbook(sheet)
    header = [c.value for c in book["review"][1]]
    book["review"].cell(1, header.index("note") + 1).value = "decision "
    book.save(sheet)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:1: column(s) 'decision' appear twice; keep one of each" in result.output


def test_a_sheet_without_a_note_column_keeps_the_notes_decided_before(study, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("seg_id,code_id,decision,note\n"
                     "north/kickoff:t2,risk.housing,accept,checked with the team\n"
                     "north/kickoff:t3,risk.money,accept,unsure\n", encoding="utf-8")
    second.write_text("seg_id,code_id,decision\n"
                      "north/kickoff:t2,risk.housing,accept\n"
                      "north/kickoff:t3,risk.money,reject\n", encoding="utf-8")
    assert invoke("review", "import", first, study, "--reviewer", "ana").exit_code == 0
    result = invoke("review", "import", second, study, "--reviewer", "bo")
    assert "0 new, 1 changed, 1 unchanged decisions" in result.output
    rows = {r["seg_id"]: r for r in decisions_rows(study)}
    assert (rows["north/kickoff:t2"]["note"], rows["north/kickoff:t2"]["reviewer"]) == \
        ("checked with the team", "ana")
    assert (rows["north/kickoff:t3"]["decision"], rows["north/kickoff:t3"]["note"],
            rows["north/kickoff:t3"]["reviewer"]) == ("reject", "unsure", "bo")


def test_a_sheet_accepting_a_category_or_a_preamble_is_refused(study, tmp_path):
    closing = study / "transcripts" / "south" / "closing.txt"
    closing.write_text("Recorded at the library, 10 October.\n\n" + closing.read_text())
    assert invoke("run", study, "-q").exit_code == 0
    segments = pd.read_csv(study / "out" / "segments.csv").set_index("seg_id")
    (preamble,) = segments.index[segments["kind"] == "preamble"]
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,decision\n"
                     "north/kickoff:t2,risk,accept\n"
                     f"{preamble},connection,accept\n"
                     "north/kickoff:t3,risk,reject\n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert (f"{sheet}:2: risk is a category (codable: false), which is never coded; accept "
            "one of its codes") in result.output
    assert f"{sheet}:3: {preamble} is a preamble, which is never coded" in result.output
    assert f"{sheet}:4" not in result.output          # rejecting one is harmless
    assert not (study / "decisions.csv").exists()


def test_coder_file_offsets_that_are_not_a_span_of_their_segment_are_refused(study):
    segments = pd.read_csv(study / "out" / "segments.csv").set_index("seg_id")
    t1, t2 = (segments.loc[f"north/kickoff:{t}", ["start", "end"]].tolist()
              for t in ("t1", "t2"))
    path = write_coder(study, "sam", "")
    path.write_text("seg_id,code_id,start,end\n"
                    f"north/kickoff:t2,risk.housing,{t1[0]},{t1[1]}\n"   # t1's words
                    f"north/kickoff:t2,risk.housing,{t2[0] + 9},{t2[0] + 4}\n"
                    "north/kickoff:t2,risk.housing,5000,5010\n"
                    f"north/kickoff:t2,risk.housing,{t2[0]},\n"
                    f"north/kickoff:t2,risk.money,{t2[0]},{t2[0] + 8}\n", encoding="utf-8")
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{path}:2: the span {t1[0]}-{t1[1]} lies outside segment north/kickoff:t2 "
            f"({t2[0]}-{t2[1]}); it lies in north/kickoff:t1 now") in result.output
    assert (f"{path}:3: start {t2[0] + 9} and end {t2[0] + 4}: give whole numbers with "
            "0 <= start < end") in result.output
    assert f"{path}:4: the span 5000-5010 lies outside segment" in result.output
    assert f"{path}:5: give both start and end, or neither" in result.output
    assert f"{path}:6" not in result.output


def test_final_codings_quote_the_transcript_not_a_coder_files_quote_column(study):
    # a coder's quote is checked to be the segment's words (coded_text: any case and
    # spacing), but what the tables quote is the transcript's text itself
    segments = pd.read_csv(study / "out" / "segments.csv").set_index("seg_id")
    start = int(segments.at["north/kickoff:t2", "start"])
    visit = " ".join(segments.at["south/visit:t2", "text"].split()[:3]).upper()
    path = write_coder(study, "sam", "")
    path.write_text("seg_id,code_id,start,end,quote\n"
                    f"north/kickoff:t2,risk.housing,{start},{start + 8},\"THE  rent,\"\n"
                    f"south/visit:t2,risk.money,,,{visit}\n", encoding="utf-8")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    human = final[final["source"] == "human:sam"].set_index("seg_id")["quote"]
    assert human["north/kickoff:t2"] == segments.at["north/kickoff:t2", "text"][:8]
    assert human["south/visit:t2"] == segments.at["south/visit:t2", "text"]


def test_a_workbook_sheet_with_merged_cells_is_refused(study):
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t2", "risk.housing"): "accept"})
    book = openpyxl.load_workbook(sheet)
    header = [c.value for c in book["review"][1]]
    letter = openpyxl.utils.get_column_letter(header.index("decision") + 1)
    book["review"].merge_cells(f"{letter}2:{letter}4")     # "accept" shown on three rows
    book.save(sheet)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"merged cells {letter}2:{letter}4: only the first cell" in result.output
    assert not (study / "decisions.csv").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_sheet_whose_turns_moved_since_it_was_written_is_refused(study, suffix):
    """seg_ids follow the turns' positions: a turn added at the top of a transcript
    makes north/kickoff:t2 another turn, which must not get the decision made on the
    turn the sheet shows."""
    sheet = study / f"review{suffix}"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    if suffix == ".xlsx":
        fill(sheet, {("north/kickoff:t2", "risk.housing"): "accept",
                     ("south/visit:t2", "risk.money"): "reject"})
    else:
        rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
        for row in rows:
            row["decision"] = {"north/kickoff:t2": "accept", "south/visit:t2": "reject"
                               }.get(row["seg_id"], "")
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    kickoff = study / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("Host: Welcome, all.\n" + kickoff.read_text(encoding="utf-8"),
                       encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    table = pd.read_csv(sheet) if suffix == ".csv" else pd.read_excel(sheet)
    line = 2 + list(table["seg_id"]).index("north/kickoff:t2")
    assert (f"{sheet}:{line}: the text in this row is not the text of north/kickoff:t2 now: "
            "was its transcript changed and ingested again since the sheet was written, or "
            "the cell edited?") in result.output
    assert "south/visit:t2" not in result.output           # its document is unchanged
    assert not (study / "decisions.csv").exists()


def test_a_final_coders_coding_of_a_preamble_is_refused_with_its_line(study):
    closing = study / "transcripts" / "south" / "closing.txt"
    closing.write_text("Recorded at the library, 10 October.\n\n" + closing.read_text())
    assert invoke("run", study, "-q").exit_code == 0
    path = write_coder(study, "sam", "south/closing:t1,connection\nsouth/closing:t1,\n"
                                     "south/closing:t2,connection\n")
    result = invoke("tables", study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{path}:2: south/closing:t1 is a preamble, which is never coded "
            "(`code_preamble: true` in dialogcode.yaml codes preambles and headings)"
            ) in result.output
    assert f"{path}:3" not in result.output           # read, nothing applies: fine


def test_a_workbook_sheet_with_a_decimal_number_as_code_is_read_when_unambiguous(study):
    # Excel stores a code typed as 3.10 as the number 3.1: refused where the codebook
    # has both, read as the one code it can be otherwise
    with (study / "codebook.yaml").open("a", encoding="utf-8") as codebook:
        codebook.write("  - {id: '3.1', label: Three one, definition: One.}\n"
                       "  - {id: '3.10', label: Three ten, definition: Ten.}\n"
                       "  - {id: '4.20', label: Four twenty, definition: Twenty.}\n")
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    book = openpyxl.load_workbook(sheet)
    book["review"].append(["north/kickoff:t4", 4.20] + [None] * 8 + ["accept"])
    book["review"].append(["north/kickoff:t4", 3.10] + [None] * 8 + ["accept"])
    book.save(sheet)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"{sheet}:13: the code cell holds the number 3.1, which may be code 3.1 or "
            "3.10: a spreadsheet drops") in result.output
    assert f"{sheet}:12" not in result.output
    book = openpyxl.load_workbook(sheet)
    book["review"].delete_rows(13)
    book.save(sheet)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert [(r["seg_id"], r["code_id"], r["decision"]) for r in decisions_rows(study)] == [
        ("north/kickoff:t4", "4.20", "accept")]


def test_a_note_on_an_undecided_row_is_neither_dropped_nor_overwritten(study, tmp_path):
    sheet = tmp_path / "review.csv"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    rows[0]["note"] = "ask the team"              # a thought, no decision yet
    rows[1]["decision"] = "accept"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert (f"{sheet}:2 [{rows[0]['seg_id']}]: a note without a decision: accept or reject "
            "the code, or clear the note") in result.output
    assert not (study / "decisions.csv").exists()
    result = invoke("review", "export", study, "-o", sheet)       # would overwrite it
    assert result.exit_code == 2 and "holds 2 decision(s) not yet imported" in result.output


def test_a_sheet_deciding_a_code_twice_with_different_notes_is_refused(study, tmp_path):
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,decision,note\n"
                     "north/kickoff:t2,risk.housing,accept,rent is named\n"
                     "north/kickoff:t3,risk.money,accept,\n"
                     "north/kickoff:t2,risk.housing,accept,\n"
                     "north/kickoff:t3,risk.money,accept, \n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert (f"{sheet}:4: risk.housing is decided with different notes on north/kickoff:t2 "
            "(lines 2, 4); keep one") in result.output
    assert "north/kickoff:t3" not in result.output       # the same note, give or take a space


def test_a_coder_file_named_rules_is_refused(study):
    # `rules` names the rule codings: agree and the report would compare the rules with
    # themselves while the tables counted the file as a coder's
    write_coder(study, "rules", "north/kickoff:t1,risk.money\n")
    for command in (("tables", study), ("agree", "rules", "x", "-s", study)):
        result = invoke(*command)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert (f"{study / 'codings' / 'rules.csv'}: 'rules' names the rule codings, so no "
                "coder's file can have that name: rename it") in result.output


def test_a_sheet_row_whose_doc_id_is_not_its_segments_is_refused(study, tmp_path):
    sheet = tmp_path / "review.csv"
    sheet.write_text("seg_id,code_id,doc_id,decision\n"
                     "north/kickoff:t2,risk.housing,north/kickoff,accept\n"
                     "south/visit:t2,connection,north/closing,accept\n"
                     "south/visit:t3,connection,,accept\n", encoding="utf-8")
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 1
    assert (f"{sheet}:3: seg_id south/visit:t2 is in document south/visit, but the row's "
            "doc_id is 'north/closing'") in result.output
    assert f"{sheet}:2" not in result.output and f"{sheet}:4" not in result.output


def test_a_coder_file_row_whose_doc_id_is_not_its_segments_is_refused(study):
    path = write_coder(study, "sam", "")
    path.write_text("seg_id,doc_id,code_id\nnorth/kickoff:t2,north/kickoff,risk.housing\n"
                    "south/visit:t2,north/closing,risk.money\n", encoding="utf-8")
    result = invoke("agree", "rules", "sam", "-s", study)
    assert result.exit_code == 1
    assert (f"{path}:3: seg_id south/visit:t2 is in document south/visit, but the row's "
            "doc_id is 'north/closing'") in result.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_sheet_is_imported_after_its_masked_words_were_decided_keep(study, suffix):
    """A sheet shows undecided privacy findings as labels; deciding one `keep` before
    the sheet comes back (or a spreadsheet trimming a cell's spaces) does not make its
    rows another turn's."""
    (study / "privacy.yaml").write_text("always:\n  - Neighbours\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / f"review{suffix}"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    table = pd.read_csv(sheet, dtype=str) if suffix == ".csv" else \
        pd.read_excel(sheet, dtype=str)
    masked = table["text"].str.contains("[PLACE OR TERM]", regex=False).fillna(False)
    assert masked.any()
    seg = table.loc[masked.idxmax(), "seg_id"]
    if suffix == ".xlsx":
        fill(sheet, {(seg, table.loc[masked.idxmax(), "code_id"]): "accept"})
    else:
        table["decision"] = ""
        table.loc[masked.idxmax(), "decision"] = "accept"
        table["text"] = table["text"].str.strip() + " "
        table.to_csv(sheet, index=False)
    findings = pd.read_csv(study / "out" / "privacy.csv", dtype=str).fillna("")
    findings.assign(decision="keep", reason="public group").to_csv(
        study / "privacy-decisions.csv", index=False)
    result = invoke("review", "import", sheet, study)
    assert result.exit_code == 0, result.output
    assert [(r["seg_id"], r["decision"]) for r in decisions_rows(study)] == [(seg, "accept")]


def sheet_rows(path: Path) -> tuple[list, list[list]]:
    rows = [list(r) for r in openpyxl.load_workbook(path)["review"].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_a_code_a_reviewer_added_is_in_the_next_sheet_and_can_be_rejected_there(study,
                                                                                tmp_path):
    # the sheet listed codings and suggestions only: an added code was a final coding
    # nobody could see or take back in a sheet
    added = tmp_path / "added.csv"
    added.write_text("seg_id,code_id,decision,note\n"
                     "north/kickoff:t4,connection,accept,neighbours\n", encoding="utf-8")
    assert invoke("review", "import", added, study, "--reviewer", "ana").exit_code == 0
    assert invoke("review", "export", study).exit_code == 0
    sheet = study / "out" / "review.xlsx"
    header, rows = sheet_rows(sheet)
    (row,) = [r for r in rows if (r[0], r[1]) == ("north/kickoff:t4", "connection")]
    shown = dict(zip(header, row))
    assert (shown["source"], shown["decision"], shown["note"], shown["label"]) == \
        ("reviewer", "accept", "neighbours", "Connection")
    assert "Mm-hm" in shown["text"] and shown["doc_id"] == "north/kickoff"
    assert len(rows) == 11                              # 10 proposed codes + the added one
    fill(sheet, {("north/kickoff:t4", "connection"): "reject"})
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert result.exit_code == 0, result.output
    assert "0 new, 1 changed, 0 unchanged" in result.output
    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    assert not ((final["seg_id"] == "north/kickoff:t4")
                & (final["code_id"] == "connection")).any()


def test_a_row_cleared_of_its_decision_is_named_and_the_decision_stands(study):
    # clearing a decision in the sheet does not take it back; the import said nothing
    assert invoke("review", "export", study).exit_code == 0
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t2", "risk.housing"): "reject",
                 ("north/kickoff:t3", "risk.housing"): "accept"})
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    assert invoke("review", "export", study).exit_code == 0
    fill(sheet, {("north/kickoff:t2", "risk.housing"): None})
    header, rows = sheet_rows(sheet)
    line = 2 + [(r[0], r[1]) for r in rows].index(("north/kickoff:t2", "risk.housing"))
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed, 1 unchanged" in result.output
    assert ("Rows left without a decision that have one in decisions.csv, which stands (a "
            "cleared cell takes no decision back; choose accept or reject to change it) "
            f"(1):\n  {sheet}:{line}: risk.housing on north/kickoff:t2 stays reject"
            ) in result.output
    assert {(r["seg_id"], r["decision"]) for r in decisions_rows(study)} == {
        ("north/kickoff:t2", "reject"), ("north/kickoff:t3", "accept")}


def test_two_reviewers_sharing_one_sheet_are_not_told_of_each_others_rows(study):
    # one exported sheet split between two reviewers: each leaves the other's rows
    # empty, which took nothing back; only a reviewer's own decision left empty is named
    assert invoke("review", "export", study).exit_code == 0
    sheet = study / "out" / "review.xlsx"
    ana, ben = study / "ana.xlsx", study / "ben.xlsx"
    shutil.copy(sheet, ana)
    shutil.copy(sheet, ben)
    fill(ana, {("north/kickoff:t2", "risk.housing"): "reject"})
    fill(ben, {("north/kickoff:t3", "risk.housing"): "accept"})
    assert invoke("review", "import", ana, study, "--reviewer", "ana").exit_code == 0
    result = invoke("review", "import", ben, study, "--reviewer", "ben")
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed, 0 unchanged" in result.output
    assert "Rows left without a decision" not in result.output
    assert {(r["seg_id"], r["decision"], r["reviewer"]) for r in decisions_rows(study)} == {
        ("north/kickoff:t2", "reject", "ana"), ("north/kickoff:t3", "accept", "ben")}


def test_a_row_added_without_a_decision_is_named(study):
    # a code typed into a new row, its decision forgotten: the import said nothing
    sheet = study / "review.csv"
    assert invoke("review", "export", study, "-o", sheet).exit_code == 0
    with sheet.open("a", encoding="utf-8") as handle:
        handle.write("north/kickoff:t4,connection" + "," * 11 + "\n")
    line = len(sheet.read_text(encoding="utf-8").splitlines())
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 0, result.output
    assert ("Rows added without a decision, which decide nothing (type accept to add the "
            f"code) (1):\n  {sheet}:{line}: connection on north/kickoff:t4") in result.output
    assert not (study / "decisions.csv").exists()


def test_a_code_typed_in_the_wrong_case_or_misspelt_is_refused_with_the_likely_code(study,
                                                                                 tmp_path):
    sheet = tmp_path / "typed.csv"
    sheet.write_text("seg_id,code_id,decision\nnorth/kickoff:t2,Risk.Housing,accept\n"
                     "north/kickoff:t3,risk.mony,reject\nnorth/kickoff:t3,zzz,reject\n",
                     encoding="utf-8")
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{sheet}:2: unknown code 'Risk.Housing'; did you mean 'risk.housing'?" in \
        result.output
    assert f"{sheet}:3: unknown code 'risk.mony'; did you mean 'risk.money'?" in result.output
    assert f"{sheet}:4: unknown code 'zzz'\n" in result.output
    assert not (study / "decisions.csv").exists()


def test_a_column_the_import_does_not_read_is_named_not_dropped_unsaid(study):
    # a reviewer who writes reasons in a "comments" column of their own lost them
    # without a word: only `note` is kept with a decision
    assert invoke("review", "export", study).exit_code == 0
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/kickoff:t2", "risk.housing"): "reject"})
    book = openpyxl.load_workbook(sheet)
    rows = book["review"]
    header = [c.value for c in rows[1]]
    line = next(r[0].row for r in rows.iter_rows(min_row=2)
                if (r[0].value, r[1].value) == ("north/kickoff:t2", "risk.housing"))
    rows.cell(1, len(header) + 1, "comments")
    rows.cell(line, len(header) + 1, "about rent, not eviction")
    rows.cell(1, len(header) + 2, "empty")                   # a heading alone holds nothing
    rows.cell(3, len(header) + 3, "stray")                   # no heading
    book.save(sheet)
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 0, result.output
    assert "1 new, 0 changed, 0 unchanged" in result.output
    assert (f"Columns the import does not read (2):\n  {sheet}:{line}: column "
            "'comments' is not read: its 1 filled cell(s) are not kept; write what belongs "
            "with a decision in the `note` column and import the sheet again\n"
            f"  {sheet}:3: a column without a heading (column {len(header) + 3}) is not "
            "read") in result.output
    assert "'empty'" not in result.output
    # as the message says: the note moved into `note` is kept with the decision
    assert invoke("review", "export", study).exit_code == 0
    book = openpyxl.load_workbook(sheet)
    rows = book["review"]
    rows.cell(line, header.index("note") + 1, "about rent, not eviction")
    book.save(sheet)
    result = invoke("review", "import", sheet, study, "--reviewer", "ana")
    assert result.exit_code == 0 and "not read" not in result.output, result.output
    assert [(r["decision"], r["note"]) for r in decisions_rows(study)] == [
        ("reject", "about rent, not eviction")]


def test_a_hand_written_accept_without_a_source_is_a_code_a_reviewer_added(study):
    # decisions.csv written by hand (no source, as a sheet row a person adds): the
    # accepted code nobody proposed was left out of the final codings, unsaid
    (study / "decisions.csv").write_text("seg_id,code_id,decision\n"
                                         "north/kickoff:t1,connection,accept\n",
                                         encoding="utf-8")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    added = final[final["source"] == "reviewer"]
    assert added[["seg_id", "code_id", "quote"]].values.tolist() == [
        ["north/kickoff:t1", "connection", "What worries people here?"]]
    result = invoke("run", study, "-q")
    assert result.exit_code == 0 and "no longer apply" not in result.output, result.output
    coded = pd.read_csv(study / "out" / "tables" / "coded_segments.csv").set_index("seg_id")
    assert coded.at["north/kickoff:t1", "connection"] == 1


def test_a_note_that_looks_like_a_formula_is_neutralised_in_decisions_csv(study):
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    book = openpyxl.load_workbook(sheet)
    rows = book["review"]
    header = [c.value for c in rows[1]]
    rows.cell(2, header.index("decision") + 1, "reject")
    rows.cell(2, header.index("note") + 1, "=obviously").data_type = "s"   # typed as text
    book.save(sheet)
    assert invoke("review", "import", sheet, study, "--reviewer", "ana").exit_code == 0
    for name in ("decisions.csv", "decisions-history.csv"):   # not run by a spreadsheet
        with (study / name).open(encoding="utf-8", newline="") as handle:
            assert [r["note"] for r in csv.DictReader(handle)] == ["'=obviously"]
    assert load_decisions(Study.open(study))["note"].tolist() == ["=obviously"]
    # the decision reads back as written: a sheet showing it imports unchanged
    assert invoke("review", "export", study, "--force").exit_code == 0
    assert "0 new, 0 changed, 1 unchanged" in invoke("review", "import", sheet,
                                                     study).output


def test_hand_typed_quotes_in_decisions_csv_read_as_a_spreadsheet_reads_them(study):
    # a cell typed '=x is the text =x, as in a spreadsheet; ''=x is '=x. The same bytes
    # are what dialogcode writes for the note =x, so no other reading can be right for
    # both (and one that kept the ' would add one at each import, which rewrites the file)
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,note\n"
        "north/kickoff:t3,risk.housing,reject,rule,'=x\n"
        "north/kickoff:t2,risk.housing,accept,rule,''=y\n", encoding="utf-8")
    opened = Study.open(study)
    assert load_decisions(opened)["note"].tolist() == ["=x", "'=y"]
    invoke("review", "export", study)
    sheet = study / "out" / "review.xlsx"
    fill(sheet, {("north/closing:t2", "connection"): "accept"})
    assert invoke("review", "import", sheet, study).exit_code == 0   # rewrites the file
    notes = load_decisions(opened).set_index("seg_id")["note"]
    assert (notes["north/kickoff:t3"], notes["north/kickoff:t2"]) == ("=x", "'=y")
    assert (study / "decisions.csv").read_text(encoding="utf-8").count("''=y") == 1


@pytest.mark.parametrize("sha256, kept", [("", True), ("0" * 64, False)],
                         ids=["recorded without a hash", "on earlier text"])
def test_a_sheet_deciding_a_span_code_again_keeps_its_words_on_the_same_text(study, sha256,
                                                                              kept):
    # a decision recorded without the document's hash is in force (on the text as it
    # is): its words were dropped all the same by a sheet's rejection; one made on the
    # document's earlier text may name other words, and loses them
    opened = Study.open(study)
    corpus = load_corpus(opened)
    segment = corpus.segments.set_index("seg_id").loc["south/visit:t1"]
    start = int(segment["start"]) + segment["text"].index("the year")
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256,decided_at,start,end\n"
        f"south/visit:t1,connection,accept,reviewer,ana,,{sha256},,{start},{start + 8}\n",
        encoding="utf-8")
    for decision in ("reject", "accept"):
        sheet = study / "sheet.csv"
        sheet.write_text(f"seg_id,code_id,decision\nsouth/visit:t1,connection,{decision}\n",
                         encoding="utf-8")
        result = invoke("review", "import", sheet, study, "--reviewer", "bo")
        assert result.exit_code == 0, result.output
    (row,) = decisions_rows(study)
    assert (row["start"], row["end"]) == ((str(start), str(start + 8)) if kept else ("", ""))
    final = final_codings(opened, corpus.segments, corpus.documents)
    quote = final.loc[(final["seg_id"] == "south/visit:t1")
                      & (final["code_id"] == "connection"), "quote"].item()
    assert (quote == "the year") == kept
