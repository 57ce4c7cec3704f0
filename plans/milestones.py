"""Tasks with several milestones: which one is open, and the task's effective due date.

A plan may give one task several dated steps ("Tháng 6 và tháng 12", "Quý
I/2024 và thường xuyên", "Trước ngày 10 tháng cuối quý"; see
``plans.deadlines``). Every view keeps asking one question -- "when is this
task due?" -- and the answer is the **next open milestone**, so reminders,
"due soon" and "overdue" work milestone by milestone without knowing about
milestones at all.

Rules, in one place:

* A milestone is **met** when the task has an update on or after the day the
  milestone ``opens`` (its period's first day; for a single date, the first
  day of its month; with no opening, any update). A late update still meets
  it: the officer did report, late -- and the next milestone becomes open.
* The last milestone of a dated (non-recurring) task is met only when the task
  is done: that is the task's own deadline. A done task has no open milestone
  and is judged against its final due date, as before.
* A recurring task is never done for good; once all its milestones are met it
  has no dated deadline left (it is reported period by period).
* An approved extension (``extended_due_date``) moves the open milestone later,
  never earlier: the effective date is the later of the two.
* A task with no stored milestones (a single deadline) keeps the old rule:
  the extension, else the plan's due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from plans.deadlines import Deadline, DeadlineKind, Milestone

__all__ = [
    "effective_due",
    "milestones_from_json",
    "milestones_to_store",
    "next_open",
]


def milestones_to_store(deadline: Deadline) -> list[dict[str, str | None]] | None:
    """What storage keeps: every milestone when there is more than the due date to remember.

    A single dated deadline needs nothing beyond ``due_date`` (None); several
    milestones, or a recurring duty with dated milestones, are kept in full.
    """
    several = len(deadline.milestones) > 1
    recurring = deadline.kind is DeadlineKind.RECURRING and bool(deadline.milestones)
    if not (several or recurring):
        return None
    return [m.as_json() for m in deadline.milestones]


def milestones_from_json(data: Iterable[Mapping[str, str | None]] | None) -> tuple[Milestone, ...]:
    """Read back what :func:`milestones_to_store` wrote (malformed entries are skipped)."""
    if not data:  # most tasks: asked for each of them on every planner tick
        return ()
    found: list[Milestone] = []
    for item in data or ():
        try:
            due = date.fromisoformat(str(item["due"]))
            opens_raw = item.get("opens")
            opens = date.fromisoformat(str(opens_raw)) if opens_raw else None
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        found.append(Milestone(due, opens))
    return tuple(sorted(found, key=lambda m: m.due))


def _met(milestone: Milestone, last_update_on: date | None) -> bool:
    if last_update_on is None:
        return False
    return milestone.opens is None or last_update_on >= milestone.opens


def next_open(
    milestones: Sequence[Milestone],
    *,
    last_update_on: date | None,
    done: bool,
    recurring: bool,
) -> Milestone | None:
    """The first milestone not yet met (see the module docstring), or None."""
    if done and not recurring:
        return None
    for i, milestone in enumerate(milestones):
        final = i == len(milestones) - 1
        if final and not recurring:
            return milestone  # a dated task's own deadline: open until done
        if not _met(milestone, last_update_on):
            return milestone
    return None


def effective_due(
    due_date: date | None,
    extended_due_date: date | None,
    milestones: Sequence[Milestone],
    *,
    last_update_on: date | None,
    done: bool,
    recurring: bool,
) -> date | None:
    """The date a task is due now: its next open milestone, extension applied."""
    if not milestones:
        return extended_due_date or due_date
    if done and not recurring:
        return extended_due_date or due_date
    milestone = next_open(milestones, last_update_on=last_update_on, done=done, recurring=recurring)
    if milestone is None:
        return None
    if extended_due_date is not None:
        return max(extended_due_date, milestone.due)
    return milestone.due
