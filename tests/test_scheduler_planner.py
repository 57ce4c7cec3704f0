"""The planner with fixed instants: digests, day-off shifts, escalation, catch-up, idempotence."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from scheduler.context import OrgContext, load_contexts
from scheduler.outbox import PlannedMessage
from scheduler.planner import (
    CATCH_UP,
    DIGEST,
    compute_due,
    missed_days,
    plan_day,
    plan_due,
)
from storage.db import Database
from storage.models import Organization, UpdateChannel
from storage.outbox import DigestPayload
from storage.progress import record_progress
from tests.db_template import seed_once
from tests.factories import Commune, seed_commune
from tests.scheduler_support import add_task, at, outbox_rows


async def _ctx(db: Database, commune: Commune) -> OrgContext:
    async with db.read() as session:
        (ctx,) = await load_contexts(session, [commune.org_id])
    return ctx


def _by_person(drafts: list[PlannedMessage], commune: Commune) -> dict[str, PlannedMessage]:
    names = {v: k for k, v in commune.people.items()}
    return {names.get(d.person_id, d.recipient_key): d for d in drafts}  # type: ignore[arg-type]


def _digest(draft: PlannedMessage) -> DigestPayload:
    assert isinstance(draft.payload, DigestPayload)
    return draft.payload


def _items(draft: PlannedMessage) -> set[tuple[str, int]]:
    return {(i.kind, i.task_id) for i in _digest(draft).items}


async def _done(db: Database, task_id: int, when: str) -> None:
    async with db.write() as session:
        await record_progress(
            session,
            task_id=task_id,
            person=None,
            channel=UpdateChannel.CLI,
            at=at(when),
            percent=100,
            check_permission=False,
        )


async def test_monday_digests_one_per_person(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    ctx = await _ctx(db, commune)
    t = commune.task_ids
    drafts = _by_person(plan_day(ctx, date(2024, 6, 3)), commune)
    assert set(drafts) == {"admin", "chairman", "officer_tp", "officer_tc"}
    assert all(d.subject == DIGEST and d.occasion == "2024-06-03" for d in drafts.values())
    assert all(d.due_at == at("2024-06-03 07:30") for d in drafts.values())
    assert _items(drafts["officer_tp"]) == {("before_deadline", t[3])}
    assert _items(drafts["officer_tc"]) == {("overdue", t[6])}
    # 31/05 + 2 days is a Sunday: the escalation goes out on Monday
    assert _items(drafts["chairman"]) == {("escalation", t[6])}
    assert _digest(drafts["chairman"]).weekly == "week:2024-W23"
    # 6-month report due 10/06: each officer with the tasks still to update, recurring included
    (report,) = _digest(drafts["officer_tc"]).reports
    assert report.period == "2024-H1" and report.kind == "report_due" and report.offset == 7
    assert set(report.task_ids) == {t[5], t[6], t[7]}
    assert _digest(drafts["admin"]).reports[0].keeper is True
    for d in drafts.values():
        assert set(_digest(d).task_ids) >= {i.task_id for i in _digest(d).items}


async def test_weekend_and_holiday_are_silent(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    ctx = await _ctx(db, commune)
    for day in (date(2024, 6, 8), date(2024, 6, 9), date(2024, 9, 2), date(2024, 4, 30)):
        assert plan_day(ctx, day) == [], day


async def test_lead_reminder_moves_before_tet(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    task = await add_task(db, commune, 20, date(2024, 2, 17))
    ctx = await _ctx(db, commune)
    # 7 days before 17/02/2024 is 10/02 (Tết): sent on the last working day before, 07/02
    drafts = _by_person(plan_day(ctx, date(2024, 2, 7)), commune)
    assert ("before_deadline", task) in _items(drafts["officer_tp"])
    for day in range(8, 15):
        found = _by_person(plan_day(ctx, date(2024, 2, day)), commune)
        assert "officer_tp" not in found or all(t != task for _, t in _items(found["officer_tp"]))


async def test_deadline_day_on_a_weekend_warns_the_friday_and_the_group(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    task = await add_task(db, commune, 21, date(2024, 6, 15))  # a Saturday
    async with db.write() as session:
        await session.execute(
            update(Organization).where(Organization.id == commune.org_id).values(group_chat_id=-100)
        )
    ctx = await _ctx(db, commune)
    drafts = _by_person(plan_day(ctx, date(2024, 6, 14)), commune)
    assert ("deadline_day", task) in _items(drafts["officer_tp"])
    assert _items(drafts["chat:-100"]) == {("deadline_day", task)}
    assert drafts["chat:-100"].chat_id == -100
    group_days = {
        d
        for d in range(3, 20)
        if "chat:-100" in _by_person(plan_day(ctx, date(2024, 6, d)), commune)
    }
    assert group_days == {10, 14}  # task 3 due Mon 10/06, task 21 due Sat 15/06


async def test_escalation_once_then_overdue_backing_off(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    ctx = await _ctx(db, commune)
    t6 = commune.task_ids[6]
    escalations = []
    overdue_days = []
    for d in range(1, 15):
        day = date(2024, 6, d)
        drafts = _by_person(plan_day(ctx, day), commune)
        if "chairman" in drafts and ("escalation", t6) in _items(drafts["chairman"]):
            escalations.append(d)
        if "officer_tc" in drafts and ("overdue", t6) in _items(drafts["officer_tc"]):
            overdue_days.append(d)
    assert escalations == [3]
    # due Fri 31/05: 1 and 3 days late fall on the weekend -> Mon 03/06; 7 days: 07/06;
    # then weekly: 14/06 (issue 11 defect 10)
    assert overdue_days == [3, 7, 14]


async def test_done_task_is_silent(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    await _done(db, commune.task_ids[6], "2024-06-02 10:00")
    ctx = await _ctx(db, commune)
    drafts = _by_person(plan_day(ctx, date(2024, 6, 3)), commune)
    assert "chairman" in drafts  # weekly summary only
    assert _items(drafts["chairman"]) == set()
    assert _items(drafts["officer_tc"]) == set()
    assert commune.task_ids[6] not in _digest(drafts["officer_tc"]).reports[0].task_ids


async def test_report_summary_to_keeper_and_chairman(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    ctx = await _ctx(db, commune)
    drafts = _by_person(plan_day(ctx, date(2024, 6, 10)), commune)
    for who in ("admin", "chairman"):
        kinds = {r.kind for r in _digest(drafts[who]).reports}
        assert "report_summary" in kinds, who
    # report reminders before 10/06: 7, 3 and 1 day(s) before, working days only

    def report_kinds(day: int) -> set[str]:
        draft = _by_person(plan_day(ctx, date(2024, 6, day)), commune).get("officer_tp")
        return {r.kind for r in _digest(draft).reports} if draft is not None else set()

    due_days = [d for d in range(1, 10) if "report_due" in report_kinds(d)]
    assert due_days == [3, 7]  # 9/6 is a Sunday -> Friday 7/6 (and 3 days before = 7/6 too)


async def test_no_digest_before_the_hour_and_no_duplicates(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    report = await plan_due(db, at("2024-06-03 07:29"))
    assert report.inserted == 0
    first = await plan_due(db, at("2024-06-03 07:30"))
    assert first.inserted == 4  # four people of Vĩnh Khê; nothing for Vĩnh Tú (no tasks)
    again = await plan_due(db, at("2024-06-03 07:31"))
    assert again.inserted == 0 and again.drafts == 0
    # even a planner that forgot its memory writes nothing twice
    drafts, _, _ = await compute_due(db, at("2024-06-03 08:00"))
    assert drafts == []
    rows = await outbox_rows(db)
    assert len({(r.recipient_key, r.subject, r.occasion) for r in rows}) == len(rows)
    assert commune.org_id in {r.organization_id for r in rows}


async def test_catch_up_within_grace_and_summary_beyond(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    await plan_due(db, at("2024-06-03 08:00"))
    # down from Monday 08:00 to Wednesday 09:00: Tuesday's digest is 25.5 h old
    report = await plan_due(db, at("2024-06-05 09:00"))
    assert report.days[commune.org_id] == ["2024-06-04", "2024-06-05"]
    rows = [r for r in await outbox_rows(db) if r.organization_id == commune.org_id]
    catch_up = [r for r in rows if r.subject == CATCH_UP]
    today = [r for r in rows if r.subject == DIGEST and r.occasion == "2024-06-05"]
    # Tuesday had overdue tasks of the keeper's unit and of officer_tc, nothing for officer_tp;
    # Wednesday's digest says them all again, so the catch-up repeats none (issue 11 defect 4)
    assert not any(r.occasion == "2024-06-04" for r in rows)
    for r in catch_up:
        assert r.occasion == "2024-06-04..2024-06-04"
        regular = next(d for d in today if d.person_id == r.person_id)
        assert not {i["t"] for i in r.payload["items"]} & set(regular.payload["task_ids"])


async def test_long_gap_collapses_into_one_summary_per_person(db: Database) -> None:
    await seed_once(db, seed_commune)
    await plan_due(db, at("2024-05-31 08:00"))
    before = len(await outbox_rows(db))
    await plan_due(db, at("2024-06-07 07:45"))
    rows = (await outbox_rows(db))[before:]
    per_person: dict[int | None, list[str]] = {}
    for r in rows:
        per_person.setdefault(r.person_id, []).append(r.subject)
    assert all(subjects.count(CATCH_UP) <= 1 for subjects in per_person.values())
    assert all(subjects.count(DIGEST) <= 1 for subjects in per_person.values())
    summaries = [r for r in rows if r.subject == CATCH_UP]
    assert summaries
    for summary in summaries:
        assert summary.occasion == "2024-06-01..2024-06-06"  # the gap, the same key for everyone
        # each task once, with its most pressing kind, and none that today's digest repeats
        tasks = [i["t"] for i in summary.payload["items"]]
        assert len(tasks) == len(set(tasks))
        regular = [
            r for r in rows if r.subject == DIGEST and r.recipient_key == summary.recipient_key
        ]
        said = {t for r in regular for t in r.payload["task_ids"]}
        assert not set(tasks) & said


def test_missed_days_respects_grace() -> None:
    from plans.calendar import CalendarSettings
    from plans.reminder_policy import ReminderPolicy

    policy = ReminderPolicy(catch_up_grace=timedelta(hours=2))
    ctx = OrgContext(1, "x", CalendarSettings().tzinfo, "vi", None, policy, CalendarSettings())
    assert missed_days(None, at("2024-06-05 09:00"), policy, ctx) == []
    got = missed_days(at("2024-06-01 08:00"), at("2024-06-05 09:00"), policy, ctx)
    assert got == [date(2024, 6, d) for d in (2, 3, 4)]
    got = missed_days(at("2024-06-01 08:00"), at("2024-06-05 09:31"), policy, ctx)
    assert got == [date(2024, 6, d) for d in (2, 3, 4, 5)]
