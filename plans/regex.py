"""Regular expressions compiled on first use instead of at import.

CPython compiles a pattern in pure Python, and the long Vietnamese patterns
with IGNORECASE are slow to compile: the ≈ 200 module-level patterns the bot
imports at start cost ≈ 60–80 ms of CPU before its first ``getUpdates``
(``bench.bench_startup``), though most serve a plan import, the PAR index, a
roster or a deadline phrase that may not come for days. :func:`lazy_compile`
returns a stand-in with the compiled pattern's interface; its first use
compiles the pattern (``re.compile``, the same flags) and binds the compiled
pattern's methods on the stand-in, so that later calls cost what calls on a
compiled pattern cost.
"""

from __future__ import annotations

import re
from typing import Any, cast

#: The methods bound on the stand-in at its first use, so they are found without
#: ``__getattr__`` from then on; any other attribute (``groups``, ``flags``, …) is passed
#: on to the compiled pattern.
_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class _LazyPattern:
    """A pattern that compiles itself when first asked for anything but its source."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:  # the compiled pattern's attribute, any type
        if name.startswith("__"):  # copy, pickle and the like ask for these: not ours
            raise AttributeError(name)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self._flags)
            for method in _METHODS:
                setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast(re.Pattern[str], _LazyPattern(pattern, flags))
