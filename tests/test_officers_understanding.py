"""Officers understood the first time, end to end through the fake Bot API (issue 15),
and the chat side of issue 11 defects 1-3 and issue 16 point 4.

Each test drives the real application: the officer writes as on Zalo, the bot
echoes a draft, nothing is written before "Đúng", and the row that lands is
checked in the database.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import callbacks as cb
from sandbox.harness import BotHarness
from storage.models import Attachment
from tests.factories import CHAIRMAN_TG, OFFICER_TC_TG, OFFICER_TP_TG, Commune
from tests.officers_support import counts, fresh, last, press, say, updates_of, user

PDF = b"%PDF-1.4 minh chung\n"


def _verbs(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.verb for p in (cb.parse(d) for d in message.button_data()) if p]


def _button(message, verb: str, *tail: int) -> str:  # type: ignore[no-untyped-def]
    for data in message.button_data():
        parsed = cb.parse(data)
        if parsed and parsed.verb == verb and parsed.args[len(parsed.args) - len(tail) :] == tail:
            return data
    raise AssertionError(f"no {verb}…{tail} button on {message.text!r}: {message.button_data()}")


async def _forge(harness: BotHarness, who, message, data: str):  # type: ignore[no-untyped-def]
    """Press a button the message does not show (a forged callback)."""
    query_id = harness.api.state.next_query_id()
    query = {
        "id": query_id,
        "from": who.to_api(),
        "message": message.to_api(),
        "chat_instance": "1",
        "data": data,
    }
    harness.api.state.open_callback_queries[query_id] = query
    update = harness.api.enqueue_update("callback_query", query)
    answer = await harness.api.wait_for_callback_answer(update)
    await harness.idle()
    return answer


async def _confirm(harness: BotHarness, who, echo) -> None:  # type: ignore[no-untyped-def]
    await press(harness, who, echo, _button(echo, cb.CONFIRM))


async def _attachments(harness: BotHarness) -> list[Attachment]:
    async with harness.database.read() as session:
        return list(await session.scalars(select(Attachment).order_by(Attachment.id)))


# --- plain messages, not replies ------------------------------------------------------


async def test_plain_message_naming_task_and_figure(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    before = await counts(harness)
    echo = await say(harness, an, "nhiem vu 3 dat 60%")
    assert echo.text is not None and "nhiệm vụ số 3" in echo.text and "60%" in echo.text
    assert await counts(harness) == before
    await _confirm(harness, an, echo)
    (row,) = await updates_of(harness, commune.task_ids[3])
    assert (row.percent, row.note, row.channel.value) == (60, "nhiem vu 3 dat 60%", "reply")


async def test_plain_half_asks_which_of_my_tasks(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    question = await say(harness, an, "mới làm được một nửa")
    assert question.text is not None and "nhiệm vụ nào" in question.text and "50%" in question.text
    await press(harness, an, question, _button(question, cb.WHICH_TASK, commune.task_ids[4]))
    echo = harness.api.state.get_message(question.chat_id, question.message_id)
    assert echo is not None and echo.text is not None and "nhiệm vụ số 4" in echo.text
    await _confirm(harness, an, echo)
    (row,) = await updates_of(harness, commune.task_ids[4])
    assert row.percent == 50


async def test_title_words_find_the_task(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    echo = await say(harness, an, "ra soat van ban qppl duoc 70%")
    assert echo.text is not None and "nhiệm vụ số 3" in echo.text
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [70]


async def test_several_tasks_one_confirmation(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    before = await counts(harness)
    echo = await say(
        harness, an, "số 3 xong, đã ban hành KH số 20/KH-UBND ngày 05/3; số 4 được 50%"
    )
    assert echo.text is not None and "2 nhiệm vụ" in echo.text
    assert "Nhiệm vụ số 3" in echo.text and "Nhiệm vụ số 4" in echo.text
    assert _verbs(echo) == [cb.CONFIRM, cb.CORRECT]
    assert await counts(harness) == before
    await _confirm(harness, an, echo)
    (row3,) = await updates_of(harness, commune.task_ids[3])
    (row4,) = await updates_of(harness, commune.task_ids[4])
    assert (row3.percent, row3.output) == (100, "KH số 20/KH-UBND ngày 05/3")
    assert (row4.percent, row4.note) == (50, "số 4 được 50%")
    done = harness.api.state.get_message(echo.chat_id, echo.message_id)
    assert done is not None and done.text is not None and "Đã ghi nhận" in done.text


async def test_several_tasks_one_not_mine(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    echo = await say(harness, an, "số 3 xong, số 7 được 50%")
    assert echo.text is not None and "số 7 không thuộc bộ phận" in echo.text
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [100]
    assert await updates_of(harness, commune.task_ids[7]) == []


async def test_correct_drops_a_multi_task_draft(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    before = await counts(harness)
    echo = await say(harness, an, "nv3 80%, nv4 xong")
    await press(harness, an, echo, _button(echo, cb.CORRECT))
    assert await counts(harness) == before


# --- questions and small talk ---------------------------------------------------------


async def test_questions_are_answered_not_drafted(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    before = await counts(harness)
    answer = await say(harness, an, "hạn nhiệm vụ 3 là khi nào?")
    assert answer.text is not None and "10/06/2024" in answer.text and "số 3" in answer.text
    assert answer.button_data() == []
    mine = await say(harness, an, "toi con viec gi")
    assert mine.text is not None and "Rà soát văn bản" in mine.text
    assert "Tuyên truyền phổ biến" in mine.text and "tự chủ tài chính" not in mine.text
    which = await say(harness, an, "hạn là khi nào?")
    assert which.text is not None and "nhiệm vụ nào" in which.text
    assert await counts(harness) == before


# --- evidence -------------------------------------------------------------------------


async def test_caption_naming_the_task_attaches_it(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    harness.api.user_uploads_document(an, None, "bb.pdf", PDF, caption="minh chứng nhiệm vụ 4")
    echo = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert echo.text is not None and "nhiệm vụ số 4" in echo.text and "1 tệp" in echo.text
    assert await _attachments(harness) == []
    await _confirm(harness, an, echo)
    (att,) = await _attachments(harness)
    assert att.file_name == "bb.pdf"
    (row,) = await updates_of(harness, commune.task_ids[4])
    assert row.id == att.progress_update_id


async def test_uncaptioned_photo_asks_which_task(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    harness.api.user_uploads_photo(an, None, b"\x89PNG photo")
    question = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert question.text is not None and "tài liệu kiểm chứng cho nhiệm vụ nào" in question.text
    await press(harness, an, question, _button(question, cb.WHICH_TASK, commune.task_ids[3]))
    echo = harness.api.state.get_message(question.chat_id, question.message_id)
    assert echo is not None
    await _confirm(harness, an, echo)
    (att,) = await _attachments(harness)
    assert att.kind == "photo"
    (row,) = await updates_of(harness, commune.task_ids[3])
    assert row.percent is None  # evidence alone says nothing about the figure


# --- issue 11 defect 1: a status word never raises a typed percent -----------------------


async def _reply_to_card(harness: BotHarness, who, task_id: int, text: str):  # type: ignore[no-untyped-def]
    listing = await say(harness, who, "/nhiemvu")
    await press(harness, who, listing, cb.task_menu(task_id))
    card = await fresh(harness, who.id)
    return await say(harness, who, text, reply_to=card)


async def test_done_word_with_80_percent_asks_and_keeps_80(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    task3 = commune.task_ids[3]
    echo = await _reply_to_card(harness, an, task3, "đã xong 80%, đã ban hành kế hoạch")
    assert echo.text is not None and "80%" in echo.text and "đã xong nhưng ghi 80%" in echo.text
    assert cb.CONFIRM not in _verbs(echo)
    draft_id = cb.parse(echo.button_data()[0]).args[0]  # type: ignore[union-attr]
    forged = await _forge(harness, an, echo, cb.build(cb.CONFIRM, draft_id))
    assert forged.show_alert and await updates_of(harness, task3) == []
    await press(harness, an, echo, _button(echo, cb.FIGURE, 0, 80))
    echo = harness.api.state.get_message(echo.chat_id, echo.message_id)
    assert echo is not None and _verbs(echo) == [cb.CONFIRM, cb.CORRECT]
    await _confirm(harness, an, echo)
    (row,) = await updates_of(harness, task3)
    assert (row.percent, row.status_text, row.output) == (80, "Đang thực hiện", "Kế hoạch")


async def test_done_word_with_80_percent_can_be_100(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    task3 = commune.task_ids[3]
    echo = await _reply_to_card(harness, an, task3, "xong 80%")
    await press(harness, an, echo, _button(echo, cb.FIGURE, 0, 100))
    echo = harness.api.state.get_message(echo.chat_id, echo.message_id)
    assert echo is not None
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, task3)] == [100]


async def test_almost_done_offers_75_and_90(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    task4 = commune.task_ids[4]
    echo = await _reply_to_card(harness, an, task4, "gần xong rồi anh")
    assert echo.text is not None and "bao nhiêu phần trăm" in echo.text
    assert {cb.parse(d).args[-1] for d in echo.button_data() if d.startswith("fg:")} == {75, 90}  # type: ignore[union-attr]
    await press(harness, an, echo, _button(echo, cb.FIGURE, 0, 90))
    echo = harness.api.state.get_message(echo.chat_id, echo.message_id)
    assert echo is not None
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, task4)] == [90]


async def test_capnhat_with_a_contradiction_asks_too(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    before = await counts(harness)
    echo = await say(harness, an, "/capnhat 3 đã hoàn thành 90%")
    assert echo.text is not None and "đã xong nhưng ghi 90%" in echo.text
    assert await counts(harness) == before


# --- issue 11 defect 2 / issue 16 point 4: numbers as people type them -------------------


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("/capnhat 3 99,5%", 99),
        ("/capnhat 3 99.5%", 99),
        ("/capnhat 3 50.5%", 51),
        ("/capnhat 3 50,4", 50),
        ("/capnhat #3 80 %", None),
    ],
)
async def test_capnhat_decimal_percent(
    harness: BotHarness, commune: Commune, text: str, percent: int | None
) -> None:
    an = user(harness, OFFICER_TP_TG)
    msg = await say(harness, an, text)
    rows = await updates_of(harness, commune.task_ids[3])
    if percent is None:  # "80 %": the percent sign alone is a note, 80 is the percent
        assert [r.percent for r in rows] == [80]
        return
    assert msg.text is not None and f"{percent}%" in msg.text
    assert [r.percent for r in rows] == [percent]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/capnhat 3 10000%", "ví dụ"),
        ("/capnhat 3 10000% đạt 50%", "ví dụ"),  # never re-read from the note
        ("/capnhat 3 5,5,5", "ví dụ"),
        ("/capnhat 3 ²", "ví dụ"),
        ("/capnhat ² 50", "phải là một số"),
        ("/capnhat ٣ 50", "phải là một số"),
        ("/lichsu ²", "/lichsu"),
        ("/giahan ² 30/06/2024 chờ huyện", "/giahan"),
        ("được 10000%", "ví dụ"),
    ],
)
async def test_unreadable_numbers_are_refused_politely(
    harness: BotHarness, commune: Commune, text: str, expected: str
) -> None:
    an = user(harness, OFFICER_TP_TG)
    before = await counts(harness)
    msg = await say(harness, an, text)
    assert msg.text is not None and expected in msg.text, msg.text
    assert "Traceback" not in msg.text and "lỗi" not in msg.text.lower()
    assert await counts(harness) == before


# --- issue 11 defect 3: a reply to any bot message about one task -------------------------


async def test_reply_to_the_chairmans_nudge(harness: BotHarness, commune: Commune) -> None:
    binh = user(harness, OFFICER_TC_TG, "Bình")
    chair = user(harness, CHAIRMAN_TG)
    harness.api.user_sends_text(chair, None, "/quahan")
    overdue = await harness.api.wait_for_bot_message(chair.id)
    await harness.idle()
    harness.api.user_presses_button(chair, overdue, cb.build(cb.NUDGE, commune.task_ids[6]))
    nudge = await harness.api.wait_for_bot_message(
        binh.id, lambda m: "đề nghị: nhiệm vụ số 6" in (m.text or "")
    )
    await harness.idle()
    echo = await say(harness, binh, "xong rồi, đã có văn bản, 100%", reply_to=nudge)
    assert echo.text is not None and "nhiệm vụ số 6" in echo.text, echo.text
    await _confirm(harness, binh, echo)
    (row,) = await updates_of(harness, commune.task_ids[6])
    assert (row.percent, row.channel.value) == (100, "reply")


async def test_reply_to_the_extension_answer(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    chair = user(harness, CHAIRMAN_TG)
    await say(harness, an, "/giahan 3 thứ sáu tuần sau chờ hướng dẫn của huyện")
    notice = await fresh(harness, chair.id)
    await press(harness, chair, notice, notice.button_data()[0])
    told = await fresh(harness, an.id)
    assert told.text is not None and "đồng ý" in told.text
    echo = await say(harness, an, "được 70%", reply_to=told)
    assert echo.text is not None and "nhiệm vụ số 3" in echo.text
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [70]


async def test_reply_to_a_digest_naming_the_task_does_not_ask(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    harness.set_time("2024-06-03T08:00:00")
    await harness.tick()
    digest = last(harness, an.id)
    assert len([d for d in digest.button_data() if d.startswith(cb.TASK_MENU + ":")]) > 1
    echo = await say(harness, an, "số 4 xong", reply_to=digest)
    assert echo.text is not None and "nhiệm vụ số 4" in echo.text
    assert cb.WHICH_TASK not in _verbs(echo)
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[4])] == [100]
    # Without a task named, a digest about several tasks still asks which one.
    question = await say(harness, an, "được 60%", reply_to=digest)
    assert question.text is not None and "nhiều nhiệm vụ" in question.text


async def test_reply_to_the_deadline_day_warning(harness: BotHarness, commune: Commune) -> None:
    binh = user(harness, OFFICER_TC_TG)
    harness.set_time("2024-05-31T08:00:00")
    await harness.tick()
    warning = last(harness, binh.id)
    assert warning.text is not None and "hạn hôm nay" in warning.text
    assert [d for d in warning.button_data() if d.startswith("tk:")] == [
        cb.task_menu(commune.task_ids[6])
    ]
    echo = await say(harness, binh, "xong rồi anh", reply_to=warning)
    assert echo.text is not None and "nhiệm vụ số 6" in echo.text
    assert cb.WHICH_TASK not in _verbs(echo)
    await _confirm(harness, binh, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[6])] == [100]


async def test_reply_to_the_overdue_notice(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    harness.set_time("2024-06-11T08:00:00")
    await harness.tick()
    notice = last(harness, an.id)
    assert notice.text is not None and "quá hạn" in notice.text and "Số 3" in notice.text
    echo = await say(harness, an, "duoc 3/4 roi", reply_to=notice)
    assert echo.text is not None and "nhiệm vụ số 3" in echo.text and "75%" in echo.text
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [75]


# --- how far, as officers write it (plain messages) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("nhiệm vụ 3 tám mươi phần trăm", 80),
        ("nv3 80 phan tram", 80),
        ("NV 3 được 3/4", 75),
        ("số 3 mới được một nửa", 50),
        ("#3 chưa triển khai", 0),
        ("nhiem vu 3 99,5%", 99),
        ("SỐ 3 ĐÃ HOÀN THÀNH", 100),
    ],
)
async def test_how_far_forms(
    harness: BotHarness, commune: Commune, text: str, percent: int
) -> None:
    an = user(harness, OFFICER_TP_TG)
    echo = await say(harness, an, text)
    assert echo.text is not None and "nhiệm vụ số 3" in echo.text, echo.text
    await _confirm(harness, an, echo)
    assert [r.percent for r in await updates_of(harness, commune.task_ids[3])] == [percent]


async def test_title_words_fitting_two_tasks_list_only_those(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)  # An's tasks: 2 (coordinating), 3 and 4
    question = await say(harness, an, "phần pháp luật xong rồi")
    assert question.text is not None and "nhiệm vụ nào" in question.text
    offered = [cb.parse(d).args[1] for d in question.button_data()]  # type: ignore[union-attr]
    assert offered == [commune.task_ids[3], commune.task_ids[4]]


async def test_caption_with_a_plan_code(harness: BotHarness, commune: Commune) -> None:
    from storage.models import Task

    async with harness.database.write() as session:
        task = await session.get(Task, commune.task_ids[4])
        assert task is not None
        task.code = "3.2"
    an = user(harness, OFFICER_TP_TG)
    # "kiểm chứng 3.2" is first the PAR INDEX desk's (criterion 3.2, handlers/par_index.py);
    # this commune has no criterion 3.2 but a task coded 3.2, so it is that task's evidence.
    harness.api.user_uploads_photo(an, None, b"\x89PNG anh", caption="kiểm chứng 3.2")
    echo = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert echo.text is not None and "nhiệm vụ số 4" in echo.text and "1 tệp" in echo.text
    await _confirm(harness, an, echo)
    (att,) = await _attachments(harness)
    (row,) = await updates_of(harness, commune.task_ids[4])
    assert att.progress_update_id == row.id
