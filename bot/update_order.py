"""Updates run concurrently, but one chat's (and one person's) updates stay in order.

With PTB's sequential processing (``concurrent_updates(False)``) one slow
update — the plan keeper's 65,000-row spreadsheet being read, a report being
rendered — makes every other chat wait behind it: a stranger's ``/start``
took 10.5 s (issue 16 §5). PTB's plain concurrency fixes that but lets two
updates of the *same* chat overtake each other (a reply before the file it
answers, two buttons of one conversation at once, a ConversationHandler step
seen before the previous one finished).

:class:`OrderedUpdateProcessor` runs updates concurrently up to a limit and
serializes those that share a chat or a user: each update takes the locks of
its chat and of its sender (in a fixed order, so two updates can never hold
one each and wait for the other). PTB starts update tasks in arrival order
and asyncio locks are first-come first-served, so per-chat order is arrival
order. Locks live only while an update of that chat is pending.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable
from contextlib import AsyncExitStack
from typing import Any

from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 32


def order_keys(update: object) -> list[tuple[str, int]]:
    """The chat and the user whose updates must not overtake each other."""
    keys = []
    chat = getattr(update, "effective_chat", None)
    if chat is not None:
        keys.append(("chat", chat.id))
    user = getattr(update, "effective_user", None)
    if user is not None:
        keys.append(("user", user.id))
    return sorted(set(keys))


class OrderedUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: weakref.WeakValueDictionary[tuple[str, int], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _lock(self, key: tuple[str, int]) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        locks = [self._lock(key) for key in order_keys(update)]  # held strongly until done
        async with AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
