"""Vietnamese working days: the calendar reminders are moved onto.

Reminders that would fall on a weekend or a public holiday move to the
previous working day (DESIGN.md, "Reporting calendar").  Tết follows the lunar
calendar and the government publishes compensatory days off (and the Saturdays
worked in exchange) every year, so we do not keep our own table: the
maintained ``holidays`` library's VN calendar is the truth.  What it knows, we
know -- including swapped days such as 29/4/2024 (off) for 4/5/2024 (worked).

Weekends are Saturday and Sunday, except the Saturdays the library lists as
compensatory working days.  Holiday sets are built once per year and cached:
``holidays`` objects are mutable and lazily filled, so we only ever read the
frozen sets derived from them.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

log = logging.getLogger(__name__)

COUNTRY = "VN"
WEEKEND = frozenset({5, 6})  # Saturday, Sunday
_MAX_SCAN_DAYS = 60  # Tết plus weekends is ~9 days; anything near 60 is a bug


@lru_cache(maxsize=64)
def _year_calendar(year: int) -> tuple[frozenset[date], frozenset[date], dict[date, str]]:
    """Return (holidays, weekend working days, names) of one year, built once."""
    cal = _vietnam()(years=year)
    names = {d: str(name) for d, name in cal.items() if d.year == year}
    workdays = frozenset(
        d for d in getattr(cal, "weekend_workdays", ()) if isinstance(d, date) and d.year == year
    )
    return frozenset(names), workdays, names


@cache
def _vietnam() -> Any:
    """The library's Vietnam calendar class, loaded without the other 250 countries.

    ``holidays.countries`` imports every country when its package is imported
    (≈ 17 MiB resident, 390 modules, for the bot's whole life); the Vietnam
    module itself needs only the calendars and helpers (≈ 9 MiB). When the
    library is laid out differently, ask it the ordinary way.
    """
    name = "holidays.countries.vietnam"
    try:
        if name not in sys.modules:
            import holidays

            root = importlib.util.find_spec("holidays")
            assert root is not None and root.submodule_search_locations
            path = f"{next(iter(root.submodule_search_locations))}/countries/vietnam.py"
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
        return sys.modules[name].Vietnam
    except Exception:  # another layout: the library's own loader (all countries)
        log.debug("loading the Vietnam calendar directly failed", exc_info=True)
        import holidays

        return lambda years: holidays.country_holidays(COUNTRY, years=years)


def holiday_name(d: date) -> str | None:
    """Name the public holiday on ``d`` (library's English name), or None."""
    return _year_calendar(d.year)[2].get(d)


def is_holiday(d: date) -> bool:
    """Tell whether ``d`` is a public holiday or a compensatory day off."""
    return d in _year_calendar(d.year)[0]


def is_working_day(d: date) -> bool:
    """Tell whether offices work on ``d`` (not a weekend, not a holiday)."""
    days_off, weekend_workdays, _ = _year_calendar(d.year)
    if d in days_off:
        return False
    if d.weekday() in WEEKEND:
        return d in weekend_workdays
    return True


def previous_working_day(d: date) -> date:
    """Return ``d`` if it is a working day, else the closest working day before it."""
    return _scan(d, -1)


def next_working_day(d: date) -> date:
    """Return ``d`` if it is a working day, else the closest working day after it."""
    return _scan(d, +1)


def add_working_days(d: date, n: int) -> date:
    """Move ``n`` working days from ``d`` (negative goes back); ``n == 0`` returns ``d``."""
    step = 1 if n >= 0 else -1
    current = d
    for _ in range(abs(n)):
        current = _scan(current + timedelta(days=step), step)
    return current


def working_days_between(start: date, end: date) -> int:
    """Count working days in the half-open range ``(start, end]`` (0 if end <= start)."""
    count = 0
    current = start + timedelta(days=1)
    while current <= end:
        count += is_working_day(current)
        current += timedelta(days=1)
    return count


def _scan(d: date, step: int) -> date:
    current = d
    for _ in range(_MAX_SCAN_DAYS):
        if is_working_day(current):
            return current
        current += timedelta(days=step)
    raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days of {d}")
