"""Replies in plain Vietnamese: echo, confirm/correct, "which task?", restarts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import callbacks as cb
from sandbox.devserver import FakeBotApi
from sandbox.harness import BotHarness
from storage.models import OutboxMessage
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, OFFICER_TC_TG, OFFICER_TP_TG, Commune, seed_commune
from tests.officers_support import counts, fresh, last, press, say, updates_of, user


async def _card(harness: BotHarness, who, task_id: int):  # type: ignore[no-untyped-def]
    listing = await say(harness, who, "/nhiemvu")
    await press(harness, who, listing, cb.task_menu(task_id))
    return await fresh(harness, who.id)


async def test_reply_percent_is_echoed_then_confirmed(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    task3 = commune.task_ids[3]
    card = await _card(harness, an, task3)
    before = await counts(harness)
    echo = await say(harness, an, "được 60%", reply_to=card)
    assert echo.text is not None and "nhiệm vụ số 3" in echo.text and "60%" in echo.text
    assert await counts(harness) == before  # nothing written before "Đúng"
    draft = cb.parse(echo.button_data()[0])
    assert draft is not None and draft.verb == cb.CONFIRM
    other = user(harness, OFFICER_TC_TG)
    answer = await press(harness, other, echo, echo.button_data()[0])
    assert answer.show_alert  # not the author of the reply
    await press(harness, an, echo, echo.button_data()[0])
    rows = await updates_of(harness, task3)
    assert [(r.percent, r.channel.value, r.note) for r in rows] == [(60, "reply", "được 60%")]
    edited = harness.api.state.get_message(echo.chat_id, echo.message_id)
    assert edited is not None and edited.text is not None and "Đã ghi nhận" in edited.text
    again = await press(harness, an, edited, cb.set_percent(task3, 75))
    assert again.text == "✅ Đã ghi nhận."


async def test_reply_to_the_task_list_asks_which_task(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    listing = await say(harness, an, "/nhiemvu")
    question = await say(
        harness,
        an,
        "đã ban hành Kế hoạch số 15/KH-UBND ngày 14/02/2024, xong",
        reply_to=listing,
    )
    assert question.text is not None and "nhiệm vụ nào" in question.text
    task4 = commune.task_ids[4]
    choice = cb.build(cb.WHICH_TASK, cb.parse(question.button_data()[0]).args[0], task4)  # type: ignore[union-attr]
    assert choice in question.button_data()
    await press(harness, an, question, choice)
    echo = harness.api.state.get_message(question.chat_id, question.message_id)
    assert echo is not None and echo.text is not None
    assert "nhiệm vụ số 4" in echo.text and "Kế hoạch số 15/KH-UBND ngày 14/02/2024" in echo.text
    await press(harness, an, echo, echo.button_data()[0])
    (row,) = await updates_of(harness, task4)
    assert (row.percent, row.status_text, row.output) == (
        100,
        "Đã ban hành",
        "Kế hoạch số 15/KH-UBND ngày 14/02/2024",
    )


async def test_reply_to_a_reminder_from_the_outbox(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    sent = await harness.application.bot.send_message(an.id, "Nhắc việc: nhiệm vụ 3 và 4")
    async with harness.database.write() as session:
        session.add(
            OutboxMessage(
                organization_id=commune.org_id,
                person_id=commune.people["officer_tp"],
                chat_id=an.id,
                recipient_key=f"p{commune.people['officer_tp']}",
                subject="digest",
                occasion="2024-06-03",
                kind="reminder",
                payload={"task_ids": [commune.task_ids[3], commune.task_ids[4]]},
                due_at=datetime(2024, 6, 3, tzinfo=UTC),
                message_id=sent.message_id,
            )
        )
    question = await say(
        harness, an, "đang thực hiện, dự kiến xong cuối tháng", reply_to=sent.message_id
    )
    assert question.text is not None and "nhiệm vụ nào" in question.text
    assert len(question.button_data()) == 2
    await press(harness, an, question, question.button_data()[0])
    echo = harness.api.state.get_message(question.chat_id, question.message_id)
    assert echo is not None and echo.text is not None
    assert "Đang thực hiện" in echo.text and "30/06/2024" in echo.text
    before = await counts(harness)
    await press(harness, an, echo, echo.button_data()[1])  # "Sửa lại"
    assert await counts(harness) == before
    dropped = harness.api.state.get_message(echo.chat_id, echo.message_id)
    assert dropped is not None and dropped.text is not None
    assert "tiến độ chưa được cập nhật" in dropped.text
    assert dropped.button_data() == []  # the old "Đúng" is gone with the draft


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("anh ơi cho em hỏi", "chưa hiểu tiến độ"),
        ("được 150%", "từ 0 đến 100%"),
    ],
)
async def test_bad_replies_change_nothing(
    harness: BotHarness, commune: Commune, text: str, expected: str
) -> None:
    an = user(harness, OFFICER_TP_TG)
    card = await _card(harness, an, commune.task_ids[3])
    before = await counts(harness)
    msg = await say(harness, an, text, reply_to=card)
    assert msg.text is not None and expected in msg.text
    assert await counts(harness) == before


async def test_reply_about_someone_elses_task_and_plain_text(
    harness: BotHarness, commune: Commune
) -> None:
    binh = user(harness, OFFICER_TC_TG)
    card = await _card(harness, binh, commune.task_ids[7])
    an = user(harness, OFFICER_TP_TG)
    # An replies in the group to a bot message about Bình's task 7: not An's task.
    group = harness.api.add_group("UBND xã Vĩnh Khê", [an, binh])
    posted = await harness.application.bot.send_message(group.id, "Nhiệm vụ 7", reply_markup=None)
    before = await counts(harness)
    harness.api.user_sends_text(an, group, "được 50%", reply_to=posted.message_id)
    msg = await harness.api.wait_for_bot_message(group.id)
    assert msg.text is not None and "không thuộc bộ phận" in msg.text
    # A bot message about no task at all: read like a plain message, so the bot asks
    # which of An's own tasks (2 as coordinator, 3 and 4) is meant.
    notice = await harness.application.bot.send_message(group.id, "Chào cả nhà", reply_markup=None)
    harness.api.user_sends_text(an, group, "được 50%", reply_to=notice.message_id)
    await harness.idle()
    msg = harness.api.last_bot_message(group.id)
    assert msg is not None and msg.text is not None and "nhiệm vụ nào" in msg.text
    choices = [cb.parse(d) for d in msg.button_data()]
    assert [c.args[1] for c in choices if c] == [commune.task_ids[n] for n in (2, 3, 4)]
    stranger = user(harness, 9999)
    harness.api.state.chats[group.id].members.append(stranger)
    harness.api.user_sends_text(stranger, group, "được 50%", reply_to=posted.message_id)
    await harness.idle()
    assert harness.api.last_bot_message(group.id) == msg  # strangers are ignored in groups
    plain = await say(harness, an, "chào bot")
    assert plain.text is not None and "nhiệm vụ 3 được 60%" in plain.text
    assert plain.text.count("\n") == 0  # small talk gets one short hint line
    assert await counts(harness) == before
    assert card.text is not None


async def test_pending_confirmation_survives_a_restart(sqlite_database_url: str) -> None:
    api = FakeBotApi()
    await api.start()
    try:
        first = BotHarness(sqlite_database_url, api=api)
        await first.start()
        commune = await seed_once(first.database, seed_commune)
        an = user(first, OFFICER_TP_TG)
        card = await _card(first, an, commune.task_ids[3])
        echo = await say(first, an, "xong", reply_to=card)
        await first.stop()
        second = BotHarness(sqlite_database_url, api=api)
        await second.start()
        try:
            await press(second, an, echo, echo.button_data()[0])
            (row,) = await updates_of(second, commune.task_ids[3])
            assert (row.percent, row.status_text) == (100, "Hoàn thành")
        finally:
            await second.stop()
    finally:
        await api.stop()


async def test_admin_can_reply_for_any_task(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    card = await _card(harness, lan, commune.task_ids[1])
    echo = await say(harness, lan, "60 phần trăm", reply_to=card)
    assert echo.button_data(), f"no confirm buttons on {echo.text!r}"
    await press(harness, lan, echo, echo.button_data()[0])
    (row,) = await updates_of(harness, commune.task_ids[1])
    assert row.percent == 60


async def test_reply_to_a_real_scheduler_reminder(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    harness.set_time("2024-06-03T08:00:00")
    await harness.tick()
    reminder = last(harness, an.id)
    assert cb.task_menu(commune.task_ids[3]) in reminder.button_data()
    question = await say(harness, an, "Đã hoàn thành 100%", reply_to=reminder)
    assert question.text is not None and "nhiệm vụ nào" in question.text
    draft_id = cb.parse(question.button_data()[0]).args[0]  # type: ignore[union-attr]
    await press(harness, an, question, cb.build(cb.WHICH_TASK, draft_id, commune.task_ids[3]))
    echo = harness.api.state.get_message(question.chat_id, question.message_id)
    assert echo is not None
    await press(harness, an, echo, echo.button_data()[0])
    (row,) = await updates_of(harness, commune.task_ids[3])
    assert (row.percent, row.channel.value) == (100, "reply")
    # The reminder's own tk: button opens the task's keyboard.
    await press(harness, an, reminder, cb.task_menu(commune.task_ids[4]))
    card = await fresh(harness, an.id)
    assert card.text is not None and "Nhiệm vụ số 4" in card.text
