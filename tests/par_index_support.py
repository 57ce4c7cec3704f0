"""Xã Vĩnh Khê with seed 000's 2022 scorecard and three tasks citing criteria.

Task 4 (Tư pháp, "Quý II/2024") cites 1.5, task 5 (Một cửa, recurring)
cites 3.2, task 6 (Một cửa, due 31/05/2024, so overdue on 03/06) cites 3.4.
Nothing addresses 7.3 (public postal service), as in seed 000.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from plans.par_index.reader import load_scores
from plans.text import match_key
from storage.db import Database
from storage.models import Task
from storage.par_index import save_scorecard
from tests.factories import Commune, seed_commune

FIXTURE = (
    Path(__file__).parent / "fixtures" / "par_index" / "danh-gia-chi-so-cchc-2022-duong-hoa.docx"
)
CITATIONS = {
    4: "Tuyên truyền phổ biến pháp luật về CCHC (TCTP 1.5)",
    5: "Công khai thủ tục hành chính tại Bộ phận một cửa (TCTP 3.2)",
    6: "Số hóa hồ sơ, kết quả giải quyết TTHC (TCTP 3.4)",
}


async def seed_par_index(db: Database) -> Commune:
    commune = await seed_commune(db)
    card = load_scores(FIXTURE.read_bytes(), FIXTURE.name)
    async with db.write() as session:
        await save_scorecard(
            session,
            commune.org_id,
            card,
            year=2022,
            person_id=None,
            actor="test",
            at=datetime(2024, 1, 20, tzinfo=UTC),
        )
        for number, content in CITATIONS.items():
            task = await session.scalar(select(Task).where(Task.id == commune.task_ids[number]))
            assert task is not None
            task.content, task.content_key = content, match_key(content)
    return commune
