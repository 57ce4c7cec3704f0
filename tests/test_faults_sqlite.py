"""A full disk and a read-only disk under the SQLite database: a clear answer, no damage.

The database lives on a small tmpfs mounted for the test (root can mount
one; ``chmod`` would not stop root), so the faults are the real ones: the
file system answers ENOSPC, then EROFS. An officer's ``/capnhat`` during the
fault must get a polite Vietnamese answer and write nothing; afterwards
``PRAGMA integrity_check`` says ok, everything written before is there, and
the same command works once the disk is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from locales import t
from sandbox.harness import BotHarness
from storage.db import sqlite_path
from tests.db_template import seed_once
from tests.factories import OFFICER_TP_TG, Commune, seed_commune
from tests.officers_support import counts, say, updates_of, user
from tests.scheduler_support import add_users

pytestmark = pytest.mark.fault

DISK_BYTES = 8 * 1024 * 1024


@contextlib.contextmanager
def small_disk(where: Path) -> Iterator[Path]:
    """A tmpfs of a few MB at ``where`` (skips when this machine cannot mount one)."""
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(where)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 512, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size) == size:
                    pass
    finally:
        os.close(fd)
    return filler


def remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


def integrity(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


async def _checkpoint(h: BotHarness) -> None:
    """Empty the WAL, so the next write must grow a file (as after a quiet night)."""
    async with h.database.engine.connect() as conn:
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


async def _start(h: BotHarness) -> Commune:
    commune = await seed_once(h.database, seed_commune)
    add_users(h.api)
    return commune


async def _storage_fault(tmp_path: Path, fault: str, caplog: pytest.LogCaptureFixture) -> None:
    with small_disk(tmp_path / "disk") as disk:
        url = f"sqlite+aiosqlite:///{disk / 'cchc.sqlite3'}"
        async with BotHarness(url) as h:
            commune = await _start(h)
            an = user(h, OFFICER_TP_TG)
            task = commune.task_ids[3]
            ok = await say(h, an, "/capnhat 3 50")
            assert "50%" in (ok.text or "")
            before = await counts(h)
            kept = [(u.id, u.percent) for u in await updates_of(h, task)]
            assert kept and kept[-1][1] == 50
            await _checkpoint(h)
            db_file = sqlite_path(url)
            assert db_file is not None

            filler = None
            if fault == "full":
                filler = fill(disk)
            else:
                # a file system turns read-only under a running bot (errors=remount-ro);
                # the kernel refuses while files are open for writing, so let the pool go
                await h.database.engine.dispose()
                remount(disk, "ro")
            try:
                refused = await say(h, an, "/capnhat 3 80")
            finally:
                if filler is not None:
                    filler.unlink()
                else:
                    remount(disk, "rw")
            causes = [
                str(r.exc_info[1]) if r.exc_info and r.exc_info[1] else r.getMessage()
                for r in caplog.records
                if r.levelno >= logging.ERROR
            ]
            print(f"\n{fault} disk: logged {causes[-1:]}; the officer read: {refused.text}")
            # read-only: a WAL database cannot even be opened (its -shm file cannot be made)
            expected = (
                ("database or disk is full",)
                if fault == "full"
                else ("readonly database", "unable to open database file")
            )
            assert any(e in c for c in causes for e in expected), causes
            assert refused.text == t("common.error.storage_unavailable", "vi")
            assert await counts(h) == before  # nothing half-written
            assert [(u.id, u.percent) for u in await updates_of(h, task)] == kept
            assert integrity(db_file) == "ok"

            # the disk is back: the same command works, without a restart
            again = await say(h, an, "/capnhat 3 80")
            assert "80%" in (again.text or "")
            assert [u.percent for u in await updates_of(h, task)] == [50, 80]
        assert integrity(db_file) == "ok"


async def test_disk_full_gives_a_clear_answer_and_keeps_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await _storage_fault(tmp_path, "full", caplog)


async def test_read_only_disk_gives_a_clear_answer_and_keeps_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await _storage_fault(tmp_path, "ro", caplog)
