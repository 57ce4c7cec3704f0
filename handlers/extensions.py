"""/giahan: an officer asks for a later deadline; the Chủ tịch or a Phó Chủ tịch decides.

A deadline set by the People's Committee's plan is changed only by its
leadership: the request is stored first (pending), then the Chủ tịch and the
Phó Chủ tịch get Approve/Refuse buttons; the first decision wins, later
presses are told it was already decided. The plan keeper (Văn phòng) is
informed of the request and of the decision, without buttons. The officer
hears the outcome.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from core import callbacks as cb
from core.context import BotContext
from handlers.common import CHAIRS, Actor, CommandSpec, esc, reply_html, require
from handlers.officers import edit_or_reply, error_text, fmt_date, send_to, today_of
from locales import t
from plans.dates import parse_user_date
from plans.errors import UserError
from plans.numbers import parse_task_number
from plans.text import clip
from storage.extensions import (
    INFORMED,
    ExtensionInfo,
    decide_extension,
    deciders_of,
    request_extension,
)
from storage.models import Role
from storage.tasks import find_task_by_number

REQUESTERS = (Role.OFFICER, Role.ADMIN)
COMMANDS = [CommandSpec("giahan", "officer.cmd.extend", frozenset(REQUESTERS), ("extend",))]

MAX_DATE_WORDS = 6


def split_date_and_reason(words: list[str], today: date) -> tuple[date | None, str | None]:
    """The longest leading words that read as a date, and the rest as the reason."""
    for size in range(min(len(words), MAX_DATE_WORDS), 0, -1):
        found = parse_user_date(" ".join(words[:size]), today)
        if found is not None:
            return found, " ".join(words[size:]) or None
    return None, None


def _decision_keyboard(ext_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("officer.button.approve", lang),
                    callback_data=cb.build(cb.EXT_APPROVE, ext_id),
                ),
                InlineKeyboardButton(
                    t("officer.button.refuse", lang), callback_data=cb.build(cb.EXT_REFUSE, ext_id)
                ),
            ]
        ]
    )


# The deciders' notice is one message: a long task plus a long reason must never
# push it past Telegram's 4,096 characters (the request would silently not arrive).
NOTICE_CONTENT_LIMIT = 1500
NOTICE_REASON_LIMIT = 1500


def _request_text(info: ExtensionInfo, lang: str) -> str:
    return t(
        "extension.request.notice",
        lang,
        name=esc(info.requester_name or ""),
        number=info.task_number,
        content=esc(clip(info.task_content, NOTICE_CONTENT_LIMIT)),
        previous=fmt_date(info.previous_due),
        requested=fmt_date(info.requested_due),
        reason=esc(clip(info.reason or "—", NOTICE_REASON_LIMIT)),
    )


@require(*REQUESTERS)
async def extend_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/giahan <số> <ngày> [lý do]: an officer asks for a later deadline.

    Stored as pending first; the leadership decides with buttons (a plan's
    deadline is theirs to move).
    """
    assert actor.person is not None
    args = context.args or []
    number = parse_task_number(args[0]) if len(args) >= 2 else None
    if number is None:
        await reply_html(update, t("extension.usage", actor.lang))
        return
    today = today_of(context)
    new_due, reason = split_date_and_reason(args[1:], today)
    if new_due is None:
        await reply_html(update, t("extension.bad_date", actor.lang, text=esc(" ".join(args[1:]))))
        return
    try:
        async with context.db.write() as session:
            view = await find_task_by_number(session, actor.person.organization_id, number)
            if view is None:
                raise UserError("officer.task_unknown", number=number)
            info = await request_extension(
                session,
                person=actor.person,
                task_id=view.id,
                new_due=new_due,
                reason=reason,
                today=today,
                now=context.clock.now(),
            )
            deciders = await deciders_of(session, actor.person.organization_id)
            keepers = await deciders_of(session, actor.person.organization_id, INFORMED)
    except UserError as error:
        await reply_html(update, error_text(error, actor.lang))
        return
    await reply_html(
        update,
        t(
            "extension.requested",
            actor.lang,
            number=info.task_number,
            date=fmt_date(info.requested_due),
        ),
    )
    for telegram_id, lang in deciders:
        if telegram_id == actor.telegram_user_id:
            continue
        lang = lang or "vi"
        await send_to(
            context, telegram_id, _request_text(info, lang), _decision_keyboard(info.id, lang)
        )
    for telegram_id, lang in keepers:
        if telegram_id == actor.telegram_user_id:
            continue
        lang = lang or "vi"
        text = _request_text(info, lang) + "\n\n" + t("extension.keeper.informed", lang)
        await send_to(context, telegram_id, text, None)


@require(*CHAIRS)
async def decision_button(update: Update, context: BotContext, actor: Actor) -> None:
    """Approve/Refuse under a /giahan request, pressed by the Chủ tịch or a Phó Chủ tịch.

    The first press decides; the officer and the plan keeper hear the outcome.
    """
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    approve = parsed.verb == cb.EXT_APPROVE
    try:
        async with context.db.write() as session:
            info = await decide_extension(
                session,
                parsed.args[0],
                person=actor.person,
                approve=approve,
                now=context.clock.now(),
            )
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    outcome = "approved" if approve else "refused"
    await query.answer(t(f"extension.{outcome}.short", actor.lang))
    await edit_or_reply(
        update,
        _request_text(info, actor.lang)
        + "\n\n"
        + t(f"extension.{outcome}.by", actor.lang, name=esc(actor.person.full_name)),
    )
    async with context.db.read() as session:
        keepers = await deciders_of(session, actor.person.organization_id, INFORMED)
    for telegram_id, lang in keepers:
        lang = lang or "vi"
        await send_to(
            context,
            telegram_id,
            t(
                f"extension.keeper.{outcome}",
                lang,
                name=esc(actor.person.full_name),
                number=info.task_number,
                date=fmt_date(info.requested_due),
                previous=fmt_date(info.previous_due),
            ),
            None,
        )
    if info.requester_telegram_id is not None:
        lang = info.requester_language or "vi"
        await send_to(
            context,
            info.requester_telegram_id,
            t(
                f"extension.{outcome}.notice",
                lang,
                number=info.task_number,
                date=fmt_date(info.requested_due),
                previous=fmt_date(info.previous_due),
            ),
        )


HANDLERS = {
    0: [
        CommandHandler(["giahan", "extend"], extend_command),
        CallbackQueryHandler(decision_button, pattern=rf"^({cb.EXT_APPROVE}|{cb.EXT_REFUSE}):"),
    ]
}
