"""Tasks with several milestones: the next open one is the task's due date everywhere."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from plans.calendar import PeriodKind, period
from plans.deadlines import Milestone, parse_deadline
from plans.milestones import effective_due, milestones_from_json, milestones_to_store, next_open
from scheduler.context import load_contexts
from scheduler.planner import plan_day
from storage.db import Database
from storage.models import Task, UpdateChannel
from storage.outbox import DigestPayload
from storage.progress import record_progress
from storage.reports import build_status_table
from storage.tasks import load_task_views
from tests.db_template import seed_once
from tests.factories import Commune, seed_commune
from tests.scheduler_support import add_task, at

JUNE_DEC = parse_deadline("Tháng 6 và tháng 12", 2024)
Q1_THEN_RECURRING = parse_deadline("Quý I/2024 và thường xuyên")


# --- the pure rule -------------------------------------------------------------------


def _due(deadline, last_update_on=None, *, done=False, extended=None):
    return effective_due(
        deadline.due_date,
        extended,
        milestones_from_json(milestones_to_store(deadline)),
        last_update_on=last_update_on,
        done=done,
        recurring=str(deadline.kind) == "recurring",
    )


def test_next_open_milestone_moves_with_updates_in_its_period():
    assert _due(JUNE_DEC) == date(2024, 6, 30)
    assert _due(JUNE_DEC, date(2024, 2, 10)) == date(2024, 6, 30)  # too early for June
    assert _due(JUNE_DEC, date(2024, 6, 1)) == date(2024, 12, 31)
    assert _due(JUNE_DEC, date(2024, 7, 5)) == date(2024, 12, 31)  # late, but reported
    assert _due(JUNE_DEC, date(2024, 12, 20)) == date(2024, 12, 31)  # last: open until done
    assert _due(JUNE_DEC, date(2024, 3, 1), done=True) == date(2024, 12, 31)


def test_extension_moves_the_open_milestone_later_never_earlier():
    assert _due(JUNE_DEC, extended=date(2024, 7, 15)) == date(2024, 7, 15)
    assert _due(JUNE_DEC, date(2024, 6, 20), extended=date(2024, 7, 15)) == date(2024, 12, 31)
    assert _due(JUNE_DEC, date(2024, 6, 20), extended=date(2025, 1, 15)) == date(2025, 1, 15)


def test_recurring_task_is_dated_only_while_a_milestone_is_open():
    assert _due(Q1_THEN_RECURRING) == date(2024, 3, 31)
    assert _due(Q1_THEN_RECURRING, date(2024, 2, 1)) is None
    assert _due(Q1_THEN_RECURRING, date(2024, 4, 2)) is None
    quarterly = parse_deadline("Trước ngày 10 tháng cuối quý", 2024)
    assert _due(quarterly, date(2024, 3, 5)) == date(2024, 6, 10)
    assert _due(quarterly, date(2024, 9, 30)) == date(2024, 12, 10)
    assert _due(quarterly, date(2024, 10, 2)) is None


def test_single_deadline_keeps_the_old_rule():
    single = parse_deadline("Quý II/2024")
    assert milestones_to_store(single) is None
    assert _due(single) == date(2024, 6, 30)
    assert _due(single, extended=date(2024, 5, 1)) == date(2024, 5, 1)


def test_next_open_on_plain_milestones():
    ms = (Milestone(date(2024, 3, 10)), Milestone(date(2024, 6, 10), date(2024, 3, 11)))
    kw = {"done": False, "recurring": True}
    assert next_open(ms, last_update_on=None, **kw) == ms[0]
    assert next_open(ms, last_update_on=date(2024, 1, 1), **kw) == ms[1]  # no opening: any update
    assert next_open(ms, last_update_on=date(2024, 3, 11), **kw) is None


def test_stored_form_round_trips_and_skips_damage():
    stored = milestones_to_store(JUNE_DEC)
    assert stored == [
        {"due": "2024-06-30", "opens": "2024-06-01"},
        {"due": "2024-12-31", "opens": "2024-12-01"},
    ]
    back = milestones_from_json([*stored, {"due": "31/12"}, {"x": 1}, "junk"])
    assert [(m.due, m.opens) for m in back] == [
        (date(2024, 6, 30), date(2024, 6, 1)),
        (date(2024, 12, 31), date(2024, 12, 1)),
    ]


# --- stored, reminded, overdue, in the appendix ---------------------------------------


async def _with_deadline(db: Database, commune: Commune, number: int, text: str) -> int:
    deadline = parse_deadline(text, 2024)
    task_id = await add_task(db, commune, number, deadline.due_date, kind=str(deadline.kind))
    async with db.write() as session:
        await session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(deadline_text=deadline.text, milestones=milestones_to_store(deadline))
        )
    return task_id


async def _report(db: Database, task_id: int, when: str, percent: int) -> None:
    async with db.write() as session:
        await record_progress(
            session,
            task_id=task_id,
            person=None,
            channel=UpdateChannel.CLI,
            at=at(when),
            percent=percent,
            check_permission=False,
        )


async def _items_on(db: Database, commune: Commune, day: date, task_id: int) -> set[str]:
    async with db.read() as session:
        (ctx,) = await load_contexts(session, [commune.org_id])
    officer = commune.people["officer_tp"]
    return {
        item.kind
        for draft in plan_day(ctx, day)
        if draft.person_id == officer and isinstance(draft.payload, DigestPayload)
        for item in draft.payload.items
        if item.task_id == task_id
    }


async def _view(db: Database, commune: Commune, task_id: int):
    async with db.read() as session:
        (view,) = await load_task_views(session, commune.org_id, task_ids=[task_id])
    return view


async def test_each_milestone_is_reminded_and_goes_overdue(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    tid = await _with_deadline(db, commune, 40, "Tháng 6 và tháng 12")
    assert (await _view(db, commune, tid)).effective_due_date == date(2024, 6, 30)
    # 30/06/2024 is a Sunday: the deadline-day warning goes out on Friday 28/06
    assert "deadline_day" in await _items_on(db, commune, date(2024, 6, 28), tid)
    assert "overdue" in await _items_on(db, commune, date(2024, 7, 1), tid)

    await _report(db, tid, "2024-07-02 09:00", 50)  # late, but the June figure is in
    view = await _view(db, commune, tid)
    assert view.effective_due_date == date(2024, 12, 31)
    assert await _items_on(db, commune, date(2024, 7, 3), tid) == set()
    assert "before_deadline" in await _items_on(db, commune, date(2024, 12, 24), tid)


async def test_the_planners_due_soon_selection_keeps_an_early_milestone(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    tid = await _with_deadline(db, commune, 41, "Tháng 6 và tháng 12")
    async with db.read() as session:
        soon = await load_task_views(session, commune.org_id, dated_due_by=date(2024, 7, 5))
    assert tid in {v.id for v in soon}


async def test_milestone_then_recurring_is_reminded_until_reported(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    tid = await _with_deadline(db, commune, 42, "Quý I/2024 và thường xuyên")
    assert (await _view(db, commune, tid)).effective_due_date == date(2024, 3, 31)
    assert "overdue" in await _items_on(db, commune, date(2024, 4, 1), tid)
    await _report(db, tid, "2024-03-20 09:00", 100)
    assert (await _view(db, commune, tid)).effective_due_date is None
    assert await _items_on(db, commune, date(2024, 4, 1), tid) == set()


async def test_appendix_prints_the_deadline_as_written(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    tid = await _with_deadline(db, commune, 43, "Tháng 6 và tháng 12")
    async with db.read() as session:
        number = await session.scalar(select(Task.number).where(Task.id == tid))
        table = await build_status_table(
            session, commune.org_id, period(PeriodKind.H1, 2024), now=at("2024-06-25 08:00")
        )
    (row,) = [r for r in table.rows() if r.deadline_text == "Tháng 6 và tháng 12"]
    assert number == 43 and row.deadline_text == "Tháng 6 và tháng 12"


async def test_import_keeps_every_milestone_and_reimport_changes_nothing(db: Database) -> None:
    from tests.test_plan_import_storage import make_org, run_import, small_plan

    rows = [
        ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""],
        ["1", "Báo cáo kết quả CCHC", "Văn phòng - Thống kê", "", "Tháng 6 và tháng 12", ""],
        ["2", "Ban hành kế hoạch", "Văn phòng - Thống kê", "", "Tháng 1/2024", ""],
        ["3", "Tuyên truyền CCHC", "Tư pháp - Hộ tịch", "", "Quý I/2024 và thường xuyên", ""],
    ]
    org_id, _ = await make_org(db)
    await run_import(db, org_id, small_plan(rows))
    again = await run_import(db, org_id, small_plan(rows))
    async with db.read() as session:
        stored = {
            t.content: t.milestones for t in await session.scalars(select(Task).order_by(Task.id))
        }
    assert again.tasks_updated == 0 and again.tasks_created == 0
    assert stored == {
        "Báo cáo kết quả CCHC": [
            {"due": "2024-06-30", "opens": "2024-06-01"},
            {"due": "2024-12-31", "opens": "2024-12-01"},
        ],
        "Ban hành kế hoạch": None,
        "Tuyên truyền CCHC": [{"due": "2024-03-31", "opens": "2024-01-01"}],
    }
