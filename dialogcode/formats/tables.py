"""CSV and XLSX transcripts, and the reading of table rows (and JSON objects,
:mod:`~dialogcode.formats.jsonturns`) into turns: one row per turn or per sentence."""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries
from defusedxml.ElementTree import iterparse

from ..csvrows import nameless_values, read_csv
from ..errors import DialogcodeError, IngestError, Problem
from ..limits import DEFAULT, Limits, open_zip, over, scan_xml
from .base import ParsedDocument, TextBuilder
from .clock import backwards, clock_times
from .columns import (DAY, DEFAULTS, column_key, day_fraction_evidence, find_columns,
                      in_milliseconds, milliseconds_evidence, parse_time)
from .cuttext import cut_text
from .speakers import Note, cell_label, wordless_note

KEEP_APART = "set merge_turns: false to keep rows apart"
# a character a workbook writes escaped in a cell's text (Excel and XlsxWriter write a
# carriage return as _x000D_), which openpyxl gives as written and writes as given
ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")

WHAT = ".xlsx workbook"
# what openpyxl raises on a workbook whose parts are not what Excel writes (LookupError:
# KeyError, IndexError, an unknown encoding; SyntaxError: XML parse errors)
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, LookupError, ValueError,
           AttributeError, TypeError, SyntaxError)


def rows_to_document(header: list, rows: list[tuple[int, list]], source: str,
                     columns: dict[str, str] | None, *, merge: bool = True,
                     rows_are: str = "rows", turn_times: str | None = None
                     ) -> ParsedDocument:
    """Build a document from (line, row) pairs under ``header``.

    Consecutive rows of one speaker become one turn unless ``merge`` is False; the
    document then carries one note saying so (``rows_are`` names the rows in it:
    rows, lines or items). ``turn_times``: what the start and end times are,
    ``"offsets"`` or ``"clock"``, None to tell from them (:func:`~.clock.clock_times`).
    Raises IngestError listing every row whose time cannot be read, that ends before it
    starts, or whose text or speaker is a JSON list or object, and for a first start
    from 05:00:00 to 06:59:59 that may be either when ``turn_times`` is None. A start
    before the one above it is noted (:func:`~.clock.backwards`).
    """
    found = find_columns(header, columns, source)
    builder = TextBuilder(merge=merge)
    problems, starts = [], []
    cells = lambda row, role: (row[found[role]] if role in found and found[role] < len(row)  # noqa: E731
                               else None)
    one_text_column(header, found, rows, columns, source)
    _no_header_again(header, found, rows, source)
    has_text = [cells(row, "text") is not None and str(cells(row, "text")).strip() != ""
                for _, row in rows]
    # a row with a speaker and no words is no turn, so later turns are numbered without it
    unsaid = [line for (line, row), text in zip(rows, has_text)
              if not text and str(cells(row, "speaker") or "").strip()]
    rows = [pair for pair, text in zip(rows, has_text) if text]
    per_second, evidence = time_unit(header, found, rows, cells, source)
    clock, evidence = clock_times([(line, cells(row, "start"), cells(row, "end"))
                                   for line, row in rows], source, turn_times=turn_times) \
        if "start" in found and evidence is None else (None, evidence)

    def time_of(row: list, role: str, line: int) -> float | None:
        if clock is not None:
            return clock(cells(row, role), line)
        return parse_time(cells(row, role), source, line, per_second=per_second[role])

    words = _joined_words(rows, found, cells, time_of)
    for line, row in words[0] if words else rows:
        cell = lambda role: cells(row, role)  # noqa: E731
        text = cell("text")
        speaker = cell("speaker")
        nested = [role for role in ("speaker", "text") if isinstance(cell(role), (dict, list))]
        if nested:
            problems.append(Problem(f"the {nested[0]} is a JSON "
                                    f"{'list' if isinstance(cell(nested[0]), list) else 'object'}"
                                    ", not text", source, line))
            continue
        try:
            start, end = (time_of(row, role, line) for role in ("start", "end"))
        except IngestError as exc:
            problems += exc.problems
            continue
        if start is not None and end is not None and end < start:
            problems.append(Problem(f"the end time {str(cell('end')).strip()!r} is before "
                                    f"the start time {str(cell('start')).strip()!r}",
                                    source, line))
            continue
        builder.add(cell_label(speaker) if speaker not in (None, "") else None, str(text),
                    time_start=start, time_end=end, line=line)
        starts.append((line, str(cell("start")).strip(), start, speaker))
    if problems:
        raise IngestError(problems)
    if not builder.blocks:
        raise IngestError("no rows with text", file=source)
    parsed = builder.build()
    parsed.notes = (merge_notes(builder.merged, rows_are) + ([words[1]] if words else [])
                    + speakerless_notes([line for line, row in rows
                                         if cells(row, "speaker") in (None, "")
                                         or not str(cells(row, "speaker")).strip()],
                                        len(rows), rows_are)
                    + backwards(
                        [(line, stamp) for line, stamp, *_ in starts],
                        [start for *_, start, _ in starts], offsets=clock is None,
                        speakers=[who for *_, who in starts]))
    if unsaid:
        parsed.notes.append(wordless_note(unsaid, rows_are, "with a speaker and no text"))
    if evidence:
        parsed.notes.insert(0, Note(rows[0][0], evidence))
    others = [str(name) for k, name in enumerate(header)
              if str(name or "").strip() and k not in found.values()]
    if "speaker" not in found and others:
        parsed.notes.insert(0, Note(1, f"no speaker column among {', '.join(others)}: no turn "
                                       "has a speaker; map one with speaker_column in the "
                                       "manifest or `columns: {speaker: ...}`"))
    elif unread := [repr(str(name)) if str(name or "").strip() else f"{k + 1} (no name)"
                    for k, name in enumerate(header) if k not in found.values()
                    and any(k < len(row) and str(row[k] or "").strip() for _, row in rows)]:
        one = len(unread) == 1
        parsed.notes.append(Note(1, (
            f"column{'' if one else 's'} {', '.join(unread)} {'is' if one else 'are'} not read "
            "(dialogcode reads each turn's speaker, text, start and end); if "
            f"{'it holds one' if one else 'one of them holds those'}"
            f"{' of those' if one else ''}, map it with speaker_column, text_column, "
            "start_column or end_column in the manifest")))
    return parsed


def _no_header_again(header: list, found: dict[str, int], rows: list[tuple[int, list]],
                     source: str) -> None:
    """Raise IngestError naming the rows that repeat the header (two tables joined into
    one file, ``cat a.csv b.csv``): each would be a turn of a speaker named ``speaker``
    saying ``text``."""
    names = [str(name or "").strip().casefold() for name in header]
    again = [line for line, row in rows
             if str(row[found["text"]] if found["text"] < len(row) else "").strip().casefold()
             == names[found["text"]]
             and all(str(value or "").strip().casefold() in ("", names[k])
                     for k, value in enumerate(row[:len(names)]))]
    if again:
        raise IngestError(f"{'rows' if len(again) > 1 else 'row'} "
                          f"{', '.join(map(str, again[:5]))} "
                          f"{'repeat' if len(again) > 1 else 'repeats'} the header: were tables "
                          "joined into one file? Remove the repeated header rows (or split "
                          "the file, one table per file)", file=source, line=again[0])


def one_text_column(header: list, found: dict[str, int], rows: list[tuple[int, list]],
                     columns: dict[str, str] | None, source: str) -> None:
    """Raise IngestError when, the text column not being mapped, another column named like
    one (``content`` beside ``text``) holds words: only one is read, and the other's
    would be left out unseen. Words are strings: a JSON key holding an object or a
    number (``"content": {"type": "audio"}``) is metadata."""
    if (columns or {}).get("text"):
        return
    others = [k for k, name in enumerate(header) if k != found["text"]
              and column_key(name) in DEFAULTS["text"]
              and any(k < len(row) and isinstance(row[k], str) and row[k].strip()
                      for _, row in rows)]
    if others:
        raise IngestError(f"columns {header[found['text']]!r} and {header[others[0]]!r} could "
                          f"both be the text, and only {header[found['text']]!r} would be "
                          "read; map the text column with text_column in the manifest or "
                          "`columns: {text: ...}` in dialogcode.yaml", file=source, line=1)


def _joined_words(rows: list[tuple[int, list]], found: dict[str, int], cells, time_of
                  ) -> tuple[list[tuple[int, list]], Note] | None:
    """Rows (with text) that are single words without speakers, each with a start time
    and in time order (a speech-to-text tool's words, such as AssemblyAI's without
    speaker labels) as one row, their texts joined by a space, from the first word's
    start to the last word's end, and the note saying so; None for anything else (a
    table of one-word answers, or of names out of time order). Read row by row, each
    word would be a turn of its own. ``time_of(row, role, line)`` reads a row's time."""
    texts = [cells(row, "text") for _, row in rows]
    if (len(rows) < 2 or any(cells(row, "speaker") not in (None, "") for _, row in rows)
            or any(not isinstance(text, str) or len(text.split()) > 1 for text in texts)):
        return None
    try:
        starts = [time_of(row, "start", line) for line, row in rows]
    except IngestError:     # reported row by row
        return None
    if None in starts or any(later < start for start, later in zip(starts, starts[1:])):
        return None
    joined = list(rows[0][1]) + [None] * (max(found.values()) + 1 - len(rows[0][1]))
    joined[found["text"]] = " ".join(text.strip() for text in texts)
    if "end" in found:
        joined[found["end"]] = cells(rows[-1][1], "end")
    return [(rows[0][0], joined)], Note(rows[0][0], (
        f"{len(rows)} single words without speakers read as one turn without a speaker "
        "(each word would be a turn of its own): to have turns, ask the speech-to-text "
        "tool for speaker labels (AssemblyAI: `speaker_labels`) or paragraphs, or give "
        "a list of turns"))


def time_unit(header: list, found: dict[str, int], rows: list[tuple[int, list]], cells,
              source: str) -> tuple[dict[str, float], str | None]:
    """(per_second of the start and end columns: 1000 for milliseconds, 1/86400 for
    fractions of a day, else 1; the note saying why plain times are read so, or None).
    A column named so (`start_ms`) is milliseconds; plain `start`/`end` are milliseconds
    or fractions of a day when the times say so
    (:func:`~.columns.milliseconds_evidence`, :func:`~.columns.day_fraction_evidence`). Raises IngestError when one is named so
    and the other is not."""
    named = {role: role in found and in_milliseconds(header[found[role]])
             for role in ("start", "end")}
    if {"start", "end"} <= set(found) and named["start"] != named["end"]:
        ms, plain = ("start", "end") if named["start"] else ("end", "start")
        raise IngestError(f"the {ms} column {header[found[ms]]!r} is named as milliseconds "
                          f"but the {plain} column {header[found[plain]]!r} is not; name "
                          "both so (`start_ms`, `end_ms`), or neither if both are seconds",
                          file=source, line=1)
    if any(named.values()) or not {"start", "end"} <= set(found):
        return {role: 1000 if ms else 1 for role, ms in named.items()}, None
    turns = [(cells(row, "start"), cells(row, "end"), str(cells(row, "text")))
             for _, row in rows]
    evidence = milliseconds_evidence(turns)
    if evidence:
        return {role: 1000 for role in named}, evidence
    evidence = day_fraction_evidence(turns)
    return {role: 1 / DAY if evidence else 1 for role in named}, evidence


def speakerless_notes(missing: list[int], total: int, rows_are: str = "rows", *,
                      where: str = "the table", row: str = "row",
                      shown: Callable[[int], int] | None = None) -> list[Note]:
    """A note for a table whose rows (``total`` of them, with text) have a speaker but for
    those at ``missing``: each of those is a turn without a speaker, where a table that
    names the speaker only when it changes means the one above (``where`` and ``row``
    name the file and its units otherwise: caption cues; ``shown``: the line the note
    names for each of ``missing``, :func:`~dialogcode.normalize.read_lines`)."""
    if not missing or len(missing) == total:
        return []
    listed = ", ".join(str(shown(line) if shown else line) for line in missing[:5])
    listed += ", ..." if len(missing) > 5 else ""
    return [Note(missing[0], f"{len(missing)} of {total} {rows_are} without a speaker "
                             f"({listed}) read as turns without one; if {where} names the "
                             f"speaker only when it changes, fill it in on every {row}")]


def merge_notes(merged: list[tuple[str, int, int, int]], rows_are: str = "rows"
                ) -> list[Note]:
    """One note for a document whose rows were merged (``TextBuilder.merged``): the run
    when there is one; the counts and the first run when there are more."""
    if not merged:
        return []
    speaker, first, last, _ = merged[0]
    run = f"{rows_are} {first}-{last} of speaker {speaker}"
    if len(merged) == 1:
        return [Note(first, f"{run} merged into one turn; {KEEP_APART}")]
    rows = sum(count for *_, count in merged)
    return [Note(first, f"{rows} {rows_are} merged into {len(merged)} turns, each run of "
                        f"one speaker's {rows_are} into one (the first: {run}); "
                        f"{KEEP_APART}")]


def parse_csv(text: str, source: str, columns: dict[str, str] | None = None, *,
              merge: bool = True, turn_times: str | None = None) -> ParsedDocument:
    header, rows, problems = read_csv(text, source)
    if not problems:
        problems = nameless_values(header, rows, source)
    cut = []
    if not problems and header:
        problems, cut = cut_text(header, rows, find_columns(header, columns, source), source)
    if problems:
        raise IngestError(problems)
    parsed = rows_to_document(header, rows, source, columns, merge=merge,
                              turn_times=turn_times)
    parsed.notes = sorted(parsed.notes + cut, key=lambda note: note.line)
    return parsed


def xlsx_rows(file: Path | BinaryIO, source: str, error: type[DialogcodeError] = IngestError,
              limits: Limits = DEFAULT, *, unmerged: bool = False) -> list[list]:
    """The cell values of the first sheet of an .xlsx workbook, row by row, every row
    as long as the longest, the file checked against ``limits`` first
    (:mod:`dialogcode.limits`). Raises ``error`` for a file that is over a limit or is
    not a readable workbook, or when another sheet opens with the first sheet's header
    (more rows of the same table, which reading the first sheet alone would drop); other
    sheets (notes, instructions) are not read. A character written escaped in a text
    cell (``_x000D_``, a carriage return) is read as itself. With ``unmerged`` (a table
    of one record per row), cells merged down rows on the first sheet are refused too
    (only the first cell of a merged range holds its value, so the other rows would
    read it as empty), and so are formula cells without a saved value (read as empty)."""
    with open_zip(file, source, WHAT, limits, error) as archive:
        scan_xml(archive, source, limits, error)
    rows, width = [], 0
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()      # rows as stored, not padded to a declared size
            for row in sheet.iter_rows(values_only=True):
                width = max(width, len(row))
                if (len(rows) + 1) * max(width, 1) > limits.cells:
                    raise error(f"refused: the first sheet has more than {limits.cells} "
                                f"cells {over('cells', limits)}", file=source)
                rows.append([_unescaped(value) for value in row])
            _same_table_elsewhere(book, rows[0] if rows else [], source, error)
            merged, unsaved, hidden = (_hidden_values(book, sheet) if unmerged
                                       else ([], [], []))
            if hidden:
                raise error(f"merged cells {', '.join(hidden)} hide a value (in brackets) "
                            "that does not show but would be read; unmerge them and clear "
                            "or move the hidden value", file=source)
            if merged:
                raise error(f"merged cells {', '.join(merged)}: only the first cell of a "
                            "merged range holds its value, so the rest would be read as "
                            "empty; unmerge them and fill in every cell", file=source)
            if unsaved:
                raise error(f"formula cells without a saved value ({', '.join(unsaved[:5])}"
                            f"{', ...' if len(unsaved) > 5 else ''}), which would be read as "
                            "empty: open the workbook in a spreadsheet and save it, or "
                            "replace the formulas by their values", file=source)
        finally:
            book.close()
    except DAMAGED as exc:
        raise error(f"not a readable {WHAT}: {type(exc).__name__}: {exc}",
                    file=source) from None
    return [row + [None] * (width - len(row)) for row in rows]


def _unescaped(value):
    """``value`` with each character a workbook wrote escaped (``_x000D_``) as itself;
    a half of a surrogate pair is left as written."""
    if not isinstance(value, str) or "_x" not in value:
        return value
    return ESCAPED.sub(lambda m: m[0] if 0xD800 <= int(m[1], 16) <= 0xDFFF
                       else chr(int(m[1], 16)), value)


def escaped(text: str) -> str:
    """``text`` as a workbook cell is to hold it, so that a reader (Excel, or
    :func:`xlsx_rows`) gives it back as written: each ``_`` that opens what reads as an
    escaped character (``_x000D_`` as text) escaped itself, ``_x005F_``, as Excel does."""
    return LOOKS_ESCAPED.sub("_x005F_", text)


def _hidden_values(book, sheet) -> tuple[list[str], list[str], list[str]]:
    """(ranges merged down rows such as ``C2:C4``, formula cells without a saved value
    such as ``C3``, ranges merged across a row with a value kept in a cell they cover,
    such as ``B3:C3 (C3)``) of a read-only ``sheet``, from its XML part. A workbook a
    spreadsheet saved keeps each formula's value; one a program wrote may not, and reads
    as empty. A spreadsheet may keep the value of a cell merged into its neighbour,
    unseen but read."""
    merged, unsaved, across, filled = [], [], [], set()
    name = sheet._worksheet_path.lstrip("/")
    with book._archive.open(name) as part:       # checked by scan_xml already
        for _, element in iterparse(part):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                ref = element.get("ref", "?")
                (merged if _spans_rows(ref) else across).append(ref)
            elif tag == "c":
                parts = {child.tag.rsplit("}", 1)[-1]: child.text for child in element}
                # a spreadsheet saves an empty text result as t="str" with an empty v
                if "f" in parts and not parts.get("v") and element.get("t") != "str":
                    unsaved.append(element.get("r", "?"))
                if parts.get("v") or "is" in parts:
                    filled.add(element.get("r", "?"))
                element.clear()
    hidden = []
    for ref in across:
        left, row, right, _ = range_boundaries(ref)
        covered = [f"{get_column_letter(column)}{row}" for column in range(left + 1, right + 1)
                   if f"{get_column_letter(column)}{row}" in filled]
        hidden += [f"{ref} ({', '.join(covered)})"] if covered else []
    return merged, unsaved, hidden


def _spans_rows(ref: str) -> bool:
    """Whether a merged range such as ``C2:C4`` covers more than one row. One within a
    row (a title across columns) shows its value once, and the cells it covers read as
    empty as they look; one down rows shows a value on rows that would read it empty."""
    try:
        bounds = range_boundaries(ref)
    except ValueError:
        return True
    return None in bounds or bounds[1] != bounds[3]      # a whole row or column: refused


def _same_table_elsewhere(book, header: list, source: str, error: type[DialogcodeError]
                          ) -> None:
    """Raise when a sheet after the first opens with at least half of ``header``'s names."""
    names = {str(h).strip().lower() for h in header if h is not None and str(h).strip()}
    if not names:
        return
    doubled = []
    for sheet in book.worksheets[1:]:
        opening = next((row for row in sheet.iter_rows(max_row=10, values_only=True)
                        if any(v is not None and str(v).strip() for v in row)), ())
        shared = names & {str(v).strip().lower() for v in opening if v is not None}
        if len(shared) * 2 >= len(names):
            doubled.append(sheet.title)
    if doubled:
        raise error(f"sheet(s) {', '.join(map(repr, doubled))} have the first sheet's "
                    "columns, but only the first sheet is read: move their rows to the "
                    "first sheet, or each sheet to a file of its own", file=source)


def parse_xlsx(data: bytes, source: str, columns: dict[str, str] | None = None, *,
               merge: bool = True, limits: Limits = DEFAULT, turn_times: str | None = None
               ) -> ParsedDocument:
    values = xlsx_rows(io.BytesIO(data), source, limits=limits, unmerged=True)
    if not values:
        raise IngestError("the workbook's first sheet is empty", file=source)
    rows = [(number, row) for number, row in enumerate(values[1:], start=2)]
    return rows_to_document(values[0], rows, source, columns, merge=merge,
                            turn_times=turn_times)
