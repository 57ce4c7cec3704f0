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


def read_pdf_pages(data: bytes) -> list[list[str]]:
    """Lines of text of every page; raises for encrypted, broken or scanned files."""
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
        texts = [page.extract_text(orientations=(0,)) or "" for page in pages]
    except (EncryptedFileError, CorruptedFileError):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorruptedFileError(f"pdf: {exc}") from exc
    total = sum(len(text.strip()) for text in texts)
    if not texts or total < MIN_CHARS_PER_PAGE * len(texts):
        raise ScannedPdfError(f"{total} characters on {len(texts)} pages", pages=len(texts))
    return [text.splitlines() for text in texts]


def read_pdf(data: bytes) -> list[Para]:
    """Paragraphs of a PDF's text layer (source "trang N")."""
    return paragraphs_from_lines(read_pdf_pages(data))
