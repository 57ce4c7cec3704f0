"""What a task list on the phone shows besides the figures: output, who updated, who answers.

The figures of a task line (state, percent, days late) come from
:mod:`storage.reports`; this module only adds display data the chat list
leaves out — the latest update's output text and its author, and the
officers of each task's lead units (the "person responsible" of the overdue
list) — read through the same :func:`storage.tasks.load_task_views`, as of
the same instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, PersonStatus, PersonUnit, Role
from storage.tasks import load_task_views


@dataclass(frozen=True, slots=True)
class TaskExtra:
    output: str | None
    updated_by: str | None
    responsible: tuple[str, ...]


async def task_extras(
    session: AsyncSession, org_id: int, task_ids: Iterable[int], *, as_of: datetime | None = None
) -> dict[int, TaskExtra]:
    """Output, author of the latest update and responsible officers, per task id."""
    ids = list(task_ids)
    if not ids:
        return {}
    views = await load_task_views(session, org_id, task_ids=ids, as_of=as_of, with_done_at=False)
    authors = {v.last_update_by for v in views if v.last_update_by is not None}
    names: dict[int, str] = {}
    if authors:
        rows = await session.execute(
            select(Person.id, Person.full_name).where(Person.id.in_(authors))
        )
        names = {pid: name for pid, name in rows}
    officers: dict[int, list[str]] = {}
    rows = await session.execute(
        select(PersonUnit.unit_id, Person.full_name)
        .join(Person, Person.id == PersonUnit.person_id)
        .where(
            Person.organization_id == org_id,
            Person.role == Role.OFFICER,
            Person.status == PersonStatus.ACTIVE,
        )
        .order_by(Person.full_name)
    )
    for unit_id, name in rows:
        officers.setdefault(unit_id, []).append(name)
    out: dict[int, TaskExtra] = {}
    for v in views:
        units = v.lead_unit_ids or v.coordinating_unit_ids
        people = dict.fromkeys(n for u in units for n in officers.get(u, []))
        out[v.id] = TaskExtra(
            output=v.output,
            updated_by=names.get(v.last_update_by) if v.last_update_by else None,
            responsible=tuple(people),
        )
    return out
