"""Text and ruled tables of a PDF plan (the signed file as published).

pypdf (pure Python, maintained) extracts each page's text layer quickly
enough for a 60-page plan in well under the 2-second budget; the lines are
glued back into paragraphs by ``paragraphs.paragraphs_from_lines`` and read
by the same prose rules as a .docx. A PDF whose pages carry (almost) no text
is a scan: there is nothing to read without OCR, and the clerk is told so.

Tables (a criteria appendix, a task table) are read with pdfplumber, which
finds ruled cells; it is several times slower than pypdf's text, so it runs
only when the text shows a table header ("TT Nội dung…").
"""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING

from plans.importing.errors import CorruptedFileError, EncryptedFileError, ScannedPdfError
from plans.importing.grid import Cell, Grid
from plans.importing.paragraphs import Para, paragraphs_from_lines
from plans.regex import lazy_compile

if TYPE_CHECKING:  # both load only when a PDF is read
    from pdfplumber.table import Table
    from pypdf import PageObject

log = logging.getLogger(__name__)

MAX_PAGES = 400
# Fewer characters than this per page on average: a scan (a stamp or a page number at most).
MIN_CHARS_PER_PAGE = 40


def _page_lines(page: PageObject) -> list[tuple[str, float | None]]:
    """The page's text lines with the height of each on the page (for paragraph gaps)."""
    lines: list[tuple[str, float | None]] = []
    current: list[str] = []
    y: float | None = None

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        nonlocal y
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                lines.append(("".join(current), y))
                current.clear()
                y = None
            if piece:
                current.append(piece)
                if y is None and piece.strip() and cm and tm:
                    y = cm[5] + tm[5] * cm[3]

    page.extract_text(orientations=(0,), visitor_text=visit)
    if current:
        lines.append(("".join(current), y))
    return lines


def read_pdf_pages(data: bytes) -> list[list[tuple[str, float | None]]]:
    """Lines of text (with their height) of every page; raises for encrypted, broken or scans."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")  # "no password" encryption: permissions only
            except Exception as exc:
                raise EncryptedFileError("pdf password") from exc
        pages = reader.pages
        if len(pages) > MAX_PAGES:
            raise CorruptedFileError(f"{len(pages)} pages")
        # Upright text only: a plan's body is never rotated, and skipping the
        # other orientations saves a fifth of the extraction time.
        lines = [_page_lines(page) for page in pages]
    except (EncryptedFileError, CorruptedFileError):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorruptedFileError(f"pdf: {exc}") from exc
    total = sum(len(text.strip()) for page in lines for text, _ in page)
    if not lines or total < MIN_CHARS_PER_PAGE * len(lines):
        raise ScannedPdfError(f"{total} characters on {len(lines)} pages", pages=len(lines))
    return lines


# A task table's header row in the text layer: "TT Nội dung…", "STT Lĩnh vực/Tiêu chí…".
_TABLE_HEADER_RE = lazy_compile(
    r"(?:^|\s)(?:S?TT|Số TT)\s+(?:Nội|Nhiệm|Lĩnh|Tên|Công|Tiêu|Chỉ|Mã|Lĩnh vực)", re.MULTILINE
)


def has_table_header(paragraphs: list[Para]) -> bool:
    """Whether the text shows a task table's header, worth the (slower) table reader."""
    return any(_TABLE_HEADER_RE.search(p.text) for p in paragraphs)


def read_pdf(data: bytes) -> list[Para]:
    """Paragraphs of a PDF's text layer (source "trang N")."""
    return paragraphs_from_lines(read_pdf_pages(data))


def read_pdf_tables(data: bytes) -> list[Grid]:
    """Ruled tables of a PDF as grids (pdfplumber), merged cells rebuilt from cell boxes.

    pdfplumber reports a cell covered by a merge as ``None``; the box of the
    cell above tells a vertical merge (it reaches down into this row) from a
    horizontal one (the covered cell then copies its left neighbour).
    """
    import pdfplumber

    grids: list[Grid] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page_no, page in enumerate(pdf.pages, start=1):
                for table in page.find_tables():
                    grid = _table_grid(table, f"trang {page_no}, bảng {len(grids) + 1}")
                    if grid.rows:
                        grids.append(grid)
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        log.warning("pdfplumber could not read the tables: %s", exc)
        return []
    return _join_pages(grids)


def _join_pages(grids: list[Grid]) -> list[Grid]:
    """One grid per table, not per page: consecutive grids of one width are one table.

    A table printed over many pages (its header repeated, or not, on each) must
    reach the assembler whole, or rows above a repeated header would be read as
    heading text; the assembler already skips repeated header rows.
    """
    joined: list[Grid] = []
    for grid in grids:
        if joined and joined[-1].width == grid.width:
            target = joined[-1]
            offset = len(target.rows)
            for row in grid.rows:
                target.rows.append(
                    [Cell(c.text, (c.origin[0] + offset, c.origin[1]), c.value) for c in row]
                )
        else:
            joined.append(grid)
    return joined


def _table_grid(table: Table, label: str) -> Grid:
    texts = table.extract()
    boxes = [row.cells for row in table.rows]
    rows: list[list[Cell]] = []
    for r, row in enumerate(texts):
        top = next((box[1] for box in boxes[r] if box is not None), None)
        out: list[Cell] = []
        for c, text in enumerate(row):
            if text is not None or boxes[r][c] is not None:
                out.append(Cell(" ".join((text or "").split()), (r, c)))
                continue
            origin: tuple[int, int] | None = None
            for above in range(r - 1, -1, -1):
                box = boxes[above][c] if c < len(boxes[above]) else None
                if box is not None:
                    if top is not None and box[3] > top + 1:
                        origin = rows[above][c].origin
                    break
                if c < len(rows[above]) and rows[above][c].origin[0] != above:
                    continue
            if origin is None and out:
                origin = out[-1].origin
            source = rows[origin[0]][origin[1]] if origin and origin[0] < r else None
            if origin is not None and origin[0] == r:
                source = out[origin[1]]
            out.append(Cell(source.text if source else "", origin or (r, c)))
        rows.append(out)
    return Grid(label, rows).normalize()
