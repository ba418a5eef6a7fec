"""Times of day and dates in a table's time columns (``09:30:05``, ``2019-06-05
09:30:05``) or a plain-text transcript's turn times (``[09:30:05] P1:``, ``(2:15 PM)
Ana:``): when the transcript was spoken, not where in the recording.

Most transcription exports that write them mean the recording's clock, started at the
first turn, so they are read as times from the first row's (or turn's) start, with a
note. The same rules hold for a plain-text transcript's turn times, a turn for a row:

- **dates and times** (a spreadsheet's date-time cells, or text written
  ``2019-06-05 09:30:05`` or ``2019-06-05T09:30:05``) from the first filled start cell,
  every other start one too (one written otherwise is an error naming its row). A
  column of dates alone (every one at midnight) is refused: a date is not a time.
- **times of day** (a spreadsheet's time cells, or text written ``h:mm:ss``) from the
  first filled start cell, at :data:`SURE_FROM_HOUR` or later: a recording's first
  words come within its first hours, so ``09:30:05`` there is the time of day, and
  every other start must be one too (a number or ``mm:ss`` among them is an error
  naming its row). Earlier first times (``00:01:15``, ``01:00:00`` as video time codes
  start) are offsets as before, and so are durations (``[h]:mm:ss`` cells), numbers,
  and a column with a start of 24 hours or more (``25:00:00`` is no time of day). A
  first time from :data:`FROM_HOUR` to :data:`SURE_FROM_HOUR` may be either (part 2 of
  a recording, from ``05:10:00``, or an early meeting): an error until the study says
  which (``turn_times``).
- **times with AM or PM** (text written ``9:30:05 AM``, ``2:15 PM``, ``2:15 p.m.``) in
  any filled start cell: a time of day whatever the hour. Every other time cell written
  as text must then say AM or PM too (``2:15:00`` among them is morning or afternoon,
  ambiguous: an error naming its row); a spreadsheet's time cells may stand among them.

A time of day more than twelve hours before the row above's start is past midnight, on
the next day (a hearing running late: ``23:59:30`` then ``00:02:00``), and so is an end
that far before its row's start; the note names the first row past midnight. Any other
time before the first row's start is an error naming its row (the rows out of time
order).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta

from ..errors import IngestError
from .columns import DAY, SHEET_DAYS, parse_time, time_problem
from .speakers import Note

FROM_HOUR = 5       # a first time before 05:00:00 is an offset into the recording
SURE_FROM_HOUR = 7  # one from 07:00:00 on a time of day; between them, the study says
RESTART = 60        # an offset going back to one under a minute: the clock restarted
LISTED = 5          # lines of times before the one above them a note lists
DAY_CLOCK = re.compile(r"^\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?$")       # 09:30:05
NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")                          # 75.5
PAST_DAY = re.compile(r"^(\d+):\d{2}:\d{2}(?:[.,]\d+)?$")           # 25:00:00
MERIDIEM = re.compile(      # 9:30:05 AM, 2:15 PM, 2:15 p.m.
    r"^(\d{1,2}):(\d{2})(?::(\d{2}(?:[.,]\d+)?))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)
DATE_TIME = re.compile(      # 2019-06-05, 2019-06-05 09:30, 2019-06-05T09:30:05.5+02:00
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?$")

Read = Callable[[object, int], "float | None"]


def _moment(value) -> datetime | None:
    """``value`` as a date and time: a spreadsheet's date-time cell (not one of the
    made-up 1900 dates of a wrapped duration, :data:`~.columns.SHEET_DAYS`) or ISO
    text; else None."""
    if isinstance(value, datetime):
        return None if SHEET_DAYS[0] <= value < SHEET_DAYS[1] else value
    text = value.strip() if isinstance(value, str) else ""
    if not DATE_TIME.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace(",", "."))
    except ValueError:
        return None


def _of_day(value) -> bool:
    """Whether ``value`` is written as a time of day: a time cell or ``h:mm:ss`` text
    before 24:00:00."""
    if isinstance(value, time):
        return True
    text = value.strip() if isinstance(value, str) else ""
    return bool(DAY_CLOCK.match(text)) and int(text.split(":")[0]) < 24


def _past_day(value) -> bool:
    """Whether ``value`` is a time of 24 hours or more: ``h:mm:ss`` text or a
    spreadsheet's duration (an offset into a long recording, no time of day)."""
    if isinstance(value, timedelta):
        return value >= timedelta(days=1)
    hours = PAST_DAY.match(value.strip()) if isinstance(value, str) else None
    return bool(hours) and int(hours[1]) >= 24


def _marked(value) -> bool:
    """Whether ``value`` is text written as a time with AM or PM."""
    return isinstance(value, str) and bool(MERIDIEM.match(value.strip()))


def _day_seconds(value, source: str, line: int) -> float | None:
    """Seconds into the day of ``value`` written as a time of day (:func:`_of_day`, or
    with AM or PM); None for anything else. Raises IngestError for a time that is none
    (``09:75:00``, ``13:00 PM``, ``9:75 AM``)."""
    if not _marked(value):
        if not _of_day(value):
            return None
        return parse_time(value, source, line)
    text = value.strip()
    hour, minute, second, half = MERIDIEM.match(text).groups()
    seconds = float((second or "0").replace(",", "."))
    if not (1 <= int(hour) <= 12 and int(minute) < 60 and seconds < 60):
        raise IngestError(f"cannot read time {text!r}: a time with AM or PM runs from "
                          "12:00 AM (midnight) to 11:59:59 PM", file=source, line=line)
    return ((int(hour) % 12 + (12 if half.lower() == "p" else 0)) * 3600
            + int(minute) * 60 + seconds)


def _counted(value) -> bool:
    """Whether ``value`` is a number (``75.5``, ``"75.5"``) or a spreadsheet's duration
    cell: time counted from the recording's start, never a time of day."""
    if isinstance(value, (int, float, timedelta)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(NUMBER.match(value.strip()))


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def clock_times(rows: list[tuple[int, object, object]], source: str, *, unit: str = "row",
                turn_times: str | None = None, shown: Callable[[int], int] | None = None
                ) -> tuple[Read | None, str | None]:
    """How to read the start and end cells of table ``rows`` (line, start, end) whose
    start times are dates and times or times of day (see the module doc): (a function
    of a cell and its line giving seconds from the first row's start, the note saying
    so); (None, None) for other times. ``unit``: what a row is to a reader, ``"row"``
    or ``"turn"`` (a plain-text transcript's turn times, no end); ``turn_times``: what
    the study says the times are, ``"offsets"`` (then (None, None), unless they say
    they are dates and times or times of day, with AM or PM) or ``"clock"`` (times of
    day whatever the first's hour), None to tell from the times; ``shown``: the line
    the note names for a line of ``rows`` (:func:`~dialogcode.normalize.read_lines`).
    Raises IngestError for a start column of dates alone; with ``turn_times`` None, for
    a first start that is a time of day from :data:`FROM_HOUR` to :data:`SURE_FROM_HOUR`
    without AM or PM; and with ``"clock"``, for a first start that is no time of day
    (``9:30``, minutes and seconds). The function raises it for a cell that is not
    written like the starts or falls before the first."""
    starts = [(line, value) for line, value, _ in rows if not _blank(value)]
    if not starts:
        return None, None
    clock = turn_times == "clock"
    first_line, first = starts[0]
    show = shown or (lambda line: line)
    if _moment(first) is not None:
        if all(_moment(value) is None or _moment(value).time() == time()
               for _, value in starts):
            raise IngestError(f"the start column holds dates ({str(first).strip()!r}), not "
                              "times: map the time column as start, or leave the start "
                              "column out", file=source, line=first_line)
        origin = _moment(first)
        stamp = f"{origin:%Y-%m-%d %H:%M:%S}"
        read = _reader(source, stamp, "a date and time", unit,
                       lambda v, line: _since(_moment(v), origin))
        return read, (f"{_times(unit)} are dates and times: read as times in the "
                      f"recording from the first {unit}'s, {stamp} (line {show(first_line)}), as "
                      "00:00:00; if the recording began before it, give the times from "
                      "its start (00:03:15)")
    # AM or PM says a time of day, whatever the hour: every other text must say it too
    # (2:15:00 among them is morning or afternoon), a spreadsheet's time cell need not
    marked = any(_marked(value) for _, value in starts)
    if turn_times == "offsets" and not marked:
        return None, None
    origin = _day_seconds(first, source, first_line)
    if origin is None and clock:
        # a number or a duration cell can only count from the recording's start: the
        # setting is what is wrong, not how the time is written
        fix = ("a number counts time from the recording's start, never a time of day; "
               "set turn_times: offsets for this file in the manifest, or in dialogcode.yaml"
               if _counted(first) else
               f"write the {_times(unit)} h:mm:ss or with AM or PM, or set turn_times: "
               "offsets for this file")
        raise IngestError(f"cannot read time {str(first).strip()!r} as a time of day "
                          f"(turn_times: clock): {fix}", file=source, line=first_line)
    if origin is None or not (marked or clock or origin >= FROM_HOUR * 3600
                              and not any(_past_day(value) for _, value in starts)):
        return None, None
    stamp = str(first).strip()
    if not (marked or clock) and origin < SURE_FROM_HOUR * 3600:
        raise IngestError(
            f"cannot tell whether the {_times(unit)}, from {stamp!r}, are times of day or "
            "offsets into the recording (a later part of it): set turn_times: offsets or "
            "turn_times: clock for this file in the manifest, or in dialogcode.yaml",
            file=source, line=first_line)
    days, midnight = _days(rows, source)

    def since(value, line: int) -> float | None:
        if marked and not (_marked(value) or isinstance(value, time)):
            return None
        at = _day_seconds(value, source, line)
        if at is None:
            return None
        day, start = days.get(line, (0, None))
        at += day * DAY
        return (at + DAY if start is not None and at < start - DAY / 2 else at) - origin

    why = ("written with AM or PM" if marked else "one by turn_times: clock" if clock else
           f"past {SURE_FROM_HOUR:02d}:00:00, hours into a recording")
    kind = "a time of day with AM or PM" if marked else "a time of day"
    # a start in the noon hour among times without AM or PM: a 12-hour clock may follow
    twelve = not marked and any(str(value).strip().startswith("12:") for _, value in starts)
    if clock or marked and unit == "turn":
        offsets = ""
    elif unit == "row":
        offsets = ("; if they are offsets into the recording, give them as a duration "
                   "([h]:mm:ss) or in seconds" + ("" if marked else ", or set turn_times: "
                                                  "offsets"))
    else:
        offsets = f"; if they are offsets into the recording, each is read {stamp} earlier"
    return _reader(source, stamp, kind, unit, since, twelve=twelve), (
        f"{_times(unit)} read as times of day (the first, {stamp} on line {show(first_line)}, "
        f"is {why}): times in the recording "
        f"are given from the first {unit}'s start, as 00:00:00" + offsets
        + (f"; from line {show(midnight[0])} ({midnight[1]}) on, the times are past midnight, "
           "read as the next day" if midnight else ""))


def backwards(rows: list[tuple[int, str | None]], times: list[float | None], *,
              offsets: bool, shown: Callable[[int], int] | None = None,
              speakers: list[object] | None = None) -> list[Note]:
    """A note at the first of ``rows`` (line, a turn's time as written) whose time
    in seconds (``times``) is before the time above it, listing the lines of the others
    (up to :data:`LISTED`): a typo, or a marker earlier than its own turn's time, kept
    as written. Among ``offsets``, one going back under :data:`RESTART` seconds is the
    clock started again (a second recording), and times of day past midnight are read
    as the next day, so neither is one. ``speakers``: a table's rows' speakers, given
    for rows that may be sorted by speaker (then one going back to a speaker not heard
    above is no clock started again, and the words say to sort the rows). ``shown``:
    the line the words name for a line of ``rows``."""
    show = shown or (lambda line: line)
    found, above, heard = [], None, set()
    for k, ((line, stamp), seconds) in enumerate(zip(rows, times)):
        who = speakers[k] if speakers is not None else None
        if seconds is None:
            heard.add(who)
            continue
        again = offsets and seconds < RESTART and (speakers is None or who in heard)
        if above is not None and seconds < above[2] and not again:
            found.append((line, stamp, above))
        above = (line, stamp, seconds)
        heard.add(who)
    if not found:
        return []
    (line, stamp, above), others = found[0], [show(line) for line, *_ in found[1:]]
    why = (f"time {stamp} is before the time above it, {above[1]} (line {show(above[0])}): "
           "kept as written, so durations and anything sorted by time take this turn out "
           "of order; if it is a typo, correct it" + (
               "" if speakers is None else "; if the rows are not in time order (sorted by "
               "speaker), sort them by start time"))
    listed = ", ".join(map(str, others[:LISTED])) + (
        f" and {len(others) - LISTED} more" if len(others) > LISTED else "")
    if len(others) == 1:
        why += f"; so is 1 more time, before the time above it (line {listed})"
    elif others:
        why += f"; so are {len(others)} more times, each before the time above it (lines {listed})"
    return [Note(line, why)]


def _times(unit: str) -> str:
    return "start/end times" if unit == "row" else "turn times"


def _days(rows: list[tuple[int, object, object]], source: str
          ) -> tuple[dict[int, tuple[int, float | None]], tuple[int, str] | None]:
    """For each row (line, start, end) of times of day, its line -> (the days past the
    first row's, its start in seconds of the day, None if blank): a start more than
    twelve hours before the one above is on the next day. And the first row past
    midnight (line, its start as written), or None."""
    days, day, previous, midnight = {}, 0, None, None
    for line, start, _ in rows:
        at = _day_seconds(start, source, line)
        if at is not None and previous is not None and at < previous - DAY / 2:
            day += 1
            midnight = midnight or (line, str(start).strip())
        previous = previous if at is None else at
        days[line] = (day, None if at is None else at + day * DAY)
    return days, midnight


def _since(moment: datetime | None, origin: datetime) -> float | None:
    if moment is None:
        return None
    try:
        return (moment - origin).total_seconds()
    except TypeError:       # one with a time zone, the other without
        return None


def _reader(source: str, shown: str, kind: str, unit: str,
            since: Callable[[object, int], float | None], *, twelve: bool = False) -> Read:
    """A function reading a cell as seconds since the first start (``shown``) with
    ``since`` (of the cell and its line), None for a blank cell, raising IngestError
    naming the line otherwise; with ``twelve`` (a start at 12:mm:ss among times without
    AM or PM), one from 1:00:00 to 11:59:59 before the first says a 12-hour clock needs
    AM or PM."""
    def read(value, line: int) -> float | None:
        if _blank(value):
            return None
        text = str(value).strip()
        seconds = since(value, line)
        if seconds is None:
            if not _marked(value):
                parse_time(value, source, line)     # its own error for what is no time
            problem = (f"the start times are each {kind} (the first {shown}), and this is "
                       "not one written alike")
        elif seconds < 0:
            problem = (f"before the first {unit}'s start, {shown}, from which the times "
                       f"are read: put the {unit}s in time order")
            if twelve and _of_day(value) and isinstance(value, str) and \
                    1 <= int(text.split(":")[0]) < 12:
                problem += (", or if the times are on a 12-hour clock, write AM or PM "
                            f"after each ({text} PM)")
        else:
            problem = time_problem(seconds)
        if problem:
            raise IngestError(f"cannot read time {text!r}: {problem}", file=source, line=line)
        return seconds

    return read
