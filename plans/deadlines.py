"""The grammar of deadlines as written in plan tables ("Thời gian thực hiện").

Plans write deadlines as periods ("Tháng 1/2024", "Quý I/2024", "6 tháng đầu
năm", "Năm 2023"), as dates ("Trước 31/12/2023"), as recurring duties
("Thường xuyên", "Định kỳ", "Hằng quý") or as events ("Theo kế hoạch kiểm tra
của cấp trên"). dateparser reads none of the period forms correctly, so our own
grammar comes first and dateparser is consulted only for a clearly complete
date our grammar does not know. Anything doubtful is UNKNOWN (with the text
kept) rather than a silent guess.

Decisions, in one place:
- A period given without a day is due on its LAST day (month, quarter, half,
  9 months, year). "Cuối năm" -> 31/12; "Giữa năm" -> 30/6; "Đầu năm" -> 31/3
  (the end of the first reporting quarter: early-year work is reported then).
- "Trước <date>" is due on that date; "Trước <period>" ("trước tháng 6/2024",
  "trước quý III") is due on the day before the period starts.
- Lists and ranges ("Tháng 3-4/2024", "Quý I, II", "Từ tháng 1 đến tháng
  6/2024") are due at the end of the latest part; a year written once applies
  to the parts before it.
- A text with a recurring word is RECURRING even when it also names a date;
  that date ("Thường xuyên; báo cáo trước 10/12") becomes `due_date`, the
  dated milestone of the recurring duty. Without one, `due_date` is None.
- Month/quarter forms and "dd/mm" without a year take `year`; with neither,
  the deadline is UNKNOWN. Impossible dates ("31/2/2024", "tháng 13/2024",
  "Quý V") are UNKNOWN and never handed to dateparser.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from plans.text import fold_spaces, nfc, normalize_tone_marks, strip_diacritics

logger = logging.getLogger(__name__)

__all__ = ["Deadline", "DeadlineKind", "parse_deadline"]


class DeadlineKind(StrEnum):
    DATE = "date"
    RECURRING = "recurring"
    EVENT = "event"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Deadline:
    text: str  # original text, NFC, stripped
    kind: DeadlineKind
    due_date: date | None = None


class _Impossible(Exception):
    """The text has a deadline's shape but names a date that does not exist."""


class _NoYear(Exception):
    """A month/quarter/day-month form with no year in the text and none supplied."""


@dataclass(frozen=True, slots=True)
class _Span:
    start: date
    end: date
    point: bool = False  # a single day (so "trước X" means X itself)


_MIN_YEAR, _MAX_YEAR = 1990, 2100

_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ROMAN_OTHER = {"v", "vi", "vii", "viii", "ix", "x"}

# --- compiled once -----------------------------------------------------------------

_DASHES_RE = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_PUNCT_EDGE = " .,;:!?*_\"'`()[]{}-–"
_PARENS_RE = re.compile(r"\([^()]*\)")

_RECURRING_RE = re.compile(
    r"\b(?:thuong xuyen|dinh ky|lien tuc|"
    r"(?:hang|moi)\s+(?:ngay|tuan|thang|quy|nam|ky)|"
    r"\d+\s*(?:thang|quy|nam|tuan)\s*/\s*lan|lan\s*/\s*(?:thang|quy|nam|tuan))\b"
)
_EVENT_RE = re.compile(
    r"\b(?:theo\s+(?:ke hoach|yeu cau|chi dao|huong dan|quy dinh|lich|thong bao|tien do|"
    r"van ban|de nghi|cap tren)|khi\s+(?:co|duoc|phat sinh|can)|sau khi|phat sinh|"
    r"ngay sau khi|kip thoi)\b"
)

_PREFIX_RE = re.compile(
    r"^(?:truoc|han chot|thoi han|han|cham nhat(?:\s+la)?|den|toi|vao|du kien|"
    r"hoan thanh|trong|het|ket thuc|ngay)\b\s*"
)

_YEAR = r"(\d{4}|\d{2})"
_FULL_DATE_RE = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*" + _YEAR)
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDY_DATE_RE = re.compile(
    r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|/|,)\s*(\d{4}))?"
)
_DAY_MONTH_RE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})")
_MONTH_YEAR_RE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
_YEAR_RE = re.compile(
    r"(?:(?:trong|ca|het|cuoi)\s+)?(?:nam\s+|giai doan\s+)?(\d{4})"
    r"(?:\s*(?:-|den|toi)\s*(?:nam\s+)?(\d{4}))?"
)
_HALF_RE = re.compile(
    r"(?:(?:trong|het)\s+)?(6|sau|9|chin)\s+thang(?:\s+(dau|cuoi))?(?:\s+nam)?"
    r"(?:\s*(?:nam\s+|/\s*)?(\d{4}))?"
)
_HALF_WORD_RE = re.compile(r"nua\s+(dau|cuoi)\s+nam(?:\s*(?:nam\s+|/\s*)?(\d{4}))?")
_YEAR_PART_RE = re.compile(r"(cuoi|giua|dau)\s+nam(?:\s*(?:nam\s+|/\s*)?(\d{4}))?")
_LIST_HEAD_RE = re.compile(
    r"(?:tu\s+)?(?:(?:cuoi|trong|het)\s+)?(thang|quy|qui|t|q)\s*(?=[\divx])(.+)"
)
_LIST_TOKEN_RE = re.compile(r"\d+|[a-z]+|[/,&;+-]")
_LIST_WORDS = {"thang", "quy", "qui", "t", "q", "nam", "den", "toi", "va", "tu", "cuoi", "trong"}
_LIST_SEPARATORS = {",", "-", "&", ";", "+", "den", "toi", "va"}
_RANGE_SPLIT_RE = re.compile(r"\s+(?:-|den|toi|va)\s+(?:ngay\s+)?|(?<=\d)\s*-\s*(?=\d{1,2}/)")
_PART_SPLIT_RE = re.compile(r"[;\n]|,(?!\s*(?:\d|i{1,3}\b|iv\b))")


# --- helpers -----------------------------------------------------------------------


def _fold_key(text: str) -> str:
    """Lowercase, diacritic-free, single-spaced, dash-folded text for the grammar."""
    key = strip_diacritics(normalize_tone_marks(nfc(text))).lower()
    key = _DASHES_RE.sub("-", key).replace("*", " ")
    key = fold_spaces(key)
    return key.strip(_PUNCT_EDGE)


def _year4(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _Impossible(raw)
    return year


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _Impossible(f"{day}/{month}/{year}") from exc


def _month_span(year: int, month: int) -> _Span:
    if not 1 <= month <= 12:
        raise _Impossible(f"month {month}")
    last = calendar.monthrange(year, month)[1]
    return _Span(date(year, month, 1), date(year, month, last))


def _quarter_span(year: int, quarter: int) -> _Span:
    if not 1 <= quarter <= 4:
        raise _Impossible(f"quarter {quarter}")
    first = _month_span(year, quarter * 3 - 2)
    last = _month_span(year, quarter * 3)
    return _Span(first.start, last.end)


def _need_year(year: int | None) -> int:
    if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _NoYear
    return year


def _point(d: date) -> _Span:
    return _Span(d, d, point=True)


# --- the grammar -------------------------------------------------------------------


def _parse_list(key: str, year: int | None) -> _Span | None:
    """Months or quarters, alone or as lists/ranges: "tháng 3-4/2024", "quý I, II"."""
    head = _LIST_HEAD_RE.fullmatch(key)
    if not head:
        return None
    is_quarter = head.group(1) in ("quy", "qui", "q")
    tokens = _LIST_TOKEN_RE.findall(head.group(2))
    if "".join(tokens).replace(" ", "") != re.sub(r"\s+", "", head.group(2)):
        return None  # characters outside the grammar
    items: list[list[int | None]] = []  # [value, year]
    expect_year = False
    expect_item = True
    for tok in tokens:
        if tok == "/":
            if not items:
                return None
            expect_year = True
            continue
        if tok == "nam":
            if not items:
                return None
            expect_year = True
            continue
        if tok.isdigit() and (expect_year or len(tok) == 4):
            if not items:
                return None
            if len(tok) not in (2, 4):
                raise _Impossible(tok)
            y = _year4(tok)
            for item in items:
                if item[1] is None:
                    item[1] = y
            expect_year = False
            expect_item = False
            continue
        if expect_year:
            return None
        if tok in _LIST_SEPARATORS or tok in (
            "thang",
            "quy",
            "qui",
            "t",
            "q",
            "tu",
            "cuoi",
            "trong",
        ):
            if (tok in ("thang", "t") and is_quarter) or (
                tok in ("quy", "qui", "q") and not is_quarter
            ):
                return None
            expect_item = True
            continue
        if tok in _LIST_WORDS:
            continue
        value: int
        if tok.isdigit():
            value = int(tok)
        elif is_quarter and tok in _ROMAN_QUARTERS:
            value = _ROMAN_QUARTERS[tok]
        elif is_quarter and tok in _ROMAN_OTHER:
            raise _Impossible(tok)
        else:
            return None
        if not expect_item:
            return None
        items.append([value, None])
        expect_item = False
    if not items or expect_year:
        return None
    spans = []
    for value, item_year in items:
        y = item_year if item_year is not None else _need_year(year)
        assert value is not None
        spans.append(_quarter_span(y, value) if is_quarter else _month_span(y, value))
    return _Span(min(s.start for s in spans), max(s.end for s in spans))


def _parse_core(key: str, year: int | None) -> _Span | None:
    """One deadline expression without prefixes; None when no form matches."""
    if m := _FULL_DATE_RE.fullmatch(key):
        return _point(_make_date(_year4(m.group(4)), int(m.group(3)), int(m.group(1))))
    if m := _ISO_DATE_RE.fullmatch(key):
        return _point(_make_date(_year4(m.group(1)), int(m.group(2)), int(m.group(3))))
    if m := _WORDY_DATE_RE.fullmatch(key):
        y = _year4(m.group(3)) if m.group(3) else _need_year(year)
        return _point(_make_date(y, int(m.group(2)), int(m.group(1))))
    if m := _MONTH_YEAR_RE.fullmatch(key):
        return _month_span(_year4(m.group(2)), int(m.group(1)))
    if m := _DAY_MONTH_RE.fullmatch(key):
        return _point(_make_date(_need_year(year), int(m.group(2)), int(m.group(1))))
    if m := _YEAR_RE.fullmatch(key):
        first = _year4(m.group(1))
        last = _year4(m.group(2)) if m.group(2) else first
        if last < first:
            raise _Impossible(key)
        return _Span(date(first, 1, 1), date(last, 12, 31))
    if m := _HALF_RE.fullmatch(key):
        y = _year4(m.group(3)) if m.group(3) else _need_year(year)
        months = 6 if m.group(1) in ("6", "sau") else 9
        if months == 9:
            if m.group(2) == "cuoi":
                return _Span(date(y, 4, 1), date(y, 12, 31))
            return _Span(date(y, 1, 1), date(y, 9, 30))
        if m.group(2) == "cuoi":
            return _Span(date(y, 7, 1), date(y, 12, 31))
        return _Span(date(y, 1, 1), date(y, 6, 30))
    if m := _HALF_WORD_RE.fullmatch(key):
        y = _year4(m.group(2)) if m.group(2) else _need_year(year)
        if m.group(1) == "cuoi":
            return _Span(date(y, 7, 1), date(y, 12, 31))
        return _Span(date(y, 1, 1), date(y, 6, 30))
    if m := _YEAR_PART_RE.fullmatch(key):
        y = _year4(m.group(2)) if m.group(2) else _need_year(year)
        end = {"cuoi": date(y, 12, 31), "giua": date(y, 6, 30), "dau": date(y, 3, 31)}
        return _point(end[m.group(1)])
    return _parse_list(key, year)


def _parse_expression(key: str, year: int | None) -> _Span | None:
    """Strip deadline prefixes ("trước", "hạn", "chậm nhất ngày"), then parse the core."""
    before = False
    rest = key
    for _ in range(4):
        m = _PREFIX_RE.match(rest)
        if not m:
            break
        word = m.group(0).strip()
        # "ngày" only introduces a date ("ngày 30/6"), "cuối"/"trong" belong to the core.
        if word in ("trong", "het") and re.match(r"(?:trong|het)\s+(?:6|9|sau|chin|nam|nua)", rest):
            break
        if word == "ngay" and not re.match(r"ngay\s+\d", rest):
            break
        if word == "truoc":
            before = True
        rest = rest[m.end() :].strip(_PUNCT_EDGE)
    if not rest:
        return None
    span = _parse_core(rest, year)
    if span is None:
        return None
    if before and not span.point:
        day_before = span.start - timedelta(days=1)
        return _point(day_before)
    return span


def _parse_range(key: str, year: int | None) -> _Span | None:
    """Two dated ends: "Từ 01/01/2024 đến 31/3/2024", "15/1/2024 và 15/7/2024"."""
    pieces = _RANGE_SPLIT_RE.split(re.sub(r"^tu\s+", "", key))
    if len(pieces) < 2:
        return None
    spans: list[_Span | None] = []
    for piece in pieces:
        try:
            spans.append(_parse_expression(piece.strip(_PUNCT_EDGE), year))
        except _NoYear:
            spans.append(None)  # "1/3" before "31/5/2024": takes the later year
    if spans[-1] is None:
        return None
    later_year = spans[-1].end.year
    for i, piece in enumerate(pieces):
        if spans[i] is None:
            spans[i] = _parse_expression(piece.strip(_PUNCT_EDGE), later_year)
    if any(span is None for span in spans):
        return None
    ends = [span.end for span in spans if span is not None]
    return _Span(min(ends), max(ends))


def _find_dated_part(key: str, year: int | None) -> date | None:
    """The first date in a free phrase ("báo cáo trước 10/12"), trying each word as a start."""
    for part in _PART_SPLIT_RE.split(key):
        part = part.strip(_PUNCT_EDGE)
        if not part or (_RECURRING_RE.search(part) and not re.search(r"\d", part)):
            continue
        words = part.split(" ")
        for i in range(len(words)):
            candidate = " ".join(words[i:]).strip(_PUNCT_EDGE)
            try:
                span = _parse_expression(candidate, year)
            except (_Impossible, _NoYear):
                continue
            if span is not None:
                return span.end
    return None


def _dateparser_full_date(text: str, key: str) -> date | None:
    """Ask dateparser, but only about a complete date with a 4-digit year in the text."""
    years = re.findall(r"\b(\d{4})\b", key)
    if len(years) != 1 or re.search(r"\b(?:gio|h|phut|tuan|truoc|sau|nua|toi)\b|\d+h", key):
        return None
    import dateparser  # lazy: 75-230 ms to import

    settings = {
        "PREFER_DAY_OF_MONTH": "last",
        "RELATIVE_BASE": datetime(2000, 1, 1),
        "STRICT_PARSING": True,
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        parsed = dateparser.parse(text, languages=["vi", "en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        logger.debug("dateparser failed on %r", text, exc_info=True)
        return None
    if parsed is None or parsed.year != int(years[0]):
        return None
    return parsed.date()


def parse_deadline(text: str | None, year: int | None = None) -> Deadline:
    """Read a plan's deadline cell; `year` is the plan's year for forms that omit it."""
    original = nfc(text).strip() if text else ""
    if not original:
        return Deadline("", DeadlineKind.UNKNOWN)
    key = _fold_key(original)
    unknown = Deadline(original, DeadlineKind.UNKNOWN)
    if not key:
        return unknown

    for candidate in dict.fromkeys((key, _fold_key(_PARENS_RE.sub(" ", original)))):
        try:
            span = _parse_expression(candidate, year)
        except _Impossible:
            return unknown
        except _NoYear:
            return unknown
        if span is None:
            try:
                span = _parse_range(candidate, year)
            except (_Impossible, _NoYear):
                return unknown
        if span is not None:
            return Deadline(original, DeadlineKind.DATE, span.end)

    if _RECURRING_RE.search(key):
        return Deadline(original, DeadlineKind.RECURRING, _find_dated_part(key, year))
    if _EVENT_RE.search(key):
        return Deadline(original, DeadlineKind.EVENT)

    # Several periods separated by ";" or line breaks: due when the last one ends.
    parts = [p.strip(_PUNCT_EDGE) for p in _PART_SPLIT_RE.split(key)]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        ends: list[date] = []
        for part in parts:
            try:
                span = _parse_expression(part, year)
            except (_Impossible, _NoYear):
                return unknown
            if span is None:
                break
            ends.append(span.end)
        else:
            return Deadline(original, DeadlineKind.DATE, max(ends))

    if re.search(r"\d", key) and not re.search(r"\b(?:thang|quy)\s+\d{2,}", key):
        found = _dateparser_full_date(fold_spaces(original), key)
        if found is not None:
            return Deadline(original, DeadlineKind.DATE, found)
    return unknown
