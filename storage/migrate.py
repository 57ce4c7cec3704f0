"""Apply the Alembic migrations from code (CLI, start-up, tests).

The migration scripts ship inside the package, so an installed cchc-bot can
upgrade its database without an alembic.ini in the working directory.

Alembic (≈ 10 MiB resident, a third of a second to import) is imported only
when a migration runs: ``cchc-bot run`` first asks :func:`upgrade_if_behind`,
which compares the database's ``alembic_version`` with the heads read from
the scripts' text, so a bot restarted on an up-to-date database never loads it.
"""

from __future__ import annotations

import ast
import asyncio
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from plans.regex import lazy_compile
from storage.db import normalize_database_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    url = normalize_database_url(database_url)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``; safe to call on every start.

    Called from inside a running event loop (a test, the demo), it runs in a
    helper thread, since Alembic's async environment starts its own loop.
    """
    from alembic import command

    cfg = alembic_config(database_url)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(cfg, revision)
        return
    errors: list[BaseException] = []

    def _target() -> None:
        try:
            command.upgrade(cfg, revision)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=_target, name="alembic-upgrade")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Await-able form of :func:`upgrade` for code already inside a loop."""
    from alembic import command

    await asyncio.to_thread(command.upgrade, alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


_ASSIGN_RE = lazy_compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


def script_heads() -> set[str] | None:
    """The head revisions, read from the migration scripts' text without Alembic.

    None when a script does not say its revisions plainly (Alembic decides then).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if script.name == "__init__.py":
            continue
        found = dict(_ASSIGN_RE.findall(script.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        parents.update([down] if isinstance(down, str) else list(down or ()))
    return revisions - parents or None


async def database_revisions(database_url: str) -> set[str]:
    """The revisions stamped in ``alembic_version`` (empty for a new database)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(normalize_database_url(database_url))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return {str(r[0]) for r in rows}
    except DBAPIError:  # no alembic_version table: nothing applied yet
        return set()
    finally:
        await engine.dispose()


def upgrade_if_behind(database_url: str) -> bool:
    """Upgrade to head unless the database is there already; True when Alembic ran.

    Called outside any event loop (``cchc-bot run`` before the bot starts).
    """
    heads = script_heads()
    if heads is not None and asyncio.run(database_revisions(database_url)) == heads:
        return False
    upgrade(database_url)
    return True
