"""``cchc-bot demo``: the bot against a local fake Telegram, chatted with from the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands import SubParsers
from locales import t


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "demo",
        help=t("demo.cli.help"),
        description=t("demo.cli.description"),
        epilog=t("demo.cli.example"),
    )
    p.add_argument("--at", default=None, metavar='"YYYY-MM-DD HH:MM"', help=t("demo.cli.at"))
    p.add_argument("--speed", type=float, default=60.0, metavar="N", help=t("demo.cli.speed"))
    p.add_argument("--db", type=Path, default=None, metavar="PATH", help=t("demo.cli.db"))
    p.add_argument("--keep", action="store_true", help=t("demo.cli.keep"))
    p.add_argument("--script", type=Path, default=None, metavar="FILE", help=t("demo.cli.script"))
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help=t("demo.cli.lang"))
    p.add_argument("--web-port", type=int, default=0, metavar="PORT", help=t("demo.cli.web_port"))
    p.set_defaults(handler=_demo)


async def _demo(args: argparse.Namespace) -> int:
    from sandbox.demo.run import DEFAULT_DB, DEFAULT_START, DemoOptions, run_demo

    options = DemoOptions(
        at=args.at or DEFAULT_START,
        speed=args.speed,
        db=args.db or DEFAULT_DB,
        keep=args.keep,
        script=args.script,
        lang=args.lang,
        web_port=args.web_port,
    )
    return await run_demo(options)
