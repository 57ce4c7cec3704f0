"""Command menus (setMyCommands), /trogiup and /ngonngu.

Every feature module lists its commands in ``COMMANDS`` (handlers.common.
CommandSpec); this module gathers them from ``handlers.FEATURE_MODULES``, so
another feature's commands (the chairman's /tongquan…) show in the right
role's menu and help without editing a central list. Menus are set per
person's private chat (their role, their language) and, for strangers, in
the default scope in Vietnamese and in English (``language_code="en"``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from core import callbacks as cb
from core.context import BotContext, services_of
from handlers.access import open_to
from handlers.common import EVERYONE, Actor, CommandSpec, esc, get_actor, reply_html, require
from locales import SUPPORTED_LANGUAGES, has_key, t
from storage.chats import expire_menus, mark_menus, stale_menus
from storage.directory import set_language
from storage.models import Role

log = logging.getLogger(__name__)

MAX_MENU = 100
COMMANDS = [
    CommandSpec("trogiup", "menu.cmd.help", EVERYONE, ("help",)),
    CommandSpec("ngonngu", "menu.cmd.language", EVERYONE, ("language",)),
]
STRANGER_COMMANDS = ("start", "trogiup")
MENU_JOB = "person-menus"
MENUS_PER_ROUND = 20  # people per tick: 200 people's menus are set within ten ticks (5 min)
MENU_FIRST_RUN_SECONDS = 5.0  # after the first tick, not before the first getUpdates


def all_commands() -> list[CommandSpec]:
    """Every feature's CommandSpec, in FEATURE_MODULES order, first spelling wins."""
    import handlers

    seen: set[str] = set()
    specs: list[CommandSpec] = []
    for module in handlers._modules():
        for spec in getattr(module, "COMMANDS", []) or []:
            if spec.name not in seen:
                seen.add(spec.name)
                specs.append(spec)
    return specs


def commands_for(role: Role | None) -> list[CommandSpec]:
    specs = all_commands()
    if role is None:
        return [s for s in specs if s.name in STRANGER_COMMANDS]
    return [s for s in specs if role in s.roles]


def menu_name(spec: CommandSpec, lang: str) -> str:
    """English menus show the English alias (/tasks) when there is one."""
    if lang == "en" and spec.aliases:
        return spec.aliases[0]
    return spec.name


def _short(spec: CommandSpec, lang: str) -> str:
    key = f"{spec.help_key}.short"
    return t(key, lang) if has_key(key, "vi") else spec.name


def bot_commands(role: Role | None, lang: str) -> list[BotCommand]:
    return [
        BotCommand(menu_name(s, lang), _short(s, lang)[:256] or s.name)
        for s in commands_for(role)[:MAX_MENU]
    ]


def command_lines(role: Role | None, lang: str) -> list[str]:
    """HTML lines "/cmd — what it does" (catalog help texts are plain text: escaped)."""
    return [f"/{menu_name(s, lang)} — {esc(_short(s, lang))}" for s in commands_for(role)]


async def set_person_menu(
    bot: Any, telegram_user_id: int, role: Role, lang: str | None, *, webapp_url: str | None = None
) -> None:
    try:
        await bot.set_my_commands(
            bot_commands(role, lang or "vi"), scope=BotCommandScopeChat(telegram_user_id)
        )
    except TelegramError as error:
        log.warning("could not set the menu of %s: %s", telegram_user_id, error)
    from handlers.webapp import set_menu_button

    await set_menu_button(bot, webapp_url, telegram_user_id, role, lang)


async def on_startup(app: Any) -> None:
    """Publish the stranger menus (vi default, en); registered people's menus follow lazily.

    Setting everyone's menus here cost ≈ 7 s of calls for 200 people before
    the bot answered anyone. Now each person's row remembers which catalogue
    their menus show (``Person.menu_version``): a catalogue changed by an
    upgrade marks every menu to set again, and :func:`publish_menus` sets a
    few per scheduler tick (a restart with the same catalogue sets none).
    Registration and /ngonngu still set the person's menu at once.
    """
    bot = app.bot
    for lang in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(
            bot_commands(None, lang),
            scope=BotCommandScopeDefault(),
            language_code=None if lang == "vi" else lang,
        )
    services = services_of(app)
    if services.db is None:
        return
    async with services.db.write() as session:
        await expire_menus(session, catalogue_version(services.settings.webapp_url))
    if services.scheduler_enabled and app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(MENU_JOB):
            job.schedule_removal()
        app.job_queue.run_repeating(
            _menu_job,
            interval=services.settings.tick_seconds,
            first=MENU_FIRST_RUN_SECONDS,
            name=MENU_JOB,
            job_kwargs={"misfire_grace_time": 60, "coalesce": True, "max_instances": 1},
        )


@functools.cache
def catalogue_version(webapp_url: str | None) -> str:
    """A digest of every chat menu the bot sets (each role, each language, the Mini App button)."""
    digest = hashlib.sha256(f"webapp:{webapp_url or ''}\n".encode())
    for role in Role:
        for lang in SUPPORTED_LANGUAGES:
            for command in bot_commands(role, lang):
                digest.update(
                    f"{role.value}|{lang}|{command.command}|{command.description}\n".encode()
                )
    return digest.hexdigest()[:16]


async def publish_menus(app: Any, limit: int = MENUS_PER_ROUND) -> int:
    """Set the menus of up to ``limit`` people whose menus are not the current catalogue's."""
    services = services_of(app)
    version = catalogue_version(services.settings.webapp_url)
    async with services.database.read() as session:
        people = await stale_menus(session, limit)
    for _person_id, telegram_id, role, lang in people:
        await set_person_menu(
            app.bot, telegram_id, Role(role), lang, webapp_url=services.settings.webapp_url
        )
    if people:
        async with services.database.write() as session:
            await mark_menus(session, [(pid, role, lang) for pid, _, role, lang in people], version)
    return len(people)


async def _menu_job(context: BotContext) -> None:
    try:
        done = await publish_menus(context.application)
        if done:
            log.info("command menus set for %d people", done)
    except Exception:  # a menu must never stop the bot; the next round retries
        log.exception("setting command menus failed")


@open_to("lists the commands of the reader's own role; strangers see how to register")
async def help_command(update: Update, context: BotContext) -> None:
    """/trogiup: the commands of the reader's own role, one line of help each.

    A stranger also learns how to join.
    """
    actor = await get_actor(update, context)
    role = actor.person.role if actor.registered and actor.person else None
    lines = [t("menu.help.header", actor.lang), ""]
    for spec in commands_for(role):
        key = f"{spec.help_key}.help"
        names = " ".join(
            f"/{n}" for n in (spec.name, *spec.aliases) if n != menu_name(spec, actor.lang)
        )
        title = f"<b>/{menu_name(spec, actor.lang)}</b>" + (f" ({names})" if names else "")
        lines.append(title)
        lines.append(esc(t(key, actor.lang) if has_key(key, "vi") else _short(spec, actor.lang)))
        lines.append("")
    if role is None:
        lines.append(t("auth.stranger", actor.lang))
    await reply_html(update, "\n".join(lines).strip())


def _language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("menu.language.name", lang), callback_data=cb.build(cb.LANGUAGE, i)
                )
                for i, lang in enumerate(SUPPORTED_LANGUAGES)
            ]
        ]
    )


@require()
async def language_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/ngonngu: offer the languages as buttons, so an English-speaking adviser can read the bot."""
    await reply_html(update, t("menu.language.ask", actor.lang), reply_markup=_language_keyboard())


@require()
async def language_button(update: Update, context: BotContext, actor: Actor) -> None:
    """A language button of /ngonngu: store the person's choice and answer in it from now on."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    index = cb.first_arg(query.data, -1)
    if not 0 <= index < len(SUPPORTED_LANGUAGES):
        await query.answer()
        return
    lang = SUPPORTED_LANGUAGES[index]
    async with context.db.write() as session:
        await set_language(
            session,
            actor.person.id,
            lang,
            actor=f"telegram:{actor.telegram_user_id}",
            at=context.clock.now(),
        )
    await query.answer()
    from handlers.officers import edit_or_reply

    await edit_or_reply(update, t("menu.language.done", lang))
    await set_person_menu(
        context.bot,
        actor.telegram_user_id or 0,
        actor.person.role,
        lang,
        webapp_url=context.services.settings.webapp_url,
    )


HANDLERS = {
    0: [
        CommandHandler(["trogiup", "help"], help_command),
        CommandHandler(["ngonngu", "language"], language_command),
        CallbackQueryHandler(language_button, pattern=rf"^{cb.LANGUAGE}:"),
    ]
}
