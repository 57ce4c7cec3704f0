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

import unicodedata
from dataclasses import dataclass
from datetime import date

from plans.dates import parse_user_date
from plans.regex import lazy_compile
from plans.understanding.figures import (
    TEXT_COMPLETED,
    TEXT_IN_PROGRESS,
    TEXT_ISSUED,
    TEXT_NOT_STARTED,
    read_figure,
)
from plans.understanding.fold import fold
from plans.understanding.outputs import find_outputs

STATUS_IN_PROGRESS = TEXT_IN_PROGRESS
STATUS_ISSUED = TEXT_ISSUED
STATUS_NOT_STARTED = TEXT_NOT_STARTED
STATUS_COMPLETED = TEXT_COMPLETED

_EXPECTED_RE = lazy_compile(
    r"\b(?:du kien|uoc|chac|khoang|se)\s*(?:se\s*)?(?:xong|hoan thanh|hoan tat)?\s*"
    r"(?:vao|trong|truoc|luc)?\s*(?:ngay\s)?"
)
_CLAUSE_END_RE = lazy_compile(r"[,;.!?\n]")


@dataclass(frozen=True, slots=True)
class ProgressReading:
    """What the bot understood from one free-text reply (None where nothing was said)."""

    percent: int | None = None
    status_text: str | None = None
    output: str | None = None
    expected_date: date | None = None
    note: str | None = None
    conflict: bool = False  # "đã xong 80%": a done word against a number below 100
    asks_figure: bool = False  # "gần xong": ask for the figure
    invalid: str | None = None  # "10000%": refused as typed

    @property
    def understood(self) -> bool:
        return (
            self.invalid is not None
            or self.asks_figure
            or any(
                v is not None
                for v in (self.percent, self.status_text, self.output, self.expected_date)
            )
        )


def fold_same_length(text: str) -> str:
    """Lower-case ASCII copy of ``text`` with one character per original character."""
    return fold(text)


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
    """Read percent, status, output document and expected date from ``text``.

    The figure and the output come from :mod:`plans.understanding` (one reading
    for the chat, ``/capnhat`` notes and ``parse-update``); a refused percent
    ("10000%") is kept in ``invalid`` and never replaced by another number.
    """
    text = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not text:
        return ProgressReading()
    folded = fold(text)
    figure = read_figure(folded)
    output = find_outputs(text, folded)
    percent, status = figure.percent, figure.status_text
    if output is not None and percent is None and status is None:
        percent = 100
    return ProgressReading(
        percent=percent,
        status_text=status,
        output=output,
        expected_date=_expected(text, folded, today),
        note=text,
        conflict=figure.conflict,
        asks_figure=figure.asks_figure,
        invalid=figure.invalid,
    )
