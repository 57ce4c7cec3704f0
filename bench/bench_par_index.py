"""Time the PAR INDEX desk: reading scorecards and building the chairman's /chiso view.

- ``load_scores`` on seed 000's prose (.docx) and on the same 41 criteria as an
  .xlsx score table;
- ``storage.par_index.desk`` (last year's scorecard, this year's tasks linked
  by their citations with their standings, evidence, the projection) for a
  commune whose 200-task plan cites criteria, on SQLite.

Run: python -m bench.bench_par_index [runs]
Prints median wall times; ``run()`` returns them as a dict. No assertions.
"""

from __future__ import annotations

import asyncio
import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROSE = ROOT / "tests" / "fixtures" / "par_index" / "danh-gia-chi-so-cchc-2022-duong-hoa.docx"


def _median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _table_bytes() -> bytes:
    from openpyxl import Workbook

    from plans.par_index.reader import load_scores

    card = load_scores(PROSE.read_bytes(), PROSE.name)
    wb = Workbook()
    ws = wb.active
    ws.append(["KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2022; xếp loại: tốt; vị thứ 31/141"])
    ws.append(["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định", "Ghi chú"])
    for item in card.items:
        ws.append([item.code or "", item.title, str(item.max), "", str(item.score), item.reason])
    ws.append(["", "Tổng cộng", "100", "", "81,863", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _desk_ms(runs: int) -> float:
    from plans.par_index.reader import load_scores
    from plans.text import match_key
    from storage.db import Database
    from storage.directory import add_organization
    from storage.migrate import upgrade_async
    from storage.models import Field, Plan, Task
    from storage.par_index import desk, save_scorecard

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        await upgrade_async(url)
        db = Database(url)
        try:
            card = load_scores(PROSE.read_bytes(), PROSE.name)
            codes = [c.code for c in card.criteria if c.code]
            async with db.write() as session:
                org = await add_organization(session, "Bench")
                at = datetime(2024, 1, 20, tzinfo=UTC)
                await save_scorecard(
                    session, org.id, card, year=2022, person_id=None, actor="bench", at=at
                )
                plan = Plan(organization_id=org.id, year=2024, imported_at=at)
                session.add(plan)
                await session.flush()
                field = Field(plan_id=plan.id, key="I", ordinal=1, title="Chung")
                session.add(field)
                await session.flush()
                for n in range(1, 201):
                    content = f"Nhiệm vụ số {n} (TCTP {codes[n % len(codes)]})"
                    session.add(
                        Task(
                            plan_id=plan.id,
                            field_id=field.id,
                            number=n,
                            code=str(n),
                            content=content,
                            content_key=match_key(content),
                            deadline_text="Quý IV/2024",
                            deadline_kind="date",
                            due_date=date(2024, 12, 31),
                        )
                    )
            now = datetime(2024, 6, 3, 0, 30, tzinfo=UTC)
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                async with db.read() as session:
                    await desk(session, org.id, now=now)
                samples.append((time.perf_counter() - start) * 1000)
            return statistics.median(samples)
        finally:
            await db.dispose()


def run(runs: int = 20) -> dict[str, float]:
    from plans.par_index.reader import load_scores

    prose = PROSE.read_bytes()
    table = _table_bytes()
    return {
        "prose_docx_ms": _median_ms(lambda: load_scores(prose, "kq.docx"), runs),
        "table_xlsx_ms": _median_ms(lambda: load_scores(table, "kq.xlsx"), runs),
        "desk_200_tasks_ms": asyncio.run(_desk_ms(runs)),
    }


if __name__ == "__main__":
    figures = run(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    for name, value in figures.items():
        print(f"{name:20s} {value:8.1f}")
