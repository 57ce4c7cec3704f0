"""Whatever the bytes or the table, load_plan returns a plan or a PlanImportError."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from plans.importing import PlanImportError, load_plan
from tests import doc_builders as b

FIXTURES = Path(__file__).parent / "fixtures"

WORDS = [
    "",
    "",
    "I",
    "II.",
    "1",
    "1.",
    "2.1",
    "2.1.1",
    "a)",
    "TT",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Thời hạn",
    "Tỷ lệ %",
    "50%",
    "0,5",
    "Quý IV",
    "Thường xuyên",
    "Tháng 13/2024",
    "Văn phòng - Thống kê",
    "Các bộ phận liên quan",
    "CẢI CÁCH THỂ CHẾ",
    "(1)",
    "(2)",
    "Ghi chú",
]


@settings(max_examples=150, deadline=None)
@given(
    st.booleans(),
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7), min_size=1, max_size=12),
)
def test_random_tables_never_crash(with_header, rows):
    if with_header:
        rows = [["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Tỷ lệ %", "Ghi chú"], *rows]
    data = b.csv_bytes(rows, ";", "utf-8")
    try:
        plan = load_plan(data, "x.csv")
    except PlanImportError:
        return
    assert plan.all_tasks()
    plan.to_json()


def test_damaged_fixture_bytes_never_crash():
    rng = random.Random(2024)
    for name in ("ke-hoach-cchc-vinh-khe-2024.docx", "ke-hoach-cchc-vinh-khe-2024.xlsx"):
        original = (FIXTURES / name).read_bytes()
        for _ in range(40):
            data = bytearray(original)
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                load_plan(bytes(data), name)
            except PlanImportError:
                pass
