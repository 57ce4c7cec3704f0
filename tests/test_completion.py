"""The chairman's arithmetic: done, early/on time/late, due soon, overdue, 27/32."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from plans.calendar import PeriodKind, period
from plans.completion import (
    CompletionSummary,
    TaskSnapshot,
    TaskState,
    classify,
    counts_as_done,
    days_late,
    days_left,
    effective_percent,
    is_done,
    overdue_tasks,
    summarize,
    summarize_by,
    summarize_by_field,
    summarize_by_unit,
)

DUE = date(2024, 3, 31)


def snap(
    task_id: int = 1,
    *,
    kind: str = "date",
    due: date | None = DUE,
    percent: int | None = None,
    status: str | None = None,
    done_on: date | None = None,
    last: date | None = None,
    units: tuple[int, ...] = (1,),
    field_key: str = "I",
) -> TaskSnapshot:
    return TaskSnapshot(
        task_id=task_id,
        field_key=field_key,
        unit_ids=units,
        deadline_kind=kind,
        due_date=due,
        percent=percent,
        status_text=status,
        done_on=done_on,
        last_update_on=last if last is not None else done_on,
    )


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        (100, None),
        (120, None),
        (None, "Đã ban hành Kế hoạch"),
        (None, "đã thực hiện"),
        (None, "Da thuc hien"),
        (None, "Hoàn thành"),
        (None, "HOAN THANH"),
        (None, "đã hoàn thành 100%"),
        (None, "xong"),
        (None, "Đã xong"),
        (100, "Đang thực hiện"),
        (None, "Đã đăng tải công khai, hoàn thành"),
        (None, "ĐÃ THỰC HIỆN"),
        (None, "Hoàn thành\u00a0100%"),
    ],
)
def test_done(percent, status):
    assert is_done(percent, status)


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        (None, None),
        (0, ""),
        (99, None),
        (50, "Đang thực hiện"),
        (None, "Chưa thực hiện"),
        (None, "chua thuc hien"),
        (None, "đang thực hiện"),
        (None, "Chưa hoàn thành"),
        (None, "chưa xong"),
        (None, "Hoàn thành 50%"),
        (None, "hoàn thành một phần"),
        (None, "sắp hoàn thành"),
        (None, "Theo kế hoạch"),
        (None, "ĐANG THỰC HIỆN"),
        (None, "dang thuc hien"),
        (None, "không thực hiện"),
        (None, "Hoàn thành 50 %"),
        # issue 11 defect 1: a number the person gave is the percent, a status never raises it
        (80, "Đã thực hiện"),
        (80, "Đã ban hành"),
        (0, "xong"),
    ],
)
def test_not_done(percent, status):
    assert not is_done(percent, status)


def test_effective_percent():
    assert effective_percent(snap(percent=None, status="Đã ban hành")) == 100
    assert effective_percent(snap(percent=50)) == 50
    assert effective_percent(snap(percent=None)) is None  # blank stays blank
    assert effective_percent(snap(percent=None, status="Đang thực hiện")) is None
    assert effective_percent(snap(percent=80, status="Đã ban hành")) == 80
    assert effective_percent(snap(percent=-5)) == 0


def test_done_states_against_due_date():
    assert classify(snap(percent=100, done_on=date(2024, 3, 1)), DUE) is TaskState.DONE_EARLY
    # exactly 7 days before is not "more than 7"
    assert classify(snap(percent=100, done_on=date(2024, 3, 24)), DUE) is TaskState.DONE_ON_TIME
    assert classify(snap(percent=100, done_on=date(2024, 3, 23)), DUE) is TaskState.DONE_EARLY
    assert classify(snap(percent=100, done_on=DUE), date(2024, 5, 1)) is TaskState.DONE_ON_TIME
    late = snap(percent=100, done_on=date(2024, 4, 2))
    assert classify(late, date(2024, 5, 1)) is TaskState.DONE_LATE
    assert days_late(late, date(2024, 5, 1)) == 2
    assert classify(snap(percent=100, done_on=date(2024, 3, 1)), DUE, early_days=30) is (
        TaskState.DONE_ON_TIME
    )


def test_done_day_falls_back_to_last_update_then_on_time():
    s = snap(percent=100, done_on=None, last=date(2024, 4, 5))
    assert classify(s, date(2024, 5, 1)) is TaskState.DONE_LATE
    unknown = snap(percent=100, done_on=None, last=None)
    assert classify(unknown, date(2024, 5, 1)) is TaskState.DONE_ON_TIME
    assert days_late(unknown, date(2024, 5, 1)) == 0


def test_open_states_due_date_is_end_of_day():
    s = snap(percent=40)
    assert classify(s, date(2024, 3, 1)) is TaskState.IN_PROGRESS
    assert classify(s, date(2024, 3, 23)) is TaskState.IN_PROGRESS
    assert classify(s, date(2024, 3, 24)) is TaskState.DUE_SOON
    assert classify(s, DUE) is TaskState.DUE_SOON
    assert days_left(s, DUE) == 0
    assert days_late(s, DUE) == 0
    assert classify(s, date(2024, 4, 1)) is TaskState.OVERDUE
    assert days_left(s, date(2024, 4, 3)) == -3
    assert days_late(s, date(2024, 4, 3)) == 3
    assert classify(s, date(2024, 3, 20), due_soon_days=14) is TaskState.DUE_SOON


def test_extension_is_the_effective_due_date():
    extended = snap(percent=10, due=date(2024, 6, 30))
    assert classify(extended, date(2024, 4, 15)) is TaskState.IN_PROGRESS


def test_no_deadline():
    assert classify(snap(kind="event", due=None), DUE) is TaskState.NO_DEADLINE
    assert classify(snap(kind="unknown", due=None), DUE) is TaskState.NO_DEADLINE
    assert classify(snap(kind="event", due=None, percent=100), DUE) is TaskState.DONE_ON_TIME
    assert days_left(snap(kind="event", due=None), DUE) is None
    # an event whose date was recorded behaves like a dated task
    assert classify(snap(kind="event", due=DUE), date(2024, 4, 2)) is TaskState.OVERDUE


def test_recurring_updated_in_period_window():
    h1 = period(PeriodKind.H1, 2023)
    fresh = snap(
        kind="recurring", due=None, percent=50, status="Đang thực hiện", last=date(2023, 5, 2)
    )
    stale = replace(fresh, last_update_on=date(2022, 11, 30))
    today = date(2023, 6, 12)
    assert classify(fresh, today, period=h1) is TaskState.RECURRING_UPDATED
    assert classify(stale, today, period=h1) is TaskState.RECURRING_PENDING
    assert not counts_as_done(fresh, today, period=h1)
    done = replace(fresh, percent=100, status_text="Đã ban hành Kế hoạch")
    assert counts_as_done(done, today, period=h1)
    assert not counts_as_done(replace(done, last_update_on=date(2022, 12, 1)), today, period=h1)
    assert days_left(fresh, today) is None and days_late(fresh, today) == 0


def test_recurring_default_window_is_the_quarter():
    s = snap(kind="recurring", due=None, percent=50, last=date(2024, 3, 20))
    assert classify(s, date(2024, 5, 1)) is TaskState.RECURRING_UPDATED  # Q2 window 15/3-14/6
    assert classify(s, date(2024, 6, 20)) is TaskState.RECURRING_PENDING  # Q3 window


def test_seed_002_six_month_count_27_of_32():
    """32 tasks: 25 dated done, 2 recurring done, 3 recurring at 50 %, 2 dated open."""
    h1 = period(PeriodKind.H1, 2023)
    today = date(2023, 6, 12)
    tasks = [
        snap(i, due=date(2023, 2, 28), percent=100, done_on=date(2023, 2, 25)) for i in range(25)
    ]
    tasks += [
        snap(
            100 + i,
            kind="recurring",
            due=None,
            percent=100,
            status="Đã ban hành Kế hoạch",
            last=date(2023, 2, 1),
        )
        for i in range(2)
    ]
    tasks += [
        snap(
            200 + i,
            kind="recurring",
            due=None,
            percent=50,
            status="Đang thực hiện",
            last=date(2023, 6, 1),
        )
        for i in range(3)
    ]
    tasks += [snap(300, due=date(2023, 12, 31), percent=30), snap(301, due=date(2023, 5, 31))]
    summary = summarize(tasks, today, period=h1)
    assert (summary.done, summary.total) == (27, 32)
    assert summary.recurring_updated == 5 and summary.recurring_done == 2
    assert summary.overdue == 1 and summary.in_progress == 1
    assert summary.done_on_time == 25
    # task 301 has no figure: left out of the mean, not counted as 0 %
    assert summary.with_figure == 31
    assert summary.mean_percent == round((27 * 100 + 3 * 50 + 30) / 31, 1)
    assert summary.done_ratio == pytest.approx(27 / 32)
    assert summary.open == 5
    assert sum(summary.by_state.values()) == 32


def test_summary_of_nothing():
    s = summarize([], DUE)
    assert s == CompletionSummary()
    assert s.done_ratio == 0.0 and s.mean_percent == 0.0


def test_breakdown_by_unit_counts_each_unit():
    tasks = [
        snap(1, units=(1, 2), percent=100, done_on=date(2024, 3, 30)),
        snap(2, units=(2,), percent=20),
        snap(3, units=(), percent=0),
    ]
    by_unit = summarize_by_unit(tasks, date(2024, 4, 2))
    assert list(by_unit) == [1, 2, None]
    assert (by_unit[1].done, by_unit[1].total) == (1, 1)
    assert (by_unit[2].done, by_unit[2].total, by_unit[2].overdue) == (1, 2, 1)
    assert by_unit[2].mean_percent == 60.0
    assert by_unit[None].total == 1


def test_breakdown_by_field_and_custom_key():
    tasks = [snap(1, field_key="I", percent=100), snap(2, field_key="II"), snap(3, field_key="I")]
    by_field = summarize_by_field(tasks, DUE)
    assert {k: (v.done, v.total) for k, v in by_field.items()} == {"I": (1, 2), "II": (0, 1)}
    composite = summarize_by(tasks, DUE, lambda s: (s.field_key, s.unit_ids[0]))
    assert set(composite) == {("I", 1), ("II", 1)}
    fanned = summarize_by(tasks, DUE, lambda s: {s.field_key, "all"})
    assert fanned["all"].total == 3


def test_overdue_list_most_late_first():
    tasks = [
        snap(1, due=date(2024, 3, 1)),
        snap(2, due=date(2024, 2, 1)),
        snap(3, due=date(2024, 2, 1), percent=100),
        snap(4, due=date(2024, 5, 1)),
        snap(5, kind="recurring", due=None),
    ]
    assert [s.task_id for s in overdue_tasks(tasks, date(2024, 4, 1))] == [2, 1]


def test_state_labels():
    assert TaskState.DONE_ON_TIME.label("vi") == "Hoàn thành đúng hạn"
    assert TaskState.OVERDUE.label("vi") == "Quá hạn"
    assert TaskState.OVERDUE.label("en") == "Overdue"
    assert TaskState.DONE_LATE.is_done and not TaskState.OVERDUE.is_done
