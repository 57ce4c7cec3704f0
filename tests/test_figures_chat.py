"""Issue 11 through the fake Bot API: defect 1 (rule side) and defect 12 ("chưa giao")."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document

from sandbox.harness import BotHarness
from storage.directory import person_by_telegram_id
from storage.models import UpdateChannel
from storage.progress import record_progress
from tests.factories import CHAIRMAN_TG, OFFICER_TP_TG, Commune
from tests.officers_support import ask


async def test_a_done_word_never_raises_a_stated_percent(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Defect 1: "đã xong 80%, đã ban hành kế hoạch" is 80 % in /tongquan and the appendix."""
    async with harness.database.write() as session:
        officer = await person_by_telegram_id(session, OFFICER_TP_TG)
        await record_progress(
            session,
            task_id=progress_commune.task_ids[3],
            person=officer,
            channel=UpdateChannel.REPLY,
            at=datetime.fromisoformat("2024-06-01T09:00:00+07:00"),
            percent=80,
            status_text="Đã ban hành",
            note="đã xong 80%, đã ban hành kế hoạch",
        )
    _, msg = await ask(harness, CHAIRMAN_TG, "/tongquan")
    assert "Hoàn thành: 1/8 nhiệm vụ" in msg.text  # task 3 is not counted as done
    # the field average moves by 80 %, not 100 %: II = tasks 3 (80 %) and 4 (blank)
    assert "• II. Cải cách thể chế: 0/2 · 80%" in msg.text
    u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(u, None, "/baocao")
    await harness.api.wait_for_bot_message(u.id, lambda m: (m.text or "").startswith("✅"))
    await harness.idle()
    docx = harness.api.sent_documents(u.id)[0]
    rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(docx.content)).tables[0].rows]
    (row,) = [r for r in rows if r[0] == "3"]
    assert row[7] == "80%"
    assert row[5].startswith("Đã ban hành")


async def test_tasks_that_reach_no_one_show_as_not_assigned(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Defect 12: a unit with nobody in it (or no unit at all) is "chưa giao" in /tongquan."""
    _, msg = await ask(harness, CHAIRMAN_TG, "/tongquan")
    # task 8 is led by Văn hóa - Xã hội with Địa chính: nobody serves in either
    assert (
        "Chưa giao: 1 nhiệm vụ chưa có bộ phận phụ trách hoặc bộ phận chưa có cán bộ (số 8)"
    ) in msg.text
