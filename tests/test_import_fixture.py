"""The Vĩnh Khê 2024 plan (seed 003) as .docx and .xlsx: every task checked.

The expected table is copied by hand from seed 003's "KẾ HOẠCH CHI TIẾT"
annex, not from the importer's output.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from plans.importing import load_plan
from plans.text import ascii_key

FIXTURES = Path(__file__).parent / "fixtures"
FILES = ["ke-hoach-cchc-vinh-khe-2024.docx", "ke-hoach-cchc-vinh-khe-2024.xlsx"]

VP, TP, VH, TC = "Văn phòng", "Tư pháp", "Văn hoá", "Tài chính"
REC = ("recurring", None)


def month_end(y: int, m: int) -> tuple[str, date]:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return "date", date.fromordinal(nxt.toordinal() - 1)


# (field, code, lead unit, deadline text, (kind, due date))
EXPECTED = [
    ("I", "1", VP, "Tháng 1/2024", month_end(2024, 1)),
    ("I", "2", VP, "Quý I/2024", month_end(2024, 3)),
    ("I", "3", VH, "Tháng 2/2024", month_end(2024, 2)),
    ("I", "4", VP, "Định kỳ", REC),
    ("I", "5", VP, "Quý IV", month_end(2024, 12)),
    ("I", "6", VP, "Thường xuyên", REC),
    ("II", "1", TP, "Thường xuyên", REC),
    ("II", "2", TP, "Tháng 2/2024", month_end(2024, 2)),
    ("II", "3", TP, "Tháng 2/2024", month_end(2024, 2)),
    ("II", "4", TP, "Trước 31/12/2023", ("date", date(2023, 12, 31))),
    ("III", "1", VP, "Tháng 02/2024", month_end(2024, 2)),
    ("III", "2", VP, "Thường xuyên", REC),
    ("III", "3", VP, "Thường xuyên", REC),
    ("III", "4", VP, "Thường xuyên", REC),
    ("III", "5", VP, "Thường xuyên", REC),
    ("IV", "1", VP, "Quý I/2024", month_end(2024, 3)),
    ("IV", "2", VP, "Quý I/2024", month_end(2024, 3)),
    ("V", "1", VP, "Thường xuyên", REC),
    ("V", "2", VP, "Thường xuyên", REC),
    ("V", "3", VP, "Tháng 12/2024", month_end(2024, 12)),
    ("VI", "1", TC, "Thường xuyên", REC),
    ("VI", "2", TC, "Thường xuyên", REC),
    ("VI", "3", TC, "Thường xuyên", REC),
    ("VII", "1", "Văn hóa", "Thường xuyên", REC),
    ("VII", "2", VP, "Thường xuyên", REC),
    ("VII", "3", VP, "Thường xuyên", REC),
    ("VII", "4", VP, "Thường xuyên", REC),
    ("VIII", "1", VP, "Tháng 2/2024", month_end(2024, 2)),
]
FIELD_TITLES = [
    ("I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC", 6),
    ("II", "CẢI CÁCH THỂ CHẾ", 4),
    ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 5),
    ("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC", 2),
    ("V", "XÂY DỰNG VÀ NÂNG CAO CHẤT LƯỢNG ĐỘI NGŨ CÁN BỘ, CÔNG CHỨC", 3),
    ("VI", "CẢI CÁCH TÀI CHÍNH CÔNG", 3),
    ("VII", "HIỆN ĐẠI HÓA HÀNH CHÍNH", 4),
    ("VIII", "DUY TRÌ VÀ NÂNG CAO CHỈ SỐ CCHC, PAPI", 1),
]


@pytest.fixture(scope="module", params=FILES)
def plan(request):
    data = (FIXTURES / request.param).read_bytes()
    return load_plan(data, request.param)


def test_fields(plan):
    assert [(f.key, f.title, len(f.tasks)) for f in plan.fields] == FIELD_TITLES
    assert [f.ordinal for f in plan.fields] == list(range(1, 9))


def test_every_task(plan):
    tasks = plan.all_tasks()
    assert len(tasks) == 28
    for task, (field_key, code, lead, text, (kind, due)) in zip(tasks, EXPECTED, strict=True):
        where = f"{field_key}.{code}"
        assert task.field_key == field_key, where
        assert task.code == code, where
        assert [ascii_key(u) for u in task.lead_units] == [ascii_key(lead)], where
        assert [ascii_key(u) for u in task.coordinating_units] == [
            ascii_key("Các bộ phận liên quan")
        ]
        assert task.deadline.text == text, where
        assert str(task.deadline.kind) == kind, where
        assert task.deadline.due_date == due, where
        assert task.budget == "Kinh phí hoạt động thường xuyên", where
        assert task.note is None and task.percent is None and task.parent_code is None


def test_task_texts(plan):
    first = plan.all_tasks()[0]
    assert first.content == "Ban hành Kế hoạch cải cách hành chính năm 2024"
    assert first.product == "Kế hoạch CCHC của UBND xã"
    ii1 = plan.fields[1].tasks[0]
    assert ii1.product == "Các văn bản chỉ đạo của UBND xã"
    assert plan.fields[6].tasks[1].product == "Đăng ký, cấp mới, gia hạn chứng thư số"


def test_meta(plan):
    meta = plan.meta
    assert meta.number == "10/KH-UBND"
    assert meta.issued_on == date(2024, 1, 15)
    assert meta.year == 2024
    assert meta.organization == "UBND xã Vĩnh Khê"


def test_docx_place_and_title():
    plan = load_plan((FIXTURES / FILES[0]).read_bytes(), FILES[0])
    assert plan.meta.place == "Vĩnh Khê"
    assert plan.meta.title == "Cải cách hành chính xã Vĩnh Khê năm 2024"
    assert plan.source_format == "docx"
    assert len(plan.source_sha256) == 64


def test_clean_fixture_has_no_warnings_or_skips(plan):
    assert plan.warnings == []
    assert plan.skipped_rows == []
    assert plan.unknown_deadlines() == []


def test_unit_names_exclude_placeholders(plan):
    names = {ascii_key(n) for n in plan.unit_names()}
    assert names == {ascii_key(x) for x in (VP, TP, VH, TC)}


def test_to_json_shape(plan):
    data = plan.to_json()
    json.dumps(data)  # serializable
    assert set(data) == {"plan", "fields", "tasks", "warnings", "groups", "layout", "skipped"}
    assert data["plan"] == {
        "number": "10/KH-UBND",
        "date": "2024-01-15",
        "year": 2024,
        "organization": "UBND xã Vĩnh Khê",
    }
    assert data["fields"][0] == {
        "key": "I",
        "title": "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC",
        "task_count": 6,
    }
    assert set(data["tasks"][0]) == {
        "field",
        "code",
        "content",
        "product",
        "lead_units",
        "coordinating_units",
        "monitoring_unit",
        "target",
        "deadline_text",
        "deadline_kind",
        "due_date",
        "percent",
        "status_text",
        "output",
        "parent_code",
        "criterion_codes",
        "deadline_assumed",
        "source_text",
        "milestones",
    }
    assert data["tasks"][0]["due_date"] == "2024-01-31"
    assert data["tasks"][0]["source_text"] is None  # a table row, not a paragraph
    assert data["tasks"][3]["due_date"] is None
    assert data["tasks"][3]["deadline_kind"] == "recurring"


def test_same_plan_from_both_formats():
    a, b = (load_plan((FIXTURES / f).read_bytes(), f).to_json() for f in FILES)
    assert a["tasks"] == b["tasks"]
    assert a["fields"] == b["fields"]


def test_explicit_year_and_organization_override():
    plan = load_plan(
        (FIXTURES / FILES[0]).read_bytes(), FILES[0], year=2025, organization="UBND xã X"
    )
    assert plan.meta.year == 2025 and plan.meta.organization == "UBND xã X"
    quarter = plan.fields[0].tasks[4]
    assert quarter.deadline.text == "Quý IV" and quarter.deadline.due_date == date(2025, 12, 31)


def test_wrong_extension_still_read_by_magic():
    data = (FIXTURES / FILES[1]).read_bytes()
    plan = load_plan(data, "ke-hoach.docx")
    assert plan.source_format == "xlsx" and len(plan.all_tasks()) == 28
