"""The PAR INDEX desk's storage: scorecards in and out, links, evidence, the desk view.

Services return plain data: a stored scorecard comes back as the domain's
:class:`plans.par_index.model.Scorecard` (plus row ids), so the handlers,
the CLI and the projection all read one shape. A task's standing (done / on
track / behind) comes from :func:`task_standing`, which defers to
``plans.completion`` — never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans import completion
from plans.calendar import CalendarSettings
from plans.completion import TaskSnapshot
from plans.par_index.evidence_index import IndexRow
from plans.par_index.links import TaskText, task_criterion_codes, tasks_for
from plans.par_index.model import (
    Group,
    Level,
    Scorecard,
    ScoreItem,
    ScoreWarning,
    from_milli,
    to_milli,
)
from plans.par_index.projection import (
    Outlook,
    Projection,
    Standing,
    outlooks,
    project,
    scored_criteria,
)
from plans.par_index.season import Season
from plans.workdays import working_days_between
from storage.directory import audit
from storage.models import (
    Attachment,
    Field,
    Organization,
    ParCriteriaSet,
    ParCriterion,
    ParEvidence,
    ParScore,
    ParScorecard,
    ParTaskCriterion,
    Person,
    Plan,
    ProgressUpdate,
    Task,
)
from storage.reports import calendar_settings
from storage.tasks import TaskView, load_task_views


@dataclass(frozen=True, slots=True)
class SavedScorecard:
    scorecard_id: int
    year: int
    fields: int
    criteria: int
    replaced: bool


@dataclass(frozen=True, slots=True)
class StoredScorecard:
    scorecard_id: int
    organization_id: int
    year: int
    card: Scorecard
    field_ids: dict[str, int]  # field code → par_criteria.id (the drill-down buttons)


@dataclass(frozen=True, slots=True)
class LinkedTask:
    task_id: int
    number: int
    content: str
    code: str  # the criterion code it serves
    source: str
    unit_ids: tuple[int, ...]
    lead_units: str | None
    standing: Standing


@dataclass
class Desk:
    """Everything ``/chiso`` shows for one commune."""

    org_id: int
    org_name: str
    year: int  # this year (the plan's), whose score is projected
    stored: StoredScorecard
    outlooks: list[Outlook]
    tasks: dict[str, list[LinkedTask]]  # criterion code → tasks serving it
    projection: Projection
    season: Season
    evidence: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- scorecards


async def save_scorecard(
    session: AsyncSession,
    org_id: int,
    card: Scorecard,
    *,
    year: int,
    person_id: int | None,
    actor: str,
    at: datetime,
) -> SavedScorecard:
    """Write a scorecard (and its criteria) for ``year``, replacing that year's old one.

    Runs in the caller's transaction: a failure half-way leaves nothing.
    """
    old = await session.scalar(
        select(ParCriteriaSet).where(
            ParCriteriaSet.organization_id == org_id, ParCriteriaSet.year == year
        )
    )
    replaced = old is not None
    if old is not None:
        await session.execute(delete(ParCriteriaSet).where(ParCriteriaSet.id == old.id))
        await session.flush()
    crit_set = ParCriteriaSet(
        organization_id=org_id, year=year, source_name=card.source_name, created_at=at
    )
    session.add(crit_set)
    await session.flush()
    scorecard = ParScorecard(
        set_id=crit_set.id,
        total_milli=to_milli(card.total),
        max_total_milli=to_milli(card.max_total),
        rating=card.rating,
        rank=card.rank,
        rank_of=card.rank_of,
        form=card.form,
        source_name=card.source_name,
        source_sha256=card.source_sha256,
        warnings=[{"key": w.key, **_plain(w.params)} for w in card.warnings],
        imported_at=at,
        imported_by=person_id,
    )
    session.add(scorecard)
    await session.flush()
    ids: dict[str, int] = {}
    last_field: int | None = None
    last_criterion: int | None = None
    for ordinal, item in enumerate(card.items, start=1):
        parent_id: int | None
        if item.level is Level.FIELD:
            parent_id = None
        elif item.parent_code and item.parent_code in ids:
            parent_id = ids[item.parent_code]
        elif item.level is Level.SUB:
            parent_id = last_criterion
        else:
            parent_id = last_field
        row = ParCriterion(
            set_id=crit_set.id,
            parent_id=parent_id,
            level=item.level.value,
            survey=item.group is Group.SURVEY,
            ordinal=ordinal,
            code=item.code,
            title=item.title,
            max_milli=to_milli(item.max),
        )
        session.add(row)
        await session.flush()
        if item.code and item.code not in ids:
            ids[item.code] = row.id
        if item.level is Level.FIELD:
            last_field, last_criterion = row.id, None
        elif item.level is Level.CRITERION:
            last_criterion = row.id
        session.add(
            ParScore(
                scorecard_id=scorecard.id,
                criterion_id=row.id,
                self_milli=to_milli(item.self_score),
                appraised_milli=to_milli(item.appraised),
                lost_milli=to_milli(item.lost),
                reason=item.reason,
                evidence_text=item.evidence,
            )
        )
    await audit(
        session,
        org_id,
        person_id,
        actor,
        "par_index.import",
        "par_scorecard",
        scorecard.id,
        {"year": year, "criteria": len(card.criteria), "replaced": replaced},
        at=at,
    )
    await session.flush()
    return SavedScorecard(scorecard.id, year, len(card.fields), len(card.criteria), replaced)


def _plain(params: dict[str, object]) -> dict[str, object]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in params.items()}


async def load_scorecard(
    session: AsyncSession, org_id: int, *, year: int | None = None, before: int | None = None
) -> StoredScorecard | None:
    """The scorecard of ``year``, or the newest (before ``before`` when given)."""
    query = (
        select(ParScorecard, ParCriteriaSet)
        .join(ParCriteriaSet, ParCriteriaSet.id == ParScorecard.set_id)
        .where(ParCriteriaSet.organization_id == org_id)
        .order_by(ParCriteriaSet.year.desc())
        .limit(1)
    )
    if year is not None:
        query = query.where(ParCriteriaSet.year == year)
    if before is not None:
        query = query.where(ParCriteriaSet.year < before)
    row = (await session.execute(query)).first()
    if row is None:
        return None
    scorecard, crit_set = row
    rows = await session.execute(
        select(ParCriterion, ParScore)
        .outerjoin(
            ParScore,
            (ParScore.criterion_id == ParCriterion.id) & (ParScore.scorecard_id == scorecard.id),
        )
        .where(ParCriterion.set_id == crit_set.id)
        .order_by(ParCriterion.ordinal)
    )
    by_id: dict[int, ScoreItem] = {}
    items: list[ScoreItem] = []
    field_ids: dict[str, int] = {}
    for crit, joined in rows:
        score: ParScore | None = joined  # None where the outer join found no score
        parent = by_id.get(crit.parent_id) if crit.parent_id else None
        item = ScoreItem(
            Level(crit.level),
            crit.code,
            crit.title,
            from_milli(crit.max_milli),
            self_score=from_milli(score.self_milli) if score else None,
            appraised=from_milli(score.appraised_milli) if score else None,
            lost=from_milli(score.lost_milli) if score else None,
            reason=score.reason if score else None,
            parent_code=parent.code if parent else None,
            group=Group.SURVEY if crit.survey else Group.SELF,
            evidence=score.evidence_text if score else None,
        )
        by_id[crit.id] = item
        items.append(item)
        if item.level is Level.FIELD and item.code:
            field_ids[item.code] = crit.id
    card = Scorecard(
        year=crit_set.year,
        total=from_milli(scorecard.total_milli),
        rating=scorecard.rating,
        rank=scorecard.rank,
        rank_of=scorecard.rank_of,
        items=items,
        warnings=[
            ScoreWarning(str(w.get("key")), {k: v for k, v in w.items() if k != "key"})
            for w in scorecard.warnings or []
        ],
        form=scorecard.form,
        source_name=scorecard.source_name,
        source_sha256=scorecard.source_sha256,
    )
    return StoredScorecard(scorecard.id, org_id, crit_set.year, card, field_ids)


async def field_owner(session: AsyncSession, criterion_id: int) -> tuple[int, int, str] | None:
    """(organization id, year, field code) of a field row, for a drill-down button."""
    row = (
        await session.execute(
            select(ParCriteriaSet.organization_id, ParCriteriaSet.year, ParCriterion.code)
            .join(ParCriterion, ParCriterion.set_id == ParCriteriaSet.id)
            .where(ParCriterion.id == criterion_id, ParCriterion.level == Level.FIELD.value)
        )
    ).first()
    if row is None or row[2] is None:
        return None
    return int(row[0]), int(row[1]), str(row[2])


# --------------------------------------------------------------------------- this year


async def current_year(session: AsyncSession, org_id: int, today: date) -> int:
    """This year for the desk: the newest active plan's year, else the calendar year."""
    year = await session.scalar(
        select(func.max(Plan.year)).where(Plan.organization_id == org_id, Plan.active.is_(True))
    )
    return int(year) if year is not None else today.year


def task_standing(snapshot: TaskSnapshot, today: date, settings: CalendarSettings) -> Standing:
    """Done / on track / behind / not started, from ``plans.completion.standing`` (overdue
    counts as behind here: the desk asks whether a loss is being fixed)."""
    value = completion.standing(snapshot, today, settings=settings)
    if value is completion.Standing.OVERDUE:
        return Standing.BEHIND
    return Standing(value.value)


async def linked_tasks(
    session: AsyncSession,
    org_id: int,
    year: int,
    *,
    now: datetime,
    views: Sequence[TaskView] | None = None,
) -> list[LinkedTask]:
    """Every (task, criterion code) link of the year's active plans, with the task's standing."""
    org = await session.get(Organization, org_id)
    if org is None:
        return []
    settings = calendar_settings(org)
    today = now.astimezone(settings.tzinfo).date()
    rows = await session.execute(
        select(
            Task.id,
            Task.code,
            Task.content,
            Task.product,
            Task.target,
            Task.note,
            Field.key,
        )
        .join(Field, Field.id == Task.field_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.organization_id == org_id,
            Plan.active.is_(True),
            Plan.year == year,
            Task.removed_at.is_(None),
        )
    )
    pairs: list[tuple[int, str, str]] = []
    for task_id, code, content, product, target, note, field_key in rows:
        text = TaskText(task_id, code, field_key, (content, product, target, note))
        pairs.extend((task_id, c, source) for c, source in task_criterion_codes(text))
    manual = await session.execute(
        select(ParTaskCriterion.task_id, ParTaskCriterion.criterion_code, ParTaskCriterion.source)
        .join(Task, Task.id == ParTaskCriterion.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.organization_id == org_id, Plan.year == year, Task.removed_at.is_(None))
    )
    known = {(t, c) for t, c, _ in pairs}
    pairs.extend((t, c, s) for t, c, s in manual if (t, c) not in known)
    if not pairs:
        return []
    if views is None:
        views = await load_task_views(session, org_id, as_of=now)
    by_id = {v.id: v for v in views}
    out: list[LinkedTask] = []
    for task_id, code, source in pairs:
        view = by_id.get(task_id)
        if view is None:
            continue
        out.append(
            LinkedTask(
                task_id=task_id,
                number=view.number,
                content=view.content,
                code=code,
                source=source,
                unit_ids=view.unit_ids,
                lead_units=view.lead_units_text,
                standing=task_standing(view.snapshot(settings.tzinfo), today, settings),
            )
        )
    return out


def tasks_by_criterion(card: Scorecard, links: Iterable[LinkedTask]) -> dict[str, list[LinkedTask]]:
    """Criterion code → tasks serving it (a task on "3.4.1" serves "3.4")."""
    links = list(links)
    pairs = [(link.task_id, link.code) for link in links]
    out: dict[str, list[LinkedTask]] = {}
    for item in card.items:
        if not item.code or item.level is Level.FIELD:
            continue
        ids = tasks_for(item.code, pairs)
        chosen: list[LinkedTask] = []
        for task_id in ids:
            link = next(lnk for lnk in links if lnk.task_id == task_id)
            if all(c.task_id != task_id for c in chosen):
                chosen.append(link)
        if chosen:
            out[item.code] = chosen
    return out


# --------------------------------------------------------------------------- evidence


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    code: str
    kind: str  # "document" | "photo" | "reference" | "task_file"
    file_id: str | None
    file_name: str | None
    file_size: int | None
    reference: str | None
    person_name: str | None
    created_at: datetime
    task_number: int | None


async def add_evidence(
    session: AsyncSession,
    *,
    org_id: int,
    year: int,
    code: str,
    person_id: int | None,
    at: datetime,
    kind: str,
    file_id: str | None = None,
    file_unique_id: str | None = None,
    file_name: str | None = None,
    mime_type: str | None = None,
    file_size: int | None = None,
    reference: str | None = None,
    task_id: int | None = None,
    actor: str | None = None,
) -> int:
    """Record one piece of evidence for a criterion code in a year; returns its id."""
    row = ParEvidence(
        organization_id=org_id,
        year=year,
        code=code,
        task_id=task_id,
        kind=kind,
        file_id=file_id,
        file_unique_id=file_unique_id,
        file_name=file_name,
        mime_type=mime_type,
        file_size=file_size,
        reference=reference,
        person_id=person_id,
        created_at=at,
    )
    session.add(row)
    await session.flush()
    await audit(
        session,
        org_id,
        person_id,
        actor,
        "par_index.evidence",
        "par_evidence",
        row.id,
        {"code": code, "kind": kind},
        at=at,
    )
    return row.id


async def evidence_lines(
    session: AsyncSession, org_id: int, year: int, links: Sequence[LinkedTask]
) -> list[EvidenceLine]:
    """Evidence for the year: files and references per code, and files on linked tasks."""
    out: list[EvidenceLine] = []
    rows = await session.execute(
        select(ParEvidence, Person.full_name, Task.number)
        .outerjoin(Person, Person.id == ParEvidence.person_id)
        .outerjoin(Task, Task.id == ParEvidence.task_id)
        .where(ParEvidence.organization_id == org_id, ParEvidence.year == year)
        .order_by(ParEvidence.created_at, ParEvidence.id)
    )
    for ev, name, number in rows:
        out.append(
            EvidenceLine(
                ev.code,
                ev.kind,
                ev.file_id,
                ev.file_name,
                ev.file_size,
                ev.reference,
                name,
                ev.created_at,
                number,
            )
        )
    task_codes: dict[int, list[str]] = {}
    for link in links:
        task_codes.setdefault(link.task_id, []).append(link.code)
    if task_codes:
        files = await session.execute(
            select(Attachment, ProgressUpdate.created_at, Person.full_name, Task.id, Task.number)
            .join(ProgressUpdate, ProgressUpdate.id == Attachment.progress_update_id)
            .join(Task, Task.id == ProgressUpdate.task_id)
            .outerjoin(Person, Person.id == ProgressUpdate.person_id)
            .where(ProgressUpdate.task_id.in_(list(task_codes)))
            .order_by(ProgressUpdate.created_at, Attachment.id)
        )
        for att, at, name, task_id, number in files:
            for code in task_codes.get(task_id, []):
                out.append(
                    EvidenceLine(
                        code,
                        "task_file",
                        att.file_id,
                        att.file_name,
                        att.file_size,
                        None,
                        name,
                        at,
                        number,
                    )
                )
    return out


def evidence_count_by_code(card: Scorecard, lines: Iterable[EvidenceLine]) -> dict[str, int]:
    """Criterion code → pieces of evidence (a file for "3.4.1" also proves "3.4")."""
    lines = list(lines)
    out: dict[str, int] = {}
    for item in card.items:
        if item.code and item.level is not Level.FIELD:
            count = sum(
                1 for ev in lines if ev.code == item.code or ev.code.startswith(item.code + ".")
            )
            if count:
                out[item.code] = count
    return out


# --------------------------------------------------------------------------- the desk


async def desk(session: AsyncSession, org_id: int, *, now: datetime) -> Desk | None:
    """Last year's scorecard, this year's tasks per criterion, evidence and the projection."""
    org = await session.get(Organization, org_id)
    if org is None:
        return None
    settings = calendar_settings(org)
    year = await current_year(session, org_id, now.astimezone(settings.tzinfo).date())
    stored = await load_scorecard(session, org_id, before=year)
    if stored is None:
        stored = await load_scorecard(session, org_id)
    if stored is None:
        return None
    links = await linked_tasks(session, org_id, year, now=now)
    by_code = tasks_by_criterion(stored.card, links)
    evidence = evidence_count_by_code(
        stored.card, await evidence_lines(session, org_id, year, links)
    )
    standings = {code: [t.standing for t in tasks] for code, tasks in by_code.items()}
    views = outlooks(stored.card, standings, evidence)
    return Desk(
        org_id=org_id,
        org_name=org.name,
        year=year,
        stored=stored,
        outlooks=views,
        tasks=by_code,
        projection=project(stored.card, views, year),
        season=Season.from_settings(org.calendar_settings),
        evidence=evidence,
    )


async def criterion_known(session: AsyncSession, org_id: int, code: str) -> bool:
    """Whether any of the organization's criteria sets has this code."""
    found = await session.scalar(
        select(ParCriterion.id)
        .join(ParCriteriaSet, ParCriteriaSet.id == ParCriterion.set_id)
        .where(ParCriteriaSet.organization_id == org_id, ParCriterion.code == code)
        .limit(1)
    )
    return found is not None


async def evidence_index(
    session: AsyncSession, org_id: int, *, now: datetime, year: int | None = None
) -> tuple[int, list[IndexRow]] | None:
    """(year, rows) of the evidence index, or None without a scorecard."""
    org = await session.get(Organization, org_id)
    if org is None:
        return None
    settings = calendar_settings(org)
    if year is None:
        year = await current_year(session, org_id, now.astimezone(settings.tzinfo).date())
    stored = await load_scorecard(session, org_id, before=year) or await load_scorecard(
        session, org_id
    )
    if stored is None:
        return None
    links = await linked_tasks(session, org_id, year, now=now)
    lines = await evidence_lines(session, org_id, year, links)
    rows: list[IndexRow] = []
    for item in scored_criteria(stored.card):
        if not item.code:
            continue
        mine = [ev for ev in lines if ev.code == item.code or ev.code.startswith(item.code + ".")]
        if not mine:
            rows.append(IndexRow(item.code, item.title, None, None, None, None, None))
        for ev in mine:
            rows.append(
                IndexRow(
                    item.code,
                    item.title,
                    ev.reference or ev.file_name or ev.file_id,
                    ev.kind,
                    ev.created_at,
                    ev.person_name,
                    ev.task_number,
                    ev.file_id,
                    ev.file_size,
                )
            )
    return year, rows


async def communes_of(session: AsyncSession, district_id: int) -> list[tuple[int, str]]:
    """(id, name) of the communes under a district, by name."""
    rows = await session.execute(
        select(Organization.id, Organization.name)
        .where(Organization.parent_id == district_id)
        .order_by(Organization.name)
    )
    return [(int(i), str(n)) for i, n in rows]


async def link_task(
    session: AsyncSession, task_id: int, code: str, *, source: str = "manual"
) -> bool:
    """Record that a task serves a criterion code; False when the link already exists."""
    existing = await session.get(ParTaskCriterion, (task_id, code))
    if existing is not None:
        return False
    session.add(ParTaskCriterion(task_id=task_id, criterion_code=code, source=source))
    await session.flush()
    return True


async def desks_for(
    session: AsyncSession, org_ids: Iterable[int], *, now: datetime
) -> dict[int, Desk]:
    """The desk of each organization that has a scorecard (a district's roll-up)."""
    ids = list(org_ids)
    if not ids:
        return {}
    having = set(
        await session.scalars(
            select(ParCriteriaSet.organization_id)
            .where(ParCriteriaSet.organization_id.in_(ids))
            .distinct()
        )
    )
    out: dict[int, Desk] = {}
    for org_id in ids:
        if org_id in having:
            view = await desk(session, org_id, now=now)
            if view is not None:
                out[org_id] = view
    return out


@dataclass(frozen=True, slots=True)
class SeasonStatus:
    year: int
    deadline: date
    working_days_left: int


async def season_status(
    session: AsyncSession, org_id: int, *, now: datetime
) -> SeasonStatus | None:
    """This year's self-assessment deadline, for an organization that keeps PAR INDEX scores."""
    has_scores = await session.scalar(
        select(ParCriteriaSet.id).where(ParCriteriaSet.organization_id == org_id).limit(1)
    )
    org = await session.get(Organization, org_id)
    if has_scores is None or org is None:
        return None
    today = now.astimezone(calendar_settings(org).tzinfo).date()
    year = await current_year(session, org_id, today)
    deadline = Season.from_settings(org.calendar_settings).deadline(year)
    return SeasonStatus(year, deadline, working_days_between(today, deadline))
