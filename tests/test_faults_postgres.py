"""PostgreSQL under stress: a server restart in the middle of a fan-out, two replicas at once.

* Restart: the bot (a real ``python -m bot run`` process) delivers a fan-out
  from its own throw-away PostgreSQL server (own data folder and port, so the
  shared test server is never disturbed); the server is stopped and started
  again in the middle. The bot must carry on by itself: ``pool_pre_ping``
  replaces the dead connections and the next tick works. Rows whose outcome
  could not be written while the server was down wait in ``sending`` for the
  reaper (the test ages their claims instead of waiting five minutes).
* Concurrency: two dispatcher processes (``tests.fault_dispatch_worker``) on
  one outbox (``FOR UPDATE SKIP LOCKED``) and one fake Bot API: every
  reminder delivered exactly once, both replicas working; throughput printed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.devserver import FakeBotApi, Limits
from scheduler.dispatcher import Dispatcher
from scheduler.outbox import state_counts
from storage.db import Database
from storage.migrate import upgrade_async
from tests.fault_support import (
    REPO,
    Deliveries,
    ThrowawayPostgres,
    add_chats,
    bot_process,
    claimed_since,
    outbox_by_state,
    pg_bindir,
    pretend_reaper_timeout_passed,
    seed_fan_out,
    wait_for,
    wait_for_books,
)
from tests.net_support import free_port
from tests.pg_required import no_postgres

pytestmark = [pytest.mark.fault, pytest.mark.postgres]

IN_FLIGHT_MAX = Dispatcher.__init__.__kwdefaults__["concurrency"]  # type: ignore[index]


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    if not os.environ.get("TEST_POSTGRES_URL"):
        no_postgres()
    if pg_bindir() is None:
        pytest.skip("PostgreSQL server binaries not installed (scripts/start-postgres.sh)")
    if os.geteuid() == 0 and not _has_user("postgres"):
        pytest.skip("running as root needs a 'postgres' user to run the server")
    # not under pytest's tmp_path: the postgres user cannot enter root's 0700 folders
    root = Path(tempfile.mkdtemp(prefix="cchc-fault-pg-"))
    server = ThrowawayPostgres(root / "data", free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop_quietly()
        shutil.rmtree(root, ignore_errors=True)


async def test_postgres_restart_mid_fan_out_bot_recovers(
    throwaway_postgres: ThrowawayPostgres, tmp_path: Path
) -> None:
    pg = throwaway_postgres
    count = 150
    await upgrade_async(pg.url)
    db = Database(pg.url)
    try:
        chats = await seed_fan_out(db, count)
        async with FakeBotApi(limits=Limits.off()) as api:
            add_chats(api, chats)
            got = Deliveries().attach(api)
            async with bot_process(api, pg.url, tmp_path / "bot.log", tick_seconds=0.5) as bot:
                await wait_for(api, lambda: got.total >= count // 3, 60, bot)
                await db.dispose()  # the test's own connections die with the server too
                down = time.monotonic()
                await asyncio.to_thread(pg.stop, "fast")
                at_stop = got.total
                up = datetime.now(UTC)  # no claim can be older than this and live
                await asyncio.to_thread(pg.start)
                restart_seconds = time.monotonic() - down
                # the bot alone: no signal, no restart of the process
                await wait_for(api, lambda: got.total >= at_stop + 30, 60, bot)
                # then it works through what is pending; what stays claimed from before
                # the restart is the outage's (a quiet spell is no proof: a loaded
                # machine can hold the bot up for a second in the middle of a pass)
                for _ in range(600):
                    await api.wait_idle(quiet=0.2, timeout=60)
                    if await claimed_since(db, up) == 0:
                        break
                books = await outbox_by_state(db)
                stuck = books.get("sending", set())
                unrecorded = {c for c in stuck if got.per_chat[c]}
                await pretend_reaper_timeout_passed(db, claimed_before=up)
                await wait_for(api, lambda: not got.missing(chats), 60, bot)
                await wait_for_books(db, api, {"sent": count}, 60, bot)
                bot.ensure_alive()  # the same process all along
                log = bot.log()
        errors = log.count("Traceback")
        print(
            f"\nPostgreSQL restarted after {at_stop}/{count} deliveries (down+up "
            f"{restart_seconds:.1f} s); rows caught in flight {len(stuck)}, of which sent "
            f"but unrecorded {len(unrecorded)}; deliveries {got.total}, duplicates "
            f"{got.duplicates()}; tracebacks in the bot's log {errors}"
        )
        assert got.missing(chats) == []
        assert await state_counts(db) == {"sent": count}
        # Only rows caught in flight repeat. Not "exactly those seen delivered": a send
        # still open when the books were read may land (and be recorded) afterwards.
        # In flight: the concurrency, plus the slot a failed send frees as it fails.
        repeated = {c for c, n in got.per_chat.items() if n > 1}
        assert repeated <= stuck, f"repeated outside the outage's claims: {repeated - stuck}"
        assert got.duplicates() <= IN_FLIGHT_MAX + 1
    finally:
        await db.dispose()


async def _two_replicas(database_url: str, count: int, ready_dir: Path, replicas: int = 2) -> None:
    await upgrade_async(database_url)
    db = Database(database_url)
    try:
        chats = await seed_fan_out(db, count)
        async with FakeBotApi(limits=Limits.off()) as api:
            add_chats(api, chats)
            got = Deliveries().attach(api)
            env = {**os.environ, "PYTHONPATH": str(REPO), "PTB_TIMEDELTA": "1"}
            started = time.monotonic()
            procs = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tests.fault_dispatch_worker",
                    "--database-url",
                    database_url,
                    "--base-url",
                    api.base_url,
                    "--token",
                    api.token,
                    "--worker-id",
                    f"replica-{i}",
                    "--ready-dir",
                    str(ready_dir),
                    "--replicas",
                    str(replicas),
                    env=env,
                    cwd=REPO,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
                for i in range(replicas)
            ]
            try:
                outputs = await asyncio.wait_for(
                    asyncio.gather(*(p.communicate() for p in procs)), timeout=600
                )
            finally:
                for p in procs:
                    if p.returncode is None:
                        p.kill()
                        await p.wait()
            elapsed = time.monotonic() - started
        reports = []
        for p, (out, err) in zip(procs, outputs, strict=True):
            assert p.returncode == 0, err.decode()[-3000:]
            reports.append(json.loads(out.decode().strip().splitlines()[-1]))
        busy = max(float(r["seconds"]) for r in reports)
        print(
            f"\n{replicas} replicas, {count} reminders: deliveries {got.total}, duplicates "
            f"{got.duplicates()}, per replica {[r['sent'] for r in reports]}; "
            f"{elapsed:.1f} s with start-up, {busy:.1f} s dispatching -> "
            f"{count / busy:.0f} messages/s"
        )
        assert got.duplicates() == 0
        assert got.missing(chats) == []
        assert sum(int(r["sent"]) for r in reports) == count
        assert all(int(r["sent"]) > 0 for r in reports)
        assert await state_counts(db) == {"sent": count}
    finally:
        await db.dispose()


async def test_two_replicas_one_outbox_no_duplicates_fast(
    postgres_database_url: str, tmp_path: Path
) -> None:
    """500 reminders (five batches of 100) for two replicas that start together."""
    await _two_replicas(postgres_database_url, 500, tmp_path)


@pytest.mark.slow
async def test_two_replicas_one_outbox_no_duplicates_10000(
    postgres_database_url: str, tmp_path: Path
) -> None:
    await _two_replicas(postgres_database_url, 10_000, tmp_path)


async def _two_bot_processes(database_url: str, count: int, logs: Path) -> None:
    """The real thing: two ``python -m bot run`` on one database (each paced ~29/s)."""
    await upgrade_async(database_url)
    db = Database(database_url)
    try:
        chats = await seed_fan_out(db, count)
        async with FakeBotApi(limits=Limits.off()) as api:
            add_chats(api, chats)
            got = Deliveries().attach(api)
            started = time.monotonic()
            async with (
                bot_process(api, database_url, logs / "bot-a.log") as a,
                bot_process(api, database_url, logs / "bot-b.log") as b,
            ):
                await wait_for(api, lambda: not got.missing(chats), 600, a)
                b.ensure_alive()
                await api.wait_idle(quiet=0.5, timeout=30)
                for _ in range(50):
                    if await state_counts(db) == {"sent": count}:
                        break
                    await asyncio.sleep(0.1)
                conflicts = a.log().count("Conflict") + b.log().count("Conflict")
            elapsed = time.monotonic() - started
        per_worker = await _sent_per_worker(db)
        print(
            f"\n2 bot processes, {count} reminders: deliveries {got.total}, duplicates "
            f"{got.duplicates()}, per process {sorted(per_worker.values())}; {elapsed:.1f} s "
            f"with start-up -> {count / elapsed:.0f} messages/s; getUpdates conflicts logged "
            f"{conflicts}"
        )
        assert got.duplicates() == 0
        assert got.missing(chats) == []
        assert await state_counts(db) == {"sent": count}
        assert len(per_worker) == 2
    finally:
        await db.dispose()


async def _sent_per_worker(db: Database) -> dict[str, int]:
    from sqlalchemy import func, select

    from storage.models import OutboxMessage

    async with db.read() as session:
        rows = await session.execute(
            select(OutboxMessage.claimed_by, func.count()).group_by(OutboxMessage.claimed_by)
        )
        return {str(worker): int(n) for worker, n in rows}


@pytest.mark.slow
async def test_two_bot_processes_one_outbox_no_duplicates(
    postgres_database_url: str, tmp_path: Path
) -> None:
    await _two_bot_processes(postgres_database_url, 2000, tmp_path)
