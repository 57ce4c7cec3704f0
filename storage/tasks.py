"""Tasks as the rest of the bot sees them: plain views with their current state.

A task's state is its latest progress update (DESIGN.md), so every reader —
the officer's task list, the chairman's overview, the reminder planner, the
report export — goes through :func:`load_task_views`, which fetches the
latest update of each task in one windowed query instead of one per task.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from plans.completion import TaskSnapshot, is_done
from plans.deadlines import Milestone
from plans.milestones import effective_due, milestones_from_json
from storage.models import (
    Field,
    Organization,
    Plan,
    ProgressUpdate,
    Task,
    TaskUnit,
    UnitRole,
)

MAX_TASK_NUMBER = 2**31 - 1  # PostgreSQL INTEGER
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass(slots=True)
class TaskView:
    """A task with its field, units and latest progress, detached from the ORM.

    Read-only by convention (``dataclasses.replace`` for a changed copy), but not
    ``frozen``: a frozen dataclass sets each of these 31 fields through
    ``object.__setattr__``, about 7 us per view against 1 us, and the 07:30 tick
    builds one per task of the province (10,000 at 1x).
    """

    id: int
    organization_id: int
    plan_id: int
    plan_year: int
    number: int
    code: str | None
    field_key: str
    field_ordinal: int
    field_title: str
    content: str
    product: str | None
    lead_unit_ids: tuple[int, ...]
    coordinating_unit_ids: tuple[int, ...]
    lead_units_text: str | None
    coordinating_units_text: str | None
    deadline_text: str | None
    deadline_kind: str
    due_date: date | None
    extended_due_date: date | None
    percent: int | None
    status_text: str | None
    output: str | None
    note: str | None
    last_update_at: datetime | None
    last_update_by: int | None
    done_at: datetime | None
    update_times: tuple[datetime, ...] = field(default=())
    milestones: tuple[Milestone, ...] = ()  # empty: due_date is the only milestone
    last_update_day: date | None = None  # local day of the latest update
    parent_code: str | None = None  # the criterion group it sits under ("3.2" for "3.2.1")
    deadline_assumed: bool = False  # no time in the plan: due_date is the year's end

    @property
    def effective_due_date(self) -> date | None:
        """The next open milestone, extension applied (``plans.milestones.effective_due``)."""
        if not self.milestones:  # the common case, asked for every task on every tick
            return self.extended_due_date or self.due_date
        return effective_due(
            self.due_date,
            self.extended_due_date,
            self.milestones,
            last_update_on=self.last_update_day,
            done=self.done,
            recurring=self.deadline_kind == "recurring",
        )

    @property
    def unit_ids(self) -> tuple[int, ...]:
        lead, coordinating = self.lead_unit_ids, self.coordinating_unit_ids
        if not coordinating:  # asked several times per task on every tick
            return lead
        return lead + tuple([u for u in coordinating if u not in lead])

    @property
    def done(self) -> bool:
        return is_done(self.percent, self.status_text)

    def snapshot(self, tz: ZoneInfo) -> TaskSnapshot:
        """The pure-domain view used by completion math and reminder policy."""
        done_at, last_at = self.done_at, self.last_update_at
        return TaskSnapshot(  # positional, in the fields' order (no keyword dict per task)
            self.id,  # task_id
            self.field_key,
            self.unit_ids,
            self.deadline_kind,
            self.effective_due_date,  # due_date
            self.percent,
            self.status_text,
            done_at.astimezone(tz).date() if done_at else None,  # done_on
            last_at.astimezone(tz).date() if last_at else None,  # last_update_on
            date(self.plan_year, 1, 1),  # start_on
        )


def _latest_updates(
    task_ids: Select[int], as_of: datetime | None, *, with_text: bool = True
) -> Select[*tuple[Any, ...]]:
    """Each task's latest update (by time, then id), as at most one row per task.

    One index probe per task, newest first on ``ix_progress_task_time`` (its
    implicit last column is the row id, so the tie-break needs no sort),
    instead of ranking every update of every task with a window function,
    which sorted all 100,000 updates of the 1x province to keep 10,000 (SQLite:
    0.29 s of CPU, against 0.035 s for the probes).

    Columns: task, percent, status, time, then (``with_text``, see
    :func:`load_task_views`) output, note and author.
    """
    wanted = task_ids.subquery()
    newest = aliased(ProgressUpdate)
    latest_id = (
        select(newest.id)
        .where(newest.task_id == wanted.c.id)
        .order_by(newest.created_at.desc(), newest.id.desc())
        .limit(1)
    )
    if as_of is not None:
        latest_id = latest_id.where(newest.created_at <= as_of)
    latest_ids = select(latest_id.correlate(wanted).scalar_subquery()).select_from(wanted)
    words = (ProgressUpdate.output, ProgressUpdate.note, ProgressUpdate.person_id)
    return select(
        ProgressUpdate.task_id,
        ProgressUpdate.percent,
        ProgressUpdate.status_text,
        ProgressUpdate.created_at,
        *(words if with_text else ()),
    ).where(ProgressUpdate.id.in_(latest_ids))


async def _done_since(
    session: AsyncSession, task_ids: Sequence[int], as_of: datetime | None
) -> dict[int, datetime]:
    """When each done task became done: the first update of its final run of done updates."""
    if not task_ids:
        return {}
    query = (
        select(
            ProgressUpdate.task_id,
            ProgressUpdate.percent,
            ProgressUpdate.status_text,
            ProgressUpdate.created_at,
        )
        .where(ProgressUpdate.task_id.in_(task_ids))
        .order_by(ProgressUpdate.task_id, ProgressUpdate.created_at, ProgressUpdate.id)
    )
    if as_of is not None:
        query = query.where(ProgressUpdate.created_at <= as_of)
    since: dict[int, datetime] = {}
    for task_id, percent, status, created in await session.execute(query):
        if is_done(percent, status):
            since.setdefault(task_id, created)
        else:
            since.pop(task_id, None)
    return since


async def load_task_views(
    session: AsyncSession,
    organization_id: int | Iterable[int],
    *,
    unit_ids: Iterable[int] | None = None,
    task_ids: Iterable[int] | None = None,
    plan_id: int | None = None,
    as_of: datetime | None = None,
    with_update_times: bool = False,
    with_done_at: bool = True,
    with_text: bool = True,
    dated_due_by: date | None = None,
) -> list[TaskView]:
    """Tasks of the organization's active plans, ordered by field then number.

    ``unit_ids`` keeps the tasks any of those units leads or coordinates;
    ``as_of`` ignores updates made after that instant (a period's cutoff);
    ``with_update_times`` also returns the instants of every update (for
    "updated in this period?" questions about recurring tasks).

    ``with_done_at=False`` leaves ``done_at`` empty: finding when a task became
    done reads every update of every done task, which the reminder planner
    (it only asks *whether* a task is done) cannot afford at province scale.
    ``with_text=False`` leaves the words empty (code, content, product, the
    units' and deadline's texts, parent code, field title: ``""`` or None) and
    the latest update's output, note and author None: the reminder planner
    decides from dates, units and state, and reading and sorting those strings
    for every task of a province cost the 07:30 tick more than the rest of the
    query.
    ``dated_due_by`` keeps only dated (not recurring) tasks whose effective
    due date (the extension's, if any) is on or before that day -- the only
    tasks that can have a deadline reminder soon.
    """
    org_ids = [organization_id] if isinstance(organization_id, int) else list(organization_id)
    # The words come last and only when asked for: each column of each row costs the
    # driver a release of the GIL (Python 3.11's sqlite3), even a NULL one.
    words = (
        (
            Task.code,
            Task.content,
            Task.product,
            Task.lead_units_text,
            Task.coordinating_units_text,
            Task.deadline_text,
            Task.parent_code,
            Field.title,
        )
        if with_text
        else ()
    )
    query = (
        select(
            Task.id,
            Task.number,
            Task.deadline_kind,
            Task.due_date,
            Task.extended_due_date,
            Task.milestones,
            Task.deadline_assumed,
            Organization.timezone,
            Field.key,
            Field.ordinal,
            Plan.id,
            Plan.organization_id,
            Plan.year,
            *words,
        )
        .select_from(Task)
        .join(Field, Field.id == Task.field_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Organization, Organization.id == Plan.organization_id)
        .where(Plan.organization_id.in_(org_ids), Plan.active.is_(True), Task.removed_at.is_(None))
        .order_by(Plan.organization_id, Plan.year, Field.ordinal, Task.number)
    )
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    if dated_due_by is not None:
        # a task with milestones may have an earlier one open: always a candidate
        query = query.where(
            or_(
                and_(
                    Task.deadline_kind != "recurring",
                    func.coalesce(Task.extended_due_date, Task.due_date) <= dated_due_by,
                ),
                Task.milestones.is_not(None),
            )
        )
    if task_ids is not None:
        query = query.where(Task.id.in_(list(task_ids)))
    if unit_ids is not None:
        wanted = list(unit_ids)
        query = query.where(
            Task.id.in_(select(TaskUnit.task_id).where(TaskUnit.unit_id.in_(wanted)))
        )
    # Core rows on the session's own connection (same transaction): the ORM's result
    # path rebuilt every row in Python, as costly as the queries at province scale.
    await session.flush()  # what the session's autoflush does before a query
    connection = await session.connection()
    rows = (await connection.execute(query)).all()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    # the same selection as SQL (no bind parameter per task: thousands at province scale)
    id_select = query.with_only_columns(Task.id).order_by(None)

    links: dict[int, tuple[list[int], list[int]]] = {i: ([], []) for i in ids}
    for task_id, unit_id, role in (
        await connection.execute(
            select(TaskUnit.task_id, TaskUnit.unit_id, TaskUnit.role)
            .where(TaskUnit.task_id.in_(id_select))
            .order_by(TaskUnit.task_id, TaskUnit.unit_id)
        )
    ).all():
        links[task_id][0 if role == UnitRole.LEAD else 1].append(unit_id)

    # each task's latest update, the columns of :func:`_latest_updates`
    latest: dict[int, Sequence[Any]] = {
        row[0]: row
        for row in (
            await connection.execute(_latest_updates(id_select, as_of, with_text=with_text))
        ).all()
    }
    done_since: dict[int, datetime] = {}
    if with_done_at:
        done = [i for i, last in latest.items() if is_done(last[1], last[2])]
        done_since = await _done_since(session, done, as_of)

    update_times: dict[int, list[datetime]] = {}
    if with_update_times:
        q = select(ProgressUpdate.task_id, ProgressUpdate.created_at).where(
            ProgressUpdate.task_id.in_(id_select)
        )
        if as_of is not None:
            q = q.where(ProgressUpdate.created_at <= as_of)
        for task_id, created in await connection.execute(q):
            update_times.setdefault(task_id, []).append(created)

    # Rows are unpacked by position, in the order of the query's columns above: reading
    # 21 columns by name off 10,000 rows cost more than the query itself.
    views = []
    zones: dict[str, ZoneInfo] = {}
    no_update = (None,) * 7
    # code, content, product, lead/coordinating units' texts, deadline text, parent, field
    no_words = (None, "", None, None, None, None, None, "")
    for (
        task_id,
        number,
        deadline_kind,
        due_date,
        extended_due_date,
        milestones,
        deadline_assumed,
        timezone,
        field_key,
        field_ordinal,
        plan_id,
        org_id,
        plan_year,
        *read_words,
    ) in rows:
        (
            code,
            content,
            product,
            lead_units_text,
            coordinating_units_text,
            deadline_text,
            parent_code,
            field_title,
        ) = read_words or no_words
        update = latest.get(task_id, no_update)
        percent, status_text, last_at = update[1], update[2], update[3]
        output, note, last_by = update[4:] if with_text else (None, None, None)
        last_day = None
        if last_at is not None:
            tz = zones.get(timezone)
            if tz is None:
                tz = zones[timezone] = _zone(timezone)
            last_day = last_at.astimezone(tz).date()
        lead, coordinating = links[task_id]
        times = update_times.get(task_id)
        # Positional, in the fields' order: a class called with keywords packs them into
        # a dict and unpacks it again for __init__ (31 of them, for each task).
        views.append(
            TaskView(
                task_id,  # id
                org_id,  # organization_id
                plan_id,
                plan_year,
                number,
                code,
                field_key,
                field_ordinal,
                field_title,
                content,
                product,
                tuple(lead),  # lead_unit_ids
                tuple(coordinating),  # coordinating_unit_ids
                lead_units_text,
                coordinating_units_text,
                deadline_text,
                deadline_kind,
                due_date,
                extended_due_date,
                percent,
                status_text,
                output,
                note,
                last_at,  # last_update_at
                last_by,  # last_update_by
                done_since.get(task_id),  # done_at
                tuple(sorted(times)) if times else (),  # update_times
                milestones_from_json(milestones),
                last_day,  # last_update_day
                parent_code,
                bool(deadline_assumed),
            )
        )
    return views


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ValueError, KeyError):  # an invalid name on record: the country's zone
        return ZoneInfo(DEFAULT_TIMEZONE)


async def find_task_by_number(
    session: AsyncSession, organization_id: int, number: int
) -> TaskView | None:
    """The task an officer means by "số 12": numbered within the organization's active plan.

    When several plans are active (e.g. two years overlap), the newest year wins.
    A number no plan could hold (0, negative, past a 32-bit integer) is simply
    not found, rather than an overflow in the database driver.
    """
    if not 0 < number <= MAX_TASK_NUMBER:
        return None
    task_id = await session.scalar(
        select(Task.id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.organization_id == organization_id,
            Plan.active.is_(True),
            Task.number == number,
            Task.removed_at.is_(None),
        )
        .order_by(Plan.year.desc(), Plan.id.desc())
        .limit(1)
    )
    if task_id is None:
        return None
    views = await load_task_views(session, organization_id, task_ids=[task_id])
    return views[0] if views else None


async def field_organization(session: AsyncSession, field_id: int) -> int | None:
    """The organization whose plan holds a field (a button's id is checked against it)."""
    return await session.scalar(
        select(Plan.organization_id)
        .join(Field, Field.plan_id == Plan.id)
        .where(Field.id == field_id)
    )
