"""Working days follow the holidays library's VN calendar plus Sat/Sun weekends."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from plans.workdays import (
    add_working_days,
    holiday_name,
    is_holiday,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def test_tet_2024_is_off_from_8_to_14_february():
    for d in _days(date(2024, 2, 8), date(2024, 2, 14)):
        assert not is_working_day(d), d
    assert is_working_day(date(2024, 2, 7))
    assert is_working_day(date(2024, 2, 15))
    assert holiday_name(date(2024, 2, 10)) is not None


def test_tet_2025_is_off_from_25_january_to_2_february():
    for d in _days(date(2025, 1, 25), date(2025, 2, 2)):
        assert not is_working_day(d), d
    assert is_working_day(date(2025, 1, 24))
    assert is_working_day(date(2025, 2, 3))


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_library_truth_is_respected(year):
    lib = holidays.country_holidays("VN", years=year)
    for d in lib:
        if d.year == year:
            assert is_holiday(d)
            assert not is_working_day(d)


def test_reunification_labour_day_and_national_day_2024():
    assert not is_working_day(date(2024, 4, 30))
    assert not is_working_day(date(2024, 5, 1))
    # 29/4/2024 was given off in exchange for working Saturday 4/5/2024.
    assert not is_working_day(date(2024, 4, 29))
    assert is_working_day(date(2024, 5, 4))
    assert not is_working_day(date(2024, 9, 2))
    assert not is_working_day(date(2024, 9, 3))
    assert previous_working_day(date(2024, 5, 1)) == date(2024, 4, 26)
    assert next_working_day(date(2024, 4, 27)) == date(2024, 5, 2)
    assert previous_working_day(date(2024, 9, 3)) == date(2024, 8, 30)


def test_weekends():
    assert not is_working_day(date(2024, 3, 9))  # Saturday
    assert not is_working_day(date(2024, 3, 10))  # Sunday
    assert is_working_day(date(2024, 3, 11))
    assert previous_working_day(date(2024, 3, 10)) == date(2024, 3, 8)
    assert next_working_day(date(2024, 3, 9)) == date(2024, 3, 11)


def test_working_day_maps_to_itself():
    d = date(2024, 6, 10)
    assert previous_working_day(d) == d == next_working_day(d)


def test_tet_2024_previous_and_next():
    assert previous_working_day(date(2024, 2, 10)) == date(2024, 2, 7)
    assert next_working_day(date(2024, 2, 10)) == date(2024, 2, 15)


def test_add_and_count_working_days():
    assert add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert add_working_days(date(2024, 2, 15), -1) == date(2024, 2, 7)
    assert add_working_days(date(2024, 2, 15), 0) == date(2024, 2, 15)
    assert working_days_between(date(2024, 2, 7), date(2024, 2, 15)) == 1
    assert working_days_between(date(2024, 2, 15), date(2024, 2, 7)) == 0


def test_year_boundary():
    assert not is_working_day(date(2025, 1, 1))
    assert previous_working_day(date(2025, 1, 1)) == date(2024, 12, 31)
