"""The corpus manifest (CSV or YAML): which file is which site, event and date.

Columns: ``file`` (required, relative to the transcripts folder), ``site``,
``event_type``, ``date`` (YYYY-MM-DD), ``title``; optional ``doc_id``, ``format``,
``encoding``, ``speaker_column``/``text_column``/``start_column``/``end_column``,
``phase``, ``event`` (which gathering of its site and day a document is from, when
one site met more than once on a day), ``speakers`` (labels that are speakers in this
file, separated by ``;``, or a list in a YAML manifest), ``merge_turns`` (true or
false: join consecutive rows of one speaker in a table transcript), ``turn_times``
(``offsets`` or ``clock``: what a transcript's turn times are, captions aside),
``speaker_roles``
(``Maria: facilitator; Tom: coach``, or a mapping in a YAML manifest; see
:mod:`dialogcode.roles`); any other column is kept as a document attribute.

Validated as a whole, every problem reported with its line: a file that is missing
(with the closest file name there is), outside the transcripts folder or listed twice;
a column whose name is close to a known one (``event type``), is one dialogcode
computes (``sha256``) or is what another layout named the id or the speaker roles
(``id``, ``roles``: :data:`EARLIER`); an empty site, event type or date when the
manifest has that column; a date that is not YYYY-MM-DD or not a day in the calendar; a site, event type
or phase spelled two ways (``Coaching Call`` and ``coaching_call``); an event named
for some documents of a site and date but not others; an unclosed quote
or a row with more values than columns in a CSV manifest; a list where a YAML manifest
needs one value, or a list under a key (``documents:`` beside ``version: 1.0``) in one.
"""
from __future__ import annotations

import calendar
import codecs
import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .csvrows import csv_text, nameless_values, read_csv
from .errors import ManifestError, Problem
from .formats import FORMATS, LAYOUTS
from .paths import NOT_A_FILE, refused_file, unsafe_name
from .roles import MANIFEST_COLUMN as ROLES_COLUMN
from .roles import parse_roles
from .segment import COLUMNS as SEGMENT_COLUMNS
from .yamlsrc import LineDict, line_of, load_yaml

STANDARD = ("site", "event_type", "date", "title")
REQUIRED = ("site", "event_type", "date")       # filled in every row when the column exists
SPELLED_ONE_WAY = ("site", "event_type", "phase", "event")
EVENT = "event"     # optional: which gathering of a site and day a document is from
COLUMN_KEYS = {"speaker_column": "speaker", "text_column": "text",
               "start_column": "start", "end_column": "end"}
OPTIONS = {"file", "doc_id", "format", "encoding", "speakers", "merge_turns", "turn_times",
           *COLUMN_KEYS}
TURN_TIMES = ("offsets", "clock")
KNOWN = (*STANDARD, "phase", EVENT, ROLES_COLUMN, *sorted(OPTIONS))
COMPUTED = sorted({"source_path", "sha256", "n_words", "n_segments", "text", "codes",
                   "n_codes", "speaker_notes", "codable", *SEGMENT_COLUMNS} - {"doc_id"})
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# what an earlier or another layout named the document id and the speaker roles: kept as
# attributes, the documents would be named after their files and every speaker a participant
EARLIER = {"id": "doc_id", "document_id": "doc_id", "roles": ROLES_COLUMN,
           "staff_speakers": ROLES_COLUMN}


@dataclass
class Entry:
    file: str
    line: int
    doc_id: str | None = None
    format: str | None = None
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    speakers: frozenset[str] = frozenset()
    merge_turns: bool | None = None     # None: as dialogcode.yaml says
    turn_times: str | None = None       # offsets or clock; None: as dialogcode.yaml says
    attributes: dict[str, str] = field(default_factory=dict)


def load_manifest(path: Path, transcripts: Path) -> list[Entry]:
    """Read and validate the manifest; file paths are checked against ``transcripts``.

    Raises ManifestError listing every problem (see the module doc) with its line.
    """
    source = str(path)
    columns, rows, problems = _read(path, source)
    problems += _column_problems(columns, rows, source)
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    files = _Folder(transcripts)
    for line, row in rows:
        def bad(message, key=None, row=row, line=line):
            problems.append(Problem(message, source, line_of(row, key) or line, key))

        file = _text(row.get("file"))
        if not file:
            if not isinstance(row.get("file"), (list, dict)):
                bad("no file given", "file")
            _entry(file, line, row, columns, bad)     # for the row's other problems
            continue
        file = files.spelled(file)
        if file in seen:
            bad(f"{file!r} is listed twice (first on line {seen[file]})", "file")
            continue
        seen[file] = line
        why = files.problem(file)
        if why:
            bad(why, "file")
        entries.append(_entry(file, line, row, columns, bad))
    problems += _spelling_problems(rows, source) + _event_problems(rows, source)
    if problems:
        raise ManifestError(sorted(problems, key=lambda p: (p.line or 0, p.key or "")))
    return entries


def column_line(path: Path, column: str) -> int | None:
    """The line of the manifest ``path`` that names ``column``: the header of a CSV
    manifest, the first entry giving it in a YAML one; None when no line does or the
    manifest cannot be read (it changed since the documents were read from it)."""
    try:
        columns, rows, _ = _read(path, str(path))
    except (OSError, ManifestError):
        return None
    if path.suffix.lower() not in (".yaml", ".yml"):
        return 1 if column in columns else None
    return next((line_of(row, column) for _, row in rows if column in row), None)


def _entry(file: str, line: int, row: dict, columns: list[str], bad) -> Entry:
    """The Entry of one row; its problems go to ``bad(message, key)``."""
    text = {key: _text(value) for key, value in row.items()}
    roles = row.get(ROLES_COLUMN)
    if isinstance(roles, dict):        # a YAML manifest's mapping, as the CSV cell reads
        text[ROLES_COLUMN] = "; ".join(f"{label}: {role}" for label, role in roles.items())
    for problem in parse_roles(text.get(ROLES_COLUMN, ""))[1]:
        bad(problem, ROLES_COLUMN)
    for key, value in row.items():
        if ((key == "speakers" and isinstance(value, list))
                or (key == ROLES_COLUMN and isinstance(value, dict))):
            continue
        if isinstance(value, (list, dict)):
            bad(f"{key} is a {'list' if isinstance(value, list) else 'mapping'}; give one "
                "value", key)
        elif isinstance(value, bool) and key != "merge_turns":
            bad(f"{key} reads as {str(value).lower()} (YAML reads yes, no, on, off as "
                "true or false); put the value in quotes", key)
    entry = Entry(file, line, doc_id=text.get("doc_id") or None,
                  format=text.get("format") or None, encoding=text.get("encoding") or None)
    if entry.format and entry.format not in (*FORMATS, *LAYOUTS):
        bad(f"unknown format {entry.format!r}; use one of {', '.join((*FORMATS, *LAYOUTS))}",
            "format")
    if entry.encoding:
        try:
            codecs.lookup(entry.encoding)
        except LookupError:
            bad(f"unknown encoding {entry.encoding!r}", "encoding")
    entry.columns = {role: text[key] for key, role in COLUMN_KEYS.items() if text.get(key)}
    merge = row.get("merge_turns")
    if isinstance(merge, bool):
        entry.merge_turns = merge
    elif text.get("merge_turns"):
        entry.merge_turns = {"true": True, "false": False}.get(text["merge_turns"].lower())
        if entry.merge_turns is None:
            bad(f"merge_turns {text['merge_turns']!r} is not true or false", "merge_turns")
    entry.turn_times = text.get("turn_times", "").lower() or None
    if entry.turn_times not in (None, *TURN_TIMES):
        bad(f"turn_times {text['turn_times']!r} is not offsets or clock", "turn_times")
    listed = row.get("speakers") or []
    listed = listed if isinstance(listed, list) else str(listed).split(";")
    entry.speakers = frozenset(str(s).strip() for s in listed if str(s).strip())
    for key in REQUIRED:
        if key in columns and not text.get(key) and not isinstance(row.get(key), (list, dict)):
            bad(f"no {key} given" + (" (YYYY-MM-DD; if no file has a date, leave the date "
                                      "column out)" if key == "date" else ""), key)
    if text.get("date"):
        why = date_problem(text["date"])
        if why:
            bad(why, "date")
    entry.attributes = {k: text.get(k, "") for k in columns if k not in OPTIONS}
    return entry


def date_problem(value: str) -> str | None:
    """Why ``value`` is not a YYYY-MM-DD day of the calendar, or None."""
    if not DATE.fullmatch(value):
        return f"date {value!r} is not YYYY-MM-DD"
    year, month, day = (int(part) for part in value.split("-"))
    if year == 0:
        return f"date {value!r} is not a day in the calendar: there is no year 0"
    if not 1 <= month <= 12:
        return f"date {value!r} is not a day in the calendar: there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return (f"date {value!r} is not a day in the calendar: "
                f"{calendar.month_name[month]} {year} has {days} days")
    return None


def _text(value) -> str:
    """A cell as text; lists and mappings (reported elsewhere) as nothing."""
    return "" if value is None or isinstance(value, (list, dict)) else str(value).strip()


class _Folder:
    """The transcripts folder, for checking the files a manifest names."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._names: list[str] | None = None

    def problem(self, file: str) -> str | None:
        why = unsafe_name(file)
        if why:
            return (f"file {file!r} is refused ({why}); give its path inside the "
                    "transcripts folder")
        path = self.folder / file
        if path.is_dir():
            return f"file {file!r} is a folder; name a transcript file in it"
        if not path.exists() and not path.is_symlink():
            close = difflib.get_close_matches(file, self.names(), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return f"file {file!r} is not in {self.folder}{hint}"
        why = refused_file(path, self.folder)
        return why or (None if path.is_file() else f"file {file!r} is {NOT_A_FILE}")

    def spelled(self, file: str) -> str:
        """``file`` as the folder spells it: without ``./`` or doubled slashes
        (``./call.txt`` is ``call.txt``), with ``/`` for the ``\\`` of a Windows path
        when the file is not found otherwise, and when only the Unicode form of its
        letters differs (``é`` as one character or as ``e`` and an accent, as names
        copied from a Mac are written), as the folder has it."""
        file = PurePosixPath(file).as_posix()
        # a manifest written on Windows (`north\notes.md`): `\` as the separator it is there
        windows = PurePosixPath(file.replace("\\", "/")).as_posix()
        for name in (file, windows):
            if (self.folder / name).exists():
                return name
        wanted = unicodedata.normalize("NFC", windows)
        return next((name for name in self.names()
                     if unicodedata.normalize("NFC", name) == wanted), file)

    def names(self) -> list[str]:
        """Files in the folder, as paths relative to it."""
        if self._names is None:
            self._names = sorted(p.relative_to(self.folder).as_posix()
                                 for p in self.folder.rglob("*") if p.is_file()
                                 ) if self.folder.is_dir() else []
        return self._names


def _column_problems(columns: list[str], rows, source: str) -> list[Problem]:
    """Columns named like a known column but not the same, and columns dialogcode
    computes itself."""
    problems = []
    for column in columns:
        line = next((line_of(row, column) for _, row in rows if column in row), None) or 1
        if column in COMPUTED:
            problems.append(Problem(f"column {column!r} is one dialogcode computes for its "
                                    f"tables; rename it (for example manifest_{column})",
                                    source, line, column))
        elif column not in KNOWN:
            near = re.sub(r"[\s\-.]+", "_", column.strip().lower())
            close = [near] if near in KNOWN else difflib.get_close_matches(near, KNOWN, n=1,
                                                                          cutoff=0.8)
            if near in EARLIER:
                problems.append(Problem(
                    f"column {column!r} is not read as {EARLIER[near]}: rename it "
                    f"{EARLIER[near]} (or, to keep it as a document attribute, another name "
                    f"such as manifest_{column})", source, line, column))
            elif close:
                problems.append(Problem(
                    f"unknown column {column!r}: did you mean {close[0]!r}? (columns not "
                    "close to a known name are kept as document attributes)",
                    source, line, column))
    return problems


def _spelling_problems(rows, source: str) -> list[Problem]:
    """Values of a site, event type or phase that differ from another only in case,
    spaces or punctuation; the spelling most rows use is taken as meant."""
    problems = []
    for column in SPELLED_ONE_WAY:
        spellings: dict[str, Counter] = {}
        first: dict[str, int] = {}
        values = [(line, row, _text(row.get(column))) for line, row in rows]
        for line, _, value in values:
            key = re.sub(r"[\W_]+", "", value.casefold())
            if key:
                spellings.setdefault(key, Counter())[value] += 1
                first.setdefault(value, line)
        for counts in spellings.values():
            if len(counts) < 2:
                continue
            meant = max(counts, key=lambda v: (counts[v], -first[v]))
            problems += [Problem(f"{column} {value!r} differs from {meant!r} (line "
                                 f"{first[meant]}) only in case, spaces or punctuation; "
                                 "write it the same way in every row",
                                 source, line_of(row, column) or line, column)
                         for line, row, value in values if value in counts and value != meant]
    return problems


def _event_problems(rows, source: str) -> list[Problem]:
    """Dated rows without an ``event`` where another row of their site and date names
    one: the event names tell a day's gatherings apart, and a document left out would be
    an event of its own."""
    named: dict[tuple[str, str], tuple[int, str]] = {}
    for line, row in rows:
        key = (_text(row.get("site")), _text(row.get("date")))
        if key[1] and _text(row.get(EVENT)):
            named.setdefault(key, (line_of(row, EVENT) or line, _text(row.get(EVENT))))
    problems = []
    for line, row in rows:
        key = (_text(row.get("site")), _text(row.get("date")))
        if key in named and not _text(row.get(EVENT)):
            first, event = named[key]
            problems.append(Problem(
                f"no event given, while line {first} names one ({event!r}) for {key[0]} on "
                f"{key[1]}: name the event of every document of that site and day, or of "
                "none (then they are one event)", source, line_of(row, EVENT) or line, EVENT))
    return problems


def _read(path: Path, source: str) -> tuple[list[str], list[tuple[int, dict]],
                                            list[Problem]]:
    """(columns, (line, row) pairs, problems of the file's structure)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path, source)
    return _read_csv(csv_text(path, ManifestError), source)


def _read_csv(text: str, source: str):
    header, values, problems = read_csv(text, source, multiline=False)
    if header is None:
        raise ManifestError(problems)
    columns = [name.strip() for name in header]
    if "file" not in columns:
        raise ManifestError(f"the manifest needs a `file` column; it has: "
                            f"{', '.join(columns) or '(nothing)'}", file=source, line=1)
    problems += [Problem(f"column {name!r} appears twice in the header", source, 1, name)
                 for name, n in Counter(columns).items() if n > 1 and name]
    problems += nameless_values(columns, values, source)
    rows = [(line, {name: value.strip() for name, value in zip(columns, row) if name})
            for line, row in values]
    return [name for name in columns if name], rows, problems


def _read_yaml(path: Path, source: str):
    # ids and sites as written (`010`, not 8), as a CSV manifest reads them
    data = load_yaml(path, ManifestError, numbers_as_written=True)
    problems: list[Problem] = []
    # `version: 1.0` over `documents: [- file: ...]`: no file is named documents (a list
    # of entries without a file is one file's entry written with a dash, reported below)
    lists = [key for key, value in data.items() if isinstance(value, list) and any(
        isinstance(item, dict) and "file" in item for item in value)
             ] if isinstance(data, dict) else []
    if lists:
        rest = [key for key in data if key not in lists]
        raise ManifestError(
            "a YAML manifest is the list of entries (- file: ..., site: ...), or a mapping "
            "of each file to its entry; this one has "
            + " and ".join([*map(repr, rest), f"{', '.join(map(repr, lists))} "
                            f"({'lists' if len(lists) > 1 else 'a list'})"])
            + " at the top: " + (f"remove {', '.join(map(repr, rest))} and " if rest else "")
            + f"make the list under {lists[0]!r} the whole file", file=source, line=1)
    if isinstance(data, dict):  # {file: {site: ..}} form
        items = []
        for key, value in data.items():
            if value is not None and not isinstance(value, dict):
                problems.append(Problem(f"the entry of {key!r} must be a mapping of columns "
                                        "to values ({site: ..., date: ...})", source,
                                        line_of(data, key)))
                continue
            items.append((line_of(data, key) or 0, _with_file(value or {}, key,
                                                             line_of(data, key))))
    elif isinstance(data, list):
        items = []
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                problems.append(Problem("each entry must be a mapping of columns to values "
                                        "(file: ..., site: ...)", source, line_of(data, index)))
                continue
            items.append((line_of(data, index) or 0, item))
    else:
        raise ManifestError("a YAML manifest is a list of {file, site, event_type, "
                            "date, ...} entries", file=path, line=1)
    for line, row in items:
        for key in [key for key in row if not isinstance(key, str) or not key.strip()]:
            problems.append(Problem(f"{key!r} is not a column name", source,
                                    line_of(row, key) or line))
            del row[key]
    columns = list(dict.fromkeys(key for _, row in items for key in row))
    return columns, items, problems


def _with_file(row: dict, file, line: int | None) -> LineDict:
    """``row`` of the {file: {...}} form with ``file`` added first, keeping its lines."""
    result = LineDict({"file": file, **row})
    result.line = line or 0
    result.lines = {"file": line, **getattr(row, "lines", {})}
    return result
