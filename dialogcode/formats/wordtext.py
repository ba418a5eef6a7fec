"""The text a Word document shows, read from its XML.

python-docx's ``Paragraph.text`` and ``Document.iter_inner_content`` leave out text a
reader of the document sees: tracked insertions not yet accepted, content controls
(``w:sdt``, around paragraphs, words, table rows or cells), simple fields, and tables
nested in a cell; and a cell spanning two columns comes back once per column. Here a paragraph's text is
every run of it (tracked changes read as accepted: insertions kept, deletions and moved-
away text left out; text boxes and fallback copies are not the paragraph's), the body is
walked through content controls, and a spanning cell's text is given once, at its first
column, so the columns after it keep their places. A page or column break, which
python-docx reads as nothing (gluing the words around it), is a form feed, a line break
inside a line (:func:`~dialogcode.normalize.unify_line_breaks`). A vertically merged cell keeps
python-docx's reading: its text in every row it spans (a speaker cell spanning rows), marked
as repeated so that a text cell spanning rows is read once.
"""
from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn
from lxml import etree

_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
       "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
_RUNS = etree.XPath(".//w:r[not(ancestor::w:del or ancestor::w:moveFrom "
                    "or ancestor::mc:Fallback)]", namespaces=_NS)
_PARAGRAPHS_AROUND = etree.XPath("count(ancestor::w:p)", namespaces=_NS)
_P, _TBL, _TR, _TC, _SDT, _CONTENT, _CUSTOM, _BR, _TYPE = (qn(tag) for tag in (
    "w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent", "w:customXml", "w:br", "w:type"))
# what python-docx's run text is made of (CT_R.text), each part by its own text
_RUN_PARTS = etree.XPath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab",
                         namespaces=_NS)


def paragraph_text(p) -> str:
    """The text of paragraph element ``p`` as Word shows it with changes accepted."""
    # a run of a text box anchored in the paragraph has a paragraph more around it
    depth = _PARAGRAPHS_AROUND(p) + 1
    return "".join(_run_text(r) for r in _RUNS(p) if _PARAGRAPHS_AROUND(r) == depth)


def _run_text(r) -> str:
    """python-docx's text of run element ``r``, with a page or column break a form feed."""
    if r.find(_BR) is None:
        return r.text
    return "".join("\f" if part.tag == _BR and part.get(_TYPE) in ("page", "column")
                   else str(part) for part in _RUN_PARTS(r))


def block_items(container) -> Iterator:
    """Paragraph and table elements of a body or cell, in order, inside content controls
    and custom XML too."""
    return _children(container, (_P, _TBL))


def _children(element, tags: tuple[str, ...]) -> Iterator:
    """The children of ``element`` with one of ``tags``, and those inside its content
    controls and custom XML (around paragraphs, rows or cells), in order."""
    for child in element.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(_CONTENT)
            if content is not None:
                yield from _children(content, tags)
        elif child.tag == _CUSTOM:
            yield from _children(child, tags)


class MergedDown(str):
    """The text of a cell merged down from the row above, repeated in this row."""


def table_rows(tbl) -> list[list[str]]:
    """The cell texts of table element ``tbl`` by grid column: a cell spanning columns
    given once, the columns after it empty; a cell merged down from the row above
    repeats its text, as :class:`MergedDown`."""
    rows: list[list[str]] = []
    above: list[str] = []
    for tr in _children(tbl, (_TR,)):
        cells = [""] * tr.grid_before
        for tc in _children(tr, (_TC,)):
            column = len(cells)
            merged = tc.vMerge == "continue"
            text = MergedDown(above[column] if column < len(above) else "") if merged \
                else cell_text(tc)
            cells += [text] + [""] * (tc.grid_span - 1)
        rows.append(cells)
        above = cells
    return rows


def cell_text(tc) -> str:
    """A cell's paragraphs, one a line, and its nested tables, a row a line."""
    lines = []
    for item in block_items(tc):
        if item.tag == _P:
            lines.append(paragraph_text(item))
        else:
            lines.extend("\t".join(row) for row in table_rows(item))
    return "\n".join(lines)
