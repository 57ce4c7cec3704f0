"""The typed context every handler and job receives.

PTB hands callbacks a ``CallbackContext``; ours adds the application's
services (database, clock, settings) as typed properties, so handlers never
``cast`` or dig through ``bot_data`` by string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot

from core.offload import Renderer
from core.settings import Settings
from plans.clock import Clock
from storage.db import Database


@dataclass
class Services:
    """What the bot's parts share for the life of the process."""

    settings: Settings
    clock: Clock
    db: Database | None = None
    bot_username: str | None = None
    # the database was opened here (post_init) and is closed here (post_shutdown)
    own_database: bool = False
    # the reminder tick (and the self-assessment season job beside it) runs
    scheduler_enabled: bool = True
    # the webhook server mounts the dashboard's routes; post_init must not start its own
    dashboard_on_webhook: bool = False
    # writes the appendix and the chart (in a worker process unless RENDER_IN_WORKER=false)
    renderer: Renderer = field(default_factory=lambda: Renderer(in_worker=False))
    # the renderer was made here and is closed in post_shutdown (a harness may share one)
    own_renderer: bool = True

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("the database is opened in post_init; not available yet")
        return self.db


SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the application's services attached."""

    @property
    def services(self) -> Services:
        return services_of(self.application)

    @property
    def db(self) -> Database:
        return self.services.database

    @property
    def clock(self) -> Clock:
        return self.services.clock


def services_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    services: Services = app.bot_data[SERVICES_KEY]  # bot_data is a plain dict
    return services
