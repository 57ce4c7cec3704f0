"""importing.po: only importing.* keys, and every key the reader emits exists.

Parity of vi and en (keys, placeholders, NFC) is tests/test_catalogs.py's, for every area.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from locales import t
from plans.importing import load_plan
from tests import doc_builders as b

ROOT = Path(__file__).resolve().parent.parent / "locales"


def load(lang: str) -> dict[str, str]:
    with (ROOT / lang / "importing.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_only_importing_keys():
    assert all(k.startswith("importing.") for k in load("vi"))


def test_emitted_warning_and_skip_keys_exist():
    vi = load("vi")
    plans = [
        load_plan(b.progress_report_docx(), "a.docx"),
        load_plan(b.par_index_docx(), "b.docx"),
    ]
    for plan in plans:
        for warning in plan.warnings:
            assert warning.key in vi
            t(warning.key, "vi", **warning.params)
            t(warning.key, "en", **warning.params)
        for row in plan.skipped_rows:
            assert row.reason in vi
            t("importing.report.skipped_row", "vi", row=row.source_row, reason=t(row.reason, "vi"))


def test_report_summary_wording():
    text = t("importing.report.summary", "vi", fields=8, tasks=28, filename="kh.docx")
    assert text.startswith("Đã đọc 8 lĩnh vực, 28 nhiệm vụ")
