"""Recording progress: buttons, /capnhat, plain-language messages, evidence files.

Every write goes through :func:`storage.progress.record` or
:func:`storage.progress.confirm_draft`: one transaction each, with the one
permission check, the audit line and the draft's resolution inside. A
message in plain Vietnamese (a reply or not) is read by
:func:`plans.understanding.read_message` and never written as read: the bot
echoes what it understood — one confirmation listing every task the
message named — with "Đúng" / "Sửa lại" buttons and keeps the draft in the
database (storage.drafts) until the officer decides, so a restart loses
nothing. It asks first when it must: which task (only when two or more
fit, listing those), or the figure ("gần xong": 75% or 90%?; "đã xong 80%":
80% or 100%?). Questions ("hạn nhiệm vụ 9 là khi nào?", "tôi còn việc
gì?") are answered, and a file whose caption names a task is evidence for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core import callbacks as cb
from core.context import BotContext
from handlers.access import open_to
from handlers.common import MANAGERS, Actor, CommandSpec, esc, get_actor, reply_html, require
from handlers.officers import (
    STATUS_WORDS,
    deadline_phrase,
    edit_or_reply,
    error_text,
    task_card,
    task_line,
    tasks_covered_by,
    today_of,
    update_keyboard,
    visible_unit_ids,
    which_task_keyboard,
)
from handlers.update_drafts import (
    draft_data,
    draft_keyboard,
    echo_text,
    figure_choices,
    reading_data,
    reading_lines,
    with_figure,
)
from locales import t
from plans.errors import UserError
from plans.numbers import looks_numeric, parse_percent, parse_task_number
from plans.progress_text import (
    STATUS_COMPLETED,
    STATUS_NOT_STARTED,
    ProgressReading,
    parse_progress_text,
)
from plans.regex import lazy_compile
from plans.text import clip
from plans.understanding import (
    QUESTION_DEADLINE,
    QUESTION_MY_TASKS,
    Reading,
    TaskRef,
    UpdateDraft,
    read_message,
)
from storage.drafts import (
    EVIDENCE_WAIT,
    PendingDraft,
    ReadingData,
    SeveralReadings,
    choose_task,
    draft_items,
    get_draft,
    is_several,
    open_evidence_wait,
    resolve_draft,
    save_draft,
    save_readings,
)
from storage.models import Role, UpdateChannel
from storage.progress import (
    AttachmentIn,
    Change,
    TaskKey,
    TaskNumber,
    can_update,
    confirm_draft,
    record,
    validate_percent,
)
from storage.tasks import TaskView, find_task_by_number, load_task_views

WORKERS = (Role.OFFICER, *MANAGERS)
COMMANDS = [CommandSpec("capnhat", "officer.cmd.update", frozenset(WORKERS), ("update",))]

_CAPTION_COMMAND_RE = lazy_compile(r"^/(capnhat|update)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


# --- the one place that writes --------------------------------------------------------


async def _record(
    context: BotContext,
    actor: Actor,
    task: TaskKey,
    change: Change,
    *,
    draft: PendingDraft | None = None,
    outcome: str = "confirmed",
) -> TaskView:
    """One report through :func:`storage.progress.record` (one transaction).

    Raises :class:`UserError` (nothing written) on a bad value or another's task.
    """
    assert actor.person is not None
    return await record(
        context.db, actor.person, task, change, at=context.clock.now(), draft=draft, outcome=outcome
    )


def _recorded_text(view: TaskView, context: BotContext, lang: str, *, buttons: bool = True) -> str:
    """The "recorded" reply; without ``buttons`` the card does not point at any."""
    card = task_card(view, today_of(context), lang, with_buttons=buttons)
    return t("officer.update.recorded", lang) + "\n\n" + card


# --- buttons -------------------------------------------------------------------------


@require(*WORKERS)
async def progress_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``pc:<task>:<percent>``, ``dn:<task>``, ``st:<task>:<status>``: record and edit."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    task_id = parsed.args[0]
    kwargs: dict[str, Any] = {}
    if parsed.verb == cb.SET_PERCENT and len(parsed.args) == 2:
        kwargs = {"percent": parsed.args[1]}
    elif parsed.verb == cb.MARK_DONE:
        kwargs = {"percent": 100, "status_text": STATUS_COMPLETED}
    elif parsed.verb == cb.SET_STATUS and len(parsed.args) == 2:
        if not 0 <= parsed.args[1] < len(STATUS_WORDS):
            await query.answer()
            return
        status = STATUS_WORDS[parsed.args[1]]
        kwargs = {"status_text": status, "carry": True}
        if status == STATUS_NOT_STARTED:
            kwargs["percent"] = 0
    else:
        await query.answer()
        return
    try:
        view = await _record(context, actor, task_id, Change(UpdateChannel.BUTTON, **kwargs))
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    await query.answer(t("officer.update.recorded", actor.lang))
    await edit_or_reply(
        update, _recorded_text(view, context, actor.lang), update_keyboard(task_id, actor.lang)
    )


@require(*WORKERS)
async def attach_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``ev:<task>``: the person's next file or photo is evidence for that task."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    task_id = cb.first_arg(query.data)
    async with context.db.write() as session:
        if not await can_update(session, actor.person, task_id):
            allowed = False
        else:
            allowed = True
            views = await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
            await save_draft(
                session,
                person_id=actor.person.id,
                organization_id=actor.person.organization_id,
                task_id=task_id,
                candidates=(task_id,),
                data={},
                now=context.clock.now(),
                kind=EVIDENCE_WAIT,
            )
    if not allowed:
        await query.answer(t("progress.not_your_task", actor.lang), show_alert=True)
        return
    # A popup, not one more message: the chat stays quiet (and under 1 message/s).
    await query.answer(
        t("officer.evidence.send_now", actor.lang, number=views[0].number), show_alert=True
    )


# --- /capnhat --------------------------------------------------------------------------


def _split_command_args(
    text: str,
) -> tuple[int | None, int | None, str | None, str | None, dict[str, Any]]:
    """(number, percent, rest-as-note, problem key, its params) from "<số> <phần trăm> [ghi chú]".

    Numbers go through :mod:`plans.numbers`: ASCII digits only ("²" is refused
    politely), a decimal comma or dot in the percent ("99,5%" → 99, see there).
    A second word that looks like a number but is not a percent ("10000%",
    "-5", "5,5,5") is refused with an example; it is never re-read from the note.
    """
    words = text.split()
    if not words:
        return None, None, None, "officer.update.usage", {}
    number = parse_task_number(words[0])
    if number is None:
        return None, None, None, "officer.update.bad_number", {}
    rest = words[1:]
    percent = None
    if rest and looks_numeric(rest[0]):
        percent = parse_percent(rest[0])
        if percent is None:
            return None, None, None, "understanding.chat.percent_unreadable", {"text": rest[0]}
        rest = rest[1:]
    note = " ".join(rest) or None
    return number, percent, note, None, {}


async def _task_by_number(context: BotContext, actor: Actor, number: int) -> TaskView:
    assert actor.person is not None
    async with context.db.read() as session:
        view = await find_task_by_number(session, actor.person.organization_id, number)
    if view is None:
        raise UserError("officer.task_unknown", number=number)
    return view


async def _command_update(
    context: BotContext,
    actor: Actor,
    args_text: str,
    attachments: tuple[AttachmentIn, ...] = (),
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Shared by /capnhat and a file captioned "/capnhat 3 …": the reply HTML and keyboard.

    A typed percent is recorded at once (the command is explicit). A note that
    contradicts itself ("/capnhat 3 đã xong 80%") or asks ("gần xong") becomes a
    draft with the same question the chat asks; nothing is written before the answer.
    """
    number, percent, note, problem, params = _split_command_args(args_text)
    if problem is not None:
        return t(problem, actor.lang, **{k: esc(v) for k, v in params.items()}), None
    assert number is not None and actor.person is not None
    status = output = None
    try:
        try:
            reading = (
                parse_progress_text(note, today_of(context)) if percent is None and note else None
            )
            if reading is not None and reading.invalid is not None:
                raise UserError("understanding.chat.percent_unreadable", text=reading.invalid)
            asks = reading is not None and (reading.conflict or reading.asks_figure)
            if reading is not None and not asks:
                percent, status, output = reading.percent, reading.status_text, reading.output
            if not asks and percent is None and not attachments and status is None:
                raise UserError("officer.update.usage")
            validate_percent(percent)
        except UserError:
            await _task_by_number(context, actor, number)  # an unknown number is told first
            raise
        if asks:
            assert reading is not None
            return await _command_draft(context, actor, number, note, reading, attachments)
        change = Change(
            UpdateChannel.COMMAND,
            percent=percent,
            status_text=status,
            output=output,
            note=note,
            attachments=attachments,
            carry=percent is None,
        )
        view = await _record(context, actor, TaskNumber(number), change)
    except UserError as error:
        return error_text(error, actor.lang), None
    text = _recorded_text(view, context, actor.lang, buttons=False)
    if attachments:
        text = t("officer.evidence.stored", actor.lang, count=len(attachments)) + "\n" + text
    return text, None


async def _command_draft(
    context: BotContext,
    actor: Actor,
    number: int,
    note: str | None,
    reading: ProgressReading,
    attachments: tuple[AttachmentIn, ...],
) -> tuple[str, InlineKeyboardMarkup]:
    """ "/capnhat 3 đã xong 80%": the task looked up, checked and the draft kept in one write."""
    assert actor.person is not None
    data = reading_data(
        reading.percent,
        reading.status_text,
        reading.output,
        note,
        attachments=attachments,
        conflict=reading.conflict,
        asks=reading.asks_figure,
    )
    async with context.db.write() as session:
        view = await find_task_by_number(session, actor.person.organization_id, number)
        if view is None:
            raise UserError("officer.task_unknown", number=number)
        if not await can_update(session, actor.person, view.id):
            raise UserError("progress.not_your_task")
        draft = await save_readings(
            session,
            person_id=actor.person.id,
            organization_id=actor.person.organization_id,
            readings=[(view.id, data)],
            now=context.clock.now(),
        )
    return _echo(draft, [(view, data)], actor.lang)


@require(*WORKERS)
async def update_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/capnhat <số> <phần trăm> [ghi chú]: an officer reports progress on a task in one line."""
    message = update.effective_message
    assert message is not None and message.text is not None
    args_text = message.text.split(maxsplit=1)[1] if len(message.text.split()) > 1 else ""
    text, markup = await _command_update(context, actor, args_text)
    await reply_html(update, text, reply_markup=markup)


def _echo(
    draft: PendingDraft, items: list[tuple[TaskView, ReadingData]], lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    """The confirmation to show for a kept draft."""
    views = [v for v, _ in items]
    datas = [d for _, d in items]
    keyboard = draft_keyboard(draft.id, [(v.number, d) for v, d in items], lang)
    return echo_text(views, datas, lang), keyboard


async def _save_and_echo(
    context: BotContext, actor: Actor, items: list[tuple[TaskView, ReadingData]]
) -> tuple[str, InlineKeyboardMarkup]:
    """Keep the drafts (one row for one message) and return the confirmation to show."""
    assert actor.person is not None and items
    async with context.db.write() as session:
        draft = await save_readings(
            session,
            person_id=actor.person.id,
            organization_id=actor.person.organization_id,
            readings=[(v.id, d) for v, d in items],
            now=context.clock.now(),
        )
    return _echo(draft, items, actor.lang)


# --- plain messages -----------------------------------------------------------------------


async def _person_tasks(context: BotContext, actor: Actor) -> list[TaskView]:
    """The tasks the person works on (their units'; a manager's: the organization's)."""
    assert actor.person is not None
    async with context.db.read() as session:
        return await load_task_views(
            session, actor.person.organization_id, unit_ids=visible_unit_ids(actor)
        )


def _refs(views: Sequence[TaskView]) -> list[TaskRef]:
    return [TaskRef(v.number, v.code, v.content) for v in views]


async def _covered(context: BotContext, actor: Actor, replied: Message | None) -> list[TaskView]:
    if replied is None:
        return []
    assert actor.person is not None
    ids = await tasks_covered_by(context, replied, actor.person.organization_id)
    if not ids:
        return []
    async with context.db.read() as session:
        views = await load_task_views(session, actor.person.organization_id, task_ids=ids)
    order = {task_id: i for i, task_id in enumerate(ids)}
    return sorted(views, key=lambda v: order.get(v.id, 0))


async def _view_of(
    context: BotContext, actor: Actor, number: int, known: Sequence[TaskView]
) -> TaskView | None:
    for view in known:
        if view.number == number:
            return view
    assert actor.person is not None
    async with context.db.read() as session:
        return await find_task_by_number(session, actor.person.organization_id, number)


def _open(views: Sequence[TaskView]) -> list[TaskView]:
    return [v for v in views if not v.done]


async def _propose(
    update: Update,
    context: BotContext,
    actor: Actor,
    reading: Reading,
    mine: list[TaskView],
    covered: list[TaskView],
    attachments: Sequence[AttachmentIn] = (),
) -> None:
    """Turn a reading into drafts and one confirmation (or ask which task first)."""
    assert actor.person is not None
    lang = actor.lang
    invalid = next((u.invalid for u in reading.updates if u.invalid), None)
    if invalid is not None:
        await reply_html(
            update, t("understanding.chat.percent_unreadable", lang, text=esc(invalid))
        )
        return
    today = today_of(context)
    known = [*covered, *mine]
    items: list[tuple[TaskView, ReadingData]] = []
    problems: list[str] = []
    unresolved: tuple[UpdateDraft, list[TaskView]] | None = None
    for item in reading.updates:
        if item.task_number is None:
            if item.candidates:
                options = [
                    v for n in item.candidates if (v := await _view_of(context, actor, n, known))
                ]
            elif len(covered) > 1:
                options = covered
            else:
                options = _open(mine)[:_MAX_CHOICES]
            if len(reading.updates) > 1:
                problems.append(t("understanding.chat.part_unclear", lang, text=esc(item.note)))
            else:
                unresolved = (item, options)
            continue
        view = await _view_of(context, actor, item.task_number, known)
        if view is None:
            problems.append(t("officer.task_unknown", lang, number=item.task_number))
            continue
        async with context.db.read() as session:
            allowed = await can_update(session, actor.person, view.id)
        if not allowed:
            problems.append(
                t("understanding.chat.not_yours", lang, number=view.number)
                if len(reading.updates) > 1
                else t("progress.not_your_task", lang)
            )
            continue
        items.append((view, draft_data(item, today, attachments)))
    prefix = "\n".join(problems)
    if items:
        text, keyboard = await _save_and_echo(context, actor, items)
        await reply_html(update, f"{prefix}\n\n{text}" if prefix else text, reply_markup=keyboard)
        return
    if unresolved is not None:
        item, options = unresolved
        async with context.db.read() as session:
            options = [v for v in options if await can_update(session, actor.person, v.id)]
        if options:
            data = draft_data(item, today, attachments)
            async with context.db.write() as session:
                draft = await save_draft(
                    session,
                    person_id=actor.person.id,
                    organization_id=actor.person.organization_id,
                    task_id=None,
                    candidates=tuple(v.id for v in options),
                    data=data,
                    now=context.clock.now(),
                )
            if attachments and not item.has_figure:
                question = t("understanding.chat.evidence_which", lang)
            elif len(covered) > 1:
                question = t("officer.reply.which_task", lang)
            else:
                question = t("understanding.chat.which_task", lang)
            await reply_html(
                update,
                "\n".join([question, *reading_lines(data, lang)]),
                reply_markup=which_task_keyboard(draft.id, options),
            )
            return
        if attachments:
            await reply_html(update, t("officer.evidence.which", lang))
            return
        await reply_html(update, t("officer.reply.no_task", lang))
        return
    await reply_html(update, prefix or t("officer.reply.no_task", lang))


async def _answer_deadline(
    update: Update, context: BotContext, actor: Actor, reading: Reading, known: list[TaskView]
) -> None:
    lang = actor.lang
    numbers = [u.task_number for u in reading.updates if u.task_number is not None]
    if not numbers:
        await reply_html(update, t("understanding.chat.deadline_which", lang))
        return
    today = today_of(context)
    lines = []
    for number in numbers:
        view = await _view_of(context, actor, number, known)
        if view is None:
            lines.append(t("officer.task_unknown", lang, number=number))
            continue
        lines.append(
            t(
                "understanding.chat.deadline",
                lang,
                number=view.number,
                content=esc(clip(view.content, 120)),
                deadline=deadline_phrase(view, today, lang),
            )
        )
    await reply_html(update, "\n".join(lines))


async def _answer_my_tasks(
    update: Update, context: BotContext, actor: Actor, mine: list[TaskView]
) -> None:
    from handlers.tasks_list import render_page  # the /nhiemvu page, for the open tasks only

    still_open = _open(mine)
    if not still_open:
        await reply_html(update, t("understanding.chat.nothing_open", actor.lang))
        return
    text, markup = render_page(still_open, 0, actor, context)
    await reply_html(update, text, reply_markup=markup)


def _replied_bot_message(update: Update, context: BotContext) -> Message | None:
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return None
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    return replied


@open_to("checks the person itself: strangers get the registration hint, groups only replies")
async def text_message(update: Update, context: BotContext) -> None:
    """Plain text, a reply or not: an update, a question, or small talk (one hint line)."""
    message = update.effective_message
    assert message is not None
    actor = await get_actor(update, context)
    replied = _replied_bot_message(update, context)
    if not actor.registered:
        if not actor.in_group:
            await reply_html(update, t("auth.stranger", actor.lang))
        return  # strangers in a group are not ours to answer
    if replied is None and actor.in_group:
        return  # group talk is not addressed to the bot
    if not actor.has_role(WORKERS):
        # A district viewer's "chào" gets the general hint; a reply to update a task is refused.
        key = "auth.forbidden" if replied is not None else "officer.text.hint"
        await reply_html(update, t(key, actor.lang))
        return
    mine = await _person_tasks(context, actor)
    covered = await _covered(context, actor, replied)
    reading = read_message(message.text or "", _refs(mine), reply_tasks=[v.number for v in covered])
    if reading.question == QUESTION_MY_TASKS:
        await _answer_my_tasks(update, context, actor, mine)
        return
    if reading.question == QUESTION_DEADLINE:
        await _answer_deadline(update, context, actor, reading, [*covered, *mine])
        return
    if reading.small_talk:
        key = "officer.reply.not_understood" if replied is not None else "understanding.chat.hint"
        await reply_html(update, t(key, actor.lang))
        return
    await _propose(update, context, actor, reading, mine, covered)


# --- confirm / correct / which task / which figure ------------------------------------------


async def _own_open_draft(
    update: Update, context: BotContext, actor: Actor, draft_id: int
) -> PendingDraft | None:
    assert actor.person is not None
    async with context.db.read() as session:
        draft = await get_draft(session, draft_id)
    query = update.callback_query
    assert query is not None
    if draft is None or draft.person_id != actor.person.id:
        await query.answer(t("officer.reply.not_yours", actor.lang), show_alert=True)
        return None
    if draft.resolved:
        await query.answer(t("officer.reply.already_done", actor.lang), show_alert=True)
        return None
    return draft


async def _draft_views(context: BotContext, actor: Actor, task_ids: list[int]) -> list[TaskView]:
    assert actor.person is not None
    async with context.db.read() as session:
        views = await load_task_views(session, actor.person.organization_id, task_ids=task_ids)
    by_id = {v.id: v for v in views}
    return [by_id[i] for i in task_ids if i in by_id]


async def _figure_chosen(
    update: Update, context: BotContext, actor: Actor, draft: PendingDraft, args: tuple[int, ...]
) -> None:
    query = update.callback_query
    assert query is not None and actor.person is not None
    index, percent = (args[1], args[2]) if len(args) == 3 else (-1, -1)
    several = is_several(draft.data)
    entries = draft_items(draft.data)
    if not 0 <= index < len(entries) or percent not in figure_choices(entries[index]["data"]):
        await query.answer()
        return
    entries[index]["data"] = with_figure(entries[index]["data"], percent)
    data: ReadingData | SeveralReadings
    if several:
        data = SeveralReadings(items=entries)
        task_ids = [e["task_id"] for e in entries]
    else:
        data = entries[0]["data"]
        task_ids = [draft.task_id] if draft.task_id is not None else []
    now = context.clock.now()
    async with context.db.write() as session:
        await resolve_draft(session, draft, "figure", now, index=index, percent=percent)
        fresh = await save_draft(
            session,
            person_id=draft.person_id,
            organization_id=actor.person.organization_id,
            task_id=draft.task_id,
            candidates=draft.candidates,
            data=data,
            now=now,
        )
    views = await _draft_views(context, actor, task_ids)
    datas = [e["data"] for e in draft_items(data)]
    await query.answer()
    await edit_or_reply(
        update,
        echo_text(views, datas, actor.lang),
        draft_keyboard(
            fresh.id, [(v.number, d) for v, d in zip(views, datas, strict=False)], actor.lang
        ),
    )


async def _confirm(update: Update, context: BotContext, actor: Actor, draft_id: int) -> None:
    """ "Đúng": whose it is, still open, figures chosen, then written, all in one transaction."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    try:
        outcome = await confirm_draft(context.db, actor.person, draft_id, at=context.clock.now())
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    recorded = list(outcome.tasks)
    failed = [error_text(error, actor.lang) for error in outcome.refused]
    await query.answer(t("officer.update.recorded", actor.lang))
    if len(recorded) == 1 and not failed:
        await edit_or_reply(
            update,
            _recorded_text(recorded[0], context, actor.lang),
            update_keyboard(recorded[0].id, actor.lang),
        )
        return
    today = today_of(context)
    lines = [t("officer.update.recorded", actor.lang), *failed, ""]
    lines.extend(task_line(v, today, actor.lang, context.services.tz) for v in recorded)
    await edit_or_reply(update, "\n".join(lines))


@require(*WORKERS)
async def draft_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``ok``/``no``/``wt``/``fg`` on a draft: confirm, correct, choose the task or the figure.

    Nothing is recorded from free text until the officer confirms here.
    """
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    if parsed is None or not parsed.args:
        await query.answer()
        return
    draft_id, now = parsed.args[0], context.clock.now()
    if parsed.verb == cb.CONFIRM:
        await _confirm(update, context, actor, draft_id)
        return
    draft = await _own_open_draft(update, context, actor, draft_id)
    if draft is None:
        return
    if parsed.verb == cb.CORRECT:
        async with context.db.write() as session:
            await resolve_draft(session, draft, "corrected", now)
        await query.answer()
        await edit_or_reply(update, t("officer.reply.corrected", actor.lang))
        return
    if parsed.verb == cb.FIGURE:
        await _figure_chosen(update, context, actor, draft, parsed.args)
        return
    if parsed.verb == cb.WHICH_TASK:
        task_id = parsed.args[1] if len(parsed.args) > 1 else 0
        if task_id not in draft.candidates or is_several(draft.data):
            await query.answer(t("progress.not_your_task", actor.lang), show_alert=True)
            return
        async with context.db.write() as session:
            chosen = await choose_task(session, draft, task_id, now)
            views = await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
        reading = draft_items(chosen.data)[0]["data"]
        await query.answer()
        await edit_or_reply(
            update,
            echo_text(views, [reading], actor.lang),
            draft_keyboard(chosen.id, [(views[0].number, reading)], actor.lang),
        )
        return


# --- evidence files -------------------------------------------------------------------


def _attachment(message: Message) -> AttachmentIn | None:
    if message.document is not None:
        doc = message.document
        return AttachmentIn(
            "document", doc.file_id, doc.file_unique_id, doc.file_name, doc.mime_type, doc.file_size
        )
    if message.photo:
        photo = message.photo[-1]
        return AttachmentIn(
            "photo", photo.file_id, photo.file_unique_id, None, None, photo.file_size
        )
    return None


@open_to("checks the person itself; in groups only files addressed to the bot")
async def file_message(update: Update, context: BotContext) -> None:
    """A document or photo: evidence by caption command, a caption naming the task
    ("minh chứng nhiệm vụ 9", "kiểm chứng 3.2"), a reply, or after "Đính kèm"; else the
    bot asks which task with buttons."""
    message = update.effective_message
    assert message is not None
    attachment = _attachment(message)
    if attachment is None:
        return
    caption = " ".join((message.caption or "").split())
    command = _CAPTION_COMMAND_RE.match(caption)
    replied = _replied_bot_message(update, context)
    actor = await get_actor(update, context)
    if actor.in_group and command is None and replied is None:
        return  # files shared in a group are not evidence unless addressed to the bot
    if not actor.registered:
        await reply_html(update, t("auth.stranger", actor.lang))
        return
    if not actor.has_role(WORKERS):
        await reply_html(update, t("auth.forbidden", actor.lang))
        return
    assert actor.person is not None
    if command is not None:
        text, markup = await _command_update(context, actor, command.group(2) or "", (attachment,))
        await reply_html(update, text, reply_markup=markup)
        return
    mine = await _person_tasks(context, actor)
    covered = await _covered(context, actor, replied)
    reading = read_message(
        caption, _refs(mine), reply_tasks=[v.number for v in covered], caption=True
    )
    names_task = any(u.named for u in reading.updates)
    if replied is not None or names_task:
        await _propose(update, context, actor, reading, mine, covered, (attachment,))
        return
    async with context.db.read() as session:
        waiting = await open_evidence_wait(session, actor.person.id)
    if waiting is None or waiting.task_id is None:
        await _propose(update, context, actor, reading, mine, covered, (attachment,))
        return
    change = Change(
        UpdateChannel.BUTTON, note=caption or None, attachments=(attachment,), carry=True
    )
    try:
        view = await _record(
            context, actor, waiting.task_id, change, draft=waiting, outcome="evidence"
        )
    except UserError as error:
        await reply_html(update, error_text(error, actor.lang))
        return
    await reply_html(
        update,
        t("officer.evidence.stored", actor.lang, count=1)
        + "\n"
        + _recorded_text(view, context, actor.lang, buttons=False),
    )


_MAX_CHOICES = 10  # "which task?" lists at most this many of the person's open tasks

HANDLERS = {
    0: [
        CommandHandler(["capnhat", "update"], update_command),
        CallbackQueryHandler(
            progress_button, pattern=rf"^({cb.SET_PERCENT}|{cb.MARK_DONE}|{cb.SET_STATUS}):"
        ),
        CallbackQueryHandler(attach_button, pattern=rf"^{cb.ATTACH}:"),
        CallbackQueryHandler(
            draft_button,
            pattern=rf"^({cb.CONFIRM}|{cb.CORRECT}|{cb.WHICH_TASK}|{cb.FIGURE}):",
        ),
        MessageHandler(filters.Document.ALL | filters.PHOTO, file_message),
        MessageHandler(filters.TEXT & ~filters.COMMAND, text_message),
    ]
}
