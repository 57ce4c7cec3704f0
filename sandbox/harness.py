"""Run the real bot against the project's fake Bot API, in-process.

The end-to-end tests and ``cchc-bot demo`` both need the same thing: a fake
Telegram on a loopback port, the very Application ``cchc-bot run`` builds
(pointed at it through ``BOT_API_BASE_URL``), a migrated database and an
injected clock. :class:`BotHarness` starts all of it and stops it in reverse.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import AIORateLimiter

from bot.app import BotApplication, build_application
from core.offload import Renderer
from core.settings import Settings
from plans.clock import Clock, ManualClock
from sandbox.devserver import FakeBotApi, Limits
from storage.db import Database
from storage.migrate import upgrade_async


class BotHarness:
    """Fake Telegram + real Application + database + clock, started together.

    ``scheduler=False`` leaves the periodic tick out, so a test drives it
    explicitly with :meth:`tick` after moving the clock. ``rate_limiter``
    replaces the bot's own (Telegram's 20 messages a minute per group, 30 a
    second overall): a suite that sends hundreds of probes through one bot
    would otherwise wait in real time for a limit it is not about.

    ``shared_renderer=True`` gives the bot the process's one render worker
    (:func:`shared_renderer`), started and warmed by the first harness and
    never stopped for idleness, so a test's wait for a report never includes
    a worker's cold start; ``False`` lets the bot make its own from the
    settings, as ``cchc-bot run`` does (the demo).
    """

    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock | None = None,
        limits: Limits | None = None,
        scheduler: bool = False,
        poll_timeout: float = 1.0,
        settings_overrides: dict[str, Any] | None = None,
        api: FakeBotApi | None = None,
        rate_limiter: AIORateLimiter | None = None,
        shared_renderer: bool = True,
    ) -> None:
        self.database_url = database_url
        self.clock: Clock = clock or ManualClock(
            datetime.fromisoformat("2024-06-03T07:30:00+07:00")
        )
        self.api = api or FakeBotApi(limits=limits)
        self._own_api = api is None
        self.scheduler = scheduler
        self.poll_timeout = poll_timeout
        self.settings_overrides = settings_overrides or {}
        self.rate_limiter = rate_limiter
        self.app: BotApplication | None = None
        self.db: Database | None = None
        self.settings: Settings | None = None
        self.shared_renderer = shared_renderer

    async def __aenter__(self) -> BotHarness:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._own_api:
            await self.api.start()
        self.settings = Settings(
            telegram_bot_token=SecretStr(self.api.token),
            database_url=self.database_url,
            bot_api_base_url=self.api.base_url,
            bot_api_file_url=self.api.base_file_url,
            **self.settings_overrides,
        )
        await upgrade_async(self.settings.database_url)
        self.db = Database(self.settings.database_url)
        renderer = None
        if self.shared_renderer:
            renderer = shared_renderer(self.settings.render_in_worker)
            await renderer.warm()  # the first harness of the process waits here, once
        self.app = build_application(
            self.settings,
            clock=self.clock,
            database=self.db,
            rate_limiter=self.rate_limiter,
            scheduler=self.scheduler,
            renderer=renderer,
        )
        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            poll_interval=0.0,
            timeout=int(self.poll_timeout) or 1,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )

    async def stop(self) -> None:
        app = self.app
        if app is not None and app.running:
            # Let a handler still inside a transaction finish before the engine
            # is disposed; otherwise its connection is dropped, not closed.
            with contextlib.suppress(TimeoutError):
                await self.idle(timeout=5.0)
        if app is not None:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
            await app.shutdown()
            self.app = None
        if self.db is not None:
            await self.db.dispose()
            self.db = None
        if self._own_api:
            await self.api.stop()

    @property
    def application(self) -> BotApplication:
        if self.app is None:
            raise RuntimeError("harness not started")
        return self.app

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("harness not started")
        return self.db

    async def idle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has taken every update, processed it and has nothing running.

        Event driven, no quiet window: the fake server holds an update until the
        bot confirms it (PTB confirms with its next ``getUpdates``, after queuing
        it), PTB marks each queued update done after its handlers ran, and every
        handler or task the bot starts with ``Application.create_task`` is
        tracked until it ends. When all three are clear twice across a turn of
        the event loop, nothing the bot was asked to do is left.
        """
        app = self.application
        try:
            async with asyncio.timeout(timeout):
                calm = 0
                while calm < 2:
                    await self.api.wait_until(self._server_idle, None)
                    await app.update_queue.join()
                    tasks = self._running_tasks()
                    if tasks:
                        await asyncio.wait(tasks)
                    await asyncio.sleep(0)
                    calm = calm + 1 if self.application_idle() else 0
        except TimeoutError:
            raise TimeoutError(
                f"the bot did not settle within {timeout}s: "
                f"{len(self.api.state.updates)} updates unconfirmed, "
                f"{app.update_queue.qsize()} queued, {len(self._running_tasks())} tasks running"
            ) from None

    def _server_idle(self) -> bool:
        return not self.api.state.updates and self.api.calls_in_flight == 0

    def _running_tasks(self) -> set[asyncio.Task[Any]]:
        """Handlers and tasks started through ``Application.create_task`` that have not ended.

        PTB keeps them (to await them on stop) in a private set; there is no public view.
        """
        tasks: set[asyncio.Task[Any]] = self.application._Application__create_task_tasks  # type: ignore[attr-defined]
        current = asyncio.current_task()
        return {task for task in tasks if not task.done() and task is not current}

    def application_idle(self) -> bool:
        app = self.application
        return (
            self._server_idle()
            and app.update_queue.empty()
            and app.update_processor.current_concurrent_updates == 0
            and not self._running_tasks()
        )

    def set_time(self, instant: datetime | str) -> datetime:
        """Move the injected clock (a :class:`ManualClock`) to ``instant``."""
        if isinstance(instant, str):
            instant = datetime.fromisoformat(instant)
        if instant.tzinfo is None:
            assert self.settings is not None
            instant = instant.replace(tzinfo=self.settings.tz)
        if not isinstance(self.clock, ManualClock):
            raise TypeError("set_time needs a ManualClock")
        self.clock.set(instant)
        return instant

    async def tick(self) -> None:
        """Run one scheduler tick now (plan due reminders, deliver the outbox)."""
        from scheduler.jobs import run_tick

        await run_tick(self.application)
        await self.idle()


_SHARED: dict[bool, Renderer] = {}


def shared_renderer(in_worker: bool = True) -> Renderer:
    """The process's one renderer for harnesses: a worker that never stops for idleness.

    Its worker ends with the process (``concurrent.futures`` stops it at exit).
    """
    if in_worker not in _SHARED:
        _SHARED[in_worker] = Renderer(in_worker=in_worker, idle_seconds=None)
    return _SHARED[in_worker]


def sqlite_url(folder: Path, name: str = "cchc-test.sqlite3") -> str:
    return f"sqlite+aiosqlite:///{folder / name}"
