"""Planner time per tick on a large SQLite database.

Sizes: 150 organizations / 10,000 tasks / 100,000 progress rows, and with
``--big`` ten times that.  Figures: the tick at 07:30 (every organization
plans its day: read all tasks with their latest progress, decide, insert the
digests), a tick a minute later (nothing due: the common case, every 30 s),
and peak memory (Python allocations during the tick, and process RSS).
Asserts nothing.

Run: /work/venv/bin/python -m bench.bench_planner [--big]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bot.harness import sqlite_url
from scheduler.planner import plan_due
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import (
    Field,
    Organization,
    OutboxMessage,
    Person,
    PersonUnit,
    Plan,
    ProgressUpdate,
    Role,
    Task,
    TaskUnit,
    Unit,
    UnitRole,
    UpdateChannel,
)
from tests.scheduler_support import at

UNITS = ("Văn phòng - Thống kê", "Tư pháp - Hộ tịch", "Tài chính - Kế toán", "Địa chính", "Văn hóa")


async def _populate(db: Database, orgs: int, tasks: int, updates: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    per_org = tasks // orgs
    per_task = updates // tasks
    start = datetime(2024, 1, 16, tzinfo=UTC)
    async with db.write() as s:
        await s.execute(
            insert(Organization),
            [
                {
                    "name": f"Xã {i}",
                    "name_key": f"xa {i}",
                    "calendar_settings": {},
                    "reminder_policy": {},
                }
                for i in range(orgs)
            ],
        )
        org_ids = list(await s.scalars(select(Organization.id).order_by(Organization.id)))
        await s.execute(
            insert(Unit),
            [
                {"organization_id": o, "name": u, "name_key": u.lower()}
                for o in org_ids
                for u in UNITS
            ],
        )
        units: dict[int, list[int]] = {}
        for uid, oid in await s.execute(select(Unit.id, Unit.organization_id).order_by(Unit.id)):
            units.setdefault(oid, []).append(uid)
        people = []
        tg = 1_000_000
        for o in org_ids:
            for role, n in ((Role.ADMIN, 1), (Role.CHAIRMAN, 1), (Role.OFFICER, 5)):
                for _ in range(n):
                    tg += 1
                    people.append(
                        {
                            "organization_id": o,
                            "telegram_user_id": tg,
                            "full_name": f"Người {tg}",
                            "role": role,
                            "reachable": True,
                        }
                    )
        await s.execute(insert(Person), people)
        links = []
        for pid, oid, role in await s.execute(
            select(Person.id, Person.organization_id, Person.role)
        ):
            if role in (Role.OFFICER, Role.ADMIN):
                links.append({"person_id": pid, "unit_id": rng.choice(units[oid])})
        await s.execute(insert(PersonUnit), links)
        await s.execute(
            insert(Plan),
            [
                {"organization_id": o, "year": 2024, "number": "10/KH-UBND", "active": True}
                for o in org_ids
            ],
        )
        plans = dict((o, p) for p, o in await s.execute(select(Plan.id, Plan.organization_id)))
        await s.execute(
            insert(Field),
            [{"plan_id": p, "key": "I", "ordinal": 1, "title": "Chỉ đạo"} for p in plans.values()],
        )
        fields = dict((p, f) for f, p in await s.execute(select(Field.id, Field.plan_id)))
        rows = []
        for o in org_ids:
            p = plans[o]
            for n in range(1, per_org + 1):
                recurring = rng.random() < 0.2
                rows.append(
                    {
                        "plan_id": p,
                        "field_id": fields[p],
                        "number": n,
                        "content": f"Nhiệm vụ {n} của kế hoạch cải cách hành chính",
                        "content_key": f"nhiem vu {n}",
                        "deadline_kind": "recurring" if recurring else "date",
                        "due_date": None
                        if recurring
                        else date(2024, 1, 31) + timedelta(days=rng.randrange(330)),
                    }
                )
        for i in range(0, len(rows), 5000):
            await s.execute(insert(Task), rows[i : i + 5000])
        task_rows = list(await s.execute(select(Task.id, Task.plan_id)))
        org_of_plan = {p: o for o, p in plans.items()}
        tu = [
            {"task_id": t, "unit_id": rng.choice(units[org_of_plan[p]]), "role": UnitRole.LEAD}
            for t, p in task_rows
        ]
        for i in range(0, len(tu), 5000):
            await s.execute(insert(TaskUnit), tu[i : i + 5000])
        batch: list[dict[str, Any]] = []
        for t, _ in task_rows:
            finish = rng.random() < 0.3
            for k in range(per_task):
                pct = 100 if finish and k == per_task - 1 else min(95, 10 * (k + 1))
                batch.append(
                    {
                        "task_id": t,
                        "percent": pct,
                        "channel": UpdateChannel.IMPORT,
                        "created_at": start + timedelta(days=rng.randrange(135), minutes=k),
                    }
                )
                if len(batch) >= 20_000:
                    await s.execute(insert(ProgressUpdate), batch)
                    batch = []
        if batch:
            await s.execute(insert(ProgressUpdate), batch)


async def _measure(scale: int) -> dict[str, Any]:
    orgs, tasks, updates = 150 * scale, 10_000 * scale, 100_000 * scale
    folder = Path(tempfile.mkdtemp(prefix="cchc-planner-"))
    url = sqlite_url(folder)
    await upgrade_async(url)
    db = Database(url)
    try:
        t0 = time.perf_counter()
        await _populate(db, orgs, tasks, updates)
        t_fill = time.perf_counter() - t0
        t1 = time.perf_counter()
        busy = await plan_due(db, at("2024-06-03 07:30"))
        t_busy = time.perf_counter() - t1
        t2 = time.perf_counter()
        idle = await plan_due(db, at("2024-06-03 07:31"))
        t_idle = time.perf_counter() - t2
        t3 = time.perf_counter()
        nxt = await plan_due(db, at("2024-06-04 07:30"))
        t_next = time.perf_counter() - t3
        # memory of a planning tick, measured apart (tracemalloc slows Python down)
        tracemalloc.start()
        await plan_due(db, at("2024-06-05 07:30"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        async with db.read() as s:
            outbox = await s.scalar(select(func.count()).select_from(OutboxMessage))
    finally:
        await db.dispose()
    return {
        "organizations": orgs,
        "tasks": tasks,
        "progress_rows": updates,
        "fill_seconds": round(t_fill, 1),
        "tick_0730_seconds": round(t_busy, 3),
        "tick_0730_digests": busy.inserted,
        "tick_idle_seconds": round(t_idle, 4),
        "tick_next_day_seconds": round(t_next, 3),
        "tick_next_day_digests": nxt.inserted,
        "idle_drafts": idle.drafts,
        "outbox_rows": outbox,
        "tick_peak_python_mb": round(peak / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(big: bool = False) -> dict[str, Any]:
    """Figures at the base size, and at 10x when ``big``."""
    result = {"x1": asyncio.run(_measure(1))}
    if big:
        result["x10"] = asyncio.run(_measure(10))
        base, ten = result["x1"], result["x10"]
        result["growth_0730"] = round(ten["tick_0730_seconds"] / base["tick_0730_seconds"], 1)
        result["growth_idle"] = round(ten["tick_idle_seconds"] / base["tick_idle_seconds"], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also run 10x the base size")
    args = parser.parse_args()
    result = run(args.big)
    sizes = [k for k in result if k.startswith("x")]
    keys = list(result[sizes[0]])
    width = max(len(k) for k in keys)
    print(f"{'':<{width}}  " + "  ".join(f"{s:>12}" for s in sizes))
    for key in keys:
        print(f"{key:<{width}}  " + "  ".join(f"{result[s][key]!s:>12}" for s in sizes))
    for key in ("growth_0730", "growth_idle"):
        if key in result:
            print(f"{key}: {result[key]}x for 10x the data")


if __name__ == "__main__":
    main()
