"""The composition root: ``build_application`` assembles the bot.

``cchc-bot run``, ``cchc-bot demo`` and the end-to-end tests all build the
very same Application here, differing only in settings (the Bot API base
URL, the database) and the injected clock. Resources are opened in
``post_init`` and released in ``post_shutdown``; nothing happens at import.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING, Any

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.telegram_http import bot_request
from bot.update_order import OrderedUpdateProcessor
from core.context import SERVICES_KEY, BotContext, Services, services_of
from core.offload import Renderer
from core.settings import Settings
from plans.clock import Clock, SystemClock
from scheduler import jobs
from storage.db import Database

if TYPE_CHECKING:
    from webapp.server import Dashboard

log = logging.getLogger(__name__)

DASHBOARD_KEY = "dashboard"

BotApplication = Application[Any, BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    database: Database | None = None,
    rate_limiter: AIORateLimiter | None = None,
    scheduler: bool = True,
    renderer: Renderer | None = None,
) -> BotApplication:
    """Assemble the Application: services, handlers, error handler, scheduler tick.

    ``database`` lets a caller share an already-open database (tests, the
    demo); otherwise one is opened in ``post_init`` from the settings.
    ``renderer`` likewise lets a harness share one warm render worker across
    the applications of a process; otherwise each application makes its own
    (no worker runs until the first report) and stops it in ``post_shutdown``.
    """
    services = Services(
        settings=settings,
        clock=clock or SystemClock(),
        db=database,
        own_database=database is None,
        scheduler_enabled=scheduler,
        renderer=renderer
        or Renderer(
            in_worker=settings.render_in_worker,
            idle_seconds=settings.render_worker_idle_seconds,
        ),
        own_renderer=renderer is None,
    )
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.file_url)
        .request(bot_request())
        .get_updates_request(bot_request(get_updates=True))
        .defaults(Defaults(tzinfo=settings.tz))
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
        .concurrent_updates(OrderedUpdateProcessor())
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    app: BotApplication = builder.build()
    app.bot_data[SERVICES_KEY] = services
    handlers.register_all(app)
    return app


async def _post_init(app: BotApplication) -> None:
    services = services_of(app)
    if services.db is None:
        services.db = Database(services.settings.database_url)
    me = app.bot.bot  # initialize() has just asked getMe: no second call
    services.bot_username = me.username
    await handlers.run_startup_hooks(app)
    if services.scheduler_enabled:
        jobs.install(app)
    if services.settings.webapp_url:
        # aiohttp and the dashboard (≈ 10 MiB) load only for a bot that serves the Mini App.
        from webapp.server import start_dashboard

        dashboard = await start_dashboard(services, app.bot.token)
        if dashboard is not None:
            app.bot_data[DASHBOARD_KEY] = dashboard
    log.info("bot @%s ready", me.username)


async def _post_stop(app: BotApplication) -> None:
    """Stop delivering first: in-flight messages finish, unsent claims go back to pending."""
    await jobs.shutdown(app)


async def _post_shutdown(app: BotApplication) -> None:
    services = services_of(app)
    dashboard = dashboard_of(app)
    app.bot_data.pop(DASHBOARD_KEY, None)
    if dashboard is not None:
        await dashboard.stop()
    if services.db is not None and services.own_database:
        await services.db.dispose()
    if services.own_renderer:
        await services.renderer.aclose()  # the render worker goes with the bot


def dashboard_of(app: BotApplication) -> Dashboard | None:
    """The Mini App dashboard started in ``post_init`` (None when WEBAPP_URL is unset)."""
    dashboard = app.bot_data.get(DASHBOARD_KEY)
    if dashboard is None:
        return None
    from webapp.server import Dashboard  # loaded already: a dashboard was started

    return dashboard if isinstance(dashboard, Dashboard) else None


def settle_startup_objects() -> None:
    """Take what start-up created out of the garbage collector's walks, for the bot's life.

    Modules, classes, the ORM mappings, the catalogs and the handlers live as
    long as the process, yet every full collection walks them again: at the
    07:30 tick that was about a fifth of the CPU (≈ 200 collections on a 1×
    province's report day, `bench.planner_scale`). ``gc.freeze`` moves them to
    a generation that is never collected; they are still freed by reference
    count. Called once by ``cchc-bot run``, not in test processes, which build
    many applications and must get their cycles collected. No ``gc.collect()``
    first: ``cchc-bot run`` starts with the collector paused
    (:func:`bot.collector_paused`), and a full collection here would cost
    ≈ 60–100 ms to free some 1,700 objects of start-up's garbage, a few
    hundred KiB, which stay frozen instead.
    """
    gc.freeze()
