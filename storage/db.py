"""Engine and transactions, the same code on SQLite and PostgreSQL.

SQLite is the embedded default, and it loses updates under concurrent
read-then-write transactions unless writers take the lock up front. Measured
with SQLAlchemy 2.1 and aiosqlite 0.22 on 60 concurrent read-then-write
transactions: with default settings, and with WAL + ``busy_timeout`` alone,
updates were lost silently; SQLAlchemy's plain ``BEGIN`` gave "database is
locked" 57 times in 60. So :meth:`Database.write` opens ``BEGIN IMMEDIATE`` on SQLite,
while :meth:`Database.read` keeps the cheap deferred ``BEGIN``. WAL lets
readers go on while one writer works; ``busy_timeout`` makes writers queue
instead of failing.

Never await Telegram inside one of these blocks: a slow transaction makes
every other writer wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched.

    SQLAlchemy types ``execute()`` as returning a plain ``Result``; for such a
    statement it is a ``CursorResult``, the one kind that carries the count.
    """
    assert isinstance(result, CursorResult)
    return result.rowcount


def upsert_insert(session: AsyncSession) -> Any:
    """The ``insert`` with ``ON CONFLICT`` clauses of the database behind ``session``.

    The dialect's module is imported here, on first use, not at start-up:
    importing ``sqlalchemy.dialects.postgresql`` costs a bot that runs on
    SQLite ≈ 60–80 ms of CPU before its first ``getUpdates`` (its
    ``pg_catalog`` alone builds hundreds of table columns), and the engine
    loads the dialect it needs anyway.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def normalize_database_url(url: str) -> str:
    """Accept the URLs people write and give SQLAlchemy the async driver they imply."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory or another database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def is_sqlite(url: str) -> bool:
    return make_url(url).drivername.startswith("sqlite")


def _install_sqlite_hooks(engine: AsyncEngine, *, foreign_keys: bool = True) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so our BEGIN is used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create_engine(
    url: str, *, echo: bool = False, pool_size: int = 5, foreign_keys: bool = True
) -> AsyncEngine:
    """Create the async engine for ``url`` (SQLite file folders are created).

    ``foreign_keys=False`` is for migrations only: SQLite alters a table by
    copying it and dropping the old one, and with foreign keys enforced that
    DROP cascades into every table pointing at it (rebuilding ``people``
    emptied ``person_units``). Migrations then check the keys themselves.
    """
    url = normalize_database_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a file in the way, no permission, a read-only disk
                reason = f"{exc.strerror or exc} ({path.parent})"
                raise DatabaseUnavailable(safe_url(url), reason) from exc
        from storage.sqlite_connection import RollbackOnClose

        kwargs["connect_args"] = {
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            "factory": RollbackOnClose,
        }
    else:
        kwargs["pool_size"] = pool_size
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        _install_sqlite_hooks(engine, foreign_keys=foreign_keys)
    return engine


class DatabaseUnavailable(RuntimeError):
    """The database named by ``DATABASE_URL`` cannot be opened; ``reason`` says why.

    The command line prints it as one line naming the variable (no traceback),
    and ``cchc-bot run`` waits for it with backoff (a server that starts before
    its database is normal in containers).
    """

    variable = "DATABASE_URL"

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def safe_url(url: str) -> str:
    """The URL as it may be shown: the password hidden."""
    try:
        return make_url(normalize_database_url(url)).render_as_string(hide_password=True)
    except Exception:  # a URL too broken to parse is shown as nothing at all
        return "?"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def database_problem(exc: BaseException, url: str) -> DatabaseUnavailable | None:
    """``exc`` (or what caused it) as :class:`DatabaseUnavailable`, if it means "cannot
    reach or open the database"; None for any other error (a bug keeps its traceback)."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    where = safe_url(url)
    for item in _chain(exc):
        if isinstance(item, DatabaseUnavailable):
            return item
        if isinstance(item, sqlite3.OperationalError) and "unable to open" in str(item):
            return DatabaseUnavailable(where, str(item))
        if isinstance(item, OSError) and _raised_by_database_code(item):
            reason = item.strerror or str(item)
            return DatabaseUnavailable(where, reason or type(item).__name__)
        name = type(item).__name__
        if name in _ASYNCPG_CONNECT_ERRORS:
            return DatabaseUnavailable(where, str(item).splitlines()[0] if str(item) else name)
        if isinstance(item, DBAPIError) and item.connection_invalidated:
            orig = getattr(item, "orig", None)
            text = str(orig if orig is not None else item).splitlines()
            return DatabaseUnavailable(where, text[0] if text else name)
    return None


def storage_failed(exc: BaseException) -> bool:
    """Whether ``exc`` means the database could not do its part (full or read-only disk,
    a restart, a dropped connection): the transaction rolled back and nothing was saved,
    which the person should be told, unlike a bug."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


_DATABASE_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite", "alembic", "sqlite3", "storage.db")


def _raised_by_database_code(exc: BaseException) -> bool:
    """An OSError from a driver (refused, unreachable host, no such folder) — not, say, a
    plan file that does not exist, which is a different line with a different fix."""
    import traceback

    for frame, _line in traceback.walk_tb(exc.__traceback__):
        if str(frame.f_globals.get("__name__", "")).startswith(_DATABASE_MODULES):
            return True
    return False


_ASYNCPG_CONNECT_ERRORS = frozenset(
    {
        "InvalidPasswordError",
        "InvalidAuthorizationSpecificationError",
        "InvalidCatalogNameError",
        "CannotConnectNowError",
        "TooManyConnectionsError",
        "ConnectionDoesNotExistError",
    }
)


async def check_reachable(url: str) -> None:
    """Open ``url`` and run ``SELECT 1``; raise :class:`DatabaseUnavailable` when it fails."""
    from sqlalchemy import text

    engine = None
    try:
        engine = create_engine(url, pool_size=1)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        problem = database_problem(exc, url)
        if problem is None:
            raise
        raise problem from exc
    finally:
        if engine is not None:
            await engine.dispose()


class Database:
    """The application's handle on storage: one engine, read and write sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = normalize_database_url(url)
        self.engine = create_engine(self.url, echo=echo)
        self.is_sqlite = is_sqlite(self.url)
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._read_maker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write_maker = async_sessionmaker(write_engine, expire_on_commit=False)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; closed (its transaction discarded) at the end.

        Objects read here stay usable afterwards (closing detaches them
        without expiring what was loaded).
        """
        async with self._read_maker() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: commits on success, rolls back on any error."""
        async with self._write_maker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
