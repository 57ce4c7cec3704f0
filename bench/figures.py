"""One way to print a benchmark's figures: name, then value, floats to 3 decimals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def print_figures(result: Mapping[str, Any], *, decimals: int = 3) -> None:
    width = max((len(key) for key in result), default=0) + 2
    for key, value in result.items():
        shown = f"{value:.{decimals}f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}{shown:>12}")
