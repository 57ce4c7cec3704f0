"""Recording progress: the one write path for every way an officer reports.

Commands, buttons, replies to reminders, the import's initial figures and
the CLI all end in :func:`record_progress`, so validation (0–100 %, a live
task), permission (an officer only for their units' tasks) and the audit
line are the same whichever door the update came through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from storage.directory import PersonInfo, audit
from storage.models import (
    Attachment,
    Plan,
    ProgressUpdate,
    Role,
    Task,
    TaskUnit,
    UpdateChannel,
)

MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class AttachmentIn:
    kind: str  # "document" | "photo"
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None


@dataclass(frozen=True, slots=True)
class RecordedUpdate:
    id: int
    task_id: int
    percent: int | None
    status_text: str | None
    output: str | None
    note: str | None
    created_at: datetime


async def task_organization(session: AsyncSession, task_id: int) -> int | None:
    return await session.scalar(
        select(Plan.organization_id)
        .join(Task, Task.plan_id == Plan.id)
        .where(Task.id == task_id, Task.removed_at.is_(None))
    )


async def can_update(session: AsyncSession, person: PersonInfo, task_id: int) -> bool:
    """Leaders and the plan keeper update any task of their organization; officers their units'."""
    org_id = await task_organization(session, task_id)
    if org_id is None or org_id != person.organization_id:
        return False
    if person.role in (Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN):
        return True
    if person.role is not Role.OFFICER or not person.unit_ids:
        return False
    linked = await session.scalar(
        select(TaskUnit.task_id)
        .where(TaskUnit.task_id == task_id, TaskUnit.unit_id.in_(person.unit_ids))
        .limit(1)
    )
    return linked is not None


async def can_read_history(session: AsyncSession, person: PersonInfo, task_id: int) -> bool:
    """Who may read a task's history (notes, who wrote them, evidence file names).

    The same people who may update it: leaders and the plan keeper every task of
    their organization, an officer the tasks of their own units (lead or
    coordinating). Another unit's notes are that unit's working record.
    """
    return await can_update(session, person, task_id)


def validate_percent(value: int | float | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value or not value.is_integer():  # NaN or fractional
            value = round(value)
    value = int(value)
    if not 0 <= value <= 100:
        raise UserError("progress.percent_invalid", value=value)
    return value


def _clean(text: str | None) -> str | None:
    """Spaces collapsed within each line; line breaks kept (a multi-line output stays so)."""
    if text is None:
        return None
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    if not text:
        return None
    if len(text) > MAX_TEXT:
        raise UserError("progress.text_too_long", limit=MAX_TEXT)
    return text


async def record_progress(
    session: AsyncSession,
    *,
    task_id: int,
    person: PersonInfo | None,
    channel: UpdateChannel,
    at: datetime,
    percent: int | float | None = None,
    status_text: str | None = None,
    output: str | None = None,
    note: str | None = None,
    period_code: str | None = None,
    attachments: Sequence[AttachmentIn] = (),
    check_permission: bool = True,
) -> RecordedUpdate:
    """Append one progress update (and its evidence) to a task's history."""
    percent = validate_percent(percent)
    status_text, output, note = _clean(status_text), _clean(output), _clean(note)
    org_id = await task_organization(session, task_id)
    if org_id is None:
        raise UserError("progress.task_not_found")
    if check_permission:
        if person is None or not await can_update(session, person, task_id):
            raise UserError("progress.not_your_task")
    if percent is None and not (status_text or output or note or attachments):
        raise UserError("progress.empty")
    update = ProgressUpdate(
        task_id=task_id,
        person_id=person.id if person else None,
        percent=percent,
        status_text=status_text,
        output=output,
        note=note,
        channel=channel,
        period_code=period_code,
        created_at=at,
    )
    session.add(update)
    await session.flush()
    for item in attachments:
        session.add(
            Attachment(
                progress_update_id=update.id,
                kind=item.kind,
                file_id=item.file_id,
                file_unique_id=item.file_unique_id,
                file_name=item.file_name,
                mime_type=item.mime_type,
                file_size=item.file_size,
            )
        )
    await audit(
        session,
        org_id,
        person.id if person else None,
        f"telegram:{person.telegram_user_id}" if person and person.telegram_user_id else None,
        "progress.add",
        "task",
        task_id,
        {
            "percent": percent,
            "status": status_text,
            "channel": channel.value,
            "attachments": len(attachments),
        },
        at=at,
    )
    return RecordedUpdate(update.id, task_id, percent, status_text, output, note, at)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    person_name: str | None
    percent: int | None
    status_text: str | None
    output: str | None
    note: str | None
    channel: str
    attachments: tuple[tuple[str, str, str | None], ...]  # (kind, file_id, file_name)


async def task_history(session: AsyncSession, task_id: int) -> list[HistoryEntry]:
    """Every update of a task, oldest first, with who made it and its evidence."""
    from storage.models import Person

    rows = await session.execute(
        select(ProgressUpdate, Person.full_name)
        .outerjoin(Person, Person.id == ProgressUpdate.person_id)
        .where(ProgressUpdate.task_id == task_id)
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    updates = rows.all()
    ids = [u.id for u, _ in updates]
    files: dict[int, list[tuple[str, str, str | None]]] = {}
    if ids:
        for a in await session.scalars(
            select(Attachment).where(Attachment.progress_update_id.in_(ids)).order_by(Attachment.id)
        ):
            files.setdefault(a.progress_update_id, []).append((a.kind, a.file_id, a.file_name))
    return [
        HistoryEntry(
            u.created_at,
            name,
            u.percent,
            u.status_text,
            u.output,
            u.note,
            u.channel.value,
            tuple(files.get(u.id, ())),
        )
        for u, name in updates
    ]
