"""What came out of the work: the documents an officer names.

"đã ban hành KH số 20/KH-UBND ngày 05/3", "QĐ 12/QĐ-UBND", "báo cáo số
45/BC-UBND" are the task's output (Sản phẩm đầu ra) and go to that column
of the appendix, cut from the original text so the number and date read as
typed. Counts ("đã tiếp nhận và xử lý 4 phản ánh", "tập huấn cho 25 cán
bộ") are not outputs: they stay in the note, which reaches the appendix's
"Đã thực hiện" column.
"""

from __future__ import annotations

import re

from plans.regex import lazy_compile

__all__ = ["DOC_RE", "find_outputs"]

_DOC_WORD = (
    r"(?:ke hoach|quyet dinh|bao cao|cong van|thong bao|to trinh|nghi quyet|chi thi|huong dan"
    r"|van ban|bien ban|giay moi|chuong trinh|de an|kh|qd|bc|cv|tb|ttr|nq|ct|hd|vb|bb)"
)
# "20/KH-UBND", "896/UBND-NV", "12/2024/QĐ-UBND", "45/BC-UBND"
_DOC_NUMBER = r"\d{1,5}[a-z]?/[a-z0-9]+(?:[/\-][a-z0-9]+)*"
_DATE = (
    r"(?:\s*,?\s*(?:ngay|ng)\s*\d{1,2}\s*[/\-.]\s*\d{1,2}(?:\s*[/\-.]\s*\d{2,4})?"
    r"|\s*,?\s*ngay\s+\d{1,2}\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?)?"
)
DOC_RE = lazy_compile(
    r"\b"
    + _DOC_WORD
    + r"\s*(?:so\s*)?[:.]?\s*"
    + _DOC_NUMBER
    + _DATE
    + r"|\b"
    + _DOC_WORD
    + r"\s+so\s+\d{1,5}\b(?!\s*%)"
    + _DATE
    + r"|\bso\s+"
    + _DOC_NUMBER
    + _DATE
)
# "đã ban hành kế hoạch tuyên truyền năm 2024" (no number): the document named by its kind.
_ISSUED_KIND_RE = lazy_compile(r"\bban\s*hanh\s+(" + _DOC_WORD + r"\b[^,;.!?\n]*)")
_TRAILING = " ,.;:!?-"


def _cut(text: str, start: int, end: int) -> str:
    found = text[start:end].strip(_TRAILING)
    return found[:1].upper() + found[1:]


def find_outputs(text: str, folded: str) -> str | None:
    """The documents named in ``text`` (``folded`` is its :func:`fold` copy), "; "-joined."""
    found: list[str] = []
    for match in DOC_RE.finditer(folded):
        found.append(_cut(text, match.start(), match.end()))
    if not found:
        issued = _ISSUED_KIND_RE.search(folded)
        if issued is not None:
            start, end = issued.span(1)
            # Stop before a figure or a done word that follows in the same clause.
            tail = re.search(r"\s(?:\d|xong|roi|duoc|dat|hoan thanh)", folded[start:end])
            if tail is not None:
                end = start + tail.start()
            found.append(_cut(text, start, end))
    return "; ".join(found) if found else None
