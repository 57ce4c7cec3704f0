"""Criteria hierarchy (issue 12 §2): seed 004's whole appendix, groups kept, units handed down.

The appendix is rebuilt from the seed's own rows (tests/fixtures/seeds), one
Word table per printed page with the two-row header repeated, as the file is.
"""

from __future__ import annotations

import datetime as dt

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
