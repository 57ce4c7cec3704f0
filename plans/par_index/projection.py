"""This year's score, projected from last year's by one stated rule.

The rule (also in the README and in every message that shows a projection):

    Each criterion counts at full points when every task linked to it is
    done (or on track at the cutoff) and its evidence is on file; otherwise
    it counts at last year's score. The range: *worst* counts full points
    only for criteria whose tasks are all done with evidence on file; *best*
    counts full points for every criterion that has at least one task.

The projection starts from last year's written total (the province's figure,
which may include adjustments the text does not itemize) and adds what each
criterion would win back, capped at the maximum. Criteria are counted at the
criterion level; sub-items are details of their criterion's points. A
criterion without a code cannot be linked to a task and keeps last year's
score. The survey group (SIPAS) follows the same rule, though the province
scores it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from plans.par_index.model import Level, Scorecard, ScoreItem


class Standing(StrEnum):
    """A linked task's state as the desk shows it (catalog ``par_index.standing.<value>``)."""

    DONE = "done"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_STARTED = "not_started"


@dataclass(frozen=True, slots=True)
class Outlook:
    """One criterion this year: its linked tasks' standings and evidence on file."""

    item: ScoreItem
    standings: tuple[Standing, ...]
    evidence: int

    @property
    def gap(self) -> Decimal:
        if self.item.max is None or self.item.score is None:
            return Decimal(0)
        return max(Decimal(0), self.item.max - self.item.score)

    @property
    def has_task(self) -> bool:
        return bool(self.standings)

    @property
    def fixed_projected(self) -> bool:
        ok = {Standing.DONE, Standing.ON_TRACK}
        return self.has_task and self.evidence > 0 and all(s in ok for s in self.standings)

    @property
    def fixed_worst(self) -> bool:
        return (
            self.has_task and self.evidence > 0 and all(s is Standing.DONE for s in self.standings)
        )

    @property
    def fixed_best(self) -> bool:
        return self.has_task


@dataclass(frozen=True, slots=True)
class Projection:
    year: int | None
    base: Decimal
    projected: Decimal
    worst: Decimal
    best: Decimal
    max_total: Decimal | None


def scored_criteria(card: Scorecard) -> list[ScoreItem]:
    """The criterion-level items that carry points (sub-items are inside them)."""
    return [i for i in card.items if i.level is Level.CRITERION and i.score is not None]


def outlooks(
    card: Scorecard,
    standings: Mapping[str, Sequence[Standing]],
    evidence: Mapping[str, int],
) -> list[Outlook]:
    """Each scored criterion with its tasks' standings and evidence count (by code)."""
    return [
        Outlook(
            item,
            tuple(standings.get(item.code, ())) if item.code else (),
            evidence.get(item.code, 0) if item.code else 0,
        )
        for item in scored_criteria(card)
    ]


def project(card: Scorecard, views: Sequence[Outlook], year: int | None) -> Projection:
    base = card.total if card.total is not None else (card.fields_total or Decimal(0))
    cap = card.max_total

    def total(gain: Decimal) -> Decimal:
        value = base + gain
        return min(value, cap) if cap is not None else value

    projected = sum((o.gap for o in views if o.fixed_projected), Decimal(0))
    worst = sum((o.gap for o in views if o.fixed_worst), Decimal(0))
    best = sum((o.gap for o in views if o.fixed_best), Decimal(0))
    return Projection(year, base, total(projected), total(worst), total(best), cap)


def top_losses(views: Sequence[Outlook], limit: int = 8) -> list[Outlook]:
    """Criteria that lost points, most first (ties in document order)."""
    losing = [o for o in views if o.item.points_lost > 0]
    return sorted(losing, key=lambda o: -o.item.points_lost)[:limit]


def losses_without_task(views: Sequence[Outlook]) -> list[Outlook]:
    """Criteria that lost points and that no task of this year's plan addresses."""
    return [o for o in views if o.item.points_lost > 0 and not o.has_task]
