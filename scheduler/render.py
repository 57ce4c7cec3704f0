"""Turn an outbox payload into the message text and buttons, from the state at send time.

The planner stores *what* to say (task ids, occasion kinds, offsets); the
words are chosen when the message leaves, from the tasks' current state.  A
task finished between planning and sending is left out, and a digest with
nothing left is not sent at all (:func:`render` returns None).  All text
comes from ``locales/*/reminders.po``; task content is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime

from locales import t
from plans.calendar import PeriodKind, ReportingPeriod, period
from plans.completion import summarize
from plans.status_table import format_percent_value, format_ratio
from plans.wording import week_from_subject
from scheduler.context import OrgContext
from scheduler.planner import needs_update
from storage.outbox import CatchUpPayload, DigestPayload, NoticePayload, Payload, ReportItem
from storage.tasks import TaskView

MAX_TEXT = 3900  # Telegram allows 4096; leave room for the "and N more" line
MAX_BUTTONS = 30
BUTTONS_PER_ROW = 4
CONTENT_CHARS = 160
SECTION_KINDS = ("overdue", "deadline_day", "before_deadline", "escalation")


@dataclass
class Rendered:
    """A message ready to send: HTML text and the tasks that get a button."""

    text: str
    task_ids: list[int] = field(default_factory=list)


def fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > CONTENT_CHARS:
        text = text[: CONTENT_CHARS - 1].rstrip() + "…"
    return html.escape(text)


def parse_period(code: str, ctx: OrgContext) -> ReportingPeriod | None:
    """``2024-H1`` back into the organization's period."""
    try:
        year, kind = code.split("-", 1)
        return period(PeriodKind(kind), int(year), ctx.calendar)
    except (ValueError, KeyError):
        return None


class _Lines:
    """Accumulates lines up to Telegram's length, counting what did not fit."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.dropped = 0

    def add(self, line: str, *, always: bool = False) -> bool:
        if not always and self.size + len(line) + 1 > MAX_TEXT:
            self.dropped += 1
            return False
        self.lines.append(line)
        self.size += len(line) + 1
        return True


def _updated_on(view: TaskView, day: date, ctx: OrgContext) -> bool:
    """Whether the task got an update on local ``day``."""
    at = view.last_update_at
    return at is not None and at.astimezone(ctx.tz).date() == day


def _task_line(view: TaskView, kind: str, day: date, lang: str, ctx: OrgContext) -> str:
    due = view.effective_due_date
    parts = [t("reminders.item.line", lang, number=view.number, content=_short(view.content))]
    detail: list[str] = []
    if due is not None:
        left = (due - day).days
        if left > 0:
            detail.append(t("reminders.item.due_in", lang, due=fmt_date(due), days=left))
        elif left == 0:
            detail.append(t("reminders.item.due_today", lang, due=fmt_date(due)))
        else:
            detail.append(t("reminders.item.late", lang, due=fmt_date(due), days=-left))
    if view.percent is not None:
        detail.append(t("reminders.item.percent", lang, percent=view.percent))
    else:
        detail.append(t("reminders.item.no_update", lang))
    if kind == "escalation":
        units = ", ".join(ctx.unit_names.get(u, "?") for u in view.lead_unit_ids)
        if units:
            detail.append(t("reminders.item.lead", lang, units=html.escape(units)))
    return parts[0] + " (" + "; ".join(detail) + ")"


def _report_block(
    entry: ReportItem, ctx: OrgContext, day: date, lang: str, out: _Lines, buttons: list[int]
) -> bool:
    """Render one report entry; False when nothing is left to say."""
    p = parse_period(entry.period, ctx)
    if p is None:
        return False
    label = p.label(lang)
    deadline = fmt_date(p.submission_deadline)
    left = (p.submission_deadline - day).days
    views = ctx.tasks_by_id
    if entry.kind == "report_due":
        still = [views[i] for i in entry.task_ids if i in views and needs_update(views[i], p, ctx)]
        keeper = entry.keeper
        if not still and not keeper:
            return False
        if left > 0:
            key = "reminders.report.due"
        elif left == 0:
            key = "reminders.report.due_today"
        else:  # a catch-up after downtime: say how long ago, never "today"
            key = "figures.report.deadline_passed"
        out.add("")
        out.add(t(key, lang, period=label, deadline=deadline, days=abs(left)))
        if keeper:
            pending = [v for v in ctx.tasks if needs_update(v, p, ctx)]
            out.add(t("reminders.report.keeper", lang, pending=len(pending), total=len(ctx.tasks)))
        if still:
            out.add(t("reminders.report.tasks_intro", lang))
        for v in still:
            if out.add(_task_line(v, "report_due", day, lang, ctx)) and v.id not in buttons:
                buttons.append(v.id)
        return True
    # report_summary: who has not updated, computed now
    pending = [v for v in ctx.tasks if needs_update(v, p, ctx)]
    out.add("")
    out.add(t("reminders.report.summary_title", lang, period=label, deadline=deadline))
    out.add(
        t(
            "reminders.report.summary_counts",
            lang,
            updated=len(ctx.tasks) - len(pending),
            total=len(ctx.tasks),
        )
    )
    if not pending:
        out.add(t("reminders.report.summary_all_done", lang))
        return True
    by_person: dict[int, list[TaskView]] = {}
    unassigned: list[TaskView] = []
    for v in pending:
        officers = ctx.officers_of(v.unit_ids)
        if not officers:
            unassigned.append(v)
        for m in officers:
            by_person.setdefault(m.id, []).append(v)
    for pid, tasks in by_person.items():
        member = ctx.member(pid)
        out.add(
            t(
                "reminders.report.summary_person",
                lang,
                name=html.escape(member.name if member else "?"),
                count=len(tasks),
                numbers=", ".join(str(v.number) for v in tasks),
            )
        )
    if unassigned:
        out.add(
            t(
                "reminders.report.summary_unassigned",
                lang,
                count=len(unassigned),
                numbers=", ".join(str(v.number) for v in unassigned),
            )
        )
    return True


def _weekly_block(ctx: OrgContext, day: date, week: str, lang: str, out: _Lines) -> None:
    snaps = [v.snapshot(ctx.tz) for v in ctx.tasks]
    s = summarize(snaps, day, settings=ctx.calendar)
    out.add("")
    out.add(t("reminders.weekly.title", lang, week=html.escape(week_from_subject(week, lang))))
    out.add(
        t(
            "reminders.weekly.counts",
            lang,
            done=s.done,
            total=s.total,
            ratio=format_ratio(s.done, s.total, lang),
            mean=format_percent_value(s.mean_percent, lang),
        )
    )
    out.add(t("reminders.weekly.overdue", lang, count=s.overdue))
    out.add(t("reminders.weekly.due_soon", lang, count=s.due_soon))


def render_digest(
    payload: DigestPayload, ctx: OrgContext, recipient_name: str | None, now: datetime
) -> Rendered | None:
    """A digest or catch-up message from current state; None when nothing is left."""
    lang = payload.lang or ctx.lang
    today = now.astimezone(ctx.tz).date()
    day = payload.day or today
    if isinstance(payload, CatchUpPayload):
        day = today  # the days it covers are in its title; the state is today's
    views = ctx.tasks_by_id
    out = _Lines()
    buttons: list[int] = []
    if isinstance(payload, CatchUpPayload):
        out.add(
            t(
                "reminders.catch_up.title",
                lang,
                start=fmt_date(payload.first or payload.day or today),
                end=fmt_date(payload.last or payload.day or today),
            )
        )
        out.add(t("reminders.catch_up.intro", lang))
    else:
        out.add(
            t(
                "reminders.digest.title",
                lang,
                weekday=t(f"reminders.weekday.{day.weekday()}", lang),
                date=fmt_date(day),
            )
        )
    if recipient_name:
        out.add(t("reminders.digest.greeting", lang, name=html.escape(recipient_name)))
    else:
        out.add(t("reminders.group.greeting", lang))
    header = len(out.lines)
    content = False
    for section in SECTION_KINDS:
        entries = [e for e in payload.items if e.kind == section and e.task_id in views]
        # never a task whose figure was given today (issue 11 defect 10)
        live = [
            views[e.task_id]
            for e in entries
            if not views[e.task_id].done and not _updated_on(views[e.task_id], today, ctx)
        ]
        if not live:
            continue
        content = True
        out.add("")
        out.add(t(f"reminders.section.{section}", lang))
        for v in live:
            if out.add(_task_line(v, section, day, lang, ctx)) and v.id not in buttons:
                buttons.append(v.id)
    for entry in payload.reports:
        content = _report_block(entry, ctx, day, lang, out, buttons) or content
    if payload.weekly:
        _weekly_block(ctx, day, payload.weekly, lang, out)
        content = True
    listed = [views[i] for i in payload.unassigned if i in views]
    orphans = [v for v in listed if not v.done and not ctx.officers_of(v.unit_ids)]
    if orphans:
        content = True
        out.add("")
        out.add(t("figures.weekly.unassigned", lang, count=len(orphans)))
        for v in orphans:
            text = t("reminders.item.line", lang, number=v.number, content=_short(v.content))
            lead = html.escape(v.lead_units_text or "—")
            if out.add(text + " — " + lead) and v.id not in buttons:
                buttons.append(v.id)
    if not content or len(out.lines) == header:
        return None
    if out.dropped:
        out.add(t("reminders.more", lang, count=out.dropped), always=True)
    if buttons:
        out.add("", always=True)
        out.add(t("reminders.footer", lang), always=True)
    return Rendered("\n".join(out.lines), buttons[:MAX_BUTTONS])


def render_notice(payload: NoticePayload, ctx: OrgContext | None) -> Rendered:
    """A plain notice (e.g. to the plan keeper): catalog key and parameters from the payload."""
    lang = payload.lang or (ctx.lang if ctx else "vi")
    params = {k: html.escape(str(v)) for k, v in payload.params.items()}
    return Rendered(t(payload.key, lang, **params), [])


def render(
    payload: Payload, ctx: OrgContext | None, recipient_name: str | None, now: datetime
) -> Rendered | None:
    """Dispatch on the payload's kind (an unknown kind is the caller's to refuse)."""
    if isinstance(payload, NoticePayload):
        return render_notice(payload, ctx)
    if ctx is None or not isinstance(payload, DigestPayload):
        return None
    return render_digest(payload, ctx, recipient_name, now)


def button_label(view: TaskView | None, task_id: int, lang: str) -> str:
    return t("reminders.button.task", lang, number=view.number if view else task_id)
