"""Callback data's first number (core/callbacks.first_arg): forged data gives the default."""

from __future__ import annotations

import pytest

from core import callbacks as cb


@pytest.mark.parametrize(
    ("data", "default", "expected"),
    [
        (cb.build(cb.TASK_MENU, 7), 0, 7),
        (cb.build(cb.SET_PERCENT, 7, 50), 0, 7),
        ("tk", 0, 0),  # no number
        ("tk:", 0, 0),  # an empty number is forged
        ("tk:٣", 0, 0),  # not ASCII digits
        ("tk:x", -1, -1),
        (None, -1, -1),
        ("", 5, 5),
        ("tk:" + "9" * 70, 0, 0),  # past the 64-byte limit
    ],
)
def test_first_arg(data: str | None, default: int, expected: int) -> None:
    assert cb.first_arg(data, default) == expected
