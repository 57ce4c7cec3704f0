"""Time the plan importer on the fixtures, a generated 2,000-row workbook and a 60-page PDF.

The PDF is a prose plan (numbered fields, "Các nội dung triển khai" items,
"Trách nhiệm thực hiện" units) printed justified, as signed plans are, with
fpdf2 (dev extra) and DejaVu Sans from matplotlib; target ≤ 2 s (issue 12).

Run: python -m bench.bench_import [runs]
Prints median wall times and peak RSS; ``run()`` returns the same figures as
a dict for an aggregating ``python -m bench``. No assertions (timings are
never tested).
"""

from __future__ import annotations

import io
import resource
import statistics
import sys
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
DOCX = FIXTURES / "ke-hoach-cchc-vinh-khe-2024.docx"
XLSX = FIXTURES / "ke-hoach-cchc-vinh-khe-2024.xlsx"


def big_workbook(tasks: int = 2000) -> bytes:
    """8 fields, ``tasks`` task rows, merged field rows, numeric percents."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kế hoạch"
    ws.append(["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH XÃ VĨNH KHÊ NĂM 2024"])
    ws.append(["(Kèm theo Kế hoạch số 10/KH-UBND ngày 15/01/2024 của UBND xã Vĩnh Khê)"])
    ws.append(
        [
            "TT",
            "Nhiệm vụ cụ thể",
            "Sản phẩm",
            "Bộ phận chủ trì",
            "Bộ phận phối hợp",
            "Thời gian thực hiện",
            "Tỷ lệ hoàn thành",
            "Ghi chú",
        ]
    )
    deadlines = ["Tháng 2/2024", "Quý I/2024", "Thường xuyên", "Quý IV", "Trước 31/12/2024"]
    units = ["Văn phòng - Thống kê", "Tư pháp - Hộ tịch", "Tài chính - Kế toán", "Văn hóa - Xã hội"]
    per_field = tasks // 8
    for f in range(8):
        ws.append([f"{'I II III IV V VI VII VIII'.split()[f]}. LĨNH VỰC {f + 1}"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=8)
        for n in range(per_field):
            ws.append(
                [
                    n + 1,
                    f"Nhiệm vụ số {n + 1} của lĩnh vực {f + 1}: triển khai kế hoạch",
                    "Báo cáo của UBND xã",
                    units[n % 4],
                    "Các bộ phận liên quan",
                    deadlines[n % 5],
                    (n % 5) / 4,
                    "",
                ]
            )
            ws.cell(ws.max_row, 7).number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_ITEM = (
    "Tiếp tục triển khai thực hiện có hiệu quả nhiệm vụ số {n} của lĩnh vực {f}: rà soát, "
    "cập nhật, công khai đầy đủ thủ tục hành chính trên Cổng dịch vụ công và tại Bộ phận "
    "một cửa; kiểm tra, đôn đốc các bộ phận chuyên môn thực hiện đúng quy trình, bảo đảm "
    "chất lượng, tiến độ; tổng hợp kết quả báo cáo Chủ tịch UBND xã theo quy định."
)


def prose_pdf(pages: int = 60, align: str = "J") -> bytes:
    """A prose plan of at least ``pages`` A4 pages (justified text, 13 pt)."""
    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(font))
    pdf.add_page()
    pdf.set_font("DejaVu", size=13)

    def para(text: str) -> None:
        pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT", align=align)
        pdf.ln(2)

    para("Số: 15/KH-UBND")
    para("Vĩnh Khê, ngày 10 tháng 01 năm 2024")
    para("KẾ HOẠCH")
    para("Cải cách hành chính xã Vĩnh Khê năm 2024")
    para("I. MỤC ĐÍCH, YÊU CẦU")
    para("- Bám sát các nội dung kế hoạch cải cách hành chính của huyện năm 2024.")
    para("II. NỘI DUNG VÀ TRÁCH NHIỆM THỰC HIỆN")
    field = 0
    while pdf.page_no() < pages:
        field += 1
        para(f"{field}. Lĩnh vực cải cách số {field}")
        para(f"{field}.1 Các nội dung triển khai, khắc phục:")
        for n, letter in enumerate("abcdđeg", start=1):
            para(f"{letter}) " + _ITEM.format(n=n, f=field))
        para(f"{field}.2 Trách nhiệm thực hiện:")
        para("- Đơn vị chủ trì: Văn phòng - Thống kê")
        para("- Đơn vị phối hợp: Các bộ phận chuyên môn, Tư pháp - Hộ tịch.")
    para("Nơi nhận:")
    return bytes(pdf.output())


def _median_ms(data: bytes, name: str, runs: int) -> tuple[float, int]:
    from plans.importing import load_plan

    times = []
    tasks = 0
    for _ in range(runs):
        start = time.perf_counter()
        plan = load_plan(data, name)
        times.append((time.perf_counter() - start) * 1000)
        tasks = len(plan.all_tasks())
    return statistics.median(times), tasks


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(runs: int = 15) -> dict[str, float]:
    start = time.perf_counter()
    import plans.importing  # noqa: F401

    results: dict[str, float] = {"import_module_ms": (time.perf_counter() - start) * 1000}
    docx_ms, docx_tasks = _median_ms(DOCX.read_bytes(), DOCX.name, runs)
    xlsx_ms, xlsx_tasks = _median_ms(XLSX.read_bytes(), XLSX.name, runs)
    big = big_workbook()
    big_ms, big_tasks = _median_ms(big, "big.xlsx", max(3, runs // 5))
    try:
        pdf = prose_pdf(60)
    except ImportError:  # fpdf2 is a dev extra
        pdf = b""
    if pdf:
        pdf_ms, pdf_tasks = _median_ms(pdf, "ke-hoach.pdf", max(3, runs // 5))
        results.update(
            {"prose_pdf_60_ms": pdf_ms, "prose_pdf_60_tasks": pdf_tasks, "prose_pdf_pages": 60}
        )
    results.update(
        {
            "fixture_docx_ms": docx_ms,
            "fixture_docx_tasks": docx_tasks,
            "fixture_xlsx_ms": xlsx_ms,
            "fixture_xlsx_tasks": xlsx_tasks,
            "workbook_2000_ms": big_ms,
            "workbook_2000_tasks": big_tasks,
            "workbook_2000_kib": len(big) / 1024,
            "peak_rss_mib": _peak_rss_mib(),
        }
    )
    return results


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    results = run(runs)
    print(f"import plans.importing:        {results['import_module_ms']:7.1f} ms")
    print(
        f"fixture .docx ({results['fixture_docx_tasks']:.0f} tasks):   "
        f"{results['fixture_docx_ms']:7.1f} ms  (median of {runs})"
    )
    print(
        f"fixture .xlsx ({results['fixture_xlsx_tasks']:.0f} tasks):   "
        f"{results['fixture_xlsx_ms']:7.1f} ms  (median of {runs})"
    )
    print(
        f"generated .xlsx ({results['workbook_2000_tasks']:.0f} tasks, "
        f"{results['workbook_2000_kib']:.0f} KiB): {results['workbook_2000_ms']:7.1f} ms"
    )
    if "prose_pdf_60_ms" in results:
        print(
            f"prose .pdf (60 pages, {results['prose_pdf_60_tasks']:.0f} tasks): "
            f"{results['prose_pdf_60_ms']:7.1f} ms  (target ≤ 2000 ms)"
        )
    print(f"peak RSS:                      {results['peak_rss_mib']:7.1f} MiB")


if __name__ == "__main__":
    main()
