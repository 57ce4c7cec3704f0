"""Fan-out of N digests through the fake Bot API with Telegram's limits on.

The real Application (PTB's AIORateLimiter, as ``cchc-bot run`` builds it),
the real planner and dispatcher, a SQLite file, and the fake server enforcing
30 messages/s overall and 1/s per chat (429 with retry_after beyond).
Prints achieved messages/s as a fraction of 30/s, whether any message was
lost or duplicated, and the peak RSS.  Asserts nothing.

Run: python -m bench.bench_fanout [--digests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from plans.clock import ManualClock
from sandbox.devserver import FakeBotApi
from sandbox.harness import BotHarness, sqlite_url
from scheduler.jobs import dispatcher_of
from scheduler.outbox import state_counts
from scheduler.planner import plan_due
from storage.models import Person, PersonUnit, Role
from tests.factories import seed_commune
from tests.scheduler_support import add_users, at

LIMIT = 30.0
FIRST_TG = 500_000


async def _crowd(h: BotHarness, n: int) -> list[int]:
    commune = await seed_commune(h.database)
    unit = commune.unit_ids["tp"]
    async with h.database.write() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "organization_id": commune.org_id,
                    "telegram_user_id": FIRST_TG + i,
                    "full_name": f"Cán bộ {i}",
                    "role": Role.OFFICER,
                    "reachable": True,
                }
                for i in range(n)
            ],
        )
        ids = list(
            await session.scalars(select(Person.id).where(Person.telegram_user_id >= FIRST_TG))
        )
        await session.execute(
            insert(PersonUnit), [{"person_id": pid, "unit_id": unit} for pid in ids]
        )
    add_users(h.api)
    for i in range(n):
        h.api.add_user(f"cb{i}", user_id=FIRST_TG + i)
    return [FIRST_TG + i for i in range(n)]


async def _run(n: int, concurrency: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="cchc-fanout-"))
    clock = ManualClock(at("2024-06-03 07:30"))
    async with FakeBotApi() as api:  # limits on
        h = BotHarness(sqlite_url(folder), clock=clock, api=api)
        await h.start()
        try:
            chats = await _crowd(h, n)
            t0 = time.perf_counter()
            plan = await plan_due(h.database, clock.now())
            t_plan = time.perf_counter() - t0
            dispatcher = dispatcher_of(h.application)
            dispatcher.concurrency = concurrency
            t1 = time.perf_counter()
            report = await dispatcher.run(h.application.bot)
            elapsed = time.perf_counter() - t1
            counts = await state_counts(h.database)
        finally:
            await h.stop()
        per_chat = [len(api.bot_messages(c)) for c in chats]
        sends = sum(1 for method, _ in api.state.calls if method.lower() == "sendmessage")
    sent = report.sent
    rate = sent / elapsed if elapsed else 0.0
    return {
        "digests_planned": plan.inserted,
        "sent": sent,
        "seconds": round(elapsed, 2),
        "msgs_per_s": round(rate, 2),
        "fraction_of_30": round(rate / LIMIT, 3),
        "lost": sum(1 for c in per_chat if c == 0),
        "duplicated": sum(1 for c in per_chat if c > 1),
        "http_calls": sends,
        "rate_limited_429_rescheduled": report.rate_limited,
        "outbox": counts,
        "plan_seconds": round(t_plan, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(digests: int = 2000, concurrency: int = 16) -> dict[str, Any]:
    """Run the fan-out once and return its figures."""
    return asyncio.run(_run(digests, concurrency))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = run(args.digests, args.concurrency)
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
