"""Plan upload by chat: file → preview → map unit names → import only on "Xác nhận"."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from core import callbacks as cb
from handlers.plan_upload import UPLOADS_KEY
from sandbox.devserver import FakeBotApi
from sandbox.harness import BotHarness
from storage.models import Plan, Role, StoredDraft, UnitAlias
from storage.tasks import load_task_views
from tests.conftest import FIXTURES
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, Commune, seed_commune

FIXTURE = "ke-hoach-cchc-vinh-khe-2024.docx"


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
        assert f"Tên bộ phận {index + 1}/4: “{name}”" in step.text
        data = cb.build(
            cb.IMPORT_MAP, int(step.button_data()[0].split(":")[1]), index, commune.unit_ids[code]
        )
        assert step.button_data()[0] == data
        update = harness.api.user_presses_button(u, step, data)
        await harness.api.wait_for_callback_answer(update)
        await harness.idle()
        step = harness.api.state.get_message(u.id, step.message_id)
    assert "Đã ghép xong tên bộ phận" in step.text
    assert "• “Tư pháp” → Tư pháp - Hộ tịch" in step.text
    assert await task_count(harness, commune.org_id) == 8  # nothing written yet
    confirm = next(d for d in step.button_data() if d.startswith(cb.IMPORT_CONFIRM))
    harness.api.user_presses_button(u, step, confirm)
    await harness.api.wait_for_bot_message(u.id, lambda m: "28" in (m.text or ""))
    await harness.idle()
    texts = "\n".join(m.text or "" for m in harness.api.bot_messages(u.id))
    assert "✅ Đã nhập kế hoạch từ tệp “ke-hoach-cchc-vinh-khe-2024.docx”." in texts
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
    assert step.text == "Đã hủy, không nhập gì từ tệp “ke-hoach-cchc-vinh-khe-2024.docx”."
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
    harness.api.user_uploads_document(u, None, "anh.jpg", b"\xff\xd8\xff\xe0 not a plan")
    msg = await harness.api.wait_for_bot_message(u.id)
    assert "không phải .docx, .pdf, .xlsx hoặc .csv" in msg.text
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
    assert "• “Văn phòng” → bộ phận mới" in step.text
    assert "• “Tư pháp” → Tư pháp - Hộ tịch" in step.text
    harness.api.user_presses_button(u, step, cb.build(cb.IMPORT_CONFIRM, upload_id))
    await harness.api.wait_for_bot_message(u.id, lambda m: "Đã nhập kế hoạch" in (m.text or ""))
    await harness.idle()
    assert await task_count(harness, commune.other_org_id) == 28
    assert await task_count(harness, commune.org_id) == 8  # the neighbour's plan untouched
    async with harness.database.read() as session:
        names = {unit.name for unit in await list_units(session, commune.other_org_id)}
    assert {"Văn phòng", "Tài chính", "Tư pháp - Hộ tịch"} <= names


# --------------------------------------------------------------------------- restarts


async def press_and_reread(harness: BotHarness, user, message, data: str):  # type: ignore[no-untyped-def]
    """Press a button under ``message``; return the callback answer and the edited message."""
    update = harness.api.user_presses_button(user, message, data)
    answer = await harness.api.wait_for_callback_answer(update)
    await harness.idle()
    return answer, harness.api.state.get_message(message.chat_id, message.message_id)


async def forge(harness: BotHarness, user, message, data: str):  # type: ignore[no-untyped-def]
    """A callback query with any data under ``message`` (a replayed or crafted press)."""
    api = harness.api
    query_id = api.state.next_query_id()
    query = {
        "id": query_id,
        "from": user.to_api(),
        "message": api.state.get_message(message.chat_id, message.message_id).to_api(),
        "chat_instance": "1",
        "data": data,
    }
    api.state.open_callback_queries[query_id] = query
    update = api.enqueue_update("callback_query", query)
    answer = await api.wait_for_callback_answer(update)
    await harness.idle()
    return answer


def get_file_calls(api: FakeBotApi) -> int:
    return sum(1 for method, _ in api.state.calls if method.lower() == "getfile")


async def aliases_of(harness: BotHarness, org_id: int) -> dict[str, int]:
    async with harness.database.read() as session:
        rows = await session.scalars(select(UnitAlias).where(UnitAlias.organization_id == org_id))
        return {a.alias: a.unit_id for a in rows}


async def test_restart_mid_mapping_keeps_choices_and_imports(sqlite_database_url: str) -> None:
    api = FakeBotApi()
    await api.start()
    try:
        first = BotHarness(sqlite_database_url, api=api)
        await first.start()
        try:
            commune = await seed_once(first.database, seed_commune)
            u, step = await upload(first, ADMIN_TG)
            upload_id = cb.parse(step.button_data()[-1]).args[0]  # type: ignore[union-attr]
            # Two choices before the restart; the second deliberately not the suggestion,
            # so the import can show it was applied.
            _, step = await press_and_reread(
                first, u, step, cb.build(cb.IMPORT_MAP, upload_id, 0, commune.unit_ids["vh"])
            )
            _, step = await press_and_reread(
                first, u, step, cb.build(cb.IMPORT_MAP, upload_id, 1, commune.unit_ids["tc"])
            )
            assert "Tên bộ phận 3/4: “Tài chính”" in step.text
        finally:
            await first.stop()
        second = BotHarness(sqlite_database_url, api=api)
        await second.start()
        try:
            assert UPLOADS_KEY not in second.application.bot_data  # nothing in memory
            before = get_file_calls(api)
            # The old message, its current buttons: the third name, then "Xác nhận".
            old = api.state.get_message(u.id, step.message_id)
            assert old is not None
            third = cb.build(cb.IMPORT_MAP, upload_id, 2, commune.unit_ids["tc"])
            assert old.button_data()[0] == third
            _, step = await press_and_reread(second, u, old, third)
            assert get_file_calls(api) == before + 1  # the file was read again by its id
            assert "Tên bộ phận 4/4: “Văn hóa”" in step.text
            assert "có phải là “Văn hóa - Xã hội”" in step.text  # the preview is back
            assert await task_count(second, commune.org_id) == 8
            confirm = cb.build(cb.IMPORT_CONFIRM, upload_id)
            assert confirm in step.button_data()
            second.api.user_presses_button(u, step, confirm)
            await api.wait_for_bot_message(u.id, lambda m: "28 nhiệm vụ" in (m.text or ""))
            await second.idle()
            assert await task_count(second, commune.org_id) == 28
            done = api.state.get_message(u.id, step.message_id)
            assert done.text == "✅ Đã nhập kế hoạch từ tệp “ke-hoach-cchc-vinh-khe-2024.docx”."
            aliases = await aliases_of(second, commune.org_id)
            assert aliases["Tư pháp"] == commune.unit_ids["tc"]  # the choice made before
            assert aliases["Tài chính"] == commune.unit_ids["tc"]
            assert api.state.get_message(u.id, step.message_id).button_data() == []
            # Pressed again (a stale copy of the keyboard): nothing more happens.
            answer = await forge(second, u, step, confirm)
            assert "không còn hiệu lực" in answer.text
            assert await task_count(second, commune.org_id) == 28
        finally:
            await second.stop()
    finally:
        await api.stop()


async def test_cancel_after_restart_imports_nothing(sqlite_database_url: str) -> None:
    api = FakeBotApi()
    await api.start()
    try:
        first = BotHarness(sqlite_database_url, api=api)
        await first.start()
        try:
            commune = await seed_once(first.database, seed_commune)
            u, step = await upload(first, ADMIN_TG)
            upload_id = cb.parse(step.button_data()[-1]).args[0]  # type: ignore[union-attr]
            _, step = await press_and_reread(
                first, u, step, cb.build(cb.IMPORT_MAP, upload_id, 0, commune.unit_ids["vh"])
            )
        finally:
            await first.stop()
        second = BotHarness(sqlite_database_url, api=api)
        await second.start()
        try:
            cancel = cb.build(cb.IMPORT_CANCEL, upload_id)
            _, step = await press_and_reread(second, u, step, cancel)
            assert step.text == "Đã hủy, không nhập gì từ tệp “ke-hoach-cchc-vinh-khe-2024.docx”."
            assert await task_count(second, commune.org_id) == 8
            assert "Tư pháp" not in await aliases_of(second, commune.org_id)
            answer = await forge(second, u, step, cb.build(cb.IMPORT_CONFIRM, upload_id))
            assert "không còn hiệu lực" in answer.text
            assert await task_count(second, commune.org_id) == 8
            async with second.database.read() as session:
                outcomes = list(
                    await session.scalars(
                        select(StoredDraft.outcome).where(StoredDraft.id == upload_id)
                    )
                )
            assert outcomes == ["cancelled"]
        finally:
            await second.stop()
    finally:
        await api.stop()


async def test_newer_upload_supersedes_the_older(harness: BotHarness, commune: Commune) -> None:
    u, old = await upload(harness, ADMIN_TG)
    old_id = cb.parse(old.button_data()[-1]).args[0]  # type: ignore[union-attr]
    _, new = await upload(harness, ADMIN_TG)
    new_id = cb.parse(new.button_data()[-1]).args[0]  # type: ignore[union-attr]
    assert new_id != old_id
    answer, _ = await press_and_reread(harness, u, old, cb.build(cb.IMPORT_CONFIRM, old_id))
    assert "không còn hiệu lực" in answer.text
    assert await task_count(harness, commune.org_id) == 8
    harness.api.user_presses_button(u, new, cb.build(cb.IMPORT_CONFIRM, new_id))
    await harness.api.wait_for_bot_message(u.id, lambda m: "28 nhiệm vụ" in (m.text or ""))
    await harness.idle()
    assert await task_count(harness, commune.org_id) == 28


async def test_forged_press_on_another_keepers_draft(harness: BotHarness, commune: Commune) -> None:
    from storage.directory import add_person

    async with harness.database.write() as session:
        await add_person(
            session, commune.other_org_id, "Đỗ Thị Mai", Role.ADMIN, telegram_user_id=2007
        )
    u, step = await upload(harness, ADMIN_TG)
    upload_id = cb.parse(step.button_data()[-1]).args[0]  # type: ignore[union-attr]
    mai = harness.api.add_user("Mai", user_id=2007)
    forged = [
        cb.build(cb.IMPORT_MAP, upload_id, 0, commune.unit_ids["vh"]),
        cb.build(cb.IMPORT_CONFIRM, upload_id),
        cb.build(cb.IMPORT_CANCEL, upload_id),
    ]
    for data in forged:
        answer = await forge(harness, mai, step, data)
        assert answer.text == "Anh/chị không có quyền xem nội dung này."
    assert await task_count(harness, commune.org_id) == 8
    # Nothing changed for the owner: still at the first name, and the draft still works.
    current = harness.api.state.get_message(u.id, step.message_id)
    assert "Tên bộ phận 1/4" in current.text
    _, current = await press_and_reread(
        harness, u, current, cb.build(cb.IMPORT_MAP, upload_id, 0, commune.unit_ids["vh"])
    )
    assert "Tên bộ phận 2/4" in current.text
    # A forged id of something that is not a plan upload (a reading's draft) is refused as stale.
    from storage.directory import person_by_telegram_id
    from storage.drafts import save_draft

    async with harness.database.write() as session:
        keeper = await person_by_telegram_id(session, ADMIN_TG)
        assert keeper is not None
        reading = await save_draft(
            session,
            person_id=keeper.id,
            organization_id=commune.org_id,
            task_id=commune.task_ids[1],
            candidates=(commune.task_ids[1],),
            data={"percent": 60},
            now=harness.clock.now(),
        )
    answer = await forge(harness, u, current, cb.build(cb.IMPORT_CONFIRM, reading.id))
    assert "không còn hiệu lực" in answer.text


async def test_file_gone_after_restart_changes_nothing(sqlite_database_url: str) -> None:
    api = FakeBotApi()
    await api.start()
    try:
        first = BotHarness(sqlite_database_url, api=api)
        await first.start()
        try:
            commune = await seed_once(first.database, seed_commune)
            u, step = await upload(first, ADMIN_TG)
            upload_id = cb.parse(step.button_data()[-1]).args[0]  # type: ignore[union-attr]
        finally:
            await first.stop()
        second = BotHarness(sqlite_database_url, api=api)
        await second.start()
        try:
            file_id = next(iter(api.state.files))
            stored = api.state.files.pop(file_id)  # Telegram no longer serves the file
            confirm = cb.build(cb.IMPORT_CONFIRM, upload_id)
            answer, step = await press_and_reread(second, u, step, confirm)
            assert "Không đọc lại được tệp “ke-hoach-cchc-vinh-khe-2024.docx”" in answer.text
            assert len(answer.text) <= 200
            assert await task_count(second, commune.org_id) == 8
            assert confirm in step.button_data()  # still pending: the keeper can retry
            api.state.files[file_id] = stored
            second.api.user_presses_button(u, step, confirm)
            await api.wait_for_bot_message(u.id, lambda m: "28 nhiệm vụ" in (m.text or ""))
            await second.idle()
            assert await task_count(second, commune.org_id) == 28
        finally:
            await second.stop()
    finally:
        await api.stop()


# --------------------------------------------------------------------------- figures "as of"


async def test_a_progress_table_asks_as_of_which_day(harness: BotHarness, commune: Commune) -> None:
    """Issue 11, defect 8: imported figures are dated as the clerk says, not at the upload."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from storage.models import ProgressUpdate
    from tests.scheduler_support import at
    from tests.seed002 import seed002_xlsx

    harness.set_time(at("2023-06-20 09:00"))  # six days after the 6-month window closed
    u = harness.api.add_user("Lan", user_id=ADMIN_TG)
    harness.api.user_sends_text(u, None, "/nhapkehoach")
    await harness.api.wait_for_bot_message(u.id)
    await harness.idle()
    harness.api.user_uploads_document(u, None, "tien-do-6-thang-2023.xlsx", seed002_xlsx())
    step = await harness.api.wait_for_bot_message(
        u.id, lambda m: any(d.startswith(cb.IMPORT_CONFIRM) for d in m.button_data())
    )
    await harness.idle()
    upload_id = int(step.button_data()[-1].split(":")[1])
    index = 0
    while any(d.startswith(cb.IMPORT_MAP) for d in step.button_data()):
        data = cb.build(cb.IMPORT_MAP, upload_id, index, 0)  # a new unit for each name
        _, step = await press_and_reread(harness, u, step, data)
        index += 1
    before = await task_count(harness, commune.org_id)
    _, step = await press_and_reread(harness, u, step, cb.build(cb.IMPORT_CONFIRM, upload_id))
    assert "Số liệu trong tệp tính đến ngày nào?" in step.text
    assert await task_count(harness, commune.org_id) == before  # nothing written yet
    period_end = cb.build(cb.IMPORT_CONFIRM, upload_id, 20230614)
    today = cb.build(cb.IMPORT_CONFIRM, upload_id, 20230620)
    assert step.button_data()[:2] == [period_end, today]
    labels = {b["callback_data"]: b["text"] for row in step.inline_keyboard for b in row}
    assert labels[period_end].startswith("Đến 14/06/2023")
    assert labels[today] == "Đến hôm nay, 20/06/2023"

    # A forged day that does not exist changes nothing.
    answer = await forge(harness, u, step, cb.build(cb.IMPORT_CONFIRM, upload_id, 20231332))
    assert answer is not None
    assert await task_count(harness, commune.org_id) == before

    _, step = await press_and_reread(harness, u, step, period_end)
    done = await harness.api.wait_for_bot_message(
        u.id, lambda m: "tính đến ngày 14/06/2023" in (m.text or "")
    )
    assert "6 tháng" in done.text
    # The new units have nobody in them yet: the keeper is told those tasks reach no one.
    import re

    assert re.search(r"Chưa giao: \d+ nhiệm vụ .* \(số \d", done.text), done.text
    assert "/nhapcanbo" in done.text
    async with harness.database.read() as session:
        days = {
            row.created_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
            for row in await session.scalars(select(ProgressUpdate))
            if row.channel.value == "import"
        }
    assert days == {date(2023, 6, 14)}
