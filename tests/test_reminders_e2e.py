"""Reminders end to end: the real bot, the fake Bot API, a simulated clock, 01/06–15/06/2024.

Ticks run at several instants of every day (never sleeping): digests must
appear only at 07:30 on working days, the 6-month report reminders before
10/06, the deadline-day warning (to the officer and the linked group), the
escalation to the chairman; an update stops further reminders of that task;
a restart in the middle of a fan-out neither loses nor duplicates.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update

from plans import workdays
from plans.clock import ManualClock
from sandbox.devserver import FakeBotApi
from sandbox.harness import BotHarness, sqlite_url
from scheduler.jobs import dispatcher_of, shutdown
from scheduler.outbox import state_counts
from storage.directory import add_person
from storage.models import Organization, Role, UpdateChannel
from storage.progress import record_progress
from tests.db_template import seed_once
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    seed_commune,
)
from tests.scheduler_support import ALL_TG, add_users, at, outbox_rows

TIMES = ("00:05", "07:00", "07:29", "07:30", "07:31", "12:00", "18:00", "23:59")


async def test_first_half_of_june(tmp_path: Path) -> None:
    clock = ManualClock(at("2024-06-01 00:00"))
    async with BotHarness(sqlite_url(tmp_path), clock=clock) as h:
        api = h.api
        commune = await seed_once(h.database, seed_commune)
        add_users(api)
        group = api.add_group("UBND xã Vĩnh Khê", [api.state.users[ADMIN_TG]])
        async with h.database.write() as session:
            await session.execute(
                update(Organization)
                .where(Organization.id == commune.org_id)
                .values(group_chat_id=group.id)
            )
        chats = [*ALL_TG, group.id]
        seen = {c: 0 for c in chats}
        deliveries: dict[tuple[date, str], dict[int, list[str]]] = {}
        day = date(2024, 6, 1)
        while day <= date(2024, 6, 15):
            for hhmm in TIMES:
                h.set_time(at(f"{day.isoformat()} {hhmm}"))
                if day == date(2024, 6, 5) and hhmm == "12:00":
                    async with h.database.write() as session:
                        await record_progress(
                            session,
                            task_id=commune.task_ids[6],
                            person=None,
                            channel=UpdateChannel.CLI,
                            at=h.clock.now(),
                            percent=100,
                            output="Đã số hóa 100% hồ sơ",
                            check_permission=False,
                        )
                await h.tick()
                for c in chats:
                    msgs = api.bot_messages(c)
                    if len(msgs) > seen[c]:
                        # The report draft (a document, scheduler/report_drafts.py) is
                        # not a digest: it comes on its own, N working days before.
                        new = [m.text or "" for m in msgs[seen[c] :] if m.document is None]
                        if new:
                            deliveries.setdefault((day, hhmm), {})[c] = new
                        seen[c] = len(msgs)
            day += timedelta(days=1)

    # only at 07:30, only on working days, at most one digest per chat and day
    assert deliveries, "nothing was sent"
    for (d, hhmm), per_chat in deliveries.items():
        assert hhmm == "07:30", (d, hhmm)
        assert workdays.is_working_day(d), d
        assert all(len(texts) == 1 for texts in per_chat.values()), (d, per_chat)
    days = sorted({d for d, _ in deliveries})
    # Overdue reminders back off (issue 11 defect 10): task 1 (126 days late) comes
    # weekly, task 3 (due Mon 10/06) 1 and 3 days late, its escalation 2 days late;
    # the report reminders 7 days and 1 working day before, the drafts 3 working
    # days before. Days with nothing new (4, 6, 14 June) stay silent.
    assert days == [date(2024, 6, n) for n in (3, 5, 7, 10, 11, 12, 13)]

    def got(chat: int, n: int) -> str:
        return "\n".join(deliveries.get((date(2024, 6, n), "07:30"), {}).get(chat, []))

    report = "Báo cáo 6 tháng đầu năm 2024"
    assert report in got(OFFICER_TP_TG, 3) and "còn 7 ngày" in got(OFFICER_TP_TG, 3)
    assert report in got(OFFICER_TP_TG, 7)
    assert report in got(OFFICER_TC_TG, 3)
    assert "Tổng hợp cập nhật tiến độ" in got(ADMIN_TG, 10)
    assert "Tổng hợp cập nhật tiến độ" in got(CHAIRMAN_TG, 10)
    # deadline day of task 3 (Mon 10/06): the officer and the group
    assert "Nhiệm vụ đến hạn" in got(OFFICER_TP_TG, 10) and "Số 3" in got(OFFICER_TP_TG, 10)
    assert "Số 3" in got(group.id, 10)
    assert [d for (d, _), per in deliveries.items() if group.id in per] == [date(2024, 6, 10)]
    # escalation of task 6 (due Fri 31/05, +2 days = Sunday -> Monday) to the chairman
    assert "đề nghị Chủ tịch chỉ đạo" in got(CHAIRMAN_TG, 3) and "Số 6" in got(CHAIRMAN_TG, 3)
    assert "Tình hình thực hiện" in got(CHAIRMAN_TG, 3)  # weekly summary on Monday
    assert "Tình hình thực hiện" in got(CHAIRMAN_TG, 10)
    # task 6 (due 31/05) overdue: reminded 1-3 days late (Mon 03/06), next at 7 days late
    # (issue 11 defect 10: backing off), but it was updated on 05/06 at noon: silence
    assert "Số 6" in got(OFFICER_TC_TG, 3)
    for n in (4, 5, 6, 7, 10, 11, 12, 13, 14):
        assert "Số 6:" not in got(OFFICER_TC_TG, n), n


async def _crowd(h: BotHarness, count: int) -> list[int]:
    """``count`` extra officers of Tư pháp, each with a private chat."""
    commune = await seed_once(h.database, seed_commune)
    add_users(h.api)
    ids = []
    async with h.database.write() as session:
        for i in range(count):
            tg = 30_000 + i
            await add_person(
                session,
                commune.org_id,
                f"Cán bộ {i}",
                Role.OFFICER,
                telegram_user_id=tg,
                unit_names=["Tư pháp - Hộ tịch"],
            )
            h.api.add_user(f"cb{i}", user_id=tg)
            ids.append(tg)
    return ids


async def test_restart_in_the_middle_of_a_fan_out(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    clock = ManualClock(at("2024-06-03 07:30"))
    async with FakeBotApi() as api:  # limits on: ~30 messages/s
        first = BotHarness(url, clock=clock, api=api)
        await first.start()
        crowd = await _crowd(first, 90)
        chats = [*crowd, ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OFFICER_TC_TG]
        tick = asyncio.create_task(first.tick())
        await api.wait_until(lambda: sum(len(api.bot_messages(c)) for c in chats) >= 20, 20)
        await shutdown(first.application)  # graceful stop, as on SIGTERM
        await tick
        delivered_before = sum(len(api.bot_messages(c)) for c in chats)
        assert delivered_before < len(chats), "the fan-out finished before the restart"
        await first.stop()

        second = BotHarness(url, clock=clock, api=api)
        await second.start()
        try:
            await second.tick()
        finally:
            await second.stop()
        for c in chats:
            assert len(api.bot_messages(c)) == 1, c
    # a fresh harness over the same file: nothing left to send, nothing sent twice
    assert delivered_before >= 20


async def test_hard_kill_loses_nothing(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    clock = ManualClock(at("2024-06-03 07:30"))
    async with FakeBotApi() as api:
        first = BotHarness(url, clock=clock, api=api)
        await first.start()
        crowd = await _crowd(first, 60)
        chats = [*crowd, ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OFFICER_TC_TG]
        in_flight_max = dispatcher_of(first.application).concurrency
        tick = asyncio.create_task(first.tick())
        await api.wait_until(lambda: sum(len(api.bot_messages(c)) for c in chats) >= 15, 20)
        tick.cancel()  # the process dies: no graceful hand-back
        try:
            await tick
        except asyncio.CancelledError:
            pass
        await first.stop()

        second = BotHarness(url, clock=clock, api=api)
        await second.start()
        try:
            await second.tick()  # rows of the dead process are not due yet
            clock.advance(timedelta(minutes=6))  # ... until the reaper's timeout
            await second.tick()
            db = second.database
            assert await state_counts(db) == {"sent": len(chats)}
            rows = await outbox_rows(db)
            assert all(r.message_id for r in rows)
        finally:
            await second.stop()
        counts = [len(api.bot_messages(c)) for c in chats]
        assert min(counts) == 1  # nothing lost
        assert sum(counts) - len(chats) <= in_flight_max  # at most the in-flight ones repeat
