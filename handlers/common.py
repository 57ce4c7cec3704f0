"""What every feature needs: who is writing, in which language, and safe replies.

``get_actor`` is the single place a Telegram user becomes a person of an
organization with a role; features check roles with :func:`require` so that
the refusal wording is the same everywhere and no command leaks data to a
stranger.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import MessageLimit, ParseMode

from core.context import BotContext
from handlers.access import Access, Kind, Where, declare
from locales import normalize_language, t
from storage.directory import OrgInfo, PersonInfo, identify
from storage.models import PersonStatus, Role

MANAGERS = frozenset({Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN})
CHAIRS = frozenset({Role.CHAIRMAN, Role.VICE_CHAIRMAN})
EVERYONE = frozenset(Role)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command as the menus (setMyCommands) and /trogiup present it.

    Each feature module lists its commands in ``COMMANDS``; the menu module
    gathers them, so a new command appears in the right role's menu and in
    the help text without editing a central list. ``help_key`` names the
    catalog entries ``<help_key>.short`` (menu line) and ``<help_key>.help``
    (one paragraph with an example).
    """

    name: str
    help_key: str
    roles: frozenset[Role] = EVERYONE
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind an update, as far as the bot knows them."""

    telegram_user_id: int | None
    chat_id: int | None
    chat_type: str | None
    lang: str
    person: PersonInfo | None
    org: OrgInfo | None

    @property
    def registered(self) -> bool:
        return self.person is not None and self.person.status is PersonStatus.ACTIVE

    def has_role(self, roles: Iterable[Role]) -> bool:
        return self.registered and self.person is not None and self.person.role in set(roles)

    @property
    def in_group(self) -> bool:
        return self.chat_type in ("group", "supergroup")


def actor_language(update: Update, person: PersonInfo | None, context: BotContext) -> str:
    """The person's chosen language, else their Telegram language, else the default."""
    if person is not None and person.language:
        return normalize_language(person.language)
    user = update.effective_user
    if user is not None and user.language_code:
        return normalize_language(user.language_code)
    return context.services.settings.default_language


async def get_actor(update: Update, context: BotContext) -> Actor:
    user = update.effective_user
    chat = update.effective_chat
    person = None
    org = None
    if user is not None:
        async with context.db.read() as session:
            person, org = await identify(session, user.id)
    return Actor(
        telegram_user_id=user.id if user else None,
        chat_id=chat.id if chat else None,
        chat_type=chat.type if chat else None,
        lang=actor_language(update, person, context),
        person=person,
        org=org,
    )


Handler = Callable[[Update, BotContext, Actor], Awaitable[Any]]
# What python-telegram-bot's handlers take: a coroutine function, not any awaitable.
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
F = TypeVar("F", bound=Handler)


def require(
    *roles: Role, where: Where = Where.ORG_CHATS, allow_group: bool = True
) -> Callable[[Handler], Callback]:
    """Run the handler only for a registered person with one of ``roles`` (any if empty),
    and only in a chat ``where`` allows (by default: private, or the organization's linked
    group — a leader's overview never lands in some other group).

    ``allow_group=False`` is the older spelling of ``where=Where.PRIVATE``. The wrapper
    carries its :class:`~handlers.access.Access` so the registry can check it is declared.
    """
    if not allow_group:
        where = Where.PRIVATE
    access = Access(Kind.GUARDED, frozenset(roles), where)

    def decorate(func: Handler) -> Callback:
        @wraps(func)
        async def wrapper(update: Update, context: BotContext) -> Any:
            actor = await get_actor(update, context)
            if not actor.registered:
                await refuse(update, t("auth.stranger", actor.lang))
                return None
            if roles and not actor.has_role(roles):
                await refuse(update, t("auth.forbidden", actor.lang))
                return None
            refusal = where_refusal(actor, where)
            if refusal is not None:
                await refuse(update, t(refusal, actor.lang))
                return None
            return await func(update, context, actor)

        return declare(wrapper, access)

    return decorate


def where_refusal(actor: Actor, where: Where) -> str | None:
    """The catalog key refusing ``actor``'s chat under ``where``, or None when it is fine."""
    if not actor.in_group or where is Where.ANYWHERE:
        return None
    if where is Where.PRIVATE:
        return "auth.private_only"
    linked = actor.org.group_chat_id if actor.org is not None else None
    if linked is not None and linked == actor.chat_id:
        return None
    return "auth.org_group_only"


async def refuse(update: Update, text: str) -> None:
    """Say no politely, as a popup for a button press or a reply for a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def esc(value: object) -> str:
    """Escape user or document text for a message sent with parse_mode HTML."""
    return html.escape("" if value is None else str(value), quote=False)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long reply on line boundaries so every part fits in one message.

    Lines are never cut inside an HTML tag because each rendered line is
    self-contained; a single line longer than the limit is cut hard.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


async def reply_html(update: Update, text: str, **kwargs: Any) -> None:
    """Reply with HTML text, split into several messages when it is too long."""
    message = update.effective_message
    if message is None:
        return
    parts = split_text(text)
    for index, part in enumerate(parts):
        extra = kwargs if index == len(parts) - 1 else {}
        await message.reply_html(part, **extra)


__all__ = [
    "CHAIRS",
    "EVERYONE",
    "MANAGERS",
    "Actor",
    "CommandSpec",
    "ParseMode",
    "Where",
    "actor_language",
    "esc",
    "get_actor",
    "refuse",
    "reply_html",
    "require",
    "split_text",
    "where_refusal",
]
