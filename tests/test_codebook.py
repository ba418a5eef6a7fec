"""Codebooks: loading, validation with locations, versions, the codebook commands."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.errors import CodebookError
from dialogcode.examples import test_examples

CODEBOOKS = Path(__file__).parent / "data" / "codebooks"
SMALL = CODEBOOKS / "small.yaml"
SHIPPED = sorted((Path(__file__).parent.parent / "codebooks").glob("*.yaml"))


def test_small_codebook_loads_with_hierarchy_and_modes():
    book = load_codebooks(SMALL)
    code = book.codes["housing.insecurity"]
    assert code.parent == "housing" and not book.codes["housing"].codable
    assert ("evict", "lemma") in code.terms and ("house", "lower") in code.terms
    assert book.codes["isolation"].terms == [("isolated", "lemma"), ("cut off from", "lemma")]
    frame = book.to_frame()
    assert list(frame.columns[:8]) == ["code_id", "parent_id", "label", "group", "codebook",
                                       "codable", "definition", "when_to_use"]
    assert frame.set_index("code_id").at["housing.insecurity", "n_patterns"] == 6


def test_version_is_a_content_hash(tmp_path):
    version = load_codebooks(SMALL).version
    reformatted = tmp_path / "small.yaml"
    reformatted.write_text("# a new comment\n" + SMALL.read_text(), encoding="utf-8")
    assert load_codebooks(reformatted).version == version
    reformatted.write_text(SMALL.read_text().replace("three families", "four families"),
                           encoding="utf-8")
    assert load_codebooks(reformatted).version != version


def test_every_problem_is_reported_with_line_and_code():
    with pytest.raises(CodebookError) as info:
        load_codebooks(CODEBOOKS / "bad.yaml")
    found = {(p.line, p.key, p.message.split(":")[0].split(" (")[0])
             for p in info.value.problems}
    assert found == {
        (6, "a: colour", "unknown key; did you mean 'color'?"),
        (9, "a", "duplicate code id"),
        (13, "b", "parent 'nowhere' is not defined"),
        (22, "c", "tokens[1] is not a valid spaCy token pattern"),   # the pattern's line
        (29, "e", "tokens[1]"),
        (30, "f", "parent cycle"),
    }
    assert "backtrack catastrophically" in str(info.value)


def test_a_misspelt_key_of_a_term_is_named_at_its_line_alone(tmp_path):
    # a term is text or a mapping (term, match): a misspelt key of the mapping was
    # reported on the term's first line, beside "Input should be a valid string"
    book = tmp_path / "book.yaml"
    book.write_text("codebook: t\ntitle: T\ncodes:\n  - id: risk\n    label: Risk\n"
                    "    patterns:\n      terms:\n        - term: rent\n"
                    "          mtch: lemma\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebooks(book)
    assert [(p.line, p.message) for p in info.value.problems] == [
        (9, "unknown key; did you mean 'match'?")]


@pytest.mark.parametrize("term", ["911", "null", "[rent, wages]"])
def test_a_term_that_is_neither_text_nor_a_mapping_is_one_problem(tmp_path, term):
    # a number (911), null or a list gave two problems naming pydantic's branches
    # (terms.0.str: "a valid string", terms.0.Term: "a valid dictionary or instance of Term")
    book = tmp_path / "book.yaml"
    book.write_text("codebook: t\ntitle: T\ncodes:\n  - id: risk\n    label: Risk\n"
                    f"    patterns:\n      terms:\n        - rent\n        - {term}\n",
                    encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebooks(book)
    assert [(p.line, p.key, p.message) for p in info.value.problems] == [
        (9, "risk: patterns.terms.1", "Input should be text, or a mapping (a term with its "
                                      "keys)")]

def test_duplicate_ids_across_files_are_refused(tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(SMALL.read_text().replace("codebook: small", "codebook: other"),
                    encoding="utf-8")
    with pytest.raises(CodebookError, match="duplicate code id"):
        load_codebooks([SMALL, copy])


@pytest.mark.parametrize("name, message", [
    ("python_tag.yaml", "python_tag.yaml:4:5: the tag !!python/object/apply:os.system is "
                        "not allowed; files hold plain data (text, numbers, lists and "
                        "mappings)"),
    ("yaml_error.yaml", 'yaml_error.yaml:5:12: the quote " opened here is never closed'),
    ("bad.yaml", "bad.yaml:13 [b]: parent 'nowhere' is not defined"),
    ("yaml_boolean.yaml", "yaml_boolean.yaml:7 [a: patterns.terms]: Value error, a term "
                          "reads as true/false"),
])
def test_validate_command_exits_1_with_location(name, message):
    result = CliRunner().invoke(cli, ["codebook", "validate", str(CODEBOOKS / name)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_validate_takes_a_study_folder_or_a_folder_of_codebooks(tmp_path):
    sample = Path(__file__).parent.parent / "corpora" / "sample-study"
    result = CliRunner().invoke(cli, ["codebook", "validate", str(sample)])
    assert result.exit_code == 0, result.output
    assert "in 3 codebook(s)" in result.output        # the study's own codebooks
    (tmp_path / "a.YAML").write_text((CODEBOOKS / "bad.yaml").read_text(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "show", str(tmp_path)])
    assert result.exit_code == 1 and "a.YAML:13 [b]: parent 'nowhere'" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["codebook", "validate", str(empty)])
    assert result.exit_code == 2 and "holds no .yaml codebook" in result.output


def nested_codes(depth: int) -> str:
    """A codebook whose codes are each nested in the one before, ``depth`` levels."""
    lines, indent = ["codebook: deep", "title: Deep", "codes:"], "  "
    for i in range(depth):
        lines += [f"{indent}- id: c{i}", f"{indent}  label: C{i}",
                  f"{indent}  patterns: {{terms: [w{i}]}}", f"{indent}  codes:"]
        indent += "    "
    return "\n".join(lines[:-1]) + "\n"


def chained_codes(depth: int) -> str:
    """A flat list of codes, each naming the one before as its parent."""
    return "codebook: chain\ntitle: Chain\ncodes:\n" + "".join(
        f"  - {{id: c{i}, label: C{i}, patterns: {{terms: [w{i}]}}"
        + (f", parent: c{i - 1}}}\n" if i else "}\n") for i in range(depth))


@pytest.mark.parametrize("text, line, message", [
    (nested_codes(2000), "98:108", "nested more than 50 levels deep; dialogcode refuses "
                                   "deeper files"),
    (nested_codes(21), "84 [c20]", "nested more than 20 levels deep, the limit (see "
                                   "docs/limits.md)"),
    (chained_codes(2000), "24 [c20]", "nested more than 20 levels deep, the limit (see "
                                      "docs/limits.md)"),
])
def test_codes_nested_too_deep_are_refused_without_a_traceback(tmp_path, text, line,
                                                                message):
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "validate", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: {path}:{line}: {message}"]


def test_codes_nested_20_deep_are_fine(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(nested_codes(20), encoding="utf-8")
    assert [depth for depth, _ in load_codebooks(path).tree()] == list(range(20))


def test_examples_pass_and_a_broken_example_fails(tmp_path):
    results = test_examples(load_codebooks(SMALL))
    assert results["passed"].all() and len(results) == 10
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL.read_text().replace('"Cut off the branch."',
                                                '"She is cut off from her sister."'),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "test", str(broken)])
    assert result.exit_code == 1
    assert "FAIL isolation counter_example: 'She is cut off from her sister.'" in result.output
    assert "matched: 'cut off from' (term:cut off from)" in result.output
    assert "9 passed, 1 failed" in result.output


def test_show_prints_the_tree_with_counts():
    result = CliRunner().invoke(cli, ["codebook", "show", str(SMALL)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("housing  (category)") for line in lines)
    assert any(line.split()[:4] == ["housing.insecurity", "6", "3", "2"] for line in lines)


@pytest.mark.skipif(not SHIPPED, reason="no shipped codebooks")
def test_shipped_codebooks_validate_and_pass_their_examples():
    book = load_codebooks(SHIPPED)
    results = test_examples(book)
    failures = results[~results["passed"]]
    assert failures.empty, failures.to_string()
    for code in book.codes.values():
        if code.codable:
            assert len(code.examples) >= 3 and len(code.counter_examples) >= 2, code.id
            assert code.definition and code.when_to_use and code.when_not_to_use, code.id


def test_a_morph_token_pattern_is_refused_naming_the_file_and_line(tmp_path):
    # `code` matches on cached tokens without morphology: MORPH would never match there
    path = tmp_path / "morph.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8") + """\
  - id: past
    label: Past tense
    definition: Told in the past tense.
    patterns:
      tokens:
        - [{LEMMA: lose}, {LOWER: the}]
        - [{MORPH: {IS_SUPERSET: ["Tense=Past"]}}]
      dependencies:
        - - {RIGHT_ID: verb, RIGHT_ATTRS: {MORPH: {IS_SUPERSET: ["Tense=Past"]}}}
""", encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = len(SMALL.read_text(encoding="utf-8").splitlines())
    assert f"morph.yaml:{lines + 7} [past]: tokens[2] uses MORPH" in result.output
    assert f"morph.yaml:{lines + 9} [past]: dependencies[1] uses MORPH" in result.output
    assert "tokens[1]" not in result.output and "use TAG" in result.output
