#!/usr/bin/env python3
"""Refresh docs/appendix-docx.png and docs/appendix-xlsx.png (shown in the README).

Prints the demo plan's 6-month appendix (with sent report 45/BC-UBND of
08/06/2024) as .docx and .xlsx through LibreOffice and keeps page 2 of each:
the page that shows the repeated header, the page number and full rows.
Page 1 of the .docx goes to docs/appendix-docx-page1.png for the heading.

    .venv/bin/python scripts/render-appendix.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.export_docx import render_docx  # noqa: E402
from plans.export_xlsx import render_xlsx  # noqa: E402
from sandbox import render_check  # noqa: E402


def main() -> int:
    table = render_check.demo_table()
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    for ext, render in (("docx", render_docx), ("xlsx", render_xlsx)):
        pdf = render_check.to_pdf(render(table), ext)
        pages = render_check.read_pages(pdf)
        print(f"{ext}: {len(pages)} pages")
        (docs / f"appendix-{ext}.png").write_bytes(render_check.page_png(pdf, 1))
        if ext == "docx":
            (docs / "appendix-docx-page1.png").write_bytes(render_check.page_png(pdf, 0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
