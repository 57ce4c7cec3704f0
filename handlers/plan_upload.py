"""Plan upload by chat: /nhapkehoach, the file, the preview, unit mapping, then "Xác nhận".

Nothing is written until the plan keeper confirms: the file is read and
previewed (``storage.plan_import.preview_import``), each unit name the
directory did not know for sure is shown with buttons to map it to an
existing unit or create it, and only "Xác nhận" runs the import in one
transaction; "Hủy" drops the upload. The parsed plan waits in memory
(``bot_data``) under a small id the buttons carry: a restart forgets it,
and the buttons then say so politely.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from handlers import callbacks as cb
from handlers.common import Actor, CommandSpec, esc, refuse, reply_html, require, split_text
from locales import t
from plans.errors import UserError
from plans.importing import ImportedPlan, PlanImportError, load_plan
from storage.directory import list_units
from storage.models import Role
from storage.plan_import import ImportPreview, import_plan, preview_import, render_report

log = logging.getLogger(__name__)

KEEPERS = frozenset({Role.ADMIN})
WAITING_FILE = 1
UPLOADS_KEY = "chairman:plan_upload:pending"
_COUNTER_KEY = "chairman:plan_upload:counter"
MAX_UNIT_BUTTONS = 24
ACCEPTED = (".docx", ".xlsx", ".csv")

COMMANDS = (CommandSpec("nhapkehoach", "plan_upload.cmd", KEEPERS, ("importplan",)),)


@dataclass
class PendingUpload:
    """A parsed plan waiting for the plan keeper's decisions."""

    id: int
    org_id: int
    person_id: int
    filename: str
    plan: ImportedPlan
    preview: ImportPreview
    names: list[str]  # unit texts to confirm, in order
    units: list[tuple[int, str]]  # the organization's units (id, name)
    mapping: dict[str, int | None] = field(default_factory=dict)
    position: int = 0

    @property
    def current(self) -> str | None:
        return self.names[self.position] if self.position < len(self.names) else None


def _uploads(context: BotContext) -> dict[int, PendingUpload]:
    return context.application.bot_data.setdefault(UPLOADS_KEY, {})  # type: ignore[no-any-return]


def _next_id(context: BotContext) -> int:
    counter = context.application.bot_data.setdefault(_COUNTER_KEY, itertools.count(1))
    return next(counter)


def _names_to_confirm(preview: ImportPreview) -> list[str]:
    """New names, ambiguous ones, then single suggestions (the keeper confirms them)."""
    names = [*preview.new_units, *preview.ambiguous, *preview.suggested]
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------- start


@require(*KEEPERS, allow_group=False)
async def start_command(update: Update, context: BotContext, actor: Actor) -> int:
    """Ask for the plan file."""
    limit = context.services.settings.max_upload_mb
    await reply_html(update, t("plan_upload.ask_file", actor.lang, limit=limit))
    return WAITING_FILE


async def cancel_command(update: Update, context: BotContext) -> int:
    actor_lang = update.effective_user.language_code if update.effective_user else None
    await reply_html(update, t("plan_upload.cancelled", actor_lang))
    return ConversationHandler.END


async def not_a_file(update: Update, context: BotContext) -> int:
    lang = update.effective_user.language_code if update.effective_user else None
    await reply_html(update, t("plan_upload.need_file", lang))
    return WAITING_FILE


@require(*KEEPERS, allow_group=False)
async def file_received(update: Update, context: BotContext, actor: Actor) -> int:
    """Download, read and preview the plan; show the first unit to map."""
    message = update.effective_message
    assert message is not None and message.document is not None
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    document = message.document
    filename = document.file_name or "ke-hoach"
    limit_mb = context.services.settings.max_upload_mb
    if not filename.lower().endswith(ACCEPTED):
        await reply_html(update, t("plan_upload.bad_type", lang, name=esc(filename)))
        return WAITING_FILE
    if document.file_size is not None and document.file_size > limit_mb * 1024 * 1024:
        await reply_html(update, t("plan_upload.too_big", lang, name=esc(filename), limit=limit_mb))
        return WAITING_FILE
    status = await message.reply_html(t("plan_upload.reading", lang, name=esc(filename)))
    tg_file = await document.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    if len(data) > limit_mb * 1024 * 1024:
        await status.edit_text(t("plan_upload.too_big", lang, name=esc(filename), limit=limit_mb))
        return WAITING_FILE
    try:
        plan = await asyncio.to_thread(
            load_plan,
            data,
            filename,
            organization=actor.org.name,
            max_bytes=limit_mb * 1024 * 1024,
        )
    except PlanImportError as exc:
        params = {"filename": filename, **exc.params}
        await status.edit_text(
            t("plan_upload.unreadable", lang, reason=esc(t(exc.key, lang, **params)))
        )
        return WAITING_FILE
    async with context.db.read() as session:
        preview = await preview_import(session, actor.org.id, plan)
        units = [(u.id, u.name) for u in await list_units(session, actor.org.id)]
    pending = PendingUpload(
        id=_next_id(context),
        org_id=actor.org.id,
        person_id=actor.person.id,
        filename=filename,
        plan=plan,
        preview=preview,
        names=_names_to_confirm(preview),
        units=units,
    )
    uploads = _uploads(context)
    # One pending upload per plan keeper: a new file replaces the one not yet confirmed.
    for old_id in [k for k, v in uploads.items() if v.person_id == pending.person_id]:
        del uploads[old_id]
    uploads[pending.id] = pending
    report = esc(render_report(preview, lang))
    parts = split_text(report)
    await status.edit_text(parts[0])
    for part in parts[1:]:
        await message.reply_text(part)
    text, markup = _step(pending, lang)
    await message.reply_html(text, reply_markup=markup)
    return ConversationHandler.END


# --------------------------------------------------------------------------- mapping


def _step(pending: PendingUpload, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """The mapping question for the current name, or the final confirmation."""
    name = pending.current
    rows: list[list[InlineKeyboardButton]] = []
    if name is None:
        lines = [t("plan_upload.ready", lang, name=esc(pending.filename))]
        lines.extend(_mapping_lines(pending, lang))
        text = "\n".join(lines)
    else:
        candidates = list(pending.preview.ambiguous.get(name, []))
        suggested = pending.preview.suggested.get(name)
        if suggested is not None:
            candidates.insert(0, suggested)
        ordered = list(dict.fromkeys(candidates + [u for u, _ in pending.units]))
        names = dict(pending.units)
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


async def _pending_for(
    update: Update, context: BotContext, actor: Actor, upload_id: int
) -> PendingUpload | None:
    pending = _uploads(context).get(upload_id)
    if pending is None:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return None
    if actor.person is None or pending.person_id != actor.person.id:
        await refuse(update, t("chairman.button.not_yours", actor.lang))
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
    pending.mapping[pending.current] = unit_id or None
    pending.position += 1
    await query.answer()
    text, markup = _step(pending, actor.lang)
    await _edit(update, text, markup)


@require(*KEEPERS)
async def confirm_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Import (or re-import in place) with the chosen mapping, in one transaction."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) != 1:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    pending = await _pending_for(update, context, actor, parsed.args[0])
    if pending is None:
        return
    _uploads(context).pop(pending.id, None)
    lang = actor.lang
    await query.answer(t("plan_upload.importing", lang))
    try:
        async with context.db.write() as session:
            report = await import_plan(
                session,
                pending.org_id,
                pending.plan,
                unit_mapping=pending.mapping,
                actor=f"telegram:{actor.telegram_user_id}",
                person_id=actor.person.id,
                at=context.clock.now(),
            )
    except UserError as exc:
        await _edit(
            update, t("plan_upload.failed", lang, reason=esc(t(exc.key, lang, **exc.params))), None
        )
        return
    await _edit(update, t("plan_upload.done", lang, name=esc(pending.filename)), None)
    await reply_html(update, esc(render_report(report, lang)))


@require(*KEEPERS)
async def cancel_callback(update: Update, context: BotContext, actor: Actor) -> None:
    """Drop the upload; nothing was written."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or len(parsed.args) != 1:
        await refuse(update, t("plan_upload.stale", actor.lang))
        return
    pending = await _pending_for(update, context, actor, parsed.args[0])
    if pending is None:
        return
    _uploads(context).pop(pending.id, None)
    await query.answer()
    await _edit(update, t("plan_upload.dropped", actor.lang, name=esc(pending.filename)), None)


# --------------------------------------------------------------------------- wiring


def _conversation() -> ConversationHandler[Any]:
    return ConversationHandler(
        entry_points=[CommandHandler(["nhapkehoach", "importplan"], start_command)],
        states={
            WAITING_FILE: [
                MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, file_received),
                CommandHandler(["huy", "cancel"], cancel_command),
                MessageHandler(filters.TEXT & ~filters.COMMAND, not_a_file),
            ]
        },
        fallbacks=[CommandHandler(["huy", "cancel"], cancel_command)],
        allow_reentry=True,
        name="plan_upload",
    )


HANDLERS = {
    0: [
        _conversation(),
        CallbackQueryHandler(map_callback, pattern=rf"^{cb.IMPORT_MAP}:"),
        CallbackQueryHandler(confirm_callback, pattern=rf"^{cb.IMPORT_CONFIRM}:"),
        CallbackQueryHandler(cancel_callback, pattern=rf"^{cb.IMPORT_CANCEL}:"),
    ]
}
