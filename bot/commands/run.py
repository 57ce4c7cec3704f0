"""``cchc-bot run``: migrate, then serve Telegram by long polling or webhook."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
from urllib.parse import urlsplit

from telegram import Update

from bot import startup_phase
from bot.logging_setup import add_secret, configure_logging
from core.settings import Settings, get_settings
from locales import t
from storage.migrate import upgrade_if_behind

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "run",
        help=t("cli.run.help"),
        description=t("cli.run.help"),
        epilog=t("cli.run.example"),
    )
    p.add_argument("--webhook", metavar="URL", help=t("cli.run.webhook"))
    p.add_argument("--listen", default=None, help=t("cli.run.listen"))
    p.add_argument("--port", type=int, default=None, help=t("cli.run.port"))
    p.add_argument("--no-migrate", action="store_true", help=t("cli.run.no_migrate"))
    p.add_argument(
        "--wait",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help=t("cli.run.wait"),
    )
    p.set_defaults(handler=_run)


def _check_dashboard_path(args: argparse.Namespace, settings: Settings) -> None:
    """A webhook path that would hide the Mini App's routes is a settings mistake: say so first."""
    webhook_url = args.webhook or settings.webhook_url
    if not webhook_url:
        return
    from bot import webhook_server

    listen = args.listen or settings.webhook_listen
    port = args.port or settings.webhook_port
    if webhook_server.shares_port(settings, port, listen):
        webhook_server.check_path(urlsplit(webhook_url).path)


def _run(args: argparse.Namespace) -> int:
    with startup_phase():  # up to the built Application: what it holds lives as long as the bot
        from bot.app import build_application

        settings = get_settings()
        token = settings.token()
        configure_logging(settings.log_level, token)
        _check_dashboard_path(args, settings)
        from bot.startup_wait import wait_for_services

        asyncio.run(
            wait_for_services(
                settings.database_url, token, settings.bot_api_base_url, wait_seconds=args.wait
            )
        )
        if not args.no_migrate:
            upgrade_if_behind(settings.database_url)
        app = build_application(settings)
    webhook_url = args.webhook or settings.webhook_url
    if webhook_url:
        secret = (
            settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else secrets.token_urlsafe(32)
        )
        add_secret(secret, "secret")
        path = urlsplit(webhook_url).path.lstrip("/")
        listen = args.listen or settings.webhook_listen
        port = args.port or settings.webhook_port
        from bot import webhook_server

        with_dashboard = webhook_server.shares_port(settings, port, listen)
        log.info(
            "starting in webhook mode on %s%s",
            webhook_url,
            ", with the dashboard" if with_dashboard else "",
        )
        asyncio.run(
            webhook_server.serve(
                app,
                listen=listen,
                port=port,
                url_path=path,
                webhook_url=webhook_url,
                secret=secret,
                with_dashboard=with_dashboard,
            )
        )
    else:
        log.info("starting in long-polling mode")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
