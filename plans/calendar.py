"""The reporting calendar: which report is due when, and what data it covers.

Seed 003 states the rule: the quarterly report before the 10th of the
quarter's last month, the 6-month report before 10/6, the 9-month before 10/9
and the annual before 10/12.  We read "trước ngày 10" as "by the 10th" (the
10th is the ``submission_deadline``; reminders fire before it).  Seed 002 and
the national regime give the data window: from the 15th of the month before
the period to the 14th of its last month; the cumulative reports (6 tháng,
9 tháng, năm) count from 15/12 of the previous year.  The window therefore
ends a few days *after* the deadline: the last days are estimated, as the
real reports do.

Organizations differ, so every number lives in :class:`CalendarSettings`
(stored per organization as JSON through ``to_dict``/``from_dict``).

Overlaps.  Q2 and H1 share the 10/6 deadline, Q3 and M9 share 10/9, Q4 and
YEAR share 10/12: in practice a commune sends one report per deadline, the
cumulative one.  So ``CalendarSettings.report_kinds`` -- the reports actually
submitted -- defaults to (Q1, H1, M9, YEAR); ``periods_for_year`` still gives
all seven periods.  "Current period" at an instant is the period whose report
is being prepared: the one with the earliest submission deadline on or after
that day (a deadline is the end of its day).  When several chosen kinds share
that deadline, the cumulative one wins (H1 over Q2, M9 over Q3, YEAR over Q4).
"""

from __future__ import annotations

import calendar as _stdcal
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from locales import t
from plans.regex import lazy_compile

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class PeriodKind(StrEnum):
    """A reporting period (kỳ báo cáo)."""

    Q1 = "Q1"
    Q2 = "Q2"
    Q3 = "Q3"
    Q4 = "Q4"
    H1 = "H1"  # 6 tháng (đầu năm)
    M9 = "M9"  # 9 tháng
    YEAR = "Y"  # năm

    @property
    def first_month(self) -> int:
        """First calendar month the period covers nominally."""
        return _FIRST_MONTH[self]

    @property
    def last_month(self) -> int:
        """Last calendar month of the period (the month its report is due in)."""
        return _LAST_MONTH[self]

    @property
    def cumulative(self) -> bool:
        """True for reports counted from the start of the year (6 tháng, 9 tháng, năm)."""
        return self in (PeriodKind.H1, PeriodKind.M9, PeriodKind.YEAR)


_FIRST_MONTH = {
    PeriodKind.Q1: 1,
    PeriodKind.Q2: 4,
    PeriodKind.Q3: 7,
    PeriodKind.Q4: 10,
    PeriodKind.H1: 1,
    PeriodKind.M9: 1,
    PeriodKind.YEAR: 1,
}
_LAST_MONTH = {
    PeriodKind.Q1: 3,
    PeriodKind.Q2: 6,
    PeriodKind.Q3: 9,
    PeriodKind.Q4: 12,
    PeriodKind.H1: 6,
    PeriodKind.M9: 9,
    PeriodKind.YEAR: 12,
}
# Chronological order within a year, cumulative report after its quarter so that
# sorting puts "the one that wins a shared deadline" last.
ALL_KINDS: tuple[PeriodKind, ...] = (
    PeriodKind.Q1,
    PeriodKind.Q2,
    PeriodKind.H1,
    PeriodKind.Q3,
    PeriodKind.M9,
    PeriodKind.Q4,
    PeriodKind.YEAR,
)
DEFAULT_REPORT_KINDS: tuple[PeriodKind, ...] = (
    PeriodKind.Q1,
    PeriodKind.H1,
    PeriodKind.M9,
    PeriodKind.YEAR,
)
_ORDER = {k: i for i, k in enumerate(ALL_KINDS)}


@dataclass(frozen=True)
class CalendarSettings:
    """One organization's reporting calendar (defaults: seeds 002 and 003).

    ``submission_day``: day of the period's last month the report is due.
    ``window_start_day``: the data window opens on this day of the month
    before the period (cumulative reports: of December of the previous year).
    ``window_end_day``: the window closes on this day of the period's last month.
    ``report_kinds``: the reports this organization actually submits.
    ``timezone``: IANA name used to turn an instant into a local date.
    Days beyond a month's length are clamped to its last day.
    """

    submission_day: int = 10
    window_start_day: int = 15
    window_end_day: int = 14
    report_kinds: tuple[PeriodKind, ...] = DEFAULT_REPORT_KINDS
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        for name in ("submission_day", "window_start_day", "window_end_day"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= 31:
                raise ValueError(f"{name} must be a day of month 1..31, got {value!r}")
        kinds = tuple(PeriodKind(k) for k in self.report_kinds)
        if not kinds:
            raise ValueError("report_kinds must not be empty")
        object.__setattr__(self, "report_kinds", tuple(sorted(set(kinds), key=_ORDER.__getitem__)))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict for storage."""
        return {
            "submission_day": self.submission_day,
            "window_start_day": self.window_start_day,
            "window_end_day": self.window_end_day,
            "report_kinds": [str(k) for k in self.report_kinds],
            "timezone": self.timezone,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CalendarSettings:
        """Rebuild from ``to_dict`` output; missing keys take the defaults, unknown are ignored."""
        data = dict(data or {})
        kwargs: dict[str, Any] = {}
        for name in ("submission_day", "window_start_day", "window_end_day", "timezone"):
            if name in data:
                kwargs[name] = data[name]
        if "report_kinds" in data:
            kwargs["report_kinds"] = tuple(PeriodKind(k) for k in data["report_kinds"])
        return cls(**kwargs)

    @property
    def tzinfo(self) -> ZoneInfo:
        """The organization's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class ReportingPeriod:
    """One report: its kind and year, the data window and the submission deadline."""

    kind: PeriodKind
    year: int
    window_start: date
    window_end: date
    submission_deadline: date

    @property
    def code(self) -> str:
        """Stable code: ``2024-Q2``, ``2024-H1``, ``2024-M9``, ``2024-Y``."""
        return f"{self.year}-{self.kind.value}"

    @property
    def nominal_start(self) -> date:
        """First day of the period as a calendar reads it (1/4 for Q2)."""
        return date(self.year, self.kind.first_month, 1)

    @property
    def nominal_end(self) -> date:
        """Last day of the period as a calendar reads it (30/6 for Q2 and H1)."""
        m = self.kind.last_month
        return date(self.year, m, _stdcal.monthrange(self.year, m)[1])

    def contains(self, d: date) -> bool:
        """Tell whether ``d`` falls in the data window (both ends included)."""
        return self.window_start <= d <= self.window_end

    def label(self, lang: str | None = None) -> str:
        """Human name from the catalog: "Quý I năm 2024", "6 tháng đầu năm 2024"."""
        return t(f"periods.label.{self.kind.name.lower()}", lang, year=self.year)

    def short_label(self, lang: str | None = None) -> str:
        """Name without the year: "Quý I", "6 tháng"."""
        return t(f"periods.kind.{self.kind.name.lower()}", lang)


def _day(year: int, month: int, day: int) -> date:
    if month == 0:
        year, month = year - 1, 12
    return date(year, month, min(day, _stdcal.monthrange(year, month)[1]))


def period(
    kind: PeriodKind | str, year: int, settings: CalendarSettings | None = None
) -> ReportingPeriod:
    """Build one reporting period of ``year``."""
    return _period(PeriodKind(kind), year, settings or CalendarSettings())


@lru_cache(maxsize=4096)
def _period(kind: PeriodKind, year: int, s: CalendarSettings) -> ReportingPeriod:
    """Cached: completion asks for the same windows once per task (both types are frozen)."""
    last = kind.last_month
    start_month = 0 if kind.cumulative else kind.first_month - 1  # 0 = December of year-1
    return ReportingPeriod(
        kind=kind,
        year=year,
        window_start=_day(year, start_month, s.window_start_day),
        window_end=_day(year, last, s.window_end_day),
        submission_deadline=_day(year, last, s.submission_day),
    )


def periods_for_year(year: int, settings: CalendarSettings | None = None) -> list[ReportingPeriod]:
    """All seven periods of ``year`` in deadline order (quarter before its cumulative twin)."""
    return [period(k, year, settings) for k in ALL_KINDS]


def reports_for_year(
    year: int,
    settings: CalendarSettings | None = None,
    kinds: Iterable[PeriodKind] | None = None,
) -> list[ReportingPeriod]:
    """The periods actually reported in ``year`` (``settings.report_kinds`` unless ``kinds``)."""
    s = settings or CalendarSettings()
    chosen = _kinds(s, kinds)
    return [period(k, year, s) for k in ALL_KINDS if k in chosen]


def _kinds(s: CalendarSettings, kinds: Iterable[PeriodKind] | None) -> frozenset[PeriodKind]:
    chosen = frozenset(PeriodKind(k) for k in (kinds if kinds is not None else s.report_kinds))
    if not chosen:
        raise ValueError("no period kinds chosen")
    return chosen


def local_date(moment: date | datetime, settings: CalendarSettings | None = None) -> date:
    """The organization's local date of an instant (aware datetimes are converted)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone((settings or CalendarSettings()).tzinfo)
        return moment.date()
    return moment


def _upcoming(
    d: date, s: CalendarSettings, kinds: Iterable[PeriodKind] | None
) -> list[ReportingPeriod]:
    """Chosen periods with deadline >= d, in (deadline, cumulative-last) order."""
    chosen = _kinds(s, kinds)
    found: list[ReportingPeriod] = []
    for year in (d.year, d.year + 1):
        found.extend(p for p in reports_for_year(year, s, chosen) if p.submission_deadline >= d)
    found.sort(key=lambda p: (p.submission_deadline, _ORDER[p.kind]))
    return found


def current_period(
    moment: date | datetime,
    settings: CalendarSettings | None = None,
    kinds: Iterable[PeriodKind] | None = None,
) -> ReportingPeriod:
    """The period whose report is being prepared at ``moment``.

    That is the earliest deadline on or after the local date (the deadline day
    itself still belongs to it); among kinds sharing that deadline the
    cumulative one (H1, M9, YEAR) wins.  11/6 already belongs to the 9-month
    report.
    """
    s = settings or CalendarSettings()
    d = local_date(moment, s)
    upcoming = _upcoming(d, s, kinds)
    first = upcoming[0].submission_deadline
    return [p for p in upcoming if p.submission_deadline == first][-1]


def next_period(
    moment: date | datetime,
    settings: CalendarSettings | None = None,
    kinds: Iterable[PeriodKind] | None = None,
) -> ReportingPeriod:
    """The period after :func:`current_period` (the next distinct deadline)."""
    s = settings or CalendarSettings()
    current = current_period(moment, s, kinds)
    after = current.submission_deadline.toordinal() + 1
    return current_period(date.fromordinal(after), s, kinds)


def next_deadline(
    moment: date | datetime,
    settings: CalendarSettings | None = None,
    kinds: Iterable[PeriodKind] | None = None,
) -> date:
    """The next submission deadline on or after ``moment``'s local date."""
    return current_period(moment, settings, kinds).submission_deadline


def periods_due_on(
    deadline: date,
    settings: CalendarSettings | None = None,
    kinds: Iterable[PeriodKind] | None = None,
) -> list[ReportingPeriod]:
    """Chosen periods whose submission deadline is exactly ``deadline``."""
    s = settings or CalendarSettings()
    return [
        p for p in reports_for_year(deadline.year, s, kinds) if p.submission_deadline == deadline
    ]


def window_period(
    moment: date | datetime,
    settings: CalendarSettings | None = None,
    kinds: Iterable[PeriodKind] | None = None,
) -> ReportingPeriod:
    """The shortest period whose data window contains ``moment`` (default: a quarter).

    This is "the period in which an update counts" for recurring tasks when no
    report period is named.  Windows of consecutive quarters do not overlap and
    cover the year, so with the default kinds every day has exactly one.
    """
    s = settings or CalendarSettings()
    d = local_date(moment, s)
    chosen = _QUARTERS if kinds is None else _kinds(s, kinds)
    return _window_period(d, s, chosen)


_QUARTERS = frozenset({PeriodKind.Q1, PeriodKind.Q2, PeriodKind.Q3, PeriodKind.Q4})


@lru_cache(maxsize=4096)
def _window_period(d: date, s: CalendarSettings, chosen: frozenset[PeriodKind]) -> ReportingPeriod:
    """Cached core of :func:`window_period` (called for every recurring task of a summary)."""
    candidates = [
        p
        for year in (d.year, d.year + 1)
        for p in reports_for_year(year, s, chosen)
        if p.contains(d)
    ]
    if not candidates:
        raise ValueError(f"no reporting window contains {d}")
    return min(candidates, key=lambda p: (p.window_end - p.window_start, p.window_start))


# --- parsing "/baocao quy2 2024" ------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_CODE_RE = lazy_compile(r"^(\d{4})-(q[1-4]|h1|m9|y)$")
_YEAR_RE = lazy_compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_QUARTER_RE = lazy_compile(r"^(?:quy|q|quarter)(1|2|3|4|iv|iii|ii|i)$")
_H1 = {
    "6thang",
    "6thangdau",
    "6thangdaunam",
    "sauthang",
    "h1",
    "6t",
    "6m",
    "half",
    "firsthalf",
    "6months",
}
_M9 = {"9thang", "9thangdau", "9thangdaunam", "chinthang", "m9", "9t", "9m", "9months"}
_YEAR = {"nam", "canam", "y", "year", "fullyear", ""}
_PREFIXES = ("baocao", "bc", "ky")


def fold(text: str) -> str:
    """Lower-case ASCII fold of Vietnamese text ("Quý II" -> "quy ii")."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def parse_period_arg(text: str | None, default_year: int) -> tuple[PeriodKind, int] | None:
    """Read a period named in chat ("quý 2", "quy II 2024", "6 tháng", "2024-H1").

    Case and diacritics do not matter; a missing year is ``default_year``.
    Returns None for anything else (the handler then answers politely).
    """
    if text is None:
        return None
    folded = fold(text)
    if not folded:
        return None
    code = _CODE_RE.match(folded.replace(" ", ""))
    if code:
        return PeriodKind(code.group(2).upper()), int(code.group(1))
    years = _YEAR_RE.findall(folded)
    if len(years) > 1:
        return None
    year = int(years[0]) if years else default_year
    rest = _YEAR_RE.sub(" ", folded)
    compact = re.sub(r"[\s/\-_.,:]+", "", rest)
    for prefix in _PREFIXES:
        if compact.startswith(prefix) and compact != prefix:
            compact = compact[len(prefix) :]
            break
    if compact.endswith("nam") and compact not in _YEAR:
        compact = compact[: -len("nam")]
    if compact == "" and not years:
        return None
    m = _QUARTER_RE.match(compact)
    if m:
        token = m.group(1)
        number = int(token) if token.isdigit() else _ROMAN[token]
        return PeriodKind(f"Q{number}"), year
    if compact in _H1:
        return PeriodKind.H1, year
    if compact in _M9:
        return PeriodKind.M9, year
    if compact in _YEAR:
        return PeriodKind.YEAR, year
    return None
