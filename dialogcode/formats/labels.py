"""How a speaker's label is written in a plain-text transcript (``P3: ...``, ``[P3]``,
``#P3:``, ``**P3:**`` (or ``**P3** 00:01`` alone above the words), with a time before or
in it, after a list or quote marker, or ``P3<tab>...``), and a turn found by one."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import speakers

CLOCK = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"     # 0:49, 00:03:15, 1:02:03.5
STAMP = rf"{CLOCK}(?:[ \t]*[AaPp]\.?[Mm]\.?(?!\w))?"     # a turn's time: 2:15 PM, 9:30 a.m.
BOLD = r"(?P<bold>\*\*|__)"     # Markdown bold around a label: **P3:** or **P3**:
# characters nobody sees, which text copied from a web page or chat carries: zero-width
# spaces and joiners, left-to-right and right-to-left marks, a byte-order mark
INVISIBLE = "\u00ad\u200b-\u200f\u2060\ufeff"
# what ends a label: a colon, or the full-width colon a CJK or mobile keyboard types
# (`P2：`), which holds its own space, so no space need follow it
COLON = ":\uff1a"
TURN = re.compile(     # a label, maybe indented, maybe with a time before it or in it
    rf"^[ \t{INVISIBLE}]*(?:[\[(]?(?P<before>{STAMP})[\])]?[ \t]+)?"
    # `[P3]`, maybe with a colon (`[SPEAKER_00]: ...`, as WhisperX writes it)
    rf"(?:\[(?P<bracket>[^\]\n]{{1,40}})\](?:[{COLON}](?=\s|$))?"
    rf"(?:[ \t]*(?P<after>{STAMP})[ \t]*$)?[ \t]*"
    rf"|#(?P<hash>[^\s#{COLON}][^{COLON}\n]{{0,39}})[{COLON}][ \t]*"
    rf"|{BOLD}?(?P<colon>[^\W\d_][^{COLON}\n]{{0,39}}?)"
    rf"(?:[ \t]*[\[(](?P<inside>{STAMP})[\])])?"
    # bold closed round the label; then spaces (no-break ones too) or characters nobody
    # sees, or the line's end (or nothing after a full-width colon, as CJK typing has it)
    # (or a time after the bold: `**Ana Ruiz** (00:01):`, as notes apps write it; with
    # a time after or before the bold, its colon may be left out when the label is alone
    # on its line above the words: `**Ana Ruiz** 00:01`, `[00:01] **Ana Ruiz**`)
    rf"[{INVISIBLE}]*(?(bold)(?:[{COLON}](?P=bold)"
    rf"|(?P=bold)(?:[ \t]*[\[(]?(?P<outside>{STAMP})[\])]?)?"
    rf"(?:[{COLON}]|(?P<nocolon>(?(outside)|(?(before)|(?!)))(?=[ \t]*$))))|[{COLON}])"
    rf"(?:(?:[^\S\n]|[{INVISIBLE}])+|$|(?<=\uff1a)))",
    re.MULTILINE,
)
# a name in bold and a time with words after them on its line (`**Ana Ruiz** 00:14 The
# funding ran out.`, `[00:14] **Ana Ruiz** The funding ...`), which :data:`TURN` leaves
# out (:func:`words_after`)
BOLD_WORDS = re.compile(
    rf"^[ \t{INVISIBLE}]*(?:[\[(]?(?P<before>{STAMP})[\])]?[ \t]+)?{BOLD}"
    rf"(?P<name>[^\W\d_][^*{COLON}\n]{{0,39}}?)(?P=bold)"
    rf"(?:[ \t]*[\[(]?(?P<outside>{STAMP})[\])]?|(?(before)|(?!)))[ \t]+(?=[^\s{COLON}])",
    re.MULTILINE)
# a line of two fields, a label at the line start, tabs, then words without a tab (but
# tabs after them: an empty last column)
TAB_TURN = re.compile(
    r"^(?P<label>[^\s][^\t\n]{0,39}?)[ ]*\t+(?P<words>[^\t\n]*[^\s])[ \t]*$", re.MULTILINE)
# a Markdown list or quote marker opening a line: `- `, `* `, `1. `, `> `, `> - `
MARKER = re.compile(r"^[ \t]*(?:(?:>[ \t]*)+(?:(?:[-*+]|\d{1,3}[.)])[ \t]+)?"
                    r"|(?:[-*+]|\d{1,3}[.)])[ \t]+)", re.MULTILINE)


@dataclass(frozen=True)
class Turn:
    start: int      # offset of the speaker's line
    body: int       # offset of the text after the label
    speaker: str
    stamp: str | None = None    # its time as written: ``[00:01:05] P1:``, ``P1 (2:15 PM):``
    lead: int | None = None     # offset of a line of its time alone just above the label
    time: float | None = None   # seconds into the recording (:func:`~.plaintext.read_times`)
    # a piece after a time written in a turn (:mod:`~.timemarks`): the label of that turn
    within: int | None = None
    ends: bool = False          # such a time with no words after it: their end, no start


def count_recurring(names: list[str], forced: frozenset[str]) -> tuple[int, int]:
    """How many of the labels ``names`` (every use) that could be speakers, a header's
    fields aside, are of recurring speakers (roles, listed, or used twice or more), and
    how many could be speakers."""
    counts = Counter(name for name in names if name in forced or speakers.plausible(name))
    kept = [name for name in names if name in forced or (
        speakers.plausible(name) and not speakers.header_field(name, counts[name]))]
    return sum(counts[name] >= 2 or name in forced or bool(speakers.ROLE.match(name))
               for name in kept), len(kept)


def full_name(label: str, forced: frozenset[str]) -> bool:
    """Whether ``label``, after a time (``[00:00:05] Ana Ruiz``), is a speaker's as
    services writing the time first write one: a role, a name of two words or more, or
    one of ``forced``."""
    return bool(speakers.ROLE.match(label)) or len(label.split()) > 1 or label in forced


def without_colon(matches: list[re.Match], names: list[str], forced: frozenset[str]
                  ) -> tuple[list[bool], set[int]]:
    """Which of the labels ``matches`` (named ``names``, every use) may be speakers for
    the way they are written: all but the bold names with a time and no colon, alone on
    their line (``**Ana Ruiz** 00:01``, ``[00:01] **Ana Ruiz**``), which a heading of
    notes may look like (``**Arrival** 09:15``). Those are when some of them recur
    (used so twice or more), are roles or are ``forced``, and then each that does or is
    written like a name; the time first, only when each such label is a role, a name of
    two words or more, or ``forced`` (a word alone, ``[09:15] **Budget**`` twice, is an
    agenda's heading), as :func:`~.otter.find_headers` reads ``[00:00:05] Ana Ruiz``.
    And the indices of those not kept when none of them recurs: headings of notes, worth
    no note that they may be speakers."""
    bare = [name for m, name in zip(matches, names) if m["nocolon"] is not None]
    counts = Counter(bare)
    usual = {name for name in counts
             if counts[name] >= 2 or name in forced or speakers.ROLE.match(name)}
    first = all(full_name(name, forced) for m, name in zip(matches, names)
                if m["nocolon"] is not None and m["outside"] is None)
    kept = [m["nocolon"] is None or (bool(usual) and (
            name in usual or speakers.name_like(name)) and (m["outside"] is not None or first))
            for m, name in zip(matches, names)]
    recur = any(uses >= 2 for uses in counts.values())
    return kept, {k for k, keep in enumerate(kept) if not keep and not recur}


def above_words(text: str, matches: list[re.Match], chosen: list[bool]) -> list[bool]:
    """``chosen`` (which labels of ``matches`` are speakers) but for the labels without a
    colon (``**Ana Ruiz** 00:01``, :func:`without_colon`) with no words between them and
    the next chosen label, the next such line (chosen or not) or the text's end: lines of
    a list, such as an agenda read out in a turn (``**Budget** 10:30`` above
    ``**Housing** 11:00`` above ``Maria: ...``), which are words of the turn they are
    in."""
    starts = [m.start() for m, keep in zip(matches, chosen)
              if keep or m["nocolon"] is not None] + [len(text)]
    return [keep and (m["nocolon"] is None or bool(
                text[m.end():next(at for at in starts if at > m.start())].strip()))
            for m, keep in zip(matches, chosen)]


def words_after(text: str, matches: list[re.Match], names: list[str], chosen: list[bool],
                forced: frozenset[str]) -> list[tuple[re.Match, str, bool]]:
    """Where labels of ``matches`` (named ``names``) written without a colon, alone on
    their line, are speakers (``chosen``: ``**Ana Ruiz** 00:01``, :func:`without_colon`),
    the lines of a name in bold and a time with words after them (:data:`BOLD_WORDS`),
    each with its name and whether it is that speaker's turn, its words from after the
    time: when it names one of those speakers or one of ``forced``. Else it is words of
    the turn it is in, to be noted; and where no such label is a speaker, a name and a
    time opening a line of notes (``**Ana Ruiz** 00:01 said we start.``)."""
    taken = {name for m, name, keep in zip(matches, names, chosen)
             if keep and m["nocolon"] is not None}
    if not taken:
        return []
    # a label over the name is that label's (`[00:01] **Ana Ruiz** 00:14: ...`), where
    # one of a time in brackets alone (`[00:14]`) is not
    ends = {m.start(): m.end() for m in matches}
    return [(m, name, name in taken or name in forced) for m in BOLD_WORDS.finditer(text)
            for name in [m["name"].strip()]
            if ends.get(m.start(), 0) < m.end("name") and speakers.plausible(name)]
