"""The chats the bot has seen, and the organization's linked group.

Remembering chats lets the plan keeper link a group with one command and
lets deliveries check that a group still belongs to an organization.
Functions take an open session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from storage.db import rows_matched
from storage.directory import audit
from storage.models import Chat, Organization, Person, PersonStatus, Role


@dataclass(frozen=True, slots=True)
class ChatInfo:
    id: int
    kind: str
    title: str | None
    organization_id: int | None


async def remember_chat(
    session: AsyncSession, chat_id: int, kind: str, title: str | None
) -> ChatInfo:
    """Insert or refresh one chat row (title changes are kept up to date)."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, kind=kind[:16], title=(title or None) and title[:255])
        session.add(chat)
        await session.flush()
    elif chat.title != title and title:
        chat.title = title[:255]
    return ChatInfo(chat.id, chat.kind, chat.title, chat.organization_id)


async def link_group(
    session: AsyncSession,
    chat_id: int,
    kind: str,
    title: str | None,
    organization_id: int,
    person_id: int,
) -> ChatInfo:
    """Make ``chat_id`` the organization's group (warnings and digests may go there)."""
    await remember_chat(session, chat_id, kind, title)
    chat = await session.get(Chat, chat_id)
    org = await session.get(Organization, organization_id)
    assert chat is not None and org is not None
    if chat.organization_id is not None and chat.organization_id != organization_id:
        # One group, one commune: otherwise both communes' warnings land here.
        owner = await session.get(Organization, chat.organization_id)
        raise UserError("registration.link.taken", org=owner.name if owner else "")
    chat.organization_id = organization_id
    chat.linked_by = person_id
    previous = org.group_chat_id
    org.group_chat_id = chat_id
    await audit(
        session,
        organization_id,
        person_id,
        None,
        "group.link",
        "chat",
        chat_id,
        {"title": title, "previous": previous},
    )
    return ChatInfo(chat.id, chat.kind, chat.title, chat.organization_id)


async def stale_menus(session: AsyncSession, limit: int) -> list[tuple[int, int, str, str | None]]:
    """(person id, telegram id, role, language) of up to ``limit`` active people whose menus to set.

    Oldest first, so a round that stops at ``limit`` resumes where it left off.
    """
    rows = await session.execute(
        select(Person.id, Person.telegram_user_id, Person.role, Person.language)
        .where(
            Person.menu_version.is_(None),
            Person.status == PersonStatus.ACTIVE,
            Person.telegram_user_id.is_not(None),
        )
        .order_by(Person.id)
        .limit(limit)
    )
    return [(pid, tg, role.value, lang) for pid, tg, role, lang in rows if tg is not None]


async def mark_menus(
    session: AsyncSession, done: list[tuple[int, str, str | None]], version: str
) -> None:
    """Remember that these people's menus (person id, role, language) show ``version``.

    A person whose role or language changed since their menu was read stays to set.
    """
    for person_id, role, lang in done:
        await session.execute(
            update(Person)
            .where(
                Person.id == person_id,
                Person.role == Role(role),
                Person.language.is_(None) if lang is None else Person.language == lang,
            )
            .values(menu_version=version)
        )


async def expire_menus(session: AsyncSession, version: str) -> int:
    """Menus set for another catalogue (an upgrade changed the commands) are to set again."""
    result = await session.execute(
        update(Person)
        .where(Person.menu_version.is_not(None), Person.menu_version != version)
        .values(menu_version=None)
    )
    return rows_matched(result)
