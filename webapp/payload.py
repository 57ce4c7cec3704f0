"""The JSON the dashboard's API returns: :mod:`storage.reports` results, shaped for the page.

Nothing is counted here. Each figure is read off the dataclass the chat
views render (``Overview``, ``GroupLine``, ``TaskLine``, ``CommuneLine``);
this module only names the fields for JSON, adds the reader's wording
(state labels, "84,4%") and the server-drawn charts. The field names are a
public contract documented in the README ("Mini App API").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from locales import normalize_language, t
from plans.calendar import CalendarSettings, PeriodKind, ReportingPeriod, reports_for_year
from plans.report_kinds import district_report_text
from plans.status_table import format_percent_value, format_ratio
from storage import reports
from webapp.queries import TaskExtra
from webapp.svg import Bar, stacked_bars

STANDINGS = ("done", "on_track", "behind", "overdue", "not_started")
"""The five standings of a task, in the order bars and legends show them."""


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "—"


def counts(figures: Any) -> dict[str, Any]:
    """The figures of a group as :mod:`storage.reports` computed them.

    ``GroupLine`` carries its counts itself; the overview, a field's or unit's
    record and a commune's line carry the ``CompletionSummary`` they were
    counted into.
    """
    source = getattr(figures, "summary", figures)
    out: dict[str, Any] = {"total": figures.total, "done": figures.done}
    for name in STANDINGS[1:]:
        out[name] = getattr(source, name)
    out["due_soon"] = source.due_soon
    out["with_figure"] = source.with_figure
    out["mean_percent"] = source.mean_percent if source.with_figure else None
    return out


def mean_text(figures: Any, lang: str) -> str:
    """ "41,2%", or "—" when no task of the group has a figure (blank stays blank)."""
    c = counts(figures)
    return "—" if c["mean_percent"] is None else format_percent_value(c["mean_percent"], lang)


def period_json(per: ReportingPeriod | None, lang: str) -> dict[str, Any] | None:
    if per is None:
        return None
    return {
        "code": per.code,
        "label": per.label(lang),
        "window_start": _day(per.window_start),
        "window_end": _day(per.window_end),
        "deadline": _day(per.submission_deadline),
    }


def period_choices(year: int, settings: CalendarSettings, lang: str) -> list[dict[str, Any]]:
    """Every period of ``year`` the selector offers: quarters, 6 and 9 months, the year."""
    periods = reports_for_year(year, settings, kinds=list(PeriodKind))
    return [{"code": p.code, "label": p.label(lang)} for p in periods]


def _caption(g: reports.GroupLine, lang: str) -> str:
    return f"{g.done}/{g.total} · {mean_text(g, lang)}"


def _bars(kind: str, lines: Iterable[reports.GroupLine], lang: str) -> list[Bar]:
    bars = []
    for g in lines:
        c = counts(g)
        bars.append(
            Bar(
                kind=kind,
                ref_id=g.ref_id,
                label=g.label,
                total=g.total,
                segments=[(s, c[s] or 0) for s in STANDINGS],
                caption=_caption(g, lang),
            )
        )
    return bars


def group_json(g: reports.GroupLine, lang: str) -> dict[str, Any]:
    return {
        "id": g.ref_id,
        "key": g.key,
        "label": g.label,
        **counts(g),
        "ratio_text": format_ratio(g.done, g.total, lang),
        "mean_text": mean_text(g, lang),
    }


def issuer(name: str, kind: Any, lang: str) -> str:
    return t("chairman.issuer", lang, kind=t(f"org.kind.{kind.value}", lang), name=name)


def overview_json(ov: reports.Overview, lang: str, periods: list[dict[str, Any]]) -> dict[str, Any]:
    """``GET /api/overview``."""
    return {
        "org": {
            "id": ov.org_id,
            "name": ov.org_name,
            "title": issuer(ov.org_name, ov.org_kind, lang),
        },
        "as_of": ov.as_of.isoformat(),
        "today": _day(ov.today),
        "today_text": _day_text(ov.today),
        "period": period_json(ov.period, lang),
        "periods": periods,
        "totals": {
            **counts(ov),
            "ratio_text": format_ratio(ov.done, ov.total, lang),
            "mean_text": mean_text(ov, lang),
        },
        "by_field": [group_json(g, lang) for g in ov.by_field],
        "by_unit": [group_json(g, lang) for g in ov.by_unit],
        "charts": {
            "field": stacked_bars(
                _bars("field", ov.by_field, lang), title=t("webapp.chart.by_field", lang)
            ),
            "unit": stacked_bars(
                _bars("unit", ov.by_unit, lang), title=t("webapp.chart.by_unit", lang)
            ),
        },
        "legend": [{"key": s, "label": t(f"webapp.standing.{s}", lang)} for s in STANDINGS],
    }


def task_json(line: reports.TaskLine, extra: TaskExtra | None, lang: str) -> dict[str, Any]:
    standing = line.standing
    return {
        "id": line.task_id,
        "number": line.number,
        "content": line.content,
        "field": line.field_key,
        "lead_units": line.lead_units,
        "lead": line.lead,
        "deadline_text": line.deadline_text,
        "due_date": _day(line.due_date),
        "due_text": _day_text(line.due_date),
        "percent": line.percent,
        "state": line.state.value,
        "state_label": line.state.label(lang),
        "standing": standing.value,
        "standing_label": standing.label(lang),
        "days_late": line.days_late,
        "last_update_on": _day(line.last_update_on),
        "last_update_text": _day_text(line.last_update_on),
        "output": extra.output if extra else None,
        "updated_by": extra.updated_by if extra else None,
        "responsible": list(extra.responsible) if extra else [],
    }


def tasks_json(
    title: str,
    totals: Any,
    lines: Iterable[reports.TaskLine],
    extras: Mapping[int, TaskExtra],
    lang: str,
    today: date,
) -> dict[str, Any]:
    """``GET /api/tasks`` and ``GET /api/overdue``."""
    return {
        "title": title,
        "today": _day(today),
        "today_text": _day_text(today),
        "totals": counts(totals) if totals is not None else None,
        "tasks": [task_json(line, extras.get(line.task_id), lang) for line in lines],
    }


def report_json(c: reports.CommuneLine, lang: str) -> dict[str, Any]:
    # Sent on time / late / not sent, from the sent-report record (issue 14).
    text = district_report_text(c, lang)
    return {
        "period": period_json(c.last_period, lang),
        "on_time": c.report_on_time,
        "status": c.report_status,
        "status_label": t(f"webapp.report.{c.report_status}", lang) if c.report_status else None,
        "number": c.report_number,
        "sent_on": _day(c.report_sent_on),
        "missing": c.missing,
        "text": text,
    }


def commune_json(c: reports.CommuneLine, lang: str) -> dict[str, Any]:
    return {
        "id": c.org_id,
        "name": c.name,
        "kind": c.kind.value,
        **counts(c),
        "done_ratio": c.done / c.total if c.total else None,
        "ratio_text": format_ratio(c.done, c.total, lang) if c.total else "—",
        "report": report_json(c, lang),
    }


def district_json(roll: reports.DistrictRollup, lang: str) -> dict[str, Any]:
    """``GET /api/district``."""
    return {
        "district": {"id": roll.district_id, "name": roll.name},
        "today": _day(roll.today),
        "today_text": _day_text(roll.today),
        "communes": [commune_json(c, lang) for c in roll.communes],
    }


def stamp(now: datetime) -> str:
    return now.isoformat()


# --------------------------------------------------------------------------- PAR INDEX


def points(value: Decimal | None, lang: str) -> str | None:
    """81,863 (vi) / 81.863 (en): up to three decimals, as scorecards write points."""
    if value is None:
        return None
    return format_decimal(value, format="#,##0.###", locale=normalize_language(lang))


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _item_json(item: Any, lang: str) -> dict[str, Any]:
    return {
        "code": item.code,
        "title": item.title,
        "score": _num(item.score),
        "max": _num(item.max),
        "lost": _num(item.points_lost),
        "score_text": points(item.score, lang),
        "max_text": points(item.max, lang),
        "lost_text": points(item.points_lost, lang),
        "reason": item.reason,
        "group": item.group.value,
    }


def scorecard_json(desk: Any, lang: str, *, losses: int = 12) -> dict[str, Any]:
    """``GET /api/scorecard``: ``storage.par_index.desk`` — last year's card, this year's outlook.

    The projection, the criteria that lost points (most first) and their linked
    tasks' standings are the desk's own (``plans.par_index.projection``).
    """
    from plans.par_index.projection import losses_without_task, top_losses

    card = desk.stored.card
    proj = desk.projection

    def outlook(o: Any) -> dict[str, Any]:
        tasks = desk.tasks.get(o.item.code, []) if o.item.code else []
        return {
            **_item_json(o.item, lang),
            "has_task": o.has_task,
            "evidence": o.evidence,
            "fixed": o.fixed_projected,
            "tasks": [
                {
                    "id": task.task_id,
                    "number": task.number,
                    "content": task.content,
                    "lead_units": task.lead_units,
                    "standing": task.standing.value,
                    "standing_label": t(f"webapp.standing.{task.standing.value}", lang),
                }
                for task in tasks
            ],
        }

    return {
        "org": {"id": desk.org_id, "name": desk.org_name},
        "year": desk.year,
        "last": {
            "year": desk.stored.year,
            "total": _num(card.total),
            "total_text": points(card.total, lang),
            "max_total": _num(card.max_total),
            "max_total_text": points(card.max_total, lang),
            "rating": card.rating,
            "rank": card.rank,
            "rank_of": card.rank_of,
        },
        "fields": [_item_json(f, lang) for f in card.fields],
        "chart": stacked_bars(
            [
                Bar(
                    kind="score",
                    ref_id=None,
                    label=f"{f.code}. {f.title}" if f.code else f.title,
                    total=float(f.max or 0),
                    segments=[("score", float(f.score or 0)), ("lost", float(f.points_lost))],
                    caption=f"{points(f.score, lang) or '—'}/{points(f.max, lang) or '—'}",
                )
                for f in card.fields
            ],
            title=t("webapp.score.fields", lang),
        ),
        "losses": [outlook(o) for o in top_losses(desk.outlooks, limit=losses)],
        "without_task": [outlook(o) for o in losses_without_task(desk.outlooks)],
        "projection": {
            "year": proj.year,
            "base": _num(proj.base),
            "projected": _num(proj.projected),
            "worst": _num(proj.worst),
            "best": _num(proj.best),
            "projected_text": points(proj.projected, lang),
            "worst_text": points(proj.worst, lang),
            "best_text": points(proj.best, lang),
            "rule": t("webapp.score.rule", lang),
        },
    }


# --------------------------------------------------------------------------- report periods


def reports_json(org_id: int, today: date, lines: Iterable[Any], lang: str) -> dict[str, Any]:
    """``GET /api/reports``: (due report, record or None, sent status) as the cycle keeps them."""
    out = []
    for due, record, status in lines:
        out.append(
            {
                "kind": due.kind.key,
                "code": due.code,
                "label": due.label(lang),
                "deadline": _day(due.deadline),
                "deadline_text": _day_text(due.deadline),
                "status": status.value,
                "status_text": t(
                    f"reportcycle.district.{status.value}",
                    lang,
                    period=due.period.label(lang),
                    number=record.number if record else "",
                    date=record.sent_on.strftime("%d/%m/%Y") if record else "",
                ),
                "number": record.number if record else None,
                "sent_on": _day(record.sent_on) if record else None,
                "sent_by": record.person_name if record else None,
            }
        )
    return {"org_id": org_id, "year": today.year, "today": _day(today), "reports": out}
