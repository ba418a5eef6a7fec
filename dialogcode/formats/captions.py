"""WebVTT (Zoom ``Name: text`` cues, Teams ``<v Name>text</v>`` cues) and SRT.

Cue numbers and timestamps become block attributes (``time_start``/``time_end`` in
seconds), not text; consecutive cues of one speaker become one turn. A small parser of
our own rather than a caption library, because a broken timestamp must be reported
with its line number.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from ..errors import IngestError, Problem
from . import speakers
from .base import ParsedDocument, TextBuilder
from .clock import backwards
from .columns import time_problem
from .speakers import Note
from .tables import speakerless_notes

# seconds of one digit too: Teams writes `0:1:2.0` in a Word transcript
STAMP = r"(?:(\d{1,6}):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
TIMING = re.compile(rf"^\s*{STAMP}\s*-->\s*{STAMP}(?:\s+.*)?$")
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")         # a voice span opens
DASHED = re.compile(r"^[ \t]*[-\u2013\u2014][ \t]*(?=[^\s\d])", re.MULTILINE)  # "- " opening a line, not "-5"
# ">> " a new speaker, opening a line, or inside one between spaces after the end of a
# sentence (`Hi. >> Hello.`) or before a label (`and jobs >> BEN:`): `5 >> 3` is text
CHEVRON = re.compile(r"^[ \t]*(?:>|&gt;){2,3}[ \t]*"
                     r"|(?<=[.?!…\"'”’)\]-])[ \t]+(?:>|&gt;){2,3}(?:[ \t]+|$)"
                     r"|(?<=\S)[ \t]+(?:>|&gt;){2,3}[ \t]+(?=[^\W\d][\w .'-]{0,30}:)",
                     re.MULTILINE)
TAG = re.compile(r"</?[^>\n]+>")
OVERRIDE = re.compile(r"\{\\[^{}\n]*\}")    # an SSA/ASS tag subtitle editors write: {\an8}
TIMING_LIKE = re.compile(r"^\s*\d[\d:.,]*\s*-->")   # a line meant as a timing line
NUMBER = re.compile(r"^\s*\d+\s*$")                 # a cue number
INLINE_TIME = re.compile(rf"<{STAMP}>")       # a time inside a cue's text
# `Name: text` (Zoom), or `[Name]: text` (WhisperX; a sound in brackets has no colon)
ZOOM = re.compile(r"^(?:\[(?P<bracket>[^\W\d_][^\]\n]{0,39})\]:\s+"
                  r"|(?P<name>[^\W\d_][^:\uff1a\n]{0,39})(?::\s+|\uff1a\s*))(?P<said>.*)$",
                  re.DOTALL)
SOUND = re.compile(r"[\[(][^\[\]()]*[\])]")      # [music], (laughs): nobody's words
# a word that opens talk (`Okay` / `let's start`, a two-line subtitle), maybe ending a
# sentence (`Right.`), or a filler (`Uh-huh`): a cue's first line of such words only
# (`Oh okay`) is no name above the words
SAID_WORD = re.compile(
    r"(?:ok(?:ay)?|alright|right|well|so|yes|yeah|yep|no|nope|now|oh|ah|um|uh|hm+|hi|"
    r"hey|hello|thanks?|sure|good|great|fine|and|but|or|then|look|listen|wait|sorry|please|"
    r"actually|exactly|really|anyway|also|true|here|there|what|why|how|wow|mm+|m+-?hm+|"
    r"mhm+|uh-?huh|uh-?oh|huh|ha(?:ha)+)[.,!?]?", re.IGNORECASE)
# a pronoun, in any case: no name holds one (`Thank You`, `Me Too`), but for `My` first,
# a Vietnamese given name (`My Nguyen`); and `I` ending a
# line (`And I`, `So I`), where no initial stands (`Ana I. Ruiz`, Balinese `I Wayan`)
PRONOUN = re.compile(r"(?:me|my|you|your|we|us|our|they|them|their|it|its|he|him|his|"
                     r"she|her)[.,!?]?", re.IGNORECASE)
LAST_I = re.compile(r"I[,!?]?")
# short words in lower case inside a name (:func:`~.speakers.name_like`): surnames'
# particles (`Ana de la Cruz`, `Jan op den Akker`, `Hans zu Putlitz`), the words of
# descent (`Moshe ben David`, `Hilma af Klint`) and the words joining
# two surnames (`Ana Ruiz y Soto`, `Joan Miró i Ferrà`)
JOINS = frozenset((*speakers.PARTICLES, "op", "zu", "zum", "zur", "vom", "dei", "ben", "bat",
                   "af", "av", "y", "e", "i"))


def caption_shaped(text: str) -> bool:
    """Whether plain text (a .txt file, a Word file's paragraphs) is captions: it opens
    with ``WEBVTT``, a timing line, or a cue number above one (SRT or WebVTT saved as
    text; a Teams Word transcript, whose cues are a timing line, a name, the words)."""
    lines = text.lstrip("\ufeff\n").split("\n", 2)
    return (lines[0].startswith("WEBVTT") or bool(TIMING_LIKE.match(lines[0]))
            or (len(lines) > 1 and bool(NUMBER.match(lines[0]))
                and bool(TIMING_LIKE.match(lines[1]))))


def timing_note(text: str) -> list[Note]:
    """A note for plain text read as turns or field notes that holds caption timing
    lines, two or more: captions below a title, which :func:`caption_shaped` does not
    take."""
    found = [(number, line) for number, line in enumerate(text.split("\n"), start=1)
             if TIMING.match(line)]
    if len(found) < 2:
        return []
    return [Note(found[0][0], (
        f"{len(found)} caption timing lines (`{found[0][1].strip()}`) read as words: "
        "captions saved as text are read as captions when the file opens with its first "
        "cue (or WEBVTT): remove the lines above the first cue"))]


def _named_by_line(cues: list[tuple[int, float, float, str]], forced: frozenset[str]
                   ) -> tuple[list[tuple[int, float, float, str]], list[Note]]:
    """``cues`` with the first line of each made a voice (``<v Ruiz, Ana>``) when every
    cue's first line is a speaker's name above its words, as in a Teams Word transcript:
    each written like a name, maybe with a note in brackets (``Kim Lee (Guest)``), or
    listed under ``speakers:``, without a colon, nor reading as talk (:func:`_said`),
    and some name used in more than one cue. Otherwise ``cues`` as they are: subtitles
    of two lines keep both as words. And a note when most cues but not all have such a
    line, a name among them recurring: at the first without one."""
    firsts = [payload.split("\n", 1) for *_, payload in cues]

    def name(first: str) -> bool:
        first = first.strip()
        return first in forced or (":" not in first and not _said(first)
                                   and speakers.plausible(first) and (
            speakers.name_like(speakers.NOTE_AFTER.sub("", first))
            or speakers.surname_first(first)))

    names = [first.strip() for first, *_ in firsts]
    named = [len(f) == 2 and bool(f[1].strip()) and name(f[0]) for f in firsts]
    recurring = Counter(n for n, ok in zip(names, named) if ok)
    if len(cues) < 2 or not (forced & set(names) or any(u > 1 for u in recurring.values())):
        return cues, []
    if not all(named):
        if sum(named) * 2 <= len(cues):
            return cues, []
        return cues, [Note(cues[named.index(False)][0], (
            f"{sum(named)} of {len(cues)} cues open with a speaker's name on a line of its "
            f"own (`{recurring.most_common(1)[0][0]}`), as a Teams transcript writes them, "
            "but this one does not: every cue's name is read as its words, in a turn "
            "without a speaker; give each cue its speaker's name line"))]
    return [(line, start, end, f"<v {who}>\n{rest}")
            for (line, start, end, _), who, (_, rest) in zip(cues, names, firsts)], []


def _said(first: str) -> bool:
    """Whether a cue's first line reads as talk, not as a name: words that open talk
    only (:data:`SAID_WORD`: ``Okay``, ``Right.``, ``Uh-huh``, ``Oh okay``), a pronoun
    (:data:`PRONOUN`: ``Thank You``, ``And I``, ``So I``; a capitalised ``My`` is a
    name's, ``My Nguyen``, ``Nguyen Thi My``), or after
    the first word one in lower case that joins no name (:data:`JOINS`: ``Thank you``,
    ``Oh no``, ``Oh god``; not ``Ana de la Cruz``, ``Hans zu Putlitz``, ``Ana Ruiz y
    Soto``). A note in brackets after a name is no
    word of it (``Kim Lee (guest)``)."""
    words = speakers.NOTE_AFTER.sub("", first).split()
    return (all(SAID_WORD.fullmatch(word) for word in words)
            or any(PRONOUN.fullmatch(word) for word in words if word != "My")
            or any(LAST_I.fullmatch(word) for word in words[-1:])
            or any(word.islower() and word not in JOINS for word in words[1:]))


def _seconds(h, m, s, ms) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _cues(text: str, source: str, vtt: bool):
    """(notes, [(line, start, end, payload)]) of the cues; raise on broken timing lines.

    Cues are separated by blank lines or, where a file has none, each starts at its
    timing line (in a numbered file, with the cue number just above it)."""
    lines = text.split("\n")
    problems: list[Problem] = []
    notes: list[str] = []
    i = 0
    if vtt:
        while i < len(lines) - 1 and not lines[i].strip():
            i += 1      # blank lines above it (captions saved as text, pasted)
        if not lines[i].lstrip("\ufeff").startswith("WEBVTT"):
            raise IngestError("not a WebVTT file: the first line must start with WEBVTT",
                              file=source, line=i + 1)
        i += 1
        while i < len(lines) and lines[i].strip() and not TIMING_LIKE.match(lines[i]):
            i += 1      # header lines
    cues = []
    after_cue = None        # where the last block of cues ended
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        gap = lines[after_cue:block_start] if after_cue is not None else [""]
        if (all(gap) and "-->" not in "".join(block[:2])
                and not block[0].strip().startswith(("NOTE", "STYLE", "REGION"))):
            # only lines of spaces since the last cue: more of its text (YouTube writes
            # a line of a space in a cue), not a cue without a timing line
            line, start, end, payload = cues[-1]
            cues[-1] = (line, start, end, "\n".join([payload, *gap, *block]))
            after_cue = i
            continue
        first = block[0].strip()
        if vtt and (first.startswith("NOTE") or first in ("STYLE", "REGION")):
            if first.startswith("NOTE"):
                notes.append("\n".join([first[4:].strip(), *block[1:]]).strip())
            continue
        timing_at = next((k for k, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            problems.append(Problem("cue has no timing line (`00:00:01.000 --> "
                                    "00:00:04.000`)", source, block_start + 1))
            continue
        for at, stop in _timings(block, timing_at):
            cue = _cue(block[at], block_start + at + 1, source, problems)
            if cue:
                cues.append((*cue, "\n".join(block[at + 1:stop])))
                after_cue = i
    if problems:
        raise IngestError(problems)
    if not cues:
        raise IngestError("no cues found", file=source)
    return notes, cues


def _timings(block: list[str], first: int) -> list[tuple[int, int]]:
    """(index of the timing line, index where its text ends) of each cue in a block
    without blank lines, the first cue's timing line at ``first``. When the first cue
    is numbered, so are the others: the number above each timing line is not text."""
    starts = [first] + [k for k in range(first + 1, len(block)) if TIMING_LIKE.match(block[k])]
    numbered = first > 0 and NUMBER.match(block[first - 1])
    ends = [k - 1 if numbered and k - 1 > at and NUMBER.match(block[k - 1]) else k
            for at, k in pairwise(starts)]
    return list(zip(starts, ends + [len(block)]))


def _cue(timing: str, line: int, source: str, problems: list[Problem]
         ) -> tuple[int, float, float] | None:
    """(line, start, end) of a timing line, or None with its problem added."""
    match = TIMING.match(timing)
    if not match:
        problems.append(Problem(f"broken timestamp: {_shown(timing)}", source, line))
        return None
    start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
    why = ("minutes and seconds run from 00 to 59"
           if any(int(match[k]) >= 60 for k in (2, 3, 6, 7)) else time_problem(end))
    if why:
        problems.append(Problem(f"cue time {_shown(timing)}: {why}", source, line))
        return None
    if end < start:
        problems.append(Problem(f"cue ends before it starts: {_shown(timing)}", source, line))
        return None
    return line, start, end


def _shown(line: str) -> str:
    line = line.strip()
    return repr(line if len(line) <= 80 else line[:80] + "...")


def _parts(payload: str) -> list[tuple[int, str | None, str, bool]]:
    """(line within the cue, speaker or None, text, whether ``>>`` opens it) of each
    speaker's part of a cue.

    A cue may hold more than one speaker: one ``<v Name>`` span after another,
    subtitle-style lines that each open with a dash (``- ANA: Good.``), or the ``>>``
    broadcast captions write where the speaker changes, opening a line or inside one
    (``>> ANA: Good.``, one such line too). Each becomes its own part, without its mark, so no
    words are dropped and none are credited to the speaker before them; text outside
    any voice span is a part without a speaker, text before the first marked line is a
    part of its own, and a marked line inside a ``<v>`` span still open is that voice's.
    SSA/ASS override tags (``{\\an8}``, ``{\\i1}``) are not text."""
    payload = OVERRIDE.sub("", payload)
    marks = {m.start(): m.end() for m in CHEVRON.finditer(payload)}  # part start -> text start
    chevrons = set(marks)
    if len(dashes := [(m.start(), m.end()) for m in DASHED.finditer(payload)]) > 1:
        marks.update(dashes)
    starts = sorted(marks)
    if not starts or starts[0] > 0:
        starts.insert(0, 0)
    parts, voice = [], None     # voice: the speaker of a <v> span not closed yet
    for begin, stop in pairwise([*starts, len(payload)]):
        unit = payload[marks.get(begin, begin):stop]
        line = payload.count("\n", 0, begin)
        voices = list(VOICE.finditer(unit))
        cuts = [0, *(m.start() for m in voices), len(unit)]
        for k, (a, b) in enumerate(pairwise(cuts)):
            piece = unit[a:b]
            speaker = voice
            if k > 0:
                speaker = voices[k - 1][1].strip()
                piece = piece[len(voices[k - 1][0]):]
            if speaker is not None:
                piece, closed, after = piece.partition("</v>")
                voice = None if closed else speaker
                if after.strip():
                    parts.append((line + unit.count("\n", 0, a), speaker, TAG.sub("", piece),
                                  False))
                    speaker, piece = None, after
            parts.append((line + unit.count("\n", 0, a), speaker, TAG.sub("", piece),
                          k == 0 and begin in chevrons))
    return [part for part in parts if part[2].strip()]


def _unrolled(cues: list[tuple[int, float, float, str]]
              ) -> tuple[list[tuple[int, float, float, str]], int]:
    """``cues`` without the lines rolled up from the cue before, and how many were
    dropped, when the cues carry a time in their text (``so<00:00:00.480><c> today</c>``:
    YouTube's automatic captions, which repeat each line in the next cue or two).
    Otherwise ``cues`` as they are: a line said twice running is kept."""
    if not any(INLINE_TIME.search(payload) for *_, payload in cues):
        return cues, 0
    kept, before, dropped = [], [], 0
    for line, start, end, payload in cues:
        rows = payload.split("\n")
        said = [(k, " ".join(TAG.sub("", row).split())) for k, row in enumerate(rows)]
        said = [(k, words) for k, words in said if words]
        # the longest run of this cue's first lines that the last cue ended with
        repeated = max((n for n in range(1, min(len(said), len(before)) + 1)
                        if [w for _, w in said[:n]] == before[-n:]), default=0)
        drop = {k for k, _ in said[:repeated]}
        dropped += repeated
        before = [w for _, w in said]
        kept.append((line, start, end, "\n".join("" if k in drop else row   # lines stay
                                                   for k, row in enumerate(rows))))
    return kept, dropped


def parse_captions(text: str, source: str, *, vtt: bool,
                   forced: frozenset[str] = frozenset(),
                   shown: Callable[[int], int] | None = None) -> ParsedDocument:
    """Turns from caption cues. A ``Name:`` prefix names the cue's speaker when most cues
    name one (as Zoom writes on every cue), else by the rules of
    :mod:`~dialogcode.formats.speakers`; ``forced`` labels always do. Rolled-up lines
    of automatic captions are read once (:func:`_unrolled`). A cue (or part of one)
    naming no speaker is a turn without one, never joined to the turn before: its
    words may be anyone's. Among named cues such cues are noted, sounds
    (``[music]``) aside. A cue starting before the one above it is noted
    (:func:`~.clock.backwards`). ``shown``: the line a note names in its words for a
    line of ``text`` (:func:`~dialogcode.normalize.read_lines`)."""
    notes, cues = _cues(text, source, vtt)
    cues, rolled = _unrolled(cues)
    cues, unnamed_lines = _named_by_line(cues, forced)
    pieces = []
    for line, start, end, payload in cues:
        for at, speaker, body, marked in _parts(payload):   # the first part: at its timing line
            pieces.append([line + at + (at > 0), start, end, speaker,
                           html.unescape(" ".join(body.split())), line + 1 + at, line, marked])
    candidates = [(k, m) for k, p in enumerate(pieces) if p[3] is None
                  for m in [ZOOM.match(p[4])] if m]
    # a label after `>>` names whoever speaks from there, used once or not
    forced |= {_name(m) for k, m in candidates
               if pieces[k][7] and speakers.plausible(_name(m))}
    labels = [speakers.Label(_name(m), f"[{_name(m)}]:" if m["bracket"] else f"{_name(m)}:",
                             pieces[k][5]) for k, m in candidates]
    named = sum(p[3] is not None for p in pieces) + sum(
        label.name in forced or speakers.plausible(label.name) for label in labels)
    chosen = speakers.decide(labels, dense=named * 2 > len(pieces), forced=forced,
                             names_only=False)
    for (k, m), keep in zip(candidates, chosen):
        if keep:
            pieces[k][3], pieces[k][4] = _name(m), m["said"]
    builder = TextBuilder(preamble="\n\n".join(notes))
    for line, start, end, speaker, body, *_ in pieces:
        builder.add(speaker, body, time_start=start, time_end=end, line=line)
    parsed = builder.build()
    said = [p for p in pieces if p[4] and not SOUND.fullmatch(p[4])]   # words, by cue
    unnamed = {p[6]: p[0] for p in reversed(said) if p[3] is None}  # cue -> its first such
    parsed.notes = sorted(speakers.notes(labels, chosen, forced=forced) + speakerless_notes(
        sorted(unnamed.values()), len({p[6] for p in said}), "cues", where="the file",
        row="cue", shown=shown) + _backwards(text, cues, shown) + unnamed_lines,
        key=lambda note: note.line)
    if rolled:
        parsed.notes.insert(0, Note(cues[0][0], (
            f"{rolled} caption lines repeated from the cue before (rolled up, as automatic "
            "captions with times in their text are written) read once")))
    return parsed


def _name(label: re.Match) -> str:
    """The speaker a cue's label (:data:`ZOOM`) names."""
    return (label["bracket"] or label["name"]).strip()


def _backwards(text: str, cues: list[tuple[int, float, float, str]],
               shown: Callable[[int], int] | None) -> list[Note]:
    """A note for each cue starting before the cue above it, its start as written."""
    lines = text.split("\n")
    return backwards(
        [(line, lines[line - 1].split("-->")[0].strip()) for line, *_ in cues],
        [start for _, start, *_ in cues], offsets=True, shown=shown)
