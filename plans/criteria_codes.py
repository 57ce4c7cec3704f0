"""Criterion codes cited in plan text: "(TCTP 3.2)", "(Tại TCTP 6.3.1)", "TCTP 1.1, 1.2".

PAR INDEX plans tie a measure to the criterion it is meant to win back by
citing its code (tiêu chí thành phần, TCTP) in the task's own words. Both the
plan importer and the PAR INDEX desk read those citations, so the grammar
lives here once: a marker word (TCTP, TC, "tiêu chí", "tiêu chí thành phần")
followed by one or more dotted codes. A bare "3.2" without a marker is not a
citation (it may be a decree number or a date).
"""

from __future__ import annotations

import re

from plans.regex import lazy_compile
from plans.text import strip_diacritics

_CODE = r"\d{1,2}(?:\.\d{1,2}){1,3}"
_MARKER_RE = lazy_compile(
    r"(?<!\w)(?:tctp|tieu chi thanh phan|tieu chi|tc)\s*(?:so\s*)?[:.]?\s*"
    rf"({_CODE}(?:\s*(?:,|;|va|\+)\s*{_CODE})*)",
    re.IGNORECASE,
)
_ONE_CODE_RE = lazy_compile(_CODE)


def normalize_code(code: str) -> str:
    """ "6.02.1" and "6.2.1." both read "6.2.1" (leading zeros and dots folded).

    A code with a part that is not a number ("1.a", a prose plan's lettered item)
    names no criterion and reads "": dropping the letter would link the item to
    the whole field's criterion "1".
    """
    parts = [p for p in code.strip().strip(".").split(".") if p]
    if not all(p.isascii() and p.isdigit() for p in parts):
        return ""
    return ".".join(str(int(p)) for p in parts)


def find_criterion_codes(text: str) -> list[str]:
    """The criterion codes a text cites, in order of appearance, each once."""
    if not text or _ONE_CODE_RE.search(text) is None:
        return []  # no dotted number at all: nothing to fold
    folded = strip_diacritics(text).lower()
    found: list[str] = []
    for match in _MARKER_RE.finditer(folded):
        for code in _ONE_CODE_RE.findall(match.group(1)):
            code = normalize_code(code)
            if code and code not in found:
                found.append(code)
    return found
