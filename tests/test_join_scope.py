"""Join requests stay in their organization (issue 16 §1), through the fake Bot API.

* ``/start`` without a code reaches nobody: the stranger is told to ask their
  office, nothing is written, no plan keeper of any organization is asked;
* the organization's signed join link (shown by /moi) asks that
  organization's plan keepers only; a forged or another organization's
  signature is no link; a plan keeper of another organization cannot decide it;
* one open request per person, and after a decision a new one waits
  :data:`storage.invitations.REQUEST_COOLDOWN`, whatever display name the
  stranger now uses.
"""

from __future__ import annotations

from datetime import timedelta

from locales import t
from sandbox.harness import BotHarness
from storage.directory import add_person
from storage.invitations import REQUEST_COOLDOWN, join_link_payload
from storage.models import Role
from tests.access_support import diff, snapshot
from tests.factories import ADMIN_TG, Commune
from tests.officers_support import fresh, last, press, say, user

OTHER_ADMIN_TG = 2077


def _join(harness: BotHarness, org_id: int) -> str:
    return join_link_payload(org_id, harness.application.bot.token)


async def _other_admin(harness: BotHarness, commune: Commune) -> None:
    async with harness.database.write() as session:
        await add_person(
            session,
            commune.other_org_id,
            "Đặng Thu Hà",
            Role.ADMIN,
            telegram_user_id=OTHER_ADMIN_TG,
        )


def _bot_messages(harness: BotHarness, chat_id: int) -> int:
    return len(harness.api.bot_messages(chat_id))


async def test_start_without_code_reaches_nobody(harness: BotHarness, commune: Commune) -> None:
    await _other_admin(harness, commune)
    lan, ha = user(harness, ADMIN_TG), user(harness, OTHER_ADMIN_TG)
    seen = (_bot_messages(harness, lan.id), _bot_messages(harness, ha.id))
    stranger = harness.api.add_user("Người lạ", user_id=3101)
    before = await snapshot(harness.database)
    reply = await say(harness, stranger, "/start")
    assert reply.text == t("registration.ask_office", "vi")
    changes = diff(before, await snapshot(harness.database))
    changes.pop("chats", None)
    assert not changes, changes
    assert (_bot_messages(harness, lan.id), _bot_messages(harness, ha.id)) == seen


async def test_forged_link_is_no_link(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    seen = _bot_messages(harness, lan.id)
    stranger = harness.api.add_user("Người lạ", user_id=3102)
    good = _join(harness, commune.org_id)
    other_secret = join_link_payload(commune.org_id, "another bot's token")
    walked = f"join-{commune.other_org_id}-{good.rsplit('-', 1)[1]}"
    before = await snapshot(harness.database)
    for payload in (other_secret, walked, "join-1", "join-x-000000000000"):
        reply = await say(harness, stranger, f"/start {payload}")
        assert reply.text is not None, payload
        assert "Văn phòng - Thống kê" in reply.text, (payload, reply.text)
    changes = diff(before, await snapshot(harness.database))
    changes.pop("chats", None)
    assert not changes, changes
    assert _bot_messages(harness, lan.id) == seen


async def test_link_asks_only_that_organizations_keepers(
    harness: BotHarness, commune: Commune
) -> None:
    await _other_admin(harness, commune)
    lan, ha = user(harness, ADMIN_TG), user(harness, OTHER_ADMIN_TG)
    ha_seen = _bot_messages(harness, ha.id)
    stranger = harness.api.add_user("Lê", last_name="Văn Tư", user_id=3103)
    await say(harness, stranger, f"/start {_join(harness, commune.org_id)}")
    notice = await fresh(harness, lan.id)
    assert notice.text is not None and "Lê Văn Tư" in notice.text
    assert _bot_messages(harness, ha.id) == ha_seen  # Vĩnh Tú's keeper is not asked
    # Vĩnh Tú's keeper, pressing a forwarded copy of the buttons, cannot take the stranger.
    before = await snapshot(harness.database)
    for data in notice.button_data():
        answer = await press(harness, ha, notice, data)
        assert answer.show_alert and answer.text == t("registration.request_decided", "vi")
    changes = diff(before, await snapshot(harness.database))
    changes.pop("chats", None)
    assert not changes, changes


async def test_one_request_then_a_cooldown_after_refusal(
    harness: BotHarness, commune: Commune
) -> None:
    lan = user(harness, ADMIN_TG)
    stranger = harness.api.add_user("Khách", user_id=3104)
    link = f"/start {_join(harness, commune.org_id)}"
    await say(harness, stranger, link)
    notice = await fresh(harness, lan.id)
    await say(harness, stranger, link)  # still open: the keeper is not asked twice
    assert last(harness, lan.id) == notice
    await press(harness, lan, notice, notice.button_data()[1])  # refuse
    # Same person, new display name, at once: refused politely, nobody asked.
    stranger.first_name = "Khách mới"
    asked = _bot_messages(harness, lan.id)
    before = await snapshot(harness.database)
    reply = await say(harness, stranger, link)
    hours = int(REQUEST_COOLDOWN.total_seconds() // 3600)
    assert reply.text == t("registration.request_wait", "vi", hours=hours)
    changes = diff(before, await snapshot(harness.database))
    changes.pop("chats", None)
    assert not changes, changes
    assert _bot_messages(harness, lan.id) == asked  # the keeper is not asked again
    # A day later the person may ask again.
    harness.set_time(harness.clock.now() + REQUEST_COOLDOWN + timedelta(minutes=1))
    await say(harness, stranger, link)
    again = await fresh(harness, lan.id)
    assert again.text is not None and "Khách mới" in again.text
