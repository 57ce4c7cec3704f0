"""Read a scorecard written as prose, the way seed 000 does.

The shape, from the real document (every form below occurs in it):

* the total: "… đạt 81,863 điểm (xếp loại tốt, vị thứ 31/Tổng 141 xã …)";
* group headings: "NHÓM I: TỰ ĐÁNH GIÁ", "NHÓM II: ĐIỀU TRA XÃ HỘI HỌC …";
* a field heading "1. Công tác chỉ đạo, điều hành CCHC:" whose score comes in
  the paragraph after it ("Thể hiện qua … Điểm đạt được là 8,42/10 điểm, bị
  trừ 1,58 điểm. Cụ thể:"), or on the heading itself ("I. Đánh giá mức độ
  hài lòng … (SIPAS): Điểm đạt được 18,6/30 điểm …");
* criterion lines with a code: "- Kế hoạch CCHC (TCTP 1.1): Điểm đạt được là
  2/2 điểm.", "(TCTP 3.2). Điểm đạt được là 2/3 điểm, bị trừ 1 điểm.
  Nguyên nhân do …", "(TCTP 9.5): 0/6 điểm, bị trừ 6 điểm."; or a heading
  with the code whose score is the next paragraph ("1. Chỉ số hài lòng về
  tiếp cận dịch vụ (TCTP 9.1)" / "Điểm đạt được 4,62/6 điểm …"), the
  paragraphs after that being its explanation;
* criteria without a code ("- Chấp hành kỷ luật …: Điểm đạt được là 0/2
  điểm, do …"), which belong to the field they are written under;
* sub-items "+ … : điểm đạt được 1,96/2 điểm, bị trừ 0,4 điểm do …", which
  belong to the criterion above them (or to the code they cite, "(Tại TCTP
  6.3.1)").

Reading stops at the next top-level part ("B. KẾ HOẠCH …"): the measures
that follow cite codes too, but carry no points.
"""

from __future__ import annotations

import re
from decimal import Decimal

from plans.criteria_codes import find_criterion_codes
from plans.par_index.model import Group, Level, Scorecard, ScoreItem
from plans.par_index.numbers import NUMBER, parse_points
from plans.par_index.validate import check
from plans.regex import lazy_compile
from plans.text import fold_spaces, nfc, strip_diacritics

_SCORE_RE = lazy_compile(
    rf"(?:điểm\s+đạt\s+được(?:\s+là)?\s*:?\s*)?({NUMBER})\s*/\s*({NUMBER})\s*điểm",
    re.IGNORECASE,
)
_LOST_RE = lazy_compile(rf"bị\s+trừ\s*({NUMBER})\s*điểm", re.IGNORECASE)
_REASON_RE = lazy_compile(
    r"^[\s,.;:]*(?:(?:nguyên\s+nhân|lý\s+do)\s*(?:là|do)?\s*:?\s*|do\s+|vì\s+)(.+)$",
    re.IGNORECASE | re.DOTALL,
)
_TOTAL_RE = lazy_compile(rf"đạt\s+({NUMBER})\s*điểm", re.IGNORECASE)
_RATING_RE = lazy_compile(r"xếp\s+loại\s*:?\s*([^,;()]+)", re.IGNORECASE)
_RANK_RE = lazy_compile(r"vị\s+thứ\s*:?\s*(\d{1,4})\s*/\s*(?:tổng\s*(?:số\s*)?)?(\d{1,4})", re.I)
_YEAR_RE = lazy_compile(r"năm\s+(20\d\d)", re.IGNORECASE)
_GROUP_RE = lazy_compile(r"^nhom\s+(i{1,2}|1|2)\b", re.IGNORECASE)
_NUMBERED_RE = lazy_compile(r"^(\d{1,2}|[IVX]{1,4})\s*[.)]\s*(.+)$")
_PART_RE = lazy_compile(r"^[B-H]\s*[.)]\s+\S")
_BULLET_RE = lazy_compile(r"^([-–—•+])\s*(.*)$", re.DOTALL)
_MARKUP_RE = lazy_compile(r"[*_#`]+")
_CODE_IN_TITLE_RE = lazy_compile(
    r"\s*\((?:tại\s+)?(?:tctp|tc|tiêu chí(?: thành phần)?)\s*[\d.,\s]+\)\s*", re.IGNORECASE
)


def clean_line(text: str) -> str:
    """Drop Markdown-ish emphasis (the seeds' text form) and fold spaces."""
    text = nfc(text)
    text = _MARKUP_RE.sub("", text)
    return fold_spaces(text)


def _title(text: str) -> str:
    """The criterion's name: the text before its score, without the code citation."""
    text = _CODE_IN_TITLE_RE.sub(" ", text)
    text = re.split(r"(?i)\bđiểm\s+đạt\s+được", text)[0]
    text = _SCORE_RE.split(text)[0]
    return fold_spaces(text).strip(" .:;,-–")


def _reason(after: str) -> str | None:
    """Why points were lost, as written, from the text after the score."""
    rest = _LOST_RE.sub("", after, count=1)
    rest = fold_spaces(rest).strip(" .,;:")
    if not rest or rest.lower().startswith("cụ thể"):
        return None
    match = _REASON_RE.match(rest)
    text = match.group(1) if match else rest
    text = fold_spaces(text).strip(" ,;:")
    if text.endswith("."):
        text = text[:-1]
    return text or None


def _score_parts(text: str) -> tuple[Decimal, Decimal, Decimal | None, str | None] | None:
    match = _SCORE_RE.search(text)
    if match is None:
        return None
    score, maximum = parse_points(match.group(1)), parse_points(match.group(2))
    if score is None or maximum is None:
        return None
    after = text[match.end() :]
    lost_match = _LOST_RE.search(after)
    lost = parse_points(lost_match.group(1)) if lost_match else None
    return score, maximum, lost, _reason(after)


def _folded(text: str) -> str:
    return strip_diacritics(text).lower()


class _Reader:
    def __init__(self) -> None:
        self.items: list[ScoreItem] = []
        self.group = Group.SELF
        self.field: ScoreItem | None = None
        self.criterion: ScoreItem | None = None
        self.pending: ScoreItem | None = None  # a heading whose score is the next line
        self.explaining: ScoreItem | None = None  # paragraphs after a heading-scored item
        self.total: Decimal | None = None
        self.rating: str | None = None
        self.rank: int | None = None
        self.rank_of: int | None = None
        self.year: int | None = None
        self.started = False

    # --- the lines --------------------------------------------------------------

    def feed(self, raw: str) -> bool:
        """Read one paragraph; False once the scorecard part has ended."""
        line = clean_line(raw)
        if not line:
            return True
        if self.started and _PART_RE.match(line):
            return False
        if self.total is None and self._total(line):
            return True
        group = _GROUP_RE.match(_folded(line[:12])) if line[:1] in "Nn" else None
        if group:
            self.started = True
            survey = group.group(1).lower() in ("ii", "2")
            self.group = Group.SURVEY if survey else Group.SELF
            self.field = self.criterion = self.pending = self.explaining = None
            return True
        if self.pending is not None:
            parts = _score_parts(line)
            item, self.pending = self.pending, None
            if parts is not None and _SCORE_RE.match(line.lstrip("-+ ")) is not None:
                self._score(item, parts)
                self.explaining = item if item.points_lost > 0 and item.reason is None else None
                return True
        parts = _score_parts(line)
        codes = find_criterion_codes(line)
        bullet = _BULLET_RE.match(line)
        numbered = _NUMBERED_RE.match(line)
        if parts is None:
            if codes and (numbered or not bullet) and len(line) < 300:
                self.pending = self._criterion(line, codes, bullet, numbered)
                self.explaining = None
                return True
            if numbered and not codes and self.started:
                self._field_heading(numbered.group(1), numbered.group(2), None)
                return True
            if self.explaining is not None and not bullet and not numbered:
                self.explaining.reason = line.rstrip(".")
                self.explaining = None
            return True
        self.explaining = None
        if not self.started:
            self.started = True
        if numbered and not codes and not bullet:
            self._field_heading(numbered.group(1), numbered.group(2), parts)
            return True
        if codes or bullet:
            item = self._criterion(line, codes, bullet, numbered)
            self._score(item, parts)
            return True
        # A paragraph with a score, no code, no bullet: the current field's score
        # when it has none yet, else a criterion written without a dash.
        if self.field is not None and self.field.max is None:
            self._score(self.field, parts)
            return True
        item = self._criterion(line, codes, None, None)
        self._score(item, parts)
        return True

    def _total(self, line: str) -> bool:
        if "xếp loại" not in line.lower() and "vị thứ" not in line.lower():
            return False
        total = _TOTAL_RE.search(line)
        if total is None:
            return False
        self.total = parse_points(total.group(1))
        rating = _RATING_RE.search(line, total.end())
        if rating:
            self.rating = fold_spaces(rating.group(1)).strip(" .")
        rank = _RANK_RE.search(line)
        if rank:
            self.rank, self.rank_of = int(rank.group(1)), int(rank.group(2))
        year = _YEAR_RE.search(line)
        if year and self.year is None:
            self.year = int(year.group(1))
        return True

    # --- items ----------------------------------------------------------------

    def _field_heading(
        self,
        number: str,
        rest: str,
        parts: tuple[Decimal, Decimal, Decimal | None, str | None] | None,
    ) -> None:
        title = _title(rest) if parts else fold_spaces(rest).strip(" .:;")
        item = ScoreItem(Level.FIELD, number, title, None, group=self.group)
        self.items.append(item)
        self.field, self.criterion = item, None
        if parts is not None:
            self._score(item, parts)

    def _criterion(
        self,
        line: str,
        codes: list[str],
        bullet: re.Match[str] | None,
        numbered: re.Match[str] | None,
    ) -> ScoreItem:
        body = bullet.group(2) if bullet else (numbered.group(2) if numbered else line)
        code = codes[0] if codes else None
        sub = bool(bullet and bullet.group(1) == "+") and self.criterion is not None
        parent: str | None
        if sub and self.criterion is not None:
            parent = self.criterion.code
            if code is not None:
                parent = _ancestor(code, self.items) or parent
        else:
            parent = self.field.code if self.field is not None else None
        item = ScoreItem(
            Level.SUB if sub else Level.CRITERION,
            code,
            _title(body),
            None,
            parent_code=parent,
            group=self.group,
        )
        self.items.append(item)
        if not sub:
            self.criterion = item
        return item

    def _score(
        self, item: ScoreItem, parts: tuple[Decimal, Decimal, Decimal | None, str | None]
    ) -> None:
        score, maximum, lost, reason = parts
        item.appraised, item.max, item.lost = score, maximum, lost
        if reason is not None and item.level is not Level.FIELD:
            item.reason = reason


def _ancestor(code: str, items: list[ScoreItem]) -> str | None:
    known = {i.code for i in items if i.code}
    parts = code.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix in known:
            return prefix
    return None


def _survey_field_codes(items: list[ScoreItem]) -> None:
    """The survey block is written "I." but its criteria are 9.x: use the criteria's prefix."""
    for index, item in enumerate(items):
        if item.level is not Level.FIELD:
            continue
        children = []
        for other in items[index + 1 :]:
            if other.level is Level.FIELD:
                break
            children.append(other)
        prefixes = {c.code.split(".")[0] for c in children if c.code}
        if len(prefixes) == 1:
            prefix = prefixes.pop()
            if item.code != prefix:
                old = item.code
                item.code = prefix
                for child in children:
                    if child.parent_code == old:
                        child.parent_code = prefix


def read_prose(lines: list[str], *, year: int | None = None) -> Scorecard | None:
    """A scorecard from paragraphs, or None when they hold no scores at all."""
    reader = _Reader()
    for line in lines:
        if not reader.feed(line):
            break
    if not any(i.score is not None for i in reader.items):
        return None
    _survey_field_codes(reader.items)
    card = Scorecard(
        year=year or reader.year,
        total=reader.total,
        rating=reader.rating,
        rank=reader.rank,
        rank_of=reader.rank_of,
        items=[i for i in reader.items if i.score is not None or i.level is Level.FIELD],
        form="prose",
    )
    card.warnings.extend(check(card))
    return card
