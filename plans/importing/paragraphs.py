"""Body paragraphs of a plan written as prose, with the little layout that matters.

A prose plan's structure lives in its numbering ("II.", "1.1", "a)", "-")
and, when Word generated the numbers, in list formatting the text does not
show. ``Para`` keeps both so ``prose`` can read a .docx and the text of a PDF
with the same rules: from Word we know list kind/level, bold and heading
styles; from a PDF only the text (lines glued back into paragraphs here).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from plans.regex import lazy_compile

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
_STARTS_RE = lazy_compile(
    r"^(?:[-+–—•·▪●○◦*]\s|"
    r"(?:[IVXL]{1,5}|[A-Z])[.)]\s|"
    r"\d{1,2}(?:\.\d{1,2}){0,3}[.)]?\s|"
    r"[a-zđ][).]\s|"
    r"(?:Lưu ý|Nơi nhận|NƠI NHẬN|Ghi chú|PHẦN|Phần|NHÓM|Nhóm|Điều)\b)"
)
_ENDS_HEADING_RE = lazy_compile(r":$")
_PAGE_NUMBER_RE = lazy_compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?$", re.I)


Line = str | tuple[str, float | None]  # text, or text and its height on the page


def _gap_breaks(heights: list[float | None]) -> list[bool | None]:
    """Per line: True after a taller-than-usual gap, False after a usual one, None unknown.

    Paragraph spacing shows as gaps larger than the page's line pitch; a page
    whose gaps are all alike (no spacing) says nothing, and the caller falls
    back on line lengths.
    """
    gaps: list[float | None] = [None]
    for before, after in itertools.pairwise(heights):
        gaps.append(before - after if before is not None and after is not None else None)
    positive = sorted(g for g in gaps if g is not None and g > 0.5)
    if len(positive) < 3:
        return [None] * len(heights)
    pitch = positive[len(positive) // 5]  # the usual line pitch: a low quantile
    if positive[-1] <= pitch * 1.15:
        return [None] * len(heights)
    return [None if g is None else (g > pitch * 1.15 or g < 0) for g in gaps]


def paragraphs_from_lines(pages: Sequence[Sequence[Line]]) -> list[Para]:
    """Glue wrapped lines of extracted text (one list per page) back into paragraphs.

    A line starts a paragraph when it opens with a list marker or a heading
    number, or when a larger gap than the line pitch stands before it
    (paragraph spacing, when the text layer gives heights), or else when the
    previous line stopped short of the right margin and this one starts with
    a capital. Otherwise it continues the previous line: a paragraph wrapped
    by the page, or split across a page break. Bare page numbers are dropped.
    """
    paras: list[tuple[str, str]] = []
    prev_short = True
    for page_no, raw_lines in enumerate(pages, start=1):
        items = [(line, None) if isinstance(line, str) else line for line in raw_lines]
        clean = [(" ".join(unicodedata.normalize("NFC", text).split()), y) for text, y in items]
        clean = [(text, y) for text, y in clean if text and not _PAGE_NUMBER_RE.match(text)]
        breaks = _gap_breaks([y for _, y in clean])
        lengths = sorted(len(text) for text, _ in clean)
        # A "full" line: the length most wrapped lines reach on this page.
        full = lengths[int(len(lengths) * 0.8)] if lengths else 0
        for (line, _), gap_break in zip(clean, breaks, strict=True):
            source = f"trang {page_no}"
            starts = bool(_STARTS_RE.match(line))
            capital = line[:1].isupper()
            if gap_break is None:
                new = starts or (capital and prev_short)
            else:
                new = starts or gap_break
            if not paras or new:
                paras.append((line, source))
            else:
                prev, prev_source = paras[-1]
                joiner = "" if prev.endswith(("-", "‐")) and not prev.endswith(" -") else " "
                paras[-1] = (prev + joiner + line, prev_source)
            prev_short = len(line) < 0.8 * full or bool(_ENDS_HEADING_RE.search(line))
    return [Para(text, source) for text, source in paras]
