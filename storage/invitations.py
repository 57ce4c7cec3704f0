"""Joining the bot: one-time invitation codes and join requests.

A code ties a future person to an organization, a role and (for an officer)
a unit; it works once and expires, so a forwarded link cannot enrol a
stranger a month later. A stranger who opens an organization's join link
(``/start join-<org>-<signature>``) leaves a join request (an audit line,
since they have no organization yet) that only *that* organization's plan
keepers see and may approve with buttons, choosing the role and unit. A
``/start`` without code or link leaves nothing: the person is told to ask
their office for an invitation. One open request per person, and after a
decision a new request waits :data:`REQUEST_COOLDOWN` (a refused stranger
cannot ask again at once under a new display name).
Functions take an open session and never commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from plans.regex import lazy_compile
from storage.directory import PersonInfo, audit, person_by_telegram_id, person_info
from storage.models import (
    AuditLog,
    Invitation,
    Person,
    PersonStatus,
    PersonUnit,
    Role,
    Unit,
)

INVITATION_TTL = timedelta(days=7)
JOIN_REQUEST = "join.request"
JOIN_DECIDED = "join.decided"
REQUEST_COOLDOWN = timedelta(hours=24)
_JOIN_LINK_RE = lazy_compile(r"join-(\d{1,9})-([0-9a-f]{12})")


def join_link_payload(organization_id: int, secret: str) -> str:
    """The /start payload asking to join one organization, signed so ids cannot be walked."""
    return f"join-{organization_id}-{_signature(organization_id, secret)}"


def organization_of_join_link(payload: str, secret: str) -> int | None:
    """The organization a join-link payload names, or None (not a link, forged signature)."""
    match = _JOIN_LINK_RE.fullmatch(payload)
    if match is None:
        return None
    org_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2), _signature(org_id, secret)):
        return None
    return org_id


def _signature(organization_id: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"join:{organization_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class InvitationInfo:
    id: int
    code: str
    organization_id: int
    role: Role
    unit_id: int | None
    unit_name: str | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class JoinRequest:
    id: int
    telegram_user_id: int
    full_name: str
    language: str | None
    decided: bool
    organization_id: int | None = None  # None: an old request that named no organization


def new_code() -> str:
    """A deep-link-safe code (letters, digits, ``_`` and ``-``), hard to guess."""
    return secrets.token_urlsafe(12)


async def create_invitation(
    session: AsyncSession,
    *,
    organization_id: int,
    role: Role,
    unit_id: int | None,
    created_by: int | None,
    now: datetime,
    ttl: timedelta = INVITATION_TTL,
    person_id: int | None = None,
    full_name: str | None = None,
) -> InvitationInfo:
    """A new one-time code; with ``person_id`` (a roster entry) redeeming claims that person."""
    unit_name = None
    if role is Role.OFFICER and unit_id is None:
        raise UserError("registration.officer_needs_unit")
    if unit_id is not None:
        unit = await session.get(Unit, unit_id)
        if unit is None or unit.organization_id != organization_id:
            raise UserError("registration.unit_unknown")
        unit_name = unit.name
    invitation = Invitation(
        code=new_code(),
        organization_id=organization_id,
        unit_id=unit_id,
        role=role,
        person_id=person_id,
        full_name=full_name,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invitation)
    await session.flush()
    await audit(
        session,
        organization_id,
        created_by,
        None,
        "invitation.create",
        "invitation",
        invitation.id,
        {"role": role.value, "unit_id": unit_id, "person_id": person_id},
        at=now,
    )
    return InvitationInfo(
        invitation.id,
        invitation.code,
        organization_id,
        role,
        unit_id,
        unit_name,
        invitation.expires_at,
    )


async def _enrol(
    session: AsyncSession,
    *,
    organization_id: int,
    role: Role,
    unit_id: int | None,
    telegram_user_id: int,
    full_name: str,
    language: str | None,
) -> Person:
    if await person_by_telegram_id(session, telegram_user_id) is not None:
        raise UserError("registration.already_registered")
    person = Person(
        organization_id=organization_id,
        telegram_user_id=telegram_user_id,
        full_name=" ".join(full_name.split())[:200] or str(telegram_user_id),
        role=role,
        status=PersonStatus.ACTIVE,
        language=language,
        reachable=True,
    )
    person.units = [PersonUnit(unit_id=unit_id)] if unit_id is not None else []
    session.add(person)
    await session.flush()
    return person


async def redeem_invitation(
    session: AsyncSession,
    code: str,
    *,
    telegram_user_id: int,
    full_name: str,
    language: str | None,
    now: datetime,
) -> PersonInfo:
    """Turn a valid code into an active person; the code is spent."""
    invitation = await session.scalar(select(Invitation).where(Invitation.code == code.strip()))
    if invitation is None:
        raise UserError("registration.code_invalid")
    if invitation.used_at is not None:
        raise UserError("registration.code_used")
    if invitation.expires_at <= now:
        raise UserError("registration.code_expired")
    if invitation.person_id is not None:
        return await _claim(session, invitation, telegram_user_id, language, now)
    person = await _enrol(
        session,
        organization_id=invitation.organization_id,
        role=invitation.role,
        unit_id=invitation.unit_id,
        telegram_user_id=telegram_user_id,
        full_name=invitation.full_name or full_name,
        language=language,
    )
    invitation.used_by = person.id
    invitation.used_at = now
    await audit(
        session,
        invitation.organization_id,
        person.id,
        f"telegram:{telegram_user_id}",
        "invitation.redeem",
        "invitation",
        invitation.id,
        {"role": invitation.role.value, "unit_id": invitation.unit_id},
        at=now,
    )
    unit_ids = (invitation.unit_id,) if invitation.unit_id is not None else ()
    return person_info(person, unit_ids)


async def _claim(
    session: AsyncSession,
    invitation: Invitation,
    telegram_user_id: int,
    language: str | None,
    now: datetime,
) -> PersonInfo:
    """A roster person follows their link: their Telegram account joins their record."""
    person = await session.get(Person, invitation.person_id)
    if person is None or person.organization_id != invitation.organization_id:
        raise UserError("registration.code_invalid")
    if person.telegram_user_id is not None and person.telegram_user_id != telegram_user_id:
        raise UserError("registration.code_used")
    if person.telegram_user_id is None:
        if await person_by_telegram_id(session, telegram_user_id) is not None:
            raise UserError("registration.already_registered")
        person.telegram_user_id = telegram_user_id
    person.status = PersonStatus.ACTIVE
    person.reachable = True
    person.language = language or person.language
    invitation.used_by = person.id
    invitation.used_at = now
    await session.flush()
    await audit(
        session,
        invitation.organization_id,
        person.id,
        f"telegram:{telegram_user_id}",
        "invitation.redeem",
        "invitation",
        invitation.id,
        {"role": person.role.value, "person_id": person.id},
        at=now,
    )
    unit_ids = tuple(
        await session.scalars(
            select(PersonUnit.unit_id)
            .where(PersonUnit.person_id == person.id)
            .order_by(PersonUnit.unit_id)
        )
    )
    return person_info(person, unit_ids)


async def record_join_request(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    full_name: str,
    language: str | None,
    now: datetime,
    organization_id: int | None = None,
) -> tuple[JoinRequest, bool]:
    """Record a stranger's wish to join ``organization_id``; (request, created).

    A repeated /start reuses the open request (its admins are not asked again);
    within :data:`REQUEST_COOLDOWN` of a decision a new request is refused
    with ``registration.request_wait``.
    """
    existing = await _open_request_of(session, telegram_user_id)
    if existing is not None:
        return existing, False
    last = await session.scalar(
        select(AuditLog.created_at)
        .where(AuditLog.action == JOIN_REQUEST, AuditLog.entity_id == telegram_user_id)
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    if last is not None:
        last_at = last if last.tzinfo is not None else last.replace(tzinfo=now.tzinfo)
        if now - last_at < REQUEST_COOLDOWN:
            raise UserError(
                "registration.request_wait", hours=int(REQUEST_COOLDOWN.total_seconds() // 3600)
            )
    entry = AuditLog(
        organization_id=organization_id,
        actor=f"telegram:{telegram_user_id}",
        action=JOIN_REQUEST,
        entity="telegram_user",
        entity_id=telegram_user_id,
        details={"name": full_name, "language": language, "organization_id": organization_id},
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return (
        JoinRequest(entry.id, telegram_user_id, full_name, language, False, organization_id),
        True,
    )


async def _decided_ids(session: AsyncSession, request_ids: list[int]) -> set[int]:
    if not request_ids:
        return set()
    rows = await session.scalars(
        select(AuditLog.entity_id).where(
            AuditLog.action == JOIN_DECIDED, AuditLog.entity_id.in_(request_ids)
        )
    )
    return {int(r) for r in rows if r is not None}


async def _open_request_of(session: AsyncSession, telegram_user_id: int) -> JoinRequest | None:
    rows = list(
        await session.scalars(
            select(AuditLog)
            .where(AuditLog.action == JOIN_REQUEST, AuditLog.entity_id == telegram_user_id)
            .order_by(AuditLog.id)
        )
    )
    decided = await _decided_ids(session, [r.id for r in rows])
    for row in rows:
        if row.id not in decided:
            return _request(row, False)
    return None


def _request(row: AuditLog, decided: bool) -> JoinRequest:
    return JoinRequest(
        row.id,
        int(row.entity_id or 0),
        str(row.details.get("name") or ""),
        row.details.get("language"),
        decided,
        row.details.get("organization_id"),
    )


async def get_join_request(session: AsyncSession, request_id: int) -> JoinRequest | None:
    row = await session.get(AuditLog, request_id)
    if row is None or row.action != JOIN_REQUEST:
        return None
    return _request(row, bool(await _decided_ids(session, [row.id])))


async def decide_join_request(
    session: AsyncSession,
    request_id: int,
    *,
    admin: PersonInfo,
    approve: bool,
    role: Role | None = None,
    unit_id: int | None = None,
    now: datetime,
) -> tuple[JoinRequest, PersonInfo | None]:
    """Approve (enrol in the admin's organization) or refuse a pending request, once."""
    request = await get_join_request(session, request_id)
    if request is None or request.organization_id != admin.organization_id:
        # Only the organization the stranger asked to join may take them in.
        raise UserError("registration.request_unknown")
    if request.decided:
        raise UserError("registration.request_decided")
    person = None
    if approve:
        assert role is not None
        if role is Role.OFFICER and unit_id is None:
            raise UserError("registration.officer_needs_unit")
        if unit_id is not None:
            unit = await session.get(Unit, unit_id)
            if unit is None or unit.organization_id != admin.organization_id:
                raise UserError("registration.unit_unknown")
        row = await _enrol(
            session,
            organization_id=admin.organization_id,
            role=role,
            unit_id=unit_id,
            telegram_user_id=request.telegram_user_id,
            full_name=request.full_name,
            language=request.language,
        )
        person = person_info(row, (unit_id,) if unit_id is not None else ())
    await audit(
        session,
        admin.organization_id,
        admin.id,
        f"telegram:{admin.telegram_user_id}",
        JOIN_DECIDED,
        "join_request",
        request_id,
        {
            "approved": approve,
            "role": role.value if role else None,
            "unit_id": unit_id,
            "person_id": person.id if person else None,
        },
        at=now,
    )
    return request, person


async def admins_to_ask(
    session: AsyncSession, organization_id: int
) -> list[tuple[int, str | None]]:
    """(telegram id, language) of the active plan keepers of one organization."""
    rows = await session.execute(
        select(Person.telegram_user_id, Person.language).where(
            Person.organization_id == organization_id,
            Person.role == Role.ADMIN,
            Person.status == PersonStatus.ACTIVE,
            Person.telegram_user_id.is_not(None),
        )
    )
    return [(tg, lang) for tg, lang in rows if tg is not None]  # none, by the query
