"""``cchc-bot reminders preview``: what would be sent when, to whom -- nothing is sent."""

from __future__ import annotations

import argparse
import json
import re
from datetime import date

from bot.commands.common import database
from core.settings import get_settings
from locales import t
from plans.errors import UserError

MAX_DAYS = 366


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("reminders", help=t("reminders.cli.help"))
    sub = group.add_subparsers(dest="reminders_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser(
        "preview",
        help=t("reminders.cli.preview.help"),
        description=t("reminders.cli.preview.help"),
        epilog=t("reminders.cli.preview.example"),
    )
    p.add_argument("--org", required=True, help=t("reminders.cli.org"))
    p.add_argument("--from", dest="start", default=None, help=t("reminders.cli.from"))
    p.add_argument("--days", default="14", help=t("reminders.cli.days"))
    p.add_argument("--json", action="store_true", help=t("reminders.cli.json"))
    p.set_defaults(handler=_preview)


def parse_day(text: str) -> date:
    """``03/06/2024``, ``3/6/2024`` or ``2024-06-03``; anything else is a polite error."""
    value = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(value)
    except ValueError:
        raise UserError("reminders.cli.bad_date", value=text) from None


def parse_days(text: str) -> int:
    try:
        days = int(str(text).strip())
    except ValueError:
        raise UserError("reminders.cli.bad_days", value=text) from None
    if not 1 <= days <= MAX_DAYS:
        raise UserError("reminders.cli.bad_days", value=text)
    return days


async def _preview(args: argparse.Namespace) -> int:
    from scheduler.preview import preview

    settings = get_settings()
    lang = settings.default_language
    days = parse_days(args.days)
    start = parse_day(args.start) if args.start else None
    async with database(settings) as db:
        if start is None:
            from datetime import datetime

            start = datetime.now(settings.tz).date()
        result = await preview(db, args.org, start, days)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(format_preview(result, lang))
    return 0


def format_preview(result: object, lang: str) -> str:
    """The human table: one block per day, one line per message."""
    from datetime import timedelta

    from scheduler.preview import Preview, PreviewMessage

    assert isinstance(result, Preview)
    end = result.start + timedelta(days=result.days - 1)
    lines = [
        t(
            "reminders.preview.header",
            lang,
            org=result.organization,
            start=result.start.strftime("%d/%m/%Y"),
            end=end.strftime("%d/%m/%Y"),
            time=result.digest_time,
        )
    ]
    if not result.messages:
        lines.append(t("reminders.preview.none", lang))
        return "\n".join(lines)
    by_day: dict[date, list[PreviewMessage]] = {}
    for m in result.messages:
        by_day.setdefault(m.at.date(), []).append(m)
    for offset in range(result.days):
        day = result.start + timedelta(days=offset)
        weekday = t(f"reminders.weekday.{day.weekday()}", lang)
        if day in result.days_off and day not in by_day:
            lines.append(
                t("reminders.preview.day_off", lang, weekday=weekday, date=day.strftime("%d/%m/%Y"))
            )
            continue
        if day not in by_day:
            continue
        lines.append(
            t("reminders.preview.day", lang, weekday=weekday, date=day.strftime("%d/%m/%Y"))
        )
        for m in by_day[day]:
            role = (
                t("reminders.preview.group", lang)
                if m.role == "group"
                else t(f"role.{m.role}", lang)
            )
            numbers = ", ".join(str(n) for n in m.task_numbers)
            summary = ", ".join(t(f"reminders.occasion.{k}", lang) for k in m.kinds) + (
                f" — {numbers}" if numbers else ""
            )
            lines.append(
                t(
                    "reminders.preview.line",
                    lang,
                    time=m.at.strftime("%H:%M"),
                    recipient=m.recipient,
                    role=role,
                    summary=summary,
                )
            )
    people = len({m.chat_id for m in result.messages})
    lines.append(t("reminders.preview.total", lang, count=len(result.messages), people=people))
    return "\n".join(lines)
