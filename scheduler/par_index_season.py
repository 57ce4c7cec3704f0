"""Self-assessment season reminders, planned into the outbox like every other reminder.

On each reminder day of an organization's season (plans.par_index.season),
every officer whose units' tasks serve criteria still missing evidence gets
one notice listing those criteria, and the chairman and vice-chairmen get the
projected score. Drafts carry a unique (recipient, subject, occasion) key, so
planning as often as the job runs writes each reminder once; the regular
tick delivers them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.par_index.model import format_points
from plans.par_index.season import Season
from scheduler.outbox import Notice, queue_notice
from storage.db import Database
from storage.models import Organization, ParCriteriaSet, Person, PersonStatus, PersonUnit, Role
from storage.par_index import desk
from storage.reports import calendar_settings

SUBJECT = "par_index:season"
MAX_CODES = 25


def _notice(
    person: Person,
    org: Organization,
    key: str,
    params: dict[str, Any],
    year: int,
    day: str,
    now: datetime,
) -> Notice:
    return Notice(
        person_id=person.id,
        chat_id=int(person.telegram_user_id or 0),
        subject=f"{SUBJECT}:{year}",
        occasion=day,
        due_at=now,
        key=key,
        params=params,
        lang=person.language or org.language or "vi",
        organization_id=org.id,
    )


async def season_drafts(session: AsyncSession, now: datetime) -> list[Notice]:
    """The season reminders due today for every organization with a scorecard."""
    org_ids = set(await session.scalars(select(ParCriteriaSet.organization_id).distinct()))
    drafts: list[Notice] = []
    for org_id in sorted(org_ids):
        org = await session.get(Organization, org_id)
        if org is None:
            continue
        season = Season.from_settings(org.calendar_settings)
        today = now.astimezone(calendar_settings(org).tzinfo).date()
        if not season.reminds_on(today):
            continue
        view = await desk(session, org_id, now=now)
        if view is None:
            continue
        deadline = season.deadline(view.year).strftime("%d/%m/%Y")
        people = list(
            await session.scalars(
                select(Person).where(
                    Person.organization_id == org_id,
                    Person.status == PersonStatus.ACTIVE,
                    Person.telegram_user_id.is_not(None),
                )
            )
        )
        units_of: dict[int, set[int]] = {}
        for person_id, unit_id in await session.execute(
            select(PersonUnit.person_id, PersonUnit.unit_id).where(
                PersonUnit.person_id.in_([p.id for p in people])
            )
        ):
            units_of.setdefault(person_id, set()).add(unit_id)
        missing = [o for o in view.outlooks if o.item.code and not o.evidence]
        day = today.isoformat()
        for person in people:
            lang = person.language or org.language or "vi"
            if person.role is Role.OFFICER:
                mine = [
                    o.item.code
                    for o in missing
                    if any(
                        set(task.unit_ids) & units_of.get(person.id, set())
                        for task in view.tasks.get(o.item.code or "", [])
                    )
                ]
                if mine:
                    codes = ", ".join(str(c) for c in mine[:MAX_CODES])
                    params = {"deadline": deadline, "count": len(mine), "codes": codes}
                    drafts.append(
                        _notice(
                            person, org, "par_index.season.officer", params, view.year, day, now
                        )
                    )
            elif person.role in (Role.CHAIRMAN, Role.VICE_CHAIRMAN):
                p = view.projection
                params = {
                    "deadline": deadline,
                    "year": view.year,
                    "projected": format_points(p.projected, lang),
                    "worst": format_points(p.worst, lang),
                    "best": format_points(p.best, lang),
                    "missing": len(missing),
                }
                drafts.append(
                    _notice(person, org, "par_index.season.chairman", params, view.year, day, now)
                )
    return drafts


async def plan_season(db: Database, now: datetime) -> int:
    """Write today's season reminders to the outbox; returns how many were new."""
    async with db.write() as session:
        drafts = await season_drafts(session, now)
        if not drafts:
            return 0
        return await queue_notice(session, drafts)
