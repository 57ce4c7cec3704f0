"""Pieces of the importer: codes, percents, header meaning, heading metadata, csv sniffing."""

from __future__ import annotations

from datetime import date

import pytest

from plans.importing.csv_reader import decode_text, sniff_delimiter
from plans.importing.grid import Cell, grid_from_matrix
from plans.importing.header import Col, classify_header, find_header, is_numbering_row
from plans.importing.heading import clean_number, read_meta
from plans.importing.values import parse_code, parse_percent, split_numbered_title, to_roman
from tests.doc_builders import cp1258_encode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I", ("roman", "I")),
        ("II.", ("roman", "II")),
        ("VIII", ("roman", "VIII")),
        ("1.", ("arabic", "1")),
        ("2.1.1", ("arabic", "2.1.1")),
        ("8.1.2.", ("arabic", "8.1.2")),
        ("3)", ("arabic", "3")),
        ("a)", ("letter", "a")),
        ("c.", ("letter", "c")),
        ("C.", ("letter", "c")),
        ("XL", None),
        ("", None),
        ("-", None),
        ("Ghi chú", None),
    ],
)
def test_parse_code(text, expected):
    assert parse_code(text) == expected


def test_numbered_titles_and_roman():
    assert split_numbered_title("II. CẢI CÁCH THỂ CHẾ") == ("II", "CẢI CÁCH THỂ CHẾ")
    assert split_numbered_title("VII - HIỆN ĐẠI HÓA") == ("VII", "HIỆN ĐẠI HÓA")
    assert split_numbered_title("CẢI CÁCH") == (None, "CẢI CÁCH")
    assert [to_roman(n) for n in (1, 4, 8, 9, 14)] == ["I", "IV", "VIII", "IX", "XIV"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (Cell("50%"), (50, True)),
        (Cell("50"), (50, True)),
        (Cell("100 %"), (100, True)),
        (Cell("0,5"), (50, True)),
        (Cell("0.5", value=0.5, number_format="0%"), (50, True)),
        (Cell("1", value=1, number_format="0%"), (100, True)),
        (Cell("80", value=80, number_format="General"), (80, True)),
        (Cell("Hoàn thành"), (100, True)),
        (Cell("Đã thực hiện"), (100, True)),
        (Cell("Chưa thực hiện"), (0, True)),
        (Cell("150%"), (None, False)),
        (Cell("6 tháng đầu năm chưa có"), (None, False)),
        (Cell(""), (None, True)),
    ],
)
def test_parse_percent(cell, expected):
    assert parse_percent(cell) == expected


@pytest.mark.parametrize(
    ("label", "col"),
    [
        ("TT", Col.CODE),
        ("STT", Col.CODE),
        ("Mã", Col.CODE),
        ("Nhiệm vụ cụ thể", Col.CONTENT),
        ("Nội dung công việc", Col.CONTENT),
        ("Lĩnh vực/Tiêu chí/Tiêu chí thành phần", Col.CONTENT),
        ("Sản phẩm", Col.PRODUCT),
        ("Kết quả/sản phẩm", Col.PRODUCT),
        ("Sản phẩm đầu ra", Col.OUTPUT),
        ("Bộ phận chủ trì", Col.LEAD),
        ("Đơn vị thực hiện", Col.LEAD),
        ("Cơ quan chủ trì", Col.LEAD),
        ("CHỦ TRÌ", Col.LEAD),
        ("Bộ phận phối hợp", Col.COORDINATING),
        ("Phối hợp", Col.COORDINATING),
        ("Thời gian thực hiện", Col.DEADLINE),
        ("Thời gian hoàn thành", Col.DEADLINE),
        ("Thời hạn", Col.DEADLINE),
        ("Đã thực hiện", Col.STATUS),
        ("Kết quả thực hiện", Col.STATUS),
        ("Tỷ lệ hoàn thành nhiệm vụ", Col.PERCENT),
        ("Tỷ lệ %", Col.PERCENT),
        ("Tiến độ", Col.PERCENT),
        ("Tiến độ thực hiện", Col.DEADLINE),
        ("Chỉ tiêu đạt được", Col.TARGET),
        ("Cơ quan theo dõi", Col.MONITORING),
        ("Kinh phí dự kiến", Col.BUDGET),
        ("Ghi chú", Col.NOTE),
        ("Ban hành Kế hoạch cải cách hành chính năm 2024", None),
        ("50%", None),
        ("", None),
    ],
)
def test_classify_header(label, col):
    assert classify_header(label) == col


def test_two_row_header_with_merged_group():
    grid = grid_from_matrix(
        "t",
        [
            ["TT", "Nội dung", "Cơ quan thực hiện", "", "Thời hạn"],
            ["", "", "Chủ trì", "Phối hợp", ""],
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            ["1", "Việc", "Văn phòng", "Tư pháp", "Quý I"],
        ],
        merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 1, 4)],
    )
    r, layout = find_header(grid)
    assert (r, layout.header_rows) == (0, 2)
    assert layout.columns == {
        Col.CODE: 0,
        Col.CONTENT: 1,
        Col.LEAD: 2,
        Col.COORDINATING: 3,
        Col.DEADLINE: 4,
    }
    assert is_numbering_row(grid, 2) and not is_numbering_row(grid, 3)


def test_header_found_below_title_rows():
    grid = grid_from_matrix(
        "t",
        [["KẾ HOẠCH"], [""], ["Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"], ["Việc", "VP", "Quý I"]],
    )
    r, layout = find_header(grid)
    assert r == 2 and layout.header_rows == 1


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("10/KH-UBND", "10/KH-UBND"),
        ("322KH-UBND", "322/KH-UBND"),
        ("/QĐ-UBND", None),
        ("....../KH-UBND", None),
        ("", None),
    ],
)
def test_clean_number(raw, number):
    assert clean_number(raw) == number


def test_meta_from_seed_001_heading():
    meta = read_meta(
        [
            "Số: **322**KH-UBND",
            "Hướng Hóa, ngày **22** tháng 7 năm 2021",
            "KẾ HOẠCH",
            "Nâng cao Chỉ số cải cách hành chính huyện Hướng Hóa năm 2021",
        ]
    )
    assert meta.number == "322/KH-UBND"
    assert meta.issued_on == date(2021, 7, 22)
    assert meta.year == 2021
    assert meta.organization == "UBND huyện Hướng Hóa"
    assert meta.place == "Hướng Hóa"


def test_meta_letterhead_only_and_overrides():
    meta = read_meta(
        ["ỦY BAN NHÂN DÂN XÃ VĨNH KHÊ", "Số: 7/KH-UBND", "Vĩnh Khê, ngày 31 tháng 02 năm 2024"]
    )
    assert meta.organization == "UBND xã Vĩnh Khê"
    assert meta.issued_on is None and meta.year == 2024  # 31/02 is no date
    meta = read_meta(["Số: 7/KH-UBND"], year=2030, organization="UBND phường X")
    assert (meta.year, meta.organization) == (2030, "UBND phường X")


def test_csv_encoding_and_delimiter():
    text = "STT;Nhiệm vụ;Chủ trì\r\n1;Rà soát thủ tục;Văn phòng\r\n"
    assert decode_text(("\ufeff" + text).encode("utf-8")) == (text, "utf-8-sig")
    decoded, encoding = decode_text(cp1258_encode(text))
    assert (decoded, encoding) == (text, "cp1258")
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\tc\n1\t2,5\t3\n") == "\t"
