"""The token cache's files (:class:`dialogcode.coding.DocCache`): one document's
tokenised segments (their token attribute arrays, each segment's number of tokens and
the strings the arrays use) written in one step and checked when read back, so that a
truncated, damaged or older file counts as missing instead of giving other tokens.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy

from .store import replacing

# a token file: this tag, then the numbers of segments, attributes, tokens and strings,
# the strings' size in bytes and the CRC-32 of the rest of the file (int64), each
# segment's number of tokens (int64), the attributes (int64), the token arrays (uint64,
# a row per token), then the strings in UTF-8, each followed by a NUL; numbers
# little-endian. The CRC catches a changed byte, which the sizes cannot (a space flag
# dropped would shift every later offset). 8: a lone line break is no token (nlp.py);
# 9: contractions split off any word ("company'll", nlp.py); 10: not off a name such as
# "Sa'd" or "Da'Ve" (nlp.py); 11: nor two spaces or a space and a line break (nlp.py)
TOKENS_VERSION = 11
_TOKEN_FILE_TAG = f"dialogcode tokens {TOKENS_VERSION}\n".encode()
_HEADER = len(_TOKEN_FILE_TAG) + 48


def write_token_file(path: Path, tokens: numpy.ndarray, lengths: numpy.ndarray,
                     attrs: numpy.ndarray, strings: list[str]) -> None:
    """Write token arrays (a row per token, a column per attribute in ``attrs``), each
    segment's number of tokens and the strings the arrays use to ``path`` in one step;
    nothing is written when a string holds a NUL (the file would not read back)."""
    text = ("\0".join(strings) + "\0" if strings else "").encode("utf-8")
    if text.count(b"\0") != len(strings):
        return
    body = [numpy.ascontiguousarray(array, dtype=dtype).data for array, dtype in
            ((lengths, "<i8"), (attrs, "<i8"), (tokens, "<u8"))] + [text]
    crc = 0
    for part in body:
        crc = zlib.crc32(part, crc)
    with replacing(path) as temporary, open(temporary, "wb") as out:
        out.write(_TOKEN_FILE_TAG)
        out.write(numpy.array([len(lengths), len(attrs), len(tokens), len(strings), len(text),
                               crc], dtype="<i8").tobytes())
        for part in body:
            out.write(part)


def read_token_file(path: Path) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray,
                                          list[str]]:
    """The (tokens, lengths, attrs, strings) :func:`write_token_file` wrote (the arrays
    read-only); raises ValueError when ``path`` is not such a file (another tag, a size
    that does not fit its counts, lengths that do not add up to its tokens, strings that
    are not UTF-8, a changed byte) and OSError when it cannot be read."""
    data = path.read_bytes()
    if not data.startswith(_TOKEN_FILE_TAG) or len(data) < _HEADER:
        raise ValueError(f"{path}: not a token file")
    counts = numpy.frombuffer(data, dtype="<i8", count=6, offset=len(_TOKEN_FILE_TAG))
    n_segments, n_attrs, n_tokens, n_strings, size, crc = counts.tolist()
    at = _HEADER
    if counts.min() < 0 or len(data) != at + 8 * (n_segments + n_attrs + n_tokens * n_attrs) \
            + size or zlib.crc32(memoryview(data)[at:]) != crc:
        raise ValueError(f"{path}: truncated or damaged")
    lengths = numpy.frombuffer(data, dtype="<i8", count=n_segments, offset=at)
    attrs = numpy.frombuffer(data, dtype="<i8", count=n_attrs, offset=at + 8 * n_segments)
    at += 8 * (n_segments + n_attrs)
    tokens = numpy.frombuffer(data, dtype="<u8", count=n_tokens * n_attrs, offset=at
                              ).reshape(n_tokens, n_attrs)
    strings = data[at + 8 * n_tokens * n_attrs:].decode("utf-8").split("\0")
    if strings.pop() != "" or len(strings) != n_strings or (lengths < 0).any() or \
            int(lengths.sum()) != n_tokens:
        raise ValueError(f"{path}: token arrays do not match their lengths or strings")
    return tokens, lengths, attrs, strings
