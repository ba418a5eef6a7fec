"""`dialogcode import-codings` and `dialogcode agree` on tests/data/agreement-study:
Krippendorff's (2011) worked example (4 observers x 12 units, one turn each) entered as
four coders' tables, the variable `value` (children labelled 1..5, exclusive) and the
group `topic` (rent, wages, care)."""
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.ingest import ingest, write_corpus

STUDY = Path(__file__).parent / "data" / "agreement-study"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def study(tmp_path) -> Path:
    root = tmp_path / "study"
    shutil.copytree(STUDY, root)
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    return root


def imported(study: Path, *coders: str) -> None:
    for coder in coders:
        result = invoke("import-codings", study / "coders" / f"{coder}.csv", study,
                        "--coder", coder)
        assert result.exit_code == 0, result.output


def test_krippendorffs_example_through_import_and_agree(study):
    imported(study, "a", "b", "c", "d")
    result = invoke("agree", "a", "b", "c", "d", "-s", study)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("Units: all segments; 12 segment(s) in 1 document(s) read by two "
                        "or more coders (12 in 1 by one or more). Coders: a, b, c, d.")
    value = next(line for line in lines if line.startswith("value"))
    assert value.split()[:3] == ["value", "variable", "11"] and "0.743" in value.split()
    table = pd.read_csv(study / "out" / "agreement" / "a-vs-b-vs-c-vs-d.csv")
    row = table.set_index("code_id").loc["value"]
    assert (round(row.krippendorff_alpha, 3), round(row.alpha_ordinal, 3),
            round(row.alpha_interval, 3)) == (0.743, 0.815, 0.849)
    assert (row.units, row.pairable_values, row.coders) == (11, 40, 4)
    assert row.krippendorff_alpha_low < row.krippendorff_alpha < row.krippendorff_alpha_high
    disagreements = pd.read_csv(study / "out" / "agreement" /
                                "a-vs-b-vs-c-vs-d-disagreements.csv")
    assert disagreements.loc[disagreements["seg_id"] == "example:t6", "values"].item() == \
        "a: v1; b: v2; c: v3; d: v4"
    confusion = pd.read_csv(study / "out" / "agreement" /
                            "a-vs-b-vs-c-vs-d-confusion-value.csv", index_col=0)
    # pairs of coders who both valued a unit: 3 + 8 x 6 + 3 + 1 = 55 (units 1-11)
    assert confusion.to_numpy().sum() == 55 and confusion.loc["v3", "v3"] == 12
    assert (study / "out" / "agreement" / "a-vs-b-vs-c-vs-d-confusion-value.png").is_file()


def test_agree_writes_one_workbook_with_the_confusion_matrices(study):
    imported(study, "a", "b")
    result = invoke("agree", "a", "b", "-s", study, "-o", study / "agree.xlsx")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(study / "agree.xlsx")
    assert book.sheetnames[:3] == ["agreement", "disagreements", "confusion value"]
    # the notes printed are kept beside the figures, as in out/agreement/
    printed = [line[len("Note: "):] for line in result.output.splitlines()
               if line.startswith("Note: ")]
    assert printed and [row[0] for row in book["notes"].iter_rows(min_row=2, values_only=True)
                        ] == printed
    result = invoke("agree", "a", "b", "-s", study)
    assert (study / "out" / "agreement" / "a-vs-b-notes.txt").read_text(
        encoding="utf-8").splitlines() == printed
    assert "a-vs-b-notes.txt" in result.output


def test_rows_without_a_code_mark_segments_read(study):
    (study / "sheet.csv").write_text("document,turn,code\nexample,1,1\nexample,2,\n"
                                     "example,3,\nexample,4,2\n")
    result = invoke("import-codings", study / "sheet.csv", study, "--coder", "eve")
    assert result.exit_code == 0, result.output
    assert "Imported 2 codings" in result.output
    assert "Marked 2 segments read with nothing coded." in result.output
    written = pd.read_csv(study / "codings" / "eve.csv")
    assert written[["seg_id", "code_id"]].fillna("").values.tolist() == [
        ["example:t1", "value.v1"], ["example:t2", ""], ["example:t3", ""],
        ["example:t4", "value.v2"]]
    imported(study, "a")
    result = invoke("agree", "a", "eve", "-s", study)
    assert result.exit_code == 0, result.output
    assert ("Note: eve read part of 1 document(s); the rest is missing for them: example "
            "(4 of 12 units)") in result.output


def test_offsets_rows_without_a_code_mark_the_segments_they_overlap(study):
    text = (study / "transcripts" / "example.txt").read_text()
    second = text.index("P2: This is unit number 2")
    (study / "spans.csv").write_text(f"document,start,end,code\nexample,0,{second + 10},\n"
                                     "example,0,5,topic.rent\n")
    result = invoke("import-codings", study / "spans.csv", study, "--coder", "eve")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(study / "codings" / "eve.csv")
    assert sorted(written.loc[written["code_id"].isna(), "seg_id"]) == ["example:t1",
                                                                         "example:t2"]


def test_coded_segments_say_what_the_coder_read(study):
    (study / "part.csv").write_text("document,turn,code\nexample,2,3\nexample,3,3\n")
    result = invoke("import-codings", study / "part.csv", study, "--coder", "eve",
                    "--coded-segments", "example:t1..example:t4")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(study / "codings" / "eve.csv")
    assert sorted(written["seg_id"]) == [f"example:t{i}" for i in range(1, 5)]
    result = invoke("import-codings", study / "part.csv", study, "--coder", "fay",
                    "--coded-segments", "example:t1..example:t2",
                    "--coded-segments", "example:t9..example:t3")
    assert result.exit_code == 1
    assert f"{study / 'part.csv'}:3: example:t3 lies outside --coded-segments" in result.output
    assert "--coded-segments 'example:t9..example:t3': give FIRST..LAST" in result.output


def test_codings_that_stop_early_are_noted_only_where_the_coder_did_not_mark_what_they_read(
        study):
    imported(study, "a")
    (study / "part.csv").write_text("document,turn,code\nexample,1,1\nexample,2,2\n")
    result = invoke("import-codings", study / "part.csv", study, "--coder", "eve",
                    "--coded-segments", "example")
    assert result.exit_code == 0, result.output
    result = invoke("agree", "a", "eve", "-s", study)
    assert result.exit_code == 0, result.output
    assert "stop early" not in result.output
    # the rows import-codings wrote for the segments read carry their text, as its coded
    # rows do: agree warned of rows with a sha256 but no quote in the file it had written
    assert "no quote" not in result.output
    result = invoke("import-codings", study / "part.csv", study, "--coder", "fay")
    assert result.exit_code == 0, result.output
    result = invoke("agree", "a", "fay", "-s", study)
    assert result.exit_code == 0, result.output
    assert ("Note: fay's codings stop early in 1 document(s): example (last at segment 2 "
            "of 12, others coded 7 segments after it). If fay stopped reading there, mark "
            "the segments read") in result.output


def test_two_values_of_a_variable_in_a_table_name_the_line(study):
    (study / "double.csv").write_text("document,turn,code\nexample,1,1\nexample,2,2\n"
                                      "example,1,4\n")
    result = invoke("import-codings", study / "double.csv", study, "--coder", "eve")
    assert result.exit_code == 1
    assert (f"{study / 'double.csv'}:4: segment example:t1 gets two values of value: value.v1 "
            "(line 2) and value.v4") in result.output


TWICE = ("the same codings: one coder's work passed twice agrees with itself "
         "perfectly, so these figures say nothing about agreement unless two coders "
         "really coded exactly alike")


def test_identical_codings_get_perfect_figures_and_a_warning(study):
    # two coders who coded exactly alike agree perfectly: alpha and kappa 1.0
    imported(study, "a")
    shutil.copy(study / "codings" / "a.csv", study / "codings" / "copy.csv")
    result = invoke("agree", "a", "copy", "-s", study, "--min-units", "5")
    assert result.exit_code == 0, result.output
    assert (f"Warning: {study / 'codings' / 'copy.csv'} and "
            f"{study / 'codings' / 'a.csv'} hold {TWICE}") in result.output
    table = pd.read_csv(study / "out" / "agreement" / "a-vs-copy.csv").set_index("code_id")
    assert tuple(table.loc["value", ["percent_agreement", "cohen_kappa",
                                     "krippendorff_alpha", "verdict"]]) == (
        1.0, 1.0, 1.0, "reliable")
    assert "0 disagreements" in result.output and "n/a for" not in result.output


def test_coders_who_never_varied_get_n_a_with_the_reason(study):
    # every turn given value 1 by both: alpha and kappa are 0/0 (Krippendorff: no
    # variation, no reliability data), shown as n/a with why, never a traceback
    same = study / "same.csv"
    same.write_text("document,turn,code\n" + "".join(f"example,{t},1\n" for t in range(1, 13)))
    for coder in ("s1", "s2"):
        assert invoke("import-codings", same, study, "--coder", coder).exit_code == 0
    result = invoke("agree", "s1", "s2", "-s", study)
    assert result.exit_code == 0, result.output
    assert ("Note: n/a for value: the coders never varied there (every unit got the same "
            "value from everyone), so alpha and kappa are 0/0, undefined") in result.output
    table = pd.read_csv(study / "out" / "agreement" / "s1-vs-s2.csv", keep_default_na=False,
                        na_values=[""]).set_index("code_id")
    assert table.at["value", "percent_agreement"] == 1.0
    assert table.loc["value", ["cohen_kappa", "krippendorff_alpha"]].isna().all()
    assert table.at["value", "verdict"] == "n/a"


def test_one_file_imported_under_two_coder_names_is_flagged(study):
    # the files differ only in their source column (human:a, human:twin)
    imported(study, "a")
    result = invoke("import-codings", study / "coders" / "a.csv", study, "--coder", "twin")
    assert result.exit_code == 0, result.output
    result = invoke("agree", "a", "twin", "-s", study)
    assert result.exit_code == 0, result.output
    assert (f"Warning: {study / 'codings' / 'twin.csv'} and "
            f"{study / 'codings' / 'a.csv'} hold {TWICE}") in result.output


def test_a_coders_table_beside_its_own_import_is_flagged(study):
    # the table (seg_id, code) and the coder file import-codings wrote from it differ in
    # their columns and row order, not in their codings: agree would say 1.0
    imported(study, "a")
    table = pd.read_csv(study / "codings" / "a.csv", dtype=str, keep_default_na=False)
    table = table[["seg_id", "code_id"]].iloc[::-1]
    path = study / "a-table.csv"
    table.to_csv(path, index=False)
    result = invoke("agree", "a", path, "-s", study)
    assert result.exit_code == 0, result.output
    assert f"Warning: {path} and {study / 'codings' / 'a.csv'} hold {TWICE}" in result.output
    table.iloc[1:].to_csv(path, index=False)            # one coding fewer: another coding
    result = invoke("agree", "a", path, "-s", study)
    assert result.exit_code == 0 and TWICE not in result.output


def test_an_unknown_code_or_column_is_bad_usage(study):
    imported(study, "a", "b")
    result = invoke("agree", "a", "b", "-s", study, "--code", "topic.rnt")
    assert result.exit_code == 2
    assert "'topic.rnt' is not a code id of the codebook; did you mean topic.rent" in result.output
    result = invoke("agree", "a", "b", "-s", study, "--where", "colour=red")
    assert result.exit_code == 2 and "no column 'colour'" in result.output


def test_a_study_folder_given_as_a_coder_says_to_give_it_with_s(study, monkeypatch):
    # `dialogcode agree rules a STUDY`, as other commands take STUDY, said
    # "codings/..csv: no codings named '.'"
    imported(study, "a")
    monkeypatch.chdir(study)
    result = invoke("agree", "rules", "a", ".")
    assert result.exit_code == 2
    assert ("'.' is a folder, not codings: give the study with -s/--study "
            "(`dialogcode agree rules CODER -s .`)") in " ".join(result.output.split())


def test_coders_with_no_document_in_common_are_refused(study):
    imported(study, "a")
    (study / "transcripts" / "twin.txt").write_text("P1: Another unit.\n\nP2: And one more.\n")
    (study / "manifest.csv").write_text((study / "manifest.csv").read_text()
                                        + "twin.txt,South,coaching_call,2019-04-01,Twin\n")
    opened = Study.open(study)
    corpus = ingest(opened)
    write_corpus(corpus, opened.out)
    (study / "codings" / "twin.csv").write_text("seg_id,code_id\ntwin:t1,value.v1\n")
    result = invoke("agree", "a", "twin", "-s", study)
    assert result.exit_code == 1
    assert "the coders have no document in common" in result.output
    assert "a coded 1 document(s): example" in result.output
    assert "twin coded 1 document(s): twin" in result.output


def test_units_chosen_by_speaker(study):
    imported(study, "a", "b", "c", "d")
    result = invoke("agree", "a", "b", "c", "d", "-s", study, "--speaker", "p2")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Units: speaker p2; 6 segment(s) in 1 document(s)")
    # units that name nothing are bad usage (exit 2, as docs/study.md says), not exit 1
    result = invoke("agree", "a", "b", "-s", study, "--document", "nowhere")
    assert result.exit_code == 2, result.output
    assert "Error: no segment matches doc_id nowhere (doc_id values: example)" in result.output


def test_the_verdict_of_a_rating_scale_follows_level(study):
    imported(study, "a", "b", "c", "d")
    verdicts = {}
    for level in ("nominal", "interval"):
        result = invoke("agree", "a", "b", "c", "d", "-s", study, "--level", level,
                        "--min-units", "1", "-o", study / f"{level}.csv")
        assert result.exit_code == 0, result.output
        table = pd.read_csv(study / f"{level}.csv").set_index("code_id")
        verdicts[level] = table.loc["value", "verdict"]
    # nominal alpha 0.743 is tentative; interval alpha 0.849 is reliable
    assert verdicts == {"nominal": "tentative", "interval": "reliable"}


def test_a_coding_of_whole_segments_beside_its_refi_qda_round_trip_is_flagged(study):
    # a REFI-QDA export and import gives a coding without a span back as the span of its
    # whole segment: the same coding, which agree took for a second coder's
    imported(study, "a")
    table = pd.read_csv(study / "codings" / "a.csv", dtype=str, keep_default_na=False)
    segments = pd.read_parquet(study / "out" / "segments.parquet").set_index("seg_id")
    table["start"] = table["seg_id"].map(segments["start"])
    table["end"] = table["seg_id"].map(segments["end"])
    table["source"] = "human:back"
    table.to_csv(study / "codings" / "back.csv", index=False)
    result = invoke("agree", "a", "back", "-s", study)
    assert result.exit_code == 0, result.output
    assert (f"Warning: {study / 'codings' / 'back.csv'} and "
            f"{study / 'codings' / 'a.csv'} hold {TWICE}") in result.output
    # a span of part of a segment is another coding
    table["end"] = table["end"] - 1
    table.to_csv(study / "codings" / "back.csv", index=False)
    result = invoke("agree", "a", "back", "-s", study)
    assert result.exit_code == 0, result.output
    assert TWICE not in result.output


def test_an_agreement_file_that_cannot_be_written_whole_is_left_as_it_was(study):
    # the tables and charts were written in place: a full disk left half a chart
    import os
    import resource
    import subprocess
    import sys
    imported(study, "a", "b", "c", "d")
    assert invoke("agree", "a", "b", "c", "d", "-s", study).exit_code == 0
    folder = study / "out" / "agreement"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    chart = folder / "a-vs-b-vs-c-vs-d-confusion-value.png"
    assert len(chart.read_bytes()) > 10_000 > max(len(b) for n, b in before.items()
                                                   if n != chart.name)

    def small_files():      # a write past 10,000 bytes fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))

    result = subprocess.run([sys.executable, "-m", "dialogcode", "agree", "a", "b", "c", "d",
                             "-s", str(study)], capture_output=True, text=True,
                            preexec_fn=small_files,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert result.returncode == 1
    assert f"Error: {chart}: cannot write: File too large" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.fixture
def rules_study(tmp_path) -> Path:
    """The learning study (economic control has no patterns: the rules never apply it),
    coded by the rules, its tables and report written."""
    from test_learning import learning_study
    root = learning_study(tmp_path / "learning")
    for command in ("code", "tables", "report"):
        assert invoke(command, root, "-q").exit_code == 0
    return root


def _verdicts(table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(table["code_id"], table["verdict"]))


def test_agreement_outputs_mark_a_human_only_code_as_the_report_does(rules_study):
    # agreement.csv, the workbook and `agree rules ana` gave economic control, which no
    # rule can apply, "do not rely" as if its rules had been checked, and its misses
    # pulled the pooled row of the rules down to "do not rely" too
    no_rules = "none: no rules (human-only)"
    tables = pd.read_csv(rules_study / "out" / "tables" / "agreement.csv")
    assert _verdicts(tables)["risk.control"] == no_rules
    result = invoke("agree", "rules", "ana", "-s", rules_study, "--reference", "ana")
    assert result.exit_code == 0, result.output
    printed = {line.split()[0]: line for line in result.output.splitlines()
               if line.startswith(("risk.", "(all"))}
    assert no_rules in printed["risk.control"] and "do not rely" not in result.output
    written = pd.read_csv(rules_study / "out" / "agreement" / "rules-vs-ana.csv")
    assert _verdicts(written)["risk.control"] == no_rules
    assert invoke("export", rules_study, "-q").exit_code == 0
    sheet = openpyxl.load_workbook(rules_study / "out" / "workbook.xlsx")["agreement"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("verdict")
    assert [r[column] for r in rows[1:] if r[1] == "risk.control"] == [no_rules]
    # the rules' pooled row pools the codes they can apply: housing alone, all found
    for table in (tables, written):
        pooled = table.set_index("code_id").loc["(all codes)"]
        assert (pooled["units"], pooled["both"], pooled["recall"]) == (50, 5, 1.0)
    page = (rules_study / "out" / "report.html").read_text(encoding="utf-8")
    assert "<td>do not rely</td>" not in page


def test_two_people_get_a_verdict_on_a_human_only_code(rules_study):
    # the marking is for the rules, which never apply it, not for people who do
    coder = pd.read_csv(rules_study / "codings" / "ana.csv")
    coder[coder["code_id"] == "risk.control"].iloc[::2].to_csv(
        rules_study / "codings" / "bo.csv", index=False)
    result = invoke("agree", "ana", "bo", "-s", rules_study)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(rules_study / "out" / "agreement" / "ana-vs-bo.csv")
    assert _verdicts(written)["risk.control"] == "do not rely"


def test_rules_beside_two_people_give_the_peoples_agreement_on_a_human_only_code(
        rules_study):
    # `agree rules ana bo` hid ana and bo's agreement on economic control behind the
    # rules' "none": its figures were of all three, the rules never applying it, and
    # every segment a person coded it was a "disagreement" with the rules
    coder = pd.read_csv(rules_study / "codings" / "ana.csv")
    coder.drop(index=coder[coder["code_id"] == "risk.control"].index[::4]).to_csv(
        rules_study / "codings" / "bo.csv", index=False)
    people = invoke("agree", "ana", "bo", "-s", rules_study)
    result = invoke("agree", "rules", "ana", "bo", "-s", rules_study)
    assert people.exit_code == 0 and result.exit_code == 0, result.output
    pair = pd.read_csv(rules_study / "out" / "agreement" / "ana-vs-bo.csv").set_index(
        "code_id")
    three = pd.read_csv(rules_study / "out" / "agreement" / "rules-vs-ana-vs-bo.csv"
                        ).set_index("code_id")
    control = three.loc["risk.control"]
    assert control["coders"] == 2 and pair.loc["risk.control", "verdict"] == "tentative"
    for column in ("units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        assert control[column] == pytest.approx(pair.loc["risk.control", column]), column
    assert control["verdict"] == "tentative between people; none: no rules (human-only)"
    assert ("Note: risk.control: no rule can code these (human-only), so each row is the "
            "agreement of ana and bo alone, the rules left out (their part is n/a); not in "
            "(all codes)") in result.output
    # the pooled row of the rules still pools only housing, which all three coded alike
    assert (three.loc["(all codes)", "units"], three.loc["(all codes)", "coders"]) == (50, 3)
    assert three.loc["(all codes)", "percent_agreement"] == 1.0
    differ = pd.read_csv(rules_study / "out" / "agreement"
                         / "rules-vs-ana-vs-bo-disagreements.csv")
    assert len(differ) == 5 and differ["rules"].isna().all()
    assert set(differ["values"]) == {"rules: -; ana: yes; bo: no"}
    # asked for alone, it keeps the people's verdict
    assert invoke("agree", "rules", "ana", "bo", "-s", rules_study, "--code",
                  "risk.control").exit_code == 0
    alone = pd.read_csv(rules_study / "out" / "agreement" / "rules-vs-ana-vs-bo.csv")
    assert _verdicts(alone) == {"risk.control": control["verdict"]}


def test_a_rolled_up_parent_is_judged_against_the_rules_on_what_they_can_code(tmp_path):
    # with --roll-up (and in agreement.csv, the workbook and the report, which judge a
    # parent rolled up) a person's human-only sub-code counted for its parent, which the
    # rules could never match: the rules, all of whose housing codings were right, got
    # "do not rely" on the parent and recall 0.2
    from test_learning import learning_study
    root = learning_study(tmp_path / "learning")
    book = root / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("    codable: false\n", ""), encoding="utf-8")
    # ana also gives economic control to the five housing turns: the group risk's
    # cu-alpha read that as the rules choosing housing alone where ana chose both
    coder = pd.read_csv(root / "codings" / "ana.csv")
    housing = coder[coder["code_id"] == "risk.housing"]
    pd.concat([coder, housing.assign(code_id="risk.control")]).to_csv(
        root / "codings" / "ana.csv", index=False)
    for command in ("code", "tables", "report"):
        assert invoke(command, root, "-q").exit_code == 0
    result = invoke("agree", "rules", "ana", "-s", root, "--roll-up", "--reference", "ana")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(root / "out" / "agreement" / "rules-vs-ana.csv")
    tables = pd.read_csv(root / "out" / "tables" / "agreement.csv")
    for table in (written, tables):
        risk = table[table["kind"].eq("code")].set_index("code_id").loc["risk"]
        assert (risk["both"], risk["only_second"], risk["recall"]) == (5, 0, 1.0)
        assert risk["verdict"] == "too few units"
        assert _verdicts(table)["risk.control"] == "none: no rules (human-only)"
    group = written[written["kind"].eq("group")].set_index("code_id").loc["risk"]
    assert group["units"] == 50 and group["verdict"] == "too few units (on risk.housing alone)"
    assert ("Note: risk (rolled up and its cu-alpha) is judged on the codes below it the "
            "rules can apply; left out: risk.control (no rules, human-only)") in result.output
    page = " ".join((root / "out" / "report.html").read_text(encoding="utf-8").split())
    assert "a human-only sub-code, which no rule can match, is left out of its parent's" in page


def test_the_reports_pooled_row_counts_segments_and_says_what_it_pools(tmp_path):
    # "(all codes)" showed 100 under "Segments" for 50 segments read: its units are the
    # code x segment decisions it pools, two codes' worth
    from test_learning import learning_study
    root = learning_study(tmp_path / "learning")
    book = root / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace(
        "        examples:\n", "        patterns: {terms: [paycheck, allowance]}\n"
        "        examples:\n", 1), encoding="utf-8")
    for command in ("code", "tables", "report"):
        assert invoke(command, root, "-q").exit_code == 0
    tables = pd.read_csv(root / "out" / "tables" / "agreement.csv").set_index("code_id")
    assert tables.loc["(all codes)", "units"] == 100 == 2 * tables.loc["risk.housing", "units"]
    page = " ".join((root / "out" / "report.html").read_text(encoding="utf-8").split())
    table = page[page.index("<h3>Rules against coder"):]
    assert ("<tr><td>All codes pooled (every code and segment decision counted once)</td>"
            '<td class="n">50</td>') in table[:table.index("</table>")]


def test_the_workbook_says_what_the_pooled_row_is(rules_study):
    # the agreement sheet's label column was empty for "(all codes)", as for an unknown code
    assert invoke("export", rules_study, "-q").exit_code == 0
    sheet = openpyxl.load_workbook(rules_study / "out" / "workbook.xlsx")["agreement"]
    rows = list(sheet.iter_rows(values_only=True))
    code, label = rows[0].index("code_id"), rows[0].index("label")
    assert {r[code]: r[label] for r in rows[1:]} == {
        "risk.control": "Economic control", "risk.housing": "Housing",
        "(all codes)": "All codes pooled (every code and segment decision counted once)"}


def test_counts_stay_whole_numbers_beside_a_group_row(rules_study):
    # a group row has no complete units nor both/only counts, and its empty cells turned
    # every row's counts into decimals: "complete_units 10.0", "both 0.0"
    (rules_study / "codings" / "bo.csv").write_text("seg_id,code_id\ncall0:t1,risk.housing\n")
    assert invoke("agree", "ana", "bo", "-s", rules_study).exit_code == 0
    lines = (rules_study / "out" / "agreement" / "ana-vs-bo.csv").read_text().splitlines()
    header = lines[0].split(",")
    rows = {line.split(",")[0]: dict(zip(header, line.split(","))) for line in lines[1:]}
    assert rows["risk"]["kind"] == "group" and rows["risk"]["complete_units"] == ""
    for code in ("risk.housing", "(all codes)"):
        assert all(rows[code][c].isdigit() for c in ("units", "complete_units",
                                                      "informative_units", "both", "neither"))


def test_agree_rules_with_every_code_human_only_prints_no_verdicts_nor_pooled_row(tmp_path):
    # with no code the rules can apply they code nothing, so precision applies to no row
    # and left the table: `agree rules ana --reference ana` crashed with a KeyError
    from test_learning import learning_study
    root = learning_study(tmp_path / "learning")
    book = root / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("        patterns: {terms: [rent, evicted]}\n",
                                             ""), encoding="utf-8")
    assert invoke("code", root, "-q").exit_code == 0
    result = invoke("agree", "rules", "ana", "-s", root, "--reference", "ana")
    assert result.exit_code == 0, result.output
    printed = [line for line in result.output.splitlines()
               if line.startswith(("risk.", "(all"))]
    assert [line.split()[0] for line in printed] == ["risk.control", "risk.housing"]
    assert all("none: no rules (human-only)" in line for line in printed)
    assert "precision" in result.output and "recall" in result.output


def test_the_rules_against_one_coder_list_no_disagreements_on_a_human_only_code(rules_study):
    # every segment ana gave economic control, which no rule can apply, was listed as a
    # disagreement with the rules: 20 rows of noise beside the housing rows that count
    result = invoke("agree", "rules", "ana", "-s", rules_study)
    assert result.exit_code == 0, result.output
    differ = pd.read_csv(rules_study / "out" / "agreement" / "rules-vs-ana-disagreements.csv")
    assert "risk.control" not in set(differ["code_id"])
    assert "0 disagreements." in result.output
    # its row keeps the figures of the rules against ana
    written = pd.read_csv(rules_study / "out" / "agreement" / "rules-vs-ana.csv")
    assert written.set_index("code_id").loc["risk.control", "only_second"] == 20
    # between people the code's disagreements are listed as any other's
    coder = pd.read_csv(rules_study / "codings" / "ana.csv")
    coder.drop(index=coder[coder["code_id"] == "risk.control"].index[::4]).to_csv(
        rules_study / "codings" / "bo.csv", index=False)
    assert invoke("agree", "ana", "bo", "-s", rules_study).exit_code == 0
    differ = pd.read_csv(rules_study / "out" / "agreement" / "ana-vs-bo-disagreements.csv")
    assert set(differ["code_id"]) == {"risk.control"} and len(differ) == 5


def test_a_group_of_human_only_codes_beside_two_people_is_the_peoples_cu_alpha(tmp_path):
    # `agree rules ana bo` gave the group risk, none of whose codes the rules can apply,
    # an ordinary verdict as if the rules had been judged on it, its interval drawn for
    # three coders ([1.000, 1.000] where ana and bo's is [0.475, 1.000])
    from test_learning import learning_study
    root = learning_study(tmp_path / "learning")
    book = root / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("        patterns: {terms: [rent, evicted]}\n",
                                             ""), encoding="utf-8")
    coder = pd.read_csv(root / "codings" / "ana.csv")
    control, housing = (coder[coder["code_id"] == c] for c in ("risk.control", "risk.housing"))
    extra = pd.DataFrame({"seg_id": ["call0:t3", "call1:t3"], "code_id": "risk.housing"})
    pd.concat([control.drop(index=control.index[::4]), housing.iloc[1:], extra]).to_csv(
        root / "codings" / "bo.csv", index=False)
    assert invoke("code", root, "-q").exit_code == 0
    assert invoke("agree", "ana", "bo", "-s", root).exit_code == 0
    result = invoke("agree", "rules", "ana", "bo", "-s", root)
    assert result.exit_code == 0, result.output
    pair, three = (pd.read_csv(root / "out" / "agreement" / f"{name}.csv").set_index("kind")
                   .loc["group"] for name in ("ana-vs-bo", "rules-vs-ana-vs-bo"))
    for column in ("coders", "units", "krippendorff_alpha", "krippendorff_alpha_low",
                   "krippendorff_alpha_high"):
        assert three[column] == pytest.approx(pair[column]), column
    assert three["verdict"] == f"{pair['verdict']} between people; none: no rules (human-only)"
    assert ("risk.control, risk.housing, risk (cu-alpha): no rule can code these "
            "(human-only), so each row is the agreement of ana and bo alone"
            in " ".join(result.output.split()))


def test_a_group_with_one_code_the_rules_can_apply_is_judged_on_that_code(rules_study):
    # the group risk holds housing, which the rules apply, and economic control, which
    # they cannot: its cu-alpha against the rules, left one code to choose, read "n/a"
    # with "the coders never varied there", though the rules and ana differ on housing
    with (rules_study / "codings" / "ana.csv").open("a") as file:
        file.write("call0:t3,risk.housing\ncall1:t3,risk.housing\n")
    for roll_up in ((), ("--roll-up",)):
        result = invoke("agree", "rules", "ana", "-s", rules_study, *roll_up)
        assert result.exit_code == 0, result.output
        table = pd.read_csv(rules_study / "out" / "agreement" / "rules-vs-ana.csv")
        group = table[table["kind"] == "group"].set_index("code_id").loc["risk"]
        housing = table.set_index("code_id").loc["risk.housing"]
        for column in ("units", "percent_agreement", "krippendorff_alpha",
                       "krippendorff_alpha_low", "krippendorff_alpha_high"):
            assert group[column] == pytest.approx(housing[column]), column
        assert housing["krippendorff_alpha"] < 1
        assert group["verdict"] == f"{housing['verdict']} (on risk.housing alone)"
        output = " ".join(result.output.split())
        assert "n/a for risk:" not in output
        assert ("risk (cu-alpha): the rules can apply one code below it, risk.housing, "
                "so it is judged on that code, present or not" in output)


def test_the_pooled_row_with_roll_up_counts_each_coding_once(rules_study):
    # with --roll-up (all codes) pooled the parent's rolled-up row beside its sub-codes'
    # rows, each housing coding counted twice: 100 units for 50 segments, and a verdict
    # ("reliable") the codings as applied do not reach ("too few units")
    coder = pd.read_csv(rules_study / "codings" / "ana.csv")
    coder.drop(index=coder[coder["code_id"] == "risk.control"].index[::4]).to_csv(
        rules_study / "codings" / "bo.csv", index=False)
    for names in (("rules", "ana"), ("ana", "bo"), ("rules", "ana", "bo")):
        stem = "-vs-".join(names)
        pooled = {}
        for roll_up in ((), ("--roll-up",)):
            result = invoke("agree", *names, "-s", rules_study, *roll_up)
            assert result.exit_code == 0, result.output
            table = pd.read_csv(rules_study / "out" / "agreement" / f"{stem}.csv")
            pooled[roll_up] = table.set_index("code_id").loc["(all codes)"]
        assert "risk" in set(table["code_id"])              # rolled up, the parent's row
        for column in ("units", "coders", "percent_agreement", "krippendorff_alpha",
                       "krippendorff_alpha_low", "krippendorff_alpha_high", "verdict"):
            assert pooled[()][column] == pooled[("--roll-up",)][column], (names, column)
        assert "(all codes) pools the codes as applied, each coding counted once" in " ".join(
            result.output.split())
