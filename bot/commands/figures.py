"""``cchc-bot overview``: /tongquan's figures without Telegram, as text or stable JSON.

The JSON is a public contract (tests/test_overview_cli.py pins its keys):
the same ``storage.reports.overview`` the chat and the appendix use, so a
script reading it sees exactly the numbers the chairman sees.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from bot.commands import SubParsers
from bot.commands.common import database
from core.settings import get_settings
from locales import t
from plans.calendar import parse_period_arg
from plans.completion import standing_sentence
from plans.errors import UserError
from storage import reports
from storage.directory import require_organization


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "overview",
        help=t("figures.cli.overview.help"),
        description=t("figures.cli.overview.help"),
        epilog=t("figures.cli.overview.example"),
    )
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--period", help=t("chairman.cli.period"))
    p.add_argument("--year", type=int, help=t("chairman.cli.year"))
    p.add_argument("--as-of", dest="as_of", default=None, help=t("chairman.cli.as_of"))
    p.add_argument("--json", action="store_true", help=t("figures.cli.overview.json"))
    p.set_defaults(handler=_overview)


def _group(g: reports.GroupLine) -> dict[str, object]:
    return {
        "key": g.key,
        "label": g.label,
        "total": g.total,
        "done": g.done,
        "on_track": g.on_track,
        "behind": g.behind,
        "not_started": g.not_started,
        "overdue": g.overdue,
        "due_soon": g.due_soon,
        "mean_percent": g.mean_percent if g.with_figure else None,
        "with_figure": g.with_figure,
    }


def as_json(ov: reports.Overview) -> dict[str, object]:
    """The contract: totals, the five standings, the mean and its base, the breakdowns."""
    s = ov.summary
    return {
        "organization": ov.org_name,
        "as_of": ov.as_of.isoformat(),
        "today": ov.today.isoformat(),
        "period": ov.period.code if ov.period is not None else None,
        "total": s.total,
        "done": s.done,
        "on_track": s.on_track,
        "behind": s.behind,
        "overdue": s.overdue,
        "not_started": s.not_started,
        "due_soon": s.due_soon,
        "mean_percent": s.mean_percent if s.with_figure else None,
        "with_figure": s.with_figure,
        "unassigned": list(ov.unassigned),
        "sentence": standing_sentence(s, "vi"),
        "by_field": [_group(g) for g in ov.by_field],
        "by_unit": [_group(g) for g in ov.by_unit],
    }


async def _overview(args: argparse.Namespace) -> int:
    settings = get_settings()
    lang = settings.default_language
    async with database(settings) as db:
        async with db.read() as session:
            org = await require_organization(session, args.org)
            tz = reports.calendar_settings(org).tzinfo
            now = datetime.now(UTC)
            if args.as_of:
                try:
                    now = datetime.fromisoformat(args.as_of)
                except ValueError as exc:
                    raise UserError("chairman.cli.bad_as_of", text=args.as_of) from exc
                now = now if now.tzinfo else now.replace(tzinfo=tz)
            per = None
            if args.period:
                parsed = parse_period_arg(args.period, args.year or now.astimezone(tz).year)
                if parsed is None:
                    raise UserError("chairman.cli.bad_period", text=args.period)
                per = reports.resolve_period(org, parsed, now)
            ov = await reports.overview(session, org.id, now=now, period=per)
    if args.json:
        print(json.dumps(as_json(ov), ensure_ascii=False, indent=2))
    else:
        day = ov.today.strftime("%d/%m/%Y")
        print(f"{ov.org_name} — {day}: {standing_sentence(ov.summary, lang)}")
    return 0
