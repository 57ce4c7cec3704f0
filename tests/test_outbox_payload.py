"""The outbox payload: one typed form per kind, one wire form, old rows still delivered.

A commune that upgrades mid-day has rows planned by the previous version in
its outbox; they must decode and go out as they would have. The literal
dicts below are what earlier versions wrote, key for key.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sandbox.harness import BotHarness
from storage.db import Database
from storage.models import OutboxMessage, OutboxState
from storage.outbox import (
    CatchUpPayload,
    DigestPayload,
    NoticePayload,
    ReportItem,
    TaskItem,
    UnknownPayload,
    decode,
    encode,
    find_by_message,
)
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, OFFICER_TC_TG, seed_commune
from tests.scheduler_support import add_users, outbox_rows

DIGEST_V1: dict[str, Any] = {
    "v": 1,
    "kind": "digest",
    "day": "2024-06-03",
    "org_id": 7,
    "lang": "vi",
    "items": [{"k": "overdue", "t": 16, "d": -3}, {"k": "before_deadline", "t": 13, "d": 7}],
    "reports": [
        {"k": "report_due", "p": "2024-H1", "d": 7, "t": [15, 16], "keeper": False},
        {"k": "report_summary", "p": "2024-H1", "d": 0, "t": [], "keeper": True},
    ],
    "weekly": "week:2024-W23",
    "unassigned": [19],
    "task_ids": [16, 13, 15, 19],
}


def test_every_kind_round_trips() -> None:
    payloads = [
        DigestPayload(
            day=date(2024, 6, 3),
            org_id=7,
            lang="vi",
            items=(TaskItem("overdue", 16, -3), TaskItem("deadline_day", 12, 0)),
            reports=(ReportItem("report_due", "2024-H1", 7, (15, 16), keeper=True),),
            weekly="week:2024-W23",
            unassigned=(19,),
            task_ids=(16, 12, 15, 19),
        ),
        CatchUpPayload(
            day=date(2024, 6, 6),
            org_id=7,
            lang="en",
            items=(TaskItem("escalation", 16, 2),),
            task_ids=(16,),
            first=date(2024, 6, 1),
            last=date(2024, 6, 6),
        ),
        NoticePayload("chairman.nudge.message", {"number": 3, "sender": "Lê Văn C"}, "vi"),
        NoticePayload("reminders.more", {"count": 2}),
        UnknownPayload("poll", {"v": 2, "kind": "poll", "question": "?"}, task_ids=(4,)),
    ]
    for payload in payloads:
        raw = encode(payload)
        assert decode(raw, payload.kind) == payload
        assert encode(decode(raw)) == raw  # what is stored reads back the same


def test_wire_form_is_version_one_key_for_key() -> None:
    """What this version writes is what the previous one reads (a rollback loses nothing)."""
    assert encode(decode(DIGEST_V1)) == DIGEST_V1
    digest = decode(DIGEST_V1)
    assert isinstance(digest, DigestPayload) and not isinstance(digest, CatchUpPayload)
    assert digest.items[0] == TaskItem("overdue", 16, -3)
    assert digest.reports[1].keeper is True
    catch_up = {**DIGEST_V1, "kind": "catch_up", "from": "2024-06-01", "to": "2024-06-02"}
    assert encode(decode(catch_up)) == catch_up
    notice = {
        "v": 1,
        "kind": "notice",
        "key": "reminders.notice.unreachable",
        "params": {"name": "Nguyễn Văn An", "date": "03/06/2024"},
        "lang": "vi",
        "task_ids": [],
    }
    assert encode(decode(notice)) == notice


def test_old_forms_decode_with_defaults() -> None:
    # before the keeper's unassigned list and the report's keeper flag existed
    oldest = {k: v for k, v in DIGEST_V1.items() if k != "unassigned"}
    oldest["reports"] = [{"k": "report_due", "p": "2024-H1", "d": 7, "t": [15]}]
    digest = decode(oldest, "digest")
    assert isinstance(digest, DigestPayload)
    assert digest.unassigned == () and digest.reports[0].keeper is False
    # a catch-up without its span says its day
    span = decode({**oldest, "kind": "catch_up"})
    assert isinstance(span, CatchUpPayload) and span.first == span.last == date(2024, 6, 3)
    # a notice without language or task ids (the reader's language is chosen at send time)
    notice = decode({"v": 1, "kind": "notice", "key": "reminders.more", "params": {"count": 1}})
    assert notice == NoticePayload("reminders.more", {"count": 1}, None, ())
    # no kind in the JSON: the row's kind column says it
    assert isinstance(decode({"key": "reminders.more"}, "notice"), NoticePayload)


def test_unknown_or_broken_rows_decode_without_raising() -> None:
    poll = decode({"v": 2, "kind": "poll", "task_ids": [3, "4", "x"]})
    assert isinstance(poll, UnknownPayload) and poll.kind == "poll"
    assert poll.task_ids == (3, 4)
    # a notice without its catalog key cannot be worded
    assert isinstance(decode({"kind": "notice", "params": {}}), UnknownPayload)
    # a reply-lookup row written by hand: only task ids, kind column "reminder"
    bare = decode({"task_ids": [5, 6]}, "reminder")
    assert isinstance(bare, UnknownPayload) and bare.task_ids == (5, 6)
    assert decode(None).kind == ""


def _row(
    org_id: int, person_id: int, chat_id: int, kind: str, payload: dict[str, Any], **extra: Any
) -> OutboxMessage:
    values: dict[str, Any] = {
        "organization_id": org_id,
        "person_id": person_id,
        "chat_id": chat_id,
        "recipient_key": f"person:{person_id}",
        "subject": f"old:{kind}",
        "occasion": "2024-06-02",
        "kind": kind,
        "payload": payload,
        "due_at": datetime(2024, 6, 2, 0, 30, tzinfo=UTC),
    }
    values.update(extra)
    return OutboxMessage(**values)


async def test_rows_planned_before_the_upgrade_are_delivered(harness: BotHarness) -> None:
    """Rows in the old form, planned yesterday by the previous version, go out today."""
    commune = await seed_once(harness.database, seed_commune)
    add_users(harness.api)
    officer, keeper, overdue = (
        commune.people["officer_tc"],
        commune.people["admin"],
        commune.task_ids[6],
    )
    old_digest = {  # before "unassigned" and the report's "keeper" flag
        "v": 1,
        "kind": "digest",
        "day": "2024-06-02",
        "org_id": commune.org_id,
        "lang": "vi",
        "items": [{"k": "overdue", "t": overdue, "d": -2}],
        "reports": [],
        "weekly": None,
        "task_ids": [overdue],
    }
    old_notice = {"v": 1, "kind": "notice", "key": "reminders.more", "params": {"count": 41}}
    unknown = {"v": 2, "kind": "poll", "question": "?"}
    async with harness.database.write() as session:
        session.add(_row(commune.org_id, officer, OFFICER_TC_TG, "digest", old_digest))
        session.add(_row(commune.org_id, keeper, ADMIN_TG, "notice", old_notice))
        session.add(_row(commune.org_id, keeper, ADMIN_TG, "poll", unknown, occasion="x"))
    await harness.tick()
    rows = {r.subject: r for r in await outbox_rows(harness.database)}
    digest, notice, poll = rows["old:digest"], rows["old:notice"], rows["old:poll"]
    assert digest.state is OutboxState.SENT and digest.payload["task_ids"] == [overdue]
    sent = harness.api.state.get_message(OFFICER_TC_TG, digest.message_id or 0)
    assert sent is not None and sent.text is not None
    assert "02/06/2024" in sent.text and sent.button_data() == [f"tk:{overdue}"]
    assert notice.state is OutboxState.SENT
    said = harness.api.state.get_message(ADMIN_TG, notice.message_id or 0)
    assert said is not None and said.text == "… và 41 dòng khác."
    # a kind this version does not know: kept, failed with the reason; the rest went out
    assert poll.state is OutboxState.FAILED and poll.message_id is None
    assert poll.last_error == "unknown payload kind 'poll'"
    assert rows["digest"].state is OutboxState.SENT  # today's own digests too


async def test_find_by_message(db: Database) -> None:
    commune = await seed_once(db, seed_commune)
    keeper, task = commune.people["admin"], commune.task_ids[6]
    nudge = encode(NoticePayload("chairman.nudge.message", {"number": 6}, "vi"))
    async with db.write() as session:
        session.add(_row(commune.org_id, keeper, 42, "notice", nudge, message_id=7))
        session.add(
            _row(commune.org_id, keeper, 42, "digest", DIGEST_V1, occasion="d", message_id=8)
        )
    async with db.read() as session:
        first = await find_by_message(session, 42, 7)
        second = await find_by_message(session, 42, 8)
        assert await find_by_message(session, 43, 7) is None
    assert first is not None and second is not None
    assert first.task_ids == () and first.subject_task_id is None  # subject "old:notice"
    assert second.task_ids == (16, 13, 15, 19)
    async with db.write() as session:
        session.add(
            _row(
                commune.org_id,
                keeper,
                42,
                "notice",
                nudge,
                subject=f"nudge:task:{task}",
                occasion="n",
                message_id=9,
            )
        )
    async with db.read() as session:
        found = await find_by_message(session, 42, 9)
    assert found is not None and found.subject_task_id == task
    assert isinstance(found.payload, NoticePayload) and found.payload.params == {"number": 6}
