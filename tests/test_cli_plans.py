"""``cchc-bot import-plan`` and ``cchc-bot parse-deadline`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import build_parser, main

FIXTURES = Path(__file__).parent / "fixtures"
DOCX = str(FIXTURES / "ke-hoach-cchc-vinh-khe-2024.docx")
XLSX = str(FIXTURES / "ke-hoach-cchc-vinh-khe-2024.xlsx")
TASK_KEYS = {
    "field",
    "code",
    "content",
    "product",
    "lead_units",
    "coordinating_units",
    "monitoring_unit",
    "target",
    "deadline_text",
    "deadline_kind",
    "due_date",
    "percent",
    "status_text",
    "output",
    # issue 12: hierarchy, PAR INDEX links, assumed deadlines, prose paragraphs
    "parent_code",
    "criterion_codes",
    "deadline_assumed",
    "source_text",
    "milestones",  # issue 12 §3: every dated step of the deadline
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def org(capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "org", "add", "Vĩnh Khê")[0] == 0
    assert run(capsys, "unit", "add", "Tư pháp - Hộ tịch", "--org", "Vĩnh Khê")[0] == 0
    return "Vĩnh Khê"


def check_shape(out: str) -> dict:
    data = json.loads(out)  # exactly one JSON object on stdout
    assert set(data) == {"plan", "fields", "tasks", "warnings", "groups", "layout", "skipped"}
    assert data["layout"] == "table" and data["groups"] == []
    assert data["plan"] == {
        "number": "10/KH-UBND",
        "date": "2024-01-15",
        "year": 2024,
        "organization": "UBND xã Vĩnh Khê",
    }
    assert len(data["fields"]) == 8 and len(data["tasks"]) == 28
    assert all(set(task) == TASK_KEYS for task in data["tasks"])
    first = data["tasks"][0]
    assert first["field"] == "I" and first["lead_units"] == ["Văn phòng"]
    assert (first["deadline_text"], first["deadline_kind"], first["due_date"]) == (
        "Tháng 1/2024",
        "date",
        "2024-01-31",
    )
    assert first["percent"] is None and first["monitoring_unit"] is None
    assert first["milestones"] == [{"due": "2024-01-31", "opens": "2024-01-01"}]
    return data


def test_dry_run_json_prints_the_importer_shape_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], org: str
) -> None:
    code, out, err = run(capsys, "import-plan", DOCX, "--org", org, "--dry-run", "--json")
    assert code == 0
    check_shape(out)
    assert "Xem trước kế hoạch số 10/KH-UBND" in err
    code, out, _ = run(capsys, "import-plan", XLSX, "--org", org, "--dry-run")
    assert code == 0 and "chưa ghi gì vào cơ sở dữ liệu" in out
    # Nothing was written: the real import creates the plan and its units now.
    code, out, _ = run(capsys, "import-plan", DOCX, "--org", org)
    assert code == 0
    assert out.startswith("Đã nhập kế hoạch số 10/KH-UBND: 8 lĩnh vực, 28 nhiệm vụ (28 mới).")
    assert "“Tư pháp” được hiểu là bộ phận “Tư pháp - Hộ tịch”" in out


def test_import_then_people_for_imported_units(
    capsys: pytest.CaptureFixture[str], org: str
) -> None:
    code, out, err = run(capsys, "import-plan", DOCX, "--org", org, "--json")
    assert code == 0
    check_shape(out)
    assert "Đã nhập kế hoạch số 10/KH-UBND" in err and "Văn phòng" in err
    code, out, _ = run(capsys, "unit", "list", "--org", org)
    assert "Văn phòng" in out and "Tài chính" in out and "Văn hoá" in out
    code, out, err = run(
        capsys, "person", "add", "Nguyễn Văn An", "--org", org, "--unit", "Văn phòng"
    )
    assert code == 0, err
    # "Tư pháp" was linked as a suggestion, not learned as an alias (nobody confirmed it).
    code, out, err = run(capsys, "person", "add", "Lê Thị Hoa", "--org", org, "--unit", "Tư pháp")
    assert code == 1 and "Không tìm thấy bộ phận “Tư pháp”" in err
    code, out, err = run(
        capsys, "person", "add", "Lê Thị Hoa", "--org", org, "--unit", "Tư pháp - Hộ tịch"
    )
    assert code == 0, err
    code, out, _ = run(capsys, "person", "list", "--org", org)
    assert "Nguyễn Văn An" in out and "Lê Thị Hoa" in out and "Tư pháp - Hộ tịch" in out
    code, out, _ = run(capsys, "import-plan", XLSX, "--org", org)
    assert code == 0 and "(28 không đổi)" in out


def test_bad_file_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], org: str, tmp_path: Path
) -> None:
    bad = tmp_path / "ke-hoach.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = run(capsys, "import-plan", str(bad), "--org", org)
    assert code == 1 and out == ""
    assert "“ke-hoach.docx”" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    pdf = tmp_path / "kh.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    code, _, err = run(capsys, "import-plan", str(pdf), "--org", org, "--json")
    assert code == 1 and "bị hỏng" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "import-plan", str(tmp_path / "khong-co.docx"), "--org", org)
    assert code == 1 and "Không tìm thấy tệp" in err
    code, _, err = run(capsys, "import-plan", DOCX, "--org", "Không Có")
    assert code == 1 and "Không tìm thấy đơn vị hành chính" in err
    # Nothing of the above reached the database.
    code, out, _ = run(capsys, "unit", "list", "--org", org)
    assert out.strip().splitlines() == [
        line for line in out.strip().splitlines() if "Tư pháp" in line
    ]
    code, out, _ = run(capsys, "import-plan", DOCX, "--org", org, "--dry-run")
    assert "đã có trong hệ thống" not in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("Quý I/2024",),
            {
                "text": "Quý I/2024",
                "kind": "date",
                "due_date": "2024-03-31",
                "milestones": [{"due": "2024-03-31", "opens": "2024-01-01"}],
            },
        ),
        (
            ("Quý IV", "--year", "2024"),
            {
                "text": "Quý IV",
                "kind": "date",
                "due_date": "2024-12-31",
                "milestones": [{"due": "2024-12-31", "opens": "2024-10-01"}],
            },
        ),
        (
            ("Thường xuyên",),
            {"text": "Thường xuyên", "kind": "recurring", "due_date": None, "milestones": []},
        ),
        (
            ("Theo kế hoạch kiểm tra của cấp trên",),
            {
                "text": "Theo kế hoạch kiểm tra của cấp trên",
                "kind": "event",
                "due_date": None,
                "milestones": [],
            },
        ),
        (
            ("Quý IV",),
            {"text": "Quý IV", "kind": "unknown", "due_date": None, "milestones": []},
        ),
        (
            ("Tháng 6 và tháng 12", "--year", "2024"),
            {
                "text": "Tháng 6 và tháng 12",
                "kind": "date",
                "due_date": "2024-12-31",
                "milestones": [
                    {"due": "2024-06-30", "opens": "2024-06-01"},
                    {"due": "2024-12-31", "opens": "2024-12-01"},
                ],
            },
        ),
        (
            ("Quý I/2024 và thường xuyên",),
            {
                "text": "Quý I/2024 và thường xuyên",
                "kind": "recurring",
                "due_date": "2024-03-31",
                "milestones": [{"due": "2024-03-31", "opens": "2024-01-01"}],
            },
        ),
    ],
)
def test_parse_deadline_json(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: dict
) -> None:
    code, out, _ = run(capsys, "parse-deadline", *args, "--json")
    assert code == 0
    assert json.loads(out) == expected


def test_parse_deadline_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse-deadline", "Trước 31/12/2023")
    assert (
        code == 0
        and out.strip() == "“Trước 31/12/2023”: thời hạn cố định, hạn chót ngày 31/12/2023."
    )
    _, out, _ = run(capsys, "parse-deadline", "Định kỳ")
    assert "thường xuyên/định kỳ" in out
    _, out, _ = run(capsys, "parse-deadline", "Quý IV")
    assert "--year" in out
    _, out, _ = run(capsys, "parse-deadline", "Tháng 13/2024", "--year", "2024")
    assert "chưa hiểu được thời hạn" in out and "--year" not in out


def test_parse_deadline_lists_every_milestone(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "parse-deadline", "Tháng 6 và tháng 12", "--year", "2024")
    assert "hạn chót ngày 31/12/2024" in out
    assert "Các mốc thời hạn: 30/06/2024, 31/12/2024." in out
    _, out, _ = run(capsys, "parse-deadline", "Năm 2024 và các năm tiếp theo")
    assert "31/12/2024" in out and "thường xuyên/định kỳ" in out


def test_help_has_examples() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in ("import-plan", "parse-deadline"):
        text = sub.choices[name].format_help()
        assert "Ví dụ:" in text and f"cchc-bot {name}" in text
