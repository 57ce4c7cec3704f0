"""Sent reports on record: /daguibaocao, the draft's button, the appendix header.

The clock is Mon 03/06/2024 07:30 (+07); the current CCHC report is the
6-month one, due 10/06/2024.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import select

from plans.calendar import CalendarSettings
from plans.errors import UserError
from plans.report_kinds import PRESETS, ReportKind, cchc_default, draft_days, report_to_mark
from plans.workdays import is_working_day
from sandbox.harness import BotHarness
from storage import report_records
from storage.models import AuditLog, ReportRecord
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, Commune

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def ask_last(harness: BotHarness, tg: int, text: str):  # type: ignore[no-untyped-def]
    u = harness.api.add_user("U", user_id=tg)
    before = len(harness.api.bot_messages(u.id))
    harness.api.user_sends_text(u, None, text)
    await harness.api.wait_for_bot_message(
        u.id, lambda m: len(harness.api.bot_messages(u.id)) > before
    )
    await harness.idle()
    return u, harness.api.bot_messages(u.id)[-1]


async def records(harness: BotHarness) -> list[ReportRecord]:
    async with harness.database.read() as session:
        return list(await session.scalars(select(ReportRecord).order_by(ReportRecord.id)))


# --------------------------------------------------------------------------- pure rules


def test_parse_sent_args():
    today = date(2024, 6, 8)
    assert report_records.parse_sent_args("45/BC-UBND 08/06/2024", today) == (
        None,
        "45/BC-UBND",
        date(2024, 6, 8),
    )
    assert report_records.parse_sent_args("tthc 12/BC-UBND 5/6/2024", today) == (
        "tthc",
        "12/BC-UBND",
        date(2024, 6, 5),
    )
    assert report_records.parse_sent_args("45/BC-UBND", today)[2] == today
    for bad, key in (
        ("", "reportcycle.sent.usage"),
        ("abc", "reportcycle.sent.usage"),
        ("45 BC 08/06/2024", "reportcycle.sent.bad_number"),
        ("45/BC-UBND 31/02/2024", "reportcycle.sent.bad_date"),
        ("45/BC-UBND 09/06/2024", "reportcycle.sent.future"),
        ("45/BC-UBND 08/06/2024 thừa", "reportcycle.sent.usage"),
    ):
        with pytest.raises(UserError) as caught:
            report_records.parse_sent_args(bad, today)
        assert caught.value.key == key, bad


def test_which_report_a_record_is_about():
    cal = CalendarSettings()
    kinds = [cchc_default(cal)]
    # Before the 6-month deadline: that report.
    assert report_to_mark(kinds, cal, "cchc", date(2024, 6, 3), set()).code == "2024-H1"
    # Two days late and not on record: still the 6-month report (sent late).
    assert report_to_mark(kinds, cal, "cchc", date(2024, 6, 12), set()).code == "2024-H1"
    # Once it is on record, the next one.
    assert report_to_mark(kinds, cal, "cchc", date(2024, 6, 12), {"2024-H1"}).code == "2024-M9"
    tthc = [PRESETS["tthc"]]
    assert report_to_mark(tthc, cal, "tthc", date(2024, 6, 3), set()).code == "2024-Q2"
    assert report_to_mark(tthc, cal, "tthc", date(2024, 6, 3), set()).deadline == date(2024, 6, 15)


def test_report_kinds_and_presets():
    cal = CalendarSettings()
    cchc = cchc_default(cal)
    assert [p.code for p in cchc.periods(2024, cal)] == ["2024-Q1", "2024-H1", "2024-M9", "2024-Y"]
    assert [p.submission_deadline for p in cchc.periods(2024, cal)][:2] == [
        date(2024, 3, 10),
        date(2024, 6, 10),
    ]
    assert set(PRESETS) == {"tthc", "ra_soat_vbqppl", "thi_hanh_phap_luat", "tu_chu_tai_chinh"}
    assert PRESETS["tthc"].label("vi") == "Báo cáo kiểm soát TTHC"
    assert (
        ReportKind.from_dict(PRESETS["tu_chu_tai_chinh"].to_dict()) == PRESETS["tu_chu_tai_chinh"]
    )
    with pytest.raises(ValueError):
        ReportKind("x", "weekly", 10, "")


def test_draft_days_count_working_days():
    # Deadline Mon 10/06/2024: 3 working days before is Wed 05/06; the day before is Fri 07/06.
    assert draft_days(date(2024, 6, 10), 3, is_working_day) == (date(2024, 6, 5), date(2024, 6, 7))
    # 10/09/2024 (Tue) after the 2-3/9 National Day holiday: 3 working days back is 05/09.
    early, before = draft_days(date(2024, 9, 10), 3, is_working_day)
    assert early == date(2024, 9, 5) and before == date(2024, 9, 9)


# --------------------------------------------------------------------------- in chat


async def test_keeper_records_the_report_and_the_appendix_carries_it(
    harness: BotHarness, progress_commune: Commune
) -> None:
    _, msg = await ask_last(harness, ADMIN_TG, "/daguibaocao 45/BC-UBND 03/06/2024")
    assert "Đã ghi nhận Báo cáo CCHC 6 tháng đầu năm 2024: số 45/BC-UBND" in msg.text
    assert "Gửi đúng hạn (hạn 10/06/2024)" in msg.text
    [row] = await records(harness)
    assert (row.kind, row.period_code, row.number, row.sent_on, row.due_on) == (
        "cchc",
        "2024-H1",
        "45/BC-UBND",
        date(2024, 6, 3),
        date(2024, 6, 10),
    )
    assert row.person_id == progress_commune.people["admin"]
    async with harness.database.read() as session:
        actions = list(await session.scalars(select(AuditLog.action)))
    assert "report.sent" in actions

    u = harness.api.add_user("C", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(u, None, "/baocao")
    await harness.api.wait_for_bot_message(u.id, lambda m: (m.text or "").startswith("✅"))
    await harness.idle()
    docx = harness.api.sent_documents(u.id)[0]
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs if p.text]
    assert paragraphs[2] == (
        "(Kèm theo Báo cáo số 45/BC-UBND ngày 03 tháng 6 năm 2024 của UBND xã Vĩnh Khê)"
    )


async def test_a_correction_replaces_the_record(
    harness: BotHarness, progress_commune: Commune
) -> None:
    await ask_last(harness, ADMIN_TG, "/daguibaocao 45/BC-UBND 03/06/2024")
    _, msg = await ask_last(harness, CHAIRMAN_TG, "/daguibaocao 46/BC-UBND 03/06/2024")
    # The 6-month report is on record: the next one (9 tháng) is the one marked now.
    assert "9 tháng năm 2024" in msg.text
    rows = await records(harness)
    assert [(r.period_code, r.number) for r in rows] == [
        ("2024-H1", "45/BC-UBND"),
        ("2024-M9", "46/BC-UBND"),
    ]


async def test_bad_input_changes_nothing_and_officers_may_not(
    harness: BotHarness, progress_commune: Commune
) -> None:
    _, msg = await ask_last(harness, ADMIN_TG, "/daguibaocao 45BCUBND")
    assert "chưa đúng dạng" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/daguibaocao")
    assert "ví dụ: /daguibaocao 45/BC-UBND 08/06/2024" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/daguibaocao xyz 1/BC-UBND")
    assert "Không có loại báo cáo “xyz”" in msg.text
    _, msg = await ask_last(harness, OFFICER_TP_TG, "/daguibaocao 45/BC-UBND")
    assert "không dành cho vai trò" in msg.text
    assert await records(harness) == []


async def test_presets_switch_on_and_take_their_own_records(
    harness: BotHarness, progress_commune: Commune
) -> None:
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao")
    assert "Báo cáo CCHC" in msg.text and "/loaibaocao them tthc" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao them tthc")
    assert "Báo cáo kiểm soát TTHC" in msg.text and "hạn 15/06/2024" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/daguibaocao tthc 12/BC-UBND 03/06/2024")
    assert "Báo cáo kiểm soát TTHC Quý II năm 2024" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao bo cchc")
    assert "không bỏ được" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao bo tthc")
    assert "Báo cáo kiểm soát TTHC" not in msg.text.split("Có thể thêm")[0]
    assert [(r.kind, r.period_code) for r in await records(harness)] == [("tthc", "2024-Q2")]


async def _drafts_at(harness: BotHarness, when: datetime) -> None:
    harness.clock.set(when)
    await harness.tick()
    await harness.idle()


def _with_caption(harness: BotHarness, chat: int, needle: str):  # type: ignore[no-untyped-def]
    return [m for m in harness.api.bot_messages(chat) if needle in (m.caption or m.text or "")]


async def test_draft_goes_out_early_and_the_day_before_then_stops_once_sent(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Deadline Mon 10/06: the draft on Wed 05/06 (3 working days), again Fri 07/06."""
    chair = harness.api.add_user("C", user_id=CHAIRMAN_TG)
    keeper = harness.api.add_user("A", user_id=ADMIN_TG)
    officer = harness.api.add_user("O", user_id=OFFICER_TP_TG)
    await _drafts_at(harness, datetime(2024, 6, 4, 9, 0, tzinfo=TZ))
    assert not _with_caption(harness, chair.id, "Dự thảo")  # Tue 04/06: too early
    await _drafts_at(harness, datetime(2024, 6, 5, 6, 0, tzinfo=TZ))
    assert not _with_caption(harness, chair.id, "Dự thảo")  # before the digest hour
    await _drafts_at(harness, datetime(2024, 6, 5, 9, 0, tzinfo=TZ))
    for user in (chair, keeper):
        [draft] = _with_caption(harness, user.id, "Dự thảo Báo cáo CCHC 6 tháng đầu năm 2024")
        assert "Hạn gửi: 10/06/2024 (còn 3 ngày làm việc)" in draft.caption
        assert "nhiệm vụ chưa cập nhật số liệu kỳ này" in draft.caption
        assert draft.document.file_name.endswith(".docx")
        paragraphs = [p.text for p in Document(io.BytesIO(draft.document.content)).paragraphs]
        assert "6 THÁNG ĐẦU NĂM 2024" in paragraphs[1]
    assert not _with_caption(harness, officer.id, "Dự thảo")  # officers get their reminders
    await _drafts_at(harness, datetime(2024, 6, 5, 10, 0, tzinfo=TZ))
    assert len(_with_caption(harness, chair.id, "Dự thảo")) == 1  # once per occasion

    # The button on the draft asks for the number in a reply.
    [draft] = _with_caption(harness, keeper.id, "Dự thảo")
    data = draft.reply_markup["inline_keyboard"][0][0]["callback_data"]
    harness.api.user_presses_button(keeper, draft, data)
    prompt = await harness.api.wait_for_bot_message(
        keeper.id, lambda m: "[cchc|2024-H1]" in (m.text or "")
    )
    await harness.idle()
    harness.api.user_sends_text(keeper, None, "47/BC-UBND 05/06/2024", reply_to=prompt)
    await harness.api.wait_for_bot_message(keeper.id, lambda m: "Đã ghi nhận" in (m.text or ""))
    await harness.idle()
    assert [(r.period_code, r.number) for r in await records(harness)] == [
        ("2024-H1", "47/BC-UBND")
    ]
    # Sent: no day-before draft on Fri 07/06.
    await _drafts_at(harness, datetime(2024, 6, 7, 9, 0, tzinfo=TZ))
    assert not _with_caption(harness, chair.id, "Nhắc hạn")


async def test_one_draft_reads_in_each_recipients_language(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """The appendix is read once for the draft and written in each reader's language."""
    from storage.models import Person

    async with harness.database.write() as session:
        chairman = await session.scalar(
            select(Person).where(Person.telegram_user_id == CHAIRMAN_TG)
        )
        assert chairman is not None
        chairman.language = "en"
    chair = harness.api.add_user("C", user_id=CHAIRMAN_TG)
    keeper = harness.api.add_user("A", user_id=ADMIN_TG)
    await _drafts_at(harness, datetime(2024, 6, 5, 9, 0, tzinfo=TZ))
    [vi] = _with_caption(harness, keeper.id, "Dự thảo Báo cáo CCHC 6 tháng đầu năm 2024")
    [en] = _with_caption(harness, chair.id, "Draft: ")
    assert "first half of 2024" in en.caption and "Dự thảo" not in en.caption
    vi_doc = Document(io.BytesIO(vi.document.content))
    en_doc = Document(io.BytesIO(en.document.content))
    assert "6 THÁNG ĐẦU NĂM 2024" in vi_doc.paragraphs[1].text
    assert "FIRST HALF OF 2024" in en_doc.paragraphs[1].text
    # the same rows, whatever the language: one table behind both
    vi_rows = [[c.text for c in r.cells][:2] for r in vi_doc.tables[-1].rows[1:]]
    en_rows = [[c.text for c in r.cells][:2] for r in en_doc.tables[-1].rows[1:]]
    assert vi_rows == en_rows and len(vi_rows) > 8
    assert vi.document.file_name == en.document.file_name


async def test_day_before_draft_when_not_sent(
    harness: BotHarness, progress_commune: Commune
) -> None:
    chair = harness.api.add_user("C", user_id=CHAIRMAN_TG)
    await _drafts_at(harness, datetime(2024, 6, 7, 9, 0, tzinfo=TZ))
    [draft] = _with_caption(harness, chair.id, "Nhắc hạn Báo cáo CCHC 6 tháng đầu năm 2024")
    assert "Hạn gửi: 10/06/2024" in draft.caption


async def test_report_reminders_stop_once_the_report_is_on_record(
    harness: BotHarness, progress_commune: Commune
) -> None:
    from scheduler.context import load_contexts
    from scheduler.planner import periods_near

    async with harness.database.read() as session:
        [ctx] = [c for c in await load_contexts(session) if c.id == progress_commune.org_id]
    assert "2024-H1" in [p.code for p in periods_near(date(2024, 6, 5), ctx)]
    await ask_last(harness, ADMIN_TG, "/daguibaocao 45/BC-UBND 03/06/2024")
    async with harness.database.read() as session:
        [ctx] = [c for c in await load_contexts(session) if c.id == progress_commune.org_id]
    assert ctx.sent_reports == frozenset({"2024-H1"})
    assert "2024-H1" not in [p.code for p in periods_near(date(2024, 6, 5), ctx)]


async def test_draft_lead_is_a_setting(harness: BotHarness, progress_commune: Commune) -> None:
    chair = harness.api.add_user("C", user_id=CHAIRMAN_TG)
    _, msg = await ask_last(harness, ADMIN_TG, "/caidat")
    assert "gửi trước hạn 3 ngày làm việc" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/caidat duthao 5")
    assert "gửi trước hạn 5 ngày làm việc" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/caidat duthao 40")
    assert "từ 1 đến 15" in msg.text
    # Deadline Mon 10/06: 5 working days before is Mon 03/06.
    await _drafts_at(harness, datetime(2024, 6, 3, 9, 0, tzinfo=TZ))
    [draft] = _with_caption(harness, chair.id, "Dự thảo Báo cáo CCHC")
    assert "còn 5 ngày làm việc" in draft.caption


async def test_report_kind_entries_can_be_changed(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Deadline day and owner unit of an entry: configurable, bad input changes nothing."""
    await ask_last(harness, ADMIN_TG, "/loaibaocao them tthc")
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao han tthc 20")
    assert "Báo cáo kiểm soát TTHC" in msg.text and "hạn 20/06/2024" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao giao tthc Tư pháp - Hộ tịch")
    assert "bộ phận chủ trì: Tư pháp - Hộ tịch" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao han tthc 40")
    assert "từ 1 đến 31" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao han cchc 12")
    assert "Báo cáo CCHC" in msg.text and "hạn 12/06/2024" in msg.text
    _, msg = await ask_last(harness, ADMIN_TG, "/loaibaocao")
    assert "hạn 20/06/2024" in msg.text and "hạn 12/06/2024" in msg.text
