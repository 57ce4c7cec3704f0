"""Read a scorecard from a table as provincial scoring software exports it.

Columns are recognised by meaning, as for plans (their words differ from one
province's software to the next): code (STT / Mã / TCTP), criterion (Tiêu
chí / Lĩnh vực / Nội dung), max (Điểm tối đa / Điểm chuẩn), self-assessed
(Điểm tự đánh giá / Tự chấm), appraised (Điểm thẩm định / Điểm đánh giá),
points lost (Điểm bị trừ), reason (Lý do / Nguyên nhân), evidence (Tài liệu
kiểm chứng) and note (Ghi chú; read as the reason when no reason column).

Rows: a one-part code ("1", "I") is a field, deeper codes hang under the
nearest code above them that exists ("6.2.1" under field 6 when 6.2 is not
listed); a row without a code is a criterion of the current field, or a
sub-item of the current criterion when its title starts with "+". A row
whose title starts "Nhóm II" (or names SIPAS / điều tra xã hội học) opens
the survey group; a "Tổng" row carries the total. Rating and rank are read
from any text around the table ("Xếp loại: Tốt", "Vị thứ 31/141").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from plans.importing.grid import Cell, Grid
from plans.importing.header import header_key
from plans.par_index.model import Group, Level, Scorecard, ScoreItem
from plans.par_index.numbers import parse_points
from plans.par_index.validate import check
from plans.regex import lazy_compile
from plans.text import fold_spaces, strip_diacritics


class ScoreCol(StrEnum):
    CODE = "code"
    TITLE = "title"
    MAX = "max"
    SELF = "self"
    APPRAISED = "appraised"
    LOST = "lost"
    REASON = "reason"
    EVIDENCE = "evidence"
    NOTE = "note"


_RULES: list[tuple[ScoreCol, re.Pattern[str]]] = [
    (ScoreCol.EVIDENCE, lazy_compile(r"kiem chung|minh chung")),
    (ScoreCol.NOTE, lazy_compile(r"ghi chu")),
    (ScoreCol.REASON, lazy_compile(r"ly do|nguyen nhan|giai trinh")),
    (ScoreCol.LOST, lazy_compile(r"bi tru|diem tru|tru diem|mat diem")),
    (ScoreCol.MAX, lazy_compile(r"toi da|diem chuan|thang diem|diem max")),
    (ScoreCol.SELF, lazy_compile(r"tu danh gia|tu cham|tu dg|tdg")),
    (ScoreCol.APPRAISED, lazy_compile(r"tham dinh|diem danh gia|ket qua danh gia|diem dat|^diem$")),
    (ScoreCol.CODE, lazy_compile(r"^(tt|stt|so tt|ma|ma so|ma tieu chi|tctp|ma tctp|ky hieu)$")),
    (ScoreCol.TITLE, lazy_compile(r"tieu chi|linh vuc|noi dung|ten")),
]

_CODE_RE = lazy_compile(r"^(?:tctp\s*)?(\d{1,2}(?:\.\d{1,2}){0,3})\.?$", re.IGNORECASE)
_ROMAN_RE = lazy_compile(r"^[IVX]{1,4}\.?$")


def classify(text: str) -> ScoreCol | None:
    key = header_key(text)
    if not key or len(key) > 80:
        return None
    for col, pattern in _RULES:
        if pattern.search(key):
            return col
    return None


def find_layout(grid: Grid, max_scan: int = 30) -> tuple[int, dict[ScoreCol, int]] | None:
    """The header row (one or two rows) and the column of each meaning, or None.

    The first row must name the criterion and the max or a score; a second
    row (merged headers: "Điểm" over "Tự đánh giá" / "Thẩm định") may add
    the columns still missing.
    """
    for r in range(min(max_scan, len(grid.rows))):
        columns = _row_columns(grid.rows[r], {})
        if ScoreCol.TITLE not in columns:
            continue
        if not ({ScoreCol.MAX, ScoreCol.SELF, ScoreCol.APPRAISED} & set(columns)):
            continue
        second = False
        if r + 1 < len(grid.rows):
            extra = _row_columns(grid.rows[r + 1], columns)
            second = len(extra) > len(columns)
            columns = extra
        scores = {ScoreCol.SELF, ScoreCol.APPRAISED} & set(columns)
        if ScoreCol.MAX in columns and scores:
            return (r + (2 if second else 1)), columns
    return None


def _row_columns(row: list[Cell], known: dict[ScoreCol, int]) -> dict[ScoreCol, int]:
    columns = dict(known)
    for c, cell in enumerate(row):
        if re.search(r"\d{4}", cell.text):
            continue  # a title line with a year, not a header
        col = classify(cell.text)
        if col is not None and col not in columns and c not in columns.values():
            columns[col] = c
    return columns


def _code(text: str) -> str | None:
    text = fold_spaces(text)
    match = _CODE_RE.match(text)
    if match:
        return ".".join(str(int(p)) for p in match.group(1).split("."))
    if _ROMAN_RE.match(text):
        return text.rstrip(".")
    return None


def _folded(text: str) -> str:
    return strip_diacritics(text).lower()


def _is_group_row(title: str) -> Group | None:
    folded = _folded(title)
    if re.match(r"^nhom\s+(ii|2)\b", folded) or "dieu tra xa hoi hoc" in folded:
        return Group.SURVEY
    if re.match(r"^nhom\s+(i|1)\b", folded):
        return Group.SELF
    return None


def _is_total_row(title: str) -> bool:
    return bool(re.match(r"^(tong cong|tong diem|tong so diem|tong)\b", _folded(title)))


_RATING_RE = lazy_compile(r"xếp\s+loại\s*:?\s*([^,;()\n]+)", re.IGNORECASE)
_YEAR_RE = lazy_compile(r"năm\s+(20\d\d)", re.IGNORECASE)
_RANK_RE = lazy_compile(r"vị\s+thứ\s*:?\s*(\d{1,4})\s*/\s*(?:tổng\s*(?:số\s*)?)?(\d{1,4})", re.I)


def _meta(lines: Iterable[str]) -> tuple[str | None, int | None, int | None]:
    rating = rank = rank_of = None
    for line in lines:
        if rating is None and (m := _RATING_RE.search(line)):
            value = fold_spaces(m.group(1)).strip(" .")
            if len(value) <= 30:
                rating = value
        if rank is None and (m := _RANK_RE.search(line)):
            rank, rank_of = int(m.group(1)), int(m.group(2))
    return rating, rank, rank_of


def read_table(grids: list[Grid], lines: list[str], *, year: int | None) -> Scorecard | None:
    """A scorecard from the first grid with a score header, or None."""
    for grid in grids:
        found = find_layout(grid)
        if found is None:
            continue
        start, columns = found
        card = _read(grid, start, columns, year)
        if card is None:
            continue
        texts = list(lines) + list(grid.lines_before)
        texts += [cell.text for row in grid.rows for cell in row]
        card.rating, card.rank, card.rank_of = _meta(texts)
        if card.year is None:
            above = [c.text for row in grid.rows[:start] for c in row] + list(lines)
            card.year = next(
                (int(m.group(1)) for text in above if (m := _YEAR_RE.search(text))), None
            )
        card.warnings.extend(check(card))
        return card
    return None


def _read(
    grid: Grid, start: int, columns: dict[ScoreCol, int], year: int | None
) -> Scorecard | None:
    def cell(row: list[Cell], col: ScoreCol) -> str:
        index = columns.get(col)
        if index is None or index >= len(row):
            return ""
        value = row[index]
        return fold_spaces(value.text)

    def points(row: list[Cell], col: ScoreCol) -> Decimal | None:
        index = columns.get(col)
        if index is None or index >= len(row):
            return None
        value = row[index]
        return parse_points(value.value if isinstance(value.value, (int, float)) else value.text)

    items: list[ScoreItem] = []
    group = Group.SELF
    field: ScoreItem | None = None
    criterion: ScoreItem | None = None
    total: Decimal | None = None
    seen_rows: set[int] = set()
    for r in range(start, len(grid.rows)):
        row = grid.rows[r]
        origin = row[columns[ScoreCol.TITLE]].origin if columns[ScoreCol.TITLE] < len(row) else None
        if origin is not None and origin[0] != r and origin[0] in seen_rows:
            continue
        seen_rows.add(r)
        title = cell(row, ScoreCol.TITLE)
        raw_code = cell(row, ScoreCol.CODE)
        maximum = points(row, ScoreCol.MAX)
        self_score = points(row, ScoreCol.SELF)
        appraised = points(row, ScoreCol.APPRAISED)
        if not title and not raw_code:
            continue
        if _is_total_row(title):
            total = appraised if appraised is not None else self_score
            continue
        group_of_row = _is_group_row(title)
        if group_of_row is not None:
            group = group_of_row
            if maximum is None:
                field = criterion = None
                continue
        code = _code(raw_code)
        if code is None and maximum is None and self_score is None and appraised is None:
            continue  # a sub-header or a note row
        reason = cell(row, ScoreCol.REASON) or None
        note = cell(row, ScoreCol.NOTE) or None
        item = ScoreItem(
            Level.CRITERION,
            code,
            title.lstrip("+-–• ").strip(),
            maximum,
            self_score=self_score,
            appraised=appraised,
            lost=points(row, ScoreCol.LOST),
            reason=reason or note,
            group=group,
            evidence=cell(row, ScoreCol.EVIDENCE) or None,
            note=note if reason else None,
        )
        depth = len(code.split(".")) if code and "." in code else 1
        is_field = (code is not None and depth == 1) or group_of_row is not None
        if is_field:
            item.level = Level.FIELD
            item.reason = None
            field, criterion = item, None
        elif code is not None:
            ancestor = _ancestor(code, items)
            item.parent_code = ancestor or (field.code if field else None)
            parent = next((i for i in items if i.code == item.parent_code), None)
            if parent is not None and parent.level is not Level.FIELD:
                item.level = Level.SUB
            else:
                criterion = item
        elif title.startswith("+") and criterion is not None:
            item.level, item.parent_code = Level.SUB, criterion.code
        else:
            item.parent_code = field.code if field else None
            criterion = item
        items.append(item)
    if not any(i.score is not None for i in items):
        return None
    return Scorecard(
        year=year, total=total, rating=None, rank=None, rank_of=None, items=items, form="table"
    )


def _ancestor(code: str, items: list[ScoreItem]) -> str | None:
    known = {i.code for i in items if i.code}
    parts = code.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix in known:
            return prefix
    return None
