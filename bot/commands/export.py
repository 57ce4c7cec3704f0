"""``cchc-bot export-status``: the progress table as a file, without Telegram.

The office's twin of ``/baocao``: the same query (``storage.reports``) and
the same renderers, so the file on the clerk's disk and the one the chairman
got in chat are identical for the same period and instant.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from bot.commands import SubParsers
from bot.commands.common import database
from core.settings import get_settings
from locales import t
from plans.calendar import parse_period_arg
from plans.errors import UserError
from plans.status_table import StatusTable
from storage import report_records, reports
from storage.directory import require_organization

FORMATS = ("csv", "docx", "xlsx")


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "export-status",
        help=t("chairman.cli.help"),
        description=t("chairman.cli.help"),
        epilog=t("chairman.cli.example"),
    )
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--period", help=t("chairman.cli.period"))
    p.add_argument("--year", type=int, help=t("chairman.cli.year"))
    p.add_argument("--format", choices=FORMATS, help=t("chairman.cli.format"))
    p.add_argument("--out", required=True, help=t("chairman.cli.out"))
    p.add_argument("--lang", choices=["vi", "en"], default=None, help=t("chairman.cli.lang"))
    p.add_argument("--as-of", dest="as_of", default=None, help=t("chairman.cli.as_of"))
    p.set_defaults(handler=_export)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise UserError("chairman.cli.bad_format", out=args.out)


def _now(args: argparse.Namespace, tz: tzinfo) -> datetime:
    if not args.as_of:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(args.as_of)
    except ValueError as exc:
        raise UserError("chairman.cli.bad_as_of", text=args.as_of) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def _export(args: argparse.Namespace) -> int:
    settings = get_settings()
    lang = args.lang or settings.default_language
    fmt = _format(args)
    async with database(settings) as db:
        async with db.read() as session:
            org = await require_organization(session, args.org)
            tz = reports.calendar_settings(org).tzinfo
            now = _now(args, tz)
            year = args.year or now.astimezone(tz).year
            if args.period:
                parsed = parse_period_arg(args.period, year)
                if parsed is None:
                    raise UserError("chairman.cli.bad_period", text=args.period)
                per = reports.resolve_period(org, parsed, now)
            else:
                per = reports.resolve_period(org, None, now)
            table = await reports.build_status_table(session, org.id, per, now=now)
            await report_records.apply_record(session, org.id, table, per.code)
    started = time.perf_counter()
    data = _renderer(fmt)(table, lang)
    elapsed = time.perf_counter() - started
    out = Path(args.out)
    await asyncio.to_thread(_write, out, data)
    done, total = table.summary_counts()
    print(
        t(
            "chairman.cli.written",
            lang,
            period=per.label(lang),
            org=org.name,
            done=done,
            total=total,
            path=str(out),
            size=len(data),
            seconds=f"{elapsed:.2f}",
        )
    )
    print(table.summary_sentence(lang))
    return 0


def _renderer(fmt: str) -> Callable[[StatusTable, str], bytes]:
    """The writer of one format, imported when used: the bot's other commands never pay for it."""
    if fmt == "docx":
        from plans.export_docx import render_docx

        return render_docx
    if fmt == "xlsx":
        from plans.export_xlsx import render_xlsx

        return render_xlsx
    from plans.export_csv import render_csv

    return render_csv
