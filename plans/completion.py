"""The chairman's arithmetic: when is a task done, how late, and "27/32".

Rules (DESIGN.md, "Completion, as a chairman counts it"):

* A task's state is its latest progress update.  **A number the person gave
  is the percent; a status word never raises it.**  A task is **done** at
  100 %, or -- only when no percent was given at all -- when its status says
  so ("đã ban hành", "đã thực hiện", "hoàn thành", "xong", with or without
  diacritics).  "Đã xong 80%" is 80 %, not done (the chat asks the person
  which one they meant, see :func:`status_contradicts`).  A status that
  negates or qualifies ("chưa thực hiện", "đang thực hiện", "chưa hoàn
  thành", "hoàn thành 50%", "hoàn thành một phần", "không ...") is not done
  -- we would rather miss a "done" than invent one; negations are read on
  the accented text, so "đã đăng tải" (published) is not mistaken for
  "đang" (in progress).
* A blank percent stays blank: a task's **figure** (:func:`figure_percent`)
  is its percent, 100 when done, and None when it has neither -- a status
  such as "Đang thực hiện" without a number is not 0 %.  Means are taken
  over the tasks that have a figure only (``CompletionSummary.with_figure``
  says how many), so a blank never pulls an average down.
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
  task not updated in the window has no figure for the period (blank, left
  out of the mean): it owes this period's figure.  Without a named period
  the window is the quarter whose data window contains ``today`` (``plans.calendar.window_period``).
  Snapshots are "as of" a moment: for a past period build them from the
  updates up to ``period.window_end``.
* Plan completion is reported as both numbers: done/total and mean percent,
  where a done task counts 100 % and a blank is left out.  Breakdowns by unit count a task once for
  each of its units (a task with no unit is grouped under ``None``).
* **Standing** (:func:`standing`) -- the classes a commune's report counts
  ("đã hoàn thành 17/32 nhiệm vụ, 10 nhiệm vụ đang thực hiện đúng tiến độ,
  5 nhiệm vụ chậm tiến độ").  Exactly one per task, in this order:

  - ``DONE``: counts as done (above; recurring: done *in the window*).
  - ``OVERDUE``: a dated task not done after its due date.
  - ``NOT_STARTED``: no figure at all, 0 %, or a blank percent with a
    "chưa thực hiện / chưa triển khai" status; for a recurring task: nothing
    in the window and never any update before.
  - ``ON_TRACK`` (đúng tiến độ):
      * recurring: it has a figure in the period's data window;
      * dated, not yet due: its percent is at least the elapsed share of its
        span -- from 1 January of the plan year (``start_on``) to the due
        date; a blank percent (status only) is on track when that status was
        given inside the window;
      * no date (on event, unknown): started at all.
  - ``BEHIND`` (chậm tiến độ): everything else -- a recurring task whose last
    figure is older than the window, a dated task below its elapsed share.

  Example: a task due 31/12/2024 at 50 % on 14/06/2024 is on track (165 of
  365 days = 45 % elapsed); at 30 % it is behind; on 01/01/2025 it is
  overdue.
* **Owes a figure this period** (:func:`owes_figure`): a recurring task
  with no update in the period's data window; a dated task not done and not
  updated in the window (whatever its due date: the appendix prints every
  task's progress).  A task without a date owes nothing.  The planner's
  report reminders, /kybaocao and the district's "report on time" use it.
* **Due soon** (:func:`due_soon`): a dated task not done whose due date is
  today or within ``due_soon_days`` (default 7) days.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypedDict, TypeVar, Unpack

from locales import t
from plans.calendar import CalendarSettings, ReportingPeriod, fold, window_period
from plans.deadlines import DeadlineKind
from plans.regex import lazy_compile

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


@dataclass(slots=True)
class TaskSnapshot:
    """A task's latest state, as plain data (built by storage).

    Read-only by convention, not ``frozen``: a frozen dataclass sets each field
    through ``object.__setattr__`` (about 10 us a snapshot against 1 us), and
    the 07:30 tick builds one per task of the province on a report day.
    """

    task_id: int
    field_key: str
    unit_ids: tuple[int, ...]
    deadline_kind: str  # a DeadlineKind value: "date" / "recurring" / "event" / "unknown"
    due_date: date | None  # effective: extension applied
    percent: int | None
    status_text: str | None
    done_on: date | None  # day of the update that made it done
    last_update_on: date | None
    start_on: date | None = None  # start of the task's span (1 January of the plan year)


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
_NOT_DONE_RE = lazy_compile(
    r"(?<!\w)(" + "|".join(re.escape(p) for p in _NOT_DONE_PHRASES) + r")(?!\w)"
)
# The words that say a task is done, folded (plans.calendar.fold): ONE vocabulary for a
# stored status (status_says_done, below) and for an officer's chat message
# (plans.understanding.figures reads the same three kinds to choose the status text it
# writes).  Each reader keeps its own context rules -- a stored status is judged whole and
# strictly, a chat segment only next to the word -- but a word added here is a done word
# for both.
#   finished: "xong", "hoàn thành" (and the typos officers send: "xog", "xonq")
#   issued:   "đã / vừa / mới ban hành"
#   activity: "đã / vừa / mới thực hiện / triển khai / tổ chức"
DONE_PAST_RE = r"(?:da|vua|moi)"
DONE_FINISHED_RE = r"(?:xong|hoan thanh|hoan tat|done|completed|finished|issued|xog|xonq)"
DONE_ISSUED_RE = DONE_PAST_RE + r"\s+ban\s*hanh"
DONE_ACTIVITY_RE = DONE_PAST_RE + r"\s+(?:thuc hien|trien khai|to chuc)"
_DONE_RE = lazy_compile(
    r"\b(?:" + "|".join((DONE_FINISHED_RE, DONE_ISSUED_RE, DONE_ACTIVITY_RE)) + r")\b"
)
_PERCENT_RE = lazy_compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")


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
    """Done at 100 %; a status says done only when no percent was given (module docstring)."""
    if percent is not None:
        return percent >= 100
    return status_says_done(status_text)


def status_contradicts(percent: int | float | None, status_text: str | None) -> bool:
    """True when a done status comes with a number below 100 ("đã xong 80%"): ask the person."""
    return percent is not None and percent < 100 and status_says_done(status_text)


_NOT_STARTED_RE = lazy_compile(
    r"\b(chua (thuc hien|trien khai|bat dau|lam|co)|not started|not yet started)\b"
)


def figure_percent(snapshot: TaskSnapshot) -> int | None:
    """The task's figure: 100 when done, its percent clamped to 0..100, None when blank."""
    if is_done(snapshot.percent, snapshot.status_text):
        return 100
    if snapshot.percent is None:
        return None
    return max(0, min(100, int(snapshot.percent)))


effective_percent = figure_percent  # the older name


def started(snapshot: TaskSnapshot) -> bool:
    """Whether any work is on record: a percent above 0, or a status that is not "chưa ..."."""
    if snapshot.percent is not None:
        return snapshot.percent > 0 or is_done(snapshot.percent, snapshot.status_text)
    text = (snapshot.status_text or "").strip()
    if not text:
        return False
    return not _NOT_STARTED_RE.search(" ".join(fold(text).split()))


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
    if (s.due_date - today).days < 0:
        return TaskState.OVERDUE
    if due_soon(s, today, due_soon_days=due_soon_days):
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
) -> int | None:
    """The figure the period's table shows; None (blank) when there is none.

    A recurring task not updated in the window has no figure for the period.
    """
    if _is_recurring(snapshot) and not updated_in(snapshot, _window(today, period, settings)):
        return None
    return figure_percent(snapshot)


def due_soon(
    snapshot: TaskSnapshot, today: date, *, due_soon_days: int = DEFAULT_DUE_SOON_DAYS
) -> bool:
    """A dated task not done, due today or within ``due_soon_days`` days (the one rule)."""
    s = snapshot
    if s.due_date is None or _is_recurring(s) or is_done(s.percent, s.status_text):
        return False
    return 0 <= (s.due_date - today).days <= due_soon_days


def owes_figure(snapshot: TaskSnapshot, period: ReportingPeriod) -> bool:
    """Whether the period's report still needs a figure for this task (module docstring).

    Build the snapshot as of the moment asked about (now, or the deadline).
    """
    s = snapshot
    if _is_recurring(s):
        return not updated_in(s, period)
    if s.due_date is None or is_done(s.percent, s.status_text):
        return False
    return not updated_in(s, period)


def expected_percent(snapshot: TaskSnapshot, today: date) -> float:
    """The elapsed share of a dated task's span on ``today``, in percent (0..100)."""
    s = snapshot
    if s.due_date is None:
        return 0.0
    start = s.start_on or date(s.due_date.year, 1, 1)
    span = (s.due_date - start).days
    if span <= 0:
        return 100.0
    elapsed = max(0, min(span, (today - start).days))
    return 100.0 * elapsed / span


class Standing(StrEnum):
    """Where a task stands for a report (catalog key ``figures.standing.<value>``)."""

    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"

    def label(self, lang: str | None = None) -> str:
        """ "Đã hoàn thành", "Đúng tiến độ", "Chậm tiến độ", "Quá hạn", "Chưa triển khai"."""
        return t(f"figures.standing.{self.value}", lang)


def standing(
    snapshot: TaskSnapshot,
    today: date,
    *,
    period: ReportingPeriod | None = None,
    settings: CalendarSettings | None = None,
) -> Standing:
    """The one class of a task on ``today`` (rules and example in the module docstring)."""
    s = snapshot
    window = _window(today, period, settings)
    if counts_as_done(s, today, period=window, settings=settings):
        return Standing.DONE
    if _is_recurring(s):
        if updated_in(s, window):
            return Standing.ON_TRACK if started(s) else Standing.NOT_STARTED
        return Standing.NOT_STARTED if s.last_update_on is None else Standing.BEHIND
    if s.due_date is not None and s.due_date < today:
        return Standing.OVERDUE
    if not started(s):
        return Standing.NOT_STARTED
    if s.due_date is None:
        return Standing.ON_TRACK
    if s.percent is None:
        return Standing.ON_TRACK if updated_in(s, window) else Standing.BEHIND
    # integer-exact "percent >= elapsed share of the span"
    start = s.start_on or date(s.due_date.year, 1, 1)
    span = (s.due_date - start).days
    elapsed = max(0, min(span, (today - start).days))
    if span <= 0 or s.percent * span >= 100 * elapsed:
        return Standing.ON_TRACK
    return Standing.BEHIND


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
    mean_percent: float = 0.0  # over the tasks with a figure (blank ones left out)
    with_figure: int = 0  # tasks counted in the mean
    on_track: int = 0
    behind: int = 0
    not_started: int = 0
    done_early: int = 0
    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    due_soon: int = 0
    overdue: int = 0  # the same tasks as Standing.OVERDUE
    recurring_updated: int = 0
    recurring_pending: int = 0
    recurring_done: int = 0
    no_deadline: int = 0
    by_state: dict[TaskState, int] = field(default_factory=dict)
    by_standing: dict[Standing, int] = field(default_factory=dict)
    _percent_sum: int = field(default=0, repr=False)

    @property
    def done_ratio(self) -> float:
        """done / total (0.0 for an empty group)."""
        return self.done / self.total if self.total else 0.0

    @property
    def open(self) -> int:
        """Tasks not counted as done."""
        return self.total - self.done

    @property
    def lagging(self) -> int:
        """Neither done nor on track: behind, overdue or not started."""
        return self.behind + self.overdue + self.not_started

    @property
    def done_or_on_track(self) -> int:
        """What a commune's report counts as "thực hiện tốt" (27/32 in seed 002)."""
        return self.done + self.on_track

    def add(self, state: TaskState, percent: int | None, done: bool, rank: Standing) -> None:
        """Count one task in its state and standing with its period figure (None: blank)."""
        self.total += 1
        self.done += int(done)
        if state is TaskState.RECURRING_UPDATED and done:
            self.recurring_done += 1
        name = state.value
        setattr(self, name, getattr(self, name) + 1)
        self.by_state[state] = self.by_state.get(state, 0) + 1
        self.by_standing[rank] = self.by_standing.get(rank, 0) + 1
        if rank is Standing.ON_TRACK:
            self.on_track += 1
        elif rank is Standing.BEHIND:
            self.behind += 1
        elif rank is Standing.NOT_STARTED:
            self.not_started += 1
        if percent is not None:
            self.with_figure += 1
            self._percent_sum += percent
            # Half up, as people count (46,25 → 46,3); round() would give 46,2.
            mean = Decimal(self._percent_sum) / Decimal(self.with_figure)
            self.mean_percent = float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _evaluate(
    s: TaskSnapshot,
    today: date,
    *,
    due_soon_days: int,
    early_days: int,
    period: ReportingPeriod | None,
    settings: CalendarSettings | None,
) -> tuple[TaskState, int | None, bool, Standing]:
    window = _window(today, period, settings) if _is_recurring(s) else period
    state = classify(s, today, due_soon_days=due_soon_days, early_days=early_days, period=window)
    return (
        state,
        period_percent(s, today, period=window, settings=settings),
        counts_as_done(s, today, period=window, settings=settings),
        standing(s, today, period=period, settings=settings),
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


Key = TypeVar("Key", bound=Hashable)


class SummaryOptions(TypedDict, total=False):
    """The keyword options of :func:`summarize`, passed on by the grouped summaries."""

    period: ReportingPeriod | None
    due_soon_days: int
    early_days: int
    settings: CalendarSettings | None


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
    snapshots: Iterable[TaskSnapshot], today: date, **options: Unpack[SummaryOptions]
) -> dict[int | None, CompletionSummary]:
    """Per unit: a task counts for each of its units; unit-less tasks under ``None``."""

    def units(s: TaskSnapshot) -> list[int | None]:
        return list(s.unit_ids) or [None]

    return summarize_by(snapshots, today, units, **options)


def summarize_by_field(
    snapshots: Iterable[TaskSnapshot], today: date, **options: Unpack[SummaryOptions]
) -> dict[str, CompletionSummary]:
    """Per field (lĩnh vực I..VIII), keyed by ``field_key``."""
    return summarize_by(snapshots, today, lambda s: s.field_key, **options)


def overdue_tasks(snapshots: Iterable[TaskSnapshot], today: date) -> list[TaskSnapshot]:
    """Open dated tasks past their due date, most late first (then by task id)."""
    late = [s for s in snapshots if classify(s, today) is TaskState.OVERDUE]
    return sorted(late, key=lambda s: (-days_late(s, today), s.task_id))


# --- words -----------------------------------------------------------------------


@dataclass(frozen=True)
class StandingCounts:
    """The five classes counted over any rows that carry a :class:`Standing` (the appendix)."""

    total: int = 0
    done: int = 0
    on_track: int = 0
    behind: int = 0
    overdue: int = 0
    not_started: int = 0

    @property
    def lagging(self) -> int:
        return self.behind + self.overdue + self.not_started

    @classmethod
    def of(cls, standings: Iterable[Standing]) -> StandingCounts:
        counts = dict.fromkeys(Standing, 0)
        for rank in standings:
            counts[Standing(rank)] += 1
        return cls(
            total=sum(counts.values()),
            done=counts[Standing.DONE],
            on_track=counts[Standing.ON_TRACK],
            behind=counts[Standing.BEHIND],
            overdue=counts[Standing.OVERDUE],
            not_started=counts[Standing.NOT_STARTED],
        )


def standing_sentence(summary: CompletionSummary | StandingCounts, lang: str | None = None) -> str:
    """ "đã hoàn thành 17/32 nhiệm vụ, 10 nhiệm vụ đang thực hiện đúng tiến độ, 5 … chậm tiến độ".

    "Chậm tiến độ" there is every task neither done nor on track, as a report
    counts it; the overdue and not-started among them are named in brackets.
    """
    text = t(
        "figures.sentence",
        lang,
        done=summary.done,
        total=summary.total,
        on_track=summary.on_track,
        lagging=summary.lagging,
    )
    if summary.overdue or summary.not_started:
        text += t(
            "figures.sentence.detail",
            lang,
            overdue=summary.overdue,
            not_started=summary.not_started,
        )
    return text
