"""Helpers of the fault tests: a real bot process, a seeded fan-out, delivery books.

The claims we make ("nothing is lost, at most the in-flight message repeats")
only mean something against a process that really dies, so the bot runs as
``python -m bot run`` in a subprocess that can be ``kill -9``'ed, talking
over HTTP to a fake Bot API served by the test process. Deliveries are
counted on the server's side (a listener on ``sendMessage``), never from the
bot's own books.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from sandbox.devserver import FakeBotApi
from sandbox.devserver.faults import Decision, Faults, _Rule
from scheduler.outbox import PlannedMessage, insert_drafts, state_counts
from storage.db import Database
from storage.models import OutboxMessage, OutboxState
from storage.outbox import NoticePayload

REPO = Path(__file__).resolve().parent.parent
FIRST_CHAT = 500_000


# --- the fan-out ------------------------------------------------------------------------


def notice_drafts(
    count: int, due_at: datetime, *, first_chat: int = FIRST_CHAT
) -> list[PlannedMessage]:
    """``count`` one-line reminders to ``count`` private chats (one each), due at ``due_at``.

    Notices render from the catalog alone (no plan needed), so the fan-out's
    size is free and every message text is unique per recipient.
    """
    return [
        PlannedMessage(
            recipient_key=f"person:{first_chat + i}",
            chat_id=first_chat + i,
            subject="fault-test",
            occasion=due_at.date().isoformat(),
            due_at=due_at,
            payload=NoticePayload("reminders.more", {"count": i}),
        )
        for i in range(count)
    ]


async def seed_fan_out(db: Database, count: int, due_at: datetime | None = None) -> list[int]:
    """Plan ``count`` reminders in the outbox; returns their chat ids."""
    drafts = notice_drafts(count, due_at or datetime.now(UTC))
    async with db.write() as session:
        inserted = await insert_drafts(session, drafts)
    assert inserted == count
    return [d.chat_id for d in drafts]


def add_chats(api: FakeBotApi, chats: Iterable[int]) -> None:
    """A private chat on the fake server for each recipient (else: "chat not found")."""
    for chat in chats:
        if chat not in api.state.users:
            api.add_user(f"cb{chat}", user_id=chat)


async def outbox_by_state(db: Database) -> dict[str, set[int]]:
    """Chat ids of the outbox rows, by state."""
    async with db.read() as session:
        rows = await session.execute(select(OutboxMessage.chat_id, OutboxMessage.state))
        out: dict[str, set[int]] = {}
        for chat, state in rows:
            out.setdefault(str(state.value if hasattr(state, "value") else state), set()).add(chat)
        return out


async def pretend_reaper_timeout_passed(
    db: Database, claimed_before: datetime | None = None
) -> int:
    """Age the claims of a dead process past the reaper's timeout (no sleeping 5 minutes).

    Only the *claimed_at* stamps move; the restarted bot's own reaper then
    does the recovery, as it would after five real minutes. ``claimed_before``
    limits it to the claims of an outage, leaving a live pass's rows alone.
    """
    stuck = OutboxMessage.state == OutboxState.SENDING
    if claimed_before is not None:
        stuck = stuck & (OutboxMessage.claimed_at < claimed_before)
    async with db.write() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(stuck)
            .values(claimed_at=datetime(2000, 1, 1, tzinfo=UTC))
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


async def claimed_since(db: Database, since: datetime) -> int:
    """Rows ``pending`` or claimed (``sending``) at or after ``since``: a pass still at work."""
    async with db.read() as session:
        pending = OutboxMessage.state == OutboxState.PENDING
        live = (OutboxMessage.state == OutboxState.SENDING) & (OutboxMessage.claimed_at >= since)
        return int(
            await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(pending | live)
            )
            or 0
        )


async def wait_for_books(
    db: Database, api: FakeBotApi, expected: dict[str, int], seconds: float, proc: BotProcess
) -> None:
    """Wait until the outbox's state counts are ``expected``, failing fast if the bot died.

    The bot records an outcome after Telegram answered, so the server can be
    quiet while the last rows are still being written: wait for the books.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (counts := await state_counts(db)) != expected:
        proc.ensure_alive()
        if loop.time() > deadline:
            raise AssertionError(f"outbox {counts}, expected {expected}\n{proc.log()[-3000:]}")
        with contextlib.suppress(TimeoutError):
            await api.wait_idle(quiet=0.1, timeout=1.0)


# --- what the server delivered -----------------------------------------------------------


@dataclass
class Deliveries:
    """``sendMessage`` calls the fake server carried out, per chat (a server-side listener)."""

    per_chat: Counter[int] = field(default_factory=Counter)

    def __call__(self, method: str, params: dict[str, Any], result: Any) -> None:
        if method.lower() == "sendmessage":
            self.per_chat[int(params["chat_id"])] += 1

    @property
    def total(self) -> int:
        return sum(self.per_chat.values())

    def duplicates(self) -> int:
        return sum(n - 1 for n in self.per_chat.values() if n > 1)

    def missing(self, chats: Iterable[int]) -> list[int]:
        return [c for c in chats if self.per_chat[c] == 0]

    def attach(self, api: FakeBotApi) -> Deliveries:
        api.listeners.append(self)
        return self


@dataclass
class FaultBook:
    """Which ``sendMessage`` calls got which fault (wraps ``Faults.decide``).

    The server appends a call's parameters to ``state.calls`` and asks
    ``decide`` right after, with no await in between, so the last call is
    the one being decided.
    """

    api: FakeBotApi
    kinds: Counter[str] = field(default_factory=Counter)
    # chats whose message may arrive while the bot sees a failure
    answer_lost: Counter[int] = field(default_factory=Counter)

    def attach(self) -> FaultBook:
        faults = self.api.faults
        original = faults.decide

        def decide(method: str) -> Decision:
            decision = original(method)
            if method.lower() == "sendmessage":
                chat = int(self.api.state.calls[-1][1].get("chat_id", 0))
                if decision.drop_after:
                    self.kinds["dropped after processing"] += 1
                    self.answer_lost[chat] += 1
                elif decision.drop:
                    self.kinds["dropped before processing"] += 1
                elif decision.error is not None:
                    self.kinds[f"HTTP {decision.error.status}"] += 1
                elif decision.delay:
                    self.kinds["slow answer (client time-out)"] += 1
                    self.answer_lost[chat] += 1
            return decision

        faults.decide = decide  # type: ignore[method-assign]
        return self


def drop_randomly(
    faults: Faults, probability: float, *, method: str | None = None, after_processing: bool
) -> None:
    """Each call's connection is closed with ``probability`` (seeded), until cleared.

    ``Faults`` has ``drop_next(n)`` but no random variant; its rules already
    carry a probability, so this arms one directly.
    """
    kind = "drop_after" if after_processing else "drop"
    faults.rules.append(_Rule(kind, method, None, probability=probability))


def slow_randomly(
    faults: Faults, probability: float, seconds: float, *, method: str | None = None
) -> None:
    """Each call is answered only after ``seconds`` with ``probability`` (a time-out)."""
    faults.rules.append(_Rule("delay", method, None, delay=seconds, probability=probability))


# --- the bot as a real process ---------------------------------------------------------------


def bot_env(api: FakeBotApi, database_url: str, *, tick_seconds: float = 0.5) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k.upper()
        not in {"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "BOT_API_BASE_URL", "BOT_API_FILE_URL"}
    }
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        DATABASE_URL=database_url,
        BOT_API_BASE_URL=api.base_url,
        BOT_API_FILE_URL=api.base_file_url,
        TICK_SECONDS=str(tick_seconds),
        LOG_LEVEL="WARNING",
        PTB_TIMEDELTA="1",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
    )
    return env


class BotProcess:
    """``python -m bot run`` in a subprocess; always killed by ``stop``/the context manager."""

    def __init__(self, env: dict[str, str], log_path: Path, cwd: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.cwd = cwd
        self.proc: asyncio.subprocess.Process | None = None
        self.started_at = 0.0

    async def start(self) -> BotProcess:
        self.log_file = self.log_path.open("ab")
        self.started_at = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def kill9(self) -> None:
        """SIGKILL: no ``finally``, no graceful hand-back, no post_stop."""
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> None:
        await self.kill9()
        if hasattr(self, "log_file"):
            self.log_file.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def ensure_alive(self) -> None:
        if not self.alive():
            raise AssertionError(f"the bot process exited early:\n{self.log()[-3000:]}")


@contextlib.asynccontextmanager
async def bot_process(
    api: FakeBotApi, database_url: str, log_path: Path, **kw: Any
) -> AsyncIterator[BotProcess]:
    proc = BotProcess(bot_env(api, database_url, **kw), log_path, log_path.parent)
    await proc.start()
    try:
        yield proc
    finally:
        await proc.stop()


async def wait_for(
    api: FakeBotApi,
    predicate: Any,
    seconds: float,
    proc: BotProcess | None = None,
) -> None:
    """``api.wait_until`` in short slices, failing fast (with its log) if the bot died."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        if predicate():
            return
        if proc is not None:
            proc.ensure_alive()
        remaining = deadline - loop.time()
        if remaining <= 0:
            log = proc.log()[-3000:] if proc is not None else ""
            raise AssertionError(f"timed out after {seconds:.0f} s\n{log}")
        with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
            await api.wait_until(predicate, timeout=min(1.0, remaining))


# --- a throw-away PostgreSQL server --------------------------------------------------------


def pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class ThrowawayPostgres:
    """A PostgreSQL server of our own (own data dir and port), to stop and start at will.

    The shared test server must not be disturbed by a restart test, so this one
    lives in a temporary folder; as root it runs as the ``postgres`` user.
    """

    def __init__(self, data_dir: Path, port: int) -> None:
        self.bindir = pg_bindir()
        self.data = data_dir
        self.port = port
        self.runas = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        assert self.bindir is not None
        subprocess.run(
            [*self.runas, str(self.bindir / args[0]), *args[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=60,
        )

    def init(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        if self.runas:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.data.parent, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w",
                  "-o", opts, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def stop_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
