"""Pending confirmations: what an officer typed, kept until they press "Đúng".

A reply like "được 60%" is echoed for confirmation before anything is
written; between the echo and the button press the bot may restart, so the
draft lives in the database, not in memory. Drafts are audit-log lines
(action ``draft.progress``) and so is their outcome (``draft.resolved``):
append-only, no new table, and nothing the officer typed is ever lost.
The same mechanism remembers "the next file is evidence for task N", and
the plan keeper's pending plan upload (``draft.plan_upload``): the upload is
one draft row, and each choice made on it is one more appended step row
(``draft.step``) pointing at it, so a restart mid-way loses no choice.
Functions take an open session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import AuditLog

DRAFT = "draft.progress"
RESOLVED = "draft.resolved"
EVIDENCE_WAIT = "evidence.wait"
PLAN_UPLOAD = "draft.plan_upload"
STEP = "draft.step"


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    person_id: int
    organization_id: int | None
    task_id: int | None
    candidates: tuple[int, ...]
    data: dict[str, Any] = field(default_factory=dict)
    resolved: bool = False


async def _resolved(session: AsyncSession, draft_id: int) -> bool:
    found = await session.scalar(
        select(AuditLog.id)
        .where(AuditLog.action == RESOLVED, AuditLog.entity_id == draft_id)
        .limit(1)
    )
    return found is not None


async def save_draft(
    session: AsyncSession,
    *,
    person_id: int,
    organization_id: int,
    task_id: int | None,
    candidates: tuple[int, ...],
    data: dict[str, Any],
    now: datetime,
    kind: str = DRAFT,
    entity: str = "task",
) -> Draft:
    entry = AuditLog(
        organization_id=organization_id,
        person_id=person_id,
        action=kind,
        entity=entity,
        entity_id=task_id,
        details={"candidates": list(candidates), "data": data},
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return Draft(entry.id, person_id, organization_id, task_id, candidates, data)


async def get_draft(session: AsyncSession, draft_id: int, kind: str = DRAFT) -> Draft | None:
    row = await session.get(AuditLog, draft_id)
    if row is None or row.action != kind or row.person_id is None:
        return None
    details = row.details or {}
    return Draft(
        row.id,
        row.person_id,
        row.organization_id,
        row.entity_id,
        tuple(int(c) for c in details.get("candidates", [])),
        dict(details.get("data", {})),
        await _resolved(session, row.id),
    )


async def choose_task(session: AsyncSession, draft: Draft, task_id: int, now: datetime) -> Draft:
    """The officer answered "which task?": a new draft for that task replaces the open one."""
    await resolve_draft(session, draft, "chosen", now, task_id=task_id)
    assert draft.organization_id is not None
    return await save_draft(
        session,
        person_id=draft.person_id,
        organization_id=draft.organization_id,
        task_id=task_id,
        candidates=(task_id,),
        data=draft.data,
        now=now,
    )


async def resolve_draft(
    session: AsyncSession, draft: Draft, outcome: str, now: datetime, **details: Any
) -> None:
    session.add(
        AuditLog(
            organization_id=draft.organization_id,
            person_id=draft.person_id,
            action=RESOLVED,
            entity="draft",
            entity_id=draft.id,
            details={"outcome": outcome, **details},
            created_at=now,
        )
    )
    await session.flush()


async def open_evidence_wait(session: AsyncSession, person_id: int) -> Draft | None:
    """The latest unresolved "send me the file for task N" of this person, if any."""
    row_id = await session.scalar(
        select(AuditLog.id)
        .where(AuditLog.action == EVIDENCE_WAIT, AuditLog.person_id == person_id)
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    if row_id is None:
        return None
    draft = await get_draft(session, row_id, kind=EVIDENCE_WAIT)
    return draft if draft is not None and not draft.resolved else None


async def add_step(
    session: AsyncSession, draft: Draft, data: dict[str, Any], now: datetime
) -> None:
    """Append one choice made on an open draft; :func:`draft_steps` reads them back in order."""
    session.add(
        AuditLog(
            organization_id=draft.organization_id,
            person_id=draft.person_id,
            action=STEP,
            entity="draft",
            entity_id=draft.id,
            details=data,
            created_at=now,
        )
    )
    await session.flush()


async def draft_steps(session: AsyncSession, draft_id: int) -> list[dict[str, Any]]:
    """The choices appended to a draft, oldest first."""
    rows = await session.scalars(
        select(AuditLog)
        .where(AuditLog.action == STEP, AuditLog.entity_id == draft_id)
        .order_by(AuditLog.id)
    )
    return [dict(row.details or {}) for row in rows]


async def open_drafts(session: AsyncSession, person_id: int, kind: str) -> list[Draft]:
    """This person's unresolved drafts of one kind, oldest first."""
    outcome = aliased(AuditLog)
    ids = await session.scalars(
        select(AuditLog.id)
        .where(
            AuditLog.action == kind,
            AuditLog.person_id == person_id,
            ~exists().where(outcome.action == RESOLVED, outcome.entity_id == AuditLog.id),
        )
        .order_by(AuditLog.id)
    )
    drafts = [await get_draft(session, row_id, kind=kind) for row_id in ids.all()]
    return [d for d in drafts if d is not None]
