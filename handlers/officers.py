"""What the officers' conversation modules share: task rendering, keyboards, lookups.

Kept Telegram-light: rendering returns HTML strings (every piece of plan or
user text escaped) and keyboards carry ids only (handlers/callbacks.py), so
a task title with ``<b>`` or ``*`` cannot break a message and no button
outgrows Telegram's 64 bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from core import callbacks as cb
from core.context import BotContext
from handlers.common import Actor, esc, split_text
from locales import t
from plans.completion import counts_as_done, days_left
from plans.errors import UserError
from plans.progress_text import STATUS_IN_PROGRESS, STATUS_ISSUED, STATUS_NOT_STARTED
from plans.text import clip
from plans.understanding.fold import fold
from plans.understanding.tasks import find_mentions
from storage.models import Role
from storage.outbox import find_by_message
from storage.tasks import TaskView, find_task_by_number

log = logging.getLogger(__name__)

UTC_ZONE = ZoneInfo("UTC")  # snapshot() uses its zone only for the done day, unused here
CARD_CONTENT_LIMIT = 2500  # a card is one message: the task text never pushes it past 4096
PERCENT_STEPS = (0, 25, 50, 75, 100)
STATUS_WORDS = (STATUS_IN_PROGRESS, STATUS_NOT_STARTED, STATUS_ISSUED)
STATUS_KEYS = ("officer.status.in_progress", "officer.status.not_started", "officer.status.issued")


def today_of(context: BotContext) -> date:
    return context.clock.now().astimezone(context.services.tz).date()


def error_text(error: UserError, lang: str) -> str:
    return t(error.key, lang, **error.params)


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def deadline_phrase(view: TaskView, today: date, lang: str, *, bare: bool = False) -> str:
    """ "hạn 10/06/2024 (còn 7 ngày)" / "(đã quá hạn 3 ngày)" / "Thường xuyên".

    ``bare`` drops the word "hạn" before the date, for a line that already
    says "Thời hạn:" ("Thời hạn: 29/02/2024 (đã quá hạn 95 ngày)").
    """
    if view.done:
        state = t("officer.task.done", lang)
    else:
        left = days_left(view.snapshot(UTC_ZONE), today)
        if left is None:
            state = ""
        elif left < 0:
            state = t("officer.task.overdue", lang, days=-left)
        elif left == 0:
            state = t("officer.task.due_today", lang)
        else:
            state = t("officer.task.days_left", lang, days=left)
    due = view.effective_due_date
    if due is None:
        text = esc(view.deadline_text or t("officer.task.no_deadline", lang))
    else:
        key = "officer.task.due_bare" if bare else "officer.task.due"
        text = t(key, lang, date=fmt_date(due))
        if view.extended_due_date:
            text += " " + t("officer.task.extended", lang, date=fmt_date(view.due_date))
        elif view.deadline_assumed:
            text += " " + t("hierarchy.task.assumed", lang)
    return f"{text} {state}".strip()


def code_label(view: TaskView, lang: str) -> str:
    """ " [3.2.1]" after the number when the plan numbers its tasks by criterion code."""
    # Only dotted codes ("3.2.1", "2.a"): a table's per-field "1", "2" would only confuse.
    if view.code and "." in view.code.strip(".") and any(ch.isdigit() for ch in view.code):
        return " " + t("hierarchy.task.code", lang, code=esc(view.code))
    return ""


def percent_text(view: TaskView, lang: str) -> str:
    if view.percent is None and not view.status_text:
        return t("officer.task.no_update", lang)
    parts = []
    if view.percent is not None:
        parts.append(f"{view.percent}%")
    if view.status_text:
        parts.append(esc(view.status_text))
    return " · ".join(parts)


def task_line(view: TaskView, today: date, lang: str, tz: ZoneInfo) -> str:
    # ✅ by the same rule as /tongquan and the appendix: a recurring task is done
    # only with a done figure in this period's window, not for an old "xong".
    mark = "✅" if counts_as_done(view.snapshot(tz), today) else "▫️"
    return (
        f"{mark} <b>{view.number}.</b>{code_label(view, lang)} {esc(view.content)}\n"
        f"    {deadline_phrase(view, today, lang)} · {percent_text(view, lang)}"
    )


def task_card(view: TaskView, today: date, lang: str, *, with_buttons: bool = True) -> str:
    lines = [
        t("officer.card.title", lang, number=view.number) + code_label(view, lang),
        esc(_short(view.content, CARD_CONTENT_LIMIT)),
        t("officer.card.field", lang, field=esc(f"{view.field_key}. {view.field_title}")),
        t("officer.card.units", lang, units=esc(view.lead_units_text or "—")),
        t("officer.card.deadline", lang, deadline=deadline_phrase(view, today, lang, bare=True)),
        t("officer.card.progress", lang, progress=percent_text(view, lang)),
    ]
    if view.output:
        lines.append(t("officer.card.output", lang, output=esc(view.output)))
    # "Chọn nút bên dưới" only when the message really carries the buttons.
    hint = "officer.card.hint" if with_buttons else "officer.card.hint_command"
    lines.append(t(hint, lang, number=view.number))
    return "\n".join(lines)


def update_keyboard(task_id: int, lang: str) -> InlineKeyboardMarkup:
    percent_row = [
        InlineKeyboardButton(f"{p}%", callback_data=cb.set_percent(task_id, p))
        for p in PERCENT_STEPS
    ]
    status_row = [
        InlineKeyboardButton(t(key, lang), callback_data=cb.build(cb.SET_STATUS, task_id, i))
        for i, key in enumerate(STATUS_KEYS)
    ]
    return InlineKeyboardMarkup(
        [
            percent_row,
            [
                InlineKeyboardButton(
                    t("officer.button.done", lang), callback_data=cb.mark_done(task_id)
                )
            ],
            status_row,
            [
                InlineKeyboardButton(
                    t("officer.button.attach", lang), callback_data=cb.build(cb.ATTACH, task_id)
                )
            ],
        ]
    )


def task_ids_in_markup(markup: InlineKeyboardMarkup | None) -> list[int]:
    """Tasks a bot message covers, read from its buttons (ids in callback_data)."""
    found: list[int] = []
    if markup is None:
        return found
    for row in markup.inline_keyboard:
        for button in row:
            parsed = cb.parse(
                button.callback_data if isinstance(button.callback_data, str) else None
            )
            if parsed and parsed.verb in cb.TASK_VERBS and parsed.args:
                if parsed.args[0] not in found:
                    found.append(parsed.args[0])
    return found


async def tasks_covered_by(
    context: BotContext, message: Message, organization_id: int | None = None
) -> list[int]:
    """Task ids of a bot message: its buttons, the outbox row that sent it, else its text.

    Every message the bot sends about one task (reminder, deadline-day warning,
    overdue notice, the chairman's nudge, an extension answer) must accept a
    reply as an update of that task (issue 11, defect 3): buttons and the
    outbox row's ``task_ids`` cover digests; a notice row's subject
    (``nudge:task:<id>``) covers nudges; and a message sent directly (the
    extension answer) is read for the task number it names ("nhiệm vụ số
    3"), resolved in the person's organization.
    """
    ids = task_ids_in_markup(message.reply_markup)
    async with context.db.read() as session:
        sent = await find_by_message(session, message.chat_id, message.message_id)
        if sent is not None:
            ids.extend(task_id for task_id in sent.task_ids if task_id not in ids)
            if not ids and sent.subject_task_id is not None:
                ids.append(sent.subject_task_id)
        if not ids and organization_id is not None and message.text:
            for mention in find_mentions(fold(message.text)):
                for number in mention.numbers:
                    view = await find_task_by_number(session, organization_id, number)
                    if view is not None and view.id not in ids:
                        ids.append(view.id)
    return ids


def visible_unit_ids(actor: Actor) -> tuple[int, ...] | None:
    """Units whose tasks the person works on; None means the whole organization."""
    assert actor.person is not None
    if actor.person.role is Role.OFFICER:
        return actor.person.unit_ids
    return None


def which_task_keyboard(draft_id: int, views: Iterable[TaskView]) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                f"{v.number}. {_short(v.content)}",
                callback_data=cb.build(cb.WHICH_TASK, draft_id, v.id),
            )
        ]
        for v in views
    ]
    return InlineKeyboardMarkup(rows)


def _short(text: str, limit: int = 40) -> str:
    return clip(text, limit)


async def send_to(
    context: BotContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send to someone who may have blocked the bot; a refusal is logged, not raised."""
    try:
        return await context.bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup)
    except Forbidden:
        log.warning("chat %s refused a message (blocked or never started)", chat_id)
    except BadRequest as error:
        log.warning("could not send to chat %s: %s", chat_id, error)
    return None


async def edit_or_reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed button's message in place (ignoring "not modified").

    A text past Telegram's 4096 characters (a long task, a long note, many
    tasks confirmed at once) would be refused whole: the first part replaces
    the message and the rest follow as replies, the buttons on the last.
    """
    parts = split_text(text)
    query = update.callback_query
    message = update.effective_message
    if query is not None and query.message is not None:
        try:
            first = None if len(parts) > 1 else markup
            await query.edit_message_text(parts[0], parse_mode="HTML", reply_markup=first)
            parts = parts[1:]
        except BadRequest as error:
            if "not modified" in str(error).lower():
                parts = parts[1:]  # the message already says it
            else:
                log.info("could not edit message: %s", error)
    if message is None:
        return
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_html(part, reply_markup=markup if last else None)
