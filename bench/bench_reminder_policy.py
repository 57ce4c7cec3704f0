"""How long does the pure reminder planner take for a commune-sized plan?

Prints figures; asserts nothing.  Run: python -m bench.bench_reminder_policy
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from plans.calendar import reports_for_year
from plans.completion import TaskSnapshot, summarize, summarize_by_unit
from plans.reminder_policy import PlannedTask, ReminderPolicy, day_occasions
from plans.workdays import is_working_day


def main() -> None:
    rng = random.Random(7)
    start = date(2024, 1, 1)
    tasks = [
        PlannedTask(
            task_id=i,
            due_date=start + timedelta(days=rng.randrange(366)),
            deadline_kind=rng.choice(["date"] * 4 + ["recurring"]),
            done=rng.random() < 0.3,
            officer_ids=(i % 12,),
            unit_ids=(i % 8,),
        )
        for i in range(500)
    ]
    policy = ReminderPolicy()
    periods = reports_for_year(2024)

    t0 = time.perf_counter()
    for i in range(366 * 20):
        is_working_day(start + timedelta(days=i % 366))
    t1 = time.perf_counter()
    print(f"is_working_day (cached year): {(t1 - t0) / (366 * 20) * 1e6:.2f} µs/call")

    total = 0
    t0 = time.perf_counter()
    for d in range(366):
        total += len(day_occasions(tasks, periods, start + timedelta(days=d), policy))
    t1 = time.perf_counter()
    print(
        f"day_occasions, 500 tasks x 366 days: {(t1 - t0) * 1000:.0f} ms total, "
        f"{(t1 - t0) / 366 * 1000:.2f} ms per day, {total} occasions"
    )

    snaps = [
        TaskSnapshot(
            task_id=t.task_id,
            field_key="I",
            unit_ids=(t.task_id % 8, (t.task_id + 1) % 8),
            deadline_kind=t.deadline_kind,
            due_date=t.due_date,
            percent=100 if t.done else rng.choice([0, 30, 50, 80]),
            status_text=None,
            done_on=t.due_date if t.done else None,
            last_update_on=start + timedelta(days=rng.randrange(366)),
        )
        for t in tasks
    ]
    t0 = time.perf_counter()
    for _ in range(20):
        summarize(snaps, date(2024, 6, 1))
        summarize_by_unit(snaps, date(2024, 6, 1))
    t1 = time.perf_counter()
    print(f"summarize + summarize_by_unit, 500 tasks: {(t1 - t0) / 20 * 1000:.1f} ms")


if __name__ == "__main__":
    main()
