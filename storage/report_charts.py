"""The data of /bieudo: bars by field and by unit, and the headline figures.

Built on ``storage.reports.overview`` (which asks ``plans.completion`` for
every count), so the chart, /tongquan and the appendix never disagree. What
this module adds is presentation order and completeness:

- every task is counted: tasks whose lead unit is a placeholder ("Các bộ
  phận liên quan") have no unit id and used to be dropped from the by-unit
  panel; they get a bar of their own, last, with no label (``None``: the
  chart names it in the reader's language);
- units are in Vietnamese alphabetical order (Đ after D, not after V);
- the period is resolved here so the title names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from plans.calendar import ReportingPeriod
from plans.charts import ChartItem, ChartOverall
from plans.collation import sort_vietnamese
from storage import reports


@dataclass(frozen=True, slots=True)
class ChartView:
    org_name: str
    period: ReportingPeriod
    by_field: tuple[ChartItem, ...]
    by_unit: tuple[ChartItem, ...]
    overall: ChartOverall


def overall_of(ov: reports.Overview) -> ChartOverall:
    """The headline counts of an overview, as ``plans.completion`` counted them."""
    return ChartOverall(
        total=ov.total,
        done=ov.done,
        on_track=ov.on_track,
        behind=ov.lagging,
        mean_percent=ov.mean_percent,
    )


async def chart_view(
    session: AsyncSession,
    org_id: int,
    *,
    now: datetime,
    period: ReportingPeriod | None = None,
) -> ChartView:
    """The chart of ``period`` (default: the current reporting period)."""
    org = await reports.organization(session, org_id)
    per = period or reports.resolve_period(org, None, now)
    ov = await reports.overview(session, org_id, now=now, period=per)
    named = sort_vietnamese([g for g in ov.by_unit if g.key is not None], key=lambda g: g.label)
    units: list[ChartItem] = [(g.label, g.mean_percent, g.done, g.total) for g in named]
    units += [(None, g.mean_percent, g.done, g.total) for g in ov.by_unit if g.key is None]
    return ChartView(
        org_name=ov.org_name,
        period=per,
        by_field=tuple((g.label, g.mean_percent, g.done, g.total) for g in ov.by_field),
        by_unit=tuple(units),
        overall=overall_of(ov),
    )
