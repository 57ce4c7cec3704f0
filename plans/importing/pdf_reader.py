"""Text of a PDF plan (the signed file as published), page by page.

pypdf (pure Python, maintained) extracts each page's text layer quickly
enough for a 60-page plan in well under the 2-second budget; the lines are
glued back into paragraphs by ``paragraphs.paragraphs_from_lines`` and read
by the same prose rules as a .docx. A PDF whose pages carry (almost) no text
is a scan: there is nothing to read without OCR, and the clerk is told so.
"""

from __future__ import annotations

import io
import logging

from plans.importing.errors import CorruptedFileError, EncryptedFileError, ScannedPdfError
from plans.importing.paragraphs import Para, paragraphs_from_lines

log = logging.getLogger(__name__)

MAX_PAGES = 400
# Fewer characters than this per page on average: a scan (a stamp or a page number at most).
MIN_CHARS_PER_PAGE = 40


def _page_lines(page: object) -> list[tuple[str, float | None]]:
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

    page.extract_text(orientations=(0,), visitor_text=visit)  # type: ignore[attr-defined]
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


def read_pdf(data: bytes) -> list[Para]:
    """Paragraphs of a PDF's text layer (source "trang N")."""
    return paragraphs_from_lines(read_pdf_pages(data))
