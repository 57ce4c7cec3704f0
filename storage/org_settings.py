"""An organization's reminder and reporting-calendar settings, read and changed safely.

The JSON documents on ``Organization`` are owned by the pure domain
(``ReminderPolicy``, ``CalendarSettings``): a change is applied to the domain
object with :func:`dataclasses.replace`, so its own validation runs, and
only then stored through ``to_dict``. A bad value raises :class:`UserError`
and changes nothing.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from plans.calendar import CalendarSettings
from plans.errors import UserError
from plans.numbers import parse_count
from plans.reminder_policy import ReminderPolicy
from storage.directory import audit
from storage.models import PLANNER_NEXT_KEY, Chat, Organization, SchedulerState

log = logging.getLogger(__name__)

MAX_LEAD_DAY = 60
MAX_LEADS = 5


@dataclass(frozen=True, slots=True)
class OrgSettings:
    org_id: int
    reminder: ReminderPolicy
    calendar: CalendarSettings
    group_chat_id: int | None
    group_title: str | None


def _policy(org: Organization) -> ReminderPolicy:
    try:
        return ReminderPolicy.from_dict(org.reminder_policy or {})
    except (ValueError, TypeError):
        log.warning("organization %s has an invalid reminder policy; using defaults", org.id)
        return ReminderPolicy()


def _calendar(org: Organization) -> CalendarSettings:
    data = dict(org.calendar_settings or {})
    data.setdefault("timezone", org.timezone)
    try:
        return CalendarSettings.from_dict(data)
    except (ValueError, TypeError):
        log.warning("organization %s has invalid calendar settings; using defaults", org.id)
        return CalendarSettings(timezone=org.timezone)


async def _org(session: AsyncSession, org_id: int) -> Organization:
    org = await session.get(Organization, org_id)
    if org is None:
        raise UserError("setup.org.not_found", name=str(org_id))
    return org


async def load_settings(session: AsyncSession, org_id: int) -> OrgSettings:
    """The settings as the scheduler and the reports will use them (defaults filled in)."""
    org = await _org(session, org_id)
    title = None
    if org.group_chat_id is not None:
        chat = await session.get(Chat, org.group_chat_id)
        title = chat.title if chat is not None else None
    return OrgSettings(org.id, _policy(org), _calendar(org), org.group_chat_id, title)


def parse_lead_days(text: str) -> tuple[int, ...]:
    """ "7, 3, 1" or "7 3 1" → (7, 3, 1); 1..60 days, at most five values."""
    parts = [p for p in text.replace(",", " ").replace(";", " ").split() if p]
    numbers = [parse_count(p) for p in parts]
    if any(n is None for n in numbers):
        raise UserError("settings.error.lead_days", text=text)
    values = tuple(sorted({n for n in numbers if n is not None}, reverse=True))
    if not values or len(values) > MAX_LEADS or any(not 1 <= v <= MAX_LEAD_DAY for v in values):
        raise UserError("settings.error.lead_days", text=text)
    return values


def parse_hour(text: str) -> time:
    """ "7:30", "07h30", "7" → 07:30 / 07:00 local wall-clock time."""
    cleaned = text.strip().lower().replace("h", ":").replace(".", ":")
    if cleaned.endswith(":"):
        cleaned = cleaned[:-1]
    hour_text, _, minute_text = cleaned.partition(":")
    hour, minute = parse_count(hour_text), parse_count(minute_text or "0")
    if hour is None or minute is None or hour > 23 or minute > 59:
        raise UserError("settings.error.hour", text=text)
    return time(hour, minute)


def parse_day(text: str) -> int:
    day = parse_count(text)
    if day is None or not 1 <= day <= 28:
        raise UserError("settings.error.day", text=text)
    return day


async def update_reminder_policy(
    session: AsyncSession,
    org_id: int,
    *,
    person_id: int | None,
    actor: str,
    **changes: Any,
) -> ReminderPolicy:
    """Apply ``changes`` (ReminderPolicy field names) after the domain's validation."""
    org = await _org(session, org_id)
    before = _policy(org)
    try:
        after = dataclasses.replace(before, **changes)
    except (ValueError, TypeError) as exc:
        raise UserError("settings.error.invalid", reason=str(exc)) from exc
    org.reminder_policy = after.to_dict()
    await forget_planned_instant(session)
    await audit(
        session,
        org_id,
        person_id,
        actor,
        "org.reminder_policy",
        "organization",
        org_id,
        {"before": before.to_dict(), "after": after.to_dict()},
    )
    return after


async def update_calendar(
    session: AsyncSession,
    org_id: int,
    *,
    person_id: int | None,
    actor: str,
    **changes: Any,
) -> CalendarSettings:
    """Apply ``changes`` (CalendarSettings field names) after the domain's validation."""
    org = await _org(session, org_id)
    before = _calendar(org)
    try:
        after = dataclasses.replace(before, **changes)
    except (ValueError, TypeError) as exc:
        raise UserError("settings.error.invalid", reason=str(exc)) from exc
    # Keep keys the calendar does not own (the PAR INDEX season, plans.par_index.season).
    org.calendar_settings = {**(org.calendar_settings or {}), **after.to_dict()}
    await forget_planned_instant(session)
    await audit(
        session,
        org_id,
        person_id,
        actor,
        "org.calendar_settings",
        "organization",
        org_id,
        {"before": before.to_dict(), "after": after.to_dict()},
    )
    return after


async def forget_planned_instant(session: AsyncSession) -> None:
    """Make the scheduler's next tick a full pass, so an edited hour applies at once."""
    await session.execute(delete(SchedulerState).where(SchedulerState.key == PLANNER_NEXT_KEY))
