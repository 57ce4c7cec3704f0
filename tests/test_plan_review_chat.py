"""A prose plan uploaded in chat (issue 12 §1): the extracted list page by page, edits, confirm.

Seed 001 (Hướng Hóa 2021) as a .docx goes through /nhapkehoach; the keeper
drops one item, merges another into the one before, sets a third item's
unit, pages through, and confirms. Nothing is stored before the confirmation;
after it, the edited list is what the plan holds.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from core import callbacks as cb
from plans.importing.edits import DROP, MERGE, UNIT, Edit, apply_edits, edit_state
from sandbox.harness import BotHarness
from storage.models import Plan, Task
from tests import prose_builders as pb
from tests.factories import ADMIN_TG, Commune


async def plan_tasks(harness: BotHarness, org_id: int, number: str) -> list[Task]:
    async with harness.database.read() as session:
        plan = await session.scalar(
            select(Plan).where(Plan.organization_id == org_id, Plan.number == number)
        )
        if plan is None:
            return []
        return list(
            await session.scalars(
                select(Task)
                .where(Task.plan_id == plan.id, Task.removed_at.is_(None))
                .order_by(Task.number)
            )
        )


def press_data(message, prefix: str, label: str) -> str:  # type: ignore[no-untyped-def]
    for row in message.reply_markup["inline_keyboard"]:
        for button in row:
            if button["text"] == label and button["callback_data"].startswith(prefix):
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r} in {message.button_data()}")


async def press_then_reread(harness: BotHarness, user, message, data: str):  # type: ignore[no-untyped-def]
    update = harness.api.user_presses_button(user, message, data)
    await harness.api.wait_for_callback_answer(update)
    await harness.idle()
    return harness.api.state.get_message(user.id, message.message_id)


async def test_review_edit_and_confirm_a_prose_plan(harness: BotHarness, commune: Commune) -> None:
    data = await asyncio.to_thread(pb.docx_from_markdown, pb.HUONG_HOA.read_text(encoding="utf-8"))
    u = harness.api.add_user("Lan", user_id=ADMIN_TG)
    harness.api.user_sends_text(u, None, "/nhapkehoach")
    await harness.api.wait_for_bot_message(u.id)
    await harness.idle()
    harness.api.user_uploads_document(u, None, "ke-hoach-huong-hoa.docx", data)
    page = await harness.api.wait_for_bot_message(
        u.id, lambda m: any(d.startswith(cb.IMPORT_EDIT) for d in m.button_data())
    )
    await harness.idle()
    assert "29 nhiệm vụ (trang 1/6)" in page.text
    assert "1. [1] Hoàn thành 100% các nhiệm vụ" in page.text
    assert "Chủ trì: Phòng Nội vụ" in page.text
    assert await plan_tasks(harness, commune.org_id, "322/KH-UBND") == []

    page = await press_then_reread(harness, u, page, press_data(page, cb.IMPORT_EDIT, "🗑 1"))
    assert "28 nhiệm vụ" in page.text and "đã bỏ" in page.text
    page = await press_then_reread(harness, u, page, press_data(page, cb.IMPORT_EDIT, "⤴ 3"))
    assert "gộp vào mục 2" in page.text and "27 nhiệm vụ" in page.text
    # Undo then redo the drop: a second press undoes.
    page = await press_then_reread(harness, u, page, press_data(page, cb.IMPORT_EDIT, "🗑 1"))
    assert "28 nhiệm vụ" in page.text
    page = await press_then_reread(harness, u, page, press_data(page, cb.IMPORT_EDIT, "🗑 1"))
    ask = await press_then_reread(harness, u, page, press_data(page, cb.IMPORT_EDIT, "✎ 4"))
    assert "Chọn bộ phận chủ trì cho mục 4" in ask.text
    page = await press_then_reread(
        harness, u, ask, press_data(ask, cb.IMPORT_EDIT, "Tư pháp - Hộ tịch")
    )
    assert "đã sửa bộ phận" in page.text
    page = await press_then_reread(harness, u, page, press_data(page, cb.IMPORT_PAGE, "▶"))
    assert "(trang 2/6)" in page.text and "\n6. [2]" in page.text
    assert await plan_tasks(harness, commune.org_id, "322/KH-UBND") == []  # still nothing

    step = await press_then_reread(
        harness, u, page, press_data(page, cb.IMPORT_REVIEWED, "Tiếp tục ▶▶")
    )
    confirm = next(d for d in step.button_data() if d.startswith(cb.IMPORT_CONFIRM))
    harness.api.user_presses_button(u, step, confirm)
    await harness.api.wait_for_bot_message(u.id, lambda m: "Đã nhập kế hoạch" in (m.text or ""))
    await harness.idle()
    tasks = await plan_tasks(harness, commune.org_id, "322/KH-UBND")
    assert len(tasks) == 27
    assert tasks[0].content.startswith("Tất cả các báo cáo CCHC")
    assert "\nTuyên truyền sâu rộng công tác CCHC" in tasks[0].content  # item 3 merged into 2
    assert tasks[1].content.startswith("Nghiên cứu, đề xuất")
    assert tasks[1].lead_units_text == "Tư pháp - Hộ tịch"
    assert tasks[1].source_text.startswith("d) Nghiên cứu")
    assert all(t.lead_units_text for t in tasks)


def test_edit_state_and_apply_are_replayable():
    plan = _small_plan()
    edits = [Edit(DROP, 0), Edit(MERGE, 2), Edit(UNIT, 3, "Công an xã"), Edit(MERGE, 0)]
    state = edit_state(4, edits)
    assert state.dropped == {0} and state.merged_into == {2: 1} and state.units == {3: "Công an xã"}
    edited = apply_edits(plan, edits)
    contents = [t.content for t in edited.all_tasks()]
    assert contents == ["b\nc", "d"]
    assert edited.all_tasks()[1].lead_units == ["Công an xã"]
    assert [t.content for t in plan.all_tasks()] == ["a", "b", "c", "d"]  # untouched
    # Merging into a dropped task goes to the nearest kept one before it.
    assert edit_state(4, [Edit(DROP, 1), Edit(MERGE, 2)]).merged_into == {2: 0}
    assert Edit.from_json({"op": "merge", "index": 2}) == Edit(MERGE, 2)
    assert Edit.from_json({"position": 0, "unit_id": 3}) is None  # a mapping step


def _small_plan():
    from plans.deadlines import Deadline, DeadlineKind
    from plans.importing.model import ImportedField, ImportedPlan, ImportedTask, PlanMeta

    def task(text: str) -> ImportedTask:
        return ImportedTask(
            "1", None, text, None, ["Tư pháp"], [], None, None,
            Deadline("", DeadlineKind.UNKNOWN), None, None, None, None, None, None, "đoạn 1",
            source_text=text,
        )  # fmt: skip

    return ImportedPlan(
        PlanMeta(year=2024), [ImportedField("1", 1, "X", [task(c) for c in "abcd"])]
    )
