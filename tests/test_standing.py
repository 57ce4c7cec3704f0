"""Issue 11: done / on track / behind / overdue / not started, one rule each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from plans.calendar import PeriodKind, period
from plans.completion import (
    Standing,
    TaskSnapshot,
    due_soon,
    expected_percent,
    figure_percent,
    is_done,
    owes_figure,
    standing,
    status_contradicts,
    summarize,
    summarize_by_unit,
)

H1 = period(PeriodKind.H1, 2024)  # window 15/12/2023 .. 14/06/2024
Q1 = period(PeriodKind.Q1, 2024)
TODAY = date(2024, 6, 14)
YEAR_END = date(2024, 12, 31)


def snap(
    task_id: int = 1,
    *,
    kind: str = "date",
    due: date | None = YEAR_END,
    percent: int | None = None,
    status: str | None = None,
    last: date | None = None,
    done_on: date | None = None,
    start: date | None = date(2024, 1, 1),
) -> TaskSnapshot:
    return TaskSnapshot(
        task_id=task_id,
        field_key="I",
        unit_ids=(1,),
        deadline_kind=kind,
        due_date=due,
        percent=percent,
        status_text=status,
        done_on=done_on,
        last_update_on=last,
        start_on=start,
    )


def test_typed_percent_wins_over_a_done_status():
    """Defect 1: "đã xong 80%, đã ban hành kế hoạch" is 80 %, not done, and the chat must ask."""
    s = snap(percent=80, status="Đã ban hành", last=date(2024, 6, 1))
    assert not is_done(80, "Đã ban hành")
    assert figure_percent(s) == 80
    assert status_contradicts(80, "Đã ban hành")
    assert not status_contradicts(100, "Đã ban hành")
    assert not status_contradicts(None, "Đã ban hành")
    assert not status_contradicts(80, "Đang thực hiện")
    assert standing(s, TODAY, period=H1) is Standing.ON_TRACK
    # a done status with no number at all is done, and counts 100 %
    bare = replace(s, percent=None)
    assert standing(bare, TODAY, period=H1) is Standing.DONE
    assert figure_percent(bare) == 100


def test_elapsed_share_decides_on_track_for_dated_tasks():
    assert expected_percent(snap(), TODAY) == pytest.approx(100 * 165 / 365)
    assert standing(snap(percent=50, last=TODAY), TODAY) is Standing.ON_TRACK
    assert standing(snap(percent=45, last=TODAY), TODAY) is Standing.BEHIND
    assert standing(snap(percent=30, last=date(2024, 5, 2)), TODAY) is Standing.BEHIND
    assert standing(snap(percent=30, last=date(2024, 5, 2)), date(2024, 3, 1)) is Standing.ON_TRACK
    # due date passed: overdue whatever the percent
    assert standing(snap(percent=99, last=TODAY), date(2025, 1, 1)) is Standing.OVERDUE
    # the due day itself is still "not yet due": needs 100 % of the span... i.e. done
    assert standing(snap(percent=99, last=TODAY), YEAR_END) is Standing.BEHIND
    assert standing(snap(percent=100, last=TODAY), date(2025, 3, 1)) is Standing.DONE


def test_span_starts_on_the_plan_year_by_default():
    s = snap(percent=50, due=date(2024, 7, 1), start=None, last=TODAY)
    # 1/1 .. 1/7 is 182 days; 14/6 is day 165 → 90.7 % expected
    assert expected_percent(s, TODAY) == pytest.approx(100 * 165 / 182)
    assert standing(s, TODAY) is Standing.BEHIND
    assert standing(replace(s, percent=91), TODAY) is Standing.ON_TRACK


def test_blank_percent_with_a_status_is_on_track_only_inside_the_window():
    fresh = snap(status="Đang thực hiện", last=date(2024, 5, 20))
    assert figure_percent(fresh) is None
    assert standing(fresh, TODAY, period=H1) is Standing.ON_TRACK
    stale = replace(fresh, last_update_on=date(2023, 11, 1))
    assert standing(stale, TODAY, period=H1) is Standing.BEHIND


@pytest.mark.parametrize(
    ("percent", "status", "last"),
    [
        (None, None, None),
        (0, None, date(2024, 5, 1)),
        (None, "Chưa thực hiện", date(2024, 5, 1)),
        (None, "chua trien khai", date(2024, 5, 1)),
    ],
)
def test_not_started(percent, status, last):
    assert standing(snap(percent=percent, status=status, last=last), TODAY) is (
        Standing.NOT_STARTED
    )


def test_recurring_tasks_are_on_track_with_a_figure_in_the_window():
    rec = snap(
        kind="recurring", due=None, percent=50, status="Đang thực hiện", last=date(2024, 3, 1)
    )
    assert standing(rec, TODAY, period=H1) is Standing.ON_TRACK
    assert standing(replace(rec, last_update_on=date(2023, 12, 1)), TODAY, period=H1) is (
        Standing.BEHIND
    )
    assert standing(replace(rec, percent=None, status_text=None, last_update_on=None), TODAY) is (
        Standing.NOT_STARTED
    )
    done = replace(rec, percent=100, status_text="Đã ban hành Kế hoạch")
    assert standing(done, TODAY, period=H1) is Standing.DONE
    # done last period, nothing this period: it owes this period's figure
    assert standing(replace(done, last_update_on=date(2023, 12, 1)), TODAY, period=H1) is (
        Standing.BEHIND
    )


def test_undated_tasks_are_on_track_once_started():
    assert standing(snap(kind="event", due=None, percent=10, last=TODAY), TODAY) is (
        Standing.ON_TRACK
    )
    assert standing(snap(kind="event", due=None), TODAY) is Standing.NOT_STARTED


def test_owes_figure_is_one_rule():
    """Defect 5: a task due 31/12 with no update owes the Q1 report a figure."""
    late_due = snap(due=YEAR_END)
    assert owes_figure(late_due, Q1)
    assert not owes_figure(replace(late_due, percent=20, last_update_on=date(2024, 3, 1)), Q1)
    assert owes_figure(replace(late_due, percent=20, last_update_on=date(2023, 12, 1)), Q1)
    assert not owes_figure(replace(late_due, percent=100, last_update_on=date(2023, 10, 1)), Q1)
    assert not owes_figure(snap(kind="event", due=None), Q1)
    rec = snap(kind="recurring", due=None, percent=100, last=date(2023, 12, 1))
    assert owes_figure(rec, Q1)  # a recurring task is never done for good
    assert not owes_figure(replace(rec, last_update_on=date(2024, 1, 10)), Q1)


def test_due_soon_is_one_rule():
    s = snap(due=date(2024, 6, 20), percent=10)
    assert due_soon(s, date(2024, 6, 13))
    assert due_soon(s, date(2024, 6, 20))
    assert not due_soon(s, date(2024, 6, 12))
    assert not due_soon(s, date(2024, 6, 21))
    assert due_soon(s, date(2024, 6, 10), due_soon_days=10)
    assert not due_soon(replace(s, percent=100), date(2024, 6, 19))
    assert not due_soon(snap(kind="recurring", due=None), TODAY)


def _seed_like() -> list[TaskSnapshot]:
    """17 done, 10 on track (recurring at 50 % in the window), 5 lagging."""
    tasks = [
        snap(i, percent=100, last=date(2024, 3, 1), done_on=date(2024, 3, 1)) for i in range(17)
    ]
    tasks += [
        snap(
            100 + i,
            kind="recurring",
            due=None,
            percent=50,
            status="Đang thực hiện",
            last=date(2024, 6, 1),
        )
        for i in range(10)
    ]
    tasks += [
        snap(200, percent=10, last=date(2024, 6, 1)),  # behind
        snap(201, percent=10, last=date(2024, 6, 1)),  # behind
        snap(202, due=date(2024, 5, 31), percent=60, last=date(2024, 5, 1)),  # overdue
        snap(203),  # not started
        snap(204, kind="recurring", due=None, percent=50, last=date(2023, 11, 1)),  # behind
    ]
    return tasks


def test_summary_counts_every_class_once():
    s = summarize(_seed_like(), TODAY, period=H1)
    assert (s.done, s.total, s.on_track, s.behind, s.overdue, s.not_started) == (
        17,
        32,
        10,
        3,
        1,
        1,
    )
    assert s.done + s.on_track + s.lagging == s.total
    assert s.done_or_on_track == 27
    assert sum(s.by_standing.values()) == 32
    # blanks (the not-started task, the stale recurring one) are left out of the mean
    assert s.with_figure == 30
    assert s.mean_percent == round((17 * 100 + 10 * 50 + 10 + 10 + 60) / 30, 1)
    by_unit = summarize_by_unit(_seed_like(), TODAY, period=H1)
    assert by_unit[1].on_track == 10


def test_summary_sentence_reads_like_a_report():
    from plans.completion import standing_sentence

    s = summarize(_seed_like(), TODAY, period=H1)
    assert standing_sentence(s, "vi") == (
        "đã hoàn thành 17/32 nhiệm vụ, 10 nhiệm vụ đang thực hiện đúng tiến độ, "
        "5 nhiệm vụ chậm tiến độ (trong đó 1 nhiệm vụ quá hạn, 1 nhiệm vụ chưa triển khai)"
    )
    assert standing_sentence(s, "en").startswith("completed 17 of 32 tasks, 10 tasks are on track")
    clean = summarize(_seed_like()[:27], TODAY, period=H1)
    assert standing_sentence(clean, "vi") == (
        "đã hoàn thành 17/27 nhiệm vụ, 10 nhiệm vụ đang thực hiện đúng tiến độ, "
        "0 nhiệm vụ chậm tiến độ"
    )
    assert Standing.ON_TRACK.label("vi") == "Đúng tiến độ"
