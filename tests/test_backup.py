"""A backup taken while the bot writes restores with every progress update."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.models import ProgressUpdate, UpdateChannel
from storage.progress import record_progress
from tests.factories import OFFICER_TP_TG, seed_commune

T0 = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)


async def test_backup_restores_every_progress_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage.migrate import upgrade_async

    url = "sqlite+aiosqlite:///./data/cchc-bot.sqlite3"  # the default, under tmp_path
    await upgrade_async(url)
    db = Database(url)
    try:
        commune = await seed_commune(db)
        async with db.write() as session:
            officer = await person_by_telegram_id(session, OFFICER_TP_TG)
            for i in range(40):
                await record_progress(
                    session,
                    task_id=commune.task_ids[3 + i % 2],
                    person=officer,
                    channel=UpdateChannel.COMMAND,
                    at=T0 + timedelta(minutes=i),
                    percent=min(100, i * 3),
                    note=f"lần {i} — ghi chú",
                )
        # The bot keeps its connection open (WAL) while the backup runs.
        async with db.read() as session:
            before = (
                await session.execute(
                    select(ProgressUpdate.id, ProgressUpdate.percent, ProgressUpdate.note).order_by(
                        ProgressUpdate.id
                    )
                )
            ).all()
            assert await session.scalar(select(func.count()).select_from(ProgressUpdate)) == 40
            code = await _in_thread(main, ["backup", "--out", str(tmp_path / "bk.sqlite3")])
    finally:
        await db.dispose()
    assert code == 0
    assert "bk.sqlite3" in capsys.readouterr().out
    restored = Database(f"sqlite+aiosqlite:///{tmp_path / 'bk.sqlite3'}")
    try:
        async with restored.read() as session:
            after = (
                await session.execute(
                    select(ProgressUpdate.id, ProgressUpdate.percent, ProgressUpdate.note).order_by(
                        ProgressUpdate.id
                    )
                )
            ).all()
    finally:
        await restored.dispose()
    assert after == before


async def _in_thread(func: object, args: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(func, args)  # type: ignore[arg-type]


def test_backup_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    target = tmp_path / "old.sqlite3"
    target.write_bytes(b"an older backup")
    assert main(["backup", "--out", str(target)]) == 1
    assert "đã tồn tại" in capsys.readouterr().err
    assert target.read_bytes() == b"an older backup"
