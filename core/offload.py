"""Heavy rendering in a worker process, so its libraries never enter the bot's memory.

The Word and Excel appendix (/baocao, the report drafts) and the completion
chart (/bieudo) need python-docx, openpyxl and matplotlib with numpy, PIL and
lxml: ≈ 75 MiB resident once imported, and a Python process never gives
imported modules back. One /baocao would leave the bot that much bigger for the
rest of its life. :class:`Renderer` runs them instead in one worker process,
started on first use and stopped after ``idle_seconds`` without work, which
returns its memory to the machine. The first report after a quiet spell pays
the worker's start (a fresh interpreter importing the writers: ≈ 0.9 s more to
answer, bench/RESULTS.md), which /baocao and /bieudo begin before their database
work (:meth:`Renderer.prepare`); the next reports within the idle window do not.

The worker is a ``spawn`` child: a fresh interpreter that inherits nothing of
the bot's event loop, threads or open sockets. ``spawn`` re-runs the parent's
``__main__`` in the child unless it is a package's ``__main__`` (``python -m
bot`` is exempt); under the ``cchc-bot`` console script that would import
``bot.cli`` with pydantic and SQLAlchemy, so the script's path is hidden while
the worker starts (:func:`_main_hidden`). The child then imports this module
(to find the function it is asked to call) and the writers, nothing else.

The functions run in the worker are this module's ``_render_*``: plain
module-level functions, pickled by name, importing the writers when called.
Arguments and results travel pickled (plain dataclasses in, bytes out) and
the bytes are exactly what the same call returns in-process.

``in_worker=False`` renders in a thread of the bot instead, as before (the
``RENDER_IN_WORKER=false`` setting).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

if TYPE_CHECKING:
    from plans.charts import ChartItem, ChartOverall
    from plans.status_table import StatusTable

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_IDLE_SECONDS = 120.0


# --------------------------------------------------------------------------- in the worker


def _render_appendix(table: StatusTable, lang: str) -> tuple[bytes, bytes]:
    """/baocao's two files: one trip to the worker, the table pickled once."""
    from plans.export_docx import render_docx
    from plans.export_xlsx import render_xlsx

    return render_docx(table, lang), render_xlsx(table, lang)


def _render_docx(table: StatusTable, lang: str) -> bytes:
    from plans.export_docx import render_docx

    return render_docx(table, lang)


def _warm_up() -> int:
    """Render a tiny appendix and chart, so imports, fonts and caches are loaded; the pid."""
    from plans.charts import completion_chart
    from plans.status_table import StatusTable

    table = StatusTable("", "", 2000, None, None, [], date(2000, 1, 1))
    _render_appendix(table, "vi")
    completion_chart([], [], "", "vi", None)
    return os.getpid()


Part = Literal["appendix", "chart"]
# What each kind of render imports first (prepare() loads it while the bot reads the database).
PARTS: dict[Part, tuple[str, ...]] = {
    "appendix": ("plans.export_docx", "plans.export_xlsx"),
    "chart": ("plans.charts", "matplotlib.figure", "matplotlib.backends.backend_agg"),
}


def _import_modules(names: tuple[str, ...]) -> int:
    """A render's imports alone, so a prepared worker's first render starts at once."""
    for name in names:
        importlib.import_module(name)
    return os.getpid()


def _worker_setup() -> None:
    """In the worker, before any job: die with the bot, leave Ctrl-C to the bot.

    A bot killed outright (``kill -9``, the OOM killer) never stops its worker,
    which would wait for work for ever, holding its memory: a thread waits on
    the parent's sentinel (readable once the parent is gone) and ends the
    worker then. Ctrl-C reaches the whole terminal's process group; the bot
    stops the worker itself, so the worker does not die of it mid-render.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:

        def orphaned() -> None:
            parent.join()
            os._exit(0)

        threading.Thread(target=orphaned, name="render-worker-orphan", daemon=True).start()


def _loaded_modules() -> list[str]:
    """The worker's ``sys.modules`` (tests check what the child imported)."""
    return sorted(sys.modules)


# --------------------------------------------------------------------------- in the bot


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Keep ``spawn`` from re-running a script ``__main__`` (the console script) in the child.

    ``multiprocessing.spawn`` reads ``__main__.__file__`` when it starts a
    process and, for a script, runs it again in the child as ``__mp_main__``.
    Nothing the worker calls lives in ``__main__``, so it is not needed there.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main.__spec__, "name", None) is not None:
        yield  # ``python -m package``: spawn does not re-run a package's __main__
        return
    missing = object()
    saved = main.__dict__.pop("__file__", missing)
    try:
        yield
    finally:
        if saved is not missing:
            main.__dict__["__file__"] = saved


def _log_failed_start(started: asyncio.Future[Any]) -> None:
    """A worker started ahead of time that could not start: the render will say so."""
    if not started.cancelled() and started.exception() is not None:
        log.warning("could not start the render worker ahead", exc_info=started.exception())


class Renderer:
    """Renders the appendix and the chart, in a worker process or in a thread.

    Thread-safe and not tied to an event loop: a harness may share one across
    the applications of a test process. ``idle_seconds=None`` never stops the
    worker for idleness (tests keep one warm); ``clock`` is the monotonic time
    the idle rule reads (tests inject one).
    """

    def __init__(
        self,
        *,
        in_worker: bool = True,
        idle_seconds: float | None = DEFAULT_IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.in_worker = in_worker
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._cond = threading.Condition()
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._last_used = clock()
        self._reaper: threading.Thread | None = None
        self._warmed: ProcessPoolExecutor | None = None  # the worker that ran _warm_up
        self._closed = False
        self.started = 0  # workers started so far (a test sees a fresh one start)

    # ----------------------------------------------------------------- what callers use

    async def appendix(self, table: StatusTable, lang: str) -> tuple[bytes, bytes]:
        """(.docx, .xlsx) bytes of the appendix."""
        return await self.run(_render_appendix, table, lang)

    async def docx(self, table: StatusTable, lang: str) -> bytes:
        return await self.run(_render_docx, table, lang)

    async def chart(
        self,
        by_field: Sequence[ChartItem],
        by_unit: Sequence[ChartItem],
        title: str,
        lang: str,
        overall: ChartOverall | None,
    ) -> bytes:
        """The completion chart's PNG bytes."""
        # plans.charts is light (matplotlib loads inside completion_chart, in the worker):
        # the worker is handed the function itself.
        from plans.charts import completion_chart

        return await self.run(completion_chart, list(by_field), list(by_unit), title, lang, overall)

    async def warm(self) -> None:
        """Start the worker and load the writers now, not with the first report.

        Once per worker: a warm worker returns at once.
        """
        if not self.in_worker:
            return
        with self._cond:
            if self._pool is not None and self._pool is self._warmed:
                return
        started = await asyncio.to_thread(self._start_first, _warm_up)
        if started is not None:
            first, pool = started
            await asyncio.wrap_future(first)
            with self._cond:
                self._warmed = pool
            return
        await self.run(_warm_up)  # a worker a render started cold: warm the rest of it
        with self._cond:
            self._warmed = self._pool

    def prepare(self, part: Part) -> None:
        """Start a worker now if none runs, loading what ``part`` needs, without waiting.

        A command calls this before its database work, so the worker's cold start
        (a fresh interpreter importing the writers) overlaps that work instead of
        following it; the render then queues behind the imports in the same worker.
        """
        if not self.in_worker:
            return
        with self._cond:
            if self._pool is not None or self._closed:
                return
        started = asyncio.get_running_loop().run_in_executor(
            None, self._start_first, _import_modules, PARTS[part]
        )
        started.add_done_callback(_log_failed_start)

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """``fn(*args)`` in the worker (or a thread); its exception is raised here.

        A worker that dies while rendering raises :class:`BrokenProcessPool`
        here (the error handler apologises) and the next call starts a new one.
        """
        if not self.in_worker:
            return await asyncio.to_thread(fn, *args, **kwargs)
        running = self._submit_now(fn, *args, **kwargs)
        if running is not None:
            return await asyncio.wrap_future(running)
        # no worker yet: starting one forks and execs, so off the event loop
        started = await asyncio.to_thread(lambda: self._submit(fn, *args, **kwargs))
        return await asyncio.wrap_future(started)

    @property
    def running(self) -> int:
        """Renders handed to the worker and not finished (queued ones included)."""
        with self._cond:
            return self._busy

    @property
    def worker_pid(self) -> int | None:
        """The running worker's process id (None when there is none)."""
        with self._cond:
            pool = self._pool
            if pool is None:
                return None
            processes = getattr(pool, "_processes", None) or {}  # no public view of the pid
            return next(iter(processes), None)

    # ----------------------------------------------------------------- the worker's life

    def _submit_now(
        self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> Future[R] | None:
        """Hand ``fn`` to a running worker (a queue put, no waiting), or None if there is none."""
        with self._cond:
            if self._pool is None:
                return None
            try:
                return self._track(self._pool.submit(fn, *args, **kwargs))
            except BrokenProcessPool:  # it died idle: nothing was lost, start a new one
                self._drop(self._pool)
                return None

    def _submit(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        """Hand ``fn`` to the worker, starting one if none runs (forks: not on the event loop)."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the renderer is closed")
            if self._pool is not None:
                try:
                    return self._track(self._pool.submit(fn, *args, **kwargs))
                except BrokenProcessPool:  # it died idle: nothing was lost, start a new one
                    self._drop(self._pool)
            return self._spawn(fn, *args, **kwargs)[0]

    def _start_first(
        self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[Future[R], ProcessPoolExecutor] | None:
        """A new worker with ``fn`` as its first job; None when a worker runs already."""
        with self._cond:
            if self._closed or self._pool is not None:
                return None
            return self._spawn(fn, *args, **kwargs)

    def _spawn(
        self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[Future[R], ProcessPoolExecutor]:
        """A pool of one spawned worker, ``fn`` its first job (lock held)."""
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_setup,
        )
        with _main_hidden():  # the worker process starts inside this first submit
            future = pool.submit(fn, *args, **kwargs)
        self._pool = pool
        self.started += 1
        if self.idle_seconds is not None and self._reaper is None:
            self._reaper = threading.Thread(
                target=self._reap, name="render-worker-idle", daemon=True
            )
            self._reaper.start()
        log.debug("render worker started")
        return self._track(future), pool

    def _track(self, future: Future[R]) -> Future[R]:
        """Count the job as running until it ends, whoever stops waiting for it."""
        self._busy += 1
        pool = self._pool
        future.add_done_callback(lambda done: self._finished(done, pool))
        return future

    def _finished(self, future: Future[Any], pool: ProcessPoolExecutor | None) -> None:
        with self._cond:
            self._busy -= 1
            self._last_used = self._clock()
            if not future.cancelled() and isinstance(future.exception(), BrokenProcessPool):
                log.warning("the render worker died; the next render starts a new one")
                if pool is not None and pool is self._pool:
                    self._drop(pool)
            self._cond.notify_all()

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        """Forget a pool (lock held); its manager thread ends on its own."""
        if pool is self._pool:
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def stop_if_idle(self) -> bool:
        """Stop the worker if nothing ran for ``idle_seconds``; True when it stopped.

        The reaper thread calls this; tests call it after moving their clock.
        """
        with self._cond:
            pool = self._pool
            if (
                pool is None
                or self.idle_seconds is None
                or self._busy
                or self._clock() - self._last_used < self.idle_seconds
            ):
                return False
            self._pool = None
            self._cond.notify_all()
        pool.shutdown(wait=True)
        log.debug("render worker stopped after %.0f s idle", self.idle_seconds)
        return True

    def nudge(self) -> None:
        """Wake the reaper to look again (a test that moved the clock)."""
        with self._cond:
            self._cond.notify_all()

    def _reap(self) -> None:
        """The one idle timer: sleeps until the worker could have been idle long enough.

        It ends with the worker it watched; the next worker starts the next one.
        """
        assert self.idle_seconds is not None
        while True:
            self.stop_if_idle()
            with self._cond:
                if self._pool is None:
                    self._reaper = None
                    return
                if self._busy:
                    self._cond.wait()
                else:
                    left = self.idle_seconds - (self._clock() - self._last_used)
                    self._cond.wait(timeout=max(left, 0.5))

    def close(self) -> None:
        """Stop the worker now and refuse new work (blocking: call it off the event loop)."""
        with self._cond:
            self._closed = True
            pool, self._pool = self._pool, None
            self._cond.notify_all()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        reaper = self._reaper
        if reaper is not None and reaper is not threading.current_thread():
            reaper.join()

    async def aclose(self) -> None:
        """:meth:`close` from the event loop (the bot's ``post_shutdown``)."""
        await asyncio.to_thread(self.close)
