"""Print the appendix as LibreOffice would, and look at the pages.

The appendix is signed on paper. Whether its rows are readable, its pages
landscape and numbered, is only visible once a word processor lays it out;
python-docx and openpyxl cannot tell. This module converts the .docx and
.xlsx to PDF with LibreOffice (headless ``soffice``), then reads the pages
with pypdfium2: their size, their text, and (for ``docs/``) a PNG picture.

Used by the render-check tests and by ``scripts/render-appendix.py``, which
refreshes the pictures shown in the README. Needs LibreOffice (apt
``libreoffice-writer-nogui libreoffice-calc-nogui``) and pypdfium2 (the dev
extra); ``soffice_path()`` says whether LibreOffice is there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from plans.calendar import PeriodKind, period
from plans.status_table import DoneCell, PlanRef, StatusRow, StatusSection, StatusTable

CONVERT_TIMEOUT_S = 180


class RenderError(RuntimeError):
    """LibreOffice is missing or failed to convert a file."""


def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(data: bytes, extension: str) -> bytes:
    """Convert a .docx/.xlsx to PDF with headless LibreOffice (own profile, own folder)."""
    binary = soffice_path()
    if binary is None:
        raise RenderError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="cchc-render-") as tmp:
        folder = Path(tmp)
        source = folder / f"appendix.{extension.lstrip('.')}"
        source.write_bytes(data)
        # A private profile: two conversions at once must not share (and lock) one.
        profile = (folder / "profile").as_uri()
        env = dict(os.environ, HOME=str(folder))
        result = subprocess.run(
            [
                binary,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder / "out"),
                str(source),
            ],
            capture_output=True,
            timeout=CONVERT_TIMEOUT_S,
            env=env,
            check=False,
        )
        pdf = folder / "out" / "appendix.pdf"
        if result.returncode != 0 or not pdf.exists():
            raise RenderError(
                f"soffice failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
            )
        return pdf.read_bytes()


@dataclass(frozen=True, slots=True)
class Page:
    width_pt: float
    height_pt: float
    text: str
    # (text, left, bottom, right, top) of each text line, PDF points from the bottom-left.
    lines: tuple[tuple[str, float, float, float, float], ...]

    @property
    def landscape(self) -> bool:
        return self.width_pt > self.height_pt


def read_pages(pdf: bytes) -> list[Page]:
    """Size, text and text-line boxes of every page."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    pages: list[Page] = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            lines = []
            for rect_index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(rect_index)
                piece = textpage.get_text_bounded(left, bottom, right, top)
                lines.append((piece, left, bottom, right, top))
            pages.append(Page(width, height, text, tuple(lines)))
    finally:
        document.close()
    return pages


def page_png(pdf: bytes, index: int, *, scale: float = 1.2) -> bytes:
    """One page as PNG bytes (for the pictures under docs/)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[index].render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()


def demo_table(*, report_number: str | None = "45/BC-UBND") -> StatusTable:
    """The demo plan (Vĩnh Khê 2024, 28 tasks) as a 6-month appendix with sample figures.

    Every third task carries a figure; the others keep the plan's product as
    output, as a commune's first report does. With ``report_number`` the
    table carries a sent-report record dated 08/06/2024.
    """
    from sandbox.demo.seed import load_demo_plan

    plan = load_demo_plan()
    sections = []
    number = 0
    for fld in plan.fields:
        rows: list[StatusRow] = []
        for task in fld.tasks:
            number += 1
            has_figure = number % 3 != 0
            percent = (100 if number % 4 == 0 else 30 + (number * 7) % 60) if has_figure else None
            rows.append(
                StatusRow(
                    ordinal=task.code or str(len(rows) + 1),
                    content=task.content,
                    lead_units=", ".join(task.lead_units),
                    coordinating_units=", ".join(task.coordinating_units),
                    deadline_text=task.deadline.text,
                    # no status given: the cell says "Đã thực hiện" / "Đang thực hiện"
                    done_cell=None
                    if percent is None
                    else DoneCell(None, None, percent, percent == 100),
                    output=task.output or task.product or "",
                    percent=percent,
                    task_id=number,
                )
            )
        sections.append(StatusSection(fld.key, fld.title, rows))
    return StatusTable(
        organization="Vĩnh Khê",
        organization_kind="xã",
        year=2024,
        period=period(PeriodKind.H1, 2024),
        report_ref=None,
        sections=sections,
        generated_on=date(2024, 6, 3),
        plan=PlanRef("10/KH-UBND", date(2024, 1, 15)),
        report_number=report_number,
        report_date=date(2024, 6, 8) if report_number else None,
    )
