"""The dashboard's JSON API: who gets in, who sees what, and that the figures are the chat's."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from storage import reports
from storage.db import Database
from storage.directory import add_organization, add_person
from storage.models import OrgKind, Person, PersonStatus, Role
from tests.chairman_scenario import seed_with_progress
from tests.db_template import seed_once
from tests.factories import (
    ADMIN_TG,
    CHAIRMAN_TG,
    OFFICER_TC_TG,
    OFFICER_TP_TG,
    OTHER_CHAIR_TG,
    VIEWER_TG,
    Commune,
)
from tests.webapp_support import NOW, OTHER_TOKEN, auth, dashboard_client, init_data

VICE_TG, OTHER_VIEWER_TG, DISABLED_TG, STRANGER_TG = 2101, 2102, 2103, 999_999


@pytest.fixture
async def seeded(db: Database) -> Commune:
    commune = await seed_once(db, seed_with_progress)
    async with db.write() as session:
        await add_person(
            session, commune.org_id, "Đỗ Thị Mai", Role.VICE_CHAIRMAN, telegram_user_id=VICE_TG
        )
        other_district = await add_organization(session, "Gio Linh", kind=OrgKind.DISTRICT)
        await add_person(
            session,
            other_district.id,
            "Ngô Văn Sơn",
            Role.DISTRICT_VIEWER,
            telegram_user_id=OTHER_VIEWER_TG,
        )
        gone = await add_person(
            session, commune.org_id, "Lý Văn Cũ", Role.CHAIRMAN, telegram_user_id=DISABLED_TG
        )
        row = await session.get(Person, gone.id)
        assert row is not None
        row.status = PersonStatus.DISABLED
    return commune


# --------------------------------------------------------------------------- sign-in


async def test_no_header_is_401(db: Database, seeded: Commune) -> None:
    async with dashboard_client(db) as client:
        response = await client.get("/api/overview")
        assert response.status == 401
        body = await response.json()
        assert body["reason"] == "missing"
        assert "Telegram" in body["message"]


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Authorization": "Bearer " + init_data(CHAIRMAN_TG)}, "missing"),
        (auth(CHAIRMAN_TG, age=3601), "expired"),
        (auth(CHAIRMAN_TG, token=OTHER_TOKEN), "bad_hash"),
    ],
    ids=["wrong-scheme", "expired", "another-bots-token"],
)
async def test_untrusted_init_data_is_401(
    db: Database, seeded: Commune, headers: dict[str, str], reason: str
) -> None:
    async with dashboard_client(db) as client:
        response = await client.get("/api/overview", headers=headers)
        assert response.status == 401
        assert (await response.json())["reason"] == reason


async def test_tampered_hash_character_is_401(db: Database, seeded: Commune) -> None:
    data = init_data(CHAIRMAN_TG)
    head, digest = data.rsplit("hash=", 1)
    tampered = head + "hash=" + ("f" if digest[10] != "f" else "e").join([digest[:10], digest[11:]])
    async with dashboard_client(db) as client:
        response = await client.get("/api/overview", headers={"Authorization": "tma " + tampered})
        assert response.status == 401
        assert (await response.json())["reason"] == "bad_hash"


async def test_tampered_user_is_401(db: Database, seeded: Commune) -> None:
    """An officer's signed data with the chairman's id swapped in is not the chairman."""
    data = init_data(OFFICER_TP_TG).replace(str(OFFICER_TP_TG), str(CHAIRMAN_TG))
    assert str(CHAIRMAN_TG) in data
    async with dashboard_client(db) as client:
        response = await client.get("/api/overview", headers={"Authorization": "tma " + data})
        assert response.status == 401
        assert (await response.json())["reason"] == "bad_hash"


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("telegram_id", "status"),
    [
        (CHAIRMAN_TG, 200),
        (VICE_TG, 200),
        (ADMIN_TG, 200),
        (OFFICER_TP_TG, 403),
        (OFFICER_TC_TG, 403),
        (STRANGER_TG, 403),
        (DISABLED_TG, 403),
        (VIEWER_TG, 403),  # a district viewer must name one of their communes
    ],
    ids=["chairman", "vice", "admin", "officer", "officer2", "stranger", "disabled", "viewer"],
)
async def test_overview_by_role(
    db: Database, seeded: Commune, telegram_id: int, status: int
) -> None:
    async with dashboard_client(db) as client:
        response = await client.get("/api/overview", headers=auth(telegram_id))
        assert response.status == status
        body = await response.json()
        if status == 200:
            assert body["org"]["id"] == seeded.org_id
        else:
            assert body["error"] == "forbidden"
            assert body["message"]


async def test_stranger_and_officer_get_polite_reasons(db: Database, seeded: Commune) -> None:
    async with dashboard_client(db) as client:
        stranger = await (await client.get("/api/me", headers=auth(STRANGER_TG))).json()
        officer = await (await client.get("/api/me", headers=auth(OFFICER_TP_TG))).json()
        english = await (
            await client.get("/api/me", headers=auth(STRANGER_TG, language_code="en"))
        ).json()
    assert stranger["reason"] == "stranger" and "/start" in stranger["message"]
    assert officer["reason"] == "role"
    assert english["message"].startswith("You are not registered")


@pytest.mark.parametrize(
    "path",
    ["/api/overview?org={other}", "/api/overdue?org={other}", "/api/tasks?unit={other_unit}"],
)
async def test_chairman_cannot_read_another_commune(
    db: Database, seeded: Commune, path: str
) -> None:
    async with db.read() as session:
        from storage.directory import list_units

        other_unit = (await list_units(session, seeded.other_org_id))[0].id
    async with dashboard_client(db) as client:
        url = path.format(other=seeded.other_org_id, other_unit=other_unit)
        response = await client.get(url, headers=auth(CHAIRMAN_TG))
        assert response.status == 403
        assert (await response.json())["reason"] == "other_org"
        other = await client.get(
            url.replace(str(seeded.other_org_id), str(seeded.org_id)) if "org=" in url else url,
            headers=auth(OTHER_CHAIR_TG),
        )
        assert other.status == (403 if "org=" in url else 200)


async def test_district_viewer_sees_their_communes_only(db: Database, seeded: Commune) -> None:
    async with dashboard_client(db) as client:
        mine = await client.get(f"/api/overview?org={seeded.org_id}", headers=auth(VIEWER_TG))
        assert mine.status == 200
        field_id = (await mine.json())["by_field"][0]["id"]
        tasks = await client.get(f"/api/tasks?field={field_id}", headers=auth(VIEWER_TG))
        assert tasks.status == 200
        district = await client.get(
            f"/api/overview?org={seeded.district_id}", headers=auth(VIEWER_TG)
        )
        assert district.status == 403  # the district itself is not one of its communes
        other = await client.get(
            f"/api/overview?org={seeded.org_id}", headers=auth(OTHER_VIEWER_TG)
        )
        assert other.status == 403
        other_tasks = await client.get(
            f"/api/tasks?field={field_id}", headers=auth(OTHER_VIEWER_TG)
        )
        assert other_tasks.status == 403


async def test_district_table_is_for_district_viewers(db: Database, seeded: Commune) -> None:
    async with dashboard_client(db) as client:
        assert (await client.get("/api/district", headers=auth(CHAIRMAN_TG))).status == 403
        assert (await client.get("/api/district.xlsx", headers=auth(ADMIN_TG))).status == 403
        assert (await client.get("/api/district", headers=auth(OFFICER_TP_TG))).status == 403
        response = await client.get("/api/district", headers=auth(VIEWER_TG))
        assert response.status == 200
        body = await response.json()
        other = await (await client.get("/api/district", headers=auth(OTHER_VIEWER_TG))).json()
    assert [c["name"] for c in body["communes"]] == ["Vĩnh Khê", "Vĩnh Tú"]
    assert other["communes"] == []


# --------------------------------------------------------------------------- figures


async def test_overview_figures_are_the_chats(db: Database, seeded: Commune) -> None:
    async with db.read() as session:
        ov = await reports.overview(session, seeded.org_id, now=NOW)
    async with dashboard_client(db) as client:
        body = await (await client.get("/api/overview", headers=auth(CHAIRMAN_TG))).json()
    totals = body["totals"]
    five = ("done", "on_track", "behind", "overdue", "not_started")
    assert [totals[k] for k in ("total", *five)] == [
        ov.total,
        ov.done,
        ov.on_track,
        ov.behind,
        ov.overdue,
        ov.not_started,
    ]
    assert totals["mean_percent"] == ov.mean_percent and totals["with_figure"] == ov.with_figure
    assert sum(totals[k] for k in five) == ov.total  # every task in exactly one standing
    assert [(g["key"], *(g[k] for k in five), g["total"]) for g in body["by_field"]] == [
        (g.key, g.done, g.on_track, g.behind, g.overdue, g.not_started, g.total)
        for g in ov.by_field
    ]
    assert [(g["id"], g["label"], *(g[k] for k in five)) for g in body["by_unit"]] == [
        (g.ref_id, g.label, g.done, g.on_track, g.behind, g.overdue, g.not_started)
        for g in ov.by_unit
    ]
    assert body["today"] == "2024-06-03"
    assert (
        body["charts"]["field"].startswith("<svg")
        and 'data-kind="field"' in body["charts"]["field"]
    )
    assert {p["code"] for p in body["periods"]} >= {"2024-Q2", "2024-H1", "2024-M9", "2024-Y"}


async def test_period_selector_uses_the_chats_period(db: Database, seeded: Commune) -> None:
    async with db.read() as session:
        org = await reports.organization(session, seeded.org_id)
        q1 = reports.resolve_period(org, ("Q1", 2024), NOW)
        expected = await reports.overview(session, seeded.org_id, now=NOW, period=q1)
    async with dashboard_client(db) as client:
        response = await client.get("/api/overview?period=2024-Q1", headers=auth(CHAIRMAN_TG))
        body = await response.json()
        bad = await client.get("/api/overview?period=mai", headers=auth(CHAIRMAN_TG))
        refused = await bad.json()
    assert body["period"]["code"] == "2024-Q1"
    assert body["period"]["label"] == "Quý I năm 2024"
    assert (body["totals"]["done"], body["totals"]["total"]) == (expected.done, expected.total)
    assert bad.status == 400
    assert refused["reason"] == "bad_period"


async def test_field_and_unit_tasks_match_the_drill_down(db: Database, seeded: Commune) -> None:
    async with db.read() as session:
        ov = await reports.overview(session, seeded.org_id, now=NOW)
        field = ov.by_field[2]  # III: tasks 5 and 6
        record = await reports.field_record(session, seeded.org_id, field.ref_id, now=NOW)
        unit = await reports.unit_record(session, seeded.org_id, seeded.unit_ids["mc"], now=NOW)
    assert record is not None and unit is not None
    async with dashboard_client(db) as client:
        by_field = await (
            await client.get(f"/api/tasks?field={field.ref_id}", headers=auth(CHAIRMAN_TG))
        ).json()
        by_unit = await (
            await client.get(f"/api/tasks?unit={seeded.unit_ids['mc']}", headers=auth(ADMIN_TG))
        ).json()
        both = await client.get(f"/api/tasks?unit=1&field={field.ref_id}", headers=auth(ADMIN_TG))
        bad = await client.get("/api/tasks?unit=abc", headers=auth(ADMIN_TG))
    assert by_field["title"] == "III. Cải cách thủ tục hành chính"
    assert [(t["number"], t["state"], t["standing"], t["percent"]) for t in by_field["tasks"]] == [
        (line.number, line.state.value, line.standing.value, line.percent) for line in record.tasks
    ]
    assert by_field["totals"]["on_track"] == record.summary.on_track
    six = next(t for t in by_field["tasks"] if t["number"] == 6)
    assert six["output"] == "Bảng tổng hợp số hóa"
    assert six["updated_by"] == "Hoàng Thị Lan"
    assert six["last_update_on"] == "2024-05-10"
    assert six["due_date"] == "2024-05-31"
    assert [t["number"] for t in by_unit["tasks"]] == [line.number for line in unit.tasks]
    assert by_unit["title"] == "Bộ phận tiếp nhận và trả kết quả"
    assert both.status == 400 and bad.status == 400


async def test_overdue_list_has_days_and_the_responsible(db: Database, seeded: Commune) -> None:
    async with db.read() as session:
        lines = await reports.overdue_list(session, seeded.org_id, now=NOW)
    async with dashboard_client(db) as client:
        body = await (await client.get("/api/overdue", headers=auth(CHAIRMAN_TG))).json()
    assert [(t["number"], t["days_late"]) for t in body["tasks"]] == [
        (line.number, line.days_late) for line in lines
    ]
    assert [t["number"] for t in body["tasks"]] == [1, 6]
    six = body["tasks"][1]
    assert six["responsible"] == ["Trần Thị Bình"]  # officer of Bộ phận một cửa
    assert body["title"] == "2 nhiệm vụ quá hạn"


async def test_english_reader_gets_english_labels(db: Database, seeded: Commune) -> None:
    async with db.write() as session:
        from sqlalchemy import select

        person = await session.scalar(select(Person).where(Person.telegram_user_id == CHAIRMAN_TG))
        assert person is not None
        person.language = "en"
    async with dashboard_client(db) as client:
        me = await (await client.get("/api/me", headers=auth(CHAIRMAN_TG))).json()
        body = await (await client.get("/api/overdue", headers=auth(CHAIRMAN_TG))).json()
    assert me["lang"] == "en"
    assert body["title"] == "2 overdue tasks"
    assert body["tasks"][0]["state_label"] == "Overdue"


async def test_district_rows_and_xlsx_are_the_rollup(db: Database, seeded: Commune) -> None:
    async with db.read() as session:
        roll = await reports.district_rollup(session, seeded.district_id, now=NOW)
    async with dashboard_client(db) as client:
        body = await (await client.get("/api/district", headers=auth(VIEWER_TG))).json()
        response = await client.get("/api/district.xlsx", headers=auth(VIEWER_TG))
        data = await response.read()
    assert [
        (c["id"], c["done"], c["total"], c["on_track"], c["behind"], c["overdue"])
        for c in body["communes"]
    ] == [
        (c.org_id, c.done, c.total, c.summary.on_track, c.summary.behind, c.overdue)
        for c in roll.communes
    ]
    assert response.status == 200
    assert "tong-hop-cchc-vinh-linh-2024-06-03.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[2], r[6]) for r in rows] == [
        (c.name, c.total, c.done, c.overdue) for c in roll.communes
    ]


# --------------------------------------------------------------------------- the page


async def test_page_is_served_with_a_strict_policy(db: Database, seeded: Commune) -> None:
    async with dashboard_client(db) as client:
        page = await client.get("/")
        text = await page.text()
        scripts = [await (await client.get(f"/static/{n}")).text() for n in ("app.js", "tg.js")]
        css = await (await client.get("/static/app.css")).text()
    assert page.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "Bảng điều khiển CCHC" in text and "CCHC dashboard" in text  # both catalogs
    for source in (text, css, *scripts):
        assert "http:" not in source and "https:" not in source and "//" + "cdn" not in source


def test_dashboard_roles_are_the_overviews() -> None:
    """The dashboard lets in exactly who may ask /tongquan in chat."""
    from handlers.chairman import VIEWERS
    from storage.reports import DASHBOARD_ROLES

    assert DASHBOARD_ROLES == VIEWERS


async def test_report_periods_carry_the_sent_status(db: Database, seeded: Commune) -> None:
    from datetime import date

    from storage import report_records
    from storage.models import Organization

    async with db.write() as session:
        org = await session.get(Organization, seeded.org_id)
        assert org is not None
        await report_records.mark_sent(
            session,
            org,
            kind="cchc",
            number="12/BC-UBND",
            sent_on=date(2024, 3, 12),
            today=date(2024, 6, 3),
            person_id=seeded.people["admin"],
            now=NOW,
            period_code="2024-Q1",
        )
    async with dashboard_client(db) as client:
        body = await (await client.get("/api/reports", headers=auth(CHAIRMAN_TG))).json()
        viewer = await client.get(f"/api/reports?org={seeded.org_id}", headers=auth(VIEWER_TG))
        officer = await client.get("/api/reports", headers=auth(OFFICER_TP_TG))
    by_code = {r["code"]: r for r in body["reports"] if r["kind"] == "cchc"}
    q1 = by_code["2024-Q1"]
    assert (q1["status"], q1["number"], q1["sent_on"], q1["sent_by"]) == (
        "late",  # due 10/03, sent 12/03
        "12/BC-UBND",
        "2024-03-12",
        "Hoàng Thị Lan",
    )
    assert by_code["2024-H1"]["status"] == "pending"  # due 10/06
    assert "chưa đến hạn" in by_code["2024-H1"]["status_text"]
    assert [r["deadline"] for r in body["reports"]] == sorted(
        r["deadline"] for r in body["reports"]
    )
    assert viewer.status == 200 and officer.status == 403
