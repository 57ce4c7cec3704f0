"""Telegram Mini App init data: check the signature exactly as Telegram documents it.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app

* the secret key is HMAC-SHA-256 of the bot token, keyed with the constant
  ``"WebAppData"``;
* the data-check string is every received field except ``hash``, as
  ``key=value`` (values URL-decoded), sorted by key, joined with ``\\n``;
* ``hash`` must be the hex HMAC-SHA-256 of that string under the secret key.

On top of that the data must be fresh (``auth_date`` at most
:data:`MAX_AGE` old, not from the future beyond a small clock skew) and carry
a ``user`` with an integer id. :func:`sign` builds valid init data for the
demo and the tests — the same arithmetic, so it cannot drift from the check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

MAX_AGE = 3600  # seconds: Telegram's init data older than an hour is refused
CLOCK_SKEW = 300  # seconds an auth_date may lie in the future (server clocks differ)


class InitDataError(ValueError):
    """Init data that must not be trusted; ``reason`` is a short code for logs and tests."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The Telegram user the init data vouches for."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    auth_date: int


def secret_key(bot_token: str) -> bytes:
    """HMAC-SHA-256 of the bot token with ``"WebAppData"`` as the key."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    """The fields except ``hash``, as sorted ``key=value`` lines."""
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")


def _signature(fields: Mapping[str, str], bot_token: str) -> str:
    message = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def parse_fields(init_data: str) -> dict[str, str]:
    """The query string as a dict; repeated or malformed fields are refused."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("malformed") from exc
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise InitDataError("duplicate_field")
        fields[key] = value
    return fields


def validate(init_data: str, bot_token: str, *, now: float) -> WebAppUser:
    """The user of valid, fresh init data; :class:`InitDataError` otherwise."""
    if not init_data:
        raise InitDataError("missing")
    fields = parse_fields(init_data)
    received = fields.get("hash")
    if not received:
        raise InitDataError("no_hash")
    if not hmac.compare_digest(_signature(fields, bot_token), received.lower()):
        raise InitDataError("bad_hash")
    try:
        auth_date = int(fields["auth_date"])
    except (KeyError, ValueError) as exc:
        raise InitDataError("no_auth_date") from exc
    if now - auth_date > MAX_AGE:
        raise InitDataError("expired")
    if auth_date - now > CLOCK_SKEW:
        raise InitDataError("from_future")
    try:
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, ValueError, TypeError) as exc:
        raise InitDataError("no_user") from exc
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise InitDataError("no_user")
    return WebAppUser(
        id=user_id,
        first_name=str(user.get("first_name") or ""),
        last_name=user.get("last_name"),
        username=user.get("username"),
        language_code=user.get("language_code"),
        auth_date=auth_date,
    )


def sign(bot_token: str, user: Mapping[str, Any], *, auth_date: int, **extra: str) -> str:
    """Init data as Telegram would send it for ``user`` (for the demo and tests)."""
    fields = {
        "auth_date": str(auth_date),
        "user": json.dumps(dict(user), ensure_ascii=False, separators=(",", ":")),
        **extra,
    }
    fields["hash"] = _signature(fields, bot_token)
    return urlencode(fields)
