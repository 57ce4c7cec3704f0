"""What an imported plan looks like once the document's layout is forgotten.

Plain dataclasses (no ORM, no Telegram) so storage, handlers and the CLI can
all take the same object; ``to_json`` is the stable shape shown by the CLI and
kept in fixtures, so its keys must not drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plans.deadlines import Deadline


@dataclass(frozen=True)
class PlanMeta:
    """Number, issue date, issuer and year read from the document's heading."""

    number: str | None = None
    issued_on: date | None = None
    year: int | None = None
    organization: str | None = None
    title: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class ImportWarning:
    """Something the plan keeper should look at; rendered from the catalog."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    source_row: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params), "source_row": self.source_row}


@dataclass(frozen=True)
class SkippedRow:
    """A table row that became neither a field nor a task, and why."""

    source_row: str
    reason: str  # catalog key, importing.skip.*
    text: str = ""


@dataclass
class ImportedTask:
    """One row of the plan's task table, values as written plus parsed deadline."""

    field_key: str
    code: str | None
    content: str
    product: str | None
    lead_units: list[str]
    coordinating_units: list[str]
    monitoring_unit: str | None
    target: str | None
    deadline: Deadline
    percent: int | None
    status_text: str | None
    output: str | None
    budget: str | None
    note: str | None
    parent_code: str | None
    source_row: str
    # The paragraph(s) a prose task was read from, as written (None for table rows).
    source_text: str | None = None
    # PAR INDEX criteria the task cites ("(TCTP 3.2)") or, in a criteria appendix, its own code.
    criterion_codes: list[str] = field(default_factory=list)
    # True when the document gave no time and the plan year's end was taken ("chưa ghi thời gian").
    deadline_assumed: bool = False


@dataclass(frozen=True)
class ImportedGroup:
    """A criterion group ("2.1 Theo dõi thi hành pháp luật"): a heading over tasks, not a task.

    Kept so views can print the hierarchy the document has; its units were
    handed down to the children that named none.
    """

    field_key: str
    code: str
    title: str
    parent_code: str | None
    source_row: str

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field_key,
            "code": self.code,
            "title": self.title,
            "parent_code": self.parent_code,
        }


@dataclass
class ImportedField:
    """A Roman-numbered (or merged) section row of the table and its tasks."""

    key: str
    ordinal: int
    title: str
    tasks: list[ImportedTask] = field(default_factory=list)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class ImportedPlan:
    """Everything read from one document, ready for the plan keeper to confirm."""

    meta: PlanMeta
    fields: list[ImportedField]
    warnings: list[ImportWarning] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    source_name: str = ""
    source_sha256: str = ""
    source_format: str = ""
    groups: list[ImportedGroup] = field(default_factory=list)
    layout: str = "table"  # "table" (a task table) or "prose" (numbered paragraphs)

    def all_tasks(self) -> list[ImportedTask]:
        return [task for fld in self.fields for task in fld.tasks]

    def unknown_deadlines(self) -> list[ImportedTask]:
        """Tasks whose deadline text could not be read (kind ``unknown``)."""
        return [t for t in self.all_tasks() if str(t.deadline.kind) == "unknown"]

    def unit_names(self) -> list[str]:
        """Every distinct unit text (lead, coordinating, monitoring), placeholders left out."""
        from plans.units import is_placeholder

        seen: dict[str, None] = {}
        for task in self.all_tasks():
            names = [*task.lead_units, *task.coordinating_units]
            if task.monitoring_unit:
                names.append(task.monitoring_unit)
            for name in names:
                if name and not is_placeholder(name):
                    seen.setdefault(name, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape (dates ISO, absent values null)."""
        return {
            "plan": {
                "number": self.meta.number,
                "date": _iso(self.meta.issued_on),
                "year": self.meta.year,
                "organization": self.meta.organization,
            },
            "fields": [
                {"key": f.key, "title": f.title, "task_count": len(f.tasks)} for f in self.fields
            ],
            "tasks": [
                {
                    "field": t.field_key,
                    "code": t.code,
                    "content": t.content,
                    "product": t.product,
                    "lead_units": list(t.lead_units),
                    "coordinating_units": list(t.coordinating_units),
                    "monitoring_unit": t.monitoring_unit,
                    "target": t.target,
                    "deadline_text": t.deadline.text,
                    "deadline_kind": str(t.deadline.kind),
                    "due_date": _iso(t.deadline.due_date),
                    "milestones": [m.as_json() for m in t.deadline.milestones],
                    "percent": t.percent,
                    "status_text": t.status_text,
                    "output": t.output,
                    "parent_code": t.parent_code,
                    "criterion_codes": list(t.criterion_codes),
                    "deadline_assumed": t.deadline_assumed,
                    "source_text": t.source_text,
                }
                for t in self.all_tasks()
            ],
            "groups": [g.to_json() for g in self.groups],
            "layout": self.layout,
            "skipped": [
                {"source": s.source_row, "reason": s.reason, "text": s.text}
                for s in self.skipped_rows
            ],
            "warnings": [w.to_json() for w in self.warnings],
        }
