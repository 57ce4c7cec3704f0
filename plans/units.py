"""Unit names (bộ phận / đơn vị) as plans write them, and how they map to our units.

Cells of "chủ trì" / "phối hợp" columns hold one or several units, spelled
differently across documents ("Văn phòng – Thống kê", "Văn phòng-Thống kê",
"VP-TK"; "Văn hoá" / "Văn hóa"), wrapped over lines by PDF conversion
("Văn phòng \\n– Thống kê"), or a placeholder that names no single unit
("Các bộ phận liên quan"). This module splits cells, flags placeholders and
resolves names against the organization's directory of units and aliases.

Resolution results (`UnitMatch`):
- `unit` set: a confident match (exact name/alias, a built-in abbreviation, or
  a unique diacritic-free match);
- `unit` None with candidates: the plan keeper must choose or confirm — one
  candidate is a suggestion (e.g. "Tư pháp" for "Tư pháp - Hộ tịch"), several
  are an ambiguity;
- `unit` None, no candidates: a new unit; `placeholder` True: names no unit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from plans.regex import lazy_compile
from plans.text import ascii_key, fold_dashes, fold_spaces, match_key, nfc, strip_diacritics

__all__ = [
    "UnitDirectory",
    "UnitMatch",
    "UnitRef",
    "display_name",
    "is_placeholder",
    "split_unit_cell",
]

_BULLET_RE = lazy_compile(r"^\s*(?:[-–—•·▪●○◦*+]|\d+[.)]|[a-zđ][.)])\s+", re.IGNORECASE)
_LINE_DASH_RE = lazy_compile(r"^\s*[-–—‐‑−]")
_INLINE_SPLIT_RE = lazy_compile(r"[,;+•·▪●◦]")
_EDGE = " .,;:*_-–—\"'`"

# Words kept in capitals when tidying an ALL-CAPS name.
_ABBREVIATIONS = {
    "ubnd",
    "hđnd",
    "mttq",
    "ubmttq",
    "vn",
    "tthc",
    "cchc",
    "cntt",
    "tn&tkq",
    "vp",
    "tk",
    "tp",
    "ht",
    "đc",
    "xd",
    "tc",
    "kt",
    "vh",
    "xh",
    "bpmc",
    "ca",
    "qs",
    "ct",
    "pct",
    "kt-xh",
    "vp-tk",
    "tp-ht",
    "đc-xd",
    "tc-kt",
    "vh-xh",
    "hđnd-ubnd",
}

# Built-in aliases: each group names one unit; a directory unit whose name or alias is
# in a group answers to the whole group (unless two units claim the same group).
_BUILTIN_GROUPS: tuple[tuple[str, ...], ...] = (
    ("VP-TK", "VPTK", "Văn phòng - Thống kê", "Văn phòng Thống kê", "Văn phòng - Thống kê xã"),
    ("TP-HT", "TPHT", "Tư pháp - Hộ tịch", "Tư pháp Hộ tịch", "Tư pháp - Hộ tịch xã"),
    (
        "ĐC-XD",
        "ĐCXD",
        "Địa chính - Xây dựng",
        "Địa chính Xây dựng",
        "Địa chính - Xây dựng - Môi trường",
        "Địa chính - Nông nghiệp - Xây dựng và Môi trường",
    ),
    ("TC-KT", "TCKT", "Tài chính - Kế toán", "Tài chính Kế toán", "Tài chính - Kế toán xã"),
    ("VH-XH", "VHXH", "Văn hóa - Xã hội", "Văn hóa Xã hội", "Văn hóa - Xã hội xã"),
    (
        "BPMC",
        "Bộ phận một cửa",
        "Bộ phận Một cửa",
        "Bộ phận tiếp nhận và trả kết quả",
        "Bộ phận TN&TKQ",
        "Bộ phận tiếp nhận và trả kết quả hồ sơ",
        "Bộ phận tiếp nhận và trả kết quả TTHC",
    ),
    ("Công an xã", "Công an", "CA xã", "Công an phường"),
    ("Quân sự", "Ban Chỉ huy Quân sự", "Ban CHQS", "BCH Quân sự", "Quân sự xã", "CHQS"),
    ("UBND xã", "Ủy ban nhân dân xã", "UBND"),
    ("Chủ tịch UBND xã", "Chủ tịch UBND", "Chủ tịch", "CT UBND", "CT UBND xã"),
    ("Văn phòng HĐND - UBND", "Văn phòng HĐND và UBND", "VP HĐND-UBND", "Văn phòng HĐND-UBND"),
)

# Role words before and locality words after a name, ignored by the loose key
# ("Công chức Tư pháp - Hộ tịch xã" is "Tư pháp - Hộ tịch").
_LOOSE_PREFIX_RE = lazy_compile(r"^(?:cong chuc|can bo|bo phan|ban|to)\s+")
_LOOSE_SUFFIX_RE = lazy_compile(r"\s+(?:xa|phuong|thi tran|huyen)$")

_PLACEHOLDER_PATTERNS = lazy_compile(
    r"^(?:cac|nhung|mot so)\s|"  # plural: "Các bộ phận liên quan", "Các đoàn thể"
    r"\blien quan\b|"  # "đơn vị liên quan"
    r"\bcac\s+(?:xa|phuong|thi tran|thon|khu pho|to dan pho|hoi|doan the|nganh)\b|"
    r"^(?:tat ca|toan the|toan bo)\b|"
    # "UBND xã, thị trấn": every commune and township of a district, no single unit.
    r"^(?:ubnd|uy ban nhan dan) (?:xa|phuong),? (?:va )?(?:thi tran|phuong|xa)$|"
    r"^(?:can bo,? cong chuc|cbcc)(?:\s+(?:ubnd|xa|phuong))*$|"
    r"^(?:doan the|hoi,? doan the|ban nganh|cac ban nganh)$"
)


def _tidy_case(name: str) -> str:
    letters = [ch for ch in name if ch.isalpha()]
    if (
        letters
        and all(ch.isupper() for ch in letters)
        and any(
            len(w) > 4 and w.casefold() not in _ABBREVIATIONS for w in re.findall(r"[\w&]+", name)
        )
    ):
        words = []
        for word in name.split(" "):
            words.append(word if word.casefold() in _ABBREVIATIONS else word.lower())
        name = re.sub(r"(- )(\w)", lambda m: m.group(1) + m.group(2).upper(), " ".join(words))
    return name[:1].upper() + name[1:]


def display_name(name: str) -> str:
    """A unit name fit to show: NFC, one kind of dash, single spaces, first letter capital."""
    text = fold_dashes(fold_spaces(nfc(name))).strip(_EDGE)
    return _tidy_case(text) if text else ""


def is_placeholder(name: str) -> bool:
    """True for names that designate no single unit ("Các bộ phận liên quan", "UBND các xã")."""
    key = fold_spaces(strip_diacritics(match_key(name)).replace("-", " "))
    return bool(key) and bool(_PLACEHOLDER_PATTERNS.search(key))


def _join_lines(cell: str) -> list[str]:
    """Undo PDF line wrapping: continuation lines are glued back to their unit."""
    lines = [line.rstrip() for line in nfc(cell).replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return []
    bulleted = bool(_BULLET_RE.match(lines[0]))
    chunks: list[str] = []
    for line in lines:
        stripped = line.strip()
        starts_bullet = bool(_BULLET_RE.match(line)) and (bulleted or not _LINE_DASH_RE.match(line))
        if not chunks:
            chunks.append(_BULLET_RE.sub("", line, count=1).strip() if bulleted else stripped)
            continue
        prev = chunks[-1]
        if starts_bullet:
            chunks.append(_BULLET_RE.sub("", line, count=1).strip())
            continue
        prev_dangles = bool(re.search(r"[-–—‐‑−&]$|\b(?:và|của)$", prev))
        capitalised = bool(re.match(r"[^\W\d_][^\W\d_]*", stripped)) and (
            stripped[:1].isupper() and stripped[1:2].islower()
        )
        if capitalised and not prev_dangles and not _LINE_DASH_RE.match(stripped):
            chunks.append(stripped)
        elif re.search(r"\S[-‐‑]$", prev):
            chunks[-1] = prev + stripped  # "HĐND-" + "UBND"
        else:
            chunks[-1] = f"{prev} {stripped}"
    return chunks


def split_unit_cell(cell: str | None) -> list[str]:
    """Split a "chủ trì"/"phối hợp" cell into unit names, display-tidied, in order.

    Splits on commas, semicolons, "+", bullets and line breaks that start a new
    name; keeps dashes inside names. A lowercase piece after a comma that follows
    a plural ("các cơ quan, đơn vị liên quan", "UBND các xã, thị trấn") stays in
    the same name, since the list names a group, not several units.
    """
    if not cell:
        return []
    names: list[str] = []
    for chunk in _join_lines(cell):
        pieces = [p.strip(_EDGE) for p in _INLINE_SPLIT_RE.split(chunk)]
        merged: list[str] = []
        for piece in pieces:
            if not piece:
                continue
            if (
                merged
                and piece[:1].islower()
                and (
                    re.search(r"\b(?:các|những)\b", merged[-1], re.IGNORECASE)
                    or (
                        ascii_key(merged[-1]) == "can bo"
                        and ascii_key(piece).startswith("cong chuc")
                    )
                )
            ):
                merged[-1] = f"{merged[-1]}, {piece}"
            else:
                merged.append(piece)
        names.extend(display_name(p) for p in merged)
    return [n for n in names if n]


@dataclass(frozen=True)
class UnitRef:
    unit_id: int
    name: str


@dataclass(frozen=True)
class UnitMatch:
    text: str
    unit: UnitRef | None
    candidates: tuple[UnitRef, ...]
    placeholder: bool

    @property
    def ambiguous(self) -> bool:
        return self.unit is None and len(self.candidates) > 1

    @property
    def is_new(self) -> bool:
        return self.unit is None and not self.candidates and not self.placeholder


def _loose_key(text: str) -> str:
    key = ascii_key(text)
    key = _LOOSE_PREFIX_RE.sub("", key)
    return _LOOSE_SUFFIX_RE.sub("", key)


def _search_key(text: str) -> str:
    return fold_spaces(re.sub(r"[^\w&]+", " ", ascii_key(text)))


def _compact(text: str) -> str:
    return re.sub(r"[^\w]+", "", ascii_key(text))


def _first_segment(text: str) -> str:
    """ "Tư pháp - Hộ tịch" -> "tu phap": plans often name a unit by its first half."""
    return ascii_key(text).split("-", 1)[0].strip()


@functools.cache
def _builtin_group_keys() -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """Each built-in group of spellings with its compact and loose keys (computed once)."""
    return tuple(
        (group, frozenset({_compact(g) for g in group} | {_loose_key(g) for g in group}))
        for group in _BUILTIN_GROUPS
    )


class UnitDirectory:
    """An organization's units and aliases, for resolving and searching names."""

    def __init__(self, units: Iterable[tuple[int, str, Iterable[str]]]) -> None:
        self._units: dict[int, UnitRef] = {}
        self._names: dict[int, list[str]] = {}
        exact: dict[str, set[int]] = {}
        for unit_id, name, aliases in units:
            ref = UnitRef(unit_id, name)
            self._units[unit_id] = ref
            spellings = [name, *aliases]
            self._names[unit_id] = spellings
            for spelling in spellings:
                if spelling.strip():
                    exact.setdefault(match_key(spelling), set()).add(unit_id)
        self._exact = exact
        self._ascii = self._index(ascii_key)
        self._loose = self._index(_loose_key)
        self._extra: dict[int, list[str]] = {unit_id: [] for unit_id in self._units}
        self._builtin = self._builtin_index()
        self._first = self._index(_first_segment)
        # (search key, its words, compact key) per spelling, computed once for `search`.
        self._search_keys: dict[int, list[tuple[str, list[str], str]]] = {
            unit_id: [
                (key := _search_key(spelling), key.split(" "), _compact(spelling))
                for spelling in (*spellings, *self._extra[unit_id])
                if spelling.strip()
            ]
            for unit_id, spellings in self._names.items()
        }

    def _index(self, key_fn: Callable[[str], str]) -> dict[str, set[int]]:
        index: dict[str, set[int]] = {}
        for unit_id, spellings in self._names.items():
            for spelling in spellings:
                if spelling.strip():
                    index.setdefault(key_fn(spelling), set()).add(unit_id)
        return index

    def _builtin_index(self) -> dict[str, set[int]]:
        # Each spelling's keys once, not once per built-in group (every group × every
        # spelling × two regex keys made a 21-unit directory 15.4 ms to build; now 5.6).
        unit_keys = {
            unit_id: {_compact(s) for s in spellings} | {_loose_key(s) for s in spellings}
            for unit_id, spellings in self._names.items()
        }
        index: dict[str, set[int]] = {}
        for group, keys in _builtin_group_keys():
            owners = {unit_id for unit_id, own in unit_keys.items() if own & keys}
            for key in keys:
                index.setdefault(key, set()).update(owners)
            if len(owners) == 1:
                self._extra[next(iter(owners))].extend(group)
        return index

    @property
    def units(self) -> tuple[UnitRef, ...]:
        return tuple(self._units.values())

    def _refs(self, ids: Iterable[int]) -> tuple[UnitRef, ...]:
        return tuple(sorted((self._units[i] for i in ids), key=lambda r: (r.name, r.unit_id)))

    def resolve(self, text: str) -> UnitMatch:
        """Find the unit a plan's cell names; see the module docstring for the result."""
        shown = display_name(text)
        if is_placeholder(text):
            return UnitMatch(shown, None, (), True)
        steps = (
            (self._exact, match_key(text)),
            (self._ascii, ascii_key(text)),
            (self._builtin, _compact(text)),
            (self._builtin, _loose_key(text)),
            (self._loose, _loose_key(text)),
        )
        for index, key in steps:
            ids = index.get(key, set())
            if len(ids) == 1:
                return UnitMatch(shown, self._units[next(iter(ids))], (), False)
            if len(ids) > 1:
                return UnitMatch(shown, None, self._refs(ids), False)
        # Suggestions only: "Tư pháp" for "Tư pháp - Hộ tịch", "Văn phòng" for "Văn phòng - TK".
        key = ascii_key(text)
        suggested = self._first.get(key, set())
        if not suggested:
            suggested = {
                unit_id
                for unit_id, spellings in self._names.items()
                if any(_first_segment(key) == _first_segment(s) for s in spellings)
            }
        return UnitMatch(shown, None, self._refs(suggested), False)

    def search(self, query: str) -> list[UnitRef]:
        """Units matching a typed query, best first ("tu phap" finds "Tư pháp - Hộ tịch")."""
        q = _search_key(query)
        if not q:
            return list(self._refs(self._units))
        q_words = q.split(" ")
        q_compact = _compact(query)
        scored: list[tuple[int, str, int]] = []
        for unit_id, keys in self._search_keys.items():
            best: int | None = None
            for s, words, compact in keys:
                if s == q or compact == q_compact:
                    score = 0
                elif s.startswith(q):
                    score = 1
                elif f" {q}" in f" {s}":
                    score = 2
                elif all(any(w.startswith(qw) for w in words) for qw in q_words):
                    score = 3
                elif q in s:
                    score = 4
                else:
                    continue
                best = score if best is None else min(best, score)
            if best is not None:
                ref = self._units[unit_id]
                scored.append((best, ref.name, unit_id))
        scored.sort()
        return [self._units[unit_id] for _, _, unit_id in scored]
