"""The invitation sheet the clerk hands out: names, links and a QR code per person.

The office passes invitations on by Zalo or on paper, so the sheet is an
.xlsx that prints on A4 (name, job title, unit, phone, link, valid until, and
the QR code picture in the row) and every QR code is also a PNG of its own,
named after the person, to paste into a Zalo chat. QR codes come from
``segno`` (pure Python, maintained); the pictures in the workbook need
Pillow, which matplotlib already brings.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from locales import t
from plans.text import ascii_key

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["InviteRow", "invitation_workbook", "png_name", "qr_png"]

QR_SCALE = 5
QR_ROW_HEIGHT = 120  # points: room for the picture


@dataclass(frozen=True, slots=True)
class InviteRow:
    full_name: str
    title: str
    unit: str
    phone: str
    link: str
    expires: date | None


def qr_png(link: str, scale: int = QR_SCALE) -> bytes:
    """A PNG QR code of ``link`` (error correction M, quiet zone of 2 modules)."""
    import segno  # loads with the first QR code, not with the bot

    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def png_name(index: int, full_name: str) -> str:
    """ "03-nguyen-van-an.png": sorted as in the sheet, safe on every file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_key(full_name)).strip("-")[:60] or "can-bo"
    return f"{index:02d}-{slug}.png"


def invitation_workbook(
    rows: Sequence[InviteRow],
    *,
    organization: str,
    lang: str = "vi",
    with_pictures: bool = True,
    pictures: Sequence[bytes] | None = None,
) -> bytes:
    """The .xlsx of invitations, one row per person, QR picture in the last column.

    ``pictures`` are the rows' QR PNGs when the caller already made them
    (the CLI writes them as files too): each code is drawn once.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one plain sheet
    sheet.title = t("roster.sheet.title", lang)[:31]
    sheet.append([t("roster.sheet.heading", lang, organization=organization)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([t("roster.sheet.note", lang)])
    headers = [
        t("roster.sheet.col.number", lang),
        t("roster.sheet.col.name", lang),
        t("roster.sheet.col.title", lang),
        t("roster.sheet.col.unit", lang),
        t("roster.sheet.col.phone", lang),
        t("roster.sheet.col.link", lang),
        t("roster.sheet.col.expires", lang),
        t("roster.sheet.col.qr", lang),
    ]
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [5, 26, 22, 24, 14, 46, 12, 22]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                row.full_name,
                row.title,
                row.unit,
                row.phone,
                row.link,
                row.expires.strftime("%d/%m/%Y") if row.expires else "",
                "",
            ]
        )
        excel_row = sheet.max_row
        link_cell = sheet.cell(row=excel_row, column=6)
        link_cell.hyperlink = row.link
        link_cell.font = Font(color="0563C1", underline="single")
        for cell in sheet[excel_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        if with_pictures:
            png = pictures[number - 1] if pictures is not None else qr_png(row.link)
            _add_picture(sheet, png, f"H{excel_row}")
            sheet.row_dimensions[excel_row].height = QR_ROW_HEIGHT
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _add_picture(sheet: Worksheet, png: bytes, anchor: str) -> None:
    from openpyxl.drawing.image import Image

    picture = Image(io.BytesIO(png))
    picture.width = picture.height = 150  # pixels: about 4 cm, scans from paper
    picture.anchor = anchor
    sheet.add_image(picture)
