"""Which of a quote's places a quotes table's row means (docs/interchange.md): a row's
optional ``speaker`` and ``line`` columns name the turn it is in, and a message on a
quote found at several places names each and what the row may write to code one."""
from __future__ import annotations

from ..normalize import normalize_text
from .base import Documents


def named_turn(row: dict[str, str], docs: Documents, doc_id: str
               ) -> tuple[str, str, int | None]:
    """(what the row names of its turn, for a message: ``speaker 'P2' and line '5'``,
    the speaker shown as the outputs show document ``doc_id``'s text (:func:`_shown`);
    the speaker named (:func:`_label`) or ""; the line named or None) from a quotes
    table's optional ``speaker`` and ``line`` columns (a line cell checked to be a whole
    number by :func:`.tabular._place`)."""
    speaker = row.get("speaker", "").strip().removesuffix(":").strip()
    cell = row.get("line", "").strip()
    named = " and ".join(([f"speaker {_shown(speaker, doc_id, docs)}".rstrip()]
                          if speaker else []) + ([f"line {cell!r}"] if cell else []))
    return named, _label(speaker), int(cell) if cell else None


def _label(speaker: str) -> str:
    """A speaker label as a row's and the transcript's are compared: case, the form of
    accents (composed or not) and runs of spaces aside."""
    return " ".join(normalize_text(speaker).split()).casefold()


def _shown(value: str, doc_id: str, docs: Documents) -> str:
    """``'value'`` for a message, masked as the outputs mask document ``doc_id``'s text
    (:meth:`.base.Documents.excerpt`: a speaker's name typed in a row, too), or "" where
    they show none of it."""
    return docs.excerpt(value, doc_id).removeprefix(" (")[:-1]


def in_turn(named: tuple[str, str, int | None], docs: Documents, doc_id: str,
            place: tuple[int, int]) -> bool:
    """Whether a quote's ``place`` is in a turn of the speaker and on the line the row
    ``named`` (:func:`named_turn`), each when given: the line its turn starts on, or in
    a plain-text transcript the line the place starts on, as an editor shows the file
    (:meth:`.base.Documents.shown_lines`; not counted where it cannot be)."""
    _, speaker, line = named
    if not speaker and line is None:
        return True
    seg = docs.segment_of(doc_id, *place)
    if seg is None or speaker and _label(docs.speaker[seg]) != speaker:
        return False
    if line is None or docs.line[seg] == line:
        return True
    shown = docs.shown_lines(doc_id)
    return shown is not None and shown.count("\n", 0, place[0]) + 1 == line


def unlined(named: tuple[str, str, int | None], docs: Documents, doc_id: str) -> str:
    """Why a row's line (``named``, :func:`named_turn`) was compared with its quote's
    turn's line only, in a plain-text transcript whose own lines could not be counted
    (:meth:`.base.Documents.unshown`), for a message; or ""."""
    why = docs.unshown(doc_id) if named[2] is not None else ""
    return (f" (the line was compared with the line each turn starts on only, not the "
            f"line the quote is on: {why})") if why else ""


def places_told(places: list[tuple[int, int]], doc_id: str, docs: Documents) -> str:
    """Where a quote's ``places`` are, for a message: each one's segment, the line of its
    turn and (as the outputs show it) its speaker, and its offsets; the first five."""
    told = []
    for start, end in places[:5]:
        seg = docs.segment_of(doc_id, start, end)
        line = docs.line.get(seg) if seg else None
        said = _shown(docs.speaker.get(seg, ""), doc_id, docs)
        about = ", ".join(([f"line {line}"] if line is not None else [])
                          + ([f"speaker {said}"] if said else []))
        told.append(f"{seg or 'between segments'}{f' ({about})' if about else ''} at "
                    f"{start}-{end}")
    return ", ".join(told) + (f" and {len(places) - 5} more" if len(places) > 5 else "")


def remedy(places: list[tuple[int, int]], doc_id: str, docs: Documents,
            export: bool) -> str:
    """What a row may say to code one of a quote's ``places``: more of the text (unless
    each place is a whole segment, as "Yes." said twice is); in a table, the turn's
    speaker (in a column ``speaker``) when each place is in a turn of another speaker,
    its line (``line``) when each is on another, and its start and end in any case; a
    row of a tool's ``export`` is coded by hand in the coder file instead."""
    segs = [docs.segment_of(doc_id, *place) for place in places]
    speakers = [docs.speaker.get(seg, "") if seg else "" for seg in segs]
    lines = [docs.line.get(seg) if seg else None for seg in segs]
    whole = all(seg and docs.bounds(seg)[1:] == place for seg, place in zip(segs, places))
    ways = [] if whole else ["quote more of the text"]
    if export:
        ways.append("import with --skip-unlocated and add the coding to the coder file "
                    "by hand: a row of the place's seg_id, the code's id, its start and "
                    "end and the words coded (columns seg_id,code_id,start,end,quote)")
    else:
        if all(speakers) and len(set(map(_label, speakers))) == len(places):
            ways.append("name its turn's speaker in a speaker column")
        if None not in lines and len(set(lines)) == len(places):
            ways.append(f"give its turn's line in a line column "
                        f"({' or '.join(map(str, lines))})")
        ways.append("give its start and end (columns start,end: other rows may leave "
                    "them empty)")
    return ", ".join(ways[:-1]) + (", or " if len(ways) > 1 else "") + ways[-1]
