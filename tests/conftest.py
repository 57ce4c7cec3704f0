"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and the bot harness.

PostgreSQL tests need ``TEST_POSTGRES_URL`` (e.g.
``postgresql://postgres@127.0.0.1:5432/postgres``); each test gets a fresh
database created from it and dropped afterwards. Without the variable they
skip with that reason — except under ``CI=true``, where they fail
(tests/pg_required.py); ``.ci/run`` starts a server and sets it.
"""

from __future__ import annotations

import functools
import gc
import importlib
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx._transports.default
import pytest
from hypothesis import settings as hypothesis_settings

from core.settings import get_settings
from sandbox.harness import BotHarness, sqlite_url
from storage.db import Database
from tests.db_template import fast_upgrade_async, migrated_database, seed_once
from tests.factories import Commune, seed_commune
from tests.pg_required import no_postgres

# PTB 22 returns durations as timedelta only when asked to (PTB 23 will by default); set for
# the whole process, before any fixture builds a Bot, so every test sees PTB 23's types
# (and no deprecation warning, which the warning filters make an error).
os.environ["PTB_TIMEDELTA"] = "1"

# Examples are not saved between runs: under pytest-xdist the workers would share one
# .hypothesis folder (in whatever directory a test chdir'd to), and a replayed example
# would make a run depend on the previous one. The fast suite draws the same examples
# every run: a draw that fails one run in a hundred fails a landing at random instead of
# the day the test was written (test_views_agree found a world with no task in the
# report's period that way; it is now an @example). HYPOTHESIS_EXPLORE=1 draws new
# examples each run, as `make test-slow` does.
hypothesis_settings.register_profile("cchc", database=None, derandomize=True)
hypothesis_settings.register_profile("explore", database=None)
hypothesis_settings.load_profile("explore" if os.environ.get("HYPOTHESIS_EXPLORE") else "cchc")


def _share_ssl_contexts() -> None:
    """Build httpx's default TLS context once per process instead of twice per Application.

    Every PTB ``HTTPXRequest`` makes an httpx client, and every client loads the
    certifi bundle (~0.12 s of CPU); each harness has two. The tests only speak
    plain HTTP to loopback, and a context built from the same arguments is the same.
    """
    module = httpx._transports.default
    original = module.create_ssl_context
    if isinstance(original, functools._lru_cache_wrapper):
        return

    @functools.lru_cache(maxsize=8)
    def cached(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        return original(verify=verify, cert=cert, trust_env=trust_env)

    module.create_ssl_context = cached


_share_ssl_contexts()


def _share_compiled_statements() -> None:
    """One compiled-statement cache for every engine of a kind, instead of one per engine.

    SQLAlchemy caches each statement's compiled SQL per engine, keyed by the
    dialect object, and nearly every test makes an engine of its own: each
    test compiled again every query it ran (about a tenth of an end-to-end
    test's CPU). Here engines share one cache, keyed by the dialect's class
    and server version instead of its identity. The bot makes one engine per
    process, so this changes what is cached in tests, never what is run.
    """
    from sqlalchemy.util import LRUCache

    import storage.db

    original = storage.db.create_async_engine
    if getattr(original, "shares_compiled_statements", False):
        return

    def by_kind(key: Any) -> Any:
        dialect = key[0]
        return (type(dialect), dialect.server_version_info, *key[1:])

    class ByDialectKind(LRUCache[Any, Any]):
        def get(self, key: Any, default: Any = None) -> Any:
            return super().get(by_kind(key), default)

        def __setitem__(self, key: Any, value: Any) -> None:
            super().__setitem__(by_kind(key), value)

    shared = ByDialectKind(5000)

    def create(url: Any, **kwargs: Any) -> Any:
        engine = original(url, **kwargs)
        if engine.sync_engine._compiled_cache is not None:
            engine.sync_engine._compiled_cache = shared
        return engine

    create.shares_compiled_statements = True
    storage.db.create_async_engine = create


_share_compiled_statements()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a fault-injection test first, each kept whole, the rest in file order.

    Those tests run real bot processes and last several seconds each; started
    last, one of them alone would end the run while the other workers idle
    (pytest-xdist hands each worker a share of the list in this order and
    lets idle workers take from the busy). Whole modules, so that no
    module-scoped fixture is set up twice.
    """
    faulty = {item.module.__name__ for item in items if item.get_closest_marker("fault")}
    items.sort(key=lambda item: item.module.__name__ not in faulty)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Take what every test shares out of the garbage collector's walks, once collected.

    A test process holds the libraries, the bot's modules and some 3,400
    collected items for its whole life, and each full collection walked all
    of them again: ≈ 10 % of the suite's CPU. ``gc.freeze`` leaves them out
    (they are still freed by reference count); what a test creates is
    collected as before. The handler modules, which the first harness would
    import, are imported first so that they are frozen too.
    """
    from handlers import FEATURE_MODULES

    for name in FEATURE_MODULES:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()


POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's .env or environment for bot settings."""
    for name in list(os.environ):
        if name.upper() in {
            "TELEGRAM_BOT_TOKEN",
            "DATABASE_URL",
            "BOT_API_BASE_URL",
            "BOT_API_FILE_URL",
            "TIMEZONE",
            "DEFAULT_LANGUAGE",
            "LOG_LEVEL",
            "WEBHOOK_URL",
            "WEBHOOK_SECRET",
            "WEBAPP_URL",
            "WEBAPP_LISTEN",
            "WEBAPP_PORT",
            "RENDER_IN_WORKER",
            "RENDER_WORKER_IDLE_SECONDS",
        }:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """Put the root logger's handlers back after each test.

    A test that runs the CLI in-process calls ``configure_logging``, which points
    the root logger at the stderr of that moment: pytest's capture of that test,
    closed when it ends. The next test in the same worker that logs (Alembic
    does) then prints "--- Logging error ---" into its own output.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _migrate_from_template(monkeypatch: pytest.MonkeyPatch) -> None:
    """Harnesses copy a once-migrated SQLite file instead of migrating (tests/db_template.py)."""
    import sandbox.harness

    monkeypatch.setattr(sandbox.harness, "upgrade_async", fast_upgrade_async)


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)


async def _admin_execute(statement: str) -> None:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL is not None
    base = make_url(POSTGRES_URL)
    admin = await asyncpg.connect(
        user=base.username,
        password=base.password,
        host=base.host or "127.0.0.1",
        port=base.port or 5432,
        database=base.database or "postgres",
    )
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def _create_pg_database() -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL is not None
    name = f"cchc_test_{uuid.uuid4().hex[:12]}"
    await _admin_execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name, drivername="postgresql+asyncpg")
    return url.render_as_string(hide_password=False), name


async def _drop_pg_database(name: str) -> None:
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def postgres_database_url() -> AsyncIterator[str]:
    if not POSTGRES_URL:
        no_postgres()
    url, name = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test on SQLite and (when configured) PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    if not POSTGRES_URL:
        no_postgres()
    url, name = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(name)


@pytest.fixture
async def db(sqlite_database_url: str) -> AsyncIterator[Database]:
    """A migrated SQLite database."""
    async with migrated_database(sqlite_database_url) as database:
        yield database


@pytest.fixture
async def any_db(any_database_url: str) -> AsyncIterator[Database]:
    """A migrated database, once on SQLite and once on PostgreSQL."""
    async with migrated_database(any_database_url) as database:
        yield database


@pytest.fixture
async def commune(harness: BotHarness) -> Commune:
    """Xã Vĩnh Khê seeded into the harness's database (see tests/factories.py)."""
    return await seed_once(harness.database, seed_commune)


@pytest.fixture
async def progress_commune(harness: BotHarness) -> Commune:
    """Xã Vĩnh Khê with progress recorded at chosen instants (tests/chairman_scenario.py)."""
    from tests.chairman_scenario import seed_with_progress

    return await seed_once(harness.database, seed_with_progress)


@pytest.fixture
async def par_index_commune(harness: BotHarness) -> Commune:
    """Xã Vĩnh Khê with seed 000's PAR-index scorecard imported (tests/par_index_support.py)."""
    from tests.par_index_support import seed_par_index

    return await seed_once(harness.database, seed_par_index)


@pytest.fixture
async def harness(sqlite_database_url: str) -> AsyncIterator[BotHarness]:
    """The real bot against the fake Bot API, clock at Mon 03/06/2024 07:30 (Hà Nội)."""
    async with BotHarness(sqlite_database_url) as running:
        yield running
