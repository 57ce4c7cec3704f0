"""The demo ships last year's scorecard: a newcomer's /chiso answers at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_demo_chairman_sees_the_par_index_desk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "kich-ban.txt"
    script.write_text(":as chairman\n/chiso\n:as 1\n/chiso\n:quit\n", encoding="utf-8")
    db = tmp_path / "demo" / "demo.sqlite3"
    code = main(["demo", "--script", str(script), "--db", str(db), "--speed", "1"])
    output = capsys.readouterr().out
    assert code == 0, output
    assert (
        "Đã nạp kết quả Chỉ số CCHC năm 2023 của xã (Tổng điểm 81,863/100 · xếp loại tốt" in output
    )
    chairman = output.split("[Lê Văn Hùng · Chủ tịch UBND xã] > /chiso", 1)[1].split("> :as 1")[0]
    assert "Chỉ số CCHC năm 2023 — Vĩnh Khê" in chairman
    assert "Tổng điểm 81,863/100 · xếp loại tốt · vị thứ 31/141" in chairman
    assert "Mất điểm nhưng chưa có nhiệm vụ khắc phục" in chairman
    orphans = chairman.split("Mất điểm nhưng chưa có nhiệm vụ khắc phục", 1)[1]
    assert "7.3 Thực hiện tiếp nhận hồ sơ" in orphans
    assert "Dự kiến năm 2024" in chairman
    # The Tư pháp officer: criterion 2.1 and 2.2 served by the plan's field II tasks.
    officer = output.split("[Nguyễn Văn An · Tư pháp - Hộ tịch] > /chiso", 1)[1]
    assert "2.2 Theo dõi thi hành pháp luật" in officer
    assert "81,863" not in officer.split("> :quit")[0]
