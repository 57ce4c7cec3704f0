"""Deadline extensions: an officer asks, the chairman or plan keeper decides.

An approved extension sets ``Task.extended_due_date``; ``due_date`` (the
plan's deadline) is never touched, so the report can still say "gia hạn từ
10/6 đến 30/6". Every request and decision is audited. Functions take an
open session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from storage.directory import PersonInfo, audit
from storage.models import Extension, ExtensionStatus, Person, PersonStatus, Role, Task
from storage.progress import can_update, task_organization

# Only the Chủ tịch or a Phó Chủ tịch decides a deadline; the plan keeper is informed.
DECIDERS = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)
INFORMED = (Role.ADMIN,)


@dataclass(frozen=True, slots=True)
class ExtensionInfo:
    id: int
    task_id: int
    task_number: int
    task_content: str
    organization_id: int
    requested_due: date
    previous_due: date | None
    reason: str | None
    status: ExtensionStatus
    requester_name: str | None
    requester_telegram_id: int | None
    requester_language: str | None


async def _info(session: AsyncSession, ext: Extension) -> ExtensionInfo:
    task = await session.get(Task, ext.task_id)
    assert task is not None
    org_id = await task_organization(session, task.id)
    requester = await session.get(Person, ext.requested_by) if ext.requested_by else None
    return ExtensionInfo(
        ext.id,
        task.id,
        task.number,
        task.content,
        int(org_id or 0),
        ext.requested_due,
        ext.previous_due,
        ext.reason,
        ext.status,
        requester.full_name if requester else None,
        requester.telegram_user_id if requester else None,
        requester.language if requester else None,
    )


async def request_extension(
    session: AsyncSession,
    *,
    person: PersonInfo,
    task_id: int,
    new_due: date,
    reason: str | None,
    today: date,
    now: datetime,
) -> ExtensionInfo:
    if not await can_update(session, person, task_id):
        raise UserError("progress.not_your_task")
    task = await session.get(Task, task_id)
    assert task is not None
    if new_due <= today:
        raise UserError("extension.date_past", date=new_due.strftime("%d/%m/%Y"))
    current = task.effective_due_date
    if current is not None and new_due <= current:
        raise UserError("extension.not_later", date=current.strftime("%d/%m/%Y"))
    reason = " ".join((reason or "").split())[:2000] or None
    ext = Extension(
        task_id=task_id,
        requested_by=person.id,
        requested_due=new_due,
        previous_due=current,
        reason=reason,
        status=ExtensionStatus.PENDING,
        created_at=now,
    )
    session.add(ext)
    await session.flush()
    await audit(
        session,
        person.organization_id,
        person.id,
        f"telegram:{person.telegram_user_id}",
        "extension.request",
        "extension",
        ext.id,
        {"task_id": task_id, "requested_due": new_due.isoformat(), "reason": reason},
        at=now,
    )
    return await _info(session, ext)


async def decide_extension(
    session: AsyncSession,
    extension_id: int,
    *,
    person: PersonInfo,
    approve: bool,
    now: datetime,
) -> ExtensionInfo:
    """Approve or refuse once; approval moves the task's effective deadline."""
    ext = await session.get(Extension, extension_id)
    if ext is None:
        raise UserError("extension.unknown")
    org_id = await task_organization(session, ext.task_id)
    if org_id != person.organization_id or person.role not in DECIDERS:
        raise UserError("auth.forbidden")
    if ext.status is not ExtensionStatus.PENDING:
        raise UserError("extension.already_decided")
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ext.decided_by = person.id
    ext.decided_at = now
    if approve:
        task = await session.get(Task, ext.task_id)
        assert task is not None
        task.extended_due_date = ext.requested_due
    await audit(
        session,
        person.organization_id,
        person.id,
        f"telegram:{person.telegram_user_id}",
        "extension.approve" if approve else "extension.refuse",
        "extension",
        ext.id,
        {"task_id": ext.task_id, "requested_due": ext.requested_due.isoformat()},
        at=now,
    )
    await session.flush()
    return await _info(session, ext)


async def deciders_of(
    session: AsyncSession, organization_id: int, roles: tuple[Role, ...] = DECIDERS
) -> list[tuple[int, str | None]]:
    """(telegram id, language) of the chairman and vice-chairmen (or of ``roles``)."""
    rows = await session.execute(
        select(Person.telegram_user_id, Person.language).where(
            Person.organization_id == organization_id,
            Person.role.in_(roles),
            Person.status == PersonStatus.ACTIVE,
            Person.telegram_user_id.is_not(None),
        )
    )
    return [(tg, lang) for tg, lang in rows if tg is not None]  # none, by the query
