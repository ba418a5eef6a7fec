"""Headings in plain text and Markdown: a title line standing alone (``Site visit``) or a
Markdown heading (``## Part 2``)."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from .labels import MARKER, TAB_TURN, TURN
from .lines import lines_of, paragraph_starts, rest_of_line, span
from .speakers import RECAP

HEADING = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<title>.+?)[ \t#]*$", re.MULTILINE)  # ## Notes
BOLD_LINE = re.compile(r"^(\*\*|__)(\S(?:.*\S)?)\1$")      # a line wholly in bold
HEADING_WORDS, HEADING_CHARS = 6, 60
NOT_HEADING_END = tuple(".,;:!?…\"'”’")
SENTENCE_END = ".!?…\"'”’)]"
# a recap's name alone on its line, maybe in bold: ``Facilitator Notes``
RECAP_LINE = re.compile(rf"^[ \t]*(?P<bold>\*\*|__)?(?P<name>{RECAP.pattern[1:-1]})"
                        r"(?(bold)(?P=bold))[ \t]*$", re.IGNORECASE | re.MULTILINE)
# a recap's name, a dash and its words: ``Facilitator notes - the group agreed ...``
RECAP_DASH = re.compile(rf"^[ \t]*(?P<name>{RECAP.pattern[1:-1]})[ \t]+[-–—][ \t]+(?=\S)",
                        re.IGNORECASE | re.MULTILINE)


def heading_shaped(line: str) -> bool:
    bare = BOLD_LINE.sub(r"\2", line)      # a heading in Markdown bold: **Part 2: Rent**
    words = bare.split()
    return (0 < len(words) <= HEADING_WORDS and len(bare) <= HEADING_CHARS
            and (bare[0].isupper() or bare[0].isdigit())
            and not bare.endswith(NOT_HEADING_END) and not TURN.match(line))


def heading_lines(text: str, styled: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of every heading line: a short line standing alone as a paragraph,
    starting with a capital or digit and not ending like a sentence (``Site visit``,
    ``Closing convening``), or a line whose number is in ``styled`` (Word headings)."""
    lines = lines_of(text)
    found = []
    for number, (offset, line) in enumerate(lines, start=1):
        alone = ((number == 1 or not lines[number - 2][1].strip())
                 and (number == len(lines) or not lines[number][1].strip()))
        if line.strip() and ((number in styled) or (alone and heading_shaped(line.strip()))):
            found.append(span(text, offset, offset + len(line)))
    return found


def markdown_headings(text: str, *, alone: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every Markdown heading line (``## Part 2``); with ``alone``, of
    those standing alone as a paragraph and titled like a heading, from a capital or a
    digit and not ending like a sentence (in a plain-text file a ``# ...`` line inside a
    turn, ``# of people: 40`` or ``# We counted them.``, is the transcriber's)."""
    found = []
    for m in HEADING.finditer(text):
        above = text.rfind("\n", 0, max(m.start() - 1, 0)) + 1
        below = text.find("\n", m.end() + 1)
        title = m["title"]
        if not alone or ((m.start() == 0 or not text[above:m.start()].strip())
                         and not text[m.end():len(text) if below < 0 else below].strip()
                         and (title[0].isupper() or title[0].isdigit())
                         and not title.endswith(NOT_HEADING_END)):
            found.append((m.start(), m.end()))
    return found


def recap_lines(text: str, forced: frozenset[str] = frozenset(),
                talk: list[tuple[int, int, str]] = ()) -> list[tuple[int, int]]:
    """(start, end) of every recap's heading: a label named like one
    (:data:`~.speakers.RECAP`, ``Notes from the facilitator:``), not listed as a speaker,
    opening a paragraph where most labels do (turns written as lines, as a Word
    document's paragraphs are, open none: then one starting with a capital; one naming a
    member of staff, starting with a capital, may also open a line of a turn's paragraph
    after a sentence's end), with
    nothing after its colon, or with the
    recap itself after it when it names a member of staff (``Facilitator Notes: the
    group agreed ...``), says whose or of what and is used twice or more (``Group notes:
    ...`` after each part of the talk) or follows the last turn. One naming a member of
    staff may also be written ``[Facilitator Notes]``, with a time (``[00:45:10]
    Facilitator Notes:``), as a list item (``- Facilitator Notes: ...``) or as a line of
    its own without a colon (``Facilitator Notes``). ``talk``: the (start, body, name)
    of the speakers' labels. None is a speaker's words: a line ending in a colon
    (``Here is what I think:``), a speaker's name elsewhere with words after it (a
    participant named ``Summary``), the first words of a turn (``P1:`` alone above it),
    a bare ``Summary:`` or ``Takeaways:`` with a turn after it, or ``Group Notes: ...``
    used once with a turn after it (a participant reading aloud)."""
    starts = paragraph_starts(lines_of(text))
    labels = list(TURN.finditer(text))
    paragraphs = sum(m.start() in starts for m in labels) * 2 > len(labels)
    candidates = _recap_labels(text, labels)
    # a speaker's name is known from a label with words after it: two bare `Group
    # notes:` lines are no speaker's for being used twice
    known = {name for _, body, name in talk if rest_of_line(text, body).strip()}
    # however each is written: `- Group notes: ...` in a list of turns too
    uses = Counter(name for _, _, name, plain, _, _ in candidates if plain)
    talk = sorted(talk)
    ats = [at for at, _, _ in talk]
    # in a transcript written as a list (most turns `- P1: ...`) a list item's label is
    # read as any other; beside turns outside lists it is a speaker's words but for
    # staff's
    lists = sum(bool(MARKER.match(text, at)) for at in ats) * 2 > len(ats)
    found = []
    for start, end, name, plain, item, recap in candidates:
        staff = recap["staff"] or recap["by"] or recap["in"]
        # where turns are lines, one not opening a paragraph must start with a capital:
        # `staff notes: ...` is a turn's words wrapped onto a line of their own; inside
        # a turn's paragraph, so must a member of staff's, on a line after a sentence's
        # end (`P2: I agree.` then `Facilitator notes: the group nodded.`)
        if not ((start in starts or (name[:1].isupper() and (
                not paragraphs or (staff and after_sentence(text, start)))))
                and name not in forced):
            continue
        # a member of staff's notes, or notes saying whose or of what written twice
        # (`Group notes: ...` after each part of the talk): nobody's name
        sure = staff or (uses[name] >= 2 and (recap["whose"] or recap["of"]))
        words = rest_of_line(text, end).strip()
        line = span(text, start, end)
        # the speaker's label above, and whether any is below but on this line
        below = bisect_left(ats, start)
        above = talk[below - 1] if below else None
        last = below == len(ats) or (ats[below] >= line[0] and ats[-1] < line[1])
        if ((sure or (plain and (lists or not item) and name not in known))
                and not (above and not text[above[1]:start].strip())
                and (sure or last or (not words and (recap["whose"] or recap["of"])))):
            found.append(line)
    return found


def after_sentence(text: str, start: int) -> bool:
    """Whether the text before ``start``, blanks aside, ends a sentence (or a
    bracket)."""
    at = start
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return at > 0 and text[at - 1] in SENTENCE_END


def _recap_labels(text: str, labels: list[re.Match]) -> list[tuple]:
    """(start, end, name, plain, item, its :data:`~.speakers.RECAP` match) of every
    label named like a recap (``plain`` when written ``Name:`` without a time): of
    ``labels``, of list or quote items (``item``: ``- Facilitator Notes: ...``, from the
    line's start), of a recap's name alone on its line (``Facilitator Notes``) and
    before a tab and words (``Facilitator Notes<tab>...``)."""
    listed = MARKER.sub(lambda m: " " * len(m[0]), text)
    items = [TURN.match(listed, m.start()) for m in MARKER.finditer(text)]
    found = []
    for m, item in [*((m, False) for m in labels), *((m, True) for m in items if m)]:
        name = (m["colon"] or m["bracket"] or m["hash"]).strip()
        recap = RECAP.match(" ".join(name.split()))
        if recap:
            plain = bool(m["colon"]) and not (m["before"] or m["inside"] or m["outside"])
            found.append((m.start(), m.end(), name, plain, item, recap))
    found += [(m.start(), m.end(), m["name"], False, False,
               RECAP.match(" ".join(m["name"].split())))
              for pattern in (RECAP_LINE, RECAP_DASH) for m in pattern.finditer(listed)]
    # a name, a tab and the words (`Facilitator Notes<tab>...`): the label up to the words
    found += [(m.start(), m.start("words"), m["label"], False, False, recap)
              for m in TAB_TURN.finditer(text)
              for recap in [RECAP.match(" ".join(m["label"].split()))] if recap]
    return found
