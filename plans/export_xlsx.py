"""Render the progress table as an Excel sheet for the clerk to edit and sum.

Same content as the Word appendix, but where Word is for signing, the sheet
is for working: percents are real numbers (0..1 with a "0%" format) so the
clerk can average or filter them, the header stays frozen while scrolling,
and the print setup (A4 landscape, fit to one page wide, header repeated)
gives a paper copy that matches the Word one.
"""

from __future__ import annotations

import io
import logging
import math
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from locales import normalize_language, t
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
FONT_SIZE = 13
PERCENT_FORMAT = "0%"
# Widths in Excel character units, matching the proportions of the Word table.
COLUMN_WIDTHS: tuple[float, ...] = (7, 45, 20, 18, 16, 18, 22, 12)
_CENTERED_COLUMNS = frozenset({1, 5, 8})  # 1-based: TT, deadline, percent
PERCENT_COLUMN = 8
TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1
_LINE_HEIGHT_PT = 18  # one line of 13 pt text with Excel's leading

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
    sheet.title = _sheet_title(table, lang)
    labels = column_labels(lang)
    last_col = len(labels)

    _set_properties(workbook, table, lang)
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    _merged_line(sheet, TITLE_ROW, title_text(table, lang), last_col, _BOLD, center=True)
    _merged_line(sheet, SUBTITLE_ROW, subtitle_text(table, lang), last_col, _ITALIC, center=True)

    for col, label in enumerate(labels, start=1):
        cell = _put(sheet, HEADER_ROW, col, label)
        cell.font = _BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER

    row_index = FIRST_DATA_ROW
    for section in table.sections:
        _put(sheet, row_index, 1, clean_text(section.heading))
        sheet.merge_cells(
            start_row=row_index, start_column=1, end_row=row_index, end_column=last_col
        )
        _fit_merged_height(sheet, row_index, section.heading, last_col)
        for col in range(1, last_col + 1):
            cell = sheet.cell(row=row_index, column=col)
            cell.font = _BOLD
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
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
                cell.font = _FONT
                cell.border = _BORDER
                cell.alignment = Alignment(
                    horizontal="center" if col in _CENTERED_COLUMNS else "left",
                    vertical="center",
                    wrap_text=True,
                )
            row_index += 1
    last_table_row = row_index - 1

    summary_row = row_index + 1
    _merged_line(sheet, summary_row, table.summary_sentence(lang), last_col, _FONT, center=False)

    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=1)
    _setup_print(sheet, last_col, last_table_row)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(sheet: Worksheet, row: int, col: int, text: str):
    """Write ``text`` as a string, never a formula.

    openpyxl stores any value starting with "=" as a formula; a task titled
    "=HYPERLINK(…)" must stay the literal text the officer typed.
    """
    cell = sheet.cell(row=row, column=col)
    cell.value = text if text else None
    if text:
        cell.data_type = "s"
    return cell


def _merged_line(sheet: Worksheet, row: int, text: str, last_col: int, font: Font, *, center: bool):
    cell = _put(sheet, row, 1, clean_text(text))
    cell.font = font
    cell.alignment = Alignment(
        horizontal="center" if center else "left", vertical="center", wrap_text=True
    )
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    _fit_merged_height(sheet, row, text, last_col)
    return cell


def _fit_merged_height(sheet: Worksheet, row: int, text: str, last_col: int) -> None:
    """Size a merged row by estimate: Excel auto-fits wrapped cells on load, merged ones never."""
    chars_per_line = max(1.0, sum(COLUMN_WIDTHS[:last_col]) * 0.9)
    lines = sum(
        max(1, math.ceil(len(part) / chars_per_line)) for part in clean_text(text).split("\n")
    )
    sheet.row_dimensions[row].height = lines * _LINE_HEIGHT_PT + 4


def _setup_print(sheet: Worksheet, last_col: int, last_table_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    margin_in = 2.0 / 2.54
    sheet.page_margins.left = margin_in
    sheet.page_margins.right = margin_in
    sheet.page_margins.top = margin_in
    sheet.page_margins.bottom = margin_in
    sheet.print_options.horizontalCentered = True
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
