"""Render the progress table as CSV: the plain-data fallback of the exports.

One header line, then for each field a line of its own (TT = "I", Nội dung =
the field title, other columns empty) followed by its task lines — the same
shape as the Word table, so a clerk who opens it in Excel sees the appendix
without the formatting. Title and summary are left out: a CSV is read by
programs too, and they want one table.

Semicolon-separated UTF-8 with a BOM: Vietnamese Windows uses the comma
as decimal mark, so Excel's list separator there is ";" — a comma-separated
file opens with every line in column A. Without the BOM Excel reads the file
as the Windows code page and turns "Văn phòng" into mojibake. (The .xlsx is
the file to open for reading and printing; this one is for programs and
quick copies.) Cells that Excel would run as
a formula (leading ``=``, ``+``, ``-``, ``@``) get a leading apostrophe, the
OWASP remedy for CSV injection: task texts come from chat input.
"""

from __future__ import annotations

import csv
import io

from locales import normalize_language
from plans.status_table import StatusTable, clean_text, column_labels, row_cells

BOM = "\ufeff"
DELIMITER = ";"
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Prefix an apostrophe to text Excel would evaluate as a formula."""
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def render_csv(table: StatusTable, lang: str = "vi") -> bytes:
    """Return the CSV bytes (";"-separated, UTF-8 with BOM, CRLF line ends) of ``table``."""
    lang = normalize_language(lang)
    labels = column_labels(lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel", delimiter=DELIMITER)  # CRLF, minimal quoting
    writer.writerow(labels)
    blanks = [""] * (len(labels) - 2)
    for section in table.sections:
        key = clean_text(section.key).strip().rstrip(".")
        writer.writerow([neutralize(key), neutralize(clean_text(section.title).strip()), *blanks])
        for row in section.rows:
            writer.writerow([neutralize(text) for text in row_cells(row, lang)])
    return (BOM + buffer.getvalue()).encode("utf-8")
