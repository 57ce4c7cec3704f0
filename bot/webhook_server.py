"""Webhook mode on our own aiohttp server, with the Mini App dashboard on the same port when asked.

PTB's own webhook server (``Application.run_webhook``) runs on tornado and
cannot carry other routes. ``cchc-bot run --webhook`` serves Telegram's
updates from one aiohttp application instead: ``POST /<webhook path>`` takes
them (the secret token checked in constant time, as PTB does), and when
``WEBAPP_URL`` is set and ``WEBAPP_PORT`` equals the webhook's port, ``/``,
``/static/`` and ``/api/`` are the dashboard (:mod:`webapp.server`), so one
reverse-proxy upstream serves the bot and its Mini App. One server for both
modes also keeps tornado out of the install and out of the bot's memory
(``bot.UNUSED_BY_PTB``). The lifecycle mirrors PTB's ``run_webhook``:
initialize, ``post_init``, listen, ``setWebhook``, start; on SIGINT/SIGTERM
stop listening, stop, ``post_stop`` (the scheduler hands back what it had not
sent), shutdown, ``post_shutdown``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Update

from bot.app import dashboard_of
from core.context import services_of
from plans.errors import UserError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DASHBOARD_PREFIXES = ("api", "static")


def shares_port(settings: Any, port: int, listen: str) -> bool:
    """Whether the dashboard should ride on the webhook server (same port and address)."""
    return (
        bool(settings.webapp_url)
        and settings.webapp_port == port
        and (settings.webapp_listen == listen)
    )


def check_path(url_path: str, *, with_dashboard: bool = True) -> str:
    """The webhook path, refused when it would hide the dashboard's own routes."""
    path = url_path.strip("/")
    if with_dashboard and (not path or path.split("/", 1)[0] in DASHBOARD_PREFIXES):
        raise UserError("webapp.error.webhook_path", path="/" + path)
    return path


def _updates_handler(app: Any, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook: request without the secret token refused")
            return web.Response(status=403)
        try:
            data = await request.json()
            if not isinstance(data, dict):  # null, a list or a number is no update
                return web.Response(status=400)
            update = Update.de_json(data, app.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await app.update_queue.put(update)
        return web.Response()

    return receive


async def serve(
    app: Any,
    *,
    listen: str,
    port: int,
    url_path: str,
    webhook_url: str,
    secret: str,
    with_dashboard: bool = False,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot on a webhook (and the dashboard beside it) until ``stop`` or a signal."""
    path = check_path(url_path, with_dashboard=with_dashboard)
    if with_dashboard:
        services_of(app).dashboard_on_webhook = True
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await app.initialize()
    runner: web.AppRunner | None = None
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if with_dashboard:
            dashboard = dashboard_of(app)
            assert dashboard is not None, "WEBAPP_URL is set whenever the dashboard is served"
            web_app = dashboard.build()
        else:
            web_app = web.Application()
        web_app.router.add_post("/" + path, _updates_handler(app, secret))
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, listen, port).start()
        await app.bot.set_webhook(
            webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        await app.start()
        log.info(
            "webhook%s on %s:%s (/%s)",
            " and dashboard" if with_dashboard else "",
            listen,
            port,
            path,
        )
        await stop.wait()
    finally:
        if runner is not None:  # no new update comes in while the bot stops
            await runner.cleanup()
        if app.running:
            await app.stop()
            if app.post_stop is not None:  # as PTB: only after a stop
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
