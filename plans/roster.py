"""The staff roster the office already keeps, read into people the bot should know.

A commune keeps its list of staff as a spreadsheet: "Họ và tên", "Chức vụ",
"Bộ phận", sometimes a phone number and, rarely, a Telegram ID. Column names
vary ("Họ tên", "Chức danh", "Đơn vị", "SĐT", "Điện thoại/Zalo") and the table
often sits under a title, so the header is found by meaning in the first rows
of any sheet, not by position. Roles come from the job title:

* "Chủ tịch (UBND)" -> chairman; "Phó Chủ tịch" -> vice chairman. A chairman
  of another body ("Chủ tịch HĐND", "Chủ tịch UBMTTQ", "Chủ tịch Hội Nông
  dân") is not the commune's chairman: an officer.
* "Văn phòng - Thống kê" in the title, or a plain "công chức" title in the
  Văn phòng - Thống kê unit -> admin (the plan keeper).
* Anything else ("Công chức Tư pháp - Hộ tịch", "Kế toán", "cán bộ") -> officer.

Everything wrong with the file is collected and reported at once, row by
row, so the clerk fixes the sheet in one go; nothing is half-read.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from plans.errors import UserError
from plans.regex import lazy_compile
from plans.text import ascii_key, fold_spaces, nfc

log = logging.getLogger(__name__)

__all__ = [
    "CREATED",
    "UNCHANGED",
    "UPDATED",
    "Problem",
    "Roster",
    "RosterEntry",
    "RosterError",
    "read_roster",
    "role_for",
]

MAX_ROWS = 2000
HEADER_SCAN_ROWS = 15
ACCEPTED = (".xlsx", ".xlsm", ".csv")

ROLE_CHAIRMAN = "chairman"
ROLE_VICE_CHAIRMAN = "vice_chairman"
ROLE_ADMIN = "admin"
ROLE_OFFICER = "officer"

# What an import did with one row (``storage.roster_import.RosterLine.action``).
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix in the sheet: a catalog key and its parameters."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


class RosterError(UserError):
    """The roster cannot be imported; ``problems`` lists every reason (row by row)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        first = problems[0]
        super().__init__(first.key, **first.params)
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One person of the roster, values as written (NFC, single-spaced)."""

    row: int  # the row number the clerk sees in the sheet
    full_name: str
    title: str
    unit_text: str
    telegram_id: int | None
    phone: str | None
    role: str  # "chairman" / "vice_chairman" / "admin" / "officer"


@dataclass(frozen=True, slots=True)
class Roster:
    filename: str
    entries: tuple[RosterEntry, ...]


# --- header by meaning -------------------------------------------------------------

_COLUMN_PATTERNS: dict[str, re.Pattern[str]] = {
    "name": lazy_compile(
        r"^(?:ho\s*(?:va|,|&)?\s*ten|ho ten|ten|ten can bo|can bo|nguoi|ho va ten can bo)\b"
    ),
    "title": lazy_compile(r"\b(?:chuc vu|chuc danh|vi tri)\b"),
    "unit": lazy_compile(r"\b(?:bo phan|don vi|phong ban|noi cong tac|co quan)\b"),
    "telegram": lazy_compile(r"\b(?:telegram|tele|tg)\b"),
    "phone": lazy_compile(r"\b(?:dien thoai|sdt|so dt|dt|di dong|zalo|phone)\b"),
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return fold_spaces(nfc(str(value)))


def _header_columns(row: Sequence[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, text in enumerate(row):
        key = ascii_key(text).replace("-", " ").replace("/", " ")
        key = " ".join(key.split())
        if not key:
            continue
        # "Số điện thoại / Telegram" serves both: the values tell which is which
        for column in ("telegram", "phone", "title", "unit", "name"):
            if column not in found and _COLUMN_PATTERNS[column].search(key):
                found[column] = index
                if column in ("title", "unit", "name"):
                    break
    if "name" in found and ("title" in found or "unit" in found):
        return found
    return None


# --- roles -------------------------------------------------------------------------

_OTHER_BODY_RE = lazy_compile(
    r"\b(?:hdnd|hoi dong nhan dan|mttq|ubmttq|mat tran|hoi\s+\w+|cong doan|doan thanh nien|"
    r"hoi nong dan|hoi phu nu|hoi cuu chien binh|hoi nguoi cao tuoi)\b"
)
_VP_TK_RE = lazy_compile(r"\bvan phong\b.*\bthong ke\b|\bvp\s*tk\b")
_PLAIN_OFFICER_RE = lazy_compile(r"^(?:cong chuc|can bo|chuyen vien|nhan vien|cong chuc xa)$")


def _role_key(text: str) -> str:
    return " ".join(ascii_key(text).replace("-", " ").split())


def role_for(title: str, unit_text: str = "") -> str:
    """The bot role a job title means (see the module docstring)."""
    key = _role_key(title)
    if re.search(r"\bpho chu tich\b", key) and not _OTHER_BODY_RE.search(key):
        return ROLE_VICE_CHAIRMAN
    if re.search(r"\bchu tich\b", key) and not _OTHER_BODY_RE.search(key):
        return ROLE_CHAIRMAN
    if _VP_TK_RE.search(key):
        return ROLE_ADMIN
    if (not key or _PLAIN_OFFICER_RE.match(key)) and _VP_TK_RE.search(_role_key(unit_text)):
        return ROLE_ADMIN
    return ROLE_OFFICER


# --- reading the file -----------------------------------------------------------------


def _rows_of_csv(data: bytes) -> list[list[list[str]]]:
    # Excel's "Unicode text" is UTF-16 with a BOM; "CSV UTF-8" has a BOM; old Windows: cp1258
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1258")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError([Problem("roster.error.encoding")])
    if "\x00" in text:
        raise RosterError([Problem("roster.error.corrupted")])
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    return [rows]


def _rows_of_xlsx(data: bytes) -> list[list[list[str]]]:
    from openpyxl import load_workbook  # lazy: only for spreadsheets

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterError([Problem("roster.error.corrupted")])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        log.info("roster workbook unreadable: %s", exc)
        raise RosterError([Problem("roster.error.corrupted")]) from exc
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = []
            for values in sheet.iter_rows(values_only=True):
                rows.append([_cell(v) for v in values])
                if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                    break
            sheets.append(rows)
        return sheets
    finally:
        book.close()


def _value(row: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index]


_DIGITS_RE = lazy_compile(r"\d+")


def _split_contact(text: str) -> tuple[int | None, str | None, bool]:
    """(telegram id, phone, unreadable) from a cell that may hold either."""
    text = text.strip()
    if not text:
        return None, None, False
    compact = re.sub(r"[\s.\-()]", "", text)
    if compact.startswith("+84") or (compact.startswith("0") and compact.isdigit()):
        return None, text, False
    if compact.isdigit() and 5 <= len(compact) <= 15:
        return int(compact), None, False
    return None, None, True


def _entries(
    rows: list[list[str]], columns: dict[str, int], header_at: int
) -> tuple[list[RosterEntry], list[Problem]]:
    entries: list[RosterEntry] = []
    problems: list[Problem] = []
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        name = _value(row, columns.get("name"))
        title = _value(row, columns.get("title"))
        unit = _value(row, columns.get("unit"))
        tg_text = _value(row, columns.get("telegram"))
        phone_text = _value(row, columns.get("phone"))
        if not any((name, title, unit, tg_text, phone_text)):
            continue
        if not name:
            problems.append(Problem("roster.error.no_name", {"row": offset}))
            continue
        if len(entries) >= MAX_ROWS:
            problems.append(Problem("roster.error.too_many", {"limit": MAX_ROWS}))
            break
        telegram_id = None
        phone = None
        for text, column in ((tg_text, "telegram"), (phone_text, "phone")):
            tg, ph, bad = _split_contact(text)
            if bad and column == "telegram":
                problems.append(
                    Problem(
                        "roster.error.bad_telegram", {"row": offset, "name": name, "value": text}
                    )
                )
            elif bad:
                phone = phone or text  # a phone typed oddly is still the clerk's phone
            telegram_id = telegram_id or tg
            phone = phone or ph
        role = role_for(title, unit)
        if role == ROLE_OFFICER and not unit:
            problems.append(
                Problem("roster.error.officer_without_unit", {"row": offset, "name": name})
            )
            continue
        entries.append(RosterEntry(offset, name, title, unit, telegram_id, phone, role))
    return entries, problems


def _duplicates(entries: Iterable[RosterEntry]) -> list[Problem]:
    problems = []
    by_name: dict[str, RosterEntry] = {}
    by_tg: dict[int, RosterEntry] = {}
    for entry in entries:
        key = _role_key(entry.full_name)
        first = by_name.get(key)
        if first is not None and (
            first.telegram_id is None
            or entry.telegram_id is None
            or first.telegram_id == entry.telegram_id
        ):
            problems.append(
                Problem(
                    "roster.error.duplicate",
                    {"name": entry.full_name, "first": first.row, "row": entry.row},
                )
            )
        by_name.setdefault(key, entry)
        if entry.telegram_id is not None:
            other = by_tg.get(entry.telegram_id)
            if other is not None and _role_key(other.full_name) != key:
                problems.append(
                    Problem(
                        "roster.error.telegram_twice",
                        {"value": entry.telegram_id, "first": other.row, "row": entry.row},
                    )
                )
            by_tg.setdefault(entry.telegram_id, entry)
    return problems


def read_roster(data: bytes, filename: str) -> Roster:
    """Read a roster file; raise :class:`RosterError` listing every problem found."""
    name = filename.lower()
    if not name.endswith(ACCEPTED):
        if name.endswith((".xls", ".ods", ".doc", ".docx", ".pdf")):
            raise RosterError([Problem("roster.error.format", {"filename": filename})])
        raise RosterError([Problem("roster.error.format", {"filename": filename})])
    if not data.strip():
        raise RosterError([Problem("roster.error.empty", {"filename": filename})])
    sheets = _rows_of_csv(data) if name.endswith(".csv") else _rows_of_xlsx(data)
    for rows in sheets:
        for header_at, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            columns = _header_columns(row)
            if columns is None:
                continue
            if "title" not in columns:
                raise RosterError([Problem("roster.error.no_title_column", {"filename": filename})])
            entries, problems = _entries(rows, columns, header_at)
            problems += _duplicates(entries)
            if problems:
                raise RosterError(problems)
            if not entries:
                raise RosterError([Problem("roster.error.empty", {"filename": filename})])
            return Roster(filename, tuple(entries))
    raise RosterError([Problem("roster.error.no_header", {"filename": filename})])
