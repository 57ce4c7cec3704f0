"""The shape of a chat upload: a command asks for one file, and the next document is read.

/nhapkehoach (a plan) and /nhapcanbo (the staff roster) both work this way:
the plan keeper types the command, the bot names the size limit and waits;
``/huy`` leaves, a text instead of a file gets "send the file" again, and the
command typed again starts over. One builder makes both conversations, so
they cannot drift apart; each feature module keeps its own file step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from core.context import BotContext
from handlers.access import Where, open_to
from handlers.common import Actor, Callback, CommandSpec, reply_html, require
from locales import t

WAITING_FILE = 1
CANCEL = ["huy", "cancel"]


@dataclass(frozen=True, slots=True)
class Upload:
    """One chat upload: its command, its sentences (catalog keys) and its file step."""

    name: str  # the conversation's name: "plan_upload"
    command: CommandSpec  # who may start it (its roles) and its names
    ask_key: str  # "send me the file" (takes the size limit in MB, ``limit``)
    cancelled_key: str  # "/huy: nothing was written"
    need_file_key: str  # a text came where the file was expected
    file_received: Callback  # the file step, declared with require(); returns the next state


def conversation(upload: Upload) -> ConversationHandler[Any]:
    """A fresh conversation (its state must not leak between Applications)."""
    why = f"only reachable inside the plan keeper's {upload.name} conversation"

    @require(*upload.command.roles, allow_group=False)
    async def start_command(update: Update, context: BotContext, actor: Actor) -> int:
        """The upload command: ask for the file, naming the size limit, and wait for it."""
        limit = context.services.settings.max_upload_mb
        await reply_html(update, t(upload.ask_key, actor.lang, limit=limit))
        return WAITING_FILE

    @open_to(why, where=Where.PRIVATE)
    async def cancel_command(update: Update, context: BotContext) -> int:
        """/huy during an upload: leave the conversation; nothing was written yet."""
        await reply_html(update, t(upload.cancelled_key, _user_lang(update)))
        return ConversationHandler.END

    @open_to(why, where=Where.PRIVATE)
    async def not_a_file(update: Update, context: BotContext) -> int:
        """Text where the file was expected: ask again for the file instead of guessing."""
        await reply_html(update, t(upload.need_file_key, _user_lang(update)))
        return WAITING_FILE

    names = [upload.command.name, *upload.command.aliases]
    return ConversationHandler(
        entry_points=[CommandHandler(names, start_command)],
        states={
            WAITING_FILE: [
                MessageHandler(
                    filters.Document.ALL & filters.ChatType.PRIVATE, upload.file_received
                ),
                CommandHandler(CANCEL, cancel_command),
                MessageHandler(filters.TEXT & ~filters.COMMAND, not_a_file),
            ]
        },
        fallbacks=[CommandHandler(CANCEL, cancel_command)],
        allow_reentry=True,
        name=upload.name,
    )


def _user_lang(update: Update) -> str | None:
    # Steps open to anyone in the conversation: the Telegram language, no database read.
    return update.effective_user.language_code if update.effective_user else None
