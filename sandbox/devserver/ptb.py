"""Helpers to point python-telegram-bot at a `FakeBotApi` — for fixtures and the demo.

The application under test is the real one; only its URLs change. Polling uses
short long-poll timeouts so start and stop are quick, and the Application is
started and stopped the way `run_polling` would, without its signal handlers.
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from sandbox.devserver.server import FakeBotApi

# Any bot, context and data types: these helpers only change URLs and start and stop.
AnyBuilder = ApplicationBuilder[Any, Any, Any, Any, Any, Any]
_App = TypeVar("_App", bound=Application[Any, Any, Any, Any, Any, Any])


def configure_builder(builder: AnyBuilder, api: FakeBotApi) -> AnyBuilder:
    """Set token and URLs of an existing builder (e.g. the bot's own) to the fake server."""
    return builder.token(api.token).base_url(api.base_url).base_file_url(api.base_file_url)


def builder_for(api: FakeBotApi) -> AnyBuilder:
    return configure_builder(ApplicationBuilder(), api)


def bot_for(api: FakeBotApi, **kwargs: Any) -> Bot:
    """A plain `Bot` on the fake server; use as ``async with bot_for(api) as bot``."""
    return Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url, **kwargs)


@asynccontextmanager
async def polling(application: _App, *, poll_timeout: float = 1.0) -> AsyncIterator[_App]:
    """Run `application` with long polling for the duration of the block."""
    async with application:
        await application.start()
        assert application.updater is not None, "build the Application with an Updater"
        await application.updater.start_polling(
            poll_interval=0, timeout=dtm.timedelta(seconds=poll_timeout)
        )
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
