"""The words about a roster import: why it was refused, and what it did.

``storage.roster_import`` checks and writes the roster and returns plain data
(:class:`plans.roster.RosterError` with its problems, or a report of one line
per person); the chat upload (``handlers.roster_upload``) and the CLI
(``cchc-bot person import``) both print these texts, so they say the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Protocol

from locales import t
from plans.roster import CREATED, UNCHANGED, UPDATED, Problem, RosterEntry, RosterError
from plans.units import UnitRef

__all__ = ["MAX_PROBLEMS_SHOWN", "render_problems", "render_report"]

MAX_PROBLEMS_SHOWN = 15


class _Line(Protocol):
    """One row of ``storage.roster_import.RosterReport`` as far as the words need it."""

    @property
    def entry(self) -> RosterEntry: ...
    @property
    def role(self) -> Enum: ...
    @property
    def unit(self) -> UnitRef | None: ...
    @property
    def unit_guessed(self) -> bool: ...
    @property
    def telegram_id(self) -> int | None: ...


class _Report(Protocol):
    """``storage.roster_import.RosterReport`` as far as the words need it."""

    @property
    def filename(self) -> str: ...
    @property
    def dry_run(self) -> bool: ...
    @property
    def lines(self) -> Sequence[_Line]: ...
    @property
    def invitations_created(self) -> int: ...
    def count(self, action: str) -> int: ...


def render_problems(error: RosterError, filename: str, lang: str) -> str:
    """Every reason the roster was refused, one per line, and that nothing was saved."""
    problems: Sequence[Problem] = getattr(error, "problems", ()) or (
        Problem(error.key, error.params),
    )
    lines = [t("roster.error.intro", lang, filename=filename)]
    lines += [
        "• " + t(p.key, lang, **{"filename": filename, **p.params})
        for p in problems[:MAX_PROBLEMS_SHOWN]
    ]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(t("roster.error.more", lang, count=len(problems) - MAX_PROBLEMS_SHOWN))
    lines.append(t("roster.error.outro", lang))
    return "\n".join(lines)


def render_report(report: _Report, lang: str) -> str:
    """The summary the clerk reads after an import (or a dry run)."""
    key = "roster.report.title_dry" if report.dry_run else "roster.report.title"
    lines = [t(key, lang, filename=report.filename)]
    lines.append(
        t(
            "roster.report.counts",
            lang,
            created=report.count(CREATED),
            updated=report.count(UPDATED),
            unchanged=report.count(UNCHANGED),
            invitations=report.invitations_created,
        )
    )
    for line in report.lines:
        unit = line.unit.name if line.unit else t("roster.report.no_unit", lang)
        contact = t(
            "roster.report.has_telegram" if line.telegram_id else "roster.report.invited", lang
        )
        if line.unit_guessed and line.unit is not None:
            contact = (
                t("roster.report.guessed", lang, written=line.entry.unit_text, unit=line.unit.name)
                + contact
            )
        lines.append(
            t(
                "roster.report.line",
                lang,
                name=line.entry.full_name,
                role=t(f"role.{line.role.value}", lang),
                unit=unit,
                contact=contact,
            )
        )
    return "\n".join(lines)
