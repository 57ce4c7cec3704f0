"""Every catalog area exists in every language with the same keys and placeholders."""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from locales import LOCALES_DIR, SUPPORTED_LANGUAGES


def _read(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        po = read_po(fh)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str)}  # type: ignore[misc]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


AREAS = sorted({p.name for lang in SUPPORTED_LANGUAGES for p in (LOCALES_DIR / lang).glob("*.po")})


@pytest.mark.parametrize("area", AREAS)
def test_same_keys_and_placeholders_in_every_language(area: str) -> None:
    catalogs = {lang: _read(LOCALES_DIR / lang / area) for lang in SUPPORTED_LANGUAGES}
    reference = catalogs["vi"]
    for lang, messages in catalogs.items():
        assert set(messages) == set(reference), (lang, set(messages) ^ set(reference))
        for key, text in messages.items():
            assert text, f"{lang}/{area}: {key} is empty"
            assert _placeholders(text) == _placeholders(reference[key]), (lang, key)


@pytest.mark.parametrize("area", AREAS)
def test_catalog_text_is_nfc(area: str) -> None:
    for lang in SUPPORTED_LANGUAGES:
        path = LOCALES_DIR / lang / area
        raw = path.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", raw) == raw, f"{lang}/{area} is not NFC"
