"""Other layouts from the seeds, built as real files by tests/doc_builders.py."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.importing import load_plan
from plans.text import ascii_key
from tests import doc_builders as b


def keys(units):
    return [ascii_key(u) for u in units]


# --- seed 002: progress table -------------------------------------------------


@pytest.fixture(scope="module", params=["docx", "xlsx"])
def progress(request):
    if request.param == "docx":
        return load_plan(b.progress_report_docx(), "tien-do.docx")
    return load_plan(b.progress_report_xlsx(), "tien-do.xlsx")


def test_progress_fields_and_counts(progress):
    assert [(f.key, f.title, len(f.tasks)) for f in progress.fields] == [
        ("I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", 3),
        ("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 2),
        ("III", "CẢI CÁCH TÀI CHÍNH CÔNG", 3),
    ]


def test_progress_percent_status_output(progress):
    i1, i2, i3 = progress.fields[0].tasks
    assert (i1.percent, i1.status_text, i1.output) == (100, "Đã ban hành", "Kế hoạch")
    assert keys(i1.lead_units) == [ascii_key("Văn phòng - Thống kê")]
    assert i1.deadline.due_date == dt.date(2023, 1, 31)
    assert i2.deadline.due_date == dt.date(2023, 2, 28)
    assert (i3.percent, i3.status_text, str(i3.deadline.kind)) == (
        50,
        "Đang thực hiện",
        "recurring",
    )
    assert i3.output == "Kế hoạch, báo cáo"
    iii1, iii2, iii3 = progress.fields[2].tasks
    assert iii1.percent == 20
    # Free text in the percent column becomes a note, with a warning.
    assert iii2.percent is None
    assert iii2.note == "6 tháng đầu năm chưa có thanh kiểm tra"
    assert str(iii2.deadline.kind) == "event"
    assert any(w.key == "importing.warning.bad_percent" for w in progress.warnings)
    # "Đang thực hiện" with an empty percent cell says nothing about the figure.
    assert iii3.percent is None and iii3.status_text == "Đang thực hiện"


def test_progress_row_split_over_page_is_joined(progress):
    task = progress.fields[1].tasks[1]
    assert task.content.endswith(
        "(Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử đạt từ 40% trở lên)"
    )
    assert task.percent == 90
    assert [w.key for w in progress.warnings].count("importing.warning.row_merged") == 1


def test_progress_meta(progress):
    assert progress.meta.number is None  # "Báo cáo số: ....../KH-UBND" is a blank
    assert progress.meta.year == 2023
    assert progress.meta.organization == "UBND xã Kim Thạch"


def test_statistics_table_is_not_a_task_table():
    plan = load_plan(b.progress_report_docx(), "tien-do.docx")
    assert all("Bảo trợ" not in t.content for t in plan.all_tasks())


# --- seed 004: PAR INDEX appendix ---------------------------------------------


@pytest.fixture(scope="module", params=["docx", "csv-cp1258", "csv-utf8"])
def par(request):
    if request.param == "docx":
        return load_plan(b.par_index_docx(), "phu-luc.docx")
    encoding = "cp1258" if request.param == "csv-cp1258" else "utf-8-sig"
    return load_plan(b.csv_bytes(b.par_index_csv_rows(), ";", encoding), "phu-luc.csv")


def test_par_fields_from_one_level_codes(par):
    assert [(f.key, len(f.tasks)) for f in par.fields] == [
        ("1", 2),
        ("2", 2),
        ("3", 1),
        ("7", 1),
        ("8", 1),
    ]
    assert par.fields[0].title == "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC"


def test_par_codes_parents_and_units(par):
    tasks = {t.code: t for t in par.all_tasks()}
    assert list(tasks) == ["1.1", "1.2", "2.1.1", "2.1.2", "3.2.1", "7.1.2", "8.3"]
    t11 = tasks["1.1"]
    assert t11.target == "Hoàn thành 100% nhiệm vụ CCHC đã đề ra"
    assert keys(t11.lead_units) == [ascii_key("Văn phòng - Thống kê")]
    assert keys(t11.coordinating_units) == [ascii_key("Các ngành liên quan")]
    assert ascii_key(t11.monitoring_unit) == ascii_key("Văn phòng - Thống kê")
    # 2.1 is a pure heading: not a task, but the parent of its criteria, and
    # its monitoring body is inherited.
    assert tasks["2.1.1"].parent_code == "2.1"
    assert ascii_key(tasks["2.1.1"].monitoring_unit) == ascii_key("Tư pháp - Hộ tịch")
    assert any(s.reason == "importing.skip.heading" for s in par.skipped_rows)
    # 3.2 names units but has children: a group, not a task (issue 12); its
    # title is kept and the group's units go down to 3.2.1.
    groups = {g.code: g for g in par.groups}
    assert groups["2.1"].title.startswith("Theo dõi thi hành pháp luật")
    assert groups["3.2"].parent_code is None and groups["3.2"].field_key == "3"
    assert tasks["3.2.1"].parent_code == "3.2"
    assert any(s.reason == "importing.skip.group" for s in par.skipped_rows)
    # The field row "3." names the monitoring body for the whole field.
    assert ascii_key(tasks["3.2.1"].monitoring_unit) == ascii_key("Văn phòng - Thống kê")


def test_par_continuation_row_after_repeated_header(par):
    task = next(t for t in par.all_tasks() if t.code == "7.1.2")
    assert task.content.endswith("18/4/2022 của UBND tỉnh")
    assert task.target.endswith("1253/QĐ-UBND ngày 18/4/2022 của UBND tỉnh")


@pytest.mark.parametrize("year", [None, 2023])
def test_par_no_deadline_column_takes_the_year_end_flagged(year):
    # The CSV has no heading: the year comes from the caller (the CLI's --year).
    if year is None:
        par = load_plan(b.par_index_docx(), "phu-luc.docx")
    else:
        par = load_plan(b.csv_bytes(b.par_index_csv_rows(), ";"), "phu-luc.csv", year=year)
    # issue 12: the plan year's end, flagged, and one warning instead of one per task.
    assert all(t.deadline.due_date == dt.date(2023, 12, 31) for t in par.all_tasks())
    assert all(t.deadline_assumed and not t.deadline.text for t in par.all_tasks())
    assert all(w.key != "importing.warning.unknown_deadline" for w in par.warnings)
    assert not any(w.key == "importing.warning.no_deadline" for w in par.warnings)
    (summary,) = [w for w in par.warnings if w.key == "importing.warning.year_end_deadlines"]
    assert summary.params == {"count": len(par.all_tasks()), "date": "31/12/2023"}


def test_par_meta_from_blank_draft():
    plan = load_plan(b.par_index_docx(), "phu-luc.docx")
    assert plan.meta.number is None  # "Số: /QĐ-UBND"
    assert plan.meta.issued_on is None  # "ngày tháng 5 năm 2023"
    assert plan.meta.year == 2023
    assert plan.meta.organization == "UBND phường Tam Quan Bắc"
    assert plan.meta.place == "Tam Quan Bắc"


# --- reordered columns, typed cells, vertical merges --------------------------


def test_reordered_columns_xlsx_with_dates_and_merges():
    rows = [
        ["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH PHƯỜNG AN LẠC NĂM 2025"],
        [],
        [
            "Thời hạn",
            "Chủ trì",
            "Nội dung công việc",
            "STT",
            "Phối hợp",
            "Ghi chú",
            "Kết quả/sản phẩm",
        ],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
        [
            dt.datetime(2025, 3, 31),
            "Văn phòng - Thống kê",
            "Ban hành kế hoạch",
            1,
            "Tư pháp - Hộ tịch; Văn hóa - Xã hội",
            "",
            "Kế hoạch",
        ],
        ["Quý II", "Văn phòng - Thống kê", "Kiểm tra công tác CCHC", 2, "", "gấp", "Báo cáo"],
        ["II. CẢI CÁCH THỂ CHẾ"],
        ["Hằng quý", "Tư pháp - Hộ tịch", "Rà soát văn bản", 1, "", "", ""],
        ["", "", "Theo dõi thi hành pháp luật", 2, "", "", ""],
    ]
    merges = {"KH": [(4, 0, 4, 6), (7, 0, 7, 6), (8, 1, 9, 1), (8, 0, 9, 0)]}
    plan = load_plan(b.xlsx_bytes({"KH": rows}, merges), "kh.xlsx")
    assert plan.meta.year == 2025 and plan.meta.organization == "UBND phường An Lạc"
    assert [(f.key, f.title, len(f.tasks)) for f in plan.fields] == [
        ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", 2),
        ("II", "CẢI CÁCH THỂ CHẾ", 2),
    ]
    t1, t2 = plan.fields[0].tasks
    assert t1.code == "1" and t1.content == "Ban hành kế hoạch" and t1.product == "Kế hoạch"
    assert t1.deadline.text == "31/03/2025" and t1.deadline.due_date == dt.date(2025, 3, 31)
    assert keys(t1.coordinating_units) == [
        ascii_key("Tư pháp - Hộ tịch"),
        ascii_key("Văn hóa - Xã hội"),
    ]
    assert t2.deadline.due_date == dt.date(2025, 6, 30)  # "Quý II" + plan year
    assert t2.note == "gấp"
    # Lead unit and deadline merged down over two tasks apply to both.
    _r1, r2 = plan.fields[1].tasks
    assert keys(r2.lead_units) == [ascii_key("Tư pháp - Hộ tịch")]
    assert r2.deadline.text == "Hằng quý" and str(r2.deadline.kind) == "recurring"
    assert any(s.reason == "importing.skip.numbering" for s in plan.skipped_rows)


def test_percent_cells_typed_and_textual():
    header = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Tỷ lệ %", "Kết quả thực hiện"]
    rows = [
        header,
        [1, "A", "Văn phòng", "Tháng 3/2024", 0.5, ""],
        [2, "B", "Văn phòng", "Tháng 3/2024", 1, ""],
        [3, "C", "Văn phòng", "Tháng 3/2024", "75 %", ""],
        [4, "D", "Văn phòng", "Tháng 3/2024", "Hoàn thành", ""],
        [5, "E", "Văn phòng", "Tháng 3/2024", "", "Đã thực hiện"],
        [6, "F", "Văn phòng", "Tháng 3/2024", 40, "Đang thực hiện"],
    ]
    data = b.xlsx_bytes({"S": rows}, formats={"S": {(1, 4): "0%", (2, 4): "0%"}})
    plan = load_plan(data, "p.xlsx")
    assert [t.percent for t in plan.all_tasks()] == [50, 100, 75, 100, 100, 40]
    assert plan.all_tasks()[5].status_text == "Đang thực hiện"


def test_header_repeated_over_split_docx_tables_and_nested_table():
    header = ["TT", "Nhiệm vụ cụ thể", "Bộ phận chủ trì", "Bộ phận phối hợp", "Thời gian thực hiện"]
    part1 = b.TableSpec(
        [
            header,
            ["I. CẢI CÁCH THỂ CHẾ", "", "", "", ""],
            ["1.", "Việc một", "Tư pháp", "", "Tháng 3/2024"],
        ],
        merges=[(1, 0, 1, 4)],
    )
    part2 = b.TableSpec(
        [
            header,
            ["2.", "Việc hai", "Tư pháp", "Văn phòng", "Quý II/2024"],
            ["II", "CẢI CÁCH TTHC", "", "", ""],
            ["1", "Việc ba", "Văn phòng", "", "Thường xuyên"],
        ],
    )
    letterhead = b.TableSpec(
        [
            ["UBND XÃ HÒA BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["Số: 05/KH-UBND", "Hòa Bình, ngày 02 tháng 02 năm 2024"],
        ]
    )
    data = b.docx_bytes(
        ["", letterhead, "KẾ HOẠCH", "Cải cách hành chính năm 2024", part1, "", part2]
    )
    plan = load_plan(data, "kh.docx")
    assert plan.meta.number == "05/KH-UBND"
    assert plan.meta.issued_on == dt.date(2024, 2, 2)
    assert [(f.key, len(f.tasks)) for f in plan.fields] == [("I", 2), ("II", 1)]
    assert [t.content for t in plan.all_tasks()] == ["Việc một", "Việc hai", "Việc ba"]
    assert any(s.reason == "importing.skip.header" for s in plan.skipped_rows) is False

    # The same task table nested inside a layout table's cell is still found.
    host = b.TableSpec([["Phụ lục"], [""]])
    inner = b.TableSpec(part1.rows, part1.merges, nested_in=(1, 0))
    nested = load_plan(
        b.docx_bytes(["KẾ HOẠCH", "Cải cách hành chính năm 2024", host, inner]), "n.docx"
    )
    assert [t.content for t in nested.all_tasks()] == ["Việc một"]


def test_unnumbered_task_and_orphan_text():
    rows = [
        ["Nội dung", "Chủ trì", "Thời hạn", "TT"],
        ["ghi chú đầu bảng", "", "", ""],
        ["Việc có số", "Văn phòng", "Quý I/2024", "1"],
        ["Việc không số", "Tư pháp", "Tháng 5/2024", ""],
        ["", "", "", ""],
    ]
    plan = load_plan(b.csv_bytes(rows, ",", "utf-8"), "x.csv")
    tasks = plan.all_tasks()
    assert [(t.code, t.content) for t in tasks] == [("1", "Việc có số"), (None, "Việc không số")]
    assert plan.fields[0].key == "I" and plan.fields[0].title == ""
    assert {w.key for w in plan.warnings} >= {"importing.warning.unnumbered_task"}
    assert [s.reason for s in plan.skipped_rows] == ["importing.skip.orphan_text"]


def test_tsv_and_field_column():
    rows = [
        ["Lĩnh vực", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian hoàn thành"],
        ["Cải cách thể chế", "Rà soát văn bản", "Tư pháp", "Quý I/2024"],
        ["Cải cách TTHC", "Công khai TTHC", "Văn phòng", "Thường xuyên"],
        ["Cải cách thể chế", "Theo dõi thi hành pháp luật", "Tư pháp", "Năm 2024"],
    ]
    plan = load_plan(b.csv_bytes(rows, "\t", "utf-8"), "x.tsv")
    assert [(f.title, len(f.tasks)) for f in plan.fields] == [
        ("Cải cách thể chế", 2),
        ("Cải cách TTHC", 1),
    ]
    assert plan.fields[0].tasks[1].deadline.due_date == dt.date(2024, 12, 31)


def test_row_split_over_a_page_break_in_several_columns():
    """Seed 003, II.1: the tail of the product and budget cells lands on a new row."""
    header = [
        "TT",
        "Nhiệm vụ cụ thể",
        "Sản phẩm",
        "Bộ phận chủ trì",
        "Bộ phận phối hợp",
        "Thời gian thực hiện",
        "Kinh phí dự kiến",
        "Ghi chú",
    ]
    rows = [
        header,
        ["II. CẢI CÁCH THỂ CHẾ", "", "", "", "", "", "", ""],
        [
            "1.",
            "Thực hiện có hiệu quả Luật ban hành văn bản QPPL năm 2015",
            "Các văn bản chỉ đạo của UBND",
            "Tư pháp",
            "Các bộ phận liên quan",
            "Thường xuyên",
            "Kinh phí hoạt động thường",
            "",
        ],
    ]
    tail = [
        ["", "", "xã", "", "", "", "xuyên", ""],
        [
            "2.",
            "Xây dựng Kế hoạch kiểm tra",
            "Kế hoạch của UBND xã",
            "Tư pháp",
            "Các bộ phận liên quan",
            "Tháng 2/2024",
            "Kinh phí hoạt động thường xuyên",
            "",
        ],
    ]
    data = b.docx_bytes(
        [
            "KẾ HOẠCH",
            "Cải cách hành chính xã Vĩnh Khê năm 2024",
            b.TableSpec(rows, [(1, 0, 1, 7)]),
            b.TableSpec(tail),
        ]
    )
    plan = load_plan(data, "kh.docx")
    t1, t2 = plan.all_tasks()
    assert t1.product == "Các văn bản chỉ đạo của UBND xã"
    assert t1.budget == "Kinh phí hoạt động thường xuyên"
    assert t2.deadline.due_date == dt.date(2024, 2, 29)


def test_csv_content_named_xlsx_is_read_as_csv():
    rows = [["STT", "Nhiệm vụ", "Chủ trì", "Thời hạn"], ["1", "Rà soát", "Văn phòng", "Quý I/2024"]]
    plan = load_plan(b.csv_bytes(rows, ";", "cp1258"), "ke-hoach.xlsx")
    assert plan.source_format == "csv" and plan.all_tasks()[0].content == "Rà soát"


def test_letter_subitems_lowercase_field_rows_and_letterhead_order():
    header = ["STT", "Nội dung", "Đơn vị chủ trì", "Thời gian thực hiện"]
    rows = [
        header,
        ["", "I. Công tác chỉ đạo, điều hành", "", ""],
        ["1", "Tổ chức kiểm tra CCHC", "", ""],
        ["a)", "Ban hành kế hoạch kiểm tra", "Văn phòng", "Quý I/2024"],
        ["b)", "Thực hiện kiểm tra", "Văn phòng", "Quý III/2024"],
        ["2", "Báo cáo CCHC", "Văn phòng", "Định kỳ"],
    ]
    letterhead = b.TableSpec(
        [
            ["ỦY BAN NHÂN DÂN XÃ HẢI AN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            ["Số: 12/KH-UBND", "Hải An, ngày 20 tháng 01 năm 2024"],
        ]
    )
    data = b.docx_bytes(
        [
            letterhead,
            "KẾ HOẠCH",
            "Cải cách hành chính năm 2024",
            "Căn cứ Kế hoạch số 9/KH-UBND ngày 05 tháng 01 năm 2024 của UBND huyện",
            b.TableSpec(rows),
        ]
    )
    plan = load_plan(data, "kh.docx")
    assert plan.meta.issued_on == dt.date(2024, 1, 20) and plan.meta.number == "12/KH-UBND"
    assert plan.meta.organization == "UBND xã Hải An"
    assert [(f.key, f.title) for f in plan.fields] == [("I", "Công tác chỉ đạo, điều hành")]
    tasks = plan.all_tasks()
    assert [(t.code, t.parent_code) for t in tasks] == [("1.a", "1"), ("1.b", "1"), ("2", None)]
    assert tasks[1].deadline.due_date == dt.date(2024, 9, 30)
    assert [s.reason for s in plan.skipped_rows] == ["importing.skip.heading"]


def test_two_row_header_repeated_inside_one_sheet():
    rows = b.par_index_csv_rows()
    # The header pair pasted again in the middle (a copy of a printed page).
    rows = [*rows[:6], list(b.PAR_HEADER[0]), list(b.PAR_HEADER[1]), *rows[6:]]
    plan = load_plan(b.csv_bytes(rows, ",", "utf-8"), "x.csv")
    assert [t.code for t in plan.all_tasks()] == [
        "1.1",
        "1.2",
        "2.1.1",
        "2.1.2",
        "3.2.1",
        "7.1.2",
        "8.3",
    ]
    assert [s.reason for s in plan.skipped_rows].count("importing.skip.header") == 2
    assert all("chủ trì" not in u.lower() for t in plan.all_tasks() for u in t.lead_units)
