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
  9 months, year). "Cuối năm" / "Cả năm" -> 31/12; "Giữa năm" -> 30/6; "Đầu
  năm" -> 31/3 (the end of the first reporting quarter: early-year work is
  reported then). In the same spirit "Đầu quý III" is the quarter's first
  month (31/7), "Giữa quý" its second; "Tuần đầu tháng 4/2024" is that
  month's first week (07/04), "tuần thứ 2" the second (14/…), "tuần cuối"
  the month's last day.
- "Trước <date>" is due on that date; "Trước <period>" ("trước tháng 6/2024",
  "trước quý III") is due on the day before the period starts.
- A date in brackets after a period is the real deadline: "Tháng 12/2024
  (trước ngày 15/12)" is due 15/12/2024 (the bracket takes the period's year).
- A task may carry several **milestones** (`Deadline.milestones`, sorted, the
  last one is `due_date`): separate periods or dates joined by "và", ",",
  ";" or line breaks ("Tháng 6 và tháng 12", "Quý I, II", "15/1/2024 và
  15/7/2024") are one milestone each; a range ("Tháng 3-4/2024", "Từ tháng 1
  đến tháng 6") is one milestone at the end of the range. A year written once
  applies to the parts before it. A single dated deadline has one milestone.
- A text with a recurring word is RECURRING even when it also names dates;
  those dates are its milestones and the last one is `due_date` ("Thường
  xuyên; báo cáo trước 10/12", "Quý I/2024 và thường xuyên": a 31/03
  milestone, then recurring; "Năm 2024 và các năm tiếp theo": 31/12/2024,
  then every year). "Trước ngày 10 tháng cuối quý" is recurring every quarter
  with the plan year's four milestones 10/3, 10/6, 10/9, 10/12 ("tháng đầu
  quý sau" reads the month after the quarter). Without a date, `due_date` is
  None and there are no milestones.
- Each milestone knows when it `opens`: the first day an officer's update
  counts toward it (the period's first day; for a single date, the first day
  of its month). `plans.milestones` decides from that which one is open.
- Month/quarter forms and "dd/mm" without a year take `year`; with neither,
  the deadline is UNKNOWN. Impossible dates ("31/2/2024", "tháng 13/2024",
  "Quý V") are UNKNOWN and never handed to dateparser.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from plans.regex import lazy_compile
from plans.text import fold_spaces, nfc, normalize_tone_marks, strip_diacritics

log = logging.getLogger(__name__)

__all__ = ["Deadline", "DeadlineKind", "Milestone", "parse_deadline"]


class DeadlineKind(StrEnum):
    DATE = "date"
    RECURRING = "recurring"
    EVENT = "event"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Milestone:
    """One dated step of a task: due at the end of ``due``; updates from ``opens`` count."""

    due: date
    opens: date | None = field(default=None, compare=False)

    def as_json(self) -> dict[str, str | None]:
        return {
            "due": self.due.isoformat(),
            "opens": self.opens.isoformat() if self.opens else None,
        }


@dataclass(frozen=True, slots=True)
class Deadline:
    """A parsed deadline cell; ``milestones`` are sorted and end at ``due_date``."""

    text: str  # original text, NFC, stripped
    kind: DeadlineKind
    due_date: date | None = None
    milestones: tuple[Milestone, ...] = ()

    def __post_init__(self) -> None:
        if not self.milestones and self.due_date is not None:
            object.__setattr__(self, "milestones", (Milestone(self.due_date),))


class _Impossible(Exception):
    """The text has a deadline's shape but names a date that does not exist."""


class _NoYear(Exception):
    """A month/quarter/day-month form with no year in the text and none supplied."""


@dataclass(frozen=True, slots=True)
class _Span:
    start: date
    end: date
    point: bool = False  # a single day (so "trước X" means X itself)

    def milestone(self) -> Milestone:
        opens = self.end.replace(day=1) if self.point else self.start
        return Milestone(self.end, opens)


_Spans = tuple[_Span, ...]

_MIN_YEAR, _MAX_YEAR = 1990, 2100

_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ROMAN_OTHER = {"v", "vi", "vii", "viii", "ix", "x"}
_QUARTER_VALUE = r"(i{1,3}|iv|[1-4])"

# --- compiled once -----------------------------------------------------------------

_DASHES_RE = lazy_compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_PUNCT_EDGE = " .,;:!?*_\"'`()[]{}-–"
_PARENS_RE = lazy_compile(r"\([^()]*\)")
# "ngày 10 tháng cuối năm" = ngày 10 tháng 12 (but "6 tháng đầu năm" is a half-year)
_YEAR_MONTH_WORD_RE = lazy_compile(
    r"\b(ngay\s+\d{1,2}\s+(?:cua\s+)?)thang (cuoi|dau) nam\b(?=(\s*\d{4})?)"
)

_RECURRING_RE = lazy_compile(
    r"\b(?:thuong xuyen|dinh ky|lien tuc|"
    r"(?:hang|moi)\s+(?:ngay|tuan|thang|quy|nam|ky)|"
    r"(?:cac|nhung)\s+(?:nam|quy|thang|ky)\s+(?:tiep theo|sau(?:\s+do)?|ke tiep|tiep)|"
    r"tro di|tro ve sau|"
    r"\d+\s*(?:thang|quy|nam|tuan)\s*/\s*lan|lan\s*/\s*(?:thang|quy|nam|tuan))\b"
)
_EVENT_RE = lazy_compile(
    r"\b(?:theo\s+(?:ke hoach|yeu cau|chi dao|huong dan|quy dinh|lich|thong bao|tien do|"
    r"van ban|de nghi|cap tren)|khi\s+(?:co|duoc|phat sinh|can)|sau khi|phat sinh|"
    r"ngay sau khi|kip thoi)\b"
)

_PREFIX_RE = lazy_compile(
    r"^(?:truoc|han chot|thoi han|han|cham nhat(?:\s+la)?|den|toi|vao|du kien|"
    r"hoan thanh|trong|het|ket thuc|ngay)\b\s*"
)
# Words that join a dated clause to a recurring one ("Quý I/2024 và thường xuyên").
_CONNECTOR_WORDS = r"(?:va|roi|sau do|tiep tuc|tu|duy tri|thuc hien|trien khai|ap dung|lap lai)"
_CONNECTOR_EDGE_RE = lazy_compile(rf"^{_CONNECTOR_WORDS}\s+|\s+{_CONNECTOR_WORDS}$")
# A date read after one of these words would drop its meaning ("đầu tháng 3" is not "tháng 3").
_QUALIFIERS = frozenset({"dau", "giua", "khoang", "sau", "tre", "gan", "nua", "tuan"})
_BARE_DAY_RE = lazy_compile(r"(?:.*\s)?(?:ngay\s+)?(\d{1,2})")

_YEAR = r"(\d{4}|\d{2})"
_FULL_DATE_RE = lazy_compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*" + _YEAR)
_ISO_DATE_RE = lazy_compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDY_DATE_RE = lazy_compile(
    r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|/|,)\s*(\d{4}))?"
)
_DAY_MONTH_RE = lazy_compile(r"(\d{1,2})\s*/\s*(\d{1,2})")
_MONTH_YEAR_RE = lazy_compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
_YEAR_RE = lazy_compile(
    r"(?:(?:trong|ca|het|cuoi)\s+)?(?:nam\s+|giai doan\s+)?(\d{4})"
    r"(?:\s*(?:-|den|toi)\s*(?:nam\s+)?(\d{4}))?"
)
_HALF_RE = lazy_compile(
    r"(?:(?:trong|het)\s+)?(6|sau|9|chin)\s+thang(?:\s+(dau|cuoi))?(?:\s+nam)?"
    r"(?:\s*(?:nam\s+|/\s*)?(\d{4}))?"
)
_HALF_WORD_RE = lazy_compile(r"nua\s+(dau|cuoi)\s+nam(?:\s*(?:nam\s+|/\s*)?(\d{4}))?")
_YEAR_PART_RE = lazy_compile(
    r"(cuoi|giua|dau|ca|suot|trong|het)\s+nam(?:\s*(?:nam\s+|/\s*)?(\d{4}))?"
)
_QUARTER_PART_RE = lazy_compile(
    r"(dau|giua)\s+(?:quy|qui)\s*" + _QUARTER_VALUE + r"(?:\s*(?:nam\s+|/\s*)(\d{4}))?"
)
_MID_MONTH_RE = lazy_compile(r"giua\s+(thang\s*.+)")
_WEEK_RE = lazy_compile(
    r"tuan\s+(dau(?:\s+tien)?|thu nhat|thu hai|thu ba|thu tu|thu\s*[1-5]|[1-5]|cuoi(?:\s+cung)?)"
    r"\s+(?:cua\s+)?(thang\s*.+)"
)
_WEEK_ORDINALS = {"thu nhat": 1, "thu hai": 2, "thu ba": 3, "thu tu": 4}
# "ngày 10 (của) tháng cuối (mỗi) quý", "ngày 10 tháng đầu quý sau": every quarter.
_QUARTER_DAY_RE = lazy_compile(
    r"(?:ngay\s+)?(\d{1,2})\s+(?:cua\s+)?thang\s+(dau|giua|cuoi|thu nhat|thu hai|thu ba|thu [1-3])"
    r"\s+(?:cua\s+)?(?:moi\s+|hang\s+|cac\s+)?(?:quy|qui)(?:\s+(sau|tiep theo|ke tiep))?"
)
_QUARTER_MONTH_INDEX = {
    "dau": 0,
    "thu nhat": 0,
    "thu 1": 0,
    "giua": 1,
    "thu hai": 1,
    "thu 2": 1,
    "cuoi": 2,
    "thu ba": 2,
    "thu 3": 2,
}
_LIST_HEAD_RE = lazy_compile(
    r"(?:tu\s+)?(?:(?:cuoi|trong|het)\s+)?(thang|quy|qui|t|q)\s*(?=[\divx])(.+)"
)
_LIST_TOKEN_RE = lazy_compile(r"\d+|[a-z]+|[/,&;+-]")
_LIST_WORDS = {"thang", "quy", "qui", "t", "q", "nam", "den", "toi", "va", "tu", "cuoi", "trong"}
_LIST_SEPARATORS = {",", "-", "&", ";", "+", "den", "toi", "va"}
_RANGE_SEPARATORS = {"-", "den", "toi"}
_RANGE_SPLIT_RE = lazy_compile(
    r"\s+(-|den|toi|va)\s+(?:ngay\s+)?|(?<=\d)\s*(-)\s*(?=\d{1,2}/)|\s*(,)\s*(?=(?:ngay\s+)?\d{1,2}/)"
)
_PART_SPLIT_RE = lazy_compile(r"[;\n]|,(?!\s*(?:\d|i{1,3}\b|iv\b))")


# --- helpers -----------------------------------------------------------------------


def _fold_key(text: str) -> str:
    """Lowercase, diacritic-free, single-spaced, dash-folded text for the grammar."""
    key = strip_diacritics(normalize_tone_marks(nfc(text))).lower()
    key = _DASHES_RE.sub("-", key).replace("*", " ")
    key = fold_spaces(key)
    key = _YEAR_MONTH_WORD_RE.sub(
        lambda m: (
            m.group(1)
            + ("thang 12" if m.group(2) == "cuoi" else "thang 1")
            + (" nam" if m.group(3) else "")
        ),
        key,
    )
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


def _quarter_number(raw: str) -> int:
    return _ROMAN_QUARTERS[raw] if raw in _ROMAN_QUARTERS else int(raw)


def _need_year(year: int | None) -> int:
    if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        raise _NoYear
    return year


def _point(d: date) -> _Span:
    return _Span(d, d, point=True)


def _one(span: _Span) -> _Spans:
    return (span,)


def _last_end(spans: _Spans) -> date:
    return max(s.end for s in spans)


def _milestones(spans: _Spans) -> tuple[Milestone, ...]:
    """One milestone per distinct due day, sorted; the earliest opening wins on a tie."""
    by_due: dict[date, Milestone] = {}
    for span in sorted(spans, key=lambda s: (s.end, s.start)):
        by_due.setdefault(span.end, span.milestone())
    return tuple(by_due[d] for d in sorted(by_due))


def _dated(original: str, kind: DeadlineKind, spans: _Spans) -> Deadline:
    return Deadline(original, kind, _last_end(spans), _milestones(spans))


# --- the grammar -------------------------------------------------------------------


def _parse_list(key: str, year: int | None) -> _Spans | None:
    """Months or quarters, alone or as lists/ranges: "tháng 3-4/2024", "quý I, II".

    Items joined by "-", "đến" form one range (one milestone at its end);
    items joined by ",", "và" or a repeated "tháng"/"quý" are separate milestones.
    """
    head = _LIST_HEAD_RE.fullmatch(key)
    if not head:
        return None
    is_quarter = head.group(1) in ("quy", "qui", "q")
    tokens = _LIST_TOKEN_RE.findall(head.group(2))
    if "".join(tokens).replace(" ", "") != re.sub(r"\s+", "", head.group(2)):
        return None  # characters outside the grammar
    items: list[list[int | None]] = []  # [value, year]
    joins: list[bool] = []  # per item: joined to the previous one by a range separator
    expect_year = False
    expect_item = True
    ranged = False
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
            if tok in _RANGE_SEPARATORS:
                ranged = True
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
        joins.append(ranged and len(items) > 1)
        ranged = False
        expect_item = False
    if not items or expect_year:
        return None
    groups: list[list[_Span]] = []
    for (number, item_year), joined in zip(items, joins, strict=True):
        y = item_year if item_year is not None else _need_year(year)
        assert number is not None
        span = _quarter_span(y, number) if is_quarter else _month_span(y, number)
        if joined and groups:
            groups[-1].append(span)
        else:
            groups.append([span])
    return tuple(_Span(min(s.start for s in g), max(s.end for s in g)) for g in groups)


def _parse_week(key: str, year: int | None) -> _Span | None:
    """ "Tuần đầu tháng 4/2024" -> 1..7/4; "tuần thứ 2" -> 8..14; "tuần cuối" -> last 7 days."""
    m = _WEEK_RE.fullmatch(key)
    if not m:
        return None
    months = _parse_list(m.group(2), year)
    if not months or len(months) != 1 or months[0].start.day != 1:
        return None
    month = months[0]
    which = m.group(1)
    if which.startswith("cuoi"):
        return _Span(month.end - timedelta(days=6), month.end)
    if which.startswith("dau"):
        n = 1
    elif which in _WEEK_ORDINALS:
        n = _WEEK_ORDINALS[which]
    else:
        n = int(which.removeprefix("thu").strip())
    start = month.start + timedelta(days=7 * (n - 1))
    if start > month.end:
        raise _Impossible(key)
    return _Span(start, min(start + timedelta(days=6), month.end))


def _parse_core(key: str, year: int | None) -> _Spans | None:
    """One deadline expression without prefixes; None when no form matches."""
    if m := _FULL_DATE_RE.fullmatch(key):
        return _one(_point(_make_date(_year4(m.group(4)), int(m.group(3)), int(m.group(1)))))
    if m := _ISO_DATE_RE.fullmatch(key):
        return _one(_point(_make_date(_year4(m.group(1)), int(m.group(2)), int(m.group(3)))))
    if m := _WORDY_DATE_RE.fullmatch(key):
        y = _year4(m.group(3)) if m.group(3) else _need_year(year)
        return _one(_point(_make_date(y, int(m.group(2)), int(m.group(1)))))
    if m := _MONTH_YEAR_RE.fullmatch(key):
        return _one(_month_span(_year4(m.group(2)), int(m.group(1))))
    if m := _DAY_MONTH_RE.fullmatch(key):
        return _one(_point(_make_date(_need_year(year), int(m.group(2)), int(m.group(1)))))
    if m := _YEAR_RE.fullmatch(key):
        first = _year4(m.group(1))
        last = _year4(m.group(2)) if m.group(2) else first
        if last < first:
            raise _Impossible(key)
        return _one(_Span(date(first, 1, 1), date(last, 12, 31)))
    if m := _HALF_RE.fullmatch(key):
        y = _year4(m.group(3)) if m.group(3) else _need_year(year)
        months = 6 if m.group(1) in ("6", "sau") else 9
        if months == 9:
            if m.group(2) == "cuoi":
                return _one(_Span(date(y, 4, 1), date(y, 12, 31)))
            return _one(_Span(date(y, 1, 1), date(y, 9, 30)))
        if m.group(2) == "cuoi":
            return _one(_Span(date(y, 7, 1), date(y, 12, 31)))
        return _one(_Span(date(y, 1, 1), date(y, 6, 30)))
    if m := _HALF_WORD_RE.fullmatch(key):
        y = _year4(m.group(2)) if m.group(2) else _need_year(year)
        if m.group(1) == "cuoi":
            return _one(_Span(date(y, 7, 1), date(y, 12, 31)))
        return _one(_Span(date(y, 1, 1), date(y, 6, 30)))
    if key in ("nam", "nam nay"):  # "6 tháng, năm": the year's report
        return _one(_Span(date(_need_year(year), 1, 1), date(_need_year(year), 12, 31)))
    if m := _YEAR_PART_RE.fullmatch(key):
        y = _year4(m.group(2)) if m.group(2) else _need_year(year)
        if m.group(1) in ("ca", "suot", "trong"):
            return _one(_Span(date(y, 1, 1), date(y, 12, 31)))
        end = {
            "cuoi": date(y, 12, 31),
            "het": date(y, 12, 31),
            "giua": date(y, 6, 30),
            "dau": date(y, 3, 31),
        }
        return _one(_point(end[m.group(1)]))
    if m := _QUARTER_PART_RE.fullmatch(key):
        y = _year4(m.group(3)) if m.group(3) else _need_year(year)
        quarter = _quarter_number(m.group(2))
        offset = 0 if m.group(1) == "dau" else 1
        return _one(_month_span(y, quarter * 3 - 2 + offset))
    if m := _MID_MONTH_RE.fullmatch(key):
        spans = _parse_list(m.group(1), year)
        if spans and len(spans) == 1 and spans[0].start.day == 1:
            mid = spans[0].start.replace(day=15)
            return _one(_Span(spans[0].start, mid))
        return None
    if week := _parse_week(key, year):
        return _one(week)
    return _parse_list(key, year)


def _strip_prefixes(key: str) -> tuple[bool, str]:
    """Drop "trước", "hạn", "chậm nhất ngày"…; tell whether "trước" was among them."""
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
    return before, rest


def _parse_expression(key: str, year: int | None) -> _Spans | None:
    """Strip deadline prefixes ("trước", "hạn", "chậm nhất ngày"), then parse the core."""
    before, rest = _strip_prefixes(key)
    if not rest:
        return None
    spans = _parse_core(rest, year)
    if spans is None:
        return None
    if before:
        return tuple(s if s.point else _point(s.start - timedelta(days=1)) for s in spans)
    return spans


def _parse_range(key: str, year: int | None) -> _Spans | None:
    """Two or more dated ends: "Từ 01/01/2024 đến 31/3/2024", "15/1/2024 và 15/7/2024".

    Ends joined by "-"/"đến" make one range; ends joined by "và" or "," are
    separate milestones.
    """
    split = _RANGE_SPLIT_RE.split(re.sub(r"^tu\s+", "", key))
    # re.split interleaves the captured separator (one of three groups) between pieces.
    step = 1 + _RANGE_SPLIT_RE.groups
    pieces = split[::step]
    seps = [
        next((g for g in split[i + 1 : i + step] if g), "") for i in range(0, len(split) - 1, step)
    ]
    if len(pieces) < 2:
        return None
    spans: list[_Spans | None] = []
    for piece in pieces:
        try:
            spans.append(_parse_expression(piece.strip(_PUNCT_EDGE), year))
        except _NoYear:
            spans.append(None)  # "1/3" before "31/5/2024": takes the later year
    last = spans[-1]
    if last is None:
        return None
    later_year = _last_end(last).year
    for i, piece in enumerate(pieces):
        if spans[i] is None:
            spans[i] = _parse_expression(piece.strip(_PUNCT_EDGE), later_year)
    groups: list[list[_Span]] = []
    for i, part in enumerate(spans):
        if part is None:
            return None
        if i > 0 and seps[i - 1] in _RANGE_SEPARATORS and groups:
            groups[-1].extend(part)
        else:
            groups.append(list(part))
    return tuple(
        _Span(min(s.end for s in g), max(s.end for s in g), point=len(g) == 1 and g[0].point)
        for g in groups
    )


def _parse_whole(key: str, year: int | None) -> _Spans | None:
    """The text as one expression, else as a list/range of dated ends."""
    spans = _parse_expression(key, year)
    if spans is None:
        spans = _parse_range(key, year)
    return spans


def _parse_quarterly(key: str, year: int | None) -> Deadline | None:
    """ "Trước ngày 10 tháng cuối quý": every quarter, the plan year's four milestones."""
    _, rest = _strip_prefixes(key)
    m = _QUARTER_DAY_RE.fullmatch(rest)
    if not m:
        return None
    day = int(m.group(1))
    if not 1 <= day <= 31:
        raise _Impossible(rest)
    if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return Deadline("", DeadlineKind.RECURRING)
    offset = _QUARTER_MONTH_INDEX[m.group(2)] + (3 if m.group(3) else 0)
    spans = []
    for quarter in range(1, 5):
        month_index = (quarter - 1) * 3 + offset  # 0-based months from January of `year`
        y, month = year + month_index // 12, month_index % 12 + 1
        last = calendar.monthrange(y, month)[1]
        due = date(y, month, min(day, last))
        spans.append(_Span(_quarter_span(year, quarter).start, due))
    return Deadline("", DeadlineKind.RECURRING, spans[-1].end, _milestones(tuple(spans)))


def _find_dated_parts(key: str, year: int | None, *, every_part: bool = False) -> _Spans:
    """The dates in a free phrase ("báo cáo trước 10/12"), with the recurring words taken out.

    Each part (between ";" and ",") is read from its first word that starts a
    deadline to its end; words like "đầu", "giữa" before it make the part
    unreadable. With ``every_part``, a part that has a digit but no date makes
    the whole phrase unreadable (nothing half-understood).
    """
    found: list[_Span] = []
    stripped = _RECURRING_RE.sub(";", key)
    for part in _PART_SPLIT_RE.split(stripped):
        part = part.strip(_PUNCT_EDGE)
        for _ in range(3):
            part = _CONNECTOR_EDGE_RE.sub("", part).strip(_PUNCT_EDGE)
        if not part:
            continue
        words = part.split(" ")
        dated = False
        for i in range(len(words)):
            if i > 0 and words[i - 1] in _QUALIFIERS:
                break
            candidate = " ".join(words[i:]).strip(_PUNCT_EDGE)
            if every_part and i > 0 and candidate.isdigit():
                continue  # "15 March 2024", "Kinh phí 2024": a bare number after words
            try:
                spans = _parse_whole(candidate, year)
            except (_Impossible, _NoYear):
                continue
            if spans is not None:
                found.extend(spans)
                dated = True
                break
        if every_part and not dated and re.search(r"\d", part):
            return ()
    return tuple(found)


def _bracketed_date(original: str, year: int | None) -> Deadline | None:
    """ "Tháng 12/2024 (trước ngày 15/12)": the date in brackets is the deadline."""
    inner = " ; ".join(m.group(0)[1:-1] for m in _PARENS_RE.finditer(original))
    if not inner.strip():
        return None
    outer_key = _fold_key(_PARENS_RE.sub(" ", original))
    if not outer_key or _RECURRING_RE.search(outer_key) or _EVENT_RE.search(outer_key):
        return None
    try:
        outer = _parse_whole(outer_key, year)
    except (_Impossible, _NoYear):
        return None
    if outer is None:
        return None
    inner_key = _fold_key(inner)
    if _RECURRING_RE.search(inner_key):
        return None
    points = [s for s in _find_dated_parts(inner_key, _last_end(outer).year) if s.point]
    if not points and len(outer) == 1 and (day := _BARE_DAY_RE.fullmatch(inner_key)):
        # "Tháng 12 (trước ngày 15)": the day of the month named outside the bracket
        month = outer[0]
        if month.start.day == 1 and month.end.month == month.start.month:
            try:
                points = [_point(_make_date(month.end.year, month.end.month, int(day.group(1))))]
            except _Impossible:
                return None
    if not points:
        return None
    return _dated(nfc(original).strip(), DeadlineKind.DATE, tuple(points))


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
        log.debug("dateparser failed on %r", text, exc_info=True)
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

    try:
        quarterly = _parse_quarterly(key, year)
    except _Impossible:
        return unknown
    if quarterly is not None:
        return Deadline(original, quarterly.kind, quarterly.due_date, quarterly.milestones)

    if "(" in original and (bracketed := _bracketed_date(original, year)) is not None:
        return bracketed

    for candidate in dict.fromkeys((key, _fold_key(_PARENS_RE.sub(" ", original)))):
        try:
            spans = _parse_whole(candidate, year)
        except (_Impossible, _NoYear):
            return unknown
        if spans is not None:
            return _dated(original, DeadlineKind.DATE, spans)

    if _RECURRING_RE.search(key):
        found = _find_dated_parts(key, year)
        if not found:
            return Deadline(original, DeadlineKind.RECURRING)
        return _dated(original, DeadlineKind.RECURRING, found)
    if _EVENT_RE.search(key):
        return Deadline(original, DeadlineKind.EVENT)

    # Several periods separated by ";" or line breaks: one milestone each.
    parts = [p.strip(_PUNCT_EDGE) for p in _PART_SPLIT_RE.split(key)]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        collected: list[_Span] = []
        for part in parts:
            try:
                spans = _parse_expression(part, year)
            except (_Impossible, _NoYear):
                return unknown
            if spans is None:
                break
            collected.extend(spans)
        else:
            return _dated(original, DeadlineKind.DATE, tuple(collected))

    # Words around the dates ("Báo cáo 6 tháng trước 15/6, báo cáo năm trước 15/12").
    if re.search(r"\d", key) and (found := _find_dated_parts(key, year, every_part=True)):
        return _dated(original, DeadlineKind.DATE, found)

    if re.search(r"\d", key) and not re.search(r"\b(?:thang|quy)\s+\d{2,}", key):
        found_date = _dateparser_full_date(fold_spaces(original), key)
        if found_date is not None:
            return Deadline(original, DeadlineKind.DATE, found_date)
    return unknown
