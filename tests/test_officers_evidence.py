"""Evidence files: captioned /capnhat, after "Đính kèm minh chứng", as a reply; in /lichsu."""

from __future__ import annotations

from core import callbacks as cb
from sandbox.harness import BotHarness
from storage.models import Attachment
from tests.factories import CHAIRMAN_TG, OFFICER_TP_TG, VIEWER_TG, Commune
from tests.officers_support import counts, fresh, press, say, updates_of, user

PDF = b"%PDF-1.4 bien ban\n"


async def _attachments(harness: BotHarness) -> list[Attachment]:
    from sqlalchemy import select

    async with harness.database.read() as session:
        return list(await session.scalars(select(Attachment).order_by(Attachment.id)))


async def test_document_with_capnhat_caption(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    harness.api.user_uploads_document(
        an, None, "bien-ban-<ra-soat>.pdf", PDF, caption="/capnhat 3 80 biên bản rà soát"
    )
    msg = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert msg.text is not None and "Đã lưu 1 tài liệu kiểm chứng" in msg.text and "80%" in msg.text
    (row,) = await updates_of(harness, commune.task_ids[3])
    assert (row.percent, row.note, row.channel.value) == (80, "biên bản rà soát", "command")
    (att,) = await _attachments(harness)
    assert att.kind == "document" and att.file_name == "bien-ban-<ra-soat>.pdf" and att.file_id
    history = await say(harness, user(harness, CHAIRMAN_TG), "/lichsu 3")
    assert history.text is not None and "📎 bien-ban-<ra-soat>.pdf" in history.text


async def test_photo_after_attach_button_keeps_the_percent(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    task4 = commune.task_ids[4]
    await say(harness, an, "/capnhat 4 50")
    listing = await say(harness, an, "/nhiemvu")
    await press(harness, an, listing, cb.task_menu(task4))
    card = await fresh(harness, an.id)
    prompt = await press(harness, an, card, cb.build(cb.ATTACH, task4))
    assert prompt.show_alert and prompt.text is not None and "nhiệm vụ số 4" in prompt.text
    harness.api.user_uploads_photo(an, None, b"\x89PNG fake", caption="ảnh buổi tuyên truyền")
    msg = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert msg.text is not None and "Đã lưu 1 tài liệu kiểm chứng" in msg.text
    rows = await updates_of(harness, task4)
    assert [(r.percent, r.note) for r in rows] == [(50, None), (50, "ảnh buổi tuyên truyền")]
    (att,) = await _attachments(harness)
    assert att.kind == "photo"
    # The wait is used up: the next photo needs a task again.
    before = await counts(harness)
    harness.api.user_uploads_photo(an, None, b"\x89PNG other")
    hint = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert hint.text is not None and "tài liệu kiểm chứng cho nhiệm vụ nào" in hint.text
    assert await counts(harness) == before


async def test_document_replying_to_the_task_card(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    task3 = commune.task_ids[3]
    listing = await say(harness, an, "/nhiemvu")
    await press(harness, an, listing, cb.task_menu(task3))
    card = await fresh(harness, an.id)
    stored = harness.api.state.store_file(PDF, kind="documents", file_name="kh.pdf", mime_type=None)
    message = harness.api._user_message(an, harness.api.private_chat(an), card, document=stored)
    harness.api.enqueue_update("message", message.to_api())
    echo = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert echo.text is not None and "Minh chứng: 1 tệp" in echo.text
    await press(harness, an, echo, echo.button_data()[0])
    (row,) = await updates_of(harness, task3)
    assert row.channel.value == "reply"
    (att,) = await _attachments(harness)
    assert att.file_name == "kh.pdf"


async def test_files_refused_for_other_roles_and_strangers(
    harness: BotHarness, commune: Commune
) -> None:
    before = await counts(harness)
    for who, expected in ((VIEWER_TG, "không dành cho vai trò"), (9999, "chưa được đăng ký")):
        person = user(harness, who)
        harness.api.user_uploads_document(person, None, "x.pdf", PDF, caption="/capnhat 3 80")
        msg = await harness.api.wait_for_bot_message(person.id)
        await harness.idle()
        assert msg.text is not None and expected in msg.text
    an = user(harness, OFFICER_TP_TG)
    harness.api.user_uploads_document(an, None, "x.pdf", PDF, caption="/capnhat 7 80")
    msg = await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert msg.text is not None and "không thuộc bộ phận" in msg.text
    assert await counts(harness) == before
    assert await _attachments(harness) == []
