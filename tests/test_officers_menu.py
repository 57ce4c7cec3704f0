"""Command menus per role and language, /trogiup with other features' commands, /ngonngu."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core import callbacks as cb
from handlers.menu import MENUS_PER_ROUND, catalogue_version, on_startup, publish_menus
from sandbox.harness import BotHarness
from storage.models import Person, Role
from tests.db_template import seed_once
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TP_TG,
    VIEWER_TG,
    Commune,
    seed_commune,
)
from tests.officers_support import press, say, user


@pytest.fixture
async def commune(harness: BotHarness) -> Commune:
    seeded = await seed_once(harness.database, seed_commune)
    await on_startup(harness.application)  # as at a restart, now that people exist
    await publish_menus(harness.application)  # the menu round the scheduler runs each tick
    return seeded


def chat_menu(harness: BotHarness, tg: int) -> list[str]:
    return harness.api.commands({"type": "chat", "chat_id": tg})


async def test_menus_per_scope_role_and_language(harness: BotHarness, commune: Commune) -> None:
    assert harness.api.commands("default") == ["start", "trogiup"]
    assert harness.api.commands("default", "en") == ["start", "help"]
    officer = chat_menu(harness, OFFICER_TP_TG)
    assert {"nhiemvu", "capnhat", "giahan", "lichsu", "trogiup", "ngonngu"} <= set(officer)
    assert "moi" not in officer and "tongquan" not in officer
    admin = chat_menu(harness, ADMIN_TG)
    assert {"moi", "lienketnhom", "nhiemvu"} <= set(admin)
    chairman = chat_menu(harness, CHAIRMAN_TG)
    assert "tongquan" in chairman and "moi" not in chairman
    viewer = chat_menu(harness, VIEWER_TG)
    assert "capnhat" not in viewer and "trogiup" in viewer
    for tg in (OFFICER_TP_TG, ADMIN_TG, CHAIRMAN_TG):
        for entry in harness.api.command_list({"type": "chat", "chat_id": tg}):
            assert entry["description"] and entry["command"].isascii()


async def test_help_lists_each_command_of_the_role_with_an_example(
    harness: BotHarness, commune: Commune
) -> None:
    officer = await say(harness, user(harness, OFFICER_TP_TG), "/trogiup")
    assert officer.text is not None
    assert "/capnhat (/update)" in officer.text and "Ví dụ: /capnhat 3 60" in officer.text
    assert "/giahan" in officer.text and "/moi" not in officer.text
    chairman = await say(harness, user(harness, CHAIRMAN_TG), "/help")
    assert chairman.text is not None and "/tongquan" in chairman.text
    stranger = await say(harness, user(harness, 9999), "/trogiup")
    assert stranger.text is not None and "/start" in stranger.text
    assert "/nhiemvu" not in stranger.text and "chưa được đăng ký" in stranger.text
    english = await say(harness, user(harness, 9998, lang="en"), "/help")
    assert english.text is not None and "How to use" in english.text


async def test_language_choice_changes_replies_and_menu(
    harness: BotHarness, commune: Commune
) -> None:
    an = user(harness, OFFICER_TP_TG)
    ask = await say(harness, an, "/ngonngu")
    assert ask.button_data() == [cb.build(cb.LANGUAGE, 0), cb.build(cb.LANGUAGE, 1)]
    await press(harness, an, ask, cb.build(cb.LANGUAGE, 1))
    done = harness.api.state.get_message(ask.chat_id, ask.message_id)
    assert done is not None and done.text == "Language set to English."
    async with harness.database.read() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == an.id))
    assert person is not None and person.language == "en"
    tasks = await say(harness, an, "/nhiemvu")
    assert tasks.text is not None and "Your tasks" in tasks.text and "days left" in tasks.text
    assert "tasks" in chat_menu(harness, an.id) and "nhiemvu" not in chat_menu(harness, an.id)
    bad = await say(harness, an, "/update 3 120")
    assert bad.text is not None and "between 0 and 100%" in bad.text
    back = await say(harness, an, "/language")
    await press(harness, an, back, cb.build(cb.LANGUAGE, 0))
    again = await say(harness, an, "/nhiemvu")
    assert again.text is not None and "Nhiệm vụ của anh/chị" in again.text


async def test_language_refused_for_strangers(harness: BotHarness, commune: Commune) -> None:
    msg = await say(harness, user(harness, 9999), "/ngonngu")
    assert msg.text is not None and "chưa được đăng ký" in msg.text
    assert msg.button_data() == []


def _person_menu_calls(harness: BotHarness) -> list[int]:
    """Chat ids of the per-person setMyCommands calls so far."""
    scopes = [
        json.loads(s) if isinstance(s := params.get("scope") or "{}", str) else s
        for method, params in harness.api.state.calls
        if method.lower() == "setmycommands"
    ]
    return [int(scope["chat_id"]) for scope in scopes if scope.get("type") == "chat"]


async def _versions(harness: BotHarness) -> dict[int, str | None]:
    async with harness.database.read() as session:
        rows = await session.execute(
            select(Person.telegram_user_id, Person.menu_version).where(
                Person.telegram_user_id.is_not(None)
            )
        )
    return {int(tg): version for tg, version in rows}


async def test_start_up_sets_no_person_menu_and_rounds_set_each_once(
    harness: BotHarness,
) -> None:
    await seed_once(harness.database, seed_commune)
    await on_startup(harness.application)
    assert _person_menu_calls(harness) == []  # the bot polls without waiting for them
    assert harness.api.commands("default") == ["start", "trogiup"]
    people = len(await _versions(harness))
    assert people > 2
    assert await publish_menus(harness.application, limit=2) == 2
    assert await publish_menus(harness.application, limit=people) == people - 2
    assert await publish_menus(harness.application) == 0
    calls = _person_menu_calls(harness)
    assert sorted(calls) == sorted(set(calls)) and len(calls) == people
    assert harness.settings is not None
    version = catalogue_version(harness.settings.webapp_url)
    assert set((await _versions(harness)).values()) == {version}
    await on_startup(harness.application)  # a restart with the same catalogue
    assert await publish_menus(harness.application) == 0
    assert len(_person_menu_calls(harness)) == people


async def test_a_role_change_or_a_new_catalogue_sets_the_menu_again(
    harness: BotHarness, commune: Commune
) -> None:
    before = len(_person_menu_calls(harness))
    async with harness.database.write() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == VIEWER_TG))
        assert person is not None
        person.role = Role.CHAIRMAN
    assert (await _versions(harness))[VIEWER_TG] is None
    assert await publish_menus(harness.application) == 1
    assert _person_menu_calls(harness)[before:] == [VIEWER_TG]
    assert "tongquan" in chat_menu(harness, VIEWER_TG)
    # an upgrade that changes the commands: every menu is set again, a round at a time
    async with harness.database.write() as session:
        await session.execute(
            Person.__table__.update()
            .where(Person.menu_version.is_not(None))
            .values(menu_version="0" * 16)
        )
    await on_startup(harness.application)
    people = len(await _versions(harness))
    assert set((await _versions(harness)).values()) == {None}
    assert await publish_menus(harness.application) == min(people, MENUS_PER_ROUND)
