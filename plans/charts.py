"""The completion picture as one PNG a chairman can read on a phone.

A headline — the overall mean percent in large type with what it is in
words ("tỷ lệ hoàn thành bình quân của 28 nhiệm vụ") and the line "Đã hoàn
thành 10 · Đúng tiến độ 12 · Chậm tiến độ 6" — then two panels, by field
(lĩnh vực) and by unit (bộ phận), of horizontal bars.
Each label sits on its own line above its bar, across the full width, so long
Vietnamese names ("Xây dựng và phát triển chính quyền điện tử, chính quyền
số") wrap into readable lines instead of squeezing the bars; the mean percent
sits at the bar's end and "done/total" on the label line, because a chairman
reads "27/32" first.

Built on ``matplotlib.figure.Figure`` with the Agg canvas and no pyplot: no
global state, safe in the bot's worker threads. DejaVu Sans (shipped with
matplotlib) has every Vietnamese letter; labels are NFC-normalised so no
decomposed tone mark falls back to a missing glyph.
"""

from __future__ import annotations

import io
import struct
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from locales import normalize_language, t
from plans.status_table import clean_text, format_percent_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# (label, mean_percent 0..100, done, total); a None label is the bar of the
# tasks given to no unit in particular, named in the reader's language here.
ChartItem = tuple[str | None, float, int, int]
# A bar as drawn: its label resolved.
_Bar = tuple[str, float, int, int]


@dataclass(frozen=True, slots=True)
class ChartOverall:
    """The headline figures, as ``plans.completion`` counted them (never recounted here)."""

    total: int
    done: int
    on_track: int
    behind: int  # neither done nor on track: behind, overdue or not started
    mean_percent: float


FONT_FAMILY = "DejaVu Sans"
DPI = 100  # 1 pt = 100/72 px; 1080 px wide is a phone screen's full width
WIDTH_PX = 1080
TITLE_PT = 26
PANEL_TITLE_PT = 23
LABEL_PT = 22
VALUE_PT = 22
LABEL_WRAP = 36  # characters per label line, leaving room for "27/32 nhiệm vụ"
TITLE_WRAP = 38
HEADLINE_WRAP = 44
HEADLINE_GID = "headline"  # matplotlib gid of the big percentage (tests find it by it)
HEADLINE_WORDS_GID = "headline_words"
X_MAX = 114.0  # 100% ends at ~88% of the width; the rest holds "84,4%"

# Vertical layout, in pixels.
_PAD_PX = 30
_TITLE_LINE_PX = 44
_PANEL_TITLE_PX = 56
_LABEL_LINE_PX = 34
_BAR_PX = 34
_ROW_GAP_PX = 26
_PANEL_GAP_PX = 30
_EMPTY_PX = 50
_HEADLINE_NUMBER_PX = 84
_HEADLINE_LINE_PX = 36
HEADLINE_PT = 52
HEADLINE_WORDS_PT = 21

TELEGRAM_PHOTO_MAX_SUM = 10_000  # sendPhoto: width + height at most 10000 px

BAR_LABEL = "completion"  # the BarContainer holding the data bars
TRACK_LABEL = "_track"  # the grey 0..100 tracks behind them

_COLOR_DONE = "#2e7d32"  # green: 100%
_COLOR_MID = "#f9a825"  # amber: 50..99%
_COLOR_LOW = "#c62828"  # red: below 50%
_COLOR_TRACK = "#e6e6e6"
_COLOR_TEXT = "#212121"
_COLOR_MUTED = "#616161"


def completion_chart(
    by_field: Sequence[ChartItem],
    by_unit: Sequence[ChartItem],
    title: str,
    lang: str = "vi",
    overall: ChartOverall | None = None,
) -> bytes:
    """Return the PNG bytes of the two-panel completion chart."""
    figure = build_completion_figure(by_field, by_unit, title, lang, overall)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG from its IHDR chunk, to choose photo or document.

    Telegram refuses a photo whose width + height exceeds
    ``TELEGRAM_PHOTO_MAX_SUM`` (about 90 bars here): send it as a document then.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def overall_line(overall: ChartOverall, lang: str = "vi") -> str:
    """'Đã hoàn thành 10 · Đúng tiến độ 12 · Chậm tiến độ 6' (also the photo's caption)."""
    return t(
        "export.chart.overall",
        lang,
        done=overall.done,
        on_track=overall.on_track,
        behind=overall.behind,
    )


def headline_words(overall: ChartOverall, lang: str = "vi") -> str:
    """What the big percentage is: 'tỷ lệ hoàn thành bình quân của 28 nhiệm vụ'."""
    return t("export.chart.mean_words", lang, total=overall.total)


def _headline_lines(overall: ChartOverall | None, lang: str) -> list[str]:
    if overall is None:
        return []
    return _wrap(headline_words(overall, lang), HEADLINE_WRAP) + _wrap(
        overall_line(overall, lang), HEADLINE_WRAP + 12
    )


def build_completion_figure(
    by_field: Sequence[ChartItem],
    by_unit: Sequence[ChartItem],
    title: str,
    lang: str = "vi",
    overall: ChartOverall | None = None,
) -> Figure:
    """Lay out the chart; exposed so tests can inspect the bars before rendering."""
    lang = normalize_language(lang)
    title_lines = _wrap(title, TITLE_WRAP)
    panels = [
        (t("export.chart.by_field", lang), _bars(by_field, lang)),
        (t("export.chart.by_unit", lang), _bars(by_unit, lang)),
    ]
    title_px = _PAD_PX + (len(title_lines) * _TITLE_LINE_PX + _PAD_PX if title_lines else 0)
    head_lines = _headline_lines(overall, lang)
    headline_top = title_px
    if overall is not None:
        title_px += _HEADLINE_NUMBER_PX + len(head_lines) * _HEADLINE_LINE_PX + _PAD_PX
    heights = [_panel_height(items) for _, items in panels]
    total_px = title_px + sum(heights) + _PANEL_GAP_PX * (len(panels) - 1) + _PAD_PX

    # matplotlib (with numpy, ≈ 60 MiB) loads on the first chart, not with the bot.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, total_px / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    if title_lines:
        figure.text(
            0.5,
            1 - _PAD_PX / total_px,
            "\n".join(title_lines),
            ha="center",
            va="top",
            fontsize=TITLE_PT,
            fontweight="bold",
            fontfamily=FONT_FAMILY,
            color=_COLOR_TEXT,
            linespacing=1.15,
        )

    if overall is not None:
        _draw_headline(figure, overall, head_lines, headline_top, total_px, lang)

    top_px = title_px
    for (panel_title, items), height in zip(panels, heights, strict=True):
        bottom = 1 - (top_px + height) / total_px
        axes = figure.add_axes((0.03, bottom, 0.94, height / total_px))
        _draw_panel(axes, panel_title, items, height, lang)
        top_px += height + _PANEL_GAP_PX
    return figure


def _draw_headline(
    figure: Figure, overall: ChartOverall, lines: list[str], top_px: int, total_px: int, lang: str
) -> None:
    """The big overall percentage, then in words what it is and the standing counts."""
    figure.text(
        0.5,
        1 - top_px / total_px,
        format_percent_value(overall.mean_percent, lang, decimals=1),
        ha="center",
        va="top",
        fontsize=HEADLINE_PT,
        fontweight="bold",
        fontfamily=FONT_FAMILY,
        color=_bar_color(overall.mean_percent),
        gid=HEADLINE_GID,
    )
    figure.text(
        0.5,
        1 - (top_px + _HEADLINE_NUMBER_PX) / total_px,
        "\n".join(lines),
        ha="center",
        va="top",
        fontsize=HEADLINE_WORDS_PT,
        fontfamily=FONT_FAMILY,
        color=_COLOR_TEXT,
        linespacing=1.25,
        gid=HEADLINE_WORDS_GID,
    )


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(" ".join(clean_text(text).split()), width=width) if text else []


def _bars(items: Sequence[ChartItem], lang: str) -> list[_Bar]:
    unassigned = t("export.chart.unassigned", lang)
    return [
        (unassigned if label is None else label, mean, done, total)
        for label, mean, done, total in items
    ]


def _item_height(label_lines: int) -> int:
    return max(1, label_lines) * _LABEL_LINE_PX + 6 + _BAR_PX + _ROW_GAP_PX


def _panel_height(items: Sequence[_Bar]) -> int:
    if not items:
        return _PANEL_TITLE_PX + _EMPTY_PX
    return _PANEL_TITLE_PX + sum(_item_height(len(_wrap(item[0], LABEL_WRAP))) for item in items)


def _bar_color(percent: float) -> str:
    if percent >= 100:
        return _COLOR_DONE
    if percent >= 50:
        return _COLOR_MID
    return _COLOR_LOW


def _draw_panel(
    axes: Axes, panel_title: str, items: Sequence[_Bar], height: int, lang: str
) -> None:
    """Draw one panel in pixel units: y grows downwards from the panel top."""
    axes.set_xlim(0, X_MAX)
    axes.set_ylim(height, 0)
    axes.set_axis_off()
    axes.text(
        0,
        0,
        panel_title,
        va="top",
        ha="left",
        fontsize=PANEL_TITLE_PT,
        fontweight="bold",
        fontfamily=FONT_FAMILY,
        color=_COLOR_TEXT,
    )
    if not items:
        axes.text(
            0,
            _PANEL_TITLE_PX,
            t("export.chart.no_data", lang),
            va="top",
            ha="left",
            fontsize=LABEL_PT,
            fontstyle="italic",
            fontfamily=FONT_FAMILY,
            color=_COLOR_MUTED,
        )
        return

    centers: list[float] = []
    widths: list[float] = []
    colors: list[str] = []
    y = float(_PANEL_TITLE_PX)
    for label, mean_percent, done, total in items:
        lines = _wrap(label, LABEL_WRAP) or [""]
        percent = min(max(float(mean_percent), 0.0), 100.0)
        axes.text(
            0,
            y,
            "\n".join(lines),
            va="top",
            ha="left",
            fontsize=LABEL_PT,
            fontfamily=FONT_FAMILY,
            color=_COLOR_TEXT,
            linespacing=1.1,
        )
        axes.text(
            X_MAX,
            y,
            t("export.chart.done_of_total", lang, done=done, total=total),
            va="top",
            ha="right",
            fontsize=LABEL_PT,
            fontfamily=FONT_FAMILY,
            color=_COLOR_MUTED,
        )
        center = y + len(lines) * _LABEL_LINE_PX + 6 + _BAR_PX / 2
        axes.text(
            percent + 1.2,
            center,
            format_percent_value(mean_percent, lang, decimals=1),
            va="center",
            ha="left",
            fontsize=VALUE_PT,
            fontweight="bold",
            fontfamily=FONT_FAMILY,
            color=_COLOR_TEXT,
        )
        centers.append(center)
        widths.append(percent)
        colors.append(_bar_color(percent))
        y += _item_height(len(lines))

    axes.barh(
        centers, [100.0] * len(centers), height=_BAR_PX, color=_COLOR_TRACK, label=TRACK_LABEL
    )
    axes.barh(centers, widths, height=_BAR_PX, color=colors, label=BAR_LABEL)
