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
from typing import Any

from locales import t
from plans.calendar import CalendarSettings, PeriodKind, ReportingPeriod, reports_for_year
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
    """"41,2%", or "—" when no task of the group has a figure (blank stays blank)."""
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
    if c.last_period is None or c.report_on_time is None:
        text = t("chairman.district.report_unknown", lang)
    elif c.report_on_time:
        text = t("chairman.district.report_on_time", lang, period=c.last_period.label(lang))
    else:
        text = t(
            "chairman.district.report_late",
            lang,
            period=c.last_period.label(lang),
            missing=c.missing,
        )
    return {
        "period": period_json(c.last_period, lang),
        "on_time": c.report_on_time,
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
        "projected_score": getattr(c, "projected_score", None),
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
