"""Time the staff roster import: read, check and write 300 people, then the invitation sheet.

A district (huyện) that imports every commune's staff at once sends a few
hundred rows; a commune sends 20-30. Measured here: reading a generated
300-row .xlsx (``plans.roster.read_roster``), the import into a fresh SQLite
database (300 people, 300 invitations), the re-import of the same file
(nothing changes), and the invitation outputs: 300 PNG QR codes, then the
.xlsx with those 300 pictures.

Run: python -m bench.bench_roster [people]
Prints median wall times of 3 runs and peak RSS; asserts nothing.
"""

from __future__ import annotations

import asyncio
import io
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

UNITS = {
    "Văn phòng - Thống kê": ["VP-TK"],
    "Tư pháp - Hộ tịch": ["TP-HT"],
    "Tài chính - Kế toán": ["TC-KT"],
    "Địa chính - Xây dựng": ["ĐC-XD"],
    "Văn hóa - Xã hội": ["VH-XH"],
}


def roster_workbook(people: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC"])
    sheet.append(["STT", "Họ và tên", "Chức vụ", "Bộ phận", "Số điện thoại"])
    units = list(UNITS)
    for n in range(people):
        sheet.append(
            [n + 1, f"Nguyễn Văn Số {n + 1}", "Công chức", units[n % len(units)], f"09{n:08d}"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _median(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def _database_round(data: bytes, folder: Path) -> tuple[float, float, list]:  # type: ignore[type-arg]
    from plans.roster import read_roster
    from storage.db import Database
    from storage.directory import add_organization, add_unit
    from storage.migrate import upgrade_async
    from storage.roster_import import import_roster, invite_rows

    url = f"sqlite+aiosqlite:///{folder / 'roster.sqlite3'}"
    await upgrade_async(url)
    db = Database(url)
    try:
        async with db.write() as session:
            org = await add_organization(session, "Vĩnh Khê")
            for name, aliases in UNITS.items():
                await add_unit(session, org.id, name, aliases)
        now = datetime.now(UTC)
        started = time.perf_counter()
        async with db.write() as session:
            report = await import_roster(session, org.id, read_roster(data, "ds.xlsx"), now=now)
        first = time.perf_counter() - started
        started = time.perf_counter()
        async with db.write() as session:
            await import_roster(session, org.id, read_roster(data, "ds.xlsx"), now=now)
        again = time.perf_counter() - started
        from zoneinfo import ZoneInfo

        rows = invite_rows(report, lambda c: f"https://t.me/cchc_bot?start={c}", ZoneInfo("UTC"))
        return first, again, rows
    finally:
        await db.dispose()


def run(people: int = 300, runs: int = 3) -> dict[str, float]:
    from plans.roster import read_roster
    from plans.roster_sheet import invitation_workbook, qr_png

    data = roster_workbook(people)
    reads, imports, reimports, sheets, pngs = [], [], [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        read_roster(data, "ds.xlsx")
        reads.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as tmp:
            first, again, rows = asyncio.run(_database_round(data, Path(tmp)))
        imports.append(first)
        reimports.append(again)
        started = time.perf_counter()
        codes = [qr_png(row.link) for row in rows]
        pngs.append(time.perf_counter() - started)
        started = time.perf_counter()
        invitation_workbook(rows, organization="UBND xã Vĩnh Khê", pictures=codes)
        sheets.append(time.perf_counter() - started)
    return {
        "people": people,
        "read_ms": _median(reads),
        "import_ms": _median(imports),
        "reimport_ms": _median(reimports),
        "sheet_with_qr_ms": _median(sheets),
        "png_qr_ms": _median(pngs),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    figures = run(people)
    print(f"staff roster import, {people} people (median of 3, SQLite)")
    for key, value in figures.items():
        if key != "people":
            print(f"  {key:18} {value:8.1f}")


if __name__ == "__main__":
    main()
