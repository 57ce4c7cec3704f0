"""PAR INDEX storage on SQLite and PostgreSQL: the scorecard round trip, and links
from a criteria appendix (seed 004's layout, rows *are* criteria) and from task text."""

from __future__ import annotations

from datetime import UTC, datetime

from plans.importing import load_plan
from plans.par_index.reader import load_scores
from storage.db import Database
from storage.directory import add_organization
from storage.par_index import linked_tasks, load_scorecard, save_scorecard
from storage.plan_import import import_plan
from tests.doc_builders import TableSpec, docx_bytes
from tests.par_index_support import FIXTURE

AT = datetime(2024, 1, 20, tzinfo=UTC)


async def test_scorecard_round_trip(any_db: Database) -> None:
    card = load_scores(FIXTURE.read_bytes(), FIXTURE.name)
    async with any_db.write() as session:
        org = await add_organization(session, "Dương Hòa")
        saved = await save_scorecard(
            session, org.id, card, year=2022, person_id=None, actor="test", at=AT
        )
    assert (saved.year, saved.fields, saved.criteria, saved.replaced) == (2022, 9, 41, False)
    async with any_db.read() as session:
        stored = await load_scorecard(session, org.id)
    assert stored is not None and stored.year == 2022
    back = stored.card.to_json()
    original = card.to_json()
    assert back["fields"] == original["fields"]
    assert back["criteria"] == original["criteria"]
    assert (back["total"], back["rating"], back["rank"], back["rank_of"]) == (
        81.863,
        "tốt",
        31,
        141,
    )
    assert [w["key"] for w in back["warnings"]] == [w["key"] for w in original["warnings"]]
    assert set(stored.field_ids) == {str(n) for n in range(1, 10)}


APPENDIX = [
    [
        "TT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Chỉ tiêu đạt được",
        "Cơ quan chủ trì",
        "Thời gian",
    ],
    ["1.", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC", "", "", ""],
    ["1.1", "Thực hiện kế hoạch CCHC", "Hoàn thành 100% nhiệm vụ", "Văn phòng", "Năm 2024"],
    ["1.2", "Thực hiện chế độ báo cáo CCHC định kỳ", "Đúng hạn", "Văn phòng", "Định kỳ"],
    ["2.", "CẢI CÁCH THỂ CHẾ", "", "", ""],
    ["2.1.1", "Thực hiện các hoạt động về TĐTHPL", "Kiểm tra thi hành", "Tư pháp", "Quý III/2024"],
    ["2.2", "Tuyên truyền pháp luật (TCTP 1.5)", "Hội thi", "Tư pháp", "Quý II/2024"],
]


async def test_links_from_an_appendix_whose_rows_are_criteria(any_db: Database) -> None:
    data = docx_bytes(["KẾ HOẠCH nâng cao Chỉ số CCHC năm 2024", TableSpec(APPENDIX)])
    plan = load_plan(data, "phu-luc.docx", year=2024)
    async with any_db.write() as session:
        org = await add_organization(session, "Tam Quan Bắc")
        await import_plan(session, org.id, plan, actor="test", at=AT)
    async with any_db.read() as session:
        links = await linked_tasks(session, org.id, 2024, now=datetime(2024, 6, 3, tzinfo=UTC))
    got = sorted((link.code, link.source, link.content[:20]) for link in links)
    assert ("1.1", "code", "Thực hiện kế hoạch C") in got
    assert ("2.1.1", "code", "Thực hiện các hoạt đ") in got
    assert ("1.5", "text", "Tuyên truyền pháp lu") in got
    assert ("2.2", "code", "Tuyên truyền pháp lu") in got
