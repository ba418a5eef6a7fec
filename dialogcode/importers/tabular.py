"""Coding tables (CSV or XLSX, one coding per row, ``a; b`` for several codes):

- **offsets**: ``document, start, end, code`` (an optional ``quote`` is checked);
- **quotes**: ``document, quote, code``, located with :mod:`.locate`;
- **segments**: ``seg_id, code`` or ``document, turn, code`` (a turn numbered as
  ``unit: turn`` numbers its segments; in a study cut into sentences, its sentences).

``code_id`` may stand for ``code``. Column names are matched case-insensitively. A row
with an empty code says its segment (or the segments its span overlaps) was read and
nothing applies there.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..coders import CodingsError
from ..csvrows import read_csv_file
from ..errors import Problem
from ..formats.tables import xlsx_rows
from ..limits import DEFAULT, Limits
from ..normalize import normalize_text, unify_line_breaks
from ..privacy.masking import BLOCK, LABELS, WITHHELD
from .base import Documents, Found, Reading, split_codes
from ..recut import SETTINGS
from .locate import EXACT, TOLERANT, Location, fold, locate
from .quote_places import in_turn, named_turn, places_told, remedy, unlined
from .tools import exports, layout_of, read_export


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path, limits: Limits = DEFAULT, codes=()
              ) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """(lower-cased header, [(line, {column: cell})], header as written) of a CSV or of
    an XLSX workbook's
    first sheet (checked against ``limits``; a number in its code column read as the
    code id of ``codes`` it stands for, :func:`code_numbers`); blank rows are left out."""
    if path.suffix.lower() == ".xlsx":
        cells = xlsx_rows(path, str(path), CodingsError, limits, unmerged=True)
        numbers = code_numbers(cells, path, codes)
        if numbers:
            raise CodingsError(numbers)
        values = [[_cell(v) for v in row] for row in cells]
        numbered = list(enumerate(values, start=1))
    else:
        header, rows = read_csv_file(path, CodingsError)
        numbered = [(1, header)] + rows if header else []
    if not numbered:
        raise CodingsError("the table is empty", file=path)
    header = [h.strip().lower() for h in numbered[0][1]]
    doubled = sorted({h for h in header if h and header.count(h) > 1})
    if doubled:
        raise CodingsError(f"column(s) {', '.join(doubled)} appear twice", file=path, line=1)
    rows = [(line, {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h})
            for line, row in numbered[1:] if any(str(c).strip() for c in row)]
    return header, rows, [str(h) for h in numbered[0][1]]


def code_numbers(cells: list[list], path: Path, codes) -> list[Problem]:
    """Read the code cells (columns ``code``, ``code_id``) of a workbook's rows ``cells``
    that hold a decimal number, in place: a spreadsheet stores the code 1.10 as 1.1, so
    such a number becomes the one code id of ``codes`` it equals as a number (1.10 in a
    codebook without 1.1), and is left as it is when none does. A problem for each that
    equals several (1.1 and 1.10), where the code meant cannot be told."""
    header = [str(h).strip().lower() if h is not None else "" for h in (cells or [[]])[0]]
    columns = [i for i, h in enumerate(header) if h in ("code", "code_id")]
    numbered: dict[float, list[str]] = {}
    for code in codes:
        try:
            numbered.setdefault(float(code), []).append(code)
        except ValueError:
            continue
    problems = []
    for line, row in enumerate(cells[1:], start=2):
        for i in columns:
            value = row[i]
            if not (isinstance(value, float) and not value.is_integer()):
                continue
            meant = numbered.get(value, [])
            if len(meant) == 1:
                row[i] = meant[0]
            elif meant:
                problems.append(Problem(
                    f"the code cell holds the number {value!r}, which may be code "
                    f"{' or '.join(sorted(meant))}: a spreadsheet drops a code's trailing "
                    "zeros (1.10 becomes 1.1); format the column as text and type the code "
                    "again", str(path), line))
    return problems


def table_kind(header: list[str], path: Path) -> str:
    """offsets, quotes or segments, from the columns present."""
    if "start" in header and "end" in header:
        return "offsets"
    if "quote" in header:
        return "quotes"
    if "seg_id" in header or "turn" in header:
        return "segments"
    raise CodingsError(f"cannot tell what this table holds (columns: {', '.join(header)}); "
                       "expected document,start,end,code or document,quote,code or "
                       "seg_id,code or document,turn,code, or a QDA tool's export of coded "
                       f"segments ({exports()}); rename the columns, or give --format",
                       file=path, line=1)


def _own(header: list[str]) -> bool:
    """Whether the columns are all those of one of dialogcode's own kinds (a code column
    and document,start,end or document,quote or seg_id or document,turn): such a table
    is read as that kind whatever other columns it has, though they be a tool's."""
    have = set(header)
    return bool({"code", "code_id"} & have) and any(
        need <= have for need in ({"document", "start", "end"}, {"document", "quote"},
                                  {"seg_id"}, {"document", "turn"}))


def _required(kind: str, header: list[str]) -> list[str]:
    if kind == "segments":
        return ["seg_id"] if "seg_id" in header else ["document", "turn"]
    return ["document", "start", "end"] if kind == "offsets" else ["document", "quote"]


# a label, or a run of blocks (the masked text of segments in the database)
HIDDEN = re.compile("|".join([*(re.escape(label) for label in [*LABELS.values(), WITHHELD,
                                                                "[REDACTED]"]),
                              f"{BLOCK}+"]))


def same_text(cell: str, text: str) -> bool:
    """Whether a sheet's ``text`` cell is empty or holds ``text``: case, punctuation and
    spacing aside (a spreadsheet may change them), a privacy label (``[NAME]``,
    docs/privacy.md) or a run of blocks standing for any words (the findings masked when the sheet was
    written may have been decided since), and a workbook cell cut at `` [truncated]``
    for its start."""
    given = cell.removesuffix(" [truncated]")
    if not given.strip():
        return True
    pieces = [fold(piece)[0].strip() for piece in HIDDEN.split(given)]
    folded = fold(text)[0].strip()
    return _in_order(pieces, folded, whole=True) or (
        cell.endswith(" [truncated]") and _in_order(pieces, folded, whole=False))


def _text_of(row: dict[str, str], docs: Documents, segs: list[str]) -> bool:
    """Whether a segment table's row has no ``text`` cell or one holding the text of
    ``segs`` (a segment, or a turn's sentences) from the first's start to the last's
    end (:func:`same_text`), with or without the speaker label, as a coding sheet
    pasted from the transcript may hold it."""
    cell = row.get("text", "")
    doc_id, start, _ = docs.bounds(segs[0])
    rest = docs.text[doc_id][start:docs.bounds(segs[-1])[2]]
    return same_text(cell, rest) or \
        same_text(cell, docs.segment_line(segs[0]) + rest[len(docs.segment_text(segs[0])):])


def _in_order(pieces: list[str], text: str, whole: bool) -> bool:
    """Whether ``text`` is ``pieces`` in order with anything between them (from its start
    to its end, or to anywhere when not ``whole``). Each piece is taken where it first
    occurs after the one before: no backtracking, so a cell with many labels is checked
    in linear time (a regular expression would try every way to place them)."""
    first, *rest = pieces
    if not text.startswith(first):
        return False
    at = len(first)
    if not rest:
        return at == len(text) or not whole
    *middle, last = rest
    for piece in middle:
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    if whole:
        return len(text) - len(last) >= at and text.endswith(last)
    return text.find(last, at) >= 0


def _integer(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


def read_table(path: Path, docs: Documents, kind: str | None = None,
               limits: Limits = DEFAULT, codes=(), users=None) -> Reading:
    """Codings from a table; ``kind`` (offsets, quotes, segments, or a tool's export,
    :data:`.tools.LAYOUTS`) is found from the columns when not given; ``codes`` are the
    codebook's ids (:func:`code_numbers`); ``users`` choose the rows of a tool's export
    by who coded them. Every problem of the file is collected."""
    header, rows, names = read_rows(path, limits, codes)
    tool = None if kind is None and _own(header) else layout_of(header, path, kind)
    if tool is not None:
        return read_export(path, tool, names, rows, docs, users, _place)
    if users:
        raise CodingsError("a user can only be chosen in a REFI-QDA project (.qdpx) or "
                           "a tool's export with a column naming who coded", file=path)
    kind = kind or table_kind(header, path)
    if "code" in header and "code_id" in header:
        raise CodingsError("columns code and code_id both hold codes: keep one", file=path,
                           line=1)
    code_column = "code" if "code" in header else "code_id"
    missing = [c for c in [*_required(kind, header), code_column] if c not in header]
    if missing:
        raise CodingsError(f"missing column(s) {', '.join(missing)} for a {kind} table "
                           f"(columns: {', '.join(header)})", file=path, line=1)
    reading = Reading(kind)
    source = str(path)
    for line, row in rows:
        codes = split_codes(row[code_column]) or [""]      # "": read, nothing applies
        place = _place(kind, row, line, docs, reading, source)
        reading.blind += kind == "segments" and not row.get("text", "").strip()
        if place is not None:
            doc_id, start, end, segs = place
            reading.found += [Found(doc_id, code, source, line, start, end, seg_id)
                              for seg_id in segs or [None] for code in codes]
    return reading


def _place(kind: str, row: dict[str, str], line: int, docs: Documents, reading: Reading,
           source: str, found: Location | None = None, export: str | None = None
           ) -> tuple[str, int | None, int | None, list[str]] | None:
    """(doc_id, start, end, seg_ids) of one row (the segments it codes whole, or none
    for a span), or None after recording why not; a quote's ``found`` is where
    :func:`.locate.locate` finds it (located here if None); ``export``, for a row of a
    tool's export (whose columns cannot name a turn or offsets): why its paragraph
    number did not place its quote, or "" (:func:`.tools._by_paragraph`)."""
    def fail(message: str, key: str | None = None) -> None:
        reading.problems.append(Problem(message, source, line, key))

    if kind == "segments" and "seg_id" in row:
        seg_id = row["seg_id"].strip()
        if seg_id not in docs.seg_doc:
            return fail(f"unknown seg_id{docs.unknown(seg_id, seg_id=True)}"
                        f"{docs.unit_reason(seg_id)}")
        if row.get("document", "").strip():     # both given: they must agree
            named, why = docs.resolve(row["document"])
            if named != docs.seg_doc[seg_id]:
                return fail(why or f"seg_id {seg_id} is in document "
                                   f"{docs.seg_doc[seg_id]}, but the row names document "
                                   f"{row['document'].strip()!r}")
        if not _text_of(row, docs, [seg_id]):
            return fail(f"the text in this row is not the text of {seg_id}"
                        f"{docs.excerpt(docs.segment_text(seg_id), docs.seg_doc[seg_id])}: "
                        + _elsewhere(row, docs, docs.seg_doc[seg_id], [seg_id]))
        return docs.seg_doc[seg_id], None, None, [seg_id]
    doc_id, why = docs.resolve(row["document"])
    if doc_id is None:
        return fail(why)
    text = docs.text[doc_id]
    if kind == "segments":
        return _turn_place(row, doc_id, docs, fail)
    if kind == "offsets" and not (row["start"].strip() or row["end"].strip()) and \
            row.get("quote", "").strip():       # its quote places it
        kind = "quotes"
    if kind == "offsets":
        start, end = _integer(row["start"]), _integer(row["end"])
        if start is None or end is None:
            cells = [f"{name} cell{docs.number(row[name], doc_id)}"
                     for name in ("start", "end") if _integer(row[name]) is None]
            return fail(f"the {' and the '.join(cells)} hold{'s' * (len(cells) == 1)} no "
                        "whole number")
        if not 0 <= start < end <= len(text):
            return fail(f"offsets {start}-{end} out of range: need 0 <= start < end <= "
                        f"{len(text)} (the length of {doc_id})")
        quote = row.get("quote", "")
        # a quote written before other line breaks were stored as LF may hold them
        if quote.strip() and unify_line_breaks(normalize_text(quote)) != \
                unify_line_breaks(text[start:end]):
            return fail(f"the quote{docs.excerpt(quote, doc_id)} is not the text at "
                        f"{start}-{end} of {doc_id}{docs.excerpt(text, doc_id, start, end)}")
        return doc_id, start, end, []
    quote = row["quote"]
    if not quote.strip():
        return fail("empty quote")
    cell = row.get("line", "").strip()
    if cell and _integer(cell) is None:
        return fail(f"the line cell{docs.number(cell, doc_id)} holds no whole number: "
                    "give the line of the transcript the quote's turn starts on, or "
                    "leave it empty")
    found = found or locate(quote, text, between=docs.between.get(doc_id, ()))
    what = f"quote{docs.excerpt(quote, doc_id)} in {doc_id}"
    if not found.spans:
        reading.unlocated.append(Problem(f"UNFOUND: {what} is not in the text", source,
                                         line))
        return None
    named = named_turn(row, docs, doc_id)
    places = [place for place in found.spans if in_turn(named, docs, doc_id, place)]
    if len(places) != 1:
        where = places_told(places or found.spans, doc_id, docs)
        if len(found.spans) == 1:
            fits = "do not fit" if " and " in named[0] else "does not fit"
            return fail(f"the row's {named[0]} {fits} where its {what} is found: "
                        f"{where}{unlined(named, docs, doc_id)}; correct the row or "
                        "its quote")
        why = (f", none of them fitting the row's {named[0]}"
               f"{unlined(named, docs, doc_id)} (correct or empty it)"
               if not places else
               f" ({len(places)} of them, those listed, fitting the row's {named[0]})"
               if named[0] else "")
        reading.unlocated.append(Problem(
            f"AMBIGUOUS: {what} found {len(found.spans)} times ({found.level} match): "
            f"{where}{why}{f'; {export}' if export else ''}; to code one, "
            f"{remedy(places or found.spans, doc_id, docs, export is not None)}",
            source, line))
        return None
    reading.located[found.level] += 1
    start, end = places[0]
    if found.level == "fuzzy":
        reading.fuzzy.append(Problem(f"{what} matched the text at {start}-{end}"
                                     f"{docs.excerpt(text, doc_id, start, end)} "
                                     f"(similarity {found.similarity:.2f})", source, line))
    return doc_id, start, end, []


def _elsewhere(row: dict[str, str], docs: Documents, doc_id: str, named: list[str]) -> str:
    """Why a row's ``text`` cell is not the text of the segments it names (``named``):
    where its words are in document ``doc_id`` now, the segments' positions having
    moved (an edit before them, or a re-cut), or that they are not in it (an edit)."""
    others = [seg for seg in docs.seg_ids(doc_id)
              if seg not in named and _text_of(row, docs, [seg])]
    if others:
        where = f"it is the text of {others[0]}" + (
            f" (and of {len(others) - 1} more)" if len(others) > 1 else "")
    elif locate(row["text"], docs.text[doc_id]).level in (EXACT, TOLERANT):
        where = "its words are in the document, cut into other segments"
    else:
        return ("seg_ids follow the turns' positions, so was the transcript changed "
                "since the sheet was made?")
    return (f"{where} now: seg_ids and turn numbers follow the segments' positions, which "
            "move when the transcript is edited before them (a turn added or taken out) "
            f"or its segments are cut otherwise ({SETTINGS}) after the sheet was made; if "
            "the row codes that text, give the seg_id it has now")


def _turn_place(row: dict[str, str], doc_id: str, docs: Documents, fail
                ) -> tuple[str, None, None, list[str]] | None:
    """(doc_id, None, None, the segments of the row's turn: the turn, or its sentences in
    a study cut into sentences), or None after ``fail`` says why not."""
    if docs.turns is None:
        return fail("the segments were written by an older dialogcode, which did not "
                    "number each segment's turn: run `dialogcode ingest` again")
    turn = _integer(row["turn"])
    segs = docs.turns.get((doc_id, turn), []) if turn is not None else []
    named = segs[0] if len(segs) == 1 else f"{segs[0]} to {segs[-1]}" if segs else ""
    told = docs.number(row["turn"], doc_id)
    if not segs and doc_id in docs.sections:
        return fail(f"document {doc_id} is cut into sections of several turns now, so "
                    f"turn{told} names no segment of it: give the seg_id of its section, "
                    "or ingest with `unit: turn`")
    if not segs:
        count = docs.turn_count[doc_id]
        return fail(f"document {doc_id} has no turn{told}: it has {count} "
                    f"turn{'s' * (count != 1)}, numbered from 1")
    fits = _text_of(row, docs, segs)
    one = None if fits or len(segs) == 1 else \
        next((seg for seg in segs if _text_of(row, docs, [seg])), None)
    if one is not None:     # a sheet of the sentences, each with its turn's number
        return fail(f"the text in this row is that of {one} alone, a sentence of turn "
                    f"{turn} of {doc_id} ({named}), and a row naming a turn codes each "
                    "of its sentences: give the sentence's seg_id instead of its turn "
                    "(columns seg_id, code), or the whole turn's text")
    if not fits:
        start, end = docs.bounds(segs[0])[1], docs.bounds(segs[-1])[2]
        return fail(f"the text in this row is not the text of turn {turn} of {doc_id} "
                    f"({named}){docs.excerpt(docs.text[doc_id], doc_id, start, end)}: "
                    + _elsewhere(row, docs, doc_id, segs))
    quiet, why = docs.first_quiet.get(doc_id, (turn + 1, ""))
    # a person may count only spoken turns: refuse to guess, unless the row's text
    # (checked above) shows which turn it means, being not also the text of the turn a
    # person counting only spoken turns would mean ("Yes." after "Yes.")
    spoken = docs.spoken.get((doc_id, turn), segs)
    if quiet <= turn and (not row.get("text", "").strip() or (
            spoken != segs and _text_of(row, docs, spoken))):
        return fail(f"turn {turn} of {doc_id} is ambiguous: dialogcode counts {why}, a "
                    f"person may not; give the seg_id"
                    f"{'s' * (len(segs) > 1)} instead (dialogcode's turn {turn} is {named})")
    return doc_id, None, None, segs
