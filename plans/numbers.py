"""The one place where numbers typed by people are read.

Python's ``int()`` and ``str.isdigit()`` accept far more than a person
means: "²", "٣", "①" or full-width "５" pass ``isdigit()`` and then crash
``int()`` or become a number nobody typed. Every handler and CLI that reads
a task number, a percent or a count from user text goes through this module,
which accepts ASCII digits 0-9 only, and answers ``None`` for anything else
so the caller can reply politely instead of raising.

Percent rule (issue 11, defect 2). Vietnamese writes a decimal comma
("99,5%"); a dot ("99.5%") is accepted as well. Percents are stored as whole
numbers, so a decimal is rounded half up ("50,5" → 51, "33,4" → 33), except
that a value below 100 never rounds up to 100: only a typed 100 means done,
so "99,5%" is recorded as 99%. A percent outside 0..100, or text that is not
a plain number ("1.000", "5,5,5", "abc"), is refused: :func:`parse_percent`
returns ``None`` and the caller answers with an example. Nothing is ever
re-read from the rest of the message.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from plans.regex import lazy_compile

__all__ = [
    "MAX_TASK_NUMBER",
    "looks_numeric",
    "parse_count",
    "parse_percent",
    "parse_task_number",
    "round_percent",
]

# A plan has at most a few hundred tasks; 6 digits keeps anything absurd out of SQL.
MAX_TASK_NUMBER = 999_999

_INT_RE = lazy_compile(r"[0-9]+")
_PERCENT_RE = lazy_compile(r"(?P<whole>[0-9]{1,6})(?:[.,](?P<frac>[0-9]{1,2}))?\s*(?:%|phần trăm)?")


def parse_count(text: str | None, *, maximum: int | None = None) -> int | None:
    """A non-negative whole number written with ASCII digits only (else ``None``)."""
    if text is None:
        return None
    text = text.strip()
    if not _INT_RE.fullmatch(text):
        return None
    value = int(text)
    if maximum is not None and value > maximum:
        return None
    return value


def parse_task_number(text: str | None) -> int | None:
    """A task number as typed in a command: "10", "#10", "số10" → 10; "²", "0", "1e3" → None.

    Any size is returned (a huge number is simply a task that does not exist, which
    the caller says politely); only what is not a plain ASCII number is None.
    """
    if text is None:
        return None
    text = text.strip().lstrip("#")
    lowered = text.lower()
    for prefix in ("số", "so", "nv"):
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    value = parse_count(text) if len(text) <= 30 else None
    return value if value else None


def round_percent(value: Decimal) -> int:
    """Half up to a whole percent, but below 100 never becomes 100 (see module docstring)."""
    whole = int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole >= 100 and value < 100:
        return 99
    return whole


def parse_percent(text: str | None) -> int | None:
    """ "80", "80%", "80 %", "99,5%", "99.5" → a whole percent in 0..100; anything else None."""
    if text is None:
        return None
    match = _PERCENT_RE.fullmatch(text.strip().lower())
    if match is None:
        return None
    frac = match.group("frac")
    value = Decimal(f"{match.group('whole')}.{frac}" if frac else match.group("whole"))
    if value > 100:
        return None
    return round_percent(value)


def looks_numeric(text: str) -> bool:
    """Whether a word was meant as a number ("80%", "-5", "99,5", "²", "٣") rather than words.

    Used to decide that a word *is* the percent (and must then read cleanly),
    so "10000%" is refused instead of the next words being read for a figure.
    """
    stripped = text.strip().rstrip("%").lstrip("+-#")
    if not stripped:
        return False
    has_digit = False
    for ch in stripped:
        if ch in ".,":
            continue
        if unicodedata.numeric(ch, None) is None:
            return False
        has_digit = True
    return has_digit
