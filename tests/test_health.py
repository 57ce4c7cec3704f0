"""``cchc-bot health`` (issue 16 §10): database, migrations, scheduler heartbeat, Telegram.

The checks run against a real bot (the harness: fake Bot API, real database,
scheduler ticks driven by the test clock). The command runs once as a child
process, as Docker's HEALTHCHECK runs it, and its exit code is the contract;
its other forms call the CLI's ``main`` in this process (the same code, without
paying a second interpreter start-up each).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands.health import TICKS, run_checks
from core.settings import get_settings
from sandbox.harness import BotHarness
from tests.factories import Commune


async def _cli(harness: BotHarness, *args: str, base_url: str | None = None) -> tuple[int, str]:
    settings = harness.settings
    assert settings is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_"))}
    env.update(
        DATABASE_URL=settings.database_url,
        TELEGRAM_BOT_TOKEN=settings.token(),
        BOT_API_BASE_URL=base_url or settings.bot_api_base_url,
        TICK_SECONDS=str(settings.tick_seconds),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "health",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode() + err.decode()


async def _in_process(
    harness: BotHarness,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    base_url: str | None = None,
) -> tuple[int, str]:
    """``cchc-bot health`` through ``main`` (in a thread: it runs its own event loop)."""
    settings = harness.settings
    assert settings is not None
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", settings.token())
    monkeypatch.setenv("BOT_API_BASE_URL", base_url or settings.bot_api_base_url)
    monkeypatch.setenv("TICK_SECONDS", str(settings.tick_seconds))
    get_settings.cache_clear()
    capsys.readouterr()
    code = await asyncio.to_thread(main, ["health", *args])
    out, err = capsys.readouterr()
    return code, out + err


def _by_name(checks) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {c.name: c.ok for c in checks}


async def test_checks_follow_the_scheduler_heartbeat(harness: BotHarness, commune: Commune) -> None:
    settings = harness.settings
    assert settings is not None
    before_any_tick = await run_checks(settings, harness.clock.now())
    assert _by_name(before_any_tick) == {
        "database": True,
        "migrations": True,
        "scheduler": False,
        "telegram": True,
    }
    await harness.tick()
    now = harness.clock.now()
    assert all(c.ok for c in await run_checks(settings, now))
    late = now + timedelta(seconds=TICKS * settings.tick_seconds + 1)
    assert _by_name(await run_checks(settings, late))["scheduler"] is False


async def test_cli_exit_codes_and_json(
    harness: BotHarness,
    commune: Commune,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    harness.set_time(datetime.now(UTC))  # the command reads the real clock
    await harness.tick()
    code, output = await _cli(harness)
    assert code == 0, output
    assert [line.split()[0] for line in output.splitlines()] == ["ok"] * 4
    code, output = await _in_process(harness, capsys, monkeypatch, "--json")
    assert code == 0 and [c["name"] for c in json.loads(output)] == [
        "database",
        "migrations",
        "scheduler",
        "telegram",
    ]
    # Telegram unreachable: exit 1, the failing line names the variable.
    code, output = await _in_process(
        harness, capsys, monkeypatch, base_url="http://127.0.0.1:9/bot"
    )
    assert code == 1
    failing = [line for line in output.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 1 and "telegram" in failing[0] and "BOT_API_BASE_URL" in failing[0]


async def test_database_behind_migrations_is_unhealthy(tmp_path: Path) -> None:
    from core.settings import Settings
    from storage.migrate import upgrade_async

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    await upgrade_async(url, _first_revision())
    settings = Settings(database_url=url)
    checks = {c.name: c for c in await run_checks(settings, datetime.now(UTC), telegram=False)}
    assert checks["database"].ok
    assert not checks["migrations"].ok and "db upgrade" in checks["migrations"].detail
    assert not checks["scheduler"].ok


def _first_revision() -> str:
    """The oldest migration's id (read from the file, so renumbering never breaks this)."""
    import re

    from storage.migrate import MIGRATIONS_DIR

    first = sorted((MIGRATIONS_DIR / "versions").glob("0*.py"))[0].read_text()
    found = re.search(r"^revision\b.*?=\s*['\"]([^'\"]+)['\"]", first, re.M)
    assert found is not None
    return found.group(1)
