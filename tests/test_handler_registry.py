"""Every Application gets its own stateful handlers; features register in one place."""

from __future__ import annotations

from pydantic import SecretStr
from telegram.ext import ConversationHandler

import handlers
from bot.app import build_application
from core.settings import Settings

TOKEN = "123456789:TEST-cchc-fake-token-for-registry"


def _app():  # type: ignore[no-untyped-def]
    return build_application(Settings(telegram_bot_token=SecretStr(TOKEN)), scheduler=False)


def test_conversations_are_not_shared_between_applications() -> None:
    # A module-level ConversationHandler would carry "waiting for the plan file"
    # from one bot (a test, a replica) into the next.
    first, second = _app(), _app()
    convs = [
        [h for hs in app.handlers.values() for h in hs if isinstance(h, ConversationHandler)]
        for app in (first, second)
    ]
    assert convs[0] and len(convs[0]) == len(convs[1])
    assert all(a is not b for a, b in zip(convs[0], convs[1], strict=True))


def test_every_feature_module_registers_handlers() -> None:
    app = _app()
    registered = {
        h.callback.__module__ for hs in app.handlers.values() for h in hs if hasattr(h, "callback")
    }
    for name in handlers.FEATURE_MODULES:
        if name == "handlers.errors":
            continue
        assert name in registered, f"{name} registers no handler"
    assert app.error_handlers
