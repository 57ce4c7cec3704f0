"""Small readers for cell values: row numbers, Roman numerals, percents."""

from __future__ import annotations

import re

from plans.importing.grid import Cell
from plans.regex import lazy_compile
from plans.text import ascii_key

_ROMAN = lazy_compile(r"^(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ARABIC = lazy_compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[.):]?$")
_LETTER = lazy_compile(r"^([a-zđ])\s*[.)]$")
_ROMAN_PREFIX = lazy_compile(r"^(?:PHẦN\s+)?([IVXLC]{1,6})\s*[.):\-–]\s*(.+)$", re.S)
_ARABIC_PREFIX = lazy_compile(r"^(\d{1,2})\s*[.)]\s+(.+)$", re.S)

DONE_WORDS = (
    "hoan thanh",
    "da hoan thanh",
    "da thuc hien",
    "da ban hanh",
    "da trien khai",
    "xong",
    "dat",
)
NOT_STARTED_WORDS = ("chua thuc hien", "chua trien khai", "chua ban hanh", "chua hoan thanh")


def is_roman(text: str) -> bool:
    return bool(text) and bool(_ROMAN.match(text))


def roman_value(text: str) -> int:
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN_VALUES[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total


def to_roman(number: int) -> str:
    pairs = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for value, letters in pairs:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def parse_code(text: str) -> tuple[str, str] | None:
    """("roman", "II") / ("arabic", "2.1.1") / ("letter", "a") or None for no number."""
    raw = (text or "").strip().rstrip(".").strip()
    if not raw:
        return None
    stripped = raw.rstrip(".):").strip()
    if is_roman(stripped) and roman_value(stripped) < 40:  # "C." or "D." is no field number
        return "roman", stripped
    m = _ARABIC.match(raw)
    if m:
        return "arabic", m.group(1)
    m = _LETTER.match(text.strip().lower())
    if m:
        return "letter", m.group(1)
    return None


def split_numbered_title(text: str) -> tuple[str | None, str]:
    """ "II. CẢI CÁCH THỂ CHẾ" → ("II", "CẢI CÁCH THỂ CHẾ"); no prefix → (None, text)."""
    text = (text or "").strip()
    m = _ROMAN_PREFIX.match(text)
    if m and is_roman(m.group(1)):
        return m.group(1), m.group(2).strip()
    m = _ARABIC_PREFIX.match(text)
    if m:
        return m.group(1), m.group(2).strip()
    return None, text


def is_upper_title(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


def status_percent(text: str) -> int | None:
    key = ascii_key(text or "").lower().strip(" .")
    if not key:
        return None
    if any(key.startswith(word) for word in NOT_STARTED_WORDS) or key == "chua":
        return 0
    if any(key == word or key.startswith(word + " ") for word in DONE_WORDS):
        return 100
    return None


_PERCENT_TEXT = lazy_compile(r"^(\d{1,3}(?:[.,]\d+)?)\s*%?$")


def parse_percent(cell: Cell | None) -> tuple[int | None, bool]:
    """(percent, understood): 50%, "50", 0.5 with a % format, status words."""
    if cell is None or not cell.text:
        return None, True
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if "%" in (cell.number_format or "") or (0 < number < 1):
            number *= 100
        if 0 <= number <= 100:
            return round(number), True
        return None, False
    text = cell.text.strip()
    m = _PERCENT_TEXT.match(text)
    if m:
        number = float(m.group(1).replace(",", "."))
        if 0 < number < 1 and "%" not in text:
            number *= 100
        if 0 <= number <= 100:
            return round(number), True
        return None, False
    words = status_percent(text)
    if words is not None:
        return words, True
    return None, False
