"""Who may open the dashboard, and which organizations they may look at.

The same rules as the chat commands (``handlers.chairman.VIEWERS``, checked
by a test so the two cannot drift): deny by default; the chairman, vice
chairman and admin see their own organization; a district viewer sees the
district table and the communes under their district, nothing else;
officers, people no longer active and strangers see nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from locales import normalize_language
from storage.directory import OrgInfo, PersonInfo, org_info, person_by_telegram_id
from storage.models import Organization, PersonStatus, Role
from storage.reports import DASHBOARD_ROLES, is_commune_of
from webapp.initdata import WebAppUser


class Forbidden(Exception):
    """The person may not see this (a 403); ``reason`` is a short code, ``lang`` for wording."""

    def __init__(self, reason: str, lang: str = "vi") -> None:
        super().__init__(reason)
        self.reason = reason
        self.lang = lang


@dataclass(frozen=True, slots=True)
class Viewer:
    """A registered person allowed on the dashboard."""

    person: PersonInfo
    org: OrgInfo
    lang: str

    @property
    def is_district(self) -> bool:
        return self.person.role is Role.DISTRICT_VIEWER


def language(person: PersonInfo | None, user: WebAppUser, default: str) -> str:
    """The chosen language, else the Telegram one, else the default (the chat's rule)."""
    if person is not None and person.language:
        return normalize_language(person.language)
    if user.language_code:
        return normalize_language(user.language_code)
    return normalize_language(default)


async def viewer_for(session: AsyncSession, user: WebAppUser, default_lang: str) -> Viewer:
    """The dashboard viewer behind a validated Telegram user, or :class:`Forbidden`."""
    person = await person_by_telegram_id(session, user.id)
    lang = language(person, user, default_lang)
    if person is None or person.status is not PersonStatus.ACTIVE:
        raise Forbidden("stranger", lang)
    if person.role not in DASHBOARD_ROLES:
        raise Forbidden("role", lang)
    org = await session.get(Organization, person.organization_id)
    if org is None:
        raise Forbidden("stranger", lang)
    return Viewer(person=person, org=org_info(org), lang=lang)


async def check_org(session: AsyncSession, viewer: Viewer, org_id: int | None) -> int:
    """The organization a request may read (``None`` = the viewer's own), or Forbidden.

    A district viewer has no plan of their own: they must name a commune of
    their district.
    """
    if viewer.is_district:
        if org_id is None or not await is_commune_of(session, viewer.org.id, org_id):
            raise Forbidden("other_org", viewer.lang)
        return org_id
    if org_id is not None and org_id != viewer.org.id:
        raise Forbidden("other_org", viewer.lang)
    return viewer.org.id
