"""The district table as an .xlsx file: the rows ``GET /api/district`` shows, for a spreadsheet."""

from __future__ import annotations

import io
from typing import Any

from locales import t


def district_workbook(payload: dict[str, Any], lang: str) -> bytes:
    """One sheet, one row per commune, in the order of the payload (its figures as given)."""
    from openpyxl import Workbook  # ≈ 40 MiB: loads with the first download, not with the bot
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t("webapp.xlsx.sheet", lang)[:31]
    ws.append(
        [
            t(
                "webapp.xlsx.title",
                lang,
                name=payload["district"]["name"],
                date=payload["today_text"],
            )
        ]
    )
    ws["A1"].font = Font(bold=True, size=13)
    headers = [
        t(f"webapp.xlsx.col.{key}", lang)
        for key in (
            "name",
            "total",
            "done",
            "ratio",
            "on_track",
            "behind",
            "overdue",
            "not_started",
            "mean",
            "report",
        )
    ]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for c in payload["communes"]:
        ws.append(
            [
                c["name"],
                c["total"],
                c["done"],
                c["done_ratio"],
                c["on_track"],
                c["behind"],
                c["overdue"],
                c["not_started"],
                None if c["mean_percent"] is None else c["mean_percent"] / 100,
                c["report"]["text"],
            ]
        )
        row = ws.max_row
        ws.cell(row=row, column=4).number_format = "0.0%"
        ws.cell(row=row, column=9).number_format = "0.0%"
    widths = [28, 8, 8, 10, 10, 10, 9, 11, 10, 40]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
