"""The tick: plan what is due, then deliver the outbox. PTB's JobQueue only drives it.

Nothing about which reminders exist lives in APScheduler: the tick reads the
database, so a restart (or a second replica) picks up exactly where the
last one left off.  :func:`install` schedules the tick under a fixed job
name (installing twice replaces, never doubles) with an explicit
``misfire_grace_time`` -- APScheduler's default of 1 s would silently drop
a tick that starts a little late -- and a first run a second after start:
that first tick is the catch-up after downtime.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application

from core.context import Services, services_of
from scheduler.dispatcher import Dispatcher, DispatchReport
from scheduler.planner import PlanReport, plan_due
from scheduler.report_drafts import send_due_drafts
from storage.heartbeat import record_tick

log = logging.getLogger(__name__)

JOB_NAME = "cchc-scheduler-tick"
FIRST_RUN_SECONDS = 1.0
STATE_KEY = "scheduler"


@dataclass
class TickReport:
    plan: PlanReport | None
    dispatch: DispatchReport | None


@dataclass
class _TickState:
    """The scheduler's share of the process: one dispatcher, one lock against overlapping ticks."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    dispatcher: Dispatcher | None = None


def _state(app: Application[Any, Any, Any, Any, Any, Any]) -> _TickState:
    state = app.bot_data.get(STATE_KEY)
    if not isinstance(state, _TickState):
        state = app.bot_data[STATE_KEY] = _TickState()
    return state


def tick_running(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Whether a tick is under way (a nudge starts one in the background; tests wait on it)."""
    return _state(app).lock.locked()


def dispatcher_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Dispatcher:
    """The process's dispatcher (created on first use; a new database gets a new one)."""
    services = services_of(app)
    state = _state(app)
    if state.dispatcher is None or state.dispatcher.db is not services.database:
        state.dispatcher = Dispatcher(
            services.database,
            services.clock,
            max_per_second=services.settings.dispatch_max_per_second,
        )
    return state.dispatcher


async def run_tick(app: Application[Any, Any, Any, Any, Any, Any]) -> TickReport:
    """Plan (one short write transaction), then deliver (sends outside any transaction).

    Ticks never overlap in one process: a tick that finds another running
    returns at once (the running one is already delivering).
    """
    lock = _state(app).lock
    if lock.locked():
        log.debug("tick skipped: the previous one is still running")
        return TickReport(None, None)
    async with lock:
        services = services_of(app)
        dispatcher = dispatcher_of(app)
        plan: PlanReport | None = None
        try:
            plan = await plan_due(services.database, services.clock.now())
        except Exception:  # planning must not stop delivery of what is already planned
            log.exception("planning failed")
        try:
            await send_due_drafts(
                app.bot, services.database, services.clock.now(), services.renderer
            )
        except Exception:  # a failed draft must not stop the reminders
            log.exception("report drafts failed")
        dispatch = await dispatcher.run(app.bot)
        if dispatch.sent or dispatch.failed or dispatch.retried or dispatch.rate_limited:
            log.info(
                "tick: sent %d, cancelled %d, retried %d, 429 %d, failed %d",
                dispatch.sent,
                dispatch.cancelled,
                dispatch.retried,
                dispatch.rate_limited,
                dispatch.failed,
            )
        await _heartbeat(services)
        return TickReport(plan, dispatch)


async def _heartbeat(services: Services) -> None:
    """Write when this host's tick finished, for ``cchc-bot health``."""
    try:
        async with services.database.write() as session:
            await record_tick(session, services.clock.now())
    except Exception:  # the health check will say so; the reminders go on
        log.warning("could not record the scheduler heartbeat", exc_info=True)


async def _tick_job(context: Any) -> None:
    try:
        await run_tick(context.application)
    except Exception:
        log.exception("scheduler tick failed")


async def shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop delivering gracefully: in-flight messages finish, unsent claims go back to pending."""
    dispatcher = _state(app).dispatcher
    if dispatcher is not None:
        await dispatcher.stop()


def install(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Schedule the tick on the application's JobQueue (idempotent: fixed job name)."""
    queue = app.job_queue
    if queue is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]); reminders are off")
        return
    for job in queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    interval = services_of(app).settings.tick_seconds
    queue.run_repeating(
        _tick_job,
        interval=interval,
        first=FIRST_RUN_SECONDS,
        name=JOB_NAME,
        job_kwargs={
            "misfire_grace_time": max(60, int(interval * 2)),
            "coalesce": True,
            "max_instances": 1,
        },
    )
    log.info("scheduler tick every %.0f s installed", interval)
