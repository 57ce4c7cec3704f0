"""/nhiemvu (the person's tasks, paged) and /lichsu (one task's history).

The list groups tasks by field, shows deadline, days left or overdue and
the current percent, and carries one ``tk:`` button per task, so a tap opens
the update keyboard and a reply to the list is understood as being about
one of these tasks.

A task whose plan names no lead unit ("Các ngành liên quan") reaches no one;
its card shows the plan keeper one more button, "Giao bộ phận chủ trì", and
the unit picked leads it from then on (``storage.assignment``, issue 11).
The keeper reaches such cards from the weekly notice that lists them.
"""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from core import callbacks as cb
from core.context import BotContext
from handlers.common import MANAGERS, Actor, CommandSpec, esc, reply_html, require
from handlers.officers import (
    edit_or_reply,
    error_text,
    fmt_date,
    task_card,
    task_line,
    today_of,
    update_keyboard,
    visible_unit_ids,
)
from locales import t
from plans.errors import UserError
from plans.numbers import parse_task_number
from storage.assignment import assign_lead_unit, unassigned_task_number
from storage.directory import list_units
from storage.models import Role
from storage.progress import HistoryEntry, can_read_history, can_update, task_history
from storage.tasks import TaskView, find_task_by_number, load_task_views

PAGE_SIZE = 8
BUTTONS_PER_ROW = 4
WORKERS = (Role.OFFICER, *MANAGERS)
KEEPERS = (Role.ADMIN,)  # the plan keeper assigns a lead unit the plan did not name

COMMANDS = [
    CommandSpec("nhiemvu", "officer.cmd.tasks", frozenset(WORKERS), ("tasks",)),
    CommandSpec("lichsu", "officer.cmd.history", frozenset(WORKERS), ("history",)),
]


async def _my_tasks(context: BotContext, actor: Actor) -> list[TaskView]:
    assert actor.person is not None
    async with context.db.read() as session:
        return await load_task_views(
            session, actor.person.organization_id, unit_ids=visible_unit_ids(actor)
        )


def render_page(
    views: list[TaskView], page: int, actor: Actor, context: BotContext
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of the list (HTML) and its keyboard; ``page`` is clamped to the range."""
    lang = actor.lang
    pages = max(1, -(-len(views) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = views[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    today = today_of(context)
    lines = [t("officer.tasks.header", lang, count=len(views), page=page + 1, pages=pages)]
    field = None
    for view in chunk:
        if view.field_key != field:
            field = view.field_key
            lines.append("")
            lines.append(f"<b>{esc(view.field_key)}. {esc(view.field_title)}</b>")
        lines.append(task_line(_clip(view), today, lang, context.services.tz))
    lines.append("")
    lines.append(t("officer.tasks.footer", lang))
    buttons = [
        InlineKeyboardButton(f"✏️ {v.number}", callback_data=cb.task_menu(v.id)) for v in chunk
    ]
    rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("‹", callback_data=cb.build(cb.TASK_PAGE, page - 1)))
    if page < pages - 1:
        nav.append(InlineKeyboardButton("›", callback_data=cb.build(cb.TASK_PAGE, page + 1)))
    if nav:
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _clip(view: TaskView, limit: int = 300) -> TaskView:
    if len(view.content) <= limit:
        return view
    from dataclasses import replace

    return replace(view, content=view.content[: limit - 1] + "…")


@require(*WORKERS)
async def tasks_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/nhiemvu: the tasks this person may see (their units'), one page at a time."""
    views = await _my_tasks(context, actor)
    if not views:
        await reply_html(update, t("officer.tasks.empty", actor.lang))
        return
    text, markup = render_page(views, 0, actor, context)
    await reply_html(update, text, reply_markup=markup)


@require(*WORKERS)
async def page_button(update: Update, context: BotContext, actor: Actor) -> None:
    """The ‹/› buttons of /nhiemvu: show another page of the person's tasks in the same message."""
    query = update.callback_query
    assert query is not None
    page = cb.first_arg(query.data)
    views = await _my_tasks(context, actor)
    await query.answer()
    if not views:
        await edit_or_reply(update, t("officer.tasks.empty", actor.lang))
        return
    text, markup = render_page(views, page, actor, context)
    await edit_or_reply(update, text, markup)


@require(*WORKERS)
async def task_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``tk:<task_id>``: send the task's card with its update keyboard."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    task_id = cb.first_arg(query.data)
    async with context.db.read() as session:
        allowed = await can_update(session, actor.person, task_id)
        views = (
            await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
            if allowed
            else []
        )
    if not views:
        await query.answer(t("progress.not_your_task", actor.lang), show_alert=True)
        return
    keyboard = update_keyboard(task_id, actor.lang)
    if actor.person.role in KEEPERS and not views[0].lead_unit_ids:
        assign = InlineKeyboardButton(
            t("figures.assign.button", actor.lang), callback_data=cb.build(cb.ASSIGN_ASK, task_id)
        )
        keyboard = InlineKeyboardMarkup([*keyboard.inline_keyboard, [assign]])
    await query.answer()
    await context.bot.send_message(
        actor.chat_id or actor.telegram_user_id or 0,
        task_card(views[0], today_of(context), actor.lang),
        parse_mode="HTML",
        reply_markup=keyboard,
    )


@require(*KEEPERS)
async def assign_ask_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``asg:<task_id>``: a task with no lead unit: offer the organization's units."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    task_id = cb.first_arg(query.data)
    try:
        async with context.db.read() as session:
            number = await unassigned_task_number(session, actor.person, task_id)
            views = await load_task_views(session, actor.person.organization_id, task_ids=[task_id])
            units = await list_units(session, actor.person.organization_id)
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    if not units:
        await query.answer(t("figures.assign.no_units", actor.lang), show_alert=True)
        return
    await query.answer()
    placeholder = views[0].lead_units_text if views else None
    rows = [
        [InlineKeyboardButton(u.name, callback_data=cb.build(cb.ASSIGN_UNIT, task_id, u.id))]
        for u in units
    ]
    await context.bot.send_message(
        actor.chat_id or actor.telegram_user_id or 0,
        t("figures.assign.ask", actor.lang, number=number, placeholder=esc(placeholder or "—")),
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(rows),
    )


@require(*KEEPERS)
async def assign_unit_button(update: Update, context: BotContext, actor: Actor) -> None:
    """``asu:<task_id>:<unit_id>``: that unit leads the task; its officers are reminded."""
    query = update.callback_query
    assert query is not None and actor.person is not None
    parsed = cb.parse(query.data)
    args = parsed.args if parsed else ()
    task_id, unit_id = (args[0], args[1]) if len(args) == 2 else (0, 0)
    try:
        async with context.db.write() as session:
            done = await assign_lead_unit(
                session, actor.person, task_id, unit_id, now=context.clock.now()
            )
    except UserError as error:
        await query.answer(error_text(error, actor.lang), show_alert=True)
        return
    await query.answer()
    await edit_or_reply(
        update,
        t("figures.assign.done", actor.lang, number=done.task_number, unit=esc(done.unit_name)),
    )


def _history_text(view: TaskView, entries: list[HistoryEntry], lang: str, tz: tzinfo) -> str:
    lines = [t("officer.history.header", lang, number=view.number, content=esc(view.content))]
    if view.extended_due_date:
        lines.append(
            t(
                "officer.history.extended",
                lang,
                original=fmt_date(view.due_date),
                extended=fmt_date(view.extended_due_date),
            )
        )
    if not entries:
        lines.append(t("officer.history.empty", lang))
    for entry in entries:
        what = []
        if entry.percent is not None:
            what.append(f"{entry.percent}%")
        for value in (entry.status_text, entry.output, entry.note):
            if value and value not in what:
                what.append(esc(value))
        lines.append(
            t(
                "officer.history.entry",
                lang,
                when=entry.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"),
                who=esc(entry.person_name or t("officer.history.system", lang)),
                what=" · ".join(what) or "—",
            )
        )
        for kind, _file_id, name in entry.attachments:
            label = name or t(
                f"officer.history.kind.{'photo' if kind == 'photo' else 'document'}", lang
            )
            lines.append(t("officer.history.attachment", lang, name=esc(label)))
    return "\n".join(lines)


@require(*WORKERS)
async def history_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/lichsu <số>: every progress update of one task, for those allowed to read it."""
    assert actor.person is not None
    args = context.args or []
    number = parse_task_number(args[0]) if len(args) == 1 else None
    if number is None:
        await reply_html(update, t("officer.history.usage", actor.lang))
        return
    async with context.db.read() as session:
        view = await find_task_by_number(session, actor.person.organization_id, number)
        allowed = view is not None and await can_read_history(session, actor.person, view.id)
        entries = await task_history(session, view.id) if view and allowed else []
    if view is None:
        await reply_html(
            update, error_text(UserError("officer.task_unknown", number=number), actor.lang)
        )
        return
    if not allowed:  # officers read their own units' tasks' history; leaders read all
        await reply_html(update, t("history.not_your_task", actor.lang, number=number))
        return
    await reply_html(update, _history_text(view, entries, actor.lang, context.services.tz))


HANDLERS = {
    0: [
        CommandHandler(["nhiemvu", "tasks"], tasks_command),
        CommandHandler(["lichsu", "history"], history_command),
        CallbackQueryHandler(page_button, pattern=rf"^{cb.TASK_PAGE}:"),
        CallbackQueryHandler(task_button, pattern=rf"^{cb.TASK_MENU}:"),
        CallbackQueryHandler(assign_ask_button, pattern=rf"^{cb.ASSIGN_ASK}:"),
        CallbackQueryHandler(assign_unit_button, pattern=rf"^{cb.ASSIGN_UNIT}:"),
    ]
}
