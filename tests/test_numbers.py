"""plans/numbers.py: the one reader of numbers people type (issue 16.4, issue 11.2)."""

from __future__ import annotations

import pytest

from plans.numbers import looks_numeric, parse_count, parse_percent, parse_task_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80", 80),
        ("80%", 80),
        ("80 %", 80),
        ("0", 0),
        ("100", 100),
        ("100%", 100),
        ("99,5%", 99),
        ("99.5", 99),
        ("99,9", 99),
        ("50,5", 51),
        ("50.4%", 50),
        ("33,3", 33),
        ("80 phần trăm", 80),
        ("10000%", None),
        ("101", None),
        ("100,5", None),
        ("-5", None),
        ("5,5,5", None),
        ("1.000", None),
        ("²", None),
        ("٣٠", None),
        ("５０", None),
        ("", None),
        ("abc", None),
        ("1e2", None),
        (None, None),
    ],
)
def test_parse_percent(text: str | None, value: int | None) -> None:
    assert parse_percent(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10", 10),
        ("#10", 10),
        ("số10", 10),
        ("nv10", 10),
        (" 7 ", 7),
        ("²", None),
        ("٣", None),
        ("１", None),
        ("0", None),
        ("-3", None),
        ("1e3", None),
        ("3.2", None),
        ("", None),
        (str(2**63), 2**63),
    ],
)
def test_parse_task_number(text: str, value: int | None) -> None:
    assert parse_task_number(text) == value


def test_parse_count_and_looks_numeric() -> None:
    assert (
        parse_count("28") == 28
        and parse_count("²") is None
        and parse_count("29", maximum=28) is None
    )
    assert looks_numeric("²") and looks_numeric("10000%") and looks_numeric("-5")
    assert looks_numeric("99,5%") and not looks_numeric("abc") and not looks_numeric("%")
