"""The last word in a private chat: unknown commands and /huy with nothing to cancel.

Registered last in group 0, so a command reaches these handlers only when no
feature took it. A mistyped command ("/tongqan") or a /huy outside any
conversation used to get no answer at all; now it gets one line pointing at
/trogiup. Only in private chats: in a group, "/start@another_bot" is not ours.
A stranger's unknown command gets the usual "register first" answer (the
``require`` guard: its filter is one the access walk cannot sample).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from core.context import BotContext
from handlers.access import Where, open_to
from handlers.common import Actor, esc, get_actor, reply_html, require
from locales import t


@open_to("a one-line hint to anyone, leaks nothing", where=Where.PRIVATE)
async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/huy outside any conversation: say there is nothing to cancel rather than stay silent."""
    actor = await get_actor(update, context)
    await reply_html(update, t("fallback.nothing_to_cancel", actor.lang))


@require(where=Where.PRIVATE)  # any registered person; a stranger gets the join hint
async def unknown_command(update: Update, context: BotContext, actor: Actor) -> None:
    """An unknown /command in private: name it back, so a typo is not met with silence."""
    message = update.effective_message
    if message is None or not message.text:
        return
    word = message.text.split()[0].split("@")[0]
    await reply_html(update, t("fallback.unknown_command", actor.lang, command=esc(word[:40])))


_PRIVATE = filters.ChatType.PRIVATE

HANDLERS = {
    0: [
        CommandHandler(["huy", "cancel"], nothing_to_cancel, filters=_PRIVATE),
        MessageHandler(filters.COMMAND & _PRIVATE, unknown_command),
    ]
}
