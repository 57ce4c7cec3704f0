"""Build prose plans (.docx and PDF) from seed texts kept as light Markdown.

The seeds (tests/fixtures/seeds/*.md) are real plans as text: "#" marks a
heading, "**…**" bold, "- " a bullet and an indented "- " a sub-bullet,
each other line a paragraph. ``docx_from_markdown`` writes them as a clerk's
Word file would be, either with the markers typed in the text or with Word's
own list formatting (bullets generated, not typed); ``pdf_from_paragraphs``
prints them to a PDF with fpdf2 and a font that has Vietnamese glyphs
(DejaVu Sans, shipped with matplotlib), so the PDF has a real text layer.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
HUONG_HOA = SEEDS / "ke-hoach-huong-hoa-2021.md"  # seed 001
DUONG_HOA = SEEDS / "ke-hoach-duong-hoa-2023.md"  # seed 000

_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_BULLET_RE = re.compile(r"^(\s*)[-*–]\s+(.*)$")


@dataclass
class MdPara:
    text: str
    bullet: bool = False  # a "- " line (the marker is not part of text)
    level: int = 0
    bold: bool = False
    heading: bool = False
    marker: str = "- "


def markdown_paragraphs(source: str) -> list[MdPara]:
    paras: list[MdPara] = []
    for raw in source.splitlines():
        if not raw.strip():
            continue
        line = raw.rstrip()
        heading = line.lstrip().startswith("#")
        line = line.lstrip("#").strip() if heading else line
        bullet = _BULLET_RE.match(line)
        level = 0
        if bullet:
            level = 1 if len(bullet.group(1)) >= 2 else 0
            line = bullet.group(2)
        bold = heading or line.startswith("**")
        text = _LINK_RE.sub(r"\1", line).replace("**", "").replace("*", "").strip()
        if not text:
            continue
        # "- a) …" in Markdown is a lettered item, not a bullet, in the Word file.
        if bullet and re.match(r"^[a-zđ]\)\s", text):
            paras.append(MdPara(text, bold=bold, heading=heading))
            continue
        marker = "– " if raw.lstrip().startswith("–") else "- "
        paras.append(MdPara(text, bool(bullet), level, bold, heading, marker))
    return paras


def messy(source: str) -> str:
    """The same plan typed less tidily: "1.1" → "1.1.", bullets "–", headings not bold."""
    out = []
    for line in source.splitlines():
        line = re.sub(r"^(#*\s*\**)(\d+\.\d+)\s", r"\1\2. ", line)
        line = re.sub(r"^- ", "– ", line)
        out.append(line.replace("**", "").lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(out)


def docx_from_markdown(source: str, *, word_lists: bool = False) -> bytes:
    """A .docx; bullets typed ("- ", "+ " for sub-bullets) or as Word list paragraphs."""
    import docx

    document = docx.Document()
    for para in markdown_paragraphs(source):
        if para.bullet and word_lists:
            style = "List Bullet" if para.level == 0 else "List Bullet 2"
            p = document.add_paragraph(style=style)
        else:
            p = document.add_paragraph()
        text = para.text
        if para.bullet and not word_lists:
            text = ("+ " if para.level else para.marker) + text
        run = p.add_run(text)
        run.bold = para.bold
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _font_path() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def pdf_from_markdown(
    source: str, *, repeat: int = 1, align: str = "L", spacing: float = 2
) -> bytes:
    """A text PDF of the plan (A4, 12 pt, wrapped lines, page breaks where they fall).

    ``spacing`` (mm) is the space after each paragraph; 0 prints paragraphs
    line after line, so only line lengths tell where one ends.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", _font_path())
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    paras = markdown_paragraphs(source)
    for _ in range(repeat):
        for para in paras:
            text = para.text
            if para.bullet:
                text = ("+ " if para.level else "- ") + text
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align=align)
            if spacing:
                pdf.ln(spacing)
    return bytes(pdf.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages are pictures only (a scan): no text layer."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for _ in range(pages):
        pdf.add_page()
        pdf.set_fill_color(200, 200, 200)
        for y in range(20, 260, 12):
            pdf.rect(20, y, 170, 6, style="F")
    return bytes(pdf.output())


TAM_QUAN_BAC = SEEDS / "ke-hoach-tam-quan-bac-2023.md"  # seed 004: the PAR INDEX appendix
_TAG_RE = re.compile(r"<[^>]+>")


def appendix_tables(source: str) -> tuple[list[str], list[list[list[str]]]]:
    """Seed 004 as printed: paragraphs before "PHỤ LỤC", then its tab-separated tables.

    Each printed page is a table starting with the two header rows; a row
    split by the page break continues on the next table (as in the file).
    """
    head, _, appendix = source.partition("\nPHỤ LỤC")
    paragraphs = [line.strip() for line in head.splitlines() if line.strip()]
    paragraphs += ["PHỤ LỤC"] + [
        line.strip() for line in appendix.split("\nTT\t", 1)[0].splitlines() if line.strip()
    ]
    tables: list[list[list[str]]] = []
    for line in appendix.splitlines():
        if "\t" not in line:
            continue
        cells = [" ".join(_TAG_RE.sub(" ", cell).split()) for cell in line.split("\t")]
        if cells[0] == "TT":
            tables.append([])
        if tables:
            tables[-1].append((cells + [""] * 6)[:6])
    return paragraphs, tables


def appendix_docx(source: str) -> bytes:
    """The appendix as Word prints it: two merged header rows on every page's table."""
    from tests.doc_builders import TableSpec, docx_bytes

    paragraphs, tables = appendix_tables(source)
    # "Cơ quan thực hiện" spans the last two columns; the first four span both header rows.
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 5)]
    blocks: list = list(paragraphs)
    blocks.extend(TableSpec(rows, merges) for rows in tables)
    return docx_bytes(blocks)


def appendix_pdf(source: str) -> bytes:
    """Seed 004 as a signed PDF: the heading text, then the appendix as one ruled table.

    The two-row header (with its merges) repeats on every page, as Word prints
    it; rows split by a page break in the seed are one row here.
    """
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    paragraphs, tables = appendix_tables(source)
    pdf = FPDF(format="A4", orientation="L")
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font("DejaVu", "", _font_path())
    pdf.add_page()
    pdf.set_font("DejaVu", size=9)
    for text in paragraphs:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_font("DejaVu", size=7.5)
    rows: list[list[str]] = []
    for table in tables:
        for cells in table[2:]:  # each printed page repeats the two header rows
            if not cells[0] and not cells[1] and rows:  # the rest of a row cut by the page
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
            else:
                rows.append(cells)
    widths = (10, 55, 112, 30, 30, 30)
    with pdf.table(
        col_widths=widths,
        num_heading_rows=2,
        headings_style=FontFace(emphasis=None),
        line_height=3.6,
    ) as table:
        head = table.row()
        for text in ("TT", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Chỉ tiêu đạt được",
                     "Cơ quan theo dõi"):  # fmt: skip
            head.cell(text, rowspan=2)
        head.cell("Cơ quan thực hiện", colspan=2)
        head = table.row()
        head.cell("Cơ quan chủ trì")
        head.cell("Cơ quan phối hợp")
        for cells in rows:
            row = table.row()
            for text in cells:
                row.cell(text)
    return bytes(pdf.output())
