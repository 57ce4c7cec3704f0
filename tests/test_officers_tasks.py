"""/nhiemvu, the update keyboard, /capnhat and /lichsu end to end (fake Bot API)."""

from __future__ import annotations

import pytest

from core import callbacks as cb
from sandbox.harness import BotHarness
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    OTHER_CHAIR_TG,
    VIEWER_TG,
    Commune,
)
from tests.officers_support import counts, fresh, press, say, updates_of, user


async def test_tasks_lists_my_units_by_field(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    msg = await say(harness, an, "/nhiemvu")
    assert msg.text is not None
    # Tư pháp leads 3 and 4 and coordinates 2; never task 6 (Một cửa) nor 7 (Tài chính).
    assert "3. Rà soát văn bản" in msg.text and "4. Tuyên truyền" in msg.text
    assert "2. Báo cáo CCHC" in msg.text
    assert "Số hóa" not in msg.text and "tự chủ tài chính" not in msg.text
    assert "II. Cải cách thể chế" in msg.text
    assert "còn 7 ngày" in msg.text  # task 3 due 10/6, today 3/6
    assert set(msg.button_data()) == {cb.task_menu(commune.task_ids[n]) for n in (2, 3, 4)}
    assert all(len(d.encode()) <= 64 for d in msg.button_data())


async def test_tasks_alias_overdue_and_paging(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)  # the plan keeper sees all 8 tasks
    msg = await say(harness, lan, "/tasks")
    assert msg.text is not None and "trang 1/1" in msg.text
    assert "quá hạn 124 ngày" in msg.text  # task 1, due 31/1
    from handlers import tasks_list

    tasks_list.PAGE_SIZE = 3
    try:
        msg = await say(harness, lan, "/nhiemvu")
        assert msg.text is not None and "trang 1/3" in msg.text
        assert cb.build(cb.TASK_PAGE, 1) in msg.button_data()
        await press(harness, lan, msg, cb.build(cb.TASK_PAGE, 1))
        edited = harness.api.state.get_message(msg.chat_id, msg.message_id)
        assert edited is not None and edited.text is not None and "trang 2/3" in edited.text
        assert cb.build(cb.TASK_PAGE, 0) in edited.button_data()
    finally:
        tasks_list.PAGE_SIZE = 8


async def test_tasks_refused_for_strangers_and_viewers(
    harness: BotHarness, commune: Commune
) -> None:
    stranger = user(harness, 9999)
    msg = await say(harness, stranger, "/nhiemvu")
    assert msg.text is not None and "chưa được đăng ký" in msg.text
    viewer = user(harness, VIEWER_TG)
    msg = await say(harness, viewer, "/nhiemvu")
    assert msg.text is not None and "không dành cho vai trò" in msg.text


async def test_keyboard_buttons_record_and_edit(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    task3 = commune.task_ids[3]
    listing = await say(harness, an, "/nhiemvu")
    await press(harness, an, listing, cb.task_menu(task3))
    card = await fresh(harness, an.id)
    assert card.text is not None and "Nhiệm vụ số 3" in card.text
    assert cb.set_percent(task3, 50) in card.button_data()
    answer = await press(harness, an, card, cb.set_percent(task3, 50))
    assert answer.text == "✅ Đã ghi nhận."
    edited = harness.api.state.get_message(card.chat_id, card.message_id)
    assert edited is not None and edited.text is not None and "50%" in edited.text
    await press(harness, an, edited, cb.build(cb.SET_STATUS, task3, 0))
    await press(harness, an, edited, cb.mark_done(task3))
    rows = await updates_of(harness, task3)
    assert [(r.percent, r.status_text, r.channel.value) for r in rows] == [
        (50, None, "button"),
        (50, "Đang thực hiện", "button"),
        (100, "Hoàn thành", "button"),
    ]
    final = harness.api.state.get_message(card.chat_id, card.message_id)
    assert final is not None and final.text is not None and "đã hoàn thành" in final.text


async def test_forged_button_for_another_units_task_changes_nothing(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    binh = user(harness, OFFICER_TC_TG)
    listing = await say(harness, binh, "/nhiemvu")
    await press(harness, binh, listing, cb.task_menu(commune.task_ids[7]))
    card = await fresh(harness, binh.id)
    before = await counts(harness)
    # Officer An presses Bình's card (as if forwarded): refused with a popup.
    answer = await press(harness, an, card, cb.set_percent(commune.task_ids[7], 75))
    assert answer.show_alert and answer.text is not None and "không thuộc bộ phận" in answer.text
    assert await counts(harness) == before


async def test_capnhat_command(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    msg = await say(harness, an, "/capnhat 3 60 đã dự thảo <b>xong</b> *một phần*")
    assert msg.text is not None and "Đã ghi nhận" in msg.text and "60%" in msg.text
    rows = await updates_of(harness, commune.task_ids[3])
    assert rows[-1].percent == 60 and rows[-1].note == "đã dự thảo <b>xong</b> *một phần*"
    assert rows[-1].channel.value == "command"
    msg = await say(harness, an, "/update 4 100%")
    assert msg.text is not None and "100%" in msg.text


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        (OFFICER_TP_TG, "/capnhat 3 150", "từ 0 đến 100%"),
        (OFFICER_TP_TG, "/capnhat 3 -5", "từ 0 đến 100%"),
        (OFFICER_TP_TG, "/capnhat ba 50", "phải là một số"),
        (OFFICER_TP_TG, "/capnhat 99 50", "Không có nhiệm vụ số 99"),
        (OFFICER_TP_TG, "/capnhat 7 50", "không thuộc bộ phận"),
        (OFFICER_TP_TG, "/capnhat", "Cách dùng"),
        (OFFICER_TP_TG, "/capnhat 3 abc xyz", "Cách dùng"),
        (OTHER_CHAIR_TG, "/capnhat 3 50", "Không có nhiệm vụ số 3"),  # another commune
        (VIEWER_TG, "/capnhat 3 50", "không dành cho vai trò"),
        (9999, "/capnhat 3 50", "chưa được đăng ký"),
    ],
)
async def test_capnhat_bad_input_changes_nothing(
    harness: BotHarness, commune: Commune, who: int, text: str, expected: str
) -> None:
    before = await counts(harness)
    msg = await say(harness, user(harness, who), text)
    assert msg.text is not None and expected in msg.text, msg.text
    assert await counts(harness) == before


async def test_history_lists_updates_with_escaping(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    await say(harness, an, "/capnhat 3 40 <script> & *x*")
    chair = user(harness, CHAIRMAN_TG)
    msg = await say(harness, chair, "/lichsu 3")
    assert msg.text is not None
    assert "Lịch sử nhiệm vụ số 3" in msg.text
    assert "Nguyễn Văn An: 40% · <script> & *x*" in msg.text  # shown as text, not HTML
    empty = await say(harness, chair, "/history 4")
    assert empty.text is not None and "Chưa có cập nhật" in empty.text
    bad = await say(harness, chair, "/lichsu")
    assert bad.text is not None and "/lichsu 3" in bad.text
    viewer = await say(harness, user(harness, VIEWER_TG), "/lichsu 3")
    assert viewer.text is not None and "không dành cho vai trò" in viewer.text


async def test_recurring_task_done_last_period_is_not_ticked_now(
    harness: BotHarness, commune: Commune
) -> None:
    """/nhiemvu ticks ✅ by the rule of /tongquan: a recurring task owes this period's figure."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from storage.models import UpdateChannel
    from storage.progress import record_progress

    async with harness.database.write() as session:
        await record_progress(
            session,
            task_id=commune.task_ids[2],  # "Báo cáo CCHC định kỳ", recurring
            person=None,
            channel=UpdateChannel.CLI,
            at=datetime(2024, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
            percent=100,
            check_permission=False,
        )
    an = user(harness, OFFICER_TP_TG)
    msg = await say(harness, an, "/nhiemvu")
    assert msg.text is not None
    line = next(x for x in msg.text.splitlines() if "2. Báo cáo CCHC" in x)
    assert line.startswith("▫️"), line  # done in Q1's window, nothing yet for Q2's

    async with harness.database.write() as session:
        await record_progress(
            session,
            task_id=commune.task_ids[2],
            person=None,
            channel=UpdateChannel.CLI,
            at=harness.clock.now(),
            percent=100,
            check_permission=False,
        )
    msg = await say(harness, an, "/nhiemvu")
    assert msg.text is not None
    line = next(x for x in msg.text.splitlines() if "2. Báo cáo CCHC" in x)
    assert line.startswith("✅"), line
