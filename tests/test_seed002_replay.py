"""Seed 002 replayed: its 6-month table imported ``--as-of 2023-06-14`` (issue 11, defect 8).

The commune's report says "đã thực hiện tốt 27/32": done *or on schedule*.
Through our rules (plans/completion.py, README "How completion is counted")
the same table gives 17 done and 14 on track; the one left is VI.3, whose
only cell is the remark "6 tháng đầu năm chưa có thanh kiểm tra".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.seed002 import TASKS, seed002_xlsx

SENTENCE = (
    "đã hoàn thành 17/32 nhiệm vụ, 14 nhiệm vụ đang thực hiện đúng tiến độ, "
    "1 nhiệm vụ chậm tiến độ (trong đó 0 nhiệm vụ quá hạn, 1 nhiệm vụ chưa triển khai)"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, "org", "add", "Kim Thạch")[0] == 0
    path = tmp_path / "tien-do-6-thang-2023.xlsx"
    path.write_bytes(seed002_xlsx())
    return path


def export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    code, out, err = run(
        capsys,
        "export-status",
        "--org",
        "Kim Thạch",
        "--period",
        "6thang",
        "--year",
        "2023",
        "--as-of",
        "2023-06-20T09:00:00+07:00",
        "--out",
        str(tmp_path / "h1.csv"),
    )
    assert code == 0, err
    return out


def test_seed_002_as_of_the_period_end_counts_done_and_on_track(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert TASKS == 32
    code, out, err = run(
        capsys,
        "import-plan",
        str(table),
        "--org",
        "Kim Thạch",
        "--year",
        "2023",
        "--as-of",
        "2023-06-14",
    )
    assert code == 0, err
    assert "tính đến ngày 14/06/2023, thuộc kỳ báo cáo 6 tháng đầu năm 2023" in out
    out = export(capsys, tmp_path)
    assert "(17/32 nhiệm vụ hoàn thành)" in out
    assert SENTENCE in out


def test_without_as_of_the_figures_miss_the_period(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The defect: dated at the moment of import, the 6-month appendix said 0/32."""
    code, _, err = run(capsys, "import-plan", str(table), "--org", "Kim Thạch", "--year", "2023")
    assert code == 0, err
    assert "(0/32 nhiệm vụ hoàn thành)" in export(capsys, tmp_path)


def test_a_bad_as_of_is_refused_with_an_example(
    table: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "import-plan", str(table), "--org", "Kim Thạch", "--as-of", "giữa tháng 6"
    )
    assert code != 0
    assert "--as-of 2023-06-14" in err


def test_overview_cli_json_is_the_same_figures(
    table: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI twin of /tongquan: a stable JSON contract with the five standings."""
    import json

    code, _, err = run(
        capsys,
        "import-plan",
        str(table),
        "--org",
        "Kim Thạch",
        "--year",
        "2023",
        "--as-of",
        "2023-06-14",
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        "overview",
        "--org",
        "Kim Thạch",
        "--period",
        "6thang",
        "--year",
        "2023",
        "--as-of",
        "2023-06-20T09:00:00+07:00",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "organization", "as_of", "today", "period", "total", "done", "on_track", "behind",
        "overdue", "not_started", "due_soon", "mean_percent", "with_figure", "unassigned",
        "sentence", "by_field", "by_unit",
    }  # fmt: skip
    assert (data["period"], data["today"]) == ("2023-H1", "2023-06-14")
    assert (data["total"], data["done"], data["on_track"], data["not_started"]) == (32, 17, 14, 1)
    assert data["with_figure"] == 29  # IV.6, V.3 (status only) and VI.3 (remark) are blank
    assert data["sentence"] == SENTENCE
    assert sum(f["total"] for f in data["by_field"]) == 32
    code, out, _ = run(capsys, "overview", "--org", "Kim Thạch", "--period", "6thang",
                       "--year", "2023", "--as-of", "2023-06-20T09:00:00+07:00")  # fmt: skip
    assert code == 0 and SENTENCE in out
