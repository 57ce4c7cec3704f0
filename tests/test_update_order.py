"""Concurrent updates, in order per chat and per person (issue 16 §5).

The processor itself, with updates whose handling waits on events the test
controls (no sleeping, no timing): a second update of the same chat does not
start before the first finished; another chat's update runs meanwhile; the
same person writing in a group waits for their private-chat update too.
"""

from __future__ import annotations

import asyncio

from telegram import Chat, Update, User
from telegram import Message as TgMessage

from bot.update_order import OrderedUpdateProcessor, order_keys

_ids = iter(range(1, 10_000))


def _update(chat_id: int, user_id: int) -> Update:
    chat = Chat(chat_id, "private" if chat_id > 0 else "group")
    user = User(user_id, "U", False)
    message = TgMessage(next(_ids), date=None, chat=chat, from_user=user, text="x")  # type: ignore[arg-type]
    return Update(next(_ids), message=message)


async def _run(
    processor: OrderedUpdateProcessor,
    update: Update,
    log: list[str],
    name: str,
    gate: asyncio.Event | None = None,
) -> None:
    async def handle() -> None:
        log.append(f"{name} start")
        if gate is not None:
            await gate.wait()
        log.append(f"{name} end")

    await processor.process_update(update, handle())


async def test_same_chat_in_order_other_chats_meanwhile() -> None:
    processor = OrderedUpdateProcessor(8)
    log: list[str] = []
    gate = asyncio.Event()
    slow = asyncio.create_task(_run(processor, _update(10, 10), log, "admin-upload", gate))
    await asyncio.sleep(0)  # let the first take its locks (a scheduling step, not a wait)
    same_chat = asyncio.create_task(_run(processor, _update(10, 10), log, "admin-next"))
    stranger = asyncio.create_task(_run(processor, _update(20, 20), log, "stranger-start"))
    same_person_in_group = asyncio.create_task(
        _run(processor, _update(-30, 10), log, "admin-group")
    )
    await stranger
    assert log == ["admin-upload start", "stranger-start start", "stranger-start end"]
    gate.set()
    await asyncio.gather(slow, same_chat, same_person_in_group)
    assert log.index("admin-upload end") < log.index("admin-next start")
    assert log.index("admin-upload end") < log.index("admin-group start")
    assert processor.current_concurrent_updates == 0


def test_keys_are_chat_and_sender_in_a_fixed_order() -> None:
    assert order_keys(_update(-30, 10)) == [("chat", -30), ("user", 10)]
    assert order_keys(object()) == []


def test_the_application_uses_it() -> None:
    from pydantic import SecretStr

    from bot.app import build_application
    from core.settings import Settings

    app = build_application(
        Settings(telegram_bot_token=SecretStr("123456789:TEST-cchc-fake-token-for-order")),
        scheduler=False,
    )
    assert isinstance(app.update_processor, OrderedUpdateProcessor)
    assert app.update_processor.max_concurrent_updates > 1
