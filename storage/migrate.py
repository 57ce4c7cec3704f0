"""Apply the Alembic migrations from code (CLI, start-up, tests).

The migration scripts ship inside the package, so an installed cchc-bot can
upgrade its database without an alembic.ini in the working directory.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.db import normalize_database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
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
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
