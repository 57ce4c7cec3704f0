"""The ``cchc-bot`` command line: parse arguments, load settings, dispatch.

Each group of subcommands lives in its own module under ``bot.commands`` and
exposes ``register(subparsers)``; this file only wires them together and
turns the errors people can fix (a bad setting, a wrong name) into one clear
line in their language instead of a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import logging
import sys
from collections.abc import Sequence
from typing import Any

from bot import startup_phase

with startup_phase():  # SQLAlchemy, the ORM mapping, the settings: built once, kept for life
    from pydantic import ValidationError

    from bot.startup_wait import TelegramUnavailable
    from core.settings import MissingSetting, describe_error, get_settings
    from locales import t
    from plans.errors import UserError
    from storage.db import DatabaseUnavailable, database_problem

#: Every subcommand and the module that registers it (``register(subparsers)``), in the
#: order ``--help`` lists them. ``main`` imports only the module of the command it is
#: given: ``cchc-bot run`` has no use for the plan importer's or the PAR index's parsers.
COMMANDS: dict[str, str] = {
    "run": "bot.commands.run",
    "db": "bot.commands.db",
    "org": "bot.commands.setup",
    "unit": "bot.commands.setup",
    "person": "bot.commands.setup",
    "reminders": "bot.commands.reminders",
    "import-plan": "bot.commands.plans",
    "parse-deadline": "bot.commands.plans",
    "backup": "bot.commands.backup",
    "demo": "bot.commands.demo",
    "export-status": "bot.commands.export",
    "import-scores": "bot.commands.par_index",
    "export-evidence": "bot.commands.par_index",
    "season": "bot.commands.par_index",
    "parse-update": "bot.commands.understanding",
    "overview": "bot.commands.figures",
    "health": "bot.commands.health",
}

COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


class _Parser(argparse.ArgumentParser):
    """argparse that keeps the examples in the epilog laid out as written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # argparse's own, passed on
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``cchc-bot`` parser, with every command, or only the one ``argv`` starts with.

    A known command first in ``argv`` is all argparse needs to parse that command line.
    Anything else (no command, ``--help``, a mistyped name) gets every command: the full
    list in the help, and argparse's own "invalid choice" error.
    """
    first = list(argv)[:1] if argv is not None else []
    modules = (COMMANDS[first[0]],) if first and first[0] in COMMANDS else COMMAND_MODULES
    parser = _Parser(
        prog="cchc-bot",
        description=t("cli.description"),
        epilog=t("cli.epilog"),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def _language() -> str:
    try:
        return get_settings().default_language
    except ValidationError:
        return "vi"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    lang = _language()
    try:
        result = args.handler(args)
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except ValidationError as exc:
        variable, reason = describe_error(exc)
        print(
            t("cli.error.setting_invalid", lang, variable=variable, reason=reason), file=sys.stderr
        )
        return 2
    except MissingSetting as exc:
        print(t("cli.error.setting_missing", lang, variable=exc.variable), file=sys.stderr)
        return 2
    except UserError as exc:
        print(t(exc.key, lang, **exc.params), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("interrupted")
        return 130
    except TelegramUnavailable as exc:
        print(
            t(
                "cli.error.telegram_unavailable",
                lang,
                variable=exc.variable,
                where=exc.where,
                reason=exc.reason,
            ),
            file=sys.stderr,
        )
        return 3
    except Exception as exc:
        problem = _database_problem(exc)
        if problem is None:
            raise
        print(_database_line(problem, lang), file=sys.stderr)
        return 3


def _database_problem(exc: BaseException) -> DatabaseUnavailable | None:
    try:
        url = get_settings().database_url
    except ValidationError:
        url = ""
    return database_problem(exc, url)


def _database_line(problem: DatabaseUnavailable, lang: str) -> str:
    """One line: what failed, where, why, and the variable to fix (never a traceback)."""
    return t(
        "cli.error.database_unavailable",
        lang,
        variable=problem.variable,
        where=problem.where,
        reason=problem.reason,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
