"""Pending confirmations: what a person said, kept until they answer.

A reply like "được 60%" is echoed for confirmation before anything is
written; between the echo and the button press the bot may restart, so the
draft lives in the database, not in memory, in its own table (``drafts``,
:class:`storage.models.StoredDraft`). A draft is resolved once, with its
outcome ("confirmed", "corrected", "chosen", "evidence", …); rows are never
deleted, so nothing the person typed is lost. The same table remembers "the
next file is evidence for task N" and the plan keeper's pending plan upload
(``draft.plan_upload``), whose choices are appended as :class:`DraftStep`
rows so a restart mid-way loses no choice.

Until migration 0007 drafts were audit-log lines; the migration copied them
with their ids, so the buttons already sent still point at them.
Functions take an open session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NotRequired, TypedDict, cast, final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import rows_matched
from storage.models import DraftStep, StoredDraft

DRAFT = "draft.progress"
EVIDENCE_WAIT = "evidence.wait"
PLAN_UPLOAD = "draft.plan_upload"


# --- what a draft keeps (JSON in ``drafts.data``; one shape per kind) -----------------------
# Rows written by older versions may lack a key: readers use ``.get``.


class AttachmentData(TypedDict):
    """A file sent with a reading (``dataclasses.asdict`` of ``storage.progress.AttachmentIn``)."""

    kind: str  # "document" | "photo"
    file_id: str
    file_unique_id: str | None
    file_name: str | None
    mime_type: str | None
    file_size: int | None


@final
class ReadingData(TypedDict):
    """One task's reading, echoed for "Đúng" (``DRAFT``, a message about one task)."""

    percent: int | None
    status_text: str | None
    output: str | None
    expected_date: str | None  # ISO date
    note: str | None
    attachments: list[AttachmentData]
    conflict: bool  # "đã xong 80%": the officer picks 80 or 100 first
    asks: bool  # "gần xong": the officer picks a figure first


class ReadingItem(TypedDict):
    """A reading and the task it is about (a single-task draft's task is the draft's own)."""

    task_id: NotRequired[int]
    data: ReadingData


@final
class SeveralReadings(TypedDict):
    """One message about several tasks (``DRAFT``): one reading per task, kept as one draft."""

    items: list[ReadingItem]


@final
class PlanUploadData(TypedDict):
    """The plan keeper's pending plan file (``PLAN_UPLOAD``); choices are DraftStep rows."""

    file_id: str
    file_unique_id: str
    filename: str
    size: int
    year: int | None
    names: list[str]  # unit names to map, in asking order
    review: bool  # a prose plan: its items are reviewed before the units


@final
class EvidenceWaitData(TypedDict):
    """ "The next file is evidence for task N" (``EVIDENCE_WAIT``): the task is the draft's."""


DraftData = ReadingData | SeveralReadings | PlanUploadData | EvidenceWaitData


@dataclass(frozen=True, slots=True)
class PendingDraft:
    """A reading, an evidence wait or a plan upload waiting for the person's answer."""

    id: int
    person_id: int
    organization_id: int | None
    task_id: int | None
    candidates: tuple[int, ...]
    data: DraftData = field(default_factory=lambda: EvidenceWaitData())
    resolved: bool = False


def _view(row: StoredDraft) -> PendingDraft:
    return PendingDraft(
        row.id,
        row.person_id,
        row.organization_id,
        row.task_id,
        tuple(int(c) for c in row.candidates or ()),
        cast(DraftData, dict(row.data or {})),  # the shape its kind wrote (save_draft)
        row.resolved_at is not None,
    )


async def is_resolved(session: AsyncSession, draft_id: int) -> bool:
    resolved_at = await session.scalar(
        select(StoredDraft.resolved_at).where(StoredDraft.id == draft_id)
    )
    return resolved_at is not None


async def save_draft(
    session: AsyncSession,
    *,
    person_id: int,
    organization_id: int,
    task_id: int | None,
    candidates: tuple[int, ...],
    data: DraftData,
    now: datetime,
    kind: str = DRAFT,
) -> PendingDraft:
    row = StoredDraft(
        organization_id=organization_id,
        person_id=person_id,
        kind=kind,
        task_id=task_id,
        candidates=list(candidates),
        data=data,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return PendingDraft(row.id, person_id, organization_id, task_id, candidates, data)


async def save_readings(
    session: AsyncSession,
    *,
    person_id: int,
    organization_id: int,
    readings: list[tuple[int, ReadingData]],
    now: datetime,
) -> PendingDraft:
    """One message's readings as one draft: :class:`ReadingData`, or :class:`SeveralReadings`."""
    data: ReadingData | SeveralReadings
    if len(readings) == 1:
        data = readings[0][1]
    else:
        data = SeveralReadings(
            items=[ReadingItem(task_id=task_id, data=d) for task_id, d in readings]
        )
    return await save_draft(
        session,
        person_id=person_id,
        organization_id=organization_id,
        task_id=readings[0][0] if len(readings) == 1 else None,
        candidates=tuple(task_id for task_id, _ in readings),
        data=data,
        now=now,
    )


async def get_draft(session: AsyncSession, draft_id: int, kind: str = DRAFT) -> PendingDraft | None:
    row = await session.get(StoredDraft, draft_id, populate_existing=True)
    if row is None or row.kind != kind:
        return None
    return _view(row)


async def choose_task(
    session: AsyncSession, draft: PendingDraft, task_id: int, now: datetime
) -> PendingDraft:
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
    session: AsyncSession, draft: PendingDraft, outcome: str, now: datetime, **details: Any
) -> bool:
    """Close the draft with its outcome; False when it was already closed (nothing changes).

    The condition is in the UPDATE itself, so of two transactions resolving the
    same draft (a double press) exactly one gets True, on PostgreSQL too.
    """
    result = await session.execute(
        update(StoredDraft)
        .where(StoredDraft.id == draft.id, StoredDraft.resolved_at.is_(None))
        .values(resolved_at=now, outcome=outcome, outcome_details=details or None)
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result) == 1


async def open_evidence_wait(session: AsyncSession, person_id: int) -> PendingDraft | None:
    """The latest "send me the file for task N" of this person, if still unresolved."""
    row = await session.scalar(
        select(StoredDraft)
        .where(StoredDraft.kind == EVIDENCE_WAIT, StoredDraft.person_id == person_id)
        .order_by(StoredDraft.id.desc())
        .limit(1)
    )
    if row is None or row.resolved_at is not None:
        return None
    return _view(row)


async def add_step(
    session: AsyncSession, draft: PendingDraft, data: dict[str, Any], now: datetime
) -> None:
    """Append one choice made on an open draft; :func:`draft_steps` reads them back in order."""
    session.add(DraftStep(draft_id=draft.id, data=data, created_at=now))
    await session.flush()


async def draft_steps(session: AsyncSession, draft_id: int) -> list[dict[str, Any]]:
    """The choices appended to a draft, oldest first."""
    rows = await session.scalars(
        select(DraftStep.data).where(DraftStep.draft_id == draft_id).order_by(DraftStep.id)
    )
    return [dict(data or {}) for data in rows]


async def open_drafts(session: AsyncSession, person_id: int, kind: str) -> list[PendingDraft]:
    """This person's unresolved drafts of one kind, oldest first."""
    rows = await session.scalars(
        select(StoredDraft)
        .where(
            StoredDraft.kind == kind,
            StoredDraft.person_id == person_id,
            StoredDraft.resolved_at.is_(None),
        )
        .order_by(StoredDraft.id)
    )
    return [_view(row) for row in rows]


def is_several(data: DraftData) -> bool:
    """A reading draft about several tasks (:class:`SeveralReadings`)."""
    return "items" in data


def draft_items(data: DraftData) -> list[ReadingItem]:
    """The per-task readings of a reading draft (one, without its task id, for a single task).

    Copies: a caller may change an item (the figure chosen) without touching the draft.
    """
    if "items" in data:
        return [ReadingItem(**item) for item in data["items"]]
    return [ReadingItem(data=cast(ReadingData, data))]  # a DRAFT row: its one reading


def plan_upload_data(data: DraftData) -> PlanUploadData:
    """A ``PLAN_UPLOAD`` draft's data (read with ``get_draft(..., kind=PLAN_UPLOAD)``)."""
    return cast(PlanUploadData, data)


def is_pending(data: ReadingData) -> bool:
    """A reading that still asks its figure ("80% or 100%?") cannot be written yet."""
    return bool(data.get("conflict") or data.get("asks"))
