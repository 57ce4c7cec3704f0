"""Hand-made progress tables for the renderer tests (no database, no completion rules).

One factory, so a field added to StatusTable or StatusRow is given in one
place instead of in every test file that needs a table to render.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from plans.calendar import PeriodKind, period
from plans.status_table import DoneCell, StatusRow, StatusSection, StatusTable


def done_cell(status_text: str, percent: int | None = None) -> DoneCell:
    """A "Đã thực hiện" cell that prints ``status_text`` as given."""
    return DoneCell(status_text, None, percent, percent == 100)


def status_row(n: int, content: str, percent: int | None, **overrides: Any) -> StatusRow:
    """Task ``n`` of a commune table; its done cell follows the percent unless given."""
    values: dict[str, Any] = {
        "ordinal": str(n),
        "content": content,
        "lead_units": "Văn phòng – Thống kê",
        "coordinating_units": "Các ban ngành liên quan",
        "deadline_text": "Tháng 01/2023",
        "done_cell": done_cell("Đã ban hành" if percent == 100 else "Đang thực hiện", percent),
        "output": "Kế hoạch",
        "percent": percent,
        "task_id": 100 + n,
    }
    values.update(overrides)
    return StatusRow(**values)


def status_table(
    rows: list[StatusRow] | None = None,
    *,
    sections: list[StatusSection] | None = None,
    **overrides: Any,
) -> StatusTable:
    """Vĩnh Khê's first-half 2024 table: ``rows`` as its one field, or ``sections`` whole."""
    if sections is None:
        sections = [StatusSection("I", "Công tác chỉ đạo, điều hành", rows or [])]
    values: dict[str, Any] = {
        "organization": "Vĩnh Khê",
        "organization_kind": "xã",
        "year": 2024,
        "period": period(PeriodKind.H1, 2024),
        "report_ref": None,
        "sections": sections,
        "generated_on": date(2024, 6, 3),
    }
    values.update(overrides)
    return StatusTable(**values)
