"""What ``cchc-bot run`` asks Telegram before it polls, and what it builds to ask it.

Start-up time is measured in bench/ (``bench_startup``, ``bench_memory``); this
guards the parts of it that are counts, which a refactor could quietly raise
again: the Bot API calls before the first ``getUpdates`` (once the per-person
menus went lazy there were 202 with 200 people, now a handful) and the TLS
contexts built (each loads the certifi bundle, ≈ 0.1 s of CPU).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from sandbox.devserver import FakeBotApi
from tests.bot_process_support import bot_env, log_tail, start_bot

ROOT = Path(__file__).resolve().parent.parent


async def test_the_bot_asks_getme_once_per_check_before_it_polls(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        proc, log = await start_bot(tmp_path, bot_env(api, tmp_path))
        try:
            await api.wait_until(
                lambda: any(m.lower() == "getupdates" for m, _ in api.state.calls), timeout=60
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), timeout=30)
        methods = [m for m, _ in api.state.calls]
        before = methods[: [m.lower() for m in methods].index("getupdates")]
        # one getMe for the reachability probe, one for Application.initialize (post_init
        # reuses it); the stranger menus in vi and en; polling clears any old webhook
        assert sorted(before) == sorted(
            ["getMe", "getMe", "setMyCommands", "setMyCommands", "deleteWebhook"]
        ), before
        assert code == 0, log_tail(log)


def test_one_tls_context_serves_every_bot_api_client() -> None:
    code = (
        "from bot.telegram_http import bot_request, tls_context\n"
        "from bot.app import build_application\n"
        "from core.settings import Settings\n"
        "token = '123456:AAEtokenForTheTlsTest_abcdefgh'\n"
        "app = build_application(Settings(telegram_bot_token=token, database_url='sqlite://'))\n"
        "probe = bot_request()\n"
        "clients = [app.bot._request[0], app.bot._request[1], probe]\n"
        "contexts = {id(c._client._transport._pool._ssl_context) for c in clients}\n"
        "print(len(contexts), tls_context.cache_info().misses)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["1", "1"], done.stderr
