"""``cchc-bot import-plan`` and ``cchc-bot parse-deadline``: plans in, without Telegram.

The office often has the signed plan as a file before anyone opens the bot;
``import-plan`` reads it with the same importer and writes it with the same
storage service the chat upload uses, in one transaction (a bad file or a
failure half-way changes nothing). ``--dry-run --json`` prints exactly what
was read, in the importer's stable JSON shape, so a plan keeper (or a test)
can check a document before it goes in. ``parse-deadline`` lets anyone try
the deadline grammar on a cell's text.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime

from bot.commands import SubParsers
from bot.commands.common import add_import_arguments, database, read_file
from core.settings import get_settings
from locales import t
from plans.deadlines import DeadlineKind, parse_deadline
from plans.errors import UserError
from plans.importing import PlanImportError, load_plan
from plans.importing.outcome import ImportPreview, ImportReport, render_report
from storage.directory import require_organization
from storage.plan_import import import_plan, preview_import
from storage.reports import calendar_settings, imported_figures_date


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "import-plan",
        help=t("plan_import.cli.import.help"),
        description=t("plan_import.cli.import.help"),
        epilog=t("plan_import.cli.import.example"),
    )
    add_import_arguments(
        p,
        file_help=t("plan_import.cli.import.file"),
        year_help=t("plan_import.cli.import.year"),
        dry_run_help=t("plan_import.cli.import.dry_run"),
    )
    p.add_argument("--as-of", dest="as_of", help=t("figures.cli.as_of"))
    p.add_argument("--json", action="store_true", help=t("plan_import.cli.import.json"))
    p.add_argument(
        "--no-create-units",
        action="store_true",
        help=t("plan_import.cli.import.no_create_units"),
    )
    p.set_defaults(handler=_import_plan)

    p = subparsers.add_parser(
        "parse-deadline",
        help=t("plan_import.cli.deadline.help"),
        description=t("plan_import.cli.deadline.help"),
        epilog=t("plan_import.cli.deadline.example"),
    )
    p.add_argument("text", help=t("plan_import.cli.deadline.text"))
    p.add_argument("--year", type=int, help=t("plan_import.cli.deadline.year"))
    p.add_argument("--json", action="store_true", help=t("plan_import.cli.deadline.json"))
    p.set_defaults(handler=_parse_deadline)


def _as_of_day(text: str | None) -> date | None:
    """``--as-of 2023-06-14`` or ``14/06/2023``; anything else is refused with an example."""
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise UserError("figures.cli.bad_as_of", text=text)


async def _import_plan(args: argparse.Namespace) -> int:
    settings = get_settings()
    lang = settings.default_language
    data, name = read_file(args.file, "plan_import.error.file_not_found")
    as_of = _as_of_day(args.as_of)
    try:
        plan = load_plan(data, name, year=args.year)
    except PlanImportError as exc:
        print(t(exc.key, lang, **exc.params), file=sys.stderr)
        return 1
    result: ImportPreview | ImportReport
    async with database(settings) as db:
        if args.dry_run:
            async with db.read() as session:
                org = await require_organization(session, args.org)
                result = await preview_import(session, org.id, plan)
        else:
            async with db.write() as session:
                org = await require_organization(session, args.org)
                now = datetime.now(UTC)
                counted = None
                if as_of is not None:
                    settings_org = calendar_settings(org)
                    progress_at, counted = imported_figures_date(as_of, now, settings_org)
                result = await import_plan(
                    session,
                    org.id,
                    plan,
                    create_missing_units=not args.no_create_units,
                    actor="cli",
                    at=now,
                    progress_at=progress_at if as_of is not None else None,
                )
    text = render_report(result, lang)
    if as_of is not None and not args.dry_run and counted is not None:
        text += "\n" + t(
            "figures.import.as_of",
            lang,
            date=as_of.strftime("%d/%m/%Y"),
            period=counted.label(lang),
        )
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
        print(text, file=sys.stderr)
    else:
        print(text)
    return 0


def _parse_deadline(args: argparse.Namespace) -> int:
    lang = get_settings().default_language
    deadline = parse_deadline(args.text, args.year)
    due = deadline.due_date
    if args.json:
        print(
            json.dumps(
                {
                    "text": deadline.text,
                    "kind": str(deadline.kind),
                    "due_date": due.isoformat() if due else None,
                    "milestones": [m.as_json() for m in deadline.milestones],
                },
                ensure_ascii=False,
            )
        )
        return 0
    shown = due.strftime("%d/%m/%Y") if due else ""
    if deadline.kind is DeadlineKind.DATE and due is not None:
        print(t("plan_import.deadline.date", lang, text=deadline.text, date=shown))
    elif deadline.kind is DeadlineKind.RECURRING:
        key = "plan_import.deadline.recurring_dated" if due else "plan_import.deadline.recurring"
        print(t(key, lang, text=deadline.text, date=shown))
    elif deadline.kind is DeadlineKind.EVENT:
        print(t("plan_import.deadline.event", lang, text=deadline.text))
    else:
        key = (
            "plan_import.deadline.unknown_no_year"
            if args.year is None
            else "plan_import.deadline.unknown"
        )
        print(t(key, lang, text=deadline.text or args.text))
    if len(deadline.milestones) > 1:
        dates = ", ".join(m.due.strftime("%d/%m/%Y") for m in deadline.milestones)
        print(t("deadlines.milestones", lang, dates=dates))
    if deadline.kind is DeadlineKind.RECURRING and deadline.milestones:
        print(t("deadlines.recurring_after", lang))
    return 0
