"""The chairman's desk: overview, overdue, units, reporting period, report files, chart.

Every command reads through :mod:`storage.reports` (numbers) and renders
from the ``chairman`` catalog; the files and the chart are rendered in a
worker thread because python-docx, openpyxl and matplotlib are CPU work that
would otherwise stall every other chat. Buttons carry ids only and every
id is checked against the actor's organization (or, for a district viewer,
the communes under their district) before anything is shown.
"""

from __future__ import annotations

import logging
import time as _time
from datetime import date, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from core import callbacks as cb
from core.context import BotContext
from handlers.common import (
    MANAGERS,
    Actor,
    Callback,
    CommandSpec,
    esc,
    refuse,
    reply_html,
    require,
)
from locales import t
from plans.calendar import ReportingPeriod, parse_period_arg
from plans.charts import TELEGRAM_PHOTO_MAX_SUM, overall_line, png_size
from plans.completion import TaskState
from plans.par_index.render import district_projection, season_text
from plans.report_kinds import district_report_text
from plans.status_table import (
    format_percent_value,
    format_ratio,
    suggested_filename,
)
from scheduler.jobs import run_tick
from scheduler.outbox import Notice, queue_nudge
from storage import par_index as par_store
from storage import report_charts, report_records, reports
from storage.directory import unit_organization
from storage.models import OrgKind, Role
from storage.tasks import field_organization

log = logging.getLogger(__name__)

VIEWERS = MANAGERS | {Role.DISTRICT_VIEWER}
BUTTON_LABEL_MAX = 30

COMMANDS = (
    CommandSpec("tongquan", "chairman.cmd.overview", VIEWERS, ("overview",)),
    CommandSpec("quahan", "chairman.cmd.overdue", VIEWERS, ("overdue",)),
    CommandSpec("donvi", "chairman.cmd.unit", MANAGERS, ("unit",)),
    CommandSpec("kybaocao", "chairman.cmd.period", MANAGERS, ("period",)),
    CommandSpec("baocao", "chairman.cmd.report", MANAGERS, ("report",)),
    CommandSpec("bieudo", "chairman.cmd.chart", MANAGERS, ("chart",)),
)


# --------------------------------------------------------------------------- helpers


def _now(context: BotContext) -> datetime:
    return context.clock.now()


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"


def _pct(value: float, lang: str) -> str:
    return format_percent_value(value, lang)


def _short(text: str, limit: int = BUTTON_LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _args(context: BotContext) -> str:
    return " ".join(context.args or []).strip()


def _is_district(actor: Actor) -> bool:
    return actor.person is not None and actor.person.role is Role.DISTRICT_VIEWER


async def _can_see(context: BotContext, actor: Actor, org_id: int) -> bool:
    """The actor's own organization, or a commune under the viewer's district."""
    if actor.org is None:
        return False
    if actor.org.id == org_id:
        return True
    if _is_district(actor):
        async with context.db.read() as session:
            return await reports.is_commune_of(session, actor.org.id, org_id)
    return False


def _with_dashboard(
    context: BotContext, actor: Actor, markup: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup | None:
    """The /tongquan keyboard with the Mini App button on top (handlers.webapp decides)."""
    from handlers.webapp import with_dashboard_row

    return with_dashboard_row(
        markup,
        webapp_url=context.services.settings.webapp_url,
        lang=actor.lang,
        role=actor.person.role if actor.person else None,
        chat_type=actor.chat_type,
    )


def _issuer(org_name: str, kind: OrgKind, lang: str) -> str:
    return t("chairman.issuer", lang, kind=t(f"org.kind.{kind.value}", lang), name=org_name)


def sender_title(role: Role, kind: OrgKind, lang: str | None) -> str:
    """'Chủ tịch UBND xã', 'Phó Chủ tịch UBND phường': how a notice names its sender."""
    return t(f"reportcycle.title.{role.value}", lang, kind=t(f"org.kind.{kind.value}", lang))


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _period_from_text(
    text: str, org: reports.OrgProfile, now: datetime, lang: str
) -> tuple[ReportingPeriod | None, str | None]:
    """(period or None, error text or None) for an optional period argument."""
    if not text:
        return None, None
    parsed = parse_period_arg(text, org.today(now).year)
    if parsed is None:
        return None, t("chairman.period.bad_arg", lang, text=esc(text))
    return reports.resolve_period(org, parsed, now), None


# --------------------------------------------------------------------------- /tongquan


def render_overview(ov: reports.Overview, lang: str) -> str:
    lines = [
        t("chairman.overview.title", lang, issuer=esc(_issuer(ov.org_name, ov.org_kind, lang)))
    ]
    if ov.period is not None:
        lines.append(
            t(
                "chairman.overview.as_of_period",
                lang,
                period=esc(ov.period.label(lang)),
                date=_d(ov.today),
            )
        )
    else:
        lines.append(t("chairman.overview.as_of_now", lang, date=_d(ov.today)))
    if ov.total == 0:
        lines.append(t("chairman.overview.no_plan", lang))
        return "\n".join(lines)
    lines.append(
        t(
            "chairman.overview.totals",
            lang,
            done=ov.done,
            total=ov.total,
            ratio=format_ratio(ov.done, ov.total, lang),
            mean=_pct(ov.mean_percent, lang),
            on_track=ov.summary.on_track,
            lagging=ov.summary.lagging,
            with_figure=ov.summary.with_figure,
        )
    )
    lines.append(t("chairman.overview.alerts", lang, overdue=ov.overdue, due_soon=ov.due_soon))
    if ov.unassigned:
        lines.append(
            t(
                "figures.overview.unassigned",
                lang,
                count=len(ov.unassigned),
                numbers=", ".join(str(n) for n in ov.unassigned),
            )
        )
    lines.append("")
    lines.append(t("chairman.overview.by_field", lang))
    lines.extend(_group_line(g, lang) for g in ov.by_field)
    lines.append("")
    lines.append(t("chairman.overview.by_unit", lang))
    lines.extend(_group_line(g, lang) for g in ov.by_unit)
    lines.append("")
    lines.append(t("chairman.overview.hint", lang))
    return "\n".join(lines)


def _group_line(g: reports.GroupLine, lang: str) -> str:
    key = "chairman.overview.line_overdue" if g.overdue else "chairman.overview.line"
    return t(
        key,
        lang,
        label=esc(g.label),
        done=g.done,
        total=g.total,
        mean=_pct(g.mean_percent, lang) if g.with_figure else "—",  # blank stays blank
        overdue=g.overdue,
    )


def overview_keyboard(ov: reports.Overview) -> InlineKeyboardMarkup | None:
    fields = [
        InlineKeyboardButton(str(g.key), callback_data=cb.build(cb.FIELD_DRILL, g.ref_id))
        for g in ov.by_field
        if g.ref_id is not None
    ]
    units = [
        InlineKeyboardButton(_short(g.label), callback_data=cb.build(cb.UNIT_DRILL, g.ref_id))
        for g in ov.by_unit
        if g.ref_id is not None
    ]
    rows = _rows(fields, 4) + _rows(units, 2)
    return InlineKeyboardMarkup(rows) if rows else None


@require(*VIEWERS)
async def overview_command(update: Update, context: BotContext, actor: Actor) -> None:
    """Show plan completion (or the district's communes for a district viewer)."""
    assert actor.org is not None
    now = _now(context)
    if _is_district(actor):
        await _district_overview(update, context, actor, now)
        return
    async with context.db.read() as session:
        org = await reports.org_profile(session, actor.org.id)
        per, error = _period_from_text(_args(context), org, now, actor.lang)
        ov = None if error else await reports.overview(session, actor.org.id, now=now, period=per)
    if error or ov is None:
        await reply_html(update, error or "")
        return
    await reply_html(
        update,
        render_overview(ov, actor.lang),
        reply_markup=_with_dashboard(context, actor, overview_keyboard(ov)),
    )


async def _district_overview(
    update: Update, context: BotContext, actor: Actor, now: datetime
) -> None:
    assert actor.org is not None
    lang = actor.lang
    async with context.db.read() as session:
        roll = await reports.district_rollup(session, actor.org.id, now=now)
        par = await par_store.desks_for(session, [c.org_id for c in roll.communes], now=now)
    lines = [t("chairman.district.title", lang, name=esc(roll.name), date=_d(roll.today))]
    buttons = []
    if not roll.communes:
        lines.append(t("chairman.district.none", lang))
    for c in roll.communes:
        if c.total == 0:
            lines.append(t("chairman.district.line_no_plan", lang, name=esc(c.name)))
            continue
        report = district_report_text(c, lang)
        lines.append(
            t(
                "chairman.district.line",
                lang,
                name=esc(c.name),
                done=c.done,
                total=c.total,
                mean=_pct(c.mean_percent, lang),
                overdue=c.overdue,
                on_track=c.summary.on_track,
                report=esc(report),
            )
        )
        if c.org_id in par:  # the PAR INDEX desk's projection (handlers/par_index.py)
            d = par[c.org_id]
            p = d.projection
            lines.append(
                district_projection(
                    d.stored.year, d.stored.card.total, d.year, p.projected, p.worst, p.best, lang
                )
            )
        buttons.append(
            InlineKeyboardButton(_short(c.name), callback_data=cb.build(cb.COMMUNE_DRILL, c.org_id))
        )
    lines.append("")
    lines.append(t("chairman.district.rule", lang))
    markup = InlineKeyboardMarkup(_rows(buttons, 2)) if buttons else None
    markup = _with_dashboard(context, actor, markup)
    await reply_html(update, "\n".join(lines), reply_markup=markup)


# --------------------------------------------------------------------------- drill-downs


def _state_text(line: reports.TaskLine, lang: str) -> str:
    """The task's standing (the class the report counts), with "due soon" when it is."""
    text = line.standing.label(lang)
    if line.state is TaskState.DUE_SOON:
        text += " · " + line.state.label(lang)
    return text


def _task_line_text(line: reports.TaskLine, lang: str, *, with_unit: bool = True) -> str:
    percent = "—" if line.percent is None else f"{line.percent}%"
    updated = _d(line.last_update_on)
    role = "" if line.lead else t("chairman.task.coordinating", lang)
    return t(
        "chairman.task.line",
        lang,
        number=line.number,
        role=role,
        content=esc(line.content),
        unit=esc(line.lead_units) if with_unit else "",
        state=esc(_state_text(line, lang)),
        percent=percent,
        deadline=esc(line.deadline_text or "—"),
        updated=updated,
    )


def render_unit(record: reports.UnitRecord, lang: str) -> str:
    aliases = f" ({esc(', '.join(record.aliases))})" if record.aliases else ""
    lines = [
        t("chairman.unit.title", lang, name=esc(record.name), aliases=aliases),
        t(
            "chairman.unit.totals",
            lang,
            date=_d(record.today),
            total=record.total,
            done=record.done,
            on_track=record.summary.on_track,
            behind=record.summary.behind,
            not_started=record.summary.not_started,
            overdue=record.overdue,
        ),
    ]
    if not record.tasks:
        lines.append(t("chairman.unit.no_tasks", lang))
    lines.extend(_task_line_text(line, lang, with_unit=False) for line in record.tasks)
    return "\n".join(lines)


def render_field(record: reports.FieldRecord, lang: str) -> str:
    lines = [
        t("chairman.field.title", lang, key=esc(record.key), title=esc(record.title)),
        t(
            "chairman.field.totals",
            lang,
            done=record.done,
            total=record.total,
            mean=_pct(record.mean_percent, lang),
            on_track=record.summary.on_track,
            with_figure=record.summary.with_figure,
        ),
    ]
    lines.extend(_task_line_text(line, lang) for line in record.tasks)
    return "\n".join(lines)


async def _owner_of_unit(context: BotContext, unit_id: int) -> int | None:
    async with context.db.read() as session:
        return await unit_organization(session, unit_id)


async def _owner_of_field(context: BotContext, field_id: int) -> int | None:
    async with context.db.read() as session:
        return await field_organization(session, field_id)


@require(*VIEWERS)
async def drill_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Open a field, a unit or (for the district) a commune from an overview button."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) != 1:
        await refuse(update, t("chairman.button.stale", actor.lang))
        return
    target = parsed.args[0]
    now = _now(context)
    lang = actor.lang
    if parsed.verb == cb.COMMUNE_DRILL:
        if not await _can_see(context, actor, target) or actor.org is None:
            await refuse(update, t("chairman.button.not_yours", lang))
            return
        if target == actor.org.id:
            await refuse(update, t("chairman.button.stale", lang))
            return
        async with context.db.read() as session:
            ov = await reports.overview(session, target, now=now)
        await query.answer()
        await reply_html(update, render_overview(ov, lang), reply_markup=overview_keyboard(ov))
        return
    owner = (
        await _owner_of_unit(context, target)
        if parsed.verb == cb.UNIT_DRILL
        else await _owner_of_field(context, target)
    )
    if owner is None or not await _can_see(context, actor, owner):
        await refuse(update, t("chairman.button.not_yours", lang))
        return
    async with context.db.read() as session:
        if parsed.verb == cb.UNIT_DRILL:
            record = await reports.unit_record(session, owner, target, now=now)
            text = render_unit(record, lang) if record else None
        else:
            frecord = await reports.field_record(session, owner, target, now=now)
            text = render_field(frecord, lang) if frecord else None
    if text is None:
        await refuse(update, t("chairman.button.stale", lang))
        return
    await query.answer()
    await reply_html(update, text)


# --------------------------------------------------------------------------- /quahan


def render_overdue(lines: list[reports.TaskLine], lang: str, today_text: str) -> str:
    if not lines:
        return t("chairman.overdue.none", lang, date=today_text)
    out = [t("chairman.overdue.title", lang, count=len(lines), date=today_text)]
    for line in lines:
        out.append(
            t(
                "chairman.overdue.line",
                lang,
                number=line.number,
                content=esc(line.content),
                unit=esc(line.lead_units or "—"),
                due=_d(line.due_date),
                days=line.days_late,
                percent="—" if line.percent is None else f"{line.percent}%",
            )
        )
    return "\n".join(out)


@require(*VIEWERS)
async def overdue_command(update: Update, context: BotContext, actor: Actor) -> None:
    """List overdue tasks, the most late first, with a nudge button per task."""
    assert actor.org is not None
    now = _now(context)
    lang = actor.lang
    if _is_district(actor):
        async with context.db.read() as session:
            roll = await reports.district_rollup(session, actor.org.id, now=now)
            parts = []
            for c in roll.communes:
                items = await reports.overdue_list(session, c.org_id, now=now)
                if items:
                    # "Xã", "Phường", "Thị trấn" from the organization's kind, never fixed.
                    kind = t(f"org.kind.{c.kind.value}", lang)
                    parts.append(
                        t(
                            "chairman.overdue.commune",
                            lang,
                            kind=kind[:1].upper() + kind[1:],
                            name=esc(c.name),
                        )
                    )
                    parts.append(render_overdue(items, lang, _d(roll.today)))
        await reply_html(
            update, "\n".join(parts) or t("chairman.overdue.none", lang, date=_d(roll.today))
        )
        return
    async with context.db.read() as session:
        items = await reports.overdue_list(session, actor.org.id, now=now)
        org = await reports.org_profile(session, actor.org.id)
    today = org.today(now)
    buttons = [
        InlineKeyboardButton(
            t("chairman.overdue.nudge_button", lang, number=line.number),
            callback_data=cb.build(cb.NUDGE, line.task_id),
        )
        for line in items
    ]
    markup = InlineKeyboardMarkup(_rows(buttons, 3)) if buttons else None
    await reply_html(update, render_overdue(items, lang, _d(today)), reply_markup=markup)


@require(*MANAGERS)
async def nudge_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Queue a direct reminder about one overdue task to each officer of its lead unit.

    The nudges go through the scheduler's outbox as "notice" rows keyed by
    (officer, task, local day): pressing twice the same day nudges once, a
    blocked officer is handled by the dispatcher (marked unreachable, the
    plan keeper told), and delivery respects the per-chat limits. A tick is
    started at once so the officer does not wait for the next one.
    """
    query = update.callback_query
    assert query is not None and actor.org is not None and actor.person is not None
    parsed = cb.parse(query.data)
    lang = actor.lang
    if parsed is None or len(parsed.args) != 1:
        await refuse(update, t("chairman.button.stale", lang))
        return
    now = _now(context)
    async with context.db.read() as session:
        target = await reports.nudge_targets(session, actor.org.id, parsed.args[0], now=now)
        org = await reports.org_profile(session, actor.org.id)
    if target is None:
        await refuse(update, t("chairman.button.not_yours", lang))
        return
    if not target.recipients:
        await query.answer(t("chairman.nudge.nobody", lang, number=target.number), show_alert=True)
        return
    day = org.today(now).isoformat()
    notices = [
        Notice(
            person_id=pid,
            chat_id=tg_id,
            subject=f"nudge:task:{target.task_id}",
            occasion=day,
            due_at=now,
            key="chairman.nudge.message",
            params={
                "sender": actor.person.full_name,
                # "Chủ tịch UBND xã": the sender's office, in the reader's language.
                "title": sender_title(actor.person.role, org.kind, their_lang or org.language),
                "number": target.number,
                "content": target.content,
                "due": _d(target.due_date),
                "days": target.days_late,
            },
            lang=their_lang or org.language or "vi",
            organization_id=actor.org.id,
        )
        for pid, tg_id, _name, their_lang in target.recipients
    ]
    queued = await queue_nudge(
        context.db,
        notices,
        organization_id=actor.org.id,
        task_id=target.task_id,
        sender_id=actor.person.id,
        actor=f"telegram:{actor.telegram_user_id}",
        at=now,
    )
    if queued == 0:
        await query.answer(t("chairman.nudge.already", lang, number=target.number))
        return
    context.application.create_task(run_tick(context.application), name="nudge-delivery")
    await query.answer(t("chairman.nudge.sent", lang, number=target.number, sent=queued))


# --------------------------------------------------------------------------- /donvi


@require(*MANAGERS)
async def unit_command(update: Update, context: BotContext, actor: Actor) -> None:
    """One unit's record; the name may be an alias and may be typed without diacritics."""
    assert actor.org is not None
    query_text = _args(context)
    lang = actor.lang
    now = _now(context)
    async with context.db.read() as session:
        matches = await reports.find_units(session, actor.org.id, query_text)
        record = None
        if query_text and len(matches) >= 1:
            # The best match wins when it is clearly the only one or exact.
            if len(matches) == 1:
                record = await reports.unit_record(
                    session, actor.org.id, matches[0].unit_id, now=now
                )
    if record is not None:
        await reply_html(update, render_unit(record, lang))
        return
    if not matches:
        await reply_html(update, t("chairman.unit.not_found", lang, name=esc(query_text)))
        return
    buttons = [
        InlineKeyboardButton(_short(m.name), callback_data=cb.build(cb.UNIT_DRILL, m.unit_id))
        for m in matches
    ]
    key = "chairman.unit.choose" if query_text else "chairman.unit.usage"
    await reply_html(
        update,
        t(key, lang, name=esc(query_text)),
        reply_markup=InlineKeyboardMarkup(_rows(buttons, 2)),
    )


# --------------------------------------------------------------------------- /kybaocao


def render_period(ps: reports.PeriodStatus, lang: str) -> str:
    p = ps.period
    lines = [
        t("chairman.period.title", lang, period=esc(p.label(lang))),
        t(
            "chairman.period.deadline"
            if ps.days_to_deadline > 0
            else "figures.period.deadline_today"
            if ps.days_to_deadline == 0
            else "figures.period.deadline_passed",
            lang,
            deadline=_d(p.submission_deadline),
            days=abs(ps.days_to_deadline),
        ),
        t("chairman.period.window", lang, start=_d(p.window_start), end=_d(p.window_end)),
        "",
        t("chairman.period.needing", lang, count=len(ps.needing_figure)),
    ]
    if not ps.needing_figure:
        lines.append(t("chairman.period.needing_none", lang))
    for line in ps.needing_figure:
        lines.append(
            t(
                "chairman.period.needing_line",
                lang,
                number=line.number,
                content=esc(line.content),
                unit=esc(line.lead_units or "—"),
            )
        )
    lines.append("")
    lines.append(t("chairman.period.silent", lang, count=len(ps.not_updated)))
    if not ps.not_updated:
        lines.append(t("chairman.period.silent_none", lang))
    for person in ps.not_updated:
        lines.append(
            t(
                "chairman.period.silent_line",
                lang,
                name=esc(person.name),
                units=esc(person.units),
                last=_d(person.last_update_on),
                count=len(person.owing),
                numbers=", ".join(str(n) for n in person.owing),
            )
        )
    return "\n".join(lines)


@require(*MANAGERS)
async def period_command(update: Update, context: BotContext, actor: Actor) -> None:
    """The next reporting deadline, its data window and who still owes a figure."""
    assert actor.org is not None
    async with context.db.read() as session:
        ps = await reports.period_status(session, actor.org.id, now=_now(context))
        season = await par_store.season_status(session, actor.org.id, now=_now(context))
    text = render_period(ps, actor.lang)
    if season is not None:  # the PAR INDEX self-assessment deadline (handlers/par_index.py)
        text += "\n" + season_text(
            season.year, season.deadline, season.working_days_left, actor.lang
        )
    await reply_html(update, text)


# --------------------------------------------------------------------------- /baocao


@require(*MANAGERS)
async def report_command(update: Update, context: BotContext, actor: Actor) -> None:
    """Build the period's progress table as .docx and .xlsx, with the summary sentence."""
    assert actor.org is not None
    message = update.effective_message
    assert message is not None
    lang = actor.lang
    now = _now(context)
    async with context.db.read() as session:
        org = await reports.org_profile(session, actor.org.id)
        per, error = _period_from_text(_args(context), org, now, lang)
    if error:
        await reply_html(update, error)
        return
    if per is None:
        per = reports.resolve_period(org, None, now)
    if reports.not_started_yet(per, now, org.calendar):
        current = reports.resolve_period(org, None, now)
        await reply_html(
            update,
            t(
                "figures.report.not_started",
                lang,
                period=esc(per.label(lang)),
                start=_d(per.window_start),
                current=esc(current.label(lang)),
            ),
        )
        return
    context.services.renderer.prepare("appendix")  # a cold worker starts meanwhile
    progress = await message.reply_html(
        t("chairman.report.building", lang, period=esc(per.label(lang)))
    )
    started = _time.perf_counter()
    async with context.db.read() as session:
        table = await reports.build_status_table(session, actor.org.id, per, now=now)
        # The sent-report record's number and date go into the heading.
        await report_records.apply_record(session, actor.org.id, table, per.code)
    if not table.rows():
        await progress.edit_text(
            t("chairman.report.empty", lang, period=esc(per.label(lang))), parse_mode="HTML"
        )
        return
    await message.reply_chat_action(ChatAction.UPLOAD_DOCUMENT)
    # python-docx and openpyxl write in the render worker, not in the bot (core/offload.py)
    docx_bytes, xlsx_bytes = await context.services.renderer.appendix(table, lang)
    log.info(
        "report %s for org %s built in %.2fs",
        per.code,
        actor.org.id,
        _time.perf_counter() - started,
    )
    summary = table.summary_sentence(lang)
    await message.reply_document(
        document=docx_bytes, filename=suggested_filename(table, "docx"), caption=summary[:1024]
    )
    await message.reply_document(document=xlsx_bytes, filename=suggested_filename(table, "xlsx"))
    await progress.edit_text(
        t("chairman.report.done", lang, period=esc(per.label(lang)), summary=esc(summary)),
        parse_mode="HTML",
    )


# --------------------------------------------------------------------------- /bieudo


@require(*MANAGERS)
async def chart_command(update: Update, context: BotContext, actor: Actor) -> None:
    """A PNG of completion by field and by unit, readable on a phone, sent as a photo."""
    assert actor.org is not None
    message = update.effective_message
    assert message is not None
    lang = actor.lang
    now = _now(context)
    async with context.db.read() as session:
        org = await reports.org_profile(session, actor.org.id)
        per, error = _period_from_text(_args(context), org, now, lang)
        if not error:
            context.services.renderer.prepare("chart")  # a cold worker starts meanwhile
        view = (
            None
            if error
            else await report_charts.chart_view(session, actor.org.id, now=now, period=per)
        )
    if error or view is None:
        await reply_html(update, error or "")
        return
    if not view.by_field:
        await reply_html(update, t("chairman.overview.no_plan", lang))
        return
    title = t(
        "chairman.chart.title",
        lang,
        period=view.period.label(lang),
        issuer=_issuer(org.name, org.kind, lang),
        date=_d(org.today(now)),
    )
    caption = title
    if view.overall is not None:
        caption += "\n" + overall_line(view.overall, lang)
    await message.reply_chat_action(ChatAction.UPLOAD_PHOTO)
    # matplotlib draws in the render worker, not in the bot (core/offload.py)
    png = await context.services.renderer.chart(
        view.by_field, view.by_unit, title, lang, view.overall
    )
    filename = f"bieu-do-cchc-{view.period.code.lower()}.png"
    width, height = png_size(png)
    if width + height > TELEGRAM_PHOTO_MAX_SUM:
        await message.reply_document(
            document=InputFile(png, filename=filename), caption=caption[:1024]
        )
    else:
        # A named file: sent as raw bytes it arrives as "application.octet-stream".
        await message.reply_photo(photo=InputFile(png, filename=filename), caption=caption[:1024])


# --------------------------------------------------------------------------- wiring


def _cmd(names: tuple[str, ...], callback: Callback) -> CommandHandler[BotContext, Any]:
    return CommandHandler(list(names), callback)


HANDLERS = {
    0: [
        _cmd(("tongquan", "overview"), overview_command),
        _cmd(("quahan", "overdue"), overdue_command),
        _cmd(("donvi", "unit"), unit_command),
        _cmd(("kybaocao", "period"), period_command),
        _cmd(("baocao", "report"), report_command),
        _cmd(("bieudo", "chart"), chart_command),
        CallbackQueryHandler(
            drill_callback, pattern=rf"^({cb.FIELD_DRILL}|{cb.UNIT_DRILL}|{cb.COMMUNE_DRILL}):"
        ),
        CallbackQueryHandler(nudge_callback, pattern=rf"^{cb.NUDGE}:"),
    ]
}
