"""A province's worth of data, fast: the shared generator of the benchmarks.

One "1x" province is 150 communes, 10,000 tasks, 3,000 people and 100,000
progress rows (issue 7/8).  Rows go in with Core ``insert(...)`` executemany
in large batches -- never ORM objects one by one -- so 1x fills in seconds
and 10x in about a minute on SQLite.  The data is deterministic (seeded
random): 20 % recurring ("thường xuyên") tasks, dated tasks due between
31/01 and 26/12/2024, 30 % of tasks finished at 100 %, updates spread
between 16/01 and 30/05/2024, five units and twenty people per commune
(plan keeper, chairman, eighteen officers).

The chairman of the n-th commune has Telegram id ``CHAIRMAN_TG + n``, so the
latency benchmark can ask /tongquan and /baocao of many communes, each from a
fresh private chat (Telegram's 1 message/s per chat never paces a sample).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import (
    Field,
    Organization,
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

UNITS = ("Văn phòng - Thống kê", "Tư pháp - Hộ tịch", "Tài chính - Kế toán", "Địa chính", "Văn hóa")
FIELD_KEYS = ("I", "II", "III", "IV")
FIELDS = ("Chỉ đạo, điều hành", "Thể chế", "Thủ tục hành chính", "Tổ chức bộ máy")
ORGS, TASKS, PEOPLE, UPDATES = 150, 10_000, 3_000, 100_000
CHAIRMAN_TG = 900_000_000  # the chairman of commune n has Telegram id CHAIRMAN_TG + n
FIRST_TG = 1_000_000
BATCH = 20_000


@dataclass(frozen=True)
class Province:
    """What was generated (counts and the ids a benchmark needs)."""

    organizations: int
    tasks: int
    people: int
    progress_rows: int
    first_org_id: int


def sizes(scale: float) -> tuple[int, int, int, int]:
    """(organizations, tasks, people, progress rows) at ``scale`` times a province."""
    return (
        max(1, round(ORGS * scale)),
        max(1, round(TASKS * scale)),
        max(1, round(PEOPLE * scale)),
        max(1, round(UPDATES * scale)),
    )


async def _batched(session: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), BATCH):
        await session.execute(insert(table), rows[i : i + BATCH])


async def populate(db: Database, scale: float = 1.0, seed: int = 7) -> Province:
    """Fill a migrated, empty database with ``scale`` provinces' worth of communes."""
    orgs, tasks, people_n, updates = sizes(scale)
    rng = random.Random(seed)
    per_org = max(1, tasks // orgs)
    per_task = max(1, updates // tasks)
    people_per_org = max(3, people_n // orgs)
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
        tg = FIRST_TG
        for n, o in enumerate(org_ids):
            roles = [Role.ADMIN, Role.CHAIRMAN] + [Role.OFFICER] * (people_per_org - 2)
            for role in roles:
                tg += 1
                chair = role is Role.CHAIRMAN
                people.append(
                    {
                        "organization_id": o,
                        "telegram_user_id": CHAIRMAN_TG + n if chair else tg,
                        "full_name": f"Người {tg}",
                        "role": role,
                        "reachable": True,
                    }
                )
        await _batched(s, Person, people)
        links = []
        for pid, oid, role in await s.execute(
            select(Person.id, Person.organization_id, Person.role).order_by(Person.id)
        ):
            if role in (Role.OFFICER, Role.ADMIN):
                links.append({"person_id": pid, "unit_id": rng.choice(units[oid])})
        await _batched(s, PersonUnit, links)
        await s.execute(
            insert(Plan),
            [
                {
                    "organization_id": o,
                    "year": 2024,
                    "number": "10/KH-UBND",
                    "active": True,
                    "title": "Kế hoạch cải cách hành chính năm 2024",
                }
                for o in org_ids
            ],
        )
        plans = {o: p for p, o in await s.execute(select(Plan.id, Plan.organization_id))}
        await s.execute(
            insert(Field),
            [
                {"plan_id": p, "key": key, "ordinal": n, "title": title}
                for p in plans.values()
                for n, (key, title) in enumerate(zip(FIELD_KEYS, FIELDS, strict=True), 1)
            ],
        )
        fields: dict[int, list[int]] = {}
        for f, p in await s.execute(select(Field.id, Field.plan_id).order_by(Field.id)):
            fields.setdefault(p, []).append(f)
        rows = []
        extra = tasks - per_org * orgs  # the first communes get one task more
        for i, o in enumerate(org_ids):
            p = plans[o]
            count = per_org + (1 if i < extra else 0)
            for n in range(1, count + 1):
                recurring = rng.random() < 0.2
                rows.append(
                    {
                        "plan_id": p,
                        "field_id": fields[p][(n - 1) * len(FIELDS) // count],
                        "number": n,
                        "code": str(n),
                        "content": f"Nhiệm vụ {n} của kế hoạch cải cách hành chính",
                        "content_key": f"nhiem vu {n}",
                        "deadline_text": "Thường xuyên" if recurring else None,
                        "deadline_kind": "recurring" if recurring else "date",
                        "due_date": None
                        if recurring
                        else date(2024, 1, 31) + timedelta(days=rng.randrange(330)),
                    }
                )
        await _batched(s, Task, rows)
        task_rows = list(await s.execute(select(Task.id, Task.plan_id).order_by(Task.id)))
        org_of_plan = {p: o for o, p in plans.items()}
        await _batched(
            s,
            TaskUnit,
            [
                {"task_id": t, "unit_id": rng.choice(units[org_of_plan[p]]), "role": UnitRole.LEAD}
                for t, p in task_rows
            ],
        )
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
                if len(batch) >= BATCH:
                    await s.execute(insert(ProgressUpdate), batch)
                    batch = []
        if batch:
            await s.execute(insert(ProgressUpdate), batch)
    return Province(
        organizations=orgs,
        tasks=len(task_rows),
        people=len(people),
        progress_rows=len(task_rows) * per_task,
        first_org_id=org_ids[0],
    )


# --- where the data lives ---------------------------------------------------------------


@asynccontextmanager
async def fresh_database(backend: str = "sqlite") -> AsyncIterator[str]:
    """A new, migrated database URL: a temporary SQLite file, or a new database on the
    PostgreSQL server of ``BENCH_POSTGRES_URL``/``TEST_POSTGRES_URL`` (dropped after)."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
        try:
            url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
            await upgrade_async(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    base_url = postgres_url()
    if base_url is None:
        raise RuntimeError("set BENCH_POSTGRES_URL or TEST_POSTGRES_URL for --postgres")
    base = make_url(base_url)
    name = f"cchc_bench_{uuid.uuid4().hex[:10]}"
    conn = dict(
        user=base.username,
        password=base.password,
        host=base.host or "127.0.0.1",
        port=base.port or 5432,
        database=base.database or "postgres",
    )
    admin = await asyncpg.connect(**conn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = base.set(database=name, drivername="postgresql+asyncpg").render_as_string(
        hide_password=False
    )
    try:
        await upgrade_async(url)
        yield url
    finally:
        admin = await asyncpg.connect(**conn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def postgres_url() -> str | None:
    return os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")


async def analyze(db: Database) -> None:
    """Fresh statistics after a bulk fill (what autovacuum/ANALYZE would do in production)."""
    async with db.write() as s:
        await s.execute(text("ANALYZE"))
