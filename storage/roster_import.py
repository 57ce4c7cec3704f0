"""Write a staff roster into the directory: people, their units, one invitation each.

``plans.roster`` reads the sheet; this module checks it against the
organization (units by name or alias, people already on record) and, only
when every row is sound, writes it in the caller's transaction: a roster
with one unknown unit changes nothing, and the clerk gets every problem at
once. Re-importing the same (or a corrected) sheet updates people in place:
a person is the same when the Telegram ID matches, else when the name does.

Each person without a Telegram ID gets one invitation tied to their record
(``Invitation.person_id``): following the link attaches their Telegram
account to the record instead of creating a second person. An invitation
still open is reused on re-import, so links already handed out keep working.

It returns data; ``plans.roster_report`` words it for the chat and the CLI alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.roster import CREATED, UNCHANGED, UPDATED, Problem, Roster, RosterEntry, RosterError
from plans.roster_sheet import InviteRow
from plans.text import ascii_key
from plans.units import UnitDirectory, UnitRef
from storage.directory import audit, list_units
from storage.invitations import new_code
from storage.models import Invitation, Person, PersonStatus, PersonUnit, Role

__all__ = [
    "ROSTER_INVITATION_TTL",
    "RosterLine",
    "RosterReport",
    "import_roster",
    "invite_rows",
]

# Links go out on paper and by Zalo: give people a month to follow them.
ROSTER_INVITATION_TTL = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class RosterLine:
    """What the import did (or would do) with one roster row."""

    entry: RosterEntry
    action: str  # "created" / "updated" / "unchanged"
    role: Role
    person_id: int | None  # None in a dry run for a new person
    unit: UnitRef | None
    unit_guessed: bool  # the sheet named the unit by a part of its name ("Tư pháp")
    telegram_id: int | None
    invitation_code: str | None = None
    invitation_expires: datetime | None = None
    invitation_new: bool = False


@dataclass
class RosterReport:
    filename: str
    dry_run: bool
    lines: list[RosterLine] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def invitations_created(self) -> int:
        return sum(1 for line in self.lines if line.invitation_new)

    @property
    def invitations(self) -> list[RosterLine]:
        return [line for line in self.lines if line.telegram_id is None]

    def to_json(self, link_for: object = None) -> dict[str, object]:
        """The public contract of ``person import --json`` (see tests/test_roster.py)."""
        make_link = link_for if callable(link_for) else None
        return {
            "file": self.filename,
            "dry_run": self.dry_run,
            "created": self.count(CREATED),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "invitations_created": self.invitations_created,
            "people": [
                {
                    "row": line.entry.row,
                    "full_name": line.entry.full_name,
                    "title": line.entry.title,
                    "role": line.role.value,
                    "unit": line.unit.name if line.unit else None,
                    "unit_as_written": line.entry.unit_text or None,
                    "telegram_id": line.telegram_id,
                    "phone": line.entry.phone,
                    "action": line.action,
                    "person_id": line.person_id,
                    "invitation": None
                    if line.invitation_code is None
                    else {
                        "code": line.invitation_code,
                        "link": make_link(line.invitation_code) if make_link else None,
                        "expires_at": line.invitation_expires.isoformat()
                        if line.invitation_expires
                        else None,
                    },
                }
                for line in self.lines
            ],
        }


def _name_key(name: str) -> str:
    return " ".join(ascii_key(name).split())


@dataclass
class _Plan:
    entry: RosterEntry
    role: Role
    unit: UnitRef | None
    guessed: bool
    person: Person | None


async def _check(
    session: AsyncSession, org_id: int, roster: Roster
) -> tuple[list[_Plan], list[Problem]]:
    units = await list_units(session, org_id)
    directory = UnitDirectory((u.id, u.name, u.aliases) for u in units)
    people = list(await session.scalars(select(Person).where(Person.organization_id == org_id)))
    by_tg = {p.telegram_user_id: p for p in people if p.telegram_user_id is not None}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(_name_key(p.full_name), []).append(p)
    wanted_tg = {e.telegram_id for e in roster.entries if e.telegram_id is not None}
    elsewhere = {
        tg: name
        for tg, name, other_org in await session.execute(
            select(Person.telegram_user_id, Person.full_name, Person.organization_id).where(
                Person.telegram_user_id.in_(wanted_tg)
            )
        )
        if other_org != org_id
    }

    plans: list[_Plan] = []
    problems: list[Problem] = []
    for entry in roster.entries:
        role = Role(entry.role)
        unit: UnitRef | None = None
        guessed = False
        if entry.unit_text:
            match = directory.resolve(entry.unit_text)
            if match.unit is not None:
                unit = match.unit
            elif len(match.candidates) == 1 and not match.placeholder:
                unit, guessed = match.candidates[0], True
            elif role in (Role.CHAIRMAN, Role.VICE_CHAIRMAN):
                unit = None  # "Lãnh đạo UBND": the leaders need no unit
            elif match.candidates:
                problems.append(
                    Problem(
                        "roster.error.unit_ambiguous",
                        {
                            "row": entry.row,
                            "unit": entry.unit_text,
                            "choices": ", ".join(f"“{c.name}”" for c in match.candidates),
                        },
                    )
                )
                continue
            else:
                problems.append(
                    Problem(
                        "roster.error.unit_unknown",
                        {"row": entry.row, "unit": entry.unit_text, "name": entry.full_name},
                    )
                )
                continue
        if entry.telegram_id is not None and entry.telegram_id in elsewhere:
            problems.append(
                Problem(
                    "roster.error.telegram_elsewhere",
                    {"row": entry.row, "value": entry.telegram_id, "name": entry.full_name},
                )
            )
            continue
        person = by_tg.get(entry.telegram_id) if entry.telegram_id is not None else None
        if person is None:
            same_name = [
                p
                for p in by_name.get(_name_key(entry.full_name), [])
                if entry.telegram_id is None
                or p.telegram_user_id is None
                or p.telegram_user_id == entry.telegram_id
            ]
            if len(same_name) > 1:
                problems.append(
                    Problem(
                        "roster.error.name_ambiguous", {"row": entry.row, "name": entry.full_name}
                    )
                )
                continue
            person = same_name[0] if same_name else None
        plans.append(_Plan(entry, role, unit, guessed, person))
    return plans, problems


async def _open_invitations(
    session: AsyncSession, person_ids: Sequence[int], now: datetime
) -> dict[int, Invitation]:
    """Each person's latest invitation still usable, if any (one query)."""
    found: dict[int, Invitation] = {}
    if not person_ids:
        return found
    for invitation in await session.scalars(
        select(Invitation)
        .where(
            Invitation.person_id.in_(list(person_ids)),
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.expires_at)
    ):
        assert invitation.person_id is not None
        found[invitation.person_id] = invitation  # the latest wins
    return found


async def _units_of(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, set[int]]:
    units: dict[int, set[int]] = {pid: set() for pid in person_ids}
    if person_ids:
        for pid, uid in await session.execute(
            select(PersonUnit.person_id, PersonUnit.unit_id).where(
                PersonUnit.person_id.in_(list(person_ids))
            )
        ):
            units[pid].add(uid)
    return units


async def import_roster(
    session: AsyncSession,
    org_id: int,
    roster: Roster,
    *,
    now: datetime,
    dry_run: bool = False,
    actor: str = "cli",
    person_id: int | None = None,
    ttl: timedelta = ROSTER_INVITATION_TTL,
) -> RosterReport:
    """Check the whole roster, then write it (unless ``dry_run``); never commits.

    Raises :class:`plans.roster.RosterError` listing every problem; nothing is
    written then. Reads and writes in a handful of statements whatever the
    roster's length (bench/bench_roster.py).
    """
    plans, problems = await _check(session, org_id, roster)
    if problems:
        raise RosterError(problems)
    known = [plan.person.id for plan in plans if plan.person is not None]
    units_of = await _units_of(session, known)
    open_invitations = await _open_invitations(session, known, now)

    # 1. people: create or update in place
    staged: list[tuple[_Plan, Person | None, str, int | None, set[int]]] = []
    for plan in plans:
        entry, person = plan.entry, plan.person
        unit_ids = {plan.unit.unit_id} if plan.unit else set()
        if person is None:
            telegram_id = entry.telegram_id
            if not dry_run:
                person = Person(
                    organization_id=org_id,
                    telegram_user_id=entry.telegram_id,
                    full_name=entry.full_name[:200],
                    role=plan.role,
                    status=PersonStatus.ACTIVE,
                    phone=entry.phone[:32] if entry.phone else None,
                    reachable=True,
                )
                person.units = [PersonUnit(unit_id=u) for u in sorted(unit_ids)]
                session.add(person)
            staged.append((plan, person, CREATED, telegram_id, unit_ids))
            continue
        current_units = units_of.get(person.id, set())
        keep_units = unit_ids or current_units
        telegram_id = person.telegram_user_id or entry.telegram_id
        changes = {
            "full_name": entry.full_name[:200],
            "role": plan.role,
            "phone": (entry.phone[:32] if entry.phone else None) or person.phone,
            "telegram_user_id": telegram_id,
        }
        differs = any(getattr(person, k) != v for k, v in changes.items())
        differs = differs or keep_units != current_units or person.status is not PersonStatus.ACTIVE
        if differs and not dry_run:
            for k, v in changes.items():
                setattr(person, k, v)
            person.status = PersonStatus.ACTIVE
            if keep_units != current_units:
                await session.execute(delete(PersonUnit).where(PersonUnit.person_id == person.id))
                session.add_all(PersonUnit(person_id=person.id, unit_id=u) for u in keep_units)
        staged.append((plan, person, UPDATED if differs else UNCHANGED, telegram_id, keep_units))
    if not dry_run:
        await session.flush()

    # 2. one invitation per person who still has to join by link
    report = RosterReport(roster.filename, dry_run)
    fresh: list[tuple[int, Invitation]] = []
    for plan, person, action, telegram_id, unit_ids in staged:
        line = RosterLine(
            entry=plan.entry,
            action=action,
            role=plan.role,
            person_id=person.id if person is not None else None,
            unit=plan.unit,
            unit_guessed=plan.guessed,
            telegram_id=telegram_id,
        )
        if telegram_id is None:
            existing = open_invitations.get(person.id) if person is not None else None
            if existing is not None:
                line = _with_invitation(line, existing.code, existing.expires_at, new=False)
            elif dry_run or person is None:
                line = _with_invitation(line, None, now + ttl, new=True)
            else:
                invitation = Invitation(
                    code=new_code(),
                    organization_id=org_id,
                    unit_id=min(unit_ids) if unit_ids else None,
                    role=plan.role,
                    person_id=person.id,
                    full_name=person.full_name,
                    created_by=person_id,
                    created_at=now,
                    expires_at=now + ttl,
                )
                session.add(invitation)
                fresh.append((len(report.lines), invitation))
                line = _with_invitation(line, invitation.code, invitation.expires_at, new=True)
        report.lines.append(line)
    if dry_run:
        return report
    await session.flush()
    for index, invitation in fresh:
        await audit(
            session,
            org_id,
            person_id,
            actor,
            "invitation.create",
            "invitation",
            invitation.id,
            {
                "role": invitation.role.value,
                "unit_id": invitation.unit_id,
                "person_id": report.lines[index].person_id,
            },
            at=now,
        )
    await audit(
        session,
        org_id,
        person_id,
        actor,
        "roster.import",
        "organization",
        org_id,
        {
            "file": roster.filename,
            "created": report.count(CREATED),
            "updated": report.count(UPDATED),
            "invitations": report.invitations_created,
        },
        at=now,
    )
    return report


def _with_invitation(
    line: RosterLine, code: str | None, expires: datetime, *, new: bool
) -> RosterLine:
    return RosterLine(
        entry=line.entry,
        action=line.action,
        role=line.role,
        person_id=line.person_id,
        unit=line.unit,
        unit_guessed=line.unit_guessed,
        telegram_id=line.telegram_id,
        invitation_code=code,
        invitation_expires=expires,
        invitation_new=new,
    )


# --- sheets -----------------------------------------------------------------------


def invite_rows(
    report: RosterReport, link_for: Callable[[str], str], tz: ZoneInfo
) -> list[InviteRow]:
    """The rows of the invitation sheet: everyone who still has to join by link."""
    return [
        InviteRow(
            full_name=line.entry.full_name,
            title=line.entry.title,
            unit=line.unit.name if line.unit else line.entry.unit_text,
            phone=line.entry.phone or "",
            link=link_for(line.invitation_code),
            expires=line.invitation_expires.astimezone(tz).date()
            if line.invitation_expires
            else None,
        )
        for line in report.invitations
        if line.invitation_code
    ]
