"""Coders who looked for some codes only (``coders:`` in dialogcode.yaml): learn takes
the other codes as unknown where they read, agree does not judge them there, and a coder
file using few codes gets a note when nothing is declared. On the learning study (ana
codes economic control and housing in call0-call4; the rules code housing)."""
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.ingest import load_corpus
from dialogcode.model_file import load_models
from dialogcode.tables import substantive
from dialogcode.training import training_data
from test_learning import learning_study


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def study(tmp_path) -> Path:
    return learning_study(tmp_path / "study")


def control_only(study: Path, declare: str | None = "ana: {codes: [risk.control]}") -> None:
    """ana looked for economic control alone: her file keeps only those rows, and
    dialogcode.yaml says so (unless ``declare`` is None)."""
    path = study / "codings" / "ana.csv"
    coder = pd.read_csv(path)
    coder[coder["code_id"] == "risk.control"].to_csv(path, index=False)
    if declare is not None:
        config = study / "dialogcode.yaml"
        config.write_text(config.read_text() + f"coders:\n  {declare}\n", encoding="utf-8")


def labels_of(study: Path):
    opened = Study.open(study)
    corpus = load_corpus(opened)
    data = training_data(opened, corpus.segments, load_codebooks(opened.codebook_files()))
    return data, data.origin == "segment"


def test_learn_takes_the_codes_a_coder_did_not_look_for_as_unknown_not_absent(study):
    # every segment ana read was a negative for housing, which she never looked for:
    # 50 "not housing" lessons, the housing turns among them
    control_only(study)
    data, segments = labels_of(study)
    housing, control = data.codes.index("risk.housing"), data.codes.index("risk.control")
    assert (data.labels[segments, housing] == -1).all()
    assert data.labels[segments, control].tolist().count(1) == 20
    assert data.labels[segments, control].tolist().count(0) == 30
    # a coder who looked for every code still teaches both
    bo = pd.read_csv(study / "codings" / "ana.csv").head(3)
    bo.to_csv(study / "codings" / "bo.csv", index=False)
    data, segments = labels_of(study)
    assert (data.labels[segments, data.codes.index("risk.housing")] == 0).sum() > 0


def test_a_code_listed_brings_its_sub_codes_and_leaves_its_parent_unknown(study):
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("    label: Risks\n    codable: false\n",
                                             "    label: Risks\n    definition: Any risk.\n"))
    control_only(study, "ana: {codes: [risk]}")
    data, segments = labels_of(study)
    assert data.codes == ["risk", "risk.housing", "risk.control"]
    assert (data.labels[segments, 1] == 0).all()     # housing sought with risk, never given
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("codes: [risk]", "codes: [risk.control]"))
    data, segments = labels_of(study)
    assert (data.labels[segments, 0] == -1).all() and (data.labels[segments, 1] == -1).all()


@pytest.fixture
def coded(study) -> Path:
    control_only(study)
    assert invoke("code", study, "-q").exit_code == 0
    return study


def test_agree_does_not_judge_a_coder_on_codes_she_did_not_look_for(coded):
    # the rules' housing codings all counted against ana: "do not rely" on housing
    result = invoke("agree", "rules", "ana", "-s", coded)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(coded / "out" / "agreement" / "rules-vs-ana.csv").set_index("code_id")
    assert written.loc["risk.housing", "verdict"] == "none: ana did not look for it"
    assert written.loc["risk.housing", "units"] == 0
    assert "do not rely" not in result.output
    assert ("Note: ana looked for 1 code(s) only (coders: in dialogcode.yaml): the other "
            "codes are not judged for ana, and (all codes) leaves them out for ana"
            in " ".join(result.output.split()))


def test_the_pooled_row_leaves_out_what_a_coder_did_not_look_for(coded):
    bo = pd.read_csv(coded / "codings" / "ana.csv")
    bo.iloc[::2].to_csv(coded / "codings" / "bo.csv", index=False)
    with (coded / "codings" / "bo.csv").open("a") as file:
        file.write("call0:t2,risk.housing\n")
    result = invoke("agree", "ana", "bo", "-s", coded)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(coded / "out" / "agreement" / "ana-vs-bo.csv").set_index("code_id")
    assert written.loc["risk.housing", "verdict"] == "none: ana did not look for it"
    pooled, control = written.loc["(all codes)"], written.loc["risk.control"]
    assert (pooled["units"], pooled["only_first"]) == (control["units"],
                                                       control["only_first"])
    assert pooled["only_second"] == 0


def test_the_reports_agreement_table_does_not_judge_a_coder_on_codes_she_did_not_seek(coded):
    assert invoke("tables", coded, "-q").exit_code == 0
    table = pd.read_csv(coded / "out" / "tables" / "agreement.csv").set_index("code_id")
    assert table.loc["risk.housing", "verdict"] == "none: ana did not look for it"
    assert "(all codes)" not in table.index      # housing was all the rules could be judged on


MORE_CODES = "".join(f"  - id: extra{n}\n    label: Extra {n}\n    definition: Talk of "
                     f"topic {n}.\n" for n in range(7))


def test_a_coder_file_using_few_codes_gets_a_note_naming_the_config_to_write(study):
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text() + MORE_CODES)    # 9 codable codes, ana uses 2
    assert invoke("code", study, "-q").exit_code == 0
    wanted = ("ana used 2 of the codebook's 9 codable codes (risk.control, risk.housing). "
              "If ana looked for only these, write `coders: {ana: {codes: [risk.control, "
              "risk.housing]}}` in dialogcode.yaml")
    agreed = invoke("agree", "rules", "ana", "-s", study)
    assert agreed.exit_code == 0, agreed.output
    assert wanted in " ".join(agreed.output.split())
    learned = invoke("learn", study)
    assert learned.exit_code == 0, learned.output
    assert wanted in " ".join(learned.output.split())
    # once declared, or with the codebook used widely enough, no note
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text()
                      + "coders:\n  ana: {codes: [risk.control, risk.housing]}\n")
    assert "If ana looked for" not in invoke("agree", "rules", "ana", "-s", study).output


@pytest.mark.parametrize("entry, line, message", [
    ("coders:\n  ana: {codes: [risk.contrl]}\n", 5,
     "[coders.ana.codes]: code 'risk.contrl' is not in the codebook; did you mean "
     "'risk.control'?"),
    ("coders:\n  ana:\n    codes:\n      - risk.control\n      - nothing\n", 8,
     "[coders.ana.codes]: code 'nothing' is not in the codebook: give its code id"),
    ("coders:\n  bo: {codes: [risk.control]}\n", 5,
     "[coders.bo]: no codings/bo.csv (coders: ana)"),
    ("coders:\n  ana: {codes: risk.control}\n", 5,
     "[coders.ana.codes]: Input should be a valid list"),
    ("coders:\n  ana: {code: [risk.control]}\n", 5,
     "[coders.ana.code]: unknown key; did you mean 'codes'?"),
    ("coders: [ana]\n", 4, "[coders]: Input should be a valid dictionary"),
    ("coders:\n  ana: {codes: []}\n", 5, "[coders.ana.codes]: List should have at least 1"),
])
def test_a_wrong_coders_entry_is_named_with_its_line(study, entry, line, message):
    assert invoke("code", study, "-q").exit_code == 0
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + entry, encoding="utf-8")
    for command in (("learn", study), ("agree", "ana", "rules", "-s", study)):
        result = invoke(*command)
        assert result.exit_code == 1, result.output
        assert f"dialogcode.yaml:{line} {message}" in " ".join(result.output.split())


def test_evaluate_against_a_coder_scores_only_the_codes_she_looked_for(coded):
    # every housing coding of the rules was a false positive against ana, who never
    # looked for housing: rules' precision on housing 0
    result = invoke("evaluate", coded, "--reference", "ana", "-q")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(coded / "out" / "evaluation" / "per_code.csv")
    housing = table[(table["code_id"] == "risk.housing") & (table["method"] == "rules")]
    assert housing["coded"].tolist() == [0]
    control = table[(table["code_id"] == "risk.control") & (table["method"] == "model")]
    assert control["reference_positives"].tolist() == [20]
    # housing's row reads "the rules coded 0": said not to be a figure
    assert ("Not scored: risk.housing (ana did not look for it, coders: in "
            "dialogcode.yaml): its rows count nothing" in " ".join(result.output.split()))


def test_a_variable_a_coder_did_not_look_for_is_judged_between_the_others(tmp_path):
    # Krippendorff's example: the observer `a` looked for topics only, so the variable
    # `value` is b's and c's alone, as if a had not read those units
    import shutil

    from dialogcode.ingest import ingest, write_corpus
    from test_agreement_cli import STUDY
    root = tmp_path / "study"
    shutil.copytree(STUDY, root)
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    for coder in "abc":
        assert invoke("import-codings", root / "coders" / f"{coder}.csv", root,
                      "--coder", coder).exit_code == 0
    assert invoke("agree", "b", "c", "-s", root).exit_code == 0
    # a read the same units looking for topics, and found rent where she gave a value
    path = root / "codings" / "a.csv"
    path.write_text(re.sub(r",value\.v\d,", ",topic.rent,", path.read_text()))
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  a: {codes: [topic]}\n")
    result = invoke("agree", "a", "b", "c", "-s", root)
    assert result.exit_code == 0, result.output
    # topic is a category of three codes: "a looked for 4 code(s)" counted it among them
    assert "Note: a looked for 3 code(s) only" in result.output
    three = pd.read_csv(root / "out" / "agreement" / "a-vs-b-vs-c.csv").set_index("code_id")
    two = pd.read_csv(root / "out" / "agreement" / "b-vs-c.csv").set_index("code_id")
    for column in ("coders", "units", "pairable_values", "complete_units",
                   "krippendorff_alpha", "krippendorff_alpha_low", "alpha_interval_high"):
        assert three.loc["value", column] == pytest.approx(two.loc["value", column]), column
    assert invoke("agree", "a", "b", "-s", root).exit_code == 0
    pair = pd.read_csv(root / "out" / "agreement" / "a-vs-b.csv").set_index("code_id")
    assert pair.loc["value", "verdict"] == "none: a did not look for it"


def test_the_reports_pooled_row_counts_the_segments_compared_beside_an_unsought_code(study):
    # the pooled row showed the segments of the coder's last code row: 0, that of a code
    # she did not look for, in place of the 50 she read
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text() + "  - id: venue\n    label: Venue\n    definition: "
                    "Where people meet.\n    patterns: {terms: [flyers, soccer]}\n")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  ana: {codes: [risk]}\n")
    for command in ("code", "tables", "report"):
        result = invoke(command, study, "-q")
        assert result.exit_code == 0, result.output
    table = pd.read_csv(study / "out" / "tables" / "agreement.csv").set_index("code_id")
    assert table.loc["venue", "verdict"] == "none: ana did not look for it"
    page = " ".join((study / "out" / "report.html").read_text(encoding="utf-8").split())
    section = page[page.index("<h3>Rules against coder"):]
    assert ("<tr><td>All codes pooled (every code and segment decision counted once)</td>"
            '<td class="n">50</td>') in section[:section.index("</table>")]


def test_a_code_a_coder_gave_outside_the_codes_she_looked_for_is_refused_with_its_line(coded):
    # ana's file gives housing, which coders: says she did not look for: agree dropped
    # those codings unsaid ("none: ana did not look for it") while learn took them as
    # housing lessons; which of the two is wrong is hers to say
    path = coded / "codings" / "ana.csv"
    with path.open("a") as file:
        file.write("call0:t2,risk.housing\n")
    line = len(path.read_text().splitlines())
    wanted = (f"ana.csv:{line}: ana gave 'risk.housing', a code `coders:` in "
              "dialogcode.yaml (line 5) does not list for ana: add it to ana's codes there "
              "if ana looked for it, or delete the row")
    for command in (("learn", coded), ("agree", "rules", "ana", "-s", coded),
                    ("tables", coded), ("evaluate", coded, "--reference", "ana")):
        result = invoke(*command, "-q") if command[0] != "agree" else invoke(*command)
        assert result.exit_code == 1, (command, result.output)
        assert wanted in " ".join(result.output.split()), (command, result.output)
        assert "Traceback" not in result.output


def test_a_coder_file_far_outside_its_entry_is_refused_in_a_few_lines(study):
    # a file of every code beside an entry of one: a problem per row, 322 lines of
    # refusal for one wrong entry; now the first rows and a count of the rest
    from dialogcode.errors import ConfigError
    from dialogcode.scopes import SHOWN, coder_scopes
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  ana: {codes: [risk.control]}\n")
    with (study / "codings" / "ana.csv").open("a") as file:
        file.write("".join(f"call5:t{n},risk.housing\n" for n in range(1, 5)))
    housing = pd.read_csv(study / "codings" / "ana.csv")["code_id"].eq("risk.housing").sum()
    assert housing > SHOWN
    opened = Study.open(study)
    with pytest.raises(ConfigError) as caught:
        coder_scopes(opened, load_codebooks(opened.codebook_files()))
    problems = caught.value.problems
    assert len(problems) == SHOWN + 1
    assert all(p.line and "ana gave 'risk.housing'" in p.message for p in problems[:-1])
    assert str(problems[-1]).endswith(
        f"ana.csv: and {housing - SHOWN} more row(s) giving 1 code(s) `coders:` does not "
        "list for ana: risk.housing")


def test_a_category_a_coder_gave_counts_as_its_codes_in_the_note(study):
    # ana gave a category of twelve codes besides her two: the note said she used 3 of
    # the 14 codable codes, counting the category (not codable) as one
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text() + "  - id: theme\n    label: Themes\n    codable: false\n"
                    "    codes:\n" + "".join(f"      - id: theme.t{n}\n        label: T{n}\n"
                                           f"        definition: Topic {n}.\n"
                                           for n in range(12)))
    with (study / "codings" / "ana.csv").open("a") as file:
        file.write("call0:t3,theme\n")
    assert invoke("code", study, "-q").exit_code == 0
    result = invoke("agree", "rules", "ana", "-s", study)
    assert result.exit_code == 0, result.output
    assert "If ana looked for" not in result.output
    # two codes of the fourteen, the category left out: the note as before
    path = study / "codings" / "ana.csv"
    path.write_text(path.read_text().replace("call0:t3,theme\n", ""))
    result = invoke("agree", "rules", "ana", "-s", study)
    assert ("ana used 2 of the codebook's 14 codable codes (risk.control, risk.housing)"
            in " ".join(result.output.split()))


def test_the_reports_trust_list_says_a_code_the_reference_did_not_look_for_is_unchecked(coded):
    # housing was listed "too few to tell", as if ana had looked and found it rarely
    assert invoke("evaluate", coded, "--reference", "ana", "-q").exit_code == 0
    result = invoke("report", coded, "-q")
    assert result.exit_code == 0, result.output
    page = " ".join((coded / "out" / "report.html").read_text(encoding="utf-8").split())
    assert "<li><strong>not checked: ana did not look for it</strong>: Housing</li>" in page
    assert "<strong>too few to tell</strong>" not in page


def test_rules_beside_two_people_on_a_human_only_code_one_of_them_did_not_look_for(study):
    # `agree rules ana bo`, ana looking for housing alone: economic control (human-only)
    # is the people's row, the rules left out, and ana did not look for it, so bo was
    # left alone; it read "n/a: no one applied it between people", though bo applied it
    # twenty times
    full = pd.read_csv(study / "codings" / "ana.csv")
    full.to_csv(study / "codings" / "bo.csv", index=False)
    full[full["code_id"] == "risk.housing"].to_csv(study / "codings" / "ana.csv", index=False)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  ana: {codes: [risk.housing]}\n")
    assert invoke("code", study, "-q").exit_code == 0
    result = invoke("agree", "rules", "ana", "bo", "-s", study)
    assert result.exit_code == 0, result.output
    three = pd.read_csv(study / "out" / "agreement" / "rules-vs-ana-vs-bo.csv"
                        ).set_index("code_id")
    assert three.loc["risk.control", "verdict"] == (
        "none: ana did not look for it between people; none: no rules (human-only)")
    assert three.loc["risk.control", "coders"] == 1    # bo alone: ana did not look
    assert "no one applied" not in result.output
    assert three.loc["risk.housing", "percent_agreement"] == 1.0  # all three coded it alike


def test_a_code_no_one_applied_that_a_coder_did_not_look_for_says_she_did_not(study):
    # it stopped with a traceback (IndexError) when no coder judged on a code had
    # applied it: here housing, which nobody applied and ana says she did not look for
    full = pd.read_csv(study / "codings" / "ana.csv")
    control = full[full["code_id"] == "risk.control"]
    control.to_csv(study / "codings" / "bo.csv", index=False)
    control.to_csv(study / "codings" / "ana.csv", index=False)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  ana: {codes: [risk.control]}\n")
    for asked in ((), ("--code", "risk.housing", "--code", "risk.control")):
        result = invoke("agree", "ana", "bo", "-s", study, *asked)
        assert result.exit_code == 0, result.output
        written = pd.read_csv(study / "out" / "agreement" / "ana-vs-bo.csv"
                              ).set_index("code_id")
        # "did not look for it" tells more than "no one applied it": bo alone looked
        # (a code nobody applied has a row only when asked for)
        if asked:
            assert written.loc["risk.housing", "verdict"] == "none: ana did not look for it"
        else:
            assert "risk.housing" not in written.index
        assert written.loc["risk.control", "verdict"] == "reliable"
        assert "no one applied" not in result.output


def test_the_rules_against_one_coder_on_a_human_only_code_she_did_not_look_for(study):
    # `agree rules ana --code risk.control`, ana looking for housing alone, read "none:
    # ana did not look for it between people; none: no rules (human-only)": there are no
    # people compared here, only the rules and ana
    full = pd.read_csv(study / "codings" / "ana.csv")
    full[full["code_id"] == "risk.housing"].to_csv(study / "codings" / "ana.csv", index=False)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  ana: {codes: [risk.housing]}\n")
    assert invoke("code", study, "-q").exit_code == 0
    result = invoke("agree", "rules", "ana", "-s", study, "--code", "risk.control",
                    "--code", "risk.housing")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(study / "out" / "agreement" / "rules-vs-ana.csv").set_index("code_id")
    assert written.loc["risk.control", "verdict"] == "none: no rules (human-only)"
    assert "between people" not in result.output


def two_coders(study: Path, ana: str) -> None:
    """bo coded every code in call0-call4, ana the same documents for ``ana`` alone, as
    dialogcode.yaml says, and `learn: reference` names ana."""
    full = pd.read_csv(study / "codings" / "ana.csv")
    full.to_csv(study / "codings" / "bo.csv", index=False)
    full[full["code_id"] == ana].to_csv(study / "codings" / "ana.csv", index=False)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("folds: 3}", "folds: 3, reference: ana}")
                      + f"coders:\n  ana: {{codes: [{ana}]}}\n", encoding="utf-8")


def test_learn_says_the_reference_did_not_look_for_a_code_and_what_to_do(study):
    # housing's status read "0 human-coded segments of the reference coder to check it
    # on (< 20)", as if ana had coded too little, and nothing said what to do
    two_coders(study, "risk.control")
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    stats = load_models(study / "out" / "model").stats.set_index("code_id")
    assert stats.loc["risk.housing", "status"] == (
        "ana (learn: reference) did not look for it (coders: in dialogcode.yaml), so no "
        "cut can be checked")
    assert stats.loc["risk.control", "status"] == "codes"
    said = " ".join(result.output.split())
    assert ("Not checked against ana: risk.housing (ana did not look for it, coders: in "
            "dialogcode.yaml), so the model does not code it: name another coder in "
            "`learn: reference`, or list it in ana's codes under `coders:` if ana looked "
            "for it." in said)
    assert "0 human-coded segments" not in said


def test_a_human_only_code_the_reference_did_not_look_for_is_not_said_to_need_more(study):
    # "no model yet (...): code more of them", for economic control, which bo coded
    # twenty times: no amount of coding gives it a cut while ana does not look for it
    two_coders(study, "risk.housing")
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("no model: ana (learn: reference) did not look for it (coders: in "
            "dialogcode.yaml), so no cut can be checked (name another coder in `learn: "
            "reference`, or list the code under `coders:` for that coder if they looked "
            "for it): risk.control" in said)
    # (the line of the codes whose precision is too few to say asks for more of those)
    assert "code more of them: risk.control" not in said and "no model yet" not in said
    assert "Not checked against" not in said      # said once, in the line above
    result = invoke("code", study)
    said = " ".join(result.output.split())
    assert "no model: ana (learn: reference) did not look for it" in said
    assert "code more of them" not in said


def test_too_few_positives_says_which_coder_did_not_look_for_the_code(study):
    # ana read fifty segments; "too few positives (< 4)" for housing hid that she never
    # looked for it
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("min_positives: 4", "min_positives: 8"))
    control_only(study)
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    stats = load_models(study / "out" / "model").stats.set_index("code_id")
    assert stats.loc["risk.housing", "status"] == (
        "too few positives (< 8; ana did not look for it: coders: in dialogcode.yaml)")


def test_review_next_offers_a_coders_segments_for_the_codes_she_did_not_look_for(coded):
    # every segment of ana's documents was passed over as coded, though she looked for
    # economic control alone and learn takes housing as unknown there: the housing turns
    # the rules code, which a person's word on would teach most, were never asked about
    assert invoke("learn", coded, "-q").exit_code == 0
    sheet = coded / "out" / "next.csv"
    result = invoke("review", "export", coded, "--next", "10", "-o", sheet)
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(sheet)
    hers = rows[rows["doc_id"].isin({f"call{i}" for i in range(5)})]
    assert len(hers)
    # ana said what economic control she found there: it is not asked again
    assert "risk.control" not in set(hers["code_id"])
    assert "risk.housing" in set(hers["code_id"])


def test_review_next_says_truly_why_a_round_is_short_beside_a_coders_segments(study):
    # ana looked for housing alone; economic control has no model and no rule, so
    # nothing could be asked on her segments: they were picked with nothing listed and
    # the sheet said "no code has a model", though housing's has one
    full = pd.read_csv(study / "codings" / "ana.csv")
    full[full["code_id"] == "risk.housing"].to_csv(study / "codings" / "ana.csv",
                                                   index=False)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  ana: {codes: [risk.housing]}\n")
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("learn", study, "-q").exit_code == 0
    segments = pd.read_parquet(study / "out" / "segments.parquet")
    left = segments[segments["doc_id"].isin({"call5", "call6", "call7"})
                    & substantive(segments)]
    sheet = study / "out" / "next.csv"
    result = invoke("review", "export", study, "--next", "500", "-o", sheet)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "no code has a model" not in said
    assert f"only {len(left)} segment(s) nobody has coded or decided are left" in said
    assert pd.read_csv(sheet)["doc_id"].isin({"call5", "call6", "call7"}).all()


def test_review_next_says_how_many_left_a_coder_coded_for_some_codes(coded):
    # "only N segment(s) nobody has coded or decided are left" counted ana's segments,
    # which she coded for economic control
    assert invoke("learn", coded, "-q").exit_code == 0
    sheet = coded / "out" / "next.csv"
    result = invoke("review", "export", coded, "--next", "5000", "-o", sheet)
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(sheet)
    hers = rows.loc[rows["doc_id"].isin({f"call{i}" for i in range(5)}), "seg_id"].nunique()
    assert hers
    said = " ".join(result.output.split())
    assert f"{hers} of them coded for some codes only (coders: in dialogcode.yaml)" in said


def test_a_code_a_third_coder_did_not_look_for_gets_the_figures_of_the_two_who_did(study):
    # with ana, bo and cy, cy looking for economic control only, housing's row had ana
    # and bo's alpha but a 95% interval drawn as if three coders had coded it (narrower:
    # 0.37 to 0.87 where the two's is 0.19 to 0.95), no complete units and so no kappa,
    # and a verdict that did not say cy was left out
    coder = pd.read_csv(study / "codings" / "ana.csv")
    control, housing = (coder[coder["code_id"] == c] for c in ("risk.control", "risk.housing"))
    extra = pd.DataFrame({"seg_id": ["call0:t3", "call1:t3"], "code_id": "risk.housing"})
    pd.concat([control.drop(index=control.index[::4]), housing.iloc[1:], extra]).to_csv(
        study / "codings" / "bo.csv", index=False)
    control.drop(index=control.index[1::5]).to_csv(study / "codings" / "cy.csv", index=False)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "coders:\n  cy: {codes: [risk.control]}\n")
    assert invoke("agree", "ana", "bo", "-s", study).exit_code == 0
    result = invoke("agree", "ana", "bo", "cy", "-s", study)
    assert result.exit_code == 0, result.output
    two = pd.read_csv(study / "out" / "agreement" / "ana-vs-bo.csv").set_index("code_id")
    three = pd.read_csv(study / "out" / "agreement" / "ana-vs-bo-vs-cy.csv").set_index(
        "code_id")
    pair, row = two.loc["risk.housing"], three.loc["risk.housing"]
    assert row["coders"] == 2
    for column in ("units", "pairable_values", "complete_units", "informative_units",
                   "percent_agreement", "fleiss_kappa", "krippendorff_alpha",
                   "krippendorff_alpha_low", "krippendorff_alpha_high",
                   "percent_agreement_low", "percent_agreement_high"):
        assert row[column] == pytest.approx(pair[column]), column
    assert row["verdict"] == f"{pair['verdict']} between ana and bo (cy did not look for it)"
    assert three.loc["risk.control", "verdict"] in ("reliable", "tentative", "do not rely")
    # the group risk (housing among its codes) is likewise ana and bo's alone
    group, alone = (t[t["kind"] == "group"].loc["risk"] for t in (three, two))
    for column in ("coders", "units", "krippendorff_alpha_low"):
        assert group[column] == pytest.approx(alone[column]), column


def test_evaluate_does_not_call_too_few_a_code_the_reference_did_not_look_for(coded):
    # risk.housing, which ana did not look for, was listed among the codes whose
    # precision is of too few codings, beside the line saying it is not scored at all
    result = invoke("evaluate", coded, "--reference", "ana")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Not scored: risk.housing" in said
    assert "too few to say: risk.housing" not in said


def test_the_notebooks_evaluation_is_the_commands_beside_a_reference_of_some_codes(coded):
    # notebook 04 read the reference's file and scored it on every code: the housing the
    # rules found, which ana never looked for, counted as false positives and its overall
    # figures were not those `dialogcode evaluate` writes, with nothing to say so
    from dialogcode.coders import coder_path, read_coder
    from dialogcode.coding import code_corpus
    from dialogcode.evaluate import ALL, evaluate, study_evaluation

    assert invoke("evaluate", coded, "--reference", "ana", "-q").exit_code == 0
    written = pd.read_csv(coded / "out" / "evaluation" / "per_code.csv")
    opened = Study.open(coded)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    rules = code_corpus(corpus.segments, corpus.documents, book, model=opened.config.model)
    result, design = study_evaluation(opened, "ana", rules, corpus=corpus, book=book)
    pd.testing.assert_frame_equal(result.per_code.reset_index(drop=True), written,
                                  check_dtype=False)
    assert design["not_sought"] == ["risk.housing"] and design["reference"] == "ana"
    settings = opened.config.learn
    data = training_data(opened, corpus.segments, book, documents=corpus.documents)
    old = evaluate(data, corpus.segments, corpus.documents, rules, book,
                   read_coder(coder_path(opened, "ana"), corpus.segments),
                   model=opened.config.model, semantic=settings.semantic,
                   min_precision=settings.min_precision, threshold=settings.threshold,
                   min_positives=settings.min_positives, folds=settings.folds).per_code
    rows = (old["code_id"] == ALL) & (old["method"] == "rules")
    assert old.loc[rows, ["coded", "precision"]].values.tolist() == [[5, 0.0]]
    assert written.loc[rows.to_numpy(), "coded"].tolist() == [0]
