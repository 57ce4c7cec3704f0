from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.deadlines import Deadline, DeadlineKind, parse_deadline

D, R, E, U = DeadlineKind.DATE, DeadlineKind.RECURRING, DeadlineKind.EVENT, DeadlineKind.UNKNOWN

# Every deadline text in the seeds (003 Vĩnh Khê 2024 plan, 002 Kim Thạch 2023 report,
# 001 Hướng Hóa 2021 plan), with the plan year the importer would pass.
SEED_CASES = [
    ("Tháng 1/2024", 2024, D, date(2024, 1, 31)),
    ("Quý I/2024", 2024, D, date(2024, 3, 31)),
    ("Tháng 2/2024", 2024, D, date(2024, 2, 29)),
    ("Định kỳ", 2024, R, None),
    ("Quý IV", 2024, D, date(2024, 12, 31)),
    ("Thường xuyên", 2024, R, None),
    ("Trước 31/12/2023", 2024, D, date(2023, 12, 31)),
    ("Tháng 02/2024", 2024, D, date(2024, 2, 29)),
    ("Tháng 12/2024", 2024, D, date(2024, 12, 31)),
    ("Tháng 01/2023", 2023, D, date(2023, 1, 31)),
    ("Tháng 02/2023", 2023, D, date(2023, 2, 28)),
    ("Quý 2/2023", 2023, D, date(2023, 6, 30)),
    ("Tháng 1/2023", 2023, D, date(2023, 1, 31)),
    ("Năm 2023", 2023, D, date(2023, 12, 31)),
    ("Theo kế hoạch \nkiểm tra của \ncấp trên ", 2023, E, None),
    ("trước ngày 30/8/2021", 2021, D, date(2021, 8, 30)),
    ("trước ngày 10/6", 2024, D, date(2024, 6, 10)),
    ("trước ngày 10/9", 2024, D, date(2024, 9, 10)),
    ("trước ngày 10/12", 2024, D, date(2024, 12, 10)),
]

VARIANT_CASES = [
    # months
    ("tháng 02/2023", None, D, date(2023, 2, 28)),
    ("Tháng 12", 2024, D, date(2024, 12, 31)),
    ("THÁNG 6/2024", None, D, date(2024, 6, 30)),
    ("Tháng 12 năm 2024", None, D, date(2024, 12, 31)),
    ("T12/2024", None, D, date(2024, 12, 31)),
    ("12/2024", None, D, date(2024, 12, 31)),
    ("cuối tháng 6/2024", None, D, date(2024, 6, 30)),
    ("trong tháng 5", 2024, D, date(2024, 5, 31)),
    ("tháng 2/2023.", None, D, date(2023, 2, 28)),
    ("**Tháng 1/2024**", None, D, date(2024, 1, 31)),
    ("thang 3/2024", None, D, date(2024, 3, 31)),
    # quarters
    ("Quý 2/2023", None, D, date(2023, 6, 30)),
    ("Quý IV", 2023, D, date(2023, 12, 31)),
    ("quý III năm 2024", None, D, date(2024, 9, 30)),
    ("Quý I năm 2024", None, D, date(2024, 3, 31)),
    ("Quy I/2024", None, D, date(2024, 3, 31)),
    ("QUY II/2024", None, D, date(2024, 6, 30)),
    ("quý iv/2023", None, D, date(2023, 12, 31)),
    ("Quý 4 - 2024", None, D, date(2024, 12, 31)),
    ("Q3/2024", None, D, date(2024, 9, 30)),
    ("Quý  I /\n2024", None, D, date(2024, 3, 31)),
    ("cuối quý II", 2024, D, date(2024, 6, 30)),
    # prefixes
    ("Trước 31/12/2023", None, D, date(2023, 12, 31)),
    ("Chậm nhất ngày 15/3/2024", None, D, date(2024, 3, 15)),
    ("chậm nhất là ngày 15/3/2024", None, D, date(2024, 3, 15)),
    ("Hạn 30/6", 2025, D, date(2025, 6, 30)),
    ("Hạn chót: 30/6/2025", None, D, date(2025, 6, 30)),
    ("Trước tháng 6/2024", None, D, date(2024, 5, 31)),
    ("trước quý III/2024", None, D, date(2024, 6, 30)),
    ("Trước năm 2025", None, D, date(2024, 12, 31)),
    ("Trước cuối năm", 2024, D, date(2024, 12, 31)),
    ("Đến 30/9/2024", None, D, date(2024, 9, 30)),
    # halves, years
    ("Năm 2023", None, D, date(2023, 12, 31)),
    ("năm 2024", 2023, D, date(2024, 12, 31)),
    ("2024", None, D, date(2024, 12, 31)),
    ("Trong năm 2024", None, D, date(2024, 12, 31)),
    ("Năm 2023-2025", None, D, date(2025, 12, 31)),
    ("Giai đoạn 2021 – 2025", None, D, date(2025, 12, 31)),
    ("6 tháng đầu năm", 2024, D, date(2024, 6, 30)),
    ("6 tháng đầu năm 2023", None, D, date(2023, 6, 30)),
    ("6 tháng cuối năm", 2024, D, date(2024, 12, 31)),
    ("Sáu tháng cuối năm 2024", None, D, date(2024, 12, 31)),
    ("9 tháng", 2024, D, date(2024, 9, 30)),
    ("9 tháng đầu năm 2024", None, D, date(2024, 9, 30)),
    ("Nửa đầu năm 2024", None, D, date(2024, 6, 30)),
    ("Cuối năm", 2024, D, date(2024, 12, 31)),
    ("cuối năm 2023", None, D, date(2023, 12, 31)),
    ("Giữa năm", 2024, D, date(2024, 6, 30)),
    ("Đầu năm", 2024, D, date(2024, 3, 31)),
    # full dates
    ("31/12/2024", None, D, date(2024, 12, 31)),
    ("15-3-2024", None, D, date(2024, 3, 15)),
    ("15.3.2024", None, D, date(2024, 3, 15)),
    ("15/03/24", None, D, date(2024, 3, 15)),
    ("2024-03-15", None, D, date(2024, 3, 15)),
    ("ngày 20 tháng 11 năm 2024", None, D, date(2024, 11, 20)),
    ("Ngày 20 tháng 11", 2024, D, date(2024, 11, 20)),
    ("29/2/2024", None, D, date(2024, 2, 29)),
    ("15 March 2024", None, D, date(2024, 3, 15)),
    # lists and ranges
    ("Tháng 3-4/2024", None, D, date(2024, 4, 30)),
    ("Tháng 3 – 4/2024", None, D, date(2024, 4, 30)),
    ("Tháng 1, 2/2024", None, D, date(2024, 2, 29)),
    ("Quý I, II", 2024, D, date(2024, 6, 30)),
    ("Quý I, II/2024", None, D, date(2024, 6, 30)),
    ("quý 1 và quý 2 năm 2024", None, D, date(2024, 6, 30)),
    ("Quý II, I/2024", None, D, date(2024, 6, 30)),
    ("Từ tháng 1 đến tháng 6/2024", None, D, date(2024, 6, 30)),
    ("Tháng 11/2023 - tháng 2/2024", None, D, date(2024, 2, 29)),
    ("Tháng 2/2024, tháng 4/2024", None, D, date(2024, 4, 30)),
    ("Quý I/2024; Quý III/2024", None, D, date(2024, 9, 30)),
    ("Tháng 3/2024 (hoàn thành dự thảo)", None, D, date(2024, 3, 31)),
    ("Quý I đến Quý III", 2024, D, date(2024, 9, 30)),
    ("Quý III, IV năm 2024", None, D, date(2024, 12, 31)),
    ("Quý I,II,III,IV", 2024, D, date(2024, 12, 31)),
    ("quý II - III/2024", None, D, date(2024, 9, 30)),
    ("Tháng 12/2023 đến tháng 3/2024", None, D, date(2024, 3, 31)),
    ("Tháng 2 - 3", 2024, D, date(2024, 3, 31)),
    ("Tháng 5, 2024", None, D, date(2024, 5, 31)),
    ("Tháng1/2024", None, D, date(2024, 1, 31)),
    ("Quý1/2024", None, D, date(2024, 3, 31)),
    ("QuýI/2024", None, D, date(2024, 3, 31)),
    ("Quí I/2024", None, D, date(2024, 3, 31)),
    ("hết quý II", 2024, D, date(2024, 6, 30)),
    ("Quý I/2024\nQuý II/2024", None, D, date(2024, 6, 30)),
    ("Từ 01/01/2024 đến 31/3/2024", None, D, date(2024, 3, 31)),
    ("01/01/2024 - 31/03/2024", None, D, date(2024, 3, 31)),
    ("Từ 1/3 đến 31/5/2024", None, D, date(2024, 5, 31)),
    ("Trước 15/1/2024 và 15/7/2024", None, D, date(2024, 7, 15)),
    ("Từ 1/3 đến 31/2/2024", None, U, None),
    ("Từ 1/3 đến 30/4", None, U, None),
    ("Đầu tháng 3/2024", None, U, None),
    # recurring
    ("thuong xuyen", None, R, None),
    ("THƯỜNG XUYÊN", None, R, None),
    ("Thường  xuyên.", None, R, None),
    ("Định kỳ", None, R, None),
    ("dinh ky", None, R, None),
    ("Hằng quý", None, R, None),
    ("Hàng quý", None, R, None),
    ("Hằng tháng", None, R, None),
    ("Hàng năm", 2024, R, None),
    ("Hằng năm", 2024, R, None),
    ("Định kỳ hằng quý", 2024, R, None),
    ("Định kỳ 6 tháng/lần", 2024, R, None),
    ("Liên tục", 2024, R, None),
    ("Hàng tháng, hàng quý", 2024, R, None),
    ("Ngày 15 hằng tháng", 2024, R, None),
    ("Thứ 6 hàng tuần", 2024, R, None),
    ("Thường xuyên (báo cáo hằng quý)", 2024, R, None),
    ("Thường xuyên; báo cáo trước 10/12", 2024, R, date(2024, 12, 10)),
    ("Thường xuyên; báo cáo trước 10/12", None, R, None),
    ("Thường xuyên, Quý I/2024", None, R, date(2024, 3, 31)),
    ("Định kỳ hằng quý; báo cáo năm trước 10/12/2024", None, R, date(2024, 12, 10)),
    # on event
    ("Theo kế hoạch kiểm tra của cấp trên", 2024, E, None),
    ("Khi có yêu cầu", 2024, E, None),
    ("Theo chỉ đạo", 2024, E, None),
    ("theo chi dao cua UBND huyen", 2024, E, None),
    ("Theo yêu cầu của cấp trên", 2024, E, None),
    ("Khi phát sinh", 2024, E, None),
    ("Sau khi có hướng dẫn", 2024, E, None),
    # no year available
    ("Tháng 12", None, U, None),
    ("Quý IV", None, U, None),
    ("Quý I, II", None, U, None),
    ("Hạn 30/6", None, U, None),
    ("6 tháng đầu năm", None, U, None),
    ("Cuối năm", None, U, None),
    # impossible: never a guess
    ("31/2/2024", 2024, U, None),
    ("30/2", 2024, U, None),
    ("32/1/2024", 2024, U, None),
    ("tháng 13/2024", 2024, U, None),
    ("Tháng 0/2024", 2024, U, None),
    ("Quý V/2024", 2024, U, None),
    ("Quý 5/2024", 2024, U, None),
    ("Trước 31/4/2024", 2024, U, None),
    ("ngày 31 tháng 6 năm 2024", 2024, U, None),
    ("Năm 2025-2023", 2024, U, None),
    # not a deadline
    ("", 2024, U, None),
    ("   ", 2024, U, None),
    ("xyz", 2024, U, None),
    ("Kinh phí hoạt động thường", 2024, U, None),
    ("abc 2024 def", 2024, U, None),
    ("9 giờ", 2024, U, None),
]


@pytest.mark.parametrize(("text", "year", "kind", "due"), SEED_CASES + VARIANT_CASES)
def test_parse_deadline(text, year, kind, due):
    result = parse_deadline(text, year)
    assert (result.kind, result.due_date) == (kind, due)


def test_keeps_original_text_nfc_and_stripped():
    raw = unicodedata.normalize("NFD", "  Quý I/2024 \n")
    result = parse_deadline(raw, None)
    assert result == Deadline("Quý I/2024", DeadlineKind.DATE, date(2024, 3, 31))
    assert result.text == unicodedata.normalize("NFC", result.text)


def test_unknown_keeps_text():
    assert parse_deadline("tháng 13/2024", 2024) == Deadline("tháng 13/2024", DeadlineKind.UNKNOWN)


def test_none_is_unknown_with_empty_text():
    assert parse_deadline(None) == Deadline("", DeadlineKind.UNKNOWN)


def test_decomposed_and_old_style_tone_marks():
    text = unicodedata.normalize("NFD", "Thường xuyên")
    assert parse_deadline(text).kind is DeadlineKind.RECURRING


def test_explicit_year_in_text_wins_over_plan_year():
    assert parse_deadline("Quý 2/2023", 2030).due_date == date(2023, 6, 30)


def test_kind_is_a_str_enum():
    assert DeadlineKind.DATE == "date"
    assert str(DeadlineKind.RECURRING) == "recurring"


def test_import_does_not_load_dateparser():
    code = "import sys, plans.deadlines; sys.exit('dateparser' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=False)
    assert result.returncode == 0


_DEADLINE_ALPHABET = st.sampled_from(
    [
        *"0123456789/-.,; \nIVXivxQqTt()",
        "Tháng ",
        "Quý ",
        "năm ",
        "Trước ",
        "ngày ",
        "đến ",
        "Từ ",
        "thường xuyên",
        "hằng ",
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_DEADLINE_ALPHABET, max_size=12).map("".join), st.none() | st.integers(2000, 2040))
def test_never_raises_and_is_consistent(text, year):
    result = parse_deadline(text, year)
    assert isinstance(result, Deadline)
    if result.kind is DeadlineKind.DATE:
        assert result.due_date is not None
    if result.kind in (DeadlineKind.EVENT, DeadlineKind.UNKNOWN):
        assert result.due_date is None


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=40), st.none() | st.integers(2000, 2040))
def test_never_raises_on_any_text(text, year):
    assert isinstance(parse_deadline(text, year), Deadline)


@settings(max_examples=200, deadline=None, database=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_full_dates_round_trip(day):
    for text in (f"{day.day}/{day.month}/{day.year}", f"{day.day:02d}-{day.month:02d}-{day.year}"):
        assert parse_deadline(text).due_date == day
        assert parse_deadline(f"Trước ngày {text}").due_date == day


# --- issue 12 §3: phrases the grammar used to miss, and several milestones ---------------


# (text, plan year, kind, due date, every milestone's due date)
MILESTONE_CASES = [
    # a year, then every year
    ("Năm 2024 và các năm tiếp theo", 2024, R, date(2024, 12, 31), [date(2024, 12, 31)]),
    ("Nam 2025 va cac nam tiep theo", None, R, date(2025, 12, 31), [date(2025, 12, 31)]),
    ("Từ năm 2024 trở đi", None, R, date(2024, 12, 31), [date(2024, 12, 31)]),
    ("Năm 2023 và những năm sau", None, R, date(2023, 12, 31), [date(2023, 12, 31)]),
    # the whole year
    ("Cả năm", 2024, D, date(2024, 12, 31), [date(2024, 12, 31)]),
    ("Ca nam", 2023, D, date(2023, 12, 31), [date(2023, 12, 31)]),
    ("Cả năm 2025", None, D, date(2025, 12, 31), [date(2025, 12, 31)]),
    ("Suốt năm", 2024, D, date(2024, 12, 31), [date(2024, 12, 31)]),
    ("Trong năm", 2024, D, date(2024, 12, 31), [date(2024, 12, 31)]),
    ("Cả năm", None, U, None, []),
    # the start / middle of a quarter
    ("Đầu quý III", 2024, D, date(2024, 7, 31), [date(2024, 7, 31)]),
    ("Dau quy 3", 2024, D, date(2024, 7, 31), [date(2024, 7, 31)]),
    ("Đầu quý I/2025", 2024, D, date(2025, 1, 31), [date(2025, 1, 31)]),
    ("Đầu Quý IV năm 2023", None, D, date(2023, 10, 31), [date(2023, 10, 31)]),
    ("Giữa quý II", 2024, D, date(2024, 5, 31), [date(2024, 5, 31)]),
    ("Trước đầu quý III", 2024, D, date(2024, 6, 30), [date(2024, 6, 30)]),
    ("Đầu quý V", 2024, U, None, []),
    # the 10th of each quarter's last month: every quarter, four milestones
    (
        "Trước ngày 10 tháng cuối quý",
        2024,
        R,
        date(2024, 12, 10),
        [date(2024, 3, 10), date(2024, 6, 10), date(2024, 9, 10), date(2024, 12, 10)],
    ),
    (
        "truoc ngay 10 thang cuoi quy",
        2023,
        R,
        date(2023, 12, 10),
        [date(2023, 3, 10), date(2023, 6, 10), date(2023, 9, 10), date(2023, 12, 10)],
    ),
    (
        "Chậm nhất ngày 15 của tháng cuối mỗi quý",
        2024,
        R,
        date(2024, 12, 15),
        [date(2024, 3, 15), date(2024, 6, 15), date(2024, 9, 15), date(2024, 12, 15)],
    ),
    (
        "Trước ngày 5 tháng đầu quý sau",
        2024,
        R,
        date(2025, 1, 5),
        [date(2024, 4, 5), date(2024, 7, 5), date(2024, 10, 5), date(2025, 1, 5)],
    ),
    (
        "Ngày 31 tháng giữa quý",
        2024,
        R,
        date(2024, 11, 30),
        [date(2024, 2, 29), date(2024, 5, 31), date(2024, 8, 31), date(2024, 11, 30)],
    ),
    ("Trước ngày 10 tháng cuối quý", None, R, None, []),
    ("Trước ngày 40 tháng cuối quý", 2024, U, None, []),
    # weeks of a month
    ("Tuần đầu tháng 4/2024", None, D, date(2024, 4, 7), [date(2024, 4, 7)]),
    ("Tuan dau thang 4/2024", None, D, date(2024, 4, 7), [date(2024, 4, 7)]),
    ("Tuần đầu tiên của tháng 10", 2024, D, date(2024, 10, 7), [date(2024, 10, 7)]),
    ("Tuần thứ 2 tháng 3/2025", None, D, date(2025, 3, 14), [date(2025, 3, 14)]),
    ("Tuần thứ hai tháng 3/2025", None, D, date(2025, 3, 14), [date(2025, 3, 14)]),
    ("Tuần cuối tháng 2/2024", None, D, date(2024, 2, 29), [date(2024, 2, 29)]),
    ("Tuần 5 tháng 2/2023", None, U, None, []),
    ("Tuần đầu tháng 4", None, U, None, []),
    ("Giữa tháng 6/2024", None, D, date(2024, 6, 15), [date(2024, 6, 15)]),
    ("Trước ngày 10 tháng cuối năm", 2024, D, date(2024, 12, 10), [date(2024, 12, 10)]),
    ("Ngày 15 tháng đầu năm 2025", None, D, date(2025, 1, 15), [date(2025, 1, 15)]),
    # a date in brackets is the deadline (read as "Trước ngày X" is: that day)
    ("Tháng 12/2024 (trước ngày 15/12)", None, D, date(2024, 12, 15), [date(2024, 12, 15)]),
    ("Thang 12/2024 (truoc ngay 15/12)", 2023, D, date(2024, 12, 15), [date(2024, 12, 15)]),
    ("Quý II (chậm nhất 20/6)", 2024, D, date(2024, 6, 20), [date(2024, 6, 20)]),
    ("Tháng 6 (trước ngày 25/6/2025)", 2024, D, date(2025, 6, 25), [date(2025, 6, 25)]),
    ("Tháng 3/2024 (hoàn thành dự thảo)", None, D, date(2024, 3, 31), [date(2024, 3, 31)]),
    ("Tháng 12/2024 (trước ngày 31/2)", None, D, date(2024, 12, 31), [date(2024, 12, 31)]),
    # a milestone, then recurring
    ("Quý I/2024 và thường xuyên", None, R, date(2024, 3, 31), [date(2024, 3, 31)]),
    ("quy 1/2024 va thuong xuyen", None, R, date(2024, 3, 31), [date(2024, 3, 31)]),
    ("Tháng 6/2024, sau đó định kỳ hằng quý", None, R, date(2024, 6, 30), [date(2024, 6, 30)]),
    ("Quý II và thường xuyên", 2025, R, date(2025, 6, 30), [date(2025, 6, 30)]),
    ("Ngày 15 tháng 12 hằng năm", 2024, R, date(2024, 12, 15), [date(2024, 12, 15)]),
    # several milestones
    ("Tháng 6 và tháng 12", 2024, D, date(2024, 12, 31), [date(2024, 6, 30), date(2024, 12, 31)]),
    ("Thang 6 va thang 12", 2023, D, date(2023, 12, 31), [date(2023, 6, 30), date(2023, 12, 31)]),
    (
        "Tháng 6 và tháng 12/2025",
        2024,
        D,
        date(2025, 12, 31),
        [date(2025, 6, 30), date(2025, 12, 31)],
    ),
    ("Tháng 6 và tháng 12", None, U, None, []),
    ("Quý I, II", 2024, D, date(2024, 6, 30), [date(2024, 3, 31), date(2024, 6, 30)]),
    (
        "Quý I,II,III,IV",
        2024,
        D,
        date(2024, 12, 31),
        [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)],
    ),
    ("Tháng 3-4/2024", None, D, date(2024, 4, 30), [date(2024, 4, 30)]),
    ("Từ tháng 1 đến tháng 6/2024", None, D, date(2024, 6, 30), [date(2024, 6, 30)]),
    (
        "Quý I/2024; Quý III/2024",
        None,
        D,
        date(2024, 9, 30),
        [date(2024, 3, 31), date(2024, 9, 30)],
    ),
    ("Quý I/2024\nQuý II/2024", None, D, date(2024, 6, 30), [date(2024, 3, 31), date(2024, 6, 30)]),
    (
        "Trước 15/1/2024 và 15/7/2024",
        None,
        D,
        date(2024, 7, 15),
        [date(2024, 1, 15), date(2024, 7, 15)],
    ),
    ("Từ 01/01/2024 đến 31/3/2024", None, D, date(2024, 3, 31), [date(2024, 3, 31)]),
    (
        "Thường xuyên; báo cáo trước 10/6 và 10/12",
        2024,
        R,
        date(2024, 12, 10),
        [date(2024, 6, 10), date(2024, 12, 10)],
    ),
    ("6 tháng, năm", 2024, D, date(2024, 12, 31), [date(2024, 6, 30), date(2024, 12, 31)]),
    (
        "Báo cáo 6 tháng trước 15/6, báo cáo năm trước 15/12",
        2024,
        D,
        date(2024, 12, 15),
        [date(2024, 6, 15), date(2024, 12, 15)],
    ),
    ("Hoàn thành dự thảo trước 15/6; trình HĐND", 2024, D, date(2024, 6, 15), [date(2024, 6, 15)]),
    ("Tháng 12 (trước ngày 15)", 2024, D, date(2024, 12, 15), [date(2024, 12, 15)]),
    ("Quý I/2024 và duy trì thường xuyên", None, R, date(2024, 3, 31), [date(2024, 3, 31)]),
    ("Đầu tháng 3/2024, tháng 5/2024", None, U, None, []),
    ("Kinh phí năm 2024 theo dự toán 150", None, U, None, []),
    # unchanged: recurring without a date has no milestone
    ("Định kỳ 6 tháng/lần", 2024, R, None, []),
    ("Ngày 15 hằng tháng", 2024, R, None, []),
    ("Đầu tháng 3/2024", None, U, None, []),
]


@pytest.mark.parametrize(("text", "year", "kind", "due", "milestones"), MILESTONE_CASES)
def test_milestone_phrases(text, year, kind, due, milestones):
    result = parse_deadline(text, year)
    assert (result.kind, result.due_date) == (kind, due)
    assert [m.due for m in result.milestones] == milestones
    if result.milestones:
        assert result.milestones[-1].due == result.due_date


def test_milestones_open_with_their_period():
    two = parse_deadline("Tháng 6 và tháng 12", 2024).milestones
    assert [(m.opens, m.due) for m in two] == [
        (date(2024, 6, 1), date(2024, 6, 30)),
        (date(2024, 12, 1), date(2024, 12, 31)),
    ]
    quarterly = parse_deadline("Trước ngày 10 tháng cuối quý", 2024).milestones
    assert [m.opens for m in quarterly] == [
        date(2024, 1, 1),
        date(2024, 4, 1),
        date(2024, 7, 1),
        date(2024, 10, 1),
    ]
    # a single day opens with its month
    (point,) = parse_deadline("Tháng 12/2024 (trước ngày 15/12)").milestones
    assert point.opens == date(2024, 12, 1)


def test_single_deadline_has_one_milestone():
    result = parse_deadline("Quý I/2024")
    assert [m.due for m in result.milestones] == [date(2024, 3, 31)]


@settings(max_examples=100, deadline=None, database=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(2000, 2040), st.booleans())
def test_two_months_are_two_milestones(first, second, year, accents):
    if first == second:
        return
    text = f"Tháng {first} và tháng {second}" if accents else f"thang {first} va thang {second}"
    result = parse_deadline(text, year)
    ends = sorted(parse_deadline(f"Tháng {m}/{year}").due_date for m in (first, second))
    assert [m.due for m in result.milestones] == ends
    assert result.due_date == ends[-1]


@settings(max_examples=60, deadline=None, database=None)
@given(st.sampled_from(["I", "II", "III", "IV", "1", "2", "3", "4"]), st.integers(2000, 2040))
def test_start_of_any_quarter_is_its_first_month(quarter, year):
    number = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(quarter) or int(quarter)
    first_month = parse_deadline(f"Tháng {number * 3 - 2}/{year}").due_date
    assert parse_deadline(f"Đầu quý {quarter}", year).due_date == first_month
    assert parse_deadline(f"Đầu quý {quarter}/{year}").due_date == first_month


@settings(max_examples=60, deadline=None, database=None)
@given(st.integers(1, 28), st.integers(2000, 2040))
def test_any_day_of_quarter_end_month_is_quarterly(day, year):
    result = parse_deadline(f"Trước ngày {day} tháng cuối quý", year)
    assert result.kind is DeadlineKind.RECURRING
    assert [m.due for m in result.milestones] == [date(year, m, day) for m in (3, 6, 9, 12)]
