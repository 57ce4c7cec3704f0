"""The chat's doors to the Mini App dashboard: a button under /tongquan and the menu button.

Both appear only when ``WEBAPP_URL`` is set and only for the people the
dashboard serves (``storage.reports.DASHBOARD_ROLES``: chairman, vice
chairman, admin, district viewer). Telegram allows ``web_app`` buttons in
private chats only, so a group's /tongquan gets none.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError

from locales import t
from storage.models import Role
from storage.reports import DASHBOARD_ROLES

log = logging.getLogger(__name__)


def dashboard_button(webapp_url: str | None, lang: str) -> InlineKeyboardButton:
    assert webapp_url
    return InlineKeyboardButton(t("webapp.button", lang), web_app=WebAppInfo(webapp_url))


def with_dashboard_row(
    markup: InlineKeyboardMarkup | None,
    *,
    webapp_url: str | None,
    lang: str,
    role: Role | None,
    chat_type: str | None,
) -> InlineKeyboardMarkup | None:
    """``markup`` with a "📊 Bảng điều khiển" row first, when the dashboard applies."""
    if not webapp_url or chat_type != "private" or role not in DASHBOARD_ROLES:
        return markup
    rows = [[dashboard_button(webapp_url, lang)]]
    if markup is not None:
        rows += [list(row) for row in markup.inline_keyboard]
    return InlineKeyboardMarkup(rows)


async def set_menu_button(
    bot: Any, webapp_url: str | None, telegram_user_id: int, role: Role, lang: str | None
) -> None:
    """The person's chat menu button opens the dashboard (dashboard roles, URL set)."""
    if not webapp_url or role not in DASHBOARD_ROLES:
        return
    button = MenuButtonWebApp(t("webapp.button", lang), WebAppInfo(webapp_url))
    try:
        await bot.set_chat_menu_button(chat_id=telegram_user_id, menu_button=button)
    except TelegramError as error:
        log.warning("could not set the menu button of %s: %s", telegram_user_id, error)
