"""Settings, read once from the environment and an optional ``.env`` file.

Secrets are required, never defaulted to a placeholder; a missing or
malformed value becomes one readable line naming the variable (see
:func:`describe_error`), because the person starting the bot on a commune
server should not have to read a traceback.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from plans.regex import lazy_compile

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/cchc-bot.sqlite3"
TELEGRAM_API_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = lazy_compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    """Everything cchc-bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather (required to run the bot)."
    )
    # The bot's @username, for invitation links made outside the chat (cchc-bot person import).
    telegram_bot_username: str | None = None
    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    bot_api_base_url: str = Field(default=TELEGRAM_API_URL)
    bot_api_file_url: str | None = Field(default=None)
    timezone: str = Field(default="Asia/Ho_Chi_Minh")
    default_language: Literal["vi", "en"] = "vi"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Telegram's ~30 messages/s is per bot: with N replicas give each 29/N.
    dispatch_max_per_second: float = Field(default=29.0, gt=0, le=1000)
    max_upload_mb: int = Field(default=20, ge=1, le=2000)
    # The Mini App dashboard (webapp/): served when WEBAPP_URL (its public HTTPS address) is set.
    webapp_url: str | None = None
    webapp_listen: str = "0.0.0.0"
    webapp_port: int = Field(default=8081, ge=0, le=65535)
    # /baocao's files, /bieudo's chart and the report drafts are written in a worker
    # process (core/offload.py), so python-docx, openpyxl and matplotlib (≈ 75 MiB) never
    # load into the bot; the worker stops after this many idle seconds.
    render_in_worker: bool = True
    render_worker_idle_seconds: float = Field(default=120.0, gt=0, le=86400)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("not a bot token (expected 123456:ABC… from @BotFather)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        if not re.match(r"^(sqlite|postgres|postgresql)(\+\w+)?://", value):
            raise ValueError("must start with sqlite:// or postgresql://")
        return value

    @field_validator("bot_api_base_url", "bot_api_file_url", "webhook_url", "webapp_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def file_url(self) -> str:
        """Where files are downloaded from; Telegram's layout unless told otherwise."""
        if self.bot_api_file_url:
            return self.bot_api_file_url
        base = self.bot_api_base_url
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base.rstrip("/") + "/file/bot"

    def token(self) -> str:
        """The token, or :class:`MissingSetting` when the bot cannot start without it."""
        if self.telegram_bot_token is None:
            raise MissingSetting("TELEGRAM_BOT_TOKEN")
        return self.telegram_bot_token.get_secret_value()


class MissingSetting(Exception):
    """A setting the requested command needs is not set."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable


def describe_error(exc: ValidationError) -> tuple[str, str]:
    """The first invalid variable and why, for a one-line message."""
    first = exc.errors()[0]
    loc = first.get("loc") or ("?",)
    variable = str(loc[0]).upper()
    reason = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return variable, reason


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()``."""
    return Settings()


class TokenRedactingFilter(logging.Filter):
    """Keep the bot token out of every log line (httpx logs request URLs)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self._token:
            message = record.getMessage()
            if self._token in message:
                record.msg = message.replace(self._token, "<token>")
                record.args = None
        return True
