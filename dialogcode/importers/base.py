"""What every importer reader shares: the codings it found, before code names are
mapped, and a lookup of the study's documents and segments."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import Problem
from ..formats import LAYOUTS as TEXT_LAYOUTS
from ..ingest import Corpus, shown_lines
from ..segment import SEGMENT_KINDS, other_unit, turn_lines
from ..spans import covered_segments, interjections

if TYPE_CHECKING:
    from ..privacy.gate import Masker

EXCERPT = 40     # characters of transcript text an error message may show
# a cell that is a number written some way (12, -3, 12.0, 1,5, 1e2): no transcript text
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
# a cell that has the form of a document's name (a doc_id or path: no spaces, no
# punctuation but . - _ / \) or of a segment's (a document, a colon, a letter and number)
_DOC_NAME = re.compile(r"[\w.\-/\\]{1,80}")
# a code name as a coder's tool writes it: a few words, no sentence's end or clause break
_CODE_NAME_WORDS = 6
_SENTENCE_MARK = re.compile(r"[.!?;\u2026](?:\s|$)|[\n\r\t\"\u201c\u201d]")
_SEG_ID = re.compile(rf"(.+):[{''.join(SEGMENT_KINDS)}]\d+")
# formats whose document text is the transcript file as written, line for line but for a
# line separator, vertical tab, NEL or form feed read as a line break
# (:meth:`Documents.shown_lines`); a Word file's text is rebuilt from its paragraphs
# (empty ones and leading blank lines dropped, a line break inside a paragraph kept), so
# its paragraphs are not dialogcode's lines
AS_WRITTEN = ("txt", "md", *TEXT_LAYOUTS)


@dataclass(frozen=True)
class Found:
    """One coding as read from the coder's file: a span (start/end) or a segment."""

    doc_id: str
    code: str                   # the name the coder used, not yet a code id; "" = read
    file: str
    line: int | None
    start: int | None = None
    end: int | None = None
    seg_id: str | None = None   # set for segment-level codings


@dataclass
class Reading:
    """What a reader got out of one file.

    ``problems`` fail the import; ``unlocated`` (ambiguous or unfound quotes) fail it
    unless skipped; ``fuzzy`` lists fuzzy matches for review; ``ignored`` lists parts of
    the file that hold nothing this toolkit can import; ``blind`` counts the rows of a
    segment table without a ``text`` cell, whose turn nothing confirms; ``notes`` says
    how the file was read where it could be read two ways; ``parents`` gives the name
    of the code each code name sits under in the file, where it says.
    """

    kind: str
    found: list[Found] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unlocated: list[Problem] = field(default_factory=list)
    fuzzy: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)   # code name -> its parent's
    located: Counter = field(default_factory=Counter)
    blind: int = 0


def split_codes(cell: str) -> list[str]:
    """Code names from one cell: ``a; b`` gives ``[a, b]`` (blanks dropped)."""
    return [name.strip() for name in str(cell).split(";") if name.strip()]


def shorten(text: str, width: int = 60) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def first_difference(copy: str, document: str, doc_id: str, docs: Documents,
                     shown: Callable[[int], tuple[int, int]] | None = None
                     ) -> tuple[int, str]:
    """(line, description) of the first line where ``copy`` differs from ``document``,
    with excerpts as ``docs`` shows them (:meth:`Documents.excerpt`); ``shown``: the
    (line, column) of its file an offset of ``copy`` is at, where they differ (a copy
    read from a file with its markup taken out, or its lines read as ingest reads them,
    :func:`~dialogcode.normalize.read_lines`)."""
    ours, theirs = copy.split("\n"), document.split("\n")
    start = 0       # of line `number` in `copy`
    for number, (a, b) in enumerate(zip(ours, theirs), start=1):
        if a != b:
            column = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                          min(len(a), len(b)))
            left = max(0, column - 20)
            here, there = (docs.excerpt(a, doc_id, left, column + 40),
                           docs.excerpt(b, doc_id, left, column + 40))
            line, at = shown(start + column) if shown else (number, column + 1)
            return line, (f"the text differs from document {doc_id} at line {line}, "
                          f"column {at}"
                          + (f": here{here}, in the document{there}" if here or there
                             else ""))
        start += len(a) + 1
    number = min(len(ours), len(theirs))
    line = shown(start - len(ours[number - 1]) - 1)[0] if shown else number
    if len(ours) < len(theirs):
        return line, (f"the text ends at line {line}; document {doc_id} goes on"
                      f"{docs.excerpt(theirs[number], doc_id)}")
    return line, (f"document {doc_id} ends at line {line}; the text goes on"
                  f"{docs.excerpt(ours[number], doc_id)}")


class Documents:
    """The study's documents by id, source path and hash, with their segments."""

    def __init__(self, corpus: Corpus, mask: Masker | None = None):
        self.mask = mask
        docs = corpus.documents
        self.text: dict[str, str] = dict(zip(docs["doc_id"], docs["text"]))
        self.sha: dict[str, str] = dict(zip(docs["doc_id"], docs["sha256"]))
        self.by_sha: dict[str, str] = {sha: doc for doc, sha in self.sha.items()}
        self.paths: dict[str, str] = dict(zip(docs["doc_id"], docs["source_path"]))
        self.formats: dict[str, str] = dict(zip(docs["doc_id"], docs["format"]))
        segments = corpus.segments.sort_values(["doc_id", "start"])
        self.seg_doc: dict[str, str] = dict(zip(segments["seg_id"], segments["doc_id"]))
        self.ordinal: dict[str, int] = dict(zip(segments["seg_id"],
                                                 segments["ordinal"].astype(int)))
        # each segment's speaker and the transcript's line its turn is on, which may
        # tell which of a quote's places a row means (:mod:`.quote_places`)
        self.speaker: dict[str, str] = dict(zip(segments["seg_id"],
                                                 segments["speaker"].fillna("")))
        lines = segments["line"] if "line" in segments else [None] * len(segments)
        self.line: dict[str, int | None] = {
            seg: None if pd.isna(line) else int(line)
            for seg, line in zip(segments["seg_id"], lines)}
        self.study = corpus.study
        self._shown: dict[str, tuple[str | None, str]] = {}
        # (doc_id, n) -> the segments of turn n (one, or its sentences), as numbered at
        # ingest; None for segments written before ingest numbered turns
        self.turns: dict[tuple[str, int], list[str]] | None = None
        self.sections: set[str] = set()      # documents with sections of several turns
        self.turn_count: Counter = Counter()    # doc_id -> its turns
        # doc_id -> (n, why): from turn n on, dialogcode's count of turns may not be a
        # person's (why: what it counts that a person may not)
        self.first_quiet: dict[str, tuple[int, str]] = {}
        self.spoken: dict[tuple[str, int], list[str]] = {}
        quiet = segments[~segments["codable"].astype(bool)]
        self.quiet: dict[str, str] = dict(zip(quiet["seg_id"], quiet["kind"]))  # -> kind
        if "turn" in segments:
            self._number_turns(segments)
        self._spans: dict[str, list[tuple[int, int, str]]] = {}
        for doc, start, end, seg in zip(segments["doc_id"], segments["start"],
                                        segments["end"], segments["seg_id"]):
            self._spans.setdefault(doc, []).append((int(start), int(end), seg))
        self._starts = {doc: [s for s, _, _ in spans] for doc, spans in self._spans.items()}
        self._cut = interjections(segments)
        # the text between each segment and the next (a speaker label, blank lines),
        # which a quote running from one turn into the next may leave out
        self.between: dict[str, tuple[tuple[int, int], ...]] = {
            doc: tuple((a[1], b[0]) for a, b in zip(spans, spans[1:]) if b[0] > a[1])
            for doc, spans in self._spans.items()}
        self._bounds = {seg: (doc, start, end) for doc, spans in self._spans.items()
                        for start, end, seg in spans}
        self._ids = segments[["seg_id", "doc_id"]]
        self._units: dict[tuple[str, str, bool], str] = {}

    def shown_lines(self, doc_id: str) -> str | None:
        """Document ``doc_id``'s text with LF only where an editor shows its transcript
        file's lines end (the offsets of :attr:`text`), so that a line a person names
        in a plain-text transcript (:data:`AS_WRITTEN`) can be counted in it; None when
        it is not a plain-text transcript or its lines cannot be counted
        (:meth:`unshown` says why). Read once, when first asked for."""
        return self._shown_or_why(doc_id)[0]

    def unshown(self, doc_id: str) -> str:
        """Why a plain-text transcript's lines cannot be counted in document ``doc_id``
        (:meth:`shown_lines` is None), for a message: its study is not known, its file
        or the manifest cannot be read, it changed since ingest, or its text is rebuilt
        from it (:func:`~dialogcode.ingest.shown_lines`); "" when they can, or it is no
        plain-text transcript."""
        return self._shown_or_why(doc_id)[1]

    def _shown_or_why(self, doc_id: str) -> tuple[str | None, str]:
        if doc_id not in self._shown:
            self._shown[doc_id] = (None, "") if self.formats[doc_id] not in AS_WRITTEN \
                else (None, "its transcript file is not known") if self.study is None \
                else shown_lines(self.study, self.paths[doc_id], self.text[doc_id])
        return self._shown[doc_id]

    def _number_turns(self, segments) -> None:
        """Fill :attr:`turns`, :attr:`sections`, :attr:`first_quiet` and :attr:`spoken`
        from the ``turn`` column of ``segments`` (sorted by document and start)."""
        self.turns = {}
        self.sections = set(segments.loc[segments["turn"].isna(), "doc_id"])
        numbered = segments[segments["turn"].notna()]
        for doc, turn, seg in zip(numbered["doc_id"].tolist(),
                                  numbered["turn"].astype("int64").tolist(),
                                  numbered["seg_id"].tolist()):
            self.turns.setdefault((doc, turn), []).append(seg)
        self.turn_count.update(doc for doc, _ in self.turns)
        spoken: Counter = Counter()
        for (doc, turn), segs in self.turns.items():
            if segs[0] in self.quiet:
                # each document's first preamble or heading (never coded): turn numbers
                # from there on differ for a person who counts only spoken turns
                self.first_quiet.setdefault(
                    doc, (turn, f"its {self.quiet[segs[0]]} as turn {turn}"))
            else:
                # (doc_id, n) -> the n-th turn that is not a preamble or heading: a
                # person's turn n when counting only spoken turns
                spoken[doc] += 1
                self.spoken[(doc, spoken[doc])] = segs
        captions = {doc for doc, fmt in self.formats.items() if fmt in ("vtt", "srt")}
        for doc, turn in _first_cut(numbered, captions).items():
            why = ("the pieces of a turn cut by a note or another speaker's words in "
                   f"brackets (or for its length, or at a time written in it) as turns of "
                   f"their own, from turn {turn}")
            self.first_quiet[doc] = min(self.first_quiet.get(doc, (turn, why)), (turn, why))

    def excerpt(self, text: str, doc_id: str | None, start: int = 0,
                end: int | None = None) -> str:
        """`` ('...')``: ``text[start:end]`` (of document ``doc_id``, or a coder's copy of
        it; None: of no known document, maybe of any) for an error message on the
        terminal, masked as the outputs are by the study's last scan
        (:func:`~dialogcode.privacy.gate.saved_masker`; a finding in any case, as a coder
        may have typed it, and one the window cuts shows whole as its label, never in
        part), on one line, cut to :data:`EXCERPT` characters; "" (no text) without that
        scan or for a withheld document (of no known one, where any is withheld). The
        message must still say where: file, line, seg_id or offsets."""
        if self.mask is None or (doc_id in self.mask.withheld if doc_id is not None
                                 else self.mask.withheld):
            return ""
        end = len(text) if end is None else end
        reach = 2 * max(map(len, self.mask.labels), default=0)   # a finding's extent
        left = max(0, start - reach)
        shown = self.mask.excerpt(text[left:end + reach], start - left, end - left,
                                  any_case=True)
        return f" ({shorten(shown, EXCERPT)!r})" if shown.strip() else ""

    def number(self, value: str, doc_id: str | None) -> str:
        """A cell meant to hold a number (of document ``doc_id``), for a message after
        the word naming it: `` '12'`` when it is empty or a number (``12.0`` as a
        spreadsheet may write a whole one too), else shown as transcript text is
        (:meth:`excerpt`: masked, cut short, nothing without the study's privacy scan),
        as it may hold a quote put in the wrong column."""
        value = value.strip()
        return f" {value!r}" if not value or _NUMBER.fullmatch(value) else \
            self.excerpt(value, doc_id)

    def unknown(self, value: str, seg_id: bool = False) -> str:
        """A cell meant to name a document (or, with ``seg_id``, a segment) that names
        none, for a message after the word naming it: `` 'north/kickof'`` when it has the
        form of one (a doc_id or path without spaces; a seg_id as north/kickoff:t12, or
        its document a known one; a name the study's scan found in it masked, as a
        speaker's name may be typed in the wrong column: ``'[NAME]'``), else shown as transcript text of no known document is
        (:meth:`excerpt`: masked, cut short, nothing without the study's privacy scan),
        as it may hold a quote put in the wrong column."""
        value = value.strip()
        form = _SEG_ID.fullmatch(value)
        name = (form[1] if form else "") if seg_id else value    # the document it names
        if name in self.text and not seg_id:
            return f" {value!r}"
        named = name in self.text or _DOC_NAME.fullmatch(name)
        return f" {self._as_written(value)!r}" if named else self.excerpt(value, None)

    def code_name(self, value: str, doc_id: str | None) -> str:
        """A cell meant to hold a code name (of document ``doc_id``; None: not known)
        that names no code, for a message after the words naming it: `` 'Risk: housing'``
        when it reads as a name (at most :data:`_CODE_NAME_WORDS` words, no sentence
        punctuation), which a ``--map`` file needs written as it is (a name the study's
        scan found in it masked: ``'[NAME]'``); else shown as transcript text is (:meth:`excerpt`: masked, cut short, nothing without the
        study's privacy scan), as it may hold a quote put in the wrong column."""
        named = len(value.split()) <= _CODE_NAME_WORDS and not _SENTENCE_MARK.search(value)
        return f" {self._as_written(value)!r}" if named else self.excerpt(value, doc_id)

    def _as_written(self, value: str) -> str:
        """``value`` as written, but for the names the study's last scan found in it
        (masked as the outputs mask them; as written without a scan)."""
        return value if self.mask is None else self.mask.for_readers(value)

    def unit_reason(self, seg_id: str) -> str:
        """For a seg_id naming no segment: why, when its document is cut into segments
        of another unit now (:func:`~dialogcode.segment.other_unit`), else ""; worked
        out once per document and kind of segment named."""
        doc, _, position = seg_id.rpartition(":")
        key = (doc, position[:1], position[1:].isdigit())
        if key not in self._units:
            self._units[key] = other_unit([seg_id], self._ids).get(seg_id, "")
        return self._units[key]

    def segment_text(self, seg_id: str) -> str:
        doc, start, end = self._bounds[seg_id]
        return self.text[doc][start:end]

    def segment_line(self, seg_id: str) -> str:
        """The segment's text from the start of the line it starts on, or from the end
        of the segment before it on that line (a long turn cut in pieces): with the
        speaker label (``P1: ...``) as a transcript shows it, not another segment's text."""
        doc, start, end = self._bounds[seg_id]
        text = self.text[doc]
        index = bisect_right(self._starts[doc], start) - 1
        before = self._spans[doc][index - 1][1] if index > 0 else 0
        return text[max(text.rfind("\n", 0, start) + 1, before):end]

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        """(doc_id, None) for a doc_id or a source path (with or without extension);
        (None, why not) otherwise."""
        name = re.sub(r"^\./", "", str(name).strip().replace("\\", "/"))
        if not name:
            return None, "no document given"
        if name in self.text:
            return name, None
        matches = sorted(doc for doc, path in self.paths.items()
                         if name in (path, path.rsplit(".", 1)[0]))
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, f"{name!r} fits several documents ({', '.join(matches)}); use a doc_id"
        known = sorted(self.text)
        listed = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        return None, f"unknown document{self.unknown(name)} (documents: {listed})"

    def named(self, name: str) -> list[str]:
        """The documents whose doc_id or source file ends in the file name ``name``
        (with or without its extension), as a person or another tool names them."""
        name = name.strip()
        return sorted(doc for doc, source in self.paths.items()
                      if name in (doc.rsplit("/", 1)[-1], source.rsplit("/", 1)[-1],
                                  source.rsplit("/", 1)[-1].rsplit(".", 1)[0]))

    def seg_ids(self, doc_id: str) -> list[str]:
        """The segments of a document, in order."""
        return [seg for _, _, seg in self._spans.get(doc_id, [])]

    def bounds(self, seg_id: str) -> tuple[str, int, int]:
        """(doc_id, start, end) of a segment."""
        return self._bounds[seg_id]

    def segments_coded(self, doc_id: str, start: int, end: int) -> list[str]:
        """The segments a span codes (:func:`dialogcode.spans.covered_segments`: each it
        covers words of, but for another speaker's words in brackets inside a turn when
        it codes that turn's words beside them), or, when it covers no whole word, the one
        it starts in; empty if it overlaps none."""
        text, starts = self.text[doc_id], self._starts.get(doc_id, [])
        near = self._spans.get(doc_id, [])[max(bisect_right(starts, start) - 1, 0):
                                          bisect_left(starts, end)]   # those it may overlap
        coded = covered_segments(start, end, ((s, e, seg, text[s:e]) for s, e, seg in near),
                                 self._cut)
        first = self.segment_of(doc_id, start, end)
        return coded or ([first] if first else [])

    def segment_of(self, doc_id: str, start: int, end: int) -> str | None:
        """The segment a span starts in; failing that (a span starting on a speaker
        label or between turns) the first segment it overlaps; None if it overlaps none."""
        spans = self._spans.get(doc_id, [])
        index = bisect_right(self._starts.get(doc_id, []), start) - 1
        for s_start, s_end, seg in spans[max(index, 0):index + 2]:
            if s_start < end and start < s_end:
                return seg
        return None


def _first_cut(numbered, captions: set[str]) -> dict[str, int]:
    """doc_id -> the first turn of ``numbered`` segments (sorted, each with its turn)
    that is a piece of a turn of the transcript cut in several: by a note in brackets
    taken out of it (a section on the turn's line), for its length (the next piece,
    the one speaker's on the same line), by another speaker's words in brackets (a
    turn on the same line, but in the documents ``captions``, whose cues may hold two
    speakers on one line), as ingest's summary tells a turn's pieces, or by a time
    written in it (its pieces have the turn's ``read_line``)."""
    if "line" not in numbered:
        return {}
    heads = numbered.drop_duplicates(["doc_id", "turn"])    # each turn's first segment
    before = heads.shift()
    cut = ((heads["doc_id"] == before["doc_id"])
           & (turn_lines(heads) == turn_lines(before)).fillna(False).astype(bool)
           & ((heads["kind"] == "section") | (before["kind"] == "section")
              | (heads["speaker"] == before["speaker"]) | ~heads["doc_id"].isin(captions)))
    return before.loc[cut].groupby("doc_id")["turn"].min().astype(int).to_dict()
