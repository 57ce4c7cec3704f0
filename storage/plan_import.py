"""Putting an imported plan into the database: a preview first, then one transaction.

The pure importer (``plans.importing``) turns a document into an
:class:`ImportedPlan`; this module decides what that means for the rows we
already have. Rules that matter to the plan keeper:

* The import writes in the caller's single transaction, so a failure half-way
  changes nothing (the CLI and the chat flow both wrap it in ``Database.write``).
* Re-importing the same or a corrected plan updates it in place: fields are
  matched by key then title; tasks by field + content, then content anywhere
  in the plan, then wording similarity (a corrected typo), then the criterion
  code. A task is never duplicated, keeps its short number (officers type
  it), and a task missing from the corrected document is soft-removed
  (``removed_at``), never deleted, so its progress history stays.
* Unit names are resolved against the organization's units and aliases; an
  explicit mapping chosen by the plan keeper wins and is remembered as an
  alias, so the next import resolves that spelling by itself.
* The document's own progress columns become an ``import`` progress update
  only when they say something new: re-importing must neither pile up
  identical updates nor roll back what officers reported since.

What it returns is data (``plans.importing.outcome``); the words the plan
keeper reads are written there, not here.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import UserError
from plans.importing.model import ImportedPlan, ImportedTask
from plans.importing.outcome import ImportPreview, ImportReport, plan_year
from plans.milestones import milestones_to_store
from plans.regex import lazy_compile
from plans.text import ascii_key, match_key
from plans.units import UnitDirectory, UnitRef, is_placeholder
from storage.assignment import LEAD_ASSIGNED
from storage.directory import add_alias, add_unit, audit, find_unit, list_units
from storage.models import (
    AuditLog,
    Field,
    Organization,
    Plan,
    ProgressUpdate,
    Task,
    TaskGroup,
    TaskUnit,
    Unit,
    UnitRole,
    UpdateChannel,
)
from storage.progress import MAX_TEXT, record_progress

log = logging.getLogger(__name__)

__all__ = [
    "FUZZY_THRESHOLD",
    "import_plan",
    "preview_import",
]

# Similarity (difflib ratio on the match keys) above which a reworded task is
# taken to be the same task: a corrected typo or a reworded clause, not a new duty.
FUZZY_THRESHOLD = 0.85
# A task with the same code in the same field is the same task only if its
# wording is at least this close; sequence numbers shift when a row is removed.
CODE_THRESHOLD = 0.6

_CRITERION_CODE_RE = lazy_compile(r"^\d+(?:\.\d+)+\.?$")


# --- helpers -----------------------------------------------------------------


def _unit_texts(plan: ImportedPlan) -> list[str]:
    """Every distinct lead/coordinating unit text, in document order."""
    seen: dict[str, None] = {}
    for task in plan.all_tasks():
        for name in (*task.lead_units, *task.coordinating_units):
            if name and name.strip():
                seen.setdefault(name, None)
    return list(seen)


async def _directory(session: AsyncSession, org_id: int) -> UnitDirectory:
    units = await list_units(session, org_id)
    return UnitDirectory((u.id, u.name, u.aliases) for u in units)


def _number_key(number: str | None) -> str:
    """A plan number's comparison key; "" when it has no digit ("…/KH-UBND" left blank)."""
    if not number or not any(ch.isdigit() for ch in number):
        return ""
    return match_key(number).replace(" ", "")


async def _find_existing_plan(
    session: AsyncSession, org_id: int, plan: ImportedPlan, year: int | None
) -> Plan | None:
    """The plan a re-import updates: same number, else same year when a number is missing.

    Two numbered plans of the same year with different numbers are different
    plans (a CCHC plan and a PAR-index plan often coexist). A match on the
    year alone must also share at least half of its tasks' wording with the
    document, or an unnumbered progress report would silently replace an
    unnumbered plan of the same year.
    """
    plans = list(
        await session.scalars(
            select(Plan).where(Plan.organization_id == org_id).order_by(Plan.id.desc())
        )
    )
    key = _number_key(plan.meta.number)
    if key:
        for existing in plans:
            if _number_key(existing.number) == key:
                return existing
    if year is None:
        return None
    wanted = {match_key(task.content) for task in plan.all_tasks()}
    for existing in plans:
        if existing.year != year or not existing.active:
            continue
        if key and _number_key(existing.number):
            continue
        have = set(
            await session.scalars(
                select(Task.content_key).where(
                    Task.plan_id == existing.id, Task.removed_at.is_(None)
                )
            )
        )
        if not have or 2 * len(have & wanted) >= min(len(have), len(wanted)):
            return existing
    return None


def _is_short_name(text: str, candidates: Sequence[UnitRef]) -> bool:
    """A single suggestion taken as the unit: "Tư pháp" for "Tư pháp - Hộ tịch".

    Only when the text is the short form itself; "Văn hóa - Thông tin" merely
    shares its first half with "Văn hóa - Xã hội" and is another unit.
    """
    key = ascii_key(text)
    return len(candidates) == 1 and key.split("-", 1)[0].strip() == key


def _unknown(plan: ImportedPlan) -> list[ImportedTask]:
    return [t for t in plan.unknown_deadlines() if t.deadline.text]


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:limit] if text else None


def _clean(text: str | None) -> str | None:
    """Like ``record_progress`` cleans text, so stored and imported values compare equal."""
    if text is None:
        return None
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return text[:MAX_TEXT] or None


# --- preview -------------------------------------------------------------------


async def preview_import(session: AsyncSession, org_id: int, plan: ImportedPlan) -> ImportPreview:
    """Resolve the plan's unit names and find the plan it would update; write nothing."""
    directory = await _directory(session, org_id)
    resolved: dict[str, int] = {}
    suggested: dict[str, int] = {}
    ambiguous: dict[str, list[int]] = {}
    new_units: list[str] = []
    placeholders: list[str] = []
    for text in _unit_texts(plan):
        if is_placeholder(text):
            placeholders.append(text)
            continue
        match = directory.resolve(text)
        if match.unit is not None:
            resolved[text] = match.unit.unit_id
        elif _is_short_name(text, match.candidates):
            resolved[text] = suggested[text] = match.candidates[0].unit_id
        elif len(match.candidates) > 1:
            ambiguous[text] = [c.unit_id for c in match.candidates]
        else:
            new_units.append(text)
    existing = await _find_existing_plan(session, org_id, plan, plan_year(plan))
    return ImportPreview(
        plan=plan,
        resolved=resolved,
        new_units=new_units,
        ambiguous=ambiguous,
        placeholders=placeholders,
        existing_plan_id=existing.id if existing else None,
        unknown_deadlines=[(t.field_key, t.code, t.deadline.text) for t in _unknown(plan)],
        suggested=suggested,
        unit_names={ref.unit_id: ref.name for ref in directory.units},
    )


# --- units ---------------------------------------------------------------------


@dataclass
class _UnitLinks:
    ids: dict[str, int | None]  # unit text -> unit id (None: no link)
    created: list[str]
    aliases: list[tuple[str, str]]
    suggested: dict[str, str]
    ambiguous: dict[str, list[str]]
    unlinked: list[str]


async def _link_units(
    session: AsyncSession,
    org_id: int,
    texts: Sequence[str],
    mapping: dict[str, int | None],
    create_missing: bool,
    actor: str,
    person_id: int | None,
) -> _UnitLinks:
    links = _UnitLinks({}, [], [], {}, {}, [])
    mapped = {match_key(k): v for k, v in mapping.items()}
    directory = await _directory(session, org_id)
    for text in texts:
        if is_placeholder(text):
            links.ids[text] = None
            continue
        key = match_key(text)
        if key in mapped and mapped[key] is not None:
            unit_id = mapped[key]
            unit = await session.get(Unit, unit_id)
            if unit is None or unit.organization_id != org_id:
                raise UserError("plan_import.error.bad_unit_mapping", text=text, unit_id=unit_id)
            links.ids[text] = unit.id
            match = directory.resolve(text)
            known = await find_unit(session, org_id, text)
            if known is None and (match.unit is None or match.unit.unit_id != unit.id):
                await add_alias(session, org_id, unit.name, text, actor=actor, person_id=person_id)
                links.aliases.append((text, unit.name))
                directory = await _directory(session, org_id)
            continue
        match = directory.resolve(text)
        if key not in mapped:
            if match.unit is not None:
                links.ids[text] = match.unit.unit_id
                continue
            if _is_short_name(text, match.candidates):
                links.ids[text] = match.candidates[0].unit_id
                links.suggested[text] = match.candidates[0].name
                continue
            if len(match.candidates) > 1:
                links.ids[text] = None
                links.ambiguous[text] = [c.name for c in match.candidates]
                continue
            if not create_missing:
                links.ids[text] = None
                links.unlinked.append(text)
                continue
        # A new unit: asked for explicitly (mapping to None) or a name nobody has.
        existing = await find_unit(session, org_id, match.text)
        if existing is not None:
            links.ids[text] = existing.id
            continue
        info = await add_unit(session, org_id, match.text, actor=actor, person_id=person_id)
        links.ids[text] = info.id
        links.created.append(info.name)
        directory = await _directory(session, org_id)
    return links


# --- fields and tasks ------------------------------------------------------------


async def _sync_fields(session: AsyncSession, plan_row: Plan, plan: ImportedPlan) -> list[Field]:
    """One row per section of the document, in order (keys may repeat in a document)."""
    existing = list(await session.scalars(select(Field).where(Field.plan_id == plan_row.id)))
    by_key = {f.key: f for f in existing}
    used: set[int] = set()
    rows: list[Field] = []
    for ordinal, imported in enumerate(plan.fields, start=1):
        key = imported.key[:16]
        row = by_key.get(key)
        if row is None or row.id in used:
            title_key = match_key(imported.title)
            row = next(
                (f for f in existing if f.id not in used and match_key(f.title) == title_key),
                None,
            )
            if row is not None and key not in by_key:
                del by_key[row.key]
                row.key = key
                by_key[key] = row
        if row is None:
            if key in by_key:  # the document repeats a section key: keep both sections
                key = f"{key[:11]}#{ordinal}"
            row = Field(plan_id=plan_row.id, key=key, ordinal=ordinal, title=imported.title)
            session.add(row)
            by_key[key] = row
        else:
            if row.ordinal != ordinal:
                row.ordinal = ordinal
            if row.title != imported.title:
                row.title = imported.title
        await session.flush()
        used.add(row.id)
        rows.append(row)
    return rows


async def _sync_groups(
    session: AsyncSession, plan_row: Plan, plan: ImportedPlan, field_rows: Sequence[Field]
) -> None:
    """The plan's criterion groups as the document has them now (rewritten whole)."""
    await session.execute(delete(TaskGroup).where(TaskGroup.plan_id == plan_row.id))
    field_ids: dict[str, int] = {}
    for imported, row in zip(plan.fields, field_rows, strict=True):
        field_ids.setdefault(imported.key, row.id)
    for ordinal, group in enumerate(plan.groups, start=1):
        field_id = field_ids.get(group.field_key)
        if field_id is None:
            continue  # a group whose field holds no task: nothing to print it over
        session.add(
            TaskGroup(
                plan_id=plan_row.id,
                field_id=field_id,
                ordinal=ordinal,
                code=group.code[:32],
                parent_code=_clip(group.parent_code, 32),
                title=group.title,
            )
        )


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD * 0.5:
        return 0.0
    return matcher.ratio()


def _match_tasks(
    imported: Sequence[tuple[ImportedTask, int, str]], existing: Sequence[Task]
) -> dict[int, Task]:
    """Index of an imported task -> the existing task it is (see the module docstring)."""
    pool = sorted(existing, key=lambda t: (t.removed_at is not None, t.number))
    taken: set[int] = set()
    matched: dict[int, Task] = {}

    by_key: dict[str, list[Task]] = {}
    for task in pool:
        by_key.setdefault(task.content_key, []).append(task)

    def exact(same_field: bool) -> None:
        for i, (_, field_id, key) in enumerate(imported):
            if i in matched:
                continue
            for task in by_key.get(key, ()):
                if task.id not in taken and (not same_field or task.field_id == field_id):
                    matched[i] = task
                    taken.add(task.id)
                    break

    exact(True)
    exact(False)
    pairs: list[tuple[float, int, int, Task]] = []
    for i, (_, field_id, key) in enumerate(imported):
        if i in matched:
            continue
        for task in pool:
            if task.id in taken or task.field_id != field_id:
                continue
            score = _similarity(key, task.content_key)
            if score >= FUZZY_THRESHOLD:
                pairs.append((score, -i, -task.number, task))
    for _score, neg_i, _, task in sorted(pairs, key=lambda p: (p[0], p[1], p[2]), reverse=True):
        i = -neg_i
        if i in matched or task.id in taken:
            continue
        matched[i] = task
        taken.add(task.id)
    for i, (item, field_id, key) in enumerate(imported):
        if i in matched or not item.code:
            continue
        for task in pool:
            if task.id in taken or task.field_id != field_id or task.code != item.code:
                continue
            if _CRITERION_CODE_RE.match(item.code) or (
                difflib.SequenceMatcher(None, key, task.content_key, autojunk=False).ratio()
                >= CODE_THRESHOLD
            ):
                matched[i] = task
                taken.add(task.id)
                break
    return matched


def _task_values(item: ImportedTask, field_id: int, key: str) -> dict[str, object]:
    deadline = item.deadline
    return {
        "field_id": field_id,
        "code": _clip(item.code, 32),
        "parent_code": _clip(item.parent_code, 32),
        "content": item.content,
        "content_key": key,
        "product": item.product,
        "target": item.target,
        "monitoring_unit": item.monitoring_unit,
        "budget": item.budget,
        "note": item.note,
        "lead_units_text": ", ".join(item.lead_units) or None,
        "coordinating_units_text": ", ".join(item.coordinating_units) or None,
        "deadline_text": deadline.text or None,
        "deadline_kind": str(deadline.kind),
        "due_date": deadline.due_date,
        "milestones": milestones_to_store(deadline),
        "source_text": item.source_text,
        "deadline_assumed": item.deadline_assumed,
    }


def _wanted_links(
    item: ImportedTask, ids: dict[str, int | None]
) -> tuple[set[tuple[int, UnitRole]], set[UnitRole]]:
    """The links a task should have, and the roles with a name we could not link."""
    wanted: set[tuple[int, UnitRole]] = set()
    unresolved: set[UnitRole] = set()
    for role, names in (
        (UnitRole.LEAD, item.lead_units),
        (UnitRole.COORDINATING, item.coordinating_units),
    ):
        for name in names:
            unit_id = ids.get(name)
            if unit_id is not None:
                wanted.add((unit_id, role))
            elif not is_placeholder(name):
                unresolved.add(role)
    return wanted, unresolved


async def _hand_assigned_leads(
    session: AsyncSession, org_id: int, task_ids: list[int]
) -> dict[int, set[int]]:
    """Per task: the lead units the plan keeper assigned by hand (storage/assignment.py).

    Read from the audit lines, through the organization's index of them.
    """
    if not task_ids:
        return {}
    rows = await session.execute(
        select(AuditLog.entity_id, AuditLog.details).where(
            AuditLog.organization_id == org_id,
            AuditLog.action == LEAD_ASSIGNED,
            AuditLog.entity == "task",
            AuditLog.entity_id.in_(task_ids),
        )
    )
    found: dict[int, set[int]] = {}
    for task_id, details in rows:
        unit_id = (details or {}).get("unit_id")
        if task_id is not None and isinstance(unit_id, int):
            found.setdefault(task_id, set()).add(unit_id)
    return found


async def _latest_states(
    session: AsyncSession, plan_id: int
) -> dict[int, tuple[tuple[object, ...] | None, tuple[object, ...] | None]]:
    """Per task: (latest state, latest import-channel state), as (percent, status, output)."""
    result: dict[int, tuple[tuple[object, ...] | None, tuple[object, ...] | None]] = {}
    rows = await session.scalars(
        select(ProgressUpdate)
        .join(Task, Task.id == ProgressUpdate.task_id)
        .where(Task.plan_id == plan_id)
        .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
    )
    for update in rows:
        state = (update.percent, update.status_text, update.output)
        _latest, latest_import = result.get(update.task_id, (None, None))
        if update.channel is UpdateChannel.IMPORT:
            latest_import = state
        result[update.task_id] = (state, latest_import)
    return result


# --- import --------------------------------------------------------------------


async def import_plan(
    session: AsyncSession,
    org_id: int,
    plan: ImportedPlan,
    *,
    unit_mapping: dict[str, int | None] | None = None,
    create_missing_units: bool = True,
    actor: str = "cli",
    person_id: int | None = None,
    at: datetime,
    progress_at: datetime | None = None,
) -> ImportReport:
    """Write (or update in place) the plan in the caller's transaction; never commits.

    ``progress_at`` dates the figures the file states (``import-plan --as-of``):
    a 6-month table imported days after 14/6 still counts for the 6-month
    report. By default they are dated ``at``.
    """
    org = await session.get(Organization, org_id)
    if org is None:
        raise UserError("setup.org.not_found", name=str(org_id))
    year = plan_year(plan)
    if year is None:
        raise UserError("plan_import.error.no_year", filename=plan.source_name)
    meta = plan.meta

    links = await _link_units(
        session,
        org_id,
        _unit_texts(plan),
        dict(unit_mapping or {}),
        create_missing_units,
        actor,
        person_id,
    )

    plan_row = await _find_existing_plan(session, org_id, plan, year)
    created = plan_row is None
    if plan_row is None:
        plan_row = Plan(organization_id=org_id, year=year)
        session.add(plan_row)
    if meta.number and _number_key(meta.number):
        plan_row.number = meta.number[:64]
    plan_row.issued_on = meta.issued_on or plan_row.issued_on
    plan_row.year = year
    plan_row.title = meta.title or plan_row.title
    plan_row.source_name = plan.source_name[:255] or None
    plan_row.source_sha256 = plan.source_sha256 or None
    plan_row.active = True
    plan_row.imported_at = at
    plan_row.imported_by = person_id
    await session.flush()

    field_rows = await _sync_fields(session, plan_row, plan)
    await _sync_groups(session, plan_row, plan, field_rows)

    existing = list(await session.scalars(select(Task).where(Task.plan_id == plan_row.id)))
    imported = [
        (item, row.id, match_key(item.content))
        for section, row in zip(plan.fields, field_rows, strict=True)
        for item in section.tasks
    ]
    matched = _match_tasks(imported, existing)
    link_rows = await session.execute(
        select(TaskUnit.task_id, TaskUnit.unit_id, TaskUnit.role)
        .join(Task, Task.id == TaskUnit.task_id)
        .where(Task.plan_id == plan_row.id)
    )
    current_links: dict[int, set[tuple[int, UnitRole]]] = {}
    for task_id, unit_id, role in link_rows:
        current_links.setdefault(task_id, set()).add((unit_id, UnitRole(role)))
    hand_leads = await _hand_assigned_leads(session, org_id, [t.id for t in existing])

    next_number = max((t.number for t in existing), default=0) + 1
    created_n = updated_n = unchanged_n = 0
    rows_in_order: list[tuple[ImportedTask, Task]] = []
    new_links: list[tuple[Task, set[tuple[int, UnitRole]]]] = []
    for i, (item, field_id, key) in enumerate(imported):
        values = _task_values(item, field_id, key)
        wanted, unresolved = _wanted_links(item, links.ids)
        task = matched.get(i)
        if task is None:
            task = Task(
                plan_id=plan_row.id, number=next_number, created_at=at, updated_at=at, **values
            )
            next_number += 1
            session.add(task)
            new_links.append((task, wanted))
            created_n += 1
            rows_in_order.append((item, task))
            continue
        have = current_links.get(task.id, set())
        by_hand = {(unit, UnitRole.LEAD) for unit in hand_leads.get(task.id, ())} & have
        if by_hand and not any(role is UnitRole.LEAD for _, role in wanted):
            # The plan names no lead unit ("Các ngành liên quan") and the plan keeper
            # assigned one: the same plan imported again does not take it away.
            wanted |= by_hand
            del values["lead_units_text"]
        changed = False
        for name, value in values.items():
            if getattr(task, name) != value:
                setattr(task, name, value)
                changed = True
        if task.removed_at is not None:
            task.removed_at = None
            changed = True
        drop = {link for link in have - wanted if link[1] not in unresolved}
        add = wanted - have
        if drop:
            for unit_id, role in drop:
                await session.execute(
                    delete(TaskUnit).where(
                        TaskUnit.task_id == task.id,
                        TaskUnit.unit_id == unit_id,
                        TaskUnit.role == role,
                    )
                )
        for unit_id, role in sorted(add):
            session.add(TaskUnit(task_id=task.id, unit_id=unit_id, role=role))
        if drop or add:
            changed = True
        if changed:
            task.updated_at = at
            updated_n += 1
        else:
            unchanged_n += 1
        rows_in_order.append((item, task))

    await session.flush()  # one INSERT batch for the new tasks, then their links
    for task, wanted in new_links:
        session.add_all(
            TaskUnit(task_id=task.id, unit_id=unit_id, role=role)
            for unit_id, role in sorted(wanted)
        )
    kept = {task.id for task in matched.values()}
    removed_n = 0
    for task in existing:
        if task.id not in kept and task.removed_at is None:
            task.removed_at = at
            task.updated_at = at
            removed_n += 1
    await session.flush()

    progress_added = 0
    states = await _latest_states(session, plan_row.id)
    # A progress table (some row states a figure or status): its remarks are progress
    # too and reach the appendix; a plan's own "Ghi chú" column is not an update.
    is_progress_table = any(
        item.percent is not None or item.status_text or item.output for item, _ in rows_in_order
    )
    for item, task in rows_in_order:
        percent = item.percent if item.percent is not None and 0 <= item.percent <= 100 else None
        state = (percent, _clean(item.status_text), _clean(item.output))
        note = _clean(item.note) if is_progress_table else None
        if state == (None, None, None) and note is None:
            continue
        latest, latest_import = states.get(task.id, (None, None))
        if state in (latest, latest_import):
            continue
        await record_progress(
            session,
            task_id=task.id,
            person=None,
            channel=UpdateChannel.IMPORT,
            at=progress_at or at,
            percent=percent,
            status_text=state[1],
            output=state[2],
            note=note,
            check_permission=False,
        )
        progress_added += 1

    unknown = [
        (task.number, item.deadline.text)
        for item, task in rows_in_order
        if str(item.deadline.kind) == "unknown" and item.deadline.text
    ]
    report = ImportReport(
        plan_id=plan_row.id,
        created=created,
        number=plan_row.number,
        year=year,
        fields=len(plan.fields),
        tasks_created=created_n,
        tasks_updated=updated_n,
        tasks_unchanged=unchanged_n,
        tasks_removed=removed_n,
        units_created=links.created,
        aliases_added=links.aliases,
        unknown_deadlines=unknown,
        progress_added=progress_added,
        warnings=list(plan.warnings),
        skipped_rows=list(plan.skipped_rows),
        suggested_units=links.suggested,
        ambiguous_units=links.ambiguous,
        unlinked_units=links.unlinked,
        source_name=plan.source_name,
    )
    await audit(
        session,
        org_id,
        person_id,
        actor,
        "plan.import",
        "plan",
        plan_row.id,
        {
            "source_name": plan.source_name,
            "sha256": plan.source_sha256,
            "created": created,
            "fields": report.fields,
            "tasks_created": created_n,
            "tasks_updated": updated_n,
            "tasks_unchanged": unchanged_n,
            "tasks_removed": removed_n,
            "units_created": links.created,
            "aliases_added": [a for a, _ in links.aliases],
            "progress_added": progress_added,
        },
        at=at,
    )
    await session.flush()
    log.info(
        "plan %s imported into org %s: %d new, %d updated, %d unchanged, %d removed",
        plan_row.id,
        org_id,
        created_n,
        updated_n,
        unchanged_n,
        removed_n,
    )
    return report
