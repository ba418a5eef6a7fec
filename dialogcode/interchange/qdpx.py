"""REFI-QDA projects (``.qdpx``, REFI-QDA 1.5): a study for NVivo, ATLAS.ti, MAXQDA
and QualCoder.

The archive holds ``project.qde`` (namespace ``urn:QDA-XML:project:1.0``) and a flat
``sources/`` folder of UTF-8 text files named ``<GUID>.txt``. The project has, in the
order the schema requires:

- ``Users``: one per coder and reviewer (by name), ``dialogcode rules`` and
  ``dialogcode model``; only those who made an exported coding.
- ``CodeBook``: the codebooks as ``.qdc`` export writes them (:func:`.qdc.add_codes`).
- ``Variables`` (site, event_type, date, phase and further manifest attributes) whose
  values sit on each ``TextSource``; ``Cases``: one per site, referring to its documents.
- ``Sources``: one ``TextSource`` per document, its normalised text (LF line ends, NFC)
  in ``sources/``, and one ``PlainTextSelection`` per coding with its ``creatingUser``;
  positions are Unicode code points, end exclusive. Scores, rule ids and review
  decisions have no field in the standard and go into the selection's Description.
- ``Notes``: one per lesson of lessons.yaml; the selections that are its evidence hold a
  ``NoteRef`` to it.

By default the final codings are exported (as the tables use them: review decisions
applied, coders of ``final_coders``). ``every_source`` exports every source on its own
instead: rule and model codings as made (rejected ones too, marked so), every coder in
``codings/``, and the codes accepted in review under their reviewer.

GUIDs are UUID 5 of ids (documents, codes, users, codings), so a re-export updates
rather than duplicates in tools that merge by GUID, and the zip has fixed timestamps
and member order: an unchanged study exports to identical bytes.
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from ..analysis import study_evidence
from ..codebook import Codebook
from ..coders import coder_names
from ..errors import DialogcodeError, Problem
from ..ingest import DOCUMENT_COLUMNS, load_corpus
from ..lessons import Lesson, LessonsFile, evidence_codings
from ..privacy.gate import mask_notes
from ..review import final_coders, load_decisions
from ..store import read_table, replacing
from ..study import Study
from ..tables import document_phases
from .qdc import add_codes, guid_for, xml_document, xml_text
from .selections import changed_documents, exported_codings, guid, selections

NS = "urn:QDA-XML:project:1.0"
DEFAULT_NAME = "study.qdpx"
PROJECT_FILE = "project.qde"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_VARIABLES = [("site", "Site, from the manifest"),
              ("event_type", "Event type, from the manifest"),
              ("date", "Date of the event, from the manifest"),
              ("phase", "Phase of the year: kickoff, mid-year or closing")]


class ProjectError(DialogcodeError):
    """The study cannot be exported as a REFI-QDA project."""


@dataclass
class Export:
    """What :func:`write_qdpx` wrote: the file, its documents, codings per user name
    and the lesson notes."""

    path: Path
    documents: int
    codings: dict[str, int]
    notes: int


# ----------------------------------------------------------------------- the XML

def _text(parent: ET.Element, tag: str, text: str, attributes: dict | None = None
          ) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes or {})
    element.text = xml_text(text)
    return element


def _variables(documents: pd.DataFrame) -> list[tuple[str, str, str, pd.Series]]:
    """(name, description, type, values as text indexed like ``documents``) for each
    document attribute with a value: site, event_type, date, phase (as the tables
    derive it) and the manifest's further columns."""
    about = dict(_VARIABLES)
    columns = {name: documents.get(name) for name in ("site", "event_type", "date")}
    columns["phase"] = document_phases(documents)
    columns.update({c: documents[c] for c in documents.columns
                    if c not in (*DOCUMENT_COLUMNS, "text", "phase")})
    out = []
    for name, values in columns.items():
        if values is None:
            continue
        text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
        given = text[text != ""]
        if given.empty:
            continue
        dated = (given.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all() and pd.to_datetime(
            given, format="%Y-%m-%d", errors="coerce").notna().all())
        out.append((name, about.get(name, "Document attribute, from the manifest"),
                    "Date" if dated else "Text", text))
    return out


def _cases(root: ET.Element, documents: pd.DataFrame) -> None:
    sites = documents.get("site", pd.Series("", index=documents.index)).fillna("").astype(str)
    if not sites.ne("").any():
        return
    cases = ET.SubElement(root, "Cases")
    for site in sorted(set(sites) - {""}):
        case = ET.SubElement(cases, "Case", {"guid": guid("case", "site", site),
                                              "name": xml_text(site)})
        _text(case, "Description", f"Site {site}: its documents.")
        for doc_id in sorted(documents.loc[sites == site, "doc_id"]):
            ET.SubElement(case, "SourceRef", {"targetGUID": guid("source", doc_id)})


def _selection(source: ET.Element, row) -> None:
    key = (row.doc_id, row.start, row.end, row.code_id, row.user.id)
    selection = ET.SubElement(source, "PlainTextSelection", {
        "guid": guid("selection", *key), "startPosition": str(row.start),
        "endPosition": str(row.end), "creatingUser": row.user.guid})
    _text(selection, "Description", row.description)
    coding = ET.SubElement(selection, "Coding", {"guid": guid("coding", *key),
                                                 "creatingUser": row.user.guid})
    ET.SubElement(coding, "CodeRef", {"targetGUID": guid_for(row.code_id)})
    for lesson_id in row.lessons:
        ET.SubElement(selection, "NoteRef", {"targetGUID": guid("lesson", lesson_id)})


def _sources(root: ET.Element, documents: pd.DataFrame, chosen: pd.DataFrame,
             variables: list, files: dict[str, str]) -> None:
    by_doc = dict(list(chosen.groupby("doc_id", sort=False)))
    sources = ET.SubElement(root, "Sources")
    for index in documents.sort_values("doc_id").index:
        doc = documents.loc[index]
        source_guid = guid("source", doc["doc_id"])
        files[f"{source_guid}.txt"] = doc["text"]
        source = ET.SubElement(sources, "TextSource", {
            "guid": source_guid, "name": xml_text(doc["doc_id"]),
            "plainTextPath": f"internal://{source_guid}.txt"})
        about = [str(doc.get("title") or "").strip(), f"File: {doc['source_path']}",
                 f"sha256: {doc['sha256']}", f"dialogcode document: {doc['doc_id']}"]
        _text(source, "Description", "\n".join(a for a in about if a))
        for row in by_doc.get(doc["doc_id"], chosen.iloc[:0]).itertuples(index=False):
            _selection(source, row)
        for name, _, kind, values in variables:
            if values[index]:
                value = ET.SubElement(source, "VariableValue")
                ET.SubElement(value, "VariableRef", {"targetGUID": guid("variable", name)})
                _text(value, "DateValue" if kind == "Date" else "TextValue", values[index])


def _lesson_note(lesson: Lesson, summary: dict | None) -> str:
    paragraphs = [f"Lesson learned: {lesson.statement.strip()}"]
    for evidence in lesson.evidence:
        filters = [f"{name.replace('_', ' ')}: {', '.join(values)}" for name, values in
                   (("sites", evidence.sites), ("event_types", evidence.event_types),
                    ("phases", evidence.phases), ("roles", evidence.roles)) if values]
        paragraphs.append(f"Evidence: codes {', '.join(evidence.codes)}"
                          + (f" ({'; '.join(filters)})" if filters else ""))
    if summary is not None:
        support = (f"In the final codings: {summary['segments']} segments, "
                   f"{summary['sites']} sites, {summary['events']} events, "
                   f"{summary['speakers']} speakers.")
        paragraphs.append(support + (f" Flag: {summary['flag']}." if summary["flag"] else ""))
    paragraphs.append("The coded passages that support this lesson refer to this note.\n"
                      f"dialogcode lesson: {lesson.id}")
    return "\n\n".join(paragraphs) + "\n"


def _notes(root: ET.Element, lessons: LessonsFile, summaries: dict[str, dict],
           files: dict[str, str]) -> None:
    notes = ET.SubElement(root, "Notes")
    for lesson in lessons.lessons:
        note_guid = guid("lesson", lesson.id)
        files[f"{note_guid}.txt"] = _lesson_note(lesson, summaries.get(lesson.id))
        note = ET.SubElement(notes, "Note", {
            "guid": note_guid, "name": xml_text(f"Lesson: {lesson.id}"),
            "plainTextPath": f"internal://{note_guid}.txt"})
        _text(note, "Description", lesson.statement.strip())


def project_xml(title: str, description: str, book: Codebook, documents: pd.DataFrame,
                chosen: pd.DataFrame, lessons: LessonsFile | None,
                summaries: dict[str, dict]) -> tuple[bytes, dict[str, str]]:
    """(the project file, {name in sources/: text}) for the documents, the selections
    ``chosen`` (:func:`.selections.selections`) and the lessons (``summaries``: rows of
    the lessons table by lesson id)."""
    files: dict[str, str] = {}
    root = ET.Element("Project", {"xmlns": NS, "name": xml_text(title), "origin": "dialogcode"})
    users = sorted({u.id: u for u in chosen["user"]}.values(), key=lambda u: u.id)
    if users:
        element = ET.SubElement(root, "Users")
        for user in users:
            ET.SubElement(element, "User", {"guid": user.guid, "name": xml_text(user.name),
                                            "id": xml_text(user.id)})
    if book.codes:
        add_codes(ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"), book)
    variables = _variables(documents)
    if variables:
        element = ET.SubElement(root, "Variables")
        for name, about, kind, _ in variables:
            variable = ET.SubElement(element, "Variable", {
                "guid": guid("variable", name), "name": xml_text(name), "typeOfVariable": kind})
            _text(variable, "Description", about)
    _cases(root, documents)
    _sources(root, documents, chosen, variables, files)
    if lessons is not None:
        _notes(root, lessons, summaries, files)
    _text(root, "Description", description)
    return xml_document(root), files


def archive(project: bytes, files: dict[str, str]) -> bytes:
    """The .qdpx zip: the project file, then ``sources/`` in name order, every member
    with the same fixed timestamp and mode, so equal inputs give equal bytes."""
    buffer = io.BytesIO()
    members = [(PROJECT_FILE, project)] + [(f"sources/{name}", files[name].encode("utf-8"))
                                           for name in sorted(files)]
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zipped.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


# -------------------------------------------------------------------------- writing

def output_path(study: Study, path: Path | None) -> Path:
    """Where the project goes: ``path`` or ``out/study.qdpx``. Raises DialogcodeError for
    a path inside the transcripts folder (which holds only people's files)."""
    target = (Path(path) if path is not None else study.out / DEFAULT_NAME).resolve()
    study.check_outside_transcripts(target)
    return target


def write_qdpx(study: Study, path: Path | None = None, *, every_source: bool = False
               ) -> Export:
    """Export ``study`` (ingested and coded) as a REFI-QDA project at ``path`` (default
    ``out/study.qdpx``); see the module doc for what it holds.

    Raises DialogcodeError, writing nothing, for a path inside the transcripts folder,
    and ProjectError when codings, coder files or review decisions refer to documents
    whose text changed (each named); the errors of loading the study (missing tables, stale codebook
    versions, bad coder files) pass through.
    """
    target = output_path(study, path)
    corpus = load_corpus(study)
    rules = read_table(study.out, "codings", hint="dialogcode code")
    coders = coder_names(study) if every_source else final_coders(study)
    problems = changed_documents(study, corpus.documents, corpus.segments, rules, coders)
    if problems:
        raise ProjectError([*problems, Problem("nothing exported")])
    # through the privacy gate: residual identifiers in the source texts masked block
    # for block (selections' offsets still exact), withheld documents all blocks
    evidence = study_evidence(study, corpus=corpus, codings=rules)
    codings = exported_codings(study, rules, evidence.codings, corpus.segments,
                               set(evidence.book.codes), every_source=every_source)
    support = None if evidence.lessons is None else evidence_codings(
        evidence.lessons, evidence.codings, corpus.segments, corpus.documents, evidence.book,
        evidence.roles)
    decisions = mask_notes(study, load_decisions(study), corpus.segments, corpus.documents)
    chosen = selections(codings, decisions, support, corpus.segments, corpus.documents)
    summaries = ({row["lesson_id"]: row for row in evidence.tables["lessons"].to_dict("records")}
                 if "lessons" in evidence.tables else {})
    kind = ("every source separately: rule and model codings as made (rejected ones "
            "marked in their Description), every coder in codings/, codes accepted in "
            "review under their reviewer" if every_source else
            "the final codings (review decisions applied)")
    description = (f"Exported by dialogcode {version('dialogcode')} from the study "
                   f"{study.config.title!r}. Codings: {kind}. Codebook version "
                   f"{evidence.book.version}. Texts are the normalised documents (UTF-8, "
                   "LF line ends, Unicode NFC); positions count Unicode code points, end "
                   "exclusive.")
    project, files = project_xml(study.config.title, description, evidence.book,
                                 evidence.documents, chosen, evidence.lessons, summaries)
    with replacing(target) as temporary:
        temporary.write_bytes(archive(project, files))
    counts = chosen["user"].map(lambda u: u.name).value_counts()
    return Export(target, len(corpus.documents), {k: int(v) for k, v in counts.items()},
                  0 if evidence.lessons is None else len(evidence.lessons.lessons))
