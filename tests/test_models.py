"""The schema's promises: unique outbox keys, append-only progress, valid percents."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.db import Database
from storage.directory import add_organization
from storage.guards import AppendOnlyViolation
from storage.models import (
    Field,
    OutboxMessage,
    Plan,
    ProgressUpdate,
    Task,
    UpdateChannel,
)

NOW = datetime(2024, 6, 3, 0, 30, tzinfo=UTC)


async def _task(database: Database) -> int:
    async with database.write() as session:
        org = await add_organization(session, "Vĩnh Khê")
        plan = Plan(organization_id=org.id, number="10/KH-UBND", year=2024)
        session.add(plan)
        await session.flush()
        field = Field(plan_id=plan.id, key="I", ordinal=1, title="Chỉ đạo điều hành")
        session.add(field)
        await session.flush()
        task = Task(
            plan_id=plan.id,
            field_id=field.id,
            number=1,
            content="Ban hành kế hoạch",
            content_key="ban hanh ke hoach",
            deadline_kind="date",
            due_date=date(2024, 1, 31),
        )
        session.add(task)
        await session.flush()
        session.add(ProgressUpdate(task_id=task.id, percent=50, channel=UpdateChannel.IMPORT))
        return task.id


def _outbox(**overrides: object) -> OutboxMessage:
    values: dict[str, object] = dict(
        chat_id=1001,
        recipient_key="person:1",
        subject="digest",
        occasion="2024-06-03:before",
        kind="digest",
        payload={"task_ids": [1]},
        due_at=NOW,
    )
    values.update(overrides)
    return OutboxMessage(**values)


async def test_outbox_key_is_unique(any_db: Database) -> None:
    async with any_db.write() as session:
        session.add(_outbox())
    with pytest.raises(IntegrityError):
        async with any_db.write() as session:
            session.add(_outbox(chat_id=2002))
    async with any_db.write() as session:  # another occasion is another reminder
        session.add(_outbox(occasion="2024-06-04:before"))
    async with any_db.read() as session:
        assert len((await session.scalars(select(OutboxMessage))).all()) == 2


async def test_outbox_instants_come_back_aware(any_db: Database) -> None:
    async with any_db.write() as session:
        session.add(_outbox())
    async with any_db.read() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None and row.due_at == NOW and row.due_at.tzinfo is not None


async def test_progress_updates_refuse_orm_update_and_delete(any_db: Database) -> None:
    await _task(any_db)
    with pytest.raises(AppendOnlyViolation):
        async with any_db.write() as session:
            row = await session.scalar(select(ProgressUpdate))
            assert row is not None
            row.percent = 100
    with pytest.raises(AppendOnlyViolation):
        async with any_db.write() as session:
            row = await session.scalar(select(ProgressUpdate))
            await session.delete(row)


async def test_progress_updates_refuse_sql_update_and_delete(any_db: Database) -> None:
    await _task(any_db)
    with pytest.raises(DBAPIError, match="append-only"):
        async with any_db.write() as session:
            await session.execute(update(ProgressUpdate).values(percent=100))
    with pytest.raises(DBAPIError, match="append-only"):
        async with any_db.write() as session:
            await session.execute(delete(ProgressUpdate))
    async with any_db.read() as session:
        row = await session.scalar(select(ProgressUpdate))
    assert row is not None and row.percent == 50


async def test_deleting_a_task_takes_its_history_with_it(any_db: Database) -> None:
    task_id = await _task(any_db)
    async with any_db.write() as session:
        await session.execute(delete(Task).where(Task.id == task_id))
    async with any_db.read() as session:
        left = await session.scalar(text("SELECT COUNT(*) FROM progress_updates"))
    assert left == 0


async def test_percent_must_be_between_0_and_100(any_db: Database) -> None:
    task_id = await _task(any_db)
    with pytest.raises(IntegrityError):
        async with any_db.write() as session:
            session.add(ProgressUpdate(task_id=task_id, percent=120, channel=UpdateChannel.COMMAND))
