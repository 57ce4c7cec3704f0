"""Reporting calendar: seed 003 deadlines, seed 002 data windows, chat period names."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from plans.calendar import (
    ALL_KINDS,
    CalendarSettings,
    PeriodKind,
    current_period,
    next_deadline,
    next_period,
    parse_period_arg,
    period,
    periods_due_on,
    periods_for_year,
    reports_for_year,
    window_period,
)

EXPECTED = {
    # kind: (window start (month, prev-year?), window end month, deadline month)
    PeriodKind.Q1: ((12, True), 3, 3),
    PeriodKind.Q2: ((3, False), 6, 6),
    PeriodKind.Q3: ((6, False), 9, 9),
    PeriodKind.Q4: ((9, False), 12, 12),
    PeriodKind.H1: ((12, True), 6, 6),
    PeriodKind.M9: ((12, True), 9, 9),
    PeriodKind.YEAR: ((12, True), 12, 12),
}


@pytest.mark.parametrize("year", [2023, 2024, 2025])
@pytest.mark.parametrize("kind", list(PeriodKind))
def test_every_period_of_2023_to_2025(year, kind):
    p = period(kind, year)
    (start_month, prev), end_month, deadline_month = EXPECTED[kind]
    assert p.window_start == date(year - 1 if prev else year, start_month, 15)
    assert p.window_end == date(year, end_month, 14)
    assert p.submission_deadline == date(year, deadline_month, 10)
    assert p.kind is kind and p.year == year


def test_codes_and_labels():
    codes = [p.code for p in periods_for_year(2024)]
    assert codes == ["2024-Q1", "2024-Q2", "2024-H1", "2024-Q3", "2024-M9", "2024-Q4", "2024-Y"]
    labels = {p.kind: p.label("vi") for p in periods_for_year(2024)}
    assert labels[PeriodKind.Q1] == "Quý I năm 2024"
    assert labels[PeriodKind.Q4] == "Quý IV năm 2024"
    assert labels[PeriodKind.H1] == "6 tháng đầu năm 2024"
    assert labels[PeriodKind.M9] == "9 tháng năm 2024"
    assert labels[PeriodKind.YEAR] == "năm 2024"
    assert period(PeriodKind.H1, 2024).label("en") == "first half of 2024"
    assert period(PeriodKind.Q2, 2024).short_label("vi") == "Quý II"


def test_q1_window_starts_in_previous_year_and_holds_leap_day():
    q1 = period(PeriodKind.Q1, 2024)
    assert q1.window_start == date(2023, 12, 15)
    assert q1.contains(date(2023, 12, 15))
    assert q1.contains(date(2024, 2, 29))
    assert q1.contains(date(2024, 3, 14))
    assert not q1.contains(date(2024, 3, 15))
    assert not q1.contains(date(2023, 12, 14))
    assert period(PeriodKind.Q2, 2024).contains(date(2024, 3, 15))


def test_quarter_windows_tile_the_year_without_overlap():
    days = {}
    for year in (2024, 2025):
        for kind in (PeriodKind.Q1, PeriodKind.Q2, PeriodKind.Q3, PeriodKind.Q4):
            p = period(kind, year)
            d = p.window_start
            while d <= p.window_end:
                assert d not in days
                days[d] = p.code
                d = date.fromordinal(d.toordinal() + 1)
    start, end = date(2023, 12, 15), date(2025, 12, 14)
    assert len(days) == (end - start).days + 1


def test_nominal_bounds():
    assert period(PeriodKind.Q2, 2024).nominal_start == date(2024, 4, 1)
    assert period(PeriodKind.Q1, 2024).nominal_end == date(2024, 3, 31)
    assert period(PeriodKind.H1, 2023).nominal_end == date(2023, 6, 30)


def test_default_reports_are_one_per_deadline():
    assert [p.code for p in reports_for_year(2024)] == ["2024-Q1", "2024-H1", "2024-M9", "2024-Y"]
    assert [p.code for p in periods_due_on(date(2024, 6, 10))] == ["2024-H1"]
    both = periods_due_on(date(2024, 6, 10), kinds=ALL_KINDS)
    assert [p.code for p in both] == ["2024-Q2", "2024-H1"]
    assert periods_due_on(date(2024, 6, 11)) == []


@pytest.mark.parametrize(
    ("day", "current", "following"),
    [
        (date(2024, 1, 1), "2024-Q1", "2024-H1"),
        (date(2024, 3, 9), "2024-Q1", "2024-H1"),
        (date(2024, 3, 10), "2024-Q1", "2024-H1"),  # deadline day still belongs to it
        (date(2024, 3, 11), "2024-H1", "2024-M9"),
        (date(2024, 6, 10), "2024-H1", "2024-M9"),
        (date(2024, 6, 11), "2024-M9", "2024-Y"),
        (date(2024, 9, 10), "2024-M9", "2024-Y"),
        (date(2024, 12, 10), "2024-Y", "2025-Q1"),
        (date(2024, 12, 11), "2025-Q1", "2025-H1"),
        (date(2024, 12, 31), "2025-Q1", "2025-H1"),
    ],
)
def test_current_and_next_period_around_deadlines(day, current, following):
    assert current_period(day).code == current
    assert next_period(day).code == following
    assert next_deadline(day) == current_period(day).submission_deadline


def test_shared_deadline_prefers_cumulative_report():
    assert current_period(date(2024, 6, 1), kinds=ALL_KINDS).code == "2024-H1"
    assert current_period(date(2024, 9, 1), kinds=ALL_KINDS).code == "2024-M9"
    assert current_period(date(2024, 12, 1), kinds=ALL_KINDS).code == "2024-Y"
    quarters = (PeriodKind.Q1, PeriodKind.Q2, PeriodKind.Q3, PeriodKind.Q4)
    assert current_period(date(2024, 6, 1), kinds=quarters).code == "2024-Q2"
    assert next_period(date(2024, 6, 1), kinds=quarters).code == "2024-Q3"


def test_instant_is_read_in_local_time():
    # Hanoi is UTC+7: 10/6 16:30 UTC is 10/6 23:30 local, 10/6 17:30 UTC is 11/6 00:30.
    assert current_period(datetime(2024, 6, 10, 17, 30, tzinfo=UTC)).code == "2024-M9"
    assert current_period(datetime(2024, 6, 10, 16, 30, tzinfo=UTC)).code == "2024-H1"
    assert current_period(datetime(2024, 6, 10, 23, 59)).code == "2024-H1"  # naive = local


def test_window_period_is_the_quarter():
    assert window_period(date(2024, 2, 29)).code == "2024-Q1"
    assert window_period(date(2024, 12, 14)).code == "2024-Q4"
    assert window_period(date(2024, 12, 15)).code == "2025-Q1"
    assert (
        window_period(date(2024, 6, 12), kinds=[PeriodKind.H1, PeriodKind.YEAR]).code == "2024-H1"
    )


def test_settings_roundtrip_and_custom_rules():
    s = CalendarSettings(submission_day=5, window_start_day=1, window_end_day=31)
    again = CalendarSettings.from_dict(json.loads(json.dumps(s.to_dict())))
    assert again == s
    assert CalendarSettings.from_dict({}) == CalendarSettings()
    q2 = period(PeriodKind.Q2, 2024, s)
    assert q2.submission_deadline == date(2024, 6, 5)
    assert q2.window_start == date(2024, 3, 1)
    assert q2.window_end == date(2024, 6, 30)  # clamped to the month's length
    with pytest.raises(ValueError):
        CalendarSettings(submission_day=0)
    with pytest.raises(ValueError):
        CalendarSettings(report_kinds=())
    with pytest.raises(ValueError):
        CalendarSettings(timezone="Mars/Olympus")
    quarterly = CalendarSettings(report_kinds=("Q3", "Q1"))
    assert quarterly.report_kinds == (PeriodKind.Q1, PeriodKind.Q3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quy2", (PeriodKind.Q2, 2026)),
        ("quý 2", (PeriodKind.Q2, 2026)),
        ("Q2", (PeriodKind.Q2, 2026)),
        ("quy II 2024", (PeriodKind.Q2, 2024)),
        ("Quý IV/2023", (PeriodKind.Q4, 2023)),
        ("QUÝ III năm 2025", (PeriodKind.Q3, 2025)),
        ("quy i", (PeriodKind.Q1, 2026)),
        ("6thang", (PeriodKind.H1, 2026)),
        ("6 tháng", (PeriodKind.H1, 2026)),
        ("6 THÁNG ĐẦU NĂM 2024", (PeriodKind.H1, 2024)),
        ("9thang", (PeriodKind.M9, 2026)),
        ("9 tháng 2024", (PeriodKind.M9, 2024)),
        ("9 tháng đầu năm 2024", (PeriodKind.M9, 2024)),
        ("báo cáo quý 1", (PeriodKind.Q1, 2026)),
        ("Q3 2024", (PeriodKind.Q3, 2024)),
        ("nam", (PeriodKind.YEAR, 2026)),
        ("năm 2024", (PeriodKind.YEAR, 2024)),
        ("cả năm", (PeriodKind.YEAR, 2026)),
        ("2024-H1", (PeriodKind.H1, 2024)),
        ("2024-q2", (PeriodKind.Q2, 2024)),
        ("2024-M9", (PeriodKind.M9, 2024)),
        ("2024-Y", (PeriodKind.YEAR, 2024)),
        ("  Quy 3  ", (PeriodKind.Q3, 2026)),
    ],
)
def test_parse_period_arg(text, expected):
    assert parse_period_arg(text, 2026) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "quý 5",
        "quy",
        "xyz",
        "thang 3",
        "2023 2024",
        "quy 2 abc",
        "6 tháng cuối năm",
    ],
)
def test_parse_period_arg_rejects(text):
    assert parse_period_arg(text, 2026) is None
