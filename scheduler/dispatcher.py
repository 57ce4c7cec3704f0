"""The dispatcher: deliver due outbox rows within Telegram's limits, and keep honest books.

One pass (:meth:`Dispatcher.run`) reaps rows stuck in ``sending``, then
claims due rows in batches (see :mod:`scheduler.outbox`) and sends them with
bounded concurrency.  Each message is rendered from the state *at send
time*, sent outside any transaction, and its outcome recorded:

* sent -> ``sent`` with the Telegram ``message_id`` (replies find the reminder);
* nothing left to say (tasks done since planning) -> ``cancelled``;
* 429 ``RetryAfter`` -> back to ``pending`` at ``retry_after``, attempt refunded,
  only that chat waits -- the rest of the fan-out goes on;
* network errors, time-outs, 5xx -> retried with exponential backoff; after
  ``max_attempts`` the row is ``failed`` with its error, and logged as an error;
* 403 (blocked, deactivated, never started, bot kicked from the group) ->
  ``failed``, the person marked unreachable, and the plan keeper told once
  (an outbox notice keyed by the person and the day they became unreachable).

PTB's ``AIORateLimiter`` keeps the whole bot under 30 messages/s and 20/min
per group but has no per-private-chat limit, so this class spaces messages
to one chat by ``per_chat_interval`` (1 s) itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from core import callbacks
from plans.clock import Clock
from scheduler.context import OrgContext, load_contexts
from scheduler.outbox import (
    DEFAULT_REAP_AFTER,
    Claimed,
    Notice,
    claim,
    mark_cancelled,
    mark_failed,
    mark_retry,
    mark_sent,
    queue_notice,
    reap,
    release,
)
from scheduler.render import BUTTONS_PER_ROW, button_label, render
from storage.db import Database
from storage.directory import set_person_reachable
from storage.models import Organization, Person, PersonStatus, Role
from storage.outbox import UnknownPayload

log = logging.getLogger(__name__)


@dataclass
class DispatchReport:
    """Counts of one dispatcher pass."""

    claimed: int = 0
    sent: int = 0
    cancelled: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    unreachable: int = 0
    released: int = 0
    reaped: int = 0
    errors: list[str] = field(default_factory=list)


def _seconds(value: Any) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def keyboard(task_ids: Iterable[int], ctx: OrgContext | None, lang: str) -> InlineKeyboardMarkup:
    """One ``tk:<id>`` button per task, a few per row."""
    views = ctx.tasks_by_id if ctx else {}
    buttons = [
        InlineKeyboardButton(
            button_label(views.get(i), i, lang), callback_data=callbacks.task_menu(i)
        )
        for i in task_ids
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


class Dispatcher:
    """Delivers the outbox; one per process (it remembers when each chat was last written)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        worker_id: str | None = None,
        concurrency: int = 16,
        batch_size: int = 100,
        per_chat_interval: float = 1.0,
        max_per_second: float | None = 29.0,
        reap_after: timedelta = DEFAULT_REAP_AFTER,
        max_attempts: int = 12,
        base_backoff: timedelta = timedelta(seconds=15),
        max_backoff: timedelta = timedelta(hours=1),
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.clock = clock
        self.worker_id = worker_id or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self.concurrency = concurrency
        self.batch_size = batch_size
        self.per_chat_interval = per_chat_interval
        self.max_per_second = max_per_second
        self._next_slot = 0.0
        self._pace_lock = asyncio.Lock()
        self.reap_after = reap_after
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.max_backoff = max_backoff
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_free: dict[int, float] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._stopping = False
        self._idle = asyncio.Event()
        self._idle.set()

    # --- lifecycle -----------------------------------------------------------------

    def request_stop(self) -> None:
        """Finish the messages in flight, start no new one, hand the rest back."""
        self._stopping = True

    async def wait_idle(self) -> None:
        """Wait until the current pass (if any) has returned."""
        await self._idle.wait()

    async def stop(self) -> None:
        """Graceful stop: request it and wait for the pass to return its unsent rows."""
        self.request_stop()
        await self.wait_idle()

    async def _pace(self) -> None:
        """Space sends evenly just under the overall limit.

        PTB's limiter lets 30 through at once and then waits; Telegram's bucket
        (and the fake server's) refills continuously, so bursts at the edge of a
        second draw 429s, and with ``max_retries`` each 429 pauses *every*
        request.  An even 29/s never meets the edge.  Several replicas should
        share the budget (``max_per_second = 29 / replicas``).
        """
        if not self.max_per_second:
            return
        async with self._pace_lock:
            now = self._monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.max_per_second
        if slot > now:
            await self._sleep(slot - now)

    def backoff(self, attempts: int) -> timedelta:
        """Delay before attempt ``attempts + 1``: 15 s, 30 s, 1 min … capped at an hour."""
        factor: int = 2 ** max(0, attempts - 1)  # typeshed: int ** int may be a float
        delay = self.base_backoff * factor
        return min(delay, self.max_backoff)

    # --- one pass ------------------------------------------------------------------------

    async def run(self, bot: Bot) -> DispatchReport:
        """Deliver everything due now; returns when nothing due is left (or on stop).

        Batches overlap: the next batch is claimed as soon as the current one
        has few rows left waiting for a slot, so one slow send (a 5 s time-out)
        holds up one slot, not the whole fan-out.
        """
        report = DispatchReport()
        self._idle.clear()
        gate = asyncio.Semaphore(self.concurrency)
        waiting: set[int] = set()  # claimed rows not yet in flight, across batches
        progressed = asyncio.Event()
        batches: set[asyncio.Task[None]] = set()
        try:
            now = self.clock.now()
            report.reaped = await reap(self.db, now, self.reap_after)
            while not self._stopping:
                batch = await claim(self.db, self.worker_id, now, self.batch_size)
                if not batch:
                    if not batches:
                        break
                    # Sends in flight may add rows due now (a notice to the plan
                    # keeper after a 403): look again once one batch is done.
                    await asyncio.wait(set(batches), return_when=asyncio.FIRST_COMPLETED)
                    continue
                report.claimed += len(batch)
                waiting.update(row.id for row in batch)
                task = asyncio.create_task(
                    self._run_batch(bot, batch, report, gate, waiting, progressed)
                )
                batches.add(task)
                task.add_done_callback(batches.discard)
                task.add_done_callback(_log_failed_batch)
                while len(waiting) > self.concurrency and not self._stopping:
                    progressed.clear()
                    await progressed.wait()
            if batches:
                await asyncio.gather(*batches)
        finally:
            # Cancelled (shutdown, a killed tick): the batches go down with the pass,
            # each handing its not-yet-started rows back.
            for task in batches:
                task.cancel()
            if batches:
                await asyncio.gather(*batches, return_exceptions=True)
            self._idle.set()
        return report

    async def _run_batch(
        self,
        bot: Bot,
        batch: list[Claimed],
        report: DispatchReport,
        gate: asyncio.Semaphore,
        waiting: set[int],
        progressed: asyncio.Event,
    ) -> None:
        mine = {row.id for row in batch}
        contexts: dict[int, OrgContext] = {}

        async def one(row: Claimed) -> None:
            async with gate:
                if self._stopping:
                    return
                waiting.discard(row.id)  # from here on the row is in flight
                mine.discard(row.id)
                progressed.set()
                await self._deliver(bot, row, contexts.get(row.organization_id or 0), report)

        try:
            contexts = await self._contexts(batch)
            # A task group, not gather: when one delivery fails (the database went away
            # under mark_sent), the others are cancelled before the rows not yet started
            # are handed back; left running, they would send rows already pending again.
            async with asyncio.TaskGroup() as group:
                for row in batch:
                    group.create_task(one(row))
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None
        finally:
            # The pass's books first: if handing back fails too (the database is down),
            # the pass must still see these rows leave ``waiting``, or it waits for ever.
            unstarted = set(mine)
            waiting.difference_update(unstarted)
            progressed.set()
            if unstarted:
                released = await asyncio.shield(release(self.db, unstarted, self.worker_id))
                report.released += released

    async def _contexts(self, batch: list[Claimed]) -> dict[int, OrgContext]:
        ids = {r.organization_id for r in batch if r.organization_id is not None}
        if not ids:
            return {}
        async with self.db.read() as session:
            # a digest says how many tasks are done, never on which day: no done_at
            return {c.id: c for c in await load_contexts(session, ids, with_done_at=False)}

    # --- one message --------------------------------------------------------------------

    async def _deliver(
        self, bot: Bot, row: Claimed, ctx: OrgContext | None, report: DispatchReport
    ) -> None:
        if isinstance(row.payload, UnknownPayload):
            # written by another version of the bot: kept, with the reason, for the record
            log.error("outbox %s: unknown payload kind %r", row.id, row.payload.kind)
            await mark_failed(
                self.db, row.id, self.worker_id, f"unknown payload kind {row.payload.kind!r}"
            )
            report.failed += 1
            return
        name = None
        if ctx is not None and row.person_id is not None:
            member = ctx.member(row.person_id)
            name = member.name if member else None
        try:
            rendered = render(row.payload, ctx, name, self.clock.now())
        except Exception as exc:  # a bad payload must not stop the fan-out
            log.exception("outbox %s: cannot render", row.id)
            await mark_failed(self.db, row.id, self.worker_id, f"render: {exc!r}")
            report.failed += 1
            return
        if rendered is None:
            await mark_cancelled(self.db, row.id, self.worker_id, "nothing left to remind")
            report.cancelled += 1
            return
        lang = row.payload.lang or (ctx.lang if ctx else "vi")
        markup = keyboard(rendered.task_ids, ctx, lang) if rendered.task_ids else None
        lock = self._chat_locks.setdefault(row.chat_id, asyncio.Lock())
        async with lock:
            wait = self._next_free.get(row.chat_id, 0.0) - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
            await self._pace()
            try:
                message = await bot.send_message(
                    chat_id=row.chat_id,
                    text=rendered.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            except RetryAfter as exc:
                delay = max(1.0, _seconds(exc.retry_after))
                self._next_free[row.chat_id] = self._monotonic() + delay
                at = self.clock.now() + timedelta(seconds=delay)
                await mark_retry(self.db, row.id, self.worker_id, at, f"429: {exc}", count=False)
                report.rate_limited += 1
                return
            except Forbidden as exc:
                await self._unreachable(row, f"403: {exc}", report)
                return
            except BadRequest as exc:
                if "chat not found" in str(exc).lower():
                    await self._unreachable(row, f"400: {exc}", report)
                else:
                    log.error("outbox %s refused by Telegram: %s", row.id, exc)
                    await mark_failed(self.db, row.id, self.worker_id, f"400: {exc}")
                    report.failed += 1
                return
            except (NetworkError, TelegramError, OSError) as exc:
                await self._transient(row, exc, report)
                return
            finally:
                self._next_free[row.chat_id] = max(
                    self._next_free.get(row.chat_id, 0.0),
                    self._monotonic() + self.per_chat_interval,
                )
        await mark_sent(
            self.db, row.id, self.worker_id, self.clock.now(), message.message_id, rendered.task_ids
        )
        report.sent += 1

    async def _transient(self, row: Claimed, exc: BaseException, report: DispatchReport) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if row.attempts >= self.max_attempts:
            log.error("outbox %s failed after %d attempts: %s", row.id, row.attempts, error)
            await mark_failed(self.db, row.id, self.worker_id, error)
            report.failed += 1
            report.errors.append(error)
            return
        at = self.clock.now() + self.backoff(row.attempts)
        log.warning(
            "outbox %s attempt %d failed (%s); retry at %s", row.id, row.attempts, error, at
        )
        await mark_retry(self.db, row.id, self.worker_id, at, error)
        report.retried += 1

    async def _unreachable(self, row: Claimed, error: str, report: DispatchReport) -> None:
        """403: fail the row, mark the person unreachable, tell the plan keeper once."""
        await mark_failed(self.db, row.id, self.worker_id, error)
        report.failed += 1
        report.unreachable += 1
        now = self.clock.now()
        async with self.db.write() as session:
            org = (
                await session.get(Organization, row.organization_id)
                if row.organization_id
                else None
            )
            since = now
            params: dict[str, Any]
            if row.person_id is not None:
                person = await session.get(Person, row.person_id)
                if person is None:
                    return
                await set_person_reachable(
                    session,
                    person,
                    False,
                    now,
                    actor="system:dispatcher",
                    details={"error": error[:200], "outbox_id": row.id},
                )
                since = person.unreachable_since or now
                subject = f"unreachable:person:{person.id}"
                key = "reminders.notice.unreachable"
                params = {"name": person.full_name}
                exclude = person.id
            else:
                subject = f"unreachable:chat:{row.chat_id}"
                key = "reminders.notice.group_unreachable"
                params = {}
                exclude = None
            tz = org.timezone if org is not None else "Asia/Ho_Chi_Minh"
            from zoneinfo import ZoneInfo

            local = since.astimezone(ZoneInfo(tz))
            params["date"] = local.strftime("%d/%m/%Y")
            keepers = list(
                await session.scalars(
                    select(Person).where(
                        Person.organization_id == row.organization_id,
                        Person.role == Role.ADMIN,
                        Person.status == PersonStatus.ACTIVE,
                        Person.reachable.is_(True),
                        Person.telegram_user_id.is_not(None),
                    )
                )
            )
            await queue_notice(
                session,
                (
                    Notice(
                        person_id=k.id,
                        chat_id=int(k.telegram_user_id or 0),
                        subject=subject,
                        occasion=since.isoformat(),
                        due_at=now,
                        key=key,
                        params=params,
                        lang=k.language or (org.language if org else "vi"),
                        organization_id=row.organization_id,
                    )
                    for k in keepers
                    if k.id != exclude
                ),
            )
        log.warning("outbox %s: recipient %s unreachable (%s)", row.id, row.recipient_key, error)


def _log_failed_batch(task: asyncio.Task[None]) -> None:
    """Log a batch that failed (the database went away under it) when it fails.

    The pass goes on without gathering it, so asyncio would otherwise report
    "exception was never retrieved" whenever the garbage collector met the
    task, holding the batch's frames, and their open cursors, until then.
    """
    if task.cancelled():
        return
    failure = task.exception()
    if failure is not None:
        log.error("an outbox batch failed; its unsent rows were handed back", exc_info=failure)
