"""Webhook mode: the fake server POSTs updates to the bot's own webhook server."""

from __future__ import annotations

import asyncio

from aiohttp import web
from telegram import Bot, Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.webhook_server import serve
from sandbox.devserver import FakeBotApi, FakeClock, Limits
from tests.net_support import free_port


async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text("Chào từ webhook")


async def test_application_in_webhook_mode_receives_updates():
    """The fake server POSTs updates to the bot's webhook server (bot.webhook_server)."""
    calls: list[str] = []

    async def post_stop(_app: object) -> None:  # the scheduler hands back its claims here
        calls.append("post_stop")

    async def post_shutdown(_app: object) -> None:
        calls.append("post_shutdown")

    async with FakeBotApi(limits=Limits(clock=FakeClock())) as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .post_stop(post_stop)
            .post_shutdown(post_shutdown)
            .build()
        )
        app.add_handler(CommandHandler("start", hello))
        port = free_port()
        stop = asyncio.Event()
        server = asyncio.create_task(
            serve(
                app,
                listen="127.0.0.1",
                port=port,
                url_path="tg",
                webhook_url=f"http://127.0.0.1:{port}/tg",
                secret="cchc-secret",
                stop=stop,
            )
        )
        try:
            alice = api.add_user("Alice")
            await api.wait_until(lambda: api.state.webhook, timeout=10)
            api.user_sends_text(alice, None, "/start")
            reply = await api.wait_for_bot_message(alice.id)
            assert reply.text == "Chào từ webhook"
            assert api.state.webhook is not None
            assert api.state.webhook.secret_token == "cchc-secret"
        finally:
            stop.set()
            await asyncio.wait_for(server, timeout=10)
        assert not app.running
        assert calls == ["post_stop", "post_shutdown"]  # in PTB's order, as run_webhook does


async def test_webhook_retries_until_the_receiver_accepts():
    answers = [500, 500, 200]
    received: list[int] = []

    async with FakeBotApi() as api:

        async def receive(request: web.Request) -> web.Response:
            received.append((await request.json())["update_id"])
            api.changed()
            return web.Response(status=answers.pop(0) if answers else 200)

        receiver = web.Application()
        receiver.router.add_post("/hook", receive)
        runner = web.AppRunner(receiver)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            alice = api.add_user("Alice")
            update = api.user_sends_text(alice, None, "xin chào")
            async with Bot(api.token, base_url=api.base_url) as bot:
                await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
                await api.wait_until(lambda: not api.state.updates)
                info = await bot.get_webhook_info()
            assert received == [update["update_id"]] * 3
            assert info.pending_update_count == 0
            assert "500" in (info.last_error_message or "")
        finally:
            await runner.cleanup()
