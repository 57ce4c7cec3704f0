"""The exported progress table, reopened and checked cell by cell.

The sample mirrors seed 002's appendix (a commune's six-month table) plus the
awkward inputs officers do type: markup-like text, asterisks, a leading "=",
line breaks, a control character pasted from Word, a criterion code.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from babel.messages.pofile import read_po
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from plans import export_csv, export_docx, export_xlsx
from plans.calendar import PeriodKind, period
from plans.export_csv import render_csv
from plans.export_docx import render_docx
from plans.export_xlsx import render_xlsx
from plans.status_table import (
    PlanRef,
    StatusSection,
    StatusTable,
    column_labels,
    format_percent_value,
    format_ratio,
    issuer_text,
    row_cells,
    subtitle_text,
    suggested_filename,
    title_text,
)
from tests.status_table_support import status_row as _row
from tests.status_table_support import status_table

ROOT = Path(__file__).resolve().parents[1]
TNR = "Times New Roman"


def sample_table(**overrides) -> StatusTable:
    sections = [
        StatusSection(
            "I",
            "Công tác chỉ đạo, điều hành",
            [
                _row(1, "Ban hành kế hoạch kiểm tra CCHC năm 2023", 100),
                _row(2, "Ban hành kế hoạch tuyên truyền <b>CCHC</b> *năm 2023*", 100),
                _row(
                    3,
                    "Đánh giá thực hiện nhiệm vụ CCHC theo quy định",
                    50,
                    deadline_text="Thường xuyên",
                    output="Kế hoạch, báo cáo",
                ),
            ],
        ),
        StatusSection(
            "II",
            "Cải cách thể chế",
            [
                _row(1, '=HYPERLINK("http://x") rà soát VB QPPL\nnăm 2023', 100),
                _row(2, "Ban hành kế hoạch phổ biến\x0bGDPL năm 2023", None, done_cell=None),
                _row(
                    3,
                    "Tiếp nhận, xử lý phản ánh kiến nghị",
                    20,
                    ordinal="2.1.1",
                    output="- Báo cáo tiếp công dân 6 tháng đầu năm 2023",
                ),
            ],
        ),
        StatusSection("III", "Cải cách thủ tục hành chính", []),
    ]
    values = {
        "organization": "Kim Thạch",
        "year": 2023,
        "period": period(PeriodKind.H1, 2023),
        "generated_on": date(2023, 6, 12),
        "plan": PlanRef("06/KH-UBND", date(2023, 1, 18)),
        "sections": sections,
    }
    values.update(overrides)
    return status_table(**values)


def table_of(done: int, total: int) -> StatusTable:
    rows = [_row(i, f"Nhiệm vụ {i}", 100 if i <= done else 50) for i in range(1, total + 1)]
    return sample_table(sections=[StatusSection("I", "Công tác chỉ đạo", rows)])


# --------------------------------------------------------------------------
# Shared texts and the summary sentence


def test_summary_counts_and_sentence_27_of_32():
    table = table_of(27, 32)
    assert table.summary_counts() == (27, 32)
    vi = table.summary_sentence("vi")
    en = table.summary_sentence("en")
    assert "27/32" in vi and vi.endswith("đạt 84,4%.")
    assert "Kế hoạch số 06/KH-UBND ngày 18/01/2023" in vi and "UBND xã Kim Thạch" in vi
    assert vi.startswith("Trong 6 tháng đầu năm 2023, đã thực hiện 27/32 nhiệm vụ")
    assert "84.4%" in en and "27 of the 32 tasks" in en and "84,4" not in en


def test_percent_formatting_rounds_half_up_and_groups():
    assert format_ratio(27, 32, "vi") == "84,4%"
    assert format_ratio(27, 32, "en") == "84.4%"
    assert format_ratio(32, 32, "vi") == "100%"
    assert format_ratio(0, 0, "vi") == "0%"
    assert format_percent_value(84.45, "vi") == "84,5%"  # Babel alone says 84,4%
    assert format_percent_value(50, "en", decimals=0) == "50%"


def test_done_flag_overrides_percent():
    table = table_of(1, 2)
    table.sections[0].rows[1].done = True  # e.g. "Đã ban hành" recorded without 100%
    table.sections[0].rows[0].done = False
    assert table.summary_counts() == (1, 2)
    table.sections[0].rows[0].done = None
    assert table.summary_counts() == (2, 2)


def test_empty_table_sentence():
    table = sample_table(sections=[])
    assert table.summary_counts() == (0, 0)
    assert "chưa có nhiệm vụ nào" in table.summary_sentence("vi")


def test_default_plan_and_issuer_texts():
    table = sample_table(plan=None, organization="xã Kim Thạch")
    assert issuer_text(table, "vi") == "UBND xã Kim Thạch"  # no "xã xã"
    assert "Kế hoạch cải cách hành chính năm 2023" in table.summary_sentence("vi")
    assert issuer_text(sample_table(organization_kind="phường", organization="Đông Lễ"), "en") == (
        "the People's Committee of Đông Lễ Ward"
    )
    odd = sample_table(organization_kind="đặc khu", organization="Côn Đảo")
    assert issuer_text(odd, "vi") == "UBND đặc khu Côn Đảo"


def test_subtitle_blank_reference_and_given_reference():
    blank = subtitle_text(sample_table(), "vi")
    assert blank == (
        "(Kèm theo Báo cáo số ....../BC-UBND ngày 12 tháng 6 năm 2023 của UBND xã Kim Thạch)"
    )
    given = subtitle_text(sample_table(report_ref="Báo cáo số 40/BC-UBND ngày 09/6/2023"), "vi")
    assert given == "(Kèm theo Báo cáo số 40/BC-UBND ngày 09/6/2023 của UBND xã Kim Thạch)"


def test_subtitle_carries_the_sent_report_record():
    sent = sample_table(report_number="45/BC-UBND", report_date=date(2024, 6, 8))
    assert subtitle_text(sent, "vi") == (
        "(Kèm theo Báo cáo số 45/BC-UBND ngày 08 tháng 6 năm 2024 của UBND xã Kim Thạch)"
    )
    assert subtitle_text(sent, "en") == (
        "(Attached to Report No. 45/BC-UBND dated 08/6/2024 of "
        "the People's Committee of Kim Thạch Commune)"
    )


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2024, 6, 3), "ngày 03 tháng 6 năm 2024"),
        (date(2024, 2, 8), "ngày 08 tháng 02 năm 2024"),
        (date(2024, 1, 15), "ngày 15 tháng 01 năm 2024"),
        (date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
        (date(2024, 10, 9), "ngày 09 tháng 10 năm 2024"),
    ],
)
def test_dates_follow_the_decree_leading_zeros(day, text):
    from plans.status_table import decree_date_text

    assert decree_date_text(day, "vi") == text


def test_heading_names_the_period_and_the_appendix():
    from plans.status_table import appendix_label_text

    table = sample_table()
    assert appendix_label_text("vi") == "PHỤ LỤC"
    assert title_text(table, "vi") == (
        "TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2023"
    )
    q1 = sample_table(period=period(PeriodKind.Q1, 2024), year=2024)
    assert title_text(q1, "vi").endswith("QUÝ I NĂM 2024")


def test_suggested_filename_is_ascii():
    name = suggested_filename(sample_table(organization="Đông Hà", period=None), "xlsx")
    assert name == "tien-do-cchc-2023-dong-ha-2023-06-12.xlsx"
    assert name.isascii()


# --------------------------------------------------------------------------
# Word


def _open_docx(table: StatusTable, lang: str = "vi"):
    return docx.Document(io.BytesIO(render_docx(table, lang)))


def _tc_count(row) -> list:
    return row._tr.findall(qn("w:tc"))


def test_docx_page_is_a4_landscape_with_decree_margins():
    section = _open_docx(sample_table()).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width.cm == pytest.approx(29.7, abs=0.01)
    assert section.page_height.cm == pytest.approx(21.0, abs=0.01)
    # Nghị định 30/2020: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
    assert 2.0 <= round(section.top_margin.cm, 2) <= 2.5
    assert 2.0 <= round(section.bottom_margin.cm, 2) <= 2.5
    assert 3.0 <= round(section.left_margin.cm, 2) <= 3.5
    assert 1.5 <= round(section.right_margin.cm, 2) <= 2.0


def test_docx_page_number_top_centre_from_page_two():
    section = _open_docx(sample_table()).sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.is_linked_to_previous is False
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    paragraph = section.header.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instr = "".join(el.text for el in paragraph._p.iter(qn("w:instrText")))
    assert instr.strip() == "PAGE"


def test_docx_table_has_cell_padding():
    grid = _open_docx(sample_table()).tables[0]
    margins = grid._tbl.tblPr.find(qn("w:tblCellMar"))
    assert margins is not None
    assert all(int(margins.find(qn(f"w:{s}")).get(qn("w:w"))) > 0 for s in ("top", "left"))


def test_docx_font_is_times_new_roman_13_for_every_script():
    document = _open_docx(sample_table())
    normal = document.styles["Normal"]
    assert normal.font.name == TNR
    assert normal.font.size == Pt(13)
    for rpr in (
        normal.element.rPr,
        document.styles.element.find(
            qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
        ),
    ):
        rfonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            assert rfonts.get(qn(attr)) == TNR
        assert not [a for a in rfonts.attrib if "theme" in a.lower()]
        assert rpr.find(qn("w:szCs")).get(qn("w:val")) == "26"
    # No run anywhere overrides the font or size.
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [
        r
        for row in document.tables[0].rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert runs
    assert {r.font.name for r in runs} <= {None}
    assert {r.font.size for r in runs} <= {None}


def test_docx_title_subtitle_and_summary():
    table = sample_table()
    document = _open_docx(table)
    appendix, title, subtitle = document.paragraphs[:3]
    assert appendix.text == "PHỤ LỤC" and all(r.bold for r in appendix.runs)
    assert title.text == title_text(table, "vi")
    assert title.text.endswith("6 THÁNG ĐẦU NĂM 2023")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.bold for r in title.runs)
    assert subtitle.text == subtitle_text(table, "vi")
    assert "Báo cáo số ....../BC-UBND" in subtitle.text
    assert all(r.italic for r in subtitle.runs)
    summary = document.paragraphs[-1]
    assert summary.text == table.summary_sentence("vi")
    assert "3/6" in summary.text and summary.text.endswith("đạt 50%.")
    assert document.core_properties.title == title.text


def test_docx_table_cell_by_cell():
    table = sample_table()
    grid = _open_docx(table).tables[0]
    rows = list(grid.rows)

    header = rows[0]
    assert [c.text for c in header.cells] == column_labels("vi")
    assert header.cells[0].text == "TT" and header.cells[7].text == "Tỷ lệ hoàn thành"
    assert all(r.bold for c in header.cells for p in c.paragraphs for r in p.runs)
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None

    expected_count = 1 + sum(1 + len(s.rows) for s in table.sections)
    assert len(rows) == expected_count
    index = 1
    for section in table.sections:
        row = rows[index]
        tcs = _tc_count(row)
        assert len(tcs) == 1 and tcs[0].grid_span == 8  # merged across every column
        assert row.cells[0].text == f"{section.key}. {section.title}"
        runs = row.cells[0].paragraphs[0].runs
        assert runs and all(r.bold for r in runs)
        index += 1
        for status_row in section.rows:
            row = rows[index]
            assert len(_tc_count(row)) == 8
            assert [c.text for c in row.cells] == row_cells(status_row, "vi")
            assert not any(r.bold for c in row.cells for p in c.paragraphs for r in p.runs)
            index += 1
    # Spot checks against the seed's wording and the awkward inputs.
    assert rows[2].cells[7].text == "100%"
    assert rows[4].cells[7].text == "50%"
    assert rows[3].cells[1].text == "Ban hành kế hoạch tuyên truyền <b>CCHC</b> *năm 2023*"
    assert rows[6].cells[1].text == '=HYPERLINK("http://x") rà soát VB QPPL\nnăm 2023'
    assert rows[7].cells[1].text == "Ban hành kế hoạch phổ biếnGDPL năm 2023"  # \x0b dropped
    assert rows[7].cells[7].text == ""  # no percent → blank, as in the seed
    assert rows[8].cells[0].text == "2.1.1"
    assert rows[9].cells[0].text == "III. Cải cách thủ tục hành chính"


def test_docx_column_widths_fill_the_page():
    grid = _open_docx(sample_table()).tables[0]
    widths = [c.width.cm for c in grid.rows[1 + 1].cells]
    assert sum(widths) == pytest.approx(29.7 - 3.0 - 1.5, abs=0.05)
    assert widths[1] == max(widths)  # the task text gets the most room


def test_docx_english_headers():
    document = _open_docx(sample_table(), "en")
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header == [
        "No.",
        "Task",
        "Lead unit",
        "Coordinating units",
        "Deadline",
        "Work done",
        "Output",
        "% done",
    ]
    assert document.paragraphs[0].text == "APPENDIX"
    # the table holds the period, not its Vietnamese name: one table, any reader's language
    assert document.paragraphs[1].text == (
        "PROGRESS OF THE ADMINISTRATIVE REFORM TASKS, FIRST HALF OF 2023"
    )
    assert document.paragraphs[-1].text.endswith("(50%).")
    normal = document.styles["Normal"].element.rPr
    assert normal.find(qn("w:lang")).get(qn("w:val")) == "en-US"


# --------------------------------------------------------------------------
# Excel


def _open_xlsx(table: StatusTable, lang: str = "vi"):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(table, lang))).active


def _merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def test_xlsx_titles_and_header():
    table = sample_table()
    sheet = _open_xlsx(table)
    assert sheet.title == "Tiến độ CCHC 2023"
    assert sheet["A1"].value == "PHỤ LỤC"
    assert sheet["A2"].value == title_text(table, "vi")
    assert sheet["A2"].font.b
    assert sheet["A3"].value == subtitle_text(table, "vi")
    assert sheet["A3"].font.i
    header = [sheet.cell(row=5, column=c) for c in range(1, 9)]
    assert [c.value for c in header] == column_labels("vi")
    for cell in header:
        assert cell.font.b and cell.alignment.wrap_text
        assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"


def test_xlsx_rows_cell_by_cell():
    table = sample_table()
    sheet = _open_xlsx(table)
    merged = _merged(sheet)
    r = 6
    for section in table.sections:
        # A plain row (no merge: sorting and filtering keep working).
        assert sheet.cell(row=r, column=1).value == section.key
        assert sheet.cell(row=r, column=2).value == section.title
        assert not [m for m in merged if m.startswith(f"A{r}:")]
        assert sheet.cell(row=r, column=1).font.b and sheet.cell(row=r, column=2).font.b
        r += 1
        for status_row in section.rows:
            texts = row_cells(status_row, "vi")
            cells = [sheet.cell(row=r, column=c) for c in range(1, 9)]
            ordinal = cells[0].value
            assert (str(ordinal) if isinstance(ordinal, int) else ordinal) == texts[0]
            for cell, text in zip(cells[1:7], texts[1:7], strict=True):
                assert (cell.value or "") == text
                assert cell.data_type in ("s", "n")  # never a formula
                assert cell.border.top.style == "thin"
            percent = cells[7]
            if status_row.percent is None:
                assert percent.value is None
            else:
                assert percent.value == pytest.approx(status_row.percent / 100)
                assert isinstance(percent.value, (int, float))
            assert percent.number_format == "0%"
            assert not cells[1].font.b
            r += 1
    assert sheet.cell(row=6 + 1, column=1).value == 1  # "1" stored as a number
    formula_like = sheet.cell(row=11, column=2)
    assert formula_like.value.startswith("=HYPERLINK") and formula_like.data_type == "s"
    assert (
        sheet.cell(row=8, column=2).value == "Ban hành kế hoạch tuyên truyền <b>CCHC</b> *năm 2023*"
    )
    summary = sheet.cell(row=r + 1, column=1)
    assert summary.value == table.summary_sentence("vi")
    assert f"A{r + 1}:H{r + 1}" in merged


def test_xlsx_fonts_layout_and_print_setup():
    sheet = _open_xlsx(sample_table())
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                assert cell.font.name == TNR and cell.font.sz == 13, cell.coordinate
    assert sheet.freeze_panes == "A6"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$5:$5"
    # Every row is sized here: LibreOffice does not auto-fit wrapped rows on load.
    for r in range(1, sheet.max_row + 1):
        if any(c.value for c in sheet[r]):
            assert sheet.row_dimensions[r].height, r
    # Decree margins and the page number top centre from page 2.
    m = sheet.page_margins
    assert (m.top * 2.54, m.bottom * 2.54) == (pytest.approx(2.0), pytest.approx(2.0))
    assert (m.left * 2.54, m.right * 2.54) == (pytest.approx(3.0), pytest.approx(1.5))
    assert sheet.HeaderFooter.differentFirst
    assert sheet.oddHeader.center.text == "&P"
    assert not sheet.firstHeader.center.text
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGH"]
    assert widths[1] == max(widths) and all(w >= 6 for w in widths)


def test_xlsx_english_headers():
    sheet = _open_xlsx(sample_table(), "en")
    assert sheet.cell(row=5, column=1).value == "No."
    assert sheet.cell(row=5, column=8).value == "% done"
    assert sheet.title == "CCHC progress 2023"


# --------------------------------------------------------------------------
# CSV


def test_csv_round_trip():
    table = sample_table()
    data = render_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b";" in data.splitlines()[0] and b"," not in data.splitlines()[0]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == column_labels("vi")
    expected: list[list[str]] = []
    for section in table.sections:
        expected.append([section.key, section.title, "", "", "", "", "", ""])
        expected.extend(
            [export_csv.neutralize(x) for x in row_cells(r, "vi")] for r in section.rows
        )
    assert rows[1:] == expected
    assert rows[3][1] == "Ban hành kế hoạch tuyên truyền <b>CCHC</b> *năm 2023*"
    assert rows[6][1] == '\'=HYPERLINK("http://x") rà soát VB QPPL\nnăm 2023'
    assert rows[8][6] == "'- Báo cáo tiếp công dân 6 tháng đầu năm 2023"
    assert rows[2][7] == "100%" and rows[7][7] == ""


def test_csv_english_headers():
    text = render_csv(sample_table(), "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "No." and rows[0][1] == "Task"


# --------------------------------------------------------------------------
# Hygiene


@pytest.mark.parametrize("module", [export_docx, export_xlsx, export_csv])
def test_export_modules_stay_pure(module):
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+(telegram|sqlalchemy|aiohttp)", source, re.M)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def test_export_catalogs_match_across_languages():
    def load(lang: str) -> dict[str, str]:
        with (ROOT / "locales" / lang / "export.po").open("rb") as fh:
            return {m.id: m.string for m in read_po(fh) if m.id}

    vi, en = load("vi"), load("en")
    assert vi.keys() == en.keys()
    for key in vi:
        assert vi[key] and en[key], key
        assert _placeholders(vi[key]) == _placeholders(en[key]), key
