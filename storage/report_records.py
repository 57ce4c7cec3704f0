"""Sent reports on record, and the organization's report calendar entries.

The plan keeper marks a report sent (``/daguibaocao 45/BC-UBND 08/06/2024``
or the button on the draft): number, date, who. From then on the appendix
header carries that number and date on every re-export, the reminders for
that period stop, and the district roll-up reads "sent on time / sent late /
not sent" from these records instead of guessing from missing task updates.

Report kinds (``plans.report_kinds``) are stored per organization in
``report_cycles``; no row means the CCHC reports alone, with drafts sent
``DEFAULT_DRAFT_WORKING_DAYS`` working days before each deadline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.calendar import CalendarSettings
from plans.errors import UserError
from plans.regex import lazy_compile
from plans.report_kinds import (
    CCHC,
    DEFAULT_DRAFT_WORKING_DAYS,
    MAX_DRAFT_WORKING_DAYS,
    PRESETS,
    DueReport,
    ReportKind,
    cchc_default,
    due_reports,
    report_to_mark,
)
from plans.status_table import StatusTable
from storage.directory import audit
from storage.models import Organization, Person, ReportCycle, ReportRecord

if TYPE_CHECKING:  # storage.reports imports this module
    from storage.reports import OrgProfile

log = logging.getLogger(__name__)

_NUMBER = lazy_compile(r"^\d{1,5}[A-Za-zĐđ]?/[A-Za-zĐđ0-9.\-–]+(?:/[A-Za-zĐđ0-9.\-–]+)*$")
_DATE = lazy_compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


class SentStatus(StrEnum):
    """A report as the district sees it."""

    ON_TIME = "on_time"
    LATE = "late"
    NOT_SENT = "not_sent"  # deadline passed, no record
    PENDING = "pending"  # deadline not yet passed, no record


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    period_code: str
    number: str
    sent_on: date
    due_on: date
    person_name: str | None

    @property
    def late(self) -> bool:
        return self.sent_on > self.due_on


@dataclass(frozen=True, slots=True)
class CycleSettings:
    draft_working_days: int
    kinds: tuple[ReportKind, ...]


# --------------------------------------------------------------------------- parsing


def parse_sent_args(text: str, today: date) -> tuple[str | None, str, date]:
    """'[kind] 45/BC-UBND [08/06/2024]' → (kind key or None, number, date).

    Raises UserError (catalog key) on a malformed number or date; a missing
    date means today.
    """
    words = text.split()
    kind = None
    if words and "/" not in words[0] and not words[0][:1].isdigit():
        kind = words.pop(0).casefold()
    if not words:
        raise UserError("reportcycle.sent.usage")
    number = words.pop(0).strip(".,;")
    if not _NUMBER.match(number):
        raise UserError("reportcycle.sent.bad_number", number=number)
    sent_on = today
    if words:
        m = _DATE.match(words.pop(0))
        if not m:
            raise UserError("reportcycle.sent.bad_date")
        try:
            sent_on = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError as exc:
            raise UserError("reportcycle.sent.bad_date") from exc
    if words:
        raise UserError("reportcycle.sent.usage")
    if sent_on > today:
        raise UserError("reportcycle.sent.future")
    return kind, number, sent_on


# --------------------------------------------------------------------------- settings


async def cycle_settings(session: AsyncSession, org: Organization | OrgProfile) -> CycleSettings:
    """The organization's report kinds (CCHC first) and draft lead, defaults when unset."""
    return settings_of(org, await session.get(ReportCycle, org.id))


async def all_cycle_rows(session: AsyncSession) -> dict[int, ReportCycle]:
    """Every stored report calendar, by organization (one query for a whole tick)."""
    return {row.organization_id: row for row in await session.scalars(select(ReportCycle))}


def settings_of(org: Organization | OrgProfile, row: ReportCycle | None) -> CycleSettings:
    """``cycle_settings`` from an already loaded row (None: the defaults)."""
    calendar = _calendar(org)
    kinds: list[ReportKind] = []
    if row is not None:
        for data in row.kinds or []:
            try:
                kinds.append(ReportKind.from_dict(data))
            except (KeyError, ValueError, TypeError):
                log.warning("organization %s: bad report kind %r ignored", org.id, data)
    if not any(k.key == CCHC for k in kinds):
        kinds.insert(0, cchc_default(calendar))
    days = row.draft_working_days if row is not None else DEFAULT_DRAFT_WORKING_DAYS
    return CycleSettings(draft_working_days=days, kinds=tuple(kinds))


async def _row(session: AsyncSession, org: Organization | OrgProfile) -> ReportCycle:
    row = await session.get(ReportCycle, org.id)
    if row is None:
        row = ReportCycle(
            organization_id=org.id, draft_working_days=DEFAULT_DRAFT_WORKING_DAYS, kinds=[]
        )
        session.add(row)
    return row


async def set_draft_days(
    session: AsyncSession, org: Organization | OrgProfile, days: int, person_id: int | None
) -> None:
    """How many working days before a deadline the draft goes out (1..15)."""
    if not 1 <= days <= MAX_DRAFT_WORKING_DAYS:
        raise UserError("reportcycle.settings.bad_days", max=MAX_DRAFT_WORKING_DAYS)
    row = await _row(session, org)
    row.draft_working_days = days
    await audit(
        session, org.id, person_id, "chat", "report_cycle.draft_days", details={"days": days}
    )


async def add_preset(
    session: AsyncSession, org: Organization | OrgProfile, key: str, person_id: int | None
) -> ReportKind:
    """Switch on a ready preset report kind (tthc, ra_soat_vbqppl, …)."""
    preset = PRESETS.get(key.casefold())
    if preset is None:
        raise UserError("reportcycle.kinds.unknown", key=key)
    row = await _row(session, org)
    kinds = [k for k in (row.kinds or []) if k.get("key") != preset.key]
    kinds.append(preset.to_dict())
    row.kinds = kinds
    await audit(
        session, org.id, person_id, "chat", "report_cycle.kind_added", details=preset.to_dict()
    )
    return preset


async def update_kind(
    session: AsyncSession,
    org: Organization | OrgProfile,
    key: str,
    person_id: int | None,
    *,
    deadline_day: int | None = None,
    owner_unit: str | None = None,
) -> ReportKind:
    """Change an entry's deadline day or owner unit (the CCHC entry too)."""
    settings = await cycle_settings(session, org)
    current = next((k for k in settings.kinds if k.key == key.casefold()), None)
    if current is None:
        raise UserError("reportcycle.kinds.unknown", key=key)
    if deadline_day is not None and not 1 <= deadline_day <= 31:
        raise UserError("reportcycle.kinds.bad_day")
    changed = ReportKind(
        key=current.key,
        rhythm=current.rhythm,
        deadline_day=deadline_day if deadline_day is not None else current.deadline_day,
        owner_unit=" ".join(owner_unit.split()) if owner_unit else current.owner_unit,
        name=current.name,
    )
    row = await _row(session, org)
    kinds = [k for k in (row.kinds or []) if k.get("key") != changed.key]
    kinds.append(changed.to_dict())
    row.kinds = kinds
    await audit(
        session, org.id, person_id, "chat", "report_cycle.kind_changed", details=changed.to_dict()
    )
    return changed


async def remove_kind(
    session: AsyncSession, org: Organization | OrgProfile, key: str, person_id: int | None
) -> None:
    if key == CCHC:
        raise UserError("reportcycle.kinds.keep_cchc")
    row = await _row(session, org)
    kinds = [k for k in (row.kinds or []) if k.get("key") != key]
    if len(kinds) == len(row.kinds or []):
        raise UserError("reportcycle.kinds.unknown", key=key)
    row.kinds = kinds
    await audit(
        session, org.id, person_id, "chat", "report_cycle.kind_removed", details={"key": key}
    )


def _calendar(org: Organization | OrgProfile) -> CalendarSettings:
    from storage.reports import calendar_settings

    return calendar_settings(org)


# --------------------------------------------------------------------------- records


async def sent_codes(session: AsyncSession, org_id: int, kind: str = CCHC) -> set[str]:
    rows = await session.scalars(
        select(ReportRecord.period_code).where(
            ReportRecord.organization_id == org_id, ReportRecord.kind == kind
        )
    )
    return set(rows)


async def sent_keys(session: AsyncSession, org_ids: list[int]) -> dict[int, set[tuple[str, str]]]:
    """(kind, period code) of every sent report of these organizations."""
    found: dict[int, set[tuple[str, str]]] = {i: set() for i in org_ids}
    if not org_ids:
        return found
    rows = await session.execute(
        select(ReportRecord.organization_id, ReportRecord.kind, ReportRecord.period_code).where(
            ReportRecord.organization_id.in_(org_ids)
        )
    )
    for org_id, kind, code in rows:
        found.setdefault(org_id, set()).add((kind, code))
    return found


async def record_for(
    session: AsyncSession, org_id: int, period_code: str, kind: str = CCHC
) -> Record | None:
    row = await session.scalar(
        select(ReportRecord).where(
            ReportRecord.organization_id == org_id,
            ReportRecord.kind == kind,
            ReportRecord.period_code == period_code,
        )
    )
    if row is None:
        return None
    name = None
    if row.person_id is not None:
        name = await session.scalar(select(Person.full_name).where(Person.id == row.person_id))
    return Record(row.kind, row.period_code, row.number, row.sent_on, row.due_on, name)


async def mark_sent(
    session: AsyncSession,
    org: Organization | OrgProfile,
    *,
    kind: str | None,
    number: str,
    sent_on: date,
    today: date,
    person_id: int | None,
    now: datetime,
    period_code: str | None = None,
) -> tuple[DueReport, bool]:
    """Record a report as sent; returns (the report, whether it replaced a record).

    Without ``period_code`` the report is the oldest of its kind that is
    late and unrecorded, else the next one due (``plans.report_kinds``).
    """
    settings = await cycle_settings(session, org)
    key = (kind or CCHC).casefold()
    kinds = [k for k in settings.kinds if k.key == key]
    if not kinds:
        raise UserError("reportcycle.kinds.unknown", key=kind or "")
    calendar = _calendar(org)
    if period_code is not None:
        years = (today.year - 1, today.year, today.year + 1)
        match = [r for r in due_reports(kinds, calendar, years) if r.code == period_code]
        report = match[0] if match else None
    else:
        report = report_to_mark(kinds, calendar, key, today, await sent_codes(session, org.id, key))
    if report is None:
        raise UserError("reportcycle.sent.no_period")
    existing = await session.scalar(
        select(ReportRecord).where(
            ReportRecord.organization_id == org.id,
            ReportRecord.kind == key,
            ReportRecord.period_code == report.code,
        )
    )
    replaced = existing is not None
    if existing is None:
        existing = ReportRecord(organization_id=org.id, kind=key, period_code=report.code)
        session.add(existing)
    existing.number = number
    existing.sent_on = sent_on
    existing.due_on = report.deadline
    existing.person_id = person_id
    existing.recorded_at = now
    await audit(
        session,
        org.id,
        person_id,
        "chat",
        "report.sent",
        "report_record",
        None,
        {"kind": key, "period": report.code, "number": number, "sent_on": sent_on.isoformat()},
        at=now,
    )
    return report, replaced


def status_of(record: Record | None, due_on: date, today: date) -> SentStatus:
    """On time / late / not sent (deadline passed) / pending, from the record alone."""
    if record is not None:
        return SentStatus.LATE if record.late else SentStatus.ON_TIME
    return SentStatus.NOT_SENT if today > due_on else SentStatus.PENDING


async def apply_record(
    session: AsyncSession, org_id: int, table: StatusTable, period_code: str, kind: str = CCHC
) -> StatusTable:
    """Put the sent-report number and date into the appendix header (when on record)."""
    record = await record_for(session, org_id, period_code, kind)
    if record is not None:
        table.report_number = record.number
        table.report_date = record.sent_on
    return table
