"""Plan upload by chat: /nhapkehoach, the file, the preview, unit mapping, then "Xác nhận".

Nothing is written to the plan until the plan keeper confirms: the file is
read and previewed (``storage.plan_import.preview_import``), each unit name
the directory did not know for sure is shown with buttons to map it to an
existing unit or create it, and only "Xác nhận" runs the import in one
transaction; "Hủy" drops the upload.

A plan written as prose (no task table) is read by rules, so before the unit
mapping the keeper sees the extracted list page by page, with buttons to drop
a paragraph that is not a task, merge it into the task before it, or set its
lead unit (``plans.importing.edits``); each press is a draft step, replayed
on the plan as read, and only "Xác nhận" stores the edited list.

What the keeper did must survive a restart, so the pending upload is a draft
in the database (``storage.drafts``, kind ``draft.plan_upload``): the
Telegram file id, name and size, the person and organization, the unit names
to confirm; each mapping choice is an appended step row. The buttons carry
the draft id. The parsed plan is only cached in memory (``bot_data``): after
a restart the file is downloaded again by its file id and re-read, and the
keeper continues where they were. The file bytes are never stored.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
)

from core import callbacks as cb
from core.context import BotContext
from handlers.common import Actor, CommandSpec, esc, refuse, reply_html, require, split_text
from handlers.file_upload import WAITING_FILE, FileCheck, Upload, conversation, receive_file
from locales import t
from plans.calendar import ReportingPeriod
from plans.errors import UserError
from storage import drafts
from storage.directory import list_units
from storage.models import Role
from storage.reports import (
    imported_figures_date,
    last_passed_period,
    org_profile,
    overview,
)

if TYPE_CHECKING:
    from plans.importing import ImportedPlan
    from plans.importing.edits import Edit
    from plans.importing.outcome import ImportPreview

# The plan reader (plans.importing: its table, prose and heading rules) and the import
# service are imported by the functions that use them, when a plan file first comes: a
# bot that is not sent a plan never loads them (≈ 15 ms of CPU before its first
# getUpdates, bench.bench_startup).

log = logging.getLogger(__name__)

KEEPERS = frozenset({Role.ADMIN})
UPLOADS_KEY = "chairman:plan_upload:pending"  # draft id -> Parsed (a cache, not the truth)
MAX_UNIT_BUTTONS = 24
ACCEPTED = (".docx", ".xlsx", ".csv", ".pdf", ".doc")

COMMANDS = (CommandSpec("nhapkehoach", "plan_upload.cmd", KEEPERS, ("importplan",)),)
FILE_CHECK = FileCheck(
    accepted=ACCEPTED,
    default_name="ke-hoach",
    bad_type_key="plan_upload.bad_type",
    too_big_key="plan_upload.too_big",
    reading_key="plan_upload.reading",
)


@dataclass
class Parsed:
    """The file read and previewed: cached in memory, rebuilt from the file id after a restart."""

    plan: ImportedPlan
    preview: ImportPreview


@dataclass
class PendingUpload:
    """A plan upload waiting for the plan keeper's decisions, as stored in its draft."""

    id: int
    org_id: int
    person_id: int
    filename: str
    file_id: str
    size: int | None
    year: int | None
    names: list[str]  # unit texts to confirm, in order
    units: list[tuple[int, str]]  # the organization's units (id, name), read at each press
    mapping: dict[str, int | None] = field(default_factory=dict)
    position: int = 0
    resolved: bool = False
    review: bool = False  # a prose plan: the extracted list is shown for checking first
    edits: list[Edit] = field(default_factory=list)

    @property
    def current(self) -> str | None:
        return self.names[self.position] if self.position < len(self.names) else None


def _cache(context: BotContext) -> dict[int, Parsed]:
    uploads: dict[int, Parsed] = context.application.bot_data.setdefault(UPLOADS_KEY, {})
    return uploads


def _names_to_confirm(preview: ImportPreview) -> list[str]:
    """New names, ambiguous ones, then single suggestions (the keeper confirms them)."""
    names = [*preview.new_units, *preview.ambiguous, *preview.suggested]
    return list(dict.fromkeys(names))


def _replay(
    draft: drafts.PendingDraft, steps: list[dict[str, Any]]
) -> tuple[dict[str, int | None], int]:
    """The mapping and position after the recorded steps (each step is one answered name)."""
    names = list(drafts.plan_upload_data(draft.data).get("names", []))
    mapping: dict[str, int | None] = {}
    position = 0
    for step in steps:
        if step.get("position") != position or position >= len(names):
            continue  # never written out of order (checked in the write transaction)
        unit_id = step.get("unit_id")
        mapping[names[position]] = int(unit_id) if unit_id else None
        position += 1
    return mapping, position


async def _load(session: Any, draft_id: int) -> PendingUpload | None:
    from plans.importing.edits import Edit

    draft = await drafts.get_draft(session, draft_id, kind=drafts.PLAN_UPLOAD)
    if draft is None or draft.organization_id is None:
        return None
    steps = await drafts.draft_steps(session, draft.id)
    mapping, position = _replay(draft, steps)
    data = drafts.plan_upload_data(draft.data)
    return PendingUpload(
        id=draft.id,
        org_id=draft.organization_id,
        person_id=draft.person_id,
        filename=str(data.get("filename") or "ke-hoach"),
        file_id=str(data.get("file_id") or ""),
        size=data.get("size"),
        year=data.get("year"),
        names=list(data.get("names", [])),
        units=[(u.id, u.name) for u in await list_units(session, draft.organization_id)],
        mapping=mapping,
        position=position,
        resolved=draft.resolved,
        review=bool(data.get("review")),
        edits=[e for e in (Edit.from_json(step) for step in steps) if e is not None],
    )


def _as_draft(pending: PendingUpload) -> drafts.PendingDraft:
    return drafts.PendingDraft(pending.id, pending.person_id, pending.org_id, None, ())


async def _read_file(context: BotContext, actor: Actor, pending: PendingUpload) -> Parsed | None:
    """The parsed plan from the cache, or from the file downloaded again by its id."""
    from plans.importing import PlanImportError, load_plan
    from storage.plan_import import preview_import

    cached = _cache(context).get(pending.id)
    if cached is not None:
        return cached
    assert actor.org is not None
    limit = context.services.settings.max_upload_mb * 1024 * 1024
    try:
        tg_file = await context.bot.get_file(pending.file_id)
        data = bytes(await tg_file.download_as_bytearray())
        plan = await asyncio.to_thread(
            load_plan,
            data,
            pending.filename,
            year=pending.year,
            organization=actor.org.name,
            max_bytes=limit,
        )
    except (TelegramError, PlanImportError) as exc:
        log.warning("plan upload %s: cannot read the file again: %s", pending.id, exc)
        return None
    async with context.db.read() as session:
        preview = await preview_import(session, pending.org_id, plan)
    parsed = Parsed(plan, preview)
    _cache(context)[pending.id] = parsed
    log.info("plan upload %s: file read again after a restart", pending.id)
    return parsed


@require(*KEEPERS, allow_group=False)
async def file_received(update: Update, context: BotContext, actor: Actor) -> int:
    """Download, read and preview the plan; show the first unit to map."""
    from plans.importing import PlanImportError, load_plan
    from plans.importing.outcome import render_report
    from storage.plan_import import preview_import

    message = update.effective_message
    assert message is not None
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    received = await receive_file(update, context, actor, FILE_CHECK)
    if received is None:
        return WAITING_FILE
    document, filename, data = received.document, received.filename, received.data
    status = received.status
    try:
        plan = await asyncio.to_thread(
            load_plan,
            data,
            filename,
            organization=actor.org.name,
            max_bytes=context.services.settings.max_upload_mb * 1024 * 1024,
        )
    except PlanImportError as exc:
        params = {"filename": filename, **exc.params}
        await status.edit_text(
            t("plan_upload.unreadable", lang, reason=esc(t(exc.key, lang, **params))),
            parse_mode="HTML",
        )
        return WAITING_FILE
    async with context.db.read() as session:
        preview = await preview_import(session, actor.org.id, plan)
    names = _names_to_confirm(preview)
    now = context.clock.now()
    async with context.db.write() as session:
        # One pending upload per plan keeper: a new file supersedes the one not yet confirmed.
        for old in await drafts.open_drafts(session, actor.person.id, drafts.PLAN_UPLOAD):
            await drafts.resolve_draft(session, old, "superseded", now)
            _cache(context).pop(old.id, None)
        draft = await drafts.save_draft(
            session,
            person_id=actor.person.id,
            organization_id=actor.org.id,
            task_id=None,
            candidates=(),
            data={
                "file_id": document.file_id,
                "file_unique_id": document.file_unique_id,
                "filename": filename,
                "size": len(data),
                "year": None,
                "names": names,
                "review": plan.layout == "prose",
            },
            now=now,
            kind=drafts.PLAN_UPLOAD,
        )
        pending = await _load(session, draft.id)
    assert pending is not None
    _cache(context)[pending.id] = Parsed(plan, preview)
    # The report is plain text sent without parse_mode: escaping it would show "&lt;i&gt;".
    parts = split_text(render_report(preview, lang))
    await status.edit_text(parts[0])
    for part in parts[1:]:
        await message.reply_text(part)
    if pending.review:
        text, markup = _review_page(pending, plan, 0, lang)
    else:
        text, markup = _step(pending, preview, lang)
    await message.reply_html(text, reply_markup=markup)
    return ConversationHandler.END


# --------------------------------------------------------------------------- mapping


def _step(
    pending: PendingUpload, preview: ImportPreview | None, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The mapping question for the current name, or the final confirmation."""
    name = pending.current
    rows: list[list[InlineKeyboardButton]] = []
    if name is None:
        lines = [t("plan_upload.ready", lang, name=esc(pending.filename))]
        lines.extend(_edit_summary(pending, lang))
        lines.extend(_mapping_lines(pending, lang))
        text = "\n".join(lines)
    else:
        candidates = list(preview.ambiguous.get(name, [])) if preview is not None else []
        suggested = preview.suggested.get(name) if preview is not None else None
        if suggested is not None:
            candidates.insert(0, suggested)
        ordered = list(dict.fromkeys(candidates + [u for u, _ in pending.units]))
        names = dict(pending.units)
        if suggested is not None and suggested not in names:
            suggested = None
        buttons = [
            InlineKeyboardButton(
                ("✓ " if u in candidates else "") + names.get(u, "?")[:40],
                callback_data=cb.build(cb.IMPORT_MAP, pending.id, pending.position, u),
            )
            for u in ordered[:MAX_UNIT_BUTTONS]
            if u in names
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append(
            [
                InlineKeyboardButton(
                    t("plan_upload.button.create", lang),
                    callback_data=cb.build(cb.IMPORT_MAP, pending.id, pending.position, 0),
                )
            ]
        )
        key = "plan_upload.ask_unit_suggested" if suggested is not None else "plan_upload.ask_unit"
        text = t(
            key,
            lang,
            index=pending.position + 1,
            count=len(pending.names),
            name=esc(name),
            suggestion=esc(names.get(suggested, "")) if suggested is not None else "",
        )
    rows.append(
        [
            InlineKeyboardButton(
                t("plan_upload.button.confirm", lang),
                callback_data=cb.build(cb.IMPORT_CONFIRM, pending.id),
            ),
            InlineKeyboardButton(
                t("plan_upload.button.cancel", lang),
                callback_data=cb.build(cb.IMPORT_CANCEL, pending.id),
            ),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


def _mapping_lines(pending: PendingUpload, lang: str) -> list[str]:
    names = dict(pending.units)
    lines = []
    for text in pending.names:
        if text not in pending.mapping:
            continue
        target = pending.mapping[text]
        if target is None:
            lines.append(t("plan_upload.mapped_new", lang, name=esc(text)))
        else:
            lines.append(
                t("plan_upload.mapped", lang, name=esc(text), unit=esc(names.get(target, "?")))
            )
    return lines


def _usable(pending: PendingUpload | None, actor: Actor) -> str | None:
    """Why this person may not press this draft's buttons (a catalog key), or None."""
    if pending is None or pending.resolved:
        return "plan_upload.stale"
    if (
        actor.person is None
        or actor.org is None
        or pending.person_id != actor.person.id
        or pending.org_id != actor.org.id
    ):
        return "chairman.button.not_yours"
    return None


async def _pending_for(
    update: Update, context: BotContext, actor: Actor, upload_id: int
) -> PendingUpload | None:
    async with context.db.read() as session:
        pending = await _load(session, upload_id)
    problem = _usable(pending, actor)
    if problem is not None:
        await refuse(update, t(problem, actor.lang))
        return None
    return pending


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    except BadRequest as exc:  # "message is not modified" on a double press
        if "not modified" not in str(exc).lower():
            raise


@require(*KEEPERS)
async def map_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Record the unit chosen for one name (0 = create it) and move to the next."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) != 3:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    upload_id, position, unit_id = parsed.args
    pending = await _pending_for(update, context, actor, upload_id)
    if pending is None:
        return
    if position != pending.position or pending.current is None:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    if unit_id != 0 and unit_id not in dict(pending.units):
        await refuse(update, t("chairman.button.not_yours", actor.lang))
        return
    async with context.db.write() as session:
        # Read again under the write lock: a double press or a concurrent "Hủy" loses here.
        fresh = await _load(session, upload_id)
        if _usable(fresh, actor) is None and fresh is not None and fresh.position == position:
            await drafts.add_step(
                session,
                _as_draft(fresh),
                {"position": position, "name": fresh.current, "unit_id": unit_id or None},
                context.clock.now(),
            )
            pending = await _load(session, upload_id)
        else:
            pending = None
    if pending is None:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    await query.answer()
    file = await _read_file(context, actor, pending) if pending.current is not None else None
    text, markup = _step(pending, file.preview if file is not None else None, actor.lang)
    await _edit(update, text, markup)


@require(*KEEPERS)
async def confirm_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Import (or re-import in place) with the chosen mapping, in one transaction."""
    from plans.importing.edits import apply_edits
    from plans.importing.outcome import render_report
    from storage.plan_import import import_plan

    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) not in (1, 2):
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    as_of = _day_of(parsed.args[1]) if len(parsed.args) == 2 else None
    if len(parsed.args) == 2 and as_of is None:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    pending = await _pending_for(update, context, actor, parsed.args[0])
    if pending is None:
        return
    lang = actor.lang
    file = await _read_file(context, actor, pending)
    if file is None:
        await _refuse_reread(update, pending, lang)
        return
    if as_of is None and _carries_figures(file.plan):
        # Figures in a progress table are "as of" some day, rarely today (issue 11,
        # defect 8): ask, offering the end of the data window just reported.
        await query.answer()
        text, markup = await _as_of_question(context, pending, lang)
        await _edit(update, text, markup)
        return
    await query.answer(t("plan_upload.importing", lang))
    now = context.clock.now()
    counted: ReportingPeriod | None = None
    try:
        async with context.db.write() as session:
            fresh = await _load(session, pending.id)
            if _usable(fresh, actor) is not None or fresh is None:
                report = None
            else:
                progress_at = None
                if as_of is not None:
                    org_settings = (await org_profile(session, fresh.org_id)).calendar
                    progress_at, counted = imported_figures_date(as_of, now, org_settings)
                report = await import_plan(
                    session,
                    fresh.org_id,
                    apply_edits(file.plan, fresh.edits),
                    unit_mapping=fresh.mapping,
                    actor=f"telegram:{actor.telegram_user_id}",
                    person_id=actor.person.id,
                    at=now,
                    progress_at=progress_at,
                )
                await drafts.resolve_draft(session, _as_draft(fresh), "imported", now)
    except UserError as exc:
        # The draft stays in the log; mark it failed so its buttons stop, and say why.
        async with context.db.write() as session:
            await drafts.resolve_draft(session, _as_draft(pending), "failed", now, reason=exc.key)
        _cache(context).pop(pending.id, None)
        await _edit(
            update, t("plan_upload.failed", lang, reason=esc(t(exc.key, lang, **exc.params))), None
        )
        return
    if report is None:  # resolved meanwhile (a double press): the first press answers
        return
    _cache(context).pop(pending.id, None)
    await _edit(update, t("plan_upload.done", lang, name=esc(pending.filename)), None)
    text = render_report(report, lang)
    async with context.db.read() as session:
        # Tasks whose unit is a placeholder or has nobody in it reach no one (issue 11,
        # defect 12): the keeper learns it here, by the rule /tongquan uses.
        orphans = (await overview(session, pending.org_id, now=now)).unassigned
    if orphans:
        numbers = ", ".join(str(n) for n in orphans)
        text += "\n" + t("plan_upload.unassigned", lang, count=len(orphans), numbers=numbers)
    if as_of is not None and counted is not None:
        day = as_of.strftime("%d/%m/%Y")
        text += "\n" + t("figures.import.as_of", lang, date=day, period=counted.label(lang))
    await reply_html(update, esc(text))


def _carries_figures(plan: ImportedPlan) -> bool:
    """True when the file states progress (a percent or a status) for some task."""
    return any(task.percent is not None or task.status_text for task in plan.all_tasks())


def _day_of(value: int) -> date | None:
    """The YYYYMMDD a button carries, or None when it names no real day."""
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def _day_arg(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


async def _as_of_question(
    context: BotContext, pending: PendingUpload, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Số liệu trong tệp tính đến ngày nào?": the end of the period just reported, or today."""
    async with context.db.read() as session:
        org_settings = (await org_profile(session, pending.org_id)).calendar
    today = context.clock.now().astimezone(org_settings.tzinfo).date()
    rows: list[list[InlineKeyboardButton]] = []
    period = last_passed_period(today, org_settings)
    if period is not None and period.window_end < today:
        rows.append(
            [
                InlineKeyboardButton(
                    t(
                        "plan_upload.as_of.period",
                        lang,
                        date=period.window_end.strftime("%d/%m/%Y"),
                        period=period.label(lang),
                    ),
                    callback_data=cb.build(
                        cb.IMPORT_CONFIRM, pending.id, _day_arg(period.window_end)
                    ),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t("plan_upload.as_of.today", lang, date=today.strftime("%d/%m/%Y")),
                callback_data=cb.build(cb.IMPORT_CONFIRM, pending.id, _day_arg(today)),
            )
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(
                t("plan_upload.button.cancel", lang),
                callback_data=cb.build(cb.IMPORT_CANCEL, pending.id),
            )
        ]
    )
    return t("plan_upload.as_of.ask", lang, name=esc(pending.filename)), InlineKeyboardMarkup(rows)


@require(*KEEPERS)
async def cancel_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Drop the upload; nothing was written to the plan."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) != 1:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    pending = await _pending_for(update, context, actor, parsed.args[0])
    if pending is None:
        return
    async with context.db.write() as session:
        fresh = await _load(session, pending.id)
        dropped = _usable(fresh, actor) is None
        if dropped:
            await drafts.resolve_draft(
                session, _as_draft(pending), "cancelled", context.clock.now()
            )
    if not dropped:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    _cache(context).pop(pending.id, None)
    await query.answer()
    await _edit(update, t("plan_upload.dropped", actor.lang, name=esc(pending.filename)), None)


# --------------------------------------------------------------------------- review

PAGE_SIZE = 5
OP_DROP, OP_MERGE, OP_ASK_UNIT, OP_SET_UNIT = 1, 2, 3, 4
_SHOWN_CHARS = 160


def _edit_summary(pending: PendingUpload, lang: str) -> list[str]:
    from plans.importing.edits import UNIT, edit_state

    if not pending.edits:
        return []
    units = {e.index for e in pending.edits if e.op == UNIT}
    # The count of tasks is not known here without the file; say what was changed.
    state = edit_state(10**6, pending.edits)
    return [
        t(
            "plan_review.summary",
            lang,
            dropped=len(state.dropped),
            merged=len(state.merged_into),
            units=len(units),
        )
    ]


def _review_page(
    pending: PendingUpload, plan: ImportedPlan, page: int, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the extracted tasks with drop / merge / unit buttons."""
    from plans.importing.edits import edit_state

    tasks = plan.all_tasks()
    pages = max(1, (len(tasks) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 0), pages - 1)
    state = edit_state(len(tasks), pending.edits)
    lines = [
        t(
            "plan_review.header",
            lang,
            name=esc(pending.filename),
            count=len(tasks) - len(state.dropped) - len(state.merged_into),
            page=page + 1,
            pages=pages,
        )
    ]
    rows: list[list[InlineKeyboardButton]] = []
    for index in range(page * PAGE_SIZE, min(len(tasks), (page + 1) * PAGE_SIZE)):
        task = tasks[index]
        content = " ".join(task.content.split())
        if len(content) > _SHOWN_CHARS:
            content = content[: _SHOWN_CHARS - 1] + "…"
        lead = state.units.get(index) or ", ".join(task.lead_units)
        mark = ""
        if index in state.dropped:
            mark = " " + t("plan_review.dropped", lang)
        elif index in state.merged_into:
            mark = " " + t("plan_review.merged", lang, target=state.merged_into[index] + 1)
        elif index in state.units:
            mark = " " + t("plan_review.unit_set", lang)
        lines.append(
            t(
                "plan_review.line",
                lang,
                number=index + 1,
                field=esc(task.field_key),
                content=esc(content),
                lead=esc(lead or t("plan_review.no_lead", lang)),
                mark=mark,
            )
        )
        number = index + 1
        rows.append(
            [
                InlineKeyboardButton(
                    f"🗑 {number}", callback_data=_edit_data(pending, OP_DROP, index)
                ),
                InlineKeyboardButton(
                    f"⤴ {number}", callback_data=_edit_data(pending, OP_MERGE, index)
                ),
                InlineKeyboardButton(
                    f"✎ {number}", callback_data=_edit_data(pending, OP_ASK_UNIT, index)
                ),
            ]
        )
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton("◀", callback_data=cb.build(cb.IMPORT_PAGE, pending.id, page - 1))
        )
    if page + 1 < pages:
        nav.append(
            InlineKeyboardButton("▶", callback_data=cb.build(cb.IMPORT_PAGE, pending.id, page + 1))
        )
    if nav:
        rows.append(nav)
    rows.append(
        [
            InlineKeyboardButton(
                t("plan_review.button.continue", lang),
                callback_data=cb.build(cb.IMPORT_REVIEWED, pending.id),
            ),
            InlineKeyboardButton(
                t("plan_upload.button.cancel", lang),
                callback_data=cb.build(cb.IMPORT_CANCEL, pending.id),
            ),
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _edit_data(pending: PendingUpload, op: int, index: int, unit_id: int | None = None) -> str:
    args = [pending.id, op, index] + ([unit_id] if unit_id is not None else [])
    return cb.build(cb.IMPORT_EDIT, *args)


def _unit_question(
    pending: PendingUpload, plan: ImportedPlan, index: int, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    task = plan.all_tasks()[index]
    content = " ".join(task.content.split())[:_SHOWN_CHARS]
    buttons = [
        InlineKeyboardButton(name[:40], callback_data=_edit_data(pending, OP_SET_UNIT, index, uid))
        for uid, name in pending.units[:MAX_UNIT_BUTTONS]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                t("plan_review.button.back", lang),
                callback_data=cb.build(cb.IMPORT_PAGE, pending.id, index // PAGE_SIZE),
            )
        ]
    )
    text = t("plan_review.ask_unit", lang, number=index + 1, content=esc(content))
    return text, InlineKeyboardMarkup(rows)


async def _answer(update: Update) -> None:
    """Stop the button's spinner (every press is answered once)."""
    assert update.callback_query is not None
    await update.callback_query.answer()


async def _refuse_reread(update: Update, pending: PendingUpload, lang: str) -> None:
    # A popup holds 200 characters: keep the file name short there.
    name = pending.filename if len(pending.filename) <= 40 else pending.filename[:39] + "…"
    await refuse(update, t("plan_upload.reread_failed", lang, name=name))


async def _review_target(
    update: Update, context: BotContext, actor: Actor, arg_counts: tuple[int, ...]
) -> tuple[tuple[int, ...], PendingUpload, Parsed] | None:
    """A review button's numbers, its upload and the file, or None after a polite refusal."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) not in arg_counts:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return None
    pending = await _pending_for(update, context, actor, parsed.args[0])
    if pending is None:
        return None
    file = await _read_file(context, actor, pending)
    if file is None:
        await _refuse_reread(update, pending, actor.lang)
        return None
    return parsed.args, pending, file


@require(*KEEPERS)
async def page_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Show another page of the extracted list."""
    found = await _review_target(update, context, actor, (2,))
    if found is None:
        return
    args, pending, file = found
    await _answer(update)
    text, markup = _review_page(pending, file.plan, args[1], actor.lang)
    await _edit(update, text, markup)


@require(*KEEPERS)
async def edit_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Drop, merge or set the unit of one extracted task (recorded as a draft step)."""
    from plans.importing.edits import DROP, KEEP, MERGE, UNIT, UNMERGE, Edit, edit_state

    found = await _review_target(update, context, actor, (3, 4))
    if found is None:
        return
    args, pending, file = found
    op, index = args[1:3]
    tasks = file.plan.all_tasks()
    if not 0 <= index < len(tasks) or op not in (OP_DROP, OP_MERGE, OP_ASK_UNIT, OP_SET_UNIT):
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    if op == OP_ASK_UNIT:
        await _answer(update)
        text, markup = _unit_question(pending, file.plan, index, actor.lang)
        await _edit(update, text, markup)
        return
    if op == OP_MERGE and index == 0:
        await refuse(update, t("plan_review.nothing_before", actor.lang))
        return
    edit: Edit
    if op == OP_SET_UNIT:
        names = dict(pending.units)
        unit_id = args[3] if len(args) == 4 else 0
        if unit_id not in names:
            await refuse(update, t("chairman.button.not_yours", actor.lang))
            return
        edit = Edit(UNIT, index, names[unit_id])
    else:
        state = edit_state(len(tasks), pending.edits)
        undo = index in (state.dropped if op == OP_DROP else state.merged_into)
        if op == OP_DROP:
            edit = Edit(KEEP if undo else DROP, index)
        else:
            edit = Edit(UNMERGE if undo else MERGE, index)
    async with context.db.write() as session:
        fresh = await _load(session, pending.id)
        if fresh is None or _usable(fresh, actor) is not None:
            pending_after = None
        else:
            await drafts.add_step(session, _as_draft(fresh), edit.to_json(), context.clock.now())
            pending_after = await _load(session, pending.id)
    if pending_after is None:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    await _answer(update)
    text, markup = _review_page(pending_after, file.plan, index // PAGE_SIZE, actor.lang)
    await _edit(update, text, markup)


@require(*KEEPERS)
async def reviewed_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """The list is checked: on to the unit names, then "Xác nhận"."""
    found = await _review_target(update, context, actor, (1,))
    if found is None:
        return
    _, pending, file = found
    await _answer(update)
    text, markup = _step(pending, file.preview, actor.lang)
    await _edit(update, text, markup)


# --------------------------------------------------------------------------- wiring


UPLOAD = Upload(
    name="plan_upload",
    command=COMMANDS[0],
    ask_key="plan_upload.ask_file",
    cancelled_key="plan_upload.cancelled",
    need_file_key="plan_upload.need_file",
    file_received=file_received,
)


def build_handlers() -> dict[int, list[Any]]:
    """A fresh conversation per Application: its state must not leak between bots."""
    return {
        0: [
            conversation(UPLOAD),
            CallbackQueryHandler(map_callback, pattern=rf"^{cb.IMPORT_MAP}:"),
            CallbackQueryHandler(confirm_callback, pattern=rf"^{cb.IMPORT_CONFIRM}:"),
            CallbackQueryHandler(cancel_callback, pattern=rf"^{cb.IMPORT_CANCEL}:"),
            CallbackQueryHandler(page_callback, pattern=rf"^{cb.IMPORT_PAGE}:"),
            CallbackQueryHandler(edit_callback, pattern=rf"^{cb.IMPORT_EDIT}:"),
            CallbackQueryHandler(reviewed_callback, pattern=rf"^{cb.IMPORT_REVIEWED}:"),
        ]
    }
