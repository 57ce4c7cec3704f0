"""Planner tick time at 1x, 10x (and 100x) of a province, on SQLite or PostgreSQL.

Ticks measured on one database (Mon 03/06/2024, a working day, 7 days before
the 6-month report deadline of 10/06):

- ``tick_0730``: the 07:30 tick, every commune plans its day (the busy tick;
  median of 3 runs from an emptied outbox up to 10x, one run at 100x);
- ``tick_idle``: median of ten ticks between 07:31 and 07:40, nothing due --
  what the bot does every 30 s all day;
- ``tick_next_day``: 07:30 on Tuesday (the outbox already has Monday's rows);
- ``per_digest_ms``: the 07:30 tick divided by the digests it wrote -- the
  07:30 tick's output grows with the province, so it cannot be sub-linear;
  what should not grow is the cost per digest;
- ``per_digest_cpu_ms``: the same with the process's CPU time (user + system,
  SQLite's thread included; ``time.process_time``) instead of wall time: on a
  shared machine the wall time is mostly other processes' (``load_avg`` is the
  1-minute load average when the ticks ran);
- ``outbox_sha256``: a digest of every outbox row after the report day's tick
  (recipient, person, chat, organization, kind, subject, occasion, due time,
  payload): a change that makes the tick faster must leave it unchanged;
- ``tick_peak_rss_mib``: the process's peak RSS during the 07:30 ticks alone
  (the filling's peak forgotten first, Linux ``clear_refs``), and
  ``rss_before_tick_mib`` the RSS they start from.

Run: python -m bench.planner_scale [--scale 1 --scale 10] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from bench.province import analyze, fresh_database, populate
from bot.app import settle_startup_objects
from scheduler.planner import plan_due
from storage.db import Database
from storage.models import OutboxMessage, SchedulerState
from tests.scheduler_support import at


def _status_mib(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> float:
    """Forget the filling's peak RSS (Linux: clear_refs 5), so the ticks' own peak shows.

    Returns the RSS the tick starts from (the filled province's leftovers included).
    """
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_mib("VmRSS")


def _peak_mib() -> float:
    """Peak RSS since :func:`_reset_peak` (VmHWM)."""
    return _status_mib("VmHWM")


async def outbox_digest(db: Database) -> str:
    """SHA-256 of every outbox row's content, in key order (ids and timestamps of the
    bookkeeping left out): equal before and after an optimisation, or it changed what
    the planner writes."""
    digest = hashlib.sha256()
    async with db.read() as s:
        rows = await s.execute(
            select(
                OutboxMessage.recipient_key,
                OutboxMessage.subject,
                OutboxMessage.occasion,
                OutboxMessage.person_id,
                OutboxMessage.chat_id,
                OutboxMessage.organization_id,
                OutboxMessage.kind,
                OutboxMessage.due_at,
                OutboxMessage.payload,
            ).order_by(OutboxMessage.recipient_key, OutboxMessage.subject, OutboxMessage.occasion)
        )
        for *head, due_at, payload in rows:
            line = json.dumps([*head, due_at.isoformat(), payload], sort_keys=True, default=str)
            digest.update(line.encode() + b"\n")
    return digest.hexdigest()


async def _forget_planning(db: Database) -> None:
    async with db.write() as s:
        await s.execute(delete(OutboxMessage))
        await s.execute(delete(SchedulerState))


async def measure(
    scale: float, backend: str = "sqlite", repeats: int | None = None
) -> dict[str, Any]:
    """Figures at ``scale``; the 07:30 tick is the median of ``repeats`` runs (5 at 1x, 3 up
    to 10x, 1 beyond)."""
    repeats = repeats or (5 if scale <= 1 else 3 if scale <= 10 else 1)
    async with fresh_database(backend) as url:
        db = Database(url)
        try:
            t0 = time.perf_counter()
            province = await populate(db, scale)
            await analyze(db)
            fill = time.perf_counter() - t0
            # the busy tick, repeated from a clean outbox (the machine may be shared): median
            rss_before_tick = _reset_peak()
            settle_startup_objects()  # as `cchc-bot run` does once it has started
            busy_times = []
            busy_cpu = []
            loads = []
            for k in range(repeats):
                if k:
                    await _forget_planning(db)
                loads.append(os.getloadavg()[0])
                t1, c1 = time.perf_counter(), time.process_time()
                busy = await plan_due(db, at("2024-06-03 07:30"))
                busy_times.append(time.perf_counter() - t1)
                busy_cpu.append(time.process_time() - c1)
            t_busy = statistics.median(busy_times)
            cpu_busy = statistics.median(busy_cpu)
            tick_peak = _peak_mib()
            outbox_sha = await outbox_digest(db)
            idle_times = []
            first = at("2024-06-03 07:31")
            for k in range(10):
                t = time.perf_counter()
                await plan_due(db, first + timedelta(seconds=30 * k))
                idle_times.append(time.perf_counter() - t)
            t3 = time.perf_counter()
            nxt = await plan_due(db, at("2024-06-04 07:30"))
            t_next = time.perf_counter() - t3
            async with db.read() as s:
                outbox = await s.scalar(select(func.count()).select_from(OutboxMessage))
        finally:
            await db.dispose()
    return {
        "scale": scale,
        "backend": backend,
        "organizations": province.organizations,
        "tasks": province.tasks,
        "people": province.people,
        "progress_rows": province.progress_rows,
        "fill_s": fill,
        "tick_0730_s": t_busy,
        "tick_0730_runs": repeats,
        "tick_0730_digests": busy.inserted,
        "per_digest_ms": 1000 * t_busy / max(1, busy.inserted),
        "tick_0730_cpu_s": cpu_busy,
        "per_digest_cpu_ms": 1000 * cpu_busy / max(1, busy.inserted),
        "load_avg": statistics.median(loads),
        "outbox_sha256": outbox_sha[:16],
        "tick_idle_ms": 1000 * statistics.median(idle_times),
        "tick_next_day_s": t_next,
        "tick_next_day_digests": nxt.inserted,
        "outbox_rows": outbox,
        "rss_before_tick_mib": rss_before_tick,
        "tick_peak_rss_mib": tick_peak,
    }


def run(scales: list[float], backend: str = "sqlite") -> list[dict[str, Any]]:
    return [asyncio.run(measure(s, backend)) for s in scales]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    rows = run(args.scale or [1.0], "postgres" if args.postgres else "sqlite")
    for key in rows[0]:
        cells = []
        for r in rows:
            v = r[key]
            cells.append(f"{v:.4g}" if isinstance(v, float) else str(v))
        print(f"{key:<22}" + "".join(f" {c:>13}" for c in cells))  # a 16-digit hash too


if __name__ == "__main__":
    main()
