"""``GET /api/scorecard`` and the district's projected score: the PAR INDEX desk's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from plans.par_index.model import Group, Level, Scorecard, ScoreItem
from storage import par_index
from storage.db import Database
from storage.models import ParTaskCriterion
from tests.chairman_scenario import seed_with_progress
from tests.db_template import seed_once
from tests.factories import ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OTHER_CHAIR_TG, VIEWER_TG, Commune
from tests.webapp_support import NOW, auth, dashboard_client


def last_years_card() -> Scorecard:
    """A small card in seed 000's shape: two fields, three criteria, one lost without a task."""
    items = [
        ScoreItem(Level.FIELD, "1", "Công tác chỉ đạo, điều hành CCHC", D("10"), appraised=D("9")),
        ScoreItem(
            Level.CRITERION,
            "1.5",
            "Công tác tuyên truyền CCHC",
            D("2"),
            appraised=D("1"),
            lost=D("1"),
            reason="tỷ lệ cán bộ tham gia Hội thi thấp",
            parent_code="1",
        ),
        ScoreItem(Level.FIELD, "3", "Cải cách thủ tục hành chính", D("14.5"), appraised=D("12.5")),
        ScoreItem(
            Level.CRITERION,
            "3.2",
            "Thực hiện cơ chế một cửa",
            D("3"),
            appraised=D("2"),
            lost=D("1"),
            reason="chưa cập nhật đầy đủ thông tin hồ sơ",
            parent_code="3",
        ),
        ScoreItem(
            Level.CRITERION,
            "3.1",
            "Công khai TTHC",
            D("2"),
            appraised=D("2"),
            parent_code="3",
            group=Group.SELF,
        ),
    ]
    return Scorecard(year=2023, total=D("21.5"), rating="khá", rank=31, rank_of=141, items=items)


@pytest.fixture
async def scored(db: Database) -> Commune:
    commune = await seed_once(db, seed_with_progress)
    async with db.write() as session:
        await par_index.save_scorecard(
            session,
            commune.org_id,
            last_years_card(),
            year=2023,
            person_id=None,
            actor="test",
            at=datetime(2024, 1, 20, tzinfo=UTC),
        )
        # task 6 (số hóa hồ sơ, Bộ phận một cửa) serves criterion 3.2
        session.add(ParTaskCriterion(task_id=commune.task_ids[6], criterion_code="3.2"))
    return commune


async def test_scorecard_is_the_desks(db: Database, scored: Commune) -> None:
    async with db.read() as session:
        desk = await par_index.desk(session, scored.org_id, now=NOW)
    assert desk is not None
    async with dashboard_client(db) as client:
        response = await client.get("/api/scorecard", headers=auth(CHAIRMAN_TG))
        body = await response.json()
    assert response.status == 200
    card = body["scorecard"]
    assert card["year"] == desk.year == 2024
    assert card["last"]["total_text"] == "21,5" and card["last"]["rank"] == 31
    assert card["projection"]["projected"] == float(desk.projection.projected)
    assert (card["projection"]["worst"], card["projection"]["best"]) == (
        float(desk.projection.worst),
        float(desk.projection.best),
    )
    assert [c["code"] for c in card["losses"]] == ["1.5", "3.2"]
    one_stop = card["losses"][1]
    assert one_stop["has_task"] is True
    assert [(t["number"], t["standing"]) for t in one_stop["tasks"]] == [
        (task.number, task.standing.value) for task in desk.tasks["3.2"]
    ]
    assert [c["code"] for c in card["without_task"]] == ["1.5"]
    assert card["fields"][1]["score_text"] == "12,5"
    assert card["chart"].startswith("<svg") and "seg-lost" in card["chart"]
    assert "Cách dự kiến" in card["projection"]["rule"]


@pytest.mark.parametrize(
    ("telegram_id", "query", "status"),
    [
        (ADMIN_TG, "", 200),
        (OFFICER_TP_TG, "", 403),
        (999_999, "", 403),
        (VIEWER_TG, "?org={org}", 200),
        (VIEWER_TG, "", 403),
        (OTHER_CHAIR_TG, "?org={org}", 403),
    ],
    ids=["admin", "officer", "stranger", "viewer", "viewer-no-org", "other-chairman"],
)
async def test_scorecard_access(
    db: Database, scored: Commune, telegram_id: int, query: str, status: int
) -> None:
    async with dashboard_client(db) as client:
        response = await client.get(
            "/api/scorecard" + query.format(org=scored.org_id), headers=auth(telegram_id)
        )
        assert response.status == status


async def test_without_a_scorecard_says_so(db: Database) -> None:
    await seed_once(db, seed_with_progress)
    async with dashboard_client(db) as client:
        body = await (await client.get("/api/scorecard", headers=auth(CHAIRMAN_TG))).json()
    assert body["scorecard"] is None
    assert "import-scores" in body["message"]


async def test_district_rows_carry_the_projected_score(db: Database, scored: Commune) -> None:
    async with db.read() as session:
        desk = await par_index.desk(session, scored.org_id, now=NOW)
    assert desk is not None
    async with dashboard_client(db) as client:
        body = await (await client.get("/api/district", headers=auth(VIEWER_TG))).json()
    by_name = {c["name"]: c for c in body["communes"]}
    assert by_name["Vĩnh Khê"]["projected_score"] == float(desk.projection.projected)
    assert by_name["Vĩnh Tú"]["projected_score"] is None
