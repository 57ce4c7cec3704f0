"""Render the progress table as an Excel sheet for the clerk to edit and sum.

Same content as the Word appendix, but where Word is for signing, the sheet
is for working: percents are real numbers (0..1 with a "0%" format) so the
clerk can average or filter them, the header stays frozen while scrolling,
field rows are plain rows (a merge across the table blocks sorting and
filtering), and the print setup (A4 landscape, decree margins, fit to one
page wide, header repeated, page number top centre from page 2) gives a
paper copy that matches the Word one.

Every row height is set from the lines its cells wrap into
(``plans.text_metrics``): without it LibreOffice opens the sheet with
one-line rows, the texts overlap and the whole table squeezes onto one page.
"""

from __future__ import annotations

import io
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from locales import normalize_language, t
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
from plans.text_metrics import excel_column_pt, line_count

FONT_NAME = "Times New Roman"
FONT_SIZE = 13
PERCENT_FORMAT = "0%"
# Widths in Excel character units, matching the proportions of the Word
# table; together about the 25.2 cm between the decree margins, so fitting
# the sheet to one page wide shrinks the print by only a few percent.
COLUMN_WIDTHS: tuple[float, ...] = (6, 38, 17, 16, 13, 15, 18, 11)
_CENTERED_COLUMNS = frozenset({1, 5, 8})  # 1-based: TT, deadline, percent
PERCENT_COLUMN = 8
APPENDIX_ROW = 1
TITLE_ROW = 2
SUBTITLE_ROW = 3
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
LINE_HEIGHT_PT = 17.0  # one line of 13 pt Times with Excel's and LibreOffice's leading
ROW_PADDING_PT = 6.0  # a little air above and below the text of a cell
MAX_ROW_HEIGHT_PT = 409.0  # Excel's limit; below the 17 cm printable height of the page
CELL_PADDING_PT = 7.0  # Excel's 5 px of column padding plus the borders, in points
# Nghị định 30/2020/NĐ-CP, Phụ lục I: top and bottom 20-25 mm, left 30-35 mm,
# right 15-20 mm; the page number sits in the top margin.
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
HEADER_MARGIN_CM = 1.0

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_ITALIC = Font(name=FONT_NAME, size=FONT_SIZE, italic=True)
_SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def render_xlsx(table: StatusTable, lang: str = "vi") -> bytes:
    """Return the .xlsx bytes of the progress table for ``table`` in ``lang``."""
    lang = normalize_language(lang)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one plain sheet
    sheet.title = _sheet_title(table, lang)
    labels = column_labels(lang)
    last_col = len(labels)

    _set_properties(workbook, table, lang)
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    _merged_line(sheet, APPENDIX_ROW, appendix_label_text(lang), last_col, _BOLD, center=True)
    _merged_line(sheet, TITLE_ROW, title_text(table, lang), last_col, _BOLD, center=True)
    _merged_line(sheet, SUBTITLE_ROW, subtitle_text(table, lang), last_col, _ITALIC, center=True)

    for col, label in enumerate(labels, start=1):
        cell = _put(sheet, HEADER_ROW, col, label)
        cell.font = _BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    _fit_row_height(sheet, HEADER_ROW, labels, bold=True)

    row_index = FIRST_DATA_ROW
    for section in table.sections:
        # "I" under TT, the field's title under Nội dung: a plain row, so the
        # clerk can still sort and filter the table.
        key = clean_text(section.key).strip().rstrip(".")
        heading = clean_text(section.title).strip() if key else clean_text(section.heading)
        field_texts = [key, heading] + [""] * (last_col - 2)
        for col in range(1, last_col + 1):
            cell = _put(sheet, row_index, col, field_texts[col - 1])
            cell.font = _BOLD
            cell.border = _BORDER
            cell.alignment = Alignment(
                horizontal="center" if col == 1 else "left", vertical="center", wrap_text=True
            )
        _fit_row_height(sheet, row_index, field_texts, bold=True)
        row_index += 1
        for status_row in section.rows:
            texts = row_cells(status_row, lang)
            for col in range(1, last_col + 1):
                if col == PERCENT_COLUMN:
                    value = None if status_row.percent is None else status_row.percent / 100
                    cell = sheet.cell(row=row_index, column=col, value=value)
                    cell.number_format = PERCENT_FORMAT
                elif col == 1 and texts[0].isascii() and texts[0].isdigit():
                    # "1", "2": numbers, or Excel flags each as "number stored as text".
                    cell = sheet.cell(row=row_index, column=col, value=int(texts[0]))
                else:
                    cell = _put(sheet, row_index, col, texts[col - 1])
                cell.font = _BOLD if status_row.group else _FONT
                cell.border = _BORDER
                cell.alignment = Alignment(
                    horizontal="center" if col in _CENTERED_COLUMNS else "left",
                    vertical="center",
                    wrap_text=True,
                )
            _fit_row_height(sheet, row_index, texts, bold=False)
            row_index += 1
    last_table_row = row_index - 1

    summary_row = row_index + 1
    _merged_line(sheet, summary_row, table.summary_sentence(lang), last_col, _FONT, center=False)

    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    _setup_print(sheet, last_col, last_table_row)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet: Worksheet, row: int, col: int, text: str) -> Cell | MergedCell:
    """Write ``text`` as a string, never a formula.

    openpyxl stores any value starting with "=" as a formula; a task titled
    "=HYPERLINK(…)" must stay the literal text the officer typed.
    """
    cell = sheet.cell(row=row, column=col)
    cell.value = text if text else None
    if text:
        cell.data_type = "s"
    return cell


def _merged_line(
    sheet: Worksheet, row: int, text: str, last_col: int, font: Font, *, center: bool
) -> Cell | MergedCell:
    cell = _put(sheet, row, 1, clean_text(text))
    cell.font = font
    cell.alignment = Alignment(
        horizontal="center" if center else "left", vertical="center", wrap_text=True
    )
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    _fit_merged_height(sheet, row, text, last_col)
    return cell


def row_lines(
    texts: list[str], *, bold: bool = False, widths: tuple[float, ...] = COLUMN_WIDTHS
) -> int:
    """The most lines any cell of a row wraps into at its column's width."""
    return max(
        (
            line_count(text, excel_column_pt(width) - CELL_PADDING_PT, FONT_SIZE, bold)
            for text, width in zip(texts, widths, strict=False)
            if text
        ),
        default=1,
    )


def _height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT_PT, lines * LINE_HEIGHT_PT + ROW_PADDING_PT)


def _fit_row_height(sheet: Worksheet, row: int, texts: list[str], *, bold: bool) -> None:
    """Set the row tall enough for its most-wrapped cell (see the module docstring)."""
    sheet.row_dimensions[row].height = _height(row_lines(texts, bold=bold))


def _fit_merged_height(sheet: Worksheet, row: int, text: str, last_col: int) -> None:
    """Size a merged line (title, summary) from its text across the merged width."""
    merged_chars = sum(COLUMN_WIDTHS[:last_col])
    lines = row_lines([clean_text(text)], bold=True, widths=(merged_chars,))
    sheet.row_dimensions[row].height = _height(lines)


def _setup_print(sheet: Worksheet, last_col: int, last_table_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None  # a new sheet has its page-setup properties
    fit.fitToPage = True
    for side, cm in MARGINS_CM.items():
        setattr(sheet.page_margins, side, cm / 2.54)
    sheet.page_margins.header = HEADER_MARGIN_CM / 2.54
    sheet.page_margins.footer = HEADER_MARGIN_CM / 2.54
    sheet.print_options.horizontalCentered = True
    # Page number top centre, none on the first page (Nghị định 30/2020).
    sheet.HeaderFooter.differentFirst = True
    header = sheet.oddHeader
    centre = header.center if header is not None else None
    assert centre is not None  # a new sheet's header has its left, centre and right parts
    centre.text = "&P"
    centre.font = f"{FONT_NAME},Regular"
    centre.size = FONT_SIZE
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{get_column_letter(last_col)}{max(last_table_row, HEADER_ROW) + 2}"


def _sheet_title(table: StatusTable, lang: str) -> str:
    title = t("export.sheet_title", lang, year=table.year).translate(_SHEET_TITLE_FORBIDDEN)
    return title.strip()[:31] or "CCHC"


def _set_properties(workbook: Workbook, table: StatusTable, lang: str) -> None:
    stamp = datetime.combine(table.generated_on, time(0, 0))
    props = workbook.properties
    props.title = title_text(table, lang)
    props.creator = issuer_text(table, lang)
    props.lastModifiedBy = "cchc-bot"
    props.created = stamp
    props.modified = stamp
    props.language = "vi-VN" if lang == "vi" else "en-US"
