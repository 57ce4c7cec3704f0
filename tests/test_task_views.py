"""Task views and the progress write path against a seeded commune."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.models import Field, Plan, Task, TaskUnit, UnitRole, UpdateChannel
from storage.progress import AttachmentIn, record_progress, task_history
from storage.tasks import find_task_by_number, load_task_views
from tests.db_template import seed_once
from tests.factories import OFFICER_TC_TG, OFFICER_TP_TG, seed_commune

T0 = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_views_carry_latest_update_and_done_time(any_db: Database) -> None:
    commune = await seed_once(any_db, seed_commune)
    async with any_db.write() as session:
        officer = await person_by_telegram_id(session, OFFICER_TP_TG)
        tid = commune.task_ids[3]
        await record_progress(
            session, task_id=tid, person=officer, channel=UpdateChannel.COMMAND, at=T0, percent=40
        )
        await record_progress(
            session,
            task_id=tid,
            person=officer,
            channel=UpdateChannel.REPLY,
            at=T0 + timedelta(days=1),
            percent=100,
            output="Báo cáo số 12/BC-UBND",
        )
        await record_progress(
            session,
            task_id=tid,
            person=officer,
            channel=UpdateChannel.BUTTON,
            at=T0 + timedelta(days=2),
            status_text="Đã thực hiện",
            note="bổ sung",
            attachments=[AttachmentIn("document", "FILE1", file_name="bc.pdf")],
        )
    async with any_db.read() as session:
        views = await load_task_views(session, commune.org_id)
        mine = await load_task_views(session, commune.org_id, unit_ids=[commune.unit_ids["tp"]])
        history = await task_history(session, commune.task_ids[3])
        before = await load_task_views(
            session, commune.org_id, task_ids=[tid], as_of=T0 + timedelta(hours=1)
        )
    assert [v.number for v in views] == list(range(1, 9))
    view = next(v for v in views if v.id == tid)
    assert view.done and view.status_text == "Đã thực hiện" and view.percent is None
    assert view.done_at == T0 + timedelta(days=1)
    assert view.snapshot(TZ).done_on == (T0 + timedelta(days=1)).astimezone(TZ).date()
    assert {v.number for v in mine} == {2, 3, 4}  # lead of 3, 4; coordinates 2
    assert [h.percent for h in history] == [40, 100, None]
    assert history[-1].attachments == (("document", "FILE1", "bc.pdf"),)
    assert before[0].percent == 40 and not before[0].done


async def test_officer_cannot_update_another_units_task(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    async with db.write() as session:
        officer = await person_by_telegram_id(session, OFFICER_TC_TG)
        with pytest.raises(UserError) as info:
            await record_progress(
                session,
                task_id=commune.task_ids[3],
                person=officer,
                channel=UpdateChannel.COMMAND,
                at=T0,
                percent=10,
            )
    assert info.value.key == "progress.not_your_task"


@pytest.mark.parametrize("percent", [-1, 101, 250])
async def test_percent_out_of_range_is_refused(db: Database, percent: int) -> None:
    commune = await seed_once(db, seed_commune)
    async with db.write() as session:
        officer = await person_by_telegram_id(session, OFFICER_TP_TG)
        with pytest.raises(UserError) as info:
            await record_progress(
                session,
                task_id=commune.task_ids[3],
                person=officer,
                channel=UpdateChannel.COMMAND,
                at=T0,
                percent=percent,
            )
    assert info.value.key == "progress.percent_invalid"


async def test_find_task_by_number(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    async with db.read() as session:
        task = await find_task_by_number(session, commune.org_id, 6)
        missing = await find_task_by_number(session, commune.org_id, 99)
        other = await find_task_by_number(session, commune.other_org_id, 6)
    assert task is not None and task.content.startswith("Số hóa")
    assert missing is None and other is None


async def _officer_records(session: AsyncSession, tid: int, **reading: Any) -> int:
    """The Tư pháp officer records a reading of task ``tid`` by command, at T0; their id."""
    officer = await person_by_telegram_id(session, OFFICER_TP_TG)
    assert officer is not None
    await record_progress(
        session, task_id=tid, person=officer, channel=UpdateChannel.COMMAND, at=T0, **reading
    )
    return officer.id


async def test_latest_update_at_the_same_instant_is_the_last_written(any_db: Database) -> None:
    """Two updates stamped with the same instant: the one written last is the task's state
    (the latest-update query breaks the tie by row id, on both databases)."""
    commune = await seed_once(any_db, seed_commune)
    tid = commune.task_ids[3]  # led by Tư pháp, the officer's unit
    async with any_db.write() as session:
        for percent in (30, 70, 50):
            await _officer_records(session, tid, percent=percent)
    async with any_db.read() as session:
        (view,) = await load_task_views(session, commune.org_id, task_ids=[tid])
        (cut,) = await load_task_views(session, commune.org_id, task_ids=[tid], as_of=T0)
    assert view.percent == 50 and view.last_update_at == T0
    assert cut.percent == 50


async def test_every_field_of_a_view_comes_from_its_own_column(any_db: Database) -> None:
    """Views are built positionally (load_task_views): a field read from the wrong column
    shows here, and the planner's read without words differs in the words alone."""
    commune = await seed_once(any_db, seed_commune)
    tid = commune.task_ids[3]
    async with any_db.write() as session:
        await session.execute(
            update(Task)
            .where(Task.id == tid)
            .values(
                code="3.2.1",
                product="Kế hoạch",
                lead_units_text="Tư pháp",
                coordinating_units_text="Văn phòng",
                deadline_text="Tháng 7",
                parent_code="3.2",
                extended_due_date=date(2024, 7, 31),
                deadline_assumed=True,
            )
        )
        officer_id = await _officer_records(
            session, tid, percent=40, output="Báo cáo", note="ghi chú"
        )
    async with any_db.read() as session:
        (view,) = await load_task_views(session, commune.org_id, task_ids=[tid])
        (lean,) = await load_task_views(session, commune.org_id, task_ids=[tid], with_text=False)
        task = await session.get(Task, tid)
        assert task is not None
        field = await session.get(Field, task.field_id)
        plan = await session.get(Plan, task.plan_id)
        assert field is not None and plan is not None
        units = (
            await session.execute(
                select(TaskUnit.unit_id, TaskUnit.role)
                .where(TaskUnit.task_id == tid)
                .order_by(TaskUnit.unit_id)
            )
        ).all()
    lead = tuple(u for u, role in units if role == UnitRole.LEAD)
    coordinating = tuple(u for u, role in units if role != UnitRole.LEAD)
    assert lead and coordinating  # both kinds, so a swap shows
    assert (view.id, view.organization_id, view.plan_id, view.plan_year, view.number) == (
        tid,
        commune.org_id,
        plan.id,
        plan.year,
        task.number,
    )
    assert (view.field_key, view.field_ordinal, view.field_title) == (
        field.key,
        field.ordinal,
        field.title,
    )
    assert (view.code, view.content, view.product, view.parent_code) == (
        "3.2.1",
        task.content,
        "Kế hoạch",
        "3.2",
    )
    assert (view.lead_unit_ids, view.coordinating_unit_ids) == (lead, coordinating)
    assert (view.lead_units_text, view.coordinating_units_text, view.deadline_text) == (
        "Tư pháp",
        "Văn phòng",
        "Tháng 7",
    )
    assert (view.deadline_kind, view.due_date, view.extended_due_date) == (
        task.deadline_kind,
        task.due_date,
        date(2024, 7, 31),
    )
    assert (view.percent, view.status_text, view.output, view.note) == (
        40,
        None,
        "Báo cáo",
        "ghi chú",
    )
    assert (view.last_update_at, view.last_update_by, view.done_at) == (T0, officer_id, None)
    assert view.last_update_day == T0.astimezone(TZ).date()
    assert (view.update_times, view.milestones, view.deadline_assumed) == ((), (), True)
    words = {
        "code": None,
        "content": "",
        "product": None,
        "lead_units_text": None,
        "coordinating_units_text": None,
        "deadline_text": None,
        "parent_code": None,
        "field_title": "",
        "output": None,
        "note": None,
        "last_update_by": None,
    }
    assert lean == replace(view, **words)
