"""WebVTT (Zoom ``Name: text`` cues, Teams ``<v Name>text</v>`` cues) and SRT.

Cue numbers and timestamps become block attributes (``time_start``/``time_end`` in
seconds), not text; consecutive cues of one speaker become one turn. A small parser of
our own rather than a caption library, because a broken timestamp must be reported
with its line number.
"""
from __future__ import annotations

import html
import re

from ..errors import IngestError, Problem
from . import speakers
from .base import ParsedDocument, TextBuilder

STAMP = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
TIMING = re.compile(rf"^\s*{STAMP}\s*-->\s*{STAMP}(?:\s+.*)?$")
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>(.*?)(?:</v>|$)", re.DOTALL)
TAG = re.compile(r"</?[^>\n]+>")
ZOOM = re.compile(r"^([^\W\d_][^:\n]{0,39}):\s+(.*)$", re.DOTALL)


def _seconds(h, m, s, ms) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _cues(text: str, source: str, vtt: bool):
    """Yield (line, start, end, payload) per cue; raise on broken timing lines."""
    lines = text.split("\n")
    problems: list[Problem] = []
    notes: list[str] = []
    i = 0
    if vtt:
        if not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise IngestError("not a WebVTT file: the first line must start with WEBVTT",
                              file=source, line=1)
        i = 1
        while i < len(lines) and lines[i].strip():  # header lines
            i += 1
    cues = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        first = block[0].strip()
        if vtt and (first.startswith("NOTE") or first in ("STYLE", "REGION")):
            if first.startswith("NOTE"):
                notes.append("\n".join([first[4:].strip(), *block[1:]]).strip())
            continue
        timing_at = next((k for k, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            problems.append(Problem("cue has no timing line (`00:00:01.000 --> "
                                    "00:00:04.000`)", source, block_start + 1))
            continue
        match = TIMING.match(block[timing_at])
        line_no = block_start + timing_at + 1
        if not match:
            problems.append(Problem(f"broken timestamp: {block[timing_at].strip()!r}",
                                    source, line_no))
            continue
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end < start:
            problems.append(Problem("cue ends before it starts", source, line_no))
            continue
        cues.append((line_no, start, end, "\n".join(block[timing_at + 1:])))
    if problems:
        raise IngestError(problems)
    if not cues:
        raise IngestError("no cues found", file=source)
    return notes, cues


def _speaker_and_text(payload: str) -> tuple[str | None, str]:
    voice = VOICE.search(payload)
    if voice:
        return voice[1].strip(), TAG.sub("", voice[2])
    return None, TAG.sub("", payload)


def parse_captions(text: str, source: str, *, vtt: bool,
                   forced: frozenset[str] = frozenset()) -> ParsedDocument:
    """Turns from caption cues. A ``Name:`` prefix names the cue's speaker when most cues
    name one (as Zoom writes on every cue), else by the rules of
    :mod:`~dialogcode.formats.speakers`; ``forced`` labels always do."""
    notes, cues = _cues(text, source, vtt)
    pieces = []
    for line, start, end, payload in cues:
        speaker, body = _speaker_and_text(payload)
        body = html.unescape(" ".join(body.split()))
        pieces.append([line, start, end, speaker, body])
    candidates = [(k, m) for k, p in enumerate(pieces) if p[3] is None
                  for m in [ZOOM.match(p[4])] if m]
    labels = [speakers.Label(m[1].strip(), f"{m[1].strip()}:", pieces[k][0] + 1)
              for k, m in candidates]
    named = sum(p[3] is not None for p in pieces) + sum(
        label.name in forced or speakers.plausible(label.name) for label in labels)
    chosen = speakers.decide(labels, dense=named * 2 > len(pieces), forced=forced,
                             names_only=False)
    for (k, m), keep in zip(candidates, chosen):
        if keep:
            pieces[k][3], pieces[k][4] = m[1].strip(), m[2]
    builder = TextBuilder(preamble="\n\n".join(notes))
    for line, start, end, speaker, body in pieces:
        builder.add(speaker, body, time_start=start, time_end=end, line=line)
    parsed = builder.build()
    parsed.notes = speakers.notes(labels, chosen, forced=forced)
    return parsed
