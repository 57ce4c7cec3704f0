"""What the planner would send over a range of days, without sending anything.

The plan keeper's way to check the set-up (units mapped to people, policy,
calendar): the very planner and renderer of the bot, run in memory on the
current state for each simulated day.  Task states are taken as they are
now -- an update made tomorrow would of course silence its reminders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from plans import workdays
from plans.reminder_policy import send_time
from scheduler.context import OrgContext, load_contexts
from scheduler.planner import plan_day
from scheduler.render import render
from storage.db import Database
from storage.directory import require_organization
from storage.outbox import DigestPayload


@dataclass
class PreviewMessage:
    """One message the planner would write."""

    at: datetime
    recipient: str
    role: str  # a Role value, or "group"
    chat_id: int
    subject: str
    occasion: str
    task_numbers: list[int]
    kinds: list[str]
    text: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


@dataclass
class Preview:
    organization: str
    start: date
    days: int
    digest_time: str
    messages: list[PreviewMessage] = field(default_factory=list)
    days_off: list[date] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "start": self.start.isoformat(),
            "days": self.days,
            "digest_time": self.digest_time,
            "days_off": [d.isoformat() for d in self.days_off],
            "messages": [m.to_json() for m in self.messages],
        }


def preview_context(ctx: OrgContext, start: date, days: int) -> Preview:
    """Plan ``days`` local days from ``start`` for one organization, in memory."""
    result = Preview(ctx.name, start, days, ctx.policy.digest_time.strftime("%H:%M"))
    views = ctx.tasks_by_id
    for offset in range(days):
        day = start + timedelta(days=offset)
        if not workdays.is_working_day(day):
            result.days_off.append(day)
        moment = send_time(day, ctx.policy, ctx.tz)
        for draft in plan_day(ctx, day):
            member = ctx.member(draft.person_id) if draft.person_id is not None else None
            rendered = render(draft.payload, ctx, member.name if member else None, moment)
            if rendered is None:
                continue
            payload = draft.payload
            assert isinstance(payload, DigestPayload)  # plan_day writes digests only
            kinds = [i.kind for i in payload.items] + [r.kind for r in payload.reports]
            if payload.weekly:
                kinds.append("weekly_summary")
            result.messages.append(
                PreviewMessage(
                    at=draft.due_at,
                    recipient=member.name if member else str(draft.chat_id),
                    role=member.role.value if member else "group",
                    chat_id=draft.chat_id,
                    subject=draft.subject,
                    occasion=draft.occasion,
                    task_numbers=[views[t].number for t in payload.task_ids if t in views],
                    kinds=sorted(set(kinds)),
                    text=rendered.text,
                )
            )
    return result


async def preview(db: Database, organization: str, start: date, days: int) -> Preview:
    """Load the organization's state and preview it (nothing is written)."""
    async with db.read() as session:
        org = await require_organization(session, organization)
        (ctx,) = await load_contexts(session, [org.id])
    return preview_context(ctx, start, days)
