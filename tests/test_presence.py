"""A person who blocked the bot is marked unreachable, and reachable again when they return."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.harness import BotHarness
from storage.directory import set_reachable
from storage.models import Person
from tests.db_template import seed_once
from tests.factories import OFFICER_TP_TG, seed_commune
from tests.officers_support import say, user


async def _reachable(harness: BotHarness, tg: int) -> tuple[bool, object]:
    async with harness.database.read() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == tg))
    assert person is not None
    return person.reachable, person.unreachable_since


async def test_block_and_unblock_are_recorded(harness: BotHarness) -> None:
    await seed_once(harness.database, seed_commune)
    officer = user(harness, OFFICER_TP_TG, "An")
    harness.api.user_blocks_bot(officer)
    await harness.api.wait_until(lambda: harness.api.state.calls and True)
    await harness.idle()
    reachable, since = await _reachable(harness, OFFICER_TP_TG)
    assert reachable is False and since == harness.clock.now()
    harness.api.user_unblocks_bot(officer)
    await harness.idle()
    assert (await _reachable(harness, OFFICER_TP_TG)) == (True, None)


async def test_writing_again_makes_a_person_reachable(harness: BotHarness) -> None:
    await seed_once(harness.database, seed_commune)
    async with harness.database.write() as session:
        await set_reachable(session, OFFICER_TP_TG, False, harness.clock.now())
    officer = user(harness, OFFICER_TP_TG, "An")
    await say(harness, officer, "/nhiemvu")
    assert (await _reachable(harness, OFFICER_TP_TG)) == (True, None)


async def test_strangers_are_not_recorded(harness: BotHarness) -> None:
    await seed_once(harness.database, seed_commune)
    stranger = user(harness, 999_001, "Lạ")
    harness.api.user_blocks_bot(stranger)
    await harness.idle()
    async with harness.database.read() as session:
        assert (
            await session.scalar(select(Person).where(Person.telegram_user_id == 999_001)) is None
        )
