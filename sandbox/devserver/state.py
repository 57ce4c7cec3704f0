"""In-memory world of the fake Bot API: users, chats, messages, files, updates.

Everything the HTTP side and the user side share lives here, as plain data, so a
test can read what happened without going through HTTP. Dicts produced by
``to_api()`` follow https://core.telegram.org/bots/api field for field.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class User:
    """A Telegram account (a person, or the bot itself)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class Chat:
    """A private chat (id == the user's id) or a group/supergroup (negative id)."""

    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None  # public groups and channels
    user: User | None = None  # the other party of a private chat
    members: list[User] = field(default_factory=list)

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "type": self.type}
        if self.is_private and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            if self.title is not None:
                data["title"] = self.title
            if self.username is not None:
                data["username"] = self.username
        return data


@dataclass
class StoredFile:
    """An uploaded file: bytes kept so the bot (or a test) can download them back."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def to_api_file(self) -> JsonDict:
        """The ``File`` object returned by getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }

    def to_api_document(self) -> JsonDict:
        data: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.file_name is not None:
            data["file_name"] = self.file_name
        if self.mime_type is not None:
            data["mime_type"] = self.mime_type
        return data

    def to_api_photo(self) -> list[JsonDict]:
        # Telegram sends several sizes; one is enough for a bot that takes photo[-1].
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 320,
                "height": 240,
                "file_size": len(self.content),
            }
        ]


@dataclass
class Message:
    """A message as the server keeps it, with its edit history for assertions."""

    message_id: int
    chat: Chat
    sender: User
    date: int
    text: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    reply_to: Message | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    edit_date: int | None = None
    edits: list[JsonDict] = field(default_factory=list)  # snapshots before each edit
    deleted: bool = False
    seq: int = 0  # global order of creation, across chats
    send_options: JsonDict = field(default_factory=dict)  # disable_notification, ...

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def from_bot(self) -> bool:
        return self.sender.is_bot

    @property
    def document_bytes(self) -> bytes | None:
        return self.document.content if self.document else None

    @property
    def inline_keyboard(self) -> list[list[JsonDict]]:
        if not self.reply_markup:
            return []
        keyboard: list[list[JsonDict]] = self.reply_markup.get("inline_keyboard", [])
        return keyboard

    def button_data(self) -> list[str]:
        """All callback_data values of the inline keyboard, row by row."""
        return [
            b["callback_data"] for row in self.inline_keyboard for b in row if "callback_data" in b
        ]

    def snapshot(self) -> JsonDict:
        return {
            "text": self.text,
            "entities": copy.deepcopy(self.entities),
            "caption": self.caption,
            "reply_markup": copy.deepcopy(self.reply_markup),
            "edit_date": self.edit_date,
        }

    def to_api(self, *, with_reply: bool = True) -> JsonDict:
        data: JsonDict = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            # Telegram does not nest reply_to_message inside reply_to_message.
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = copy.deepcopy(self.entities)
        if self.document is not None:
            data["document"] = self.document.to_api_document()
        if self.photo is not None:
            data["photo"] = self.photo.to_api_photo()
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = copy.deepcopy(self.caption_entities)
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            # Only inline keyboards are echoed back in Message.reply_markup.
            data["reply_markup"] = copy.deepcopy(self.reply_markup)
        return data


@dataclass
class CallbackAnswer:
    """What the bot answered to one callback query (answerCallbackQuery)."""

    callback_query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass
class ChatAction:
    chat_id: int
    action: str


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class BotState:
    """All mutable state of one fake Telegram, independent of HTTP."""

    def __init__(self, bot: User) -> None:
        self.bot = bot
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.started: set[int] = set()  # users who ever wrote to the bot (pressed Start)
        self.messages: dict[int, dict[int, Message]] = {}  # chat_id -> message_id -> Message
        self.files: dict[str, StoredFile] = {}  # file_id -> file
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[JsonDict] = []  # pending (not yet confirmed) updates
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}  # (scope key, lang) -> cmds
        self.reply_keyboards: dict[int, JsonDict | None] = {}  # what the user sees now
        self.menu_buttons: dict[int | None, JsonDict] = {}
        # (setting, language) -> text: descriptions, names...
        self.bot_settings: dict[tuple[str, str], str] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.open_callback_queries: dict[str, JsonDict] = {}
        self.chat_actions: list[ChatAction] = []
        self.calls: list[tuple[str, JsonDict]] = []  # every bot API call, in order
        self.last_seq = 0
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)

    # --- identifiers -------------------------------------------------------

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def next_user_id(self) -> int:
        return next(self._user_ids)

    def next_group_id(self) -> int:
        return -(1_000_000_000_000 + next(self._group_ids))

    def next_query_id(self) -> str:
        return str(4_000_000_000_000 + next(self._query_ids))

    # --- messages and files ----------------------------------------------

    def add_message(self, message: Message) -> Message:
        self.last_seq += 1
        message.seq = self.last_seq
        self.messages.setdefault(message.chat.id, {})[message.message_id] = message
        return message

    def get_message(self, chat_id: int, message_id: int) -> Message | None:
        message = self.messages.get(chat_id, {}).get(message_id)
        if message is None or message.deleted:
            return None
        return message

    def messages_in(self, chat_id: int, *, include_deleted: bool = False) -> list[Message]:
        found = self.messages.get(chat_id, {}).values()
        return [m for m in found if include_deleted or not m.deleted]

    def store_file(
        self, content: bytes, *, kind: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        n = next(self._file_ids)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photos":
            suffix = ".jpg"
        stored = StoredFile(
            file_id=f"FAKE{kind[:3].upper()}{n:06d}",
            file_unique_id=f"U{n:06d}",
            content=content,
            file_path=f"{kind}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored
