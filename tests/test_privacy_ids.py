"""Identifiers that mix capitals and digits (case numbers, client or member ids) are
found as IDs and masked; the numbers and codes of ordinary talk are not."""
import pytest
from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli
from dialogcode.privacy.detect import pattern_hits


def ids(text: str) -> list[str]:
    return [text[s:e] for s, e, kind, _ in pattern_hits(text) if kind == "id"]


@pytest.mark.parametrize("text, found", [
    ("Her client id is AB12345 at the office.", "AB12345"),
    ("My member card says A1234567.", "A1234567"),
    ("The eviction was 2019-CV-00123 in housing court.", "2019-CV-00123"),
    ("They filed DV-2019-0042 last spring.", "DV-2019-0042"),
    ("Give them ID A1234 at the desk.", "A1234"),        # a cue: four digits will do
    ("It was case DV-2019 then.", "DV-2019"),
    ("Write #AB1234 on the form.", "AB1234"),
])
def test_a_code_of_capitals_and_digits_is_found_as_an_id(text, found):
    assert ids(text) == [found]


@pytest.mark.parametrize("text", [
    "In 2019, at 10:30 on 2019-07-10, we paid $12,345, about 45%.",
    "After COVID-19 the Section 8 vouchers dried up.",
    "Take the I-5 north; he is on an H1B, apartment 4B.",
    "My 401k, the 24/7 line, and 911.",
    "The iPhone 15 on Windows 10, an RTX4090, GPT-4, an A380, the F-150, MP3s.",
    "The FY2024-25 budget, Q3-2024 figures, the 1990s, B-52 bombers.",
    "She has an i9-13900K and a 13900K at home.",
    "Mail AB12345@example.org or see www.example.org/AB12345.",   # an email, a URL
    "Follow @AB12345 for news.",     # a handle, found once as the handle, not twice
])
def test_the_numbers_and_codes_of_ordinary_talk_are_no_ids(text):
    assert ids(text) == []


def test_an_id_is_masked_in_what_the_study_shows(tmp_path):
    root = make_study(tmp_path / "s", {"a.txt": "P1: My client number was AB12345 "
                                       "and the case 2019-CV-00123, after COVID-19.\n"}, None)
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["kwic", "client", str(root), "--width", "200"])
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "was [ID NUMBER] and the case [ID NUMBER], after COVID-19" in shown
    assert "AB12345" not in shown and "00123" not in shown
