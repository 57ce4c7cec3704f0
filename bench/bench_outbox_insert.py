"""How the 07:30 tick writes its digests: multi-row VALUES with RETURNING vs executemany.

Both ways insert the same rows (digest-sized JSON payloads) into the outbox of
a migrated SQLite file, with ``ON CONFLICT DO NOTHING`` on the outbox's unique
key, alternately and from an emptied table each time, so a loaded machine
slows both alike. "values+returning" is what ``scheduler.outbox.insert_drafts``
did before issue 17 (500 rows per statement); "executemany" what it does now on
SQLite. Prints the median per row. Asserts nothing.

Run: python -m bench.bench_outbox_insert [--rows 3000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import sqlite

from bench.figures import print_figures
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import OutboxMessage, OutboxState

KEY = ["recipient_key", "subject", "occasion"]


def _rows(n: int) -> list[dict[str, Any]]:
    due = datetime(2024, 6, 3, 0, 30, tzinfo=UTC)
    return [
        {
            "organization_id": None,
            "person_id": None,
            "chat_id": 1_000_000 + i,
            "recipient_key": f"person:{i}",
            "subject": "digest:2024-06-03",
            "occasion": "daily",
            "kind": "digest",
            "payload": {"k": "digest", "t": list(range(i % 15)), "d": "2024-06-03"},
            "due_at": due + timedelta(seconds=i % 60),
            "state": OutboxState.PENDING,
            "attempts": 0,
        }
        for i in range(n)
    ]


async def _values_returning(db: Database, rows: list[dict[str, Any]]) -> int:
    inserted = 0
    async with db.write() as session:
        for start in range(0, len(rows), 500):
            stmt = (
                sqlite.insert(OutboxMessage)
                .values(rows[start : start + 500])
                .on_conflict_do_nothing(index_elements=KEY)
                .returning(OutboxMessage.id)
            )
            inserted += len((await session.execute(stmt)).all())
    return inserted


async def _executemany(db: Database, rows: list[dict[str, Any]]) -> int:
    async with db.write() as session:
        connection = await session.connection()
        stmt = sqlite.insert(OutboxMessage).on_conflict_do_nothing(index_elements=KEY)
        return int((await connection.execute(stmt, rows)).rowcount)


async def _run(n: int, runs: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="cchc-outbox-"))
    url = f"sqlite+aiosqlite:///{folder / 'outbox.sqlite3'}"
    try:
        await upgrade_async(url)
        db = Database(url)
        rows = _rows(n)
        times: dict[str, list[float]] = {"values_returning": [], "executemany": []}
        try:
            for _ in range(runs):
                for name, way in (
                    ("values_returning", _values_returning),
                    ("executemany", _executemany),
                ):
                    async with db.write() as session:
                        await session.execute(delete(OutboxMessage))
                    started = time.perf_counter()
                    inserted = await way(db, rows)
                    times[name].append(time.perf_counter() - started)
                    assert inserted == n, (name, inserted)
        finally:
            await db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    out: dict[str, Any] = {"rows": n, "runs": runs}
    for name, samples in times.items():
        out[f"{name}_ms_per_row"] = 1000 * statistics.median(samples) / n
    out["speedup"] = out["values_returning_ms_per_row"] / out["executemany_ms_per_row"]
    return out


def run(rows: int = 3000, runs: int = 5) -> dict[str, Any]:
    return asyncio.run(_run(rows, runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print_figures(run(args.rows, args.runs), decimals=4)


if __name__ == "__main__":
    main()
