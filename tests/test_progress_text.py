"""Table-driven tests of the free-text progress reader."""

from __future__ import annotations

from datetime import date

import pytest

from plans.progress_text import fold_same_length, parse_progress_text

TODAY = date(2024, 6, 3)

CASES = [
    # text, percent, status, output, expected date
    ("được 60%", 60, None, None, None),
    ("60 phần trăm", 60, None, None, None),
    ("duoc 45 phan tram", 45, None, None, None),
    ("xong", 100, "Hoàn thành", None, None),
    ("Đã hoàn thành", 100, "Hoàn thành", None, None),
    (
        "đã ban hành Kế hoạch số 15/KH-UBND ngày 14/02/2024, xong",
        100,
        "Đã ban hành",
        "Kế hoạch số 15/KH-UBND ngày 14/02/2024",
        None,
    ),
    ("Đã ban hành Quyết định số 83/QĐ-UBND", 100, "Đã ban hành", "Quyết định số 83/QĐ-UBND", None),
    (
        "đang thực hiện, dự kiến xong cuối tháng",
        None,
        "Đang thực hiện",
        None,
        date(2024, 6, 30),
    ),
    ("đang thực hiện 50%", 50, "Đang thực hiện", None, None),
    ("chưa thực hiện", 0, "Chưa thực hiện", None, None),
    ("chưa xong", None, "Đang thực hiện", None, None),
    ("sắp xong, dự kiến xong 20/6", None, "Đang thực hiện", None, date(2024, 6, 20)),
    ("đã gửi Báo cáo số 12/BC-UBND", 100, None, "Báo cáo số 12/BC-UBND", None),
    ("99,5%", 99, None, None, None),
    ("đã xong 80%, đã ban hành kế hoạch", 80, "Đã ban hành", "Kế hoạch", None),
    ("được 70 rồi anh", 70, None, None, None),
    ("tiến độ đạt 85", 85, None, None, None),
    ("đạt 2/5 chỉ tiêu", None, None, None, None),
    ("xin chào anh", None, None, None, None),
    ("", None, None, None, None),
]


@pytest.mark.parametrize(("text", "percent", "status", "output", "expected"), CASES)
def test_parse_progress_text(
    text: str, percent: int | None, status: str | None, output: str | None, expected: date | None
) -> None:
    reading = parse_progress_text(text, TODAY)
    assert (reading.percent, reading.status_text, reading.output, reading.expected_date) == (
        percent,
        status,
        output,
        expected,
    )
    assert reading.understood == any(v is not None for v in (percent, status, output, expected))


@pytest.mark.parametrize("text", ["Đã ban hành", "Tư pháp – Hộ tịch", "İstanbul ĐƯỢC"])
def test_fold_keeps_length(text: str) -> None:
    assert len(fold_same_length(text)) == len(text)


def test_note_keeps_what_was_typed() -> None:
    assert parse_progress_text("  được   60%  ", TODAY).note == "được 60%"


@pytest.mark.parametrize("text", ["150%", "10000%", "được 250 phần trăm"])
def test_a_percent_out_of_range_is_refused_not_reread(text: str) -> None:
    reading = parse_progress_text(text, TODAY)
    assert reading.percent is None and reading.invalid is not None and reading.understood


def test_a_done_word_never_raises_a_typed_percent() -> None:
    reading = parse_progress_text("đã xong 80%, đã ban hành kế hoạch", TODAY)
    assert (reading.percent, reading.conflict) == (80, True)
