"""Render the progress table as the Word appendix of the periodic CCHC report.

The layout copies seed 002's appendix, because the clerk pastes or attaches
it to a report that the district's Phòng Nội vụ reads next to dozens of
others: A4 landscape, Times New Roman 13 (the administrative-document font),
a bold centred title, an italic "(Ban hành kèm theo Báo cáo số …)" line, the
eight-column table with the Roman-numbered field rows merged across, and the
summary sentence under it. The header row repeats on every page because the
table always runs over several pages.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

from locales import normalize_language
from plans.status_table import (
    StatusTable,
    clean_text,
    column_labels,
    issuer_text,
    row_cells,
    subtitle_text,
    title_text,
)

logger = logging.getLogger(__name__)

FONT_NAME = "Times New Roman"
FONT_SIZE_PT = 13
PAGE_WIDTH_CM = 29.7  # A4 landscape
PAGE_HEIGHT_CM = 21.0
MARGIN_CM = 2.0
# TT | Nội dung | ĐV thực hiện | ĐV phối hợp | Thời gian | Đã thực hiện | Sản phẩm | Tỷ lệ
# Sums to the 25.7 cm between the margins; the task text gets the most room.
COLUMN_WIDTHS_CM: tuple[float, ...] = (1.3, 6.6, 3.3, 3.0, 2.8, 3.0, 3.5, 2.2)
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


def _setup_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))


def _force_fonts(rpr) -> None:
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


def _setup_fonts(document, lang: str) -> None:
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


def _set_properties(document, table: StatusTable, lang: str) -> None:
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
    document, text: str, *, bold: bool = False, italic: bool = False, space_after=None
):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if space_after is not None:
        paragraph.paragraph_format.space_after = space_after
    run = paragraph.add_run(clean_text(text))
    run.bold = bold or None
    run.italic = italic or None
    return paragraph


def _add_status_table(document, table: StatusTable, lang: str) -> Table:
    labels = column_labels(lang)
    widths = [Cm(width) for width in COLUMN_WIDTHS_CM]
    grid = document.add_table(rows=1, cols=len(labels))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
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
            _set_row_flag(row, "w:cantSplit")
            for index, text in enumerate(row_cells(status_row, lang)):
                _fill_cell(row.cells[index], text, widths[index], center=index in _CENTERED_COLUMNS)
    return grid


def _set_row_flag(row, tag: str) -> None:
    """Switch on a row property such as w:tblHeader or w:cantSplit."""
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _fill_cell(cell: _Cell, text: str, width, *, bold: bool = False, center: bool = False):
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
    return paragraph
