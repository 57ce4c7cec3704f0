"""Build a small, realistic commune in the database for tests.

Xã Vĩnh Khê under huyện Vĩnh Linh, its usual units, a plan keeper, a
chairman, two officers and a district viewer, and a plan of eight tasks
whose deadlines cover the kinds the seeds show. Rows go in through the same
storage services the bot uses, never through the chat, so a test of one
feature does not depend on another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from plans.text import match_key
from storage.db import Database
from storage.directory import add_organization, add_person, add_unit
from storage.models import Field, OrgKind, Plan, Role, Task, TaskUnit, UnitRole

UNITS = {
    "vp": ("Văn phòng - Thống kê", ["VP-TK", "Văn phòng"]),
    "tp": ("Tư pháp - Hộ tịch", ["TP-HT"]),
    "tc": ("Tài chính - Kế toán", ["TC-KT"]),
    "dc": ("Địa chính - Xây dựng", ["ĐC-XD"]),
    "vh": ("Văn hóa - Xã hội", ["VH-XH", "Văn hoá - Xã hội"]),
    "mc": ("Bộ phận tiếp nhận và trả kết quả", ["Bộ phận một cửa"]),
}

# (field, number, content, lead, coordinating, deadline text, kind, due date)
TASKS = [
    (
        "I",
        1,
        "Xây dựng và ban hành Kế hoạch CCHC năm 2024",
        "vp",
        [],
        "Tháng 1/2024",
        "date",
        date(2024, 1, 31),
    ),
    ("I", 2, "Báo cáo CCHC định kỳ quý, 6 tháng, năm", "vp", ["tp"], "Định kỳ", "recurring", None),
    (
        "II",
        3,
        "Rà soát văn bản quy phạm pháp luật",
        "tp",
        ["vp"],
        "Trước 10/6/2024",
        "date",
        date(2024, 6, 10),
    ),
    (
        "II",
        4,
        "Tuyên truyền phổ biến pháp luật về CCHC",
        "tp",
        [],
        "Quý II/2024",
        "date",
        date(2024, 6, 30),
    ),
    (
        "III",
        5,
        "Công khai thủ tục hành chính tại Bộ phận một cửa",
        "mc",
        ["vp"],
        "Thường xuyên",
        "recurring",
        None,
    ),
    (
        "III",
        6,
        "Số hóa hồ sơ, kết quả giải quyết TTHC",
        "mc",
        ["tc"],
        "Tháng 5/2024",
        "date",
        date(2024, 5, 31),
    ),
    (
        "IV",
        7,
        "Thực hiện cơ chế tự chủ tài chính",
        "tc",
        [],
        "Quý III/2024",
        "date",
        date(2024, 9, 30),
    ),
    (
        "IV",
        8,
        "Kiểm tra công tác CCHC theo kế hoạch của huyện",
        "vh",
        ["dc"],
        "Theo kế hoạch kiểm tra của cấp trên",
        "event",
        None,
    ),
]
FIELDS = {
    "I": "Công tác chỉ đạo, điều hành",
    "II": "Cải cách thể chế",
    "III": "Cải cách thủ tục hành chính",
    "IV": "Cải cách tài chính công",
}

PLACEHOLDER_LEAD = "Các ngành liên quan"  # a lead that names no single unit

ADMIN_TG, CHAIRMAN_TG, OFFICER_TP_TG, OFFICER_TC_TG, VIEWER_TG, OTHER_CHAIR_TG = (
    2001,
    2002,
    2003,
    2004,
    2005,
    2006,
)


@dataclass
class Commune:
    district_id: int
    org_id: int
    other_org_id: int
    plan_id: int
    unit_ids: dict[str, int] = field(default_factory=dict)
    task_ids: dict[int, int] = field(default_factory=dict)  # number -> id
    people: dict[str, int] = field(default_factory=dict)  # role label -> person id


async def seed_commune(db: Database) -> Commune:
    """Create the district, the commune (with people and plan) and a neighbour commune."""
    async with db.write() as session:
        district = await add_organization(session, "Vĩnh Linh", kind=OrgKind.DISTRICT)
        org = await add_organization(session, "Vĩnh Khê", kind=OrgKind.COMMUNE, parent="Vĩnh Linh")
        other = await add_organization(session, "Vĩnh Tú", kind=OrgKind.COMMUNE, parent="Vĩnh Linh")
        commune = Commune(district.id, org.id, other.id, 0)
        for code, (name, aliases) in UNITS.items():
            info = await add_unit(session, org.id, name, aliases)
            commune.unit_ids[code] = info.id
        await add_unit(session, other.id, "Tư pháp - Hộ tịch")
        people = [
            ("admin", org.id, "Hoàng Thị Lan", Role.ADMIN, ADMIN_TG, ["Văn phòng - Thống kê"]),
            ("chairman", org.id, "Lê Văn Hùng", Role.CHAIRMAN, CHAIRMAN_TG, []),
            (
                "officer_tp",
                org.id,
                "Nguyễn Văn An",
                Role.OFFICER,
                OFFICER_TP_TG,
                ["Tư pháp - Hộ tịch"],
            ),
            (
                "officer_tc",
                org.id,
                "Trần Thị Bình",
                Role.OFFICER,
                OFFICER_TC_TG,
                ["Tài chính - Kế toán", "Bộ phận tiếp nhận và trả kết quả"],
            ),
            ("viewer", district.id, "Phạm Minh Đức", Role.DISTRICT_VIEWER, VIEWER_TG, []),
            ("other_chairman", other.id, "Võ Văn Tám", Role.CHAIRMAN, OTHER_CHAIR_TG, []),
        ]
        for label, org_id, name, role, tg, units in people:
            info = await add_person(
                session, org_id, name, role, telegram_user_id=tg, unit_names=units
            )
            commune.people[label] = info.id
        plan = Plan(
            organization_id=org.id,
            number="10/KH-UBND",
            issued_on=date(2024, 1, 15),
            year=2024,
            title="Kế hoạch cải cách hành chính xã Vĩnh Khê năm 2024",
            imported_at=datetime(2024, 1, 16, tzinfo=UTC),
        )
        session.add(plan)
        await session.flush()
        commune.plan_id = plan.id
        field_ids = {}
        for ordinal, (key, title) in enumerate(FIELDS.items(), start=1):
            fld = Field(plan_id=plan.id, key=key, ordinal=ordinal, title=title)
            session.add(fld)
            await session.flush()
            field_ids[key] = fld.id
        for key, number, content, lead, coord, text, kind, due in TASKS:
            task = Task(
                plan_id=plan.id,
                field_id=field_ids[key],
                number=number,
                code=str(number),
                content=content,
                content_key=match_key(content),
                lead_units_text=UNITS[lead][0],
                coordinating_units_text=", ".join(UNITS[c][0] for c in coord) or None,
                deadline_text=text,
                deadline_kind=kind,
                due_date=due,
            )
            session.add(task)
            await session.flush()
            session.add(
                TaskUnit(task_id=task.id, unit_id=commune.unit_ids[lead], role=UnitRole.LEAD)
            )
            for c in coord:
                session.add(
                    TaskUnit(
                        task_id=task.id, unit_id=commune.unit_ids[c], role=UnitRole.COORDINATING
                    )
                )
            commune.task_ids[number] = task.id
    return commune


async def add_placeholder_task(db: Database, commune: Commune) -> int:
    """The plan's next task, led by "Các ngành liên quan": no lead unit, it reaches no one."""
    async with db.write() as session:
        number = 1 + int(
            await session.scalar(
                select(func.max(Task.number)).where(Task.plan_id == commune.plan_id)
            )
            or 0
        )
        field_id = await session.scalar(
            select(Field.id).where(Field.plan_id == commune.plan_id, Field.key == "I")
        )
        content = f"Tuyên truyền CCHC trên hệ thống loa truyền thanh ({number})"
        task = Task(
            plan_id=commune.plan_id,
            field_id=field_id,
            number=number,
            code=str(number),
            content=content,
            content_key=match_key(content),
            lead_units_text=PLACEHOLDER_LEAD,
            deadline_text="Quý III/2024",
            deadline_kind="date",
            due_date=date(2024, 9, 30),
        )
        session.add(task)
        await session.flush()
        return task.id
