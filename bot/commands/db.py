"""``cchc-bot db upgrade``: bring the database schema up to date."""

from __future__ import annotations

import argparse

from core.settings import get_settings
from locales import t
from storage.db import normalize_database_url
from storage.migrate import upgrade


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser("db", help=t("cli.db.help"), description=t("cli.db.help"))
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.required = True
    up = db_sub.add_parser(
        "upgrade",
        help=t("cli.db.upgrade.help"),
        description=t("cli.db.upgrade.help"),
        epilog=t("cli.db.upgrade.example"),
    )
    up.add_argument("--revision", default="head", help=t("cli.db.upgrade.revision"))
    up.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade(settings.database_url, args.revision)
    url = normalize_database_url(settings.database_url)
    print(t("cli.db.upgraded", settings.default_language, url=_safe_url(url)))
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
