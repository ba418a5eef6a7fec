"""What is found once per document text (its line breaks, field-note entries, folded
form, paragraphs) is found again for an equal copy of the text, never looked up by
comparing the two texts whole on every call: reading a long file a second time in one
process took time in the square of its length (a 50,000-turn .txt: 9 s, then 74 s)."""
import re

import pytest

from dialogcode.formats.entries import category_notes
from dialogcode.formats.lines import line_at
from dialogcode.importers import tools
from dialogcode.importers.locate import locate

TEXT = "".join(f"P{i % 3 + 1}: turn {i}, we talked about the rent and the bus pass.\n\n"
               + ("Observation: people nod.\n\n" if i % 50 == 7 else "")
               for i in range(300))
LABELS = tuple(m.span() for m in re.finditer(r"\n\nP\d: ", TEXT))


class Counted(str):
    """A text that counts how often it is compared whole with an equal text."""
    compared = 0

    def __eq__(self, other):
        if isinstance(other, str) and other is not self and len(other) == len(self):
            Counted.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


LOOK_UPS = {
    "line numbers": lambda text: [line_at(text, at) for at in range(0, len(text), 97)],
    "field-note entries": lambda text: [category_notes(text)[0].message
                                        for _ in range(50)],
    "paragraphs": lambda text: [sorted(tools._paragraphs(text, at))
                                for at in range(0, len(text), 97)],
    "quotes, folded": lambda text: [locate(f"TURN {i}, we talked", text).spans
                                    for i in range(50)],
    "quotes over a label": lambda text: [
        locate(f"the bus pass turn {i}", text, between=LABELS).spans
        for i in range(1, 50)],
}


@pytest.mark.parametrize("look_up", LOOK_UPS.values(), ids=LOOK_UPS.keys())
def test_an_equal_copy_of_a_text_gives_the_same_answers_without_comparing_it(look_up):
    first, copy = Counted(TEXT), Counted(TEXT)
    answers = look_up(first)
    assert answers and all(answers)     # a line, a note, a paragraph, a place each
    Counted.compared = 0
    assert look_up(copy) == answers
    assert look_up(copy) == answers
    assert Counted.compared <= 1


def test_line_numbers_are_always_those_of_the_text_asked_about():
    # each text is dropped after use: a new one may reuse its memory, never its answers
    for n in range(40):
        text = "line\n" * n + "end"
        assert line_at(text, len(text) - 1) == n + 1
    copy = "".join(["line\n" * 5, "end"])
    assert line_at(copy, len(copy) - 1) == 6
