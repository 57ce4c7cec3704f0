"""/giahan: request, approval and refusal by button, both audited; bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core import callbacks as cb
from sandbox.harness import BotHarness
from storage.models import Extension, ExtensionStatus, Task
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    VIEWER_TG,
    Commune,
)
from tests.officers_support import audit_actions, counts, fresh, last, press, say, user


async def _task(harness: BotHarness, task_id: int) -> Task:
    async with harness.database.read() as session:
        task = await session.get(Task, task_id)
        assert task is not None
        return task


async def test_extension_approved_by_the_chairman(harness: BotHarness, commune: Commune) -> None:
    an = user(harness, OFFICER_TP_TG)
    chair = user(harness, CHAIRMAN_TG)
    lan = user(harness, ADMIN_TG)
    msg = await say(harness, an, "/giahan 3 thứ sáu tuần sau chờ hướng dẫn của huyện")
    assert msg.text is not None and "14/06/2024" in msg.text
    notice = await fresh(harness, chair.id)
    assert notice.text is not None and "chờ hướng dẫn của huyện" in notice.text
    assert "10/06/2024 → đề nghị: 14/06/2024" in notice.text
    # The plan keeper is informed, without buttons: only the chairman decides.
    informed = last(harness, lan.id)
    assert informed.text.startswith(notice.text)
    assert "Chủ tịch UBND xem xét, quyết định" in informed.text
    assert informed.button_data() == []
    approve, refuse = notice.button_data()
    # An officer cannot decide (forged press).
    binh = user(harness, OFFICER_TC_TG)
    denied = await press(harness, binh, notice, approve)
    assert denied.show_alert
    answer = await press(harness, chair, notice, approve)
    assert answer.text == "Đã đồng ý gia hạn."
    task = await _task(harness, commune.task_ids[3])
    assert (task.due_date, task.extended_due_date) == (date(2024, 6, 10), date(2024, 6, 14))
    told = await fresh(harness, an.id)
    assert told.text is not None and "14/06/2024" in told.text and "đồng ý" in told.text
    # The plan keeper hears the decision.
    decided = last(harness, lan.id)
    assert "Đồng chí Lê Văn Hùng đã đồng ý gia hạn nhiệm vụ số 3 đến 14/06/2024" in decided.text
    # The chairman's message now says who decided, with no buttons left.
    assert last(harness, chair.id).button_data() == []
    assert refuse.startswith(cb.EXT_REFUSE)
    assert "extension.request" in await audit_actions(harness)
    assert "extension.approve" in await audit_actions(harness)
    listing = await say(harness, an, "/nhiemvu")
    assert (
        listing.text is not None
        and "hạn 14/06/2024 (đã gia hạn, hạn gốc 10/06/2024)" in listing.text
    )


async def test_only_the_chairman_decides_the_keeper_is_informed(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    lan = user(harness, ADMIN_TG)
    chair = user(harness, CHAIRMAN_TG)
    await say(harness, an, "/giahan 4 15/7")
    notice = await fresh(harness, chair.id)
    ext_id = cb.parse(notice.button_data()[0]).args[0]  # type: ignore[union-attr]
    # The plan keeper may not decide, even by a forged press.
    denied = await press(harness, lan, notice, cb.build(cb.EXT_REFUSE, ext_id))
    assert denied.show_alert
    async with harness.database.read() as session:
        (ext,) = await session.scalars(select(Extension))
    assert ext.status is ExtensionStatus.PENDING
    await press(harness, chair, notice, cb.build(cb.EXT_REFUSE, ext_id))
    task = await _task(harness, commune.task_ids[4])
    assert task.extended_due_date is None
    async with harness.database.read() as session:
        (ext,) = await session.scalars(select(Extension))
    assert ext.status is ExtensionStatus.REFUSED and ext.decided_by == commune.people["chairman"]
    told = await fresh(harness, an.id)
    assert told.text is not None and "không được đồng ý" in told.text
    assert "không đồng ý gia hạn nhiệm vụ số 4" in last(harness, lan.id).text
    assert "extension.refuse" in await audit_actions(harness)


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        (OFFICER_TP_TG, "/giahan", "Cách dùng"),
        (OFFICER_TP_TG, "/giahan 3", "Cách dùng"),
        (OFFICER_TP_TG, "/giahan 3 hôm qua", "đã qua"),
        (OFFICER_TP_TG, "/giahan 3 ngày nào đó", "chưa đọc được ngày"),
        (OFFICER_TP_TG, "/giahan 3 5/6", "phải sau thời hạn hiện tại"),
        (OFFICER_TP_TG, "/giahan 7 30/9/2025", "không thuộc bộ phận"),
        (OFFICER_TP_TG, "/giahan 42 30/6", "Không có nhiệm vụ số 42"),
        (VIEWER_TG, "/giahan 3 30/6", "không dành cho vai trò"),
        (CHAIRMAN_TG, "/giahan 3 30/6", "không dành cho vai trò"),
    ],
)
async def test_bad_extension_requests_change_nothing(
    harness: BotHarness, commune: Commune, who: int, text: str, expected: str
) -> None:
    before = await counts(harness)
    msg = await say(harness, user(harness, who), text)
    assert msg.text is not None and expected in msg.text, msg.text
    assert await counts(harness) == before
