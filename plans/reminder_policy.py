"""Which reminders fall on a given local day: the pure rules behind the planner.

The database-facing planner (``scheduler/``) turns tasks and reporting periods
into the plain dataclasses below, asks these functions what falls on a local
date, and writes one outbox row per (recipient, subject, occasion), keyed by
:func:`occasion_key` so that restarts and several replicas never repeat one.

Rules (times in the organization's zone; a due date is the END of its day):

* Dated tasks (``deadline_kind`` "date", or an "event" whose date is known):
  - BEFORE_DEADLINE ``n`` days before the due date for each ``n`` in
    ``lead_days``; a day off moves it to the previous working day.  Leads
    that land on the same day collapse into one, and a lead that lands on the
    deadline-day warning's day is dropped (the warning says more).
    ``offset_days`` is the true number of days left from the sending day, not
    the nominal lead.  Around Tết 2024, 7 days before 17/2 is 10/2 -> sent 7/2.
  - DEADLINE_DAY on the due date; when the due date is a day off the warning
    goes out on the previous working day *only* -- nobody is at the office on
    the day itself, and the last working day is the last chance to act.
  - OVERDUE while the task is open, backing off (issue 11: the same overdue
    list every working day for months is noise): on the first working day on
    or after due + ``n`` for each ``n`` in ``overdue_days`` (1, 3, 7), then
    every ``overdue_every_days`` (7) days after the last of them;
    ``overdue_daily=False`` turns them off.  ``offset_days`` says how late.
  - ESCALATION to the chairman once, on the first working day on or after
    ``due + escalate_after_days`` (at least the day after the due date);
    ``escalate_after_days=None`` turns it off.
* Recurring tasks get no task occasions: they are reminded through the
  reporting period (REPORT_DUE), since they need a fresh update per period --
  except while one of their dated milestones is open ("Quý I/2024 và thường
  xuyên"): storage then gives them a due date (``plans.milestones``) and that
  milestone is reminded like a dated task's deadline.
  Done tasks, and tasks without a date, are silent.
* Reports: REPORT_DUE ``n`` days before the submission deadline for each
  ``n`` in ``report_lead_days`` (previous working day rule, collapsing as
  above), and REPORT_SUMMARY -- the ready table for the plan keeper and the
  chairman -- on the deadline's working day (previous one if it is a day off).
  Lead reminders that would land on the summary day are dropped.
* WEEKLY_SUMMARY on ``weekly_summary_weekday`` (0 = Monday, Python's
  convention -- unlike PTB's ``run_daily`` where 0 is Sunday); when that day
  is off it moves to the NEXT working day: a summary is not a deadline, and
  sending last week's Friday would be a week early.
* Everything goes out at ``digest_time`` in one digest per recipient and day:
  :func:`send_time` gives the instant; :func:`catch_up_days` tells a
  restarted planner which missed days are still worth sending (the digest
  instant is at most ``catch_up_grace`` old).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from plans import workdays
from plans.calendar import ReportingPeriod

WorkingDayTest = Callable[[date], bool]


class OccasionKind(StrEnum):
    """Why a message is sent."""

    BEFORE_DEADLINE = "before_deadline"
    DEADLINE_DAY = "deadline_day"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    REPORT_DUE = "report_due"
    REPORT_SUMMARY = "report_summary"
    WEEKLY_SUMMARY = "weekly_summary"


class Audience(StrEnum):
    """Who an occasion is for (the planner maps these to people)."""

    OFFICERS = "officers"  # the task's officers / everyone who owes an update
    CHAIRMAN = "chairman"  # Chủ tịch / Phó Chủ tịch
    KEEPER = "keeper"  # Văn phòng - Thống kê, compiles the report


AUDIENCES: Mapping[OccasionKind, tuple[Audience, ...]] = {
    OccasionKind.BEFORE_DEADLINE: (Audience.OFFICERS,),
    OccasionKind.DEADLINE_DAY: (Audience.OFFICERS,),
    OccasionKind.OVERDUE: (Audience.OFFICERS,),
    OccasionKind.ESCALATION: (Audience.CHAIRMAN,),
    OccasionKind.REPORT_DUE: (Audience.OFFICERS, Audience.KEEPER),
    OccasionKind.REPORT_SUMMARY: (Audience.KEEPER, Audience.CHAIRMAN),
    OccasionKind.WEEKLY_SUMMARY: (Audience.CHAIRMAN,),
}


def _parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


@dataclass(frozen=True)
class ReminderPolicy:
    """One organization's reminder settings (stored as JSON via ``to_dict``)."""

    lead_days: tuple[int, ...] = (7, 3, 1)
    on_deadline_day: bool = True
    overdue_daily: bool = True
    escalate_after_days: int | None = 2
    digest_time: time = time(7, 30)
    report_lead_days: tuple[int, ...] = (7, 3, 1)
    weekly_summary_weekday: int = 0  # Monday
    weekly_summary: bool = True
    catch_up_grace: timedelta = timedelta(hours=12)
    overdue_days: tuple[int, ...] = (1, 3, 7)  # overdue reminders back off ...
    overdue_every_days: int = 7  # ... then weekly

    def __post_init__(self) -> None:
        backoff = tuple(sorted({int(v) for v in self.overdue_days}))
        if not backoff or backoff[0] <= 0:
            raise ValueError(f"overdue_days must be positive day counts, got {backoff}")
        object.__setattr__(self, "overdue_days", backoff)
        if self.overdue_every_days <= 0:
            raise ValueError("overdue_every_days must be positive")
        for name in ("lead_days", "report_lead_days"):
            values = tuple(sorted({int(v) for v in getattr(self, name)}, reverse=True))
            if any(v <= 0 for v in values):
                raise ValueError(f"{name} must be positive day counts, got {values}")
            object.__setattr__(self, name, values)
        if not 0 <= self.weekly_summary_weekday <= 6:
            raise ValueError("weekly_summary_weekday must be 0 (Monday) .. 6 (Sunday)")
        if self.escalate_after_days is not None and self.escalate_after_days < 0:
            raise ValueError("escalate_after_days must be >= 0 or None")
        if self.catch_up_grace < timedelta(0):
            raise ValueError("catch_up_grace must not be negative")
        if self.digest_time.tzinfo is not None:
            raise ValueError("digest_time is a local wall-clock time without tzinfo")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict."""
        return {
            "lead_days": list(self.lead_days),
            "on_deadline_day": self.on_deadline_day,
            "overdue_daily": self.overdue_daily,
            "escalate_after_days": self.escalate_after_days,
            "digest_time": self.digest_time.strftime("%H:%M"),
            "report_lead_days": list(self.report_lead_days),
            "weekly_summary_weekday": self.weekly_summary_weekday,
            "weekly_summary": self.weekly_summary,
            "catch_up_grace_seconds": int(self.catch_up_grace.total_seconds()),
            "overdue_days": list(self.overdue_days),
            "overdue_every_days": self.overdue_every_days,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ReminderPolicy:
        """Rebuild from ``to_dict`` output; missing keys take defaults, unknown are ignored."""
        data = dict(data or {})
        kwargs: dict[str, Any] = {}
        for name in ("on_deadline_day", "overdue_daily", "weekly_summary"):
            if name in data:
                kwargs[name] = bool(data[name])
        for name in ("lead_days", "report_lead_days", "overdue_days"):
            if name in data:
                kwargs[name] = tuple(int(v) for v in data[name])
        if "overdue_every_days" in data:
            kwargs["overdue_every_days"] = int(data["overdue_every_days"])
        if "escalate_after_days" in data:
            value = data["escalate_after_days"]
            kwargs["escalate_after_days"] = None if value is None else int(value)
        if "weekly_summary_weekday" in data:
            kwargs["weekly_summary_weekday"] = int(data["weekly_summary_weekday"])
        if "digest_time" in data:
            kwargs["digest_time"] = _parse_time(data["digest_time"])
        if "catch_up_grace_seconds" in data:
            kwargs["catch_up_grace"] = timedelta(seconds=int(data["catch_up_grace_seconds"]))
        return cls(**kwargs)


@dataclass(frozen=True)
class PlannedTask:
    """What the planner needs to know about one task (plain data from storage)."""

    task_id: int
    due_date: date | None  # effective (extension applied)
    deadline_kind: str  # a DeadlineKind value: "date" / "recurring" / "event" / "unknown"
    done: bool
    officer_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    title: str = ""

    @property
    def subject_key(self) -> str:
        """Stable subject for keys: ``task:<id>``."""
        return task_subject(self.task_id)


@dataclass(frozen=True)
class Occasion:
    """One reason to write to someone on local date ``on``.

    ``offset_days``: for BEFORE_DEADLINE / DEADLINE_DAY / REPORT_DUE /
    REPORT_SUMMARY the days left from ``on`` to the deadline (0 on the day),
    for OVERDUE / ESCALATION the days past it, for WEEKLY_SUMMARY 0.
    """

    kind: OccasionKind
    on: date
    subject_key: str
    offset_days: int = 0

    @property
    def audiences(self) -> tuple[Audience, ...]:
        """Who should receive it."""
        return AUDIENCES[self.kind]


def task_subject(task_id: int) -> str:
    """Subject key of a task."""
    return f"task:{task_id}"


def report_subject(period: ReportingPeriod) -> str:
    """Subject key of a report: ``report:2024-H1``."""
    return f"report:{period.code}"


def week_subject(day: date) -> str:
    """Subject key of a weekly summary: ``week:2024-W36`` (ISO week)."""
    iso = day.isocalendar()
    return f"week:{iso.year}-W{iso.week:02d}"


# --- the rules ------------------------------------------------------------------


def _previous_working(d: date, is_working: WorkingDayTest) -> date:
    for _ in range(60):
        if is_working(d):
            return d
        d -= timedelta(days=1)
    raise ValueError("no working day within 60 days")


def _next_working(d: date, is_working: WorkingDayTest) -> date:
    for _ in range(60):
        if is_working(d):
            return d
        d += timedelta(days=1)
    raise ValueError("no working day within 60 days")


def _lead_occasions(
    kind: OccasionKind,
    deadline: date,
    leads: Iterable[int],
    day: date,
    subject: str,
    blocked_day: date | None,
    is_working: WorkingDayTest,
) -> list[Occasion]:
    """Lead reminders landing on ``day``: at most one, however many leads moved onto it."""
    if day == blocked_day:
        return []
    if not any(_previous_working(deadline - timedelta(days=n), is_working) == day for n in leads):
        return []
    return [Occasion(kind, day, subject, offset_days=(deadline - day).days)]


def deadline_warning_day(due: date, is_working: WorkingDayTest = workdays.is_working_day) -> date:
    """The day the DEADLINE_DAY warning goes out: the due date, or the working day before it."""
    return _previous_working(due, is_working)


def escalation_day(
    due: date, policy: ReminderPolicy, is_working: WorkingDayTest = workdays.is_working_day
) -> date | None:
    """The one day an overdue task is escalated, or None when escalation is off."""
    if policy.escalate_after_days is None:
        return None
    after = max(1, policy.escalate_after_days)
    return _next_working(due + timedelta(days=after), is_working)


def overdue_reminder_due(
    due: date,
    day: date,
    policy: ReminderPolicy,
    is_working: WorkingDayTest = workdays.is_working_day,
) -> bool:
    """Whether an open task ``due`` gets its overdue reminder on ``day`` (the back-off)."""
    if day <= due or not is_working(day):
        return False
    last = policy.overdue_days[-1]
    # nominal days late whose reminder may have moved onto ``day`` (days off in between)
    for late in range(max(1, (day - due).days - LEAD_SLACK), (day - due).days + 1):
        scheduled = late in policy.overdue_days or (
            late > last and (late - last) % policy.overdue_every_days == 0
        )
        if scheduled and _next_working(due + timedelta(days=late), is_working) == day:
            return True
    return False


LEAD_SLACK = 14  # Tết can push a reminder this many days later


def _dated(task: PlannedTask) -> bool:
    # a recurring task has a due date only while one of its milestones is open
    return task.due_date is not None


def task_occasions(
    task: PlannedTask,
    day: date,
    policy: ReminderPolicy,
    is_working: WorkingDayTest = workdays.is_working_day,
) -> list[Occasion]:
    """Occasions of one task on local date ``day`` (see the module docstring)."""
    if task.done or not _dated(task):
        return []
    due = task.due_date
    assert due is not None
    subject = task.subject_key
    found: list[Occasion] = []
    warn_day = deadline_warning_day(due, is_working) if policy.on_deadline_day else None
    if day <= due:
        found += _lead_occasions(
            OccasionKind.BEFORE_DEADLINE, due, policy.lead_days, day, subject, warn_day, is_working
        )
        if warn_day == day:
            found.append(
                Occasion(OccasionKind.DEADLINE_DAY, day, subject, offset_days=(due - day).days)
            )
        return found
    late = (day - due).days
    if policy.overdue_daily and overdue_reminder_due(due, day, policy, is_working):
        found.append(Occasion(OccasionKind.OVERDUE, day, subject, offset_days=late))
    if escalation_day(due, policy, is_working) == day:
        found.append(Occasion(OccasionKind.ESCALATION, day, subject, offset_days=late))
    return found


def report_occasions(
    period: ReportingPeriod,
    day: date,
    policy: ReminderPolicy,
    is_working: WorkingDayTest = workdays.is_working_day,
) -> list[Occasion]:
    """Occasions of one reporting period on local date ``day``."""
    deadline = period.submission_deadline
    if day > deadline:
        return []
    subject = report_subject(period)
    summary_day = _previous_working(deadline, is_working)
    found = _lead_occasions(
        OccasionKind.REPORT_DUE,
        deadline,
        policy.report_lead_days,
        day,
        subject,
        summary_day,
        is_working,
    )
    if day == summary_day:
        found.append(
            Occasion(OccasionKind.REPORT_SUMMARY, day, subject, offset_days=(deadline - day).days)
        )
    return found


def weekly_occasions(
    day: date,
    policy: ReminderPolicy,
    is_working: WorkingDayTest = workdays.is_working_day,
) -> list[Occasion]:
    """The weekly summary, if it falls on ``day`` (moved to the next working day when off)."""
    if not policy.weekly_summary:
        return []
    monday = day - timedelta(days=day.weekday())
    nominal = monday + timedelta(days=policy.weekly_summary_weekday)
    actual = _next_working(nominal, is_working)
    if actual != day:
        return []
    return [Occasion(OccasionKind.WEEKLY_SUMMARY, day, week_subject(nominal))]


def day_occasions(
    tasks: Iterable[PlannedTask],
    periods: Iterable[ReportingPeriod],
    day: date,
    policy: ReminderPolicy,
    is_working: WorkingDayTest = workdays.is_working_day,
) -> list[Occasion]:
    """Every occasion on ``day``: tasks, reports, then the weekly summary."""
    found: list[Occasion] = []
    for task in tasks:
        found += task_occasions(task, day, policy, is_working)
    for p in periods:
        found += report_occasions(p, day, policy, is_working)
    found += weekly_occasions(day, policy, is_working)
    return found


# --- when and under which key ------------------------------------------------------


def _zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def send_time(day: date, policy: ReminderPolicy, tz: tzinfo | str) -> datetime:
    """The aware instant of ``day``'s digest in the organization's zone."""
    return datetime.combine(day, policy.digest_time, tzinfo=_zone(tz))


def catch_up_days(
    last_run: datetime | None, now: datetime, policy: ReminderPolicy, tz: tzinfo | str
) -> list[date]:
    """Local days whose digest is due at ``now`` after a planner last ran at ``last_run``.

    A day counts when its send time lies in ``(last_run, now]`` and is at most
    ``catch_up_grace`` old; with no ``last_run`` only the grace decides.  Both
    instants must be aware.  The outbox key makes repeating a day harmless.
    """
    if now.tzinfo is None or (last_run is not None and last_run.tzinfo is None):
        raise ValueError("catch_up_days needs aware datetimes")
    zone = _zone(tz)
    oldest = now - policy.catch_up_grace
    if last_run is not None and last_run > oldest:
        oldest = last_run
    day = oldest.astimezone(zone).date() - timedelta(days=1)
    end = now.astimezone(zone).date()
    days: list[date] = []
    while day <= end:
        at = send_time(day, policy, zone)
        if (at > last_run if last_run is not None else at >= oldest) and oldest <= at <= now:
            days.append(day)
        day += timedelta(days=1)
    return days


def digest_key(recipient_id: int, day: date, kind: OccasionKind | str) -> str:
    """Key of one digest message: one per recipient, local day and kind."""
    return f"digest:{recipient_id}:{day.isoformat()}:{OccasionKind(kind).value}"


def occasion_key(recipient_id: int, occasion: Occasion) -> str:
    """Outbox uniqueness key: recipient + subject + occasion kind + day."""
    return (
        f"occ:{recipient_id}:{occasion.subject_key}:{occasion.kind.value}:{occasion.on.isoformat()}"
    )
