# ruff: noqa: E501  (cells are copied whole from the seed)
"""Seed 002's whole progress table (Kim Thạch, 6 tháng đầu năm 2023), transcribed row by row.

/work/shared/seeds/002_*.txt is the text of the commune's report; its annex
"TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH TRIỂN KHAI NĂM 2023" has
32 tasks in 7 fields.  The cells are copied as the report writes them
(status word, output, percent; blanks stay blank; the remark written in the
percent column of VI.3 stays there), so replaying it through ``import-plan
--as-of 2023-06-14`` exercises the importer and the completion rules on the
real thing.
"""

from __future__ import annotations

from tests.doc_builders import PROGRESS_HEADER, xlsx_bytes

_VP = "Văn phòng – Thống kê"
_VPH = "Văn phòng HĐND-UBND"
_TC = "Tài chính - kế toán"
_TP = "Tư pháp – Hộ tịch"
_TTHC = "Các bộ phận có TTHC"
_CO = "Các ban ngành liên quan"
_TX = "Thường xuyên"
_DTH = "Đang thực hiện"
_DBH = "Đã ban hành"

ROWS: list[list[str]] = [
    ["I", "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH", "", "", "", "", "", ""],
    [
        "1",
        "Ban hành kế hoạch kiểm tra CCHC năm 2023",
        _VP,
        _CO,
        "Tháng 01/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    [
        "2",
        "Ban hành kế hoạch tuyên truyền CCCH năm 2023",
        "Văn hóa – xã hội",
        _CO,
        "Tháng 02/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    [
        "3",
        "Đánh giá thực hiện nhiệm vụ CCHC theo quy định",
        _VP,
        _CO,
        _TX,
        _DTH,
        "Kế hoạch, báo cáo",
        "50%",
    ],
    [
        "4",
        "Ban hành kế hoạch nâng cao các chỉ số CCHC năm 2023",
        _VP,
        _CO,
        "Tháng 02/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    [
        "5",
        "Ban hành kế hoạch tự kiểm tra công tác CCHC, công tác KSTTHC",
        _VP,
        _CO,
        "Quý 2/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    ["II", "CẢI CÁCH THỂ CHẾ", "", "", "", "", "", ""],
    [
        "1",
        "Ban hành kế hoạch rà soát VB QPPL năm 2023",
        _VP,
        _CO,
        "Tháng 1/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    ["2", "Ban hành kế hoạch phổ biến GDPL năm 2023", _TP, _CO, _TX, _DBH, "Kế hoạch", "100%"],
    [
        "3",
        "Ban hành kế hoạch công tác theo dõi thi hành pháp luật năm 2023",
        _TP,
        _CO,
        _TX,
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    ["III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", "", "", ""],
    [
        "1",
        "Ban hành kế hoạch kiểm soát TTHC năm 2023",
        _VP,
        _CO,
        "Tháng 01/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    ["2", "Rà soát, thống kê, công bố TTHC cấp xã", _TTHC, _CO, _TX, _DTH, "Danh mục TTHC", "50%"],
    [
        "3",
        "Tiếp tục thực hiện có hiệu quả cơ chế một cửa, một cửa liên thông",
        _TTHC,
        _CO,
        _TX,
        _DTH,
        "",
        "50%",
    ],
    [
        "4",
        "Tổ chức kiểm tra công tác CCHC (lồng ghép với kiểm tra Kiểm soát TTHC)",
        "Đoàn kiểm tra CCHC xã",
        _CO,
        "Quý 2/2023",
        "Đã thực hiện",
        "Kế hoạch\nBiên bản\nBáo cáo sau kiểm tra",
        "100%",
    ],
    [
        "5",
        "Tiếp nhận, xử lý phản ánh, kiến nghị của các tổ chức, cá nhân về quy định hành chính thuộc phạm vi, thẩm quyền quản lý của UBND xã",
        "Tư pháp - Hộ tịch",
        _CO,
        _TX,
        _DTH,
        "Báo cáo tiếp công dân 6 tháng đầu năm 2023",
        "50%",
    ],
    [
        "6",
        "Đánh giá mức độ hài lòng của người dân, doanh nghiệp về giải quyết TTHC; quy định về xin lỗi tổ chức, cá nhân trong quá trình tiếp nhận, giải quyết, trả kết quả TTHC.(Phiếu khảo sát mức độ hài lòng trên phần mềm một cửa điện tử đạt trên 60%;Thực hiện quy định về xin lỗi đầy đủ)",
        _VP,
        _CO,
        _TX,
        _DTH,
        "Phiếu khảo sát của người dân",
        "100%",
    ],
    [
        "7",
        "Tổ chức, triển khai số hóa hồ sơ, giấy tờ, kết quả TTHC (Tỷ lệ hồ sơ giải quyết TTHC được luân chuyển trong nội bộ giữa các cơ quan có thẩm quyền giải quyết hoặc cơ quan có liên quan thực hiện bằng phương thức điện tử đạt tối thiểu 60%; Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử đạt từ 40% trở lên)",
        _TTHC,
        _CO,
        _TX,
        _DTH,
        "Bảng tổng hợp tình hình số hóa hồ sơ",
        "90%",
    ],
    ["IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY HCNN", "", "", "", "", "", ""],
    [
        "1",
        "Hoàn thành đề án vị trí việc làm của đơn vị theo Nghị định số 62/2020/NĐ-CP ngày 01/6/2020 của chính phủ về vị trí việc làm và biên chế công chức;",
        _VPH,
        _CO,
        _TX,
        _DTH,
        "",
        "50%",
    ],
    [
        "2",
        "Thực hiện nghiêm các quy định về phân cấp quản lý; triển khai thực hiện Nghị quyết của Chính phủ về đẩy mạnh phân cấp QLNN theo ngành, lĩnh vực; các nhiệm vụ quy định phân cấp",
        _VPH,
        _CO,
        _TX,
        _DTH,
        "",
        "100%",
    ],
    [
        "3",
        "Ban hành quy chế làm việc của cơ quan.",
        _VPH,
        _CO,
        _TX,
        _DBH,
        "Quyết định, Quy chế.",
        "100%",
    ],
    [
        "4",
        "Thực hiện có hiệu quả công tác quản lý nhà nước đối với các hội đoàn thể",
        _VPH,
        _CO,
        _TX,
        _DTH,
        "",
        "100%",
    ],
    [
        "5",
        "Ban hành thông báo phân công nhiệm vụ đối với cán bộ, công chức",
        _VPH,
        _CO,
        _TX,
        _DBH,
        "Thông báo",
        "100%",
    ],
    ["6", "Tinh giản biên chế theo lộ trình", _VPH, _CO, _TX, _DTH, "", ""],
    ["V", "CẢI CÁCH CÔNG VỤ", "", "", "", "", "", ""],
    [
        "1",
        "Xây dựng Kế hoạch đào tạo, bồi dưỡng CB, CC năm 2023",
        _VPH,
        _CO,
        "Tháng 01/2023",
        _DBH,
        "Kế hoạch",
        "100%",
    ],
    [
        "2",
        "Thực hiện Đề án Văn hóa công vụ (ban hành theo Quyết định 1847/QĐTTg ngày 7/12/2018 của Thủ tướng Chính phủ).",
        "Can bộ, công chức UBND",
        _CO,
        _TX,
        _DTH,
        "Lồng ghép trong các báo cáo",
        "100%",
    ],
    ["3", "Đánh giá, phân loại chất lượng CBCC", _VPH, _CO, "Năm 2023", _DTH, "", ""],
    ["VI", "CẢI CÁCH TÀI CHÍNH CÔNG", "", "", "", "", "", ""],
    [
        "1",
        "Ban hành quy chế chi tiêu nội bộ; quy chế quản lý, sử dụng tài sản công.",
        _TC,
        _CO,
        _TX,
        _DBH,
        "Quyết định, Quy chế",
        "100%",
    ],
    [
        "2",
        "Đảm bảo công tác giải ngân đầu tư phát triển nguồn ngân sách nhà nước hàng năm.",
        _TC,
        _CO,
        _TX,
        _DTH,
        "",
        "20%",
    ],
    [
        "3",
        "Thực hiện báo cáo các kiến nghị sau thanh tra, kiểm tra, kiểm toán nhà nước về tài chính, ngân sách.",
        _TC,
        _CO,
        "Theo kế hoạch kiểm tra của cấp trên",
        "",
        "",
        "6 tháng đầu năm chưa có thanh kiểm tra",
    ],
    ["VII", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "", "", "", "", "", ""],
    [
        "1",
        "Tiếp nhận, xử lý hồ sơ công việc trên môi trường mạng.",
        "Văn phòng - Thống kê, bộ phận tiếp nhận và trả kết quả",
        _CO,
        _TX,
        _DTH,
        "Báo cáo CCHC",
        "50%",
    ],
    [
        "2",
        "Thường xuyên áp dụng ISO vào hoạt động của UBND",
        _VP,
        _CO,
        _TX,
        _DTH,
        "Báo cáo CCHC",
        "50%",
    ],
    ["3", "Áp dụng chữ ký số của CT và PCT UBND xã", _VP, _CO, _TX, _DTH, "Báo cáo CCHC", "80%"],
    [
        "4",
        "Thực hiện tiếp nhận hồ sơ, trả kết quả giải quyết TTHC qua dịch vụ BCCI, cung cấp dịch vụ công trực tuyến.",
        "Văn phòng - Thống kê, bộ phận tiếp nhận và trả kết quả",
        _CO,
        _TX,
        _DTH,
        "Báo cáo CCHC",
        "50%",
    ],
    ["5", "Lưu trữ và nộp hồ sơ lưu trữ điện tử", _VP, _CO, _TX, _DTH, "Báo cáo", "50%"],
]
TASKS = sum(1 for row in ROWS if row[0].isdigit())  # 32

HEADING = [
    "TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH TRIỂN KHAI NĂM 2023",
    "(Ban hành kèm theo Báo cáo số: ....../KH-UBND, ngày 12 tháng 6 năm 2023 "
    "của UBND xã Kim Thạch)",
]


def seed002_xlsx() -> bytes:
    """The table as the clerk's spreadsheet: percents as numbers with a % format."""
    rows: list[list[object]] = [[HEADING[0]], [HEADING[1]], PROGRESS_HEADER]
    formats: dict[tuple[int, int], str] = {}
    for row in ROWS:
        cells: list[object] = list(row)
        text = str(cells[7])
        if text.endswith("%") and text[:-1].isdigit():
            cells[7] = int(text[:-1]) / 100
            formats[(len(rows), 7)] = "0%"
        rows.append(cells)
    return xlsx_bytes({"Tiến độ": rows}, formats={"Tiến độ": formats})
