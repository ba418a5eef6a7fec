"""Decoding and normalisation, done once per document at ingest.

Rules: UTF-8 with or without BOM (other encodings only when configured, never with
``errors="ignore"``); CRLF and lone CR become LF; Unicode NFC; smart quotes and dashes
are kept as written. Every offset in every table points into text normalised this way.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from .errors import IngestError

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def normalize_text(text: str) -> str:
    """Return ``text`` with LF line ends and NFC composition (nothing else changes)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def decode(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """Decode file bytes and normalise them.

    Raises IngestError for an empty file, a binary file, or bytes that are not valid
    in ``encoding`` (naming the line and column of the first bad byte).
    """
    if not data.strip():
        raise IngestError("file is empty", file=source)
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError("binary file, not text (it contains NUL bytes); "
                          "is it in a format dialogcode reads?", file=source)
    name = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ("; if the file is Latin-1 or Windows-1252, set `encoding: cp1252` for it "
                "in the manifest or dialogcode.yaml" if name == "utf-8-sig" else "")
        raise IngestError(f"not valid {encoding}: byte 0x{data[exc.start]:02x} at column "
                          f"{column}{hint}", file=source, line=line) from None
    except LookupError:
        raise IngestError(f"unknown encoding {encoding!r}", file=source) from None
    return normalize_text(text)


def count_words(text: str) -> int:
    """Number of words (runs of letters/digits, with inner hyphens or apostrophes)."""
    return len(_WORD.findall(text))
