from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.dates import parse_user_date

WED = date(2024, 11, 20)  # a Wednesday
FRI = date(2024, 11, 22)
SUN = date(2024, 11, 24)
LATE_DEC = date(2024, 12, 28)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # day/month
        ("30/6", WED, date(2025, 6, 30)),
        ("30/11", WED, date(2024, 11, 30)),
        ("20/11", WED, date(2024, 11, 20)),
        ("19/11", WED, date(2025, 11, 19)),
        ("30/6/2025", WED, date(2025, 6, 30)),
        ("30-6-2025", WED, date(2025, 6, 30)),
        ("30.6.2025", WED, date(2025, 6, 30)),
        ("30/06/25", WED, date(2025, 6, 30)),
        ("ngày 30/6", WED, date(2025, 6, 30)),
        ("Ngày 15/12.", WED, date(2024, 12, 15)),
        ("đến ngày 15/12", WED, date(2024, 12, 15)),
        ("gia hạn đến 30/12/2024", WED, date(2024, 12, 30)),
        ("trước 5/1", LATE_DEC, date(2025, 1, 5)),
        ("20 tháng 12", WED, date(2024, 12, 20)),
        ("ngày 20 tháng 12 năm 2025", WED, date(2025, 12, 20)),
        ("ngày 29/2", WED, date(2028, 2, 29)),
        # words
        ("hôm nay", WED, WED),
        ("hom nay", WED, WED),
        ("ngày mai", WED, date(2024, 11, 21)),
        ("Ngay mai", WED, date(2024, 11, 21)),
        ("mai", WED, date(2024, 11, 21)),
        ("mốt", WED, date(2024, 11, 22)),
        ("ngày mốt", WED, date(2024, 11, 22)),
        ("ngày kia", WED, date(2024, 11, 22)),
        ("ngày kìa", WED, date(2024, 11, 23)),
        # end of periods
        ("cuối tháng", WED, date(2024, 11, 30)),
        ("cuối tháng này", WED, date(2024, 11, 30)),
        ("cuoi thang nay", WED, date(2024, 11, 30)),
        ("cuối tháng sau", WED, date(2024, 12, 31)),
        ("cuối tháng sau", LATE_DEC, date(2025, 1, 31)),
        ("cuối tháng tới", date(2024, 1, 15), date(2024, 2, 29)),
        ("cuối quý", WED, date(2024, 12, 31)),
        ("cuối quý", date(2024, 2, 1), date(2024, 3, 31)),
        ("cuối quý sau", WED, date(2025, 3, 31)),
        ("cuối năm", WED, date(2024, 12, 31)),
        ("cuối năm sau", WED, date(2025, 12, 31)),
        ("cuối tuần", WED, SUN),
        ("cuối tuần", SUN, SUN),
        # weekdays
        ("thứ sáu tuần sau", WED, date(2024, 11, 29)),
        ("thu sau tuan sau", WED, date(2024, 11, 29)),
        ("thứ 6 tuần này", WED, FRI),
        ("T6 tuần sau", WED, date(2024, 11, 29)),
        ("t6 tuan toi", WED, date(2024, 11, 29)),
        ("T2 tuần sau", WED, date(2024, 11, 25)),
        ("thứ hai tuần này", WED, date(2024, 11, 18)),
        ("Thứ Bảy tuần sau nữa", WED, date(2024, 12, 7)),
        ("chủ nhật", WED, SUN),
        ("chu nhat", SUN, date(2024, 12, 1)),
        ("CN tuần sau", WED, date(2024, 12, 1)),
        ("thứ sáu", WED, FRI),
        ("thứ sáu", FRI, date(2024, 11, 29)),
        ("thứ tư", WED, date(2024, 11, 27)),
        ("thứ năm", WED, date(2024, 11, 21)),
        ("vào thứ 5", WED, date(2024, 11, 21)),
        ("tuần sau", WED, date(2024, 11, 25)),
        ("tuần sau", SUN, date(2024, 11, 25)),
        ("tuan toi", WED, date(2024, 11, 25)),
        # relative counts
        ("3 ngày nữa", WED, date(2024, 11, 23)),
        ("sau 5 ngày", WED, date(2024, 11, 25)),
        ("2 tuần nữa", WED, date(2024, 12, 4)),
        ("hai tuần nữa", WED, date(2024, 12, 4)),
        ("3 tuần sau", WED, date(2024, 12, 11)),
        ("1 tháng nữa", WED, date(2024, 12, 20)),
        ("1 tháng nữa", date(2024, 1, 31), date(2024, 2, 29)),
        ("một tháng nữa", WED, date(2024, 12, 20)),
        ("1 năm nữa", date(2024, 2, 29), date(2025, 2, 28)),
        # plan-style periods
        ("tháng 12", WED, date(2024, 12, 31)),
        ("tháng 7", WED, date(2025, 7, 31)),
        ("quý 1", WED, date(2025, 3, 31)),
        ("quý IV", WED, date(2024, 12, 31)),
        ("6 tháng cuối năm", WED, date(2024, 12, 31)),
        ("tháng 3/2025", WED, date(2025, 3, 31)),
        ("chiều thứ 6", WED, FRI),
        ("thứ 6 này", WED, FRI),
        ("thứ sáu tới", WED, FRI),
        ("thứ 6 tuần tới", WED, date(2024, 11, 29)),
        ("tối nay", WED, WED),
        ("sáng mai", WED, date(2024, 11, 21)),
        ("hôm qua", WED, date(2024, 11, 19)),
        ("hôm kia", WED, date(2024, 11, 18)),
        ("ngày 15", WED, date(2024, 12, 15)),
        ("ngày 20", WED, WED),
        ("mùng 5", WED, date(2024, 12, 5)),
        ("ngày 31", date(2024, 2, 10), date(2024, 3, 31)),
        ("mồng 10 tháng 12", WED, date(2024, 12, 10)),
        ("15/12 năm sau", WED, date(2025, 12, 15)),
        ("30/6 năm nay", WED, date(2024, 6, 30)),
        ("10 ngày tới", WED, date(2024, 11, 30)),
        ("cuối tháng 2", WED, date(2025, 2, 28)),
        # dateparser fallback
        ("tomorrow", WED, date(2024, 11, 21)),
        ("in 3 days", WED, date(2024, 11, 23)),
        ("15 December 2024", WED, date(2024, 12, 15)),
        # impossible or misread: None, never a guess
        ("31/2", WED, None),
        ("31/2/2025", WED, None),
        ("32/1", WED, None),
        ("30/13", WED, None),
        ("tháng 13/2024", WED, None),
        ("tháng 13", WED, None),
        ("quý 5", WED, None),
        ("9 giờ", WED, None),
        ("8h30", WED, None),
        ("9:30", WED, None),
        ("", WED, None),
        ("   ", WED, None),
        ("xyz", WED, None),
        ("chưa biết", WED, None),
        ("ngày 32", WED, None),
        ("15", WED, None),
        ("50", WED, None),
        ("100%", WED, None),
        ("15/3 lúc 9h", WED, None),
        ("tuần này", WED, None),
    ],
)
def test_parse_user_date(text, today, expected):
    assert parse_user_date(text, today) == expected


def test_day_month_never_in_the_past():
    for today in (date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 1), date(2024, 12, 31)):
        result = parse_user_date("30/6", today)
        assert result is not None
        assert result >= today
        assert (result.month, result.day) == (6, 30)


def test_dateparser_loads_at_warm_up_not_at_import():
    """Importing plans.dates stays light; warm_up() is what pays dateparser's load."""
    code = (
        "import sys, plans.dates\n"
        "if 'dateparser' in sys.modules: sys.exit(2)\n"
        "plans.dates.warm_up()\n"
        "sys.exit(0 if 'dateparser' in sys.modules else 3)\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=False)
    assert result.returncode == 0, {2: "loaded at import", 3: "not loaded by warm_up"}.get(
        result.returncode, result.returncode
    )


_USER_ALPHABET = st.sampled_from(
    [
        *"0123456789/-. \n",
        "ngày ",
        "thứ ",
        "tuần ",
        "sau ",
        "nữa ",
        "cuối ",
        "tháng ",
        "quý ",
        "năm ",
        "mai",
        "T",
        "giờ",
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(_USER_ALPHABET, max_size=8).map("".join),
    st.dates() | st.sampled_from([date.min, date.max, date(9999, 12, 1)]),
)
def test_never_raises(text, today):
    result = parse_user_date(text, today)
    assert result is None or isinstance(result, date)


@settings(max_examples=200, deadline=None, database=None)
@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)), st.dates())
def test_full_dates_are_exact(day, today):
    assert parse_user_date(f"{day.day}/{day.month}/{day.year}", today) == day
