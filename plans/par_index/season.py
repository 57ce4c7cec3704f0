"""The self-assessment season: the province's deadline and when to remind.

Each year the commune sends its self-assessment (tự đánh giá, chấm điểm)
with its evidence to the province by a deadline the province sets — often in
November. The season is a per-organization setting kept beside the reporting
calendar (``calendar_settings["self_assessment"]``, which the calendar itself
ignores): the deadline's day and month, and how many working days before it
units are reminded of their criteria still missing evidence (and the
chairman is sent the projected score). Reminder days that fall on a weekend
or holiday are counted in working days, so they never land on one.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from plans.workdays import add_working_days, previous_working_day

KEY = "self_assessment"


@dataclass(frozen=True)
class Season:
    day: int = 15
    month: int = 11
    remind_working_days: tuple[int, ...] = (10, 3)

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.day <= 31:
            raise ValueError("self-assessment deadline out of range")
        if any(n < 0 or n > 120 for n in self.remind_working_days):
            raise ValueError("reminder lead out of range")

    @classmethod
    def from_settings(cls, data: Mapping[str, Any] | None) -> Season:
        """The season stored in an organization's calendar settings, else the default."""
        raw = (data or {}).get(KEY)
        if not isinstance(raw, Mapping):
            return cls()
        try:
            return cls(
                day=int(raw.get("day", 15)),
                month=int(raw.get("month", 11)),
                remind_working_days=tuple(
                    sorted({int(n) for n in raw.get("remind_working_days", (10, 3))}, reverse=True)
                ),
            )
        except (TypeError, ValueError):
            return cls()

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "month": self.month,
            "remind_working_days": list(self.remind_working_days),
        }

    def deadline(self, year: int) -> date:
        """The deadline in ``year`` (31/11 reads as 30/11), moved back to a working day."""
        last = calendar.monthrange(year, self.month)[1]
        return previous_working_day(date(year, self.month, min(self.day, last)))

    def reminder_days(self, year: int) -> list[date]:
        deadline = self.deadline(year)
        return sorted({add_working_days(deadline, -n) for n in self.remind_working_days})

    def reminds_on(self, day: date) -> bool:
        return day in self.reminder_days(day.year)


def parse_deadline_text(text: str) -> tuple[int, int]:
    """ "15/11" → (15, 11); raises ValueError for anything else."""
    parts = text.strip().replace("-", "/").split("/")
    if len(parts) != 2:
        raise ValueError(text)
    day, month = int(parts[0]), int(parts[1])
    Season(day=day, month=month)
    return day, month
