"""chairman.po: every key the desk uses exists (parity of vi and en: tests/test_catalogs.py)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from core import callbacks as cb
from handlers import admin_settings, chairman, plan_upload
from locales import has_key

ROOT = Path(__file__).resolve().parent.parent / "locales"
SOURCES = [
    Path(__file__).resolve().parent.parent / p
    for p in (
        "handlers/chairman.py",
        "handlers/plan_upload.py",
        "handlers/admin_settings.py",
        "storage/reports.py",
        "plans/status_table.py",
        "plans/report_kinds.py",
        "storage/org_settings.py",
        "bot/commands/export.py",
    )
]


def load(lang: str) -> dict[str, str]:
    with (ROOT / lang / "chairman.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_keys_used_in_code_exist() -> None:
    pattern = re.compile(r'"((?:chairman|plan_upload|settings)\.[a-z_.]+)"')
    used = {k for path in SOURCES for k in pattern.findall(path.read_text(encoding="utf-8"))}
    # Command help prefixes ("chairman.cmd.overview") name ".short"/".help" pairs.
    used = {k for k in used if not k.endswith(".") and not has_key(f"{k}.short")}
    assert used, "no keys found"
    for key in used:
        assert has_key(key, "vi") and has_key(key, "en"), key


def test_command_menus_have_help_texts() -> None:
    for module in (chairman, plan_upload, admin_settings):
        for spec in module.COMMANDS:
            for suffix in ("short", "help"):
                assert has_key(f"{spec.help_key}.{suffix}", "vi"), spec.name
                assert has_key(f"{spec.help_key}.{suffix}", "en"), spec.name
            assert re.fullmatch(r"[a-z0-9_]{1,32}", spec.name)


def test_callback_data_fits_with_large_ids() -> None:
    big = 2**40
    for data in (
        cb.build(cb.FIELD_DRILL, big),
        cb.build(cb.UNIT_DRILL, big),
        cb.build(cb.COMMUNE_DRILL, big),
        cb.build(cb.NUDGE, big),
        cb.build(cb.IMPORT_MAP, big, 999, big),
        cb.build(cb.IMPORT_CONFIRM, big),
        cb.build(cb.IMPORT_CANCEL, big),
    ):
        assert len(data.encode()) <= 64
        assert cb.parse(data) is not None
