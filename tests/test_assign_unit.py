"""The plan keeper gives a placeholder-led task its lead unit from chat (issue 11, defect 12).

"Các ngành liên quan" names no unit, so such a task reaches no one. Its card
shows the plan keeper "Giao bộ phận chủ trì"; the unit picked leads the task
from then on, /tongquan stops counting it "chưa giao", and a second press or
a forged one changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import callbacks as cb
from locales import t
from plans.errors import UserError
from sandbox.harness import BotHarness
from storage import reports
from storage.assignment import assign_lead_unit
from storage.db import Database
from storage.directory import person_by_telegram_id
from storage.models import AuditLog, Task, TaskUnit, UnitRole
from tests.access_support import forge_press
from tests.db_template import seed_once
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TP_TG,
    PLACEHOLDER_LEAD,
    Commune,
    add_placeholder_task,
    seed_commune,
)
from tests.officers_support import press, say, user


@pytest.fixture
async def orphan(harness: BotHarness, commune: Commune) -> int:
    """Task 9 of Vĩnh Khê's plan, led by a placeholder: no lead unit."""
    return await add_placeholder_task(harness.database, commune)


async def _leads(harness: BotHarness, task_id: int) -> list[int]:
    async with harness.database.read() as session:
        rows = await session.scalars(
            select(TaskUnit.unit_id).where(
                TaskUnit.task_id == task_id, TaskUnit.role == UnitRole.LEAD
            )
        )
        return list(rows)


async def _unassigned(harness: BotHarness, commune: Commune) -> tuple[int, ...]:
    async with harness.database.read() as session:
        ov = await reports.overview(session, commune.org_id, now=harness.clock.now())
    return ov.unassigned


async def test_the_keeper_assigns_a_lead_unit_from_the_task_card(
    harness: BotHarness, commune: Commune, orphan: int
) -> None:
    assert 9 in await _unassigned(harness, commune)
    keeper = user(harness, ADMIN_TG)
    listing = await say(harness, keeper, "/nhiemvu")  # field I first: task 9 on page 1
    assert cb.task_menu(orphan) in listing.button_data()
    await press(harness, keeper, listing, cb.task_menu(orphan))
    card = harness.api.last_bot_message(keeper.id)
    assert card is not None and PLACEHOLDER_LEAD in (card.text or "")
    ask_data = cb.build(cb.ASSIGN_ASK, orphan)
    assert ask_data in card.button_data()

    await press(harness, keeper, card, ask_data)
    question = harness.api.last_bot_message(keeper.id)
    assert question is not None and "chưa có bộ phận chủ trì" in (question.text or "")
    tp = commune.unit_ids["tp"]
    choose = cb.build(cb.ASSIGN_UNIT, orphan, tp)
    assert choose in question.button_data()

    await press(harness, keeper, question, choose)
    done = harness.api.bot_messages(keeper.id)[-1]
    assert "Đã giao nhiệm vụ 9 cho Tư pháp - Hộ tịch chủ trì" in (done.text or "")
    assert not done.button_data()
    assert await _leads(harness, orphan) == [tp]
    assert 9 not in await _unassigned(harness, commune)
    async with harness.database.read() as session:
        task = await session.get(Task, orphan)
        assert task is not None and task.lead_units_text == "Tư pháp - Hộ tịch"
        line = await session.scalar(select(AuditLog).where(AuditLog.action == "task.lead_assigned"))
        assert line is not None and line.details["placeholder"] == PLACEHOLDER_LEAD

    # The Tư pháp officer now sees the task as theirs.
    officer = user(harness, OFFICER_TP_TG)
    mine = await say(harness, officer, "/nhiemvu")
    assert cb.task_menu(orphan) in mine.button_data()

    # The old buttons are stale now: nothing changes, the keeper is told why.
    again = await forge_press(
        harness, keeper, cb.build(cb.ASSIGN_UNIT, orphan, commune.unit_ids["vp"])
    )
    assert again.answer is not None and again.answer.show_alert
    assert again.answer.text == t("assign.already", "vi", number=9, unit="Tư pháp - Hộ tịch")
    assert await _leads(harness, orphan) == [tp]


async def test_only_the_keeper_and_only_the_organizations_units(
    harness: BotHarness, commune: Commune, orphan: int
) -> None:
    chairman = user(harness, CHAIRMAN_TG)
    listing = await say(harness, chairman, "/nhiemvu")
    await press(harness, chairman, listing, cb.task_menu(commune.task_ids[1]))
    card = harness.api.last_bot_message(chairman.id)
    assert card is not None and not [d for d in card.button_data() if d.startswith("asg")]

    for tg in (CHAIRMAN_TG, OFFICER_TP_TG):
        refused = await forge_press(harness, user(harness, tg), cb.build(cb.ASSIGN_ASK, orphan))
        assert refused.answer is not None and refused.answer.text == t("auth.forbidden", "vi")
        refused = await forge_press(
            harness, user(harness, tg), cb.build(cb.ASSIGN_UNIT, orphan, commune.unit_ids["tp"])
        )
        assert refused.answer is not None and refused.answer.text == t("auth.forbidden", "vi")

    keeper = user(harness, ADMIN_TG)
    stranger_unit = await forge_press(harness, keeper, cb.build(cb.ASSIGN_UNIT, orphan, 999_999))
    assert stranger_unit.answer is not None
    assert stranger_unit.answer.text == t("assign.unit_unknown", "vi")
    led = await forge_press(harness, keeper, cb.build(cb.ASSIGN_ASK, commune.task_ids[3]))
    assert led.answer is not None
    assert led.answer.text == t("assign.already", "vi", number=3, unit="Tư pháp - Hộ tịch")
    missing = await forge_press(harness, keeper, cb.build(cb.ASSIGN_ASK, 999_999))
    assert missing.answer is not None and missing.answer.text == t("progress.not_your_task", "vi")
    assert await _leads(harness, orphan) == []


async def test_the_write_checks_inside_its_transaction_on_both_databases(any_db: Database) -> None:
    commune = await seed_once(any_db, seed_commune)
    orphan = await add_placeholder_task(any_db, commune)
    now = datetime(2024, 6, 3, 7, 30, tzinfo=UTC)
    async with any_db.write() as session:
        keeper = await person_by_telegram_id(session, ADMIN_TG)
        assert keeper is not None
        done = await assign_lead_unit(session, keeper, orphan, commune.unit_ids["mc"], now=now)
    assert done.task_number == 9
    with pytest.raises(UserError) as refused:
        async with any_db.write() as session:
            await assign_lead_unit(session, keeper, orphan, commune.unit_ids["tp"], now=now)
    assert refused.value.key == "assign.already"
    with pytest.raises(UserError) as led:  # a lead the plan names is not changed here
        async with any_db.write() as session:
            await assign_lead_unit(
                session, keeper, commune.task_ids[3], commune.unit_ids["tp"], now=now
            )
    assert led.value.key == "assign.already"
    async with any_db.read() as session:
        leads = await session.scalars(
            select(TaskUnit.unit_id).where(
                TaskUnit.task_id == orphan, TaskUnit.role == UnitRole.LEAD
            )
        )
        assert list(leads) == [commune.unit_ids["mc"]]
