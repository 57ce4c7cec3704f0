"""Sentences about scorecards, from the ``par_index`` catalog (chat and CLI alike)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from locales import t
from plans.par_index.model import Scorecard, ScoreWarning, format_points
from plans.par_index.numbers import parse_points


def _value(value: object, lang: str) -> object:
    if isinstance(value, Decimal):
        return format_points(value, lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_points(Decimal(str(value)), lang)
    if isinstance(value, str) and parse_points(value) is not None:
        return format_points(parse_points(value), lang)
    return value


def warning_text(warning: ScoreWarning, lang: str) -> str:
    params = {k: _value(v, lang) for k, v in warning.params.items()}
    return t(warning.key, lang, **params)


def import_summary(card: Scorecard, org_name: str, year: int, lang: str, *, dry_run: bool) -> str:
    """What was read (and written unless ``dry_run``), then one line per warning."""
    key = "par_index.import.dry_run" if dry_run else "par_index.import.done"
    lines = [
        t(
            key,
            lang,
            year=year,
            org=org_name,
            fields=len(card.fields),
            criteria=len(card.criteria),
        ),
        total_line(card, lang),
    ]
    if card.warnings:
        lines.append(t("par_index.import.warnings", lang, count=len(card.warnings)))
        lines.extend("• " + warning_text(w, lang) for w in card.warnings)
    return "\n".join(lines)


def total_line(card: Scorecard, lang: str) -> str:
    """ "Tổng điểm 81,863/100 · xếp loại tốt · vị thứ 31/141" with what is known."""
    parts = [
        t(
            "par_index.total",
            lang,
            total=format_points(card.total if card.total is not None else card.fields_total, lang),
            max=format_points(card.max_total, lang),
        )
    ]
    if card.rating:
        parts.append(t("par_index.rating", lang, rating=card.rating))
    if card.rank is not None:
        rank_of = card.rank_of if card.rank_of is not None else "?"
        parts.append(t("par_index.rank", lang, rank=card.rank, rank_of=rank_of))
    return " · ".join(parts)


def district_projection(
    last_year: int,
    total: Decimal | None,
    year: int,
    projected: Decimal,
    worst: Decimal,
    best: Decimal,
    lang: str,
) -> str:
    """One line under a commune in the district's /tongquan: last total and projection."""
    return t(
        "par_index.district.projection",
        lang,
        last=last_year,
        total=format_points(total, lang),
        year=year,
        projected=format_points(projected, lang),
        worst=format_points(worst, lang),
        best=format_points(best, lang),
    )


def season_text(year: int, deadline: date, working_days_left: int, lang: str) -> str:
    """The self-assessment deadline as the reporting calendar shows it."""
    key = "par_index.season.calendar" if working_days_left > 0 else "par_index.season.calendar_past"
    return t(key, lang, year=year, date=deadline.strftime("%d/%m/%Y"), days=working_days_left)
