"""A searchable copy of what the officer typed.

Officers write with diacritics, without them, or half and half ("da xong
80%"); every pattern in this package is written once, in lower-case ASCII,
and searched in a folded copy *of the same length* as the original, so a
span found in the copy cuts the original text (with its diacritics) for
display and for the note that reaches the appendix.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["clean", "fold"]


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def fold(text: str) -> str:
    """Lower-case ASCII copy of ``text`` with exactly one character per original character."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def clean(text: str | None) -> str:
    """NFC, one space between words, no surrounding blanks: the text the officer meant."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())
