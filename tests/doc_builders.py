"""Build .docx/.xlsx/.csv plan documents in the layouts seen in the seeds.

Tests describe a table as rows of strings plus inclusive merges
``(r0, c0, r1, c1)``; these helpers turn that into real Office files
(python-docx writes genuine ``gridSpan``/``vMerge``, openpyxl real merged
ranges and number formats) so the importer is exercised on bytes, not mocks.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

Merge = tuple[int, int, int, int]


@dataclass
class TableSpec:
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    nested_in: tuple[int, int] | None = None  # place inside the previous table's cell


def docx_bytes(blocks: list[str | TableSpec]) -> bytes:
    """Paragraphs (str) and tables in document order."""
    import docx

    document = docx.Document()
    last_table = None
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(len(r) for r in block.rows)
        if block.nested_in is not None and last_table is not None:
            host = last_table.cell(*block.nested_in)
            table = host.add_table(rows=len(block.rows), cols=width)
        else:
            table = document.add_table(rows=len(block.rows), cols=width)
            last_table = table
        covered = set()
        for r0, c0, r1, c1 in block.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered.add((r, c))
        for r, row in enumerate(block.rows):
            for c in range(width):
                value = row[c] if c < len(row) else ""
                if (r, c) not in covered and value not in (None, ""):
                    table.cell(r, c).text = str(value)
        for r0, c0, r1, c1 in block.merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(
    sheets: dict[str, list[list[Any]]],
    merges: dict[str, list[Merge]] | None = None,
    formats: dict[str, dict[tuple[int, int], str]] | None = None,
) -> bytes:
    """Sheets of values (0-based merges/format coordinates)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for r0, c0, r1, c1 in (merges or {}).get(name, []):
            sheet.merge_cells(
                start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1
            )
        for (r, c), fmt in (formats or {}).get(name, {}).items():
            sheet.cell(r + 1, c + 1).number_format = fmt
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cp1258_encode(text: str) -> bytes:
    """Windows-1258 the way Vietnamese Windows writes it: tone marks combining."""
    out = bytearray()
    tones = "\u0300\u0301\u0303\u0309\u0323"
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base_marks = [m for m in decomposed[1:] if m not in tones]
        tone_marks = [m for m in decomposed[1:] if m in tones]
        core = unicodedata.normalize("NFC", decomposed[0] + "".join(base_marks))
        out += (core + "".join(tone_marks)).encode("cp1258")
    return bytes(out)


def csv_bytes(rows: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        return cp1258_encode(text)
    return text.encode(encoding)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- layouts from the seeds -------------------------------------------------

PROGRESS_HEADER = [
    "TT",
    "Nội dung",
    "Đơn vị thực hiện",
    "Đơn vị phối hợp",
    "Thời gian hoàn thành",
    "Đã thực hiện",
    "Sản phẩm đầu ra",
    "Tỷ lệ hoàn thành nhiệm vụ",
]

# Seed 002 (progress report annex, Kim Thạch 2023), abridged but faithful.
PROGRESS_ROWS_PART1 = [
    ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", "", "", ""],
    [
        "1",
        "Ban hành kế hoạch kiểm tra CCHC năm 2023",
        "Văn phòng – Thống kê",
        "Các ban ngành liên quan",
        "Tháng 01/2023",
        "Đã ban hành",
        "Kế hoạch",
        "100%",
    ],
    [
        "2",
        "Ban hành kế hoạch tuyên truyền CCCH năm 2023",
        "Văn hóa – xã hội",
        "Các ban ngành liên quan",
        "Tháng 02/2023",
        "Đã ban hành",
        "Kế hoạch",
        "100%",
    ],
    [
        "3",
        "Đánh giá thực hiện nhiệm vụ CCHC theo quy định",
        "Văn phòng – Thống kê",
        "Các ban ngành liên quan",
        "Thường xuyên",
        "Đang thực hiện",
        "Kế hoạch, báo cáo",
        "50%",
    ],
    ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", "", "", ""],
    [
        "1",
        "Rà soát, thống kê, công bố TTHC cấp xã",
        "Các bộ phận có TTHC",
        "Các ban ngành liên quan",
        "Thường xuyên",
        "Đang thực hiện",
        "Danh mục TTHC",
        "50%",
    ],
    [
        "2",
        "Tổ chức, triển khai số hóa hồ sơ, giấy tờ, kết quả TTHC (Tỷ lệ hồ sơ",
        "Các bộ phận có TTHC",
        "Các ban ngành liên",
        "Thường xuyên",
        "Đang thực hiện",
        "Bảng tổng hợp tình hình số hóa hồ sơ",
        "90%",
    ],
]
# The page break: the second table has no header and starts with the tail of task II.2.
PROGRESS_ROWS_PART2 = [
    ["", "TTHC có cấp kết quả giải quyết TTHC điện tử đạt từ 40% trở lên)", "", "", "", "", "", ""],
    ["III", "CẢI CÁCH TÀI CHÍNH CÔNG", "", "", "", "", "", ""],
    [
        "1",
        "Đảm bảo công tác giải ngân đầu tư phát triển nguồn ngân sách nhà nước hàng năm.",
        "Tài chính - kế toán",
        "Các ban ngành liên quan",
        "Thường xuyên",
        "Đang thực hiện",
        "",
        "20%",
    ],
    [
        "2",
        "Thực hiện báo cáo các kiến nghị sau thanh tra, kiểm tra, kiểm toán nhà nước",
        "Tài chính - kế toán",
        "Các ban ngành liên quan",
        "Theo kế hoạch kiểm tra của cấp trên",
        "",
        "",
        "6 tháng đầu năm chưa có thanh kiểm tra",
    ],
    [
        "3",
        "Tinh giản biên chế theo lộ trình",
        "Văn phòng HĐND-UBND",
        "Các ban ngành liên quan",
        "Thường xuyên",
        "Đang thực hiện",
        "",
        "",
    ],
]
PROGRESS_HEADING = [
    "TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH TRIỂN KHAI NĂM 2023",
    "(Ban hành kèm theo Báo cáo số: ....../KH-UBND, ngày 12 tháng 6 năm 2023 "
    "của UBND xã Kim Thạch)",
]
# The statistics table of the same report: "Lĩnh vực" but no unit/deadline column.
STATS_TABLE = TableSpec(
    [
        ["STT", "Lĩnh vực", "Số lượng hồ sơ tiếp nhận", "Số lượng hồ sơ đã giải quyết"],
        ["1", "Bảo trợ xã hội", "56", "53"],
        ["2", "Chứng thực", "217", "217"],
    ]
)


def progress_report_docx() -> bytes:
    return docx_bytes(
        [
            "BÁO CÁO",
            "Cải cách hành chính 6 tháng đầu năm 2023",
            STATS_TABLE,
            *PROGRESS_HEADING,
            TableSpec([PROGRESS_HEADER, *PROGRESS_ROWS_PART1]),
            TableSpec(PROGRESS_ROWS_PART2),
        ]
    )


def progress_report_xlsx() -> bytes:
    """Same table in Excel: percents as numbers 1.0/0.5 with a % format."""
    rows: list[list[Any]] = [[PROGRESS_HEADING[0]], [PROGRESS_HEADING[1]], PROGRESS_HEADER]
    formats: dict[tuple[int, int], str] = {}
    for row in PROGRESS_ROWS_PART1 + PROGRESS_ROWS_PART2:
        row = list(row)
        if row[7].endswith("%"):
            row[7] = int(row[7][:-1]) / 100
            formats[(len(rows), 7)] = "0%"
        if row[0].isdigit():
            row[0] = int(row[0])
        rows.append(row)
    return xlsx_bytes({"Tiến độ": rows}, formats={"Tiến độ": formats})


PAR_HEADER = [
    [
        "TT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Chỉ tiêu đạt được",
        "Cơ quan theo dõi",
        "Cơ quan thực hiện",
        "",
    ],
    ["", "", "", "", "Cơ quan chủ trì", "Cơ quan phối hợp"],
]
PAR_HEADER_MERGES: list[Merge] = [
    (0, 0, 1, 0),
    (0, 1, 1, 1),
    (0, 2, 1, 2),
    (0, 3, 1, 3),
    (0, 4, 0, 5),
]
PAR_TABLES = [
    [
        ["1.", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC", "", "", "", ""],
        [
            "1.1",
            "Thực hiện kế hoạch CCHC",
            "Hoàn thành 100% nhiệm vụ CCHC đã đề ra",
            "Văn phòng- Thống kê",
            "Văn phòng- Thống kê",
            "Các ngành liên quan",
        ],
        [
            "1.2",
            "Thực hiện chế độ báo cáo CCHC định kỳ",
            "Các báo cáo gửi đúng thời gian",
            "Văn phòng- Thống kê",
            "Văn phòng- Thống kê",
            "Các ngành liên quan",
        ],
        ["2.", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
        ["2.1.", "Theo dõi thi hành pháp luật (TĐTHPL)", "", "Tư pháp-Hộ tịch", "", ""],
        [
            "2.1.1",
            "Thực hiện các hoạt động về TĐTHPL",
            "- Thực hiện công tác kiểm tra",
            "",
            "Tư pháp-Hộ tịch",
            "Các ngành liên quan",
        ],
        [
            "2.1.2",
            "Xử lý kết quả theo dõi thi hành pháp luật",
            "Ban hành đầy đủ văn bản",
            "",
            "Tư pháp-Hộ tịch",
            "Các ngành liên quan",
        ],
    ],
    [
        ["3.", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "Văn phòng- Thống kê", "", ""],
        [
            "3.2",
            "Công khai TTHC và kết quả giải quyết hồ sơ",
            "",
            "",
            "Các ngành liên quan",
            "Văn phòng- Thống kê",
        ],
        [
            "3.2.1",
            "Công khai TTHC và các quy định có liên quan",
            "- Công khai TTHC đầy đủ",
            "",
            "Các ngành liên quan",
            "Văn phòng- Thống kê",
        ],
        ["7.", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "", "", "", ""],
        [
            "7.1.2",
            "Triển khai tích hợp dữ liệu ban hành tại Quyết định số 1253/QĐ-UBND ngày 18/4/2022",
            "100% các ngành thực hiện tích hợp dữ liệu theo Quyết định số 1253/QĐ-UBND",
            "",
            "Văn hóa-Thông tin",
            "Các ngành liên quan",
        ],
    ],
    [
        ["", "của UBND tỉnh", "ngày 18/4/2022 của UBND tỉnh", "", "", ""],
        [
            "8.",
            "TÁC ĐỘNG CỦA CCHC ĐẾN NGƯỜI DÂN, TỔ CHỨC VÀ PHÁT TRIỂN KINH TẾ - XÃ HỘI",
            "",
            "",
            "",
            "",
        ],
        [
            "8.3",
            "Mức độ thực hiện các chỉ tiêu phát triển KT-XH do HĐND phường giao",
            "100% các chỉ tiêu phát triển KT-XH đạt và vượt",
            "Tài chính – Kế toán",
            "Các ngành liên quan",
            "Tài chính – Kế toán",
        ],
    ],
]
PAR_HEADING = [
    "Số: /QĐ-UBND",
    "Tam Quan Bắc, ngày tháng 5 năm 2023",
    "KẾ HOẠCH",
    "Nâng cao Chỉ số cải cách hành chính và Chỉ số hài lòng của người dân, tổ chức đối với sự "
    "phục vụ của cơ quan hành chính nhà nước trên địa bàn phường Tam Quan Bắc năm 2023 và các "
    "năm tiếp theo",
    "PHỤ LỤC",
]


def par_index_docx() -> bytes:
    """Seed 004's appendix: header of two rows with merges, repeated on every table."""
    blocks: list[str | TableSpec] = list(PAR_HEADING)
    for rows in PAR_TABLES:
        blocks.append(TableSpec([*PAR_HEADER, *rows], list(PAR_HEADER_MERGES)))
    return docx_bytes(blocks)


def par_index_csv_rows() -> list[list[str]]:
    rows = [list(PAR_HEADER[0]), list(PAR_HEADER[1])]
    for table in PAR_TABLES:
        rows.extend(table)
    return rows
