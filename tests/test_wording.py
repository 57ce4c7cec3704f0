"""Wording (issue 14 §3): the register of an administrative office, one term per idea.

Catalog-wide rules are checked over every .po file, so a new message cannot
bring back «…» quotes, "minh chứng" or a command-line flag in chat; the
phrases that depend on data are checked where they are built.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from locales import t
from plans.wording import short_date, week_from_subject, week_range
from sandbox.harness import BotHarness
from tests.factories import ADMIN_TG, OFFICER_TP_TG, VIEWER_TG, Commune

ROOT = Path(__file__).resolve().parents[1]


def _catalog(lang: str) -> dict[tuple[str, str], str]:
    found = {}
    for path in sorted((ROOT / "locales" / lang).glob("*.po")):
        with path.open("rb") as fh:
            for m in read_po(fh):
                if m.id:
                    found[(path.stem, str(m.id))] = str(m.string)
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_guillemets_anywhere(lang):
    bad = [key for key, text in _catalog(lang).items() if "«" in text or "»" in text]
    assert not bad, bad


def test_one_term_per_idea_in_vietnamese():
    vi = _catalog("vi")
    assert not [k for k, v in vi.items() if "minh chứng" in v]  # "tài liệu kiểm chứng"
    assert not [k for k, v in vi.items() if "trung bình" in v or "tỷ lệ bình quân" in v]
    assert not [k for k, v in vi.items() if "nhắc:" in v]  # "Đồng chí … đề nghị:"


def test_chat_messages_name_no_command_line_flag():
    for key in (
        ("plan_import", "plan_import.error.no_year"),
        ("par_index", "par_index.error.no_year"),
        ("registration", "registration.invite.usage"),
        ("registration", "registration.cmd.invite.help"),
    ):
        text = _catalog("vi")[key]
        assert not re.search(r"--[a-z]", text), key
    usage = _catalog("vi")[("registration", "registration.invite.usage")]
    assert "canbo" in usage and "chutich" in usage and "phochutich" in usage
    assert "vanphong" in usage
    assert not re.search(r"\b(officer|chairman|admin)\b", usage)
    assert "ghi năm trong tệp" in t("plan_import.error.no_year", "vi", filename="kh.docx")


def test_extension_help_says_the_chairman_decides():
    text = t("officer.cmd.extend.help", "vi")
    assert text.startswith("Đề nghị gia hạn; Chủ tịch UBND xem xét, quyết định.")


def test_week_is_a_date_range():
    assert week_from_subject("week:2024-W23", "vi") == "từ 03/6 đến 09/6/2024"
    assert week_range(date(2024, 12, 30), "vi") == "từ 30/12/2024 đến 05/01/2025"
    assert week_from_subject("week:2024-W06", "vi") == "từ 05/02 đến 11/02/2024"
    assert week_from_subject("not a week", "vi") == "not a week"
    assert short_date(date(2024, 1, 5), with_year=False) == "05/01"
    title = t("reminders.weekly.title", "vi", week=week_from_subject("week:2024-W23", "vi"))
    assert "tuần từ 03/6 đến 09/6/2024" in title and "W23" not in title


def test_plan_preview_without_a_year():
    from plans.importing.outcome import _plan_label

    assert _plan_label(None, None, "vi") == "kế hoạch (chưa xác định được năm)"
    assert "?" not in _plan_label(None, None, "en")
    assert _plan_label(None, 2024, "vi") == "kế hoạch năm 2024"


# --------------------------------------------------------------------------- in chat


async def _say(harness: BotHarness, tg: int, text: str):  # type: ignore[no-untyped-def]
    u = harness.api.add_user("U", user_id=tg)
    before = len(harness.api.bot_messages(u.id))
    harness.api.user_sends_text(u, None, text)
    await harness.api.wait_for_bot_message(
        u.id, lambda m: len(harness.api.bot_messages(u.id)) > before
    )
    await harness.idle()
    return harness.api.bot_messages(u.id)[-1]


async def test_unknown_command_and_nothing_to_cancel_get_a_hint(
    harness: BotHarness, progress_commune: Commune
) -> None:
    msg = await _say(harness, OFFICER_TP_TG, "/abc")
    assert msg.text == "Không có lệnh /abc. Gõ /trogiup để xem các lệnh."
    msg = await _say(harness, ADMIN_TG, "/huy")
    assert msg.text == "Không có thao tác nào đang chờ để hủy. Gõ /trogiup để xem các lệnh."


async def test_command_update_points_at_no_missing_buttons(
    harness: BotHarness, progress_commune: Commune
) -> None:
    msg = await _say(harness, OFFICER_TP_TG, "/capnhat 3 50")
    assert "Chọn nút bên dưới" not in msg.text
    assert "Để cập nhật tiếp, gõ /capnhat 3" in msg.text
    # "Thời hạn: 10/06/2024 (…)", never "Thời hạn: hạn 10/06/2024".
    line = next(x for x in msg.text.splitlines() if x.startswith("Thời hạn:"))
    assert line.startswith("Thời hạn: 10/06/2024") and "hạn hạn" not in line


async def test_district_overdue_heads_each_commune_by_its_kind(
    harness: BotHarness, progress_commune: Commune
) -> None:
    msg = await _say(harness, VIEWER_TG, "/quahan")
    assert "— Xã Vĩnh Khê —" in msg.text
    assert t("chairman.overdue.commune", "vi", kind="Phường", name="Đông Lễ") == (
        "<b>— Phường Đông Lễ —</b>"
    )
