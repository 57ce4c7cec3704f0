"""The real ``python -m bot run`` as a child process, pointed at a fake Bot API.

Webhook mode, the shared dashboard port and the start-up call count are only
true of the process a commune runs, so those tests start it, each with its own
database file and a log file to show when it fails.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sandbox.devserver import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent


def bot_env(api: FakeBotApi, folder: Path, **settings: str) -> dict[str, str]:
    """This environment, plus the fake API, a database file in ``folder`` and ``settings``."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": api.token,
        "BOT_API_BASE_URL": api.base_url,
        "BOT_API_FILE_URL": api.base_file_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


async def start_bot(
    folder: Path, env: dict[str, str], *args: str
) -> tuple[asyncio.subprocess.Process, Path]:
    """``python -m bot run *args`` in ``folder``; returns the process and its log file."""
    log_path = folder / "bot.log"
    with log_path.open("wb") as log:  # the child keeps its own descriptor
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *args,
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return proc, log_path


def log_tail(log_path: Path, chars: int = 2000) -> str:
    return log_path.read_text(errors="replace")[-chars:]
