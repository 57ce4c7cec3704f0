"""The plan keeper names the unit that leads a task whose plan named none (issue 11).

A lead written as a placeholder ("Các ngành liên quan", "Các bộ phận có
TTHC") names no single unit, so the task's reminders reach no one and
/tongquan counts it "chưa giao". The plan keeper picks a unit from the
commune's list; from then on the task is that unit's like any other: its
officers are reminded, and the card, the digest and the appendix name it.
The placeholder text is kept in the audit line.

Only a task with no lead unit is assigned here: changing a lead the plan
names is the plan's business (import it again). The same plan imported
again keeps the assigned lead, until a version of it names one
(storage/plan_import.py reads the audit line). Functions take an open
session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from storage.directory import PersonInfo, audit
from storage.models import Plan, Task, TaskUnit, Unit, UnitRole

# The audit action of a hand-assigned lead: a later import of the same plan keeps it.
LEAD_ASSIGNED = "task.lead_assigned"


@dataclass(frozen=True, slots=True)
class Assigned:
    task_number: int
    unit_name: str


async def _open_task(session: AsyncSession, org_id: int, task_id: int, *, lock: bool) -> Task:
    query = (
        select(Task)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Task.id == task_id, Task.removed_at.is_(None), Plan.organization_id == org_id)
    )
    # Writing, the task row is locked (PostgreSQL): of two keepers pressing at once, the
    # second waits and then finds the lead named. SQLite writes one transaction at a time.
    task = await session.scalar(query.with_for_update(of=Task) if lock else query)
    if task is None:
        raise UserError("progress.not_your_task")
    return task


async def _lead_unit_names(session: AsyncSession, task_id: int) -> list[str]:
    rows = await session.scalars(
        select(Unit.name)
        .join(TaskUnit, TaskUnit.unit_id == Unit.id)
        .where(TaskUnit.task_id == task_id, TaskUnit.role == UnitRole.LEAD)
        .order_by(Unit.name)
    )
    return list(rows)


async def _unassigned(
    session: AsyncSession, actor: PersonInfo, task_id: int, *, lock: bool = False
) -> Task:
    task = await _open_task(session, actor.organization_id, task_id, lock=lock)
    leads = await _lead_unit_names(session, task_id)
    if leads:
        raise UserError("assign.already", number=task.number, unit=", ".join(leads))
    return task


async def unassigned_task_number(session: AsyncSession, actor: PersonInfo, task_id: int) -> int:
    """The number of a task of the actor's organization that has no lead unit.

    Raises UserError: not a task of theirs, or its lead unit is named already
    (a stale button: someone assigned it meanwhile).
    """
    return (await _unassigned(session, actor, task_id)).number


async def assign_lead_unit(
    session: AsyncSession, actor: PersonInfo, task_id: int, unit_id: int, *, now: datetime
) -> Assigned:
    """Make ``unit_id`` the lead of a task with none; checked and written in one go.

    Raises UserError as :func:`unassigned_task_number`, or when the unit is not
    the organization's; then nothing is written.
    """
    task = await _unassigned(session, actor, task_id, lock=True)
    unit = await session.get(Unit, unit_id)
    if unit is None or unit.organization_id != actor.organization_id:
        raise UserError("assign.unit_unknown")
    placeholder = task.lead_units_text
    session.add(TaskUnit(task_id=task_id, unit_id=unit_id, role=UnitRole.LEAD))
    task.lead_units_text = unit.name
    await audit(
        session,
        actor.organization_id,
        actor.id,
        f"telegram:{actor.telegram_user_id}",
        LEAD_ASSIGNED,
        "task",
        task_id,
        {"unit_id": unit_id, "placeholder": placeholder},
        at=now,
    )
    await session.flush()
    return Assigned(task.number, unit.name)
