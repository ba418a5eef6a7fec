"""A CSV transcript's text cut at an unquoted comma, its rest read as another column's
value: a note that is not read (``speaker,text,notes``), or the speaker, the speaker
pushed into the column after (``text,speaker,notes``). :mod:`dialogcode.csvrows` reports
a rest that lands past the last column or in one without a name."""
from __future__ import annotations

from collections import Counter

from ..errors import Problem
from .columns import column_key
from .lines import SENTENCE_END
from .speakers import ROLE, Note, name_like

# a column of addressees named so: a speaker there says to whom the row's words are said
TO_WHOM = ("to", "to_whom", "addressee", "addressed_to", "recipient", "listener")


def cut_text(header: list[str], rows: list[tuple[int, list[str]]], found: dict[str, int],
             source: str) -> tuple[list[Problem], list[Note]]:
    """Problems for the rows of a transcript whose text (column ``found["text"]``)
    reads as cut at an unquoted comma, and notes for those that may be: the rest of a
    cut text follows the comma after a space, as a person types (a program writing CSV
    puts none), and the text before it does not end a sentence (`Where?, nodded`). Where
    the rest lands in a named column that is not read (``speaker,text,notes``), a note
    of its own there is kept so, and so is one typed after a space as the text is (``P1,
    yeah, laughs``: the space tells nothing). Where it lands in the speaker column
    (``text,speaker,notes``, or ``start, text, speaker, notes`` where the text too
    follows a space), see :func:`_cut_speakers`."""
    text, speaker = found["text"], found.get("speaker")
    after = text + 1
    if after >= len(header) or not header[after].strip() or (
            after in found.values() and after != speaker):
        return [], []
    cut = [(line, values) for line, values in rows if len(values) > after
           and values[after][:1].isspace() and values[after].strip()
           and values[text].strip() and not SENTENCE_END.search(values[text])]
    if after != speaker:
        return [Problem(
            f"{values[after].strip()!r} in column {header[after].strip()!r} reads as the "
            f"rest of the text {values[text]!r}, cut at a comma (a space after it, and the "
            "text does not end a sentence); put a text that holds a comma in quotes, or if "
            "it is a note, write it without a space after the comma", source, line)
            for line, values in cut if not values[text][:1].isspace()], []
    return _cut_speakers(header, rows, cut, text, source)


def _cut_speakers(header: list[str], rows: list[tuple[int, list[str]]],
                  cut: list[tuple[int, list[str]]], text: str, source: str
                  ) -> tuple[list[Problem], list[Note]]:
    """Of the rows ``cut`` that read as cut at a comma, the rest in the speaker column
    (just after the text's), problems for those that are, and notes for those that may
    be. A row is cut when it has a value more than the header's columns where every
    other row has one for each (the comma the text held), or when the speaker is
    pushed into a column after, one holding another row's speaker, as no other row's
    columns after the speaker's do, and the row's own is nobody else's and not written
    like a name (``and then we left``, not ``Guest``). It may be cut, a note, when its
    speaker follows the comma after a space, as no other row's does, and a column after
    holds another row's speaker or a value written like a name (``Thanks, Maria,P1``),
    or its speaker is nobody else's and not written like a name. A column of speakers
    after the speaker's is one of addressees (to whom) when another row holds one
    there: then only the comma more tells a cut, and there is no note. For the note,
    that row must not read as cut at all (two rows that may be cut are noted each);
    for the refusal, it is any row but those surely cut (an addressee beside a text
    without a full stop, ``hi, aide, host``, is read as before).

    Where other rows' speakers follow a space too (a file typed with a space after
    every comma, ``Thanks, Maria, P1``), the space tells nothing: the row may be cut
    when a column after the speaker's not named for addressees (:data:`TO_WHOM`, not
    ``to``) holds another row's speaker, as no row does that is not read as cut or
    whose speaker speaks elsewhere too, in a row without a speaker after theirs (two
    rows ``Thanks, Maria, P1`` are noted each); it is cut when, besides, its speaker speaks
    only there and is not written like a role, and every speaker of a row without one
    after it is (``P1``, ``Interviewer``)."""
    after = text + 1
    said = Counter(values[after].strip() for _, values in rows
                   if len(values) > after and values[after].strip())

    def moved(values: list[str], named: bool = False) -> int | None:
        """The first column after the speaker's holding another row's speaker (or, if
        ``named``, a value written like a name)."""
        return next((k for k in range(after + 1, min(len(values), len(header)))
                     if said[values[k].strip()] or (named and name_like(values[k].strip()))),
                    None)

    lines = {line for line, _ in cut}
    others = [values for line, values in rows if line not in lines]
    strong = {line for line, values in cut if moved(values) is not None
              and said[values[after].strip()] == 1 and not name_like(values[after].strip())}
    # rows with a speaker in a column after the speaker's, but for those read as cut
    addressing = {line for line, values in rows if line not in strong
                  and moved(values) is not None}
    to_whom = any(moved(values) is not None for values in others)
    # the speakers of the rows without a speaker in a column after theirs
    plain = {values[after].strip() for _, values in rows if len(values) > after
             and values[after].strip() and moved(values) is None}
    # in a file typed with a space after every comma, where most rows may read as cut:
    # rows holding a speaker after the speaker's that do not read as cut, or whose
    # speaker speaks elsewhere too, in a row without one after
    addressers = {line for line, values in rows if moved(values) is not None and (
        line not in lines or values[after].strip() in plain)}
    full = bool(others) and all(len(values) == len(header) for values in others)
    spaced = bool(others) and not any(values[after][:1].isspace() for values in others
                                      if len(values) > after)
    problems, notes = [], []
    for line, values in cut:
        rest, landed = values[after].strip(), moved(values)
        # every value typed after a space, no longer telling: another row's speaker in a
        # column after the speaker's not named for addressees, as in no other row
        typed = (not spaced and not addressers - {line} and landed is not None
                 and column_key(header[landed]) not in TO_WHOM)
        k = landed if typed else moved(values, named=True)
        addressed = bool(addressing - {line})       # a column of addressees: to whom
        pushed = "" if k is None else (f", and {values[k].strip()!r} in column "
                                       f"{header[k].strip()!r}")
        more = full and len(values) > len(header) and (line not in strong or addressed)
        # after a space, a quote is read as part of the value, not as quoting it
        quote = "put a text that holds a comma in quotes" + (
            " with no space before the opening quote"
            if values[text][:1].isspace() else "")
        roles = (typed and not more and line not in strong and said[rest] == 1
                 and not ROLE.match(rest) and bool(plain) and all(map(ROLE.match, plain)))
        if more or (line in strong and not addressed) or roles:
            problems.append(Problem(
                f"{rest!r} in column {header[after].strip()!r} reads as the rest of the "
                f"text {values[text].strip()!r}, cut at a comma" + (
                    " (the row has a value more than the columns, as no other row has)"
                    if more else f" ({rest!r} speaks only here, and every other speaker "
                    "is written like a role or number)" if roles else "")
                + f"{pushed}{' as its speaker' * bool(pushed)}; {quote}" + (
                    ", or if it holds none, remove the comma more at the row's end"
                    if more else _addressee_fix(header, values, k) if roles else ""),
                source, line))
        elif (spaced and not to_whom and (k is not None or (
                said[rest] == 1 and not name_like(rest)))) or typed:
            notes.append(Note(line, (
                f"read with the speaker {rest!r}; if that is the rest of the text "
                f"{values[text].strip()!r}, cut at a comma" + (
                    " (a space after it, as no other row's speaker has)" if spaced else "")
                + f"{pushed}{' its speaker' * bool(pushed)}, {quote}"
                + ("" if spaced else _addressee_fix(header, values, k)))))
    return problems, notes


def _addressee_fix(header: list[str], values: list[str], k: int) -> str:
    """What to do when the speaker in column ``k`` after the speaker's is to whom the
    row's words are said."""
    return (f", or if {values[k].strip()!r} is to whom the words are said, name the "
            f"column `to`, not {header[k].strip()!r}")
