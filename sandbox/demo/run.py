"""``cchc-bot demo``: the whole bot on one machine, no token, no network.

Starts the fake Bot API and the real Application (through :class:`BotHarness`,
exactly what ``cchc-bot run`` builds) on a fresh SQLite file, seeds xã Vĩnh
Khê with its 2024 plan, and hands the keyboard to :class:`Terminal`.

Two ways of reading input:

* interactive (a TTY): a daemon thread reads lines so bot output — replies and
  the scheduler's reminders — can be printed while the newcomer is typing;
  simulated time runs ``speed`` times faster and the scheduler ticks by itself.
* scripted (``--script FILE`` or stdin not a TTY): one line at a time, each
  followed by waiting for the bot to be idle, so the transcript is the same on
  every run. The background tick is off; the scheduler runs once at start and
  whenever the script moves time (``:skip``, ``:at``) or says ``:tick``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
import queue
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from locales import t
from plans.clock import ScaledClock
from plans.errors import UserError
from plans.par_index.render import total_line
from plans.understanding import TaskRef
from sandbox.demo import seed
from sandbox.demo.seed import person_by_key
from sandbox.demo.terminal import Terminal, format_instant, parse_instant
from sandbox.harness import BotHarness
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.migrate import upgrade_async
from storage.models import Role
from storage.tasks import load_task_views

log = logging.getLogger(__name__)

DEFAULT_START = "2024-06-03 07:30"
DEFAULT_DB = Path("data") / "demo.sqlite3"
TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass
class DemoOptions:
    at: str = DEFAULT_START
    speed: float = 60.0
    db: Path = DEFAULT_DB
    keep: bool = False
    script: Path | None = None
    lang: str = "vi"
    web_port: int = 0  # the dashboard's local port; 0: any free one


class DemoError(UserError):
    """A demo option the newcomer can fix (bad --at, unreadable --script)."""


def scheduler_available() -> bool:
    try:
        return importlib.util.find_spec("scheduler.jobs") is not None
    except ModuleNotFoundError:  # pragma: no cover
        return False


def demo_tick_seconds(speed: float) -> float:
    """Tick about every five simulated minutes, between 1 and 10 real seconds.

    Reminders then show up soon after their simulated time, without the
    scheduler querying the database many times a second at high speeds.
    """
    return min(10.0, max(1.0, 300.0 / speed))


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (the dashboard's, so its link can be printed up front)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def database_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def fresh_database(path: Path) -> None:
    """Remove an earlier demo's SQLite file (and its WAL companions)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


@contextlib.contextmanager
def _log_to_file(path: Path) -> Iterator[None]:
    """The bot's log goes to a file: the terminal belongs to the chat."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "apscheduler", "aiohttp")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


async def run_demo(options: DemoOptions, out: TextIO | None = None) -> int:
    """Run the demo until ``:quit`` or the end of the input; returns the exit code."""
    out = out or sys.stdout
    lang = options.lang
    tz = ZoneInfo(TIMEZONE)
    start = parse_instant(options.at, tz)
    if start is None:
        raise DemoError("demo.error.at_option", text=options.at)
    if options.speed <= 0:
        raise DemoError("demo.error.speed_option", text=str(options.speed))
    lines = _script_lines(options.script)
    scripted = lines is not None
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    db_path = options.db
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if not options.keep:
        fresh_database(db_path)
    url = database_url(db_path)
    log_path = db_path.with_suffix(".log")
    with _log_to_file(log_path):
        clock = ScaledClock(start, options.speed)
        await upgrade_async(url)
        org_line = await _seed(url, clock, lang)
        has_scheduler = scheduler_available()
        web_port = options.web_port or free_port()
        harness = BotHarness(
            url,
            clock=clock,
            scheduler=has_scheduler and not scripted,
            shared_renderer=False,  # the bot's own worker, started with the first report
            settings_overrides={
                "timezone": TIMEZONE,
                "default_language": lang,
                "tick_seconds": demo_tick_seconds(options.speed),
                "webapp_url": f"http://127.0.0.1:{web_port}/",
                "webapp_listen": "127.0.0.1",
                "webapp_port": web_port,
            },
        )
        # The people exist on the fake Telegram and the terminal listens before
        # the bot starts, so the scheduler's first reminders reach them and show.
        terminal = Terminal(
            harness.api,
            clock=clock,
            tz=tz,
            lang=lang,
            out=out,
            tick=harness.tick if has_scheduler else None,
            speed=options.speed,
            files_dir=db_path.parent / "demo-files",
            read_tasks=lambda telegram_id: _tasks_of(harness.database, telegram_id),
        )
        try:
            await harness.start()
            terminal.web_link = _web_links(harness, lang)
            _banner(terminal, org_line, clock, options, db_path, log_path, has_scheduler)
            if scripted and has_scheduler:
                await harness.tick()
            await _settle(harness, terminal)
            if lines is not None:
                await _scripted(harness, terminal, lines)
            else:
                await _interactive(harness, terminal)
            terminal.say("demo.bye")
        finally:
            terminal.detach()
            await harness.stop()
    return 0


async def _tasks_of(database: Database, telegram_id: int) -> list[TaskRef]:
    """The tasks a demo person works on, as the reader sees them (for ``:read``)."""
    async with database.read() as session:
        person = await person_by_telegram_id(session, telegram_id)
        if person is None or person.organization_id is None:
            return []
        units = person.unit_ids if person.role is Role.OFFICER else None
        views = await load_task_views(session, person.organization_id, unit_ids=units)
    return [TaskRef(v.number, v.code, v.content) for v in views]


def _script_lines(script: Path | None) -> list[str] | None:
    """The scripted input, or None for an interactive session on a TTY."""
    if script is not None:
        try:
            return script.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise DemoError("demo.error.script", path=str(script), reason=exc.strerror) from exc
    if sys.stdin is None or not sys.stdin.isatty():
        return sys.stdin.read().splitlines() if sys.stdin is not None else []
    return None


async def _seed(url: str, clock: ScaledClock, lang: str) -> str:
    """Create the demo cast and load the plan (unless a kept database has them)."""
    database = Database(url)
    try:
        async with database.read() as session:
            existing = await seed.organization_exists(session)
        if existing is not None:
            return t("demo.seed.kept", lang, org=seed.COMMUNE_NAME)
        plan = seed.load_demo_plan()
        async with database.write() as session:
            org_id = await seed.seed_people(session, lang)
        summary = {
            "number": plan.meta.number or "",
            "date": plan.meta.issued_on.strftime("%d/%m/%Y") if plan.meta.issued_on else "",
            "tasks": len(plan.all_tasks()),
            "fields": len(plan.fields),
        }
        try:
            async with database.write() as session:
                report = await seed.import_demo_plan(session, org_id, plan, clock.now())
        except ImportError:
            log.warning("storage.plan_import not available; plan not stored")
            note = t("demo.seed.importer_missing", lang)
            return t("demo.seed.plan", lang, **summary) + "\n" + note
        except UserError as exc:
            log.warning("demo plan import refused: %s", exc.key)
            return t("demo.seed.plan", lang, **summary) + "\n" + t(exc.key, lang, **exc.params)
        # The stored counts are the truth once the importer has run.
        summary["tasks"] = getattr(report, "tasks", summary["tasks"])
        summary["fields"] = getattr(report, "fields", summary["fields"])
        async with database.write() as session:
            card = await seed.import_demo_scorecard(session, org_id, clock.now())
        scores = t("par_index.demo.seeded", lang, year=card.year, summary=total_line(card, lang))
        return t("demo.seed.plan", lang, **summary) + "\n" + scores
    finally:
        await database.dispose()


def _banner(
    terminal: Terminal,
    org_line: str,
    clock: ScaledClock,
    options: DemoOptions,
    db_path: Path,
    log_path: Path,
    has_scheduler: bool,
) -> None:
    terminal.say("demo.banner.title")
    terminal.say("demo.banner.org", org=seed.COMMUNE_NAME, district=seed.DISTRICT_NAME)
    terminal.write(org_line)
    terminal.say(
        "demo.banner.time",
        now=format_instant(clock.now(), terminal.tz, terminal.lang),
        speed=f"{options.speed:g}",
    )
    terminal.say("demo.banner.files", db=str(db_path), log=str(log_path))
    if not has_scheduler:
        terminal.say("demo.scheduler_missing")
    terminal.say("demo.banner.hint")
    terminal.show_people()
    terminal.show_web_link(person_by_key("chairman"))


def _web_links(harness: BotHarness, lang: str) -> Callable[[seed.DemoPerson], str]:
    """person → a link opening the local dashboard signed in as them (fresh for an hour)."""
    from webapp.links import signed_link

    assert harness.settings is not None and harness.settings.webapp_url
    base, token = harness.settings.webapp_url, harness.api.token

    def link(person: seed.DemoPerson) -> str:
        user = {
            "id": person.telegram_user_id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "language_code": lang,
        }
        return signed_link(base, token, user)

    return link


async def _settle(harness: BotHarness, terminal: Terminal, timeout: float = 15.0) -> None:  # noqa: ASYNC109
    """Let the bot finish what it is doing (see ``BotHarness.idle``), then print it."""
    try:
        await harness.idle(timeout=timeout)
    except TimeoutError:
        log.warning("bot still busy after %.0f s; showing what it sent so far", timeout)
    terminal.flush_bot_output()


async def _scripted(harness: BotHarness, terminal: Terminal, lines: list[str]) -> None:
    for line in lines:
        terminal.write(terminal.prompt() + line)
        try:
            going_on = await terminal.handle(line)
        except LookupError as exc:  # the fake server refused the action
            log.warning("demo action refused: %s", exc)
            terminal.say("demo.error.action", reason=str(exc))
            going_on = True
        await _settle(harness, terminal)
        if not going_on:
            return


class _LineReader:
    """Reads the keyboard in a daemon thread, one prompt at a time.

    A daemon thread (not ``asyncio.to_thread``) so Ctrl-C or :quit never waits
    for a pending ``input()`` to return.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.requests: queue.Queue[str] = queue.Queue()
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()
        self.reading = False
        threading.Thread(target=self._run, name="demo-input", daemon=True).start()

    def _run(self) -> None:
        while True:
            prompt = self.requests.get()
            try:
                line: str | None = input(prompt)
            except (EOFError, KeyboardInterrupt):
                line = None
            self.loop.call_soon_threadsafe(self.lines.put_nowait, line)
            if line is None:
                return

    async def read(self, prompt: str) -> str | None:
        self.reading = True
        self.requests.put(prompt)
        try:
            return await self.lines.get()
        finally:
            self.reading = False


async def _interactive(harness: BotHarness, terminal: Terminal) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())

    reader = _LineReader(asyncio.get_running_loop())

    def print_while_typing() -> None:
        if not reader.reading:
            return  # printed after the current command settles
        blocks = terminal.output.take()
        if not blocks:
            return
        typed = _line_buffer()
        terminal.out.write("\r\033[K")
        for block in blocks:
            terminal.out.write("\n".join(block.lines) + "\n")
        terminal.out.write(terminal.prompt() + typed)
        terminal.out.flush()

    loop = asyncio.get_running_loop()
    terminal.output.on_block = lambda: loop.call_soon(print_while_typing)
    while True:
        line = await reader.read(terminal.prompt())
        if line is None:
            terminal.write("")
            return
        try:
            going_on = await terminal.handle(line)
        except LookupError as exc:
            terminal.say("demo.error.action", reason=str(exc))
            going_on = True
        await _settle(harness, terminal)
        if not going_on:
            return


def _line_buffer() -> str:
    try:
        import readline
    except ImportError:
        return ""
    return readline.get_line_buffer()
