"""Time the progress-table exports and the completion chart.

Run: python -m bench.bench_export
Prints median wall times; no assertions (timings are never tested).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date


def _table(tasks: int):
    from plans.calendar import PeriodKind, period
    from plans.status_table import DoneCell, StatusRow, StatusSection, StatusTable

    titles = [
        "Công tác chỉ đạo, điều hành",
        "Cải cách thể chế",
        "Cải cách thủ tục hành chính",
        "Cải cách tổ chức bộ máy hành chính",
        "Cải cách chế độ công vụ",
        "Cải cách tài chính công",
        "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        "Nâng cao Chỉ số CCHC, PAPI, SIPAS",
    ]
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    sections = [StatusSection(roman[i], titles[i], []) for i in range(8)]
    for n in range(tasks):
        sections[n % 8].rows.append(
            StatusRow(
                str(len(sections[n % 8].rows) + 1),
                "Tổ chức, triển khai số hóa hồ sơ, giấy tờ, kết quả TTHC (tỷ lệ hồ sơ "
                "giải quyết TTHC được luân chuyển bằng phương thức điện tử đạt tối thiểu 60%)",
                "Văn phòng - Thống kê, bộ phận tiếp nhận và trả kết quả",
                "Các ban ngành liên quan",
                "Thường xuyên",
                DoneCell("Đang thực hiện", None, (n * 37) % 101, False),
                "Bảng tổng hợp tình hình số hóa hồ sơ",
                (n * 37) % 101,
                n,
            )
        )
    h1 = period(PeriodKind.H1, 2024)
    return StatusTable("Kim Thạch", "xã", 2024, h1, None, sections, date(2024, 6, 12))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    from plans import charts, export_csv, export_docx, export_xlsx

    print(f"import plans.charts + exporters: {(time.perf_counter() - start) * 1000:.0f} ms")
    for tasks in (32, 200):
        table = _table(tasks)
        for name, fn in (
            ("docx", export_docx.render_docx),
            ("xlsx", export_xlsx.render_xlsx),
            ("csv", export_csv.render_csv),
        ):
            size = len(fn(table))
            ms = _median_ms(lambda fn=fn, table=table: fn(table), 5)
            print(f"{name:5} {tasks:4} tasks: {ms:7.1f} ms  {size / 1024:6.1f} KiB")

    by_field = [(f"Lĩnh vực số {i} — cải cách hành chính", 12.5 * i, i, 8) for i in range(8)]
    for units in (6, 15):
        by_unit = [(f"Bộ phận {i}: Văn phòng - Thống kê", 100 - 6 * i, i, 15) for i in range(units)]
        first = time.perf_counter()
        png = charts.completion_chart(by_field, by_unit, "Tiến độ CCHC 2024 — UBND xã Kim Thạch")
        first_ms = (time.perf_counter() - first) * 1000
        ms = _median_ms(lambda by_unit=by_unit: charts.completion_chart(by_field, by_unit, "x"), 5)
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        print(
            f"chart 8 fields + {units:2} units: first {first_ms:6.1f} ms, median {ms:6.1f} ms,"
            f" {width}x{height} px, {len(png) / 1024:.0f} KiB"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
