"""Migrations apply on SQLite and PostgreSQL and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.cli import main
from storage.db import Database
from storage.migrate import upgrade_async
from storage.models import Base

EXPECTED_TABLES = {
    "organizations",
    "units",
    "unit_aliases",
    "people",
    "person_units",
    "invitations",
    "chats",
    "plans",
    "fields",
    "tasks",
    "task_units",
    "progress_updates",
    "attachments",
    "extensions",
    "outbox",
    "scheduler_state",
    "audit_log",
    "drafts",
    "draft_steps",
}


async def test_upgrade_creates_every_table_and_matches_models(any_database_url: str) -> None:
    # imported here: alembic.autogenerate costs every pytest-xdist worker 0.15 s to collect
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    await upgrade_async(any_database_url)
    await upgrade_async(any_database_url)  # idempotent: a second start changes nothing
    database = Database(any_database_url)
    try:
        async with database.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
        assert EXPECTED_TABLES <= tables
        assert diff == []
    finally:
        await database.dispose()


async def test_sqlite_runs_in_wal_mode_with_busy_timeout(db: Database) -> None:
    async with db.read() as session:
        mode = await session.scalar(text("PRAGMA journal_mode"))
        timeout = await session.scalar(text("PRAGMA busy_timeout"))
        fks = await session.scalar(text("PRAGMA foreign_keys"))
    assert mode == "wal"
    assert timeout >= 5000
    assert fks == 1


def test_cli_db_upgrade_creates_sqlite_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0  # default URL: ./data/cchc-bot.sqlite3
    assert (tmp_path / "data" / "cchc-bot.sqlite3").exists()
    assert "cchc-bot.sqlite3" in capsys.readouterr().out


async def test_sqlite_table_rebuilds_keep_the_rows_that_point_at_them(
    sqlite_database_url: str,
) -> None:
    """SQLite alters a table by copying it and dropping the old one; with foreign keys
    enforced the DROP cascaded, and 0008's downgrade (a rebuild of ``people``) emptied
    ``person_units``. Migrations run with the keys off and check them afterwards."""
    import asyncio

    from storage.migrate import downgrade
    from tests.factories import seed_commune

    await upgrade_async(sqlite_database_url)
    db = Database(sqlite_database_url)
    try:
        await seed_commune(db)
        before = await _row_counts(db)
    finally:
        await db.dispose()
    assert before["person_units"] > 0 and before["people"] > 0

    await asyncio.to_thread(downgrade, sqlite_database_url, "0007_drafts_table")
    await upgrade_async(sqlite_database_url)

    db = Database(sqlite_database_url)
    try:
        assert await _row_counts(db) == before
    finally:
        await db.dispose()


async def _row_counts(db: Database) -> dict[str, int]:
    async with db.read() as session:
        return {
            table: int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in sorted(EXPECTED_TABLES)
        }
