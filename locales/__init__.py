"""Message catalogs: every user-facing string of cchc-bot lives here.

Catalogs are gettext ``.po`` files, one per feature area, under
``locales/<lang>/<area>.po``.  The msgid is a stable dotted key
(``officer.tasks.header``) rather than the Vietnamese sentence, so that a
wording change in Vietnamese never orphans the English translation and the
catalog test can compare keys and placeholders across languages.

Placeholders use ``str.format`` syntax (``{count}``).  Vietnamese is the
fallback: a key missing in English is shown in Vietnamese, a key missing
everywhere is shown as the key itself (and the catalog test fails).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "vi"
SUPPORTED_LANGUAGES = ("vi", "en")


def normalize_language(code: str | None) -> str:
    """Map a Telegram ``language_code`` (``en-US``, ``vi``) to a catalog we have."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """Load and merge every ``.po`` file of one language (cached for the process)."""
    messages: dict[str, str] = {}
    folder = LOCALES_DIR / lang
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as fh:
            po = read_po(fh, locale=lang)
        for message in po:
            if not message.id or not isinstance(message.id, str):
                continue
            text = message.string if isinstance(message.string, str) else ""
            if text:
                messages[message.id] = unicodedata.normalize("NFC", text)
    return messages


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` and fill its placeholders."""
    lang = normalize_language(lang)
    text = catalog(lang).get(key)
    if text is None and lang != DEFAULT_LANGUAGE:
        text = catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = key
    if params:
        text = text.format(**params)
    return unicodedata.normalize("NFC", text)


def has_key(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    """Tell whether ``key`` exists in the catalog of ``lang``."""
    return key in catalog(normalize_language(lang))
