"""Staff roster import: the sheet read by meaning, people and invitations, CLI and chat."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.cli import main
from plans.roster import RosterError, read_roster, role_for
from sandbox.harness import BotHarness
from storage.db import Database
from storage.directory import add_organization, add_unit
from storage.invitations import redeem_invitation
from storage.models import Invitation, Person, PersonUnit, Role
from storage.roster_import import import_roster
from tests.factories import ADMIN_TG, OFFICER_TP_TG, UNITS, Commune
from tests.officers_support import say, user

NOW = datetime(2024, 3, 4, 2, 0, tzinfo=UTC)
HEADER = ["STT", "Họ và tên", "Chức vụ", "Bộ phận", "Telegram ID", "Số điện thoại"]
PEOPLE = [
    [1, "Trần Văn Bình", "Chủ tịch UBND xã", "Lãnh đạo UBND", "", "0912 345 678"],
    [2, "Lê Thị Hoa", "Phó Chủ tịch UBND xã", "", "", ""],
    [3, "Nguyễn Thị Lan", "Công chức Văn phòng - Thống kê", "Văn phòng - Thống kê", "", ""],
    [4, "Phạm Văn An", "Công chức", "Tư pháp - Hộ tịch", 555000111, ""],
    [5, "Hoàng Thị Mai", "Công chức", "TC-KT", "", "0987654321"],
    [6, "Đỗ Văn Hùng", "Công chức", "Văn hoá - Xã hội", "", ""],
]


def xlsx(rows: list[list[object]], *, title: str | None = "DANH SÁCH CÁN BỘ, CÔNG CHỨC") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(sep.join(str(c) for c in row) for row in rows).encode(encoding)


# --- reading the sheet ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "unit", "role"),
    [
        ("Chủ tịch UBND xã", "", "chairman"),
        ("chu tich", "", "chairman"),
        ("Phó Chủ tịch UBND", "", "vice_chairman"),
        ("PHÓ CHỦ TỊCH", "Lãnh đạo", "vice_chairman"),
        ("Công chức Văn phòng - Thống kê", "", "admin"),
        ("Văn phòng – Thống kê", "", "admin"),
        ("Công chức", "Văn phòng - Thống kê", "admin"),
        ("Công chức", "Tư pháp - Hộ tịch", "officer"),
        ("Công chức Tư pháp - Hộ tịch", "Tư pháp - Hộ tịch", "officer"),
        ("Kế toán", "Tài chính - Kế toán", "officer"),
        ("Chủ tịch Hội Nông dân", "Văn hóa - Xã hội", "officer"),
        ("Chủ tịch UBMTTQ", "", "officer"),
        ("Phó Chủ tịch HĐND", "", "officer"),
    ],
)
def test_role_from_job_title(title: str, unit: str, role: str) -> None:
    assert role_for(title, unit) == role


def test_header_found_by_meaning_under_a_title() -> None:
    roster = read_roster(xlsx([HEADER, *PEOPLE]), "danh-sach.xlsx")
    assert [e.full_name for e in roster.entries] == [p[1] for p in PEOPLE]
    first = roster.entries[0]
    assert (first.row, first.role, first.phone, first.telegram_id) == (
        4,
        "chairman",
        "0912 345 678",
        None,
    )
    assert roster.entries[3].telegram_id == 555000111


def test_other_column_names_and_csv_with_semicolons() -> None:
    rows = [
        ["TT", "Họ tên", "Chức danh", "Đơn vị", "SĐT/Telegram"],
        [1, "Nguyen Van Tu", "cong chuc", "Tu phap - Ho tich", "123456789"],
        [2, "Tran Thi Nga", "Chu tich", "", "0905111222"],
    ]
    roster = read_roster(csv_bytes(rows), "ds.csv")
    assert [(e.full_name, e.role, e.telegram_id, e.phone) for e in roster.entries] == [
        ("Nguyen Van Tu", "officer", 123456789, None),
        ("Tran Thi Nga", "chairman", None, "0905111222"),
    ]
    excel_unicode_text = read_roster(csv_bytes(rows[:2], sep="\t", encoding="utf-16"), "ds.csv")
    assert excel_unicode_text.entries[0].unit_text == "Tu phap - Ho tich"


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"%PDF-1.4", "ds.pdf", "roster.error.format"),
        (b"PK\x03\x04broken", "ds.xlsx", "roster.error.corrupted"),
        (b"not a zip at all", "ds.xlsx", "roster.error.corrupted"),
        (b"", "ds.csv", "roster.error.empty"),
        (csv_bytes([["a", "b"], ["1", "2"]]), "ds.csv", "roster.error.no_header"),
        (
            csv_bytes([["Họ và tên", "Bộ phận"], ["A", "Tư pháp"]]),
            "ds.csv",
            "roster.error.no_title_column",
        ),
        (csv_bytes([HEADER]), "ds.csv", "roster.error.empty"),
    ],
)
def test_bad_files_get_one_polite_reason(data: bytes, name: str, key: str) -> None:
    with pytest.raises(RosterError) as info:
        read_roster(data, name)
    assert info.value.problems[0].key == key


def test_every_row_problem_is_reported_at_once() -> None:
    rows = [
        HEADER,
        [1, "Phạm Văn An", "Công chức", "Tư pháp - Hộ tịch", "", ""],
        [2, "", "Công chức", "Tư pháp - Hộ tịch", "", ""],
        [3, "Lê Văn Cường", "Công chức", "", "", ""],
        [4, "Võ Thị Dung", "Công chức", "Tư pháp - Hộ tịch", "@dungvo", ""],
        [5, "Pham Van An", "Công chức", "Tư pháp - Hộ tịch", "", ""],
    ]
    with pytest.raises(RosterError) as info:
        read_roster(xlsx(rows, title=None), "ds.xlsx")
    assert [(p.key, p.params.get("row")) for p in info.value.problems] == [
        ("roster.error.no_name", 3),
        ("roster.error.officer_without_unit", 4),
        ("roster.error.bad_telegram", 5),
        ("roster.error.duplicate", 6),
    ]


# --- into the directory --------------------------------------------------------------


async def _org(db: Database) -> int:
    async with db.write() as session:
        org = await add_organization(session, "Vĩnh Khê")
        for name, aliases in UNITS.values():
            await add_unit(session, org.id, name, aliases)
    return org.id


async def _import(db: Database, org_id: int, data: bytes, **kwargs: object):  # type: ignore[no-untyped-def]
    async with db.write() as session:
        return await import_roster(session, org_id, read_roster(data, "ds.xlsx"), now=NOW, **kwargs)


async def _people(db: Database, org_id: int) -> dict[str, tuple[Role, int | None, set[int]]]:
    async with db.read() as session:
        people = list(await session.scalars(select(Person).where(Person.organization_id == org_id)))
        units = {pid: set() for pid in (p.id for p in people)}
        for pid, uid in await session.execute(select(PersonUnit.person_id, PersonUnit.unit_id)):
            units.setdefault(pid, set()).add(uid)
    return {p.full_name: (p.role, p.telegram_user_id, units[p.id]) for p in people}


async def _count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_import_creates_people_roles_units_and_one_invitation_each(db: Database) -> None:
    org_id = await _org(db)
    report = await _import(db, org_id, xlsx([HEADER, *PEOPLE]))
    people = await _people(db, org_id)
    assert {name: role for name, (role, _, _) in people.items()} == {
        "Trần Văn Bình": Role.CHAIRMAN,
        "Lê Thị Hoa": Role.VICE_CHAIRMAN,
        "Nguyễn Thị Lan": Role.ADMIN,
        "Phạm Văn An": Role.OFFICER,
        "Hoàng Thị Mai": Role.OFFICER,
        "Đỗ Văn Hùng": Role.OFFICER,
    }
    assert people["Phạm Văn An"][1] == 555000111
    assert people["Trần Văn Bình"][2] == set()  # "Lãnh đạo UBND" is no unit: leaders need none
    assert len(people["Hoàng Thị Mai"][2]) == 1  # "TC-KT" matched through the alias
    assert report.count("created") == 6 and report.invitations_created == 5
    assert await _count(db, Invitation) == 5
    again = await _import(db, org_id, xlsx([HEADER, *PEOPLE]))
    assert (again.count("unchanged"), again.invitations_created) == (6, 0)
    assert await _count(db, Person) == 6 and await _count(db, Invitation) == 5
    assert {line.invitation_code for line in again.invitations} == {
        line.invitation_code for line in report.invitations
    }


async def test_reimport_updates_in_place(db: Database) -> None:
    org_id = await _org(db)
    await _import(db, org_id, xlsx([HEADER, *PEOPLE]))
    changed = [list(p) for p in PEOPLE]
    changed[5][2:4] = ["Công chức Văn phòng - Thống kê", "Văn phòng - Thống kê"]  # Hùng moves
    changed[1][1] = "LÊ THỊ HOA"  # same person, name typed in capitals
    report = await _import(db, org_id, xlsx([HEADER, *changed]))
    people = await _people(db, org_id)
    assert len(people) == 6 and report.count("created") == 0
    assert people["Đỗ Văn Hùng"][0] is Role.ADMIN
    assert "LÊ THỊ HOA" in people and report.count("updated") == 2


async def test_unknown_unit_changes_nothing(db: Database) -> None:
    org_id = await _org(db)
    rows = [HEADER, *PEOPLE, [7, "Vũ Văn Khoa", "Công chức", "Quân sự", "", ""]]
    with pytest.raises(RosterError) as info:
        await _import(db, org_id, xlsx(rows))
    assert [(p.key, p.params["unit"]) for p in info.value.problems] == [
        ("roster.error.unit_unknown", "Quân sự")
    ]
    assert await _count(db, Person) == 0 and await _count(db, Invitation) == 0


async def test_dry_run_writes_nothing(db: Database) -> None:
    org_id = await _org(db)
    report = await _import(db, org_id, xlsx([HEADER, *PEOPLE]), dry_run=True)
    assert report.count("created") == 6 and report.invitations_created == 5
    assert await _count(db, Person) == 0 and await _count(db, Invitation) == 0


async def test_invitation_claims_the_roster_person(db: Database) -> None:
    org_id = await _org(db)
    report = await _import(db, org_id, xlsx([HEADER, *PEOPLE]))
    lan = next(line for line in report.lines if line.entry.full_name == "Nguyễn Thị Lan")
    assert lan.invitation_code is not None
    async with db.write() as session:
        info = await redeem_invitation(
            session,
            lan.invitation_code,
            telegram_user_id=777001,
            full_name="Lan (Telegram)",
            language="vi",
            now=NOW,
        )
    assert info.id == lan.person_id and info.role is Role.ADMIN
    people = await _people(db, org_id)
    assert len(people) == 6 and people["Nguyễn Thị Lan"][1] == 777001
    # the next import sees her Telegram account: no new invitation for her
    again = await _import(db, org_id, xlsx([HEADER, *PEOPLE]))
    assert "Nguyễn Thị Lan" not in {line.entry.full_name for line in again.invitations}


# --- the CLI ------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli_org(capsys: pytest.CaptureFixture[str]) -> str:
    assert run(capsys, "org", "add", "Vĩnh Khê")[0] == 0
    for name, aliases in UNITS.values():
        extra = [a for alias in aliases for a in ("--alias", alias)]
        assert run(capsys, "unit", "add", name, "--org", "Vĩnh Khê", *extra)[0] == 0
    return "Vĩnh Khê"


def test_cli_dry_run_then_import_writes_sheet_and_qr_codes(
    capsys: pytest.CaptureFixture[str], cli_org: str, tmp_path: Path
) -> None:
    roster = tmp_path / "danh-sach.xlsx"
    roster.write_bytes(xlsx([HEADER, *PEOPLE]))
    code, out, _ = run(
        capsys, "person", "import", str(roster), "--org", cli_org, "--dry-run", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["dry_run"] is True and data["created"] == 6
    assert (
        data["workbook"] is None
        and run(capsys, "person", "list", "--org", cli_org)[1].count("\n") <= 1
    )

    args = ("person", "import", str(roster), "--org", cli_org, "--bot-username", "cchc_test_bot")
    code, out, _ = run(capsys, *args, "--json")
    data = json.loads(out)
    assert code == 0 and (data["created"], data["invitations_created"]) == (6, 5)
    assert set(data["people"][0]) == {
        "row",
        "full_name",
        "title",
        "role",
        "unit",
        "unit_as_written",
        "telegram_id",
        "phone",
        "action",
        "person_id",
        "invitation",
    }
    links = [p["invitation"]["link"] for p in data["people"] if p["invitation"]]
    assert len(links) == 5 and all(
        link.startswith("https://t.me/cchc_test_bot?start=") for link in links
    )
    sheet = load_workbook(data["workbook"]).active
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [row[1] for row in cells] == [p["full_name"] for p in data["people"] if p["invitation"]]
    assert [row[5] for row in cells] == links
    assert len(sheet._images) == 5  # one QR picture per row
    pngs = sorted(Path(data["qr_folder"]).glob("*.png"))
    assert [p.name for p in pngs][:2] == ["01-tran-van-binh.png", "02-le-thi-hoa.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs) and len(pngs) == 5

    code, out, _ = run(capsys, *args)
    assert code == 0 and "Thêm mới 0, cập nhật 0, giữ nguyên 6; 0 đường dẫn mời mới." in out


def test_cli_refuses_politely_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], cli_org: str, tmp_path: Path
) -> None:
    roster = tmp_path / "ds.xlsx"
    roster.write_bytes(xlsx([HEADER, *PEOPLE, [7, "Vũ Văn Khoa", "Công chức", "Quân sự", "", ""]]))
    code, out, err = run(
        capsys, "person", "import", str(roster), "--org", cli_org, "--bot-username", "b"
    )
    assert code == 1 and out == ""
    assert "Dòng 10 (Vũ Văn Khoa): xã chưa có bộ phận “Quân sự”" in err
    assert "Chưa có thay đổi nào được lưu" in err
    roster.write_bytes(xlsx([HEADER, *PEOPLE]))
    code, _, err = run(capsys, "person", "import", str(roster), "--org", cli_org)
    assert code == 1 and "--bot-username" in err  # links need the bot's name: nothing saved
    _, out, _ = run(capsys, "person", "list", "--org", cli_org)
    assert "Trần Văn Bình" not in out
    code, _, err = run(capsys, "person", "import", str(tmp_path / "none.xlsx"), "--org", cli_org)
    assert code == 1 and "Không tìm thấy tệp" in err


# --- in chat ------------------------------------------------------------------------------


async def test_chat_upload_imports_and_sends_sheet_and_qr_zip(
    harness: BotHarness, commune: Commune
) -> None:
    lan = user(harness, ADMIN_TG)
    ask = await say(harness, lan, "/nhapcanbo")
    assert "danh sách cán bộ" in (ask.text or "")
    rows = [HEADER, *PEOPLE[3:]]  # three officers, one with Telegram
    harness.api.user_uploads_document(lan, None, "ds.xlsx", xlsx(rows))
    await harness.api.wait_for_bot_message(
        lan.id, lambda m: m.document is not None and m.document.file_name.endswith(".zip")
    )
    await harness.idle()
    messages = harness.api.bot_messages(lan.id)
    text = "\n".join(m.text or "" for m in messages)
    assert "✅ Đã nhập danh sách cán bộ từ tệp “ds.xlsx”" in text
    assert "Thêm mới 3, cập nhật 0, giữ nguyên 0; 2 đường dẫn mời mới." in text
    archive = zipfile.ZipFile(io.BytesIO(messages[-1].document_bytes or b""))
    assert sorted(archive.namelist()) == ["01-hoang-thi-mai.png", "02-do-van-hung.png"]
    sheet = load_workbook(io.BytesIO(messages[-2].document_bytes or b"")).active
    assert [r[1].value for r in sheet.iter_rows(min_row=4)] == ["Hoàng Thị Mai", "Đỗ Văn Hùng"]


async def test_chat_bad_file_and_stranger_role(harness: BotHarness, commune: Commune) -> None:
    lan = user(harness, ADMIN_TG)
    await say(harness, lan, "/nhapcanbo")
    before = await _count(harness.database, Person)
    harness.api.user_uploads_document(
        lan, None, "ds.xlsx", xlsx([HEADER, [1, "Vũ Văn Khoa", "Công chức", "Quân sự", "", ""]])
    )
    reply = await harness.api.wait_for_bot_message(lan.id, lambda m: "Quân sự" in (m.text or ""))
    await harness.idle()
    assert "Chưa có thay đổi nào được lưu" in (reply.text or "")
    assert await _count(harness.database, Person) == before
    # the file can come with the command as its caption
    harness.api.user_uploads_document(
        lan, None, "ds.xlsx", xlsx([HEADER, *PEOPLE[3:]]), "/nhapcanbo"
    )
    await harness.api.wait_for_bot_message(lan.id, lambda m: "Thêm mới 3" in (m.text or ""))
    await harness.idle()
    assert await _count(harness.database, Person) == before + 3
    officer = user(harness, OFFICER_TP_TG)
    refused = await say(harness, officer, "/nhapcanbo")
    assert "danh sách cán bộ" not in (refused.text or "")


async def test_unit_named_by_its_first_half_is_understood_and_said(db: Database) -> None:
    from plans.roster_report import render_report

    org_id = await _org(db)
    rows = [HEADER, [1, "Phạm Văn An", "Công chức", "Tư pháp", "", ""]]
    report = await _import(db, org_id, xlsx(rows))
    (line,) = report.lines
    assert line.unit is not None and line.unit.name == "Tư pháp - Hộ tịch" and line.unit_guessed
    assert "(hiểu “Tư pháp” là “Tư pháp - Hộ tịch”)" in render_report(report, "vi")


async def test_every_problem_is_listed_in_one_polite_answer(db: Database) -> None:
    from plans.roster_report import render_problems

    org_id = await _org(db)
    rows = [
        HEADER,
        [1, "Vũ Văn Khoa", "Công chức", "Quân sự", "", ""],
        [2, "Lý Thị Hạnh", "Công chức", "Công an xã", "", ""],
    ]
    with pytest.raises(RosterError) as info:
        await _import(db, org_id, xlsx(rows))
    text = render_problems(info.value, "ds.xlsx", "vi")
    lines = text.splitlines()
    assert lines[0] == "Chưa nhập danh sách cán bộ từ tệp “ds.xlsx”, vì:"
    assert len(lines) == 4 and "“Quân sự”" in lines[1] and "“Công an xã”" in lines[2]
    assert lines[-1].startswith("Chưa có thay đổi nào được lưu")
