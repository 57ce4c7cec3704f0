"""The demo's cast: xã Vĩnh Khê, its units and people, its 2024 plan and 2023 PAR INDEX.

A newcomer should meet a believable commune at once, so the demo creates the
organization a real plan keeper would set up (a district above it, the units
the plan names, a chairman, the office clerk who keeps the plan, officers of
different units, a district viewer) and loads the real Vĩnh Khê 2024 plan that
ships inside the package. Everything goes through the same storage services
the CLI and the chat use, so the demo exercises the real rules. Last year's
PAR INDEX result ships too (the assessment text of a real commune, numbers
kept), so ``/chiso`` answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.importing import ImportedPlan, load_plan
from plans.par_index.model import Scorecard
from plans.par_index.reader import load_scores
from storage.directory import add_organization, add_person, add_unit, find_organization
from storage.models import Field, OrgKind, Plan, Role, Task
from storage.par_index import link_task, save_scorecard

PLAN_FILENAME = "ke-hoach-cchc-vinh-khe-2024.docx"
DISTRICT_NAME = "huyện Vĩnh Linh"
COMMUNE_NAME = "xã Vĩnh Khê"


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """One demo character: who they are in the commune and their fake Telegram account."""

    key: str  # short handle for ``:as`` (e.g. "chairman")
    full_name: str
    role: Role
    telegram_user_id: int
    title_key: str  # catalog key of the position shown in the prompt
    units: tuple[str, ...] = ()
    district: bool = False  # belongs to the district, not the commune

    @property
    def first_name(self) -> str:
        """Telegram's first_name as a Vietnamese user fills it in: the given name."""
        return self.full_name.split()[-1]

    @property
    def last_name(self) -> str:
        return " ".join(self.full_name.split()[:-1])


@dataclass(frozen=True, slots=True)
class DemoUnit:
    name: str
    aliases: tuple[str, ...] = ()


# The units the plan's table names (short forms as aliases, so the import maps them).
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("Văn phòng - Thống kê", ("Văn phòng", "VP-TK")),
    DemoUnit("Tư pháp - Hộ tịch", ("Tư pháp", "TP-HT")),
    DemoUnit("Tài chính - Kế toán", ("Tài chính", "TC-KT")),
    DemoUnit("Văn hóa - Xã hội", ("Văn hóa", "Văn hoá", "VH-XH")),
    DemoUnit("Địa chính - Xây dựng", ("Địa chính", "ĐC-XD")),
)

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "an", "Nguyễn Văn An", Role.OFFICER, 910_001, "demo.title.officer", ("Tư pháp - Hộ tịch",)
    ),
    DemoPerson(
        "hoa", "Phạm Thị Hoa", Role.OFFICER, 910_002, "demo.title.officer", ("Tài chính - Kế toán",)
    ),
    DemoPerson(
        "nam", "Hoàng Văn Nam", Role.OFFICER, 910_003, "demo.title.officer", ("Văn hóa - Xã hội",)
    ),
    DemoPerson(
        "lan",
        "Võ Thị Lan",
        Role.OFFICER,
        910_004,
        "demo.title.officer",
        ("Địa chính - Xây dựng",),
    ),
    DemoPerson(
        "admin",
        "Trần Thị Mai",
        Role.ADMIN,
        910_005,
        "demo.title.admin",
        ("Văn phòng - Thống kê",),
    ),
    DemoPerson("chairman", "Lê Văn Hùng", Role.CHAIRMAN, 910_006, "demo.title.chairman"),
    DemoPerson(
        "district", "Đỗ Minh Tuấn", Role.DISTRICT_VIEWER, 910_007, "demo.title.district", (), True
    ),
)


def plan_bytes() -> bytes:
    """The Vĩnh Khê 2024 plan as shipped inside the package (works from a wheel too)."""
    return resources.files("sandbox.demo").joinpath("data", PLAN_FILENAME).read_bytes()


def load_demo_plan() -> ImportedPlan:
    return load_plan(plan_bytes(), PLAN_FILENAME, year=2024, organization="UBND xã Vĩnh Khê")


async def organization_exists(session: AsyncSession) -> int | None:
    """The commune's id when a kept demo database already holds it."""
    org = await find_organization(session, COMMUNE_NAME)
    return org.id if org is not None else None


async def seed_people(session: AsyncSession, language: str = "vi") -> int:
    """Create the district, the commune, its units and the cast; returns the commune's id."""
    district = await add_organization(session, DISTRICT_NAME, kind=OrgKind.DISTRICT, actor="demo")
    commune = await add_organization(
        session, COMMUNE_NAME, kind=OrgKind.COMMUNE, parent=DISTRICT_NAME, actor="demo"
    )
    for unit in UNITS:
        await add_unit(session, commune.id, unit.name, list(unit.aliases), actor="demo")
    for person in PEOPLE:
        await add_person(
            session,
            district.id if person.district else commune.id,
            person.full_name,
            person.role,
            telegram_user_id=person.telegram_user_id,
            unit_names=list(person.units),
            language=language,
            actor="demo",
        )
    return commune.id


async def import_demo_plan(
    session: AsyncSession, organization_id: int, plan: ImportedPlan, at: datetime
) -> Any:
    """Store the parsed plan through the project's importer (the plan keeper's path)."""
    from storage.plan_import import import_plan

    return await import_plan(
        session,
        organization_id,
        plan,
        create_missing_units=True,
        actor="demo",
        at=at,
    )


SCORECARD_FILENAME = "ket-qua-chi-so-cchc-2023-vinh-khe.docx"
SCORECARD_YEAR = 2023
# Which 2024 task serves which criterion, as the plan keeper would link them
# (the demo plan cites no "(TCTP …)" codes): (field, task code) → criterion code.
# Nothing serves 7.3 (public postal service), 3.2 or 7.8: /chiso shows them as
# losses without a task.
DEMO_LINKS: tuple[tuple[str, str, str], ...] = (
    ("I", "1", "1.1"),
    ("I", "2", "1.3"),
    ("I", "3", "1.5"),
    ("I", "6", "1.6"),
    ("II", "3", "2.2"),
    ("II", "4", "2.1"),
    ("III", "2", "3.1"),
    ("III", "3", "3.5"),
    ("III", "5", "3.4"),
    ("VI", "1", "6.3"),
    ("VI", "2", "6.2.1"),
    ("VII", "1", "7.1"),
    ("VII", "3", "7.2"),
    ("VII", "4", "7.6"),
)


def scorecard_bytes() -> bytes:
    """Last year's PAR INDEX result of the demo commune, shipped inside the package."""
    return resources.files("sandbox.demo").joinpath("data", SCORECARD_FILENAME).read_bytes()


async def import_demo_scorecard(
    session: AsyncSession, organization_id: int, at: datetime
) -> Scorecard:
    """Store the 2023 scorecard and link the 2024 plan's tasks to criteria."""
    card = load_scores(scorecard_bytes(), SCORECARD_FILENAME, year=SCORECARD_YEAR)
    await save_scorecard(
        session, organization_id, card, year=SCORECARD_YEAR, person_id=None, actor="demo", at=at
    )
    rows = await session.execute(
        select(Field.key, Task.code, Task.id)
        .join(Task, Task.field_id == Field.id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.organization_id == organization_id, Task.removed_at.is_(None))
    )
    tasks = {(key, code): task_id for key, code, task_id in rows}
    for field_key, task_code, criterion in DEMO_LINKS:
        task_id = tasks.get((field_key, task_code))
        if task_id is not None:
            await link_task(session, task_id, criterion)
    return card


def person_by_key(text: str) -> DemoPerson | None:
    """``:as 2``, ``:as chairman``, ``:as An``, ``:as hùng`` — whichever the newcomer types."""
    from plans.text import ascii_key

    wanted = text.strip()
    if not wanted:
        return None
    if wanted.isdigit():
        index = int(wanted) - 1
        return PEOPLE[index] if 0 <= index < len(PEOPLE) else None
    key = ascii_key(wanted)
    for person in PEOPLE:
        if key in (ascii_key(person.key), ascii_key(person.first_name)):
            return person
    for person in PEOPLE:
        if key == ascii_key(person.full_name) or key in ascii_key(person.full_name).split():
            return person
    return None
