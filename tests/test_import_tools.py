"""`dialogcode import-codings` of other QDA tools' coded-segment exports (MAXQDA,
ATLAS.ti, Taguette, Dedoose) on tests/data/evidence-study: 4 documents in two folders
(north/kickoff, north/closing, south/visit, south/closing), codebook Risks (risk) >
Housing (risk.housing), Money (risk.money), and Connection (connection).

Turns (seg_id: text): north/kickoff t1 question, t2 "The rent keeps rising and families
get evicted.", t3 "Wages are low, so rent is late.", t4 "Mm-hm."; north/closing t1
question, t2 "Neighbours check on each other now.", t3 "We stand together when the rent
goes up."; south/visit t1 question, t2 "Debt is the worry. Wages too.", t3 "Our
neighbours helped when we were evicted."; south/closing t1 "We meet together every
week.", t2 "Nothing else to add."
"""
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coders import CodingsError, read_coder
from dialogcode.ingest import ingest, load_corpus, write_corpus

from conftest import corpus_and_codebook, imported, ingested_evidence

DATA = Path(__file__).parent / "data"
TOOLS = DATA / "importers" / "tools"

MAXQDA = ["Color", "Document group", "Document name", "Code", "Beginning", "End",
          "Weight score", "Segment", "Comment"]
ATLAS = ["ID", "Quotation Name", "Document", "Quotation Content", "Codes", "Reference",
         "Start", "End", "Comment"]
DEDOOSE = ["Media Title", "Excerpt Range", "Excerpt Date", "Resource Creator",
           "Resource Date", "Excerpt Creator", "Excerpt Copy", "Code: Housing Applied",
           "Code: Housing Weight", "Code: Money Applied", "Code: Connection Applied"]


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    return ingested_evidence(tmp_path_factory.mktemp("tools") / "study")


@pytest.fixture(scope="module")
def loaded(study):
    return corpus_and_codebook(study)


def workbook(path: Path, header: list, *rows) -> Path:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def rows(result):
    return [(r.seg_id, r.code_id) for r in result.codings.itertuples()]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def maxqda(path: Path) -> Path:
    """A MAXQDA coded-segments export: codes as paths with a backslash, a segment with
    its speaker label, one with a line break, one with an ellipsis for ". ", and
    "closing", a name two folders share, told apart by the document group."""
    return workbook(
        path, MAXQDA,
        ("", "north", "kickoff", "Risks\\Housing", 3, 3, 0,
         "P1: The rent keeps rising and families get evicted.", ""),
        ("", "north", "kickoff", "Risks\\Money", 5, 5, 0, "Wages are low, so rent is late.",
         "pay"),
        ("", "north", "closing", "Connection", 3, 3, 0,
         "Neighbours check on each other\nnow.", ""),
        ("", "north", "closing", "Connection", 5, 5, 0,
         "We stand together when the rent goes up.", ""),
        ("", "south", "visit", "Risks\\Money", 3, 3, 0, "Debt is the worry… Wages too.", ""),
        ("", "south", "visit", "Connection", 5, 5, 0,
         "Our neighbours helped when we were evicted.", ""))


def test_maxqda_coded_segments(loaded, tmp_path):
    result = imported(maxqda(tmp_path / "MAXQDA Coded Segments.xlsx"), loaded)
    assert result.format == "maxqda"
    assert rows(result) == [
        ("north/kickoff:t2", "risk.housing"), ("north/kickoff:t3", "risk.money"),
        ("north/closing:t2", "connection"), ("north/closing:t3", "connection"),
        ("south/visit:t2", "risk.money"), ("south/visit:t3", "connection")]
    assert result.located == {"exact": 4, "tolerant": 2, "fuzzy": 0}
    # the quote is the transcript's text, not the export's; the label starts the span
    assert result.codings["quote"].tolist()[0] == \
        "P1: The rent keeps rising and families get evicted."
    # a tolerant match runs from the first letter matched to the last
    assert result.codings["quote"].tolist()[4] == "Debt is the worry. Wages too"
    # Beginning and End (paragraphs) are not read as character offsets
    assert result.codings["start"].tolist()[1] == 97


# the six codings of maxqda() as (document as each other tool names it, text, code)
SIX = [("north/kickoff", "The rent keeps rising and families get evicted.", "Housing"),
       ("north/kickoff", "Wages are low, so rent is late.", "Money"),
       ("north/closing", "Neighbours check on each other now.", "Connection"),
       ("north/closing", "We stand together when the rent goes up.", "Connection"),
       ("visit", "Debt is the worry. Wages too.", "Money"),
       ("visit", "Our neighbours helped when we were evicted.", "Connection")]


def export(tool: str, folder: Path) -> Path:
    """The codings of :func:`maxqda` as ``tool`` exports them."""
    if tool == "maxqda":
        return maxqda(folder / "max.xlsx")
    if tool == "atlasti":
        return workbook(folder / "atlas.xlsx", ATLAS, *[
            (f"1:{i}", "", doc, text, code, "", "", "", "")
            for i, (doc, text, code) in enumerate(SIX, start=1)])
    if tool == "taguette":
        path = folder / "taguette.csv"
        pd.DataFrame([{"id": i, "document": doc, "tag": code, "content": text}
                      for i, (doc, text, code) in enumerate(SIX)]).to_csv(path, index=False)
        return path
    return workbook(folder / "dedoose.xlsx", DEDOOSE, *[
        (doc, "", "", "ana", "", "ana", text, code == "Housing", "", code == "Money",
         code == "Connection") for doc, text, code in SIX])


@pytest.mark.parametrize("tool", ["maxqda", "atlasti", "taguette", "dedoose"])
def test_agree_with_an_imported_coder_gives_the_figures_by_hand(study, tool):
    result = run("import-codings", export(tool, study), study, "--coder", tool)
    assert result.exit_code == 0, result.output
    assert f"Imported 6 codings ({tool})" in result.output
    written = pd.read_csv(study / "codings" / f"{tool}.csv")
    assert written[["seg_id", "code_id"]].values.tolist() == [
        ["north/kickoff:t2", "risk.housing"], ["north/kickoff:t3", "risk.money"],
        ["north/closing:t2", "connection"], ["north/closing:t3", "connection"],
        ["south/visit:t2", "risk.money"], ["south/visit:t3", "connection"]]
    (study / "ben.csv").write_text(
        "seg_id,code\nnorth/kickoff:t2,risk.housing\nnorth/kickoff:t3,risk.housing\n"
        "north/closing:t2,connection\nsouth/visit:t2,risk.money\n"
        "south/visit:t3,connection\n", encoding="utf-8")
    result = run("import-codings", study / "ben.csv", study, "--coder", "ben", "--replace")
    assert result.exit_code == 0, result.output
    result = run("agree", tool, "ben", "-s", study, "--draws", "0")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(study / "out" / "agreement" / f"{tool}-vs-ben.csv")
    table = table.set_index("code_id")
    # both read north/kickoff (4 turns), north/closing (3) and south/visit (3): 10 units.
    # risk.housing: the tool's coder k-t2, ben k-t2 and k-t3: agree on 9; p_e = .1*.2 +
    # .9*.8 = .74, kappa = (.9 - .74) / (1 - .74) = 0.615; risk.money likewise (k-t3
    # and v-t2 against v-t2); connection: c-t2, c-t3, v-t3 against c-t2, v-t3: agree
    # on 9, p_e = .3*.2 + .7*.8 = .62, kappa = .28 / .38 = 0.737
    for code, kappa in (("risk.housing", 0.615), ("risk.money", 0.615),
                        ("connection", 0.737)):
        row = table.loc[code]
        assert (row.units, row.percent_agreement, round(row.cohen_kappa, 3)) == \
            (10, 0.9, kappa), code


def test_maxqda_quotes_are_located_as_quotes_are(study):
    result = run("import-codings", maxqda(study / "m.xlsx"), study, "--coder", "m")
    assert result.exit_code == 0, result.output
    assert "Quotes located: 4 exact, 2 tolerant, 0 fuzzy." in result.output


def test_a_file_name_two_folders_share_is_refused_unless_the_group_tells(loaded, tmp_path):
    path = workbook(tmp_path / "names.xlsx", MAXQDA,
                    ("", "south", "closing", "Connection", 1, 1, 0, "We meet together", ""),
                    ("", "west", "closing", "Connection", 1, 1, 0, "We meet together", ""),
                    ("", "", "closing.txt", "Connection", 1, 1, 0, "We meet together", ""),
                    ("", "", "minutes", "Connection", 1, 1, 0, "We meet together", ""))
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    assert f"{path}:2" not in message
    assert (f"{path}:3: document 'closing' fits several documents (north/closing, "
            "south/closing), none in the group 'west': rename it in the export to the "
            "doc_id") in message
    assert (f"{path}:4: document 'closing.txt' fits several documents (north/closing, "
            "south/closing): rename it") in message
    assert f"{path}:5: unknown document 'minutes' (documents: north/closing" in message


def test_a_group_and_name_that_tell_two_documents_are_refused(tmp_path):
    # transcripts/closing.txt beside north/closing.txt: the row of the group north was
    # read as the top folder's closing, its doc_id being the name, the group unread;
    # read group first, it was north/closing, though a MAXQDA group is any name the
    # coder gave (a site's, here the top closing's as well): either was a guess
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "closing.txt").write_text(
        "Facilitator: Anything else?\n\nP1: We stand together when the rent goes up.\n",
        encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    said = "We stand together"
    path = workbook(tmp_path / "group.xlsx", MAXQDA,
                    ("", "north", "closing", "Connection", 5, 5, 0, said, ""),
                    ("", "", "closing", "Connection", 3, 3, 0, said, ""),
                    ("", "south", "closing", "Connection", 3, 3, 0, said, ""))
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    assert (f"{path}:2: document 'closing' of the group 'north' fits north/closing (the "
            "group as its folder) and closing (the name alone): rename it in the export "
            "to the doc_id") in message
    assert f"{path}:3" not in message and f"{path}:4: document 'closing' of" in message
    path = workbook(tmp_path / "named.xlsx", MAXQDA,
                    ("", "north", "north/closing", "Connection", 5, 5, 0, said, ""),
                    ("", "", "closing", "Connection", 3, 3, 0, said, ""))
    assert rows(imported(path, loaded)) == [("north/closing:t3", "connection"),
                                            ("closing:t2", "connection")]


def test_a_workbook_s_escaped_line_break_does_not_keep_a_quote_from_its_text(loaded,
                                                                             tmp_path):
    # Taguette's Excel export (XlsxWriter) and Excel write a carriage return as _x000D_:
    # read as written, the highlight was located fuzzily (similarity 0.85), and a longer
    # one with two line breaks not at all
    path = tmp_path / "highlights.xlsx"
    workbook(path, ["id", "document", "tag", "content"],
             (1, "north/closing", "Connection",
              "Neighbours check on each other_x000D_\nnow."),
             (2, "north/kickoff", "Housing",
              "The rent keeps rising_x000D_\nand families_x000D_\nget evicted."))
    result = imported(path, loaded)
    assert rows(result) == [("north/closing:t2", "connection"),
                            ("north/kickoff:t2", "risk.housing")]
    assert result.located == {"exact": 0, "tolerant": 2, "fuzzy": 0}


def test_code_paths_must_fit_the_codebook(loaded, tmp_path):
    path = workbook(tmp_path / "paths.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Risks > Housing", 3, 3, 0, "rent keeps", ""),
                    ("", "north", "kickoff", "risk::risk.money", 5, 5, 0, "Wages are low", ""),
                    ("", "south", "visit", "Resilience\\Housing", 3, 3, 0, "Debt", ""),
                    ("", "south", "visit", "Risks > Connection", 3, 3, 0, "Wages too", ""),
                    ("", "south", "visit", "Risks > Money\\Debt", 3, 3, 0, "worry", ""))
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    assert "Risks > Housing" not in message and "risk::risk.money" not in message
    assert (f"{path}:4: unmapped code 'Resilience\\\\Housing' (1 coding, first here): its "
            "parents (Resilience) are not those of the codebook's 'Housing' "
            "(risk.housing is under risk); map it with --map") in message
    assert "'Risks > Connection'" in message and "(connection is at the top)" in message
    assert f"{path}:6: unmapped code 'Risks > Money\\\\Debt' (1 coding, first here): a code " \
        "path mixing separators (> \\)" in message
    # --map names the path as written
    mapping = tmp_path / "map.yaml"
    mapping.write_text("'Resilience\\Housing': risk.money\n'Risks > Connection': connection\n"
                       "'Risks > Money\\Debt': risk.money\n", encoding="utf-8")
    assert rows(imported(path, loaded, mapping=mapping)) == [
        ("north/kickoff:t2", "risk.housing"), ("north/kickoff:t3", "risk.money"),
        ("south/visit:t2", "risk.money"), ("south/visit:t2", "connection"),
        ("south/visit:t2", "risk.money")]


def test_atlas_ti_quotations_several_codes_in_one_cell(loaded, tmp_path):
    path = workbook(
        tmp_path / "quotations.xlsx", ATLAS,
        ("1:1", "", "kickoff.txt", "The rent keeps rising", "Housing\nMoney", "3 - 3", 3, 3,
         ""),
        ("1:2", "", "kickoff.txt", "Wages are low, so rent is late.", "Money; Housing",
         "5 - 5", 5, 5, ""),
        ("2:1", "", "visit.txt", "Our neighbours helped", "Connection", "5 - 5", 5, 5, ""),
        ("2:2", "", "visit.txt", "Tell me about the year", "", "1 - 1", 1, 1, ""))
    result = imported(path, loaded)
    assert result.format == "atlasti"
    assert rows(result) == [
        ("north/kickoff:t2", "risk.housing"), ("north/kickoff:t2", "risk.money"),
        ("north/kickoff:t3", "risk.money"), ("north/kickoff:t3", "risk.housing"),
        ("south/visit:t3", "connection")]
    assert [(p.line, p.message) for p in result.ignored] == [(5, "no code on this quotation")]
    # a split is a reading of the file, listed to check: the line may be one code
    assert [(p.line, p.message) for p in result.notes] == [
        (3, "the code name 'Money; Housing' is read as the codes 'Money', 'Housing' (each "
            "line naming it); if it is one code, map it with --map")]


def test_a_name_that_is_a_code_and_reads_as_several_is_refused(tmp_path):
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    book = root / "codebook.yaml"
    book.write_text(book.read_text() + "  - id: rentwages\n    label: Housing; Money\n"
                    "    definition: Both at once.\n", encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    path = workbook(tmp_path / "q.xlsx", ATLAS,
                    ("1:1", "", "kickoff.txt", "The rent", "Housing; Money", "", 3, 3, ""))
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert (f"{path}:2: 'Housing; Money' is a code and also reads as the codes 'Housing', "
            "'Money'; map it with --map to its code if it is that one code") in str(error.value)
    # the mapping file decides, as the message says
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,code_id\nHousing; Money,rentwages\n", encoding="utf-8")
    assert rows(imported(path, loaded, mapping=mapping)) == [("north/kickoff:t2", "rentwages")]


def test_taguette_highlights(loaded):
    result = imported(TOOLS / "taguette.csv", loaded)
    assert result.format == "taguette"
    assert rows(result) == [
        ("north/kickoff:t2", "risk.housing"), ("north/kickoff:t2", "risk.money"),
        ("south/visit:t2", "risk.money"), ("north/closing:t3", "connection")]
    assert [(p.line, p.message) for p in result.ignored] == [(5, "no code on this highlight")]


def test_a_taguette_tag_under_another_parent_is_refused(loaded, tmp_path):
    path = tmp_path / "highlights.csv"
    path.write_text("id,document,tag,tag_parent,content\n1,kickoff,Housing,Risks,rent keeps\n"
                    "2,visit,Money,Resilience,Debt\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    assert f"{path}:3: code 'Money' is under 'Resilience' in the file" in message
    assert "Housing" not in message


def test_a_taguette_tag_name_under_two_parents_is_two_codes(loaded, tmp_path):
    # the Housing under Resilience is not the codebook's Housing under Risks
    path = tmp_path / "highlights.csv"
    path.write_text("id,document,tag,tag_parent,content\n1,kickoff,Housing,Risks,rent keeps\n"
                    "2,visit,Housing,Resilience,Debt\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert str(error.value) == (
        f"{path}:3: unmapped code 'Resilience > Housing' (1 coding, first here): its "
        "parents (Resilience) are not those of the codebook's 'Housing' (risk.housing is "
        "under risk); map it with --map")
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,code_id\nResilience > Housing,connection\n", encoding="utf-8")
    assert rows(imported(path, loaded, mapping=mapping)) == [
        ("north/kickoff:t2", "risk.housing"), ("south/visit:t2", "connection")]


def dedoose(path: Path, *extra) -> Path:
    return workbook(
        path, DEDOOSE,
        ("kickoff", "44-91", "", "ana", "", "ana",
         "The rent keeps rising and families get evicted.", True, 2, False, False),
        ("visit", "36-65", "", "ana", "", "ana", "Debt is the worry.  Wages too.",
         False, "", "True", "FALSE"),
        ("closing", "", "", "ana", "", "ana", "Nothing else to add.", False, "", False,
         False),
        *extra)


def test_dedoose_excerpts_with_true_false_code_columns(loaded, tmp_path):
    result = imported(dedoose(tmp_path / "excerpts.xlsx"), loaded)
    assert result.format == "dedoose"
    assert rows(result) == [("north/kickoff:t2", "risk.housing"),
                            ("south/visit:t2", "risk.money")]
    assert [(p.line, p.message) for p in result.ignored] == [(4, "no code on this excerpt")]
    assert "weights in 1 column(s)" in result.notes[0].message


def test_a_dedoose_export_not_small_and_exact_is_refused(loaded, tmp_path):
    path = dedoose(tmp_path / "weights.xlsx",
                   ("visit", "", "", "ana", "", "ana", "Wages too.", 3, "", False, ""))
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    message = str(error.value)
    assert (f"{path}:5: column 'Code: Housing Applied': the cell '3' is neither True nor "
            "False; each code column") in message
    assert f"{path}:5: column 'Code: Connection Applied': the cell '' is neither" in message
    wide = [*DEDOOSE[:7], *(f"Code: c{i} Applied" for i in range(101))]
    path = workbook(tmp_path / "wide.xlsx", wide, ["kickoff", *[""] * 6, *[False] * 101])
    with pytest.raises(CodingsError, match="101 code columns .more than 100.: a Dedoose"):
        imported(path, loaded)


def test_a_dedoose_code_cell_of_words_is_shown_as_transcript_text_is(study, tmp_path):
    # a quote in a code column (its cells shifted) was shown whole and unmasked, its
    # document being read only after the codes; it is shown as that document's text is
    # (masked, cut short, nothing without the study's privacy scan), and so is one of a
    # document not known
    shifted = ("The rent keeps rising and families get evicted by landlords.", False,
               False)
    path = dedoose(tmp_path / "shifted.xlsx",
                   ("kickoff", "", "", "ana", "", "ana", "Rent.", *shifted),
                   ("nowhere", "", "", "ana", "", "ana", "Rent.", *shifted))
    plain = ingested_evidence(tmp_path / "plain")       # never scanned
    result = run("import-codings", path, plain, "--coder", "x")
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line in (5, 6):
        assert (f"shifted.xlsx:{line}: column 'Code: Housing Applied': the cell is "
                "neither True nor False") in result.output
    assert "rent" not in result.output.replace(str(tmp_path), "")
    copy = tmp_path / "scanned"
    shutil.copytree(study, copy)
    (copy / "privacy.yaml").write_text("always: [rent]\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["privacy", "scan", str(copy), "-q"]).exit_code == 0
    result = run("import-codings", path, copy, "--coder", "x")
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line in (5, 6):
        assert (f"shifted.xlsx:{line}: column 'Code: Housing Applied': the cell ('The "
                "[PLACE OR TERM] keeps rising and fa…') is neither") in result.output
    assert "rent" not in result.output.replace(str(tmp_path), "")


def test_several_creators_need_a_user(study, loaded, tmp_path):
    path = dedoose(tmp_path / "two.xlsx",
                   ("visit", "", "", "ana", "", "bo", "Wages too.", False, "", True, False))
    with pytest.raises(CodingsError, match="column 'excerpt creator' names several "
                                           "coders: ana .3 rows., bo .1 rows.; one coder"):
        imported(path, loaded)
    assert rows(imported(path, loaded, user=["bo"])) == [("south/visit:t2", "risk.money")]
    result = run("import-codings", path, study, "--coder", "bo", "--user", "bo")
    assert result.exit_code == 0, result.output
    assert "Imported 1 codings (dedoose)" in result.output
    # one named coder and blank creator cells: one person's file, read whole
    blank = dedoose(tmp_path / "one.xlsx",
                    ("visit", "", "", "ana", "", "", "Our neighbours", False, "", False, True))
    assert rows(imported(blank, loaded))[-1] == ("south/visit:t3", "connection")
    # a row naming nobody is not bo's, and is listed, not dropped unsaid
    path = dedoose(tmp_path / "blank.xlsx",
                   ("visit", "", "", "ana", "", "bo", "Wages too.", False, "", True, False),
                   ("visit", "", "", "ana", "", "", "Our neighbours", False, "", False, True))
    result = imported(path, loaded, user=["bo"])
    assert rows(result) == [("south/visit:t2", "risk.money")]
    assert [(p.line, p.message) for p in result.ignored] == [
        (6, "no name in column 'excerpt creator': not imported with --user")]
    result = run("import-codings", path, study, "--coder", "cy", "--user", "cy")
    assert result.exit_code == 1
    assert "no rows by 'cy' in column 'excerpt creator' (it names ana, bo)" in result.output


def test_unlocated_quotes_are_listed_with_file_and_row(study, loaded, tmp_path):
    path = workbook(tmp_path / "lost.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Risks\\Housing", 3, 3, 0, "rent keeps", ""),
                    ("", "south", "closing", "Connection", 1, 1, 0, "We meet every Tuesday.",
                     ""),
                    ("", "north", "kickoff", "Risks\\Housing", 3, 3, 0, "rent", ""))
    result = run("import-codings", path, study, "--coder", "lost")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:3: UNFOUND: quote" in result.output
    assert "in south/closing is not in the text" in result.output
    assert f"{path}:4: AMBIGUOUS: quote" in result.output
    assert "in north/kickoff found 2 times (exact match)" in result.output
    result = run("import-codings", path, study, "--coder", "lost", "--skip-unlocated")
    assert result.exit_code == 0, result.output
    assert "Skipped, quote not located" in result.output and f"{path}:3" in result.output


def test_a_quote_found_twice_is_placed_by_its_paragraph_only_when_one_fits(loaded,
                                                                          tmp_path):
    # "rent" is in north/kickoff's line 3 (t2) and line 5 (t3); counting only lines with
    # text they are paragraphs 2 and 3. Paragraph 5 or 2 fits one place either way;
    # paragraph 3 fits t2 counting every line and t3 counting lines with text.
    path = workbook(tmp_path / "short.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Risks\\Housing", 5, 5, 0, "rent", ""),
                    ("", "north", "kickoff", "Risks\\Money", 2, 2, 0, "rent", ""),
                    ("", "north", "kickoff", "Connection", 3, 3, 0, "rent", ""))
    result = imported(path, loaded, skip_unlocated=True)
    assert rows(result) == [("north/kickoff:t3", "risk.housing"),
                            ("north/kickoff:t2", "risk.money")]
    assert result.codings["start"].tolist() == [115, 48]
    assert [(p.line, p.message) for p in result.notes] == [
        (2, "the text is found 2 times; taken at 115-119, the one in paragraph 5 "
            "(beginning)"),
        (3, "the text is found 2 times; taken at 48-52, the one in paragraph 2 "
            "(beginning)")]
    assert [p.line for p in result.unlocated] == [4]
    assert "AMBIGUOUS" in result.unlocated[0].message
    assert result.located == {"exact": 2, "tolerant": 0, "fuzzy": 0}


def test_columns_not_recognised_name_what_was_found_and_wanted(study, tmp_path):
    path = workbook(tmp_path / "partial.xlsx", ["Document name", "Segment", "Memo"],
                    ("kickoff", "rent keeps", ""))
    result = run("import-codings", path, study, "--coder", "x")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("this looks like MAXQDA coded segments but lacks column(s) code (columns: "
            "document name, segment, memo); give --format maxqda once the export has "
            "document name, segment, code") in result.output
    path = workbook(tmp_path / "other.xlsx", ["Title", "Text", "Label"], ("a", "b", "c"))
    result = run("import-codings", path, study, "--coder", "x")
    assert "cannot tell what this table holds (columns: title, text, label)" in result.output
    assert "--format atlasti: document, quotation content, codes" in result.output
    result = run("import-codings", path, study, "--coder", "x", "--format", "taguette")
    assert ("missing column(s) document, content, tag for Taguette highlights (columns: "
            "title, text, label)") in result.output


def test_a_paragraph_number_does_not_place_a_quote_in_a_word_file(tmp_path):
    # Word's paragraphs are not the lines of the text dialogcode reads from a .docx (an
    # empty paragraph is dropped, a line break inside one kept): "Yes." in MAXQDA's
    # paragraph 3 (P1, after an empty first paragraph) is line 3 of dialogcode's text
    # counted either way, P2's "Yes.": it must stay ambiguous, not land on P2's turn
    import docx
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "north" / "kickoff.txt").unlink()
    word = docx.Document()
    for paragraph in ("", "Facilitator: What worries people here?", "P1: Yes.",
                      "P2: Yes."):
        word.add_paragraph(paragraph)
    word.save(root / "transcripts" / "north" / "kickoff.docx")
    manifest = root / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("kickoff.txt", "kickoff.docx"))
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    path = workbook(tmp_path / "yes.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Connection", 3, 3, 0, "Yes.", ""),
                    ("", "north", "kickoff", "Risks\\Housing", 2, 2, 0, "worries", ""))
    result = imported(path, loaded, skip_unlocated=True)
    assert rows(result) == [("north/kickoff:t1", "risk.housing")]
    assert [p.line for p in result.unlocated] == [2] and not result.notes
    assert "AMBIGUOUS" in result.unlocated[0].message


@pytest.fixture(scope="module")
def economics(tmp_path_factory):
    """The evidence study, its codebook with a top code housing (Shelter) and Economics
    (econ): Rent > wages (econ.rw), Cost > Benefit (econ.cb) and Cost (econ.cost) >
    Benefit (econ.cost.benefit)."""
    root = tmp_path_factory.mktemp("economics") / "study"
    shutil.copytree(DATA / "evidence-study", root)
    book = root / "codebook.yaml"
    book.write_text(book.read_text() + """\
  - id: housing
    label: Shelter
    definition: A roof.
  - id: econ
    label: Economics
    codable: false
    codes:
      - id: econ.rw
        label: Rent > wages
        definition: Rent against wages.
      - id: econ.cb
        label: Cost > Benefit
        definition: Weighing up.
      - id: econ.cost
        label: Cost
        codable: false
        codes:
          - id: econ.cost.benefit
            label: Benefit
            definition: A gain.
""", encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    return load_corpus(opened), load_codebooks(opened.codebook_files())


def test_a_code_path_is_matched_against_the_codebook_names_whole(economics, tmp_path):
    # a label may hold the separator itself (Rent > wages), an id may be another code's
    # label in another case (the top code housing, Shelter, and Risks' Housing), and a
    # path may fit two codes (Benefit under Cost, and Cost > Benefit): parts split at
    # every separator would miss the first two and take Benefit for the last
    loaded = economics
    path = workbook(tmp_path / "paths.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Economics\\Rent > wages", 3, 3, 0, "rent keeps",
                     ""),
                    ("", "north", "kickoff", "Economics > Rent > wages", 5, 5, 0,
                     "Wages are low", ""),
                    ("", "south", "visit", "Risks\\housing", 3, 3, 0, "Debt", ""))
    assert rows(imported(path, loaded)) == [
        ("north/kickoff:t2", "econ.rw"), ("north/kickoff:t3", "econ.rw"),
        ("south/visit:t2", "risk.housing")]
    path = workbook(tmp_path / "two.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Economics > Cost > Benefit", 3, 3, 0,
                     "rent keeps", ""))
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert str(error.value) == (
        f"{path}:2: unmapped code 'Economics > Cost > Benefit' (1 coding, first here): a "
        "path that fits several codes (econ.cb, econ.cost.benefit); map it with --map")


def test_a_refi_qda_code_name_with_the_separator_used_twice_maps_by_its_path(economics,
                                                                             tmp_path):
    # a project's name used by two codes becomes its path: "Economics > Rent > wages"
    # is the codebook's Rent > wages; "Risks > Rent > wages" is no code of the codebook
    import zipfile
    text = economics[0].documents.set_index("doc_id").loc["north/kickoff", "text"]
    codes = "".join(
        f'<Code guid="{parent}0000-0000-0000-0000-000000000000" name="{label}" '
        f'isCodable="false"><Code guid="{parent}0000-0000-0000-0000-000000000001" '
        'name="Rent &gt; wages" isCodable="true"/></Code>'
        for parent, label in (("aaaa", "Economics"), ("bbbb", "Risks")))
    coded = "".join(
        f'<PlainTextSelection guid="{parent}0000-0000-0000-0000-00000000000{k}" '
        f'startPosition="{start}" endPosition="{end}"><Coding guid="{parent}0000-0000-'
        f'0000-0000-00000000001{k}"><CodeRef targetGUID="{parent}0000-0000-0000-0000-'
        '000000000001"/></Coding></PlainTextSelection>'
        for k, (parent, start, end) in enumerate((("aaaa", 48, 52), ("bbbb", 83, 90)),
                                                 start=2))
    project = ('<?xml version="1.0" encoding="UTF-8"?><Project xmlns="urn:QDA-XML:project:'
               f'1.0" name="P" origin="tests"><CodeBook><Codes>{codes}</Codes></CodeBook>'
               '<Sources><TextSource guid="cccc0000-0000-0000-0000-000000000000" '
               f'name="north/kickoff"><PlainTextContent>{text}</PlainTextContent>{coded}'
               "</TextSource></Sources></Project>")
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project)
    result = imported(path, economics, skip_unmapped=True)
    assert rows(result) == [("north/kickoff:t2", "econ.rw")]
    assert [p.message for p in result.unmapped] == [
        "unmapped code 'Risks > Rent > wages' (1 coding, first here): its parents (Risks) "
        "are not those of the codebook's 'Rent > wages' (econ.rw is under econ); map it "
        "with --map"]


def test_a_table_of_dialogcode_s_own_kind_is_read_as_it_whatever_else_it_holds(loaded,
                                                                              tmp_path):
    # document,quote,code is a quotes table; its content and tag columns (the turn and
    # a note of the coder's) also make Taguette's columns, which must not be read
    path = tmp_path / "quotes.csv"
    path.write_text("document,quote,code,content,tag\n"
                    "north/kickoff,rent keeps,Housing,Wages are low,Money\n", encoding="utf-8")
    result = imported(path, loaded)
    assert result.format == "quotes"
    assert rows(result) == [("north/kickoff:t2", "risk.housing")]
    path = tmp_path / "turns.csv"
    path.write_text("document,turn,code,content,tag\nnorth/kickoff,2,Housing,,\n",
                    encoding="utf-8")
    assert rows(imported(path, loaded)) == [("north/kickoff:t2", "risk.housing")]
    with pytest.raises(CodingsError, match="nothing to import"):   # --format decides
        imported(path, loaded, fmt="taguette")
    # the columns of two tools: which one is not guessed
    path = tmp_path / "two.csv"
    path.write_text("document,content,tag,document name,segment,code\n"
                    "kickoff,rent keeps,Housing,visit,Debt,Money\n", encoding="utf-8")
    with pytest.raises(CodingsError) as error:
        imported(path, loaded)
    assert str(error.value) == (f"{path}:1: the columns are those of MAXQDA coded segments "
                                "and of Taguette highlights: give --format (maxqda, "
                                "taguette)")
    assert rows(imported(path, loaded, fmt="maxqda")) == [("south/visit:t2", "risk.money")]


def test_a_paragraph_number_counting_blocks_of_lines_leaves_the_quote_ambiguous(tmp_path):
    # a turn wrapped over two lines is one paragraph to a tool that counts blocks between
    # blank lines (as ATLAS.ti has): P2's "Yes." is then paragraph 3, which is also P1's
    # "Yes." counting lines with text; neither is taken. Paragraph 6 (every line) is P2's
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "north" / "kickoff.txt").write_text(
        "Facilitator: What worries\npeople here?\n\nP1: Yes.\n\nP2: Yes.\n", encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    path = workbook(tmp_path / "yes.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Connection", 3, 3, 0, "Yes.", ""),
                    ("", "north", "kickoff", "Risks\\Money", 6, 6, 0, "Yes.", ""))
    result = imported(path, loaded, skip_unlocated=True)
    assert rows(result) == [("north/kickoff:t3", "risk.money")]
    assert [p.line for p in result.unlocated] == [2]


def test_a_paragraph_number_is_counted_in_the_lines_an_editor_shows_too(tmp_path):
    # a line separator is read as a line break, but an editor (and maybe the tool) shows
    # none: paragraph 3, P2's "Yes." on the file's line 3, was taken as P1's, on line 3
    # of the text as read; counted either way it may be either, so it is left ambiguous
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "north" / "kickoff.txt").write_text(
        "Facilitator: Hi\u2028there.\nP1: Yes.\nP2: Yes.\n", encoding="utf-8")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    loaded = load_corpus(opened), load_codebooks(opened.codebook_files())
    path = workbook(tmp_path / "yes.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Connection", 3, 3, 0, "Yes.", ""),
                    ("", "north", "kickoff", "Risks\\Money", 2, 2, 0, "Yes.", ""))
    result = imported(path, loaded, skip_unlocated=True)
    assert rows(result) == [("north/kickoff:t2", "risk.money")]
    assert [p.line for p in result.unlocated] == [2]


def test_a_paragraph_cell_that_is_not_a_number_leaves_the_quote_ambiguous(study):
    # "²" is a digit to str.isdigit, but no number to int()
    path = workbook(study / "odd.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Risks\\Housing", "²", "²", 0, "rent", ""))
    result = run("import-codings", path, study, "--coder", "odd")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{path}:2: AMBIGUOUS: quote" in result.output


@pytest.mark.parametrize("cell, why", [
    ("", ""),
    ("²", "the row's Beginning is no paragraph number"),
    (9, ("the row's Beginning '9' is the paragraph of none of them, whichever way "
         "paragraphs are counted")),
    (3, "the row's Beginning '3' is the paragraph of 2 of them, each counted another way")])
def test_an_ambiguous_quote_says_why_its_paragraph_number_did_not_place_it(study,
                                                                            cell, why):
    # "rent" is on north/kickoff's lines 3 (t2) and 5 (t3): paragraph 3 counting every
    # line is t2, counting the lines with text t3
    path = workbook(study / f"why{cell}.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Risks\\Housing", cell, cell, 0, "rent", ""))
    result = run("import-codings", path, study, "--coder", "why")
    assert result.exit_code == 1 and "Traceback" not in result.output
    output = " ".join(result.output.split())
    assert "found 2 times (exact match): north/kickoff:t2 (line 3" in output
    # the cell that is no number is shown as transcript text is: only after a scan
    output = output.replace(" ('²') is no", " is no")
    assert f"at 115-119{'; ' + why if why else ''}; to code one," in output


def test_a_paragraph_number_in_a_word_file_says_it_is_not_used(tmp_path):
    import docx
    root = tmp_path / "study"
    shutil.copytree(DATA / "evidence-study", root)
    (root / "transcripts" / "north" / "kickoff.txt").unlink()
    word = docx.Document()
    for paragraph in ("Facilitator: What worries people here?", "P1: Yes.", "P2: Yes."):
        word.add_paragraph(paragraph)
    word.save(root / "transcripts" / "north" / "kickoff.docx")
    manifest = root / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("kickoff.txt", "kickoff.docx"))
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    path = workbook(tmp_path / "yes.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Connection", 3, 3, 0, "Yes.", ""))
    with pytest.raises(CodingsError) as error:
        imported(path, corpus_and_codebook(root))
    assert ("; the row's Beginning '3' is not used: the text of a docx transcript is "
            "rebuilt from its file, so the tool's paragraphs are not its lines; to code "
            "one,") in str(error.value)


def test_an_only_row_skipped_says_so_and_how_to_code_it_by_hand(study, loaded, tmp_path):
    # the advice for an ambiguous row of an export (--skip-unlocated, then add the coding
    # by hand) ended in "nothing to import": no coder file was written to add it to
    path = workbook(tmp_path / "only.xlsx", MAXQDA,
                    ("", "north", "kickoff", "Risks\\Housing", "", "", 0, "rent", ""))
    result = run("import-codings", path, study, "--coder", "only", "--skip-unlocated")
    assert result.exit_code == 1 and "Traceback" not in result.output
    output = " ".join(result.output.split())
    assert f"{path}:2: AMBIGUOUS: quote" in output
    assert ("in north/kickoff found 2 times (exact match): north/kickoff:t2 (line 3"
            in output)
    assert (f"{path}: nothing to import: each coding of the file was skipped (listed "
            "above), so codings/only.csv is not written: correct the file and import it "
            "again, or write codings/only.csv by hand with the columns "
            "seg_id,code_id,start,end,quote, a row per coding") in output
    assert not (study / "codings" / "only.csv").exists()
    # the advice works: such a file is read as the coder's coding of the place meant
    by_hand = tmp_path / "only.csv"
    by_hand.write_text("seg_id,code_id,start,end,quote\n"
                       "north/kickoff:t2,risk.housing,48,52,rent\n", encoding="utf-8")
    coded = read_coder(by_hand, loaded[0].segments, codes=set(loaded[1].codes))
    assert coded[["seg_id", "code_id", "quote"]].values.tolist() == [
        ["north/kickoff:t2", "risk.housing", "rent"]]
