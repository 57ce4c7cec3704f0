"""The draft report, early: N working days before each deadline, and again the day before.

A summary on the deadline morning leaves no time to draft, sign and send.
So for every report on the organization's calendar (``plans.report_kinds``)
that is not yet on record as sent, the plan keeper, the Chủ tịch and the
Phó Chủ tịch get, at the digest hour:

- ``draft_working_days`` working days before the deadline (default 3,
  ``/caidat duthao N``): the draft appendix (.docx, with the sent-report
  record's number once there is one) and who still owes figures;
- on the working day before the deadline: the same, refreshed.

Each message carries the "Đã gửi báo cáo" button; once the report is on
record nothing more is sent for it. Each (organization, report, occasion)
is sent once: the key is remembered in ``scheduler_state`` *before* sending
(a crash mid-send loses one draft rather than repeating it to the chairman).
A day missed while the bot was down is caught up until the next occasion.
Sent directly (a handful of documents a quarter), not through the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import TelegramError

from core import callbacks as cb
from core.offload import Renderer
from locales import t
from plans.calendar import PeriodKind
from plans.reminder_policy import ReminderPolicy, send_time
from plans.report_kinds import CCHC, PRESETS, DueReport, draft_days, due_reports
from plans.status_table import StatusTable, suggested_filename
from plans.workdays import is_working_day
from storage import report_records, reports
from storage.db import Database
from storage.models import Organization, OrgKind, Person, PersonStatus, Role, SchedulerState

log = logging.getLogger(__name__)

EARLY = "early"
DAY_BEFORE = "before"
MAX_OWING_LINES = 15
RECIPIENT_ROLES = (Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN)

# rs:<year>:<period kind index>:<report kind index>  the draft's "Đã gửi báo cáo" button;
# the press is handled in handlers/report_cycle.py, which decodes with these tables
MARK_SENT = "rs"
SENT_KIND_KEYS: tuple[str, ...] = (CCHC, *PRESETS)
SENT_PERIOD_KINDS: tuple[PeriodKind, ...] = tuple(PeriodKind)


def sent_button(kind: str, period_code: str, lang: str) -> InlineKeyboardMarkup | None:
    """The "Đã gửi báo cáo" button of a draft message."""
    if kind not in SENT_KIND_KEYS:
        return None
    year, period_kind = period_code.split("-", 1)
    data = cb.build(
        MARK_SENT,
        int(year),
        SENT_PERIOD_KINDS.index(PeriodKind(period_kind)),
        SENT_KIND_KEYS.index(kind),
    )
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t("reportcycle.button.sent", lang), callback_data=data)]]
    )


@dataclass(frozen=True, slots=True)
class DraftJob:
    org_id: int
    report: DueReport
    occasion: str
    key: str
    today: date  # the organization's local date


def occasion_on(report: DueReport, today: date, working_days: int) -> str | None:
    """EARLY from the early day until the day before; DAY_BEFORE from then to the deadline."""
    early, before = draft_days(report.deadline, working_days, is_working_day)
    if before <= today <= report.deadline:
        return DAY_BEFORE
    if early <= today < before:
        return EARLY
    return None


def state_key(org_id: int, report: DueReport, occasion: str) -> str:
    return f"report_draft:{org_id}:{report.kind.key}:{report.code}:{occasion}"


async def due_jobs(db: Database, now: datetime) -> list[DraftJob]:
    """The drafts due at ``now`` and not yet sent (reads only)."""
    jobs: list[DraftJob] = []
    async with db.read() as session:
        orgs = list(
            await session.scalars(select(Organization).where(Organization.kind != OrgKind.DISTRICT))
        )
        sent = await report_records.sent_keys(session, [o.id for o in orgs])
        cycles = await report_records.all_cycle_rows(session)
        done = set(
            await session.scalars(
                select(SchedulerState.key).where(SchedulerState.key.like("report_draft:%"))
            )
        )
        for org in orgs:
            calendar = reports.calendar_settings(org)
            tz = calendar.tzinfo
            today = now.astimezone(tz).date()
            policy = _policy(org)
            if now < send_time(today, policy, tz):
                continue
            settings = report_records.settings_of(org, cycles.get(org.id))
            for report in due_reports(list(settings.kinds), calendar, (today.year, today.year + 1)):
                if report.deadline < today or (report.kind.key, report.code) in sent[org.id]:
                    continue
                occasion = occasion_on(report, today, settings.draft_working_days)
                if occasion is None:
                    continue
                key = state_key(org.id, report, occasion)
                if key not in done:
                    jobs.append(DraftJob(org.id, report, occasion, key, today))
    return jobs


def _policy(org: Organization) -> ReminderPolicy:
    try:
        return ReminderPolicy.from_dict(org.reminder_policy or {})
    except (ValueError, TypeError):
        return ReminderPolicy()


async def _claim(db: Database, job: DraftJob, now: datetime) -> bool:
    """Remember the draft as sent; False when another tick or replica already did."""
    async with db.write() as session:
        if await session.get(SchedulerState, job.key) is not None:
            return False
        session.add(SchedulerState(key=job.key, value={"at": now.isoformat()}))
    return True


@dataclass(frozen=True, slots=True)
class _Facts:
    """What one draft reports, read once for all its readers (the table is language-free)."""

    table: StatusTable | None  # the CCHC appendix; None for the other report kinds
    owing: tuple[reports.TaskLine, ...]  # tasks still owing this period's figure


async def _facts(db: Database, job: DraftJob, now: datetime) -> _Facts:
    report = job.report
    if report.kind.key != CCHC:
        return _Facts(None, ())
    async with db.read() as session:
        table = await reports.build_status_table(session, job.org_id, report.period, now=now)
        await report_records.apply_record(session, job.org_id, table, report.code)
        status = await reports.period_status(session, job.org_id, now=now)
    owing = status.needing_figure if status.period.code == report.code else ()
    return _Facts(table, owing)


async def _content(
    renderer: Renderer, job: DraftJob, facts: _Facts, lang: str
) -> tuple[str, bytes | None, str]:
    """(text, docx bytes or None, file name) of one draft in ``lang``."""
    report = job.report
    days_left = sum(
        1
        for n in range(1, (report.deadline - job.today).days + 1)
        if is_working_day(date.fromordinal(job.today.toordinal() + n))
    )
    head_key = (
        "reportcycle.draft.early" if job.occasion == EARLY else "reportcycle.draft.day_before"
    )
    lines = [
        t(
            head_key,
            lang,
            report=report.label(lang),
            deadline=report.deadline.strftime("%d/%m/%Y"),
            days=days_left,
        )
    ]
    docx: bytes | None = None
    filename = ""
    table, owing = facts.table, facts.owing
    if table is not None:
        lines.append("")
        if owing:
            lines.append(t("reportcycle.draft.owing_title", lang, count=len(owing)))
            for line in owing[:MAX_OWING_LINES]:
                lines.append(
                    t(
                        "reportcycle.draft.owing_line",
                        lang,
                        number=line.number,
                        unit=line.lead_units or "—",
                    )
                )
            if len(owing) > MAX_OWING_LINES:
                more = len(owing) - MAX_OWING_LINES
                lines.append(t("reportcycle.draft.owing_more", lang, count=more))
        else:
            lines.append(t("reportcycle.draft.owing_none", lang))
        if table.rows():
            # python-docx writes in the render worker, not in the bot (core/offload.py)
            docx = await renderer.docx(table, lang)
            filename = suggested_filename(table, "docx")
        else:
            lines.append(t("reportcycle.draft.no_table", lang))
    lines.append("")
    lines.append(t("reportcycle.draft.after_sent", lang))
    return "\n".join(lines), docx, filename


async def _recipients(db: Database, org_id: int) -> list[tuple[int, str]]:
    async with db.read() as session:
        rows = await session.execute(
            select(Person.telegram_user_id, Person.language).where(
                Person.organization_id == org_id,
                Person.role.in_(RECIPIENT_ROLES),
                Person.status == PersonStatus.ACTIVE,
                Person.telegram_user_id.is_not(None),
            )
        )
        return [(tg, lang or "vi") for tg, lang in rows if tg is not None]


async def send_due_drafts(bot: Any, db: Database, now: datetime, renderer: Renderer) -> int:
    """Send every due draft; returns how many messages went out."""
    sent = 0
    for job in await due_jobs(db, now):
        if not await _claim(db, job, now):
            continue
        by_lang: dict[str, tuple[str, bytes | None, str]] = {}
        facts: _Facts | None = None  # read once, written in each reader's language
        for chat_id, lang in await _recipients(db, job.org_id):
            if lang not in by_lang:
                facts = facts or await _facts(db, job, now)
                by_lang[lang] = await _content(renderer, job, facts, lang)
            text, docx, filename = by_lang[lang]
            markup = sent_button(job.report.kind.key, job.report.code, lang)
            try:
                if docx is not None and len(text) <= 1024:
                    await bot.send_document(
                        chat_id,
                        InputFile(docx, filename=filename),
                        caption=text,
                        parse_mode="HTML",
                        reply_markup=markup,
                    )
                else:
                    await bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup)
                    if docx is not None:
                        await bot.send_document(chat_id, InputFile(docx, filename=filename))
                sent += 1
            except TelegramError:
                log.warning("report draft to chat %s failed", chat_id, exc_info=True)
    return sent
