"""Chat features, one module per conversation area.

Handler groups (PTB runs one matching handler per group, lowest first):

* negative groups (``-3`` … ``-1``): trackers — reachability, chats seen.
  They never answer the user.
* ``0`` features: commands, buttons, replies, uploads.
* ``1`` side effects that should see every update after the feature ran.

Every handler's callback declares who may use it and where
(:mod:`handlers.access`); ``register_all`` refuses one that does not.

Each feature module exports ``HANDLERS: dict[int, list[BaseHandler]]`` — or,
when a handler keeps state (a ``ConversationHandler`` remembers who is in
which step), ``build_handlers()`` returning that table, so that every
Application (tests, the demo, replicas) gets its own instances — and
may export ``async def on_startup(app)`` (e.g. to publish its commands).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

FEATURE_MODULES: tuple[str, ...] = (
    "handlers.errors",
    "handlers.presence",
    "handlers.chairman",
    "handlers.par_index",
    "handlers.plan_upload",
    "handlers.roster_upload",
    "handlers.admin_settings",
    "handlers.registration",
    "handlers.menu",
    "handlers.tasks_list",
    "handlers.extensions",
    "handlers.report_cycle",
    "handlers.updates",
    "handlers.fallbacks",  # last: what no feature took
)


def _modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in FEATURE_MODULES]


def register_all(app: Any) -> None:
    """Add every feature's handlers (and the error handler) to ``app``.

    Deny by default: a handler whose callback carries no access declaration
    (``@require``, ``@open_to``, ``@tracker``; see :mod:`handlers.access`) is
    refused with :class:`handlers.access.UndeclaredAccess` before the bot starts.
    """
    from handlers.access import check_declared

    for module in _modules():
        build = getattr(module, "build_handlers", None)
        table = build() if build is not None else getattr(module, "HANDLERS", {})
        for group, group_handlers in table.items():
            for handler in group_handlers:
                check_declared(handler, module.__name__)
            app.add_handlers(group_handlers, group=group)
        error_handler = getattr(module, "ERROR_HANDLER", None)
        if error_handler is not None:
            app.add_error_handler(error_handler)


async def run_startup_hooks(app: Any) -> None:
    for module in _modules():
        hook = getattr(module, "on_startup", None)
        if hook is not None:
            await hook(app)
