"""Telegram's limits and HTML safety: hostile task titles, long histories, other organizations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import callbacks as cb
from sandbox.harness import BotHarness
from storage.directory import person_by_telegram_id
from storage.models import Task, UpdateChannel
from storage.progress import record_progress
from tests.access_support import FailedCalls
from tests.factories import OFFICER_TP_TG, OTHER_CHAIR_TG, Commune
from tests.officers_support import counts, fresh, press, say, user

HOSTILE = "Ban hành <b>Quy chế</b> *mẫu* & _phụ lục_ </i> [link](x)"


@pytest.fixture
async def hostile_commune(harness: BotHarness, commune: Commune) -> Commune:
    """The commune with task 3's title full of markup characters."""
    async with harness.database.write() as session:
        task = await session.get(Task, commune.task_ids[3])
        assert task is not None
        task.content = HOSTILE
    return commune


async def test_hostile_titles_are_shown_as_text(
    harness: BotHarness, hostile_commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    listing = await say(harness, an, "/nhiemvu")
    assert listing.text is not None and HOSTILE in listing.text
    await press(harness, an, listing, cb.task_menu(hostile_commune.task_ids[3]))
    card = await fresh(harness, an.id)
    assert card.text is not None and HOSTILE in card.text
    echo = await say(harness, an, "được 30% <i>gấp</i>", reply_to=card)
    assert echo.text is not None and HOSTILE in echo.text and "<i>gấp</i>" in echo.text
    for message in (listing, card, echo):
        assert all(len(d.encode()) <= 64 for d in message.button_data())


async def test_long_history_is_split_under_the_limit(
    harness: BotHarness, hostile_commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    start = harness.clock.now()
    async with harness.database.write() as session:
        person = await person_by_telegram_id(session, OFFICER_TP_TG)
        for i in range(60):
            await record_progress(
                session,
                task_id=hostile_commune.task_ids[3],
                person=person,
                channel=UpdateChannel.COMMAND,
                at=start - timedelta(hours=60 - i),
                percent=i,
                note=f"lần {i}: " + "rà soát văn bản <quy phạm> " * 6,
            )
    harness.api.user_sends_text(an, None, "/lichsu 3")
    # The last part carries the newest entry (parts may be paced by the flood limit).
    await harness.api.wait_for_bot_message(an.id, lambda m: "lần 59:" in (m.text or ""))
    parts = [m.text or "" for m in harness.api.bot_messages(an.id)]
    assert len(parts) >= 2 and all(0 < len(p) <= 4096 for p in parts)
    joined = "\n".join(parts)
    assert "lần 0:" in joined and "lần 59:" in joined and "<quy phạm>" in joined


async def test_another_organizations_chairman_cannot_touch_our_tasks(
    harness: BotHarness, hostile_commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    listing = await say(harness, an, "/nhiemvu")
    await press(harness, an, listing, cb.task_menu(hostile_commune.task_ids[3]))
    card = await fresh(harness, an.id)
    other = user(harness, OTHER_CHAIR_TG)
    before = await counts(harness)
    answer = await press(harness, other, card, cb.set_percent(hostile_commune.task_ids[3], 100))
    assert answer.show_alert
    opened = await press(harness, other, listing, cb.task_menu(hostile_commune.task_ids[3]))
    assert opened.show_alert
    history = await say(harness, other, "/lichsu 3")
    assert history.text is not None and "Không có nhiệm vụ số 3" in history.text
    assert await counts(harness) == before


async def test_a_long_task_and_a_long_note_stay_under_the_limit_when_edited(
    harness: BotHarness, commune: Commune
) -> None:
    """The echo of a reading repeats the task and the officer's words; pressing a figure
    edits it in place. Past 4096 characters Telegram refuses the edit (the chat fuzz
    found it): the task is clipped like its card, and a still-long text is split."""
    refused = FailedCalls(harness)
    long_title = "Rà soát, đánh giá <thủ tục hành chính> & quy trình nội bộ; " * 90
    async with harness.database.write() as session:
        task = await session.get(Task, commune.task_ids[3])
        assert task is not None
        task.content = long_title
    an = user(harness, OFFICER_TP_TG)
    listing = await say(harness, an, "/nhiemvu")
    await press(harness, an, listing, cb.task_menu(commune.task_ids[3]))
    card = await fresh(harness, an.id)
    note = "đã họp với các bộ phận, " * 60
    await say(harness, an, f"gần xong, {note}", reply_to=card)
    await harness.idle()
    echo = harness.api.bot_messages(an.id)[-1]  # a long echo comes in parts, buttons last
    figure = next(d for d in echo.button_data() if d.startswith(f"{cb.FIGURE}:"))
    answer = await press(harness, an, echo, figure)
    assert not answer.show_alert
    await harness.idle()
    texts = [m.text or "" for m in harness.api.bot_messages(an.id)]
    assert all(0 < len(text) <= 4096 for text in texts)
    # a 429 is the flood limit pacing the parts (retried); anything else was refused
    assert [f for f in refused.failures if not f.error.startswith("Too Many Requests")] == []
    last = harness.api.bot_messages(an.id)[-1]
    assert any(d.startswith(f"{cb.CONFIRM}:") for d in last.button_data())
