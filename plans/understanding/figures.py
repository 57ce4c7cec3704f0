"""How far a task is: the percent and status an officer's words say.

One segment of a message (the part about one task) is read for, in order of
trust: a typed percent ("80%", "80 %", "80 phần trăm", "99,5%", "được 60"),
a percent in words ("tám mươi phần trăm"), a fraction ("được 3/4", "một
nửa", "hai phần ba"), then status words ("xong", "đã hoàn thành", "đã ban
hành", "đang làm", "chưa triển khai", "gần xong").

Rules (issue 11, defect 1): a number the person typed *is* the percent; a
status word never raises it. "Xong" with no number is 100%. A done word
next to a number below 100 ("đã xong 80%") is a contradiction the chat asks
about (``conflict``). "Gần xong" / "sắp xong" asks for the figure, offering
75% and 90%. Decimals follow :mod:`plans.numbers` (half up, never up to 100).
A percent outside 0..100 is kept as ``invalid`` text so the chat can refuse
it with an example: it is never re-read from the rest of the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plans.completion import DONE_ACTIVITY_RE, DONE_FINISHED_RE, DONE_ISSUED_RE
from plans.numbers import round_percent
from plans.regex import lazy_compile

__all__ = [
    "ALMOST_DONE_OFFERS",
    "DONE",
    "IN_PROGRESS",
    "NOT_STARTED",
    "Figure",
    "read_figure",
]

DONE = "done"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"

# Status texts written to the update (the words the appendix prints).
TEXT_IN_PROGRESS = "Đang thực hiện"
TEXT_ISSUED = "Đã ban hành"
TEXT_DONE = "Đã thực hiện"
TEXT_NOT_STARTED = "Chưa thực hiện"
TEXT_COMPLETED = "Hoàn thành"

ALMOST_DONE_OFFERS = (75, 90)

_NUM = r"(?<![\d.,/])(\d{1,6}(?:[.,]\d{1,2})?)(?![\d/])"
# "80%", "80 %", "80 phần trăm", "80 phan tram", "80pt", "80 percent"
_PERCENT_RE = lazy_compile(_NUM + r"\s*(?:%|phan\s*tram\b|pt\b|percent\b)")
# "được 60", "đạt 80", "tiến độ 50", "lên 70": a bare number after these words is a percent,
# but not a date, a fraction or a count of things ("được 15/3", "đạt 2/5 chỉ tiêu").
_COUNT_NOUNS = (
    r"can bo|phan anh|ho so|chi tieu|lan|cuoc|nguoi|ngay|thang|nam|van ban|bai|tin|buoi|luot"
    r"|thu tuc|tthc|ke hoach|bao cao|quyet dinh|cong van|xa|thon|hop|don|kien nghi|trang|file"
    r"|muc|nhiem vu|nv|viec|cai|so|ho|hs|dong|trieu|nghin|ngan|tr|k|h|gio|phut|tuan|quy"
    r"|nua|phan"
)
_BARE_RE = lazy_compile(
    r"\b(?:duoc|dat|tien do|khoang|len|xong|lam duoc|thuc hien duoc|tdo)\s*:?\s*"
    + _NUM
    + r"(?!\s*(?:"
    + _COUNT_NOUNS
    + r")\b)"
)
_FRACTION_RE = lazy_compile(
    r"\b(?:duoc|dat|khoang|lam duoc|xong|hoan thanh|thuc hien duoc|tien do)\s+(\d)\s*/\s*(\d{1,2})"
    r"(?![\d/])(?!\s*(?:" + _COUNT_NOUNS + r")\b)"
)
_FRACTION_WORDS = {
    "mot nua": 50,
    "1 nua": 50,
    "duoc nua": 50,
    "nua chang": 50,
    "nua duong": 50,
    "nua khoi luong": 50,
    "mot phan tu": 25,
    "mot phan ba": 33,
    "hai phan ba": 67,
    "ba phan tu": 75,
}
_FRACTION_WORDS_RE = lazy_compile(r"\b(" + "|".join(_FRACTION_WORDS) + r")\b")

_DIGIT_WORDS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_WORD = r"(?:khong|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|tram|linh|le)"
_WORDS_PERCENT_RE = lazy_compile(r"\b((?:" + _WORD + r"\s+)*" + _WORD + r")\s+phan\s*tram\b")

_NOT_STARTED_RE = lazy_compile(
    r"\b(?:chua|van chua|chua he)\s+(?:thuc hien|trien khai|lam|bat dau|co gi|lam gi|xu ly)\b"
)
_IN_PROGRESS_RE = lazy_compile(
    r"\b(?:dang|van dang|con dang)\s+(?:thuc hien|trien khai|lam|soan|xay dung|hoan thien|xu ly"
    r"|du thao|tong hop|chuan bi|to chuc)\b|\bchua (?:xong|hoan thanh|hoan tat)\b"
)
_ALMOST_RE = lazy_compile(
    r"\b(?:gan|sap|cung sap|gan nhu|chuan bi)\s+(?:xong|hoan thanh|hoan tat)\b"
)
_PLANNED_RE = lazy_compile(
    r"\b(?:du kien|se|uoc tinh|chac|hy vong|phan dau)\s+(?:se\s+)?(?:xong|hoan thanh|hoan tat)\b"
)
# The done words are plans.completion's (one list for the chat and for a stored status).
_ISSUED_RE = lazy_compile(r"\b" + DONE_ISSUED_RE + r"\b")
_ACTIVITY_RE = lazy_compile(r"\b" + DONE_ACTIVITY_RE + r"\b")
_DONE_WORD_RE = lazy_compile(r"\b" + DONE_FINISHED_RE + r"\b")
_NEGATED_BEFORE_RE = lazy_compile(
    r"\b(?:chua|sap|du kien|se|gan|khong|muon|chuan bi|gan nhu|cung sap|de|truoc khi|khi nao"
    r"|bao gio)\b\s*(?:\w+\s*)?$"
)
# "not done", "not yet finished": English negation, only before an English done word
# (folded, "nốt" is "not" too: "làm nốt xong" is done).
_NOT_BEFORE_ENGLISH_RE = lazy_compile(r"\bnot\s+(?:yet\s+)?(?:been\s+)?$")
_ENGLISH_DONE_WORDS = frozenset({"done", "completed", "finished", "issued"})


@dataclass(frozen=True, slots=True)
class Figure:
    """What one segment says about how far the task is (None where nothing was said)."""

    percent: int | None = None
    status: str | None = None
    status_text: str | None = None
    conflict: bool = False  # a done word next to a typed number below 100
    asks_figure: bool = False  # "gần xong": ask, offering ALMOST_DONE_OFFERS
    invalid: str | None = None  # a typed percent we refuse ("10000%", "-5%")
    planned: bool = False  # "dự kiến xong cuối tháng": about the task, but no figure yet

    @property
    def said_anything(self) -> bool:
        return (
            self.percent is not None
            or self.status is not None
            or self.asks_figure
            or self.invalid is not None
            or self.planned
        )


def _words_value(words: str) -> int | None:
    """Vietnamese number words 0..100 ("tám mươi lăm" → 85, "một trăm" → 100)."""
    tokens = words.split()
    if not tokens:
        return None
    if tokens[-2:] == ["mot", "tram"] or tokens == ["tram"]:
        return 100 if len(tokens) <= 2 else None
    total = 0
    current: int | None = None
    seen_tens = False
    for token in tokens:
        if token == "muoi":
            if seen_tens:
                return None
            total = (current if current is not None else 1) * 10
            current = None
            seen_tens = True
        elif token in ("linh", "le"):
            continue
        elif token in _DIGIT_WORDS:
            if current is not None:
                return None
            current = _DIGIT_WORDS[token]
        else:
            return None
    value = total + (current or 0)
    return value if 0 <= value <= 100 else None


def _typed_percent(folded: str) -> tuple[int | None, str | None, int]:
    """(percent, invalid text, position) of the first typed percent in ``folded``."""
    for pattern in (_PERCENT_RE, _BARE_RE):
        match = pattern.search(folded)
        if match is None:
            continue
        raw = match.group(1)
        value = Decimal(raw.replace(",", "."))
        if value > 100:
            return None, raw + "%", match.start()
        return round_percent(value), None, match.start()
    for match in _WORDS_PERCENT_RE.finditer(folded):
        # Take the longest tail of the words that reads as a number ("được tám mươi").
        words = match.group(1).split()
        for start in range(len(words)):
            spoken = _words_value(" ".join(words[start:]))
            if spoken is not None:
                return spoken, None, match.start()
    return None, None, -1


def _fraction(folded: str) -> int | None:
    match = _FRACTION_RE.search(folded)
    if match is not None:
        top, bottom = int(match.group(1)), int(match.group(2))
        if 0 < top <= bottom <= 10:
            return round_percent(Decimal(100 * top) / Decimal(bottom))
    match = _FRACTION_WORDS_RE.search(folded)
    if match is not None:
        return _FRACTION_WORDS[match.group(1)]
    return None


def says_done(folded: str) -> bool:
    """A done word that is not negated or hoped for ("chưa xong", "dự kiến xong")."""
    for match in _DONE_WORD_RE.finditer(folded):
        before = folded[max(0, match.start() - 20) : match.start()]
        if _NEGATED_BEFORE_RE.search(before):
            continue
        if match.group() in _ENGLISH_DONE_WORDS and _NOT_BEFORE_ENGLISH_RE.search(before):
            continue
        return True
    return False


def read_figure(folded: str) -> Figure:
    """Read one folded segment (see the module docstring for the rules)."""
    percent, invalid, _ = _typed_percent(folded)
    fraction = False
    if percent is None and invalid is None:
        percent = _fraction(folded)
        fraction = percent is not None
    if invalid is not None:
        return Figure(invalid=invalid)
    not_started = _NOT_STARTED_RE.search(folded) is not None
    in_progress = _IN_PROGRESS_RE.search(folded) is not None
    almost = _ALMOST_RE.search(folded) is not None
    issued = _ISSUED_RE.search(folded) is not None
    activity = _ACTIVITY_RE.search(folded) is not None
    done = says_done(folded)

    if percent is not None:
        if percent == 100:
            text = TEXT_ISSUED if issued else (TEXT_COMPLETED if done else None)
            return Figure(percent, DONE, text)
        if percent == 0 and not (done or issued):
            return Figure(0, NOT_STARTED, TEXT_NOT_STARTED if not_started else None)
        if (done or issued) and not in_progress and not fraction:
            text = TEXT_ISSUED if issued else TEXT_COMPLETED
            return Figure(percent, DONE, text, conflict=True)
        return Figure(percent, IN_PROGRESS, TEXT_IN_PROGRESS if (in_progress or activity) else None)
    if not_started:
        return Figure(0, NOT_STARTED, TEXT_NOT_STARTED)
    if almost:
        return Figure(None, IN_PROGRESS, TEXT_IN_PROGRESS, asks_figure=True)
    if in_progress:
        return Figure(None, IN_PROGRESS, TEXT_IN_PROGRESS)
    if issued:
        return Figure(100, DONE, TEXT_ISSUED)
    if done:
        return Figure(100, DONE, TEXT_COMPLETED)
    if activity:
        return Figure(100, DONE, TEXT_DONE)
    return Figure(planned=_PLANNED_RE.search(folded) is not None)
