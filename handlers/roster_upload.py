"""/nhapcanbo: the plan keeper sends the staff list; people, invitations and QR codes come back.

The same roster import as ``cchc-bot person import``: the file is read
(``plans.roster``), checked against the commune's units and people and
written in one transaction (``storage.roster_import``) -- a list with one
unknown unit writes nothing and the keeper gets every problem at once.
Then the bot sends the summary, the .xlsx of names with invitation links
(QR code pictures in the rows, ready to print) and a .zip of one PNG QR code
per person to forward by Zalo. Sending a corrected list again updates people
in place; links already handed out keep working.
"""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler, filters

from core.context import BotContext
from handlers.common import Actor, CommandSpec, require, split_text
from handlers.file_upload import WAITING_FILE, FileCheck, Upload, conversation, receive_file
from locales import t
from plans.roster import ACCEPTED, RosterError, read_roster
from plans.roster_report import render_problems, render_report
from plans.roster_sheet import InviteRow, invitation_workbook, png_name, qr_png
from storage.models import Role
from storage.roster_import import import_roster, invite_rows

log = logging.getLogger(__name__)

KEEPERS = frozenset({Role.ADMIN})
COMMANDS = (CommandSpec("nhapcanbo", "roster.cmd", KEEPERS, ("importstaff",)),)
FILE_CHECK = FileCheck(
    accepted=ACCEPTED,
    default_name="danh-sach",
    bad_type_key="roster.error.format",  # the reader's own sentence (the CLI says it too)
    too_big_key="roster.chat.too_big",
    reading_key="roster.chat.reading",
)


def _link(context: BotContext, code: str) -> str:
    return f"https://t.me/{context.services.bot_username}?start={code}"


def _outputs(rows: list[InviteRow], organization: str, lang: str) -> tuple[bytes, bytes]:
    """The invitation sheet and a .zip of the same QR codes as PNG files (each drawn once)."""
    pngs = [qr_png(row.link) for row in rows]
    sheet = invitation_workbook(rows, organization=organization, lang=lang, pictures=pngs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed
        for index, (row, png) in enumerate(zip(rows, pngs, strict=True), start=1):
            archive.writestr(png_name(index, row.full_name), png)
    return sheet, buffer.getvalue()


@require(*KEEPERS, allow_group=False)
async def file_received(update: Update, context: BotContext, actor: Actor) -> int:
    """Read, check and import the roster; send the invitation sheet and QR codes."""
    message = update.effective_message
    assert message is not None
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    received = await receive_file(update, context, actor, FILE_CHECK)
    if received is None:
        return WAITING_FILE
    filename, data, status = received.filename, received.data, received.status
    now = context.clock.now()
    try:
        roster = await asyncio.to_thread(read_roster, data, filename)
        async with context.db.write() as session:
            report = await import_roster(
                session,
                actor.org.id,
                roster,
                now=now,
                actor=f"telegram:{actor.person.telegram_user_id}",
                person_id=actor.person.id,
            )
    except RosterError as exc:
        await status.edit_text(render_problems(exc, filename, lang))
        return WAITING_FILE
    parts = split_text(render_report(report, lang))
    await status.edit_text(parts[0])
    for part in parts[1:]:
        await message.reply_text(part)
    rows = invite_rows(report, lambda code: _link(context, code), context.services.tz)
    if not rows:
        await message.reply_text(t("roster.report.no_invitations", lang))
        return ConversationHandler.END
    org_name = actor.org.name
    workbook, archive = await asyncio.to_thread(_outputs, rows, org_name, lang)
    stem = t("roster.sheet.filename", lang)
    await message.reply_document(document=workbook, filename=f"{stem}.xlsx")
    await message.reply_document(
        document=archive, filename=f"{stem}-qr.zip", caption=t("roster.chat.qr_caption", lang)
    )
    log.info("roster import by %s: %d people", actor.person.id, len(report.lines))
    return ConversationHandler.END


UPLOAD = Upload(
    name="roster_upload",
    command=COMMANDS[0],
    ask_key="roster.chat.ask_file",
    cancelled_key="roster.chat.cancelled",
    need_file_key="roster.chat.need_file",
    file_received=file_received,
)


def build_handlers() -> dict[int, list[Any]]:
    """A fresh conversation per Application: its state must not leak between bots.

    A file sent with the caption "/nhapcanbo" is imported at once, without the
    question first.
    """
    captioned = (
        filters.Document.ALL
        & filters.ChatType.PRIVATE
        & filters.CaptionRegex(r"^/(?:nhapcanbo|importstaff)\b")
    )
    return {0: [conversation(UPLOAD), MessageHandler(captioned, file_received)]}
