"""The compiled catalogs: the same messages as the .po files, and never stale.

The bot reads ``<lang>/compiled.json`` instead of parsing the ``.po`` files
(locales module docstring); a translator's edit must show at the next start
all the same, and a folder the bot cannot write must only make it slower.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import locales


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the catalogs, so edits here never touch the repository's."""
    copy = tmp_path / "locales"
    for lang in locales.SUPPORTED_LANGUAGES:
        shutil.copytree(
            locales.LOCALES_DIR / lang, copy / lang, ignore=shutil.ignore_patterns("compiled.json")
        )
    monkeypatch.setattr(locales, "LOCALES_DIR", copy)
    locales.catalog.cache_clear()
    yield copy
    locales.catalog.cache_clear()


@pytest.mark.parametrize("lang", locales.SUPPORTED_LANGUAGES)
def test_the_compiled_catalog_holds_what_the_po_files_say(folder: Path, lang: str) -> None:
    parsed = locales.parse_catalog(lang)
    assert len(parsed) > 500
    assert dict(locales.catalog(lang)) == parsed  # first read: parsed, and compiled on the way
    assert (folder / lang / locales.COMPILED_NAME).exists()
    locales.catalog.cache_clear()
    assert dict(locales.catalog(lang)) == parsed  # second read: from the compiled file


def test_an_edited_po_file_is_read_again(folder: Path) -> None:
    locales.catalog("vi")  # compiled now
    locales.catalog.cache_clear()
    po = folder / "vi" / "common.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text + '\nmsgid "test.compiled.fresh"\nmsgstr "Bản dịch mới"\n', encoding="utf-8")
    assert locales.t("test.compiled.fresh", "vi") == "Bản dịch mới"
    stored = json.loads((folder / "vi" / locales.COMPILED_NAME).read_text(encoding="utf-8"))
    assert stored["messages"]["test.compiled.fresh"] == "Bản dịch mới"  # and compiled again


def test_a_damaged_or_foreign_compiled_file_is_ignored(folder: Path) -> None:
    target = folder / "vi" / locales.COMPILED_NAME
    target.write_text("{ not json", encoding="utf-8")
    assert (
        locales.t("common.error.unexpected", "vi")
        == locales.parse_catalog("vi")["common.error.unexpected"]
    )
    locales.catalog.cache_clear()
    body = json.loads(target.read_text(encoding="utf-8"))
    body["format"] = 0  # a layout this code does not know
    body["messages"]["common.error.unexpected"] = "sai"
    target.write_text(json.dumps(body), encoding="utf-8")
    assert locales.t("common.error.unexpected", "vi") != "sai"


def test_a_folder_the_bot_cannot_write_only_makes_it_slower(folder: Path) -> None:
    blocked = folder / "vi" / locales.COMPILED_NAME
    blocked.mkdir()  # neither readable as a file nor replaceable, even for root
    assert dict(locales.catalog("vi")) == locales.parse_catalog("vi")
    assert blocked.is_dir()
    assert [p.name for p in (folder / "vi").iterdir() if p.name.startswith(".compiled-")] == []


def test_python_m_locales_writes_readable_files(folder: Path) -> None:
    for lang in locales.SUPPORTED_LANGUAGES:
        path = locales.compile_catalog(lang)
        assert path.stat().st_mode & 0o444 == 0o444  # the bot may run as another user
