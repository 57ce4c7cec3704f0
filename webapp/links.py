"""The address Telegram opens for a Mini App, built for the demo and the browser tests.

Telegram appends its launch parameters to the Mini App's URL fragment:
``tgWebAppData`` (the signed init data), ``tgWebAppVersion``,
``tgWebAppPlatform`` and ``tgWebAppThemeParams`` (JSON colours). The page's
bridge (``static/tg.js``) reads them from there, so a link built the same
way opens the dashboard in any browser, signed in as the chosen person.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from webapp.initdata import sign


def launch_url(
    base_url: str,
    init_data: str,
    *,
    theme: Mapping[str, str] | None = None,
    platform: str = "web",
) -> str:
    """``base_url`` with Telegram's launch parameters in the fragment."""
    parts = [
        "tgWebAppData=" + quote(init_data, safe=""),
        "tgWebAppVersion=8.0",
        "tgWebAppPlatform=" + quote(platform, safe=""),
    ]
    if theme:
        parts.append("tgWebAppThemeParams=" + quote(json.dumps(dict(theme)), safe=""))
    return base_url.split("#", 1)[0] + "#" + "&".join(parts)


def signed_link(
    base_url: str,
    bot_token: str,
    user: Mapping[str, Any],
    *,
    now: float | None = None,
    theme: Mapping[str, str] | None = None,
) -> str:
    """A link that opens the dashboard as ``user``, valid for an hour from ``now``."""
    moment = int(time.time() if now is None else now)
    return launch_url(base_url, sign(bot_token, user, auth_date=moment), theme=theme)
