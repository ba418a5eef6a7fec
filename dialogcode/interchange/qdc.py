"""REFI-QDA codebooks (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``, REFI-QDA 1.5).

Export
    ``CodeBook > Codes > Code``, nested as the codebook is. Each code's ``guid`` is a
    UUID 5 of its id under a fixed namespace, so exporting the same codebook again gives
    the same bytes and other tools see the same codes. The standard has no fields for
    definitions, criteria or examples, so they go into ``Description`` as labelled
    plain-text paragraphs, ending with a ``dialogcode id: <id>`` line::

        Definition: Unstable or unaffordable housing.

        When to use: Talk of rent pressure, eviction, overcrowding.

        When not to use: Houses of government.

        Examples:
        - They got evicted in May.
        - ...

        Counter-examples:
        - The White House said nothing.

        dialogcode id: housing.insecurity

    No ``Sets`` element is written (an empty one is invalid and breaks other tools).
    Patterns, groups and match modes have no place in the standard and are not exported.

Import
    The file is untrusted input: it is parsed with defusedxml, and DTDs, entity
    declarations and external references are refused. Ids come from ``dialogcode id:``
    lines where present; otherwise from the slugified names along the path
    (``Barriers > Language access`` -> ``barriers.language_access``), made unique with
    ``_2``, ``_3``. Labelled Description paragraphs become definition, when_to_use,
    when_not_to_use, examples and counter_examples; a Description without labels is the
    definition. ``Sets`` are ignored.

    REFI-QDA codes have no patterns, and a codable code needs some to load, so **every
    codable code gets one starting pattern: its own name, lower-cased, as a term**
    (``patterns: {terms: [transport]}``). A category (``isCodable="false"``) with no
    child codes is imported as a codable code with that term too. Replace these with real
    patterns before coding anything.
"""
from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from ..codebook import ID_PATTERN, Code, Codebook
from ..errors import CodebookError, Problem
from ..safexml import parse_xml
from . import codebook_id, slug, unique_id

NS = "urn:QDA-XML:codebook:1.0"
# fixed forever: changing it changes every exported GUID
GUID_NAMESPACE = uuid.UUID("0f6d2b9e-58c4-4d1a-a7e3-3c9b5e2d7a41")
ID_LINE = "dialogcode id:"

# (label written on export, field); import also accepts the aliases below
_TEXT_SECTIONS = [("Definition", "definition"), ("When to use", "when_to_use"),
                  ("When not to use", "when_not_to_use")]
_LIST_SECTIONS = [("Examples", "examples"), ("Counter-examples", "counter_examples")]
_LABELS = {label.lower(): key for label, key in _TEXT_SECTIONS + _LIST_SECTIONS}
_LABELS.update({"example": "examples", "counter examples": "counter_examples",
                "counterexamples": "counter_examples", "counter-example": "counter_examples",
                "counter example": "counter_examples", "non-examples": "counter_examples"})
_HEADER = re.compile(r"^\s*(" + "|".join(re.escape(k) for k in sorted(_LABELS, key=len,
                                                                      reverse=True))
                     + r")\s*:[ \t]*(.*)$", re.IGNORECASE)
_ID_RE = re.compile(r"^\s*" + re.escape(ID_LINE) + r"\s*(\S+)\s*$", re.IGNORECASE)
_NOT_XML_CHARS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_BYTES = 50_000_000


def guid_for(code_id: str) -> str:
    """The GUID exported for ``code_id`` (the same on every export)."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


# --------------------------------------------------------------------------- export

def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (most control characters)."""
    return _NOT_XML_CHARS.sub("", text)


def _list_item(text: str) -> str:
    lines = str(text).strip().splitlines() or [""]
    return "- " + "\n  ".join(line.rstrip() for line in lines)


def description_of(code: Code) -> str:
    """The labelled plain-text Description exported for ``code``."""
    paragraphs = []
    for label, key in _TEXT_SECTIONS:
        value = (getattr(code, key) or "").strip()
        if value:
            paragraphs.append(f"{label}: {value}")
    for label, key in _LIST_SECTIONS:
        items = getattr(code, key) or []
        if items:
            paragraphs.append(f"{label}:\n" + "\n".join(_list_item(item) for item in items))
    paragraphs.append(f"{ID_LINE} {code.id}")
    return "\n\n".join(paragraphs)


def add_codes(codes: ET.Element, book: Codebook, parent_id: str | None = None) -> None:
    """Append ``book``'s codes below ``parent_id`` to ``codes`` as nested ``Code``
    elements: GUID, label, ``isCodable``, colour and the labelled Description. The
    elements take the namespace of the document they are put in (codebook or project)."""
    for code in book.children(parent_id):
        attributes = {"guid": guid_for(code.id), "name": xml_text(code.label),
                      "isCodable": "true" if code.codable else "false"}
        if code.color:
            attributes["color"] = code.color
        element = ET.SubElement(codes, "Code", attributes)
        ET.SubElement(element, "Description").text = xml_text(description_of(code))
        add_codes(element, book, code.id)


def xml_document(root: ET.Element) -> bytes:
    """``root`` as UTF-8 XML with a declaration, indented by two spaces."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def export_qdc(book: Codebook) -> bytes:
    """The loaded codebook(s) as one REFI-QDA 1.5 codebook: UTF-8 XML with declaration,
    pretty-printed, identical bytes for identical codebooks."""
    root = ET.Element("CodeBook", {"xmlns": NS, "origin": "dialogcode"})
    codes = ET.SubElement(root, "Codes")
    add_codes(codes, book)
    if not len(codes):
        raise CodebookError("the codebook has no codes to export")
    return xml_document(root)


# --------------------------------------------------------------------------- import

def _parse(path: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise CodebookError(f"too large for a codebook ({size} bytes)", file=source)
        raw = path.read_bytes()
    except OSError as exc:
        raise CodebookError(f"cannot read: {exc.strerror or exc}", file=source) from None
    return parse_xml(raw, source, CodebookError)


def parse_description(text: str | None) -> dict:
    """Fields from a labelled Description (see the module docstring): any of id,
    definition, when_to_use, when_not_to_use, examples, counter_examples."""
    fields: dict = {}
    if not text or not text.strip():
        return fields
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        found = _ID_RE.match(line)
        if found and re.match(ID_PATTERN, found.group(1)):
            fields["id"] = found.group(1)
        else:
            lines.append(line.rstrip())
    # split into sections: a label starts a section only at the start of a paragraph
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    previous_blank = True
    for line in lines:
        header = _HEADER.match(line) if previous_blank else None
        if header:
            sections.append((_LABELS[header.group(1).lower()], [header.group(2)]))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
        previous_blank = not line.strip()
    for key, body in sections:
        if key in ("examples", "counter_examples"):
            fields.setdefault(key, []).extend(_list_items(body))
        else:
            value = "\n".join(body).strip()
            if value:
                fields[key] = f"{fields[key]}\n\n{value}" if key in fields else value
    free = "\n".join(preamble).strip()
    if free:
        fields["definition"] = (f"{free}\n\n{fields['definition']}" if "definition" in fields
                                else free)
    return fields


def _list_items(body: list[str]) -> list[str]:
    items: list[list[str]] = []
    for line in body:
        if not line.strip():
            continue
        bullet = re.match(r"^\s*[-*\u2022]\s+(.*)$", line)
        if bullet:
            items.append([bullet.group(1).strip()])
        elif line[:1].isspace() and items:
            items[-1].append(line.strip())
        else:
            items.append([line.strip()])
    return ["\n".join(parts) for parts in items if any(parts)]


def _color(value: str | None) -> str | None:
    value = (value or "").strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return value
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    return None        # not a colour our codebooks accept: left out


def import_qdc(path: Path) -> dict:
    """Codebook data (our YAML format, as a dict) from a REFI-QDA ``.qdc`` file.

    The codebook id is the file stem (``[a-z0-9_]``). Every codable code gets its name,
    lower-cased, as its only term, so the result loads; these are placeholders to
    replace with real patterns. Raises CodebookError, with file and line where known,
    for unreadable, malformed or hostile XML (DTDs and entities are refused), a root
    that is not ``CodeBook`` in ``urn:QDA-XML:codebook:1.0``, a code without a name or
    with a bad ``isCodable``, or a codebook without codes.
    """
    path = Path(path)
    source = str(path)
    root, lines = _parse(path)
    expected = f"{{{NS}}}CodeBook"
    if root.tag != expected:
        namespace, _, local = (root.tag[1:].partition("}") if root.tag.startswith("{")
                               else ("", "", root.tag))
        found = f"{local} in namespace {namespace}" if namespace else f"{local} (no namespace)"
        hint = (" (this is a REFI-QDA project, not a codebook)"
                if local == "Project" else "")
        raise CodebookError(f"not a REFI-QDA codebook: the root element is {found}{hint}; "
                            f"expected CodeBook in namespace {NS}", file=source,
                            line=lines.get(root))
    codes_element = root.find(f"{{{NS}}}Codes")
    if codes_element is None or codes_element.find(f"{{{NS}}}Code") is None:
        raise CodebookError("the codebook has no codes (CodeBook > Codes > Code)",
                            file=source, line=lines.get(codes_element, lines.get(root)))
    taken: set[str] = set()
    problems: list[Problem] = []

    def codes_of(element: ET.Element, parent_id: str | None) -> list[dict]:
        out = []
        for node in element.findall(f"{{{NS}}}Code"):
            line = lines.get(node)
            name = " ".join((node.get("name") or "").split())
            codable_text = (node.get("isCodable") or "true").strip().lower()
            if codable_text not in ("true", "false", "1", "0"):
                problems.append(Problem(f"isCodable={node.get('isCodable')!r} is not a "
                                        "boolean (true/false)", source, line))
            if not name:
                problems.append(Problem("a Code has no name", source, line,
                                        node.get("guid")))
                continue
            fields = parse_description(node.findtext(f"{{{NS}}}Description"))
            recovered = fields.pop("id", None)
            base = recovered or (f"{parent_id}.{slug(name)}" if parent_id else slug(name))
            code_id = unique_id(base, taken)
            children = codes_of(node, code_id)
            codable = codable_text in ("true", "1") or not children
            item: dict = {"id": code_id, "label": name}
            if not codable:
                item["codable"] = False
            color = _color(node.get("color"))
            if color:
                item["color"] = color
            for key in ("definition", "when_to_use", "when_not_to_use", "examples",
                        "counter_examples"):
                if key in fields:
                    item[key] = fields[key]
            if codable:
                item["patterns"] = {"terms": [name.lower()]}
            if children:
                item["codes"] = children
            out.append(item)
        return out

    codes = codes_of(codes_element, None)
    if problems:
        raise CodebookError(problems)
    return {"codebook": codebook_id(path), "title": path.stem,
            "description": f"Imported from the REFI-QDA codebook {path.name}. Each codable "
                           "code's only pattern is its own name: write real patterns (and "
                           "examples) before coding.",
            "codes": codes}
