"""Text normalization for Vietnamese administrative names and phrases.

The same unit or deadline is spelled many ways across plans: old- and
new-style tone placement ("Văn hoá" / "Văn hóa"), four kinds of dash with or
without spaces, NBSP from Word, decomposed Unicode from PDFs, any case.
Everything that compares names goes through `match_key` (or `ascii_key` when
the user typed without diacritics), so those variants compare equal.
"""

from __future__ import annotations

import re
import unicodedata

from plans.regex import lazy_compile

__all__ = [
    "ascii_key",
    "fold_dashes",
    "fold_spaces",
    "match_key",
    "nfc",
    "normalize_tone_marks",
    "strip_diacritics",
]

# Dash-like characters seen in plans (hyphen-minus included so spacing is normalised too).
_DASH_CHARS = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_RE = lazy_compile(f"[{_DASH_CHARS}]")
# Whitespace incl. NBSP, figure/narrow spaces; zero-width characters are removed outright.
_SPACE_RE = lazy_compile(r"[\s\u00a0\u2007\u202f\u2000-\u200a\u3000]+")
_ZERO_WIDTH_RE = lazy_compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACED_DASH_RE = lazy_compile(r"[ ]*-[ ]*")

# Tone marks (combining, as found after NFD).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_MARKS = "\u0300-\u036f"
# Old style puts the tone on the second vowel of an open "oa", "oe", "uy" syllable
# ("hoá", "khoẻ", "thuỷ"); new style on the first ("hóa", "khỏe", "thủy"). Only open
# syllables differ (with a final consonant both styles agree: "hoàn", "khuyết"), and
# "qu" + y keeps the tone on y in both ("quý").
_OLD_OA_OE_RE = lazy_compile(f"([oO])([aAeE])([{_TONES}])(?![\\w{_MARKS}])")
_OLD_UY_RE = lazy_compile(f"(?<![qQ])([uU])([yY])([{_TONES}])(?![\\w{_MARKS}])")


def nfc(s: str) -> str:
    """Compose to NFC: PDFs and some keyboards hand us decomposed letters."""
    return unicodedata.normalize("NFC", s)


def fold_spaces(s: str) -> str:
    """Collapse every run of whitespace (NBSP, line breaks, tabs) to one space and strip."""
    s = _ZERO_WIDTH_RE.sub("", s)
    return _SPACE_RE.sub(" ", s).strip()


def _dash_spacing(match: re.Match[str]) -> str:
    text = match.string
    start, end = match.span()
    spaced = match.group(0) != "-"
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if not before or not after:
        # A leading/trailing dash (bullet, dangling wrap): keep one space on the inner side.
        return "- " if not before else " -"
    if spaced:
        return " - "
    # A tight dash between two words of which one has lowercase letters separates
    # names ("Văn phòng-Thống kê"); between abbreviations or digits it is part of a
    # token ("VP-TK", "HĐND-UBND", "15-3-2024", "35-CT/TU") and stays tight.
    left_word = re.search(r"(\w+)$", text[:start])
    right_word = re.match(r"\w+", text[end:])
    if left_word and right_word:
        lw, rw = left_word.group(1), right_word.group(0)
        if lw.isalpha() and rw.isalpha() and (not lw.isupper() or not rw.isupper()):
            return " - "
    return "-"


def fold_dashes(s: str) -> str:
    """Turn every dash variant into "-" and normalise the spaces around it.

    A dash with a space on either side becomes " - "; a tight dash between two
    ordinary words is spaced as well ("Văn phòng-Thống kê" -> "Văn phòng - Thống
    kê"); a tight dash between abbreviations or digits stays tight ("VP-TK",
    "2021-2025").
    """
    s = _DASH_RE.sub("-", s)
    s = _SPACE_RE.sub(" ", s)
    return _SPACED_DASH_RE.sub(_dash_spacing, s)


def normalize_tone_marks(s: str) -> str:
    """Move old-style tone marks to the new-style position ("hoá" -> "hóa", "thuỷ" -> "thủy")."""
    decomposed = unicodedata.normalize("NFD", s)
    decomposed = _OLD_OA_OE_RE.sub(r"\1\3\2", decomposed)
    decomposed = _OLD_UY_RE.sub(r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", decomposed)


def strip_diacritics(s: str) -> str:
    """Remove all accents, and map đ/Đ to d/D, so "Tư pháp" reads as "Tu phap"."""
    decomposed = unicodedata.normalize("NFD", s)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


_EDGE_PUNCT = " .,;:!?*_\"'`-•·+"


def match_key(s: str) -> str:
    """Canonical comparison key for names: equal keys mean "the same name".

    NFC, new-style tone marks, one dash character with no spaces around it,
    single spaces, no surrounding punctuation, casefolded. Not for display.
    """
    s = normalize_tone_marks(nfc(s))
    s = fold_spaces(_DASH_RE.sub("-", _ZERO_WIDTH_RE.sub("", s)))
    s = _SPACED_DASH_RE.sub("-", s)
    s = s.strip(_EDGE_PUNCT)
    return nfc(s.casefold())


def ascii_key(s: str) -> str:
    """`match_key` without diacritics, for users who type "tu phap" for "Tư pháp"."""
    return strip_diacritics(match_key(s))


def clip(text: str, limit: int) -> str:
    """Whitespace-folded ``text`` cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
