"""`dialogcode privacy redact`: masked copies of the transcripts in a new folder
(docs/privacy.md). The transcripts themselves are never modified.

Text formats (plain text, Markdown, VTT, SRT, CSV) are copied with every finding not
decided ``keep`` replaced by the label of its kind; JSON and JSON Lines have the
strings inside them masked (Rev's JSON written as a list of turns, each turn's words
one string: :func:`~dialogcode.formats.jsonturns.turns_json`); Word and Excel files are
written as ``.txt`` files of the document's normalised text, masked (dialogcode reads
them back as it read the original's turns). A document decided ``redact-document`` is
not copied at all. Copies are UTF-8 with LF line ends and Unicode NFC, as dialogcode
reads every file; other line breaks (a line separator, a vertical tab, a form feed,
...) are kept as written, so line N of a copy is line N of its transcript.

A speaker label holding a finding becomes ``Speaker N`` (:func:`speaker_pseudonyms`),
one number per label over the copied documents, where it stands as a label: masked to
``[NAME]``, every named speaker would be one speaker when the copy is read back (rows of
a table merged into one turn, ``[NAME]:`` read as no label at all).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DialogcodeError, Problem
from ..formats.jsonturns import turns_json
from ..formats.labels import COLON, INVISIBLE
from ..normalize import OTHER_BREAKS, decode, read_lines, read_places
from ..roles import SpeakerRoles, speaker_roles
from ..study import Study
from .gate import Masker, study_masker

REWRITTEN = ("docx", "xlsx")   # formats copied as masked .txt
PSEUDONYM = "Speaker {}"


class RedactError(DialogcodeError):
    """The target folder is refused."""


@dataclass
class Redacted:
    """What :func:`redact` wrote: copies (relative paths), how many findings were
    masked in them, copies written as .txt instead of their format, Rev JSON copies
    written as a list of turns, and documents withheld whole."""

    folder: Path
    copies: list[str] = field(default_factory=list)
    masked: int = 0
    pseudonyms: dict[str, str] = field(default_factory=dict)
    as_text: list[str] = field(default_factory=list)
    as_turns: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)


def check_target(study: Study, folder: Path, force: bool) -> Path:
    """``folder`` resolved, or RedactError when it is inside the transcripts folder (or
    holds it), or exists with files in it and ``force`` is not given."""
    target = Path(folder).resolve()
    transcripts = study.transcripts.resolve()
    if target.is_relative_to(transcripts) or transcripts.is_relative_to(target):
        raise RedactError("refused: the masked copies go to a new folder outside the "
                          f"transcripts folder ({transcripts}), which dialogcode never "
                          "writes to", file=target)
    if target.exists() and not target.is_dir():
        raise RedactError("not a folder", file=target)
    if target.is_dir() and any(target.iterdir()) and not force:
        raise RedactError("the folder exists and is not empty; choose a new folder, or "
                          "pass --force to write into it (files of the same name are "
                          "replaced)", file=target)
    return target


def speaker_pseudonyms(speakers, mask: Masker, roles: SpeakerRoles,
                       doc_ids=None) -> dict[str, str]:
    """``Speaker N`` for each speaker label (in the order of ``speakers``) that ``mask``
    would change, numbered from 1 and skipping labels ``speakers`` already has; a label
    of staff by ``roles`` (the manifest's ``speaker_roles`` in the documents of
    ``doc_ids``, one per speaker, where the label speaks, when they all agree; the
    study's ``speaker_roles:`` and the usual labels) keeps its role before it ("Coach
    Ana Ruiz" is "Coach Speaker 2", a facilitator by the manifest "Facilitator Speaker
    1"), so that the copy's speaker has the same role. Nothing else of the label is
    kept: what a mask leaves of a name ("Vishnu [NAME]") would be shown."""
    speakers = list(speakers)
    doc_ids = [""] * len(speakers) if doc_ids is None else list(doc_ids)
    found: dict[str, set] = {}
    for doc_id, label in dict.fromkeys(zip(doc_ids, speakers)):
        if isinstance(label, str) and label.strip():
            found.setdefault(label, set()).add(roles.role(doc_id, label))
    taken, pseudonyms, number = set(found), {}, 0
    for label, of_label in found.items():
        if mask.for_readers(label) != label:
            role = next(iter(of_label)) if len(of_label) == 1 else "participant"
            form = PSEUDONYM if role == "participant" else f"{role.capitalize()} {PSEUDONYM}"
            number += 1
            while {form.format(number), PSEUDONYM.format(number)} & taken:
                number += 1
            pseudonyms[label] = form.format(number)
    return pseudonyms


# where a label stands in a line (as ingest reads the lines: :func:`_masked_copy`):
# after list or quote marks, a list number or a time (`- **`, `1. `, `[00:01:05] `,
# `00:01:05 `, `(2:15 PM) `), and before what ends a label (`:`, `**:`, `]` or `)`, a time
# after it as Otter writes it, a tab); a name opening a line of talk ("Ana told me") is
# no label
_LINE_START = (r"^[^\w\n]*(?:\d+[.)][^\w\n]*)?"
               r"(?:\d{1,2}(?::\d\d){1,2}(?:[.,]\d+)?(?:\s*[AaPp]\.?[Mm]\.?)?[^\w\n]*)?")
_LABEL_END = (rf"(?=[ \t{INVISIBLE}]*(?:\*\*|__)?[ \t]*[{COLON}]|[\])]"
              r"|[ \t]*[(\[]?\d{1,2}:\d\d|\t)")


def _label_pattern(pseudonyms: dict[str, str], fmt: str) -> re.Pattern | None:
    """A speaker label where a label stands: in a CSV file a whole cell; elsewhere at the
    start of a line (:data:`_LINE_START`, :data:`_LABEL_END`) or in a caption's voice
    tag (``<v Name>``, ``<v.loud Name>``, anywhere in the cue)."""
    if not pseudonyms:
        return None
    labels = "|".join(map(re.escape, sorted(pseudonyms, key=len, reverse=True)))
    if fmt == "csv":    # a cell that is the label (spaces around it aside), not one a
        # label opens ("Ana, you?")
        return re.compile(rf'(?m)(?:^|(?<=,))[ \t]*(?:"({labels})"|({labels}))[ \t]*'
                          rf'(?=,|\r?$)')
    return re.compile(rf"(?m)(?:{_LINE_START}({labels}){_LABEL_END}"
                      rf"|<v(?:\.[-\w]+)*[ \t]+({labels})(?=[ \t]*>))")


def _mask_json(value, mask: Masker, pseudonyms: dict[str, str]):
    if isinstance(value, str):
        return pseudonyms.get(value.strip()) or mask.for_readers(value)
    if isinstance(value, list):
        return [_mask_json(v, mask, pseudonyms) for v in value]
    if isinstance(value, dict):
        return {k: _mask_json(v, mask, pseudonyms) for k, v in value.items()}
    return value


VALUES = ("csv", "json", "jsonl")     # formats whose text is values, read as written


def _masked_copy(text: str, fmt: str, mask: Masker, pseudonyms: dict[str, str]) -> str:
    if fmt == "json":
        return json.dumps(_mask_json(json.loads(text), mask, pseudonyms),
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":   # lines at LF only, as ingest reads them; blank ones kept
        return "\n".join(json.dumps(_mask_json(json.loads(line), mask, pseudonyms),
                                    ensure_ascii=False) if line.strip() else ""
                         for line in text.split("\n"))
    labels = _label_pattern(pseudonyms, fmt)
    # masked as ingest reads the text: a CSV file's values as written; other text as
    # lines (a line separator, vertical tab or form feed a line break: "Will" before one
    # and "we" is the name, as before a LF, not "Will we"), the other line breaks kept as
    # written where they stand
    read, places = (text, range(len(text))) if fmt == "csv" else read_places(text)
    # each label its pseudonym (the marks, time and quotes around it kept)
    numbered = [] if labels is None else [
        (m.start(group), m.end(group), pseudonyms[m[group]]) for m in labels.finditer(read)
        for group in (1 if m[1] is not None else 2,)]
    starts = [start for start, _, _ in numbered]

    def in_label(start: int, end: int) -> bool:     # a finding in a numbered label
        k = bisect_left(starts, end) - 1
        return k >= 0 and numbered[k][1] > start

    edits = numbered + [edit for edit in mask.labelled(read) if not in_label(*edit[:2])]
    pieces, at = [], 0
    for start, end, new in sorted(edits):
        start, end = places[start], places[end - 1] + 1
        # a name wrapped over lines keeps its line breaks: line N stays line N
        breaks = "".join(c for c in text[start:end] if c == "\n" or c in OTHER_BREAKS)
        pieces += [text[at:start], new + breaks]
        at = end
    return "".join(pieces) + text[at:]


def _not_as_ingested(study: Study, documents, entries: dict) -> list[Problem]:
    """A problem for each of ``documents`` whose transcript was deleted or changed since
    `ingest`: the scan found the identifiers of the ingested text, so a copy of other
    text could hold names it never saw."""
    from ..ingest import parse_transcript, text_digest
    from ..manifest import Entry

    again = "run `dialogcode ingest` and `dialogcode privacy scan` again before redacting"
    problems = []
    for rel, digest in zip(documents["source_path"], documents["sha256"]):
        path = study.transcripts / rel
        if not path.is_file():
            problems.append(Problem(f"ingested, but no longer in the transcripts folder; "
                                    f"{again}", str(path)))
        elif text_digest(parse_transcript(study, path, entries.get(rel) or Entry(rel, 0)
                                          )[0].text) != digest:
            problems.append(Problem(f"changed since `dialogcode ingest`; {again}", str(path)))
    return problems


def redact(study: Study, folder: Path, *, force: bool = False) -> Redacted:
    """Write masked copies of every ingested document of ``study`` to ``folder`` under
    their paths in the transcripts folder (see the module doc). Raises RedactError,
    writing nothing, for a refused folder or a document whose transcript was deleted
    or changed since `ingest`; PrivacyError for a bad privacy.yaml or decisions
    file."""
    from ..ingest import load_corpus
    from ..manifest import load_manifest
    from ..store import replacing

    target = check_target(study, folder, force)
    corpus = load_corpus(study)
    mask, _ = study_masker(study, corpus.segments, corpus.documents)
    documents = corpus.documents.sort_values("source_path")
    entries = ({e.file: e for e in load_manifest(study.manifest, study.transcripts)}
               if study.manifest is not None and study.manifest.is_file() else {})
    stale = _not_as_ingested(study, documents[~documents["doc_id"].isin(mask.withheld)],
                             entries)
    if stale:
        raise RedactError(stale)
    # only the speakers of the copies: a number taken by one of a withheld document
    # would tell that it had a named speaker, and who spoke there before the copies' own
    segments = corpus.segments
    copied = segments[~segments["doc_id"].isin(mask.withheld)]
    pseudonyms = speaker_pseudonyms(copied["speaker"], mask,
                                    speaker_roles(study.config.speaker_roles, corpus.documents),
                                    copied["doc_id"])
    done = Redacted(target, pseudonyms=pseudonyms)
    pattern = mask.pattern
    copies = {}
    for doc in documents.itertuples(index=False):
        rel = doc.source_path
        if doc.doc_id in mask.withheld:
            done.withheld.append(rel)
            continue
        if doc.format in REWRITTEN:
            text, rel = doc.text, str(Path(rel).with_suffix(".txt"))
            done.as_text.append(rel)
            copies[rel] = _masked_copy(text, "txt", mask, pseudonyms)
        else:
            entry = entries.get(doc.source_path)
            encoding = (entry.encoding if entry is not None and entry.encoding
                        else study.config.encoding)
            text = decode((study.transcripts / doc.source_path).read_bytes(),
                          doc.source_path, encoding)
            turns = turns_json(text, rel) if doc.format == "json" else None
            if turns is not None:
                text = turns
                done.as_turns.append(rel)
            copies[rel] = _masked_copy(text, doc.format, mask, pseudonyms)
        if pattern is not None:     # as the copy masks them
            done.masked += len(mask.matches(
                text if doc.format in VALUES else read_lines(text)[0], pattern))
    for rel, copy in copies.items():     # written only once every copy is made
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temporary:
            temporary.write_text(copy, encoding="utf-8", newline="\n")
        done.copies.append(rel)
    return done
