"""Prose plans (issue 12 §1): seeds 001 (Hướng Hóa 2021) and 000 (Dương Hòa 2023).

Each seed is written as a real .docx (markers typed, or Word list formatting,
or typed untidily: "1.1." numbering, "–" bullets, no bold) and printed to a
text PDF; every form must give the tasks a person lists, checked task by task
against expectations written by hand from the documents.
"""

from __future__ import annotations

import datetime as dt

import pytest

from locales import catalog, t
from plans.criteria_codes import find_criterion_codes
from plans.importing import (
    LegacyFormatError,
    NoTaskListError,
    ScannedPdfError,
    load_plan,
)
from plans.importing.legacy import soffice_path
from plans.importing.paragraphs import paragraphs_from_lines
from tests import prose_builders as pb

FORMS = ["docx", "docx-word-lists", "docx-messy", "pdf", "pdf-tight"]


def build(path, form: str) -> tuple[bytes, str]:
    source = path.read_text(encoding="utf-8")
    if form == "docx":
        return pb.docx_from_markdown(source), "ke-hoach.docx"
    if form == "docx-word-lists":
        return pb.docx_from_markdown(source, word_lists=True), "ke-hoach.docx"
    if form == "docx-messy":
        return pb.docx_from_markdown(pb.messy(source)), "ke-hoach.docx"
    if form == "pdf-tight":  # no paragraph spacing: line lengths only
        return pb.pdf_from_markdown(source, spacing=0), "ke-hoach.pdf"
    return pb.pdf_from_markdown(source), "ke-hoach.pdf"


# --- seed 001: fields with "Các nội dung triển khai" and "Trách nhiệm thực hiện" ------

NOI_VU = ["Phòng Nội vụ"]
COORD_LQ = ["Các phòng, ban liên quan, đơn vị sự nghiệp", "UBND các xã, thị trấn"]
COORD_LQ2 = ["Các phòng, ban liên quan", "UBND các xã, thị trấn"]
COORD_CM = ["Các phòng, ban chuyên môn, đơn vị sự nghiệp", "UBND xã, thị trấn"]
VP = ["Văn phòng HĐND và UBND huyện"]
TP = ["Phòng Tư pháp"]
TCKH = ["Phòng Tài chính - Kế hoạch"]
VP_VH = ["Văn phòng HĐND và UBND", "Phòng Văn hóa Thông tin"]
VPTK, TCKT = ["Văn phòng - Thống kê xã"], ["Công chức Tài chính - Kế toán xã"]
VHXH = ["Công chức Văn hóa - Xã hội", "Cán bộ phụ trách đài truyền thanh xã"]
TPHT, MTTQ = ["Công chức Tư pháp - Hộ tịch xã"], ["UBMTTQVN", "Các đoàn thể xã"]

# (field, code, opening words, sub-items, lead, coordinating)
HUONG_HOA_TASKS = [
    ("1", "1.a", "Hoàn thành 100% các nhiệm vụ", 0, NOI_VU, COORD_LQ),
    ("1", "1.b", "Tất cả các báo cáo CCHC", 0, NOI_VU, COORD_LQ),
    ("1", "1.c", "Tuyên truyền sâu rộng công tác CCHC", 0, NOI_VU, COORD_LQ),
    ("1", "1.d", "Nghiên cứu, đề xuất các giải pháp", 0, NOI_VU, COORD_LQ),
    ("1", "1.đ", "Tăng cường thanh tra, kiểm tra công vụ", 0, NOI_VU, COORD_LQ),
    ("2", "2.a", "Tiếp tục nâng cao chất lượng xây dựng", 2, TP, COORD_LQ2),
    ("2", "2.b", "Nâng cao chất lượng rà soát", 2, TP, COORD_LQ2),
    ("2", "2.c", "Đẩy mạnh công tác theo dõi tình hình", 3, TP, COORD_LQ2),
    ("3", None, "Triển khai có hiệu quả Nghị định số 61", 0, VP, COORD_LQ2),
    ("3", None, "Tăng cường chỉ đạo triển khai có hiệu quả phần mềm", 0, VP, COORD_LQ2),
    ("3", None, "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", 0, VP, COORD_LQ2),
    ("3", None, "Thường xuyên chỉ đạo, đôn đốc UBND xã", 0, VP, COORD_LQ2),
    ("4", "4.a", "Tiếp tục thực hiện việc sắp xếp tổ chức bộ máy", 0, NOI_VU, COORD_CM),
    ("4", "4.b", "Thực hiện đúng quy định về phân cấp", 0, NOI_VU, COORD_CM),
    ("4", "4.c", "Tiếp tục thực hiện chính sách tinh giản biên chế", 0, NOI_VU, COORD_CM),
    ("5", "5.a", "Tăng cường chỉ đạo cán bộ, công chức", 0, NOI_VU, COORD_CM),
    ("5", "5.b", "Thực hiện bổ nhiệm, bổ nhiệm lại", 0, NOI_VU, COORD_CM),
    ("5", "5.c", "Tiếp tục hướng dẫn xây dựng đề án vị trí việc làm", 0, NOI_VU, COORD_CM),
    ("5", "5.d", "Việc bổ nhiệm công chức phải tuân thủ", 0, NOI_VU, COORD_CM),
    ("5", "5.đ", "Tăng cường công tác đào tạo, bồi dưỡng", 0, NOI_VU, COORD_CM),
    ("6", "6.a", "Tiếp tục xây dựng phương án tự chủ", 0, TCKH, COORD_CM),
    ("6", "6.b", "Chỉ đạo, đôn đốc các phòng, ban chuyên môn", 0, TCKH, COORD_CM),
    ("7", None, "Triển khai thực hiện có hiệu quả Kế hoạch", 0, VP_VH, COORD_CM),
    ("7", None, "Cập nhật thông tin thường xuyên", 0, VP_VH, COORD_CM),
    ("7", None, "Nâng cao khả năng khai thác phần mềm", 0, VP_VH, COORD_CM),
    ("7", None, "Tỷ lệ hồ sơ trực tuyến mức độ 3,4", 0, VP_VH, COORD_CM),
    ("7", None, "Thực hiện tiếp nhận hồ sơ, trả kết quả giải quyết TTHC qua", 0, VP_VH, COORD_CM),
]  # fmt: skip


@pytest.fixture(scope="module", params=FORMS)
def huong_hoa(request):
    data, name = build(pb.HUONG_HOA, request.param)
    return load_plan(data, name)


def test_huong_hoa_meta_and_fields(huong_hoa):
    assert huong_hoa.layout == "prose"
    assert (huong_hoa.meta.number, huong_hoa.meta.year) == ("322/KH-UBND", 2021)
    assert [(f.key, len(f.tasks)) for f in huong_hoa.fields] == [
        ("1", 5),
        ("2", 3),
        ("3", 4),
        ("4", 3),
        ("5", 5),
        ("6", 2),
        ("7", 5),
        ("IV", 2),
    ]
    assert huong_hoa.fields[1].title == "Cải cách thể chế"


def test_huong_hoa_27_measures_task_by_task(huong_hoa):
    measures = [t for t in huong_hoa.all_tasks() if t.field_key != "IV"]
    assert len(measures) == len(HUONG_HOA_TASKS) == 27
    for task, (fld, code, opening, subs, lead, coordinating) in zip(
        measures, HUONG_HOA_TASKS, strict=True
    ):
        assert (task.field_key, task.code) == (fld, code), task.content[:60]
        assert task.content.startswith(opening), (opening, task.content[:80])
        assert task.content.count("\n- ") == subs, task.content
        assert task.lead_units == lead, opening
        assert task.coordinating_units == coordinating, opening
        assert task.source_text and task.source_text.count("\n") >= subs
        assert opening in task.source_text


def test_huong_hoa_no_finding_among_tasks(huong_hoa):
    texts = [t.content for t in huong_hoa.all_tasks()]
    # The "Tồn tại, hạn chế" bullets of fields 3 and 7 are findings.
    assert not any("còn thấp" in text or "ít cập nhật thông tin" in text for text in texts)
    assert not any(text.startswith("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến") for text in texts)
    reasons = {(s.reason, s.text.split(" ", 1)[0].rstrip(".")) for s in huong_hoa.skipped_rows}
    assert ("importing.skip.prose_findings", "3.1") in reasons
    assert ("importing.skip.prose_findings", "7.1") in reasons
    assert ("importing.skip.prose_goals", "1") in reasons


def test_huong_hoa_two_duties(huong_hoa):
    report, note = huong_hoa.fields[-1].tasks
    assert huong_hoa.fields[-1].title == "TỔ CHỨC THỰC HIỆN"
    assert report.content.startswith("Phòng Nội vụ là đầu mối")
    assert str(report.deadline.kind) == "recurring" and not report.deadline_assumed
    assert report.lead_units == ["Phòng Nội vụ"]
    assert note.content.startswith("Lưu ý: Đề nghị các cơ quan")
    assert note.deadline.due_date == dt.date(2021, 8, 30)
    assert note.lead_units == ["Các cơ quan, đơn vị", "UBND các xã, thị trấn"]
    # Items 1 and 3 of "IV" give no rhythm or date: general instructions, reported.
    general = [s for s in huong_hoa.skipped_rows if s.reason == "importing.skip.prose_general_duty"]
    assert [s.text[:2] for s in general[:2]] == ["1.", "3."]


def test_huong_hoa_deadlines(huong_hoa):
    tasks = {t.content[:60]: t for t in huong_hoa.all_tasks()}
    recurring = {k for k, t in tasks.items() if str(t.deadline.kind) == "recurring"}
    # "Thường xuyên", "định kỳ", "hằng năm"/"hàng năm" in the item's text.
    assert any(k.startswith("Thường xuyên chỉ đạo") for k in recurring)
    assert any(k.startswith("Cập nhật thông tin thường xuyên") for k in recurring)
    assert any(k.startswith("Tất cả các báo cáo CCHC") for k in recurring)
    plain = next(t for k, t in tasks.items() if k.startswith("Hoàn thành 100% các nhiệm vụ"))
    assert plain.deadline.due_date == dt.date(2021, 12, 31) and plain.deadline_assumed
    # A citation date ("Nghị định 61/2018/NĐ-CP ngày 23/4/2018") is not a deadline.
    cited = next(t for k, t in tasks.items() if k.startswith("Triển khai có hiệu quả Nghị định"))
    assert cited.deadline_assumed
    (summary,) = [w for w in huong_hoa.warnings if w.key == "importing.warning.year_end_deadlines"]
    assert summary.params["date"] == "31/12/2021"
    assert summary.params["count"] == sum(t.deadline_assumed for t in huong_hoa.all_tasks())


def test_huong_hoa_json_has_source_text(huong_hoa):
    data = huong_hoa.to_json()
    assert data["layout"] == "prose" and len(data["tasks"]) == 29
    first = data["tasks"][0]
    assert first["source_text"].startswith("a) Hoàn thành 100%")
    assert first["deadline_assumed"] is True and first["due_date"] == "2021-12-31"
    assert {s["reason"] for s in data["skipped"]} >= {"importing.skip.prose_findings"}


# --- seed 000: part A is last year's scores, part B lists tasks per unit -------------

# (field, lead units, opening words, criterion codes)
DUONG_HOA_TASKS = [
    ("a", VPTK, "Tham mưu UBND xã tổ chức thực hiện kế hoạch cải cách", []),
    ("a", VPTK, "Tham mưu UBND xã thực hiện Kế hoạch CCHC (TCTP 1.1)",
     ["1.1", "1.2", "1.3", "1.6", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]),
    ("a", VPTK, "Tham mưu UBND xã thực hiện tổ chức thực hiện chấm điểm", []),
    ("b", TCKT, "Tham mưu UBND xã tổ chức thực hiện công tác tài chính", ["6.2.1"]),
    ("c", VHXH, "Tham mưu UBND xã tổ chức thực hiện kế hoạch thông tin", []),
    ("d", TPHT, "Tham mưu UBND xã xây dựng và tổ chức thực hiện văn bản", ["2.1", "2.2", "2.3"]),
    ("e", MTTQ, "Phối hợp thực hiện tăng cường công tác thông tin", []),
    ("e", MTTQ, "Nghiên cứu, đề xuất, triển khai các giải pháp", []),
]  # fmt: skip


@pytest.fixture(scope="module", params=FORMS)
def duong_hoa(request):
    data, name = build(pb.DUONG_HOA, request.param)
    return load_plan(data, name)


def test_duong_hoa_one_task_per_bullet_of_part_b(duong_hoa):
    tasks = duong_hoa.all_tasks()
    assert len(tasks) == len(DUONG_HOA_TASKS)
    for task, (fld, lead, opening, codes) in zip(tasks, DUONG_HOA_TASKS, strict=True):
        assert task.field_key == fld
        assert task.lead_units == lead
        assert task.content.startswith(opening), (opening, task.content[:80])
        assert task.criterion_codes == codes
    assert [f.title for f in duong_hoa.fields][:2] == [
        "Văn phòng - Thống kê xã",
        "Công chức Tài chính - Kế toán xã",
    ]


def test_duong_hoa_page_break_inside_a_bullet_is_mended(duong_hoa):
    finance = duong_hoa.fields[1].tasks[0]
    assert "tham muu thực hiện giải ngân" in " ".join(finance.content.split())
    assert finance.content.endswith("(TCTP 6.2.1).")


def test_duong_hoa_part_a_scores_are_not_tasks(duong_hoa):
    assert not any("Điểm đạt được" in t.content for t in duong_hoa.all_tasks())
    skipped = {s.reason for s in duong_hoa.skipped_rows}
    assert {"importing.skip.prose_assessment", "importing.skip.prose_goals"} <= skipped
    closing = [s for s in duong_hoa.skipped_rows if s.reason == "importing.skip.prose_text"]
    if duong_hoa.source_format == "docx":
        assert closing and closing[-1].text.startswith("Căn cứ nội dung kế hoạch này")
    # In a PDF without paragraph spacing the closing sentence may be glued to the
    # last bullet (nothing in the text layer marks the paragraph's end); it never
    # becomes a task of its own.
    assert not any(t.content.startswith("Căn cứ") for t in duong_hoa.all_tasks())


@pytest.mark.parametrize("path", [pb.HUONG_HOA, pb.DUONG_HOA], ids=["001", "000"])
def test_pdf_with_paragraph_spacing_reads_exactly_like_the_docx(path):
    """Gaps between paragraphs in the text layer end paragraphs where Word did."""
    pdf = load_plan(*build(path, "pdf"))
    docx = load_plan(*build(path, "docx"))
    assert [t.content for t in pdf.all_tasks()] == [t.content for t in docx.all_tasks()]
    assert [t.lead_units for t in pdf.all_tasks()] == [t.lead_units for t in docx.all_tasks()]
    assert [s.reason for s in pdf.skipped_rows] == [s.reason for s in docx.skipped_rows]


def test_skipped_sections_render_in_the_report():
    data, name = build(pb.HUONG_HOA, "docx")
    plan = load_plan(data, name)
    from plans.importing.outcome import _warning_lines

    lines = "\n".join(_warning_lines(plan.warnings, plan.skipped_rows, "vi"))
    assert "Bỏ qua “3.1 Tồn tại, hạn chế” (đoạn" in lines
    assert "phần tồn tại, hạn chế (nhận xét, không phải nhiệm vụ)" in lines
    assert "chưa ghi thời gian" in lines


# --- bad input -----------------------------------------------------------------------


def test_prose_without_task_section_names_the_headings():
    source = "\n".join(
        [
            "KẾ HOẠCH",
            "I. MỤC TIÊU, YÊU CẦU",
            "- Nâng cao chất lượng phục vụ.",
            "II. KẾT QUẢ ĐẠT ĐƯỢC",
            "- Hoàn thành 90% nhiệm vụ năm trước.",
        ]
    )
    with pytest.raises(NoTaskListError) as info:
        load_plan(pb.docx_from_markdown(source), "bao-cao.docx")
    err = info.value
    text = t(err.key, "vi", **err.params)
    assert "“bao-cao.docx”" in text and "MỤC TIÊU, YÊU CẦU" in text and "KẾT QUẢ ĐẠT ĐƯỢC" in text


def test_scanned_pdf_is_refused_politely():
    with pytest.raises(ScannedPdfError) as info:
        load_plan(pb.scanned_pdf(3), "ban-quet.pdf")
    text = t(info.value.key, "vi", **info.value.params)
    assert "chụp/quét (3 trang)" in text and "“ban-quet.pdf”" in text


@pytest.mark.skipif(soffice_path() is not None, reason="LibreOffice installed: .doc converts")
def test_legacy_doc_without_libreoffice_names_docx_and_pdf():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "WordDocument".encode("utf-16-le")
    with pytest.raises(LegacyFormatError) as info:
        load_plan(ole + b"\x00" * 512, "cu.doc")
    text = t(info.value.key, "vi", **info.value.params)
    assert ".docx" in text and ".pdf" in text


def test_new_catalog_keys_in_both_languages():
    for key in (
        "importing.error.scanned_pdf",
        "importing.error.no_task_list",
        "importing.warning.year_end_deadlines",
        "importing.skip.group",
        "importing.skip.prose_findings",
        "importing.report.skipped_section",
    ):
        assert key in catalog("vi") and key in catalog("en")


# --- pieces ----------------------------------------------------------------------------


def test_find_criterion_codes():
    assert find_criterion_codes("Kế hoạch (TCTP 1.1); báo cáo (TCTP 1.2, 1.3)") == [
        "1.1",
        "1.2",
        "1.3",
    ]
    assert find_criterion_codes("tự chủ (Tại TCTP 6.3.1) và (tcTP 6.3.1)") == ["6.3.1"]
    assert find_criterion_codes("Tiêu chí thành phần 2.1 và 2.2") == ["2.1", "2.2"]
    assert find_criterion_codes("Nghị định 61/2018/NĐ-CP ngày 23/4/2018; 100% TTHC") == []
    assert find_criterion_codes("TC 3 đơn vị") == []
    assert find_criterion_codes(None) == []


def test_pdf_lines_glued_into_paragraphs():
    full = "x" * 60
    pages = [
        ["1. Công tác chỉ đạo điều hành", "a) Hoàn thành " + full, "tiếp theo câu.", "7"],
        ["b) Mục sau " + full, "Dòng mới sau dòng ngắn hơn."],
    ]
    paras = paragraphs_from_lines(pages)
    assert [p.text[:12] for p in paras] == ["1. Công tác ", "a) Hoàn thàn", "b) Mục sau x"]
    assert paras[1].text.endswith("tiếp theo câu.") and paras[2].source == "trang 2"


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice not installed")
def test_legacy_doc_is_converted_by_libreoffice(tmp_path):
    """A .doc (written here by LibreOffice from the seed's .docx) reads like the .docx."""
    import subprocess

    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(pb.docx_from_markdown(pb.HUONG_HOA.read_text(encoding="utf-8")))
    subprocess.run(
        [
            str(soffice_path()),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = (tmp_path / "ke-hoach.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # a real OLE .doc
    plan = load_plan(data, "ke-hoach.doc")
    assert plan.source_format == "doc" and plan.layout == "prose"
    assert [(f.key, len(f.tasks)) for f in plan.fields] == [
        ("1", 5),
        ("2", 3),
        ("3", 4),
        ("4", 3),
        ("5", 5),
        ("6", 2),
        ("7", 5),
        ("IV", 2),
    ]


def test_cli_dry_run_json_shows_each_tasks_paragraph(capsys, tmp_path):
    """`import-plan --dry-run --json` on a prose PDF: the public JSON with source_text."""
    import json

    from tests.test_cli_plans import run

    code, _, _ = run(capsys, "org", "add", "Hướng Hóa")
    assert code == 0
    path = tmp_path / "ke-hoach.pdf"
    path.write_bytes(build(pb.HUONG_HOA, "pdf")[0])
    code, out, err = run(
        capsys, "import-plan", str(path), "--org", "Hướng Hóa", "--dry-run", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["layout"] == "prose" and len(data["tasks"]) == 29
    duty = data["tasks"][-1]
    assert duty["source_text"].startswith("Lưu ý: Đề nghị các cơ quan")
    assert duty["due_date"] == "2021-08-30" and duty["deadline_assumed"] is False
    assert "Bỏ qua “3.1 Tồn tại, hạn chế” (trang" in err
    assert "chưa ghi gì vào cơ sở dữ liệu" in err
