"""Find a task table's header row(s) and what each column means.

Plans word their headers freely ("Bộ phận chủ trì", "Đơn vị thực hiện",
"Cơ quan chủ trì" under a merged "Cơ quan thực hiện"…) and order them as
they like, so columns are recognized by meaning: each header text is folded
to a diacritic-free key and matched against ordered rules (the order matters:
"Tỷ lệ hoàn thành nhiệm vụ" is a percent, not a content column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from plans.importing.grid import Grid
from plans.regex import lazy_compile
from plans.text import ascii_key


class Col(StrEnum):
    CODE = "code"
    CONTENT = "content"
    FIELD = "field"
    PRODUCT = "product"
    LEAD = "lead"
    COORDINATING = "coordinating"
    MONITORING = "monitoring"
    DEADLINE = "deadline"
    STATUS = "status"
    OUTPUT = "output"
    PERCENT = "percent"
    TARGET = "target"
    BUDGET = "budget"
    NOTE = "note"


_RULES: list[tuple[Col, re.Pattern[str]]] = [
    (Col.PERCENT, lazy_compile(r"^ty le|^tien do$|^muc do hoan thanh|^%$|^% ")),
    (Col.NOTE, lazy_compile(r"ghi chu")),
    (Col.BUDGET, lazy_compile(r"kinh phi|ngan sach|nguon von")),
    (
        Col.DEADLINE,
        lazy_compile(
            r"^(thoi gian|thoi han|han hoan thanh|han\b|ngay hoan thanh|moc)"
            r"|^tien do (thuc hien|hoan thanh)"  # in plans this column holds "Quý I/2024"
        ),
    ),
    (Col.OUTPUT, lazy_compile(r"san pham dau ra|ket qua dau ra|van ban dau ra")),
    (Col.COORDINATING, lazy_compile(r"phoi hop")),
    (Col.MONITORING, lazy_compile(r"theo doi|giam sat")),
    (
        Col.LEAD,
        lazy_compile(
            r"chu tri|(don vi|bo phan|co quan|can bo|nguoi) (thuc hien|phu trach|chiu trach nhiem)"
            r"|^(thuc hien|phu trach|trach nhiem)$|^(don vi|bo phan|co quan)$"
        ),
    ),
    (
        Col.STATUS,
        lazy_compile(
            r"^(da thuc hien|ket qua thuc hien|tinh hinh thuc hien|trang thai|ket qua trien khai)"
        ),
    ),
    (Col.PRODUCT, lazy_compile(r"san pham|^ket qua")),
    (Col.TARGET, lazy_compile(r"^chi tieu")),
    (Col.CODE, lazy_compile(r"^(tt|stt|so tt|so thu tu|ma|ma so|ma tieu chi|tctp|ma tctp|no)$")),
    (Col.CONTENT, lazy_compile(r"nhiem vu|noi dung|tieu chi|linh vuc|cong viec|^ten |giai phap")),
]

# A header must name what to do and at least one of these, or it is some
# other table (the statistics tables in progress reports have "Lĩnh vực").
_SUPPORTING = {Col.LEAD, Col.DEADLINE, Col.PRODUCT, Col.TARGET, Col.COORDINATING, Col.PERCENT}


@lru_cache(maxsize=8192)
def header_key(text: str) -> str:
    """Fold a header cell to lowercase ASCII words for rule matching."""
    key = ascii_key(text or "").lower().replace("đ", "d")
    key = key.replace("%", " % ")
    key = re.sub(r"[^a-z0-9%]+", " ", key)
    return re.sub(r"\s+", " ", key).strip()


@lru_cache(maxsize=8192)
def classify_header(text: str) -> Col | None:
    key = header_key(text)
    if not key or len(key) > 80:
        return None
    for col, pattern in _RULES:
        if pattern.search(key):
            return col
    return None


@dataclass
class Layout:
    """Which column holds which meaning; shared by continuation tables."""

    columns: dict[Col, int] = field(default_factory=dict)
    width: int = 0
    header_rows: int = 0
    signature: tuple[str, ...] = ()

    def get(self, col: Col) -> int | None:
        return self.columns.get(col)


def _row_concepts(grid: Grid, r: int) -> dict[int, Col | None]:
    row = grid.rows[r]
    return {c: classify_header(cell.text) for c, cell in enumerate(row)}


def _is_header_row(grid: Grid, r: int) -> bool:
    from plans.importing.values import parse_code

    if any(len(cell.text) > 80 or parse_code(cell.text) for cell in grid.rows[r]):
        return False  # data: a numbered row, or a long sentence
    concepts = _row_concepts(grid, r)
    found = {v for v in concepts.values() if v is not None}
    return Col.CONTENT in found and bool(found & _SUPPORTING) and len(found) >= 2


def find_header(grid: Grid, max_scan: int = 40) -> tuple[int, Layout] | None:
    """Locate the header in the first rows; return (first row index, layout)."""
    for r in range(min(max_scan, len(grid.rows))):
        if _is_header_row(grid, r):
            return r, build_layout(grid, r)
    return None


def build_layout(grid: Grid, r: int) -> Layout:
    """Map columns from header row ``r`` and an optional sub-header row below."""
    top = grid.rows[r]
    labels = [cell.text for cell in top]
    header_rows = 1
    if r + 1 < len(grid.rows) and is_subheader(grid, r):
        sub = grid.rows[r + 1]
        for c, cell in enumerate(sub):
            if cell.text and cell.origin[0] == r + 1 and classify_header(cell.text):
                labels[c] = cell.text
        header_rows = 2
    columns: dict[Col, int] = {}
    content_cols: list[int] = []
    for c, label in enumerate(labels):
        if top[c].is_horizontal_copy(r, c) and labels[c] == top[c].text and c > 0:
            # Same merged parent label as the column to its left: only counts
            # once, unless the sub-header gave this column its own label.
            continue
        col = classify_header(label)
        if col is None:
            continue
        if col == Col.CONTENT:
            content_cols.append(c)
        columns.setdefault(col, c)
    if len(content_cols) > 1:
        # "Lĩnh vực" beside "Nhiệm vụ": the first names the field of each row.
        for c in content_cols:
            if header_key(labels[c]) in ("linh vuc", "nhom", "nhom nhiem vu"):
                columns[Col.FIELD] = c
                columns[Col.CONTENT] = next(x for x in content_cols if x != c)
                break
    signature = tuple(header_key(x) for x in labels)
    return Layout(columns, grid.width, header_rows, signature)


def is_subheader(grid: Grid, r: int) -> bool:
    """Row r+1 labels sub-columns: only header words or copies of the row above."""
    top, sub = grid.rows[r], grid.rows[r + 1]
    recognized = 0
    spans = [sum(1 for other in top if other.origin == cell.origin) for cell in top]
    under_group = any(
        cell.text and cell.origin[0] == r + 1 and (not top[c].text or spans[c] > 1)
        for c, cell in enumerate(sub)
    )
    if not under_group:
        return False  # sub-labels only appear under a merged (or blank) group label
    for c, cell in enumerate(sub):
        if not cell.text:
            continue
        if cell.origin[0] <= r or cell.text == top[c].text:
            continue  # vertical merge from the header (TT, Nội dung…)
        if classify_header(cell.text) is None:
            return False
        recognized += 1
    return recognized > 0


def is_repeated_header(grid: Grid, r: int, layout: Layout) -> bool:
    """A header row repeated inside the data (page break, pasted tables)."""
    from plans.importing.values import parse_code

    code_col = layout.get(Col.CODE)
    row = grid.rows[r]
    if code_col is not None and code_col < len(row) and parse_code(row[code_col].text):
        return False  # numbered: data, and the common case, so decided cheaply
    labels = tuple(header_key(cell.text) for cell in grid.rows[r])
    if labels == layout.signature:
        return True
    return _is_header_row(grid, r)


_NUMBERING = lazy_compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$")


def is_numbering_row(grid: Grid, r: int) -> bool:
    """The "(1) (2) (3)…" row under some headers: column numbers, not data."""
    texts = [cell.text for c, cell in enumerate(grid.rows[r]) if cell.origin == (r, c)]
    filled = [t for t in texts if t]
    if len(filled) < 3 or len(filled) < len(texts) - 1:
        return False
    nums = []
    for text in filled:
        m = _NUMBERING.match(text.lower())
        if not m:
            return False
        nums.append(m.group(1))
    digits = [int(n) for n in nums if n.isdigit()]
    return len(digits) == len(nums) and digits == list(range(digits[0], digits[0] + len(digits)))
