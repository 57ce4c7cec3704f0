"""The demo's terminal chat: type as a commune officer, read what the bot answers.

The newcomer has no Telegram here, so this module plays the Telegram app: it
sends what they type to the fake Bot API as the current demo person, and
prints what the bot sends and edits, with inline buttons as numbered choices.
Bot output is collected by a listener on the fake server (so reminders sent by
the scheduler in the background show up too) and printed either after the bot
has gone idle (scripted runs: deterministic transcripts) or as it arrives
while the person is thinking (interactive runs).
"""

from __future__ import annotations

import mimetypes
import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, TextIO

from bot.commands.understanding import describe as describe_reading
from locales import t
from plans.numbers import parse_count
from plans.understanding import TaskRef, read_message
from sandbox.demo.seed import PEOPLE, DemoPerson, person_by_key
from sandbox.devserver import FakeBotApi, Message, User

_PRESS = re.compile(r"^[#:](\d+)$")
_REPLY = re.compile(r"^(?:/reply\s+|>\s*)(\d+)\s+(.+)$", re.S)
_DURATION_PART = re.compile(
    r"(\d+)\s*(tuần|tuan|ngày|ngay|giờ|gio|phút|phut|w|d|h|m)(?![a-zà-ỹđ])", re.I
)
_UNIT_SECONDS = {
    "w": 7 * 86400,
    "tuần": 7 * 86400,
    "tuan": 7 * 86400,
    "d": 86400,
    "ngày": 86400,
    "ngay": 86400,
    "h": 3600,
    "giờ": 3600,
    "gio": 3600,
    "m": 60,
    "phút": 60,
    "phut": 60,
}
_INSTANT_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %Hh%M",
    "%d/%m/%Y",
    "%H:%M %d/%m/%Y",
)


def parse_duration(text: str) -> timedelta | None:
    """ "2d", "3h30m", "1 tuần", "2 ngày" → a timedelta; None when it is not one."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    total = 0
    consumed = 0
    for match in _DURATION_PART.finditer(cleaned):
        total += int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        consumed += len(match.group(0))
    rest = _DURATION_PART.sub("", cleaned).strip()
    if rest or total <= 0 or consumed == 0:
        return None
    return timedelta(seconds=total)


def parse_instant(text: str, tz: tzinfo) -> datetime | None:
    """ "2024-06-10 07:30" or "10/06/2024 07:30" in the organization's time zone."""
    cleaned = " ".join(text.strip().strip('"').split())
    for fmt in _INSTANT_FORMATS:
        try:
            naive = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        if "%H" not in fmt:
            naive = naive.replace(hour=7, minute=30)
        return naive.replace(tzinfo=tz)
    return None


def format_instant(instant: datetime, tz: tzinfo, lang: str) -> str:
    local = instant.astimezone(tz)
    weekdays = t("demo.weekdays", lang).split(",")
    return t(
        "demo.time.format",
        lang,
        time=local.strftime("%H:%M"),
        weekday=weekdays[local.weekday()].strip(),
        date=local.strftime("%d/%m/%Y"),
    )


def person_label(person: DemoPerson, lang: str) -> str:
    """What follows the name in the prompt: the person's unit, or their position."""
    if person.units:
        return ", ".join(person.units)
    return t(person.title_key, lang)


def describe(person: DemoPerson, lang: str) -> str:
    """Position and units, for the ``:who`` list."""
    title = t(person.title_key, lang)
    return f"{title}, {', '.join(person.units)}" if person.units else title


def buttons_of(message: Message) -> list[dict[str, Any]]:
    return [button for row in message.inline_keyboard for button in row]


def render_keyboard(message: Message) -> list[str]:
    """Inline buttons as numbered choices, one line per keyboard row."""
    lines = []
    number = 0
    for row in message.inline_keyboard:
        cells = []
        for button in row:
            number += 1
            cells.append(f"[{number}] {button.get('text', '')}")
        lines.append("   " + "  ".join(cells))
    return lines


@dataclass
class Block:
    """One thing the bot did, rendered when it happened (later edits don't rewrite it)."""

    lines: list[str]
    chat_id: int | None = None


@dataclass
class BotOutput:
    """Collects the bot's visible actions from the fake server's listener."""

    api: FakeBotApi
    names: dict[int, str]
    lang: str
    files_dir: Path | None = None
    blocks: list[Block] = field(default_factory=list)
    on_block: Callable[[], object] | None = None
    current_chat: int | None = None
    only_current: bool = False  # ``:mine``: others' messages as one line each

    def __call__(self, method: str, params: dict[str, Any], result: Any) -> None:
        block = self._render(method, params, result)
        if block is not None:
            self.blocks.append(block)
            if self.on_block is not None:
                self.on_block()

    def take(self) -> list[Block]:
        taken, self.blocks = self.blocks, []
        if not self.only_current:
            return taken
        return [
            block
            if block.chat_id is None or block.chat_id == self.current_chat
            else Block(block.lines[:1], block.chat_id)
            for block in taken
        ]

    def render_message(self, message: Message) -> list[str]:
        header = t(
            "demo.out.message",
            self.lang,
            to=self._chat_label(message.chat_id),
            number=message.message_id,
        )
        return [header, *self._body(message, save=False)]

    def _chat_label(self, chat_id: int) -> str:
        if chat_id in self.names:
            return self.names[chat_id]
        chat = self.api.state.chats.get(chat_id)
        if chat is not None and chat.title:
            return chat.title
        return str(chat_id)

    def _render(self, method: str, params: dict[str, Any], result: Any) -> Block | None:
        chat_id: int | None
        if method in ("sendMessage", "sendDocument", "sendPhoto") and isinstance(result, dict):
            chat_id = int(result["chat"]["id"])
            message = self.api.state.get_message(chat_id, int(result["message_id"]))
            if message is None:
                return None
            header = t(
                "demo.out.message",
                self.lang,
                to=self._chat_label(chat_id),
                number=message.message_id,
            )
            return Block([header, *self._body(message)], chat_id)
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            chat_id, message_id = _ids(params)
            if chat_id is None or message_id is None:
                return None
            message = self.api.state.get_message(chat_id, message_id)
            if message is None:
                return None
            header = t(
                "demo.out.edited", self.lang, to=self._chat_label(chat_id), number=message_id
            )
            return Block([header, *self._body(message)], chat_id)
        if method == "answerCallbackQuery":
            text = params.get("text")
            if not text:
                return None
            key = "demo.out.alert" if _truthy(params.get("show_alert")) else "demo.out.toast"
            return Block([t(key, self.lang, text=str(text))])
        if method in ("deleteMessage",):
            chat_id, message_id = _ids(params)
            if chat_id is None:
                return None
            return Block(
                [t("demo.out.deleted", self.lang, to=self._chat_label(chat_id), number=message_id)],
                chat_id,
            )
        return None

    def _body(self, message: Message, *, save: bool = True) -> list[str]:
        lines: list[str] = []
        if message.reply_to is not None:
            lines.append(
                "  " + t("demo.out.in_reply_to", self.lang, number=message.reply_to.message_id)
            )
        text = message.text if message.text is not None else message.caption
        for kind, stored in (("document", message.document), ("photo", message.photo)):
            if stored is None:
                continue
            name = stored.file_name or f"{stored.file_unique_id}.jpg"
            saved = self._save(name, stored.content) if save else ""
            lines.append(
                "  "
                + t(
                    f"demo.out.{kind}",
                    self.lang,
                    name=stored.file_name or "",
                    size=_size(len(stored.content)),
                    path=saved,
                )
            )
        if text:
            # The fake server stores what the person would see: HTML and Markdown
            # already parsed into plain text plus entities (tags gone, &amp; decoded).
            lines.extend("  " + line for line in text.splitlines())
        lines.extend(render_keyboard(message))
        return lines

    def _save(self, name: str, content: bytes) -> str:
        if self.files_dir is None:
            return ""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        target = self.files_dir / Path(name).name
        stem, suffix, n = target.stem, target.suffix, 1
        while target.exists():
            n += 1
            target = self.files_dir / f"{stem}-{n}{suffix}"
        target.write_bytes(content)
        return str(target)


def _ids(params: dict[str, Any]) -> tuple[int | None, int | None]:
    try:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"])
    except (KeyError, TypeError, ValueError):
        return None, None
    return chat_id, message_id


def _truthy(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MB"


class Terminal:
    """The newcomer's Telegram: turns typed lines into user actions on the fake server."""

    def __init__(
        self,
        api: FakeBotApi,
        *,
        clock: Any,
        tz: tzinfo,
        lang: str,
        out: TextIO,
        tick: Callable[[], Any] | None,
        speed: float,
        files_dir: Path | None = None,
        read_tasks: Callable[[int], Awaitable[list[TaskRef]]] | None = None,
    ) -> None:
        self.api = api
        self.read_tasks = read_tasks
        self.clock = clock
        self.tz = tz
        self.lang = lang
        self.out = out
        self.tick = tick
        self.speed = speed
        self.users: dict[int, User] = {}
        for person in PEOPLE:
            self.users[person.telegram_user_id] = api.add_user(
                person.first_name,
                last_name=person.last_name,
                user_id=person.telegram_user_id,
                language_code=lang,
            )
        self.person: DemoPerson = PEOPLE[0]
        self.output = BotOutput(
            api,
            {p.telegram_user_id: p.full_name for p in PEOPLE},
            lang,
            files_dir=files_dir,
            current_chat=self.person.telegram_user_id,
        )
        api.listeners.append(self.output)
        self.web_link: Callable[[DemoPerson], str] | None = None  # set once the bot runs

    def detach(self) -> None:
        if self.output in self.api.listeners:
            self.api.listeners.remove(self.output)

    # --- output ---------------------------------------------------------------

    def say(self, key: str, **params: object) -> None:
        self.write(t(key, self.lang, **params))

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def prompt(self) -> str:
        return t(
            "demo.prompt",
            self.lang,
            name=self.person.full_name,
            label=person_label(self.person, self.lang),
        )

    def flush_bot_output(self) -> None:
        for block in self.output.take():
            self.write("\n".join(block.lines))

    @property
    def user(self) -> User:
        return self.users[self.person.telegram_user_id]

    # --- input ----------------------------------------------------------------

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the newcomer asked to quit."""
        line = line.strip()
        if not line:
            return True
        press = _PRESS.match(line)
        if press:
            self._press(int(press.group(1)))
            return True
        reply = _REPLY.match(line)
        if reply:
            self._reply(int(reply.group(1)), reply.group(2).strip())
            return True
        if line.startswith("#"):
            return True  # a comment in a script
        if line.startswith(":"):
            return await self._command(line[1:])
        self.api.user_sends_text(self.user, None, line)
        return True

    async def _command(self, text: str) -> bool:
        name, _, rest = text.partition(" ")
        name = name.lower()
        rest = rest.strip()
        if name in ("quit", "q", "exit", "thoat"):
            return False
        if name in ("help", "h", "?", "huongdan"):
            self.say("demo.help")
        elif name in ("who", "ai"):
            self.show_people()
        elif name == "as":
            self._switch(rest)
        elif name in ("time", "gio"):
            self.say("demo.time.now", now=format_instant(self.clock.now(), self.tz, self.lang))
        elif name == "skip":
            delta = parse_duration(rest)
            if delta is None:
                self.say("demo.error.duration", text=rest)
            else:
                await self._move_to(self.clock.now() + delta)
        elif name == "at":
            instant = parse_instant(rest, self.tz)
            if instant is None:
                self.say("demo.error.instant", text=rest)
            else:
                await self._move_to(instant)
        elif name == "tick":
            await self._tick()
        elif name == "upload":
            self._upload(rest)
        elif name in ("show", "xem"):
            self._show(rest)
        elif name in ("web", "bang"):
            person = person_by_key(rest) if rest else self.person
            if person is None:
                self.say("demo.error.person", text=rest)
            else:
                self.show_web_link(person)
        elif name in ("read", "hieu", "doc"):
            await self._read(rest)
        elif name in ("mine", "all"):
            self.output.only_current = name == "mine"
            self.say(f"demo.filter.{name}")
        else:
            self.say("demo.error.unknown_command", command=":" + name)
        return True

    async def _read(self, text: str) -> None:
        """How the bot reads ``text`` from the current person (nothing is sent).

        A script of ``:read …`` lines replays a list of messages and prints
        each reading: the demo's window on issue 15's reader.
        """
        tasks = await self.read_tasks(self.person.telegram_user_id) if self.read_tasks else []
        reading = read_message(text, tasks)
        self.say("demo.read.header", text=text)
        for line in describe_reading(reading, self.lang):
            self.write("  " + line)

    def show_people(self) -> None:
        self.say("demo.who.header")
        for number, person in enumerate(PEOPLE, start=1):
            marker = "→" if person is self.person else " "
            self.write(
                t(
                    "demo.who.line",
                    self.lang,
                    marker=marker,
                    number=number,
                    key=person.key,
                    name=person.full_name,
                    description=describe(person, self.lang),
                )
            )

    def show_web_link(self, person: DemoPerson | None) -> None:
        """Print a link that opens the local dashboard signed in as ``person`` (``:web``)."""
        if person is None:
            return
        if self.web_link is None:
            self.say("demo.web.off")
            return
        from storage.reports import DASHBOARD_ROLES

        self.say("demo.web.link", name=person.full_name, url=self.web_link(person))
        if person.role not in DASHBOARD_ROLES:
            self.say("demo.web.not_for_role", name=person.full_name)

    def _switch(self, text: str) -> None:
        person = person_by_key(text)
        if person is None:
            self.say("demo.error.person", text=text)
            return
        self.person = person
        self.output.current_chat = person.telegram_user_id
        self.say("demo.switched", name=person.full_name, label=person_label(person, self.lang))

    def _latest_with_buttons(self) -> Message | None:
        for message in reversed(self.api.bot_messages(self.user.id)):
            if message.inline_keyboard:
                return message
        return None

    def _press(self, number: int) -> None:
        message = self._latest_with_buttons()
        if message is None:
            self.say("demo.error.no_buttons")
            return
        buttons = buttons_of(message)
        if not 1 <= number <= len(buttons):
            self.say("demo.error.button", number=number, count=len(buttons))
            return
        button = buttons[number - 1]
        if "callback_data" in button:
            self.say("demo.pressed", text=button.get("text", ""), number=message.message_id)
            self.api.user_presses_button(self.user, message, button["callback_data"])
        elif "url" in button:
            self.say("demo.link", url=button["url"])
        elif "web_app" in button:
            self.show_web_link(self.person)
        else:
            self.say("demo.error.button_kind", text=button.get("text", ""))

    def _show(self, text: str) -> None:
        """Print one of the current person's bot messages again (default: the latest)."""
        messages = self.api.bot_messages(self.user.id)
        if text:
            wanted = parse_count(text)
            if wanted is None:
                self.say("demo.error.show", text=text)
                return
            messages = [m for m in messages if m.message_id == wanted]
        if not messages:
            self.say("demo.error.show", text=text or "—")
            return
        self.write("\n".join(self.output.render_message(messages[-1])))

    def _reply(self, number: int, text: str) -> None:
        message = self.api.state.get_message(self.user.id, number)
        if message is None or not message.from_bot:
            self.say("demo.error.reply", number=number)
            return
        self.api.user_sends_text(self.user, None, text, reply_to=message)

    def _upload(self, text: str) -> None:
        try:
            parts = shlex.split(text)
        except ValueError:
            parts = text.split()
        if not parts:
            self.say("demo.error.upload_usage")
            return
        path = Path(parts[0]).expanduser()
        caption = " ".join(parts[1:]) or None
        try:
            content = path.read_bytes()
        except OSError:
            self.say("demo.error.upload_missing", path=str(path))
            return
        if not content:
            self.say("demo.error.upload_empty", path=str(path))
            return
        mime = mimetypes.guess_type(path.name)[0]
        self.api.user_uploads_document(self.user, None, path.name, content, caption, mime)
        self.say("demo.uploaded", name=path.name, size=_size(len(content)))

    async def _move_to(self, instant: datetime) -> None:
        jump = getattr(self.clock, "jump", None) or self.clock.set
        jump(instant)
        self.say("demo.time.moved", now=format_instant(instant, self.tz, self.lang))
        await self._tick()

    async def _tick(self) -> None:
        if self.tick is None:
            self.say("demo.scheduler_missing")
            return
        await self.tick()
