"""Clocks: the one place the bot asks what time it is.

Reminders, overdue counts and the demo's accelerated day all depend on "now",
so nothing reads the wall clock directly: the application is handed a clock,
and tests hand it a manual one they can move ("it is now 03/06/2024 07:30").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from time import monotonic
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current aware instant."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, always timezone-aware (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = instant

    def advance(self, delta: timedelta) -> datetime:
        self._now = self._now + delta
        return self._now


class ScaledClock:
    """Simulated time that starts at a chosen instant and runs ``speed`` times faster.

    The demo uses it so a newcomer sees a morning's reminders within minutes.
    """

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs an aware datetime")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._start = start
        self._speed = speed
        self._origin = monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(monotonic() - self._origin) * self._speed)

    def jump(self, instant: datetime) -> None:
        """Restart the simulation from ``instant`` (the demo's "skip ahead")."""
        self._start = instant
        self._origin = monotonic()
