"""The self-assessment season: deadline, reminder days, and the reminders themselves."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.cli import main
from plans.par_index.season import Season
from sandbox.harness import BotHarness
from scheduler.par_index_season import plan_season
from tests.factories import CHAIRMAN_TG, OFFICER_TC_TG, OFFICER_TP_TG, Commune


def test_default_season_is_mid_november_reminded_in_working_days() -> None:
    season = Season()
    assert season.deadline(2024) == date(2024, 11, 15)  # a Friday
    # 10 and 3 working days before: weekends skipped.
    assert season.reminder_days(2024) == [date(2024, 11, 1), date(2024, 11, 12)]
    assert season.reminds_on(date(2024, 11, 12)) and not season.reminds_on(date(2024, 11, 13))
    # A deadline on a Sunday moves back to Friday.
    assert Season(day=17, month=11).deadline(2024) == date(2024, 11, 15)
    assert Season.from_settings({"self_assessment": {"day": 20, "month": 11}}).day == 20
    assert Season.from_settings({"self_assessment": {"day": 99}}) == Season()
    with pytest.raises(ValueError):
        Season(month=13)


async def test_reminders_on_the_day_once_each(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    for tg in (OFFICER_TP_TG, OFFICER_TC_TG, CHAIRMAN_TG):
        harness.api.add_user("U", user_id=tg)
    now = harness.set_time("2024-11-11 08:00")
    assert await plan_season(harness.database, now) == 0  # not a reminder day
    now = harness.set_time("2024-11-12 08:00")
    made = await plan_season(harness.database, now)
    assert await plan_season(harness.database, now) == 0  # planned once
    await harness.tick()
    tp = [
        m.text for m in harness.api.bot_messages(OFFICER_TP_TG) if "tự đánh giá" in (m.text or "")
    ]
    tc = [
        m.text for m in harness.api.bot_messages(OFFICER_TC_TG) if "tự đánh giá" in (m.text or "")
    ]
    chair = [
        m.text for m in harness.api.bot_messages(CHAIRMAN_TG) if "tự đánh giá" in (m.text or "")
    ]
    assert made == 3
    assert tp == [
        "🗓 Hạn gửi hồ sơ tự đánh giá Chỉ số CCHC là 15/11/2024. Đơn vị anh/chị còn 1 tiêu chí "
        "chưa có tài liệu kiểm chứng: 1.5. Anh/chị gửi tệp kèm chú thích “kiểm chứng 3.2” "
        "hoặc gõ /kiemchung để xem."
    ]
    assert len(tc) == 1 and "còn 2 tiêu chí chưa có tài liệu kiểm chứng: 3.2, 3.4" in tc[0]
    assert len(chair) == 1
    assert "Điểm dự kiến năm 2024: 81,863 (thấp nhất 81,863, cao nhất 85,903)" in chair[0]


def test_cli_season(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org", "add", "Vĩnh Khê"]) == 0
    capsys.readouterr()
    assert main(["season", "--org", "Vĩnh Khê", "--deadline", "20/11", "--remind", "5,1"]) == 0
    out = capsys.readouterr().out
    assert "ngày 20/11 hằng năm" in out
    assert main(["season", "--org", "Vĩnh Khê"]) == 0
    assert "ngày 20/11 hằng năm" in capsys.readouterr().out
    assert main(["season", "--org", "Vĩnh Khê", "--deadline", "31/13"]) == 1
    assert "Chưa hiểu “31/13”" in capsys.readouterr().err


def test_year_of_a_datetime_is_local() -> None:
    assert Season().deadline(datetime(2025, 1, 1).year) == date(2025, 11, 14)  # 15/11 is Saturday


async def test_the_reporting_calendar_shows_the_self_assessment_deadline(
    harness: BotHarness, par_index_commune: Commune
) -> None:
    user = harness.api.add_user("U", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(user, None, "/kybaocao")
    msg = await harness.api.wait_for_bot_message(user.id)
    await harness.idle()
    # Mon 03/06/2024 → Fri 15/11/2024.
    assert "Tự đánh giá Chỉ số CCHC năm 2024: hạn gửi 15/11/2024 (còn" in msg.text
    assert "ngày làm việc) · /kiemchung" in msg.text


async def test_editing_the_calendar_keeps_the_season(db) -> None:  # type: ignore[no-untyped-def]
    from storage.directory import add_organization
    from storage.models import Organization
    from storage.org_settings import update_calendar

    async with db.write() as session:
        org = await add_organization(session, "Vĩnh Khê")
        row = await session.get(Organization, org.id)
        assert row is not None
        row.calendar_settings = {"self_assessment": Season(day=20).to_dict()}
    async with db.write() as session:
        await update_calendar(session, org.id, person_id=None, actor="test", submission_day=12)
    async with db.read() as session:
        row = await session.get(Organization, org.id)
        assert row is not None
        assert Season.from_settings(row.calendar_settings).day == 20
        assert row.calendar_settings["submission_day"] == 12
