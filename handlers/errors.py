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

from bot.context import BotContext
from handlers.common import actor_language
from locales import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, NetworkError | Forbidden):
        log.warning("telegram error while handling an update: %s", error)
        return
    log.error("unhandled error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = actor_language(update, None, context)
        try:
            await context.bot.send_message(
                update.effective_chat.id, t("common.error.unexpected", lang)
            )
        except Exception:  # the apology must not raise a second error
            log.warning("could not tell the user about the error", exc_info=True)


ERROR_HANDLER = on_error
HANDLERS: dict[int, list[object]] = {}
