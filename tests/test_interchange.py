"""Codebook interchange: REFI-QDA .qdc export/import, quanteda and LIWC imports."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.errors import CodebookError
from dialogcode.interchange import write_codebook_yaml
from dialogcode.interchange.dictionaries import import_liwc, import_quanteda
from dialogcode.interchange.qdc import export_qdc, import_qdc
from dialogcode.nlp import load_pipeline
from dialogcode.patterns import CompiledCodebook

from test_codebook import SMALL

DATA = Path(__file__).parent / "data" / "interchange"
SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Codebook.xsd"


def loaded(data: dict, tmp_path: Path):
    path = tmp_path / "imported.yaml"
    write_codebook_yaml(data, path)
    return load_codebooks(path)


def coded(book, text: str) -> set[str]:
    nlp = load_pipeline()
    return {hit.code_id for hit in CompiledCodebook(book, nlp).match(nlp(text))}


@pytest.mark.skipif(not SCHEMA.is_file(), reason="REFI-QDA schemas not present")
def test_export_is_valid_refi_qda(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    path = tmp_path / "small.qdc"
    path.write_bytes(export_qdc(load_codebooks(SMALL)))
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(path))


def test_export_is_deterministic_and_round_trips(tmp_path):
    book = load_codebooks(SMALL)
    first = export_qdc(book)
    assert first == export_qdc(load_codebooks(SMALL))
    assert b"<Sets" not in first and b"isCodable=\"false\"" in first
    path = tmp_path / "small.qdc"
    path.write_bytes(first)
    again = loaded(import_qdc(path), tmp_path)
    assert list(again.codes) == list(book.codes)
    for code_id, code in book.codes.items():
        other = again.codes[code_id]
        assert (other.label, other.parent, other.codable) == (code.label, code.parent,
                                                               code.codable)
        assert other.definition == (code.definition.strip() if code.definition else None)
        assert other.examples == code.examples
        assert other.counter_examples == code.counter_examples


def test_foreign_qdc_gets_ids_from_names(tmp_path):
    book = loaded(import_qdc(DATA / "foreign.qdc"), tmp_path)
    assert list(book.codes) == ["barriers", "barriers.transport",
                                "barriers.language_access", "transport"]
    assert book.codes["barriers.transport"].definition == "Getting to services is hard."
    assert book.codes["barriers.transport"].color == "#336699"
    assert coded(book, "The language access line was busy.") == {"barriers.language_access"}


def test_hostile_xml_is_refused():
    with pytest.raises(CodebookError, match="refused: the XML declares a DTD"):
        import_qdc(DATA / "hostile.qdc")


def test_quanteda_wildcards_become_token_patterns(tmp_path):
    book = loaded(import_quanteda(DATA / "sample.yml"), tmp_path)
    assert list(book.codes) == ["harm", "harm.abuse", "harm.control", "support"]
    assert book.codes["harm.abuse"].tokens == [[{"LOWER": {"REGEX": "^abus.*$"}}],
                                               [{"LOWER": {"REGEX": "^violen.e$"}}]]
    assert coded(book, "He was abusive and kept checking her phone.") == {
        "harm.abuse", "harm.control"}
    assert coded(book, "The abbot called the shelter hotline.") == {"support"}


def test_liwc_categories_and_wildcards(tmp_path):
    book = loaded(import_liwc(DATA / "sample.dic"), tmp_path)
    assert list(book.codes) == ["posemo", "negemo"]
    assert coded(book, "She felt hurtful and sad, but okay.") == {"posemo", "negemo"}
    assert coded(book, "Happy days.") == {"posemo"}


def test_liwc_unknown_category_names_the_line():
    with pytest.raises(CodebookError) as info:
        import_liwc(DATA / "bad_category.dic")
    assert info.value.problems[0].line == 5
    assert "unknown category '7' for 'sad'" in str(info.value)


def test_import_and_export_commands(tmp_path):
    runner = CliRunner()
    qdc = tmp_path / "out.qdc"
    result = runner.invoke(cli, ["codebook", "export", str(SMALL), "-o", str(qdc)])
    assert result.exit_code == 0 and qdc.read_bytes() == export_qdc(load_codebooks(SMALL))
    target = tmp_path / "dict.yaml"
    result = runner.invoke(cli, ["codebook", "import", str(DATA / "sample.dic"), "-o",
                                 str(target)])
    assert result.exit_code == 0 and "Wrote 2 codes" in result.output
    again = runner.invoke(cli, ["codebook", "import", str(DATA / "sample.dic"), "-o",
                                str(target)])
    assert again.exit_code == 2 and "never overwritten without --force" in again.output
