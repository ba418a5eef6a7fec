"""Decoding and normalisation, done once per document at ingest.

Rules: UTF-8 with or without BOM (other encodings only when configured, never with
``errors="ignore"``); CRLF and lone CR become LF; Unicode NFC; smart quotes and dashes
are kept as written. Plain text read as lines (a .txt, .md, caption or Word paragraph's
text, not a CSV or JSON value) has its other line breaks made LF too
(:func:`unify_line_breaks`). Every offset in every table points into text normalised
this way.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Sequence

from .errors import IngestError

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# the line breaks other than LF (and CR) that str.splitlines() breaks at: a vertical tab
# (Word's manual line break in a .txt export), the file, group and record separators,
# NEL, the line separator and the paragraph separator
_BREAKS = "\x0b\x1c\x1d\x1e\x85\u2028\u2029"
# what text read as lines breaks at besides LF (and CR, LF once normalised)
OTHER_BREAKS = _BREAKS + "\f"
_OTHER_BREAKS = re.compile(f"[{_BREAKS}]")
_ANY_BREAK = re.compile(f"[{OTHER_BREAKS}]")
# a form feed (a page break): beside a line break or at either end of a line of the file,
# nothing; between two characters of a line, a line break
_PAGE_BREAK = re.compile(r"(?<![^\n])\f+|\f+(?![^\n])|(\f+)")
LINE_END = re.compile(r"\r\n?|\n")     # as read, before LF line ends: what an editor counts


def normalize_text(text: str) -> str:
    """Return ``text`` with LF line ends and NFC composition (nothing else changes)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def unify_line_breaks(text: str) -> str:
    """``text`` (normalised) read as lines: each line break written otherwise than LF
    (a line or paragraph separator, a vertical tab, ...) one LF, or nothing beside a LF,
    and each run of form feeds one LF, or nothing beside a line break, so that a label
    after any of them opens a line as it does after LF, and no form feed is left inside
    a word."""
    return read_lines(text)[0]


def read_lines(text: str) -> tuple[str, Sequence[int]]:
    """``text`` (normalised) read as lines (:func:`unify_line_breaks`), and for each of
    its lines the line of ``text`` it is on: the line an editor or ``grep -n`` shows,
    where only LF ends a line (CRLF and a lone CR are LF once normalised)."""
    if not _ANY_BREAK.search(text):
        return text, range(1, text.count("\n") + 2)
    pieces = text.split("\n")
    last = len(pieces) - 1
    read = [_read_line(piece, k == 0, k == last) for k, piece in enumerate(pieces)]
    return "\n".join(read), [number for number, piece in enumerate(read, start=1)
                             for _ in range(piece.count("\n") + 1)]


def shown_place(text: str, offset: int) -> tuple[int, int]:
    """(line, column), from 1, an editor shows for the character at ``offset`` of
    ``text`` (normalised) read as lines (:func:`read_lines`): counted in ``text``, where
    only LF ends a line (a line break read for several characters: at the first)."""
    read, places = read_places(text)
    return place_after(text[:places[offset] if offset < len(read) else len(text)])


def read_places(text: str) -> tuple[str, Sequence[int]]:
    """``text`` (normalised) read as lines (:func:`read_lines`), and for each of its
    characters the offset in ``text`` of the character it was read from (a line break
    read for several characters, or beside one that was dropped: the first)."""
    read = read_lines(text)[0]
    if read == text:
        return read, range(len(text))
    places, at = [], 0
    for char in read:    # only line breaks differ: walk both to each character
        while not (char == text[at] or char == "\n" and text[at] in OTHER_BREAKS):
            at += 1
        places.append(at)
        at += 1
    return read, places


def place_after(text: str) -> tuple[int, int]:
    """(line, column), from 1, an editor shows for the character after ``text``, the
    start of a file as written: a line ends at LF, CRLF or a lone CR, nothing else (not
    at a line separator, NEL, a vertical tab or form feed, as YAML, ``str.splitlines``
    or a count of LFs alone would have it)."""
    return (len(LINE_END.findall(text)) + 1,
            len(text) - max(text.rfind("\n"), text.rfind("\r")))


def _read_line(line: str, first: bool, last: bool) -> str:
    """One line of a text (between LFs) read as lines: a line break written otherwise
    at its start or end is nothing (the line already breaks there: read as a second
    break it would make a blank line, which ends a caption cue), but at the start of the
    text or its end."""
    if not _ANY_BREAK.search(line):
        return line
    line = line if first else line.lstrip(_BREAKS)
    line = _OTHER_BREAKS.sub("\n", line if last else line.rstrip(_BREAKS))
    return _PAGE_BREAK.sub(lambda m: "\n" if m[1] else "", line) if "\f" in line else line


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode file bytes and normalise them.

    Raises IngestError for an empty file, a binary file, a file whose byte-order mark,
    NUL characters or (read as UTF-16 or UTF-32) lack of spaces and line breaks show it
    is not in ``encoding``, UTF-8 text set to another encoding (:func:`_refuse_utf8`), or
    bytes that are not valid in ``encoding`` (naming the line and column of the first bad
    byte).
    """
    if not data.strip():
        raise IngestError("file is empty", file=source)
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise IngestError(f"unknown encoding {encoding!r}", file=source) from None
    wide = codec.startswith(("utf-16", "utf-32"))
    bom = byte_order_mark(data)
    if bom and not codec.startswith(bom.lower()):
        raise IngestError(f"the file starts with a {bom} byte-order mark, so it is {bom} "
                          f"text, not {encoding}; set `encoding: {bom.lower()}` for it in "
                          "the manifest or dialogcode.yaml", file=source)
    if b"\x00" in data[:8192] and not wide:
        raise IngestError("binary file, not text (it contains NUL bytes); "
                          "is it in a format dialogcode reads?", file=source)
    if not codec.startswith("utf") and not data.isascii():
        _refuse_utf8(data, source, encoding)
    if codec.startswith("utf-8"):   # its byte-order mark dropped: bad bytes placed right
        data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = place_after(data[:exc.start].decode(encoding, "replace"))
        hint = ("; if the file is Latin-1 or Windows-1252, set `encoding: cp1252` for it "
                "in the manifest or dialogcode.yaml" if codec.startswith("utf-8") else "")
        raise IngestError(f"not valid {encoding}: byte 0x{data[exc.start]:02x} at column "
                          f"{column}{hint}", file=source, line=line) from None
    if wide and " " not in text and "\n" not in text:
        # a UTF-8 file, or UTF-16 in the other byte order, reads as CJK-looking letters
        raise IngestError(f"read as {encoding}, it has no space or line break: it is in "
                          "another encoding (UTF-8, or UTF-16 of the other byte order: "
                          "utf-16-be or utf-16-le)", file=source)
    if "\x00" in text:
        line = place_after(text[:text.index("\x00")])[0]
        raise IngestError(f"a NUL character, read as {encoding}: the file is not text, or "
                          "not in that encoding", file=source, line=line)
    return normalize_text(text.removeprefix("\ufeff") if bom else text)


def _refuse_utf8(data: bytes, source: str, encoding: str) -> None:
    """Raise IngestError when ``data``, set to be read as ``encoding`` (not a UTF), is
    UTF-8 text with letters beyond ASCII: read so, each would be garbled (``JosÃ©``),
    its speakers' labels no labels. Text in a legacy encoding is almost never valid
    UTF-8 (an accented letter is followed by a byte of 0x80 to 0xBF only by chance)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    word = re.search(r"\w*[^\x00-\x7f]\w*", text)
    garbled = word[0].encode("utf-8").decode(encoding, "replace")
    raise IngestError(f"the file is UTF-8 text, not {encoding}: read as {encoding}, "
                      f"{word[0]!r} would be {garbled!r}; set `encoding: utf-8` for it in "
                      "the manifest", file=source,
                      line=place_after(text[:word.start()])[0])


def byte_order_mark(data: bytes) -> str | None:
    """'UTF-8', 'UTF-16' or 'UTF-32' when ``data`` starts with that byte-order mark."""
    if data.startswith(codecs.BOM_UTF8):
        return "UTF-8"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    return None


def count_words(text: str) -> int:
    """Number of words (runs of letters/digits, with inner hyphens or apostrophes)."""
    return len(_WORD.findall(text))
