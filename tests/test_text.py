from __future__ import annotations

import unicodedata

import pytest

from plans.text import (
    ascii_key,
    fold_dashes,
    fold_spaces,
    match_key,
    nfc,
    normalize_tone_marks,
    strip_diacritics,
)


def test_nfc_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Tư pháp - Hộ tịch")
    assert decomposed != "Tư pháp - Hộ tịch"
    assert nfc(decomposed) == "Tư pháp - Hộ tịch"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Văn   phòng ", "Văn phòng"),
        ("Văn\u00a0phòng", "Văn phòng"),
        ("Các ban \nngành liên \nquan", "Các ban ngành liên quan"),
        ("Tư\tpháp\u202f-\u2007Hộ tịch", "Tư pháp - Hộ tịch"),
        ("Văn\u200b phòng\ufeff", "Văn phòng"),
        ("", ""),
    ],
)
def test_fold_spaces(raw, expected):
    assert fold_spaces(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Văn phòng – Thống kê", "Văn phòng - Thống kê"),
        ("Văn phòng—Thống kê", "Văn phòng - Thống kê"),
        ("Văn phòng- Thống kê", "Văn phòng - Thống kê"),
        ("Văn phòng -Thống kê", "Văn phòng - Thống kê"),
        ("Văn phòng-Thống kê", "Văn phòng - Thống kê"),
        ("Văn phòng  \u2212  Thống kê", "Văn phòng - Thống kê"),
        ("Tư pháp\u2011Hộ tịch", "Tư pháp - Hộ tịch"),
        ("VP-TK", "VP-TK"),
        ("HĐND‐UBND", "HĐND-UBND"),
        ("15-3-2024", "15-3-2024"),
        ("35-CT/TU", "35-CT/TU"),
        ("2021 – 2025", "2021 - 2025"),
    ],
)
def test_fold_dashes(raw, expected):
    assert fold_dashes(raw) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoá", "hóa"),
        ("Văn hoá", "Văn hóa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà", "Hòa"),
        ("HOÁ", "HÓA"),
        ("thoả thuận", "thỏa thuận"),
        ("hoạ", "họa"),
        ("loè", "lòe"),
        ("tuỳ", "tùy"),
        ("luỹ kế", "lũy kế"),
    ],
)
def test_normalize_tone_marks_moves_old_style(old, new):
    assert normalize_tone_marks(old) == new
    assert normalize_tone_marks(new) == new


@pytest.mark.parametrize(
    "word",
    ["quý", "Quý IV", "hoàn thành", "toán", "khuyết", "hoặc", "ngoài", "thuyền", "quỳnh", "quả"],
)
def test_normalize_tone_marks_leaves_agreeing_spellings(word):
    assert normalize_tone_marks(word) == word


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tư pháp - Hộ tịch", "Tu phap - Ho tich"),
        ("Địa chính - Xây dựng", "Dia chinh - Xay dung"),
        ("đoàn thể", "doan the"),
        ("Quý", "Quy"),
        ("ỨNG DỤNG", "UNG DUNG"),
    ],
)
def test_strip_diacritics(raw, expected):
    assert strip_diacritics(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Văn hoá - Xã hội", "Văn hóa – Xã hội"),
        ("Văn phòng – Thống kê", "văn phòng-thống kê"),
        ("VĂN PHÒNG - THỐNG KÊ", "Văn phòng- Thống kê"),
        (unicodedata.normalize("NFD", "Tư pháp - Hộ tịch"), "Tư pháp-Hộ tịch"),
        ("Văn\u00a0phòng.", "văn phòng"),
        ("- Văn phòng", "Văn phòng"),
        ("Thuỷ lợi", "thủy lợi"),
    ],
)
def test_match_key_equates_spelling_variants(a, b):
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Văn phòng", "Văn phòng - Thống kê"),
        ("Tư pháp", "Tư phạp"),
        ("Văn hóa", "Văn hoa"),
    ],
)
def test_match_key_keeps_different_names_apart(a, b):
    assert match_key(a) != match_key(b)


def test_ascii_key_drops_diacritics():
    assert ascii_key("Tư pháp – Hộ tịch") == "tu phap-ho tich"
    assert ascii_key("Văn hoá") == ascii_key("van hoa") == "van hoa"
    assert ascii_key("ĐC-XD") == "dc-xd"
