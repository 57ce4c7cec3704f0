"""What a plan import did or would do, and the words the plan keeper reads about it.

Plain data: ``storage.plan_import`` fills :class:`ImportPreview` (nothing
written yet) and :class:`ImportReport` (written); the chat upload
(``handlers.plan_upload``) and the CLI (``cchc-bot plan import``) both show
:func:`render_report`, so the two say the same thing word for word, and the
storage layer stays free of sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from locales import t
from plans.importing.model import ImportedPlan, ImportWarning, SkippedRow
from plans.text import match_key

__all__ = ["ImportPreview", "ImportReport", "plan_year", "render_report"]

# Longest list of one kind (warnings, unknown deadlines) printed before "… and N more".
_MAX_LISTED = 20


@dataclass
class ImportPreview:
    """What an import would do, computed without writing anything."""

    plan: ImportedPlan
    resolved: dict[str, int]  # unit text -> unit id (confident or single suggestion)
    new_units: list[str]
    ambiguous: dict[str, list[int]]  # unit text -> candidate unit ids
    placeholders: list[str]
    existing_plan_id: int | None
    unknown_deadlines: list[tuple[str, str | None, str]]  # (field key, code, text)
    suggested: dict[str, int] = field(default_factory=dict)  # subset of resolved
    unit_names: dict[int, str] = field(default_factory=dict)  # unit id -> name


@dataclass
class ImportReport:
    """What an import did; the counts the plan keeper reads first."""

    plan_id: int
    created: bool
    number: str | None
    year: int
    fields: int
    tasks_created: int
    tasks_updated: int
    tasks_unchanged: int
    tasks_removed: int
    units_created: list[str]
    aliases_added: list[tuple[str, str]]  # (alias, unit name)
    unknown_deadlines: list[tuple[int, str]]  # (task number, deadline text)
    progress_added: int
    warnings: list[ImportWarning]
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    suggested_units: dict[str, str] = field(default_factory=dict)  # text -> unit name
    ambiguous_units: dict[str, list[str]] = field(default_factory=dict)  # text -> candidates
    unlinked_units: list[str] = field(default_factory=list)  # new names not created
    source_name: str = ""

    @property
    def tasks(self) -> int:
        """Live tasks of the plan as imported (removed ones not counted)."""
        return self.tasks_created + self.tasks_updated + self.tasks_unchanged


def plan_year(plan: ImportedPlan) -> int | None:
    """The plan's year: as stated in the heading, else the year it was issued."""
    if plan.meta.year:
        return plan.meta.year
    if plan.meta.issued_on:
        return plan.meta.issued_on.year
    return None


# --- rendering -----------------------------------------------------------------


def _plan_label(number: str | None, year: int | None, lang: str) -> str:
    if number and any(ch.isdigit() for ch in number):  # "…/KH-UBND" left blank has none
        return t("plan_import.plan_label.number", lang, number=number)
    if year is None:
        return t("plan_import.plan_label.no_year", lang)  # never "kế hoạch năm ?"
    return t("plan_import.plan_label.year", lang, year=year)


def _warning_lines(
    warnings: Sequence[ImportWarning], skipped: Sequence[SkippedRow], lang: str
) -> list[str]:
    items = [
        t(w.key, lang, **w.params)
        for w in warnings
        if w.key != "importing.warning.unknown_deadline"
    ]
    for row in skipped:
        if row.reason == "importing.skip.empty":
            continue
        if row.reason.startswith("importing.skip.prose") and row.text:
            text = row.text if len(row.text) <= 80 else row.text[:79] + "…"
            items.append(
                t(
                    "importing.report.skipped_section",
                    lang,
                    text=text,
                    row=row.source_row,
                    reason=t(row.reason, lang),
                )
            )
        else:
            items.append(
                t(
                    "importing.report.skipped_row",
                    lang,
                    row=row.source_row,
                    reason=t(row.reason, lang),
                )
            )
    if not items:
        return []
    lines = [t("importing.report.warnings_header", lang, count=len(items))]
    lines.extend(f"- {item}" for item in items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        lines.append(t("plan_import.report.more", lang, count=len(items) - _MAX_LISTED))
    return lines


def _render_preview(preview: ImportPreview, lang: str) -> list[str]:
    plan = preview.plan
    lines = [
        t(
            "plan_import.preview.summary",
            lang,
            plan=_plan_label(plan.meta.number, plan_year(plan), lang),
            fields=len(plan.fields),
            tasks=len(plan.all_tasks()),
        )
    ]
    if preview.existing_plan_id is not None:
        lines.append(
            t("plan_import.preview.updates_existing", lang, plan_id=preview.existing_plan_id)
        )
    lines.extend(
        t("importing.report.field_line", lang, key=f.key, title=f.title, count=len(f.tasks))
        for f in plan.fields
    )
    for text, unit_id in preview.suggested.items():
        lines.append(
            t(
                "plan_import.report.suggested_unit",
                lang,
                text=text,
                unit=preview.unit_names.get(unit_id, unit_id),
            )
        )
    shown: set[str] = set()
    for text in preview.new_units:
        if match_key(text) not in shown:  # "Văn hoá" and "Văn hóa" become one unit
            shown.add(match_key(text))
            lines.append(t("importing.report.new_unit", lang, unit=text))
    for text, ids in preview.ambiguous.items():
        names = ", ".join(str(preview.unit_names.get(i, i)) for i in ids)
        lines.append(t("plan_import.report.ambiguous_unit", lang, text=text, candidates=names))
    for field_key, code, text in preview.unknown_deadlines:
        lines.append(
            t(
                "importing.warning.unknown_deadline",
                lang,
                code=code or "?",
                field=field_key,
                text=text,
            )
        )
    lines.extend(_warning_lines(plan.warnings, plan.skipped_rows, lang))
    lines.append(t("plan_import.preview.nothing_written", lang))
    return lines


def _render_import(report: ImportReport, lang: str) -> list[str]:
    parts = [
        t(f"plan_import.report.count.{name}", lang, count=count)
        for name, count in (
            ("created", report.tasks_created),
            ("updated", report.tasks_updated),
            ("unchanged", report.tasks_unchanged),
            ("removed", report.tasks_removed),
        )
        if count
    ]
    key = (
        "plan_import.report.summary_created"
        if report.created
        else "plan_import.report.summary_updated"
    )
    lines = [
        t(
            key,
            lang,
            plan=_plan_label(report.number, report.year, lang),
            fields=report.fields,
            tasks=report.tasks,
            details=", ".join(parts) or t("plan_import.report.count.none", lang),
        )
    ]
    if report.units_created:
        lines.append(
            t(
                "plan_import.report.units_created",
                lang,
                count=len(report.units_created),
                units=", ".join(report.units_created),
            )
        )
    for alias, unit in report.aliases_added:
        lines.append(t("plan_import.report.alias_added", lang, alias=alias, unit=unit))
    for text, unit in report.suggested_units.items():
        lines.append(t("plan_import.report.suggested_unit", lang, text=text, unit=unit))
    for text, names in report.ambiguous_units.items():
        lines.append(
            t("plan_import.report.ambiguous_unit", lang, text=text, candidates=", ".join(names))
        )
    for text in report.unlinked_units:
        lines.append(t("plan_import.report.unlinked_unit", lang, text=text))
    if report.unknown_deadlines:
        lines.append(
            t("plan_import.report.unknown_header", lang, count=len(report.unknown_deadlines))
        )
        lines.extend(
            "- " + t("plan_import.report.unknown_deadline", lang, number=number, text=text)
            for number, text in report.unknown_deadlines[:_MAX_LISTED]
        )
        if len(report.unknown_deadlines) > _MAX_LISTED:
            lines.append(
                t(
                    "plan_import.report.more",
                    lang,
                    count=len(report.unknown_deadlines) - _MAX_LISTED,
                )
            )
    if report.progress_added:
        lines.append(t("plan_import.report.progress_added", lang, count=report.progress_added))
    lines.extend(_warning_lines(report.warnings, report.skipped_rows, lang))
    return lines


def render_report(report: ImportReport | ImportPreview, lang: str | None = None) -> str:
    """Plain text for the plan keeper (escape it before sending with parse_mode HTML)."""
    if isinstance(report, ImportPreview):
        lines = _render_preview(report, lang or "vi")
    else:
        lines = _render_import(report, lang or "vi")
    return "\n".join(lines)
