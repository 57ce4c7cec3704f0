"""Shared helpers of the scheduler tests: the commune's Telegram users, outbox queries."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import select

from plans.text import match_key
from sandbox.devserver import FakeBotApi
from storage.db import Database
from storage.models import Field, OutboxMessage, Person, Task, TaskUnit, UnitRole
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    OTHER_CHAIR_TG,
    VIEWER_TG,
    Commune,
)

ALL_TG = (ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OFFICER_TC_TG, VIEWER_TG, OTHER_CHAIR_TG)


def add_users(api: FakeBotApi, ids: tuple[int, ...] = ALL_TG) -> None:
    """Give every seeded person a private chat on the fake server."""
    for tg in ids:
        if tg not in api.state.users:
            api.add_user(f"user{tg}", user_id=tg)


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.read() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def person(db: Database, person_id: int) -> Person:
    async with db.read() as session:
        found = await session.get(Person, person_id)
        assert found is not None
        return found


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [m.text or "" for m in api.bot_messages(chat_id)]


def duplicates(api: FakeBotApi, chat_ids: list[int]) -> Counter[str]:
    """Texts delivered more than once to the same chat."""
    seen: Counter[str] = Counter()
    for chat in chat_ids:
        for m in api.bot_messages(chat):
            seen[f"{chat}:{m.text}"] += 1
    return Counter({k: n for k, n in seen.items() if n > 1})


async def add_task(
    db: Database,
    commune: Commune,
    number: int,
    due: date | None,
    *,
    lead: str = "tp",
    kind: str = "date",
    content: str = "Nhiệm vụ thử nghiệm",
) -> int:
    """One more task in the commune's plan (field I), led by ``lead``."""
    async with db.write() as session:
        field_id = await session.scalar(
            select(Field.id).where(Field.plan_id == commune.plan_id).order_by(Field.ordinal)
        )
        task = Task(
            plan_id=commune.plan_id,
            field_id=field_id,
            number=number,
            content=content,
            content_key=match_key(content),
            deadline_text=due.isoformat() if due else "Thường xuyên",
            deadline_kind=kind,
            due_date=due,
        )
        session.add(task)
        await session.flush()
        session.add(TaskUnit(task_id=task.id, unit_id=commune.unit_ids[lead], role=UnitRole.LEAD))
        return task.id


def at(text: str) -> datetime:
    """An aware local instant: ``at("2024-06-03 07:30")``."""
    return datetime.fromisoformat(text.replace(" ", "T") + "+07:00")
