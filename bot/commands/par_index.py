"""``cchc-bot import-scores`` and ``cchc-bot export-evidence``: the PAR INDEX desk offline.

``import-scores`` reads a scorecard (a scoring-software table or the prose of
a "nâng cao Chỉ số CCHC" plan) with the same reader as the chat's
``/nhapdiem`` and writes it with the same service, in one transaction;
``--dry-run --json`` prints what was read in the public JSON shape
(:meth:`plans.par_index.model.Scorecard.to_json`). ``export-evidence`` writes
the evidence index for the self-assessment dossier and, with ``--files``,
downloads the files themselves from Telegram.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.commands import SubParsers
from bot.commands.common import add_import_arguments, database, read_file
from core.settings import Settings, get_settings
from locales import t
from plans.errors import UserError
from plans.importing import PlanImportError
from plans.par_index.evidence_index import IndexRow, render_evidence_xlsx
from plans.par_index.reader import load_scores
from plans.par_index.render import import_summary
from plans.par_index.season import KEY as SEASON_KEY
from plans.par_index.season import Season, parse_deadline_text
from storage.directory import require_organization
from storage.models import Organization
from storage.par_index import evidence_index, save_scorecard
from storage.reports import calendar_settings


def register(subparsers: SubParsers) -> None:
    p = subparsers.add_parser(
        "import-scores",
        help=t("par_index.cli.import.help"),
        description=t("par_index.cli.import.help"),
        epilog=t("par_index.cli.import.example"),
    )
    add_import_arguments(
        p,
        file_help=t("par_index.cli.import.file"),
        year_help=t("par_index.cli.import.year"),
        dry_run_help=t("par_index.cli.import.dry_run"),
    )
    p.add_argument("--json", action="store_true", help=t("par_index.cli.import.json"))
    p.set_defaults(handler=_import_scores)

    p = subparsers.add_parser(
        "export-evidence",
        help=t("par_index.cli.evidence.help"),
        description=t("par_index.cli.evidence.help"),
        epilog=t("par_index.cli.evidence.example"),
    )
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--year", type=int, help=t("par_index.cli.evidence.year"))
    p.add_argument("--out", required=True, help=t("par_index.cli.evidence.out"))
    p.add_argument("--files", help=t("par_index.cli.evidence.files"))
    p.add_argument("--max-mb", type=float, default=20.0, help=t("par_index.cli.evidence.max_mb"))
    p.set_defaults(handler=_export_evidence)

    p = subparsers.add_parser(
        "season",
        help=t("par_index.cli.season.help"),
        description=t("par_index.cli.season.help"),
        epilog=t("par_index.cli.season.example"),
    )
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--deadline", help=t("par_index.cli.season.deadline"))
    p.add_argument("--remind", help=t("par_index.cli.season.remind"))
    p.set_defaults(handler=_season)


async def _import_scores(args: argparse.Namespace) -> int:
    settings = get_settings()
    lang = settings.default_language
    data, name = read_file(args.file, "par_index.error.file_not_found")
    try:
        card = load_scores(data, name, year=args.year)
    except PlanImportError as exc:
        print(t(exc.key, lang, **exc.params), file=sys.stderr)
        return 1
    year = args.year or card.year
    if year is None:
        raise UserError("par_index.error.no_year", filename=name)
    card.year = year
    async with database(settings) as db:
        if args.dry_run:
            async with db.read() as session:
                org = await require_organization(session, args.org)
        else:
            async with db.write() as session:
                org = await require_organization(session, args.org)
                await save_scorecard(
                    session,
                    org.id,
                    card,
                    year=year,
                    person_id=None,
                    actor="cli",
                    at=datetime.now(UTC),
                )
    text = import_summary(card, org.name, year, lang, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(card.to_json(), ensure_ascii=False, indent=2))
        print(text, file=sys.stderr)
    else:
        print(text)
    return 0


async def _export_evidence(args: argparse.Namespace) -> int:
    settings = get_settings()
    lang = settings.default_language
    now = datetime.now(UTC)
    async with database(settings) as db:
        async with db.read() as session:
            org = await require_organization(session, args.org)
            found = await evidence_index(session, org.id, now=now, year=args.year)
            org_row = await session.get(Organization, org.id)
    if found is None or org_row is None:
        raise UserError("par_index.error.no_scorecard", org=args.org)
    year, rows = found
    tz = calendar_settings(org_row).tzinfo
    data = render_evidence_xlsx(rows, org_name=org.name, year=year, tz=tz, lang=lang)
    out = _write(Path(args.out), data)
    with_files = sum(1 for r in rows if r.document)
    print(t("par_index.cli.evidence.written", lang, path=str(out), rows=with_files, year=year))
    if args.files:
        await _download(settings, rows, Path(args.files), args.max_mb, lang)
    return 0


async def _download(
    settings: Settings, rows: list[IndexRow], folder: Path, max_mb: float, lang: str
) -> None:
    """Fetch each file from Telegram into ``folder``, one progress line per file."""
    from telegram import Bot
    from telegram.error import TelegramError

    wanted = [r for r in rows if r.file_id]
    _write(folder, None)
    limit = int(max_mb * 1024 * 1024)
    bot = Bot(settings.token(), base_url=settings.bot_api_base_url, base_file_url=settings.file_url)
    saved = 0
    async with bot:
        for index, row in enumerate(wanted, start=1):
            name = safe_name(row.code, index, row.document or row.file_id or "")
            if row.file_size is not None and row.file_size > limit:
                print(
                    t(
                        "par_index.cli.evidence.too_big",
                        lang,
                        n=index,
                        total=len(wanted),
                        name=name,
                        size_mb=round(row.file_size / 1048576, 1),
                    ),
                    file=sys.stderr,
                )
                continue
            try:
                assert row.file_id is not None  # wanted holds only rows with a file
                remote = await bot.get_file(row.file_id)
                if remote.file_size is not None and remote.file_size > limit:
                    raise ValueError("too big")
                await remote.download_to_drive(folder / name)
            except (TelegramError, ValueError, OSError) as exc:
                print(
                    t(
                        "par_index.cli.evidence.failed",
                        lang,
                        n=index,
                        total=len(wanted),
                        name=name,
                        error=type(exc).__name__,
                    ),
                    file=sys.stderr,
                )
                continue
            saved += 1
            print(
                t("par_index.cli.evidence.progress", lang, n=index, total=len(wanted), name=name),
                file=sys.stderr,
            )
    print(t("par_index.cli.evidence.downloaded", lang, count=saved, folder=str(folder)))


def _write(path: Path, data: bytes | None) -> Path:
    """Write ``data`` to ``path`` (or create the folder ``path`` when ``data`` is None)."""
    if data is None:
        path.mkdir(parents=True, exist_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def safe_name(code: str, index: int, name: str) -> str:
    """ "3.2_001_Ke hoach so 15.pdf": the code first so the folder sorts by criterion."""
    base = Path(name).name if name else "tep"
    base = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in base).strip() or "tep"
    return f"{code}_{index:03d}_{base}"[:150]


async def _season(args: argparse.Namespace) -> int:
    settings = get_settings()
    lang = settings.default_language
    async with database(settings) as db:
        async with db.write() as session:
            info = await require_organization(session, args.org)
            org = await session.get(Organization, info.id)
            assert org is not None
            season = Season.from_settings(org.calendar_settings)
            if args.deadline or args.remind:
                try:
                    day, month = (
                        parse_deadline_text(args.deadline)
                        if args.deadline
                        else (season.day, season.month)
                    )
                    leads = (
                        tuple(sorted({int(n) for n in args.remind.split(",")}, reverse=True))
                        if args.remind
                        else season.remind_working_days
                    )
                    season = Season(day=day, month=month, remind_working_days=leads)
                except ValueError as exc:
                    text = args.deadline if args.deadline else args.remind
                    raise UserError("par_index.cli.season.bad", text=text) from exc
                org.calendar_settings = {
                    **(org.calendar_settings or {}),
                    SEASON_KEY: season.to_dict(),
                }
            year = datetime.now(calendar_settings(org).tzinfo).year
    print(
        t(
            "par_index.cli.season.shown",
            lang,
            org=info.name,
            day=season.day,
            month=season.month,
            year=year,
            deadline=season.deadline(year).strftime("%d/%m/%Y"),
            days=", ".join(d.strftime("%d/%m/%Y") for d in season.reminder_days(year)),
        )
    )
    return 0
