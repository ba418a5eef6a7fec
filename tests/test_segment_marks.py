"""Sentence segments keep a transcriber's mark whole: spaCy's sentencizer cut AMI's
"Okay . {vocalsound} Hello" after the "{", so a quote began "vocalsound} Hello"."""
import json
import re
from pathlib import Path

import pytest

from dialogcode import Study, ingest

from conftest import make_study

MEETING = [
    {"speaker": "Project Manager", "text": "Yep , yep . {vocalsound} Okay . Hello everybody ."},
    {"speaker": "Marketing", "text": "{vocalsound}"},
    {"speaker": "Industrial Designer",
     "text": "{vocalsound} Are we {disfmarker} we're not allowed to dim the lights . "
             "{vocalsound}"},
    {"speaker": "User Interface",
     "text": "So . [inaudible] The remote . (laughs) [gap] . Right . He said no . "
             "(She left . He stayed with us all day .) Then we ate ."},
]


def sentences(tmp_path, turns) -> list[list[str]]:
    """The sentence segments of a meeting of ``turns``, turn by turn."""
    root = make_study(tmp_path / "s", {"meeting.json": json.dumps(turns)}, None)
    segments = ingest(Study.open(root), unit="sentence").segments
    document = ingest(Study.open(root)).documents["text"].iloc[0]
    assert all(document[r.start:r.end] == r.text for r in segments.itertuples())
    return [group["text"].tolist() for _, group in segments.groupby("speaker", sort=False)]


def test_a_mark_stays_whole_and_a_mark_alone_joins_a_sentence(tmp_path):
    assert sentences(tmp_path, MEETING) == [
        ["Yep , yep .", "{vocalsound} Okay .", "Hello everybody ."],
        ["{vocalsound}"],                       # a turn that is only a mark stays one
        ["{vocalsound} Are we {disfmarker} we're not allowed to dim the lights . "
         "{vocalsound}"],                       # a mark after the last sentence joins it
        ["So .", "[inaudible] The remote .", "(laughs) [gap] . Right .", "He said no .",
         "(She left .", "He stayed with us all day .)", "Then we ate ."],
    ]


MEETINGS = Path(__file__).resolve().parents[2] / "shared" / "data" / "meeting-topics"


@pytest.mark.skipif(not MEETINGS.is_dir(), reason="shared data not present")
def test_no_sentence_of_a_real_meeting_cuts_a_mark(tmp_path):
    turns = json.loads((MEETINGS / "transcripts" / "ES2004a.json").read_text())
    found = [s for turn in sentences(tmp_path, turns) for s in turn]
    cut = [s for s in found if re.match(r"[^{]*\}", s) or re.search(r"\{[^}]*$", s)]
    alone = [s for s in found if not re.sub(r"\{[^}]*\}", "", s).strip(" .,?!")]
    assert len(found) > 300 and not cut
    # a sentence of marks alone is a whole turn of marks ("{vocalsound}")
    whole = {t["text"] for t in turns}
    assert all(s in whole for s in alone)
