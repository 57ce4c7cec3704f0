"""The common shape every reader produces: a rectangle of cells with merges.

Word tables, Excel sheets and CSV files disagree on everything except this:
rows of cells, some merged. Merged cells repeat their text in every covered
position and remember the top-left ``origin`` so later stages can tell a
field row merged across the table from a row that merely repeats a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Cell:
    """One grid position; ``origin`` is the (row, col) of its merge's top-left."""

    text: str = ""
    origin: tuple[int, int] = (-1, -1)
    value: float | date | None = None  # xlsx's typed value (a number, a date), else None
    number_format: str | None = None

    def is_vertical_copy(self, row: int) -> bool:
        return self.origin[0] != row

    def is_horizontal_copy(self, row: int, col: int) -> bool:
        return self.origin[0] == row and self.origin[1] != col


@dataclass
class Grid:
    """A table (docx), a sheet (xlsx) or the whole file (csv) as a cell matrix."""

    label: str  # "table 1", sheet name, "csv"
    rows: list[list[Cell]] = field(default_factory=list)
    lines_before: list[str] = field(default_factory=list)  # heading text seen above it

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def normalize(self) -> Grid:
        """Pad rows to the same width and fill missing origins."""
        width = self.width
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell.origin == (-1, -1):
                    cell.origin = (r, c)
            while len(row) < width:
                row.append(Cell("", (r, len(row))))
        return self


def grid_from_matrix(
    label: str,
    matrix: list[list[str]],
    merges: list[tuple[int, int, int, int]] | None = None,
) -> Grid:
    """Build a grid from plain text rows and (r0, c0, r1, c1) inclusive merges."""
    rows = [
        [Cell(text=str(v or "").strip(), origin=(r, c)) for c, v in enumerate(row)]
        for r, row in enumerate(matrix)
    ]
    grid = Grid(label, rows).normalize()
    for r0, c0, r1, c1 in merges or []:
        apply_merge(grid, r0, c0, r1, c1)
    return grid


def apply_merge(grid: Grid, r0: int, c0: int, r1: int, c1: int) -> None:
    """Copy the top-left cell's text over a merged range and mark its origin."""
    if r0 >= len(grid.rows):
        return
    top = grid.rows[r0][c0] if c0 < len(grid.rows[r0]) else Cell()
    for r in range(r0, min(r1, len(grid.rows) - 1) + 1):
        row = grid.rows[r]
        for c in range(c0, min(c1, len(row) - 1) + 1):
            if (r, c) == (r0, c0):
                continue
            row[c] = Cell(top.text, (r0, c0), top.value, top.number_format)
