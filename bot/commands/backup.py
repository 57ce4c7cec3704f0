"""``cchc-bot backup --out FILE``: a consistent copy of the database, bot running or not."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands import SubParsers
from core.settings import get_settings
from locales import t
from storage.backup import backup


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "backup",
        help=t("cli.backup.help"),
        description=t("cli.backup.help"),
        epilog=t("cli.backup.example"),
    )
    p.add_argument("--out", required=True, type=Path, help=t("cli.backup.out"))
    p.set_defaults(handler=_backup)


def _backup(args: argparse.Namespace) -> int:
    settings = get_settings()
    kind = backup(settings.database_url, args.out)
    print(t("cli.backup.done", settings.default_language, path=str(args.out), kind=kind))
    return 0
