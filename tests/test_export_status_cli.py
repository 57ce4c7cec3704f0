"""``cchc-bot export-status``: the same table as /baocao, written to a file."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from bot.cli import main
from storage.db import Database
from storage.migrate import upgrade_async
from tests.chairman_scenario import seed_with_progress
from tests.db_template import seed_once
from tests.test_reports_export import H1_FIGURES, H1_SUMMARY, HEADER, Q1_FIGURES, TITLE


@pytest.fixture
async def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    await upgrade_async(url)
    db = Database(url)
    commune = await seed_once(db, seed_with_progress)
    from storage.tasks import load_task_views

    async with db.read() as session:
        views = await load_task_views(session, commune.org_id)
    await db.dispose()
    return views


def expected(views, figures):  # type: ignore[no-untyped-def]
    rows, section = [], None
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
                output or v.product or "",
                percent,
            ]
        )
    return rows


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cli(*extra: str) -> list[str]:
    return ["export-status", "--org", "vinh khe", "--as-of", "2024-06-03T07:30", *extra]


async def _run_async(capsys, *args):  # type: ignore[no-untyped-def]
    # main() calls asyncio.run(); run it in a worker thread since the test has a loop.
    code = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def test_docx_and_xlsx_match_the_database(
    seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    want = expected(seeded, H1_FIGURES)
    out = tmp_path / "out" / "tien-do.docx"
    code, stdout, stderr = await _run_async(
        capsys, *cli("--period", "6thang", "--year", "2024", "--format", "docx", "--out", str(out))
    )
    assert code == 0, stderr
    assert (
        "Đã ghi bảng tiến độ 6 tháng đầu năm 2024 của Vĩnh Khê (1/8 nhiệm vụ hoàn thành)" in stdout
    )
    assert H1_SUMMARY in stdout
    document = Document(io.BytesIO(out.read_bytes()))
    assert document.paragraphs[1].text == TITLE
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0] == HEADER
    for got, w in zip(rows[1:], want, strict=True):
        if len(w) == 1:
            assert got == w * 8
        else:
            assert got == [*w[:7], "" if w[7] is None else f"{w[7]}%"]

    xlsx = tmp_path / "tien-do.xlsx"
    code, _, stderr = await _run_async(capsys, *cli("--period", "6thang", "--out", str(xlsx)))
    assert code == 0, stderr
    sheet = openpyxl.load_workbook(xlsx).active
    assert [sheet.cell(5, c).value for c in range(1, 9)] == HEADER
    for offset, w in enumerate(want):
        r = 6 + offset
        if len(w) == 1:
            assert f"{sheet.cell(r, 1).value}. {sheet.cell(r, 2).value}" == w[0]
        else:
            got = [sheet.cell(r, c).value for c in range(1, 9)]
            assert got == [
                int(w[0]),
                *[x or None for x in w[1:7]],
                None if w[7] is None else w[7] / 100,
            ]


async def test_csv_and_past_period(
    seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q1.csv"
    code, stdout, stderr = await _run_async(
        capsys, *cli("--period", "quy1", "--format", "csv", "--out", str(out))
    )
    assert code == 0, stderr
    assert "(0/8 nhiệm vụ hoàn thành)" in stdout
    text = out.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ";".join(HEADER)  # Vietnamese Excel's list separator
    want = expected(seeded, Q1_FIGURES)
    assert len(lines) == 1 + len(want)
    assert lines[2].startswith("1;Xây dựng và ban hành Kế hoạch CCHC năm 2024;")
    assert lines[2].endswith(f";Đang thực hiện;{want[1][6]};80%")


async def test_bad_input_is_explained(
    seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = await _run_async(
        capsys, *cli("--period", "quy7", "--out", str(tmp_path / "a.docx"))
    )
    assert code == 1 and "Chưa hiểu kỳ báo cáo “quy7”" in err
    code, _, err = await _run_async(capsys, *cli("--out", str(tmp_path / "a.pdf")))
    assert code == 1 and "Không rõ định dạng" in err
    code, _, err = await _run_async(
        capsys, "export-status", "--org", "Không Có", "--out", str(tmp_path / "a.csv")
    )
    assert code == 1
    assert not await asyncio.to_thread(lambda: list(tmp_path.glob("a.*")))
