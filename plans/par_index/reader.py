"""Bytes in, :class:`Scorecard` out: a table form if the file has one, else the prose.

The same format checks as the plan importer (magic bytes, zip bombs,
encryption, legacy .doc/.xls) run first; their errors carry the same
catalog keys. Plain text (.txt) is read as prose or, when it has a score
header, as CSV.
"""

from __future__ import annotations

import hashlib
import logging

from plans.importing.detect import check_zip, sniff
from plans.importing.errors import (
    CorruptedFileError,
    EmptyDocumentError,
    FileTooLargeError,
    PlanImportError,
)
from plans.par_index.model import Scorecard
from plans.par_index.prose import _YEAR_RE, read_prose
from plans.par_index.table import read_table

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class NoScoresError(PlanImportError):
    """A readable document with neither a score table nor score sentences."""

    key = "par_index.error.no_scores"


def load_scores(
    data: bytes, filename: str, *, year: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Scorecard:
    """Read a scorecard; raises a :class:`PlanImportError` naming the file."""
    try:
        card = _load(data, filename, year, max_bytes)
    except PlanImportError as exc:
        exc.params.setdefault("filename", filename)
        raise
    card.source_name = filename
    card.source_sha256 = hashlib.sha256(data).hexdigest()
    return card


def _load(data: bytes, filename: str, year: int | None, max_bytes: int) -> Scorecard:
    if len(data) > max_bytes:
        raise FileTooLargeError(
            f"{len(data)} > {max_bytes}",
            size_mb=round(len(data) / 1048576, 1),
            limit_mb=round(max_bytes / 1048576, 1),
        )
    if not data.strip():
        raise EmptyDocumentError("no bytes")
    fmt = sniff(data, filename)
    lines: list[str] = []
    try:
        if fmt == "docx":
            from plans.importing.docx_reader import read_docx

            content = read_docx(check_zip(data))
            grids, lines = content.grids, list(content.lines)
        elif fmt == "xlsx":
            from plans.importing.xlsx_reader import read_xlsx

            grids = read_xlsx(data)
        else:
            from plans.importing.csv_reader import decode_text, read_csv

            grids = [read_csv(data)]
            lines = decode_text(data)[0].splitlines()
    except PlanImportError:
        raise
    except Exception as exc:  # a damaged file, not a bug
        log.warning("cannot read %s as %s", filename, fmt, exc_info=True)
        raise CorruptedFileError(f"{fmt}: {type(exc).__name__}: {exc}") from exc
    card = read_table(grids, lines, year=year or _year(lines))
    if card is None and lines:
        card = read_prose(lines, year=year)
        if card is not None and card.year is None:
            card.year = _year(lines)
    if card is None:
        raise NoScoresError("no scores")
    return card


def _year(lines: list[str]) -> int | None:
    for line in lines[:80]:
        lowered = line.lower()
        if "kết quả" in lowered or "điểm" in lowered:
            match = _YEAR_RE.search(line)
            if match:
                return int(match.group(1))
    return None
