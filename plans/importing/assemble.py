"""Turn task-table rows into fields and tasks (the layout-free part).

Row rules, in order (each skipped row is recorded with a reason key):

* empty rows, repeated header rows and "(1) (2) (3)…" numbering rows are skipped;
* a row merged across the table, a Roman-numbered row ("I", "II."), or a
  row whose only text is its title (upper case, or starting "II.") starts a
  **field**; in a table
  with criterion codes ("1.1", "2.1.1") the one-level codes ("1.", "2.") are
  fields too (the PAR INDEX appendix layout);
* an Arabic-numbered row is a **task** candidate; its code is kept without the
  trailing dot ("1." → "1", "2.1." → "2.1");
* letter-numbered rows ("a)", "b)") under task "1" get codes "1.a", "1.b";
* a numbered row whose code has children ("2.1" before "2.1.1", "3.2" before
  "3.2.1") is a **group**, never a task, even when it names units: the
  children's ``parent_code``, kept with its title in ``ImportedPlan.groups``
  (reason ``importing.skip.group`` in the report); the units, deadline and
  monitoring body it names are handed down to children that name none;
* a task with no deadline takes the plan year's end, flagged
  ``deadline_assumed`` (one summary warning, not one per task);
* a row with no number that has content and a lead unit or a deadline is a
  task without a code (warning ``unnumbered_task``);
* any other row with text but no number continues the previous row (a cell
  split across a page break): its texts are appended to the same columns
  (warning ``row_merged``); with nothing before it, it is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plans.deadlines import parse_deadline
from plans.importing.grid import Cell, Grid
from plans.importing.header import (
    Col,
    Layout,
    find_header,
    is_numbering_row,
    is_repeated_header,
    is_subheader,
)
from plans.importing.model import (
    ImportedField,
    ImportedGroup,
    ImportedTask,
    ImportWarning,
    SkippedRow,
)
from plans.importing.prose import year_end_deadline
from plans.importing.values import (
    is_roman,
    is_upper_title,
    parse_code,
    parse_percent,
    split_numbered_title,
    status_percent,
    to_roman,
)
from plans.regex import lazy_compile
from plans.units import display_name, split_unit_cell

_CRITERION_RE = lazy_compile(r"^\d+(?:\.\d+)+$")

DATA_COLS = (
    Col.LEAD,
    Col.COORDINATING,
    Col.DEADLINE,
    Col.TARGET,
    Col.PRODUCT,
    Col.PERCENT,
    Col.STATUS,
    Col.OUTPUT,
)
# Vertically merged cells apply to every row they cover — except these.
NO_VERTICAL_COPY = (Col.CODE, Col.CONTENT, Col.PERCENT)


@dataclass
class TaskTable:
    grid: Grid
    layout: Layout
    start: int  # first data row


def select_tables(grids: list[Grid]) -> tuple[list[TaskTable], list[Grid]]:
    """Task tables (own header, or continuing the previous layout) vs the rest."""
    tables: list[TaskTable] = []
    others: list[Grid] = []
    layout: Layout | None = None
    for grid in grids:
        if not grid.rows:
            continue
        found = find_header(grid)
        if found is not None:
            r, layout = found
            tables.append(TaskTable(grid, layout, r + layout.header_rows))
        elif layout is not None and grid.width == layout.width and grid.width >= 3:
            tables.append(TaskTable(grid, layout, 0))
        else:
            others.append(grid)
    return tables, others


@dataclass
class _Row:
    index: int  # row number inside its grid (0-based)
    source: str
    values: dict[Col, str]
    cells: dict[Col, Cell]
    code: tuple[str, str] | None
    own_texts: list[str]
    merged_title: str | None


@dataclass
class _Candidate:
    row: _Row
    field_index: int
    code: str | None
    values: dict[Col, str]
    merged: int = 0

    def has_data(self) -> bool:
        return any(self.values.get(c) for c in DATA_COLS)


@dataclass
class _FieldDraft:
    key: str
    title: str
    items: list[_Candidate] = field(default_factory=list)
    monitoring: str | None = None  # "Cơ quan theo dõi" written on the field row


def _read_row(table: TaskTable, r: int) -> _Row:
    grid, layout = table.grid, table.layout
    row = grid.rows[r]
    values: dict[Col, str] = {}
    cells: dict[Col, Cell] = {}
    for col, c in layout.columns.items():
        if c >= len(row):
            continue
        cell = row[c]
        if cell.is_horizontal_copy(r, c):
            continue
        if cell.is_vertical_copy(r) and col in NO_VERTICAL_COPY:
            continue
        if cell.text:
            values[col] = cell.text
            cells[col] = cell
    own: dict[tuple[int, int], str] = {}
    for cell in row:
        if cell.text and cell.origin[0] == r:
            own.setdefault(cell.origin, cell.text)
    merged_title = None
    if len(own) == 1:
        ((origin, text),) = own.items()
        span = sum(1 for cell in row if cell.origin == origin)
        if span >= max(3, grid.width - 1) or span == grid.width > 1:
            merged_title = text
    code_text = values.get(Col.CODE, "")
    return _Row(
        index=r,
        source=f"{grid.label}:{r + 1}",
        values=values,
        cells=cells,
        code=parse_code(code_text),
        own_texts=list(own.values()),
        merged_title=merged_title,
    )


def assemble(
    tables: list[TaskTable], year: int | None
) -> tuple[list[ImportedField], list[ImportWarning], list[SkippedRow], list[ImportedGroup]]:
    warnings: list[ImportWarning] = []
    skipped: list[SkippedRow] = []
    rows: list[_Row] = []
    for table in tables:
        sub_header_at = -1
        for r in range(table.start, len(table.grid.rows)):
            row = _read_row(table, r)
            source, text = row.source, " | ".join(row.own_texts)[:200]
            if not row.own_texts:
                skipped.append(SkippedRow(source, "importing.skip.empty"))
            elif r == sub_header_at or is_repeated_header(table.grid, r, table.layout):
                skipped.append(SkippedRow(source, "importing.skip.header", text))
                if r + 1 < len(table.grid.rows) and is_subheader(table.grid, r):
                    sub_header_at = r + 1  # second row of a repeated two-row header
            elif is_numbering_row(table.grid, r):
                skipped.append(SkippedRow(source, "importing.skip.numbering", text))
            else:
                rows.append(row)
    hierarchical = any(row.code and row.code[0] == "arabic" and "." in row.code[1] for row in rows)

    drafts: list[_FieldDraft] = []
    by_title: dict[str, int] = {}
    last: _Candidate | None = None

    last_arabic: str | None = None

    def open_field(key: str | None, title: str, monitoring: str | None = None) -> None:
        nonlocal last, last_arabic
        last_arabic = None
        title = title.strip()
        if drafts and (key is None or drafts[-1].key == key) and drafts[-1].title == title:
            return  # the same field heading repeated on a continuation table
        drafts.append(_FieldDraft(key or to_roman(len(drafts) + 1), title, monitoring=monitoring))
        by_title.setdefault(title.casefold(), len(drafts) - 1)
        last = None

    def current_field() -> int:
        if not drafts:
            drafts.append(_FieldDraft("", ""))
        return len(drafts) - 1

    for row in rows:
        content = row.values.get(Col.CONTENT, "")
        kind, code = row.code if row.code else (None, None)
        if row.merged_title is not None and kind in (None, "roman"):
            key, title = split_numbered_title(row.merged_title)
            open_field(key or code, title)
            continue
        if kind == "roman":
            open_field(code, content or row.merged_title or "", row.values.get(Col.MONITORING))
            continue
        if (
            kind == "arabic"
            and hierarchical
            and code
            and "." not in code
            and not _has_task_data(row)
        ):
            open_field(code, content, row.values.get(Col.MONITORING))
            continue
        if kind is None and len(row.own_texts) == 1 and not _has_task_data(row):
            key, title = split_numbered_title(row.own_texts[0])
            if is_upper_title(row.own_texts[0]) or (key is not None and is_roman(key)):
                open_field(key, title)
                continue
        if kind == "letter":
            # "a)", "b)" under task "1" become "1.a", "1.b": children of task 1.
            code = f"{last_arabic}.{code}" if last_arabic else code
        elif kind == "arabic":
            last_arabic = code
        field_name = row.values.get(Col.FIELD)
        if field_name:
            index = by_title.get(field_name.strip().casefold())
            if index is None:
                open_field(None, field_name)
                index = len(drafts) - 1
        else:
            index = current_field()
        if kind is not None:
            last = _Candidate(row, index, code, dict(row.values))
            drafts[index].items.append(last)
        elif content and (row.values.get(Col.LEAD) or row.values.get(Col.DEADLINE)):
            last = _Candidate(row, index, None, dict(row.values))
            drafts[index].items.append(last)
            warnings.append(
                ImportWarning(
                    "importing.warning.unnumbered_task", {"content": content[:80]}, row.source
                )
            )
        elif last is not None:
            for col, text in row.values.items():
                if col in (Col.CODE, Col.FIELD) or row.cells[col].is_vertical_copy(row.index):
                    continue
                before = last.values.get(col)
                last.values[col] = f"{before} {text}".strip() if before else text
            last.merged += 1
            warnings.append(
                ImportWarning(
                    "importing.warning.row_merged", {"code": last.code or "?"}, row.source
                )
            )
        else:
            skipped.append(
                SkippedRow(
                    row.source, "importing.skip.orphan_text", " | ".join(row.own_texts)[:200]
                )
            )

    return _finish(drafts, year, warnings, skipped)


def _has_task_data(row: _Row) -> bool:
    return any(
        row.values.get(c) for c in (Col.LEAD, Col.DEADLINE, Col.PERCENT, Col.STATUS, Col.OUTPUT)
    )


INHERITED = (Col.LEAD, Col.COORDINATING, Col.DEADLINE, Col.MONITORING)


def _finish(
    drafts: list[_FieldDraft],
    year: int | None,
    warnings: list[ImportWarning],
    skipped: list[SkippedRow],
) -> tuple[list[ImportedField], list[ImportWarning], list[SkippedRow], list[ImportedGroup]]:
    fields: list[ImportedField] = []
    groups: list[ImportedGroup] = []
    assumed = 0
    for ordinal, draft in enumerate((d for d in drafts if d.items or d.title), start=1):
        codes = [item.code for item in draft.items if item.code]
        seen_codes = set(codes)
        parents = {code.rsplit(".", 1)[0] for code in codes if "." in code}
        # Only criterion-style children ("3.2.1") make a group of their parent;
        # letter items ("1.a") under a task with data of its own leave it a task.
        groups_of = {code.rsplit(".", 1)[0] for code in codes if _CRITERION_RE.match(code)}
        fld = ImportedField(draft.key or to_roman(ordinal), ordinal, draft.title)
        used: set[str] = set()
        by_code = {item.code: item.values for item in draft.items if item.code}
        group_rows = {code: values for code, values in by_code.items() if code in groups_of}
        for item in draft.items:
            # Criterion groups name units, the monitoring body or a deadline once,
            # on the group row: children that name none inherit them.
            for col in INHERITED:
                if not item.values.get(col):
                    rows = by_code if col is Col.MONITORING else group_rows
                    inherited = _ancestor_value(item.code, rows, col)
                    if inherited is None and col is Col.MONITORING:
                        inherited = draft.monitoring
                    if inherited:
                        item.values[col] = inherited
            if item.code in groups_of or (item.code in parents and not item.has_data()):
                title = item.values.get(Col.CONTENT, "").strip()
                groups.append(
                    ImportedGroup(
                        fld.key,
                        item.code,
                        title,
                        _parent_of(item.code, seen_codes),
                        item.row.source,
                    )
                )
                reason = "importing.skip.group" if item.has_data() else "importing.skip.heading"
                skipped.append(SkippedRow(item.row.source, reason, title[:200]))
                continue
            task = _make_task(fld.key, item, seen_codes, year, warnings)
            assumed += task.deadline_assumed
            if task.code and task.code in used:
                warnings.append(
                    ImportWarning(
                        "importing.warning.duplicate_code",
                        {"code": task.code, "field": fld.key},
                        task.source_row,
                    )
                )
            if task.code:
                used.add(task.code)
            fld.tasks.append(task)
        fields.append(fld)
    if assumed and year:
        warnings.append(
            ImportWarning(
                "importing.warning.year_end_deadlines", {"count": assumed, "date": f"31/12/{year}"}
            )
        )
    return fields, warnings, skipped, groups


def _ancestor_value(code: str | None, rows: dict[str, dict[Col, str]], col: Col) -> str | None:
    while code and "." in code:
        code = code.rsplit(".", 1)[0]
        value = rows.get(code, {}).get(col)
        if value:
            return value
    return None


def _parent_of(code: str | None, seen: set[str]) -> str | None:
    while code and "." in code:
        code = code.rsplit(".", 1)[0]
        if code in seen:
            return code
    return None


def _make_task(
    field_key: str,
    item: _Candidate,
    seen: set[str],
    year: int | None,
    warnings: list[ImportWarning],
) -> ImportedTask:
    v = item.values
    src = item.row.source
    code = item.code
    label = code or v.get(Col.CONTENT, "")[:40]
    deadline_text = v.get(Col.DEADLINE, "").strip()
    deadline = parse_deadline(deadline_text, year)
    assumed = False
    if not deadline_text:
        if year:
            deadline, assumed = year_end_deadline(year), True
        else:
            warnings.append(
                ImportWarning(
                    "importing.warning.no_deadline", {"code": label, "field": field_key}, src
                )
            )
    elif str(deadline.kind) == "unknown":
        warnings.append(
            ImportWarning(
                "importing.warning.unknown_deadline",
                {"code": label, "field": field_key, "text": deadline_text},
                src,
            )
        )
    status = v.get(Col.STATUS) or None
    note = v.get(Col.NOTE) or None
    percent: int | None = None
    if Col.PERCENT in v:
        cell = item.row.cells.get(Col.PERCENT)
        if cell is not None and item.merged and cell.text != v[Col.PERCENT]:
            cell = Cell(v[Col.PERCENT])
        percent, understood = parse_percent(cell)
        if not understood:
            # Free text in the percent column is a remark ("chưa có thanh kiểm tra").
            note = f"{note}; {v[Col.PERCENT]}" if note else v[Col.PERCENT]
            warnings.append(
                ImportWarning(
                    "importing.warning.bad_percent",
                    {"code": label, "text": v[Col.PERCENT][:60]},
                    src,
                )
            )
    elif status:
        percent = status_percent(status)
    lead = split_unit_cell(v.get(Col.LEAD, ""))
    if not lead:
        warnings.append(
            ImportWarning("importing.warning.no_lead", {"code": label, "field": field_key}, src)
        )
    return ImportedTask(
        field_key=field_key,
        code=code,
        content=v.get(Col.CONTENT, ""),
        product=v.get(Col.PRODUCT) or None,
        lead_units=lead,
        coordinating_units=split_unit_cell(v.get(Col.COORDINATING, "")),
        monitoring_unit=display_name(v[Col.MONITORING]) if v.get(Col.MONITORING) else None,
        target=v.get(Col.TARGET) or None,
        deadline=deadline,
        percent=percent,
        status_text=status,
        output=v.get(Col.OUTPUT) or None,
        budget=v.get(Col.BUDGET) or None,
        note=note,
        parent_code=_parent_of(code, seen),
        source_row=src,
        criterion_codes=[code] if code and _CRITERION_RE.match(code) else [],
        deadline_assumed=assumed,
    )
