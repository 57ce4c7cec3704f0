"""Shared helpers of the Mini App tests: signed init data, a running dashboard, requests."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from plans.clock import ManualClock
from storage.db import Database
from webapp.initdata import sign
from webapp.server import Dashboard

TOKEN = "123456:AAEbotTokenForTheDashboardTests_abcdef"
OTHER_TOKEN = "654321:ZZZanotherBotsTokenForTheTests_xyz123"
NOW = datetime.fromisoformat("2024-06-03T07:30:00+07:00")


def init_data(
    telegram_id: int,
    *,
    token: str = TOKEN,
    age: float = 0,
    language_code: str | None = None,
    now: float | None = None,
) -> str:
    user: dict[str, Any] = {"id": telegram_id, "first_name": "Test"}
    if language_code:
        user["language_code"] = language_code
    moment = (time.time() if now is None else now) - age
    return sign(token, user, auth_date=int(moment), query_id="AAHdF6IQAAAAAN0XohDhrOrc")


def auth(telegram_id: int, **kwargs: Any) -> dict[str, str]:
    return {"Authorization": "tma " + init_data(telegram_id, **kwargs)}


@asynccontextmanager
async def dashboard_client(db: Database, *, now: datetime = NOW) -> AsyncIterator[TestClient]:
    """An aiohttp test client on the dashboard app over ``db`` (clock at ``now``)."""
    board = Dashboard(db=db, clock=ManualClock(now), token=TOKEN)
    client = TestClient(TestServer(board.build()))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
