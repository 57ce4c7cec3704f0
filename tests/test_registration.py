"""Registration end to end: strangers, join requests, invitations, groups, chat tracking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import callbacks as cb
from plans.clock import ManualClock
from sandbox.harness import BotHarness
from storage.models import Chat, Organization, Person, PersonStatus, PersonUnit, Role
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TP_TG,
    VIEWER_TG,
    Commune,
)
from tests.officers_support import counts, fresh, last, press, say, user


async def _person(harness: BotHarness, tg: int) -> Person | None:
    async with harness.database.read() as session:
        return await session.scalar(select(Person).where(Person.telegram_user_id == tg))


def _join(harness: BotHarness, org_id: int) -> str:
    """The organization's join-link payload, as /moi shows it to its plan keeper."""
    from storage.invitations import join_link_payload

    return join_link_payload(org_id, harness.application.bot.token)


async def test_stranger_start_and_approval_with_role_and_unit(
    harness: BotHarness, commune: Commune
) -> None:
    lan = user(harness, ADMIN_TG)
    newcomer = harness.api.add_user("Đỗ", last_name="Thị Mai", user_id=3001, username="maido")
    msg = await say(harness, newcomer, f"/start {_join(harness, commune.org_id)}")
    assert msg.text is not None and "chưa được đăng ký" in msg.text
    assert msg.button_data() == []  # nothing else: no data, no buttons
    assert await _person(harness, 3001) is None
    notice = await fresh(harness, lan.id)
    assert notice.text is not None and "Đỗ Thị Mai (@maido)" in notice.text
    approve = notice.button_data()[0]
    # A second /start does not ask the plan keeper again.
    await say(harness, newcomer, f"/start {_join(harness, commune.org_id)}")
    assert last(harness, lan.id) == notice
    # Only the plan keeper may approve.
    denied = await press(harness, user(harness, CHAIRMAN_TG), notice, approve)
    assert denied.show_alert
    await press(harness, lan, notice, approve)
    roles = harness.api.state.get_message(notice.chat_id, notice.message_id)
    assert roles is not None and roles.text is not None and "Chọn vai trò" in roles.text
    request_id = cb.parse(approve).args[0]  # type: ignore[union-attr]
    await press(harness, lan, roles, cb.build(cb.JOIN_ROLE, request_id, 0))  # officer
    units = harness.api.state.get_message(notice.chat_id, notice.message_id)
    assert units is not None and units.text is not None and "Chọn bộ phận" in units.text
    await press(harness, lan, units, cb.build(cb.JOIN_UNIT, request_id, commune.unit_ids["vh"]))
    person = await _person(harness, 3001)
    assert person is not None and person.role is Role.OFFICER
    assert person.status is PersonStatus.ACTIVE and person.full_name == "Đỗ Thị Mai"
    async with harness.database.read() as session:
        unit_ids = list(
            await session.scalars(
                select(PersonUnit.unit_id).where(PersonUnit.person_id == person.id)
            )
        )
    assert unit_ids == [commune.unit_ids["vh"]]
    told = await fresh(harness, 3001)
    assert told.text is not None and "đã được duyệt" in told.text
    assert "nhiemvu" in harness.api.commands({"type": "chat", "chat_id": 3001})
    greeting = await say(harness, newcomer, "/start")
    assert greeting.text is not None and "Xin chào Đỗ Thị Mai" in greeting.text
    assert "/nhiemvu" in greeting.text


async def test_join_request_refused(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    newcomer = harness.api.add_user("Khách", user_id=3002)
    await say(harness, newcomer, f"/start {_join(harness, commune.org_id)}")
    notice = await fresh(harness, lan.id)
    before = await counts(harness)
    await press(harness, lan, notice, notice.button_data()[1])
    assert await counts(harness) == before
    told = await fresh(harness, 3002)
    assert told.text is not None and "chưa được chấp thuận" in told.text


async def test_invitation_by_command_and_redeem(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    msg = await say(harness, lan, "/moi officer tu phap - ho tich")
    assert msg.text is not None and "Tư pháp - Hộ tịch" in msg.text
    link = next(w for w in msg.text.split() if w.startswith("https://t.me/"))
    bot_name = harness.application.bot.username
    assert link.startswith(f"https://t.me/{bot_name}?start=")
    code = link.split("start=")[1]
    assert len(code) <= 64 and code.replace("-", "").replace("_", "").isalnum()
    newcomer = harness.api.add_user("Vũ Văn Nam", user_id=3003, language_code="en")
    welcome = await say(harness, newcomer, f"/start {code}")
    assert welcome.text is not None and "Hello Vũ Văn Nam" in welcome.text  # English user
    person = await _person(harness, 3003)
    assert person is not None and person.role is Role.OFFICER and person.language == "en"
    assert "tasks" in harness.api.commands({"type": "chat", "chat_id": 3003})
    # The code is spent.
    other = harness.api.add_user("Người khác", user_id=3004)
    reused = await say(harness, other, f"/start {code}")
    assert reused.text is not None and "đã được sử dụng" in reused.text
    assert await _person(harness, 3004) is None


async def test_invitation_by_buttons_expiry_and_bad_codes(
    harness: BotHarness, commune: Commune
) -> None:
    lan = user(harness, ADMIN_TG)
    ask = await say(harness, lan, "/moi")
    await press(harness, lan, ask, cb.build(cb.INVITE_ROLE, 0))
    units = harness.api.state.get_message(ask.chat_id, ask.message_id)
    assert (
        units is not None
        and cb.build(cb.INVITE_UNIT, commune.unit_ids["tc"]) in units.button_data()
    )
    await press(harness, lan, units, cb.build(cb.INVITE_UNIT, commune.unit_ids["tc"]))
    done = harness.api.state.get_message(ask.chat_id, ask.message_id)
    assert done is not None and done.text is not None and "Tài chính - Kế toán" in done.text
    code = done.text.split("start=")[1].split()[0]
    chair_invite = await say(harness, lan, "/invite chutich")
    assert chair_invite.text is not None and "Chủ tịch UBND" in chair_invite.text
    assert isinstance(harness.clock, ManualClock)
    harness.clock.advance(timedelta(days=8))
    newcomer = harness.api.add_user("Trễ hạn", user_id=3005)
    expired = await say(harness, newcomer, f"/start {code}")
    assert expired.text is not None and "đã hết hạn" in expired.text
    wrong = await say(harness, newcomer, "/start khongcoma")
    assert wrong.text is not None and "không đúng" in wrong.text
    assert await _person(harness, 3005) is None


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        (OFFICER_TP_TG, "/moi officer Tư pháp - Hộ tịch", "không dành cho vai trò"),
        (CHAIRMAN_TG, "/moi", "không dành cho vai trò"),
        (9999, "/moi", "chưa được đăng ký"),
        (ADMIN_TG, "/moi giamdoc", "Cách dùng"),
        (ADMIN_TG, "/moi officer Phòng không có", "Không tìm thấy bộ phận"),
        (ADMIN_TG, "/moi officer", "Cán bộ thuộc bộ phận nào?"),
    ],
)
async def test_invitation_refusals(
    harness: BotHarness, commune: Commune, who: int, text: str, expected: str
) -> None:
    before = await counts(harness)
    msg = await say(harness, user(harness, who), text)
    assert msg.text is not None and expected in msg.text, msg.text
    assert await counts(harness) == before


async def test_start_for_registered_people(harness: BotHarness, commune: Commune) -> None:
    chair = await say(harness, user(harness, CHAIRMAN_TG), "/start")
    assert chair.text is not None and "Chủ tịch UBND" in chair.text and "Vĩnh Khê" in chair.text
    assert "/tongquan" in chair.text  # another feature's command shows for the chairman
    viewer = await say(harness, user(harness, VIEWER_TG), "/start")
    assert viewer.text is not None and "Xin chào Phạm Minh Đức" in viewer.text
    assert "/capnhat" not in viewer.text


async def test_group_link_and_chat_tracking(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    an = user(harness, OFFICER_TP_TG)
    group = harness.api.add_group("UBND xã Vĩnh Khê <nhóm>", [lan, an])
    denied = await say(harness, an, "/lienketnhom", chat=group)
    assert denied.text is not None and "không dành cho vai trò" in denied.text
    done = await say(harness, lan, "/lienketnhom", chat=group)
    assert done.text is not None and "UBND xã Vĩnh Khê <nhóm>" in done.text
    private = await say(harness, lan, "/lienketnhom")
    assert private.text is not None and "trong nhóm" in private.text
    async with harness.database.read() as session:
        org = await session.get(Organization, commune.org_id)
        chats = {c.id: c for c in await session.scalars(select(Chat))}
    assert org is not None and org.group_chat_id == group.id
    assert (
        chats[group.id].organization_id == commune.org_id and chats[group.id].kind == "supergroup"
    )
    assert lan.id in chats and chats[lan.id].kind == "private"
    # Updates in the group: a registered member is served, a stranger is refused.
    tasks = await say(harness, an, "/nhiemvu", chat=group)
    assert tasks.text is not None and "Nhiệm vụ của anh/chị" in tasks.text
    stranger = user(harness, 9999)
    group.members.append(stranger)
    refused = await say(harness, stranger, "/capnhat 3 50", chat=group)
    assert refused.text is not None and "chưa được đăng ký" in refused.text


async def test_invitations_are_not_made_in_a_group(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    group = harness.api.add_group("UBND xã Vĩnh Khê", [lan])
    before = await counts(harness)
    msg = await say(harness, lan, "/moi officer Tư pháp - Hộ tịch", chat=group)
    assert msg.text is not None and "tin nhắn riêng" in msg.text and "t.me" not in msg.text
    assert await counts(harness) == before
