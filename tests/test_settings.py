"""Settings: defaults, validation, and one clear line for a bad or missing value."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from bot.cli import main
from core.settings import DEFAULT_DATABASE_URL, Settings, TokenRedactingFilter, describe_error

TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ra"


def test_defaults_are_embedded_and_vietnamese() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.default_language == "vi"
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.telegram_bot_token is None


def test_reads_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nTIMEZONE=Asia/Bangkok\n")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("BOT_API_BASE_URL", "http://127.0.0.1:8081/bot")
    settings = Settings()
    assert settings.token() == TOKEN
    assert settings.timezone == "Asia/Bangkok"
    assert settings.log_level == "DEBUG"
    assert settings.file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TIMEZONE", "Asia/Atlantis"),
        ("DATABASE_URL", "mysql://x"),
        ("LOG_LEVEL", "LOUD"),
        ("BOT_API_BASE_URL", "ftp://example"),
        ("DEFAULT_LANGUAGE", "fr"),
    ],
)
def test_malformed_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as info:
        Settings()
    assert describe_error(info.value)[0] == variable


def test_run_without_token_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "TELEGRAM_BOT_TOKEN" in err[0]
    assert "Traceback" not in err[0]


def test_malformed_setting_on_cli_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "TIMEZONE" in err[0]


def test_token_is_redacted_from_logs(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    logger.addFilter(TokenRedactingFilter(TOKEN))
    with caplog.at_level(logging.INFO, logger="test.redact"):
        logger.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text
    assert "<token>" in caplog.text
