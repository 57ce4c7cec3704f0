"""Seed 000's scorecard, number by number, as the document writes it.

Shared by the import tests (prose and table forms must both give exactly
this) and the desk tests. Written out by hand from
``/work/shared/seeds/000_*.txt`` — never computed from the reader.
"""

from __future__ import annotations

from decimal import Decimal as D

YEAR = 2022
TOTAL = D("81.863")
RATING = "tốt"
RANK, RANK_OF = 31, 141

# (code, title starts with, score, max, group)
FIELDS = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", D("8.42"), D("10"), "self"),
    ("2", "Xây dựng và tổ chức thực hiện văn bản", D("4.5"), D("4.5"), "self"),
    ("3", "Cải cách thủ tục hành chính", D("9.21"), D("14.5"), "self"),
    ("4", "Cải cách tổ chức bộ máy hành chính", D("3"), D("3"), "self"),
    ("5", "Xây dựng và nâng cao chất lượng đội ngũ", D("8"), D("10"), "self"),
    ("6", "Cải cách tài chính công", D("7.5"), D("9"), "self"),
    ("7", "Hiện đại hóa hành chính", D("12.5"), D("15"), "self"),
    ("8", "Đánh giá tác động của CCHC", D("4"), D("4"), "self"),
    ("9", "Đánh giá mức độ hài lòng của người dân, tổ chức (SIPAS)", D("18.6"), D("30"), "survey"),
]

# (code, parent, title starts with, score, max, lost, reason starts with or None)
CRITERIA = [
    ("1.1", "1", "Kế hoạch CCHC", D("2"), D("2"), D("0"), None),
    ("1.2", "1", "Thực hiện chế độ báo cáo CCHC định kỳ", D("1"), D("1"), D("0"), None),
    ("1.3", "1", "Công tác kiểm tra, giám sát CCHC", D("2"), D("2"), D("0"), None),
    ("1.4", "1", "Sáng kiến hoặc giải pháp mới", D("1"), D("1"), D("0"), None),
    (
        "1.5",
        "1",
        "Công tác tuyên truyền CCHC",
        D("1"),
        D("2"),
        D("1"),
        "tỷ lệ cán bộ, công chức xã tham gia Hội thi",
    ),
    ("1.6", "1", "Thực hiện theo Ý kiến chỉ đạo", D("1.42"), D("2"), D("0.58"), None),
    ("2.1", "2", "Thực hiện công bố văn bản hết hiệu lực", D("0.5"), D("0.5"), D("0"), None),
    ("2.2", "2", "Theo dõi thi hành pháp luật", D("2.5"), D("2.5"), D("0"), None),
    ("2.3", "2", "Báo cáo năm về kết quả kiểm tra", D("0.5"), D("0.5"), D("0"), None),
    ("2.4", "2", "Kiểm tra, rà soát, xử lý văn bản QPPL", D("1"), D("1"), D("0"), None),
    ("3.1", "3", "Công khai TTHC và kết quả giải quyết hồ sơ", D("2"), D("2"), D("0"), None),
    (
        "3.2",
        "3",
        "Thực hiện cơ chế một cửa",
        D("2"),
        D("3"),
        D("1"),
        "chưa cập nhật đầy đủ thông tin hồ sơ",
    ),
    ("3.3", "3", "TTHC được cập nhật và thiết lập", D("1"), D("1"), D("0"), None),
    ("3.4", "3", "Kết quả giải quyết hồ sơ TTHC", D("3.46"), D("5.5"), D("2.04"), None),
    (
        None,
        "3.4",
        "Tỷ lệ hồ sơ TTHC do UBND cấp xã",
        D("1.96"),
        D("2"),
        D("0.4"),
        "có hồ sơ giải quyết thủ tục hành chính quá hạn",
    ),
    (
        None,
        "3.4",
        "Thực hiện lấy ý kiến đánh giá sự hài lòng",
        D("0.5"),
        D("1"),
        D("0.5"),
        "việc thực hiện lấy ý kiến",
    ),
    (
        None,
        "3.4",
        "Thực hiện việc xin lỗi người dân",
        D("0"),
        D("1.5"),
        D("1.5"),
        "không có phiếu xin lỗi",
    ),
    ("3.5", "3", "Tiếp nhận, xử lý phản ánh, kiến nghị", D("0.5"), D("0.5"), D("0"), None),
    (
        "3.6",
        "3",
        "Thực hiện báo cáo công tác kiểm soát TTHC",
        D("0.25"),
        D("1"),
        D("0.75"),
        "thực hiện báo cáo chưa đảm bảo thời gian",
    ),
    ("4.1", "4", "Thực hiện quy chế làm việc", D("0.5"), D("0.5"), D("0"), None),
    ("4.2", "4", "Thực hiện quy chế dân chủ", D("1.5"), D("1.5"), D("0"), None),
    ("4.3", "4", "Thực hiện quy định về số lượng người làm việc", D("1"), D("1"), D("0"), None),
    (
        None,
        "5",
        "Chấp hành kỷ luật, kỷ cương hành chính",
        D("0"),
        D("2"),
        D("2"),
        "có công chức bị kỷ luật trong năm",
    ),
    ("6.2.1", "6", "Thực hiện giải ngân kế hoạch đầu tư", D("1"), D("2"), D("1"), None),
    ("6.3", "6", "Thực hiện cơ chế tự chủ", D("2"), D("2.5"), D("0.5"), None),
    ("6.3.1", "6.3", "Báo cáo kết quả cơ chế tự chủ", D("1"), D("1.5"), D("0.5"), None),
    ("7.1", "7", "Ứng dụng công nghệ thông tin", D("3"), D("3"), D("0"), None),
    ("7.2", "7", "Tỷ lệ hồ sơ TTHC được xử lý trực tuyến", D("1.5"), D("1.5"), D("0"), None),
    (
        "7.3",
        "7",
        "Thực hiện tiếp nhận hồ sơ, trả kết quả giải quyết TTHC qua dịch vụ bưu chính",
        D("0"),
        D("1.5"),
        D("1.5"),
        "không thực hiện tiếp nhận hồ sơ",
    ),
    ("7.4", "7", "Triển khai Văn bản điện tử", D("2"), D("2"), D("0"), None),
    ("7.5", "7", "Kết quả xử lý phản ánh hiện trường", D("1"), D("1"), D("0"), None),
    ("7.6", "7", "Áp dụng Hệ thống quản lý chất lượng", D("3"), D("3"), D("0"), None),
    ("7.7", "7", "Thực hiện công tác văn thư, lưu trữ", D("2"), D("2"), D("0"), None),
    (
        "7.8",
        "7",
        "Chất lượng Trang thông tin điện tử",
        D("0"),
        D("1"),
        D("1"),
        "đăng ít tin bài viết chưa đảm bảo",
    ),
    ("8.1", "8", "Thực hiện thu ngân sách hàng năm", D("2"), D("2"), D("0"), None),
    ("8.2", "8", "Mức độ thực hiện các chỉ tiêu phát triển", D("2"), D("2"), D("0"), None),
    (
        "9.1",
        "9",
        "Chỉ số hài lòng về tiếp cận dịch vụ",
        D("4.62"),
        D("6"),
        D("1.38"),
        "Nhìn chung, các kênh thông tin",
    ),
    ("9.2", "9", "Chỉ số hài lòng về tổ chức giải quyết TTHC", D("4.63"), D("6"), D("1.37"), None),
    (
        "9.3",
        "9",
        "Chỉ số hài lòng về công chức giải quyết TTHC",
        D("4.65"),
        D("6"),
        D("1.35"),
        None,
    ),
    ("9.4", "9", "Chỉ số hài lòng về kết quả giải quyết TTHC", D("4.7"), D("6"), D("1.3"), None),
    ("9.5", "9", "Chỉ số hài lòng về việc tiếp nhận, xử lý phản ánh", D("0"), D("6"), D("6"), None),
]


def vi(value: D) -> str:
    """As the documents write it: "8,42"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")
