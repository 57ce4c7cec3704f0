"""Recording progress: buttons, /capnhat, plain-language replies, evidence files.

Every path ends in :func:`storage.progress.record_progress` (permission,
validation, audit). A reply in plain Vietnamese is never written as read:
the bot echoes what it understood with "Đúng" / "Sửa lại" buttons and keeps
the draft in the database (storage.drafts) until the officer decides, so a
restart loses nothing; when the replied-to message covered several tasks it
first asks which one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from handlers import callbacks as cb
from handlers.access import open_to
from handlers.common import MANAGERS, Actor, CommandSpec, esc, get_actor, reply_html, require
from handlers.officers import (
    STATUS_WORDS,
    edit_or_reply,
    error_text,
    fmt_date,
    task_card,
    tasks_covered_by,
    today_of,
    update_keyboard,
    which_task_keyboard,
)
from locales import t
from plans.completion import status_says_done
from plans.errors import UserError
from plans.progress_text import STATUS_COMPLETED, STATUS_NOT_STARTED, parse_progress_text
from storage.drafts import (
    EVIDENCE_WAIT,
    choose_task,
    get_draft,
    open_evidence_wait,
    resolve_draft,
    save_draft,
)
from storage.models import Role, UpdateChannel
from storage.progress import AttachmentIn, can_update, record_progress, validate_percent
from storage.tasks import TaskView, find_task_by_number, load_task_views

log = logging.getLogger(__name__)

WORKERS = (Role.OFFICER, *MANAGERS)
COMMANDS = [CommandSpec("capnhat", "officer.cmd.update", frozenset(WORKERS), ("update",))]

_CAPTION_COMMAND_RE = re.compile(r"^/(capnhat|update)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
_PERCENT_TOKEN_RE = re.compile(r"^(-?\d{1,4})%?$")


# --- the one place that writes --------------------------------------------------------


async def _record(
    context: BotContext,
    actor: Actor,
    task_id: int,
    channel: UpdateChannel,
    *,
    percent: int | None = None,
    status_text: str | None = None,
    output: str | None = None,
    note: str | None = None,
    attachments: tuple[AttachmentIn, ...] = (),
    carry: bool = False,
) -> TaskView:
    """Write one update; ``carry`` keeps the current figures the person did not restate.

    Raises :class:`UserError` (nothing written) on a bad value or another's task.
    """
    assert actor.person is not None
    now = context.clock.now()
    async with context.db.write() as session:
        if not await can_update(session, actor.person, task_id):
            raise UserError("progress.not_your_task")
        current = (
            await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
        )[0]
        if percent is None and status_says_done(status_text):
            percent = 100
        if carry:
            percent = current.percent if percent is None else percent
            if status_text is None and (percent is None or percent == current.percent):
                status_text = current.status_text
            output = output or (current.output if attachments else None)
        await record_progress(
            session,
            task_id=task_id,
            person=actor.person,
            channel=channel,
            at=now,
            percent=percent,
            status_text=status_text,
            output=output,
            note=note,
            attachments=attachments,
        )
        return (await load_task_views(session, actor.person.organization_id, task_ids=[task_id]))[0]


def _recorded_text(view: TaskView, context: BotContext, lang: str) -> str:
    return t("officer.update.recorded", lang) + "\n\n" + task_card(view, today_of(context), lang)


# --- buttons -------------------------------------------------------------------------


@require(*WORKERS)
async def progress_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``pc:<task>:<percent>``, ``dn:<task>``, ``st:<task>:<status>``: record and edit."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    task_id = parsed.args[0]
    kwargs: dict[str, Any] = {}
    if parsed.verb == cb.SET_PERCENT and len(parsed.args) == 2:
        kwargs = {"percent": parsed.args[1]}
    elif parsed.verb == cb.MARK_DONE:
        kwargs = {"percent": 100, "status_text": STATUS_COMPLETED}
    elif parsed.verb == cb.SET_STATUS and len(parsed.args) == 2:
        if not 0 <= parsed.args[1] < len(STATUS_WORDS):
            await query.answer()
            return
        status = STATUS_WORDS[parsed.args[1]]
        kwargs = {"status_text": status, "carry": True}
        if status == STATUS_NOT_STARTED:
            kwargs["percent"] = 0
    else:
        await query.answer()
        return
    try:
        view = await _record(context, actor, task_id, UpdateChannel.BUTTON, **kwargs)
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    await query.answer(t("officer.update.recorded", actor.lang))
    await edit_or_reply(
        update, _recorded_text(view, context, actor.lang), update_keyboard(task_id, actor.lang)
    )


@require(*WORKERS)
async def attach_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``ev:<task>``: the person's next file or photo is evidence for that task."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    task_id = parsed.args[0] if parsed and parsed.args else 0
    async with context.db.write() as session:
        if not await can_update(session, actor.person, task_id):
            allowed = False
        else:
            allowed = True
            views = await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
            await save_draft(
                session,
                person_id=actor.person.id,
                organization_id=actor.person.organization_id,
                task_id=task_id,
                candidates=(task_id,),
                data={},
                now=context.clock.now(),
                kind=EVIDENCE_WAIT,
            )
    if not allowed:
        await query.answer(t("progress.not_your_task", actor.lang), show_alert=True)
        return
    # A popup, not one more message: the chat stays quiet (and under 1 message/s).
    await query.answer(
        t("officer.evidence.send_now", actor.lang, number=views[0].number), show_alert=True
    )


# --- /capnhat --------------------------------------------------------------------------


def _split_command_args(text: str) -> tuple[int | None, int | None, str | None, str | None]:
    """(number, percent, rest-as-note, problem key) from "<số> <phần trăm> [ghi chú]"."""
    words = text.split()
    if not words:
        return None, None, None, "officer.update.usage"
    number_text = words[0].lstrip("#")
    if not number_text.isdigit():
        return None, None, None, "officer.update.bad_number"
    rest = words[1:]
    percent = None
    if rest:
        match = _PERCENT_TOKEN_RE.match(rest[0])
        if match:
            percent = int(match.group(1))
            rest = rest[1:]
    note = " ".join(rest) or None
    return int(number_text), percent, note, None


async def _task_by_number(context: BotContext, actor: Actor, number: int) -> TaskView:
    assert actor.person is not None
    async with context.db.read() as session:
        view = await find_task_by_number(session, actor.person.organization_id, number)
    if view is None:
        raise UserError("officer.task_unknown", number=number)
    return view


async def _command_update(
    context: BotContext,
    actor: Actor,
    args_text: str,
    attachments: tuple[AttachmentIn, ...] = (),
) -> str:
    """Shared by /capnhat and a file captioned "/capnhat 3 …": returns the reply HTML."""
    number, percent, note, problem = _split_command_args(args_text)
    if problem is not None:
        return t(problem, actor.lang)
    assert number is not None
    try:
        view = await _task_by_number(context, actor, number)
        status = output = None
        if percent is None and note:
            reading = parse_progress_text(note, today_of(context))
            percent, status, output = reading.percent, reading.status_text, reading.output
        if percent is None and not attachments and status is None:
            return t("officer.update.usage", actor.lang)
        validate_percent(percent)
        view = await _record(
            context,
            actor,
            view.id,
            UpdateChannel.COMMAND,
            percent=percent,
            status_text=status,
            output=output,
            note=note,
            attachments=attachments,
            carry=percent is None,
        )
    except UserError as error:
        return error_text(error, actor.lang)
    text = _recorded_text(view, context, actor.lang)
    if attachments:
        text = t("officer.evidence.stored", actor.lang, count=len(attachments)) + "\n" + text
    return text


@require(*WORKERS)
async def update_command(update: Update, context: BotContext, actor: Actor) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    args_text = message.text.split(maxsplit=1)[1] if len(message.text.split()) > 1 else ""
    await reply_html(update, await _command_update(context, actor, args_text))


# --- replies in plain language -----------------------------------------------------------


def _reading_lines(data: dict[str, Any], lang: str) -> list[str]:
    lines = []
    if data.get("percent") is not None:
        lines.append(t("officer.reply.percent", lang, percent=data["percent"]))
    if data.get("status_text"):
        lines.append(t("officer.reply.status", lang, status=esc(data["status_text"])))
    if data.get("output"):
        lines.append(t("officer.reply.output", lang, output=esc(data["output"])))
    if data.get("expected_date"):
        lines.append(
            t(
                "officer.reply.expected",
                lang,
                date=fmt_date(date.fromisoformat(data["expected_date"])),
            )
        )
    if data.get("attachments"):
        lines.append(t("officer.reply.files", lang, count=len(data["attachments"])))
    if data.get("note"):
        lines.append(t("officer.reply.note", lang, note=esc(data["note"])))
    return lines


def _confirm_keyboard(draft_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("officer.button.confirm", lang), callback_data=cb.build(cb.CONFIRM, draft_id)
                ),
                InlineKeyboardButton(
                    t("officer.button.correct", lang), callback_data=cb.build(cb.CORRECT, draft_id)
                ),
            ]
        ]
    )


def _echo_text(view: TaskView, data: dict[str, Any], lang: str) -> str:
    return "\n".join(
        [
            t("officer.reply.understood", lang, number=view.number, content=esc(view.content)),
            *_reading_lines(data, lang),
            "",
            t("officer.reply.confirm_question", lang),
        ]
    )


async def _ask_or_echo(
    update: Update,
    context: BotContext,
    actor: Actor,
    replied: Message,
    data: dict[str, Any],
) -> None:
    """Save a draft for the replied-to message's task, or ask which task first."""
    assert actor.person is not None
    covered = await tasks_covered_by(context, replied)
    async with context.db.write() as session:
        allowed = [i for i in covered if await can_update(session, actor.person, i)]
        views = (
            await load_task_views(session, actor.person.organization_id, task_ids=allowed)
            if allowed
            else []
        )
        if not views:
            draft = None
        else:
            draft = await save_draft(
                session,
                person_id=actor.person.id,
                organization_id=actor.person.organization_id,
                task_id=views[0].id if len(views) == 1 else None,
                candidates=tuple(v.id for v in views),
                data=data,
                now=context.clock.now(),
            )
    if draft is None:
        await reply_html(update, t("officer.reply.no_task", actor.lang))
        return
    if len(views) == 1:
        await reply_html(
            update,
            _echo_text(views[0], data, actor.lang),
            reply_markup=_confirm_keyboard(draft.id, actor.lang),
        )
        return
    await reply_html(
        update,
        "\n".join([t("officer.reply.which_task", actor.lang), *_reading_lines(data, actor.lang)]),
        reply_markup=which_task_keyboard(draft.id, views),
    )


def _replied_bot_message(update: Update, context: BotContext) -> Message | None:
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return None
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    return replied


@open_to("checks the person itself: strangers get the registration hint, groups only replies")
async def text_message(update: Update, context: BotContext) -> None:
    """Plain text: a reply to the bot is a progress report; anything else gets a hint."""
    message = update.effective_message
    assert message is not None
    actor = await get_actor(update, context)
    replied = _replied_bot_message(update, context)
    if not actor.registered:
        if not actor.in_group:
            await reply_html(update, t("auth.stranger", actor.lang))
        return  # strangers in a group are not ours to answer
    if replied is None:
        if not actor.in_group:
            await reply_html(update, t("officer.text.hint", actor.lang))
        return
    if not actor.has_role(WORKERS):
        await reply_html(update, t("auth.forbidden", actor.lang))
        return
    reading = parse_progress_text(message.text or "", today_of(context))
    if reading.invalid is not None:
        await reply_html(update, t("progress.percent_invalid", actor.lang, value=reading.invalid))
        return
    if not reading.understood:
        await reply_html(update, t("officer.reply.not_understood", actor.lang))
        return
    try:
        validate_percent(reading.percent)
    except UserError as error:
        await reply_html(update, error_text(error, actor.lang))
        return
    data = asdict(reading)
    data["expected_date"] = reading.expected_date.isoformat() if reading.expected_date else None
    await _ask_or_echo(update, context, actor, replied, data)


# --- confirm / correct / which task ------------------------------------------------------


async def _own_open_draft(update: Update, context: BotContext, actor: Actor, draft_id: int):
    assert actor.person is not None
    async with context.db.read() as session:
        draft = await get_draft(session, draft_id)
    query = update.callback_query
    assert query is not None
    if draft is None or draft.person_id != actor.person.id:
        await query.answer(t("officer.reply.not_yours", actor.lang), show_alert=True)
        return None
    if draft.resolved:
        await query.answer(t("officer.reply.already_done", actor.lang), show_alert=True)
        return None
    return draft


def _attachments_of(data: dict[str, Any]) -> tuple[AttachmentIn, ...]:
    return tuple(AttachmentIn(**item) for item in data.get("attachments") or [])


@require(*WORKERS)
async def draft_button(update: Update, context: BotContext, actor: Actor) -> None:
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    draft = await _own_open_draft(update, context, actor, parsed.args[0])
    if draft is None:
        return
    now = context.clock.now()
    if parsed.verb == cb.CORRECT:
        async with context.db.write() as session:
            await resolve_draft(session, draft, "corrected", now)
        await query.answer()
        await edit_or_reply(update, t("officer.reply.corrected", actor.lang))
        return
    if parsed.verb == cb.WHICH_TASK:
        task_id = parsed.args[1] if len(parsed.args) > 1 else 0
        if task_id not in draft.candidates:
            await query.answer(t("progress.not_your_task", actor.lang), show_alert=True)
            return
        async with context.db.write() as session:
            chosen = await choose_task(session, draft, task_id, now)
            views = await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
        await query.answer()
        await edit_or_reply(
            update,
            _echo_text(views[0], chosen.data, actor.lang),
            _confirm_keyboard(chosen.id, actor.lang),
        )
        return
    # CONFIRM
    if draft.task_id is None:
        await query.answer(t("officer.reply.which_task", actor.lang), show_alert=True)
        return
    data = draft.data
    try:
        view = await _record(
            context,
            actor,
            draft.task_id,
            UpdateChannel.REPLY,
            percent=data.get("percent"),
            status_text=data.get("status_text"),
            output=data.get("output"),
            note=data.get("note"),
            attachments=_attachments_of(data),
            carry=data.get("percent") is None,
        )
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    async with context.db.write() as session:
        await resolve_draft(session, draft, "confirmed", now)
    await query.answer(t("officer.update.recorded", actor.lang))
    await edit_or_reply(
        update,
        _recorded_text(view, context, actor.lang),
        update_keyboard(draft.task_id, actor.lang),
    )


# --- evidence files -------------------------------------------------------------------


def _attachment(message: Message) -> AttachmentIn | None:
    if message.document is not None:
        doc = message.document
        return AttachmentIn(
            "document", doc.file_id, doc.file_unique_id, doc.file_name, doc.mime_type, doc.file_size
        )
    if message.photo:
        photo = message.photo[-1]
        return AttachmentIn(
            "photo", photo.file_id, photo.file_unique_id, None, None, photo.file_size
        )
    return None


@open_to("checks the person itself; in groups only files addressed to the bot")
async def file_message(update: Update, context: BotContext) -> None:
    """A document or photo: evidence by caption command, by reply, or after "Đính kèm"."""
    message = update.effective_message
    assert message is not None
    attachment = _attachment(message)
    if attachment is None:
        return
    caption = " ".join((message.caption or "").split())
    command = _CAPTION_COMMAND_RE.match(caption)
    replied = _replied_bot_message(update, context)
    actor = await get_actor(update, context)
    if actor.in_group and command is None and replied is None:
        return  # files shared in a group are not evidence unless addressed to the bot
    if not actor.registered:
        await reply_html(update, t("auth.stranger", actor.lang))
        return
    if not actor.has_role(WORKERS):
        await reply_html(update, t("auth.forbidden", actor.lang))
        return
    assert actor.person is not None
    if command is not None:
        text = await _command_update(context, actor, command.group(2) or "", (attachment,))
        await reply_html(update, text)
        return
    if replied is not None:
        reading = parse_progress_text(caption, today_of(context)) if caption else None
        data: dict[str, Any] = {
            "percent": reading.percent if reading else None,
            "status_text": reading.status_text if reading else None,
            "output": reading.output if reading else None,
            "expected_date": None,
            "note": caption or None,
            "attachments": [asdict(attachment)],
        }
        await _ask_or_echo(update, context, actor, replied, data)
        return
    async with context.db.read() as session:
        waiting = await open_evidence_wait(session, actor.person.id)
    if waiting is None or waiting.task_id is None:
        await reply_html(update, t("officer.evidence.which", actor.lang))
        return
    try:
        view = await _record(
            context,
            actor,
            waiting.task_id,
            UpdateChannel.BUTTON,
            note=caption or None,
            attachments=(attachment,),
            carry=True,
        )
    except UserError as error:
        await reply_html(update, error_text(error, actor.lang))
        return
    async with context.db.write() as session:
        await resolve_draft(session, waiting, "evidence", context.clock.now())
    await reply_html(
        update,
        t("officer.evidence.stored", actor.lang, count=1)
        + "\n"
        + _recorded_text(view, context, actor.lang),
    )


HANDLERS = {
    0: [
        CommandHandler(["capnhat", "update"], update_command),
        CallbackQueryHandler(
            progress_button, pattern=rf"^({cb.SET_PERCENT}|{cb.MARK_DONE}|{cb.SET_STATUS}):"
        ),
        CallbackQueryHandler(attach_button, pattern=rf"^{cb.ATTACH}:"),
        CallbackQueryHandler(
            draft_button, pattern=rf"^({cb.CONFIRM}|{cb.CORRECT}|{cb.WHICH_TASK}):"
        ),
        MessageHandler(filters.Document.ALL | filters.PHOTO, file_message),
        MessageHandler(filters.TEXT & ~filters.COMMAND, text_message),
    ]
}
