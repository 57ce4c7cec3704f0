"""Who may talk to the bot: /start, invitations (/moi), join requests, groups.

A stranger's /start gets a polite answer and nothing else, while a join
request goes to the plan keepers with Approve/Refuse buttons; approval then
asks the role and (for an officer) the unit. ``/start <code>`` redeems a
one-time, expiring invitation made with ``/moi``. A tracker in group −1
remembers every chat; ``/lienketnhom`` makes a group the organization's.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from core import callbacks as cb
from core.context import BotContext
from handlers.access import Where, open_to, tracker
from handlers.common import EVERYONE, Actor, CommandSpec, esc, get_actor, reply_html, require
from handlers.officers import edit_or_reply, error_text, fmt_date, send_to
from locales import normalize_language, t
from plans.errors import UserError
from plans.text import ascii_key
from storage.chats import link_group, remember_chat
from storage.directory import PersonInfo, list_units, resolve_unit_id
from storage.invitations import (
    admins_to_ask,
    create_invitation,
    decide_join_request,
    get_join_request,
    join_link_payload,
    organization_of_join_link,
    record_join_request,
    redeem_invitation,
)
from storage.models import Role

log = logging.getLogger(__name__)

# Roles a plan keeper may give, in button order (index = callback argument).
GIVABLE_ROLES = (Role.OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.ADMIN)
ROLE_WORDS = {
    "officer": Role.OFFICER,
    "canbo": Role.OFFICER,
    "can bo": Role.OFFICER,
    "chairman": Role.CHAIRMAN,
    "chutich": Role.CHAIRMAN,
    "chu tich": Role.CHAIRMAN,
    "vice_chairman": Role.VICE_CHAIRMAN,
    "phochutich": Role.VICE_CHAIRMAN,
    "pho chu tich": Role.VICE_CHAIRMAN,
    "admin": Role.ADMIN,
    "vanphong": Role.ADMIN,
}
SEEN_CHATS_KEY = "registration.seen_chats"

COMMANDS = [
    CommandSpec("start", "registration.cmd.start", EVERYONE),
    CommandSpec("moi", "registration.cmd.invite", frozenset({Role.ADMIN}), ("invite",)),
    CommandSpec("lienketnhom", "registration.cmd.link_group", frozenset({Role.ADMIN})),
]


def _full_name(update: Update) -> str:
    user = update.effective_user
    if user is None:
        return ""
    return " ".join(p for p in (user.first_name, user.last_name) if p)


async def _refresh_menu(context: BotContext, person: PersonInfo | None, lang: str) -> None:
    if person is None or person.telegram_user_id is None:
        return
    from handlers.menu import set_person_menu

    await set_person_menu(
        context.bot,
        person.telegram_user_id,
        person.role,
        lang,
        webapp_url=context.services.settings.webapp_url,
    )


def greeting(actor: Actor) -> str:
    from handlers.menu import command_lines

    assert actor.person is not None
    lines = [
        t(
            "registration.greeting",
            actor.lang,
            name=esc(actor.person.full_name),
            role=t(f"role.{actor.person.role.value}", actor.lang),
            org=esc(actor.org.name if actor.org else ""),
        ),
        "",
        *command_lines(actor.person.role, actor.lang),
        "",
        t("registration.greeting.help", actor.lang),
    ]
    return "\n".join(lines)


@open_to("a stranger may ask to join or redeem a code; a registered person only gets the greeting")
async def start_command(update: Update, context: BotContext) -> None:
    """/start: greet a registered person, redeem ``/start <code>``, tell a stranger how to join."""
    actor = await get_actor(update, context)
    code = (context.args or [""])[0].strip() if context.args else ""
    if actor.registered:
        await reply_html(update, greeting(actor))
        # People added by the CLI since start-up get their role's menu here.
        await _refresh_menu(context, actor.person, actor.lang)
        return
    user = update.effective_user
    if user is None or actor.in_group:
        await reply_html(update, t("auth.stranger", actor.lang))
        return
    language = normalize_language(user.language_code) if user.language_code else None
    if code and not code.startswith(JOIN_LINK_PREFIX):
        try:
            async with context.db.write() as session:
                person = await redeem_invitation(
                    session,
                    code,
                    telegram_user_id=user.id,
                    full_name=_full_name(update),
                    language=language,
                    now=context.clock.now(),
                )
        except UserError as error:
            await reply_html(update, error_text(error, actor.lang))
            return
        await _refresh_menu(context, person, actor.lang)
        await reply_html(update, greeting(await get_actor(update, context)))
        return
    organization_id = organization_of_join_link(code, _link_secret(context)) if code else None
    if organization_id is None:
        # No code, or a code nobody issued: nothing is written and nobody is bothered;
        # the person is told to ask their office (their plan keeper) for an invitation.
        await reply_html(update, t("registration.ask_office", actor.lang))
        return
    try:
        async with context.db.write() as session:
            request, created = await record_join_request(
                session,
                telegram_user_id=user.id,
                full_name=_full_name(update),
                language=language,
                now=context.clock.now(),
                organization_id=organization_id,
            )
            admins = await admins_to_ask(session, organization_id) if created else []
    except UserError as error:
        await reply_html(update, error_text(error, actor.lang))
        return
    await reply_html(update, t("registration.stranger", actor.lang))
    for telegram_id, admin_lang in admins:
        lang = admin_lang or "vi"
        await send_to(
            context,
            telegram_id,
            t(
                "registration.request.notice",
                lang,
                name=esc(request.full_name),
                username=esc("@" + user.username if user.username else str(user.id)),
            ),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t("officer.button.approve", lang),
                            callback_data=cb.build(cb.JOIN_APPROVE, request.id),
                        ),
                        InlineKeyboardButton(
                            t("officer.button.refuse", lang),
                            callback_data=cb.build(cb.JOIN_REFUSE, request.id),
                        ),
                    ]
                ]
            ),
        )


JOIN_LINK_PREFIX = "join-"


def _link_secret(context: BotContext) -> str:
    """Join links are signed with the bot token: another bot's links do not work here."""
    return context.services.settings.token()


def _role_keyboard(verb: str, lang: str, *prefix: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(f"role.{role.value}", lang), callback_data=cb.build(verb, *prefix, index)
                )
            ]
            for index, role in enumerate(GIVABLE_ROLES)
        ]
    )


async def _unit_keyboard(
    context: BotContext, org_id: int, verb: str, *prefix: int
) -> InlineKeyboardMarkup:
    async with context.db.read() as session:
        units = await list_units(session, org_id)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(u.name, callback_data=cb.build(verb, *prefix, u.id))] for u in units]
    )


@require(Role.ADMIN)
async def join_button(update: Update, context: BotContext, actor: Actor) -> None:
    """ja/jr/jo/ju: approve (role, then unit) or refuse a join request."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    request_id = parsed.args[0]
    async with context.db.read() as session:
        request = await get_join_request(session, request_id)
    if (
        request is None
        or request.decided
        or request.organization_id != actor.person.organization_id
    ):  # another organization's request is, for this plan keeper, no request at all
        await query.answer(t("registration.request_decided", actor.lang), show_alert=True)
        return
    if parsed.verb == cb.JOIN_APPROVE:
        await query.answer()
        await edit_or_reply(
            update,
            t("registration.ask_role", actor.lang, name=esc(request.full_name)),
            _role_keyboard(cb.JOIN_ROLE, actor.lang, request_id),
        )
        return
    role: Role | None = None
    unit_id: int | None = None
    approve = parsed.verb != cb.JOIN_REFUSE
    if parsed.verb == cb.JOIN_ROLE:
        index = parsed.args[1] if len(parsed.args) > 1 else -1
        if not 0 <= index < len(GIVABLE_ROLES):
            await query.answer()
            return
        role = GIVABLE_ROLES[index]
        if role is Role.OFFICER:
            await query.answer()
            await edit_or_reply(
                update,
                t("registration.ask_unit", actor.lang, name=esc(request.full_name)),
                await _unit_keyboard(
                    context, actor.person.organization_id, cb.JOIN_UNIT, request_id
                ),
            )
            return
    elif parsed.verb == cb.JOIN_UNIT:
        role = Role.OFFICER
        unit_id = parsed.args[1] if len(parsed.args) > 1 else None
    try:
        async with context.db.write() as session:
            request, person = await decide_join_request(
                session,
                request_id,
                admin=actor.person,
                approve=approve,
                role=role,
                unit_id=unit_id,
                now=context.clock.now(),
            )
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    await query.answer()
    their_lang = request.language or "vi"
    if person is None:
        await edit_or_reply(
            update, t("registration.refused.admin", actor.lang, name=esc(request.full_name))
        )
        await send_to(context, request.telegram_user_id, t("registration.refused", their_lang))
        return
    await edit_or_reply(
        update,
        t(
            "registration.approved.admin",
            actor.lang,
            name=esc(person.full_name),
            role=t(f"role.{person.role.value}", actor.lang),
        ),
    )
    await _refresh_menu(context, person, their_lang)
    await send_to(
        context,
        request.telegram_user_id,
        t(
            "registration.approved",
            their_lang,
            role=t(f"role.{person.role.value}", their_lang),
        ),
    )


def _link(context: BotContext, code: str) -> str:
    return f"https://t.me/{context.services.bot_username}?start={code}"


async def _invitation_reply(
    context: BotContext, actor: Actor, role: Role, unit_id: int | None
) -> str:
    assert actor.person is not None
    async with context.db.write() as session:
        info = await create_invitation(
            session,
            organization_id=actor.person.organization_id,
            role=role,
            unit_id=unit_id,
            created_by=actor.person.id,
            now=context.clock.now(),
        )
    return t(
        "registration.invitation",
        actor.lang,
        role=t(f"role.{role.value}", actor.lang),
        unit=esc(info.unit_name or "—"),
        code=esc(info.code),
        link=esc(_link(context, info.code)),
        expires=fmt_date(info.expires_at.astimezone(context.services.tz).date()),
    )


def parse_role(word: str) -> Role | None:
    return ROLE_WORDS.get(ascii_key(word).replace("-", "_"))


@require(Role.ADMIN, allow_group=False)
async def invite_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/moi → role buttons; /moi officer Tư pháp - Hộ tịch → a code at once."""
    assert actor.person is not None
    args = context.args or []
    if not args:
        join = _link(
            context, join_link_payload(actor.person.organization_id, _link_secret(context))
        )
        await reply_html(
            update,
            t("registration.invite.ask_role", actor.lang)
            + "\n\n"
            + t("registration.join_link", actor.lang, link=esc(join)),
            reply_markup=_role_keyboard(cb.INVITE_ROLE, actor.lang),
        )
        return
    role = parse_role(args[0])
    if role is None:
        await reply_html(update, t("registration.invite.usage", actor.lang))
        return
    unit_id = None
    unit_name = " ".join(args[1:])
    if role is Role.OFFICER and not unit_name:
        await reply_html(
            update,
            t("registration.invite.ask_unit", actor.lang),
            reply_markup=await _unit_keyboard(
                context, actor.person.organization_id, cb.INVITE_UNIT
            ),
        )
        return
    if unit_name:
        async with context.db.read() as session:
            unit = await resolve_unit_id(session, actor.person.organization_id, unit_name)
        if unit is None:
            await reply_html(
                update, t("registration.invite.unit_unknown", actor.lang, name=esc(unit_name))
            )
            return
        unit_id = unit
    try:
        text = await _invitation_reply(context, actor, role, unit_id)
    except UserError as error:
        text = error_text(error, actor.lang)
    await reply_html(update, text)


@require(Role.ADMIN, allow_group=False)
async def invite_button(update: Update, context: BotContext, actor: Actor) -> None:
    """The role (then, for an officer, the unit) buttons of /moi: make the invitation link."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    await query.answer()
    if parsed.verb == cb.INVITE_ROLE:
        index = parsed.args[0]
        if not 0 <= index < len(GIVABLE_ROLES):
            return
        role = GIVABLE_ROLES[index]
        if role is Role.OFFICER:
            await edit_or_reply(
                update,
                t("registration.invite.ask_unit", actor.lang),
                await _unit_keyboard(context, actor.person.organization_id, cb.INVITE_UNIT),
            )
            return
        unit_id = None
    else:
        role, unit_id = Role.OFFICER, parsed.args[0]
    try:
        text = await _invitation_reply(context, actor, role, unit_id)
    except UserError as error:
        text = error_text(error, actor.lang)
    await edit_or_reply(update, text)


@require(Role.ADMIN, where=Where.ANYWHERE)  # it links the (new) group it is typed in
async def link_group_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/lienketnhom in a group: make it the organization's group (warnings, digests go there)."""
    assert actor.person is not None
    chat = update.effective_chat
    if chat is None or not actor.in_group:
        await reply_html(update, t("registration.link.group_only", actor.lang))
        return
    try:
        async with context.db.write() as session:
            await link_group(
                session,
                chat.id,
                chat.type,
                chat.title,
                actor.person.organization_id,
                actor.person.id,
            )
    except UserError as error:
        await reply_html(update, error_text(error, actor.lang))
        return
    await reply_html(
        update,
        t(
            "registration.link.done",
            actor.lang,
            title=esc(chat.title or ""),
            org=esc(actor.org.name if actor.org else ""),
        ),
    )


@tracker("remembers the chat id and title; never answers")
async def track_chat(update: Update, context: BotContext) -> None:
    """Group −1: remember every chat once per process (never answers)."""
    chat = update.effective_chat
    if chat is None:
        return
    seen: set[int] = context.bot_data.setdefault(SEEN_CHATS_KEY, set())
    if chat.id in seen:
        return
    try:
        async with context.db.write() as session:
            await remember_chat(session, chat.id, chat.type, chat.title or chat.full_name)
    except Exception:  # tracking must never stop the update from being handled
        log.warning("could not remember chat %s", chat.id, exc_info=True)
        return
    seen.add(chat.id)


HANDLERS: dict[int, list[Any]] = {
    -1: [TypeHandler(Update, track_chat)],
    0: [
        CommandHandler("start", start_command),
        CommandHandler(["moi", "invite"], invite_command),
        CommandHandler("lienketnhom", link_group_command),
        CallbackQueryHandler(
            join_button,
            pattern=rf"^({cb.JOIN_APPROVE}|{cb.JOIN_REFUSE}|{cb.JOIN_ROLE}|{cb.JOIN_UNIT}):",
        ),
        CallbackQueryHandler(invite_button, pattern=rf"^({cb.INVITE_ROLE}|{cb.INVITE_UNIT}):"),
    ],
}
