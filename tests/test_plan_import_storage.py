"""Imported plans into the database: first import, re-import, corrections, units, progress."""

from __future__ import annotations

import copy
import difflib
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from plans.errors import UserError
from plans.importing import PlanImportError, load_plan
from plans.importing.outcome import ImportPreview, ImportReport, render_report
from plans.text import match_key
from storage.db import Database
from storage.directory import add_organization, add_unit, list_units
from storage.models import (
    AuditLog,
    Field,
    Plan,
    ProgressUpdate,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    UpdateChannel,
)
from storage.plan_import import import_plan, preview_import
from storage.progress import record_progress
from tests import doc_builders as b
from tests.factories import UNITS
from tests.test_import_fixture import EXPECTED, FIELD_TITLES

FIXTURES = Path(__file__).parent / "fixtures"
DOCX = "ke-hoach-cchc-vinh-khe-2024.docx"
XLSX = "ke-hoach-cchc-vinh-khe-2024.xlsx"
AT = datetime(2024, 1, 20, 2, 0, tzinfo=UTC)
LATER = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent

# Lead unit text in the fixture -> code of the seeded unit it must link to.
LEAD_CODE = {
    "Văn phòng": "vp",
    "Tư pháp": "tp",
    "Văn hoá": "vh",
    "Văn hóa": "vh",
    "Tài chính": "tc",
}


def fixture_plan(name: str = DOCX):
    return load_plan((FIXTURES / name).read_bytes(), name)


async def make_org(db: Database, name: str = "Vĩnh Khê") -> tuple[int, dict[str, int]]:
    """An organization with the usual commune units (factories.UNITS)."""
    async with db.write() as session:
        org = await add_organization(session, name)
        ids = {}
        for code, (unit_name, aliases) in UNITS.items():
            ids[code] = (await add_unit(session, org.id, unit_name, aliases)).id
    return org.id, ids


async def run_import(db: Database, org_id: int, plan, **kwargs) -> ImportReport:
    kwargs.setdefault("at", AT)
    async with db.write() as session:
        return await import_plan(session, org_id, plan, **kwargs)


async def counts(db: Database) -> dict[str, int]:
    result = {}
    async with db.read() as session:
        for model in (Plan, Field, Task, TaskUnit, ProgressUpdate, Unit, UnitAlias, AuditLog):
            result[model.__tablename__] = await session.scalar(
                select(func.count()).select_from(model)
            )
    return result


async def tasks_by_number(db: Database, plan_id: int) -> dict[int, Task]:
    async with db.read() as session:
        rows = await session.scalars(select(Task).where(Task.plan_id == plan_id))
        return {t.number: t for t in rows}


async def links(db: Database) -> dict[tuple[int, str], set[int]]:
    """(task id, role) -> unit ids."""
    out: dict[tuple[int, str], set[int]] = {}
    async with db.read() as session:
        for row in await session.scalars(select(TaskUnit)):
            out.setdefault((row.task_id, row.role.value), set()).add(row.unit_id)
    return out


# --- first import and re-import of the fixtures (SQLite and PostgreSQL) -------------------


@pytest.mark.parametrize("name", [DOCX, XLSX])
async def test_fixture_imports_to_8_fields_28_tasks(any_db: Database, name: str) -> None:
    org_id, unit_ids = await make_org(any_db)
    report = await run_import(any_db, org_id, fixture_plan(name))
    assert report.created and report.number == "10/KH-UBND" and report.year == 2024
    assert (report.fields, report.tasks_created, report.tasks) == (8, 28, 28)
    assert report.units_created == [] and report.unknown_deadlines == []
    assert set(report.suggested_units) == {"Tư pháp", "Tài chính", "Văn hoá", "Văn hóa"}

    async with any_db.read() as session:
        plan = await session.get(Plan, report.plan_id)
        assert (plan.number, plan.issued_on, plan.year) == ("10/KH-UBND", date(2024, 1, 15), 2024)
        assert plan.source_name == name and len(plan.source_sha256) == 64
        fields = list(
            await session.scalars(
                select(Field).where(Field.plan_id == plan.id).order_by(Field.ordinal)
            )
        )
    assert [(f.key, f.title) for f in fields] == [(k, title) for k, title, _ in FIELD_TITLES]
    field_key = {f.id: f.key for f in fields}

    tasks = await tasks_by_number(any_db, report.plan_id)
    linked = await links(any_db)
    assert sorted(tasks) == list(range(1, 29))
    for number, (fkey, code, lead, text, (kind, due)) in enumerate(EXPECTED, start=1):
        task = tasks[number]
        assert (field_key[task.field_id], task.code) == (fkey, code)
        assert (task.deadline_text, task.deadline_kind, task.due_date) == (text, kind, due)
        assert task.lead_units_text == lead and task.removed_at is None
        assert linked[(task.id, "lead")] == {unit_ids[LEAD_CODE[lead]]}
        # "Các bộ phận liên quan" is a placeholder: no coordinating link.
        assert (task.id, "coordinating") not in linked
        assert task.content_key == match_key(task.content)


async def test_reimport_same_file_changes_nothing(any_db: Database) -> None:
    org_id, _ = await make_org(any_db)
    first = await run_import(any_db, org_id, fixture_plan(DOCX))
    before = await counts(any_db)
    tasks_before = {
        n: (t.id, t.updated_at) for n, t in (await tasks_by_number(any_db, first.plan_id)).items()
    }
    for name in (DOCX, XLSX):  # the same plan in the other format is the same plan too
        again = await run_import(any_db, org_id, fixture_plan(name), at=LATER)
        assert again.plan_id == first.plan_id and not again.created
        assert (again.tasks_created, again.tasks_updated, again.tasks_removed) == (0, 0, 0)
        assert again.tasks_unchanged == 28 and again.progress_added == 0
        after = await counts(any_db)
        assert after["audit_log"] > before["audit_log"]  # each import is audited …
        assert {k: v for k, v in after.items() if k != "audit_log"} == {
            k: v for k, v in before.items() if k != "audit_log"
        }  # … and nothing else moved
    tasks_after = {
        n: (t.id, t.updated_at) for n, t in (await tasks_by_number(any_db, first.plan_id)).items()
    }
    assert tasks_after == tasks_before
    text = render_report(again, "vi")
    assert text.startswith(
        "Đã cập nhật kế hoạch số 10/KH-UBND: 8 lĩnh vực, 28 nhiệm vụ (28 không đổi)"
    )


def corrected_fixture() -> tuple[bytes, dict[str, str]]:
    """The fixture .docx edited as a plan keeper would: one wording fixed, one deadline
    moved, one task dropped (III.5), one task added (VII.5)."""
    import docx
    from docx.table import _Row

    document = docx.Document(str(FIXTURES / DOCX))
    table = document.tables[0]

    def row_of(prefix: str):
        for row in table.rows:
            if row.cells[1].text.startswith(prefix):
                return row
        raise AssertionError(prefix)

    plan = fixture_plan(DOCX)
    by_code = {(t.field_key, t.code): t for t in plan.all_tasks()}
    old = by_code[("I", "1")].content
    new = old + " của UBND xã"
    assert difflib.SequenceMatcher(None, match_key(old), match_key(new)).ratio() >= 0.85
    row_of(old).cells[1].text = new
    row_of(by_code[("I", "2")].content).cells[5].text = "Quý II/2024"
    removed = by_code[("III", "5")].content
    gone = row_of(removed)._tr
    gone.getparent().remove(gone)
    template = row_of(by_code[("VII", "4")].content)
    added_tr = copy.deepcopy(template._tr)
    template._tr.addnext(added_tr)
    added = _Row(added_tr, table)
    added.cells[0].text = "5."
    added.cells[1].text = "Số hóa hồ sơ lưu trữ của UBND xã giai đoạn 2024"
    added.cells[5].text = "Tháng 11/2024"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), {"fixed_old": old, "fixed_new": new, "removed": removed}


async def test_corrected_fixture_updates_in_place(any_db: Database) -> None:
    org_id, unit_ids = await make_org(any_db)
    first = await run_import(any_db, org_id, fixture_plan(DOCX))
    tasks = await tasks_by_number(any_db, first.plan_id)
    # Officers report on the task that will be reworded and on the one that will go.
    removed_number = next(
        n for n, t in tasks.items() if t.content.startswith("Tiếp tục triển khai đo")
    )
    async with any_db.write() as session:
        for number in (1, removed_number):
            await record_progress(
                session,
                task_id=tasks[number].id,
                person=None,
                channel=UpdateChannel.COMMAND,
                at=AT,
                percent=40,
                check_permission=False,
            )
    data, info = corrected_fixture()
    report = await run_import(any_db, org_id, load_plan(data, "sua.docx"), at=LATER)
    assert report.plan_id == first.plan_id and not report.created
    assert (report.tasks_created, report.tasks_updated, report.tasks_removed) == (1, 2, 1)
    assert report.tasks_unchanged == 25 and report.tasks == 28

    after = await tasks_by_number(any_db, first.plan_id)
    assert sorted(after) == list(range(1, 30))  # never duplicated, never deleted
    for number, task in tasks.items():  # the same rows keep their numbers
        assert after[number].id == task.id
    assert after[1].content == info["fixed_new"] and after[1].removed_at is None
    assert after[2].deadline_text == "Quý II/2024" and after[2].due_date == date(2024, 6, 30)
    assert after[removed_number].removed_at == LATER
    assert after[29].content.startswith("Số hóa hồ sơ lưu trữ") and after[29].due_date == date(
        2024, 11, 30
    )
    linked = await links(any_db)
    assert linked[(after[29].id, "lead")] == {unit_ids["vp"]}
    async with any_db.read() as session:
        kept = await session.scalar(
            select(func.count()).where(
                ProgressUpdate.task_id.in_([after[1].id, after[removed_number].id])
            )
        )
    assert kept == 2
    # Importing the corrected file again is a no-op; the original brings the task back.
    again = await run_import(any_db, org_id, load_plan(data, "sua.docx"), at=LATER)
    assert (again.tasks_created, again.tasks_updated, again.tasks_removed) == (0, 0, 0)
    back = await run_import(any_db, org_id, fixture_plan(DOCX), at=LATER)
    assert (back.tasks_created, back.tasks_updated, back.tasks_removed) == (0, 3, 1)
    final = await tasks_by_number(any_db, first.plan_id)
    assert final[removed_number].removed_at is None and final[29].removed_at == LATER
    assert len(final) == 29


# --- corrections on a small plan built in the test --------------------------------------------

HEADER = [
    "TT",
    "Nội dung công việc",
    "Bộ phận chủ trì",
    "Bộ phận phối hợp",
    "Thời gian thực hiện",
    "Tỷ lệ hoàn thành",
]
HEADING = [
    "UỶ BAN NHÂN DÂN XÃ VĨNH KHÊ",
    "Số: 5/KH-UBND",
    "Vĩnh Khê, ngày 10 tháng 01 năm 2024",
    "KẾ HOẠCH",
]


def small_plan(rows: list[list[str]], name: str = "kh.docx", heading=HEADING):
    return load_plan(b.docx_bytes([*heading, b.TableSpec([HEADER, *rows])]), name)


V1 = [
    ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""],
    [
        "1",
        "Ban hành kế hoạch CCHC năm 2024",
        "Văn phòng - Thống kê",
        "Các bộ phận liên quan",
        "Tháng 1/2024",
        "100%",
    ],
    [
        "2",
        "Kiểm tra công tác CCHC tại các bộ phận",
        "Tư pháp - Hộ tịch",
        "Văn phòng - Thống kê",
        "Quý II/2024",
        "",
    ],
    ["3", "Báo cáo CCHC định kỳ", "Văn phòng - Thống kê", "", "Định kỳ", "50%"],
    ["II", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
    [
        "1",
        "Rà soat văn bản quy phạm pháp luật do xã ban hành",
        "Tư pháp - Hộ tịch",
        "",
        "Quý 3/2024",
        "",
    ],
    [
        "2",
        "Tuyên truyền phổ biến pháp luật",
        "Văn hóa - Xã hội",
        "Tư pháp - Hộ tịch",
        "Thường xuyên",
        "",
    ],
]
# Corrected: II.1 wording fixed ("soát"), I.2 deadline moved, I.3 dropped, II.3 added.
V2 = [
    ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""],
    [
        "1",
        "Ban hành kế hoạch CCHC năm 2024",
        "Văn phòng - Thống kê",
        "Các bộ phận liên quan",
        "Tháng 1/2024",
        "100%",
    ],
    [
        "2",
        "Kiểm tra công tác CCHC tại các bộ phận",
        "Tư pháp - Hộ tịch",
        "Văn phòng - Thống kê",
        "Quý III/2024",
        "",
    ],
    ["II", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
    [
        "1",
        "Rà soát văn bản quy phạm pháp luật do xã ban hành",
        "Tư pháp - Hộ tịch",
        "",
        "Quý 3/2024",
        "",
    ],
    [
        "2",
        "Tuyên truyền phổ biến pháp luật",
        "Văn hóa - Xã hội",
        "Tư pháp - Hộ tịch",
        "Thường xuyên",
        "",
    ],
    ["3", "Lấy ý kiến người dân về dự thảo văn bản", "Tư pháp - Hộ tịch", "", "Tháng 10/2024", ""],
]


async def test_corrected_plan_keeps_numbers_and_progress(db: Database) -> None:
    org_id, _ = await make_org(db)
    first = await run_import(db, org_id, small_plan(V1))
    assert first.number == "5/KH-UBND" and first.tasks_created == 5 and first.progress_added == 2
    v1 = await tasks_by_number(db, first.plan_id)
    assert [v1[n].code for n in range(1, 6)] == ["1", "2", "3", "1", "2"]

    report = await run_import(db, org_id, small_plan(V2, "kh-sua.docx"), at=LATER)
    assert (
        report.tasks_created,
        report.tasks_updated,
        report.tasks_unchanged,
        report.tasks_removed,
    ) == (
        1,
        2,
        2,
        1,
    )
    assert report.progress_added == 0
    v2 = await tasks_by_number(db, first.plan_id)
    assert {n: t.id for n, t in v2.items() if n <= 5} == {n: t.id for n, t in v1.items()}
    assert v2[4].content.startswith("Rà soát") and v2[4].updated_at == LATER
    assert v2[2].due_date == date(2024, 9, 30)
    assert v2[3].removed_at == LATER and v2[6].content.startswith("Lấy ý kiến")
    assert v2[6].code == "3" and v2[6].number == 6
    async with db.read() as session:
        progress_on_3 = await session.scalar(
            select(func.count()).where(ProgressUpdate.task_id == v1[3].id)
        )
        plan = await session.get(Plan, first.plan_id)
    assert progress_on_3 == 1  # the removed task keeps its history
    assert plan.source_name == "kh-sua.docx" and plan.imported_at == LATER
    text = render_report(report, "vi")
    assert "1 mới" in text and "2 được sửa" in text and "1 không còn trong kế hoạch" in text


async def test_new_plan_number_in_same_year_is_another_plan(db: Database) -> None:
    org_id, _ = await make_org(db)
    first = await run_import(db, org_id, small_plan(V1))
    other_heading = ["Số: 12/KH-UBND", "Vĩnh Khê, ngày 01 tháng 03 năm 2024"]
    second = await run_import(db, org_id, small_plan(V2, heading=other_heading))
    assert second.created and second.plan_id != first.plan_id
    no_number = await run_import(
        db, org_id, small_plan(V1, heading=["Vĩnh Khê, ngày 01 tháng 03 năm 2025"])
    )
    assert no_number.created and no_number.year == 2025
    again = await run_import(
        db, org_id, small_plan(V1, heading=["Năm 2025", "Vĩnh Khê, ngày 01 tháng 03 năm 2025"])
    )
    assert again.plan_id == no_number.plan_id


# --- one transaction --------------------------------------------------------------------------


async def test_failure_mid_import_changes_nothing(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = any_db
    org_id, _ = await make_org(db)
    before = await counts(db)

    async def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("storage.plan_import.record_progress", boom)
    with pytest.raises(RuntimeError):
        await run_import(db, org_id, load_plan(b.progress_report_docx(), "tien-do.docx", year=2023))
    assert await counts(db) == before


async def test_bad_mapping_and_missing_year_change_nothing(db: Database) -> None:
    org_id, _ = await make_org(db)
    _, other_units = await make_org(db, "Vĩnh Tú")
    before = await counts(db)
    plan = load_plan(b.progress_report_docx(), "tien-do.docx")
    with pytest.raises(UserError) as err:
        await run_import(db, org_id, plan, unit_mapping={"Văn phòng HĐND-UBND": other_units["vp"]})
    assert err.value.key == "plan_import.error.bad_unit_mapping"
    nameless = small_plan(V1, heading=["KẾ HOẠCH"])
    assert nameless.meta.year is None
    with pytest.raises(UserError) as err:
        await run_import(db, org_id, nameless)
    assert err.value.key == "plan_import.error.no_year"
    assert await counts(db) == before


async def test_bad_file_never_reaches_the_database(db: Database) -> None:
    await make_org(db)
    before = await counts(db)
    with pytest.raises(PlanImportError):
        load_plan(b"%PDF-1.4 not a plan", "kh.pdf")
    assert await counts(db) == before


# --- units: resolution, mapping, alias learning ---------------------------------------------


async def test_preview_writes_nothing_and_explains_units(db: Database) -> None:
    org_id, unit_ids = await make_org(db)
    before = await counts(db)
    plan = load_plan(b.progress_report_docx(), "tien-do.docx")
    async with db.read() as session:
        preview = await preview_import(session, org_id, plan)
    assert await counts(db) == before
    assert isinstance(preview, ImportPreview) and preview.existing_plan_id is None
    assert preview.resolved == {
        "Văn phòng - Thống kê": unit_ids["vp"],
        "Văn hóa - xã hội": unit_ids["vh"],
        "Tài chính - kế toán": unit_ids["tc"],
    }
    assert preview.new_units == ["Văn phòng HĐND-UBND"]
    assert set(preview.placeholders) >= {"Các ban ngành liên quan", "Các bộ phận có TTHC"}
    assert preview.ambiguous == {} and preview.unknown_deadlines == []
    text = render_report(preview, "vi")
    assert text.startswith("Xem trước kế hoạch năm 2023: 3 lĩnh vực, 8 nhiệm vụ.")
    assert "Bộ phận mới: “Văn phòng HĐND-UBND”" in text
    assert "chưa ghi gì vào cơ sở dữ liệu" in text
    assert "Có 2 điểm cần anh/chị xem lại:" in text  # the merged row and the bad percent
    assert render_report(preview, "en").startswith("Preview of the 2023 plan")


async def test_mapping_is_learned_as_an_alias(db: Database) -> None:
    org_id, unit_ids = await make_org(db)
    plan = load_plan(b.progress_report_docx(), "tien-do.docx")
    report = await run_import(
        db, org_id, plan, unit_mapping={"Văn phòng HĐND-UBND": unit_ids["vp"]}
    )
    assert report.units_created == []
    assert report.aliases_added == [("Văn phòng HĐND-UBND", "Văn phòng - Thống kê")]
    assert "Đã ghi nhận “Văn phòng HĐND-UBND” là tên gọi khác" in render_report(report, "vi")
    async with db.read() as session:
        preview = await preview_import(session, org_id, plan)
        units = await list_units(session, org_id)
    assert preview.resolved["Văn phòng HĐND-UBND"] == unit_ids["vp"]
    assert "Văn phòng HĐND-UBND" not in preview.suggested and preview.new_units == []
    assert preview.existing_plan_id == report.plan_id
    assert len(units) == len(UNITS)
    again = await run_import(db, org_id, plan, at=LATER)
    assert again.aliases_added == [] and again.tasks_unchanged == 8


async def test_new_units_created_once_or_left_unlinked(db: Database) -> None:
    async with db.write() as session:
        org = await add_organization(session, "Vĩnh Khê")
    refused = await run_import(db, org.id, fixture_plan(DOCX), create_missing_units=False)
    assert refused.units_created == [] and set(refused.unlinked_units) == {
        "Văn phòng",
        "Văn hoá",
        "Tư pháp",
        "Tài chính",
        "Văn hóa",
    }
    assert await links(db) == {}
    assert "chưa có trong danh sách" in render_report(refused, "vi")
    created = await run_import(db, org.id, fixture_plan(DOCX), at=LATER)
    # "Văn hoá" and "Văn hóa" are one name: one unit.
    assert created.units_created == ["Văn phòng", "Văn hoá", "Tư pháp", "Tài chính"]
    assert created.tasks_updated == 28 and created.tasks_created == 0
    async with db.read() as session:
        units = {u.name: u.id for u in await list_units(session, org.id)}
    linked = await links(db)
    tasks = await tasks_by_number(db, created.plan_id)
    assert linked[(tasks[3].id, "lead")] == {units["Văn hoá"]}
    assert linked[(tasks[24].id, "lead")] == {units["Văn hoá"]}


async def test_ambiguous_unit_is_reported_then_mapped(db: Database) -> None:
    async with db.write() as session:
        org = await add_organization(session, "Tam Quan Bắc")
        vhxh = (await add_unit(session, org.id, "Văn hóa - Xã hội")).id
        vhtt = (await add_unit(session, org.id, "Văn hóa - Thông tin")).id
    rows = [
        ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""],
        ["1", "Tuyên truyền CCHC", "Văn hóa", "Văn hóa - Thông tin", "Quý I/2024", ""],
    ]
    plan = small_plan(rows)
    async with db.read() as session:
        preview = await preview_import(session, org.id, plan)
    assert preview.ambiguous == {
        "Văn hóa": sorted(
            [vhtt, vhxh], key=lambda i: {vhtt: "Văn hóa - Thông tin", vhxh: "Văn hóa - Xã hội"}[i]
        )
    }
    report = await run_import(db, org.id, plan)
    assert set(report.ambiguous_units["Văn hóa"]) == {"Văn hóa - Xã hội", "Văn hóa - Thông tin"}
    assert report.units_created == []
    text = render_report(report, "vi")
    assert "“Văn hóa” có thể là một trong các bộ phận" in text
    task = (await tasks_by_number(db, report.plan_id))[1]
    assert await links(db) == {(task.id, "coordinating"): {vhtt}}
    mapped = await run_import(db, org.id, plan, unit_mapping={"Văn hóa": vhxh}, at=LATER)
    assert mapped.tasks_updated == 1
    assert await links(db) == {(task.id, "coordinating"): {vhtt}, (task.id, "lead"): {vhxh}}
    mapped_new = await run_import(db, org.id, plan, unit_mapping={"Văn hóa": None}, at=LATER)
    assert mapped_new.units_created == []  # "Văn hóa" is now an alias of Văn hóa - Xã hội


# --- initial progress from the document ----------------------------------------------------------


@pytest.mark.parametrize("builder", [b.progress_report_docx, b.progress_report_xlsx])
async def test_seed_002_percentages_become_import_updates(db: Database, builder) -> None:
    org_id, _ = await make_org(db)
    plan = load_plan(builder(), "tien-do", year=2023)
    report = await run_import(db, org_id, plan)
    assert report.progress_added == 8
    assert "Đã ghi nhận tiến độ ban đầu từ tệp cho 8 nhiệm vụ" in render_report(report, "vi")
    tasks = await tasks_by_number(db, report.plan_id)
    async with db.read() as session:
        updates = list(await session.scalars(select(ProgressUpdate).order_by(ProgressUpdate.id)))
    by_task = {u.task_id: u for u in updates}
    assert all(u.channel is UpdateChannel.IMPORT and u.created_at == AT for u in updates)
    assert [by_task[tasks[n].id].percent for n in (1, 2, 3, 4, 5, 6)] == [100, 100, 50, 50, 90, 20]
    assert (
        by_task[tasks[1].id].status_text == "Đã ban hành"
        and by_task[tasks[1].id].output == "Kế hoạch"
    )
    # issue 11 defect 7: the on-event task's remark is kept (it reaches the appendix)
    assert by_task[tasks[7].id].percent is None and by_task[tasks[7].id].status_text is None
    assert by_task[tasks[7].id].note == "6 tháng đầu năm chưa có thanh kiểm tra"
    assert (
        by_task[tasks[8].id].percent is None
        and by_task[tasks[8].id].status_text == "Đang thực hiện"
    )

    again = await run_import(db, org_id, plan, at=LATER)
    assert again.progress_added == 0
    # An officer reports since; re-importing the old document neither repeats nor rolls back.
    async with db.write() as session:
        await record_progress(
            session,
            task_id=tasks[3].id,
            person=None,
            channel=UpdateChannel.COMMAND,
            at=LATER,
            percent=80,
            check_permission=False,
        )
    again = await run_import(db, org_id, plan, at=LATER)
    assert again.progress_added == 0
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(ProgressUpdate)) == 9


async def test_changed_document_progress_is_recorded(db: Database) -> None:
    org_id, _ = await make_org(db)
    rows = [list(r) for r in V1]
    await run_import(db, org_id, small_plan(rows))
    rows[3][5] = "75%"
    report = await run_import(db, org_id, small_plan(rows), at=LATER)
    assert report.progress_added == 1 and report.tasks_unchanged == 5
    async with db.read() as session:
        latest = await session.scalar(
            select(ProgressUpdate).order_by(
                ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()
            )
        )
    assert latest.percent == 75 and latest.channel is UpdateChannel.IMPORT


# --- report wording and catalogs ---------------------------------------------------------


async def test_report_wording(db: Database) -> None:
    org_id, _ = await make_org(db)
    report = await run_import(db, org_id, fixture_plan(DOCX))
    vi = render_report(report, "vi")
    assert vi.startswith("Đã nhập kế hoạch số 10/KH-UBND: 8 lĩnh vực, 28 nhiệm vụ (28 mới).")
    assert "“Tư pháp” được hiểu là bộ phận “Tư pháp - Hộ tịch”" in vi
    assert render_report(report, "en").startswith(
        "Imported plan no. 10/KH-UBND: 8 fields, 28 tasks (28 new)."
    )
    async with db.read() as session:
        entry = await session.scalar(select(AuditLog).where(AuditLog.action == "plan.import"))
    assert entry.entity_id == report.plan_id and entry.details["tasks_created"] == 28
    assert entry.created_at == AT


async def test_unknown_deadlines_are_listed_by_number(db: Database) -> None:
    org_id, _ = await make_org(db)
    rows = [list(r) for r in V1]
    rows[2][4] = "Tháng 13/2024"
    plan = small_plan(rows)
    async with db.read() as session:
        preview = await preview_import(session, org_id, plan)
    assert preview.unknown_deadlines == [("I", "2", "Tháng 13/2024")]
    assert "chưa hiểu thời hạn “Tháng 13/2024”" in render_report(preview, "vi")
    report = await run_import(db, org_id, plan)
    assert report.unknown_deadlines == [(2, rows[2][4])]
    text = render_report(report, "vi")
    assert "Có 1 nhiệm vụ chưa hiểu được thời hạn:" in text
    assert f"Nhiệm vụ số 2: “{rows[2][4]}”" in text


def _po(lang: str) -> dict[str, str]:
    with (ROOT / "locales" / lang / "plan_import.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_catalog_same_keys_and_placeholders() -> None:
    vi, en = _po("vi"), _po("en")
    assert vi.keys() == en.keys() and all(k.startswith("plan_import.") for k in vi)
    for key in vi:
        assert vi[key] and en[key], key
        assert set(re.findall(r"{(\w+)}", vi[key])) == set(re.findall(r"{(\w+)}", en[key])), key
    used = set()
    for path in (
        ROOT / "storage" / "plan_import.py",
        ROOT / "plans" / "importing" / "outcome.py",
        ROOT / "bot" / "commands" / "plans.py",
    ):
        used |= set(re.findall(r'"(plan_import\.[a-z_.]+[a-z_])"', path.read_text()))
    used |= {
        f"plan_import.report.count.{n}" for n in ("created", "updated", "unchanged", "removed")
    }
    assert used <= vi.keys(), used - vi.keys()


async def test_repeated_section_key_keeps_both_sections(db: Database) -> None:
    org_id, _ = await make_org(db)
    rows = [
        ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""],
        ["1", "Ban hành kế hoạch CCHC", "Văn phòng", "", "Tháng 1/2024", "150%"],
        ["I", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
        ["1", "Rà soát văn bản", "Tư pháp - Hộ tịch", "", "Quý 3/2024", ""],
    ]
    plan = small_plan(rows)
    assert [f.key for f in plan.fields] == ["I", "I"]
    first = await run_import(db, org_id, plan)
    assert (first.fields, first.tasks_created, first.progress_added) == (2, 2, 0)
    again = await run_import(db, org_id, plan, at=LATER)
    assert (again.tasks_unchanged, again.tasks_updated) == (2, 0)
    async with db.read() as session:
        fields = list(await session.scalars(select(Field).order_by(Field.ordinal)))
    assert [f.key for f in fields] == ["I", "I#2"]
    tasks = await tasks_by_number(db, first.plan_id)
    assert [tasks[1].field_id, tasks[2].field_id] == [fields[0].id, fields[1].id]


async def test_unnumbered_documents_of_one_year_replace_only_their_own_plan(db: Database) -> None:
    """Seed 002's progress report and seed 004's PAR appendix: both 2023, no number."""
    org_id, _ = await make_org(db)
    progress = await run_import(db, org_id, load_plan(b.progress_report_docx(), "tien-do.docx"))
    par = await run_import(db, org_id, load_plan(b.par_index_docx(), "par.docx"), at=LATER)
    assert par.created and par.plan_id != progress.plan_id and par.tasks_removed == 0
    assert par.year == progress.year == 2023
    live = await tasks_by_number(db, progress.plan_id)
    assert all(task.removed_at is None for task in live.values())
    # "Văn hóa - Thông tin" only shares its first half with "Văn hóa - Xã hội": another unit.
    assert "Văn hóa - Thông tin" not in par.suggested_units
    assert par.units_created == ["Văn hóa - Thông tin"]
    again = await run_import(db, org_id, load_plan(b.par_index_docx(), "par.docx"), at=LATER)
    # 8 rows, one of them the group "3.2" (not a task since issue 12).
    assert again.plan_id == par.plan_id and again.tasks_unchanged == 7


# --- a lead the plan keeper assigned by hand ------------------------------------------------

PLACEHOLDER_ROWS = [
    ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", ""],
    ["1", "Ban hành kế hoạch CCHC năm 2024", "Văn phòng - Thống kê", "", "Tháng 1/2024", ""],
    ["2", "Tuyên truyền CCHC trên loa truyền thanh", "Các ngành liên quan", "", "Quý III/2024", ""],
]


async def test_reimport_keeps_a_lead_assigned_by_hand_until_the_plan_names_one(
    any_db: Database,
) -> None:
    """A placeholder-led task given a lead by the keeper keeps it when the plan comes again.

    Re-importing used to drop the link (the plan "wants" no lead there) and put the
    placeholder back: the task's reminders reached no one again, silently. Once a
    corrected plan names a lead, the plan decides.
    """
    from storage.assignment import assign_lead_unit
    from storage.directory import add_person
    from storage.models import Role

    org_id, unit_ids = await make_org(any_db)
    first = await run_import(any_db, org_id, small_plan(PLACEHOLDER_ROWS))
    async with any_db.write() as session:
        keeper = await add_person(session, org_id, "Lê Văn Thư", Role.ADMIN, telegram_user_id=77)
        task_id = await session.scalar(
            select(Task.id).where(Task.plan_id == first.plan_id, Task.number == 2)
        )
        assert task_id is not None
        await assign_lead_unit(session, keeper, task_id, unit_ids["tc"], now=AT)

    again = await run_import(any_db, org_id, small_plan(PLACEHOLDER_ROWS), at=LATER)
    assert again.plan_id == first.plan_id
    assert (await links(any_db))[(task_id, "lead")] == {unit_ids["tc"]}
    async with any_db.read() as session:
        task = await session.get(Task, task_id)
        assert task is not None and task.lead_units_text == UNITS["tc"][0]

    named = copy.deepcopy(PLACEHOLDER_ROWS)
    named[2][2] = "Văn hóa - Xã hội"
    await run_import(any_db, org_id, small_plan(named), at=LATER)
    assert (await links(any_db))[(task_id, "lead")] == {unit_ids["vh"]}
