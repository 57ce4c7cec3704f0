"""The last line of defence: log what broke and tell the person something kind.

Expected Telegram errors (a blocked user, "message is not modified") are
handled where they happen; whatever reaches this handler is a bug or an
outage, so it is logged with its traceback and the person is told to try
again without being shown internals.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError

from core.context import BotContext
from handlers.common import actor_language
from locales import t
from storage.db import storage_failed

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Say something went wrong, and that nothing was saved when storage failed.

    Logged once here; the bot keeps serving the other updates.
    """
    error = context.error
    if isinstance(error, NetworkError | Forbidden):
        log.warning("telegram error while handling an update: %s", error)
        return
    if error is not None and storage_failed(error):
        # A full or read-only disk, a database restart: nothing was saved (the
        # transaction rolled back), and the person should know that.
        log.error("storage unavailable while handling an update: %s", error)
        key = "common.error.storage_unavailable"
    else:
        log.error("unhandled error while handling an update", exc_info=error)
        key = "common.error.unexpected"
    if isinstance(update, Update) and update.effective_chat is not None:
        # Not the person's stored language: the database may be what failed.
        lang = actor_language(update, None, context)
        try:
            await context.bot.send_message(update.effective_chat.id, t(key, lang))
        except Exception:  # the apology must not raise a second error
            log.warning("could not tell the user about the error", exc_info=True)


ERROR_HANDLER = on_error
HANDLERS: dict[int, list[object]] = {}
