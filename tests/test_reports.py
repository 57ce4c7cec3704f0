"""storage.reports against the database: cut-offs, scopes, report timeliness, local dates."""

from __future__ import annotations

from datetime import date, datetime

from plans.calendar import CalendarSettings, PeriodKind, period
from plans.completion import TaskState
from storage import report_records, reports
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.models import UpdateChannel
from storage.progress import record_progress
from tests.chairman_scenario import seed_with_progress
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, Commune

NOW = datetime.fromisoformat("2024-06-03T07:30:00+07:00")


async def add(db: Database, commune: Commune, number: int, at: str, percent: int) -> None:
    async with db.write() as session:
        admin = await person_by_telegram_id(session, ADMIN_TG)
        await record_progress(
            session,
            task_id=commune.task_ids[number],
            person=admin,
            channel=UpdateChannel.COMMAND,
            at=datetime.fromisoformat(at + "+07:00"),
            percent=percent,
        )


async def test_missing_figures_and_sent_status_of_the_last_report(any_db: Database) -> None:
    commune = await seed_once(any_db, seed_with_progress)
    async with any_db.read() as session:
        roll = await reports.district_rollup(session, commune.district_id, now=NOW)
    line = roll.communes[0]
    # Owed (plans.completion.owes_figure): recurring 2 and 5, and the open dated tasks
    # 3, 4, 6, 7 with no update in the Q1 window by 10/03; task 1 has its 05/02 figure,
    # task 8 (on event, no date) owes nothing.
    assert (line.name, line.report_on_time, line.missing) == ("Vĩnh Khê", False, 6)
    assert line.last_period is not None and line.last_period.code == "2024-Q1"
    # Recurring tasks 2 and 5 get a Q1 figure: task 5 on time, task 2 a day late.
    await add(any_db, commune, 5, "2024-03-10T16:00", 30)
    await add(any_db, commune, 2, "2024-03-11T08:00", 30)
    async with any_db.read() as session:
        line = (await reports.district_rollup(session, commune.district_id, now=NOW)).communes[0]
    assert (line.report_on_time, line.missing) == (False, 5)
    await add(any_db, commune, 2, "2024-03-01T08:00", 20)
    for number in (3, 4, 6):
        await add(any_db, commune, number, "2024-02-20T08:00", 10)
    async with any_db.read() as session:
        line = (await reports.district_rollup(session, commune.district_id, now=NOW)).communes[0]
    assert (line.report_on_time, line.missing) == (False, 1)
    await add(any_db, commune, 7, "2024-03-10T23:00", 5)  # the deadline day still counts
    async with any_db.read() as session:
        line = (await reports.district_rollup(session, commune.district_id, now=NOW)).communes[0]
    # Every figure in, but no report on record: not sent (the district no longer guesses).
    assert (line.report_on_time, line.missing, line.report_status) == (False, 0, "not_sent")
    # The neighbour commune has no plan: no verdict.
    assert roll.communes[1].report_on_time is None
    # The keeper records it: on time by 10/03, late after.
    async with any_db.write() as session:
        org = await reports.organization(session, commune.org_id)
        await report_records.mark_sent(
            session,
            org,
            kind=None,
            number="12/BC-UBND",
            sent_on=date(2024, 3, 12),
            today=date(2024, 3, 12),
            person_id=None,
            now=NOW,
            period_code="2024-Q1",
        )
    async with any_db.read() as session:
        line = (await reports.district_rollup(session, commune.district_id, now=NOW)).communes[0]
    assert (line.report_on_time, line.report_status, line.report_number) == (
        False,
        "late",
        "12/BC-UBND",
    )
    async with any_db.write() as session:
        org = await reports.organization(session, commune.org_id)
        await report_records.mark_sent(
            session,
            org,
            kind=None,
            number="12/BC-UBND",
            sent_on=date(2024, 3, 8),
            today=date(2024, 3, 12),
            person_id=None,
            now=NOW,
            period_code="2024-Q1",
        )
    async with any_db.read() as session:
        line = (await reports.district_rollup(session, commune.district_id, now=NOW)).communes[0]
    assert (line.report_on_time, line.report_status, line.report_sent_on) == (
        True,
        "on_time",
        date(2024, 3, 8),
    )


def test_last_passed_period() -> None:
    s = CalendarSettings()
    assert reports.last_passed_period(date(2024, 6, 3), s).code == "2024-Q1"
    assert reports.last_passed_period(date(2024, 6, 11), s).code == "2024-H1"
    assert reports.last_passed_period(date(2024, 1, 5), s).code == "2023-Y"
    assert reports.last_passed_period(date(2024, 6, 10), s).code == "2024-Q1"  # due today


async def test_overview_at_a_period_cutoff(db: Database) -> None:
    commune = await seed_once(db, seed_with_progress)
    async with db.read() as session:
        q1 = await reports.overview(
            session, commune.org_id, now=NOW, period=period(PeriodKind.Q1, 2024)
        )
        h1 = await reports.overview(
            session, commune.org_id, now=NOW, period=period(PeriodKind.H1, 2024)
        )
    assert q1.today == date(2024, 3, 14) and q1.as_of < NOW
    # only task 1 has a figure (80 %) by 14/3: the blanks are left out of the mean
    assert (q1.done, q1.mean_percent, q1.overdue) == (0, 80.0, 1)
    assert h1.today == date(2024, 6, 3) and h1.as_of == NOW  # period still running
    assert (h1.done, h1.total, h1.overdue, h1.due_soon) == (1, 8, 2, 1)


async def test_scopes_never_cross_organizations(db: Database) -> None:
    commune = await seed_once(db, seed_with_progress)
    other = commune.other_org_id
    async with db.read() as session:
        assert await reports.unit_record(session, other, commune.unit_ids["tp"], now=NOW) is None
        assert await reports.nudge_targets(session, other, commune.task_ids[6], now=NOW) is None
        assert await reports.overdue_list(session, other, now=NOW) == []
        assert await reports.is_commune_of(session, commune.district_id, commune.org_id)
        assert not await reports.is_commune_of(session, commune.org_id, other)
        fields = (await reports.overview(session, commune.org_id, now=NOW)).by_field
        assert fields[0].ref_id is not None
        assert await reports.field_record(session, other, fields[0].ref_id, now=NOW) is None
        mine = await reports.field_record(session, commune.org_id, fields[0].ref_id, now=NOW)
    assert mine is not None and [t.number for t in mine.tasks] == [1, 2]
    assert mine.tasks[0].state is TaskState.OVERDUE


async def test_dates_shown_are_local(db: Database) -> None:
    commune = await seed_once(db, seed_with_progress)
    await add(db, commune, 4, "2024-06-01T06:00", 10)  # 31/05 23:00 UTC
    async with db.read() as session:
        record = await reports.unit_record(session, commune.org_id, commune.unit_ids["tp"], now=NOW)
    assert record is not None
    task4 = next(t for t in record.tasks if t.number == 4)
    assert task4.last_update_on == date(2024, 6, 1)
    assert task4.last_update_at.date() == date(2024, 5, 31)


async def test_period_status_counts_silence_from_the_window_start(db: Database) -> None:
    commune = await seed_once(db, seed_with_progress)
    async with db.read() as session:
        ps = await reports.period_status(session, commune.org_id, now=NOW)
    assert ps.period.code == "2024-H1" and ps.days_to_deadline == 7
    # one rule with the planner (issue 11 defect 5): task 7, due in Quý III, owes a figure too
    assert [t.number for t in ps.needing_figure] == [4, 7]
    # everyone who still owes a figure, with what they owe (issue 11 defect 9)
    assert [(p.name, p.owing) for p in ps.not_updated] == [
        ("Nguyễn Văn An", (4,)),
        ("Trần Thị Bình", (7,)),
    ]
