"""Issue 11, defect 4: after downtime a past deadline is never "today", and nothing twice."""

from __future__ import annotations

import re
from pathlib import Path

from plans.clock import ManualClock
from sandbox.harness import BotHarness, sqlite_url
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, OFFICER_TC_TG, OFFICER_TP_TG, seed_commune
from tests.scheduler_support import add_users, at

TASK_RE = re.compile(r"^• Số (\d+):", re.M)


async def test_catch_up_after_months_down_says_how_long_ago(tmp_path: Path) -> None:
    clock = ManualClock(at("2024-06-03 07:40"))
    async with BotHarness(sqlite_url(tmp_path), clock=clock) as h:
        await seed_once(h.database, seed_commune)
        add_users(h.api)
        await h.tick()  # the planner remembers it ran in June
        seen = {c: len(h.api.bot_messages(c)) for c in (ADMIN_TG, OFFICER_TC_TG, OFFICER_TP_TG)}
        h.set_time(at("2024-12-31 07:29"))  # restarted after months down
        await h.tick()
        catch_up = {c: [m.text or "" for m in h.api.bot_messages(c)[seen[c] :]] for c in seen}
        text = "\n".join(t for texts in catch_up.values() for t in texts)
        assert "chưa gửi được" in text  # the catch-up went out
        assert "hôm nay là hạn nộp (10/12/2024)" not in text
        assert "Báo cáo năm 2024: đã quá hạn nộp 21 ngày (hạn 10/12/2024)" in text
        seen = {c: len(h.api.bot_messages(c)) for c in seen}
        h.set_time(at("2024-12-31 07:30"))  # that day's regular digest
        await h.tick()
        for chat, texts in catch_up.items():
            regular = [m.text or "" for m in h.api.bot_messages(chat)[seen[chat] :]]
            before = {n for t in texts for n in TASK_RE.findall(t)}
            today = {n for t in regular for n in TASK_RE.findall(t)}
            assert not before & today, (chat, before & today)


async def test_officers_who_owe_a_figure_are_warned_on_the_deadline_day(tmp_path: Path) -> None:
    """Defect 11: on 10/06 (6-month deadline) the officers hear it too, not only the keeper."""
    clock = ManualClock(at("2024-06-10 07:00"))
    async with BotHarness(sqlite_url(tmp_path), clock=clock) as h:
        await seed_once(h.database, seed_commune)
        add_users(h.api)
        await h.tick()
        h.set_time(at("2024-06-10 07:30"))
        await h.tick()
        text = "\n".join(m.text or "" for m in h.api.bot_messages(OFFICER_TC_TG))
        assert "Báo cáo 6 tháng đầu năm 2024: hôm nay là hạn nộp (10/06/2024)" in text
        assert "Số 7:" in text  # a task of theirs that still owes the period a figure


async def test_a_digest_leaves_out_what_was_updated_that_day(tmp_path: Path) -> None:
    """Defect 10: a digest sent after the person gave the figure does not ask for it again."""
    from storage.models import UpdateChannel
    from storage.progress import record_progress

    clock = ManualClock(at("2024-06-03 07:00"))
    async with BotHarness(sqlite_url(tmp_path), clock=clock) as h:
        commune = await seed_once(h.database, seed_commune)
        add_users(h.api)
        await h.tick()  # plans Monday's digest for 07:30
        async with h.database.write() as session:
            await record_progress(  # task 6 (overdue) gets a figure at 07:10, not done
                session,
                task_id=commune.task_ids[6],
                person=None,
                channel=UpdateChannel.CLI,
                at=at("2024-06-03 07:10"),
                percent=70,
                check_permission=False,
            )
        h.set_time(at("2024-06-03 07:30"))
        await h.tick()
        text = "\n".join(m.text or "" for m in h.api.bot_messages(OFFICER_TC_TG))
        assert "Nhắc việc CCHC" in text and "Số 6:" not in text


async def test_the_keeper_hears_weekly_of_tasks_that_reach_no_one(tmp_path: Path) -> None:
    """Defect 12: task 8 is led by units nobody serves in; Monday's digest tells the keeper."""
    clock = ManualClock(at("2024-06-03 07:00"))
    async with BotHarness(sqlite_url(tmp_path), clock=clock) as h:
        await seed_once(h.database, seed_commune)
        add_users(h.api)
        await h.tick()
        h.set_time(at("2024-06-03 07:30"))  # Monday: the weekly summary day
        await h.tick()
        text = "\n".join(m.text or "" for m in h.api.bot_messages(ADMIN_TG))
        assert "1 nhiệm vụ chưa giao được cho ai" in text
        assert "• Số 8: Kiểm tra công tác CCHC theo kế hoạch của huyện" in text
        officer = "\n".join(m.text or "" for m in h.api.bot_messages(OFFICER_TP_TG))
        assert "chưa giao được" not in officer
