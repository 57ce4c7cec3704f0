"""The chairman's arithmetic: when is a task done, how late, and "27/32".

Rules (DESIGN.md, "Completion, as a chairman counts it"):

* A task's state is its latest progress update.  It is **done** at 100 % *or*
  when its status says so ("đã ban hành", "đã thực hiện", "hoàn thành",
  "xong", with or without diacritics).  A status that negates or qualifies
  ("chưa thực hiện", "đang thực hiện", "chưa hoàn thành", "hoàn thành 50%",
  "hoàn thành một phần", "không ...") is not done -- we would rather miss a
  "done" than invent one; negations are read on the accented text, so "đã
  đăng tải" (published) is not mistaken for "đang" (in progress).  When
  percent and status disagree the "or" of DESIGN.md holds: "đã thực hiện"
  with a stale 50 % still counts as done, because storage may carry the
  percent forward from an older update.
* A due date is the end of that day, local time: on the due date a task is
  "due soon" (0 days left), the next day it is overdue.  ``due_date`` in a
  snapshot is the effective one (extensions on record already applied).
* A done dated task is **early** when it was done more than ``early_days``
  (default 7) before the due date, **on time** when done by the due date,
  **late** otherwise.  The done day is ``done_on``, else ``last_update_on``;
  when neither is known it is counted on time (we do not invent lateness).
  A done task with no deadline (on-event, unknown) is counted on time.
* A **recurring** task ("thường xuyên", "định kỳ") is never done for good.  In
  a reporting period it is *updated* when its latest update lies inside the
  period's data window, otherwise *pending*.  It counts toward "done" in that
  period when it was updated in the window **and** that update is done (100 %
  or a done status) -- this is how seed 002 reaches "27/32": recurring tasks
  at "Đã ban hành Kế hoạch 100%" are counted, those at "Đang thực hiện 50%"
  are not, and they show their period figure (50 %) in the mean.  A recurring
  task not updated in the window contributes 0 % to the mean: it owes this
  period's figure.  Without a named period the window is the quarter whose
  data window contains ``today`` (``plans.calendar.window_period``).
  Snapshots are "as of" a moment: for a past period build them from the
  updates up to ``period.window_end``.
* Plan completion is reported as both numbers: done/total and mean percent,
  where a done task counts 100 %.  Breakdowns by unit count a task once for
  each of its units (a task with no unit is grouped under ``None``).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from locales import t
from plans.calendar import CalendarSettings, ReportingPeriod, fold, window_period
from plans.deadlines import DeadlineKind

logger = logging.getLogger(__name__)

DEFAULT_DUE_SOON_DAYS = 7
DEFAULT_EARLY_DAYS = 7

RECURRING = DeadlineKind.RECURRING


class TaskState(StrEnum):
    """Where a task stands on a given day (catalog key ``periods.state.<value>``)."""

    DONE_EARLY = "done_early"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    RECURRING_UPDATED = "recurring_updated"
    RECURRING_PENDING = "recurring_pending"
    NO_DEADLINE = "no_deadline"

    @property
    def is_done(self) -> bool:
        """True for the three done states (a recurring task's doneness needs its figure)."""
        return self in _DONE_STATES

    def label(self, lang: str | None = None) -> str:
        """Localized name: "Hoàn thành đúng hạn", "Quá hạn"..."""
        return t(f"periods.state.{self.value}", lang)


_DONE_STATES = frozenset({TaskState.DONE_EARLY, TaskState.DONE_ON_TIME, TaskState.DONE_LATE})


@dataclass(frozen=True)
class TaskSnapshot:
    """A task's latest state, as plain data (built by storage)."""

    task_id: int
    field_key: str
    unit_ids: tuple[int, ...]
    deadline_kind: str  # a DeadlineKind value: "date" / "recurring" / "event" / "unknown"
    due_date: date | None  # effective: extension applied
    percent: int | None
    status_text: str | None
    done_on: date | None  # day of the update that made it done
    last_update_on: date | None


# --- done or not -------------------------------------------------------------

# Negations and qualifiers, matched on the accented text word by word so that
# "đăng tải" (published) is not read as "đang" (in progress).  The unaccented
# spellings are for officers who type without diacritics ("dang thuc hien").
_NOT_DONE_PHRASES = (
    "chưa",
    "đang",
    "không",
    "sắp",
    "một phần",
    "tiếp tục",
    "chuẩn bị",
    "dự kiến",
    "chua",
    "dang",
    "khong",
    "sap",
    "mot phan",
    "tiep tuc",
    "chuan bi",
    "du kien",
    "not",
    "in progress",
    "partly",
    "partially",
)
_NOT_DONE_RE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(p) for p in _NOT_DONE_PHRASES) + r")(?!\w)"
)
_DONE_RE = re.compile(
    r"\b(da ban hanh|da thuc hien|hoan thanh|hoan tat|xong|da trien khai|da to chuc"
    r"|done|completed|finished|issued)\b"
)
_PERCENT_RE = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")


def status_says_done(status_text: str | None) -> bool:
    """Tell whether a status means done ("Đã ban hành Kế hoạch": yes, "Đang thực hiện": no)."""
    if not status_text:
        return False
    accented = " ".join(unicodedata.normalize("NFC", status_text).lower().split())
    if _NOT_DONE_RE.search(accented):
        return False
    for match in _PERCENT_RE.finditer(accented):
        if float(match.group(1).replace(",", ".")) < 100:
            return False
    return bool(_DONE_RE.search(" ".join(fold(status_text).split())))


def is_done(percent: int | float | None, status_text: str | None) -> bool:
    """Done at 100 % or when the status says so (see module docstring)."""
    if percent is not None and percent >= 100:
        return True
    return status_says_done(status_text)


def effective_percent(snapshot: TaskSnapshot) -> int:
    """Percent a task contributes to the mean: 100 when done, else its figure clamped to 0..100."""
    if is_done(snapshot.percent, snapshot.status_text):
        return 100
    return max(0, min(100, int(snapshot.percent or 0)))


# --- one task ------------------------------------------------------------------


def _is_recurring(s: TaskSnapshot) -> bool:
    return s.deadline_kind == RECURRING


def _done_day(s: TaskSnapshot) -> date | None:
    return s.done_on or s.last_update_on


def updated_in(snapshot: TaskSnapshot, period: ReportingPeriod) -> bool:
    """Tell whether the task's latest update falls inside the period's data window."""
    return snapshot.last_update_on is not None and period.contains(snapshot.last_update_on)


def _window(
    today: date, period: ReportingPeriod | None, settings: CalendarSettings | None
) -> ReportingPeriod:
    return period if period is not None else window_period(today, settings)


def classify(
    snapshot: TaskSnapshot,
    today: date,
    *,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    early_days: int = DEFAULT_EARLY_DAYS,
    period: ReportingPeriod | None = None,
    settings: CalendarSettings | None = None,
) -> TaskState:
    """Class one task on local date ``today`` (``period`` matters for recurring tasks only)."""
    s = snapshot
    if _is_recurring(s):
        window = _window(today, period, settings)
        return TaskState.RECURRING_UPDATED if updated_in(s, window) else TaskState.RECURRING_PENDING
    done = is_done(s.percent, s.status_text)
    if s.due_date is None:
        return TaskState.DONE_ON_TIME if done else TaskState.NO_DEADLINE
    if done:
        day = _done_day(s)
        if day is None or day <= s.due_date:
            if day is not None and (s.due_date - day).days > early_days:
                return TaskState.DONE_EARLY
            return TaskState.DONE_ON_TIME
        return TaskState.DONE_LATE
    left = (s.due_date - today).days
    if left < 0:
        return TaskState.OVERDUE
    if left <= due_soon_days:
        return TaskState.DUE_SOON
    return TaskState.IN_PROGRESS


def counts_as_done(
    snapshot: TaskSnapshot,
    today: date,
    *,
    period: ReportingPeriod | None = None,
    settings: CalendarSettings | None = None,
) -> bool:
    """Whether the task counts in "done/total" (recurring: done *in this period's window*)."""
    if _is_recurring(snapshot):
        window = _window(today, period, settings)
        return updated_in(snapshot, window) and is_done(snapshot.percent, snapshot.status_text)
    return is_done(snapshot.percent, snapshot.status_text)


def period_percent(
    snapshot: TaskSnapshot,
    today: date,
    *,
    period: ReportingPeriod | None = None,
    settings: CalendarSettings | None = None,
) -> int:
    """The figure the period's table shows (recurring not updated in the window: 0)."""
    if _is_recurring(snapshot) and not updated_in(snapshot, _window(today, period, settings)):
        return 0
    return effective_percent(snapshot)


def days_late(snapshot: TaskSnapshot, today: date) -> int:
    """Days past the due date: at completion for done tasks, as of ``today`` for open ones."""
    s = snapshot
    if s.due_date is None or _is_recurring(s):
        return 0
    if is_done(s.percent, s.status_text):
        day = _done_day(s)
        return max(0, (day - s.due_date).days) if day is not None else 0
    return max(0, (today - s.due_date).days)


def days_left(snapshot: TaskSnapshot, today: date) -> int | None:
    """Days until the due date (0 on the day, negative when overdue); None if done or undated."""
    s = snapshot
    if s.due_date is None or _is_recurring(s) or is_done(s.percent, s.status_text):
        return None
    return (s.due_date - today).days


# --- many tasks ------------------------------------------------------------------


@dataclass
class CompletionSummary:
    """Counts for a group of tasks: "done/total" and the mean percent, then the detail."""

    total: int = 0
    done: int = 0
    mean_percent: float = 0.0
    done_early: int = 0
    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    due_soon: int = 0
    overdue: int = 0
    recurring_updated: int = 0
    recurring_pending: int = 0
    recurring_done: int = 0
    no_deadline: int = 0
    by_state: dict[TaskState, int] = field(default_factory=dict)
    _percent_sum: int = field(default=0, repr=False)

    @property
    def done_ratio(self) -> float:
        """done / total (0.0 for an empty group)."""
        return self.done / self.total if self.total else 0.0

    @property
    def open(self) -> int:
        """Tasks not counted as done."""
        return self.total - self.done

    def add(self, state: TaskState, percent: int, done: bool) -> None:
        """Count one task in its state with its period figure."""
        self.total += 1
        self.done += int(done)
        if state is TaskState.RECURRING_UPDATED and done:
            self.recurring_done += 1
        name = state.value
        setattr(self, name, getattr(self, name) + 1)
        self.by_state[state] = self.by_state.get(state, 0) + 1
        self._percent_sum += percent
        self.mean_percent = round(self._percent_sum / self.total, 1)


def _evaluate(
    s: TaskSnapshot,
    today: date,
    *,
    due_soon_days: int,
    early_days: int,
    period: ReportingPeriod | None,
    settings: CalendarSettings | None,
) -> tuple[TaskState, int, bool]:
    window = _window(today, period, settings) if _is_recurring(s) else period
    state = classify(s, today, due_soon_days=due_soon_days, early_days=early_days, period=window)
    return (
        state,
        period_percent(s, today, period=window, settings=settings),
        counts_as_done(s, today, period=window, settings=settings),
    )


def summarize(
    snapshots: Iterable[TaskSnapshot],
    today: date,
    *,
    period: ReportingPeriod | None = None,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    early_days: int = DEFAULT_EARLY_DAYS,
    settings: CalendarSettings | None = None,
) -> CompletionSummary:
    """One summary over all ``snapshots``."""
    summary = CompletionSummary()
    for s in snapshots:
        summary.add(
            *_evaluate(
                s,
                today,
                due_soon_days=due_soon_days,
                early_days=early_days,
                period=period,
                settings=settings,
            )
        )
    return summary


Key = Hashable


def summarize_by(
    snapshots: Iterable[TaskSnapshot],
    today: date,
    key: Callable[[TaskSnapshot], Key | list[Key] | set[Key] | frozenset[Key]],
    *,
    period: ReportingPeriod | None = None,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    early_days: int = DEFAULT_EARLY_DAYS,
    settings: CalendarSettings | None = None,
) -> dict[Key, CompletionSummary]:
    """Summaries grouped by ``key(snapshot)``, in order of first appearance.

    When ``key`` returns a list, set or frozenset the task counts once under each
    element (a tuple is one composite key); an empty list drops the task.
    """
    groups: dict[Key, CompletionSummary] = {}
    for s in snapshots:
        evaluated = _evaluate(
            s,
            today,
            due_soon_days=due_soon_days,
            early_days=early_days,
            period=period,
            settings=settings,
        )
        raw = key(s)
        keys = list(dict.fromkeys(raw)) if isinstance(raw, list | set | frozenset) else [raw]
        for k in keys:
            groups.setdefault(k, CompletionSummary()).add(*evaluated)
    return groups


def summarize_by_unit(
    snapshots: Iterable[TaskSnapshot], today: date, **kwargs: object
) -> dict[int | None, CompletionSummary]:
    """Per unit: a task counts for each of its units; unit-less tasks under ``None``."""
    return summarize_by(  # type: ignore[return-value]
        snapshots,
        today,
        lambda s: list(s.unit_ids) or [None],
        **kwargs,  # type: ignore[arg-type]
    )


def summarize_by_field(
    snapshots: Iterable[TaskSnapshot], today: date, **kwargs: object
) -> dict[str, CompletionSummary]:
    """Per field (lĩnh vực I..VIII), keyed by ``field_key``."""
    return summarize_by(snapshots, today, lambda s: s.field_key, **kwargs)  # type: ignore[arg-type,return-value]


def overdue_tasks(snapshots: Iterable[TaskSnapshot], today: date) -> list[TaskSnapshot]:
    """Open dated tasks past their due date, most late first (then by task id)."""
    late = [s for s in snapshots if classify(s, today) is TaskState.OVERDUE]
    return sorted(late, key=lambda s: (-days_late(s, today), s.task_id))
