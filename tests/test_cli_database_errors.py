"""A database that cannot be reached is one line, not a traceback (issue 16 §9).

The test counts what a command prints: one line on stderr naming the problem
and the variable, nothing on stdout, exit code 3. ``run`` runs as the console
script does (a child process with its own environment and logging), since its
line per try comes from the process's log set-up; the other commands call the
CLI's ``main`` in the test's process, the same code without a second start-up
(about 1.3 s of CPU each). ``run`` waits with backoff and one log line per try;
the waiting itself is tested with an injected sleep (no test sleeps).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.startup_wait import TelegramUnavailable, wait_for
from storage.db import DatabaseUnavailable

DOWN = "postgresql://u:secret-pw@127.0.0.1:1/cchc"  # port 1: nothing listens
TOKEN = "123456789:TEST-cchc-fake-token-for-cli-errors"


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, **env: str
) -> tuple[int, str, str]:
    """``main(args)`` in this process with ``env`` set; (exit code, stdout, stderr)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "args", [("db", "upgrade"), ("org", "list")], ids=["db-upgrade", "org-list"]
)
def test_unreachable_postgresql_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    code, out, err = _main(capsys, monkeypatch, *args, DATABASE_URL=DOWN)
    assert code == 3, err
    assert out == ""
    lines = _lines(err)
    assert len(lines) == 1, err
    assert "DATABASE_URL" in lines[0] and "127.0.0.1:1" in lines[0]
    assert "secret-pw" not in lines[0]  # the password is never printed


def test_sqlite_folder_that_cannot_exist_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    url = "sqlite:///./data/cchc.sqlite3"  # relative: the fixtures chdir to tmp_path
    code, _out, err = _main(capsys, monkeypatch, "org", "list", DATABASE_URL=url)
    assert code == 3, err
    lines = _lines(err)
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], err


def test_sqlite_missing_folder_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "sqlite:///./new/folder/cchc.sqlite3"
    code, _out, err = _main(capsys, monkeypatch, "db", "upgrade", DATABASE_URL=url)
    assert code == 0, err
    assert (tmp_path / "new" / "folder" / "cchc.sqlite3").is_file()


def test_run_gives_up_with_one_log_line_per_try_and_one_error(tmp_path: Path) -> None:
    done = _cli(tmp_path, "run", "--wait", "0", DATABASE_URL=DOWN, TELEGRAM_BOT_TOKEN=TOKEN)
    assert done.returncode == 3, done.stderr
    lines = _lines(done.stderr)
    assert len(lines) == 2, done.stderr  # the try, then the CLI's line
    assert "database unreachable (try 1)" in lines[0] and "giving up" in lines[0]
    assert "DATABASE_URL" in lines[1]
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- backoff


async def test_wait_retries_with_backoff_one_line_per_try(caplog: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    now = [0.0]
    failures = [DatabaseUnavailable("db", "Connect call failed")] * 4

    async def probe() -> None:
        if failures:
            raise failures.pop()

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with caplog.at_level(logging.INFO, logger="bot.startup_wait"):
        tries = await wait_for(
            "database",
            probe,
            (DatabaseUnavailable,),
            wait_seconds=300,
            sleep=sleep,
            monotonic=lambda: now[0],
        )
    assert tries == 5 and slept == [1, 2, 4, 8]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4
    assert all("Connect call failed" in r.getMessage() and not r.exc_info for r in warnings)
    assert "after 5 tries" in caplog.records[-1].getMessage()


async def test_wait_gives_up_after_the_allowed_time() -> None:
    now = [0.0]

    async def probe() -> None:
        raise TelegramUnavailable("http://127.0.0.1:9/bot", "All connection attempts failed")

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(TelegramUnavailable):
        await wait_for(
            "Telegram",
            probe,
            (TelegramUnavailable,),
            wait_seconds=10,
            sleep=sleep,
            monotonic=lambda: now[0],
        )
    assert now[0] == 10  # 1 + 2 + 4, then the 3 s left


async def test_a_bug_is_not_retried() -> None:
    async def probe() -> None:
        raise ValueError("a bug")

    async def sleep(seconds: float) -> None:  # pragma: no cover - never called
        raise AssertionError("slept on a bug")

    with pytest.raises(ValueError):
        await wait_for("database", probe, (DatabaseUnavailable,), wait_seconds=60, sleep=sleep)
