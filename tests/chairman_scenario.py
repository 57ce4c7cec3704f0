"""A seeded commune with progress recorded at chosen instants (shared by the chairman tests).

Clock of the harness: Mon 03/06/2024 07:30 (+07). Current report: 6 tháng
2024 (deadline 10/6, data window 15/12/2023 – 14/6/2024).

| task | deadline         | updates                                  | state on 03/06 |
|------|------------------|------------------------------------------|----------------|
| 1    | Tháng 1/2024     | 05/02 80% "Đang thực hiện" (admin)       | overdue 124 d  |
| 2    | Định kỳ          | 20/05 50% "Đang thực hiện" (admin)       | recurring, upd |
| 3    | Trước 10/6/2024  | 15/03 40% (officer TP)                   | due soon       |
| 4    | Quý II/2024      | —                                        | in progress    |
| 5    | Thường xuyên     | 10/04 100% "Đã thực hiện" (admin)        | recurring done |
| 6    | Tháng 5/2024     | 10/05 60% output "Bảng tổng hợp" (admin) | overdue 3 d    |
| 7    | Quý III/2024     | —                                        | in progress    |
| 8    | on event         | —                                        | no deadline    |
"""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.models import UpdateChannel
from storage.progress import record_progress
from tests.factories import ADMIN_TG, OFFICER_TP_TG, Commune, seed_commune

UPDATES = [
    # (task number, local instant, who, percent, status, output)
    (1, "2024-02-05T09:00", "admin", 80, "Đang thực hiện", None),
    (2, "2024-05-20T10:00", "admin", 50, "Đang thực hiện", None),
    (3, "2024-03-15T08:00", "officer_tp", 40, None, None),
    (5, "2024-04-10T15:00", "admin", 100, "Đã thực hiện", "Niêm yết công khai TTHC"),
    (6, "2024-05-10T16:00", "admin", 60, None, "Bảng tổng hợp số hóa"),
]


async def seed_with_progress(db: Database) -> Commune:
    commune = await seed_commune(db)
    async with db.write() as session:
        people = {
            "admin": await person_by_telegram_id(session, ADMIN_TG),
            "officer_tp": await person_by_telegram_id(session, OFFICER_TP_TG),
        }
        for number, at, who, percent, status, output in UPDATES:
            await record_progress(
                session,
                task_id=commune.task_ids[number],
                person=people[who],
                channel=UpdateChannel.COMMAND,
                at=datetime.fromisoformat(at + "+07:00"),
                percent=percent,
                status_text=status,
                output=output,
            )
    return commune
