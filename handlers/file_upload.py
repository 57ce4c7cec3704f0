"""The shape of a chat upload: a command asks for one file, and the next document is read.

/nhapkehoach (a plan) and /nhapcanbo (the staff roster) both work this way:
the plan keeper types the command, the bot names the size limit and waits;
``/huy`` leaves, a text instead of a file gets "send the file" again, and the
command typed again starts over. One builder makes both conversations, so
they cannot drift apart; each feature module keeps its own file step, which
opens with the same checks (:func:`receive_file`: the kind of file, the size
limit before and after the download).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Document, Message, Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from core.context import BotContext
from handlers.access import Where, open_to
from handlers.common import Actor, Callback, CommandSpec, esc, reply_html, require
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


@dataclass(frozen=True, slots=True)
class FileCheck:
    """What a file step takes before reading anything, and what it says meanwhile."""

    accepted: tuple[str, ...]  # file name endings, lower case: (".xlsx", ".csv")
    default_name: str  # the name of a document sent without one
    bad_type_key: str  # not a kind the step reads (takes ``filename``)
    too_big_key: str  # over the size limit (takes ``name`` and ``limit`` in MB)
    reading_key: str  # "reading the file…", edited later with the outcome (takes ``name``)


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    """A document that passed the checks, downloaded."""

    document: Document
    filename: str
    data: bytes
    status: Message  # the "reading…" message, for the step to edit with its outcome


async def receive_file(
    update: Update, context: BotContext, actor: Actor, check: FileCheck
) -> ReceivedFile | None:
    """The file step's opening: kind and size checked, then downloaded.

    None when the file is refused: the person was told why, nothing was
    written, and the step stays in ``WAITING_FILE`` for another file. The size
    is checked again after the download, since Telegram may not state it.
    """
    message = update.effective_message
    assert message is not None and message.document is not None
    lang = actor.lang
    document = message.document
    filename = document.file_name or check.default_name
    limit_mb = context.services.settings.max_upload_mb
    if not filename.lower().endswith(check.accepted):
        await reply_html(update, t(check.bad_type_key, lang, filename=esc(filename)))
        return None
    too_big = t(check.too_big_key, lang, name=esc(filename), limit=limit_mb)
    if document.file_size is not None and document.file_size > limit_mb * 1024 * 1024:
        await reply_html(update, too_big)
        return None
    status = await message.reply_html(t(check.reading_key, lang, name=esc(filename)))
    tg_file = await document.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    if len(data) > limit_mb * 1024 * 1024:
        await status.edit_text(too_big, parse_mode="HTML")
        return None
    return ReceivedFile(document, filename, data, status)


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
