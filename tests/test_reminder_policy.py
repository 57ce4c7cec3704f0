"""Reminder occasions on fixed dates of the 2024 Vietnamese calendar."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.calendar import CalendarSettings, PeriodKind, period, reports_for_year
from plans.reminder_policy import (
    Audience,
    Occasion,
    OccasionKind,
    PlannedTask,
    ReminderPolicy,
    catch_up_days,
    day_occasions,
    deadline_warning_day,
    digest_key,
    escalation_day,
    occasion_key,
    report_occasions,
    send_time,
    task_occasions,
    weekly_occasions,
)
from plans.workdays import is_working_day

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = ReminderPolicy()
K = OccasionKind


def task(
    due: date | None, *, kind: str = "date", done: bool = False, task_id: int = 7
) -> PlannedTask:
    return PlannedTask(
        task_id=task_id,
        due_date=due,
        deadline_kind=kind,
        done=done,
        officer_ids=(11, 12),
        unit_ids=(3,),
        title="Ban hành kế hoạch",
    )


def timeline(t: PlannedTask, start: date, end: date, policy: ReminderPolicy = POLICY):
    """Every (day, kind, offset) from start to end inclusive."""
    out = []
    day = start
    while day <= end:
        for occ in task_occasions(t, day, policy):
            assert occ.on == day and occ.subject_key == "task:7"
            out.append((day, occ.kind, occ.offset_days))
        day += timedelta(days=1)
    return out


def test_plain_working_week_deadline():
    # Thursday 21/3/2024: leads 14/3 (Thu), 18/3 (Mon), 20/3 (Wed).
    got = timeline(task(date(2024, 3, 21)), date(2024, 3, 1), date(2024, 3, 27))
    assert got == [
        (date(2024, 3, 14), K.BEFORE_DEADLINE, 7),
        (date(2024, 3, 18), K.BEFORE_DEADLINE, 3),
        (date(2024, 3, 20), K.BEFORE_DEADLINE, 1),
        (date(2024, 3, 21), K.DEADLINE_DAY, 0),
        (date(2024, 3, 22), K.OVERDUE, 1),
        # 23-24/3 weekend: no overdue nag; escalation due+2 = Sat 23/3 -> Mon 25/3
        (date(2024, 3, 25), K.OVERDUE, 4),
        (date(2024, 3, 25), K.ESCALATION, 4),
        # issue 11 defect 10: overdue reminders back off (1, 3, 7 days late, then weekly)
    ]


def test_reminder_on_tet_2024_moves_to_7_february():
    # 7 days before Saturday 17/2/2024 is Saturday 10/2 (Tết): sent Wednesday 7/2,
    # the last working day before Tết (8-14/2 off).  3 days before = 14/2 (off) -> 7/2 too,
    # collapsed into one.  1 day before = 16/2 Fri = deadline warning day (17/2 is Saturday).
    got = timeline(task(date(2024, 2, 17)), date(2024, 2, 1), date(2024, 2, 17))
    assert got == [
        (date(2024, 2, 7), K.BEFORE_DEADLINE, 10),
        (date(2024, 2, 16), K.DEADLINE_DAY, 1),
    ]
    assert deadline_warning_day(date(2024, 2, 10)) == date(2024, 2, 7)


def test_deadline_inside_tet_warns_before_tet_and_escalates_after():
    due = date(2024, 2, 12)  # Monday, Tết
    got = timeline(task(due), date(2024, 2, 1), date(2024, 2, 16))
    assert got == [
        (date(2024, 2, 5), K.BEFORE_DEADLINE, 7),
        (date(2024, 2, 7), K.DEADLINE_DAY, 5),  # 3 and 1 days before collapse into it
        (date(2024, 2, 15), K.OVERDUE, 3),
        (date(2024, 2, 15), K.ESCALATION, 3),
    ]
    assert escalation_day(due, POLICY) == date(2024, 2, 15)


def test_reunification_and_labour_day_2024():
    # Due Thursday 2/5/2024.  Leads: 25/4 (Thu), 29/4 (compensatory day off) -> 26/4 Fri,
    # 1/5 (holiday) -> 26/4 Fri, collapsed.  Sat 4/5/2024 was a working Saturday.
    got = timeline(task(date(2024, 5, 2)), date(2024, 4, 20), date(2024, 5, 6))
    assert got == [
        (date(2024, 4, 25), K.BEFORE_DEADLINE, 7),
        (date(2024, 4, 26), K.BEFORE_DEADLINE, 6),
        (date(2024, 5, 2), K.DEADLINE_DAY, 0),
        (date(2024, 5, 3), K.OVERDUE, 1),
        (date(2024, 5, 4), K.ESCALATION, 2),
        (date(2024, 5, 6), K.OVERDUE, 4),
    ]


def test_national_day_2024():
    due = date(2024, 9, 2)  # Monday, holiday; 3/9 also off
    got = timeline(task(due), date(2024, 8, 25), date(2024, 9, 5))
    assert got == [
        (date(2024, 8, 26), K.BEFORE_DEADLINE, 7),
        (date(2024, 8, 30), K.DEADLINE_DAY, 3),
        (date(2024, 9, 4), K.OVERDUE, 2),
        (date(2024, 9, 4), K.ESCALATION, 2),
        (date(2024, 9, 5), K.OVERDUE, 3),
    ]


def test_escalation_only_once_and_configurable():
    t = task(date(2024, 3, 21))
    days = [
        d for d, kind, _ in timeline(t, date(2024, 3, 1), date(2024, 5, 1)) if kind is K.ESCALATION
    ]
    assert days == [date(2024, 3, 25)]
    off = ReminderPolicy(escalate_after_days=None)
    assert escalation_day(date(2024, 3, 21), off) is None
    assert all(
        k is not K.ESCALATION for _, k, _ in timeline(t, date(2024, 3, 1), date(2024, 4, 1), off)
    )
    zero = ReminderPolicy(escalate_after_days=0)
    assert escalation_day(date(2024, 3, 21), zero) == date(2024, 3, 22)  # never on the due day
    assert escalation_day(date(2024, 3, 21), ReminderPolicy(escalate_after_days=5)) == date(
        2024, 3, 26
    )


def test_switches():
    quiet = ReminderPolicy(on_deadline_day=False, overdue_daily=False, escalate_after_days=None)
    got = timeline(task(date(2024, 3, 21)), date(2024, 3, 1), date(2024, 4, 30), quiet)
    assert [k for _, k, _ in got] == [K.BEFORE_DEADLINE] * 3
    # without the deadline-day warning, a lead moved onto that day is kept
    got = timeline(task(date(2024, 2, 17)), date(2024, 2, 1), date(2024, 2, 17), quiet)
    assert got == [
        (date(2024, 2, 7), K.BEFORE_DEADLINE, 10),
        (date(2024, 2, 16), K.BEFORE_DEADLINE, 1),
    ]


def test_done_recurring_and_undated_tasks_are_silent():
    start, end = date(2024, 3, 1), date(2024, 4, 30)
    assert timeline(task(date(2024, 3, 21), done=True), start, end) == []
    assert timeline(task(None, kind="recurring"), start, end) == []
    assert timeline(task(None, kind="event"), start, end) == []
    assert timeline(task(None, kind="unknown"), start, end) == []
    assert timeline(task(date(2024, 3, 21), kind="event"), start, end)  # event with a date


def test_recurring_task_with_an_open_milestone_is_reminded_like_a_dated_one():
    # storage gives a recurring task a due date only while a milestone is open
    start, end = date(2024, 3, 1), date(2024, 4, 30)
    dated = timeline(task(date(2024, 3, 21)), start, end)
    assert timeline(task(date(2024, 3, 21), kind="recurring"), start, end) == dated


def test_report_occasions_q1_2024_deadline_on_sunday():
    q1 = period(PeriodKind.Q1, 2024)  # 10/3/2024 is a Sunday
    got = []
    day = date(2024, 2, 25)
    while day <= date(2024, 3, 12):
        got += [(o.on, o.kind, o.offset_days) for o in report_occasions(q1, day, POLICY)]
        day += timedelta(days=1)
    assert got == [
        (date(2024, 3, 1), K.REPORT_DUE, 9),  # 3/3 Sunday -> Friday 1/3
        (date(2024, 3, 7), K.REPORT_DUE, 3),
        (date(2024, 3, 8), K.REPORT_SUMMARY, 2),  # 9/3 lead collapses into the summary day
    ]
    occ = report_occasions(q1, date(2024, 3, 8), POLICY)[0]
    assert occ.subject_key == "report:2024-Q1"
    assert occ.audiences == (Audience.KEEPER, Audience.CHAIRMAN)


def test_report_occasions_every_2024_report():
    kinds = set()
    for p in reports_for_year(2024, CalendarSettings()):
        day = p.submission_deadline - timedelta(days=20)
        while day <= p.submission_deadline + timedelta(days=3):
            for o in report_occasions(p, day, POLICY):
                kinds.add((p.code, o.kind))
                assert o.on <= p.submission_deadline
            day += timedelta(days=1)
    assert len(kinds) == 8  # 4 reports x (due, summary)


def test_weekly_summary_moves_to_next_working_day():
    assert weekly_occasions(date(2024, 3, 18), POLICY) == [
        Occasion(K.WEEKLY_SUMMARY, date(2024, 3, 18), "week:2024-W12")
    ]
    assert weekly_occasions(date(2024, 3, 19), POLICY) == []
    assert weekly_occasions(date(2024, 9, 2), POLICY) == []  # National Day
    assert weekly_occasions(date(2024, 9, 4), POLICY)[0].subject_key == "week:2024-W36"
    assert weekly_occasions(date(2024, 2, 15), POLICY)[0].on == date(2024, 2, 15)  # after Tết
    assert weekly_occasions(date(2024, 3, 18), ReminderPolicy(weekly_summary=False)) == []
    friday = ReminderPolicy(weekly_summary_weekday=4)
    assert weekly_occasions(date(2024, 3, 22), friday)


def test_day_occasions_combines_everything():
    occs = day_occasions(
        [task(date(2024, 3, 21)), task(date(2024, 3, 12), task_id=8)],
        reports_for_year(2024),
        date(2024, 3, 11),
        POLICY,
    )
    assert {(o.kind, o.subject_key) for o in occs} == {
        (K.BEFORE_DEADLINE, "task:8"),
        (K.WEEKLY_SUMMARY, "week:2024-W11"),
    }


def test_send_time_is_aware_local_digest_time():
    at = send_time(date(2024, 2, 7), POLICY, "Asia/Ho_Chi_Minh")
    assert at == datetime(2024, 2, 7, 7, 30, tzinfo=HCM)
    assert at.astimezone(UTC) == datetime(2024, 2, 7, 0, 30, tzinfo=UTC)
    assert send_time(date(2024, 2, 7), POLICY, HCM) == at


def test_catch_up_days():
    now = datetime(2024, 3, 12, 9, 0, tzinfo=HCM)
    # ran yesterday at noon: only today's 7:30 digest is owed
    assert catch_up_days(datetime(2024, 3, 11, 12, 0, tzinfo=HCM), now, POLICY, HCM) == [
        date(2024, 3, 12)
    ]
    # down for three days: grace (12 h) only lets today's digest through
    assert catch_up_days(datetime(2024, 3, 9, 12, 0, tzinfo=HCM), now, POLICY, HCM) == [
        date(2024, 3, 12)
    ]
    wide = ReminderPolicy(catch_up_grace=timedelta(days=3))
    assert catch_up_days(datetime(2024, 3, 9, 12, 0, tzinfo=HCM), now, wide, HCM) == [
        date(2024, 3, 10),
        date(2024, 3, 11),
        date(2024, 3, 12),
    ]
    # already ran after today's send time: nothing
    assert catch_up_days(datetime(2024, 3, 12, 7, 31, tzinfo=HCM), now, POLICY, HCM) == []
    # before 7:30: nothing yet today
    early = datetime(2024, 3, 12, 7, 0, tzinfo=HCM)
    assert catch_up_days(datetime(2024, 3, 11, 12, 0, tzinfo=HCM), early, POLICY, HCM) == []
    # fresh start
    assert catch_up_days(None, now, POLICY, HCM) == [date(2024, 3, 12)]
    # UTC clock, same instant
    assert catch_up_days(None, now.astimezone(UTC), POLICY, HCM) == [date(2024, 3, 12)]
    with pytest.raises(ValueError):
        catch_up_days(None, datetime(2024, 3, 12, 9, 0), POLICY, HCM)


def test_keys_are_stable_and_distinct():
    occ = Occasion(K.OVERDUE, date(2024, 3, 22), "task:7", 1)
    assert occasion_key(11, occ) == "occ:11:task:7:overdue:2024-03-22"
    assert occasion_key(11, occ) == occasion_key(
        11, Occasion(K.OVERDUE, date(2024, 3, 22), "task:7", 1)
    )
    assert occasion_key(12, occ) != occasion_key(11, occ)
    assert occasion_key(11, Occasion(K.OVERDUE, date(2024, 3, 25), "task:7")) != occasion_key(
        11, occ
    )
    assert occasion_key(11, Occasion(K.ESCALATION, date(2024, 3, 22), "task:7")) != occasion_key(
        11, occ
    )
    assert digest_key(11, date(2024, 3, 22), K.OVERDUE) == "digest:11:2024-03-22:overdue"
    assert digest_key(11, date(2024, 3, 22), "overdue") == digest_key(
        11, date(2024, 3, 22), K.OVERDUE
    )


def test_policy_roundtrip_and_validation():
    p = ReminderPolicy(
        lead_days=(1, 3, 3, 10), digest_time=time(8, 15), catch_up_grace=timedelta(hours=2)
    )
    assert p.lead_days == (10, 3, 1)
    again = ReminderPolicy.from_dict(json.loads(json.dumps(p.to_dict())))
    assert again == p
    assert ReminderPolicy.from_dict({}) == ReminderPolicy()
    assert ReminderPolicy.from_dict({"escalate_after_days": None}).escalate_after_days is None
    assert ReminderPolicy.from_dict({"digest_time": "07:45"}).digest_time == time(7, 45)
    with pytest.raises(ValueError):
        ReminderPolicy(lead_days=(0,))
    with pytest.raises(ValueError):
        ReminderPolicy(weekly_summary_weekday=7)
    with pytest.raises(ValueError):
        ReminderPolicy(digest_time=time(7, 30, tzinfo=HCM))


# --- properties over the whole 2023-2026 calendar ---------------------------------

DUES = st.dates(min_value=date(2023, 1, 15), max_value=date(2026, 11, 15))


def _all_occasions(t: PlannedTask, policy: ReminderPolicy = POLICY):
    due = t.due_date
    day = due - timedelta(days=20)
    out = []
    while day <= due + timedelta(days=30):
        out += task_occasions(t, day, policy)
        day += timedelta(days=1)
    return out


@settings(max_examples=60, deadline=None)
@given(DUES)
def test_every_task_occasion_lands_on_a_working_day(due):
    occs = _all_occasions(task(due))
    assert all(is_working_day(o.on) for o in occs)
    assert sum(o.kind is K.ESCALATION for o in occs) == 1
    assert sum(o.kind is K.DEADLINE_DAY for o in occs) == 1
    assert all(o.on <= due for o in occs if o.kind in (K.BEFORE_DEADLINE, K.DEADLINE_DAY))
    assert all(o.on > due for o in occs if o.kind in (K.OVERDUE, K.ESCALATION))
    # one occasion of a kind per day, so one outbox key per recipient and day
    keys = [occasion_key(11, o) for o in occs]
    assert len(keys) == len(set(keys))
    assert _all_occasions(task(due, done=True)) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2023, max_value=2026))
def test_every_report_gets_its_summary_on_a_working_day(year):
    for p in reports_for_year(year):
        day = p.submission_deadline - timedelta(days=15)
        summaries = []
        while day <= p.submission_deadline:
            occs = report_occasions(p, day, POLICY)
            assert all(is_working_day(o.on) for o in occs)
            summaries += [o for o in occs if o.kind is K.REPORT_SUMMARY]
            day += timedelta(days=1)
        assert len(summaries) == 1


def test_plans_modules_stay_free_of_telegram_and_databases():
    code = (
        "import sys, plans.workdays, plans.calendar, plans.completion, plans.reminder_policy\n"
        "bad = [m for m in ('telegram', 'sqlalchemy', 'aiohttp') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == ""


def test_overdue_reminders_back_off_then_weekly():
    """Issue 11 defect 10: not the same overdue list every working day for months."""
    due = date(2024, 3, 1)  # Friday
    got = [
        (d, off)
        for d, kind, off in timeline(task(due), date(2024, 3, 2), date(2024, 4, 30))
        if kind is K.OVERDUE
    ]
    # 2/3 Sat -> Mon 4/3; 4/3 (3 days); 8/3 (7); then every 7 days: 15/3, 22/3, 29/3, ...
    assert got == [
        (date(2024, 3, 4), 3),
        (date(2024, 3, 8), 7),
        (date(2024, 3, 15), 14),
        (date(2024, 3, 22), 21),
        (date(2024, 3, 29), 28),
        (date(2024, 4, 5), 35),
        (date(2024, 4, 12), 42),
        (date(2024, 4, 19), 49),
        (date(2024, 4, 26), 56),
    ]
    # configurable (/caidat stores the policy as JSON): daily again if a commune wants it
    daily = ReminderPolicy.from_dict({"overdue_days": [1], "overdue_every_days": 1})
    assert len(timeline(task(due), date(2024, 3, 2), date(2024, 3, 15), daily)) >= 10
    assert ReminderPolicy.from_dict(POLICY.to_dict()) == POLICY
    with pytest.raises(ValueError):
        ReminderPolicy(overdue_days=(0,))
