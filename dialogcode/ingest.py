"""Ingest: transcript files + manifest -> documents and segments tables."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import DialogcodeError, IngestError, Problem
from .formats import EXTENSIONS, read_document
from .formats.base import NOT_TALK
from .formats.speakers import Note
from .manifest import STANDARD, Entry, load_manifest
from .nlp import load_pipeline
from .normalize import count_words, decode, read_lines
from .paths import NOT_A_FILE, refused_file
from .progress import progress_bar
from .roles import MANIFEST_COLUMN as ROLES_COLUMN
from .roles import parse_roles
from .segment import COLUMNS as SEGMENT_COLUMNS
from .segment import segment_document, turn_lines
from .store import read_table, write_table
from .study import Study

DOCUMENT_COLUMNS = ["doc_id", *STANDARD, "source_path", "format", "sha256", "n_words",
                    "n_segments", "speaker_notes"]


@dataclass
class Corpus:
    """Ingested documents and segments.

    ``documents`` has :data:`DOCUMENT_COLUMNS`, manifest attributes, and ``text`` (the
    normalised text that every offset points into). ``skipped`` lists files left out
    under ``skip_bad``; ``warnings`` lists files without manifest rows and ignored files;
    ``speaker_notes`` lists the notes on how the files were read that a person should
    check (labels used once and taken as speakers, labels read as text, headings, times
    going backwards, columns not read, rows merged).
    """

    documents: pd.DataFrame
    segments: pd.DataFrame
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    speaker_notes: list[Problem] = field(default_factory=list)
    # the study whose transcripts were read, where a quote's line may be counted in its
    # file (:func:`shown_lines`); None when not known
    study: Study | None = None

    def text(self, doc_id: str) -> str:
        return self.documents.set_index("doc_id").at[doc_id, "text"]

    def __repr__(self) -> str:
        return (f"Corpus({len(self.documents)} documents, {len(self.segments)} segments, "
                f"{int(self.documents['n_words'].sum()) if len(self.documents) else 0} words)")


LONG_PREAMBLE = 100     # words before the first turn; a title, date and who was there take fewer


def find_files(folder: Path) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """(transcript files, other files, refused files with the reason) under ``folder``,
    hidden files left out. Refused: links leading outside ``folder`` and names that are
    not UTF-8 (see :func:`dialogcode.paths.refused_file`), and what is not a regular file
    (a pipe, a device, a link to nothing) named as a transcript; named otherwise (a link
    a sync tool left), it is among the other files, ignored with a warning."""
    known, other, refused = [], [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_symlink() or not p.is_dir()):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        why = refused_file(path, folder)
        if why:
            refused.append((path, why))
        elif path.is_dir():
            continue        # a link to a folder in ``folder``, whose files are found there
        elif path.suffix.lower() not in EXTENSIONS:
            other.append(path)
        elif path.is_file():
            known.append(path)
        else:
            refused.append((path, NOT_A_FILE))
    return known, other, refused


@dataclass
class Plan:
    """What ingest will read: transcript ``files`` in order with their manifest
    ``entries`` (by path relative to the transcripts folder), the ``warnings`` and the
    ``problems`` (refused files) found before reading any."""

    folder: Path
    files: list[Path]
    entries: dict[str, Entry]
    warnings: list[Problem]
    problems: list[Problem]

    def entry(self, path: Path) -> Entry:
        rel = path.relative_to(self.folder).as_posix()
        return self.entries.get(rel) or Entry(rel, 0)

    def doc_id(self, path: Path) -> str:
        entry = self.entry(path)
        return entry.doc_id or entry.file.rsplit(".", 1)[0]


@dataclass
class Reading:
    """One transcript read and segmented: its documents row (with ``text``), its
    segment rows and the notes about its speakers."""

    doc: dict
    segments: list[dict]
    notes: list[Problem]


class Duplicates:
    """Remembers the documents kept so far, to refuse a later one with the same id or
    the same text."""

    def __init__(self):
        self.ids: dict[str, str] = {}
        self.hashes: dict[str, tuple[str, bool]] = {}   # sha -> (source, manifest gave an id)

    def check(self, doc_id: str, sha: str, source: str, gave_id: bool) -> Problem | None:
        """The problem when this document repeats an earlier one, else None (and it is
        remembered)."""
        if doc_id in self.ids:
            return Problem(f"duplicate document id {doc_id!r} (also {self.ids[doc_id]}); "
                           "give one a doc_id in the manifest", source)
        if sha in self.hashes and not (gave_id and self.hashes[sha][1]):
            return Problem(f"duplicate document: same text as {self.hashes[sha][0]}", source)
        self.ids[doc_id], self.hashes[sha] = source, (source, gave_id)
        return None


def plan_ingest(study: Study) -> Plan:
    """The transcripts of ``study`` to read, from its folder and manifest.

    Raises IngestError when there is none, ManifestError for a bad manifest, ConfigError
    for a missing transcripts folder or manifest.
    """
    folder = study.transcripts
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise study.config_error(f"the transcripts folder {folder} {what}; create "
                                 "it, or name the folder that holds the transcripts",
                                 "transcripts")
    files, others, refused = find_files(folder)
    entries: dict[str, Entry] = {}
    warnings: list[Problem] = []
    problems = [Problem(why, _rel(path, study.root)) for path, why in refused]
    if study.manifest is not None:
        if not study.manifest.is_file():
            what = "is a folder" if study.manifest.is_dir() else "does not exist"
            raise study.config_error(f"{study.manifest} {what}; write the manifest "
                                     "there, or `manifest: null` for none", "manifest")
        entries = {e.file: e for e in load_manifest(study.manifest, folder)}
        listed = {folder / e.file for e in entries.values()}
        files = sorted(set(files) | {p for p in listed if p.is_file()})
        others = [p for p in others if p not in listed]
        warnings += [Problem("no manifest row: ingested without site, event or date; "
                             f"list {p.relative_to(folder).as_posix()} in "
                             f"{study.manifest.name}", _rel(p, study.root)) for p in files
                     if p.relative_to(folder).as_posix() not in entries]
    warnings += [Problem("not a transcript format; ignored", _rel(p, study.root))
                 for p in others]
    if not files:
        raise IngestError([*problems, Problem(f"no transcript files in {folder}")])
    return Plan(folder, files, entries, warnings, problems)


def parse_transcript(study: Study, path: Path, entry: Entry):
    """(parsed document, format) of the transcript at ``path`` read as ``ingest`` reads
    it, with its manifest ``entry`` and the study's settings. Raises IngestError for a
    file that cannot be read."""
    columns = {**study.config.columns.model_dump(exclude_none=True), **entry.columns}
    return read_document(path, source=_rel(path, study.root), fmt=entry.format,
                         encoding=entry.encoding or study.config.encoding,
                         columns=columns,
                         speakers=frozenset(study.config.speakers) | entry.speakers,
                         merge_turns=study.config.merge_turns
                         if entry.merge_turns is None else entry.merge_turns,
                         turn_times=entry.turn_times or study.config.turn_times,
                         limits=study.config.limits)


def shown_lines(study: Study, source_path: str, text: str) -> tuple[str | None, str]:
    """(``text``, a document's text as ingest read it from the plain-text transcript
    ``source_path``, with LF only where an editor shows a line end in that file (each
    line separator, vertical tab, NEL or form feed read as a line break a U+2028), so
    that counting LFs before an offset gives the line an editor shows it on, "");
    or (None, why the file's lines cannot be counted in ``text``, for a message): the
    file or the manifest cannot be read, the file no longer reads as ``text`` (it or
    its encoding changed since ingest), or ``text`` is rebuilt from it (cues)."""
    path = study.transcripts / source_path
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"{path} cannot be read ({exc.strerror})"
    try:
        entry = next((e for e in load_manifest(study.manifest, study.transcripts)
                      if e.file == source_path), None) \
            if study.manifest is not None else None
    except (DialogcodeError, OSError):
        return None, (f"the manifest, {study.manifest}, has problems now (run "
                      "`dialogcode ingest` to see them)")
    entry = entry or Entry(source_path, 0)
    encoding = entry.encoding or study.config.encoding
    try:
        read, lines = read_lines(decode(data, source_path, encoding))
    except IngestError:     # its message may quote the talk: not shown here, unmasked
        return None, (f"{path} no longer reads as {encoding} text (run `dialogcode "
                      "ingest` to see why)")
    if read != text:
        try:
            rebuilt = parse_transcript(study, path, entry)[0].text == text
        except DialogcodeError:
            rebuilt = False
        return None, (f"its text is rebuilt from {path} (as captions are), not kept "
                      "line for line" if rebuilt else f"{path} has changed since `dialogcode ingest` "
                      "(or the encoding it is read in)")
    pieces = read.split("\n")
    return "".join(piece + ("\n" if lines[k + 1] > lines[k] else "\u2028")
                   for k, piece in enumerate(pieces[:-1])) + pieces[-1], ""


def text_digest(text: str) -> str:
    """The ``sha256`` of a document's text, as the documents table holds it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_transcript(study: Study, plan: Plan, path: Path, unit: str, nlp) -> Reading:
    """Read and segment one transcript of ``plan`` (``nlp`` splits sentences when
    ``unit`` is sentence). Raises IngestError for a file that cannot be read."""
    source = _rel(path, study.root)
    entry = plan.entry(path)
    parsed, fmt = parse_transcript(study, path, entry)
    doc_id = plan.doc_id(path)
    rows = segment_document(doc_id, parsed, unit, nlp,
                            max_chars=study.config.max_segment_chars)
    if not study.config.code_preamble:
        parsed.notes += _long_preamble(parsed)
    attributes = {key: entry.attributes.get(key, "") for key in STANDARD}
    attributes.update(entry.attributes)
    notes = [Problem(note.message, source, note.line) for note in parsed.notes]
    notes += _absent_roles(study, entry, rows)
    doc = {"doc_id": doc_id, **attributes, "source_path": entry.file, "format": fmt,
           "sha256": text_digest(parsed.text),
           # what was said or written: the speaker labels before the turns are no words of it
           "n_words": sum(row["n_words"] for row in rows), "n_segments": len(rows),
           "speaker_notes": "; ".join([*map(str, parsed.notes),
                                       *(n.message for n in notes[len(parsed.notes):])]),
           "text": parsed.text}
    return Reading(doc, rows, notes)


def _long_preamble(parsed) -> list[Note]:
    """A note when the text before the first turn (never coded) is longer than a title,
    a date and who was there: talk or notes whose first speaker label was not found."""
    preamble = next((b for b in parsed.blocks if b.kind == "preamble"), None)
    words = count_words(parsed.text[preamble.start:preamble.end]) if preamble else 0
    if words <= LONG_PREAMBLE:
        return []
    return [Note(preamble.line or 1, f"{words} words before the first turn read as the "
                 "preamble, which is never coded; if it is talk, start it with its speaker's "
                 "label, or set code_preamble: true in dialogcode.yaml")]


def _absent_roles(study: Study, entry: Entry, rows: list[dict]) -> list[Problem]:
    """A note for each label the manifest's ``speaker_roles`` gives this file that no
    speaker of the file has (a misspelt name would leave that speaker a participant)."""
    named = parse_roles(entry.attributes.get(ROLES_COLUMN, "") or "")[0]
    if not named:
        return []
    spoken = {row["speaker"].strip().lower() for row in rows
              if isinstance(row.get("speaker"), str)}
    shown = ", ".join(sorted({row["speaker"] for row in rows
                              if isinstance(row.get("speaker"), str)})) or "none"
    return [Problem(f"speaker_roles gives {label!r} a role, but no speaker of "
                    f"{entry.file} is called that (speakers: {shown})",
                    study.config.manifest or "manifest", entry.line)
            for label in named if label.strip().lower() not in spoken]


def sentence_pipeline(study: Study, unit: str):
    """The spaCy pipeline that splits sentences when ``unit`` is sentence, else None."""
    return load_pipeline(study.config.model) if unit == "sentence" else None


def ingest(study: Study, *, unit: str | None = None, skip_bad: bool = False,
           progress: bool = False) -> Corpus:
    """Read every transcript of ``study`` and segment it by ``unit`` (default: config).

    Raises IngestError listing every bad file (unless ``skip_bad``, which records them
    in ``Corpus.skipped``), ManifestError for a bad manifest, ConfigError for a missing
    transcripts folder or manifest.
    """
    unit = unit or study.config.unit
    plan = plan_ingest(study)
    nlp = sentence_pipeline(study, unit)
    docs, segments, notes = [], [], []
    problems, seen = list(plan.problems), Duplicates()
    for path in progress_bar(plan.files, desc="ingest", enabled=progress, unit="file"):
        try:
            reading = read_transcript(study, plan, path, unit, nlp)
        except IngestError as exc:
            problems.extend(exc.problems)
            continue
        doc = reading.doc
        duplicate = seen.check(doc["doc_id"], doc["sha256"], _rel(path, study.root),
                               bool(plan.entry(path).doc_id))
        if duplicate:
            problems.append(duplicate)
            continue
        segments.extend(reading.segments)
        notes += reading.notes
        docs.append(doc)
    if problems and not skip_bad:
        raise IngestError(problems)
    documents, table = corpus_tables(study, docs, segments)
    return Corpus(documents, table, skipped=problems, warnings=plan.warnings,
                  speaker_notes=notes, study=study)


def corpus_tables(study: Study, docs: list[dict], segments: list[dict],
                  columns: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents table (``columns``, default: those of ``docs``) and the segments
    table of documents read by :func:`read_transcript`."""
    documents = pd.DataFrame(docs, columns=columns or document_columns(docs))
    table = pd.DataFrame(segments, columns=SEGMENT_COLUMNS)
    table = table.astype({"time_start": "float64", "time_end": "float64",
                          "line": "Int64", "read_line": "Int64", "turn": "Int64",
                          "backchannel": "bool"})
    table.insert(table.columns.get_loc("kind") + 1, "codable",
                 ~table["kind"].isin(NOT_TALK) | study.config.code_preamble)
    return documents, table


def document_columns(docs: list[dict]) -> list[str]:
    columns = list(DOCUMENT_COLUMNS)
    for doc in docs:
        columns.extend(k for k in doc if k not in columns and k != "text")
    return columns + ["text"]


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def write_corpus(corpus: Corpus, out: Path) -> list[Path]:
    """Write documents and segments as Parquet and CSV (the CSV leaves out full texts)."""
    return (write_table(corpus.documents, out, "documents", csv_drop=("text",))
            + write_table(corpus.segments, out, "segments"))


def load_corpus(study: Study) -> Corpus:
    """The corpus last written by `dialogcode ingest` for ``study``."""
    hint = "dialogcode ingest"
    segments = read_table(study.out, "segments", hint=hint)
    if "codable" not in segments:
        raise DialogcodeError(f"{study.out / 'segments.parquet'} was written by an older "
                              f"dialogcode; run `{hint}` again")
    return Corpus(read_table(study.out, "documents", hint=hint), segments, study=study)


def summarize(corpus: Corpus) -> pd.DataFrame:
    """Per site and event type: documents, turns, distinct speakers and words."""
    segs = corpus.segments.merge(corpus.documents[["doc_id", "site", "event_type"]], on="doc_id")
    segs = segs.assign(_speaker=segs["doc_id"] + "\x00" + segs["speaker"].fillna(""))
    turns = segs[segs["kind"] == "turn"]
    # a turn cut into sentences (or a long turn into pieces) is one turn: its segments
    # follow one another with the line the turn starts on and its speaker (two voices of
    # one caption cue share a line, not a speaker); so is one parted by a time written
    # in it, whatever line the time opens (its pieces have the turn's read_line)
    turn_key = (turns["_speaker"] + "\x00"
                + turn_lines(turns).astype("string").fillna(turns["seg_id"]))
    turns = turns.assign(_turn=turn_key.ne(turn_key.shift()).cumsum())
    grouped = corpus.documents.groupby(["site", "event_type"], dropna=False)
    summary = pd.DataFrame({
        "documents": grouped["doc_id"].count(),
        "turns": turns.groupby(["site", "event_type"], dropna=False)["_turn"].nunique(),
        "speakers": turns[turns["speaker"].notna()].groupby(
            ["site", "event_type"], dropna=False)["_speaker"].nunique(),
        "words": grouped["n_words"].sum(),
    }).fillna(0).astype(int).reset_index()
    return summary
