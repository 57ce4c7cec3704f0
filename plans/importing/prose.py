"""Tasks from a plan written as prose: numbered sections, lettered items, bullets.

Many communes write the plan as running text, not as a task table. Their
structure, seen across real plans:

* sections numbered "I.", "II." (parts "A.", "B.", "NHÓM I:" above them),
  then "1.", "1.1" / "2.1." (any depth, dots optional), then items "a)",
  "đ)" and bullets "-", "+", "–", "•" (or Word list formatting with no
  marker in the text);
* what a section *is* shows in its heading words: "Các nội dung triển khai,
  khắc phục", "Nhiệm vụ", "Giải pháp" hold **tasks**; "Trách nhiệm thực
  hiện" names the units ("Đơn vị chủ trì: …", "Đơn vị phối hợp: …") for
  every task of its field; "Tồn tại, hạn chế", "Đánh giá", "Kết quả",
  "Mục tiêu, yêu cầu" are findings or goals, never tasks; "Tổ chức thực
  hiện" holds duties, which are tasks only when they carry a rhythm
  ("định kỳ hàng quý") or a date ("trước ngày 30/8/2021");
* a lettered item with bullets under it is one task (the bullets detail it);
  where a block has only bullets, each top-level bullet is a task and
  deeper bullets (another marker or list level) detail it;
* a short lettered or numbered heading that names a unit ("a) Văn phòng -
  Thống kê xã:") makes that unit the lead of the tasks under it;
* a paragraph starting in lower case continues the previous one (a page
  break in the middle of a sentence).

A section's kind is decided by the innermost heading whose words say what it
is; a field is the innermost heading that says nothing of the sort (or a unit
heading). Everything not read as a task is reported, per section, with the
reason. Deadlines: a dated phrase in the text wins, then a rhythm word
(recurring), else the plan year's end, flagged ``deadline_assumed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from plans.criteria_codes import find_criterion_codes
from plans.deadlines import Deadline, DeadlineKind, parse_deadline
from plans.importing.model import ImportedField, ImportedTask, ImportWarning, SkippedRow
from plans.importing.paragraphs import Para
from plans.regex import lazy_compile
from plans.text import ascii_key
from plans.units import split_unit_cell

__all__ = ["ProseResult", "read_prose", "year_end_deadline"]

PART, ROMAN, HEAD, NUM, LETTER, ITEM, BULLET, TEXT = (
    "part",
    "roman",
    "head",
    "num",
    "letter",
    "item",
    "bullet",
    "text",
)

_ROMANS = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
_PART_WORD_RE = lazy_compile(
    r"^(?:PHẦN|Phần|NHÓM|Nhóm|CHƯƠNG|Chương)\s+(?P<m>[IVX]+|\d+|[A-Z])\b\s*[:.\-–]?\s*(?P<t>.*)$"
)
_PART_LETTER_RE = lazy_compile(r"^(?P<m>[A-HJ-UWYZ])\s*[.)]\s+(?P<t>\S.*)$")
_ROMAN_RE = lazy_compile(r"^(?P<m>[IVX]{1,4})\s*[.):\-–]\s*(?P<t>\S.*)$")
_ROMAN_BARE_RE = lazy_compile(r"^(?P<m>[IVX]{1,4})\s+(?P<t>[^\W\d_a-zđ].*)$")
_NUM_RE = lazy_compile(r"^(?P<m>\d{1,2}(?:\s?\.\s?\d{1,2}){0,3})(?P<sep>\s?[.)])?\s+(?P<t>\S.*)$")
_LETTER_RE = lazy_compile(r"^(?P<m>[a-zđ])\s?[).]\s+(?P<t>\S.*)$")
_BULLET_RE = lazy_compile(r"^(?P<m>[-+–—•·▪●○◦*➢✓])\s*(?P<t>\S.*)$")

_STOP_RE = lazy_compile(r"^(?:noi nhan|tm\.? ?(?:uy ban|ubnd)|kt\.? ?chu tich|chu tich$)")

# Heading words, matched on the diacritic-free key. A task section's words may
# sit anywhere in the title; the others must open it ("Đánh giá tác động…"
# opening a field is an assessment, "… nâng cao kết quả" inside a task title is not).
_TASK_WORDS = (
    "noi dung trien khai",
    "khac phuc",
    "nhiem vu",
    "giai phap",
    "noi dung thuc hien",
    "noi dung va trach nhiem",
    "bien phap",
    "cac noi dung",
)
_RESP_WORDS = ("trach nhiem thuc hien", "phan cong thuc hien", "phan cong trach nhiem")
_DUTY_WORDS = ("to chuc thuc hien",)
_SKIP_OPENERS = (
    ("importing.skip.prose_findings", ("ton tai", "han che", "thuc trang", "nguyen nhan")),
    (
        "importing.skip.prose_assessment",
        ("danh gia", "ket qua", "tu danh gia", "dieu tra", "tinh hinh"),
    ),
    ("importing.skip.prose_goals", ("muc tieu", "yeu cau", "muc dich", "quan diem", "chi tieu")),
    ("importing.skip.prose_context", ("can cu", "kinh phi", "co so phap ly")),
)

TASKS, RESP, DUTY = "tasks", "responsibility", "duties"

_UNIT_OPENERS = (
    "van phong",
    "phong ",
    "ban ",
    "cong chuc",
    "can bo",
    "tu phap",
    "tai chinh",
    "van hoa",
    "dia chinh",
    "ubnd",
    "uy ban",
    "ubmttq",
    "mttq",
    "mat tran",
    "cong an",
    "quan su",
    "bo phan",
    "doan ",
    "hoi ",
    "chu tich",
    "pho chu tich",
    "trung tam",
    "cac phong",
    "cac don vi",
    "cac ban",
    "cac co quan",
    "thu truong",
)
_RESP_LINE_RE = lazy_compile(
    r"^(?:(?:đơn vị|cơ quan|bộ phận|người)\s+)?(?P<role>chủ trì|phối hợp|thực hiện)"
    r"(?:\s+thực hiện)?\s*:\s*(?P<units>.+)$",
    re.IGNORECASE,
)
# Words after a unit's name that start what it does ("Phòng Nội vụ tham mưu UBND…").
_UNIT_TAIL_RE = lazy_compile(
    r"\s+(?:tham mưu|chủ trì|phối hợp|thực hiện|chịu trách nhiệm|có trách nhiệm|là đầu mối|"
    r"theo dõi|triển khai|tổ chức|hướng dẫn|giúp)\b.*$",
    re.IGNORECASE,
)
_DUTY_SUBJECT_RES = (
    lazy_compile(
        r"^(?P<u>[^,;:]{3,80}?)\s+"
        r"(?:là đầu mối|chủ trì|có trách nhiệm|chịu trách nhiệm|tham mưu)\b",
        re.IGNORECASE,
    ),
    lazy_compile(
        r"^(?:lưu ý\s*:\s*)?đề nghị\s+(?P<u>.{3,100}?)\s+"
        r"(?:nộp|gửi|thực hiện|báo cáo|triển khai|hoàn thành|tổ chức)\b",
        re.IGNORECASE,
    ),
)
_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?"
_DATE_WORDS = r"\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
_DEADLINE_RE = lazy_compile(
    rf"(?:trước|chậm nhất(?:\s+là)?|hạn chót|hoàn thành(?:\s+trước|\s+trong)?|trong)\s+"
    rf"(?:ngày\s+)?(?:{_DATE}|{_DATE_WORDS})",
    re.IGNORECASE,
)
_PERIOD_DEADLINE_RE = lazy_compile(
    r"(?:trước|chậm nhất(?:\s+là)?|trong|hoàn thành trong)\s+(?:quý\s+[IV1-4]+(?:\s*/\s*\d{4})?|"
    r"tháng\s+\d{1,2}(?:\s*/\s*\d{4})?(?:\s+năm\s+\d{4})?)",
    re.IGNORECASE,
)
_RHYTHM_RE = lazy_compile(
    r"(?:định kỳ\s+)?(?:hằng|hàng)\s+(?:ngày|tuần|tháng|quý|năm)|định kỳ(?:\s+\d+\s+tháng)?|"
    r"thường xuyên",
    re.IGNORECASE,
)
_KEEP_COMMA = "\u201a"  # a low quote: not a separator for split_unit_cell
# Cheap pre-check before the criterion-code grammar (which folds the whole text).
_CITES_RE = lazy_compile(r"tc|ti[eêế]u\s*ch", re.IGNORECASE)
_SENTENCE_END_RE = lazy_compile(r"[.;!?…]['\"”)»]*$")
_MAX_HEADING_WORDS = 18


@dataclass
class _Tok:
    para: Para
    kind: str
    marker: str
    title: str
    depth: int = 0


@dataclass
class _Heading:
    tok: _Tok
    rank: int
    cls: str | None  # TASKS / RESP / DUTY / a skip reason / None (a field)
    unit: bool = False
    skipped: int = 0  # paragraphs skipped under it (reported once)
    fid: int = -1  # the field draft it names, once a task lands in it


@dataclass
class _Draft:
    heading: _Heading  # the field heading
    field_index: int
    paras: list[Para]
    texts: list[str]  # own text, then sub-items
    marker: str
    kind: str
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    duty: bool = False


@dataclass
class _FieldInfo:
    key: str
    title: str
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)


@dataclass
class ProseResult:
    fields: list[ImportedField]
    warnings: list[ImportWarning]
    skipped: list[SkippedRow]
    headings: list[str]  # every heading seen, for "no task list found" messages


def _tokenize(para: Para) -> _Tok:
    text = para.text.strip()
    bullet = _BULLET_RE.match(text)
    if bullet:
        inner = bullet.group("t")
        # "- a) …": a lettered item typed after a bullet.
        for regex, kind in ((_LETTER_RE, LETTER), (_NUM_RE, NUM)):
            m = regex.match(inner)
            if m and (kind != NUM or m.group("sep")):
                return _num_tok(para, m, kind)
        return _Tok(para, BULLET, bullet.group("m"), inner, para.level)
    m = _PART_WORD_RE.match(text)
    if m:
        return _Tok(para, PART, m.group("m"), m.group("t") or text)
    for regex in (_ROMAN_RE, _ROMAN_BARE_RE):
        m = regex.match(text)
        if m and m.group("m") in _ROMANS:
            return _Tok(para, ROMAN, m.group("m"), m.group("t"))
    m = _PART_LETTER_RE.match(text)
    if m and _mostly_upper(m.group("t")):
        return _Tok(para, PART, m.group("m"), m.group("t"))
    m = _NUM_RE.match(text)
    if m and (m.group("sep") or "." in m.group("m")):
        return _num_tok(para, m, NUM)
    m = _LETTER_RE.match(text)
    if m:
        return _Tok(para, LETTER, m.group("m"), m.group("t"))
    if para.list_kind == "bullet":
        return _Tok(para, BULLET, "•", text, para.level)
    if para.list_kind == "number":
        return _Tok(para, ITEM, "", text, para.level)
    if para.heading is not None:
        return _Tok(para, HEAD, "", text, para.heading)
    return _Tok(para, TEXT, "", text)


def _num_tok(para: Para, m: re.Match[str], kind: str) -> _Tok:
    marker = re.sub(r"\s", "", m.group("m"))
    depth = marker.count(".") + 1 if kind == NUM else 0
    return _Tok(para, kind, marker, m.group("t"), depth)


def _mostly_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)


def _clean_title(title: str) -> str:
    return title.strip().rstrip(":").strip()


def _classify(title: str) -> str | None:
    key = ascii_key(title[:160])
    head = " ".join(key.replace(",", " ").split()[:5])
    if any(word in key for word in _TASK_WORDS):
        return TASKS
    if any(head.startswith(word) for word in _RESP_WORDS):
        return RESP
    if any(head.startswith(word) for word in _DUTY_WORDS):
        return DUTY
    for reason, openers in _SKIP_OPENERS:
        if any(head.startswith(word) for word in openers):
            return reason
    return None


def looks_like_unit(title: str) -> bool:
    """A heading that names a unit ("Công chức Tư pháp - Hộ tịch xã", "UBMTTQVN và …")."""
    if len(title.split()) > 16:
        return False
    key = ascii_key(title[:30]) + " "
    return any(key.startswith(word) for word in _UNIT_OPENERS)


def split_units(text: str) -> list[str]:
    """Unit names in a responsibility line or unit heading, without what they do."""
    text = _UNIT_TAIL_RE.sub("", text.strip().rstrip(".;:")).strip()
    # A lower-case piece after a comma belongs to the name before it
    # ("UBND xã, thị trấn"): protect that comma from the splitter.
    text = re.sub(
        r",\s+(?=[^\W\d_A-ZĐÀ-Ỹ][^\s,;]*(?:\s+[^\s,;]+){0,2}\s*(?:[,;]|$))",
        _KEEP_COMMA + " ",
        text,
    )
    names: list[str] = []
    for name in (n.replace(_KEEP_COMMA, ",") for n in split_unit_cell(text)):
        # "UBMTTQVN và các đoàn thể xã": a unit and a group, not one name;
        # "Văn phòng HĐND và UBND" stays whole.
        parts = re.split(r"\s+và\s+(?=(?:các|những)\b)", name)
        names.extend(p[:1].upper() + p[1:] for p in parts if p.strip())
    return names


def year_end_deadline(year: int) -> Deadline:
    """The deadline a task with no time gets: the plan year's last day."""
    return Deadline("", DeadlineKind.DATE, date(year, 12, 31))


def find_deadline(text: str, year: int | None) -> Deadline | None:
    """A deadline stated inside a prose item: a date phrase first, then a rhythm word."""
    for regex in (_DEADLINE_RE, _PERIOD_DEADLINE_RE):
        for m in regex.finditer(text):
            deadline = parse_deadline(m.group(0), year)
            if deadline.due_date is not None:
                return deadline
    rhythm = _RHYTHM_RE.search(text)
    if rhythm:
        deadline = parse_deadline(rhythm.group(0), year)
        if str(deadline.kind) != "unknown":
            return deadline
        return Deadline(rhythm.group(0), DeadlineKind.RECURRING)
    return None


def _is_heading(tok: _Tok, mode: str | None) -> bool:
    if tok.kind in (PART, ROMAN, HEAD):
        return True
    words = len(tok.title.split())
    if tok.kind == NUM:
        if mode in (TASKS, DUTY) and looks_like_unit(tok.title) and words <= 15:
            return not _SENTENCE_END_RE.search(tok.title)
        if tok.para.bold or tok.para.heading is not None:
            return words <= _MAX_HEADING_WORDS + 7 and not tok.title.rstrip().endswith(".")
        return words <= _MAX_HEADING_WORDS and not _SENTENCE_END_RE.search(tok.title)
    if tok.kind == LETTER and mode in (TASKS, DUTY):
        return tok.title.rstrip().endswith(":") and looks_like_unit(tok.title) and words <= 15
    return False


def _rank(tok: _Tok) -> int:
    if tok.kind == PART:
        return 0
    if tok.kind == ROMAN:
        return 1
    if tok.kind == HEAD:
        return 1 + tok.depth
    if tok.kind == NUM:
        return 1 + tok.depth
    return 10  # a unit heading


def read_prose(paras: list[Para], year: int | None) -> ProseResult:
    """Fields and tasks of a prose plan; everything else reported as skipped."""
    parser = _Parser(year)
    for para in paras:
        if parser.feed(_tokenize(para)):
            break
    return parser.finish()


class _Parser:
    def __init__(self, year: int | None) -> None:
        self.year = year
        self.stack: list[_Heading] = []
        self.fields: list[_FieldInfo] = []
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None
        self.block_numbered = False
        self.top_bullet: tuple[str, int] | None = None
        self.skipped: list[SkippedRow] = []
        self.warnings: list[ImportWarning] = []
        self.headings: list[str] = []
        self.seen: list[Para] = []
        self.last_resp: tuple[str, str] | None = None  # (role, text) of the last unit line

    # --- state ---------------------------------------------------------------

    def mode(self) -> str | None:
        for heading in reversed(self.stack):
            if heading.cls is not None:
                return heading.cls
        return None

    def _mode_heading(self) -> _Heading | None:
        for heading in reversed(self.stack):
            if heading.cls is not None:
                return heading
        return None

    def field_heading(self) -> _Heading | None:
        for heading in reversed(self.stack):
            if heading.unit or heading.cls is None:
                return heading
        return self._mode_heading()

    def field_index(self) -> int:
        heading = self.field_heading()
        if heading is None:
            if not self.fields or self.fields[-1].key != "":
                self.fields.append(_FieldInfo("", ""))
            return len(self.fields) - 1
        if heading.fid < 0:
            title = _clean_title(heading.tok.title)
            self.fields.append(_FieldInfo(heading.tok.marker, title))
            heading.fid = len(self.fields) - 1
            if heading.unit:
                self.fields[-1].lead = split_units(title)
        return heading.fid

    # --- feeding --------------------------------------------------------------

    def feed(self, tok: _Tok) -> bool:
        """Take one paragraph; True at the end of the body ("Nơi nhận", signature)."""
        self.seen.append(tok.para)
        key = ascii_key(tok.para.text[:40])
        if _STOP_RE.match(key):
            return True
        mode = self.mode()
        if _is_heading(tok, mode):
            self.open_heading(tok, mode)
            return False
        if tok.kind == TEXT and tok.title[:1].islower() and self.current is not None:
            self.extend(tok)
            return False
        if mode == TASKS:
            self.task_paragraph(tok)
        elif mode == DUTY:
            self.duty_paragraph(tok)
        elif mode == RESP:
            self.responsibility(tok)
        else:
            self.skip(tok, mode)
        return False

    def open_heading(self, tok: _Tok, mode: str | None) -> None:
        rank = _rank(tok)
        while self.stack and self.stack[-1].rank >= rank:
            self.close(self.stack.pop())
        title = _clean_title(tok.title)
        unit = rank == 10 or (tok.kind == NUM and mode in (TASKS, DUTY) and looks_like_unit(title))
        cls = None if unit else _classify(title)
        self.stack.append(_Heading(tok, rank, cls, unit=unit))
        self.headings.append(f"{tok.marker} {title}".strip() if tok.marker else title)
        self.current = None
        self.block_numbered = False
        self.top_bullet = None
        self.last_resp = None

    def close(self, heading: _Heading) -> None:
        if heading.skipped and str(heading.cls).startswith("importing.skip."):
            self.skipped.append(
                SkippedRow(
                    heading.tok.para.source,
                    str(heading.cls),
                    heading.tok.para.text.strip().rstrip(":")[:200],
                )
            )

    def skip(self, tok: _Tok, mode: str | None) -> None:
        self.current = None
        heading = self._mode_heading()
        if heading is not None and mode is not None and mode.startswith("importing.skip."):
            heading.skipped += 1
        elif self.stack or tok.kind != TEXT:
            self.skipped.append(
                SkippedRow(tok.para.source, "importing.skip.prose_outside", tok.para.text[:200])
            )

    def extend(self, tok: _Tok) -> None:
        assert self.current is not None
        self.current.paras.append(tok.para)
        joiner = "" if self.current.texts[-1].endswith("-") else " "
        self.current.texts[-1] = self.current.texts[-1].rstrip() + joiner + tok.title.strip()

    def new_task(self, tok: _Tok, *, duty: bool = False) -> None:
        index = self.field_index()
        heading = self.field_heading()
        assert heading is not None or self.fields
        draft = _Draft(
            heading=heading if heading is not None else _Heading(tok, 99, None),
            field_index=index,
            paras=[tok.para],
            texts=[tok.title.strip()],
            marker=tok.marker,
            kind=tok.kind,
            duty=duty,
        )
        self.drafts.append(draft)
        self.current = draft

    def task_paragraph(self, tok: _Tok) -> None:
        if tok.kind in (LETTER, NUM, ITEM):
            self.block_numbered = True
            self.new_task(tok)
            return
        if tok.kind == BULLET:
            marker = (tok.marker, tok.depth)
            sub = self.current is not None and (
                self.block_numbered or (self.top_bullet is not None and marker != self.top_bullet)
            )
            if sub and self.current is not None:
                self.current.paras.append(tok.para)
                self.current.texts.append(tok.title.strip())
                return
            if self.top_bullet is None:
                self.top_bullet = marker
            self.new_task(tok)
            return
        # Plain text starting with a capital: prose around the list, or a dated note.
        if find_deadline(tok.para.text, self.year) is not None and _is_note(tok):
            self.new_task(tok, duty=True)
            return
        self.current = None
        self.skipped.append(
            SkippedRow(tok.para.source, "importing.skip.prose_text", tok.para.text[:200])
        )

    def duty_paragraph(self, tok: _Tok) -> None:
        if find_deadline(tok.para.text, self.year) is not None:
            self.new_task(tok, duty=True)
            return
        self.current = None
        self.skipped.append(
            SkippedRow(tok.para.source, "importing.skip.prose_general_duty", tok.para.text[:200])
        )

    def responsibility(self, tok: _Tok) -> None:
        self.current = None
        text = tok.title.strip()
        if tok.kind == TEXT and text[:1].islower() and self.last_resp is not None:
            # "Đơn vị phối hợp: …, UBND xã," + "thị trấn." split by a page break.
            role, before = self.last_resp
            self.set_units(role, f"{before.rstrip()} {text}")
            return
        m = _RESP_LINE_RE.match(text)
        if m is None:
            self.skipped.append(
                SkippedRow(tok.para.source, "importing.skip.prose_text", tok.para.text[:200])
            )
            return
        role = "coordinating" if m.group("role").casefold() == "phối hợp" else "lead"
        self.set_units(role, m.group("units"))

    def set_units(self, role: str, text: str) -> None:
        info = self.fields[self.field_index()]
        units = split_units(text)
        if self.last_resp is not None and self.last_resp[0] == role:
            # The same line read again with its continuation: replace what it gave.
            for name in split_units(self.last_resp[1]):
                target = info.coordinating if role == "coordinating" else info.lead
                if name in target:
                    target.remove(name)
        target = info.coordinating if role == "coordinating" else info.lead
        target.extend(u for u in units if u not in target)
        self.last_resp = (role, text)

    # --- result ---------------------------------------------------------------

    def finish(self) -> ProseResult:
        while self.stack:
            self.close(self.stack.pop())
        fields: list[ImportedField] = []
        by_index: dict[int, ImportedField] = {}
        assumed = 0
        for draft in self.drafts:
            info = self.fields[draft.field_index]
            fld = by_index.get(draft.field_index)
            if fld is None:
                key = info.key or str(len(fields) + 1)
                fld = ImportedField(key, len(fields) + 1, info.title)
                by_index[draft.field_index] = fld
                fields.append(fld)
            task = self.make_task(draft, fld, info)
            assumed += task.deadline_assumed
            fld.tasks.append(task)
        if assumed and self.year:
            self.warnings.append(
                ImportWarning(
                    "importing.warning.year_end_deadlines",
                    {"count": assumed, "date": f"31/12/{self.year}"},
                )
            )
        order = {para.source: i for i, para in enumerate(self.seen)}
        self.skipped.sort(key=lambda row: order.get(row.source_row, len(order)))
        return ProseResult(fields, self.warnings, self.skipped, self.headings)

    def make_task(self, draft: _Draft, fld: ImportedField, info: _FieldInfo) -> ImportedTask:
        own, subs = draft.texts[0], draft.texts[1:]
        content = own if not subs else "\n".join([own, *(f"- {s}" for s in subs)])
        whole = " ".join(draft.texts)
        lead = list(info.lead)
        coordinating = list(info.coordinating)
        if draft.duty:
            subject = _duty_subject(own)
            if subject:
                lead = subject
        deadline = find_deadline(whole, self.year)
        assumed = False
        if deadline is None:
            if self.year:
                deadline, assumed = year_end_deadline(self.year), True
            else:
                deadline = Deadline("", DeadlineKind.UNKNOWN)
        code = None
        if draft.marker and draft.kind in (LETTER, NUM):
            code = draft.marker if "." in draft.marker else f"{fld.key}.{draft.marker}"
        if not lead:
            self.warnings.append(
                ImportWarning(
                    "importing.warning.no_lead",
                    {"code": code or own[:40], "field": fld.key},
                    draft.paras[0].source,
                )
            )
        return ImportedTask(
            field_key=fld.key,
            code=code,
            content=content,
            product=None,
            lead_units=lead,
            coordinating_units=[u for u in coordinating if u not in lead],
            monitoring_unit=None,
            target=None,
            deadline=deadline,
            percent=None,
            status_text=None,
            output=None,
            budget=None,
            note=None,
            parent_code=None,
            source_row=draft.paras[0].source,
            source_text="\n".join(p.text for p in draft.paras),
            criterion_codes=find_criterion_codes(whole) if _CITES_RE.search(whole) else [],
            deadline_assumed=assumed,
        )


def _is_note(tok: _Tok) -> bool:
    key = ascii_key(tok.para.text[:20])
    return key.startswith(("luu y", "ghi chu", "de nghi"))


def _duty_subject(text: str) -> list[str]:
    for regex in _DUTY_SUBJECT_RES:
        m = regex.match(text.strip())
        if m:
            return split_units(m.group("u"))
    return []
