"""The render worker (core/offload.py): a real spawned process, not a stand-in.

The bot writes /baocao's .docx and .xlsx, /bieudo's PNG and the report drafts
in one worker process so python-docx, openpyxl and matplotlib never load into
it (issue 17's peak). What the worker writes must be exactly what the bot
wrote in-process; a worker that dies must cost one polite apology, not the
next report; the idle rule and the bot's shutdown must really end the
process; and the worker must not drag the bot's own stack in with it.

The end-to-end suites use the harness's shared, pre-warmed worker; these
tests make their own (a cold start each) and wait generously for it.
"""

from __future__ import annotations

import io
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import types
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.offload import Renderer, _loaded_modules
from locales import t
from plans.charts import ChartOverall, completion_chart
from plans.export_docx import render_docx
from plans.export_xlsx import render_xlsx
from plans.status_table import StatusTable
from sandbox.harness import BotHarness
from tests.factories import CHAIRMAN_TG, Commune
from tests.status_table_support import status_row, status_table

SAVED_AT = re.compile(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>")
WAIT = 120.0  # a cold worker on a loaded machine: generous, never a measure


class FakeMonotonic:
    """The idle rule's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _table() -> StatusTable:
    return status_table(
        [
            status_row(1, "Ban hành kế hoạch CCHC năm 2024", 100, done_cell=None, output=""),
            status_row(2, "Số hóa hồ sơ thủ tục hành chính", 40, done_cell=None, output=""),
        ]
    )


BY_FIELD = [("Cải cách thể chế", 75.0, 3, 4), ("Chính quyền số", 40.0, 1, 4)]
BY_UNIT = [("Văn phòng", 60.0, 2, 4), (None, 50.0, 1, 2)]
OVERALL = ChartOverall(total=8, done=4, on_track=2, behind=2, mean_percent=57.5)


def _members(data: bytes) -> dict[str, bytes]:
    """A .docx/.xlsx's parts, without the second it was saved at.

    The zip's entry dates and openpyxl's ``dcterms:modified`` say when the file
    was written, so two renders a second apart differ there and only there.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["docProps/core.xml"] = SAVED_AT.sub(b"", parts["docProps/core.xml"])
    return parts


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


@pytest.fixture
async def renderer() -> AsyncIterator[Renderer]:
    made = Renderer(in_worker=True, idle_seconds=None)
    try:
        yield made
    finally:
        await made.aclose()


async def test_the_worker_writes_what_the_bot_wrote_in_process(renderer: Renderer) -> None:
    table = _table()
    docx, xlsx = await renderer.appendix(table, "vi")
    alone = await renderer.docx(table, "en")
    png = await renderer.chart(BY_FIELD, BY_UNIT, "Tiến độ CCHC", "vi", OVERALL)
    assert renderer.worker_pid not in (None, os.getpid())
    assert _members(docx) == _members(render_docx(table, "vi"))
    assert _members(xlsx) == _members(render_xlsx(table, "vi"))
    assert _members(alone) == _members(render_docx(table, "en"))
    assert png == completion_chart(BY_FIELD, BY_UNIT, "Tiến độ CCHC", "vi", OVERALL)


async def test_in_process_rendering_is_the_same_call() -> None:
    inline = Renderer(in_worker=False)
    png = await inline.chart(BY_FIELD, BY_UNIT, "x", "en", None)
    assert png == completion_chart(BY_FIELD, BY_UNIT, "x", "en", None)
    assert inline.worker_pid is None and inline.started == 0


async def test_a_worker_killed_mid_render_fails_that_render_and_the_next_starts_fresh(
    renderer: Renderer,
) -> None:
    first = await renderer.run(os.getpid)  # a worker without the warm-up's renders
    assert first == renderer.worker_pid
    with pytest.raises(Exception) as died:  # the worker kills itself while "rendering"
        await renderer.run(os.kill, first, signal.SIGKILL)
    assert type(died.value).__name__ == "BrokenProcessPool"
    png = await renderer.chart(BY_FIELD, BY_UNIT, "x", "vi", None)
    assert png.startswith(b"\x89PNG")
    assert renderer.started == 2
    assert renderer.worker_pid not in (None, first)
    assert not _alive(first)


async def test_the_idle_rule_stops_the_worker_and_the_next_render_starts_one() -> None:
    clock = FakeMonotonic()
    renderer = Renderer(in_worker=True, idle_seconds=120.0, clock=clock)
    try:
        pid = await renderer.run(os.getpid)  # the rule is about the process, not what it renders
        assert pid == renderer.worker_pid
        clock.now += 119.0
        assert not renderer.stop_if_idle()
        clock.now += 2.0
        assert renderer.stop_if_idle()
        assert renderer.worker_pid is None
        assert not _alive(pid)
        assert await renderer.run(os.getpid) not in (pid, os.getpid())
        assert renderer.started == 2
    finally:
        await renderer.aclose()


async def test_one_idle_timer_watches_the_worker_and_stops_it() -> None:
    clock = FakeMonotonic()
    renderer = Renderer(in_worker=True, idle_seconds=120.0, clock=clock)
    try:
        for _ in range(3):
            await renderer.run(os.getpid)
        timers = [th for th in threading.enumerate() if th.name == "render-worker-idle"]
        assert len(timers) == 1
        pid = renderer.worker_pid
        assert pid is not None
        clock.now += 121.0
        renderer.nudge()  # the timer looks again now, not after its real two minutes
        timers[0].join(WAIT)
        assert not timers[0].is_alive()
        assert renderer.worker_pid is None
        assert not _alive(pid)
    finally:
        await renderer.aclose()


async def test_the_worker_does_not_rerun_a_script_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the ``cchc-bot`` console script, spawn would re-run the script (bot.cli, pydantic,
    SQLAlchemy) in the worker; the worker imports the writers and nothing of the bot."""
    script = tmp_path / "cchc-bot"
    script.write_text("import telegram\nimport sqlalchemy\nimport bot.cli\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    renderer = Renderer(in_worker=True, idle_seconds=None)
    try:
        await renderer.warm()
        loaded = {name.split(".")[0] for name in await renderer.run(_loaded_modules)}
    finally:
        await renderer.aclose()
    assert main.__file__ == str(script)  # put back after the start
    assert {"docx", "openpyxl", "matplotlib"} <= loaded
    assert not loaded & {"telegram", "sqlalchemy", "pydantic", "bot", "handlers", "storage"}


async def test_prepare_starts_the_worker_ahead_and_the_render_joins_it(renderer: Renderer) -> None:
    renderer.prepare("appendix")  # /baocao: the worker starts while the bot reads the database
    docx, xlsx = await renderer.appendix(_table(), "vi")
    assert docx.startswith(b"PK") and xlsx.startswith(b"PK")
    renderer.prepare("chart")  # a worker runs already: nothing new starts
    await renderer.chart(BY_FIELD, BY_UNIT, "x", "vi", None)
    assert renderer.started == 1


async def test_a_closed_renderer_refuses_work(renderer: Renderer) -> None:
    await renderer.aclose()
    with pytest.raises(RuntimeError):
        await renderer.docx(_table(), "vi")


# --------------------------------------------------------------------------- in the bot


async def test_the_bot_renders_in_its_own_worker_and_its_shutdown_stops_it(
    sqlite_database_url: str,
) -> None:
    from tests.chairman_scenario import seed_with_progress
    from tests.conftest import seed_once

    # the bot's own renderer from the settings, as ``cchc-bot run`` makes it
    async with BotHarness(sqlite_database_url, shared_renderer=False) as harness:
        await seed_once(harness.database, seed_with_progress)
        services = harness.application.bot_data["services"]
        assert services.own_renderer and services.renderer.in_worker
        u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
        harness.api.user_sends_text(u, None, "/bieudo")
        await harness.api.wait_for_bot_message(u.id, lambda m: bool(m.photo), timeout=WAIT)
        pid = services.renderer.worker_pid
        assert pid is not None and _alive(pid)
        await harness.idle(WAIT)
    assert not _alive(pid)  # post_shutdown closed the worker with the bot
    assert services.renderer.worker_pid is None


async def test_a_worker_dying_mid_report_gets_the_usual_apology_and_the_next_report_works(
    harness: BotHarness, progress_commune: Commune
) -> None:
    renderer = Renderer(in_worker=True, idle_seconds=None)
    services = harness.application.bot_data["services"]
    services.renderer = renderer  # this bot's own worker: the shared one is not killed
    try:
        await renderer.warm()
        pid = renderer.worker_pid
        assert pid is not None
        blocker = harness.application.create_task(renderer.run(time.sleep, 3600))
        u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
        harness.api.user_sends_text(u, None, "/baocao")
        # the report waits behind the blocker, inside the worker's queue
        await harness.api.wait_until(lambda: renderer.running == 2, WAIT)
        os.kill(pid, signal.SIGKILL)
        sorry = t("common.error.unexpected", "vi")
        await harness.api.wait_for_bot_message(u.id, lambda m: m.text == sorry, timeout=WAIT)
        with pytest.raises(Exception) as died:
            await blocker
        assert type(died.value).__name__ == "BrokenProcessPool"
        assert not harness.api.sent_documents(u.id)
        harness.api.user_sends_text(u, None, "/baocao")
        await harness.api.wait_for_bot_message(
            u.id, lambda m: (m.text or "").startswith("✅"), timeout=WAIT
        )
        await harness.idle(WAIT)
        assert [d.file_name.rsplit(".", 1)[1] for d in harness.api.sent_documents(u.id)] == [
            "docx",
            "xlsx",
        ]
        assert renderer.started == 2
    finally:
        await renderer.aclose()


def test_a_worker_whose_bot_is_killed_outright_ends_too() -> None:
    """``kill -9`` or the OOM killer gives the bot no ``post_shutdown``: the worker must
    not wait for work for ever, holding its memory, under init."""
    script = (
        "import asyncio\n"
        "from core.offload import Renderer\n"
        "async def main():\n"
        "    renderer = Renderer(idle_seconds=None)\n"
        "    await renderer.warm()\n"
        "    print(renderer.worker_pid, flush=True)\n"
        "    await asyncio.Event().wait()\n"
        "asyncio.run(main())\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    with subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the killed bot's resource tracker complains of its locks
        text=True,
    ) as bot:
        try:
            assert bot.stdout is not None
            worker = int(bot.stdout.readline())
            exited = os.pidfd_open(worker)  # readable once the worker has ended
        finally:
            bot.kill()
    try:
        ready, _, _ = select.select([exited], [], [], WAIT)
    finally:
        os.close(exited)
    assert ready, "the worker outlived its bot"


def test_the_settings_choose_the_worker_and_its_idle_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import SecretStr

    from bot.app import build_application
    from core.context import services_of
    from core.settings import Settings

    token = SecretStr("123456:" + "A" * 35)
    shipped = services_of(build_application(Settings(telegram_bot_token=token), scheduler=False))
    assert shipped.renderer.in_worker and shipped.renderer.idle_seconds == 120.0
    monkeypatch.setenv("RENDER_IN_WORKER", "false")
    monkeypatch.setenv("RENDER_WORKER_IDLE_SECONDS", "30")
    chosen = services_of(build_application(Settings(telegram_bot_token=token), scheduler=False))
    assert not chosen.renderer.in_worker and chosen.renderer.idle_seconds == 30.0


async def test_with_the_worker_off_the_bot_renders_in_itself(sqlite_database_url: str) -> None:
    from tests.chairman_scenario import seed_with_progress
    from tests.conftest import seed_once

    overrides = {"render_in_worker": False}
    async with BotHarness(sqlite_database_url, settings_overrides=overrides) as harness:
        await seed_once(harness.database, seed_with_progress)
        renderer = harness.application.bot_data["services"].renderer
        u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
        harness.api.user_sends_text(u, None, "/bieudo")
        await harness.api.wait_for_bot_message(u.id, lambda m: bool(m.photo), timeout=WAIT)
        await harness.idle(WAIT)
    assert not renderer.in_worker and renderer.started == 0 and renderer.worker_pid is None
