"""Regexes in token patterns: risky ones are refused with their location, every one is
bounded by the codebook's regex_token_limit, and dictionary wildcards become safe
regexes."""
import fnmatch
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.interchange import write_codebook_yaml
from dialogcode.interchange.dictionaries import entry_pattern, import_liwc
from dialogcode.nlp import load_pipeline
from dialogcode.patterns import CompiledCodebook
from dialogcode.regexes import bounded_regex, regex_problem

RISKY = Path(__file__).parent / "data" / "codebooks" / "risky_regex.yaml"
REFUSED = "could backtrack catastrophically (minutes on one long token): it "
REWRITE = "; rewrite it (see Regexes in docs/codebooks.md)"
SELF = ("repeats a group whose repetitions can match the same text in more than one way, "
        "like (a+)+ or (a|aa)*")
ADJACENT = ("has variable-length parts in a row that can match the same characters, like "
            ".*.* or a.*a.*z, so a token splits between them in too many ways")
EMPTY = "repeats a group that can match nothing, like (a?){25}"


def test_validate_refuses_every_risky_regex_with_file_line_and_code():
    result = CliRunner().invoke(cli, ["codebook", "validate", str(RISKY)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines() == [
        "Error: 7 problems:",
        f"  {RISKY}:8 [alternatives]: tokens[1]: regex '(a|aa)*c' {REFUSED}{SELF}{REWRITE}",
        f"  {RISKY}:14 [stars]: tokens[2]: regex '.*.*.*.*.*=' {REFUSED}{ADJACENT}{REWRITE}",
        f"  {RISKY}:19 [optional]: tokens[1]: regex '^(a?){{25}}a{{25}}$' {REFUSED}{EMPTY}"
        f"{REWRITE}",
        f"  {RISKY}:24 [glob]: tokens[1]: regex '^a.*a.*a.*a.*z$' {REFUSED}{ADJACENT}{REWRITE}",
        f"  {RISKY}:29 [hidden]: tokens[1]: regex '(x+x+)+y' {REFUSED}{SELF}{REWRITE}",
        f"  {RISKY}:34 [invalid]: tokens[1]: invalid regex '(': missing ), unterminated "
        "subpattern at position 0",
        f"  {RISKY}:39 [dependency]: dependencies[1]: regex '(a+)+$' {REFUSED}{SELF}{REWRITE}",
    ]


@pytest.mark.parametrize("regex, reason", [
    ("(a|aa)*c", SELF),
    (".*.*.*.*.*=", ADJACENT),
    ("^(a?){25}a{25}$", EMPTY),
    (r"(\w+\s?)+$", SELF),
    (r"\w*?(\sa*\w?){2,}", SELF),
    ("(a.|.b)*c", "repeats alternatives that can begin with the same character, like "
                  "(a.|.b)*"),
    ("a?" * 14 + "a" * 14, ADJACENT),
    (".*foo.*", ADJACENT),
])
def test_regexes_that_backtrack_catastrophically_are_refused(regex, reason):
    assert regex_problem(regex) == f"regex {regex!r} {REFUSED}{reason}{REWRITE}"


@pytest.mark.parametrize("regex", [
    "^surf", r"^\w+s?$", "^(re)?open(ed|ing)?$", r"^\d{1,3}(,\d{3})*$", "^https?://",
    "colou?r", "^[a-z]+-[a-z]+$", r"^\w+ing$", "^.*ness$", r"(\w+\s)+", "(ab|c)+",
    "(a|ab)*", r"^[\w.+-]+@[\w-]+\.[\w.]+$", r"^\W*\w+\W*$", "a*+a*+", "(?>.*?a).*z$",
    r"^(\d+)-\1$",
])
def test_ordinary_regexes_are_accepted(regex):
    assert regex_problem(regex) is None


def test_a_regex_over_200_characters_is_refused():
    assert regex_problem("a" * 201) == "regex longer than 200 characters"


def coded(book, text: str) -> set[str]:
    nlp = load_pipeline()
    return {hit.code_id for hit in CompiledCodebook(book, nlp).match(nlp(text))}


@pytest.mark.parametrize("limit, coded_40", [(39, set()), (40, {"long"})])
def test_tokens_longer_than_the_limit_are_not_regex_matched(tmp_path, limit, coded_40):
    path = tmp_path / "limit.yaml"
    path.write_text(f"codebook: limit\ntitle: Limit\nregex_token_limit: {limit}\ncodes:\n"
                    "  - id: long\n    label: Long\n"
                    "    patterns: {tokens: [[{LOWER: {REGEX: '^a+z?$'}}]]}\n",
                    encoding="utf-8")
    book = load_codebooks(path)
    assert coded(book, "a" * 39) == {"long"}
    assert coded(book, "a" * 40) == coded_40
    assert coded(book, "a" * 400) == set()


def test_regex_token_limit_is_checked_with_its_line(tmp_path):
    path = tmp_path / "limit.yaml"
    path.write_text("codebook: limit\ntitle: Limit\nregex_token_limit: 5000\ncodes:\n"
                    "  - {id: a, label: A, patterns: {terms: [a]}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3 [regex_token_limit]: Input should be less than or equal to 1000" \
        in result.output


@pytest.mark.parametrize("regex", [
    "^surf", "(?i)^SURF", "ing$", r"(?x) ^ s u r f  # a comment", "a|z", r"(?<=u)r", "^$",
])
@pytest.mark.parametrize("text", ["", "surf", "surfing", "Surfing", "ing", "z", "surfboarding"])
def test_a_bounded_regex_matches_as_the_regex_does_up_to_the_limit(regex, text):
    bounded = re.compile(bounded_regex(regex, 8))
    expected = bool(re.search(regex, text)) and len(text) <= 8
    assert bool(bounded.search(text)) == expected


@pytest.mark.parametrize("glob", ["abus*", "*ing", "violen?e", "a**b", "a*b*c", "*a*b*",
                                  "*a*b", "s?r*f*", "a*a*a*a*a*a*a*a*a*a*a*a*z"])
@pytest.mark.parametrize("token", ["abuse", "abusing", "sing", "violence", "ab", "axxbyyc",
                                   "abc", "cab", "surf", "serif", "sorta", "a" * 40,
                                   "a" * 39 + "z", "aaz"])
def test_dictionary_wildcards_match_as_globs_with_a_safe_regex(glob, token):
    [pattern] = entry_pattern(glob)
    regex = pattern["LOWER"]["REGEX"]
    assert regex_problem(regex) is None
    assert bool(re.search(regex, token)) == fnmatch.fnmatchcase(token, glob)


def test_liwc_wildcards_inside_a_word_import_as_safe_patterns(tmp_path):
    path = tmp_path / "stars.dic"
    path.write_text("%\n1\tstars\n%\n" + "a*" * 24 + "z\t1\nhapp*\t1\n", encoding="utf-8")
    write_codebook_yaml(import_liwc(path), tmp_path / "stars.yaml")
    book = load_codebooks(tmp_path / "stars.yaml")
    assert coded(book, "a" * 39 + "z") == {"stars"}
    assert coded(book, "a" * 40) == set()
    assert coded(book, "happily") == {"stars"}



def test_a_dictionary_entry_too_long_for_a_regex_is_refused():
    with pytest.raises(ValueError, match=r"^entry 'a\*a\*.*': regex longer than 200 "
                                         r"characters$"):
        entry_pattern("a*" * 30 + "z")
