"""The composition root: ``build_application`` assembles the bot.

``cchc-bot run``, ``cchc-bot demo`` and the end-to-end tests all build the
very same Application here, differing only in settings (the Bot API base
URL, the database) and the injected clock. Resources are opened in
``post_init`` and released in ``post_shutdown``; nothing happens at import.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from bot.context import SERVICES_KEY, BotContext, Services, services_of
from bot.settings import Settings
from bot.update_order import OrderedUpdateProcessor
from plans.clock import Clock, SystemClock
from storage.db import Database

log = logging.getLogger(__name__)

BotApplication = Application[Any, BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    database: Database | None = None,
    rate_limiter: AIORateLimiter | None = None,
    scheduler: bool = True,
) -> BotApplication:
    """Assemble the Application: services, handlers, error handler, scheduler tick.

    ``database`` lets a caller share an already-open database (tests, the
    demo); otherwise one is opened in ``post_init`` from the settings.
    """
    import handlers

    services = Services(settings=settings, clock=clock or SystemClock(), db=database)
    builder = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.file_url)
        .defaults(Defaults(tzinfo=settings.tz))
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
        .concurrent_updates(OrderedUpdateProcessor())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app: BotApplication = builder.build()  # type: ignore[assignment]
    app.bot_data[SERVICES_KEY] = services
    services.extras["own_database"] = database is None
    services.extras["scheduler"] = scheduler
    handlers.register_all(app)
    return app


async def _post_init(app: BotApplication) -> None:
    import handlers

    services = services_of(app)
    if services.db is None:
        services.db = Database(services.settings.database_url)
    me = await app.bot.get_me()
    services.bot_username = me.username
    _warm_up_dateparser()
    await handlers.run_startup_hooks(app)
    if services.extras.get("scheduler"):
        _install_scheduler(app)
    from webapp.server import start_for

    await start_for(services, app.bot.token)
    log.info("bot @%s ready", me.username)


async def _post_shutdown(app: BotApplication) -> None:
    services = services_of(app)
    from webapp.server import stop_for

    await stop_for(services)
    if services.db is not None and services.extras.get("own_database"):
        await services.db.dispose()


def _warm_up_dateparser() -> None:
    """The first dateparser call costs ~0.2 s; pay it at start, not in a reply."""
    try:
        from plans.dates import warm_up
    except ImportError:  # pragma: no cover - module arrives with the deadline grammar
        return
    warm_up()


def _install_scheduler(app: BotApplication) -> None:
    try:
        from scheduler.jobs import install
    except ImportError:  # pragma: no cover - arrives with the scheduler
        log.warning("scheduler not available; reminders are off")
        return
    install(app)


ALLOWED_UPDATES = Update.ALL_TYPES
