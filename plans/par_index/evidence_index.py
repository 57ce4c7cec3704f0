"""The evidence index for the self-assessment dossier (danh mục tài liệu kiểm chứng).

One row per piece of evidence, criterion by criterion in the scorecard's
order, and one row marked "chưa có" for each scored criterion that has none,
so the plan keeper sees the gaps in the same sheet. Rendered as .xlsx with
openpyxl: Times New Roman 13 like the other exports, header frozen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from locales import normalize_language, t

WIDTHS = (10, 50, 45, 14, 16, 24, 12)


@dataclass(frozen=True, slots=True)
class IndexRow:
    code: str
    title: str
    document: str | None  # file name or typed reference; None = no evidence yet
    kind: str | None  # "document" | "photo" | "reference" | "task_file"
    added_at: datetime | None
    added_by: str | None
    task_number: int | None
    file_id: str | None = None
    file_size: int | None = None


def render_evidence_xlsx(
    rows: list[IndexRow], *, org_name: str, year: int, tz: ZoneInfo, lang: str = "vi"
) -> bytes:
    # openpyxl (≈ 40 MiB) loads with the first sheet written, not with the bot.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.worksheet import Worksheet

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="Times New Roman", size=13)
    bold = Font(name="Times New Roman", size=13, bold=True)
    lang = normalize_language(lang)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one plain sheet
    sheet.title = t("par_index.evidence.sheet", lang)
    sheet.cell(1, 1, t("par_index.evidence.title", lang, org=org_name, year=year)).font = bold
    headers = [t(f"par_index.evidence.col.{name}", lang) for name in _COLUMNS]
    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(3, col, text)
        cell.font, cell.border = bold, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=4):
        values = [
            row.code,
            row.title,
            row.document or t("par_index.evidence.missing", lang),
            t(f"par_index.evidence.kind.{row.kind}", lang) if row.kind else "",
            row.added_at.astimezone(tz).strftime("%d/%m/%Y %H:%M") if row.added_at else "",
            row.added_by or "",
            row.task_number if row.task_number is not None else "",
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(r, col, value)
            cell.font, cell.border = font, border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + col)].width = width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_COLUMNS = ("code", "criterion", "document", "kind", "date", "who", "task")
