"""REFI-QDA codebooks (.qdc, namespace urn:QDA-XML:codebook:1.0).

Export writes each code with a GUID derived from its id (so re-export is identical),
and its definition, criteria and examples as labelled paragraphs in ``Description``
(the standard has no fields for them), plus a ``dialogcode id:`` line that import uses
to recover ids. Import reads untrusted XML with defusedxml; imported codes have no
patterns yet, so each codable code gets its own name as a starting term.
"""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

from ..codebook import Code, Codebook
from ..errors import CodebookError
from . import slug, unique_id

NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("5f0c6c1e-3a51-4c36-9a55-6b2a0d9e1c11")
SECTIONS = [("Definition", "definition"), ("When to use", "when_to_use"),
            ("When not to use", "when_not_to_use")]
LISTS = [("Examples", "examples"), ("Counter-examples", "counter_examples")]
ID_LINE = "dialogcode id: "


def _description(code: Code) -> str:
    parts = [f"{title}: {getattr(code, key).strip()}" for title, key in SECTIONS
             if getattr(code, key)]
    for title, key in LISTS:
        items = getattr(code, key)
        if items:
            parts.append(f"{title}:\n" + "\n".join(f"- {item}" for item in items))
    parts.append(ID_LINE + code.id)
    return "\n\n".join(parts)


def export_qdc(book: Codebook) -> bytes:
    """The codebook as REFI-QDA 1.5 codebook XML (UTF-8, with declaration)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}CodeBook", {"origin": "dialogcode"})
    codes = ET.SubElement(root, f"{{{NS}}}Codes")

    def add(parent_element, parent_id):
        for code in book.children(parent_id):
            attributes = {"guid": str(uuid.uuid5(GUID_NAMESPACE, code.id)), "name": code.label,
                          "isCodable": "true" if code.codable else "false"}
            if code.color:
                attributes["color"] = code.color.upper()
            element = ET.SubElement(parent_element, f"{{{NS}}}Code", attributes)
            ET.SubElement(element, f"{{{NS}}}Description").text = _description(code)
            add(element, code.id)
    add(codes, None)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _parse_description(text: str) -> dict:
    fields: dict = {}
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    known = dict(SECTIONS + LISTS)
    rest = []
    for block in blocks:
        head, _, body = block.partition(":")
        if block.startswith(ID_LINE):
            fields["id"] = block[len(ID_LINE):].strip()
        elif head in dict(LISTS):
            fields[known[head]] = [line[2:].strip() for line in body.strip().splitlines()
                                   if line.startswith("- ")]
        elif head in dict(SECTIONS):
            fields[known[head]] = body.strip()
        else:
            rest.append(block)
    if rest and "definition" not in fields:
        fields["definition"] = "\n\n".join(rest)
    return fields


def import_qdc(path: Path) -> dict:
    """Codebook data from a .qdc file. Raises CodebookError for XML that is malformed,
    hostile (DTDs, entities) or not a REFI-QDA codebook."""
    source = str(path)
    try:
        root = safe_parse(str(path), forbid_dtd=True).getroot()
    except DefusedXmlException as exc:
        raise CodebookError(f"refused: the XML declares a DTD or entities ({type(exc).__name__})",
                            file=source) from None
    except ET.ParseError as exc:
        raise CodebookError(f"not well-formed XML: {exc}", file=source,
                            line=exc.position[0]) from None
    if root.tag != f"{{{NS}}}CodeBook":
        raise CodebookError(f"not a REFI-QDA codebook: root element is {root.tag!r}, "
                            f"expected CodeBook in namespace {NS}", file=source)
    taken: set[str] = set()

    def codes_of(element, parent_id):
        out = []
        for node in element.findall(f"{{{NS}}}Code"):
            name = (node.get("name") or "").strip()
            if not name:
                raise CodebookError("a Code has no name", file=source)
            description = node.findtext(f"{{{NS}}}Description") or ""
            fields = _parse_description(description)
            base = fields.pop("id", None) or (f"{parent_id}.{slug(name)}" if parent_id
                                               else slug(name))
            code_id = unique_id(base, taken)
            codable = node.get("isCodable", "true").lower() == "true"
            item = {"id": code_id, "label": name}
            if not codable:
                item["codable"] = False
            if node.get("color"):
                item["color"] = node.get("color")
            item.update(fields)
            children = codes_of(node, code_id)
            if codable:
                item["patterns"] = {"terms": [name.lower()]}
            if children:
                item["codes"] = children
            elif not codable:
                item.pop("codable")
                item["patterns"] = {"terms": [name.lower()]}
            out.append(item)
        return out

    codes_element = root.find(f"{{{NS}}}Codes")
    codes = codes_of(codes_element, None) if codes_element is not None else []
    if not codes:
        raise CodebookError("the codebook has no codes", file=source)
    return {"codebook": slug(Path(path).stem), "title": Path(path).stem,
            "description": f"Imported from {Path(path).name} (REFI-QDA). Each code's only "
                           "pattern is its name: write real patterns before coding.",
            "codes": codes}
