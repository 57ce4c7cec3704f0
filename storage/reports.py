"""The chairman's questions answered from the database, as plain data.

Handlers and the export CLI never count tasks themselves: they call these
queries, which load task views (latest update per task, as of an instant),
turn them into domain snapshots and let ``plans.completion`` do the
arithmetic, so "27/32" is the same number in /tongquan, the chart, the .docx
appendix and the district's roll-up.

"As of a period's cutoff" means: updates made after the end of the period's
data window (its ``window_end`` day, local time) are ignored, and days late
are counted on that day. A period still running is taken as of now.

District roll-up, "report on time": the bot does not see the report the
commune mails to the district, only the figures behind it. So a commune's
report for the last period whose submission deadline has passed counts as
**on time** when, by the end of the deadline day, no task of that year's
plan still owed a figure (:func:`plans.completion.owes_figure`, the same
rule as /kybaocao and the planner's report reminders: recurring tasks, and
dated tasks not done, each need an update between the window's start and
the deadline). A commune with no such task is on time; a commune without a
plan has no verdict (None).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.calendar import (
    CalendarSettings,
    ReportingPeriod,
    current_period,
    reports_for_year,
)
from plans.completion import (
    CompletionSummary,
    Standing,
    SummaryOptions,
    TaskSnapshot,
    TaskState,
    classify,
    counts_as_done,
    days_late,
    is_done,
    owes_figure,
    period_percent,
    standing,
    summarize,
    summarize_by_field,
    summarize_by_unit,
)
from plans.deadlines import DeadlineKind
from plans.status_table import (
    DoneCell,
    PlanRef,
    StatusRow,
    StatusSection,
    StatusTable,
    organization_kind_word,
)
from plans.units import UnitDirectory, UnitRef
from storage import report_records
from storage.directory import list_units
from storage.models import (
    Organization,
    OrgKind,
    Person,
    PersonStatus,
    PersonUnit,
    Plan,
    ProgressUpdate,
    Role,
    TaskGroup,
)
from storage.tasks import TaskView, load_task_views

log = logging.getLogger(__name__)

# who reads the overview: the chat's /tongquan and the Mini App dashboard both check this
DASHBOARD_ROLES = frozenset({Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.DISTRICT_VIEWER})


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class GroupLine:
    """One line of a breakdown: a field or a unit with its figures."""

    key: str | int | None  # field key ("I") or unit id
    ref_id: int | None  # Field.id or Unit.id for drill-down buttons
    label: str
    total: int
    done: int
    mean_percent: float
    overdue: int
    due_soon: int
    on_track: int = 0
    behind: int = 0
    not_started: int = 0
    with_figure: int = 0  # tasks the mean is taken over


@dataclass(frozen=True, slots=True)
class Overview:
    org_id: int
    org_name: str
    org_kind: OrgKind
    as_of: datetime
    today: date
    period: ReportingPeriod | None
    total: int
    done: int
    mean_percent: float
    overdue: int
    due_soon: int
    by_field: tuple[GroupLine, ...]
    by_unit: tuple[GroupLine, ...]
    summary: CompletionSummary = field(default_factory=CompletionSummary)
    # Open tasks that reach no one: no unit (a placeholder lead such as "Các ngành
    # liên quan") or only units nobody serves in -- shown as "chưa giao".
    unassigned: tuple[int, ...] = ()

    @property
    def on_track(self) -> int:
        return self.summary.on_track

    @property
    def behind(self) -> int:
        return self.summary.behind

    @property
    def not_started(self) -> int:
        return self.summary.not_started

    @property
    def with_figure(self) -> int:
        return self.summary.with_figure

    @property
    def lagging(self) -> int:
        """Neither done nor on track ("chậm tiến độ" in a report's sentence)."""
        return self.summary.lagging


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task as a list line: number, text, where it stands."""

    task_id: int
    number: int
    content: str
    field_key: str
    lead_units: str
    state: TaskState
    percent: int | None
    due_date: date | None
    deadline_text: str | None
    days_late: int
    last_update_at: datetime | None
    lead: bool = True
    last_update_on: date | None = None  # local date of the last update
    standing: Standing = Standing.NOT_STARTED


@dataclass(frozen=True, slots=True)
class UnitRecord:
    unit_id: int
    name: str
    aliases: tuple[str, ...]
    today: date
    total: int
    done: int
    in_progress: int
    overdue: int
    tasks: tuple[TaskLine, ...]
    summary: CompletionSummary = field(default_factory=CompletionSummary)


@dataclass(frozen=True, slots=True)
class FieldRecord:
    field_id: int
    key: str
    title: str
    today: date
    total: int
    done: int
    mean_percent: float
    tasks: tuple[TaskLine, ...]
    summary: CompletionSummary = field(default_factory=CompletionSummary)


@dataclass(frozen=True, slots=True)
class PersonLine:
    person_id: int
    name: str
    units: str
    last_update_at: datetime | None
    last_update_on: date | None = None  # local date
    owing: tuple[int, ...] = ()  # numbers of the tasks that still owe the period a figure


@dataclass(frozen=True, slots=True)
class PeriodStatus:
    """What /kybaocao shows: the next report and who still owes a figure."""

    period: ReportingPeriod
    today: date
    days_to_deadline: int
    needing_figure: tuple[TaskLine, ...]
    not_updated: tuple[PersonLine, ...]  # officers who still owe a figure, most owed first


@dataclass(frozen=True, slots=True)
class NudgeTarget:
    task_id: int
    number: int
    content: str
    due_date: date | None
    days_late: int
    recipients: tuple[tuple[int, int, str, str | None], ...]  # person id, tg id, name, lang


@dataclass(frozen=True, slots=True)
class CommuneLine:
    org_id: int
    name: str
    kind: OrgKind
    total: int
    done: int
    mean_percent: float
    overdue: int
    last_period: ReportingPeriod | None
    # From the sent-report record (storage.report_records): True sent on time,
    # False sent late or not sent, None no plan or no report due yet.
    report_on_time: bool | None
    missing: int = 0  # tasks that owed a figure and had none by the deadline
    report_status: str | None = None  # report_records.SentStatus value
    report_number: str | None = None
    report_sent_on: date | None = None
    summary: CompletionSummary = field(default_factory=CompletionSummary)


@dataclass(frozen=True, slots=True)
class DistrictRollup:
    district_id: int
    name: str
    today: date
    communes: tuple[CommuneLine, ...]


@dataclass
class _Loaded:
    org: Organization
    settings: CalendarSettings
    tz: ZoneInfo
    as_of: datetime
    today: date
    views: list[TaskView]
    snaps: list[TaskSnapshot]
    unit_names: dict[int, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


def calendar_settings(org: Organization | OrgProfile) -> CalendarSettings:
    """The organization's calendar; a broken stored document falls back to defaults."""
    if isinstance(org, OrgProfile):
        return org.calendar
    data = dict(org.calendar_settings or {})
    data.setdefault("timezone", org.timezone)
    try:
        return CalendarSettings.from_dict(data)
    except (ValueError, TypeError, KeyError):
        log.warning("organization %s has invalid calendar settings; using defaults", org.id)
        return CalendarSettings(timezone=org.timezone)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The last instant of ``day`` local time (a due date is the end of its day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz) - timedelta(microseconds=1)


def cutoff(period: ReportingPeriod | None, now: datetime, tz: ZoneInfo) -> datetime:
    """The instant a period's figures are taken at: its window end, or now if still running."""
    if period is None:
        return now
    return min(now, end_of_day(period.window_end, tz))


async def _org(session: AsyncSession, org_id: int) -> Organization:
    org = await session.get(Organization, org_id)
    if org is None:
        raise LookupError(f"organization {org_id} not found")
    return org


async def _load(
    session: AsyncSession,
    org_id: int,
    now: datetime,
    period: ReportingPeriod | None = None,
    *,
    unit_ids: Iterable[int] | None = None,
) -> _Loaded:
    org = await _org(session, org_id)
    settings = calendar_settings(org)
    tz = settings.tzinfo
    as_of = cutoff(period, now, tz)
    views = await load_task_views(session, org_id, unit_ids=unit_ids, as_of=as_of)
    if period is not None:
        # A period reports on that year's plan only (a 2023 report never shows 2024 tasks).
        views = [v for v in views if v.plan_year == period.year]
    units = await list_units(session, org_id)
    return _Loaded(
        org=org,
        settings=settings,
        tz=tz,
        as_of=as_of,
        today=as_of.astimezone(tz).date(),
        views=views,
        snaps=[v.snapshot(tz) for v in views],
        unit_names={u.id: u.name for u in units},
    )


def _line(key: str | int | None, ref_id: int | None, label: str, s: CompletionSummary) -> GroupLine:
    return GroupLine(
        key,
        ref_id,
        label,
        s.total,
        s.done,
        s.mean_percent,
        s.overdue,
        s.due_soon,
        on_track=s.on_track,
        behind=s.behind,
        not_started=s.not_started,
        with_figure=s.with_figure,
    )


def _lead_text(view: TaskView, names: dict[int, str]) -> str:
    if view.lead_unit_ids:
        return ", ".join(names.get(u, "?") for u in view.lead_unit_ids)
    return view.lead_units_text or ""


def _task_line(
    view: TaskView,
    snap: TaskSnapshot,
    today: date,
    names: dict[int, str],
    period: ReportingPeriod | None,
    settings: CalendarSettings,
    lead: bool = True,
) -> TaskLine:
    return TaskLine(
        task_id=view.id,
        number=view.number,
        content=view.content,
        field_key=view.field_key,
        lead_units=_lead_text(view, names),
        state=classify(snap, today, period=period, settings=settings),
        percent=view.percent,
        due_date=view.effective_due_date,
        deadline_text=view.deadline_text,
        days_late=days_late(snap, today),
        last_update_at=view.last_update_at,
        lead=lead,
        last_update_on=view.last_update_at.astimezone(settings.tzinfo).date()
        if view.last_update_at
        else None,
        standing=standing(snap, today, period=period, settings=settings),
    )


async def _field_ids(session: AsyncSession, views: Sequence[TaskView]) -> dict[str, int]:
    """Field key → Field.id of the (first) plan the views come from."""
    if not views:
        return {}
    plan_id = views[0].plan_id
    from storage.models import Field

    rows = await session.execute(select(Field.key, Field.id).where(Field.plan_id == plan_id))
    return {k: i for k, i in rows}


# --------------------------------------------------------------------------- overview


async def overview(
    session: AsyncSession,
    org_id: int,
    *,
    now: datetime,
    period: ReportingPeriod | None = None,
) -> Overview:
    """Plan completion, overall and by field and unit, as of now or a period's cutoff."""
    data = await _load(session, org_id, now, period)
    kw: SummaryOptions = {"period": period, "settings": data.settings}
    total = summarize(data.snaps, data.today, **kw)
    fields = summarize_by_field(data.snaps, data.today, **kw)
    units = summarize_by_unit(data.snaps, data.today, **kw)
    field_ids = await _field_ids(session, data.views)
    titles = {v.field_key: v.field_title for v in data.views}
    by_field = tuple(
        _line(k, field_ids.get(k), f"{k}. {titles.get(k, '')}".strip(), s)
        for k, s in fields.items()
    )
    unit_lines = [
        _line(u, u, data.unit_names.get(u, "?") if u is not None else "—", s)
        for u, s in units.items()
    ]
    unit_lines.sort(key=lambda g: g.label if g.key is not None else "\uffff")
    return Overview(
        org_id=data.org.id,
        org_name=data.org.name,
        org_kind=data.org.kind,
        as_of=data.as_of,
        today=data.today,
        period=period,
        total=total.total,
        done=total.done,
        mean_percent=total.mean_percent,
        overdue=total.overdue,
        due_soon=total.due_soon,
        by_field=by_field,
        by_unit=tuple(unit_lines),
        summary=total,
        unassigned=await unassigned_tasks(session, org_id, data),
    )


async def staffed_units(session: AsyncSession, org_id: int) -> set[int]:
    """Units with at least one active officer or plan keeper (who answers for their tasks)."""
    rows = await session.scalars(
        select(PersonUnit.unit_id)
        .join(Person, Person.id == PersonUnit.person_id)
        .where(
            Person.organization_id == org_id,
            Person.status == PersonStatus.ACTIVE,
            Person.role.in_([Role.OFFICER, Role.ADMIN]),
        )
    )
    return set(rows)


async def unassigned_tasks(session: AsyncSession, org_id: int, data: _Loaded) -> tuple[int, ...]:
    """Numbers of open tasks whose units are none or empty of people (issue 11 defect 12)."""
    staffed = await staffed_units(session, org_id)
    return tuple(
        v.number
        for v, s in zip(data.views, data.snaps, strict=True)
        if not staffed.intersection(v.unit_ids) and not is_done(s.percent, s.status_text)
    )


# --------------------------------------------------------------------------- lists


async def overdue_list(session: AsyncSession, org_id: int, *, now: datetime) -> list[TaskLine]:
    """Open dated tasks past their due date, the most late first (then by number)."""
    data = await _load(session, org_id, now)
    lines = [
        _task_line(v, s, data.today, data.unit_names, None, data.settings)
        for v, s in zip(data.views, data.snaps, strict=True)
        if classify(s, data.today, settings=data.settings) is TaskState.OVERDUE
    ]
    lines.sort(key=lambda line: (-line.days_late, line.number))
    return lines


async def find_units(session: AsyncSession, org_id: int, query: str) -> list[UnitRef]:
    """Units matching a typed name, aliases included, diacritics optional."""
    units = await list_units(session, org_id)
    directory = UnitDirectory((u.id, u.name, u.aliases) for u in units)
    return directory.search(query)


async def unit_record(
    session: AsyncSession, org_id: int, unit_id: int, *, now: datetime
) -> UnitRecord | None:
    """One unit's tasks (led or coordinated) with state and last update; None if not ours."""
    units = {u.id: u for u in await list_units(session, org_id)}
    unit = units.get(unit_id)
    if unit is None:
        return None
    data = await _load(session, org_id, now, unit_ids=[unit_id])
    lines = [
        _task_line(
            v, s, data.today, data.unit_names, None, data.settings, lead=unit_id in v.lead_unit_ids
        )
        for v, s in zip(data.views, data.snaps, strict=True)
    ]
    summary = summarize(data.snaps, data.today, settings=data.settings)
    in_progress = summary.in_progress + summary.due_soon + summary.no_deadline
    in_progress += summary.recurring_updated + summary.recurring_pending - summary.recurring_done
    return UnitRecord(
        unit_id=unit.id,
        name=unit.name,
        aliases=unit.aliases,
        today=data.today,
        total=summary.total,
        done=summary.done,
        in_progress=in_progress,
        overdue=summary.overdue,
        tasks=tuple(lines),
        summary=summary,
    )


async def field_record(
    session: AsyncSession, org_id: int, field_id: int, *, now: datetime
) -> FieldRecord | None:
    """The tasks of one field (lĩnh vực) of the organization's plan; None if not ours."""
    from storage.models import Field

    row = (
        await session.execute(
            select(Field, Plan.organization_id)
            .join(Plan, Plan.id == Field.plan_id)
            .where(Field.id == field_id)
        )
    ).first()
    if row is None or row[1] != org_id:
        return None
    fld = row[0]
    data = await _load(session, org_id, now)
    pairs = [
        (v, s)
        for v, s in zip(data.views, data.snaps, strict=True)
        if v.plan_id == fld.plan_id and v.field_key == fld.key
    ]
    summary = summarize([s for _, s in pairs], data.today, settings=data.settings)
    return FieldRecord(
        field_id=fld.id,
        key=fld.key,
        title=fld.title,
        today=data.today,
        total=summary.total,
        done=summary.done,
        mean_percent=summary.mean_percent,
        tasks=tuple(
            _task_line(v, s, data.today, data.unit_names, None, data.settings) for v, s in pairs
        ),
        summary=summary,
    )


# --------------------------------------------------------------------------- period


async def period_status(session: AsyncSession, org_id: int, *, now: datetime) -> PeriodStatus:
    """The next report: deadline, window, tasks still owing a figure, and who owes them.

    A task is listed when it owes the period a figure
    (:func:`plans.completion.owes_figure`, the same rule as the planner's
    report reminders and the district's "on time"). An officer is listed when
    a task of one of their units owes a figure -- however recently they wrote
    about another task (an officer owing 19 figures who updated one task
    yesterday is still listed, with 19) -- most owed first.
    """
    org = await _org(session, org_id)
    settings = calendar_settings(org)
    tz = settings.tzinfo
    today = now.astimezone(tz).date()
    per = current_period(today, settings)
    data = await _load(session, org_id, now)
    owing_views = [
        (v, s)
        for v, s in zip(data.views, data.snaps, strict=True)
        if v.plan_year == per.year and owes_figure(s, per)
    ]
    needing = [_task_line(v, s, today, data.unit_names, per, settings) for v, s in owing_views]
    rows = await session.execute(
        select(Person.id, Person.full_name, PersonUnit.unit_id)
        .join(PersonUnit, PersonUnit.person_id == Person.id)
        .where(
            Person.organization_id == org_id,
            Person.role == Role.OFFICER,
            Person.status == PersonStatus.ACTIVE,
        )
        .order_by(Person.full_name, PersonUnit.unit_id)
    )
    officers: dict[int, tuple[str, list[int]]] = {}
    for pid, name, uid in rows:
        officers.setdefault(pid, (name, []))[1].append(uid)
    last_by_person = dict(
        (
            await session.execute(
                select(ProgressUpdate.person_id, func.max(ProgressUpdate.created_at))
                .where(ProgressUpdate.person_id.in_(list(officers)))
                .group_by(ProgressUpdate.person_id)
            )
        ).all()
    )
    silent = []
    for pid, (name, uids) in officers.items():
        owed = tuple(v.number for v, _ in owing_views if set(v.unit_ids).intersection(uids))
        if not owed:
            continue
        last = last_by_person.get(pid)
        if last is not None and last.tzinfo is None:
            from datetime import UTC

            last = last.replace(tzinfo=UTC)
        silent.append(
            PersonLine(
                pid,
                name,
                ", ".join(data.unit_names.get(u, "?") for u in uids),
                last,
                last.astimezone(tz).date() if last else None,
                owing=owed,
            )
        )
    silent.sort(key=lambda p: (-len(p.owing), p.name))
    return PeriodStatus(
        period=per,
        today=today,
        days_to_deadline=(per.submission_deadline - today).days,
        needing_figure=tuple(needing),
        not_updated=tuple(silent),
    )


FINISHING_DAYS = 15  # after a deadline, the clerk is still finishing that report


def default_report_period(today: date, settings: CalendarSettings) -> ReportingPeriod:
    """The period an export means when none is named (issue 11, defect 9).

    The report whose deadline passed in the last ``FINISHING_DAYS`` days -- the
    one the clerk is finishing (on 12/06 that is the 6-month report, not the
    9-month one) -- else the next report due.
    """
    last = last_passed_period(today, settings)
    if last is not None and (today - last.submission_deadline).days <= FINISHING_DAYS:
        return last
    return current_period(today, settings)


def resolve_period(
    org: Organization | OrgProfile, kind_year: tuple[str, int] | None, now: datetime
) -> ReportingPeriod:
    """The period named (kind, year) under the organization's calendar, else the default one."""
    from plans.calendar import period as make_period

    settings = calendar_settings(org)
    if kind_year is None:
        return default_report_period(now.astimezone(settings.tzinfo).date(), settings)
    return make_period(kind_year[0], kind_year[1], settings)


def counting_period(day: date, settings: CalendarSettings) -> ReportingPeriod:
    """The first report a figure dated ``day`` counts for (14/06/2023: 6 tháng đầu năm 2023)."""
    found = [
        p
        for year in (day.year, day.year + 1)
        for p in reports_for_year(year, settings)
        if p.contains(day)
    ]
    if not found:
        return current_period(day, settings)
    return min(found, key=lambda p: (p.window_end, p.submission_deadline))


def imported_figures_date(
    as_of: date, now: datetime, settings: CalendarSettings
) -> tuple[datetime, ReportingPeriod]:
    """The instant imported figures are dated for ``--as-of`` (local noon, never after now).

    Also the report they count for, which the import report names.
    """
    at = min(now, datetime.combine(as_of, time(12), tzinfo=settings.tzinfo))
    return at, counting_period(as_of, settings)


def not_started_yet(per: ReportingPeriod, now: datetime, settings: CalendarSettings) -> bool:
    """True when the period's data window has not opened: there is nothing to report yet."""
    return now.astimezone(settings.tzinfo).date() < per.window_start


async def organization(session: AsyncSession, org_id: int) -> Organization:
    """The organization row (for its name, kind and calendar); raises LookupError."""
    return await _org(session, org_id)


@dataclass(frozen=True, slots=True)
class OrgProfile:
    """An organization as the chat needs it, as plain data (handlers hold no ORM row):
    its name and kind for titles, its language for readers without one, its calendar."""

    id: int
    name: str
    kind: OrgKind
    language: str | None
    calendar: CalendarSettings

    def today(self, now: datetime) -> date:
        """The organization's local date at ``now``."""
        return now.astimezone(self.calendar.tzinfo).date()


async def org_profile(session: AsyncSession, org_id: int) -> OrgProfile:
    """The organization's :class:`OrgProfile`; raises LookupError."""
    org = await _org(session, org_id)
    return OrgProfile(org.id, org.name, org.kind, org.language, calendar_settings(org))


# --------------------------------------------------------------------------- status table


def _done_cell(view: TaskView, has_figure: bool) -> DoneCell | None:
    """The "Đã thực hiện" cell's data, none when the period has no figure for the task."""
    if not has_figure:
        return None
    return DoneCell(
        view.status_text, view.note, view.percent, is_done(view.percent, view.status_text)
    )


async def _criterion_groups(
    session: AsyncSession, plan_ids: set[int]
) -> dict[tuple[int, str], TaskGroup]:
    """The plans' criterion groups by (plan id, code) (issue 12: printed as heading rows)."""
    if not plan_ids:
        return {}
    rows = await session.scalars(select(TaskGroup).where(TaskGroup.plan_id.in_(plan_ids)))
    return {(g.plan_id, g.code): g for g in rows}


def _group_rows(
    plan_id: int,
    parent_code: str | None,
    groups: dict[tuple[int, str], TaskGroup],
    shown: set[tuple[int, str]],
) -> list[StatusRow]:
    """Heading rows of the groups above a task not printed yet, outermost first."""
    chain: list[TaskGroup] = []
    code = parent_code
    while code and (plan_id, code) in groups and (plan_id, code) not in shown:
        group = groups[(plan_id, code)]
        chain.append(group)
        shown.add((plan_id, code))
        code = group.parent_code
    return [
        StatusRow(
            ordinal=g.code,
            content=g.title,
            lead_units="",
            coordinating_units="",
            deadline_text="",
            done_cell=None,
            output="",
            percent=None,
            group=True,
        )
        for g in reversed(chain)
    ]


async def build_status_table(
    session: AsyncSession,
    org_id: int,
    period: ReportingPeriod,
    *,
    now: datetime,
    report_ref: str | None = None,
) -> StatusTable:
    """The appendix table of ``period``: one section per field, one row per task.

    Data only, in no language: the renderers write it for each reader
    (plans.status_table), so one table serves a chat in Vietnamese and one in English.

    Figures are the latest updates up to the period's cutoff. A recurring
    task not updated in the period's data window shows blank figure cells
    (it owes this period's figure), as does a task never updated.
    """
    data = await _load(session, org_id, now, period)
    sections: dict[str, StatusSection] = {}
    groups = await _criterion_groups(session, {v.plan_id for v in data.views})
    shown_groups: set[tuple[int, str]] = set()
    for v, s in zip(data.views, data.snaps, strict=True):
        section = sections.get(v.field_key)
        if section is None:
            section = sections[v.field_key] = StatusSection(v.field_key, v.field_title)
        section.rows.extend(_group_rows(v.plan_id, v.parent_code, groups, shown_groups))
        recurring = v.deadline_kind == DeadlineKind.RECURRING
        has_figure = v.last_update_at is not None and (
            not recurring or period.contains(v.last_update_at.astimezone(data.tz).date())
        )
        done = counts_as_done(s, data.today, period=period, settings=data.settings)
        section.rows.append(
            StatusRow(
                ordinal=v.code or str(v.number),
                content=v.content,
                lead_units=v.lead_units_text or _lead_text(v, data.unit_names),
                coordinating_units=v.coordinating_units_text
                or ", ".join(data.unit_names.get(u, "?") for u in v.coordinating_unit_ids),
                deadline_text=v.deadline_text or "",
                done_cell=_done_cell(v, has_figure),
                # The plan's "Sản phẩm" stands in until an officer states an output.
                output=((v.output if has_figure else None) or v.product or ""),
                percent=period_percent(s, data.today, period=period, settings=data.settings)
                if has_figure
                else None,
                task_id=v.id,
                done=done,
                standing=standing(s, data.today, period=period, settings=data.settings),
            )
        )
    plan = None
    if data.views:
        plan = await session.get(Plan, data.views[0].plan_id)
    plan_ref = None
    if plan is not None and plan.number:
        plan_ref = PlanRef(plan.number, plan.issued_on)
    return StatusTable(
        organization=data.org.name,
        organization_kind=organization_kind_word(data.org.kind.value),
        year=period.year,
        period=period,
        report_ref=report_ref,
        sections=list(sections.values()),
        generated_on=now.astimezone(data.tz).date(),
        plan=plan_ref,
    )


# --------------------------------------------------------------------------- nudges


async def nudge_targets(
    session: AsyncSession, org_id: int, task_id: int, *, now: datetime
) -> NudgeTarget | None:
    """The officers of a task's lead units (to nudge about it); None if not ours."""
    views = await load_task_views(session, org_id, task_ids=[task_id])
    if not views:
        return None
    view = views[0]
    org = await _org(session, org_id)
    tz = calendar_settings(org).tzinfo
    today = now.astimezone(tz).date()
    unit_ids = list(view.lead_unit_ids) or list(view.coordinating_unit_ids)
    rows = await session.execute(
        select(Person.id, Person.telegram_user_id, Person.full_name, Person.language)
        .join(PersonUnit, PersonUnit.person_id == Person.id)
        .where(
            Person.organization_id == org_id,
            Person.role == Role.OFFICER,
            Person.status == PersonStatus.ACTIVE,
            Person.telegram_user_id.is_not(None),
            PersonUnit.unit_id.in_(unit_ids),
        )
        .order_by(Person.full_name)
    )
    seen: dict[int, tuple[int, int, str, str | None]] = {}
    for pid, tg, name, lang in rows:
        if tg is not None:  # always, by the query
            seen.setdefault(pid, (pid, tg, name, lang))
    return NudgeTarget(
        task_id=view.id,
        number=view.number,
        content=view.content,
        due_date=view.effective_due_date,
        days_late=days_late(view.snapshot(tz), today),
        recipients=tuple(seen.values()),
    )


# --------------------------------------------------------------------------- district


def last_passed_period(today: date, settings: CalendarSettings) -> ReportingPeriod | None:
    """The reported period whose submission deadline is the latest one before ``today``."""
    passed = [
        p
        for year in (today.year - 1, today.year)
        for p in reports_for_year(year, settings)
        if p.submission_deadline < today
    ]
    return max(passed, key=lambda p: p.submission_deadline) if passed else None


async def report_timeliness(
    session: AsyncSession, org: Organization, per: ReportingPeriod
) -> tuple[bool | None, int]:
    """(on time?, tasks that owed a figure and lacked one) — see the module docstring."""
    settings = calendar_settings(org)
    tz = settings.tzinfo
    deadline_end = end_of_day(per.submission_deadline, tz)
    views = await load_task_views(session, org.id, as_of=deadline_end)
    views = [v for v in views if v.plan_year == per.year]
    if not views:
        return None, 0
    # As of the end of the deadline day, the latest update is inside the window
    # exactly when some update was made between the window's start and then.
    missing = sum(1 for v in views if owes_figure(v.snapshot(tz), per))
    return missing == 0, missing


async def district_rollup(
    session: AsyncSession, district_id: int, *, now: datetime
) -> DistrictRollup:
    """One line per commune under the district: completion, overdue, last report on time."""
    district = await _org(session, district_id)
    tz = calendar_settings(district).tzinfo
    communes = list(
        await session.scalars(
            select(Organization)
            .where(Organization.parent_id == district_id)
            .order_by(Organization.name)
        )
    )
    lines = []
    for org in communes:
        settings = calendar_settings(org)
        data = await _load(session, org.id, now)
        summary = summarize(data.snaps, data.today, settings=settings)
        last = last_passed_period(data.today, settings)
        on_time, missing, status, record = None, 0, None, None
        if last is not None:
            _, missing = await report_timeliness(session, org, last)
            # Sent on time, late or not at all: from the record the keeper made.
            record = await report_records.record_for(session, org.id, last.code)
            status = report_records.status_of(record, last.submission_deadline, data.today)
            on_time = status is report_records.SentStatus.ON_TIME
        lines.append(
            CommuneLine(
                org_id=org.id,
                name=org.name,
                kind=org.kind,
                total=summary.total,
                done=summary.done,
                mean_percent=summary.mean_percent,
                overdue=summary.overdue,
                last_period=last,
                report_on_time=on_time if summary.total else None,
                missing=missing,
                report_status=str(status) if status is not None and summary.total else None,
                report_number=record.number if record is not None else None,
                report_sent_on=record.sent_on if record is not None else None,
                summary=summary,
            )
        )
    return DistrictRollup(
        district_id=district.id,
        name=district.name,
        today=now.astimezone(tz).date(),
        communes=tuple(lines),
    )


async def is_commune_of(session: AsyncSession, district_id: int, org_id: int) -> bool:
    """Tell whether ``org_id`` is a commune under ``district_id`` (district viewers' scope)."""
    parent = await session.scalar(select(Organization.parent_id).where(Organization.id == org_id))
    return parent is not None and parent == district_id
