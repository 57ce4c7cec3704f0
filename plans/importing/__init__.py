"""Import a CCHC plan's task table from .docx, .xlsx or .csv bytes.

Pure: bytes in, :class:`ImportedPlan` out, no database and no Telegram. Every
failure is a :class:`PlanImportError` whose ``key``/``params`` the caller
renders with ``t(err.key, lang, **err.params)``.

Pipeline: ``detect`` (magic bytes, zip-bomb and encryption checks) → a reader
(``docx_reader``/``xlsx_reader``/``csv_reader``) → grids → ``header`` (columns
by meaning) → ``assemble`` (fields, tasks, parents; row rules documented
there) and ``heading`` (number, date, issuer, year).

Plans written as prose (no task table) and PDF plans go through
``paragraphs`` → ``prose`` (numbered sections, items and bullets; rules
documented there). A .doc is converted by LibreOffice when installed
(``legacy``); a scanned PDF gets a polite message.

Not read: .xls/.odt, tables inside PDFs, tables
inside Word text boxes, headers/footers of the Word file, formulas without a
cached value in .xlsx (openpyxl's ``data_only`` gives None for them).
"""

from __future__ import annotations

import hashlib
import logging

from plans.importing.assemble import assemble, select_tables
from plans.importing.detect import check_zip, sniff
from plans.importing.errors import (
    CorruptedFileError,
    EmptyDocumentError,
    EncryptedFileError,
    FileTooLargeError,
    LegacyFormatError,
    NoTaskListError,
    NoTasksError,
    NoTaskTableError,
    PlanImportError,
    ScannedPdfError,
    UnsupportedFormatError,
    ZipBombError,
)
from plans.importing.grid import Grid
from plans.importing.heading import read_meta
from plans.importing.model import (
    ImportedField,
    ImportedPlan,
    ImportedTask,
    ImportWarning,
    PlanMeta,
    SkippedRow,
)
from plans.importing.paragraphs import Para
from plans.importing.prose import read_prose

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_MAX_HEADINGS_SHOWN = 8

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CorruptedFileError",
    "EmptyDocumentError",
    "EncryptedFileError",
    "FileTooLargeError",
    "ImportWarning",
    "ImportedField",
    "ImportedPlan",
    "ImportedTask",
    "LegacyFormatError",
    "NoTaskListError",
    "NoTaskTableError",
    "NoTasksError",
    "PlanImportError",
    "PlanMeta",
    "ScannedPdfError",
    "SkippedRow",
    "UnsupportedFormatError",
    "ZipBombError",
    "load_plan",
]


def _grid_lines(grid: Grid) -> list[str]:
    lines: list[str] = []
    for r, row in enumerate(grid.rows):
        seen: set[tuple[int, int]] = set()
        for cell in row:
            if cell.text and cell.origin[0] == r and cell.origin not in seen:
                seen.add(cell.origin)
                lines.extend(part.strip() for part in cell.text.splitlines() if part.strip())
    return lines


def load_plan(
    data: bytes,
    filename: str,
    *,
    year: int | None = None,
    organization: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ImportedPlan:
    """Read a plan document; format by magic bytes first, extension second.

    Raises a :class:`PlanImportError` subclass whose ``params`` always include
    ``filename`` (so every catalog message can name the file).
    """
    try:
        return _load(data, filename, year, organization, max_bytes)
    except PlanImportError as exc:
        exc.params.setdefault("filename", filename)
        raise


def _load(
    data: bytes, filename: str, year: int | None, organization: str | None, max_bytes: int
) -> ImportedPlan:
    if len(data) > max_bytes:
        raise FileTooLargeError(
            f"{len(data)} > {max_bytes}",
            size_mb=round(len(data) / 1048576, 1),
            limit_mb=round(max_bytes / 1048576, 1),
        )
    if not data.strip():
        raise EmptyDocumentError("no bytes", filename=filename)
    fmt = sniff(data, filename)
    lines: list[str] = []
    trailing: list[str] = []
    paragraphs: list[Para] = []
    source_format = fmt
    if fmt == "doc":
        from plans.importing.legacy import convert_doc

        data_read, fmt = convert_doc(data), "docx"
    else:
        data_read = data
    try:
        if fmt == "docx":
            from plans.importing.docx_reader import read_docx

            content = read_docx(check_zip(data_read))
            grids, lines, trailing = content.grids, list(content.lines), content.trailing
            paragraphs = content.paragraphs
        elif fmt == "pdf":
            from plans.importing.pdf_reader import has_table_header, read_pdf, read_pdf_tables

            paragraphs = read_pdf(data)
            lines = [p.text for p in paragraphs]
            grids = read_pdf_tables(data) if has_table_header(paragraphs) else []
            if grids:
                # The heading (number, date, issuer) is in the text above the table.
                grids[0].lines_before = lines[:40]
        elif fmt == "xlsx":
            from plans.importing.xlsx_reader import read_xlsx

            grids = read_xlsx(data)
        else:
            from plans.importing.csv_reader import read_csv

            grids = [read_csv(data)]
    except PlanImportError:
        raise
    except Exception as exc:  # damaged deflate streams, odd XML: a bad file, not a bug
        log.warning("cannot read %s as %s", filename, fmt, exc_info=True)
        raise CorruptedFileError(f"{fmt}: {type(exc).__name__}: {exc}") from exc
    if not lines and not any(cell.text for g in grids for row in g.rows for cell in row):
        raise EmptyDocumentError("no text", filename=filename)

    tables, others = select_tables(grids)
    if not tables:
        if paragraphs:
            return _load_prose(data, filename, source_format, paragraphs, lines, year, organization)
        raise NoTaskTableError("no task header", filename=filename)
    # Heading text in document order: paragraphs, other tables (the
    # two-column letterhead with "Số:" and the date), and rows above the
    # header inside a sheet (title, "Kèm theo…").
    heading_lines: list[str] = []
    other_ids = {id(grid) for grid in others}
    starts = {id(table.grid): table for table in tables}
    for grid in grids:
        heading_lines.extend(grid.lines_before)
        if id(grid) in other_ids:
            heading_lines.extend(_grid_lines(grid))
        elif id(grid) in starts:
            table = starts[id(grid)]
            above = table.start - table.layout.header_rows
            if above > 0:
                heading_lines.extend(_grid_lines(Grid(grid.label, grid.rows[:above])))
    heading_lines.extend(trailing)
    meta = read_meta(heading_lines, year=year, organization=organization)

    fields, warnings, skipped, groups = assemble(tables, meta.year)
    plan = ImportedPlan(
        meta=meta,
        fields=fields,
        groups=groups,
        warnings=warnings,
        skipped_rows=skipped,
        source_name=filename,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format=source_format,
    )
    if not plan.all_tasks():
        raise NoTasksError("task table without tasks", filename=filename)
    log.info(
        "imported %s: %d fields, %d tasks, %d warnings, %d skipped rows",
        filename,
        len(fields),
        len(plan.all_tasks()),
        len(warnings),
        len(skipped),
    )
    return plan


def _load_prose(
    data: bytes,
    filename: str,
    fmt: str,
    paragraphs: list[Para],
    lines: list[str],
    year: int | None,
    organization: str | None,
) -> ImportedPlan:
    """A plan without a task table: read its numbered sections (``prose``)."""
    meta = read_meta(lines[:40], year=year, organization=organization)
    result = read_prose(paragraphs, meta.year)
    plan = ImportedPlan(
        meta=meta,
        fields=result.fields,
        warnings=result.warnings,
        skipped_rows=result.skipped,
        source_name=filename,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format=fmt,
        layout="prose",
    )
    if not plan.all_tasks():
        shown = [h for h in result.headings if h][:_MAX_HEADINGS_SHOWN]
        more = len(result.headings) - len(shown)
        headings = "; ".join(f"“{h[:60]}”" for h in shown) + (f" (+{more})" if more > 0 else "")
        raise NoTaskListError("prose without a task section", headings=headings or "—")
    log.info(
        "imported prose %s: %d fields, %d tasks, %d skipped",
        filename,
        len(plan.fields),
        len(plan.all_tasks()),
        len(plan.skipped_rows),
    )
    return plan
