"""Points as the documents write them: decimal commas ("8,42", "81,863", "0,5")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from plans.regex import lazy_compile

NUMBER = r"\d{1,3}(?:[.,]\d{1,4})?"
_NUMBER_RE = lazy_compile(rf"^\s*({NUMBER})\s*$")


def parse_points(text: str | float | Decimal | None) -> Decimal | None:
    """ "8,42" → 8.42. A comma is always the decimal mark here (scores never reach 1000).

    A dot is accepted too (spreadsheets exported in English locale write "8.42").
    Anything else — blank, "x", "1.234.5" — is None.
    """
    if text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        try:
            return Decimal(str(text)).normalize()
        except InvalidOperation:
            return None
    match = _NUMBER_RE.match(str(text))
    if match is None:
        return None
    try:
        return Decimal(match.group(1).replace(",", ".")).normalize()
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
