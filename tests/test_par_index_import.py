"""PAR INDEX scores in: seed 000's prose (.docx) and the same numbers as a table.

Every field and criterion is checked number by number against
``tests/par_index_seed.py`` (written by hand from the seed), for the prose,
for an .xlsx, a .docx table and a semicolon CSV as scoring software exports
them, and through ``cchc-bot import-scores`` with its JSON contract.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.cli import main
from plans.criteria_codes import find_criterion_codes
from plans.par_index.model import Group, Level, Scorecard
from plans.par_index.reader import NoScoresError, load_scores
from storage.db import Database
from storage.models import ParCriterion, ParScorecard
from tests import par_index_seed as seed
from tests.doc_builders import TableSpec, docx_bytes

FIXTURE = (
    Path(__file__).parent / "fixtures" / "par_index" / "danh-gia-chi-so-cchc-2022-duong-hoa.docx"
)
HEADER = [
    "STT",
    "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm bị trừ",
    "Tài liệu kiểm chứng",
    "Ghi chú",
]


def check_against_seed(card: Scorecard, *, appraised_only: bool = True) -> None:
    assert card.year == seed.YEAR
    assert card.total == seed.TOTAL
    assert (card.rating, card.rank, card.rank_of) == (seed.RATING, seed.RANK, seed.RANK_OF)
    assert card.max_total == Decimal(100)
    assert len(card.fields) == len(seed.FIELDS)
    for got, (code, title, score, maximum, group) in zip(card.fields, seed.FIELDS, strict=True):
        assert (got.code, got.score, got.max, got.group.value) == (code, score, maximum, group)
        assert got.title.startswith(title), (got.title, title)
    assert len(card.criteria) == len(seed.CRITERIA)
    for got, expected in zip(card.criteria, seed.CRITERIA, strict=True):
        code, parent, title, score, maximum, lost, reason = expected
        assert (got.code, got.parent_code) == (code, parent), (got, expected)
        assert got.title.startswith(title), (got.title, title)
        assert (got.score, got.max, got.points_lost) == (score, maximum, lost), got
        if reason is None:
            assert got.reason is None or card.form == "table", got.reason
        else:
            assert got.reason is not None and got.reason.startswith(reason), got.reason
    survey = [c for c in card.criteria if c.group is Group.SURVEY]
    assert [c.code for c in survey] == ["9.1", "9.2", "9.3", "9.4", "9.5"]


def test_seed_000_prose_docx_number_by_number() -> None:
    card = load_scores(FIXTURE.read_bytes(), FIXTURE.name)
    assert card.form == "prose"
    check_against_seed(card)
    subs = [c for c in card.criteria if c.level is Level.SUB]
    assert [c.parent_code for c in subs] == ["3.4", "3.4", "3.4", "6.3"]
    keys = [w.key for w in card.warnings]
    # 1,96/2 "bị trừ 0,4" and 81,863 ≠ 75,73: imported, each listed.
    assert keys == ["par_index.warning.lost_mismatch", "par_index.warning.total_sum"]
    assert card.warnings[1].params == {"total": Decimal("81.863"), "sum": Decimal("75.73")}


def _table_rows(comma: bool = True) -> list[list[object]]:
    def num(value: Decimal | None) -> object:
        if value is None:
            return ""
        return seed.vi(value) if comma else float(value)

    rows: list[list[object]] = [HEADER]
    rows.append(["I", "NHÓM I: TỰ ĐÁNH GIÁ", "", "", "", "", "", ""])
    by_field: dict[str, list[tuple]] = {}
    for item in seed.CRITERIA:
        field_code = (item[1] or "").split(".")[0]
        by_field.setdefault(field_code, []).append(item)
    for code, title, score, maximum, group in seed.FIELDS:
        if group == "survey":
            rows.append(["II", "NHÓM II: ĐIỀU TRA XÃ HỘI HỌC (SIPAS)", "", "", "", "", "", ""])
        rows.append([code, title, num(maximum), num(maximum), num(score), "", "", ""])
        for c_code, parent, c_title, c_score, c_max, lost, reason in by_field.get(code, []):
            label = c_title if c_code or parent == code else "+ " + c_title
            rows.append(
                [
                    c_code or "",
                    label,
                    num(c_max),
                    num(c_max),
                    num(c_score),
                    num(lost),
                    "Báo cáo số…",
                    reason or "",
                ]
            )
    rows.append(
        [
            "",
            "Tổng cộng",
            "100",
            "",
            seed.vi(seed.TOTAL) if comma else float(seed.TOTAL),
            "",
            "",
            "",
        ]
    )
    return rows


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÔNG TÁC CCHC NĂM 2022 — xã Dương Hòa"])
    sheet.append(["Xếp loại: Tốt; vị thứ 31/141"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _check_table(card: Scorecard) -> None:
    assert card.form == "table"
    assert card.rating and card.rating.lower() == seed.RATING
    card.rating = seed.RATING
    check_against_seed(card)
    assert all(c.self_score == c.max for c in card.criteria)  # the self-assessed column
    assert card.criteria[0].evidence == "Báo cáo số…"


@pytest.mark.parametrize("comma", [True, False], ids=["text-comma", "numbers"])
def test_same_numbers_from_an_xlsx_table(comma: bool) -> None:
    card = load_scores(_xlsx(_table_rows(comma)), "bang-diem-2022.xlsx")
    _check_table(card)


def test_same_numbers_from_a_docx_table_and_a_csv() -> None:
    rows = [[str(v) for v in row] for row in _table_rows()]
    data = docx_bytes(
        [
            "KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2022",
            "Tổng điểm 81,863; xếp loại: tốt, vị thứ 31/141",
            TableSpec(rows),
        ]
    )
    _check_table(load_scores(data, "bang-diem.docx"))
    lines = ["Kết quả đánh giá chỉ số CCHC năm 2022; xếp loại: tốt; vị thứ: 31/141"]
    lines += [";".join(f'"{v}"' for v in row) for row in rows]
    _check_table(load_scores("\n".join(lines).encode(), "bang-diem.csv"))


def test_bad_input_is_listed_not_fatal() -> None:
    rows = [
        HEADER,
        ["1", "Công tác chỉ đạo, điều hành", "10", "", "9", "", "", ""],
        ["1.1", "Kế hoạch CCHC", "2", "", "3", "", "", ""],  # above its max
        ["1.2", "Báo cáo định kỳ", "8", "", "5", "", "", ""],
        ["7.3", "Bưu chính công ích", "1,5", "", "0", "", "", "không thực hiện"],  # wrong field
        ["", "Tổng cộng", "10", "", "12", "", "", ""],  # not the fields' sum
    ]
    card = load_scores(_xlsx(rows), "x.xlsx", year=2023)
    keys = [w.key for w in card.warnings]
    assert "par_index.warning.above_max" in keys
    assert "par_index.warning.unknown_code" in keys
    assert "par_index.warning.total_sum" in keys
    assert [c.code for c in card.criteria] == ["1.1", "1.2", "7.3"]
    assert card.criteria[2].reason == "không thực hiện"


def test_no_scores_is_a_polite_error() -> None:
    data = docx_bytes(["Kế hoạch cải cách hành chính năm 2024", "Không có điểm nào ở đây."])
    with pytest.raises(NoScoresError) as caught:
        load_scores(data, "ke-hoach.docx")
    assert caught.value.params["filename"] == "ke-hoach.docx"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Thực hiện cơ chế một cửa liên thông (TCTP 3.2)", ["3.2"]),
        ("Báo cáo kết quả (Tại TCTP 6.3.1)", ["6.3.1"]),
        ("Kế hoạch CCHC (TCTP 1.1); báo cáo định kỳ (TCTP 1.2)", ["1.1", "1.2"]),
        ("theo tiêu chí thành phần 2.1, 2.2 và 2.3", ["2.1", "2.2", "2.3"]),
        ("Quyết định số 2204/QĐ-UBND ngày 12/9/2022; Nghị định 130/2005", []),
        ("Tỷ lệ 3.2% hồ sơ", []),
    ],
)
def test_criterion_citations(text: str, codes: list[str]) -> None:
    assert find_criterion_codes(text) == codes


# --------------------------------------------------------------------------- CLI


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def org(capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "org", "add", "Dương Hòa")[0] == 0
    return "Dương Hòa"


CONTRACT_TOP = {"year", "total", "max_total", "rating", "rank", "fields", "criteria"}
CONTRACT_FIELD = {"code", "title", "score", "max"}
CONTRACT_CRITERION = {"code", "title", "score", "max", "lost", "reason", "parent_code"}


def test_cli_dry_run_json_contract(capsys: pytest.CaptureFixture[str], org: str) -> None:
    code, out, err = run(
        capsys, "import-scores", str(FIXTURE), "--org", org, "--year", "2022", "--dry-run", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert CONTRACT_TOP <= set(data)
    assert (data["year"], data["total"], data["max_total"]) == (2022, 81.863, 100)
    assert (data["rating"], data["rank"]) == ("tốt", 31)
    assert all(CONTRACT_FIELD <= set(f) for f in data["fields"])
    assert all(CONTRACT_CRITERION <= set(c) for c in data["criteria"])
    assert data["fields"][0] == {
        "code": "1",
        "title": "Công tác chỉ đạo, điều hành CCHC",
        "score": 8.42,
        "max": 10,
        "group": "self",
    }
    c15 = next(c for c in data["criteria"] if c["code"] == "1.5")
    assert (c15["score"], c15["max"], c15["lost"], c15["parent_code"]) == (1, 2, 1, "1")
    assert isinstance(c15["score"], int) and isinstance(data["total"], float)
    uncoded = [c for c in data["criteria"] if c["code"] is None]
    assert len(uncoded) == 4
    assert "Đọc thử (chưa lưu)" in err and "81,863/100" in err
    assert "vị thứ 31/141" in err


async def _count(url: str) -> tuple[int, int]:
    db = Database(url)
    try:
        async with db.read() as session:
            cards = await session.scalar(select(func.count()).select_from(ParScorecard))
            crits = await session.scalar(select(func.count()).select_from(ParCriterion))
    finally:
        await db.dispose()
    return int(cards or 0), int(crits or 0)


def test_cli_import_writes_once_and_replaces(
    capsys: pytest.CaptureFixture[str], org: str, tmp_path: Path
) -> None:
    import asyncio

    from core.settings import get_settings

    code, out, err = run(capsys, "import-scores", str(FIXTURE), "--org", org, "--dry-run")
    assert code == 0, err
    url = get_settings().database_url
    assert asyncio.run(_count(url)) == (0, 0)  # dry run: nothing written
    code, out, err = run(capsys, "import-scores", str(FIXTURE), "--org", org)
    assert code == 0, err
    assert "Đã nhập kết quả Chỉ số CCHC năm 2022 của Dương Hòa: 9 lĩnh vực, 41 tiêu chí." in out
    assert "Tổng điểm ghi 81,863 khác tổng điểm các lĩnh vực 75,73" in out
    assert asyncio.run(_count(url)) == (1, 50)
    assert run(capsys, "import-scores", str(FIXTURE), "--org", org)[0] == 0
    assert asyncio.run(_count(url)) == (1, 50)  # the year's scorecard replaced, not doubled


def test_cli_refusals_change_nothing(
    capsys: pytest.CaptureFixture[str], org: str, tmp_path: Path
) -> None:
    empty = tmp_path / "trong.docx"
    empty.write_bytes(docx_bytes(["Không có điểm."]))
    code, _, err = run(capsys, "import-scores", str(empty), "--org", org, "--year", "2022")
    assert code == 1 and "Không tìm thấy điểm Chỉ số CCHC trong tệp “trong.docx”" in err
    code, _, err = run(capsys, "import-scores", str(tmp_path / "khong-co.docx"), "--org", org)
    assert code == 1 and "Không mở được tệp" in err
    code, _, err = run(capsys, "import-scores", str(FIXTURE), "--org", "Không Có")
    assert code == 1


@pytest.mark.parametrize(
    ("code", "field", "expected"),
    [
        ("3.2.1", "3", [("3.2.1", "code")]),
        ("1.a", "1", []),  # a prose plan's lettered item names no criterion
        ("2.b.1", "2", []),
        ("4.1", "3", []),  # a code of another field is not a criterion of this one
    ],
)
def test_only_numeric_task_codes_link_to_criteria(
    code: str, field: str, expected: list[tuple[str, str]]
) -> None:
    from plans.par_index.links import TaskText, task_criterion_codes

    task = TaskText(task_id=1, code=code, field_key=field, texts=("Rà soát thủ tục",))
    assert task_criterion_codes(task) == expected
