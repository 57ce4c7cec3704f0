"""A write cancelled in the middle of a statement must not keep SQLite locked.

SQLAlchemy answers a cancellation inside a DBAPI call by closing the
connection without a rollback. If a cursor of that transaction is still
referenced (a streamed result, a frame in a traceback), SQLite keeps the
closed connection alive with its write lock until the cursor is freed, and
every other writer waits out its busy time-out. See storage/sqlite_connection.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from typing import Any

from sqlalchemy import text

from storage.db import Database, sqlite_path

COUNT_TO_TEN = text(
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) SELECT x FROM n"
)


def _can_take_write_lock(db: Database) -> bool:
    """Another connection asks for the write lock, waiting at most half a second."""
    other = sqlite3.connect(str(sqlite_path(db.url)), timeout=0.5, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


async def test_a_write_cancelled_mid_statement_releases_the_write_lock(db: Database) -> None:
    in_statement = threading.Event()
    kept: list[Any] = []  # what a traceback would keep: the transaction's open cursor

    def pause(seconds: float) -> int:
        in_statement.set()
        time.sleep(seconds)
        return 1

    async def write_then_be_cancelled() -> None:
        async with db.write() as session:
            conn = await session.connection()
            raw = await conn.get_raw_connection()
            await raw.driver_connection.create_function("pause", 1, pause)  # type: ignore[union-attr]
            streamed = await session.stream(COUNT_TO_TEN)
            assert (await streamed.fetchone()) is not None  # the cursor is left mid-way
            kept.append(streamed)
            await session.execute(text("SELECT pause(0.3)"))

    task = asyncio.create_task(write_then_be_cancelled())
    await asyncio.to_thread(in_statement.wait, 5)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert kept, "the write never reached its open cursor"
    assert await asyncio.to_thread(_can_take_write_lock, db), "the cancelled write kept the lock"
    async with db.write() as session:  # and the bot's own next write goes through
        assert (await session.execute(text("SELECT 1"))).scalar() == 1


async def test_closing_mid_transaction_rolls_back(db: Database) -> None:
    """Closed with a statement pending, the connection's uncommitted write is gone."""
    async with db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.execute("BEGIN IMMEDIATE")
        await driver.execute("CREATE TABLE scratch (x INTEGER)")
        pending = await driver.execute("SELECT 1 UNION ALL SELECT 2")
        await pending.fetchone()
        await conn.invalidate()
    assert await asyncio.to_thread(_can_take_write_lock, db)
    async with db.read() as session:
        found = await session.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")
        )
        assert found.scalar() == 0
    del pending
