"""Charts drawn on the server as SVG: no chart library travels to the phone.

One horizontal stacked bar per field or unit, a segment per standing (done,
on track, behind, overdue, not started) in the page's theme colours — the
segments carry CSS classes (``seg-done`` …) and the page's stylesheet paints
them from Telegram's theme, so the same SVG reads in light and dark mode.
Each bar is a ``<g data-kind=… data-id=…>`` the page turns into a tap target.
Every text is escaped; the numbers are given, never computed here beyond
their widths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 340
ROW = 38
BAR = 14
LABEL_MAX = 44


@dataclass(frozen=True, slots=True)
class Bar:
    kind: str  # "field" or "unit"
    ref_id: int | None
    label: str
    total: float
    segments: Sequence[tuple[str, float]]  # (class, amount), drawn in this order
    caption: str  # "5/8 · 62,5%"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def stacked_bars(bars: Sequence[Bar], *, title: str) -> str:
    """An SVG document (as text) with one stacked bar per item."""
    height = max(ROW, ROW * len(bars) + 6)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label={quoteattr(title)} class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        y = i * ROW + 4
        attrs = f'data-kind="{bar.kind}"'
        if bar.ref_id is not None:
            attrs += f' data-id="{int(bar.ref_id)}" class="tap"'
        out.append(f"<g {attrs}>")
        out.append(f'<rect x="0" y="{y}" width="{WIDTH}" height="{ROW - 4}" class="hit"/>')
        out.append(f'<text x="0" y="{y + 11}" class="lbl">{escape(_short(bar.label))}</text>')
        out.append(
            f'<text x="{WIDTH}" y="{y + 11}" text-anchor="end" class="cap">'
            f"{escape(bar.caption)}</text>"
        )
        out.append(
            f'<rect x="0" y="{y + 16}" width="{WIDTH}" height="{BAR}" rx="3" class="track"/>'
        )
        x = 0.0
        for standing, count in bar.segments:
            if not count or not bar.total:
                continue
            w = WIDTH * count / bar.total
            out.append(
                f'<rect x="{x:.1f}" y="{y + 16}" width="{w:.1f}" height="{BAR}" '
                f'class="seg-{escape(standing)}"><title>{count:g}</title></rect>'
            )
            x += w
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
