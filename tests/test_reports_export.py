"""/baocao and /bieudo end to end: the files are reopened and checked against the database."""

from __future__ import annotations

import io

import openpyxl
from docx import Document

from plans.charts import BAR_LABEL, build_completion_figure, png_size
from sandbox.harness import BotHarness
from storage.tasks import load_task_views
from tests.factories import ADMIN_TG, CHAIRMAN_TG, Commune

TITLE = "TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2024"
HEADER = [
    "TT",
    "Nội dung",
    "Đơn vị thực hiện",
    "Đơn vị phối hợp",
    "Thời gian hoàn thành",
    "Đã thực hiện",
    "Sản phẩm đầu ra",
    "Tỷ lệ hoàn thành",
]
# Figures of the 6-month table on 03/06/2024: (done text, output, percent) per task number.
H1_FIGURES = {
    1: ("Đang thực hiện", "", 80),
    2: ("Đang thực hiện", "", 50),
    3: ("Đang thực hiện", "", 40),
    4: ("", "", None),
    5: ("Đã thực hiện", "Niêm yết công khai TTHC", 100),
    6: ("Đang thực hiện", "Bảng tổng hợp số hóa", 60),
    7: ("", "", None),
    8: ("", "", None),
}
# Quý I (window 15/12/2023 – 14/03/2024): only task 1's update of 05/02 counts.
Q1_FIGURES = {n: ("", "", None) for n in range(1, 9)} | {1: ("Đang thực hiện", "", 80)}
# issue 11: done and on track, the way the commune's report writes it
H1_SUMMARY = (
    "Trong 6 tháng đầu năm 2024, thực hiện Kế hoạch số 10/KH-UBND ngày 15/01/2024, "
    "UBND xã Vĩnh Khê đã hoàn thành 1/8 nhiệm vụ, 1 nhiệm vụ đang thực hiện đúng tiến độ, "
    "6 nhiệm vụ chậm tiến độ (trong đó 2 nhiệm vụ quá hạn, 3 nhiệm vụ chưa triển khai)."
)


async def expected_rows(
    harness: BotHarness, progress_commune: Commune, figures: dict
) -> list[list[str | int | None]]:
    """Section rows and task rows as the table must show them, read from the database."""
    async with harness.database.read() as session:
        views = await load_task_views(session, progress_commune.org_id)
    rows: list[list[str | int | None]] = []
    section = None
    for v in views:
        if v.field_key != section:
            section = v.field_key
            rows.append([f"{v.field_key}. {v.field_title}"])
        done_text, output, percent = figures[v.number]
        rows.append(
            [
                v.code or str(v.number),
                v.content,
                v.lead_units_text,
                v.coordinating_units_text or "",
                v.deadline_text,
                done_text,
                output or v.product or "",  # the plan's "Sản phẩm" until an officer states one
                percent,
            ]
        )
    return rows


def docx_rows(data: bytes) -> tuple[Document, list[list[str]]]:
    document = Document(io.BytesIO(data))
    table = document.tables[0]
    return document, [[c.text for c in row.cells] for row in table.rows]


async def run_report(harness: BotHarness, tg: int, text: str):  # type: ignore[no-untyped-def]
    u = harness.api.add_user("U", user_id=tg)
    harness.api.user_sends_text(u, None, text)
    await harness.api.wait_for_bot_message(u.id, lambda m: (m.text or "").startswith("✅"))
    await harness.idle()
    return u


async def test_report_docx_and_xlsx_match_the_database(
    harness: BotHarness, progress_commune: Commune
) -> None:
    u = await run_report(harness, CHAIRMAN_TG, "/baocao")
    messages = harness.api.bot_messages(u.id)
    progress = messages[0]
    assert progress.edits and progress.edits[0]["text"].startswith("⏳ Đang tổng hợp")
    assert progress.text.startswith("✅ Bảng tiến độ 6 tháng đầu năm 2024")
    assert "upload_document" in harness.api.chat_actions(u.id)
    assert H1_SUMMARY in progress.text
    docs = harness.api.sent_documents(u.id)
    assert [d.file_name for d in docs] == [
        "tien-do-cchc-vinh-khe-6thang-2024.docx",  # issue 11 defect 9: the period names the file
        "tien-do-cchc-vinh-khe-6thang-2024.xlsx",
    ]
    expected = await expected_rows(harness, progress_commune, H1_FIGURES)

    document, rows = docx_rows(docs[0].content)
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[:2] == ["PHỤ LỤC", TITLE]
    assert paragraphs[2].startswith("(Kèm theo Báo cáo số ....../BC-UBND ngày 03 tháng 6 năm 2024")
    assert paragraphs[-1] == H1_SUMMARY
    assert rows[0] == HEADER
    assert len(rows) - 1 == len(expected) == 12  # 4 field rows + 8 tasks
    for got, want in zip(rows[1:], expected, strict=True):
        if len(want) == 1:  # a field row, merged across the 8 columns
            assert got == want * 8
        else:
            percent = "" if want[7] is None else f"{want[7]}%"
            assert got == [*want[:7], percent]
    section = document.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 13

    sheet = openpyxl.load_workbook(io.BytesIO(docs[1].content)).active
    assert sheet.cell(2, 1).value == TITLE
    assert [sheet.cell(5, c).value for c in range(1, 9)] == HEADER
    row = 6
    for want in expected:
        if len(want) == 1:  # a plain field row: key under TT, title under Nội dung
            key, title = want[0].split(". ", 1)
            assert [sheet.cell(row, 1).value, sheet.cell(row, 2).value] == [key, title]
        else:
            got = [sheet.cell(row, c).value for c in range(1, 9)]
            ordinal = int(want[0]) if str(want[0]).isdigit() else want[0]
            texts = [w or None for w in want[1:7]]
            percent = None if want[7] is None else want[7] / 100
            assert got == [ordinal, *texts, percent]
        row += 1
    assert sheet.cell(row + 1, 1).value == H1_SUMMARY


async def test_report_for_a_named_past_period_uses_its_cutoff(
    harness: BotHarness, progress_commune: Commune
) -> None:
    u = await run_report(harness, ADMIN_TG, "/report quy1 2024")
    docs = harness.api.sent_documents(u.id)
    expected = await expected_rows(harness, progress_commune, Q1_FIGURES)
    _, rows = docx_rows(docs[0].content)
    for got, want in zip(rows[1:], expected, strict=True):
        if len(want) > 1:
            assert got[5:] == [want[5], want[6], "" if want[7] is None else f"{want[7]}%"]
    assert (
        "UBND xã Vĩnh Khê đã hoàn thành 0/8 nhiệm vụ, 0 nhiệm vụ đang thực hiện đúng tiến độ"
        in (harness.api.bot_messages(u.id)[0].text)
    )
    assert [d.file_name for d in docs] == [
        "tien-do-cchc-vinh-khe-quy1-2024.docx",
        "tien-do-cchc-vinh-khe-quy1-2024.xlsx",
    ]


async def test_report_for_a_year_without_plan_builds_nothing(
    harness: BotHarness, progress_commune: Commune
) -> None:
    u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(u, None, "/baocao nam 2023")
    await harness.api.wait_for_bot_message(
        u.id, lambda m: (m.text or "").startswith("Chưa có nhiệm vụ")
    )
    await harness.idle()
    assert harness.api.last_bot_message(u.id).text == (
        "Chưa có nhiệm vụ nào để tổng hợp cho năm 2023."
    )
    assert harness.api.sent_documents() == []


async def test_report_bad_period_builds_nothing(
    harness: BotHarness, progress_commune: Commune
) -> None:
    u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(u, None, "/baocao quy 7")
    msg = await harness.api.wait_for_bot_message(u.id)
    await harness.idle()
    assert "Chưa hiểu kỳ báo cáo" in msg.text
    assert harness.api.sent_documents() == []


async def test_chart_is_a_png_with_the_expected_bars(
    harness: BotHarness, progress_commune: Commune
) -> None:
    u = harness.api.add_user("U", user_id=CHAIRMAN_TG)
    harness.api.user_sends_text(u, None, "/bieudo")
    msg = await harness.api.wait_for_bot_message(u.id, lambda m: m.photo is not None)
    await harness.idle()
    png = msg.photo.content
    width, height = png_size(png)
    assert width == 1080 and width + height <= 10_000
    assert msg.caption.startswith(
        "Tiến độ CCHC 6 tháng đầu năm 2024 — UBND xã Vĩnh Khê, ngày 03/06/2024"
    )
    # A named PNG, not "application.octet-stream".
    assert msg.photo.file_name == "bieu-do-cchc-2024-h1.png"
    # The overall line under the title: done / on track / behind, as plans.completion counts.
    from plans.charts import overall_line
    from storage import report_charts

    async with harness.database.read() as session:
        view = await report_charts.chart_view(
            session, progress_commune.org_id, now=harness.clock.now()
        )
    overall = view.overall
    assert overall.done + overall.on_track + overall.behind == overall.total == 8
    assert msg.caption.splitlines()[1] == overall_line(overall, "vi")
    assert msg.caption.splitlines()[1].startswith(f"Đã hoàn thành {overall.done} · Đúng tiến độ")
    # The same data as the chart's figure: bars per field and per unit.
    data = view
    assert [(label, mean, done, total) for label, mean, done, total in data.by_field] == [
        ("I. Công tác chỉ đạo, điều hành", 65.0, 0, 2),
        ("II. Cải cách thể chế", 40.0, 0, 2),  # task 4 has no figure: left out of the mean
        ("III. Cải cách thủ tục hành chính", 80.0, 1, 2),
        ("IV. Cải cách tài chính công", 0.0, 0, 2),
    ]
    assert len([label for label, _, _, _ in data.by_unit if label is not None]) == 6
    figure = build_completion_figure(data.by_field, data.by_unit, "t", "vi")
    bars = [
        [round(p.get_width(), 1) for p in c.patches]
        for ax in figure.axes
        for c in ax.containers
        if c.get_label() == BAR_LABEL
    ]
    assert sorted(bars[0]) == [0.0, 40.0, 65.0, 80.0]
    assert sorted(bars[1]) == sorted(m for _, m, _, _ in data.by_unit)


async def test_plan_product_fills_the_output_until_an_officer_states_one(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """Task 4 has no update: its plan "Sản phẩm" shows; task 5's officer output wins."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from storage import reports
    from storage.models import Task

    async with harness.database.write() as session:
        for number in (4, 5):
            task = await session.get(Task, progress_commune.task_ids[number])
            task.product = f"Sản phẩm kế hoạch {number}"
    now = datetime(2024, 6, 3, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    async with harness.database.read() as session:
        org = await reports.organization(session, progress_commune.org_id)
        per = reports.resolve_period(org, None, now)
        table = await reports.build_status_table(session, progress_commune.org_id, per, now=now)
    outputs = {row.task_id: row.output for row in table.rows()}
    assert outputs[progress_commune.task_ids[4]] == "Sản phẩm kế hoạch 4"
    assert outputs[progress_commune.task_ids[5]] == "Niêm yết công khai TTHC"


async def test_chart_counts_every_task_and_orders_units_the_vietnamese_way(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """A placeholder-led task (no unit id) gets the last bar; units sort Đ after D."""
    from storage import report_charts
    from storage.models import TaskUnit, Unit

    async with harness.database.write() as session:
        await session.execute(
            TaskUnit.__table__.delete().where(TaskUnit.task_id == progress_commune.task_ids[8])
        )
        renamed = ["Địa chính - Xây dựng", "Văn hóa - Xã hội", "Dân số - Gia đình"]
        for unit_id, name in zip(progress_commune.unit_ids.values(), renamed, strict=False):
            unit = await session.get(Unit, unit_id)
            unit.name = name
    async with harness.database.read() as session:
        view = await report_charts.chart_view(
            session, progress_commune.org_id, now=harness.clock.now()
        )
    labels = [label for label, _, _, _ in view.by_unit]
    assert labels[-1] is None  # the chart names it: "Chưa giao bộ phận cụ thể"
    named = labels[:-1]
    from plans.collation import vietnamese_key

    assert named == sorted(named, key=vietnamese_key)
    assert named.index("Dân số - Gia đình") < named.index("Địa chính - Xây dựng")
    assert named.index("Địa chính - Xây dựng") < named.index("Văn hóa - Xã hội")
    # Every task is in the by-field panel, and in the by-unit panel at least once.
    assert sum(total for _, _, _, total in view.by_field) == 8
    assert view.by_unit[-1][3] >= 1
    assert view.period.code == "2024-H1"


async def test_one_table_is_written_in_each_readers_language(
    harness: BotHarness, progress_commune: Commune
) -> None:
    """The table holds data, not words: built once, the same table reads in vi and in en."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from plans.status_table import row_cells, title_text
    from storage import reports

    now = datetime(2024, 6, 3, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    async with harness.database.read() as session:
        org = await reports.organization(session, progress_commune.org_id)
        per = reports.resolve_period(org, None, now)
        table = await reports.build_status_table(session, progress_commune.org_id, per, now=now)
    assert title_text(table, "vi") == TITLE
    assert title_text(table, "en").endswith("FIRST HALF OF 2024")
    assert "Kế hoạch số 10/KH-UBND ngày 15/01/2024" in table.summary_sentence("vi")
    assert "Plan No. 10/KH-UBND of 15/01/2024" in table.summary_sentence("en")
    vi_cells = {row.task_id: row_cells(row, "vi")[5] for row in table.rows()}
    en_cells = {row.task_id: row_cells(row, "en")[5] for row in table.rows()}
    # a figure without a status word is named in the reader's language; the officers' own
    # words stay as they wrote them, and a blank stays blank
    worded = {k for k in vi_cells if vi_cells[k] != en_cells[k]}
    assert {vi_cells[k] for k in worded} == {"Đang thực hiện"}
    assert {en_cells[k] for k in worded} == {"In progress"}
    assert any(vi_cells[k] for k in vi_cells.keys() - worded) and "" in vi_cells.values()
