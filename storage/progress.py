"""Recording progress: the one write path for every way an officer reports.

Commands, buttons, replies to reminders, the import's initial figures and
the CLI all end in :func:`record_progress`, so validation (0–100 %, a live
task), permission (an officer only for their units' tasks) and the audit
line are the same whichever door the update came through.

What a person reports in chat goes through :func:`record` (one task) or
:func:`confirm_draft` (a confirmed reading, one task or several): each is ONE
write transaction holding the task lookup, ONE permission check, the update,
the task as it now stands and, when the write answers a draft, the draft's
resolution, so a failure leaves neither the update nor the resolution behind
and a second press of "Đúng" finds the draft already resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.completion import status_says_done
from plans.errors import UserError
from storage import drafts
from storage.db import Database
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
from storage.tasks import TaskView, find_task_by_number, load_task_views

MAX_TEXT = 2000


@dataclass(frozen=True, slots=True)
class AttachmentIn:
    kind: str  # "document" | "photo"
    file_id: str
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None

    def as_data(self) -> drafts.AttachmentData:
        """As a draft keeps it; ``AttachmentIn(**data)`` reads it back."""
        return drafts.AttachmentData(
            kind=self.kind,
            file_id=self.file_id,
            file_unique_id=self.file_unique_id,
            file_name=self.file_name,
            mime_type=self.mime_type,
            file_size=self.file_size,
        )


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
    return await _append(
        session,
        org_id,
        task_id=task_id,
        person=person,
        channel=channel,
        at=at,
        percent=percent,
        status_text=status_text,
        output=output,
        note=note,
        period_code=period_code,
        attachments=attachments,
    )


async def _append(
    session: AsyncSession,
    org_id: int,
    *,
    task_id: int,
    person: PersonInfo | None,
    channel: UpdateChannel,
    at: datetime,
    percent: int | None,
    status_text: str | None,
    output: str | None,
    note: str | None,
    period_code: str | None,
    attachments: Sequence[AttachmentIn],
) -> RecordedUpdate:
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


# --- the chat's write path: one transaction per report -----------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """What a person reported about one task, as the door it came through read it.

    ``carry`` keeps the figures the person did not restate (a status button, a
    file for a task): the current percent stays unless a new one is given, the
    current status too when the percent does not move, and a file keeps the
    output it documents.
    """

    channel: UpdateChannel
    percent: int | float | None = None
    status_text: str | None = None
    output: str | None = None
    note: str | None = None
    attachments: tuple[AttachmentIn, ...] = ()
    carry: bool = False


@dataclass(frozen=True, slots=True)
class TaskNumber:
    """A task as the officer names it ("số 12"), looked up inside the write."""

    number: int


TaskKey = int | TaskNumber  # an int is a task id (buttons, drafts carry ids)


@dataclass(frozen=True, slots=True)
class Recorded:
    """The tasks as they stand after their updates, and the refusals of the others."""

    tasks: tuple[TaskView, ...]
    refused: tuple[UserError, ...] = ()


async def record(
    db: Database,
    actor: PersonInfo,
    task: TaskKey,
    change: Change,
    *,
    at: datetime,
    draft: drafts.PendingDraft | None = None,
    outcome: str = "confirmed",
) -> TaskView:
    """Write one report in one transaction; ``draft`` is resolved in it when given.

    Raises :class:`UserError` (nothing written, the draft left open) on an
    unknown task, another's task, a bad value or a draft already resolved.
    """
    async with db.write() as session:
        if draft is not None:
            await _claim(session, draft, actor)
        view = await _record_one(session, actor, task, change, at)
        if draft is not None:
            await _resolve(session, draft, outcome, at)
        return view


async def confirm_draft(
    db: Database, actor: PersonInfo, draft_id: int, *, at: datetime
) -> Recorded:
    """ "Đúng" on a reading: every task it names written and the draft resolved, together.

    A task the person may no longer update is refused alone (listed in
    ``refused``); when every task is refused, the first refusal is raised and
    nothing changes, so the officer can still correct the draft.
    """
    async with db.write() as session:
        draft = await drafts.get_draft(session, draft_id)
        if draft is None:
            raise UserError("officer.reply.not_yours")
        await _claim(session, draft, actor)
        entries = drafts.draft_items(draft.data)
        if not drafts.is_several(draft.data):
            if draft.task_id is None:
                raise UserError("officer.reply.which_task")
            entries[0]["task_id"] = draft.task_id
        if any(drafts.is_pending(e["data"]) for e in entries):
            raise UserError("understanding.chat.choose_figure_first")
        recorded: list[TaskView] = []
        refused: list[UserError] = []
        for entry in entries:
            try:
                change = reading_change(entry["data"], UpdateChannel.REPLY)
                recorded.append(
                    await _record_one(session, actor, int(entry["task_id"]), change, at)
                )
            except UserError as error:  # raised before anything of this task was added
                refused.append(error)
        if not recorded:
            raise refused[0]
        await _resolve(session, draft, "confirmed", at)
        return Recorded(tuple(recorded), tuple(refused))


def reading_change(data: drafts.ReadingData, channel: UpdateChannel) -> Change:
    """A draft's reading as a report: without a figure, the current one is kept."""
    return Change(
        channel,
        percent=data.get("percent"),
        status_text=data.get("status_text"),
        output=data.get("output"),
        note=data.get("note"),
        attachments=tuple(AttachmentIn(**item) for item in data.get("attachments") or []),
        carry=data.get("percent") is None,
    )


async def _claim(session: AsyncSession, draft: drafts.PendingDraft, actor: PersonInfo) -> None:
    """The draft is the actor's and still open, as seen inside this transaction."""
    if draft.person_id != actor.id:
        raise UserError("officer.reply.not_yours")
    if await drafts.is_resolved(session, draft.id):
        raise UserError("officer.reply.already_done")


async def _resolve(
    session: AsyncSession, draft: drafts.PendingDraft, outcome: str, at: datetime
) -> None:
    """Last step of the write: another transaction resolving it first undoes this one."""
    if not await drafts.resolve_draft(session, draft, outcome, at):
        raise UserError("officer.reply.already_done")


async def _record_one(
    session: AsyncSession, actor: PersonInfo, task: TaskKey, change: Change, at: datetime
) -> TaskView:
    """Look the task up, check permission once, append the update, reread the task."""
    org_id = actor.organization_id
    current: TaskView | None = None
    if isinstance(task, TaskNumber):
        current = await find_task_by_number(session, org_id, task.number)
        if current is None:
            raise UserError("officer.task_unknown", number=task.number)
        task_id = current.id
    else:
        task_id = task
    if not await can_update(session, actor, task_id):
        raise UserError("progress.not_your_task")
    percent, status_text, output = change.percent, change.status_text, change.output
    if percent is None and status_says_done(status_text):
        percent = 100
    if change.carry:
        if current is None:
            current = (await load_task_views(session, org_id, task_ids=[task_id]))[0]
        percent = current.percent if percent is None else percent
        if status_text is None and (percent is None or percent == current.percent):
            status_text = current.status_text
        output = output or (current.output if change.attachments else None)
    percent = validate_percent(percent)
    status_text, output, note = _clean(status_text), _clean(output), _clean(change.note)
    if percent is None and not (status_text or output or note or change.attachments):
        raise UserError("progress.empty")
    await _append(
        session,
        org_id,
        task_id=task_id,
        person=actor,
        channel=change.channel,
        at=at,
        percent=percent,
        status_text=status_text,
        output=output,
        note=note,
        period_code=None,
        attachments=change.attachments,
    )
    return (await load_task_views(session, org_id, task_ids=[task_id]))[0]
