"""/chiso, the projection, evidence and /nhapdiem end to end through the fake Bot API.

Clock: Mon 03/06/2024 07:30 (+07). Xã Vĩnh Khê has seed 000's 2022 scorecard
(81,863 points, 31/141) and a 2024 plan whose tasks 4, 5 and 6 cite criteria
1.5, 3.2 and 3.4 (tests/par_index_support.py).
"""

from __future__ import annotations

import argparse
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core import callbacks as cb
from sandbox.harness import BotHarness
from storage.directory import person_by_telegram_id
from storage.models import ParEvidence, ParScorecard, UpdateChannel
from storage.progress import record_progress
from tests.access_support import forge_press
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    OTHER_CHAIR_TG,
    VIEWER_TG,
    Commune,
)
from tests.officers_support import ask
from tests.par_index_support import FIXTURE

BASE = "81,863"


async def send_file(  # type: ignore[no-untyped-def]
    harness: BotHarness, tg: int, name: str, data: bytes, caption: str
):
    user = harness.api.add_user("U", user_id=tg)
    harness.api.user_uploads_document(user, None, name, data, caption=caption)
    msg = await harness.api.wait_for_bot_message(user.id)
    await harness.idle()
    return msg


async def evidence_rows(harness: BotHarness) -> int:
    async with harness.database.read() as session:
        return int(await session.scalar(select(func.count()).select_from(ParEvidence)) or 0)


async def finish_task(harness: BotHarness, par_index_commune: Commune, number: int) -> None:
    async with harness.database.write() as session:
        officer = await person_by_telegram_id(session, OFFICER_TP_TG)
        await record_progress(
            session,
            task_id=par_index_commune.task_ids[number],
            person=officer,
            channel=UpdateChannel.CLI,
            at=datetime(2024, 6, 1, 2, 0, tzinfo=UTC),
            percent=100,
            check_permission=False,
        )


async def test_chairman_sees_last_year_losses_tasks_and_projection(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    _, msg = await ask(harness, CHAIRMAN_TG, "/chiso")
    text = msg.text
    assert "Chỉ số CCHC năm 2022 — Vĩnh Khê" in text
    assert "Tổng điểm 81,863/100 · xếp loại tốt · vị thứ 31/141" in text
    assert "• 1. Công tác chỉ đạo, điều hành CCHC: 8,42/10 (−1,58)" in text
    assert "(tỉnh điều tra): 18,6/30 (−11,4)" in text
    # Most lost first: 9.5 (−6) leads; its reason-less line still shows "no task".
    assert text.index("9.5 Chỉ số hài lòng") < text.index("3.4 Kết quả giải quyết")
    assert "3.4 Kết quả giải quyết hồ sơ TTHC: 3,46/5,5, bị trừ 2,04" in text
    assert "Nhiệm vụ năm nay: số 6 (chậm tiến độ)" in text
    assert "Lý do: có công chức bị kỷ luật trong năm" in text
    assert "(văn bản không ghi mã tiêu chí nên chưa gắn được nhiệm vụ)" in text
    assert "• 4. Cải cách tổ chức bộ máy hành chính: 3/3\n" in text
    # Seed 000 lost 1,5 points on public postal service and no task addresses it.
    orphans = text[text.index("Mất điểm nhưng chưa có nhiệm vụ khắc phục") :]
    assert "7.3 Thực hiện tiếp nhận hồ sơ" in orphans and "bị trừ 1,5" in orphans
    assert "1.5 Công tác tuyên truyền" not in orphans  # task 4 addresses it
    # Nothing done with evidence yet: projected = last year's total; best = +1 +1 +2,04.
    assert f"Dự kiến năm 2024: {BASE}/100 điểm (thấp nhất {BASE}, cao nhất 85,903)" in text
    assert "mỗi tiêu chí được tính đủ điểm khi mọi nhiệm vụ gắn với nó" in text
    data = msg.button_data()
    assert len([d for d in data if d.startswith(cb.PAR_FIELD + ":")]) == 9


async def test_evidence_and_done_task_raise_the_projection(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    msg = await send_file(harness, OFFICER_TP_TG, "hoi-thi.pdf", b"%PDF-1.4 x", "kiểm chứng 1.5")
    assert "Đã lưu tài liệu kiểm chứng cho tiêu chí 1.5 (năm 2024): hoi-thi.pdf" in msg.text
    _, msg = await ask(harness, OFFICER_TP_TG, "/chiso")
    assert "số 4 (chưa triển khai) · kiểm chứng: 1 tài liệu" in msg.text
    _, msg = await ask(harness, CHAIRMAN_TG, "/chiso")
    assert f"Dự kiến năm 2024: {BASE}/100" in msg.text  # task 4 not started yet
    await finish_task(harness, par_index_commune, 4)
    _, msg = await ask(harness, OFFICER_TP_TG, "/chiso")
    assert "số 4 (đã hoàn thành) · kiểm chứng: 1 tài liệu" in msg.text
    _, msg = await ask(harness, CHAIRMAN_TG, "/chiso")
    assert "Dự kiến năm 2024: 82,863/100 điểm (thấp nhất 82,863, cao nhất 85,903)" in msg.text


async def test_evidence_refusals_store_nothing(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    # Tài chính/Một cửa's officer: 1.5 is Tư pháp's criterion.
    msg = await send_file(harness, OFFICER_TC_TG, "a.pdf", b"%PDF", "kiểm chứng 1.5")
    assert "không gắn với nhiệm vụ nào của bộ phận anh/chị" in msg.text
    msg = await send_file(harness, ADMIN_TG, "a.pdf", b"%PDF", "Kiểm chứng 4.9")
    assert "Không có tiêu chí mã 4.9" in msg.text
    _, msg = await ask(harness, OFFICER_TC_TG, "/kiemchung 1.5 Kế hoạch số 1/KH-UBND")
    assert "không gắn với nhiệm vụ nào" in msg.text
    _, msg = await ask(harness, VIEWER_TG, "/kiemchung")
    assert "không dành cho vai trò" in msg.text
    assert await evidence_rows(harness) == 0


async def test_kiemchung_lists_missing_records_a_reference_and_exports(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    _, msg = await ask(harness, ADMIN_TG, "/kiemchung")
    assert "Tiêu chí còn thiếu tài liệu kiểm chứng năm 2024" in msg.text
    assert "3.2 Thực hiện cơ chế một cửa" in msg.text
    assert "nhiệm vụ 5: Bộ phận tiếp nhận và trả kết quả" in msg.text
    assert "7.3 Thực hiện tiếp nhận hồ sơ" in msg.text and "chưa có nhiệm vụ khắc phục" in msg.text
    _, msg = await ask(harness, ADMIN_TG, "/kiemchung 3.2 Kế hoạch số 15/KH-UBND ngày 14/02/2024")
    assert "Đã lưu tài liệu kiểm chứng cho tiêu chí 3.2" in msg.text
    _, msg = await ask(harness, ADMIN_TG, "/kiemchung")
    assert "3.2 Thực hiện cơ chế một cửa" not in msg.text
    # An officer sees only their units' criteria.
    _, msg = await ask(harness, OFFICER_TP_TG, "/kiemchung")
    assert "1.5 Công tác tuyên truyền" in msg.text and "3.4" not in msg.text
    user = harness.api.add_user("U", user_id=ADMIN_TG)
    harness.api.user_sends_text(user, None, "/kiemchung xuat")
    doc = await harness.api.wait_for_bot_message(user.id, lambda m: m.document is not None)
    await harness.idle()
    stored = harness.api.state.files[doc.document.file_id]
    sheet = load_workbook(io.BytesIO(stored.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    row32 = next(r for r in rows if r[0] == "3.2")
    assert row32[2] == "Kế hoạch số 15/KH-UBND ngày 14/02/2024" and row32[5] == "Hoàng Thị Lan"
    assert next(r for r in rows if r[0] == "7.3")[2] == "(chưa có)"


async def test_access_rules(harness: BotHarness, par_index_commune: Commune) -> None:
    _, msg = await ask(harness, 999_001, "/chiso")
    assert "chưa đăng ký" in msg.text.lower() or "chưa được" in msg.text.lower()
    assert "81,863" not in msg.text
    # The officer of Tư pháp: their criterion 1.5, not Một cửa's 3.4, no totals.
    _, msg = await ask(harness, OFFICER_TP_TG, "/chiso")
    assert "1.5 Công tác tuyên truyền CCHC: 1/2, bị trừ 1" in msg.text
    assert "3.4" not in msg.text and "81,863" not in msg.text
    # The district viewer: each commune's total and projection, nothing per task.
    _, msg = await ask(harness, VIEWER_TG, "/chiso")
    assert "Vĩnh Khê — năm 2022: Tổng điểm 81,863/100 · xếp loại tốt · vị thứ 31/141" in msg.text
    assert f"Dự kiến năm 2024: {BASE} ({BASE}–85,903); 12 tiêu chí mất điểm" in msg.text
    assert "Vĩnh Tú: chưa nạp kết quả" in msg.text
    assert "Số hóa hồ sơ" not in msg.text
    # Another commune's chairman: their own (empty) desk, and not Vĩnh Khê's buttons.
    _, msg = await ask(harness, OTHER_CHAIR_TG, "/chiso")
    assert "Chưa có kết quả Chỉ số CCHC nào của Vĩnh Tú" in msg.text


async def test_field_buttons(harness: BotHarness, par_index_commune: Commune) -> None:
    chair, msg = await ask(harness, CHAIRMAN_TG, "/chiso")
    data = [d for d in msg.button_data() if d.startswith(cb.PAR_FIELD)]
    seven = data[6]
    harness.api.user_presses_button(chair, msg, seven)
    shown = await harness.api.wait_for_bot_message(
        chair.id, lambda m: "Lĩnh vực 7." in (m.text or "")
    )
    await harness.idle()
    assert "Lĩnh vực 7. Hiện đại hóa hành chính: 12,5/15 điểm" in shown.text
    assert "7.3 Thực hiện tiếp nhận hồ sơ" in shown.text and "0/1,5" in shown.text
    assert "⚠️ chưa có nhiệm vụ khắc phục" in shown.text
    # The same button pressed by another commune's chairman: refused, nothing shown.
    other = harness.api.add_user("U", user_id=OTHER_CHAIR_TG)
    press = await forge_press(harness, other, seven)
    assert "không có quyền" in (press.answer.text or "")
    assert not press.messages


async def test_nhapdiem_in_chat(harness: BotHarness, par_index_commune: Commune) -> None:
    data = FIXTURE.read_bytes()
    msg = await send_file(harness, OFFICER_TP_TG, "kq.docx", data, "/nhapdiem 2023")
    assert "không dành cho vai trò" in msg.text
    msg = await send_file(harness, ADMIN_TG, "kq.docx", b"not a document", "/nhapdiem 2023")
    assert "kq.docx" in msg.text
    async with harness.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(ParScorecard)) == 1
    msg = await send_file(harness, ADMIN_TG, "kq.docx", data, "/nhapdiem 2023")
    assert "Đã nhập kết quả Chỉ số CCHC năm 2023 của Vĩnh Khê: 9 lĩnh vực, 41 tiêu chí." in msg.text
    assert "Tổng điểm ghi 81,863 khác tổng điểm các lĩnh vực 75,73" in msg.text
    async with harness.database.read() as session:
        assert await session.scalar(select(func.count()).select_from(ParScorecard)) == 2
    _, msg = await ask(harness, CHAIRMAN_TG, "/chiso")
    assert "Chỉ số CCHC năm 2023" in msg.text  # the newest before the 2024 plan


async def test_export_evidence_cli_downloads_files(
    harness: BotHarness, par_index_commune: Commune, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.commands.par_index import _export_evidence
    from core.settings import get_settings

    await send_file(harness, OFFICER_TP_TG, "hoi thi/../x.pdf", b"%PDF-1.4 hello", "kiểm chứng 1.5")
    big = b"0" * 3000
    await send_file(harness, ADMIN_TG, "lon.pdf", big, "kiem chung 3.2")
    settings = harness.settings
    assert settings is not None
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", settings.token())
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BOT_API_BASE_URL", settings.bot_api_base_url)
    monkeypatch.setenv("BOT_API_FILE_URL", settings.file_url)
    get_settings.cache_clear()
    args = argparse.Namespace(
        org="Vĩnh Khê",
        year=None,
        out=str(tmp_path / "kc.xlsx"),
        files=str(tmp_path / "tep"),
        max_mb=0.002,
    )
    assert await _export_evidence(args) == 0
    files = sorted(p.name for p in (tmp_path / "tep").iterdir())
    assert files == ["1.5_001_x.pdf"]  # the 3 kB file is over the 0,002 MB limit
    assert (tmp_path / "tep" / files[0]).read_bytes() == b"%PDF-1.4 hello"
    sheet = load_workbook(tmp_path / "kc.xlsx").active
    assert "DANH MỤC TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CCHC NĂM 2024" in sheet.cell(1, 1).value


async def test_a_file_sent_with_the_task_button_counts_for_its_criteria(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    from tests.officers_support import fresh, press, say, user

    an = user(harness, OFFICER_TP_TG)
    task4 = par_index_commune.task_ids[4]  # "(TCTP 1.5)"
    await say(harness, an, "/capnhat 4 100")
    listing = await say(harness, an, "/nhiemvu")
    await press(harness, an, listing, cb.task_menu(task4))
    card = await fresh(harness, an.id)
    await press(harness, an, card, cb.build(cb.ATTACH, task4))
    harness.api.user_uploads_document(an, None, "bien-ban-hoi-thi.pdf", b"%PDF-1.4 x")
    await harness.api.wait_for_bot_message(an.id)
    await harness.idle()
    assert await evidence_rows(harness) == 0  # one evidence path: the task's attachment
    _, msg = await ask(harness, OFFICER_TP_TG, "/chiso")
    assert "số 4 (đã hoàn thành) · kiểm chứng: 1 tài liệu" in msg.text
    _, msg = await ask(harness, CHAIRMAN_TG, "/chiso")
    assert "Dự kiến năm 2024: 82,863/100 điểm (thấp nhất 82,863, cao nhất 85,903)" in msg.text


async def test_district_overview_shows_each_communes_projection(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    _, msg = await ask(harness, VIEWER_TG, "/tongquan")
    text = msg.text
    khe = text[text.index("Vĩnh Khê") :]
    assert "Chỉ số CCHC năm 2022: 81,863 điểm; dự kiến năm 2024: 81,863 (81,863–85,903)" in khe
    assert text.count("Chỉ số CCHC năm") == 1  # Vĩnh Tú has no scorecard: no line
