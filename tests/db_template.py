"""Migrate once per test process, copy the result for each test; seed the same way.

Running the Alembic chain costs 0,3–0,45 s per test on a 2-core machine, and
almost every test wants the same freshly migrated SQLite file. The first test
that needs one migrates a template file; later tests get a byte copy of it.
Only SQLite files that do not exist yet and are wanted at ``head`` are served
from the template; anything else (PostgreSQL, a named revision, an existing
file) runs the real migrations, so migration tests still exercise Alembic.

Seeding is cached the same way (:func:`seed_once`): a seeder such as
``seed_commune`` runs once per process on its own copy of the template, and
each test gets its rows copied in with one ``INSERT … SELECT`` per table —
into the running bot's database, after start-up, as the seeder would have
written them. Each pytest-xdist worker is a process with its own templates.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.engine import make_url

from storage.db import Database, normalize_database_url
from storage.migrate import upgrade, upgrade_async

T = TypeVar("T")

_lock = threading.Lock()
_template: Path | None = None
_seeded: dict[Callable[..., object], tuple[Path, object]] = {}


def _sqlite_file(database_url: str) -> Path | None:
    url = make_url(normalize_database_url(database_url))
    if not url.get_backend_name().startswith("sqlite") or not url.database:
        return None
    if url.database == ":memory:" or url.query:
        return None
    return Path(url.database)


def _template_file() -> Path:
    """Migrate the template on first use (thread-safe; reused for the whole run)."""
    global _template
    with _lock:
        if _template is None:
            folder = Path(tempfile.mkdtemp(prefix="cchc-template-"))
            path = folder / "template.sqlite3"
            upgrade(f"sqlite+aiosqlite:///{path}")
            _template = path
        return _template


def copy_template(database_url: str, revision: str = "head") -> bool:
    """Put a migrated copy at ``database_url``'s file; False when the URL does not qualify."""
    target = _sqlite_file(database_url)
    if revision != "head" or target is None or target.exists():
        return False
    template = _template_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return True


async def fast_upgrade_async(database_url: str, revision: str = "head") -> None:
    """Drop-in for :func:`storage.migrate.upgrade_async` that copies the template."""
    import asyncio

    if await asyncio.to_thread(copy_template, database_url, revision):
        return
    await upgrade_async(database_url, revision)


@contextlib.asynccontextmanager
async def migrated_database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database at ``database_url``, disposed afterwards (fixtures of any scope)."""
    await fast_upgrade_async(database_url)
    database = Database(database_url)
    try:
        yield database
    finally:
        await database.dispose()


async def seed_once(db: Database, seeder: Callable[[Database], Awaitable[T]]) -> T:
    """``await seeder(db)``, from rows seeded once per process when ``db`` allows it.

    The rows are copied only into a SQLite file whose tables the seed fills are
    still empty (same ids, same values); anything else runs ``seeder`` itself.
    """
    import asyncio

    target = _sqlite_file(db.url)
    if target is None or not target.exists():
        return await seeder(db)
    if seeder not in _seeded:
        source = Path(tempfile.mkdtemp(prefix="cchc-seed-")) / "seeded.sqlite3"
        shutil.copyfile(_template_file(), source)
        seed_db = Database(f"sqlite+aiosqlite:///{source}")
        try:
            result = await seeder(seed_db)
        finally:
            await seed_db.dispose()
        _seeded[seeder] = (source, result)
    source, result = _seeded[seeder]
    if not await asyncio.to_thread(_copy_rows, source, target):
        return await seeder(db)
    return copy.deepcopy(result)  # type: ignore[return-value]


def _copy_rows(source: Path, target: Path) -> bool:
    """Insert every row of ``source`` into ``target`` in one transaction; False if in the way."""
    connection = sqlite3.connect(target, timeout=30, isolation_level=None)
    try:
        connection.execute("ATTACH DATABASE ? AS seed", (str(source),))
        connection.execute("BEGIN IMMEDIATE")
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM seed.sqlite_master WHERE type = 'table' "
                "AND name NOT IN ('alembic_version', 'sqlite_sequence') "
                "AND name NOT LIKE 'sqlite_%'"
            )
        ]
        filled = [t for t in tables if connection.execute(f'SELECT 1 FROM seed."{t}"').fetchone()]
        if any(connection.execute(f'SELECT 1 FROM main."{t}"').fetchone() for t in filled):
            connection.execute("ROLLBACK")
            return False
        for table in filled:
            connection.execute(f'INSERT INTO main."{table}" SELECT * FROM seed."{table}"')
        has_sequence = connection.execute(
            "SELECT 1 FROM seed.sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone()
        if has_sequence:
            connection.execute(
                "INSERT OR REPLACE INTO main.sqlite_sequence SELECT * FROM seed.sqlite_sequence"
            )
        connection.execute("COMMIT")
        return True
    finally:
        connection.close()
