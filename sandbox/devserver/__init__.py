"""A local, fake Telegram Bot API server for tests and the terminal demo.

    async with FakeBotApi() as api:
        app = configure_builder(ApplicationBuilder(), api).build()
        async with polling(app):  # from sandbox.devserver.ptb
            alice = api.add_user("Alice")
            api.user_sends_text(alice, None, "/start")
            reply = await api.wait_for_bot_message(alice.id)

See README.md in this package for the whole API.
"""

from __future__ import annotations

from sandbox.devserver.errors import ApiError
from sandbox.devserver.faults import Faults
from sandbox.devserver.limits import FakeClock, Limits
from sandbox.devserver.server import DEFAULT_TOKEN, FakeBotApi
from sandbox.devserver.state import CallbackAnswer, Chat, Message, StoredFile, User

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "CallbackAnswer",
    "Chat",
    "FakeBotApi",
    "FakeClock",
    "Faults",
    "Limits",
    "Message",
    "StoredFile",
    "User",
]
