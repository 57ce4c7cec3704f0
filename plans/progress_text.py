"""Read a progress report an officer typed in plain Vietnamese.

Officers answer a reminder the way they talk: "được 60%", "xong rồi",
"đã ban hành Kế hoạch số 15/KH-UBND ngày 14/02/2024", "đang thực hiện, dự
kiến xong cuối tháng". This module turns such a sentence into a
:class:`ProgressReading` (percent, status, output document, expected date)
that the bot echoes back for confirmation: it is a suggestion, never written
without the officer's "Đúng". Pure: no Telegram, no database.

Matching is done on a copy of the text folded to lower-case ASCII *of the
same length*, so positions found in the folded copy cut the original text
(with its diacritics) for display.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from plans.dates import parse_user_date

STATUS_IN_PROGRESS = "Đang thực hiện"
STATUS_ISSUED = "Đã ban hành"
STATUS_DONE = "Đã thực hiện"
STATUS_NOT_STARTED = "Chưa thực hiện"
STATUS_COMPLETED = "Hoàn thành"

# (folded pattern, status text); the first match wins, so negations come first.
_STATUSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bchua (thuc hien|trien khai|lam)\b"), STATUS_NOT_STARTED),
    (re.compile(r"\bdang (thuc hien|trien khai|lam|soan|xay dung)\b"), STATUS_IN_PROGRESS),
    (re.compile(r"\bda ban hanh\b"), STATUS_ISSUED),
    (re.compile(r"\bda (thuc hien|trien khai|to chuc)\b"), STATUS_DONE),
)
_DONE_STATUSES = frozenset({STATUS_ISSUED, STATUS_DONE})

_PERCENT_RE = re.compile(r"(-?\d{1,4})\s*(?:%|phan tram\b|percent\b)")
# "được 60", "đạt 80", "tiến độ 50": a bare number after these words is a percent
# (but not a date or document number such as "được 15/3" or "đạt 2/5 chỉ tiêu").
_BARE_PERCENT_RE = re.compile(r"\b(?:duoc|dat|tien do|khoang)\s+(-?\d{1,4})\b(?![/.,]\d)")
_DONE_WORD_RE = re.compile(r"\b(xong|hoan thanh|hoan tat|done|finished|completed)\b")
_NOT_DONE_BEFORE_RE = re.compile(r"\b(chua|sap|du kien|se|gan|khong|chua the|muon)\s*$")
_EXPECTED_RE = re.compile(
    r"\b(?:du kien|uoc|chac|khoang|se)\s*(?:se\s*)?(?:xong|hoan thanh|hoan tat)?\s*"
    r"(?:vao|trong|truoc|luc)?\s*(?:ngay\s)?"
)
_DOC_RE = re.compile(
    r"\b(ke hoach|quyet dinh|bao cao|cong van|thong bao|to trinh|nghi quyet|chi thi|"
    r"huong dan|van ban)\s+so\s+\d[\w/.\-]*(?:\s+ngay\s+\d{1,2}/\d{1,2}(?:/\d{2,4})?)?"
)
_CLAUSE_END_RE = re.compile(r"[,;.!?\n]")


@dataclass(frozen=True, slots=True)
class ProgressReading:
    """What the bot understood from one free-text reply (None where nothing was said)."""

    percent: int | None = None
    status_text: str | None = None
    output: str | None = None
    expected_date: date | None = None
    note: str | None = None

    @property
    def understood(self) -> bool:
        return any(
            v is not None for v in (self.percent, self.status_text, self.output, self.expected_date)
        )


def fold_same_length(text: str) -> str:
    """Lower-case ASCII copy of ``text`` with one character per original character."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0].lower()[:1] or ch
        out.append(base)
    return "".join(out)


def _percent(folded: str) -> int | None:
    match = _PERCENT_RE.search(folded) or _BARE_PERCENT_RE.search(folded)
    return int(match.group(1)) if match else None


def _says_done(folded: str) -> bool:
    for match in _DONE_WORD_RE.finditer(folded):
        if not _NOT_DONE_BEFORE_RE.search(folded[: match.start()]):
            return True
    return False


def _status(folded: str) -> str | None:
    for pattern, status in _STATUSES:
        if pattern.search(folded):
            return status
    return None


def _output(text: str, folded: str) -> str | None:
    match = _DOC_RE.search(folded)
    if match is None:
        return None
    found = text[match.start() : match.end()].strip().rstrip(".,;")
    return found[:1].upper() + found[1:]


def _expected(text: str, folded: str, today: date) -> date | None:
    for match in _EXPECTED_RE.finditer(folded):
        start = match.end()
        end_match = _CLAUSE_END_RE.search(folded, start)
        clause = text[start : end_match.start() if end_match else len(text)]
        words = clause.split()
        for size in range(min(len(words), 6), 0, -1):
            found = parse_user_date(" ".join(words[:size]), today)
            if found is not None:
                return found
    return None


def parse_progress_text(text: str, today: date) -> ProgressReading:
    """Read percent, status, output document and expected date from ``text``."""
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not text:
        return ProgressReading()
    folded = fold_same_length(text)
    percent = _percent(folded)
    status = _status(folded)
    expected = _expected(text, folded, today)
    done = _says_done(folded)
    if percent is None and done:
        percent = 100
    if percent is None and status in _DONE_STATUSES:
        percent = 100
    if percent is None and status == STATUS_NOT_STARTED:
        percent = 0
    if status is None and percent == 100 and done:
        status = STATUS_COMPLETED
    return ProgressReading(
        percent=percent,
        status_text=status,
        output=_output(text, folded),
        expected_date=expected,
        note=text,
    )
