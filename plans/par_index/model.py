"""What a scorecard is once read: fields, criteria and sub-criteria with their points.

One list of :class:`ScoreItem` in document order, each knowing its level
(field / criterion / sub-criterion), its group (self-assessed Nhóm I or the
province's survey Nhóm II, SIPAS), its code as written ("3.4", "6.2.1", or
None when the text gives none) and the code of the item it belongs to. The
``--json`` shape of ``import-scores`` is :meth:`Scorecard.to_json`; it is a
public contract, tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

MILLI = Decimal("0.001")


class Level(StrEnum):
    FIELD = "field"  # lĩnh vực (and the survey group's block)
    CRITERION = "criterion"  # tiêu chí
    SUB = "sub"  # tiêu chí thành phần / a "+" item under a criterion


class Group(StrEnum):
    SELF = "self"  # Nhóm I: tự đánh giá
    SURVEY = "survey"  # Nhóm II: điều tra xã hội học (SIPAS), scored by the province


@dataclass
class ScoreItem:
    level: Level
    code: str | None
    title: str
    max: Decimal | None
    self_score: Decimal | None = None
    appraised: Decimal | None = None
    lost: Decimal | None = None
    reason: str | None = None
    parent_code: str | None = None
    group: Group = Group.SELF
    evidence: str | None = None  # "Tài liệu kiểm chứng" column of a table form
    note: str | None = None

    @property
    def score(self) -> Decimal | None:
        """The score that counts: appraised (thẩm định) when known, else self-assessed."""
        return self.appraised if self.appraised is not None else self.self_score

    @property
    def points_lost(self) -> Decimal:
        """Points lost as written, else max − score (never negative)."""
        if self.lost is not None:
            return self.lost
        if self.max is None or self.score is None:
            return Decimal(0)
        return max(Decimal(0), self.max - self.score)


@dataclass(frozen=True)
class ScoreWarning:
    """Something imported but worth a look; rendered with ``t(key, lang, **params)``."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scorecard:
    year: int | None
    total: Decimal | None
    rating: str | None
    rank: int | None
    rank_of: int | None
    items: list[ScoreItem]
    warnings: list[ScoreWarning] = field(default_factory=list)
    form: str = "prose"  # "prose" | "table"
    source_name: str | None = None
    source_sha256: str | None = None

    @property
    def fields(self) -> list[ScoreItem]:
        return [i for i in self.items if i.level is Level.FIELD]

    @property
    def criteria(self) -> list[ScoreItem]:
        return [i for i in self.items if i.level is not Level.FIELD]

    @property
    def max_total(self) -> Decimal | None:
        maxes = [f.max for f in self.fields if f.max is not None]
        return sum(maxes, Decimal(0)) if maxes else None

    @property
    def fields_total(self) -> Decimal | None:
        scores = [f.score for f in self.fields if f.score is not None]
        return sum(scores, Decimal(0)) if scores else None

    def to_json(self) -> dict[str, Any]:
        """The public ``import-scores --json`` shape (numbers as JSON numbers)."""
        return {
            "year": self.year,
            "total": number(self.total),
            "max_total": number(self.max_total),
            "rating": self.rating,
            "rank": self.rank,
            "rank_of": self.rank_of,
            "fields": [
                {
                    "code": f.code,
                    "title": f.title,
                    "score": number(f.score),
                    "max": number(f.max),
                    "group": f.group.value,
                }
                for f in self.fields
            ],
            "criteria": [
                {
                    "code": c.code,
                    "title": c.title,
                    "score": number(c.score),
                    "max": number(c.max),
                    "lost": number(c.points_lost),
                    "reason": c.reason,
                    "parent_code": c.parent_code,
                    "self_score": number(c.self_score),
                    "appraised": number(c.appraised),
                    "group": c.group.value,
                }
                for c in self.criteria
            ],
            "warnings": [{"key": w.key, **_plain(w.params)} for w in self.warnings],
        }


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: number(v) if isinstance(v, Decimal) else v for k, v in params.items()}


def number(value: Decimal | None) -> int | float | None:
    """A JSON number: 2 stays 2, 8.42 stays 8.42 (no binary noise)."""
    if value is None:
        return None
    value = value.quantize(MILLI, rounding=ROUND_HALF_UP).normalize()
    if value == value.to_integral_value():
        return int(value)
    return float(str(value))


def to_milli(value: Decimal | None) -> int | None:
    """Thousandths of a point, the exact integer the database stores."""
    if value is None:
        return None
    return int((value / MILLI).to_integral_value(rounding=ROUND_HALF_UP))


def from_milli(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) * MILLI).normalize()


def format_points(value: Decimal | None, lang: str | None = "vi") -> str:
    """ "81,863" in Vietnamese, "81.863" in English; integers without decimals."""
    if value is None:
        return "—"
    value = value.quantize(MILLI, rounding=ROUND_HALF_UP).normalize()
    if value == value.to_integral_value():
        text = str(int(value))
    else:
        text = format(value, "f")
    return text.replace(".", ",") if (lang or "vi") == "vi" else text
