"""Helpers shared by the officers' end-to-end tests (not a test module)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sandbox.devserver.state import Chat, Message, User
from sandbox.harness import BotHarness
from storage.models import AuditLog, Extension, Invitation, Person, ProgressUpdate, Task


def user(harness: BotHarness, tg: int, name: str = "U", lang: str | None = "vi") -> User:
    existing = harness.api.state.users.get(tg)
    if existing is not None:
        return existing
    return harness.api.add_user(name, user_id=tg, language_code=lang)


async def say(
    harness: BotHarness, who: User, text: str, *, chat: Chat | None = None, **kwargs: Any
) -> Message:
    """``who`` writes ``text`` (in ``chat``, default private); the bot's first answer there."""
    harness.api.user_sends_text(who, chat, text, **kwargs)
    msg = await harness.api.wait_for_bot_message(chat.id if chat is not None else who.id)
    await harness.idle()
    return msg


async def ask(harness: BotHarness, tg: int, text: str) -> tuple[User, Message]:
    """Person ``tg`` writes ``text`` in private; they and the bot's first answer."""
    who = user(harness, tg)
    return who, await say(harness, who, text)


async def press(harness: BotHarness, who: User, message: Message, data: str):  # type: ignore[no-untyped-def]
    update = harness.api.user_presses_button(who, message, data)
    answer = await harness.api.wait_for_callback_answer(update)
    await harness.idle()
    return answer


def last(harness: BotHarness, chat_id: int) -> Message:
    found = harness.api.last_bot_message(chat_id)
    assert found is not None
    return found


async def counts(harness: BotHarness) -> dict[str, int]:
    """Row counts of the tables a refused action must leave alone."""
    result = {}
    async with harness.database.read() as session:
        for name, model in (
            ("updates", ProgressUpdate),
            ("extensions", Extension),
            ("people", Person),
            ("invitations", Invitation),
        ):
            result[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
        result["extended"] = int(
            await session.scalar(
                select(func.count()).select_from(Task).where(Task.extended_due_date.is_not(None))
            )
            or 0
        )
    return result


async def updates_of(harness: BotHarness, task_id: int) -> list[ProgressUpdate]:
    async with harness.database.read() as session:
        return list(
            await session.scalars(
                select(ProgressUpdate)
                .where(ProgressUpdate.task_id == task_id)
                .order_by(ProgressUpdate.id)
            )
        )


async def audit_actions(harness: BotHarness) -> list[str]:
    async with harness.database.read() as session:
        return list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


async def fresh(harness: BotHarness, chat_id: int) -> Message:
    """The bot's latest message in ``chat_id``, waiting until one came after the last action."""
    await harness.api.wait_for_bot_message(chat_id)
    await harness.idle()
    return last(harness, chat_id)
