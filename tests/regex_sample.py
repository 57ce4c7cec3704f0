"""One string a regular expression accepts (not a test module).

The handler-access walk reaches a ``MessageHandler`` whose filter wants a
caption like "kiểm chứng 1.1 …" or "/nhapdiem": it reads the pattern from the
filter and writes the shortest string of the first alternative, so a handler
added later with a new pattern is reached without editing the test.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_CATEGORY = {C.CATEGORY_DIGIT: "1", C.CATEGORY_SPACE: " ", C.CATEGORY_WORD: "a"}


def _one_of(items: list[tuple[Any, Any]]) -> str:
    negate = any(op is C.NEGATE for op, _ in items)
    if negate:
        return "a" if all(not (op is C.LITERAL and av == ord("a")) for op, av in items) else "b"
    for op, av in items:
        if op is C.LITERAL:
            return chr(av)
        if op is C.RANGE:
            return chr(av[0])
        if op is C.CATEGORY:
            return _CATEGORY.get(av, "a")
    return "a"


def _walk(parsed: Any) -> str:
    out = []
    for op, av in parsed:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op is C.ANY:
            out.append("a")
        elif op is C.IN:
            out.append(_one_of(av))
        elif op is C.BRANCH:
            out.append(_walk(av[1][0]))
        elif op is C.SUBPATTERN:
            out.append(_walk(av[-1]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            low, _high, item = av
            out.append(_walk(item) * low)
        elif op is C.CATEGORY:
            out.append(_CATEGORY.get(av, "a"))
        # AT (anchors, \b), assertions, group references: nothing to write
    return "".join(out)


def sample(pattern: str | re.Pattern[str]) -> str:
    """A string ``pattern`` matches (checked), e.g. ``^/(nhapdiem|x)\\b`` → ``/nhapdiem``."""
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
    text = _walk(P.parse(compiled.pattern, compiled.flags))
    assert compiled.search(text), f"sample {text!r} does not match {compiled.pattern!r}"
    return text
