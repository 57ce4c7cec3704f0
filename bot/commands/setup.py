"""``cchc-bot org|unit|person …``: set an organization up without Telegram.

The office often prepares the list of units and officers before anyone has
opened the bot; these commands write the same rows the chat flows do.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable

from bot.commands import SubParsers, roster
from bot.commands.common import database
from core.settings import get_settings
from locales import t
from storage.db import Database
from storage.directory import (
    add_alias,
    add_organization,
    add_person,
    add_unit,
    list_organizations,
    list_people,
    list_units,
    require_organization,
)
from storage.models import OrgKind, Role

KIND_CHOICES = [k.value for k in OrgKind]
ROLE_CHOICES = [r.value for r in Role]


def _group(subparsers: SubParsers, name: str) -> SubParsers:
    parser = subparsers.add_parser(
        name, help=t(f"cli.{name}.help"), description=t(f"cli.{name}.help")
    )
    sub = parser.add_subparsers(dest=f"{name}_command", metavar="ACTION")
    sub.required = True
    return sub


def _action(sub: SubParsers, group: str, name: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=t(f"cli.{group}.{name}.help"),
        description=t(f"cli.{group}.{name}.help"),
        epilog=t(f"cli.{group}.{name}.example"),
    )


def register(subparsers: SubParsers) -> None:
    org = _group(subparsers, "org")
    p = _action(org, "org", "add")
    p.add_argument("name", help=t("cli.org.add.name"))
    p.add_argument("--kind", choices=KIND_CHOICES, help=t("cli.org.add.kind"))
    p.add_argument("--parent", help=t("cli.org.add.parent"))
    p.add_argument("--timezone", default=None, help=t("cli.org.add.timezone"))
    p.set_defaults(handler=_run(_org_add))
    p = _action(org, "org", "list")
    p.set_defaults(handler=_run(_org_list))

    unit = _group(subparsers, "unit")
    p = _action(unit, "unit", "add")
    p.add_argument("name", help=t("cli.unit.add.name"))
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument("--alias", action="append", default=[], help=t("cli.unit.add.alias"))
    p.set_defaults(handler=_run(_unit_add))
    p = _action(unit, "unit", "alias")
    p.add_argument("unit", help=t("cli.unit.alias.unit"))
    p.add_argument("alias", help=t("cli.unit.alias.alias"))
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.set_defaults(handler=_run(_unit_alias))
    p = _action(unit, "unit", "list")
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.set_defaults(handler=_run(_unit_list))

    person = _group(subparsers, "person")
    p = _action(person, "person", "add")
    p.add_argument("name", help=t("cli.person.add.name"))
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.add_argument(
        "--role", choices=ROLE_CHOICES, default=Role.OFFICER.value, help=t("cli.person.add.role")
    )
    p.add_argument("--unit", action="append", default=[], help=t("cli.person.add.unit"))
    p.add_argument("--telegram-id", type=int, help=t("cli.person.add.telegram_id"))
    p.add_argument("--language", choices=["vi", "en"], help=t("cli.person.add.language"))
    p.set_defaults(handler=_run(_person_add))
    p = _action(person, "person", "list")
    p.add_argument("--org", required=True, help=t("cli.option.org"))
    p.set_defaults(handler=_run(_person_list))
    roster.add_import_action(person)


Action = Callable[[argparse.Namespace, Database, str], Awaitable[int]]


def _run(action: Action) -> Callable[[argparse.Namespace], Awaitable[int]]:
    """Open the database (migrated) around one CLI action."""

    async def runner(args: argparse.Namespace) -> int:
        settings = get_settings()
        async with database(settings) as db:
            return await action(args, db, settings.default_language)

    return runner


async def _org_add(args: argparse.Namespace, db: Database, lang: str) -> int:
    settings = get_settings()
    async with db.write() as session:
        info = await add_organization(
            session,
            args.name,
            kind=OrgKind(args.kind) if args.kind else None,
            parent=args.parent,
            timezone=args.timezone or settings.timezone,
        )
    print(
        t(
            "cli.org.added",
            lang,
            name=info.name,
            kind=t(f"org.kind.{info.kind.value}", lang),
            id=info.id,
        )
    )
    return 0


async def _org_list(args: argparse.Namespace, db: Database, lang: str) -> int:
    async with db.read() as session:
        orgs = await list_organizations(session)
    if not orgs:
        print(t("cli.org.none", lang))
    for org in orgs:
        print(
            t(
                "cli.org.line",
                lang,
                id=org.id,
                name=org.name,
                kind=t(f"org.kind.{org.kind.value}", lang),
            )
        )
    return 0


async def _unit_add(args: argparse.Namespace, db: Database, lang: str) -> int:
    async with db.write() as session:
        org = await require_organization(session, args.org)
        info = await add_unit(session, org.id, args.name, args.alias)
    print(
        t(
            "cli.unit.added",
            lang,
            name=info.name,
            org=org.name,
            aliases=", ".join(info.aliases) or "—",
        )
    )
    return 0


async def _unit_alias(args: argparse.Namespace, db: Database, lang: str) -> int:
    async with db.write() as session:
        org = await require_organization(session, args.org)
        info = await add_alias(session, org.id, args.unit, args.alias)
    print(t("cli.unit.aliased", lang, name=info.name, aliases=", ".join(info.aliases)))
    return 0


async def _unit_list(args: argparse.Namespace, db: Database, lang: str) -> int:
    async with db.read() as session:
        org = await require_organization(session, args.org)
        units = await list_units(session, org.id)
    if not units:
        print(t("cli.unit.none", lang, org=org.name))
    for unit in units:
        print(
            t(
                "cli.unit.line",
                lang,
                id=unit.id,
                name=unit.name,
                aliases=", ".join(unit.aliases) or "—",
            )
        )
    return 0


async def _person_add(args: argparse.Namespace, db: Database, lang: str) -> int:
    async with db.write() as session:
        org = await require_organization(session, args.org)
        info = await add_person(
            session,
            org.id,
            args.name,
            Role(args.role),
            telegram_user_id=args.telegram_id,
            unit_names=args.unit,
            language=args.language,
        )
    print(
        t(
            "cli.person.added",
            lang,
            name=info.full_name,
            role=t(f"role.{info.role.value}", lang),
            org=org.name,
        )
    )
    return 0


async def _person_list(args: argparse.Namespace, db: Database, lang: str) -> int:
    async with db.read() as session:
        org = await require_organization(session, args.org)
        people = await list_people(session, org.id)
        units = {u.id: u.name for u in await list_units(session, org.id)}
    if not people:
        print(t("cli.person.none", lang, org=org.name))
    for person in people:
        print(
            t(
                "cli.person.line",
                lang,
                id=person.id,
                name=person.full_name,
                role=t(f"role.{person.role.value}", lang),
                units=", ".join(units[u] for u in person.unit_ids) or "—",
                telegram_id=person.telegram_user_id or "—",
            )
        )
    return 0
