"""Body paragraphs of a plan written as prose, with the little layout that matters.

A prose plan's structure lives in its numbering ("II.", "1.1", "a)", "-")
and, when Word generated the numbers, in list formatting the text does not
show. ``Para`` keeps both so ``prose`` can read a .docx and the text of a PDF
with the same rules: from Word we know list kind/level, bold and heading
styles; from a PDF only the text (lines glued back into paragraphs here).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Para", "paragraphs_from_lines"]


@dataclass(frozen=True)
class Para:
    """One paragraph of running text (never a table cell)."""

    text: str
    source: str  # where a person finds it: "đoạn 12", "trang 3"
    list_kind: str | None = None  # "bullet" / "number": Word list formatting, marker not in text
    level: int = 0  # list indentation level (0 = outermost)
    bold: bool = False
    heading: int | None = None  # Word heading style level


# A line that starts a new paragraph in extracted PDF text: list markers and headings.
_STARTS_RE = re.compile(
    r"^(?:[-+–—•·▪●○◦*]\s|"
    r"(?:[IVXL]{1,5}|[A-Z])[.)]\s|"
    r"\d{1,2}(?:\.\d{1,2}){0,3}[.)]?\s|"
    r"[a-zđ][).]\s|"
    r"(?:Lưu ý|Nơi nhận|NƠI NHẬN|Ghi chú|PHẦN|Phần|NHÓM|Nhóm|Điều)\b)"
)
_ENDS_HEADING_RE = re.compile(r":$")
_PAGE_NUMBER_RE = re.compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.I)


def paragraphs_from_lines(pages: list[list[str]]) -> list[Para]:
    """Glue wrapped lines of extracted text (one list per page) back into paragraphs.

    A line starts a paragraph when it opens with a list marker or a heading
    number, or when the previous line stopped short of the right margin
    (shorter than most full lines of its page) and this one starts with a
    capital. Otherwise it continues the previous line: a paragraph wrapped by
    the page, or split across a page break. Bare page numbers are dropped.
    """
    paras: list[tuple[str, str]] = []
    prev_short = True
    for page_no, lines in enumerate(pages, start=1):
        clean = [" ".join(unicodedata.normalize("NFC", raw).split()) for raw in lines]
        clean = [line for line in clean if line and not _PAGE_NUMBER_RE.match(line)]
        lengths = sorted(len(line) for line in clean)
        # A "full" line: the length most wrapped lines reach on this page.
        full = lengths[int(len(lengths) * 0.8)] if lengths else 0
        for line in clean:
            source = f"trang {page_no}"
            starts = bool(_STARTS_RE.match(line))
            capital = line[:1].isupper()
            if not paras or starts or (capital and prev_short):
                paras.append((line, source))
            else:
                prev, prev_source = paras[-1]
                joiner = "" if prev.endswith(("-", "‐")) and not prev.endswith(" -") else " "
                paras[-1] = (prev + joiner + line, prev_source)
            prev_short = len(line) < 0.8 * full or bool(_ENDS_HEADING_RE.search(line))
    return [Para(text, source) for text, source in paras]
