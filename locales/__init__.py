"""Message catalogs: every user-facing string of cchc-bot lives here.

Catalogs are gettext ``.po`` files, one per feature area, under
``locales/<lang>/<area>.po``.  The msgid is a stable dotted key
(``officer.tasks.header``) rather than the Vietnamese sentence, so that a
wording change in Vietnamese never orphans the English translation and the
catalog test can compare keys and placeholders across languages.

Placeholders use ``str.format`` syntax (``{count}``).  Vietnamese is the
fallback: a key missing in English is shown in Vietnamese, a key missing
everywhere is shown as the key itself (and the catalog test fails).

Reading the ``.po`` files takes Babel's parser (and its date and locale
modules): about a fifth of the bot's start-up. So each language's merged
catalog is also kept compiled, as ``<lang>/compiled.json`` beside the ``.po``
files, with the size and modification time of every source it came from: it is
used only while those still match, and rebuilt (atomically, when the folder is
writable) whenever a ``.po`` file changes. ``python -m locales`` builds it ahead
(the Docker image, whose package folder the bot cannot write).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent
COMPILED_NAME = "compiled.json"
#: Bumped when the compiled layout changes, so an old file is never misread.
COMPILED_FORMAT = 1
DEFAULT_LANGUAGE = "vi"
SUPPORTED_LANGUAGES = ("vi", "en")


def normalize_language(code: str | None) -> str:
    """Map a Telegram ``language_code`` (``en-US``, ``vi``) to a catalog we have."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def _sources(lang: str) -> dict[str, list[int]]:
    """Each ``.po`` file of ``lang`` with its size and modification time (ns)."""
    found: dict[str, list[int]] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.po")):
        stat = path.stat()
        found[path.name] = [stat.st_size, stat.st_mtime_ns]
    return found


def parse_catalog(lang: str) -> dict[str, str]:
    """Every ``.po`` file of ``lang`` merged, read by Babel (NFC, empty translations left out)."""
    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.po")):
        with path.open("rb") as fh:
            po = read_po(fh, locale=lang)
        for message in po:
            if not message.id or not isinstance(message.id, str):
                continue
            text = message.string if isinstance(message.string, str) else ""
            if text:
                messages[message.id] = unicodedata.normalize("NFC", text)
    return messages


def _read_compiled(lang: str, sources: dict[str, list[int]]) -> dict[str, str] | None:
    try:
        data = json.loads((LOCALES_DIR / lang / COMPILED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != COMPILED_FORMAT:
        return None
    if data.get("sources") != sources or not isinstance(data.get("messages"), dict):
        return None
    return {str(k): str(v) for k, v in data["messages"].items()}


def compile_catalog(lang: str) -> Path:
    """Parse ``lang``'s ``.po`` files and write the compiled catalog (atomically)."""
    sources = _sources(lang)
    return _write_compiled(lang, sources, parse_catalog(lang))


def _write_compiled(lang: str, sources: dict[str, list[int]], messages: dict[str, str]) -> Path:
    target = LOCALES_DIR / lang / COMPILED_NAME
    body = {"format": COMPILED_FORMAT, "sources": sources, "messages": messages}
    handle, temporary = tempfile.mkstemp(prefix=".compiled-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            json.dump(body, fh, ensure_ascii=False, sort_keys=True)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the bot may run as another user
        os.replace(temporary, target)  # readers see the old file or the new one, never half
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """Every message of one language, from the compiled file when it is current (cached)."""
    sources = _sources(lang)
    compiled = _read_compiled(lang, sources)
    if compiled is not None:
        return compiled
    messages = parse_catalog(lang)
    with contextlib.suppress(OSError):  # a read-only install still works, only slower
        _write_compiled(lang, sources, messages)
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
