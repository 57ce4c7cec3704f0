"""The planner: which reminders are due at an instant, written once into the outbox.

A pure function of (database state, now).  For each organization the
scheduler remembers the last instant it planned (``scheduler_state``);
:func:`plan_due` takes the local days whose digest time lies between that
instant and now, asks :mod:`plans.reminder_policy` what falls on each, and
builds **one digest per recipient and day**: every task of that person's
occasions in one message (sections: overdue, deadline today, coming up,
reports to update, escalations, summaries), each task with a ``tk:`` button.

Days whose digest is older than the policy's ``catch_up_grace`` (the bot was
down) are not replayed one by one: they collapse into a single "while the
bot was away" digest per person.  Rows are inserted with ``ON CONFLICT DO
NOTHING`` on (recipient, subject, occasion), so planning twice -- a second
tick, a second replica, a restart -- writes nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans import workdays
from plans.calendar import ReportingPeriod, reports_for_year
from plans.completion import owes_figure
from plans.reminder_policy import (
    OccasionKind,
    PlannedTask,
    ReminderPolicy,
    catch_up_days,
    report_occasions,
    send_time,
    task_occasions,
    weekly_occasions,
)
from scheduler.context import CHAIR_ROLES, Member, OrgContext, load_contexts
from scheduler.outbox import PlannedMessage, insert_drafts
from storage.db import Database, upsert_insert
from storage.models import PLANNER_NEXT_KEY, Organization, Role, SchedulerState
from storage.outbox import CATCH_UP, DIGEST, CatchUpPayload, DigestPayload, ReportItem, TaskItem
from storage.tasks import TaskView

log = logging.getLogger(__name__)

MAX_MISSED_DAYS = 62  # older gaps are not worth a summary line each
REPORT_HORIZON = timedelta(days=45)  # report reminders start at most this early
ORG_CHUNK = 100  # organizations loaded (with tasks and progress) at once
# A lead reminder moves to the previous working day: Tết (up to 9 days off) plus
# weekends can pull it this much earlier than its nominal lead.
LEAD_SLACK_DAYS = 21
NEXT_KEY = PLANNER_NEXT_KEY
RECHECK_EVERY = timedelta(minutes=5)  # a full pass at least this often (settings edits)

_ORDER = {k.value: i for i, k in enumerate(OccasionKind)}


def state_key(org_id: int) -> str:
    """Key of an organization's planner memory in ``scheduler_state``."""
    return f"planner:org:{org_id}"


def person_key(person_id: int) -> str:
    return f"person:{person_id}"


def chat_key(chat_id: int) -> str:
    return f"chat:{chat_id}"


# --- pure planning ------------------------------------------------------------------


def needs_update(view: TaskView, period: ReportingPeriod, ctx: OrgContext) -> bool:
    """Whether the task still owes a figure for the period's report.

    The one rule, :func:`plans.completion.owes_figure` (also /kybaocao's and
    the district's), over that year's plan only.
    """
    return view.plan_year == period.year and owes_figure(view.snapshot(ctx.tz), period)


def periods_near(day: date, ctx: OrgContext) -> list[ReportingPeriod]:
    """The organization's reports whose deadline is on or after ``day`` and not far away."""
    found = []
    for year in (day.year, day.year + 1):
        for p in reports_for_year(year, ctx.calendar):
            if p.code in ctx.sent_reports:
                continue  # on record as sent: its reminders stop
            if day <= p.submission_deadline <= day + REPORT_HORIZON:
                found.append(p)
    return found


@dataclass
class _Digest:
    recipient_key: str
    chat_id: int
    person_id: int | None
    lang: str
    items: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, task) -> offset
    reports: dict[tuple[str, str], tuple[int, list[int], bool]] = field(default_factory=dict)
    weekly: str | None = None
    days: list[date] = field(default_factory=list)
    unassigned: list[int] = field(default_factory=list)  # tasks that reach no one (keeper)

    def empty(self) -> bool:
        return not (self.items or self.reports or self.weekly or self.unassigned)

    def payload(
        self, kind: str, day: date, org_id: int, views: dict[int, TaskView]
    ) -> DigestPayload:
        def number(task_id: int) -> int:
            view = views.get(task_id)
            return view.number if view else 0

        items = sorted(self.items.items(), key=lambda kv: (_ORDER[kv[0][0]], number(kv[0][1])))
        reports = sorted(self.reports.items(), key=lambda kv: (kv[0][1], _ORDER[kv[0][0]]))
        task_ids: list[int] = []
        for (_, t), _ in items:
            if t not in task_ids:
                task_ids.append(t)
        for _, (_, ts, _) in reports:
            task_ids.extend(t for t in ts if t not in task_ids)
        task_ids.extend(t for t in self.unassigned if t not in task_ids)
        body: dict[str, Any] = {
            "day": day,
            "org_id": org_id,
            "lang": self.lang,
            "items": tuple(TaskItem(k, t, d) for (k, t), d in items),
            "reports": tuple(ReportItem(k, p, d, tuple(ts), kp) for (k, p), (d, ts, kp) in reports),
            "weekly": self.weekly,
            "unassigned": tuple(self.unassigned),
            "task_ids": tuple(task_ids),
        }
        if kind == CATCH_UP:
            first, last = (min(self.days), max(self.days)) if self.days else (day, day)
            return CatchUpPayload(**body, first=first, last=last)
        return DigestPayload(**body)


class _Builder:
    """Collects occasions per recipient for one organization and day."""

    def __init__(self, ctx: OrgContext) -> None:
        self.ctx = ctx
        self.digests: dict[str, _Digest] = {}

    def _for(self, member: Member) -> _Digest | None:
        if not member.can_receive:
            return None
        assert member.chat_id is not None
        key = person_key(member.id)
        d = self.digests.get(key)
        if d is None:
            d = self.digests[key] = _Digest(key, member.chat_id, member.id, member.lang)
        return d

    def _group(self) -> _Digest | None:
        gid = self.ctx.group_chat_id
        if gid is None:
            return None
        key = chat_key(gid)
        d = self.digests.get(key)
        if d is None:
            d = self.digests[key] = _Digest(key, gid, None, self.ctx.lang)
        return d

    def task(self, members: Iterable[Member], kind: str, task_id: int, offset: int) -> None:
        for m in members:
            d = self._for(m)
            if d is not None:
                d.items[(kind, task_id)] = offset

    def report(
        self,
        members: Iterable[Member],
        kind: str,
        code: str,
        offset: int,
        tasks: list[int],
        *,
        keeper: bool = False,
    ) -> None:
        """Add a report entry; a keeper who also serves in a unit gets both in one entry."""
        for m in members:
            d = self._for(m)
            if d is None:
                continue
            _, old_tasks, old_keeper = d.reports.get((kind, code), (offset, [], False))
            merged = old_tasks + [t for t in tasks if t not in old_tasks]
            d.reports[(kind, code)] = (offset, merged, old_keeper or keeper)

    def group_task(self, kind: str, task_id: int, offset: int) -> None:
        d = self._group()
        if d is not None:
            d.items[(kind, task_id)] = offset

    def weekly(self, members: Iterable[Member], subject: str) -> None:
        for m in members:
            d = self._for(m)
            if d is not None:
                d.weekly = subject


@lru_cache(maxsize=64)
def _occasions_by_due(
    day: date, policy: ReminderPolicy
) -> dict[date, tuple[tuple[OccasionKind, int], ...]]:
    """The (kind, offset) of an open task by its due date, on ``day`` under ``policy``:
    filled by :func:`_task_occasions_on`, shared by the communes of a province (most
    share the default policy), so the policy is hashed once per commune, not per task."""
    return {}


def _task_occasions_on(
    due: date, day: date, policy: ReminderPolicy
) -> tuple[tuple[OccasionKind, int], ...]:
    """(kind, offset) of an open task due on ``due``, on ``day``, under ``policy``.

    :func:`plans.reminder_policy.task_occasions` reads nothing else of an open
    dated task, and the working-day calendar is fixed for the process, so the
    communes of a province ask it once per due date and day instead of once per task.
    """
    known = _occasions_by_due(day, policy)
    found = known.get(due)
    if found is None:
        task = PlannedTask(task_id=0, due_date=due, deadline_kind="date", done=False)
        found = known[due] = tuple(
            (occ.kind, occ.offset_days)
            for occ in task_occasions(task, day, policy, workdays.is_working_day)
        )
    return found


def _collect(builder: _Builder, ctx: OrgContext, day: date) -> None:
    policy = ctx.policy
    is_working = workdays.is_working_day
    chairs = ctx.with_role(*CHAIR_ROLES)
    keepers = ctx.with_role(Role.ADMIN)
    # An open task's occasions on ``day`` depend on its due date alone (the policy and
    # the day being fixed here): asked once per due date, not once per task.
    by_due = _occasions_by_due(day, policy)
    for view in ctx.tasks:
        if view.done:
            continue
        due_on = view.effective_due_date
        if due_on is None:  # undated: no task occasion (task_occasions says so too)
            continue
        found = by_due.get(due_on)
        if found is None:
            found = _task_occasions_on(due_on, day, policy)
        for kind, offset in found:
            if kind is OccasionKind.ESCALATION:
                builder.task(chairs, kind.value, view.id, offset)
                continue
            builder.task(ctx.officers_of(view.unit_ids), kind.value, view.id, offset)
            if kind is OccasionKind.DEADLINE_DAY:
                builder.group_task(kind.value, view.id, offset)
    for period in periods_near(day, ctx):
        occasions = report_occasions(period, day, policy, is_working)
        if not occasions:
            continue
        pending = [v for v in ctx.tasks if needs_update(v, period, ctx)]
        for occ in occasions:
            # Officers who still owe a figure hear about it on each lead day and on the
            # deadline day itself (issue 11 defect 11), not only the keeper and chairman.
            by_officer: dict[int, list[int]] = {}
            officers: dict[int, Member] = {}
            for v in pending:
                for m in ctx.officers_of(v.unit_ids):
                    by_officer.setdefault(m.id, []).append(v.id)
                    officers[m.id] = m
            due = OccasionKind.REPORT_DUE.value
            for mid, ids in by_officer.items():
                builder.report([officers[mid]], due, period.code, occ.offset_days, ids)
            if occ.kind is OccasionKind.REPORT_DUE:
                builder.report(
                    keepers, occ.kind.value, period.code, occ.offset_days, [], keeper=True
                )
            else:  # REPORT_SUMMARY: the table of who has not updated, for keeper and chairman
                builder.report(keepers + chairs, occ.kind.value, period.code, occ.offset_days, [])
    for occ in weekly_occasions(day, policy, is_working) if ctx.tasks or ctx.has_tasks else ():
        builder.weekly(chairs, occ.subject_key)
        # Weekly, the plan keeper hears of open tasks no reminder reaches (issue 11 defect 12):
        # a placeholder lead ("Các ngành liên quan") or units nobody serves in.
        orphans = [v.id for v in ctx.tasks if not v.done and not ctx.officers_of(v.unit_ids)]
        if orphans:
            for m in keepers:
                d = builder._for(m)
                if d is not None:
                    d.unassigned = orphans


def plan_day(ctx: OrgContext, day: date) -> list[PlannedMessage]:
    """The digests of one organization for local ``day`` (nothing empty, nothing done)."""
    builder = _Builder(ctx)
    _collect(builder, ctx, day)
    views = ctx.tasks_by_id
    due = send_time(day, ctx.policy, ctx.tz)
    drafts = []
    for d in builder.digests.values():
        if d.empty():
            continue
        drafts.append(
            PlannedMessage(
                recipient_key=d.recipient_key,
                chat_id=d.chat_id,
                subject=DIGEST,
                occasion=day.isoformat(),
                due_at=due,
                payload=d.payload(DIGEST, day, ctx.id, views),
                organization_id=ctx.id,
                person_id=d.person_id,
            )
        )
    return drafts


def _today_says(ctx: OrgContext, now: datetime) -> dict[str, _Digest]:
    """What today's regular digest says to each recipient (sent now or later today)."""
    builder = _Builder(ctx)
    _collect(builder, ctx, now.astimezone(ctx.tz).date())
    return builder.digests


def collapse_missed(ctx: OrgContext, days: Sequence[date], now: datetime) -> list[PlannedMessage]:
    """One "while the bot was away" digest per person for days past the grace window.

    Uses today's task state: what got done meanwhile is not mentioned.  Weekly
    summaries and group warnings of those days are not replayed, and nothing
    today's regular digest says to that person is repeated (issue 11: the same
    overdue list arrived twice after a restart).
    """
    if not days:
        return []
    today = _today_says(ctx, now)
    merged: dict[str, _Digest] = {}
    for day in sorted(days):
        builder = _Builder(ctx)
        _collect(builder, ctx, day)
        for key, d in builder.digests.items():
            if d.person_id is None:
                continue
            m = merged.get(key)
            if m is None:
                m = merged[key] = _Digest(key, d.chat_id, d.person_id, d.lang)
            m.items.update(d.items)
            m.reports.update(d.reports)
            m.days.append(day)
    views = ctx.tasks_by_id
    first, last = min(days), max(days)
    drafts = []
    for d in merged.values():
        # several kinds of the same task: keep the most pressing one only
        best: dict[int, tuple[str, int]] = {}
        for (k, t), off in d.items.items():
            if t not in best or _ORDER[k] > _ORDER[best[t][0]]:
                best[t] = (k, off)
        d.items = {(k, t): off for t, (k, off) in best.items()}
        regular = today.get(d.recipient_key)
        if regular is not None:
            said = {t for (_, t) in regular.items}
            said |= {t for (_, ts, _) in regular.reports.values() for t in ts}
            d.items = {(k, t): off for (k, t), off in d.items.items() if t not in said}
            reports: dict[tuple[str, str], tuple[int, list[int], bool]] = {}
            for report_key, (off, ts, keeper) in d.reports.items():
                if report_key in regular.reports:
                    continue
                left = [t for t in ts if t not in said]
                if left or keeper:
                    reports[report_key] = (off, left, keeper)
            d.reports = reports
        if d.empty():
            continue
        drafts.append(
            PlannedMessage(
                recipient_key=d.recipient_key,
                chat_id=d.chat_id,
                subject=CATCH_UP,
                occasion=f"{first.isoformat()}..{last.isoformat()}",
                due_at=now,
                payload=d.payload(CATCH_UP, last, ctx.id, views),
                organization_id=ctx.id,
                person_id=d.person_id,
            )
        )
    return drafts


def missed_days(
    last_run: datetime | None, now: datetime, policy: ReminderPolicy, ctx: OrgContext
) -> list[date]:
    """Days whose digest time fell after ``last_run`` but is older than the grace window."""
    if last_run is None:
        return []
    oldest_ok = now - policy.catch_up_grace
    start = max(last_run.astimezone(ctx.tz).date(), (now - timedelta(days=MAX_MISSED_DAYS)).date())
    end = oldest_ok.astimezone(ctx.tz).date()
    days = []
    day = start
    while day <= end:
        at = send_time(day, policy, ctx.tz)
        if last_run < at < oldest_ok:
            days.append(day)
        day += timedelta(days=1)
    return days


def due_days(
    ctx: OrgContext, last_run: datetime | None, now: datetime
) -> tuple[list[date], list[date]]:
    """(days to send as usual, days to collapse into a catch-up summary)."""
    return (
        catch_up_days(last_run, now, ctx.policy, ctx.tz),
        missed_days(last_run, now, ctx.policy, ctx),
    )


def plan_org(
    ctx: OrgContext, last_run: datetime | None, now: datetime
) -> tuple[list[PlannedMessage], bool]:
    """Drafts for one organization; the flag says whether its memory should advance."""
    days, missed = due_days(ctx, last_run, now)
    drafts = collapse_missed(ctx, missed, now)
    for day in days:
        drafts += plan_day(ctx, day)
    return drafts, bool(days or missed)


# --- against the database ---------------------------------------------------------------


@dataclass
class PlanReport:
    """What one planning pass did."""

    organizations: int = 0
    planned_orgs: int = 0
    drafts: int = 0
    inserted: int = 0
    days: dict[int, list[str]] = field(default_factory=dict)
    shortcut: bool = False  # nothing due, known without reading the organizations
    next_state: dict[str, Any] | None = None  # what the next idle tick may rely on


def _parse_instant(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


async def last_runs(session: AsyncSession) -> dict[str, datetime | None]:
    """Every organization's last planned instant."""
    rows = await session.execute(
        select(SchedulerState.key, SchedulerState.value).where(
            SchedulerState.key.like("planner:org:%")
        )
    )
    return {key: _parse_instant((value or {}).get("last_run")) for key, value in rows}


async def _save_last_runs(session: AsyncSession, org_ids: Iterable[int], now: datetime) -> None:
    insert = upsert_insert(session)
    rows = [
        {"key": state_key(i), "value": {"last_run": now.isoformat()}, "updated_at": now}
        for i in org_ids
    ]
    if not rows:
        return
    stmt = insert(SchedulerState).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
    )
    await session.execute(stmt)


def task_window(ctx: OrgContext, days: Iterable[date]) -> date | None:
    """The tasks the planner must read for these days: ``None`` = all of them (a
    report reminder falls on one of the days and asks about every task), else
    the last due date of a dated task that can have a reminder (overdue ones
    included: every earlier date)."""
    days = list(days)
    for day in days:
        for period in periods_near(day, ctx):
            if report_occasions(period, day, ctx.policy, workdays.is_working_day):
                return None
    lead = max(ctx.policy.lead_days, default=0)
    return max(days) + timedelta(days=lead + LEAD_SLACK_DAYS)


def next_instant(contexts: Iterable[OrgContext], now: datetime) -> datetime | None:
    """The first digest time after ``now`` of any of these organizations."""
    found: datetime | None = None
    for ctx in contexts:
        today = now.astimezone(ctx.tz).date()
        for k in range(-1, 3):
            instant = send_time(today + timedelta(days=k), ctx.policy, ctx.tz)
            if instant > now:
                if found is None or instant < found:
                    found = instant
                break
    return found


async def _org_census(session: AsyncSession) -> list[int]:
    """(count, highest id) of the organizations: an added or removed one shows."""
    count, top = (
        await session.execute(select(func.count(Organization.id), func.max(Organization.id)))
    ).one()
    return [int(count or 0), int(top or 0)]


async def _nothing_due(session: AsyncSession, now: datetime) -> bool:
    """The idle tick's shortcut: one row and one aggregate, whatever the province's size.

    Valid while ``now`` is before the remembered next digest instant, the set of
    organizations is the same, and the last full pass is recent (so an edited
    digest hour is honoured within :data:`RECHECK_EVERY`).
    """
    row = await session.get(SchedulerState, NEXT_KEY)
    value = dict(row.value or {}) if row is not None else {}
    nxt = _parse_instant(value.get("at"))
    checked = _parse_instant(value.get("checked"))
    if nxt is None or checked is None or not (checked <= now < nxt):
        return False
    if now - checked >= RECHECK_EVERY:
        return False
    return value.get("census") == await _org_census(session)


async def _planned_chunks(
    db: Database, now: datetime, report: PlanReport
) -> AsyncIterator[tuple[list[PlannedMessage], list[int]]]:
    """Read the state and decide (no writes), ``ORG_CHUNK`` organizations at a time.

    Yields each chunk's drafts and the organizations whose memory advances;
    nothing of a chunk stays in memory once the caller moves on, so the 07:30
    tick of a province holds one chunk's drafts, not the whole day's.
    """
    async with db.read() as session:
        if await _nothing_due(session, now):
            report.shortcut = True
            return
        contexts = await load_contexts(session, with_people=False)
        memory = await last_runs(session)
        census = await _org_census(session)
    report.organizations = len(contexts)
    work: dict[int, tuple[datetime | None, date | None]] = {}
    for ctx in contexts:
        last = memory.get(state_key(ctx.id))
        days, missed = due_days(ctx, last, now)
        if days or missed:
            work[ctx.id] = (last, task_window(ctx, days + missed))
    nxt = next_instant(contexts, now)
    if nxt is not None:
        report.next_state = {"at": nxt.isoformat(), "checked": now.isoformat(), "census": census}
    del contexts
    ids = list(work)
    for start in range(0, len(ids), ORG_CHUNK):  # bounded memory: a chunk of orgs at a time
        part = ids[start : start + ORG_CHUNK]
        # orgs with a report reminder read every task; the others the ones due soon
        groups: dict[date | None, list[int]] = {}
        for i in part:
            groups.setdefault(work[i][1], []).append(i)
        windows = [d for d in groups if d is not None]
        loads: list[tuple[list[int], date | None]] = [(groups.get(None, []), None)]
        if windows:
            loads.append(([i for d in windows for i in groups[d]], max(windows)))
        chunk: list[OrgContext] = []
        async with db.read() as session:
            for org_ids, due_by in loads:
                if org_ids:
                    chunk += await load_contexts(
                        session, org_ids, with_done_at=False, with_text=False, dated_due_by=due_by
                    )
        drafts: list[PlannedMessage] = []
        advanced: list[int] = []
        for ctx in chunk:
            last = work[ctx.id][0]
            found, advance = plan_org(ctx, last, now)
            drafts += found
            if advance:
                advanced.append(ctx.id)
                days, missed = due_days(ctx, last, now)
                report.days[ctx.id] = [d.isoformat() for d in missed + days]
        report.planned_orgs += len(advanced)
        report.drafts += len(drafts)
        yield drafts, advanced


async def compute_due(
    db: Database, now: datetime
) -> tuple[list[PlannedMessage], list[int], PlanReport]:
    """Read the state and decide (no writes): drafts, orgs whose memory advances, report."""
    report = PlanReport()
    drafts: list[PlannedMessage] = []
    advanced: list[int] = []
    async for found, advance in _planned_chunks(db, now, report):
        drafts += found
        advanced += advance
    return drafts, advanced, report


async def _save_next(session: AsyncSession, value: dict[str, Any], now: datetime) -> None:
    insert = upsert_insert(session)
    stmt = insert(SchedulerState).values(key=NEXT_KEY, value=value, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
    )
    await session.execute(stmt)


async def forget_next(session: AsyncSession) -> None:
    """Make the next tick a full pass (call after editing an organization's digest hour)."""
    await session.execute(delete(SchedulerState).where(SchedulerState.key == NEXT_KEY))


async def plan_due(db: Database, now: datetime) -> PlanReport:
    """Plan every organization up to ``now``: read and decide a chunk, write it, go on."""
    if now.tzinfo is None:
        raise ValueError("plan_due needs an aware instant")
    report = PlanReport()
    async for drafts, advanced in _planned_chunks(db, now, report):
        if advanced:  # a chunk's drafts and its organizations' memory commit together
            async with db.write() as session:
                report.inserted += await insert_drafts(session, drafts)
                await _save_last_runs(session, advanced, now)
    if report.shortcut or (not report.planned_orgs and report.next_state is None):
        return report
    async with db.write() as session:
        if report.next_state is not None:
            await _save_next(session, report.next_state, now)
        else:
            await forget_next(session)
    if report.inserted:
        log.info(
            "planned %d reminders (%d new) for %d organizations",
            report.drafts,
            report.inserted,
            report.planned_orgs,
        )
    return report
