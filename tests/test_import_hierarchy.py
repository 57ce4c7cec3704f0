"""Criteria hierarchy (issue 12 §2): seed 004's whole appendix, groups kept, units handed down.

The appendix is rebuilt from the seed's own rows (tests/fixtures/seeds), one
Word table per printed page with the two-row header repeated, as the file is.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from plans.importing import load_plan
from storage.db import Database
from storage.models import Task, TaskGroup
from tests import doc_builders as b
from tests import prose_builders as pb
from tests.test_plan_import_storage import make_org, run_import


@pytest.fixture(scope="module")
def appendix():
    return load_plan(pb.appendix_docx(pb.TAM_QUAN_BAC.read_text(encoding="utf-8")), "pl.docx")


def test_48_criteria_and_13_groups(appendix):
    tasks = appendix.all_tasks()
    assert len(tasks) == 48
    codes = [t.code for t in tasks]
    assert len(set(codes)) == 48 and "3.2" not in codes and "3.2.1" in codes
    assert [g.code for g in appendix.groups] == [
        "2.1",
        "2.2",
        "3.2",
        "3.3",
        "3.4",
        "4.3",
        "6.1",
        "6.2",
        "7.1",
        "7.2",
        "7.3",
        "8.1",
        "8.2",
    ]
    # No group is also a task, and every task under a group points at it.
    group_codes = {g.code for g in appendix.groups}
    assert not group_codes & set(codes)
    for task in tasks:
        if task.code.count(".") == 2:
            assert task.parent_code == task.code.rsplit(".", 1)[0] in group_codes
        else:
            assert task.parent_code is None
    assert [(f.key, len(f.tasks)) for f in appendix.fields] == [
        ("1", 7),
        ("2", 5),
        ("3", 9),
        ("4", 5),
        ("5", 3),
        ("6", 5),
        ("7", 9),
        ("8", 5),
    ]


def test_group_titles_and_json(appendix):
    titles = {g.code: g.title for g in appendix.groups}
    assert titles["2.1"] == "Theo dõi thi hành pháp luật (TĐTHPL)"
    assert titles["8.1"] == "Chỉ số hài lòng (SIPAS)"
    data = appendix.to_json()
    assert data["groups"][0] == {
        "field": "2",
        "code": "2.1",
        "title": "Theo dõi thi hành pháp luật (TĐTHPL)",
        "parent_code": None,
    }
    by_code = {task["code"]: task for task in data["tasks"]}
    assert by_code["2.1.1"]["parent_code"] == "2.1"
    assert by_code["2.1.1"]["criterion_codes"] == ["2.1.1"]
    assert by_code["1.1"]["parent_code"] is None


def test_criteria_without_deadlines_take_the_year_end_once(appendix):
    assert all(t.deadline.due_date == dt.date(2023, 12, 31) for t in appendix.all_tasks())
    assert all(t.deadline_assumed for t in appendix.all_tasks())
    keys = [w.key for w in appendix.warnings]
    assert keys.count("importing.warning.year_end_deadlines") == 1
    assert "importing.warning.no_deadline" not in keys


def test_group_units_go_down_to_children_without_units():
    header = ["TT", "Tiêu chí", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"]
    rows = [
        header,
        ["1.", "CẢI CÁCH THỂ CHẾ", "", "", ""],
        ["1.1", "Rà soát văn bản", "Tư pháp - Hộ tịch", "Văn phòng - Thống kê", "Quý II"],
        ["1.1.1", "Công bố danh mục", "", "", ""],
        ["1.1.2", "Xử lý sau rà soát", "Công an xã", "", "Tháng 10"],
        ["1.2", "Kiểm tra văn bản", "Tư pháp - Hộ tịch", "", ""],
    ]
    plan = load_plan(b.csv_bytes(rows, ";"), "tieu-chi.csv", year=2024)
    tasks = {t.code: t for t in plan.all_tasks()}
    assert list(tasks) == ["1.1.1", "1.1.2", "1.2"]
    assert [g.code for g in plan.groups] == ["1.1"]
    inherited = tasks["1.1.1"]
    assert inherited.lead_units == ["Tư pháp - Hộ tịch"]
    assert inherited.coordinating_units == ["Văn phòng - Thống kê"]
    assert inherited.deadline.due_date == dt.date(2024, 6, 30) and not inherited.deadline_assumed
    own = tasks["1.1.2"]
    assert own.lead_units == ["Công an xã"] and own.deadline.due_date == dt.date(2024, 10, 31)
    assert tasks["1.2"].deadline_assumed  # no time anywhere: the year's end, flagged
    assert any(s.reason == "importing.skip.group" for s in plan.skipped_rows)


async def test_groups_and_flags_are_stored(db: Database, appendix) -> None:
    org_id, _ = await make_org(db)
    report = await run_import(db, org_id, appendix)
    assert report.tasks_created == 48
    again = await run_import(db, org_id, appendix)
    assert again.tasks_unchanged == 48 and again.plan_id == report.plan_id
    async with db.read() as session:
        groups = list(
            await session.scalars(
                select(TaskGroup)
                .where(TaskGroup.plan_id == report.plan_id)
                .order_by(TaskGroup.ordinal)
            )
        )
        tasks = list(await session.scalars(select(Task).where(Task.plan_id == report.plan_id)))
    assert len(groups) == 13  # rewritten, not doubled, by the re-import
    assert groups[0].code == "2.1" and groups[0].title.startswith("Theo dõi thi hành")
    assert {t.parent_code for t in tasks} >= {"2.1", "3.2", "8.2"}
    assert all(t.deadline_assumed and t.due_date == dt.date(2023, 12, 31) for t in tasks)


async def test_prose_tasks_keep_their_paragraph(db: Database) -> None:
    org_id, _ = await make_org(db, "Dương Hòa")
    plan = load_plan(pb.docx_from_markdown(pb.DUONG_HOA.read_text(encoding="utf-8")), "kh.docx")
    report = await run_import(db, org_id, plan)
    assert report.tasks_created == 8
    async with db.read() as session:
        tasks = list(
            await session.scalars(
                select(Task).where(Task.plan_id == report.plan_id).order_by(Task.number)
            )
        )
    assert tasks[1].source_text.startswith("- Tham mưu UBND xã thực hiện Kế hoạch CCHC (TCTP 1.1)")
    assert "tham\nmuu thực hiện" in tasks[3].source_text  # the two paragraphs, as written


async def test_export_prints_group_rows_and_counts_only_criteria(db: Database, appendix) -> None:
    import csv
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from docx import Document

    from plans.export_csv import render_csv
    from plans.export_docx import render_docx
    from storage import reports

    org_id, _ = await make_org(db, "Tam Quan Bắc")
    await run_import(db, org_id, appendix)
    now = datetime(2023, 7, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    async with db.read() as session:
        org = await reports.organization(session, org_id)
        table = await reports.build_status_table(
            session, org_id, reports.resolve_period(org, None, now), now=now
        )
    assert len(table.rows()) == 48 and table.summary_counts()[1] == 48
    field2 = next(s for s in table.sections if s.key == "2")
    assert [(r.ordinal, r.group) for r in field2.rows] == [
        ("2.1", True),
        ("2.1.1", False),
        ("2.1.2", False),
        ("2.2", True),
        ("2.2.1", False),
        ("2.2.2", False),
        ("2.3", False),
    ]
    assert field2.rows[0].content == "Theo dõi thi hành pháp luật (TĐTHPL)"
    text = render_csv(table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert ["2.1", "Theo dõi thi hành pháp luật (TĐTHPL)"] == rows[
        next(i for i, r in enumerate(rows) if r[:1] == ["2.1"])
    ][:2]
    document = Document(io.BytesIO(render_docx(table)))
    cells = [
        (row.cells[0].text, row.cells[1].text, row.cells[1].paragraphs[0].runs[0].bold)
        for row in document.tables[-1].rows
        if row.cells[0].text == "2.1"
    ]
    assert cells == [("2.1", "Theo dõi thi hành pháp luật (TĐTHPL)", True)]


async def test_chat_task_line_shows_the_code_and_the_assumed_deadline(
    db: Database, appendix
) -> None:
    from handlers.officers import task_card, task_line
    from storage.tasks import load_task_views

    org_id, _ = await make_org(db, "Tam Quan Bắc")
    await run_import(db, org_id, appendix)
    async with db.read() as session:
        views = await load_task_views(session, org_id)
    view = next(v for v in views if v.code == "2.1.1")
    assert view.parent_code == "2.1" and view.deadline_assumed
    line = task_line(view, dt.date(2023, 7, 3), "vi", ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"<b>{view.number}.</b> [mã 2.1.1] Thực hiện các hoạt động về TĐTHPL" in line
    assert "hạn 31/12/2023 (kế hoạch chưa ghi thời gian, tạm lấy cuối năm)" in line
    assert "[mã 2.1.1]" in task_card(view, dt.date(2023, 7, 3), "vi")


@pytest.mark.slow  # fpdf2 lays out a 70-row ruled table, pdfplumber reads it: ~10-20 s
def test_appendix_as_a_signed_pdf_gives_the_same_criteria(appendix):
    pdf = load_plan(pb.appendix_pdf(pb.TAM_QUAN_BAC.read_text(encoding="utf-8")), "pl.pdf")
    assert (pdf.layout, pdf.source_format) == ("table", "pdf")
    assert [t.code for t in pdf.all_tasks()] == [t.code for t in appendix.all_tasks()]
    assert [(g.code, g.title) for g in pdf.groups] == [(g.code, g.title) for g in appendix.groups]
    assert [t.lead_units for t in pdf.all_tasks()] == [t.lead_units for t in appendix.all_tasks()]
    assert pdf.meta.organization == "UBND phường Tam Quan Bắc" and pdf.meta.year == 2023


def test_prose_pdf_never_runs_the_table_reader(monkeypatch):
    """pdfplumber is slow: a PDF whose text shows no table header is read as prose only."""
    from plans.importing import pdf_reader

    def boom(data: bytes):  # type: ignore[no-untyped-def]
        raise AssertionError("table reader called for a prose PDF")

    monkeypatch.setattr(pdf_reader, "read_pdf_tables", boom)
    plan = load_plan(pb.pdf_from_markdown(pb.HUONG_HOA.read_text(encoding="utf-8")), "kh.pdf")
    assert plan.layout == "prose" and len(plan.all_tasks()) == 29
    header = pdf_reader.Para("TT Lĩnh vực/Tiêu chí Chỉ tiêu đạt được", "trang 9")
    assert pdf_reader.has_table_header([header])
    assert not pdf_reader.has_table_header([pdf_reader.Para("Tỉnh TT. Huế năm 2023", "trang 1")])
