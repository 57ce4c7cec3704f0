from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.units import (
    UnitDirectory,
    UnitMatch,
    UnitRef,
    display_name,
    is_placeholder,
    split_unit_cell,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Văn phòng - Thống kê, bộ phận tiếp nhận và trả kết quả",
            ["Văn phòng - Thống kê", "Bộ phận tiếp nhận và trả kết quả"],
        ),
        ("Văn phòng, Tư pháp", ["Văn phòng", "Tư pháp"]),
        ("Văn phòng; Tư pháp", ["Văn phòng", "Tư pháp"]),
        ("Văn phòng + Tư pháp", ["Văn phòng", "Tư pháp"]),
        ("• Văn phòng • Tư pháp", ["Văn phòng", "Tư pháp"]),
        ("- Văn phòng\n- Tư pháp", ["Văn phòng", "Tư pháp"]),
        ("+ Văn phòng\n+ Tư pháp - Hộ tịch", ["Văn phòng", "Tư pháp - Hộ tịch"]),
        ("Văn phòng\nTư pháp", ["Văn phòng", "Tư pháp"]),
        # seed 003 / 004 spellings
        ("Văn hoá", ["Văn hoá"]),
        ("Văn phòng- Thống kê", ["Văn phòng - Thống kê"]),
        ("Văn phòng-Thống kê", ["Văn phòng - Thống kê"]),
        ("Tư pháp-Hộ tịch", ["Tư pháp - Hộ tịch"]),
        ("Tài chính – Kế toán", ["Tài chính - Kế toán"]),
        # seed 002: PDF line wraps inside names
        ("Văn phòng \n– Thống kê", ["Văn phòng - Thống kê"]),
        ("Văn hóa – \nxã hội", ["Văn hóa - xã hội"]),
        ("Tư pháp – \nHộ tịch", ["Tư pháp - Hộ tịch"]),
        ("Các ban \nngành liên \nquan", ["Các ban ngành liên quan"]),
        (
            "Văn phòng \n- Thống kê, bộ phận \ntiếp nhận \nvà trả kết \nquả",
            ["Văn phòng - Thống kê", "Bộ phận tiếp nhận và trả kết quả"],
        ),
        ("Văn phòng \nHĐND-\nUBND", ["Văn phòng HĐND-UBND"]),
        ("Các bộ \nphận có \nTTHC", ["Các bộ phận có TTHC"]),
        ("Đoàn kiểm \ntra CCHC \nxã", ["Đoàn kiểm tra CCHC xã"]),
        ("Can bộ, \ncông chức \nUBND", ["Can bộ, công chức UBND"]),
        ("Tài chính - \nkế toán", ["Tài chính - kế toán"]),
        # groups stay whole
        ("các cơ quan, đơn vị liên quan", ["Các cơ quan, đơn vị liên quan"]),
        (
            "Các phòng, ban chuyên môn, đơn vị sự nghiệp, UBND các xã, thị trấn.",
            ["Các phòng, ban chuyên môn, đơn vị sự nghiệp", "UBND các xã, thị trấn"],
        ),
        (
            "Văn phòng HĐND và UBND, Phòng Văn hóa Thông tin.",
            ["Văn phòng HĐND và UBND", "Phòng Văn hóa Thông tin"],
        ),
        # tidy
        ("  văn phòng  ", ["Văn phòng"]),
        ("VĂN PHÒNG - THỐNG KÊ", ["Văn phòng - Thống kê"]),
        ("VP-TK", ["VP-TK"]),
        (None, []),
        ("", []),
        (" , ;\n", []),
    ],
)
def test_split_unit_cell(cell, expected):
    assert split_unit_cell(cell) == expected


def test_split_output_is_nfc():
    cell = unicodedata.normalize("NFD", "Tư pháp - Hộ tịch, Văn phòng")
    names = split_unit_cell(cell)
    assert names == ["Tư pháp - Hộ tịch", "Văn phòng"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


@pytest.mark.parametrize(
    "name",
    [
        "Các bộ phận liên quan",
        "Các ban ngành liên quan",
        "Các ban \nngành liên quan",
        "Các ngành liên quan",
        "các cơ quan, đơn vị liên quan",
        "Các đoàn thể",
        "UBND các xã",
        "UBND các xã, thị trấn",
        "Các bộ phận có TTHC",
        "Các phòng, ban liên quan",
        "Đơn vị liên quan",
        "Các ngành, hội, đoàn thể",
        "Tất cả các bộ phận",
        "Cán bộ, công chức",
        "CAC BO PHAN LIEN QUAN",
    ],
)
def test_placeholders(name):
    assert is_placeholder(name)


@pytest.mark.parametrize(
    "name",
    [
        "Văn phòng",
        "Văn phòng - Thống kê",
        "VP-TK",
        "Tư pháp - Hộ tịch",
        "Văn hoá - Xã hội",
        "Địa chính - Xây dựng",
        "Tài chính - Kế toán",
        "Công an xã",
        "Quân sự",
        "Bộ phận một cửa",
        "Bộ phận tiếp nhận và trả kết quả",
        "UBND xã",
        "Chủ tịch UBND xã",
        "Đoàn kiểm tra CCHC xã",
        "Công chức Tư pháp - Hộ tịch xã",
        "",
    ],
)
def test_not_placeholders(name):
    assert not is_placeholder(name)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Văn phòng – Thống kê", "Văn phòng - Thống kê"),
        ("văn phòng-thống kê", "Văn phòng - Thống kê".replace("Thống", "thống")),
        ("  Tư\u00a0pháp  ", "Tư pháp"),
        ("VĂN PHÒNG HĐND - UBND", "Văn phòng HĐND - UBND"),
        ("UBND XÃ", "UBND XÃ"),
        ("VP-TK", "VP-TK"),
        ("- Văn phòng.", "Văn phòng"),
    ],
)
def test_display_name(raw, expected):
    assert display_name(raw) == expected


DIRECTORY = UnitDirectory(
    [
        (1, "Văn phòng - Thống kê", []),
        (2, "Tư pháp - Hộ tịch", ["Tư pháp"]),
        (3, "Văn hóa - Xã hội", []),
        (4, "Tài chính - Kế toán", []),
        (5, "Địa chính - Xây dựng", []),
        (6, "Công an xã", []),
        (7, "Quân sự", []),
        (8, "Bộ phận một cửa", []),
        (9, "UBND xã", []),
        (10, "Chủ tịch UBND xã", []),
        (11, "Văn hóa - Thông tin", ["Đài truyền thanh"]),
    ]
)


@pytest.mark.parametrize(
    ("text", "unit_id"),
    [
        ("Văn phòng - Thống kê", 1),
        ("Văn phòng – Thống kê", 1),
        ("Văn phòng-Thống kê", 1),
        ("VĂN PHÒNG - THỐNG KÊ", 1),
        ("van phong - thong ke", 1),
        ("VP-TK", 1),
        ("VPTK", 1),
        ("Văn phòng - Thống kê xã", 1),
        ("Tư pháp", 2),
        ("Tư pháp-Hộ tịch", 2),
        ("TP-HT", 2),
        ("Công chức Tư pháp - Hộ tịch xã", 2),
        ("Văn hoá - Xã hội", 3),
        ("Văn hóa – xã hội", 3),
        ("VH-XH", 3),
        ("TC-KT", 4),
        ("Tài chính – Kế toán", 4),
        ("ĐC-XD", 5),
        ("DC-XD", 5),
        ("Công an", 6),
        ("Ban Chỉ huy Quân sự", 7),
        ("Bộ phận tiếp nhận và trả kết quả", 8),
        ("BPMC", 8),
        ("Bộ phận Một cửa", 8),
        ("UBND", 9),
        ("Ủy ban nhân dân xã", 9),
        ("Chủ tịch UBND", 10),
        ("đài truyền thanh", 11),
    ],
)
def test_resolve_confident(text, unit_id):
    match = DIRECTORY.resolve(text)
    assert match.unit is not None and match.unit.unit_id == unit_id
    assert not match.placeholder


def test_resolve_suggests_unit_for_first_half_of_name():
    match = DIRECTORY.resolve("Văn phòng")
    assert match.unit is None
    assert [c.unit_id for c in match.candidates] == [1]
    assert not match.ambiguous


def test_resolve_ambiguous_first_half():
    match = DIRECTORY.resolve("Văn hoá")
    assert match.unit is None
    assert {c.unit_id for c in match.candidates} == {3, 11}
    assert match.ambiguous


def test_resolve_new_unit():
    match = DIRECTORY.resolve("Phòng Nội vụ")
    assert match == UnitMatch("Phòng Nội vụ", None, (), False)
    assert match.is_new


@pytest.mark.parametrize(
    "text", ["Các bộ phận liên quan", "Các ban \nngành liên \nquan", "UBND các xã"]
)
def test_resolve_placeholder(text):
    match = DIRECTORY.resolve(text)
    assert match.placeholder and match.unit is None and not match.candidates
    assert not match.is_new


def test_resolve_exact_ambiguity_between_units():
    directory = UnitDirectory([(1, "Văn phòng", []), (2, "Văn Phòng", [])])
    match = directory.resolve("văn phòng")
    assert match.unit is None
    assert {c.unit_id for c in match.candidates} == {1, 2}


def test_explicit_name_beats_builtin_alias():
    directory = UnitDirectory([(1, "Văn phòng - Thống kê", []), (2, "VP-TK", [])])
    assert directory.resolve("VP-TK").unit == UnitRef(2, "VP-TK")
    assert directory.resolve("Văn phòng - Thống kê").unit == UnitRef(1, "Văn phòng - Thống kê")


def test_builtin_alias_shared_by_two_units_is_ambiguous():
    directory = UnitDirectory([(1, "Văn phòng - Thống kê", []), (2, "Văn phòng Thống kê", [])])
    match = directory.resolve("VPTK")
    assert match.unit is None
    assert {c.unit_id for c in match.candidates} == {1, 2}


def test_ascii_match_must_be_unique():
    directory = UnitDirectory([(1, "Văn hóa", []), (2, "Văn hoa", [])])
    assert directory.resolve("Văn hoá").unit == UnitRef(1, "Văn hóa")
    assert directory.resolve("VĂN HOA").unit == UnitRef(2, "Văn hoa")
    typed_bare = directory.resolve("van hoa")  # without diacritics: both fit
    assert typed_bare.unit is None and typed_bare.ambiguous
    match = UnitDirectory([(1, "Văn hóa", []), (2, "Văn hòa", [])]).resolve("van hoa")
    assert match.unit is None and len(match.candidates) == 2


@pytest.mark.parametrize(
    ("query", "expected_first", "must_include"),
    [
        ("tu phap", 2, {2}),
        ("Tư pháp", 2, {2}),
        ("ho tich", 2, {2}),
        ("phap ho", 2, {2}),
        ("vp", 1, {1}),
        ("vptk", 1, {1}),
        ("van hoa", 11, {3, 11}),
        ("van", 11, {1, 3, 11}),
        ("cong an", 6, {6}),
        ("mot cua", 8, {8}),
        ("tiep nhan", 8, {8}),
        ("quan su", 7, {7}),
        ("chu tich", 10, {10}),
    ],
)
def test_search(query, expected_first, must_include):
    results = DIRECTORY.search(query)
    assert results and results[0].unit_id == expected_first
    assert must_include <= {r.unit_id for r in results}


def test_search_ranks_prefix_before_substring():
    directory = UnitDirectory([(1, "Bộ phận tư pháp", []), (2, "Tư pháp - Hộ tịch", [])])
    assert [r.unit_id for r in directory.search("tu phap")] == [2, 1]


def test_search_no_match():
    assert DIRECTORY.search("xyz") == []


def test_search_empty_lists_all_by_name():
    names = [r.name for r in DIRECTORY.search("  ")]
    assert len(names) == 11 and names == sorted(names)


_CELL_ALPHABET = st.sampled_from(
    [
        *", ;+\n-–•.",
        "Văn phòng",
        "Tư pháp",
        "các",
        "Các bộ phận",
        "liên quan",
        "xã",
        "HĐND",
        "VP-TK",
        "và",
        " ",
    ]
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_CELL_ALPHABET, max_size=10).map("".join))
def test_split_never_raises_and_yields_tidy_names(cell):
    for name in split_unit_cell(cell):
        assert name and name == name.strip()
        assert unicodedata.is_normalized("NFC", name)
        assert name[0] not in ",;+-•."
        assert name[0] == name[0].upper()
        DIRECTORY.resolve(name)
        DIRECTORY.search(name)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=30))
def test_resolve_and_search_accept_any_text(text):
    match = DIRECTORY.resolve(text)
    assert match.unit is None or not match.candidates
    assert isinstance(DIRECTORY.search(text), list)
