"""What the planner and the renderer need to know about an organization, as plain data.

Loaded in one read transaction per tick (people, units, task views with
their latest progress), then handed to pure code: planning and rendering
never touch the database themselves, so the preview command and tests can
run them on any state.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.calendar import CalendarSettings
from plans.reminder_policy import ReminderPolicy
from plans.report_kinds import CCHC
from storage.models import (
    Organization,
    Person,
    PersonStatus,
    PersonUnit,
    Plan,
    Role,
    Task,
    Unit,
)
from storage.report_records import sent_keys
from storage.tasks import TaskView, load_task_views

log = logging.getLogger(__name__)

CHAIR_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)


@dataclass(frozen=True, slots=True)
class Member:
    """A person who can receive reminders."""

    id: int
    chat_id: int | None
    name: str
    role: Role
    unit_ids: tuple[int, ...]
    lang: str
    reachable: bool

    @property
    def can_receive(self) -> bool:
        return self.chat_id is not None and self.reachable


@dataclass
class OrgContext:
    """One organization's settings, people, units and tasks at one instant."""

    id: int
    name: str
    tz: ZoneInfo
    lang: str
    group_chat_id: int | None
    policy: ReminderPolicy
    calendar: CalendarSettings
    members: list[Member] = field(default_factory=list)
    unit_names: dict[int, str] = field(default_factory=dict)
    tasks: list[TaskView] = field(default_factory=list)
    # whether the org has any task at all, when ``tasks`` holds only some of them
    has_tasks: bool = False
    # CCHC report periods on record as sent (storage.report_records): no more reminders
    sent_reports: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._by_unit: dict[int, list[Member]] | None = None
        # officers per combination of units: a commune's tasks share a handful of them
        self._officers: dict[tuple[int, ...], tuple[Member, ...]] = {}

    @property
    def tasks_by_id(self) -> dict[int, TaskView]:
        return {t.id: t for t in self.tasks}

    def member(self, person_id: int) -> Member | None:
        return next((m for m in self.members if m.id == person_id), None)

    def officers_of(self, unit_ids: Iterable[int]) -> list[Member]:
        """Members of any of these units (officers, or a plan keeper who belongs to one),
        each once, in id order: whoever serves in a unit answers for its tasks."""
        units = tuple(unit_ids)
        known = self._officers.get(units)
        if known is None:
            known = self._officers[units] = tuple(self._find_officers(units))
        return list(known)

    def _find_officers(self, unit_ids: tuple[int, ...]) -> list[Member]:
        if self._by_unit is None:
            index: dict[int, list[Member]] = {}
            for m in self.members:
                if m.role in (Role.OFFICER, Role.ADMIN):
                    for u in m.unit_ids:
                        index.setdefault(u, []).append(m)
            self._by_unit = index
        seen: dict[int, Member] = {}
        for u in unit_ids:
            for m in self._by_unit.get(u, ()):
                seen.setdefault(m.id, m)
        return [seen[k] for k in sorted(seen)]

    def with_role(self, *roles: Role) -> list[Member]:
        return [m for m in self.members if m.role in roles]


def org_settings(
    org_id: int,
    reminder_policy: dict[str, Any] | None,
    calendar_settings: dict[str, Any] | None,
    timezone: str | None,
) -> tuple[ReminderPolicy, CalendarSettings, ZoneInfo]:
    """The org's policy and calendar (empty JSON = defaults); bad JSON falls back to defaults."""
    try:
        policy = ReminderPolicy.from_dict(reminder_policy or {})
    except (ValueError, TypeError):
        log.exception("organization %s has an invalid reminder policy; using defaults", org_id)
        policy = ReminderPolicy()
    data = dict(calendar_settings or {})
    data.setdefault("timezone", timezone or "Asia/Ho_Chi_Minh")
    try:
        calendar = CalendarSettings.from_dict(data)
    except (ValueError, TypeError):
        log.exception("organization %s has invalid calendar settings; using defaults", org_id)
        calendar = CalendarSettings()
    return policy, calendar, calendar.tzinfo


async def load_contexts(
    session: AsyncSession,
    org_ids: Iterable[int] | None = None,
    *,
    with_tasks: bool = True,
    with_people: bool = True,
    with_done_at: bool = True,
    with_text: bool = True,
    dated_due_by: date | None = None,
) -> list[OrgContext]:
    """Contexts of the given organizations (all when None), in id order.

    ``with_people=False`` (implies no tasks) reads the organizations' settings
    only: all an idle tick needs to see that nothing is due.
    ``with_done_at``, ``with_text`` and ``dated_due_by`` are passed to
    :func:`storage.tasks.load_task_views`: the planner asks for the dated tasks
    due soon (or overdue) only, on days without a report reminder; ``has_tasks``
    then still says whether the organization has any task.
    """
    # Plain columns on the session's connection (same transaction), not the ORM's result
    # path: a province tick reads thousands of people, and every organization twice.
    await session.flush()  # what the session's autoflush does before a query
    connection = await session.connection()
    query = select(
        Organization.id,
        Organization.name,
        Organization.language,
        Organization.group_chat_id,
        Organization.reminder_policy,
        Organization.calendar_settings,
        Organization.timezone,
    ).order_by(Organization.id)
    if org_ids is not None:
        query = query.where(Organization.id.in_(list(org_ids)))
    orgs = (await connection.execute(query)).all()
    if not orgs:
        return []
    ids = [org_id for org_id, *_ in orgs]
    contexts: dict[int, OrgContext] = {}
    for org_id, name, language, group_chat_id, reminder_policy, calendar_json, zone in orgs:
        policy, calendar, tz = org_settings(org_id, reminder_policy, calendar_json, zone)
        contexts[org_id] = OrgContext(
            id=org_id,
            name=name,
            tz=tz,
            lang=language or "vi",
            group_chat_id=group_chat_id,
            policy=policy,
            calendar=calendar,
        )
    for org_id, keys in (await sent_keys(session, ids)).items():
        contexts[org_id].sent_reports = frozenset(code for kind, code in keys if kind == CCHC)
    if not with_people:
        return [contexts[i] for i in ids]
    units_of: dict[int, list[int]] = {}
    for person_id, unit_id in (
        await connection.execute(
            select(PersonUnit.person_id, PersonUnit.unit_id)
            .join(Person, Person.id == PersonUnit.person_id)
            .where(Person.organization_id.in_(ids))
            .order_by(PersonUnit.person_id, PersonUnit.unit_id)
        )
    ).all():
        units_of.setdefault(person_id, []).append(unit_id)
    people = await connection.execute(
        select(
            Person.id,
            Person.organization_id,
            Person.telegram_user_id,
            Person.full_name,
            Person.role,
            Person.language,
            Person.reachable,
        )
        .where(Person.organization_id.in_(ids), Person.status == PersonStatus.ACTIVE)
        .order_by(Person.id)
    )
    for person_id, org_id, chat_id, name, role, language, reachable in people.all():
        ctx = contexts[org_id]
        ctx.members.append(
            Member(
                id=person_id,
                chat_id=chat_id,
                name=name,
                role=role,
                unit_ids=tuple(units_of.get(person_id, ())),
                lang=language or ctx.lang,
                reachable=bool(reachable),
            )
        )
    for unit_id, org_id, name in (
        await connection.execute(
            select(Unit.id, Unit.organization_id, Unit.name).where(Unit.organization_id.in_(ids))
        )
    ).all():
        contexts[org_id].unit_names[unit_id] = name
    if with_tasks:
        for view in await load_task_views(
            session,
            ids,
            with_done_at=with_done_at,
            with_text=with_text,
            dated_due_by=dated_due_by,
        ):
            contexts[view.organization_id].tasks.append(view)
        if dated_due_by is None:
            for ctx in contexts.values():
                ctx.has_tasks = bool(ctx.tasks)
        else:
            any_task = (
                select(Task.id).where(Task.plan_id == Plan.id, Task.removed_at.is_(None)).exists()
            )
            for (org_id,) in await connection.execute(
                select(Plan.organization_id)
                .where(Plan.organization_id.in_(ids), Plan.active.is_(True), any_task)
                .distinct()
            ):
                contexts[org_id].has_tasks = True
    return [contexts[i] for i in ids]
