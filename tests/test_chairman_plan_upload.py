"""Plan upload by chat: file → preview → map unit names → import only on "Xác nhận"."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.harness import BotHarness
from handlers import callbacks as cb
from storage.models import Plan, Role, UnitAlias
from storage.tasks import load_task_views
from tests.conftest import FIXTURES
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, Commune, seed_commune

FIXTURE = "ke-hoach-cchc-vinh-khe-2024.docx"


@pytest.fixture
async def commune(harness: BotHarness) -> Commune:
    return await seed_commune(harness.database)


async def fixture_bytes() -> bytes:
    return await asyncio.to_thread((FIXTURES / FIXTURE).read_bytes)


async def task_count(harness: BotHarness, org_id: int) -> int:
    async with harness.database.read() as session:
        return len(await load_task_views(session, org_id))


async def upload(harness: BotHarness, tg: int):  # type: ignore[no-untyped-def]
    """/nhapkehoach then the fixture; returns the user and the mapping message."""
    u = harness.api.add_user("Lan", user_id=tg)
    harness.api.user_sends_text(u, None, "/nhapkehoach")
    ask = await harness.api.wait_for_bot_message(u.id)
    assert "Vui lòng gửi tệp kế hoạch CCHC" in ask.text
    await harness.idle()
    harness.api.user_uploads_document(u, None, FIXTURE, await fixture_bytes())
    step = await harness.api.wait_for_bot_message(
        u.id, lambda m: any(d.startswith(cb.IMPORT_CONFIRM) for d in m.button_data())
    )
    await harness.idle()
    return u, step


async def test_upload_map_units_and_confirm(harness: BotHarness, commune: Commune) -> None:
    assert await task_count(harness, commune.org_id) == 8
    u, step = await upload(harness, ADMIN_TG)
    preview = "\n".join(m.text or "" for m in harness.api.bot_messages(u.id))
    assert "Xem trước kế hoạch số 10/KH-UBND: 8 lĩnh vực, 28 nhiệm vụ." in preview
    assert "cập nhật tại chỗ" in preview
    # Four names to confirm; each is mapped to the suggested unit (first button, ticked).
    names = ["Văn hoá", "Tư pháp", "Tài chính", "Văn hóa"]
    expected_units = ["vh", "tp", "tc", "vh"]
    for index, (name, code) in enumerate(zip(names, expected_units, strict=True)):
        assert f"Tên bộ phận {index + 1}/4: «{name}»" in step.text
        data = cb.build(
            cb.IMPORT_MAP, int(step.button_data()[0].split(":")[1]), index, commune.unit_ids[code]
        )
        assert step.button_data()[0] == data
        update = harness.api.user_presses_button(u, step, data)
        await harness.api.wait_for_callback_answer(update)
        await harness.idle()
        step = harness.api.state.get_message(u.id, step.message_id)
    assert "Đã ghép xong tên bộ phận" in step.text
    assert "• «Tư pháp» → Tư pháp - Hộ tịch" in step.text
    assert await task_count(harness, commune.org_id) == 8  # nothing written yet
    confirm = next(d for d in step.button_data() if d.startswith(cb.IMPORT_CONFIRM))
    harness.api.user_presses_button(u, step, confirm)
    await harness.api.wait_for_bot_message(u.id, lambda m: "28" in (m.text or ""))
    await harness.idle()
    texts = "\n".join(m.text or "" for m in harness.api.bot_messages(u.id))
    assert "✅ Đã nhập kế hoạch từ tệp «ke-hoach-cchc-vinh-khe-2024.docx»." in texts
    assert await task_count(harness, commune.org_id) == 28
    async with harness.database.read() as session:
        plans = list(
            await session.scalars(select(Plan).where(Plan.organization_id == commune.org_id))
        )
        aliases = {
            a.alias: a.unit_id
            for a in await session.scalars(
                select(UnitAlias).where(UnitAlias.organization_id == commune.org_id)
            )
        }
    assert len(plans) == 1  # re-import in place, not a second plan
    assert aliases["Tư pháp"] == commune.unit_ids["tp"]
    assert harness.api.state.get_message(u.id, step.message_id).button_data() == []


async def test_cancel_imports_nothing(harness: BotHarness, commune: Commune) -> None:
    u, step = await upload(harness, ADMIN_TG)
    cancel = next(d for d in step.button_data() if d.startswith(cb.IMPORT_CANCEL))
    update = harness.api.user_presses_button(u, step, cancel)
    await harness.api.wait_for_callback_answer(update)
    await harness.idle()
    step = harness.api.state.get_message(u.id, step.message_id)
    assert step.text == "Đã hủy, không nhập gì từ tệp «ke-hoach-cchc-vinh-khe-2024.docx»."
    assert await task_count(harness, commune.org_id) == 8


async def test_others_cannot_upload_or_press(harness: BotHarness, commune: Commune) -> None:
    for tg in (OFFICER_TP_TG, CHAIRMAN_TG):
        officer = harness.api.add_user("X", user_id=tg)
        harness.api.user_sends_text(officer, None, "/nhapkehoach")
        msg = await harness.api.wait_for_bot_message(officer.id)
        assert "không dành cho vai trò" in msg.text
        await harness.idle()
        harness.api.user_uploads_document(officer, None, FIXTURE, await fixture_bytes())
        await harness.idle()
    _, step = await upload(harness, ADMIN_TG)
    chairman = harness.api.add_user("H", user_id=CHAIRMAN_TG)
    confirm = next(d for d in step.button_data() if d.startswith(cb.IMPORT_CONFIRM))
    update = harness.api.user_presses_button(chairman, step, confirm)
    answer = await harness.api.wait_for_callback_answer(update)
    assert "không dành cho vai trò" in answer.text
    await harness.idle()
    assert await task_count(harness, commune.org_id) == 8


async def test_bad_file_is_refused_and_waits_again(harness: BotHarness, commune: Commune) -> None:
    u = harness.api.add_user("Lan", user_id=ADMIN_TG)
    harness.api.user_sends_text(u, None, "/nhapkehoach")
    await harness.api.wait_for_bot_message(u.id)
    await harness.idle()
    harness.api.user_uploads_document(u, None, "anh.pdf", b"%PDF-1.4 nothing")
    msg = await harness.api.wait_for_bot_message(u.id)
    assert "không phải .docx, .xlsx hoặc .csv" in msg.text
    await harness.idle()
    harness.api.user_uploads_document(u, None, "hong.docx", b"not a zip at all")
    msg = await harness.api.wait_for_bot_message(u.id, lambda m: "Không đọc được" in (m.text or ""))
    await harness.idle()
    harness.api.user_sends_text(u, None, "/huy")
    msg = await harness.api.wait_for_bot_message(u.id)
    assert msg.text == "Đã thôi nhập kế hoạch."
    await harness.idle()
    assert await task_count(harness, commune.org_id) == 8


async def test_new_plan_with_new_units_created(harness: BotHarness, commune: Commune) -> None:
    from storage.directory import add_person, list_units

    async with harness.database.write() as session:
        await add_person(
            session, commune.other_org_id, "Đỗ Thị Mai", Role.ADMIN, telegram_user_id=2007
        )
    u, step = await upload(harness, 2007)
    upload_id = int(step.button_data()[-1].split(":")[1])
    index = 0
    while any(d.startswith(cb.IMPORT_MAP) for d in step.button_data()):
        suggested = "có phải là" in step.text
        data = step.button_data()[0] if suggested else cb.build(cb.IMPORT_MAP, upload_id, index, 0)
        assert data in step.button_data()
        update = harness.api.user_presses_button(u, step, data)
        await harness.api.wait_for_callback_answer(update)
        await harness.idle()
        step = harness.api.state.get_message(u.id, step.message_id)
        index += 1
    assert "• «Văn phòng» → bộ phận mới" in step.text
    assert "• «Tư pháp» → Tư pháp - Hộ tịch" in step.text
    harness.api.user_presses_button(u, step, cb.build(cb.IMPORT_CONFIRM, upload_id))
    await harness.api.wait_for_bot_message(u.id, lambda m: "Đã nhập kế hoạch" in (m.text or ""))
    await harness.idle()
    assert await task_count(harness, commune.other_org_id) == 28
    assert await task_count(harness, commune.org_id) == 8  # the neighbour's plan untouched
    async with harness.database.read() as session:
        names = {unit.name for unit in await list_units(session, commune.other_org_id)}
    assert {"Văn phòng", "Tài chính", "Tư pháp - Hộ tịch"} <= names
