"""Alembic environment: runs migrations through the async engine.

``asyncio.run`` cannot be called inside PTB's event loop, so migrations are
applied before the application starts (``cchc-bot db upgrade`` or the start
of ``cchc-bot run``), never from a handler. ``render_as_batch`` lets SQLite
alter tables the way PostgreSQL does: by copying the table and dropping the
old one. With foreign keys enforced that DROP would cascade (rebuilding
``people`` emptied ``person_units``), so on SQLite migrations run with them
off and check every key afterwards (``PRAGMA foreign_key_check``), failing
the migration, rolled back, if a row points nowhere.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine, is_sqlite
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic")
    return url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            _check_foreign_keys(connection)


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(f"migration left rows pointing nowhere in: {', '.join(tables)}")


async def _run_async() -> None:
    url = _url()
    engine = create_engine(url, foreign_keys=not is_sqlite(url))
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
