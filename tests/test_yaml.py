"""YAML files people write: mistakes explained in plain words at their line and column,
and hostile files (alias bombs, deep nesting, tags, impossible dates) refused quickly,
in every kind of YAML file dialogcode reads."""
import time

import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.errors import DialogcodeError
from dialogcode.yamlsrc import MAX_ALIASED, MAX_DEPTH, parse_yaml

from conftest import make_study

FILLER = "".join(f"  - id: c{i}\n    label: l\n" for i in range(40))
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{x}: &{x} [{', '.join([f'*{p}'] * 9)}]\n"
                  for p, x in zip("abcdefgh", "bcdefghi")))


@pytest.mark.parametrize("text, line, column, message", [
    ('codes:\n  - id: a\n    label: "unclosed\n' + FILLER, 3, 12,
     'the quote " opened here is never closed'),
    ("title: 'unclosed\nunit: turn\n", 1, 8, "the quote ' opened here is never closed"),
    ('codes:\n  - id: a\n    label: "x\n  - id: b\n    label: "y"\n', 3, 12,
     'the quote " opened here closes only on line 5; is a closing quote missing?'),
    ("title: x\nunit: [a, b\nmodel: blank\n", 2, 7, "the [ opened here is never closed with ]"),
    ("columns: {speaker: a\nmodel: blank\n", 1, 10, "the { opened here is never closed with }"),
    ("terms: [a, b: c: d]\n", 1, 16,
     "unexpected ':' inside [ ]: separate items with commas, and quote an item holding ':' "
     "or brackets"),
    ("title: x\ndefinition: something: else\n", 2, 22,
     "a second ': ' on this line; put the value in quotes"),
    ("title: x\n  unit: turn\n", 2, 7,
     "this line is indented more than the key above it, so it reads as part of that key's "
     "value; line it up with the other keys"),
    ("codes:\n  - id: a\n    label: x\n   definition: y\n", 4, 4,
     "this line's indentation does not fit the lines above it: keys of one mapping line up"),
    ("title: x\n\tunit: turn\n", 2, 1, "a tab character; YAML indents with spaces only"),
    ("title: @home\n", 1, 8, "a value cannot start with '@'; put the value in quotes"),
    ("title: x\nunit turn\ncodebooks: []\n", 2, 1,
     "expected 'key: value' here, but this line has no ': '"),
    ("title: x\n- a\n", 2, 1,
     "a list item ('- ') where a key was expected; check its indentation against the lines "
     "above"),
    ("codes:\n  -id: a\n  - id: b\n", 2, 3,
     "no space after this '-': a list item is '- ' and then the value"),
    ('title: "abc" def\n', 1, 14,
     "unexpected text here; if a value has quotes, the whole value must be inside them"),
    ("title: x\nunit: [a]]\n", 2, 10, "a stray ']' that no bracket opened"),
    ("title: *foo\n", 1, 8, "*foo refers to no anchor &foo; put a value that starts with * in "
                            "quotes"),
    ('title: "a\\qb"\n', 1, 11, "\\q is not an escape YAML knows inside double quotes; use "
                                "single quotes, or write \\\\ for a backslash"),
    ("title: x\n---\nunit: turn\n", 2, 1,
     "a second document (after ---); a dialogcode file holds one document"),
    ("%YAML 1.1\ntitle: x\n", 2, 1, "a line starting with % above is read as a YAML "
                                    "directive; put a value that starts with % in quotes"),
    ("a: &x 1\nb: &x 2\n", 2, 4, "this anchor (&name) is defined twice"),
    ("title: a\x00b\n", 1, 9, "the character #x0000 is not allowed in YAML; remove it"),
    ("title: a\ntitle: b\n", 2, None, "duplicate key 'title'"),
    ("? [a]\n: b\n", 1, 3, "a list or mapping cannot be a key"),
    ("title: !!python/object:os.system x\n", 1, 8, "the tag !!python/object:os.system is "
     "not allowed; files hold plain data (text, numbers, lists and mappings)"),
    ("terms: !!set {a, b}\n", 1, 8, "the tag !!set is not allowed; files hold plain data "
                                    "(text, numbers, lists and mappings)"),
    ("n: !!int many\n", 1, 4, "'many' is not a valid int"),
    ("a: &x [1, *x]\n", 1, 11, "the alias *x is inside its own anchor &x"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", 1, 3 + MAX_DEPTH,
     f"nested more than {MAX_DEPTH} levels deep; dialogcode refuses deeper files"),
    (BOMB, 5, 8, f"aliases (*name) here repeat more than {MAX_ALIASED} values; dialogcode "
                 "refuses such files (they can expand a small file into billions of values): "
                 "write the values out"),
])
def test_yaml_mistakes_in_plain_words_where_they_are(text, line, column, message):
    with pytest.raises(DialogcodeError) as info:
        parse_yaml(text, "f.yaml")
    [problem] = info.value.problems
    assert (problem.message, problem.line, problem.column) == (message, line, column)
    assert str(problem) == f"f.yaml:{line}{f':{column}' if column else ''}: {message}"


def test_dates_stay_text_and_a_few_aliases_are_fine():
    data = parse_yaml("date: 2019-13-45\nday: 2019-02-06\nbase: &b [x, y]\nsame: *b\n",
                      "f.yaml")
    assert data == {"date": "2019-13-45", "day": "2019-02-06", "base": ["x", "y"],
                    "same": ["x", "y"]}


def test_an_alias_bomb_is_refused_in_well_under_a_second():
    started = time.perf_counter()
    with pytest.raises(DialogcodeError):
        parse_yaml(BOMB + "j: &j [" + ", ".join(["*i"] * 9) + "]\n", "bomb.yaml")
    assert time.perf_counter() - started < 1


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def study(tmp_path, format_dir):
    return make_study(tmp_path / "s", {"zoom.vtt": format_dir / "zoom.vtt"},
                      "file,site,event_type,date\nzoom.vtt,Fresno,coaching_call,2019-02-06\n")


HOSTILE = {"bomb": BOMB,
           "deep": "a: " + "[" * 5000 + "]" * 5000 + "\n",
           "quote": 'title: "never closed\n' + "x: 1\n" * 40}
WHERE = {"bomb": "5:8", "deep": f"1:{3 + MAX_DEPTH}", "quote": "1:8"}
WHAT = {"bomb": "aliases (*name) here repeat more than",
        "deep": "nested more than", "quote": 'the quote " opened here is never closed'}


def yaml_file(study, kind, text):
    """Put ``text`` where a YAML file of ``kind`` goes; the command that reads it."""
    if kind == "config":
        (study / "dialogcode.yaml").write_text(text, encoding="utf-8")
        return study / "dialogcode.yaml", ["ingest", study]
    if kind == "manifest":
        (study / "manifest.yaml").write_text(text, encoding="utf-8")
        (study / "dialogcode.yaml").write_text("codebooks: []\nmanifest: manifest.yaml\n",
                                               encoding="utf-8")
        return study / "manifest.yaml", ["ingest", study]
    if kind == "codebook":
        (study / "book.yaml").write_text(text, encoding="utf-8")
        return study / "book.yaml", ["codebook", "validate", study / "book.yaml"]
    if kind == "lessons":
        (study / "lessons.yaml").write_text(text, encoding="utf-8")
        assert invoke("ingest", study, "-q").exit_code == 0
        assert invoke("code", study, "-q").exit_code == 0
        return study / "lessons.yaml", ["lessons", study]
    (study / "map.yaml").write_text(text, encoding="utf-8")
    (study / "coder.csv").write_text("seg_id,code\nzoom:t1,x\n", encoding="utf-8")
    assert invoke("ingest", study, "-q").exit_code == 0
    return study / "map.yaml", ["import-codings", study / "coder.csv", study, "--coder", "a",
                                "--map", study / "map.yaml"]


@pytest.mark.parametrize("hostile", ["bomb", "deep", "quote"])
@pytest.mark.parametrize("kind", ["config", "manifest", "codebook", "lessons", "map"])
def test_every_yaml_file_refuses_hostile_input_quickly_and_says_where(study, kind, hostile):
    path, command = yaml_file(study, kind, HOSTILE[hostile])
    started = time.perf_counter()
    result = invoke(*command)
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"Error: {path}:{WHERE[hostile]}: {WHAT[hostile]}" in result.output


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("kind", ["config", "codebook"])
def test_a_yaml_file_saved_in_another_encoding_names_its_line(study, kind, bom):
    # The message was Python's ("'utf-8' codec can't decode byte 0xe9 in position 28"),
    # with no line; after a UTF-8 byte-order mark it named the byte three bytes before.
    path, command = yaml_file(study, kind, "")
    path.write_bytes(bom + "title: x\ncodebooks: []\n# r\u00e9sum\u00e9\n".encode("cp1252"))
    result = invoke(*command)
    assert result.exit_code == 1, result.output
    assert f"Error: {path}:3: not UTF-8 text (byte 0xe9 at column 4); save it as UTF-8" \
        in result.output


def test_an_impossible_yaml_date_in_a_manifest_is_an_error_not_a_traceback(study):
    path, command = yaml_file(study, "manifest", "- file: zoom.vtt\n  date: 2019-13-45\n")
    result = invoke(*command)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"Error: {path}:2 [date]: date '2019-13-45' is not a day in the calendar: there "
            "is no month 13") in result.output
