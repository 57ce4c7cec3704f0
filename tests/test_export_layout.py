"""Layout of the exported appendix: wrapped row heights, headers that fit.

The row heights and the header check rest on ``plans.text_metrics`` (Times
metrics); these tests pin the metrics to known widths and then check the two
renderers use them: a row's height grows with its wrapped text, and no
column header (in either language) has a word wider than its column.
"""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from plans import export_docx, export_xlsx
from plans.export_docx import render_docx
from plans.export_xlsx import render_xlsx
from plans.status_table import StatusTable, column_labels
from plans.text_metrics import (
    char_em,
    excel_column_pt,
    line_count,
    longest_word_pt,
    text_width_pt,
    wrap_lines,
)
from tests.status_table_support import status_row, status_table

LONG = (
    "Thực hiện tiếp nhận hồ sơ, trả kết quả giải quyết TTHC qua dịch vụ BCCI, cung cấp "
    "dịch vụ công trực tuyến toàn trình và một phần; số hóa hồ sơ, kết quả giải quyết "
    "thủ tục hành chính theo quy định tại Nghị định số 45/2020/NĐ-CP"
)


def _table(contents: list[str]) -> StatusTable:
    return status_table(
        [
            status_row(
                i,
                text,
                50,
                lead_units="VP",
                coordinating_units="Các ban",
                deadline_text="Năm 2024",
                done_cell=None,
                output="",
                task_id=None,
            )
            for i, text in enumerate(contents, start=1)
        ]
    )


def test_times_metrics_are_the_adobe_ones():
    # Times-Roman: "m" 778, "i" 278, space 250; Times-Bold "W" 1000 (units of 1/1000 em).
    assert char_em("m") == pytest.approx(0.778)
    assert char_em("i") == pytest.approx(0.278)
    assert char_em(" ") == pytest.approx(0.25)
    assert char_em("W", bold=True) == pytest.approx(1.0)
    # Vietnamese letters measure as their base letter; the horn adds a little.
    assert char_em("ạ") == char_em("a")
    assert char_em("Đ") == char_em("D")
    assert char_em("ư") > char_em("u")
    assert text_width_pt("mi", 10) == pytest.approx(10.56)


def test_wrap_breaks_between_words_and_cuts_only_overlong_words():
    lines = wrap_lines("một hai ba bốn năm sáu bảy tám", text_width_pt("một hai ba", 13) + 0.1, 13)
    assert lines[0] == "một hai ba"
    assert all(text_width_pt(line, 13) <= text_width_pt("một hai ba", 13) + 0.1 for line in lines)
    assert " ".join(lines) == "một hai ba bốn năm sáu bảy tám"
    cut = wrap_lines("Coordinating", text_width_pt("Coordinatin", 13) + 0.1, 13)
    assert cut == ["Coordinatin", "g"]  # the failure the header check guards against
    assert line_count("a\nb\nc", 500, 13) == 3
    assert line_count("", 10, 13) == 1


def test_excel_column_width_in_points():
    assert excel_column_pt(8.43) == pytest.approx(48)  # Excel's default column: 64 px


def test_xlsx_row_height_follows_the_wrapped_text():
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(_table(["Ngắn", LONG])))).active
    first = export_xlsx.FIRST_DATA_ROW + 1  # after the field row
    short_h = sheet.row_dimensions[first].height
    long_h = sheet.row_dimensions[first + 1].height
    lines = export_xlsx.row_lines(["1", LONG])
    assert lines >= 4
    assert short_h == pytest.approx(export_xlsx.LINE_HEIGHT_PT + export_xlsx.ROW_PADDING_PT)
    assert long_h == pytest.approx(lines * export_xlsx.LINE_HEIGHT_PT + export_xlsx.ROW_PADDING_PT)
    # The wrapped lines really fit the column they were measured for.
    width = excel_column_pt(export_xlsx.COLUMN_WIDTHS[1]) - export_xlsx.CELL_PADDING_PT
    assert all(text_width_pt(line, 13) <= width for line in wrap_lines(LONG, width, 13))


def test_xlsx_has_no_merge_inside_the_table():
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(_table(["Một", "Hai"])))).active
    table_rows = range(export_xlsx.HEADER_ROW, sheet.max_row - 1)
    for merged in sheet.merged_cells.ranges:
        assert merged.min_row not in table_rows, str(merged)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_header_words_fit_their_columns_in_both_formats(lang):
    """No header word is wider than its column: "Coordinatin g" must not happen."""
    labels = column_labels(lang)
    size = export_docx.FONT_SIZE_PT
    pad_pt = (export_docx.CELL_MARGIN_DXA["left"] + export_docx.CELL_MARGIN_DXA["right"]) / 20
    for label, width_cm in zip(labels, export_docx.COLUMN_WIDTHS_CM, strict=True):
        room = width_cm / 2.54 * 72 - pad_pt
        assert longest_word_pt(label, size, bold=True) <= room, (lang, label)
    for label, width in zip(labels, export_xlsx.COLUMN_WIDTHS, strict=True):
        room = excel_column_pt(width) - export_xlsx.CELL_PADDING_PT
        assert longest_word_pt(label, export_xlsx.FONT_SIZE, bold=True) <= room, (lang, label)


def test_docx_headers_are_the_catalog_labels():
    document = docx.Document(io.BytesIO(render_docx(_table(["Một"]), "en")))
    assert [c.text for c in document.tables[0].rows[0].cells] == column_labels("en")
