"""The planner's shortcuts change its cost, never its output.

- On any day of 2024 (Tết and report days included), planning from the tasks
  :func:`scheduler.planner.task_window` selects, read without their words as
  the planner reads them (``with_text=False``), gives the same digests as
  planning from every task read whole.
- The idle tick's remembered next instant is used only while it is valid: a
  new organization, :func:`forget_next`, or :data:`RECHECK_EVERY` bring a
  full pass back.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert

from bench.province import populate
from plans.reminder_policy import send_time
from scheduler.context import load_contexts
from scheduler.planner import RECHECK_EVERY, forget_next, plan_due, plan_org, task_window
from storage.db import Database
from storage.models import Organization
from tests.scheduler_support import at


def _key(drafts):  # type: ignore[no-untyped-def]
    return sorted((d.recipient_key, d.occasion, repr(d.payload)) for d in drafts)


async def test_windowed_tasks_plan_the_same_digests(db: Database) -> None:
    await populate(db, 0.02)  # 3 communes, 200 tasks, 2,000 updates
    async with db.read() as session:
        full = await load_contexts(session)
    compared = 0
    # Every sixth day per commune, each commune on its own residue, so that together
    # they meet every day of the week and every kind of deadline day.
    for offset, ctx in enumerate(full):
        day = date(2024, 1, 2) + timedelta(days=2 * offset)
        while day <= date(2024, 12, 31):
            due = send_time(day, ctx.policy, ctx.tz)
            window = task_window(ctx, [day])
            async with db.read() as session:
                (small,) = await load_contexts(
                    session, [ctx.id], with_done_at=False, with_text=False, dated_due_by=window
                )
            last = due - timedelta(minutes=1)
            want, _ = plan_org(ctx, last, due)
            got, _ = plan_org(small, last, due)
            assert _key(got) == _key(want), (ctx.id, day)
            compared += len(want)
            day += timedelta(days=6)
    assert compared > 1000


async def test_idle_shortcut_and_what_breaks_it(db: Database) -> None:
    await populate(db, 0.02)
    busy = await plan_due(db, at("2024-06-03 07:30"))
    assert busy.inserted > 0 and not busy.shortcut
    idle = await plan_due(db, at("2024-06-03 07:31"))
    assert idle.shortcut
    # a new organization is planned at once
    async with db.write() as session:
        await session.execute(
            insert(Organization),
            [
                {
                    "name": "Xã mới",
                    "name_key": "xa moi",
                    "calendar_settings": {},
                    "reminder_policy": {},
                }
            ],
        )
    assert not (await plan_due(db, at("2024-06-03 07:32"))).shortcut
    assert (await plan_due(db, at("2024-06-03 07:33"))).shortcut
    async with db.write() as session:
        await forget_next(session)
    assert not (await plan_due(db, at("2024-06-03 07:34"))).shortcut
    later = at("2024-06-03 07:34") + RECHECK_EVERY
    assert not (await plan_due(db, later)).shortcut
    # the clock going back never trusts the memory
    assert not (await plan_due(db, at("2024-06-03 07:00"))).shortcut
    # the next digest time ends the shortcut
    nxt = await plan_due(db, at("2024-06-04 07:30"))
    assert not nxt.shortcut and nxt.inserted > 0
