"""Webhook mode with WEBAPP_PORT = the webhook port: one server for updates and the dashboard."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.webhook_server import check_path
from plans.errors import UserError
from sandbox.devserver import FakeBotApi
from tests.bot_process_support import bot_env, log_tail, start_bot
from tests.net_support import free_port
from tests.webapp_support import init_data


async def test_one_port_serves_the_webhook_and_the_dashboard(tmp_path: Path) -> None:
    async with FakeBotApi() as api:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        hook = base + "/tg-hook"
        env = bot_env(
            api,
            tmp_path,
            WEBHOOK_SECRET="s3cret-token-for-tests",
            WEBAPP_URL=base + "/",
            WEBAPP_LISTEN="127.0.0.1",
            WEBAPP_PORT=str(port),
        )
        proc, log = await start_bot(
            tmp_path, env, "--webhook", hook, "--listen", "127.0.0.1", "--port", str(port)
        )
        try:
            webhook = await api.wait_until(lambda: api.state.webhook, timeout=30)
            assert webhook.url == hook
            stranger = api.add_user("Người lạ", user_id=777_002)
            api.user_sends_text(stranger, None, "/trogiup")
            reply = await api.wait_for_bot_message(stranger.id, timeout=30)
            assert reply.text

            signed = {"Authorization": "tma " + init_data(777_002, token=api.token)}
            async with aiohttp.ClientSession() as http:
                async with http.get(base + "/") as page:
                    assert page.status == 200
                    assert "Bảng điều khiển CCHC" in await page.text()
                async with http.get(base + "/api/me", headers=signed) as me:
                    assert me.status == 403  # a stranger, but the init data was trusted
                    assert (await me.json())["reason"] == "stranger"
                async with http.get(base + "/api/me") as unsigned:
                    assert unsigned.status == 401
                async with http.post(
                    hook, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
                ) as forged:
                    assert forged.status == 403
        finally:
            proc.terminate()
            code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert code == 0, log_tail(log)


@pytest.mark.parametrize("path", ["", "/", "api/tg", "static"])
def test_a_webhook_path_that_would_hide_the_dashboard_is_refused(path: str) -> None:
    with pytest.raises(UserError) as exc:
        check_path(path)
    assert exc.value.key == "webapp.error.webhook_path"


def test_run_says_so_before_starting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:AAEbotTokenForTheDashboardTests_abcdef")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("WEBAPP_URL", "https://bot.example.vn/")
    monkeypatch.setenv("WEBAPP_PORT", "8443")
    monkeypatch.setenv("WEBAPP_LISTEN", "0.0.0.0")
    code = main(["run", "--webhook", "https://bot.example.vn/api", "--port", "8443"])
    assert code == 1
    assert "trùng với đường dẫn của bảng điều khiển" in capsys.readouterr().err


@pytest.mark.parametrize("body", ["null", "[]", "7", '{"message": {}}'])
async def test_a_webhook_body_that_is_no_update_gets_400(body: str) -> None:
    """Only a JSON object can be an update; anything else is refused, never a 500."""
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer
    from telegram.ext import Application

    from bot.webhook_server import SECRET_HEADER, _updates_handler

    app = Application.builder().token("123456:AAEbotTokenForTheWebhookTests_abcdef").build()
    web_app = web.Application()
    web_app.router.add_post("/hook", _updates_handler(app, "s3cret"))
    async with TestClient(TestServer(web_app)) as client:
        answer = await client.post(
            "/hook",
            data=body,
            headers={SECRET_HEADER: "s3cret", "Content-Type": "application/json"},
        )
        assert answer.status == 400
        good = await client.post("/hook", json={"update_id": 5}, headers={SECRET_HEADER: "s3cret"})
        assert good.status == 200
    assert app.update_queue.qsize() == 1
