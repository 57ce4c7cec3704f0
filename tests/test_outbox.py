"""Outbox claiming on SQLite and PostgreSQL: idempotent fill, disjoint claims, no duplicates."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from telegram import Bot

from plans.clock import ManualClock
from sandbox.devserver import FakeBotApi, Limits
from scheduler.dispatcher import Dispatcher
from scheduler.outbox import (
    PlannedMessage,
    claim,
    insert_drafts,
    mark_retry,
    reap,
    release,
    state_counts,
)
from storage.db import Database
from storage.outbox import NoticePayload
from tests.scheduler_support import at, outbox_rows

NOW = at("2024-06-03 07:30")


def _notice(i: int, *, chat: int | None = None, due: str = "2024-06-03 07:30") -> PlannedMessage:
    return PlannedMessage(
        recipient_key=f"person:{i}",
        chat_id=chat if chat is not None else 10_000 + i,
        subject="test",
        occasion="2024-06-03",
        due_at=at(due),
        payload=NoticePayload("reminders.more", {"count": i}),
    )


async def _fill(db: Database, drafts: list[PlannedMessage]) -> int:
    async with db.write() as session:
        return await insert_drafts(session, drafts)


async def test_insert_is_idempotent(any_db: Database) -> None:
    drafts = [_notice(i) for i in range(5)]
    assert await _fill(any_db, drafts) == 5
    assert await _fill(any_db, [*drafts, _notice(5)]) == 1
    rows = await outbox_rows(any_db)
    assert len(rows) == 6
    assert all(r.payload["task_ids"] == [] for r in rows)


async def test_claim_takes_due_rows_once(any_db: Database) -> None:
    await _fill(any_db, [_notice(i) for i in range(10)] + [_notice(99, due="2024-06-04 07:30")])
    first = await claim(any_db, "a", NOW, 4)
    second = await claim(any_db, "b", NOW, 100)
    assert len(first) == 4 and len(second) == 6
    assert not {r.id for r in first} & {r.id for r in second}
    assert await claim(any_db, "c", NOW, 100) == []
    assert all(r.attempts == 1 for r in first + second)
    counts = await state_counts(any_db)
    assert counts == {"sending": 10, "pending": 1}


async def test_release_reap_and_retry(any_db: Database) -> None:
    await _fill(any_db, [_notice(i) for i in range(3)])
    rows = await claim(any_db, "a", NOW, 10)
    assert await release(any_db, [rows[0].id], "someone-else") == 0
    assert await release(any_db, [rows[0].id], "a") == 1
    await mark_retry(any_db, rows[1].id, "a", NOW + timedelta(minutes=1), "boom")
    assert await reap(any_db, NOW + timedelta(minutes=1)) == 0
    assert await reap(any_db, NOW + timedelta(minutes=10)) == 1  # rows[2], stuck in sending
    again = await claim(any_db, "b", NOW, 10)
    assert {r.id for r in again} == {rows[0].id, rows[2].id}  # rows[1] waits for its retry
    later = await claim(any_db, "b", NOW + timedelta(minutes=2), 10)
    assert {r.id for r in later} == {rows[1].id}


async def test_concurrent_claims_are_disjoint(any_database_url: str, any_db: Database) -> None:
    await _fill(any_db, [_notice(i) for i in range(200)])
    others = [Database(any_database_url) for _ in range(3)]
    try:

        async def drain(db: Database, name: str) -> list[int]:
            got: list[int] = []
            while batch := await claim(db, name, NOW, 7):
                got += [r.id for r in batch]
                await asyncio.sleep(0)
            return got

        results = await asyncio.gather(*(drain(d, f"w{i}") for i, d in enumerate(others)))
    finally:
        for d in others:
            await d.dispose()
    ids = [i for r in results for i in r]
    assert len(ids) == 200 and len(set(ids)) == 200


async def test_two_dispatchers_one_outbox_no_duplicates(
    any_database_url: str, any_db: Database
) -> None:
    n = 120
    await _fill(any_db, [_notice(i) for i in range(n)])
    async with FakeBotApi(limits=Limits.off()) as api:
        for i in range(n):
            api.add_user(f"u{i}", user_id=10_000 + i)
        api.faults.fail_randomly(0.1, status=502, method="sendMessage")
        clock = ManualClock(NOW)
        dbs = [Database(any_database_url) for _ in range(2)]
        bots = [Bot(api.token, base_url=api.base_url) for _ in range(2)]
        try:
            for bot in bots:
                await bot.initialize()
            dispatchers = [
                Dispatcher(
                    db, clock, worker_id=f"replica-{i}", batch_size=10, per_chat_interval=0.0
                )
                for i, db in enumerate(dbs)
            ]
            sent = [0, 0]
            for _ in range(8):  # retries come back after their backoff
                reports = await asyncio.gather(
                    *(d.run(b) for d, b in zip(dispatchers, bots, strict=True))
                )
                sent = [s + r.sent for s, r in zip(sent, reports, strict=True)]
                clock.advance(timedelta(hours=2))
                if await state_counts(any_db) == {"sent": n}:
                    break
        finally:
            for bot in bots:
                await bot.shutdown()
            for db in dbs:
                await db.dispose()
        assert await state_counts(any_db) == {"sent": n}
        for i in range(n):
            assert len(api.bot_messages(10_000 + i)) == 1
        assert sum(sent) == n  # each row sent by exactly one replica
        assert all(s > 0 for s in sent)  # and both replicas did work
    rows = await outbox_rows(any_db)
    assert {r.claimed_by for r in rows} <= {"replica-0", "replica-1"}
    assert all(r.message_id is not None for r in rows)
