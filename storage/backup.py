"""Backups that can be taken while the bot runs.

SQLite: the online backup API copies a consistent snapshot even while the bot
writes (WAL), which a plain file copy does not guarantee. PostgreSQL: the
standard tool is ``pg_dump``; we call it when it is installed and otherwise
say exactly what to run, rather than inventing a dump format of our own.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from plans.errors import UserError
from storage.db import is_sqlite, normalize_database_url, sqlite_path


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's online backup; returns pages copied."""
    if not source.exists():
        raise UserError("backup.source_missing", path=str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise UserError("backup.target_exists", path=str(target))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise UserError("backup.integrity_failed", detail=check)
        return int(pages)
    finally:
        src.close()
        dst.close()


def pg_dump_command(database_url: str, target: Path) -> list[str]:
    url = make_url(normalize_database_url(database_url))
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", plain]


def backup(database_url: str, target: Path) -> str:
    """Back the configured database up to ``target``; returns a short description."""
    if is_sqlite(normalize_database_url(database_url)):
        source = sqlite_path(normalize_database_url(database_url))
        if source is None:
            raise UserError("backup.memory_database")
        pages = backup_sqlite(source, target)
        return f"sqlite:{pages}"
    command = pg_dump_command(database_url, target)
    if shutil.which("pg_dump") is None:
        raise UserError("backup.pg_dump_missing", command=" ".join(command[:-1]) + " $DATABASE_URL")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise UserError("backup.pg_dump_failed", detail=result.stderr.strip()[:500])
    return "postgresql:pg_dump"
