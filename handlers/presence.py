"""Who can be reached: a blocked bot, an unblocked bot, a person who writes again.

The dispatcher marks a person unreachable when Telegram answers 403; the
planner then skips them. This tracker (a negative handler group: it never
answers) turns them reachable again as soon as they write or unblock the bot,
and marks them unreachable at once when Telegram reports the block.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler, TypeHandler

from core.context import BotContext
from handlers.access import tracker
from storage.directory import is_unreachable, set_reachable

log = logging.getLogger(__name__)


@tracker("records that a person blocked or unblocked the bot; never answers")
async def track_block(update: Update, context: BotContext) -> None:
    """my_chat_member in a private chat: the user blocked or unblocked the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    reachable = status not in (ChatMember.BANNED, ChatMember.LEFT)
    async with context.db.write() as session:
        changed = await set_reachable(session, change.from_user.id, reachable, context.clock.now())
    if changed:
        log.info(
            "person %s is now %s", change.from_user.id, "reachable" if reachable else "unreachable"
        )


@tracker("records that an unreachable person wrote again; never answers")
async def track_return(update: Update, context: BotContext) -> None:
    """Any other update from an unreachable person proves they can be reached again."""
    user = update.effective_user
    if user is None or update.my_chat_member is not None:
        return
    if not await is_unreachable(context.db, user.id):
        return
    async with context.db.write() as session:
        await set_reachable(session, user.id, True, context.clock.now())


HANDLERS: dict[int, list[Any]] = {
    -3: [ChatMemberHandler(track_block, ChatMemberHandler.MY_CHAT_MEMBER)],
    -2: [TypeHandler(Update, track_return)],
}
