"""Escape only where the message is HTML (issue 16 §6).

A plan whose unit is spelled ``<i>Ban</i> & Tư pháp`` goes through the plan
keeper's upload by chat: the preview (plain text) must show exactly that, not
``&lt;i&gt;``; the HTML messages around it must show it too, as text, not as
italics.
"""

from __future__ import annotations

from core import callbacks as cb
from sandbox.harness import BotHarness
from tests import doc_builders as b
from tests.factories import ADMIN_TG, Commune

UNIT = "<i>Ban</i> & Tư pháp"


async def test_plan_preview_shows_markup_characters_as_written(
    harness: BotHarness, commune: Commune
) -> None:
    header = ["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"]
    data = b.csv_bytes(
        [
            header,
            ["I", "CẢI CÁCH THỂ CHẾ", "", ""],
            ["1", "Rà soát văn bản <b>quy phạm</b> & hướng dẫn", UNIT, "Quý II/2024"],
        ]
    )
    lan = harness.api.state.users.get(ADMIN_TG) or harness.api.add_user("Lan", user_id=ADMIN_TG)
    mark = harness.api.state.last_seq
    harness.api.user_sends_text(lan, None, "/nhapkehoach")
    await harness.api.wait_for_bot_message(lan.id)
    await harness.idle()
    harness.api.user_uploads_document(lan, None, "ke-hoach.csv", data)
    await harness.api.wait_for_bot_message(
        lan.id,
        lambda m: any(d.startswith((cb.IMPORT_CONFIRM, cb.IMPORT_MAP)) for d in m.button_data()),
    )
    await harness.idle()
    texts = [m.text or "" for m in harness.api.bot_messages(lan.id) if m.seq > mark]
    joined = "\n".join(texts)
    assert "&lt;" not in joined and "&amp;" not in joined, joined
    assert UNIT in joined, joined
