"""/caidat end to end: shown to leaders, changed by the plan keeper, validated, stored as JSON."""

from __future__ import annotations

from plans.calendar import CalendarSettings
from plans.reminder_policy import ReminderPolicy
from sandbox.harness import BotHarness
from storage.models import Organization
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TC_TG, VIEWER_TG, Commune


async def say_and_read_all(harness: BotHarness, tg: int, text: str) -> str:
    u = harness.api.add_user("U", user_id=tg)
    harness.api.user_sends_text(u, None, text)
    msg = await harness.api.wait_for_bot_message(u.id)
    await harness.idle()
    return "\n".join(m.text or "" for m in harness.api.bot_messages(u.id) if m.seq >= msg.seq)


async def stored(harness: BotHarness, org_id: int) -> tuple[dict, dict]:
    async with harness.database.read() as session:
        org = await session.get(Organization, org_id)
        assert org is not None
        return dict(org.reminder_policy), dict(org.calendar_settings)


async def test_show_defaults(harness: BotHarness, commune: Commune) -> None:
    text = await say_and_read_all(harness, CHAIRMAN_TG, "/caidat")
    assert "Nhắc trước hạn: 7, 3, 1 ngày" in text
    assert "Giờ gửi tin nhắc hằng ngày: 07:30" in text
    assert "Hạn nộp báo cáo: ngày 10 tháng cuối kỳ" in text
    assert "báo cáo 6 tháng đầu năm 2024 hạn nộp 10/06/2024" in text
    assert "Chưa liên kết nhóm" in text


async def test_keeper_changes_and_bad_values_change_nothing(
    harness: BotHarness, commune: Commune
) -> None:
    text = await say_and_read_all(harness, ADMIN_TG, "/caidat nhac 5, 2")
    assert "Đã lưu cài đặt" in text and "Nhắc trước hạn: 5, 2 ngày" in text
    text = await say_and_read_all(harness, ADMIN_TG, "/caidat gio 8h15")
    assert "Giờ gửi tin nhắc hằng ngày: 08:15" in text
    text = await say_and_read_all(harness, ADMIN_TG, "/caidat hannop 8")
    assert "báo cáo 6 tháng đầu năm 2024 hạn nộp 08/06/2024" in text
    policy, calendar = await stored(harness, commune.org_id)
    assert ReminderPolicy.from_dict(policy).lead_days == (5, 2)
    assert ReminderPolicy.from_dict(policy).digest_time.strftime("%H:%M") == "08:15"
    assert CalendarSettings.from_dict(calendar).submission_day == 8
    before = await stored(harness, commune.org_id)
    for bad, message in [
        ("/caidat nhac 0", "“0” không hợp lệ"),
        ("/caidat nhac bay", "“bay” không hợp lệ"),
        ("/caidat gio 25:00", "“25:00” không phải giờ hợp lệ"),
        ("/caidat hannop 31", "“31” không hợp lệ"),
        ("/caidat mau xanh", "Không có mục cài đặt “mau”"),
    ]:
        text = await say_and_read_all(harness, ADMIN_TG, bad)
        assert message in text, bad
    assert await stored(harness, commune.org_id) == before


async def test_only_the_keeper_changes_and_officers_are_refused(
    harness: BotHarness, commune: Commune
) -> None:
    text = await say_and_read_all(harness, CHAIRMAN_TG, "/caidat nhac 2")
    assert "Chỉ Văn phòng - Thống kê" in text
    for tg in (OFFICER_TC_TG, VIEWER_TG):
        text = await say_and_read_all(harness, tg, "/caidat")
        assert "không dành cho vai trò" in text
    assert await stored(harness, commune.org_id) == ({}, {})


async def test_overdue_back_off_is_set_in_caidat(harness: BotHarness, commune: Commune) -> None:
    """Issue 11 defect 10: the overdue cadence is the commune's choice."""
    text = await say_and_read_all(harness, CHAIRMAN_TG, "/caidat")
    assert "Nhắc quá hạn: sau 1, 3, 7 ngày, rồi cứ 7 ngày một lần" in text
    text = await say_and_read_all(harness, ADMIN_TG, "/caidat quahan 2,5 10")
    assert "Đã lưu cài đặt" in text and "Nhắc quá hạn: sau 2, 5 ngày, rồi cứ 10 ngày" in text
    policy, _ = await stored(harness, commune.org_id)
    saved = ReminderPolicy.from_dict(policy)
    assert (saved.overdue_days, saved.overdue_every_days) == ((2, 5), 10)
    before = await stored(harness, commune.org_id)
    text = await say_and_read_all(harness, ADMIN_TG, "/caidat quahan 1,3 7,8")
    assert "Ví dụ: /caidat quahan 1,3,7 7" in text
    assert await stored(harness, commune.org_id) == before
