"""Read a .docx body into grids (every table, nested ones too) and text lines.

We walk ``word/document.xml`` with lxml ourselves instead of python-docx's
object model: it is several times faster on real plans (whose styles part is
often bigger than the body), it sees tables inside content controls and
cells, and it lets us honour ``gridSpan``/``vMerge``/``gridBefore`` exactly.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from plans.importing.errors import CorruptedFileError
from plans.importing.grid import Cell, Grid

log = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
Q = f"{{{W}}}"
TAG_P, TAG_TBL, TAG_TR, TAG_TC, TAG_SDT = Q + "p", Q + "tbl", Q + "tr", Q + "tc", Q + "sdt"
TAG_T, TAG_TAB, TAG_BR, TAG_CR = Q + "t", Q + "tab", Q + "br", Q + "cr"
SKIP_TAGS = {f"{{{MC}}}Fallback", Q + "delText", Q + "instrText", Q + "tcPr", Q + "trPr"}

PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)


@dataclass
class DocxContent:
    lines: list[str] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)  # paragraphs after the last table


def read_docx(archive: zipfile.ZipFile) -> DocxContent:
    """Parse the main document part of an already size-checked archive."""
    try:
        xml = archive.read("word/document.xml")
        root = etree.fromstring(xml, PARSER)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError, EOFError) as exc:
        raise CorruptedFileError(f"docx body: {exc}") from exc
    body = root.find(Q + "body")
    content = DocxContent()
    if body is None:
        return content
    pending: list[str] = []
    for kind, element in _walk_blocks(body):
        if kind == "p":
            text = paragraph_text(element)
            if text.strip():
                content.lines.append(text.strip())
                pending.append(text.strip())
        else:
            for grid in _tables(element, len(content.grids)):
                grid.lines_before = pending
                pending = []
                content.grids.append(grid)
    content.trailing = pending
    return content


def _walk_blocks(parent: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    for child in parent:
        if child.tag == TAG_P:
            yield "p", child
        elif child.tag == TAG_TBL:
            yield "tbl", child
        elif (
            child.tag == TAG_SDT
            or child.tag.endswith("}sdtContent")
            or child.tag.endswith("}customXml")
        ):
            yield from _walk_blocks(child)


def paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []

    # Depth-first, in document order, skipping deleted text and fallbacks.
    def visit(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                continue
            if tag == TAG_T:
                parts.append(child.text or "")
            elif tag == TAG_TAB:
                parts.append(" ")
            elif tag in (TAG_BR, TAG_CR):
                parts.append("\n")
            else:
                visit(child)

    visit(p)
    return "".join(parts)


def _cell_text(tc: etree._Element, nested: list[etree._Element]) -> str:
    lines = []
    for kind, el in _walk_blocks(tc):
        if kind == "p":
            lines.append(paragraph_text(el).strip())
        else:
            nested.append(el)
    return "\n".join(line for line in lines if line).strip()


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(Q + "val", default)), 0)
    except ValueError:
        return default


def _tables(tbl: etree._Element, index: int) -> list[Grid]:
    """The table itself, then any tables nested in its cells (document order)."""
    nested: list[etree._Element] = []
    label = f"table {index + 1}"
    rows: list[list[Cell]] = []
    for r, tr in enumerate(child for child in tbl if child.tag == TAG_TR):
        row: list[Cell] = []
        trpr = tr.find(Q + "trPr")
        before = _int_attr(trpr.find(Q + "gridBefore") if trpr is not None else None, 0)
        for _ in range(before):
            row.append(Cell("", (r, len(row))))
        for tc in tr:
            if tc.tag == TAG_SDT:  # a content control wrapping a cell
                inner = tc.find(Q + "sdtContent")
                tcs = [] if inner is None else [x for x in inner if x.tag == TAG_TC]
            elif tc.tag == TAG_TC:
                tcs = [tc]
            else:
                continue
            for cell in tcs:
                _add_cell(cell, r, row, rows, nested)
        rows.append(row)
    grid = Grid(label, rows).normalize()
    grids = [grid]
    for i, inner in enumerate(nested):
        for sub in _tables(inner, index):
            sub.label = f"{label}.{i + 1}"
            grids.append(sub)
    return grids


def _add_cell(
    tc: etree._Element,
    r: int,
    row: list[Cell],
    rows: list[list[Cell]],
    nested: list[etree._Element],
) -> None:
    tcpr = tc.find(Q + "tcPr")
    span = _int_attr(tcpr.find(Q + "gridSpan") if tcpr is not None else None, 1) or 1
    vmerge = tcpr.find(Q + "vMerge") if tcpr is not None else None
    text = _cell_text(tc, nested)
    c = len(row)
    continues = vmerge is not None and vmerge.get(Q + "val", "continue") == "continue"
    if continues and rows and c < len(rows[-1]):
        above = rows[-1][c]
        origin, text = above.origin, above.text
    else:
        origin = (r, c)
    for _ in range(span):
        row.append(Cell(text, origin))
