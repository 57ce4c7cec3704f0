"""``cchc-bot health``: is this bot healthy? Exit 0 (yes) or 1 (no); the Docker HEALTHCHECK.

Four checks, each one line (``--json``: a list of objects, a public contract):

* ``database`` — ``DATABASE_URL`` opens and answers ``SELECT 1``;
* ``migrations`` — the schema is at the newest revision this code ships;
* ``scheduler`` — this host's last tick finished less than 3 ticks ago
  (``TICK_SECONDS``); a bot that serves chats but stopped reminding is ill;
* ``telegram`` — ``getMe`` answers at ``BOT_API_BASE_URL``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.settings import Settings, get_settings
from locales import t

TICKS = 3
TELEGRAM_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "health",
        help=t("cli.health.help"),
        description=t("cli.health.help"),
        epilog=t("cli.health.example"),
    )
    p.add_argument("--json", action="store_true", help=t("cli.health.json"))
    p.add_argument("--skip-telegram", action="store_true", help=t("cli.health.skip_telegram"))
    p.set_defaults(handler=_health)


async def _health(args: argparse.Namespace) -> int:
    settings = get_settings()
    checks = await run_checks(settings, datetime.now(UTC), telegram=not args.skip_telegram)
    if args.json:
        print(json.dumps([asdict(c) for c in checks], ensure_ascii=False))
    else:
        for check in checks:
            print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    return 0 if all(c.ok for c in checks) else 1


async def run_checks(settings: Settings, now: datetime, *, telegram: bool = True) -> list[Check]:
    """All checks, each independent of the others' failure (the database down still
    lets the Telegram check run, so one call tells everything that is wrong)."""
    from storage.db import DatabaseUnavailable, check_reachable, safe_url

    checks = []
    try:
        await check_reachable(settings.database_url)
        checks.append(Check("database", True, safe_url(settings.database_url)))
        database_ok = True
    except DatabaseUnavailable as exc:
        checks.append(Check("database", False, f"{exc.where}: {exc.reason} (DATABASE_URL)"))
        database_ok = False
    if database_ok:
        checks.append(await _guarded("migrations", _migrations(settings)))
        checks.append(await _guarded("scheduler", _scheduler(settings, now)))
    else:
        checks.append(Check("migrations", False, "database unreachable"))
        checks.append(Check("scheduler", False, "database unreachable"))
    if telegram:
        checks.append(await _telegram(settings))
    return checks


async def _guarded(name: str, check: Any) -> Check:
    """A check that fails (an empty database, a table missing) says so; it never crashes."""
    try:
        result: Check = await check
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    return result


async def _migrations(settings: Settings) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from storage.db import create_engine
    from storage.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(settings.database_url)).get_heads())
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(
                lambda sync: set(MigrationContext.configure(sync).get_current_heads())
            )
    finally:
        await engine.dispose()
    if current == heads:
        return Check("migrations", True, ", ".join(sorted(current)))
    return Check(
        "migrations",
        False,
        f"database at {', '.join(sorted(current)) or 'nothing'}, code at {', '.join(sorted(heads))}"
        " (cchc-bot db upgrade)",
    )


async def _scheduler(settings: Settings, now: datetime) -> Check:
    from storage.db import Database
    from storage.heartbeat import last_tick

    database = Database(settings.database_url)
    try:
        async with database.read() as session:
            last = await last_tick(session)
    finally:
        await database.dispose()
    limit = timedelta(seconds=TICKS * settings.tick_seconds)
    if last is None:
        return Check("scheduler", False, "no tick recorded on this host yet")
    age = now - last
    detail = f"last tick {age.total_seconds():.0f} s ago (limit {limit.total_seconds():.0f} s)"
    return Check("scheduler", age < limit, detail)


async def _telegram(settings: Settings) -> Check:
    from bot.startup_wait import TelegramUnavailable, telegram_probe

    try:
        await asyncio.wait_for(
            telegram_probe(settings.token(), settings.bot_api_base_url), TELEGRAM_TIMEOUT
        )
    except TelegramUnavailable as exc:
        return Check("telegram", False, f"{exc.reason} (BOT_API_BASE_URL)")
    except TimeoutError:
        return Check("telegram", False, f"no answer in {TELEGRAM_TIMEOUT:.0f} s (BOT_API_BASE_URL)")
    except Exception as exc:  # InvalidToken and the like: a wrong setting, not a network blip
        return Check("telegram", False, f"{type(exc).__name__}: {exc} (TELEGRAM_BOT_TOKEN)")
    return Check("telegram", True, settings.bot_api_base_url.split("/bot")[0])
