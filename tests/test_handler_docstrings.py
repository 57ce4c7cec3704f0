"""Every callback the Application runs says what it is for, in its docstring.

A reader of ``handlers/`` meets a callback through the registry, not through a
call site, so its docstring is the only place that says why it exists (which
button, which step of which conversation, what it spares the officer). The
handler list is read from the built Application, conversations unfolded, so a
handler added later is checked too.
"""

from __future__ import annotations

import inspect

from pydantic import SecretStr

from bot.app import build_application
from core.settings import Settings
from handlers.access import registered_handlers

TOKEN = "123456789:TEST-cchc-fake-token-for-docstrings"


def _undocumented() -> list[str]:
    app = build_application(Settings(telegram_bot_token=SecretStr(TOKEN)), scheduler=False)
    callbacks = [handler.callback for _, handler, _ in registered_handlers(app)]
    callbacks += list(app.error_handlers)
    assert len(callbacks) > 50  # the walk found the handlers
    missing = []
    for callback in callbacks:
        doc = inspect.getdoc(inspect.unwrap(callback)) or ""
        if len(doc.split()) < 3:  # a word or two is a label, not a reason
            missing.append(f"{callback.__module__}.{callback.__qualname__}")
    return sorted(set(missing))


def test_every_registered_callback_has_a_docstring() -> None:
    assert _undocumented() == []
