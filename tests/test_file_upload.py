"""The two chat uploads open with the same checks (handlers/file_upload.receive_file).

/nhapkehoach and /nhapcanbo refuse a file of the wrong kind and one over the
size limit the same way: a polite sentence, nothing read, nothing written,
and the conversation still waits for the right file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox.harness import BotHarness
from storage.models import Person, Task
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, seed_commune
from tests.officers_support import say, user
from tests.test_roster import HEADER, PEOPLE, _count, xlsx

BIG = b"PK" + b"\0" * (1024 * 1024 + 1)  # one byte over a 1 MB limit

UPLOADS = [
    pytest.param("/nhapkehoach", "ke-hoach.txt", "không phải .docx, .pdf, .xlsx", id="plan"),
    pytest.param("/nhapcanbo", "ds.pdf", "không phải là danh sách dạng Excel", id="roster"),
]


@pytest.fixture
async def small_limit(sqlite_database_url: str) -> AsyncIterator[BotHarness]:
    async with BotHarness(sqlite_database_url, settings_overrides={"max_upload_mb": 1}) as running:
        await seed_once(running.database, seed_commune)
        yield running


@pytest.mark.parametrize(("command", "wrong_name", "wrong_words"), UPLOADS)
async def test_wrong_kind_and_too_big_are_refused_and_the_upload_still_waits(
    small_limit: BotHarness, command: str, wrong_name: str, wrong_words: str
) -> None:
    harness = small_limit
    lan = user(harness, ADMIN_TG)
    people, tasks = await _count(harness.database, Person), await _count(harness.database, Task)
    await say(harness, lan, command)

    harness.api.user_uploads_document(lan, None, wrong_name, b"%PDF-1.4")
    refused = await harness.api.wait_for_bot_message(lan.id, lambda m: wrong_name in (m.text or ""))
    assert wrong_words in (refused.text or "")

    harness.api.user_uploads_document(lan, None, "lon.xlsx", BIG)
    too_big = await harness.api.wait_for_bot_message(lan.id, lambda m: "lon.xlsx" in (m.text or ""))
    assert "1 MB" in (too_big.text or "") and "Đang đọc" not in (too_big.text or "")
    await harness.idle()
    assert await _count(harness.database, Person) == people
    assert await _count(harness.database, Task) == tasks

    if command == "/nhapcanbo":  # still waiting: the right file is read at once
        harness.api.user_uploads_document(lan, None, "ds.xlsx", xlsx([HEADER, *PEOPLE[3:]]))
        await harness.api.wait_for_bot_message(lan.id, lambda m: "Thêm mới 3" in (m.text or ""))
        await harness.idle()
        assert await _count(harness.database, Person) == people + 3
