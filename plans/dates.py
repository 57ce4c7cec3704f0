"""Dates typed by officers in chat ("30/6", "thứ sáu tuần sau", "3 ngày nữa").

Used for /giahan extensions and chat replies. Our own grammar reads the common
phrases, with or without diacritics; dateparser is only a fallback, and only
for wording it does not misread. Measured with dateparser 1.5 and
``languages=["vi"]``: it turns "9 giờ" into now + 9 h, "3 tuần sau" and
"T2 tuần sau" into one week from now, "tháng 13/2024" into 2024-01-03, and
returns None for every "Quý …", "Trước …", "3 ngày nữa" and "cuối tháng".
Impossible dates give None, never a guess.

Choices:
- "30/6" without a year is the next 30/6 on or after today; "ngày 15" / "mùng 5"
  the next such day of a month on or after today; "30/6 năm sau" next year's.
- A bare weekday ("thứ sáu", "chủ nhật") is the next such day strictly after
  today (said on a Friday, "thứ sáu" means next Friday; "hôm nay" is today);
  "thứ sáu tới" is the same coming Friday, "thứ sáu này" this week's.
  "... tuần này" is that day of the current Monday-Sunday week even if past;
  "... tuần sau/tới" the same day of next week; "... tuần sau nữa" the week after.
- "tuần sau"/"tuần tới" alone is next Monday (the start of that week).
- "cuối tuần" is this week's Sunday; "cuối tháng/quý/năm" the last day of the
  current one, "... sau/tới" of the next one.
- "N tháng nữa" keeps the day of month, clamped to the month's end.
- Period forms that plans use ("tháng 7", "quý III", "6 tháng cuối năm") go
  through the plan-deadline grammar: the last day of the period, the next such
  period when no year is written and this year's has passed.
"""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from plans.deadlines import DeadlineKind, parse_deadline
from plans.regex import lazy_compile
from plans.text import fold_spaces, nfc, normalize_tone_marks, strip_diacritics

log = logging.getLogger(__name__)

__all__ = ["parse_user_date", "warm_up"]

_DASHES_RE = lazy_compile("[\u2010-\u2015\u2212]")
_EDGE = " .,;:!?*\"'()"

_PREFIX_RE = lazy_compile(
    r"^(?:(?:xin\s+)?gia han|den|toi|truoc|han|vao|cho|doi|la|lui|hoan thanh|"
    r"sang|trua|chieu|dem)\b\s*"
)

_WEEKDAYS = {
    "hai": 0,
    "2": 0,
    "ba": 1,
    "3": 1,
    "tu": 2,
    "4": 2,
    "nam": 3,
    "5": 3,
    "sau": 4,
    "6": 4,
    "bay": 5,
    "7": 5,
}
_NUMBER_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}

_WEEKDAY_RE = lazy_compile(
    r"(?:(?:ngay|vao)\s+)?(?:thu\s*(hai|ba|tu|nam|sau|bay|[2-7])|t\s*([2-7])|(chu nhat|cn))"
    r"(?:\s+(tuan\s+(?:nay|sau nua|toi nua|sau|toi)|nay|toi))?"
)
_RELATIVE_RE = lazy_compile(
    r"(?:sau\s+)?(\d{1,3}|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)\s+"
    r"(ngay|tuan|thang|nam)(?:\s+(?:nua|toi|sau))?"
)
_DAY_MONTH_RE = lazy_compile(
    r"(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\2\s*(\d{4}|\d{2})|\s+nam\s+(nay|sau|toi))?"
)
_WORDY_RE = lazy_compile(
    r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|,|/)\s*(\d{4})|\s+nam\s+(nay|sau|toi))?"
)
# A bare number is not a date (it may be a percent): "ngày 15", "mùng 5" only.
_DAY_ONLY_RE = lazy_compile(r"(?:ngay|mung|mong)\s+(\d{1,2})")
_END_OF_RE = lazy_compile(r"cuoi\s+(tuan|thang|quy|nam)(?:\s+(nay|sau|toi))?")
# dateparser misreads hours, weeks and "T2"-style weekdays (see the module docstring);
# never ask it then.
_DATEPARSER_BLOCK_RE = lazy_compile(
    r"\b(?:gio|h|phut|tuan|week|hour|t[2-7]|quy|thang\s+\d{2,})\b|\d\s*(?:h|g|:)|\d{3,}"
)


def _key(text: str) -> str:
    key = strip_diacritics(normalize_tone_marks(nfc(text))).lower()
    key = _DASHES_RE.sub("-", key)
    return fold_spaces(key).strip(_EDGE)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_day_month(day: int, month: int, today: date) -> date | None:
    """The next `day`/`month` on or after today (29/2 waits for a leap year)."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _weekday(m: re.Match[str], today: date) -> date:
    if m.group(3):
        target = 6
    else:
        target = _WEEKDAYS[m.group(1) or m.group(2)]
    week = m.group(4)
    monday = today - timedelta(days=today.weekday())
    if week is None or week == "toi":  # "thứ sáu tới": the coming Friday
        ahead = (target - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if week.endswith("nay"):
        offset = 0
    elif week.endswith("nua"):
        offset = 2
    else:
        offset = 1
    return monday + timedelta(weeks=offset, days=target)


def _end_of(unit: str, which: str | None, today: date) -> date:
    nxt = which in ("sau", "toi")
    if unit == "tuan":
        sunday = today + timedelta(days=6 - today.weekday())
        return sunday + timedelta(weeks=1 if nxt else 0)
    if unit == "thang":
        base = _add_months(today.replace(day=1), 1 if nxt else 0)
        return _month_end(base.year, base.month)
    if unit == "quy":
        quarter_last_month = (today.month - 1) // 3 * 3 + 3
        base = _add_months(date(today.year, quarter_last_month, 1), 3 if nxt else 0)
        return _month_end(base.year, base.month)
    return date(today.year + (1 if nxt else 0), 12, 31)


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]


def _own_grammar(text: str, key: str, today: date) -> date | bool | None:
    """Our reading of `key`; False when no form matched (so a fallback may try)."""
    lowered = normalize_tone_marks(nfc(text)).lower()
    if m := re.fullmatch(r"(?:mung|mong)\s+(\d{1,2}\s+thang\s+.+)", key):
        key = m.group(1)
    if key in ("hom nay", "nay", "ngay hom nay", "trong ngay", "today"):
        return today
    if key in ("mai", "ngay mai", "sang mai", "chieu mai", "tomorrow"):
        return today + timedelta(days=1)
    if key == "ngay kia" and "kìa" in lowered:
        return today + timedelta(days=3)
    if key in ("mot", "ngay mot", "ngay kia"):
        return today + timedelta(days=2)
    if key == "hom qua":
        return today - timedelta(days=1)
    if key == "hom kia":  # "hôm kia" looks back: the day before yesterday
        return today - timedelta(days=3 if "kìa" in lowered else 2)
    if key in ("tuan sau", "tuan toi"):
        return today + timedelta(days=7 - today.weekday())
    if m := _END_OF_RE.fullmatch(key):
        return _end_of(m.group(1), m.group(2), today)
    if m := _WEEKDAY_RE.fullmatch(key):
        return _weekday(m, today)
    if m := _RELATIVE_RE.fullmatch(key):
        n = _number(m.group(1))
        unit = m.group(2)
        if unit == "ngay":
            return today + timedelta(days=n)
        if unit == "tuan":
            return today + timedelta(weeks=n)
        if unit == "thang":
            return _add_months(today, n)
        return _add_months(today, 12 * n)
    if m := _DAY_MONTH_RE.fullmatch(key):
        day, month = int(m.group(1)), int(m.group(3))
        if m.group(5):
            return _day_in_year(day, month, today.year + (m.group(5) != "nay"))
        if m.group(4) is None:
            if m.group(2) != "/":
                return False
            return _next_day_month(day, month, today)
        year = int(m.group(4)) + (2000 if len(m.group(4)) == 2 else 0)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if m := _WORDY_RE.fullmatch(key):
        day, month = int(m.group(1)), int(m.group(2))
        if m.group(4):
            return _day_in_year(day, month, today.year + (m.group(4) != "nay"))
        if m.group(3) is None:
            return _next_day_month(day, month, today)
        try:
            return date(int(m.group(3)), month, day)
        except ValueError:
            return None
    if m := _DAY_ONLY_RE.fullmatch(key):
        return _next_day_of_month(int(m.group(1)), today)
    return False


def _day_in_year(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_day_of_month(day: int, today: date) -> date | None:
    """ "ngày 15" / "mùng 5": that day of this month, or of the next month that has it."""
    if not 1 <= day <= 31:
        return None
    month_start = today.replace(day=1)
    for ahead in range(3):
        first = _add_months(month_start, ahead)
        if day <= calendar.monthrange(first.year, first.month)[1]:
            candidate = first.replace(day=day)
            if candidate >= today:
                return candidate
    return None


def _strip_prefixes(key: str) -> str:
    for _ in range(3):
        m = _PREFIX_RE.match(key)
        if not m:
            break
        key = key[m.end() :].strip(_EDGE)
    if m := re.match(r"(?:ngay|mung|mong)\s+(?=\d{1,2}\s*[/.-])", key):
        key = key[m.end() :]
    return key


def _dateparser_settings(today: date) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": datetime(today.year, today.month, today.day, 12, 0),
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }


def _dateparser(text: str, today: date) -> date | None:
    import dateparser  # lazy: 75-230 ms to import

    try:
        parsed = dateparser.parse(
            text, languages=["vi", "en"], settings=_dateparser_settings(today)
        )
    except Exception:  # dateparser raises assorted errors on odd input
        log.debug("dateparser failed on %r", text, exc_info=True)
        return None
    return parsed.date() if parsed is not None else None


def parse_user_date(text: str, today: date) -> date | None:
    """Read a date an officer typed; None when it is not (certainly) a real date."""
    try:
        return _parse_user_date(text, today)
    except (OverflowError, ValueError):  # arithmetic past year 1 or 9999
        return None


def _parse_user_date(text: str, today: date) -> date | None:
    if not text or not text.strip():
        return None
    key = _key(text)
    if not key:
        return None
    stripped = _strip_prefixes(key)
    for candidate in dict.fromkeys((key, stripped)):
        if not candidate:
            continue
        own = _own_grammar(text, candidate, today)
        if own is not False:
            assert own is not True
            return own

    # Period forms of plan deadlines: "tháng 7", "quý III", "6 tháng cuối năm", "31/12/2025".
    has_year = bool(re.search(r"\b\d{4}\b|/\s*\d{2}\b", stripped))
    deadline = parse_deadline(stripped, today.year)
    if deadline.kind is DeadlineKind.DATE and deadline.due_date is not None:
        if has_year or deadline.due_date >= today:
            return deadline.due_date
        later = parse_deadline(stripped, today.year + 1)
        return later.due_date if later.kind is DeadlineKind.DATE else None
    if deadline.kind is DeadlineKind.UNKNOWN and re.search(r"\d", stripped):
        # Our grammar knew the shape: only an impossible date ends up here with digits
        # in a date shape ("31/2", "tháng 13") — do not let dateparser guess.
        if re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}|\b(?:thang|quy)\s+\d", stripped):
            return None

    if _DATEPARSER_BLOCK_RE.search(stripped) or re.fullmatch(r"[\d\s%.,]+", stripped):
        return None
    return _dateparser(fold_spaces(nfc(text)), today)


def warm_up() -> None:
    """Import dateparser and run one parse, so the first officer reply is not slow."""
    _dateparser("ngày mai", date(2024, 1, 1))
