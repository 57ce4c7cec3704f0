"""Read a .docx body into grids (every table, nested ones too) and text lines.

We walk ``word/document.xml`` with lxml ourselves instead of python-docx's
object model: it is several times faster on real plans (whose styles part is
often bigger than the body), it sees tables inside content controls and
cells, and it lets us honour ``gridSpan``/``vMerge``/``gridBefore`` exactly.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from plans.importing.errors import CorruptedFileError
from plans.importing.grid import Cell, Grid
from plans.importing.paragraphs import Para
from plans.regex import lazy_compile

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
    paragraphs: list[Para] = field(default_factory=list)  # body paragraphs, for prose plans


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
    styles = _ListStyles(archive)
    for kind, element in _walk_blocks(body):
        if kind == "p":
            text = paragraph_text(element)
            if text.strip():
                content.lines.append(text.strip())
                pending.append(text.strip())
                content.paragraphs.append(
                    styles.para(element, text, f"đoạn {len(content.paragraphs) + 1}")
                )
        else:
            for grid in _tables(element, len(content.grids)):
                grid.lines_before = pending
                pending = []
                content.grids.append(grid)
    content.trailing = pending
    return content


def _walk_blocks(parent: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    for child in parent:
        # A processing instruction in the body has a function, not a name, as its tag.
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == TAG_P:
            yield "p", child
        elif tag == TAG_TBL:
            yield "tbl", child
        elif tag == TAG_SDT or tag.endswith("}sdtContent") or tag.endswith("}customXml"):
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


_HEADING_RE = lazy_compile(r"^(?:heading|tieu de|title)\s*(\d)?$", re.IGNORECASE)


class _ListStyles:
    """What Word's list and heading formatting says about a paragraph.

    Numbers and bullets Word generates are not in the text; we read the
    numbering definitions (``numFmt`` per list level) and the paragraph
    styles that carry numbering ("List Bullet") or an outline level
    ("Heading 2") so the prose reader still sees the structure.
    """

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.formats: dict[tuple[str, int], str] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.style_heading: dict[str, int] = {}
        self.style_bold: set[str] = set()
        try:
            self._read_numbering(archive)
            self._read_styles(archive)
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError):
            log.debug("docx without readable numbering/styles parts", exc_info=True)

    def _read_numbering(self, archive: zipfile.ZipFile) -> None:
        if "word/numbering.xml" not in archive.namelist():
            return
        root = etree.fromstring(archive.read("word/numbering.xml"), PARSER)
        abstract: dict[str, dict[int, str]] = {}
        for el in root.iter(Q + "abstractNum"):
            levels: dict[int, str] = {}
            for lvl in el.iter(Q + "lvl"):
                fmt = lvl.find(Q + "numFmt")
                levels[int(lvl.get(Q + "ilvl", "0") or 0)] = (
                    fmt.get(Q + "val", "") if fmt is not None else ""
                )
            abstract[el.get(Q + "abstractNumId", "")] = levels
        for num in root.iter(Q + "num"):
            ref = num.find(Q + "abstractNumId")
            if ref is None:
                continue
            for ilvl, level_format in abstract.get(ref.get(Q + "val", ""), {}).items():
                self.formats[(num.get(Q + "numId", ""), ilvl)] = level_format

    def _read_styles(self, archive: zipfile.ZipFile) -> None:
        if "word/styles.xml" not in archive.namelist():
            return
        root = etree.fromstring(archive.read("word/styles.xml"), PARSER)
        for style in root.iter(Q + "style"):
            sid = style.get(Q + "styleId", "")
            name_el = style.find(Q + "name")
            name = name_el.get(Q + "val", "") if name_el is not None else sid
            ppr = style.find(Q + "pPr")
            if ppr is not None:
                num = ppr.find(Q + "numPr")
                if num is not None:
                    num_id = num.find(Q + "numId")
                    ilvl = num.find(Q + "ilvl")
                    self.style_num[sid] = (
                        num_id.get(Q + "val", "") if num_id is not None else "",
                        _int_attr(ilvl, 0),
                    )
                outline = ppr.find(Q + "outlineLvl")
                if outline is not None:
                    self.style_heading[sid] = _int_attr(outline, 0) + 1
            match = _HEADING_RE.match(name.strip())
            if match:
                self.style_heading.setdefault(sid, int(match.group(1) or 1))
            rpr = style.find(Q + "rPr")
            if rpr is not None and _is_on(rpr.find(Q + "b")):
                self.style_bold.add(sid)
            if "bullet" in name.casefold() and sid not in self.style_num:
                self.style_num[sid] = ("bullet", 0)

    def para(self, p: etree._Element, text: str, source: str) -> Para:
        ppr = p.find(Q + "pPr")
        style = ""
        num_id, ilvl = "", 0
        has_num = False
        if ppr is not None:
            pstyle = ppr.find(Q + "pStyle")
            style = pstyle.get(Q + "val", "") if pstyle is not None else ""
            num = ppr.find(Q + "numPr")
            if num is not None:
                nid = num.find(Q + "numId")
                num_id = nid.get(Q + "val", "") if nid is not None else ""
                ilvl = _int_attr(num.find(Q + "ilvl"), 0)
                has_num = num_id not in ("", "0")
        if not has_num and style in self.style_num:
            num_id, ilvl = self.style_num[style]
            has_num = num_id not in ("", "0")
        list_kind = None
        if has_num:
            fmt = "bullet" if num_id == "bullet" else self.formats.get((num_id, ilvl), "")
            list_kind = "bullet" if fmt in ("bullet", "none", "") else "number"
        runs = [r for r in p.iter(Q + "r") if "".join(t.text or "" for t in r.iter(TAG_T)).strip()]
        style_bold = style in self.style_bold
        bold = bool(runs) and all(_run_bold(r, style_bold) for r in runs)
        return Para(
            text=text.strip(),
            source=source,
            list_kind=list_kind,
            level=ilvl,
            bold=bold,
            heading=self.style_heading.get(style),
        )


def _run_bold(run: etree._Element, style_bold: bool) -> bool:
    b = run.find(f"{Q}rPr/{Q}b")
    return _is_on(b) or (style_bold and b is None)


def _is_on(el: etree._Element | None) -> bool:
    return el is not None and el.get(Q + "val", "true") not in ("0", "false", "off")
