"""The dashboard inside the bot process: served beside it, reached by buttons in chat."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app import dashboard_of
from handlers.menu import publish_menus
from sandbox.harness import BotHarness
from storage.db import Database
from storage.migrate import upgrade_async
from tests.chairman_scenario import seed_with_progress
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, VIEWER_TG, Commune
from tests.webapp_support import init_data

URL = "https://bot.example.vn/dashboard/"


@pytest.fixture
async def seeded_url(sqlite_database_url: str) -> AsyncIterator[str]:
    """A database with the commune in it before the bot starts (menus to set in a round)."""
    await upgrade_async(sqlite_database_url)
    db = Database(sqlite_database_url)
    try:
        await seed_once(db, seed_with_progress)
    finally:
        await db.dispose()
    yield sqlite_database_url


@pytest.fixture
async def bot_with_dashboard(seeded_url: str) -> AsyncIterator[BotHarness]:
    overrides = {"webapp_url": URL, "webapp_listen": "127.0.0.1", "webapp_port": 0}
    async with BotHarness(seeded_url, settings_overrides=overrides) as running:
        yield running


async def _ask(harness: BotHarness, tg: int, text: str):  # type: ignore[no-untyped-def]
    user = harness.api.add_user("U", user_id=tg)
    harness.api.user_sends_text(user, None, text)
    message = await harness.api.wait_for_bot_message(user.id)
    await harness.idle()
    return message


async def test_tongquan_offers_the_dashboard_button(bot_with_dashboard: BotHarness) -> None:
    for tg in (CHAIRMAN_TG, VIEWER_TG):
        message = await _ask(bot_with_dashboard, tg, "/tongquan")
        first = message.inline_keyboard[0][0]
        assert first == {"text": "📊 Bảng điều khiển", "web_app": {"url": URL}}
        # the chat's own drill-down buttons are still there
        assert any("callback_data" in b for row in message.inline_keyboard for b in row)


async def test_menu_button_for_the_dashboard_roles_only(bot_with_dashboard: BotHarness) -> None:
    await publish_menus(bot_with_dashboard.application)  # the round the scheduler runs each tick
    buttons = bot_with_dashboard.api.state.menu_buttons
    expected = {"type": "web_app", "text": "📊 Bảng điều khiển", "web_app": {"url": URL}}
    assert buttons[CHAIRMAN_TG] == expected
    assert buttons[ADMIN_TG] == expected
    assert buttons[VIEWER_TG] == expected
    assert OFFICER_TP_TG not in buttons


async def test_the_bot_process_serves_the_dashboard(bot_with_dashboard: BotHarness) -> None:
    board = dashboard_of(bot_with_dashboard.application)
    base = f"http://127.0.0.1:{board.port}"
    token = bot_with_dashboard.api.token
    async with aiohttp.ClientSession() as http:
        async with http.get(
            base + "/api/me",
            headers={"Authorization": "tma " + init_data(CHAIRMAN_TG, token=token)},
        ) as response:
            assert response.status == 200
            me = await response.json()
        async with http.get(
            base + "/api/me",
            headers={"Authorization": "tma " + init_data(OFFICER_TP_TG, token=token)},
        ) as response:
            assert response.status == 403
        async with http.get(base + "/") as response:
            assert response.status == 200
    assert me["person"]["name"] == "Lê Văn Hùng"
    assert me["home"] == "overview"


async def test_without_webapp_url_no_server_and_no_button(
    harness: BotHarness, commune: Commune
) -> None:
    message = await _ask(harness, CHAIRMAN_TG, "/tongquan")
    assert all("web_app" not in b for row in message.inline_keyboard for b in row)
    assert dashboard_of(harness.application) is None
    assert CHAIRMAN_TG not in harness.api.state.menu_buttons
