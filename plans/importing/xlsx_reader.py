"""Read every sheet of an .xlsx into grids, keeping typed values.

Numbers stay numbers (a percent cell 0.5 formatted ``0%`` must become 50,
not "0.5"), dates stay dates, merged ranges are spread over the grid. Sheets
with formatting on a million empty rows are cut at the last row with text.
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from plans.importing.errors import CorruptedFileError
from plans.importing.grid import Cell, Grid, apply_merge

if TYPE_CHECKING:  # openpyxl loads only when a sheet is read
    from openpyxl.worksheet.worksheet import Worksheet

MAX_ROWS = 20000
MAX_COLS = 60


def value_text(value: object) -> str:
    """Render a typed Excel value as the text a person sees in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def read_xlsx(data: bytes) -> list[Grid]:
    import openpyxl  # imported lazily: it costs ~100 ms at start-up

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns on unknown extensions
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types on bad input
        raise CorruptedFileError(f"xlsx: {type(exc).__name__}: {exc}") from exc
    grids: list[Grid] = []
    try:
        for sheet in workbook.worksheets:
            grids.append(_sheet_grid(sheet))
    finally:
        workbook.close()
    return grids


def _sheet_grid(sheet: Worksheet) -> Grid:
    max_row = min(sheet.max_row or 0, MAX_ROWS)
    max_col = min(sheet.max_column or 0, MAX_COLS)
    rows: list[list[Cell]] = []
    last_text_row = -1
    last_text_col = -1
    for r, xl_row in enumerate(
        sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col) if max_row else []
    ):
        row: list[Cell] = []
        for c, xl_cell in enumerate(xl_row):
            value = getattr(xl_cell, "value", None)
            text = value_text(value)
            fmt = getattr(xl_cell, "number_format", None)
            typed = value if isinstance(value, (int, float, date, datetime)) else None
            row.append(Cell(text, (r, c), typed, fmt))
            if text:
                last_text_col = max(last_text_col, c)
        if any(cell.text for cell in row):
            last_text_row = r
        rows.append(row)
    rows = [row[: last_text_col + 1] for row in rows[: last_text_row + 1]]
    grid = Grid(str(sheet.title), rows).normalize()
    for merged in sheet.merged_cells.ranges:
        r0, c0 = merged.min_row - 1, merged.min_col - 1
        r1, c1 = merged.max_row - 1, merged.max_col - 1
        if r0 < len(grid.rows) and c0 < grid.width:
            apply_merge(grid, r0, c0, r1, min(c1, grid.width - 1))
    return grid
