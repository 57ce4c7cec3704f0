"""`cchc-bot run --webhook URL`: a real process serves the webhook and checks the secret."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from sandbox.devserver import FakeBotApi
from tests.bot_process_support import bot_env, log_tail, start_bot
from tests.net_support import free_port


async def test_webhook_mode_answers_through_the_secret_checked_hook(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        port = free_port()
        hook = f"http://127.0.0.1:{port}/tg-hook"
        env = bot_env(api, tmp_path, WEBHOOK_SECRET="s3cret-token-for-tests")
        proc, log = await start_bot(
            tmp_path, env, "--webhook", hook, "--listen", "127.0.0.1", "--port", str(port)
        )
        try:
            webhook = await api.wait_until(lambda: api.state.webhook, timeout=30)
            assert webhook.url == hook
            assert webhook.secret_token == "s3cret-token-for-tests"

            stranger = api.add_user("Người lạ", user_id=777_001)
            api.user_sends_text(stranger, None, "/trogiup")
            reply = await api.wait_for_bot_message(stranger.id, timeout=30)
            assert reply.text

            # Only Telegram knows the secret: a forged POST is refused and handled by nobody.
            before = len(api.bot_messages(stranger.id))
            forged = {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 777_001, "type": "private"},
                    "from": {"id": 777_001, "is_bot": False, "first_name": "X"},
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            async with aiohttp.ClientSession() as http:
                async with http.post(
                    hook, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                ) as response:
                    assert response.status == 403
                async with http.post(hook, json=forged) as response:
                    assert response.status == 403
            # Updates are handled in order: once a genuine one is answered, a forged
            # one that had been accepted would have been answered before it.
            api.user_sends_text(stranger, None, "/ngonngu")
            await api.wait_for_bot_message(stranger.id, timeout=30)
            assert len(api.bot_messages(stranger.id)) == before + 1
        finally:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), timeout=15)
                stopped = True
            except TimeoutError:
                proc.kill()
                await proc.wait()
                stopped = False
        assert stopped, "the bot did not stop on SIGTERM\n" + log_tail(log)
