"""``cchc-bot person import FILE --org ORG``: the office's staff list in, invitations out.

Reads the roster (``plans.roster``), checks and writes it in one transaction
(``storage.roster_import``), then writes next to the list an .xlsx of names
with invitation links and QR codes, and one PNG QR code per person, for the
clerk to pass on by Zalo or on paper. ``--dry-run`` checks and shows the
result without saving or writing anything; ``--json`` prints the report as
JSON (a public contract, tested in tests/test_roster.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.commands import SubParsers
from core.settings import get_settings
from locales import t
from plans.errors import UserError
from plans.roster import RosterError, read_roster
from plans.roster_report import render_problems, render_report
from plans.roster_sheet import InviteRow, invitation_workbook, png_name, qr_png
from storage.db import Database
from storage.directory import require_organization
from storage.roster_import import import_roster, invite_rows


def add_import_action(person: SubParsers) -> None:
    """Register ``person import`` (called by ``bot.commands.setup``)."""
    from bot.commands.setup import _run

    p = person.add_parser(
        "import",
        help=t("cli.person.import.help"),
        description=t("cli.person.import.help"),
        epilog=t("cli.person.import.example"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help=t("cli.person.import.file"))
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--dry-run", action="store_true", help=t("cli.person.import.dry_run"))
    p.add_argument("--out", help=t("cli.person.import.out"))
    p.add_argument("--bot-username", help=t("cli.person.import.bot_username"))
    p.add_argument("--json", action="store_true", help=t("cli.person.import.json"))
    p.set_defaults(handler=_run(_person_import))


def invitation_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


async def _person_import(args: argparse.Namespace, db: Database, lang: str) -> int:
    path = Path(args.file)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise UserError("roster.error.missing", filename=str(path)) from exc
    settings = get_settings()
    username = args.bot_username or settings.telegram_bot_username
    try:
        roster = read_roster(data, path.name)
        async with db.write() as session:
            org = await require_organization(session, args.org)
            now = datetime.now(UTC)
            report = await import_roster(
                session, org.id, roster, now=now, dry_run=args.dry_run, actor="cli"
            )
            if not args.dry_run and report.invitations and not username:
                raise UserError("roster.error.no_bot_username")  # rolls the import back
    except RosterError as exc:
        print(render_problems(exc, path.name, lang), file=sys.stderr)
        return 1

    def link_for(code: str) -> str:
        return invitation_link(username or "BOT", code)

    rows = invite_rows(report, link_for, settings.tz) if not args.dry_run else []
    written: dict[str, str | None] = {"workbook": None, "qr_folder": None}
    if rows:
        out = Path(args.out) if args.out else path.parent
        written = await asyncio.to_thread(_write_outputs, rows, out, path.stem, org.name, lang)
    if args.json:
        payload = report.to_json(link_for if username else None)
        payload.update(written)
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    print(render_report(report, lang))
    if written["workbook"]:
        print(
            t(
                "roster.report.files",
                lang,
                workbook=written["workbook"],
                folder=written["qr_folder"],
            )
        )
    elif not args.dry_run and not report.invitations:
        print(t("roster.report.no_invitations", lang))
    return 0


def _write_outputs(
    rows: list[InviteRow], out: Path, stem: str, organization: str, lang: str
) -> dict[str, str | None]:
    """The invitation sheet and one PNG QR code per person, next to the roster."""
    out.mkdir(parents=True, exist_ok=True)
    pngs = [qr_png(row.link) for row in rows]
    workbook = out / f"{stem}-{t('roster.sheet.filename', lang)}.xlsx"
    workbook.write_bytes(
        invitation_workbook(rows, organization=organization, lang=lang, pictures=pngs)
    )
    folder = out / f"{stem}-qr"
    folder.mkdir(exist_ok=True)
    for index, (row, png) in enumerate(zip(rows, pngs, strict=True), start=1):
        (folder / png_name(index, row.full_name)).write_bytes(png)
    return {"workbook": str(workbook), "qr_folder": str(folder)}
