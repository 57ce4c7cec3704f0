"""``cchc-bot reminders preview``: what would be sent, when and to whom, with nothing sent."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.cli import main
from scheduler.preview import preview
from storage.db import Database
from tests.db_template import seed_once
from tests.factories import seed_commune
from tests.scheduler_support import outbox_rows


async def test_preview_plans_in_memory(db: Database) -> None:
    await seed_once(db, seed_commune)
    result = await preview(db, "Vĩnh Khê", date(2024, 6, 7), 5)
    assert result.days_off == [date(2024, 6, 8), date(2024, 6, 9)]
    days = sorted({m.at.date() for m in result.messages})
    assert days == [date(2024, 6, 7), date(2024, 6, 10), date(2024, 6, 11)]
    assert all(m.at.strftime("%H:%M") == "07:30" for m in result.messages)
    monday = [m for m in result.messages if m.at.date() == date(2024, 6, 10)]
    chairman = next(m for m in monday if m.role == "chairman")
    assert "report_summary" in chairman.kinds and "weekly_summary" in chairman.kinds
    assert await outbox_rows(db) == []  # nothing written


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, sqlite_database_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_database_url)


def test_cli_text_and_json(db: Database, cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    import asyncio

    asyncio.run(_seeded_fresh(db.url))
    code = main(
        ["reminders", "preview", "--org", "Vĩnh Khê", "--from", "10/06/2024", "--days", "1"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Thứ Hai, 10/06/2024" in out and "Lê Văn Hùng" in out and "tổng hợp tuần" in out
    code = main(
        [
            "reminders",
            "preview",
            "--org",
            "Vĩnh Khê",
            "--from",
            "2024-06-10",
            "--days",
            "1",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["start"] == "2024-06-10" and len(data["messages"]) == 4


async def _seeded_fresh(url: str) -> None:
    database = Database(url)
    try:
        await seed_once(database, seed_commune)
    finally:
        await database.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "32/06/2024"], "Ngày không hợp lệ"),
        (["--days", "0"], "Số ngày phải từ 1 đến 366"),
        (["--days", "abc"], "Số ngày phải từ 1 đến 366"),
    ],
)
def test_cli_bad_input_is_polite(
    cli_env: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["reminders", "preview", "--org", "Vĩnh Khê", *args])
    assert code == 1
    assert message in capsys.readouterr().err
