"""XML in and out: parsing untrusted XML (REFI-QDA codebooks and projects) with
defusedxml, keeping the line each element starts on for error messages; and keeping
characters XML cannot hold out of the XML dialogcode writes (.xlsx, .qdc)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .errors import DialogcodeError
from .limits import DEFAULT, Limits, over
from .normalize import byte_order_mark

# XML 1.0 holds no control character but tab, newline and CR, no U+FFFE or U+FFFF and no
# lone surrogate
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CONTROL_PICTURES = 0x2400     # U+2400 SYMBOL FOR NULL; U+240C SYMBOL FOR FORM FEED


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return chr(CONTROL_PICTURES + code) if code < 0x20 else "\ufffd"


def xml_text(text: str) -> str:
    """``text`` with each character XML cannot hold replaced by one visible character:
    a control character by its Unicode control picture (form feed ``\\f`` -> ``␌``,
    vertical tab -> ``␋``), U+FFFE, U+FFFF and lone surrogates by ``�`` (U+FFFD). The
    length stays the same, so offsets into the text still hold."""
    return _NOT_XML.sub(_visible, text)


class _TooDeep(Exception):
    pass


class _LineTarget:
    """Tree builder that remembers the line each element starts on and refuses nesting
    deeper than ``depth``."""

    def __init__(self, depth: int):
        self.builder = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.expat = None
        self.most, self.depth = depth, 0

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > self.most:
            raise _TooDeep
        element = self.builder.start(tag, attrs)
        if self.expat is not None:
            self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag):
        self.depth -= 1
        return self.builder.end(tag)

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


def parse_xml(data: bytes, where: str, error: type[DialogcodeError],
              limits: Limits = DEFAULT) -> tuple[ET.Element, dict[ET.Element, int]]:
    """(root element, {element: line}) of ``data``. Raises ``error`` naming ``where``
    and the line for XML that is not well-formed, declares a DTD or entities (which a
    REFI-QDA file never needs and which can be used to attack the reader), or nests
    deeper than ``limits.depth``."""
    target = _LineTarget(limits.depth)
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    target.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except _TooDeep:
        raise error(f"refused: XML nested more than {limits.depth} levels deep "
                    f"{over('depth', limits)}", file=where,
                    line=parser.parser.CurrentLineNumber) from None
    except DefusedXmlException as exc:
        raise error(f"refused: the XML declares a DTD or entities ({type(exc).__name__})",
                    file=where, line=parser.parser.CurrentLineNumber) from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", None) or (None, None)
        if column is not None:    # counted from 0, and a byte-order mark as a character
            column += 1 - (line == 1 and byte_order_mark(data) is not None)
        place = "" if column is None else f" at column {column}"
        raise error(f"not well-formed XML: {ErrorString(exc.code)}{place}", file=where,
                    line=line) from None
    return root, target.lines
