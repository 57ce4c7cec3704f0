"""Logging for the process, configured once in ``main`` and never at import.

Every line passes through :class:`RedactingFormatter`, *after* formatting, so
secrets are removed from the message, its arguments and any traceback alike,
at every level (PTB's DEBUG line for ``setWebhook`` carries ``secret_token``;
DEBUG update dumps carry ``/start <invitation code>``):

* the bot token and the webhook secret, by value (:func:`add_secret`);
* any ``secret_token`` value, by shape, even one this process never saw;
* invitation codes and join links: the word after ``/start`` and after
  ``?start=``.
"""

from __future__ import annotations

import logging
import re

from plans.regex import lazy_compile

_SECRETS: dict[str, str] = {}  # value -> what the log says instead
_SHAPES = (
    # 'secret_token': 'abc'  /  "secret_token": "abc"  /  secret_token=abc
    (lazy_compile(r"""(secret_token['"]?\s*[:=]\s*['"]?)([^'"\s,&}]+)"""), r"\1<secret>"),
    (
        lazy_compile(r"(X-Telegram-Bot-Api-Secret-Token['\"]?\s*[:=]\s*['\"]?)([^'\"\s,}]+)", re.I),
        r"\1<secret>",
    ),
    # /start CODE (a message text), ?start=CODE (a deep link)
    (lazy_compile(r"(/start(?:@\w+)?\s+|[?&]start=)([A-Za-z0-9_-]{4,64})"), r"\1<code>"),
)


def add_secret(value: str | None, label: str = "secret") -> None:
    """Never log ``value`` (a token, a webhook secret made at start)."""
    if value:
        _SECRETS[value] = f"<{label}>"


def redact(text: str) -> str:
    for value, label in _SECRETS.items():
        if value in text:
            text = text.replace(value, label)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(
    level: str = "INFO", token: str | None = None, *, webhook_secret: str | None = None
) -> None:
    """Plain timestamped lines on stderr, with every secret redacted (see module doc)."""
    add_secret(token, "token")
    add_secret(webhook_secret, "secret")
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, which contains the token, at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # aiosqlite's DEBUG line repeats every query with its parameters: invitation codes,
    # names, notes. Nobody debugs the bot from that; keep it out even at DEBUG.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    # A long fan-out makes APScheduler warn at every skipped tick ("maximum
    # number of running instances reached"); that is by design here.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
