"""The completion chart: the bars it draws and the PNG it writes.

pytest runs with warnings as errors, so a Vietnamese letter missing from the
font ("Glyph … missing from font(s) DejaVu Sans") fails these tests.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from plans import charts
from plans.charts import BAR_LABEL, DPI, WIDTH_PX, build_completion_figure, completion_chart

if TYPE_CHECKING:  # matplotlib costs every pytest-xdist worker 0.5 s to collect this file
    from matplotlib.container import BarContainer

BY_FIELD = [
    ("Công tác chỉ đạo, điều hành", 100.0, 5, 5),
    ("Cải cách thể chế", 84.375, 2, 3),
    ("Cải cách thủ tục hành chính", 62.5, 3, 7),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 75.0, 4, 6),
    ("Cải cách chế độ công vụ", 33.3, 1, 3),
    ("Cải cách tài chính công", 40.0, 1, 3),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", 56.0, 0, 5),
    ("Nâng cao Chỉ số CCHC, PAPI, SIPAS, Chỉ số hài lòng", 0.0, 0, 2),
]
BY_UNIT = [
    ("Văn phòng - Thống kê", 70.0, 8, 12),
    ("Tư pháp - Hộ tịch", 90.0, 3, 4),
    ("Văn hóa - Xã hội", 100.0, 2, 2),
    ("Địa chính - Xây dựng - Nông nghiệp và Môi trường", 50.0, 1, 2),
]
TITLE = "Tiến độ thực hiện Kế hoạch CCHC năm 2024 — UBND xã Vĩnh Khê"


def _bars(axes) -> BarContainer:
    found = [c for c in axes.containers if c.get_label() == BAR_LABEL]
    assert len(found) == 1
    return found[0]


def _texts(figure) -> list[str]:
    texts = [t.get_text() for t in figure.texts]
    for axes in figure.axes:
        texts += [t.get_text() for t in axes.texts]
    return texts


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    crc = struct.unpack(">I", data[29:33])[0]
    assert crc == zlib.crc32(data[12:29]) & 0xFFFFFFFF
    return width, height


def test_figure_has_one_bar_per_item_with_the_given_widths():
    figure = build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "vi")
    field_axes, unit_axes = figure.axes
    for axes, items in ((field_axes, BY_FIELD), (unit_axes, BY_UNIT)):
        bars = _bars(axes)
        assert len(bars.patches) == len(items)
        assert [p.get_width() for p in bars.patches] == pytest.approx([i[1] for i in items])
        # Listed top to bottom in the given order (the y axis grows downwards).
        centers = [p.get_y() + p.get_height() / 2 for p in bars.patches]
        assert centers == sorted(centers)


def test_labels_percents_and_counts_are_drawn():
    texts = _texts(build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "vi"))
    joined = "\n".join(texts)
    assert "Theo lĩnh vực" in texts and "Theo bộ phận" in texts
    assert "84,4%" in texts and "100%" in texts and "33,3%" in texts
    assert "2/3 nhiệm vụ" in texts and "8/12 nhiệm vụ" in texts
    # Long labels are wrapped, never cut.
    assert " ".join(joined.split()).count("chính quyền điện tử, chính quyền số") == 1
    assert any("\n" in t for t in texts)


def test_the_bar_without_a_unit_is_named_in_the_readers_language():
    """Storage gives that bar no label (it holds no words); the chart names it."""
    by_unit = [*BY_UNIT, (None, 20.0, 0, 1)]
    vi = "\n".join(_texts(build_completion_figure(BY_FIELD, by_unit, TITLE, "vi")))
    assert "Chưa giao bộ phận cụ thể" in vi
    en = "\n".join(_texts(build_completion_figure(BY_FIELD, by_unit, TITLE, "en")))
    assert "Chưa giao bộ phận cụ thể" not in en
    assert len(_bars(build_completion_figure(BY_FIELD, by_unit, TITLE, "vi").axes[1]).patches) == 5


def test_english_chart_uses_english_words_and_decimal_point():
    texts = _texts(build_completion_figure(BY_FIELD, BY_UNIT, "CCHC 2024", "en"))
    assert "By field" in texts and "By unit" in texts
    assert "84.4%" in texts and "2/3 tasks" in texts


def test_png_is_1080_wide_and_as_tall_as_the_figure():
    figure = build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "vi")
    expected = (WIDTH_PX, round(figure.get_figheight() * DPI))
    data = completion_chart(BY_FIELD, BY_UNIT, TITLE, "vi")
    assert _png_size(data) == expected
    assert expected[1] > 1000  # two panels, twelve bars


def test_every_vietnamese_letter_renders_without_missing_glyphs():
    letters = "ăâđêôơưĂÂĐÊÔƠƯ" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    decomposed = unicodedata.normalize("NFD", "Phường Đông Lễ — Bộ phận một cửa")
    data = completion_chart(
        [(letters, 10.0, 0, 1), (letters.upper(), 20.0, 0, 1)],
        [(decomposed, 30.0, 1, 3)],
        "Ỷ Ỹ Ỵ Ữ Ự " + decomposed,
        "vi",
    )
    assert _png_size(data)[0] == WIDTH_PX


def test_png_size_helper_and_photo_limit():
    data = completion_chart(BY_FIELD, BY_UNIT, TITLE, "vi")
    width, height = charts.png_size(data)
    assert (width, height) == _png_size(data)
    assert width + height < charts.TELEGRAM_PHOTO_MAX_SUM
    with pytest.raises(ValueError):
        charts.png_size(b"GIF89a" + bytes(30))


def test_empty_panels_say_so_and_still_render():
    figure = build_completion_figure([], [], "", "vi")
    assert _texts(figure).count("Chưa có dữ liệu") == 2
    for axes in figure.axes:
        assert not [c for c in axes.containers if c.get_label() == BAR_LABEL]
    assert _png_size(completion_chart([], [], "", "vi"))[0] == WIDTH_PX


def test_out_of_range_percent_is_clamped_but_labelled_truthfully():
    figure = build_completion_figure([("Cải cách thể chế", 120.0, 3, 3)], [], "", "vi")
    assert _bars(figure.axes[0]).patches[0].get_width() == 100.0
    assert "120%" in _texts(figure)


def test_chart_module_avoids_pyplot_and_impure_imports():
    source = Path(charts.__file__).read_text(encoding="utf-8")
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", source, re.M)
    assert imports
    for module in imports:
        assert "pyplot" not in module
        assert module.split(".")[0] not in {"telegram", "sqlalchemy", "aiohttp"}


def test_missing_glyph_would_fail_the_suite():
    """Guard the guard: a letter DejaVu Sans lacks must raise under -W error."""
    with pytest.raises(UserWarning, match="missing from font"):
        completion_chart([("\u6f22", 10.0, 0, 1)], [], "", "vi")


# --------------------------------------------------------------------------
# Headline, rounding, order (issue 14)

OVERALL = charts.ChartOverall(total=28, done=10, on_track=12, behind=6, mean_percent=46.25)


def test_headline_says_in_words_what_the_big_percentage_is():
    figure = build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "vi", OVERALL)
    by_gid = {t.get_gid(): t.get_text() for t in figure.texts if t.get_gid()}
    # Rounded half up as people count: 46,25 → 46,3 (Babel alone would say 46,2).
    assert by_gid[charts.HEADLINE_GID] == "46,3%"
    words = " ".join(by_gid[charts.HEADLINE_WORDS_GID].split())
    assert "tỷ lệ hoàn thành bình quân của 28 nhiệm vụ" in words
    assert "Đã hoàn thành 10 · Đúng tiến độ 12 · Chậm tiến độ 6" in words
    english = build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "en", OVERALL)
    texts = {t.get_gid(): t.get_text() for t in english.texts if t.get_gid()}
    assert texts[charts.HEADLINE_GID] == "46.3%"
    assert "Done 10 · On track 12 · Behind 6" in " ".join(texts[charts.HEADLINE_WORDS_GID].split())


def test_headline_makes_room_and_the_png_grows():
    plain = build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "vi")
    headed = build_completion_figure(BY_FIELD, BY_UNIT, TITLE, "vi", OVERALL)
    assert headed.get_figheight() > plain.get_figheight()
    top_of_panels = max(ax.get_position().y1 for ax in headed.axes)
    words = next(t for t in headed.texts if t.get_gid() == charts.HEADLINE_WORDS_GID)
    assert words.get_position()[1] > top_of_panels  # the headline sits above the bars


def test_bar_values_round_half_up():
    texts = _texts(build_completion_figure([("A", 46.25, 1, 2)], [("B", 0.05, 0, 1)], "t", "vi"))
    assert "46,3%" in texts and "0,1%" in texts


def test_vietnamese_alphabetical_order():
    from plans.collation import sort_vietnamese

    names = [
        "Văn phòng - Thống kê",
        "Địa chính - Xây dựng",
        "Dân số",
        "Tư pháp - Hộ tịch",
        "Ủy ban MTTQ",
        "Ưu tiên",
        "Xã đội",
        "Công an",
        "Ấp",
        "An ninh",
    ]
    assert sort_vietnamese(names) == [
        "An ninh",
        "Ấp",
        "Công an",
        "Dân số",
        "Địa chính - Xây dựng",
        "Tư pháp - Hộ tịch",
        "Ủy ban MTTQ",
        "Ưu tiên",
        "Văn phòng - Thống kê",
        "Xã đội",
    ]
    # Tones break ties in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
    assert sort_vietnamese(["cạ", "cá", "cã", "cả", "cà", "ca"]) == [
        "ca",
        "cà",
        "cả",
        "cã",
        "cá",
        "cạ",
    ]
    # NFD input sorts like NFC.
    nfd = unicodedata.normalize("NFD", "Địa chính")
    assert sort_vietnamese(["Dân", nfd, "Văn"]) == ["Dân", nfd, "Văn"]


def test_mean_percent_is_rounded_half_up_where_it_is_computed():
    """46,25 → 46,3: the mean itself (plans.completion) rounds as people count."""
    from plans.completion import CompletionSummary, Standing, TaskState

    summary = CompletionSummary()
    for percent in (40, 45, 50, 50):  # mean 46,25
        summary.add(TaskState.IN_PROGRESS, percent, False, Standing.ON_TRACK)
    assert summary.mean_percent == 46.3
    from plans.status_table import format_percent_value

    assert format_percent_value(summary.mean_percent, "vi") == "46,3%"
