"""A CSV transcript's text cut at an unquoted comma, its rest read as another column's
value: a note that is not read (``speaker,text,notes``), or the speaker, the speaker
pushed into the column after (``text,speaker,notes``). :mod:`dialogcode.csvrows` reports
a rest that lands past the last column or in one without a name."""
from __future__ import annotations

from collections import Counter

from ..errors import Problem
from .lines import SENTENCE_END
from .speakers import name_like


def cut_text(header: list[str], rows: list[tuple[int, list[str]]], found: dict[str, int],
             source: str) -> list[Problem]:
    """A problem for each row of a transcript whose text (column ``found["text"]``)
    reads as cut at an unquoted comma: the rest of a cut text follows the comma after a
    space, as a person types (a program writing CSV puts none, and a value typed after
    a space like every other of its row says nothing), and the text before it does not
    end a sentence (`Where?, nodded`). Where the rest lands in a named column that is
    not read (``speaker,text,notes``), a note of its own there is kept so. Where it
    lands in the speaker column (``text,speaker,notes``), it is the rest only when the
    speaker is pushed into a column after: one holds the speaker of another row, as no
    other row's columns after the speaker's do, and the row's own is nobody else's and
    not written like a name (``and then we left``, not ``Guest``)."""
    text, speaker = found["text"], found.get("speaker")
    after = text + 1
    if after >= len(header) or not header[after].strip() or (
            after in found.values() and after != speaker):
        return []
    cut = [(line, values) for line, values in rows if len(values) > after
           and values[after][:1].isspace() and values[after].strip()
           and values[text].strip() and not values[text][:1].isspace()
           and not SENTENCE_END.search(values[text])]
    if after != speaker:
        return [Problem(
            f"{values[after].strip()!r} in column {header[after].strip()!r} reads as the "
            f"rest of the text {values[text]!r}, cut at a comma (a space after it, and the "
            "text does not end a sentence); put a text that holds a comma in quotes, or if "
            "it is a note, write it without a space after the comma", source, line)
            for line, values in cut]
    said = Counter(values[after].strip() for _, values in rows
                   if len(values) > after and values[after].strip())

    def moved(values: list[str]) -> int | None:
        """The first column after the speaker's holding another row's speaker."""
        return next((k for k in range(after + 1, min(len(values), len(header)))
                     if said[values[k].strip()]), None)

    cut = [(line, values) for line, values in cut if moved(values) is not None
           and said[values[after].strip()] == 1 and not name_like(values[after].strip())]
    lines = {line for line, _ in cut}
    if any(moved(values) is not None for line, values in rows if line not in lines):
        return []       # a column of speakers after the speaker's: to whom, say
    return [Problem(
        f"{values[after].strip()!r} in column {header[after].strip()!r} reads as the rest "
        f"of the text {values[text]!r}, cut at a comma, and {values[k].strip()!r} in column "
        f"{header[k].strip()!r} as its speaker; put a text that holds a comma in quotes",
        source, line) for line, values in cut for k in [moved(values)]]
