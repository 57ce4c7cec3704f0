"""Read a CSV/TSV export: guess the encoding and the delimiter.

Offices export from Excel with semicolons (Vietnamese locale uses the comma
as decimal separator), in UTF-8 with or without BOM, or in Windows-1258
whose tone marks are combining characters (hence NFC afterwards).
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
from collections import Counter

from plans.importing.grid import Cell, Grid

log = logging.getLogger(__name__)

DELIMITERS = (";", ",", "\t", "|")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): UTF-8(-sig)/UTF-16 first, then cp1258, cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    for encoding in ("utf-8", "cp1258", "cp1252"):
        try:
            return unicodedata.normalize("NFC", data.decode(encoding)), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter giving the most consistent multi-column rows."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        multi = [n for n in counts if n > 1]
        if not multi:
            continue
        width, freq = Counter(multi).most_common(1)[0]
        score = freq * 10 + width + len(multi) / max(len(counts), 1)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(data: bytes, label: str = "csv") -> Grid:
    text, encoding = decode_text(data)
    text = unicodedata.normalize("NFC", text)
    delim = sniff_delimiter(text)
    log.debug("csv encoding=%s delimiter=%r", encoding, delim)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows = [
        [Cell(value.strip(), (r, c)) for c, value in enumerate(row)] for r, row in enumerate(reader)
    ]
    while rows and not any(cell.text for cell in rows[-1]):
        rows.pop()
    return Grid(label, rows).normalize()
