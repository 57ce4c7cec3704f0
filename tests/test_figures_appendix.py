"""Issue 11, defects 6, 7 and 9: what the appendix rows carry, its files and its period."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
from docx import Document

from plans.calendar import CalendarSettings
from sandbox.harness import BotHarness
from storage import reports
from storage.directory import person_by_telegram_id
from storage.models import UpdateChannel
from storage.progress import record_progress
from tests.factories import ADMIN_TG, CHAIRMAN_TG, Commune

NOTE = "đã tổ chức tập huấn cho 25 cán bộ"
OUTPUT = "Kế hoạch số 15/KH-UBND ngày 14/02/2024\nBáo cáo số 20/BC-UBND ngày 20/5/2024"


async def _record(harness: BotHarness, commune: Commune, number: int, at: str, **kw) -> None:
    async with harness.database.write() as session:
        admin = await person_by_telegram_id(session, ADMIN_TG)
        await record_progress(
            session,
            task_id=commune.task_ids[number],
            person=admin,
            channel=UpdateChannel.COMMAND,
            at=datetime.fromisoformat(at + "+07:00"),
            **kw,
        )


async def _report(harness: BotHarness, text: str):  # type: ignore[no-untyped-def]
    u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(u, None, text)
    await harness.api.wait_for_bot_message(u.id, lambda m: (m.text or "").startswith(("✅", "⚠️")))
    await harness.idle()
    return u


def _docx_row(data: bytes, ordinal: str, content_start: str) -> list[str]:
    table = Document(io.BytesIO(data)).tables[0]
    for row in table.rows:
        cells = [c.text for c in row.cells]
        if cells[0] == ordinal and cells[1].startswith(content_start):
            return cells
    raise AssertionError(f"row {ordinal} not found")


async def test_blank_percent_stays_blank_and_the_note_and_lines_reach_the_appendix(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Defects 6 and 7: a status without a percent is blank, not 0 %; notes and lines kept."""
    await _record(
        harness,
        progress_commune,
        4,
        "2024-05-28T09:00",
        status_text="Đang thực hiện",
        note=NOTE,
        output=OUTPUT,
    )
    u = await _report(harness, "/baocao")
    docx, xlsx = harness.api.sent_documents(u.id)
    row = _docx_row(docx.content, "4", "Tuyên truyền")
    assert row[5] == f"Đang thực hiện\n{NOTE}"
    assert row[6] == OUTPUT  # two lines, as written
    assert row[7] == ""  # blank, not 0 %
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    found = [
        [sheet.cell(r, c).value for c in range(1, 9)]
        for r in range(1, sheet.max_row + 1)
        if str(sheet.cell(r, 2).value or "").startswith("Tuyên truyền")
    ]
    assert found and found[0][5] == f"Đang thực hiện\n{NOTE}" and found[0][6] == OUTPUT
    assert found[0][7] is None
    # ... and the mean leaves it out: (80 + 50 + 40 + 100 + 60) / 5 tasks with a figure
    async with harness.database.read() as session:
        ov = await reports.overview(session, progress_commune.org_id, now=harness.clock.now())
    assert (ov.mean_percent, ov.with_figure, ov.total) == (66.0, 5, 8)


async def test_default_period_is_the_one_being_finished(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Defect 9: on 12/06 an export without a period is the 6-month table, named so."""
    harness.clock.set(datetime.fromisoformat("2024-06-12T08:00:00+07:00"))
    u = await _report(harness, "/baocao")
    names = [d.file_name for d in harness.api.sent_documents(u.id)]
    assert names == [
        "tien-do-cchc-vinh-khe-6thang-2024.docx",
        "tien-do-cchc-vinh-khe-6thang-2024.xlsx",
    ]
    assert "6 tháng đầu năm 2024" in harness.api.bot_messages(u.id)[0].text


def test_default_period_rule() -> None:
    s = CalendarSettings()
    day = datetime.fromisoformat
    assert reports.default_report_period(day("2024-06-12").date(), s).code == "2024-H1"
    assert reports.default_report_period(day("2024-06-25").date(), s).code == "2024-H1"
    assert reports.default_report_period(day("2024-06-26").date(), s).code == "2024-M9"
    assert reports.default_report_period(day("2024-06-03").date(), s).code == "2024-H1"
    assert reports.default_report_period(day("2024-12-20").date(), s).code == "2024-Y"
    assert reports.default_report_period(day("2025-01-02").date(), s).code == "2025-Q1"


async def test_a_period_that_has_not_started_is_refused(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Defect 9: /baocao quy3 on 10/06 warns instead of printing "đã thực hiện 2/29"."""
    harness.clock.set(datetime.fromisoformat("2024-06-10T08:00:00+07:00"))
    u = await _report(harness, "/baocao quy3")
    text = harness.api.bot_messages(u.id)[-1].text
    assert text.startswith("⚠️ Quý III năm 2024 chưa bắt đầu")
    assert "15/06/2024" in text and "6 tháng đầu năm 2024" in text
    assert harness.api.sent_documents(u.id) == []
