"""Fault switches: make the fake Telegram misbehave the way the real one does.

Each switch is explicit and counted (or seeded), so a test that injects a fault
is deterministic. The server consults `Faults.decide(method)` before running a
method and `Faults.is_blocked(chat_id)` before sending to a private chat.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sandbox.devserver.errors import ApiError, too_many_requests

_STATUS_TEXT = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class _Rule:
    """One armed fault: for `remaining` calls (None = until cleared) of `method` (None = any)."""

    kind: str  # "error" | "drop" | "drop_after" | "delay"
    method: str | None
    remaining: int | None
    error: ApiError | None = None
    delay: float = 0.0
    probability: float = 1.0

    def matches(self, method: str) -> bool:
        return self.method is None or self.method.lower() == method.lower()


@dataclass
class Decision:
    """What to do with one call: delay it, drop the connection, or answer an error."""

    delay: float = 0.0
    drop: bool = False
    drop_after: bool = False
    error: ApiError | None = None


@dataclass
class Faults:
    seed: int = 0
    blocked: set[int] = field(default_factory=set)
    deactivated: set[int] = field(default_factory=set)
    kicked: set[int] = field(default_factory=set)  # group chat ids the bot was removed from
    rules: list[_Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # --- switches -------------------------------------------------------

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends to their private chat answer 403."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def deactivate(self, user_id: int) -> None:
        """The account was deleted: sends answer 403 "user is deactivated"."""
        self.deactivated.add(user_id)

    def kick_bot(self, chat_id: int) -> None:
        """The bot was removed from a group: sends there answer 403."""
        self.kicked.add(chat_id)

    def fail_next(self, n: int = 1, *, status: int = 502, method: str | None = None) -> None:
        """The next `n` calls (of `method`, or any) answer a transient 5xx."""
        error = ApiError(status, _STATUS_TEXT.get(status, "Internal Server Error"))
        self.rules.append(_Rule("error", method, n, error=error))

    def fail_randomly(
        self, probability: float, *, status: int = 502, method: str | None = None
    ) -> None:
        """Each call fails with `probability`, drawn from the seeded RNG, until cleared."""
        error = ApiError(status, _STATUS_TEXT.get(status, "Internal Server Error"))
        self.rules.append(_Rule("error", method, None, error=error, probability=probability))

    def rate_limit_next(
        self, n: int = 1, *, retry_after: int = 1, method: str | None = None
    ) -> None:
        """The next `n` calls answer 429 with `retry_after` (a flood-wait burst)."""
        self.rules.append(_Rule("error", method, n, error=too_many_requests(retry_after)))

    def drop_next(
        self, n: int = 1, *, method: str | None = None, after_processing: bool = False
    ) -> None:
        """The next `n` calls get their connection closed with no answer at all.

        With `after_processing` the call takes effect first (the message IS sent)
        and only the answer is lost — the case where a retry sends a duplicate.
        """
        self.rules.append(_Rule("drop_after" if after_processing else "drop", method, n))

    def slow(self, seconds: float, *, n: int | None = None, method: str | None = None) -> None:
        """Answer after `seconds` (for `n` calls, or until cleared)."""
        self.rules.append(_Rule("delay", method, n, delay=seconds))

    def clear(self) -> None:
        """Remove every armed fault (blocked users stay blocked)."""
        self.rules.clear()

    # --- queries by the server ---------------------------------------------

    def is_blocked(self, user_id: int) -> bool:
        return user_id in self.blocked

    def decide(self, method: str) -> Decision:
        decision = Decision()
        for rule in list(self.rules):
            if not rule.matches(method):
                continue
            if rule.probability < 1.0 and self.rng.random() >= rule.probability:
                continue
            if rule.kind == "delay":
                decision.delay += rule.delay
            elif decision.error is None and not decision.drop and not decision.drop_after:
                if rule.kind == "drop":
                    decision.drop = True
                elif rule.kind == "drop_after":
                    decision.drop_after = True
                else:
                    decision.error = rule.error
            else:
                continue  # an error is already chosen; leave this rule armed
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self.rules.remove(rule)
        return decision
