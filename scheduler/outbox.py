"""The reminder outbox: idempotent filling, safe claiming, honest bookkeeping.

The outbox table is the truth about which reminders exist and which were
delivered (APScheduler only drives the tick).  Three rules make it safe:

* Planning inserts with ``INSERT … ON CONFLICT DO NOTHING`` on the unique
  (recipient_key, subject, occasion) key, so a planner may run twice, or on
  two replicas, and still write each reminder once.
* Delivery *claims* rows in a short transaction (PostgreSQL: ``FOR UPDATE
  SKIP LOCKED``, so concurrent dispatchers never take the same row; SQLite:
  the whole claim runs under ``BEGIN IMMEDIATE``), sends outside any
  transaction, then records the outcome in another short transaction.
* A row stuck in ``sending`` (its dispatcher died mid-flight) goes back to
  ``pending`` after a timeout: at most that in-flight message can repeat.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, rows_matched, upsert_insert
from storage.directory import audit
from storage.models import OutboxMessage, OutboxState
from storage.outbox import NoticePayload, Payload, decode, encode, with_task_ids

log = logging.getLogger(__name__)

DEFAULT_REAP_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One message the planner wants in the outbox (not yet a row).

    Not :class:`storage.drafts.Draft`, a person's unconfirmed progress reply.
    The row's ``kind`` column is the payload's kind.
    """

    recipient_key: str
    chat_id: int
    subject: str
    occasion: str
    due_at: datetime
    payload: Payload
    organization_id: int | None = None
    person_id: int | None = None

    @property
    def kind(self) -> str:
        return self.payload.kind

    def row(self) -> dict[str, Any]:
        """Column values for the insert."""
        return {
            "organization_id": self.organization_id,
            "person_id": self.person_id,
            "chat_id": self.chat_id,
            "recipient_key": self.recipient_key,
            "subject": self.subject,
            "occasion": self.occasion,
            "kind": self.kind,
            "payload": encode(self.payload),
            "due_at": self.due_at,
            "state": OutboxState.PENDING,
            "attempts": 0,
        }


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice to one person: a catalog key and its parameters, worded at send time.

    The (person, ``subject``, ``occasion``) key makes it idempotent: the
    unreachable warning is keyed by the day the person became unreachable,
    a nudge by task and local day, a season reminder by year and day.
    """

    person_id: int
    chat_id: int
    subject: str
    occasion: str
    due_at: datetime
    key: str
    params: Mapping[str, Any]
    lang: str | None
    organization_id: int | None = None

    def planned(self) -> PlannedMessage:
        return PlannedMessage(
            recipient_key=f"person:{self.person_id}",
            chat_id=self.chat_id,
            subject=self.subject,
            occasion=self.occasion,
            due_at=self.due_at,
            payload=NoticePayload(key=self.key, params=dict(self.params), lang=self.lang),
            organization_id=self.organization_id,
            person_id=self.person_id,
        )


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row this dispatcher now owns (state ``sending``), as plain data."""

    id: int
    organization_id: int | None
    person_id: int | None
    chat_id: int
    recipient_key: str
    subject: str
    occasion: str
    kind: str
    payload: Payload = field(hash=False)
    due_at: datetime
    attempts: int


async def insert_drafts(session: AsyncSession, drafts: Sequence[PlannedMessage]) -> int:
    """Insert drafts, ignoring those already planned; return how many rows are new.

    SQLite: one executemany of a single-row ``INSERT … ON CONFLICT DO NOTHING``
    (one prepared statement), about five times faster than multi-row
    ``VALUES`` with ``RETURNING``; the count is the driver's row count.
    PostgreSQL: asyncpg reports no row count for executemany, so the new ids
    come back with ``RETURNING`` (SQLAlchemy batches those rows itself).
    """
    if not drafts:
        return 0
    insert = upsert_insert(session)
    stmt = insert(OutboxMessage).on_conflict_do_nothing(
        index_elements=["recipient_key", "subject", "occasion"]
    )
    rows = [d.row() for d in drafts]
    # Core on the session's connection: the ORM's bulk path would not report the count.
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        return len((await connection.execute(stmt.returning(OutboxMessage.id), rows)).all())
    return int((await connection.execute(stmt, rows)).rowcount)


async def queue_notice(session: AsyncSession, notices: Iterable[Notice]) -> int:
    """Queue notices (each written once, see :class:`Notice`); return how many are new.

    The one way a notice enters the outbox: the dispatcher's word to the plan
    keeper, the chairman's nudge and the season reminders.
    """
    return await insert_drafts(session, [n.planned() for n in notices])


async def queue_nudge(
    db: Database,
    notices: Sequence[Notice],
    *,
    organization_id: int,
    task_id: int,
    sender_id: int,
    actor: str,
    at: datetime,
) -> int:
    """The chairman's nudge about one task: its notices and its audit line, one transaction.

    Returns how many notices are new (0: already nudged today, see :class:`Notice`).
    """
    async with db.write() as session:
        queued = await queue_notice(session, notices)
        await audit(
            session,
            organization_id,
            sender_id,
            actor,
            "task.nudge",
            "task",
            task_id,
            {"queued": queued, "recipients": len(notices)},
            at=at,
        )
    return queued


def _due(now: datetime) -> Any:
    return and_(
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.due_at <= now,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )


async def claim(db: Database, worker: str, now: datetime, limit: int = 100) -> list[Claimed]:
    """Take up to ``limit`` due rows for ``worker`` (oldest first) and mark them ``sending``."""
    async with db.write() as session:
        query = (
            select(OutboxMessage)
            .where(_due(now))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        rows = list(await session.scalars(query))
        if not rows:
            return []
        ids = [r.id for r in rows]
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                state=OutboxState.SENDING,
                claimed_by=worker,
                claimed_at=now,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return [
            Claimed(
                r.id,
                r.organization_id,
                r.person_id,
                r.chat_id,
                r.recipient_key,
                r.subject,
                r.occasion,
                r.kind,
                decode(r.payload, r.kind),
                r.due_at,
                r.attempts + 1,
            )
            for r in rows
        ]


async def _set(db: Database, row_id: int, worker: str | None, **values: Any) -> bool:
    """Update a row still claimed by ``worker`` (a reaped-and-reclaimed row is not ours)."""
    async with db.write() as session:
        cond = [OutboxMessage.id == row_id]
        if worker is not None:
            cond += [
                OutboxMessage.state == OutboxState.SENDING,
                OutboxMessage.claimed_by == worker,
            ]
        result = await session.execute(
            update(OutboxMessage)
            .where(*cond)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(rows_matched(result))


async def mark_sent(
    db: Database,
    row_id: int,
    worker: str,
    now: datetime,
    message_id: int | None,
    task_ids: list[int],
) -> None:
    """Record delivery and the Telegram message id (replies to the reminder find it by that)."""
    async with db.write() as session:
        row = await session.get(OutboxMessage, row_id)
        if row is None:
            return
        payload = with_task_ids(decode(row.payload, row.kind), tuple(task_ids))
        row.state = OutboxState.SENT
        row.sent_at = now
        row.message_id = message_id
        row.payload = encode(payload)
        row.last_error = None
        if row.claimed_by != worker:
            log.warning("outbox %s sent by %s but claimed by %s", row_id, worker, row.claimed_by)


async def mark_retry(
    db: Database, row_id: int, worker: str, at: datetime, error: str, *, count: bool = True
) -> None:
    """Put a row back to ``pending`` until ``at`` (``count=False`` refunds the attempt)."""
    values: dict[str, Any] = {
        "state": OutboxState.PENDING,
        "next_attempt_at": at,
        "last_error": error[:1000],
        "claimed_by": None,
        "claimed_at": None,
    }
    if not count:
        values["attempts"] = OutboxMessage.attempts - 1
    await _set(db, row_id, worker, **values)


async def mark_failed(db: Database, row_id: int, worker: str, error: str) -> None:
    """Give up on a row for good (kept, with its error, for the record)."""
    await _set(db, row_id, worker, state=OutboxState.FAILED, last_error=error[:1000])


async def mark_cancelled(db: Database, row_id: int, worker: str, reason: str) -> None:
    """Nothing left to say (every task done since planning)."""
    await _set(db, row_id, worker, state=OutboxState.CANCELLED, last_error=reason[:1000])


async def release(db: Database, row_ids: Iterable[int], worker: str) -> int:
    """Hand back rows claimed but not sent (graceful stop): pending again, attempt refunded."""
    ids = list(row_ids)
    if not ids:
        return 0
    async with db.write() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.state == OutboxState.SENDING,
                OutboxMessage.claimed_by == worker,
            )
            .values(
                state=OutboxState.PENDING,
                claimed_by=None,
                claimed_at=None,
                attempts=OutboxMessage.attempts - 1,
            )
            .execution_options(synchronize_session=False)
        )
        return rows_matched(result)


async def reap(db: Database, now: datetime, older_than: timedelta = DEFAULT_REAP_AFTER) -> int:
    """Return rows stuck in ``sending`` since before ``now - older_than`` to ``pending``."""
    async with db.write() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.state == OutboxState.SENDING,
                OutboxMessage.claimed_at < now - older_than,
            )
            .values(state=OutboxState.PENDING, claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        count = rows_matched(result)
    if count:
        log.warning("reaped %d outbox rows stuck in 'sending'", count)
    return count


async def state_counts(db: Database) -> dict[str, int]:
    """How many rows are in each state (for logs, benchmarks and tests)."""
    async with db.read() as session:
        rows = await session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
        return {str(state.value if hasattr(state, "value") else state): n for state, n in rows}
