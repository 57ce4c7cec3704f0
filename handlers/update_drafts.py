"""What the bot understood, as the officer sees it before pressing "Đúng".

Pure rendering of update drafts (storage.drafts keeps them): the lines of a
reading, the confirmation for one task or several, and its keyboard — "Đúng"
/ "Sửa lại", or the figure choices while a reading still asks one ("đã xong
80%": 80% or 100%?; "gần xong": 75% or 90%?). No database, no sending:
handlers/updates.py does that.

A draft's data is one task's reading (percent, status_text, output, note,
expected_date, attachments, and the open questions ``conflict`` / ``asks``),
or, for a message about several tasks, one per task (``storage.drafts.ReadingData`` and
``SeveralReadings``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core import callbacks as cb
from handlers.common import esc
from handlers.officers import CARD_CONTENT_LIMIT, fmt_date
from locales import t
from plans.progress_text import STATUS_COMPLETED, STATUS_IN_PROGRESS, parse_progress_text
from plans.text import clip
from plans.understanding import ALMOST_DONE_OFFERS, UpdateDraft
from storage.drafts import ReadingData
from storage.progress import AttachmentIn
from storage.tasks import TaskView


def reading_data(
    percent: int | None,
    status_text: str | None,
    output: str | None,
    note: str | None,
    expected: date | None = None,
    *,
    attachments: Sequence[AttachmentIn] = (),
    conflict: bool = False,
    asks: bool = False,
) -> ReadingData:
    return ReadingData(
        percent=percent,
        status_text=status_text,
        output=output,
        expected_date=expected.isoformat() if expected else None,
        note=note,
        attachments=[a.as_data() for a in attachments],
        conflict=conflict,
        asks=asks,
    )


def draft_data(item: UpdateDraft, today: date, attachments: Sequence[AttachmentIn]) -> ReadingData:
    expected = parse_progress_text(item.note, today).expected_date if item.note else None
    return reading_data(
        item.percent,
        item.status_text,
        item.output,
        item.note or None,
        expected,
        attachments=attachments,
        conflict=item.conflict,
        asks=item.asks_figure,
    )


def reading_lines(data: ReadingData, lang: str) -> list[str]:
    lines = []
    if data.get("percent") is not None:
        lines.append(t("officer.reply.percent", lang, percent=data["percent"]))
    if data.get("status_text"):
        lines.append(t("officer.reply.status", lang, status=esc(data["status_text"])))
    if data.get("output"):
        lines.append(t("officer.reply.output", lang, output=esc(data["output"])))
    if expected := data.get("expected_date"):
        lines.append(t("officer.reply.expected", lang, date=fmt_date(date.fromisoformat(expected))))
    if data.get("attachments"):
        lines.append(t("officer.reply.files", lang, count=len(data["attachments"])))
    if data.get("note"):
        lines.append(t("officer.reply.note", lang, note=esc(data["note"])))
    if data.get("conflict"):
        lines.append(t("understanding.chat.conflict", lang, percent=data.get("percent")))
    elif data.get("asks"):
        lines.append(t("understanding.chat.ask_figure", lang))
    return lines


def figure_choices(data: ReadingData) -> list[int]:
    if data.get("conflict"):
        return [int(data.get("percent") or 0), 100]
    if data.get("asks"):
        return list(ALMOST_DONE_OFFERS)
    return []


def draft_keyboard(
    draft_id: int, items: list[tuple[int | None, ReadingData]], lang: str
) -> InlineKeyboardMarkup:
    """ "Đúng" / "Sửa lại", or the figure choices while a reading still asks one."""
    correct = InlineKeyboardButton(
        t("officer.button.correct", lang), callback_data=cb.build(cb.CORRECT, draft_id)
    )
    rows: list[list[InlineKeyboardButton]] = []
    several = len(items) > 1
    for index, (number, data) in enumerate(items):
        choices = figure_choices(data)
        if not choices:
            continue
        key = "understanding.button.figure_of" if several else "understanding.button.figure"
        rows.append(
            [
                InlineKeyboardButton(
                    t(key, lang, number=number, percent=p),
                    callback_data=cb.build(cb.FIGURE, draft_id, index, p),
                )
                for p in choices
            ]
        )
    if rows:
        return InlineKeyboardMarkup([*rows, [correct]])
    confirm = InlineKeyboardButton(
        t("officer.button.confirm", lang), callback_data=cb.build(cb.CONFIRM, draft_id)
    )
    return InlineKeyboardMarkup([[confirm, correct]])


def echo_text(views: list[TaskView], datas: list[ReadingData], lang: str) -> str:
    if len(views) == 1:
        view, data = views[0], datas[0]
        return "\n".join(
            [
                t(
                    "officer.reply.understood",
                    lang,
                    number=view.number,
                    content=esc(clip(view.content, CARD_CONTENT_LIMIT)),
                ),
                *reading_lines(data, lang),
                "",
                t("officer.reply.confirm_question", lang),
            ]
        )
    lines = [t("understanding.chat.several", lang, count=len(views))]
    for view, data in zip(views, datas, strict=True):
        lines.append("")
        lines.append(
            t(
                "understanding.chat.item",
                lang,
                number=view.number,
                content=esc(clip(view.content, 60)),
            )
        )
        lines.extend(reading_lines(data, lang))
    lines.extend(["", t("understanding.chat.confirm_all", lang)])
    return "\n".join(lines)


def with_figure(data: ReadingData, percent: int) -> ReadingData:
    """The reading once the officer picked the figure: no question left."""
    chosen = ReadingData(**{**data, "percent": percent, "conflict": False, "asks": False})
    if percent < 100:
        chosen["status_text"] = STATUS_IN_PROGRESS
    elif not chosen.get("status_text"):
        chosen["status_text"] = STATUS_COMPLETED
    return chosen
