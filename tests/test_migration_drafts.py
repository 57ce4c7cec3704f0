"""Migration 0007: drafts kept as audit-log lines move to their own table, ids and all.

A commune upgrades while an officer's "được 60%" waits for "Đúng", another
reading was already confirmed, a file is awaited as evidence and the plan
keeper is half-way through mapping an upload's names. After the upgrade the
waiting ones still work from the buttons already sent, the confirmed one is
still "already done", and the audit log is exactly as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text

from core import callbacks as cb
from handlers.update_drafts import draft_keyboard
from plans.errors import UserError
from sandbox.harness import BotHarness
from storage import drafts
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.migrate import upgrade_async
from storage.models import AuditLog, Base
from storage.progress import confirm_draft
from tests.factories import ADMIN_TG, OFFICER_TP_TG, Commune, seed_commune
from tests.officers_support import last, press, updates_of, user

BEFORE = "0006_staff_roster"
AT = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)
READING = {
    "percent": 60,
    "status_text": None,
    "output": None,
    "expected_date": None,
    "note": "được 60%",
    "attachments": [],
    "conflict": False,
    "asks": False,
}


async def _line(
    session: Any, org: int, person: int, action: str, entity_id: Any, details: dict
) -> int:
    row = AuditLog(
        organization_id=org,
        person_id=person,
        action=action,
        entity="draft" if action.startswith(("draft.resolved", "draft.step")) else "task",
        entity_id=entity_id,
        details=details,
        created_at=AT,
    )
    session.add(row)
    await session.flush()
    return row.id


def _later_columns(conn: Any) -> list[tuple[str, str, str]]:
    """(table, column, type) the models have and the 0006 tables lack (added by later steps)."""
    tables = set(inspect(conn).get_table_names())
    missing = []
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        present = {c["name"] for c in inspect(conn).get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                missing.append((table.name, column.name, column.type.compile(conn.dialect)))
    return missing


async def _before_upgrade(url: str) -> tuple[Commune, dict[str, int]]:
    """The database at 0006 with every kind of draft written the old way.

    The seeding uses head's models, so a column a later migration adds is
    lent to the 0006 tables while seeding and taken away again before the upgrade.
    """
    await upgrade_async(url, BEFORE)
    database = Database(url)
    async with database.engine.begin() as conn:
        lent = await conn.run_sync(_later_columns)
        for table, column, kind in lent:
            await conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    try:
        commune = await seed_commune(database)
        task3, task4 = commune.task_ids[3], commune.task_ids[4]
        async with database.write() as session:
            officer = await person_by_telegram_id(session, OFFICER_TP_TG)
            keeper = await person_by_telegram_id(session, ADMIN_TG)
            assert officer is not None and keeper is not None
            org = commune.org_id
            ids = {
                "done": await _line(
                    session,
                    org,
                    officer.id,
                    "draft.progress",
                    task4,
                    {"candidates": [task4], "data": dict(READING, percent=30)},
                ),
                "waiting": await _line(
                    session,
                    org,
                    officer.id,
                    "draft.progress",
                    task3,
                    {"candidates": [task3], "data": READING},
                ),
                "evidence": await _line(
                    session,
                    org,
                    officer.id,
                    "evidence.wait",
                    task3,
                    {"candidates": [task3], "data": {}},
                ),
                "upload": await _line(
                    session,
                    org,
                    keeper.id,
                    "draft.plan_upload",
                    None,
                    {"candidates": [], "data": {"file_id": "f", "names": ["A", "B"]}},
                ),
            }
            await _line(
                session, org, officer.id, "draft.resolved", ids["done"], {"outcome": "confirmed"}
            )
            await _line(
                session, org, keeper.id, "draft.step", ids["upload"], {"name": "A", "to": 1}
            )
            await _line(
                session, org, keeper.id, "draft.step", ids["upload"], {"name": "B", "to": None}
            )
            ids["last_line"] = await _line(session, org, None, "person.language", 1, {})  # type: ignore[arg-type]
            ids["lines"] = int(
                await session.scalar(select(func.count()).select_from(AuditLog)) or 0
            )
        async with database.engine.begin() as conn:
            for table, column, _kind in lent:
                await conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    finally:
        await database.dispose()
    return commune, ids


async def test_drafts_move_with_their_ids(any_database_url: str) -> None:
    commune, ids = await _before_upgrade(any_database_url)
    await upgrade_async(any_database_url)
    database = Database(any_database_url)
    try:
        async with database.write() as session:
            officer = await person_by_telegram_id(session, OFFICER_TP_TG)
            keeper = await person_by_telegram_id(session, ADMIN_TG)
            assert officer is not None and keeper is not None
            waiting = await drafts.get_draft(session, ids["waiting"])
            done = await drafts.get_draft(session, ids["done"])
            evidence = await drafts.open_evidence_wait(session, officer.id)
            (upload,) = await drafts.open_drafts(session, keeper.id, drafts.PLAN_UPLOAD)
            steps = await drafts.draft_steps(session, ids["upload"])
            lines = await session.scalar(select(func.count()).select_from(AuditLog))
            fresh = await drafts.save_draft(
                session,
                person_id=officer.id,
                organization_id=commune.org_id,
                task_id=None,
                candidates=(),
                data={},
                now=AT + timedelta(hours=1),
            )
        assert waiting is not None and not waiting.resolved
        assert waiting.task_id == commune.task_ids[3] and waiting.data == READING
        assert done is not None and done.resolved
        assert evidence is not None and evidence.id == ids["evidence"]
        assert upload.id == ids["upload"] and upload.data["names"] == ["A", "B"]
        assert steps == [{"name": "A", "to": 1}, {"name": "B", "to": None}]
        assert lines == ids["lines"]  # the history is untouched: copied, never moved out
        assert fresh.id > ids["upload"]  # no new draft takes an id an old button carries

        confirmed = await confirm_draft(database, officer, ids["waiting"], at=AT)
        assert [(v.number, v.percent) for v in confirmed.tasks] == [(3, 60)]
        for pressed_again in (ids["waiting"], ids["done"]):
            with pytest.raises(UserError) as refused:
                await confirm_draft(database, officer, pressed_again, at=AT)
            assert refused.value.key == "officer.reply.already_done"
    finally:
        await database.dispose()


async def test_a_button_sent_before_the_upgrade_still_confirms(sqlite_database_url: str) -> None:
    commune, ids = await _before_upgrade(sqlite_database_url)
    async with BotHarness(sqlite_database_url) as harness:  # starting it upgrades to head
        an = user(harness, OFFICER_TP_TG)
        keyboard = draft_keyboard(ids["waiting"], [(3, READING)], "vi")
        await harness.application.bot.send_message(an.id, "Đã hiểu…", reply_markup=keyboard)
        echo = last(harness, an.id)
        confirm = cb.build(cb.CONFIRM, ids["waiting"])
        assert confirm in echo.button_data()
        await press(harness, an, echo, confirm)
        (row,) = await updates_of(harness, commune.task_ids[3])
        assert (row.percent, row.note, row.channel.value) == (60, "được 60%", "reply")
