"""Migrate once per test run, copy the result for each test.

Running the Alembic chain costs 0,3–0,45 s per test on a 2-core machine, and
almost every test wants the same freshly migrated SQLite file. The first test
that needs one migrates a template file; later tests get a byte copy of it.
Only SQLite files that do not exist yet and are wanted at ``head`` are served
from the template; anything else (PostgreSQL, a named revision, an existing
file) runs the real migrations, so migration tests still exercise Alembic.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import normalize_database_url
from storage.migrate import upgrade, upgrade_async

_lock = threading.Lock()
_template: Path | None = None


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
