"""What is worth a warning in an imported scorecard (imported anyway, each listed).

* a score above its max;
* points lost as written that disagree with max − score;
* a field whose listed criteria cover its whole max but do not add up to its score;
* a total that is not the sum of the fields (seed 000: 81,863 written, fields
  add up to 75,73 — the province's total includes adjustments the text does
  not itemize, so the written total is kept and the difference is shown);
* a code that does not belong under the field it is written in ("7.3" under
  field 3) or a code given twice.
"""

from __future__ import annotations

from decimal import Decimal

from plans.par_index.model import Level, Scorecard, ScoreItem, ScoreWarning


def _label(item: ScoreItem) -> str:
    return item.code or item.title[:60]


def check(card: Scorecard) -> list[ScoreWarning]:
    warnings: list[ScoreWarning] = []
    seen: set[str] = set()
    for item in card.items:
        score, maximum = item.score, item.max
        if score is not None and maximum is not None and score > maximum:
            warnings.append(
                ScoreWarning(
                    "par_index.warning.above_max",
                    {"code": _label(item), "score": score, "max": maximum},
                )
            )
        if item.lost is not None and score is not None and maximum is not None:
            if item.lost != max(Decimal(0), maximum - score):
                warnings.append(
                    ScoreWarning(
                        "par_index.warning.lost_mismatch",
                        {
                            "code": _label(item),
                            "lost": item.lost,
                            "score": score,
                            "max": maximum,
                        },
                    )
                )
        if item.code and item.level is not Level.FIELD:
            if item.code in seen:
                warnings.append(ScoreWarning("par_index.warning.duplicate", {"code": item.code}))
            seen.add(item.code)
    fields = card.fields
    for field in fields:
        children = [
            c
            for c in card.items
            if c.level is Level.CRITERION and c.parent_code == field.code and field.code
        ]
        if field.code:
            for child in children:
                if child.code and child.code.split(".")[0] != field.code:
                    warnings.append(
                        ScoreWarning(
                            "par_index.warning.unknown_code",
                            {"code": child.code, "field": field.code},
                        )
                    )
        if not children or field.max is None or field.score is None:
            continue
        maxes = sum((c.max or Decimal(0) for c in children), Decimal(0))
        scores = sum((c.score or Decimal(0) for c in children), Decimal(0))
        if maxes == field.max and scores != field.score:
            warnings.append(
                ScoreWarning(
                    "par_index.warning.field_sum",
                    {"code": _label(field), "score": field.score, "sum": scores},
                )
            )
    fields_total = card.fields_total
    if card.total is not None and fields_total is not None and fields_total != card.total:
        warnings.append(
            ScoreWarning(
                "par_index.warning.total_sum",
                {"total": card.total, "sum": fields_total},
            )
        )
    return warnings
