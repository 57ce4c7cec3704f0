"""A stranger's /start while the plan keeper's 65,000-row .xlsx is being read.

Issue 16 §5: with updates processed one at a time, the stranger waited for
the whole upload (10.5 s measured by the attack run). The real Application
(``BotHarness``) against the fake Bot API: the plan keeper sends
``/nhapkehoach`` and the big spreadsheet; as soon as the bot says it is
reading the file, a stranger sends ``/start``; the figure is the time from
that message to the bot's answer in the stranger's chat, and the upload's own
duration for scale. ``--sequential`` builds the bot the old way
(``concurrent_updates(False)``) for the before figure. Asserts nothing.

Run: python -m bench.bench_busy_upload [--rows 65000] [--runs 3] [--sequential]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sandbox.harness import BotHarness, sqlite_url

os.environ.setdefault("PTB_TIMEDELTA", "1")

ADMIN_TG = 5001


def big_xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kế hoạch")
    sheet.append(["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"])
    sheet.append(["I", "CẢI CÁCH THỂ CHẾ", None, None])
    for n in range(1, rows + 1):
        sheet.append(
            [n, f"Rà soát, cập nhật hồ sơ thủ tục số {n}", "Văn phòng - Thống kê", "Quý II/2024"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _one(data: bytes, run: int, sequential: bool) -> dict[str, float]:
    from storage.directory import add_organization, add_person
    from storage.models import OrgKind, Role

    with tempfile.TemporaryDirectory() as folder:
        async with BotHarness(
            sqlite_url(Path(folder)), settings_overrides={"max_upload_mb": 50}
        ) as h:
            async with h.database.write() as session:
                org = await add_organization(session, "Vĩnh Khê", kind=OrgKind.COMMUNE)
                await add_person(session, org.id, "Lan", Role.ADMIN, telegram_user_id=ADMIN_TG)
            admin = h.api.add_user("Lan", user_id=ADMIN_TG)
            stranger = h.api.add_user("Người lạ", user_id=9000 + run)
            h.api.user_sends_text(admin, None, "/nhapkehoach")
            await h.api.wait_for_bot_message(admin.id)
            await h.idle()
            upload_started = time.perf_counter()
            h.api.user_uploads_document(admin, None, "ke-hoach-lon.xlsx", data)
            await h.api.wait_for_bot_message(
                admin.id,
                lambda m: "⏳" in (m.text or "") or "Đang đọc" in (m.text or ""),
                timeout=120,
            )
            asked = time.perf_counter()
            h.api.user_sends_text(stranger, None, "/start")
            await h.api.wait_for_bot_message(stranger.id, timeout=300)
            answered = time.perf_counter()
            await h.idle(timeout=600)
            return {
                "start_ms": 1000 * (answered - asked),
                "upload_s": time.perf_counter() - upload_started,
            }


def run(rows: int = 65_000, runs: int = 3, sequential: bool = False) -> dict[str, Any]:
    logging.getLogger("telegram").setLevel(logging.WARNING)
    if sequential:
        import bot.app

        bot.app.OrderedUpdateProcessor = lambda: False  # type: ignore[assignment,misc]
    data = big_xlsx(rows)
    samples = [asyncio.run(_one(data, k, sequential)) for k in range(runs)]
    return {
        "mode": "sequential (before)" if sequential else "ordered concurrent (after)",
        "rows": rows,
        "file_mb": round(len(data) / 1e6, 1),
        "runs": runs,
        "start_median_ms": round(statistics.median(s["start_ms"] for s in samples)),
        "start_max_ms": round(max(s["start_ms"] for s in samples)),
        "upload_median_s": round(statistics.median(s["upload_s"] for s in samples), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=65_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sequential", action="store_true")
    args = parser.parse_args()
    print(run(args.rows, args.runs, args.sequential))


if __name__ == "__main__":
    main()
