"""/caidat: the plan keeper sets reminder lead days, digest hour and the report deadline.

``/caidat`` shows the current settings (the chairman may look too);
``/caidat nhac 7,3,1``, ``/caidat gio 7:30`` and ``/caidat hannop 10`` change
one value each for the plan keeper. Validation is the domain's
(``ReminderPolicy``/``CalendarSettings``); a bad value gets a polite
explanation and changes nothing. The linked group is shown here and linked
with /lienketnhom in the group itself.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from core.context import BotContext
from handlers.common import MANAGERS, Actor, CommandSpec, esc, reply_html, require
from locales import t
from plans.calendar import period
from plans.errors import UserError
from storage import org_settings, report_records, reports
from storage.models import Role

COMMANDS = (CommandSpec("caidat", "settings.cmd", MANAGERS, ("settings",)),)

_LEAD = {"nhac", "nhắc", "lead", "truoc", "trước"}
_HOUR = {"gio", "giờ", "hour", "time"}
_DAY = {"hannop", "hạnnộp", "han", "hạn", "deadline", "day"}
_DRAFT = {"duthao", "dựthảo", "draft"}  # report drafts N working days before (issue 14)
_OVERDUE = {"quahan", "quáhạn", "overdue"}  # overdue back-off (issue 11)


def _overdue_change(value: str) -> dict[str, object]:
    """ "1,3,7 7": reminders 1, 3 and 7 days late, then every 7 days; the second part optional."""
    first, _, rest = value.strip().partition(" ")
    days = tuple(sorted(org_settings.parse_lead_days(first)))
    change: dict[str, object] = {"overdue_days": days}
    if rest.strip():
        every = org_settings.parse_lead_days(rest)
        if len(every) != 1:
            raise UserError("figures.settings.error.overdue", text=value)
        change["overdue_every_days"] = every[0]
    return change


def render_settings(s: org_settings.OrgSettings, lang: str, year: int) -> str:
    sample = period("H1", year, s.calendar)
    group = (
        t("settings.group.linked", lang, title=esc(s.group_title or str(s.group_chat_id)))
        if s.group_chat_id is not None
        else t("settings.group.none", lang)
    )
    kinds = ", ".join(
        period(k, year, s.calendar).short_label(lang) for k in s.calendar.report_kinds
    )
    return "\n".join(
        [
            t("settings.title", lang),
            t("settings.lead_days", lang, days=", ".join(str(d) for d in s.reminder.lead_days)),
            t("settings.hour", lang, hour=s.reminder.digest_time.strftime("%H:%M")),
            t(
                "figures.settings.overdue",
                lang,
                days=", ".join(str(d) for d in s.reminder.overdue_days),
                every=s.reminder.overdue_every_days,
            ),
            t(
                "settings.calendar",
                lang,
                day=s.calendar.submission_day,
                start=s.calendar.window_start_day,
                end=s.calendar.window_end_day,
                kinds=esc(kinds),
            ),
            t(
                "settings.example",
                lang,
                period=esc(sample.label(lang)),
                deadline=sample.submission_deadline.strftime("%d/%m/%Y"),
            ),
            group,
            "",
            t("settings.usage", lang),
        ]
    )


@require(*MANAGERS)
async def settings_command(update: Update, context: BotContext, actor: Actor) -> None:
    """Show the settings, or change one (plan keeper only)."""
    assert actor.org is not None and actor.person is not None
    args = list(context.args or [])
    lang = actor.lang
    year = context.clock.now().year
    if args:
        if actor.person.role is not Role.ADMIN:
            await reply_html(update, t("settings.keeper_only", lang))
            return
        word, value = args[0].lower(), " ".join(args[1:])
        who = f"telegram:{actor.telegram_user_id}"
        try:
            async with context.db.write() as session:
                if word in _LEAD:
                    days = org_settings.parse_lead_days(value)
                    await org_settings.update_reminder_policy(
                        session, actor.org.id, person_id=actor.person.id, actor=who, lead_days=days
                    )
                elif word in _HOUR:
                    hour = org_settings.parse_hour(value)
                    await org_settings.update_reminder_policy(
                        session,
                        actor.org.id,
                        person_id=actor.person.id,
                        actor=who,
                        digest_time=hour,
                    )
                elif word in _DAY:
                    day = org_settings.parse_day(value)
                    await org_settings.update_calendar(
                        session,
                        actor.org.id,
                        person_id=actor.person.id,
                        actor=who,
                        submission_day=day,
                    )
                elif word in _OVERDUE:
                    await org_settings.update_reminder_policy(
                        session,
                        actor.org.id,
                        person_id=actor.person.id,
                        actor=who,
                        **_overdue_change(value),
                    )
                elif word in _DRAFT:
                    org = await reports.org_profile(session, actor.org.id)
                    draft_days = int(value) if value.strip().isdigit() else 0
                    await report_records.set_draft_days(session, org, draft_days, actor.person.id)
                else:
                    raise UserError("settings.error.unknown", word=word)
        except UserError as exc:
            params = {k: esc(v) for k, v in exc.params.items()}
            await reply_html(update, t(exc.key, lang, **params) + "\n" + t("settings.usage", lang))
            return
    async with context.db.read() as session:
        current = await org_settings.load_settings(session, actor.org.id)
        org = await reports.org_profile(session, actor.org.id)
        cycle = await report_records.cycle_settings(session, org)
    saved = t("settings.saved", lang) + "\n" if args else ""
    draft = t("reportcycle.settings.line", lang, days=cycle.draft_working_days)
    await reply_html(update, saved + render_settings(current, lang, year) + "\n" + draft)


HANDLERS = {0: [CommandHandler(["caidat", "settings"], settings_command)]}
