"""Render the progress table as the Word appendix of the periodic CCHC report.

The layout copies seed 002's appendix, because the clerk pastes or attaches
it to a report that the district's Phòng Nội vụ reads next to dozens of
others: A4 landscape, Times New Roman 13 (the administrative-document font),
"PHỤ LỤC" and a bold centred title naming the period, an italic "(Kèm theo
Báo cáo số …)" line, the eight-column table with the Roman-numbered field
rows merged across, and the summary sentence under it. The header row
repeats on every page because the table always runs over several pages.

Nghị định 30/2020/NĐ-CP (the decree on administrative documents) sets the
rest: margins top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm, and the
page number in Arabic figures at the top centre from the second page on.
"""

from __future__ import annotations

import io
from datetime import datetime, time

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from locales import normalize_language
from plans.status_table import (
    StatusTable,
    appendix_label_text,
    clean_text,
    column_labels,
    issuer_text,
    row_cells,
    subtitle_text,
    title_text,
)
from plans.text_metrics import line_count

FONT_NAME = "Times New Roman"
FONT_SIZE_PT = 13
PAGE_WIDTH_CM = 29.7  # A4 landscape
PAGE_HEIGHT_CM = 21.0
MARGINS_CM = {"top_margin": 2.0, "bottom_margin": 2.0, "left_margin": 3.0, "right_margin": 1.5}
HEADER_DISTANCE_CM = 1.0  # the page number sits in the top margin
# TT | Nội dung | ĐV thực hiện | ĐV phối hợp | Thời gian | Đã thực hiện | Sản phẩm | Tỷ lệ
# Sums to the 25.2 cm between the margins; the task text gets the most room.
COLUMN_WIDTHS_CM: tuple[float, ...] = (1.2, 6.4, 3.3, 3.1, 2.9, 2.9, 3.3, 2.1)
# Cell padding ("a little air"), in twentieths of a point (dxa).
CELL_MARGIN_DXA = {"top": 40, "bottom": 40, "left": 85, "right": 85}
# Columns whose short values read better centred (TT, deadline, percent).
_CENTERED_COLUMNS = frozenset({0, 4, 7})
_LANG_TAGS = {"vi": "vi-VN", "en": "en-US"}


def render_docx(table: StatusTable, lang: str = "vi") -> bytes:
    """Return the .docx bytes of the appendix for ``table`` in ``lang``."""
    lang = normalize_language(lang)
    document = Document()
    _setup_page(document)
    _setup_fonts(document, lang)
    _set_properties(document, table, lang)

    _add_page_numbers(document)
    _add_centered(document, appendix_label_text(lang), bold=True)
    _add_centered(document, title_text(table, lang), bold=True)
    _add_centered(document, subtitle_text(table, lang), italic=True, space_after=Pt(12))

    _add_status_table(document, table, lang)

    summary = document.add_paragraph()
    summary.paragraph_format.space_before = Pt(12)
    summary.paragraph_format.first_line_indent = Cm(1)
    summary.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    summary.add_run(table.summary_sentence(lang))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _setup_page(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    for side, cm in MARGINS_CM.items():
        setattr(section, side, Cm(cm))
    section.header_distance = Cm(HEADER_DISTANCE_CM)
    section.footer_distance = Cm(HEADER_DISTANCE_CM)


def _add_page_numbers(document: DocumentObject) -> None:
    """A PAGE field at the top centre of every page but the first."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    parts: tuple[tuple[str, None] | tuple[None, str], ...] = (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "2"),
    )
    for kind, text in parts:
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text is None:
            continue
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run._r.append(_text_element(text))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _text_element(text: str) -> BaseOxmlElement | etree._Element:
    element = OxmlElement("w:t")
    element.text = text
    return element


def _force_fonts(rpr: etree._Element) -> None:
    """Name Times New Roman for every script slot and drop theme fonts.

    Word picks the font of a Vietnamese letter from the ``hAnsi`` slot and,
    when the paragraph is tagged East-Asian or complex-script, from
    ``eastAsia``/``cs``; a theme attribute (``asciiTheme``) beats an explicit
    name. Setting only ``style.font.name`` leaves Calibri in those slots.
    """
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT_NAME)


def _setup_fonts(document: DocumentObject, lang: str) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(FONT_SIZE_PT)
    rpr = normal.element.get_or_add_rPr()
    _force_fonts(rpr)
    sz_cs = rpr.find(qn("w:szCs"))
    if sz_cs is None:
        sz_cs = OxmlElement("w:szCs")
        rpr.insert_element_before(
            sz_cs, "w:highlight", "w:u", "w:effect", "w:lang", "w:eastAsianLayout"
        )
    sz_cs.set(qn("w:val"), str(FONT_SIZE_PT * 2))
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.insert_element_before(lang_el, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang_el.set(qn("w:val"), _LANG_TAGS.get(lang, "vi-VN"))

    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0

    # The template's document defaults name theme fonts too; tables and any
    # style not based on Normal would fall back to them.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        default_rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if default_rpr is not None:
            _force_fonts(default_rpr)
            for tag in ("w:sz", "w:szCs"):
                el = default_rpr.find(qn(tag))
                if el is not None:
                    el.set(qn("w:val"), str(FONT_SIZE_PT * 2))


def _set_properties(document: DocumentObject, table: StatusTable, lang: str) -> None:
    props = document.core_properties
    stamp = datetime.combine(table.generated_on, time(0, 0))
    props.title = title_text(table, lang)
    props.author = issuer_text(table, lang)
    props.last_modified_by = "cchc-bot"
    props.comments = ""
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.language = _LANG_TAGS.get(lang, "vi-VN")


def _add_centered(
    document: DocumentObject,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    space_after: Length | None = None,
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if space_after is not None:
        paragraph.paragraph_format.space_after = space_after
    run = paragraph.add_run(clean_text(text))
    run.bold = bold or None
    run.italic = italic or None
    return paragraph


def _add_status_table(document: DocumentObject, table: StatusTable, lang: str) -> Table:
    labels = column_labels(lang)
    widths = [Cm(width) for width in COLUMN_WIDTHS_CM]
    grid: Table = document.add_table(rows=1, cols=len(labels))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _set_cell_margins(grid)
    # Word reads each cell's own width (tcW), LibreOffice the grid: set both.
    for index, width in enumerate(widths):
        grid.columns[index].width = width

    header = grid.rows[0]
    _set_row_flag(header, "w:tblHeader")  # repeat at the top of every page
    _set_row_flag(header, "w:cantSplit")
    for index, label in enumerate(labels):
        _fill_cell(header.cells[index], label, widths[index], bold=True, center=True)

    for section in table.sections:
        row = grid.add_row()
        _set_row_flag(row, "w:cantSplit")
        merged = row.cells[0].merge(row.cells[len(labels) - 1])
        paragraph = _fill_cell(merged, clean_text(section.heading), sum(widths, Cm(0)), bold=True)
        # A field heading alone at the foot of a page reads as a lost line.
        paragraph.paragraph_format.keep_with_next = True
        for status_row in section.rows:
            row = grid.add_row()
            texts = row_cells(status_row, lang)
            if _fits_on_a_page(texts):
                _set_row_flag(row, "w:cantSplit")
            for index, text in enumerate(texts):
                _fill_cell(
                    row.cells[index],
                    text,
                    widths[index],
                    center=index in _CENTERED_COLUMNS,
                    bold=status_row.group,  # a criterion group's heading row
                )
    return grid


def _fits_on_a_page(texts: list[str]) -> bool:
    """Whether a row is short enough to keep whole (cantSplit) on one page.

    A row taller than the page must be allowed to break, or Word and
    LibreOffice cut off what does not fit.
    """
    pad_pt = (CELL_MARGIN_DXA["left"] + CELL_MARGIN_DXA["right"]) / 20
    lines = max(
        line_count(text, width_cm / 2.54 * 72 - pad_pt, FONT_SIZE_PT)
        for text, width_cm in zip(texts, COLUMN_WIDTHS_CM, strict=False)
    )
    printable_pt = (PAGE_HEIGHT_CM - MARGINS_CM["top_margin"] - MARGINS_CM["bottom_margin"]) / 2.54
    return lines * FONT_SIZE_PT * 1.2 < printable_pt * 72 * 0.6


def _set_cell_margins(grid: Table) -> None:
    """Default cell padding of the table (w:tblCellMar)."""
    tbl_pr: etree._Element = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, dxa in CELL_MARGIN_DXA.items():
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(dxa))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def _set_row_flag(row: _Row, tag: str) -> None:
    """Switch on a row property such as w:tblHeader or w:cantSplit."""
    tr_pr: etree._Element = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _fill_cell(
    cell: _Cell, text: str, width: Length, *, bold: bool = False, center: bool = False
) -> Paragraph:
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph: Paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
    return paragraph
