"""Which criteria a task serves, read from the plan as written.

Two sources, both from what the plan keeper already typed:

* the task's words cite a code: "… một cửa liên thông (TCTP 3.2)" — read by
  :func:`plans.criteria_codes.find_criterion_codes` from its content,
  product, target and note;
* the plan's code column *is* a criterion code, as in an appendix whose rows
  are criteria (seed 004: "2.1.1 Thực hiện các hoạt động về TĐTHPL"). A
  dotted code counts only when its first part is the task's field number
  ("2.1.1" in field "2"), so an ordinary plan's "1.2" sub-task numbering
  under Roman fields is never mistaken for a criterion.

A link is to a code, not to a year's criterion row: codes outlive a year's
criteria set, and this year's tasks fix last year's losses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plans.criteria_codes import find_criterion_codes, normalize_code


@dataclass(frozen=True, slots=True)
class TaskText:
    """What of a task can name a criterion (plain data, built by storage)."""

    task_id: int
    code: str | None
    field_key: str
    texts: tuple[str | None, ...]


def task_criterion_codes(task: TaskText) -> list[tuple[str, str]]:
    """(code, source) pairs for one task, "text" before "code", each code once."""
    found: list[tuple[str, str]] = []
    for text in task.texts:
        for code in find_criterion_codes(text or ""):
            if code not in (c for c, _ in found):
                found.append((code, "text"))
    if task.code and "." in task.code.strip().strip("."):
        code = normalize_code(task.code)
        if code and code.split(".")[0] == task.field_key.strip().rstrip("."):
            if code not in (c for c, _ in found):
                found.append((code, "code"))
    return found


def serves(task_code: str, criterion_code: str) -> bool:
    """A task linked to "3.4" or to "3.4.1" serves criterion "3.4"."""
    return task_code == criterion_code or task_code.startswith(criterion_code + ".")


def tasks_for(criterion_code: str | None, links: Iterable[tuple[int, str]]) -> list[int]:
    """Task ids serving a criterion, given (task_id, code) links; none for an uncoded one."""
    if not criterion_code:
        return []
    out: list[int] = []
    for task_id, code in links:
        if serves(code, criterion_code) and task_id not in out:
            out.append(task_id)
    return out
