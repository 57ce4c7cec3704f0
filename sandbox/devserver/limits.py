"""Telegram's flood limits and size limits, as the fake server enforces them.

Telegram does not publish exact figures; these are the commonly observed ones
(its Bot FAQ and bot developers' reports): ~30 messages/s overall, ~1/s per
private chat with short bursts tolerated, 20/min per group. A token bucket
models "short bursts pass". The clock is injectable so a test can step time
instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64


class TokenBucket:
    """`capacity` sends at once, refilled at `rate` per second."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if available now)."""
        self._refill(now)
        missing = 1 - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.rate  # tolerate float rounding

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


class FakeClock:
    """A monotonic clock that only moves when a test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Limits:
    """Which limits are enforced, and their figures. Everything is on by default."""

    enabled: bool = True
    global_per_second: float = 30.0
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    max_text_length: int = MAX_TEXT_LENGTH
    max_caption_length: int = MAX_CAPTION_LENGTH
    max_callback_data_bytes: int = MAX_CALLBACK_DATA_BYTES
    clock: Clock = time.monotonic
    _global: TokenBucket | None = field(default=None, init=False, repr=False)
    _chats: dict[int, TokenBucket] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def off(cls) -> Limits:
        """No flood limits (size limits still apply: they are part of the API)."""
        return cls(enabled=False)

    def check_send(self, chat_id: int, *, is_private: bool) -> int | None:
        """Account one outgoing message; return retry_after seconds if over the limit.

        A refused message consumes nothing, as on Telegram, so a bot that honours
        retry_after gets through afterwards.
        """
        if not self.enabled:
            return None
        now = self.clock()
        if self._global is None:
            self._global = TokenBucket(self.global_per_second, self.global_per_second, now)
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if is_private:
                bucket = TokenBucket(self.private_per_second, self.private_burst, now)
            else:
                bucket = TokenBucket(self.group_per_minute / 60, self.group_per_minute, now)
            self._chats[chat_id] = bucket
        wait = max(self._global.wait_time(now), bucket.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.take(now)
        bucket.take(now)
        return None
