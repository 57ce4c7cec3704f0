"""The dispatcher against the fake Bot API: limits, faults, bookkeeping."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

import scheduler.dispatcher as dispatcher_module
from plans.clock import ManualClock
from sandbox.devserver import FakeBotApi, Limits
from sandbox.devserver.ptb import bot_for
from sandbox.harness import BotHarness
from scheduler.dispatcher import Dispatcher
from scheduler.jobs import JOB_NAME, dispatcher_of, install, run_tick
from scheduler.outbox import state_counts
from storage.db import Database
from storage.models import OutboxState, UpdateChannel
from storage.progress import record_progress
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TC_TG, OFFICER_TP_TG, seed_commune
from tests.fault_support import Deliveries, add_chats, seed_fan_out, slow_randomly
from tests.scheduler_support import add_users, at, outbox_rows, person, texts


async def _start(harness: BotHarness):  # type: ignore[no-untyped-def]
    commune = await seed_once(harness.database, seed_commune)
    add_users(harness.api)
    return commune


async def test_digests_sent_with_message_id_and_task_ids(harness: BotHarness) -> None:
    await _start(harness)
    await harness.tick()
    rows = await outbox_rows(harness.database)
    assert rows and all(r.state is OutboxState.SENT for r in rows)
    for r in rows:
        assert r.message_id is not None
        assert r.payload["task_ids"]
        sent = harness.api.state.get_message(r.chat_id, r.message_id)
        assert sent is not None
        assert sent.button_data() == [f"tk:{t}" for t in r.payload["task_ids"]]


async def test_tick_twice_sends_once(harness: BotHarness) -> None:
    await _start(harness)
    await harness.tick()
    await harness.tick()
    for tg in (ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OFFICER_TC_TG):
        assert len(texts(harness.api, tg)) == 1


async def test_429_is_honoured_and_message_still_arrives(harness: BotHarness) -> None:
    await _start(harness)
    # more 429s than PTB's rate limiter retries by itself: the dispatcher reschedules
    harness.api.faults.rate_limit_next(16, retry_after=1, method="sendMessage")
    await harness.tick()
    counts = await state_counts(harness.database)
    assert counts.get("pending", 0) >= 1
    rows = [r for r in await outbox_rows(harness.database) if r.state is OutboxState.PENDING]
    assert all(r.next_attempt_at is not None and r.last_error for r in rows)
    assert all(r.attempts == 0 for r in rows)  # a 429 is not a failed attempt
    harness.set_time(harness.clock.now() + timedelta(seconds=5))
    await harness.tick()
    assert await state_counts(harness.database) == {"sent": 4}
    for tg in (ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OFFICER_TC_TG):
        assert len(texts(harness.api, tg)) == 1


async def test_blocked_user_marked_unreachable_keeper_told_others_served(
    harness: BotHarness,
) -> None:
    commune = await _start(harness)
    harness.api.faults.block(OFFICER_TP_TG)
    await harness.tick()
    assert texts(harness.api, OFFICER_TP_TG) == []
    for tg in (CHAIRMAN_TG, OFFICER_TC_TG):
        assert len(texts(harness.api, tg)) == 1
    officer = await person(harness.database, commune.people["officer_tp"])
    assert officer.reachable is False and officer.unreachable_since is not None
    admin_texts = texts(harness.api, ADMIN_TG)
    assert len(admin_texts) == 2
    assert any("Nguyễn Văn An" in t and "chặn bot" in t for t in admin_texts)
    failed = [r for r in await outbox_rows(harness.database) if r.state is OutboxState.FAILED]
    assert len(failed) == 1 and "403" in (failed[0].last_error or "")
    # the next day: no reminder planned for the unreachable officer, no second notice
    harness.set_time(at("2024-06-04 07:30"))
    await harness.tick()
    assert texts(harness.api, OFFICER_TP_TG) == []
    assert sum("chặn bot" in t for t in texts(harness.api, ADMIN_TG)) == 1


async def test_dispatcher_and_block_tracker_write_the_same_audit_line(
    harness: BotHarness,
) -> None:
    """One path for "unreachable" (issue 16 §12): the 403 from the dispatcher and the
    block seen by the chat tracker both leave a ``person.unreachable`` audit line."""
    from sqlalchemy import select

    from storage.models import AuditLog

    commune = await _start(harness)
    harness.api.faults.block(OFFICER_TP_TG)
    await harness.tick()
    harness.set_time(at("2024-06-04 07:30"))
    await harness.tick()  # still blocked: no second line
    async with harness.database.read() as session:
        rows = list(
            await session.scalars(
                select(AuditLog).where(
                    AuditLog.action.in_(("person.unreachable", "person.reachable"))
                )
            )
        )
    assert [(r.action, r.person_id, r.actor) for r in rows] == [
        ("person.unreachable", commune.people["officer_tp"], "system:dispatcher")
    ]
    assert "403" in rows[0].details["error"]


async def test_server_errors_are_retried_with_backoff(harness: BotHarness) -> None:
    await _start(harness)
    harness.api.faults.fail_next(2, status=502, method="sendMessage")
    harness.api.faults.fail_next(1, status=500, method="sendMessage")
    await harness.tick()
    rows = await outbox_rows(harness.database)
    retrying = [r for r in rows if r.state is OutboxState.PENDING]
    assert retrying and all(r.attempts == 1 and r.last_error for r in retrying)
    harness.set_time(harness.clock.now() + timedelta(minutes=1))
    await harness.tick()
    assert await state_counts(harness.database) == {"sent": 4}


async def test_gives_up_only_after_max_attempts(harness: BotHarness) -> None:
    await _start(harness)
    dispatcher = dispatcher_of(harness.application)
    dispatcher.max_attempts = 3
    harness.api.faults.fail_randomly(1.0, status=503, method="sendMessage")
    for _ in range(3):
        await harness.tick()
        assert await state_counts(harness.database) in ({"pending": 4}, {"failed": 4})
        harness.set_time(harness.clock.now() + timedelta(hours=2))
    rows = await outbox_rows(harness.database)
    assert all(r.state is OutboxState.FAILED and r.attempts == 3 for r in rows)
    assert all("503" in (r.last_error or "") or "Unavailable" in (r.last_error or "") for r in rows)


async def test_task_done_after_planning_is_left_out_or_cancelled(harness: BotHarness) -> None:
    commune = await _start(harness)
    harness.set_time(at("2024-06-03 07:00"))
    await harness.tick()  # nothing yet
    harness.set_time(at("2024-06-03 07:30"))
    from scheduler.planner import plan_due

    await plan_due(harness.database, harness.clock.now())
    async with harness.database.write() as session:
        for number in (5, 6, 7):  # every task of officer_tc
            await record_progress(
                session,
                task_id=commune.task_ids[number],
                person=None,
                channel=UpdateChannel.CLI,
                at=at("2024-06-03 07:31"),
                percent=100,
                check_permission=False,
            )
    harness.set_time(at("2024-06-03 07:32"))
    await harness.tick()
    assert texts(harness.api, OFFICER_TC_TG) == []
    rows = {r.chat_id: r for r in await outbox_rows(harness.database)}
    assert rows[OFFICER_TC_TG].state is OutboxState.CANCELLED
    chairman = texts(harness.api, CHAIRMAN_TG)[0]
    assert "Số 6" not in chairman  # its escalation is gone, the weekly summary stays
    assert "Hoàn thành 3/8" in chairman


async def test_reaper_returns_stuck_rows(harness: BotHarness) -> None:
    await _start(harness)
    from scheduler.outbox import claim
    from scheduler.planner import plan_due

    await plan_due(harness.database, harness.clock.now())
    claimed = await claim(harness.database, "dead-worker", harness.clock.now(), 100)
    assert len(claimed) == 4
    await harness.tick()  # too early to reap: nothing goes
    assert await state_counts(harness.database) == {"sending": 4}
    harness.set_time(harness.clock.now() + timedelta(minutes=6))
    await harness.tick()
    assert await state_counts(harness.database) == {"sent": 4}


async def test_install_is_idempotent(harness: BotHarness) -> None:
    app = harness.application
    install(app)
    install(app)
    assert app.job_queue is not None
    jobs = app.job_queue.get_jobs_by_name(JOB_NAME)
    assert len([j for j in jobs if not j.removed]) == 1
    job = next(j for j in jobs if not j.removed)
    assert job.job.misfire_grace_time >= 60
    report = await run_tick(app)
    assert report.dispatch is not None


async def test_a_failed_delivery_stops_its_batch_before_the_rest_is_handed_back(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The database fails under one ``mark_sent``: no row handed back may still go out.

    With the batch's sends left running after the failure, rows the batch
    returned to ``pending`` were delivered anyway and then again by the next
    pass (a PostgreSQL restart made ~30 duplicates out of 150).
    """
    clock = ManualClock(at("2024-06-03 07:30"))
    chats = await seed_fan_out(db, 40, clock.now())
    recorded = 0
    real_mark_sent = dispatcher_module.mark_sent

    async def mark_sent_then_fail(*args: Any, **kwargs: Any) -> None:
        nonlocal recorded
        recorded += 1
        if recorded == 3:
            raise ConnectionResetError("connection to the database lost")
        await real_mark_sent(*args, **kwargs)

    monkeypatch.setattr(dispatcher_module, "mark_sent", mark_sent_then_fail)
    dispatcher = Dispatcher(
        db, clock, concurrency=4, batch_size=40, per_chat_interval=0.0, max_per_second=None
    )
    async with FakeBotApi(limits=Limits.off()) as api:
        add_chats(api, chats)
        got = Deliveries().attach(api)
        slow_randomly(api.faults, 1.0, 0.05, method="sendMessage")  # sends overlap the failure
        async with bot_for(api) as bot:
            await dispatcher.run(bot)  # the failed batch is logged; the pass goes on
            await api.wait_idle(quiet=0.2)  # a send still running would land now
    counts = await state_counts(db)
    assert recorded > 3, "the pass did not go on after the failure"
    failures = [r for r in caplog.records if r.name == dispatcher_module.__name__]
    assert [r.exc_info[1] for r in failures if r.exc_info] != [], "the failed batch was not logged"
    assert got.duplicates() == 0, f"sent twice: {got.duplicates()}; outbox {counts}"
    # the failed row and those cancelled mid-send wait for the reaper, the rest went out
    # (at most one more than the concurrency: the failed send's slot is taken at once)
    assert 1 <= counts.get("sending", 0) <= dispatcher.concurrency + 1
    assert counts.get("sending", 0) + counts.get("sent", 0) == len(chats)


async def test_a_pass_ends_when_the_database_is_gone_for_the_whole_batch(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording and handing back both fail: the pass must end, so the next tick can run.

    The batch used to leave its rows counted as waiting when handing them
    back failed, and the pass waited for them for ever (after a PostgreSQL
    restart the bot never delivered again).
    """
    clock = ManualClock(at("2024-06-03 07:30"))
    chats = await seed_fan_out(db, 40, clock.now())

    async def database_gone(*args: Any, **kwargs: Any) -> None:
        raise ConnectionResetError("connection to the database lost")

    monkeypatch.setattr(dispatcher_module, "mark_sent", database_gone)
    monkeypatch.setattr(dispatcher_module, "release", database_gone)
    monkeypatch.setattr(dispatcher_module, "claim", _claim_once(dispatcher_module.claim))
    dispatcher = Dispatcher(
        db, clock, concurrency=4, batch_size=20, per_chat_interval=0.0, max_per_second=None
    )
    async with FakeBotApi(limits=Limits.off()) as api:
        add_chats(api, chats)
        async with bot_for(api) as bot:
            async with asyncio.timeout(30):
                await dispatcher.run(bot)


def _claim_once(real_claim: Any) -> Any:
    """``claim`` that serves two batches, then finds the database gone too."""
    calls = 0

    async def claim(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 2:
            return []
        return await real_claim(*args, **kwargs)

    return claim
