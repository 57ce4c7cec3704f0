"""Organizations, units and people: the set-up a plan keeper does once.

Used by the CLI (``cchc-bot org add`` …) and by the chat handlers alike, so
the same rules (unique names compared without case or tone-mark quirks, a
person belongs to one organization, officers to one or more units) hold
whichever way the data comes in. Functions take an open session and never
commit: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from plans.text import ascii_key, match_key
from storage.db import Database
from storage.models import (
    AuditLog,
    Organization,
    OrgKind,
    Person,
    PersonStatus,
    PersonUnit,
    Role,
    Unit,
    UnitAlias,
)

_ORG_PREFIXES = ("ubnd ", "uy ban nhan dan ", "ủy ban nhân dân ", "ủy ban nhân dân ")
_KIND_WORDS = {
    "xã ": OrgKind.COMMUNE,
    "phường ": OrgKind.WARD,
    "thị trấn ": OrgKind.TOWNSHIP,
    "huyện ": OrgKind.DISTRICT,
    "thị xã ": OrgKind.DISTRICT,
    "thành phố ": OrgKind.DISTRICT,
}


@dataclass(frozen=True, slots=True)
class OrgInfo:
    id: int
    name: str
    kind: OrgKind
    parent_id: int | None
    timezone: str
    group_chat_id: int | None


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    organization_id: int
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PersonInfo:
    id: int
    organization_id: int
    telegram_user_id: int | None
    full_name: str
    role: Role
    status: PersonStatus
    language: str | None
    reachable: bool
    unit_ids: tuple[int, ...]


def split_org_name(text: str) -> tuple[str, OrgKind | None]:
    """ "UBND xã Vĩnh Khê" → ("Vĩnh Khê", COMMUNE); a bare name keeps no kind."""
    name = " ".join(text.split())
    lowered = name.lower()
    for prefix in _ORG_PREFIXES:
        if lowered.startswith(prefix):
            name = name[len(prefix) :]
            lowered = name.lower()
            break
    for word, kind in _KIND_WORDS.items():
        if lowered.startswith(word):
            return name[len(word) :].strip(), kind
    return name.strip(), None


def org_key(text: str) -> str:
    return match_key(split_org_name(text)[0])


def org_info(org: Organization) -> OrgInfo:
    return OrgInfo(org.id, org.name, org.kind, org.parent_id, org.timezone, org.group_chat_id)


def person_info(person: Person, unit_ids: tuple[int, ...]) -> PersonInfo:
    return PersonInfo(
        person.id,
        person.organization_id,
        person.telegram_user_id,
        person.full_name,
        person.role,
        person.status,
        person.language,
        person.reachable,
        unit_ids,
    )


async def find_organization(session: AsyncSession, name: str) -> Organization | None:
    """Find an organization by any usual way of writing its name, diacritics optional."""
    found = await session.scalar(select(Organization).where(Organization.name_key == org_key(name)))
    if found is not None:
        return found
    wanted = ascii_key(split_org_name(name)[0])
    matches = [
        o for o in await session.scalars(select(Organization)) if ascii_key(o.name) == wanted
    ]
    return matches[0] if len(matches) == 1 else None


async def require_organization(session: AsyncSession, name: str) -> Organization:
    org = await find_organization(session, name)
    if org is None:
        raise UserError("setup.org.not_found", name=name)
    return org


async def add_organization(
    session: AsyncSession,
    name: str,
    *,
    kind: OrgKind | None = None,
    parent: str | None = None,
    timezone: str = "Asia/Ho_Chi_Minh",
    actor: str = "cli",
) -> OrgInfo:
    """Create an organization; the kind is read from the name when not given."""
    bare, kind_from_name = split_org_name(name)
    if not bare:
        raise UserError("setup.org.empty_name")
    if await find_organization(session, bare) is not None:
        raise UserError("setup.org.exists", name=bare)
    parent_org = await require_organization(session, parent) if parent else None
    if parent_org is not None and parent_org.kind is not OrgKind.DISTRICT:
        raise UserError("setup.org.parent_not_district", name=parent_org.name)
    org = Organization(
        name=bare,
        name_key=match_key(bare),
        kind=kind or kind_from_name or OrgKind.COMMUNE,
        parent_id=parent_org.id if parent_org else None,
        timezone=timezone,
        calendar_settings={},
        reminder_policy={},
    )
    session.add(org)
    await session.flush()
    await audit(session, org.id, None, actor, "org.add", "organization", org.id, {"name": bare})
    return org_info(org)


async def list_organizations(session: AsyncSession) -> list[OrgInfo]:
    rows = await session.scalars(select(Organization).order_by(Organization.name))
    return [org_info(o) for o in rows]


async def find_unit(session: AsyncSession, organization_id: int, name: str) -> Unit | None:
    """A unit by its name or one of its confirmed aliases."""
    key = match_key(name)
    unit = await session.scalar(
        select(Unit).where(Unit.organization_id == organization_id, Unit.name_key == key)
    )
    if unit is not None:
        return unit
    return await session.scalar(
        select(Unit)
        .join(UnitAlias, UnitAlias.unit_id == Unit.id)
        .where(UnitAlias.organization_id == organization_id, UnitAlias.alias_key == key)
    )


async def resolve_unit_id(session: AsyncSession, organization_id: int, name: str) -> int | None:
    """A unit by name or alias, diacritics optional ("tu phap - ho tich"); unique only."""
    unit = await find_unit(session, organization_id, name)
    if unit is not None:
        return unit.id
    wanted = ascii_key(name)
    found = {
        u.id
        for u in await list_units(session, organization_id)
        if wanted in {ascii_key(u.name), *(ascii_key(a) for a in u.aliases)}
    }
    return found.pop() if len(found) == 1 else None


async def add_unit(
    session: AsyncSession,
    organization_id: int,
    name: str,
    aliases: list[str] | tuple[str, ...] = (),
    *,
    actor: str = "cli",
    person_id: int | None = None,
) -> UnitInfo:
    name = " ".join(name.split())
    if not name:
        raise UserError("setup.unit.empty_name")
    if await find_unit(session, organization_id, name) is not None:
        raise UserError("setup.unit.exists", name=name)
    unit = Unit(organization_id=organization_id, name=name, name_key=match_key(name))
    session.add(unit)
    await session.flush()
    for alias in aliases:
        await add_alias(session, organization_id, unit.name, alias, actor=actor)
    await audit(
        session, organization_id, person_id, actor, "unit.add", "unit", unit.id, {"name": name}
    )
    return await unit_info(session, unit.id)


async def add_alias(
    session: AsyncSession,
    organization_id: int,
    unit_name: str,
    alias: str,
    *,
    actor: str = "cli",
    person_id: int | None = None,
) -> UnitInfo:
    """Record that ``alias`` is another spelling of ``unit_name``."""
    unit = await find_unit(session, organization_id, unit_name)
    if unit is None:
        raise UserError("setup.unit.not_found", name=unit_name)
    alias = " ".join(alias.split())
    key = match_key(alias)
    if not key:
        raise UserError("setup.unit.empty_name")
    existing = await find_unit(session, organization_id, alias)
    if existing is not None:
        if existing.id == unit.id:
            return await unit_info(session, unit.id)
        raise UserError("setup.alias.taken", alias=alias, unit=existing.name)
    session.add(
        UnitAlias(organization_id=organization_id, unit_id=unit.id, alias=alias, alias_key=key)
    )
    await session.flush()
    await audit(
        session,
        organization_id,
        person_id,
        actor,
        "unit.alias",
        "unit",
        unit.id,
        {"alias": alias},
    )
    return await unit_info(session, unit.id)


async def unit_info(session: AsyncSession, unit_id: int) -> UnitInfo:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise UserError("setup.unit.not_found", name=str(unit_id))
    aliases = await session.scalars(
        select(UnitAlias.alias).where(UnitAlias.unit_id == unit_id).order_by(UnitAlias.alias)
    )
    return UnitInfo(unit.id, unit.organization_id, unit.name, tuple(aliases))


async def list_units(session: AsyncSession, organization_id: int) -> list[UnitInfo]:
    units = await session.scalars(
        select(Unit).where(Unit.organization_id == organization_id).order_by(Unit.name)
    )
    alias_rows = await session.execute(
        select(UnitAlias.unit_id, UnitAlias.alias)
        .where(UnitAlias.organization_id == organization_id)
        .order_by(UnitAlias.alias)
    )
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in alias_rows:
        aliases.setdefault(unit_id, []).append(alias)
    return [UnitInfo(u.id, u.organization_id, u.name, tuple(aliases.get(u.id, ()))) for u in units]


async def add_person(
    session: AsyncSession,
    organization_id: int,
    full_name: str,
    role: Role,
    *,
    telegram_user_id: int | None = None,
    unit_names: list[str] | tuple[str, ...] = (),
    language: str | None = None,
    status: PersonStatus = PersonStatus.ACTIVE,
    actor: str = "cli",
    person_id: int | None = None,
) -> PersonInfo:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise UserError("setup.person.empty_name")
    if telegram_user_id is not None:
        taken = await session.scalar(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        )
        if taken is not None:
            raise UserError(
                "setup.person.telegram_taken", telegram_id=telegram_user_id, name=taken.full_name
            )
    if role is Role.OFFICER and not unit_names:
        raise UserError("setup.person.officer_needs_unit")
    unit_ids: list[int] = []
    for name in unit_names:
        unit = await find_unit(session, organization_id, name)
        if unit is None:
            raise UserError("setup.unit.not_found", name=name)
        if unit.id not in unit_ids:
            unit_ids.append(unit.id)
    person = Person(
        organization_id=organization_id,
        telegram_user_id=telegram_user_id,
        full_name=full_name,
        role=role,
        status=status,
        language=language,
        reachable=True,
    )
    person.units = [PersonUnit(unit_id=u) for u in unit_ids]
    session.add(person)
    await session.flush()
    await audit(
        session,
        organization_id,
        person_id,
        actor,
        "person.add",
        "person",
        person.id,
        {"name": full_name, "role": role.value, "units": unit_ids},
    )
    return person_info(person, tuple(unit_ids))


async def list_people(session: AsyncSession, organization_id: int) -> list[PersonInfo]:
    people = await session.scalars(
        select(Person).where(Person.organization_id == organization_id).order_by(Person.full_name)
    )
    result = []
    for person in people:
        unit_ids = await session.scalars(
            select(PersonUnit.unit_id).where(PersonUnit.person_id == person.id)
        )
        result.append(person_info(person, tuple(unit_ids)))
    return result


async def person_by_telegram_id(session: AsyncSession, telegram_user_id: int) -> PersonInfo | None:
    person = await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))
    if person is None:
        return None
    return await _with_units(session, person)


async def _with_units(session: AsyncSession, person: Person) -> PersonInfo:
    unit_ids = await session.scalars(
        select(PersonUnit.unit_id).where(PersonUnit.person_id == person.id)
    )
    return person_info(person, tuple(unit_ids))


async def identify(
    session: AsyncSession, telegram_user_id: int
) -> tuple[PersonInfo | None, OrgInfo | None]:
    """Who a Telegram user is here: the person and their organization (None when unknown).

    Every guarded command and button asks this first, so the person comes with
    their organization in one query (two queries in all, with the units).
    """
    found = (
        await session.execute(
            select(Person, Organization)
            .join(Organization, Organization.id == Person.organization_id)
            .where(Person.telegram_user_id == telegram_user_id)
        )
    ).first()
    if found is None:
        return None, None
    person, org = found
    # A person always has an organization (NOT NULL, deleted with it), hence the inner join.
    return await _with_units(session, person), org_info(org)


async def unit_organization(session: AsyncSession, unit_id: int) -> int | None:
    """The organization a unit belongs to (a button's id is checked against it)."""
    return await session.scalar(select(Unit.organization_id).where(Unit.id == unit_id))


async def set_language(
    session: AsyncSession, person_id: int, language: str, *, actor: str, at: datetime
) -> bool:
    """The person's chosen language, with its audit line; False when the person is gone."""
    person = await session.get(Person, person_id)
    if person is None:
        return False
    person.language = language
    await audit(
        session,
        person.organization_id,
        person.id,
        actor,
        "person.language",
        "person",
        person.id,
        {"language": language},
        at=at,
    )
    return True


async def audit(
    session: AsyncSession,
    organization_id: int | None,
    person_id: int | None,
    actor: str | None,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
    details: dict[str, object] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Write one audit line in the caller's transaction."""
    entry = AuditLog(
        organization_id=organization_id,
        person_id=person_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details or {},
    )
    if at is not None:
        entry.created_at = at
    session.add(entry)


async def set_reachable(
    session: AsyncSession, telegram_user_id: int, reachable: bool, at: datetime
) -> bool:
    """Record whether the bot can write to a person; returns True when it changed.

    A person who blocked the bot is skipped by the reminder planner; the moment
    they write again (or unblock the bot) they must start receiving reminders.
    """
    person = await session.scalar(select(Person).where(Person.telegram_user_id == telegram_user_id))
    if person is None:
        return False
    return await set_person_reachable(
        session, person, reachable, at, actor=f"telegram:{telegram_user_id}"
    )


async def set_person_reachable(
    session: AsyncSession,
    person: Person,
    reachable: bool,
    at: datetime,
    *,
    actor: str,
    details: dict[str, object] | None = None,
) -> bool:
    """The one path that changes ``reachable``, with its audit line (the chat tracker's
    block/unblock and the dispatcher's 403 alike); True when something changed."""
    if person.reachable == reachable and (reachable or person.unreachable_since is not None):
        return False
    person.reachable = reachable
    person.unreachable_since = None if reachable else at
    await audit(
        session,
        person.organization_id,
        person.id,
        actor,
        "person.reachable" if reachable else "person.unreachable",
        "person",
        person.id,
        details,
        at=at,
    )
    return True


async def is_unreachable(db: Database, telegram_user_id: int) -> bool:
    """True when the bot last found this person unreachable (they blocked it).

    Asked for every update the bot receives, so it is one Core query on a pooled
    connection, without building an ORM session for it.
    """
    async with db.engine.connect() as conn:
        value = await conn.scalar(
            select(Person.reachable).where(Person.telegram_user_id == telegram_user_id)
        )
    return value is False
