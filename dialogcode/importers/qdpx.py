"""REFI-QDA projects (``.qdpx``: a zip with one ``.qde`` project file and ``sources/``).

The archive is untrusted: it is checked by :class:`.archive.SafeArchive`, read in
memory, and its XML parsed with defusedxml (DTDs, entities and external references
refused). Read from the project (namespace ``urn:QDA-XML:project:1.0``):

- ``CodeBook/Codes/Code`` (nested): each code's ``name`` is the name mapped to a code id.
  A name used by two codes becomes its path, ``Parent > Child``. A ``dialogcode id:``
  line in the Description (as dialogcode's own REFI-QDA export writes) gives the name.
  Each code's parent's name is kept, so that a code mapped by its label to a study code
  that parent is not above is refused (:func:`.mapping.moved_codes`).
- ``Sources/TextSource`` whose ``PlainTextSelection``s hold a ``Coding/CodeRef``: the text
  is ``PlainTextContent`` or the ``internal://`` file named by ``plainTextPath``. CRLF
  and CR become LF and the text is put in Unicode NFC (decomposed accents composed),
  and offsets (code points into the text as stored) are shifted to match. Positions
  are taken as the standard counts them (code points of the file: a CRLF is two), or,
  when that puts more of the selections at word edges (and more than half of those the
  ways place apart), as ATLAS.ti (a CRLF as one) or a UTF-16 tool (an emoji as two)
  counts them (:func:`.positions.counting`); a source that fits another way better, but
  not so clearly, is refused. dialogcode's own export (``origin="dialogcode"``) is read as
  the standard counts. A source is
  matched to a document by its text (the same after normalisation, whitespace at the
  very end aside), else by name (doc_id or source path, with or without extension); a
  source named like a document whose text differs is refused, as its offsets would
  point at other characters. A source's text that is a transcript's once read as lines
  as ingest reads the transcript's file (a line separator, NEL, ... a LF, or nothing
  beside one: :func:`.positions.as_lines`) is matched to it, its positions placed in the
  text as read, with a note. Sources without selections that code anything are ignored.
- A ``Coding`` of a whole source, and non-text sources (PDF, audio, pictures) holding
  codings, cannot become span codings: they are listed as ignored.
- With ``user``, only the codings that those ``User``s (by name or id) created are read:
  the ``creatingUser`` of the ``Coding``, else of its selection. Without it, codings
  made by more than one user are refused: one coder file is one person's coding.
"""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..coders import CodingsError
from ..errors import Problem
from ..interchange.qdc import parse_description
from ..limits import DEFAULT, Limits
from ..normalize import OTHER_BREAKS, shown_place
from ..safexml import parse_xml
from .archive import SafeArchive
from .base import Documents, Found, Reading, first_difference
from .positions import as_lines, counting, countings_of, nfc_positions, normalised

NS = "urn:QDA-XML:project:1.0"
INTERNAL = "internal://"


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _parse(data: bytes, where: str, limits: Limits
           ) -> tuple[ET.Element, dict[ET.Element, int]]:
    root, lines = parse_xml(data, where, CodingsError, limits)
    if root.tag != _tag("Project"):
        raise CodingsError(f"the root element is {root.tag}, not Project in namespace {NS}",
                           file=where, line=1)
    return root, lines


def code_names(root: ET.Element) -> tuple[dict[str, str], dict[str, str]]:
    """(GUID -> the name a project's code is mapped by (see the module doc), that name ->
    its parent's name for each code under another whose name is its own, not a path or
    a ``dialogcode id:``)."""
    entries: list[tuple[str, str, str, str]] = []     # guid, name, path, parent's name

    def walk(element: ET.Element, path: str, parent: str) -> None:
        for code in element.findall(_tag("Code")):
            name = " ".join((code.get("name") or "").split())
            recovered = parse_description(code.findtext(_tag("Description"))).get("id")
            full = f"{path} > {name}" if path else name
            entries.append((_guid(code.get("guid")), recovered or name, full,
                            "" if recovered else parent))
            walk(code, full, name)

    codes = root.find(f"{_tag('CodeBook')}/{_tag('Codes')}")
    if codes is not None:
        walk(codes, "", "")
    counts: dict[str, int] = {}
    for _, name, _, _ in entries:
        counts[name] = counts.get(name, 0) + 1
    names = {guid: name if counts[name] == 1 else path for guid, name, path, _ in entries}
    parents = {name: parent for _, name, _, parent in entries
               if parent and counts[name] == 1}
    return names, parents


def _source_text(element: ET.Element, archive: SafeArchive, crlf: bool
                 ) -> tuple[str, str | None]:
    """(text as stored, None) of a TextSource, or ("", why it cannot be read). ``crlf``:
    the project file's line ends are all CRLF, which XML parsing turns into LF, so an
    inline ``PlainTextContent`` written with them gets them back (its positions may count the
    CRs, as in a file of ``sources/``; :func:`.positions.counting` tells)."""
    inline = element.find(_tag("PlainTextContent"))
    if inline is not None:
        text = inline.text or ""
        return (text.replace("\n", "\r\n") if crlf and "\r" not in text else text), None
    reference = (element.get("plainTextPath") or "").strip()
    if not reference.startswith(INTERNAL):
        return "", (f"plainTextPath {reference!r} is not an {INTERNAL} file of the archive"
                    if reference else "no PlainTextContent and no plainTextPath")
    wanted = "sources/" + reference[len(INTERNAL):]
    name = next((n for n in archive.names if n.lower() == wanted.lower()), None)
    if name is None:
        return "", f"{wanted} is not in the archive"
    try:
        return archive.read(name).decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return "", f"{name} is not UTF-8 text"


def _same_text(text: str, document: str) -> bool:
    """Whether offsets into ``text`` point at the same characters of ``document``: the
    same text but for whitespace at the very end (some tools add or trim a last line
    break), or ``document`` as dialogcode's privacy gate exported it, differing only
    where a character became a block (docs/privacy.md)."""
    from ..privacy.masking import BLOCK

    text, document = text.rstrip(), document.rstrip()
    return len(text) == len(document) and all(
        a == b or a == BLOCK for a, b in zip(text, document))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _trimmed(docs: Documents) -> dict[str, str]:
    """The SHA-256 of each document's text without whitespace at its end -> doc_id."""
    return {_sha(text.rstrip()): doc_id for doc_id, text in docs.text.items()}


def _match(name: str, texts: tuple[str, str], docs: Documents
           ) -> tuple[str | None, str | None, bool]:
    """(doc_id, None, whether as read) for the document a source copies, its text as
    stored or read as lines (``texts``, :func:`.positions.as_lines`), or (None, why not,
    False)."""
    for as_read, text in enumerate(dict.fromkeys(texts)):
        doc_id = (docs.by_sha.get(_sha(text))
                  or _trimmed(docs).get(_sha(text.rstrip())))  # whitespace at the end aside
        if doc_id is not None:
            return doc_id, None, bool(as_read)
    doc_id, _ = docs.resolve(name)
    if doc_id is None:
        return None, "matches no document by its text or by its name", False
    for as_read, text in enumerate(dict.fromkeys(texts)):
        if _same_text(text, docs.text[doc_id]):
            return doc_id, None, bool(as_read)
    # shown against the text as read (at the line and column of the text as stored),
    # unless the document kept other line breaks
    if any(char in OTHER_BREAKS for char in docs.text[doc_id]) or texts[0] == texts[1]:
        _, difference = first_difference(texts[0], docs.text[doc_id], doc_id, docs)
    else:
        _, difference = first_difference(texts[1], docs.text[doc_id], doc_id, docs,
                                         lambda at: shown_place(texts[0], at))
    return None, (f"refused: named like document {doc_id} but its text differs, so its "
                  f"offsets would point at other characters ({difference})"), False


def _users(root: ET.Element, wanted: Sequence[str], where: str) -> set[str]:
    """GUIDs of the project's Users whose name or id is one of ``wanted``."""
    users = [(_guid(u.get("guid")), u.get("name") or "", u.get("id") or "")
             for u in root.iter(_tag("User"))]
    unknown = [user for user in wanted
               if not any(user in (name, id_) for _, name, id_ in users)]
    if unknown:
        known = ", ".join(sorted({name or id_ for _, name, id_ in users})) or "none"
        raise CodingsError(f"no User named {', '.join(map(repr, unknown))} in the project "
                           f"(users: {known})", file=where)
    return {guid for guid, name, id_ in users if name in wanted or id_ in wanted}


def _one_coder(root: ET.Element, made: Counter, where: str) -> None:
    """Raise CodingsError when the codings read (``made``: creating user's GUID -> how
    many, "" for none) were made by more than one user: one coder file is one person's
    coding, and ``agree`` would take theirs for one coder's."""
    if len([guid for guid in made if guid]) < 2:
        return
    names = {_guid(u.get("guid")): u.get("name") or u.get("id") or u.get("guid")
             for u in root.iter(_tag("User"))}
    counts = ", ".join(f"{names.get(guid, guid)} {n}" for guid, n in made.most_common()
                       if guid)
    raise CodingsError(f"the codings were made by {len([g for g in made if g])} users "
                       f"({counts}), and a coder file holds one person's coding: import "
                       "each with --user NAME as a coder of its own (or name several "
                       "--user to import them together as one coder)", file=where)


def read_qdpx(path: Path, docs: Documents, user: Sequence[str] | None = None,
              limits: Limits = DEFAULT) -> Reading:
    """Span codings from a REFI-QDA project archive, all of them or those of the users
    named in ``user`` (see the module doc), the archive checked against ``limits``.
    Raises CodingsError when, without ``user``, they were made by several users."""
    reading = Reading("qdpx")
    with SafeArchive(path, limits) as archive:
        projects = [n for n in archive.names if n.lower().endswith(".qde")]
        if len(projects) != 1:
            raise CodingsError(f"expected one .qde project file in the archive, found "
                               f"{len(projects)}", file=path)
        where = f"{path}!{projects[0]}"
        data = archive.read(projects[0])
        root, lines = _parse(data, where, limits)
        crlf = b"\r\n" in data and data.count(b"\r\n") == data.count(b"\n")
        ours = root.get("origin") == "dialogcode"
        names, reading.parents = code_names(root)
        users = None if not user else _users(root, user, where)
        sources = root.find(_tag("Sources"))
        made: Counter = Counter()
        for element in ([] if sources is None else list(sources)):
            _read_source(element, archive, docs, names, reading, where, lines, users,
                         made, crlf, ours)
        if users is None:
            _one_coder(root, made, where)
    return reading


def _codings(selection: ET.Element, users: set[str] | None) -> list[ET.Element]:
    """The selection's Codings, those created by ``users`` when given."""
    codings = selection.findall(_tag("Coding"))
    if users is None:
        return codings
    return [c for c in codings
            if _guid(c.get("creatingUser") or selection.get("creatingUser")) in users]


def _read_source(element: ET.Element, archive: SafeArchive, docs: Documents,
                 names: dict[str, str], reading: Reading, where: str,
                 lines: dict[ET.Element, int], users: set[str] | None,
                 made: Counter, crlf: bool, ours: bool) -> None:
    label = element.get("name") or element.get("guid") or "?"
    line = lines.get(element)
    if element.tag != _tag("TextSource"):
        if element.find(f".//{_tag('Coding')}") is not None:
            kind = element.tag.rsplit("}", 1)[-1]
            reading.ignored.append(Problem(f"{kind} {label!r}: codings of non-text "
                                           "sources are not imported", where, line))
        return
    for coding in element.findall(_tag("Coding")):
        reading.ignored.append(Problem(f"TextSource {label!r}: a coding of the whole "
                                       "source is not a span; not imported", where,
                                       lines.get(coding)))
    if users is not None:       # nobody made these, so --user cannot choose them
        reading.ignored += [
            Problem(f"TextSource {label!r}: a coding without a creatingUser; not imported "
                    "with --user", where, lines.get(coding))
            for selection in element.findall(_tag("PlainTextSelection"))
            for coding in selection.findall(_tag("Coding"))
            if not (coding.get("creatingUser") or selection.get("creatingUser"))]
    selections = [s for s in element.findall(_tag("PlainTextSelection"))
                  if _codings(s, users)]
    if not selections:
        return
    raw, why = _source_text(element, archive, crlf)
    lines_lf, dropped = normalised(raw)
    text, composed = nfc_positions(lines_lf)
    read, lined = as_lines(text)
    doc_id, as_read = None, False
    if why is None:
        doc_id, why, as_read = _match(label, (text, read), docs)
    if doc_id is None:
        reading.problems.append(Problem(f"TextSource {label!r}: {why}", where, line))
        return
    if as_read:
        breaks = sorted({f"U+{ord(char):04X}" for char in text if char in OTHER_BREAKS})
        reading.notes.append(Problem(
            f"TextSource {label!r}: its text breaks lines with "
            f"{', '.join(breaks[:-1])}{' and ' * (len(breaks) > 1)}{breaks[-1]} where the "
            "transcript as read has a line break (or, beside one, nothing), as ingest "
            "reads the transcript's file: its positions are counted in its text as "
            "stored and placed in the transcript's", where, line))
    length = len(docs.text[doc_id])
    spans = []
    for selection in selections:
        try:
            spans.append((selection, int(selection.get("startPosition", "")),
                          int(selection.get("endPosition", ""))))
        except ValueError:
            reading.problems.append(Problem("startPosition and endPosition must be whole "
                                            "numbers", where, lines.get(selection)))
    countings = countings_of(raw, dropped, ours)
    counted, fits, told, rivals = counting(lines_lf, countings,
                                            [(a, b) for _, a, b in spans])
    standard = next(iter(countings))
    if counted is None:
        counts = "; ".join(f"{fits[name]} counted in {name}" for name in countings)
        reading.problems.append(Problem(
            f"TextSource {label!r}: where its selections fall cannot be told: of the "
            f"{told} that the ways of counting its positions place apart, {counts} start "
            "and end at words, and a way other than the standard's is taken only when it "
            "alone fits the most and more than half; export it again with LF line ends "
            "(and positions in code points)", where, line))
        return
    if counted != standard:
        reading.notes.append(Problem(
            f"TextSource {label!r}: its positions count {counted}, not code points as the "
            f"standard says: counted so, {fits[counted]} of its {told} selections that "
            f"the ways of counting place apart start and end at words, against "
            f"{fits[standard]} counted in code points", where, line))
    elif rivals:
        reading.notes.append(Problem(
            f"TextSource {label!r}: its selections do not tell how its positions were "
            f"counted: of the {told} that the ways of counting place apart, as many "
            f"({fits[standard]}) start and end at words counted in {' or '.join(rivals)} "
            "as in code points, so they are read in code points, as the standard says",
            where, line))
    for selection, start, end in spans:
        at = lines.get(selection)
        start, end = countings[counted](start), countings[counted](end)
        if start is None or end is None:
            reading.problems.append(Problem(
                f"selection of {label!r} starts or ends inside a character (counted in "
                f"{counted})", where, at))
            continue
        first, last = composed(start), composed(end)
        if first is None or last is None:
            reading.problems.append(Problem(
                f"selection {start}-{end} of {label!r} starts or ends inside a character "
                "that Unicode NFC composes (a letter and its combining accent)", where, at))
            continue
        start, end = (lined(first), lined(last)) if as_read else (first, last)
        if not 0 <= start < end <= length:
            reading.problems.append(Problem(
                f"selection {start}-{end} out of range for {label!r} ({length} "
                "characters)", where, at))
            continue
        for coding in _codings(selection, users):
            reference = coding.find(_tag("CodeRef"))
            guid = _guid(reference.get("targetGUID") if reference is not None else None)
            if guid not in names:
                reading.problems.append(Problem(f"CodeRef targetGUID {guid!r} is not a code "
                                                "of the project's CodeBook", where,
                                                lines.get(coding, at)))
                continue
            reading.found.append(Found(doc_id, names[guid], where, at, start, end))
            made[_guid(coding.get("creatingUser") or selection.get("creatingUser"))] += 1
