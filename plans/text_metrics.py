"""How wide a line of Times New Roman is, and how many lines a cell wraps into.

Excel and LibreOffice do not size a row to its wrapped text when the file
says nothing: LibreOffice opens the sheet with one-line rows and the texts
overlap; Excel auto-fits only some rows on load. So the .xlsx writer sets
every row height itself, from the number of lines each cell wraps into. The
same measure checks that a column header's longest word fits its column
(an English header broken as "Coordinatin g" is unreadable).

The widths are the Adobe Font Metrics of Times-Roman and Times-Bold that ship
with matplotlib (read with fontTools, both already dependencies). Times New
Roman and LibreOffice's Liberation Serif have the same advance widths, so the
estimate matches both programs. Vietnamese letters are measured as their base
letter (the tone and vowel marks sit above or below it); "ơ" and "ư" get a
little more for their horn.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import unicodedata
from pathlib import Path

from fontTools import afmLib
from fontTools.agl import UV2AGL

_AFM_FILES = {False: "ptmr8a.afm", True: "ptmb8a.afm"}  # Times-Roman, Times-Bold
_HORN_EXTRA = 0.08  # em added for the horn of ơ/ư
_FALLBACK_EM = 0.5  # a glyph the metrics lack: an average Times letter


@functools.cache
def _widths(bold: bool) -> dict[str, float]:
    """Character → advance width in em (1/1000 units in the AFM file)."""
    path = _mpl_data() / "fonts" / "afm" / _AFM_FILES[bold]
    afm = afmLib.AFM(str(path))
    widths: dict[str, float] = {}
    for code, name in UV2AGL.items():
        if afm.has_char(name):
            widths[chr(code)] = afm[name][1] / 1000
    return widths


def _mpl_data() -> Path:
    """matplotlib's data folder, found without importing matplotlib (≈ 60 MiB with numpy)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data"


@functools.cache
def char_em(ch: str, bold: bool = False) -> float:
    """Advance width of one character in em, Vietnamese letters by their base."""
    widths = _widths(bold)
    if ch in widths:
        return widths[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    if base in widths:
        extra = _HORN_EXTRA if "\u031b" in decomposed else 0.0
        return widths[base] + extra
    if ch in "đĐ":
        return widths.get("d" if ch == "đ" else "D", _FALLBACK_EM)
    if unicodedata.category(ch).startswith("M"):
        return 0.0
    return _FALLBACK_EM


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of ``text`` on one line, in points."""
    return sum(char_em(ch, bold) for ch in text) * size_pt


def wrap_lines(text: str, width_pt: float, size_pt: float, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt``, as a word processor does.

    Words go on the line while they fit; a word wider than the whole line is
    cut where it overflows (what Excel and LibreOffice do too). Hard line
    breaks in the text are kept.
    """
    space = text_width_pt(" ", size_pt, bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        current_w = 0.0
        for word in paragraph.split():
            w = text_width_pt(word, size_pt, bold)
            if current and current_w + space + w <= width_pt:
                current += " " + word
                current_w += space + w
                continue
            if current:
                lines.append(current)
            while w > width_pt and len(word) > 1:
                cut = _longest_prefix(word, width_pt, size_pt, bold)
                lines.append(word[:cut])
                word = word[cut:]
                w = text_width_pt(word, size_pt, bold)
            current, current_w = word, w
        lines.append(current)
    return lines


def _longest_prefix(word: str, width_pt: float, size_pt: float, bold: bool) -> int:
    total = 0.0
    for index, ch in enumerate(word):
        total += char_em(ch, bold) * size_pt
        if total > width_pt:
            return max(1, index)
    return len(word)


def line_count(text: str, width_pt: float, size_pt: float, bold: bool = False) -> int:
    """How many lines ``text`` wraps into (at least one)."""
    return max(1, len(wrap_lines(text, width_pt, size_pt, bold))) if text else 1


def longest_word_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of the widest word: a column narrower than this breaks a word."""
    return max((text_width_pt(w, size_pt, bold) for w in text.split()), default=0.0)


def excel_column_pt(width_chars: float) -> float:
    """Width in points of an Excel column of ``width_chars`` character units.

    Excel's unit is the width of a digit of the workbook's default font
    (Calibri 11: 7 px) plus 5 px of padding; 1 px = 0.75 pt at 96 dpi.
    """
    return math.trunc(width_chars * 7 + 5) * 0.75
