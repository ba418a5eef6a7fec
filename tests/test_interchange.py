"""Codebook interchange: REFI-QDA .qdc export and import, quanteda and LIWC imports."""
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dialogcode.codebook import load_codebooks
from dialogcode.errors import CodebookError
from dialogcode.interchange import write_codebook_yaml
from dialogcode.interchange.dictionaries import entry_pattern, import_liwc, import_quanteda
from dialogcode.interchange.qdc import GUID_NAMESPACE, NS, export_qdc, guid_for, import_qdc
from dialogcode.nlp import load_pipeline
from dialogcode.patterns import CompiledCodebook
from dialogcode.regexes import regex_problem

DATA = Path(__file__).parent / "data" / "interchange"
SMALL = DATA / "small.yaml"
REFI_QDA = Path(__file__).resolve().parents[2] / "shared" / "refi-qda"
SCHEMA = REFI_QDA / "Codebook.xsd"
Q = f"{{{NS}}}"


def loaded(data: dict, tmp_path: Path, name: str = "imported.yaml"):
    """Write imported codebook data as YAML and load it the ordinary way."""
    path = tmp_path / name
    write_codebook_yaml(data, path)
    return load_codebooks(path)


def coded(book, text: str) -> set[str]:
    nlp = load_pipeline()
    return {hit.code_id for hit in CompiledCodebook(book, nlp).match(nlp(text))}


# --------------------------------------------------------------------------- export

@pytest.mark.skipif(not SCHEMA.is_file(), reason="REFI-QDA schemas (../shared/refi-qda) absent")
def test_export_validates_against_the_refi_qda_schema(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    path = tmp_path / "small.qdc"
    path.write_bytes(export_qdc(load_codebooks(SMALL)))
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(str(path))        # raises with the reason when invalid
    assert schema.is_valid(str(path))


def test_export_is_deterministic_nested_and_labelled():
    book = load_codebooks(SMALL)
    first = export_qdc(book)
    assert first == export_qdc(load_codebooks(SMALL))       # byte-identical re-export
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert b"<Sets" not in first
    assert b"\n  <Codes>\n" in first                         # pretty-printed

    root = ET.fromstring(first)
    assert root.tag == f"{Q}CodeBook"
    top = root.find(f"{Q}Codes").findall(f"{Q}Code")
    assert [c.get("name") for c in top] == ["Barriers to services", "Trust in providers"]
    category = top[0]
    assert category.get("isCodable") == "false" and category.get("color") is None
    children = category.findall(f"{Q}Code")
    assert [c.get("name") for c in children] == ["Transport", "Language access"]
    assert all(c.get("isCodable") == "true" for c in children)
    assert children[0].get("color") == "#336699"
    # GUIDs: UUID 5 of the code id under a fixed namespace, pinned so they never drift
    assert children[0].get("guid") == guid_for("barriers.transport") == str(
        uuid.uuid5(GUID_NAMESPACE, "barriers.transport"))
    assert guid_for("barriers") == "75323d0a-27fc-5cc9-844b-fe14e8bb09a5"
    guids = [c.get("guid") for c in root.iter(f"{Q}Code")]
    assert len(set(guids)) == 4 and all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", g)
        for g in guids)

    description = children[0].findtext(f"{Q}Description")
    assert description.split("\n\n") == [
        "Definition: Getting to a service is hard: no car, no bus, too far, too costly.",
        "When to use: Talk of distance, buses, rides, fares or travel time to a service.",
        "When not to use: Travel unrelated to getting help (holidays, commuting to work).",
        "Examples:\n- There is no bus out to the clinic.\n- The shelter is two hours away by "
        "car.\n- She could not afford the bus fare.",
        "Counter-examples:\n- We took the train to the beach.\n- He drives a truck for work.",
        "dialogcode id: barriers.transport"]


def test_export_then_import_round_trips(tmp_path):
    book = load_codebooks(SMALL)
    path = tmp_path / "small.qdc"
    path.write_bytes(export_qdc(book))
    data = import_qdc(path)
    assert data["codebook"] == "small"
    again = loaded(data, tmp_path)
    assert [(depth, code.id) for depth, code in again.tree()] == [
        (depth, code.id) for depth, code in book.tree()]
    for code_id, code in book.codes.items():
        other = again.codes[code_id]
        assert (other.label, other.parent, other.codable, other.color) == (
            code.label, code.parent, code.codable, code.color)
        for key in ("definition", "when_to_use", "when_not_to_use"):
            value = getattr(code, key)
            assert getattr(other, key) == (value.strip() if value else None), key
        assert other.examples == code.examples
        assert other.counter_examples == code.counter_examples
    # a multi-paragraph definition survives whole
    assert again.codes["barriers.language_access"].definition == (
        "Services not offered in a language the person speaks.\n\n"
        "Includes missing interpreters.")
    # patterns do not travel: each codable code starts from its own name
    assert again.codes["trust"].terms == [("trust in providers", "lower")]
    # and exporting the re-imported codebook gives the same codes and GUIDs
    assert ([(c.get("guid"), c.get("name")) for c in
             ET.fromstring(export_qdc(again)).iter(f"{Q}Code")]
            == [(c.get("guid"), c.get("name")) for c in
                ET.fromstring(export_qdc(book)).iter(f"{Q}Code")])


# --------------------------------------------------------------------------- import

def test_foreign_qdc_gets_ids_from_names_and_loads(tmp_path):
    data = import_qdc(DATA / "foreign.qdc")
    assert data["codebook"] == "foreign"
    book = loaded(data, tmp_path)
    assert [(depth, code.id) for depth, code in book.tree()] == [
        (0, "barriers"), (1, "barriers.transport"), (1, "barriers.language_access"),
        (1, "barriers.transport_2"),            # same name twice: deduplicated
        (0, "economie_money"),                  # accents dropped, punctuation -> _
        (0, "empty_folder")]
    barriers = book.codes["barriers"]
    assert not barriers.codable and barriers.definition == (
        "Anything that keeps people from services.")
    transport = book.codes["barriers.transport"]
    assert transport.definition == "Getting to services is hard."   # unlabelled text
    assert transport.color == "#336699"                               # #369 expanded
    language = book.codes["barriers.language_access"]
    assert language.label == "Language access"
    assert language.definition == "No interpreter, forms only in English."
    assert language.examples == ["Nobody spoke Spanish.", "There was no interpreter."]
    assert book.codes["barriers.transport_2"].codable                # isCodable="1"
    # a category with no children cannot load as one: it becomes a codable code
    assert book.codes["empty_folder"].codable
    # every codable code starts with its name as a term, so it codes something
    assert coded(book, "Getting there without language access was hard.") == {
        "barriers.language_access"}
    assert coded(book, "Transport was the problem.") == {
        "barriers.transport", "barriers.transport_2"}


@pytest.mark.parametrize("name", ["hostile.qdc", "external_entity.qdc"])
def test_hostile_xml_is_refused(name):
    with pytest.raises(CodebookError, match="refused: the XML declares a DTD") as info:
        import_qdc(DATA / name)
    problem = info.value.problems[0]
    assert problem.file.endswith(name) and problem.line == 2


@pytest.mark.parametrize("name, line, message", [
    ("not_xml.qdc", 5, "not well-formed XML: mismatched tag"),
    ("project_root.qdc", 2, "root element is Project in namespace urn:QDA-XML:project:1.0"),
    ("no_name.qdc", 5, "a Code has no name"),
])
def test_bad_qdc_is_reported_with_file_and_line(name, line, message):
    with pytest.raises(CodebookError, match=message) as info:
        import_qdc(DATA / name)
    problem = info.value.problems[0]
    assert (Path(problem.file).name, problem.line) == (name, line)


def test_missing_qdc_is_a_codebook_error(tmp_path):
    with pytest.raises(CodebookError, match="cannot read"):
        import_qdc(tmp_path / "nothing.qdc")


# --------------------------------------------------------------------------- dictionaries

@pytest.mark.parametrize("entry, expected", [
    ("abus*", [{"LOWER": {"REGEX": "^abus"}}]),
    ("*ing", [{"LOWER": {"REGEX": "ing$"}}]),
    ("violen?e", [{"LOWER": {"REGEX": "^violen.e$"}}]),
    ("a**b", [{"LOWER": {"REGEX": "^a.*b$"}}]),
    ("C++*", [{"LOWER": {"REGEX": r"^c\+\+"}}]),
    ("check* her", [{"LOWER": {"REGEX": "^check"}}, {"LOWER": "her"}]),
    ("can't stand*", [{"LOWER": "ca"}, {"LOWER": "n't"}, {"LOWER": {"REGEX": "^stand"}}]),
    ("people'll stand*", [{"LOWER": "people"}, {"LOWER": "'ll"}, {"LOWER": {"REGEX": "^stand"}}]),
    ("Family  matters", "Family matters"),
])
def test_entries_become_terms_or_simple_token_patterns(entry, expected):
    pattern = entry_pattern(entry)
    assert pattern == expected
    if isinstance(pattern, list):
        assert all(regex_problem(token["LOWER"]["REGEX"]) is None
                   for token in pattern if isinstance(token["LOWER"], dict))


def test_an_entry_of_only_wildcards_is_refused():
    with pytest.raises(ValueError, match="only wildcards"):
        entry_pattern("*")


def test_quanteda_dictionary_becomes_a_working_codebook(tmp_path):
    data = import_quanteda(DATA / "harm.yml")
    assert data["codebook"] == "harm"
    book = loaded(data, tmp_path)
    assert [(depth, code.id) for depth, code in book.tree()] == [
        (0, "harm"), (1, "harm.abuse"), (1, "harm.control"), (0, "support"), (0, "refusal")]
    assert not book.codes["harm"].codable
    abuse = book.codes["harm.abuse"]
    assert abuse.terms == [("hit her", "lower")]
    assert abuse.tokens == [[{"LOWER": {"REGEX": "^abus"}}],
                            [{"LOWER": {"REGEX": "^violen.e$"}}]]
    assert book.codes["refusal"].terms == [("no", "lower"), ("won't", "lower")]  # not false
    assert coded(book, "He was abusive and kept checking her phone.") == {
        "harm.abuse", "harm.control"}
    assert coded(book, "The violence got worse.") == {"harm.abuse"}
    assert coded(book, "The abbot was violent, he said.") == set()     # ^abus, ^violen.e$
    assert coded(book, "She called the hotline.") == {"support"}       # *line
    assert coded(book, "No, I won't go.") == {"refusal"}


def test_bad_quanteda_dictionary_reports_every_problem_with_lines():
    with pytest.raises(CodebookError) as info:
        import_quanteda(DATA / "bad_quanteda.yml")
    found = [(p.line, p.message) for p in info.value.problems]
    assert found == [(3, "duplicate key 'abuse' (first at line 2)"),
                     (4, "key 'empty' has no entries and no sub-keys"),
                     (5, "entry '*' has a word that is only wildcards, which would match "
                         "every token")]


def test_a_quanteda_dictionary_nested_2000_deep_is_refused_with_its_line(tmp_path):
    path = tmp_path / "deep.yml"
    path.write_text("".join(f"{'  ' * i}k{i}:\n" for i in range(2000)) + "  " * 2000
                    + "- word\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        import_quanteda(path)
    assert str(info.value) == (f"{path}:50: YAML error: nested more than 50 levels deep; "
                               "dialogcode refuses deeper files")


def test_liwc_dictionary_becomes_a_working_codebook(tmp_path):
    data = import_liwc(DATA / "sample.dic")
    book = loaded(data, tmp_path)
    assert list(book.codes) == ["posemo", "negemo", "social_support"]
    assert book.codes["social_support"].label == "social support"   # category by name
    assert book.codes["negemo"].terms == [("sad", "lower"), ("okay", "lower"),
                                          ("cry", "lower")]          # "cry 2": spaces
    assert book.codes["negemo"].tokens == [[{"LOWER": {"REGEX": "^hurt"}}]]
    assert coded(book, "She felt hurtful and sad, but okay.") == {"posemo", "negemo"}
    assert coded(book, "Happy days.") == {"posemo"}
    assert coded(book, "It was kind of nice.") == {"posemo"}           # multi-word entry
    assert coded(book, "The neighbours helped.") == {"social_support"}  # help*
    assert coded(book, "The shirt was blue.") == set()                 # ^hurt only


def test_liwc_with_a_bom_reads_the_same(tmp_path):
    copy = tmp_path / "sample.dic"
    copy.write_bytes(b"\xef\xbb\xbf" + (DATA / "sample.dic").read_bytes().replace(
        b"\n", b"\r\n"))
    assert import_liwc(copy)["codes"] == import_liwc(DATA / "sample.dic")["codes"]


def test_liwc_unknown_category_names_the_line():
    with pytest.raises(CodebookError) as info:
        import_liwc(DATA / "bad_category.dic")
    problem = info.value.problems[0]
    assert (Path(problem.file).name, problem.line) == ("bad_category.dic", 6)
    assert "unknown category '7' for 'sad'" in problem.message
    assert "bad_category.dic:6" in str(info.value)


def test_liwc_that_is_not_utf8_is_refused():
    with pytest.raises(CodebookError, match="not UTF-8") as info:
        import_liwc(DATA / "latin1.dic")
    assert info.value.problems[0].line == 4


def test_liwc_without_a_header_is_refused(tmp_path):
    path = tmp_path / "plain.dic"
    path.write_text("happy\t1\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="no category header"):
        import_liwc(path)


def test_import_and_export_commands(tmp_path):
    from click.testing import CliRunner

    from dialogcode.cli import cli

    runner = CliRunner()
    qdc = tmp_path / "out.qdc"
    result = runner.invoke(cli, ["codebook", "export", str(SMALL), "-o", str(qdc)])
    assert result.exit_code == 0, result.output
    assert qdc.read_bytes() == export_qdc(load_codebooks(SMALL))
    target = tmp_path / "dict.yaml"
    result = runner.invoke(cli, ["codebook", "import", str(DATA / "sample.dic"), "-o",
                                 str(target)])
    assert result.exit_code == 0 and "(valid codebook)" in result.output
    again = runner.invoke(cli, ["codebook", "import", str(DATA / "sample.dic"), "-o",
                                str(target)])
    assert again.exit_code == 2 and "never overwritten without --force" in again.output
    hostile = runner.invoke(cli, ["codebook", "import", str(DATA / "hostile.qdc"), "-o",
                                  str(tmp_path / "h.yaml")])
    assert hostile.exit_code == 1 and "Traceback" not in hostile.output
