"""What the file-import subcommands share: their arguments, reading the file, the database.

``import-plan`` and ``import-scores`` take the same ``FILE --org --year
--dry-run``; every command that touches the database migrates it first and
disposes of the engine after, even when the action fails.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from core.settings import Settings
from locales import t
from plans.errors import UserError
from storage.db import Database
from storage.migrate import upgrade_async


def add_import_arguments(
    p: argparse.ArgumentParser, *, file_help: str, year_help: str, dry_run_help: str
) -> None:
    """``FILE --org --year --dry-run``, each with the command's own help line."""
    p.add_argument("file", help=file_help)
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--year", type=int, help=year_help)
    p.add_argument("--dry-run", action="store_true", help=dry_run_help)


def read_file(path_text: str, missing_key: str) -> tuple[bytes, str]:
    """The file's bytes and name; a missing or unreadable path is a polite ``missing_key``."""
    path = Path(path_text)
    try:
        return path.read_bytes(), path.name
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise UserError(missing_key, path=path_text) from exc


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The configured database, migrated to the head, disposed of on the way out."""
    await upgrade_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        yield db
    finally:
        await db.dispose()
