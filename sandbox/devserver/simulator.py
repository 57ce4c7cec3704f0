"""The user side of the fake Telegram: people who write, press buttons, upload files.

Tests and the demo call these methods in-process; each action becomes an update
the bot receives over HTTP (getUpdates or webhook), exactly as from Telegram.
Reading helpers return the stored `Message` objects, so assertions can look at
text, keyboards, edit history, replies and document bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sandbox.devserver.formatting import utf16_len
from sandbox.devserver.methods import scope_key
from sandbox.devserver.state import (
    CallbackAnswer,
    Chat,
    JsonDict,
    Message,
    StoredFile,
    User,
)
from sandbox.devserver.waits import DEFAULT_WAIT_SECONDS

if TYPE_CHECKING:
    from sandbox.devserver.faults import Faults
    from sandbox.devserver.state import BotState

T = TypeVar("T")
ChatRef = Chat | User | int | None


def _command_entities(text: str) -> list[JsonDict]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]


class UserSide:
    """In-process API for tests: act as users, read what the bot did, wait for it."""

    state: BotState
    faults: Faults
    group_privacy: bool
    wall_clock: Callable[[], float]
    _mark: int = 0  # last_seq at the latest user action

    if TYPE_CHECKING:  # provided by FakeBotApi

        def changed(self) -> None: ...
        def enqueue_update(self, kind: str, payload: JsonDict) -> JsonDict: ...
        async def wait_until(
            self,
            predicate: Callable[[], T | None],
            timeout: float | None = DEFAULT_WAIT_SECONDS,  # noqa: ASYNC109
        ) -> T: ...

    # --- people and chats -------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        language_code: str | None = "vi",
        user_id: int | None = None,
        last_name: str | None = None,
        started: bool = True,
    ) -> User:
        """A person; their private chat exists at once.

        `started=False` models someone who never opened the bot: Telegram refuses
        to let the bot write first (403) until they send it something.
        """
        user = User(
            id=user_id if user_id is not None else self.state.next_user_id(),
            first_name=first_name,
            username=username,
            last_name=last_name,
            language_code=language_code,
        )
        self.state.users[user.id] = user
        if started:
            self.state.started.add(user.id)
        self.private_chat(user)
        return user

    def private_chat(self, user: User) -> Chat:
        chat = self.state.chats.get(user.id)
        if chat is None:
            chat = Chat(id=user.id, type="private", user=user)
            self.state.chats[chat.id] = chat
        return chat

    def add_group(
        self,
        title: str,
        members: list[User],
        *,
        type: str = "supergroup",
        chat_id: int | None = None,
        username: str | None = None,
    ) -> Chat:
        """A group with the bot in it; the first member is its creator."""
        chat = Chat(
            id=chat_id if chat_id is not None else self.state.next_group_id(),
            type=type,
            title=title,
            username=username,
            members=list(members),
        )
        self.state.chats[chat.id] = chat
        return chat

    def _resolve_chat(self, user: User, chat: ChatRef) -> Chat:
        if chat is None or chat is user:
            return self.private_chat(user)
        if isinstance(chat, Chat):
            return chat
        if isinstance(chat, User):
            return self.private_chat(chat)
        return self.state.chats[chat]

    def _resolve_message(self, chat: Chat, message: Message | JsonDict | int) -> Message:
        if isinstance(message, Message):
            return message
        message_id = message if isinstance(message, int) else message["message_id"]
        found = self.state.get_message(chat.id, message_id)
        if found is None:
            raise LookupError(f"no message {message_id} in chat {chat.id}")
        return found

    # --- user actions -----------------------------------------------------------

    def _user_message(
        self, user: User, chat: Chat, reply_to: Message | JsonDict | int | None, **content: Any
    ) -> Message:
        target = self._resolve_message(chat, reply_to) if reply_to is not None else None
        message = Message(
            message_id=self.state.next_message_id(chat.id),
            chat=chat,
            sender=user,
            date=int(self.wall_clock()),
            reply_to=target,
            **content,
        )
        self.state.add_message(message)
        if chat.is_private:
            self.state.started.add(user.id)
        self._mark = self.state.last_seq
        return message

    def _reaches_bot(self, message: Message) -> bool:
        """Group privacy mode: in groups a bot only sees commands and replies to itself."""
        if message.chat.is_private or not self.group_privacy:
            return True
        if message.reply_to is not None and message.reply_to.from_bot:
            return True
        words = (message.text or message.caption or "").split(maxsplit=1)
        if not words or not words[0].startswith("/"):
            return False
        _, _, addressee = words[0].partition("@")
        return not addressee or addressee.lower() == (self.state.bot.username or "").lower()

    def _deliver(self, message: Message) -> JsonDict | None:
        if not self._reaches_bot(message):
            self.changed()
            return None
        return self.enqueue_update("message", message.to_api())

    def user_sends_text(
        self,
        user: User,
        chat: ChatRef,
        text: str,
        reply_to: Message | JsonDict | int | None = None,
    ) -> JsonDict | None:
        """`user` writes `text`; a leading "/cmd" or "/cmd@bot" gets its bot_command entity.

        Returns the update, or None when group privacy mode hides the message from
        the bot (it is still stored in the chat).
        """
        chat_obj = self._resolve_chat(user, chat)
        message = self._user_message(
            user, chat_obj, reply_to, text=text, entities=_command_entities(text)
        )
        return self._deliver(message)

    def user_edits_text(self, user: User, message: Message, text: str) -> JsonDict | None:
        """`user` edits their earlier message: the bot gets an ``edited_message`` update."""
        if message.sender.id != user.id:
            raise LookupError("a user can only edit their own messages")
        message.edits.append(message.snapshot())
        message.text, message.entities = text, _command_entities(text)
        message.edit_date = int(self.wall_clock())
        self._mark = self.state.last_seq
        if not self._reaches_bot(message):
            self.changed()
            return None
        return self.enqueue_update("edited_message", message.to_api())

    def user_blocks_bot(self, user: User) -> JsonDict:
        """Block the bot: sends answer 403 and the bot gets a ``my_chat_member`` update."""
        self.faults.block(user.id)
        return self._my_chat_member(user, "member", "kicked")

    def user_unblocks_bot(self, user: User) -> JsonDict:
        self.faults.unblock(user.id)
        return self._my_chat_member(user, "kicked", "member")

    def _my_chat_member(self, user: User, old: str, new: str) -> JsonDict:
        bot = self.state.bot.to_api()

        def member(status: str) -> JsonDict:
            # ChatMemberBanned always carries until_date (0 = forever) in the Bot API.
            return {
                "status": status,
                "user": bot,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        change = {
            "chat": self.private_chat(user).to_api(),
            "from": user.to_api(),
            "date": int(self.wall_clock()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self.enqueue_update("my_chat_member", change)

    def user_presses_button(
        self, user: User, message: Message | JsonDict, callback_data: str
    ) -> JsonDict:
        """`user` presses the inline button carrying `callback_data` under `message`."""
        chat = (
            message.chat
            if isinstance(message, Message)
            else self.state.chats[message["chat"]["id"]]
        )
        stored = self._resolve_message(chat, message)
        if callback_data not in stored.button_data():
            raise LookupError(
                f"message {stored.message_id} has no button {callback_data!r}; "
                f"it has {stored.button_data()}"
            )
        query_id = self.state.next_query_id()
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": stored.to_api(),
            "chat_instance": str(abs(chat.id) * 7919 % 10**12),
            "data": callback_data,
        }
        self.state.open_callback_queries[query_id] = query
        self._mark = self.state.last_seq
        return self.enqueue_update("callback_query", query)

    def user_uploads_document(
        self,
        user: User,
        chat: ChatRef,
        filename: str,
        content: bytes,
        caption: str | None = None,
        mime: str | None = None,
    ) -> JsonDict | None:
        chat_obj = self._resolve_chat(user, chat)
        stored = self.state.store_file(
            content, kind="documents", file_name=filename, mime_type=mime
        )
        message = self._user_message(user, chat_obj, None, document=stored, caption=caption)
        return self._deliver(message)

    def user_uploads_photo(
        self, user: User, chat: ChatRef, content: bytes, caption: str | None = None
    ) -> JsonDict | None:
        chat_obj = self._resolve_chat(user, chat)
        stored = self.state.store_file(content, kind="photos", file_name=None, mime_type=None)
        message = self._user_message(user, chat_obj, None, photo=stored, caption=caption)
        return self._deliver(message)

    # --- reading ------------------------------------------------------------------

    def messages_in(self, chat: Chat | int) -> list[Message]:
        chat_id = chat.id if isinstance(chat, Chat) else chat
        return self.state.messages_in(chat_id)

    def message_of(self, update: JsonDict) -> Message:
        """The stored `Message` behind a message / edited_message / callback_query update."""
        payload = update.get("message") or update.get("edited_message")
        if payload is None and "callback_query" in update:
            payload = update["callback_query"]["message"]
        if payload is None:
            raise LookupError(f"update {update.get('update_id')} carries no message")
        return self._resolve_message(self.state.chats[payload["chat"]["id"]], payload)

    def bot_messages(self, chat: Chat | int) -> list[Message]:
        return [m for m in self.messages_in(chat) if m.from_bot]

    def last_bot_message(self, chat: Chat | int) -> Message | None:
        sent = self.bot_messages(chat)
        return sent[-1] if sent else None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.state.callback_answers

    def callback_answer(self, update_or_id: JsonDict | str) -> CallbackAnswer | None:
        query_id = (
            update_or_id if isinstance(update_or_id, str) else update_or_id["callback_query"]["id"]
        )
        return next((a for a in self.callback_answers if a.callback_query_id == query_id), None)

    def commands(self, scope: JsonDict | str | None = None, language_code: str = "") -> list[str]:
        """Command names the bot set for `scope` ("default", {"type": "chat", ...})."""
        found = self.state.commands.get((scope_key(scope), language_code), [])
        return [c["command"] for c in found]

    def command_list(
        self, scope: JsonDict | str | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        return list(self.state.commands.get((scope_key(scope), language_code), []))

    def sent_documents(self, chat: Chat | int | None = None) -> list[StoredFile]:
        """Files the bot sent (to `chat`, or anywhere), with their bytes in `.content`."""
        chats = (
            [chat.id if isinstance(chat, Chat) else chat]
            if chat is not None
            else list(self.state.messages)
        )
        return [
            m.document
            for chat_id in chats
            for m in self.bot_messages(chat_id)
            if m.document is not None
        ]

    def sent_photos(self, chat: Chat | int) -> list[StoredFile]:
        return [m.photo for m in self.bot_messages(chat) if m.photo is not None]

    def chat_actions(self, chat: Chat | int) -> list[str]:
        chat_id = chat.id if isinstance(chat, Chat) else chat
        return [a.action for a in self.state.chat_actions if a.chat_id == chat_id]

    def reply_keyboard(self, chat: Chat | int) -> list[list[str]] | None:
        """Button texts of the reply keyboard the user currently sees, if any."""
        chat_id = chat.id if isinstance(chat, Chat) else chat
        markup = self.state.reply_keyboards.get(chat_id)
        if not markup:
            return None
        return [[b if isinstance(b, str) else b["text"] for b in row] for row in markup["keyboard"]]

    # --- waiting --------------------------------------------------------------------

    async def wait_for_bot_message(
        self,
        chat: Chat | int,
        predicate: Callable[[Message], bool] | None = None,
        timeout: float = DEFAULT_WAIT_SECONDS,  # noqa: ASYNC109
        since: int | None = None,
    ) -> Message:
        """The first bot message in `chat` after the latest user action that matches.

        `since` (a `Message.seq`) overrides "after the latest user action".
        """
        after = self._mark if since is None else since

        def found() -> Message | None:
            return next(
                (
                    m
                    for m in self.bot_messages(chat)
                    if m.seq > after and (predicate is None or predicate(m))
                ),
                None,
            )

        return await self.wait_until(found, timeout)

    async def wait_for_callback_answer(
        self,
        update_or_id: JsonDict | str,
        timeout: float = DEFAULT_WAIT_SECONDS,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        return await self.wait_until(lambda: self.callback_answer(update_or_id), timeout)
