"""The plan keeper's corrections to an extracted task list, applied before anything is stored.

A prose plan is read by rules, and a person still has the last word: in the
chat preview the keeper may drop a paragraph that is not a task, merge a
paragraph into the task before it (one duty written as two bullets), or set
a task's lead unit. Each correction is one small record kept with the upload
draft; :func:`apply_edits` replays them on the plan as read, so the result is
the same after a restart (the file is read again, the edits replayed).

Indexes always refer to the task list as extracted (``plan.all_tasks()``),
never to a list already edited, so the order of presses does not matter.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from plans.importing.model import ImportedPlan, ImportedTask

__all__ = ["DROP", "KEEP", "MERGE", "UNIT", "UNMERGE", "Edit", "apply_edits", "edit_state"]

DROP, MERGE, UNIT = "drop", "merge", "unit"
KEEP, UNMERGE = "keep", "unmerge"  # undo a drop / a merge (a second press of the button)
_OPS = (DROP, MERGE, UNIT, KEEP, UNMERGE)


@dataclass(frozen=True)
class Edit:
    op: str  # DROP, MERGE, UNIT, or KEEP/UNMERGE to undo
    index: int  # task index in the extracted list
    unit: str | None = None  # UNIT: the unit's name as the directory has it

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Edit | None:
        op, index = data.get("op"), data.get("index")
        if op not in _OPS or not isinstance(index, int):
            return None
        unit = data.get("unit")
        return cls(str(op), index, str(unit) if unit else None)

    def to_json(self) -> dict[str, object]:
        return {"op": self.op, "index": self.index, "unit": self.unit}


@dataclass(frozen=True)
class EditState:
    """Per extracted task: dropped, merged into which task, the unit set by the keeper."""

    dropped: frozenset[int]
    merged_into: dict[int, int]
    units: dict[int, str]


def edit_state(count: int, edits: Iterable[Edit]) -> EditState:
    """What the edits mean for ``count`` extracted tasks (the last word on a task wins)."""
    dropped: set[int] = set()
    merged: set[int] = set()
    units: dict[int, str] = {}
    for edit in edits:
        if not 0 <= edit.index < count:
            continue
        if edit.op == DROP:
            dropped.add(edit.index)
            merged.discard(edit.index)
        elif edit.op == MERGE and edit.index > 0:
            merged.add(edit.index)
            dropped.discard(edit.index)
        elif edit.op == UNIT and edit.unit:
            units[edit.index] = edit.unit
        elif edit.op == KEEP:
            dropped.discard(edit.index)
        elif edit.op == UNMERGE:
            merged.discard(edit.index)
    merged_into: dict[int, int] = {}
    for index in sorted(merged):
        target = index - 1
        while target >= 0 and (target in dropped or target in merged):
            target -= 1
        if target >= 0:
            merged_into[index] = target
    return EditState(frozenset(dropped - set(merged_into)), merged_into, units)


def apply_edits(plan: ImportedPlan, edits: Iterable[Edit]) -> ImportedPlan:
    """A copy of ``plan`` with the keeper's edits applied; ``plan`` itself is untouched."""
    edits = list(edits)
    if not edits:
        return plan
    result = copy.deepcopy(plan)
    tasks = result.all_tasks()
    state = edit_state(len(tasks), edits)
    for index, unit in state.units.items():
        tasks[index].lead_units = [unit]
        tasks[index].coordinating_units = [u for u in tasks[index].coordinating_units if u != unit]
    for index, target in sorted(state.merged_into.items()):
        _merge(tasks[target], tasks[index])
    gone = {id(tasks[i]) for i in state.dropped | set(state.merged_into)}
    for fld in result.fields:
        fld.tasks = [t for t in fld.tasks if id(t) not in gone]
    result.fields = [f for f in result.fields if f.tasks]
    return result


def _merge(into: ImportedTask, other: ImportedTask) -> None:
    into.content = f"{into.content}\n{other.content}"
    if other.source_text:
        into.source_text = f"{into.source_text or ''}\n{other.source_text}".strip()
    for code in other.criterion_codes:
        if code not in into.criterion_codes:
            into.criterion_codes.append(code)
    if into.deadline_assumed and not other.deadline_assumed:
        into.deadline, into.deadline_assumed = other.deadline, False
