"""Logging for the process, configured once in ``main`` and never at import."""

from __future__ import annotations

import logging

from bot.settings import TokenRedactingFilter


def configure_logging(level: str = "INFO", token: str | None = None) -> None:
    """Plain timestamped lines on stderr, with the bot token redacted everywhere."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(TokenRedactingFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, which contains the token, at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # A long fan-out makes APScheduler warn at every skipped tick ("maximum
    # number of running instances reached"); that is by design here.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
