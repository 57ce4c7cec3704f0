"""The PAR INDEX desk in chat: /chiso, /kiemchung, /nhapdiem and evidence captions.

* ``/chiso`` — the chairman (and plan keeper): last year's total, rating and
  rank, each field, the criteria that lost the most with their reasons and
  this year's tasks for each (done / on track / behind), the losses no task
  addresses, and the projected score with its range and rule; buttons open
  one field. An officer sees the criteria their units' tasks serve; a
  district viewer sees each commune's total and projection; a stranger
  nothing.
* A document or photo captioned "kiểm chứng 3.2" is evidence for criterion
  3.2 this year (files sent with the "Đính kèm" button of a task count for
  the criteria that task serves). ``/kiemchung 3.2 Kế hoạch số 15/KH-UBND
  ngày 14/02/2024`` records a document by number and date;
  ``/kiemchung`` alone lists the criteria still without evidence;
  ``/kiemchung xuat`` sends the evidence index (.xlsx).
* ``/nhapdiem`` — the plan keeper sends a scorecard file with the caption
  "/nhapdiem 2022": read with the same reader as ``cchc-bot import-scores``
  and saved with the same service, whole or not at all.
"""

from __future__ import annotations

import asyncio
import logging
import re
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core import callbacks as cb
from core.context import BotContext, services_of
from handlers.common import MANAGERS, Actor, CommandSpec, esc, refuse, reply_html, require
from locales import t
from plans.par_index.evidence_index import render_evidence_xlsx
from plans.par_index.model import Level, Scorecard, ScoreItem, format_points
from plans.par_index.projection import Outlook, losses_without_task, top_losses
from plans.par_index.render import import_summary, total_line
from plans.regex import lazy_compile
from plans.text import clip
from scheduler.par_index_season import plan_season
from storage import par_index as store
from storage.models import Role
from storage.reports import is_commune_of, org_profile
from storage.tasks import load_task_views

log = logging.getLogger(__name__)

DESK_ROLES = MANAGERS | {Role.OFFICER, Role.DISTRICT_VIEWER}
EVIDENCE_ROLES = MANAGERS | {Role.OFFICER}
TOP_LOSSES = 8
TITLE_MAX = 70

COMMANDS = (
    CommandSpec("chiso", "par_index.cmd.desk", DESK_ROLES, ("parindex",)),
    CommandSpec("kiemchung", "par_index.cmd.evidence", EVIDENCE_ROLES, ("evidence",)),
    CommandSpec("nhapdiem", "par_index.cmd.import", frozenset({Role.ADMIN}), ("importscores",)),
)

_CAPTION_RE = lazy_compile(
    r"^\s*(?:kiểm\s*chứng|kiem\s*chung|minh\s*chứng|minh\s*chung)\s*:?\s*"
    r"(?:(?:tctp|tiêu\s*chí|tieu\s*chi)\s*)?(\d{1,2}(?:\.\d{1,2}){1,3})\b\s*[:\-–]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_REFERENCE_RE = lazy_compile(
    r"^\s*(?:tctp\s*)?(\d{1,2}(?:\.\d{1,2}){1,3})\b\s*[:\-–]?\s*(.*)$", re.I | re.S
)


def _p(value: Decimal | None, lang: str) -> str:
    return format_points(value, lang)


def _title(text: str) -> str:
    return esc(clip(text, TITLE_MAX))


def _label(item_code: str | None, title: str) -> str:
    return f"{esc(item_code)} {_title(title)}" if item_code else _title(title)


# --------------------------------------------------------------------------- rendering


def _tasks_text(desk: store.Desk, outlook: Outlook, lang: str) -> str:
    code = outlook.item.code
    tasks = desk.tasks.get(code, []) if code else []
    if not tasks:
        return t("par_index.desk.no_task", lang)
    parts = [
        t(
            "par_index.desk.task",
            lang,
            number=task.number,
            standing=t(f"par_index.standing.{task.standing.value}", lang),
        )
        for task in tasks
    ]
    return t("par_index.desk.tasks", lang, tasks="; ".join(parts))


def _evidence_text(outlook: Outlook, lang: str) -> str:
    if outlook.evidence:
        return t("par_index.desk.evidence", lang, count=outlook.evidence)
    return t("par_index.desk.no_evidence", lang)


def _task_line(desk: store.Desk, outlook: Outlook, lang: str) -> str:
    return "   " + _tasks_text(desk, outlook, lang) + " · " + _evidence_text(outlook, lang)


def _loss_lines(desk: store.Desk, outlook: Outlook, lang: str) -> list[str]:
    item = outlook.item
    lines = [
        t(
            "par_index.desk.loss",
            lang,
            label=_label(item.code, item.title),
            score=_p(item.score, lang),
            max=_p(item.max, lang),
            lost=_p(item.points_lost, lang),
        )
    ]
    if item.reason:
        lines.append(t("par_index.desk.reason", lang, reason=esc(clip(item.reason, 220))))
    if item.code:
        lines.append(_task_line(desk, outlook, lang))
    else:
        lines.append(t("par_index.desk.no_code", lang))
    return lines


def projection_lines(desk: store.Desk, lang: str) -> list[str]:
    p = desk.projection
    return [
        t(
            "par_index.projection.line",
            lang,
            year=desk.year,
            projected=_p(p.projected, lang),
            worst=_p(p.worst, lang),
            best=_p(p.best, lang),
            max=_p(p.max_total, lang),
        ),
        t("par_index.projection.rule", lang, base=_p(p.base, lang), last=desk.stored.year),
    ]


def season_line(desk: store.Desk, lang: str) -> str:
    """ "Hạn tự đánh giá năm 2024: 15/11/2024" from the organization's season."""
    return t(
        "par_index.season.deadline",
        lang,
        year=desk.year,
        date=desk.season.deadline(desk.year).strftime("%d/%m/%Y"),
    )


def render_desk(desk: store.Desk, lang: str) -> str:
    card = desk.stored.card
    lines = [
        t("par_index.desk.title", lang, year=desk.stored.year, org=esc(desk.org_name)),
        esc(total_line(card, lang)),
        "",
        t("par_index.desk.by_field", lang),
    ]
    for f in card.fields:
        key = "par_index.desk.field_survey" if f.group.value == "survey" else "par_index.desk.field"
        lost = (f.max - f.score) if f.max is not None and f.score is not None else Decimal(0)
        lines.append(
            t(
                key,
                lang,
                code=esc(f.code or ""),
                title=_title(f.title),
                score=_p(f.score, lang),
                max=_p(f.max, lang),
                lost=t("par_index.desk.field_lost", lang, lost=_p(lost, lang)) if lost > 0 else "",
            )
        )
    losses = top_losses(desk.outlooks, TOP_LOSSES)
    if losses:
        lines += ["", t("par_index.desk.top_losses", lang, count=len(losses))]
        for outlook in losses:
            lines.extend(_loss_lines(desk, outlook, lang))
    orphans = losses_without_task(desk.outlooks)
    if orphans:
        total = sum((o.item.points_lost for o in orphans), Decimal(0))
        lines += ["", t("par_index.desk.orphans", lang, count=len(orphans), lost=_p(total, lang))]
        for outlook in orphans:
            item = outlook.item
            lines.append(
                t(
                    "par_index.desk.orphan",
                    lang,
                    label=_label(item.code, item.title),
                    lost=_p(item.points_lost, lang),
                )
            )
    lines += ["", *projection_lines(desk, lang), season_line(desk, lang)]
    lines.append(t("par_index.desk.hint", lang))
    return "\n".join(lines)


def desk_keyboard(desk: store.Desk) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(code, callback_data=cb.build(cb.PAR_FIELD, crit_id))
        for code, crit_id in desk.stored.field_ids.items()
    ]
    rows = [buttons[i : i + 5] for i in range(0, len(buttons), 5)]
    return InlineKeyboardMarkup(rows) if rows else None


def render_field(desk: store.Desk, field_code: str, lang: str) -> str | None:
    card = desk.stored.card
    field = next((f for f in card.fields if f.code == field_code), None)
    if field is None:
        return None
    lines = [
        t(
            "par_index.field.title",
            lang,
            code=esc(field.code or ""),
            title=esc(field.title),
            score=_p(field.score, lang),
            max=_p(field.max, lang),
        )
    ]
    by_item = {id(o.item): o for o in desk.outlooks}
    children = [c for c in card.items if c.level is not Level.FIELD]
    mine = [c for c in children if _under(c, field_code, card)]
    if not mine:
        lines.append(t("par_index.field.no_criteria", lang))
    for item in mine:
        outlook = by_item.get(id(item))
        key = "par_index.field.sub" if item.level is Level.SUB else "par_index.field.criterion"
        lines.append(
            t(
                key,
                lang,
                label=_label(item.code, item.title),
                score=_p(item.score, lang),
                max=_p(item.max, lang),
            )
        )
        if item.points_lost > 0 and item.reason:
            lines.append(t("par_index.desk.reason", lang, reason=esc(clip(item.reason, 220))))
        if outlook is not None and item.code:
            lines.append(_task_line(desk, outlook, lang))
    return "\n".join(lines)


def _under(item: ScoreItem, field_code: str, card: Scorecard) -> bool:
    parent = item.parent_code
    seen = 0
    while parent is not None and seen < 10:
        if parent == field_code:
            return True
        parent = next((i.parent_code for i in card.items if i.code == parent), None)
        seen += 1
    return False


def render_officer(desk: store.Desk, unit_ids: tuple[int, ...], lang: str) -> str:
    mine = [
        o
        for o in desk.outlooks
        if o.item.code
        and any(set(task.unit_ids) & set(unit_ids) for task in desk.tasks.get(o.item.code, []))
    ]
    lines = [t("par_index.officer.title", lang, year=desk.stored.year)]
    if not mine:
        lines.append(t("par_index.officer.none", lang))
        return "\n".join(lines)
    for outlook in mine:
        item = outlook.item
        key = "par_index.desk.loss" if item.points_lost > 0 else "par_index.officer.full"
        lines.append(
            t(
                key,
                lang,
                label=_label(item.code, item.title),
                score=_p(item.score, lang),
                max=_p(item.max, lang),
                lost=_p(item.points_lost, lang),
            )
        )
        if item.points_lost > 0 and item.reason:
            lines.append(t("par_index.desk.reason", lang, reason=esc(clip(item.reason, 220))))
        lines.append(_task_line(desk, outlook, lang))
    lines.append(t("par_index.officer.hint", lang))
    return "\n".join(lines)


# --------------------------------------------------------------------------- /chiso


@require(*DESK_ROLES)
async def desk_command(update: Update, context: BotContext, actor: Actor) -> None:
    """The PAR INDEX desk for the actor's role."""
    assert actor.org is not None and actor.person is not None
    now = context.clock.now()
    lang = actor.lang
    if actor.person.role is Role.DISTRICT_VIEWER:
        await _district(update, context, actor)
        return
    async with context.db.read() as session:
        desk = await store.desk(session, actor.org.id, now=now)
    if desk is None:
        await reply_html(update, t("par_index.desk.none", lang, org=esc(actor.org.name)))
        return
    if actor.person.role is Role.OFFICER:
        await reply_html(update, render_officer(desk, actor.person.unit_ids, lang))
        return
    await reply_html(update, render_desk(desk, lang), reply_markup=desk_keyboard(desk))


async def _district(update: Update, context: BotContext, actor: Actor) -> None:
    assert actor.org is not None
    lang = actor.lang
    now = context.clock.now()
    lines = [t("par_index.district.title", lang, name=esc(actor.org.name))]
    async with context.db.read() as session:
        communes = await store.communes_of(session, actor.org.id)
        for org_id, name in communes:
            desk = await store.desk(session, org_id, now=now)
            if desk is None:
                lines.append(t("par_index.district.none", lang, name=esc(name)))
                continue
            card, p = desk.stored.card, desk.projection
            lines.append(
                t(
                    "par_index.district.line",
                    lang,
                    name=esc(name),
                    last=desk.stored.year,
                    summary=esc(total_line(card, lang)),
                    year=desk.year,
                    projected=_p(p.projected, lang),
                    worst=_p(p.worst, lang),
                    best=_p(p.best, lang),
                    orphans=len(losses_without_task(desk.outlooks)),
                )
            )
    if not communes:
        lines.append(t("par_index.district.empty", lang))
    lines.append(t("par_index.district.rule", lang))
    await reply_html(update, "\n".join(lines))


@require(*(MANAGERS | {Role.DISTRICT_VIEWER}))
async def field_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """``pif:<id>``: one field's criteria, scores, reasons, tasks and evidence."""
    query = update.callback_query
    assert query is not None and actor.org is not None
    lang = actor.lang
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) != 1:
        await refuse(update, t("chairman.button.stale", lang))
        return
    async with context.db.read() as session:
        owner = await store.field_owner(session, parsed.args[0])
        allowed = owner is not None and (
            owner[0] == actor.org.id
            or (
                actor.person is not None
                and actor.person.role is Role.DISTRICT_VIEWER
                and await is_commune_of(session, actor.org.id, owner[0])
            )
        )
        desk = (
            await store.desk(session, owner[0], now=context.clock.now())
            if allowed and owner is not None
            else None
        )
    if owner is None:
        await refuse(update, t("chairman.button.stale", lang))
        return
    if not allowed:
        await refuse(update, t("chairman.button.not_yours", lang))
        return
    text = render_field(desk, owner[2], lang) if desk is not None else None
    if text is None or desk is None or desk.stored.year != owner[1]:
        await refuse(update, t("chairman.button.stale", lang))
        return
    await query.answer()
    await reply_html(update, text)


# --------------------------------------------------------------------------- evidence


async def _may_attach(
    context: BotContext, actor: Actor, code: str
) -> tuple[str | None, int | None]:
    """(refusal key or None, year) for evidence on ``code`` by this person."""
    assert actor.org is not None and actor.person is not None
    now = context.clock.now()
    async with context.db.read() as session:
        if not await store.criterion_known(session, actor.org.id, code):
            return "par_index.evidence.unknown_code", None
        org = await org_profile(session, actor.org.id)
        year = await store.current_year(session, actor.org.id, org.today(now))
        if actor.person.role is Role.OFFICER:
            links = await store.linked_tasks(session, actor.org.id, year, now=now)
            units = set(actor.person.unit_ids)
            ok = any(
                (
                    link.code == code
                    or link.code.startswith(code + ".")
                    or code.startswith(link.code + ".")
                )
                and set(link.unit_ids) & units
                for link in links
            )
            if not ok:
                return "par_index.evidence.not_yours", None
    return None, year


async def _is_task_code(context: BotContext, actor: Actor, code: str) -> bool:
    """Whether ``code`` is the code of a task (or a group of tasks) in the commune's plan."""
    assert actor.org is not None
    async with context.db.read() as session:
        views = await load_task_views(session, actor.org.id)
    codes = {
        ".".join(p.lstrip("0") or "0" for p in (v.code or "").strip(". ").split(".")) for v in views
    }
    return code in codes or any(c.startswith(code + ".") for c in codes)


@require(*EVIDENCE_ROLES, allow_group=False)
async def evidence_caption(update: Update, context: BotContext, actor: Actor) -> None:
    """A document or photo captioned "kiểm chứng 3.2": evidence for that criterion."""
    message = update.effective_message
    assert message is not None and actor.org is not None and actor.person is not None
    match = _CAPTION_RE.match(" ".join((message.caption or "").split()))
    if match is None:
        return
    code = ".".join(str(int(p)) for p in match.group(1).split("."))
    refusal, year = await _may_attach(context, actor, code)
    if refusal == "par_index.evidence.unknown_code" and await _is_task_code(context, actor, code):
        # Not a criterion but a code of the plan ("minh chứng 3.2.1"): task evidence (issue 15).
        from handlers.updates import file_message

        await file_message(update, context)
        return
    if refusal is not None or year is None:
        await reply_html(
            update, t(refusal or "par_index.evidence.unknown_code", actor.lang, code=code)
        )
        return
    if message.document is not None:
        doc = message.document
        kind, file_id, unique, name, mime, size = (
            "document",
            doc.file_id,
            doc.file_unique_id,
            doc.file_name,
            doc.mime_type,
            doc.file_size,
        )
    else:
        photo = message.photo[-1]
        kind, file_id, unique, name, mime, size = (
            "photo",
            photo.file_id,
            photo.file_unique_id,
            None,
            None,
            photo.file_size,
        )
    note = match.group(2).strip() or None
    async with context.db.write() as session:
        await store.add_evidence(
            session,
            org_id=actor.org.id,
            year=year,
            code=code,
            person_id=actor.person.id,
            at=context.clock.now(),
            kind=kind,
            file_id=file_id,
            file_unique_id=unique,
            file_name=name,
            mime_type=mime,
            file_size=size,
            reference=note,
            actor=f"telegram:{actor.telegram_user_id}",
        )
    await reply_html(
        update,
        t("par_index.evidence.stored", actor.lang, code=code, year=year, name=esc(name or kind)),
    )


@require(*EVIDENCE_ROLES)
async def evidence_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/kiemchung: missing evidence; "/kiemchung 3.2 <số, ngày>" records one; "xuat" exports."""
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    args = " ".join(context.args or []).strip()
    if args.lower() in ("xuat", "xuất", "xlsx", "export"):
        await _send_index(update, context, actor)
        return
    if args:
        match = _REFERENCE_RE.match(args)
        if match is None or not match.group(2).strip():
            await reply_html(update, t("par_index.evidence.usage", lang))
            return
        code = ".".join(str(int(p)) for p in match.group(1).split("."))
        refusal, year = await _may_attach(context, actor, code)
        if refusal is not None or year is None:
            await reply_html(
                update, t(refusal or "par_index.evidence.unknown_code", lang, code=code)
            )
            return
        reference = clip(match.group(2).strip(), 500)
        async with context.db.write() as session:
            await store.add_evidence(
                session,
                org_id=actor.org.id,
                year=year,
                code=code,
                person_id=actor.person.id,
                at=context.clock.now(),
                kind="reference",
                reference=reference,
                actor=f"telegram:{actor.telegram_user_id}",
            )
        await reply_html(
            update, t("par_index.evidence.stored", lang, code=code, year=year, name=esc(reference))
        )
        return
    async with context.db.read() as session:
        desk = await store.desk(session, actor.org.id, now=context.clock.now())
    if desk is None:
        await reply_html(update, t("par_index.desk.none", lang, org=esc(actor.org.name)))
        return
    units = set(actor.person.unit_ids) if actor.person.role is Role.OFFICER else None
    missing = []
    for outlook in desk.outlooks:
        item_code = outlook.item.code
        if not item_code or outlook.evidence:
            continue
        tasks = desk.tasks.get(item_code, [])
        if units is not None and not any(set(task.unit_ids) & units for task in tasks):
            continue
        missing.append((outlook, tasks))
    lines = [t("par_index.evidence.missing_title", lang, year=desk.year, count=len(missing))]
    for outlook, tasks in missing:
        who = "; ".join(
            t("par_index.evidence.who", lang, number=task.number, unit=esc(task.lead_units or "—"))
            for task in tasks
        ) or t("par_index.desk.no_task", lang)
        lines.append(
            t(
                "par_index.evidence.missing_line",
                lang,
                label=_label(outlook.item.code, outlook.item.title),
                who=who,
            )
        )
    if not missing:
        lines.append(t("par_index.evidence.all_present", lang))
    lines.append(season_line(desk, lang))
    lines.append(t("par_index.evidence.hint", lang))
    await reply_html(update, "\n".join(lines))


async def _send_index(update: Update, context: BotContext, actor: Actor) -> None:
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    if actor.person.role not in MANAGERS:
        await refuse(update, t("auth.forbidden", lang))
        return
    now = context.clock.now()
    async with context.db.read() as session:
        found = await store.evidence_index(session, actor.org.id, now=now)
        org = await org_profile(session, actor.org.id)
    if found is None:
        await reply_html(update, t("par_index.desk.none", lang, org=esc(actor.org.name)))
        return
    year, rows = found
    data = await asyncio.to_thread(
        render_evidence_xlsx,
        rows,
        org_name=actor.org.name,
        year=year,
        tz=org.calendar.tzinfo,
        lang=lang,
    )
    message = update.effective_message
    assert message is not None
    await message.reply_document(
        document=data,
        filename=f"kiem-chung-chi-so-cchc-{year}.xlsx",
        caption=t("par_index.evidence.export_caption", lang, year=year, rows=len(rows)),
    )


# --------------------------------------------------------------------------- /nhapdiem


@require(Role.ADMIN, allow_group=False)
async def import_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/nhapdiem without a file: say how to send one."""
    await reply_html(update, t("par_index.import.how", actor.lang))


@require(Role.ADMIN, allow_group=False)
async def import_upload(update: Update, context: BotContext, actor: Actor) -> None:
    """A document captioned "/nhapdiem [năm]": read, save whole, report with warnings."""
    # the scorecard reader and the plan reader it shares load with the first scorecard
    from plans.importing import PlanImportError
    from plans.par_index.reader import load_scores

    message = update.effective_message
    assert message is not None and message.document is not None and actor.org is not None
    assert actor.person is not None
    lang = actor.lang
    words = (message.caption or "").split()
    year: int | None = None
    if len(words) > 1:
        if not re.fullmatch(r"20\d\d", words[1]):
            await reply_html(update, t("par_index.import.bad_year", lang, text=esc(words[1])))
            return
        year = int(words[1])
    document = message.document
    name = document.file_name or "bang-diem"
    limit_mb = context.services.settings.max_upload_mb
    if document.file_size and document.file_size > limit_mb * 1024 * 1024:
        await reply_html(
            update,
            t(
                "importing.error.too_large",
                lang,
                filename=esc(name),
                size_mb=round(document.file_size / 1048576, 1),
                limit_mb=limit_mb,
            ),
        )
        return
    tg_file = await document.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    try:
        card = await asyncio.to_thread(
            load_scores, data, name, year=year, max_bytes=limit_mb * 1024 * 1024
        )
    except PlanImportError as exc:
        params = {k: esc(v) if isinstance(v, str) else v for k, v in exc.params.items()}
        await reply_html(update, t(exc.key, lang, **params))
        return
    year = year or card.year
    if year is None:
        await reply_html(update, t("par_index.error.no_year", lang, filename=esc(name)))
        return
    card.year = year
    async with context.db.write() as session:
        await store.save_scorecard(
            session,
            actor.org.id,
            card,
            year=year,
            person_id=actor.person.id,
            actor=f"telegram:{actor.telegram_user_id}",
            at=context.clock.now(),
        )
    text = import_summary(card, actor.org.name, year, lang, dry_run=False)
    await reply_html(update, esc(text) + "\n" + t("par_index.import.next", lang))


# --------------------------------------------------------------------------- season

SEASON_JOB = "par-index-season"


async def _season_job(context: BotContext) -> None:
    try:
        made = await plan_season(context.db, context.clock.now())
        if made:
            log.info("self-assessment season: %d reminders planned", made)
    except Exception:
        log.exception("self-assessment season planning failed")


async def on_startup(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Plan the season's reminders alongside the scheduler tick (fixed job name)."""
    services = services_of(app)
    if not services.scheduler_enabled or app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(SEASON_JOB):
        job.schedule_removal()
    interval = services.settings.tick_seconds
    app.job_queue.run_repeating(
        _season_job,
        interval=interval,
        first=interval,
        name=SEASON_JOB,
        job_kwargs={"misfire_grace_time": max(60, int(interval * 2)), "coalesce": True},
    )


# --------------------------------------------------------------------------- wiring

_EVIDENCE_FILTER = (
    (filters.Document.ALL | filters.PHOTO)
    & filters.ChatType.PRIVATE
    & filters.CaptionRegex(_CAPTION_RE)
)
_IMPORT_FILTER = filters.Document.ALL & filters.CaptionRegex(r"^\s*/(nhapdiem|importscores)\b")

HANDLERS = {
    0: [
        CommandHandler(["chiso", "parindex"], desk_command),
        CommandHandler(["kiemchung", "evidence"], evidence_command),
        CommandHandler(["nhapdiem", "importscores"], import_command),
        MessageHandler(_IMPORT_FILTER, import_upload),
        MessageHandler(_EVIDENCE_FILTER, evidence_caption),
        CallbackQueryHandler(field_callback, pattern=rf"^{cb.PAR_FIELD}:"),
    ]
}
