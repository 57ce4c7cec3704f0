"""Which reports a commune owes, when, and who keeps each: the report calendar's entries.

The CCHC reports (Quý I, 6 tháng, 9 tháng, năm — seed 003) are not the only
ones the PAR INDEX scores: seed 000 lost 0,75 point (TCTP 3.6) for sending
the TTHC-control report late. So a report kind is an entry of its own: a
name, a rhythm (which periods it covers), a deadline day in the period's last
month, and an owner unit. The four CCHC reports are the default entry; the
TTHC-control, legal-document review, law-enforcement monitoring and
financial-autonomy reports are presets an organization switches on. The
same draft reminders and "sent" records apply to every entry.

Deadlines differ from one province to the next; the presets carry the
common ones and every field can be changed. Pure module: no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from locales import t
from plans.calendar import CalendarSettings, PeriodKind, ReportingPeriod
from plans.calendar import period as make_period

CCHC = "cchc"
DEFAULT_DRAFT_WORKING_DAYS = 3
MAX_DRAFT_WORKING_DAYS = 15

# Rhythm name → the periods of a year the report covers.
RHYTHMS: dict[str, tuple[PeriodKind, ...]] = {
    "cchc": (PeriodKind.Q1, PeriodKind.H1, PeriodKind.M9, PeriodKind.YEAR),
    "quarterly": (PeriodKind.Q1, PeriodKind.Q2, PeriodKind.Q3, PeriodKind.Q4),
    "half_yearly": (PeriodKind.H1, PeriodKind.YEAR),
    "yearly": (PeriodKind.YEAR,),
}


@dataclass(frozen=True, slots=True)
class ReportKind:
    """One entry of the report calendar."""

    key: str  # "cchc", "tthc", … (stable: sent-report records refer to it)
    rhythm: str  # a key of RHYTHMS
    deadline_day: int  # day of the period's last month (clamped to its length)
    owner_unit: str  # the unit that drafts it ("Văn phòng - Thống kê")
    name: str | None = None  # custom name; presets take theirs from the catalog

    def __post_init__(self) -> None:
        if self.rhythm not in RHYTHMS:
            raise ValueError(f"unknown rhythm {self.rhythm!r}")
        if not 1 <= int(self.deadline_day) <= 31:
            raise ValueError(f"deadline day must be 1..31, got {self.deadline_day!r}")

    def label(self, lang: str | None = None) -> str:
        """'Báo cáo CCHC', 'Báo cáo kiểm soát TTHC', or the custom name."""
        if self.name:
            return self.name
        return t(f"reportcycle.kind.{self.key}", lang)

    def periods(self, year: int, calendar: CalendarSettings) -> list[ReportingPeriod]:
        """The reports of this kind in ``year``, each with its own deadline."""
        settings = _with_day(calendar, self.deadline_day)
        return [make_period(kind, year, settings) for kind in RHYTHMS[self.rhythm]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rhythm": self.rhythm,
            "deadline_day": self.deadline_day,
            "owner_unit": self.owner_unit,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportKind:
        return cls(
            key=str(data["key"]),
            rhythm=str(data["rhythm"]),
            deadline_day=int(data["deadline_day"]),
            owner_unit=str(data.get("owner_unit") or ""),
            name=data.get("name") or None,
        )


def _with_day(calendar: CalendarSettings, day: int) -> CalendarSettings:
    return CalendarSettings(
        submission_day=day,
        window_start_day=calendar.window_start_day,
        window_end_day=calendar.window_end_day,
        report_kinds=calendar.report_kinds,
        timezone=calendar.timezone,
    )


def cchc_default(calendar: CalendarSettings | None = None) -> ReportKind:
    """The CCHC reports under the organization's calendar (deadline day 10 by default)."""
    day = (calendar or CalendarSettings()).submission_day
    return ReportKind(CCHC, "cchc", day, "Văn phòng - Thống kê")


# Ready presets: switched on with /loaibaocao them <key>.
PRESETS: dict[str, ReportKind] = {
    # Thông tư 02/2017/TT-VPCP: kiểm soát TTHC, quarterly (PAR INDEX TCTP 3.6).
    "tthc": ReportKind("tthc", "quarterly", 15, "Văn phòng - Thống kê"),
    # Nghị định 34/2016/NĐ-CP: rà soát, hệ thống hóa văn bản QPPL, yearly.
    "ra_soat_vbqppl": ReportKind("ra_soat_vbqppl", "yearly", 5, "Tư pháp - Hộ tịch"),
    # Nghị định 32/2020/NĐ-CP: theo dõi tình hình thi hành pháp luật, yearly.
    "thi_hanh_phap_luat": ReportKind("thi_hanh_phap_luat", "yearly", 5, "Tư pháp - Hộ tịch"),
    # Nghị định 130/2005/NĐ-CP: tự chủ, tự chịu trách nhiệm về tài chính, yearly.
    "tu_chu_tai_chinh": ReportKind("tu_chu_tai_chinh", "yearly", 10, "Tài chính - Kế toán"),
}


@dataclass(frozen=True, slots=True)
class DueReport:
    """One report of one kind: the kind and its period (with the deadline)."""

    kind: ReportKind
    period: ReportingPeriod

    @property
    def deadline(self) -> date:
        return self.period.submission_deadline

    @property
    def code(self) -> str:
        return self.period.code

    def label(self, lang: str | None = None) -> str:
        """'Báo cáo CCHC 6 tháng đầu năm 2024'."""
        return t(
            "reportcycle.report_label",
            lang,
            kind=self.kind.label(lang),
            period=self.period.label(lang),
        )


def due_reports(
    kinds: list[ReportKind], calendar: CalendarSettings, years: tuple[int, ...]
) -> list[DueReport]:
    """Every report of ``kinds`` in ``years``, by deadline."""
    found = [DueReport(k, p) for k in kinds for y in years for p in k.periods(y, calendar)]
    return sorted(found, key=lambda d: (d.deadline, d.kind.key, d.period.code))


def report_to_mark(
    kinds: list[ReportKind],
    calendar: CalendarSettings,
    kind_key: str,
    today: date,
    sent_codes: set[str],
    *,
    late_grace_days: int = 45,
) -> DueReport | None:
    """The report of ``kind_key`` a "sent" record on ``today`` is about.

    The oldest report whose deadline passed less than ``late_grace_days``
    ago and has no record (a late one); else the next one due.
    """
    matching = [k for k in kinds if k.key == kind_key]
    if not matching:
        return None
    reports = due_reports(matching, calendar, (today.year - 1, today.year, today.year + 1))
    for report in reports:
        if report.code in sent_codes:
            continue
        if (today - report.deadline).days > late_grace_days:
            continue
        return report
    return None


def draft_days(
    deadline: date, working_days: int, is_working: Callable[[date], bool]
) -> tuple[date, date]:
    """(early draft day, day before) for a deadline: N working days before, and the
    working day before the deadline."""
    from datetime import timedelta

    day = deadline
    counted = 0
    while counted < working_days:
        day -= timedelta(days=1)
        if is_working(day):
            counted += 1
    before = deadline - timedelta(days=1)
    while not is_working(before):
        before -= timedelta(days=1)
    return day, before


# --------------------------------------------------------------------------- district wording


class _SentReport(Protocol):
    """A commune's last report as ``storage.reports.CommuneLine`` carries it."""

    @property
    def last_period(self) -> ReportingPeriod | None: ...
    @property
    def report_status(self) -> str | None: ...  # storage.report_records.SentStatus value
    @property
    def report_number(self) -> str | None: ...
    @property
    def report_sent_on(self) -> date | None: ...
    @property
    def missing(self) -> int: ...


def short_period(p: ReportingPeriod, lang: str) -> str:
    """'Quý I/2024' for a quarter, else the full label ('6 tháng đầu năm 2024')."""
    if p.kind.value.startswith("Q"):
        return t("reportcycle.period_short", lang, kind=p.short_label(lang), year=p.year)
    return str(p.label(lang))


def district_report_text(c: _SentReport, lang: str) -> str:
    """'Quý I/2024: đã gửi đúng hạn (số 12/BC-UBND); 2 nhiệm vụ chưa cập nhật số liệu'.

    ``c`` is a ``storage.reports.CommuneLine`` (the district view and the Mini
    App say the same); the status comes from the sent-report record, the count
    from the tasks that owed a figure.
    """
    if c.last_period is None or c.report_status is None:
        return t("chairman.district.report_unknown", lang)
    parts = [
        t(
            f"reportcycle.district.{c.report_status}",
            lang,
            period=short_period(c.last_period, lang),
            number=c.report_number or "",
            date=c.report_sent_on.strftime("%d/%m/%Y") if c.report_sent_on else "",
        )
    ]
    if c.missing:
        parts.append(t("reportcycle.district.missing", lang, missing=c.missing))
    return "; ".join(parts)
