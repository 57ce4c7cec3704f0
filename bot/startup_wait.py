"""``cchc-bot run`` waits for its database and for Telegram instead of dying.

In a container the bot often starts before PostgreSQL accepts connections or
before the network is up; exiting with a traceback would make
``restart: unless-stopped`` loop on tracebacks. So ``run`` probes each
service, and while it is not reachable logs *one line per try* (what, why,
the next try in N s) and waits with exponential backoff, up to ``--wait``
seconds in all; then it stops with the one-line error of the CLI.

A wrong token is not "not up yet": it stops at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator

from storage.db import DatabaseUnavailable, check_reachable

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 30.0


class TelegramUnavailable(RuntimeError):
    """The Bot API server named by ``BOT_API_BASE_URL`` cannot be reached."""

    variable = "BOT_API_BASE_URL"

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def delays(first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> Iterator[float]:
    """1, 2, 4, 8, 16, 30, 30, … seconds."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


async def wait_for(
    what: str,
    probe: Callable[[], Awaitable[None]],
    retryable: tuple[type[BaseException], ...],
    *,
    wait_seconds: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    """Run ``probe`` until it succeeds; returns the number of tries it took.

    A ``retryable`` error is logged as one WARNING line and retried after the
    next backoff delay while ``wait_seconds`` allow it, then raised again.
    """
    start = monotonic()
    for attempt, delay in enumerate(delays(), start=1):
        try:
            await probe()
        except retryable as exc:
            reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
            left = wait_seconds - (monotonic() - start)
            if left <= 0:
                log.error("%s unreachable (try %d): %s; giving up", what, attempt, reason)
                raise
            delay = min(delay, left)
            log.warning(
                "%s unreachable (try %d): %s; next try in %.0f s", what, attempt, reason, delay
            )
            await sleep(delay)
            continue
        if attempt > 1:
            log.info("%s reachable after %d tries", what, attempt)
        return attempt
    raise AssertionError("unreachable")  # pragma: no cover - delays() never ends


async def telegram_probe(token: str, base_url: str) -> None:
    """``getMe``; a network failure becomes :class:`TelegramUnavailable` (retryable)."""
    from telegram import Bot
    from telegram.error import NetworkError, TimedOut

    from bot.telegram_http import bot_request

    request = bot_request()
    try:
        # initialize() is the getMe; the one request object serves both of the Bot's slots
        async with Bot(token, base_url=base_url, request=request, get_updates_request=request):
            pass
    except (NetworkError, TimedOut) as exc:
        if type(exc).__name__ == "InvalidToken":  # pragma: no cover - PTB: not a NetworkError
            raise
        raise TelegramUnavailable(base_url.rstrip("/"), str(exc) or type(exc).__name__) from exc


async def wait_for_services(
    database_url: str,
    token: str,
    bot_api_base_url: str,
    *,
    wait_seconds: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """The database, then Telegram, each with its own backoff."""
    await wait_for(
        "database",
        lambda: check_reachable(database_url),
        (DatabaseUnavailable,),
        wait_seconds=wait_seconds,
        sleep=sleep,
    )
    await wait_for(
        "Telegram Bot API",
        lambda: telegram_probe(token, bot_api_base_url),
        (TelegramUnavailable,),
        wait_seconds=wait_seconds,
        sleep=sleep,
    )
