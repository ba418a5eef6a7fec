"""Finding the speaker / text / time columns of tabular transcripts.

Names are matched in any case, with spaces and hyphens as underscores, against an
explicit mapping (manifest ``speaker_column``/``text_column``... or ``columns:`` in
dialogcode.yaml) or, failing that, against common names. A Word table without a header row is read by the shape of
its columns' content instead (:func:`guess_columns`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime, timedelta
from statistics import median

from ..errors import IngestError
from .speakers import plausible

DEFAULTS = {
    "speaker": ("speaker", "speaker_label", "speaker_name", "name", "participant", "who"),
    "text": ("text", "utterance", "transcript", "content", "speech", "message"),
    "start": ("start", "start_time", "time", "timestamp", "begin",
              "start_ms", "startms", "start_time_ms", "begin_ms", "offset_ms", "offsetms"),
    "end": ("end", "end_time", "stop", "end_ms", "endms", "end_time_ms", "stop_ms"),
}
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:[.,]\d+)?)$")
# a time column whose name says milliseconds: `start_ms`, `Offset ms`, `startMs`,
# `Start (ms)` (brackets dropped)
_MILLISECONDS = re.compile(r".*_ms|(?:start|end|begin|stop|offset|time|timestamp)ms")
MAX_HOURS = 1000     # times are offsets into a recording
UNIX_TIMES = 10**9   # seconds since 1970 from 2001 (to 2286): a date, not an offset
DAY = 86400          # seconds: a spreadsheet's times are fractions of a day
# openpyxl's dates for a spreadsheet's times past a day in a time-of-day format: day 1 is
# 1900-01-01, and MAX_HOURS falls before the (made-up) 1900-02-29 after which days shift
SHEET_DAYS = (datetime(1900, 1, 1), datetime(1900, 3, 1))


def column_key(name) -> str:
    """A column name as matched: any case, spaces and hyphens as ``_`` (``Start Time``
    is ``start_time``)."""
    return re.sub(r"[\s-]+", "_", str(name or "").strip().lower())


def find_columns(header: list[str], mapping: dict[str, str] | None, source: str, *,
                 required: bool = True) -> dict[str, int] | None:
    """Map roles (speaker, text, start, end) to column indexes.

    Returns None when there is no text column and ``required`` is False; raises
    IngestError when it is required, or when a mapped column is missing.
    """
    names = [column_key(h) for h in header]
    found: dict[str, int] = {}
    for role, candidates in DEFAULTS.items():
        wanted = (mapping or {}).get(role)
        if wanted:
            if column_key(wanted) not in names:
                raise IngestError(f"column {wanted!r} (mapped as {role}) not found; "
                                  f"columns are: {', '.join(map(str, header))}", file=source, line=1)
            found[role] = names.index(column_key(wanted))
            continue
        index = next((names.index(c) for c in candidates if c in names), None)
        if index is not None:
            found[role] = index
    for role, index in found.items():
        if names.count(names[index]) > 1:
            raise IngestError(f"{names.count(names[index])} columns are named "
                              f"{header[index]!r} (in any case), read as {role}; rename or "
                              "remove all but one", file=source, line=1)
    if "text" not in found:
        if not required:
            return None
        raise IngestError(
            f"no text column; columns are: {', '.join(map(str, header)) or '(none)'}. "
            "Name it `text`, or map it with `text_column` in the manifest or "
            "`columns: {text: ...}` in dialogcode.yaml", file=source, line=1)
    return found


def guess_columns(rows: list[list[str]]) -> dict[str, int] | None:
    """Roles of the columns of a table without a header row, from their content: a time
    column (every filled cell a clock time such as ``00:01:15``), a speaker column (every
    filled cell a short label, at least one used in two rows) and the text column (the
    longest cells on average, longer than the speaker's). None when the table has no
    such speaker and text columns."""
    width = max((len(row) for row in rows), default=0)
    if len(rows) < 2 or width < 2:
        return None
    filled = [[row[i].strip() for row in rows if i < len(row) and row[i].strip()]
              for i in range(width)]
    found = {}
    clocks = [i for i, cells in enumerate(filled) if cells and all(map(_CLOCK.match, cells))]
    if clocks:
        found["start"] = clocks[0]
    rest = [i for i in range(width) if i not in clocks and filled[i]]
    length = {i: sum(map(len, filled[i])) / len(filled[i]) for i in rest}
    speakers = [i for i in rest if all(map(plausible, filled[i]))
                and len(filled[i]) * 2 > len(rows) and max(Counter(filled[i]).values()) >= 2]
    if not speakers:
        return None
    found["speaker"] = speakers[0]
    found["text"] = max(rest, key=lambda i: length[i])
    if length[found["text"]] <= length[found["speaker"]]:
        return None
    return found


def in_milliseconds(name) -> bool:
    """Whether a time column's name says its numbers are milliseconds."""
    return bool(_MILLISECONDS.fullmatch(re.sub(r"[()\[\]]", "", column_key(name))))


def parse_time(value, source: str, line: int, *, per_second: float = 1) -> float | None:
    """Seconds from ``12.5`` (a number of 1/``per_second`` seconds: 1000 for a column
    in milliseconds, 1/86400 for fractions of a day), ``"00:03:15"``, ``"1:02:03.5"`` or
    ``"75:10"`` (minutes and seconds: a long recording's minutes pass 59), or a
    spreadsheet's time of day or duration (``datetime.time``, ``timedelta``, past 24
    hours too); None when blank.
    Raises IngestError for anything else, including NaN, infinity, negative times,
    60 seconds or more (``00:01:75``), 60 minutes or more after hours (``00:75:00``),
    times past :data:`MAX_HOURS` and dates (a spreadsheet's ``datetime``)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if isinstance(value, datetime):
        raise IngestError(f"cannot read time {text!r}: {_date_problem(value)}",
                          file=source, line=line)
    match = _CLOCK.match(text)
    if match and (float(match[3].replace(",", ".")) >= 60 or match[1] and int(match[2]) >= 60):
        raise IngestError(f"cannot read time {text!r}: "
                          + ("minutes and seconds" if match[1] else "seconds")
                          + " run from 00 to 59", file=source, line=line)
    try:
        seconds = value.total_seconds() if isinstance(value, timedelta) else (
            float(text) / per_second if per_second >= 1     # days to the ms
            else round(float(text) / per_second, 3)) if not match else clock_seconds(text)
    except ValueError:
        seconds = None
    problem = time_problem(seconds)
    if problem:
        if whole(value) is not None and UNIX_TIMES <= seconds < 10 * UNIX_TIMES:
            problem += ("; this looks like a date and time (a Unix time), not an offset "
                        "into the recording: give the time from its start")
        elif (per_second == 1 and whole(value) is not None
                and MAX_HOURS * 3600 < seconds <= MAX_HOURS * 3600 * 1000):
            problem += ("; if the times are milliseconds, name the columns `start_ms` and "
                        "`end_ms`")
        raise IngestError(f"cannot read time {text!r}: {problem}", file=source, line=line)
    return seconds


def clock_seconds(text: str | None) -> float | None:
    """Seconds of a time written ``h:mm:ss`` or ``mm:ss`` (``00:03:15``, ``1:02:03.5``,
    ``75:10``), its fields as written (:func:`parse_time` checks them); None for none or
    another (``2:15 PM``, ``75.5``)."""
    match = _CLOCK.match(text.strip()) if text else None
    if not match:
        return None
    return int(match[1] or 0) * 3600 + int(match[2]) * 60 + float(match[3].replace(",", "."))


def _date_problem(value: datetime) -> str:
    """Why a spreadsheet's date and time is not read as a time in a recording."""
    if not SHEET_DAYS[0] <= value < SHEET_DAYS[1]:
        return ("a date and time, not an offset into the recording: give the time from "
                "its start (00:03:15)")
    seconds = round((value - SHEET_DAYS[0]).total_seconds()) + DAY
    return (f"a time past 24 hours in a time-of-day format (h:mm:ss) shows wrapped round "
            f"the clock ({seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d} as "
            f"{value:%H:%M:%S}); format the column as a duration, [h]:mm:ss, and check the "
            "times")


def whole(value) -> int | None:
    """``value`` as a whole number when it is written as one (``1230``, ``"1230"``,
    ``1230.0`` from a spreadsheet), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _time_cells(turns: list[tuple[object, object, str]]) -> list[object]:
    """The start and end cells of ``turns`` that hold something."""
    return [value for start, end, _ in turns for value in (start, end)
            if value is not None and str(value).strip()]


def _median_rate(turns: list[tuple[object, object, str]], parse) -> float | None:
    """The median words a second of ``turns`` whose start and end, read by ``parse``,
    are both there and in order; None unless more than half of them are."""
    rates = [len(text.split()) / (parse(end) - parse(start)) for start, end, text in turns
             if parse(start) is not None and parse(end) is not None
             and parse(end) > parse(start)]
    return median(rates) if len(rates) * 2 > len(turns) else None


def milliseconds_evidence(turns: list[tuple[object, object, str]]) -> str | None:
    """Why the plain ``start``/``end`` times of ``turns`` (start, end, text) must be
    milliseconds, or None: every time is a whole number, more than half the turns have
    both, and the median speaking rate over those is absurd read as seconds (below 0.05 words a second, 20
    seconds a word) but ordinary read as milliseconds (0.5 to 6 words a second)."""
    cells = _time_cells(turns)
    if not cells or any(whole(value) is None for value in cells):
        return None
    rate = _median_rate(turns, whole)
    if rate is None or not (rate < 0.05 and 0.5 <= rate * 1000 <= 6):
        return None
    return (f"start/end times read as milliseconds: all are whole numbers, and as seconds "
            f"the median turn would be spoken at {rate:.3f} words a second ({rate * 1000:.1f} "
            "as milliseconds); name the columns `start_ms` and `end_ms` to say so, or if they "
            "are seconds give them as clock times (00:03:15)")


def day_fraction_evidence(turns: list[tuple[object, object, str]]) -> str | None:
    """Why the plain ``start``/``end`` times of ``turns`` (start, end, text) must be
    fractions of a day (a spreadsheet's times without their time format: ``0.000868`` is
    00:01:15), or None: every time is a number from 0 to 1, more than half the turns
    have both, and the median speaking rate over those is absurd read as seconds (over
    50 words a second) but ordinary read as days (0.5 to 6 words a second)."""
    numbers = [_number(value) for value in _time_cells(turns)]
    if not numbers or any(n is None or not 0 <= n < 1 for n in numbers) or not any(numbers):
        return None
    rate = _median_rate(turns, _number)
    if rate is None or not (rate > 50 and 0.5 <= rate / DAY <= 6):
        return None
    return (f"start/end times read as fractions of a day (a spreadsheet's times without "
            f"their time format: 0.000868 is 00:01:15): all are numbers below 1, and as "
            f"seconds the median turn would be spoken at {rate:.0f} words a second "
            f"({rate / DAY:.1f} as fractions of a day); format the columns as times "
            "(hh:mm:ss) in the spreadsheet before saving, or if they are seconds give "
            "them as clock times (00:03:15)")


def _number(value) -> float | None:
    """``value`` as a finite number, else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def time_problem(seconds: float | None) -> str | None:
    """Why ``seconds`` is not a time in a recording, or None."""
    if seconds is None:
        return "use seconds or HH:MM:SS"
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_HOURS * 3600:
        return f"a time in a recording is from 0 to {MAX_HOURS} hours"
    return None
