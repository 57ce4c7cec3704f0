"""The Bot API methods the fake server answers, with Telegram's checks and errors.

Each method takes `Params` and returns the ``result`` of the Bot API answer, or
raises `ApiError`. Check order follows Telegram's: chat, permission (blocked),
content (parse, size), then flood limits — a refused message costs no quota.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sandbox.devserver.errors import ApiError, bad_request, forbidden, too_many_requests
from sandbox.devserver.formatting import parse_text
from sandbox.devserver.params import Params
from sandbox.devserver.state import (
    CallbackAnswer,
    Chat,
    ChatAction,
    JsonDict,
    Message,
    StoredFile,
    Webhook,
)

if TYPE_CHECKING:
    from sandbox.devserver.faults import Faults
    from sandbox.devserver.limits import Limits
    from sandbox.devserver.state import BotState

Method = Callable[[Params], Awaitable[Any]]

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def scope_key(scope: JsonDict | str | None) -> str:
    """A canonical key for a BotCommandScope (dict, type name, or None = default)."""
    if scope is None:
        scope = {"type": "default"}
    elif isinstance(scope, str):
        scope = {"type": scope}
    return json.dumps(scope, sort_keys=True)


class BotMethods:
    """Bot API method implementations; mixed into `FakeBotApi`."""

    state: BotState
    limits: Limits
    faults: Faults
    wall_clock: Callable[[], float]
    group_privacy: bool
    _poll_generation: int

    if TYPE_CHECKING:  # provided by FakeBotApi

        def changed(self) -> None: ...
        def _start_webhook(self) -> None: ...
        async def _stop_webhook(self) -> None: ...

    def method_table(self) -> dict[str, Method]:
        """Lower-cased method name -> implementation (Telegram ignores name case)."""
        answered_true = self._answer_true
        return {
            "getme": self.get_me,
            "logout": answered_true,
            "close": answered_true,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "sendmessage": self.send_message,
            "senddocument": self.send_document,
            "sendphoto": self.send_photo,
            "sendmediagroup": self.send_media_group,
            "copymessage": self.copy_message,
            "forwardmessage": self.forward_message,
            "editmessagetext": self.edit_message_text,
            "editmessagecaption": self.edit_message_caption,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "deletemessages": self.delete_messages,
            "answercallbackquery": self.answer_callback_query,
            "getfile": self.get_file,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "setchatmenubutton": self.set_chat_menu_button,
            "getchatmenubutton": self.get_chat_menu_button,
            "sendchataction": self.send_chat_action,
            "getchat": self.get_chat,
            "getchatmember": self.get_chat_member,
            "getchatadministrators": self.get_chat_administrators,
            "getchatmembercount": self.get_chat_member_count,
            "setmydescription": self._bot_setting("description"),
            "setmyshortdescription": self._bot_setting("short_description"),
            "setmyname": self._bot_setting("name"),
            "getmydescription": self._get_bot_setting("description"),
            "getmyshortdescription": self._get_bot_setting("short_description"),
            "getmyname": self._get_bot_setting("name"),
            "setmydefaultadministratorrights": answered_true,
            "getmydefaultadministratorrights": self.get_default_admin_rights,
            "pinchatmessage": answered_true,
            "unpinchatmessage": answered_true,
            "unpinallchatmessages": answered_true,
            "leavechat": answered_true,
            "setmessagereaction": answered_true,
        }

    async def _answer_true(self, p: Params) -> bool:
        return True

    # --- bot identity and webhook ------------------------------------------

    async def get_me(self, p: Params) -> JsonDict:
        me = self.state.bot.to_api()
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=not self.group_privacy,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    async def set_webhook(self, p: Params) -> bool:
        url = p.str("url") or ""
        if not url:
            return await self.delete_webhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if p.bool("drop_pending_updates"):
            self.state.updates.clear()
        allowed = p.json("allowed_updates")
        if allowed is not None:
            self.state.allowed_updates = list(allowed)
        self.state.webhook = Webhook(
            url=url,
            secret_token=secret,
            allowed_updates=allowed,
            max_connections=p.int("max_connections") or 40,
        )
        self._poll_generation += 1  # a waiting getUpdates now answers 409
        self._start_webhook()
        return True

    async def delete_webhook(self, p: Params) -> bool:
        if p.bool("drop_pending_updates"):
            self.state.updates.clear()
        self.state.webhook = None
        await self._stop_webhook()
        return True

    async def get_webhook_info(self, p: Params) -> JsonDict:
        hook = self.state.webhook
        info: JsonDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    # --- resolving chats and checking sends -----------------------------------

    def _chat(self, p: Params, name: str = "chat_id") -> Chat:
        chat_id = p.chat_id(name)
        if isinstance(chat_id, str):  # "@channelusername": public groups and channels only
            username = chat_id[1:].lower()
            for chat in self.state.chats.values():
                if not chat.is_private and (chat.username or "").lower() == username:
                    return chat
            raise bad_request("chat not found")
        found = self.state.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    def _check_reachable(self, chat: Chat) -> None:
        """403s of Telegram, in its order: a bot must survive each one in a fan-out."""
        if chat.is_private and chat.user is not None:
            user_id = chat.user.id
            if user_id in self.faults.deactivated:
                raise forbidden("user is deactivated")
            if self.faults.is_blocked(user_id):
                raise forbidden("bot was blocked by the user")
            if user_id not in self.state.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif chat.id in self.faults.kicked:
            raise forbidden(f"bot was kicked from the {chat.type} chat")

    def _check_flood(self, chat: Chat) -> None:
        retry_after = self.limits.check_send(chat.id, is_private=chat.is_private)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def _formatted(
        self, p: Params, text_name: str, entities_name: str, max_length: int, too_long: str
    ) -> tuple[str | None, list[JsonDict]]:
        raw = p.str(text_name)
        if raw is None:
            return None, []
        explicit = p.json(entities_name)
        if explicit is not None:
            text, entities = raw, list(explicit)
        else:
            text, entities = parse_text(raw, p.str("parse_mode"))
        # Length counts code points (a live probe: 4096 emoji pass, 4097 fail), while
        # entity offsets count UTF-16 units.
        if len(text) > max_length:
            raise bad_request(too_long)
        return text, entities

    def _text(self, p: Params) -> tuple[str, list[JsonDict]]:
        text, entities = self._formatted(
            p, "text", "entities", self.limits.max_text_length, "message is too long"
        )
        if not text or not text.strip():
            raise bad_request("message text is empty")
        return text, entities

    def _caption(self, p: Params) -> tuple[str | None, list[JsonDict]]:
        return self._formatted(
            p,
            "caption",
            "caption_entities",
            self.limits.max_caption_length,
            "message caption is too long",
        )

    def _reply_markup(self, p: Params) -> JsonDict | None:
        markup = p.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup["inline_keyboard"])
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _check_inline_keyboard(self, rows: Any) -> None:
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if not any(k in button for k in _BUTTON_ACTIONS):
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None:
                    size = len(str(data).encode())
                    if not 1 <= size <= self.limits.max_callback_data_bytes:
                        raise bad_request("BUTTON_DATA_INVALID")

    def _reply_target(self, p: Params, chat: Chat) -> Message | None:
        params = p.json("reply_parameters") or {}
        message_id = params.get("message_id") or p.int("reply_to_message_id")
        if not message_id:
            return None
        target_chat_id = params.get("chat_id", chat.id)
        target = self.state.get_message(int(target_chat_id), int(message_id))
        allow_missing = params.get("allow_sending_without_reply") or p.bool(
            "allow_sending_without_reply"
        )
        if target is None and not allow_missing:
            raise bad_request("message to be replied not found")
        return target

    def _send_options(self, p: Params) -> JsonDict:
        """Delivery options kept for assertions (a reminder sent silently, say)."""
        options: JsonDict = {}
        for flag in ("disable_notification", "protect_content"):
            if flag in p:
                options[flag] = p.bool(flag)
        if "link_preview_options" in p:
            options["link_preview_options"] = p.json("link_preview_options")
        return options

    def _send(self, chat: Chat, p: Params, **content: Any) -> JsonDict:
        """Store a message from the bot (all checks passed) and return its API form."""
        reply_markup = content.pop("reply_markup", None)
        reply_to = self._reply_target(p, chat)
        self._check_flood(chat)
        message = Message(
            message_id=self.state.next_message_id(chat.id),
            chat=chat,
            sender=self.state.bot,
            date=int(self.wall_clock()),
            reply_markup=reply_markup,
            reply_to=reply_to,
            send_options=self._send_options(p),
            **content,
        )
        if reply_markup and ("keyboard" in reply_markup or "remove_keyboard" in reply_markup):
            self.state.reply_keyboards[chat.id] = (
                None if reply_markup.get("remove_keyboard") else reply_markup
            )
        self.state.add_message(message)
        return message.to_api()

    # --- sending ----------------------------------------------------------

    async def send_message(self, p: Params) -> JsonDict:
        chat = self._chat(p)
        self._check_reachable(chat)
        text, entities = self._text(p)
        return self._send(chat, p, text=text, entities=entities, reply_markup=self._reply_markup(p))

    def _input_file(self, p: Params, name: str, kind: str) -> StoredFile:
        upload = p.files.get(name)
        value = p.str(name)
        if upload is None and value and value.startswith("attach://"):
            upload = p.files.get(value.removeprefix("attach://"))
        if upload is not None:
            content = upload.file.read()
            if len(content) > 50 * 1024 * 1024:
                raise ApiError(413, "Request Entity Too Large")
            mime: str | None = upload.content_type
            if mime == "application/octet-stream":
                mime = None
            return self.state.store_file(
                content, kind=kind, file_name=upload.filename, mime_type=mime
            )
        if not value:
            raise bad_request(f"there is no {name} in the request")
        stored = self.state.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    async def send_document(self, p: Params) -> JsonDict:
        chat = self._chat(p)
        self._check_reachable(chat)
        caption, caption_entities = self._caption(p)
        stored = self._input_file(p, "document", "documents")
        return self._send(
            chat,
            p,
            document=stored,
            caption=caption,
            caption_entities=caption_entities,
            reply_markup=self._reply_markup(p),
        )

    async def send_photo(self, p: Params) -> JsonDict:
        chat = self._chat(p)
        self._check_reachable(chat)
        caption, caption_entities = self._caption(p)
        stored = self._input_file(p, "photo", "photos")
        if len(stored.content) > 10 * 1024 * 1024:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self._send(
            chat,
            p,
            photo=stored,
            caption=caption,
            caption_entities=caption_entities,
            reply_markup=self._reply_markup(p),
        )

    async def send_media_group(self, p: Params) -> list[JsonDict]:
        """2–10 documents or photos sent as one album; each counts against the limits."""
        chat = self._chat(p)
        self._check_reachable(chat)
        media = p.json("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media items")
        items = []
        for item in media:
            kind = item.get("type")
            if kind not in ("document", "photo"):
                raise bad_request(f"unsupported media type {kind!r}")
            file_params = Params({kind: item.get("media")}, p.files)
            stored = self._input_file(file_params, kind, f"{kind}s")
            caption, entities = self._caption(Params(item))  # its own parse_mode, if any
            items.append((kind, stored, caption, entities))
        return [
            self._send(chat, p, caption=caption, caption_entities=entities, **{kind: stored})
            for kind, stored, caption, entities in items
        ]

    def _source_message(self, p: Params) -> Message:
        source_chat = self._chat(p, "from_chat_id")
        source = self.state.get_message(source_chat.id, p.int("message_id", required=True) or 0)
        if source is None:
            raise bad_request("message to copy not found")
        return source

    async def copy_message(self, p: Params) -> JsonDict:
        chat = self._chat(p)
        self._check_reachable(chat)
        source = self._source_message(p)
        caption, caption_entities = self._caption(p)
        sent = self._send(
            chat,
            p,
            text=source.text,
            entities=copy.deepcopy(source.entities),
            document=source.document,
            photo=source.photo,
            caption=caption if caption is not None else source.caption,
            caption_entities=caption_entities or copy.deepcopy(source.caption_entities),
            reply_markup=self._reply_markup(p),
        )
        return {"message_id": sent["message_id"]}

    async def forward_message(self, p: Params) -> JsonDict:
        chat = self._chat(p)
        self._check_reachable(chat)
        source = self._source_message(p)
        return self._send(
            chat,
            p,
            text=source.text,
            entities=copy.deepcopy(source.entities),
            document=source.document,
            photo=source.photo,
            caption=source.caption,
            caption_entities=copy.deepcopy(source.caption_entities),
        )

    # --- editing and deleting ---------------------------------------------------

    def _editable(self, p: Params) -> Message:
        if p.str("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(p)
        message = self.state.get_message(chat.id, p.int("message_id", required=True) or 0)
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, message: Message, **changes: Any) -> JsonDict:
        if all(getattr(message, k) == v for k, v in changes.items()):
            raise bad_request(NOT_MODIFIED)
        message.edits.append(message.snapshot())
        for key, value in changes.items():
            setattr(message, key, value)
        message.edit_date = int(self.wall_clock())
        return message.to_api()

    async def edit_message_text(self, p: Params) -> JsonDict:
        message = self._editable(p)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text(p)
        return self._apply_edit(
            message, text=text, entities=entities, reply_markup=self._reply_markup(p)
        )

    async def edit_message_caption(self, p: Params) -> JsonDict:
        message = self._editable(p)
        if message.document is None and message.photo is None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(p)
        return self._apply_edit(
            message, caption=caption, caption_entities=entities, reply_markup=self._reply_markup(p)
        )

    async def edit_message_reply_markup(self, p: Params) -> JsonDict:
        message = self._editable(p)
        return self._apply_edit(message, reply_markup=self._reply_markup(p))

    async def delete_message(self, p: Params) -> bool:
        chat = self._chat(p)
        message = self.state.get_message(chat.id, p.int("message_id", required=True) or 0)
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    async def delete_messages(self, p: Params) -> bool:
        chat = self._chat(p)
        for message_id in p.json("message_ids") or []:
            message = self.state.get_message(chat.id, int(message_id))
            if message is not None:
                message.deleted = True
        return True

    # --- callback queries, files ---------------------------------------------

    async def answer_callback_query(self, p: Params) -> bool:
        query_id = p.str("callback_query_id", required=True) or ""
        if query_id not in self.state.open_callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        del self.state.open_callback_queries[query_id]
        text = p.str("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.state.callback_answers.append(
            CallbackAnswer(
                callback_query_id=query_id,
                text=text,
                show_alert=p.bool("show_alert"),
                url=p.str("url"),
                cache_time=p.int("cache_time") or 0,
            )
        )
        return True

    async def get_file(self, p: Params) -> JsonDict:
        stored = self.state.files.get(p.str("file_id", required=True) or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return stored.to_api_file()

    # --- commands and menus ---------------------------------------------------

    def _command_key(self, p: Params) -> tuple[str, str]:
        scope = p.json("scope")
        if scope is not None and (not isinstance(scope, dict) or scope.get("type") not in _SCOPES):
            raise bad_request("can't parse BotCommandScope")
        language = p.str("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return scope_key(scope), language

    async def set_my_commands(self, p: Params) -> bool:
        commands = p.json("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        for command in commands:
            name = str(command.get("command", "")).removeprefix("/")
            if not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("command description must be 1-256 characters")
        key = self._command_key(p)
        self.state.commands[key] = [
            {"command": c["command"].removeprefix("/"), "description": c["description"]}
            for c in commands
        ]
        return True

    async def get_my_commands(self, p: Params) -> list[JsonDict]:
        return copy.deepcopy(self.state.commands.get(self._command_key(p), []))

    async def delete_my_commands(self, p: Params) -> bool:
        self.state.commands.pop(self._command_key(p), None)
        return True

    async def set_chat_menu_button(self, p: Params) -> bool:
        chat_id = p.int("chat_id")
        self.state.menu_buttons[chat_id] = p.json("menu_button") or {"type": "default"}
        return True

    async def get_chat_menu_button(self, p: Params) -> JsonDict:
        found = self.state.menu_buttons.get(p.int("chat_id"))
        return found or self.state.menu_buttons.get(None) or {"type": "commands"}

    def _bot_setting(self, name: str) -> Method:
        async def setter(p: Params) -> bool:
            self.state.bot_settings[(name, p.str("language_code") or "")] = p.str(name) or ""
            return True

        return setter

    def _get_bot_setting(self, name: str) -> Method:
        async def getter(p: Params) -> JsonDict:
            key = (name, p.str("language_code") or "")
            default = self.state.bot.first_name if name == "name" else ""
            return {name: self.state.bot_settings.get(key, default)}

        return getter

    async def get_default_admin_rights(self, p: Params) -> JsonDict:
        rights = (
            "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
            "can_promote_members can_change_info can_invite_users can_post_stories "
            "can_edit_stories can_delete_stories"
        ).split()
        return {"is_anonymous": False, **dict.fromkeys(rights, False)}

    # --- chats ------------------------------------------------------------------

    async def send_chat_action(self, p: Params) -> bool:
        chat = self._chat(p)
        self._check_reachable(chat)
        action = p.str("action", required=True) or ""
        self.state.chat_actions.append(ChatAction(chat.id, action))
        return True

    async def get_chat(self, p: Params) -> JsonDict:
        chat = self._chat(p)
        info = chat.to_api()
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return info

    def _member(self, chat: Chat, user_id: int) -> JsonDict:
        if user_id == self.state.bot.id:
            return {"status": "member", "user": self.state.bot.to_api()}
        user = self.state.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        if chat.is_private:
            return {"status": "member", "user": user.to_api()}
        if chat.members and chat.members[0].id == user_id:
            return {"status": "creator", "user": user.to_api(), "is_anonymous": False}
        if any(m.id == user_id for m in chat.members):
            return {"status": "member", "user": user.to_api()}
        return {"status": "left", "user": user.to_api()}

    async def get_chat_member(self, p: Params) -> JsonDict:
        return self._member(self._chat(p), p.int("user_id", required=True) or 0)

    async def get_chat_administrators(self, p: Params) -> list[JsonDict]:
        chat = self._chat(p)
        if chat.is_private or not chat.members:
            return []
        return [self._member(chat, chat.members[0].id)]

    async def get_chat_member_count(self, p: Params) -> int:
        chat = self._chat(p)
        return 2 if chat.is_private else len(chat.members) + 1
