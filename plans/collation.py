"""Vietnamese alphabetical order, as a dictionary or a list of units sorts names.

Python sorts by code point: "Địa chính" (Đ is U+0110) lands after "Văn
phòng", and "Ủy ban" after "Xã đội". The Vietnamese alphabet is

    a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y

and the tones only break ties, in dictionary order: none, huyền (à), hỏi (ả),
ngã (ã), sắc (á), nặng (ạ). That is what ICU's ``vi`` collation does; PyICU
needs the ICU C library, so this key implements the same two levels (letters,
then tones, then case and the original text for a stable total order).
Letters outside the Vietnamese alphabet (f, j, w, z) sort where the Latin
alphabet puts them; digits and punctuation come before letters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar, overload

_T = TypeVar("_T")
# letters, tones, case-swapped text, the text itself
VietnameseKey = tuple[tuple[int, ...], tuple[int, ...], str, str]

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Combining tone marks → dictionary rank (0 = no tone).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_BASE = 1000  # letters after every digit and punctuation code point below this


def _split(ch: str) -> tuple[str, int]:
    """(letter without tone, tone rank) of one lower-case character."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def vietnamese_key(text: str) -> VietnameseKey:
    """Sort key putting ``text`` in Vietnamese alphabetical order."""
    nfc = unicodedata.normalize("NFC", " ".join(text.split()))
    primary: list[int] = []
    tones: list[int] = []
    for ch in nfc.casefold():
        letter, tone = _split(ch)
        rank = _RANK.get(letter)
        if rank is not None:
            primary.append(_LETTER_BASE + rank)
        elif ch == " ":
            primary.append(0)
        else:
            code = ord(letter[:1] or ch)
            primary.append(code if code < _LETTER_BASE else _LETTER_BASE + len(_ALPHABET) + code)
        tones.append(tone)
    return (tuple(primary), tuple(tones), nfc.swapcase(), nfc)


@overload
def sort_vietnamese(items: Iterable[str]) -> list[str]: ...
@overload
def sort_vietnamese(items: Iterable[_T], key: Callable[[_T], str]) -> list[_T]: ...
def sort_vietnamese(items: Iterable[_T], key: Callable[[_T], str] | None = None) -> list[_T]:
    """``items`` sorted by ``key(item)`` in Vietnamese alphabetical order."""
    if key is None:
        return sorted(items, key=lambda item: vietnamese_key(str(item)))
    return sorted(items, key=lambda item: vietnamese_key(key(item)))
