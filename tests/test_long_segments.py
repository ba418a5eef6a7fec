"""Turns and sections longer than max_segment_chars are cut into several segments, so
spaCy (which takes at most a million characters at once) never refuses one."""
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.formats.base import Block
from dialogcode.segment import split_long_blocks
from dialogcode.store import write_table

from conftest import make_study

SMALL = Path(__file__).parent / "data" / "codebooks" / "small.yaml"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def pieces(text: str, limit: int) -> list[str]:
    blocks = split_long_blocks([Block("section", 0, len(text), section="Notes")], text, limit)
    assert all(block.section == "Notes" for block in blocks)
    return [text[block.start:block.end] for block in blocks]


@pytest.mark.parametrize("text, expected", [
    ("First paragraph is here.\n\nSecond one. It goes on and on.",
     ["First paragraph is here.", "Second one. It goes on and on."]),
    ("The first sentence ends here. The second one is longer than that.",
     ["The first sentence ends here.", "The second one is longer than that."]),
    ("Short.\n\nThen a sentence that ends. And more words follow it here.",  # break too early
     ["Short.\n\nThen a sentence that ends.", "And more words follow it here."]),
    ("\u201cQuoted sentence ends here.\u201d And then the next one goes on.",
     ["\u201cQuoted sentence ends here.\u201d", "And then the next one goes on."]),
    ("no sentence ends in this long run of words at all, none",
     ["no sentence ends in this long run of", "words at all, none"]),
    ("x" * 100, ["x" * 40, "x" * 40, "x" * 20]),
    ("Short enough to stay whole.", ["Short enough to stay whole."]),
])
def test_long_blocks_are_cut_at_paragraphs_then_sentences_then_spaces(text, expected):
    assert pieces(text, 40) == expected


def test_cutting_keeps_every_character_but_the_whitespace_at_cuts():
    text = " ".join(f"Word{i}{'.' if i % 7 == 0 else ''}{chr(10) * 2 if i % 31 == 0 else ''}"
                    for i in range(3000))
    blocks = split_long_blocks([Block("turn", 0, len(text), speaker="P1")], text, 1000)
    assert len(blocks) > 20 and all(b.end - b.start <= 1000 for b in blocks)
    assert all(b.speaker == "P1" for b in blocks)
    assert blocks[0].start == 0 and blocks[-1].end == len(text)
    for before, after in zip(blocks, blocks[1:]):
        assert before.end < after.start and not text[before.end:after.start].strip()


def table(root: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(root / "out" / f"{name}.parquet")


def unlabelled_notes(size: int) -> str:
    """Unlabelled field notes of about ``size`` characters, in two paragraphs."""
    sentence = "We talked about the rent going up and families couch surfing for weeks. "
    half = sentence * (size // len(sentence) // 2)
    return half.rstrip() + "\n\n" + half.rstrip() + " Last words."


def test_a_13_million_character_notes_file_is_ingested_and_coded(tmp_path):
    root = make_study(tmp_path / "s", {"notes.txt": unlabelled_notes(1_310_000)}, None)
    result = run("ingest", root, "--quiet")
    assert result.exit_code == 0, result.output
    text, segments = table(root, "documents").at[0, "text"], table(root, "segments")
    assert len(text) > 1_300_000
    assert segments["text"].str.len().max() <= 1_000_000
    paragraph = text.index("\n\n")
    assert segments[["start", "end"]].values.tolist() == [[0, paragraph],
                                                          [paragraph + 2, len(text)]]
    assert all(text[s:e] == t for s, e, t in zip(segments["start"], segments["end"],
                                                 segments["text"]))
    assert re.sub(r"\s", "", "".join(segments["text"])) == re.sub(r"\s", "", text)
    result = run("code", root, "--codebook", SMALL, "--quiet")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    codings = table(root, "codings")
    assert set(codings["seg_id"]) == {"notes:x1", "notes:x2"}
    assert all(text[s:e] == q for s, e, q in zip(codings["start"], codings["end"],
                                                 codings["quote"]))


def test_a_segment_ingested_too_long_is_reported_not_a_traceback(tmp_path):
    root = make_study(tmp_path / "s", {"notes.txt": unlabelled_notes(1_310_000)}, None)
    assert run("ingest", root, "--quiet").exit_code == 0
    text = table(root, "documents").at[0, "text"]
    whole = table(root, "segments").head(1).assign(end=len(text), text=text)  # older ingest
    write_table(whole, root / "out", "segments")
    result = run("code", root, "--codebook", SMALL, "--quiet")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: segment notes:x1 has {len(text):,} characters, more than the 1,000,000 the "
        "spaCy pipeline takes at once; run `dialogcode ingest` again to split it "
        "(max_segment_chars in dialogcode.yaml, docs/limits.md)\n")


def test_max_segment_chars_is_set_in_the_config_and_checked(tmp_path):
    root = make_study(tmp_path / "s", {"notes.txt": unlabelled_notes(50_000)}, None)
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "max_segment_chars: 10000\n", encoding="utf-8")
    assert run("ingest", root, "--quiet").exit_code == 0
    segments = table(root, "segments")
    assert len(segments) == 6 and segments["text"].str.len().max() <= 10_000
    config.write_text(config.read_text().replace("10000", "2000000"), encoding="utf-8")
    result = run("ingest", root, "--quiet")
    assert result.exit_code == 1
    assert f"{config}:4 [max_segment_chars]: Input should be less than or equal to " \
           "1000000" in result.output
