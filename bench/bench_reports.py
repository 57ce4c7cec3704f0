"""Time /baocao's work for the seeded commune and for the 28-task fixture plan.

Run: python -m bench.bench_reports
Prints median wall times of the database query that builds the status table,
the .docx and .xlsx renders, the overview and the district roll-up; no
assertions (timings are never tested).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

NOW = datetime.fromisoformat("2024-06-03T07:30:00+07:00")
ROUNDS = 7
FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/ke-hoach-cchc-vinh-khe-2024.docx"


async def _timed(label: str, fn, rounds: int = ROUNDS):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - started)
    print(f"  {label:<34} {statistics.median(times) * 1000:8.1f} ms")
    return result


async def _run(folder: Path) -> None:
    from plans.calendar import PeriodKind, period
    from plans.export_docx import render_docx
    from plans.export_xlsx import render_xlsx
    from plans.importing import load_plan
    from storage import reports
    from storage.db import Database
    from storage.migrate import upgrade_async
    from storage.plan_import import import_plan
    from tests.chairman_scenario import seed_with_progress

    url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    await upgrade_async(url)
    db = Database(url)
    try:
        commune = await seed_with_progress(db)
        h1 = period(PeriodKind.H1, 2024)
        for title in ("seeded plan (8 tasks)", "fixture plan (28 tasks, re-imported)"):
            if title.startswith("fixture"):
                data = await asyncio.to_thread(FIXTURE.read_bytes)
                plan = load_plan(data, "kh.docx", organization="Vĩnh Khê")
                async with db.write() as session:
                    await import_plan(session, commune.org_id, plan, at=NOW)
            print(title)

            async def table():  # type: ignore[no-untyped-def]
                async with db.read() as session:
                    return await reports.build_status_table(session, commune.org_id, h1, now=NOW)

            built = await _timed("status table query", table)

            async def docx(built=built):  # type: ignore[no-untyped-def]
                return await asyncio.to_thread(render_docx, built, "vi")

            async def xlsx(built=built):  # type: ignore[no-untyped-def]
                return await asyncio.to_thread(render_xlsx, built, "vi")

            async def whole():  # type: ignore[no-untyped-def]
                t = await table()
                return await asyncio.gather(
                    asyncio.to_thread(render_docx, t, "vi"), asyncio.to_thread(render_xlsx, t, "vi")
                )

            async def overview():  # type: ignore[no-untyped-def]
                async with db.read() as session:
                    return await reports.overview(session, commune.org_id, now=NOW)

            async def rollup():  # type: ignore[no-untyped-def]
                async with db.read() as session:
                    return await reports.district_rollup(session, commune.district_id, now=NOW)

            await _timed("render .docx", docx)
            await _timed("render .xlsx", xlsx)
            await _timed("/baocao total (query + both)", whole)
            await _timed("/tongquan query", overview)
            await _timed("district roll-up (2 communes)", rollup)
            print(f"  rows: {len(built.rows())}, sections: {len(built.sections)}")
    finally:
        await db.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_run(Path(folder)))


if __name__ == "__main__":
    main()
