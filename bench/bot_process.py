"""Start the real ``cchc-bot run`` (``python -m bot run``) against the fake Bot API.

The memory and start-up benchmarks measure the process a commune runs, not an
Application built inside the benchmark, so both spawn it the same way here.

``BENCH_BOT_PYTHON`` names another interpreter for the bot (default: this one),
e.g. a virtualenv with the production dependencies only (``pip install .``):
the dev extra adds libraries that other libraries import when present (httpx
imports rich, click and pygments for its command line), which a deployed bot
does not carry.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sandbox.devserver import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (less noisy than wall time under load)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def start_bot(
    api: FakeBotApi, database_url: str, *, stderr: int, settings: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    """The bot in long-polling mode on ``database_url``, its output quiet (warnings only).

    ``settings`` adds environment variables (``RENDER_IN_WORKER=false``: the bot as before).
    """
    env = dict(os.environ)
    # A deployed bot runs from compiled bytecode (pip compiles it on install): without
    # this, a sandbox's PYTHONDONTWRITEBYTECODE would make every run compile the tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        DATABASE_URL=database_url,
        BOT_API_BASE_URL=api.base_url,
        BOT_API_FILE_URL=api.base_file_url,
        PTB_TIMEDELTA="1",
        LOG_LEVEL="WARNING",
    )
    env.update(settings or {})
    return await asyncio.create_subprocess_exec(
        os.environ.get("BENCH_BOT_PYTHON") or sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )
