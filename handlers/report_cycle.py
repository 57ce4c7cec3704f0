"""The reporting cycle in chat: mark a report sent, list and switch on report kinds.

``/daguibaocao [loại] 45/BC-UBND 08/06/2024`` (or the "Đã gửi báo cáo"
button on the draft, which asks for the number in a reply) records the sent
report: the appendix header then carries its number and date, the
reminders for that period stop, the district sees it sent on time or late.
``/loaibaocao`` lists the report kinds with their next deadline;
``/loaibaocao them tthc`` switches on a preset, ``/loaibaocao bo tthc``
switches it off. The storage rules live in ``storage.report_records``.
"""

from __future__ import annotations

from datetime import date

from telegram import ForceReply, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core import callbacks as cb
from core.context import BotContext
from handlers.common import MANAGERS, Actor, CommandSpec, esc, reply_html, require
from locales import t
from plans.errors import UserError
from plans.report_kinds import PRESETS, DueReport, due_reports
from scheduler.report_drafts import MARK_SENT, SENT_KIND_KEYS, SENT_PERIOD_KINDS
from storage import report_records, reports
from storage.models import Role

PROMPT_MARK = "📨"

COMMANDS = (
    CommandSpec("daguibaocao", "reportcycle.cmd.sent", MANAGERS, ("reportsent",)),
    CommandSpec("loaibaocao", "reportcycle.cmd.kinds", MANAGERS, ("reportkinds",)),
)


def _today(context: BotContext, org: reports.OrgProfile) -> date:
    return org.today(context.clock.now())


def _confirmation(
    report: DueReport, record_number: str, sent_on: date, replaced: bool, lang: str
) -> str:
    key = "reportcycle.sent.late" if sent_on > report.deadline else "reportcycle.sent.on_time"
    lines = [
        t(
            "reportcycle.sent.done",
            lang,
            report=esc(report.label(lang)),
            number=esc(record_number),
            date=sent_on.strftime("%d/%m/%Y"),
        ),
        t(key, lang, deadline=report.deadline.strftime("%d/%m/%Y")),
        t("reportcycle.sent.effects", lang),
    ]
    if replaced:
        lines.append(t("reportcycle.sent.replaced", lang))
    return "\n".join(lines)


async def _mark(
    update: Update,
    context: BotContext,
    actor: Actor,
    text: str,
    *,
    kind: str | None = None,
    period_code: str | None = None,
) -> None:
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    try:
        async with context.db.write() as session:
            org = await reports.org_profile(session, actor.org.id)
            today = _today(context, org)
            parsed_kind, number, sent_on = report_records.parse_sent_args(text, today)
            report, replaced = await report_records.mark_sent(
                session,
                org,
                kind=kind or parsed_kind,
                number=number,
                sent_on=sent_on,
                today=today,
                person_id=actor.person.id,
                now=context.clock.now(),
                period_code=period_code,
            )
    except UserError as exc:
        params = {k: esc(v) for k, v in exc.params.items()}
        await reply_html(update, t(exc.key, lang, **params))
        return
    await reply_html(update, _confirmation(report, number, sent_on, replaced, lang))


@require(Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN)
async def sent_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/daguibaocao [loại] <số>/BC-UBND [dd/mm/yyyy]."""
    text = " ".join(context.args or [])
    if not text.strip():
        await reply_html(update, t("reportcycle.sent.usage", actor.lang))
        return
    await _mark(update, context, actor, text)


@require(Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN)
async def sent_button_pressed(update: Update, context: BotContext, actor: Actor) -> None:
    """The draft's button: ask for the number and date in a reply."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse(query.data)
    lang = actor.lang
    if parsed is None or len(parsed.args) != 3:
        await query.answer()
        return
    year, period_index, kind_index = parsed.args
    if not (0 <= period_index < len(SENT_PERIOD_KINDS) and 0 <= kind_index < len(SENT_KIND_KEYS)):
        await query.answer()
        return
    code = f"{year}-{SENT_PERIOD_KINDS[period_index].value}"
    await query.answer()
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        t(
            "reportcycle.button.prompt",
            lang,
            mark=PROMPT_MARK,
            code=code,
            kind=SENT_KIND_KEYS[kind_index],
        ),
        reply_markup=ForceReply(selective=True),
    )


def _prompt_target(text: str | None) -> tuple[str, str] | None:
    """(kind, period code) named in one of our prompts, else None."""
    if not text or not text.startswith(PROMPT_MARK):
        return None
    words = text.split()
    code = next((w.strip("()[],.:") for w in words if w.startswith("[")), None)
    if code is None:
        return None
    kind, _, period_code = code.partition("|")
    if kind not in SENT_KIND_KEYS or not period_code:
        return None
    return kind, period_code


class _ReplyToPrompt(filters.MessageFilter):
    """A text reply to the bot's "send the number" prompt."""

    def filter(self, message: Message) -> bool:
        reply = message.reply_to_message
        return bool(
            message.text
            and reply is not None
            and reply.from_user is not None
            and reply.from_user.is_bot
            and _prompt_target(reply.text) is not None
        )


@require(Role.ADMIN, Role.CHAIRMAN, Role.VICE_CHAIRMAN)
async def prompt_reply(update: Update, context: BotContext, actor: Actor) -> None:
    """A reply to the bot's "send the report number" prompt: record that report as sent."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    target = _prompt_target(message.reply_to_message.text)
    assert target is not None
    kind, code = target
    await _mark(update, context, actor, message.text or "", kind=kind, period_code=code)


@require(*MANAGERS)
async def kinds_command(update: Update, context: BotContext, actor: Actor) -> None:
    """/loaibaocao; them|bo <key>; han <key> <ngày>; giao <key> <bộ phận>."""
    assert actor.org is not None and actor.person is not None
    lang = actor.lang
    args = [a.casefold() for a in context.args or []]
    try:
        if args:
            if actor.person.role is not Role.ADMIN and actor.person.role not in (
                Role.CHAIRMAN,
                Role.VICE_CHAIRMAN,
            ):
                raise UserError("reportcycle.kinds.keeper_only")
            raw = list(context.args or [])
            verb = args[0]
            edit = verb in ("han", "hạn", "deadline", "giao", "owner")
            if (not edit and len(args) != 2) or (edit and len(args) < 3):
                raise UserError("reportcycle.kinds.usage")
            if verb not in ("them", "thêm", "add", "bo", "bỏ", "remove") and not edit:
                raise UserError("reportcycle.kinds.usage")
            async with context.db.write() as session:
                org = await reports.org_profile(session, actor.org.id)
                if verb in ("them", "thêm", "add"):
                    await report_records.add_preset(session, org, args[1], actor.person.id)
                elif verb in ("han", "hạn", "deadline"):
                    if not args[2].isdigit():
                        raise UserError("reportcycle.kinds.bad_day")
                    await report_records.update_kind(
                        session, org, args[1], actor.person.id, deadline_day=int(args[2])
                    )
                elif verb in ("giao", "owner"):
                    await report_records.update_kind(
                        session, org, args[1], actor.person.id, owner_unit=" ".join(raw[2:])
                    )
                else:
                    await report_records.remove_kind(session, org, args[1], actor.person.id)
    except UserError as exc:
        params = {k: esc(v) for k, v in exc.params.items()}
        await reply_html(update, t(exc.key, lang, **params))
        return
    async with context.db.read() as session:
        org = await reports.org_profile(session, actor.org.id)
        settings = await report_records.cycle_settings(session, org)
        today = _today(context, org)
        calendar = org.calendar
        sent = await report_records.sent_keys(session, [org.id])
    lines = [t("reportcycle.kinds.title", lang, days=settings.draft_working_days)]
    for kind in settings.kinds:
        upcoming = [
            r
            for r in due_reports([kind], calendar, (today.year, today.year + 1))
            if r.deadline >= today and (kind.key, r.code) not in sent.get(org.id, set())
        ]
        nxt = upcoming[0] if upcoming else None
        lines.append(
            t(
                "reportcycle.kinds.line",
                lang,
                name=esc(kind.label(lang)),
                key=kind.key,
                rhythm=t(f"reportcycle.rhythm.{kind.rhythm}", lang),
                owner=esc(kind.owner_unit),
                next=esc(nxt.period.label(lang)) if nxt else "—",
                deadline=nxt.deadline.strftime("%d/%m/%Y") if nxt else "—",
            )
        )
    active = {k.key for k in settings.kinds}
    offers = [key for key in PRESETS if key not in active]
    if offers:
        lines.append("")
        lines.append(t("reportcycle.kinds.presets", lang))
        for key in offers:
            lines.append(
                t(
                    "reportcycle.kinds.preset_line",
                    lang,
                    key=key,
                    name=esc(PRESETS[key].label(lang)),
                )
            )
    await reply_html(update, "\n".join(lines))


HANDLERS = {
    0: [
        CommandHandler(["daguibaocao", "reportsent"], sent_command),
        CommandHandler(["loaibaocao", "reportkinds"], kinds_command),
        CallbackQueryHandler(sent_button_pressed, pattern=rf"^{MARK_SENT}:"),
        MessageHandler(filters.TEXT & filters.REPLY & _ReplyToPrompt(), prompt_reply),
    ]
}
